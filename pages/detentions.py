"""Detentions: by month and type, total days of administrative detention, who was held longest, list."""

import streamlit as st

from pressfreedom import charts, figures, i18n, selection
from pressfreedom.vocab import DETENTION_TYPE
from webapp import app, sections

KIND = "detention"

# 1. select → get data
f = sections.page_filters(KIND)
lg = f.lang
st.header(i18n.t("page.detentions", lg))
incidents = app.data("incidents", f)
k = app.data("kpis", f)
days = app.data("detention_days", f)
drill = selection.Drill(incidents)

sections.figure_row(figures.detention_cards(k, days, f))
st.caption(
    app.plain(
        i18n.t(
            "detentions.admin_days_note" if days["without_days"] else "detentions.admin_days_note_complete",
            lg,
            days=i18n.t("detentions.note_days", lg, count=days["days"]),
            with_days=i18n.t("detentions.note_with_days", lg, count=days["with_days"]),
            without=i18n.t("detentions.note_without", lg, count=days["without_days"]),
        )
    )
)

# 2. by month and type of detention
monthly = figures.kind_monthly(app.data, f, KIND, "subcategory", events=app.show_events(), incidents=incidents)
selected = sections.monthly_chart(monthly, f, "subcategory", key="chart-detentions")
if monthly.note:
    st.caption(app.plain(monthly.note))
drill.narrow(
    selection.ids_by_month(incidents, selected, "subcategory", f.time_grain),
    selection.selection_words(selected, "subcategory", f, DETENTION_TYPE),
)

# 3. who was held longest (stated durations, or computed from exact dates)
longest = app.data("longest_held", f)
data = longest.assign(key=[f"{v} · {i}" for v, i in zip(longest["key"], longest["incident_id"], strict=True)])
n = len(data)
longest_source = charts.source_line(
    app.source_names(incidents[incidents["incident_id"].isin(longest["incident_id"])]), n, lg
)
sel = app.chart(
    app.builder(
        charts.horizontal_bars,
        data[["key", "n"]],
        title=i18n.t("detentions.longest_title", lg),
        caption=i18n.t("detentions.longest_caption", lg, count=n, period=i18n.period_label(f.start, f.end, lg)),
        source=longest_source,
        lang=lg,
        color=charts.kind_color(KIND),
        x_title=i18n.t("detentions.days_axis", lg),
    ),
    key="chart-longest",
    select=True,
)
if sel:
    ids = {str(s[0]).rsplit(" · ", 1)[-1] for s in sel}
    drill.narrow(ids, ", ".join(sorted(ids)))
st.caption(i18n.t("detentions.longest_note", lg))

# 4. the incidents behind the numbers
sections.incident_section(drill, f, key="detentions", kind=KIND, stem="detentions")
