"""The few libcairo calls the raster backend makes, bound directly with cffi.

cairocffi declares the whole cairo API (~400 functions) and parses it with pycparser at
every import, ~100 ms of a PNG render, then checks the status after every call; drawing
needs 40 functions. They are declared here and compiled once into cairoffi.py, cffi's
out-of-line ABI module (the parsed types, no C compiler involved): loading it costs
~5 ms where parsing the declarations at run time cost ~40 ms. After editing
``DECLARATIONS``, regenerate it with ``python -m renderer.backends.cairolib`` (a test
checks that the two agree). The status is checked once per drawing. cairosvg (PDF, SVG
logo thumbnails) still uses cairocffi.
"""

from __future__ import annotations

from functools import lru_cache, partial
from pathlib import Path
from typing import Any

FORMAT_ARGB32 = 0
FILTER_GOOD = 1
OPERATOR_SOURCE = 1
STATUS_READ_ERROR = 10
_LIBRARIES = ("libcairo.so.2", "libcairo.2.dylib", "libcairo-2.dll")
DECLARATIONS = """
typedef struct _cairo cairo_t;
typedef struct _cairo_surface cairo_surface_t;
typedef struct _cairo_pattern cairo_pattern_t;
typedef struct { int status; double *data; int num_data; } cairo_path_t;  /* data: 16-byte cairo_path_data_t */
typedef struct { double xx, yx, xy, yy, x0, y0; } cairo_matrix_t;
typedef int (*cairo_read_func_t)(void *closure, unsigned char *data, unsigned int length);
cairo_surface_t *cairo_image_surface_create_from_png_stream(cairo_read_func_t read_func, void *closure);
cairo_surface_t *cairo_image_surface_create(int format, int width, int height);
cairo_surface_t *cairo_image_surface_create_for_data(unsigned char *data, int format, int width, int height,
                                                     int stride);
unsigned char *cairo_image_surface_get_data(cairo_surface_t *surface);
int cairo_image_surface_get_width(cairo_surface_t *surface);
int cairo_image_surface_get_height(cairo_surface_t *surface);
int cairo_image_surface_get_stride(cairo_surface_t *surface);
void cairo_surface_flush(cairo_surface_t *surface);
void cairo_surface_destroy(cairo_surface_t *surface);
int cairo_surface_status(cairo_surface_t *surface);
cairo_t *cairo_create(cairo_surface_t *target);
void cairo_destroy(cairo_t *cr);
int cairo_status(cairo_t *cr);
void cairo_save(cairo_t *cr);
void cairo_restore(cairo_t *cr);
void cairo_translate(cairo_t *cr, double tx, double ty);
void cairo_scale(cairo_t *cr, double sx, double sy);
void cairo_set_source_rgb(cairo_t *cr, double red, double green, double blue);
void cairo_set_source_rgba(cairo_t *cr, double red, double green, double blue, double alpha);
void cairo_set_source_surface(cairo_t *cr, cairo_surface_t *surface, double x, double y);
cairo_pattern_t *cairo_get_source(cairo_t *cr);
void cairo_pattern_set_filter(cairo_pattern_t *pattern, int filter);
void cairo_set_line_width(cairo_t *cr, double width);
void cairo_set_dash(cairo_t *cr, const double *dashes, int num_dashes, double offset);
void cairo_paint(cairo_t *cr);
void cairo_fill(cairo_t *cr);
void cairo_fill_preserve(cairo_t *cr);
void cairo_stroke(cairo_t *cr);
void cairo_new_path(cairo_t *cr);
void cairo_new_sub_path(cairo_t *cr);
void cairo_move_to(cairo_t *cr, double x, double y);
void cairo_line_to(cairo_t *cr, double x, double y);
void cairo_curve_to(cairo_t *cr, double x1, double y1, double x2, double y2, double x3, double y3);
void cairo_arc(cairo_t *cr, double xc, double yc, double radius, double angle1, double angle2);
void cairo_rectangle(cairo_t *cr, double x, double y, double width, double height);
void cairo_close_path(cairo_t *cr);
void cairo_append_path(cairo_t *cr, const cairo_path_t *path);
void cairo_get_matrix(cairo_t *cr, cairo_matrix_t *matrix);
void cairo_set_matrix(cairo_t *cr, const cairo_matrix_t *matrix);
void cairo_set_operator(cairo_t *cr, int op);
void cairo_get_current_point(cairo_t *cr, double *x, double *y);
"""


