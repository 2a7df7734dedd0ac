"""People & cases: search by name (aliases and spellings folded) and one person's timeline."""

from __future__ import annotations

import pandas as pd

from pressfreedom.filters import Filters
from pressfreedom.query.rules import (
    WITHHELD,
    fold_name,
)


class PeopleQueries:
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
        return self.detail_df(self._detail_sql(cond, order), params)

    def people_list(self, f: Filters, all_dates: bool = False) -> pd.DataFrame:
        """Every person or outlet with incidents in the selection (``all_dates``: any date and kind,
        the other sidebar filters ignored too, as the timeline's toggle): one row each, most
        incidents first.

        Columns: kind ("person" / "outlet"), key (person_id or outlet name), name, role, outlet (the
        outlet their incidents name most often), incidents, one count per kind (physical_assault,
        detention, website_blocking, court_outcome), first and latest (dates) with their precision.
        Withheld (confidential) rows name no one and are left out."""
        where, params = ("TRUE", []) if all_dates else f.where("i")
        kinds = ("physical_assault", "detention", "website_blocking", "court_outcome")
        per_kind = ", ".join(f"count(*) FILTER (WHERE i.category = '{k}') AS {k}" for k in kinds)
        rows = self.df(
            f"""
            WITH sel AS (SELECT * FROM incidents i WHERE {where} AND coalesce(i.victim, '') <> '{WITHHELD}'),
            named AS (
              SELECT 'person' AS kind, i.person_id AS key, i.* FROM sel i WHERE i.person_id IS NOT NULL
              UNION ALL BY NAME
              SELECT 'outlet' AS kind, i.outlet AS key, i.* FROM sel i
              WHERE i.outlet IS NOT NULL AND i.outlet <> '{WITHHELD}'
                AND i.outlet NOT IN (SELECT name FROM people WHERE role IN ('media_outlet', 'website'))
            )
            SELECT i.kind, i.key,
              coalesce(any_value(p.name), i.key) AS name,
              coalesce(any_value(p.role), 'media_outlet') AS role,
              mode(i.outlet) FILTER (WHERE i.kind = 'person') AS outlet,
              count(*) AS incidents, {per_kind},
              min(i.date) AS first, arg_min(i.date_precision, i.date) AS first_precision,
              max(i.date) AS latest, arg_max(i.date_precision, i.date) AS latest_precision
            FROM named i LEFT JOIN people p ON i.kind = 'person' AND p.person_id = i.key
            GROUP BY i.kind, i.key
            ORDER BY incidents DESC, name
            """,
            params,
        )
        return rows
