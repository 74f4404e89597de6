"""Layout engine: boxes in, positions out; draws nothing, knows no fonts.

Placement is exact by construction. Each card belongs to one rectangular *region*
(its category band cut by the quadrant its hints name). A region holds a *row lattice*: rows of
fixed pitch (card height + gap) at fixed offsets from its edge, so a region that grows or moves
by whole rows keeps its rows where they were. Cards are placed one at a time in input (file)
order, so a card added at the end of the file never moves an earlier one: each takes the
stretch of a row between the cards hinted left and right of it that lies nearest its hint; when
no row has a stretch wide enough, it goes between those cards in the row where pushing its
neighbours aside (each only as far as it must) costs least, so few placed cards move. Should no
row take some card, cards are assigned to rows by dynamic programming over the cards sorted by
y hint (contiguous runs, each fitting the row width), which always succeeds when the region holds
the rows ``rows_needed`` counts; each row then solves ``min Σ (x_i − hint_i)²`` subject to
``x_{i+1} ≥ x_i + w_i + gap`` and the region bounds (with ``z_i = x_i − offset_i`` isotonic
regression, solved exactly by pool-adjacent-violators and clamping). The order of x hints in a row
is kept, no two cards overlap, every card lies inside its region, and the same input always
gives the same output. When a region is too small the engine raises ``NoFit`` with the missing
height; the caller grows the chart or reports it.
All coordinates are px, y down.
"""

from __future__ import annotations

import bisect
import math

from .records import record


@record
class Box:
    """A card to place: size and hinted centre (px) inside region ``region``."""

    id: str
    w: float
    h: float
    hx: float
    hy: float
    region: str


@record
class Region:
    """A rectangle (px) that holds some boxes."""

    id: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        """Width, px."""
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        """Height, px."""
        return self.y1 - self.y0


@record
class Placed:
    """A placed box: top-left corner and size (px)."""

    id: str
    x: float
    y: float
    w: float
    h: float
    region: str


MOVE_COST = 40.0 ** 2  # px²: moving a placed card aside costs as much as a card 40 px from its hint
EXACT_ROW_COST = 40  # regions with at most this many cards weigh horizontal crowding when choosing rows


class NoFit(Exception):
    """Region ``region`` lacks ``missing`` px of height (or a box is wider than it)."""

    def __init__(self, region: str, missing: float, reason: str) -> None:
        super().__init__(f"region {region!r}: {reason}")
        self.region = region
        self.missing = missing
        self.reason = reason


def place(boxes: list[Box], regions: list[Region], gap: float) -> dict[str, Placed]:
    """Place every box inside its region with at least ``gap`` px between boxes."""
    by_region: dict[str, list[Box]] = {r.id: [] for r in regions}
    for box in boxes:
        if box.region not in by_region:
            raise ValueError(f"box {box.id!r} names unknown region {box.region!r}")
        by_region[box.region].append(box)
    placed: dict[str, Placed] = {}
    for region in regions:
        members = by_region[region.id]
        if members:
            for p in _place_region(members, region, gap):
                placed[p.id] = p
    return placed


def _place_region(boxes: list[Box], region: Region, gap: float) -> list[Placed]:
    """The row lattice in file order; rows by dynamic programming (always exact when the region is
    tall enough) when the lattice finds no row for some card."""
    return _place_lattice(boxes, region, gap) or _place_rows(boxes, region, gap)


def lattice(region: Region, row_h: float, gap: float) -> list[float]:
    """Row tops (px) of ``region``: as many rows of pitch ``row_h + gap`` as fit, the block centred,
    so the rows sit at the same offsets whenever the region's height changes by whole pitches."""
    pitch = row_h + gap
    span = region.height + gap
    n = int(math.floor(span / pitch + 1e-9))
    if n < 1:
        return []
    rest = max(span - n * pitch, 0.0)
    return [region.y0 + rest / 2 + k * pitch for k in range(n)]


