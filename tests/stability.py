"""Layout stability on the default data: add projects (names, groups, stages and positions drawn
at random, seeded; groups chosen in proportion to the cards they hold, as landscapes grow) at the
end of the file, after their group's projects, among them (a file sorted by name), or anywhere
in it — or remove projects at random; render again, and count the unchanged cards whose box moved
by more than 0.5 px (``renderer.diff.STABLE_PX``, as ``landscape diff`` reports)."""

from __future__ import annotations

import random
from pathlib import Path

from renderer.diff import STABLE_PX
from renderer.errors import Warnings
from renderer.landscape import build_landscape
from renderer.model import Dataset, LayoutRules, load_dataset, load_rules, slugify
from renderer.records import replace
from renderer.text import TextEngine

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("Flux Orca Nimbus Quill Vega Atlas Helix Ember Koi Lumen Pike Rook Sable Tern Umbra Wisp Yarrow "
         "Zephyr Basalt Cobalt Delta Fern Gale").split()


def with_additions(data: Dataset, rules: LayoutRules, seed: int, n: int, where: str = "end") -> Dataset:
    """``data`` with ``n`` new projects: at the end of the file (``end``), after the last project
    of their group (``group``, as a maintainer edits a file kept in sections), among their group's
    projects (``within``, a section kept sorted by name), or anywhere (``any``)."""
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
        if where == "any":
            at = rnd.randrange(len(projects) + 1)
        elif where == "group":
            at = max(i for i, p in enumerate(projects) if p.group == model.group) + 1
        elif where == "within":
            at = rnd.choice([i for i, p in enumerate(projects) if p.group == model.group])
        else:
            at = len(projects)
        projects.insert(at, new)
    return replace(data, projects=tuple(projects))


def with_removals(data: Dataset, seed: int, n: int) -> Dataset:
    """``data`` without ``n`` of its projects, drawn at random (seeded)."""
    gone = set(random.Random(seed).sample(range(len(data.projects)), n))
    return replace(data, projects=tuple(p for i, p in enumerate(data.projects) if i not in gone))


def moved_counts(seeds: range, n: int = 10, where: str = "end") -> tuple[int, list[int]]:
    """(cards before, unchanged cards moved per seed) for ``n`` additions to the default data
    (``where`` as ``with_additions``), or ``n`` removals (``where="removed"``)."""
    data = load_dataset(ROOT / "data" / "ai-infra.yaml")
    rules = load_rules(ROOT / "layouts" / "ai-infra.yaml")
    engine = TextEngine()

    def boxes(d: Dataset) -> dict[str, tuple[float, float]]:
        result = build_landscape(d, rules, engine, ROOT / "logos", Warnings())
        return {b.id: (b.x, b.y) for b in result.boxes if b.kind == "card"}

    before = boxes(data)
    counts = []
    for seed in seeds:
        changed = with_removals(data, seed, n) if where == "removed" else with_additions(data, rules, seed, n, where)
        after = boxes(changed)
        counts.append(sum(1 for k, (x, y) in after.items()
                          if k in before and (abs(before[k][0] - x) > STABLE_PX or abs(before[k][1] - y) > STABLE_PX)))
    return len(before), counts
