"""The query layer on small fixture builds, against hand-checked values and independent pandas counts.

``rules_build`` is a dataset made for the counting rules (appeals, reduced sentences, chains of
appeals without a case id, month- and year-precision dates and blocks, status_as_of, cyberattacks,
groups); every expected number below is worked out by hand in the comments.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench import synth
from pressfreedom import figures
from pressfreedom.filters import Filters, add_months, month_end, period_condition
from pressfreedom.query import COUNTING_RULES, Query, _in, fold_name, overview
from tests import fixtures

Y2020 = Filters(start=date(2020, 1, 1), end=date(2020, 12, 31))
H2_2020 = Filters(start=date(2020, 7, 1), end=date(2020, 12, 31))


def _row(**kw) -> dict:
    base = dict(
        victim="Someone",
        person_id="",
        victim_role="journalist",
        group_size="",
        outlet="",
        location="Baku",
        perpetrator="unknown",
        summary="Rules fixture.",
        source_ids="src-a",
        source_locators="Section 1",
        related_ids="",
        case_id="",
        notes="",
        confidential="false",
    )
    base.update(kw)
    return base


def _court(**kw) -> dict:
    return _row(
        perpetrator="court",
        **{
            "court": "",
            "charge": "",
            "sentence_months": "",
            "fine_amount": "",
            "fine_currency": "",
            "appeal_of": "",
            **kw,
        },
    )


def rules_tables() -> dict[str, list[dict]]:
    sources = fixtures.rows("sources") + [
        dict(
            source_id="src-c",
            title="Rules report C",
            publisher="Rules NGO",
            published_on="2021-01-10",
            url="",
            language="en",
            coverage_start="2019-01-01",
            coverage_end="2020-12-31",
            licence="",
            notes="",
        )
    ]
    people = [
        dict(person_id=f"P-{i}", name=name, aliases=alias, role="journalist", notes="")
        for i, name, alias in (
            (1, "Person One", "Persson Uno|Персон Один"),
            (2, "Person Two", ""),
            (3, "Person Three", ""),
            (4, "Hüseynova Xədicə", "Khadija Huseynova"),
        )
    ]
    a = dict(context="protest", injured="unknown", equipment_damaged_or_seized="unknown")
    assaults = [
        _row(incident_id="RA-1", date="2020-03-05", victim="Person One", person_id="P-1", outlet="Outlet X",
             perpetrator="police", assault_type="beating", **{**a, "injured": "yes"}),
        _row(incident_id="RA-2", date="2020-03", victim="5 journalists", group_size="5", outlet="Outlet X",
             perpetrator="police", assault_type="violence_at_protest", **a),
        _row(incident_id="RA-3", date="2020", victim="Person Two", person_id="P-2", assault_type="stabbing",
             victim_role="activist",
             **{**a, "context": "unknown", "equipment_damaged_or_seized": "yes"}),
        _row(incident_id="RA-4", date="2019", victim="Person Three", person_id="P-3", assault_type="beating", **a),
        _row(incident_id="RA-5", date="2020-07-10", victim="Person One", person_id="P-1",
             perpetrator="unidentified_attackers", assault_type="beating", **{**a, "context": "reporting"}),
    ]  # fmt: skip
    d = dict(charge="", released_on="", duration_days="")
    detentions = [
        _row(incident_id="RD-1", date="2020-03-05", victim="Person One", person_id="P-1", perpetrator="police",
             detention_type="administrative_detention", **{**d, "duration_days": "15"}),
        _row(incident_id="RD-2", date="2020-04-01", victim="Hüseynova Xədicə", person_id="P-4",
             detention_type="administrative_detention", **{**d, "released_on": "2020-04-11"}),
        _row(incident_id="RD-3", date="2020-05", victim="Person Two", person_id="P-2",
             detention_type="administrative_detention", **d),
        _row(incident_id="RD-4", date="2020-06-02", victim="Person Three", person_id="P-3",
             detention_type="pretrial_detention", **{**d, "released_on": "2020-09-30"}),
    ]  # fmt: skip
    b = dict(victim_role="website", blocked_from="", blocked_until="", status_as_of="", basis="")
    blockings = [
        _row(incident_id="RB-1", date="2020-02-10", victim="a.az", blocking_type="court_ordered_block", domain="a.az",
             **{**b, "blocked_from": "2020-02-10", "blocked_until": "2020-04-05", "status_as_of": "2020-04-05"}),
        _row(incident_id="RB-2", date="2020-03", victim="b.az", blocking_type="administrative_block", domain="B.az",
             **{**b, "blocked_from": "2020-03", "status_as_of": "2020-06-30"}),
        _row(incident_id="RB-3", date="2020", victim="c.az", blocking_type="unknown", domain="c.az",
             **{**b, "status_as_of": "2020-12-31"}),
        _row(incident_id="RB-4", date="2020-05-01", victim="d.az", blocking_type="cyberattack", domain="d.az",
             **{**b, "blocked_from": "2020-05-01", "blocked_until": "2020-05-03", "status_as_of": "2020-05-03"}),
        _row(incident_id="RB-5", date="2019-06-01", victim="e.az", blocking_type="court_ordered_block", domain="e.az",
             source_ids="src-c", **{**b, "blocked_from": "2019-06-01", "status_as_of": "2020-02-15"}),
    ]  # fmt: skip
    court = [
        _court(incident_id="RC-1", date="2020-02-10", victim="Person One", person_id="P-1", case_id="K1",
               outcome="prison_sentence", sentence_months="24", victim_role="blogger", charge="insult",
               offence="defamation_or_insult"),
        _court(incident_id="RC-2", date="2020-06-15", victim="Person One", person_id="P-1", case_id="K1",
               outcome="acquittal", appeal_of="RC-1"),
        _court(incident_id="RC-3", date="2020-04-20", victim="Person Two", person_id="P-2", case_id="K2",
               outcome="prison_sentence", sentence_months="60", charge="fraud", offence="fraud"),
        _court(incident_id="RC-4", date="2021-02-01", victim="Person Two", person_id="P-2", case_id="K2",
               outcome="sentence_reduced", sentence_months="36", appeal_of="RC-3"),
        _court(incident_id="RC-5", date="2020-05-05", victim="Person Three", person_id="P-3",
               outcome="suspended_sentence", sentence_months="12", charge="defamation", offence="defamation_or_insult"),
        _court(incident_id="RC-6", date="2020-07-01", victim="Hüseynova Xədicə", person_id="P-4",
               outcome="prison_sentence", sentence_months="12"),
        _court(incident_id="RC-7", date="2020-09-01", victim="Hüseynova Xədicə", person_id="P-4",
               outcome="appeal_rejected", appeal_of="RC-6"),
        _court(incident_id="RC-8", date="2019", victim="Person Three", person_id="P-3", case_id="K5",
               outcome="fine", fine_amount="100", fine_currency="AZN", source_ids="src-c"),
        _court(incident_id="RC-9", date="2020-08-08", victim="Person Two", person_id="P-2", outcome="acquittal"),
        _court(incident_id="RC-10", date="2020-10", victim="Hüseynova Xədicə", person_id="P-4", case_id="K6",
               outcome="prison_sentence"),
        _court(incident_id="RC-11", date="2020-11-11", victim="Person One", person_id="P-1", case_id="K7",
               outcome="pending"),
        _court(incident_id="RC-12", date="2020-12-01", victim="Person Three", person_id="P-3",
               outcome="fine", fine_amount="250", fine_currency="EUR", victim_role="activist", charge="insult",
               offence="defamation_or_insult|hooliganism"),
    ]  # fmt: skip
    fig = dict(
        source_id="src-a",
        source_locator="p. 1",
        subcategory="",
        description="x",
        notes="",
        counterpart="itemised",
        victim_roles="",
        offences="",
    )
    figures = [
        dict(fig, figure_id="F-1", period_start="2020-01-01", period_end="2020-12-31", category="physical_assault",
             indicator="assaults", value="26", qualifier="at_least", unit="incidents"),
        dict(fig, figure_id="F-2", period_start="2020-03-01", period_end="2020-04-30", category="detention",
             subcategory="administrative_detention", indicator="admin", value="3", qualifier="exactly", unit="people"),
        dict(fig, figure_id="F-3", period_start="2020-01-01", period_end="2020-12-31", category="website_blocking",
             indicator="sites", value="10", qualifier="more_than", unit="websites"),
        dict(fig, figure_id="F-4", period_start="2020-01-01", period_end="2020-12-31", category="",
             indicator="other", value="130", qualifier="more_than", unit="incidents", counterpart=""),
        dict(fig, figure_id="F-5", period_start="2020-03-05", period_end="2020-03-05", category="physical_assault",
             indicator="day", value="1", qualifier="exactly", unit="incidents"),
        dict(fig, figure_id="F-6", period_start="2019-01-01", period_end="2019-12-31", category="physical_assault",
             indicator="old", value="9", qualifier="about", unit="incidents"),
        # narrower than its kind: prosecutions of journalists and bloggers for defamation or insult
        dict(fig, figure_id="F-7", period_start="2020-01-01", period_end="2020-12-31", category="court_outcome",
             indicator="defamation", value="13", qualifier="at_least", unit="incidents",
             victim_roles="journalist|blogger", offences="defamation_or_insult"),
        # narrower than its kind by role only: assaults on journalists
        dict(fig, figure_id="F-8", period_start="2020-01-01", period_end="2020-12-31", category="physical_assault",
             indicator="journalists", value="26", qualifier="at_least", unit="incidents", victim_roles="journalist"),
        # a kind, but nothing here counts the same thing: no counterpart (never the whole kind)
        dict(fig, figure_id="F-9", period_start="2020-01-01", period_end="2020-12-31", category="court_outcome",
             indicator="prisoners", value="90", qualifier="at_least", unit="people", counterpart="none"),
    ]  # fmt: skip
    return dict(
        sources=sources,
        people=people,
        assaults=assaults,
        detentions=detentions,
        blockings=blockings,
        court_outcomes=court,
        published_figures=figures,
    )


@pytest.fixture(scope="module")
def rules_build(tmp_path_factory):
    return fixtures.compiled(tmp_path_factory.mktemp("rules-build"), **rules_tables())


@pytest.fixture(scope="module")
def q(rules_build) -> Query:
    return Query(rules_build)


@pytest.fixture(scope="module")
def fq(fixture_build) -> Query:
    return Query(fixture_build)


def test_the_rules_build_compiled_every_row(q):
    assert q.manifest["rejected_rows"] == 0
    assert q.manifest["outputs"]["incidents.parquet"] == 5 + 4 + 5 + 12


# -- periods and precision ---------------------------------------------------------------------


def test_a_year_precision_incident_counts_only_when_its_whole_year_is_inside(q):
    ids = lambda f: sorted(q.incidents(f)["incident_id"])  # noqa: E731
    # RA-3 (2020) and RB-3 (2020) are in the year 2020 ...
    assert {"RA-3", "RB-3"} <= set(ids(Y2020))
    # ... but not in its second half, nor in a single month
    assert not {"RA-3", "RB-3"} & set(ids(H2_2020))
    assert ids(Filters(start=date(2020, 1, 1), end=date(2020, 1, 31))) == []


def test_a_month_precision_incident_counts_in_its_month_only(q):
    march = Filters(start=date(2020, 3, 1), end=date(2020, 3, 31))
    assert sorted(q.incidents(march)["incident_id"]) == ["RA-1", "RA-2", "RB-2", "RD-1"]
    april = Filters(start=date(2020, 4, 1), end=date(2020, 4, 30))
    assert "RA-2" not in set(q.incidents(april)["incident_id"])


def test_year_only_incidents_of_a_cut_year_are_counted_apart(q):
    cut = Filters(start=date(2019, 7, 1), end=date(2020, 6, 30))
    assert q.year_only_apart(cut) == 4  # RA-4 (2019), RC-8 (2019), RA-3 (2020), RB-3 (2020)
    assert q.year_only_apart(Y2020) == 0
    assert q.year_only_in_period(Y2020) == 2  # RA-3, RB-3


def test_monthly_has_every_month_with_zeros_and_leaves_year_only_out(q):
    m = q.monthly(Y2020, "category")
    assert len(m) == 12 * 4
    assert m["month"].nunique() == 12
    pivot = m.pivot(index="month", columns="key", values="n")
    assert pivot["physical_assault"].tolist() == [0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    assert pivot["detention"].tolist() == [0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    assert pivot["website_blocking"].tolist() == [0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert pivot["court_outcome"].tolist() == [0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    assert int(m["n"].sum()) == 22 - 2  # every 2020 incident except the two known only to the year
    assert m["monitored"].all()


def test_monthly_marks_months_outside_every_source_as_not_monitored(fq):
    f = Filters(start=date(2019, 11, 1), end=date(2020, 2, 29))
    m = fq.monthly(f, "category").groupby("month")["monitored"].first()
    assert m.tolist() == [False, False, True, True]


def test_monthly_by_people_counts_people_not_incidents(q):
    m = q.monthly(Y2020.with_(count="people", categories=("physical_assault",)), "category")
    assert m["n"].tolist() == [0, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0]  # March: Person One + a group of 5


def test_monthly_by_assault_context(q):
    m = q.monthly(Y2020.with_(categories=("physical_assault",)), "context")
    got = {(r.month.month, r.key): r.n for r in m.itertuples() if r.n}
    assert got == {(3, "protest"): 2, (7, "reporting"): 1}


# -- KPIs ----------------------------------------------------------------------------------------


def test_kpis_for_2020_hand_checked(q):
    k = q.kpis(Y2020)
    got = {key: k[key] for key in (
        "incidents", "people", "assaults", "assaults_people", "detentions", "detentions_people",
        "blocking_incidents", "cyberattacks", "court_outcomes", "year_only_in_period", "convictions",
        "convictions_people", "overturned", "acquittals", "prison_months", "prison_unknown", "websites_blocked",
    )}  # fmt: skip
    assert got == {
        "incidents": 22,  # 4 assaults + 4 detentions + 4 blockings + 10 court decisions
        "people": 13,  # P-1..P-4, a group of 5, four websites without a person id
        "assaults": 4,
        "assaults_people": 7,  # Person One (twice), a group of 5, Person Two
        "detentions": 4,
        "detentions_people": 4,
        "blocking_incidents": 3,
        "cyberattacks": 1,
        "court_outcomes": 10,
        "year_only_in_period": 2,
        "convictions": 5,  # K2, RC-5, RC-6 (chain with RC-7), K6, RC-12; K1 was overturned
        "convictions_people": 3,  # P-2, P-3, P-4
        "overturned": 1,  # K1: convicted in February, acquitted on appeal in June
        "acquittals": 2,  # RC-2 (K1) and RC-9
        "prison_months": 48.0,  # K2 reduced to 36 on appeal + RC-6 12; K6 has no stated term
        "prison_unknown": 1,
        "websites_blocked": 1,  # c.az, confirmed on 31 December
    }
    assert k["prison_years"] == 4.0
    assert k["previous"] is None and k["comparable"] is False  # 2019 is not monitored by src-a/src-b


def test_kpis_compare_with_the_previous_period_only_when_sources_cover_both(q):
    k = q.kpis(H2_2020)
    assert k["comparable"] is True
    assert (k["incidents"], k["previous"]["incidents"]) == (7, 13)  # RA-5 + six court decisions | first half
    assert (k["convictions"], k["previous"]["convictions"]) == (3, 2)  # RC-6, K6, RC-12 | K2, RC-5
    assert (k["start"], k["end"]) == (date(2020, 7, 1), date(2020, 12, 31))
    assert (k["previous"]["start"], k["previous"]["end"]) == (date(2020, 1, 1), date(2020, 6, 30))
    assert k["previous"]["websites_blocked"] == 1  # b.az, confirmed to 30 June


def test_kpis_follow_the_other_filters(q):
    k = q.kpis(Y2020.with_(perpetrators=("police",)))
    assert (k["incidents"], k["assaults"], k["detentions"]) == (3, 2, 1)
    assert q.kpis(Y2020.with_(categories=("detention",)))["websites_blocked"] == 0


def test_kpis_equal_counts_computed_independently_with_pandas(fixture_build, fq):
    """The fixture build read with pandas, the period rule written out again: same numbers."""
    inc = pd.read_parquet(fixture_build / "incidents.parquet")
    day = pd.to_datetime(inc["date"])
    year_end = pd.to_datetime(day.dt.year.astype(str) + "-12-31")
    month_end = day + pd.offsets.MonthEnd(0)
    last = day.where(inc["date_precision"] == "day", month_end.where(inc["date_precision"] == "month", year_end))
    for f in (Y2020, Filters(start=date(2020, 2, 1), end=date(2020, 3, 31)), H2_2020):
        s, e = pd.Timestamp(f.start), pd.Timestamp(f.end)
        sel = inc[(day >= s) & (last <= e)]
        k = fq.kpis(f)
        assert k["incidents"] == len(sel)
        for cat, key in (
            ("physical_assault", "assaults"),
            ("detention", "detentions"),
            ("court_outcome", "court_outcomes"),
        ):
            assert k[key] == int((sel["category"] == cat).sum()), (f, key)
        named = sel["person_id"].dropna().nunique()
        unnamed = sel.loc[sel["person_id"].isna(), "group_size"].fillna(1).sum()
        assert k["people"] == named + int(unnamed)


def test_fixture_kpis_hand_checked(fq):
    k = fq.kpis(fq.default_filters())
    assert (k["incidents"], k["people"], k["detentions"], k["convictions"], k["prison_months"]) == (10, 18, 3, 2, 51.0)
    assert k["websites_blocked"] == 1  # fixture-news.az still blocked on 31 December; Facebook ended 14 Nov


def test_overview_returns_everything_the_page_shows_in_one_call(q):
    o = overview(q, Y2020)
    assert set(o) == {"kpis", "monthly", "events", "published", "top_outlets", "sources"}
    assert o["kpis"]["incidents"] == 22
    assert int(o["monthly"]["n"].sum()) == 20
    assert o["top_outlets"].values.tolist() == [["Outlet X", 2], ["a.az", 1], ["b.az", 1], ["c.az", 1], ["d.az", 1]]
    assert o["sources"][["source_id", "n"]].values.tolist() == [["src-a", 22]]


# -- court ---------------------------------------------------------------------------------------


def test_court_cases_latest_outcome_per_case(q):
    cases = q.court_cases(Y2020)
    got = {r.case_key: (r.status, r.verdict, None if pd.isna(r.sentence_months) else r.sentence_months, r.custodial)
           for r in cases.itertuples()}  # fmt: skip
    assert got == {
        "case:K1": ("overturned", "acquittal", None, False),
        "case:K2": ("conviction", "sentence_reduced", 36.0, True),
        "chain:RC-5": ("conviction", "suspended_sentence", 12.0, False),
        "chain:RC-6": ("conviction", "prison_sentence", 12.0, True),
        "chain:RC-9": ("acquittal", "acquittal", None, False),
        "case:K6": ("conviction", "prison_sentence", None, True),
        "chain:RC-12": ("conviction", "fine", None, False),
    }
    assert q.case_incident_ids(Y2020, ["chain:RC-6", "case:K1"]) == ["RC-1", "RC-2", "RC-6", "RC-7"]


def test_a_conviction_before_the_period_is_not_counted_in_it(q):
    assert q.kpis(Filters(start=date(2021, 1, 1), end=date(2021, 12, 31)))["convictions"] == 0  # RC-4 reduces K2
    assert q.kpis(Filters(start=date(2019, 1, 1), end=date(2019, 12, 31)))["convictions"] == 1  # RC-8, K5


def test_fines_per_currency(q):
    assert q.fines(Y2020).values.tolist() == [["EUR", 1, 250.0, 0]]
    assert q.fines(Filters(start=date(2019, 1, 1), end=date(2019, 12, 31))).values.tolist() == [["AZN", 1, 100.0, 0]]


# -- detentions ------------------------------------------------------------------------------------


def test_detention_days_stated_or_from_exact_dates(q):
    assert q.detention_days(Y2020) == {"days": 25, "with_days": 2, "without_days": 1}  # 15 stated + 10 computed
    longest = q.longest_held(Y2020)
    assert longest[["incident_id", "n", "stated"]].values.tolist() == [
        ["RD-4", 120, False],  # 2 June → 30 September
        ["RD-1", 15, True],
        ["RD-2", 10, False],
    ]


# -- blocks ----------------------------------------------------------------------------------------


def test_blocked_at_never_assumes_past_status_as_of(q):
    f = Y2020
    assert q.blocked_at(f, date(2020, 12, 31)) == 1  # c.az (confirmed that day); b.az only to 30 June
    assert q.blocked_at(f, date(2020, 6, 30)) == 1  # b.az; c.az's start is known only to the year
    assert q.blocked_at(f, date(2020, 7, 1)) == 0
    # b.az began in March (known to the month): certain only from 31 March; e.az last confirmed 15 February
    assert q.blocked_at(f, date(2020, 3, 15)) == 1  # a.az


def test_blocked_at_with_a_start_known_only_to_the_month(q):
    assert q.blocked_at(Y2020, date(2020, 3, 31)) == 2  # a.az, and b.az from the last day of March
    assert q.blocked_at(Y2020, date(2020, 2, 15)) == 2  # a.az and e.az (confirmed that day)
    assert q.blocked_at(Y2020, date(2020, 2, 16)) == 1  # e.az no longer confirmed


def test_active_blocks_per_month(q):
    a = q.active_blocks_by_month(Y2020)
    assert a["confirmed"].tolist() == [1, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 1]
    assert a["start_uncertain"].tolist() == [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]  # c.az, known only to 2020
    assert a["n"].tolist() == a["confirmed"].tolist()


def test_block_timeline_rows(q):
    t = q.block_timeline(Y2020)
    got = [(r.domain, r.start_precision, r.start_certain, r.end_confirmed, r.open_ended) for r in t.itertuples()]
    assert got == [
        ("e.az", "day", date(2019, 6, 1), date(2020, 2, 15), True),
        ("c.az", "year", date(2020, 12, 31), date(2020, 12, 31), True),
        ("a.az", "day", date(2020, 2, 10), date(2020, 4, 5), False),
        ("B.az", "month", date(2020, 3, 31), date(2020, 6, 30), True),
    ]


def test_cyberattacks_are_apart(q):
    assert q.cyberattacks(Y2020)["incident_id"].tolist() == ["RB-4"]


# -- published figures ---------------------------------------------------------------------------


def test_published_vs_documented_same_kind_period_and_unit(q):
    p = q.published_vs_documented(Y2020).set_index("figure_id")
    assert sorted(p.index) == ["F-1", "F-2", "F-3", "F-4", "F-5", "F-7", "F-8", "F-9"]  # F-6 lies in 2019
    got = {fid: (None if pd.isna(p.loc[fid, "documented"]) else int(p.loc[fid, "documented"])) for fid in p.index}
    assert got == {
        "F-1": 4,  # assaults in 2020: RA-1, RA-2, RA-3, RA-5
        "F-2": 2,  # people in administrative detention in March–April: P-1, P-4
        "F-3": 3,  # distinct blocked domains in 2020: a.az, b.az, c.az (the cyberattack is not a block)
        "F-4": None,  # no kind, and no counterpart (the empty cell means none)
        "F-5": 1,  # 5 March only: RA-1 (RA-2 is known only to the month)
        "F-7": 2,  # RC-1 (blogger), RC-5 (journalist); not RC-12 (an activist), RC-3 (fraud), nor the rest
        "F-8": 3,  # RA-1, RA-2, RA-5; not RA-3 (an activist)
        "F-9": None,  # counterpart none: no count, though 2020 has court outcomes
    }
    assert list(p.loc["F-1", "incident_ids"]) == ["RA-3", "RA-2", "RA-1", "RA-5"]  # by stored date
    assert p.loc["F-2", "documented_unit"] == "people"


def test_a_figure_narrower_than_its_kind_counts_only_the_rows_that_match_it(q):
    """Prosecutions of journalists and bloggers for defamation: only court outcomes with that offence and
    those roles (the old rule counted every court outcome of 2020 — the kind — beside it)."""
    p = q.published_vs_documented(Y2020).set_index("figure_id")
    whole_kind = q.rows(
        "SELECT count(*) FROM incidents WHERE category = 'court_outcome' AND date >= '2020-01-01' "
        "AND date <= '2020-12-31' AND date_precision <> 'year'"
    )[0][0]
    assert whole_kind > 2 and int(p.loc["F-7", "documented"]) == 2
    assert list(p.loc["F-7", "incident_ids"]) == ["RC-1", "RC-5"]


def test_itemised_incidents_listed_for_a_figure_all_match_its_spec(q):
    p = q.published_vs_documented(Y2020)
    inc = q.df("SELECT incident_id, category, subcategory, victim_role, date FROM incidents").set_index("incident_id")
    offs = dict(
        q.rows("SELECT incident_id, offence FROM detentions UNION ALL SELECT incident_id, offence FROM court_outcomes")
    )
    checked = 0
    for r in p.itertuples():
        ids = [] if not isinstance(r.incident_ids, np.ndarray) else list(r.incident_ids)
        if r.counterpart != "itemised":
            assert pd.isna(r.documented) and not ids, r.figure_id
            continue
        for iid in ids:
            row = inc.loc[iid]
            assert row["category"] == r.category, (r.figure_id, iid)
            assert not isinstance(r.subcategory, str) or row["subcategory"] == r.subcategory, (r.figure_id, iid)
            assert len(r.victim_roles) == 0 or row["victim_role"] in list(r.victim_roles), (r.figure_id, iid)
            assert len(r.offences) == 0 or set(offs.get(iid) or []) & set(r.offences), (r.figure_id, iid)
            assert r.period_start <= row["date"] <= r.period_end, (r.figure_id, iid)
            checked += 1
    assert checked >= 10


def test_a_figure_with_no_counterpart_shows_none_on_every_surface(q):
    p = q.published_vs_documented(Y2020)
    rows, other = figures.published_rows(p, Y2020)
    assert "F-9" not in {r.figure_id for r in rows} and "F-4" not in {r.figure_id for r in rows}
    assert other == 2
    # each row is named by its own description, not by its kind
    assert {r.indicator for r in rows} == {"x"}


def test_published_figures_ignore_the_sidebars_other_filters(q):
    p = q.published_vs_documented(Y2020.with_(perpetrators=("police",))).set_index("figure_id")
    assert int(p.loc["F-1", "documented"]) == 4


# -- people ----------------------------------------------------------------------------------------


def test_fold_name_folds_case_accents_and_transliterations():
    assert fold_name("Hüseynova") == fold_name("HUSEYNOVA") == "huseinova"
    assert fold_name("Xədicə") == fold_name("Khadija")


def test_search_finds_aliases_and_spelling_variants(q):
    assert q.search(Y2020, "persson")["key"].tolist() == ["P-1"]
    assert q.search(Y2020, "ПЕРСОН")["key"].tolist() == ["P-1"]
    assert q.search(Y2020, "khadija huseynova")["key"].tolist() == ["P-4"]
    assert q.search(Y2020, "Xədicə")["key"].tolist() == ["P-4"]
    assert q.search(Y2020, "outlet x")[["kind", "key", "incidents"]].values.tolist() == [["outlet", "Outlet X", 2]]
    assert q.search(Y2020, "x").empty  # too short to search


def test_timeline_of_one_person_across_kinds_in_date_order(q):
    t = q.timeline(Y2020, "person", "P-1")
    assert t["incident_id"].tolist() == ["RC-1", "RA-1", "RD-1", "RC-2", "RA-5", "RC-11"]
    assert q.timeline(H2_2020, "person", "P-1", True)["incident_id"].tolist() == ["RA-5", "RC-11"]
    assert list(t.iloc[0]["source_titles"]) == ["Fixture report A"]


def test_default_period_is_the_latest_year_a_source_covers_in_full(q, fq):
    assert (fq.default_filters().start, fq.default_filters().end) == (date(2020, 1, 1), date(2020, 12, 31))
    assert (q.default_filters().start, q.default_filters().end) == (date(2020, 1, 1), date(2020, 12, 31))


def test_source_contributions(q):
    c = q.source_contributions().set_index("source_id")
    assert c.loc["src-a", "incidents"] == 26 - 2  # every incident cites src-a except RB-5 and RC-8
    assert c.loc["src-c", "incidents"] == 2
    assert c.loc["src-c", "website_blocking"] == 1
    assert c.loc["src-a", "figures"] == 9  # F-1…F-9


# -- the overview's one statement against straightforward per-number SQL ---------------------------
#
# ``Query.overview`` computes the KPIs, the counts by month, the outlets and the sources in one
# statement over a per-build projection, and the court, block and published-figure numbers from
# per-build tables. Below, every number is computed again the plain way — one SQL query per number
# over the compiled Parquet, with ``Filters.where`` — for many random filter states over four
# builds: the rules build, the fixture build, the shipped data and a small synthetic set.

REPO = Path(__file__).resolve().parents[1]


def _build(root: Path, raw: Path) -> Path:
    return fixtures.compile_raw(raw, root / "processed")


@pytest.fixture(scope="module")
def shipped_build(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("shipped-build"), REPO / "data" / "raw")


@pytest.fixture(scope="module")
def synthetic_build(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic-build")
    synth.generate(root / "raw", 3000)
    return _build(root, root / "raw")


def random_states(q: Query, seed: int, count: int) -> list[Filters]:
    """Filter states like a user's: any period (often whole years, so year-only incidents count;
    often with a comparable previous period), sometimes kinds, types, roles, outlets, places,
    perpetrators, and either count mode."""
    rnd = random.Random(seed)
    lo, hi = q.data_span()
    options = {c: q.options(c) for c in ("category", "victim_role", "outlet", "location", "perpetrator")}
    subs = q.subcategory_options()

    def some(values: list[str], p: float) -> tuple[str, ...]:
        if not values or rnd.random() >= p:
            return ()
        return tuple(sorted(rnd.sample(values, rnd.randint(1, min(3, len(values))))))

    states = []
    for _ in range(count):
        year = rnd.randint(lo.year - 1, hi.year + 1)
        if rnd.random() < 0.4:  # whole years
            start, end = date(year, 1, 1), date(year + rnd.randint(0, 2), 12, 31)
        else:
            start = date(year, rnd.randint(1, 12), 1)
            end = month_end(add_months(start, rnd.randint(0, 40)))
        states.append(
            Filters(
                start=start,
                end=end,
                categories=some(options["category"], 0.35),
                subcategories=some(subs, 0.15),
                roles=some(options["victim_role"], 0.25),
                outlets=some(options["outlet"], 0.1),
                locations=some(options["location"], 0.1),
                perpetrators=some(options["perpetrator"], 0.2),
                count="people" if rnd.random() < 0.4 else "incidents",
            )
        )
    return states


def _one(q: Query, sql: str, params: list) -> float:
    v = q.rows(sql, params)[0][0]
    return 0 if v is None else v


def ref_comparable(q: Query, f: Filters) -> bool:
    """Both periods fully covered by comprehensive reviews for each kind shown, and every review
    touching either period covers both in full (coverage table; without one, each source's stated
    period stands for a review of every kind)."""
    prev = f.previous()
    kinds = f.categories or ("physical_assault", "detention", "website_blocking", "court_outcome")
    rows = q.rows(
        "SELECT category, period_start, period_end FROM coverage WHERE coverage_type = 'comprehensive_review'"
    )
    if not q.rows("SELECT 1 FROM coverage LIMIT 1"):
        src = q.rows(
            "SELECT coverage_start, coverage_end FROM sources WHERE coverage_start IS NOT NULL AND coverage_end IS NOT NULL"
        )
        rows = [(c, s, e) for s, e in src for c in kinds]
    touching = [(c, s, e) for c, s, e in rows if c in kinds and s <= f.end and e >= prev.start]
    return all(any(c == kind for c, _, _ in touching) for kind in kinds) and all(
        s <= prev.start and e >= f.end for _, s, e in touching
    )


def ref_kpis(q: Query, f: Filters) -> dict:
    """Each KPI by its own query over incidents.parquet (and the case verdicts, the block episodes)."""
    cyber = f"i.category = 'website_blocking' AND i.subcategory IN {_in(COUNTING_RULES.not_a_block)}"

    def count(ff: Filters, cond: str = "TRUE") -> int:
        where, params = ff.where("i")
        return int(_one(q, f"SELECT count(*) FROM incidents i WHERE {where} AND ({cond})", params))

    def people(ff: Filters, cond: str = "TRUE") -> int:
        where, params = ff.where("i")
        named = _one(q, f"SELECT count(DISTINCT i.person_id) FROM incidents i WHERE {where} AND ({cond})", params)
        unnamed = _one(
            q,
            f"SELECT sum(coalesce(i.group_size, 1)) FROM incidents i WHERE {where} AND ({cond}) AND i.person_id IS NULL",
            params,
        )
        return int(named + unnamed)

    def court(ff: Filters) -> dict:
        q._ensure_verdicts()
        where, params = ff.where("i")
        sel = f"(SELECT i.incident_id FROM incidents i WHERE {where} AND i.category = 'court_outcome')"
        first = f"v.first_conviction_id IN {sel}"
        return {
            "convictions": int(_one(q, f"SELECT count(*) FROM case_verdicts v WHERE v.standing AND {first}", params)),
            "convictions_people": int(
                _one(q, f"SELECT count(DISTINCT v.person_id) FROM case_verdicts v WHERE v.standing AND {first}", params)
                + _one(
                    q,
                    f"SELECT count(*) FROM case_verdicts v WHERE v.standing AND v.person_id IS NULL AND {first}",
                    params,
                )
            ),
            "overturned": int(_one(q, f"SELECT count(*) FROM case_verdicts v WHERE v.overturned AND {first}", params)),
            "acquittals": int(
                _one(
                    q,
                    f"SELECT count(*) FROM case_verdicts v WHERE v.verdict IN {_in(COUNTING_RULES.acquittal_outcomes)} "
                    f"AND v.verdict_id IN {sel}",
                    params,
                )
            ),
            "prison_months": float(
                _one(q, f"SELECT sum(v.verdict_months) FROM case_verdicts v WHERE v.custodial AND {first}", params)
            ),
            "prison_unknown": int(
                _one(
                    q,
                    f"SELECT count(*) FROM case_verdicts v WHERE v.custodial AND v.verdict_months IS NULL AND {first}",
                    params,
                )
            ),
        }

    def period(ff: Filters) -> dict:
        out = {
            "incidents": count(ff),
            "people": people(ff),
            "assaults": count(ff, "i.category = 'physical_assault'"),
            "assaults_people": people(ff, "i.category = 'physical_assault'"),
            "detentions": count(ff, "i.category = 'detention'"),
            "detentions_people": people(ff, "i.category = 'detention'"),
            "blocking_incidents": count(ff, f"i.category = 'website_blocking' AND NOT coalesce({cyber}, FALSE)"),
            "cyberattacks": count(ff, cyber),
            "court_outcomes": count(ff, "i.category = 'court_outcome'"),
            "year_only_in_period": count(ff, "i.date_precision = 'year'"),
            "year_only_in_period_people": people(ff, "i.date_precision = 'year'"),
            "dated_people": people(ff, "i.date_precision <> 'year'"),
            **court(ff),
            "websites_blocked": q.blocked_at(ff, ff.end),
            "start": ff.start,
            "end": ff.end,
        }
        out["prison_years"] = out["prison_months"] / 12
        return out

    k = period(f)
    comparable = ref_comparable(q, f)
    k["previous"] = period(f.previous()) if comparable else None
    k["comparable"] = comparable
    where, params = f.where_year_only_apart("i")
    k["year_only_apart"] = int(_one(q, f"SELECT count(*) FROM incidents i WHERE {where}", params))
    return k


def ref_monthly_counts(q: Query, f: Filters) -> dict:
    """(month, kind) → incidents or people, year-only incidents left out, from a plain GROUP BY."""
    where, params = f.where("i")
    measure = (
        "count(*)"
        if f.count == "incidents"
        else "count(DISTINCT i.person_id) + coalesce(sum(coalesce(i.group_size, 1)) FILTER (WHERE i.person_id IS NULL), 0)"
    )
    rows = q.rows(
        f"SELECT date_trunc('month', i.date)::DATE, i.category, {measure} FROM incidents i "
        f"WHERE {where} AND i.date_precision <> 'year' GROUP BY ALL",
        params,
    )
    return {(m, k): int(n) for m, k, n in rows}


def ref_outlets(q: Query, f: Filters) -> list[list]:
    where, params = f.where("i")
    outlet = f"coalesce(i.outlet, CASE WHEN i.victim_role IN {_in(COUNTING_RULES.outlet_roles)} THEN i.victim END)"
    measure = (
        "count(*)"
        if f.count == "incidents"
        else "count(DISTINCT i.person_id) + coalesce(sum(coalesce(i.group_size, 1)) FILTER (WHERE i.person_id IS NULL), 0)"
    )
    rows = q.rows(
        f"SELECT {outlet} AS key, {measure} AS n FROM incidents i WHERE {where} AND {outlet} IS NOT NULL "
        f"AND {outlet} <> '[withheld]' GROUP BY ALL ORDER BY n DESC, key LIMIT 10",
        params,
    )
    return [[k, int(n)] for k, n in rows]


def ref_sources(q: Query, f: Filters) -> list[list]:
    where, params = f.where("i")
    rows = q.rows(
        f"SELECT s.source_id, s.title, s.publisher, count(*) AS n "
        f"FROM (SELECT unnest(i.source_ids) AS sid FROM incidents i WHERE {where}) u "
        f"JOIN sources s ON s.source_id = u.sid GROUP BY ALL ORDER BY n DESC, s.title, s.source_id",
        params,
    )
    return [list(r) for r in rows]


def ref_figures(q: Query, f: Filters) -> dict:
    """figure id → (documented, itemised incident ids), one query per figure inside the period: only
    itemised figures, matched on kind, type, victim roles and offences (an empty list: any)."""
    out = {}
    for fid, cat, sub, ps, pe, unit, counterpart, roles, offences in q.rows(
        "SELECT p.figure_id, p.category, p.subcategory, p.period_start, p.period_end, p.unit, p.counterpart, "
        "p.victim_roles, p.offences "
        "FROM published_figures p JOIN sources s USING (source_id) WHERE p.period_start >= ? AND p.period_end <= ?",
        [f.start, f.end],
    ):
        if f.categories and cat not in f.categories:
            continue
        if cat is None or counterpart != "itemised":
            out[fid] = (None, None)
            continue
        # the figure's own period, by the same rule as a filter's period
        cond = f"{period_condition('i.', '?', '?')} AND i.category = ?" + (" AND i.subcategory = ?" if sub else "")
        params = [ps, pe, pe, cat] + ([sub] if sub else [])
        if roles:
            cond += f" AND i.victim_role IN ({', '.join('?' * len(roles))})"
            params += list(roles)
        if offences:
            cond += (
                " AND i.incident_id IN (SELECT incident_id FROM (SELECT incident_id, unnest(offence) AS o FROM "
                f"detentions UNION ALL SELECT incident_id, unnest(offence) FROM court_outcomes) "
                f"WHERE o IN ({', '.join('?' * len(offences))}))"
            )
            params += list(offences)
        ids = [
            r[0]
            for r in q.rows(
                f"SELECT i.incident_id FROM incidents i WHERE {cond} ORDER BY i.date, i.incident_id", params
            )
        ]
        if unit == "people":
            n = _one(q, f"SELECT count(DISTINCT i.person_id) FROM incidents i WHERE {cond}", params) + _one(
                q,
                f"SELECT sum(coalesce(i.group_size, 1)) FROM incidents i WHERE {cond} AND i.person_id IS NULL",
                params,
            )
        elif unit == "websites":
            n = _one(
                q,
                f"SELECT count(DISTINCT lower(trim(b.domain))) FROM incidents i JOIN blockings b USING (incident_id) "
                f"WHERE {cond} AND b.blocking_type NOT IN {_in(COUNTING_RULES.not_a_block)}",
                params,
            )
        else:
            n = len(ids)
        out[fid] = (int(n), ids or None)
    return out


def check_overview_against_reference(q: Query, f: Filters) -> None:
    o = overview(q, f)
    # (the coverage levels beside the numbers have tests of their own, below)
    assert {key: v for key, v in o["kpis"].items() if key != "coverage"} == ref_kpis(q, f), f
    # the incidents listed behind "websites blocked" name exactly the websites it counts
    ids = q.blocked_at_end(f)
    marks = ", ".join("?" * len(ids)) or "NULL"
    domains = f"SELECT count(DISTINCT lower(trim(domain))) FROM blockings WHERE incident_id IN ({marks})"
    assert _one(q, domains, ids) == o["kpis"]["websites_blocked"], f
    # by month: every month of the period × every kind counted (or selected), zeros included
    counts = ref_monthly_counts(q, f)
    m = o["monthly"]
    assert m["month"].tolist() == sorted(m["month"]) and len(m) == f.months * max(1, m["key"].nunique())
    assert {(a, k): n for a, k, n in zip(m["month"], m["key"], m["n"], strict=True) if n} == counts, f
    cov = q.coverage()
    assert m["monitored"].tolist() == [cov.monitored(x) for x in m["month"]]
    assert o["top_outlets"].values.tolist() == ref_outlets(q, f), f
    assert o["sources"].values.tolist() == ref_sources(q, f), f
    where = 'start <= ? AND coalesce("end", start) >= ? ORDER BY start, event_id'
    assert o["events"]["event_id"].tolist() == [
        r[0] for r in q.rows(f"SELECT event_id FROM events WHERE {where}", [f.end, f.start])
    ]
    pub = o["published"]
    got = {
        r.figure_id: (
            None if pd.isna(r.documented) else int(r.documented),
            None if not isinstance(r.incident_ids, np.ndarray) else list(r.incident_ids),
        )
        for r in pub.itertuples()
    }
    assert got == ref_figures(q, f), f
    # the page's other calls give the same frames, dtypes included
    pd.testing.assert_frame_equal(o["monthly"], q.monthly(f, "category"))
    pd.testing.assert_frame_equal(o["top_outlets"], q.top_outlets(f))
    pd.testing.assert_frame_equal(o["sources"], q.source_counts(f))
    assert o["kpis"] == q.kpis(f)


@pytest.mark.parametrize("which", ["rules", "fixture", "shipped", "synthetic"])
def test_overview_equals_per_number_sql_for_random_filter_states(which, request):
    root = {
        "rules": "rules_build",
        "fixture": "fixture_build",
        "shipped": "shipped_build",
        "synthetic": "synthetic_build",
    }[which]
    q = Query(request.getfixturevalue(root))
    states = random_states(q, seed=sum(map(ord, which)), count=24)
    states.append(q.default_filters())
    states.append(q.default_filters().with_(count="people"))
    later = q.data_span()[1].year + 3  # nothing at all: empty frames typed as the plain queries type them
    states += [Filters(start=date(later, 1, 1), end=date(later, 12, 31), count=c) for c in ("incidents", "people")]
    for f in states:
        check_overview_against_reference(q, f)


def test_random_states_reach_the_rules_they_test(synthetic_build):
    """The random states above are not all empty: they meet year-only incidents in the period and
    apart, comparable previous periods, both count modes, published figures and convictions."""
    q = Query(synthetic_build)
    ks = [(f, overview(q, f)) for f in random_states(q, seed=sum(map(ord, "synthetic")), count=30)]
    assert sum(o["kpis"]["year_only_in_period"] > 0 for _, o in ks) >= 3
    assert sum(o["kpis"]["year_only_apart"] > 0 for _, o in ks) >= 3
    assert sum(o["kpis"]["previous"] is not None for _, o in ks) >= 3
    assert sum(o["kpis"]["convictions"] > 0 for _, o in ks) >= 3
    assert sum(len(o["published"]) > 0 for _, o in ks) >= 3
    assert {f.count for f, _ in ks} == {"incidents", "people"}


@pytest.mark.parametrize(
    "mutation",
    [
        # Person One (P-1, three incidents in 2020) loses the identity: counted as three people
        "UPDATE ov.overview_rows SET person = NULL, unnamed = 1 WHERE incident_id IN ('RA-1', 'RA-5', 'RD-1')",
        # RA-3, known only to 2020, placed on its date as if known to the day
        "UPDATE ov.overview_rows SET date_end = date WHERE incident_id = 'RA-3'",
        # RC-3 (K2's first conviction) cites another source
        "UPDATE ov.overview_rows SET source_ids = ['src-c'] WHERE incident_id = 'RC-3'",
    ],
)
def test_the_reference_comparison_catches_a_wrong_projection(rules_build, mutation):
    """The comparison above can fail: a per-build projection that is wrong in one row is caught."""
    q2 = Query(rules_build)
    check_overview_against_reference(q2, H2_2020.with_(count="people"))  # right before the change
    q2._con.execute(mutation)
    failed = 0
    for f in (Y2020, Y2020.with_(count="people"), H2_2020, Filters(start=date(2020, 3, 1), end=date(2020, 3, 31))):
        try:
            check_overview_against_reference(q2, f)
        except AssertionError:
            failed += 1
    assert failed


@pytest.mark.parametrize("which", ["rules_build", "fixture_build", "shipped_build", "synthetic_build"])
def test_verdict_counts_and_prison_years_agree_with_the_case_list(which, request):
    """The court page's cards and sentence caption come from ``kpis``, its verdict and sentence
    charts (``pressfreedom.figures.verdict_counts`` / ``sentence_bins``) from ``court_cases``: the two
    must agree for any filter state."""
    q = Query(request.getfixturevalue(which))
    for f in random_states(q, seed=sum(map(ord, which)) + 1, count=24) + [q.default_filters()]:
        k, cases = q.kpis(f), q.court_cases(f)
        status = dict(zip(*(figures.verdict_counts(cases)[c] for c in ("key", "n")), strict=True))
        bins = figures.sentence_bins(cases)
        in_bins = [c for keys in bins["case_keys"] for c in keys]
        assert len(in_bins) == len(set(in_bins)) == int(bins["n"].sum()), f  # each sentence in one bin
        months = float(cases.loc[cases["case_key"].isin(in_bins), "sentence_months"].sum())
        assert (k["convictions"], k["overturned"]) == (status["conviction"], status["overturned"]), f
        # the "Acquittals" card counts acquittals dated in the period, also those that overturned a
        # conviction of the period, which the chart by case shows as "Convicted, later acquitted"
        assert status["acquittal"] <= k["acquittals"] <= status["acquittal"] + k["overturned"], f
        assert k["prison_years"] == pytest.approx(months / 12), f


def test_sentence_bins_take_each_standing_custodial_term_once():
    cases = pd.DataFrame(
        {
            "case_key": list("abcdefgh"),
            "status": ["conviction"] * 6 + ["overturned", "conviction"],
            "custodial": [True, True, True, True, True, False, True, True],
            "sentence_months": [11.9, 12.0, 119.0, 120.0, None, 24.0, 36.0, 0.0],
        }
    )
    bins = figures.sentence_bins(cases).set_index("key")
    assert list(bins.index) == [b[0] for b in figures.SENTENCE_BINS] + ["unknown"]
    assert dict(bins["case_keys"]) == {
        "lt1": ["a", "h"], "1-3": ["b"], "3-5": [], "5-7": [], "7-10": ["c"], "10+": ["d"], "unknown": ["e"]
    }  # fmt: skip
    assert "unknown" not in set(figures.sentence_bins(cases[cases["case_key"] != "e"])["key"])
    assert figures.verdict_counts(cases)["n"].tolist() == [7, 1, 0]
    assert figures.sentence_bins(cases.iloc[0:0])["n"].sum() == 0


@pytest.mark.parametrize("which", ["rules_build", "fixture_build", "shipped_build", "synthetic_build"])
def test_a_click_on_an_active_blocks_bar_opens_the_domains_it_counts(which, request):
    """The blockings page's "active blocks by month" bars and what a click on one opens follow one
    rule (``Query._active_blocks_sql``): the episodes behind a bar name exactly as many domains as
    the bar counts, and a domain counted as confirmed is never opened under "start uncertain"."""
    q = Query(request.getfixturevalue(which))
    checked = 0
    for f in random_states(q, seed=sum(map(ord, which)) + 2, count=12) + [q.default_filters()]:
        active = q.active_blocks_by_month(f)
        for r in active.itertuples():
            month = f"{r.month:%Y-%m}"
            for key in ("confirmed", "start_uncertain"):
                ids = q.active_block_ids(f, ((month, key),))
                domains = set()
                if ids:
                    rows = q.rows(f"SELECT DISTINCT lower(trim(domain)) FROM blockings WHERE incident_id IN {_in(ids)}")
                    domains = {d for (d,) in rows}
                assert len(domains) == getattr(r, key), (f, month, key)
                checked += getattr(r, key) > 0
    if which != "fixture_build":
        assert checked > 0  # the states met blocks


def test_a_domain_confirmed_in_a_month_is_not_opened_as_uncertain(tmp_path):
    """One domain, two episodes: blocked from 5 June 2020 (known to the day) and, per another
    source, from some day of 2020 (known only to the year). From January to May it may have been
    blocked (start uncertain); from June it certainly was, and a click on June's "start uncertain"
    bar (empty) must not open the year-only episode, which the page's own per-episode rule did."""
    blocks = fixtures.rows("blockings")
    second = dict(blocks[0], incident_id="BLK-3", date="2020", blocked_from="2020", status_as_of="2020-12-31")
    blocks[0].update(blocked_from="2020-06-05", date="2020-06-05")
    q = Query(fixtures.compiled(tmp_path, blockings=[blocks[0], second, blocks[1]]))
    f = Filters(start=date(2020, 1, 1), end=date(2020, 12, 31), categories=("website_blocking",))
    active = {
        f"{m:%Y-%m}": r
        for m, r in zip(*(lambda d: (d["month"], d.to_dict("records")))(q.active_blocks_by_month(f)), strict=True)
    }
    may, june = active["2020-05"], active["2020-06"]
    assert (may["confirmed"], may["start_uncertain"]) == (0, 1)
    assert (june["confirmed"], june["start_uncertain"]) == (1, 0)
    assert q.active_block_ids(f, (("2020-05", "start_uncertain"),)) == ["BLK-3"]
    assert q.active_block_ids(f, (("2020-06", "start_uncertain"),)) == []
    assert q.active_block_ids(f, (("2020-06", "confirmed"),)) == ["BLK-1"]


