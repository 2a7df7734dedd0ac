"""Chart images (PNG for slides, SVG for print) rendered server-side with kaleido and Chromium.

Figures from ``pressfreedom.charts`` already carry their title, caption and source line inside, so an
image exported from them stands on its own. :func:`retheme` re-sizes an existing figure for the
``export`` (1600 × 900, large type) or ``projector`` theme without rebuilding it.

Kaleido drives Debian's ``/usr/bin/chromium`` (``BROWSER_PATH`` overrides it; we never download
a browser). Starting Chromium costs seconds and one image about 0.2 s, so a batch opens one
:class:`ChartExporter` (a context manager) and renders every image through it; the dashboard
shares one long-lived exporter (:func:`shared_exporter`). Where Chromium is missing or cannot
start, :class:`ExportUnavailable` says so in words — never a traceback from deep inside kaleido.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import threading
from collections.abc import Iterable
from concurrent.futures import TimeoutError as FutureTimeout

import plotly.graph_objects as go

from pressfreedom import charts

DEFAULT_BROWSER = "/usr/bin/chromium"
PNG_MIN_WIDTH = 1600  # slides and projectors: at least this many pixels across
FONTS = ("Noto Sans (fonts-noto-core)", "DejaVu Sans (fonts-dejavu-core)")  # Cyrillic and ə, ğ, ı, ş


class ExportError(RuntimeError):
    """An image could not be rendered."""


class ExportUnavailable(ExportError):
    """No usable Chromium on this machine: chart images cannot be made here."""


def browser_path() -> str:
    """The Chromium kaleido should drive: ``BROWSER_PATH`` if set, else Debian's ``chromium``."""
    override = os.environ.get("BROWSER_PATH")
    candidates = (
        [override] if override else [DEFAULT_BROWSER, shutil.which("chromium"), shutil.which("chromium-browser")]
    )
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    where = f"BROWSER_PATH={override!r}" if override else f"{DEFAULT_BROWSER} or `chromium` on PATH"
    raise ExportUnavailable(
        f"Chart images (PNG/SVG) and the slide deck need Chromium, which was not found ({where}). "
        "Install Debian's package with `apt-get install chromium fonts-noto-core fonts-dejavu-core`, "
        "or point BROWSER_PATH at a Chromium or Chrome binary. The dashboard and the HTML report "
        "work without it."
    )


def unavailable_reason() -> str | None:
    """Why images cannot be exported here, or None when Chromium is present."""
    try:
        browser_path()
    except ExportUnavailable as e:
        return str(e)
    return None


# -- re-theming ---------------------------------------------------------------------------------


def theme_of_figure(fig: go.Figure) -> charts.Theme:
    """The theme a figure was built with, recognised by its title size (screen when unsure)."""
    size = fig.layout.title.font.size
    for th in charts.THEMES.values():
        if th.title_size == size:
            return th
    return charts.THEMES["screen"]


def _scaled(value: float | None, s: float) -> float | None:
    return None if value is None else round(value * s, 2)


def retheme(fig: go.Figure, theme: str | charts.Theme = "export") -> go.Figure:
    """A copy of ``fig`` scaled to ``theme``; the input is untouched. Pure: no rendering.

    Every pixel quantity of the layout (fonts, margins, height, offsets) is multiplied by the
    ratio of the two themes' base font sizes, so the builder's own arrangement (legend rows,
    event lanes, source line) keeps its proportions; colours and sizes of the title, caption and
    ticks are the target theme's. Data are not touched. Where the builder is at hand, building
    the figure again with ``theme=`` is exact; this is for a figure that exists already.
    """
    th = charts.theme_of(theme)
    was = theme_of_figure(fig)
    s = th.font_size / was.font_size
    out = go.Figure(fig)
    lay = out.layout

    m = lay.margin
    out.update_layout(
        font=dict(family=th.font_family, size=th.font_size, color=th.font_color),
        title=dict(
            font=dict(size=th.title_size, color=th.font_color),
            subtitle=dict(font=dict(size=th.caption_size, color=th.font_color)),
        ),
        paper_bgcolor=th.paper,
        plot_bgcolor=th.paper,
        margin=dict(l=_scaled(m.l, s), r=_scaled(m.r, s), t=_scaled(m.t, s), b=_scaled(m.b, s)),
        height=round((lay.height or was.height) * s),
        width=th.width,
    )
    if lay.title.pad and lay.title.pad.t is not None:
        lay.title.pad.t = _scaled(lay.title.pad.t, s)
    if lay.legend.font.size:
        lay.legend.font.size = _scaled(lay.legend.font.size, s)
    for ann in lay.annotations:
        if ann.font.size:
            ann.font.size = _scaled(ann.font.size, s)
        ann.yshift = _scaled(ann.yshift, s)
        ann.xshift = _scaled(ann.xshift, s)
    for axis in list(out.select_xaxes()) + list(out.select_yaxes()):
        axis.tickfont.size = th.tick_size
        if axis.title.font.size:
            axis.title.font.size = _scaled(axis.title.font.size, s)
        if axis.gridcolor:
            axis.gridcolor = th.grid
    for axis in out.select_xaxes():
        if axis.tickangle is not None:  # the builders keep month ticks level only at export width
            axis.tickangle = 0 if th.name == "export" else axis.tickangle
    for trace in out.data:
        textfont = getattr(trace, "textfont", None)
        if textfont is not None and textfont.size:
            textfont.size = _scaled(textfont.size, s)
    return out


