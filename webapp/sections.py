"""Page sections shared by several pages (Streamlit): by-month charts, KPI cards, the drill-down list.

Each function is one "select → get data → show" block; numbers come from the query layer via
``app.data`` (cached). Selections made in charts narrow one incident list per page (``Drill``):
every bar or point shown can be opened into the incidents and sources behind it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from pressfreedom import figures, i18n
from pressfreedom.figures import KeyFigure, KpiCard
from pressfreedom.filters import Filters
from pressfreedom.selection import Drill, selected_bars
from pressfreedom.vocab import CATEGORY
from webapp import app

# -- drill-down ------------------------------------------------------------------------------


def incident_section(
    drill: Drill,
    f: Filters,
    key: str,
    kind: str | None = None,
    stem: str = "incidents",
    content: str | None = None,
) -> None:
    """The incidents behind the numbers: the selection in words, the list, its downloads.

    ``content``: what the list holds when it is not the sidebar's filter (a person's timeline).
    """
    lg = f.lang
    st.subheader(i18n.t("list.title", lg))
    shown = drill.shown
    if drill.ids is not None:
        st.caption(app.plain(i18n.t("list.selected", lg, count=len(shown)) + " " + " · ".join(drill.labels)))
    else:
        st.caption(app.plain(content or f.caption(len(shown), unit="incidents")))
    app.show_incident_list(shown, key=f"list-{key}", kind=kind)
    if not shown.empty:
        words = " · ".join(x for x in (content, " · ".join(drill.labels)) if x) or None
        app.download_buttons(shown, f, stem, key=key, content=words)


# -- the overview's data ---------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewData:
    """What the overview reads for a filter state, and its three charts (``overview_data``)."""

    overview: dict  # Query.overview: the KPIs, the top outlets, the published figures
    incidents: pd.DataFrame
    monthly: KeyFigure
    outlets: KeyFigure
    published: KeyFigure | None


def overview_data(f: Filters, events: bool) -> OverviewData:
    """The overview page's data and charts for ``f`` — one function for the page and for the launcher's
    warm-up (``python -m webapp``), which so fills the same caches the first visitor's run reads."""
    o = app.data("overview", f)
    incidents = app.data("incidents", f)
    return OverviewData(
        overview=o,
        incidents=incidents,
        monthly=figures.overview_monthly(app.data, f, events=events, incidents=incidents),
        outlets=figures.outlets_figure(f, o["top_outlets"], incidents),
        published=figures.published_figure(f, o["published"]),
    )


# -- by-month chart -------------------------------------------------------------------------


def monthly_chart(fig, f: Filters, by: str, key: str) -> list[list]:
    """Show a by-month stacked chart (a ``pressfreedom.figures`` figure); return the bars really selected."""
    return selected_bars(app.chart(fig, key=key, select=True), app.data("by_period", f, by))


HALF = 560  # expected width of a chart in one of two columns (wide layout)


def half() -> int:
    """The width of a chart in one of two columns on this screen (``HALF`` on a wide one)."""
    return app.half_width(HALF)


# -- KPIs -----------------------------------------------------------------------------------


def figure_row(cards: list[KpiCard], columns: int | None = None) -> None:
    """A kind page's bordered figure cards in one row (cards from ``pressfreedom.figures``); on a
    phone two to a row (``app.LAYOUT_CSS``, class ``pfd-cards``)."""
    with st.container(key=f"pfd-cards-{zlib.crc32('|'.join(c.label for c in cards).encode())}"):
        for col, card in zip(st.columns(columns or len(cards)), cards, strict=False):
            col.metric(card.label, card.value, help=card.help or None, border=True)


def kpi_cards(cards: list[KpiCard], which=None, lang: str = "en") -> None:
    """The overview's metric cards (``figures.kpi_cards``), with the change against the previous
    period where comparable: three to a row on a wide screen, two on a phone (one grid,
    ``app.LAYOUT_CSS``). ``which(i, card)`` draws the incidents behind card ``i``: one
    "Which incidents?" under the cards, in which the reader picks the number (not a button under
    every card: on a phone that made twelve rows before the first chart)."""
    with st.container(key="pfd-cards-kpis"):
        for col, card in zip(st.columns(len(cards)), cards, strict=False):
            col.metric(card.label, card.value, delta=card.delta, delta_color="inverse", help=card.help, border=True)
    if which is None:
        return
    # its table is built only while it is open (opening it reruns the page): a closed popover
    # costs the run nothing (issue 17: six tables were built and sent on every run)
    popover = st.popover(i18n.t("kpi.which", lang), width="content", key="which-open", on_change="rerun")
    with popover:
        i = st.radio(
            i18n.t("kpi.which_pick", lang),
            range(len(cards)),
            format_func=lambda k: cards[k].label,
            key="which-card",
        )
        if popover.open:
            which(i, cards[i])


# -- published figures --------------------------------------------------------------------


# -- small helpers --------------------------------------------------------------------------


def page_filters(kind: str) -> Filters:
    """A kind page's filter: the sidebar's, with this page's kind (and only its own types)."""
    f = app.filters()
    if f.categories and kind not in f.categories:
        st.info(i18n.t("page.kind_not_selected", f.lang, kind=CATEGORY.label(kind, f.lang)))
    subs = tuple(s for s in f.subcategories if s.split(".", 1)[0] == kind)
    return f.with_(categories=(kind,), subcategories=subs)