def test_coverage_levels_from_the_sources_declarations(tmp_path):
    """A comprehensive review of 2020 for every kind, case statements on detentions in 2022, a
    prisoner list of 10 August 2014: 2020 is fully covered, 2022 partly (for detentions only), 2021
    not at all; comparisons need both periods fully covered; the default year is 2020; year bars
    over 2014-2022 carry their level."""
    cov = [
        dict(coverage_id=f"COV-{k}", source_id="src-a", category=c, coverage_type="comprehensive_review",
             period_start="2020-01-01", period_end="2020-12-31")
        for k, c in enumerate(("physical_assault", "detention", "website_blocking", "court_outcome"))
    ] + [
        dict(coverage_id="COV-8", source_id="src-b", category="detention", coverage_type="case_statements",
             period_start="2022-03-01", period_end="2022-03-01"),
        dict(coverage_id="COV-9", source_id="src-b", category="detention", coverage_type="prisoner_list",
             period_start="2014-08-10", period_end="2014-08-10"),
    ]  # fmt: skip
    q = Query(fixtures.compiled(tmp_path, coverage=cov))
    assert q.coverage_level(date(2020, 1, 1), date(2020, 12, 31)) == "full"
    assert q.coverage_level(date(2020, 3, 1), date(2020, 3, 31), ("detention",)) == "full"
    assert q.coverage_level(date(2022, 1, 1), date(2022, 12, 31), ("detention",)) == "partial"
    assert q.coverage_level(date(2022, 1, 1), date(2022, 12, 31), ("physical_assault",)) == "none"
    assert q.coverage_level(date(2022, 1, 1), date(2022, 12, 31)) == "partial"  # some kind partly covered
    assert q.coverage_level(date(2021, 1, 1), date(2021, 12, 31)) == "none"
    assert q.coverage_level(date(2019, 7, 1), date(2020, 6, 30)) == "partial"  # half a review
    assert q.default_filters() == Filters(start=date(2020, 1, 1), end=date(2020, 12, 31))
    assert not q.comparable(Filters(start=date(2020, 1, 1), end=date(2020, 12, 31)))  # 2019 not covered
    assert q.comparable(Filters(start=date(2020, 7, 1), end=date(2020, 12, 31)))  # H1 and H2 2020
    years = q.by_period(Filters(start=date(2014, 1, 1), end=date(2022, 12, 31)), "category")
    levels = dict(zip(years["month"].map(lambda m: m.year), years["coverage"], strict=False))
    assert levels[2014] == "partial" and levels[2016] == "none" and levels[2020] == "full" and levels[2022] == "partial"
    k = q.kpis(Filters(start=date(2022, 1, 1), end=date(2022, 12, 31)))
    assert k["coverage"]["detention"] == "partial" and k["coverage"]["physical_assault"] == "none"


