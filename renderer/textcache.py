"""Text cache: font metrics, shaped strings, glyph outlines and Chinese phrases of earlier
runs, kept on disk so that a warm run neither opens the 16 MB fonts nor imports HarfBuzz or
BudouX (~25 ms of a 0.2 s render, more for the Mandala's Chinese glyphs).

Exact: an entry comes back bit for bit as it was computed. Floats go through JSON, which
round-trips them; outline coordinates are multiples of 0.01 px and are stored as integer
hundredths ``d``, read back as ``d / 100`` — the same double ``round(v, 2)`` gave (checked
when an outline is stored; one that would not come back exactly is not stored), the
positions of -0.0 coordinates kept beside them. Each file
is named by a digest of everything its entries depend on: the text file by both font files,
the HarfBuzz package and ``VERSION``, the phrase file by the BudouX package and ``VERSION``
(bump it when the shaping, outlining or phrase rules of text.py / linebreak.py change).
Files live in ``cache_dir()/text`` (``LANDSCAPE_CACHE`` overrides the folder) and are
``diskcache`` containers: damaged ones read as empty, writers rename complete files into
place and merge with whatever another process stored meanwhile.
"""

from __future__ import annotations

import sys
from array import array
from math import copysign
from pathlib import Path
from typing import Any

from .diskcache import cache_dir, file_key, read_container, shared, write_container
from .scene import Outline

VERSION = 2
_MAX_BYTES = 64 << 20  # a file growing past this starts over with one run's entries
_INT32 = 1 << 31

Glyphs = tuple[tuple[int, float, float], ...]


class CacheFile:
    """One cache file: JSON values, and records of a JSON head plus a run of 32-bit integers
    (kept in one binary blob: JSON numbers parse slowly). Read on first use; ``save``
    writes what this process added."""

    def __init__(self, path: Path | None) -> None:
        self.path = path  # None: caching disabled (nothing read or written)
        self._loaded = False
        self._values: dict[str, dict[str, Any]] = {}
        self._records: dict[str, dict[str, list[Any]]] = {}  # key → [head, offset, count] into _ints
        self._ints = array("i")
        self._stamp: tuple[int, int, int] | None = None
        self._new: dict[str, dict[str, Any]] = {}
        self._new_records: dict[str, dict[str, tuple[Any, list[int]]]] = {}

    def _load(self) -> None:
        self._loaded = True
        if self.path is None:
            return
        self._stamp = file_key(self.path)
        found = _read(self.path)
        if found:
            self._values, self._records, self._ints = found

    def get(self, section: str, key: str) -> Any:
        """The value stored under ``key`` (None when absent)."""
        if not self._loaded:
            self._load()
        return self._values.get(section, {}).get(key)

    def put(self, section: str, key: str, value: Any) -> None:
        """Remember a JSON-serialisable value (floats, ints, strings, lists) for later runs."""
        if self.path is None:
            return
        if not self._loaded:
            self._load()
        self._values.setdefault(section, {})[key] = value
        self._new.setdefault(section, {})[key] = value

    def record(self, section: str, key: str) -> tuple[Any, list[int]] | None:
        """The (head, integers) stored under ``key``, None when absent."""
        if not self._loaded:
            self._load()
        hit = self._records.get(section, {}).get(key)
        if not isinstance(hit, list) or len(hit) != 3:
            return None
        head, offset, count = hit
        if not isinstance(offset, int) or not isinstance(count, int) or offset < 0 or count < 0 \
                or offset + count > len(self._ints):
            return None
        return head, self._ints[offset:offset + count].tolist()

    def put_record(self, section: str, key: str, head: Any, ints: list[int]) -> None:
        """Remember a JSON head and integers (each in the 32-bit range) for later runs."""
        if self.path is None:
            return
        if not self._loaded:
            self._load()
        self._records.setdefault(section, {})[key] = [head, len(self._ints), len(ints)]
        self._ints.extend(ints)
        self._new_records.setdefault(section, {})[key] = (head, ints)

    def save(self) -> None:
        """Write this process's new entries, merged into the file as it is now on disk."""
        if self.path is None or not (self._new or self._new_records):
            return
        if file_key(self.path) == self._stamp:
            values, records, ints = self._values, self._records, self._ints
        else:  # another process wrote meanwhile: its entries and ours
            values, records, ints = _read(self.path) or ({}, {}, array("i"))
            self._merge(values, records, ints)
        if ints.itemsize * len(ints) > _MAX_BYTES:
            values, records, ints = {}, {}, array("i")
            self._merge(values, records, ints)
        doc = {"values": values, "records": records, "byteorder": sys.byteorder}
        if write_container(self.path, doc, ints.tobytes()):
            self._stamp = file_key(self.path)
            self._values, self._records, self._ints = values, records, ints
            self._new, self._new_records = {}, {}

    def _merge(self, values: dict[str, dict[str, Any]], records: dict[str, dict[str, list[Any]]],
               ints: array) -> None:
        """Add this process's new entries to another copy of the contents."""
        for name, entries in self._new.items():
            values.setdefault(name, {}).update(entries)
        for name, items in self._new_records.items():
            for key, (head, numbers) in items.items():
                records.setdefault(name, {})[key] = [head, len(ints), len(numbers)]
                ints.extend(numbers)


