"""Streamlit glue shared by ``dashboard.py`` and the pages: data access, caching, display.

Pages stay thin — select → get data → show — by calling these helpers. Caches are keyed on
the published build's id (from its manifest), so a new ETL run is picked up at once.
Untrusted text (names, summaries, outlets from the data) is never rendered as HTML: tables go
through ``st.dataframe`` and free text through ``plain()``, which neutralises Markdown.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
import streamlit as st

from pfd import i18n
from pfd.filters import Filters
from pfd.paths import processed_dir
from pfd.query import Query
from pfd.vocab import CATEGORY, CATEGORY_SUBCATEGORY, VICTIM_ROLE

FILTERS_KEY = "pfd_filters"
EVENTS_KEY = "pfd_show_events"
PRESENT_KEY = "pfd_present"


def build_id() -> str:
    manifest = processed_dir() / "manifest.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8"))["build_id"])
    except (OSError, ValueError, KeyError):
        return "missing"


@st.cache_resource(max_entries=2, show_spinner=False)
def _query_for(root: str, build: str) -> Query:
    return Query(root)


def get_query() -> Query:
    return _query_for(str(processed_dir()), build_id())


@st.cache_data(max_entries=1024, show_spinner=False)
def _cached(build: str, method: str, f: Filters, args: tuple) -> Any:
    return getattr(get_query(), method)(f, *args)


def data(method: str, f: Filters | None = None, *args: Any) -> Any:
    """A query-layer call for the current filters, cached per build and filter state."""
    return _cached(build_id(), method, f or filters(), tuple(args))


def filters() -> Filters:
    f = st.session_state.get(FILTERS_KEY)
    if f is None:  # a page run on its own (tests): defaults
        f = get_query().default_filters()
    return f


def lang() -> str:
    return filters().lang


def t(key: str, **fmt: Any) -> str:
    return i18n.t(key, lang(), **fmt)


def show_events() -> bool:
    return bool(st.session_state.get(EVENTS_KEY, True))


def presenting() -> bool:
    return bool(st.session_state.get(PRESENT_KEY, False))


def theme() -> str:
    return "projector" if presenting() else "screen"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text: object) -> str:
    """Text from the data, made inert for Streamlit's Markdown (no links, no HTML, no emphasis)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def caption(f: Filters, n: int, unit: str | None = None) -> None:
    st.caption(plain(f.caption(n, unit=unit)))


def source_names(df: pd.DataFrame) -> list[str]:
    """Distinct source titles cited by the rows of an incident list (for source lines)."""
    if df.empty or "source_titles" not in df:
        return []
    names: list[str] = []
    for titles in df["source_titles"]:
        for s in list(titles) if titles is not None else []:
            if s not in names:
                names.append(s)
    return names


def chart(fig, key: str, select: bool = False) -> list[list]:
    """Show a figure; with ``select``, return the customdata of the points selected in it."""
    config = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}
    if not select:
        st.plotly_chart(fig, key=key, config=config, width="stretch", theme=None)
        return []
    event = st.plotly_chart(
        fig,
        key=key,
        config=config,
        width="stretch",
        theme=None,  # our own theme: the same look on screen, in PNG exports and in the report
        on_select="rerun",
        selection_mode=("points", "box"),
    )
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else []
    if not points and hasattr(event, "selection"):
        points = event.selection.get("points", [])
    return [p.get("customdata") for p in points if p.get("customdata") is not None]


def incident_table(df: pd.DataFrame, lg: str | None = None) -> pd.DataFrame:
    """The incident list as displayed and downloaded: localised labels, sources with sections."""
    lg = lg or lang()
    if df.empty:
        return pd.DataFrame()
    out = pd.DataFrame(
        {
            "ID": df["incident_id"],
            i18n.t("list.date", lg): [
                i18n.date_with_precision(d, p, lg) for d, p in zip(df["date"], df["date_precision"], strict=True)
            ],
            i18n.t("list.kind", lg): [CATEGORY.label(c, lg) for c in df["category"]],
            i18n.t("list.type", lg): [
                CATEGORY_SUBCATEGORY[c][1].label(s, lg) for c, s in zip(df["category"], df["subcategory"], strict=True)
            ],
            i18n.t("list.victim", lg): df["victim"],
            i18n.t("list.role", lg): [VICTIM_ROLE.label(r, lg) for r in df["victim_role"]],
            i18n.t("list.outlet", lg): df["outlet"].fillna(""),
            i18n.t("list.summary", lg): df["summary"],
            i18n.t("list.sources", lg): [
                "; ".join(f"{s} — {loc}" for s, loc in zip(list(ts), list(ls), strict=False))
                for ts, ls in zip(df["source_titles"], df["source_locators"], strict=True)
            ],
        }
    )
    return out


def show_incident_list(df: pd.DataFrame, key: str) -> None:
    table = incident_table(df)
    if table.empty:
        st.info(t("list.empty"))
        return
    st.dataframe(table, hide_index=True, width="stretch", key=key)
