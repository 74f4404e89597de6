"""Importers: the old AI-Infra JSON and landscape2 (CNCF) files, with their awkward parts."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from renderer.errors import Warnings
from renderer.jobs import Job, import_source, run
from renderer.model import load_dataset, load_rules

from .conftest import FIXTURES
from .test_bad_inputs import _embedded_svgs

IMPORT = FIXTURES / "import"
SVG = "{http://www.w3.org/2000/svg}"


def cards(svg: bytes) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {g.get("id"): g for g in root.iter(SVG + "g") if "card" in (g.get("class") or "").split()}


def test_ai_infra_json_keeps_what_the_old_generator_drew(tmp_path: Path, cli) -> None:
    result = cli("import", "ai-infra-json", IMPORT / "ai-infra.json", "-o", tmp_path / "data" / "x.yaml")
    assert result.code == 0, result.err
    data = yaml.safe_load((tmp_path / "data" / "x.yaml").read_text(encoding="utf-8"))
    layout = yaml.safe_load((tmp_path / "layouts" / "x.yaml").read_text(encoding="utf-8"))
    names = [p["name"] for p in data["projects"]]
    source = json.loads((IMPORT / "ai-infra.json").read_text(encoding="utf-8"))
    assert names == [p["name"] for p in source["projects"]] + ["PyTorch", "JAX"]
    gie = data["projects"][0]
    assert (gie["x"], gie["y"], gie["stage"], gie["monogram"], gie["tags"]) == (38, 93, "early", "GIE", ["k8s-feature"])
    assert data["projects"][2]["logo"] == "vllm.png"  # logo_image path made relative to the logo folder
    assert layout["groups"]["gateway"]["color"] == "#0f7b8a"  # the group's stroke colour
    assert [n["label"] for n in layout["notes"]] == ["AI Gateway", "Inference", "Scheduling", "Kernel"]
    assert layout["strips"] == [{"label": "Ecosystem", "groups": ["framework"], "rows": 1}]
    assert layout["axis_labels"]["top"] == "AI / 应用层"
    assert layout["quadrant_labels"] == {"top_left": "Emerging", "bottom_right": "Standard"}
    assert data["meta"]["subtitle"] == "v0.3 · 2025-06"


def test_ai_infra_json_renders_directly_and_like_its_import(tmp_path: Path, cli, engine) -> None:
    assert cli("import", "ai-infra-json", IMPORT / "ai-infra.json", "-o", tmp_path / "data" / "x.yaml").code == 0
    direct = Job(kind="landscape", source=IMPORT / "ai-infra.json", input_format="ai-infra-json",
                 logos=IMPORT / "logos", out_dir=tmp_path, formats=("svg",))
    via_yaml = Job(kind="landscape", source=tmp_path / "data" / "x.yaml", logos=IMPORT / "logos", out_dir=tmp_path,
                   formats=("svg",))
    a = run(direct, Warnings(), engine)[0][0][1]
    b = run(via_yaml, Warnings(), engine)[0][0][1]
    assert a == b  # the round trip through YAML changes nothing
    found = cards(a)
    assert len(found) == 11
    badges = [p for g in found.values() for p in g.iter(SVG + "path") if "badge" in (p.get("class") or "")]
    assert len(badges) == 2  # the two k8s-feature projects
    assert "early" in found["gateway-api-inference-extension"].get("class")


def test_pixel_coordinates_are_scaled_with_a_warning(tmp_path: Path) -> None:
    raw = json.loads((IMPORT / "ai-infra.json").read_text(encoding="utf-8"))
    for i, p in enumerate(raw["projects"]):
        p["x"], p["y"] = 100 + 90 * i, 900 - 80 * i
    path = tmp_path / "px.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    warnings = Warnings()
    data, _ = import_source(Job(kind="landscape", source=path, out_dir=tmp_path, input_format="ai-infra-json"),
                            warnings)
    xs = [p["x"] for p in data["projects"][:9]]
    ys = [p["y"] for p in data["projects"][:9]]
    assert min(xs) == 0 and max(xs) == 100 and ys[0] == 0 and ys[-1] == 100  # y flipped: top of screen = 100
    assert any("look like pixels" in line for line in warnings.lines)


def test_landscape2_import_with_map(tmp_path: Path, cli) -> None:
    result = cli("import", "landscape2", IMPORT / "landscape.yml", "--logos", IMPORT / "hosted_logos", "--map",
                 IMPORT / "map.yaml", "-o", tmp_path / "data" / "cncf.yaml")
    assert result.code == 0, result.err
    data = load_dataset(tmp_path / "data" / "cncf.yaml")
    rules = load_rules(tmp_path / "layouts" / "cncf.yaml")
    by_name = {p.name: p for p in data.projects}
    # archived, members and items without repo_url are left out; Volcano is drawn once
    assert sorted(by_name) == ["HAMi", "Kata Containers", "Kubernetes", "Kueue", "Volcano", "containerd"]
    assert by_name["Kubernetes"].x >= 80 and by_name["Kubernetes"].stage == "mature"
    assert 60 <= by_name["Volcano"].x <= 78  # 'incubation' read as incubating
    assert by_name["HAMi"].early and by_name["HAMi"].x <= 45
    assert 50 <= by_name["Kueue"].x <= 58  # no `project`: the map's rule for non-foundation items
    assert by_name["Kata Containers"].logo is None  # its logo file is missing
    assert [b.label for b in rules.bands] == ["Orchestration", "Runtime"]
    err = result.err
    assert "'incubation' → 'incubating'" in err
    assert "listed more than once" in err and "Volcano" in err
    assert "1 logo file(s) missing" in err and "kata.svg" in err


def test_landscape2_render_sanitises_hosted_logos(tmp_path: Path, cli) -> None:
    result = cli("render", IMPORT / "landscape.yml", "--input-format", "landscape2", "--map", IMPORT / "map.yaml",
                 "--logos", IMPORT / "hosted_logos", "-o", tmp_path, "--format", "svg")
    assert result.code == 0, result.err
    assert "volcano.svg has a DOCTYPE or entity declarations" in result.err  # entity logo → monogram
    svg = (tmp_path / "landscape-landscape.svg").read_text(encoding="utf-8")
    inner = _embedded_svgs(svg)
    assert len(inner) == 4  # kubernetes, kueue, containerd, hami
    assert not any("script" in s or "onload" in s or "evil" in s for s in inner)
    assert any("#1f6fb2" in s for s in inner)  # Kueue's drawing survives without its script


def test_landscape2_needs_a_map_and_known_categories(tmp_path: Path, cli) -> None:
    result = cli("import", "landscape2", IMPORT / "landscape.yml", "-o", tmp_path / "x.yaml")
    assert result.code == 2 and "a mapping file is needed" in result.err
    bad = tmp_path / "map.yaml"
    bad.write_text((IMPORT / "map.yaml").read_text(encoding="utf-8").replace("y: [55, 95]", "y: [40, 95]"),
                   encoding="utf-8")
    result = cli("import", "landscape2", IMPORT / "landscape.yml", "--map", bad, "-o", tmp_path / "x.yaml")
    assert result.code == 2 and "spans the middle line" in result.err and f"{bad}:3:" in result.err


def test_example_map_is_valid() -> None:
    from renderer.importers import _load_map

    mapping = _load_map(FIXTURES.parent.parent / "layouts" / "landscape2-map.example.yaml")
    assert len(mapping["categories"]) == 9 and "sandbox" in mapping["maturity"]


def test_landscape2_round_trip_through_yaml(tmp_path: Path, cli, engine) -> None:
    assert cli("import", "landscape2", IMPORT / "landscape.yml", "--logos", IMPORT / "hosted_logos", "--map",
               IMPORT / "map.yaml", "-o", tmp_path / "data" / "landscape.yaml").code == 0
    direct = Job(kind="landscape", source=IMPORT / "landscape.yml", input_format="landscape2", map=IMPORT / "map.yaml",
                 logos=IMPORT / "hosted_logos", out_dir=tmp_path, formats=("svg",))
    via_yaml = Job(kind="landscape", source=tmp_path / "data" / "landscape.yaml", logos=IMPORT / "hosted_logos",
                   out_dir=tmp_path, formats=("svg",))
    assert run(direct, Warnings(), engine)[0][0][1] == run(via_yaml, Warnings(), engine)[0][0][1]
