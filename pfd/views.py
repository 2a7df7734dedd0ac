"""Page sections shared by several pages (Streamlit): by-month chart with drill-down list.

Each function is one "select → get data → show" block; numbers come from the query layer.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pfd import app, charts, i18n
from pfd.filters import Filters
from pfd.vocab import CATEGORY, CATEGORY_SUBCATEGORY


def monthly_with_drilldown(f: Filters, by: str, title: str, key: str) -> None:
    """A by-month chart; selecting bars in it filters the incident list below."""
    lg = f.lang
    monthly = app.data("monthly", f, by)
    incidents = app.data("incidents", f)
    n = int(monthly["n"].sum())
    vocab = CATEGORY if by == "category" else CATEGORY_SUBCATEGORY[f.categories[0]][1]
    events = app.data("events", f) if app.show_events() else None
    fig = charts.monthly_bars(
        monthly,
        title=title,
        caption=f.caption(n),
        source=charts.source_line(app.source_names(incidents), n, lg, f.count),
        lang=lg,
        vocab=vocab,
        events=events,
        theme=app.theme(),
    )
    selected = app.chart(fig, key=f"chart-{key}", select=True)
    app.caption(f, n)
    apart = app.data("year_only_apart", f)
    if apart:
        st.caption(i18n.t("caption.year_only", lg, n=apart))
    st.subheader(i18n.t("list.title", lg))
    shown = select_incidents(incidents, selected, by)
    if selected:
        st.caption(i18n.t("list.selected", lg, n=len(shown)))
    app.show_incident_list(shown, key=f"list-{key}")


def select_incidents(incidents: pd.DataFrame, selected: list[list], by: str) -> pd.DataFrame:
    """Rows of the list that fall in the selected (month, key) bars; all rows when none selected."""
    if not selected or incidents.empty:
        return incidents
    wanted = {(str(m)[:7], k) for m, k in selected}
    months = pd.to_datetime(incidents["date"]).dt.strftime("%Y-%m")
    keep = [
        (m, k) in wanted and p != "year"
        for m, k, p in zip(months, incidents[by], incidents["date_precision"], strict=True)
    ]
    return incidents[keep]
