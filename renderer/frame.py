"""Frame geometry: where the title, strips, axis rows, chart, band column, legend and footnote
sit on a canvas of a given width and chart height. Pure arithmetic on text sizes (px).

Sizes are chosen for the README image: a 1120 px canvas shown about 880 px wide keeps every
frame label at ≥ 10 px (13 px × 880 / 1120).
"""

from __future__ import annotations

from .errors import LayoutError
from .model import LayoutRules
from .records import record
from .text import TextEngine

AXIS_SIZE = 15.0  # px, axis labels (top/bottom bold, left/right in the arrow row)
SMALL = 13.0  # px, legend, quadrant, strip and footnote labels
BAND_SIZE = 13.0  # px, right-side band labels (bold)
SUBTITLE_SIZE = 15.0  # px
LABEL_PAD = 10.0  # px, band label tag padding
BAND_COL_GAP = 14.0  # px, between the chart border and the band column
SUB_SIZE = 11.0  # px, sub-band captions (landscape2 subcategories)
SPLIT_GAP = 4.0  # px, between the slabs above and below the horizontal split


@record
class Frame:
    """Rectangles (x0, y0, x1, y1 px) and baselines of the canvas parts."""

    width: float
    height: float
    chart: tuple[float, float, float, float]  # chart border
    inner: tuple[float, float, float, float]  # chart border less its padding: cards live here
    strips: tuple[tuple[float, float, float, float], ...]
    strip_label_y: tuple[float, ...]  # top of each strip's label row
    top_row_y: float  # top of the row above the chart (quadrant labels, top axis label)
    bottom_row_y: float  # top of the row below the chart
    arrow_row_y: float  # top of the x-axis arrow row (left and right axis labels)
    legend_y: float
    footnote_y: float
    band_col: tuple[float, float]  # x0, x1 of the right-side band labels


class FrameGeometry:
    """Text-dependent sizes of the frame, measured once per build."""

    def __init__(self, rules: LayoutRules, text: TextEngine, has_subtitle: bool) -> None:
        self.rules = rules
        self.text = text
        self.has_subtitle = has_subtitle
        labels = [b.label for b in rules.bands] + [n.label for n in rules.notes]
        widest = max((text.measure(lb, BAND_SIZE, True, owner="band label") for lb in labels), default=0.0)
        self.band_col_w = widest + 2 * LABEL_PAD + 6 if labels else 0.0
        self.band_tag_h = self.height(BAND_SIZE, True) + 10
        self.axis_row_h = max(self.height(AXIS_SIZE, True), self.height(SMALL))
        self.caption_h = self.height(SUB_SIZE) + 3
        self.arrow_row_h = self.height(AXIS_SIZE) if rules.axis["left"] or rules.axis["right"] else 0.0

    def height(self, size: float, bold: bool = False) -> float:
        """Ascent + descent (px) of text at ``size`` px."""
        return self.text.ascent(size, bold) + self.text.descent(size, bold)

    def chart_x(self, width: float) -> tuple[float, float]:
        """Left and right edge (px) of the chart border on a canvas ``width`` px wide."""
        r = self.rules
        x0 = r.margin
        x1 = width - r.margin - (self.band_col_w + BAND_COL_GAP if self.band_col_w else 0)
        if x1 - x0 < 300:
            raise LayoutError(f"canvas width {width:.0f} px leaves only {x1 - x0:.0f} px for the chart; "
                              f"raise canvas.width", r.path)
        return x0, x1

    def inner_x(self, width: float) -> tuple[float, float]:
        """Left and right edge (px) of the area cards live in."""
        x0, x1 = self.chart_x(width)
        return x0 + self.rules.chart_padding, x1 - self.rules.chart_padding

    def strip_height(self, rows: int) -> float:
        """Height (px) of a strip of ``rows`` card rows."""
        return rows * self.rules.card.height + (rows - 1) * self.rules.gap

    def layout(self, width: float, chart_h: float, strip_rows: list[int]) -> Frame:
        """Every part, top to bottom, for a canvas ``width`` px wide and a chart ``chart_h`` px tall."""
        r = self.rules
        m = r.margin
        y = m + self.height(r.title_size, True)
        if self.has_subtitle:
            y += 6 + self.height(SUBTITLE_SIZE)
        y += 18
        x0, x1 = self.chart_x(width)
        strips, label_ys = [], []
        for rows in strip_rows:
            label_ys.append(y)
            y += self.height(SMALL, True) + 6
            h = self.strip_height(rows)
            strips.append((x0, y, x1, y + h))
            y += h + 16
        top_row = y
        y += self.axis_row_h + 8
        chart = (x0, y, x1, y + chart_h)
        pad = r.chart_padding
        inner = (x0 + pad, y + pad, x1 - pad, y + chart_h - pad)
        y += chart_h + 8
        bottom_row = y
        y += self.axis_row_h + 6
        arrow_row = y
        if self.arrow_row_h:
            y += self.arrow_row_h + 12
        legend_y = y
        y += max(self.height(SMALL), 18)
        footnote_y = y + 8
        if r.footnote:
            y += 8 + self.height(SMALL)
        y += m
        band_x1 = width - m
        return Frame(width=width, height=y, chart=chart, inner=inner, strips=tuple(strips),
                     strip_label_y=tuple(label_ys), top_row_y=top_row, bottom_row_y=bottom_row,
                     arrow_row_y=arrow_row, legend_y=legend_y, footnote_y=footnote_y,
                     band_col=(band_x1 - self.band_col_w, band_x1))

    def overhead(self, width: float, strip_rows: list[int]) -> float:
        """Canvas height (px) outside the chart border."""
        return self.layout(width, 0.0, strip_rows).height
