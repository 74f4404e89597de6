"""The bad and hostile input corpus (tests/bad_inputs/cases.yaml): one expectation each."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pytest
import yaml

from renderer.sanitize import audit_svg

from .conftest import FIXTURES, embedded_svgs

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
PREVIOUS = b"<svg>previous good output</svg>"


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    idat = zlib.compress(b"\x00" * 64)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def _generate(kind: str, root: Path) -> list[str]:
    """Write generated inputs; returns extra CLI arguments."""
    logos = root / "logos"
    if kind == "not-utf8":
        (root / "data.yaml").write_bytes(b"projects:\n  - {name: \xff\xfe, group: app, x: 1, y: 90}\n")
    elif kind == "long-name":
        data = root / "data.yaml"
        data.write_text(data.read_text(encoding="utf-8").replace("name: Alpha", "name: " + "a" * 10_000),
                        encoding="utf-8")
    elif kind == "crowd":
        rows = "\n".join(f"  - {{name: Card number {i}, group: app, x: 60, y: 80}}" for i in range(60))
        (root / "data.yaml").write_text(f"projects:\n{rows}\n", encoding="utf-8")
    elif kind == "truncated-png":
        from PIL import Image
        import io

        buf = io.BytesIO()
        Image.new("RGB", (64, 64), (10, 120, 200)).save(buf, "PNG")
        (logos / "beta.png").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    elif kind == "png-bomb":
        (logos / "beta.png").write_bytes(_png_header(40_000, 40_000))
    elif kind == "use-bomb":
        levels = ['<g id="l0"><rect width="1" height="1"/></g>']
        for i in range(1, 6):
            uses = "".join(f'<use xlink:href="#l{i - 1}"/>' for _ in range(10))
            levels.append(f'<g id="l{i}">{uses}</g>')
        (logos / "beta.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" '
                                        'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
                                        f'<defs>{"".join(levels)}</defs><use xlink:href="#l5"/></svg>')
    elif kind == "late-doctype-xxe":  # the DOCTYPE after 4 KiB of comments
        (logos / "beta.svg").write_text('<?xml version="1.0"?>\n<!--' + "." * 5000 + '-->\n<!DOCTYPE svg [<!ENTITY '
                                        'xxe SYSTEM "file:///etc/passwd">]>\n<svg xmlns="http://www.w3.org/2000/svg" '
                                        'viewBox="0 0 10 10"><text>&xxe;</text></svg>\n')
    elif kind == "big-logo":
        with open(logos / "beta.svg", "wb") as fh:
            fh.truncate(50 * 1024 * 1024)
    elif kind == "symlink-out":
        outside = root.parent / f"{root.name}-outside.svg"
        outside.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>')
        os.symlink(outside, logos / "link.svg")
    elif kind == "output-under-a-file":
        (root / "blocker").write_text("a file, not a folder")
        return ["-o", str(root / "blocker" / "out")]
    else:
        raise ValueError(kind)
    return []


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input(case: dict, tmp_path: Path, cli) -> None:
    root = tmp_path / "case"
    (root / "logos").mkdir(parents=True)
    data = (CORPUS / "base.yaml").read_text(encoding="utf-8").replace("LOGO", case.get("logo", "kubernetes"))
    for old, new in case.get("replace", []):
        assert old in data, old
        data = data.replace(old, new)
    (root / "data.yaml").write_text(data, encoding="utf-8")
    layout = (FIXTURES / "small-layout.yaml").read_text(encoding="utf-8")
    for old, new in case.get("layout_replace", []):
        assert old in layout, old
        layout = layout.replace(old, new)
    (root / "layout.yaml").write_text(layout, encoding="utf-8")
    for name, text in (case.get("files") or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    extra = _generate(case["generate"], root) if "generate" in case else []
    out = root / "out"
    out.mkdir()
    command = case.get("command", "render")
    if command == "mandala":
        source = next(root / n for n in (case.get("files") or {}) if n.startswith("goals"))
        previous = out / f"{source.stem}-mandala.svg"
        args = ["mandala", source, "-o", out, "--format", "svg"]
    else:
        previous = out / "data-landscape.svg"
        args = ["render", root / "data.yaml", "--layout", root / "layout.yaml", "--logos", root / "logos",
                "-o", out, "--format", "svg"]
    previous.write_bytes(PREVIOUS)
    args += [str(a) for a in case.get("args", [])] + extra
    expect = case["expect"]

    result = cli(*args)

    assert "Traceback" not in result.err
    assert result.code == expect["exit"], result.err
    if expect["exit"] == 2:
        errors = [line for line in result.err.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, result.err
        assert expect["error"] in errors[0], errors[0]
        if "where" in expect:
            assert errors[0].startswith(f"error: {root / expect['where']}"), errors[0]
        assert previous.read_bytes() == PREVIOUS  # the last good output is untouched
        assert sorted(p.name for p in out.iterdir()) == [previous.name]
        return
    svg = previous.read_text(encoding="utf-8")
    assert svg != PREVIOUS.decode()
    assert audit_svg(svg.encode()) == []
    if "warning" in expect:
        assert expect["warning"] in result.err, result.err
    if "svg_embeds" in expect:
        inner = embedded_svgs(svg)
        assert inner and all(expect["svg_embeds"] in s for s in inner)
        for forbidden in expect.get("svg_lacks", []):
            assert all(forbidden not in s for s in inner), forbidden
            assert forbidden not in svg
