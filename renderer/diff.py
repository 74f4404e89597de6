"""Landscape diff: what changed between two versions of a data file.

``compare`` is pure (two model Datasets in, a Comparison out). ``decorate`` takes NEW's
built landscape (laid out exactly as its normal render) and returns its scene with marks:
card classes ``added`` / ``stage-changed`` / ``moved`` / ``renamed``, small badges beside
the card text, ghosts (``<g class="ghost moved|removed">``) and arrows drawn *beneath* the
cards (cards are opaque, so a ghost or arrow never covers a card's text), and a panel
(legend, removed projects, stability) beside the chart, or below it (``--panel bottom``). ``changelog`` is
the Markdown release note. ``read_side`` reads a data file or ``git:REV:path``.

Units: px on the canvas; hints are 0–100.
"""

from __future__ import annotations

import math
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .colors import luminance, mix
from .errors import InputError, Warnings
from .model import Dataset, LayoutRules, Project, Theme, check_groups, load_rules, parse_dataset, parse_rules
from .records import replace
from .scene import Group, Line, Node, Path as PathNode, Rect, Scene, Style, Text, walk
from .text import TextEngine
from .diskcache import save_all
from .yamlio import load_yaml_text

MOVE_THRESHOLD = 5.0  # a hint change of at least this much in x or y (0–100) counts as moved
STABLE_PX = 0.5  # an unchanged card whose box shifts by more than this (px) between renders "moved"
KINDS = ("added", "removed", "stage-changed", "moved", "renamed")
HEADINGS = {"added": "Added", "removed": "Removed", "stage-changed": "Stage changed", "moved": "Moved",
            "renamed": "Renamed"}
COLORS = {"added": "#15803d", "stage-changed": "#b45309", "moved": "#1d4ed8", "removed": "#b91c1c",
          "renamed": "#6d28d9"}
MARK_SIZE = 10.0  # px, badge text
HIDDEN_GHOST = 0.5  # a moved card's ghost this much covered by other cards gets no arrow (it would seem
# to start at the card on top); its badge still says where it came from
PANEL_GAP = 24.0  # px between the band labels and the side panel, or the chart's foot and the bottom one
BOTTOM_TEXT = 1.2  # the bottom panel's text is this much larger (the canvas stays as wide as the chart's)

_WORDS = {
    "en": {"changes": "Changes", "new": "new", "renamed": "renamed", "early": "early", "mature": "mature",
           "added": "Added", "stage-changed": "Stage changed", "moved": "Moved", "removed": "Removed",
           "renamed-h": "Renamed", "added-x": "new project: ring and badge",
           "stage-changed-x": "the badge shows old → new stage",
           "moved-x": "badge: old → new hint; ghost at the old place",
           "removed-x": "ghost where its old place is free",
           "renamed-x": "same URL, new name", "more": "… and {n} more (see the changelog)",
           "stability": "layout: {n} of {m} unchanged cards moved", "none": "no changes",
           "threshold": "moved = hint changed by ≥ {t} (0–100)"},
    "zh-CN": {"changes": "变化", "new": "新", "renamed": "改名", "early": "早期", "mature": "成熟",
              "added": "新增", "stage-changed": "阶段变化", "moved": "移动", "removed": "移除",
              "renamed-h": "改名", "added-x": "新项目：外框与标记",
              "stage-changed-x": "标记显示旧阶段 → 新阶段",
              "moved-x": "标记：旧 → 新坐标；虚影为旧位置", "removed-x": "旧位置空闲时画出虚影",
              "renamed-x": "同一 URL，新名称", "more": "… 另有 {n} 项（见变更日志）",
              "stability": "布局：{n} / {m} 张未变卡片移动了", "none": "无变化",
              "threshold": "移动 = 提示坐标变化 ≥ {t}（0–100）"},
}


# ---------------------------------------------------------------- comparison (pure)


@dataclass(frozen=True)
class Pair:
    """One project present in both versions (matched by name, or by URL when renamed)."""

    old: Project
    new: Project

    @property
    def renamed(self) -> bool:
        """The display name changed."""
        return self.old.name != self.new.name

    @property
    def stage_changed(self) -> bool:
        """early ↔ mature."""
        return self.old.stage != self.new.stage

    def moved(self, threshold: float = MOVE_THRESHOLD) -> bool:
        """Group changed, or a hint changed by at least ``threshold`` (0–100)."""
        return (self.old.group != self.new.group or abs(self.old.x - self.new.x) >= threshold
                or abs(self.old.y - self.new.y) >= threshold)

    @property
    def unchanged(self) -> bool:
        """Same card in the same place: name, group, stage, hints, tags and logo equal."""
        o, n = self.old, self.new
        return (o.name, o.group, o.stage, o.x, o.y, o.tags, o.logo) == (n.name, n.group, n.stage, n.x, n.y, n.tags,
                                                                          n.logo)


@dataclass(frozen=True)
class Comparison:
    """What changed from OLD to NEW; every tuple is in file order (NEW's, or OLD's for removed)."""

    added: tuple[Project, ...]
    removed: tuple[Project, ...]
    pairs: tuple[Pair, ...]
    threshold: float = MOVE_THRESHOLD

    @property
    def renamed(self) -> tuple[Pair, ...]:
        """Pairs whose name changed (matched by URL, or same id with other spelling)."""
        return tuple(p for p in self.pairs if p.renamed)

    @property
    def stage_changed(self) -> tuple[Pair, ...]:
        """Pairs whose stage changed."""
        return tuple(p for p in self.pairs if p.stage_changed)

    @property
    def moved(self) -> tuple[Pair, ...]:
        """Pairs that moved by at least the threshold (or changed group)."""
        return tuple(p for p in self.pairs if p.moved(self.threshold))

    @property
    def relogoed(self) -> tuple[Pair, ...]:
        """Pairs whose logo changed (a new logo can change the card's width; not listed)."""
        return tuple(p for p in self.pairs if p.old.logo != p.new.logo)

    @property
    def nudged(self) -> int:
        """Pairs whose hints changed by less than the threshold (not listed)."""
        return sum(1 for p in self.pairs if not p.moved(self.threshold) and (p.old.x, p.old.y) != (p.new.x, p.new.y))

    @property
    def marks(self) -> dict[str, tuple[str, ...]]:
        """NEW card slug → its marks in KINDS order (cards without changes are left out)."""
        out: dict[str, tuple[str, ...]] = {p.slug: ("added",) for p in self.added}
        for pair in self.pairs:
            kinds = tuple(k for k, on in (("stage-changed", pair.stage_changed), ("moved", pair.moved(self.threshold)),
                                          ("renamed", pair.renamed)) if on)
            if kinds:
                out[pair.new.slug] = kinds
        return out

    @property
    def counts(self) -> dict[str, int]:
        """Number of projects of each kind."""
        return {"added": len(self.added), "removed": len(self.removed), "stage-changed": len(self.stage_changed),
                "moved": len(self.moved), "renamed": len(self.renamed)}


