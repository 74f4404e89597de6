"""Landscape scene builder: model + text metrics → plan → layout engine → frozen scene.

The steps, each in its own module: ``cards`` measures every card, ``plan`` sizes the chart's
slabs by demand and chooses the canvas, ``frame`` places the title/axes/legend around the
chart, ``layout.place`` positions the cards exactly, ``paint`` turns it all into scene nodes.
This module orchestrates them and reports. All lengths are px; hints are 0–100.
"""

from __future__ import annotations

import math
from pathlib import Path

from .cards import CardMeasurer, CardSpec
from .errors import LayoutError, Warnings
from .frame import SPLIT_GAP, Frame, FrameGeometry
from .layout import Box, NoFit, Placed, Region, overlaps, place, rows_needed
from .model import LIGHT, Band, Dataset, LayoutRules, Project, Theme, check_groups
from .paint import Painter
from .plan import Slab, SlabPx, fill_rows, local_fill, make_slabs, row_shares, shares, smallest, stack, sub_slabs
from .records import factory, record, replace
from .scene import Group, Node, Scene
from .text import TextEngine

SPLIT_CHOICES = tuple(f / 100 for f in range(20, 81, 5))  # vertical split positions tried (fraction of width)
SUB_BAND_MIN = 12  # with chart.sub_bands: auto, a band part is cut into sub-bands from this many cards
SUB_BAND_FILL = 0.7  # … when each subcategory fills this share of a row
SPLIT_SAVING = 0.15  # the split leaves its nominal place only when that saves this share of chart height
TARGET_DRIFT = 2  # a slab drawn more than this many rows from its share hints its cards in the drawn slab


@record
class BoxReport:
    """One drawn box for ``--report``: where it is, where it was hinted, how far it moved."""

    kind: str
    id: str
    x: float
    y: float
    w: float
    h: float
    hint_x: float | None
    hint_y: float | None
    hint_px: tuple[float, float] | None
    displacement: float | None
    quadrant: str | None
    band: str | None
    font_size: float | None = None  # px, em size of the box's text
    lines: tuple[str, ...] | None = None  # label lines of a card


@record
class Result:
    """A built landscape: the scene, every box, and the quality metrics."""

    scene: Scene
    boxes: tuple[BoxReport, ...]
    metrics: dict[str, float | int]
    chart: tuple[float, float, float, float]  # inner chart area x0, y0, x1, y1 (px)
    split: tuple[float, float]  # split lines x, y (px)
    split_x: float = 50.0  # the split's x hint (0–100)
    # group id -> drawn slabs of its band: (lo, hi hint, top px, bottom px)
    band_extents: dict[str, tuple[tuple[float, float, float, float], ...]] = factory(dict)
    # group id -> the slabs its cards are hinted in, as band_extents (the layout's own proportions)
    hint_extents: dict[str, tuple[tuple[float, float, float, float], ...]] = factory(dict)
    card_h: float = 34.0  # px
    gap: float = 8.0  # px

    def band_span(self, group: str) -> tuple[float, float] | None:
        """Drawn top and bottom (px) of the band holding ``group``, or None (strip, no bands)."""
        slabs = self.band_extents.get(group)
        return (min(s[2] for s in slabs), max(s[3] for s in slabs)) if slabs else None

    def hint_to_px(self, group: str, x: float, y: float) -> tuple[float, float]:
        """Canvas point (px) where this layout puts the centre of a card of ``group`` hinted at
        (x, y) 0–100."""
        x0, y0, x1, y1 = self.chart
        px = _map_x(x, self.split_x, x0, self.split[0], x1)
        slabs = self.band_extents.get(group)
        if not slabs:
            return px, y1 - y / 100 * (y1 - y0)
        yc = min(max(y, min(s[0] for s in slabs)), max(s[1] for s in slabs))
        half = self.gap / 2
        for (lo, hi, top, bottom), (_, _, ttop, tbottom) in zip(slabs, self.hint_extents.get(group, slabs)):
            if lo <= yc <= hi:
                nominal = SlabPx(Slab("", None, "", lo, hi), ttop, tbottom).hint_y(yc, self.card_h, half)
                return px, SlabPx(Slab("", None, "", lo, hi), top, bottom).clamp_y(nominal, self.card_h, half)
        return px, y1 - y / 100 * (y1 - y0)


