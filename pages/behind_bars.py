"""Behind bars: journalists and bloggers in prison or pretrial detention on a day (the period's last
day), over time beside the published counts of the same thing, and who; apart, never counted, the
people under house arrest and those whose status is unknown."""

from datetime import date

import streamlit as st

from pressfreedom import figures, i18n
from pressfreedom.filters import month_end
from webapp import app

# 1. select → get data: the sidebar's period (its last day), roles and outlets
f = app.filters()
lg = f.lang
st.header(i18n.t("page.behind_bars", lg))
st.caption(i18n.t("bars.intro", lg))
when = f.end
held = app.data("held_on", f, when)
house = app.data("house_arrest_on", f, when)
unknown = app.data("status_unknown_on", f, when)

card = figures.behind_bars_card(held, f, when)
st.metric(card.label, card.value, help=card.help, border=True)  # the whole width: the label holds the date
st.caption(figures.not_counted_words(house, unknown, lg))
st.caption(app.plain(i18n.t("bars.scope", lg, who=figures.custody_roles_words(f), date=i18n.day_label(when, lg))))
st.caption(i18n.t("bars.admin_note", lg))

# 2. the number held at each month's end, beside the published counts of the same thing
kf = figures.behind_bars_figure(app.data, f, held)
selected = app.chart(kf, key="chart-behind-bars", select=True)
published = figures.custody_published_rows(app.data("held_published", f), lg)
if published.empty:
    st.caption(i18n.t("bars.published_none", lg))
else:
    st.subheader(i18n.t("bars.published_title", lg))
    st.caption(i18n.t("bars.published_caption", lg))
    app.table(figures.custody_published_table(published, lg), hide_index=True, width="stretch", key="bars-published")

# a bar selected in the chart: the lists for the end of that month (the cards keep the period's end)
months = sorted({date.fromisoformat(str(s[0])) for s in selected if s})
if months:
    when = month_end(months[-1])
    st.info(i18n.t("bars.selected", lg, date=i18n.day_label(when, lg)))
    held = app.data("held_on", f, when)
    house = app.data("house_arrest_on", f, when)
    unknown = app.data("status_unknown_on", f, when)
day = i18n.day_label(when, lg)
wide = {i18n.t("list.sources", lg): st.column_config.TextColumn(width="large")}

# 3. who: held, then apart (never counted) house arrest and status unknown
st.subheader(i18n.t("bars.list_title", lg, date=day))
st.caption(app.plain(i18n.t("bars.list_caption", lg, count=len(held), date=day, who=figures.custody_roles_words(f))))
if held.empty:
    st.info(i18n.t("bars.empty", lg))
else:
    app.table(figures.held_table(held, when, lg), hide_index=True, width="stretch", key="list-held", column_config=wide)

st.subheader(i18n.t("bars.house_title", lg, date=day))
st.caption(i18n.t("bars.house_note", lg))
if house.empty:
    st.info(i18n.t("bars.house_empty", lg))
else:
    app.table(figures.house_table(house, lg), hide_index=True, width="stretch", key="list-house", column_config=wide)

st.subheader(i18n.t("bars.unknown_title", lg, date=day))
st.caption(i18n.t("bars.unknown_note", lg, date=day))
if unknown.empty:
    st.info(i18n.t("bars.unknown_empty", lg))
else:
    app.table(
        figures.unknown_table(unknown, lg), hide_index=True, width="stretch", key="list-unknown", column_config=wide
    )
