"""Text: shaped with HarfBuzz from the pinned font, drawn as glyph outlines (no viewer fonts).

The font is Noto Sans CJK (SIL OFL 1.1), pinned as a pip dependency. HarfBuzz
(``uharfbuzz``) memory-maps it, so opening costs a few ms and no glyph cache is kept.
One shaping pass per string gives both the width used for layout and the glyphs drawn:
kerning and standard ligatures in Latin runs, and in Han runs the OpenType ``locl``
forms of the text's language (zh-CN → Simplified, zh-TW / zh-HK / ja / ko likewise).
Line breaking follows Unicode line breaking (UAX #14, see ``linebreak.py``) with
Chinese phrases kept whole (BudouX). All lengths are px unless noted.
"""

from __future__ import annotations

import importlib.util
import math
import struct
import unicodedata
from pathlib import Path

from .linebreak import is_cjk, is_emoji, NO_LINE_START, break_units, split_units
from .records import record
from .scene import Outline, Text
from .textcache import CacheFile, glyphs_from, glyphs_record, outline_from, outline_record, text_cache

_FONT_PACKAGES = {
    False: ("cvttf_NotoSansCJK_Regular", "NotoSansCJKtc-Regular.otf"),
    True: ("cvttf_NotoSansCJK_Bold", "NotoSansCJKtc-Bold.otf"),
}
_SKIP = {"Cc", "Cf", "Zl", "Zp"}  # control, format (zero-width, bidi) characters: not drawn
# HarfBuzz language of Han runs for a document language; others (en, zh-CN, …) get Simplified
# Chinese forms, the Chinese of this project's data
_HAN_LANGS = {"zh-TW": "zh-Hant", "zh-Hant": "zh-Hant", "zh-HK": "zh-HK", "zh-MO": "zh-HK",
              "ja": "ja", "ko": "ko"}
_LATIN_FEATURES = {"pwid": True}  # proportional quotes and dashes in Latin runs (the font's are full-width)

Placed = tuple[Outline, float, float]  # a glyph outline and its origin (x, baseline) px


def font_path(bold: bool) -> Path:
    """Path of the pinned font file (regular or bold)."""
    package, filename = _FONT_PACKAGES[bold]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"font package {package!r} is not installed; run 'make install'")
    return Path(list(spec.submodule_search_locations)[0]) / filename


def han_language(lang: str | None) -> str:
    """HarfBuzz language tag used for Han runs of a document in ``lang``."""
    return _HAN_LANGS.get(lang or "", "zh-Hans")


class Face:
    """One font file opened with HarfBuzz; metrics in font units (y up)."""

    def __init__(self, path: Path) -> None:
        import uharfbuzz as hb

        self.hb = hb
        self.path = path
        self.face = hb.Face(hb.Blob.from_file_path(str(path)))
        self.font = hb.Font(self.face)
        self.upem = float(self.face.upem)
        os2 = self.face.reference_table("OS/2").data
        ascent, descent = struct.unpack(">hh", bytes(os2[68:72]))  # sTypoAscender, sTypoDescender
        self.ascent, self.descent = float(ascent), float(descent)
        self._ops: dict[int, list[tuple[str, tuple[float, ...]]]] = {}

    def shape(self, text: str, lang: str | None, features: dict[str, bool]) -> list[tuple[int, int, float, float, float]]:
        """(glyph id, cluster, x advance, x offset, y offset) per glyph, font units."""
        buf = self.hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        if lang:
            buf.language = lang
        self.hb.shape(self.font, buf, features)
        return [(info.codepoint, info.cluster, pos.x_advance, pos.x_offset, pos.y_offset)
                for info, pos in zip(buf.glyph_infos, buf.glyph_positions)]

    def ops(self, gid: int) -> list[tuple[str, tuple[float, ...]]]:
        """Outline of one glyph as M, L, C, Z commands with flat coordinates, font units (y up):
        quadratic segments (TrueType fonts) become cubics, a line back to the start just before
        a close is dropped (it draws nothing)."""
        hit = self._ops.get(gid)
        if hit is None:
            pen = _RecordingPen()
            self.font.draw_glyph_with_pen(gid, pen)
            hit = self._ops[gid] = []
            cur = start = (0.0, 0.0)
            for op, args in pen.value:
                if op == "Q":
                    (cx, cy), end = args[:2], args[2:]
                    op, args = "C", (cur[0] + 2 / 3 * (cx - cur[0]), cur[1] + 2 / 3 * (cy - cur[1]),
                                     end[0] + 2 / 3 * (cx - end[0]), end[1] + 2 / 3 * (cy - end[1]), *end)
                if op == "M":
                    start = args
                elif op == "Z" and hit and hit[-1][0] == "L" and tuple(cur) == tuple(start):
                    hit.pop()
                cur = start if op == "Z" else args[-2:]
                hit.append((op, args))
        return hit


