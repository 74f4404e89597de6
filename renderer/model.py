"""Typed, validated model of the landscape data and the layout rules.

Parse → validate → convert happens here, once; every later stage trusts the model.
Hints are 0–100 (x: prototype → mature, y: kernel → application); sizes are px.
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path
from typing import Any

from .errors import InputError, Warnings
from .limits import LIMITS
from .records import record
from .yamlio import LDict, LList, line_of, load_yaml

STAGES = ("early", "mature")
# zero-width characters and bidi controls: invisible, and able to disguise a name
_INVISIBLE = set("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e"
                 "\u2066\u2067\u2068\u2069\u061c")


LANGS = ("en", "zh-CN")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


# page presets shared by landscapes and Mandalas: width and height (px); A4 at 150 dpi
PAGES = {"slide-16x9": (1920.0, 1080.0), "a4-landscape": (1754.0, 1240.0)}


def slugify(name: str) -> str:
    """A lowercase ASCII id for SVG ids: ``"NVIDIA Triton"`` → ``"nvidia-triton"``."""
    norm = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    if not slug:
        slug = "u" + "-".join(f"{ord(c):x}" for c in name[:8])
    if slug[0].isdigit():
        slug = "p-" + slug
    return slug


class Fields:
    """Typed access to one YAML mapping with errors that name file, line and item."""

    def __init__(self, data: Any, file: str, item: str, known: tuple[str, ...] | None = None) -> None:
        if not isinstance(data, dict):
            raise InputError(f"{item}: expected a mapping, got {_kind(data)}", file, line_of(data))
        self.data = data
        self.file = file
        self.item = item
        if known is not None:
            for key in data:
                if key not in known:
                    hint = _close(key, known, n=1)
                    tip = f"; did you mean {hint[0]!r}?" if hint else f" (known: {', '.join(known)})"
                    raise InputError(f"{item}: unknown key {key!r}{tip}", file, line_of(data, key))

    def line(self, key: str | None = None) -> int | None:
        """Line of a key (or of the mapping)."""
        return line_of(self.data, key)

    def where(self, key: str | None = None) -> str:
        """``file:line`` of a key, or the file alone when the key has no line (an imported file)."""
        line = self.line(key)
        return self.file if line is None else f"{self.file}:{line}"

    def fail(self, key: str | None, message: str) -> InputError:
        """An error about ``key`` of this item."""
        return InputError(f"{self.item}: {message}", self.file, self.line(key))

    def has(self, key: str) -> bool:
        """Whether the key is present and not null."""
        return self.data.get(key) is not None

    def raw(self, key: str, default: Any = None) -> Any:
        """The value as parsed."""
        value = self.data.get(key)
        return default if value is None else value

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str | None:
        """A non-empty string (numbers are accepted and converted)."""
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(None, f"missing required field {key!r}")
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(key, f"{key!r} must be text, got {_kind(value)}")
        value = str(value).strip()
        if not value:
            raise self.fail(key, f"{key!r} must not be empty")
        return self.clean(key, value)

    def clean(self, key: str, value: str) -> str:
        """Refuse text that is too long or holds control, zero-width or bidi characters."""
        if len(value) > LIMITS.max_text_chars:
            raise self.fail(key, f"{key!r} is {len(value):,} characters long; the limit is "
                                 f"{LIMITS.max_text_chars} (max_text_chars)")
        for ch in value:
            if ch in _INVISIBLE or (unicodedata.category(ch) == "Cc" and ch not in "\n\t"):
                raise self.fail(key, f"{key!r} contains the invisible or control character U+{ord(ch):04X}; "
                                     f"remove it")
        return value

    def number(self, key: str, default: float | None = None, *, lo: float | None = None,
               hi: float | None = None, required: bool = False) -> float:
        """A finite number inside [lo, hi]."""
        value = self.data.get(key)
        if value is None:
            if required or default is None:
                raise self.fail(None, f"missing required field {key!r}")
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(key, f"{key!r} must be a number, got {value!r}")
        value = float(value)
        if not math.isfinite(value):
            raise self.fail(key, f"{key!r} must be a finite number, got {value!r}")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise self.fail(key, f"{key!r} = {_num(value)} is outside {_num(lo)}–{_num(hi)}")
        return value

    def color(self, key: str, default: str | None = None) -> str | None:
        """A ``#rrggbb`` colour, lowercased."""
        value = self.text(key, default)
        if value is not None and not _COLOR.match(value):
            raise self.fail(key, f"{key!r} must be a colour like '#1f77b4', got {value!r}")
        return value.lower() if value else value

    def label(self, key: str, lang: str, warnings: Warnings, default: str | None = None,
              *, required: bool = False) -> str | None:
        """A string or a ``{en: …, zh-CN: …}`` mapping resolved for ``lang``."""
        value = self.data.get(key)
        if isinstance(value, dict):
            for code in value:
                if code not in LANGS:
                    raise InputError(f"{self.item}: {key!r} has unknown language {code!r} "
                                     f"(known: {', '.join(LANGS)})", self.file, line_of(value, code))
            for text in value.values():
                if isinstance(text, str):
                    self.clean(key, text.strip())
            pick = value.get(lang) or value.get("en")
            if value.get(lang) is None:
                warnings.missing_translation(lang, f"{self.where(key)} {self.item} {key!r}")
            if not isinstance(pick, str) or not pick.strip():
                raise self.fail(key, f"{key!r} needs a non-empty 'en' text")
            return pick.strip()
        text = self.text(key, default, required=required)
        if lang == "en" and text and any("\u3400" <= ch <= "\u9fff" for ch in text):  # Chinese only
            warnings.missing_translation(lang, f"{self.where(key)} {self.item} {key!r}")
        return text

    def mapping(self, key: str) -> LDict:
        """A nested mapping (empty when absent)."""
        value = self.data.get(key)
        if value is None:
            empty = LDict()
            empty.line = self.line(key) or 0
            empty.key_lines = {}
            return empty
        if not isinstance(value, dict):
            raise self.fail(key, f"{key!r} must be a mapping, got {_kind(value)}")
        return value

    def sequence(self, key: str, *, required: bool = False) -> list[Any]:
        """A nested list (empty when absent)."""
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(None, f"missing required field {key!r}")
            return LList()
        if not isinstance(value, list):
            raise self.fail(key, f"{key!r} must be a list, got {_kind(value)}")
        return value


