"""Chart planning: slabs, height sharing, the smallest-width search."""

from __future__ import annotations

import pytest

from renderer.model import Band
from renderer.plan import fill_rows, local_fill, make_slabs, row_shares, smallest


def test_slabs_cut_bands_at_the_split_and_cover_gaps() -> None:
    bands = (Band("a", "A", ("a",), 40, 100, 1), Band("b", "B", ("b",), 0, 20, 2))
    slabs = make_slabs(bands, 50)
    assert [(s.id, s.lo, s.hi) for s in slabs] == [("a/top", 50, 100), ("a/bottom", 40, 50),
                                                  ("open-20-40/bottom", 20, 40), ("b/bottom", 0, 20)]


def test_heights_are_proportional_when_every_need_fits() -> None:
    assert local_fill([10, 10, 10], [1, 2, 1], 400) == pytest.approx([100, 200, 100])


def test_a_full_slab_borrows_from_its_nearest_neighbours_only() -> None:
    heights = local_fill([10, 10, 10, 150, 10], [1, 1, 1, 1, 1], 500)
    assert sum(heights) == pytest.approx(500)
    assert heights[3] == pytest.approx(150)
    assert heights[0] == pytest.approx(100) and heights[1] == pytest.approx(100)  # far slabs untouched
    assert heights[2] + heights[4] == pytest.approx(150)


def test_needs_alone_when_they_exceed_the_total() -> None:
    assert local_fill([300, 300], [1, 1], 500) == [300, 300]


def test_smallest_finds_the_first_true_value() -> None:
    calls: list[int] = []

    def ok(k: int) -> bool:
        calls.append(k)
        return k >= 37

    assert smallest(0, 1000, ok) == 37 and len(calls) < 20
    assert smallest(0, 10, lambda k: False) is None


def test_row_shares_are_whole_rows_in_proportion() -> None:
    # 10 rows of 42 px after the 10 px caption: quotas 2.5, 5, 2.5 → the first remainder wins the spare row
    assert row_shares([1, 2, 1], [0, 0, 10], 430, 42) == pytest.approx([126, 210, 94])
    heights = row_shares([1, 2, 1], [0, 0, 0], 440, 42)
    assert sum(heights) == pytest.approx(440) and heights[-1] == pytest.approx(104)  # 2 rows + 20 px left over


def test_fill_rows_lends_whole_rows_from_the_nearest_spare() -> None:
    base = [84.0, 84.0, 84.0, 168.0]
    heights = fill_rows([42, 42, 126, 42], [0, 0, 0, 0], base, 42)
    assert heights == [84.0, 42.0, 126.0, 168.0]  # the neighbour above lends one row; the far slab keeps its own


def test_a_need_within_a_slabs_rows_changes_nothing() -> None:
    base = [84.0, 126.0, 84.0]
    assert fill_rows([42, 60, 42], [0, 0, 0], base, 42) == fill_rows([42, 100, 42], [0, 0, 0], base, 42) == base


def test_fill_rows_gives_up_when_rows_cannot_cover_the_needs() -> None:
    assert fill_rows([126, 84], [0, 0], [100.0, 100.0], 42) is None  # 3 + 2 rows wanted, 2 + 2 fit
