"""End to end: the default AI-Infra data through the CLI, checked from the files it writes."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from renderer.model import load_dataset, slugify

from .conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"
DATA = ROOT / "data" / "ai-infra.yaml"
LAYOUT = ROOT / "layouts" / "ai-infra.yaml"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from renderer.cli import main

    out = tmp_path_factory.mktemp("out")
    assert main(["render", str(DATA), "--layout", str(LAYOUT), "-o", str(out), "--report",
                 str(out / "report.json")]) == 0
    return out


def cards(svg: Path) -> dict[str, ET.Element]:
    root = ET.parse(svg).getroot()
    return {g.get("id"): g for g in root.iter(SVG + "g") if "card" in (g.get("class") or "").split()}


def outline_box(card: ET.Element) -> tuple[float, float, float, float]:
    rect = card.find(f".//{SVG}rect")
    assert rect is not None
    x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
    return x, y, x + w, y + h


def test_every_project_is_drawn_once(rendered: Path) -> None:
    data = load_dataset(DATA)
    found = cards(rendered / "ai-infra-landscape.svg")
    assert set(found) == {slugify(p.name) for p in data.projects}
    assert len(found) == len(data.projects) >= 75


def test_no_two_cards_overlap_and_all_are_on_the_canvas(rendered: Path) -> None:
    svg = rendered / "ai-infra-landscape.svg"
    root = ET.parse(svg).getroot()
    _, _, cw, ch = (float(v) for v in root.get("viewBox").split())
    boxes = {k: outline_box(g) for k, g in cards(svg).items()}
    items = list(boxes.items())
    for i, (a, A) in enumerate(items):
        assert 0 <= A[0] and A[2] <= cw and 0 <= A[1] and A[3] <= ch, a
        for b, B in items[i + 1:]:
            assert not (A[0] < B[2] and B[0] < A[2] and A[1] < B[3] and B[1] < A[3]), (a, b)


def test_early_cards_are_dashed_and_mature_ones_solid(rendered: Path) -> None:
    data = {slugify(p.name): p for p in load_dataset(DATA).projects}
    for key, g in cards(rendered / "ai-infra-landscape.svg").items():
        rect = g.find(f".//{SVG}rect")
        dashed = rect.get("stroke-dasharray") not in (None, "none")
        assert dashed == data[key].early, key
        assert ("early" in g.get("class").split()) == data[key].early


def test_cards_have_titles_and_links(rendered: Path) -> None:
    found = cards(rendered / "ai-infra-landscape.svg")
    vllm = found["vllm"]
    assert vllm.find(f"{SVG}title").text.startswith("vLLM")
    link = vllm.find(f"{SVG}a")
    assert link is not None and link.get("{http://www.w3.org/1999/xlink}href") == "https://github.com/vllm-project/vllm"


def test_text_is_outlined_and_chinese_axis_labels_are_drawn(rendered: Path) -> None:
    svg_text = (rendered / "ai-infra-landscape.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg_text)
    assert root.findall(f".//{SVG}text") == []
    assert "font-family" not in svg_text
    axis = [p for p in root.iter(SVG + "path") if "axis-label" in (p.get("class") or "")]
    assert len(axis) == 4
    assert all(len(p.get("d")) > 200 for p in axis)
    report = json.loads((rendered / "report.json").read_text(encoding="utf-8"))
    labels = {b["id"] for b in report["boxes"] if b["kind"] == "axis-label"}
    assert {"AI / 应用层", "原型 / 早期", "成熟 / 标准化", "内核 / 运行时"} == labels


def test_svg_is_self_contained(rendered: Path) -> None:
    svg_text = (rendered / "ai-infra-landscape.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg_text)
    assert root.get("viewBox") and root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
    hrefs = re.findall(r'(?:xlink:)?href="([^"]+)"', svg_text)
    for href in hrefs:
        assert href.startswith(("data:", "https://", "#")), href
    assert "<script" not in svg_text


def test_png_has_the_expected_size_and_is_not_blank(rendered: Path) -> None:
    root = ET.parse(rendered / "ai-infra-landscape.svg").getroot()
    _, _, cw, ch = (float(v) for v in root.get("viewBox").split())
    image = Image.open(rendered / "ai-infra-landscape.png")
    assert image.size == (round(cw * 2), round(ch * 2))
    hist = image.convert("L").histogram()
    total = sum(hist)
    assert hist[255] < 0.95 * total  # not blank
    assert sum(hist[:100]) > 0.005 * total  # dark ink (text outlines) is present


def test_report_metrics(rendered: Path) -> None:
    report = json.loads((rendered / "report.json").read_text(encoding="utf-8"))
    m = report["metrics"]
    assert m["overlaps"] == 0 and m["cards_outside"] == 0 and m["text_overflow"] == 0
    assert m["cards"] == len(load_dataset(DATA).projects)
    assert 0 < m["mean_displacement"] <= m["max_displacement"] < 400
    card = next(b for b in report["boxes"] if b["id"] == "kubernetes")
    assert card["quadrant"] == "bottom-right" and card["band"] == "内核"  # the layout's zh-CN label
    assert set(card) >= {"kind", "id", "x", "y", "w", "h", "hint_x", "hint_y", "displacement", "quadrant", "band"}


def test_two_runs_are_byte_identical(rendered: Path, tmp_path: Path) -> None:
    from renderer.cli import main

    assert main(["render", str(DATA), "--layout", str(LAYOUT), "-o", str(tmp_path)]) == 0
    for name in ("ai-infra-landscape.svg", "ai-infra-landscape.png"):
        assert (tmp_path / name).read_bytes() == (rendered / name).read_bytes(), name


def test_english_variant(tmp_path: Path, cli) -> None:
    run = cli("render", DATA, "--layout", LAYOUT, "-o", tmp_path, "--lang", "en", "--format", "svg",
              "--report", tmp_path / "r.json")
    assert run.code == 0, run.err
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    labels = {b["id"] for b in report["boxes"] if b["kind"] == "axis-label"}
    assert "AI / Application" in labels and "Prototype / Early" in labels
    assert (tmp_path / "ai-infra-landscape.en.svg").is_file()


def test_png_decodes_with_pillow_after_parallel_deflate(rendered: Path) -> None:
    data = (rendered / "ai-infra-landscape.png").read_bytes()
    image = Image.open(io.BytesIO(data))
    image.load()  # raises on a corrupt stream or a bad checksum
    assert image.mode == "RGB"


def test_frame_texts_are_on_the_canvas_and_do_not_collide(rendered: Path) -> None:
    report = json.loads((rendered / "report.json").read_text(encoding="utf-8"))
    m = report["metrics"]
    frame = [b for b in report["boxes"] if b["kind"] not in ("card", "band-extent")]
    kinds = {b["kind"] for b in frame}
    assert {"title", "subtitle", "axis-label", "quadrant-label", "band-label", "legend", "footnote",
            "strip-label"} <= kinds
    for b in frame:
        assert 0 <= b["x"] and b["x"] + b["w"] <= m["canvas_width"], b
        assert 0 <= b["y"] and b["y"] + b["h"] <= m["canvas_height"], b
    for i, a in enumerate(frame):
        for b in frame[i + 1:]:
            apart = (a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or a["y"] + a["h"] <= b["y"]
                     or b["y"] + b["h"] <= a["y"])
            assert apart, (a["id"], b["id"])
    cards = [b for b in report["boxes"] if b["kind"] == "card"]
    for t in frame:  # no frame text under a card either
        for c in cards:
            assert (t["x"] + t["w"] <= c["x"] or c["x"] + c["w"] <= t["x"] or t["y"] + t["h"] <= c["y"]
                    or c["y"] + c["h"] <= t["y"]), (t["id"], c["id"])