@lru_cache(maxsize=1)
def _library() -> str:
    """The name libcairo loads by (dlopen through ctypes: no declarations parsed); OSError if none."""
    import ctypes

    errors = []
    for name in _LIBRARIES:
        try:
            ctypes.CDLL(name)
            return name
        except OSError as exc:
            errors.append(str(exc))
    from ctypes.util import find_library

    found = find_library("cairo")  # libraries outside the loader's default paths
    if found:
        return found
    raise OSError("libcairo could not be loaded: " + "; ".join(errors))


MODULE = Path(__file__).with_name("cairoffi.py")


@lru_cache(maxsize=1)
def _binding() -> tuple[Any, Any]:
    """(ffi, lib); OSError when libcairo cannot be loaded."""
    from .cairoffi import ffi

    return ffi, ffi.dlopen(_library())


def write_module(path: Path = MODULE) -> None:
    """Write cffi's out-of-line ABI module for ``DECLARATIONS`` to ``path``."""
    from cffi import FFI

    builder = FFI()
    builder.cdef(DECLARATIONS)
    builder.set_source("renderer.backends.cairoffi", None)
    builder.emit_python_code(str(path))


def available() -> bool:
    """Whether libcairo loads."""
    try:
        _library()
    except OSError:
        return False
    return True


class ImageSurface:
    """An ARGB32 image surface (premultiplied, native-endian BGRA rows), freed with the object."""

    def __init__(self, width: int, height: int, data: bytearray | None = None) -> None:
        ffi, lib = _binding()
        self._keep = data  # pixels given by the caller live as long as the surface
        if data is None:
            pointer = lib.cairo_image_surface_create(FORMAT_ARGB32, width, height)
        else:
            pointer = lib.cairo_image_surface_create_for_data(ffi.from_buffer(data), FORMAT_ARGB32, width, height,
                                                              width * 4)
        if lib.cairo_surface_status(pointer):
            lib.cairo_surface_destroy(pointer)
            raise MemoryError(f"cairo could not make a {width}×{height} surface")
        self.pointer = ffi.gc(pointer, lib.cairo_surface_destroy)

    @classmethod
    def from_rgba(cls, image: Any) -> "ImageSurface":
        """A surface holding a Pillow image (converted to premultiplied BGRA)."""
        data = bytearray(image.convert("RGBA").tobytes("raw", "BGRa"))
        return cls(image.width, image.height, data)

    @classmethod
    def from_png(cls, data: bytes) -> "ImageSurface":
        """A surface holding a PNG as cairo decodes it (libpng; alpha premultiplied with the
        same rounding as Pillow's ``BGRa`` packer, so the pixels equal ``from_rgba``'s for 8-bit
        PNGs); an opaque PNG, which cairo reads as RGB24, is copied onto ARGB32. ValueError
        when cairo cannot read it."""
        ffi, lib = _binding()
        source = _Source(data)
        pointer = lib.cairo_image_surface_create_from_png_stream(_read_func(), ffi.new_handle(source))
        try:
            if lib.cairo_surface_status(pointer):
                raise ValueError("cairo could not read the PNG")
            surface = cls(lib.cairo_image_surface_get_width(pointer), lib.cairo_image_surface_get_height(pointer))
            ctx = lib.cairo_create(surface.pointer)
            lib.cairo_set_operator(ctx, OPERATOR_SOURCE)
            lib.cairo_set_source_surface(ctx, pointer, 0.0, 0.0)
            lib.cairo_paint(ctx)
            lib.cairo_destroy(ctx)
        finally:
            lib.cairo_surface_destroy(pointer)
        surface.flush()
        return surface

    def get_width(self) -> int:
        """Width in device px."""
        return _binding()[1].cairo_image_surface_get_width(self.pointer)

    def get_height(self) -> int:
        """Height in device px."""
        return _binding()[1].cairo_image_surface_get_height(self.pointer)

    def get_stride(self) -> int:
        """Bytes per row."""
        return _binding()[1].cairo_image_surface_get_stride(self.pointer)

    def get_data(self) -> Any:
        """The pixels as a buffer (valid while the surface lives)."""
        ffi, lib = _binding()
        return ffi.buffer(lib.cairo_image_surface_get_data(self.pointer), self.get_stride() * self.get_height())

    def flush(self) -> None:
        """Finish pending drawing."""
        _binding()[1].cairo_surface_flush(self.pointer)


