"""Text: metrics from the real font, outlines, CJK glyphs, missing glyphs, line breaking."""

from __future__ import annotations

from pathlib import Path

import pytest

from renderer.text import TextEngine, _tokens


def test_widths_come_from_font_metrics(engine: TextEngine) -> None:
    assert engine.measure("iiii", 13) < engine.measure("WWWW", 13)
    assert engine.measure("Kubernetes", 26) == pytest.approx(2 * engine.measure("Kubernetes", 13))
    assert engine.measure("Kubernetes", 13, bold=True) > engine.measure("Kubernetes", 13)
    # a Han character is one em wide in Noto Sans CJK
    assert engine.measure("应", 20) == pytest.approx(20)


def test_outline_is_path_data_in_px(engine: TextEngine) -> None:
    d = engine.outline("AI 应用层", 10, 40, 20)
    assert d.startswith("M") and d.count("z") >= 6
    assert "<" not in d and "NaN" not in d


def test_chinese_has_real_glyphs(engine: TextEngine) -> None:
    engine.take_missing()
    engine.measure("原型 / 早期 成熟 / 标准化 应用层", 16, owner="axis")
    assert engine.take_missing() == {}


def test_missing_glyph_is_reported_not_drawn(engine: TextEngine) -> None:
    engine.take_missing()
    d_with = engine.outline("a\U0001F600b", 0, 20, 16, owner="emoji card")
    missing = engine.take_missing()
    assert missing == {"emoji card": {"\U0001F600"}}
    # the missing glyph adds only a gap: same number of contours as "ab"
    assert d_with.count("z") == engine.outline("ab", 0, 20, 16).count("z")


def test_zero_width_and_bidi_controls_are_not_drawn(engine: TextEngine) -> None:
    assert engine.measure("ab\u200b\u202e", 14) == pytest.approx(engine.measure("ab", 14))


def test_cached_glyphs_give_identical_outlines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANDSCAPE_CACHE", str(tmp_path))
    cold = TextEngine()
    a = cold.outline("Gateway 网关 Qq", 3.3, 17.7, 13)
    cold.save()
    assert list(tmp_path.glob("*.json"))
    warm = TextEngine()
    assert warm._face(False)._font is None  # served from the cache, font not opened
    assert warm.outline("Gateway 网关 Qq", 3.3, 17.7, 13) == a


def test_tokens_break_between_han_characters_and_keep_latin_words() -> None:
    assert _tokens("GPU 调度器") == ["GPU", " ", "调", "度", "器"]
    assert _tokens("KV-cache / Prefill") == ["KV-cache", " /", " Prefill"]


def test_wrap_never_starts_a_line_with_closing_punctuation(engine: TextEngine) -> None:
    lines = engine.wrap("保证睡眠，每周运动。", 14, 14 * 4)
    assert all(not line.text.startswith(("，", "。")) for line in lines)
    assert "".join(line.text for line in lines) == "保证睡眠，每周运动。"


def test_wrap_keeps_latin_words_whole(engine: TextEngine) -> None:
    lines = engine.wrap("Gateway API Inference Extension", 13, 120)
    assert [line.text for line in lines] == ["Gateway API", "Inference Extension"]
    assert all(line.width <= 120 for line in lines)


def test_corrupt_cache_is_ignored_and_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANDSCAPE_CACHE", str(tmp_path))
    fresh = TextEngine()
    expected = fresh.outline("Az", 0, 20, 16)
    fresh.save()
    for cache in tmp_path.glob("*.json"):
        text = cache.read_text(encoding="utf-8")
        cache.write_text(text.replace(" z", " c"), encoding="utf-8")  # an old, broken encoding
    again = TextEngine()
    assert again.outline("Az", 0, 20, 16) == expected
