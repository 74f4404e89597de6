"""Jobs: one chart in one language, theme and size, to some formats — built in memory.

The CLI's ``render`` and ``mandala`` commands run one job; ``build`` and ``check`` run
every job of the config file (``landscape.yaml``). Nothing is written here.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .errors import InputError, Warnings
from .model import (LANGS, LIMITS, PAGES, Dataset, LayoutRules, Theme, Fields, check_groups, find_theme, linked_paths,
                    load_rules, parse_dataset, parse_rules)
from .records import asdict, record, replace
from .yamlio import line_of, load_yaml

if TYPE_CHECKING:
    from .landscape import Result

# canvas presets: width and height (px); no height = the layout's own shape at that width
LANDSCAPE_SIZES: dict[str, tuple[float, float | None]] = {**PAGES, "readme": (1120.0, None), "poster": (1920.0, 1358.0)}
MANDALA_SIZES = ("square", *PAGES)
FORMATS = ("svg", "png", "pdf")
# the PDF page of a size preset (px at 96 dpi): A4 is 297 × 210 mm; the drawing is scaled to fit and centred
PDF_PAGES = {"a4-landscape": (297 / 25.4 * 96, 210 / 25.4 * 96)}

_HERE = Path(__file__).resolve().parent
# built-in layouts and themes: inside the installed package, or beside it in a source checkout
BUILTIN_LAYOUTS = _HERE / "layouts" if (_HERE / "layouts").is_dir() else _HERE.parent / "layouts"


def builtin(path: Path) -> Path:
    """``path`` itself when it exists; else, for a relative path, the built-in copy it names:
    ``layouts/x.yaml``, ``themes/dark.yaml``, ``x.yaml`` or the bare name ``x``."""
    if path.exists() or path.is_absolute() or ".." in path.parts:
        return path
    rel = Path(*path.parts[1:]) if path.parts[:1] == ("layouts",) and len(path.parts) > 1 else path
    for candidate in (rel, rel.with_name(rel.name + ".yaml")):
        if (BUILTIN_LAYOUTS / candidate).is_file():
            return BUILTIN_LAYOUTS / candidate
    return path


def _is_file_name(theme: str) -> bool:
    return theme.endswith((".yaml", ".yml")) or "/" in theme


@record
class Job:
    """What to build. ``lang``/``theme``/``size`` None mean the defaults (no file-name suffix)."""

    kind: str  # landscape | mandala
    source: Path
    out_dir: Path
    formats: tuple[str, ...] = ("svg", "png")
    layout: Path | None = None
    lang: str | None = None
    theme: str | None = None
    size: str | None = None
    scale: float = 2.0
    backend: str = "auto"
    logos: Path | None = None
    table: int = 1
    title: str | None = None
    report: Path | None = None
    input_format: str = "yaml"  # yaml | ai-infra-json | landscape2
    map: Path | None = None

    def stem(self) -> str:
        """Output file name without extension, e.g. ``ai-infra-landscape.en.dark``."""
        base = self.source.stem
        suffix = "-landscape" if self.kind == "landscape" else "-mandala"
        name = base if base.endswith(suffix) else base + suffix
        theme = Path(self.theme).stem if self.theme and _is_file_name(self.theme) else self.theme
        for part in (self.lang, theme, self.size):
            if part:
                name += f".{part}"
        return name

    def path(self, fmt: str) -> Path:
        """Where the ``fmt`` output goes: ``out_dir/stem.fmt``."""
        return self.out_dir / f"{self.stem()}.{fmt}"


def default_layout(data: Path) -> Path:
    """The layout file of a data file: ``layouts/<data file name>`` beside ``data/``, here, or built in."""
    candidates = [data.parent.parent / "layouts" / data.name, data.parent / "layouts" / data.name,
                  Path("layouts") / data.name, BUILTIN_LAYOUTS / data.name]
    for c in candidates:
        if c.is_file():
            return c
    raise InputError(f"no layout file found (looked for {candidates[0]}); pass --layout FILE", str(data))


def default_logos(data: Path) -> Path:
    """The logo folder of a data file: ``logos/`` beside ``data/`` (or here)."""
    for c in (data.parent.parent / "logos", data.parent / "logos"):
        if c.is_dir():
            return c
    return Path("logos")


def data_inputs(job: Job) -> tuple[Any, Path, Path]:
    """A YAML data file as parsed, with its layout file and logo folder: the flags, else the
    ones its ``meta`` names (an import records them), else the ``data/`` + ``layouts/`` convention."""
    raw = load_yaml(job.source)
    linked_layout, linked_logos = linked_paths(raw, job.source)
    layout = builtin(job.layout) if job.layout else linked_layout or default_layout(job.source)
    return raw, layout, job.logos or linked_logos or default_logos(job.source)


def job_theme(job: Job, layout: Path | None) -> Any:
    """The job's theme: a file, or a name looked up beside the layout, the data and the built-ins."""
    if job.theme and _is_file_name(job.theme):
        return find_theme(str(builtin(Path(job.theme))), [])
    dirs = [layout.parent] if layout else []
    return find_theme(job.theme, dirs + [job.source.parent.parent / "layouts", Path("layouts"), BUILTIN_LAYOUTS])


