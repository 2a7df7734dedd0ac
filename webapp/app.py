"""Streamlit glue shared by ``dashboard.py`` and the pages: data access, caching, display.

Pages stay thin — select → get data → show — by calling these helpers. Caches are keyed on
the published build's id (from its manifest), so a new ETL run is picked up at once.
Untrusted text (names, summaries, outlets from the data) is never rendered as HTML: tables go
through ``st.dataframe`` and free text through ``plain()``, which neutralises Markdown.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from pressfreedom import downloads, i18n, memo
from pressfreedom.config import load_config
from pressfreedom.filters import Filters
from pressfreedom.paths import processed_dir
from pressfreedom.query import Query
from pressfreedom.vocab import CATEGORY, CATEGORY_SUBCATEGORY, OUTCOME, PERPETRATOR, VICTIM_ROLE, YES_NO_UNKNOWN

FILTERS_KEY = "pfd_filters"
EVENTS_KEY = "pfd_show_events"
PRESENT_KEY = "pfd_present"
PERSON_KEY = "pfd_person"  # the People & cases search, kept in the URL as ?person=
PLOTLY_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


# WCAG 2.1 AA text contrast (docs/accessibility.md). Streamlit draws captions in its body colour at
# 60 % (#828180 on white: 3.88:1, under the 4.5:1 normal text needs); #5C5B59 is 6.8:1 on white and
# 6.0:1 on the sidebar's grey. The theme's primary colour is set in .streamlit/config.toml.
CAPTION_COLOR = "#5C5B59"
A11Y_CSS = f"""<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{ color: {CAPTION_COLOR}; opacity: 1; }}
</style>"""


# Layout at any width (issue 18; docs/accessibility.md): rows of figure cards wrap — the overview's
# key figures three to a row, two on a phone, a kind page's cards two to a row on a phone — where
# Streamlit would put every column under the one before; the dashboard's name and the page
# headings smaller on a phone, so the first figure is on the first screen.
LAYOUT_CSS = """<style>
[class*="st-key-pfd-cards-"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; flex-direction: row; row-gap: 0.75rem; }
.st-key-pfd-cards-kpis [data-testid="stColumn"] {
  flex: 0 0 calc((100% - 2rem) / 3) !important; width: calc((100% - 2rem) / 3) !important; min-width: 0 !important; }
