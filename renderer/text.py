"""Text: real font metrics and glyph outlines (SVG path data), no viewer fonts needed.

The font is Noto Sans CJK (SIL OFL 1.1), pinned as a pip dependency. Opening the
16 MB font costs ~150 ms, so glyph advances and outlines are kept in a small JSON
cache per font file (``$LANDSCAPE_CACHE`` or ``~/.cache/landscape``); the cache holds
exactly what the font gives, so output does not depend on it.
Widths are sums of advance widths (no kerning). All lengths are px unless noted.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_VERSION = 3
_FONT_PACKAGES = {
    False: ("cvttf_NotoSansCJK_Regular", "NotoSansCJKtc-Regular.otf"),
    True: ("cvttf_NotoSansCJK_Bold", "NotoSansCJKtc-Bold.otf"),
}
_SKIP = {"Cc", "Cf", "Zl", "Zp"}  # control, format (zero-width, bidi) characters: not drawn


def font_path(bold: bool) -> Path:
    """Path of the pinned font file (regular or bold)."""
    package, filename = _FONT_PACKAGES[bold]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"font package {package!r} is not installed; run 'make install'")
    return Path(list(spec.submodule_search_locations)[0]) / filename


def cache_dir() -> Path:
    """Folder of the glyph caches."""
    env = os.environ.get("LANDSCAPE_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "landscape"


class _Glyph:
    """One glyph in font units: advance and outline commands (y up), decoded lazily."""

    __slots__ = ("advance", "_ops", "_encoded")

    def __init__(self, advance: float, ops: list[tuple[str, tuple[float, ...]]] | None = None,
                 encoded: str | None = None) -> None:
        self.advance = advance
        self._ops = ops
        self._encoded = encoded

    @property
    def ops(self) -> list[tuple[str, tuple[float, ...]]]:
        """Outline commands as (pen method, flat coordinates)."""
        if self._ops is None:
            self._ops = _decode(self._encoded or "")
        return self._ops

    def encoded(self) -> str:
        """Outline in the cache's compact text form."""
        if self._encoded is None:
            self._encoded = _encode(self._ops or [])
        return self._encoded


@dataclass
class Face:
    """One font file with a persistent glyph cache; units are font units (y up)."""

    path: Path
    upem: float = 1000.0
    ascent: float = 880.0
    descent: float = -120.0
    _glyphs: dict[int, _Glyph | None] = field(default_factory=dict)
    _font: Any = None
    _cmap: dict[int, str] | None = None
    _dirty: bool = False
    _cache_file: Path | None = None

    @classmethod
    def open(cls, path: Path) -> "Face":
        """Open a face, loading its cache when it matches the file."""
        face = cls(path=path)
        stat = path.stat()
        key = f"{path.name}-{stat.st_size}-{int(stat.st_mtime)}-v{CACHE_VERSION}"
        face._cache_file = cache_dir() / f"{key}.json"
        try:
            data = json.loads(face._cache_file.read_text(encoding="utf-8"))
            face.upem, face.ascent, face.descent = data["upem"], data["ascent"], data["descent"]
            for cp, entry in data["glyphs"].items():
                if entry is not None and not (isinstance(entry[0], (int, float)) and _VALID.fullmatch(entry[1])):
                    raise ValueError(f"bad cache entry for U+{int(cp):04X}")
                face._glyphs[int(cp)] = None if entry is None else _Glyph(entry[0], encoded=entry[1])
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            face._glyphs.clear()
            face._load_font()
        return face

    def _load_font(self) -> None:
        if self._font is not None:
            return
        from fontTools.ttLib import TTFont

        self._font = TTFont(str(self.path), lazy=True)
        self._cmap = self._font.getBestCmap()
        self.upem = float(self._font["head"].unitsPerEm)
        os2 = self._font["OS/2"]
        self.ascent = float(os2.sTypoAscender)
        self.descent = float(os2.sTypoDescender)
        self._glyphset = self._font.getGlyphSet()
        self._dirty = True

    def glyph(self, cp: int) -> _Glyph | None:
        """The glyph for a code point, or None when the font lacks it."""
        if cp in self._glyphs:
            return self._glyphs[cp]
        self._load_font()
        from fontTools.pens.recordingPen import RecordingPen

        name = self._cmap.get(cp) if self._cmap else None
        result: _Glyph | None = None
        if name is not None:
            glyph = self._glyphset[name]
            pen = RecordingPen()
            glyph.draw(pen)
            ops = [(op, tuple(float(c) for pt in pts for c in pt)) for op, pts in pen.value]
            result = _Glyph(float(glyph.width), ops)
        self._glyphs[cp] = result
        self._dirty = True
        return result

    def save(self) -> None:
        """Write the cache atomically when new glyphs were loaded (best effort)."""
        if not self._dirty or self._cache_file is None:
            return
        data = {
            "upem": self.upem, "ascent": self.ascent, "descent": self.descent,
            "glyphs": {str(cp): None if g is None else [g.advance, g.encoded()]
                       for cp, g in sorted(self._glyphs.items())},
        }
        import tempfile

        try:
            self._cache_file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._cache_file.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, separators=(",", ":"))
            os.replace(tmp, self._cache_file)
            self._dirty = False
        except OSError:
            pass  # the cache only saves time; the output is the same without it