class Progress:
    """A one-line progress display on stderr, shown only on a terminal and only once a run
    has taken more than a second."""

    def __init__(self, total: int) -> None:
        self.enabled = sys.stderr.isatty()
        self.start = time.perf_counter()
        self.total = total
        self.done = 0
        self.shown = False

    def step(self, label: str) -> None:
        """Mark the start of the next stage."""
        self.done += 1
        if not self.enabled or time.perf_counter() - self.start < 1.0:
            return
        filled = round(20 * (self.done - 1) / max(self.total, 1))
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (20 - filled)}] {label:<24}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        """Erase the line."""
        if self.shown:
            sys.stderr.write("\r" + " " * 48 + "\r")
            sys.stderr.flush()


def check_formats(formats: tuple[str, ...], backend: str) -> None:
    """Fail before any work on an unknown or missing format or backend (libcairo loads only when needed)."""
    from .backends import resolve_backend, writer_for

    try:
        for fmt in formats:
            writer_for(fmt)
        if set(formats) - {"svg"}:
            resolve_backend(backend)
    except ValueError as exc:
        raise InputError(str(exc), "--format/--backend") from None
    if not formats:
        raise InputError("no output format given", "--format")


def run(job: Job, warnings: Warnings, engine: Any = None) -> tuple[list[tuple[Path, bytes]], str]:
    """Every output of ``job`` as (path, bytes), plus a one-line summary. Each output carries
    the fingerprint of what it was made from (renderer/fingerprint.py)."""
    from .text import TextEngine
    from .diskcache import save_all

    check_formats(job.formats, job.backend)
    parts = _file_parts(job)  # digests before reading: an input changed while rendering shows up as stale
    engine = engine or TextEngine()
    if job.kind == "landscape":
        scene, summary, extra = _landscape(job, warnings, engine, parts)
    else:
        scene, summary, extra = _mandala(job, warnings, engine, parts)
    stamps = {fmt: fingerprint(job, fmt, parts).stamp() for fmt in job.formats}
    payloads = encode(scene, job.out_dir / job.stem(), job.formats, job.scale, job.backend, job.size, str(job.source),
                      stamps)
    save_all()  # this run's shaped text, outlines and phrases, for the next run
    return payloads + extra, summary


