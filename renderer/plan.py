"""Chart planning (pure): which horizontal slabs the chart has, how tall each is drawn, where the
vertical split sits, and how wide the canvas must be. Knows no fonts and draws nothing.

The chart is a stack of *slabs*, top to bottom: each band's part above and below the horizontal
split (a band that straddles it gives two), and the stretches no band covers. A slab needs the
rows its fuller quadrant needs (``rows × pitch`` px) and at least the height of its band's label;
each slab starts with its share of the chart height in whole rows, in proportion to its nominal
hint range (``row_shares``), and a slab that needs more borrows whole rows from its nearest
neighbours with a spare row (``fill_rows``), so the rows of every slab stay on their lattice and a
growing band moves only the cards in the rows that change hands. When whole rows cannot cover the
needs, px are shared instead (``local_fill``). A card's y hint maps the slab's nominal range onto
its share of the chart (``SlabPx.hint_y``), moved into the drawn slab (``SlabPx.clamp_y``).
All lengths are px; hints are 0–100.
"""

from __future__ import annotations

import math

from typing import Callable

from .model import Band
from .records import record


@record
class Slab:
    """A horizontal stretch of the chart: a band's part above or below the split, or an uncovered
    stretch (``band`` None); ``lo``–``hi`` is its nominal y-hint range (0–100)."""

    id: str
    band: Band | None
    vert: str  # "top" | "bottom"
    lo: float
    hi: float
    sub: str | None = None  # subcategory caption of a sub-band
    caption: float = 0.0  # px reserved above the cards for the caption

    @property
    def span(self) -> float:
        """Nominal range (hint units)."""
        return self.hi - self.lo


def make_slabs(bands: tuple[Band, ...], split_y: float) -> list[Slab]:
    """Slabs top to bottom: bands cut at the split, gaps between bands as uncovered slabs."""
    pieces: list[tuple[float, float, Band | None]] = []
    cursor = 100.0
    for band in sorted(bands, key=lambda b: -b.y1):
        if band.y1 < cursor:
            pieces.append((band.y1, cursor, None))
        pieces.append((band.y0, band.y1, band))
        cursor = band.y0
    if cursor > 0:
        pieces.append((0.0, cursor, None))
    slabs: list[Slab] = []
    for lo, hi, band in pieces:
        name = band.id if band else f"open-{lo:g}-{hi:g}"
        for vert, a, b in (("top", max(lo, split_y), hi), ("bottom", lo, min(hi, split_y))):
            if b - a > 1e-9:
                slabs.append(Slab(id=f"{name}/{vert}", band=band, vert=vert, lo=a, hi=b))
    return slabs


def sub_slabs(slab: Slab, subs: list[str], caption: float) -> list[Slab]:
    """``slab`` cut into one captioned sub-band per subcategory, top to bottom, sharing its range."""
    k = len(subs)
    return [Slab(id=f"{slab.id}/{i}", band=slab.band, vert=slab.vert, lo=slab.lo + (k - 1 - i) / k * slab.span,
                 hi=slab.lo + (k - i) / k * slab.span, sub=name, caption=caption) for i, name in enumerate(subs)]


def local_fill(needs: list[float], spans: list[float], total: float) -> list[float]:
    """Heights (px) summing to ``total``: each slab starts at its proportional share of ``total``;
    a slab that needs more borrows it from the nearest slabs with spare (above and below in turn,
    nearest first). So one band growing moves only the slabs between it and its lender — small
    edits move few cards. Needs alone when they exceed ``total``."""
    if sum(needs) >= total - 1e-9:
        return list(needs)
    heights = shares(spans, total)
    spare = [h - n for h, n in zip(heights, needs)]
    for i in range(len(heights)):
        short = needs[i] - heights[i]
        d = 1
        while short > 1e-9 and d < len(heights):
            for j in (i - d, i + d):
                if 0 <= j < len(heights) and spare[j] > 1e-9 and short > 1e-9:
                    take = min(spare[j], short)
                    spare[j] -= take
                    heights[j] -= take
                    heights[i] += take
                    short -= take
            d += 1
    return heights


def shares(spans: list[float], total: float) -> list[float]:
    """Each slab's share (px) of ``total`` in proportion to its nominal range: the heights the
    layout's author drew, and where every card is hinted (``SlabPx.hint_y``)."""
    weight = sum(spans) or 1.0
    return [total * sp / weight for sp in spans]


