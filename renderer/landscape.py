"""Landscape scene builder: model + text metrics → layout engine → frozen scene.

Positions come only from ``layout.place``; this module measures, frames the canvas
(title, strips, axis labels, chart, band labels, legend, footnote) and describes
what to draw. All lengths are px; hints are 0–100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LayoutError, Warnings
from .layout import Box, NoFit, Placed, Region, overlaps, place, spread
from .logos import Logo, monogram, resolve_many
from .colors import contrast, luminance, mix
from .model import BADGE_TAGS, LIGHT, Band, Dataset, LayoutRules, Project, Theme, check_groups
from .scene import Circle, Group, Image, Line, Node, Path as PathNode, Rect, Scene, Style, Text
from .text import TextEngine

QUADRANTS = ("top-left", "top-right", "bottom-left", "bottom-right")
AXIS_SIZE = 17.0
SMALL = 12.5
LABEL_PAD = 10.0
BADGE_SIZE = 8.5  # px, tag badge text


@dataclass(frozen=True)
class CardSpec:
    """A measured card: size (px), label lines and font size, logo or monogram."""

    project: Project
    w: float
    h: float
    font_size: float
    lines: tuple[tuple[str, float], ...]
    logo: Logo | None


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Result:
    """A built landscape: the scene, every box, and the quality metrics."""

    scene: Scene
    boxes: tuple[BoxReport, ...]
    metrics: dict[str, float | int]
    chart: tuple[float, float, float, float]  # inner chart area x0, y0, x1, y1 (px)
    split: tuple[float, float]  # split lines x, y (px)
    # group id -> (band's y0 hint, y1 hint (0–100), drawn top px, drawn bottom px)
    band_extents: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)

    def hint_to_px(self, group: str, x: float, y: float) -> tuple[float, float]:
        """Canvas point (px) where this layout draws a 0–100 hint of a card of ``group``."""
        x0, y0, x1, y1 = self.chart
        px = x0 + x / 100 * (x1 - x0)
        if group not in self.band_extents:
            return px, y1 - y / 100 * (y1 - y0)
        h0, h1, top, bottom = self.band_extents[group]
        t = 0.5 if h1 <= h0 else (min(max(y, h0), h1) - h0) / (h1 - h0)
        return px, bottom - t * (bottom - top)


@dataclass
class _Frame:
    """Rectangles of the canvas parts for one chart height (px)."""

    height: float
    chart: tuple[float, float, float, float]  # x0, y0, x1, y1 of the chart border
    strips: list[tuple[float, float, float, float]]
    strip_label_y: list[float]
    top_row_y: float
    bottom_row_y: float
    legend_y: float
    footnote_y: float
    right_col: tuple[float, float]
    band_col: tuple[float, float]


class _Builder:
    def __init__(self, data: Dataset, rules: LayoutRules, text: TextEngine, logo_dir: Path,
                 warnings: Warnings, theme: Theme) -> None:
        self.data = data
        self.theme = theme
        self.rules = rules
        self.text = text
        self.logo_dir = logo_dir
        self.warnings = warnings
        self.card = rules.card
        self.pitch = rules.card.height + rules.gap
        self.band_of = {gid: band for band in rules.bands for gid in band.groups}
        self.strip_of = {gid: strip for strip in rules.strips for gid in strip.groups}
        self.frame_texts: list[Text] = []
        self.logo_memo: dict[str, Logo | str] = {}

    # ------------------------------------------------------------ measuring

    def _height(self, size: float, bold: bool = False) -> float:
        return self.text.ascent(size, bold) + self.text.descent(size, bold)

    def measure_card(self, p: Project) -> CardSpec:
        """Card size from the real label width; wraps to two lines, then shrinks the font."""
        c = self.card
        logo = self._logo(p)
        inner_h = c.height - 4
        size = c.font_size
        while True:
            lines = self._label_lines(p.name, size, c.max_label_width, owner=p.name)
            line_h = size * 1.15
            fits_h = len(lines) * line_h <= inner_h
            fits_w = all(w <= c.max_label_width for _, w in lines)
            if (fits_h and fits_w and len(lines) <= 2) or size <= c.min_font_size:
                break
            size = max(c.min_font_size, size - 0.5)
        if len(lines) * size * 1.15 > inner_h:
            lines = [(p.name, self.text.measure(p.name, size, owner=p.name))]
        label_w = max(w for _, w in lines)
        w = max(c.min_width, c.padding * 2 + c.logo_size + 7 + label_w + self._badges_w(p))
        return CardSpec(project=p, w=round(w + 0.5), h=c.height, font_size=size, lines=tuple(lines), logo=logo)

    def _badges_w(self, p: Project) -> float:
        """Width (px) of the tag badges drawn at the right end of a card, with their gap."""
        return sum(self.text.measure(BADGE_TAGS[t], BADGE_SIZE, True) + 8 + 5 for t in p.tags if t in BADGE_TAGS)

    def _label_lines(self, name: str, size: float, width: float, owner: str) -> list[tuple[str, float]]:
        full = self.text.measure(name, size, owner=owner)
        if full <= width:
            return [(name, full)]
        wrapped = self.text.wrap(name, size, width, owner=owner)
        if len(wrapped) > 2:
            best = self._balanced_split(name, size, owner)
            if best:
                return best
        return [(line.text, line.width) for line in wrapped]

    def _balanced_split(self, name: str, size: float, owner: str) -> list[tuple[str, float]] | None:
        words = name.split(" ")
        if len(words) < 2:
            return None
        options = []
        for i in range(1, len(words)):
            a, b = " ".join(words[:i]), " ".join(words[i:])
            wa, wb = self.text.measure(a, size, owner=owner), self.text.measure(b, size, owner=owner)
            options.append((max(wa, wb), i, [(a, wa), (b, wb)]))
        return min(options)[2]

    def _logo(self, p: Project) -> Logo | None:
        """The card's logo; each distinct reference is read and sanitised once per run."""
        if not p.logo:
            return None
        if p.logo not in self.logo_memo:
            self.logo_memo.update(resolve_many([p.logo], self.logo_dir))
        found = self.logo_memo[p.logo]
        if isinstance(found, str):
            self.missing_logos.append(f"{p.name} ({found})")
            return None
        return found

    # ------------------------------------------------------------ frame

    def frame(self, chart_h: float, strip_rows: list[int]) -> _Frame:
        """Canvas parts, top to bottom and left to right, for a chart height."""
        r = self.rules
        m = r.margin
        y = m + self._height(r.title_size, True)
        if self.data.subtitle:
            y += 6 + self._height(15)
        y += 20
        strips, label_ys = [], []
        x0, x1 = self._chart_x()
        for rows in strip_rows:
            label_ys.append(y)
            y += self._height(SMALL, True) + 6
            h = rows * self.card.height + (rows - 1) * r.gap
            strips.append((x0, y, x1, y + h))
            y += h + 18
        top_row = y
        y += self._axis_row_h() + 10
        chart = (x0, y, x1, y + chart_h)
        y += chart_h + 10
        bottom_row = y
        y += self._axis_row_h() + 18
        legend_y = y
        y += max(self._height(SMALL), 18)
        footnote_y = y + 8
        if r.footnote:
            y += 8 + self._height(SMALL)
        y += m
        band_x1 = r.width - m
        band_x0 = band_x1 - self._band_col_w()
        right_w = self.text.measure(r.axis["right"], AXIS_SIZE, owner="axis label")
        right_x0 = chart[2] + 12
        return _Frame(height=y, chart=chart, strips=strips, strip_label_y=label_ys, top_row_y=top_row,
                      bottom_row_y=bottom_row, legend_y=legend_y, footnote_y=footnote_y,
                      right_col=(right_x0, right_x0 + right_w),
                      band_col=(band_x0, band_x1))

    def _axis_row_h(self) -> float:
        return max(self._height(AXIS_SIZE, True), self._height(SMALL))

    def _band_col_w(self) -> float:
        labels = [b.label for b in self.rules.bands] + [n.label for n in self.rules.notes]
        if not labels:
            return 0.0
        widest = max(self.text.measure(label, SMALL + 0.5, True, owner="band label") for label in labels)
        return widest + 2 * LABEL_PAD + 6

    def _chart_x(self) -> tuple[float, float]:
        r = self.rules
        left_w = self.text.measure(r.axis["left"], AXIS_SIZE, owner="axis label")
        right_w = self.text.measure(r.axis["right"], AXIS_SIZE, owner="axis label")
        x0 = r.margin + (left_w + 12 if left_w else 0)
        band_w = self._band_col_w()
        x1 = r.width - r.margin - (band_w + 16 if band_w else 0) - (right_w + 12 if right_w else 0)
        if x1 - x0 < 300:
            raise LayoutError(f"canvas width {r.width:.0f} px leaves only {x1 - x0:.0f} px for the chart; "
                              f"raise canvas.width", r.path)
        return x0, x1

    # ------------------------------------------------------------ regions

    def inner(self, fr: _Frame) -> tuple[float, float, float, float]:
        """Chart area inside its padding (px)."""
        pad = self.rules.chart_padding
        x0, y0, x1, y1 = fr.chart
        return x0 + pad, y0 + pad, x1 - pad, y1 - pad

    def split(self, fr: _Frame) -> tuple[float, float]:
        """Split lines (px) between the quadrants."""
        ix0, iy0, ix1, iy1 = self.inner(fr)
        return ix0 + self.rules.split_x / 100 * (ix1 - ix0), iy1 - self.rules.split_y / 100 * (iy1 - iy0)

    def band_px(self, fr: _Frame, band: Band) -> tuple[float, float]:
        """Top and bottom (px) of a band."""
        ix0, iy0, ix1, iy1 = self.inner(fr)
        return iy1 - band.y1 / 100 * (iy1 - iy0), iy1 - band.y0 / 100 * (iy1 - iy0)

    def regions(self, fr: _Frame) -> tuple[list[Region], dict[str, tuple[str, Band | None]]]:
        """Every region of the chart and strips, with its quadrant and band."""
        ix0, iy0, ix1, iy1 = self.inner(fr)
        sx, sy = self.split(fr)
        half = self.rules.gap / 2
        xs = {"left": (ix0, sx - half - 2), "right": (sx + half + 2, ix1)}
        ys = {"top": (iy0, sy - half - 2), "bottom": (sy + half + 2, iy1)}
        regions: list[Region] = []
        meta: dict[str, tuple[str, Band | None]] = {}
        bands: list[Band | None] = list(self.rules.bands) or [None]
        for band in bands:
            for vert in ("top", "bottom"):
                top, bottom = ys[vert]
                if band is not None:
                    b0, b1 = self.band_px(fr, band)
                    top, bottom = max(top, b0 + half), min(bottom, b1 - half)
                if bottom <= top:
                    continue
                for horiz in ("left", "right"):
                    quad = f"{vert}-{horiz}"
                    rid = f"{band.id}/{quad}" if band else quad
                    regions.append(Region(rid, xs[horiz][0], top, xs[horiz][1], bottom))
                    meta[rid] = (quad, band)
        for strip, (x0, y0, x1, y1) in zip(self.rules.strips, fr.strips):
            regions.append(Region(f"strip/{strip.id}", x0, y0, x1, y1))
            meta[f"strip/{strip.id}"] = ("", None)
        return regions, meta

    def boxes(self, fr: _Frame, specs: list[CardSpec]) -> list[Box]:
        """Layout boxes with hinted centres (px) in their regions."""
        ix0, iy0, ix1, iy1 = self.inner(fr)
        out = []
        for s in specs:
            p = s.project
            hx = ix0 + p.x / 100 * (ix1 - ix0)
            strip = self.strip_of.get(p.group)
            if strip is not None:
                idx = self.rules.strips.index(strip)
                sy0, sy1 = fr.strips[idx][1], fr.strips[idx][3]
                hy = sy0 + (1 - p.y / 100) * (sy1 - sy0)
                rid = f"strip/{strip.id}"
            else:
                hy = iy1 - p.y / 100 * (iy1 - iy0)
                quad = _quadrant(p, self.rules)
                band = self.band_of.get(p.group)
                rid = f"{band.id}/{quad}" if band else quad
            out.append(Box(id=p.slug, w=s.w, h=s.h, hx=hx, hy=hy, region=rid))
        return out

    # ------------------------------------------------------------ build

    def build(self) -> Result:
        """Measure, place (growing the chart when needed), draw."""
        r = self.rules
        check_groups(self.data, r)
        self.missing_logos: list[str] = []
        refs = sorted({p.logo for p in self.data.projects if p.logo})
        self.logo_memo.update(resolve_many(refs, self.logo_dir))  # each logo read once
        specs = [self.measure_card(p) for p in self.data.projects]
        if self.missing_logos:
            shown = self.missing_logos[:12]
            more = len(self.missing_logos) - len(shown)
            self.warnings.add(f"monogram drawn instead of {len(self.missing_logos)} unusable logo(s): "
                              + "; ".join(shown) + (f"; … and {more} more" if more else ""))
        chart_h = r.chart_height
        strip_rows = [s.rows for s in r.strips]
        while True:
            fr = self.frame(chart_h, strip_rows)
            regions, meta = self.regions(fr)
            boxes = self.boxes(fr, specs)
            try:
                placed = place(boxes, regions, r.gap)
                break
            except NoFit as exc:
                if exc.region.startswith("strip/"):
                    idx = [f"strip/{s.id}" for s in r.strips].index(exc.region)
                    if exc.missing <= 0 or strip_rows[idx] >= 40:
                        raise LayoutError(f"strip {r.strips[idx].label!r}: {exc.reason}", r.path) from None
                    strip_rows[idx] += 1
                    continue
                quad, band = meta[exc.region]
                where = f"band {band.label!r} ({quad})" if band else f"quadrant {quad}"
                if exc.missing <= 0:
                    raise LayoutError(f"{where}: {exc.reason}", r.path, band.line if band else None) from None
                if chart_h >= r.grow.max_height:
                    raise LayoutError(
                        f"{where} does not fit: {exc.reason}; it needs {exc.missing:.0f} px more height "
                        f"but the chart may grow only to grow.max_height = {r.grow.max_height:.0f} px",
                        r.path, band.line if band else None) from None
                region = next(rg for rg in regions if rg.id == exc.region)
                share = max(region.height, 1.0) / max(self.inner(fr)[3] - self.inner(fr)[1], 1.0)
                chart_h += max(1, math.ceil(exc.missing / share / r.grow.step)) * r.grow.step
                chart_h = min(chart_h, r.grow.max_height)
        if chart_h > r.chart_height:
            self.warnings.add(f"chart grew from {r.chart_height:.0f} to {chart_h:.0f} px to fit every card")
        scene, reports, overflow = self.draw(fr, specs, placed, meta, boxes)
        self._check_frame(scene)
        return Result(scene=scene, boxes=tuple(reports), metrics=self._metrics(reports, placed, regions, overflow, scene),
                      chart=self.inner(fr), split=self.split(fr),
                      band_extents={g: (b.y0, b.y1, *self.band_px(fr, b)) for b in r.bands for g in b.groups})

    def _metrics(self, reports: list[BoxReport], placed: dict[str, Placed], regions: list[Region],
                 overflow: int, scene: Scene) -> dict[str, float | int]:
        cards = [b for b in reports if b.kind == "card"]
        disp = [b.displacement or 0.0 for b in cards]
        region_of = {rg.id: rg for rg in regions}
        outside = sum(1 for p in placed.values()
                      if not (region_of[p.region].x0 - 1e-6 <= p.x and p.x + p.w <= region_of[p.region].x1 + 1e-6
                              and region_of[p.region].y0 - 1e-6 <= p.y
                              and p.y + p.h <= region_of[p.region].y1 + 1e-6
                              and 0 <= p.x and p.x + p.w <= scene.width and 0 <= p.y and p.y + p.h <= scene.height))
        return {
            "cards": len(cards),
            "overlaps": len(overlaps(list(placed.values()))),
            "cards_outside": outside,
            "text_overflow": overflow,
            "mean_displacement": round(sum(disp) / len(disp), 2) if disp else 0.0,
            "max_displacement": round(max(disp), 2) if disp else 0.0,
            "canvas_width": scene.width,
            "canvas_height": scene.height,
        }

    def _check_frame(self, scene: Scene) -> None:
        """Frame texts must lie inside the canvas and must not collide."""
        boxes = [(t.text, t.box) for t in self.frame_texts]
        for name, (x, y, w, h) in boxes:
            if x < -0.01 or y < -0.01 or x + w > scene.width + 0.01 or y + h > scene.height + 0.01:
                raise LayoutError(f"text {name!r} does not fit on the canvas; widen canvas.width", self.rules.path)
        for i, (na, a) in enumerate(boxes):
            for nb, b in boxes[i + 1:]:
                if a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]:
                    raise LayoutError(f"texts {na!r} and {nb!r} collide; shorten one or widen the canvas",
                                      self.rules.path)

    # ------------------------------------------------------------ drawing

    def label(self, text: str, x: float, baseline: float, size: float, fill: str, bold: bool = False,
              role: str = "label", owner: str = "", frame: bool = False) -> Text:
        """Outlined text with its left end at x (px)."""
        node = self.text.text_node(text, x, baseline, size, bold, fill, role, owner=owner or text)
        if frame:
            self.frame_texts.append(node)
        return node

    def centred(self, text: str, cx: float, cy: float, size: float, fill: str, bold: bool = False,
                role: str = "label", frame: bool = False) -> Text:
        """Outlined text centred on (cx, cy) px."""
        w = self.text.measure(text, size, bold, owner=text)
        asc, desc = self.text.ascent(size, bold), self.text.descent(size, bold)
        return self.label(text, cx - w / 2, cy + (asc - desc) / 2, size, fill, bold, role, frame=frame)

    def draw(self, fr: _Frame, specs: list[CardSpec], placed: dict[str, Placed],
             meta: dict[str, tuple[str, Band | None]], boxes: list[Box]) -> tuple[Scene, list[BoxReport], int]:
        """The scene and the box report."""
        r = self.rules
        nodes: list[Node] = []
        reports: list[BoxReport] = []
        m = r.margin
        title_size = r.title_size
        y = m + self.text.ascent(title_size, True)
        nodes.append(self.label(self.data.title, m, y, title_size, self.theme.ink, True, "title", frame=True))
        if self.data.subtitle:
            y += self.text.descent(title_size, True) + 6 + self.text.ascent(15)
            nodes.append(self.label(self.data.subtitle, m, y, 15, self.theme.muted, role="subtitle", frame=True))
        for strip, (x0, *_), ly in zip(r.strips, fr.strips, fr.strip_label_y):
            nodes.append(self.label(strip.label, x0, ly + self.text.ascent(SMALL, True), SMALL, self.theme.muted, True,
                                    "strip-label", frame=True))
        nodes.append(self._chart_background(fr))
        nodes.extend(self._axes(fr))
        hint = {b.id: b for b in boxes}
        overflow = 0
        card_nodes: list[Node] = []
        for s in specs:
            p = s.project
            pl = placed[p.slug]
            card, spill = self._card(s, pl)
            overflow += spill
            card_nodes.append(card)
            quad, band = meta[pl.region]
            hb = hint[p.slug]
            cx, cy = pl.x + pl.w / 2, pl.y + pl.h / 2
            reports.append(BoxReport(
                kind="card", id=p.slug, x=round(pl.x, 2), y=round(pl.y, 2), w=pl.w, h=pl.h,
                hint_x=p.x, hint_y=p.y, hint_px=(round(hb.hx, 2), round(hb.hy, 2)),
                displacement=round(((cx - hb.hx) ** 2 + (cy - hb.hy) ** 2) ** 0.5, 2),
                quadrant=quad or None, band=band.label if band else (pl.region.split("/", 1)[1]
                                                                   if pl.region.startswith("strip/") else None)))
        nodes.append(Group(children=tuple(card_nodes), id="cards"))
        nodes.extend(self._legend(fr))
        for t in self.frame_texts:
            reports.append(BoxReport(kind=t.role, id=t.text, x=round(t.box[0], 2), y=round(t.box[1], 2),
                                     w=round(t.box[2], 2), h=round(t.box[3], 2), hint_x=None, hint_y=None,
                                     hint_px=None, displacement=None, quadrant=None, band=None))
        desc = (f"{len(specs)} projects placed by maturity (x: {r.axis['left']} → {r.axis['right']}) "
                f"and layer (y: {r.axis['bottom']} → {r.axis['top']}).")
        scene = Scene(width=r.width, height=round(fr.height), title=self.data.title, desc=desc,
                      background=self.theme.background, children=tuple(nodes))
        return scene, reports, overflow

    def _chart_background(self, fr: _Frame) -> Group:
        r = self.rules
        x0, y0, x1, y1 = fr.chart
        ix0, iy0, ix1, iy1 = self.inner(fr)
        parts: list[Node] = []
        bx0, bx1 = fr.band_col
        top_first = sorted(r.bands, key=lambda b: -b.y1)
        for i, band in enumerate(top_first):
            top, bottom = self.band_px(fr, band)
            shade_top = y0 if i == 0 else top
            shade_bottom = y1 if i == len(top_first) - 1 else bottom
            if i % 2 == 0:
                parts.append(Rect(x0, shade_top, x1 - x0, shade_bottom - shade_top, Style(fill=self.theme.shade)))
            group = r.groups[band.groups[0]]
            parts.append(Rect(bx0, top + 2, 4, bottom - top - 4, Style(fill=group.color), rx=2))
            cy = (top + bottom) / 2
            tag_h = self._height(SMALL + 0.5, True) + 10
            parts.append(Rect(bx0 + 6, cy - tag_h / 2, bx1 - bx0 - 6, tag_h, Style(fill=self.card_fill(group.color)), rx=4))
            parts.append(self.centred(band.label, bx0 + 6 + (bx1 - bx0 - 6) / 2, cy, SMALL + 0.5, self.theme.ink, True,
                                      "band-label", frame=True))
        parts.extend(self._notes(fr))
        parts.append(Rect(x0, y0, x1 - x0, y1 - y0, Style(stroke=self.theme.line, stroke_width=1.4, dash="4 4")))
        sx, sy = self.split(fr)
        line = Style(stroke=self.theme.line, stroke_width=1.2, dash="6 5")
        parts.append(Line(sx, y0, sx, y1, line))
        parts.append(Line(x0, sy, x1, sy, line))
        return Group(children=tuple(parts), id="chart")

    def _notes(self, fr: _Frame) -> list[Node]:
        """Free right-side labels at their y hints, spread so that none overlap."""
        notes = self.rules.notes
        if not notes:
            return []
        ix0, iy0, ix1, iy1 = self.inner(fr)
        bx0, bx1 = fr.band_col
        tag_h = self._height(SMALL + 0.5, True) + 10
        tops = spread([iy1 - n.y / 100 * (iy1 - iy0) for n in notes], [tag_h] * len(notes), fr.chart[1],
                      fr.chart[3], 6)
        out: list[Node] = []
        for note, top in zip(notes, tops):
            color = self.rules.groups[note.group].color if note.group else self.theme.line
            out.append(Rect(bx0, top, 4, tag_h, Style(fill=color), rx=1))
            out.append(Rect(bx0 + 6, top, bx1 - bx0 - 6, tag_h, Style(fill=self.card_fill(color)), rx=4))
            out.append(self.centred(note.label, bx0 + 6 + (bx1 - bx0 - 6) / 2, top + tag_h / 2, SMALL + 0.5,
                                    self.theme.ink, True, "band-label", frame=True))
        return out

    def _axes(self, fr: _Frame) -> list[Node]:
        r = self.rules
        x0, y0, x1, y1 = fr.chart
        sx, sy = self.split(fr)
        row_h = self._axis_row_h()
        out: list[Node] = []
        for side, row in (("top", fr.top_row_y), ("bottom", fr.bottom_row_y)):
            if r.axis[side]:
                out.append(self.centred(r.axis[side], sx, row + row_h / 2, AXIS_SIZE, self.theme.ink, True, "axis-label",
                                        frame=True))
        if r.axis["left"]:
            out.append(self.centred(r.axis["left"], r.margin + self.text.measure(r.axis["left"], AXIS_SIZE) / 2,
                                    sy, AXIS_SIZE, self.theme.ink, False, "axis-label", frame=True))
        if r.axis["right"]:
            rx0, rx1 = fr.right_col
            out.append(self.centred(r.axis["right"], (rx0 + rx1) / 2, sy, AXIS_SIZE, self.theme.ink, False, "axis-label",
                                    frame=True))
        q = r.quadrants
        for key, row, left in (("top_left", fr.top_row_y, True), ("top_right", fr.top_row_y, False),
                               ("bottom_left", fr.bottom_row_y, True), ("bottom_right", fr.bottom_row_y, False)):
            if not q[key]:
                continue
            w = self.text.measure(q[key], SMALL)
            x = x0 + 2 if left else x1 - 2 - w
            base = row + row_h / 2 + (self.text.ascent(SMALL) - self.text.descent(SMALL)) / 2
            out.append(self.label(q[key], x, base, SMALL, self.theme.muted, role="quadrant-label", frame=True))
        return [Group(children=tuple(out), id="axes")]

    def _legend(self, fr: _Frame) -> list[Node]:
        r = self.rules
        x = r.margin
        cy = fr.legend_y + max(self._height(SMALL), 18) / 2
        out: list[Node] = []
        for dash, text in ((None, r.legend_mature), (self.card.dash, r.legend_early)):
            if not text:
                continue
            out.append(Rect(x, cy - 8, 28, 16, Style(fill=self.theme.background, stroke=self.theme.line,
                                                    stroke_width=self.card.stroke_width, dash=dash), rx=4))
            x += 36
            out.append(self.centred(text, x + self.text.measure(text, SMALL) / 2, cy, SMALL, self.theme.ink,
                                    role="legend", frame=True))
            x += self.text.measure(text, SMALL) + 28
        if r.legend_notes and (r.bands or r.notes):
            out.append(self.centred(r.legend_notes, x + self.text.measure(r.legend_notes, SMALL) / 2, cy, SMALL,
                                    self.theme.muted, role="legend", frame=True))
        if r.footnote:
            base = fr.footnote_y + self.text.ascent(SMALL)
            out.append(self.label("• " + r.footnote, r.margin, base, SMALL, self.theme.muted, role="footnote", frame=True))
        return [Group(children=tuple(out), id="legend")]

    def _card(self, s: CardSpec, pl: Placed) -> tuple[Group, int]:
        """One card group; returns it and 1 when its label would overflow (never expected)."""
        c = self.card
        p = s.project
        g = self.rules.groups[p.group]
        fill = self.theme.background if p.early else self.card_fill(g.color)
        style = Style(fill=fill, stroke=mix(g.color, "#ffffff", self.theme.stroke_lighten), stroke_width=c.stroke_width,
                      dash=c.dash if p.early else None)
        children: list[Node] = [Rect(pl.x, pl.y, pl.w, pl.h, style, rx=c.radius)]
        lx = pl.x + c.padding
        ly = pl.y + (pl.h - c.logo_size) / 2
        children.extend(self._badge(s, lx, ly, c.logo_size, g.color, fill))
        tx = lx + c.logo_size + 7
        line_h = s.font_size * 1.15
        asc, desc = self.text.ascent(s.font_size), self.text.descent(s.font_size)
        top = pl.y + (pl.h - line_h * len(s.lines)) / 2
        spill = 0
        text_right = pl.x + pl.w - c.padding - self._badges_w(p) + 0.5
        for i, (line, _width) in enumerate(s.lines):
            base = top + i * line_h + (line_h - asc - desc) / 2 + asc
            node = self.label(line, tx, base, s.font_size, self.theme.ink, owner=p.name)
            bx, by, bw, bh = node.box
            if bx + bw > text_right or by < pl.y or by + bh > pl.y + pl.h:
                spill = 1
            children.append(node)
        bx = pl.x + pl.w - c.padding
        for tag in reversed([t for t in p.tags if t in BADGE_TAGS]):
            text = BADGE_TAGS[tag]
            tw = self.text.measure(text, BADGE_SIZE, True)
            bx -= tw + 8
            children.append(Rect(bx, pl.y + (pl.h - 13) / 2, tw + 8, 13, Style(fill="#326ce5"), rx=6.5))
            children.append(self.centred(text, bx + (tw + 8) / 2, pl.y + pl.h / 2, BADGE_SIZE, "#ffffff", True,
                                         "badge"))
            bx -= 5
        classes = ("card", "early") if p.early else ("card",)
        title = f"{p.name} — {g.label} · {'early stage' if p.early else 'mature'}"
        return Group(children=tuple(children), id=p.slug, classes=classes + (f"group-{p.group}",), title=title,
                     href=p.url, data=(("group", p.group), ("stage", p.stage))), spill

    def card_fill(self, color: str) -> str:
        """Card (and band tag) fill for a group colour in the current theme."""
        return mix(color, self.theme.background, self.theme.card_tint)

    def _badge(self, s: CardSpec, x: float, y: float, size: float, color: str, fill: str) -> list[Node]:
        logo = s.logo
        if logo is None:
            mono = s.project.monogram or monogram(s.project.name)
            unit = max(self.text.measure(mono, 1.0, True), 0.01)
            fs = min(size * (0.5 if len(mono) > 1 else 0.58), size * 0.8 / unit)
            return [Circle(x + size / 2, y + size / 2, size / 2, Style(fill=color)),
                    self.centred(mono, x + size / 2, y + size / 2, fs, "#ffffff", True, "monogram")]
        scale = min(size / logo.width, size / logo.height)
        w, h = logo.width * scale, logo.height * scale
        ox, oy = x + (size - w) / 2, y + (size - h) / 2
        plate: list[Node] = []
        if luminance(self.theme.background) < 0.2:  # dark theme: logos sit on a light plate
            fill = "#ffffff"
            plate = [Rect(x - 2, y - 2, size + 4, size + 4, Style(fill=fill), rx=5)]
        if logo.kind == "path":
            ink = logo.color if contrast(logo.color, fill) >= 2.0 else "#1f2933"
            t = f"translate({_f(ox)} {_f(oy)}) scale({scale:.5g}) translate({_f(-logo.origin[0])} {_f(-logo.origin[1])})"
            return plate + [PathNode(d=logo.d, style=Style(fill=ink), transform=t)]
        return plate + [Image(ox, oy, w, h, logo.mime, logo.data)]


def _f(v: float) -> str:
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _quadrant(p: Project, rules: LayoutRules) -> str:
    vert = "top" if p.y >= rules.split_y else "bottom"
    horiz = "right" if p.x >= rules.split_x else "left"
    return f"{vert}-{horiz}"


def build_landscape(data: Dataset, rules: LayoutRules, text: TextEngine, logo_dir: Path,
                    warnings: Warnings, theme: Theme = LIGHT) -> Result:
    """Measure, lay out and describe a landscape in a theme."""
    result = _Builder(data, rules, text, logo_dir, warnings, theme).build()
    missing = text.take_missing()
    if missing:
        detail = "; ".join(f"{owner}: {' '.join(sorted(chars))}" for owner, chars in sorted(missing.items()))
        warnings.add(f"glyphs missing from the font, left blank: {detail}")
    return result
