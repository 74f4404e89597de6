"""Landscape renderer: YAML data and placement rules → non-overlapping SVG/PNG charts."""

__version__ = "0.1.0"
