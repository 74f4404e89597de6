"""Mandala chart: the seed's table, round trips, warnings, fitted text, CLI and golden SVG."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from renderer.colors import contrast
from renderer.errors import Warnings
from renderer.mandala import (
    BLOCKS, build_mandala, chart_grid, find_tables, fit_text, load_mandala, parse_markdown,
    to_markdown, to_yaml_data,
)
from renderer.scene import texts

from .conftest import FIXTURES, ROOT, unstamped

SEED = ROOT.parent / "shared" / "seed" / "README.zh-CN.md"
MANDALA_YAML = ROOT / "data" / "ai-infra-mandala.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden" / "mini-mandala.svg"
SVG = "{http://www.w3.org/2000/svg}"

# the 9×9 table of the seed README, as it stands there (kept here so the test needs no shared/)
SEED_TABLE = """
| 每周两晚读源码 | 新 WG 更新项目了解 | 跟进关键新 KEP 实现 | GPU CUDA | 预留和回填 | 模型切换 | 推理编排 | 训练故障恢复 | 考虑多租户隔离方案 |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
| DRA + NRI | **Kubernetes 核心功力** | 安全升级 | KV-cache / Prefill-Decode 归纳 | **AI 工作负载 & GPU** | 冷启动/预热池 | Cluster AutoScaler | **AI 平台架构** | 拓扑管理 |
| API Server & ETCD 性能 | Agent Sandbox | 自愈能力探索 | 关注新模型与算子趋势 | TPU/NPU 等 | 加速方案 | Co-Evolving | 公有云私有云差异 |  |
| AI-Infra Repo 路线图维护 | 顶会 Talk 2–3 场/年 | 每月发表一篇技术长文 | Kubernetes 核心功力 | AI 工作负载 & GPU | AI 平台架构 | 成本多维度评估 | 性能量化/优化 | SLA 稳定性 |
| 英文能力（Blog） | **行业影响力** | 一致性认证 | **行业影响力** | **Cloud Native AI Infra on Kubernetes Lead** | **架构视野** | 多集群方案 | **架构视野** | 超大规模 |
| 社区贡献 | CNCF Ambassador | | **技术领导力** | **自我管理** | **家庭陪伴** | 思考 3 年演进路线图 | Agentic / 模型生态趋势 | |
| 推动跨公司协作任务 | 学会温和但清晰地反对 | 跨部门影响力提升 | 保证 7–8 小时睡眠 | 每周 3 次运动保持体能 | 季度 OKR/月度复盘/Top 5 Things | 每天女儿 1h 陪伴 | 每月夫妻一次约会/长谈 | 支持老婆个人时间/兴趣 |
| Mentor 核心贡献者梯队建设 | **技术领导力** | **长期主义** | 控制信息输入与刷屏时间 | **自我管理** | 长假防 burn-out | 节日/纪念日提前规划 | **家庭陪伴** | 女儿成长记录 / 季度回顾 |
| 跨项目依赖治理，架构协同 | Governance | | 读书 + 知识库积累 | 减少含糖饮料 | | 季度家庭旅行预算与计划 | 预留家庭与休息时间 | 每年1次全家活动（含父母） |
"""
PILLARS = ["Kubernetes 核心功力", "AI 工作负载 & GPU", "AI 平台架构", "行业影响力", "架构视野", "技术领导力",
           "自我管理", "家庭陪伴"]


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8") if SEED.is_file() else SEED_TABLE


def test_seed_table_parses_into_81_cells() -> None:
    warnings = Warnings()
    chart = parse_markdown(seed_text(), "README.zh-CN.md", warnings)
    grid = chart_grid(chart)
    assert sum(len(row) for row in grid) == 81
    assert grid[4][4].kind == "goal" and chart.goal == "Cloud Native AI Infra on Kubernetes Lead"
    assert [p.title for p in chart.pillars] == PILLARS
    assert [grid[3 + br][3 + bc].text for br, bc in BLOCKS] == PILLARS  # the 8 centre-block pillars
    bold = {(c.row, c.col) for row in grid for c in row if c.bold}
    outer_centres = {(3 * br + 1, 3 * bc + 1) for br, bc in BLOCKS}
    assert outer_centres | {(7, 2)} == {rc for rc in bold if not (3 <= rc[0] <= 5 and 3 <= rc[1] <= 5)}
    assert len(outer_centres | {(7, 2)}) == 9
    # centre block: the goal and five pillars are bold; the top row's three are not
    assert {(r, c) for r, c in bold if 3 <= r <= 5 and 3 <= c <= 5} == {(4, 3), (4, 4), (4, 5), (5, 3), (5, 4), (5, 5)}
    assert grid[7][2].text == "长期主义" and grid[7][2].kind == "action"


def test_seed_table_warnings_name_the_cells() -> None:
    warnings = Warnings()
    parse_markdown(seed_text(), "README.zh-CN.md", warnings)
    joined = "\n".join(warnings.lines)
    assert "bold text '长期主义' at row 8, column 3 sits in an action cell" in joined
    assert "5 blank cell(s): row 3 column 9, row 6 column 3, row 6 column 9, row 9 column 3, row 9 column 6" in joined
    assert "differs" not in joined


def test_crafted_table_with_a_pillar_mismatch_warns() -> None:
    text = SEED_TABLE.replace("| AI-Infra Repo 路线图维护 | 顶会 Talk 2–3 场/年 | 每月发表一篇技术长文 | Kubernetes 核心功力 |",
                              "| AI-Infra Repo 路线图维护 | 顶会 Talk 2–3 场/年 | 每月发表一篇技术长文 | K8s 基本功 |")
    warnings = Warnings()
    chart = parse_markdown(text, "t.md", warnings)
    assert any("row 4, column 4 'K8s 基本功' differs from the centre of its block at row 2, column 2 "
               "'Kubernetes 核心功力'" in line for line in warnings.lines)
    assert chart.pillars[0].title == "Kubernetes 核心功力"  # the outer block centre wins


def test_yaml_markdown_round_trip() -> None:
    warnings = Warnings()
    chart = load_mandala(MANDALA_YAML, "zh-CN", warnings)
    again = parse_markdown(to_markdown(chart), "round-trip.md", Warnings())
    assert again.goal == chart.goal
    assert [p.title for p in again.pillars] == [p.title for p in chart.pillars]
    assert [[a.text for a in p.actions] for p in again.pillars] == [[a.text for a in p.actions] for p in chart.pillars]
    assert [[a.emphasis for a in p.actions] for p in again.pillars] == [[a.emphasis for a in p.actions]
                                                                      for p in chart.pillars]
    # and the YAML written by import-mandala matches the seed table cell for cell
    seed = parse_markdown(seed_text(), "seed", Warnings())
    assert to_yaml_data(seed)["pillars"] == to_yaml_data(chart)["pillars"]


def test_markdown_tables_are_found_with_their_lines() -> None:
    text = "intro\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\ntext\n" + SEED_TABLE
    tables = find_tables(text)
    assert [(t.line, len(t.rows), len(t.rows[0])) for t in tables] == [(3, 2, 2), (9, 9, 9)]


@pytest.fixture(scope="module")
def seed_result(engine):
    chart = parse_markdown(seed_text(), "seed", Warnings())
    return build_mandala(chart, engine, Warnings(), "square", "目标达成图")


def test_every_cell_text_lies_inside_its_cell(seed_result) -> None:
    assert len(seed_result.cells) == 81
    for cell, (x, y, w, h), box in seed_result.cells:
        if not cell.text:
            assert box is None
            continue
        bx, by, bw, bh = box
        assert x < bx and bx + bw < x + w, (cell.row, cell.col, cell.text)
        assert y < by and by + bh < y + h, (cell.row, cell.col, cell.text)
    for t in texts(seed_result.scene):  # every line, too
        if t.role.startswith("cell-text"):
            owner = next(c for c, (x, y, w, h), _ in seed_result.cells
                         if x <= t.box[0] and t.box[0] + t.box[2] <= x + w and y <= t.box[1]
                         and t.box[1] + t.box[3] <= y + h)
            assert owner.text


def test_no_fitted_line_starts_with_closing_punctuation(seed_result) -> None:
    lines = [t.text for t in texts(seed_result.scene) if t.role.startswith("cell-text")]
    assert lines and not [line for line in lines if line[0] in "，。、；：？！）」』】》"]
    assert "Kubernetes" in lines[:20] or any(line.startswith("Kubernetes") for line in lines)


def test_text_contrast_meets_wcag_aa(seed_result) -> None:
    root = ET.fromstring(__import__("renderer.backends.svg", fromlist=["render_svg"]).render_svg(seed_result.scene))
    for g in root.iter(SVG + "g"):
        if "cell" not in (g.get("class") or "").split():
            continue
        fill = g.find(SVG + "rect").get("fill")
        for path in g.findall(SVG + "path"):
            if "cell-text" in (path.get("class") or ""):
                assert contrast(fill, path.get("fill")) >= 4.5, (g.get("data-row"), g.get("data-col"), fill)


def test_long_text_is_shrunk_then_cut_with_a_warning(engine) -> None:
    fit = fit_text(engine, "这是一个非常非常长的目标描述" * 10, 100, 60, 16, 9, False, "cell")
    assert fit.cut and fit.lines[-1].endswith("…") and fit.size == 9
    assert all(w <= 100 for w in fit.widths) and len(fit.lines) * 9 * 1.25 <= 60
    short = fit_text(engine, "Kubernetes 核心功力", 140, 140, 24, 9, True, "cell")
    assert not short.cut and short.lines == ("Kubernetes", "核心功力")


def test_mini_chart_matches_golden_svg(tmp_path: Path, cli) -> None:
    run = cli("mandala", FIXTURES / "mini-mandala.yaml", "-o", tmp_path, "--format", "svg")
    assert run.code == 0, run.err
    produced = unstamped((tmp_path / "mini-mandala.svg").read_bytes())
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_bytes(produced)
    assert produced == GOLDEN.read_bytes()
    root = ET.fromstring(produced)
    cells = [g for g in root.iter(SVG + "g") if "cell" in (g.get("class") or "").split()]
    assert len(cells) == 81
    kinds = [g.get("class").split()[1] for g in cells]
    assert kinds.count("goal") == 1 and kinds.count("pillar") == 16 and kinds.count("action") == 64
    assert all(g.get("data-row") is not None and g.find(SVG + "rect") is not None for g in cells)
    statuses = {g.get("data-status") for g in cells} - {None}
    assert statuses == {"todo", "doing", "done"}
    assert root.find(f".//{SVG}g[@id='legend']") is not None


def test_mandala_cli_renders_png_and_is_byte_identical(tmp_path: Path, cli) -> None:
    for out in ("a", "b"):
        run = cli("mandala", MANDALA_YAML, "-o", tmp_path / out)
        assert run.code == 0, run.err
    for name in ("ai-infra-mandala.svg", "ai-infra-mandala.png"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    from PIL import Image

    assert Image.open(tmp_path / "a" / "ai-infra-mandala.png").size == (3200, 3200)


@pytest.mark.parametrize("size,expected", [("a4-landscape", (1754, 1240)), ("slide-16x9", (1920, 1080))])
def test_size_presets_centre_the_chart(engine, size: str, expected: tuple[int, int]) -> None:
    chart = load_mandala(FIXTURES / "mini-mandala.yaml", "en", Warnings())
    result = build_mandala(chart, engine, Warnings(), size)
    assert (result.scene.width, result.scene.height) == expected
    xs = [x for _, (x, y, w, h), _ in result.cells]
    left, right = min(xs), max(xs) + result.cells[0][1][2]
    assert left == pytest.approx(expected[0] - right, abs=0.5)  # centred horizontally (quarter-px grid)
    boxes = {(c.row, c.col): b for c, b, _ in result.cells}
    for (r, c), (x, y, w, h) in boxes.items():  # cells tile exactly: no gap, no overlap
        if c < 8:
            assert x + w == boxes[(r, c + 1)][0]
        if r < 8:
            assert y + h == boxes[(r + 1, c)][1]
    title = next(t for t in texts(result.scene) if t.role == "title")
    assert title.box[1] > 0 and title.box[1] + title.box[3] < min(y for _, (x, y, w, h), _ in result.cells)


def test_markdown_cli_and_import(tmp_path: Path, cli) -> None:
    md = tmp_path / "README.md"
    md.write_text("# Goals\n\n" + SEED_TABLE, encoding="utf-8")
    run = cli("mandala", md, "-o", tmp_path, "--format", "svg")
    assert run.code == 0 and (tmp_path / "README-mandala.svg").is_file()
    assert "sits in an action cell" in run.err and "--lang" not in run.err
    english = cli("mandala", md, "-o", tmp_path, "--format", "svg", "--lang", "en")
    assert english.code == 0
    assert re.search(r"--lang en: a Markdown table holds one language; \d+ cell\(s\) in Chinese", english.err)
    run = cli("import-mandala", md)
    assert run.code == 0
    data = yaml.safe_load(run.out)
    assert data["goal"] == "Cloud Native AI Infra on Kubernetes Lead" and len(data["pillars"]) == 8


def test_no_nine_by_nine_table(tmp_path: Path, cli) -> None:
    md = tmp_path / "x.md"
    md.write_text("| a | b |\n| --- | --- |\n| 1 | 2 |\n", encoding="utf-8")
    run = cli("mandala", md, "-o", tmp_path)
    assert run.code == 2
    assert run.err.strip() == f"error: {md}: no 9×9 table found (tables: 2×2 at line 1)"


def test_table_of_the_wrong_size(tmp_path: Path, cli) -> None:
    lines = SEED_TABLE.strip().splitlines()
    md = tmp_path / "x.md"
    md.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # 8 rows
    run = cli("mandala", md, "-o", tmp_path)
    assert run.code == 2 and "no 9×9 table found (tables: 8×9 at line 1)" in run.err


def test_table_number_out_of_range(tmp_path: Path, cli) -> None:
    md = tmp_path / "x.md"
    md.write_text(SEED_TABLE, encoding="utf-8")
    run = cli("mandala", md, "--table", "2", "-o", tmp_path)
    assert run.code == 2 and "--table 2: the file has 1 9×9 table" in run.err


def test_more_than_eight_actions(tmp_path: Path, cli) -> None:
    text = (FIXTURES / "mini-mandala.yaml").read_text(encoding="utf-8").replace(
        "[Exact rows, Isotonic x, {text: Growth rule, status: done}, Bands]",
        "[a, b, c, d, e, f, g, h, i]")
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    run = cli("mandala", path, "-o", tmp_path)
    assert run.code == 2
    assert run.err.strip() == f"error: {path}:5: pillar 'Layout': 9 actions, at most 8 fit around it"


def test_wrong_number_of_pillars(tmp_path: Path, cli) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("goal: g\npillars:\n  - {title: a}\n", encoding="utf-8")
    run = cli("mandala", path, "-o", tmp_path)
    assert run.code == 2 and "exactly 8 pillars, got 1" in run.err and f"{path}:2:" in run.err


def _seed_rows() -> list[str]:
    lines = SEED_TABLE.strip().splitlines()
    return [lines[0]] + lines[2:]  # the 9 rows, without the delimiter line


def test_empty_header_row_above_nine_rows() -> None:
    # the newest AI-Infra README: an empty header row, then the 9 rows under the delimiter
    text = "# AI-Infra\n\n## 🎯 云原生 AI 架构师目标达成图\n\nintro\n\n|  |  |  | |  | | | | |\n" \
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n" + "\n".join(_seed_rows()) + "\n"
    chart = parse_markdown(text, "new.md", Warnings())
    seed = parse_markdown(SEED_TABLE, "seed", Warnings())
    assert to_yaml_data(chart)["pillars"] == to_yaml_data(seed)["pillars"]
    assert chart.title == "云原生 AI 架构师目标达成图"  # the heading above the table, emoji dropped
    assert find_tables(text)[0].line == 7 and find_tables(text)[0].row_lines[0] == 9


def test_gfm_table_variants() -> None:
    rows = [row.strip().strip("|") for row in _seed_rows()]  # no leading or trailing pipes
    rows[0] = rows[0].replace("每周两晚读源码", "`每周两晚读源码`").replace("GPU CUDA", "[GPU CUDA](https://x.io)")
    rows[1] = rows[1].replace("DRA + NRI", "DRA<br>+ NRI").replace("安全升级", "*安全升级*")
    rows[2] = rows[2].replace("TPU/NPU 等", "TPU&#47;NPU&nbsp;等").replace("加速方案", "<sub>加速方案</sub>")
    rows[3] = rows[3].replace("**Kubernetes 核心功力**", "<strong>Kubernetes 核心功力</strong>")
    text = "Title\n=====\n\n" + rows[0] + "\n:--- | :---: | ---: | - | - | - | - | - | -\n" + "\n".join(rows[1:]) + "\n"
    chart = parse_markdown(text, "gfm.md", Warnings())
    seed = parse_markdown(SEED_TABLE, "seed", Warnings())
    assert to_yaml_data(chart)["pillars"] == to_yaml_data(seed)["pillars"]
    assert chart.title == "Title"  # a setext H1


def test_first_h1_is_the_title_when_no_heading_sits_above_the_table() -> None:
    text = SEED_TABLE + "\n# Later heading\n"
    assert parse_markdown(text, "t.md", Warnings()).title == "Later heading"
    assert parse_markdown(SEED_TABLE, "t.md", Warnings()).title is None
    fenced = "```\n# not a heading\n" + SEED_TABLE + "```\n"
    with pytest.raises(Exception, match="no tables at all"):
        parse_markdown(fenced, "t.md", Warnings())  # tables inside a code fence are not tables


def test_inline_markdown_in_cells() -> None:
    from renderer.mandala import markdown_text

    assert markdown_text("**a** and **b**") == ("a and b", False)  # partly bold is not a bold cell
    assert markdown_text("**K8s (KEPs & Coding)**") == ("K8s (KEPs & Coding)", True)
    assert markdown_text(r"\*not italic\* `a|b` ~~c~~") == ("*not italic* a|b c", False)
    assert markdown_text("[vLLM](https://x) ![logo](y.png) <https://a.b>") == ("vLLM logo https://a.b", False)
    assert markdown_text("&amp; &lt;b&gt; snake_case 2*3*4") == ("& <b> snake_case 2*3*4", False)


def test_extra_cells_are_dropped_with_a_warning() -> None:
    lines = SEED_TABLE.strip().splitlines()
    lines[3] += " extra |"
    warnings = Warnings()
    parse_markdown("\n".join(lines), "t.md", warnings)
    assert any("row(s) at line 4 have more than 9 cells" in line for line in warnings.lines)


def test_markdown_title_is_the_default_chart_title(tmp_path: Path, cli) -> None:
    md = tmp_path / "README.md"
    md.write_text("# Goals\n\n" + SEED_TABLE, encoding="utf-8")
    assert yaml.safe_load(cli("import-mandala", md).out)["title"] == "Goals"
    assert cli("mandala", md, "-o", tmp_path, "--format", "svg").code == 0
    root = ET.parse(tmp_path / "README-mandala.svg").getroot()
    assert root.find(f"{SVG}title").text == "Goals"
