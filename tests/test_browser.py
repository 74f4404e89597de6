"""A real browser (headless Chromium) draws our SVG like our PNG does.

Skipped when Chromium is not installed, unless LANDSCAPE_REQUIRE_BROWSER=1 (set by
.ci/run, which installs Debian's chromium): then a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from renderer.errors import Warnings
from renderer.jobs import Job, run

from .conftest import FIXTURES, ROOT
from .test_raster import mean_difference

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1"]


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("LANDSCAPE_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (LANDSCAPE_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return CHROMIUM


def screenshot(browser: str, svg: Path, width: int, height: int, tmp_path: Path) -> bytes:
    page = tmp_path / "page.html"
    page.write_text(f'<!doctype html><html><head><style>html,body{{margin:0;padding:0;overflow:hidden}}'
                    f'img{{display:block}}</style></head><body><img src="{svg.name}" width="{width}" '
                    f'height="{height}"></body></html>', encoding="utf-8")
    shot = tmp_path / "shot.png"
    subprocess.run([browser, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},{height}",
                    f"--screenshot={shot}", page.as_uri()], check=True, capture_output=True, timeout=120)
    return shot.read_bytes()


@pytest.mark.parametrize("job", [
    Job(kind="landscape", source=ROOT / "data" / "ai-infra.yaml", layout=ROOT / "layouts" / "ai-infra.yaml",
        out_dir=Path("."), formats=("svg", "png"), scale=1.0),
    Job(kind="mandala", source=FIXTURES / "mini-mandala.yaml", out_dir=Path("."), formats=("svg", "png"), scale=1.0),
], ids=["landscape", "mandala"])
def test_browser_screenshot_matches_our_png(chromium: str, job: Job, tmp_path: Path, engine) -> None:
    (svg_path, svg), (_, png) = run(job, Warnings(), engine)[0]
    target = tmp_path / svg_path.name
    target.write_bytes(svg)
    from PIL import Image
    import io

    width, height = Image.open(io.BytesIO(png)).size
    shot = screenshot(chromium, target, width, height, tmp_path)
    assert Image.open(io.BytesIO(shot)).size == (width, height)
    assert mean_difference(shot, png) < 0.03
