"""matplotlib backend: PNG (Agg) and PDF from the scene, for machines without libcairo.

Scene px map to figure inches at 96 px per inch; line widths and dash lengths are
converted to points. Embedded SVG logos need cairosvg (and so libcairo): without it
they are left out with one warning.
"""

from __future__ import annotations

import io
import re
import sys
from typing import Any

from ..scene import Circle, Group, Image, Line, Node, Path, Rect, Scene, Style, Text
from .svgpath import draw_path, parse_transform


class _Painter:
    """Adds scene nodes to one matplotlib Axes whose data units are scene px (y down)."""

    def __init__(self, ax: Any, pt_per_unit: float) -> None:
        from matplotlib.path import Path as MPath

        self.ax = ax
        self.pt = pt_per_unit
        self.MPath = MPath
        self.z = 0
        self.skipped: list[str] = []

    def _path(self, d: str, transform: str | None = None) -> Any:
        moves = parse_transform(transform)

        def tr(p: tuple[float, float]) -> tuple[float, float]:
            x, y = p
            for kind, a, b in reversed(moves):
                x, y = (x + a, y + b) if kind == "translate" else (x * a, y * b)
            return x, y

        pen = _VertexPen(self.MPath, tr)
        draw_path(d, pen)
        return self.MPath(pen.verts, pen.codes) if pen.verts else None

    def _glyphs(self, node: Text) -> Any:
        """A matplotlib path of every glyph outline of a text node."""
        verts: list[tuple[float, float]] = []
        codes: list[int] = []
        mp = self.MPath
        for outline, x, y in node.glyphs:
            start = (x, y)
            for op, a in outline.ops:
                if op == "C":
                    verts += [(a[0] + x, a[1] + y), (a[2] + x, a[3] + y), (a[4] + x, a[5] + y)]
                    codes += [mp.CURVE4] * 3
                elif op == "L":
                    verts.append((a[0] + x, a[1] + y))
                    codes.append(mp.LINETO)
                elif op == "M":
                    start = (a[0] + x, a[1] + y)
                    verts.append(start)
                    codes.append(mp.MOVETO)
                else:
                    verts.append(start)
                    codes.append(mp.CLOSEPOLY)
        return mp(verts, codes) if verts else None

    def _patch(self, path: Any, style: Style) -> None:
        from matplotlib.patches import PathPatch

        if path is None:
            return
        kw: dict[str, Any] = {"facecolor": style.fill or "none", "alpha": style.opacity if style.opacity < 1 else None}
        if style.stroke:
            lw = max(style.stroke_width * self.pt, 0.01)
            kw.update(edgecolor=style.stroke, linewidth=lw)
            if style.dash:
                dashes = [float(v) * self.pt / lw for v in re.split(r"[\s,]+", style.dash.strip())]
                kw["linestyle"] = (0, dashes)
        else:
            kw.update(edgecolor="none", linewidth=0)
        self.z += 1
        self.ax.add_patch(PathPatch(path, zorder=self.z, capstyle="butt", joinstyle="miter", **kw))

    def draw(self, node: Node) -> None:
        """Add one node (and its children)."""
        if isinstance(node, Group):
            for child in node.children:
                self.draw(child)
        elif isinstance(node, Text):
            self._patch(self._glyphs(node), Style(fill=node.fill))
        elif isinstance(node, Rect):
            self._patch(self._path(_rect_d(node)), node.style)
        elif isinstance(node, Circle):
            r = node.r
            d = (f"M{node.cx - r} {node.cy}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0z")
            self._patch(self._path(d), node.style)
        elif isinstance(node, Line):
            self._patch(self._path(f"M{node.x1} {node.y1}L{node.x2} {node.y2}"),
                        Style(stroke=node.style.stroke, stroke_width=node.style.stroke_width, dash=node.style.dash))
        elif isinstance(node, Path):
            self._patch(self._path(node.d, node.transform), node.style)
        elif isinstance(node, Image):
            self._image(node)
        else:
            raise TypeError(f"unknown scene node {type(node).__name__}")

    def _image(self, node: Image) -> None:
        import numpy as np
        from PIL import Image as PILImage

        data = node.data
        if node.mime == "image/svg+xml":
            from ..logos import LogoError, raster_of

            try:
                data = raster_of(data, max(8, round(max(node.w, node.h) * 4)))
            except (ImportError, OSError, LogoError):
                self.skipped.append("an SVG logo (needs libcairo)")
                return
        with PILImage.open(io.BytesIO(data)) as im:
            pixels = np.asarray(im.convert("RGBA"))
        self.z += 1
        self.ax.imshow(pixels, extent=(node.x, node.x + node.w, node.y + node.h, node.y), zorder=self.z,
                       interpolation="antialiased")


