"""Scene: the frozen drawing IR that every backend renders. Units are px, y down.

Elements say *what* is drawn; backends (svg, png, …) say *how*.
"""

from __future__ import annotations

from math import copysign
from typing import Union

from .records import factory, record


@record
class Style:
    """Paint: colours as ``#rrggbb`` (None = none), stroke width px, dash pattern px."""

    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 0.0
    dash: str | None = None
    opacity: float = 1.0


@record
class Rect:
    """A rectangle with corner radius ``rx`` (px)."""

    x: float
    y: float
    w: float
    h: float
    style: Style
    rx: float = 0.0


@record
class Circle:
    """A circle: centre and radius (px)."""

    cx: float
    cy: float
    r: float
    style: Style


@record
class Line:
    """A straight line (px)."""

    x1: float
    y1: float
    x2: float
    y2: float
    style: Style


@record
class Path:
    """Arbitrary path data; ``transform`` maps its own units to px (e.g. a logo's viewBox)."""

    d: str
    style: Style
    transform: str | None = None


Ops = tuple[tuple[str, tuple[float, ...]], ...]
_ARGS = {"M": 2, "L": 2, "C": 6, "Z": 0}


class Outline:
    """One glyph outline at one size: drawing commands in px relative to the glyph's origin
    on the baseline (y down), coordinates rounded to 0.01 px. ``ops`` holds ``("M", (x, y))``,
    ``("L", (x, y))``, ``("C", (x1, y1, x2, y2, x, y))`` and ``("Z", ())``; ``pack`` gives the
    same as op letters and integer hundredths of a px (what the SVG writer formats). Made from
    either form (``Outline(ops)``, ``Outline.packed``); the other is worked out on first use.
    One object is shared by every use of the glyph at that size (compared and hashed by
    identity); it is never changed."""

    __slots__ = ("_ops", "_packed")

    def __init__(self, ops: Ops) -> None:
        self._ops: Ops | None = ops
        self._packed: tuple[str, list[int], tuple[int, ...]] | None = None

    @classmethod
    def packed(cls, letters: str, hundredths: list[int], negative_zeros: tuple[int, ...] = ()) -> "Outline":
        """An outline from op letters (``MLCZ``) and its coordinates in integer hundredths of a
        px, flat in op order; ``negative_zeros`` are the indexes of coordinates that are -0.0."""
        if not set(letters) <= _ARGS.keys() or sum(_ARGS[op] for op in letters) != len(hundredths) \
                or not all(0 <= i < len(hundredths) and hundredths[i] == 0 for i in negative_zeros):
            raise ValueError("outline letters and coordinates do not match")
        outline = cls(())
        outline._ops, outline._packed = None, (letters, hundredths, negative_zeros)
        return outline

    @property
    def ops(self) -> Ops:
        """The drawing commands (coordinates px)."""
        if self._ops is None:
            letters, hundredths, negative_zeros = self._packed  # type: ignore[misc]
            values = [d / 100 for d in hundredths]
            for i in negative_zeros:
                values[i] = -0.0
            ops = []
            i = 0
            for op in letters:
                n = _ARGS[op]
                ops.append((op, tuple(values[i:i + n])))
                i += n
            self._ops = tuple(ops)
        return self._ops

    def pack(self) -> tuple[str, list[int], tuple[int, ...]]:
        """Op letters, coordinates in integer hundredths of a px (flat, in op order) and the
        indexes of coordinates that are -0.0."""
        if self._packed is None:
            flat = [v for _, args in self._ops for v in args]  # type: ignore[union-attr]
            self._packed = ("".join(op for op, _ in self._ops),  # type: ignore[union-attr]
                            [round(v * 100) for v in flat],
                            tuple(i for i, v in enumerate(flat) if v == 0 and copysign(1.0, v) < 0))
        return self._packed

    @property
    def empty(self) -> bool:
        """Whether the outline draws nothing (a space)."""
        return not (self._ops if self._ops is not None else self._packed[0])  # type: ignore[index]


@record
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


@record
class Image:
    """A raster or SVG image embedded as data, drawn into (x, y, w, h) px."""

    x: float
    y: float
    w: float
    h: float
    mime: str
    data: bytes


Node = Union["Group", Rect, Circle, Line, Path, Text, Image]


@record
class Group:
    """A group with optional id, classes, tooltip title, link and data attributes."""

    children: tuple[Node, ...]
    id: str | None = None
    classes: tuple[str, ...] = ()
    title: str | None = None
    href: str | None = None
    data: tuple[tuple[str, str], ...] = ()


@record
class Scene:
    """A whole picture: canvas size (px), document title and description, content."""

    width: float
    height: float
    title: str
    desc: str
    background: str | None
    children: tuple[Node, ...] = factory(tuple)
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
