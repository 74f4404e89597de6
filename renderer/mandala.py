"""Mandala (Harada / Ohtani) 9×9 goal chart: model, YAML and Markdown input, scene builder.

The goal sits in the centre cell; the 8 cells around it are the pillars; each pillar is
repeated at the centre of the outer 3×3 block at the same position, surrounded by up to
8 actions. Block order: top-left, top, top-right, left, right, bottom-left, bottom,
bottom-right. Rows and columns in messages are 1-based. Sizes are px.
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path
from typing import Any

from .errors import InputError, Warnings
from .colors import mix, readable_on
from .model import LANGS, LIGHT, PAGES, Theme, Fields
from .scene import Circle, Group, Node, Path as PathNode, Rect, Scene, Style
from .linebreak import is_cjk
from .records import record, replace
from .text import TextEngine
from .yamlio import LDict, line_of, load_yaml

STATUSES = ("todo", "doing", "done")
BLOCKS = ((0, 0), (0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1), (2, 2))  # outer block / slot order
PALETTE = ("#1d6fa5", "#b4451f", "#0f7a5c", "#7a4bb0", "#9a6a00", "#b03060", "#3f6f8f", "#5b7a1e")
SIZES = {"square": (1600.0, 1600.0), **PAGES}
INK = "#1f2933"


@record
class Action:
    """One action cell: text (may be empty), optional status, bold emphasis."""

    text: str
    status: str | None = None
    emphasis: bool = False


@record
class Pillar:
    """A pillar: its title, colour (hex) and 8 action slots (blank = empty text)."""

    title: str
    color: str
    actions: tuple[Action, ...]
    emphasis: bool = True


@record
class Mandala:
    """A whole chart. ``centre`` holds the texts of the centre block's 8 pillar cells."""

    goal: str
    pillars: tuple[Pillar, ...]
    title: str | None = None
    centre: tuple[tuple[str, bool], ...] = ()


# ---------------------------------------------------------------- YAML


def parse_mandala_yaml(raw: Any, path: str, lang: str | None, warnings: Warnings) -> Mandala:
    """Validate a Mandala YAML file (see data/ai-infra-mandala.yaml)."""
    top = Fields(raw, path, "mandala", ("title", "goal", "pillars", "lang"))
    lang = lang or top.text("lang", "en") or "en"
    goal = top.label("goal", lang, warnings, required=True) or ""
    pillars_raw = top.sequence("pillars", required=True)
    if len(pillars_raw) != 8:
        raise top.fail("pillars", f"a Mandala chart needs exactly 8 pillars, got {len(pillars_raw)}")
    pillars = []
    for i, praw in enumerate(pillars_raw):
        name = praw.get("title") if isinstance(praw, dict) else None
        f = Fields(praw, path, f"pillar {name!r}" if isinstance(name, str) else f"pillar #{i + 1}",
                    ("title", "color", "actions"))
        title = f.label("title", lang, warnings, required=True) or ""
        color = f.color("color") or PALETTE[i]
        actions_raw = f.sequence("actions")
        if len(actions_raw) > 8:
            raise InputError(f"pillar {title!r}: {len(actions_raw)} actions, at most 8 fit around it",
                             path, line_of(actions_raw, 8))
        actions = []
        for j, araw in enumerate(actions_raw):
            if araw is None or isinstance(araw, (str, int, float)) and not isinstance(araw, bool):
                text = "" if araw is None else str(araw).strip()
                if lang == "en" and any(is_cjk(ch) for ch in text):
                    warnings.missing_translation(lang, f"{path}:{line_of(actions_raw, j)} pillar {title!r} "
                                                       f"action #{j + 1}")
                actions.append(Action(text))
                continue
            if isinstance(araw, LDict) and araw and set(araw) <= set(LANGS):  # {en: …, zh-CN: …} alone
                wrapped = LDict(text=araw)
                wrapped.line, wrapped.key_lines = araw.line, {"text": araw.line}
                araw = wrapped
            a = Fields(araw, path, f"pillar {title!r} action #{j + 1}", ("text", "status", "emphasis"))
            status = a.text("status")
            if status is not None and status not in STATUSES:
                raise a.fail("status", f"status must be one of {', '.join(STATUSES)}, got {status!r}")
            emph = a.raw("emphasis", False)
            if not isinstance(emph, bool):
                raise a.fail("emphasis", "'emphasis' must be true or false")
            actions.append(Action(a.label("text", lang, warnings, "") or "", status, emph))
        actions += [Action("")] * (8 - len(actions))
        pillars.append(Pillar(title, color, tuple(actions)))
    return Mandala(goal=goal, pillars=tuple(pillars), title=top.label("title", lang, warnings),
                   centre=tuple((p.title, True) for p in pillars))