def _close(word: str, options: Any, n: int = 1) -> list[str]:
    """Closest spellings of ``word`` among ``options`` (for "did you mean")."""
    import difflib

    return difflib.get_close_matches(word, list(options), n=n)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", LDict: "a mapping", list: "a list", LList: "a list",
            str: "text", bool: "true/false", int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _num(value: float | None) -> str:
    if value is None:
        return "…"
    return f"{value:g}"


# ---------------------------------------------------------------- data


@record
class Project:
    """One project card: hints are 0–100 (x = maturity, y = layer)."""

    name: str
    slug: str
    group: str
    stage: str
    x: float
    y: float
    url: str | None
    logo: str | None
    tags: tuple[str, ...]
    line: int
    monogram: str | None = None
    subcategory: str | None = None  # a landscape2 subcategory, kept by the importer

    @property
    def early(self) -> bool:
        """Early-stage projects are drawn with a dashed outline."""
        return self.stage == "early"


@record
class Dataset:
    """All projects of one data file, in file order."""

    path: str
    title: str
    subtitle: str | None
    projects: tuple[Project, ...]


_PROJECT_KEYS = ("name", "group", "stage", "x", "y", "url", "logo", "monogram", "tags", "description", "subcategory")
_META_KEYS = ("title", "subtitle", "version", "layout", "logos")
BADGE_TAGS = {"k8s-feature": "K8s"}  # tags drawn as a small badge on the card


