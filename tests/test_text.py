"""Text: shaped metrics and outlines from the real font, language forms, missing glyphs, breaking."""

from __future__ import annotations

import pytest

from renderer.backends.svg import text_path
from renderer.linebreak import break_units
from renderer.text import TextEngine, font_path


def test_widths_come_from_font_metrics(engine: TextEngine) -> None:
    assert engine.measure("iiii", 13) < engine.measure("WWWW", 13)
    assert engine.measure("Kubernetes", 26) == pytest.approx(2 * engine.measure("Kubernetes", 13))
    assert engine.measure("Kubernetes", 13, bold=True) > engine.measure("Kubernetes", 13)
    # a Han character is one em wide in Noto Sans CJK
    assert engine.measure("应", 20) == pytest.approx(20)


def test_latin_is_kerned_and_ligated(engine: TextEngine) -> None:
    # the measurement: sum of advances 157.35 px, shaped 154.79 px
    assert engine.measure("Text Generation Inference", 13) == pytest.approx(154.79, abs=0.01)
    assert engine.measure("AV", 20) < engine.measure("A", 20) + engine.measure("V", 20)  # kerning
    assert len(engine.outline("fi", 0, 20, 20)) == 1  # one ligature glyph
    # a curly apostrophe in Latin text is proportional, not the CJK full-width form
    assert engine.measure("’", 20) < 10


def test_text_node_box_is_the_drawn_width(engine: TextEngine) -> None:
    node = engine.text_node("Don’t AV 工作负载", 10, 40, 16, fill="#123456", role="label")
    assert node.box[2] == engine.measure("Don’t AV 工作负载", 16)
    assert node.box[0] == 10 and node.fill == "#123456"
    right = max(x + max(a[i] for op, a in o.ops for i in range(0, len(a), 2)) for o, x, _ in node.glyphs)
    assert 10 < right <= 10 + node.box[2] + 0.5  # ink ends inside the measured width


def test_outline_is_structured_and_formatted_by_the_svg_writer(engine: TextEngine) -> None:
    node = engine.text_node("AI 应用层", 10, 40, 20)
    assert all(op in "MLCZ" for o, _, _ in node.glyphs for op, _ in o.ops)
    d = text_path(node)
    assert d.startswith("M") and d.count("z") >= 6
    assert "<" not in d and "NaN" not in d


