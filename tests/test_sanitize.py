"""The logo sanitiser and the SVG audit, one hostile construct at a time."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from renderer.limits import Limits
from renderer.sanitize import UnsafeLogo, audit_svg, classic_colors, raster_thumbnail, sanitize_svg

SVG = "http://www.w3.org/2000/svg"
SHAPES = Path(__file__).resolve().parent / "fixtures" / "logo-shapes"
HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'


def clean(body: str) -> str:
    return sanitize_svg((HEAD + body + "</svg>").encode()).decode()


def test_hostile_doctypes_are_refused() -> None:
    body = (HEAD + "<text>&a;</text></svg>").encode()
    cases = {
        b'<!DOCTYPE svg [<!ENTITY a SYSTEM "file:///etc/passwd">]>': "external",
        b'<!DOCTYPE svg [<!ENTITY a PUBLIC "x" "http://evil/x">]>': "external",
        b'<!DOCTYPE svg [<!ENTITY % p SYSTEM "http://evil/x.dtd"> %p;]>': "parameter entity",
        b'<!DOCTYPE svg [<!ENTITY b "x"><!ENTITY a "&b;&b;">]>': "refers to other entities",
        b'<!DOCTYPE svg [<!ENTITY a "' + b"x" * 1025 + b'">]>': "over 1024 bytes",
        b"<!DOCTYPE svg [" + b"".join(b'<!ENTITY e%d "x">' % i for i in range(65)) + b'<!ENTITY a "x">]>':
            "more than 64 entity",
        b"<!--" + b" " * 5000 + b'--><!DOCTYPE svg [<!ENTITY a SYSTEM "file:///etc/passwd">]>': "external",
        b'<!DOCTYPE svg [<!ENTITY a "x">]><!DOCTYPE svg>': "repeated DOCTYPE",
        b'<!DOCTYPE svg [<!FOO bar>]>': "cannot be read",
    }
    for prolog, reason in cases.items():
        with pytest.raises(UnsafeLogo, match=reason):
            sanitize_svg(prolog + body)
    many = b'<!DOCTYPE svg [<!ENTITY a "' + b"x" * 1000 + b'">]>'
    with pytest.raises(UnsafeLogo, match="more than 64 KiB"):
        sanitize_svg(many + (HEAD + "<text>" + "&a;" * 70 + "</text></svg>").encode())


def test_harmless_doctypes_and_internal_entities_are_read_without_a_dtd() -> None:
    plain = b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
    assert "<rect" in sanitize_svg(plain + (HEAD + '<rect width="1" height="1"/></svg>').encode()).decode()
    entity = b'<!DOCTYPE svg [<!ENTITY c "#123456"><!ENTITY q \'say "hi" &#60;\'><!ATTLIST svg x CDATA "1">]>'
    out = sanitize_svg(entity + (HEAD + '<rect fill="&c;" width="1" height="1"/><text>&q;</text></svg>').encode())
    text = out.decode()
    assert 'fill="#123456"' in text and "DOCTYPE" not in text and "ENTITY" not in text
    assert ET.fromstring(out).find(f"{{{SVG}}}text").text == 'say "hi" <'  # entity values stay text
    with pytest.raises(UnsafeLogo, match="well-formed"):  # an undeclared entity is not expanded from anywhere
        sanitize_svg(plain + (HEAD + "<text>&nope;</text></svg>").encode())


def test_scripts_events_and_foreign_content_are_removed() -> None:
    out = clean('<script>alert(1)</script><rect width="5" height="5" onclick="x()" onmouseover="y()"/>'
                '<foreignObject><p>hi</p></foreignObject><animate attributeName="x"/><set to="1"/>')
    assert "<rect" in out and 'width="5"' in out
    for bad in ("script", "alert", "onclick", "onmouseover", "foreignObject", "animate", "<set"):
        assert bad not in out


def test_outside_references_are_removed_and_inside_ones_kept() -> None:
    out = clean('<defs><path id="p" d="M0 0h1"/></defs><use xlink:href="#p"/><use href="http://evil/x.svg#p"/>'
                '<image xlink:href="file:///etc/passwd"/><image xlink:href="data:image/png;base64,iVBORw0KGgo="/>'
                '<rect fill="url(http://evil/#g)" stroke="url(#local)"/><style>@import url(http://evil/a.css);</style>')
    assert 'xlink:href="#p"' in out and "data:image/png;base64" in out and 'stroke="url(#local)"' in out
    assert "evil" not in out and "file:" not in out and "@import" not in out


def test_switch_keeps_its_first_unconditional_child() -> None:
    out = clean('<switch transform="scale(2)"><foreignObject requiredExtensions="http://ns.adobe.com/AI/"><rect/>'
                '</foreignObject><g systemLanguage="fr"><circle r="1"/></g><g id="art"><path d="M0 0h1"/></g>'
                '<g id="later"><path d="M1 1h1"/></g></switch>')
    assert '<g transform="scale(2)"><g id="art">' in out
    assert "switch" not in out and "foreignObject" not in out and "circle" not in out and "later" not in out


def test_drawing_attributes_real_logos_use_are_kept() -> None:
    names = ["patternContentUnits", "overflow", "letter-spacing", "word-spacing", "shape-rendering", "filterUnits",
             "primitiveUnits", "color-interpolation-filters"]
    out = clean("<g " + " ".join(f'{n}="1"' for n in names) + '><rect width="1" height="1"/></g>')
    assert all(f'{n}="1"' in out for n in names)


def test_modern_css_colours_are_written_in_the_classic_syntax() -> None:
    assert classic_colors("fill:rgb(72.9% 85.5% 33.3%)") == "fill:#bada55"
    assert classic_colors("rgb(10 20 30 / 50%)") == "rgba(10, 20, 30, 0.5)"
    assert classic_colors("rgb(0,0,0,0)") == "rgba(0, 0, 0, 0)"
    assert classic_colors("hsl(120deg 100% 25%)") == "#008000"
    assert classic_colors("hsla(0.5turn, 100%, 50%, .25)") == "rgba(0, 255, 255, 0.25)"
    for kept in ("rgb(1, 2, 3)", "rgba(1,2,3,0.5)", "url(#g)", "#abc"):
        assert classic_colors(kept) == kept
    assert classic_colors(".a{fill:rgb(1 2);stroke:red}.b{fill:rgb(var(--x))}") == ".a{stroke:red}.b{}"
    assert 'fill=' not in clean('<rect fill="hsl(nope)" width="1" height="1"/>')  # renderers ignore it
    out = clean('<style>.a{fill:hsl(240 100% 50%)}</style><rect class="a" fill="rgb(100% 0% 0%)" width="1" height="1"/>')
    assert ".a{fill:#0000ff}" in out and 'fill="#ff0000"' in out


def test_logos_that_draw_nothing_are_refused() -> None:
    for body in ("", '<defs><path id="p" d="M0 0h5v5z"/></defs>', '<g display="none"><rect width="5" height="5"/></g>',
                 "<text> </text>", '<switch><foreignObject requiredExtensions="x"><rect/></foreignObject></switch>'):
        with pytest.raises(UnsafeLogo, match="draws nothing"):
            clean(body)
    with pytest.raises(UnsafeLogo, match="fully transparent"):
        out = io.BytesIO()
        Image.new("RGBA", (20, 20), (255, 0, 0, 0)).save(out, "PNG")
        raster_thumbnail(out.getvalue())


def _raster(svg: bytes, w: int, h: int) -> Image.Image:
    import cairosvg

    return Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg, output_width=w, output_height=h))).convert("RGBA")


def test_real_world_shapes_are_accepted_and_draw_what_they_hold() -> None:
    """One small fixture per shape of real logo files (tests/fixtures/logo-shapes/README.md)."""
    ill = _raster(sanitize_svg((SHAPES / "illustrator.svg").read_bytes()), 40, 20)
    assert ill.getpixel((5, 10)) == (204, 34, 34, 255) and ill.getpixel((30, 10))[:3] == (34, 68, 204)
    latin = sanitize_svg((SHAPES / "doctype-public.svg").read_bytes())
    assert "café &amp; co" in latin.decode() and _raster(latin, 30, 10).getpixel((15, 5)) == (17, 119, 51, 255)
    colors = _raster(sanitize_svg((SHAPES / "modern-colors.svg").read_bytes()), 30, 10)
    assert [colors.getpixel((x, 5)) for x in (5, 15, 25)] == [(186, 218, 85, 255), (0, 0, 255, 255), (255, 0, 0, 255)]
    pattern = sanitize_svg((SHAPES / "pattern-text.svg").read_bytes()).decode()
    assert 'patternContentUnits="userSpaceOnUse"' in pattern and 'letter-spacing="1"' in pattern
    utf16 = _raster(sanitize_svg((SHAPES / "utf16-declared.svg").read_bytes()), 10, 10)
    assert utf16.getpixel((5, 5)) == (136, 68, 0, 255)
    assert "verl" in sanitize_svg((SHAPES / "no-size.svg").read_bytes()).decode()


def test_use_cycles_and_use_bombs_are_refused() -> None:
    with pytest.raises(UnsafeLogo, match="cycle"):
        clean('<g id="a"><use xlink:href="#b"/></g><g id="b"><use xlink:href="#a"/></g>')
    levels = ['<g id="l0"><rect/></g>'] + [
        f'<g id="l{i}">' + f'<use xlink:href="#l{i - 1}"/>' * 6 + "</g>" for i in range(1, 6)]
    with pytest.raises(UnsafeLogo, match="expand"):
        clean("<defs>" + "".join(levels) + '</defs><use xlink:href="#l5"/>')
    assert "<use" in clean('<defs>' + "".join(levels[:3]) + '</defs><use xlink:href="#l2"/>')


def test_size_and_well_formedness() -> None:
    with pytest.raises(UnsafeLogo, match="larger than"):
        sanitize_svg(b"<svg/>" + b" " * 100, Limits(max_logo_bytes=50))
    with pytest.raises(UnsafeLogo, match="well-formed"):
        sanitize_svg(b"<svg><g></svg>")
    with pytest.raises(UnsafeLogo, match="no <svg> root"):
        sanitize_svg(b"<html/>")


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def test_raster_thumbnails_are_small_and_bombs_refused() -> None:
    data, w, h = raster_thumbnail(png(1000, 500))
    assert (w, h) == (128, 64) and Image.open(io.BytesIO(data)).size == (128, 64)
    with pytest.raises(UnsafeLogo, match="decompression bomb"):
        raster_thumbnail(png(300, 300), Limits(max_logo_pixels=10_000))
    with pytest.raises(UnsafeLogo, match="cannot be decoded"):
        raster_thumbnail(png(50, 50)[:60])


def test_audit_finds_what_must_never_be_written() -> None:
    bad = (HEAD + '<script/><rect onload="x"/><foreignObject/><image xlink:href="http://a/b.png"/>'
           '<a xlink:href="javascript:alert(1)"><rect/></a></svg>').encode()
    problems = audit_svg(bad)
    assert any("<script>" in p for p in problems) and any("onload" in p for p in problems)
    assert any("foreignObject" in p for p in problems) and any("external reference" in p for p in problems)
    assert any("link to" in p for p in problems)
    good = (HEAD + '<a xlink:href="https://example.org"><rect/></a></svg>').encode()
    assert audit_svg(good) == []


def test_logo_paths_as_landscape2_files_write_them(tmp_path: Path) -> None:
    from renderer.logos import LogoError, logo_path, resolve

    (tmp_path / "sub").mkdir()
    for name in ("a.svg", "sub/b.svg"):
        (tmp_path / name).write_text(HEAD + '<rect width="10" height="5"/></svg>')
    assert logo_path("./a.svg", tmp_path) == (tmp_path / "a.svg").resolve()
    assert resolve("./sub/b.svg", tmp_path).mime == "image/svg+xml"
    with pytest.raises(LogoError, match="outside"):
        logo_path("./sub/../../x.svg", tmp_path)
    with pytest.raises(LogoError, match="not found"):
        logo_path("./sub/c.svg", tmp_path)


def test_large_svg_logos_stay_vector_with_their_size(tmp_path: Path) -> None:
    from renderer.logos import resolve

    rects = "".join(f'<rect x="{i % 100}" y="{i // 100}" width="1" height="1" fill="#{i:06x}"/>' for i in range(1500))
    (tmp_path / "big.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="90mm" height="30mm">' + rects
                                      + "</svg>")
    logo = resolve("big.svg", tmp_path)
    assert len(logo.data) > 64 * 1024 and logo.mime == "image/svg+xml"  # never rasterised for the SVG output
    assert logo.width == pytest.approx(90 * 96 / 25.4) and logo.width / logo.height == pytest.approx(3)
    (tmp_path / "nosize.svg").write_bytes((SHAPES / "no-size.svg").read_bytes())
    assert (resolve("nosize.svg", tmp_path).width, resolve("nosize.svg", tmp_path).height) == (300, 150)


def test_nested_clips_are_drawn_by_the_raster_backends(tmp_path: Path) -> None:
    from renderer.logos import raster_of, resolve

    logo = resolve("nested-clip.svg", SHAPES)
    assert b"clip-path" in logo.data and b"!important" not in logo.data  # the embedded SVG is unchanged
    im = Image.open(io.BytesIO(raster_of(logo.data, 20))).convert("RGBA")
    assert im.getpixel((5, 5)) == (14, 21, 21, 255) and im.getpixel((15, 5))[3] == 0  # clipped to the left half


def test_a_logo_cairosvg_cannot_draw_never_fails_a_png_run(tmp_path: Path, cli, monkeypatch) -> None:
    import cairosvg

    def fail(**kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("a renderer bug")

    monkeypatch.setenv("LANDSCAPE_CACHE", str(tmp_path / "cache"))  # nothing rasterised yet
    monkeypatch.setattr(cairosvg, "svg2png", fail)
    fixtures = SHAPES.parent
    run = cli("render", fixtures / "small.yaml", "--layout", fixtures / "small-layout.yaml", "--logos",
              fixtures / "logos", "-o", tmp_path, "--format", "png", "--backend", "cairo")
    assert run.code == 0, run.err
    assert (tmp_path / "small-landscape.png").is_file()
