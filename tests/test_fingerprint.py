"""Fingerprints and the instant check: every kind of input, changed, makes its outputs stale;
nothing else does; a hand-edited output is stale; ``--full`` agrees."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import renderer
from renderer import fingerprint as fp
from renderer import logos, text

from .conftest import FIXTURES, ROOT


@pytest.fixture
def project(tmp_path: Path, cli) -> Path:
    """A copy of the small fixture (data, layout, themes, a logo, a Mandala), built once."""
    for name in ("small.yaml", "small-layout.yaml", "mini-mandala.yaml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    shutil.copytree(FIXTURES / "logos", tmp_path / "logos")
    shutil.copytree(ROOT / "layouts" / "themes", tmp_path / "themes")
    (tmp_path / "landscape.yaml").write_text("""outputs:
  - kind: landscape
    data: small.yaml
    layout: small-layout.yaml
    themes: [default, dark]
    formats: [svg, png, pdf]
    out: out
  - kind: mandala
    data: mini-mandala.yaml
    formats: [svg, png]
    out: out
""", encoding="utf-8")
    assert cli("build", "--config", tmp_path / "landscape.yaml").code == 0
    assert check(cli, tmp_path) == (0, [])
    return tmp_path


def check(cli, root: Path, *extra: str) -> tuple[int, list[str]]:
    """Exit code and the stale/missing lines as 'name (reason)'."""
    run = cli("check", "--config", root / "landscape.yaml", *extra)
    lines = [re.sub(r"^(stale|missing):\s+\S*/", "", line) for line in run.out.splitlines()[1:]]
    return run.code, sorted(lines)


def edit(path: Path, old: str, new: str) -> None:
    text_ = path.read_text(encoding="utf-8")
    assert old in text_
    path.write_text(text_.replace(old, new, 1), encoding="utf-8")


LANDSCAPE = ["small-landscape.dark.pdf", "small-landscape.dark.png", "small-landscape.dark.svg",
             "small-landscape.pdf", "small-landscape.png", "small-landscape.svg"]


def names(lines: list[str]) -> list[str]:
    return sorted(line.split(" ")[0] for line in lines)


def test_fresh_check_is_silent_and_renders_nothing(project: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from renderer import jobs

    monkeypatch.setattr(jobs, "run", lambda *a, **k: pytest.fail("check rendered"))
    run = cli("check", "--config", project / "landscape.yaml")
    assert (run.code, run.out, run.err) == (0, "", "")


def test_data_change(project: Path, cli) -> None:
    edit(project / "small.yaml", "x: 80", "x: 81")
    code, lines = check(cli, project)
    assert code == 1 and names(lines) == LANDSCAPE
    assert all(line.endswith("(data changed)") for line in lines)


def test_comment_in_data_counts_too(project: Path, cli) -> None:
    (project / "small.yaml").write_text((project / "small.yaml").read_text(encoding="utf-8") + "# note\n",
                                        encoding="utf-8")
    assert names(check(cli, project)[1]) == LANDSCAPE


def test_layout_change(project: Path, cli) -> None:
    path = project / "small-layout.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    code, lines = check(cli, project)
    assert code == 1 and names(lines) == LANDSCAPE and "(layout changed)" in lines[0]


def test_theme_change_affects_only_that_theme(project: Path, cli) -> None:
    path = project / "themes" / "dark.yaml"
    path.write_text(recolour(path.read_text(encoding="utf-8")), encoding="utf-8")
    code, lines = check(cli, project)
    assert code == 1 and names(lines) == ["small-landscape.dark.pdf", "small-landscape.dark.png",
                                          "small-landscape.dark.svg"]
    assert all(line.endswith("(theme changed)") for line in lines)


def recolour(theme: str) -> str:
    """The theme with its first #rrggbb colour changed."""
    m = re.search(r"#[0-9a-fA-F]{6}", theme)
    assert m
    new = "#000001" if m.group(0).lower() != "#000001" else "#000002"
    return theme[:m.start()] + new + theme[m.end():]


def test_logo_file_change(project: Path, cli) -> None:
    svg = project / "logos" / "mark.svg"
    svg.write_bytes(svg.read_bytes().replace(b"<svg", b"<svg data-x=\"1\"", 1))
    code, lines = check(cli, project)
    assert code == 1 and names(lines) == LANDSCAPE and "(logos changed)" in lines[0]


def test_unused_logo_file_changes_nothing(project: Path, cli) -> None:
    (project / "logos" / "unused.svg").write_bytes((project / "logos" / "mark.svg").read_bytes())
    assert check(cli, project) == (0, [])


def test_a_missing_logo_that_appears_counts(project: Path, cli) -> None:
    edit(project / "small.yaml", "logo: mark.svg", "logo: later.svg")
    assert cli("build", "--config", project / "landscape.yaml").code == 0
    assert check(cli, project) == (0, [])
    shutil.copy(project / "logos" / "mark.svg", project / "logos" / "later.svg")
    assert names(check(cli, project)[1]) == LANDSCAPE


