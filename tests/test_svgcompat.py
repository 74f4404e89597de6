"""SVG logos as cairosvg draws them inside an <image> (the PDF path): scaled into the box as a
browser draws them, whatever their viewBox."""

from __future__ import annotations

import base64
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renderer.svgcompat import as_cairosvg_image, svg_size, without_nested_clips

cairosvg = pytest.importorskip("cairosvg")
Image = pytest.importorskip("PIL.Image")

RED = '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#ff0000"/>'


def _drawn(logo: bytes, w: int = 48, h: int = 24) -> "Image.Image":
    """``logo`` drawn by cairosvg as an <image> filling a ``w`` × ``h`` px page."""
    uri = base64.b64encode(logo).decode()
    page = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{w}" '
            f'height="{h}"><rect width="{w}" height="{h}" fill="#ffffff"/><image width="{w}" height="{h}" '
            f'preserveAspectRatio="xMidYMid meet" xlink:href="data:image/svg+xml;base64,{uri}"/></svg>')
    return Image.open(io.BytesIO(cairosvg.svg2png(bytestring=page.encode()))).convert("RGB")


@pytest.mark.parametrize("root, quadrant", [
    ('width="120" height="60"', (60, 30, 60, 30)),  # no viewBox (PyTorch's logo)
    ('viewBox="19 21 200 100"', (119, 71, 100, 50)),  # a viewBox not at 0 0 (DeepSpeed's)
    ('width="2in" height="1in"', (96, 48, 96, 48)),  # absolute units: user units are px
])
def test_logo_fills_its_image_box_as_in_a_browser(root: str, quadrant: tuple[int, int, int, int]) -> None:
    """A logo red in its bottom-right quarter only, drawn into a 48 × 24 box: red there, white in
    the top-left quarter (cairosvg alone draws the first at 1:1, cut to the box, and cuts the
    second short)."""
    x, y, w, h = quadrant
    logo = f'<svg xmlns="http://www.w3.org/2000/svg" {root}>{RED.format(x=x, y=y, w=w, h=h)}</svg>'.encode()
    drawn = _drawn(as_cairosvg_image(logo))
    assert [drawn.getpixel(p) for p in [(30, 15), (46, 22)]] == [(255, 0, 0)] * 2, root
    assert [drawn.getpixel(p) for p in [(1, 1), (20, 9)]] == [(255, 255, 255)] * 2, root


def test_only_what_cairosvg_needs_changes() -> None:
    zero = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 5"><path d="M0 0h10v5z"/></svg>'
    assert as_cairosvg_image(zero) == zero
    unsized = b'<svg xmlns="http://www.w3.org/2000/svg" width="50%"><path d="M0 0h10v5z"/></svg>'
    assert as_cairosvg_image(unsized) == unsized  # no absolute size: nothing to scale from
    moved = as_cairosvg_image(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 3 10 5"><path d="M0 0"/></svg>')
    assert moved == (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 5"><g transform="translate(2 -3)">'
                     b'<path d="M0 0"/></g></svg>')
    assert svg_size(moved) == (10.0, 5.0)


def test_nested_clips_are_dropped_for_cairosvg() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><clipPath id="a"><rect clip-path="url(#b)"/></clipPath></svg>'
    assert b"clip-path:none" in without_nested_clips(svg)
    assert b"clip-path:none" in as_cairosvg_image(svg)


def _attr_values() -> st.SearchStrategy[str]:
    number = st.floats(-500, 500, allow_nan=False).map(lambda v: f"{v:g}")
    return st.one_of(st.just(""), number, number.map(lambda v: v + "px"), number.map(lambda v: v + "in"),
                     st.just("50%"), st.just("auto"))


def test_any_root_gives_well_formed_svg_of_the_same_size() -> None:
    """Whatever a sanitised logo's root says (viewBox, width, height, or none), the result is
    well-formed, has one viewBox at 0 0 when it changed, and measures as the original."""
    import xml.etree.ElementTree as ET

    box = st.tuples(*[st.floats(-300, 300, allow_nan=False)] * 2, *[st.floats(-5, 300, allow_nan=False)] * 2)

    @settings(max_examples=200, deadline=None)
    @given(st.one_of(st.none(), box), _attr_values(), _attr_values(), st.booleans())
    def check(view: tuple[float, ...] | None, width: str, height: str, closed: bool) -> None:
        attrs = [f'viewBox="{" ".join(f"{v:g}" for v in view)}"'] if view is not None else []
        attrs += [f'width="{width}"'] if width else []
        attrs += [f'height="{height}"'] if height else []
        body = '<path d="M0 0h5v5z"/></svg>' if closed else ""
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" {" ".join(attrs)}{">" if closed else "/>"}{body}'.encode()
        out = as_cairosvg_image(svg)
        root = ET.fromstring(out)
        assert svg_size(out) == pytest.approx(svg_size(svg), rel=1e-9)
        if out != svg:
            assert root.get("viewBox", "").startswith("0 0 ") and root.get("width") is None
            assert out.count(b"viewBox") == 1

    check()
