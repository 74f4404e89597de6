"""Raster backend: draws the scene straight onto a cairo surface (libcairo through the
small binding in cairolib.py).

cairosvg would first serialise the scene to SVG and parse every path string back in
Python; here glyph outlines are drawn from the scene's structured commands, and the few
path strings (logos, markers, grid lines) go through fontTools' SVG path parser into a
cairo pen. Logo images are decoded by Pillow; SVG logos come as thumbnails rasterised by
cairosvg (logos.raster_of, cached on disk).
"""

from __future__ import annotations

import io
import math
import re
import struct
from array import array
from typing import Any

from ..scene import Circle, Group, Image, Line, Node, Outline, Path, Rect, Scene, Style, Text
from .cairolib import Context, ImageSurface, PathData
from .svgpath import draw_path, parse_transform


def _rgb(color: str) -> tuple[float, float, float]:
    return int(color[1:3], 16) / 255, int(color[3:5], 16) / 255, int(color[5:7], 16) / 255


def draw_scene(scene: Scene, scale: float, top: int = 0, rows: int | None = None) -> ImageSurface:
    """A cairo ImageSurface (ARGB32) holding the scene at ``scale`` device px per px; with
    ``top``/``rows``, only that horizontal band of device rows (big canvases are drawn in bands)."""
    width, height = math.ceil(scene.width * scale), math.ceil(scene.height * scale)
    rows = height - top if rows is None else rows
    surface = ImageSurface(width, rows)
    ctx = Context(surface)
    vx, vy, vw, vh = scene.viewbox
    k = scale * scene.width / vw
    ctx.translate(0, -top)
    ctx.scale(k, k)
    ctx.translate(-vx, -vy)
    if scene.background:
        ctx.set_source_rgb(*_rgb(scene.background))
        ctx.paint()
    visible = (vy + top / k - 2, vy + (top + rows) / k + 2)  # scene y range of the band
    for node in scene.children:
        _draw(ctx, node, k, visible)
    ctx.check()
    surface.flush()
    return surface


def _outline(node: Group) -> tuple[float, float] | None:
    """The y extent of a card or Mandala cell (its first child is its outline rectangle)."""
    if not {"card", "cell"} & set(node.classes):
        return None
    first = node.children[0] if node.children else None
    if isinstance(first, Rect):
        return first.y - first.style.stroke_width, first.y + first.h + first.style.stroke_width
    return None


def _paint(ctx: Context, style: Style) -> None:
    if style.fill:
        ctx.set_source_rgba(*_rgb(style.fill), style.opacity)
        if style.stroke:
            ctx.fill_preserve()
        else:
            ctx.fill()
    if style.stroke:
        ctx.set_source_rgba(*_rgb(style.stroke), style.opacity)
        ctx.set_line_width(style.stroke_width)
        ctx.set_dash([float(v) for v in re.split(r"[\s,]+", style.dash.strip())] if style.dash else [])
        ctx.stroke()
    ctx.new_path()


