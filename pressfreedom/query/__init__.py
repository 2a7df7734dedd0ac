"""The read-side query layer: DuckDB over the compiled Parquet, one ``Filters`` model.

Every number the pages, the KPIs, the captions, the report, the slide deck and the downloads
show comes from here. Functions return tidy pandas DataFrames (or small dicts) and never
format for display. The counting rules are declared once in ``COUNTING_RULES`` (and the
outcome sets in ``pressfreedom.vocab``); the methodology page renders them from there.

Rules (shown on the methodology page):
- period: a day-precision incident counts in the period when its day lies inside it, a
  month-precision one when its month does, a year-precision one only when its whole year does.
  By-month charts leave year-precision incidents out and say how many.
- people affected: each named person or outlet once; each unnamed group counts its stated size
  (1 when no size is given); confidential rows (no person id in the public build) count once each.
- convictions: decisions are grouped into cases (``case_id``; else the chain of ``appeal_of``
  links; else the decision alone). A case's verdict is its latest decisive outcome (a conviction,
  an acquittal or a sentence reduced on appeal; a rejected appeal leaves the verdict standing). A
  case counts once, as a conviction dated at its first conviction, when its verdict is a conviction
  (or a reduced sentence); prison-years add the custodial term of that latest verdict.
- behind bars on a date: a named person counts as held when a source confirmed them held (custody
  report, arrest, pretrial detention, prison sentence) in the 12 months before, or they serve a stated
  term that covers the date, with no release or house arrest that may have come in between; house
  arrest is listed apart, and whoever was last known held is "status unknown since", never counted
  (``query/custody.py``).
- a website is blocked at a date when its block certainly started by then (a start known only
  to the month or year counts from that month's or year's last day) and either ended on or after
  it, or has no end and a source confirms it still blocked then (``status_as_of``). Nothing is
  assumed after ``status_as_of``. Cyberattacks are counted apart from blocks.
"""

from __future__ import annotations

from pressfreedom.filters import Filters
from pressfreedom.query.base import QueryBase
from pressfreedom.query.blockings import BlockingQueries
from pressfreedom.query.context import ContextQueries
from pressfreedom.query.court import CourtQueries
from pressfreedom.query.custody import CustodyQueries
from pressfreedom.query.kinds import KindQueries
from pressfreedom.query.kpis import KpiQueries
from pressfreedom.query.monthly import MonthlyQueries
from pressfreedom.query.people import PeopleQueries
from pressfreedom.query.rules import (
    _DIGRAPHS,
    _FOLD,
    COUNTING_RULES,
    CUSTODY_INDICATORS,
    CUSTODY_ROLES,
    DECISIVE_OUTCOMES,
    KIND_TABLE,
    NOT_A_BLOCK,
    OPTIONAL_TABLES,
    OUTLET_ROLES,
    PEOPLE_SQL,
    REPLACING_OUTCOMES,
    SMALL_TABLES,
    TABLES,
    WITHHELD,
    CountingRules,
    Coverage,
    _in,
    _num,
    _python_dates,
    _result_frame,
    fold_name,
    people_sql,
)


class Query(
    KpiQueries,
    MonthlyQueries,
    CourtQueries,
    KindQueries,
    BlockingQueries,
    ContextQueries,
    PeopleQueries,
    CustodyQueries,
    QueryBase,
):
    """Read-only access to one published build. Thread-safe: one cursor per call.

    One concern a module (``pressfreedom/query/*.py``); they share the connection and the per-build
    tables of ``QueryBase`` and the rules of ``pressfreedom.query.rules``."""


def overview(q: Query, f: Filters) -> dict:
    """Module-level entry for the benchmark: ``Query.overview``."""
    return q.overview(f)


__all__ = [
    "Query",
    "overview",
    "TABLES",
    "OPTIONAL_TABLES",
    "SMALL_TABLES",
    "KIND_TABLE",
    "REPLACING_OUTCOMES",
    "DECISIVE_OUTCOMES",
    "NOT_A_BLOCK",
    "OUTLET_ROLES",
    "WITHHELD",
    "CountingRules",
    "COUNTING_RULES",
    "CUSTODY_ROLES",
    "CUSTODY_INDICATORS",
    "_in",
    "PEOPLE_SQL",
    "people_sql",
    "_num",
    "_result_frame",
    "_python_dates",
    "_FOLD",
    "_DIGRAPHS",
    "fold_name",
    "Coverage",
]