def title_clearance(fig: go.Figure) -> go.Figure:
    """Keep a title of several lines (a long one, wrapped) inside the canvas; idempotent, in place.

    plotly.js places a multi-line title anchored ``top`` about one title line too high, so the
    first line is cut at the canvas edge. The pad moves it down; the top margin and the height
    grow by the same amount, so nothing under the title moves closer to it.
    """
    title = fig.layout.title
    if title.text and "<br>" in title.text and title.yanchor == "top" and title.yref == "container":
        need = round((title.font.size or 18) * 0.95) + 10  # (charts.title_clearance_px: the same)
        delta = need - (title.pad.t or 0)
        if delta > 0:
            # move the title block down, and everything under it by as much (taller canvas), so
            # the legend, event lanes and plot keep their places relative to it
            title.pad.t = need
            fig.layout.margin.t = (fig.layout.margin.t or 0) + delta
            if fig.layout.height:
                fig.layout.height = fig.layout.height + delta
    return fig


# -- rendering ----------------------------------------------------------------------------------


class ChartExporter:
    """One Chromium (through kaleido) for a batch of images. Use as a context manager.

    >>> with ChartExporter() as ex:  # doctest: +SKIP
    ...     png = ex.png(fig)
    ...     svg = ex.svg(fig)

    Thread-safe: renders from several threads queue on the one browser tab.
    """

    def __init__(self, browser: str | None = None, timeout: float = 60.0):
        self._browser = browser
        self._timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._lock = threading.Lock()

    # lifecycle
    def __enter__(self) -> ChartExporter:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._kaleido is not None and self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        with self._lock:
            if self.running:
                return
            path = self._browser or browser_path()  # raises ExportUnavailable in words
            import kaleido  # deferred: importing it is not free and the app may never export

            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido", daemon=True)
            self._thread.start()

            async def open_browser():
                # mathjax=False: kaleido would otherwise load MathJax from a CDN (no network at venues)
                k = kaleido.Kaleido(path=path, mathjax=False, timeout=self._timeout)
                await k.open()
                return k

            try:
                self._kaleido = self._call(open_browser(), self._timeout)
            except Exception as e:  # noqa: BLE001 - any start failure means "unavailable here"
                self._stop_loop()
                raise ExportUnavailable(f"Chromium at {path} could not be started for chart images: {e}") from e

    def close(self) -> None:
        with self._lock:
            if self._kaleido is not None and self._loop is not None:
                try:
                    self._call(self._kaleido.close(), 20)
                except Exception:  # noqa: BLE001, S110 - closing a browser that already died
                    pass
            self._kaleido = None
            self._stop_loop()

    def _stop_loop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(10)
            if not self._loop.is_running():
                self._loop.close()
        self._loop, self._thread = None, None

    def _call(self, coro, timeout: float):
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except FutureTimeout as e:
            future.cancel()
            raise ExportError(f"chart rendering timed out after {timeout:.0f} s") from e

    # images
    def render(self, fig: go.Figure, fmt: str = "png", theme: str | charts.Theme | None = "export") -> bytes:
        """``fig`` as PNG or SVG bytes, re-themed first (``theme=None`` keeps it as built)."""
        if fmt not in ("png", "svg"):
            raise ValueError(f"format must be png or svg, not {fmt!r}")
        if not self.running:
            self.start()
        fig = title_clearance(retheme(fig, theme) if theme is not None else go.Figure(fig))
        th = theme_of_figure(fig)
        width = max(int(fig.layout.width or 0), PNG_MIN_WIDTH)
        height = int(fig.layout.height or th.height)
        try:
            return self._call(
                self._kaleido.calc_fig(fig, opts=dict(format=fmt, width=width, height=height, scale=1)),
                self._timeout + 5,
            )
        except ExportError:
            raise
        except Exception as e:  # noqa: BLE001 - kaleido/Chromium errors surface as one type
            raise ExportError(f"kaleido could not render the chart as {fmt.upper()}: {e}") from e

    def png(self, fig: go.Figure, theme: str | charts.Theme | None = "export") -> bytes:
        return self.render(fig, "png", theme)

    def svg(self, fig: go.Figure, theme: str | charts.Theme | None = "export") -> bytes:
        return self.render(fig, "svg", theme)

    def many(self, figs: Iterable[go.Figure], fmt: str = "png", theme: str | None = "export") -> list[bytes]:
        return [self.render(f, fmt, theme) for f in figs]


# -- one exporter for the dashboard process -----------------------------------------------------

_shared: ChartExporter | None = None
_shared_lock = threading.Lock()


def shared_exporter() -> ChartExporter:
    """The dashboard's exporter: started on first use, kept for later downloads, restarted if dead."""
    global _shared
    with _shared_lock:
        if _shared is None or not _shared.running:
            ex = ChartExporter()
            ex.start()
            _shared = ex
        return _shared


def _close_shared() -> None:
    global _shared
    if _shared is not None:
        _shared.close()
        _shared = None


atexit.register(_close_shared)


def png_bytes(fig: go.Figure, theme: str | None = "export") -> bytes:
    """PNG (≥ 1600 px wide) through the shared exporter — e.g. ``st.download_button(data=lambda: …)``."""
    return shared_exporter().png(fig, theme)


def svg_bytes(fig: go.Figure, theme: str | None = "export") -> bytes:
    """SVG through the shared exporter (text stays text: titles and source line are searchable)."""
    return shared_exporter().svg(fig, theme)


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) read from a PNG's IHDR header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
