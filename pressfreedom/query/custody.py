"""Behind bars: who is in prison or pretrial detention on a date, who is under house arrest, and
whose status is unknown — from the detentions, the court outcomes and the custody reports.

The rule (``docs/methodology.md``, *Behind bars*; the sets in ``query/rules.py``). Every named
person's detentions, court decisions and custody reports are events, each **held** (arrest, pretrial
detention, a prison sentence, pretrial detention ordered, a custody report "held"), **house**
(house arrest) or **free** (a release, a detention's ``released_on``, a court release, a pardon, an
acquittal or a sentence served outside prison, a custody report "released"). A date known only to
the month or year may be any day of it: an event spans its possible days ``[lo, hi]``.

A person is **held** on a day D when one of their held events certainly covers D:

- a confirmation counts from its latest possible day ``hi`` until ``CONFIRMATION_MONTHS`` after its
  earliest possible day ``lo`` (so a date known only to the year confirms custody on that year's last
  day only, and a month for its last day to the same day a year on);
- a custodial verdict with a stated term counts as *serving a term* from its latest possible day
  until the term ends (the case's latest verdict, so a sentence reduced on appeal replaces the first
  term). The term is counted from the earliest possible day of the arrest or pretrial detention that
  the case records (``case_id``) with no release or house arrest that may lie between it and the
  verdict, else from the verdict's: pretrial detention counts towards a prison term, so counting
  from the verdict would end it too late and the count would no longer be a floor;
  no confirmation counts past the end of a term that it may precede or fall in;
- either ends the day before any house or free event that may come after it (on the same day, a
  release comes after a confirmation): no release recorded between the confirmation and D.

House arrest counts alike (from a house event, for ``CONFIRMATION_MONTHS``, until a held or free
event may follow) but is never counted as behind bars. A person is **released** when a free event
certainly came by D and no held or house event may follow it by D. Everyone else with a held or
house event certainly by D has a **status unknown since** their last one: never counted, never
assumed released.

The events and their spans depend on the build only: they are built once (tables
``custody_events``, ``custody_spans``, ``custody_islands`` and ``custody_people``); a date and the
sidebar's roles and outlets are then one small query. Incidents without a person id (unnamed
groups; confidential rows in the public build) cannot be followed across events and are left out.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from pressfreedom.filters import Filters, add_months, month_end, sql_date
from pressfreedom.query.rules import (
    CONFIRMATION_MONTHS,
    CUSTODY_INDICATORS,
    CUSTODY_ROLES,
    FREE_DETENTIONS,
    FREE_OUTCOMES,
    HELD_DETENTIONS,
    HELD_OUTCOMES,
    HOUSE_DETENTIONS,
    HOUSE_OUTCOMES,
    WITHHELD,
    _in,
)

NEVER = "DATE '9999-12-31'"  # no end: a release that nothing followed
RANK = {"held": 0, "house": 1, "free": 2}  # on one day: a confirmation, then house arrest, then a release
PRECISION_RANK = {"day": 0, "month": 1, "year": 2}
# SQL over custody_spans ``s``: each span with its date's precision ranked (the more precise first)
RANKED_SPANS = "s.*, CASE s.precision WHEN 'day' THEN 0 WHEN 'month' THEN 1 ELSE 2 END AS prank"


def _last_day(column: str, precision: str) -> str:
    """SQL: the latest day a date of that precision can mean."""
    return (
        f"(CASE {precision} WHEN 'year' THEN make_date(year({column}), 12, 31) "
        f"WHEN 'month' THEN last_day({column}) ELSE {column} END)"
    )


def possibly_after(x: dict, y: dict) -> bool:
    """Event ``x`` may have come after event ``y`` (their possible days overlap or follow; on one
    day by ``RANK``). The rule of the SQL in ``_ensure_custody``, for the few rows read back."""
    return x["hi"] > y["lo"] or (x["hi"] == y["lo"] and RANK[x["kind"]] > RANK[y["kind"]])


class CustodyQueries:
    # -- behind bars ---------------------------------------------------------------------
    def _ensure_custody(self) -> None:
        """The events, their spans and the spells of custody, once per build (see the module doc)."""
        if self._custody_ready:
            return
        self._ensure_verdicts()  # case_verdicts: each convicted case's term
        held_det, house_det, free_det = _in(HELD_DETENTIONS), _in(HOUSE_DETENTIONS), _in(FREE_DETENTIONS)
        held_out, house_out, free_out = _in(HELD_OUTCOMES), _in(HOUSE_OUTCOMES), _in(FREE_OUTCOMES)
        ends_det, ends_out = _in(FREE_DETENTIONS | HOUSE_DETENTIONS), _in(FREE_OUTCOMES | HOUSE_OUTCOMES)
        released_p = self._precision("detentions", "d", "released_on")
        reports = ""
        if self._has_table("custody_reports"):
            cols = {r[0] for r in self.rows("DESCRIBE custody_reports")}
            as_of_p = "c.as_of__precision" if "as_of__precision" in cols else "'day'"
            reports = f"""
              UNION ALL
              SELECT c.person_id, c.report_id, 'custody.' || c.status,
                CASE c.status WHEN 'held' THEN 'held' WHEN 'house_arrest' THEN 'house' WHEN 'released' THEN 'free' END,
                c.as_of, {as_of_p}, NULL, NULL, [s.title], [coalesce(c.source_locator, '')]
              FROM custody_reports c JOIN people p ON p.person_id = c.person_id
              LEFT JOIN sources s ON s.source_id = c.source_id
              WHERE c.as_of IS NOT NULL"""
        events = f"""
            CREATE OR REPLACE TABLE custody_events AS
            WITH inc AS (
              SELECT i.incident_id, i.person_id, i.category, i.subcategory, i.date, i.date_precision, i.case_id,
                i.source_ids, i.source_locators
              FROM incidents i
              WHERE i.person_id IS NOT NULL AND i.person_id <> '{WITHHELD}'
                AND i.category IN ('detention', 'court_outcome')
            ),
            src AS (
              SELECT u.incident_id, list(s.title ORDER BY u.k) AS titles,
                list(coalesce(u.loc, '') ORDER BY u.k) AS locators
              FROM (SELECT incident_id, unnest(source_ids) AS sid, unnest(source_locators) AS loc,
                           generate_subscripts(source_ids, 1) AS k FROM inc) u
              JOIN sources s ON s.source_id = u.sid
              GROUP BY u.incident_id
            ),
            cases AS (  -- each convicted case whose sentence is custodial and states its term
              SELECT v.first_conviction_id AS incident_id, floor(v.verdict_months)::INTEGER AS months,
                i.person_id, i.case_id, i.date AS verdict_lo, {_last_day("i.date", "i.date_precision")} AS verdict_hi
              FROM case_verdicts v JOIN inc i ON i.incident_id = v.first_conviction_id
              WHERE v.custodial AND v.verdict_months IS NOT NULL
            ),
            moves AS (  -- what may end a spell of custody: a release or house arrest (its possible days)
              SELECT i.person_id, i.date AS lo, {_last_day("i.date", "i.date_precision")} AS hi FROM inc i
              WHERE (i.category = 'detention' AND i.subcategory IN {ends_det})
                 OR (i.category = 'court_outcome' AND i.subcategory IN {ends_out})
              UNION ALL
              SELECT i.person_id, d.released_on, {_last_day("d.released_on", released_p)}
              FROM inc i JOIN detentions d ON d.incident_id = i.incident_id WHERE d.released_on IS NOT NULL
            ),
            starts AS (  -- the case's arrest or pretrial detention, when no release or house arrest may lie
              SELECT c.incident_id, min(h.date) AS custody_lo  -- between it and the verdict
              FROM cases c JOIN inc h ON h.person_id = c.person_id AND h.case_id = c.case_id
                AND ((h.category = 'detention' AND h.subcategory IN {held_det})
                     OR (h.category = 'court_outcome' AND h.subcategory IN {held_out}))
                AND h.date <= c.verdict_lo
              WHERE NOT EXISTS (
                SELECT 1 FROM moves m WHERE m.person_id = c.person_id AND m.lo <= c.verdict_hi
                  AND m.hi >= h.date
              )
              GROUP BY c.incident_id
            ),
            terms AS (  -- a term runs from the custody that the case records, else from the verdict
              SELECT c.incident_id, c.months, coalesce(least(s.custody_lo, c.verdict_lo), c.verdict_lo) AS term_from
              FROM cases c LEFT JOIN starts s USING (incident_id)
            ),
            ev AS (
              SELECT i.person_id, i.incident_id AS event_id, i.category || '.' || i.subcategory AS what,
                CASE WHEN i.category = 'detention' AND i.subcategory IN {held_det} THEN 'held'
                     WHEN i.category = 'detention' AND i.subcategory IN {house_det} THEN 'house'
                     WHEN i.category = 'detention' AND i.subcategory IN {free_det} THEN 'free'
                     WHEN i.category = 'court_outcome' AND i.subcategory IN {held_out} THEN 'held'
                     WHEN i.category = 'court_outcome' AND i.subcategory IN {house_out} THEN 'house'
                     WHEN i.category = 'court_outcome' AND i.subcategory IN {free_out} THEN 'free' END AS kind,
                i.date AS lo, i.date_precision AS precision, NULL::INTEGER AS term_months, NULL::DATE AS term_end,
                src.titles, src.locators
              FROM inc i LEFT JOIN src ON src.incident_id = i.incident_id
              UNION ALL  -- a detention's release date
              SELECT i.person_id, i.incident_id, 'detention.released_on', 'free', d.released_on, {released_p},
                NULL, NULL, src.titles, src.locators
              FROM inc i JOIN detentions d ON d.incident_id = i.incident_id LEFT JOIN src ON src.incident_id = i.incident_id
              WHERE d.released_on IS NOT NULL
              UNION ALL  -- a stated term, certain from the case's first conviction
              SELECT i.person_id, i.incident_id, 'term', 'held', i.date, i.date_precision, t.months,
                (t.term_from + to_months(t.months))::DATE, src.titles, src.locators
              FROM terms t JOIN inc i ON i.incident_id = t.incident_id LEFT JOIN src ON src.incident_id = i.incident_id
              {reports}
            )
            SELECT row_number() OVER (ORDER BY person_id, lo, event_id, what) AS k, ev.*,
              {_last_day("ev.lo", "ev.precision")} AS hi,
              CASE kind WHEN 'held' THEN 0 WHEN 'house' THEN 1 ELSE 2 END AS rank,
              CASE WHEN what = 'term' THEN (term_end - INTERVAL 1 DAY)::DATE
                   WHEN kind IN ('held', 'house') THEN (lo + INTERVAL {CONFIRMATION_MONTHS} MONTH)::DATE END
                AS valid_until
            FROM ev WHERE kind IS NOT NULL AND lo IS NOT NULL
        """
        spans = f"""
            CREATE OR REPLACE TABLE custody_spans AS
            WITH caps AS (  -- no confirmation counts past the end of a term it may precede or fall in
              SELECT a.k, min(t.term_end) AS cap
              FROM custody_events a JOIN custody_events t ON t.person_id = a.person_id AND t.what = 'term'
              WHERE a.kind = 'held' AND a.what <> 'term' AND a.lo < t.term_end
              GROUP BY a.k
            ),
            breaks AS (  -- the earliest day an event of another kind may follow it
              SELECT a.k, min(b.lo) AS next_break
              FROM custody_events a JOIN custody_events b
                ON b.person_id = a.person_id AND b.kind <> a.kind
                AND (b.hi > a.lo OR (b.hi = a.lo AND b.rank > a.rank))
              GROUP BY a.k
            )
            SELECT e.*, e.hi AS valid_from,
              least(coalesce(e.valid_until, {NEVER}), coalesce(caps.cap - 1, {NEVER}),
                    coalesce(breaks.next_break - 1, {NEVER})) AS valid_to
            FROM custody_events e LEFT JOIN caps USING (k) LEFT JOIN breaks USING (k)
        """
        islands = """
            CREATE OR REPLACE TABLE custody_islands AS
            WITH h AS (
              SELECT k, person_id, valid_from, valid_to FROM custody_spans
              WHERE kind = 'held' AND valid_from <= valid_to
            ),
            o AS (
              SELECT *, max(valid_to) OVER (PARTITION BY person_id ORDER BY valid_from, valid_to, k
                                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_to
              FROM h
            )
            SELECT k, person_id,
              sum(CASE WHEN prev_to IS NULL OR valid_from > prev_to + 1 THEN 1 ELSE 0 END)
                OVER (PARTITION BY person_id ORDER BY valid_from, valid_to, k ROWS UNBOUNDED PRECEDING) AS island
            FROM o
        """
        people = f"""
            CREATE OR REPLACE TABLE custody_people AS
            WITH r AS (
              SELECT person_id, arg_max(victim_role, date) AS victim_role,
                arg_max(outlet, date) FILTER (WHERE outlet IS NOT NULL AND outlet <> '{WITHHELD}') AS outlet,
                list(DISTINCT outlet) FILTER (WHERE outlet IS NOT NULL AND outlet <> '{WITHHELD}') AS outlets
              FROM incidents WHERE person_id IS NOT NULL GROUP BY person_id
            )
            SELECT p.person_id, p.name, coalesce(nullif(p.role, 'unknown'), r.victim_role, 'unknown') AS role,
              r.outlet, r.outlets
            FROM people p LEFT JOIN r USING (person_id)
            WHERE p.person_id IN (SELECT person_id FROM custody_events)
        """
        with self._build_locks["custody"]:
            if not self._custody_ready:
                self._build([events, spans, islands, people])
                self._custody_ready = True

    def _has_table(self, name: str) -> bool:
        return bool(self.rows("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name])[0][0])

    @staticmethod
    def _who(f: Filters, roles: tuple[str, ...] | None = None) -> tuple[str, list]:
        """SQL over ``custody_people p``: the roles (the sidebar's, else journalists and bloggers)
        and the outlets (a person any of whose incidents names one of them)."""
        roles = roles or f.roles or CUSTODY_ROLES
        cond, params = f"p.role IN ({', '.join('?' for _ in roles)})", list(roles)
        if f.outlets:
            cond += f" AND list_has_any(p.outlets, [{', '.join('?' for _ in f.outlets)}])"
            params += list(f.outlets)
        return cond, params

    def held_on(self, f: Filters, when: date) -> pd.DataFrame:
        """The people held (prison or pretrial detention) on ``when``, longest held first.

        Columns: person_id, name, role, outlet; since, since_precision (the earliest possible day of
        the first event of this spell of custody, as precise as its source); held_days_at_least (days
        from the day the spell is certain to ``when``: a lower bound); basis (``confirmed``: a source
        confirmed them held in the ``CONFIRMATION_MONTHS`` before, else ``term``: serving a stated
        term); last_confirmed, last_confirmed_precision; sentence_months, term_end (the stated term
        of the spell, if any); event_ids, source_titles, source_locators (of the spell's events).
        """
        self._ensure_custody()
        who, params = self._who(f)
        d = sql_date(when)
        return self.df(
            f"""
            WITH who AS (SELECT * FROM custody_people p WHERE {who}),
            cover AS (
              SELECT s.k, s.person_id, s.what FROM custody_spans s JOIN who USING (person_id)
              WHERE s.kind = 'held' AND s.valid_from <= {d} AND {d} <= s.valid_to
            ),
            basis AS (SELECT person_id, bool_or(what <> 'term') AS confirmed FROM cover GROUP BY person_id),
            spell AS (SELECT DISTINCT i.person_id, i.island FROM custody_islands i JOIN cover USING (k)),
            m AS (
              SELECT {RANKED_SPANS}
              FROM custody_islands i JOIN spell USING (person_id, island) JOIN custody_spans s USING (k)
              WHERE s.valid_from <= {d}
            )
            SELECT w.person_id, w.name, w.role, w.outlet,
              min(m.lo) AS since, first(m.precision ORDER BY m.lo, m.prank) AS since_precision,
              date_diff('day', min(m.valid_from), {d}) AS held_days_at_least,
              CASE WHEN any_value(b.confirmed) THEN 'confirmed' ELSE 'term' END AS basis,
              max(m.lo) FILTER (WHERE m.what <> 'term') AS last_confirmed,
              first(m.precision ORDER BY m.lo DESC, m.prank) FILTER (WHERE m.what <> 'term')
                AS last_confirmed_precision,
              first(m.term_months ORDER BY m.lo DESC) FILTER (WHERE m.what = 'term') AS sentence_months,
              first(m.term_end ORDER BY m.lo DESC) FILTER (WHERE m.what = 'term') AS term_end,
              list(DISTINCT m.event_id ORDER BY m.event_id) AS event_ids,
              flatten(list(m.titles ORDER BY m.lo, m.k) FILTER (WHERE m.what <> 'term')) AS source_titles,
              flatten(list(m.locators ORDER BY m.lo, m.k) FILTER (WHERE m.what <> 'term')) AS source_locators
            FROM m JOIN who w USING (person_id) JOIN basis b USING (person_id)
            GROUP BY w.person_id, w.name, w.role, w.outlet
            ORDER BY since, held_days_at_least DESC, w.name, w.person_id
            """,
            params,
        )

    def house_arrest_on(self, f: Filters, when: date) -> pd.DataFrame:
        """The people under house arrest on ``when`` (not counted as behind bars): confirmed by a
        house-arrest event in the ``CONFIRMATION_MONTHS`` before, with nothing after it.

        Columns: person_id, name, role, outlet, since, since_precision, event_ids, source_titles,
        source_locators.
        """
        self._ensure_custody()
        who, params = self._who(f)
        d = sql_date(when)
        return self.df(
            f"""
            WITH who AS (SELECT * FROM custody_people p WHERE {who}),
            held AS (
              SELECT DISTINCT person_id FROM custody_spans
              WHERE kind = 'held' AND valid_from <= {d} AND {d} <= valid_to
            ),
            m AS (
              SELECT {RANKED_SPANS}
              FROM custody_spans s JOIN who USING (person_id)
              WHERE s.kind = 'house' AND s.valid_from <= {d} AND {d} <= s.valid_to
                AND s.person_id NOT IN (SELECT person_id FROM held)
            )
            SELECT w.person_id, w.name, w.role, w.outlet,
              min(m.lo) AS since, first(m.precision ORDER BY m.lo, m.prank) AS since_precision,
              list(DISTINCT m.event_id ORDER BY m.event_id) AS event_ids,
              flatten(list(m.titles ORDER BY m.lo, m.k)) AS source_titles,
              flatten(list(m.locators ORDER BY m.lo, m.k)) AS source_locators
            FROM m JOIN who w USING (person_id)
            GROUP BY w.person_id, w.name, w.role, w.outlet
            ORDER BY since, w.name, w.person_id
            """,
            params,
        )

    def status_unknown_on(self, f: Filters, when: date) -> pd.DataFrame:
        """People whose last known status by ``when`` is held (or house arrest) but who are neither
        counted, under confirmed house arrest, nor released: listed apart, never counted.

        Columns: person_id, name, role, outlet; status (``held`` or ``house``: what was last known);
        since, since_precision (the last held or house event certainly by ``when``); what (its kind
        and type, e.g. ``detention.arrest``, ``custody.held``); reason (``not_confirmed``: no
        confirmation in the ``CONFIRMATION_MONTHS`` before; ``term_ended``: the stated term ended,
        no release recorded — ``term_end``, ``sentence_months``; ``release_uncertain``: a release,
        ``release_on`` / ``release_precision``, may have come after, the dates are too imprecise to
        tell); source_titles, source_locators (of that last event). Latest first.
        """
        self._ensure_custody()
        who, params = self._who(f)
        d = sql_date(when)
        rows = self.df(
            f"""
            WITH who AS (SELECT * FROM custody_people p WHERE {who}),
            known AS (
              SELECT DISTINCT s.person_id FROM custody_spans s JOIN who USING (person_id)
              WHERE s.kind IN ('held', 'house') AND s.hi <= {d}
            ),
            settled AS (  -- held, under house arrest or released on that day
              SELECT DISTINCT person_id FROM custody_spans WHERE valid_from <= {d} AND {d} <= valid_to
            )
            SELECT s.*, w.name, w.role, w.outlet
            FROM custody_spans s JOIN who w USING (person_id)
            WHERE s.person_id IN (SELECT person_id FROM known EXCEPT SELECT person_id FROM settled)
              AND s.lo <= {d}
            ORDER BY s.person_id, s.k
            """,
            params,
        )
        people: dict[str, list[dict]] = {}  # each person's events, in order (records once, not per group)
        for event in rows.to_dict("records"):
            people.setdefault(event["person_id"], []).append(event)
        out = [self._unknown_row(events, when) for events in people.values()]
        columns = [
            "person_id", "name", "role", "outlet", "status", "since", "since_precision", "what", "reason",
            "term_end", "sentence_months", "release_on", "release_precision", "source_titles", "source_locators",
        ]  # fmt: skip
        table = pd.DataFrame(out, columns=columns)
        if table.empty:
            return table.astype(object)
        return table.sort_values(["since", "name", "person_id"], ascending=[False, True, True]).reset_index(drop=True)

    @staticmethod
    def _unknown_row(events: list[dict], when: date) -> dict:
        """One person of ``status_unknown_on`` (their events, in order): their last held or house event
        and why they are not counted."""
        known = [e for e in events if e["kind"] in ("held", "house") and e["what"] != "term" and e["hi"] <= when]
        known = known or [e for e in events if e["kind"] in ("held", "house") and e["hi"] <= when]
        last = max(known, key=lambda e: (e["lo"], e["hi"], -PRECISION_RANK.get(e["precision"], 2), e["k"]))
        frees = sorted(
            (e for e in events if e["kind"] == "free" and e["lo"] <= when and possibly_after(e, last)),
            key=lambda e: (e["lo"], e["hi"]),
        )
        held = [e for e in events if e["kind"] == "held" and e["hi"] <= when]
        longest = max(held, key=lambda e: (e["valid_to"], e["what"] == "term")) if held else None
        term = longest if longest is not None and longest["what"] == "term" else None
        if frees:
            reason = "release_uncertain"
        elif last["kind"] == "house" or term is None:
            reason = "not_confirmed"
        else:
            reason = "term_ended"
        first = events[0]
        return {
            "person_id": first["person_id"],
            "name": first["name"],
            "role": first["role"],
            "outlet": first["outlet"],
            "status": last["kind"],
            "since": last["lo"],
            "since_precision": last["precision"],
            "what": last["what"],
            "reason": reason,
            "term_end": term["term_end"] if reason == "term_ended" else None,
            "sentence_months": term["term_months"] if reason == "term_ended" else None,
            "release_on": frees[0]["lo"] if frees else None,
            "release_precision": frees[0]["precision"] if frees else None,
            "source_titles": list(last["titles"]) if last["titles"] is not None else [],
            "source_locators": list(last["locators"]) if last["locators"] is not None else [],
        }

    def _held_counts(self, f: Filters, whens: list[date], roles: tuple[str, ...] | None = None) -> pd.DataFrame:
        """People held on each day of ``whens``, by basis: date, key (``confirmed``/``term``), n."""
        self._ensure_custody()
        if not whens:
            return pd.DataFrame({"date": [], "key": [], "n": []})
        who, params = self._who(f, roles)
        days = ", ".join(sql_date(w) for w in whens)
        return self.df(
            f"""
            WITH who AS (SELECT * FROM custody_people p WHERE {who}),
            d AS (SELECT unnest([{days}]) AS day),
            c AS (
              SELECT d.day, s.person_id, bool_or(s.what <> 'term') AS confirmed
              FROM d JOIN custody_spans s ON s.kind = 'held' AND s.valid_from <= d.day AND d.day <= s.valid_to
              JOIN who USING (person_id)
              GROUP BY ALL
            )
            SELECT day AS date, CASE WHEN confirmed THEN 'confirmed' ELSE 'term' END AS key, count(*) AS n
            FROM c GROUP BY ALL ORDER BY 1, 2
            """,
            params,
        )

    def held_by_month(self, f: Filters) -> pd.DataFrame:
        """The people held at the end of each month of the period, by basis (``confirmed`` or
        ``term``): month (its first day), date (its last day: the day counted), key, n, coverage (of
        detentions in that month: full / partial / none, ``coverage_level``), monitored — every month
        and both keys, zeros included."""
        months = [add_months(f.start, k) for k in range(f.months)]
        counts = self._held_counts(f, [month_end(m) for m in months])
        got = {(d, k): int(n) for d, k, n in zip(counts["date"], counts["key"], counts["n"], strict=True)}
        level = {m: self.coverage_level(m, month_end(m), ("detention",)) for m in months}
        rows = [
            (m, month_end(m), key, got.get((month_end(m), key), 0), level[m], level[m] != "none")
            for m in months
            for key in ("confirmed", "term")
        ]
        return pd.DataFrame(rows, columns=["month", "date", "key", "n", "coverage", "monitored"])

    def held_published(self, f: Filters) -> pd.DataFrame:
        """Published counts of the same thing in the period: journalists (and bloggers) held on one
        day (``CUSTODY_INDICATORS``, a one-day period inside the filter's), each beside the people
        held here on that day (journalists and bloggers, whatever the sidebar's roles and outlets: a
        published figure is a fixed number). Columns: figure_id, date, value, qualifier, unit,
        indicator, description, source_title, source_locator, documented."""
        self._ensure_custody()
        figures = self.df(
            f"""
            SELECT p.figure_id, p.period_end AS date, p.value, p.qualifier, p.unit, p.indicator, p.description,
              p.source_id, s.title AS source_title, p.source_locator
            FROM published_figures p JOIN sources s USING (source_id)
            WHERE p.indicator IN {_in(CUSTODY_INDICATORS)} AND p.period_start = p.period_end
              AND p.period_end >= ? AND p.period_end <= ?
            ORDER BY p.period_end, p.figure_id
            """,
            [f.start, f.end],
        )
        everyone = Filters(start=f.start, end=f.end, lang=f.lang)
        counts = self._held_counts(everyone, sorted(set(figures["date"])), CUSTODY_ROLES)
        per_day = counts.groupby("date")["n"].sum().to_dict() if len(counts) else {}
        figures["documented"] = [int(per_day.get(d, 0)) for d in figures["date"]]
        return figures
