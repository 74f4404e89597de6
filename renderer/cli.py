"""Command line (``landscape …``). Thin: parse arguments, run jobs, write or compare files."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Callable, NoReturn

from . import __version__
from .errors import InputError, Warnings
from .jobs import CONFIG, LANDSCAPE_SIZES, MANDALA_SIZES, Job, data_inputs, expected_fingerprints, load_config, run
from .model import LANGS, check_groups, load_rules, project_folder, within
from .records import replace


def write_atomic(path: Path, payload: bytes) -> None:
    """Write ``payload`` to a temporary file beside ``path`` and rename it into place."""
    write_files([(path, payload)])


def write_files(payloads: list[tuple[Path, bytes]]) -> None:
    """Write every file or none: all go to temporary files first, then are renamed into place;
    should a rename fail, the files already replaced get their previous content back."""
    temps: list[tuple[Path, str]] = []
    try:
        for path, payload in payloads:
            temps.append((path, _temp_copy(path, payload)))
    except InputError:
        for _, tmp in temps:
            _unlink(tmp)
        raise
    done: list[tuple[Path, bytes | None]] = []
    try:
        for i, (path, tmp) in enumerate(temps):
            # the last file's old content is never needed: if its rename fails, it was not replaced
            previous = path.read_bytes() if i < len(temps) - 1 and path.is_file() else None
            os.replace(tmp, path)
            done.append((path, previous))
    except OSError as exc:
        for path, tmp in temps[len(done):]:
            _unlink(tmp)
        for path, previous in reversed(done):
            if previous is None:
                _unlink(str(path))
            else:
                _temp_replace(path, previous)
        raise InputError(f"cannot write file: {exc.strerror}; nothing was written", str(temps[len(done)][0])) from None


def _temp_copy(path: Path, payload: bytes) -> str:
    """A temporary file beside ``path`` holding ``payload`` (mode 0644)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = str(path.parent / f".{path.name}.{os.getpid()}.tmp")
        try:  # created exclusively, as tempfile.mkstemp does (whose import costs ~5 ms: shutil, random)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            import tempfile

            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write to {path.parent}: {exc.strerror}; choose another -o folder",
                         str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, 0o644)
    except OSError as exc:
        _unlink(tmp)
        raise InputError(f"cannot write file: {exc.strerror}", str(path)) from None
    return tmp


def _temp_replace(path: Path, payload: bytes) -> None:
    try:
        os.replace(_temp_copy(path, payload), path)
    except (OSError, InputError):
        pass


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _formats(text: str) -> tuple[str, ...]:
    return tuple(f.strip().lower() for f in text.split(",") if f.strip())


def _run_and_write(job: Job, warnings: Warnings) -> int:
    payloads, summary = run(job, warnings)
    write_files(payloads)  # everything rendered before anything is written
    print(f"{', '.join(str(p) for p, _ in payloads)}: {summary}")
    return 0


def _render_job(args: argparse.Namespace) -> Job:
    return Job(kind="landscape", source=Path(args.data), layout=Path(args.layout) if args.layout else None,
               out_dir=Path(args.output), formats=_formats(args.format), lang=args.lang, theme=args.theme,
               size=args.size, scale=args.scale, backend=args.backend,
               logos=Path(args.logos) if args.logos else None, report=Path(args.report) if args.report else None,
               input_format=args.input_format, map=Path(args.map) if args.map else None)


def cmd_render(args: argparse.Namespace, warnings: Warnings) -> int:
    """Render a landscape."""
    return _run_and_write(_render_job(args), warnings)


def cmd_watch(args: argparse.Namespace, warnings: Warnings) -> int:
    """Render a landscape now and again whenever its data, layout, theme or a logo changes."""
    import gc

    from .jobs import check_formats
    from .watch import watch

    gc.enable()  # a long-running process (the one-shot CLI runs without the cyclic collector)
    job = _render_job(args)
    check_formats(job.formats, job.backend)
    return watch(job, write_files, serve=args.serve, port=args.port, interval=args.interval)


