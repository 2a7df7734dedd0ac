"""People & cases: find a person or outlet (spelling variants included) and follow one timeline across all kinds."""

import streamlit as st

from pressfreedom import charts, figures, i18n, selection
from pressfreedom.vocab import VICTIM_ROLE
from webapp import app, sections

f = app.filters()
lg = f.lang
st.header(i18n.t("page.people", lg))
st.caption(i18n.t("people.intro", lg))

# 1. select: a name or outlet, in any spelling the documents use — or a row of the list below
text = st.text_input(i18n.t("people.search", lg), key=app.PERSON_KEY, placeholder=i18n.t("people.placeholder", lg))
matches = app.data("search", f, text) if text else None
if not text:
    # everyone with incidents in the selection (the toggle widens it to all dates and kinds)
    st.caption(i18n.t("people.hint", lg))
    wide = st.toggle(i18n.t("people.within_filters", lg), value=True, key="people-list-within") is False
    people = app.data("people_list", f, wide)
    st.subheader(i18n.t("people.list_title", lg))
    scope = figures.people_scope(f, wide)
    st.caption(app.plain(i18n.t("people.list_caption", lg, count=len(people), scope=scope)))
    shown = figures.people_table(app.shown_rows(people, downloads=False), lg)
    if shown.empty:
        st.info(i18n.t("people.list_none", lg))
    else:

        def open_row() -> None:  # a chosen row puts its name in the search, which the link keeps
            rows = st.session_state["people-list"].selection.rows
            if rows:
                st.session_state[app.PERSON_KEY] = str(people.iloc[rows[0]]["name"])

        app.table(
            shown,
            hide_index=True,
            width="stretch",
            key="people-list",
            on_select=open_row,
            selection_mode="single-row",
        )
elif matches is None or matches.empty:
    st.info(i18n.t("people.no_match", lg, text=text))
else:

    def describe(i: int) -> str:
        r = matches.iloc[i]
        aliases = [a for a in app.as_list(r["aliases"]) if a]
        role = VICTIM_ROLE.label(r["role"], lg) if r["kind"] == "person" else i18n.t("people.outlet", lg)
        also = f" · {i18n.t('people.also', lg)} {', '.join(aliases)}" if aliases else ""
        return f"{r['name']} — {role} · {i18n.t('people.n_incidents', lg, count=int(r['incidents']))}{also}"

    choice = st.selectbox(i18n.t("people.choose", lg, count=len(matches)), range(len(matches)), format_func=describe)
    within = st.toggle(i18n.t("people.within_filters", lg), key="people-within")
    row = matches.iloc[choice]

    # 2. get data: every incident of that person or outlet, in date order, with sources
    timeline = app.data("timeline", f, row["kind"], row["key"], within)
    scope = (
        f.caption(len(timeline), unit="incidents") if within else i18n.t("people.all_dates", lg, count=len(timeline))
    )

    # 3. show: one timeline across all kinds, then the list in order
    person_source = charts.source_line(app.source_names(timeline), len(timeline), lg)
    sel = app.chart(
        app.builder(
            charts.case_timeline,
            timeline,
            title=i18n.t("people.timeline_title", lg, name=row["name"]),
            caption=scope,
            source=person_source,
            lang=lg,
        ),
        key="chart-person",
        select=True,
    )
    st.caption(i18n.t("people.timeline_note", lg))
    drill = selection.Drill(timeline)
    drill.narrow(selection.ids_direct(sel), i18n.t("people.selected_points", lg))
    sections.incident_section(drill, f, key="people", stem=f"person-{row['key']}", content=scope)