def parse_dataset(raw: Any, path: str, lang: str, warnings: Warnings) -> Dataset:
    """Validate a parsed data file (see data/ai-infra.yaml for the format)."""
    top = Fields(raw, path, "data file", ("meta", "projects"))
    meta = Fields(top.mapping("meta"), path, "meta", _META_KEYS)
    title = meta.label("title", lang, warnings, "Landscape") or "Landscape"
    subtitle = meta.label("subtitle", lang, warnings)
    items = top.sequence("projects", required=True)
    if not items:
        raise top.fail("projects", "'projects' is empty; add at least one project")
    if len(items) > LIMITS.max_projects:
        raise top.fail("projects", f"{len(items):,} projects; the limit is {LIMITS.max_projects:,} (max_projects)")
    projects: list[Project] = []
    by_name: dict[str, int] = {}
    by_slug: dict[str, tuple[str, int]] = {}
    for index, item in enumerate(items):
        line = line_of(items, index) or 0
        label = f"project #{index + 1}"
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            label = f"project {item['name'].strip()!r}"
        f = Fields(item, path, label, _PROJECT_KEYS)
        name = f.text("name", required=True) or ""
        group = f.text("group", required=True) or ""
        stage = f.text("stage", "mature") or "mature"
        if stage not in STAGES:
            raise f.fail("stage", f"stage must be one of {', '.join(STAGES)}, got {stage!r}")
        x = f.number("x", required=True, lo=0, hi=100)
        y = f.number("y", required=True, lo=0, hi=100)
        tags = f.sequence("tags")
        if not all(isinstance(t, str) for t in tags):
            raise f.fail("tags", "'tags' must be a list of text")
        key = name.casefold()
        if key in by_name:
            raise f.fail("name", f"duplicate name (first defined at line {by_name[key]})")
        by_name[key] = f.line() or line
        slug = slugify(name)
        if slug in by_slug:
            other, other_line = by_slug[slug]
            raise f.fail("name", f"id {slug!r} clashes with {other!r} (line {other_line}); rename one")
        by_slug[slug] = (name, f.line() or line)
        mono = f.text("monogram")
        if mono is not None and len(mono) > 3:
            raise f.fail("monogram", f"'monogram' is at most 3 characters, got {mono!r}")
        url = f.text("url")
        if url is not None and not re.match(r"https?://[^\s<>\"]+$", url):
            raise f.fail("url", f"'url' must be an http(s) address, got {url[:60]!r}")
        projects.append(Project(
            name=name, slug=slug, group=group, stage=stage, x=x, y=y,
            url=url, logo=f.text("logo"), tags=tuple(tags), line=f.line() or line, monogram=mono,
            subcategory=f.text("subcategory"),
        ))
    return Dataset(path=path, title=title, subtitle=subtitle, projects=tuple(projects))


def project_folder(data: Path) -> Path:
    """The folder a data file belongs to: the parent of its ``data/`` folder, else its own folder."""
    return data.parent.parent if data.parent.name == "data" else data.parent


