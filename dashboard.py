"""Entry point and router: shared sidebar filters (kept in the URL), then the chosen page."""

from __future__ import annotations

from datetime import date

import streamlit as st

from pressfreedom import i18n
from pressfreedom.config import load_config
from pressfreedom.filters import GRAINS, Filters, add_months, month_end, month_start, months_between
from pressfreedom.vocab import CATEGORY, CATEGORY_SUBCATEGORY, LANGUAGES, PERPETRATOR, VICTIM_ROLE
from webapp import app

# On a fresh server the first run happens in Streamlit's legacy pages-folder mode (a pages/ folder
# sits beside this entry). Widgets created in that run get other ids than in every later run, so
# the first interaction would reset the sidebar: go to navigation mode before any widget exists.
app.require_router()

config = load_config()
st.set_page_config(page_title=config.title_in("en"), layout="wide", initial_sidebar_state="auto")
app.accessibility_css()

app.ensure_build()  # a fresh clone: the shipped data is compiled on the first request, once
try:
    query = app.get_query()
except FileNotFoundError:  # (no local path is shown to viewers)
    app.stop_with_error("The dashboard's data is missing. The site's administrator compiles it with `python -m etl`.")

# -- 1. defaults and the URL ---------------------------------------------------------------
lang_param = st.query_params.get("lang", config.default_language)
defaults = query.default_filters(lang=lang_param if lang_param in LANGUAGES else config.default_language)
span_start, span_end = query.data_span()
months = [
    add_months(date(span_start.year, span_start.month, 1), k) for k in range(months_between(span_start, span_end))
]

if "pfd_init" not in st.session_state:  # first run of this session: the URL sets the widgets
    # a period outside the data (?from=2030-01), malformed or reversed is moved into the data's
    # months, so both selectboxes hold one of their options and the caption says what is shown
    f0 = Filters.from_params(st.query_params.to_dict(), defaults, span=(months[0], months[-1]))
    start, end_month = f0.start, month_start(f0.end)
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
        w_grain=f0.grain,
        pfd_show_events=st.query_params.get("events", "1") != "0",
        pfd_present=st.query_params.get("present", "0") == "1",
        pfd_init=True,
    )
    st.session_state[app.PERSON_KEY] = st.query_params.get("person", "")


# Widgets whose shown labels depend on the language. Streamlit keeps showing the old label of a keyed
# selectbox or multiselect when only its format_func changes, so each of these is keyed per language
# ("w_from_ru"); the value itself lives under the plain name ("w_from"), which everything else reads.
LABELLED = ("w_from", "w_to", "w_kind", "w_sub", "w_role", "w_perp")


def labelled(name: str) -> str:
    """This language's widget key for ``name``, seeded from the value kept under ``name``."""
    key = f"{name}_{st.session_state['w_lang']}"
    if key not in st.session_state:
        st.session_state[key] = st.session_state[name]
    return key


def kept(name: str) -> None:
    """Copy the widget's value back to the plain name (after the widget is drawn)."""
    st.session_state[name] = st.session_state[f"{name}_{st.session_state['w_lang']}"]