def _url_key(url: str | None) -> str | None:
    """A URL for matching renames: scheme, ``www.``, case, ``.git`` and trailing ``/`` ignored."""
    if not url:
        return None
    key = re.sub(r"^https?://(www\.)?", "", url.strip().lower()).rstrip("/")
    return key[:-4] if key.endswith(".git") else key


def compare(old: Dataset, new: Dataset, threshold: float = MOVE_THRESHOLD) -> Comparison:
    """Match projects by id (slug of the name), then the rest by URL (renames); the others
    are added or removed."""
    old_by_slug = {p.slug: p for p in old.projects}
    new_slugs = {p.slug for p in new.projects}
    pairs: dict[str, Pair] = {p.slug: Pair(old_by_slug[p.slug], p) for p in new.projects if p.slug in old_by_slug}
    left_old = [p for p in old.projects if p.slug not in new_slugs]
    left_new = [p for p in new.projects if p.slug not in old_by_slug]

    def unique(projects: list[Project]) -> dict[str, Project]:
        seen: dict[str, list[Project]] = {}
        for p in projects:
            key = _url_key(p.url)
            if key:
                seen.setdefault(key, []).append(p)
        return {k: v[0] for k, v in seen.items() if len(v) == 1}

    old_urls = unique(left_old)
    renamed_old: set[str] = set()
    for key, p in unique(left_new).items():
        if key in old_urls:
            pairs[p.slug] = Pair(old_urls[key], p)
            renamed_old.add(old_urls[key].slug)
    return Comparison(added=tuple(p for p in left_new if p.slug not in pairs),
                      removed=tuple(p for p in left_old if p.slug not in renamed_old),
                      pairs=tuple(pairs[p.slug] for p in new.projects if p.slug in pairs), threshold=threshold)


def stability(old_boxes: Iterable[Any], new_boxes: Iterable[Any], cmp: Comparison) -> tuple[int, int]:
    """(moved, total): unchanged cards whose box differs by more than STABLE_PX between
    OLD's and NEW's normal renders (both with NEW's layout)."""
    before = {b.id: b for b in old_boxes if b.kind == "card"}
    after = {b.id: b for b in new_boxes if b.kind == "card"}
    same = [p.new.slug for p in cmp.pairs if p.unchanged]
    moved = sum(1 for s in same
                if abs(before[s].x - after[s].x) > STABLE_PX or abs(before[s].y - after[s].y) > STABLE_PX)
    return moved, len(same)


# ---------------------------------------------------------------- reading OLD and NEW


@dataclass(frozen=True)
class Side:
    """One version: its data, the layout it names, and a short label for the picture."""

    spec: str
    label: str
    data: Dataset
    layout_name: str  # path or git:REV:path of its layout file
    rules: LayoutRules
    logos: Path  # its logo folder (in the work tree)


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError("git is not installed; pass the file instead of git:REV:path", "git") from None


