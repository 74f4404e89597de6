"""Publishing: config-driven build and check, determinism, PDF, presets, languages, themes, backends."""

from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from PIL import Image

from renderer import backends
from renderer.errors import Warnings
from renderer.jobs import Job, load_config, run
from renderer.records import replace

from .conftest import FIXTURES, ROOT
from .test_raster import mean_difference

SVG = "{http://www.w3.org/2000/svg}"
SMALL = FIXTURES / "small.yaml"
SMALL_LAYOUT = FIXTURES / "small-layout.yaml"


def config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "landscape.yaml"
    path.write_text(f"""outputs:
  - kind: landscape
    data: {SMALL}
    layout: {SMALL_LAYOUT}
    langs: [default, zh-CN]
    themes: [default, dark]
    formats: [svg, png]
    out: out
  - kind: mandala
    data: {FIXTURES / 'mini-mandala.yaml'}
    formats: [svg]
    out: out
{extra}""", encoding="utf-8")
    return path


def test_config_expands_languages_and_themes(tmp_path: Path) -> None:
    jobs = load_config(config(tmp_path))
    assert [j.stem() for j in jobs] == ["small-landscape", "small-landscape.dark", "small-landscape.zh-CN",
                                        "small-landscape.zh-CN.dark", "mini-mandala"]
    assert all(j.out_dir == tmp_path / "out" for j in jobs)


def test_build_then_check_passes_and_a_stale_file_fails(tmp_path: Path, cli) -> None:
    cfg = config(tmp_path)
    run_ = cli("build", "--config", cfg)
    assert run_.code == 0, run_.err
    assert cli("check", "--config", cfg).code == 0
    svg = tmp_path / "out" / "small-landscape.zh-CN.svg"
    svg.write_text(svg.read_text(encoding="utf-8").replace("AI / 应用层", "x"), encoding="utf-8")
    (tmp_path / "out" / "mini-mandala.svg").unlink()
    svg.write_bytes(svg.read_bytes() + b" ")
    result = cli("check", "--config", cfg)
    assert result.code == 1
    assert f"stale:   {svg}" in result.out
    assert f"missing: {tmp_path / 'out' / 'mini-mandala.svg'}" in result.out
    assert "2 of 9 output(s) out of date" in result.out


def test_config_errors_name_the_line(tmp_path: Path, cli) -> None:
    cfg = config(tmp_path).read_text(encoding="utf-8").replace("themes: [default, dark]", "themes: [default, dark]\n    colour: red")
    path = tmp_path / "bad.yaml"
    path.write_text(cfg, encoding="utf-8")
    result = cli("check", "--config", path)
    assert result.code == 2 and f"{path}:7: output #1: unknown key 'colour'" in result.err


