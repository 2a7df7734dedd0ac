"""Context: how the country compares (RSF index) and whether blocking is measured (Citizen Lab, OONI).

Third-party data, each with its own licence, shown apart from the incident data (CC BY).
"""

import streamlit as st

from pressfreedom import charts_third_party, figures, i18n
from pressfreedom.config import load_config
from webapp import app

# 1. select
lg = app.lang()
root = app.get_query().root
config = load_config()
st.header(i18n.t("page.context", lg))

# 2. RSF World Press Freedom Index: rank over the years, method changes marked
rsf = app.cached_context("rsf_series", config.country_code)
app.chart(app.builder(charts_third_party.rsf_rank_figure, rsf, lg, country=config.country_in(lg)), key="chart-rsf")
st.caption(i18n.t("context.rsf_note", lg))

# 3. Citizen Lab test list: tested news sites, documented as blocked here or not
st.subheader(i18n.t("context.citizenlab_title", lg))
coverage = app.cached_context("citizenlab_coverage")
if coverage.empty:
    st.info(i18n.t("context.citizenlab_missing", lg, iso2=config.country_iso2.lower()))
else:
    st.caption(figures.citizenlab_caption(coverage, lg))
    table = coverage[["domain", "documented_blocked", "incident_ids"]].rename(
        columns={
            "domain": i18n.t("context.col_domain", lg),
            "documented_blocked": i18n.t("context.col_documented", lg),
            "incident_ids": i18n.t("context.col_incidents", lg),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
st.caption(i18n.t("context.citizenlab_licence", lg))

# 4. OONI: anomaly and confirmed shares by month beside the documented blocking periods
st.subheader(i18n.t("context.ooni_title", lg))
monthly = app.cached_context("ooni_monthly")
if monthly.empty:  # say what the chart would show and how to add the data; no empty chart frame
    st.info(i18n.t("context_chart.ooni_caption", lg) + " " + i18n.t("context_chart.ooni_empty", lg))
else:
    intervals = app.cached_context("blocking_intervals")
    app.chart(app.builder(charts_third_party.ooni_blocking_figure, monthly, intervals, lg), key="chart-ooni")
