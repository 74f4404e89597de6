"""Logo corpus measurement (``make logo-corpus``, not part of ``make test``): every file of a
folder of real logos goes through the renderer's own loader (``renderer.logos.resolve``).

    python tests/logo_corpus.py [DIR] [--list] [--no-bench]   # DIR: $LOGO_CORPUS or ../shared/corpus/cncf-logos

Prints how many are accepted, refused (by reason), blank (the embedded logo draws no
pixel), and the fidelity: the original and the embedded logo, both rasterised by cairosvg
at 128 px on the longest side, premultiplied RGBA, mean absolute difference 0–255. The
reference is cairosvg on the original file (entities resolved, data: URLs only), so
cairosvg's own limits count against the embedded copy. The PDF path: the embedded logo drawn
by cairosvg as an ``<image>`` of a page (as ``render --format pdf`` draws it, after
``svgcompat.as_cairosvg_image``) against the PNG path, same measure.
Then the first (cold-cache) ``landscape render`` of a 1,000-card landscape whose cards
carry the first 1,000 SVG logos of DIR (SVG output only), in seconds.
"""

from __future__ import annotations

import io
import os
import re
import sys
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DIR = Path(os.environ.get("LOGO_CORPUS", ROOT.parent / "shared" / "corpus" / "cncf-logos"))
SIDE = 128  # px, longest side of both rasterisations
FAITHFUL = 1.0  # mean absolute difference (0–255) counted as faithful


def _pixels(svg: bytes | None, png: bytes | None, w: int, h: int, unsafe: bool):
    """Premultiplied RGBA pixels (a numpy array, h × w × 4) of an SVG or a PNG."""
    import numpy as np
    from cairosvg.surface import PNGSurface
    from cairosvg.url import safe_fetch  # data: URLs only, even for the unsafe original
    from PIL import Image

    if svg is not None:
        png = PNGSurface.convert(bytestring=svg, output_width=w, output_height=h, unsafe=unsafe,
                               url_fetcher=safe_fetch)
    im = Image.open(io.BytesIO(png)).convert("RGBA").resize((w, h), Image.Resampling.LANCZOS)
    a = np.asarray(im, dtype=np.float64)
    a[..., :3] *= a[..., 3:4] / 255.0
    return a


def _reason(message: str, name: str) -> str:
    """A refusal message without the file name and per-file details."""
    text = message.replace(name, "").strip(" :")
    text = re.sub(r"\([^)]*\)", "(…)", text)
    return re.sub(r"\d[\d,.]*", "N", text)


def _as_pdf_draws(svg: bytes, w: int, h: int) -> bytes:
    """A page of ``w`` × ``h`` px holding the logo as an <image>, as the PDF backend hands it to
    cairosvg."""
    import base64

    from renderer.svgcompat import as_cairosvg_image

    uri = base64.b64encode(as_cairosvg_image(svg)).decode()
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{w}" '
            f'height="{h}"><image width="{w}" height="{h}" preserveAspectRatio="xMidYMid meet" '
            f'xlink:href="data:image/svg+xml;base64,{uri}"/></svg>').encode()


def measure_one(path: Path) -> tuple[str, str, float | None, float | None]:
    """(name, outcome, difference, PDF-path difference): outcome is 'ok', 'blank', 'refused:
    REASON' or 'ok, original not rasterisable'. The embedded logo is rasterised by
    ``raster_of``, as the PNG backends draw it."""
    import numpy as np

    from renderer.logos import LogoError, raster_of, resolve

    try:
        logo = resolve(path.name, path.parent)
    except LogoError as exc:
        return path.name, "refused: " + _reason(str(exc), path.name), None, None
    k = SIDE / max(logo.width, logo.height)
    w, h = max(1, round(logo.width * k)), max(1, round(logo.height * k))
    try:  # as the raster backends draw it
        embedded = _pixels(None, raster_of(logo.data, SIDE) if logo.mime == "image/svg+xml" else logo.data, w, h,
                           unsafe=False)
    except Exception as exc:  # noqa: BLE001 - a renderer failure on our own output is a finding
        return path.name, f"embedded not rasterisable ({exc.__class__.__name__})", None, None
    if embedded[..., 3].max() == 0:
        return path.name, "blank", None, None
    pdf = None
    if logo.mime == "image/svg+xml":
        try:
            pdf = float(np.abs(_pixels(_as_pdf_draws(logo.data, w, h), None, w, h, unsafe=False) - embedded).mean())
        except Exception:  # noqa: BLE001 - counted as not drawn
            pdf = 255.0
    original = path.read_bytes()
    try:
        if path.suffix.lower() == ".svg":
            reference = _pixels(original, None, w, h, unsafe=True)
        else:
            reference = _pixels(None, original, w, h, unsafe=False)
    except Exception:  # noqa: BLE001 - the original may be beyond cairosvg
        return path.name, "ok, original not rasterisable", None, pdf
    return path.name, "ok", float(np.abs(embedded - reference).mean()), pdf


