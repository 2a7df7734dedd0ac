"""Blocked websites: block episodes, what is blocked on a date, active blocks by month, the timeline."""

from __future__ import annotations

from datetime import date

import pandas as pd

from pressfreedom.filters import Filters, add_months, sql_date
from pressfreedom.query.rules import (
    NOT_A_BLOCK,
    _in,
    _num,
)


class BlockingQueries:
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

    def _active_blocks_sql(self, f: Filters) -> tuple[str, list]:
        """The one rule of the "active blocks by month" chart, for its bars and for what a click on
        a bar opens: per month of the period and domain, ``confirmed`` when one of its block
        episodes certainly held during the month, else ``start_uncertain`` when one may have
        (start known only to the month/year). ``active`` holds (month, key, domain_key,
        incident_id): the episodes behind each domain's mark in that month."""
        sel, params = f.where_selection("i")
        last = add_months(f.start, f.months - 1)
        return (
            f"""
            WITH months AS (SELECT unnest(generate_series({sql_date(f.start)}, {sql_date(last)},
                                                          INTERVAL 1 MONTH))::DATE AS month),
            x AS ({self._blocks_sql(sel)}),
            ep AS (
              SELECT m.month, x.domain_key, x.incident_id,
                x.start_certain <= last_day(m.month) AND x.end_confirmed >= m.month AS confirmed,
                x.start_possible <= last_day(m.month) AND x.end_confirmed >= m.month AS possible
              FROM months m JOIN x ON x.start_possible <= last_day(m.month)
            ),
            dom AS (
              SELECT month, domain_key, bool_or(confirmed) AS confirmed, bool_or(possible) AS possible
              FROM ep WHERE domain_key IS NOT NULL GROUP BY ALL
            ),
            active AS (
              SELECT ep.month, CASE WHEN dom.confirmed THEN 'confirmed' ELSE 'start_uncertain' END AS key,
                ep.domain_key, ep.incident_id
              FROM ep JOIN dom ON dom.month = ep.month AND dom.domain_key = ep.domain_key
              WHERE (dom.confirmed AND ep.confirmed) OR (NOT dom.confirmed AND ep.possible)
            )
            """,
            params,
        )

    def active_blocks_by_month(self, f: Filters) -> pd.DataFrame:
        """Per month of the period: domains certainly blocked during it, and those whose block may
        have started by then (start known only to the month/year), counted apart.

        Columns: month, n (= confirmed), confirmed, start_uncertain, monitored.
        """
        with_sql, params = self._active_blocks_sql(f)
        df = self.df(
            with_sql
            + """
            SELECT m.month,
              count(DISTINCT a.domain_key) FILTER (WHERE a.key = 'confirmed') AS confirmed,
              count(DISTINCT a.domain_key) FILTER (WHERE a.key = 'start_uncertain') AS start_uncertain
            FROM months m LEFT JOIN active a ON a.month = m.month
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

    def active_block_ids(self, f: Filters, bars: tuple[tuple[str, str], ...]) -> list[str]:
        """The block episodes behind the selected bars ``(("2020-03", "confirmed"), …)`` of
        ``active_blocks_by_month``, by the same rule (``_active_blocks_sql``)."""
        if not bars:
            return []
        with_sql, params = self._active_blocks_sql(f)
        wanted = " OR ".join(
            f"(a.month = {sql_date(date.fromisoformat(str(m)[:7] + '-01'))} AND a.key = ?)" for m, _ in bars
        )
        rows = self.rows(
            with_sql + f" SELECT DISTINCT a.incident_id FROM active a WHERE {wanted} ORDER BY 1",
            params + [str(k) for _, k in bars],
        )
        return [r[0] for r in rows]

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