def _git_blobs(spec: str, rev: str, paths: list[str], cwd: Path) -> tuple[Path, list[str | None]]:
    """The repository top and the text of each path at ``rev`` (None when the path is missing)."""
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise InputError(f"{cwd} is not inside a git repository", spec)
    found = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd)
    if found.returncode != 0 or not rev:
        raise InputError(f"unknown git revision {rev!r}", spec)
    commit = found.stdout.decode().strip()
    batch = _git(["cat-file", "--batch"], cwd, "".join(f"{commit}:{p}\n" for p in paths).encode())
    out: list[str | None] = []
    data = batch.stdout
    for _ in paths:
        head, _, data = data.partition(b"\n")
        if head.endswith(b" missing") or b" blob " not in head:
            out.append(None)
            continue
        size = int(head.rsplit(b" ", 1)[1])
        blob, data = data[:size], data[size + 1:]
        try:
            out.append(blob.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text (byte {exc.start})", spec) from None
    return Path(top.stdout.decode().strip()), out


def read_side(spec: str, layout: Path | None, lang: str | None, warnings: Warnings,
              cwd: Path | None = None) -> Side:
    """A data file or ``git:REV:path`` (read with ``git cat-file``; the work tree is not
    touched), with its layout: ``layout`` when given, else the layout file beside it (for
    ``git:`` the one at the same revision when it exists there)."""
    from .jobs import Job, data_inputs, default_layout, default_logos

    cwd = cwd or Path.cwd()
    if not spec.startswith("git:"):
        raw, rules_path, logos = data_inputs(Job(kind="landscape", source=Path(spec), out_dir=cwd, layout=layout))
        rules = load_rules(rules_path, lang, warnings)
        return Side(spec, Path(spec).name, parse_dataset(raw, spec, rules.lang, warnings), str(rules_path), rules,
                    logos)
    rev, sep, path = spec[4:].partition(":")
    if not sep or not path:
        raise InputError("expected git:REV:path, e.g. git:HEAD~1:data/ai-infra.yaml", spec)
    relative = path.startswith(("./", "../"))
    layout_git = str(Path(path).parent.parent / "layouts" / Path(path).name)
    if relative:
        layout_git = "./" + layout_git if not layout_git.startswith(".") else layout_git
    top, (text, layout_text) = _git_blobs(spec, rev, [path, layout_git], cwd)
    if text is None:
        raise InputError(f"no file {path!r} in git revision {rev!r}", spec)
    work = (cwd if relative else top) / path  # where the file lives in the work tree
    if layout is not None:
        rules, layout_name = load_rules(layout, lang, warnings), str(layout)
    elif layout_text is not None:
        layout_name = f"git:{rev}:{layout_git}"
        try:
            rules = parse_rules(load_yaml_text(layout_text, layout_name), layout_name, lang, warnings)
        except InputError as exc:
            raise InputError(f"{exc.message} (the layout at revision {rev}; --layout FILE draws both versions "
                             f"with one layout)", exc.file, exc.line) from None
    else:
        found = default_layout(work)
        rules, layout_name = load_rules(found, lang, warnings), str(found)
    data = parse_dataset(load_yaml_text(text, spec), spec, rules.lang, warnings)
    return Side(spec, f"{rev}:{Path(path).name}", data, layout_name, rules, default_logos(work))


def layout_difference(old: LayoutRules, new: LayoutRules) -> tuple[str, int | None] | None:
    """What makes two layouts place cards differently (groups, bands, strips, split lines), and
    the line of NEW's layout it concerns when known, or None."""
    if set(old.groups) != set(new.groups):
        only_old = sorted(set(old.groups) - set(new.groups))
        only_new = sorted(set(new.groups) - set(old.groups))
        parts = ([f"only OLD has group(s) {', '.join(only_old)}"] if only_old else []) + \
                ([f"only NEW has group(s) {', '.join(only_new)}"] if only_new else [])
        return "; ".join(parts), None
    old_bands = [(b.groups, b.y0, b.y1) for b in old.bands]
    new_bands = [(b.groups, b.y0, b.y1) for b in new.bands]
    if old_bands != new_bands:
        for a, b in zip(old.bands, new.bands):
            if (a.groups, a.y0, a.y1) != (b.groups, b.y0, b.y1):
                return (f"band {b.label!r} holds {', '.join(a.groups)} at y {a.y0:g}–{a.y1:g} in OLD but "
                        f"{', '.join(b.groups)} at y {b.y0:g}–{b.y1:g} in NEW"), b.line
        return f"OLD has {len(old.bands)} bands, NEW {len(new.bands)}", None
    if [s.groups for s in old.strips] != [s.groups for s in new.strips]:
        return "their strips hold different groups", None
    if (old.split_x, old.split_y) != (new.split_x, new.split_y):
        return f"split lines at {old.split_x:g}/{old.split_y:g} in OLD but {new.split_x:g}/{new.split_y:g} in NEW", None
    return None


def check_same_layout(old: Side, new: Side, warnings: Warnings) -> None:
    """OLD's positions are drawn in NEW's layout: the two must place cards alike. Cosmetic
    differences (colours, labels, sizes) are allowed with a warning; NEW's layout is used."""
    if old.layout_name == new.layout_name:
        return
    found = layout_difference(old.rules, new.rules)
    if found:
        what, line = found
        raise InputError(f"OLD and NEW use different layouts ({old.layout_name} vs {new.layout_name}): {what}; "
                         f"pass --layout FILE to draw both with one layout", new.layout_name, line)
    if old.rules != replace(new.rules, path=old.rules.path):
        warnings.add(f"OLD's layout {old.layout_name} differs from NEW's {new.layout_name} in looks only; "
                     f"NEW's is used for both")


# ---------------------------------------------------------------- changelog


def _band_order(rules: LayoutRules) -> list[tuple[str, tuple[str, ...]]]:
    """(label, groups) of the strips, then the bands top to bottom, then groups in no band."""
    out = [(s.label, s.groups) for s in rules.strips] + [(b.label, b.groups) for b in sorted(rules.bands,
                                                                                               key=lambda b: -b.y1)]
    placed = {g for _, gs in out for g in gs}
    out += [(rules.groups[g].label, (g,)) for g in rules.groups if g not in placed]
    return out


def _hint(v: float) -> str:
    return f"{v:g}"


def _hint_moves(pair: Pair, at_least: float) -> list[str]:
    """``x 78 → 64`` for each hint (0–100) of ``pair`` that changed (by at least ``at_least``)."""
    o, n = pair.old, pair.new
    return [f"{axis} {_hint(a)} → {_hint(b)}" for axis, a, b in (("x", o.x, n.x), ("y", o.y, n.y))
            if a != b and abs(a - b) >= at_least]


_LOG_WORDS = {
    "en": {"title": "{title}: changes", "projects": "{n} projects",
           "summary": "{a} added, {r} removed, {s} stage changed, {m} moved, {n} renamed.",
           "from": "From `{old}` ({o}) to `{new}` ({p}): ", "was": "was {where}", "same-url": "same project URL {url}",
           "group": "group {a} → {b}", "none": "No changes.",
           "stability": "Layout stability: {n} of {m} unchanged cards moved on the canvas{share} (drawn with "
                        "the same layout; a move is more than {px} px).",
           "nudged": "Hint changes smaller than the moved threshold ({t} on the 0–100 scale), not listed: {n}.",
           "logos": "Logo changed, not listed (the card may change width): {names}."},
    "zh-CN": {"title": "{title}：变化", "projects": "{n} 个项目",
              "summary": "新增 {a}，移除 {r}，阶段变化 {s}，移动 {m}，改名 {n}。",
              "from": "从 `{old}`（{o}）到 `{new}`（{p}）：", "was": "原为 {where}", "same-url": "项目 URL 相同 {url}",
              "group": "分组 {a} → {b}", "none": "无变化。",
              "stability": "布局稳定性：{m} 张未变卡片中有 {n} 张在画布上移动了{share}（用同一布局绘制；"
                           "移动指超过 {px} px）。",
              "nudged": "小于移动阈值（0–100 坐标上 {t}）的提示坐标变化未列出：{n}。",
              "logos": "标志已更换、未列出（卡片宽度可能变化）：{names}。"},
}


def changelog(cmp: Comparison, rules: LayoutRules, old: Side, new: Side, stable: tuple[int, int]) -> str:
    """The Markdown release note: Added, Removed, Stage changed, Moved, Renamed, grouped by band.
    The headings are always these English words (tools look for them); the rest is in the
    layout's language (English or Chinese)."""
    c, w = cmp.counts, _LOG_WORDS.get(rules.lang, _LOG_WORDS["en"])
    stage = _WORDS.get(rules.lang, _WORDS["en"])

    def where(p: Project) -> str:
        return f"{stage[p.stage]}, x {_hint(p.x)} · y {_hint(p.y)}"

    def moves(pair: Pair) -> str:
        o, n = pair.old, pair.new
        parts = [w["group"].format(a=rules.groups[o.group].label, b=rules.groups[n.group].label)] \
            if o.group != n.group else []
        return ", ".join(parts + _hint_moves(pair, 0.0))

    def group(p: Project) -> str:
        return rules.groups[p.group].label

    lines = ["# " + w["title"].format(title=new.data.title), "",
             w["from"].format(old=old.spec, new=new.spec, o=w["projects"].format(n=len(old.data.projects)),
                              p=w["projects"].format(n=len(new.data.projects)))
             + w["summary"].format(a=c["added"], r=c["removed"], s=c["stage-changed"], m=c["moved"], n=c["renamed"]),
             ""]
    sections: dict[str, list[tuple[Project, str]]] = {
        "added": [(p, f"**{p.name}** ({group(p)}): {where(p)}") for p in cmp.added],
        "removed": [(p, f"**{p.name}** ({group(p)}): {w['was'].format(where=where(p))}") for p in cmp.removed],
        "stage-changed": [(x.new, f"**{x.new.name}** ({group(x.new)}): {stage[x.old.stage]} → {stage[x.new.stage]}")
                          for x in cmp.stage_changed],
        "moved": [(x.new, f"**{x.new.name}** ({group(x.new)}): {moves(x)}") for x in cmp.moved],
        "renamed": [(x.new, f"**{x.old.name}** → **{x.new.name}**"
                     + (f" ({group(x.new)}), " + w["same-url"].format(url=x.new.url) if x.new.url else ""))
                    for x in cmp.renamed],
    }
    order = _band_order(rules)
    for kind in ("added", "removed", "stage-changed", "moved", "renamed"):
        items = sections[kind]
        if not items:
            continue
        lines += [f"## {HEADINGS[kind]}", ""]
        for label, groups in order:
            here = [text for p, text in items if p.group in groups]
            if here:
                lines += [f"**{label}**", ""] + [f"- {t}" for t in here] + [""]
    if not any(sections.values()):
        lines += [w["none"], ""]
    moved, total = stable
    share = f" ({100 * moved / total:.1f}%)" if total else ""
    lines += ["---", "", w["stability"].format(n=moved, m=total, share=share, px=f"{STABLE_PX:g}")]
    if cmp.nudged:
        lines.append(w["nudged"].format(t=f"{cmp.threshold:g}", n=cmp.nudged))
    if cmp.relogoed:
        lines.append(w["logos"].format(names=", ".join(x.new.name for x in cmp.relogoed)))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- decoration


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 px


def _hits(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _grow(b: Box, d: float) -> Box:
    return b[0] - d, b[1] - d, b[2] + d, b[3] + d


def _text_box(t: Text) -> Box:
    x, y, w, h = t.box
    return x, y, x + w, y + h


class _Index:
    """Boxes (px) bucketed in square cells, so a query looks only at the boxes near it."""

    CELL = 160.0  # px

    def __init__(self, boxes: Iterable[Box] = ()) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}
        for box in boxes:
            self.add(box)

    def _keys(self, box: Box) -> list[tuple[int, int]]:
        c = self.CELL
        return [(i, j) for i in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1)
                for j in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1)]

    def add(self, box: Box) -> None:
        """Index ``box``."""
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)

    def near(self, box: Box) -> list[Box]:
        """The indexed boxes sharing a cell with ``box`` (each once, in insertion order per cell)."""
        seen: dict[Box, None] = {}
        for key in self._keys(box):
            for other in self.cells.get(key, ()):
                seen.setdefault(other, None)
        return list(seen)


