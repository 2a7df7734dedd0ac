"""Behind bars (issue 14): who is held on a day, on hand-made timelines compiled by the real ETL.

One fixture build holds one person per timeline (people ``T-…``, beside the fixture's own); each
test asks ``Query.held_on`` / ``house_arrest_on`` / ``status_unknown_on`` about that person on the
days where the rule turns. The rule: ``pressfreedom/query/custody.py`` and docs/methodology.md.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pressfreedom import charts, figures, i18n
from pressfreedom.filters import Filters
from pressfreedom.query import Query
from pressfreedom.vocab import LANGUAGES, OUTCOME
from tests import fixtures

F = Filters(start=date(2014, 1, 1), end=date(2025, 12, 31))  # the whole span; roles: the default

# person id → (name, role)
PEOPLE = {
    "T-ARR": ("Arrest Recent", "journalist"),
    "T-SENT": ("Arrest Sentenced", "journalist"),
    "T-REL": ("Sentence Released", "journalist"),
    "T-REL2": ("Pretrial Released", "blogger"),
    "T-PAR": ("Sentence Pardoned", "journalist"),
    "T-END": ("Term Ended", "journalist"),
    "T-CUS": ("Custody Report Day", "journalist"),
    "T-CUSM": ("Custody Report Month", "blogger"),
    "T-YEAR": ("Arrest Year Only", "journalist"),
    "T-HOUSE": ("House Arrest Court", "journalist"),
    "T-HOUSE2": ("House Arrest Report", "journalist"),
    "T-UNC": ("Release Uncertain", "journalist"),
    "T-RED": ("Sentence Reduced", "journalist"),
    "T-ACT": ("Activist Arrested", "activist"),
    "T-ADM": ("Administrative Only", "journalist"),
    "T-SUS": ("Suspended Sentence", "journalist"),
    "T-CAP": ("Report Within Term", "journalist"),
    "T-AGAIN": ("Arrested Again", "journalist"),
    "T-BAIL": ("Released Before Verdict", "journalist"),
}


def detention(iid: str, pid: str, day: str, kind: str, released_on: str = "", **more) -> dict:
    name, role = PEOPLE[pid]
    row = fixtures._incident(incident_id=iid, date=day, victim=name, person_id=pid, victim_role=role)
    return {**row, "detention_type": kind, "released_on": released_on, **more}


def court(iid: str, pid: str, day: str, outcome: str, months: str = "", **more) -> dict:
    name, role = PEOPLE[pid]
    row = fixtures._incident(
        incident_id=iid, date=day, victim=name, person_id=pid, victim_role=role, perpetrator="court"
    )
    return {**row, "outcome": outcome, "sentence_months": months, **more}


def report(rid: str, pid: str, as_of: str, status: str = "held") -> dict:
    return dict(report_id=rid, person_id=pid, as_of=as_of, status=status, source_id="src-b", source_locator=f"p. {rid}")


DETENTIONS = [
    detention("DET-T1", "T-ARR", "2021-03-10", "arrest", outlet="Outlet X"),
    detention("DET-T2", "T-SENT", "2019-01-15", "arrest", case_id="sent"),
    detention("DET-T3", "T-REL2", "2020-02-01", "pretrial_detention", released_on="2020-05-05"),
    detention("DET-T4", "T-YEAR", "2020", "arrest", notes="Year only."),
    detention("DET-T5", "T-HOUSE", "2020-03-22", "pretrial_detention", case_id="house"),
    detention("DET-T6", "T-HOUSE", "2020-09-18", "house_arrest", case_id="house"),
    detention("DET-T7", "T-UNC", "2019-06-10", "arrest"),
    detention("DET-T8", "T-ACT", "2021-03-10", "arrest"),
    detention("DET-T9", "T-ADM", "2021-05-01", "administrative_detention", duration_days="30"),
    detention("DET-T10", "T-SUS", "2021-01-10", "arrest"),
    detention("DET-T11", "T-AGAIN", "2018-01-01", "arrest", released_on="2018-06-01"),
    detention("DET-T12", "T-AGAIN", "2020-02-01", "arrest"),
    detention("DET-T13", "T-BAIL", "2018-01-10", "arrest", released_on="2018-02-01", case_id="bail"),
]
COURT = [
    court("CRT-T1", "T-SENT", "2019-06-01", "prison_sentence", "60", case_id="sent"),
    court("CRT-T2", "T-REL", "2018-03-01", "prison_sentence", "48", case_id="rel"),
    court("CRT-T3", "T-REL", "2020-04-15", "released_by_court", case_id="rel"),
    court("CRT-T4", "T-PAR", "2017-05-01", "prison_sentence", "96"),
    court("CRT-T5", "T-PAR", "2019-03-16", "pardon"),
    court("CRT-T6", "T-END", "2015-01-10", "prison_sentence", "24"),
    court("CRT-T7", "T-HOUSE", "2020-09-18", "release_to_house_arrest", case_id="house"),
    court("CRT-T8", "T-RED", "2018-01-10", "prison_sentence", "108"),
    court("CRT-T9", "T-RED", "2019-01-10", "sentence_reduced", "36", appeal_of="CRT-T8"),
    court("CRT-T10", "T-SUS", "2021-04-01", "suspended_sentence", "24"),
    court("CRT-T11", "T-CAP", "2019-01-10", "prison_sentence", "12"),
    court("CRT-T12", "T-BAIL", "2018-06-01", "prison_sentence", "12", case_id="bail"),
]
REPORTS = [
    report("CUS-T1", "T-CUS", "2020-06-15"),
    report("CUS-T2", "T-CUSM", "2020-06"),
    report("CUS-T3", "T-HOUSE2", "2021-02-01", "house_arrest"),
    report("CUS-T4", "T-UNC", "2019", "released"),
    report("CUS-T5", "T-CAP", "2019-11-01"),
]
PUBLISHED = [
    dict(figure_id="F-T1", source_id="src-b", source_locator="Prisoners", period_start="2021-12-31",
         period_end="2021-12-31", category="", subcategory="", indicator="journalists_imprisoned",
         description="Journalists imprisoned on the day", value="4", qualifier="at_least", unit="people"),
    dict(figure_id="F-T2", source_id="src-b", source_locator="Prisoners", period_start="2021-01-01",
         period_end="2021-12-31", category="", subcategory="", indicator="journalists_imprisoned",
         description="Journalists imprisoned during the year", value="9", qualifier="exactly", unit="people"),
]  # fmt: skip


@pytest.fixture(scope="module")
def q(tmp_path_factory) -> Query:
    people = fixtures.rows("people") + [
        dict(person_id=pid, name=name, aliases="", role=role, notes="") for pid, (name, role) in PEOPLE.items()
    ]
    build = fixtures.compiled(
        tmp_path_factory.mktemp("custody"),
        people=people,
        detentions=fixtures.rows("detentions") + DETENTIONS,
        court_outcomes=fixtures.rows("court_outcomes") + COURT,
        custody_reports=REPORTS,
        published_figures=fixtures.rows("published_figures") + PUBLISHED,
    )
    return Query(build)


def held(q: Query, day: date, f: Filters = F) -> pd.DataFrame:
    return q.held_on(f, day).set_index("person_id")


def status(q: Query, pid: str, day: date, f: Filters = F) -> str | None:
    """What the three lists say of one person on ``day``: held, house, unknown, or None (released,
    or nothing known yet)."""
    found = [
        name
        for name, table in (
            ("held", q.held_on(f, day)),
            ("house", q.house_arrest_on(f, day)),
            ("unknown", q.status_unknown_on(f, day)),
        )
        if pid in set(table["person_id"])
    ]
    assert len(found) <= 1, (pid, day, found)  # one list at most
    return found[0] if found else None


def unknown(q: Query, pid: str, day: date) -> dict:
    table = q.status_unknown_on(F, day)
    return table[table["person_id"] == pid].iloc[0].to_dict()


# -- arrest only ------------------------------------------------------------------------------


def test_a_recent_arrest_counts_for_twelve_months_then_the_status_is_unknown(q):
    assert status(q, "T-ARR", date(2021, 3, 9)) is None  # not arrested yet
    row = held(q, date(2021, 12, 31)).loc["T-ARR"]
    assert (row["since"], row["since_precision"], row["basis"]) == (date(2021, 3, 10), "day", "confirmed")
    assert row["held_days_at_least"] == (date(2021, 12, 31) - date(2021, 3, 10)).days
    assert row["outlet"] == "Outlet X" and list(row["event_ids"]) == ["DET-T1"]
    assert status(q, "T-ARR", date(2022, 3, 10)) == "held"  # 12 months to the day
    assert status(q, "T-ARR", date(2022, 3, 11)) == "unknown"  # never counted, never assumed released
    gone = unknown(q, "T-ARR", date(2025, 12, 31))
    assert (gone["since"], gone["what"], gone["reason"], gone["status"]) == (
        date(2021, 3, 10),
        "detention.arrest",
        "not_confirmed",
        "held",
    )


def test_an_arrest_known_only_to_the_year_counts_on_its_last_possible_days_only(q):
    assert status(q, "T-YEAR", date(2020, 6, 30)) is None  # it may not have happened yet
    row = held(q, date(2020, 12, 31)).loc["T-YEAR"]
    assert (row["since"], row["since_precision"], row["held_days_at_least"]) == (date(2020, 1, 1), "year", 0)
    assert status(q, "T-YEAR", date(2021, 1, 1)) == "held"  # 12 months after its first possible day
    assert status(q, "T-YEAR", date(2021, 1, 2)) == "unknown"


# -- arrest and sentence; sentence and release; pardon; a term that ended --------------------------


def test_arrest_and_sentence_held_while_the_term_runs_counted_from_the_arrest_of_the_case(q):
    """The term is counted from the custody the case records (the arrest of 15 Jan 2019, no release
    before the verdict): pretrial detention counts towards a prison term, so from the verdict the end
    would come too late and the count would no longer be a floor."""
    early = held(q, date(2019, 12, 31)).loc["T-SENT"]
    assert (early["basis"], early["since"], early["sentence_months"]) == ("confirmed", date(2019, 1, 15), 60)
    late = held(q, date(2022, 6, 30)).loc["T-SENT"]
    assert late["basis"] == "term" and late["term_end"] == date(2024, 1, 15)  # 60 months from the arrest
    assert late["held_days_at_least"] == (date(2022, 6, 30) - date(2019, 1, 15)).days
    assert status(q, "T-SENT", date(2024, 1, 14)) == "held"
    assert status(q, "T-SENT", date(2024, 1, 15)) == "unknown"
    ended = unknown(q, "T-SENT", date(2024, 1, 15))
    assert (ended["reason"], ended["term_end"], ended["sentence_months"]) == ("term_ended", date(2024, 1, 15), 60)


def test_a_term_runs_from_the_verdict_when_the_case_records_no_custody_before_it_or_a_release(q):
    assert held(q, date(2018, 12, 31)).loc["T-BAIL", "term_end"] == date(2019, 6, 1)  # released on bail in 2018
    assert status(q, "T-BAIL", date(2019, 6, 1)) == "unknown"
    assert held(q, date(2016, 12, 31)).loc["T-END", "term_end"] == date(2017, 1, 10)  # no arrest recorded


def test_sentence_then_release_not_held_from_the_release(q):
    assert status(q, "T-REL", date(2020, 4, 14)) == "held"
    assert status(q, "T-REL", date(2020, 4, 15)) is None  # released: in no list
    assert status(q, "T-REL", date(2025, 12, 31)) is None
    assert status(q, "T-REL2", date(2020, 5, 4)) == "held"  # a detention's released_on
    assert status(q, "T-REL2", date(2020, 5, 5)) is None


def test_pardon_ends_the_term(q):
    assert held(q, date(2019, 3, 15)).loc["T-PAR", "basis"] == "term"
    assert status(q, "T-PAR", date(2019, 3, 16)) is None
    assert status(q, "T-PAR", date(2024, 1, 1)) is None  # the 96-month term would still run


def test_a_term_that_ended_with_no_release_is_not_counted_after_it_and_is_listed_as_unknown(q):
    assert status(q, "T-END", date(2015, 12, 31)) == "held"
    assert held(q, date(2016, 12, 31)).loc["T-END", "basis"] == "term"  # the verdict is 23 months old
    assert status(q, "T-END", date(2017, 1, 9)) == "held"
    assert status(q, "T-END", date(2017, 1, 10)) == "unknown"
    ended = unknown(q, "T-END", date(2017, 1, 10))
    assert (ended["reason"], ended["term_end"], ended["since"]) == ("term_ended", date(2017, 1, 10), date(2015, 1, 10))


def test_a_sentence_reduced_on_appeal_replaces_the_first_term(q):
    assert held(q, date(2020, 12, 31)).loc["T-RED", "sentence_months"] == 36
    assert status(q, "T-RED", date(2021, 1, 10)) == "unknown"  # 36 months from 10 Jan 2018
    assert unknown(q, "T-RED", date(2021, 1, 10))["reason"] == "term_ended"


def test_no_confirmation_counts_past_the_end_of_the_term_it_falls_in(q):
    assert status(q, "T-CAP", date(2020, 1, 9)) == "held"
    assert status(q, "T-CAP", date(2020, 1, 10)) == "unknown"  # the report of Nov 2019 would run to Nov 2020


def test_a_sentence_served_outside_prison_releases(q):
    assert status(q, "T-SUS", date(2021, 3, 31)) == "held"
    assert status(q, "T-SUS", date(2021, 4, 1)) is None


def test_a_new_arrest_after_a_release_starts_a_new_spell(q):
    row = held(q, date(2020, 12, 31)).loc["T-AGAIN"]
    assert row["since"] == date(2020, 2, 1) and list(row["event_ids"]) == ["DET-T12"]


# -- custody reports only ----------------------------------------------------------------------------


def test_a_custody_report_alone_counts_for_twelve_months(q):
    assert status(q, "T-CUS", date(2020, 6, 14)) is None
    row = held(q, date(2020, 6, 15)).loc["T-CUS"]
    assert (row["basis"], row["last_confirmed"], row["held_days_at_least"]) == ("confirmed", date(2020, 6, 15), 0)
    assert list(row["source_titles"]) == ["Fixture report B"] and list(row["source_locators"]) == ["p. CUS-T1"]
    assert status(q, "T-CUS", date(2021, 6, 15)) == "held"
    assert status(q, "T-CUS", date(2021, 6, 16)) == "unknown"
    assert unknown(q, "T-CUS", date(2021, 6, 16))["what"] == "custody.held"


def test_a_custody_report_known_to_the_month_counts_from_its_last_day_to_a_year_after_its_first(q):
    assert status(q, "T-CUSM", date(2020, 6, 29)) is None
    row = held(q, date(2020, 6, 30)).loc["T-CUSM"]
    assert (row["since_precision"], row["last_confirmed_precision"]) == ("month", "month")
    assert status(q, "T-CUSM", date(2021, 6, 1)) == "held"
    assert status(q, "T-CUSM", date(2021, 6, 2)) == "unknown"


def test_a_release_that_may_have_come_after_the_arrest_is_neither_counted_nor_assumed(q):
    # arrest on 10 June 2019, a report of a release dated only "2019": either may have come first
    for day in (date(2019, 6, 10), date(2019, 12, 31), date(2021, 1, 1)):
        assert status(q, "T-UNC", day) == "unknown", day
    row = unknown(q, "T-UNC", date(2019, 12, 31))
    assert (row["reason"], row["release_on"], row["release_precision"]) == (
        "release_uncertain",
        date(2019, 1, 1),
        "year",
    )


# -- house arrest, administrative detention ---------------------------------------------------------


def test_house_arrest_is_not_counted_but_listed_apart(q):
    assert status(q, "T-HOUSE", date(2020, 9, 17)) == "held"
    assert status(q, "T-HOUSE", date(2020, 9, 18)) == "house"
    house = q.house_arrest_on(F, date(2021, 3, 1)).set_index("person_id")
    assert house.loc["T-HOUSE", "since"] == date(2020, 9, 18)
    assert sorted(house.loc["T-HOUSE", "event_ids"]) == ["CRT-T7", "DET-T6"]
    assert status(q, "T-HOUSE2", date(2021, 2, 1)) == "house"  # a custody report "house arrest"
    assert status(q, "T-HOUSE", date(2021, 9, 19)) == "unknown"  # house arrest not confirmed for 12 months
    assert unknown(q, "T-HOUSE", date(2021, 9, 19))["status"] == "house"


def test_administrative_detention_is_not_behind_bars(q):
    for day in (date(2021, 5, 1), date(2021, 5, 15), date(2022, 1, 1)):
        assert status(q, "T-ADM", day) is None


# -- filters, the chart, published figures, the public build ------------------------------------------


def test_journalists_and_bloggers_by_default_the_sidebars_roles_and_outlets_when_chosen(q):
    day = date(2021, 12, 31)
    assert "T-ACT" not in set(q.held_on(F, day)["person_id"])
    assert set(q.held_on(F.with_(roles=("activist",)), day)["person_id"]) == {"T-ACT"}
    assert {"T-ARR", "T-SENT"} <= set(held(q, day).index)
    assert set(q.held_on(F.with_(outlets=("Outlet X",)), day)["person_id"]) == {"T-ARR"}
    assert set(held(q, day)["role"]) <= {"journalist", "blogger"}


def test_held_by_month_counts_the_month_ends_as_held_on_does(q):
    f = Filters(start=date(2019, 1, 1), end=date(2021, 12, 31))
    monthly = q.held_by_month(f)
    assert len(monthly) == 36 * 2 and set(monthly["key"]) == {"confirmed", "term"}
    for (month_end, key), n in monthly.set_index(["date", "key"])["n"].items():
        on_day = q.held_on(f, month_end)
        assert n == int((on_day["basis"] == key).sum()), (month_end, key)
    assert monthly["n"].sum() > 20


def test_published_counts_of_people_held_on_a_day_stand_beside_the_count_here(q):
    pub = q.held_published(Filters(start=date(2021, 1, 1), end=date(2021, 12, 31)))
    assert list(pub["figure_id"]) == ["F-T1"]  # F-T2 counts a year, not a day
    assert pub["documented"].iloc[0] == len(q.held_on(F, date(2021, 12, 31)))
    assert q.held_published(Filters(start=date(2020, 1, 1), end=date(2020, 12, 31))).empty


def test_pardon_is_an_outcome_with_three_labels():
    assert [OUTCOME.label("pardon", lang) for lang in LANGUAGES] == ["Pardon", "Помилование", "Əfv"]


# -- the figure layer -----------------------------------------------------------------------------------


def test_the_card_and_the_lists_in_every_language(q):
    day = date(2021, 12, 31)
    data = figures.from_query(q)
    for lang in LANGUAGES:
        f = F.with_(lang=lang)
        card = figures.behind_bars_card(q.held_on(f, day), f, day)
        assert card.label == i18n.t("bars.kpi_label", lang, date=i18n.day_label(day, lang))
        assert card.value == i18n.t("kpi.at_least", lang, n=i18n.number(len(q.held_on(f, day)), lang))  # a floor
        house, gone = q.house_arrest_on(f, day), q.status_unknown_on(f, day)
        assert figures.not_counted_words(house, gone, lang) == i18n.t(
            "bars.not_counted",
            lang,
            house=i18n.t("bars.n_house", lang, count=len(house)),
            unknown=i18n.t("bars.n_unknown", lang, count=len(gone)),
        )
        table = figures.held_table(q.held_on(f, day), day, lang)
        assert len(table) == len(q.held_on(f, day)) and i18n.t("bars.col_time", lang) in table.columns
        assert len(figures.unknown_table(q.status_unknown_on(f, day), lang)) == len(q.status_unknown_on(f, day))
        kf = figures.behind_bars_figure(data, Filters(start=date(2021, 1, 1), end=day, lang=lang))
        fig = kf.fig
        published = [t for t in fig.data if t.name.replace("<br>", " ") == i18n.t("bars.published_name", lang)]
        assert len(published) == 1  # (after it only the legend entries of the coverage bands)
        assert list(published[0].text) == [i18n.t("published.q_at_least", lang, n="4", suffix="", **unit(lang))]
    row = held(q, day).loc["T-SENT"].to_dict()
    assert figures.held_table(pd.DataFrame([row]), day, "ru").iloc[0][i18n.t("bars.col_sentence", "ru")] == "5 лет"


def unit(lang: str) -> dict:
    from pressfreedom.wording import unit_words

    return unit_words("people", lang, 4)


def test_the_time_held_is_written_in_days_then_years_and_months():
    day = date(2021, 12, 31)
    assert figures.held_time_words(45, day, "en") == "45 days"
    assert figures.held_time_words((day - date(2019, 9, 30)).days, day, "en") == "2 years 3 months"
    assert figures.held_time_words((day - date(2021, 7, 31)).days, day, "ru") == "5 месяцев"
    assert figures.span_words(51, "az") == "4 il 3 ay"
    assert figures.span_words(24, "ru") == "2 года"


def test_the_chart_stacks_the_two_bases_and_says_when_no_published_count_falls_in_the_period(q):
    f = Filters(start=date(2020, 1, 1), end=date(2020, 12, 31))
    kf = figures.behind_bars_figure(figures.from_query(q), f)
    fig = kf.build("screen")
    names = [t.name for t in fig.data]
    assert names == [i18n.t("bars.key_confirmed", "en"), i18n.t("bars.key_term", "en")]
    assert i18n.t("bars.published_none", "en") not in fig.layout.title.subtitle.text  # said under it on a page
    assert i18n.t("bars.published_none", "en") in kf.build("export").layout.title.subtitle.text  # an image says it
    december = sum(t.y[-1] for t in fig.data)
    assert kf.n == december == len(q.held_on(f, date(2020, 12, 31)))
    assert fig.layout.barmode == "stack" and fig.layout.separators == i18n.number_separators("en")
    empty = charts.held_over_time(
        q.held_by_month(Filters(start=date(2014, 1, 1), end=date(2014, 3, 31))),
        title="t", caption="c", source="s", labels={"confirmed": "a", "term": "b"}, published_name="p", y_title="y",
    )  # fmt: skip
    assert any(a.name == "empty-message" for a in empty.layout.annotations)


# -- the page ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_shows_the_card_the_chart_and_the_lists_in_every_language(open_app, lang):
    """The fixture build (2020): Fixture Person A, sentenced on 20 May 2020 to 51 months, is held on
    31 December 2020; the card says so, the list names them, with the sentence, and the two lists
    apart are there (empty)."""
    at = open_app({"lang": lang})
    at.switch_page("pages/behind_bars.py").run()
    assert not at.exception, at.exception
    assert at.header[0].value == i18n.t("page.behind_bars", lang)
    day = i18n.day_label(date(2020, 12, 31), lang)
    cards = {m.label: m.value for m in at.metric}
    assert cards[i18n.t("bars.kpi_label", lang, date=day)] == i18n.t("kpi.at_least", lang, n="1")  # a floor
    assert i18n.t("bars.not_counted", lang, house=i18n.t("bars.n_house", lang, count=0),
                  unknown=i18n.t("bars.n_unknown", lang, count=0)) in [c.value for c in at.caption]  # fmt: skip
    assert len(at.get("plotly_chart")) == 1
    held_list = next(d.value for d in at.dataframe if i18n.t("bars.col_since", lang) in d.value.columns)
    assert list(held_list[i18n.t("bars.col_name", lang)]) == ["Fixture Person A"]
    assert list(held_list[i18n.t("bars.col_sentence", lang)]) == [figures.span_words(51, lang)]
    assert list(held_list[i18n.t("bars.col_since", lang)]) == [i18n.day_label(date(2020, 5, 20), lang)]
    titles = [h.value for h in at.subheader]
    assert i18n.t("bars.list_title", lang, date=day) in titles
    assert i18n.t("bars.unknown_title", lang, date=day) in titles
    assert i18n.t("bars.unknown_empty", lang) in [x.value for x in at.info]


def test_the_page_follows_the_period_and_the_roles(open_app):
    """The period's last day is the day counted; the sidebar's roles replace journalists and bloggers."""
    at = open_app({"from": "2020-01", "to": "2020-04"})  # before the sentence of 20 May 2020
    at.switch_page("pages/behind_bars.py").run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}[i18n.t("bars.kpi_label", "en", date="30 April 2020")] == "at least 0"
    assert i18n.t("bars.empty", "en") in [x.value for x in at.info]
    at = open_app({"role": "activist"})
    at.switch_page("pages/behind_bars.py").run()
    assert {m.label: m.value for m in at.metric}[
        i18n.t("bars.kpi_label", "en", date="31 December 2020")
    ] == "at least 0"
