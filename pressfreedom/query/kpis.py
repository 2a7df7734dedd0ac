"""The KPIs and the overview page: one scan of the incidents per filter state."""

from __future__ import annotations

import threading
from datetime import date

import duckdb
import numpy as np

from pressfreedom.filters import Filters, precise_end, sql_date
from pressfreedom.query.rules import (
    NOT_A_BLOCK,
    OUTLET_ROLES,
    WITHHELD,
    _in,
    _num,
    _result_frame,
)
from pressfreedom.vocab import CATEGORY


class KpiQueries:
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
        # how completely the sources cover the period, for the kinds shown and for each kind: a KPI
        # over a period not fully covered is a floor ("at least")
        kinds = tuple(f.categories)
        current["coverage"] = {"": self.coverage_level(f.start, f.end, kinds)} | {
            c: self.coverage_level(f.start, f.end, (c,)) for c in CATEGORY.codes
        }
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
