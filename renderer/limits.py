"""The one table of named limits on untrusted input (documented in SECURITY.md)."""

from __future__ import annotations

from .records import record



@record
class Limits:
    """Named limits on data, layout and logo files: characters, px, pixels, bytes, counts."""

    max_text_chars: int = 300  # any name or label
    max_projects: int = 20_000
    max_canvas_px: float = 20_000  # canvas width, chart height
    max_raster_pixels: int = 200_000_000  # PNG width × height after --scale
    max_logo_bytes: int = 2 * 1024 * 1024  # one logo file
    max_logo_pixels: int = 40_000_000  # raster logo, checked before decoding
    thumbnail_px: int = 128  # longest side of raster logo thumbnails
    max_use_expansion: int = 2_000  # drawn elements after expanding <use>
    max_elements: int = 20_000  # elements in one SVG logo
    max_entities: int = 64  # internal entity declarations in one SVG logo
    max_entity_bytes: int = 1024  # one entity value
    max_entity_expansion: int = 64 * 1024  # all entity references of one SVG logo, expanded


LIMITS = Limits()