def encode(scene: Any, base: Path, formats: tuple[str, ...], scale: float, backend: str, size: str | None,
           source: str, stamps: dict[str, str] | None = None) -> list[tuple[Path, bytes]]:
    """``scene`` as (``base``.FMT, bytes) for each format (PNG at ``scale``; a PDF on its size's page),
    each sealed with its fingerprint stamp when ``stamps`` has one."""
    from .backends import begin
    from .fingerprint import seal
    from .scene import fit

    if "png" in formats:
        pixels = round(scene.width * scale) * round(scene.height * scale)
        if pixels > LIMITS.max_raster_pixels:
            raise InputError(f"the PNG would be {round(scene.width * scale)}×{round(scene.height * scale)} "
                             f"pixels, more than {LIMITS.max_raster_pixels:,} (max_raster_pixels); lower --scale",
                             source)
    progress = Progress(len(formats))
    pending: dict[str, Callable[[], bytes]] = {}
    try:
        for fmt in sorted(formats, key=lambda f: f != "png"):  # PNG first: it is encoded while the others are written
            progress.step(f"writing {fmt.upper()}")
            page = PDF_PAGES.get(size or "") if fmt == "pdf" else None
            drawn = fit(scene, *page) if page else scene
            stamp = (stamps or {}).get(fmt)
            if stamp:
                drawn = replace(drawn, fingerprint=stamp)
            pending[fmt] = begin(fmt, drawn, scale, backend)
        payloads = []
        for fmt in formats:
            payload = pending[fmt]()
            if (stamps or {}).get(fmt):
                payload = seal(fmt, payload)
            payloads.append((base.with_name(f"{base.name}.{fmt}"), payload))
    finally:
        progress.close()
    return payloads


# ---------------------------------------------------------------- fingerprints

def _file_parts(job: Job) -> dict[str, Any]:
    """Digests of the job's data file(s) and of the fonts, taken before they are read."""
    from .fingerprint import file_digest
    from .text import font_path

    fonts = [file_digest(font_path(bold)) for bold in (False, True)]
    if job.kind == "landscape" and job.input_format != "yaml":
        imported = [job.input_format, file_digest(job.source), file_digest(builtin(job.map)) if job.map else None]
        return {"data": imported, "fonts": fonts}
    return {"data": file_digest(job.source), "fonts": fonts}


def _logo_part(logo_dir: Path, refs: list[str] | None) -> Any:
    """Digest inputs of the logos a landscape uses: each reference's file (None when absent;
    found as logos.resolve finds it), or the simple-icons logo a slug names. ``refs`` None
    (imported formats): every file of the logo folder."""
    from .fingerprint import file_digest, tree_digest

    if refs is None:
        return tree_digest(logo_dir)
    from .logos import LogoError, logo_path

    out: dict[str, Any] = {}
    for ref in refs:
        if Path(ref).suffix:
            try:
                out[ref] = file_digest(logo_path(ref, logo_dir))
            except LogoError:
                out[ref] = None  # missing or outside the folder: a monogram, until the file appears
        else:
            out[ref] = _simple_icon(ref)
    return out


def _simple_icon(slug: str) -> Any:
    """What a simple-icons slug draws (its SVG and colour), the same on every platform."""
    from .logos import LogoError, simple_icon

    try:
        icon = simple_icon(slug)
    except LogoError:  # pragma: no cover - declared dependency
        return None
    return None if icon is None else list(icon)


def logo_refs(data: Any) -> list[str]:
    """Every distinct logo reference of a dataset, sorted."""
    return sorted({p.logo for p in data.projects if p.logo})


def fingerprint(job: Job, fmt: str, parts: dict[str, Any]) -> Any:
    """The fingerprint of ``job``'s ``fmt`` output: ``parts`` (data, layout, fonts, theme,
    logos) plus the renderer version, the options that output depends on, and for PDF the
    creation date."""
    from . import __version__
    from .fingerprint import Fingerprint

    options: dict[str, Any] = {"kind": job.kind, "lang": job.lang, "theme": job.theme, "size": job.size,
                               "table": job.table, "title": job.title, "input_format": job.input_format}
    env: dict[str, str] = {}
    if fmt in ("png", "pdf"):
        options["backend"] = job.backend
    if fmt == "png":
        options["scale"] = job.scale
    if fmt == "pdf":
        from .backends.pdf import creation_date

        env["pdf_creation_date"] = creation_date()
    return Fingerprint.of(renderer=[__version__, fmt], options=options, env=env, **parts)