def _read(path: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, list[Any]]], array] | None:
    found = read_container(path)
    if found is None:
        return None
    doc, blob = found
    ints = array("i")
    try:
        values, records = doc["values"], doc["records"]
        if doc["byteorder"] != sys.byteorder or len(blob) % ints.itemsize or not all(
                isinstance(d, dict) and all(isinstance(s, dict) for s in d.values()) for d in (values, records)):
            return None  # single entries are checked when read (``record``, the callers)
    except (KeyError, TypeError):
        return None
    ints.frombytes(blob)
    return values, records, ints


def outline_record(outline: Outline) -> tuple[list[Any], list[int]] | None:
    """An outline as a record (head: op letters and the indexes of its -0.0 coordinates;
    integer hundredths); None when a coordinate would not come back exactly (not a multiple
    of 0.01, or out of range)."""
    letters, hundredths, negative_zeros = outline.pack()
    flat = [v for _, args in outline.ops for v in args]
    if any(d / 100 != v or not -_INT32 < d < _INT32 for d, v in zip(hundredths, flat)):
        return None
    return [letters, list(negative_zeros)], hundredths


def outline_from(head: Any, ints: list[int]) -> Outline | None:
    """The outline ``outline_record`` stored; None when the record is not of that form."""
    try:
        letters, negative_zeros = head
        if isinstance(letters, str) and all(isinstance(i, int) for i in negative_zeros):
            return Outline.packed(letters, ints, tuple(negative_zeros))
    except (TypeError, ValueError):
        pass
    return None


def glyphs_record(glyphs: Glyphs) -> list[int] | None:
    """Shaped glyphs (id, x, y in font units) as integers; None unless every position is a
    whole number (HarfBuzz positions in font units are)."""
    ints = [int(v) for g in glyphs for v in g]
    if any(float(d) != v or (v == 0 and copysign(1.0, v) < 0) or not -_INT32 < d < _INT32
           for d, v in zip(ints, [v for g in glyphs for v in g])):
        return None
    return ints


def glyphs_from(ints: list[int]) -> Glyphs | None:
    """The glyphs ``glyphs_record`` stored; None when the record is not of that form."""
    if len(ints) % 3:
        return None
    return tuple((g, float(x), float(y)) for g, x, y in zip(ints[0::3], ints[1::3], ints[2::3]))


def _path(name: str, parts: list[Any]) -> Path:
    from .fingerprint import digest

    return cache_dir() / "text" / f"{name}-{digest([VERSION, sys.byteorder, *parts])}.bin"


def _package(name: str) -> Any:
    """Digest of an installed package's files (None when it is not installed)."""
    import importlib.util
    import os

    from .fingerprint import digest, file_digest

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = list(spec.submodule_search_locations)[0]
    files = []
    for folder, dirs, names in os.walk(root):  # not Path.rglob: its pattern machinery costs ~1 ms
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        files += [os.path.join(folder, n) for n in names]
    return digest(sorted([os.path.relpath(f, root), file_digest(Path(f))] for f in files))


def text_cache(fonts: list[Path]) -> CacheFile:
    """The cache of metrics, shapes and outlines made from these font files with HarfBuzz."""
    from .fingerprint import file_digest

    try:
        return shared(_path("shapes", [[file_digest(f) for f in fonts], _package("uharfbuzz")]), CacheFile)
    except OSError:
        return CacheFile(None)


_PHRASES: dict[Path, Path | None] = {}  # cache folder → its phrase file (the digest is computed once)


def phrase_cache() -> CacheFile:
    """The cache of BudouX phrases (Simplified Chinese model)."""
    folder = cache_dir()
    if folder not in _PHRASES:
        try:
            _PHRASES[folder] = _path("phrases", [_package("budoux")])
        except OSError:
            _PHRASES[folder] = None
    path = _PHRASES[folder]
    return shared(path, CacheFile) if path else CacheFile(None)

