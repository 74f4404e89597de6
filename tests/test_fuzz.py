"""Fuzzing the CLI in-process with generated data files, layout files and Markdown tables.

Every run must end with exit 0 or 2 (never an internal error or a traceback); every
successful landscape has zero overlapping cards and passes the SVG safety audit.
Examples per test: LANDSCAPE_FUZZ_EXAMPLES (default 700: 2,100 in all in CI;
``make fuzz`` runs 7,000 each).
"""

from __future__ import annotations

import contextlib
import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renderer.cli import main
from renderer.sanitize import audit_svg

from .conftest import FIXTURES

EXAMPLES = int(os.environ.get("LANDSCAPE_FUZZ_EXAMPLES", "700"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SVG = "{http://www.w3.org/2000/svg}"
LAYOUT = yaml.safe_load((FIXTURES / "small-layout.yaml").read_text(encoding="utf-8"))

text = st.text(alphabet=st.sampled_from(list("abcXYZ 09-_./()，。调度器推理应用Ω\t") + ["\u200b", "\x07", "é", "\U0001F680"]),
               min_size=0, max_size=40)
number = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-50, 150), st.floats(0, 100),
                   st.floats(0, 100), st.floats(0, 100))
project = st.fixed_dictionaries(
    {"name": st.one_of(text, st.integers(), st.none()),
     "group": st.sampled_from(["app", "infra", "lib", "nope", ""]),
     "x": number, "y": number},
    optional={"stage": st.sampled_from(["early", "mature", "beta"]), "url": st.sampled_from(
        ["https://example.org", "javascript:alert(1)", "file:///etc/passwd"]),
        "logo": st.sampled_from(["kubernetes", "mark.svg", "../x.svg", "/etc/passwd", "nope"]),
        "tags": st.lists(text, max_size=3), "colour": text})


def _run(*args: object) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(a) for a in args])
    return code, err.getvalue()


def _check_landscape(svg_path: Path) -> None:
    data = svg_path.read_bytes()
    assert audit_svg(data) == []
    root = ET.fromstring(data)
    boxes = []
    for g in root.iter(SVG + "g"):
        if "card" in (g.get("class") or "").split():
            r = g.find(f".//{SVG}rect")
            x, y, w, h = (float(r.get(k)) for k in ("x", "y", "width", "height"))
            boxes.append((x, y, x + w, y + h))
    boxes.sort()
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if b[0] >= a[2]:
                break
            assert not (a[1] < b[3] and b[1] < a[3]), (a, b)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "logos").mkdir()
    (root / "logos" / "mark.svg").write_bytes((FIXTURES / "logos" / "mark.svg").read_bytes())
    return root


@FUZZ
@given(projects=st.lists(project, min_size=0, max_size=25), garbage=st.one_of(st.none(), st.binary(max_size=60)))
def test_fuzz_data_files(work: Path, projects: list[dict], garbage: bytes | None) -> None:
    data = work / "data.yaml"
    if garbage is not None:
        data.write_bytes(garbage)
    else:
        data.write_text(yaml.safe_dump({"meta": {"title": "fuzz"}, "projects": projects}, allow_unicode=True),
                        encoding="utf-8")
    code, err = _run("render", data, "--layout", FIXTURES / "small-layout.yaml", "--logos", work / "logos",
                     "-o", work / "out", "--format", "svg")
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 0:
        _check_landscape(work / "out" / "data-landscape.svg")
    else:
        assert len([line for line in err.splitlines() if line.startswith("error:")]) == 1, err


@FUZZ
@given(width=number, height=number, gap=number, card_h=number, font=number, split=number,
       bands=st.lists(st.tuples(number, number), max_size=3), count=st.integers(1, 40))
def test_fuzz_layout_files(work: Path, width: float, height: float, gap: float, card_h: float, font: float,
                           split: float, bands: list, count: int) -> None:
    layout = dict(LAYOUT)
    layout.update(canvas={"width": width, "margin": 20}, chart={"height": height, "gap": gap, "split_x": split},
                  card={**LAYOUT["card"], "height": card_h, "font_size": font})
    if bands:
        layout["bands"] = [{"label": f"B{i}", "groups": [g], "y": [lo, hi]}
                           for i, ((lo, hi), g) in enumerate(zip(bands, ["app", "infra"]))]
    path = work / "layout.yaml"
    path.write_text(yaml.safe_dump(layout, allow_unicode=True), encoding="utf-8")
    rows = [{"name": f"Card {i}", "group": "app" if i % 2 else "infra", "x": (i * 37) % 100,
             "y": 80 if i % 2 else 20} for i in range(count)]
    data = work / "data.yaml"
    data.write_text(yaml.safe_dump({"projects": rows}), encoding="utf-8")
    code, err = _run("render", data, "--layout", path, "-o", work / "out", "--format", "svg")
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 0:
        _check_landscape(work / "out" / "data-landscape.svg")


@FUZZ
@given(rows=st.integers(7, 10), cols=st.integers(7, 10), cells=st.lists(text, min_size=100, max_size=100),
       bold=st.lists(st.booleans(), min_size=100, max_size=100), prefix=text)
def test_fuzz_markdown_tables(work: Path, rows: int, cols: int, cells: list[str], bold: list[bool],
                              prefix: str) -> None:
    def cell(i: int) -> str:
        value = cells[i].replace("|", "/").replace("\n", " ").strip()
        return f"**{value}**" if bold[i] and value else value

    lines = [prefix.replace("|", ""), ""]
    for r in range(rows):
        lines.append("| " + " | ".join(cell(r * 10 + c) for c in range(cols)) + " |")
        if r == 0:
            lines.append("|" + " --- |" * cols)
    md = work / "goals.md"
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err = _run("mandala", md, "-o", work / "out", "--format", "svg")
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 0:
        assert rows == 9 and cols == 9
        assert audit_svg((work / "out" / "goals-mandala.svg").read_bytes()) == []
    else:
        assert len([line for line in err.splitlines() if line.startswith("error:")]) == 1, err
