"""Entry point and router: shared sidebar filters (kept in the URL), then the chosen page."""

from __future__ import annotations

from datetime import date

import streamlit as st

from pfd import app, i18n
from pfd.config import load_config
from pfd.filters import Filters, add_months, month_end, months_between
from pfd.vocab import CATEGORY, CATEGORY_SUBCATEGORY, LANGUAGES, PERPETRATOR, VICTIM_ROLE

config = load_config()
st.set_page_config(page_title=config.title_in("en"), layout="wide", initial_sidebar_state="expanded")

try:
    query = app.get_query()
except FileNotFoundError as e:
    st.error(str(e))
    st.stop()

# -- 1. defaults and the URL ---------------------------------------------------------------
lang_param = st.query_params.get("lang", config.default_language)
defaults = query.default_filters(lang=lang_param if lang_param in LANGUAGES else config.default_language)
span_start, span_end = query.data_span()
months = [
    add_months(date(span_start.year, span_start.month, 1), k) for k in range(months_between(span_start, span_end))
]

if "pfd_init" not in st.session_state:  # first run of this session: the URL sets the widgets
    f0 = Filters.from_params(st.query_params.to_dict(), defaults)
    start = max(f0.start, months[0])
    end_month = date(f0.end.year, f0.end.month, 1)
    end_month = min(max(end_month, start), months[-1])
    st.session_state.update(
        w_lang=f0.lang,
        w_from=start,
        w_to=end_month,
        w_kind=list(f0.categories),
        w_sub=list(f0.subcategories),
        w_role=list(f0.roles),
        w_outlet=list(f0.outlets),
        w_loc=list(f0.locations),
        w_perp=list(f0.perpetrators),
        w_count=f0.count,
        pfd_show_events=st.query_params.get("events", "1") != "0",
        pfd_present=st.query_params.get("present", "0") == "1",
        pfd_init=True,
    )


def reset() -> None:
    st.session_state.update(
        w_from=defaults.start,
        w_to=date(defaults.end.year, defaults.end.month, 1),
        w_kind=[],
        w_sub=[],
        w_role=[],
        w_outlet=[],
        w_loc=[],
        w_perp=[],
        w_count="incidents",
    )


# -- 2. the shared sidebar ------------------------------------------------------------------
lg = st.session_state.get("w_lang", defaults.lang)
with st.sidebar:
    st.selectbox(
        i18n.t("sidebar.language", lg),
        LANGUAGES,
        key="w_lang",
        format_func=lambda code: i18n.t(f"lang.{code}", code),
    )
    lg = st.session_state["w_lang"]
    st.subheader(i18n.t("sidebar.filters", lg))
    c_from, c_to = st.columns(2)
    c_from.selectbox(i18n.t("sidebar.from", lg), months, key="w_from", format_func=lambda m: i18n.month_label(m, lg))
    c_to.selectbox(i18n.t("sidebar.to", lg), months, key="w_to", format_func=lambda m: i18n.month_label(m, lg))
    st.multiselect(
        i18n.t("sidebar.kind", lg),
        CATEGORY.codes,
        key="w_kind",
        format_func=lambda c: CATEGORY.label(c, lg),
        placeholder=i18n.t("sidebar.all", lg),
    )
    chosen = st.session_state["w_kind"] or list(CATEGORY.codes)
    sub_options = [s for s in query.subcategory_options() if s.split(".", 1)[0] in chosen]
    st.session_state["w_sub"] = [s for s in st.session_state.get("w_sub", []) if s in sub_options]
    st.multiselect(
        i18n.t("sidebar.subcategory", lg),
        sub_options,
        key="w_sub",
        format_func=lambda s: CATEGORY_SUBCATEGORY[s.split(".", 1)[0]][1].label(s.split(".", 1)[1], lg),
        placeholder=i18n.t("sidebar.all", lg),
    )
    st.multiselect(
        i18n.t("sidebar.role", lg),
        VICTIM_ROLE.codes,
        key="w_role",
        format_func=lambda c: VICTIM_ROLE.label(c, lg),
        placeholder=i18n.t("sidebar.all", lg),
    )
    st.multiselect(
        i18n.t("sidebar.perpetrator", lg),
        PERPETRATOR.codes,
        key="w_perp",
        format_func=lambda c: PERPETRATOR.label(c, lg),
        placeholder=i18n.t("sidebar.all", lg),
    )
    st.multiselect(
        i18n.t("sidebar.outlet", lg), query.options("outlet"), key="w_outlet", placeholder=i18n.t("sidebar.all", lg)
    )
    st.multiselect(
        i18n.t("sidebar.location", lg),
        query.options("location"),
        key="w_loc",
        placeholder=i18n.t("sidebar.all", lg),
    )
    st.radio(
        i18n.t("sidebar.count", lg),
        ("incidents", "people"),
        key="w_count",
        format_func=lambda c: i18n.t(f"sidebar.count_{c}", lg),
        horizontal=True,
    )
    st.toggle(i18n.t("sidebar.events", lg), key=app.EVENTS_KEY)
    st.toggle(i18n.t("sidebar.presentation", lg), key=app.PRESENT_KEY)
    st.button(i18n.t("sidebar.reset", lg), on_click=reset)
    st.caption(i18n.t("sidebar.share", lg))

# -- 3. one Filters value for every page, mirrored into the URL ---------------------------
p_start, p_end = st.session_state["w_from"], st.session_state["w_to"]
filters = Filters(
    start=p_start,
    end=month_end(p_end),
    categories=tuple(st.session_state["w_kind"]),
    subcategories=tuple(st.session_state["w_sub"]),
    roles=tuple(st.session_state["w_role"]),
    outlets=tuple(st.session_state["w_outlet"]),
    locations=tuple(st.session_state["w_loc"]),
    perpetrators=tuple(st.session_state["w_perp"]),
    count=st.session_state["w_count"],
    lang=lg,
)
st.session_state[app.FILTERS_KEY] = filters
params = filters.to_params()
if not st.session_state[app.EVENTS_KEY]:
    params["events"] = "0"
if st.session_state[app.PRESENT_KEY]:
    params["present"] = "1"
if st.query_params.to_dict() != params:
    st.query_params.from_dict(params)

# -- 4. route ---------------------------------------------------------------------------------
PAGES = [
    ("pages/overview.py", "page.overview", ":material/dashboard:", True),
    ("pages/assaults.py", "page.assaults", ":material/personal_injury:", False),
    ("pages/detentions.py", "page.detentions", ":material/lock:", False),
    ("pages/blockings.py", "page.blockings", ":material/block:", False),
    ("pages/court.py", "page.court", ":material/gavel:", False),
    ("pages/people.py", "page.people", ":material/person_search:", False),
    ("pages/methodology.py", "page.methodology", ":material/menu_book:", False),
]
nav = st.navigation(
    [st.Page(path, title=i18n.t(key, lg), icon=icon, default=default) for path, key, icon, default in PAGES]
)
st.title(config.title_in(lg))
nav.run()
