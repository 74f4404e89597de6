"""Layout stability on the default data: add projects (names, groups, stages and positions drawn
at random, seeded; groups chosen in proportion to the cards they hold, as landscapes grow) at the
end of the file or at random places in it, render again, and count the unchanged cards whose box
moved by more than 0.5 px (``renderer.diff.STABLE_PX``, as ``landscape diff`` reports)."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from renderer.diff import STABLE_PX
from renderer.errors import Warnings
from renderer.landscape import build_landscape
from renderer.model import Dataset, LayoutRules, load_dataset, load_rules, slugify
from renderer.text import TextEngine

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("Flux Orca Nimbus Quill Vega Atlas Helix Ember Koi Lumen Pike Rook Sable Tern Umbra Wisp Yarrow "
         "Zephyr Basalt Cobalt Delta Fern Gale").split()


def with_additions(data: Dataset, rules: LayoutRules, seed: int, n: int, anywhere: bool) -> Dataset:
    """``data`` with ``n`` new projects, appended (or inserted at random places when ``anywhere``)."""
    band_of = {g: b for b in rules.bands for g in b.groups}
    rnd = random.Random(seed)
    projects = list(data.projects)
    for k in range(n):
        model = rnd.choice(data.projects)
        band = band_of.get(model.group)
        name = rnd.choice(WORDS) + rnd.choice(["", " Serve", "DB", " Runtime", " Mesh", "-X"]) + str(k)
        new = replace(model, name=name, slug=slugify(name), x=rnd.uniform(3, 97),
                      y=rnd.uniform(band.y0 + 1, band.y1 - 1) if band else model.y,
                      stage=rnd.choice(["early", "mature"]), logo=None, url=None, line=9000 + k)
        projects.insert(rnd.randrange(len(projects) + 1) if anywhere else len(projects), new)
    return replace(data, projects=tuple(projects))


def moved_counts(seeds: range, n: int = 10, anywhere: bool = False) -> tuple[int, list[int]]:
    """(cards before, unchanged cards moved per seed) for ``n`` additions to the default data."""
    data = load_dataset(ROOT / "data" / "ai-infra.yaml")
    rules = load_rules(ROOT / "layouts" / "ai-infra.yaml")
    engine = TextEngine()

    def boxes(d: Dataset) -> dict[str, tuple[float, float]]:
        result = build_landscape(d, rules, engine, ROOT / "logos", Warnings())
        return {b.id: (b.x, b.y) for b in result.boxes if b.kind == "card"}

    before = boxes(data)
    counts = []
    for seed in seeds:
        after = boxes(with_additions(data, rules, seed, n, anywhere))
        counts.append(sum(1 for k, (x, y) in before.items()
                          if abs(after[k][0] - x) > STABLE_PX or abs(after[k][1] - y) > STABLE_PX))
    return len(before), counts
