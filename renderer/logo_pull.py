"""``landscape logos pull``: real logos for our projects from a landscape2 file.

Each project of a data file is matched to the items of a landscape2 ``landscape.yml``:
by repository URL first (``url`` against the item's ``repo_url``, ``repositories`` and
``homepage_url``), then by normalised name. Items listed twice (``second_path``) or
sharing one logo are one candidate; candidates with different logos are ambiguous and
left alone. Every logo taken must pass the sanitiser. The plan lists the files to copy,
the data file with its ``logo:`` fields filled (comments and layout of the file kept) and
the logo folder's ``SOURCES.md`` recording each file's origin; the caller writes them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .logos import LogoError, logo_path, resolve
from .yamlio import LDict, line_of, load_yaml

SOURCES = "SOURCES.md"
_SOURCES_HEAD = ("# Logo sources\n\nEach logo file here, the project it stands for and where it comes from "
                 "(written by `landscape logos pull`; rows of other files are kept). The logos are trademarks "
                 "of their projects, used only to identify them on the landscape.\n\n"
                 "| file | project | origin |\n| --- | --- | --- |\n")


@dataclass(frozen=True)
class Item:
    """One landscape2 item: its name, URLs and logo path as written, and its line."""

    name: str
    urls: tuple[str, ...]
    logo: str
    line: int


@dataclass
class Plan:
    """What ``logos pull`` found and would write."""

    matched: list[str] = field(default_factory=list)  # one line each: project ← item (how) → file
    missed: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # matched, but the logo cannot be used
    files: list[tuple[Path, bytes]] = field(default_factory=list)  # logo copies, the data file, SOURCES.md


def normal_url(url: str) -> str:
    """A URL reduced for comparison: no scheme, ``www.``, ``.git`` or trailing slash, lower
    case; GitHub URLs to ``github.com/org/repo``."""
    u = re.sub(r"^[a-z]+://", "", url.strip().lower())
    u = re.sub(r"^www\.", "", u).split("#")[0].split("?")[0].rstrip("/")
    u = re.sub(r"\.git$", "", u)
    if u.startswith("github.com/"):
        u = "/".join(u.split("/")[:3])
    return u


def normal_name(name: str) -> str:
    """A name reduced for comparison: letters and digits, case-folded."""
    return re.sub(r"[\W_]+", "", name.casefold())


def landscape_items(path: Path) -> list[Item]:
    """Every item of a landscape2 file (categories → subcategories → items) that has a logo."""
    raw = load_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("landscape"), list):
        raise InputError("not a landscape2 file: expected a top-level 'landscape:' list of categories", str(path),
                         line_of(raw))
    items = []
    for cat in raw["landscape"]:
        for sub in (cat.get("subcategories") or []) if isinstance(cat, dict) else []:
            for it in (sub.get("items") or []) if isinstance(sub, dict) else []:
                if not (isinstance(it, dict) and isinstance(it.get("name"), str) and isinstance(it.get("logo"), str)):
                    continue
                repos = [r.get("url") for r in it.get("repositories") or [] if isinstance(r, dict)]
                urls = [u for u in [it.get("repo_url"), *repos, it.get("homepage_url")] if isinstance(u, str) and u]
                items.append(Item(it["name"].strip(), tuple(normal_url(u) for u in urls), it["logo"].strip(),
                                  line_of(it)))
    return items


def _candidates(project: dict[str, Any], by_url: dict[str, list[Item]],
                by_name: dict[str, list[Item]]) -> tuple[str, list[Item]]:
    """How the project matched (``url`` or ``name``) and the items it matched, one per logo."""
    url = project.get("url")
    for how, found in (("url", by_url.get(normal_url(url)) if isinstance(url, str) else None),
                       ("name", by_name.get(normal_name(str(project.get("name", "")))))):
        if found:
            found = sorted(found, key=lambda i: normal_name(i.name) != normal_name(str(project.get("name", ""))))
            unique = {re.sub(r"^(\./)+", "", item.logo): item for item in reversed(found)}  # one per logo, first item
            return how, list(reversed(unique.values()))
    return "", []


def plan_pull(landscape: Path, source_logos: Path, data: Path, into: Path, origin: str) -> Plan:
    """Match, check and copy (in memory) the logos of ``data``'s projects found in ``landscape``."""
    if not source_logos.is_dir():
        raise InputError("logo folder not found (--logos)", str(source_logos))
    items = landscape_items(landscape)
    by_url: dict[str, list[Item]] = {}
    by_name: dict[str, list[Item]] = {}
    for item in items:
        for u in dict.fromkeys(item.urls):
            by_url.setdefault(u, []).append(item)
        by_name.setdefault(normal_name(item.name), []).append(item)
    raw = load_yaml(data)
    projects = raw.get("projects") if isinstance(raw, dict) else None
    if not isinstance(projects, list):
        raise InputError("data file: 'projects' must be a list", str(data), line_of(raw))
    plan = Plan()
    taken: dict[str, bytes] = {p.name: p.read_bytes() for p in into.iterdir() if p.is_file()} if into.is_dir() else {}
    logos: dict[int, str] = {}  # project index → new logo: value
    users: dict[str, list[str]] = {}  # file → projects drawn with it
    origins: dict[str, str] = {}  # file → where it comes from
    for index, project in enumerate(projects):
        if not isinstance(project, LDict) or not isinstance(project.get("name"), str):
            continue
        name = project["name"]
        how, found = _candidates(project, by_url, by_name)
        if not found:
            plan.missed.append(name)
            continue
        if len(found) > 1:
            plan.ambiguous.append(f"{name}: " + ", ".join(f"{i.name} (line {i.line}, {i.logo})" for i in found))
            continue
        item = found[0]
        try:
            source = logo_path(item.logo, source_logos)
            resolve(source.name, source.parent)  # sanitised exactly as a render would
        except LogoError as exc:
            plan.refused.append(f"{name} ← {item.name}: {exc}")
            continue
        payload = source.read_bytes()
        target = source.name
        if taken.get(target, payload) != payload:  # another logo already has this name: keep it
            target = f"{source.stem}-{hashlib.sha256(payload).hexdigest()[:8]}{source.suffix.lower()}"
        if taken.get(target) != payload:
            plan.files.append((into / target, payload))
        taken[target] = payload
        logos[index] = target
        rel = f"{source_logos.resolve().name}/{source.relative_to(source_logos.resolve()).as_posix()}"
        users.setdefault(target, []).append(name)
        origins.setdefault(target, f"{origin}: {rel} (item '{item.name}')")
        plan.matched.append(f"{name} ← {item.name} (by {how}) → {target}")
    rows = {f: f"| {f} | {_cell(', '.join(users[f]))} | {_cell(origins[f])} |" for f in users}
    for path, text in ((data, fill_logos(data, projects, logos)), (into / SOURCES, _sources(into / SOURCES, rows))):
        if logos and (not path.is_file() or path.read_text(encoding="utf-8") != text):
            plan.files.append((path, text.encode("utf-8")))
    return plan


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _sources(path: Path, rows: dict[str, str]) -> str:
    """SOURCES.md with ``rows`` (file → row) replacing the rows of those files, others kept."""
    kept: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("|") and cells[0] not in ("file", "---"):
                kept[cells[0]] = line
    kept.update(rows)
    return _SOURCES_HEAD + "".join(kept[k] + "\n" for k in sorted(kept, key=str.casefold))