def cmd_mandala(args: argparse.Namespace, warnings: Warnings) -> int:
    """Render a Mandala chart from YAML or from a Markdown 9×9 table."""
    job = Job(kind="mandala", source=Path(args.input), out_dir=Path(args.output), formats=_formats(args.format),
              lang=args.lang, theme=args.theme, size=None if args.size == "square" else args.size,
              scale=args.scale, backend=args.backend, table=args.table, title=args.title,
              report=Path(args.report) if args.report else None)
    return _run_and_write(job, warnings)


def cmd_diff(args: argparse.Namespace, warnings: Warnings) -> int:
    """Mark what changed between two data files on NEW's landscape; write the changelog."""
    from .diff import run_diff

    formats = _formats(args.format)
    out = Path(args.output) if args.output else None
    payloads, log, summary = run_diff(args.old, args.new, out, formats, Path(args.layout) if args.layout else None,
                                      args.lang, args.theme, args.size, args.scale, args.backend,
                                      Path(args.logos) if args.logos else None, warnings, args.panel)
    if formats == ("md",) and out is None:
        sys.stdout.write(log)
        return 0
    for path, payload in payloads:
        write_atomic(path, payload)
    print(f"{', '.join(str(p) for p, _ in payloads)}: {summary}")
    return 0


def cmd_import_mandala(args: argparse.Namespace, warnings: Warnings) -> int:
    """Print the YAML form of a Markdown 9×9 table."""
    import yaml

    from .mandala import load_mandala, to_yaml_data

    chart = load_mandala(Path(args.input), None, warnings, args.table)
    sys.stdout.write(yaml.safe_dump(to_yaml_data(chart), allow_unicode=True, sort_keys=False, width=100))
    return 0


def import_paths(data_out: Path, layout_out: Path | None) -> tuple[Path, Path]:
    """Where ``import`` writes: the data file, and its layout (``--layout-out``, else ``layouts/<name>``
    beside a ``data/`` folder, as in this repository, else in a ``layouts/`` folder beside the data file)."""
    return data_out, layout_out or project_folder(data_out) / "layouts" / data_out.name


def _link(target: Path, data_out: Path) -> str:
    """``target`` relative to the data file's folder."""
    return Path(os.path.relpath(target.resolve(), data_out.parent.resolve())).as_posix()


def cmd_import(args: argparse.Namespace, warnings: Warnings) -> int:
    """Convert landscape2 or AI-Infra JSON into a data file and a layout file (both or neither)."""
    import yaml

    from .jobs import import_source
    from .model import parse_dataset, parse_rules

    logos = Path(args.logos) if args.logos else None
    job = Job(kind="landscape", source=Path(args.input), out_dir=Path("."), input_format=args.format,
              logos=logos, map=Path(args.map) if args.map else None)
    data, layout = import_source(job, warnings)
    data_out, layout_out = import_paths(Path(args.output), Path(args.layout_out) if args.layout_out else None)
    if data_out.resolve() == layout_out.resolve():
        raise InputError("the data file and the layout file would be the same file; pass --layout-out",
                         str(data_out))
    # the data file names its layout and logo folder (those inside its project folder), so
    # `landscape render DATA` needs no flags
    links: dict[str, str] = {}
    for key, target in (("layout", layout_out), ("logos", logos)):
        if target is not None and within(target, project_folder(data_out)):
            links[key] = _link(target, data_out)
        elif target is not None:
            warnings.add(f"{data_out}: {target} lies outside {project_folder(data_out)}, so the data file cannot "
                         f"name it; pass --{key} {target} when rendering")
    data = {**data, "meta": {**data["meta"], **links}}
    rules = parse_rules(layout, f"{args.input} (imported layout)", None, warnings)  # both must validate
    check_groups(parse_dataset(data, args.input, rules.lang, warnings), rules)
    head = f"# Imported from {args.input} ({args.format}) by `landscape import`.\n"
    write_files([(path, (head + yaml.safe_dump(payload, allow_unicode=True, sort_keys=False, width=110)).encode())
                 for path, payload in ((data_out, data), (layout_out, layout))])
    print(f"{data_out}: {len(data['projects'])} projects; {layout_out}: {len(layout['groups'])} groups")
    return 0


