"""YAML loading that remembers the line of every mapping, sequence and key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

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
    """Parse a YAML file (at most MAX_YAML_BYTES); syntax errors become one-line InputErrors."""
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
    return load_yaml_text(text, name)


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