def bench_cold_render(folder: Path, n: int = 1000) -> float | None:
    """Seconds of the first (cold-cache) SVG render of ``n`` cards with real logos."""
    from bench_scale import make_dataset, measure

    svgs = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".svg")[:n]
    if len(svgs) < n:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_dataset(n, work)
        for i, src in enumerate(svgs):
            (work / "logos" / f"l{i}.svg").write_bytes(src.read_bytes())
        result = measure(n, work, "svg", work / "cache")
        return result["seconds"] if result["code"] == 0 else None


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    folder = Path(args[0]) if args else DEFAULT_DIR
    if not folder.is_dir():
        print(f"error: {folder}: no such folder (see ../shared/corpus/SOURCES.md)", file=sys.stderr)
        return 2
    files = sorted(p for p in folder.iterdir() if p.is_file())
    os.environ["LANDSCAPE_CACHE"] = tempfile.mkdtemp(prefix="logo-corpus-cache-")  # every logo cold
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(measure_one, files, chunksize=8))
    outcomes = Counter(o if not o.startswith("refused") else "refused" for _, o, _, _ in results)
    refused = Counter(o[len("refused: "):] for _, o, _, _ in results if o.startswith("refused"))
    diffs = sorted(d for _, _, d, _ in results if d is not None)
    pdf = sorted(d for *_, d in results if d is not None)
    total = len(results)
    accepted = total - outcomes["refused"]
    print(f"logo corpus: {folder} ({total} files)")
    print(f"accepted   {accepted:>5}  {100 * accepted / total:6.2f}%")
    print(f"refused    {outcomes['refused']:>5}  {100 * outcomes['refused'] / total:6.2f}%")
    for reason, count in refused.most_common():
        print(f"  {count:>5}  {reason}")
    print(f"blank      {outcomes['blank']:>5}")
    other = {o: c for o, c in outcomes.items() if o not in ("ok", "refused", "blank")}
    for outcome, count in sorted(other.items()):
        print(f"{outcome}: {count}")
    if diffs:
        good = sum(1 for d in diffs if d <= FAITHFUL)
        compared = len(diffs)
        print(f"fidelity (mean |Δ| 0–255 at {SIDE} px, {compared} compared): median {diffs[compared // 2]:.3f}, "
              f"p99 {diffs[min(compared - 1, int(compared * 0.99))]:.3f}, max {diffs[-1]:.2f}; "
              f"≤ {FAITHFUL:g}: {good} = {100 * good / compared:.2f}% of compared, "
              f"{100 * good / total:.2f}% of all")
    if pdf:
        off = [d for d in pdf if d > FAITHFUL]
        print(f"PDF path (logo as an <image> drawn by cairosvg) against the PNG path, {len(pdf)} SVG logos: "
              f"{len(off)} differ by more than {FAITHFUL:g}")
    if "--list" in argv:
        worst = sorted((d, n) for n, _, d, _ in results if d is not None and d > FAITHFUL)
        for d, name in reversed(worst):
            print(f"  Δ {d:7.2f}  {name}")
        for d, name in sorted(((d, n) for n, *_, d in results if d is not None and d > FAITHFUL), reverse=True):
            print(f"  PDF Δ {d:7.2f}  {name}")
        for name, outcome, _, _ in results:
            if outcome not in ("ok",):
                print(f"  {outcome}: {name}")
    if "--no-bench" not in argv:
        seconds = bench_cold_render(folder)
        shown = "n/a (fewer than 1,000 SVG logos, or the render failed)" if seconds is None else f"{seconds:.2f} s"
        print(f"first (cold-cache) SVG render, 1,000 cards with real logos: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
