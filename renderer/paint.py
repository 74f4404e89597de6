"""Drawing: turns a planned frame and placed cards into scene nodes. Decides nothing about
positions; every length is px."""

from __future__ import annotations

from .cards import BADGE_GAP, BADGE_PAD, BADGE_SIZE, LINE_HEIGHT, LOGO_GAP, CardSpec
from .colors import contrast, luminance, mix
from .frame import AXIS_SIZE, BAND_SIZE, SMALL, SUB_SIZE, SUBTITLE_SIZE, Frame, FrameGeometry
from .layout import Placed, spread
from .logos import monogram
from .model import BADGE_TAGS, Band, Dataset, LayoutRules, Theme
from .plan import SlabPx
from .scene import Circle, Group, Image, Line, Node, Path as PathNode, Rect, Style, Text
from .text import TextEngine

K8S_BLUE = "#326ce5"


class Painter:
    """Scene nodes for one landscape; frame texts are collected for the collision check."""

    def __init__(self, rules: LayoutRules, theme: Theme, text: TextEngine, geometry: FrameGeometry) -> None:
        self.rules = rules
        self.theme = theme
        self.text = text
        self.geo = geometry
        self.frame_texts: list[tuple[Text, float]] = []  # with their font size (px)

    # ------------------------------------------------------------ text

    def label(self, text: str, x: float, baseline: float, size: float, fill: str, bold: bool = False,
              role: str = "label", owner: str = "", frame: bool = False) -> Text:
        """Outlined text with its left end at x (px)."""
        node = self.text.text_node(text, x, baseline, size, bold, fill, role, owner=owner or text)
        if frame:
            self.frame_texts.append((node, size))
        return node

    def centred(self, text: str, cx: float, cy: float, size: float, fill: str, bold: bool = False,
                role: str = "label", frame: bool = False) -> Text:
        """Outlined text centred on (cx, cy) px."""
        w = self.text.measure(text, size, bold, owner=text)
        asc, desc = self.text.ascent(size, bold), self.text.descent(size, bold)
        return self.label(text, cx - w / 2, cy + (asc - desc) / 2, size, fill, bold, role, frame=frame)

    def card_fill(self, color: str) -> str:
        """Card (and band tag) fill for a group colour in the current theme."""
        return mix(color, self.theme.background, self.theme.card_tint)

    # ------------------------------------------------------------ frame

    def header(self, data: Dataset, fr: Frame) -> list[Node]:
        """Title, subtitle and strip labels."""
        r, t = self.rules, self.text
        m = r.margin
        y = m + t.ascent(r.title_size, True)
        out: list[Node] = [self.label(data.title, m, y, r.title_size, self.theme.ink, True, "title", frame=True)]
        if data.subtitle:
            y += t.descent(r.title_size, True) + 6 + t.ascent(SUBTITLE_SIZE)
            out.append(self.label(data.subtitle, m, y, SUBTITLE_SIZE, self.theme.muted, role="subtitle", frame=True))
        for strip, (x0, *_), ly in zip(r.strips, fr.strips, fr.strip_label_y):
            out.append(self.label(strip.label, x0, ly + t.ascent(SMALL, True), SMALL, self.theme.muted, True,
                                  "strip-label", frame=True))
        return out

    def chart(self, fr: Frame, bands: list[tuple[Band, float, float]], split: tuple[float, float],
              slabs: list[SlabPx]) -> Group:
        """Band shading, band labels, sub-band captions, chart border and split lines; ``bands``
        are drawn extents."""
        x0, y0, x1, y1 = fr.chart
        parts: list[Node] = []
        bx0, bx1 = fr.band_col
        tag_h = self.geo.band_tag_h
        for i, (band, top, bottom) in enumerate(bands):
            shade_top = y0 if i == 0 else top
            shade_bottom = y1 if i == len(bands) - 1 else bottom
            if i % 2 == 0:
                parts.append(Rect(x0, shade_top, x1 - x0, shade_bottom - shade_top, Style(fill=self.theme.shade)))
            color = self.rules.groups[band.groups[0]].color
            parts.append(Rect(bx0, top + 2, 4, max(bottom - top - 4, 1.0), Style(fill=color), rx=2))
            cy = (top + bottom) / 2
            parts.append(Rect(bx0 + 6, cy - tag_h / 2, bx1 - bx0 - 6, tag_h, Style(fill=self.card_fill(color)), rx=4))
            parts.append(self.centred(band.label, bx0 + 6 + (bx1 - bx0 - 6) / 2, cy, BAND_SIZE, self.theme.ink, True,
                                      "band-label", frame=True))
        parts.extend(self._notes(fr))
        parts.extend(self._captions(fr, slabs))
        parts.append(Rect(x0, y0, x1 - x0, y1 - y0, Style(stroke=self.theme.line, stroke_width=1.4, dash="4 4")))
        sx, sy = split
        line = Style(stroke=self.theme.line, stroke_width=1.2, dash="6 5")
        parts.append(Line(sx, y0, sx, y1, line))
        parts.append(Line(x0, sy, x1, sy, line))
        return Group(children=tuple(parts), id="chart")

    def _captions(self, fr: Frame, slabs: list[SlabPx]) -> list[Node]:
        """A small caption at the top left of each sub-band, a faint rule above all but a band's first."""
        ix0, _, ix1, _ = fr.inner
        out: list[Node] = []
        prev: Band | None = None
        for sp in slabs:
            if sp.slab.sub is None:
                prev = sp.slab.band
                continue
            if sp.slab.band is prev:
                out.append(Line(ix0, sp.top, ix1, sp.top, Style(stroke=self.theme.line, stroke_width=0.6, opacity=0.45)))
            prev = sp.slab.band
            if sp.slab.sub and sp.slab.caption:
                out.append(self.label(sp.slab.sub, ix0 + 2, sp.top + 1 + self.text.ascent(SUB_SIZE), SUB_SIZE,
                                      self.theme.muted, role="sub-band-label", frame=True))
        return out

    def _notes(self, fr: Frame) -> list[Node]:
        """Free right-side labels at their y hints, spread so that none overlap."""
        notes = self.rules.notes
        if not notes:
            return []
        ix0, iy0, ix1, iy1 = fr.inner
        bx0, bx1 = fr.band_col
        tag_h = self.geo.band_tag_h
        tops = spread([iy1 - n.y / 100 * (iy1 - iy0) for n in notes], [tag_h] * len(notes), fr.chart[1],
                      fr.chart[3], 6)
        out: list[Node] = []
        for note, top in zip(notes, tops):
            color = self.rules.groups[note.group].color if note.group else self.theme.line
            out.append(Rect(bx0, top, 4, tag_h, Style(fill=color), rx=1))
            out.append(Rect(bx0 + 6, top, bx1 - bx0 - 6, tag_h, Style(fill=self.card_fill(color)), rx=4))
            out.append(self.centred(note.label, bx0 + 6 + (bx1 - bx0 - 6) / 2, top + tag_h / 2, BAND_SIZE,
                                    self.theme.ink, True, "band-label", frame=True))
        return out

    def axes(self, fr: Frame, split: tuple[float, float]) -> Group:
        """Quadrant labels and top/bottom axis labels beside the chart; left → right axis as an
        arrow under it."""
        r, t, th = self.rules, self.text, self.theme
        x0, _y0, x1, _y1 = fr.chart
        sx, _sy = split
        row_h = self.geo.axis_row_h
        out: list[Node] = []
        q = r.quadrants
        for key, row, left in (("top_left", fr.top_row_y, True), ("top_right", fr.top_row_y, False),
                               ("bottom_left", fr.bottom_row_y, True), ("bottom_right", fr.bottom_row_y, False)):
            if q[key]:
                w = t.measure(q[key], SMALL)
                x = x0 + 2 if left else x1 - 2 - w
                base = row + row_h / 2 + (t.ascent(SMALL) - t.descent(SMALL)) / 2
                out.append(self.label(q[key], x, base, SMALL, th.muted, role="quadrant-label", frame=True))
        for side, row, lq, rq in (("top", fr.top_row_y, "top_left", "top_right"),
                                  ("bottom", fr.bottom_row_y, "bottom_left", "bottom_right")):
            if r.axis[side]:
                w = t.measure(r.axis[side], AXIS_SIZE, True)
                lo = x0 + 2 + (t.measure(q[lq], SMALL) + 16 if q[lq] else 0) + w / 2
                hi = x1 - 2 - (t.measure(q[rq], SMALL) + 16 if q[rq] else 0) - w / 2
                cx = min(max(sx, lo), hi) if lo <= hi else (x0 + x1) / 2
                out.append(self.centred(r.axis[side], cx, row + row_h / 2, AXIS_SIZE, th.ink, True, "axis-label",
                                        frame=True))
        if self.geo.arrow_row_h:
            out.extend(self._arrow(fr))
        return Group(children=tuple(out), id="axes")

    def _arrow(self, fr: Frame) -> list[Node]:
        r, t, th = self.rules, self.text, self.theme
        x0, _, x1, _ = fr.chart
        cy = fr.arrow_row_y + self.geo.arrow_row_h / 2
        left, right = r.axis["left"], r.axis["right"]
        lw = t.measure(left, AXIS_SIZE) if left else 0.0
        rw = t.measure(right, AXIS_SIZE) if right else 0.0
        out: list[Node] = []
        if left:
            out.append(self.centred(left, x0 + lw / 2, cy, AXIS_SIZE, th.ink, role="axis-label", frame=True))
        if right:
            out.append(self.centred(right, x1 - rw / 2, cy, AXIS_SIZE, th.ink, role="axis-label", frame=True))
        a0, a1 = x0 + lw + 14, x1 - rw - 14
        if a1 - a0 > 40:
            ink = Style(stroke=th.muted, stroke_width=1.4)
            out.append(Line(a0, cy, a1, cy, ink))
            out.append(PathNode(d=f"M{a1 - 9:.2f} {cy - 5:.2f}L{a1:.2f} {cy:.2f}L{a1 - 9:.2f} {cy + 5:.2f}Z",
                                style=Style(fill=th.muted)))
        return out

    def legend(self, fr: Frame, dash: str, stroke_width: float) -> Group:
        """Solid/dashed legend, the band-label note and the footnote."""
        r, t, th = self.rules, self.text, self.theme
        x = r.margin
        cy = fr.legend_y + max(self.geo.height(SMALL), 18) / 2
        out: list[Node] = []
        for d, text in ((None, r.legend_mature), (dash, r.legend_early)):
            if not text:
                continue
            out.append(Rect(x, cy - 8, 28, 16, Style(fill=th.background, stroke=th.line, stroke_width=stroke_width,
                                                     dash=d), rx=4))
            x += 36
            out.append(self.centred(text, x + t.measure(text, SMALL) / 2, cy, SMALL, th.ink, role="legend",
                                    frame=True))
            x += t.measure(text, SMALL) + 28
        if r.legend_notes and (r.bands or r.notes):
            out.append(self.centred(r.legend_notes, x + t.measure(r.legend_notes, SMALL) / 2, cy, SMALL, th.muted,
                                    role="legend", frame=True))
        if r.footnote:
            base = fr.footnote_y + t.ascent(SMALL)
            out.append(self.label("• " + r.footnote, r.margin, base, SMALL, th.muted, role="footnote", frame=True))
        return Group(children=tuple(out), id="legend")

    # ------------------------------------------------------------ cards

    def card(self, s: CardSpec, pl: Placed) -> tuple[Group, int]:
        """One card group; returns it and 1 when its label would overflow (never expected)."""
        c = self.rules.card
        p = s.project
        g = self.rules.groups[p.group]
        fill = self.theme.background if p.early else self.card_fill(g.color)
        style = Style(fill=fill, stroke=mix(g.color, "#ffffff", self.theme.stroke_lighten), stroke_width=c.stroke_width,
                      dash=c.dash if p.early else None)
        children: list[Node] = [Rect(pl.x, pl.y, pl.w, pl.h, style, rx=c.radius)]
        badges_w = sum(self.text.measure(BADGE_TAGS[t], BADGE_SIZE, True) + BADGE_PAD + BADGE_GAP
                       for t in p.tags if t in BADGE_TAGS)
        if s.logo_only:
            lx = pl.x + (pl.w - badges_w - s.logo_w) / 2
        else:
            lx = pl.x + c.padding
        children.extend(self._logo(s, lx, pl.y + (pl.h - s.logo_h) / 2, g.color, fill))
        spill = 0
        tx = lx + s.logo_w + LOGO_GAP
        line_h = s.font_size * LINE_HEIGHT
        asc, desc = self.text.ascent(s.font_size), self.text.descent(s.font_size)
        top = pl.y + (pl.h - line_h * len(s.lines)) / 2
        text_right = pl.x + pl.w - c.padding - badges_w + 0.5
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
            bx -= tw + BADGE_PAD
            bh = BADGE_SIZE + 5
            children.append(Rect(bx, pl.y + (pl.h - bh) / 2, tw + BADGE_PAD, bh, Style(fill=K8S_BLUE), rx=bh / 2))
            children.append(self.centred(text, bx + (tw + BADGE_PAD) / 2, pl.y + pl.h / 2, BADGE_SIZE, "#ffffff", True,
                                         "badge"))
            bx -= BADGE_GAP
        classes = ("card", "early") if p.early else ("card",)
        title = f"{p.name} — {g.label} · {'early stage' if p.early else 'mature'}"
        return Group(children=tuple(children), id=p.slug, classes=classes + (f"group-{p.group}",), title=title,
                     href=p.url, data=(("group", p.group), ("stage", p.stage))), spill

    def _logo(self, s: CardSpec, x: float, y: float, color: str, fill: str) -> list[Node]:
        """Logo (scaled into its box, centred) or a monogram disc; (x, y) is the box's top left."""
        logo, bw, bh = s.logo, s.logo_w, s.logo_h
        if logo is None:
            mono = s.project.monogram or monogram(s.project.name)
            size = bh
            unit = max(self.text.measure(mono, 1.0, True), 0.01)
            fs = min(size * (0.5 if len(mono) > 1 else 0.58), size * 0.8 / unit)
            return [Circle(x + size / 2, y + size / 2, size / 2, Style(fill=color)),
                    self.centred(mono, x + size / 2, y + size / 2, fs, "#ffffff", True, "monogram")]
        scale = min(bw / logo.width, bh / logo.height)
        w, h = logo.width * scale, logo.height * scale
        ox, oy = x + (bw - w) / 2, y + (bh - h) / 2
        plate: list[Node] = []
        if luminance(self.theme.background) < 0.2:  # dark theme: logos sit on a light plate
            fill = "#ffffff"
            plate = [Rect(ox - 2, oy - 2, w + 4, h + 4, Style(fill=fill), rx=4)]
        if logo.kind == "path":
            ink = logo.color if contrast(logo.color, fill) >= 2.0 else "#1f2933"
            t = f"translate({_f(ox)} {_f(oy)}) scale({scale:.5g}) translate({_f(-logo.origin[0])} {_f(-logo.origin[1])})"
            return plate + [PathNode(d=logo.d, style=Style(fill=ink), transform=t)]
        return plate + [Image(ox, oy, w, h, logo.mime, logo.data)]


def _f(v: float) -> str:
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
