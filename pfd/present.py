"""Streamlit helpers for side events: presentation mode, chart-image and report downloads.

Presentation mode (the ``pfd_present`` toggle, ``?present=1``) hides the sidebar and Streamlit's
chrome, enlarges type for a projector (the ``projector`` chart theme: titles 34 px, ticks 19 px;
page text ≥ 22 px), uses high contrast, and shows one chart per screen with next/previous
buttons (also → / ←, and Page Down / Page Up as sent by presentation clickers). The filters in
force are said once, at the top. The charts are the slide deck's (``report.figures``), drawn
with the projector theme, so the screen, the deck and the report show the same numbers.

The sidebar widgets keep running while hidden (CSS only), so filters and language persist when
the presenter leaves the mode.
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from pfd import export, i18n
from pfd.filters import Filters
from pfd.query import Query

PRESENT_KEY = "pfd_present"  # the dashboard's toggle (same key as pfd.app.PRESENT_KEY)
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
.stApp h1 { font-size: 44px !important; } .stApp h2 { font-size: 38px !important; } .stApp h3 { font-size: 32px !important; }
[data-testid="stCaptionContainer"] p { font-size: 20px !important; color: #222222 !important; }
.pfd-filters { font-size: 24px; font-weight: 700; margin: 0; line-height: 1.25; }
.pfd-kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 18px; margin-top: 12px; }
.pfd-kpi { border-left: 8px solid #0072B2; padding: 6px 14px; }
.pfd-kpi .v { font-size: 72px; font-weight: 700; line-height: 1.1; color: #000; }
.pfd-kpi .l { font-size: 26px; line-height: 1.2; color: #000; }
.pfd-kpi .c { font-size: 18px; color: #333; margin-top: 4px; }
.pfd-kpis-title { font-size: 40px; font-weight: 700; margin: 8px 0 0; }
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
    from report.figures import filters_text

    st.html(f'<p class="pfd-filters">{_esc(filters_text(f))}</p>')


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _step(n: int, delta: int) -> None:
    st.session_state[SLIDE_KEY] = max(0, min(n - 1, int(st.session_state.get(SLIDE_KEY, 0)) + delta))


def _leave() -> None:
    st.session_state[PRESENT_KEY] = False
    st.session_state.pop(SLIDE_KEY, None)  # next time, open at the page the presenter is on


def slides_nav(n: int, lang: str, f: Filters | None = None) -> int:
    """[filters once] Previous / "i / n" / Next / Exit on one row (keys → ← PageDown PageUp Esc).

    Returns the current slide index (kept in session state across reruns).
    """
    i = max(0, min(n - 1, int(st.session_state.get(SLIDE_KEY, 0))))
    st.session_state[SLIDE_KEY] = i
    banner_col, prev_col, pos_col, next_col, exit_col = st.columns([6, 2, 1, 2, 1.4], vertical_alignment="center")
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
    from report.figures import key_figures, kpi_cards  # the deck's list: same charts, same order

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
    fig = export.title_clearance(figures[i - 1].fig)
    st.plotly_chart(fig, key=f"present-chart-{keys[i]}", config={"displaylogo": False}, width="stretch", theme=None)
    st.caption(i18n.t("present.keys", lang))


# -- downloads ------------------------------------------------------------------------------------

FigureSource = go.Figure | Callable[[str], go.Figure]


def _figure_for(source: FigureSource, theme: str) -> go.Figure:
    """Build again with the theme when given a builder (exact), else re-theme the figure."""
    return source(theme) if callable(source) else export.retheme(source, theme)


def image_downloads(source: FigureSource, file_stem: str, lang: str, key: str) -> None:
    """PNG (1600 px, export theme) and SVG download buttons for one chart, rendered on click.

    ``source``: the figure, or better a function ``theme -> figure`` calling the same builder.
    Where Chromium is missing, a sentence instead of the buttons.
    """
    reason = export.unavailable_reason()
    if reason:
        st.caption(i18n.t("export.unavailable", lang))
        return
    png_col, svg_col = st.columns(2)
    png_col.download_button(
        i18n.t("export.png", lang),
        data=lambda: export.png_bytes(_figure_for(source, "export")),
        file_name=f"{file_stem}.png",
        mime="image/png",
        help=i18n.t("export.png_help", lang),
        key=f"{key}-png",
        on_click="ignore",
        icon=":material/image:",
    )
    svg_col.download_button(
        i18n.t("export.svg", lang),
        data=lambda: export.svg_bytes(_figure_for(source, "export")),
        file_name=f"{file_stem}.svg",
        mime="image/svg+xml",
        help=i18n.t("export.svg_help", lang),
        key=f"{key}-svg",
        on_click="ignore",
        icon=":material/draw:",
    )


def report_downloads(query: Query, f: Filters, key: str = "pfd-report") -> None:
    """Buttons for the offline HTML report and the slide deck of the current filters and language."""
    from report.build import make_deck, make_report

    lang = f.lang
    name = f"press-freedom-{lang}-{f.slug()}"
    st.download_button(
        i18n.t("export.report", lang),
        data=lambda: make_report(query, f),
        file_name=f"{name}.html",
        mime="text/html",
        help=i18n.t("export.report_help", lang),
        key=f"{key}-html",
        on_click="ignore",
        icon=":material/description:",
    )
    if export.unavailable_reason():
        st.caption(i18n.t("export.deck_unavailable", lang))
        return
    st.download_button(
        i18n.t("export.deck", lang),
        data=lambda: make_deck(query, f, export.shared_exporter()),
        file_name=f"{name}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        help=i18n.t("export.deck_help", lang),
        key=f"{key}-pptx",
        on_click="ignore",
        icon=":material/slideshow:",
    )
