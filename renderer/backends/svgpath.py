"""SVG path data → absolute drawing commands (M, L, C, Z), for raster backends.

Handles the whole path grammar: relative and implicit commands, H/V, smooth curves
(S/T), quadratic curves and elliptical arcs (converted to cubic Béziers), and compact
numbers such as ``1.5.5`` or arc flags written without separators.
"""

from __future__ import annotations

import math
import re

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARGS = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}

Command = tuple[str, tuple[float, ...]]


_TRANSFORM = re.compile(r"(translate|scale)\(\s*([-\d.eE]+)(?:[\s,]+([-\d.eE]+))?\s*\)")


def parse_transform(text: str | None) -> list[tuple[str, float, float]]:
    """The ``translate``/``scale`` steps of a transform attribute, in order (the only
    kinds the scene uses): ``("translate", dx, dy)`` or ``("scale", sx, sy)``."""
    steps = []
    for kind, a, b in _TRANSFORM.findall(text or ""):
        first = float(a)
        steps.append((kind, first, float(b) if b else (first if kind == "scale" else 0.0)))
    return steps


class PathError(ValueError):
    """Malformed path data."""


_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[^\s,]")


def _scan(d: str) -> list[tuple[str, list[float]]]:
    """Split into (command letter, numbers); arc flags are read one digit at a time."""
    if "a" in d or "A" in d:
        return _scan_slow(d)
    out: list[tuple[str, list[float]]] = []
    cmd: str | None = None
    nums: list[float] = []
    for tok in _TOKEN.findall(d):
        c = tok[0]
        if c.isalpha():
            if c.upper() not in _ARGS:
                raise PathError(f"unknown path command {tok!r}")
            if cmd is not None:
                out.append((cmd, nums))
            cmd, nums = tok, []
        elif cmd is None:
            raise PathError("path data must start with a command")
        else:
            try:
                nums.append(float(tok))
            except ValueError:
                raise PathError(f"unexpected {tok!r} in path data") from None
    if cmd is not None:
        out.append((cmd, nums))
    return out


def _scan_slow(d: str) -> list[tuple[str, list[float]]]:
    """Character scanner for paths with arcs, whose flags may lack separators."""
    out: list[tuple[str, list[float]]] = []
    i, n = 0, len(d)
    cmd: str | None = None
    nums: list[float] = []
    while i < n:
        ch = d[i]
        if ch.isspace() or ch == ",":
            i += 1
            continue
        if ch.isalpha():
            if ch.upper() not in _ARGS:
                raise PathError(f"unknown path command {ch!r}")
            if cmd is not None:
                out.append((cmd, nums))
            cmd, nums = ch, []
            i += 1
            continue
        if cmd is None:
            raise PathError("path data must start with a command")
        if cmd in "Aa" and len(nums) % 7 in (3, 4) and ch in "01":
            nums.append(float(ch))
            i += 1
            continue
        m = _NUMBER.match(d, i)
        if not m:
            raise PathError(f"unexpected {ch!r} in path data")
        nums.append(float(m.group(0)))
        i = m.end()
    if cmd is not None:
        out.append((cmd, nums))
    return out


def parse_path(d: str) -> list[Command]:
    """Absolute M/L/C/Z commands for path data ``d``."""
    out: list[Command] = []
    x = y = sx = sy = 0.0
    last_c: tuple[float, float] | None = None  # reflected control point for S
    last_q: tuple[float, float] | None = None  # for T
    for cmd, nums in _scan(d):
        up = cmd.upper()
        rel = cmd != up
        count = _ARGS[up]
        if up == "Z":
            out.append(("Z", ()))
            x, y = sx, sy
            last_c = last_q = None
            continue
        if count == 0 or len(nums) % count or not nums:
            raise PathError(f"{cmd!r} needs a multiple of {count} numbers, got {len(nums)}")
        for k in range(0, len(nums), count):
            a = nums[k:k + count]
            ox, oy = (x, y) if rel else (0.0, 0.0)
            if up == "M":
                x, y = a[0] + ox, a[1] + oy
                if k == 0:
                    out.append(("M", (x, y)))
                    sx, sy = x, y
                else:
                    out.append(("L", (x, y)))
                last_c = last_q = None
            elif up in ("L", "H", "V", "T"):
                if up == "L":
                    nx, ny = a[0] + ox, a[1] + oy
                elif up == "H":
                    nx, ny = a[0] + (x if rel else 0.0), y
                elif up == "V":
                    nx, ny = x, a[0] + (y if rel else 0.0)
                else:
                    qx, qy = (2 * x - last_q[0], 2 * y - last_q[1]) if last_q else (x, y)
                    nx, ny = a[0] + ox, a[1] + oy
                    out.append(_quad(x, y, qx, qy, nx, ny))
                    x, y, last_q, last_c = nx, ny, (qx, qy), None
                    continue
                out.append(("L", (nx, ny)))
                x, y = nx, ny
                last_c = last_q = None
            elif up == "C":
                c1 = (a[0] + ox, a[1] + oy)
                c2 = (a[2] + ox, a[3] + oy)
                x, y = a[4] + ox, a[5] + oy
                out.append(("C", (*c1, *c2, x, y)))
                last_c, last_q = c2, None
            elif up == "S":
                c1 = (2 * x - last_c[0], 2 * y - last_c[1]) if last_c else (x, y)
                c2 = (a[0] + ox, a[1] + oy)
                x, y = a[2] + ox, a[3] + oy
                out.append(("C", (*c1, *c2, x, y)))
                last_c, last_q = c2, None
            elif up == "Q":
                qx, qy = a[0] + ox, a[1] + oy
                nx, ny = a[2] + ox, a[3] + oy
                out.append(_quad(x, y, qx, qy, nx, ny))
                x, y, last_q, last_c = nx, ny, (qx, qy), None
            elif up == "A":
                nx, ny = a[5] + ox, a[6] + oy
                out.extend(_arc(x, y, a[0], a[1], a[2], bool(a[3]), bool(a[4]), nx, ny))
                x, y = nx, ny
                last_c = last_q = None
    return out


