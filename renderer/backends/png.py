"""PNG backend: the scene's SVG rasterised by cairosvg at ``scale`` (2 = 2 px per px)."""

from __future__ import annotations

from ..scene import Scene
from .svg import render_svg


def render_png(scene: Scene, scale: float = 2.0) -> bytes:
    """PNG bytes of the scene; deterministic for the same scene and scale."""
    import cairosvg

    return cairosvg.svg2png(bytestring=render_svg(scene), scale=scale, unsafe=False)
