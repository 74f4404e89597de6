"""Adaptive-layout benchmark (part of ``make bench``): realistic skewed landscapes of 80, 300,
1,000 and 3,000 cards (60% of the cards in 2 of 10 bands, 80% without maturity data, wide logos —
real CNCF logos when ``../shared/corpus`` is beside the checkout), imported with the example map
and rendered to SVG as README shows. Prints canvas size, height/width, fill (card area ÷ canvas
area), overlaps and the SVG time (median of 3 warm runs, whole process).

    python tests/bench_adaptive.py [N ...]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.skewed import MAP, make_landscape2  # noqa: E402
from tests.stability import moved_counts  # noqa: E402

LANDSCAPE = [sys.executable, "-m", "renderer"]


def run(n: int, root: Path) -> dict[str, float]:
    """Import and render one skewed landscape of ``n`` cards; its metrics and warm SVG seconds."""
    src, logos = make_landscape2(n, root, seed=n)
    data = root / "data" / "l.yaml"
    subprocess.run(LANDSCAPE + ["import", "landscape2", str(src), "--logos", str(logos), "--map", str(MAP),
                                "-o", str(data)], check=True, capture_output=True)
    render = LANDSCAPE + ["render", str(data), "-o", str(root / "out"), "--format", "svg",
                          "--report", str(root / "r.json")]
    subprocess.run(render, check=True, capture_output=True)  # cold: fills the logo and glyph caches
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(render, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    m = json.loads((root / "r.json").read_text(encoding="utf-8"))["metrics"]
    return {**m, "seconds": statistics.median(times)}


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [80, 300, 1000, 3000]
    print("adaptive layout, skewed landscape2 imports (targets for 300–1,000: h/w 0.45–0.80, fill ≥ 25%, SVG ≤ 2 s)")
    print(f"{'cards':>6} {'canvas px':>13} {'h/w':>6} {'fill':>6} {'overlaps':>8} {'outside':>7} {'SVG s':>6}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            m = run(n, Path(tmp))
        canvas = f"{m['canvas_width']:.0f} × {m['canvas_height']:.0f}"
        print(f"{n:>6} {canvas:>13} {m['aspect']:>6.2f} {m['fill']:>6.1%} {m['overlaps']:>8} {m['cards_outside']:>7} "
              f"{m['seconds']:>6.2f}")
    print("\nlayout stability, default data: unchanged cards moved by 10 additions (64 seeds; target ≤ 5%)")
    for label, where in (("at the end of the file", "end"), ("after their group", "group"),
                         ("among their group", "within"), ("anywhere in the file", "any"),
                         ("10 removed instead", "removed")):
        total, counts = moved_counts(range(100, 164), where=where)
        total -= 10 if where == "removed" else 0
        ordered = sorted(counts)
        print(f"  {label:22s} median {statistics.median(counts):4.1f} of {total} = "
              f"{statistics.median(counts) / total:5.1%}   mean {statistics.mean(counts):4.1f} = "
              f"{statistics.mean(counts) / total:5.1%}   90th percentile {ordered[len(ordered) * 9 // 10]}   worst {ordered[-1]}")

if __name__ == "__main__":
    main()
