"""Card measuring: label lines, font size, logo box and card size (px), before any placement.

A card is ``padding | logo box | 7 px | label | badges | padding`` wide and ``card.height``
tall. The logo box is ``logo_size`` tall and follows the logo's aspect up to ``MAX_LOGO_ASPECT``
so wordmarks stay legible; with ``card.style: logo`` the logo is the card and the name is
kept for the tooltip and the report.
"""

from __future__ import annotations

from pathlib import Path

from .logos import Logo, resolve_many
from .model import BADGE_TAGS, CardStyle, Project
from .records import record
from .text import TextEngine

BADGE_SIZE = 10.5  # px, tag badge text ("K8s"): ≥ 8 px when the README image is shown 880 px wide
BADGE_PAD = 8.0  # px, badge width beyond its text
BADGE_GAP = 5.0  # px, between badges and before the first one
LOGO_GAP = 7.0  # px, between the logo box and the label
MAX_LOGO_ASPECT = 3.0  # widest logo box, as width ÷ height
WORDMARK_ASPECT = 2.0  # logos at least this wide may be the project's wordmark
LINE_HEIGHT = 1.15  # label line pitch as a multiple of the font size


@record
class CardSpec:
    """A measured card: size (px), label lines and font size (px), logo box (px) or monogram."""

    project: Project
    w: float
    h: float
    font_size: float
    lines: tuple[tuple[str, float], ...]
    logo: Logo | None
    logo_w: float
    logo_h: float
    logo_only: bool = False


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def is_wordmark(p: Project, logo: Logo) -> bool:
    """A wide logo whose file is named after the project (``kong.svg`` for Kong) spells the name:
    it is drawn large and stands for the label."""
    name = _letters(p.name)
    stem = _letters(Path(p.logo or "").stem)
    return bool(name) and logo.height > 0 and logo.width / logo.height >= WORDMARK_ASPECT and stem.startswith(name)


class CardMeasurer:
    """Measures every card of a landscape; each distinct logo is read and sanitised once."""

    def __init__(self, style: CardStyle, text: TextEngine, logo_dir: Path) -> None:
        self.style = style
        self.text = text
        self.logo_dir = logo_dir
        self.logos: dict[str, Logo | str] = {}
        self.missing: list[str] = []

    def load_logos(self, projects: tuple[Project, ...]) -> None:
        """Resolve every logo reference of ``projects`` (two processes when there are many)."""
        refs = sorted({p.logo for p in projects if p.logo and p.logo not in self.logos})
        self.logos.update(resolve_many(refs, self.logo_dir))

    def logo(self, p: Project) -> Logo | None:
        """The project's logo, or None (the reason is kept for the one warning line)."""
        if not p.logo:
            return None
        if p.logo not in self.logos:
            self.logos.update(resolve_many([p.logo], self.logo_dir))
        found = self.logos[p.logo]
        if isinstance(found, str):
            self.missing.append(f"{p.name} ({found})")
            return None
        return found

    def logo_box(self, logo: Logo | None, height: float) -> tuple[float, float]:
        """Width and height (px) of the box a logo is drawn in: its aspect, at most 3:1."""
        if logo is None or logo.width <= 0 or logo.height <= 0:
            return height, height
        aspect = min(max(logo.width / logo.height, 1.0), MAX_LOGO_ASPECT)
        return round(height * aspect, 2), height

    def badges_width(self, p: Project) -> float:
        """Width (px) of the tag badges at the right end of a card, with their gaps."""
        return sum(self.text.measure(BADGE_TAGS[t], BADGE_SIZE, True) + BADGE_PAD + BADGE_GAP
                   for t in p.tags if t in BADGE_TAGS)

    def measure(self, p: Project) -> CardSpec:
        """Card size from the real label width; wraps to two lines, then shrinks the font."""
        c = self.style
        logo = self.logo(p)
        if logo is not None and (c.style == "logo" or is_wordmark(p, logo)):
            lh = c.height - 2 * max(c.padding - 2, 3)
            lw, lh = self.logo_box(logo, lh)
            w = max(c.min_width, lw + 2 * c.padding + self.badges_width(p))
            return CardSpec(project=p, w=round(w + 0.5), h=c.height, font_size=c.font_size, lines=(), logo=logo,
                            logo_w=lw, logo_h=lh, logo_only=True)
        lw, lh = self.logo_box(logo, c.logo_size)
        inner_h = c.height - 4
        size = c.font_size
        while True:
            lines = self._label_lines(p.name, size, c.max_label_width)
            fits_h = len(lines) * size * LINE_HEIGHT <= inner_h
            fits_w = all(w <= c.max_label_width for _, w in lines)
            if (fits_h and fits_w and len(lines) <= 2) or size <= c.min_font_size:
                break
            size = max(c.min_font_size, size - 0.5)
        if len(lines) * size * LINE_HEIGHT > inner_h:
            lines = [(p.name, self.text.measure(p.name, size, owner=p.name))]
        label_w = max(w for _, w in lines)
        w = max(c.min_width, c.padding * 2 + lw + LOGO_GAP + label_w + self.badges_width(p))
        return CardSpec(project=p, w=round(w + 0.5), h=c.height, font_size=size, lines=tuple(lines), logo=logo,
                        logo_w=lw, logo_h=lh)

    def _label_lines(self, name: str, size: float, width: float) -> list[tuple[str, float]]:
        full = self.text.measure(name, size, owner=name)
        if full <= width:
            return [(name, full)]
        wrapped = self.text.wrap(name, size, width, owner=name, balance=True)
        if len(wrapped) > 2:
            best = self._balanced_split(name, size)
            if best:
                return best
        return [(line.text, line.width) for line in wrapped]

    def _balanced_split(self, name: str, size: float) -> list[tuple[str, float]] | None:
        words = name.split(" ")
        if len(words) < 2:
            return None
        options = []
        for i in range(1, len(words)):
            a, b = " ".join(words[:i]), " ".join(words[i:])
            wa, wb = self.text.measure(a, size, owner=name), self.text.measure(b, size, owner=name)
            options.append((max(wa, wb), i, [(a, wa), (b, wb)]))
        return min(options)[2]