def within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it, after following links."""
    target, base = path.resolve(), folder.resolve()
    return target == base or base in target.parents


def linked_paths(raw: Any, path: Path) -> tuple[Path | None, Path | None]:
    """The layout file and logo folder a data file names in ``meta.layout`` and ``meta.logos``
    (relative to the data file's folder; written by ``landscape import``), or None. Both must
    lie inside the data file's project folder: data from a pull request reads nothing else."""
    if not isinstance(raw, dict) or not isinstance(raw.get("meta"), dict):
        return None, None
    meta = Fields(raw["meta"], str(path), "meta", _META_KEYS)
    found: list[Path | None] = []
    for key in ("layout", "logos"):
        value = meta.text(key)
        if value and (Path(value).is_absolute() or not within(path.parent / value, project_folder(path))):
            raise meta.fail(key, f"{key!r} {value!r} lies outside the project folder {project_folder(path)}; "
                                 f"use a path inside it or pass --{key}")
        found.append(path.parent / value if value else None)
    return found[0], found[1]


def load_dataset(path: Path | str, lang: str = "en", warnings: Warnings | None = None) -> Dataset:
    """Read and validate a data file."""
    return parse_dataset(load_yaml(path), str(path), lang, warnings or Warnings())


# ---------------------------------------------------------------- layout rules


@record
class Group:
    """A category: its label and colour (hex)."""

    id: str
    label: str
    color: str


@record
class Band:
    """A horizontal band of the chart (y hints y0–y1) holding some groups."""

    id: str
    label: str
    groups: tuple[str, ...]
    y0: float
    y1: float
    line: int


@record
class Note:
    """A right-side label at a y hint (0–100), not tied to a band."""

    label: str
    y: float
    group: str | None


@record
class Strip:
    """A row of cards outside the chart (e.g. the frameworks strip above it)."""

    id: str
    label: str
    groups: tuple[str, ...]
    rows: int


@record
class CardStyle:
    """Card geometry in px."""

    height: float
    font_size: float
    min_font_size: float
    padding: float
    logo_size: float
    radius: float
    stroke_width: float
    dash: str
    min_width: float
    max_label_width: float
    style: str = "label"  # "label": logo box + name; "logo": the logo is the card (name in the tooltip)


@record
class Grow:
    """How the canvas grows when the cards need more room: ``keep`` "shape" grows width and
    height together (towards the canvas's shape), "width" keeps the width and lets the height
    follow; the width grows in steps of ``step`` px up to ``max_width``, the canvas height never
    passes ``max_height``."""

    step: float
    max_height: float
    keep: str = "shape"
    max_width: float = 12000.0


@record
class LayoutRules:
    """Everything the layout file says; px unless noted."""

    path: str
    lang: str
    declared_lang: str
    width: float
    margin: float
    title_size: float
    chart_height: float
    chart_padding: float
    gap: float
    split_x: float
    split_y: float
    axis: dict[str, str]
    quadrants: dict[str, str]
    groups: dict[str, Group]
    bands: tuple[Band, ...]
    strips: tuple[Strip, ...]
    notes: tuple[Note, ...]
    card: CardStyle
    legend_early: str
    legend_mature: str
    legend_notes: str
    footnote: str | None
    grow: Grow
    canvas_height: float | None = None  # px, target canvas height (its shape); None = from chart.height
    sub_bands: str = "auto"  # subcategories as captioned sub-bands: auto | always | never


_LAYOUT_KEYS = ("lang", "canvas", "title", "chart", "axis_labels", "quadrant_labels", "groups",
                "bands", "strips", "notes", "card", "legend", "footnote", "grow")
_SIDES = ("top", "bottom", "left", "right")
_QUADS = ("top_left", "top_right", "bottom_left", "bottom_right")


def parse_rules(raw: Any, path: str, lang: str | None, warnings: Warnings) -> LayoutRules:
    """Validate a parsed layout file (see layouts/ai-infra.yaml for the format)."""
    top = Fields(raw, path, "layout", _LAYOUT_KEYS)
    declared = top.text("lang", "en") or "en"
    if declared not in LANGS:
        raise top.fail("lang", f"language must be one of {', '.join(LANGS)}, got {declared!r}")
    lang = lang or declared
    canvas = Fields(top.mapping("canvas"), path, "canvas", ("width", "height", "margin"))
    title = Fields(top.mapping("title"), path, "title", ("size",))
    chart = Fields(top.mapping("chart"), path, "chart", ("height", "padding", "gap", "split_x", "split_y",
                                                          "sub_bands"))
    axis = Fields(top.mapping("axis_labels"), path, "axis_labels", _SIDES)
    quads = Fields(top.mapping("quadrant_labels"), path, "quadrant_labels", _QUADS)
    card = Fields(top.mapping("card"), path, "card", (
        "height", "font_size", "min_font_size", "padding", "logo_size", "radius", "stroke_width",
        "dash", "min_width", "max_label_width", "style"))
    legend = Fields(top.mapping("legend"), path, "legend", ("early", "mature", "notes"))
    grow = Fields(top.mapping("grow"), path, "grow", ("step", "max_height", "max_width", "keep"))

    groups: dict[str, Group] = {}
    graw = top.mapping("groups")
    for gid, gval in graw.items():
        g = Fields(gval, path, f"group {gid!r}", ("label", "color"))
        groups[gid] = Group(id=gid, label=g.label("label", lang, warnings, gid) or gid,
                            color=g.color("color") or "#5b6b7f")
    if not groups:
        raise top.fail("groups", "'groups' must define at least one group")

    def group_list(f: Fields, owner: str) -> tuple[str, ...]:
        ids = f.sequence("groups", required=True)
        for i, gid in enumerate(ids):
            if gid not in groups:
                hint = _close(str(gid), list(groups), n=1)
                tip = f"; did you mean {hint[0]!r}?" if hint else ""
                raise InputError(f"{owner}: unknown group {gid!r}{tip}", path, line_of(ids, i))
        return tuple(ids)

    bands: list[Band] = []
    owner: dict[str, str] = {}
    bseq = top.sequence("bands")
    for i, braw in enumerate(bseq):
        b = Fields(braw, path, f"band #{i + 1}", ("label", "groups", "y"))
        label = b.label("label", lang, warnings, required=True) or ""
        yr = b.raw("y")
        if (not isinstance(yr, list) or len(yr) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in yr)
                or not 0 <= yr[0] < yr[1] <= 100):
            raise b.fail("y", f"band {label!r}: 'y' must be [low, high] with 0 ≤ low < high ≤ 100, got {yr!r}")
        ids = group_list(b, f"band {label!r}")
        for gid in ids:
            if gid in owner:
                raise b.fail("groups", f"band {label!r}: group {gid!r} is already in band {owner[gid]!r}")
            owner[gid] = label
        bands.append(Band(id=slugify(label), label=label, groups=ids, y0=float(yr[0]), y1=float(yr[1]),
                          line=b.line() or 0))
    ordered = sorted(bands, key=lambda band: band.y0)
    for lower, upper in zip(ordered, ordered[1:]):
        if upper.y0 < lower.y1:
            raise InputError(f"band {upper.label!r} overlaps band {lower.label!r} "
                             f"({_num(upper.y0)} < {_num(lower.y1)})", path, upper.line)

    strips: list[Strip] = []
    for i, sraw in enumerate(top.sequence("strips")):
        s = Fields(sraw, path, f"strip #{i + 1}", ("label", "groups", "rows"))
        label = s.label("label", lang, warnings, required=True) or ""
        ids = group_list(s, f"strip {label!r}")
        for gid in ids:
            if gid in owner:
                raise s.fail("groups", f"strip {label!r}: group {gid!r} is already in {owner[gid]!r}")
            owner[gid] = label
        strips.append(Strip(id=slugify(label), label=label, groups=ids,
                            rows=int(s.number("rows", 1, lo=1, hi=20))))

    notes: list[Note] = []
    for i, nraw in enumerate(top.sequence("notes")):
        nf = Fields(nraw, path, f"note #{i + 1}", ("label", "y", "group"))
        ngroup = nf.text("group")
        if ngroup is not None and ngroup not in groups:
            raise nf.fail("group", f"unknown group {ngroup!r}")
        notes.append(Note(label=nf.label("label", lang, warnings, required=True) or "",
                          y=nf.number("y", required=True, lo=0, hi=100), group=ngroup))
    if bands and notes:
        raise top.fail("notes", "use either bands (labels tied to y ranges) or notes (free labels), not both")

    if bands:
        for gid in groups:
            if gid not in owner:
                raise top.fail("groups", f"group {gid!r} is in no band or strip; add it to one")

    axis_text = {side: axis.label(side, lang, warnings, "") or "" for side in _SIDES}
    quad_text = {q: quads.label(q, lang, warnings, "") or "" for q in _QUADS}
    style = CardStyle(
        height=card.number("height", 34, lo=16, hi=200),
        font_size=card.number("font_size", 13, lo=6, hi=72),
        min_font_size=card.number("min_font_size", 9, lo=4, hi=72),
        padding=card.number("padding", 8, lo=0, hi=50),
        logo_size=card.number("logo_size", 20, lo=0, hi=190),
        radius=card.number("radius", 6, lo=0, hi=50),
        stroke_width=card.number("stroke_width", 1.3, lo=0.1, hi=10),
        dash=card.text("dash", "5 3") or "5 3",
        min_width=card.number("min_width", 80, lo=10, hi=2000),
        max_label_width=card.number("max_label_width", 170, lo=20, hi=2000),
        style=card.text("style", "label") or "label",
    )
    if style.style not in ("label", "logo"):
        raise card.fail("style", f"card style must be 'label' or 'logo', got {style.style!r}")
    sub_bands = chart.text("sub_bands", "auto") or "auto"
    if sub_bands not in ("auto", "always", "never"):
        raise chart.fail("sub_bands", f"chart.sub_bands must be auto, always or never, got {sub_bands!r}")
    keep = grow.text("keep", "shape") or "shape"
    if keep not in ("shape", "width"):
        raise grow.fail("keep", f"grow.keep must be 'shape' or 'width', got {keep!r}")
    if style.logo_size > style.height - 4:
        raise card.fail("logo_size", f"logo_size {_num(style.logo_size)} must be at most height - 4")
    if not re.fullmatch(r"\d+(\.\d+)?([ ,]\d+(\.\d+)?)*", style.dash):
        raise card.fail("dash", f"'dash' must be numbers like '5 3', got {style.dash!r}")
    return LayoutRules(
        path=path, lang=lang, declared_lang=declared,
        width=canvas.number("width", 1600, lo=400, hi=LIMITS.max_canvas_px),
        margin=canvas.number("margin", 32, lo=0, hi=500),
        title_size=title.number("size", 30, lo=8, hi=200),
        chart_height=chart.number("height", 900, lo=100, hi=LIMITS.max_canvas_px),
        chart_padding=chart.number("padding", 12, lo=0, hi=200),
        gap=chart.number("gap", 8, lo=0, hi=200),
        split_x=chart.number("split_x", 50, lo=1, hi=99),
        split_y=chart.number("split_y", 50, lo=1, hi=99),
        axis=axis_text, quadrants=quad_text, groups=groups, bands=tuple(bands), strips=tuple(strips),
        notes=tuple(notes),
        card=style,
        legend_early=legend.label("early", lang, warnings, "dashed = early stage / exploring") or "",
        legend_mature=legend.label("mature", lang, warnings, "solid = mature / standardised") or "",
        legend_notes=legend.label("notes", lang, warnings, "right-side labels = category") or "",
        footnote=top.label("footnote", lang, warnings),
        grow=Grow(step=grow.number("step", 40, lo=1, hi=5000),
                  max_height=grow.number("max_height", 12000, lo=100, hi=LIMITS.max_canvas_px * 4),
                  keep=keep, max_width=grow.number("max_width", 12000, lo=400, hi=LIMITS.max_canvas_px)),
        sub_bands=sub_bands,
        canvas_height=canvas.number("height", lo=200, hi=LIMITS.max_canvas_px) if canvas.has("height") else None,
    )