/* a card's label wraps (whole words) instead of ending in "…" */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; word-break: normal !important; overflow-wrap: break-word !important; }
@media (max-width: 640px) {
  [class*="st-key-pfd-cards-"] [data-testid="stColumn"] {
    flex: 0 0 calc(50% - 0.5rem) !important; width: calc(50% - 0.5rem) !important; min-width: 0 !important; }
  [data-testid="stMain"] h1 { font-size: 1.55rem; line-height: 1.25; padding-bottom: 0.25rem; }
  [data-testid="stMain"] h2 { font-size: 1.35rem; padding-top: 0.5rem; }
  [data-testid="stMetricValue"] { font-size: 1.75rem; }
  [data-testid="stMetricLabel"] p { font-size: 0.8rem !important; }
  [data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
}
</style>"""


def accessibility_css() -> None:
    """Page-wide CSS for contrast and for narrow screens (call once per run, before the page)."""
    st.html(A11Y_CSS + LAYOUT_CSS)


def build_id() -> str:
    manifest = processed_dir() / "manifest.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8"))["build_id"])
    except (OSError, ValueError, KeyError):
        return "missing"


@st.cache_resource(max_entries=2, show_spinner=False)
def _query_for(root: str, build: str) -> Query:
    return Query(root)


def get_query() -> Query:
    return _query_for(str(processed_dir()), build_id())


# The query layer's answers are shared, not copied: ``ANSWERS`` hands every caller the same object,
# where ``st.cache_data`` pickled each answer in and unpickled a copy out on every call (at 100,000
# incidents 1.6 s of a filter change went to pickling the period's incident frames). The pages and the
# pure library never change a frame they are given (pandas 3 copies on write: a derived frame is its
# own), and tests/test_pages.py checks that every page shows the same from a warm cache. The cache is
# held to a memory budget (``PFD_ANSWER_CACHE_MB``, docs/deploy.md), not only a count of answers: at
# 100,000 incidents one ten-year incident list takes ~370 MB of the process's memory.
ANSWERS = memo.AnswerCache(budget=memo.answer_budget(os.environ.get("PFD_ANSWER_CACHE_MB")), max_entries=1024)


class _Ids(tuple):
    """A long tuple argument (incident ids) for ``_cached``: keyed by one digest of its ``repr``
    (exact, and C-fast) instead of element by element (0.4 s for 20,000 ids at 100,000 incidents)."""


def _digest(ids: _Ids) -> str:
    import hashlib

    return hashlib.blake2b(repr(tuple(ids)).encode(), digest_size=20).hexdigest()


def _cached(build: str, method: str, f: Filters, args: tuple) -> Any:
    key = memo.fingerprint(build, method, f, tuple(("ids", _digest(a)) if isinstance(a, _Ids) else a for a in args))
    return ANSWERS.get(
        key, lambda: getattr(get_query(), method)(f, *(tuple(a) if isinstance(a, _Ids) else a for a in args))
    )


@st.cache_data(max_entries=64, show_spinner=False)
def _cached_context(build: str, root: str, function: str, args: tuple) -> Any:
    from pressfreedom import third_party

    return getattr(third_party, function)(Path(root), *args)


def cached_context(function: str, *args: Any) -> Any:
    """A ``pressfreedom.third_party`` read function over the current build, cached per build."""
    return _cached_context(build_id(), str(get_query().root), function, tuple(args))


def data(method: str, f: Filters | None = None, *args: Any) -> Any:
    """A query-layer call for the current filters, cached per build and filter state."""
    args = tuple(_Ids(a) if isinstance(a, tuple) and len(a) > 32 else a for a in args)
    return _cached(build_id(), method, f or filters(), args)


FIRST_BUILD_TIMEOUT = 900  # seconds the first start's ETL may take
_first_build_failed = False  # this server process tried and failed: restart it to try again


def _first_build_lock() -> Path:
    from pressfreedom.paths import DATA_DIR

    return DATA_DIR / ".first-build.lock"


def ensure_build() -> None:
    """A server started on a fresh clone (``streamlit run dashboard.py``, no ``make data``)
    compiles the shipped data on its first request, once: every visitor arriving meanwhile
    waits (with a message) for the same build behind a file lock (threads and processes alike);
    the ETL publishes atomically (symlink flip). Only the public build is ever compiled here.
    A failure shows a clear error page (the details go to the server's log, never to viewers).
    With ``PFD_PROCESSED_DIR`` set (tests, a host's own build) nothing is compiled."""
    global _first_build_failed
    if (processed_dir() / "manifest.json").is_file():
        return _require_public()
    if "PFD_PROCESSED_DIR" in os.environ or _first_build_failed:
        return _stop_no_data()
    import fcntl
    import subprocess
    import sys

    from pressfreedom.paths import ROOT

    note = st.empty()
    note.info(
        "Preparing the data for the dashboard's first start: this takes a few seconds, and happens once. "
        "Other visitors arriving now wait for the same build; the page appears by itself when it is ready."
    )
    lock_path = _first_build_lock()
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time; the others wait here
        try:
            if not (processed_dir() / "manifest.json").is_file() and not _first_build_failed:
                done = subprocess.run(
                    [sys.executable, "-m", "etl", "--quiet"],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    timeout=FIRST_BUILD_TIMEOUT,
                    check=False,
                )
                if done.returncode != 0:
                    _first_build_failed = True
                    print(f"first start: the ETL exited with {done.returncode}:\n{done.stderr}", file=sys.stderr)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    note.empty()
    if not (processed_dir() / "manifest.json").is_file():
        _stop_no_data()
    _require_public()


def stop_with_error(message: str) -> None:
    """An error page: the message alone (no page list: the sidebar of Streamlit's pages-folder
    mode would otherwise list every script in pages/), then stop."""
    st.navigation([st.Page(_no_page, title="Dashboard", url_path="error", default=True)], position="hidden")
    st.error(message)
    st.stop()


def _no_page() -> None:
    """The only page of an error page."""


def _stop_no_data() -> None:
    stop_with_error(
        "The dashboard's data could not be compiled, so there is nothing to show yet. "
        "The site's administrator finds the reason in the server's log (run `python -m etl` to see it)."
    )


def _require_public() -> None:
    """Without the monitors' switch only a public build is served (confidential names withheld)."""
    if monitor_mode():
        return
    try:
        public = json.loads((processed_dir() / "manifest.json").read_text(encoding="utf-8")).get("public", False)
    except (OSError, ValueError):
        public = False
    if public is not True:
        stop_with_error("This build is not a public one (it keeps confidential names): it is not served here.")


def build_date() -> str:
    """The day the current build was compiled (ISO), or ''."""
    try:
        built = json.loads((processed_dir() / "manifest.json").read_text(encoding="utf-8")).get("built_at", "")
    except (OSError, ValueError):
        return ""
    return str(built)[:10]


def monitor_mode() -> bool:
    """The monitors' switch (``PFD_MONITOR=1``, set by ``make run``): the "Check a file" page.
    Off by default, which is what a hosting service running ``streamlit run dashboard.py`` gets."""
    return os.environ.get("PFD_MONITOR", "") == "1"


def require_router() -> None:
    """Make sure dashboard.py (the router with the shared filters) runs in navigation mode.

    A deep link (``/detentions?lang=az``) opened as the first request of a fresh server runs
    the page in Streamlit's legacy pages-folder mode, because a ``pages/`` folder sits beside
    the entry and ``st.navigation`` has not been called yet: no shared filters, no URL state,
    English. Switch to navigation mode and rerun, so the router runs first, as on every other
    request.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def filters() -> Filters:
    require_router()
    f = st.session_state.get(FILTERS_KEY)
    if f is None:  # a page run on its own (tests): defaults
        f = get_query().default_filters()
    return f


def lang() -> str:
    return filters().lang


def t(key: str, **fmt: Any) -> str:
    return i18n.t(key, lang(), **fmt)


def show_events() -> bool:
    return bool(st.session_state.get(EVENTS_KEY, True))


def presenting() -> bool:
    return bool(st.session_state.get(PRESENT_KEY, False))


def theme() -> str:
    """The charts' theme: the projector's in presentation mode, else the screen's laid out for
    the width the page's charts really have (``viewport``)."""
    from pressfreedom.charts import theme_name

    return "projector" if presenting() else theme_name("screen", content_width())


# -- the width the page is drawn at -----------------------------------------------------------
# Charts lay out their labels, legends and event keys for a width (pressfreedom.charts.Theme).
# The server does not know the window's width: a small script in the page measures the main
# column and reports it, rounded down to a step, when it is narrower than the wide layout's
# charts (a phone, a tablet, a projector at 1024 px with the filters open) and whenever it
# changes (a phone turned, the sidebar opened). The page is then drawn again for that width.
# A wide window reports nothing: no extra run on a laptop or a projector.
VIEWPORT_KEY = "pfd_viewport"
WIDE_PX = 940  # a chart this wide or wider: the screen theme's own layout (1400 px window, sidebar open)
WIDTH_STEP = 20
STACK_PX = 640  # Streamlit puts columns under each other in a window narrower than this
COLUMN_GAP_PX = 16

_VIEWPORT_JS = """
export default function (component) {
  const { setStateValue, data } = component;
  const wide = data.wide, step = data.step, stack = data.stack, gap = data.gap;
  let sent = data.known || '';
  const measure = () => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    if (!main) return;
    const cs = getComputedStyle(main);
    const w = main.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    let value = '';
    if (w > 0 && w < wide) {
      const full = Math.max(step, Math.floor(w / step) * step);
      const half = window.innerWidth < stack ? full : Math.max(step, Math.floor((w - gap) / 2 / step) * step);
      value = full + ',' + half;
    }
    // what was measured; the server writes what it laid the charts out for (.pfd-width, tests wait for both to agree)
    document.documentElement.dataset.pfdWidth = value;
    if (value !== sent) { sent = value; setStateValue('width', value); }
  };
  let timer = null;
  const later = () => { clearTimeout(timer); timer = setTimeout(measure, 150); };
  measure();
  const observer = new ResizeObserver(later);
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  if (main) observer.observe(main);
  window.addEventListener('resize', later);
  return () => { observer.disconnect(); window.removeEventListener('resize', later); clearTimeout(timer); };
}
"""
_viewport_component = None


def viewport() -> None:
    """Mount the width reporter (once per run, from dashboard.py)."""
    global _viewport_component
    if _viewport_component is None:
        _viewport_component = st.components.v2.component("pfd_viewport", js=_VIEWPORT_JS)
    known = st.session_state.get(VIEWPORT_KEY) or ""
    result = _viewport_component(
        key=VIEWPORT_KEY + "_probe",
        data=dict(known=known, wide=WIDE_PX, step=WIDTH_STEP, stack=STACK_PX, gap=COLUMN_GAP_PX),
        on_width_change=lambda: None,
        width="stretch",
        height=0,
    )
    st.session_state[VIEWPORT_KEY] = known = str(getattr(result, "width", None) or "")
    st.html(f'<span class="pfd-width" data-width="{known}"></span>')  # (digits and a comma only)


def _widths() -> tuple[int | None, int | None]:
    value = str(st.session_state.get(VIEWPORT_KEY) or "")
    full, _, half = value.partition(",")
    return (int(full) if full.isdigit() else None), (int(half) if half.isdigit() else None)


def content_width() -> int | None:
    """The width of a full-width chart on this viewer's screen (None: wide, the theme's own)."""
    return _widths()[0]


def half_width(default: int = 560) -> int:
    """The width of a chart in one of two columns (the whole width where columns stack)."""
    return _widths()[1] or default


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text: object) -> str:
    """Text from the data, made inert for Streamlit's Markdown (no links, no HTML, no emphasis)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def caption(f: Filters, n: int, unit: str | None = None) -> None:
    st.caption(plain(f.caption(n, unit=unit)))


def source_names(df: pd.DataFrame) -> list[str]:
    """Distinct source titles cited by the rows of an incident list (for source lines)."""
    from pressfreedom.figures import cited_sources  # (pressfreedom.figures imports the views, which import this)

    return cited_sources(df)


def builder(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[str], Any]:
    """``theme -> function(*args, theme=theme, **kwargs)`` for ``chart``, the arguments bound now.

    (A chart image is built when its button is clicked, after the page's script has run on: a
    lambda over the page's variables could then see other values.)
    """
    return lambda theme: function(*args, theme=theme, **kwargs)


def _title_words(fig) -> str:
    """A figure's title as plain text (its lines joined; the caption is its subtitle)."""
    import html

    text = re.sub(r"<[^>]*>", " ", fig.layout.title.text or "")
    return html.unescape(" ".join(text.split()))


def chart_summary(fig) -> str:
    """What a figure shows, in one line: its caption (Plotly's subtitle), as plain text."""
    import html

    text = re.sub(r"<br\s*/?>|<[^>]*>", " ", fig.layout.title.subtitle.text or "")
    return html.unescape(" ".join(text.split()))


def chart_name(title: str, fig) -> str:
    """A chart's accessible name: "Title. What it shows." (the summary left out when empty)."""
    summary = chart_summary(fig)
    return f"{title.rstrip('.')}. {summary}" if summary else title


def chart_csv(fig, f: Filters, title: str) -> bytes:
    """The numbers behind a chart (``downloads.figure_frame``) as CSV, stating the filter."""
    frame = downloads.figure_frame(fig)
    lines = downloads.about_lines(
        f, load_config(), get_query().manifest, rows=len(frame), sources=[], lang=f.lang, content=title
    )
    return downloads.csv_bytes(frame, lines)


# the figures of the last builds, shared by every session of this server (``pressfreedom.memo``):
# going back to a page, a language or a period shown before builds none of its charts again
FIGURES = memo.FigureMemo(size=256)


def built(build: Callable[[str], Any], theme_name: str) -> Any:
    """The figure of ``build`` in a theme, its title kept inside the canvas: the one made before for
    the same build, data and theme (``FIGURES``), else made now. Shared: not to be changed."""
    from pressfreedom import chart_images

    return FIGURES.get(build, theme_name, make=lambda b, th: chart_images.title_clearance(b(th)))


def chart(source, key: str, select: bool = False, image: bool = True) -> list[list]:
    """Show a chart (with PNG/SVG download buttons under it); with ``select``, return the
    customdata of the points selected in it.

    ``source``: a ``pressfreedom.figures.KeyFigure``, or a function ``theme -> figure`` calling a
    ``pressfreedom.charts`` builder — the screen shows it in the page's theme, and the image buttons build
    it again with the ``export`` theme on click (the same code, the same numbers). A ready
    ``go.Figure`` is accepted too; its images are then re-themed copies.
    ``image``: the PNG/SVG buttons (``presentation.image_downloads``), named after ``key``, after a
    CSV of the numbers drawn (next in tab order after the chart: WCAG, docs/accessibility.md).
    """
    from pressfreedom import chart_images
    from webapp import presentation

    build = getattr(source, "build", None) or (source if callable(source) else None)
    fig = built(build, theme()) if build is not None else chart_images.title_clearance(source)
    title = getattr(source, "title", None) or _title_words(fig)
    kwargs: dict[str, Any] = dict(key=key, config=PLOTLY_CONFIG, width="stretch", theme=None)
    if title:  # the chart's accessible name (role=figure): its title and what it shows, in one line
        kwargs["alt"] = chart_name(title, fig)
    if select:
        # our own theme (theme=None): the same look on screen, in PNG exports and in the report
        event = st.plotly_chart(fig, on_select="rerun", selection_mode=("points", "box"), **kwargs)
    else:
        event = st.plotly_chart(fig, **kwargs)
    if image:
        f = filters()
        name = key.removeprefix("chart-")
        stem = downloads.file_name(load_config(), f, f"{name}-{f.lang}", "x")[: -len(".x")]
        presentation.image_downloads(
            build or fig, stem, f.lang, key=f"img-{name}", table=lambda: chart_csv(fig, f, title)
        )
    if not select:
        return []
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else []
    if not points and hasattr(event, "selection"):
        points = event.selection.get("points", [])
    return [p.get("customdata") for p in points if p.get("customdata") is not None]


# -- the incident list ---------------------------------------------------------------------


def as_list(value: object) -> list:
    """A list cell from DuckDB/pandas (list, array, None, NA or NaN) as a plain list."""
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist") and not isinstance(value, str):
        out = value.tolist() if hasattr(value, "tolist") else list(value)
        return out if isinstance(out, list) else []
    return []


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return ""
    return str(v)


def _number(v: object, lg: str, decimals: int = 0) -> str:
    if v is None or pd.isna(v):
        return ""
    return i18n.number(float(v), lg, decimals if float(v) % 1 else 0)


def _sources(titles, locators) -> str:
    titles, locators = as_list(titles), as_list(locators)
    return "; ".join(
        f"{s} — {loc}" if loc else str(s) for s, loc in zip(titles, locators + [""] * len(titles), strict=False)
    )


def incident_table(df: pd.DataFrame, lg: str | None = None, kind: str | None = None) -> pd.DataFrame:
    """The incident list as displayed: localised labels, the kind's own columns, sources with sections."""
    lg = lg or lang()
    if df is None or df.empty:
        return pd.DataFrame()
    tr = lambda key: i18n.t(key, lg)  # noqa: E731 - short local alias
    cols: dict[str, list] = {
        "ID": list(df["incident_id"]),
        tr("list.date"): [
            i18n.date_with_precision(d, p, lg) for d, p in zip(df["date"], df["date_precision"], strict=True)
        ],
    }
    if kind is None:
        cols[tr("list.kind")] = [CATEGORY.label(c, lg) for c in df["category"]]
    cols[tr("list.type")] = [
        CATEGORY_SUBCATEGORY[c][1].label(s, lg) for c, s in zip(df["category"], df["subcategory"], strict=True)
    ]
    cols[tr("list.victim")] = [
        _text(v) + (f" ({int(g)})" if g is not None and not pd.isna(g) else "")
        for v, g in zip(df["victim"], df["group_size"], strict=True)
    ]
    cols[tr("list.role")] = [VICTIM_ROLE.label(r, lg) for r in df["victim_role"]]
    cols[tr("list.outlet")] = [_text(v) for v in df["outlet"]]
    if kind in ("physical_assault", "detention"):
        cols[tr("list.perpetrator")] = [PERPETRATOR.label(p, lg) for p in df["perpetrator"]]
    if kind == "physical_assault":
        from pressfreedom.vocab import ASSAULT_CONTEXT

        cols[tr("assaults.context")] = [ASSAULT_CONTEXT.label(x, lg) for x in df["context"]]
        cols[tr("assaults.injured")] = [YES_NO_UNKNOWN.label(x, lg) for x in df["injured"]]
        cols[tr("assaults.equipment")] = [YES_NO_UNKNOWN.label(x, lg) for x in df["equipment_damaged_or_seized"]]
    elif kind == "detention":
        cols[tr("detentions.days")] = [_number(x, lg) for x in df["duration_days"]]
        cols[tr("list.charge")] = [_text(x) for x in df["charge"]]
        cols[tr("detentions.released")] = [
            i18n.date_with_precision(d, p, lg) if d is not None else ""
            for d, p in zip(df["released_on"], df["released_on_precision"], strict=True)
        ]
    elif kind == "website_blocking":
        cols[tr("blockings.domain")] = [_text(x) for x in df["domain"]]
        cols[tr("blockings.from")] = [
            i18n.date_with_precision(d, p, lg) if d is not None else ""
            for d, p in zip(df["blocked_from"], df["blocked_from_precision"], strict=True)
        ]
        cols[tr("blockings.until")] = [i18n.day_label(d, lg) if d is not None else "" for d in df["blocked_until"]]
        cols[tr("blockings.status_as_of")] = [
            i18n.day_label(d, lg) if d is not None else "" for d in df["status_as_of"]
        ]
        cols[tr("blockings.basis")] = [_text(x) for x in df["basis"]]
    elif kind == "court_outcome":
        cols[tr("court.court")] = [_text(x) for x in df["court"]]
        cols[tr("list.charge")] = [_text(x) for x in df["charge"]]
        cols[tr("court.sentence_months")] = [_number(x, lg) for x in df["sentence_months"]]
        cols[tr("court.fine")] = [
            f"{_number(a, lg)} {_text(c)}".strip() if a is not None and not pd.isna(a) else ""
            for a, c in zip(df["fine_amount"], df["fine_currency"], strict=True)
        ]
        cols[tr("court.appeal_of")] = [_text(x) for x in df["appeal_of"]]
    cols[tr("list.summary")] = [_text(x) for x in df["summary"]]
    cols[tr("list.sources")] = [
        _sources(ts, ls) for ts, ls in zip(df["source_titles"], df["source_locators"], strict=True)
    ]
    return pd.DataFrame(cols)


def inert(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as formulas get a leading ' (also in the table's own
    "Download as CSV"); everything else is shown as is."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = [downloads.neutralise(v) for v in out[c]]
    return out


def table(df: pd.DataFrame, **kwargs: Any) -> None:
    """``st.dataframe`` of a table with data-derived text (see ``inert``)."""
    st.dataframe(inert(df), **kwargs)


# rows an incident list shows on a page (the newest); its downloads hold them all. Laying out a
# list costs per row (labels, dates, formula guard): a million-incident build took seconds a rerun.
LIST_ROWS = 2000


def shown_rows(df: pd.DataFrame, downloads: bool = True) -> pd.DataFrame:
    """The rows of an incident list (newest first) that a page shows, with a caption saying so
    when there are more (and that the downloads under the list hold them all)."""
    if df is None or len(df) <= LIST_ROWS:
        return df
    key = "list.first" if downloads else "list.first_only"
    st.caption(t(key, count=len(df), shown=i18n.number(LIST_ROWS, lang())))
    return df.head(LIST_ROWS)


def show_incident_list(df: pd.DataFrame, key: str, kind: str | None = None) -> None:
    table = incident_table(shown_rows(df), kind=kind)
    if table.empty:
        st.info(t("list.empty"))
        return
    st.dataframe(
        inert(table),
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            t("list.summary"): st.column_config.TextColumn(width="large"),
            t("list.sources"): st.column_config.TextColumn(width="large"),
        },
    )


# -- downloads -----------------------------------------------------------------------------


def download_buttons(
    incidents: pd.DataFrame, f: Filters | None, stem: str, key: str, content: str | None = None
) -> None:
    """CSV and XLSX of an incident list, each stating its filter (see ``pressfreedom.downloads``).

    The files — the download frame and its "about" lines (row count, cited sources) included — are
    built only when a button is clicked (callables), not on every rerun: the list's every row is
    walked then only (issue 17).
    """
    q = get_query()
    config = load_config()
    lg = f.lang if f is not None else lang()
    sheet, about = t("download.sheet_incidents"), t("download.sheet_about")

    def frame_and_lines() -> tuple[pd.DataFrame, list[tuple[str, str]]]:
        frame = downloads.incident_frame(incidents)
        lines = downloads.about_lines(
            f, config, q.manifest, rows=len(frame), sources=source_names(incidents), lang=lg, content=content
        )
        return frame, lines

    def workbook() -> bytes:
        frame, lines = frame_and_lines()
        return downloads.xlsx_bytes({sheet: frame}, lines, about_name=about)

    c1, c2 = st.columns(2)
    c1.download_button(
        t("download.csv_button"),
        data=lambda: downloads.csv_bytes(*frame_and_lines()),
        file_name=downloads.file_name(config, f, stem, "csv"),
        mime="text/csv",
        key=f"csv-{key}",
        on_click="ignore",
        width="stretch",
    )
    c2.download_button(
        t("download.xlsx_button"),
        data=workbook,
        file_name=downloads.file_name(config, f, stem, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx-{key}",
        on_click="ignore",
        width="stretch",
    )


def outcome_label(code: str, lg: str | None = None) -> str:
    return OUTCOME.label(code, lg or lang())