def _place_lattice(boxes: list[Box], region: Region, gap: float) -> list[Placed] | None:
    """Each box in file order on the row lattice: in each row, the stretch between the cards hinted
    left and right of it; the nearest to its hint wins. When no row has a stretch wide enough, the
    row where pushing its neighbours aside costs least takes it (``_push_in``: few cards move).
    Rows keep the order of x hints (each row is kept sorted by hint). None when no row can take
    some box."""
    row_h = max(b.h for b in boxes)
    tops = lattice(region, row_h, gap)
    if not tops or any(b.w > region.width + 1e-9 for b in boxes):
        return None
    keys: list[list[tuple[float, str]]] = [[] for _ in tops]  # per row, the hint keys in order
    rows: list[list[tuple[float, Box]]] = [[] for _ in tops]  # per row, (left edge px, box) in that order
    for b in boxes:
        tx, mine = b.hx - b.w / 2, (b.hx, b.id)
        best: tuple[float, int, float] | None = None
        for k, top in enumerate(tops):
            dy = (top + row_h / 2 - b.hy) ** 2
            if best is not None and dy >= best[0]:
                continue
            row, at = rows[k], bisect.bisect_left(keys[k], mine)
            lo = row[at - 1][0] + row[at - 1][1].w + gap if at else region.x0
            hi = (row[at][0] if at < len(row) else region.x1 + gap) - gap - b.w
            if hi >= lo - 1e-9:
                cx = min(max(tx, lo), hi)
                cost = dy + (cx - tx) ** 2
                if best is None or cost < best[0] - 1e-9:
                    best = (cost, k, cx)
        if best is not None:
            k = best[1]
            at = bisect.bisect_left(keys[k], mine)
            keys[k].insert(at, mine)
            rows[k].insert(at, (best[2], b))
            continue
        pushed: tuple[float, int, list[tuple[float, Box]]] | None = None
        for k in sorted(range(len(tops)), key=lambda i: (abs(tops[i] + row_h / 2 - b.hy), i)):
            dy = (tops[k] + row_h / 2 - b.hy) ** 2
            if pushed is not None and dy >= pushed[0] - 1e-9:
                break  # a push never costs less than its row's vertical distance
            got = _push_in(rows[k], bisect.bisect_left(keys[k], mine), b, region, gap)
            if got is not None and (pushed is None or got[0] + dy < pushed[0] - 1e-9
                                    or (abs(got[0] + dy - pushed[0]) <= 1e-9 and k < pushed[1])):
                pushed = (got[0] + dy, k, got[1])
        if pushed is None:
            return None
        k = pushed[1]
        keys[k].insert(bisect.bisect_left(keys[k], mine), mine)
        rows[k] = pushed[2]
    return [Placed(id=o.id, x=x, y=top + (row_h - o.h) / 2, w=o.w, h=o.h, region=region.id)
            for top, row in zip(tops, rows) for x, o in row]


def _push_in(row: list[tuple[float, Box]], at: int, b: Box, region: Region, gap: float
             ) -> tuple[float, list[tuple[float, Box]]] | None:
    """``b`` put into ``row`` ((left edge px, box) in hint order) at index ``at``, between the cards
    hinted left and right of it, its neighbours pushed aside only as far as it needs, so as few
    cards as possible move: the push that costs least (``MOVE_COST`` per card moved, plus the change
    in Σ (x − hint)², px²). The row with ``b`` in it, or None when the row is too full."""
    left, right = row[:at][::-1], row[at:]
    lo = left[0][0] + left[0][1].w + gap if left else region.x0
    hi = right[0][0] - gap - b.w if right else region.x1 - b.w
    deficit = lo - hi
    # push thresholds: the k-th card on a side moves once the push exceeds the slack before it
    tl, acc = [0.0], 0.0
    for (x, _), (xn, on) in zip(left, left[1:]):
        acc += x - (xn + on.w + gap)
        tl.append(acc)
    room_l = (left[-1][0] - region.x0 + acc) if left else 0.0
    tr, acc = [0.0], 0.0
    for (x, o), (xn, _) in zip(right, right[1:]):
        acc += xn - (x + o.w + gap)
        tr.append(acc)
    room_r = (region.x1 - right[-1][0] - right[-1][1].w + acc) if right else 0.0
    d_min, d_max = max(0.0, deficit - room_r), min(deficit, room_l)
    if d_min > d_max + 1e-9:
        return None
    tx = b.hx - b.w / 2
    candidates = {d_min, d_max, min(max(lo - tx, d_min), d_max)}
    candidates.update(t for t in tl if d_min <= t <= d_max)
    candidates.update(deficit - t for t in tr if d_min <= deficit - t <= d_max)
    best: tuple[float, float] | None = None
    for d in sorted(candidates):
        x_new = lo - d
        cost = (x_new - tx) ** 2 + _push_cost(left, x_new - gap, -1.0, gap) \
            + _push_cost(right, x_new + b.w + gap, 1.0, gap)
        if best is None or cost < best[0] - 1e-9:
            best = (cost, d)
    assert best is not None
    cost, d = best
    x_new = lo - d
    pushed = _pushed(left, x_new - gap, -1.0, gap)[::-1] + [(x_new, b)]
    return cost, pushed + _pushed(right, x_new + b.w + gap, 1.0, gap)


