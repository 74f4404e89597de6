"""Importers: landscape2/CNCF ``landscape.yml`` and the old AI-Infra JSON → our data and layout.

Both return plain ``(data, layout)`` dictionaries in this project's YAML formats, which
the model then validates like any hand-written file. Hints are 0–100.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

from .errors import InputError, Warnings
from .logos import LogoError, logo_path
from .model import slugify
from .yamlio import line_of, load_yaml

PALETTE = ("#2563a8", "#0f7b8a", "#7b4fb3", "#b5651d", "#4f7a28", "#c2410c", "#b42357", "#0d7d5f", "#475569",
           "#8a6d0b", "#1f6fb2", "#6b7785", "#9a3412", "#3f6212", "#6d28d9", "#be185d")
MATURITY = ("graduated", "incubating", "sandbox", "archived")
_DEFAULT_LAYOUT: dict[str, Any] = {
    "canvas": {"width": 1600, "margin": 32},
    "title": {"size": 30},
    "chart": {"height": 900, "padding": 10, "gap": 8},
    "grow": {"step": 40, "max_height": 60000},
    "card": {"height": 34, "font_size": 13, "min_font_size": 10, "max_label_width": 150, "min_width": 76},
}


def _fail(message: str, path: str, line: int | None = None) -> InputError:
    return InputError(message, path, line)


def _plain(value: Any) -> Any:
    """Plain dicts and lists (the YAML loader's line-numbered types cannot be dumped)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# ---------------------------------------------------------------- AI-Infra JSON


def import_ai_infra_json(path: Path, warnings: Warnings) -> tuple[dict[str, Any], dict[str, Any]]:
    """Data and layout from the old hand-placed generator's JSON."""
    name = str(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail("file not found", name) from None
    except (UnicodeDecodeError, OSError) as exc:
        raise _fail(f"cannot read file: {exc}", name) from None
    except json.JSONDecodeError as exc:
        raise _fail(f"JSON syntax error: {exc.msg}", name, exc.lineno) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("projects"), list):
        raise _fail("not AI-Infra JSON: expected an object with a 'projects' list", name)
    meta = raw.get("meta") or {}
    axes = raw.get("axes") or {}
    groups_raw = raw.get("groups") or {}
    projects_raw = [p for p in raw["projects"] if isinstance(p, dict)]
    ecosystem_raw = [e for e in raw.get("ecosystem") or [] if isinstance(e, dict)]

    points = [(p.get("x"), p.get("y")) for p in projects_raw]
    numeric = [(x, y) for x, y in points if isinstance(x, (int, float)) and isinstance(y, (int, float))]
    scale = _pixel_scale(numeric)
    if scale:
        warnings.add(f"{name}: coordinates look like pixels (up to {scale[1]:.0f}×{scale[3]:.0f}); "
                     f"scaled into 0–100 hints, y flipped")

    def hint(x: Any, y: Any) -> tuple[Any, Any]:
        if not scale or not isinstance(x, (int, float)) or not isinstance(y, (int, float)):
            return x, y
        x0, x1, y0, y1 = scale
        return (round(100 * (x - x0) / max(x1 - x0, 1), 2), round(100 - 100 * (y - y0) / max(y1 - y0, 1), 2))

    groups: dict[str, Any] = {}

    def group(gid: Any) -> str:
        gid = str(gid or "other")
        if gid not in groups:
            style = groups_raw.get(gid) or {}
            color = style.get("stroke") or style.get("fill") or PALETTE[len(groups) % len(PALETTE)]
            groups[gid] = {"label": gid, "color": _hex(color, PALETTE[len(groups) % len(PALETTE)])}
        return gid

    projects: list[dict[str, Any]] = []
    for p in projects_raw:
        x, y = hint(p.get("x"), p.get("y"))
        item: dict[str, Any] = {"name": p.get("name"), "group": group(p.get("group")),
                                "stage": p.get("stage") or "mature", "x": x, "y": y}
        _copy_common(item, p)
        projects.append(item)
    project_groups = set(groups)
    strip_groups: list[str] = []
    for e in ecosystem_raw:
        gid = str(e.get("group") or "ecosystem")
        if gid in project_groups:  # a strip group may not also hold chart cards
            gid = f"{gid}-strip"
        if gid not in strip_groups:
            strip_groups.append(gid)
        group(gid)
        item = {"name": e.get("name"), "group": gid, "stage": "mature", "x": hint(e.get("x"), 0)[0], "y": 50}
        _copy_common(item, e)
        projects.append(item)

    layout: dict[str, Any] = {k: dict(v) for k, v in _DEFAULT_LAYOUT.items()}
    layout["canvas"]["width"] = 1920
    layout["chart"]["height"] = 1000
    layout["axis_labels"] = {"top": axes.get("y_top", ""), "bottom": axes.get("y_bottom", ""),
                             "left": axes.get("x_left", ""), "right": axes.get("x_right", "")}
    quads: dict[str, str] = {}
    for q in raw.get("quadrants") or []:
        if isinstance(q, dict) and q.get("label"):
            qx, qy = hint(q.get("x", 50), q.get("y", 50))
            key = ("top" if (qy if isinstance(qy, (int, float)) else 50) >= 50 else "bottom") + "_" + \
                  ("right" if (qx if isinstance(qx, (int, float)) else 50) >= 50 else "left")
            quads[key] = str(q["label"])
    layout["quadrant_labels"] = quads
    layout["groups"] = groups
    layout["notes"] = [{"label": n.get("label"), "y": hint(50, n.get("y"))[1], "group": group(n.get("group"))}
                       if n.get("group") else {"label": n.get("label"), "y": hint(50, n.get("y"))[1]}
                       for n in raw.get("right_notes") or [] if isinstance(n, dict)]
    if strip_groups:
        layout["strips"] = [{"label": "Ecosystem", "groups": strip_groups, "rows": 1}]
    layout["legend"] = {"early": "dashed = early stage / exploring", "mature": "solid = mature / standardised",
                        "notes": "right-side labels = category"}
    subtitle = " · ".join(str(v) for v in (meta.get("version"), meta.get("last_updated")) if v)
    data = {"meta": {"title": meta.get("title") or path.stem, **({"subtitle": subtitle} if subtitle else {})},
            "projects": projects}
    return _plain(data), _plain(layout)


def _pixel_scale(points: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    if not points or max(max(x, y) for x, y in points) <= 100:
        return None
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), max(xs), min(ys), max(ys)


def _copy_common(item: dict[str, Any], src: dict[str, Any]) -> None:
    if src.get("url"):
        item["url"] = src["url"]
    image = src.get("logo_image")
    if isinstance(image, str) and image:
        item["logo"] = re.sub(r"^(\./)?logos/", "", image)
    mono = src.get("logo")
    if isinstance(mono, str) and 0 < len(mono) <= 3:
        item["monogram"] = mono
    tags = src.get("tags")
    if isinstance(tags, list) and tags:
        item["tags"] = tags


def _hex(value: Any, default: str) -> str:
    return value.lower() if isinstance(value, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", value) else default


# ---------------------------------------------------------------- landscape2 / CNCF


def import_landscape2(path: Path, logos: Path | None, map_path: Path | None,
                      warnings: Warnings) -> tuple[dict[str, Any], dict[str, Any]]:
    """Data and layout from a landscape2 ``landscape.yml`` placed by a mapping file."""
    name = str(path)
    raw = load_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("landscape"), list):
        raise _fail("not a landscape2 file: expected a top-level 'landscape:' list of categories", name,
                    line_of(raw))
    if map_path is None:
        raise _fail("a mapping file is needed to place landscape2 items: pass --map MAP.yaml "
                    "(see layouts/landscape2-map.example.yaml)", name)
    mapping = _load_map(map_path)
    mname = str(map_path)
    categories = {c["name"]: c for c in mapping["categories"]}
    skip = set(mapping.get("skip") or [])
    maturity: dict[str, Any] = mapping["maturity"]
    aliases = {str(k): str(v) for k, v in (mapping.get("aliases") or {}).items()}
    require = list((mapping.get("filters") or {}).get("require") or [])

    projects: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    unmapped: list[str] = []
    missing_logos: list[str] = []
    duplicates: list[str] = []
    misspelled: dict[str, str] = {}
    filtered = 0
    if logos is not None and not logos.is_dir():
        raise _fail("logo folder not found (--logos)", str(logos))
    buckets: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for cat in raw["landscape"]:
        if not isinstance(cat, dict) or not cat.get("name"):
            continue
        cname = str(cat["name"])
        if cname in skip:
            continue
        if cname not in categories:
            unmapped.append(cname)
            continue
        subs = [s for s in cat.get("subcategories") or [] if isinstance(s, dict)]
        for si, sub in enumerate(subs):
            for item in sub.get("items") or []:
                if not isinstance(item, dict) or not item.get("name"):
                    continue
                if any(not item.get(key) for key in require):
                    filtered += 1
                    continue
                iname = str(item["name"]).strip()
                if iname.casefold() in seen:
                    duplicates.append(f"{iname} ({cname} / {sub.get('name')}; first in {seen[iname.casefold()]})")
                    continue
                level = str(item.get("project") or "none").lower()
                level = aliases.get(level, level)
                if level not in maturity:
                    close = difflib.get_close_matches(level, list(maturity), n=1, cutoff=0.6)
                    if not close:
                        raise _fail(f"item {iname!r}: unknown project maturity {item.get('project')!r} "
                                    f"(known: {', '.join(maturity)})", name, line_of(item, "project"))
                    misspelled[str(item.get("project"))] = close[0]
                    level = close[0]
                rule = maturity[level]
                if rule == "skip":
                    filtered += 1
                    continue
                seen[iname.casefold()] = f"{cname} / {sub.get('name')}"
                entry: dict[str, Any] = {"name": iname, "group": slugify(cname), "stage": rule["stage"],
                                         "_sub": (si, len(subs))}
                if sub.get("name"):
                    entry["subcategory"] = str(sub["name"]).strip()
                url = item.get("homepage_url") or item.get("repo_url")
                if isinstance(url, str) and re.match(r"https?://", url):
                    entry["url"] = url
                logo = item.get("logo")
                if isinstance(logo, str) and logo:
                    ref = logo_ref(logo, logos)
                    if ref:
                        entry["logo"] = ref
                    else:
                        missing_logos.append(f"{iname} ({logo})")
                buckets.setdefault((cname, level), []).append(entry)
    for (cname, level), entries in sorted(buckets.items()):
        lo, hi = maturity[level]["x"]
        y0, y1 = categories[cname]["y"]
        for rank, entry in enumerate(sorted(entries, key=lambda e: e["name"].casefold())):
            si, ns = entry.pop("_sub")
            entry["x"] = round(lo + (rank + 0.5) / len(entries) * (hi - lo), 2)
            entry["y"] = round(y0 + (1 - (si + 0.5) / ns) * (y1 - y0), 2)
            projects.append(entry)
    projects.sort(key=lambda e: (-e["y"], e["x"], e["name"]))
    if unmapped:
        warnings.add(f"{mname}: {len(unmapped)} categor(ies) not in the map, left out: {', '.join(unmapped)}")
    if missing_logos and logos is None:
        warnings.add(f"{name}: no logo folder given (--logos), so {len(missing_logos)} item(s) get monograms")
    elif missing_logos:
        warnings.add(f"{name}: {len(missing_logos)} logo file(s) missing from {logos}, monograms drawn: "
                     + ", ".join(missing_logos[:20]) + (" …" if len(missing_logos) > 20 else ""))
    if duplicates:
        warnings.add(f"{name}: {len(duplicates)} item(s) listed more than once (second_path or repeats), "
                     f"drawn once: " + ", ".join(duplicates[:10]) + (" …" if len(duplicates) > 10 else ""))
    if misspelled:
        warnings.add(f"{name}: project maturity read as the closest known value: "
                     + ", ".join(f"{k!r} → {v!r}" for k, v in sorted(misspelled.items())))
    if not projects:
        raise _fail(f"no items left after the map and filters ({filtered} filtered out)", name)

    layout: dict[str, Any] = {k: dict(v) for k, v in _DEFAULT_LAYOUT.items()}
    layout["card"]["style"] = "logo"  # landscape2 logos are mostly wordmarks: the logo is the card
    for key, value in (mapping.get("layout") or {}).items():
        layout[key] = {**layout.get(key, {}), **value} if isinstance(value, dict) else value
    layout["axis_labels"] = mapping.get("axis_labels") or {
        "top": "Applications", "bottom": "Infrastructure", "left": "Sandbox / early", "right": "Graduated / mature"}
    drawn = [(i, c) for i, c in enumerate(mapping["categories"]) if any(p["group"] == slugify(c["name"])
                                                                       for p in projects)]  # no empty bands
    layout["groups"] = {slugify(c["name"]): {"label": c.get("label") or c["name"],
                                             "color": c.get("color") or PALETTE[i % len(PALETTE)]}
                        for i, c in drawn}
    layout["bands"] = [{"label": c.get("label") or c["name"], "groups": [slugify(c["name"])], "y": list(c["y"])}
                       for _, c in sorted(drawn, key=lambda ic: -ic[1]["y"][1])]
    layout["legend"] = {"early": "dashed = sandbox / early", "mature": "solid = incubating or graduated",
                        "notes": "right-side labels = category"}
    title = mapping.get("title") or f"{path.stem} landscape"
    return _plain({"meta": {"title": title}, "projects": projects}), _plain(layout)


def logo_ref(logo: str, logos: Path | None) -> str | None:
    """A landscape2 ``logo:`` as a path inside the logo folder (``./x.svg`` → ``x.svg``, sub-folders
    kept), or None when no such file is there or it lies outside the folder."""
    if logos is None:
        return None
    try:
        return logo_path(logo, logos).relative_to(logos.resolve()).as_posix()
    except LogoError:
        return None



def _load_map(path: Path) -> dict[str, Any]:
    """Validate a landscape2 mapping file (see layouts/landscape2-map.example.yaml)."""
    name = str(path)
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise _fail("mapping file: expected a mapping", name, line_of(raw))
    known = ("title", "layout", "axis_labels", "categories", "skip", "maturity", "aliases", "filters")
    for key in raw:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            raise _fail(f"mapping file: unknown key {key!r}" + (f"; did you mean {close[0]!r}?" if close else ""),
                        name, line_of(raw, key))
    cats = raw.get("categories")
    if not isinstance(cats, list) or not cats:
        raise _fail("mapping file: 'categories' must list the categories to draw", name, line_of(raw, "categories"))
    for i, c in enumerate(cats):
        y = c.get("y") if isinstance(c, dict) else None
        if not (isinstance(c, dict) and c.get("name") and isinstance(y, list) and len(y) == 2
                and all(isinstance(v, (int, float)) for v in y) and 0 <= y[0] < y[1] <= 100):
            raise _fail(f"mapping file: category #{i + 1} needs 'name' and 'y: [low, high]' within 0–100", name,
                        line_of(cats, i))
        if y[0] < 50 < y[1]:
            raise _fail(f"mapping file: category {c['name']!r} spans the middle line (y {y[0]}–{y[1]}); "
                        f"split it at 50", name, line_of(cats, i))
    mat = raw.get("maturity")
    if not isinstance(mat, dict) or not mat:
        raise _fail("mapping file: 'maturity' must map graduated/incubating/sandbox/archived/none to "
                    "{x: [low, high], stage} or skip", name, line_of(raw, "maturity"))
    for key, rule in mat.items():
        if rule == "skip":
            continue
        x = rule.get("x") if isinstance(rule, dict) else None
        if not (isinstance(x, list) and len(x) == 2 and all(isinstance(v, (int, float)) for v in x)
                and 0 <= x[0] <= x[1] <= 100 and rule.get("stage") in ("early", "mature")):
            raise _fail(f"mapping file: maturity {key!r} needs x: [low, high] within 0–100 and stage early|mature",
                        name, line_of(mat, key))
    return raw
