"""The connection to one published build and what every part of the query layer reads with: cursors, the coverage of the sources, filter options, incident lists, the build's manifest."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pressfreedom.filters import Filters
from pressfreedom.paths import processed_dir
from pressfreedom.query.rules import (
    OPTIONAL_TABLES,
    SMALL_TABLES,
    TABLES,
    WITHHELD,
    Coverage,
    _python_dates,
)
from pressfreedom.vocab import CATEGORY


def _like_duckdb(t: pa.DataType) -> bool:
    """Types ``frame_like_duckdb`` converts as DuckDB does (the incident lists' types)."""
    if pa.types.is_list(t):
        return pa.types.is_string(t.value_type)
    return (
        pa.types.is_signed_integer(t)
        or pa.types.is_boolean(t)
        or pa.types.is_float64(t)
        or pa.types.is_string(t)
        or pa.types.is_date32(t)
    )


def frame_like_duckdb(table: pa.Table) -> pd.DataFrame | None:
    """``table`` as DuckDB's ``.df()`` (then ``_python_dates``) hands the same rows to pandas, or
    None when a column has a type this does not know (``_like_duckdb``).

    DuckDB's dtypes depend on the content: an integer or boolean column with a NULL becomes pandas'
    nullable ``Int64``/``boolean``, without one plain numpy; a text column with no value at all
    (every cell NULL, or no rows) holds Python objects (``None``), else pandas' ``str``; a NULL
    list is ``pd.NA``, a list a numpy array of objects; dates become ``datetime.date`` objects
    (``_python_dates``). ``tests/test_query.py`` compares both ways for every type, with and without
    NULLs, with and without rows."""
    if not all(_like_duckdb(t) for t in table.schema.types):
        return None
    columns = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        t, nulls = col.type, col.null_count
        if pa.types.is_integer(t) or pa.types.is_boolean(t):
            kind = pd.BooleanDtype() if pa.types.is_boolean(t) else pd.api.types.pandas_dtype(str(t).capitalize())
            columns[name] = col.to_pandas(types_mapper=lambda _, k=kind: k) if nulls else col.to_pandas()
        elif pa.types.is_string(t) and nulls == len(col):
            columns[name] = pd.Series(np.full(len(col), None, dtype=object), dtype=object)
        elif pa.types.is_date(t):
            columns[name] = pd.Series(col.to_pandas(date_as_object=True).to_numpy(dtype=object), dtype=object)
        elif pa.types.is_list(t):
            cells = col.to_pandas().to_numpy(dtype=object, copy=True)
            if nulls:
                cells[col.is_null().to_numpy(zero_copy_only=False)] = pd.NA
            columns[name] = pd.Series(cells, dtype=object)
        else:
            columns[name] = col.to_pandas()
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))