@pytest.mark.parametrize("which", ["rules_build", "fixture_build", "shipped_build", "synthetic_build"])
def test_digests_count_and_name_the_sources_of_the_lists_they_stand_for(which, request):
    """A download's "about" lines (rows, sources) counted in SQL (``incidents_digest``,
    ``all_incidents_digest``) say what the lists themselves give: their length and
    ``figures.cited_sources`` — the same titles in the same order of first citation."""
    q = Query(request.getfixturevalue(which))
    everything = q.all_incidents()
    assert q.all_incidents_digest() == {"rows": len(everything), "sources": figures.cited_sources(everything)}
    cited = 0
    for f in random_states(q, seed=sum(map(ord, which)) + 3, count=12) + [q.default_filters()]:
        rows = q.incidents(f)
        assert q.incidents_digest(f) == {"rows": len(rows), "sources": figures.cited_sources(rows)}, f
        cited += len(figures.cited_sources(rows)) > 1
        kind = "i.category = ?"
        rows = q.incidents(f, kind, ["detention"])
        assert q.incidents_digest(f, kind, ["detention"]) == {"rows": len(rows), "sources": figures.cited_sources(rows)}
    assert cited or which == "rules_build"  # the order of first citation is really compared


@pytest.mark.parametrize("which", ["fixture_build", "shipped_build", "synthetic_build"])
def test_source_titles_by_id_are_the_detail_lists_two_columns(which, request):
    """The overview's published table reads only each itemised incident's sources
    (``source_titles_by_id``): the same rows, order and titles as ``incidents_by_id`` gives."""
    q = Query(request.getfixturevalue(which))
    everything = q.all_incidents()["incident_id"].tolist()
    f = q.default_filters()
    for ids in (tuple(everything), tuple(everything[::3]), ("no-such-id", *everything[:2]), ()):
        full = q.incidents_by_id(f, ids)
        lean = q.source_titles_by_id(f, ids)
        assert list(lean.columns) == ["incident_id", "source_titles"]
        assert lean["incident_id"].tolist() == full["incident_id"].tolist()
        as_lists = lambda s: [list(x) if x is not None else None for x in s]  # noqa: E731
        assert as_lists(lean["source_titles"]) == as_lists(full["source_titles"])
    assert len(q.source_titles_by_id(f, tuple(everything))) == len(everything) > 10


