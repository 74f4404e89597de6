"""The direct cairo rasteriser agrees with cairosvg drawing the same scene's SVG."""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image, ImageChops

from renderer.backends.png import _adler_combine, encode_png, render_png, render_png_cairosvg
from fontTools.pens.recordingPen import RecordingPen

from renderer.backends.svgpath import PathError, draw_path
from renderer.errors import Warnings
from renderer.landscape import build_landscape
from renderer.mandala import build_mandala, load_mandala
from renderer.model import load_dataset, load_rules

from .conftest import FIXTURES


def mean_difference(a: bytes, b: bytes) -> float:
    """Mean absolute difference of two PNGs, 0–1."""
    ia, ib = Image.open(io.BytesIO(a)).convert("L"), Image.open(io.BytesIO(b)).convert("L")
    assert ia.size == ib.size
    hist = ImageChops.difference(ia, ib).histogram()
    return sum(i * n for i, n in enumerate(hist)) / (255 * ia.size[0] * ia.size[1])


def test_landscape_direct_matches_cairosvg(engine) -> None:
    rules = load_rules(FIXTURES / "small-layout.yaml")
    data = load_dataset(FIXTURES / "small.yaml", rules.lang)
    scene = build_landscape(data, rules, engine, FIXTURES / "logos", Warnings()).scene
    diff = mean_difference(render_png(scene, 1.5), render_png_cairosvg(scene, 1.5))
    assert diff < 0.005


def test_mandala_direct_matches_cairosvg(engine) -> None:
    chart = load_mandala(FIXTURES / "mini-mandala.yaml", "en", Warnings())
    scene = build_mandala(chart, engine, Warnings()).scene
    assert mean_difference(render_png(scene, 0.5), render_png_cairosvg(scene, 0.5)) < 0.005


def test_png_encoder_round_trips_pixels() -> None:
    width, height = 37, 23  # odd sizes: stripes of unequal length
    bgra = bytes((x * 7 % 256, y * 11 % 256, (x + y) % 256, 255) [c] for y in range(height) for x in range(width)
                 for c in range(4))
    image = Image.open(io.BytesIO(encode_png(bgra, width, height, width * 4, opaque=True)))
    assert image.mode == "RGB" and image.size == (width, height)
    assert image.getpixel((5, 3)) == ((5 + 3) % 256, 3 * 11 % 256, 5 * 7 % 256)


def test_adler_combine_matches_zlib() -> None:
    a, b = b"landscape" * 1000, b"mandala" * 7919
    assert _adler_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)


def _ops(d: str) -> list:
    pen = RecordingPen()
    draw_path(d, pen)
    return pen.value


def test_path_parser_handles_the_whole_grammar() -> None:
    assert _ops("M1 2h3v4H0V0z")[:4] == [("moveTo", ((1, 2),)), ("lineTo", ((4, 2),)), ("lineTo", ((4, 6),)),
                                         ("lineTo", ((0, 6),))]
    ops = _ops("M0 0a10 10 0 1 1 20 0")  # half circle: ends at the end point
    assert ops[-2][1][-1] == pytest.approx((20, 0)) and all(op == "curveTo" for op, _ in ops[1:-1])
    assert _ops("m1.5.5l.5-1")[:2] == [("moveTo", ((1.5, 0.5),)), ("lineTo", ((2.0, -0.5),))]
    assert _ops("M0 0a5 5 0 00.5.5")[1][1][-1] == pytest.approx((0.5, 0.5))  # compact arc flags
    with pytest.raises(PathError):
        draw_path("M0 0 L1", RecordingPen())


