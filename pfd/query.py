"""The read-side query layer: DuckDB over the compiled Parquet, one ``Filters`` model.

Every number the pages, the KPIs, the captions, the report, the slide deck and the downloads
show comes from here. Functions return tidy pandas DataFrames (or small dicts) and never
format for display.

Rules declared once here and shown on the methodology page:
- people affected: each named person or outlet once; each unnamed group counts its stated size
  (1 when no size is given); confidential rows (no person id in the public build) count once each.
- convictions: court outcomes in ``CONVICTION_OUTCOMES`` not overturned by a later acquittal or
  replaced by a later sentence in the same case; prison-years from ``CUSTODIAL_OUTCOMES`` (and
  sentences reduced on appeal) only, the latest per case.
- a website is blocked at a date when its block started on or before it and either ended on or
  after it, or has no end and a source confirms it still blocked then (``status_as_of``).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from pfd.filters import Filters, add_months, month_end
from pfd.paths import processed_dir
from pfd.vocab import ACQUITTAL_OUTCOMES, CONVICTION_OUTCOMES, CUSTODIAL_OUTCOMES

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


def _in(values) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values)) + ")"


# SQL fragment: unique victims ("people affected") over a set of incident rows.
PEOPLE_SQL = (
    "(count(DISTINCT CASE WHEN {a}person_id IS NOT NULL THEN {a}person_id END) "
    "+ coalesce(sum(CASE WHEN {a}person_id IS NULL THEN coalesce({a}group_size, 1) END), 0))"
)


def _python_dates(df: pd.DataFrame) -> pd.DataFrame:
    """DuckDB DATE columns arrive as datetime64: give pages plain ``date`` objects (None if null)."""
    for c in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[c]):
            df[c] = pd.Series(df[c].dt.date, index=df.index, dtype=object).where(df[c].notna(), None)
    return df


@dataclass(frozen=True)
class Coverage:
    start: date
    end: date
    intervals: tuple[tuple[date, date], ...]  # each source's monitored period

    def monitored(self, month: date) -> bool:
        m_end = month_end(month)
        return any(s <= m_end and e >= month for s, e in self.intervals)


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
                self._con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path.as_posix()}')")
        self.available = {n for n in OPTIONAL_TABLES if (self.root / f"{n}.parquet").exists()}

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

    # -- coverage and options ---------------------------------------------------------
    def coverage(self) -> Coverage:
        rows = self.rows(
            "SELECT coverage_start, coverage_end FROM sources "
            "WHERE coverage_start IS NOT NULL AND coverage_end IS NOT NULL ORDER BY 1, 2"
        )
        if not rows:  # no source states its coverage: fall back to the incidents' span
            lo, hi = self.rows("SELECT min(date), max(date) FROM incidents")[0]
            lo, hi = lo or date.today(), hi or date.today()
            rows = [(lo, hi)]
        return Coverage(min(r[0] for r in rows), max(r[1] for r in rows), tuple(rows))

    def default_filters(self, lang: str = "en") -> Filters:
        """The latest calendar year that sources cover (the period most users ask about)."""
        cov = self.coverage()
        year = cov.end.year
        start = max(date(year, 1, 1), cov.start)
        return Filters(start=start, end=cov.end, lang=lang)

    def data_span(self) -> tuple[date, date]:
        lo, hi = self.rows("SELECT min(date), max(date) FROM incidents")[0]
        cov = self.coverage()
        return min(lo or cov.start, cov.start), max(hi or cov.end, cov.end)

    def options(self, column: str) -> list[str]:
        if column not in ("outlet", "location", "victim_role", "perpetrator", "category"):
            raise ValueError(column)
        return [
            r[0] for r in self.rows(f"SELECT DISTINCT {column} FROM incidents WHERE {column} IS NOT NULL ORDER BY 1")
        ]

    def subcategory_options(self) -> list[str]:
        return [r[0] for r in self.rows("SELECT DISTINCT category || '.' || subcategory FROM incidents ORDER BY 1")]

    # -- incident lists ---------------------------------------------------------------
    def incidents(self, f: Filters, extra_where: str = "", extra_params: list | None = None) -> pd.DataFrame:
        """The filtered incidents, newest first, with their sources' titles."""
        where, params = f.where("i")
        if extra_where:
            where += f" AND ({extra_where})"
            params += extra_params or []
        return self.df(
            f"""
            SELECT i.*, (SELECT list(s.title ORDER BY k) FROM
                  (SELECT unnest(i.source_ids) AS sid, generate_subscripts(i.source_ids, 1) AS k) u
                  JOIN sources s ON s.source_id = u.sid) AS source_titles
            FROM incidents i WHERE {where}
            ORDER BY i.date DESC, i.incident_id
            """,
            params,
        )

    def year_only_apart(self, f: Filters) -> int:
        where, params = f.where_year_only_apart("i")
        return int(self.rows(f"SELECT count(*) FROM incidents i WHERE {where}", params)[0][0])

    # -- by month ---------------------------------------------------------------------
    def monthly(self, f: Filters, by: str = "category", categories: tuple[str, ...] | None = None) -> pd.DataFrame:
        """Tidy counts per month and ``by`` value, every month of the period (zeros included).

        Columns: month (date), key, n, monitored (bool). Year-precision incidents are left
        out (they are shown apart); month-precision ones count in their month.
        """
        if by not in ("category", "subcategory", "victim_role", "perpetrator"):
            raise ValueError(by)
        ff = f.with_(categories=categories) if categories is not None else f
        where, params = ff.where("i")
        measure = "count(*)" if f.count == "incidents" else PEOPLE_SQL.format(a="i.")
        counts = self.df(
            f"""
            SELECT date_trunc('month', i.date)::DATE AS month, i.{by} AS key, {measure} AS n
            FROM incidents i WHERE {where} AND i.date_precision <> 'year'
            GROUP BY ALL
            """,
            params,
        )
        return self._month_grid(ff, counts)

    def _month_grid(self, f: Filters, counts: pd.DataFrame) -> pd.DataFrame:
        cov = self.coverage()
        months = [add_months(f.start, k) for k in range(f.months)]
        keys = sorted(counts["key"].dropna().unique()) if len(counts) else []
        if f.categories and "key" in counts and set(keys) <= set(f.categories):
            keys = list(f.categories)
        grid = pd.DataFrame([(m, k) for m in months for k in keys], columns=["month", "key"])
        if len(counts):
            grid = grid.merge(counts, on=["month", "key"], how="left")
        else:
            grid["n"] = 0
        grid["n"] = grid["n"].fillna(0).astype("int64")
        grid["monitored"] = [cov.monitored(m) for m in grid["month"]]
        if not keys:  # keep the months even when nothing matched
            grid = pd.DataFrame({"month": months, "key": None, "n": 0})
            grid["monitored"] = [cov.monitored(m) for m in months]
        return grid

    # -- KPIs -------------------------------------------------------------------------
    def kpis(self, f: Filters) -> dict:
        """All overview numbers for a filter state in one scan of the incidents, plus deltas."""
        current = self._kpis_one(f)
        prev_f = f.previous()
        cov = self.coverage()
        covered = cov.monitored(prev_f.start) and cov.monitored(month_end(prev_f.end))
        current["previous"] = self._kpis_one(prev_f) if covered else None
        current["year_only_apart"] = self.year_only_apart(f)
        return current

    def _kpis_one(self, f: Filters) -> dict:
        where, params = f.where("i")
        people = PEOPLE_SQL.format(a="i.")
        conv, cust, acq = _in(CONVICTION_OUTCOMES), _in(CUSTODIAL_OUTCOMES), _in(ACQUITTAL_OUTCOMES)
        row = self.rows(
            f"""
            WITH sel AS (SELECT * FROM incidents i WHERE {where}),
            court AS (
              SELECT sel.incident_id, sel.date, coalesce(sel.case_id, sel.person_id, sel.incident_id) AS case_key,
                     c.outcome, c.sentence_months
              FROM sel JOIN court_outcomes c USING (incident_id)
            ),
            court_all AS (
              SELECT i.incident_id, i.date, coalesce(i.case_id, i.person_id, i.incident_id) AS case_key,
                     c.outcome, c.sentence_months
              FROM incidents i JOIN court_outcomes c USING (incident_id)
            ),
            effective AS (  -- a conviction stands unless a later acquittal or sentence replaces it
              SELECT c.* FROM court c
              WHERE (c.outcome IN {conv} OR c.outcome = 'sentence_reduced')
                AND NOT EXISTS (SELECT 1 FROM court_all l WHERE l.case_key = c.case_key AND l.date > c.date
                                AND (l.outcome IN {acq} OR l.outcome = 'sentence_reduced'
                                     OR (l.outcome IN {conv} AND l.sentence_months IS NOT NULL)))
            )
            SELECT
              (SELECT count(*) FROM sel) AS incidents,
              (SELECT {people} FROM sel i) AS people,
              (SELECT count(*) FILTER (WHERE category = 'physical_assault') FROM sel) AS assaults,
              (SELECT count(*) FILTER (WHERE category = 'detention') FROM sel) AS detentions,
              (SELECT count(*) FILTER (WHERE category = 'website_blocking') FROM sel) AS blocking_incidents,
              (SELECT count(*) FILTER (WHERE category = 'court_outcome') FROM sel) AS court_outcomes,
              (SELECT count(*) FROM effective WHERE outcome IN {conv}) AS convictions,
              (SELECT count(*) FROM court WHERE outcome IN {acq}) AS acquittals,
              (SELECT coalesce(sum(sentence_months), 0) FROM effective
                 WHERE outcome IN {cust} OR outcome = 'sentence_reduced') AS prison_months
            """,
            params,
        )[0]
        keys = (
            "incidents",
            "people",
            "assaults",
            "detentions",
            "blocking_incidents",
            "court_outcomes",
            "convictions",
            "acquittals",
            "prison_months",
        )
        out = {k: (int(v) if v is not None else 0) for k, v in zip(keys, row, strict=True)}
        out["websites_blocked"] = self.blocked_at(f, f.end)
        out["start"], out["end"] = f.start, f.end
        return out

    # -- blockings --------------------------------------------------------------------
    def blocked_at(self, f: Filters, when: date) -> int:
        """Domains/platforms blocked at ``when`` (never assumed past ``status_as_of``)."""
        where, params = f.where("i", period=False)
        return int(
            self.rows(
                f"""
                SELECT count(DISTINCT lower(b.domain)) FROM incidents i JOIN blockings b USING (incident_id)
                WHERE {where} AND b.blocking_type <> 'cyberattack'
                  AND coalesce(b.blocked_from, i.date) <= ?
                  AND (b.blocked_until >= ? OR (b.blocked_until IS NULL AND b.status_as_of >= ?))
                """,
                params + [when, when, when],
            )[0][0]
        )

    def active_blocks_by_month(self, f: Filters) -> pd.DataFrame:
        """Per month of the period: how many domains were blocked at some point in the month."""
        where, params = f.where("i", period=False)
        return self.df(
            f"""
            WITH months AS (SELECT unnest(generate_series(?::DATE, ?::DATE, INTERVAL 1 MONTH))::DATE AS month),
            b AS (SELECT lower(b.domain) AS domain, coalesce(b.blocked_from, i.date) AS s,
                         coalesce(b.blocked_until, b.status_as_of) AS e
                  FROM incidents i JOIN blockings b USING (incident_id)
                  WHERE {where} AND b.blocking_type <> 'cyberattack')
            SELECT m.month, count(DISTINCT b.domain) AS n
            FROM months m LEFT JOIN b ON b.s <= last_day(m.month) AND b.e >= m.month
            GROUP BY m.month ORDER BY m.month
            """,
            [f.start, f.start if f.months == 1 else add_months(f.start, f.months - 1)] + params,
        )

    # -- context ----------------------------------------------------------------------
    def events(self, f: Filters) -> pd.DataFrame:
        """Context periods overlapping the period (for chart annotations)."""
        return self.df(
            'SELECT * FROM events WHERE start <= ? AND coalesce("end", start) >= ? ORDER BY start',
            [f.end, f.start],
        )

    def sources(self) -> pd.DataFrame:
        return self.df("SELECT * FROM sources ORDER BY source_id")

    def published_vs_documented(self, f: Filters) -> pd.DataFrame:
        """Each published figure inside the period beside the itemised count for the same kind.

        The itemised count uses the figure's own period and kind (and subcategory when given),
        and the current non-period filters, so the two numbers measure the same thing.
        """
        figures = self.df(
            """
            SELECT p.*, s.title AS source_title, s.publisher AS source_publisher
            FROM published_figures p JOIN sources s USING (source_id)
            WHERE p.period_start >= ? AND p.period_end <= ? ORDER BY p.category NULLS LAST, p.figure_id
            """,
            [f.start, f.end],
        )
        documented = []
        for r in figures.itertuples():
            if not isinstance(r.category, str):
                documented.append(None)
                continue
            ff = f.with_(
                start=r.period_start,
                end=r.period_end,
                categories=(r.category,),
                subcategories=(f"{r.category}.{r.subcategory}",) if isinstance(r.subcategory, str) else (),
            )
            where, params = ff.where("i")
            measure = "count(*)" if r.unit == "incidents" or f.count == "incidents" else PEOPLE_SQL.format(a="i.")
            documented.append(int(self.rows(f"SELECT {measure} FROM incidents i WHERE {where}", params)[0][0]))
        figures["documented"] = pd.array(documented, dtype="Int64")
        return figures

    def top(self, f: Filters, column: str, limit: int = 10) -> pd.DataFrame:
        """Most frequent values of ``column`` (outlet, victim, perpetrator…) in the selection."""
        if column not in ("outlet", "victim", "perpetrator", "location", "victim_role", "subcategory"):
            raise ValueError(column)
        where, params = f.where("i")
        measure = "count(*)" if f.count == "incidents" else PEOPLE_SQL.format(a="i.")
        return self.df(
            f"SELECT i.{column} AS key, {measure} AS n FROM incidents i WHERE {where} AND i.{column} IS NOT NULL "
            f"AND i.{column} <> '[withheld]' GROUP BY ALL ORDER BY n DESC, key LIMIT {int(limit)}",
            params,
        )