class QueryBase:
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
        self._coverage_kinds: tuple[tuple[str, str, date, date], ...] | None = None
        self._tables = {n for n in TABLES + OPTIONAL_TABLES if (self.root / f"{n}.parquet").exists()}
        self._verdicts_ready = False
        self._overview_rows_ready = False
        self._build_locks = {name: threading.Lock() for name in ("rows", "verdicts", "blocks", "figures", "custody")}
        self._compressing: threading.Thread | None = None
        self._persons = 0
        self._court_persons = 0
        self._domains = 0
        self._blocks_ready = False
        self._custody_ready = False
        self._figures: pd.DataFrame | None = None
        self._events: pd.DataFrame | None = None
        self._constants: dict[tuple, Any] = {}  # per-build answers the sidebar asks on every run

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

    def detail_df(self, sql: str, params: list | None = None, ids: tuple[str, ...] | None = None) -> pd.DataFrame:
        """``df`` for the incident lists (``_detail_sql``), through Arrow: the same frame — dtypes,
        cell types and values, DuckDB's conversion rules included (``frame_like_duckdb``) — in about
        two thirds of the time at 100,000 incidents (a two-year list: ~0.3 s -> ~0.2 s).
        ``ids``: a table ``wanted_ids(id)`` the SQL may read, handed to DuckDB as one Arrow column
        (26,000 ids: ~30 ms less than a list parameter, and far less than one placeholder each)."""
        with self._lock:
            cur = self._con.cursor()
        try:
            if ids is not None:  # (a cursor is a connection of its own: its view is seen by no other)
                cur.register("wanted_ids", pa.table({"id": pa.array(ids, pa.string())}))
            frame = frame_like_duckdb(cur.sql(sql, params=params or None).to_arrow_table())
            return frame if frame is not None else _python_dates(cur.execute(sql, params or []).df())
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
        """The latest calendar year fully covered for every kind (a comprehensive review of it):
        the period most users ask about, and one whose numbers are not a floor.

        A source that covers a few days of a later year (one statement) does not make that year the
        default; when no year is covered in full, the latest covered year up to the coverage end.
        """
        cov = self.coverage()
        for year in range(cov.end.year, cov.start.year - 1, -1):
            if self.coverage_level(date(year, 1, 1), date(year, 12, 31)) == "full":
                return Filters(start=date(year, 1, 1), end=date(year, 12, 31), lang=lang)
        start = max(date(cov.end.year, 1, 1), cov.start)
        return Filters(start=start, end=cov.end, lang=lang)

    def _constant(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """A value fixed for the build (a build's Parquet never changes), computed once."""
        if key not in self._constants:
            self._constants[key] = compute()  # (two threads may both compute it: the same value)
        return self._constants[key]

    def data_span(self) -> tuple[date, date]:
        lo, hi = self._constant(("span",), lambda: self.rows("SELECT min(date), max(date) FROM incidents")[0])
        cov = self.coverage()
        return min(lo or cov.start, cov.start), max(hi or cov.end, cov.end)

    def options(self, column: str) -> list[str]:
        if column not in ("outlet", "location", "victim_role", "perpetrator", "category"):
            raise ValueError(column)
        sql = (
            f"SELECT DISTINCT {column} FROM incidents WHERE {column} IS NOT NULL "
            f"AND {column} <> '{WITHHELD}' ORDER BY 1"
        )
        return list(self._constant(("options", column), lambda: tuple(r[0] for r in self.rows(sql))))

    def subcategory_options(self) -> list[str]:
        sql = "SELECT DISTINCT category || '.' || subcategory FROM incidents ORDER BY 1"
        return list(self._constant(("subcategories",), lambda: tuple(r[0] for r in self.rows(sql))))

    def coverage_rows(self) -> tuple[tuple[str, str, date, date], ...]:
        """What each source covers: (category, coverage_type, start, end), from the ``coverage``
        table; a build without it (older builds, fixtures) takes each source's stated monitored
        period as a comprehensive review of every kind (the rule before the table existed)."""
        if self._coverage_kinds is None:
            rows: list = []
            if "coverage" in self._tables:
                rows = self.rows(
                    "SELECT category, coverage_type, period_start, period_end FROM coverage "
                    "WHERE period_start IS NOT NULL AND period_end IS NOT NULL ORDER BY 3, 4, 1, 2"
                )
            if not rows:
                rows = [(c, "comprehensive_review", s, e) for s, e in self._source_coverage() for c in CATEGORY.codes]
            self._coverage_kinds = tuple(rows)
        return self._coverage_kinds

    def coverage_level(self, start: date, end: date, categories: tuple[str, ...] = ()) -> str:
        """How completely the sources cover [start, end] for the kinds (all when empty):
        ``full`` when comprehensive reviews cover every day of it for every kind; ``partial``
        when some source covers some of it (case statements, prisoner lists, or a review of part
        of it): counts are then a floor ("at least"); ``none`` when no source covers any of it."""
        cats = tuple(categories) or CATEGORY.codes
        rows = self.coverage_rows()
        full = all(
            _chain_covers([(s, e) for c, t, s, e in rows if c == cat and t == "comprehensive_review"], start, end)
            for cat in cats
        )
        if full:
            return "full"
        if any(c in cats and s <= end and e >= start for c, _t, s, e in rows):
            return "partial"
        return "none"

    def comparable(self, f: Filters) -> bool:
        """Whether the previous period of the same length can be compared with this one.

        Only when both periods are fully covered for the kinds shown, and every comprehensive
        review that covers any part of either period covers both in full: otherwise a change could
        come from what was monitored, not from what happened.
        """
        prev = f.previous()
        cats = tuple(f.categories) or CATEGORY.codes
        if self.coverage_level(prev.start, f.end, cats) != "full":
            return False
        rows = [
            (s, e)
            for c, t, s, e in self.coverage_rows()
            if c in cats and t == "comprehensive_review" and s <= f.end and e >= prev.start
        ]
        return bool(rows) and all(s <= prev.start and e >= f.end for s, e in rows)

    # -- incident lists ---------------------------------------------------------------
    def _detail_sql(self, where: str, order: str = "i.date DESC, i.incident_id") -> str:
        """The incidents meeting ``where`` with their kind's details and their sources' titles, in order.

        The kind tables are joined to the selected ids alone (``det``), and the details to the
        incidents' wide rows once: joined one by one to the wide rows, each join hashed all their
        columns again (at 100k incidents a two-year list took 190 ms, now 140)."""
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
            ),
            det AS (
              SELECT x.incident_id,
                a.context, a.injured, a.equipment_damaged_or_seized,
                d.duration_days, d.released_on, {d_rel} AS released_on_precision,
                coalesce(c.charge, d.charge) AS charge,
                b.domain, b.blocked_from, {b_from} AS blocked_from_precision, b.blocked_until,
                {b_until} AS blocked_until_precision, b.status_as_of, b.basis,
                c.court, c.sentence_months, c.fine_amount, c.fine_currency, c.appeal_of,
                src.source_titles
              FROM (SELECT incident_id FROM sel) x
              LEFT JOIN src ON src.incident_id = x.incident_id
              LEFT JOIN assaults a ON a.incident_id = x.incident_id
              LEFT JOIN detentions d ON d.incident_id = x.incident_id
              LEFT JOIN blockings b ON b.incident_id = x.incident_id
              LEFT JOIN court_outcomes c ON c.incident_id = x.incident_id
            )
            SELECT i.*, det.* EXCLUDE (incident_id)
            FROM sel i
            LEFT JOIN det ON det.incident_id = i.incident_id
            ORDER BY {order}
        """

    def incidents(self, f: Filters, extra_where: str = "", extra_params: list | None = None) -> pd.DataFrame:
        """The filtered incidents, newest first, with their kind's details and sources' titles."""
        where, params = f.where("i")
        if extra_where:
            where += f" AND ({extra_where})"
            params += extra_params or []
        return self.detail_df(self._detail_sql(where), params)

    def all_incidents(self, f: Filters | None = None) -> pd.DataFrame:
        """Every incident of the build with its details (the full download; filters do not apply)."""
        return self.detail_df(self._detail_sql("TRUE", "i.date, i.incident_id"))

    def _digest(self, where: str, params: list, order: str) -> dict:
        """How many incidents meet ``where`` and the titles of the sources they cite, in order of
        first citation down the list sorted by ``order`` — what ``figures.cited_sources`` finds in
        ``_detail_sql``'s rows — without fetching the rows (a download's "about" lines)."""
        n = int(self.rows(f"SELECT count(*) FROM incidents i WHERE {where}", params)[0][0])
        titles = self.rows(
            f"""
            WITH cited AS (
              SELECT s.title, row_number() OVER (ORDER BY {order}, i.k) AS pos
              FROM (SELECT i.date, i.incident_id, unnest(i.source_ids) AS sid,
                           generate_subscripts(i.source_ids, 1) AS k
                    FROM incidents i WHERE {where}) i
              JOIN sources s ON s.source_id = i.sid
              WHERE s.title IS NOT NULL AND s.title <> ''
            )
            SELECT title FROM cited GROUP BY title ORDER BY min(pos)
            """,
            params,
        )
        return {"rows": n, "sources": [t for (t,) in titles]}

    def all_incidents_digest(self, f: Filters | None = None) -> dict:
        """``all_incidents``' row count and cited sources (``rows``, ``sources``), counted in SQL."""
        return self._digest("TRUE", [], "i.date, i.incident_id")

    def incidents_digest(self, f: Filters, extra_where: str = "", extra_params: list | None = None) -> dict:
        """``incidents``' row count and cited sources (``rows``, ``sources``), counted in SQL."""
        where, params = f.where("i")
        if extra_where:
            where += f" AND ({extra_where})"
            params += extra_params or []
        return self._digest(where, params, "i.date DESC, i.incident_id")

    def incidents_by_id(self, f: Filters, ids: tuple[str, ...]) -> pd.DataFrame:
        """Given incidents whatever the filters (blocks begun before the period, figures' items)."""
        if not ids:
            return self.detail_df(self._detail_sql("FALSE"))
        return self.detail_df(self._detail_sql("i.incident_id IN (SELECT id FROM wanted_ids)"), ids=ids)

    def source_titles_by_id(self, f: Filters, ids: tuple[str, ...]) -> pd.DataFrame:
        """``incidents_by_id``'s ``incident_id`` and ``source_titles`` only, in its order: a table's
        sources column without fetching every detail of every incident (the overview's published figures)."""
        if not ids:
            return pd.DataFrame({"incident_id": pd.Series(dtype=object), "source_titles": pd.Series(dtype=object)})
        return self.detail_df(
            """
            WITH sel AS (SELECT incident_id, date, source_ids FROM incidents WHERE incident_id IN (SELECT id FROM wanted_ids)),
            src AS (
              SELECT u.incident_id, list(s.title ORDER BY u.k) AS source_titles
              FROM (SELECT incident_id, unnest(source_ids) AS sid, generate_subscripts(source_ids, 1) AS k FROM sel) u
              JOIN sources s ON s.source_id = u.sid
              GROUP BY u.incident_id
            )
            SELECT i.incident_id, src.source_titles
            FROM sel i LEFT JOIN src ON src.incident_id = i.incident_id
            ORDER BY i.date DESC, i.incident_id
            """,
            ids=ids,
        )

    def year_only_apart(self, f: Filters) -> int:
        where, params = f.where_year_only_apart("i")
        return int(self.rows(f"SELECT count(*) FROM incidents i WHERE {where}", params)[0][0])

    def year_only_in_period(self, f: Filters) -> int:
        """Year-precision incidents counted in the period but not placed in any month."""
        where, params = f.where("i")
        return int(
            self.rows(f"SELECT count(*) FROM incidents i WHERE {where} AND i.date_precision = 'year'", params)[0][0]
        )

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


def _chain_covers(intervals: list[tuple[date, date]], start: date, end: date) -> bool:
    """Whether the intervals (which may chain: one ends the day before the next starts) cover
    every day of [start, end]."""
    day = start
    for s, e in sorted(intervals):
        if s <= day <= e:
            day = e + timedelta(days=1)
        if day > end:
            return True
    return day > end