class _CairoPen:
    """A fontTools-style segment pen drawing into a cairo context (quadratics become cubics)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def moveTo(self, p: tuple[float, float]) -> None:  # noqa: N802 (pen protocol names)
        self.ctx.move_to(*p)

    def lineTo(self, p: tuple[float, float]) -> None:  # noqa: N802
        self.ctx.line_to(*p)

    def curveTo(self, *pts: tuple[float, float]) -> None:  # noqa: N802
        self.ctx.curve_to(*pts[0], *pts[1], *pts[2])

    def qCurveTo(self, *pts: tuple[float, float]) -> None:  # noqa: N802
        x0, y0 = self.ctx.get_current_point()
        (qx, qy), (x, y) = pts
        self.ctx.curve_to(x0 + 2 / 3 * (qx - x0), y0 + 2 / 3 * (qy - y0), x + 2 / 3 * (qx - x),
                          y + 2 / 3 * (qy - y), x, y)

    def closePath(self) -> None:  # noqa: N802
        self.ctx.close_path()

    def endPath(self) -> None:  # noqa: N802
        pass


def _header(kind: int, length: int) -> tuple[float, float]:
    """A cairo_path_data_t header (type, element count) as the two doubles it occupies."""
    return struct.unpack("dd", struct.pack("ii8x", kind, length))


def _glyphs(ctx: Context, node: Text) -> None:
    """Trace every glyph outline of a text node at its origin: the glyph's path, prepared once,
    appended with the origin as a translation. At scale 2 every device coordinate is the
    same double as adding the origin to each point (a doubling is exact); at other scales
    the two differ by an ulp, far below the 1/256 px cairo rounds to (glyph coordinates and
    origins are whole hundredths of a px)."""
    base = ctx.get_matrix()
    for outline, x, y in node.glyphs:
        path = _GLYPH_PATHS.get(outline)
        if path is None:
            path = _glyph_path(outline)
        if path is not None:
            ctx.set_matrix(base)
            ctx.translate(x, y)
            ctx.append_path(path)
    ctx.set_matrix(base)


_GLYPH_PATHS: dict[Outline, PathData | None] = {}  # one prepared path per glyph outline at its size
# op → its cairo element header (type, element count) and its number of points
_ELEMENTS = {op: (_header(kind, points + 1), points) for op, kind, points in (("M", 0, 1), ("L", 1, 1), ("C", 2, 3),
                                                                             ("Z", 3, 0))}


def _glyph_path(outline: Outline) -> PathData | None:
    """The outline as a prepared cairo path (None for an empty one, e.g. a space)."""
    letters, hundredths, negative_zeros = outline.pack()
    path = None
    if letters:
        coords = [d / 100 for d in hundredths]
        for i in negative_zeros:
            coords[i] = -0.0
        values = array("d")
        at = 0
        for op in letters:
            header, points = _ELEMENTS[op]
            values.extend(header)
            values.extend(coords[at:at + 2 * points])
            at += 2 * points
        path = PathData(values)
    if len(_GLYPH_PATHS) > 65536:
        _GLYPH_PATHS.clear()
    _GLYPH_PATHS[outline] = path
    return path


def _rounded(ctx: Context, x: float, y: float, w: float, h: float, r: float) -> None:
    r = min(r, w / 2, h / 2)
    if r <= 0:
        ctx.rectangle(x, y, w, h)
        return
    ctx.new_sub_path()
    ctx.arc(x + w - r, y + r, r, -math.pi / 2, 0)
    ctx.arc(x + w - r, y + h - r, r, 0, math.pi / 2)
    ctx.arc(x + r, y + h - r, r, math.pi / 2, math.pi)
    ctx.arc(x + r, y + r, r, math.pi, 3 * math.pi / 2)
    ctx.close_path()


def _draw(ctx: Context, node: Node, scale: float, visible: tuple[float, float] = (-1e18, 1e18)) -> None:
    if isinstance(node, Group):
        extent = _outline(node)
        if extent is not None and (extent[1] < visible[0] or extent[0] > visible[1]):
            return  # outside the band being drawn
        for child in node.children:
            _draw(ctx, child, scale, visible)
    elif isinstance(node, Text):
        _glyphs(ctx, node)
        _paint(ctx, Style(fill=node.fill))
    elif isinstance(node, Rect):
        _rounded(ctx, node.x, node.y, node.w, node.h, node.rx)
        _paint(ctx, node.style)
    elif isinstance(node, Circle):
        ctx.new_sub_path()
        ctx.arc(node.cx, node.cy, node.r, 0, 2 * math.pi)
        _paint(ctx, node.style)
    elif isinstance(node, Line):
        ctx.move_to(node.x1, node.y1)
        ctx.line_to(node.x2, node.y2)
        _paint(ctx, Style(stroke=node.style.stroke, stroke_width=node.style.stroke_width, dash=node.style.dash,
                          opacity=node.style.opacity))
    elif isinstance(node, Path):
        ctx.save()
        for kind, a, b in parse_transform(node.transform):
            if kind == "translate":
                ctx.translate(a, b)
            else:
                ctx.scale(a, b)
        _trace(ctx, node.d)
        ctx.restore()  # the path survives restore; it is painted in page space
        _paint(ctx, node.style)
    elif isinstance(node, Image):
        _image(ctx, node, scale)
    else:
        raise TypeError(f"unknown scene node {type(node).__name__}")


_PATHS: dict[str, Any] = {}  # path data → its recorded pen calls (a logo's path recurs on every card using it)


def _trace(ctx: Context, d: str) -> None:
    """Trace SVG path data into the context, parsed once per distinct string."""
    recorded = _PATHS.get(d)
    if recorded is None:
        from fontTools.pens.recordingPen import RecordingPen

        recorded = RecordingPen()
        draw_path(d, recorded)
        if len(_PATHS) > 4096:
            _PATHS.clear()
        _PATHS[d] = recorded
    recorded.replay(_CairoPen(ctx))


_SURFACES: dict[tuple[str, bytes, int], ImageSurface] = {}


def _image(ctx: Context, node: Image, scale: float) -> None:
    px = max(8, round(max(node.w, node.h) * scale))
    key = (node.mime, node.data, px if node.mime == "image/svg+xml" else 0)
    source = _SURFACES.get(key)
    if source is None:
        source = _decoded(node, px)
        if source is None:
            return
        if len(_SURFACES) > 4096:
            _SURFACES.clear()
        _SURFACES[key] = source
    iw, ih = source.get_width(), source.get_height()
    ctx.save()
    ctx.translate(node.x, node.y)
    ctx.scale(node.w / iw, node.h / ih)
    ctx.paint_surface(source)
    ctx.restore()


def _decoded(node: Image, px: int) -> ImageSurface | None:
    """The image's pixels: an SVG logo's thumbnail ``px`` on its longest side (cairo's own
    8-bit PNG, decoded by cairo), other images decoded by Pillow; None for a logo cairosvg
    cannot draw (its badge stays empty, the run goes on)."""
    if node.mime == "image/svg+xml":
        from ..logos import LogoError, raster_of

        try:
            return ImageSurface.from_png(raster_of(node.data, px))
        except LogoError:
            return None
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(node.data)) as im:
        return ImageSurface.from_rgba(im)
