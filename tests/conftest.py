"""Shared fixtures: paths, one text engine per session, an in-process CLI runner."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from renderer.cli import main
from renderer.text import TextEngine

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Run:
    """Outcome of one CLI call."""

    code: int
    out: str
    err: str


@pytest.fixture(scope="session")
def engine() -> TextEngine:
    """One text engine (fonts are slow to open) for the whole session."""
    return TextEngine()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run ``landscape ARGS…`` in-process and capture its output."""

    def run(*args: str) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture(autouse=True, scope="session")
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the glyph cache of the test run out of the user's home."""
    os.environ.setdefault("LANDSCAPE_CACHE", str(tmp_path_factory.mktemp("glyph-cache")))
