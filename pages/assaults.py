"""Assaults page (skeleton): by month and type, with the incidents behind the numbers."""

import streamlit as st

from pfd import app, i18n, views
from pfd.vocab import CATEGORY

f = app.filters().with_(categories=("physical_assault",))
lg = f.lang
st.header(i18n.t("page.assaults", lg))
views.monthly_with_drilldown(
    f, "subcategory", i18n.t("chart.by_month_title", lg, kind=CATEGORY.label("physical_assault", lg)), key="assaults"
)
