"""The pages' Plotly figures as PNG images, drawn by kaleido in the Chromium the browser tests
use (`make browser` installs Debian's; CCHC_CHROMIUM or BROWSER_PATH point at another). One
browser per process, started on first use and kept for the next charts. Without a browser the
documents are still written, with a line saying why a chart is missing."""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import threading
from pathlib import Path

import plotly.graph_objects as go

_LOCK = threading.Lock()
_STATE: dict[str, object] = {"started": False, "error": None}
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


class ChartError(RuntimeError):
    """A chart could not be drawn (no browser, or the browser failed)."""


def chromium() -> str | None:
    """The browser kaleido drives: $CCHC_CHROMIUM, $BROWSER_PATH, else Debian's Chromium."""
    for value in (os.environ.get("CCHC_CHROMIUM"), os.environ.get("BROWSER_PATH")):
        if value and Path(value).is_file():
            return value
    for path in CANDIDATES:
        if Path(path).is_file():
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _start() -> None:
    if _STATE["started"]:
        return
    if _STATE["error"]:
        raise ChartError(str(_STATE["error"]))
    path = chromium()
    if path is None:
        _STATE["error"] = "Chromium not found (make browser)"
        raise ChartError(str(_STATE["error"]))
    os.environ["BROWSER_PATH"] = path
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)
    _STATE["started"] = True
    atexit.register(shutdown)


def shutdown() -> None:
    """Close the browser (the command line does before it exits; a server keeps it)."""
    with _LOCK:
        if _STATE["started"]:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            _STATE["started"] = False


def png(fig: go.Figure, width: int = 1000, height: int | None = None, scale: float = 2.0) -> bytes:
    """The figure as PNG bytes, `width` × its own height (CSS pixels) at `scale`."""
    import kaleido

    opts = {"format": "png", "width": width, "height": height or fig.layout.height or 450, "scale": scale}
    with _LOCK:
        _start()
        try:
            return kaleido.calc_fig_sync(fig, opts=opts)
        except Exception as exc:  # noqa: BLE001 - any browser failure: the document says so
            raise ChartError(f"{type(exc).__name__}: {exc}") from exc


def warm_up() -> threading.Thread:
    """Start the browser in the background (it takes seconds) while the numbers are computed;
    nothing to do when it is running already (a dashboard server keeps it)."""

    def run() -> None:
        if _STATE["started"]:
            return
        try:
            png(go.Figure(), width=50, height=50, scale=1)
        except ChartError:
            pass

    thread = threading.Thread(target=run, name="cchc-report-chromium", daemon=True)
    thread.start()
    return thread


def for_print(fig: go.Figure) -> go.Figure:
    """A copy readable in black and white: grey bars, a black line with markers, a dashed target."""
    out = copy.deepcopy(fig)
    greys = ["#BDBDBD", "#8C8C8C", "#5A5A5A", "#D9D9D9"]
    for i, trace in enumerate(out.data):
        if trace.type == "bar":
            trace.marker.color = greys[i % len(greys)]
            trace.marker.line = {"color": "#404040", "width": 0.5}
        elif trace.type == "scatter":
            trace.line.color = "#000000"
            trace.marker.color = "#000000"
            trace.marker.symbol = "circle"
    for shape in out.layout.shapes or ():
        shape.line.color = "#000000"
    out.update_layout(template="simple_white", paper_bgcolor="white", plot_bgcolor="white")
    out.update_yaxes(showgrid=True, gridcolor="#E0E0E0")
    return out


def for_document(fig: go.Figure) -> go.Figure:
    """A copy for a printed page: larger type, and a donut's legend shown (on screen its labels
    are in the hover, which paper does not have)."""
    out = copy.deepcopy(fig)
    out.update_layout(font_size=14, paper_bgcolor="white")
    if any(trace.type == "pie" for trace in out.data):
        out.update_layout(showlegend=True, legend={"orientation": "v", "x": 1.0, "y": 0.5, "yanchor": "middle"})
        out.update_traces(textfont_size=14)
    return out
