"""Context periods (events), sources, published figures beside the itemised incidents, and the third-party tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pressfreedom.filters import Filters
from pressfreedom.query.rules import (
    KIND_TABLE,
    NOT_A_BLOCK,
    OUTLET_ROLES,
    PEOPLE_SQL,
    PEOPLE_UNITS,
    WITHHELD,
    _in,
)


class ContextQueries:
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
        """Each published figure inside the period beside the itemised count of the same thing.

        Only a figure whose ``counterpart`` is ``itemised`` has a count (``documented``); every
        other figure is listed with none (NULL: "no itemised counterpart"), never with the count of
        its whole kind. The count takes the rows that match the figure's whole spec: its kind, its
        type (``subcategory``, when set), its victim roles (``victim_roles``, when set: the row's
        role is one of them), its offences (``offences``, when set: the row carries one of them),
        inside its own period (the same precision rules), counted in its unit: people affected for
        ``people``, distinct domains for ``websites``, incidents otherwise. The sidebar's other
        filters do not apply: a published figure is a fixed number, so the count beside it must not
        shrink with them. The counts depend on the figures only, so they are computed once per build
        (one query) and then picked by period and kind.
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
        # the figure's whole spec: kind, type, victim roles, offences (an empty list: any)
        join = f"""months p JOIN {table} i ON i.category = p.category AND i.month = p.month
                AND (p.subcategory IS NULL OR i.subcategory = p.subcategory) AND {in_fig}
                AND (len(p.victim_roles) = 0 OR list_contains(p.victim_roles, i.victim_role))
                LEFT JOIN offs o ON o.incident_id = i.incident_id"""
        spec = "(len(p.offences) = 0 OR coalesce(list_has_any(p.offences, o.offence), false))"
        offs = (
            " UNION ALL ".join(
                f"SELECT incident_id, offence FROM {t}"
                for t in ("detentions", "court_outcomes")
                if "offence" in self._columns[t]
            )
            or "SELECT NULL::VARCHAR AS incident_id, NULL::VARCHAR[] AS offence WHERE false"
        )
        no_counterpart = "p.counterpart IS DISTINCT FROM 'itemised' OR p.category IS NULL"
        sql = f"""
            WITH figs AS (
              SELECT p.*, s.title AS source_title, s.publisher AS source_publisher
              FROM published_figures p JOIN sources s USING (source_id)
            ),
            offs AS ({offs}),
            months AS (  -- each itemised figure once per calendar month of its period
              SELECT figure_id, category, subcategory, period_start, period_end, unit,
                coalesce(victim_roles, []::VARCHAR[]) AS victim_roles, coalesce(offences, []::VARCHAR[]) AS offences,
                unnest(generate_series(date_trunc('month', period_start), period_end, INTERVAL 1 MONTH))::DATE AS month
              FROM figs WHERE counterpart = 'itemised' AND category IS NOT NULL AND period_start <= period_end
            ),
            counted AS (
              SELECT p.figure_id, count(i.incident_id) AS incidents, list(i.rowid) AS ranks
              FROM {join}
              WHERE {spec}
              GROUP BY p.figure_id
            ),
            people AS (
              SELECT p.figure_id, count(DISTINCT i.person) + coalesce(sum(i.unnamed), 0) AS people
              FROM {join}
              WHERE {spec} AND p.unit IN {_in(PEOPLE_UNITS)}
              GROUP BY p.figure_id
            ),
            sites AS (
              SELECT p.figure_id,
                count(DISTINCT lower(trim(b.domain))) FILTER (WHERE b.blocking_type NOT IN {_in(NOT_A_BLOCK)}) AS websites
              FROM {join}
              LEFT JOIN blockings b ON b.incident_id = i.incident_id
              WHERE {spec} AND p.unit = 'websites'
              GROUP BY p.figure_id
            )
            SELECT p.*,
              CASE WHEN {no_counterpart} THEN NULL
                   WHEN p.unit IN {_in(PEOPLE_UNITS)} THEN coalesce(h.people, 0)
                   WHEN p.unit = 'websites' THEN coalesce(w.websites, 0)
                   ELSE coalesce(c.incidents, 0) END AS documented,
              CASE WHEN {no_counterpart} THEN NULL
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
