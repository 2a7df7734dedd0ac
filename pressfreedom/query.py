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
import numpy as np
import pandas as pd

from pressfreedom.filters import Filters, add_months, month_end, precise_end, sql_date
from pressfreedom.paths import processed_dir
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
# Units of published figures that count people: compared with the people affected itemised here.
# "people" is people affected (victims); "persons" a plain headcount (e.g. rally participants, FIG-0034).
PEOPLE_UNITS: frozenset[str] = frozenset({"people", "persons"})


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


class Query:
    """Read-only access to one published build. Thread-safe: one cursor per call."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root or processed_dir()).resolve()
        if not (self.root / "incidents.parquet").exists():
            raise FileNotFoundError(f"no compiled data in {self.root}: run `python -m etl` first")
        self.manifest = json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))
        self._con = duckdb.connect()
        self._lock = threading.Lock()
        # per-build derived tables that the overview scans, compressed (see _ensure_overview_rows)
        self._con.execute("ATTACH ':memory:' AS ov (COMPRESS)")
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
        self._coverage_rows: tuple[tuple[date, date], ...] | None = None
        self._verdicts_ready = False
        self._overview_rows_ready = False
        self._build_locks = {name: threading.Lock() for name in ("rows", "verdicts", "blocks", "figures")}
        self._compressing: threading.Thread | None = None
        self._persons = 0
        self._court_persons = 0
        self._domains = 0
        self._blocks_ready = False
        self._figures: pd.DataFrame | None = None
        self._events: pd.DataFrame | None = None

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

    def _fetchnumpy(self, sql: str, params: list | None = None) -> dict:
        with self._lock:
            cur = self._con.cursor()
        try:
            return cur.execute(sql, params or []).fetchnumpy()
        finally:
            cur.close()

    def _build(self, statements: list[str], result: str | None = None) -> object:
        """Run per-build statements on a cursor of their own (builds may run side by side); returns
        the first value of ``result`` when given."""
        with self._lock:
            cur = self._con.cursor()
        try:
            for sql in statements:
                cur.execute(sql)
            return cur.execute(result).fetchall()[0][0] if result else None
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

    def _source_coverage(self) -> tuple[tuple[date, date], ...]:
        """Each source's stated monitored period (sources without one are left out), read once."""
        if self._coverage_rows is None:
            self._coverage_rows = tuple(
                (s, e)
                for s, e in self.rows(
                    "SELECT coverage_start, coverage_end FROM sources "
                    "WHERE coverage_start IS NOT NULL AND coverage_end IS NOT NULL ORDER BY 1, 2"
                )
            )
        return self._coverage_rows

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
        rows = [(s, e) for s, e in self._source_coverage() if s <= f.end and e >= prev.start]
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

    def _month_grid(self, f: Filters, counts: pd.DataFrame | dict, by: str = "category") -> pd.DataFrame:
        """Every (month, key) of the period in month order, with its count (0 when none).

        ``counts``: a frame (month, key, n) of distinct (month, key) rows, or a dict (month, key) → n.
        Keys are the keys counted, sorted (or the selected kinds, when the counts are by kind).
        """
        if isinstance(counts, pd.DataFrame):
            counts = {
                (m, k): n for m, k, n in zip(counts["month"], counts["key"], counts["n"], strict=True) if not pd.isna(k)
            }
        cov = self.coverage()
        months = [add_months(f.start, k) for k in range(f.months)]
        monitored = [cov.monitored(m) for m in months]
        keys = sorted({k for _, k in counts})
        if by == "category" and f.categories and set(keys) <= set(f.categories):
            keys = list(f.categories)
        if not keys:  # keep the months even when nothing matched
            grid = pd.DataFrame({"month": months, "key": None, "n": 0})
            grid["monitored"] = monitored
            return grid
        return pd.DataFrame(
            {
                "month": [m for m in months for _ in keys],
                "key": pd.array([k for _ in months for k in keys], dtype="str"),
                "n": np.array([counts.get((m, k), 0) for m in months for k in keys], dtype="int64"),
                "monitored": np.repeat(np.array(monitored, dtype=bool), len(keys)),
            }
        )

    # -- KPIs and the overview: one scan of the incidents per filter state -------------------
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
    # each KPI: the group of incidents it counts (see _kpi_selects) and what of it: 0 incidents, 1 people
    KPI_FROM = {
        "incidents": ("incidents", 0),
        "people": ("incidents", 1),
        "assaults": ("assaults", 0),
        "assaults_people": ("assaults", 1),
        "detentions": ("detentions", 0),
        "detentions_people": ("detentions", 1),
        "blocking_incidents": ("blocking_incidents", 0),
        "cyberattacks": ("cyberattacks", 0),
        "court_outcomes": ("court_outcomes", 0),
        "year_only_in_period": ("year_only", 0),
        "year_only_in_period_people": ("year_only", 1),
        "dated_people": ("dated", 1),
    }
    SCAN_PARTS = frozenset({"kpis", "monthly", "top_outlets", "sources"})

    def kpis(self, f: Filters) -> dict:
        """All overview numbers for a filter state, and for the previous period when comparable.

        One statement: one scan of the incidents for both periods and the year-only apart, plus
        the per-build tables of case verdicts and block episodes. ``previous`` is None when the
        sources do not monitor both periods alike (see ``comparable``).
        """
        return self._scan(f, frozenset({"kpis"}))["kpis"]

    def _scan(self, f: Filters, parts: frozenset[str]) -> dict:
        """The incident-facing numbers of the overview for one filter state, from one statement.

        ``parts``: any of ``SCAN_PARTS``. The result is one long table (part, p, month, key, title,
        publisher, v, w, x, r) of a few hundred rows at most, split here into what ``kpis``,
        ``monthly(f, "category")``, ``top_outlets`` and ``source_counts`` return.
        """
        self._prepare()
        comparable = self.comparable(f) if "kpis" in parts else False
        sql, params = self._scan_sql(f, comparable, parts)
        by_part: dict[str, list[tuple]] = {}
        for row in self.rows(sql, params):
            by_part.setdefault(row[0], []).append(row)
        out: dict = {}
        if "kpis" in parts:
            kpi_rows = [r for part in ("kpis", "court", "blocks") for r in by_part.get(part, [])]
            out["kpis"] = self._kpis_from(f, comparable, kpi_rows)
        if "monthly" in parts:
            out["monthly"] = self._month_grid(f, {(r[2], r[3]): int(r[6]) for r in by_part.get("monthly", [])})
        if "top_outlets" in parts:
            o = sorted(by_part.get("top_outlets", []), key=lambda r: r[9])
            # people are summed as HUGEINT in SQL, which pandas receives as float64 (as top_outlets does)
            n = np.array([r[6] for r in o], dtype="int64" if f.count == "incidents" else "float64")
            out["top_outlets"] = _result_frame({"key": [r[3] for r in o], "n": n}, text=("key",))
        if "sources" in parts:
            s = sorted(by_part.get("sources", []), key=lambda r: r[9])
            out["sources"] = _result_frame(
                {
                    "source_id": [r[3] for r in s],
                    "title": [r[4] for r in s],
                    "publisher": [r[5] for r in s],
                    "n": np.array([r[6] for r in s], dtype="int64"),
                },
                text=("source_id", "title", "publisher"),
            )
        return out

    def _prepare(self, figures: bool = False) -> None:
        """Build the per-build tables that ``_scan`` (and, with ``figures``, the overview) reads, once
        per build: the case verdicts and the block episodes side by side with the projection."""
        if self._overview_rows_ready and self._verdicts_ready and self._blocks_ready:
            if not figures or self._figures is not None:
                return
        errors: list[BaseException] = []

        def run(build) -> None:
            try:
                build()
            except BaseException as e:  # noqa: BLE001 - raised again below, in the caller's thread
                errors.append(e)

        side = [threading.Thread(target=run, args=(b,)) for b in (self._ensure_verdicts, self._ensure_blocks)]
        for t in side:
            t.start()
        try:
            self._ensure_overview_rows()
            if figures:
                self._all_figures()
        finally:
            for t in side:
                t.join()
        if errors:
            raise errors[0]
        with self._lock:  # then compress the projection (~10x less memory), queries reading it meanwhile
            if self._compressing is None:
                self._compressing = threading.Thread(target=self._compress, name="pfd-compress-ov")
                self._compressing.start()

    def _kpis_from(self, f: Filters, comparable: bool, rows: list[tuple]) -> dict:
        """The KPI dicts from the (part, p, _, key, _, _, v, w, x, _) rows of ``_kpi_selects``."""
        got: dict[tuple[str, int, str], tuple] = {(r[0], int(r[1]), r[3]): r[6:9] for r in rows}
        prev_f = f.previous()

        def val(part: str, p: int, key: str, k: int = 0) -> float:
            r = got.get((part, p, key))
            return _num(r[k]) if r else 0

        def one(p: int, ff: Filters) -> dict:
            out = {key: int(val("kpis", p, subset, k)) for key, (subset, k) in self.KPI_FROM.items()}
            out["convictions"] = int(val("court", p, "convictions"))
            out["convictions_people"] = int(val("court", p, "convictions", 1))
            out["overturned"] = int(val("court", p, "overturned"))
            out["acquittals"] = int(val("court", p, "acquittals"))
            out["prison_months"] = float(val("court", p, "custodial", 2))
            out["prison_unknown"] = int(val("court", p, "prison_unknown"))
            out["prison_years"] = out["prison_months"] / 12
            out["websites_blocked"] = int(val("blocks", p, "websites_blocked"))
            out["start"], out["end"] = ff.start, ff.end
            return out

        current = one(0, f)
        current["previous"] = one(1, prev_f) if comparable else None
        current["comparable"] = comparable
        current["year_only_apart"] = int(val("kpis", 2, "incidents"))
        return current

    def _scan_sql(self, f: Filters, comparable: bool, parts: frozenset[str]) -> tuple[str, list]:
        """SQL and parameters for ``_scan``: one statement (a UNION ALL of aggregates), one long result.

        Each part aggregates the per-build projection ``ov.overview_rows`` in one pass, reading only
        the row groups of its dates (the projection is stored in date order): the incident KPIs of
        the period, the previous period and the year-only incidents apart in one grouped pass (``p``:
        0, 1, 2), the counts by month and kind, the outlets and the sources cited; the court and
        block KPIs come from the per-build tables ``court_marks`` and ``block_marks``. People are
        the named persons (distinct ``person`` numbers) plus the unnamed people. (GROUPING SETS
        over one read were tried: DuckDB copies the read for them and keeps a DISTINCT table per
        set, about twice the cost of these separate passes over the sorted projection.)
        """
        table = self._ensure_overview_rows()
        prev_f = f.previous()
        sel, sel_params = f.where_selection("i")
        cur = self._period_sql(f)
        people = f.count == "people"
        measure = "count(DISTINCT person) + coalesce(sum(unnamed), 0)" if people else "count(*)"
        selects: list[str] = []
        params: list = []
        if "kpis" in parts:
            for select in self._kpi_selects(f, prev_f, comparable, sel):
                selects.append(
                    "SELECT part, p, NULL::DATE AS month, key, NULL AS title, NULL AS publisher, "
                    f"v::DOUBLE AS v, w::DOUBLE AS w, x::DOUBLE AS x, NULL::BIGINT AS r FROM ({select})"
                )
                params += sel_params
        if "monthly" in parts:  # year-only incidents are shown apart, never in January
            selects.append(
                f"""SELECT 'monthly', 0, i.month, i.category, NULL, NULL, ({measure})::DOUBLE, NULL, NULL, NULL
                FROM {table} i WHERE {cur} AND NOT i.year_only AND {sel} GROUP BY i.month, i.category"""
            )
            params += sel_params
        if "top_outlets" in parts:
            selects.append(
                f"""SELECT 'top_outlets', 0, NULL, okey, NULL, NULL, v, NULL, NULL, r FROM (
                  SELECT i.okey, ({measure})::DOUBLE AS v, row_number() OVER (ORDER BY ({measure}) DESC, i.okey) AS r
                  FROM {table} i WHERE {cur} AND i.okey IS NOT NULL AND {sel} GROUP BY i.okey
                ) WHERE r <= 10"""
            )
            params += sel_params
        if "sources" in parts:
            selects.append(
                f"""SELECT 'sources', 0, NULL, so.source_id, so.title, so.publisher, c.v::DOUBLE, NULL, NULL,
                  row_number() OVER (ORDER BY c.v DESC, so.title, so.source_id)
                FROM (
                  SELECT sid, count(*) AS v FROM (SELECT unnest(i.source_ids) AS sid FROM {table} i WHERE {cur} AND {sel})
                  GROUP BY sid
                ) c JOIN sources so ON so.source_id = c.sid"""
            )
            params += sel_params
        return "\nUNION ALL\n".join(selects), params

    @staticmethod
    def _period_sql(f: Filters, alias: str = "i") -> str:
        """``Filters.period_sql`` over ``overview_rows``, whose ``date_end`` is ``precise_end`` precomputed.

        The leading plain range lets the scan skip every row group outside the period.
        """
        s, e = sql_date(f.start), sql_date(f.end)
        return f"({alias}.date BETWEEN {s} AND {e} AND {alias}.date_end <= {e})"

    def _ensure_overview_rows(self) -> str:
        """The incidents' columns that the overview counts, once per build, sorted by date.

        A projection of ``incidents.parquet`` in a compressed in-memory database (``ov``): the
        incident id and the filter columns as they are; the date with its precise end
        (``date_end``: the last day the date can mean, ``pressfreedom.filters.precise_end``), its month and
        whether it is known only to the year; the person as a number (``person``: one number per person id, 1…n); the unnamed
        people of the row (``unnamed``: the group size, 1 when none is given, 0 when a person is
        named); whether it is a cyberattack; the outlet it targets (``okey``: the outlet, else the
        victim when the victim is an outlet; never the withheld marker); and its sources. Stored in
        date and id order (``rowid`` is the incident's place in that order), so that a period reads
        only its own row groups. Returns the table's name.
        """
        name = "ov.overview_rows"
        if self._overview_rows_ready:
            return name
        rows = f"""
            CREATE OR REPLACE TABLE {name} AS
            WITH persons AS (
              SELECT person_id, (row_number() OVER ())::INTEGER AS person
              FROM (SELECT DISTINCT person_id FROM incidents WHERE person_id IS NOT NULL)
            )
            SELECT i.incident_id, i.date, {precise_end("i.")} AS date_end, date_trunc('month', i.date)::DATE AS month,
              i.date_precision, i.date_precision = 'year' AS year_only,
              i.category, i.subcategory, i.victim_role, i.outlet, i.location, i.perpetrator, c.person,
              CASE WHEN i.person_id IS NULL THEN coalesce(i.group_size, 1) ELSE 0 END AS unnamed,
              coalesce(i.category = 'website_blocking' AND i.subcategory IN {_in(NOT_A_BLOCK)}, FALSE) AS cyber,
              nullif(coalesce(i.outlet, CASE WHEN i.victim_role IN {_in(OUTLET_ROLES)} THEN i.victim END),
                     '{WITHHELD}') AS okey,
              i.source_ids
            FROM incidents i LEFT JOIN persons c ON c.person_id = i.person_id
            ORDER BY i.date, i.incident_id
        """
        with self._build_locks["rows"]:
            if not self._overview_rows_ready:
                self._persons = int(
                    _num(
                        self._build(
                            ["SET preserve_insertion_order = true", rows],  # rows stored in ORDER BY order
                            f"SELECT max(person) FROM {name}",
                        )
                    )
                )
                self._overview_rows_ready = True
        return name

    def _compress(self) -> None:
        """Checkpoint the ``ov`` database, which compresses its tables in memory (best effort: the
        tables read the same either way, only their memory differs). Runs in a thread of its own
        once the first call's tables are built, so that the first call does not wait for it."""
        with self._lock:
            cur = self._con.cursor()
        try:
            cur.execute("CHECKPOINT ov")
        except duckdb.Error:
            pass  # left uncompressed: same results, more memory
        finally:
            cur.close()

    def _kpi_selects(self, f: Filters, prev_f: Filters, comparable: bool, sel: str) -> list[str]:
        """The KPI part of ``_scan_sql``: SELECTs of rows (part, p, key, v, w, x), each with ``sel`` once.

        (Plain subqueries, not CTEs: DuckDB plans them faster, and planning is much of the cost.)

        Incidents: one grouped pass over the rows of the period (p 0), the previous period when
        comparable (1) and the year-only incidents apart (2) gives incidents, unnamed people and a
        bitmap of the named persons per kind and precision; each group then counts in every KPI it
        belongs to (key), where v = incidents and w = people (the bitmaps OR-ed: each person once).
        Court: each mark of ``court_marks`` counts in the KPIs listed with it (v = cases, w = people,
        x = months). Blocks: domains blocked at the end of each period (v).
        """
        table = self._ensure_overview_rows()
        self._ensure_verdicts()
        self._ensure_blocks()
        cur_c, prev_c = self._period_sql(f), self._period_sql(prev_f)
        s, e = sql_date(f.start), sql_date(f.end)
        # Filters.year_only_apart_sql: known only to a year that overlaps the period but is not inside it
        apart_c = f"(i.year_only AND i.date <= {e} AND i.date_end >= {s} AND NOT (i.date >= {s} AND i.date_end <= {e}))"
        periods = f"{cur_c} OR {apart_c}" + (f" OR {prev_c}" if comparable else "")
        label = f"CASE WHEN {cur_c} THEN 0 WHEN {apart_c} THEN 2 ELSE 1 END"
        lo = min(prev_f.start if comparable else f.start, date(f.start.year, 1, 1))
        groups = ", ".join(
            f"CASE WHEN {cond} THEN '{key}' END"
            for key, cond in (
                ("assaults", "category = 'physical_assault'"),
                ("detentions", "category = 'detention'"),
                ("blocking_incidents", "category = 'website_blocking' AND NOT cyber"),
                ("cyberattacks", "cyber"),
                ("court_outcomes", "category = 'court_outcome'"),
                ("year_only", "year_only"),
                ("dated", "NOT year_only"),
            )
        )
        # blocked at the end of each period: distinct domains (numbered per build) as bitmaps
        at = {0: f.end} | ({1: prev_f.end} if comparable else {})
        at_c = {p: f"(start_certain <= {sql_date(w)} AND end_confirmed >= {sql_date(w)})" for p, w in at.items()}
        kg = f"""
            SELECT {label} AS p, i.category, i.cyber, i.year_only, count(*) AS n, sum(i.unnamed) AS u,
              bitstring_agg(i.person, 1, {max(self._persons, 1)}) AS named
            FROM {table} i WHERE i.date BETWEEN {sql_date(lo)} AND {e} AND ({periods}) AND {sel}
            GROUP BY ALL
        """
        incidents = f"""
            SELECT 'kpis' AS part, p, key, sum(n) AS v,
              coalesce(bit_count(bit_or(named)), 0) + coalesce(sum(u), 0) AS w, NULL AS x
            FROM (SELECT p, unnest(['incidents', {groups}]) AS key, n, u, named FROM ({kg}))
            WHERE key IS NOT NULL GROUP BY p, key
        """
        court = f"""
            SELECT 'court' AS part, p, key, count(*) AS v,
              coalesce(bit_count(bitstring_agg(person, 1, {max(self._court_persons, 1)})), 0)
                + count(*) FILTER (WHERE person IS NULL) AS w,
              sum(verdict_months) AS x
            FROM (
              SELECT CASE WHEN {cur_c} THEN 0 ELSE 1 END AS p, unnest(i.kpis) AS key, i.person, i.verdict_months
              FROM court_marks i
              WHERE i.date BETWEEN {sql_date(prev_f.start if comparable else f.start)} AND {e}
                AND ({cur_c} OR {prev_c if comparable else "FALSE"}) AND {sel}
            ) GROUP BY p, key
        """
        domains = max(self._domains, 1)
        blocks = f"""
            SELECT 'blocks' AS part, unnest({list(at)}) AS p, 'websites_blocked' AS key,
              unnest([{", ".join(f"coalesce(bit_count(bitstring_agg(domain, 1, {domains}) FILTER (WHERE {c})), 0)" for c in at_c.values())}]) AS v,
              NULL AS w, NULL AS x
            FROM block_marks i WHERE ({" OR ".join(at_c.values())}) AND domain IS NOT NULL AND {sel}
        """
        return [incidents, court, blocks]

    # -- court: cases and verdicts ------------------------------------------------------
    def _ensure_verdicts(self) -> None:
        """Court decisions grouped into cases, one row per case with its verdict, and the marks the
        KPIs count.

        Independent of the filters, so built once per build (tables ``case_decisions``,
        ``case_verdicts`` and ``court_marks`` in this connection's in-memory database). Only the
        court-outcome incidents are read (``court_incidents``), once.

        ``court_marks`` holds one row per case with a conviction (``kind = 'conv'``, dated and
        filtered as its first conviction) and one per case whose verdict is an acquittal
        (``kind = 'acq'``, dated and filtered as that verdict), with the incident's filter columns:
        the court KPIs of any filter state are then one small scan.
        """
        if self._verdicts_ready:
            return
        key = "strftime(date, '%Y-%m-%d') || incident_id"
        conv, acq, rep = _in(CONVICTION_OUTCOMES), _in(ACQUITTAL_OUTCOMES), _in(REPLACING_OUTCOMES)
        court_incidents = """
            CREATE OR REPLACE TABLE court_incidents AS
            SELECT i.incident_id, i.category, i.subcategory, i.date, i.date_precision, i.victim, i.person_id,
              i.victim_role, i.outlet, i.location, i.perpetrator, i.case_id,
              c.outcome, c.sentence_months, c.appeal_of
            FROM incidents i JOIN court_outcomes c ON c.incident_id = i.incident_id
            WHERE i.category = 'court_outcome'
        """
        decisions = f"""
            CREATE OR REPLACE TABLE case_decisions AS
            WITH RECURSIVE chain(incident_id, root) AS (
              SELECT c.incident_id, c.incident_id FROM court_incidents c
              WHERE c.appeal_of IS NULL OR c.appeal_of NOT IN (SELECT incident_id FROM court_incidents)
              UNION ALL
              SELECT c.incident_id, chain.root FROM court_incidents c JOIN chain ON c.appeal_of = chain.incident_id
            )
            SELECT i.incident_id, i.date, i.person_id, i.victim, i.outcome, i.sentence_months,
              coalesce('case:' || i.case_id, 'case:' || ri.case_id, 'chain:' || ch.root,
                       'chain:' || i.incident_id) AS case_key,
              i.outcome IN {conv} AS is_conviction,
              i.outcome IN {conv} OR i.outcome IN {acq} OR i.outcome IN {rep} AS is_decisive
            FROM court_incidents i
            LEFT JOIN (SELECT incident_id, min(root) AS root FROM chain GROUP BY ALL) ch
              ON ch.incident_id = i.incident_id
            LEFT JOIN court_incidents ri ON ri.incident_id = ch.root
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
        filters = (
            f"i.category, i.subcategory, i.date, {precise_end('i.')} AS date_end, i.victim_role, i.outlet, "
            "i.location, i.perpetrator"
        )
        marks = f"""
            CREATE OR REPLACE TABLE court_marks AS
            WITH m AS (
              SELECT 'conv' AS kind, {filters}, v.standing, v.overturned, v.custodial, v.verdict_months,
                v.person_id
              FROM case_verdicts v JOIN court_incidents i ON i.incident_id = v.first_conviction_id
              UNION ALL
              SELECT 'acq', {filters}, v.standing, v.overturned, v.custodial, v.verdict_months, v.person_id
              FROM case_verdicts v JOIN court_incidents i ON i.incident_id = v.verdict_id
              WHERE v.verdict IN {acq}
            )
            SELECT m.* EXCLUDE (person_id),
              CASE WHEN m.person_id IS NOT NULL THEN dense_rank() OVER (ORDER BY m.person_id) END::INTEGER AS person,
              list_filter([
                CASE WHEN m.kind = 'conv' AND m.standing THEN 'convictions' END,
                CASE WHEN m.kind = 'conv' AND m.overturned THEN 'overturned' END,
                CASE WHEN m.kind = 'conv' AND m.custodial THEN 'custodial' END,
                CASE WHEN m.kind = 'conv' AND m.custodial AND m.verdict_months IS NULL THEN 'prison_unknown' END,
                CASE WHEN m.kind = 'acq' THEN 'acquittals' END
              ], lambda k: k IS NOT NULL) AS kpis
            FROM m ORDER BY m.date
        """
        with self._build_locks["verdicts"]:
            if not self._verdicts_ready:
                self._court_persons = int(
                    _num(
                        self._build(
                            [court_incidents, decisions, verdicts, marks, "DROP TABLE court_incidents"],
                            "SELECT max(person) FROM court_marks",
                        )
                    )
                )
                self._verdicts_ready = True

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
        marks = """
            CREATE OR REPLACE TABLE block_marks AS
            SELECT start_certain, end_confirmed, category, subcategory, victim_role, outlet, location, perpetrator,
              CASE WHEN domain_key IS NOT NULL THEN dense_rank() OVER (ORDER BY domain_key) END::INTEGER AS domain
            FROM block_episodes ORDER BY end_confirmed
        """
        with self._build_locks["blocks"]:
            if not self._blocks_ready:
                self._domains = int(_num(self._build([sql, marks], "SELECT max(domain) FROM block_marks")))
                self._blocks_ready = True

    def _blocks_sql(self, where: str) -> str:
        """Block episodes of incidents meeting ``where`` (non-period filters, alias ``i``)."""
        self._ensure_blocks()
        return f"SELECT * FROM block_episodes i WHERE {where}"

    def blocked_at(self, f: Filters, when: date) -> int:
        """Domains/platforms blocked at ``when`` (never assumed past ``status_as_of``)."""
        return self._blocked_at_many(f, [when])[when]

    def blocked_at_end(self, f: Filters) -> list[str]:
        """The incidents behind the "websites blocked" figure: the block episodes holding at the
        period's end by the rule ``blocked_at`` counts with, in the timeline's order."""
        sel, params = f.where_selection("i")
        e = sql_date(f.end)
        rows = self.rows(
            f"""SELECT x.incident_id FROM ({self._blocks_sql(sel)}) x
            WHERE x.start_certain <= {e} AND x.end_confirmed >= {e} AND x.domain_key IS NOT NULL
            ORDER BY x.start_possible, x.domain_key, x.incident_id""",
            params,
        )
        return [r[0] for r in rows]

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
            ORDER BY x.start_possible, x.domain_key, x.incident_id
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
        """Context periods overlapping the period (for chart annotations), by start.

        A period overlaps when it starts by the period's end and ends (or, with no end, starts) on
        or after its start. The events table is small: read once per build, picked here.
        """
        if self._events is None:
            self._events = self.df("SELECT * FROM events ORDER BY start, event_id")
        ev = self._events
        keep = [
            s is not None and s <= f.end and (e if e is not None else s) >= f.start
            for s, e in zip(ev["start"], ev["end"], strict=True)
        ]
        out = ev[keep].reset_index(drop=True)
        if out.empty:  # as DuckDB gives an empty result
            out = out.astype({c: object for c in out.columns if pd.api.types.is_string_dtype(out[c].dtype)})
        return out

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
            ORDER BY n.n DESC, s.title, s.source_id
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
        """Every published figure with its itemised count and incidents (see ``published_vs_documented``).

        One join of the figures, month by month of their periods, with the incidents of their kinds
        (an equi-join on kind and month, then the exact period rule); people are counted only for
        figures in people, domains only for figures in websites. Each figure's incidents are listed
        by date and id: ``overview_rows`` is stored in that order, so each list of row ids is
        sorted as numbers and the numbers turned back into ids.
        """
        with self._build_locks["figures"]:
            if self._figures is None:
                self._figures = self._figures_table()
        return self._figures

    def _figures_table(self) -> pd.DataFrame:
        table = self._ensure_overview_rows()
        # period_condition over the projection, whose date_end is precise_end precomputed
        in_fig = "i.date >= p.period_start AND i.date <= p.period_end AND i.date_end <= p.period_end"
        join = f"""months p JOIN {table} i ON i.category = p.category AND i.month = p.month
                AND (p.subcategory IS NULL OR i.subcategory = p.subcategory) AND {in_fig}"""
        sql = f"""
            WITH figs AS (
              SELECT p.*, s.title AS source_title, s.publisher AS source_publisher
              FROM published_figures p JOIN sources s USING (source_id)
            ),
            months AS (  -- each figure once per calendar month of its period
              SELECT figure_id, category, subcategory, period_start, period_end, unit,
                unnest(generate_series(date_trunc('month', period_start), period_end, INTERVAL 1 MONTH))::DATE AS month
              FROM figs WHERE category IS NOT NULL AND period_start <= period_end
            ),
            counted AS (
              SELECT p.figure_id, count(i.incident_id) AS incidents, list(i.rowid) AS ranks
              FROM {join}
              GROUP BY p.figure_id
            ),
            people AS (
              SELECT p.figure_id, count(DISTINCT i.person) + coalesce(sum(i.unnamed), 0) AS people
              FROM {join}
              WHERE p.unit IN {_in(PEOPLE_UNITS)}
              GROUP BY p.figure_id
            ),
            sites AS (
              SELECT p.figure_id,
                count(DISTINCT lower(trim(b.domain))) FILTER (WHERE b.blocking_type NOT IN {_in(NOT_A_BLOCK)}) AS websites
              FROM {join}
              LEFT JOIN blockings b ON b.incident_id = i.incident_id
              WHERE p.unit = 'websites'
              GROUP BY p.figure_id
            )
            SELECT p.*,
              CASE WHEN p.category IS NULL THEN NULL
                   WHEN p.unit IN {_in(PEOPLE_UNITS)} THEN coalesce(h.people, 0)
                   WHEN p.unit = 'websites' THEN coalesce(w.websites, 0)
                   ELSE coalesce(c.incidents, 0) END AS documented,
              CASE WHEN p.category IS NULL THEN NULL
                   WHEN p.unit IN {_in(PEOPLE_UNITS)} THEN 'people'
                   WHEN p.unit = 'websites' THEN 'websites' ELSE 'incidents' END AS documented_unit,
              c.ranks AS incident_ids
            FROM figs p LEFT JOIN counted c USING (figure_id) LEFT JOIN people h USING (figure_id)
              LEFT JOIN sites w USING (figure_id)
            ORDER BY p.category NULLS LAST, p.period_start, p.figure_id
        """
        figures = self.df(sql)
        ranked = self._fetchnumpy(f"SELECT rowid, incident_id FROM {table}")
        ids = np.empty(len(ranked["rowid"]), dtype=object)  # every incident id at its place in date and id order
        ids[ranked["rowid"].astype(np.int64)] = ranked["incident_id"]
        figures["incident_ids"] = pd.Series(  # a figure with no incident: NA, as a NULL list reads
            [ids[np.sort(r.astype(np.int64))] if isinstance(r, np.ndarray) else pd.NA for r in figures["incident_ids"]],
            index=figures.index,
            dtype=object,
        )
        figures["documented"] = pd.array(figures["documented"], dtype="Int64")
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
        """Everything the overview page shows, for one filter state (timed by the benchmark).

        The KPIs, the counts by month and kind, the most targeted outlets and the sources cited come
        from one statement that reads the incidents once (``_scan``); they equal ``kpis``,
        ``monthly(f, "category")``, ``top_outlets`` and ``source_counts``. The published figures'
        counts are per build (``published_vs_documented``); the events are a small table.
        """
        self._prepare(figures=True)
        scan = self._scan(f, self.SCAN_PARTS)
        return {
            "kpis": scan["kpis"],
            "monthly": scan["monthly"],
            "events": self.events(f),
            "published": self.published_vs_documented(f),
            "top_outlets": scan["top_outlets"],
            "sources": scan["sources"],
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
