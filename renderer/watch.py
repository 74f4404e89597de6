"""Watch mode: re-render a landscape whenever one of its inputs changes.

Every ``interval`` seconds the job's fingerprint (renderer/fingerprint.py: data, layout,
theme, the logos used, fonts) is recomputed — file stats and small hashes, no rendering —
and a change triggers one render. Each render prints one line; bad input prints its
one-line error and the last good output stays (on disk and in the preview). With a
``Preview`` the latest image is served on 127.0.0.1 by a page that reloads itself after
each render.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, TextIO

from .errors import InputError, Warnings
from .jobs import Job, expected_fingerprints, run

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title} — landscape watch</title>
<style>html,body{{margin:0;background:#808080}}img{{display:block;margin:0 auto;max-width:100%}}</style></head>
<body><img id="image" src="/image?v={version}" alt="{title}">
<script>
const shown = {version};
setInterval(async () => {{
  try {{
    const r = await fetch("/version", {{cache: "no-store"}});
    if ((await r.json()).version !== shown) location.reload();
  }} catch (e) {{}}
}}, 300);
</script></body></html>
"""


class Preview:
    """A local page showing the last good image; it reloads itself when ``publish`` is called."""

    def __init__(self, port: int = 0, title: str = "landscape") -> None:
        self.version = 0
        self.views = 0  # page loads and the version of the image last sent: the status endpoint
        self.sent = 0
        self.image = b""
        self.mime = "image/svg+xml"
        self.title = title
        self._lock = threading.Lock()
        preview = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                preview.answer(self)

            def log_message(self, *args: Any) -> None:  # quiet: one line per render only
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        """Address of the preview page."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def publish(self, payloads: list[tuple[Path, bytes]]) -> None:
        """Show the SVG of a render (else its PNG); open pages reload."""
        chosen = [(p, b) for p, b in payloads if p.suffix == ".svg"] or [(p, b) for p, b in payloads
                                                                         if p.suffix == ".png"]
        if not chosen:
            return
        with self._lock:
            self.image = chosen[0][1]
            self.mime = "image/svg+xml" if chosen[0][0].suffix == ".svg" else "image/png"
            self.version += 1

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        """``/`` the page, ``/image`` the image, ``/version`` {version, views, sent} as JSON."""
        path = request.path.split("?", 1)[0]
        with self._lock:
            if path == "/":
                self.views += 1
                body, mime = _PAGE.format(title=_html(self.title), version=self.version).encode(), "text/html"
            elif path == "/image" and self.image:
                body, mime, self.sent = self.image, self.mime, self.version
            elif path == "/version":
                status = {"version": self.version, "views": self.views, "sent": self.sent}
                body, mime = json.dumps(status).encode(), "application/json"
            else:
                request.send_error(404)
                return
        request.send_response(200)
        request.send_header("Content-Type", f"{mime}; charset=utf-8" if mime.startswith("text") else mime)
        request.send_header("Content-Length", str(len(body)))
        request.send_header("Cache-Control", "no-store")
        request.end_headers()
        request.wfile.write(body)

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


SETTLE = 0.1  # s: a change is rendered once the inputs read the same this much later


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def signature(job: Job) -> tuple[Any, ...]:
    """What the outputs of ``job`` would be made from (no rendering); a bad input gives its
    error, so the same mistake is reported once."""
    from .fingerprint import file_digest

    try:
        return tuple(fp.stamp() for fp in expected_fingerprints(job).values())
    except InputError as exc:
        return ("error", str(exc), file_digest(job.source))


def render_once(job: Job, write: Callable[[list[tuple[Path, bytes]]], None], engine: Any,
                preview: Preview | None, out: TextIO) -> bool:
    """Render and write ``job``, print one line; False (and nothing written) on bad input."""
    clock = time.strftime("%H:%M:%S")
    start = time.perf_counter()
    warnings = Warnings()
    try:
        payloads, summary = run(job, warnings, engine)
        write(payloads)
    except InputError as exc:
        print(f"{clock} error: {exc} (last good output kept)", file=out, flush=True)
        return False
    except Exception as exc:  # noqa: BLE001 - a bug in one render must not end the session
        print(f"{clock} internal error: {exc.__class__.__name__}: {exc} (last good output kept)", file=out,
              flush=True)
        return False
    if preview:  # before the line: whoever reads "rendered" finds the new image served
        preview.publish(payloads)
    lines = warnings.all_lines()
    note = f"; {len(lines)} warning(s): {lines[0]}{' …' if len(lines) > 1 else ''}" if lines else ""
    print(f"{clock} rendered in {time.perf_counter() - start:.2f} s: {summary}{note}", file=out, flush=True)
    return True


def watch(job: Job, write: Callable[[list[tuple[Path, bytes]]], None], serve: bool = False, port: int = 0,
          interval: float = 0.25, out: TextIO = sys.stdout) -> int:
    """Render ``job`` now and after every change of its inputs, until interrupted (Ctrl-C)."""
    from .text import TextEngine

    engine = TextEngine()
    preview = Preview(port, job.source.name) if serve else None
    if preview:
        print(f"preview: {preview.url}", file=out, flush=True)
    print(f"watching {job.source} and its layout, theme and logos (Ctrl-C stops)", file=out, flush=True)
    last: tuple[Any, ...] | None = None
    try:
        while True:
            current = signature(job)
            if current != last:
                time.sleep(SETTLE)
                if signature(job) != current:
                    continue  # still being written (an editor truncates, then writes): look again
                last = current
                render_once(job, write, engine, preview, out)
            time.sleep(interval)
    except KeyboardInterrupt:
        return 0
    finally:
        if preview:
            preview.close()