class PathData:
    """Path elements ready to append any number of times: doubles in cairo_path_data_t layout
    (16 bytes an element: a header with type and element count, or a point)."""

    def __init__(self, values: Any) -> None:
        ffi, _ = _binding()
        self._values = values
        self._data = ffi.from_buffer("double[]", values)
        self.pointer = ffi.new("cairo_path_t *", {"status": 0, "data": self._data, "num_data": len(values) // 2})


class _Source:
    """Bytes read front to back by cairo's PNG reader."""

    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)
        self.at = 0

    def take(self, length: int) -> memoryview:
        """The next ``length`` bytes (fewer at the end)."""
        chunk = self.data[self.at:self.at + length]
        self.at += len(chunk)
        return chunk


@lru_cache(maxsize=1)
def _read_func() -> Any:
    """The cairo_read_func_t handed to cairo's PNG reader: reads from the _Source whose
    handle is its closure."""
    ffi, _ = _binding()

    def read(closure: Any, out: Any, length: int) -> int:
        chunk = ffi.from_handle(closure).take(length)
        if len(chunk) < length:
            return STATUS_READ_ERROR
        ffi.memmove(out, chunk, length)
        return 0

    return ffi.callback("cairo_read_func_t", read, error=STATUS_READ_ERROR)


class Context:
    """Drawing onto a surface; methods are the cairo functions bound to this context (no
    per-call status check: ``check`` raises once when anything went wrong)."""

    def __init__(self, surface: ImageSurface) -> None:
        ffi, lib = _binding()
        self.ffi, self.lib, self.surface = ffi, lib, surface
        self.pointer = ffi.gc(lib.cairo_create(surface.pointer), lib.cairo_destroy)
        for name in ("save", "restore", "translate", "scale", "set_source_rgb", "set_source_rgba", "set_line_width",
                     "paint", "fill", "fill_preserve", "stroke", "new_path", "new_sub_path", "move_to", "line_to",
                     "curve_to", "arc", "rectangle", "close_path", "set_matrix"):
            setattr(self, name, partial(getattr(lib, "cairo_" + name), self.pointer))

    def set_dash(self, dashes: list[float]) -> None:
        """Dash pattern in user units (empty = solid)."""
        self.lib.cairo_set_dash(self.pointer, self.ffi.new("double[]", dashes), len(dashes), 0.0)

    def append_path(self, path: "PathData") -> None:
        """Append a prepared path, read in the current user space."""
        self.lib.cairo_append_path(self.pointer, path.pointer)

    def get_matrix(self) -> Any:
        """The current transformation (a cairo_matrix_t to hand back to ``set_matrix``)."""
        matrix = self.ffi.new("cairo_matrix_t *")
        self.lib.cairo_get_matrix(self.pointer, matrix)
        return matrix

    def get_current_point(self) -> tuple[float, float]:
        """The current point in user units."""
        x, y = self.ffi.new("double *"), self.ffi.new("double *")
        self.lib.cairo_get_current_point(self.pointer, x, y)
        return x[0], y[0]

    def paint_surface(self, source: ImageSurface, filter_: int = FILTER_GOOD) -> None:
        """Paint ``source`` at the user-space origin with the given filter."""
        self.lib.cairo_set_source_surface(self.pointer, source.pointer, 0.0, 0.0)
        self.lib.cairo_pattern_set_filter(self.lib.cairo_get_source(self.pointer), filter_)
        self.lib.cairo_paint(self.pointer)

    def check(self) -> None:
        """Raise when cairo reported an error while drawing."""
        status = self.lib.cairo_status(self.pointer)
        if status:
            raise RuntimeError(f"cairo drawing failed (status {status})")



if __name__ == "__main__":
    write_module()
