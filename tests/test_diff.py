"""``landscape diff``: detection of each change, renames by URL, git:REV:path, marks on the
picture (never on card text), the changelog, golden SVG, determinism and the error paths."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from renderer.diff import Pair, compare, decorate, read_side, stability
from renderer.errors import Warnings
from renderer.jobs import build_sized
from renderer.model import LIGHT, Dataset, Project, Theme, slugify
from renderer.scene import Group, Rect, Text, walk
from renderer.text import TextEngine

from .conftest import FIXTURES, ROOT
from .test_cli_render import cards, outline_box

SVG = "{http://www.w3.org/2000/svg}"
GOLDEN = Path(__file__).resolve().parent / "golden" / "small-diff.svg"
SMALL = ("--layout", FIXTURES / "small-layout.yaml", "--logos", FIXTURES / "logos")


def project(name: str, x: float = 50, y: float = 50, stage: str = "mature", group: str = "app",
            url: str | None = None) -> Project:
    return Project(name=name, slug=slugify(name), group=group, stage=stage, x=x, y=y, url=url, logo=None, tags=(),
                   line=1)


def dataset(*projects: Project) -> Dataset:
    return Dataset(path="<test>", title="T", subtitle=None, projects=projects)


# ---------------------------------------------------------------- comparison


def test_each_kind_of_change_is_detected() -> None:
    old = dataset(project("Kept"), project("Gone"), project("Grows", stage="early"), project("Walks", x=10),
                  project("Nudged", x=50), project("Jumps", group="app"))
    new = dataset(project("Kept"), project("Fresh"), project("Grows", stage="mature"), project("Walks", x=30),
                  project("Nudged", x=53), project("Jumps", group="infra"))
    cmp = compare(old, new)
    assert [p.name for p in cmp.added] == ["Fresh"]
    assert [p.name for p in cmp.removed] == ["Gone"]
    assert [p.new.name for p in cmp.stage_changed] == ["Grows"]
    assert [p.new.name for p in cmp.moved] == ["Walks", "Jumps"]  # a group change is a move
    assert cmp.nudged == 1 and not cmp.renamed
    assert cmp.marks == {"fresh": ("added",), "grows": ("stage-changed",), "walks": ("moved",),
                         "jumps": ("moved",)}


def test_move_threshold_is_inclusive_on_either_axis() -> None:
    old = project("A", x=50, y=50)
    assert Pair(old, project("A", x=55, y=50)).moved()
    assert Pair(old, project("A", x=50, y=45)).moved()
    assert not Pair(old, project("A", x=54.9, y=54.9)).moved()


def test_renames_are_matched_by_url_ignoring_scheme_case_and_trailing_slash() -> None:
    old = dataset(project("Old Name", url="http://GitHub.com/org/tool/"), project("Twin A", url="https://x.org/t"),
                  project("Twin B", url="https://x.org/t"))
    new = dataset(project("New Name", url="https://github.com/org/tool.git"), project("Other", url="https://x.org/t"))
    cmp = compare(old, new)
    assert [(p.old.name, p.new.name) for p in cmp.renamed] == [("Old Name", "New Name")]
    # an URL shared by two old projects is ambiguous: no rename guessed
    assert [p.name for p in cmp.added] == ["Other"]
    assert [p.name for p in cmp.removed] == ["Twin A", "Twin B"]
    assert cmp.marks["new-name"] == ("renamed",)


def test_stability_counts_only_unchanged_cards_that_shift() -> None:
    class B:  # the fields of a landscape BoxReport that stability reads
        def __init__(self, id: str, x: float, y: float) -> None:
            self.kind, self.id, self.x, self.y = "card", id, x, y

    cmp = compare(dataset(project("A"), project("B"), project("C", x=10)),
                  dataset(project("A"), project("B"), project("C", x=40)))
    assert stability([B("a", 0, 0), B("b", 0, 0), B("c", 0, 0)],
                     [B("a", 0.4, 0), B("b", 3, 0), B("c", 99, 0)], cmp) == (1, 2)


# ---------------------------------------------------------------- the default data, edited


def edited_copy(folder: Path) -> Path:
    """data/ai-infra.yaml with 5 added, 3 removed, 4 stage changes and 6 moved projects."""
    raw = yaml.safe_load((ROOT / "data" / "ai-infra.yaml").read_text(encoding="utf-8"))
    by = {p["name"]: p for p in raw["projects"]}
    for name in REMOVED:
        raw["projects"].remove(by[name])
    for name, stage in STAGED.items():
        by[name]["stage"] = stage
    for name, x in MOVED.items():
        by[name]["x"] = x
    raw["projects"] += [{"name": n, "group": g, "stage": s, "x": x, "y": y, "url": f"https://example.org/{slugify(n)}"}
                        for n, g, s, x, y in ADDED]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ai-infra.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


ADDED = [("Kuadrant", "gateway", "early", 26, 97), ("Katib", "training", "mature", 58, 80),
         ("LMCache", "inference", "early", 30, 52), ("Ollama", "inference", "mature", 88, 52),
         ("Spark Operator", "scheduling", "mature", 60, 35)]
REMOVED = ["Okahu", "Model Spec", "Dagger"]
STAGED = {"NVIDIA Dynamo": "mature", "KubeRay": "mature", "Kthena": "mature", "Langfuse": "early"}
MOVED = {"KServe": 64, "Kueue": 90, "Dify": 80, "TruLens": 20, "vLLM": 60, "Higress": 84}


@pytest.fixture(scope="module")
def default_diff(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from renderer.cli import main

    base = tmp_path_factory.mktemp("diff")
    new = edited_copy(base / "data")
    out = base / "out"
    assert main(["diff", str(ROOT / "data" / "ai-infra.yaml"), str(new), "--layout",
                 str(ROOT / "layouts" / "ai-infra.yaml"), "--lang", "en", "-o", str(out),
                 "--format", "svg,md"]) == 0
    return out


def sections(md: str) -> dict[str, list[str]]:
    """Heading → the bold project names listed under it."""
    out: dict[str, list[str]] = {}
    for part in re.split(r"^## ", md, flags=re.M)[1:]:
        head, _, body = part.partition("\n")
        out[head.strip()] = re.findall(r"^- \*\*(.+?)\*\*", body, flags=re.M)
    return out


def test_changelog_lists_exactly_the_edits_under_their_headings(default_diff: Path) -> None:
    md = (default_diff / "ai-infra-diff.en.md").read_text(encoding="utf-8")
    found = sections(md)
    assert list(found) == ["Added", "Removed", "Stage changed", "Moved"]
    assert sorted(found["Added"]) == sorted(n for n, *_ in ADDED)
    assert sorted(found["Removed"]) == sorted(REMOVED)
    assert sorted(found["Stage changed"]) == sorted(STAGED)
    assert sorted(found["Moved"]) == sorted(MOVED)
    assert "- **KServe** (Cloud-native inference): x 78 → 64" in md
    assert "- **Langfuse** (Observability): mature → early" in md
    assert re.search(r"Layout stability: \d+ of 66 unchanged cards moved", md)
    # grouped by band, bands top to bottom: Kuadrant (AI Gateway) before Spark Operator (Scheduling)
    added = md.split("## Added")[1].split("## Removed")[0]
    assert added.index("**AI Gateway**") < added.index("Kuadrant") < added.index("**Scheduling**") \
        < added.index("Spark Operator")


def card_groups(svg: Path) -> dict[str, set[str]]:
    root = ET.parse(svg).getroot()
    return {g.get("id"): set(g.get("class").split()) for g in root.iter(SVG + "g")
            if "card" in (g.get("class") or "").split()}


def test_svg_marks_exactly_the_changed_cards(default_diff: Path) -> None:
    svg = default_diff / "ai-infra-diff.en.svg"
    classes = card_groups(svg)
    for kind, names in (("added", [n for n, *_ in ADDED]), ("stage-changed", STAGED), ("moved", MOVED)):
        assert {k for k, c in classes.items() if kind in c} == {slugify(n) for n in names}, kind
    assert not any("renamed" in c for c in classes.values())
    root = ET.parse(svg).getroot()
    ghosts = [g for g in root.iter(SVG + "g") if (g.get("class") or "").startswith("ghost")]
    moved = {g.get("data-for") for g in ghosts if g.get("class") == "ghost moved"}
    removed = {g.get("data-for") for g in ghosts if g.get("class") == "ghost removed"}
    assert moved == {slugify(n) for n in MOVED}
    assert removed and removed <= {slugify(n) for n in REMOVED}
    assert not any(slugify(n) in classes for n in REMOVED)


def test_no_two_cards_overlap_in_the_diff(default_diff: Path) -> None:
    boxes = [outline_box(g) for g in cards(default_diff / "ai-infra-diff.en.svg").values()]
    assert len(boxes) == 81
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


@pytest.fixture(scope="module")
def scenes(tmp_path_factory: pytest.TempPathFactory, engine: TextEngine) -> tuple:
    """NEW's plain scene and its decorated scene (default data, edited)."""
    new_path = edited_copy(tmp_path_factory.mktemp("scene") / "data")
    layout = ROOT / "layouts" / "ai-infra.yaml"
    w = Warnings()
    old = read_side(str(ROOT / "data" / "ai-infra.yaml"), layout, "en", w)
    new = read_side(str(new_path), layout, "en", w)
    cmp = compare(old.data, new.data)
    result, _ = build_sized(new.data, new.rules, engine, ROOT / "logos", w, LIGHT, None)
    scene = decorate(result, cmp, old.data, new.data, new.rules, engine, LIGHT, ("old", "new"), (0, 66), w,
                     "bottom")
    return result, scene, cmp


