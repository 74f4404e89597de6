"""On-disk cache files: one JSON document plus one binary blob, checked, written atomically.

Layout: ``MAGIC``, then the lengths of the JSON and of the blob and the CRC-32 of both
(big-endian ``>QQI``), then the JSON (UTF-8) and the blob. A file that is missing,
truncated, of another format or whose CRC does not match reads as absent, so a damaged
cache costs a cold run and never a wrong picture. Writers put a complete file beside the
target and rename it into place: readers see the old file or the new one, never a mix;
of two concurrent writers the last rename wins (the cache only saves time).
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Protocol, TypeVar

MAGIC = b"landscape-cache/1\n"
_HEAD = struct.Struct(">QQI")


class Saving(Protocol):
    """A cache object that writes what it learnt with ``save``."""

    def save(self) -> None: ...


T = TypeVar("T", bound=Saving)
_SHARED: dict[Path, Any] = {}


def cache_dir() -> Path:
    """Folder of the on-disk caches (logos, text, parsed YAML); ``LANDSCAPE_CACHE`` overrides it."""
    env = os.environ
    return _cache_folder(env.get("LANDSCAPE_CACHE"), env.get("XDG_CACHE_HOME"), env.get("HOME"))


@lru_cache(maxsize=8)
def _cache_folder(explicit: str | None, xdg: str | None, home: str | None) -> Path:
    """The cache folder for these environment values (a run asks ~60 times: made once)."""
    if explicit:
        return Path(explicit)
    return Path(xdg or Path.home() / ".cache") / "landscape"


def shared(path: Path, make: Callable[[Path], T]) -> T:
    """The one cache object of the file ``path`` in this process, made on first use."""
    found = _SHARED.get(path)
    if found is None:
        found = _SHARED[path] = make(path)
    return found


def save_all() -> None:
    """Write every cache object of this process that learnt something (a run calls it once it
    has built its outputs)."""
    for cache in list(_SHARED.values()):
        cache.save()


def forget() -> None:
    """Drop the cache objects without saving: the next use reads their files again."""
    _SHARED.clear()


def read_container(path: Path, object_hook: Callable[[dict[str, Any]], Any] | None = None) -> tuple[Any, bytes] | None:
    """The (document, blob) stored at ``path``, or None when absent or damaged; ``object_hook``
    (as ``json.loads`` takes it) builds the document's objects, and an error it raises reads
    as damaged too."""
    start = len(MAGIC) + _HEAD.size
    try:  # read in its parts: no copies of the megabytes of blob
        with open(path, "rb") as fh:
            head = fh.read(start)
            if len(head) != start or not head.startswith(MAGIC):
                return None
            doc_len, blob_len, crc = _HEAD.unpack_from(head, len(MAGIC))
            if os.fstat(fh.fileno()).st_size != start + doc_len + blob_len:
                return None
            text = fh.read(doc_len)
            blob = fh.read(blob_len)
            if len(text) != doc_len or len(blob) != blob_len or zlib.crc32(blob, zlib.crc32(text)) != crc:
                return None
    except OSError:
        return None
    try:
        doc = json.loads(text.decode("utf-8"), object_hook=object_hook)
    except (ValueError, KeyError, TypeError):
        return None
    return doc, blob


def write_container(path: Path, doc: Any, blob: bytes) -> bool:
    """Store ``doc`` (JSON-serialisable) and ``blob`` at ``path`` atomically; False when the
    folder cannot be written (nothing is left behind)."""
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    body = text + blob
    payload = MAGIC + _HEAD.pack(len(text), len(blob), zlib.crc32(body)) + body
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:  # left by a crashed writer whose process id this one reuses
            os.unlink(tmp)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
    return True


def file_key(path: Path) -> tuple[int, int, int] | None:
    """(size, mtime ns, inode) of a file, None when absent: whether it changed since read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino
