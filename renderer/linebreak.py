"""Line-break opportunities: a compact subset of Unicode line breaking (UAX #14), plus
Chinese phrases (BudouX) kept whole.

UAX #14 gives, among others: no break inside ``Node.js`` (IS × AL), ``0.10.2`` (numbers),
``Don’t`` (quotes); a break after ``/`` ``-`` ``—`` and at spaces; no break before closing
or after opening punctuation (，。：；！？）」、 never start a line, （「 never end one);
between two Han characters anywhere. On top of that a break between two Han characters is
kept only at a BudouX phrase boundary (phrases of up to ``MAX_PHRASE`` characters), so
words such as 负载, 维度, 影响力 stay whole. Pure functions of the text.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from .textcache import phrase_cache

MAX_PHRASE = 6  # Han characters: a longer BudouX phrase may break inside, between Han characters

NO_LINE_START = frozenset("，。、；：？！）」』】》〉〕］｝’”,.;:?!)]}%·…‥ー々〻ゝゞヽヾ")
NO_LINE_END = frozenset("（「『【《〈〔［｛‘“([{")

# line-break classes of the characters that are not plain letters (AL) or ideographs (ID)
_CLASS: dict[str, str] = {}
for _chars, _cls in (
    (" \t", "SP"), ("\n\r\u2028\u2029\x0b\x0c\x85", "BK"), ("\u200b", "ZW"), ("\u2060\ufeff", "WJ"),
    ("\u00a0\u2007\u202f\u180e\u034f", "GL"), ("-", "HY"), ("\u2014", "B2"),
    ("\u2010\u2012\u2013\u00ad\u058a\u2027|", "BA"), ("/", "SY"),
    (")]}）］｝", "CP"),
    ("、。，｡､〉》」』】〕〗〙〛｠﹐﹒｣", "CL"),
    ("([{（［｛〈《「『【〔〖〘〚｟｢", "OP"),
    ("\"'«»‘’‚‛“”„‟‹›", "QU"), ("!?！？‼⁇⁈⁉", "EX"), (",.:;", "IS"),
    ("：；ー々〻ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・･゠〜～", "NS"),
    ("…‥⋯", "IN"), ("0123456789", "NU"),
    ("$+\\£¥€₩#₹₽", "PR"), ("%¢°‰‱℃℉′″", "PO"),
):
    for _ch in _chars:
        _CLASS[_ch] = _cls

_NO_BREAK_BEFORE = {"CL", "CP", "EX", "IS", "SY", "BA", "HY", "NS", "IN", "QU", "GL", "WJ", "ZW", "SP", "BK"}
_NO_BREAK_PAIRS = {
    ("AL", "NU"), ("NU", "AL"), ("AL", "AL"), ("NU", "NU"), ("IS", "AL"), ("IS", "NU"), ("SY", "NU"),
    ("HY", "NU"), ("PR", "NU"), ("PO", "NU"), ("NU", "PO"), ("NU", "PR"), ("PR", "AL"), ("PO", "AL"),
    ("AL", "PR"), ("AL", "PO"), ("PR", "ID"), ("ID", "PO"), ("CL", "PO"), ("CP", "PO"), ("CL", "PR"),
    ("CP", "PR"), ("PR", "OP"), ("PO", "OP"), ("CP", "AL"), ("CP", "NU"), ("B2", "B2"),
}


def is_cjk(ch: str) -> bool:
    """Han, kana, Hangul, CJK punctuation and full-width forms."""
    cp = ord(ch)
    return (0x2E80 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFAFF
            or 0xFE30 <= cp <= 0xFE4F or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x3FFFF)


def is_emoji(ch: str) -> bool:
    """Emoji pictographs of the supplementary planes and emoji modifiers (the pinned font has
    none; symbols such as ★ ✓ ☀ it does have are drawn)."""
    cp = ord(ch)
    return 0x1F000 <= cp <= 0x1FAFF or 0xE0020 <= cp <= 0xE007F or cp in (0x200D, 0x20E3)


def line_class(ch: str) -> str:
    """The UAX #14 class of ``ch`` (subset: ID for ideographs, CM for marks, AL otherwise)."""
    cls = _CLASS.get(ch)
    if cls:
        return cls
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Mc", "Me"):
        return "CM"
    if is_cjk(ch) or is_emoji(ch):
        return "ID"
    if cat == "Nd":
        return "NU"
    return "AL"


def _east_asian(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("F", "W", "H")


def _allowed(before: str, after: str, prev_non_space: str, b: str, a: str) -> bool:
    """Whether UAX #14 allows a break between classes ``before`` and ``after``;
    ``prev_non_space`` is the class before any spaces (rules of the form X SP* ×)."""
    if after in _NO_BREAK_BEFORE:  # LB7, LB11–13, LB19, LB21, LB22
        return False
    if before == "BK":  # LB4, LB5: after a line break
        return True
    if before in ("WJ", "GL", "QU"):  # LB11, LB12, LB19
        return False
    if prev_non_space == "OP":  # LB14: OP SP* ×
        return False
    if prev_non_space == "QU" and after == "OP":  # LB15
        return False
    if prev_non_space in ("CL", "CP") and after == "NS":  # LB16
        return False
    if prev_non_space == "B2" and after == "B2":  # LB17
        return False
    if before == "SP":  # LB18
        return True
    if (before, after) in _NO_BREAK_PAIRS:  # LB23–25, LB28, LB29
        return before == "CP" and _east_asian(b)  # LB30 holds only for non-East-Asian parentheses
    if before in ("AL", "NU") and after == "OP" and not _east_asian(a):  # LB30
        return False
    return True  # LB31


@lru_cache(maxsize=4096)
def break_units(text: str) -> tuple[str, ...]:
    """``text`` cut at every allowed break: the pieces, each with its trailing spaces."""
    if not text:
        return ()
    classes = [line_class(ch) for ch in text]
    for i in range(1, len(classes)):  # LB9: marks take the class of their base
        if classes[i] == "CM" and classes[i - 1] not in ("SP", "BK", "ZW"):
            classes[i] = classes[i - 1]
    phrases = _phrase_starts(text)
    units: list[str] = []
    start = 0
    prev_non_space = classes[0]
    for i in range(1, len(text)):
        before, after = classes[i - 1], classes[i]
        if before != "SP":
            prev_non_space = before
        ok = before == "ZW" or _allowed(before, after, prev_non_space, text[i - 1], text[i])
        if ok and phrases is not None and {before, after} <= {"ID", "NU"} and "ID" in (before, after) \
                and i not in phrases:
            ok = False  # inside a Chinese phrase (Han characters, or a number and its measure word)
        if ok and before == "BA" and text[i - 1] == "\u2013" and after == "NU" and prev_non_space == "BA" \
                and i > 1 and classes[i - 2] == "NU":
            ok = False  # a range such as 7–8 stays whole
        if ok:
            units.append(text[start:i])
            start = i
    units.append(text[start:])
    return tuple(units)


def split_units(unit: str) -> list[str]:
    """Characters of one unit with their combining marks (for breaking inside a word)."""
    out: list[str] = []
    for ch in unit:
        if out and (unicodedata.category(ch) in ("Mn", "Mc", "Me") or out[-1][-1] in NO_LINE_END):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _phrase_starts(text: str) -> set[int] | None:
    """Indexes where a BudouX phrase starts (None when the text has no two Han characters in a row).
    A one-character phrase joins the phrase after it; a phrase longer than MAX_PHRASE characters
    may break between its Han characters."""
    if not any(is_cjk(a) and is_cjk(b) for a, b in zip(text, text[1:])):
        return None
    phrases: list[str] = []
    for phrase in _budoux_phrases(text):
        if phrases and _lone_han(phrases[-1]) and is_cjk(phrase[0]) \
                and sum(1 for ch in phrases[-1] + phrase if is_cjk(ch)) <= MAX_PHRASE:
            phrases[-1] += phrase  # a one-character phrase joins the next: 云|原生 → 云原生
        else:
            phrases.append(phrase)
    starts: set[int] = set()
    pos = 0
    for phrase in phrases:
        if sum(1 for ch in phrase if is_cjk(ch)) > MAX_PHRASE:
            starts.update(range(pos, pos + len(phrase)))
        starts.add(pos)
        pos += len(phrase)
    return starts


def _lone_han(phrase: str) -> bool:
    return len(phrase) == 1 and is_cjk(phrase) and phrase not in NO_LINE_START


def _budoux_phrases(text: str) -> list[str]:
    """BudouX's phrases of ``text``, from the disk cache when an earlier run parsed it."""
    cache = phrase_cache()
    hit = cache.get("phrases", text)
    if isinstance(hit, list) and all(isinstance(p, str) for p in hit) and "".join(hit) == text:
        return hit
    phrases = list(_parser().parse(text))
    cache.put("phrases", text, phrases)
    return phrases


@lru_cache(maxsize=1)
def _parser() -> Any:
    import budoux

    return budoux.load_default_simplified_chinese_parser()