def expected_fingerprints(job: Job, memo: dict[Any, Any] | None = None) -> dict[str, Any]:
    """The fingerprint each output of ``job`` should carry, computed without rendering.
    ``memo`` (one check run) lets the jobs of one data file share its reading and logo digests."""
    from .fingerprint import file_digest

    memo = {} if memo is None else memo
    parts = _file_parts(job)
    if job.kind == "mandala":
        parts.update(layout=None, theme=repr(job_theme(job, None)), logos=None)
    elif job.input_format == "yaml":
        key = (job.source, job.layout, job.logos, parts["data"])
        if key not in memo:
            raw, layout, logos = data_inputs(job)
            refs = logo_refs(parse_dataset(raw, str(job.source), "en", Warnings()))
            memo[key] = (layout, _logo_part(logos, refs))
        layout, logo_part = memo[key]
        parts.update(layout=file_digest(layout), theme=repr(job_theme(job, layout)), logos=logo_part)
    else:
        layout = builtin(job.layout) if job.layout else None
        parts.update(layout=file_digest(layout) if layout else None, theme=repr(job_theme(job, layout)),
                     logos=_logo_part(job.logos or default_logos(job.source), None))
    return {fmt: fingerprint(job, fmt, parts) for fmt in job.formats}


def _landscape(job: Job, warnings: Warnings, engine: Any,
               parts: dict[str, Any]) -> tuple[Any, str, list[tuple[Path, bytes]]]:
    from .fingerprint import file_digest
    from .scene import fit

    if job.input_format == "yaml":
        raw_data, layout, logos = data_inputs(job)
        parts["layout"] = file_digest(layout)
        rules = load_rules(layout, job.lang, warnings)
    else:
        raw_data, raw_layout = import_source(job, warnings)
        layout = builtin(job.layout) if job.layout else None
        parts["layout"] = file_digest(layout) if layout else None
        rules = load_rules(layout, job.lang, warnings) if layout else parse_rules(
            raw_layout, f"{job.source} (imported layout)", job.lang, warnings)
        logos = job.logos or default_logos(job.source)
    data = parse_dataset(raw_data, str(job.source), rules.lang, warnings)
    check_groups(data, rules)
    theme = job_theme(job, layout)
    parts.update(theme=repr(theme), logos=_logo_part(logos, logo_refs(data) if job.input_format == "yaml" else None))
    result, canvas = build_sized(data, rules, engine, logos, warnings, theme, job.size)
    scene = fit(result.scene, *canvas) if canvas else result.scene
    extra: list[tuple[Path, bytes]] = []
    if job.report:
        report = {"metrics": result.metrics, "boxes": [asdict(b) for b in result.boxes]}
        extra.append((job.report, (json.dumps(report, ensure_ascii=False, indent=1) + "\n").encode()))
    m = result.metrics
    return scene, f"{m['cards']} cards, {m['overlaps']} overlaps, mean displacement {m['mean_displacement']} px", extra


def build_sized(data: Dataset, rules: LayoutRules, engine: Any, logos: Path, warnings: Warnings, theme: Theme,
                size: str | None) -> tuple[Result, tuple[float, float] | None]:
    """The landscape as ``render --size`` lays it out, and the canvas (px) to fit its scene to (None: natural)."""
    from .landscape import build_landscape

    if size and size not in LANDSCAPE_SIZES:
        raise InputError(f"unknown size {size!r} (known: {', '.join(LANDSCAPE_SIZES)})", "--size")
    if size:
        # laid out at the preset's width and shape (fonts keep their px size), then fitted exactly
        width, height = LANDSCAPE_SIZES[size]
        shape = height / width if height else (rules.canvas_height or 0) / rules.width
        rules = replace(rules, width=width, canvas_height=shape * width if shape else None)
    result = build_landscape(data, rules, engine, logos, warnings, theme)
    if not size:
        return result, None
    canvas = (width, round(height or width * result.scene.height / result.scene.width))
    k = min(canvas[0] / result.scene.width, canvas[1] / result.scene.height)
    if k < 0.995:
        warnings.add(f"--size {size}: the cards need a {result.scene.width:.0f} × {result.scene.height:.0f} px canvas, "
                     f"drawn on the {canvas[0]:.0f} × {canvas[1]:.0f} px preset at {k:.0%} (text {k:.0%} of its px size)")
    return result, canvas


