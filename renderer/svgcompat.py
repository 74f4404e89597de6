"""SVG logos as cairosvg can draw them, and their intrinsic size. Used by the logo loader (which
rasterises logos for PNG) and by the PDF backend (which hands the whole scene to cairosvg); knows
nothing else of either. Sizes are px (user units)."""

from __future__ import annotations

import re

DEFAULT_SIZE = (300.0, 150.0)  # px: what a browser gives an SVG without viewBox, width or height
UNIT_PX = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}

_NO_NESTED_CLIPS = b"<style>clipPath *{clip-path:none !important}</style></svg>"
_START_TAG = re.compile(rb"<(?:\w+:)?svg\b[^>]*>")
_ATTR = re.compile(rb'([\w:-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_LENGTH = re.compile(r"\s*(\d*\.?\d+(?:[eE][-+]?\d+)?)\s*(px|pt|pc|mm|cm|in)?\s*")


def without_nested_clips(svg: bytes) -> bytes:
    """The SVG as cairosvg can draw it: cairosvg loses the whole clip path when a shape
    inside a ``<clipPath>`` has its own ``clip-path`` (Illustrator exports clip each shape to
    the artboard), drawing nothing; such nested clips are ignored (browsers draw them)."""
    if b"clipPath" not in svg or b"clip-path" not in svg or not svg.rstrip().endswith(b"</svg>"):
        return svg
    return svg.rstrip()[: -len(b"</svg>")] + _NO_NESTED_CLIPS


def as_cairosvg_image(svg: bytes) -> bytes:
    """An SVG logo as cairosvg draws it scaled into an ``<image>`` box, as browsers do. cairosvg
    draws a logo without a viewBox at its own width and height, cut to the box (a 120 × 60 logo in
    a 48 × 24 box shows its top-left corner), cuts off a viewBox not starting at 0 0, and fits the
    viewBox into the logo's width and height before fitting those into the box: so the logo keeps
    only a viewBox ``0 0 w h`` (its own, else its width and height), the drawing moved to match, as
    its size is measured (``svg_size``); nested clips are dropped (``without_nested_clips``)."""
    svg = without_nested_clips(svg)
    tag = _START_TAG.search(svg)
    if tag is None or not svg.rstrip().endswith(b"</svg>") or tag.group(0).endswith(b"/>"):
        return svg
    attrs = _attrs(tag.group(0))
    box = _view_box(attrs)
    if box is None:
        size = _lengths(attrs)
        if size is None:
            return svg
        box = (0.0, 0.0, *size)
    x, y, w, h = box
    if "viewBox" in attrs and x == 0 and y == 0 and "width" not in attrs and "height" not in attrs:
        return svg
    head = re.sub(rb"""\s(viewBox|width|height)\s*=\s*("[^"]*"|'[^']*')""", b"", tag.group(0))
    head = head[:-1] + f' viewBox="0 0 {w:.12g} {h:.12g}">'.encode()
    body = svg[tag.end():svg.rstrip().rindex(b"</svg>")]
    if x or y:
        body = f'<g transform="translate({-x:.12g} {-y:.12g})">'.encode() + body + b"</g>"
    return svg[:tag.start()] + head + body + b"</svg>"


def svg_size(svg: bytes) -> tuple[float, float]:
    """Width and height (user units) of a sanitised SVG: its viewBox, else its width and
    height (absolute units), else the browser default 300 × 150."""
    tag = _START_TAG.search(svg)
    attrs = _attrs(tag.group(0)) if tag else {}
    box = _view_box(attrs)
    return (box[2], box[3]) if box else _lengths(attrs) or DEFAULT_SIZE


def _view_box(attrs: dict[str, str]) -> tuple[float, float, float, float] | None:
    """The viewBox (x, y, width, height) when it is four numbers with a positive size."""
    parts = [v for v in re.split(r"[\s,]+", attrs.get("viewBox", "").strip()) if v]
    try:
        box = tuple(float(v) for v in parts)
    except ValueError:
        return None
    return box if len(box) == 4 and box[2] > 0 and box[3] > 0 else None  # type: ignore[return-value]


def _attrs(tag: bytes) -> dict[str, str]:
    return {m.group(1).decode(): (m.group(2) or m.group(3) or b"").decode() for m in _ATTR.finditer(tag)}


def _lengths(attrs: dict[str, str]) -> tuple[float, float] | None:
    """``width`` and ``height`` in px when both are positive absolute lengths."""
    size = [_LENGTH.fullmatch(attrs.get(k, "")) for k in ("width", "height")]
    if not all(size):
        return None
    w, h = (float(m.group(1)) * UNIT_PX[m.group(2) or ""] for m in size if m)
    return (w, h) if w > 0 and h > 0 else None