def _same_frame(a: pd.DataFrame, b: pd.DataFrame) -> list:
    """Where two frames differ: columns, index, dtypes, each cell's type and value (lists as lists)."""
    if list(a.columns) != list(b.columns) or not a.index.equals(b.index) or type(a.index) is not type(b.index):
        return [("shape", list(a.columns), list(b.columns), a.index, b.index)]
    diffs = []
    for c in a.columns:
        if a[c].dtype != b[c].dtype:
            diffs.append((c, a[c].dtype, b[c].dtype))
            continue
        for row, (x, y) in enumerate(zip(a[c], b[c], strict=True)):
            if isinstance(x, np.ndarray) and isinstance(y, np.ndarray):
                same = x.dtype == y.dtype and x.tolist() == y.tolist()
            elif x is pd.NA or y is pd.NA or x is None or y is None:
                same = x is y
            else:
                same = type(x) is type(y) and (x == y or (x != x and y != y))
            if not same:
                diffs.append((c, row, x, y))
                break
    return diffs


DUCKDB_TYPES_SQL = [
    # every type of the incident lists, without NULLs, with some and with only NULLs, and no rows
    "SELECT 1::BIGINT x, 2::INTEGER y, true b, 1.5::DOUBLE d, NULL::VARCHAR s, 'a' s2, DATE '2020-01-01' dt,"
    " ['a', NULL] l, NULL::DATE nd, NULL::VARCHAR[] nl",
    "SELECT * FROM (VALUES (1::BIGINT, 2::INTEGER, true, NULL::DOUBLE, NULL::VARCHAR, 'a', NULL::DATE, NULL::VARCHAR[]),"
    " (NULL, NULL, NULL, 2.5, NULL, NULL, DATE '2021-02-03', []), (3, 4, false, 0.5, NULL, 'b', NULL, ['c']))"
    " t(x, y, b, d, s, s2, dt, l)",
    "SELECT 1::BIGINT x, true b, 1.5::DOUBLE d, 'a' s, DATE '2020-01-01' dt, ['a'] l WHERE FALSE",
]


