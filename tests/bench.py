"""Benchmark (``make bench``): prints times, never asserts.

1. layout + SVG in-process for 60, 600 and 3,000 synthetic cards (fonts already open),
   with the growth exponent between sizes;
2. whole ``landscape render`` processes on the default data: SVG only, and SVG + PNG.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from renderer.backends.svg import render_svg  # noqa: E402
from renderer.errors import Warnings  # noqa: E402
from renderer.landscape import build_landscape  # noqa: E402
from renderer.model import Dataset, Grow, Project, load_rules, slugify  # noqa: E402
from renderer.records import replace  # noqa: E402
from renderer.text import TextEngine  # noqa: E402

WORDS = ["kube", "flow", "serve", "infer", "gate", "mesh", "scale", "batch", "queue", "ray", "spark",
         "train", "node", "edge", "lite", "core", "ops", "agent", "graph", "cache", "shard", "pilot"]


def synthetic(n: int, seed: int = 7) -> Dataset:
    """``n`` projects spread over the AI-Infra bands, with names of 1–3 words."""
    rules = load_rules(ROOT / "layouts" / "ai-infra.yaml")
    rng = random.Random(seed)
    projects = []
    for i in range(n):
        y = rng.uniform(0, 99.99)
        band = next(b for b in rules.bands if b.y0 <= y < b.y1)
        gid = rng.choice(band.groups)
        name = " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(1, 3))) + f" {i}"
        projects.append(Project(name=name, slug=slugify(name), group=gid, stage=rng.choice(["early", "mature"]),
                                x=rng.uniform(0, 100), y=y, url=None, logo=None, tags=(), line=i + 1))
    return Dataset(path=f"<synthetic {n}>", title=f"Synthetic {n}", subtitle=None, projects=tuple(projects))


def time_layout_svg(engine: TextEngine, n: int, repeat: int) -> tuple[float, float, int, float]:
    """Best times (s) of layout (measure, place, build the scene) and of SVG writing."""
    rules = replace(load_rules(ROOT / "layouts" / "ai-infra.yaml", "en"), grow=Grow(step=40, max_height=80000))
    data = synthetic(n)
    layout_t, svg_t, size, height = [], [], 0, 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        result = build_landscape(data, rules, engine, ROOT / "logos", Warnings())
        middle = time.perf_counter()
        svg = render_svg(result.scene)
        layout_t.append(middle - start)
        svg_t.append(time.perf_counter() - middle)
        size, height = len(svg), result.scene.height
        assert result.metrics["overlaps"] == 0
    return min(layout_t), min(svg_t), size, height


FLOOR = [sys.executable, "-c", "import yaml"]
# children run as after a normal install: Python may cache bytecode (this sandbox sets
# PYTHONDONTWRITEBYTECODE, which makes every run recompile the package: ~25 ms)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, env=ENV)
    return time.perf_counter() - start


def time_process(args: list[str], repeat: int = 5) -> float:
    """Median wall time (s) of ``landscape ARGS -o TMP``."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "renderer", *args, "-o", out]
        _wall(cmd)  # warm the glyph cache
        return statistics.median(_wall(cmd) for _ in range(repeat))


def against_floor(cmd: list[str], repeat: int = 7) -> tuple[float, float]:
    """Median wall times (s) of ``cmd`` and of the floor (a Python that imports only yaml),
    run in turns so that a busy machine slows both alike."""
    _wall(cmd)  # warm caches
    times, floor = [], []
    for _ in range(repeat):
        floor.append(_wall(FLOOR))
        times.append(_wall(cmd))
    return statistics.median(times), statistics.median(floor)


def fresh_config(folder: Path) -> Path:
    """landscape.yaml with absolute inputs and its outputs in ``folder``, built once."""
    import yaml

    raw = yaml.safe_load((ROOT / "landscape.yaml").read_text(encoding="utf-8"))
    for entry in raw["outputs"]:
        entry.update({k: str(ROOT / entry[k]) for k in ("data", "layout") if k in entry}, out=str(folder / "out"))
    path = folder / "landscape.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "renderer", "build", "--config", str(path)], cwd=ROOT, check=True,
                   capture_output=True, env=ENV)
    return path