def import_source(job: Job, warnings: Warnings) -> tuple[dict[str, Any], dict[str, Any]]:
    """Data and layout dictionaries converted from another landscape format."""
    from .importers import import_ai_infra_json, import_landscape2

    if job.input_format == "ai-infra-json":
        return import_ai_infra_json(job.source, warnings)
    if job.input_format == "landscape2":
        return import_landscape2(job.source, job.logos, builtin(job.map) if job.map else None, warnings)
    raise InputError(f"unknown input format {job.input_format!r} (known: yaml, ai-infra-json, landscape2)",
                     "--input-format")


def _mandala(job: Job, warnings: Warnings, engine: Any,
             parts: dict[str, Any]) -> tuple[Any, str, list[tuple[Path, bytes]]]:
    from .mandala import build_mandala, load_mandala

    chart = load_mandala(job.source, job.lang, warnings, job.table)
    theme = job_theme(job, None)
    parts.update(layout=None, theme=repr(theme), logos=None)
    size = job.size or "square"
    if size not in MANDALA_SIZES:
        raise InputError(f"unknown size {size!r} (known: {', '.join(MANDALA_SIZES)})", "--size")
    result = build_mandala(chart, engine, warnings, size, job.title, theme)
    extra = [(job.report, (json.dumps(result.report(), ensure_ascii=False, indent=1) + "\n").encode())] \
        if job.report else []
    return result.scene, f"goal {chart.goal!r}, 8 pillars", extra


# ---------------------------------------------------------------- config file

CONFIG = "landscape.yaml"


def _options(f: Fields, key: str, allowed: tuple[str, ...] | None) -> list[str | None]:
    """A config list such as ``langs: [default, en]``; ``default`` (or no list) is None."""
    values = f.sequence(key) or [None]
    out: list[str | None] = []
    for j, v in enumerate(values):
        if v in (None, "default"):
            out.append(None)
        elif not isinstance(v, str) or (allowed and v not in allowed):
            raise InputError(f"{f.item}: {key} entry {v!r} is not one of {', '.join(allowed or ())}", f.file,
                             line_of(f.raw(key), j))
        else:
            out.append(v)
    return out


def load_config(path: Path) -> list[Job]:
    """The jobs listed in a config file (see landscape.yaml at the repository root)."""
    raw = load_yaml(path)
    top = Fields(raw, str(path), "config", ("outputs",))
    entries = top.sequence("outputs", required=True)
    root = path.parent
    jobs: list[Job] = []
    for i, entry in enumerate(entries):
        f = Fields(entry, str(path), f"output #{i + 1}",
                    ("kind", "data", "layout", "langs", "themes", "sizes", "formats", "out", "scale", "table"))
        kind = f.text("kind", required=True)
        if kind not in ("landscape", "mandala"):
            raise f.fail("kind", f"kind must be landscape or mandala, got {kind!r}")
        data = root / (f.text("data", required=True) or "")
        layout = root / f.text("layout") if f.has("layout") else None

        formats = tuple(str(v) for v in (f.sequence("formats") or ["svg", "png"]))
        for fmt in formats:
            if fmt not in FORMATS:
                raise f.fail("formats", f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
        sizes = LANDSCAPE_SIZES if kind == "landscape" else {s: None for s in MANDALA_SIZES}
        for lang in _options(f, "langs", LANGS):
            for theme in _options(f, "themes", None):
                for size in _options(f, "sizes", tuple(sizes)):
                    jobs.append(Job(kind=kind, source=data, layout=layout, out_dir=root / (f.text("out", "output")
                                                                                           or "output"),
                                    formats=formats, lang=lang, theme=theme, size=size,
                                    scale=f.number("scale", 2.0, lo=0.1, hi=16), table=int(f.number("table", 1, lo=1))))
    return jobs
