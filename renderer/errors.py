"""Errors and warnings that name the file, line and item they are about."""

from __future__ import annotations

import sys
from typing import TextIO


class InputError(Exception):
    """Bad input: printed as one line ``file:line: message``; the CLI exits 2."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {' '.join(self.message.split())}"  # always one line


class LayoutError(InputError):
    """The cards do not fit and the layout rules do not allow growing enough."""


class Warnings:
    """Collects one-line warnings; the CLI prints them to stderr at the end. (A plain class:
    ``@dataclass`` would compile its methods at every start, ~0.6 ms.)"""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.untranslated: dict[str, list[str]] = {}  # language -> labels without its text

    def __repr__(self) -> str:
        return f"Warnings(lines={self.lines!r}, untranslated={self.untranslated!r})"

    def add(self, line: str) -> None:
        """Record one warning line (deduplicated, order kept)."""
        if line not in self.lines:
            self.lines.append(line)

    def missing_translation(self, lang: str, where: str) -> None:
        """Record a label that has no text in ``lang`` (reported together, in one line)."""
        names = self.untranslated.setdefault(lang, [])
        if where not in names:
            names.append(where)

    def all_lines(self) -> list[str]:
        """Every warning line, the untranslated labels folded into one line per language."""
        out = list(self.lines)
        for lang, names in self.untranslated.items():
            fallback = "drawn as written" if lang == "en" else "drawn in English"
            out.append(f"no {lang} text for {len(names)} label(s), {fallback}: {', '.join(names)}")
        return out

    def emit(self, stream: TextIO | None = None) -> None:
        """Print every warning as ``warning: …``."""
        out = stream or sys.stderr
        for line in self.all_lines():
            print(f"warning: {line}", file=out)