def time_targets() -> None:
    """The issue-13 figures, each as a ratio to the floor measured in the same turns."""
    renderer = [sys.executable, "-m", "renderer"]
    with tempfile.TemporaryDirectory() as tmp:
        out = ["-o", str(Path(tmp) / "o")]
        figures = [
            ("landscape check (landscape.yaml, all fresh)",
             renderer + ["check", "--config", str(fresh_config(Path(tmp)))], 5),
            ("landscape render --format svg", renderer + ["render", "data/ai-infra.yaml", "--format", "svg"] + out, 3),
            ("landscape mandala --format svg", renderer + ["mandala", "data/ai-infra-mandala.yaml", "--format", "svg"]
             + out, 3),
            ("landscape render --format svg,png", renderer + ["render", "data/ai-infra.yaml", "--format", "svg,png"]
             + out, 8),
        ]
        results = [(name, *against_floor(cmd), target) for name, cmd, target in figures]
    floors = [f for _, _, f, _ in results]
    print(f"whole process, median of 7 turns; floor = python -c 'import yaml': {statistics.median(floors):.3f} s")
    for name, t, floor, target in results:
        print(f"  {name:<42} {t:6.3f} s = {t / floor:4.1f}× floor  (target ≤ {target}×)")


def time_diff() -> None:
    """``landscape diff`` (default data vs the tests' edited copy: 5 added, 3 removed, 4 stage
    changes, 6 moved) against a normal render of NEW, both SVG + PNG; target at most 2×."""
    from tests.test_diff import edited_copy

    with tempfile.TemporaryDirectory() as tmp:
        new = str(edited_copy(Path(tmp) / "data"))
        layout = ["--layout", "layouts/ai-infra.yaml", "--format", "svg,png"]
        render = time_process(["render", new, *layout])
        diff = time_process(["diff", "data/ai-infra.yaml", new, *layout])
    print(f"  landscape render NEW --format svg,png  {render:.3f} s")
    print(f"  landscape diff OLD NEW --format svg,png  {diff:.3f} s  = {diff / render:.2f}× render (target ≤ 2×)")


def main() -> int:
    if "--targets" in sys.argv:  # only the ratios to the floor
        time_targets()
        return 0
    engine = TextEngine()
    time_layout_svg(engine, 60, 1)  # warm caches
    print("layout and SVG, synthetic cards without logos (best of runs)")
    print(f"{'cards':>7} {'layout s':>9} {'SVG s':>7} {'total s':>8} {'SVG KB':>8} {'canvas h':>9} {'layout growth':>14}")
    previous: tuple[int, float] | None = None
    for n, repeat in ((60, 5), (300, 3), (600, 3), (3000, 2)):
        lay, svg, size, height = time_layout_svg(engine, n, repeat)
        exp = ""
        if previous:
            exp = f"n^{math.log(lay / previous[1]) / math.log(n / previous[0]):.2f}"
        print(f"{n:>7} {lay:>9.3f} {svg:>7.3f} {lay + svg:>8.3f} {size / 1024:>8.0f} {height:>9.0f} {exp:>14}")
        previous = (n, lay)
    print()
    time_targets()
    print()
    print("whole process, default data (median of 5, glyph cache warm)")
    render = ["render", "data/ai-infra.yaml"]
    mandala = ["mandala", "data/ai-infra-mandala.yaml", "--lang", "zh-CN"]
    print(f"  landscape mandala --format svg,png  {time_process(mandala + ['--format', 'svg,png']):.3f} s")
    print(f"  landscape render --format pdf       {time_process(render + ['--format', 'pdf']):.3f} s  (cairosvg)")
    print(f"  landscape render --format png --backend matplotlib  "
          f"{time_process(render + ['--format', 'png', '--backend', 'matplotlib'], repeat=3):.3f} s")
    print(f"  landscape render --format pdf --backend matplotlib  "
          f"{time_process(render + ['--format', 'pdf', '--backend', 'matplotlib'], repeat=3):.3f} s")
    time_diff()
    return 0


if __name__ == "__main__":
    sys.exit(main())
