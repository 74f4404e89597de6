"""SVG path data and transforms for the raster backends: path strings (logos, markers, grid
lines) are read by fontTools' SVG path parser into a pen; text needs none of this, its
glyph outlines reach the scene as structured commands."""

from __future__ import annotations

import re
from typing import Any

_TRANSFORM = re.compile(r"(translate|scale)\(\s*([-\d.eE]+)(?:[\s,]+([-\d.eE]+))?\s*\)")


class PathError(ValueError):
    """Malformed path data."""


def parse_transform(text: str | None) -> list[tuple[str, float, float]]:
    """The ``translate``/``scale`` steps of a transform attribute, in order (the only
    kinds the scene uses): ``("translate", dx, dy)`` or ``("scale", sx, sy)``."""
    steps = []
    for kind, a, b in _TRANSFORM.findall(text or ""):
        first = float(a)
        steps.append((kind, first, float(b) if b else (first if kind == "scale" else 0.0)))
    return steps


def draw_path(d: str, pen: Any) -> None:
    """Draw SVG path data ``d`` (the whole grammar: relative and implicit commands, H/V, S/T,
    quadratic curves, arcs) into a fontTools pen; PathError when it is malformed."""
    from fontTools.svgLib.path import parse_path

    try:
        parse_path(d, pen)
    except (ValueError, IndexError, KeyError) as exc:
        raise PathError(f"malformed path data: {exc}") from None
