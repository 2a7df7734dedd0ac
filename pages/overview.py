"""Overview — the donor view: KPIs, incidents by month and kind, documented vs published."""

import streamlit as st

from pfd import app, i18n, views

f = app.filters()
lg = f.lang
st.header(i18n.t("page.overview", lg))

# 1. KPIs for the period, with the change against the previous period of the same length
k = app.data("kpis", f)
prev = k["previous"]
cards = [
    ("kpi.people" if f.count == "people" else "kpi.incidents", "people" if f.count == "people" else "incidents"),
    ("kpi.assaults", "assaults"),
    ("kpi.detentions", "detentions"),
    ("kpi.websites_blocked", "websites_blocked"),
    ("kpi.convictions", "convictions"),
    ("kpi.prison_years", "prison_months"),
]
for col, (label, field) in zip(st.columns(len(cards)), cards, strict=True):
    value = k[field] / 12 if field == "prison_months" else k[field]
    delta = None
    if prev is not None:
        before = prev[field] / 12 if field == "prison_months" else prev[field]
        delta = i18n.number(value - before, lg, 1 if field == "prison_months" else 0)
    col.metric(
        i18n.t(label, lg),
        i18n.number(value, lg, 1 if field == "prison_months" else 0),
        delta=delta,
        delta_color="inverse",
        help=i18n.t("kpi.vs_previous", lg, n=f.months) if prev is not None else i18n.t("kpi.no_previous", lg),
    )

# 2. by month and kind, with context periods; selecting bars filters the list below
views.monthly_with_drilldown(
    f, "category", i18n.t("chart.by_month_title", lg, kind=i18n.t("chart.all_kinds", lg)), key="overview"
)
