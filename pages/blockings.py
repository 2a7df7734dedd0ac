"""Website blockings: a timeline of each blocked domain, active blocks per month, by type, cyberattacks apart, list."""

from datetime import date

import streamlit as st

from pressfreedom import figures, i18n, selection
from pressfreedom.query import NOT_A_BLOCK
from pressfreedom.vocab import BLOCKING_TYPE
from webapp import app, sections

KIND = "website_blocking"

# 1. select → get data: incidents of the period, plus the blocks that began earlier and still held
f = sections.page_filters(KIND)
lg = f.lang
st.header(i18n.t("page.blockings", lg))
incidents = app.data("incidents", f)
blocks = app.data("block_timeline", f)
period_ids = set(incidents["incident_id"])
incidents = figures.blocking_incidents(app.data, f, blocks)
earlier = sorted(set(incidents["incident_id"]) - period_ids)
k = app.data("kpis", f)
drill = selection.Drill(incidents)

sections.figure_row(figures.blocking_cards(k, f))
if earlier:
    st.caption(i18n.t("blockings.earlier_note", lg, count=len(earlier)))

# 2. the timeline: each blocked domain or platform, from–until, and what is not confirmed
timeline = figures.blockings_figure(app.data, f, blocks=blocks, incidents=incidents)
n_domains = timeline.n
sel = app.chart(timeline, key="chart-timeline", select=True)
drill.narrow(selection.ids_direct(sel), i18n.t("blockings.selected_blocks", lg))
st.caption(i18n.t("blockings.timeline_note", lg))

# 3. active blocks per month (confirmed, and those whose start is known only to the year)
active = figures.active_blocks_figure(app.data, f, incidents, n_domains, events=app.show_events())
sel = app.chart(active, key="chart-active", select=True)
labels = {k_: i18n.t(f"blockings.active_{k_}", lg) for k_ in figures.ACTIVE_KEYS}
if sel:
    bars = tuple(sorted({(str(m)[:7], str(key)) for m, key in sel if key in labels}))
    words = "; ".join(f"{i18n.month_label(date.fromisoformat(str(m)[:10]), lg)} — {labels[key]}" for m, key in sel[:6])
    drill.narrow(app.data("active_block_ids", f, bars), words)

# 4. by type of blocking (cyberattacks are counted apart, below)
left, right = st.columns(2)
with left:
    by_type = figures.breakdown_figure(
        app.data,
        f,
        "subcategory",
        i18n.t("blockings.by_type_title", lg),
        "blockings-type",
        incidents,
        BLOCKING_TYPE,
        KIND,
        width_hint=sections.half(),
        exclude=NOT_A_BLOCK,
    )
    sel = app.chart(by_type, key="chart-blockings-type", select=True)
    drill.narrow(selection.ids_by_key(incidents, sel, "subcategory"), selection.key_words(sel, BLOCKING_TYPE, lg))
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
sections.incident_section(drill, f, key="blockings", kind=KIND, stem="blockings")