def load_mandala(path: Path, lang: str | None, warnings: Warnings, table: int = 1) -> Mandala:
    """A chart from a YAML file or from the N-th 9×9 table of a Markdown file."""
    if path.suffix.lower() in (".md", ".markdown"):
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError("file not found", str(path)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read file: {exc}", str(path)) from None
        chart = parse_markdown(text, str(path), warnings, table)
        chinese = chinese_cells(chart)
        if lang == "en" and chinese:
            warnings.add(f"{path}: --lang en: a Markdown table holds one language; {chinese} cell(s) in Chinese "
                         f"are drawn as written (a Mandala YAML file can hold en and zh-CN text for each cell)")
        elif lang == "zh-CN" and not chinese:
            warnings.add(f"{path}: --lang zh-CN: the Markdown table has no Chinese text; its cells are drawn as "
                         f"written")
        return chart
    return parse_mandala_yaml(load_yaml(path), str(path), lang, warnings)


def chinese_cells(chart: Mandala) -> int:
    """How many cells of ``chart`` hold Chinese text."""
    cells = [chart.goal] + [t for p in chart.pillars for t in (p.title, *(a.text for a in p.actions))]
    return sum(1 for t in cells if any(is_cjk(ch) for ch in t))


def to_yaml_data(chart: Mandala) -> dict[str, Any]:
    """Plain data for ``yaml.safe_dump`` (the YAML input format); a chart with Chinese cells says
    ``lang: zh-CN``, so that rendering it does not report them as missing English."""
    pillars = []
    for p in chart.pillars:
        actions: list[Any] = []
        for a in p.actions:
            if a.status or a.emphasis:
                item: dict[str, Any] = {"text": a.text}
                if a.status:
                    item["status"] = a.status
                if a.emphasis:
                    item["emphasis"] = True
                actions.append(item)
            else:
                actions.append(a.text or None)
        while actions and actions[-1] is None:
            actions.pop()
        pillars.append({"title": p.title, "color": p.color, "actions": actions})
    data: dict[str, Any] = {"lang": "zh-CN"} if chinese_cells(chart) else {}
    if chart.title:
        data["title"] = chart.title
    data["goal"] = chart.goal
    data["pillars"] = pillars
    return data


# ---------------------------------------------------------------- Markdown


@record
class _Table:
    line: int  # 1-based line of the table's first line (its header)
    rows: list[list[str]]  # cells as written, padded to the header's count; an all-empty header is dropped
    row_lines: tuple[int, ...]  # line of each row
    cut: tuple[int, ...] = ()  # lines of rows with more cells than the header (the extra ones are dropped)


def _split_row(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", body)]


_DELIMITER = re.compile(r"\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*")
_FENCE = re.compile(r" {0,3}(```|~~~)")
_BLOCK_START = re.compile(r" {0,3}(#{1,6}(\s|$)|>|```|~~~)")
_HEADING = re.compile(r" {0,3}(#{1,6})\s+(.*?)(\s+#+)?\s*$")


def find_tables(text: str) -> list[_Table]:
    """Every GitHub-flavoured pipe table of a Markdown text (outside code fences): a header row,
    a delimiter row (``---``, ``:--``, ``:-:``, ``--:``), then rows up to a blank line or another
    block; leading and trailing pipes are optional."""
    tables: list[_Table] = []
    lines = text.splitlines()
    i, fenced = 0, False
    while i < len(lines):
        if _FENCE.match(lines[i]):
            fenced = not fenced
        if fenced or "|" not in lines[i] or i + 1 >= len(lines) or not _DELIMITER.fullmatch(lines[i + 1]):
            i += 1
            continue
        header = _split_row(lines[i])
        if len(_split_row(lines[i + 1])) != len(header):
            i += 1
            continue
        start, width = i, len(header)
        rows, row_lines, cut = [header], [i + 1], []
        i += 2
        while i < len(lines) and lines[i].strip() and not _BLOCK_START.match(lines[i]):
            cells = _split_row(lines[i])
            if len(cells) > width:
                cut.append(i + 1)
            rows.append((cells + [""] * width)[:width])
            row_lines.append(i + 1)
            i += 1
        if not any(header) and len(rows) > 1:  # an empty header row above the real rows
            rows, row_lines = rows[1:], row_lines[1:]
        tables.append(_Table(start + 1, rows, tuple(row_lines), tuple(cut)))
    return tables


_INVISIBLE_CELL = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_CODE = re.compile(r"(`+)(.+?)\1")
_INLINE = (  # (pattern, replacement) applied in order to text outside code spans
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # image → its alt text
    (re.compile(r"\[([^\]]+)\](\([^)]*\)|\[[^\]]*\])"), r"\1"),  # link → its text
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # autolink
    (re.compile(r"<br\s*/?>", re.I), " "),
    (re.compile(r"</?(?:b|strong)\s*>", re.I), "**"),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>"), ""),  # any other HTML tag
)
_EMPHASIS = (
    (re.compile(r"\*\*(.+?)\*\*|__(.+?)__"), lambda m: m.group(1) or m.group(2)),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"),
     lambda m: m.group(1) or m.group(2)),
    (re.compile(r"~~(.+?)~~"), lambda m: m.group(1)),
)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def markdown_text(cell: str) -> tuple[str, bool]:
    """A table cell's plain text and whether all of it is bold: inline code, links, images,
    emphasis, ``<br>``, HTML tags and entities, and backslash escapes are resolved."""
    import html

    kept: list[str] = []  # code spans and escaped characters, taken out of the way of the rules below

    def keep(literal: str) -> str:
        kept.append(literal)
        return f"\x00{len(kept) - 1}\x00"

    text = _CODE.sub(lambda m: keep(m.group(2).strip()), cell.strip())
    text = _ESCAPE.sub(lambda m: keep(m.group(1)), text)
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    text = text.strip()
    whole = re.fullmatch(r"\*\*(.+)\*\*|__(.+)__", text)
    bold = bool(whole) and "**" not in (whole.group(1) or "") and "__" not in (whole.group(2) or "")
    for pattern, func in _EMPHASIS:
        text = pattern.sub(func, text)
    text = re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)
    text = html.unescape(text).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip(), bold