def _push_cost(side: list[tuple[float, Box]], edge: float, sign: float, gap: float) -> float:
    """Cost (px²) of pushing ``side`` (cards nearest first) away from ``edge``: ``MOVE_COST`` per
    card moved plus the change in its squared distance from its hint."""
    return sum(MOVE_COST + (nx + o.w / 2 - o.hx) ** 2 - (x + o.w / 2 - o.hx) ** 2
               for x, o, nx in _chain(side, edge, sign, gap))


def _pushed(side: list[tuple[float, Box]], edge: float, sign: float, gap: float) -> list[tuple[float, Box]]:
    """``side`` (cards nearest first) after pushing it away from ``edge`` (px)."""
    moved = [(nx, o) for _, o, nx in _chain(side, edge, sign, gap)]
    return moved + side[len(moved):]


def _chain(side: list[tuple[float, Box]], edge: float, sign: float, gap: float) -> list[tuple[float, Box, float]]:
    """The cards of ``side`` (nearest first) that a push to ``edge`` (px; ``sign`` −1 leftwards,
    +1 rightwards) moves, with their new left edges: the push stops at the first card it misses."""
    out: list[tuple[float, Box, float]] = []
    for x, o in side:
        nx = min(x, edge - o.w) if sign < 0 else max(x, edge)
        if abs(nx - x) <= 1e-9:
            break
        out.append((x, o, nx))
        edge = nx - gap if sign < 0 else nx + o.w + gap
    return out


def _place_rows(boxes: list[Box], region: Region, gap: float) -> list[Placed]:
    width, height = region.width, region.height
    row_h = max(b.h for b in boxes)
    for b in boxes:
        if b.w > width + 1e-9:
            raise NoFit(region.id, 0.0, f"card {b.id!r} is {b.w:.0f} px wide but the region is only "
                                        f"{width:.0f} px wide")
    pitch = row_h + gap
    nrows = int(math.floor((height - row_h) / pitch + 1e-9)) + 1 if height + 1e-9 >= row_h else 0
    ordered = sorted(boxes, key=lambda b: (b.hy, b.hx, b.id))
    needed = rows_needed([b.w for b in ordered], width, gap)
    if needed > nrows:
        missing = (needed - nrows) * pitch if nrows else row_h - height + (needed - 1) * pitch
        raise NoFit(region.id, missing, f"{len(boxes)} cards need {needed} rows of {row_h:.0f} px, "
                                        f"{nrows} fit in {height:.0f} px")
    if nrows == 1:
        mean = sum(b.hy for b in boxes) / len(boxes)
        tops = [min(max(mean - row_h / 2, region.y0), region.y1 - row_h)]
    else:
        step = (height - row_h) / (nrows - 1)
        tops = [region.y0 + i * step for i in range(nrows)]
    across = _row_costs(ordered, region.x0, region.x1, gap) if len(ordered) <= EXACT_ROW_COST else None
    groups = [g for g in _assign_rows(ordered, [t + row_h / 2 for t in tops], width, gap, across) if g]
    # each used row then moves towards its cards' mean hint, rows still a pitch apart, inside the region
    tops = spread([sum(b.hy for b in g) / len(g) for g in groups], [row_h] * len(groups), region.y0, region.y1, gap)
    out: list[Placed] = []
    for top, members in zip(tops, groups):
        row = sorted(members, key=lambda b: (b.hx, b.id))
        xs = _solve_row(row, region.x0, region.x1, gap)
        for b, x in zip(row, xs):
            out.append(Placed(id=b.id, x=x, y=top + (row_h - b.h) / 2, w=b.w, h=b.h, region=region.id))
    return out


def rows_needed(widths: list[float], width: float, gap: float) -> int:
    """Fewest rows (each ``width`` px) for contiguous runs of boxes of these widths, in this order
    (first fit in order is optimal)."""
    rows, used = 0, None
    for w in widths:
        if used is None or used + gap + w > width + 1e-9:
            rows += 1
            used = w
        else:
            used += gap + w
    return rows


def _row_costs(ordered: list[Box], x0: float, x1: float, gap: float) -> list[list[float]]:
    """``cost[a][i]``: Σ (x − hint)² (px²) of the best placement of ``ordered[a:i]`` in one row."""
    n = len(ordered)
    cost = [[0.0] * (n + 1) for _ in range(n + 1)]
    for a in range(n):
        for i in range(a + 1, n + 1):
            row = sorted(ordered[a:i], key=lambda b: (b.hx, b.id))
            if sum(b.w for b in row) + gap * (len(row) - 1) > x1 - x0 + 1e-9:
                break
            xs = _solve_row(row, x0, x1, gap)
            cost[a][i] = sum((x + b.w / 2 - b.hx) ** 2 for b, x in zip(row, xs))
    return cost


