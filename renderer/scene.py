"""Scene: the frozen drawing IR that every backend renders. Units are px, y down.

Elements say *what* is drawn; backends (svg, png, …) say *how*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Style:
    """Paint: colours as ``#rrggbb`` (None = none), stroke width px, dash pattern px."""

    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 0.0
    dash: str | None = None
    opacity: float = 1.0


@dataclass(frozen=True)
class Rect:
    """A rectangle with corner radius ``rx`` (px)."""

    x: float
    y: float
    w: float
    h: float
    style: Style
    rx: float = 0.0


@dataclass(frozen=True)
class Circle:
    """A circle: centre and radius (px)."""

    cx: float
    cy: float
    r: float
    style: Style


@dataclass(frozen=True)
class Line:
    """A straight line (px)."""

    x1: float
    y1: float
    x2: float
    y2: float
    style: Style


@dataclass(frozen=True)
class Path:
    """Arbitrary path data; ``transform`` maps its own units to px (e.g. a logo's viewBox)."""

    d: str
    style: Style
    transform: str | None = None


@dataclass(frozen=True, eq=False)
class Outline:
    """One glyph outline at one size: drawing commands in px relative to the glyph's origin
    on the baseline (y down), coordinates rounded to 0.01 px. ``ops`` holds ``("M", (x, y))``,
    ``("L", (x, y))``, ``("C", (x1, y1, x2, y2, x, y))`` and ``("Z", ())``. One object is shared
    by every use of the glyph at that size (compared and hashed by identity)."""

    ops: tuple[tuple[str, tuple[float, ...]], ...]


@dataclass(frozen=True)
class Text:
    """Text already shaped into glyph outlines, plus its box.

    ``glyphs`` holds (outline, x, baseline y) per drawn glyph, origins in px rounded to 0.01;
    ``text`` keeps the string (for tests, accessibility); ``box`` is (x, y, w, h) px from the
    shaped advance width and the font's ascent and descent.
    """

    text: str
    glyphs: tuple[tuple[Outline, float, float], ...]
    fill: str
    box: tuple[float, float, float, float]
    role: str = "label"


@dataclass(frozen=True)
class Image:
    """A raster or SVG image embedded as data, drawn into (x, y, w, h) px."""

    x: float
    y: float
    w: float
    h: float
    mime: str
    data: bytes


Node = Union["Group", Rect, Circle, Line, Path, Text, Image]


@dataclass(frozen=True)
class Group:
    """A group with optional id, classes, tooltip title, link and data attributes."""

    children: tuple[Node, ...]
    id: str | None = None
    classes: tuple[str, ...] = ()
    title: str | None = None
    href: str | None = None
    data: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Scene:
    """A whole picture: canvas size (px), document title and description, content."""

    width: float
    height: float
    title: str
    desc: str
    background: str | None
    children: tuple[Node, ...] = field(default_factory=tuple)
    view: tuple[float, float, float, float] | None = None  # content box shown on the canvas (x, y, w, h)
    fingerprint: str = ""  # what the output was made from (renderer/fingerprint.py); written as metadata

    @property
    def viewbox(self) -> tuple[float, float, float, float]:
        """The content box drawn onto the (width × height) canvas, centred and uniformly scaled."""
        return self.view or (0.0, 0.0, self.width, self.height)


def fit(scene: Scene, width: float, height: float) -> Scene:
    """The same drawing on a (width × height) px canvas: scaled uniformly and centred."""
    vx, vy, vw, vh = scene.viewbox
    k = min(width / vw, height / vh)
    ew, eh = width / k, height / k
    view = (vx - (ew - vw) / 2, vy - (eh - vh) / 2, ew, eh)
    return Scene(width=width, height=height, title=scene.title, desc=scene.desc, background=scene.background,
                 children=scene.children, view=view, fingerprint=scene.fingerprint)


def walk(nodes: tuple[Node, ...]) -> list[Node]:
    """Every node, depth first, groups included."""
    out: list[Node] = []
    for node in nodes:
        out.append(node)
        if isinstance(node, Group):
            out.extend(walk(node.children))
    return out


def texts(scene: Scene) -> list[Text]:
    """Every text node of the scene."""
    return [n for n in walk(scene.children) if isinstance(n, Text)]
