"""Layout engine: exactness on hand-made cases and on random ones (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renderer.layout import Box, NoFit, Placed, Region, lattice, overlaps, place, rows_needed, spread

GAP = 8.0


def inside(p: Placed, r: Region) -> bool:
    return r.x0 - 1e-6 <= p.x and p.x + p.w <= r.x1 + 1e-6 and r.y0 - 1e-6 <= p.y and p.y + p.h <= r.y1 + 1e-6


def test_single_card_lands_on_its_hint() -> None:
    region = Region("r", 0, 0, 400, 200)
    out = place([Box("a", 100, 30, hx=150, hy=100, region="r")], [region], GAP)
    assert out["a"].x == pytest.approx(100)
    assert out["a"].y + 15 == pytest.approx(100)


def test_dense_band_packs_rows_without_overlap() -> None:
    region = Region("band", 0, 0, 500, 150)
    boxes = [Box(f"c{i}", 110, 30, hx=250, hy=75, region="band") for i in range(12)]
    out = place(boxes, [region], GAP)
    assert overlaps(list(out.values()), GAP - 1e-6) == []
    assert all(inside(p, region) for p in out.values())
    rows = sorted({round(p.y, 3) for p in out.values()})
    assert rows_needed([b.w for b in boxes], 500, GAP) == 3  # 4 cards of 110 px + gaps fit in 500 px
    assert 3 <= len(rows) <= 4  # at least the rows needed, at most the 4 that fit in 150 px


def test_order_of_x_hints_is_kept_in_a_row() -> None:
    region = Region("r", 0, 0, 600, 40)
    hints = [300, 290, 310, 305, 295]
    boxes = [Box(f"c{i}", 80, 30, hx=h, hy=20, region="r") for i, h in enumerate(hints)]
    out = place(boxes, [region], GAP)
    by_hint = [f"c{i}" for i, _ in sorted(enumerate(hints), key=lambda t: t[1])]
    by_x = sorted(out, key=lambda k: out[k].x)
    assert by_x == by_hint
    assert overlaps(list(out.values()), GAP - 1e-6) == []


def test_row_solution_is_the_least_squares_optimum() -> None:
    # two intervals hinted at the same point: the row solver puts them symmetric around it
    starts = spread([500, 500], [100, 100], 0, 1000, 10)
    assert starts[0] + 100 + 10 == pytest.approx(starts[1])
    assert (starts[0] + 50 + starts[1] + 50) / 2 == pytest.approx(500)


def test_first_card_in_the_file_keeps_its_hint() -> None:
    """Placement goes in file order: the first of two cards hinted at one point sits on it."""
    region = Region("r", 0, 0, 1000, 40)
    out = place([Box("a", 100, 30, 500, 20, "r"), Box("b", 100, 30, 500, 20, "r")], [region], 10)
    assert out["a"].x == pytest.approx(450)
    assert out["b"].x == pytest.approx(560)


def test_cards_pushed_against_region_edge_stay_inside() -> None:
    region = Region("r", 100, 0, 400, 40)
    boxes = [Box(f"c{i}", 90, 30, hx=395, hy=20, region="r") for i in range(3)]
    out = place(boxes, [region], GAP)
    assert all(inside(p, region) for p in out.values())
    assert max(p.x + p.w for p in out.values()) == pytest.approx(400)


def test_wide_label_wider_than_region_fails_with_name() -> None:
    with pytest.raises(NoFit) as err:
        place([Box("huge", 500, 30, 100, 20, "r")], [Region("r", 0, 0, 300, 100)], GAP)
    assert "huge" in str(err.value)


def test_too_many_cards_report_missing_height() -> None:
    region = Region("r", 0, 0, 200, 70)
    boxes = [Box(f"c{i}", 150, 30, 100, 35, "r") for i in range(5)]
    with pytest.raises(NoFit) as err:
        place(boxes, [region], GAP)
    # 5 rows needed, 2 fit (30 + 8 + 30 = 68 ≤ 70): 3 rows of 38 px missing
    assert err.value.missing == pytest.approx(3 * 38)


def test_same_input_same_output() -> None:
    region = Region("r", 0, 0, 700, 300)
    boxes = [Box(f"c{i}", 60 + 7 * (i % 5), 30, 50 * (i % 13), 20 * (i % 11), "r") for i in range(40)]
    assert place(boxes, [region], GAP) == place(list(boxes), [region], GAP)


def test_appending_a_card_to_a_roomy_region_moves_no_other() -> None:
    """Placement goes in file order, so a project added at the end of the file leaves the others
    where they were."""
    region = Region("r", 0, 0, 800, 400)
    boxes = [Box(f"c{i}", 90, 30, 50 + 100 * (i % 7), 60 + 90 * (i % 3), "r") for i in range(8)]
    before = place(boxes, [region], GAP)
    after = place(boxes + [Box("new", 90, 30, 200, 110, "r")], [region], GAP)
    assert all(after[k] == v for k, v in before.items())
    assert overlaps(list(after.values()), GAP - 1e-6) == []


def test_rows_follow_y_hints() -> None:
    region = Region("r", 0, 0, 300, 300)
    out = place([Box("top", 100, 30, 150, 10, "r"), Box("bottom", 100, 30, 150, 290, "r")], [region], GAP)
    rows = lattice(region, 30, GAP)  # 8 rows of 38 px in 308 px: the block 2 px from each edge
    assert out["top"].y == pytest.approx(rows[0]) == pytest.approx(2)
    assert out["bottom"].y == pytest.approx(rows[-1]) and out["bottom"].y + 30 == pytest.approx(298)


cards = st.lists(
    st.tuples(st.floats(0, 100), st.floats(0, 100), st.integers(40, 260), st.sampled_from(["early", "mature"])),
    min_size=1, max_size=400)


@settings(max_examples=60, deadline=None)
@given(cards)
def test_random_cards_never_overlap_and_stay_in_their_quadrant(spec: list[tuple[float, float, int, str]]) -> None:
    chart = (0.0, 0.0, 1600.0, 1000.0)
    sx, sy = 800.0, 500.0
    quads = {
        "tl": Region("tl", 0, 0, sx - 6, sy - 6), "tr": Region("tr", sx + 6, 0, 1600, sy - 6),
        "bl": Region("bl", 0, sy + 6, sx - 6, 1000), "br": Region("br", sx + 6, sy + 6, 1600, 1000),
    }
    boxes = []
    for i, (x, y, w, _stage) in enumerate(spec):
        q = ("t" if y >= 50 else "b") + ("r" if x >= 50 else "l")
        boxes.append(Box(f"c{i}", float(w), 30.0, x * 16, 1000 - y * 10, q))
    regions = list(quads.values())
    height = 1000.0
    while True:
        try:
            out = place(boxes, regions, GAP)
            break
        except NoFit as exc:  # grow like the landscape builder does
            assert exc.missing > 0
            height += 200
            scale = height / 1000
            regions = [Region(r.id, r.x0, r.y0 * scale, r.x1, r.y1 * scale) for r in quads.values()]
            boxes = [Box(b.id, b.w, b.h, b.hx, b.hy * scale, b.region) for b in boxes]
    assert len(out) == len(boxes)
    assert overlaps(list(out.values()), GAP - 1e-6) == []
    by_id = {r.id: r for r in regions}
    for b in boxes:
        assert inside(out[b.id], by_id[b.region])
    assert chart[0] <= min(p.x for p in out.values())


names = st.text(alphabet=st.sampled_from(list("abcdefghijKLMNOP xyz-调度推理")), min_size=1, max_size=60)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100), names, st.booleans()), min_size=1, max_size=400))
def test_random_landscapes_through_the_builder(spec: list[tuple[float, float, str, bool]]) -> None:
    """Real label widths from the font, stages, no bands: every card placed exactly in its quadrant."""
    from renderer.records import replace as dc_replace

    from renderer.errors import Warnings
    from renderer.landscape import build_landscape
    from renderer.model import Dataset, Grow, Project, load_rules
    from renderer.text import TextEngine

    from .conftest import FIXTURES

    rules = load_rules(FIXTURES / "small-layout.yaml")
    rules = dc_replace(rules, bands=(), strips=(), grow=Grow(step=40, max_height=70000))
    projects = tuple(Project(name=f"{n.strip() or 'x'} {i}", slug=f"c{i}", group="app", stage="early" if e else "mature",
                             x=x, y=y, url=None, logo=None, tags=(), line=i) for i, (x, y, n, e) in enumerate(spec))
    engine = _ENGINE.setdefault("e", TextEngine())
    result = build_landscape(Dataset("<random>", "random", None, projects), rules, engine, FIXTURES / "logos",
                             Warnings())
    m = result.metrics
    assert m["overlaps"] == 0 and m["cards_outside"] == 0 and m["text_overflow"] == 0
    x0, y0, x1, y1 = result.chart
    sx, sy = result.split
    cards = {b.id: b for b in result.boxes if b.kind == "card"}
    assert len(cards) == len(projects)
    for p in projects:
        b = cards[p.slug]
        assert x0 - 0.01 <= b.x and b.x + b.w <= x1 + 0.01 and y0 - 0.01 <= b.y and b.y + b.h <= y1 + 0.01
        assert (b.x >= sx) == (p.x >= 50) and (b.y + b.h <= sy) == (p.y >= 50)


_ENGINE: dict[str, object] = {}


@settings(max_examples=80, deadline=None)
@given(st.floats(0, 500), st.floats(34, 400), st.integers(1, 5), st.sampled_from([-1, 1]))
def test_lattice_rows_stay_when_a_region_grows_by_whole_rows(y0: float, h: float, k: int, side: int) -> None:
    """A region that grows by k pitches (at its top or its bottom) keeps every row where it was."""
    pitch = 34 + GAP
    before = lattice(Region("r", 0, y0, 100, y0 + h), 34, GAP)
    grown = Region("r", 0, y0 - k * pitch if side < 0 else y0, 100, y0 + h + (k * pitch if side > 0 else 0))
    after = lattice(grown, 34, GAP)
    assert len(after) == len(before) + k
    assert all(any(abs(a - b) < 1e-6 for a in after) for b in before)


def test_a_card_appended_to_a_full_region_moves_only_its_row() -> None:
    """A card that finds no free stretch re-solves one row; the other rows stay."""
    region = Region("r", 0, 0, 400, 3 * (30 + GAP) - GAP)
    boxes = [Box(f"c{i}", 110, 30, 60 + 130 * (i % 3), 15 + 38 * (i // 3), "r") for i in range(9)]
    before = place(boxes, [region], GAP)
    after = place(boxes + [Box("new", 40, 30, 200, 15, "r")], [region], GAP)  # no stretch of 40 px is free
    moved = {k for k, v in before.items() if after[k] != v}
    assert moved and len({round(before[k].y) for k in moved}) == 1  # one row re-solved, the others stay
    assert overlaps(list(after.values()), GAP - 1e-6) == []


def test_overlaps_finds_exactly_the_pairs_closer_than_the_gap() -> None:
    """The sweep that every no-overlap check relies on agrees with comparing all pairs."""
    import random

    for seed in range(50):
        rng = random.Random(seed)
        boxes = [Placed(str(i), rng.uniform(0, 500), rng.uniform(0, 500), rng.uniform(5, 80),
                        rng.choice([20, 34, 50]), "") for i in range(60)]
        gap = rng.choice([0.0, 4.0, 8.0])
        every = {(a.id, b.id) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                 if a.x < b.x + b.w + gap - 1e-6 and b.x < a.x + a.w + gap - 1e-6
                 and a.y < b.y + b.h + gap - 1e-6 and b.y < a.y + a.h + gap - 1e-6}
        found = {tuple(sorted(p, key=int)) for p in overlaps(boxes, gap)}
        assert found == {tuple(sorted(p, key=int)) for p in every} and every, seed
