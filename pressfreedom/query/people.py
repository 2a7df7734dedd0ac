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
        return self.df(self._detail_sql(cond, order), params)
