"""Bad input: one line ``file:line: message`` naming the item, exit code 2, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import FIXTURES

LAYOUT = FIXTURES / "small-layout.yaml"
GOOD = (FIXTURES / "small.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "data.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


CASES = [
    ("unknown group", GOOD.replace("group: lib", "group: libs"), 11, "unknown group 'libs'; did you mean 'lib'?"),
    ("duplicate name", GOOD.replace("name: Gamma", "name: alpha"), 7, "duplicate name (first defined at line 5)"),
    ("clashing id", GOOD.replace("name: Gamma", "name: 'Alpha!'"), 7, "id 'alpha' clashes with 'Alpha'"),
    ("hint above 100", GOOD.replace("x: 70", "x: 170"), 6, "'x' = 170 is outside 0–100"),
    ("negative hint", GOOD.replace("y: 75", "y: -5"), 7, "'y' = -5 is outside 0–100"),
    ("NaN hint", GOOD.replace("x: 50", "x: .nan"), 7, "'x' must be a finite number"),
    ("missing field", GOOD.replace("group: app, stage: mature, x: 50, ", "stage: mature, x: 50, "), 7,
     "missing required field 'group'"),
    ("bad stage", GOOD.replace("stage: early, x: 20", "stage: beta, x: 20"), 5, "stage must be one of early, mature"),
    ("yaml syntax", GOOD.replace("{name: Gamma,", "{name: Gamma"), None, "YAML syntax error"),
    ("unknown key", GOOD.replace("url: https://example.org/alpha", "ulr: https://example.org/alpha"), 5,
     "unknown key 'ulr'; did you mean 'url'?"),
    ("empty list", "meta: {title: x}\nprojects: []\n", 2, "'projects' is empty"),
    ("not a mapping", "- a\n- b\n", 1, "data file: expected a mapping"),
    ("wrong type", GOOD.replace("name: Gamma", "name: [Gamma]"), 7, "'name' must be text"),
]


@pytest.mark.parametrize("label,text,line,message", CASES, ids=[c[0] for c in CASES])
def test_bad_data_gives_one_line_error(tmp_path: Path, cli, label: str, text: str, line: int | None,
                                       message: str) -> None:
    data = write(tmp_path, text)
    for extra in (["validate"], ["render", "-o", tmp_path / "out"]):
        run = cli(*extra, data, "--layout", LAYOUT)
        assert run.code == 2, (label, run.err)
        errors = [l for l in run.err.splitlines() if l.startswith("error:")]
        assert len(errors) == 1, run.err
        assert "Traceback" not in run.err
        prefix = f"error: {data}:{line}: " if line else f"error: {data}:"
        assert errors[0].startswith(prefix), errors[0]
        assert message in errors[0], errors[0]
    assert not (tmp_path / "out").exists()


def test_layout_typo_gets_a_suggestion(tmp_path: Path, cli) -> None:
    layout = write(tmp_path, LAYOUT.read_text(encoding="utf-8").replace("footnote:", "footnotes:"), "layout.yaml")
    run = cli("validate", FIXTURES / "small.yaml", "--layout", layout)
    assert run.code == 2
    assert "unknown key 'footnotes'; did you mean 'footnote'?" in run.err
    assert f"{layout}:" in run.err


def test_missing_data_file(tmp_path: Path, cli) -> None:
    run = cli("render", tmp_path / "nope.yaml", "--layout", LAYOUT)
    assert run.code == 2 and "file not found" in run.err and "Traceback" not in run.err


def test_hint_outside_band_is_clamped_with_one_warning(tmp_path: Path, cli) -> None:
    data = write(tmp_path, GOOD.replace("x: 50, y: 75", "x: 50, y: 50"))
    run = cli("render", data, "--layout", LAYOUT, "-o", tmp_path / "out", "--format", "svg", "--report",
              tmp_path / "r.json")
    assert run.code == 0, run.err
    lines = [line for line in run.err.splitlines() if "outside their band" in line]
    assert len(lines) == 1 and f"{data}:7: " in lines[0] and "y = 50 → 60 (band 'Apps' 60–100)" in lines[0]
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    apps = next(b for b in report["boxes"] if b["kind"] == "band-extent" and b["band"] == "Apps")
    card = next(b for b in report["boxes"] if b["kind"] == "card" and b["hint_y"] == 50)
    assert card["band"] == "Apps" and apps["y"] <= card["y"] and card["y"] + card["h"] <= apps["y"] + apps["h"]


def test_band_too_full_names_band_and_missing_space(tmp_path: Path, cli) -> None:
    crowd = "\n".join(f"  - {{name: Card number {i}, group: app, x: 60, y: 80}}" for i in range(60))
    data = write(tmp_path, f"projects:\n{crowd}\n")
    layout = write(tmp_path, LAYOUT.read_text(encoding="utf-8") + "grow: {step: 40, max_height: 400, max_width: 900}\n",
                   "l.yaml")
    run = cli("render", data, "--layout", layout, "-o", tmp_path / "out")
    assert run.code == 2
    assert "band 'Apps' (top-right) does not fit" in run.err
    assert "px more height than grow.max_height = 400 px allows" in run.err


def test_band_too_full_grows_the_chart_when_allowed(tmp_path: Path, cli) -> None:
    crowd = "\n".join(f"  - {{name: Card number {i}, group: app, x: 60, y: 80}}" for i in range(60))
    data = write(tmp_path, f"projects:\n{crowd}\n")
    run = cli("render", data, "--layout", LAYOUT, "-o", tmp_path / "out", "--format", "svg")
    assert run.code == 0, run.err
    assert "canvas grew from 900 × " in run.err


def test_failed_run_keeps_the_last_good_output(tmp_path: Path, cli) -> None:
    out = tmp_path / "out"
    good = write(tmp_path, GOOD)
    assert cli("render", good, "--layout", LAYOUT, "-o", out, "--format", "svg").code == 0
    before = (out / "data-landscape.svg").read_bytes()
    write(tmp_path, GOOD.replace("group: lib", "group: nope"))
    assert cli("render", good, "--layout", LAYOUT, "-o", out, "--format", "svg").code == 2
    assert (out / "data-landscape.svg").read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["data-landscape.svg"]  # no temporary files left


def test_unwritable_output_folder(tmp_path: Path, cli) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    run = cli("render", FIXTURES / "small.yaml", "--layout", LAYOUT, "-o", blocker / "sub", "--format", "svg")
    assert run.code == 2 and "cannot write" in run.err and "Traceback" not in run.err


def test_unknown_format(tmp_path: Path, cli) -> None:
    run = cli("render", FIXTURES / "small.yaml", "--layout", LAYOUT, "-o", tmp_path, "--format", "gif")
    assert run.code == 2 and "unknown output format 'gif'" in run.err


def test_a_wrong_option_value_is_one_line_with_the_nearest_choice(cli) -> None:
    """argparse's usage block is not printed: one line, exit 2, the nearest valid choice."""
    run = cli("render", "data/ai-infra.yaml", "--size", "a4")
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1, run.err
    assert "invalid choice: 'a4'" in run.err and "did you mean 'a4-landscape'?" in run.err
    run = cli("rendr", "x")
    assert run.code == 2 and "did you mean 'render'?" in run.err and len(run.err.strip().splitlines()) == 1