def _strip_symbols(text: str) -> str:
    """``text`` without the emoji, symbols and spaces at its ends (``🎯 Goals`` → ``Goals``)."""
    keep = [unicodedata.category(ch) not in ("So", "Sk", "Mn", "Cf", "Zs") for ch in text]
    if True not in keep:
        return ""
    return text[keep.index(True):len(text) - keep[::-1].index(True)]


def _heading_title(lines: list[str], before: int) -> str | None:
    """The nearest heading above line ``before`` (0-based), else the first H1; its text without
    Markdown or the emoji and symbols at its ends."""
    nearest, first_h1, fenced = None, None, False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        m = None if fenced else _HEADING.match(line)
        level = len(m.group(1)) if m else 0
        if not m and not fenced and i + 1 < len(lines) and line.strip() and "|" not in line \
                and re.fullmatch(r" {0,3}(=+|-+)\s*", lines[i + 1]):
            level = 1 if "=" in lines[i + 1] else 2
        if not level:
            continue
        title = _strip_symbols(markdown_text(m.group(2) if m else line)[0])
        if not title:
            continue
        if i < before:
            nearest = title
        if level == 1 and first_h1 is None:
            first_h1 = title
    return nearest or first_h1


def parse_markdown(text: str, path: str, warnings: Warnings, table: int = 1) -> Mandala:
    """The chart in the ``table``-th 9×9 table (1-based) of a Markdown text; its title is the
    heading above the table (else the first H1)."""
    tables = find_tables(text)
    nine = [t for t in tables if len(t.rows) == 9 and all(len(r) == 9 for r in t.rows)]
    if not nine:
        sizes = ", ".join(f"{len(t.rows)}×{max(len(r) for r in t.rows)} at line {t.line}" for t in tables)
        raise InputError(f"no 9×9 table found ({'tables: ' + sizes if sizes else 'no tables at all'})", path)
    if not 1 <= table <= len(nine):
        raise InputError(f"--table {table}: the file has {len(nine)} 9×9 table{'' if len(nine) == 1 else 's'}", path)
    chosen = nine[table - 1]
    if chosen.cut:
        warnings.add(f"{path}: table {table}: row(s) at line {', '.join(map(str, chosen.cut))} have more than "
                     f"9 cells; the extra cells are left out")
    cleaned = [[_INVISIBLE_CELL.sub("", c) for c in row] for row in chosen.rows]
    if cleaned != chosen.rows:
        warnings.add(f"{path}: control, zero-width or bidi characters removed from table {table} "
                     f"(line {chosen.line})")
    grid = [[markdown_text(c) for c in row] for row in cleaned]
    chart = grid_to_mandala(grid, path, chosen.row_lines[4], warnings)
    return replace(chart, title=_heading_title(text.splitlines(), chosen.line - 1))


