"""SVG backend: writes the scene as a self-contained SVG 1.1 document.

The document is serialised directly (attributes in a fixed order, numbers with at most
2 decimals) rather than through svgwrite: svgwrite pulls in urllib/http/email at import
(~35 ms, a quarter of the whole render budget) and is inactive upstream.
"""

from __future__ import annotations

import base64
import re

from ..scene import Circle, Group, Image, Line, Node, Outline, Path, Rect, Scene, Style, Text, walk

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def n(value: float) -> str:
    """A px number with at most 2 decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_XML_INVALID = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]"


def esc(text: str) -> str:
    """Escape text for an attribute value or element content; characters XML forbids are dropped."""
    if not text.isprintable():  # every character XML forbids is unprintable (Cc, Cs, Cn)
        text = re.sub(_XML_INVALID, "", text)  # compiled on first use (rare): not at every start
    return text.translate(_ESCAPES)


def _attrs(pairs: list[tuple[str, str]]) -> str:
    return "".join(f' {key}="{esc(value)}"' for key, value in pairs)


def _paint(style: Style) -> list[tuple[str, str]]:
    out = [("fill", style.fill or "none")]
    if style.stroke:
        out += [("stroke", style.stroke), ("stroke-width", n(style.stroke_width))]
        if style.dash:
            out.append(("stroke-dasharray", style.dash))
    if style.opacity < 1:
        out.append(("opacity", n(style.opacity)))
    return out


class _Shared:
    """Logo paths and images used more than once: stored once in <defs>, drawn with <use>."""

    def __init__(self, nodes: tuple[Node, ...]) -> None:
        self.glyphs: dict[Outline, tuple[int, int, str, int, int]] = {}  # formatted once per render
        counts: dict[object, int] = {}
        order: list[object] = []
        for node in walk(nodes):
            key = _key(node)
            if key is not None:
                if key not in counts:
                    order.append(key)
                counts[key] = counts.get(key, 0) + 1
        self.ids = {key: f"shared-{i + 1}" for i, key in enumerate(k for k in order if counts[k] > 1)}

    def defs(self, nodes: tuple[Node, ...]) -> str:
        """The <defs> element holding every shared item (empty when none)."""
        if not self.ids:
            return ""
        done: set[object] = set()
        parts = ["<defs>"]
        for node in walk(nodes):
            key = _key(node)
            if key in self.ids and key not in done:
                done.add(key)
                if isinstance(node, Image):
                    parts.append(f'<image id="{self.ids[key]}" width="1" height="1" preserveAspectRatio="none" '
                                 f'xlink:href="{_data_uri(node)}"/>')
                elif isinstance(node, Path):
                    parts.append(f'<path id="{self.ids[key]}" d="{esc(node.d)}"/>')
        parts.append("</defs>")
        return "".join(parts)


def _key(node: Node) -> object:
    if isinstance(node, Image):
        return ("image", node.mime, node.data)
    if isinstance(node, Path) and node.transform:  # logos; plain paths are not repeated
        return ("path", node.d)
    return None


def _data_uri(node: Image) -> str:
    """The image as a data URI, ready for an attribute (base64 needs no escaping)."""
    return f"data:{esc(node.mime)};base64,{base64.b64encode(node.data).decode('ascii')}"


def _write(node: Node, out: list[str], shared: _Shared) -> None:
    if isinstance(node, Group):
        attrs: list[tuple[str, str]] = []
        if node.id:
            attrs.append(("id", node.id))
        if node.classes:
            attrs.append(("class", " ".join(node.classes)))
        attrs += [(f"data-{key}", value) for key, value in node.data]
        out.append(f"<g{_attrs(attrs)}>")
        if node.title:
            out.append(f"<title>{esc(node.title)}</title>")
        if node.href:
            out.append(f'<a xlink:href="{esc(node.href)}" target="_blank">')
        for child in node.children:
            _write(child, out, shared)
        if node.href:
            out.append("</a>")
        out.append("</g>")
    elif isinstance(node, Rect):
        geo = [("x", n(node.x)), ("y", n(node.y)), ("width", n(node.w)), ("height", n(node.h))]
        if node.rx:
            geo.append(("rx", n(node.rx)))
        out.append(f"<rect{_attrs(geo + _paint(node.style))}/>")
    elif isinstance(node, Circle):
        geo = [("cx", n(node.cx)), ("cy", n(node.cy)), ("r", n(node.r))]
        out.append(f"<circle{_attrs(geo + _paint(node.style))}/>")
    elif isinstance(node, Line):
        geo = [("x1", n(node.x1)), ("y1", n(node.y1)), ("x2", n(node.x2)), ("y2", n(node.y2))]
        out.append(f"<line{_attrs(geo + _paint(node.style))}/>")
    elif isinstance(node, Path):
        extra = [("transform", node.transform)] if node.transform else []
        ref = shared.ids.get(_key(node))
        if ref:
            out.append(f"<use{_attrs([('xlink:href', '#' + ref)] + extra + _paint(node.style))}/>")
        else:
            out.append(f"<path{_attrs([('d', node.d)] + extra + _paint(node.style))}/>")
    elif isinstance(node, Text):
        out.append(f'<path class="text {esc(node.role)}" d="{text_path(node, shared.glyphs)}" '
                   f'fill="{esc(node.fill)}"/>')
    elif isinstance(node, Image):
        ref = shared.ids.get(_key(node))
        if ref:
            t = f"translate({n(node.x)} {n(node.y)}) scale({n(node.w)} {n(node.h)})"
            out.append(f'<use xlink:href="#{ref}" transform="{t}"/>')
        else:
            geo = [("x", n(node.x)), ("y", n(node.y)), ("width", n(node.w)), ("height", n(node.h)),
                   ("preserveAspectRatio", "xMidYMid meet")]
            out.append(f'<image{_attrs(geo)} xlink:href="{_data_uri(node)}"/>')  # base64: nothing to escape
    else:
        raise TypeError(f"unknown scene node {type(node).__name__}")


def text_path(node: Text, memo: dict[Outline, tuple[int, int, str, int, int]] | None = None) -> str:
    """Path data of a text node: the first glyph absolute, each later one moved relative to the
    end of the one before (numbers in px, at most 2 decimals)."""
    memo = {} if memo is None else memo
    parts: list[str] = []
    d = _DECIMALS
    cur: tuple[int, int] | None = None  # current point in 1/100 px, after the previous glyph
    for outline, x, y in node.glyphs:
        body = memo.get(outline)
        if body is None:
            body = memo[outline] = _glyph_body(outline)
        fx, fy, rest, ex, ey = body
        ox, oy = round(x * 100), round(y * 100)
        if cur is None:
            parts.append(f"M{d[ox + fx]} {d[oy + fy]}")
        else:
            parts.append(f"m{d[ox + fx - cur[0]]} {d[oy + fy - cur[1]]}")
        parts.append(rest)
        cur = (ox + ex, oy + ey)
    return "".join(parts)


def _glyph_body(outline: Outline) -> tuple[int, int, str, int, int]:
    """A glyph as relative path data in 1/100 px: its first move, the rest, its end point."""
    letters, h, _ = outline.pack()
    body: list[str] = []
    add = body.append
    sx = sy = cx = cy = fx = fy = 0
    d = _DECIMALS
    i = 0
    first = True
    for op in letters:
        if op == "C":
            x1, y1, x2, y2, x, y = h[i:i + 6]
            i += 6
            add(f"c{d[x1 - cx]} {d[y1 - cy]} {d[x2 - cx]} {d[y2 - cy]} {d[x - cx]} {d[y - cy]}")
            cx, cy = x, y
        elif op == "L":
            x, y = h[i:i + 2]
            i += 2
            add(f"l{d[x - cx]} {d[y - cy]}")
            cx, cy = x, y
        elif op == "M":
            x, y = h[i:i + 2]
            if first:
                fx, fy = x, y
            else:
                add(f"m{d[x - cx]} {d[y - cy]}")
            i += 2
            sx, sy = cx, cy = x, y
        else:
            add("z")
            cx, cy = sx, sy
        first = False
    return fx, fy, "".join(body), cx, cy


class _Decimals(dict[int, str]):
    """Hundredths of a px → short decimal strings, filled on first use (glyphs repeat numbers)."""

    def __missing__(self, v: int) -> str:
        if v % 100 == 0:
            text = str(v // 100)
        else:
            a = abs(v)
            text = f"{'-' if v < 0 else ''}{a // 100}.{a % 100:02d}".rstrip("0")
        if len(self) < 65536:
            self[v] = text
        return text


_DECIMALS = _Decimals()


def render_svg(scene: Scene) -> bytes:
    """A self-contained SVG document (no fonts, no external files), UTF-8."""
    w, h = n(scene.width), n(scene.height)
    vx, vy, vw, vh = (n(v) for v in scene.viewbox)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
        f'width="{w}" height="{h}" viewBox="{vx} {vy} {vw} {vh}">',
        f"<title>{esc(scene.title)}</title><desc>{esc(scene.desc)}</desc>",
    ]
    if scene.fingerprint:
        out.append(f'<metadata id="landscape-fingerprint">{esc(scene.fingerprint)}</metadata>')
    if scene.background:
        out.append(f'<rect class="background" x="{vx}" y="{vy}" width="{vw}" height="{vh}" '
                   f'fill="{esc(scene.background)}"/>')
    shared = _Shared(scene.children)
    out.append(shared.defs(scene.children))
    for node in scene.children:
        _write(node, out, shared)
    out.append("</svg>\n")
    return b"".join([part.encode("utf-8") for part in out])  # ASCII parts (base64) copy; one joined str would be UCS-2
