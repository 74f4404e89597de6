"""YAML loading that remembers the line of every mapping, sequence and key.

A file's parsed tree is kept on disk (``cache_dir()/yaml``, a ``diskcache`` container of
JSON, keyed by the SHA-256 of the text, this module's format and PyYAML's version): a
warm run reads it back, lines included, in a tenth of the parse time (~0.5 of 5 ms for the
default data and layout). Only trees of plain mappings, sequences, strings, numbers,
booleans and nulls without shared parts (aliases) are kept; anything else is parsed every time.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import yaml

from .diskcache import cache_dir, read_container, write_container
from .errors import InputError


class LDict(dict):  # type: ignore[type-arg]
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LList(list):  # type: ignore[type-arg]
    """A sequence that knows its own line and the line of each entry (1-based)."""

    line: int = 0
    item_lines: list[int]


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader building LDict/LList with line numbers; duplicate keys are errors."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LDict:
    loader.flatten_mapping(node)
    result = LDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise InputError(f"mapping key {key!r} must be a plain value",
                             loader.name, key_node.start_mark.line + 1)
        key = str(key)
        if key in result:
            raise InputError(f"duplicate key {key!r}", loader.name, key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LList:
    result = LList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


MAX_YAML_BYTES = 20 * 1024 * 1024


def load_yaml(path: Path | str) -> Any:
    """Parse a YAML file (at most MAX_YAML_BYTES), or read its tree from the cache when the same
    text was parsed before; syntax errors become one-line InputErrors."""
    name = str(path)
    try:
        if Path(path).stat().st_size > MAX_YAML_BYTES:
            raise InputError(f"file is larger than {MAX_YAML_BYTES // (1024 * 1024)} MiB", name)
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", name) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", name) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", name) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", name) from None
    key = hashlib.sha256(_FORMAT + text.encode("utf-8")).hexdigest()[:32]
    cached = cache_dir() / "yaml" / f"{key}.bin"
    found = read_container(cached, _decoded)
    if found is not None:
        return found[0]
    tree = load_yaml_text(text, name)
    _store(cached, tree)
    return tree


_FORMAT = f"yamlio/1 pyyaml/{yaml.__version__} {_Base.__name__}\n".encode()  # what a cached tree depends on
_CACHED_FILES = 64  # parsed files kept on disk; the oldest go when there are more
_MARK = "\x00"  # begins the keys that carry lines in a cached tree (no stored YAML key does)
_LINE, _KEYS, _ITEMS, _ITEM_LINES = (_MARK + k for k in ("line", "keys", "items", "item_lines"))


class _Uncacheable(Exception):
    """A parsed tree that the cache cannot give back exactly."""


def _encoded(value: Any, seen: set[int]) -> Any:
    """``value`` as JSON-ready data, the lines under ``_MARK`` keys; raises _Uncacheable."""
    kind = type(value)
    if kind is LDict or kind is LList:
        if id(value) in seen:  # an alias: JSON would give two copies
            raise _Uncacheable
        seen.add(id(value))
        if kind is LList:
            return {_ITEMS: [_encoded(v, seen) for v in value], _LINE: value.line, _ITEM_LINES: value.item_lines}
        out: dict[str, Any] = {_LINE: value.line, _KEYS: [value.key_lines[k] for k in value]}
        for key, v in value.items():
            if key.startswith(_MARK):
                raise _Uncacheable
            out[key] = _encoded(v, seen)
        return out
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    raise _Uncacheable  # dates, binary, sets, ordered pairs


def _decoded(obj: dict[str, Any]) -> LDict | LList:
    """An LDict or LList from its cached form (``json.loads``' object hook)."""
    if _ITEMS in obj:
        items = LList(obj[_ITEMS])
        items.line, items.item_lines = obj[_LINE], obj[_ITEM_LINES]
        return items
    mapping = LDict(obj)
    mapping.line = mapping.pop(_LINE)
    lines = mapping.pop(_KEYS)
    mapping.key_lines = dict(zip(mapping, lines))
    return mapping


def _store(path: Path, tree: Any) -> None:
    """Keep ``tree`` at ``path`` when it can be given back exactly; at most _CACHED_FILES are kept."""
    try:
        if not write_container(path, _encoded(tree, set()), b""):
            return
    except (_Uncacheable, RecursionError, UnicodeEncodeError):  # (a lone surrogate from an escape)
        return
    try:
        with os.scandir(path.parent) as found:
            files = [(e.stat().st_mtime_ns, e.path) for e in found if e.name.endswith(".bin")]
        for _, old in sorted(files)[:-_CACHED_FILES]:
            os.unlink(old)
    except OSError:  # pruned by another process meanwhile, or not allowed: the cache only saves time
        pass


def load_yaml_text(text: str, name: str) -> Any:
    """Parse YAML text; ``name`` is used in error messages."""
    loader = _Loader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"YAML syntax error: {problem}", name, line) from None
    except yaml.reader.ReaderError as exc:
        raise InputError(f"YAML error: {exc.reason} (character #x{exc.character:04x} at position "
                         f"{exc.position}); remove it", name) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {str(exc).splitlines()[0]}", name) from None
    finally:
        loader.dispose()


def line_of(container: Any, key: str | int | None = None) -> int | None:
    """Line of ``container[key]`` (or of the container itself when key is None)."""
    if isinstance(container, LDict):
        if key is None:
            return container.line
        return container.key_lines.get(str(key), container.line)
    if isinstance(container, LList):
        if key is None:
            return container.line
        if isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return None
