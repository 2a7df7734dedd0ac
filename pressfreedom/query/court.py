"""Court decisions grouped into cases, verdicts, sentences and fines."""

from __future__ import annotations

from datetime import date

import pandas as pd

from pressfreedom.filters import Filters, precise_end
from pressfreedom.query.rules import (
    REPLACING_OUTCOMES,
    _in,
    _num,
)
from pressfreedom.vocab import (
    ACQUITTAL_OUTCOMES,
    CONVICTION_OUTCOMES,
    CUSTODIAL_OUTCOMES,
)


class CourtQueries:
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

    def offences_by_year(self, f: Filters) -> pd.DataFrame:
        """Which offences journalists and others are charged with, per year of the period: each person
        (else the incident, for an unnamed group) counts once per year and offence, whatever the number
        of arrests, extensions and verdicts that name it. Detentions and court
        decisions of the selection with an ``offence`` recorded; ``not_criminal`` (lawsuits, claims,
        block requests) kept apart by its own code.

        Columns: month (the year's first day), key (offence code), n — every year of the period,
        zeros included, like ``by_period`` at year grain (with the ``coverage`` of detentions and court outcomes).
        """
        where, params = f.with_(categories=("detention", "court_outcome"), subcategories=()).where("i")
        counts = self.df(
            f"""
            WITH charged AS (
              SELECT i.incident_id, i.date, coalesce(i.person_id, i.incident_id) AS case_key, k.offence
              FROM incidents i JOIN detentions k ON k.incident_id = i.incident_id WHERE {where}
              UNION ALL
              SELECT i.incident_id, i.date, coalesce(i.person_id, i.incident_id) AS case_key, k.offence
              FROM incidents i JOIN court_outcomes k ON k.incident_id = i.incident_id WHERE {where}
            )
            SELECT date_trunc('year', date)::DATE AS month, o AS key, count(DISTINCT case_key) AS n
            FROM (SELECT date, case_key, unnest(offence) AS o FROM charged WHERE len(offence) > 0)
            GROUP BY ALL
            """,
            params + params,
        )
        years = f.with_(grain="year").periods()
        pairs = {(m, k): n for m, k, n in zip(counts["month"], counts["key"], counts["n"], strict=True)}
        keys = sorted({k for _, k in pairs})
        out = pd.DataFrame(
            {
                "month": [m for m in years for _ in keys] or years,
                "key": pd.array([k for _ in years for k in keys] or [None] * len(years), dtype="str"),
                "n": [int(pairs.get((m, k), 0)) for m in years for k in keys] or [0] * len(years),
            }
        )
        level = {
            m: self.coverage_level(max(m, f.start), min(date(m.year, 12, 31), f.end), ("detention", "court_outcome"))
            for m in years
        }
        out["coverage"] = [level[m] for m in out["month"]]
        out["monitored"] = out["coverage"] != "none"
        return out
