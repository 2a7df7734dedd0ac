"""Streamlit helpers for side events: presentation mode, chart-image and report downloads.

Presentation mode (the ``pfd_present`` toggle, ``?present=1``) hides the sidebar and Streamlit's
chrome, enlarges type for a projector (the ``projector`` chart theme: titles 34 px, ticks 19 px;
page text ≥ 22 px), uses high contrast, and shows one chart per screen with next/previous
buttons (also → / ←, and Page Down / Page Up as sent by presentation clickers). The filters in
force are said once, at the top. The charts are the slide deck's (``pressfreedom.figures``), drawn
with the projector theme, so the screen, the deck and the report show the same numbers.

The sidebar widgets keep running while hidden (CSS only), so filters and language persist when
the presenter leaves the mode.
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from pressfreedom import chart_images, i18n, wording
from pressfreedom.filters import Filters
from pressfreedom.query import Query

PRESENT_KEY = "pfd_present"  # the dashboard's toggle (same key as webapp.app.PRESENT_KEY)
SLIDE_KEY = "pfd_present_slide"
# the page the presenter was on (its url path) → the slide to open at
START = {
    "assaults": "physical_assault",
    "detentions": "detention",
    "blockings": "website_blocking",
    "court": "court_outcome",
}
MIN_TITLE_PX, MIN_TICK_PX = 32, 18  # what a projector needs (checked by the tests)

CSS = """
<style>
/* presentation mode: no sidebar, no Streamlit chrome */
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="collapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], [data-testid="stSidebarNav"], #MainMenu, footer { display: none !important; }
/* high contrast, large type */
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #ffffff !important; color: #000000 !important; }
[data-testid="stMainBlockContainer"], .block-container { padding: 0.6rem 2rem 0.6rem 2rem !important; max-width: 100% !important; }
.stApp p, .stApp li, .stApp label, .stApp button p { font-size: 22px !important; color: #000000; }
.stApp [data-testid="stBaseButton-primary"] p { color: #ffffff; }  /* white on the primary red: 5.9:1 */
.stApp h1 { font-size: 44px !important; } .stApp h2 { font-size: 38px !important; } .stApp h3 { font-size: 32px !important; }
[data-testid="stCaptionContainer"] p { font-size: 20px !important; color: #222222 !important; }
.stApp p.pfd-filters { font-size: 24px !important; font-weight: 700; margin: 0; line-height: 1.25;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.pfd-kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 18px; margin-top: 12px; }
.pfd-kpi { border-left: 8px solid #0072B2; padding: 6px 14px; }
.pfd-kpi .v { font-size: 72px; font-weight: 700; line-height: 1.1; color: #000; }
.pfd-kpi .l { font-size: 26px; line-height: 1.2; color: #000; }
.pfd-kpi .c { font-size: 18px; color: #333; margin-top: 4px; }
.stApp p.pfd-kpis-title { font-size: 40px !important; font-weight: 700; margin: 8px 0 0; }
/* clicker keys (Page Down / Page Up): a second pair of buttons, present but not seen */
.st-key-pfd_present_next_pg, .st-key-pfd_present_prev_pg {
  position: absolute !important; width: 1px !important; height: 1px !important; overflow: hidden !important;
  opacity: 0 !important; pointer-events: none !important; }
</style>
"""


def apply_css() -> None:
    """Hide the sidebar and chrome, enlarge type, high contrast (call once per run)."""
    st.markdown(CSS, unsafe_allow_html=True)


def filters_banner(f: Filters) -> None:
    """The filters in force, said once (escaped: outlet and place names come from the data)."""
    from pressfreedom.figures import filters_text

    # one line, so that the chart keeps its height (cut with "…" when long; whole on hover)
    text = _esc(filters_text(f))
    st.html(f'<p class="pfd-filters" title="{text}">{text}</p>')


_esc = wording.esc  # the one escape function


def _slide(i: int, n: int) -> int:
    """A slide index kept within the ``n`` slides."""
    return sorted((0, i, n - 1))[1]


def _step(n: int, delta: int) -> None:
    st.session_state[SLIDE_KEY] = _slide(int(st.session_state.get(SLIDE_KEY, 0)) + delta, n)


def _leave() -> None:
    st.session_state[PRESENT_KEY] = False
    st.session_state.pop(SLIDE_KEY, None)  # next time, open at the page the presenter is on


def slides_nav(n: int, lang: str, f: Filters | None = None) -> int:
    """[filters once] Previous / "i / n" / Next / Exit on one row (keys → ← PageDown PageUp Esc).

    Returns the current slide index (kept in session state across reruns).
    """
    i = _slide(int(st.session_state.get(SLIDE_KEY, 0)), n)
    st.session_state[SLIDE_KEY] = i
    banner_col, prev_col, pos_col, next_col, exit_col = st.columns([7.4, 2, 1.1, 2, 1.8], vertical_alignment="center")
    if f is not None:
        with banner_col:
            filters_banner(f)
    prev_col.button(
        "← " + i18n.t("present.previous", lang),
        key="pfd_present_prev",
        on_click=_step,
        args=(n, -1),
        disabled=i == 0,
        shortcut="Left",
        width="stretch",
    )
    pos_col.markdown(f"**{i18n.t('present.position', lang, i=i + 1, n=n)}**", text_alignment="center")
    next_col.button(
        i18n.t("present.next", lang) + " →",
        key="pfd_present_next",
        on_click=_step,
        args=(n, 1),
        disabled=i == n - 1,
        shortcut="Right",
        type="primary",
        width="stretch",
    )
    exit_col.button(
        i18n.t("present.exit", lang), key="pfd_present_exit", on_click=_leave, shortcut="Esc", width="stretch"
    )
    # clickers send Page Down / Page Up: hidden twins of the two buttons
    st.button("next", key="pfd_present_next_pg", on_click=_step, args=(n, 1), shortcut="PageDown")
    st.button("prev", key="pfd_present_prev_pg", on_click=_step, args=(n, -1), shortcut="PageUp")
    return i


def show(query: Query, f: Filters, events: bool = True, start: str | None = None) -> None:
    """The whole presentation view: banner, navigation, one chart (or the key figures) per screen.

    ``start`` (a key figure's key, e.g. "detention") opens at that slide the first time.
    """
    from pressfreedom.figures import key_figures, kpi_cards  # the deck's list: same charts, same order

    lang = f.lang
    apply_css()
    figures = key_figures(query, f, theme="projector", events=events)
    keys = ["kpis"] + [kf.key for kf in figures]
    if start in keys and SLIDE_KEY not in st.session_state:
        st.session_state[SLIDE_KEY] = keys.index(start)
    i = slides_nav(len(keys), lang, f)
    if i == 0:
        cards, _notes = kpi_cards(query, f)
        cards = "".join(
            f'<div class="pfd-kpi"><div class="v">{_esc(c.value)}</div><div class="l">{_esc(c.label)}</div>'
            f'<div class="c">{_esc(c.change)}</div></div>'
            for c in cards
        )
        st.html(f'<p class="pfd-kpis-title">{_esc(i18n.t("report.kpis", lang))}</p><div class="pfd-kpis">{cards}</div>')
        return
    kf = figures[i - 1]
    st.plotly_chart(
        kf.fig, key=f"present-chart-{keys[i]}", config={"displaylogo": False}, width="stretch", theme=None, alt=kf.title
    )
    st.caption(i18n.t("present.keys", lang))


# -- downloads ------------------------------------------------------------------------------------

FigureSource = go.Figure | Callable[[str], go.Figure]  # or a pressfreedom.figures.KeyFigure (has .build)


def figure_for_export(source) -> tuple[go.Figure, str | None]:
    """(figure, theme to re-theme it to): built with the export theme when the builder is at hand
    (exact: the same code as the screen's figure), else the figure and "export" (a re-themed copy)."""
    build = getattr(source, "build", None)
    if build is None and callable(source) and not isinstance(source, go.Figure):
        build = source
    if build is not None:
        return build("export"), None
    return source, "export"


def image_bytes(source, fmt: str) -> bytes:
    """The chart as PNG (1600 px wide) or SVG, rendered by the dashboard's shared exporter."""
    fig, theme = figure_for_export(source)
    return chart_images.shared_exporter().render(fig, fmt, theme)


def image_downloads(source, file_stem: str, lang: str, key: str, table: Callable[[], bytes] | None = None) -> None:
    """PNG (≥ 1600 px wide, export theme) and SVG download buttons for one chart, rendered on click.

    ``source``: a ``pressfreedom.figures.KeyFigure`` or a function ``theme -> figure`` calling the same
    builder as the screen (exact), or a figure (re-themed). A compact row of two small buttons,
    right-aligned under the chart; where Chromium is missing, one sentence instead. ``table``: the
    chart's numbers as CSV bytes, a button before the images (kept where Chromium is missing).

    No ``help=`` tooltips on download buttons: with one, Streamlit 1.67 draws a second, hidden copy
    of the button, which a click on "every download button" (tests, assistive tools) lands on.
    """
    row = st.container(horizontal=True, horizontal_alignment="right", gap="small", key=f"{key}-images")
    if table is not None:  # the numbers behind the chart first: next in tab order after the chart
        row.download_button(
            "⤓ " + i18n.t("export.data", lang),
            data=table,
            file_name=f"{file_stem}.csv",
            mime="text/csv",
            key=f"{key}-csv",
            on_click="ignore",
            type="tertiary",
        )
    if chart_images.unavailable_reason():
        st.caption(i18n.t("export.unavailable", lang))
        return
    for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
        row.download_button(
            "⤓ " + i18n.t(f"export.{fmt}", lang),
            data=lambda fmt=fmt: image_bytes(source, fmt),
            file_name=f"{file_stem}.{fmt}",
            mime=mime,
            key=f"{key}-{fmt}",
            on_click="ignore",
            type="tertiary",
        )


def report_downloads(query: Query, f: Filters, key: str = "pfd-report", events: bool = True) -> None:
    """Buttons for the offline HTML report and the slide deck of the current filters and language,
    built on click (``report.make_report`` / ``report.make_deck``, the same as ``python -m report``).
    Where Chromium is missing, the report button and a sentence instead of the deck's."""
    from pressfreedom.config import load_config
    from pressfreedom.documents.compose import make_deck, make_report
    from pressfreedom.downloads import file_name

    lang = f.lang
    config = load_config()
    row = st.container(horizontal=True, gap="small", key=f"{key}-row")
    row.download_button(
        i18n.t("export.report", lang),
        data=lambda: make_report(query, f, events=events),
        file_name=file_name(config, f, f"report-{lang}", "html"),
        mime="text/html",
        key=f"{key}-html",
        on_click="ignore",
    )
    if chart_images.unavailable_reason():
        st.caption(i18n.t("export.deck_unavailable", lang))
        return
    row.download_button(
        i18n.t("export.deck", lang),
        data=lambda: make_deck(query, f, chart_images.shared_exporter(), events=events),
        file_name=file_name(config, f, f"slides-{lang}", "pptx"),
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key=f"{key}-pptx",
        on_click="ignore",
    )