def test_font_file_change(project: Path, cli, monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    copy = tmp_path_factory.mktemp("font") / "font.otf"
    original = text.font_path
    copy.write_bytes(original(True).read_bytes() + b"\0")
    monkeypatch.setattr(text, "font_path", lambda bold: copy if bold else original(bold))
    code, lines = check(cli, project)
    assert code == 1 and len(lines) == 8 and all(line.endswith("(fonts changed)") for line in lines)


def test_renderer_version_change(project: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(renderer, "__version__", "99.0")
    code, lines = check(cli, project)
    assert code == 1 and len(lines) == 8 and all(line.endswith("(renderer changed)") for line in lines)


def test_option_change_affects_only_outputs_that_depend_on_it(project: Path, cli) -> None:
    edit(project / "landscape.yaml", "    out: out\n  - kind: mandala", "    out: out\n    scale: 1\n  - kind: mandala")
    code, lines = check(cli, project)
    assert code == 1 and names(lines) == ["small-landscape.dark.png", "small-landscape.png"]
    assert all(line.endswith("(options changed)") for line in lines)


def test_pdf_creation_date_counts(project: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    code, lines = check(cli, project)
    assert code == 1 and names(lines) == ["small-landscape.dark.pdf", "small-landscape.pdf"]
    assert all(line.endswith("(env changed)") for line in lines)


def test_mandala_data_change(project: Path, cli) -> None:
    path = project / "mini-mandala.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    code, lines = check(cli, project)
    assert code == 1 and names(lines) == ["mini-mandala.png", "mini-mandala.svg"]


@pytest.mark.parametrize("name", ["small-landscape.svg", "small-landscape.png", "small-landscape.pdf"])
def test_hand_edited_output_is_stale(project: Path, cli, name: str) -> None:
    path = project / "out" / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1  # one bit, far from the fingerprint
    path.write_bytes(bytes(data))
    code, lines = check(cli, project)
    assert code == 1 and lines == [f"{name} (edited after rendering)"]


def test_edited_fingerprint_is_stale(project: Path, cli) -> None:
    path = project / "out" / "small-landscape.svg"
    payload = path.read_bytes()
    data = re.search(rb"data=([0-9a-f]{32})", payload)
    assert data
    path.write_bytes(payload.replace(data.group(1), b"0" * 32))
    assert check(cli, project)[1] == ["small-landscape.svg (edited after rendering)"]


def test_output_without_fingerprint_and_missing_output(project: Path, cli) -> None:
    path = project / "out" / "small-landscape.svg"
    path.write_bytes(re.sub(rb"<metadata[^>]*>[^<]*</metadata>", b"", path.read_bytes()))
    (project / "out" / "mini-mandala.png").unlink()
    code, lines = check(cli, project)
    assert code == 1 and lines == ["mini-mandala.png", "small-landscape.svg (no fingerprint (made by an older "
                                   "renderer?))"]


def test_full_check_agrees(project: Path, cli) -> None:
    assert cli("check", "--config", project / "landscape.yaml", "--full").code == 0
    edit(project / "small.yaml", "x: 80", "x: 81")
    code, lines = check(cli, project, "--full")
    assert code == 1 and names(lines) == LANDSCAPE


def test_stamp_is_written_in_every_format_and_sealed(project: Path) -> None:
    from PIL import Image

    out = project / "out"
    svg = (out / "small-landscape.svg").read_bytes()
    assert re.search(rb'<desc>[^<]*</desc><metadata id="landscape-fingerprint">landscape-fingerprint/1 ', svg)
    png = Image.open(out / "small-landscape.png")
    png.load()  # checks every chunk's CRC
    assert png.text["landscape-fingerprint"].startswith("landscape-fingerprint/1 renderer=")
    assert re.search(rb"/Keywords \(landscape-fingerprint/1 renderer=[0-9a-f]{32} ", (out / "small-landscape.pdf")
                     .read_bytes())
    for name in ("small-landscape.svg", "small-landscape.png", "small-landscape.pdf"):
        assert b"content=" + b"0" * 64 not in (out / name).read_bytes()


def test_digest_ignores_key_order_and_file_digest_tracks_content(tmp_path: Path) -> None:
    assert fp.digest({"a": 1, "b": [2]}) == fp.digest({"b": [2], "a": 1}) != fp.digest({"a": 1, "b": [3]})
    path = tmp_path / "f"
    path.write_bytes(b"one")
    first = fp.file_digest(path)
    path.write_bytes(b"two")
    assert fp.file_digest(path) != first and fp.file_digest(tmp_path / "none") is None


def test_simple_icons_logo_change(project: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import simple_icons_pack

    original = simple_icons_pack.get_icon

    class Changed:
        def __init__(self, icon) -> None:  # type: ignore[no-untyped-def]
            self.svg, self.hex = icon.svg.replace("<path", '<path data-x="1"', 1), icon.hex

    monkeypatch.setattr(simple_icons_pack, "get_icon",
                        lambda slug: Changed(original(slug)) if slug == "kubernetes" else original(slug))
    monkeypatch.setattr(logos, "icons_package", lambda: [("upgraded", None)])  # its files changed
    code, lines = check(cli, project)
    assert code == 1 and names(lines) == LANDSCAPE and "(logos changed)" in lines[0]


def test_same_inputs_in_another_folder_give_the_same_bytes(project: Path, cli, tmp_path_factory) -> None:
    other = tmp_path_factory.mktemp("elsewhere") / "copy"
    shutil.copytree(project, other, ignore=shutil.ignore_patterns("out"))
    assert cli("build", "--config", other / "landscape.yaml").code == 0
    for path in sorted((project / "out").iterdir()):
        assert (other / "out" / path.name).read_bytes() == path.read_bytes(), path.name
