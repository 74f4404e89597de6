"""PDF backend: the scene's SVG converted by cairosvg into a vector PDF (text is already
outlines; SVG logos are first made drawable by cairosvg, ``svgcompat.as_cairosvg_image``).
cairo stamps the current time into the PDF; a fixed creation date (or ``SOURCE_DATE_EPOCH``)
keeps the file byte-identical across runs."""

from __future__ import annotations

import io
import os
import time

from ..records import replace
from ..scene import Group, Image, Node, Scene
from ..svgcompat import as_cairosvg_image
from .svg import render_svg

FIXED_DATE = "2000-01-01T00:00:00Z"


def creation_date() -> str:
    """ISO date stamped into PDFs: ``SOURCE_DATE_EPOCH`` when set, else a fixed date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch)))
    return FIXED_DATE


def render_pdf(scene: Scene, scale: float = 1.0) -> bytes:
    """Vector PDF bytes of the scene; its page is the scene's size in px at 96 dpi."""
    import cairocffi
    from cairosvg.parser import Tree
    from cairosvg.surface import PDFSurface

    out = io.BytesIO()
    drawable = replace(scene, children=tuple(_drawable(node) for node in scene.children))
    surface = PDFSurface(Tree(bytestring=render_svg(drawable), unsafe=False), out, 96)
    surface.cairo.set_metadata(cairocffi.PDF_METADATA_CREATE_DATE, creation_date())
    surface.cairo.set_metadata(cairocffi.PDF_METADATA_CREATOR, "landscape-renderer")
    surface.cairo.set_metadata(cairocffi.PDF_METADATA_TITLE, scene.title)
    if scene.fingerprint:
        surface.cairo.set_metadata(cairocffi.PDF_METADATA_KEYWORDS, scene.fingerprint)
    surface.finish()
    return out.getvalue()


def _drawable(node: Node) -> Node:
    """``node`` with every SVG image in it as cairosvg draws it like a browser."""
    if isinstance(node, Group):
        return replace(node, children=tuple(_drawable(child) for child in node.children))
    if isinstance(node, Image) and node.mime == "image/svg+xml":
        return replace(node, data=as_cairosvg_image(node.data))
    return node