def _zh_hans_glyphs(text: str) -> tuple[list[str], object]:
    """The font's own zh-Hans forms, read with fontTools from GSUB (feature locl, script hani,
    language ZHS) independently of HarfBuzz."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_path(False)), lazy=True)
    gsub = font["GSUB"].table
    script = next(s.Script for s in gsub.ScriptList.ScriptRecord if s.ScriptTag == "hani")
    langsys = next(l.LangSys for l in script.LangSysRecord if l.LangSysTag == "ZHS ")
    mapping: dict[str, str] = {}
    for index in langsys.FeatureIndex:
        record = gsub.FeatureList.FeatureRecord[index]
        if record.FeatureTag == "locl":
            for li in record.Feature.LookupListIndex:
                for sub in gsub.LookupList.Lookup[li].SubTable:
                    sub = getattr(sub, "ExtSubTable", sub)  # extension lookups wrap the substitution
                    mapping.update(getattr(sub, "mapping", {}))
    cmap = font.getBestCmap()
    return [mapping.get(cmap[ord(ch)], cmap[ord(ch)]) for ch in text], font


def _contours(ops: list[tuple[str, list[float]]]) -> list[list[float]]:
    """Contours as flat point lists, without a closing line back to the start (pens differ there)."""
    out: list[list[float]] = []
    for op, pts in ops:
        if op == "M":
            out.append(list(pts))
        elif op in "LC" and out:
            out[-1].extend(pts)
    return [c[:-2] if c[-2:] == c[:2] and len(c) > 2 else c for c in out]


def test_zh_cn_text_uses_the_fonts_simplified_forms() -> None:
    from fontTools.pens.recordingPen import RecordingPen

    text = "全新有运达，"
    names, font = _zh_hans_glyphs(text)
    glyphset = font.getGlyphSet()
    default_names = [font.getBestCmap()[ord(ch)] for ch in text]
    assert sum(a != b for a, b in zip(names, default_names)) >= 5  # the forms differ from the default
    for lang in ("zh-CN", None):  # zh-CN documents, and Han text in any non-CJK document
        node = TextEngine(lang=lang).text_node(text, 0, 0, 1000)
        assert len(node.glyphs) == len(text)
        for (outline, _, _), name in zip(node.glyphs, names):
            pen = RecordingPen()
            glyphset[name].draw(pen)
            expected = _contours([(op[0].upper(), [c for p in pts for c in (p[0], -p[1])]) for op, pts in pen.value])
            got = _contours([(op, list(args)) for op, args in outline.ops])
            assert len(got) == len(expected)
            for a, b in zip(got, expected):
                assert a == pytest.approx(b, abs=0.01)
    tw = TextEngine(lang="zh-TW").text_node(text, 0, 0, 1000)
    hans = TextEngine(lang="zh-CN").text_node(text, 0, 0, 1000)
    assert [o.ops for o, _, _ in tw.glyphs] != [o.ops for o, _, _ in hans.glyphs]


def test_chinese_has_real_glyphs(engine: TextEngine) -> None:
    engine.take_missing()
    engine.measure("原型 / 早期 成熟 / 标准化 应用层", 16, owner="axis")
    assert engine.take_missing() == {}


def test_missing_glyph_is_a_reported_gap_and_emoji_is_left_out(engine: TextEngine) -> None:
    engine.take_missing()
    with_emoji = engine.text_node("a\U0001F680\ufe0fb", 0, 20, 16, owner="emoji card")
    assert engine.take_missing() == {"emoji card": {"\U0001F680"}}
    plain = engine.text_node("ab", 0, 20, 16)
    assert with_emoji.box == plain.box and text_path(with_emoji) == text_path(plain)  # re-centred: no gap
    gap = engine.measure("a\U00016A40b", 16, owner="odd")  # a letter the font lacks (Mro)
    assert gap == pytest.approx(engine.measure("ab", 16) + 8, abs=1)


def test_zero_width_and_bidi_controls_are_not_drawn(engine: TextEngine) -> None:
    assert engine.measure("ab\u200b\u202e", 14) == pytest.approx(engine.measure("ab", 14))


@pytest.mark.parametrize("text, units", [
    ("Serve with Node.js", ["Serve ", "with ", "Node.js"]),
    ("v0.10.2 is out", ["v0.10.2 ", "is ", "out"]),
    ("Don’t stop", ["Don’t ", "stop"]),
    ("Performance / Quantification/Optimization", ["Performance / ", "Quantification/", "Optimization"]),
    ("Self-Management", ["Self-", "Management"]),
    ("a—b", ["a", "—", "b"]),
    ("GPU (NVIDIA)", ["GPU ", "(NVIDIA)"]),
    ("保证 7–8 小时睡眠", ["保证 ", "7–8 ", "小时", "睡眠"]),
    ("跨部门影响力提升", ["跨部门", "影响力", "提升"]),
    ("依赖治理，架构协同", ["依赖", "治理，", "架构", "协同"]),
    ("AI 工作负载 & GPU", ["AI ", "工作", "负载 ", "& ", "GPU"]),
])
def test_break_opportunities_follow_uax14_and_chinese_phrases(text: str, units: list[str]) -> None:
    assert list(break_units(text)) == units


def test_wrap_never_starts_a_line_with_closing_punctuation(engine: TextEngine) -> None:
    lines = engine.wrap("保证睡眠，每周运动。", 14, 14 * 4)
    assert all(not line.text.startswith(("，", "。")) for line in lines)
    assert "".join(line.text for line in lines) == "保证睡眠，每周运动。"


def test_wrap_keeps_latin_words_whole(engine: TextEngine) -> None:
    lines = engine.wrap("Gateway API Inference Extension", 13, 120)
    assert [line.text for line in lines] == ["Gateway API", "Inference Extension"]
    assert all(line.width <= 120 for line in lines)
    assert [l.text for l in engine.wrap("Serve with Node.js", 13, 75)] == ["Serve with", "Node.js"]


def test_wrap_leaves_no_lone_han_character_on_the_last_line(engine: TextEngine) -> None:
    text = "云原生推理调度平台"
    full = engine.measure(text, 13)
    lines = engine.wrap(text, 13, full - 6)
    assert len(lines) == 2 and len(lines[-1].text) > 1


def test_breaking_inside_a_word_only_when_asked(engine: TextEngine) -> None:
    assert [l.text for l in engine.wrap("Quantification", 13, 40)] == ["Quantification"]
    pieces = engine.wrap("Quantification", 13, 40, break_words=True)
    assert len(pieces) > 1 and "".join(l.text for l in pieces) == "Quantification"
    assert all(l.width <= 40 for l in pieces)


def test_balanced_wrap_evens_the_lines(engine: TextEngine) -> None:
    text = "Gateway API Inference Extension"
    width = engine.measure("Gateway API Inference", 13) + 1
    assert [l.text for l in engine.wrap(text, 13, width)] == ["Gateway API Inference", "Extension"]
    assert [l.text for l in engine.wrap(text, 13, width, balance=True)] == ["Gateway API", "Inference Extension"]


def test_symbols_the_font_has_are_drawn_and_missing_ones_close_up(engine: TextEngine) -> None:
    engine.take_missing()
    assert len(engine.outline("★✓", 0, 20, 16)) == 2 and engine.take_missing() == {}
    assert engine.measure("a\u26a1\ufe0fb", 16, owner="bolt") == engine.measure("ab", 16)
    assert engine.take_missing() == {"bolt": {"\u26a1"}}