@pytest.mark.parametrize("sql", DUCKDB_TYPES_SQL)
def test_arrow_frames_are_what_duckdb_hands_pandas(sql):
    """The incident lists come through Arrow (``Query.detail_df``, faster at 100k incidents), and the
    pages read them as DuckDB's ``.df()`` gave them: dtypes that depend on NULLs being there, ``None``
    and ``pd.NA`` where DuckDB puts them, dates as ``datetime.date``, lists as arrays."""
    import duckdb

    from pressfreedom.query.base import frame_like_duckdb
    from pressfreedom.query.rules import _python_dates

    con = duckdb.connect()
    want = _python_dates(con.sql(sql).df())
    got = frame_like_duckdb(con.sql(sql).to_arrow_table())
    assert _same_frame(want, got) == []
    assert len({str(t) for t in want.dtypes}) >= 3  # (the cases really differ)


def test_a_type_arrow_frames_do_not_know_is_left_to_duckdb(q):
    from pressfreedom.query.base import frame_like_duckdb

    assert frame_like_duckdb(q._con.sql("SELECT 1.5 AS decimal_number").to_arrow_table()) is None
    sql = "SELECT 1.5 AS decimal_number, 'a' AS s"
    assert _same_frame(q.df(sql), q.detail_df(sql)) == []