def cmd_logos_pull(args: argparse.Namespace, warnings: Warnings) -> int:
    """Copy real logos of the data file's projects from a landscape2 file; fill their ``logo:`` fields."""
    from .logo_pull import plan_pull

    if args.data:
        data = Path(args.data)
    else:
        firsts = [j.source for j in load_config(Path(CONFIG)) if j.kind == "landscape"] if Path(CONFIG).is_file() else []
        if not firsts:
            raise InputError("no data file: pass --data FILE", CONFIG)
        data = firsts[0]
    into = Path(args.into) if args.into else data_inputs(Job(kind="landscape", source=data, out_dir=Path(".")))[2]
    if into.exists() and not into.is_dir():
        raise InputError("not a folder: pass --into DIR", str(into))
    plan = plan_pull(Path(args.landscape), Path(args.logos), data, into, args.origin or str(args.landscape))
    for title, lines in (("matched", plan.matched), ("ambiguous, left alone", plan.ambiguous),
                         ("matched but the logo cannot be used", plan.refused), ("not in the landscape", plan.missed)):
        print(f"{title}: {len(lines)}" + "".join(f"\n  {line}" for line in lines))
    if not args.dry_run:
        write_files(plan.files)
    print(f"{'would write' if args.dry_run else 'wrote'} {len(plan.files)} file(s)"
          + "".join(f"\n  {path}" for path, _ in plan.files))
    return 0


def cmd_validate(args: argparse.Namespace, warnings: Warnings) -> int:
    """Check data and layout without drawing."""
    from .model import parse_dataset

    job = Job(kind="landscape", source=Path(args.data), out_dir=Path("."),
              layout=Path(args.layout) if args.layout else None)
    raw, layout, _ = data_inputs(job)
    rules = load_rules(layout, args.lang, warnings)
    data = parse_dataset(raw, args.data, rules.lang, warnings)
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
    write_files(payloads)
    print(f"built {len(payloads)} file(s) from {args.config}")
    return 0


def cmd_check(args: argparse.Namespace, warnings: Warnings) -> int:
    """Exit 1 when any configured output on disk is missing or stale. By default the
    fingerprint each output carries is compared with its inputs (nothing is rendered);
    ``--full`` renders everything in memory and compares bytes."""
    stale: list[str] = []
    count = 0
    only = set(_formats(args.formats)) if args.formats else None
    engine = None
    memo: dict[object, object] = {}  # logo digests shared by the jobs of one data file
    for job in _config_jobs(args):
        if only is not None:
            job = replace(job, formats=tuple(f for f in job.formats if f in only))
            if not job.formats:
                continue
        if args.full:
            from .text import TextEngine

            engine = engine or TextEngine()
            outputs = [(path, lambda old, new=payload: None if old == new else "differs from a fresh render")
                       for path, payload in run(job, warnings, engine)[0]]
        else:
            from .fingerprint import stale_reason

            outputs = [(job.path(fmt), lambda old, fmt=fmt, fp=fp: stale_reason(fmt, old, fp))
                       for fmt, fp in expected_fingerprints(job, memo).items()]
        for path, reason_for in outputs:
            count += 1
            if not path.is_file():
                stale.append(f"missing: {path}")
            elif (reason := reason_for(path.read_bytes())) is not None:
                stale.append(f"stale:   {path} ({reason})")
    if stale:
        print(f"{len(stale)} of {count} output(s) out of date; run 'landscape build' (or make landscape mandala):")
        print("\n".join(stale))
        return 1
    return 0