def reset() -> None:
    for name in LABELLED:  # the widgets are drawn again from the values below
        for code in LANGUAGES:
            st.session_state.pop(f"{name}_{code}", None)
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
        w_grain="auto",
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
    for name in LABELLED:  # the language changed: keep the last values, drop the other language's widgets
        for code in LANGUAGES:
            if code != lg and f"{name}_{code}" in st.session_state:
                st.session_state[name] = st.session_state.pop(f"{name}_{code}")
    st.subheader(i18n.t("sidebar.filters", lg))
    c_from, c_to = st.columns(2)
    with c_from.container(key="w_from"):  # the plain name stays on the page (CSS class st-key-w_from)
        st.selectbox(
            i18n.t("sidebar.from", lg), months, key=labelled("w_from"), format_func=lambda m: i18n.month_label(m, lg)
        )
    with c_to.container(key="w_to"):
        st.selectbox(
            i18n.t("sidebar.to", lg), months, key=labelled("w_to"), format_func=lambda m: i18n.month_label(m, lg)
        )
    kept("w_from")
    kept("w_to")
    with st.container(key="w_kind"):
        st.multiselect(
            i18n.t("sidebar.kind", lg),
            CATEGORY.codes,
            key=labelled("w_kind"),
            format_func=lambda c: CATEGORY.label(c, lg),
            placeholder=i18n.t("sidebar.all", lg),
        )
    kept("w_kind")
    chosen = st.session_state["w_kind"] or list(CATEGORY.codes)
    sub_options = [s for s in query.subcategory_options() if s.split(".", 1)[0] in chosen]
    st.session_state[labelled("w_sub")] = [s for s in st.session_state[labelled("w_sub")] if s in sub_options]
    with st.container(key="w_sub"):
        st.multiselect(
            i18n.t("sidebar.subcategory", lg),
            sub_options,
            key=labelled("w_sub"),
            format_func=lambda s: CATEGORY_SUBCATEGORY[s.split(".", 1)[0]][1].label(s.split(".", 1)[1], lg),
            placeholder=i18n.t("sidebar.all", lg),
        )
    kept("w_sub")
    with st.container(key="w_role"):
        st.multiselect(
            i18n.t("sidebar.role", lg),
            VICTIM_ROLE.codes,
            key=labelled("w_role"),
            format_func=lambda c: VICTIM_ROLE.label(c, lg),
            placeholder=i18n.t("sidebar.all", lg),
        )
    kept("w_role")
    with st.container(key="w_perp"):
        st.multiselect(
            i18n.t("sidebar.perpetrator", lg),
            PERPETRATOR.codes,
            key=labelled("w_perp"),
            format_func=lambda c: PERPETRATOR.label(c, lg),
            placeholder=i18n.t("sidebar.all", lg),
        )
    kept("w_perp")
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
    st.segmented_control(
        i18n.t("sidebar.grain", lg),
        GRAINS,
        key="w_grain",
        format_func=lambda g: i18n.t(f"sidebar.grain_{g}", lg),
        selection_mode="single",
        help=i18n.t("sidebar.grain_help", lg),
    )
    st.toggle(i18n.t("sidebar.events", lg), key=app.EVENTS_KEY)
    st.toggle(i18n.t("sidebar.presentation", lg), key=app.PRESENT_KEY)
    st.button(i18n.t("sidebar.reset", lg), on_click=reset)
    st.caption(i18n.t("sidebar.share", lg))
    app.viewport()  # reports the page's width when narrow, so the charts are laid out for it

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
    grain=st.session_state.get("w_grain") or "auto",
)
st.session_state[app.FILTERS_KEY] = filters
params = filters.to_params()
if not st.session_state[app.EVENTS_KEY]:
    params["events"] = "0"
if st.session_state[app.PRESENT_KEY]:
    params["present"] = "1"
if st.session_state.get(app.PERSON_KEY):  # the People & cases search, so a link opens that timeline
    params["person"] = st.session_state[app.PERSON_KEY]
if st.query_params.to_dict() != params:
    st.query_params.from_dict(params)

# -- 4. route ---------------------------------------------------------------------------------
# no icons: Streamlit fetches Material icons from fonts.gstatic.com, and a page view must not tell a
# third party who looked at what
PAGES = [
    ("pages/overview.py", "page.overview", None, True),
    ("pages/assaults.py", "page.assaults", None, False),
    ("pages/detentions.py", "page.detentions", None, False),
    ("pages/blockings.py", "page.blockings", None, False),
    ("pages/court.py", "page.court", None, False),
    ("pages/behind_bars.py", "page.behind_bars", None, False),
    ("pages/people.py", "page.people", None, False),
    ("pages/third_party.py", "page.context", None, False),
    ("pages/methodology.py", "page.methodology", None, False),
]
if app.monitor_mode():  # the monitors' laptop (make run sets PFD_MONITOR=1); never on a hosting service
    PAGES.append(("pages/check_file.py", "page.check_file", None, False))
URL_PATHS = {"pages/third_party.py": "context"}  # shared links keep their address (/context)
nav = st.navigation(
    [
        st.Page(path, title=i18n.t(key, lg), icon=icon, default=default, url_path=URL_PATHS.get(path))
        for path, key, icon, default in PAGES
    ]
)
if app.presenting():  # presentation mode: key figures one per screen, no sidebar or chrome (webapp/presentation.py)
    from webapp import presentation

    presentation.show(
        query, filters, events=st.session_state[app.EVENTS_KEY], start=presentation.START.get(nav.url_path)
    )
else:
    st.title(config.title_in(lg))
    nav.run()
    if built := app.build_date():
        st.caption(i18n.t("page.build_date", lg, date=built))