class _VertexPen:
    """A fontTools-style segment pen collecting matplotlib vertices and codes (points mapped by ``tr``)."""

    def __init__(self, mpath: Any, tr: Any) -> None:
        self.MPath, self.tr = mpath, tr
        self.verts: list[tuple[float, float]] = []
        self.codes: list[int] = []
        self.start = (0.0, 0.0)

    def moveTo(self, p: tuple[float, float]) -> None:  # noqa: N802 (pen protocol names)
        self.start = self.tr(p)
        self.verts.append(self.start)
        self.codes.append(self.MPath.MOVETO)

    def lineTo(self, p: tuple[float, float]) -> None:  # noqa: N802
        self.verts.append(self.tr(p))
        self.codes.append(self.MPath.LINETO)

    def curveTo(self, *pts: tuple[float, float]) -> None:  # noqa: N802
        self.verts += [self.tr(p) for p in pts]
        self.codes += [self.MPath.CURVE4] * 3

    def qCurveTo(self, *pts: tuple[float, float]) -> None:  # noqa: N802
        self.verts += [self.tr(p) for p in pts]
        self.codes += [self.MPath.CURVE3] * 2

    def closePath(self) -> None:  # noqa: N802
        self.verts.append(self.start)
        self.codes.append(self.MPath.CLOSEPOLY)

    def endPath(self) -> None:  # noqa: N802
        pass


def _rect_d(r: Rect) -> str:
    rx = min(r.rx, r.w / 2, r.h / 2)
    if rx <= 0:
        return f"M{r.x} {r.y}h{r.w}v{r.h}h{-r.w}z"
    return (f"M{r.x + rx} {r.y}h{r.w - 2 * rx}a{rx} {rx} 0 0 1 {rx} {rx}v{r.h - 2 * rx}"
            f"a{rx} {rx} 0 0 1 {-rx} {rx}h{-(r.w - 2 * rx)}a{rx} {rx} 0 0 1 {-rx} {-rx}v{-(r.h - 2 * rx)}"
            f"a{rx} {rx} 0 0 1 {rx} {-rx}z")


def _figure(scene: Scene) -> Any:
    from matplotlib.figure import Figure

    vx, vy, vw, vh = scene.viewbox
    fig = Figure(figsize=(scene.width / 96, scene.height / 96), dpi=96)
    fig.patch.set_facecolor(scene.background or "none")
    fig.patch.set_alpha(1.0 if scene.background else 0.0)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(vx, vx + vw)
    ax.set_ylim(vy + vh, vy)
    ax.set_axis_off()
    ax.set_facecolor("none")
    painter = _Painter(ax, pt_per_unit=scene.width / vw / 96 * 72)
    for node in scene.children:
        painter.draw(node)
    if painter.skipped:
        print(f"warning: matplotlib backend left out {len(painter.skipped)} item(s): {painter.skipped[0]}",
              file=sys.stderr)
    return fig


def render_png_mpl(scene: Scene, scale: float = 2.0) -> bytes:
    """PNG bytes drawn by matplotlib's Agg at ``scale`` px per scene px."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = _figure(scene)
    FigureCanvasAgg(fig)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=96 * scale, metadata={"Software": None, **_stamp(scene, "landscape-fingerprint")},
                facecolor=fig.get_facecolor())
    return out.getvalue()


def render_pdf_mpl(scene: Scene) -> bytes:
    """Vector PDF bytes drawn by matplotlib; deterministic (no creation date)."""
    from matplotlib.backends.backend_pdf import FigureCanvasPdf

    fig = _figure(scene)
    FigureCanvasPdf(fig)
    out = io.BytesIO()
    fig.savefig(out, format="pdf", metadata={"CreationDate": None, "Producer": None, "Creator": None,
                                             **_stamp(scene, "Keywords")},
                facecolor=fig.get_facecolor())
    return out.getvalue()


def _stamp(scene: Scene, key: str) -> dict[str, str]:
    """The scene's fingerprint as a metadata entry (none when it has none)."""
    return {key: scene.fingerprint} if scene.fingerprint else {}
