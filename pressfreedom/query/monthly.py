"""Incidents by month (the by-month charts)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pressfreedom.filters import GRAIN_MONTHS, Filters, add_months, month_end
from pressfreedom.query.rules import (
    PEOPLE_SQL,
)


class MonthlyQueries:
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

    def by_period(self, f: Filters, by: str = "category") -> pd.DataFrame:
        """``monthly`` at the filter's time grain (``Filters.time_grain``): tidy counts per bar
        (month, quarter or year; ``month`` holds the bar's first day), every bar of the range with
        zeros, and each bar's ``coverage`` (full / partial / none, ``Query.coverage_level`` for
        the kinds shown) beside ``monitored`` (coverage is not none).

        Year-precision incidents are drawn at year grain only (in their year, when the whole year
        lies in the period, as everywhere); month-precision ones stay in their month's bar."""
        grain = f.time_grain
        if grain == "month":
            out = self.monthly(f, by)
            bars = f.periods()
        else:
            if by not in self.BY_MONTH:
                raise ValueError(by)
            table, column = self.BY_MONTH[by]
            where, params = f.where("i")
            join = "" if table == "incidents" else f"JOIN {table} k ON k.incident_id = i.incident_id"
            col = f"i.{column}" if table == "incidents" else f"coalesce(k.{column}, 'unknown')"
            measure = "count(*)" if f.count == "incidents" else PEOPLE_SQL.format(a="i.")
            keep = "TRUE" if grain == "year" else "i.date_precision <> 'year'"
            counts = self.df(
                f"""
                SELECT date_trunc('{grain}', i.date)::DATE AS month, {col} AS key, {measure} AS n
                FROM incidents i {join} WHERE {where} AND {keep}
                GROUP BY ALL
                """,
                params,
            )
            bars = f.periods()
            pairs = {
                (m, k): n for m, k, n in zip(counts["month"], counts["key"], counts["n"], strict=True) if not pd.isna(k)
            }
            keys = sorted({k for _, k in pairs})
            if by == "category" and f.categories and set(keys) <= set(f.categories):
                keys = list(f.categories)
            if not keys:
                out = pd.DataFrame({"month": bars, "key": None, "n": 0})
            else:
                out = pd.DataFrame(
                    {
                        "month": [m for m in bars for _ in keys],
                        "key": pd.array([k for _ in bars for k in keys], dtype="str"),
                        "n": np.array([pairs.get((m, k), 0) for m in bars for k in keys], dtype="int64"),
                    }
                )
        step = GRAIN_MONTHS[grain]
        cats = tuple(f.categories)
        level = {
            m: self.coverage_level(max(m, f.start), min(month_end(add_months(m, step - 1)), f.end), cats) for m in bars
        }
        out["coverage"] = [level[m] for m in out["month"]]
        out["monitored"] = out["coverage"] != "none"
        return out

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