class _RecordingPen:
    """The pen protocol HarfBuzz draws into; records flat coordinates."""

    def __init__(self) -> None:
        self.value: list[tuple[str, tuple[float, ...]]] = []

    def moveTo(self, p: tuple[float, float]) -> None:  # noqa: N802 (pen protocol names)
        self.value.append(("M", p))

    def lineTo(self, p: tuple[float, float]) -> None:  # noqa: N802
        self.value.append(("L", p))

    def curveTo(self, a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> None:  # noqa: N802
        self.value.append(("C", (a[0], a[1], b[0], b[1], c[0], c[1])))

    def qCurveTo(self, *pts: tuple[float, float]) -> None:  # noqa: N802
        self.value.append(("Q", tuple(c for p in pts for c in p)))

    def closePath(self) -> None:  # noqa: N802
        self.value.append(("Z", ()))

    def endPath(self) -> None:  # noqa: N802
        self.value.append(("Z", ()))


@record
class Shaped:
    """A shaped string: glyphs (id, x, y of origin in font units from the start), total advance."""

    glyphs: tuple[tuple[int, float, float], ...]
    advance: float
    missing: frozenset[str]


@record
class Line:
    """One laid-out line of text: its string and width in px."""

    text: str
    width: float


def visible(text: str) -> str:
    """``text`` without what is not drawn: control, zero-width, bidi characters and emoji."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in _SKIP and not is_emoji(ch)
                   and ch not in "\ufe0e\ufe0f")


def _runs(text: str) -> list[tuple[str, bool]]:
    """Split into (run, is CJK): punctuation and symbols take the script of the text before them."""
    runs: list[tuple[str, bool]] = []
    for ch in text:
        cjk = is_cjk(ch)
        if not cjk and ch != " " and runs and runs[-1][1] and not ch.isalnum():
            cjk = True  # “ ” — … after Han stay in the Han run
        if runs and runs[-1][1] == cjk:
            runs[-1] = (runs[-1][0] + ch, cjk)
        else:
            runs.append((ch, cjk))
    return runs


class TextEngine:
    """Measures, breaks and outlines text (px, y down). ``lang`` is the document language
    (``en``, ``zh-CN``, ``zh-TW``, ``ja`` …): it picks the glyph forms of Han text."""

    def __init__(self, lang: str | None = None) -> None:
        self.lang = lang
        self.faces: dict[bool, Face] = {}  # opened on first use, only for what the disk cache lacks
        self.missing: dict[str, set[str]] = {}
        self._shaped: dict[tuple[str, bool, str], Shaped] = {}
        self._outlines: dict[tuple[bool, int, float], Outline] = {}
        self._metrics: dict[bool, tuple[float, float, float]] = {}
        self._disk: CacheFile | None = None

    def _face(self, bold: bool) -> Face:
        face = self.faces.get(bold)
        if face is None:
            face = self.faces[bold] = Face(font_path(bold))
        return face

    def _cache(self) -> CacheFile:
        if self._disk is None:
            self._disk = text_cache([font_path(False), font_path(True)])
        return self._disk

    def _face_metrics(self, bold: bool) -> tuple[float, float, float]:
        """Units per em, ascent and descent of a face (font units)."""
        hit = self._metrics.get(bold)
        if hit is None:
            stored = self._cache().get("faces", str(int(bold)))
            if isinstance(stored, list) and len(stored) == 3 and all(isinstance(v, float) for v in stored):
                hit = (stored[0], stored[1], stored[2])
            else:
                face = self._face(bold)
                hit = (face.upem, face.ascent, face.descent)
                self._cache().put("faces", str(int(bold)), list(hit))
            self._metrics[bold] = hit
        return hit

    def ascent(self, size: float, bold: bool = False) -> float:
        """Distance from baseline to the top of tall glyphs, px."""
        upem, ascent, _ = self._face_metrics(bold)
        return ascent * size / upem

    def descent(self, size: float, bold: bool = False) -> float:
        """Distance from baseline to the bottom of descenders (positive), px."""
        upem, _, descent = self._face_metrics(bold)
        return -descent * size / upem

    def shape(self, text: str, bold: bool = False, owner: str = "", lang: str | None = None) -> Shaped:
        """``text`` shaped once (cached): Han runs with the language's forms, Latin runs with
        kerning and ligatures. A letter the font lacks is a 0.5 em gap, an emoji or symbol it
        lacks is left out (the text closes up); both are recorded for ``owner``."""
        han = han_language(lang or self.lang)
        key = (text, bold, han)
        hit = self._shaped.get(key)
        if hit is None:
            disk_key = f"{int(bold)}|{han}|{text}"
            hit = _stored_shape(self._cache().record("shaped", disk_key))
            if hit is None:
                hit = self._shape(text, bold, han)
                ints = glyphs_record(hit.glyphs)
                if ints is not None:
                    self._cache().put_record("shaped", disk_key, [hit.advance, sorted(hit.missing)], ints)
            self._shaped[key] = hit
        if hit.missing:
            self.missing.setdefault(owner, set()).update(hit.missing)
        return hit

    def _shape(self, text: str, bold: bool, han: str) -> Shaped:
        face = self._face(bold)
        missing = {ch for ch in text if is_emoji(ch)}
        glyphs: list[tuple[int, float, float]] = []
        pen = 0.0
        for run, cjk in _runs(visible(text)):
            shaped = face.shape(run, han, {}) if cjk else face.shape(run, None, _LATIN_FEATURES)
            for gid, cluster, advance, dx, dy in shaped:
                if gid == 0:
                    missing.add(run[cluster])
                    if unicodedata.category(run[cluster]) != "So":  # a symbol (⚡ ❤) is left out like emoji
                        pen += face.upem / 2
                    continue
                glyphs.append((gid, pen + dx, float(dy)))
                pen += advance
        return Shaped(tuple(glyphs), pen, frozenset(missing))

    def measure(self, text: str, size: float, bold: bool = False, owner: str = "", lang: str | None = None) -> float:
        """Shaped advance width of ``text`` at ``size`` px (exactly the width drawn)."""
        return self.shape(text, bold, owner, lang).advance * size / self._face_metrics(bold)[0]

    def outline(self, text: str, x: float, baseline: float, size: float, bold: bool = False,
                owner: str = "", lang: str | None = None) -> tuple[Placed, ...]:
        """The glyph outlines drawing ``text`` with its left end at x and its baseline at y (px)."""
        scale = size / self._face_metrics(bold)[0]
        out: list[Placed] = []
        for gid, gx, gy in self.shape(text, bold, owner, lang).glyphs:
            outline = self._outline(bold, gid, size)
            if not outline.empty:
                out.append((outline, round(x + gx * scale, 2), round(baseline - gy * scale, 2)))
        return tuple(out)

    def _outline(self, bold: bool, gid: int, size: float) -> Outline:
        key = (bold, gid, size)
        hit = self._outlines.get(key)
        if hit is None:
            disk_key = f"{int(bold)}|{gid}|{size!r}"
            found = self._cache().record("outlines", disk_key)
            hit = outline_from(*found) if found else None
            if hit is None:
                hit = Outline(self._outline_ops(bold, gid, size))
                stored = outline_record(hit)
                if stored:
                    self._cache().put_record("outlines", disk_key, *stored)
            self._outlines[key] = hit
        return hit

    def _outline_ops(self, bold: bool, gid: int, size: float) -> tuple[tuple[str, tuple[float, ...]], ...]:
        """Outline commands of one glyph at ``size`` px (y down), coordinates rounded to 0.01 px."""
        face = self._face(bold)
        k = size / face.upem
        ops: list[tuple[str, tuple[float, ...]]] = []
        for op, args in face.ops(gid):
            if op == "C":
                x1, y1, x2, y2, x3, y3 = args
                ops.append((op, (round(x1 * k, 2), round(-y1 * k, 2), round(x2 * k, 2), round(-y2 * k, 2),
                                 round(x3 * k, 2), round(-y3 * k, 2))))
            elif op == "Z":
                ops.append((op, ()))
            else:
                ops.append((op, (round(args[0] * k, 2), round(-args[1] * k, 2))))
        return tuple(ops)

    def text_node(self, text: str, x: float, baseline: float, size: float, bold: bool = False,
                  fill: str = "#000000", role: str = "label", owner: str = "", lang: str | None = None) -> Text:
        """A scene Text node: ``text`` outlined with its left end at x and baseline at y (px);
        its box spans the shaped advance width and the font's ascent and descent."""
        w = self.measure(text, size, bold, owner, lang)
        asc = self.ascent(size, bold)
        return Text(text=text, glyphs=self.outline(text, x, baseline, size, bold, owner, lang), fill=fill,
                    box=(x, baseline - asc, w, asc + self.descent(size, bold)), role=role)

    def wrap(self, text: str, size: float, width: float, bold: bool = False, owner: str = "",
             break_words: bool = False, lang: str | None = None, balance: bool = False) -> list[Line]:
        """Lines of at most ``width`` px, broken greedily at Unicode line-break opportunities
        (UAX #14: spaces, after ``/`` ``-`` ``—``, between Han characters) but never inside a
        Chinese phrase; no line starts with closing punctuation or ends with opening punctuation,
        and a last line holding one Han character takes a phrase from the line above. A unit
        wider than ``width`` is broken between characters only with ``break_words``. With
        ``balance``, the lines are as even as the breaks allow: the narrowest width that keeps
        the greedy number of lines, and at that width the breaks whose lines differ least from
        it (Σ of squared shortfalls, px²), so no short word is left alone between two long lines."""
        lines = self._greedy(text, size, width, bold, owner, break_words, lang)
        if balance and len(lines) > 1:
            lo, hi = width / 2, width
            for _ in range(10):
                mid = (lo + hi) / 2
                trial = self._greedy(text, size, mid, bold, owner, break_words, lang)
                if len(trial) <= len(lines) and all(line.width <= mid + 1e-6 for line in trial):
                    lines, hi = trial, mid
                else:
                    lo = mid
            lines = self._even(text, size, max(line.width for line in lines), len(lines), bold, owner,
                               break_words, lang) or lines
        return lines

    def _even(self, text: str, size: float, width: float, count: int, bold: bool, owner: str,
              break_words: bool, lang: str | None) -> list[Line] | None:
        """``count`` lines of at most ``width`` px with the least Σ (width − line width)², by
        dynamic programming over the break units; None when that finds nothing better to check."""
        units = self._units(text, size, width, bold, owner, break_words, lang)
        full = [self.measure(u, size, bold, owner, lang) for u in units]
        bare = [self.measure(u.rstrip(), size, bold, owner, lang) for u in units]
        k = len(units)
        inf = math.inf
        best = [[inf] * (k + 1) for _ in range(count + 1)]
        back = [[0] * (k + 1) for _ in range(count + 1)]
        best[0][0] = 0.0
        for n in range(1, count + 1):
            for j in range(1, k + 1):
                run = 0.0  # Σ full widths of units[i:j - 1]
                for i in range(j - 1, -1, -1):
                    if i < j - 1:
                        run += full[i]
                    w = run + bare[j - 1]
                    if w > width + 1e-6:
                        break
                    cost = best[n - 1][i] + (width - w) ** 2
                    if cost < best[n][j] - 1e-9:
                        best[n][j], back[n][j] = cost, i
        if best[count][k] == inf:
            return None
        cuts, j = [], k
        for n in range(count, 0, -1):
            cuts.append((back[n][j], j))
            j = back[n][j]
        parts = ["".join(units[i:j]).strip() for i, j in reversed(cuts)]
        if len(parts[-1]) == 1 and is_cjk(parts[-1]):
            return None  # a lone Han character: the greedy lines already fixed that
        lines = [Line(part, self.measure(part, size, bold, owner, lang)) for part in parts]
        return lines if all(part and line.width <= width + 1e-6 for part, line in zip(parts, lines)) else None

    def _greedy(self, text: str, size: float, width: float, bold: bool, owner: str, break_words: bool,
                lang: str | None) -> list[Line]:
        def m(s: str) -> float:
            return self.measure(s.rstrip(), size, bold, owner, lang)

        units = self._units(text, size, width, bold, owner, break_words, lang)
        lines: list[list[str]] = []
        for unit in units:
            if lines and m("".join(lines[-1]) + unit) <= width + 1e-9:
                lines[-1].append(unit)
            else:
                lines.append([unit])
        if len(lines) >= 2 and _lone_han(lines[-1]) and len(lines[-2]) > 1:
            moved = [lines[-2][-1]] + lines[-1]
            if m("".join(moved)) <= width + 1e-9:
                lines[-2], lines[-1] = lines[-2][:-1], moved
        out = []
        for parts in lines:
            s = "".join(parts).strip()
            if s:
                out.append(Line(s, m(s)))
        return out

    def _units(self, text: str, size: float, width: float, bold: bool, owner: str, break_words: bool,
               lang: str | None) -> list[str]:
        """The break units of ``text``; with ``break_words``, one wider than ``width`` is cut."""
        units: list[str] = []
        for unit in break_units(text):
            if break_words and self.measure(unit.rstrip(), size, bold, owner, lang) > width and len(unit.strip()) > 1:
                units.extend(self._split_unit(unit, size, width, bold, owner, lang))
            else:
                units.append(unit)
        return units

    def _split_unit(self, unit: str, size: float, width: float, bold: bool, owner: str,
                    lang: str | None) -> list[str]:
        """Break one over-long unit between characters so each piece fits ``width``."""
        pieces: list[str] = []
        piece = ""
        for ch in split_units(unit):
            if piece and self.measure((piece + ch).rstrip(), size, bold, owner, lang) > width \
                    and ch[0] not in NO_LINE_START:
                pieces.append(piece)
                piece = ch
            else:
                piece += ch
        pieces.append(piece)
        return pieces

    def take_missing(self) -> dict[str, set[str]]:
        """Missing glyphs and left-out emoji seen so far, by owner; resets the record."""
        missing, self.missing = self.missing, {}
        return missing


def _stored_shape(found: tuple[object, list[int]] | None) -> Shaped | None:
    """A Shaped from its cache record (head ``[advance, missing characters]``, glyph integers);
    None when absent or not of that form."""
    if found is None:
        return None
    head, ints = found
    glyphs = glyphs_from(ints)
    if glyphs is None or not isinstance(head, list) or len(head) != 2 or not isinstance(head[0], float) \
            or not isinstance(head[1], list) or not all(isinstance(ch, str) for ch in head[1]):
        return None
    return Shaped(glyphs, head[0], frozenset(head[1]))


def _lone_han(parts: list[str]) -> bool:
    """Whether a line is a single Han character (with any punctuation)."""
    return sum(1 for ch in "".join(parts) if is_cjk(ch) and ch.isalpha()) == 1 and \
        not any(ch.isalnum() and not is_cjk(ch) for ch in "".join(parts))
