"""Website blockings: a timeline of each blocked domain, active blocks per month, by type, cyberattacks apart, list."""

from datetime import date

import pandas as pd
import streamlit as st

from pfd import app, charts, i18n, views
from pfd.query import NOT_A_BLOCK
from pfd.vocab import BLOCKING_TYPE

KIND = "website_blocking"

# 1. select → get data: incidents of the period, plus the blocks that began earlier and still held
f = views.page_filters(KIND)
lg = f.lang
st.header(i18n.t("page.blockings", lg))
incidents = app.data("incidents", f)
blocks = app.data("block_timeline", f)
earlier = sorted(set(blocks["incident_id"]) - set(incidents["incident_id"])) if len(blocks) else []
if earlier:
    incidents = pd.concat([incidents, app.data("incidents_by_id", f, tuple(earlier))], ignore_index=True)
k = app.data("kpis", f)
drill = views.Drill(incidents)

c = st.columns(3)
c[0].metric(
    i18n.t("kpi.websites_blocked", lg),
    i18n.number(k["websites_blocked"], lg),
    help=i18n.t("kpi.help_websites", lg),
    border=True,
)
c[1].metric(i18n.t("blockings.new_blocks", lg), i18n.number(k["blocking_incidents"], lg), border=True)
c[2].metric(i18n.t("blockings.cyberattacks", lg), i18n.number(k["cyberattacks"], lg), border=True)
if earlier:
    st.caption(i18n.t("blockings.earlier_note", lg, n=i18n.number(len(earlier), lg)))

# 2. the timeline: each blocked domain or platform, from–until, and what is not confirmed
n_domains = blocks["domain_key"].nunique() if len(blocks) else 0
fig = charts.block_timeline(
    blocks,
    start=f.start,
    end=f.end,
    title=i18n.t("blockings.timeline_title", lg),
    caption=i18n.t("blockings.timeline_caption", lg, n=n_domains, period=i18n.period_label(f.start, f.end, lg)),
    source=charts.source_line(
        app.source_names(incidents[incidents["incident_id"].isin(blocks["incident_id"])]) if len(blocks) else [],
        n_domains,
        lg,
        "websites",
    ),
    lang=lg,
    theme=app.theme(),
)
sel = app.chart(fig, key="chart-timeline", select=True)
drill.narrow(views.ids_direct(sel), i18n.t("blockings.selected_blocks", lg))
st.caption(i18n.t("blockings.timeline_note", lg))

# 3. active blocks per month (confirmed, and those whose start is known only to the year)
active = app.data("active_blocks_by_month", f)
tidy = active.drop(columns=["n"]).melt(
    id_vars=["month", "monitored"], value_vars=["confirmed", "start_uncertain"], var_name="key", value_name="n"
)
labels = {k_: i18n.t(f"blockings.active_{k_}", lg) for k_ in ("confirmed", "start_uncertain")}
peak = int(active["confirmed"].max()) if len(active) else 0
fig = charts.monthly_bars(
    tidy,
    title=i18n.t("blockings.active_title", lg),
    caption=i18n.t("blockings.active_caption", lg, n=peak, period=i18n.period_label(f.start, f.end, lg)),
    source=charts.source_line(app.source_names(incidents), n_domains, lg, "websites"),
    lang=lg,
    vocab=BLOCKING_TYPE,
    labels=labels,
    kind=KIND,
    events=app.data("events", f) if app.show_events() else None,
    theme=app.theme(),
    y_title=i18n.t("blockings.y_domains", lg),
)
sel = app.chart(fig, key="chart-active", select=True)
if sel:
    chosen = set()
    for m, key in sel:
        month = date.fromisoformat(str(m)[:10])
        m_end = pd.Timestamp(month).to_period("M").end_time.date()
        for r in blocks.itertuples():
            hit_confirmed = r.start_certain <= m_end and r.end_confirmed >= month
            hit_possible = r.start_possible <= m_end and r.end_confirmed >= month and not hit_confirmed
            if (key == "confirmed" and hit_confirmed) or (key == "start_uncertain" and hit_possible):
                chosen.add(r.incident_id)
    words = "; ".join(f"{i18n.month_label(date.fromisoformat(str(m)[:10]), lg)} — {labels[key]}" for m, key in sel[:6])
    drill.narrow(chosen, words)

# 4. by type of blocking (cyberattacks are counted apart, below)
left, right = st.columns(2)
with left:
    sel = views.breakdown_chart(
        f,
        "subcategory",
        i18n.t("blockings.by_type_title", lg),
        "blockings-type",
        incidents,
        BLOCKING_TYPE,
        KIND,
        width_hint=views.HALF,
        exclude=NOT_A_BLOCK,
    )
    drill.narrow(views.ids_by_key(incidents, sel, "subcategory"), views.key_words(sel, BLOCKING_TYPE, lg))
with right:
    st.subheader(i18n.t("blockings.cyber_title", lg))
    st.caption(i18n.t("blockings.cyber_note", lg))
    cyber = app.incident_table(app.data("cyberattacks", f), lg, kind=KIND)
    if cyber.empty:
        st.info(i18n.t("list.empty", lg))
    else:
        keep = ["ID", i18n.t("list.date", lg), i18n.t("list.victim", lg), i18n.t("blockings.domain", lg)]
        keep += [i18n.t("list.summary", lg), i18n.t("list.sources", lg)]
        app.table(cyber[keep], hide_index=True, width="stretch", key="cyber")

# 5. the incidents behind the numbers
views.incident_section(drill, f, key="blockings", kind=KIND, stem="blockings")