def _quad(x0: float, y0: float, qx: float, qy: float, x: float, y: float) -> Command:
    return ("C", (x0 + 2 / 3 * (qx - x0), y0 + 2 / 3 * (qy - y0), x + 2 / 3 * (qx - x), y + 2 / 3 * (qy - y), x, y))


def _arc(x1: float, y1: float, rx: float, ry: float, angle: float, large: bool, sweep: bool,
         x2: float, y2: float) -> list[Command]:
    """Elliptical arc as cubic Béziers (SVG 1.1 appendix F.6)."""
    if (x1, y1) == (x2, y2):
        return []
    rx, ry = abs(rx), abs(ry)
    if rx == 0 or ry == 0:
        return [("L", (x2, y2))]
    phi = math.radians(angle % 360)
    cos, sin = math.cos(phi), math.sin(phi)
    dx, dy = (x1 - x2) / 2, (y1 - y2) / 2
    x1p, y1p = cos * dx + sin * dy, -sin * dx + cos * dy
    lam = x1p ** 2 / rx ** 2 + y1p ** 2 / ry ** 2
    if lam > 1:
        rx, ry = rx * math.sqrt(lam), ry * math.sqrt(lam)
    num = rx ** 2 * ry ** 2 - rx ** 2 * y1p ** 2 - ry ** 2 * x1p ** 2
    den = rx ** 2 * y1p ** 2 + ry ** 2 * x1p ** 2
    coef = math.sqrt(max(0.0, num / den)) if den else 0.0
    if large == sweep:
        coef = -coef
    cxp, cyp = coef * rx * y1p / ry, -coef * ry * x1p / rx
    cx = cos * cxp - sin * cyp + (x1 + x2) / 2
    cy = sin * cxp + cos * cyp + (y1 + y2) / 2

    def angle_of(ux: float, uy: float, vx: float, vy: float) -> float:
        return math.atan2(ux * vy - uy * vx, ux * vx + uy * vy)

    t1 = angle_of(1, 0, (x1p - cxp) / rx, (y1p - cyp) / ry)
    dt = angle_of((x1p - cxp) / rx, (y1p - cyp) / ry, (-x1p - cxp) / rx, (-y1p - cyp) / ry)
    if not sweep and dt > 0:
        dt -= 2 * math.pi
    elif sweep and dt < 0:
        dt += 2 * math.pi
    segments = max(1, math.ceil(abs(dt) / (math.pi / 2) - 1e-9))
    step = dt / segments
    k = 4 / 3 * math.tan(step / 4)
    out: list[Command] = []

    def point(t: float) -> tuple[float, float]:
        ex, ey = rx * math.cos(t), ry * math.sin(t)
        return cx + cos * ex - sin * ey, cy + sin * ex + cos * ey

    def deriv(t: float) -> tuple[float, float]:
        ex, ey = -rx * math.sin(t), ry * math.cos(t)
        return cos * ex - sin * ey, sin * ex + cos * ey

    t = t1
    for i in range(segments):
        ta, tb = t, t + step
        pa, pb = point(ta), point(tb)
        da, db = deriv(ta), deriv(tb)
        end = (x2, y2) if i == segments - 1 else pb
        out.append(("C", (pa[0] + k * da[0], pa[1] + k * da[1], pb[0] - k * db[0], pb[1] - k * db[1], *end)))
        t = tb
    return out
