"""Sanitising untrusted logos before they are embedded.

SVG: a DOCTYPE is allowed but no DTD is ever loaded: the whole prolog is read here, and
only internal entities whose values are plain text (no reference to another entity) are
expanded, within fixed budgets; external and parameter entities are refused. Then only
an allow-list of drawing elements and attributes is kept: no scripts, event attributes,
``<foreignObject>``, animation, external or ``file:`` references, CSS ``@import`` or
``url()`` pointing outside the document; ``<switch>`` becomes its first unconditional
child; ``<use>`` must point inside the document, without cycles, and may not expand
beyond a fixed budget; modern CSS colours (``rgb(72.9% 85.5% 33.3%)``, ``hsl()``) are
rewritten in the classic syntax every renderer reads. An SVG left without anything to
draw is refused.
Raster: the pixel count is checked before decoding (decompression bombs); images are
reduced to small PNG thumbnails; a fully transparent image is refused.
"""

from __future__ import annotations

import codecs
import colorsys
import io
import re
import xml.etree.ElementTree as ET

from .limits import LIMITS, Limits

SVG_NS = "http://www.w3.org/2000/svg"
XLINK = "{http://www.w3.org/1999/xlink}href"


class UnsafeLogo(ValueError):
    """A logo that cannot be made safe (the message is one short phrase)."""


_ALLOWED = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "defs", "symbol", "use",
    "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "title", "desc", "style", "text",
    "tspan", "image", "filter", "feGaussianBlur", "feOffset", "feBlend", "feFlood", "feComposite", "feMerge",
    "feMergeNode", "feColorMatrix", "switch",
}
_ATTR_OK = re.compile(
    r"^(id|class|style|d|x|y|x1|y1|x2|y2|cx|cy|r|rx|ry|width|height|points|transform|viewBox|fill|fill-rule|"
    r"fill-opacity|stroke|stroke-width|stroke-linecap|stroke-linejoin|stroke-miterlimit|stroke-dasharray|"
    r"stroke-dashoffset|stroke-opacity|opacity|offset|stop-color|stop-opacity|gradientUnits|gradientTransform|"
    r"spreadMethod|fx|fy|clip-path|clip-rule|clipPathUnits|mask|maskUnits|maskContentUnits|patternUnits|"
    r"patternContentUnits|patternTransform|preserveAspectRatio|version|font-family|font-size|font-weight|"
    r"font-style|letter-spacing|word-spacing|text-anchor|dominant-baseline|display|visibility|overflow|"
    r"shape-rendering|color|filter|filterUnits|primitiveUnits|color-interpolation-filters|stdDeviation|dx|dy|in|"
    r"in2|mode|result|operator|values|type|flood-color|flood-opacity|k1|k2|k3|k4|href|"
    r"{http://www.w3.org/1999/xlink}href)$")
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
_CONDITIONS = {"requiredExtensions", "requiredFeatures", "systemLanguage"}  # on children of <switch>
_DRAWN = {"path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "image", "use"}
_NOT_DRAWN = {"defs", "symbol", "clipPath", "mask", "pattern", "linearGradient", "radialGradient", "filter",
              "title", "desc", "style"}  # content of these is drawn only when referenced
_COLOR_FN = re.compile(r"\b(rgba?|hsla?)\(\s*((?:[^()]|\([^()]*\))*?)\s*\)", re.IGNORECASE)
_UNREADABLE = "\x00"  # marks a colour function no renderer reads (``rgb(1 2)``, ``rgb(var(--x))``)
_HOLDING_UNREADABLE = re.compile(r"[^;{}]*\x00[^;{}]*;?")
_CLASSIC_RGB = re.compile(r"^\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}$")
_CLASSIC_RGBA = re.compile(r"^\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*[\d.]+$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _css_ok(text: str) -> bool:
    lowered = text.lower()
    if "@import" in lowered or "expression(" in lowered or "javascript:" in lowered:
        return False
    return all(ref.startswith("#") or ref == "" for ref in _URL.findall(text))


# ------------------------------------------------------------------ prolog and entities

_NAME = r"[A-Za-z_:][-\w.:]*"
_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_DOCTYPE = re.compile(rf"<!DOCTYPE\s+{_NAME}(\s+(SYSTEM\s+(\"[^\"]*\"|'[^']*')|PUBLIC\s+(\"[^\"]*\"|'[^']*')"
                      rf"\s+(\"[^\"]*\"|'[^']*')))?\s*(\[)?", re.DOTALL)
_ENTITY = re.compile(rf"<!ENTITY\s+({_NAME})\s+(\"[^\"]*\"|'[^']*')\s*>")
_DECL = re.compile(r"<!(ELEMENT|ATTLIST|NOTATION)\s(\"[^\"]*\"|'[^']*'|[^<>\"'])*>")
_REF = re.compile(rf"&({_NAME});")
_PREDEFINED = {"amp", "lt", "gt", "quot", "apos"}
_ESCAPE = {ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&apos;"}


def _decode(data: bytes) -> str:
    """The document as text: BOM first, then the XML declaration's encoding, else UTF-8."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            data, encoding = data[len(bom):], codec
            break
    else:
        declared = re.match(rb"\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z][\w.-]*)", data)
        encoding = declared.group(1).decode() if declared else "utf-8"
        if encoding.lower().replace("-", "").startswith("utf16"):
            encoding = "utf-8"  # a UTF-16 declaration without a BOM on ASCII bytes (as browsers read it)
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        raise UnsafeLogo(f"is not text in its declared encoding ({encoding})") from None


def _prolog(text: str, limits: Limits) -> tuple[int, dict[str, str]]:
    """Where the root element starts, and the internal entities of the DOCTYPE (name →
    value). The whole prolog is read; a DTD is never loaded; external and parameter
    entities and entity values that refer to other entities are refused."""
    pos, entities, doctype = 0, {}, False
    while pos < len(text):
        skip = _SKIP.match(text, pos)
        if skip:
            pos = skip.end()
            continue
        if not text.startswith("<!DOCTYPE", pos):
            return pos, entities  # the root element (or not XML: the parser says so)
        head = _DOCTYPE.match(text, pos)
        if doctype or head is None:
            raise UnsafeLogo("has a malformed or repeated DOCTYPE")
        doctype, pos = True, head.end()
        if head.group(6):
            pos = _internal_subset(text, pos, entities, limits)
        end = re.compile(r"\s*>").match(text, pos)
        if end is None:
            raise UnsafeLogo("has a malformed DOCTYPE")
        pos = end.end()
    return pos, entities


def _internal_subset(text: str, pos: int, entities: dict[str, str], limits: Limits) -> int:
    """Read the declarations between ``[`` and ``]``; returns the position after ``]``."""
    count = 0
    while True:
        skip = _SKIP.match(text, pos)
        if skip:
            pos = skip.end()
            continue
        if text.startswith("]", pos):
            return pos + 1
        if text.startswith("%", pos) or re.compile(r"<!ENTITY\s+%").match(text, pos):
            raise UnsafeLogo("has a parameter entity (not allowed)")
        entity = _ENTITY.match(text, pos)
        if entity:
            count += 1
            name, value = entity.group(1), entity.group(2)[1:-1]
            if count > limits.max_entities:
                raise UnsafeLogo(f"has more than {limits.max_entities} entity declarations")
            if len(value.encode()) > limits.max_entity_bytes:
                raise UnsafeLogo(f"has an entity value over {limits.max_entity_bytes} bytes ({name})")
            if re.search(r"&(?!#)|%", value):
                raise UnsafeLogo(f"has an entity that refers to other entities ({name}; not allowed)")
            entities.setdefault(name, value.translate(_ESCAPE))  # the first declaration wins
            pos = entity.end()
            continue
        if re.compile(r"<!ENTITY\s").match(text, pos):
            raise UnsafeLogo("has an external or unreadable entity declaration (not allowed)")
        decl = _DECL.match(text, pos)
        if decl is None:
            raise UnsafeLogo("has a DOCTYPE with declarations that cannot be read")
        pos = decl.end()


def _expand(body: str, entities: dict[str, str], limits: Limits) -> str:
    """``body`` with every declared entity reference replaced by its (escaped) value."""
    if not entities:
        return body
    grown = 0

    def value(ref: re.Match[str]) -> str:
        nonlocal grown
        name = ref.group(1)
        if name not in entities:
            return ref.group(0)  # predefined, or undeclared (the parser refuses the latter)
        grown += len(entities[name])
        if grown > limits.max_entity_expansion:
            raise UnsafeLogo(f"expands entities to more than {limits.max_entity_expansion // 1024} KiB")
        return entities[name]

    return _REF.sub(value, body)


# ------------------------------------------------------------------ colours


def _channel(token: str, full: float) -> float:
    """A colour channel or alpha as 0–1: ``50%`` or a number out of ``full``."""
    if token.endswith("%"):
        return float(token[:-1]) / 100
    return 0.0 if token.lower() == "none" else float(token) / full


def _hue(token: str) -> float:
    """A hue as 0–1 of a turn (``deg`` by default, or ``rad``, ``grad``, ``turn``)."""
    unit = re.match(r"^([-+\d.eE]+)(deg|rad|grad|turn)?$", token.lower())
    if unit is None:
        raise ValueError(token)
    turns = {"deg": 360, "rad": 6.283185307179586, "grad": 400, "turn": 1}[unit.group(2) or "deg"]
    return float(unit.group(1)) / turns % 1.0


def _classic_color(match: re.Match[str]) -> str:
    """``rgb(72.9% 85.5% 33.3%)``, ``rgb(1 2 3 / 50%)``, ``hsl(…)`` → ``#rrggbb`` or
    ``rgba(r, g, b, a)``; an unreadable one → the ``_UNREADABLE`` mark."""
    fn, args = match.group(1).lower(), match.group(2)
    classic = {"rgb": _CLASSIC_RGB, "rgba": _CLASSIC_RGBA}.get(fn)
    if classic is not None and classic.match(args):
        return match.group(0)
    tokens = [t for t in re.split(r"[\s,/]+", args) if t]
    if len(tokens) not in (3, 4):
        return _UNREADABLE
    try:
        if fn.startswith("rgb"):
            rgb = [_channel(t, 255) for t in tokens[:3]]
        else:
            rgb = list(colorsys.hls_to_rgb(_hue(tokens[0]), _channel(tokens[2], 100), _channel(tokens[1], 100)))
        alpha = _channel(tokens[3], 1) if len(tokens) == 4 else 1.0
    except ValueError:
        return _UNREADABLE
    r, g, b = (round(min(1.0, max(0.0, c)) * 255) for c in rgb)
    alpha = min(1.0, max(0.0, alpha))
    return f"#{r:02x}{g:02x}{b:02x}" if alpha >= 1 else f"rgba({r}, {g}, {b}, {alpha:.4g})"


def classic_colors(text: str) -> str:
    """CSS or attribute text with modern colour functions in the classic syntax; a colour
    no renderer reads is dropped with its CSS declaration (renderers ignore it; some fail)."""
    if "(" not in text:
        return text
    out = _COLOR_FN.sub(_classic_color, text)
    return _HOLDING_UNREADABLE.sub("", out) if _UNREADABLE in out else out


# ------------------------------------------------------------------ SVG


def sanitize_svg(data: bytes, limits: Limits = LIMITS) -> bytes:
    """A safe copy of an SVG logo; raises UnsafeLogo when it cannot be used."""
    if len(data) > limits.max_logo_bytes:
        raise UnsafeLogo(f"larger than {limits.max_logo_bytes // 1024} KiB")
    text = _decode(data)
    start, entities = _prolog(text, limits)
    try:
        root = ET.fromstring(_expand(text[start:], entities, limits))
    except ET.ParseError as exc:
        raise UnsafeLogo(f"is not well-formed XML ({exc})") from None
    if _local(root.tag) != "svg":
        raise UnsafeLogo("has no <svg> root element")
    count = 0

    def clean(el: ET.Element) -> None:
        nonlocal count
        for child in list(el):
            count += 1
            if count > limits.max_elements:
                raise UnsafeLogo(f"has more than {limits.max_elements} elements")
            if not isinstance(child.tag, str) or _local(child.tag) not in _ALLOWED:
                el.remove(child)
                continue
            if _local(child.tag) == "switch":
                _unswitch(child)
            clean(child)
        for key in list(el.attrib):
            value = el.attrib[key]
            if not _ATTR_OK.match(key) or key.lower().startswith("on"):
                del el.attrib[key]
            elif key in ("href", XLINK):
                if not (value.startswith("#") or (_local(el.tag) == "image" and _DATA_IMAGE.match(value))):
                    del el.attrib[key]
            elif "url(" in value.lower() or "javascript:" in value.lower():
                if not _css_ok(value):
                    del el.attrib[key]
                else:
                    el.attrib[key] = classic_colors(value)
            else:
                el.attrib[key] = classic_colors(value)
            if key in el.attrib and value and not el.attrib[key]:
                del el.attrib[key]  # it held only a colour no renderer reads
        if _local(el.tag) == "style":
            el.text = classic_colors(el.text or "") if _css_ok(el.text or "") else ""

    clean(root)
    for key in list(root.attrib):
        if key.lower().startswith("on") or not _ATTR_OK.match(key):
            del root.attrib[key]
    if root.find(f".//{{{SVG_NS}}}use") is not None or root.find(".//use") is not None:
        _check_uses(root, limits)
    if not _draws_something(root):
        raise UnsafeLogo("draws nothing (no visible shape, text or image)")
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _unswitch(switch: ET.Element) -> None:
    """``<switch>`` → a ``<g>`` holding only its first child without conditions (the
    child an SVG viewer without extensions draws, e.g. Illustrator's artwork after its
    ``<foreignObject requiredExtensions=…>``)."""
    chosen = next((c for c in switch if isinstance(c.tag, str) and not {_local(k) for k in c.attrib} & _CONDITIONS),
                  None)
    for child in list(switch):
        if child is not chosen:
            switch.remove(child)
    switch.tag = switch.tag[: -len("switch")] + "g"


def _draws_something(el: ET.Element) -> bool:
    """True when a shape, text or image is drawn outside definitions (not hidden by
    ``display="none"``)."""
    for child in el:
        if not isinstance(child.tag, str) or child.get("display") == "none":
            continue
        name = _local(child.tag)
        if name in _NOT_DRAWN:
            continue
        if name == "text" and "".join(child.itertext()).strip():
            return True
        if name in _DRAWN and name != "text" and any(child.get(k) for k in ("d", "width", "r", "rx", "points",
                                                                             "x2", "y2", "href", XLINK)):
            return True
        if _draws_something(child):
            return True
    return False


def _check_uses(root: ET.Element, limits: Limits) -> None:
    """Refuse <use> cycles and <use> trees that expand beyond the budget."""
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    cost: dict[int, int] = {}
    budget = limits.max_use_expansion + sum(1 for _ in root.iter())  # the plain elements are free

    def expand(el: ET.Element, stack: tuple[int, ...]) -> int:
        key = id(el)
        if key in stack:
            raise UnsafeLogo("has a <use> cycle")
        if key in cost:
            return cost[key]
        total = 1
        for child in el:
            total += expand(child, stack + (key,))
        if _local(el.tag) == "use":
            ref = el.get("href") or el.get(XLINK) or ""
            target = ids.get(ref[1:]) if ref.startswith("#") else None
            if target is not None:
                total += expand(target, stack + (key,))
        if total > budget:
            raise UnsafeLogo(f"<use> elements expand to more than {limits.max_use_expansion} elements")
        cost[key] = total
        return total

    expand(root, ())


def raster_thumbnail(data: bytes, limits: Limits = LIMITS) -> tuple[bytes, int, int]:
    """A PNG (bytes, width, height) of a raster logo no larger than the thumbnail size."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > limits.max_logo_bytes:
        raise UnsafeLogo(f"larger than {limits.max_logo_bytes // 1024} KiB")
    try:
        with Image.open(io.BytesIO(data)) as im:
            w, h = im.size
            if w <= 0 or h <= 0 or w * h > limits.max_logo_pixels:
                raise UnsafeLogo(f"is {w}×{h} pixels: more than {limits.max_logo_pixels:,} pixels "
                                 f"(decompression bomb?)")
            im.draft("RGBA", (limits.thumbnail_px, limits.thumbnail_px))
            im = im.convert("RGBA")
            im.thumbnail((limits.thumbnail_px, limits.thumbnail_px))
            if im.getextrema()[3][1] == 0:
                raise UnsafeLogo("draws nothing (fully transparent)")
            out = io.BytesIO()
            im.save(out, format="PNG", optimize=False)
            return out.getvalue(), im.size[0], im.size[1]
    except UnsafeLogo:
        raise
    except Image.DecompressionBombError:
        raise UnsafeLogo(f"has more than {limits.max_logo_pixels:,} pixels (decompression bomb?)") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UnsafeLogo(f"cannot be decoded ({exc.__class__.__name__})") from None


def audit_svg(data: bytes, depth: int = 0) -> list[str]:
    """Problems that must never appear in an SVG we write: scripts, event attributes,
    ``<foreignObject>``, references that load anything outside the document (links on
    ``<a>`` are navigation and must be http(s)). Embedded SVG images are checked too."""
    import base64

    problems: list[str] = []
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return [f"not well-formed: {exc}"]
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        problems.append("DOCTYPE/ENTITY present")
    for el in root.iter():
        tag = _local(el.tag) if isinstance(el.tag, str) else ""
        if tag in ("script", "foreignObject", "iframe", "embed", "object"):
            problems.append(f"<{tag}> element")
        for key, value in el.attrib.items():
            name = _local(key)
            if name.lower().startswith("on"):
                problems.append(f"event attribute {name}")
            if name == "href":
                if tag == "a":
                    if not re.match(r"https?://", value):
                        problems.append(f"link to {value[:40]!r}")
                elif value.startswith("data:image/svg+xml;base64,") and depth < 3:
                    inner = base64.b64decode(value.split(",", 1)[1])
                    problems += [f"embedded SVG: {p}" for p in audit_svg(inner, depth + 1)]
                elif not (value.startswith("#") or _DATA_IMAGE.match(value)
                          or value.startswith("data:image/svg+xml;base64,")):
                    problems.append(f"external reference {value[:40]!r}")
            if "url(" in value.lower() and not _css_ok(value):
                problems.append(f"external url() in {name}")
        if tag == "style" and not _css_ok(el.text or ""):
            problems.append("external reference in <style>")
    return problems
