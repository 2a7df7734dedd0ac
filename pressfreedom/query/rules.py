"""The counting rules and the helpers every part of the query layer shares (declared once)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import pandas as pd

from pressfreedom.filters import month_end
from pressfreedom.vocab import (
    ACQUITTAL_OUTCOMES,
    CONVICTION_OUTCOMES,
    CUSTODIAL_OUTCOMES,
)

TABLES = (
    "incidents",
    "assaults",
    "detentions",
    "blockings",
    "court_outcomes",
    "people",
    "sources",
    "published_figures",
    "events",
    "coverage",
    "custody_reports",
)
OPTIONAL_TABLES = ("rsf_index", "citizenlab_urls", "ooni_measurements")
SMALL_TABLES = ("sources", "published_figures", "events", "coverage", "custody_reports")

KIND_TABLE = {
    "physical_assault": "assaults",
    "detention": "detentions",
    "website_blocking": "blockings",
    "court_outcome": "court_outcomes",
}

# Outcomes that replace the verdict without overturning a conviction (the case stays convicted).
REPLACING_OUTCOMES: frozenset[str] = frozenset({"sentence_reduced"})
DECISIVE_OUTCOMES: frozenset[str] = CONVICTION_OUTCOMES | ACQUITTAL_OUTCOMES | REPLACING_OUTCOMES
# Blocking types that are not blocks (counted apart).
NOT_A_BLOCK: frozenset[str] = frozenset({"cyberattack"})
# Victim roles that are outlets themselves (for "most targeted outlets").
OUTLET_ROLES: frozenset[str] = frozenset({"media_outlet", "website"})
WITHHELD = "[withheld]"
# Units of published figures that count people: compared with the people affected itemised here.
# "people" is people affected (victims); "persons" a plain headcount (e.g. rally participants, FIG-0034).
PEOPLE_UNITS: frozenset[str] = frozenset({"people", "persons"})

# -- behind bars (query/custody.py): what each detention type, court outcome and custody report says
# about a named person's custody. "held": in prison or pretrial detention, confirmed at that date;
# "house": under house arrest (not behind bars: listed apart, never counted); "free": released.
# Everything else (administrative detention, being detained and released, a fine …) says nothing.
CUSTODY_ROLES: tuple[str, ...] = ("journalist", "blogger")  # counted unless the sidebar picks roles
CONFIRMATION_MONTHS = 12  # a confirmation counts a person as held for this long (no release recorded)
HELD_DETENTIONS: frozenset[str] = frozenset({"arrest", "pretrial_detention"})
HOUSE_DETENTIONS: frozenset[str] = frozenset({"house_arrest"})
FREE_DETENTIONS: frozenset[str] = frozenset({"release"})  # and any detention's ``released_on``
HELD_OUTCOMES: frozenset[str] = frozenset({"prison_sentence", "pretrial_detention_ordered"})
HOUSE_OUTCOMES: frozenset[str] = frozenset({"release_to_house_arrest"})
# a court that releases, pardons, acquits or gives a sentence served outside prison sets a person free
FREE_OUTCOMES: frozenset[str] = frozenset(
    {"released_by_court", "pardon", "acquittal", "suspended_sentence", "restriction_of_liberty", "corrective_labour"}
)
# Published figures of the same thing: journalists (and bloggers) held on one day. A count over a
# period ("deprived of liberty during 2020") is another thing and is not shown beside it.
CUSTODY_INDICATORS: frozenset[str] = frozenset({"journalists_bloggers_political_prisoners", "journalists_imprisoned"})


@dataclass(frozen=True)
class CountingRules:
    """How the KPIs count, declared once (the methodology page renders this object)."""

    conviction_outcomes: frozenset[str] = CONVICTION_OUTCOMES
    custodial_outcomes: frozenset[str] = CUSTODIAL_OUTCOMES
    acquittal_outcomes: frozenset[str] = ACQUITTAL_OUTCOMES
    replacing_outcomes: frozenset[str] = REPLACING_OUTCOMES
    not_a_block: frozenset[str] = NOT_A_BLOCK
    outlet_roles: frozenset[str] = OUTLET_ROLES
    custody_roles: tuple[str, ...] = CUSTODY_ROLES
    confirmation_months: int = CONFIRMATION_MONTHS
    held_detentions: frozenset[str] = HELD_DETENTIONS
    house_detentions: frozenset[str] = HOUSE_DETENTIONS
    free_detentions: frozenset[str] = FREE_DETENTIONS
    held_outcomes: frozenset[str] = HELD_OUTCOMES
    house_outcomes: frozenset[str] = HOUSE_OUTCOMES
    free_outcomes: frozenset[str] = FREE_OUTCOMES
    custody_indicators: frozenset[str] = CUSTODY_INDICATORS


COUNTING_RULES = CountingRules()


def _in(values) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values)) + ")"


# SQL fragment: unique victims ("people affected") over a set of incident rows.
PEOPLE_SQL = (
    "(count(DISTINCT CASE WHEN {a}person_id IS NOT NULL THEN {a}person_id END) "
    "+ coalesce(sum(CASE WHEN {a}person_id IS NULL THEN coalesce({a}group_size, 1) END), 0))"
)


def people_sql(a: str = "i.", cond: str = "TRUE") -> str:
    """People affected among the rows meeting ``cond`` (for FILTERed aggregates in one scan)."""
    return (
        f"(count(DISTINCT {a}person_id) FILTER (WHERE {a}person_id IS NOT NULL AND {cond}) "
        f"+ coalesce(sum(coalesce({a}group_size, 1)) FILTER (WHERE {a}person_id IS NULL AND {cond}), 0))"
    )


def _num(value: object) -> float:
    """A number from a query row: NULL/NaN (an empty FILTER) is 0."""
    return 0 if value is None or pd.isna(value) else value


def _result_frame(columns: dict[str, object], text: tuple[str, ...] = ()) -> pd.DataFrame:
    """A frame typed as DuckDB's ``.df()`` would give it: text columns as pandas strings, or as
    objects when there are no rows."""
    empty = not len(next(iter(columns.values()))) if columns else True
    return pd.DataFrame(
        {c: pd.array(v, dtype=object if empty else "str") if c in text else v for c, v in columns.items()}
    )


def _python_dates(df: pd.DataFrame) -> pd.DataFrame:
    """DuckDB DATE columns arrive as datetime64: give pages plain ``date`` objects (None if null)."""
    for c in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[c]):
            df[c] = pd.Series(df[c].dt.date, index=df.index, dtype=object).where(df[c].notna(), None)
    return df


_FOLD = str.maketrans({"ə": "a", "ı": "i", "ş": "s", "ç": "c", "ğ": "g", "ö": "o", "ü": "u", "x": "h", "q": "g"})
_DIGRAPHS = (("kh", "h"), ("sh", "s"), ("ch", "c"), ("gh", "g"), ("j", "c"), ("y", "i"))


def fold_name(text: str) -> str:
    """A loose spelling key for search: case, accents and common transliterations folded.

    "Hüseynov", "Huseynov" and "HUSEYNOV" fold alike; so do "Xədicə" and "Khadija".
    """
    t = unicodedata.normalize("NFKD", str(text).casefold())
    t = "".join(ch for ch in t if not unicodedata.combining(ch)).translate(_FOLD)
    for a, b in _DIGRAPHS:
        t = t.replace(a, b)
    return re.sub(r"[^\w]+", " ", t).strip()


@dataclass(frozen=True)
class Coverage:
    start: date
    end: date
    intervals: tuple[tuple[date, date], ...]  # each source's monitored period

    def monitored(self, month: date) -> bool:
        m_end = month_end(month)
        return any(s <= m_end and e >= month for s, e in self.intervals)

    def covers(self, start: date, end: date) -> bool:
        """Some source monitors every day of [start, end] (the intervals may chain)."""
        day = start
        for s, e in sorted(self.intervals):
            if s <= day <= e:
                day = max(day, e)
            if day >= end:
                return True
        return day >= end
