"""Nothing lost, nothing leaked: atomic writes under failure, killed runs, file access."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from renderer import cli as cli_module
from renderer.errors import Warnings
from renderer.jobs import Job, run

from .conftest import FIXTURES, ROOT

DATA = ROOT / "data" / "ai-infra.yaml"


def test_disk_full_keeps_the_previous_file(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert cli("render", FIXTURES / "small.yaml", "--layout", FIXTURES / "small-layout.yaml", "-o", out,
               "--format", "svg").code == 0
    before = (out / "small-landscape.svg").read_bytes()

    class Full:
        def __init__(self, fd: int, mode: str) -> None:
            self.fd = fd

        def __enter__(self) -> "Full":
            return self

        def __exit__(self, *exc: object) -> None:
            os.close(self.fd)

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cli_module.os, "fdopen", Full)
    result = cli("render", FIXTURES / "small.yaml", "--layout", FIXTURES / "small-layout.yaml", "-o", out,
                 "--format", "svg", "--lang", "en")
    assert result.code == 2 and "No space left on device" in result.err and "Traceback" not in result.err
    monkeypatch.undo()
    assert result.err.count("error:") == 1
    result = cli("render", FIXTURES / "small.yaml", "--layout", FIXTURES / "small-layout.yaml", "-o", out,
                 "--format", "svg")
    assert result.code == 0
    assert (out / "small-landscape.svg").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["small-landscape.svg"]  # no temporary file left


def test_a_run_killed_midway_leaves_whole_files(tmp_path: Path) -> None:
    env = {**os.environ}
    old = tmp_path / "old"
    new = tmp_path / "new"
    base = [sys.executable, "-m", "renderer", "render", str(DATA), "--format", "svg,png,pdf"]
    subprocess.run(base + ["--lang", "en", "-o", str(old)], check=True, cwd=ROOT, env=env, capture_output=True)
    subprocess.run(base + ["--lang", "en", "--theme", "dark", "-o", str(new)], check=True, cwd=ROOT, env=env,
                   capture_output=True)
    target = tmp_path / "target"
    for delay in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8):
        target.mkdir(exist_ok=True)
        for f in old.iterdir():  # the previous good outputs, renamed to the dark run's names
            (target / f.name.replace(".en.", ".en.dark.")).write_bytes(f.read_bytes())
        proc = subprocess.Popen(base + ["--lang", "en", "--theme", "dark", "-o", str(target)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for f in new.iterdir():
            got = (target / f.name).read_bytes()
            previous = (old / f.name.replace(".en.dark.", ".en.")).read_bytes()
            assert got in (previous, f.read_bytes()), (delay, f.name)  # old or new, never partial


def test_rendering_reads_only_project_files(tmp_path: Path, engine) -> None:
    job = Job(kind="landscape", source=DATA, layout=ROOT / "layouts" / "ai-infra.yaml", out_dir=tmp_path,
              formats=("svg", "png"), scale=0.5)
    run(job, Warnings(), engine)  # warm imports and caches
    opened: list[str] = []
    recording = [True]

    def hook(event: str, args: tuple) -> None:
        if recording[0] and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            opened.append(os.fsdecode(args[0]))

    sys.addaudithook(hook)
    try:
        run(job, Warnings(), engine)
    finally:
        recording[0] = False
    allowed = [ROOT / "data", ROOT / "layouts", ROOT / "logos", Path(sys.prefix), Path(sys.base_prefix),
               Path(os.environ["LANDSCAPE_CACHE"]), tmp_path]
    outside = [p for p in opened
               if not any(Path(p).resolve().is_relative_to(a.resolve()) for a in allowed)]
    assert opened and outside == []


def test_progress_is_shown_only_on_a_terminal_after_a_second(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from renderer import jobs

    clock = iter([0.0, 0.5, 2.0, 3.0])
    monkeypatch.setattr("time.perf_counter", lambda: next(clock))
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    progress = jobs.Progress(2)
    progress.step("writing SVG")  # 0.5 s: too early to show
    progress.step("writing PNG")  # 2.0 s: shown
    progress.close()
    err = capsys.readouterr().err
    assert "writing PNG" in err and "writing SVG" not in err and err.endswith("\r")
