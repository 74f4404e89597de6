"""Golden SVG of a small fixture: any change to layout or drawing shows up here.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 make test`` and look at the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

from .conftest import FIXTURES, unstamped

GOLDEN = Path(__file__).resolve().parent / "golden" / "small-landscape.svg"


def test_small_fixture_matches_golden_svg(tmp_path: Path, cli) -> None:
    run = cli("render", FIXTURES / "small.yaml", "--layout", FIXTURES / "small-layout.yaml",
              "--logos", FIXTURES / "logos", "-o", tmp_path, "--format", "svg")
    assert run.code == 0, run.err
    produced = unstamped((tmp_path / "small-landscape.svg").read_bytes())
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_bytes(produced)
    assert produced == GOLDEN.read_bytes()
