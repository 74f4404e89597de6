"""SVG backend (svgwrite stays behind this module). Numbers are written with 2 decimals."""

from __future__ import annotations

import base64
from typing import Any

import svgwrite

from ..scene import Circle, Group, Image, Line, Node, Path, Rect, Scene, Style, Text


def n(value: float) -> str:
    """A px number with at most 2 decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _paint(style: Style) -> dict[str, Any]:
    attrs: dict[str, Any] = {"fill": style.fill or "none"}
    if style.stroke:
        attrs["stroke"] = style.stroke
        attrs["stroke_width"] = n(style.stroke_width)
        if style.dash:
            attrs["stroke_dasharray"] = style.dash
    if style.opacity < 1:
        attrs["opacity"] = n(style.opacity)
    return attrs


def _element(dwg: svgwrite.Drawing, node: Node) -> Any:
    if isinstance(node, Group):
        attrs: dict[str, Any] = {}
        if node.id:
            attrs["id"] = node.id
        if node.classes:
            attrs["class_"] = " ".join(node.classes)
        for key, value in node.data:
            attrs[f"data-{key}"] = value
        group = dwg.g(**attrs)
        if node.title:
            group.set_desc(title=node.title)
        target = group
        if node.href:
            target = dwg.a(href=node.href, target="_blank")
            group.add(target)
        for child in node.children:
            target.add(_element(dwg, child))
        return group
    if isinstance(node, Rect):
        extra = {"rx": n(node.rx)} if node.rx else {}
        return dwg.rect(insert=(n(node.x), n(node.y)), size=(n(node.w), n(node.h)), **extra, **_paint(node.style))
    if isinstance(node, Circle):
        return dwg.circle(center=(n(node.cx), n(node.cy)), r=n(node.r), **_paint(node.style))
    if isinstance(node, Line):
        return dwg.line(start=(n(node.x1), n(node.y1)), end=(n(node.x2), n(node.y2)), **_paint(node.style))
    if isinstance(node, Path):
        extra = {"transform": node.transform} if node.transform else {}
        return dwg.path(d=node.d, **extra, **_paint(node.style))
    if isinstance(node, Text):
        return dwg.path(d=node.d, fill=node.fill, class_=f"text {node.role}")
    if isinstance(node, Image):
        href = f"data:{node.mime};base64,{base64.b64encode(node.data).decode('ascii')}"
        return dwg.image(href=href, insert=(n(node.x), n(node.y)), size=(n(node.w), n(node.h)),
                         preserveAspectRatio="xMidYMid meet")
    raise TypeError(f"unknown scene node {type(node).__name__}")


def render_svg(scene: Scene) -> bytes:
    """A self-contained SVG document (no fonts, no external files)."""
    dwg = svgwrite.Drawing(size=(n(scene.width), n(scene.height)), profile="full", debug=False)
    dwg.attribs["viewBox"] = f"0 0 {n(scene.width)} {n(scene.height)}"
    dwg.set_desc(title=scene.title, desc=scene.desc)
    if scene.background:
        dwg.add(dwg.rect(insert=(0, 0), size=(n(scene.width), n(scene.height)), fill=scene.background,
                         class_="background"))
    for node in scene.children:
        dwg.add(_element(dwg, node))
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + dwg.tostring() + "\n").encode("utf-8")