def load_rules(path: Path | str, lang: str | None = None, warnings: Warnings | None = None) -> LayoutRules:
    """Read and validate a layout file."""
    return parse_rules(load_yaml(path), str(path), lang, warnings or Warnings())


@record
class Theme:
    """Colours of one theme (hex); mixes are 0–1 towards the background."""

    name: str
    background: str
    ink: str
    muted: str
    shade: str
    line: str
    card_tint: float
    stroke_lighten: float
    goal_fill: str
    action_tint: float


LIGHT = Theme(name="light", background="#ffffff", ink="#1f2933", muted="#5f6b7a", shade="#f5f7fa",
              line="#3d4852", card_tint=0.9, stroke_lighten=0.0, goal_fill="#1f2933", action_tint=0.86)
_THEME_KEYS = ("background", "ink", "muted", "shade", "line", "card_tint", "stroke_lighten", "goal_fill",
               "action_tint")


def parse_theme(raw: Any, path: str, name: str) -> Theme:
    """Validate a theme file (see layouts/themes/dark.yaml); missing keys come from light."""
    f = Fields(raw, path, f"theme {name!r}", _THEME_KEYS)
    colors = {k: f.color(k, getattr(LIGHT, k)) for k in ("background", "ink", "muted", "shade", "line", "goal_fill")}
    mixes = {k: f.number(k, getattr(LIGHT, k), lo=0, hi=1) for k in ("card_tint", "stroke_lighten", "action_tint")}
    return Theme(name=name, **colors, **mixes)  # type: ignore[arg-type]


