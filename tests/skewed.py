"""Realistic skewed landscape2 files for the adaptive-layout tests and ``make bench``.

Like real public landscapes: 60% of the items sit in 2 of 10 categories, 80% have no maturity
(so they share one narrow x range), each category has 2–5 subcategories, and most logos are
wide wordmarks. Logos come from the real CNCF logo corpus when it is beside the checkout
(``../shared/corpus/cncf-logos``), else from generated SVGs of realistic aspect ratios.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("LANDSCAPE_CORPUS", ROOT.parent / "shared" / "corpus")) / "cncf-logos"
MAP = ROOT / "layouts" / "landscape2-map.example.yaml"
CATEGORIES = ("AI Agent", "Inference", "Training", "Data", "AI Native Infra", "Observability and Analysis",
              "Platform", "Orchestration & Management", "Runtime", "Provisioning")
HEAVY = ("Inference", "Orchestration & Management")  # 60% of the items
WORDS = ("kube", "flow", "serve", "infer", "gate", "mesh", "scale", "batch", "queue", "ray", "train", "node",
         "edge", "core", "ops", "agent", "graph", "cache", "shard", "pilot", "vector", "lake", "spark", "model")


def wordmark(rng: random.Random) -> str:
    """A generated logo: an icon square and a bar of "letters", 1:1 to 4:1."""
    aspect = rng.choice((1.0, 1.0, 2.2, 2.8, 3.4, 4.0))
    w, h = round(64 * aspect), 64
    color = f"#{rng.randrange(0x1000000):06x}"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}">',
             f'<rect x="2" y="2" width="60" height="60" rx="12" fill="{color}"/>']
    x = 70
    while x + 14 < w:
        lh = rng.randint(20, 44)
        parts.append(f'<rect x="{x}" y="{h - 12 - lh}" width="10" height="{lh}" fill="#333"/>')
        x += 14
    parts.append("</svg>")
    return "".join(parts)


def make_landscape2(n: int, root: Path, seed: int = 7, corpus: Path | None = CORPUS) -> tuple[Path, Path]:
    """Write ``root/landscape.yml`` with ``n`` items and ``root/hosted_logos/``; returns both paths.
    Logos are real ones from ``corpus`` where it exists (None: generated only, for tests)."""
    rng = random.Random(seed)
    logos = root / "hosted_logos"
    logos.mkdir(parents=True, exist_ok=True)
    real = sorted(p for p in corpus.glob("*.svg")) if corpus is not None and corpus.is_dir() else []
    real = [p for p in real if p.stat().st_size < 40_000]
    picks = rng.sample(real, min(n, len(real))) if real else []
    subs = {c: [f"{c.split()[0]} {s}" for s in rng.sample(["Serving", "Routing", "Tools", "Storage", "Security",
                                                           "Scheduling", "Runtime", "SDKs"], rng.randint(2, 5))]
            for c in CATEGORIES}
    items: dict[str, dict[str, list[dict[str, str]]]] = {c: {s: [] for s in subs[c]} for c in CATEGORIES}
    light = [c for c in CATEGORIES if c not in HEAVY]
    for i in range(n):
        cat = rng.choice(HEAVY) if rng.random() < 0.6 else rng.choice(light)
        sub = rng.choice(subs[cat])
        name = "".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(1, 2))) + f" {i}"
        if i < len(picks):
            logo = f"l{i}-{picks[i].name}"
            shutil.copyfile(picks[i], logos / logo)
        else:
            logo = f"l{i}.svg"
            (logos / logo).write_text(wordmark(rng), encoding="utf-8")
        item = {"name": name, "homepage_url": f"https://example.org/p{i}", "logo": f"./{logo}"}
        roll = rng.random()
        if roll < 0.2:
            item["project"] = "graduated" if roll < 0.04 else "incubating" if roll < 0.09 else "sandbox"
        items[cat][sub].append(item)
    doc = {"landscape": [{"category": None, "name": c, "subcategories": [
        {"subcategory": None, "name": s, "items": items[c][s]} for s in subs[c] if items[c][s]]}
        for c in CATEGORIES]}
    path = root / "landscape.yml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path, logos
