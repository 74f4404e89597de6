"""Fingerprints: what an output was made from, stamped into the output itself.

Every output carries one line of ASCII (SVG ``<metadata>``, a PNG ``tEXt`` chunk, the PDF
``Keywords``)::

    landscape-fingerprint/1 renderer=… options=… data=… layout=… theme=… logos=… fonts=… env=…
                            content=…   (one line)

Each part is a digest (32 hex) of one kind of input; ``content`` is the SHA-256 of the
whole file with that field set to zeros, so editing the file by hand is seen too.
``landscape check`` recomputes the parts from the inputs and the content hash from the
file, and renders nothing. Digests are of file contents, never of paths or times, so
the same inputs give the same bytes on every machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import zlib
from pathlib import Path
from typing import Any

from .records import record

SCHEME = "landscape-fingerprint/1"
ROLES = ("renderer", "options", "data", "layout", "theme", "logos", "fonts", "env")
KEYWORD = b"landscape-fingerprint"  # PNG tEXt keyword
_ZERO = "0" * 64
_MARK = SCHEME.encode() + b" "
_STAMP = re.compile(rb"landscape-fingerprint/1((?: [a-z]+=[0-9a-f]{32})+) content=([0-9a-f]{64})")
_BIG = 1 << 20  # files at least this big (fonts, packages) are hashed once per (size, mtime, inode)
_memo: dict[tuple[str, int, int, int], str] = {}


def digest(value: Any) -> str:
    """32-hex SHA-256 of a JSON-serialisable value (keys sorted, so order never matters)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:32]


def file_digest(path: Path) -> str | None:
    """SHA-256 (hex) of a file's bytes, or None when it is not a readable file.

    Within one process a file is hashed once per (size, mtime, inode); files of 1 MiB and
    more (the 16 MB fonts) also keep their hash on disk under the same key."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    hit = _memo.get(key)
    if hit is not None:
        return hit
    big = st.st_size >= _BIG
    store = _store() if big else None
    disk_key = "|".join(map(str, key))
    if store is not None and disk_key in store[1]:
        _memo[key] = store[1][disk_key]
        return _memo[key]
    try:
        with open(path, "rb") as fh:
            value = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None
    _memo[key] = value
    if store is not None:
        store[1][disk_key] = value
        _save_store(*store)
    return value


def _store() -> tuple[Path, dict[str, str]] | None:
    from .diskcache import cache_dir

    path = cache_dir() / "file-hashes.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return path, {k: v for k, v in data.items() if isinstance(v, str) and len(v) == 64}
    except (OSError, ValueError, AttributeError):
        return path, {}


def _save_store(path: Path, data: dict[str, str]) -> None:
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        pass  # the store only saves time


def tree_digest(folder: Path) -> str:
    """Digest of every file below ``folder`` (relative names and contents)."""
    if not folder.is_dir():
        return digest(None)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return digest([[p.relative_to(folder).as_posix(), file_digest(p)] for p in files])


@record
class Fingerprint:
    """One digest per kind of input (``ROLES``)."""

    parts: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, **values: Any) -> "Fingerprint":
        """Digest each role's value; every role of ``ROLES`` must be given."""
        if set(values) != set(ROLES):
            raise ValueError(f"fingerprint roles {sorted(values)} != {sorted(ROLES)}")
        return cls(tuple((role, digest(values[role])) for role in ROLES))

    def stamp(self) -> str:
        """The text a backend writes into the output, its content field still zeros."""
        return SCHEME + "".join(f" {role}={value}" for role, value in self.parts) + f" content={_ZERO}"


def seal(fmt: str, payload: bytes) -> bytes:
    """``payload`` (which holds a stamp whose content field is zeros) with that field set
    to the SHA-256 of ``payload``."""
    matches = (_STAMP.match(payload, at) for at in _marks(payload))
    found = [m for m in matches if m and m.group(2) == _ZERO.encode()]
    if len(found) != 1:
        raise ValueError(f"{fmt} output holds {len(found)} fingerprint stamps, expected 1")
    start, end = found[0].span(2)
    value = hashlib.sha256(payload).hexdigest().encode()
    return _fix_png_crc(fmt, payload[:start] + value + payload[end:], start)


def _marks(payload: bytes) -> list[int]:
    """Offsets of every stamp mark in ``payload`` (a plain search: far faster than a regex over megabytes)."""
    out = []
    at = payload.find(_MARK)
    while at >= 0:
        out.append(at)
        at = payload.find(_MARK, at + 1)
    return out


def _fix_png_crc(fmt: str, payload: bytes, at: int) -> bytes:
    """Recompute the CRC of the PNG chunk holding byte ``at`` (other formats: unchanged)."""
    if fmt != "png":
        return payload
    head = payload.rfind(b"tEXt" + KEYWORD, 0, at) - 4
    if head < 0:
        raise ValueError("PNG fingerprint is not inside a tEXt chunk")
    (length,) = struct.unpack(">I", payload[head:head + 4])
    body_end = head + 8 + length
    crc = struct.pack(">I", zlib.crc32(payload[head + 4:body_end]) & 0xFFFFFFFF)
    return payload[:body_end] + crc + payload[body_end + 4:]


def stale_reason(fmt: str, payload: bytes, expected: Fingerprint) -> str | None:
    """None when ``payload`` was made from exactly the inputs of ``expected`` and not
    changed since; else a short reason (``data changed``, ``edited after rendering``, …)."""
    at = payload.find(_MARK)  # a plain search: far faster than a regex over megabytes
    match = _STAMP.match(payload, at) if at >= 0 else None
    if match is None:
        return "no fingerprint (made by an older renderer?)"
    if payload.find(_MARK, at + 1) >= 0:
        return "several fingerprints"
    start, end = match.span(2)
    unsealed = _fix_png_crc(fmt, payload[:start] + _ZERO.encode() + payload[end:], start)
    if hashlib.sha256(unsealed).hexdigest().encode() != match.group(2):
        return "edited after rendering"
    have = dict(part.split("=") for part in match.group(1).decode().split())
    changed = [role for role, value in expected.parts if have.get(role) != value]
    if changed:
        return ", ".join(changed) + " changed"
    return None
