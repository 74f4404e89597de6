"""Sanitising untrusted logos before they are embedded.

SVG: the DOCTYPE (entity declarations: billion laughs, external entities) is refused,
then only an allow-list of drawing elements and attributes is kept: no scripts, event
attributes, ``<foreignObject>``, animation, external or ``file:`` references, CSS
``@import`` or ``url()`` pointing outside the document; ``<use>`` must point inside
the document, without cycles, and may not expand beyond a fixed budget.
Raster: the pixel count is checked before decoding (decompression bombs) and large
images are reduced to small PNG thumbnails.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG_NS = "http://www.w3.org/2000/svg"
XLINK = "{http://www.w3.org/1999/xlink}href"


@dataclass(frozen=True)
class Limits:
    """Named limits for untrusted logos (bytes and pixels)."""

    max_logo_bytes: int = 2 * 1024 * 1024
    max_svg_output_bytes: int = 32 * 1024  # larger sanitised SVGs become PNG thumbnails
    max_raster_pixels: int = 40_000_000  # checked before decoding
    thumbnail_px: int = 128  # longest side of raster thumbnails
    max_use_expansion: int = 2_000  # drawn elements after expanding <use>
    max_elements: int = 20_000


LIMITS = Limits()


class UnsafeLogo(ValueError):
    """A logo that cannot be made safe (the message is one short phrase)."""


_ALLOWED = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "defs", "symbol", "use",
    "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "title", "desc", "style", "text",
    "tspan", "image", "filter", "feGaussianBlur", "feOffset", "feBlend", "feFlood", "feComposite", "feMerge",
    "feMergeNode", "feColorMatrix",
}
_ATTR_OK = re.compile(
    r"^(id|class|style|d|x|y|x1|y1|x2|y2|cx|cy|r|rx|ry|width|height|points|transform|viewBox|fill|fill-rule|"
    r"fill-opacity|stroke|stroke-width|stroke-linecap|stroke-linejoin|stroke-miterlimit|stroke-dasharray|"
    r"stroke-dashoffset|stroke-opacity|opacity|offset|stop-color|stop-opacity|gradientUnits|gradientTransform|"
    r"spreadMethod|fx|fy|clip-path|clip-rule|clipPathUnits|mask|maskUnits|maskContentUnits|patternUnits|"
    r"patternTransform|preserveAspectRatio|version|font-family|font-size|font-weight|text-anchor|"
    r"dominant-baseline|display|visibility|color|filter|stdDeviation|dx|dy|in|in2|mode|result|operator|values|"
    r"type|flood-color|flood-opacity|k1|k2|k3|k4|href|{http://www.w3.org/1999/xlink}href)$")
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _css_ok(text: str) -> bool:
    lowered = text.lower()
    if "@import" in lowered or "expression(" in lowered or "javascript:" in lowered:
        return False
    return all(ref.startswith("#") or ref == "" for ref in _URL.findall(text))


def sanitize_svg(data: bytes, limits: Limits = LIMITS) -> bytes:
    """A safe copy of an SVG logo; raises UnsafeLogo when it cannot be used."""
    if len(data) > limits.max_logo_bytes:
        raise UnsafeLogo(f"larger than {limits.max_logo_bytes // 1024} KiB")
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise UnsafeLogo("has a DOCTYPE or entity declarations (not allowed)")
    try:
        root = ET.fromstring(data)
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
        if _local(el.tag) == "style" and not _css_ok(el.text or ""):
            el.text = ""

    clean(root)
    for key in list(root.attrib):
        if key.lower().startswith("on") or not _ATTR_OK.match(key):
            del root.attrib[key]
    if root.find(f".//{{{SVG_NS}}}use") is not None or root.find(".//use") is not None:
        _check_uses(root, limits)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)


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
            if w <= 0 or h <= 0 or w * h > limits.max_raster_pixels:
                raise UnsafeLogo(f"is {w}×{h} pixels: more than {limits.max_raster_pixels:,} pixels "
                                 f"(decompression bomb?)")
            im.draft("RGBA", (limits.thumbnail_px, limits.thumbnail_px))
            im = im.convert("RGBA")
            im.thumbnail((limits.thumbnail_px, limits.thumbnail_px))
            out = io.BytesIO()
            im.save(out, format="PNG", optimize=False)
            return out.getvalue(), im.size[0], im.size[1]
    except UnsafeLogo:
        raise
    except Image.DecompressionBombError:
        raise UnsafeLogo(f"has more than {limits.max_raster_pixels:,} pixels (decompression bomb?)") from None
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
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
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