def row_shares(spans: list[float], caps: list[float], total: float, pitch: float) -> list[float]:
    """``shares`` in whole rows: each slab gets its caption (px) plus rows of ``pitch`` px in
    proportion to its nominal range (largest remainders), the last slab the px left over. Depends
    only on the layout and the chart height, never on the cards."""
    rows = max(0, math.floor((total - sum(caps)) / pitch + 1e-6))
    quota = shares(spans, rows)
    whole = [math.floor(q + 1e-9) for q in quota]
    order = sorted(range(len(quota)), key=lambda i: (-(quota[i] - whole[i]), i))
    for i in order[:rows - sum(whole)]:
        whole[i] += 1
    heights = [c + k * pitch for c, k in zip(caps, whole)]
    if heights:
        heights[-1] += total - sum(heights)
    return heights


def fill_rows(needs: list[float], caps: list[float], base: list[float], pitch: float,
              cards: list[int] | None = None) -> list[float] | None:
    """Heights (px) that start at ``base`` and change by whole rows only: a slab short of rows for
    its need borrows rows (``pitch`` px each), one at a time, from the slab with a spare row whose
    lending moves the fewest cards (``cards`` per slab: every slab in between shifts by a row, the
    lender loses one of its rows), the nearest on a tie. Rows on the lattice of a slab that moves or
    grows by whole rows stay where they were, so a card added to one band moves few others. ``caps``
    are the px above the rows (sub-band captions). None when whole rows cannot cover every need."""
    eps = 1e-6
    want = [max(0, math.ceil((n - c) / pitch - eps)) for n, c in zip(needs, caps)]
    have = [max(0, math.floor((h - c) / pitch + eps)) for h, c in zip(base, caps)]
    weight = cards or [0] * len(base)
    heights = list(base)
    for i in range(len(heights)):
        while have[i] < want[i]:
            lenders = [j for j in range(len(heights)) if j != i and have[j] > want[j]]
            if not lenders:
                return None

            def moved(j: int) -> tuple[float, int, int]:
                between = sum(weight[min(i, j) + 1:max(i, j)])
                return between + weight[j] / max(1, have[j]), abs(i - j), j

            j = min(lenders, key=moved)
            have[j] -= 1
            heights[j] -= pitch
            have[i] += 1
            heights[i] += pitch
    return heights


def smallest(lo: int, hi: int, ok: Callable[[int], bool]) -> int | None:
    """Smallest integer k in [lo, hi] with ``ok(k)`` (``ok`` monotone), or None: probes lo, lo + 1,
    lo + 3, … then bisects, so small answers cost few calls."""
    if not ok(hi):
        return None
    step = 1
    while lo < hi:
        probe = min(hi, lo + step - 1)
        if ok(probe):
            hi = probe
            break
        lo, step = probe + 1, step * 2
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


@record
class SlabPx:
    """A slab as drawn: top and bottom (px)."""

    slab: Slab
    top: float
    bottom: float

    def hint_y(self, y: float, card_h: float, half_gap: float) -> float:
        """Centre (px) of a card hinted at ``y`` (clamped to the slab's range)."""
        lo_c = self.bottom - half_gap - card_h / 2
        hi_c = self.top + self.slab.caption + half_gap + card_h / 2
        if lo_c < hi_c:
            return (lo_c + hi_c) / 2
        s = self.slab
        t = 0.5 if s.span <= 0 else (min(max(y, s.lo), s.hi) - s.lo) / s.span
        return lo_c - t * (lo_c - hi_c)

    def clamp_y(self, cy: float, card_h: float, half_gap: float) -> float:
        """``cy`` (px) moved into the range a card centre can take in this slab."""
        lo_c = self.bottom - half_gap - card_h / 2
        hi_c = self.top + self.slab.caption + half_gap + card_h / 2
        return (lo_c + hi_c) / 2 if lo_c < hi_c else min(max(cy, hi_c), lo_c)


def stack(slabs: list[Slab], heights: list[float], y0: float, split_gap: float) -> list[SlabPx]:
    """Slabs placed top to bottom from ``y0`` (px), ``split_gap`` px between top and bottom slabs."""
    out: list[SlabPx] = []
    y = y0
    for i, (slab, h) in enumerate(zip(slabs, heights)):
        if i and slab.vert == "bottom" and slabs[i - 1].vert == "top":
            y += split_gap
        out.append(SlabPx(slab, y, y + h))
        y += h
    return out