def _map_x(x: float, split_x: float, x0: float, sx: float, x1: float) -> float:
    """px of an x hint: 0–split_x onto the left part, split_x–100 onto the right part."""
    if x < split_x:
        return x0 + x / split_x * (sx - x0)
    return sx + (x - split_x) / (100 - split_x) * (x1 - sx)


@record
class _Slot:
    """Where a card goes: a strip, or a slab (index) and side, with its clamped y hint."""

    spec: CardSpec
    strip: int | None
    slab: int | None
    horiz: str
    y: float


@record
class _Plan:
    """A chosen canvas: its frame, split, slabs as drawn and strip rows."""

    frame: Frame
    split_f: float
    slabs: list[SlabPx]
    strip_rows: list[int]
    needs: list[float]
    targets: list[SlabPx]  # where each slab's cards are hinted: its share of the chart, or as drawn


class _Builder:
    """Runs one build; keeps the state the steps share (rules, measured cards, slots)."""

    def __init__(self, data: Dataset, rules: LayoutRules, text: TextEngine, logo_dir: Path,
                 warnings: Warnings, theme: Theme) -> None:
        self.data = data
        self.rules = rules
        self.text = text
        self.warnings = warnings
        self.geo = FrameGeometry(rules, text, bool(data.subtitle))
        self.painter = Painter(rules, theme, text, self.geo)
        self.measurer = CardMeasurer(rules.card, text, logo_dir)
        self.pitch = rules.card.height + rules.gap
        self.slabs = make_slabs(rules.bands, rules.split_y)
        self.strip_label = {f"strip/{s.id}": s.label for s in rules.strips}
        self._widths: tuple[list[_Slot], dict[tuple[int, str], list[float]], list[list[float]]] | None = None

    # ------------------------------------------------------------ slots

    def slots(self, specs: list[CardSpec]) -> list[_Slot]:
        """Each card's strip or slab; y hints outside their band are clamped (one warning)."""
        r = self.rules
        band_of = {g: b for b in r.bands for g in b.groups}
        strip_of = {g: i for i, s in enumerate(r.strips) for g in s.groups}
        index = {s.id: i for i, s in enumerate(self.slabs)}
        clamped: list[str] = []
        out = []
        for s in specs:
            p = s.project
            horiz = "right" if p.x >= r.split_x else "left"
            if p.group in strip_of:
                out.append(_Slot(s, strip_of[p.group], None, horiz, p.y))
                continue
            band = band_of.get(p.group)
            y = p.y
            if band is not None and not band.y0 <= y <= band.y1:
                y = min(max(y, band.y0), band.y1)
                clamped.append(f"{self.data.path}:{p.line}: {p.name!r} y = {_num(p.y)} → {_num(y)} "
                               f"(band {band.label!r} {_num(band.y0)}–{_num(band.y1)})")
            vert = "top" if y >= r.split_y else "bottom"
            name = band.id if band else next(sl.id.split("/")[0] for sl in self.slabs
                                             if sl.band is None and sl.lo <= y <= sl.hi)
            if f"{name}/{vert}" not in index:
                vert = "bottom" if vert == "top" else "top"
            out.append(_Slot(s, None, index[f"{name}/{vert}"], horiz, y))
        if clamped:
            self.warnings.add(f"{len(clamped)} y hint(s) outside their band, clamped into it: " + "; ".join(clamped))
        return out

    def sub_bands(self, slots: list[_Slot]) -> list[_Slot]:
        """Band parts whose cards have subcategories become captioned sub-bands (``chart.sub_bands``);
        the slots move to their sub-band, their y hint clamped into its share of the band."""
        mode = self.rules.sub_bands
        if mode == "never":
            return slots
        slabs: list[Slab] = []
        where: dict[tuple[int, str | None], int] = {}
        for i, slab in enumerate(self.slabs):
            members = [s for s in slots if s.slab == i]
            ys: dict[str | None, list[float]] = {}
            for s in members:
                ys.setdefault(s.spec.project.subcategory, []).append(s.y)
            subs = sorted(ys, key=lambda k: (-sum(ys[k]) / len(ys[k]), k or ""))
            if slab.band is None or len(subs) < 2 or (mode == "auto" and not self._fills_rows(members)):
                where[(i, None)] = len(slabs)
                slabs.append(slab)
                continue
            for k, part in zip(subs, sub_slabs(slab, [k or "" for k in subs], self.geo.caption_h)):
                where[(i, k)] = len(slabs)
                slabs.append(part if k else replace(part, caption=0.0))
        out = []
        for s in slots:
            if s.slab is None:
                out.append(s)
                continue
            key = (s.slab, s.spec.project.subcategory)
            j = where.get(key, where.get((s.slab, None)))
            part = slabs[j]  # type: ignore[index]
            out.append(replace(s, slab=j, y=min(max(s.y, part.lo), part.hi)))
        self.slabs = slabs
        return out

    def _fills_rows(self, members: list[_Slot]) -> bool:
        """Whether every subcategory of these cards fills at least most of a row on its fuller side
        (at the layout's width): only then are captioned sub-bands worth their captions."""
        left, right, _ = self.side_widths(self.rules.width, self.rules.split_x / 100)
        side = {"left": left[1] - left[0], "right": right[1] - right[0]}
        used: dict[tuple[str | None, str], float] = {}
        for s in members:
            key = (s.spec.project.subcategory, s.horiz)
            used[key] = used.get(key, 0.0) + s.spec.w + self.rules.gap
        subs = {k for k, _ in used}
        return len(members) >= SUB_BAND_MIN and all(
            max(used.get((k, h), 0.0) / side[h] for h in side) >= SUB_BAND_FILL for k in subs)

    # ------------------------------------------------------------ demand

    def side_widths(self, width: float, f: float) -> tuple[tuple[float, float], tuple[float, float], float]:
        """Left and right region x ranges (px) and the split line x, for split fraction ``f``."""
        ix0, ix1 = self.geo.inner_x(width)
        sx = ix0 + f * (ix1 - ix0)
        half = self.rules.gap / 2
        return (ix0, sx - half - 2), (sx + half + 2, ix1), sx

    def widths_in_hint_order(self, slots: list[_Slot]) -> tuple[dict[tuple[int, str], list[float]], list[list[float]]]:
        """Card widths (px) per slab side and per strip, top hint first (as ``rows_needed`` counts
        them); computed once per list of slots."""
        if self._widths is None or self._widths[0] is not slots:
            def order(s: _Slot) -> tuple[float, float, str]:
                return -s.y, s.spec.project.x, s.spec.project.slug
            sides: dict[tuple[int, str], list[_Slot]] = {}
            strips: list[list[_Slot]] = [[] for _ in self.rules.strips]
            for s in slots:
                if s.slab is not None:
                    sides.setdefault((s.slab, s.horiz), []).append(s)
                elif s.strip is not None:
                    strips[s.strip].append(s)
            self._widths = (slots, {k: [s.spec.w for s in sorted(g, key=order)] for k, g in sides.items()},
                            [[s.spec.w for s in sorted(g, key=order)] for g in strips])
        return self._widths[1], self._widths[2]

    def demand(self, slots: list[_Slot], width: float, f: float, extra: dict[int, int]) -> list[float]:
        """Height (px) each slab needs at canvas ``width`` and split fraction ``f``."""
        left, right, _ = self.side_widths(width, f)
        widths = {"left": left[1] - left[0], "right": right[1] - right[0]}
        rows = [0] * len(self.slabs)
        for (i, horiz), ws in self.widths_in_hint_order(slots)[0].items():
            rows[i] = max(rows[i], rows_needed(ws, widths[horiz], self.rules.gap))
        needs = [(rows[i] + extra.get(i, 0)) * self.pitch + self.slabs[i].caption for i in range(len(self.slabs))]
        label_h = self.geo.band_tag_h + 4 if self.geo.band_col_w else 0.0
        for band in self.rules.bands:
            idx = [i for i, sl in enumerate(self.slabs) if sl.band is band]
            short = label_h - sum(needs[i] for i in idx)
            if short > 0:
                needs[idx[0]] += short
        return needs

    def strip_rows(self, slots: list[_Slot], width: float) -> list[int]:
        """Rows each strip needs at canvas ``width`` (at least its declared rows)."""
        x0, x1 = self.geo.chart_x(width)
        return [max(strip.rows, rows_needed(ws, x1 - x0, self.rules.gap))
                for strip, ws in zip(self.rules.strips, self.widths_in_hint_order(slots)[1])]

    def chart_need(self, needs: list[float]) -> float:
        """Chart border height (px) that holds slabs of these heights."""
        both = any(s.vert == "top" for s in self.slabs) and any(s.vert == "bottom" for s in self.slabs)
        return sum(needs) + 2 * self.rules.chart_padding + (SPLIT_GAP if both else 0.0)

    def best_split(self, slots: list[_Slot], width: float, extra: dict[int, int],
                   avail: float = math.inf) -> tuple[float, list[float]]:
        """Split fraction and slab needs: the nominal split when its cards fit a chart ``avail`` px
        tall (a split moved then would only shift cards from their hints), else the split that
        needs least height, if that saves enough of it."""
        nominal = self.rules.split_x / 100
        base = self.demand(slots, width, nominal, extra)
        if self.chart_need(base) <= avail + 1e-6:
            return nominal, base
        best_f, best = nominal, base
        for f in SPLIT_CHOICES:
            needs = self.demand(slots, width, f, extra)
            if sum(needs) < sum(best) - 1e-6:
                best_f, best = f, needs
        if sum(best) < (1 - SPLIT_SAVING) * sum(base):
            return best_f, best
        return nominal, base

    # ------------------------------------------------------------ canvas

    def choose(self, slots: list[_Slot], extra: dict[int, int]) -> _Plan:
        """The smallest canvas of the target shape (or the layout's width) that holds every card.
        The chart never grows past ``grow.max_height`` px; when the shape would need more, the
        width grows alone, up to ``grow.max_width`` px."""
        r = self.rules
        w0 = r.width
        overhead0 = self.geo.overhead(w0, self.strip_rows(slots, w0))
        target_h = r.canvas_height or (overhead0 + r.chart_height)
        chart_cap = max(r.grow.max_height, target_h - overhead0)
        shape = r.grow.keep == "shape"

        def fits(width: float, keep_shape: bool) -> tuple[bool, float, list[float], list[int], float]:
            strips = self.strip_rows(slots, width)
            overhead = self.geo.overhead(width, strips)
            room = target_h * width / w0 - overhead  # the chart's height at this width before any growth
            avail = min(chart_cap, room) if keep_shape else chart_cap
            f, needs = self.best_split(slots, width, extra, min(avail, room))
            return self.chart_need(needs) <= avail + 1e-6, f, needs, strips, overhead

        step = r.grow.step
        k_max = max(0, int((max(r.grow.max_width, w0) - w0) // step)) if shape else 0
        k = smallest(0, k_max, lambda k: fits(w0 + k * step, shape)[0])
        width = w0 + (k_max if k is None else k) * step
        ok, f, needs, strips, overhead = fits(width, shape and k is not None)
        want = (target_h * width / w0 if shape else target_h) - overhead
        chart_h = max(min(want, chart_cap), self.chart_need(needs))
        if not ok:
            self._too_big(slots, needs, width, chart_h, chart_cap)
        if width > w0 or overhead + chart_h > target_h + 0.5:
            self.warnings.add(f"canvas grew from {w0:.0f} × {target_h:.0f} to {width:.0f} × "
                              f"{overhead + chart_h:.0f} px to fit every card")
        fr = self.geo.layout(width, chart_h, strips)
        drawn, targets = self.share(slots, needs, fr, self.geo.overhead(width, strips)
                                    - self.geo.overhead(width, [s.rows for s in r.strips]))
        return _Plan(frame=fr, split_f=f, slabs=drawn, strip_rows=strips, needs=needs, targets=targets)

    def share(self, slots: list[_Slot], needs: list[float], fr: Frame, strip_extra: float) -> tuple[list[SlabPx], list[SlabPx]]:
        """The slabs as drawn and where their cards are hinted. Rows a strip needs beyond its
        declared ones (``strip_extra`` px) are taken from the top slabs like a band borrowing a
        row, so the other slabs and the hints stay where they were."""
        ix0, iy0, ix1, iy1 = fr.inner
        total = iy1 - iy0 - (self.chart_need([]) - 2 * self.rules.chart_padding)
        spans = [s.span for s in self.slabs]
        caps = [s.caption for s in self.slabs]
        cards = [0] * (len(self.slabs) + 1)
        for s in slots:
            if s.slab is not None:
                cards[s.slab + 1] += 1
        ref_top, ref_total = iy0 - strip_extra, total + strip_extra
        rows = fill_rows([strip_extra] + needs, [0.0] + caps, [0.0] + row_shares(spans, caps, ref_total, self.pitch),
                         self.pitch, cards)
        if rows is None or abs(rows[0] - strip_extra) > 1e-6:
            drawn = stack(self.slabs, local_fill(needs, spans, total), iy0, SPLIT_GAP)
            return drawn, drawn
        drawn = stack(self.slabs, rows[1:], iy0, SPLIT_GAP)
        # hinted where the layout's proportions put them, unless the slab is drawn far from there
        nominal = stack(self.slabs, shares(spans, ref_total), ref_top, SPLIT_GAP)
        return drawn, [n if max(abs(n.top - d.top), abs(n.bottom - d.bottom)) <= TARGET_DRIFT * self.pitch else d
                       for n, d in zip(nominal, drawn)]

    def _too_big(self, slots: list[_Slot], needs: list[float], width: float, height: float, cap: float) -> None:
        r = self.rules
        i = max(range(len(needs)), key=lambda j: needs[j])
        slab = self.slabs[i]
        count = {h: sum(1 for s in slots if s.slab == i and s.horiz == h) for h in ("left", "right")}
        horiz = max(count, key=lambda h: count[h])
        where = f"band {slab.band.label!r} ({slab.vert}-{horiz})" if slab.band else f"quadrant {slab.vert}-{horiz}"
        raise LayoutError(
            f"{where} does not fit: {count[horiz]} cards need {needs[i] / self.pitch:.0f} rows of "
            f"{r.card.height:.0f} px; at the widest canvas ({width:.0f} px, grow.max_width) the chart needs "
            f"{height - cap:.0f} px more height than grow.max_height = {cap:.0f} px allows",
            r.path, slab.band.line if slab.band else None)

    # ------------------------------------------------------------ regions and boxes

    def regions(self, plan: _Plan) -> tuple[list[Region], dict[str, tuple[str, Band | None]]]:
        """Every region of the chart and strips, with its quadrant and band."""
        left, right, _ = self.side_widths(plan.frame.width, plan.split_f)
        half = self.rules.gap / 2
        regions: list[Region] = []
        meta: dict[str, tuple[str, Band | None]] = {}
        for sp in plan.slabs:
            for horiz, (x0, x1) in (("left", left), ("right", right)):
                rid = f"{sp.slab.id}/{horiz}"
                regions.append(Region(rid, x0, sp.top + sp.slab.caption + half, x1, sp.bottom - half))
                meta[rid] = (f"{sp.slab.vert}-{horiz}", sp.slab.band)
        for strip, (x0, y0, x1, y1) in zip(self.rules.strips, plan.frame.strips):
            regions.append(Region(f"strip/{strip.id}", x0, y0, x1, y1))
            meta[f"strip/{strip.id}"] = ("", None)
        return regions, meta

    def boxes(self, plan: _Plan, slots: list[_Slot]) -> list[Box]:
        """Layout boxes with hinted centres (px) in their regions."""
        r = self.rules
        ix0, _, ix1, _ = plan.frame.inner
        sx = self.side_widths(plan.frame.width, plan.split_f)[2]
        out = []
        for s in slots:
            p = s.spec.project
            hx = _map_x(p.x, r.split_x, ix0, sx, ix1)
            if s.strip is not None:
                sy0, sy1 = plan.frame.strips[s.strip][1], plan.frame.strips[s.strip][3]
                hy = sy0 + (1 - p.y / 100) * (sy1 - sy0)
                rid = f"strip/{r.strips[s.strip].id}"
            else:
                sp = plan.slabs[s.slab]  # type: ignore[index]
                hy = sp.clamp_y(plan.targets[s.slab].hint_y(s.y, s.spec.h, r.gap / 2), s.spec.h, r.gap / 2)  # type: ignore[index]
                rid = f"{sp.slab.id}/{s.horiz}"
            out.append(Box(id=p.slug, w=s.spec.w, h=s.spec.h, hx=hx, hy=hy, region=rid))
        return out

    # ------------------------------------------------------------ build

    def build(self) -> Result:
        """Measure, plan the canvas, place, draw."""
        r = self.rules
        check_groups(self.data, r)
        self.measurer.load_logos(self.data.projects)
        specs = [self.measurer.measure(p) for p in self.data.projects]
        missing = self.measurer.missing
        if missing:
            shown, more = missing[:12], len(missing) - 12
            self.warnings.add(f"monogram drawn instead of {len(missing)} unusable logo(s): "
                              + "; ".join(shown) + (f"; … and {more} more" if more > 0 else ""))
        slots = self.sub_bands(self.slots(specs))
        extra: dict[int, int] = {}
        while True:
            plan = self.choose(slots, extra)
            regions, meta = self.regions(plan)
            boxes = self.boxes(plan, slots)
            try:
                placed = place(boxes, regions, r.gap)
                break
            except NoFit as exc:
                if exc.missing <= 0:
                    quad, band = meta[exc.region]
                    where = f"band {band.label!r} ({quad})" if band else (f"quadrant {quad}" if quad else exc.region)
                    raise LayoutError(f"{where}: {exc.reason}", r.path, band.line if band else None) from None
                idx = next((i for i, sl in enumerate(self.slabs) if exc.region.startswith(sl.id + "/")), None)
                if idx is None or sum(extra.values()) > 4 * len(self.slabs):
                    raise LayoutError(f"{exc.region}: {exc.reason}", r.path) from None
                extra[idx] = extra.get(idx, 0) + 1  # the plan's row count disagreed with the engine's
        return self.draw(plan, specs, placed, meta, boxes, regions)

    def band_extents(self, plan: _Plan) -> list[tuple[Band, float, float]]:
        """Each band's drawn top and bottom (px), top to bottom."""
        out: dict[str, tuple[Band, float, float]] = {}
        for sp in plan.slabs:
            band = sp.slab.band
            if band is None:
                continue
            top, bottom = out[band.id][1:] if band.id in out else (sp.top, sp.bottom)
            out[band.id] = (band, min(top, sp.top), max(bottom, sp.bottom))
        return sorted(out.values(), key=lambda e: e[1])

    def split_px(self, plan: _Plan) -> tuple[float, float]:
        """The split lines (px): x between the sides, y between the top and bottom slabs."""
        sx = self.side_widths(plan.frame.width, plan.split_f)[2]
        tops = [sp.bottom for sp in plan.slabs if sp.slab.vert == "top"]
        bottoms = [sp.top for sp in plan.slabs if sp.slab.vert == "bottom"]
        if tops and bottoms:
            sy = (max(tops) + min(bottoms)) / 2
        else:
            sy = tops[-1] if tops else plan.frame.inner[1]
        return sx, sy

    def draw(self, plan: _Plan, specs: list[CardSpec], placed: dict[str, Placed],
             meta: dict[str, tuple[str, Band | None]], boxes: list[Box], regions: list[Region]) -> Result:
        """The scene, the box report and the metrics."""
        r, fr, pt = self.rules, plan.frame, self.painter
        split = self.split_px(plan)
        bands = self.band_extents(plan)
        nodes: list[Node] = list(pt.header(self.data, fr))
        nodes.append(pt.chart(fr, bands, split, plan.slabs))
        nodes.append(pt.axes(fr, split))
        hint = {b.id: b for b in boxes}
        overflow = 0
        card_nodes: list[Node] = []
        reports: list[BoxReport] = []
        for s in specs:
            p = s.project
            pl = placed[p.slug]
            card, spill = pt.card(s, pl)
            overflow += spill
            card_nodes.append(card)
            quad, band = meta[pl.region]
            reports.append(self._card_report(s, pl, hint[p.slug], quad, band))
        nodes.append(Group(children=tuple(card_nodes), id="cards"))
        nodes.append(pt.legend(fr, r.card.dash, r.card.stroke_width))
        x0, _, x1, _ = fr.chart
        for band, top, bottom in bands:
            reports.append(BoxReport(kind="band-extent", id=band.id, x=round(x0, 2), y=round(top, 2), w=round(x1 - x0, 2),
                                     h=round(bottom - top, 2), hint_x=None, hint_y=None, hint_px=None,
                                     displacement=None, quadrant=None, band=band.label))
        for t, size in pt.frame_texts:
            reports.append(BoxReport(kind=t.role, id=t.text, x=round(t.box[0], 2), y=round(t.box[1], 2),
                                     w=round(t.box[2], 2), h=round(t.box[3], 2), hint_x=None, hint_y=None,
                                     hint_px=None, displacement=None, quadrant=None, band=None, font_size=size))
        desc = (f"{len(specs)} projects placed by maturity (x: {r.axis['left']} → {r.axis['right']}) "
                f"and layer (y: {r.axis['bottom']} → {r.axis['top']}).")
        scene = Scene(width=round(fr.width), height=round(fr.height), title=self.data.title, desc=desc,
                      background=pt.theme.background, children=tuple(nodes))
        self._check_frame(scene)
        extents: dict[str, list[tuple[float, float, float, float]]] = {}
        hinted: dict[str, list[tuple[float, float, float, float]]] = {}
        for sp, tp in zip(plan.slabs, plan.targets):
            if sp.slab.band is not None:
                for g in sp.slab.band.groups:
                    extents.setdefault(g, []).append((sp.slab.lo, sp.slab.hi, sp.top, sp.bottom))
                    hinted.setdefault(g, []).append((sp.slab.lo, sp.slab.hi, tp.top, tp.bottom))
        metrics = self._metrics(reports, placed, regions, overflow, scene, plan)
        return Result(scene=scene, boxes=tuple(reports), metrics=metrics, chart=fr.inner, split=split,
                      split_x=r.split_x, band_extents={g: tuple(v) for g, v in extents.items()},
                      hint_extents={g: tuple(v) for g, v in hinted.items()},
                      card_h=r.card.height, gap=r.gap)

    def _card_report(self, s: CardSpec, pl: Placed, hb: Box, quad: str, band: Band | None) -> BoxReport:
        p: Project = s.project
        cx, cy = pl.x + pl.w / 2, pl.y + pl.h / 2
        return BoxReport(
            kind="card", id=p.slug, x=round(pl.x, 2), y=round(pl.y, 2), w=pl.w, h=pl.h,
            hint_x=p.x, hint_y=p.y, hint_px=(round(hb.hx, 2), round(hb.hy, 2)),
            displacement=round(math.hypot(cx - hb.hx, cy - hb.hy), 2),
            quadrant=quad or None,
            band=band.label if band else self.strip_label.get(pl.region),
            font_size=s.font_size if s.lines else None, lines=tuple(line for line, _ in s.lines))

    def _metrics(self, reports: list[BoxReport], placed: dict[str, Placed], regions: list[Region],
                 overflow: int, scene: Scene, plan: _Plan) -> dict[str, float | int]:
        cards = [b for b in reports if b.kind == "card"]
        disp = sorted(b.displacement or 0.0 for b in cards)
        region_of = {rg.id: rg for rg in regions}
        eps = 1e-6
        outside = sum(1 for p in placed.values()
                      if not (region_of[p.region].x0 - eps <= p.x and p.x + p.w <= region_of[p.region].x1 + eps
                              and region_of[p.region].y0 - eps <= p.y and p.y + p.h <= region_of[p.region].y1 + eps
                              and 0 <= p.x and p.x + p.w <= scene.width and 0 <= p.y and p.y + p.h <= scene.height))
        area = sum(p.w * p.h for p in placed.values())
        median = disp[len(disp) // 2] if disp else 0.0
        return {
            "cards": len(cards),
            "overlaps": len(overlaps(list(placed.values()))),
            "cards_outside": outside,
            "text_overflow": overflow,
            "mean_displacement": round(sum(disp) / len(disp), 2) if disp else 0.0,
            "median_displacement": round(median, 2),
            "max_displacement": round(max(disp), 2) if disp else 0.0,
            "canvas_width": scene.width,
            "canvas_height": scene.height,
            "aspect": round(scene.height / scene.width, 4),
            "fill": round(area / (scene.width * scene.height), 4),
            "split_moved": int(abs(plan.split_f * 100 - self.rules.split_x) > 1e-6),
        }

    def _check_frame(self, scene: Scene) -> None:
        """Frame texts must lie inside the canvas and must not collide."""
        boxes = [(t.text, t.box) for t, _ in self.painter.frame_texts]
        for name, (x, y, w, h) in boxes:
            if x < -0.01 or y < -0.01 or x + w > scene.width + 0.01 or y + h > scene.height + 0.01:
                raise LayoutError(f"text {name!r} does not fit on the canvas; widen canvas.width", self.rules.path)
        for i, (na, a) in enumerate(boxes):
            for nb, b in boxes[i + 1:]:
                if a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]:
                    raise LayoutError(f"texts {na!r} and {nb!r} collide; shorten one or widen the canvas",
                                      self.rules.path)


def _num(v: float) -> str:
    return f"{v:g}"


def build_landscape(data: Dataset, rules: LayoutRules, text: TextEngine, logo_dir: Path,
                    warnings: Warnings, theme: Theme = LIGHT) -> Result:
    """Measure, lay out and describe a landscape in a theme."""
    result = _Builder(data, rules, text, logo_dir, warnings, theme).build()
    missing = text.take_missing()
    if missing:
        detail = "; ".join(f"{owner}: {' '.join(sorted(chars))}" for owner, chars in sorted(missing.items()))
        warnings.add(f"glyphs missing from the font, left blank: {detail}")
    return result
