"""Command line (``landscape …``). Thin: parse arguments, run jobs, write or compare files."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from . import __version__
from .errors import InputError, Warnings
from .jobs import CONFIG, LANDSCAPE_SIZES, MANDALA_SIZES, Job, load_config, run
from .model import LANGS, check_groups, load_dataset, load_rules


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


def _formats(text: str) -> tuple[str, ...]:
    return tuple(f.strip().lower() for f in text.split(",") if f.strip())


def _run_and_write(job: Job, warnings: Warnings) -> int:
    payloads, summary = run(job, warnings)
    for path, payload in payloads:  # everything rendered before anything is written
        write_atomic(path, payload)
    print(f"{', '.join(str(p) for p, _ in payloads)}: {summary}")
    return 0


def cmd_render(args: argparse.Namespace, warnings: Warnings) -> int:
    """Render a landscape."""
    job = Job(kind="landscape", source=Path(args.data), layout=Path(args.layout) if args.layout else None,
              out_dir=Path(args.output), formats=_formats(args.format), lang=args.lang, theme=args.theme,
              size=args.size, scale=args.scale, backend=args.backend,
              logos=Path(args.logos) if args.logos else None, report=Path(args.report) if args.report else None,
              input_format=args.input_format, map=Path(args.map) if args.map else None)
    return _run_and_write(job, warnings)


def cmd_mandala(args: argparse.Namespace, warnings: Warnings) -> int:
    """Render a Mandala chart from YAML or from a Markdown 9×9 table."""
    job = Job(kind="mandala", source=Path(args.input), out_dir=Path(args.output), formats=_formats(args.format),
              lang=args.lang, theme=args.theme, size=None if args.size == "square" else args.size,
              scale=args.scale, backend=args.backend, table=args.table, title=args.title)
    return _run_and_write(job, warnings)


def cmd_import_mandala(args: argparse.Namespace, warnings: Warnings) -> int:
    """Print the YAML form of a Markdown 9×9 table."""
    import yaml

    from .mandala import load_mandala, to_yaml_data

    chart = load_mandala(Path(args.input), "en", warnings, args.table)
    sys.stdout.write(yaml.safe_dump(to_yaml_data(chart), allow_unicode=True, sort_keys=False, width=100))
    return 0


def cmd_import(args: argparse.Namespace, warnings: Warnings) -> int:
    """Convert landscape2 or AI-Infra JSON into a data file and a layout file."""
    import yaml

    from .jobs import import_source
    from .model import parse_dataset, parse_rules

    job = Job(kind="landscape", source=Path(args.input), out_dir=Path("."), input_format=args.format,
              logos=Path(args.logos) if args.logos else None, map=Path(args.map) if args.map else None)
    data, layout = import_source(job, warnings)
    rules = parse_rules(layout, f"{args.input} (imported layout)", None, warnings)  # both must validate
    parse_dataset(data, args.input, rules.lang, warnings)
    data_out = Path(args.output)
    layout_out = Path(args.layout_out) if args.layout_out else data_out.parent.parent / "layouts" / data_out.name
    head = f"# Imported from {args.input} ({args.format}) by `landscape import`.\n"
    for path, payload in ((data_out, data), (layout_out, layout)):
        text = head + yaml.safe_dump(payload, allow_unicode=True, sort_keys=False, width=110)
        write_atomic(path, text.encode("utf-8"))
    print(f"{data_out}: {len(data['projects'])} projects; {layout_out}: {len(layout['groups'])} groups")
    return 0


def cmd_validate(args: argparse.Namespace, warnings: Warnings) -> int:
    """Check data and layout without drawing."""
    from .jobs import _default_layout

    data_path = Path(args.data)
    rules = load_rules(Path(args.layout) if args.layout else _default_layout(data_path), args.lang, warnings)
    data = load_dataset(data_path, rules.lang, warnings)
    check_groups(data, rules)
    print(f"{args.data}: ok, {len(data.projects)} projects in {len(rules.groups)} groups")
    return 0


def _config_jobs(args: argparse.Namespace) -> list[Job]:
    jobs = load_config(Path(args.config))
    if args.kind:
        jobs = [j for j in jobs if j.kind == args.kind]
    return jobs


def cmd_build(args: argparse.Namespace, warnings: Warnings) -> int:
    """Build every output listed in the config file."""
    from .text import TextEngine

    engine = TextEngine()
    payloads: list[tuple[Path, bytes]] = []
    for job in _config_jobs(args):
        payloads += run(job, warnings, engine)[0]
    for path, payload in payloads:
        write_atomic(path, payload)
    print(f"built {len(payloads)} file(s) from {args.config}")
    return 0


def cmd_check(args: argparse.Namespace, warnings: Warnings) -> int:
    """Exit 1 when any configured output on disk differs from a fresh render (or is missing)."""
    from .text import TextEngine

    engine = TextEngine()
    stale: list[str] = []
    count = 0
    only = set(_formats(args.formats)) if args.formats else None
    for job in _config_jobs(args):
        if only is not None:
            job = replace(job, formats=tuple(f for f in job.formats if f in only))
            if not job.formats:
                continue
        for path, payload in run(job, warnings, engine)[0]:
            count += 1
            if not path.is_file():
                stale.append(f"missing: {path}")
            elif path.read_bytes() != payload:
                stale.append(f"stale:   {path}")
    if stale:
        print(f"{len(stale)} of {count} output(s) out of date; run 'landscape build' (or make landscape mandala):")
        print("\n".join(stale))
        return 1
    print(f"all {count} output(s) up to date")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (``landscape --help``)."""
    parser = argparse.ArgumentParser(prog="landscape", description="Render landscape and Mandala charts from YAML.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    sub = parser.add_subparsers(dest="command", required=True)

    def outputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("-o", "--output", default="output", help="output folder (default: output)")
        p.add_argument("--format", default="svg,png", help="comma-separated: svg,png,pdf (default svg,png)")
        p.add_argument("--scale", type=float, default=2.0, help="PNG pixels per SVG px (default 2)")
        p.add_argument("--theme", help="light (default), dark, or a theme YAML file")
        p.add_argument("--backend", default="auto", choices=("auto", "cairo", "matplotlib"),
                       help="raster/PDF backend (default auto: cairo, else matplotlib)")
        p.add_argument("--lang", choices=LANGS, help="language of {en, zh-CN} labels; adds .LANG to file names")

    render = sub.add_parser("render", help="render a landscape (SVG/PNG/PDF)")
    render.add_argument("data", help="data YAML file (projects)")
    render.add_argument("--layout", help="layout rules YAML (default: layouts/<data file name>)")
    outputs(render)
    render.add_argument("--size", choices=tuple(LANDSCAPE_SIZES), help="canvas preset (default: natural size)")
    render.add_argument("--report", help="write a JSON report of every box and the layout metrics")
    render.add_argument("--logos", help="logo folder (default: logos/ beside data/)")
    render.add_argument("--input-format", default="yaml", choices=("yaml", "ai-infra-json", "landscape2"),
                        help="read DATA in another format, converted on the fly (see `landscape import`)")
    render.add_argument("--map", help="landscape2 mapping file (with --input-format landscape2)")
    render.set_defaults(func=cmd_render)

    imp2 = sub.add_parser("import", help="convert landscape2 YAML or AI-Infra JSON to data + layout files")
    imp2.add_argument("format", choices=("landscape2", "ai-infra-json"))
    imp2.add_argument("input", help="landscape.yml (landscape2) or data.json (AI-Infra)")
    imp2.add_argument("-o", "--output", required=True, help="data file to write, e.g. data/x.yaml")
    imp2.add_argument("--layout-out", help="layout file to write (default: layouts/<same name>)")
    imp2.add_argument("--logos", help="logo folder (landscape2: hosted_logos/), read once")
    imp2.add_argument("--map", help="landscape2 mapping file: categories → bands, maturity → x ranges")
    imp2.set_defaults(func=cmd_import)

    mandala = sub.add_parser("mandala", help="render a 9×9 Mandala goal chart (YAML or Markdown table)")
    mandala.add_argument("input", help="Mandala YAML, or a Markdown file holding a 9×9 table")
    mandala.add_argument("--table", type=int, default=1, help="which 9×9 table of the Markdown file (default 1)")
    outputs(mandala)
    mandala.add_argument("--size", default="square", choices=MANDALA_SIZES)
    mandala.add_argument("--title", help="title above the chart (default: the file's title)")
    mandala.set_defaults(func=cmd_mandala)

    imp = sub.add_parser("import-mandala", help="convert a Markdown 9×9 table to Mandala YAML (stdout)")
    imp.add_argument("input", help="Markdown file")
    imp.add_argument("--table", type=int, default=1, help="which 9×9 table (default 1)")
    imp.set_defaults(func=cmd_import_mandala)

    validate = sub.add_parser("validate", help="check data and layout files")
    validate.add_argument("data", help="data YAML file (projects)")
    validate.add_argument("--layout", help="layout rules YAML (default: layouts/<data file name>)")
    validate.add_argument("--lang", choices=LANGS, help="language of labels")
    validate.set_defaults(func=cmd_validate)

    for name, func, text in (("build", cmd_build, "render every output listed in the config file"),
                             ("check", cmd_check, "exit 1 when outputs on disk are stale or missing")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--config", default=CONFIG, help=f"config file (default: {CONFIG})")
        p.add_argument("--kind", choices=("landscape", "mandala"), help="only outputs of this kind")
        if name == "check":
            p.add_argument("--formats", help="only these formats, e.g. svg (PNG/PDF bytes depend on the "
                                             "cairo/zlib versions of the machine)")
        p.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 stale outputs, 2 bad input, 3 internal error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    scale = getattr(args, "scale", 1.0)
    if not 0 < scale <= 16:
        print(f"error: --scale must be between 0 and 16, got {scale}", file=sys.stderr)
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
