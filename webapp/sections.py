"""Page sections shared by several pages (Streamlit): by-month charts, KPI cards, the drill-down list.

Each function is one "select → get data → show" block; numbers come from the query layer via
``app.data`` (cached). Selections made in charts narrow one incident list per page (``Drill``):
every bar or point shown can be opened into the incidents and sources behind it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import streamlit as st

from pressfreedom import i18n
from pressfreedom.filters import Filters
from pressfreedom.vocab import CATEGORY, CATEGORY_SUBCATEGORY, QUALIFIER, Vocabulary
from webapp import app

# -- drill-down ------------------------------------------------------------------------------


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


def ids_by_month(incidents: pd.DataFrame, selected: list[list], column: str) -> set[str] | None:
    """Incidents in the selected (month, key) bars of a by-month chart; None when nothing is selected."""
    if not selected:
        return None
    wanted = {(str(m)[:7], str(k)) for m, k in selected if k is not None}
    if incidents.empty:
        return set()
    months = pd.to_datetime(incidents["date"]).dt.strftime("%Y-%m")
    keys = _values(incidents, column).astype(str)
    keep = [(m, k) in wanted and p != "year" for m, k, p in zip(months, keys, incidents["date_precision"], strict=True)]
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


def incident_section(
    drill: Drill,
    f: Filters,
    key: str,
    kind: str | None = None,
    stem: str = "incidents",
    content: str | None = None,
) -> None:
    """The incidents behind the numbers: the selection in words, the list, its downloads.

    ``content``: what the list holds when it is not the sidebar's filter (a person's timeline).
    """
    lg = f.lang
    st.subheader(i18n.t("list.title", lg))
    shown = drill.shown
    if drill.ids is not None:
        st.caption(app.plain(i18n.t("list.selected", lg, count=len(shown)) + " " + " · ".join(drill.labels)))
    else:
        st.caption(app.plain(content or f.caption(len(shown), unit="incidents")))
    app.show_incident_list(shown, key=f"list-{key}", kind=kind)
    if not shown.empty:
        words = " · ".join(x for x in (content, " · ".join(drill.labels)) if x) or None
        app.download_buttons(shown, f, stem, key=key, content=words)


# -- by-month chart -------------------------------------------------------------------------


def monthly_chart(fig, f: Filters, by: str, key: str) -> list[list]:
    """Show a by-month stacked chart (a ``pressfreedom.figures`` figure); return the bars really selected."""
    return selected_bars(app.chart(fig, key=key, select=True), app.data("monthly", f, by))


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
        month = i18n.month_label(date.fromisoformat(m), f.lang)
        parts.append(month if k is None else f"{month} — {vocab.label(k, f.lang)}")
    if len(pairs) > 6:
        parts.append("…")
    return "; ".join(parts)


def key_words(selected: list[list], vocab: Vocabulary | None, lang: str) -> str:
    """'Police, Court' for a selection in a breakdown chart."""
    keys = list(dict.fromkeys(str(s[0]) for s in selected))
    words = [vocab.label(k, lang) if vocab else k for k in keys[:6]]
    return ", ".join(words) + (" …" if len(keys) > 6 else "")


HALF = 560  # expected width of a chart in one of two columns (wide layout)


# -- KPIs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    label: str  # catalogue key
    field: str  # key in Query.kpis
    decimals: int = 0
    help: str | None = None  # catalogue key explaining what is counted


def rounded(value: float, decimals: int = 0) -> float:
    """Half-up rounding for display (4.25 years shows as 4.3, as a reader would round it)."""
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP))


def figure_row(lg: str, items: list[tuple], columns: int | None = None) -> None:
    """A kind page's bordered figure cards in one row: (label key, number, help key or None[, decimals])."""
    for col, (label, n, help_key, *decimals) in zip(st.columns(columns or len(items)), items, strict=False):
        help_text = i18n.t(help_key, lg) if help_key else None
        col.metric(i18n.t(label, lg), i18n.number(n, lg, *decimals), help=help_text, border=True)


def kpi_cards(f: Filters, k: dict, cards: list[Card], per_row: int = 3, below=None) -> None:
    """Metric cards with the change against the previous period (only when comparable).

    ``below(i, card)`` draws something under card ``i`` in its column (the "which incidents?" button).
    """
    lg = f.lang
    prev = k.get("previous")
    for row in range(0, len(cards), per_row):
        for i, (col, card) in enumerate(zip(st.columns(per_row), cards[row : row + per_row], strict=False), start=row):
            value = rounded(k[card.field], card.decimals)
            delta = None
            if prev is not None:
                diff = rounded(value - rounded(prev[card.field], card.decimals), card.decimals)
                # "0" is shown neutral by Streamlit; "0.0" would get an up arrow
                delta = "0" if diff == 0 else ("+" if diff > 0 else "") + i18n.number(diff, lg, card.decimals)
            help_text = i18n.t(card.help, lg) if card.help else ""
            compare = (
                i18n.t("kpi.vs_previous", lg, count=f.months, before=i18n.number(prev[card.field], lg, card.decimals))
                if prev is not None
                else i18n.t("kpi.no_previous", lg)
            )
            with col:
                st.metric(
                    i18n.t(card.label, lg),
                    i18n.number(value, lg, card.decimals),
                    delta=delta,
                    delta_color="inverse",
                    help=f"{help_text}\n\n{compare}".strip(),
                    border=True,
                )
                if below is not None:
                    below(i, card)


