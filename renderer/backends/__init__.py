"""Backends turn a Scene into bytes; the registry is keyed by file extension."""

from __future__ import annotations

from typing import Callable

from ..scene import Scene

Writer = Callable[[Scene, float], bytes]


def _svg(scene: Scene, scale: float) -> bytes:
    from .svg import render_svg

    return render_svg(scene)


def _png(scene: Scene, scale: float) -> bytes:
    from .png import render_png

    return render_png(scene, scale)


WRITERS: dict[str, Writer] = {"svg": _svg, "png": _png}


def writer_for(fmt: str) -> Writer:
    """The writer for a format name such as ``svg`` or ``png``."""
    try:
        return WRITERS[fmt.lower().lstrip(".")]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r} (known: {', '.join(sorted(WRITERS))})") from None