_NUM = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"
_VALID = re.compile(rf"(?:(?:[ml]{_NUM},{_NUM}|c{_NUM}(?:,{_NUM}){{5}}|q{_NUM}(?:,{_NUM})+|[ze])(?: |$))*")
_OPNAMES = {"m": "moveTo", "l": "lineTo", "c": "curveTo", "q": "qCurveTo", "z": "closePath", "e": "endPath"}
_OPCODES = {name: code for code, name in _OPNAMES.items()}


def _encode(ops: list[tuple[str, tuple[float, ...]]]) -> str:
    return " ".join(_OPCODES[op] + ",".join(f"{v:g}" for v in args) for op, args in ops)



def _decode(text: str) -> list[tuple[str, tuple[float, ...]]]:
    ops = []
    for token in text.split(" "):
        if not token:
            continue
        name = _OPNAMES[token[0]]
        args = tuple(float(v) for v in token[1:].split(",")) if len(token) > 1 else ()
        ops.append((name, args))
    return ops


@dataclass(frozen=True)
class Line:
    """One laid-out line of text: its string and width in px."""

    text: str
    width: float


class TextEngine:
    """Measures text and turns it into outline path data (px, y down)."""

    def __init__(self) -> None:
        self.faces: dict[bool, Face] = {}  # opened on first use
        self.missing: dict[str, set[str]] = {}
        self._scaled: dict[tuple[bool, float, int], tuple[int, int, str, int, int, int]] = {}

    def save(self) -> None:
        """Persist new glyphs to the cache."""
        for face in self.faces.values():
            face.save()

    def _face(self, bold: bool) -> Face:
        face = self.faces.get(bold)
        if face is None:
            face = self.faces[bold] = Face.open(font_path(bold))
        return face

    def ascent(self, size: float, bold: bool = False) -> float:
        """Distance from baseline to the top of tall glyphs, px."""
        face = self._face(bold)
        return face.ascent * size / face.upem

    def descent(self, size: float, bold: bool = False) -> float:
        """Distance from baseline to the bottom of descenders (positive), px."""
        face = self._face(bold)
        return -face.descent * size / face.upem

    def _chars(self, text: str, bold: bool, owner: str) -> list[tuple[str, _Glyph | None]]:
        face = self._face(bold)
        out = []
        for ch in text:
            if unicodedata.category(ch) in _SKIP:
                continue
            glyph = face.glyph(ord(ch))
            if glyph is None:
                self.missing.setdefault(owner, set()).add(ch)
            out.append((ch, glyph))
        return out

    def measure(self, text: str, size: float, bold: bool = False, owner: str = "") -> float:
        """Advance width of ``text`` at ``size`` px; a missing glyph counts 0.5 em."""
        face = self._face(bold)
        units = sum(g.advance if g else face.upem / 2 for _, g in self._chars(text, bold, owner))
        return units * size / face.upem

    def outline(self, text: str, x: float, baseline: float, size: float, bold: bool = False,
                owner: str = "") -> str:
        """SVG path data drawing ``text`` with its left end at x and its baseline at y (px)."""
        face = self._face(bold)
        scale = size / face.upem
        parts: list[str] = []
        pen = x
        cur = (0, 0)  # current point in 1/100 px, after the previous glyph
        first = True
        for ch, glyph in self._chars(text, bold, owner):
            if glyph is None:
                pen += face.upem / 2 * scale
                continue
            fx, fy, rest, ex, ey, has = self._scaled_glyph(bold, size, ord(ch), glyph, scale)
            if has:
                ox, oy = round(pen * 100), round(baseline * 100)
                if first:
                    parts.append(f"M{_c(ox + fx)} {_c(oy + fy)}")
                    first = False
                else:
                    parts.append(f"m{_c(ox + fx - cur[0])} {_c(oy + fy - cur[1])}")
                parts.append(rest)
                cur = (ox + ex, oy + ey)
            pen += glyph.advance * scale
        return "".join(parts)

    def _scaled_glyph(self, bold: bool, size: float, cp: int, glyph: _Glyph,
                      scale: float) -> tuple[int, int, str, int, int, int]:
        """Glyph as relative path data in 1/100 px: first move, body, end point."""
        key = (bold, size, cp)
        hit = self._scaled.get(key)
        if hit is not None:
            return hit
        k = scale * 100
        body: list[str] = []
        start = cur = (0, 0)
        first_move: tuple[int, int] | None = None
        for op, args in glyph.ops:
            pts = [(round(args[i] * k), -round(args[i + 1] * k)) for i in range(0, len(args), 2)]
            if op == "moveTo":
                if first_move is None:
                    first_move = pts[0]
                else:
                    body.append(f"m{_c(pts[0][0] - cur[0])} {_c(pts[0][1] - cur[1])}")
                start = cur = pts[0]
            elif op == "lineTo":
                body.append(f"l{_c(pts[0][0] - cur[0])} {_c(pts[0][1] - cur[1])}")
                cur = pts[0]
            elif op in ("curveTo", "qCurveTo"):
                letter = "c" if op == "curveTo" else "q"
                step = 3 if op == "curveTo" else 2
                for i in range(0, len(pts) - step + 1, step):
                    seg = pts[i:i + step]
                    body.append(letter + " ".join(f"{_c(px - cur[0])} {_c(py - cur[1])}" for px, py in seg))
                    cur = seg[-1]
            elif op in ("closePath", "endPath"):
                body.append("z")
                cur = start
        if first_move is None:
            result = (0, 0, "", 0, 0, 0)
        else:
            result = (first_move[0], first_move[1], "".join(body), cur[0], cur[1], 1)
        self._scaled[key] = result
        return result

    def wrap(self, text: str, size: float, width: float, bold: bool = False, owner: str = "",
             break_words: bool = False) -> list[Line]:
        """Greedy line breaking (px): at spaces and between Han characters; closing punctuation
        never starts a line and opening punctuation never ends one. A Latin word wider than
        ``width`` is broken between characters only with ``break_words`` (else it overflows)."""
        lines: list[Line] = []
        current = ""
        for token in _tokens(text):
            if not current:
                token = token.lstrip()
                if not token:
                    continue
            trial = current + token
            if not current or self.measure(trial.rstrip(), size, bold, owner) <= width:
                current = trial
            else:
                lines.append(Line(current.rstrip(), self.measure(current.rstrip(), size, bold, owner)))
                current = token.lstrip()
            if break_words and self.measure(current.rstrip(), size, bold, owner) > width and len(current.strip()) > 1:
                pieces = self._split_word(current.strip(), size, width, bold, owner)
                lines.extend(Line(p, self.measure(p, size, bold, owner)) for p in pieces[:-1])
                current = pieces[-1]
        if current.strip():
            lines.append(Line(current.rstrip(), self.measure(current.rstrip(), size, bold, owner)))
        return lines

    def _split_word(self, word: str, size: float, width: float, bold: bool, owner: str) -> list[str]:
        """Break one over-long word between characters so each piece fits ``width``."""
        pieces: list[str] = []
        piece = ""
        for ch in word:
            if piece and self.measure(piece + ch, size, bold, owner) > width and ch not in _NO_LINE_START:
                pieces.append(piece)
                piece = ch
            else:
                piece += ch
        pieces.append(piece)
        return pieces

    def take_missing(self) -> dict[str, set[str]]:
        """Missing glyphs seen so far, by owner; resets the record."""
        missing, self.missing = self.missing, {}
        return missing


