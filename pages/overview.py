"""Overview — the donor view: KPIs, incidents by month and kind, most targeted outlets, documented vs published.

Every number opens into the incidents behind it: "Which incidents?" under the cards, selections
in the charts narrow the list, and each published figure lists the itemised incidents beside it.
"""

import numpy as np
import pandas as pd
import streamlit as st

from pressfreedom import figures, i18n, selection, wording
from webapp import app, presentation, sections

f = app.filters()
lg = f.lang
people = f.count == "people"
st.header(i18n.t("page.overview", lg))
st.caption(i18n.t("app.tagline", lg))
# the offline report and the slide deck of this view (filters, language, context periods), built on click
presentation.report_downloads(app.get_query(), f, key="overview-report", events=app.show_events())

# 1. select → get data: everything on this page in one cached call, plus the incident list
data = sections.overview_data(f, events=app.show_events())
o, incidents = data.overview, data.incidents
k = o["kpis"]

# 2. KPI cards, with the change against the previous period where the sources allow it
cards, notes = figures.kpi_cards(k, f, page=True)
# 3. "Which incidents?" — one click from each number to the incidents and sources behind it


def which(i: int, card: figures.KpiCard) -> None:
    """The incidents behind card ``i`` (only while "Which incidents?" is open: the court cases and the
    websites still blocked are fetched then, and only the chosen card's table is built)."""
    cases = app.data("court_cases", f)
    blocked = app.data("blocked_at_end", f)
    websites = app.data("incidents_by_id", f, tuple(sorted(blocked))) if blocked else incidents.iloc[0:0]
    name, rows = figures.incidents_behind_cards(incidents, cases, websites)[i]
    st.markdown(f"**{app.plain(i18n.t(f'kpi.which_{name}', lg))}**")
    rows = app.shown_rows(rows, downloads=False)  # (no downloads in the popover)
    table = app.incident_table(rows, lg)
    if table.empty:
        st.caption(i18n.t("list.empty", lg))
        return
    keep = ["ID", i18n.t("list.date", lg), i18n.t("list.type", lg), i18n.t("list.victim", lg)]
    if name == "prison":
        months = cases.set_index("incident_id")["sentence_months"]
        table.insert(4, i18n.t("court.sentence_months", lg), [months.get(x) for x in rows["incident_id"]])
        keep.append(i18n.t("court.sentence_months", lg))
    keep.append(i18n.t("list.sources", lg))
    app.table(table[keep], hide_index=True, width="stretch", key=f"which-{name}")


sections.kpi_cards(cards, which=which, lang=lg)
for note in notes:
    st.caption(app.plain(note))

# 4. by month and kind, with the context periods; selecting bars narrows the list below
drill = selection.Drill(incidents)
selected = sections.monthly_chart(data.monthly, f, "category", key="chart-overview")
drill.narrow(
    selection.ids_by_month(incidents, selected, "category", f.time_grain),
    selection.selection_words(selected, "category", f),
)

# 5. most targeted outlets (an outlet named in the incident, or the outlet as the victim)
sel_outlets = app.chart(data.outlets, key="chart-outlets", select=True)
if sel_outlets:
    names = {str(s[0]) for s in sel_outlets}
    mask = incidents["outlet"].isin(names) | (
        incidents["victim"].isin(names) & incidents["victim_role"].isin(["media_outlet", "website"])
    )
    drill.narrow(set(incidents.loc[mask, "incident_id"]), ", ".join(sorted(names)))
st.caption(i18n.t("overview.outlets_note", lg))

# 6. the incidents behind the numbers
sections.incident_section(drill, f, key="overview")

# 7. documented vs published: each published figure beside the itemised count for the same thing
st.subheader(i18n.t("published.title", lg))
st.caption(i18n.t("published.explain", lg))
pub = wording.pair_ranges(o["published"])
if pub.empty:
    st.info(i18n.t("published.none", lg))
else:
    pub = pub.assign(
        value_text=[
            wording.figure_in_words(v, q, lg, None if pd.isna(u) else u, unit=unit)
            for v, q, u, unit in zip(pub["value"], pub["qualifier"], pub["upper"], pub["unit"], strict=True)
        ],
        documented_text=[
            ""
            if pd.isna(d)
            else i18n.t("published.documented_n", lg, n=i18n.number(d, lg), unit=i18n.t(f"unit.{u}", lg, count=int(d)))
            for d, u in zip(pub["documented"], pub["documented_unit"], strict=True)
        ],
    )
    # the chart names each figure from its kind and type codes, in the page's language
    chart = data.published
    chosen = app.chart(chart, key="chart-published", select=True) if chart is not None else []
    # the itemised incidents of every figure, fetched once (not one query per figure): their sources for
    # the table, their details only for the list of the figures chosen in the chart
    ids_of = {r.figure_id: app.as_list(r.incident_ids) for r in pub.itertuples()}
    all_ids = tuple(sorted({x for ids in ids_of.values() for x in ids}))
    titles = app.data("source_titles_by_id", f, all_ids)
    place = {iid: k for k, iid in enumerate(titles["incident_id"])}  # (each figure's rows in the list's order)
    # each incident's titles as a Python list, once: the figures below walk them again and again (at 100k
    # incidents ~50,000 lists; a numpy array is slower to walk than a list)
    cited = [x.tolist() if isinstance(x, np.ndarray) else x for x in titles["source_titles"]]
    table = pd.DataFrame(
        {
            i18n.t("published.col_figure", lg): [
                figures.figure_description(fid, d, lg)
                for fid, d in zip(pub["figure_id"], pub["description"], strict=True)
            ],
            i18n.t("published.col_period", lg): [
                wording.span_label(s, e, lg) for s, e in zip(pub["period_start"], pub["period_end"], strict=True)
            ],
            i18n.t("published.col_published", lg): pub["value_text"],
            i18n.t("published.col_documented", lg): [
                x or i18n.t("published.no_counterpart", lg) for x in pub["documented_text"]
            ],
            i18n.t("published.col_source", lg): [
                f"{t} — {loc}" for t, loc in zip(pub["source_title"], pub["source_locator"], strict=True)
            ],
            i18n.t("published.col_documented_sources", lg): [
                "; ".join(figures.cited_titles(cited[k] for k in sorted({place[i] for i in ids_of[fid] if i in place})))
                if ids_of[fid]
                else ""
                for fid in pub["figure_id"]
            ],
        }
    )
    app.table(table, hide_index=True, width="stretch", key="published-table")
    if chosen:
        ids = {x for fid in {c[0] for c in chosen} for x in ids_of.get(fid, [])}
        st.caption(i18n.t("published.itemised_for", lg, count=len(ids)))
        itemised = app.data("incidents_by_id", f, all_ids)
        app.show_incident_list(itemised[itemised["incident_id"].isin(ids)], key="published-list")
