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


def unstamped(svg: bytes) -> bytes:
    """An SVG without its fingerprint element: golden files hold the drawing only (the
    fingerprint changes with every input byte; tests/test_fingerprint.py covers it)."""
    import re

    return re.sub(rb'<metadata id="landscape-fingerprint">[^<]*</metadata>', b"", svg)


def embedded_svgs(svg: str) -> list[str]:
    """The SVG documents embedded as base64 data URIs (logos) in ``svg``."""
    import base64
    import re

    return [base64.b64decode(m).decode("utf-8", "replace")
            for m in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", svg)]


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


AUDITED: list[int] = []


@pytest.fixture(autouse=True, scope="session")
def _audit_every_svg() -> None:
    """Every SVG the suite produces is scanned for scripts, event attributes,
    foreignObject and references outside the document; a finding fails the test."""
    from renderer.backends import svg as svg_backend
    from renderer.sanitize import audit_svg

    original = svg_backend.render_svg

    def audited(scene):  # type: ignore[no-untyped-def]
        data = original(scene)
        problems = audit_svg(data)
        assert not problems, f"unsafe SVG produced: {problems[:5]}"
        AUDITED.append(len(data))
        return data

    svg_backend.render_svg = audited
    yield
    svg_backend.render_svg = original


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering never opens a network connection: any attempt fails the test."""
    import socket

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError(f"network connection attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