def _near_segment(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], d: tuple[float, float],
                  tol: float = 3.0) -> bool:
    """Whether segments ab and cd (px) run along each other: within ``tol`` px of one line, their
    spans overlapping."""
    ux, uy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(ux, uy) or 1.0
    ux, uy = ux / length, uy / length
    off = [(p[0] - a[0]) * -uy + (p[1] - a[1]) * ux for p in (c, d)]
    along = sorted((p[0] - a[0]) * ux + (p[1] - a[1]) * uy for p in (c, d))
    return all(abs(o) <= tol for o in off) and along[1] > 0 and along[0] < length


def _edge_point(box: Box, tx: float, ty: float) -> tuple[float, float]:
    """Where the ray from ``box``'s centre towards (tx, ty) leaves the box."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    dx, dy = tx - cx, ty - cy
    hw, hh = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    k = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
    return cx + dx * k, cy + dy * k


class _Decorator:
    def __init__(self, result: Any, cmp: Comparison, old: Dataset, new: Dataset, rules: LayoutRules,
                 text: TextEngine, theme: Theme, labels: tuple[str, str], stable: tuple[int, int],
                 warnings: Warnings, placement: str = "side") -> None:
        self.result = result
        self.placement = placement
        self.cmp = cmp
        self.rules = rules
        self.text = text
        self.theme = theme
        self.labels = labels
        self.stable = stable
        self.warnings = warnings
        self.words = _WORDS.get(rules.lang, _WORDS["en"])
        self.project = {p.slug: p for p in new.projects}
        self.pair_of = {pair.new.slug: pair for pair in cmp.pairs}
        self.old_of = {slug: pair.old for slug, pair in self.pair_of.items()}
        self.kinds = cmp.marks
        self.boxes: dict[str, Box] = {b.id: (b.x, b.y, b.x + b.w, b.y + b.h) for b in result.boxes if b.kind == "card"}
        self.strip_of = {g: s for s in rules.strips for g in s.groups}
        self.strip_rows: dict[str, tuple[float, float]] = {}
        for slug, box in self.boxes.items():
            strip = self.strip_of.get(self.project[slug].group)
            if strip is not None:
                top, bottom = self.strip_rows.get(strip.id, (box[1], box[3]))
                self.strip_rows[strip.id] = (min(top, box[1]), max(bottom, box[3]))
        self.marks = _Index()  # badges and ghosts placed so far
        self.cards = _Index(self.boxes.values())
        self.slug_of = {b: slug for slug, b in self.boxes.items()}
        self.arrows: list[tuple[tuple[float, float], tuple[float, float]]] = []  # move arrows drawn so far

    # ------------------------------------------------------------ geometry

    def point(self, group: str, x: float, y: float) -> tuple[float, float] | None:
        """Canvas point (px) of a 0–100 hint in NEW's layout (strips: within their cards' rows)."""
        strip = self.strip_of.get(group)
        px, py = self.result.hint_to_px(group, x, y)
        if strip is None:
            return px, py
        rows = self.strip_rows.get(strip.id)
        if rows is None:
            return None
        top, bottom = rows
        h = self.rules.card.height
        return px, top + h / 2 + (1 - y / 100) * (bottom - top - h)

    def obstacles(self, scene: Scene) -> list[Box]:
        """Every text and logo box of the picture: marks never cover them."""
        c = self.rules.card
        out = [_text_box(t) for t in walk(scene.children) if isinstance(t, Text)]
        for x0, y0, x1, y1 in self.boxes.values():
            ly = y0 + (y1 - y0 - c.logo_size) / 2
            out.append((x0 + c.padding - 1, ly - 1, x0 + c.padding + c.logo_size + 1, ly + c.logo_size + 1))
        return out

    def free(self, box: Box, hard: list[Box], soft: list[Box]) -> bool:
        """``box`` inside the canvas and clear of ``hard`` and ``soft`` boxes and earlier marks."""
        width, height = self.result.scene.width, self.result.scene.height
        if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height:
            return False
        return not any(_hits(box, o) for o in self.marks.near(box)) and not any(_hits(box, o) for o in hard) \
            and not any(_hits(box, o) for o in soft)

    # ------------------------------------------------------------ pieces

    def label(self, text: str, x: float, baseline: float, size: float, fill: str, bold: bool = False,
              role: str = "diff") -> Text:
        """Outlined text with its left end at x (px)."""
        return self.text.text_node(text, x, baseline, size, bold, fill, role, owner=text)

    def pill(self, text: str, color: str, x: float, y: float) -> tuple[list[Node], Box]:
        """A badge with its top-left corner at (x, y) px, and its box."""
        w, h = self.pill_size(text)
        asc, desc = self.text.ascent(MARK_SIZE, True), self.text.descent(MARK_SIZE, True)
        base = y + (h + asc - desc) / 2
        return ([Rect(x, y, w, h, Style(fill=color, stroke=self.theme.background, stroke_width=1.0), rx=h / 2),
                 self.label(text, x + 4, base, MARK_SIZE, "#ffffff", True, "diff-badge")], (x, y, x + w, y + h))

    def pill_size(self, text: str) -> tuple[float, float]:
        """Badge width and height (px)."""
        asc, desc = self.text.ascent(MARK_SIZE, True), self.text.descent(MARK_SIZE, True)
        return self.text.measure(text, MARK_SIZE, True, owner=text) + 8, asc + desc + 2

    def place_badge(self, slug: str, text: str, color: str, hard: _Index) -> list[Node]:
        """A badge straddling the card's top or bottom edge (or just outside it) where it covers
        no text, logo or other mark; other cards' outlines are avoided when possible."""
        x0, y0, x1, y1 = self.boxes[slug]
        w, h = self.pill_size(text)
        near = _grow((x0, y0, x1, y1), max(w, h) + 12)
        hard_near = [o for o in hard.near(near) if _hits(o, near)]
        others = [self.outer(s) for s in self.slugs_near(near) if s != slug]
        candidates = [(hx, vy) for vy in (y0 - h / 2, y1 - h / 2, y0 - h + 3, y1 - 3, y0 - h - 1, y1 + 1)
                      for hx in (x1 - w - 6, x0 + 4, (x0 + x1 - w) / 2, x1 - w / 2, x0 - w / 2)]
        for soft in (others, []):
            for hx, vy in candidates:
                box = (hx, vy, hx + w, vy + h)
                if self.free(box, hard_near, soft):
                    nodes, placed = self.pill(text, color, hx, vy)
                    self.marks.add(placed)
                    return [Group(children=tuple(nodes), classes=("mark",), data=(("for", slug),))]
        self.warnings.add(f"diff: no room for the {text!r} badge of {self.project[slug].name!r}; "
                          f"its card is marked by class only")
        return []

    def line_color(self, kind: str) -> str:
        """Stroke colour of a mark (rings, ghosts, arrows): lighter on a dark background; removed
        ghosts are faint."""
        color = COLORS[kind]
        if luminance(self.theme.background) < 0.2:
            color = mix(color, "#ffffff", 0.45)
        return mix(color, self.theme.background, 0.45) if kind == "removed" else color

    def outer(self, slug: str) -> Box:
        """A card's box with its ring, when it has one (px)."""
        box = self.boxes[slug]
        return _grow(box, self.rules.gap / 2) if "added" in self.kinds.get(slug, ()) else box

    def ring(self, x0: float, y0: float, x1: float, y1: float) -> Rect:
        """The ring of an added card: just outside its outline, inside half the gap."""
        off = max(1.5, self.rules.gap / 2 - 1.3)
        return Rect(x0 - off, y0 - off, x1 - x0 + 2 * off, y1 - y0 + 2 * off,
                    Style(stroke=self.line_color("added"), stroke_width=1.6), rx=self.rules.card.radius + off)

    def ghost_moved(self, pair: Pair) -> list[Node]:
        """A faint outline at the old position and a thin arrow to the card (drawn beneath cards)."""
        slug = pair.new.slug
        was = self.point(pair.old.group, pair.old.x, pair.old.y)
        now = self.point(pair.new.group, pair.new.x, pair.new.y)
        if was is None or now is None:
            return []
        x0, y0, x1, y1 = self.boxes[slug]
        dx, dy = was[0] - now[0], was[1] - now[1]
        ghost = (x0 + dx, y0 + dy, x1 + dx, y1 + dy)
        color = self.line_color("moved")
        nodes: list[Node] = [Rect(ghost[0], ghost[1], x1 - x0, y1 - y0,
                                  Style(stroke=color, stroke_width=1.1, dash="3 3", opacity=0.55),
                                  rx=self.rules.card.radius)]
        self.marks.add(ghost)
        card = (x0, y0, x1, y1)
        start = _edge_point(ghost, (x0 + x1) / 2, (y0 + y1) / 2)
        end = _edge_point(card, (ghost[0] + ghost[2]) / 2, (ghost[1] + ghost[3]) / 2)
        length = math.hypot(end[0] - start[0], end[1] - start[1])
        if not _hits(ghost, card) and length > 10 and self.hidden(ghost, slug) <= HIDDEN_GHOST:
            ux, uy = (end[0] - start[0]) / length, (end[1] - start[1]) / length
            shift = self.apart(start, end, (-uy, ux), min(y1 - y0, ghost[3] - ghost[1]) / 2 - 4)
            start, end = (start[0] + shift[0], start[1] + shift[1]), (end[0] + shift[0], end[1] + shift[1])
            self.arrows.append((start, end))
            bx, by = end[0] - 7 * ux, end[1] - 7 * uy
            nodes.append(Line(start[0], start[1], bx, by, Style(stroke=color, stroke_width=1.2, opacity=0.7)))
            nodes.append(PathNode(d=f"M{end[0]:.2f} {end[1]:.2f}L{bx - 3.5 * uy:.2f} {by + 3.5 * ux:.2f}"
                                    f"L{bx + 3.5 * uy:.2f} {by - 3.5 * ux:.2f}Z",
                                  style=Style(fill=color, opacity=0.7)))
        title = f"{pair.new.name}: {self.words['moved']}: {self.move_badge(pair)}"
        return [Group(children=tuple(nodes), id=f"ghost-{slug}", classes=("ghost", "moved"), title=title,
                      data=(("for", slug),))]

    def apart(self, start: tuple[float, float], end: tuple[float, float], normal: tuple[float, float],
              room: float) -> tuple[float, float]:
        """Offset (px) along ``normal`` that keeps an arrow from lying on an earlier one (two cards
        that swapped places would draw one double-headed line): 0, else ±6 px within ``room``."""
        def on_top(a: tuple[float, float], b: tuple[float, float]) -> bool:
            return any(_near_segment(a, b, c, d) for c, d in self.arrows)

        for k in (0.0, 6.0, -6.0):
            k = max(-room, min(room, k))
            dx, dy = normal[0] * k, normal[1] * k
            if not on_top((start[0] + dx, start[1] + dy), (end[0] + dx, end[1] + dy)):
                return dx, dy
        return 0.0, 0.0

    def slugs_near(self, box: Box) -> list[str]:
        """Slugs of the cards whose boxes touch ``box`` (px)."""
        return [self.slug_of[b] for b in self.cards.near(box) if _hits(b, box)]

    def hidden(self, box: Box, slug: str) -> float:
        """Share of ``box`` that other cards cover (cards never overlap, so their areas add up)."""
        area = (box[2] - box[0]) * (box[3] - box[1])
        own = self.boxes[slug]
        covered = sum(max(0.0, min(box[2], b[2]) - max(box[0], b[0])) * max(0.0, min(box[3], b[3]) - max(box[1], b[1]))
                      for b in self.cards.near(box) if b != own)
        return covered / area if area > 0 else 1.0

    def where(self, p: Project) -> str:
        """Stage and hints, in the picture's language."""
        return f"{self.words[p.stage]}, x {_hint(p.x)} · y {_hint(p.y)}"

    def move_badge(self, pair: Pair) -> str:
        """The badge of a moved card: its old group, and each hint that moved by the threshold."""
        o, n = pair.old, pair.new
        parts = [f"{self.rules.groups[o.group].label} →"] if o.group != n.group else []
        return " · ".join(parts + _hint_moves(pair, self.cmp.threshold))

    def ghost_removed(self, p: Project, hard: _Index) -> list[Node]:
        """A ghost card with the name struck through at the old hint, when that place (or one a
        few px beside it, in the same band and quadrant) is free."""
        at = self.point(p.group, p.x, p.y)
        if at is None:
            return []
        c = self.rules.card
        size = c.font_size
        while self.text.measure(p.name, size, owner=p.name) > c.max_label_width and size > c.min_font_size:
            size -= 0.5
        tw = self.text.measure(p.name, size, owner=p.name)
        w, h = max(c.min_width, tw + 2 * c.padding), c.height
        x_lo, y_lo, x_hi, y_hi = self.result.chart
        span = self.result.band_span(p.group)
        if span is not None:
            y_lo, y_hi = span
        sx, sy = self.result.split  # stay in the old hint's quadrant
        x_lo, x_hi = (sx, x_hi) if at[0] >= sx else (x_lo, sx)
        y_lo, y_hi = (y_lo, min(y_hi, sy)) if at[1] < sy else (max(y_lo, sy), y_hi)
        for dx in sorted(range(-64, 65, 8), key=abs):
            x, y = at[0] - w / 2 + dx, at[1] - h / 2
            box = (x, y, x + w, y + h)
            if p.group not in self.strip_of and (x < x_lo or x + w > x_hi or y < y_lo or y + h > y_hi):
                continue
            near = _grow(box, self.rules.gap / 2)
            if self.free(box, hard.near(box), [_grow(b, self.rules.gap / 2) for b in self.cards.near(near)]):
                break
        else:
            return []
        self.marks.add(box)
        color = self.line_color("removed")
        asc, desc = self.text.ascent(size), self.text.descent(size)
        base = y + (h + asc - desc) / 2
        name = self.label(p.name, x + c.padding, base, size, mix(self.theme.muted, self.theme.background, 0.25),
                          role="diff-ghost")
        strike = base - (asc - desc) / 2 + desc * 0.2
        nodes: list[Node] = [
            Rect(x, y, w, h, Style(fill=self.theme.background, stroke=color, stroke_width=1.1, dash="3 3"),
                 rx=c.radius),
            name,
            Line(x + c.padding - 2, strike, x + c.padding + tw + 2, strike, Style(stroke=color, stroke_width=1.0))]
        group = self.rules.groups[p.group].label
        return [Group(children=tuple(nodes), id=f"removed-{p.slug}", classes=("ghost", "removed"),
                      title=f"{self.words['removed']}: {p.name} ({group}; {self.where(p)})", data=(("for", p.slug),))]

    def mark_card(self, card: Node) -> Node:
        """The card group with its change classes, its tooltip extended, and a ring when added."""
        if not isinstance(card, Group) or card.id not in self.boxes:
            return card
        kinds = self.kinds.get(card.id, ())
        if not kinds:
            return card
        children = card.children
        if "added" in kinds:
            children = children[:1] + (self.ring(*self.boxes[card.id]),) + children[1:]
        pair, w = self.pair_of.get(card.id), self.words
        notes = {"added": w["new"], "moved": f"{w['moved']}: {self.move_badge(pair)}" if pair else "",
                 "stage-changed": f"{w[pair.old.stage]} → {w[pair.new.stage]}" if pair else "",
                 "renamed": f"{w['renamed']}: {pair.old.name}" if pair else ""}
        title = (card.title or "") + "".join(f" · {notes[k]}" for k in kinds)
        return replace(card, children=children, classes=card.classes + kinds, title=title)

    # ------------------------------------------------------------ panel

    def panel(self, x0: float, top: float, width: float | None = None) -> tuple[list[Node], float, float]:
        """Legend, removed list and stability from (x0, top) px; returns nodes, width, bottom.
        With ``width`` (px) the panel lies below the chart in columns — title and footer, legend,
        removed list — its text ``BOTTOM_TEXT`` times larger; without, it is one column beside it."""
        k = 1.0 if width is None else BOTTOM_TEXT
        pad = 14.0
        x, y = x0 + pad, top + pad
        head, head_w, head_bottom = self.title_block(x, y, k)
        legend, legend_w, legend_bottom = self.legend_block(x, head_bottom, k)
        if width is None:
            limit = self.result.scene.height - self.rules.margin - 3 * 18 - pad
            removed, removed_w, removed_bottom = self.removed_block(x, legend_bottom + 12, k, limit, None)
            foot, foot_w, foot_bottom = self.footer_block(x, removed_bottom + 8, k)
            inner = max(head_w, legend_w, removed_w, foot_w)
            w, bottom = min(inner + 2 * pad, 460.0), foot_bottom + pad
        else:
            foot, foot_w, foot_bottom = self.footer_block(x, head_bottom + 6, k)
            col = max(head_w, foot_w) + 2 * pad
            legend, legend_w, legend_bottom = self.legend_block(x + col, y - 10, k)
            rx = x + col + legend_w + 2 * pad
            limit = max(legend_bottom, foot_bottom, y + 6 * 18 * k)
            removed, removed_w, removed_bottom = self.removed_block(rx, y + 4, k, limit, x0 + width - pad)
            w, bottom = width, max(foot_bottom, legend_bottom, removed_bottom) + pad
        t = self.theme
        back = Rect(x0, top, w, bottom - top, Style(fill=t.shade, stroke=mix(t.line, t.background, 0.7),
                                                   stroke_width=1.0), rx=8)
        return [back] + head + legend + removed + foot, w, bottom

    def title_block(self, x: float, y: float, k: float) -> tuple[list[Node], float, float]:
        """"Changes" and ``old → new`` from (x, y) px at text scale ``k``: nodes, width, bottom."""
        t, words = self.theme, self.words
        base = y + self.text.ascent(17 * k, True)
        nodes = [self.label(words["changes"], x, base, 17 * k, t.ink, True, "diff-panel")]
        base += self.text.descent(17 * k, True) + 4 + self.text.ascent(12 * k)
        nodes.append(self.label(self.subtitle(), x, base, 12 * k, t.muted, role="diff-panel"))
        w = max(self.text.measure(words["changes"], 17 * k, True), self.text.measure(self.subtitle(), 12 * k))
        return nodes, w, base + 14 * k

    def legend_block(self, x: float, y: float, k: float) -> tuple[list[Node], float, float]:
        """One sample, heading and note per kind of change present: nodes, width, bottom (px)."""
        words, t, counts = self.words, self.theme, self.cmp.counts
        rows = [(kind, f"{words['renamed-h' if kind == 'renamed' else kind]} ({counts[kind]})", words[f"{kind}-x"])
                for kind in KINDS if counts[kind]]
        sample = {"added": words["new"], "stage-changed": f"{words['early']} → {words['mature']}",
                  "renamed": words["renamed"]}
        sample_w = max(70.0, *(self.pill_size(v)[0] + 10 for v in sample.values()))
        nodes: list[Node] = []
        if not rows:
            nodes.append(self.label(words["none"], x, y + 12 * k, 12.5 * k, t.ink, role="diff-panel"))
            return nodes, self.text.measure(words["none"], 12.5 * k), y + 20 * k
        width = 0.0
        for kind, head, note in rows:
            y += 10
            nodes.extend(self.sample(kind, x, y + (k - 1) * 8, sample_w - 10, 24, sample.get(kind, "")))
            nodes.append(self.label(head, x + sample_w, y + 10 * k, 12.5 * k, t.ink, True, "diff-panel"))
            nodes.append(self.label(note, x + sample_w, y + 24 * k, 11 * k, t.muted, role="diff-panel"))
            width = max(width, sample_w + max(self.text.measure(head, 12.5 * k, True), self.text.measure(note, 11 * k)))
            y += 28 * k
        return nodes, width, y

    def removed_block(self, x: float, y: float, k: float, limit: float, right: float | None
                      ) -> tuple[list[Node], float, float]:
        """The removed projects from (x, y) px, down to ``limit`` px; with ``right`` (px) further
        columns up to it, then "… and N more": nodes, width, bottom."""
        removed, t = self.cmp.removed, self.theme
        if not removed:
            return [], 0.0, y
        step, size = 18 * k, 12 * k
        y += 8 * k
        nodes: list[Node] = [self.label(self.words["removed"], x, y, 12.5 * k, t.ink, True, "diff-panel")]
        top, x_col, width, col_w, bottom = y, x, self.text.measure(self.words["removed"], 12.5 * k, True), 0.0, y
        for i, p in enumerate(removed):
            line = self.removed_line(p)
            lw = self.text.measure(line, size) + 14 * k
            if y + step > limit and right is not None and x_col + col_w + 24 + lw <= right:
                x_col, y, col_w = x_col + col_w + 24, top, 0.0  # a new column
            y += step
            if y > limit and i < len(removed) - 1:
                nodes.append(self.label(self.words["more"].format(n=len(removed) - i), x_col, y, 11 * k, t.muted,
                                        role="diff-panel"))
                col_w = max(col_w, self.text.measure(self.words["more"].format(n=len(removed) - i), 11 * k))
                bottom = max(bottom, y)
                break
            nodes.append(Rect(x_col, y - 8 * k, 8 * k, 8 * k, Style(fill=self.rules.groups[p.group].color), rx=4 * k))
            nodes.append(self.label(line, x_col + 14 * k, y, size, t.ink, role="diff-panel"))
            col_w, bottom = max(col_w, lw), max(bottom, y)
            width = max(width, x_col - x + col_w)
        return nodes, width, bottom + 6 * k

    def footer_block(self, x: float, y: float, k: float) -> tuple[list[Node], float, float]:
        """The threshold and stability lines from (x, y) px: nodes, width, bottom."""
        nodes: list[Node] = []
        width = 0.0
        for line in self.footer():
            y += 18 * k
            nodes.append(self.label(line, x, y, 11 * k, self.theme.muted, role="diff-panel"))
            width = max(width, self.text.measure(line, 11 * k))
        return nodes, width, y

    def subtitle(self) -> str:
        """``old → new`` labels."""
        return f"{self.labels[0]} → {self.labels[1]}"

    def removed_line(self, p: Project) -> str:
        """One entry of the removed list."""
        return f"{p.name} · {self.rules.groups[p.group].label}"

    def footer(self) -> list[str]:
        """Threshold and stability lines."""
        moved, total = self.stable
        return [self.words["threshold"].format(t=f"{self.cmp.threshold:g}"),
                self.words["stability"].format(n=moved, m=total)]

    def sample(self, kind: str, x: float, y: float, w: float, h: float, text: str) -> list[Node]:
        """The legend sample of a mark inside (x, y, w, h) px."""
        t = self.theme
        card = Style(fill=t.background, stroke=t.line, stroke_width=1.2)
        if kind == "added":
            out: list[Node] = [Rect(x + 3, y + 5, w - 6, h - 5, card, rx=5), self.ring(x + 3, y + 5, x + w - 3, y + h)]
            pw, ph = self.pill_size(text)
            return out + self.pill(text, COLORS["added"], x + w - pw - 2, y + 5 - ph / 2)[0]
        if kind in ("stage-changed", "renamed"):
            pw, ph = self.pill_size(text)
            return self.pill(text, COLORS[kind], x, y + (h - ph) / 2 + 2)[0]
        if kind == "moved":
            color = self.line_color("moved")
            return [Rect(x, y + 6, 18, h - 8, Style(stroke=color, stroke_width=1.1, dash="3 3", opacity=0.55), rx=4),
                    Line(x + 19, y + h / 2 + 2, x + w - 25, y + h / 2 + 2,
                         Style(stroke=color, stroke_width=1.2, opacity=0.7)),
                    PathNode(d=f"M{x + w - 18:.2f} {y + h / 2 + 2:.2f}l-7 -3.5l0 7Z",
                             style=Style(fill=color, opacity=0.7)),
                    Rect(x + w - 18, y + 6, 18, h - 8, card, rx=4)]
        color = self.line_color("removed")
        return [Rect(x, y + 6, w, h - 8, Style(fill=t.background, stroke=color, stroke_width=1.1, dash="3 3"), rx=4),
                Line(x + 8, y + h / 2 + 2, x + w - 8, y + h / 2 + 2, Style(stroke=color, stroke_width=1.0))]

    # ------------------------------------------------------------ all together

    def build(self) -> Scene:
        """NEW's scene with every mark, ghost, arrow and the panel."""
        scene = self.result.scene
        hard = _Index(self.obstacles(scene))
        ghosts: list[Node] = []
        for pair in self.cmp.moved:
            ghosts += self.ghost_moved(pair)
        removed: list[Node] = []
        for p in self.cmp.removed:
            removed += self.ghost_removed(p, hard)
        badges: list[Node] = []
        words = self.words
        for p in self.project.values():
            kinds = self.kinds.get(p.slug, ())
            if "added" in kinds:
                badges += self.place_badge(p.slug, words["new"], COLORS["added"], hard)
            if "stage-changed" in kinds:
                old = self.old_of[p.slug]
                badges += self.place_badge(p.slug, f"{words[old.stage]} → {words[p.stage]}", COLORS["stage-changed"],
                                           hard)
            if "renamed" in kinds:
                badges += self.place_badge(p.slug, words["renamed"], COLORS["renamed"], hard)
            if "moved" in kinds:
                badges += self.place_badge(p.slug, self.move_badge(self.pair_of[p.slug]), COLORS["moved"], hard)
        children: list[Node] = []
        for node in scene.children:
            if isinstance(node, Group) and node.id == "cards":
                children.append(Group(children=tuple(ghosts + removed), id="diff-ghosts"))
                children.append(replace(node, children=tuple(self.mark_card(c) for c in node.children)))
                children.append(Group(children=tuple(badges), id="diff-marks"))
            else:
                children.append(node)
        margin = self.rules.margin
        if self.placement == "bottom":
            panel, width, bottom = self.panel(margin, scene.height - margin + PANEL_GAP / 2, scene.width - 2 * margin)
            size = (scene.width, round(bottom + margin))
        else:
            x0 = scene.width - margin + PANEL_GAP
            panel, width, bottom = self.panel(x0, self.result.chart[1] - self.rules.chart_padding)
            size = (round(x0 + width + margin), max(scene.height, round(bottom + margin)))
        children.append(Group(children=tuple(panel), id="diff-panel", classes=(f"panel-{self.placement}",)))
        return replace(scene, width=size[0], height=size[1], children=tuple(children),
                       desc=scene.desc + " " + self.describe())

    def describe(self) -> str:
        """One sentence for the SVG <desc>."""
        c = self.cmp.counts
        return (f"Changes from {self.labels[0]} to {self.labels[1]}: {c['added']} added, {c['removed']} removed, "
                f"{c['stage-changed']} stage changed, {c['moved']} moved, {c['renamed']} renamed.")