def _assign_rows(ordered: list[Box], centers: list[float], width: float, gap: float,
                 across: list[list[float]] | None = None) -> list[list[Box]]:
    """Split ``ordered`` into contiguous runs, one per row, minimising Σ (row centre − hint)²,
    plus each run's horizontal cost ``across[a][i]`` (px²) when given."""
    n, nrows = len(ordered), len(centers)
    s1 = [0.0] * (n + 1)
    s2 = [0.0] * (n + 1)
    sw = [0.0] * (n + 1)
    for i, b in enumerate(ordered):
        s1[i + 1] = s1[i] + b.hy
        s2[i + 1] = s2[i] + b.hy * b.hy
        sw[i + 1] = sw[i] + b.w
    # lowest start a of a run ending at i that still fits one row
    lo = [0] * (n + 1)
    a = 0
    for i in range(1, n + 1):
        while sw[i] - sw[a] + gap * (i - a - 1) > width + 1e-9:
            a += 1
        lo[i] = a
    inf = math.inf
    prev = [0.0] + [inf] * n
    choice: list[list[int]] = []
    for j in range(nrows):
        c = centers[j]
        cur = prev[:]  # row j left empty
        pick = list(range(n + 1))
        for i in range(1, n + 1):
            best, arg = cur[i], i
            for start in range(i - 1, lo[i] - 1, -1):
                base = prev[start]
                if base == inf:
                    continue
                k = i - start
                cost = base + k * c * c - 2 * c * (s1[i] - s1[start]) + (s2[i] - s2[start])
                if across is not None:
                    cost += across[start][i]
                if cost < best - 1e-9:
                    best, arg = cost, start
            cur[i], pick[i] = best, arg
        choice.append(pick)
        prev = cur
    if prev[n] == inf:
        raise AssertionError("row assignment infeasible after the greedy check")
    runs: list[list[Box]] = [[] for _ in range(nrows)]
    i = n
    for j in range(nrows - 1, -1, -1):
        start = choice[j][i]
        runs[j] = ordered[start:i]
        i = start
    return runs


def _solve_row(row: list[Box], x0: float, x1: float, gap: float) -> list[float]:
    """Left edges minimising Σ (x − hinted left)² with order, gaps and bounds kept."""
    offsets, acc = [], 0.0
    for b in row:
        offsets.append(acc)
        acc += b.w + gap
    targets = [b.hx - b.w / 2 - off for b, off in zip(row, offsets)]
    z = _isotonic(targets)
    upper = x1 - (offsets[-1] + row[-1].w)
    z = [min(max(v, x0), upper) for v in z]
    return [v + off for v, off in zip(z, offsets)]


def spread(centres: list[float], sizes: list[float], lo: float, hi: float, gap: float) -> list[float]:
    """1-D placement (px): starts of intervals near their hinted centres, in order, ``gap`` apart,
    inside [lo, hi] — the same exact least-squares solver as a row of cards."""
    order = sorted(range(len(centres)), key=lambda i: (centres[i], i))
    row = [Box(str(i), sizes[i], 0.0, centres[i], 0.0, "") for i in order]
    starts = _solve_row(row, lo, hi, gap) if row else []
    out = [0.0] * len(centres)
    for i, start in zip(order, starts):
        out[i] = start
    return out


def _isotonic(values: list[float]) -> list[float]:
    """Non-decreasing least-squares fit (pool adjacent violators)."""
    means: list[float] = []
    counts: list[int] = []
    for v in values:
        means.append(v)
        counts.append(1)
        while len(means) > 1 and means[-2] > means[-1]:
            m2, c2 = means.pop(), counts.pop()
            m1, c1 = means.pop(), counts.pop()
            means.append((m1 * c1 + m2 * c2) / (c1 + c2))
            counts.append(c1 + c2)
    out: list[float] = []
    for m, c in zip(means, counts):
        out.extend([m] * c)
    return out


def overlaps(placed: list[Placed], gap: float = 0.0) -> list[tuple[str, str]]:
    """Pairs of boxes closer than ``gap`` px (sweep down the rows; for checks and reports)."""
    items = sorted(placed, key=lambda p: (p.y, p.x, p.id))
    active: list[Placed] = []
    pairs: list[tuple[str, str]] = []
    eps = 1e-6
    for p in items:
        if active and active[0].y + active[0].h + gap <= p.y + eps:
            active = [a for a in active if a.y + a.h + gap > p.y + eps]
        for a in active:
            if a.x < p.x + p.w + gap - eps and p.x < a.x + a.w + gap - eps and a.y + a.h + gap > p.y + eps:
                pairs.append((a.id, p.id))
        active.append(p)
    return pairs