_NO_LINE_START = set("，。、；：？！）」』】》〉’”,.;:?!)]}%·…")
_NO_LINE_END = set("（「『【《〈‘“([{")


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (0x2E80 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFAFF
            or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x2FA1F)


def _tokens(text: str) -> list[str]:
    """Break opportunities: each Han character alone, Latin words with their leading space;
    closing punctuation sticks to the token before it, opening punctuation to the one after."""
    raw: list[str] = []
    buf = ""
    for ch in text:
        if ch == " ":
            if buf:
                raw.append(buf)
            buf = " "
        elif _is_cjk(ch) or ch in _NO_LINE_START or ch in _NO_LINE_END:
            if buf:
                raw.append(buf)
            raw.append(ch)
            buf = ""
        else:
            buf += ch
    if buf:
        raw.append(buf)
    tokens: list[str] = []
    carry = ""
    for tok in raw:
        if tokens and tok[0] in _NO_LINE_START and not carry:
            tokens[-1] += tok
        elif tok.strip() and tok.strip()[-1] in _NO_LINE_END and len(tok.strip()) == 1:
            carry += tok
        else:
            tokens.append(carry + tok)
            carry = ""
    if carry:
        tokens.append(carry)
    return tokens


def _c(v: int) -> str:
    """Format hundredths of a px as a short decimal string."""
    if v % 100 == 0:
        return str(v // 100)
    sign = "-" if v < 0 else ""
    v = abs(v)
    return f"{sign}{v // 100}.{v % 100:02d}".rstrip("0")