@pytest.mark.parametrize("which", ["rules_build", "shipped_build", "synthetic_build"])
def test_incident_lists_through_arrow_equal_duckdbs_frames(which, request):
    """Every incident list (``incidents``, ``incidents_by_id``, ``all_incidents``, a person's) is the frame
    ``Query.df`` gives for the same SQL, for many filter states, kinds, no rows and every row."""
    q = Query(request.getfixturevalue(which))
    states = random_states(q, seed=sum(map(ord, which)) + 5, count=8) + [q.default_filters()]
    sqls = [(q._detail_sql(w), p) for w, p in (f.where("i") for f in states)]
    sqls += [(q._detail_sql("FALSE"), []), (q._detail_sql("TRUE", "i.date, i.incident_id"), [])]
    for kind in ("detention", "physical_assault", "court_outcome", "website_blocking"):
        w, p = q.default_filters().where("i")
        sqls.append((q._detail_sql(f"{w} AND i.category = ?"), [*p, kind]))
    rows = 0
    for sql, params in sqls:
        want, got = q.df(sql, params), q.detail_df(sql, params)
        assert _same_frame(want, got) == [], sql
        rows += len(got)
    assert rows > 0


def _wide_detail_sql(q: Query, where: str, order: str) -> str:
    """The incident list as first written: every kind table joined to the incidents' wide rows."""
    b_from = q._precision("blockings", "b", "blocked_from")
    b_until = q._precision("blockings", "b", "blocked_until")
    d_rel = q._precision("detentions", "d", "released_on")
    return f"""
        WITH sel AS (SELECT * FROM incidents i WHERE {where}),
        src AS (
          SELECT u.incident_id, list(s.title ORDER BY u.k) AS source_titles
          FROM (SELECT incident_id, unnest(source_ids) AS sid, generate_subscripts(source_ids, 1) AS k FROM sel) u
          JOIN sources s ON s.source_id = u.sid
          GROUP BY u.incident_id
        )
        SELECT i.*,
          a.context, a.injured, a.equipment_damaged_or_seized,
          d.duration_days, d.released_on, {d_rel} AS released_on_precision,
          coalesce(c.charge, d.charge) AS charge,
          b.domain, b.blocked_from, {b_from} AS blocked_from_precision, b.blocked_until,
          {b_until} AS blocked_until_precision, b.status_as_of, b.basis,
          c.court, c.sentence_months, c.fine_amount, c.fine_currency, c.appeal_of,
          src.source_titles
        FROM sel i
        LEFT JOIN src ON src.incident_id = i.incident_id
        LEFT JOIN assaults a ON a.incident_id = i.incident_id
        LEFT JOIN detentions d ON d.incident_id = i.incident_id
        LEFT JOIN blockings b ON b.incident_id = i.incident_id
        LEFT JOIN court_outcomes c ON c.incident_id = i.incident_id
        ORDER BY {order}
    """


@pytest.mark.parametrize("which", ["rules_build", "fixture_build", "shipped_build", "synthetic_build"])
def test_incident_lists_join_the_kind_tables_as_first_written(which, request):
    """``_detail_sql`` joins the kind tables to the selected ids before the wide rows (faster): the same
    rows, columns and order as joining each kind table to the wide rows, for many filter states."""
    q = Query(request.getfixturevalue(which))
    states = random_states(q, seed=sum(map(ord, which)) + 9, count=8) + [q.default_filters()]
    cases = [(*f.where("i"), "i.date DESC, i.incident_id") for f in states]
    cases += [("TRUE", [], "i.date, i.incident_id"), ("FALSE", [], "i.date DESC, i.incident_id")]
    kinds = set()
    for where, params, order in cases:
        want = q._con.sql(_wide_detail_sql(q, where, order), params=params or None).to_arrow_table()
        got = q._con.sql(q._detail_sql(where, order), params=params or None).to_arrow_table()
        assert got.equals(want), where
        kinds |= set(got.column("category").to_pylist())
    assert len(kinds) >= 3 or which == "rules_build"  # (details of several kinds really compared)
