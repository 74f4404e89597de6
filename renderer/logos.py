"""Logos: a file in ``logos/`` (SVG, PNG, JPEG, WebP) or a simple-icons slug (CC0).

A logo that cannot be found or read, or that draws nothing, is reported once and replaced
by a monogram. SVG logos are embedded as sanitised SVG (never rasterised for the SVG
output); raster backends rasterise them on demand (``raster_of``, cached).

Everything processed is kept in one cache file, ``cache_dir()/logos-v4.bin`` (a
``diskcache`` container): sanitised logos and thumbnails by the digest of their file,
rasterisations by the digest of the SVG and the size, and what a simple-icons slug draws
by the state of the installed package (so a warm run loads neither the sanitiser nor the
13 MB simple-icons library).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from .diskcache import cache_dir, file_key, read_container, shared, write_container
from .limits import LIMITS
from .records import record
from .svgcompat import svg_size, without_nested_clips

_RASTER = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
_CACHE_VERSION = 4
_MAX_CACHE_BYTES = 256 << 20  # a cache file growing past this starts over with one run's entries


@record
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
    base = os.path.join(os.path.realpath(logo_dir), "")  # with its trailing separator
    name = ref.strip()
    if name not in ("", ".", "..") and os.sep not in name and (not os.altsep or os.altsep not in name):
        try:  # a plain name of a regular file (not a link): itself, found with one lstat
            if stat.S_ISREG(os.lstat(base + name).st_mode):
                return Path(base + name)
        except (OSError, ValueError):
            pass  # missing, a link, or not a name the system takes: as below
    path = os.path.realpath(os.path.join(logo_dir, ref.strip()))  # strings: ~5x faster than Path.resolve
    if not path.startswith(base) or path == base:
        raise LogoError(f"{ref!r} is outside {logo_dir} (after following links)")
    if not os.path.isfile(path):
        raise LogoError(f"{ref} not found in {logo_dir}")
    return Path(path)


def resolve_many(refs: list[str], logo_dir: Path) -> dict[str, Logo | str]:
    """Every reference resolved (a Logo, or the reason it cannot be used). Many logos are
    sanitised on two processes: cold runs of large landscapes spend their time here."""
    if len(refs) < 64:
        return {ref: _resolve_or_reason(ref, logo_dir) for ref in refs}
    from concurrent.futures import ProcessPoolExecutor

    todo = [ref for ref in refs if _cached_file_logo(ref, logo_dir) is None]
    with ProcessPoolExecutor(max_workers=2) as pool:
        for ref, entry in zip(todo, pool.map(_cache_entry, todo, [logo_dir] * len(todo), chunksize=16)):
            if entry:
                _store().put_image(*entry)
    return {ref: _resolve_or_reason(ref, logo_dir) for ref in refs}


def _resolve_or_reason(ref: str, logo_dir: Path) -> Logo | str:
    try:
        return resolve(ref, logo_dir)
    except LogoError as exc:
        return str(exc)


def simple_icon(slug: str) -> tuple[str, str] | None:
    """The SVG and colour (hex) simple-icons has for ``slug``, None when it has none;
    remembered per installed package, so a warm run does not load the library."""
    key = repr((slug, icons_package()))
    store = _store()
    found = store.icon(key)
    if found is not None:
        return tuple(found) if isinstance(found, list) and len(found) == 2 else None  # type: ignore[return-value]
    from simple_icons_pack import get_icon

    icon = get_icon(slug)
    value = None if icon is None else (icon.svg, icon.hex)
    store.put_icon(key, list(value) if value else False)
    return value


@lru_cache(maxsize=1)
def icons_package() -> list[tuple[str, Any]]:
    """Names and (size, mtime, inode) of the simple-icons package files: what its answers depend
    on (an upgrade changes them, and cached answers are not used)."""
    import importlib.util

    spec = importlib.util.find_spec("simple_icons_pack")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - declared dependency
        raise LogoError("simple-icons-pack is not installed")
    folder = Path(list(spec.submodule_search_locations)[0])
    return sorted((p.name, file_key(p)) for p in folder.iterdir() if p.is_file())


def _from_simple_icons(slug: str) -> Logo:
    icon = simple_icon(slug)
    if icon is None:
        raise LogoError(f"no simple-icons logo {slug!r}")
    svg, color = icon
    box = re.search(r'viewBox="([-\d.\s]+)"', svg)
    paths = re.findall(r'<path[^>]*\sd="([^"]+)"', svg)
    if not box or not paths:
        raise LogoError(f"simple-icons logo {slug!r} has an unexpected shape")
    x, y, w, h = (float(v) for v in box.group(1).split())
    return Logo(kind="path", width=w, height=h, d=" ".join(paths), color="#" + color.lower(), origin=(x, y))


def _checked_file(ref: str, logo_dir: Path) -> tuple[Path, str]:
    """The logo file of ``ref`` and its lower-case suffix, checked for size and type."""
    path = logo_path(ref, logo_dir)
    if path.stat().st_size > LIMITS.max_logo_bytes:
        raise LogoError(f"{ref} is larger than {LIMITS.max_logo_bytes // 1024} KiB")
    suffix = path.suffix.lower()
    if suffix != ".svg" and suffix not in _RASTER:
        raise LogoError(f"{ref}: unsupported logo type {suffix!r} (use svg, png, jpeg or webp)")
    return path, suffix


def _file_cache_key(path: Path, suffix: str) -> str | None:
    from .fingerprint import file_digest  # the digest the fingerprint took of the same file: hashed once

    found = file_digest(path)
    return f"file{suffix}:{found}" if found else None


def _cached_file_logo(ref: str, logo_dir: Path) -> Logo | None:
    try:
        key = _file_cache_key(*_checked_file(ref, logo_dir))
    except (LogoError, OSError):
        return None
    return _store().image(key) if key else None


def _from_file(ref: str, logo_dir: Path) -> Logo:
    path, suffix = _checked_file(ref, logo_dir)
    key = _file_cache_key(path, suffix)
    cached = _store().image(key) if key else None
    if cached is not None:
        return cached
    logo = _process_file(ref, path, suffix)
    if key:
        _store().put_image(key, logo)
    return logo


def _process_file(ref: str, path: Path, suffix: str) -> Logo:
    """A logo file sanitised (SVG) or made a PNG thumbnail (raster formats)."""
    from .sanitize import UnsafeLogo, raster_thumbnail, sanitize_svg  # ~6 ms of imports, only on a cache miss

    data = path.read_bytes()
    try:
        if suffix == ".svg":
            clean = sanitize_svg(data)
            w, h = svg_size(clean)
            return Logo(kind="image", width=w, height=h, mime="image/svg+xml", data=clean)
        png, pw, ph = raster_thumbnail(data)
        return Logo(kind="image", width=float(pw), height=float(ph), mime="image/png", data=png)
    except UnsafeLogo as exc:
        raise LogoError(f"{ref} {exc}") from None


def _cache_entry(ref: str, logo_dir: Path) -> tuple[str, Logo] | None:
    """(cache key, processed logo) of a file reference (run on a worker process), None when
    it cannot be used."""
    try:
        path, suffix = _checked_file(ref, logo_dir)
        key = _file_cache_key(path, suffix)
        return (key, _process_file(ref, path, suffix)) if key else None
    except (LogoError, OSError):
        return None


class _Store:
    """The logo cache file: images (width, height, MIME type, bytes) and simple-icons data by
    key. Read on first use; ``save`` writes what this process added, merged into the file as
    it is on disk then."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._loaded = False
        self._stamp: tuple[int, int, int] | None = None
        self._doc: dict[str, dict[str, Any]] = {"images": {}, "icons": {}}
        self._blob = b""
        self._new: dict[str, dict[str, Any]] = {"images": {}, "icons": {}}

    def _load(self) -> None:
        self._loaded = True
        self._stamp = file_key(self.path)
        found = _read_store(self.path)
        if found:
            self._doc, self._blob = found

    def image(self, key: str) -> Logo | None:
        """A stored image, None when absent (or its entry is not of the stored form)."""
        if not self._loaded:
            self._load()
        new = self._new["images"].get(key)
        if new is not None:
            return new
        entry = self._doc["images"].get(key)
        try:
            w, h, mime, offset, length = entry  # type: ignore[misc]
            if not (isinstance(w, float) and isinstance(h, float) and isinstance(mime, str)
                    and isinstance(offset, int) and isinstance(length, int)
                    and 0 <= offset and 0 <= length and offset + length <= len(self._blob)):
                return None
        except (TypeError, ValueError):
            return None
        return Logo(kind="image", width=w, height=h, mime=mime, data=self._blob[offset:offset + length])

    def put_image(self, key: str, logo: Logo) -> None:
        """Remember a processed image for later runs."""
        if not self._loaded:
            self._load()
        self._new["images"][key] = logo

    def icon(self, key: str) -> Any:
        """Stored simple-icons data ([svg, hex] or False for a slug it lacks), None when absent."""
        if not self._loaded:
            self._load()
        new = self._new["icons"].get(key)
        return new if new is not None else self._doc["icons"].get(key)

    def put_icon(self, key: str, value: Any) -> None:
        """Remember simple-icons data for later runs."""
        if not self._loaded:
            self._load()
        self._new["icons"][key] = value

    def save(self) -> None:
        """Write this process's new entries (nothing when there are none)."""
        if not any(self._new.values()):
            return
        doc, blob = (self._doc, self._blob) if file_key(self.path) == self._stamp else \
            (_read_store(self.path) or ({"images": {}, "icons": {}}, b""))
        if len(blob) > _MAX_CACHE_BYTES:
            doc, blob = {"images": {}, "icons": {}}, b""
        doc = {"images": dict(doc["images"]), "icons": {**doc["icons"], **self._new["icons"]}}
        parts = [blob]
        size = len(blob)
        for key, logo in self._new["images"].items():
            doc["images"][key] = [float(logo.width), float(logo.height), logo.mime, size, len(logo.data)]
            parts.append(logo.data)
            size += len(logo.data)
        blob = b"".join(parts)
        if write_container(self.path, doc, blob):
            self._stamp = file_key(self.path)
            self._doc, self._blob = doc, blob
            self._new = {"images": {}, "icons": {}}