# -- published figures --------------------------------------------------------------------

_AZ_BACK_VOWEL_ENDINGS = {  # last number word → does it take -dan (back vowel) rather than -dən?
    0: True,  # sıfır
    1: False,  # bir
    2: False,  # iki
    3: False,  # üç
    4: False,  # dörd
    5: False,  # beş
    6: True,  # altı
    7: False,  # yeddi
    8: False,  # səkkiz
    9: True,  # doqquz
}
_AZ_TENS_BACK = {10: True, 20: False, 30: True, 40: True, 50: False, 60: True, 70: False, 80: False, 90: True}


def az_ablative(n: int) -> str:
    """The Azerbaijani ablative suffix after a number in digits: '130-dan', '15-dən'."""
    n = abs(int(n))
    if n % 10:
        back = _AZ_BACK_VOWEL_ENDINGS[n % 10]
    elif n % 100:
        back = _AZ_TENS_BACK[n % 100]
    elif n % 1000:
        back = False  # yüz
    elif n % 1_000_000:
        back = False  # min
    elif n:
        back = True  # milyon
    else:
        back = True
    return "-dan" if back else "-dən"


def _as_shown(value: float) -> int | Decimal:
    """A figure's number as it is written (a whole number, or one decimal): its plural form follows that."""
    value = float(value)
    return int(value) if value.is_integer() else Decimal(str(round(value, 1)))


def unit_words(unit: str, lang: str, count: float | int | Decimal) -> dict[str, str]:
    """A published figure's unit after ``count``, in the forms the qualifier texts take: ``unit``, the count's
    own form ("1 запрос", "5 запросов"), and ``unit_gen``, after a word that takes the genitive in Russian
    ("не менее 1 запроса", "не менее 5 запросов"; the same as ``unit`` in English and Azerbaijani). A unit
    the catalogues lack is written as its code."""
    if not i18n.known(f"unit.{unit}"):
        return {"unit": unit, "unit_gen": unit}
    return {
        "unit": i18n.t(f"unit.{unit}", lang, count=count),
        "unit_gen": i18n.t(f"unit_gen.{unit}", lang, count=count),
    }


def figure_in_words(value: float, qualifier: str, lang: str, upper: float | None = None, *, unit: str) -> str:
    """A published figure with its qualifier and unit in words: 'at least 26 incidents', 'не менее 26
    инцидентов', 'ən azı 26 insident'; a range 'от 10 до 30 дней'. The unit agrees with the number it
    follows (the upper bound of a range) and takes the case the qualifier asks for."""
    num = i18n.number(value, lang, 0 if float(value).is_integer() else 1)
    if upper is not None:
        hi = i18n.number(upper, lang, 0 if float(upper).is_integer() else 1)
        return i18n.t("published.range", lang, low=num, high=hi, **unit_words(unit, lang, _as_shown(upper)))
    words = unit_words(unit, lang, _as_shown(value))
    if qualifier not in QUALIFIER.codes:
        return f"{num} {words['unit']}"
    suffix = az_ablative(int(value)) if lang == "az" else ""
    return i18n.t(f"published.q_{qualifier}", lang, n=num, suffix=suffix, **words)


def pair_ranges(figures: pd.DataFrame) -> pd.DataFrame:
    """Join range_min/range_max rows of the same indicator, source and period into one row."""
    if figures.empty:
        return figures.assign(upper=pd.Series(dtype="float64"))
    figures = figures.copy()
    figures["upper"] = None
    keyc = ["source_id", "indicator", "period_start", "period_end"]
    drop = []
    for _, grp in figures.groupby(keyc, dropna=False):
        lows = grp[grp["qualifier"] == "range_min"]
        highs = grp[grp["qualifier"] == "range_max"]
        if len(lows) == 1 and len(highs) == 1:
            figures.loc[lows.index[0], "upper"] = float(highs["value"].iloc[0])
            drop.append(highs.index[0])
    return figures.drop(index=drop)


# -- small helpers --------------------------------------------------------------------------


def span_label(start: date, end: date, lang: str) -> str:
    """A date span in words: whole months as "Jan – Dec 2020", one day as "11 February 2020"."""
    if start == end:
        return i18n.day_label(start, lang)
    if start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]:
        return i18n.period_label(start, end, lang)
    return f"{i18n.day_label(start, lang)} – {i18n.day_label(end, lang)}"


def page_filters(kind: str) -> Filters:
    """A kind page's filter: the sidebar's, with this page's kind (and only its own types)."""
    f = app.filters()
    if f.categories and kind not in f.categories:
        st.info(i18n.t("page.kind_not_selected", f.lang, kind=CATEGORY.label(kind, f.lang)))
    subs = tuple(s for s in f.subcategories if s.split(".", 1)[0] == kind)
    return f.with_(categories=(kind,), subcategories=subs)
