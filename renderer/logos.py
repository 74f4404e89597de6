"""Logos: a file in ``logos/`` (SVG, PNG, JPEG, WebP) or a simple-icons slug (CC0).

A logo that cannot be found or read is reported once and replaced by a monogram.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

_RASTER = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
_MAX_BYTES = 2 * 1024 * 1024


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
    base = logo_dir.resolve()
    path = (logo_dir / ref).resolve()
    if base not in path.parents:
        raise LogoError(f"{ref!r} is outside {logo_dir}")
    if not path.is_file():
        raise LogoError(f"{path.relative_to(base)} not found in {logo_dir}")
    data = path.read_bytes()
    if len(data) > _MAX_BYTES:
        raise LogoError(f"{ref} is larger than {_MAX_BYTES // 1024} KiB")
    suffix = path.suffix.lower()
    if suffix == ".svg":
        w, h = _svg_size(data, ref)
        return Logo(kind="image", width=w, height=h, mime="image/svg+xml", data=data)
    if suffix not in _RASTER:
        raise LogoError(f"{ref}: unsupported logo type {suffix!r} (use svg, png, jpeg or webp)")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            w, h = im.size
            if suffix == ".webp":
                out = io.BytesIO()
                im.save(out, format="PNG", optimize=False)
                data = out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise LogoError(f"{ref}: cannot read image ({exc.__class__.__name__})") from None
    mime = "image/png" if suffix == ".webp" else _RASTER[suffix]
    return Logo(kind="image", width=float(w), height=float(h), mime=mime, data=data)


def _svg_size(data: bytes, ref: str) -> tuple[float, float]:
    head = data[:4096].decode("utf-8", "replace")
    box = re.search(r'viewBox\s*=\s*["\']\s*([-\d.eE]+)[\s,]+([-\d.eE]+)[\s,]+([\d.eE]+)[\s,]+([\d.eE]+)', head)
    if box:
        w, h = float(box.group(3)), float(box.group(4))
    else:
        wm = re.search(r'<svg[^>]*\swidth\s*=\s*["\']([\d.]+)', head)
        hm = re.search(r'<svg[^>]*\sheight\s*=\s*["\']([\d.]+)', head)
        if not (wm and hm):
            raise LogoError(f"{ref}: SVG has neither viewBox nor width/height")
        w, h = float(wm.group(1)), float(hm.group(1))
    if w <= 0 or h <= 0:
        raise LogoError(f"{ref}: SVG has an empty size")
    return w, h


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
