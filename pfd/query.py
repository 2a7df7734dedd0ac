"""The read-side query layer: DuckDB over the compiled Parquet, one ``Filters`` model.

Every number the pages, the KPIs, the captions, the report, the slide deck and the downloads
show comes from here. Functions return tidy pandas DataFrames (or small dicts) and never
format for display. The counting rules are declared once in ``COUNTING_RULES`` (and the
outcome sets in ``pfd.vocab``); the methodology page renders them from there.

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
- a website is blocked at a date when its block certainly started by then (a start known only
  to the month or year counts from that month's or year's last day) and either ended on or after
  it, or has no end and a source confirms it still blocked then (``status_as_of``). Nothing is
  assumed after ``status_as_of``. Cyberattacks are counted apart from blocks.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from pfd.filters import Filters, add_months, month_end, period_condition, sql_date
from pfd.paths import processed_dir
from pfd.vocab import (
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
)
OPTIONAL_TABLES = ("rsf_index", "citizenlab_urls", "ooni_measurements")
SMALL_TABLES = ("sources", "published_figures", "events")

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


@dataclass(frozen=True)
class CountingRules:
    """How the KPIs count, declared once (the methodology page renders this object)."""

    conviction_outcomes: frozenset[str] = CONVICTION_OUTCOMES
    custodial_outcomes: frozenset[str] = CUSTODIAL_OUTCOMES
    acquittal_outcomes: frozenset[str] = ACQUITTAL_OUTCOMES
    replacing_outcomes: frozenset[str] = REPLACING_OUTCOMES
    not_a_block: frozenset[str] = NOT_A_BLOCK
    outlet_roles: frozenset[str] = OUTLET_ROLES


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


class Query:
    """Read-only access to one published build. Thread-safe: one cursor per call."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root or processed_dir()).resolve()
        if not (self.root / "incidents.parquet").exists():
            raise FileNotFoundError(f"no compiled data in {self.root}: run `python -m etl` first")
        self.manifest = json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))
        self._con = duckdb.connect()
        self._lock = threading.Lock()
        for name in TABLES + OPTIONAL_TABLES:
            path = self.root / f"{name}.parquet"
            if path.exists():
                # small reference tables are read once into memory; the incident tables stay on disk
                kind = "TABLE" if name in SMALL_TABLES else "VIEW"
                self._con.execute(f"CREATE {kind} {name} AS SELECT * FROM read_parquet('{path.as_posix()}')")
        self.available = {n for n in OPTIONAL_TABLES if (self.root / f"{n}.parquet").exists()}
        self._columns = {
            t: {r[0] for r in self._con.execute(f"DESCRIBE {t}").fetchall()}
            for t in ("blockings", "detentions", "court_outcomes")
        }
        self._coverage: Coverage | None = None
        self._verdicts_ready = False
        self._blocks_ready = False
        self._figures: pd.DataFrame | None = None

    @property
    def build_id(self) -> str:
        return str(self.manifest.get("build_id"))

    def df(self, sql: str, params: list | None = None) -> pd.DataFrame:
        with self._lock:
            cur = self._con.cursor()
        try:
            return _python_dates(cur.execute(sql, params or []).df())
        finally:
            cur.close()

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        with self._lock:
            cur = self._con.cursor()
        try:
            return cur.execute(sql, params or []).fetchall()
        finally:
            cur.close()

    def _precision(self, table: str, alias: str, column: str) -> str:
        """SQL for a kind-table date's precision (older builds have no precision column: day)."""
        if f"{column}__precision" in self._columns.get(table, set()):
            return f"{alias}.{column}__precision"
        return f"CASE WHEN {alias}.{column} IS NOT NULL THEN 'day' END"

    # -- coverage and options ---------------------------------------------------------
    def coverage(self) -> Coverage:
        if self._coverage is None:
            rows = self.rows(
                "SELECT coverage_start, coverage_end FROM sources "
                "WHERE coverage_start IS NOT NULL AND coverage_end IS NOT NULL ORDER BY 1, 2"
            )
            if not rows:  # no source states its coverage: fall back to the incidents' span
                lo, hi = self.rows("SELECT min(date), max(date) FROM incidents")[0]
                lo, hi = lo or date.today(), hi or date.today()
                rows = [(lo, hi)]
            self._coverage = Coverage(min(r[0] for r in rows), max(r[1] for r in rows), tuple(rows))
        return self._coverage

    def default_filters(self, lang: str = "en") -> Filters:
        """The latest calendar year that a source monitors in full (the period most users ask about).

        A source that covers a few days of a later year (one news item) does not make that year the
        default; when no year is covered in full, the latest covered year up to the coverage end.
        """
        cov = self.coverage()
        for year in range(cov.end.year, cov.start.year - 1, -1):
            if cov.covers(date(year, 1, 1), date(year, 12, 31)):
                return Filters(start=date(year, 1, 1), end=date(year, 12, 31), lang=lang)
        start = max(date(cov.end.year, 1, 1), cov.start)
        return Filters(start=start, end=cov.end, lang=lang)

    def data_span(self) -> tuple[date, date]:
        lo, hi = self.rows("SELECT min(date), max(date) FROM incidents")[0]
        cov = self.coverage()
        return min(lo or cov.start, cov.start), max(hi or cov.end, cov.end)

    def options(self, column: str) -> list[str]:
        if column not in ("outlet", "location", "victim_role", "perpetrator", "category"):
            raise ValueError(column)
        return [
            r[0]
            for r in self.rows(
                f"SELECT DISTINCT {column} FROM incidents WHERE {column} IS NOT NULL "
                f"AND {column} <> '{WITHHELD}' ORDER BY 1"
            )
        ]

    def subcategory_options(self) -> list[str]:
        return [r[0] for r in self.rows("SELECT DISTINCT category || '.' || subcategory FROM incidents ORDER BY 1")]

    def comparable(self, f: Filters) -> bool:
        """Whether the previous period of the same length can be compared with this one.

        Only when every source that monitors any part of either period monitors both periods in
        full: otherwise a change could come from what was monitored, not from what happened.
        """
        prev = f.previous()
        rows = self.rows(
            "SELECT coverage_start, coverage_end FROM sources WHERE coverage_start IS NOT NULL "
            "AND coverage_end IS NOT NULL AND coverage_start <= ? AND coverage_end >= ?",
            [f.end, prev.start],
        )
        if not rows:
            return False
        return all(s <= prev.start and e >= f.end for s, e in rows)

    # -- incident lists ---------------------------------------------------------------
    def _detail_sql(self, where: str, order: str = "i.date DESC, i.incident_id") -> str:
        """The incidents meeting ``where`` with their kind's details and their sources' titles, in order."""
        b_from = self._precision("blockings", "b", "blocked_from")
        b_until = self._precision("blockings", "b", "blocked_until")
        d_rel = self._precision("detentions", "d", "released_on")
        return f"""
            WITH sel AS (SELECT * FROM incidents i WHERE {where}),
            src AS (
              SELECT u.incident_id, list(s.title ORDER BY u.k) AS source_titles
              FROM (SELECT incident_id, unnest(source_ids) AS sid, generate_subscripts(source_ids, 1) AS k FROM sel) u
              JOIN sources s ON s.source_id = u.sid
              GROUP BY u.incident_id
            )
            SELECT i.*,
              a.context, a.injured, a.equipment_damaged_or_seized,
              d.duration_days, d.released_on, {d_rel} AS released_on_precision,
              coalesce(c.charge, d.charge) AS charge,
              b.domain, b.blocked_from, {b_from} AS blocked_from_precision, b.blocked_until,
              {b_until} AS blocked_until_precision, b.status_as_of, b.basis,
              c.court, c.sentence_months, c.fine_amount, c.fine_currency, c.appeal_of,
              src.source_titles
            FROM sel i
            LEFT JOIN src ON src.incident_id = i.incident_id
            LEFT JOIN assaults a ON a.incident_id = i.incident_id
            LEFT JOIN detentions d ON d.incident_id = i.incident_id
            LEFT JOIN blockings b ON b.incident_id = i.incident_id
            LEFT JOIN court_outcomes c ON c.incident_id = i.incident_id
            ORDER BY {order}
        """

    def incidents(self, f: Filters, extra_where: str = "", extra_params: list | None = None) -> pd.DataFrame:
        """The filtered incidents, newest first, with their kind's details and sources' titles."""
        where, params = f.where("i")
        if extra_where:
            where += f" AND ({extra_where})"
            params += extra_params or []
        return self.df(self._detail_sql(where), params)

    def all_incidents(self, f: Filters | None = None) -> pd.DataFrame:
        """Every incident of the build with its details (the full download; filters do not apply)."""
        return self.df(self._detail_sql("TRUE", "i.date, i.incident_id"))

    def incidents_by_id(self, f: Filters, ids: tuple[str, ...]) -> pd.DataFrame:
        """Given incidents whatever the filters (blocks begun before the period, figures' items)."""
        if not ids:
            return self.df(self._detail_sql("FALSE"))
        where = f"i.incident_id IN ({', '.join('?' for _ in ids)})"
        return self.df(self._detail_sql(where), list(ids))

    def year_only_apart(self, f: Filters) -> int:
        where, params = f.where_year_only_apart("i")
        return int(self.rows(f"SELECT count(*) FROM incidents i WHERE {where}", params)[0][0])

    def year_only_in_period(self, f: Filters) -> int:
        """Year-precision incidents counted in the period but not placed in any month."""
        where, params = f.where("i")
        return int(
            self.rows(f"SELECT count(*) FROM incidents i WHERE {where} AND i.date_precision = 'year'", params)[0][0]
        )

    # -- by month ---------------------------------------------------------------------
    BY_MONTH = {
        "category": ("incidents", "category"),
        "subcategory": ("incidents", "subcategory"),
        "victim_role": ("incidents", "victim_role"),
        "perpetrator": ("incidents", "perpetrator"),
        "context": ("assaults", "context"),
    }

    def monthly(self, f: Filters, by: str = "category", categories: tuple[str, ...] | None = None) -> pd.DataFrame:
        """Tidy counts per month and ``by`` value, every month of the period (zeros included).

        Columns: month (date), key, n, monitored (bool). Year-precision incidents are left
        out (they are shown apart); month-precision ones count in their month.
        """
        if by not in self.BY_MONTH:
            raise ValueError(by)
        table, column = self.BY_MONTH[by]
        ff = f.with_(categories=categories) if categories is not None else f
        where, params = ff.where("i")
        join = "" if table == "incidents" else f"JOIN {table} k ON k.incident_id = i.incident_id"
        col = f"i.{column}" if table == "incidents" else f"coalesce(k.{column}, 'unknown')"
        measure = "count(*)" if f.count == "incidents" else PEOPLE_SQL.format(a="i.")
        counts = self.df(
            f"""
            SELECT date_trunc('month', i.date)::DATE AS month, {col} AS key, {measure} AS n
            FROM incidents i {join} WHERE {where} AND i.date_precision <> 'year'
            GROUP BY ALL
            """,
            params,
        )
        return self._month_grid(ff, counts, by)

    def _month_grid(self, f: Filters, counts: pd.DataFrame, by: str = "category") -> pd.DataFrame:
        cov = self.coverage()
        months = [add_months(f.start, k) for k in range(f.months)]
        keys = sorted(counts["key"].dropna().unique()) if len(counts) else []
        if by == "category" and f.categories and set(keys) <= set(f.categories):
            keys = list(f.categories)
        if not keys:  # keep the months even when nothing matched
            grid = pd.DataFrame({"month": months, "key": None, "n": 0})
            grid["monitored"] = [cov.monitored(m) for m in months]
            return grid
        grid = pd.DataFrame([(m, k) for m in months for k in keys], columns=["month", "key"])
        if len(counts):
            grid = grid.merge(counts, on=["month", "key"], how="left")
        else:
            grid["n"] = 0
        grid["n"] = grid["n"].fillna(0).astype("int64")
        grid["monitored"] = [cov.monitored(m) for m in grid["month"]]
        return grid

    # -- KPIs -------------------------------------------------------------------------
    KPI_KEYS = (
        "incidents",
        "people",
        "assaults",
        "assaults_people",
        "detentions",
        "detentions_people",
        "blocking_incidents",
        "cyberattacks",
        "court_outcomes",
        "year_only_in_period",
        "year_only_in_period_people",
        "dated_people",
    )

    def kpis(self, f: Filters) -> dict:
        """All overview numbers for a filter state, and for the previous period when comparable.

        One scan of the incidents for both periods (plus the year-only apart), one over the case
        verdicts and one over the blocks. ``previous`` is None when the sources do not monitor
        both periods alike (see ``comparable``).
        """
        prev_f = f.previous()
        comparable = self.comparable(f)
        sel, params = f.where_selection("i")
        cur_c, prev_c, apart_c = f.period_sql("i"), prev_f.period_sql("i"), f.year_only_apart_sql("i")
        periods = f"{cur_c} OR {apart_c}" + (f" OR {prev_c}" if comparable else "")
        label = f"CASE WHEN {cur_c} THEN 'cur' WHEN {apart_c} THEN 'apart' ELSE 'prev' END"
        # first per (period, kind, year-only, person): people are then counted over a few rows
        cat = "g.category = '{}'"

        def people(cond: str = "TRUE") -> str:
            return (
                f"(count(DISTINCT g.person_id) FILTER (WHERE {cond}) "
                f"+ coalesce(sum(g.unnamed) FILTER (WHERE {cond}), 0))"
            )

        scan = self.df(
            f"""
            WITH g AS (
              SELECT {label} AS p, i.category, i.date_precision = 'year' AS year_only,
                     coalesce(i.category = 'website_blocking' AND i.subcategory IN {_in(NOT_A_BLOCK)}, FALSE) AS cyber,
                     i.person_id, count(*) AS n,
                     sum(coalesce(i.group_size, 1)) FILTER (WHERE i.person_id IS NULL) AS unnamed
              FROM incidents i WHERE ({periods}) AND {sel}
              GROUP BY ALL
            )
            SELECT g.p, sum(g.n) AS incidents, {people()} AS people,
              sum(g.n) FILTER (WHERE {cat.format("physical_assault")}) AS assaults,
              {people(cat.format("physical_assault"))} AS assaults_people,
              sum(g.n) FILTER (WHERE {cat.format("detention")}) AS detentions,
              {people(cat.format("detention"))} AS detentions_people,
              sum(g.n) FILTER (WHERE {cat.format("website_blocking")} AND NOT g.cyber) AS blocking_incidents,
              sum(g.n) FILTER (WHERE g.cyber) AS cyberattacks,
              sum(g.n) FILTER (WHERE {cat.format("court_outcome")}) AS court_outcomes,
              sum(g.n) FILTER (WHERE g.year_only) AS year_only_in_period,
              {people("g.year_only")} AS year_only_in_period_people,
              {people("NOT g.year_only")} AS dated_people
            FROM g GROUP BY g.p
            """,
            params,
        )
        by_p = {r["p"]: r for r in scan.to_dict("records")}
        court = self._court_kpis(f, prev_f if comparable else None)
        blocked = self._blocked_at_many(f, [f.end, prev_f.end] if comparable else [f.end])

        def one(p: str, ff: Filters) -> dict:
            r = by_p.get(p, {})
            out = {k: int(_num(r.get(k))) for k in self.KPI_KEYS}
            out.update(court[p])
            out["prison_years"] = out["prison_months"] / 12
            out["websites_blocked"] = blocked[ff.end]
            out["start"], out["end"] = ff.start, ff.end
            return out

        current = one("cur", f)
        current["previous"] = one("prev", prev_f) if comparable else None
        current["comparable"] = comparable
        current["year_only_apart"] = int(_num((by_p.get("apart") or {}).get("incidents")))
        return current

    # -- court: cases and verdicts ------------------------------------------------------
    def _ensure_verdicts(self) -> None:
        """Court decisions grouped into cases, and one row per case with its verdict.

        Independent of the filters, so built once per build (tables ``case_decisions`` and
        ``case_verdicts`` in this connection's in-memory database).
        """
        if self._verdicts_ready:
            return
        key = "strftime(date, '%Y-%m-%d') || incident_id"
        conv, acq, rep = _in(CONVICTION_OUTCOMES), _in(ACQUITTAL_OUTCOMES), _in(REPLACING_OUTCOMES)
        decisions = f"""
            CREATE OR REPLACE TABLE case_decisions AS
            WITH RECURSIVE chain(incident_id, root) AS (
              SELECT c.incident_id, c.incident_id FROM court_outcomes c
              WHERE c.appeal_of IS NULL OR c.appeal_of NOT IN (SELECT incident_id FROM court_outcomes)
              UNION ALL
              SELECT c.incident_id, chain.root FROM court_outcomes c JOIN chain ON c.appeal_of = chain.incident_id
            )
            SELECT i.incident_id, i.date, i.person_id, i.victim, c.outcome, c.sentence_months,
              coalesce('case:' || i.case_id, 'case:' || ri.case_id, 'chain:' || ch.root,
                       'chain:' || i.incident_id) AS case_key,
              c.outcome IN {conv} AS is_conviction,
              c.outcome IN {conv} OR c.outcome IN {acq} OR c.outcome IN {rep} AS is_decisive
            FROM incidents i JOIN court_outcomes c ON c.incident_id = i.incident_id
            LEFT JOIN (SELECT incident_id, min(root) AS root FROM chain GROUP BY ALL) ch
              ON ch.incident_id = i.incident_id
            LEFT JOIN incidents ri ON ri.incident_id = ch.root
        """
        verdicts = f"""
            CREATE OR REPLACE TABLE case_verdicts AS
            WITH per_case AS (
              SELECT case_key,
                arg_min(incident_id, {key}) FILTER (WHERE is_conviction) AS first_conviction_id,
                min(date) FILTER (WHERE is_conviction) AS first_conviction_date,
                arg_max(incident_id, {key}) FILTER (WHERE is_decisive) AS verdict_id,
                arg_max(outcome, {key}) FILTER (WHERE is_decisive) AS verdict,
                arg_max(date, {key}) FILTER (WHERE is_decisive) AS verdict_date,
                arg_max_null(sentence_months, {key}) FILTER (WHERE is_decisive) AS verdict_months,
                arg_max(outcome, {key}) FILTER (WHERE is_conviction) AS last_conviction_outcome,
                arg_max(person_id, {key}) AS person_id,
                arg_max(victim, {key}) AS victim,
                count(*) AS decisions
              FROM case_decisions GROUP BY case_key
            )
            SELECT *,
              first_conviction_id IS NOT NULL AND (verdict IN {conv} OR verdict IN {rep}) AS standing,
              first_conviction_id IS NOT NULL AND verdict IN {acq} AS overturned,
              (first_conviction_id IS NOT NULL AND (verdict IN {conv} OR verdict IN {rep})
               AND last_conviction_outcome IN {_in(CUSTODIAL_OUTCOMES)}) IS TRUE AS custodial
            FROM per_case
        """
        with self._lock:
            if not self._verdicts_ready:
                self._con.execute(decisions)
                self._con.execute(verdicts)
                self._verdicts_ready = True

    def _court_kpis(self, f: Filters, prev_f: Filters | None) -> dict[str, dict]:
        self._ensure_verdicts()
        sel, params = f.where_selection("i")
        cur_c = f.period_sql("i")
        prev_c = prev_f.period_sql("i") if prev_f else "FALSE"
        out = {}
        acq = _in(ACQUITTAL_OUTCOMES)
        # two equi-joins (first conviction, verdict) rather than one OR-join: a hash join each
        rows = self.df(
            f"""
            WITH sel AS (
              SELECT i.incident_id, CASE WHEN {cur_c} THEN 'cur' ELSE 'prev' END AS p
              FROM incidents i WHERE ({cur_c} OR {prev_c}) AND {sel} AND i.category = 'court_outcome'
            ),
            conv AS (
              SELECT s.p,
                count(*) FILTER (WHERE v.standing) AS convictions,
                count(DISTINCT v.person_id) FILTER (WHERE v.standing AND v.person_id IS NOT NULL)
                  + count(*) FILTER (WHERE v.standing AND v.person_id IS NULL) AS convictions_people,
                count(*) FILTER (WHERE v.overturned) AS overturned,
                coalesce(sum(v.verdict_months) FILTER (WHERE v.custodial), 0) AS prison_months,
                count(*) FILTER (WHERE v.custodial AND v.verdict_months IS NULL) AS prison_unknown
              FROM sel s JOIN case_verdicts v ON v.first_conviction_id = s.incident_id
              GROUP BY s.p
            ),
            acq AS (
              SELECT s.p, count(*) AS acquittals
              FROM sel s JOIN case_verdicts v ON v.verdict_id = s.incident_id
              WHERE v.verdict IN {acq}
              GROUP BY s.p
            )
            SELECT coalesce(conv.p, acq.p) AS p, conv.* EXCLUDE (p), acq.acquittals
            FROM conv FULL JOIN acq ON conv.p = acq.p
            """,
            params,
        )
        found = {r["p"]: r for r in rows.to_dict("records")}
        for p in ("cur", "prev"):
            r = found.get(p, {})
            out[p] = {
                k: (float(_num(r.get(k))) if k == "prison_months" else int(_num(r.get(k))))
                for k in (
                    "convictions",
                    "convictions_people",
                    "overturned",
                    "acquittals",
                    "prison_months",
                    "prison_unknown",
                )
            }
        return out

    def court_cases(self, f: Filters) -> pd.DataFrame:
        """Each case with a decision in the selection: its verdict, first conviction and term.

        ``status``: ``conviction`` (standing), ``overturned`` (convicted in the period, later
        acquitted) or ``acquittal`` (acquitted in the period). Other cases are left out.
        """
        self._ensure_verdicts()
        where, params = f.where("i")
        acq = _in(ACQUITTAL_OUTCOMES)
        return self.df(
            f"""
            WITH sel AS (SELECT i.incident_id FROM incidents i WHERE {where} AND i.category = 'court_outcome')
            SELECT v.case_key, v.victim, v.person_id, v.verdict, v.verdict_date, v.first_conviction_date,
                   v.last_conviction_outcome, v.custodial, v.verdict_months AS sentence_months, v.decisions,
                   CASE WHEN v.standing THEN 'conviction'
                        WHEN v.overturned AND v.first_conviction_id IN (SELECT incident_id FROM sel) THEN 'overturned'
                        ELSE 'acquittal' END AS status,
                   coalesce(v.first_conviction_id, v.verdict_id) AS incident_id
            FROM case_verdicts v
            WHERE ((v.standing OR v.overturned) AND v.first_conviction_id IN (SELECT incident_id FROM sel))
               OR (v.verdict IN {acq} AND v.verdict_id IN (SELECT incident_id FROM sel)
                   AND NOT (v.overturned AND v.first_conviction_id IN (SELECT incident_id FROM sel)))
            ORDER BY coalesce(v.first_conviction_date, v.verdict_date), v.case_key
            """,
            params,
        )

    def case_incident_ids(self, f: Filters, case_keys: list[str]) -> list[str]:
        """Every court decision of the given cases (for the drill-down list)."""
        if not case_keys:
            return []
        self._ensure_verdicts()
        rows = self.rows(
            f"SELECT incident_id FROM case_decisions WHERE case_key IN ({', '.join('?' for _ in case_keys)}) "
            "ORDER BY date, incident_id",
            list(case_keys),
        )
        return [r[0] for r in rows]

    def fines(self, f: Filters) -> pd.DataFrame:
        """Fines imposed in the selection, per currency: how many, the total, how many without an amount."""
        where, params = f.where("i")
        return self.df(
            f"""
            SELECT coalesce(c.fine_currency, '') AS currency, count(*) AS fines,
                   coalesce(sum(c.fine_amount), 0) AS total, count(*) FILTER (WHERE c.fine_amount IS NULL) AS no_amount
            FROM incidents i JOIN court_outcomes c ON c.incident_id = i.incident_id
            WHERE {where} AND (c.outcome = 'fine' OR c.fine_amount IS NOT NULL)
            GROUP BY ALL ORDER BY fines DESC, currency
            """,
            params,
        )

    # -- breakdowns ----------------------------------------------------------------------
    BREAKDOWNS = {
        "category": ("incidents", "category", False),
        "subcategory": ("incidents", "subcategory", False),
        "victim_role": ("incidents", "victim_role", False),
        "perpetrator": ("incidents", "perpetrator", True),
        "context": ("assaults", "context", True),
        "injured": ("assaults", "injured", True),
        "equipment": ("assaults", "equipment_damaged_or_seized", True),
        "detention_charge": ("detentions", "charge", False),
        "court_charge": ("court_outcomes", "charge", False),
        "court": ("court_outcomes", "court", False),
    }

    def breakdown(self, f: Filters, column: str) -> pd.DataFrame:
        """Counts (incidents or people, per ``f.count``) by one column, largest first: key, n.

        Vocabulary columns count an empty cell as ``unknown``; free-text columns leave it out.
        Year-precision incidents of the period are included (these are period totals).
        """
        if column not in self.BREAKDOWNS:
            raise ValueError(column)
        table, col, vocab = self.BREAKDOWNS[column]
        where, params = f.where("i")
        join = "" if table == "incidents" else f"JOIN {table} k ON k.incident_id = i.incident_id"
        ref = f"i.{col}" if table == "incidents" else f"k.{col}"
        key = f"coalesce({ref}, 'unknown')" if vocab else ref
        keep = "" if vocab else f" AND {ref} IS NOT NULL AND trim({ref}) <> ''"
        measure = "count(*)" if f.count == "incidents" else PEOPLE_SQL.format(a="i.")
        return self.df(
            f"SELECT {key} AS key, {measure} AS n FROM incidents i {join} WHERE {where}{keep} "
            "GROUP BY ALL ORDER BY n DESC, key",
            params,
        )

    # -- detentions ----------------------------------------------------------------------
    def _detention_days_sql(self) -> str:
        rel = self._precision("detentions", "d", "released_on")
        return (
            "coalesce(d.duration_days, CASE WHEN i.date_precision = 'day' AND "
            f"{rel} = 'day' AND d.released_on >= i.date THEN datediff('day', i.date, d.released_on) END)"
        )

    def detention_days(self, f: Filters) -> dict:
        """Total days of administrative detention in the selection, and how many lack a duration."""
        where, params = f.where("i")
        days = self._detention_days_sql()
        r = self.rows(
            f"""
            SELECT coalesce(sum({days}), 0), count({days}), count(*) - count({days})
            FROM incidents i JOIN detentions d ON d.incident_id = i.incident_id
            WHERE {where} AND d.detention_type = 'administrative_detention'
            """,
            params,
        )[0]
        return {"days": int(r[0]), "with_days": int(r[1]), "without_days": int(r[2])}

    def longest_held(self, f: Filters, limit: int = 10) -> pd.DataFrame:
        """Detentions with the longest known duration: stated, or computed from exact dates."""
        where, params = f.where("i")
        days = self._detention_days_sql()
        return self.df(
            f"""
            SELECT i.incident_id, i.victim AS key, d.detention_type, {days} AS n,
                   d.duration_days IS NOT NULL AS stated
            FROM incidents i JOIN detentions d ON d.incident_id = i.incident_id
            WHERE {where} AND {days} > 0 AND i.victim <> '{WITHHELD}'
            ORDER BY n DESC, i.incident_id LIMIT {int(limit)}
            """,
            params,
        )

    # -- blockings --------------------------------------------------------------------
    def _ensure_blocks(self) -> None:
        """Every block episode with the dates the rules use, built once per build (see the module docstring).

        start_possible: the earliest day the block may have started; start_certain: the day by
        which it certainly had (the last day of the month/year when the start is known only to
        that); end_confirmed: blocked_until, else status_as_of, else only the certain start. The
        incident's filter columns are kept so that ``Filters.where_selection`` applies directly.
        """
        if self._blocks_ready:
            return
        from_p = self._precision("blockings", "b", "blocked_from")
        sql = f"""
            CREATE OR REPLACE TABLE block_episodes AS
            SELECT y.*, coalesce(y.blocked_until, y.status_as_of, y.start_certain) AS end_confirmed
            FROM (
              SELECT z.*, CASE z.start_precision WHEN 'year' THEN make_date(year(z.start_possible), 12, 31)
                               WHEN 'month' THEN last_day(z.start_possible) ELSE z.start_possible END AS start_certain
              FROM (
                SELECT i.incident_id, i.category, i.subcategory, i.victim_role, i.outlet, i.location, i.perpetrator,
                  b.domain, lower(trim(b.domain)) AS domain_key, b.blocking_type,
                  coalesce(b.blocked_from, i.date) AS start_possible,
                  CASE WHEN b.blocked_from IS NOT NULL THEN coalesce({from_p}, 'day') ELSE i.date_precision END
                    AS start_precision,
                  b.blocked_until, b.status_as_of, b.blocked_until IS NULL AS open_ended
                FROM incidents i JOIN blockings b ON b.incident_id = i.incident_id
                WHERE b.blocking_type NOT IN {_in(NOT_A_BLOCK)}
              ) z
            ) y
        """
        with self._lock:
            if not self._blocks_ready:
                self._con.execute(sql)
                self._blocks_ready = True

    def _blocks_sql(self, where: str) -> str:
        """Block episodes of incidents meeting ``where`` (non-period filters, alias ``i``)."""
        self._ensure_blocks()
        return f"SELECT * FROM block_episodes i WHERE {where}"

    def blocked_at(self, f: Filters, when: date) -> int:
        """Domains/platforms blocked at ``when`` (never assumed past ``status_as_of``)."""
        return self._blocked_at_many(f, [when])[when]

    def _blocked_at_many(self, f: Filters, whens: list[date]) -> dict[date, int]:
        sel, params = f.where_selection("i")
        cols = ", ".join(
            f"count(DISTINCT x.domain_key) FILTER (WHERE x.start_certain <= {d} AND x.end_confirmed >= {d})"
            for d in (sql_date(w) for w in whens)
        )
        r = self.rows(f"SELECT {cols} FROM ({self._blocks_sql(sel)}) x", params)[0]
        return {w: int(v or 0) for w, v in zip(whens, r, strict=True)}

    def active_blocks_by_month(self, f: Filters) -> pd.DataFrame:
        """Per month of the period: domains certainly blocked during it, and those whose block may
        have started by then (start known only to the month/year), counted apart.

        Columns: month, n (= confirmed), confirmed, start_uncertain, monitored.
        """
        sel, params = f.where_selection("i")
        last = add_months(f.start, f.months - 1)
        df = self.df(
            f"""
            WITH months AS (SELECT unnest(generate_series({sql_date(f.start)}, {sql_date(last)},
                                                          INTERVAL 1 MONTH))::DATE AS month),
            x AS ({self._blocks_sql(sel)}),
            hits AS (
              SELECT m.month, x.domain_key,
                bool_or(x.start_certain <= last_day(m.month) AND x.end_confirmed >= m.month) AS confirmed,
                bool_or(x.start_possible <= last_day(m.month) AND x.end_confirmed >= m.month)
                  AS possible
              FROM months m JOIN x ON x.start_possible <= last_day(m.month)
              GROUP BY ALL
            )
            SELECT m.month,
              count(DISTINCT h.domain_key) FILTER (WHERE h.confirmed) AS confirmed,
              count(DISTINCT h.domain_key) FILTER (WHERE h.possible AND NOT h.confirmed) AS start_uncertain
            FROM months m LEFT JOIN hits h ON h.month = m.month
            GROUP BY m.month ORDER BY m.month
            """,
            params,
        )
        df["confirmed"] = df["confirmed"].astype("int64")
        df["start_uncertain"] = df["start_uncertain"].astype("int64")
        df["n"] = df["confirmed"]
        cov = self.coverage()
        df["monitored"] = [cov.monitored(m) for m in df["month"]]
        return df

    def block_timeline(self, f: Filters) -> pd.DataFrame:
        """Each block episode overlapping the period (by what is known of it), for a timeline.

        Columns: incident_id, domain, blocking_type, start_possible, start_certain, start_precision,
        end_confirmed (blocked_until or status_as_of), blocked_until, status_as_of, open_ended.
        """
        sel, params = f.where_selection("i")
        s, e = sql_date(f.start), sql_date(f.end)
        return self.df(
            f"""
            SELECT x.* EXCLUDE (category, subcategory, victim_role, outlet, location, perpetrator)
            FROM ({self._blocks_sql(sel)}) x
            WHERE x.start_possible <= {e}
              AND x.end_confirmed >= {s}
            ORDER BY x.start_possible, x.domain_key
            """,
            params,
        )

    def cyberattacks(self, f: Filters) -> pd.DataFrame:
        """Cyberattacks in the selection (counted apart from blocks)."""
        where, params = f.where("i")
        return self.df(
            self._detail_sql(
                f"{where} AND i.category = 'website_blocking' AND i.subcategory IN {_in(NOT_A_BLOCK)}",
                "i.date, i.incident_id",
            ),
            params,
        )

    # -- context ----------------------------------------------------------------------
    def events(self, f: Filters) -> pd.DataFrame:
        """Context periods overlapping the period (for chart annotations)."""
        return self.df(
            'SELECT * FROM events WHERE start <= ? AND coalesce("end", start) >= ? ORDER BY start, event_id',
            [f.end, f.start],
        )

    def sources(self) -> pd.DataFrame:
        return self.df("SELECT * FROM sources ORDER BY source_id")

    def source_counts(self, f: Filters) -> pd.DataFrame:
        """Sources cited by the selection, most cited first: source_id, title, publisher, n."""
        where, params = f.where("i")
        return self.df(
            f"""
            WITH u AS (SELECT unnest(i.source_ids) AS sid FROM incidents i WHERE {where}),
            n AS (SELECT sid, count(*) AS n FROM u GROUP BY sid)
            SELECT s.source_id, s.title, s.publisher, n.n
            FROM n JOIN sources s ON s.source_id = n.sid
            ORDER BY n.n DESC, s.title
            """,
            params,
        )

    def source_contributions(self, f: Filters | None = None) -> pd.DataFrame:
        """Every source with the incidents it supports, in total and per kind (whole dataset)."""
        per_kind = ", ".join(
            f"count(DISTINCT u.incident_id) FILTER (WHERE u.category = '{c}') AS \"{c}\"" for c in KIND_TABLE
        )
        return self.df(
            f"""
            SELECT s.source_id, s.title, s.publisher, s.published_on, s.url, s.language,
                   s.coverage_start, s.coverage_end, s.licence,
                   count(DISTINCT u.incident_id) AS incidents, {per_kind},
                   (SELECT count(*) FROM published_figures p WHERE p.source_id = s.source_id) AS figures
            FROM sources s
            LEFT JOIN (SELECT i.incident_id, i.category, unnest(i.source_ids) AS sid FROM incidents i) u
              ON u.sid = s.source_id
            GROUP BY ALL ORDER BY incidents DESC, s.source_id
            """
        )

    def published_vs_documented(self, f: Filters) -> pd.DataFrame:
        """Each published figure inside the period beside the itemised count for the same thing.

        The itemised count uses the figure's own period (the same precision rules), kind and
        subcategory, and its unit: people for ``people``, distinct domains for ``websites``,
        incidents otherwise. The sidebar's other filters do not apply: a published figure is a
        fixed number, so the count beside it must not shrink with them. Figures outside the four
        kinds are listed with no itemised counterpart. The counts depend on the figures only, so
        they are computed once per build (one query) and then picked by period and kind.
        """
        figures = self._all_figures()
        keep = (figures["period_start"] >= f.start) & (figures["period_end"] <= f.end)
        if f.categories:
            keep &= figures["category"].isin(f.categories)
        return figures[keep].reset_index(drop=True)

    def _all_figures(self) -> pd.DataFrame:
        if self._figures is not None:
            return self._figures
        in_fig = period_condition("i.", "p.period_start", "p.period_end")
        people = PEOPLE_SQL.format(a="i.")
        figures = self.df(
            f"""
            WITH figs AS (
              SELECT p.*, s.title AS source_title, s.publisher AS source_publisher
              FROM published_figures p JOIN sources s USING (source_id)
            ),
            counted AS (
              SELECT p.figure_id, count(i.incident_id) AS incidents, {people} AS people,
                     count(DISTINCT lower(trim(b.domain))) FILTER (WHERE b.blocking_type NOT IN {_in(NOT_A_BLOCK)})
                       AS websites,
                     list(i.incident_id ORDER BY i.date, i.incident_id) AS incident_ids
              FROM figs p JOIN incidents i ON i.category = p.category
                AND (p.subcategory IS NULL OR i.subcategory = p.subcategory)
                AND i.date >= p.period_start AND i.date <= p.period_end AND {in_fig}
              LEFT JOIN blockings b ON b.incident_id = i.incident_id
              GROUP BY p.figure_id
            )
            SELECT p.*,
              CASE WHEN p.category IS NULL THEN NULL
                   WHEN p.unit = 'people' THEN coalesce(c.people, 0)
                   WHEN p.unit = 'websites' THEN coalesce(c.websites, 0)
                   ELSE coalesce(c.incidents, 0) END AS documented,
              CASE WHEN p.category IS NULL THEN NULL
                   WHEN p.unit IN ('people', 'websites') THEN p.unit ELSE 'incidents' END AS documented_unit,
              c.incident_ids
            FROM figs p LEFT JOIN counted c USING (figure_id)
            ORDER BY p.category NULLS LAST, p.period_start, p.figure_id
            """
        )
        figures["documented"] = pd.array(figures["documented"], dtype="Int64")
        self._figures = figures
        return figures

    def top(self, f: Filters, column: str, limit: int = 10) -> pd.DataFrame:
        """Most frequent values of ``column`` (outlet, victim, perpetrator…) in the selection."""
        if column not in ("outlet", "victim", "perpetrator", "location", "victim_role", "subcategory"):
            raise ValueError(column)
        where, params = f.where("i")
        measure = "count(*)" if f.count == "incidents" else PEOPLE_SQL.format(a="i.")
        return self.df(
            f"SELECT i.{column} AS key, {measure} AS n FROM incidents i WHERE {where} AND i.{column} IS NOT NULL "
            f"AND i.{column} <> '{WITHHELD}' GROUP BY ALL ORDER BY n DESC, key LIMIT {int(limit)}",
            params,
        )

    def top_outlets(self, f: Filters, limit: int = 10) -> pd.DataFrame:
        """Outlets most often targeted: incidents naming the outlet, or where the outlet is the victim.

        Columns: key (outlet as recorded), n (incidents; people mode counts people affected).
        """
        where, params = f.where("i")
        outlet = f"coalesce(i.outlet, CASE WHEN i.victim_role IN {_in(OUTLET_ROLES)} THEN i.victim END)"
        measure = "count(*)" if f.count == "incidents" else PEOPLE_SQL.format(a="i.")
        return self.df(
            f"SELECT {outlet} AS key, {measure} AS n FROM incidents i WHERE {where} AND {outlet} IS NOT NULL "
            f"AND {outlet} <> '{WITHHELD}' GROUP BY ALL ORDER BY n DESC, key LIMIT {int(limit)}",
            params,
        )

    # -- the overview in one call --------------------------------------------------------
    def overview(self, f: Filters) -> dict:
        """Everything the overview page shows, for one filter state (timed by the benchmark)."""
        return {
            "kpis": self.kpis(f),
            "monthly": self.monthly(f, "category"),
            "events": self.events(f),
            "published": self.published_vs_documented(f),
            "top_outlets": self.top_outlets(f),
            "sources": self.source_counts(f),
        }

    # -- people & cases -----------------------------------------------------------------
    def search(self, f: Filters, text: str, limit: int = 25) -> pd.DataFrame:
        """People and outlets whose name or a spelling variant matches ``text``.

        Matching ignores case, accents and common transliterations (see ``fold_name``). Columns:
        kind ("person" or "outlet"), key (person_id or outlet name), name, aliases, role, incidents.
        """
        needle = fold_name(text or "")
        if len(needle) < 2:
            return pd.DataFrame(columns=["kind", "key", "name", "aliases", "role", "incidents"])
        people = self.df(
            """
            SELECT 'person' AS kind, p.person_id AS key, p.name, p.aliases, p.role,
                   (SELECT count(*) FROM incidents i WHERE i.person_id = p.person_id) AS incidents
            FROM people p
            """
        )
        outlets = self.df(
            f"""
            SELECT 'outlet' AS kind, i.outlet AS key, i.outlet AS name, NULL AS aliases, 'media_outlet' AS role,
                   count(*) AS incidents
            FROM incidents i WHERE i.outlet IS NOT NULL AND i.outlet <> '{WITHHELD}' GROUP BY ALL
            """
        )

        def matches(row) -> bool:
            names = [row["name"]] + [a for a in (row["aliases"] if row["aliases"] is not None else []) if a]
            return any(needle in fold_name(n) for n in names)

        found = pd.concat([people, outlets], ignore_index=True)
        if found.empty:
            return found
        found = found[[matches(r) for r in found.to_dict("records")]]
        return found.sort_values(["incidents", "name"], ascending=[False, True]).head(limit).reset_index(drop=True)

    def timeline(self, f: Filters, kind: str, key: str, within_filters: bool = False) -> pd.DataFrame:
        """Every incident of one person (by person_id) or outlet, in date order, with sources.

        An outlet's timeline holds incidents naming it as outlet and those where it is the victim.
        ``within_filters`` limits it to the sidebar's period and filters.
        """
        if kind == "person":
            cond, params = "i.person_id = ?", [key]
        elif kind == "outlet":
            cond, params = "(i.outlet = ? OR i.person_id IN (SELECT person_id FROM people WHERE name = ?))", [key, key]
        else:
            raise ValueError(kind)
        if within_filters:
            where, fparams = f.where("i")
            cond, params = f"{cond} AND {where}", params + fparams
        order = "i.date, CASE i.date_precision WHEN 'day' THEN 0 WHEN 'month' THEN 1 ELSE 2 END, i.incident_id"
        return self.df(self._detail_sql(cond, order), params)

    # -- the build --------------------------------------------------------------------
    def manifest_summary(self) -> dict:
        """Rows per output, inputs with their hashes, rejects, build id and time (from the manifest)."""
        m = self.manifest
        return {
            "build_id": m.get("build_id"),
            "built_at": m.get("built_at"),
            "public": m.get("public"),
            "schema_version": m.get("schema_version"),
            "outputs": dict(m.get("outputs", {})),
            "inputs": {k: dict(v) for k, v in m.get("inputs", {}).items()},
            "rejected_rows": int(m.get("rejected_rows") or 0),
            "rejected_by_file": dict(m.get("rejected_by_file", {})),
            "warnings": list(m.get("warnings", [])),
        }

    def table(self, name: str) -> pd.DataFrame:
        """A whole published table (for the full downloads)."""
        if name not in TABLES:
            raise ValueError(name)
        return self.df(f"SELECT * FROM {name}")

    def parquet_path(self, name: str) -> Path:
        if name not in TABLES + OPTIONAL_TABLES:
            raise ValueError(name)
        return self.root / f"{name}.parquet"


def overview(q: Query, f: Filters) -> dict:
    """Module-level entry for the benchmark: ``Query.overview``."""
    return q.overview(f)
