"""Exactness at scale: 3,000 cards, zero overlaps, every card in its band and quadrant."""

from __future__ import annotations

import random

from renderer.errors import Warnings
from renderer.landscape import build_landscape
from renderer.layout import Placed, overlaps
from renderer.model import Dataset, Grow, Project, load_rules, slugify
from renderer.records import replace

from .conftest import ROOT


def test_three_thousand_cards_are_placed_exactly(engine) -> None:
    rules = replace(load_rules(ROOT / "layouts" / "ai-infra.yaml", "en"), grow=Grow(step=40, max_height=80000))
    rng = random.Random(3000)
    projects = []
    for i in range(3000):
        y = rng.uniform(0, 99.99)
        band = next(b for b in rules.bands if b.y0 <= y < b.y1)
        name = f"{rng.choice(['Kube', 'Serve', 'Ray', 'Mesh'])} {'x' * rng.randint(0, 25)} {i}"
        projects.append(Project(name=name, slug=slugify(name), group=rng.choice(band.groups),
                                stage=rng.choice(["early", "mature"]), x=rng.uniform(0, 100), y=y, url=None,
                                logo=None, tags=(), line=i))
    data = Dataset(path="<3000>", title="3000", subtitle=None, projects=tuple(projects))
    result = build_landscape(data, rules, engine, ROOT / "logos", Warnings())
    m = result.metrics
    assert m["cards"] == 3000 and m["overlaps"] == 0 and m["cards_outside"] == 0 and m["text_overflow"] == 0
    cards = [b for b in result.boxes if b.kind == "card"]
    assert overlaps([Placed(b.id, b.x, b.y, b.w, b.h, "") for b in cards], 0) == []
    x0, y0, x1, y1 = result.chart
    sx, sy = result.split
    by_id = {p.slug: p for p in projects}
    for b in cards:
        p = by_id[b.id]
        e = 0.005  # the report rounds to 0.01 px
        assert x0 - e <= b.x and b.x + b.w <= x1 + e and y0 - e <= b.y and b.y + b.h <= y1 + e
        assert (b.x >= sx) == (p.x >= 50) and (b.y + b.h <= sy) == (p.y >= 50)  # its quadrant
        assert b.band == next(bd.label for bd in rules.bands if p.group in bd.groups)
