"""Logos: a file in ``logos/`` (SVG, PNG, JPEG, WebP) or a simple-icons slug (CC0).

A logo that cannot be found or read, or that draws nothing, is reported once and replaced
by a monogram. SVG logos are embedded as sanitised SVG (never rasterised for the SVG
output); raster backends rasterise them on demand (``raster_of``, cached).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .limits import LIMITS

_RASTER = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
_CACHE_VERSION = 3
_DEFAULT_SIZE = (300.0, 150.0)  # px: what a browser gives an SVG without viewBox, width or height
_UNIT_PX = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}


@dataclass(frozen=True)
class Logo:
    """A resolved logo: vector path data (``d`` in a viewBox) or an embedded image."""

    kind: str  # "path" | "image"
    width: float  # intrinsic size, any unit: used for the aspect ratio
    height: float
    d: str = ""
    color: str = "#333333"
    origin: tuple[float, float] = (0.0, 0.0)
    mime: str = ""
    data: bytes = b""


class LogoError(Exception):
    """A logo that cannot be used (the reason is one short phrase)."""


def resolve(ref: str, logo_dir: Path) -> Logo:
    """The logo named by ``ref``: a file name with an extension, else a simple-icons slug."""
    suffix = Path(ref).suffix.lower()
    if suffix:
        return _from_file(ref, logo_dir)
    return _from_simple_icons(ref)


def logo_path(ref: str, logo_dir: Path) -> Path:
    """The file ``ref`` names inside ``logo_dir``: plain names, ``./x.svg`` and sub-folder
    paths (``a/b.svg``) as landscape2 files write them; raises LogoError when the file is
    missing or lies outside the folder (after following links)."""
    base = logo_dir.resolve()
    path = (logo_dir / ref.strip()).resolve()
    if base not in path.parents:
        raise LogoError(f"{ref!r} is outside {logo_dir} (after following links)")
    if not path.is_file():
        raise LogoError(f"{ref} not found in {logo_dir}")
    return path


def resolve_many(refs: list[str], logo_dir: Path) -> dict[str, Logo | str]:
    """Every reference resolved (a Logo, or the reason it cannot be used). Many logos are
    sanitised on two processes: cold runs of large landscapes spend their time here."""
    if len(refs) < 64:
        return {ref: _resolve_or_reason(ref, logo_dir) for ref in refs}
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_resolve_or_reason, refs, [logo_dir] * len(refs), chunksize=16))
    return dict(zip(refs, results))


def _resolve_or_reason(ref: str, logo_dir: Path) -> Logo | str:
    try:
        return resolve(ref, logo_dir)
    except LogoError as exc:
        return str(exc)


def _from_simple_icons(slug: str) -> Logo:
    try:
        from simple_icons_pack import get_icon
    except ImportError:  # pragma: no cover - declared dependency
        raise LogoError("simple-icons-pack is not installed") from None
    icon = get_icon(slug)
    if icon is None:
        raise LogoError(f"no simple-icons logo {slug!r}")
    box = re.search(r'viewBox="([-\d.\s]+)"', icon.svg)
    paths = re.findall(r'<path[^>]*\sd="([^"]+)"', icon.svg)
    if not box or not paths:
        raise LogoError(f"simple-icons logo {slug!r} has an unexpected shape")
    x, y, w, h = (float(v) for v in box.group(1).split())
    return Logo(kind="path", width=w, height=h, d=" ".join(paths), color="#" + icon.hex.lower(), origin=(x, y))


def _from_file(ref: str, logo_dir: Path) -> Logo:
    path = logo_path(ref, logo_dir)
    if path.stat().st_size > LIMITS.max_logo_bytes:
        raise LogoError(f"{ref} is larger than {LIMITS.max_logo_bytes // 1024} KiB")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix != ".svg" and suffix not in _RASTER:
        raise LogoError(f"{ref}: unsupported logo type {suffix!r} (use svg, png, jpeg or webp)")
    key = hashlib.sha256(suffix.encode() + b"\0" + data).hexdigest()
    cached = _cache_get(key)
    if cached is not None:
        return cached
    from .sanitize import UnsafeLogo, raster_thumbnail, sanitize_svg  # ~6 ms of imports, only on a cache miss

    try:
        if suffix == ".svg":
            clean = sanitize_svg(data)
            w, h = _svg_size(clean)
            logo = Logo(kind="image", width=w, height=h, mime="image/svg+xml", data=clean)
        else:
            png, w, h = raster_thumbnail(data)
            logo = Logo(kind="image", width=float(w), height=float(h), mime="image/png", data=png)
    except UnsafeLogo as exc:
        raise LogoError(f"{ref} {exc}") from None
    _cache_put(key, logo)
    return logo


def _cache_file(key: str) -> Path:
    from .text import cache_dir

    return cache_dir() / "logos" / f"{key[:2]}" / f"{key}-v{_CACHE_VERSION}.json"


def _cache_get(key: str) -> Logo | None:
    """A logo processed by an earlier run (sanitising large files is the slow part)."""
    try:
        raw = json.loads(_cache_file(key).read_text(encoding="utf-8"))
        return Logo(kind="image", width=float(raw["w"]), height=float(raw["h"]), mime=raw["mime"],
                    data=base64.b64decode(raw["data"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _cache_put(key: str, logo: Logo) -> None:
    import os
    import tempfile

    target = _cache_file(key)
    payload = {"w": logo.width, "h": logo.height, "mime": logo.mime, "data": base64.b64encode(logo.data).decode()}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh)
        os.replace(tmp, target)
    except OSError:
        pass  # the cache only saves time


def prefetch_rasters(items: list[tuple[bytes, int]]) -> None:
    """Rasterise many SVG logos (bytes, px) into the cache on two processes."""
    todo = list(dict.fromkeys(items))
    if len(todo) < 64:
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(_raster_or_none, [svg for svg, _ in todo], [px for _, px in todo], chunksize=16))


def _raster_or_none(svg: bytes, px: int) -> bytes | None:
    try:
        return raster_of(svg, px)
    except LogoError:
        return None


def raster_of(svg: bytes, px: int) -> bytes:
    """A PNG of a sanitised SVG logo, ``px`` on its longest side, for raster backends (cached)."""
    key = hashlib.sha256(svg + f"\0raster{px}\0v{_CACHE_VERSION}".encode()).hexdigest()
    cached = _cache_get(key)
    if cached is not None:
        return cached.data
    w, h = _svg_size(svg)
    k = px / max(w, h)
    pw, ph = max(1, round(w * k)), max(1, round(h * k))
    try:
        import cairosvg

        png = cairosvg.svg2png(bytestring=_for_cairosvg(svg), output_width=pw, output_height=ph, unsafe=False)
    except Exception as exc:  # noqa: BLE001 - any failure of a third-party renderer is a bad logo
        raise LogoError(f"logo cannot be rasterised ({exc.__class__.__name__})") from None
    _cache_put(key, Logo(kind="image", width=pw, height=ph, mime="image/png", data=png))
    return png


_NO_NESTED_CLIPS = b"<style>clipPath *{clip-path:none !important}</style></svg>"


def _for_cairosvg(svg: bytes) -> bytes:
    """The SVG as cairosvg can draw it: cairosvg loses the whole clip path when a shape
    inside a ``<clipPath>`` has its own ``clip-path`` (Illustrator exports clip each shape to
    the artboard), drawing nothing; such nested clips are ignored (browsers draw them)."""
    if b"clipPath" not in svg or b"clip-path" not in svg or not svg.rstrip().endswith(b"</svg>"):
        return svg
    return svg.rstrip()[: -len(b"</svg>")] + _NO_NESTED_CLIPS


_START_TAG = re.compile(rb"<(?:\w+:)?svg\b[^>]*>")
_ATTR = re.compile(rb'([\w:-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


def _svg_size(svg: bytes) -> tuple[float, float]:
    """Width and height (user units) of a sanitised SVG: its viewBox, else its width and
    height (absolute units), else the browser default 300 × 150."""
    tag = _START_TAG.search(svg)
    attrs = {m.group(1).decode(): (m.group(2) or m.group(3) or b"").decode() for m in _ATTR.finditer(tag.group(0))} \
        if tag else {}
    box = [v for v in re.split(r"[\s,]+", attrs.get("viewBox", "").strip()) if v]
    try:
        if len(box) == 4 and float(box[2]) > 0 and float(box[3]) > 0:
            return float(box[2]), float(box[3])
    except ValueError:
        pass
    size = [re.fullmatch(r"\s*(\d*\.?\d+(?:[eE][-+]?\d+)?)\s*(px|pt|pc|mm|cm|in)?\s*", attrs.get(k, ""))
            for k in ("width", "height")]
    if all(size):
        w, h = (float(m.group(1)) * _UNIT_PX[m.group(2) or ""] for m in size)
        if w > 0 and h > 0:
            return w, h
    return _DEFAULT_SIZE


def monogram(name: str) -> str:
    """Up to two letters standing for ``name``: initials of words, else its first letters."""
    words = [w for w in re.split(r"[\s\-_/()]+", name) if w]
    if not words:
        return "?"
    first = words[0]
    if ord(first[0]) > 0x2E7F:
        return first[0]
    if len(words) >= 2 and words[1][0].isalnum():
        return (first[0] + words[1][0]).upper()
    return first[0].upper() + (first[1].lower() if len(first) > 1 else "")
