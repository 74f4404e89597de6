"""PNG backend: the scene drawn by cairo at ``scale`` (2 = 2 device px per px).

``render_png`` draws the scene directly (backends/raster.py); ``render_png_cairosvg``
rasterises the scene's SVG with cairosvg and is kept as the reference the tests compare
against. Encoding: rows converted to RGB(A) by Pillow, filter type 0 (None: on these flat
colours and anti-aliased edges it compresses best of the five). A canvas drawn in one
band is deflated in one call by libdeflate at level 6 (half zlib's time at level 6, 2–4%
smaller), on a thread while the caller writes other formats (``start_png``); a taller
one, drawn band by band to bound memory, by zlib in stripes on two threads joined into
one standard zlib stream (sync-flushed stripes, combined Adler-32). Output is
deterministic.
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any, Callable

from ..fingerprint import KEYWORD
from ..scene import Node, Scene

_LEVEL = 6
_STRIPES = 8
_MAX_STRIPE_BYTES = 16 * 1024 * 1024  # big canvases: more, smaller stripes (memory)
_CONVERT_ROWS = 64  # rows converted at once (stays in cache before it is copied out)
_BASE = 65521


_BAND_BYTES = 64 * 1024 * 1024  # pixels drawn at once; taller images are drawn band by band


def render_png(scene: Scene, scale: float = 2.0) -> bytes:
    """PNG bytes of the scene (RGB, or RGBA when it has no background); memory stays near
    one band of pixels however tall the canvas."""
    return start_png(scene, scale)()


def start_png(scene: Scene, scale: float = 2.0) -> Callable[[], bytes]:
    """Draw the scene now; call the result for its PNG bytes (as ``render_png``). A canvas
    drawn in one band is converted to scanlines here and deflated on a thread meanwhile
    (libdeflate releases the GIL), so the caller can write other formats in the time; the
    conversion stays on this thread, where its many short GIL releases cost nothing."""
    import math

    from ..scene import Path, walk
    from .raster import draw_scene

    width, height = math.ceil(scene.width * scale), math.ceil(scene.height * scale)
    nodes = walk(scene.children)
    _prefetch_logos(nodes, scale * scene.width / scene.viewbox[2])
    band = max(64, min(height, _BAND_BYTES // (width * 4)))
    opaque = scene.background is not None
    if band >= height:
        _preload(paths=any(isinstance(n, Path) for n in nodes))
        surface = draw_scene(scene, scale)
        lines = _filtered(surface.get_data(), width, surface.get_stride(), 0, height, opaque, in_place=opaque)
        return _on_thread(lambda: _deflated(lines, width, height, opaque, scene.fingerprint, owner=surface))
    parts: list[tuple[bytes, int, int]] = []
    for top in range(0, height, band):
        rows = min(band, height - top)
        surface = draw_scene(scene, scale, top, rows)
        parts += _encode_parts(surface.get_data(), width, rows, surface.get_stride(), opaque,
                               last=top + rows >= height)
        del surface
    adler = 1
    for _, part_adler, length in parts:
        adler = _adler_combine(adler, part_adler, length)
    idat = b"\x78\x9c" + b"".join(p for p, _, _ in parts) + struct.pack(">I", adler)
    png = _assemble(idat, width, height, opaque, scene.fingerprint)
    return lambda: png


def _preload(paths: bool) -> None:
    """Import, on a thread, what drawing and encoding will need (Pillow, libdeflate, and
    fontTools' SVG path parser when the scene has ``paths``: ~20 ms of module set-up) while
    cairo draws with the GIL released."""
    import threading

    def imports() -> None:
        import deflate  # noqa: F401
        from PIL import Image  # noqa: F401

        if paths:
            from fontTools.pens.recordingPen import RecordingPen  # noqa: F401
            from fontTools.svgLib.path import parse_path  # noqa: F401

    threading.Thread(target=imports, name="png-imports", daemon=True).start()


def _on_thread(work: Callable[[], bytes]) -> Callable[[], bytes]:
    """Start ``work`` on a thread; the returned function waits for it and returns its result
    (or raises its exception)."""
    import threading

    done: list[tuple[bytes | None, BaseException | None]] = []

    def run() -> None:
        try:
            done.append((work(), None))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            done.append((None, exc))

    thread = threading.Thread(target=run, name="png-encode")
    thread.start()

    def result() -> bytes:
        thread.join()
        payload, error = done[0]
        if error is not None:
            raise error
        assert payload is not None
        return payload

    return result


def _prefetch_logos(nodes: list[Node], k: float) -> None:
    """Rasterise every SVG logo of a big scene (its nodes, ``k`` device px per scene unit)
    up front, on two processes."""
    from ..logos import prefetch_rasters
    from ..scene import Image

    prefetch_rasters([(n.data, max(8, round(max(n.w, n.h) * k))) for n in nodes
                      if isinstance(n, Image) and n.mime == "image/svg+xml"])


def render_png_cairosvg(scene: Scene, scale: float = 2.0) -> bytes:
    """PNG bytes of the scene's SVG as cairosvg draws it (the reference rasteriser)."""
    from cairosvg.parser import Tree
    from cairosvg.surface import PNGSurface

    from .svg import render_svg

    surface = PNGSurface(Tree(bytestring=render_svg(scene), unsafe=False), io.BytesIO(), 96, scale=scale)
    surface.cairo.flush()
    return encode_surface(surface.cairo, opaque=scene.background is not None)


def encode_surface(surface: Any, opaque: bool) -> bytes:
    """Encode a cairo ARGB32 ImageSurface as PNG."""
    return encode_png(surface.get_data(), surface.get_width(), surface.get_height(),  # no copy of the pixels
                      surface.get_stride(), opaque)


def encode_png(bgra: Any, width: int, height: int, stride: int, opaque: bool, fingerprint: str = "") -> bytes:
    """Encode cairo ARGB32 pixels (premultiplied, little-endian BGRA rows) as PNG, deflated
    in one call (libdeflate, level 6); ``fingerprint`` goes into a tEXt chunk."""
    return _deflated(_filtered(bgra, width, stride, 0, height, opaque), width, height, opaque, fingerprint)


def _deflated(lines: Any, width: int, height: int, opaque: bool, fingerprint: str, owner: Any = None) -> bytes:
    """The PNG of these scanlines, deflated in one call by libdeflate (which releases the GIL);
    ``owner``: the object holding their memory (the drawn surface), kept alive until then."""
    import deflate

    return _assemble(deflate.zlib_compress(lines, _LEVEL), width, height, opaque, fingerprint)


def _filtered(bgra: Any, width: int, stride: int, start: int, stop: int, opaque: bool,
              in_place: bool = False) -> Any:
    """Rows [start, stop) as PNG scanlines: filter byte 0, then RGB (or unpremultiplied RGBA).
    ``in_place`` (rows from the first, scanlines no longer than a row): written over ``bgra``
    itself from its start and returned as a view of it — each chunk of rows is converted
    before its scanlines overwrite it, and they never reach rows not yet read (saves
    allocating, and faulting in, another image-sized buffer)."""
    from PIL import Image

    mode, raw = ("RGB", "BGRX") if opaque else ("RGBA", "BGRa")
    row = width * len(mode)
    size = (stop - start) * (row + 1)
    if in_place and (start or row + 1 > stride):
        raise ValueError("scanlines cannot be written over these rows")
    view = memoryview(bgra if in_place else bytearray(size)).cast("B")
    pixels = memoryview(bgra)
    for first in range(start, stop, _CONVERT_ROWS):
        last = min(stop, first + _CONVERT_ROWS)
        chunk = pixels[first * stride:last * stride]  # no copy: Pillow reads the rows in place
        rows = memoryview(Image.frombuffer(mode, (width, last - first), chunk, "raw", raw, stride, 1).tobytes())
        for r in range(last - first):
            at = (first - start + r) * (row + 1)
            view[at] = 0
            view[at + 1:at + 1 + row] = rows[r * row:(r + 1) * row]
    return view[:size]


def _encode_parts(bgra: Any, width: int, height: int, stride: int, opaque: bool,
                  last: bool) -> list[tuple[bytes, int, int]]:
    """Deflated stripes of these rows (zlib), two at a time on threads; the final one ends the stream."""
    rows_per = max(1, min(-(-height // _STRIPES), _MAX_STRIPE_BYTES // max(stride, 1)))
    jobs = [(bgra, width, stride, start, min(height, start + rows_per), opaque,
             last and start + rows_per >= height) for start in range(0, height, rows_per)]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_stripe, jobs))


def _assemble(idat: bytes, width: int, height: int, opaque: bool, fingerprint: str = "") -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)
    text = _chunk(b"tEXt", KEYWORD + b"\0" + fingerprint.encode("ascii")) if fingerprint else b""
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + text + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _stripe(job: tuple[Any, int, int, int, int, bool, bool]) -> tuple[bytes, int, int]:
    """Rows [start, stop) as raw deflate; with their Adler-32 and length.

    All stripes but the last end with a sync flush, on a byte boundary, so they join."""
    data, width, stride, start, stop, opaque, last = job
    lines = _filtered(data, width, stride, start, stop, opaque)
    comp = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15, 9)
    out = comp.compress(lines) + comp.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)
    return out, zlib.adler32(lines), len(lines)


def _adler_combine(adler1: int, adler2: int, len2: int) -> int:
    """Adler-32 of A+B from those of A and B (zlib's adler32_combine)."""
    rem = len2 % _BASE
    sum1 = adler1 & 0xFFFF
    sum2 = (rem * sum1) % _BASE
    sum1 += (adler2 & 0xFFFF) + _BASE - 1
    sum2 += ((adler1 >> 16) & 0xFFFF) + ((adler2 >> 16) & 0xFFFF) + _BASE - rem
    sum1 %= _BASE
    sum2 %= _BASE
    return sum1 | (sum2 << 16)


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
