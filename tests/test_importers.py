"""Importers: the old AI-Infra JSON and landscape2 (CNCF) files, with their awkward parts."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from renderer.cli import main, write_files
from renderer.errors import InputError, Warnings
from renderer.jobs import Job, import_source, run
from renderer.model import load_dataset, load_rules

from .conftest import FIXTURES, ROOT, embedded_svgs, unstamped

IMPORT = FIXTURES / "import"
SVG = "{http://www.w3.org/2000/svg}"
# the real CNCF subset (../shared/corpus, see its SOURCES.md); tests using it are skipped without it
CORPUS = Path(os.environ.get("LANDSCAPE_CORPUS", ROOT.parent / "shared" / "corpus"))
CNCF = CORPUS / "cncf-subset"


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
    assert unstamped(a) == unstamped(b)  # the round trip through YAML changes nothing (but the inputs)
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
    assert "volcano.svg" not in result.err  # a harmless internal entity is expanded, no DTD loaded
    svg = (tmp_path / "landscape-landscape.svg").read_text(encoding="utf-8")
    inner = embedded_svgs(svg)
    assert len(inner) == 5  # kubernetes, kueue, containerd, hami, volcano
    assert not any("script" in s or "onload" in s or "evil" in s for s in inner)
    assert any("#1f6fb2" in s for s in inner)  # Kueue's drawing survives without its script
    assert any('fill="#d9381e"' in s for s in inner)  # Volcano's entity, expanded


def test_landscape2_needs_a_map_and_known_categories(tmp_path: Path, cli) -> None:
    result = cli("import", "landscape2", IMPORT / "landscape.yml", "-o", tmp_path / "x.yaml")
    assert result.code == 2 and "a mapping file is needed" in result.err
    bad = tmp_path / "map.yaml"
    bad.write_text((IMPORT / "map.yaml").read_text(encoding="utf-8").replace("y: [55, 95]", "y: [40, 95]"),
                   encoding="utf-8")
    result = cli("import", "landscape2", IMPORT / "landscape.yml", "--map", bad, "-o", tmp_path / "x.yaml")
    assert result.code == 2 and "spans the middle line" in result.err and f"{bad}:3:" in result.err


def test_example_map_follows_the_current_cncf_categories() -> None:
    mapping = yaml.safe_load((ROOT / "layouts" / "landscape2-map.example.yaml").read_text(encoding="utf-8"))
    names = [c["name"] for c in mapping["categories"]]
    for current in ("AI Agent", "Inference", "Training", "Data", "AI Native Infra", "Orchestration & Management",
                    "Runtime", "Observability and Analysis"):
        assert current in names
    assert "CNAI" in mapping["skip"] and "sandbox" in mapping["maturity"]
    assert all(c["y"][1] <= 50 or c["y"][0] >= 50 for c in mapping["categories"])


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _logo_cards(svg: bytes) -> set[str]:
    """Ids of the cards drawn with a logo (not a monogram)."""
    return {gid for gid, g in cards(svg).items()
            if not any("monogram" in (p.get("class") or "") for p in g.iter(SVG + "path"))}


def _readme_import_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Importing real landscape data"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    joined = block.replace("\\\n", " ")
    return [line.split("#")[0].strip() for line in joined.splitlines() if line.split("#")[0].strip()]


def test_readme_import_commands_run_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    (tmp_path / "old").mkdir()
    shutil.copy(IMPORT / "ai-infra.json", tmp_path / "old" / "data.json")
    shutil.copy(IMPORT / "landscape.yml", tmp_path / "landscape.yml")
    shutil.copytree(IMPORT / "hosted_logos", tmp_path / "hosted_logos")
    before = _files(tmp_path)
    monkeypatch.chdir(tmp_path)  # no layouts/ here: the example map is the built-in one
    commands = _readme_import_commands()
    assert len(commands) == 4 and all(c.startswith("landscape ") for c in commands)
    for command in commands:
        code = main(shlex.split(command)[1:])
        assert code == 0, (command, capsys.readouterr().err)
    assert _files(tmp_path) - before == {
        "data/ai-infra-old.yaml", "layouts/ai-infra-old.yaml", "data/cncf.yaml", "layouts/cncf.yaml",
        "output/cncf-landscape.svg", "output/cncf-landscape.png", "output/landscape-landscape.svg",
        "output/landscape-landscape.png"}
    # the import, rendered without flags, finds its layout and logos: the same image as the direct render
    imported = (tmp_path / "output" / "cncf-landscape.svg").read_bytes()
    assert unstamped(imported) == unstamped((tmp_path / "output" / "landscape-landscape.svg").read_bytes())
    assert _logo_cards(imported) == {"kubernetes", "kueue", "containerd", "hami", "volcano"}  # volcano.svg: entity expanded
    meta = yaml.safe_load((tmp_path / "data" / "cncf.yaml").read_text(encoding="utf-8"))["meta"]
    assert (meta["layout"], meta["logos"]) == ("../layouts/cncf.yaml", "../hosted_logos")


def test_nothing_is_written_outside_the_named_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli) -> None:
    work, target = tmp_path / "work", tmp_path / "target"
    work.mkdir()
    monkeypatch.chdir(work)
    result = cli("import", "ai-infra-json", IMPORT / "ai-infra.json", "-o", target / "x.yaml")
    assert result.code == 0, result.err
    assert _files(tmp_path) == {"target/x.yaml", "target/layouts/x.yaml"}  # was ../layouts/x.yaml
    assert f"{target / 'layouts' / 'x.yaml'}: 5 groups" in result.out
    assert cli("validate", target / "x.yaml").code == 0  # found through meta.layout


def test_data_files_name_no_layout_or_logos_outside_their_project(tmp_path: Path, cli) -> None:
    data = tmp_path / "proj" / "data" / "x.yaml"
    data.parent.mkdir(parents=True)
    for key, value in (("logos", "/etc"), ("layout", "../../elsewhere.yaml"), ("logos", "../../..")):
        data.write_text(f"meta:\n  title: x\n  {key}: {value}\nprojects: []\n", encoding="utf-8")
        result = cli("render", data, "-o", tmp_path / "out")
        assert result.code == 2 and f"{data}:3: meta: '{key}' '{value}' lies outside the project folder" in result.err
    assert not (tmp_path / "out").exists()


def test_import_writes_both_files_or_neither(tmp_path: Path, cli) -> None:
    data = tmp_path / "data" / "x.yaml"
    data.parent.mkdir()
    data.write_text("old\n", encoding="utf-8")
    (tmp_path / "blocker").write_text("a file, not a folder", encoding="utf-8")
    result = cli("import", "ai-infra-json", IMPORT / "ai-infra.json", "-o", data, "--layout-out",
                 tmp_path / "blocker" / "x.yaml")
    assert result.code == 2 and "cannot write to" in result.err
    assert data.read_text(encoding="utf-8") == "old\n" and _files(tmp_path) == {"data/x.yaml", "blocker"}


def test_a_failed_rename_restores_the_files_already_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_bytes(b"old a")
    real_replace = os.replace
    calls: list[str] = []

    def flaky(src: str, dst: str) -> None:
        calls.append(str(dst))
        if Path(dst) == second:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(InputError, match="nothing was written"):
        write_files([(first, b"new a"), (second, b"new b")])
    monkeypatch.setattr(os, "replace", real_replace)
    assert first.read_bytes() == b"old a" and not second.exists()
    assert _files(tmp_path) == {"a.yaml"}  # no temporary files left behind


def test_debug_is_accepted_after_the_subcommand(tmp_path: Path, cli) -> None:
    import argparse

    from renderer.cli import build_parser

    for args in (["--debug", "validate", "nothing.yaml"], ["validate", "nothing.yaml", "--debug"]):
        result = cli(*args)
        assert result.code == 2 and "unrecognized arguments" not in result.err
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name, parser in sub.choices.items():  # every subcommand, present and future
        assert "--debug" in parser._option_string_actions, name


needs_corpus = pytest.mark.skipif(not CNCF.is_dir(), reason="the real CNCF subset (../shared/corpus) is not here")


@needs_corpus
def test_real_cncf_subset_logo_paths_and_subcategories(tmp_path: Path, cli) -> None:
    raw = yaml.safe_load((CNCF / "landscape.yml").read_text(encoding="utf-8"))
    items = [i for c in raw["landscape"] for s in c["subcategories"] for i in s["items"]]
    dotted = {i["name"] for i in items if i["logo"].startswith("./")}
    assert len(dotted) >= 20  # the real file's ./x.svg shape
    result = cli("import", "landscape2", CNCF / "landscape.yml", "--logos", CNCF / "hosted_logos", "--map",
                 ROOT / "layouts" / "landscape2-map.example.yaml", "-o", tmp_path / "data" / "cncf.yaml")
    assert result.code == 0, result.err
    assert "logo file(s) missing" not in result.err and "categor(ies) not in the map" not in result.err
    data = yaml.safe_load((tmp_path / "data" / "cncf.yaml").read_text(encoding="utf-8"))
    by_name = {p["name"]: p for p in data["projects"]}
    kept = [(i["name"], i["logo"]) for i in items if i["name"] in dotted and i["name"] in by_name]
    assert len(kept) >= 20 and all(by_name[name]["logo"] == logo.removeprefix("./") for name, logo in kept)
    for name, sub in (("vLLM", "Runtime"), ("KServe", "Framework"), ("SGLang", "Runtime"), ("llm-d", "Framework")):
        assert by_name[name]["subcategory"] == sub and by_name[name]["logo"]
    assert "lies outside" in result.err and "pass --logos" in result.err  # the corpus is not in tmp_path
    run_ = cli("render", tmp_path / "data" / "cncf.yaml", "--logos", CNCF / "hosted_logos", "-o", tmp_path / "out",
               "--format", "svg")
    assert run_.code == 0, run_.err
    drawn = _logo_cards((tmp_path / "out" / "cncf-landscape.svg").read_bytes())
    assert {"vllm", "kserve", "sglang", "llm-d"} <= drawn


def test_sub_folder_and_dotted_logo_paths(tmp_path: Path) -> None:
    from renderer.importers import logo_ref

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "y.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "link.svg").symlink_to("/etc/hostname")
    assert logo_ref("./y.svg", tmp_path) == "y.svg"
    assert logo_ref("y.svg", tmp_path) == "y.svg"
    assert logo_ref("./sub/x.svg", tmp_path) == "sub/x.svg"
    assert logo_ref("sub/../y.svg", tmp_path) == "y.svg"
    for outside in ("../y.svg", "/etc/hostname", "link.svg", "z.svg", "sub"):
        assert logo_ref(outside, tmp_path) is None, outside
    assert logo_ref("y.svg", None) is None


def test_landscape2_round_trip_through_yaml(tmp_path: Path, cli, engine) -> None:
    assert cli("import", "landscape2", IMPORT / "landscape.yml", "--logos", IMPORT / "hosted_logos", "--map",
               IMPORT / "map.yaml", "-o", tmp_path / "data" / "landscape.yaml").code == 0
    direct = Job(kind="landscape", source=IMPORT / "landscape.yml", input_format="landscape2", map=IMPORT / "map.yaml",
                 logos=IMPORT / "hosted_logos", out_dir=tmp_path, formats=("svg",))
    via_yaml = Job(kind="landscape", source=tmp_path / "data" / "landscape.yaml", logos=IMPORT / "hosted_logos",
                   out_dir=tmp_path, formats=("svg",))
    a, b = (run(job, Warnings(), engine)[0][0][1] for job in (direct, via_yaml))
    assert unstamped(a) == unstamped(b)
