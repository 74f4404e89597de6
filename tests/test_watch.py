"""Watch mode: one render per change of data, layout, theme or logo; bad input reported in
one line while the last good output stays; the preview page reloads itself (headless Chromium)."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT
from .test_browser import CHROMIUM
from .test_fingerprint import recolour


class Watcher:
    """``landscape watch`` in a subprocess; its stdout lines arrive on a queue."""

    def __init__(self, folder: Path, *extra: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "renderer", "watch", "small.yaml", "--layout", "small-layout.yaml", "--logos",
             "logos", "-o", "out", "--interval", "0.05", *extra],
            cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, timeout: float = 60) -> str:
        """The next line printed (fails after ``timeout`` s)."""
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail("landscape watch printed nothing")

    def render_line(self) -> str:
        """The next 'rendered' or 'error' line."""
        while True:
            line = self.next_line()
            if " rendered in " in line or " error: " in line:
                return line

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("small.yaml", "small-layout.yaml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    shutil.copytree(FIXTURES / "logos", tmp_path / "logos")
    shutil.copytree(ROOT / "layouts" / "themes", tmp_path / "themes")  # found beside the layout
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_watch_renders_on_every_kind_of_change_and_survives_bad_input(folder: Path) -> None:
    watcher = Watcher(folder)
    try:
        first = watcher.render_line()
        assert " rendered in " in first and "0 overlaps" in first
        svg = folder / "out" / "small-landscape.svg"
        good = svg.read_bytes()
        edit(folder / "small.yaml", "x: 80", "x: 70")  # data
        assert "0 overlaps" in watcher.render_line()
        assert svg.read_bytes() != good
        layout = folder / "small-layout.yaml"
        layout.write_text(layout.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")  # layout
        assert " rendered in " in watcher.render_line()
        theme = folder / "themes" / "light.yaml"
        theme.write_text(recolour(theme.read_text(encoding="utf-8")), encoding="utf-8")  # theme
        assert " rendered in " in watcher.render_line()
        logo = folder / "logos" / "mark.svg"
        logo.write_bytes(logo.read_bytes().replace(b"<svg", b'<svg data-edited="1"', 1))  # logo
        assert " rendered in " in watcher.render_line()
        last_good = svg.read_bytes()
        edit(folder / "small.yaml", "group: infra, stage: mature, x: 85", "group: nope, stage: mature, x: 85")
        error = watcher.render_line()
        assert "error: small.yaml:" in error and "unknown group 'nope'" in error and "Traceback" not in error
        assert svg.read_bytes() == last_good  # the last good output stays
        edit(folder / "small.yaml", "group: nope", "group: infra")
        assert " rendered in " in watcher.render_line()
        assert watcher.lines.empty()  # one line per render, nothing while nothing changes
        time.sleep(0.5)
        assert watcher.lines.empty()
    finally:
        watcher.stop()
    assert watcher.proc.returncode == 0


def _status(url: str) -> dict[str, int]:
    with urllib.request.urlopen(url + "version", timeout=10) as answer:
        return json.loads(answer.read())


def _wait(url: str, ok, timeout: float = 90) -> dict[str, int]:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status = _status(url)
        if ok(status):
            return status
        time.sleep(0.2)
    pytest.fail(f"preview never reached the expected state: {_status(url)}")


def test_preview_page_reloads_itself_after_each_render(folder: Path, tmp_path_factory,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # conftest refuses connections; this test talks to the preview on 127.0.0.1
    if CHROMIUM is None:
        if os.environ.get("LANDSCAPE_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (LANDSCAPE_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    watcher = Watcher(folder, "--serve", "--port", "0")
    browser = None
    try:
        url = watcher.next_line().removeprefix("preview: ")
        assert url.startswith("http://127.0.0.1:")
        watcher.render_line()
        with urllib.request.urlopen(url + "image", timeout=10) as answer:
            assert answer.headers["Content-Type"] == "image/svg+xml" and answer.read().startswith(b"<?xml")
        profile = tmp_path_factory.mktemp("chromium-profile")
        browser = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        _wait(url, lambda s: s["views"] >= 1 and s["sent"] == s["version"] == 1)
        edit(folder / "small.yaml", "x: 80", "x: 70")
        assert " rendered in " in watcher.render_line()
        status = _wait(url, lambda s: s["version"] == 2 and s["sent"] == 2)
        assert status["views"] >= 2  # the page reloaded itself and fetched the new image
    finally:
        if browser is not None:
            os.killpg(browser.pid, signal.SIGKILL)
            browser.wait(timeout=20)
        watcher.stop()