def _render_in_subprocess(out: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": str(len(str(out)))}  # different hash seeds per process
    subprocess.run([sys.executable, "-m", "renderer", *args, "-o", str(out)], check=True, cwd=ROOT, env=env,
                   capture_output=True)


def test_outputs_are_byte_identical_across_processes(tmp_path: Path) -> None:
    for name in ("a", "bb"):
        _render_in_subprocess(tmp_path / name, "render", str(SMALL), "--layout", str(SMALL_LAYOUT), "--logos",
                              str(FIXTURES / "logos"), "--format", "svg,png,pdf")
        _render_in_subprocess(tmp_path / name, "mandala", str(FIXTURES / "mini-mandala.yaml"), "--format",
                              "svg,png,pdf")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["mini-mandala.pdf", "mini-mandala.png", "mini-mandala.svg", "small-landscape.pdf",
                     "small-landscape.png", "small-landscape.svg"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "bb" / name).read_bytes(), name


def test_pdf_is_vector_with_the_page_size_of_the_scene(engine) -> None:
    payloads, _ = run(Job(kind="mandala", source=FIXTURES / "mini-mandala.yaml", out_dir=Path("x"),
                          formats=("pdf",)), Warnings(), engine)
    pdf = payloads[0][1]
    assert pdf.startswith(b"%PDF")
    assert b"/Subtype /Image" not in pdf and b"/Font" not in pdf  # outlines, not fonts or pixels
    box = re.search(rb"/MediaBox \[ ?0 0 ([\d.]+) ([\d.]+) ?\]", pdf)
    assert box and float(box.group(1)) == pytest.approx(1600 * 0.75) and float(box.group(2)) == pytest.approx(1200)


@pytest.mark.parametrize("size,expected", [("slide-16x9", (1920, 1080)), ("a4-landscape", (1754, 1240)),
                                           ("readme", (1120, 1600)), ("poster", (1920, 1358))])
def test_landscape_size_presets(engine, size: str, expected: tuple[int, int]) -> None:
    job = Job(kind="landscape", source=ROOT / "data" / "ai-infra.yaml", layout=ROOT / "layouts" / "ai-infra.yaml",
              out_dir=Path("x"), formats=("svg", "png"), size=size, scale=1.0)
    payloads, _ = run(job, Warnings(), engine)
    root = ET.fromstring(payloads[0][1])
    assert (float(root.get("width")), float(root.get("height"))) == expected
    vx, vy, vw, vh = (float(v) for v in root.get("viewBox").split())
    assert vw / vh == pytest.approx(expected[0] / expected[1], rel=1e-3)
    cards = [g for g in root.iter(SVG + "g") if "card" in (g.get("class") or "").split()]
    for g in cards:  # every card inside the visible box
        r = g.find(f".//{SVG}rect")
        x, y, w, h = (float(r.get(k)) for k in ("x", "y", "width", "height"))
        assert vx <= x and x + w <= vx + vw and vy <= y and y + h <= vy + vh
    assert Image.open(io.BytesIO(payloads[1][1])).size == expected


def test_missing_translations_are_one_warning_line(tmp_path: Path, cli) -> None:
    layout = tmp_path / "l.yaml"
    layout.write_text(SMALL_LAYOUT.read_text(encoding="utf-8").replace(
        "bottom: Kernel / Runtime", "bottom: {en: Kernel / Runtime}").replace(
        "{label: Apps,", "{label: {en: Apps},"), encoding="utf-8")
    result = cli("render", SMALL, "--layout", layout, "--lang", "zh-CN", "-o", tmp_path, "--format", "svg")
    assert result.code == 0, result.err
    lines = [l for l in result.err.splitlines() if "no zh-CN text" in l]
    assert len(lines) == 1 and "2 label(s), drawn in English" in lines[0]
    assert "'bottom'" in lines[0] and "'label'" in lines[0]
    assert (tmp_path / "small-landscape.zh-CN.svg").is_file()


def test_dark_theme_and_unknown_theme(tmp_path: Path, cli) -> None:
    result = cli("render", ROOT / "data" / "ai-infra.yaml", "--theme", "dark", "-o", tmp_path, "--format", "svg")
    assert result.code == 0, result.err
    root = ET.parse(tmp_path / "ai-infra-landscape.dark.svg").getroot()
    assert root.find(f"{SVG}rect").get("fill") == "#0d1117"
    bad = cli("render", ROOT / "data" / "ai-infra.yaml", "--theme", "neon", "-o", tmp_path, "--format", "svg")
    assert bad.code == 2 and "theme 'neon' not found" in bad.err and "(known: dark, light)" in bad.err
    typo = cli("render", ROOT / "data" / "ai-infra.yaml", "--theme", "drak", "-o", tmp_path, "--format", "svg")
    assert typo.code == 2 and "did you mean 'dark'?" in typo.err


def test_cairo_and_matplotlib_backends_agree(engine) -> None:
    job = Job(kind="landscape", source=ROOT / "data" / "ai-infra.yaml", layout=ROOT / "layouts" / "ai-infra.yaml",
              out_dir=Path("x"), formats=("png",), scale=1.0)
    cairo_png = run(job, Warnings(), engine)[0][0][1]
    mpl_png = run(replace(job, backend="matplotlib"), Warnings(), engine)[0][0][1]
    assert Image.open(io.BytesIO(mpl_png)).size == Image.open(io.BytesIO(cairo_png)).size
    assert mean_difference(cairo_png, mpl_png) < 0.03


def test_matplotlib_pdf_is_deterministic(engine) -> None:
    job = Job(kind="mandala", source=FIXTURES / "mini-mandala.yaml", out_dir=Path("x"), formats=("pdf",),
              backend="matplotlib")
    first, second = run(job, Warnings(), engine)[0][0][1], run(job, Warnings(), engine)[0][0][1]
    assert first.startswith(b"%PDF") and first == second


def test_auto_backend_falls_back_to_matplotlib(monkeypatch: pytest.MonkeyPatch, capsys, engine) -> None:
    monkeypatch.setattr(backends, "cairo_available", lambda: False)
    monkeypatch.setattr(backends, "_chosen", {})
    job = Job(kind="mandala", source=FIXTURES / "mini-mandala.yaml", out_dir=Path("x"), formats=("png",), scale=0.5)
    png = run(job, Warnings(), engine)[0][0][1]
    assert Image.open(io.BytesIO(png)).size == (800, 800)
    err = capsys.readouterr().err
    assert err.count("notice: libcairo could not be loaded; rendering PNG/PDF with matplotlib") == 1


def test_theme_file_names_outputs_by_its_stem(tmp_path: Path, cli) -> None:
    theme = tmp_path / "themes" / "night.yaml"
    theme.parent.mkdir()
    shutil.copy(ROOT / "layouts" / "themes" / "dark.yaml", theme)
    result = cli("render", SMALL, "--layout", SMALL_LAYOUT, "--theme", theme, "-o", tmp_path / "out", "--format", "svg")
    assert result.code == 0, result.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["small-landscape.night.svg"]


def test_builtin_layouts_and_themes_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli) -> None:
    shutil.copy(ROOT / "data" / "ai-infra.yaml", tmp_path / "mine.yaml")
    monkeypatch.chdir(tmp_path)  # no layouts/ folder here
    for theme in ("dark", "layouts/themes/dark.yaml"):
        result = cli("render", "mine.yaml", "--layout", "ai-infra", "--theme", theme, "--format", "svg")
        assert result.code == 0, result.err
    root = ET.parse(tmp_path / "output" / "mine-landscape.dark.svg").getroot()
    assert root.find(f"{SVG}rect").get("fill") == "#0d1117"
    assert cli("render", "mine.yaml", "--layout", "nope", "--format", "svg").code == 2


