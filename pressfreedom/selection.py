"""Selections in charts, as incident ids and in words (pure: no Streamlit).

A page's charts narrow one incident list (``Drill``); a by-month bar is a (month, key) pair,
a breakdown bar a key, a timeline point an incident id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pressfreedom import i18n
from pressfreedom.filters import Filters
from pressfreedom.vocab import CATEGORY, CATEGORY_SUBCATEGORY, Vocabulary


@dataclass
class Drill:
    """The incident list under a page's charts, narrowed by what is selected in the charts."""

    incidents: pd.DataFrame
    ids: set[str] | None = None
    labels: list[str] = field(default_factory=list)

    def narrow(self, ids: Iterable[str] | None, label: str) -> None:
        if ids is None:
            return
        ids = set(ids)
        self.ids = ids if self.ids is None else self.ids & ids
        self.labels.append(label)

    @property
    def shown(self) -> pd.DataFrame:
        if self.ids is None or self.incidents.empty:
            return self.incidents
        return self.incidents[self.incidents["incident_id"].isin(self.ids)]


def _values(incidents: pd.DataFrame, column: str) -> pd.Series:
    return incidents[column].astype(object).where(incidents[column].notna(), "unknown")


def ids_by_month(incidents: pd.DataFrame, selected: list[list], column: str, grain: str = "month") -> set[str] | None:
    """Incidents in the selected (bar, key) bars of a by-time chart (bars of a month, a quarter or a
    year: ``grain``; a bar is named by its first day); None when nothing is selected. Year-only
    incidents belong to a bar at year grain only, as the chart draws them."""
    if not selected:
        return None
    wanted = {(str(m)[:7], str(k)) for m, k in selected if k is not None}
    if incidents.empty:
        return set()
    dates = pd.to_datetime(incidents["date"])
    step = {"month": 1, "quarter": 3, "year": 12}[grain]
    bars = [f"{d.year:04d}-{(d.month - 1) // step * step + 1:02d}" for d in dates]
    keys = _values(incidents, column).astype(str)
    keep = [
        (b, k) in wanted and (p != "year" or grain == "year")
        for b, k, p in zip(bars, keys, incidents["date_precision"], strict=True)
    ]
    return set(incidents.loc[keep, "incident_id"])


def ids_by_key(incidents: pd.DataFrame, selected: list[list], column: str) -> set[str] | None:
    """Incidents whose ``column`` has a selected value (bars of a breakdown chart)."""
    if not selected:
        return None
    wanted = {str(s[0]) for s in selected}
    if incidents.empty:
        return set()
    return set(incidents.loc[_values(incidents, column).astype(str).isin(wanted), "incident_id"])


def ids_direct(selected: list[list]) -> set[str] | None:
    """Charts whose points carry the incident id itself (timelines)."""
    if not selected:
        return None
    return {str(s[0]) for s in selected}


def select_incidents(incidents: pd.DataFrame, selected: list[list], by: str) -> pd.DataFrame:
    """Rows of the list that fall in the selected (month, key) bars; all rows when none selected."""
    ids = ids_by_month(incidents, selected, by)
    return incidents if ids is None else incidents[incidents["incident_id"].isin(ids)]


def selected_bars(selected: list[list], monthly: pd.DataFrame) -> list[list]:
    """The (month, key) bars of a by-month chart that the selection really holds.

    A box drawn over a month column of a stacked chart also selects the zero-height bars of
    every other key in that month: those are dropped, so the selection's words name only what
    has incidents. When the selection holds no bar with anything in it, each selected month is
    kept as (month, None): the list then shows no incident, and the words name only the month.
    """
    if not selected:
        return []
    held = (
        {(str(m)[:7], str(k)) for m, k, n in zip(monthly["month"], monthly["key"], monthly["n"], strict=True) if n > 0}
        if not monthly.empty
        else set()
    )
    bars = [[m, k] for m, k in selected if (str(m)[:7], str(k)) in held]
    if bars:
        return bars
    return [[m, None] for m in dict.fromkeys(str(m)[:10] for m, _ in selected)]


def selection_words(selected: list[list], by: str, f: Filters, vocab: Vocabulary | None = None) -> str:
    """'Feb 2020 — Beating; Mar 2020 — Beating' for a by-month selection (from ``selected_bars``).

    A (month, None) pair, a selected month with nothing in it, is named by its month alone.
    """
    if not selected:
        return ""
    if vocab is None:
        vocab = CATEGORY if by == "category" else CATEGORY_SUBCATEGORY[(f.categories or CATEGORY.codes)[0]][1]
    pairs = list(dict.fromkeys((str(m)[:10], k) for m, k in selected))
    parts = []
    for m, k in pairs[:6]:
        month = i18n.grain_label(date.fromisoformat(m), f.time_grain, f.lang)
        parts.append(month if k is None else f"{month} — {vocab.label(k, f.lang)}")
    if len(pairs) > 6:
        parts.append("…")
    return "; ".join(parts)


def key_words(selected: list[list], vocab: Vocabulary | None, lang: str) -> str:
    """'Police, Court' for a selection in a breakdown chart."""
    keys = list(dict.fromkeys(str(s[0]) for s in selected))
    words = [vocab.label(k, lang) if vocab else k for k in keys[:6]]
    return ", ".join(words) + (" …" if len(keys) > 6 else "")