def find_theme(name: str | None, near: list[Path]) -> Theme:
    """``name`` (a theme in a ``themes/`` folder beside ``near`` paths, or a YAML file);
    None gives light (from themes/light.yaml when present)."""
    if name and (name.endswith((".yaml", ".yml")) or "/" in name):
        path = Path(name)
        return parse_theme(load_yaml(path), str(path), path.stem)
    wanted = name or "light"
    looked: list[str] = []
    for base in near:
        candidate = base / "themes" / f"{wanted}.yaml"
        looked.append(str(candidate))
        if candidate.is_file():
            return parse_theme(load_yaml(candidate), str(candidate), wanted)
    if wanted == "light":
        return LIGHT
    known = sorted({"light"} | {f.stem for base in near if (base / "themes").is_dir()
                                for f in (base / "themes").glob("*.yaml")})
    close = _close(wanted, known)
    hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
    raise InputError(f"theme {wanted!r} not found (looked for {', '.join(dict.fromkeys(looked))}){hint}", "--theme")


def check_groups(data: Dataset, rules: LayoutRules) -> None:
    """Every project's group must exist (y hints outside a band are clamped by the layout)."""
    for p in data.projects:
        if p.group not in rules.groups:
            hint = _close(p.group, list(rules.groups), n=1)
            tip = f"; did you mean {hint[0]!r}?" if hint else f" (known: {', '.join(rules.groups)})"
            raise InputError(f"project {p.name!r}: unknown group {p.group!r}{tip}", data.path, p.line)