def decorate(result: Any, cmp: Comparison, old: Dataset, new: Dataset, rules: LayoutRules, text: TextEngine,
             theme: Theme, labels: tuple[str, str], stable: tuple[int, int], warnings: Warnings,
             placement: str = "side") -> Scene:
    """NEW's built landscape (a ``landscape.Result``) with the marks of ``cmp`` and the panel
    beside the chart (``side``, the canvas grows to the right) or below it (``bottom``: the
    canvas keeps its width, so the picture reads at the width a README shows it)."""
    return _Decorator(result, cmp, old, new, rules, text, theme, labels, stable, warnings, placement).build()


# ---------------------------------------------------------------- the command


def run_diff(old_spec: str, new_spec: str, out_dir: Path | None, formats: tuple[str, ...], layout: Path | None,
             lang: str | None, theme_name: str | None, size: str | None, scale: float, backend: str,
             logos: Path | None, warnings: Warnings, panel: str | None = None
             ) -> tuple[list[tuple[Path, bytes]], str, str]:
    """Every output of ``landscape diff`` as (path, bytes), the changelog text and a one-line summary.
    Raises InputError for bad input; nothing is written here."""
    from .jobs import LANDSCAPE_SIZES, Job, build_sized, check_formats, encode, job_theme
    from .scene import fit

    pictures = tuple(f for f in formats if f != "md")
    if pictures:
        try:
            check_formats(pictures, backend)
        except InputError as exc:
            raise InputError(exc.message.replace("(known: ", "(known: md, "), exc.file) from None
    elif "md" not in formats:
        raise InputError("no output format given", "--format")
    old, new = _read_sides(old_spec, new_spec, layout, lang, warnings)
    if layout is None:
        check_same_layout(old, new, warnings)
    rules = new.rules
    check_groups(new.data, rules)
    check_groups(old.data, rules)
    cmp = compare(old.data, new.data)
    here = Path(new_spec.rsplit(":", 1)[1] if new_spec.startswith("git:") else new_spec)
    layout_file = None if new.layout_name.startswith("git:") else Path(new.layout_name)
    theme = job_theme(Job(kind="landscape", source=here, out_dir=Path("."), theme=theme_name), layout_file)
    engine = TextEngine()
    result, canvas = build_sized(new.data, rules, engine, logos or new.logos, warnings, theme, size)
    before, _ = build_sized(old.data, rules, engine, logos or new.logos, Warnings(), theme, size)
    stable = stability(before.boxes, result.boxes, cmp)
    base = (out_dir or Path("output")) / _stem(here, lang, theme_name, size)
    payloads: list[tuple[Path, bytes]] = []
    if pictures:
        labels = next(((a, b) for a, b in ((old.label, new.label), (_tail(old.spec), _tail(new.spec))) if a != b),
                      (old.spec, new.spec))
        placement = panel or ("bottom" if size == "readme" else "side")  # a README image keeps the chart's width
        scene = decorate(result, cmp, old.data, new.data, rules, engine, theme, labels, stable, warnings, placement)
        if canvas and size:
            width, height = LANDSCAPE_SIZES[size]
            scene = fit(scene, width, height or round(width * scene.height / scene.width))
        payloads = encode(scene, base, pictures, scale, backend, size, new_spec)
    save_all()  # this run's text work, for the next run
    # the changelog is an English release note unless --lang names a language
    named = new if lang is not None or rules.lang == "en" else read_side(new_spec, layout, "en", Warnings())
    log = changelog(cmp, named.rules, old, named, stable)
    if "md" in formats:  # the changelog has no theme or size: named by the data and language only
        payloads.append((base.with_name(_stem(here, lang, None, None) + ".md"), log.encode("utf-8")))
    c = cmp.counts
    summary = (f"{c['added']} added, {c['removed']} removed, {c['stage-changed']} stage changed, {c['moved']} moved, "
               f"{c['renamed']} renamed; {stable[0]} of {stable[1]} unchanged cards moved")
    return payloads, log, summary