def test_tall_images_drawn_in_bands_match_one_pass(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from renderer.backends import png as png_module

    rules = load_rules(FIXTURES / "small-layout.yaml")
    data = load_dataset(FIXTURES / "small.yaml", rules.lang)
    scene = build_landscape(data, rules, engine, FIXTURES / "logos", Warnings()).scene
    whole = Image.open(io.BytesIO(render_png(scene, 1.0)))
    monkeypatch.setattr(png_module, "_BAND_BYTES", 900 * 4 * 70)  # ~70 rows a band
    banded = Image.open(io.BytesIO(render_png(scene, 1.0)))
    assert banded.size == whole.size
    assert ImageChops.difference(banded.convert("RGB"), whole.convert("RGB")).getbbox() is None


def test_cffi_module_matches_the_declarations(tmp_path) -> None:
    """cairoffi.py is what cffi generates from cairolib.DECLARATIONS (regenerate with
    ``python -m renderer.backends.cairolib`` after editing them)."""
    from renderer.backends.cairolib import MODULE, write_module

    write_module(tmp_path / "cairoffi.py")
    assert (tmp_path / "cairoffi.py").read_text() == MODULE.read_text()


def test_png_logos_decoded_by_cairo_equal_pillow() -> None:
    """cairo's PNG reader premultiplies exactly as Pillow's BGRa packer, for every colour and
    alpha, and reads opaque, palette and grey PNGs to the same pixels."""
    from renderer.backends.cairolib import ImageSurface

    every = Image.frombytes("RGBA", (256, 256), bytes(v for a in range(256) for c in range(256)
                                                      for v in (c, 255 - c, c * 7 % 256, a)))
    for mode in ("RGBA", "RGB", "P", "L", "LA"):
        buffer = io.BytesIO()
        every.convert(mode).save(buffer, "PNG")
        by_cairo = ImageSurface.from_png(buffer.getvalue())
        by_pillow = ImageSurface.from_rgba(Image.open(io.BytesIO(buffer.getvalue())))
        assert (by_cairo.get_width(), by_cairo.get_height()) == (256, 256)
        assert bytes(by_cairo.get_data()) == bytes(by_pillow.get_data()), mode
    with pytest.raises(ValueError):
        ImageSurface.from_png(b"\x89PNG not really")


@pytest.mark.parametrize("scale, top", [(2.0, 0.0), (0.7, 0.0), (1.5, 37.0), (3.0, 0.0), (1.37, 11.0)])
def test_glyph_paths_appended_at_their_origins_equal_a_call_per_command(engine, scale: float, top: float) -> None:
    """Each glyph's path appended under a translation to its origin gives the pixels of
    adding the origin to every point (at these scales, and with a band offset)."""
    from renderer.backends.cairolib import Context, ImageSurface
    from renderer.backends.raster import _glyphs
    from renderer.scene import texts

    chart = load_mandala(FIXTURES / "mini-mandala.yaml", "en", Warnings())
    nodes = texts(build_mandala(chart, engine, Warnings()).scene)
    surfaces = []
    for translated in (True, False):
        surface = ImageSurface(600, 600)
        ctx = Context(surface)
        ctx.translate(0, -top)
        ctx.scale(scale, scale)
        for node in nodes:
            if translated:
                _glyphs(ctx, node)
            else:
                for outline, x, y in node.glyphs:
                    for op, a in outline.ops:
                        if op == "M":
                            ctx.move_to(a[0] + x, a[1] + y)
                        elif op == "L":
                            ctx.line_to(a[0] + x, a[1] + y)
                        elif op == "C":
                            ctx.curve_to(a[0] + x, a[1] + y, a[2] + x, a[3] + y, a[4] + x, a[5] + y)
                        else:
                            ctx.close_path()
            ctx.set_source_rgb(0.1, 0.2, 0.3)
            ctx.fill()
        surface.flush()
        surfaces.append(surface)
    assert any(bytes(surfaces[0].get_data()))  # something was drawn
    assert bytes(surfaces[0].get_data()) == bytes(surfaces[1].get_data())


def test_scanlines_written_over_the_pixels_equal_a_fresh_buffer() -> None:
    from renderer.backends.png import _filtered

    width, height, stride = 37, 150, 37 * 4  # more rows than one conversion chunk
    pixels = bytes((x * 7 + y) % 256 if c < 3 else 255 for y in range(height) for x in range(width) for c in range(4))
    fresh = bytes(_filtered(pixels, width, stride, 0, height, opaque=True))
    buffer = bytearray(pixels)
    assert bytes(_filtered(buffer, width, stride, 0, height, opaque=True, in_place=True)) == fresh
    assert len(fresh) == height * (3 * width + 1) and fresh[0] == fresh[3 * width + 1] == 0
    assert zlib.crc32(fresh) != zlib.crc32(bytes(len(fresh)))
    with pytest.raises(ValueError):
        _filtered(bytearray(pixels), width, stride, 0, height, opaque=False, in_place=True)  # RGBA rows are longer
