"""README example of ``landscape diff`` (``make diff-example``): the default data against the
tests' edited copy (5 added, 3 removed, 4 stage changes, 6 moved), its panel below the chart (so
it reads at README width), written to output/ai-infra-diff.en.svg and .png. The edited copy lives in a temporary folder;
tests/test_diff.py fails when the committed example is stale."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from renderer.cli import main  # noqa: E402
from tests.test_diff import edited_copy  # noqa: E402


def example_args(tmp: Path, out: Path, formats: str = "svg,png") -> list[str]:
    """``landscape diff`` arguments of the example, its edited copy written under ``tmp``."""
    new = edited_copy(tmp / "example-edit")
    return ["diff", str(ROOT / "data" / "ai-infra.yaml"), str(new), "--layout",
            str(ROOT / "layouts" / "ai-infra.yaml"), "--lang", "en", "--format", formats, "--panel", "bottom",
            "-o", str(out)]


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        sys.exit(main(example_args(Path(tmp), ROOT / "output")))