def _read_store(path: Path) -> tuple[dict[str, dict[str, Any]], bytes] | None:
    found = read_container(path)
    if found is None:
        return None
    doc, blob = found
    if not isinstance(doc, dict) or not all(isinstance(doc.get(k), dict) for k in ("images", "icons")):
        return None
    return {"images": doc["images"], "icons": doc["icons"]}, blob


def _store() -> _Store:
    return shared(_store_file(cache_dir()), _Store)


@lru_cache(maxsize=8)
def _store_file(folder: Path) -> Path:
    return folder / f"logos-v{_CACHE_VERSION}.bin"


def prefetch_rasters(items: list[tuple[bytes, int]]) -> None:
    """Rasterise many SVG logos (bytes, px) into the cache on two processes."""
    todo = [(svg, px) for svg, px in dict.fromkeys(items) if _store().image(_raster_key(svg, px)) is None]
    if len(todo) < 64:
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2) as pool:
        pngs = list(pool.map(_raster_or_none, [svg for svg, _ in todo], [px for _, px in todo], chunksize=16))
    for (svg, px), png in zip(todo, pngs):
        if png is not None:
            _store().put_image(_raster_key(svg, px), Logo(kind="image", width=0.0, height=0.0, mime="image/png",
                                                          data=png))


def _raster_or_none(svg: bytes, px: int) -> bytes | None:
    try:
        return raster_of(svg, px)
    except LogoError:
        return None


def _raster_key(svg: bytes, px: int) -> str:
    return f"raster{px}:{hashlib.sha256(svg).hexdigest()}"


def raster_of(svg: bytes, px: int) -> bytes:
    """A PNG of a sanitised SVG logo, ``px`` on its longest side, for raster backends (cached)."""
    key = _raster_key(svg, px)
    cached = _store().image(key)
    if cached is not None:
        return cached.data
    w, h = svg_size(svg)
    k = px / max(w, h)
    pw, ph = max(1, round(w * k)), max(1, round(h * k))
    try:
        import cairosvg

        png = cairosvg.svg2png(bytestring=without_nested_clips(svg), output_width=pw, output_height=ph, unsafe=False)
    except Exception as exc:  # noqa: BLE001 - any failure of a third-party renderer is a bad logo
        raise LogoError(f"logo cannot be rasterised ({exc.__class__.__name__})") from None
    _store().put_image(key, Logo(kind="image", width=float(pw), height=float(ph), mime="image/png", data=png))
    return png


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