def _terminal_width() -> int:
    """Columns of the terminal, as ``shutil.get_terminal_size`` finds them (whose import,
    which argparse does for every argument added, costs ~2 ms of each run)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with the terminal width found without shutil."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, width or _terminal_width() - 2)


class _Parser(argparse.ArgumentParser):
    """An argument parser laying out its help with ``_Formatter``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        """One line (no usage block): the message, the nearest valid choice, where help is."""
        import re

        hint = ""
        found = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if found:
            from difflib import get_close_matches

            choices = re.findall(r"'([^']*)'", found.group(2))
            close = [c for c in choices if c.startswith(found.group(1))] \
                or get_close_matches(found.group(1), choices, 1, 0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
        self.exit(2, f"error: {message}{hint} (see '{self.prog} --help')\n")


COMMANDS = ("render", "watch", "diff", "import", "mandala", "import-mandala", "validate", "logos", "build", "check")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser (``landscape --help``). With ``only`` (a name in COMMANDS), that
    subcommand alone is declared: declaring all of them costs argparse ~8 ms of every run."""
    parser = _Parser(prog="landscape", description="Render landscape and Mandala charts from YAML.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    common = _Parser(add_help=False)  # --debug after the subcommand too
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def wanted(name: str) -> bool:
        return only is None or only == name

    def outputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("-o", "--output", default="output", help="output folder (default: output)")
        p.add_argument("--format", default="svg,png", help="comma-separated: svg,png,pdf (default svg,png)")
        p.add_argument("--scale", type=float, default=2.0, help="PNG pixels per SVG px (default 2)")
        p.add_argument("--theme", help="light (default), dark, or a theme YAML file")
        p.add_argument("--backend", default="auto", choices=("auto", "cairo", "matplotlib"),
                       help="raster/PDF backend (default auto: cairo, else matplotlib)")
        p.add_argument("--lang", choices=LANGS, help="language of {en, zh-CN} labels; adds .LANG to file names")

    for name, func, text in (("render", cmd_render, "render a landscape (SVG/PNG/PDF)"),
                             ("watch", cmd_watch, "render a landscape, again on every change of its inputs")):
        if not wanted(name):
            continue
        render = sub.add_parser(name, parents=[common], help=text)
        render.add_argument("data", help="data YAML file (projects)")
        render.add_argument("--layout", help="layout rules YAML (default: layouts/<data file name>)")
        outputs(render)
        render.add_argument("--size", choices=tuple(LANDSCAPE_SIZES), help="canvas preset (default: natural size)")
        render.add_argument("--report", help="write a JSON report of every box and the layout metrics")
        render.add_argument("--logos", help="logo folder (default: logos/ beside data/)")
        render.add_argument("--input-format", default="yaml", choices=("yaml", "ai-infra-json", "landscape2"),
                            help="read DATA in another format, converted on the fly (see `landscape import`)")
        render.add_argument("--map", help="landscape2 mapping file (with --input-format landscape2)")
        render.set_defaults(func=func)
        if name == "watch":
            render.add_argument("--serve", action="store_true",
                                help="serve a preview page on 127.0.0.1 that reloads itself after each render")
            render.add_argument("--port", type=int, default=8765,
                                help="preview port (default 8765; 0 = any free port)")
            render.add_argument("--interval", type=float, default=0.25, help="seconds between looks at the inputs")
    if wanted("diff"):
        _diff_parser(sub, common)
    if wanted("import"):
        _import_parser(sub, common)
    if wanted("mandala"):
        mandala = sub.add_parser("mandala", parents=[common],
                                 help="render a 9×9 Mandala goal chart (YAML or Markdown table)")
        mandala.add_argument("input", help="Mandala YAML, or a Markdown file holding a 9×9 table")
        mandala.add_argument("--table", type=int, default=1, help="which 9×9 table of the Markdown file (default 1)")
        outputs(mandala)
        mandala.add_argument("--size", default="square", choices=MANDALA_SIZES)
        mandala.add_argument("--title", help="title above the chart (default: the file's title)")
        mandala.add_argument("--report", help="write a JSON report of every cell: drawn lines and font size")
        mandala.set_defaults(func=cmd_mandala)
    if wanted("import-mandala") or wanted("validate") or wanted("logos"):
        _small_parsers(sub, common, wanted)
    for name, func, text in (("build", cmd_build, "render every output listed in the config file"),
                             ("check", cmd_check, "exit 1 when outputs on disk are stale or missing")):
        if not wanted(name):
            continue
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("--config", default=CONFIG, help=f"config file (default: {CONFIG})")
        p.add_argument("--kind", choices=("landscape", "mandala"), help="only outputs of this kind")
        if name == "check":
            p.add_argument("--formats", help="only these formats, e.g. svg")
            p.add_argument("--full", action="store_true",
                           help="render everything in memory and compare bytes (slow; PNG/PDF bytes depend on "
                                "the machine's cairo/zlib)")
        p.set_defaults(func=func)
    return parser


def _diff_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    diff = sub.add_parser("diff", parents=[common],
                          help="show what changed between two data files: marked image + changelog")
    diff.add_argument("old", help="old data file, or git:REV:path (read from git history)")
    diff.add_argument("new", help="new data file, or git:REV:path")
    diff.add_argument("-o", "--output", help="output folder (default: output; --format md alone prints to stdout)")
    diff.add_argument("--format", default="svg,png,md", help="comma-separated: svg,png,pdf,md (default svg,png,md)")
    diff.add_argument("--layout", help="layout for both (default: the layout beside each data file; they must agree)")
    diff.add_argument("--panel", choices=("side", "bottom"),
                      help="the legend panel beside the chart (default) or below it (the canvas keeps the "
                           "chart's width: for a README image; the default with --size readme)")
    for flag, kw in (("--lang", {"choices": LANGS}), ("--theme", {}), ("--size", {"choices": tuple(LANDSCAPE_SIZES)}),
                     ("--scale", {"type": float, "default": 2.0}), ("--logos", {}),
                     ("--backend", {"default": "auto", "choices": ("auto", "cairo", "matplotlib")})):
        diff.add_argument(flag, **kw, help=f"as for render ({flag})")
    diff.set_defaults(func=cmd_diff)


def _import_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    imp2 = sub.add_parser("import", parents=[common],
                          help="convert landscape2 YAML or AI-Infra JSON to data + layout files")
    imp2.add_argument("format", choices=("landscape2", "ai-infra-json"))
    imp2.add_argument("input", help="landscape.yml (landscape2) or data.json (AI-Infra)")
    imp2.add_argument("-o", "--output", required=True, help="data file to write, e.g. data/x.yaml")
    imp2.add_argument("--layout-out", help="layout file to write (default: layouts/<same name>)")
    imp2.add_argument("--logos", help="logo folder (landscape2: hosted_logos/), read once")
    imp2.add_argument("--map", help="landscape2 mapping file: categories → bands, maturity → x ranges")
    imp2.set_defaults(func=cmd_import)


def _small_parsers(sub: Any, common: argparse.ArgumentParser, wanted: Callable[[str], bool]) -> None:
    if wanted("import-mandala"):
        imp = sub.add_parser("import-mandala", parents=[common],
                             help="convert a Markdown 9×9 table to Mandala YAML (stdout)")
        imp.add_argument("input", help="Markdown file")
        imp.add_argument("--table", type=int, default=1, help="which 9×9 table (default 1)")
        imp.set_defaults(func=cmd_import_mandala)
    if wanted("validate"):
        validate = sub.add_parser("validate", parents=[common], help="check data and layout files")
        validate.add_argument("data", help="data YAML file (projects)")
        validate.add_argument("--layout", help="layout rules YAML (default: layouts/<data file name>)")
        validate.add_argument("--lang", choices=LANGS, help="language of labels")
        validate.set_defaults(func=cmd_validate)
    if not wanted("logos"):
        return
    logos = sub.add_parser("logos", parents=[common], help="logo tools: `logos pull` real logos from landscape2")
    pull = logos.add_subparsers(dest="action", required=True, parser_class=_Parser).add_parser(
        "pull", parents=[common], help="copy logos of our projects from a landscape2 file, fill their logo: fields")
    pull.add_argument("landscape", help="landscape2 landscape.yml")
    pull.add_argument("--logos", required=True, help="its logo folder (landscape2: hosted_logos/)")
    pull.add_argument("--data", help="data file to fill (default: the first landscape of landscape.yaml)")
    pull.add_argument("--into", help="folder to copy logos to (default: the data file's logo folder)")
    pull.add_argument("--origin", help="where LANDSCAPE.yml comes from, for SOURCES.md (default: its path)")
    pull.add_argument("--dry-run", action="store_true", help="print the matches, write nothing")
    pull.set_defaults(func=cmd_logos_pull)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 stale outputs, 2 bad input, 3 internal error)."""
    words = sys.argv[1:] if argv is None else argv
    command = next((w for w in words if not w.startswith("-")), None)  # no top-level option takes a value
    try:
        args = build_parser(command if command in COMMANDS else None).parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a one-line usage error (_Parser.error)
        return exc.code if isinstance(exc.code, int) else 2
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