def _read_sides(old_spec: str, new_spec: str, layout: Path | None, lang: str | None,
                warnings: Warnings) -> tuple[Side, Side]:
    """OLD and NEW read; a side with no layout of its own (a copy kept anywhere) uses the other's."""
    def lone(exc: InputError) -> bool:
        return layout is None and exc.message.startswith("no layout file found")

    try:
        new = read_side(new_spec, layout, lang, warnings)
    except InputError as exc:
        if not lone(exc):
            raise
        old = read_side(old_spec, layout, lang, warnings)
        if not Path(old.layout_name).is_file():
            raise
        return old, read_side(new_spec, Path(old.layout_name), lang, warnings)
    try:
        return read_side(old_spec, layout, lang, warnings), new
    except InputError as exc:
        if not lone(exc) or not Path(new.layout_name).is_file():
            raise
        return read_side(old_spec, Path(new.layout_name), lang, warnings), new


def _tail(spec: str) -> str:
    """The last folder and file name of a path (``data/ai-infra.yaml``); git specs unchanged."""
    return spec if spec.startswith("git:") else "/".join(Path(spec).parts[-2:])


def _stem(data: Path, lang: str | None, theme: str | None, size: str | None) -> str:
    """``<data stem>-diff[.LANG][.THEME][.SIZE]``."""
    name = data.stem + "-diff"
    for part in (lang, Path(theme).stem if theme else None, size):
        if part:
            name += f".{part}"
    return name
