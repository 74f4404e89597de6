"""Scale benchmark (part of ``make bench``): N synthetic cards, each with its own synthetic
SVG logo of a realistic size (85% 2–12 KB, 13% 12–60 KB, 1.5% 100–300 KB, 0.5% ~1 MB).

    python tests/bench_scale.py            # the table for 300, 1,000, 1,500 and 3,000 cards
    python tests/bench_scale.py --one N DIR --formats svg   # one run (used for peak RSS)

Each measurement is a separate process: ``landscape render`` on a generated data file,
cold (empty logo and glyph caches: every logo sanitised and rasterised) and warm (the
caches filled by the cold run). Prints seconds, peak RSS and SVG size.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_logo(rng: random.Random, target: int) -> str:
    """An SVG of roughly ``target`` bytes: random filled polygons on a 64×64 viewBox."""
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">']
    size = len(parts[0])
    while size < target:
        pts = " ".join(f"L{rng.uniform(0, 64):.2f} {rng.uniform(0, 64):.2f}" for _ in range(rng.randint(3, 12)))
        color = f"#{rng.randrange(0x1000000):06x}"
        elem = f'<path d="M{rng.uniform(0, 64):.2f} {rng.uniform(0, 64):.2f}{pts}Z" fill="{color}"/>'
        parts.append(elem)
        size += len(elem)
    parts.append("</svg>")
    return "".join(parts)


def make_dataset(n: int, root: Path, seed: int = 11) -> Path:
    """A data file with ``n`` projects over the AI-Infra bands and a logos/ folder."""
    from renderer.model import load_rules

    rng = random.Random(seed)
    rules = load_rules(ROOT / "layouts" / "ai-infra.yaml")
    logos = root / "logos"
    logos.mkdir(parents=True, exist_ok=True)
    words = ["kube", "flow", "serve", "infer", "gate", "mesh", "scale", "batch", "queue", "ray", "train", "node",
             "edge", "core", "ops", "agent", "graph", "cache", "shard", "pilot"]
    rows = []
    for i in range(n):
        y = rng.uniform(0, 99.99)
        band = next(b for b in rules.bands if b.y0 <= y < b.y1)
        roll = rng.random()
        target = (rng.randint(2_000, 12_000) if roll < 0.85 else rng.randint(12_000, 60_000) if roll < 0.98
                  else rng.randint(100_000, 300_000) if roll < 0.995 else rng.randint(800_000, 1_100_000))
        (logos / f"l{i}.svg").write_text(make_logo(rng, target))
        name = " ".join(rng.choice(words).capitalize() for _ in range(rng.randint(1, 3))) + f" {i}"
        rows.append({"name": name, "group": rng.choice(band.groups), "stage": rng.choice(["early", "mature"]),
                     "x": round(rng.uniform(0, 100), 2), "y": round(y, 2), "logo": f"l{i}.svg",
                     "url": f"https://example.org/p{i}"})
    layout = (ROOT / "layouts" / "ai-infra.yaml").read_text(encoding="utf-8")
    layout = layout.replace("grow: {step: 40, max_height: 4000}", "grow: {step: 40, max_height: 70000}")
    layout = layout.replace("canvas: {width: 1920,", "canvas: {width: 2800,")
    (root / "layout.yaml").write_text(layout, encoding="utf-8")
    data = root / "data" / f"synthetic-{n}.yaml"
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text(json.dumps({"meta": {"title": f"Synthetic {n}"}, "projects": rows}))  # JSON is YAML
    return data


def one(n: int, work: Path, formats: str) -> None:
    """Render once in this process and print a JSON line of timings and peak RSS."""
    from renderer.cli import main

    data = work / "data" / f"synthetic-{n}.yaml"
    start = time.perf_counter()
    code = main(["render", str(data), "--layout", str(work / "layout.yaml"), "--logos",
                 str(work / "logos"), "-o", str(work / "out"), "--format", formats, "--lang", "en"])
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    svg = work / "out" / f"synthetic-{n}-landscape.en.svg"
    print(json.dumps({"code": code, "seconds": seconds, "rss_mb": rss,
                      "svg_mb": svg.stat().st_size / 1e6 if svg.exists() else None}))


def measure(n: int, work: Path, formats: str, cache: Path) -> dict:
    env = {"LANDSCAPE_CACHE": str(cache), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, __file__, "--one", str(n), str(work), formats], capture_output=True,
                         text=True, env=env, cwd=ROOT)
    line = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if not line:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(line[-1])


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        one(int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
        return 0
    print("scale: N cards, each with its own SVG logo (85% 2–12 KB, 13% 12–60 KB, 1.5% 100–300 KB, 0.5% ~1 MB)")
    print(f"{'cards':>6} {'run':>5} {'SVG s':>7} {'SVG+PNG s':>10} {'peak RSS MB':>12} {'SVG MB':>7}")
    for n in (300, 1000, 1500, 3000):
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            make_dataset(n, work)
            cache = work / "cache"
            cold = measure(n, work, "svg,png", cache)
            warm_svg = measure(n, work, "svg", cache)
            warm = measure(n, work, "svg,png", cache)
            assert cold["code"] == warm_svg["code"] == warm["code"] == 0, (cold, warm_svg, warm)
            print(f"{n:>6} {'cold':>5} {'':>7} {cold['seconds']:>10.2f} {cold['rss_mb']:>12.0f} {cold['svg_mb']:>7.1f}")
            print(f"{n:>6} {'warm':>5} {warm_svg['seconds']:>7.2f} {warm['seconds']:>10.2f} "
                  f"{max(warm_svg['rss_mb'], warm['rss_mb']):>12.0f} {warm['svg_mb']:>7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