def grid_to_mandala(grid: list[list[tuple[str, bool]]], path: str, centre_line: int, warnings: Warnings) -> Mandala:
    """Interpret a 9×9 grid of (text, bold) cells (``centre_line``: line of row 5); warns about
    inconsistencies."""
    goal, _ = grid[4][4]
    if not goal:
        raise InputError("the centre cell (row 5, column 5) holding the goal is blank", path, centre_line)
    pillars: list[Pillar] = []
    centre: list[tuple[str, bool]] = []
    blanks: list[str] = []
    for k, (br, bc) in enumerate(BLOCKS):
        inner_text, inner_bold = grid[3 + br][3 + bc]
        outer_text, outer_bold = grid[3 * br + 1][3 * bc + 1]
        title = outer_text or inner_text
        centre.append((inner_text, inner_bold))
        if inner_text and outer_text and inner_text != outer_text:
            warnings.add(f"{path}: pillar at row {4 + br}, column {4 + bc} {inner_text!r} differs from the "
                         f"centre of its block at row {3 * br + 2}, column {3 * bc + 2} {outer_text!r}")
        if not title:
            blanks.append(f"row {3 * br + 2} column {3 * bc + 2} (pillar)")
        actions = []
        for sr, sc in BLOCKS:
            r, c = 3 * br + sr, 3 * bc + sc
            cell, bold = grid[r][c]
            if bold:
                warnings.add(f"{path}: bold text {cell!r} at row {r + 1}, column {c + 1} sits in an action cell")
            if not cell:
                blanks.append(f"row {r + 1} column {c + 1}")
            actions.append(Action(cell, None, bold))
        pillars.append(Pillar(title, PALETTE[k], tuple(actions), emphasis=True))
    if blanks:
        warnings.add(f"{path}: {len(blanks)} blank cell(s): " + ", ".join(blanks))
    return Mandala(goal=goal, pillars=tuple(pillars), centre=tuple(centre))


def to_markdown(chart: Mandala) -> str:
    """The chart as a 9×9 Markdown table (pillars and goal bold)."""
    grid = chart_grid(chart)
    rows = []
    for r in range(9):
        cells = []
        for c in range(9):
            cell = grid[r][c]
            text = cell.text.replace("|", "\\|")
            cells.append(f"**{text}**" if cell.bold and text else text)
        rows.append("| " + " | ".join(cells) + " |")
    rows.insert(1, "|" + " --- |" * 9)
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------- grid


@record
class Cell:
    """One of the 81 cells (0-based row and column)."""

    row: int
    col: int
    kind: str  # goal | pillar | action
    text: str
    bold: bool
    pillar: int | None
    status: str | None = None


