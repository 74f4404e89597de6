"""Command line: ``landscape render|validate``. Thin: parse args, call the pipeline, write files."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import __version__
from .errors import InputError, Warnings
from .model import LANGS, Dataset, LayoutRules, check_groups, load_dataset, load_rules


def _default_layout(data: Path) -> Path:
    candidates = [data.parent.parent / "layouts" / data.name, data.parent / "layouts" / data.name,
                  Path("layouts") / data.name]
    for c in candidates:
        if c.is_file():
            return c
    raise InputError(f"no layout file found (looked for {candidates[0]}); pass --layout FILE", str(data))


def _default_logos(data: Path) -> Path:
    for c in (data.parent.parent / "logos", data.parent / "logos"):
        if c.is_dir():
            return c
    return Path("logos")


def write_atomic(path: Path, payload: bytes) -> None:
    """Write ``payload`` to a temporary file beside ``path`` and rename it into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write to {path.parent}: {exc.strerror}; choose another -o folder",
                         str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputError(f"cannot write file: {exc.strerror}", str(path)) from None


def _writers(formats: str) -> list[tuple[str, Any]]:
    """The writers for a ``svg,png`` list; an unknown format is an input error."""
    from .backends import writer_for

    out = []
    for fmt in (f.strip().lower() for f in formats.split(",") if f.strip()):
        try:
            out.append((fmt, writer_for(fmt)))
        except ValueError as exc:
            raise InputError(str(exc), "--format") from None
    if not out:
        raise InputError("no output format given", "--format")
    return out


def _write_outputs(scene: Any, base: Path, formats: str, scale: float,
                   extra: list[tuple[Path, bytes]] | None = None) -> list[str]:
    """Render every format in memory first, then write all files atomically."""
    payloads = [(base.with_name(f"{base.name}.{fmt}"), writer(scene, scale)) for fmt, writer in _writers(formats)]
    payloads += extra or []
    for path, payload in payloads:
        write_atomic(path, payload)
    return [str(path) for path, _ in payloads]


def cmd_mandala(args: argparse.Namespace, warnings: Warnings) -> int:
    """Render a Mandala chart from YAML or from a Markdown 9×9 table."""
    from .mandala import build_mandala, load_mandala
    from .text import TextEngine

    source = Path(args.input)
    _writers(args.format)
    chart = load_mandala(source, args.lang or "en", warnings, args.table)
    engine = TextEngine()
    result = build_mandala(chart, engine, warnings, args.size, args.title)
    engine.save()
    stem = source.stem if source.stem.endswith("mandala") else f"{source.stem}-mandala"
    if args.size != "square":
        stem += f".{args.size}"
    written = _write_outputs(result.scene, Path(args.output) / stem, args.format, args.scale)
    print(f"{', '.join(written)}: goal {chart.goal!r}, 8 pillars")
    return 0


def cmd_import_mandala(args: argparse.Namespace, warnings: Warnings) -> int:
    """Print the YAML form of a Markdown 9×9 table."""
    import yaml

    from .mandala import load_mandala, to_yaml_data

    chart = load_mandala(Path(args.input), "en", warnings, args.table)
    sys.stdout.write(yaml.safe_dump(to_yaml_data(chart), allow_unicode=True, sort_keys=False, width=100))
    return 0


def _load(args: argparse.Namespace, warnings: Warnings) -> tuple[Path, Dataset, LayoutRules]:
    data_path = Path(args.data)
    layout_path = Path(args.layout) if args.layout else _default_layout(data_path)
    rules = load_rules(layout_path, args.lang, warnings)
    data = load_dataset(data_path, rules.lang, warnings)
    check_groups(data, rules)
    return data_path, data, rules


def cmd_validate(args: argparse.Namespace, warnings: Warnings) -> int:
    """Check data and layout without drawing."""
    _, data, rules = _load(args, warnings)
    print(f"{args.data}: ok, {len(data.projects)} projects in {len(rules.groups)} groups")
    return 0


