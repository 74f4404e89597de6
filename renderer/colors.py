"""Colour helpers for ``#rrggbb`` strings: mixing and WCAG contrast."""

from __future__ import annotations


def rgb(color: str) -> tuple[int, int, int]:
    """The 0–255 channels of ``#rrggbb``."""
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def mix(color: str, other: str, amount: float) -> str:
    """Mix two colours; amount 0 = ``color``, 1 = ``other``."""
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(rgb(color), rgb(other)))


def luminance(color: str) -> float:
    """WCAG relative luminance, 0–1."""
    out = []
    for v in rgb(color):
        c = v / 255
        out.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1–21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on(fill: str, *candidates: str) -> str:
    """The candidate colour with the highest contrast on ``fill``."""
    return max(candidates, key=lambda c: (contrast(fill, c), c))