def chart_grid(chart: Mandala) -> list[list[Cell]]:
    """The 81 cells of a chart, row by row."""
    grid: list[list[Cell | None]] = [[None] * 9 for _ in range(9)]
    grid[4][4] = Cell(4, 4, "goal", chart.goal, True, None)
    for k, ((br, bc), p) in enumerate(zip(BLOCKS, chart.pillars)):
        text, bold = chart.centre[k] if chart.centre else (p.title, True)
        grid[3 + br][3 + bc] = Cell(3 + br, 3 + bc, "pillar", text, bold, k)
        grid[3 * br + 1][3 * bc + 1] = Cell(3 * br + 1, 3 * bc + 1, "pillar", p.title, p.emphasis, k)
        for (sr, sc), a in zip(BLOCKS, p.actions):
            r, c = 3 * br + sr, 3 * bc + sc
            grid[r][c] = Cell(r, c, "action", a.text, a.emphasis, k, a.status)
    return [[cell for cell in row if cell is not None] for row in grid]


# ---------------------------------------------------------------- drawing


@record
class FittedText:
    """Text fitted into a cell: font size (px), lines, bold, and whether it was cut."""

    size: float
    lines: tuple[str, ...]
    widths: tuple[float, ...]
    bold: bool
    cut: bool


def fit_text(engine: TextEngine, text: str, width: float, height: float, max_size: float, min_size: float,
             bold: bool, owner: str) -> FittedText:
    """Largest size ≤ max_size (px) whose wrapped lines fit (width, height) px, lines balanced.

    Shrink first: a Latin word or Chinese phrase is broken inside only at the minimum size;
    below it the text is cut with an ellipsis (``cut``), never clipped or overflowing.
    """
    size = max_size
    while True:
        for break_words in (False, True) if size <= min_size else (False,):
            lines = engine.wrap(text, size, width, bold, owner, break_words, balance=True)
            if all(line.width <= width + 1e-6 for line in lines) and len(lines) * size * 1.25 <= height:
                return FittedText(size, tuple(l.text for l in lines), tuple(l.width for l in lines), bold, False)
        if size <= min_size:
            break
        size = max(min_size, size - 0.5)
    keep = max(1, int(height // (min_size * 1.25)))
    lines = lines[:keep]
    last = lines[-1].text
    while last and engine.measure(last + "…", min_size, bold, owner) > width:
        last = last[:-1]
    texts = [l.text for l in lines[:-1]] + [last.rstrip() + "…"]
    widths = [engine.measure(t, min_size, bold, owner) for t in texts]
    return FittedText(min_size, tuple(texts), tuple(widths), bold, True)


@record
class MandalaResult:
    """The scene and, per cell, the cell box and the ink box of its text (px); ``fits`` holds
    each cell's fitted text (None for a blank cell), in the order of ``cells``."""

    scene: Scene
    cells: tuple[tuple[Cell, tuple[float, float, float, float], tuple[float, float, float, float] | None], ...]
    fits: tuple[FittedText | None, ...] = ()

    def report(self) -> dict[str, Any]:
        """Every cell as drawn: row/col 1–9, kind, text, the drawn lines and the font size (px)."""
        return {"cells": [{"row": c.row + 1, "col": c.col + 1, "kind": c.kind, "text": c.text,
                           "lines": list(fit.lines) if fit else [], "font_size": round(fit.size, 2) if fit else None}
                          for (c, _, _), fit in zip(self.cells, self.fits)]}


def build_mandala(chart: Mandala, engine: TextEngine, warnings: Warnings, size: str = "square",
                  title: str | None = None, theme: Theme = LIGHT) -> MandalaResult:
    """Lay out and describe the 9×9 chart on a canvas preset (px)."""
    if size not in SIZES:
        raise InputError(f"unknown size {size!r} (known: {', '.join(SIZES)})", "--size")
    width, height = SIZES[size]
    unit = min(width, height) / 1600
    margin = 40 * unit
    title = title if title is not None else chart.title
    title_size = 34 * unit
    top = margin
    nodes: list[Node] = []
    statuses = {a.status for p in chart.pillars for a in p.actions if a.status}
    legend_h = 36 * unit if statuses else 0.0
    title_h = (engine.ascent(title_size, True) + engine.descent(title_size, True) + 18 * unit) if title else 0.0
    cell = math.floor(min(width - 2 * margin, height - 2 * margin - title_h - legend_h) / 9 * 4) / 4
    side = 9 * cell  # cells on a quarter-px grid: edges add up exactly, in binary floats too
    x0 = round((width - side) / 2 * 4) / 4
    y0 = round((top + title_h + (height - 2 * margin - title_h - legend_h - side) / 2) * 4) / 4
    if title:
        tw = engine.measure(title, title_size, True, "title")
        base = y0 - 18 * unit - engine.descent(title_size, True)
        nodes.append(engine.text_node(title, (width - tw) / 2, base, title_size, True, theme.ink, "title", "title"))
    pad = max(5.0, cell * 0.08)
    all_cells = [c for row in chart_grid(chart) for c in row]
    fits = _fit_cells(engine, all_cells, cell, pad, unit)
    cells_out = []
    groups: list[Node] = []
    for c, fit in zip(all_cells, fits):
        x, y = x0 + c.col * cell, y0 + c.row * cell
        if fit and fit.cut:
            warnings.add(f"text of {_owner(c)} {c.text!r} does not fit even at {fit.size:g} px; shortened with …")
        group, box = _cell(engine, c, fit, chart, x, y, cell, pad, theme)
        groups.append(group)
        cells_out.append((c, (x, y, cell, cell), box))
    nodes.append(Group(children=tuple(groups), id="cells"))
    nodes.append(_grid_lines(x0, y0, cell, unit, theme))
    if statuses:
        nodes.append(_status_legend(engine, x0, y0 + side + 12 * unit, unit, theme.ink))
    scene = Scene(width=width, height=height, title=title or chart.goal,
                  desc=f"Mandala goal chart: {chart.goal}; 8 pillars, "
                       f"{sum(1 for p in chart.pillars for a in p.actions if a.text)} actions.",
                  background=theme.background, children=tuple(nodes))
    missing = engine.take_missing()
    if missing:
        warnings.add("glyphs missing from the font, left blank: "
                     + "; ".join(f"{o}: {' '.join(sorted(ch))}" for o, ch in sorted(missing.items())))
    return MandalaResult(scene, tuple(cells_out), tuple(fits))


def _owner(c: Cell) -> str:
    return f"row {c.row + 1}, column {c.col + 1}"


def _fit_cells(engine: TextEngine, cells: list[Cell], size: float, pad: float, unit: float) -> list[FittedText | None]:
    """Each cell's text fitted into its cell of side ``size`` px; the pillar cells then share the
    smallest pillar size, so the chart's 16 pillar titles match (a title that would need to go
    smaller than that keeps its own size)."""
    min_size = 9.0 * max(unit, 0.7)

    def fit(c: Cell, max_size: float) -> FittedText | None:
        if not c.text:
            return None
        reserve = 2 * _marker_r(size) + 2 if c.status else 0.0  # keep the status marker's corner free
        return fit_text(engine, c.text, size - 2 * pad, size - 2 * pad - 2 * reserve, max_size, min_size,
                        c.bold or c.kind != "action", _owner(c))

    limit = {"goal": 0.17, "pillar": 0.15, "action": 0.13}
    fits = [fit(c, size * limit[c.kind]) for c in cells]
    pillar_sizes = [f.size for c, f in zip(cells, fits) if c.kind == "pillar" and f and not f.cut]
    if pillar_sizes:
        shared = min(pillar_sizes)
        fits = [fit(c, shared) if c.kind == "pillar" and f and f.size > shared else f for c, f in zip(cells, fits)]
    return fits


def _cell(engine: TextEngine, c: Cell, fit: FittedText | None, chart: Mandala, x: float, y: float, size: float,
          pad: float, theme: Theme) -> tuple[Group, tuple[float, float, float, float] | None]:
    if c.kind == "goal":
        fill = theme.goal_fill
    elif c.kind == "pillar":
        fill = chart.pillars[c.pillar].color
    else:
        fill = mix(chart.pillars[c.pillar].color, theme.background, theme.action_tint)
    ink = readable_on(fill, "#ffffff", INK)
    children: list[Node] = [Rect(x, y, size, size, Style(fill=fill))]
    box = None
    if fit:
        bold = fit.bold
        owner = _owner(c)
        line_h = fit.size * 1.25
        asc, desc = engine.ascent(fit.size, bold), engine.descent(fit.size, bold)
        top = y + (size - line_h * len(fit.lines)) / 2
        for i, (line, w) in enumerate(zip(fit.lines, fit.widths)):
            base = top + i * line_h + (line_h - asc - desc) / 2 + asc
            lx = x + (size - w) / 2
            children.append(engine.text_node(line, lx, base, fit.size, bold, ink, f"cell-text {c.kind}", owner))
        widest = max(fit.widths)
        box = (x + (size - widest) / 2, top + (line_h - asc - desc) / 2, widest,
               line_h * (len(fit.lines) - 1) + asc + desc)
    if c.status:
        r = _marker_r(size)
        children.extend(_marker(c.status, x + size - pad - r, y + pad + r, r, ink))
    data = (("row", str(c.row)), ("col", str(c.col))) + ((("status", c.status),) if c.status else ())
    title = c.text + (f" ({c.status})" if c.status else "") if c.text else None
    return Group(children=tuple(children), classes=("cell", c.kind), title=title, data=data), box


def _marker_r(cell: float) -> float:
    """Radius (px) of a status marker in a cell of side ``cell``."""
    return max(4.0, cell * 0.055)


def _marker(status: str, cx: float, cy: float, r: float, ink: str) -> list[Node]:
    ring = Style(stroke=ink, stroke_width=max(1.0, r * 0.3))
    if status == "todo":
        return [Circle(cx, cy, r, ring)]
    if status == "doing":
        half = f"M{cx:.2f} {cy - r:.2f}A{r:.2f} {r:.2f} 0 0 1 {cx:.2f} {cy + r:.2f}Z"
        return [Circle(cx, cy, r, ring), PathNode(half, Style(fill=ink))]
    return [Circle(cx, cy, r, Style(fill=ink)),
            PathNode(f"M{cx - r * 0.5:.2f} {cy:.2f}L{cx - r * 0.1:.2f} {cy + r * 0.4:.2f}"
                     f"L{cx + r * 0.55:.2f} {cy - r * 0.4:.2f}",
                     Style(stroke="#ffffff" if ink != "#ffffff" else "#1f2933", stroke_width=max(1.0, r * 0.3)))]


def _grid_lines(x0: float, y0: float, cell: float, unit: float, theme: Theme) -> Group:
    """Thin background-coloured lines between cells, then heavy ink lines between the 3×3 blocks."""
    side = cell * 9
    lines: list[Node] = []
    for heavy in (False, True):
        style = Style(stroke=theme.ink if heavy else theme.background,
                      stroke_width=(3.0 if heavy else 1.5) * max(unit, 0.6))
        for i in range(10):
            if (i % 3 == 0) == heavy:
                lines.append(PathNode(f"M{x0:.2f} {y0 + i * cell:.2f}H{x0 + side:.2f}", style))
                lines.append(PathNode(f"M{x0 + i * cell:.2f} {y0:.2f}V{y0 + side:.2f}", style))
    return Group(children=tuple(lines), id="grid")


def _status_legend(engine: TextEngine, x: float, y: float, unit: float, ink: str) -> Group:
    size = 18 * unit
    parts: list[Node] = []
    cy = y + 12 * unit
    for status in STATUSES:
        parts.extend(_marker(status, x + 9 * unit, cy, 8 * unit, ink))
        x += 24 * unit
        w = engine.measure(status, size)
        asc = engine.ascent(size)
        base = cy + (asc - engine.descent(size)) / 2
        parts.append(engine.text_node(status, x, base, size, False, ink, "legend"))
        x += w + 26 * unit
    return Group(children=tuple(parts), id="legend")