def _scalar(value: str) -> str:
    return value if re.fullmatch(r"[\w./-]+", value) else json.dumps(value)


def fill_logos(path: Path, projects: list[Any], logos: dict[int, str]) -> str:
    """The data file's text with ``logo:`` set for the projects ``logos`` names (index →
    value); one-line flow mappings and block mappings are edited in place, nothing else."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    inserts: list[tuple[int, str]] = []
    for index, value in logos.items():
        p = projects[index]
        at = p.line - 1
        if set(p.key_lines.values()) == {p.line} and "{" in lines[at]:  # - {name: …, logo: …, url: …}
            text = lines[at]
            if "logo" in p:
                text = re.sub(r"(\blogo:\s*)(\"[^\"]*\"|'[^']*'|[^,}]+)", lambda m: m.group(1) + _scalar(value), text,
                              count=1)
            elif re.search(r",\s*url:", text):
                text = re.sub(r",(\s*)url:", lambda m: f", logo: {_scalar(value)},{m.group(1)}url:", text, count=1)
            else:
                text = re.sub(r"\s*}(\s*(#.*)?)$", lambda m: f", logo: {_scalar(value)}}}{m.group(1)}", text, count=1)
            lines[at] = text
        elif "logo" in p:
            k = p.key_lines["logo"] - 1
            lines[k] = re.sub(r"(logo:\s*).*?(\s*(#.*)?)$", lambda m: m.group(1) + _scalar(value) + m.group(2),
                              lines[k], count=1)
        else:
            k = p.key_lines["name"] - 1
            indent = len(lines[k]) - len(lines[k].lstrip(" -"))
            inserts.append((k + 1, " " * indent + f"logo: {_scalar(value)}\n"))
    for k, text in sorted(inserts, reverse=True):
        lines.insert(k, text)
    out = "".join(lines)
    _check_filled(path, out, projects, logos)
    return out


def _check_filled(path: Path, text: str, projects: list[Any], logos: dict[int, str]) -> None:
    """The edited text must parse to the same projects with exactly the new logos."""
    import yaml

    try:
        after = yaml.safe_load(text)["projects"]
    except (yaml.YAMLError, KeyError, TypeError):
        after = None
    expected = [{**dict(p), **({"logo": logos[i]} if i in logos else {})} for i, p in enumerate(projects)]
    if after != expected:
        raise InputError("cannot fill the logo: fields without changing anything else (unusual formatting); "
                         "nothing was written", str(path))
