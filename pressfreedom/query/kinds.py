"""Breakdowns of a kind by one field, and the detentions page's figures."""

from __future__ import annotations

import pandas as pd

from pressfreedom.filters import Filters
from pressfreedom.query.rules import (
    PEOPLE_SQL,
    WITHHELD,
)


class KindQueries:
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
