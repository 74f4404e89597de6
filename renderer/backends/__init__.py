"""Backends turn a Scene into bytes; the registry is keyed by file extension.

Raster and PDF output come from a *raster backend*: ``cairo`` (default; PNG drawn
directly with cairo, PDF through cairosvg) or ``matplotlib`` (Agg and its PDF writer,
for machines without libcairo). ``auto`` picks cairo when libcairo loads, else
matplotlib, and says so once on stderr.
"""

from __future__ import annotations

import sys
from typing import Callable

from ..scene import Scene

Writer = Callable[[Scene, float, str], bytes]
BACKENDS = ("auto", "cairo", "matplotlib")
_chosen: dict[str, str] = {}


def cairo_available() -> bool:
    """Whether libcairo loads (the PNG binding) and cairocffi is installed (PDF through cairosvg)."""
    import importlib.util

    from .cairolib import available

    try:
        return available() and importlib.util.find_spec("cairocffi") is not None
    except (ImportError, OSError, ValueError):
        return False


def resolve_backend(name: str) -> str:
    """The concrete raster backend for ``name`` (auto → cairo or matplotlib)."""
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r} (known: {', '.join(BACKENDS)})")
    if name != "auto":
        return name
    if "auto" not in _chosen:
        _chosen["auto"] = "cairo" if cairo_available() else "matplotlib"
        if _chosen["auto"] == "matplotlib":
            print("notice: libcairo could not be loaded; rendering PNG/PDF with matplotlib", file=sys.stderr)
    return _chosen["auto"]


def _svg(scene: Scene, scale: float, backend: str) -> bytes:
    from .svg import render_svg

    return render_svg(scene)


def _png(scene: Scene, scale: float, backend: str) -> bytes:
    if resolve_backend(backend) == "matplotlib":
        from .mpl import render_png_mpl

        return render_png_mpl(scene, scale)
    from .png import render_png

    return render_png(scene, scale)


def _pdf(scene: Scene, scale: float, backend: str) -> bytes:
    if resolve_backend(backend) == "matplotlib":
        from .mpl import render_pdf_mpl

        return render_pdf_mpl(scene)
    from .pdf import render_pdf

    return render_pdf(scene)


WRITERS: dict[str, Writer] = {"svg": _svg, "png": _png, "pdf": _pdf}


def begin(fmt: str, scene: Scene, scale: float, backend: str) -> Callable[[], bytes]:
    """Start writing ``fmt``; call the result for the bytes. A PNG drawn by cairo is encoded
    on a thread (png.start_png), so the formats begun after it are written meanwhile; any
    other format is written at once."""
    if fmt.lower().lstrip(".") == "png" and resolve_backend(backend) == "cairo":
        from .png import start_png

        return start_png(scene, scale)
    payload = writer_for(fmt)(scene, scale, backend)
    return lambda: payload


def writer_for(fmt: str) -> Writer:
    """The writer for a format name such as ``svg``, ``png`` or ``pdf``."""
    try:
        return WRITERS[fmt.lower().lstrip(".")]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r} (known: {', '.join(sorted(WRITERS))})") from None