def cmd_render(args: argparse.Namespace, warnings: Warnings) -> int:
    """Render the landscape to the requested formats (and the report)."""
    from .landscape import build_landscape
    from .text import TextEngine

    data_path, data, rules = _load(args, warnings)
    _writers(args.format)
    logo_dir = Path(args.logos) if args.logos else _default_logos(data_path)
    engine = TextEngine()
    result = build_landscape(data, rules, engine, logo_dir, warnings)
    engine.save()
    stem = data_path.stem + "-landscape" + ("" if rules.lang == rules.declared_lang else f".{rules.lang}")
    extra = []
    if args.report:
        report = {"metrics": result.metrics, "boxes": [asdict(b) for b in result.boxes]}
        extra.append((Path(args.report), (json.dumps(report, ensure_ascii=False, indent=1) + "\n").encode()))
    written = _write_outputs(result.scene, Path(args.output) / stem, args.format, args.scale, extra)
    m = result.metrics
    print(f"{', '.join(written)}: {m['cards']} cards, {m['overlaps']} overlaps, "
          f"mean displacement {m['mean_displacement']} px")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (``landscape --help``)."""
    parser = argparse.ArgumentParser(prog="landscape", description="Render landscape charts from YAML.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("data", help="data YAML file (projects)")
        p.add_argument("--layout", help="layout rules YAML (default: layouts/<data file name>)")
        p.add_argument("--lang", choices=LANGS, help="language of labels (default: the layout's lang)")

    render = sub.add_parser("render", help="render SVG/PNG")
    common(render)
    render.add_argument("-o", "--output", default="output", help="output folder (default: output)")
    render.add_argument("--format", default="svg,png", help="comma-separated formats: svg,png")
    render.add_argument("--scale", type=float, default=2.0, help="PNG pixels per SVG px (default 2)")
    render.add_argument("--report", help="write a JSON report of every box and the layout metrics")
    render.add_argument("--logos", help="logo folder (default: logos/ beside data/)")
    render.set_defaults(func=cmd_render)
    mandala = sub.add_parser("mandala", help="render a 9×9 Mandala goal chart (YAML or Markdown table)")
    mandala.add_argument("input", help="Mandala YAML, or a Markdown file holding a 9×9 table")
    mandala.add_argument("--table", type=int, default=1, help="which 9×9 table of the Markdown file (default 1)")
    mandala.add_argument("-o", "--output", default="output", help="output folder (default: output)")
    mandala.add_argument("--format", default="svg,png", help="comma-separated formats: svg,png")
    mandala.add_argument("--scale", type=float, default=2.0, help="PNG pixels per SVG px (default 2)")
    mandala.add_argument("--size", default="square", choices=("square", "a4-landscape", "slide-16x9"))
    mandala.add_argument("--title", help="title above the chart (default: the file's title)")
    mandala.add_argument("--lang", choices=LANGS, help="language of {en, zh-CN} labels (default en)")
    mandala.set_defaults(func=cmd_mandala)
    imp = sub.add_parser("import-mandala", help="convert a Markdown 9×9 table to Mandala YAML (stdout)")
    imp.add_argument("input", help="Markdown file")
    imp.add_argument("--table", type=int, default=1, help="which 9×9 table (default 1)")
    imp.set_defaults(func=cmd_import_mandala)
    validate = sub.add_parser("validate", help="check data and layout files")
    common(validate)
    validate.set_defaults(func=cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 2 bad input, 3 internal error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "scale", 1.0) is not None and not 0 < getattr(args, "scale", 1.0) <= 16:
        print(f"--scale: must be between 0 and 16, got {args.scale}", file=sys.stderr)
        return 2
    warnings = Warnings()
    try:
        code = args.func(args, warnings)
    except InputError as exc:
        warnings.emit()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - one line unless --debug
        if args.debug:
            raise
        warnings.emit()
        print(f"internal error: {exc.__class__.__name__}: {exc} (rerun with --debug)", file=sys.stderr)
        return 3
    warnings.emit()
    return code
