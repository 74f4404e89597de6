"""Disk caches (renderer/textcache.py, the logo store in renderer/logos.py, parsed YAML in
renderer/yamlio.py): warm runs draw
the same bytes without HarfBuzz, BudouX, the logo sanitiser or the simple-icons library;
entries come back exactly; damaged files and concurrent writers are harmless."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from renderer import diskcache, logos, text, yamlio
from renderer.diskcache import MAGIC, read_container
from renderer.errors import InputError
from renderer.text import TextEngine
from renderer.yamlio import LDict, LList, load_yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ["Text Generation Inference", "Node.js / 0.10.2 — Don’t", "AI 工作负载 & GPU 调度平台", "全新有运达，。：",
           "★ ✓ ☀ ⚡", "emoji 🚀 here", "ﬁ ligature", "x\u200by"]
CHILD = ("import sys; from renderer.cli import main; code = main(sys.argv[1:]); "
         "print('modules:', *(m for m in ('uharfbuzz', 'budoux', 'renderer.sanitize', 'simple_icons_pack') "
         "if m in sys.modules)); sys.exit(code)")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty cache folder for this test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("LANDSCAPE_CACHE", str(folder))
    diskcache.forget()
    yield folder
    diskcache.forget()


def _child(cache: Path, *args: str) -> tuple[str, bytes]:
    out = cache.parent / "out"
    env = {**os.environ, "LANDSCAPE_CACHE": str(cache)}
    run = subprocess.run([sys.executable, "-c", CHILD, *args, "--format", "svg", "-o", str(out)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    svg = next(out.glob("*.svg"))
    return run.stdout.splitlines()[-1].removeprefix("modules:").strip(), svg.read_bytes()


@pytest.mark.parametrize("args", [("render", "data/ai-infra.yaml"),
                                  ("mandala", "data/ai-infra-mandala.yaml", "--lang", "zh-CN")])
def test_warm_run_draws_the_same_bytes_without_loading_libraries(cache: Path, args: tuple[str, ...]) -> None:
    cold_modules, cold = _child(cache, *args)
    assert "uharfbuzz" in cold_modules
    warm_modules, warm = _child(cache, *args)
    assert warm == cold
    assert warm_modules == ""


def _snapshot(engine: TextEngine) -> list[str]:
    """Everything the engine gives for SAMPLES, as exact text (repr keeps -0.0 and float bits)."""
    out = []
    for bold in (False, True):
        for s in SAMPLES:
            shaped = engine.shape(s, bold)
            out.append(repr((shaped.glyphs, shaped.advance, sorted(shaped.missing))))
            for size in (13.0, 9.5, 31.25):
                out.append(repr([(g.ops, x, y) for g, x, y in engine.outline(s, 1.5, 20.0, size, bold)]))
            out.append(repr(engine.wrap(s, 13.0, 60.0, bold, lang="zh-CN")))
        out.append(repr((engine.ascent(13.0, bold), engine.descent(13.0, bold))))
    return out


def test_entries_come_back_exactly(cache: Path) -> None:
    cold = _snapshot(TextEngine())
    diskcache.save_all()
    assert len(list((cache / "text").glob("*.bin"))) == 2  # shapes and phrases
    diskcache.forget()
    warm_engine = TextEngine()
    assert _snapshot(warm_engine) == cold
    assert warm_engine.faces == {}  # nothing was opened: every answer came from the file


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_file_reads_as_empty_and_is_rewritten(cache: Path, damage: str) -> None:
    cold = _snapshot(TextEngine())
    diskcache.save_all()
    diskcache.forget()
    path = next((cache / "text").glob("shapes-*.bin"))
    raw = bytearray(path.read_bytes())
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "flip":
        raw[len(raw) // 2] ^= 0x40
    elif damage == "garbage":
        raw = bytearray(MAGIC + os.urandom(200))
    else:
        raw = bytearray()
    path.write_bytes(bytes(raw))
    assert read_container(path) is None
    engine = TextEngine()
    assert _snapshot(engine) == cold
    assert engine.faces  # recomputed
    diskcache.save_all()
    assert read_container(path) is not None


def test_concurrent_writers_leave_one_whole_file(cache: Path) -> None:
    script = ("import sys; from renderer.text import TextEngine; from renderer import diskcache; e = TextEngine(); "
              "[e.outline(f'{sys.argv[1]} {i}', 0, 0, 13) for i in range(40)]; diskcache.save_all()")
    env = {**os.environ, "LANDSCAPE_CACHE": str(cache)}
    procs = [subprocess.Popen([sys.executable, "-c", script, word], cwd=ROOT, env=env) for word in
             ("alpha", "beta", "gamma", "delta")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    files = sorted(p.name for p in (cache / "text").iterdir())
    assert len(files) == 1 and files[0].startswith("shapes-")  # no temporary file left behind
    doc, _ = read_container(cache / "text" / files[0])
    shaped = doc["records"]["shaped"]
    complete = [w for w in ("alpha", "beta", "gamma", "delta") if all(f"0|zh-Hans|{w} {i}" in shaped for i in range(40))]
    assert complete  # writers merge; a lost race only costs the loser's entries a recomputation


def test_the_file_is_named_by_the_font_files(cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    TextEngine().measure("abc", 13)
    diskcache.save_all()
    before = {p.name for p in (cache / "text").glob("shapes-*.bin")}
    copy = tmp_path / "font.otf"
    original = text.font_path
    copy.write_bytes(original(True).read_bytes() + b"\0")
    monkeypatch.setattr(text, "font_path", lambda bold: copy if bold else original(bold))
    TextEngine().measure("abc", 13)
    diskcache.save_all()
    after = {p.name for p in (cache / "text").glob("shapes-*.bin")}
    assert len(after) == 2 and before < after


def test_many_logos_sanitised_on_workers_are_stored_once(cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "logos"
    folder.mkdir()
    refs = []
    for i in range(70):  # past the two-process threshold
        (folder / f"l{i}.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {10 + i} 10">'
                                          f'<rect width="{i + 1}" height="5"/></svg>')
        refs.append(f"l{i}.svg")
    cold = logos.resolve_many(refs, folder)
    diskcache.save_all()
    doc, _ = read_container(cache / "logos-v4.bin")
    assert len(doc["images"]) == 70
    diskcache.forget()
    assert logos.resolve_many(refs, folder) == cold


def test_a_damaged_logo_store_reads_as_empty(cache: Path) -> None:
    ref = ("render", "data/ai-infra.yaml")
    _, cold = _child(cache, *ref)
    store = cache / "logos-v4.bin"
    raw = bytearray(store.read_bytes())
    raw[len(raw) // 3] ^= 0x01
    store.write_bytes(bytes(raw))
    assert read_container(store) is None
    modules, again = _child(cache, *ref)
    assert again == cold and "renderer.sanitize" in modules
    assert read_container(store) is not None


def _lines(tree: object) -> object:
    """``tree`` with every mapping's and sequence's lines, types kept exactly (repr: -0.0, 1 vs 1.0)."""
    if isinstance(tree, LDict):
        return ("map", tree.line, [(k, tree.key_lines[k], _lines(v)) for k, v in tree.items()])
    if isinstance(tree, LList):
        return ("seq", tree.line, tree.item_lines, [_lines(v) for v in tree])
    return repr(tree)


YAML_SAMPLES = [ROOT / "data/ai-infra.yaml", ROOT / "layouts/ai-infra.yaml", ROOT / "data/ai-infra-mandala.yaml"]
ODD = "a: [1, 1.0, -0.0, .inf, .nan, 0x1f, 1_000, ~, true, 'x: y', \"\\t\"]\nb:\n  - {c: 'é 中'}\n  - []\n  - {}\n"


@pytest.mark.parametrize("source", [*YAML_SAMPLES, ODD])
def test_a_cached_yaml_tree_comes_back_exactly(cache: Path, tmp_path: Path, source: Path | str) -> None:
    path = source if isinstance(source, Path) else tmp_path / "odd.yaml"
    if isinstance(source, str):
        path.write_text(source, encoding="utf-8")
    cold = load_yaml(path)
    assert len(list((cache / "yaml").glob("*.bin"))) == 1
    warm = load_yaml(path)
    assert _lines(warm) == _lines(cold) and warm is not cold


@pytest.mark.parametrize("text", ["a: &x {b: 1}\nc: *x\n", "when: 2024-01-02\n", "s: !!set {a, b}\n",
                                  "b: !!binary aGk=\n", "o: !!omap [{a: 1}]\n", '"\\0line": 1\n'])
def test_yaml_the_cache_cannot_give_back_exactly_is_parsed_every_time(cache: Path, tmp_path: Path,
                                                                       text: str) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    first = load_yaml(path)
    assert not list((cache / "yaml").glob("*.bin"))
    assert _lines(load_yaml(path)) == _lines(first)


def test_yaml_cache_is_keyed_by_content_and_damage_means_parse(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    load_yaml(path)
    path.write_text("a: 2\n", encoding="utf-8")
    assert load_yaml(path) == {"a": 2}
    stored = sorted((cache / "yaml").glob("*.bin"))
    assert len(stored) == 2
    for file in stored:
        file.write_bytes(file.read_bytes()[:-1])
    assert load_yaml(path) == {"a": 2}
    path.write_text("a: 2\na: 3\n", encoding="utf-8")
    for _ in range(2):  # errors are never cached: the same one-line message each time
        with pytest.raises(InputError, match="duplicate key 'a'") as err:
            load_yaml(path)
        assert err.value.line == 2


def test_yaml_cache_keeps_a_bounded_number_of_files(cache: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "_CACHED_FILES", 3)
    path = tmp_path / "d.yaml"
    for i in range(6):
        path.write_text(f"a: {i}\n", encoding="utf-8")
        assert load_yaml(path) == {"a": i}
    assert len(list((cache / "yaml").glob("*.bin"))) == 3
