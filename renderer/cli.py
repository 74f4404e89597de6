"""Command line: ``landscape render|validate``. Thin: parse args, call the pipeline, write files."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

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
    from .backends import writer_for
    from .landscape import build_landscape
    from .text import TextEngine

    data_path, data, rules = _load(args, warnings)
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    writers = []
    for fmt in formats:
        try:
            writers.append((fmt, writer_for(fmt)))
        except ValueError as exc:
            raise InputError(str(exc), "--format") from None
    logo_dir = Path(args.logos) if args.logos else _default_logos(data_path)
    engine = TextEngine()
    result = build_landscape(data, rules, engine, logo_dir, warnings)
    engine.save()
    stem = data_path.stem + "-landscape" + ("" if rules.lang == rules.declared_lang else f".{rules.lang}")
    out_dir = Path(args.output)
    payloads = [(out_dir / f"{stem}.{fmt}", writer(result.scene, args.scale)) for fmt, writer in writers]
    if args.report:
        report = {"metrics": result.metrics, "boxes": [asdict(b) for b in result.boxes]}
        payloads.append((Path(args.report), (json.dumps(report, ensure_ascii=False, indent=1) + "\n").encode()))
    for path, payload in payloads:
        write_atomic(path, payload)
    m = result.metrics
    print(f"{', '.join(str(p) for p, _ in payloads)}: {m['cards']} cards, {m['overlaps']} overlaps, "
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