def _box(node: Rect | Text) -> tuple[float, float, float, float]:
    x, y, w, h = node.box if isinstance(node, Text) else (node.x, node.y, node.w, node.h)
    return x, y, x + w, y + h


def _hit(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_picture_is_news_normal_render_plus_marks(scenes: tuple) -> None:
    result, scene, _ = scenes
    plain = {c.id: c for c in next(n for n in result.scene.children if getattr(n, "id", "") == "cards").children}
    marked = {c.id: c for c in next(n for n in scene.children if getattr(n, "id", "") == "cards").children}
    assert plain.keys() == marked.keys()
    for slug, card in plain.items():  # the same outline at the same place: the images line up
        assert marked[slug].children[0] == card.children[0]
    assert scene.height > result.scene.height and scene.width == result.scene.width  # the panel below


def test_marks_never_cover_card_text(scenes: tuple) -> None:
    _, scene, _ = scenes
    order = [getattr(n, "id", None) for n in scene.children]
    assert order.index("diff-ghosts") < order.index("cards") < order.index("diff-marks")
    cards = next(n for n in scene.children if getattr(n, "id", "") == "cards")
    card_texts = [_box(t) for t in walk(cards.children) if isinstance(t, Text)]
    outlines = [_box(c.children[0]) for c in cards.children]
    # ghosts and arrows lie beneath the cards, whose outlines are opaque
    assert all(c.children[0].style.fill and c.children[0].style.opacity == 1 for c in cards.children)
    marks = next(n for n in scene.children if getattr(n, "id", "") == "diff-marks")
    assert len(marks.children) == 5 + 4 + 6  # every "new", stage and move badge found room
    badges = {t.text for t in walk(marks.children) if isinstance(t, Text)}
    assert "x 78 → 64" in badges  # KServe's move, as the changelog says it
    for badge in marks.children:
        pill = _box(badge.children[0])
        assert not any(_hit(pill, t) for t in card_texts)
    ghosts = next(n for n in scene.children if getattr(n, "id", "") == "diff-ghosts")
    for ghost in ghosts.children:
        if "removed" in ghost.classes:  # removed ghosts are drawn only where free
            assert not any(_hit(_box(ghost.children[0]), o) for o in outlines)


def test_removed_projects_are_listed_in_the_panel(scenes: tuple) -> None:
    _, scene, cmp = scenes
    panel = next(n for n in scene.children if getattr(n, "id", "") == "diff-panel")
    lines = [t.text for t in walk(panel.children) if isinstance(t, Text)]
    for p in cmp.removed:
        assert any(line.startswith(p.name + " ·") for line in lines)
    assert "Added (5)" in lines and "Moved (6)" in lines and "Stage changed (4)" in lines
    back = next(n for n in panel.children if isinstance(n, Rect))
    frame = [t.box for t in walk(scene.children) if isinstance(t, Text) and t.role != "diff-badge"
             and not any(t is u for u in walk(panel.children))]
    assert all(y + h < back.y for _, y, _, h in frame)  # the panel lies below everything else
    texts = [t.box for t in walk(panel.children) if isinstance(t, Text)]
    assert all(back.x <= x and x + w <= back.x + back.w and y + h <= back.y + back.h for x, y, w, h in texts)


def test_the_panel_is_beside_the_chart_unless_asked_below(tmp_path: Path) -> None:
    """By default the panel sits right of the band labels (the canvas grows to the right);
    --panel bottom (and --size readme) put it below, the canvas as wide as the chart."""
    from renderer.cli import main

    new = edited_copy(tmp_path / "edit")
    widths = {}
    for panel in ("side", "bottom"):
        out = tmp_path / panel
        args = ["diff", str(ROOT / "data" / "ai-infra.yaml"), str(new), "--layout",
                str(ROOT / "layouts" / "ai-infra.yaml"), "--format", "svg", "-o", str(out)]
        args += ["--panel", "bottom"] if panel == "bottom" else []
        assert main(args) == 0
        svg = (out / "ai-infra-diff.svg").read_text(encoding="utf-8")
        assert f'class="panel-{panel}"' in svg
        widths[panel] = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
    assert widths["bottom"] == 1120 < widths["side"]
    out = tmp_path / "readme"
    assert main(["diff", str(ROOT / "data" / "ai-infra.yaml"), str(new), "--layout",
                 str(ROOT / "layouts" / "ai-infra.yaml"), "--format", "svg", "--size", "readme", "-o", str(out)]) == 0
    assert 'class="panel-bottom"' in (out / "ai-infra-diff.readme.svg").read_text(encoding="utf-8")  # README width


# ---------------------------------------------------------------- CLI, golden, determinism


def normalised(svg: bytes) -> str:
    """The SVG with glyph outlines and embedded data replaced by short hashes (keeps the golden small)."""
    text = svg.decode("utf-8")
    text = re.sub(r'(<path class="text [^"]*" d=")([^"]*)"',
                  lambda m: m.group(1) + hashlib.sha1(m.group(2).encode()).hexdigest()[:12] + '"', text)
    text = re.sub(r"base64,[A-Za-z0-9+/=]+", lambda m: "base64:" + hashlib.sha1(m.group(0).encode()).hexdigest()[:12],
                  text)
    return text.replace("><", ">\n<")


def test_small_diff_matches_golden_svg(tmp_path: Path, cli) -> None:
    run = cli("diff", FIXTURES / "small-old.yaml", FIXTURES / "small.yaml", *SMALL, "-o", tmp_path, "--format", "svg")
    assert run.code == 0, run.err
    produced = normalised((tmp_path / "small-diff.svg").read_bytes())
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(produced, encoding="utf-8")
    assert produced == GOLDEN.read_text(encoding="utf-8")
    classes = card_groups(tmp_path / "small-diff.svg")
    assert {k for k, c in classes.items() if c & {"added", "stage-changed", "moved", "renamed"}} == {
        "delta-runtime-with-a-long-name", "beta-platform", "gamma", "alpha"}


def test_outputs_are_byte_identical_across_runs(tmp_path: Path, cli) -> None:
    for out in ("a", "b"):
        assert cli("diff", FIXTURES / "small-old.yaml", FIXTURES / "small.yaml", *SMALL, "-o", tmp_path / out,
                   "--format", "svg,png,md").code == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["small-diff.md", "small-diff.png", "small-diff.svg"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_md_alone_without_output_folder_prints_to_stdout(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = cli("diff", FIXTURES / "small-old.yaml", FIXTURES / "small.yaml", *SMALL, "--format", "md")
    assert run.code == 0, run.err
    assert sections(run.out) == {"Added": ["Delta Runtime With A Long Name"], "Removed": ["Omega"],
                                 "Stage changed": ["Beta Platform"], "Moved": ["Gamma"], "Renamed": ["Alfa"]}
    assert "**Alfa** → **Alpha**" in run.out
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_lang_theme_and_size_name_the_outputs(tmp_path: Path, cli) -> None:
    run = cli("diff", FIXTURES / "small-old.yaml", FIXTURES / "small.yaml", *SMALL, "-o", tmp_path, "--format", "svg",
              "--lang", "zh-CN", "--theme", "dark", "--size", "slide-16x9")
    assert run.code == 0, run.err
    svg = tmp_path / "small-diff.zh-CN.dark.slide-16x9.svg"
    root = ET.parse(svg).getroot()
    assert (root.get("width"), root.get("height")) == ("1920", "1080")


# ---------------------------------------------------------------- git:REV:path


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with two commits of data/small.yaml (old, then new) and its layout."""
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    (repo / "layouts").mkdir()
    shutil.copy(FIXTURES / "small-layout.yaml", repo / "layouts" / "small.yaml")
    shutil.copy(FIXTURES / "small-old.yaml", repo / "data" / "small.yaml")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "old")
    shutil.copy(FIXTURES / "small.yaml", repo / "data" / "small.yaml")
    git(repo, "commit", "-qam", "new")
    return repo


def test_git_revisions_are_read_without_touching_the_work_tree(repo: Path, cli,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    (repo / "data" / "small.yaml").write_text((FIXTURES / "small-old.yaml").read_text())  # uncommitted edit
    status = git(repo, "status", "--porcelain")
    run = cli("diff", "git:HEAD~1:data/small.yaml", "git:HEAD:data/small.yaml", "--logos", FIXTURES / "logos",
              "--format", "md")
    assert run.code == 0, run.err
    assert sections(run.out)["Added"] == ["Delta Runtime With A Long Name"]
    assert "From `git:HEAD~1:data/small.yaml` (7 projects) to `git:HEAD:data/small.yaml`" in run.out
    run = cli("diff", "git:HEAD~1:data/small.yaml", "data/small.yaml", "--format", "md")
    assert run.code == 0 and "No changes." in run.out  # the work-tree file equals the old commit
    assert git(repo, "status", "--porcelain") == status


@pytest.mark.parametrize("spec, message", [
    ("git:nosuch:data/small.yaml", "git:nosuch:data/small.yaml: unknown git revision 'nosuch'"),
    ("git:HEAD~1:data/missing.yaml", "git:HEAD~1:data/missing.yaml: no file 'data/missing.yaml' in git revision"),
    ("git:HEAD", "git:HEAD: expected git:REV:path"),
])
def test_git_errors_are_one_line_with_exit_2(repo: Path, cli, monkeypatch: pytest.MonkeyPatch, spec: str,
                                             message: str) -> None:
    monkeypatch.chdir(repo)
    run = cli("diff", spec, "data/small.yaml", "--format", "md")
    assert run.code == 2
    assert run.err.strip().startswith(f"error: {message}"), run.err
    assert len(run.err.strip().splitlines()) == 1 and "Traceback" not in run.err


def test_outside_a_repository_is_an_error(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    run = cli("diff", "git:HEAD:data/small.yaml", FIXTURES / "small.yaml", *SMALL, "--format", "md")
    assert run.code == 2 and "is not inside a git repository" in run.err


def edit(repo: Path, name: str, before: str, after: str, commit: bool = True) -> Path:
    """Replace text in a file of ``repo`` (and commit it)."""
    path = repo / name
    path.write_text(path.read_text().replace(before, after))
    if commit:
        git(repo, "commit", "-qam", f"edit {name}")
    return path


def test_different_layouts_are_an_error_unless_one_is_given(repo: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    layout = edit(repo, "layouts/small.yaml", "y: [60, 100]", "y: [55, 100]")
    run = cli("diff", "git:HEAD~2:data/small.yaml", "data/small.yaml", "--format", "md")
    assert run.code == 2
    # named at the line of NEW's layout that differs (the band the user edited)
    assert run.err.startswith("error: layouts/small.yaml:17: OLD and NEW use different layouts")
    assert "band 'Apps'" in run.err and "--layout" in run.err and len(run.err.strip().splitlines()) == 1
    run = cli("diff", "git:HEAD~2:data/small.yaml", "data/small.yaml", "--layout", layout, "--format", "md")
    assert run.code == 0, run.err


def test_layouts_differing_in_looks_only_give_a_warning(repo: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    edit(repo, "layouts/small.yaml", "#7b4fb3", "#7b4fb4", commit=False)
    run = cli("diff", "git:HEAD~1:data/small.yaml", "data/small.yaml", "--format", "md")
    assert run.code == 0, run.err
    assert "differs from NEW's" in run.err and "in looks only" in run.err


def test_bad_old_data_names_its_git_source_and_line(repo: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    edit(repo, "data/small.yaml", "group: lib", "group: libz")
    run = cli("diff", "git:HEAD:data/small.yaml", "git:HEAD~1:data/small.yaml", "--format", "md")
    assert run.code == 2
    assert re.match(r"error: git:HEAD:data/small.yaml:\d+: project 'Torch': unknown group 'libz'", run.err), run.err



def small_scene(engine: TextEngine, old_projects: list[Project], theme: Theme = LIGHT) -> tuple:
    """The small fixture (NEW) decorated against OLD = ``old_projects``."""
    w = Warnings()
    new = read_side(str(FIXTURES / "small.yaml"), FIXTURES / "small-layout.yaml", "en", w)
    old = dataset(*old_projects)
    cmp = compare(old, new.data)
    result, _ = build_sized(new.data, new.rules, engine, FIXTURES / "logos", w, theme, None)
    return result, decorate(result, cmp, old, new.data, new.rules, engine, theme, ("old", "new"), (0, 0), w)


def test_moves_and_removals_in_a_strip_stay_in_its_row(engine: TextEngine) -> None:
    new = read_side(str(FIXTURES / "small.yaml"), FIXTURES / "small-layout.yaml", "en", Warnings()).data
    old = [p for p in new.projects if p.name != "Torch"] + [
        project("Torch", x=20, group="lib"), project("Numpy", x=85, group="lib")]
    result, scene = small_scene(engine, old)
    torch = next(b for b in result.boxes if b.id == "torch")
    ghosts = {g.id: g for g in walk(scene.children) if isinstance(g, Group) and "ghost" in g.classes}
    moved = ghosts["ghost-torch"].children[0]
    assert (moved.y, moved.h) == (torch.y, torch.h) and moved.x < torch.x - 100  # same row, further left
    removed = ghosts["removed-numpy"].children[0]
    assert removed.y == torch.y and removed.x > torch.x + torch.w  # in the strip row, right of Torch


def test_mark_strokes_are_lighter_on_a_dark_theme(engine: TextEngine) -> None:
    from renderer.colors import luminance
    from renderer.model import find_theme

    dark = find_theme("dark", [ROOT / "layouts"])
    new = read_side(str(FIXTURES / "small.yaml"), FIXTURES / "small-layout.yaml", "en", Warnings()).data
    old = [p for p in new.projects if p.name != "Epsilon"]
    strokes = []
    for theme in (LIGHT, dark):
        _, scene = small_scene(engine, old, theme)
        card = next(g for g in walk(scene.children) if getattr(g, "id", None) == "epsilon")
        strokes.append(card.children[1].style.stroke)  # the ring of the added card
    assert luminance(strokes[1]) > luminance(strokes[0]) + 0.2


def test_an_old_copy_without_a_layout_of_its_own_uses_new_s(tmp_path: Path, cli) -> None:
    """README's example: `landscape diff old.yaml data/ai-infra.yaml --format md` from the repository."""
    old = tmp_path / "old.yaml"
    old.write_text((ROOT / "data" / "ai-infra.yaml").read_text(encoding="utf-8").replace("name: Kueue", "name: Kueue2"),
                   encoding="utf-8")
    run = cli("diff", old, ROOT / "data" / "ai-infra.yaml", "--format", "md")
    assert run.code == 0, run.err
    assert "## Renamed" in run.out and "**Kueue2** → **Kueue**" in run.out


def test_a_new_copy_without_a_layout_of_its_own_uses_old_s(tmp_path: Path, cli) -> None:
    """An edited copy kept outside the repository is drawn with OLD's layout; the changelog has
    no theme suffix; a bad format names md among the known ones."""
    new = edited_copy(tmp_path / "edit")
    run = cli("diff", ROOT / "data" / "ai-infra.yaml", new, "-o", tmp_path / "out", "--format", "svg,md",
              "--theme", "dark")
    assert run.code == 0, run.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ai-infra-diff.dark.svg", "ai-infra-diff.md"]
    bad = cli("diff", ROOT / "data" / "ai-infra.yaml", new, "--format", "xyz")
    assert bad.code == 2 and "known: md, " in bad.err and "Traceback" not in bad.err


def test_changelog_speaks_one_language(tmp_path: Path, cli) -> None:
    """Without --lang the changelog is English throughout (the layout's zh-CN band labels too);
    with --lang zh-CN its band and group names are Chinese."""
    new = edited_copy(tmp_path / "data")
    args = ("diff", ROOT / "data" / "ai-infra.yaml", new, "--layout", ROOT / "layouts" / "ai-infra.yaml", "--format", "md")
    plain = cli(*args)
    assert plain.code == 0, plain.err
    assert not re.search(r"[\u4e00-\u9fff]", plain.out)
    assert "**AI Gateway**" in plain.out and "(Cloud-native inference)" in plain.out
    zh = cli(*args, "--lang", "zh-CN")
    assert zh.code == 0, zh.err
    assert "**AI 网关**" in zh.out and "- **KServe** (云原生推理): x 78 → 64" in zh.out
    assert "## Added" in zh.out and "新增 5，移除 3" in zh.out and "布局稳定性：66 张未变卡片中有" in zh.out
    assert "): mature → early" not in zh.out and "): 成熟 → 早期" in zh.out  # Langfuse


def test_an_old_layout_this_version_rejects_suggests_one_layout(repo: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout at the old revision uses a key this version no longer reads: the one-line error
    says where it came from and how to draw both with one layout."""
    monkeypatch.chdir(repo)
    layout = repo / "layouts" / "small.yaml"
    layout.write_text(layout.read_text(encoding="utf-8") + "retired_key: 1\n", encoding="utf-8")
    git(repo, "commit", "-qam", "old layout with a retired key")
    layout.write_text(layout.read_text(encoding="utf-8").replace("retired_key: 1\n", ""), encoding="utf-8")
    run = cli("diff", "git:HEAD:data/small.yaml", "data/small.yaml", "--format", "md")
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1, run.err
    assert "retired_key" in run.err and "revision HEAD" in run.err and "--layout FILE" in run.err
    assert cli("diff", "git:HEAD:data/small.yaml", "data/small.yaml", "--format", "md",
               "--layout", "layouts/small.yaml").code == 0


def test_readme_diff_example_is_up_to_date(tmp_path: Path) -> None:
    """output/ai-infra-diff.en.svg (shown in README) is what `make diff-example` makes today."""
    from renderer.cli import main
    from tests.diff_example import example_args

    assert main(example_args(tmp_path, tmp_path / "out", "svg")) == 0
    made = (tmp_path / "out" / "ai-infra-diff.en.svg").read_bytes()
    assert made == (ROOT / "output" / "ai-infra-diff.en.svg").read_bytes(), "run `make diff-example`"


def test_a_changed_logo_is_noted_and_not_counted_as_unchanged(tmp_path: Path, cli) -> None:
    raw = (ROOT / "data" / "ai-infra.yaml").read_text(encoding="utf-8")
    assert "logo: kong.svg" in raw
    new = tmp_path / "data" / "ai-infra.yaml"
    new.parent.mkdir()
    new.write_text(raw.replace("logo: kong.svg", "logo: istio.svg"), encoding="utf-8")
    run = cli("diff", ROOT / "data" / "ai-infra.yaml", new, "--layout", ROOT / "layouts" / "ai-infra.yaml",
              "--format", "md")
    assert run.code == 0, run.err
    assert "No changes." in run.out and "Logo changed, not listed (the card may change width): Kong." in run.out
    assert re.search(r"Layout stability: \d+ of 78 unchanged cards", run.out)


def test_two_cards_that_swap_places_get_two_arrows_apart(tmp_path: Path, engine: TextEngine) -> None:
    """Koordinator (x 64 → 30) and HAMi (x 42 → 56), both at y 40: their arrows would lie on one
    line and read as one double-headed arrow; the second is drawn beside the first."""
    from renderer.scene import Line

    raw = (ROOT / "data" / "ai-infra.yaml").read_text(encoding="utf-8")
    edited = raw.replace("name: Koordinator, group: scheduling, stage: mature, x: 64",
                         "name: Koordinator, group: scheduling, stage: mature, x: 30")
    edited = edited.replace("name: HAMi, group: scheduling, stage: early, x: 42", "name: HAMi, group: scheduling, "
                            "stage: early, x: 56")
    assert "x: 30, y: 40" in edited and "x: 56, y: 40" in edited
    path = tmp_path / "ai-infra.yaml"
    path.write_text(edited, encoding="utf-8")
    layout = ROOT / "layouts" / "ai-infra.yaml"
    w = Warnings()
    old = read_side(str(ROOT / "data" / "ai-infra.yaml"), layout, "en", w)
    new = read_side(str(path), layout, "en", w)
    cmp = compare(old.data, new.data)
    assert {p.new.name for p in cmp.moved} == {"Koordinator", "HAMi"}
    result, _ = build_sized(new.data, new.rules, engine, ROOT / "logos", w, LIGHT, None)
    scene = decorate(result, cmp, old.data, new.data, new.rules, engine, LIGHT, ("old", "new"), (0, 77), w)
    ghosts = next(n for n in scene.children if getattr(n, "id", "") == "diff-ghosts")
    lines = [c for g in ghosts.children for c in g.children if isinstance(c, Line)]
    assert len(lines) == 2
    a, b = lines
    assert a.y1 == a.y2 and b.y1 == b.y2 and abs(a.y1 - b.y1) >= 5  # two level arrows, not one over the other
