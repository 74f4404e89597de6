"""``landscape logos pull``: matching a landscape2 file, copying logos, filling ``logo:`` fields."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

MARK = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10"><rect width="20" height="10" fill="{}"/></svg>'
LANDSCAPE = """\
landscape:
- category: null
  name: Orchestration
  subcategories:
  - subcategory: null
    name: Scheduling
    items:
    - item: null
      name: Kueue Project
      repo_url: https://github.com/kubernetes-sigs/kueue.git
      logo: ./kueue.svg
    - item: null
      name: Volcano
      homepage_url: https://volcano.sh/
      logo: volcano.svg
    - item: null
      name: Twin
      logo: twin-a.svg
    - item: null
      name: twin
      logo: sub/twin-b.svg
    - item: null
      name: Bad
      logo: bad.svg
  - subcategory: null
    name: Again
    items:
    - item: null
      name: Kueue
      repo_url: https://github.com/kubernetes-sigs/kueue
      logo: kueue.svg
      second_path: [Orchestration / Scheduling]
"""
DATA = """\
# our projects (this comment stays)
projects:
  - {name: Kueue, group: app, x: 10, y: 90, logo: kueue-old, url: https://github.com/kubernetes-sigs/kueue}
  - {name: VOLCANO, group: app, x: 20, y: 90}   # matched by name
  - {name: Twin, group: app, x: 30, y: 90}
  - name: Bad
    group: app
    x: 40
    y: 90
  - {name: Nowhere, group: app, x: 50, y: 90, url: https://example.org/nowhere}
"""


def _setup(root: Path) -> tuple[Path, Path, Path, Path]:
    hosted = root / "hosted_logos"
    (hosted / "sub").mkdir(parents=True)
    for name, color in (("kueue.svg", "#1f6fb2"), ("volcano.svg", "#d9381e"), ("twin-a.svg", "#111111"),
                        ("sub/twin-b.svg", "#222222")):
        (hosted / name).write_text(MARK.format(color))
    (hosted / "bad.svg").write_text('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg/>')
    (root / "landscape.yml").write_text(LANDSCAPE)
    data = root / "data" / "x.yaml"
    data.parent.mkdir()
    data.write_text(DATA)
    into = root / "logos"
    into.mkdir()
    (into / "volcano.svg").write_text(MARK.format("#000000"))  # another logo already has this name
    return root / "landscape.yml", hosted, data, into


def test_pull_matches_copies_and_fills(tmp_path: Path, cli) -> None:
    landscape, hosted, data, into = _setup(tmp_path)
    run = cli("logos", "pull", landscape, "--logos", hosted, "--data", data, "--into", into,
              "--origin", "cncf/landscape commit 153d699")
    assert run.code == 0, run.err
    assert "Kueue ← Kueue (by url) → kueue.svg" in run.out  # the item of the same name, listed twice: one
    assert re.search(r"VOLCANO ← Volcano \(by name\) → volcano-[0-9a-f]{8}\.svg", run.out)  # the name was taken
    assert "ambiguous, left alone: 1\n  Twin: Twin (line 16, twin-a.svg), twin (line 19, sub/twin-b.svg)" in run.out
    assert "matched but the logo cannot be used: 1\n  Bad ← Bad: bad.svg has an external" in run.out
    assert "not in the landscape: 1\n  Nowhere" in run.out
    text = data.read_text()
    assert text.startswith("# our projects (this comment stays)\n")
    assert "logo: kueue.svg, url: https://github.com/kubernetes-sigs/kueue}" in text
    projects = {p["name"]: p for p in yaml.safe_load(text)["projects"]}
    volcano = projects["VOLCANO"]["logo"]
    assert f"{{name: VOLCANO, group: app, x: 20, y: 90, logo: {volcano}}}   # matched by name" in text
    assert "logo" not in projects["Twin"] and "logo" not in projects["Bad"] and "logo" not in projects["Nowhere"]
    assert (into / volcano).read_text() == MARK.format("#d9381e")
    assert (into / "volcano.svg").read_text() == MARK.format("#000000")  # the other logo of that name is kept
    assert (into / "kueue.svg").read_text() == MARK.format("#1f6fb2")
    sources = (into / "SOURCES.md").read_text()
    assert "| kueue.svg | Kueue | cncf/landscape commit 153d699: hosted_logos/kueue.svg (item 'Kueue') |" in sources
    again = cli("logos", "pull", landscape, "--logos", hosted, "--data", data, "--into", into,
                "--origin", "cncf/landscape commit 153d699")
    assert again.code == 0 and "wrote 0 file(s)" in again.out  # nothing changes on a second run


def test_pull_block_mappings_dry_run_and_errors(tmp_path: Path, cli) -> None:
    landscape, hosted, data, into = _setup(tmp_path)
    (hosted / "bad.svg").write_text(MARK.format("#00aa00"))
    before = data.read_bytes()
    dry = cli("logos", "pull", landscape, "--logos", hosted, "--data", data, "--into", into, "--dry-run")
    assert dry.code == 0 and "would write" in dry.out and data.read_bytes() == before
    assert not (into / "kueue.svg").exists()
    assert cli("logos", "pull", landscape, "--logos", hosted, "--data", data, "--into", into).code == 0
    lines = data.read_text().splitlines()
    assert lines[lines.index("  - name: Bad") + 1] == "    logo: bad.svg"
    missing = cli("logos", "pull", landscape, "--logos", tmp_path / "nope", "--data", data, "--into", into)
    assert missing.code == 2 and "logo folder not found (--logos)" in missing.err
    notl2 = cli("logos", "pull", data, "--logos", hosted, "--data", data, "--into", into)
    assert notl2.code == 2 and "not a landscape2 file" in notl2.err


def test_pull_creates_a_missing_logo_folder(tmp_path: Path, cli) -> None:
    landscape, hosted, data, into = _setup(tmp_path)
    fresh = tmp_path / "new-logos"
    dry = cli("logos", "pull", landscape, "--logos", hosted, "--data", data, "--into", fresh, "--dry-run")
    assert dry.code == 0, dry.err
    assert "would write" in dry.out and not fresh.exists()
    run = cli("logos", "pull", landscape, "--logos", hosted, "--data", data, "--into", fresh)
    assert run.code == 0, run.err
    assert (fresh / "kueue.svg").is_file() and (fresh / "SOURCES.md").is_file()