@pytest.mark.parametrize("backend", ["cairo", "matplotlib"])
@pytest.mark.parametrize("kind,source", [("mandala", FIXTURES / "mini-mandala.yaml"), ("landscape", SMALL)])
def test_pdf_pages_are_true_a4_and_16x9(engine, backend: str, kind: str, source: Path) -> None:
    pages = {}
    for size in ("a4-landscape", "slide-16x9"):
        job = Job(kind=kind, source=source, layout=SMALL_LAYOUT if kind == "landscape" else None,
                  out_dir=Path("x"), formats=("pdf",), size=size, backend=backend)
        pdf = run(job, Warnings(), engine)[0][0][1]
        box = re.search(rb"/MediaBox \[ ?0 0 ([\d.]+) ([\d.]+) ?\]", pdf)
        pages[size] = (float(box.group(1)), float(box.group(2)))
    assert pages["a4-landscape"] == pytest.approx((841.89, 595.28), abs=0.02)  # 297 × 210 mm (was 1315.5 × 930)
    assert pages["slide-16x9"][0] / pages["slide-16x9"][1] == pytest.approx(16 / 9, abs=1e-4)


_NO_CAIRO = """
import sys

class NoCairo:  # what a machine without libcairo does: importing cairocffi raises OSError
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("cairocffi", "cairosvg"):
            raise OSError("no library called 'cairo-2' was found")
        return None

sys.meta_path.insert(0, NoCairo())
from renderer.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_png_and_pdf_without_libcairo(tmp_path: Path) -> None:
    args = ["render", str(SMALL), "--layout", str(SMALL_LAYOUT), "-o", str(tmp_path), "--format", "svg,png,pdf"]
    result = subprocess.run([sys.executable, "-c", _NO_CAIRO, *args], capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "LANDSCAPE_CACHE": str(tmp_path / "cache")}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "libcairo could not be loaded; rendering PNG/PDF with matplotlib" in result.stderr
    png = Image.open(tmp_path / "small-landscape.png")
    low, high = png.convert("L").getextrema()
    assert png.size[0] > 100 and high - low > 100  # something was drawn
    assert (tmp_path / "small-landscape.pdf").read_bytes().startswith(b"%PDF")


def _build_wheel(tmp_path: Path) -> Path:
    """A wheel of this checkout, built from a copy (the work tree gets no build/ folder)."""
    src = tmp_path / "src"
    for name in ("renderer", "layouts"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"),
                            str(src)], capture_output=True, text=True, timeout=300)
    if built.returncode != 0 and re.search(r"No matching distribution|Could not find a version|"
                                           r"Failed to establish|Network is unreachable", built.stderr):
        pytest.skip("cannot build a wheel here: setuptools is not installable offline")
    assert built.returncode == 0, built.stderr
    return next((tmp_path / "dist").glob("*.whl"))


def test_installed_wheel_works_from_an_empty_folder(tmp_path: Path) -> None:
    """Build the wheel, install it into a fresh venv and render from an empty folder. The venv's
    dependencies are this test environment's (a .pth line), so no index is needed; the package
    itself, with its built-in layouts and themes, comes only from the wheel."""
    wheel = _build_wheel(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    deps = sorted({p for p in sys.path if p.endswith("site-packages")})
    (site / "deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    empty = tmp_path / "empty"
    empty.mkdir()
    shutil.copy(SMALL, empty / "mine.yaml")
    shutil.copy(ROOT / "layouts" / "themes" / "dark.yaml", empty / "night.yaml")
    (empty / "goals.md").write_text("# Goals\n\n" + _nine_by_nine(), encoding="utf-8")
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "LANDSCAPE_CACHE": str(tmp_path / "c")}
    landscape = str(venv / "bin" / "landscape")

    def call(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([landscape, *args], cwd=empty, env=env, capture_output=True, text=True, timeout=300)

    where = subprocess.run([str(python), "-c", "import renderer; print(renderer.__file__)"], cwd=empty, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(site))  # the wheel's copy, not this checkout
    for args in (["render", "mine.yaml", "--layout", str(SMALL_LAYOUT), "--theme", "dark", "--format", "svg,png"],
                 ["render", "mine.yaml", "--layout", str(SMALL_LAYOUT), "--theme", "night.yaml", "--format", "svg"],
                 ["mandala", "goals.md", "--size", "a4-landscape", "--format", "svg,pdf"],
                 ["import", "landscape2", str(FIXTURES / "import" / "landscape.yml"), "--map",
                  "layouts/landscape2-map.example.yaml", "-o", "data/cncf.yaml"],
                 ["validate", "data/cncf.yaml"]):
        result = call(*args)
        assert result.returncode == 0, (args, result.stderr)
    assert sorted(p.name for p in (empty / "output").iterdir()) == [
        "goals-mandala.a4-landscape.pdf", "goals-mandala.a4-landscape.svg", "mine-landscape.dark.png",
        "mine-landscape.dark.svg", "mine-landscape.night.svg"]
    root = ET.parse(empty / "output" / "mine-landscape.dark.svg").getroot()
    assert root.find(f"{SVG}rect").get("fill") == "#0d1117"  # the built-in dark theme
    by_name = call("render", "mine.yaml", "--layout", "ai-infra", "--format", "svg")  # the built-in layout, by name
    assert by_name.returncode == 2 and "unknown group" in by_name.stderr and "not found" not in by_name.stderr


def _nine_by_nine() -> str:
    rows = [[f"r{r}c{c}" for c in range(9)] for r in range(9)]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join([lines[0], "|" + " --- |" * 9, *lines[1:]]) + "\n"


@pytest.mark.skipif(shutil.which("make") is None or not (Path(sys.prefix) / "bin" / "landscape").exists(),
                    reason="needs make and the landscape script of this environment")
def test_make_check_exits_1_when_stale_0_when_fresh_2_on_errors(tmp_path: Path, cli) -> None:
    cfg = config(tmp_path)

    def make_check(config_file: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["make", "-s", "-C", str(ROOT), "check", f"VENV={sys.prefix}", f"CONFIG={config_file}"],
                              capture_output=True, text=True, timeout=600)

    stale = make_check(cfg)
    assert stale.returncode == 1 and "out of date" in stale.stderr  # was 2: make's status for a failed recipe
    assert cli("build", "--config", cfg).code == 0
    fresh = make_check(cfg)
    assert fresh.returncode == 0 and fresh.stderr == ""  # silent when all is well
    assert make_check(tmp_path / "missing.yaml").returncode == 2


def _command_args(line: str) -> list[str]:
    """A `landscape …` command line of a hook or action, its variables given example values."""
    line = line.split(")", 1)[-1].split(";;")[0].strip()
    line = line.replace('"$CONFIG"', "landscape.yaml").replace('"$FORMATS"', "svg")
    return shlex.split(line)[1:]


def test_action_and_hooks_run_valid_machine_independent_commands() -> None:
    from renderer.cli import build_parser

    action_text = (ROOT / "action.yml").read_text(encoding="utf-8")
    action = yaml.safe_load(action_text)
    assert action["runs"]["using"] == "composite" and action["inputs"]["formats"]["default"] == "svg"
    used = set(re.findall(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", action_text))
    assert used == set(action["inputs"])  # every input used, none undeclared
    scripts = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    commands = [_command_args(l) for l in scripts.splitlines() if "landscape " in l and "::error" not in l]
    assert [c[0] for c in commands] == ["check", "build"]
    for argv in commands:
        build_parser().parse_args(argv)  # exits (fails the test) on an unknown option
    assert commands[0][-2:] == ["--formats", "svg"]
    assert "${{ inputs." not in "".join(step.get("run", "") for step in action["runs"]["steps"])  # no injection
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    for hook in hooks.values():
        build_parser().parse_args(shlex.split(hook["entry"])[1:])
    assert hooks["landscape-check"]["entry"] == "landscape check --formats svg"
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "landscape.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["render"]["steps"]
    assert any(s.get("uses") == "./" and s["with"]["formats"] == "svg" for s in steps)


def test_readme_ci_examples_match_the_action_and_hooks() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**GitHub Actions.**"):readme.index("**Languages.**")]
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", section, re.S)]
    inputs = set(yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["inputs"])
    step = next(s for s in blocks[0]["jobs"]["landscape"]["steps"] if "landscape-renderer@" in s.get("uses", ""))
    assert set(step["with"]) <= inputs
    hook_ids = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert {h["id"] for h in blocks[1]["repos"][0]["hooks"]} <= hook_ids
    assert "v0.1.0" not in readme and blocks[1]["repos"][0]["rev"] == "<commit sha>"  # no release tag exists
