"""The logo sanitiser and the SVG audit, one hostile construct at a time."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from renderer.sanitize import Limits, UnsafeLogo, audit_svg, raster_thumbnail, sanitize_svg

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'


def clean(body: str) -> str:
    return sanitize_svg((HEAD + body + "</svg>").encode()).decode()


def test_entities_and_doctype_are_refused() -> None:
    with pytest.raises(UnsafeLogo, match="DOCTYPE"):
        sanitize_svg(b'<!DOCTYPE svg [<!ENTITY a "b">]>' + (HEAD + "<text>&a;</text></svg>").encode())
    with pytest.raises(UnsafeLogo, match="DOCTYPE"):
        sanitize_svg(b'<?xml version="1.0"?><!DOCTYPE svg SYSTEM "http://x/y.dtd">' + (HEAD + "</svg>").encode())


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
        raster_thumbnail(png(300, 300), Limits(max_raster_pixels=10_000))
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
