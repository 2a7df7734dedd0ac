"""The one filter model: URL round trip, SQL (precision rules), captions and words for downloads."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressfreedom import i18n
from pressfreedom.filters import Filters, month_end, period_condition

BASE = Filters(start=date(2020, 1, 1), end=date(2020, 12, 31))
THIN = "\u2009"  # Babel puts thin spaces around the en dash of a range


def test_dates_snap_to_whole_months_and_a_reversed_range_is_swapped():
    f = Filters(start=date(2020, 12, 15), end=date(2020, 2, 3))
    assert (f.start, f.end) == (date(2020, 2, 1), date(2020, 12, 31))
    assert f.months == 11


def test_previous_period_has_the_same_length():
    f = Filters(start=date(2020, 7, 1), end=date(2020, 12, 31), roles=("journalist",))
    p = f.previous()
    assert (p.start, p.end, p.roles) == (date(2020, 1, 1), date(2020, 6, 30), ("journalist",))
    one = Filters(start=date(2020, 3, 1), end=date(2020, 3, 31)).previous()
    assert (one.start, one.end) == (date(2020, 2, 1), date(2020, 2, 29))


def test_url_round_trip_keeps_every_filter():
    f = Filters(
        start=date(2020, 2, 1),
        end=date(2020, 3, 31),
        categories=("detention", "court_outcome"),
        subcategories=("detention.arrest",),
        roles=("blogger",),
        outlets=("Meydan TV", "Azadliq"),
        locations=("Baku",),
        perpetrators=("police",),
        count="people",
        lang="az",
    )
    params = f.to_params()
    assert params == {
        "from": "2020-02",
        "to": "2020-03",
        "kind": "detention,court_outcome",
        "sub": "detention.arrest",
        "role": "blogger",
        "outlet": "Meydan TV|Azadliq",
        "loc": "Baku",
        "perp": "police",
        "count": "people",
        "lang": "az",
    }
    assert Filters.from_params(params, BASE) == f


def test_unknown_codes_and_malformed_values_in_the_url_are_dropped():
    f = Filters.from_params({"from": "2020-13", "kind": "detention,bogus", "role": "x", "count": "y"}, BASE)
    assert (f.start, f.end, f.categories, f.roles, f.count) == (BASE.start, BASE.end, ("detention",), (), "incidents")


def test_to_params_against_defaults_keeps_only_the_differences():
    assert Filters(start=date(2020, 1, 1), end=date(2020, 12, 31), lang="ru").to_params(BASE) == {"lang": "ru"}


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.execute("CREATE TABLE t (id VARCHAR, date DATE, date_precision VARCHAR, category VARCHAR, subcategory VARCHAR,"
              " victim_role VARCHAR, outlet VARCHAR, location VARCHAR, perpetrator VARCHAR)")  # fmt: skip
    c.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ("day", date(2020, 2, 11), "day", "detention", "arrest", "journalist", "TV", "Baku", "police"),
            ("month", date(2020, 3, 1), "month", "physical_assault", "beating", "blogger", None, None, "police"),
            ("year", date(2020, 1, 1), "year", "court_outcome", "fine", "journalist", None, None, "court"),
            ("old", date(2019, 1, 1), "year", "detention", "arrest", "journalist", None, None, "police"),
        ],
    )
    return c


def ids(con, f: Filters) -> list[str]:
    where, params = f.where("t")
    return sorted(r[0] for r in con.execute(f"SELECT id FROM t WHERE {where}", params).fetchall())


def test_where_applies_the_precision_rules(con):
    assert ids(con, BASE) == ["day", "month", "year"]
    assert ids(con, Filters(start=date(2020, 2, 1), end=date(2020, 3, 31))) == ["day", "month"]
    assert ids(con, Filters(start=date(2020, 3, 1), end=date(2020, 3, 31))) == ["month"]
    assert ids(con, Filters(start=date(2019, 6, 1), end=date(2020, 12, 31))) == ["day", "month", "year"]
    assert ids(con, Filters(start=date(2019, 1, 1), end=date(2020, 12, 31))) == ["day", "month", "old", "year"]


def test_where_applies_the_other_filters(con):
    assert ids(con, BASE.with_(roles=("journalist",), perpetrators=("police",))) == ["day"]
    assert ids(con, BASE.with_(subcategories=("physical_assault.beating", "court_outcome.fine"))) == ["month", "year"]
    assert ids(con, BASE.with_(outlets=("TV",), locations=("Baku",))) == ["day"]


def test_period_sql_with_written_in_dates_matches_where(con):
    f = Filters(start=date(2020, 2, 1), end=date(2020, 3, 31))
    rows = con.execute(f"SELECT id FROM t WHERE {f.period_sql('t')} ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["day", "month"]


def test_year_only_apart(con):
    f = Filters(start=date(2020, 7, 1), end=date(2020, 12, 31))
    where, params = f.where_year_only_apart("t")
    assert [r[0] for r in con.execute(f"SELECT id FROM t WHERE {where}", params).fetchall()] == ["year"]


def test_period_condition_takes_sql_expressions():
    assert period_condition("i.", "p.period_start", "p.period_end").startswith(
        "(i.date >= p.period_start AND i.date <= p.period_end AND"
    )


def test_caption_says_what_is_shown():
    f = Filters(start=date(2020, 2, 1), end=date(2020, 12, 31), roles=("journalist",), perpetrators=("police",))
    assert f.caption(23) == f"23 incidents · Feb{THIN}–{THIN}Dec 2020 · journalist · by police"
    assert (
        f.with_(count="people").caption(1234)
        == f"1,234 people affected · Feb{THIN}–{THIN}Dec 2020 · journalist · by police"
    )
    assert Filters(start=date(2020, 3, 1), end=date(2020, 3, 31), lang="ru").caption(5) == "5 инцидентов · Март 2020"


@pytest.mark.parametrize(
    ("lang", "count", "n", "words"),
    [
        ("en", "incidents", 1, "1 incident"),
        ("en", "incidents", 2, "2 incidents"),
        ("en", "incidents", 0, "0 incidents"),
        ("en", "people", 1, "1 person affected"),
        ("en", "people", 3, "3 people affected"),
        ("ru", "incidents", 1, "1 инцидент"),
        ("ru", "incidents", 3, "3 инцидента"),
        ("ru", "incidents", 5, "5 инцидентов"),
        ("ru", "incidents", 11, "11 инцидентов"),
        ("ru", "incidents", 21, "21 инцидент"),
        ("ru", "people", 1, "1 пострадавший"),
        ("ru", "people", 2, "2 пострадавших"),
        ("az", "incidents", 1, "1 insident"),
        ("az", "incidents", 7, "7 insident"),  # a noun after a numeral stays singular
    ],
)
def test_caption_count_agrees_with_its_number(lang, count, n, words):
    f = Filters(start=date(2020, 3, 1), end=date(2020, 3, 31), lang=lang, count=count)
    assert f.caption(n).split(" · ")[0] == words


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("az", "İyn–iyl 2020 · inzibati həbs, AİHM qərarı · media orqanı · törədən: polis"),
        ("ru", "Июнь — июль 2020\u202fг. · административный арест, постановление ЕСПЧ · СМИ · нарушитель: полиция"),
    ],
)
def test_the_selection_in_words_keeps_the_language_s_case(lang, expected):
    """Labels inside a caption: only their first letter lowered, by the language's rules (no "i̇nzibati",
    no "ai̇hm", no "сми"), and the period starts with the language's capital ("İyn", not "Iyn")."""
    f = Filters(
        start=date(2020, 6, 1),
        end=date(2020, 7, 31),
        subcategories=("detention.administrative_detention", "court_outcome.echr_judgment"),
        roles=("media_outlet",),
        perpetrators=("police",),
        lang=lang,
    )
    assert f.caption(0).split(" · ", 1)[1] == expected
    assert "\u0307" not in f.caption(0)


# -- a period from the URL is moved into the data ---------------------------------------------

SPAN = (date(2019, 1, 1), date(2021, 6, 17))  # first and last date of the data
FIRST, LAST = date(2019, 1, 1), date(2021, 6, 1)  # its first and last month; the default is 2020


@pytest.mark.parametrize(
    ("params", "period"),
    [
        ({"from": "2030-01"}, (LAST, LAST)),  # after the data: its last month, not an empty period
        ({"from": "2030-01", "to": "2030-03"}, (LAST, LAST)),
        ({"to": "1990-01"}, (FIRST, FIRST)),  # before the data: its first month
        ({"from": "1990-01", "to": "1991-06"}, (FIRST, FIRST)),
        ({"from": "1990-01"}, (FIRST, date(2020, 12, 1))),  # cut to the data, default end kept
        ({"to": "2030-01"}, (date(2020, 1, 1), LAST)),
        ({"from": "2021-03"}, (date(2021, 3, 1), LAST)),  # the default end would be before it
        ({"to": "2019-06"}, (FIRST, date(2019, 6, 1))),  # the default start would be after it
        ({"from": "2020-05", "to": "2020-02"}, (date(2020, 2, 1), date(2020, 5, 1))),  # reversed: swapped
        ({"from": "2030-01", "to": "2020-02"}, (date(2020, 2, 1), LAST)),
        ({"from": "x", "to": "2020-13"}, (date(2020, 1, 1), date(2020, 12, 1))),  # malformed: the default
        ({"from": "", "to": " "}, (date(2020, 1, 1), date(2020, 12, 1))),
        ({"from": "99999-01"}, (date(2020, 1, 1), date(2020, 12, 1))),  # not a date at all
        ({"from": "9999-12", "to": "9999-12"}, (LAST, LAST)),
        ({"from": "0001-01"}, (FIRST, date(2020, 12, 1))),
        ({"from": "2020-06-30"}, (date(2020, 6, 1), date(2020, 12, 1))),  # a day: its month
        ({"from": ["2020-01"], "to": None}, (date(2020, 1, 1), date(2020, 12, 1))),  # not text
    ],
)
def test_a_url_period_is_moved_into_the_data(params, period):
    f = Filters.from_params(params, BASE, span=SPAN)
    assert (f.start, date(f.end.year, f.end.month, 1)) == period
    assert f.end == month_end(f.end)
    # shown and said as it is: the caption and the URL carry the period actually used
    assert f.caption(0).split(" · ")[1] == i18n.period_label(*period, "en")
    assert (f.to_params()["from"], f.to_params()["to"]) == (f"{period[0]:%Y-%m}", f"{period[1]:%Y-%m}")


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["from", "to", "kind", "count", "lang"]),
        st.one_of(st.text(max_size=12), st.from_regex(r"-?\d{1,6}-\d{1,3}(-\d{1,2})?", fullmatch=True)),
    )
)
def test_no_url_breaks_the_period(params):
    f = Filters.from_params(params, BASE, span=SPAN)
    assert SPAN[0] <= f.start <= f.end <= month_end(SPAN[1])
    assert f.start.day == 1 and f.end == month_end(f.end)
    f.previous()  # the comparison period can be computed too
    f.caption(3)


def test_clamped_keeps_the_part_inside_and_the_other_filters():
    f = Filters(start=date(2018, 6, 1), end=date(2020, 2, 29), roles=("blogger",)).clamped(*SPAN)
    assert (f.start, f.end, f.roles) == (FIRST, date(2020, 2, 29), ("blogger",))


def test_filter_in_words_for_downloads():
    f = Filters(start=date(2020, 2, 1), end=date(2020, 3, 31), categories=("detention",), outlets=("TV",))
    assert f.in_words() == f"Period: Feb{THIN}–{THIN}Mar 2020; Kind of incident: Detentions; Outlet: TV"
    assert BASE.in_words() == f"Period: Jan{THIN}–{THIN}Dec 2020; no other filter"
    assert f.describe("en")[2] == ("Type", "All")


def test_slug_for_file_names():
    f = Filters(start=date(2020, 2, 1), end=date(2020, 3, 31), categories=("detention",), roles=("blogger",))
    assert f.slug() == "2020-02_2020-03_detention_blogger"
    assert f.with_(outlets=("X",)).slug() == "2020-02_2020-03_detention_blogger_filtered"


# -- the same through the app: a link with a period outside the data ---------------------------


@pytest.mark.parametrize(
    ("params", "period"),
    [
        ({"from": "2030-01", "to": "2030-03"}, ("2020-12", "2020-12")),
        ({"to": "1990-01"}, ("2019-01", "2019-01")),
        ({"from": "2020-13", "to": "2020-05"}, ("2020-01", "2020-05")),
        ({"from": "2020-05", "to": "2020-02"}, ("2020-02", "2020-05")),
    ],
)
def test_a_link_with_a_period_outside_the_data_shows_the_data_and_says_so(open_app, params, period):
    at = open_app(params)
    f = at.session_state["pfd_filters"]
    assert (f"{f.start:%Y-%m}", f"{f.end:%Y-%m}") == period
    # the sidebar shows that period and the URL is rewritten to it
    assert (
        f"{at.sidebar.selectbox(key='w_from_en').value:%Y-%m}",
        f"{at.sidebar.selectbox(key='w_to_en').value:%Y-%m}",
    ) == period
    assert (at.query_params["from"], at.query_params["to"]) == period
    # the caption of the incident list names the period shown
    words = i18n.period_label(f.start, f.end, "en")
    assert any(c.value.split(" · ")[1:2] == [words] for c in at.caption if " · " in c.value), [
        c.value for c in at.caption
    ]


def test_months_in_lists_every_month_start_across_a_year_end():
    from pressfreedom.filters import months_in

    assert months_in(date(2019, 11, 15), date(2020, 2, 1)) == [
        date(2019, 11, 1), date(2019, 12, 1), date(2020, 1, 1), date(2020, 2, 1)
    ]  # fmt: skip
    assert months_in(date(2020, 3, 31), date(2020, 3, 1)) == [date(2020, 3, 1)]
    assert months_in(date(2020, 3, 1), date(2020, 2, 1)) == []


def test_the_time_grain_follows_the_period_unless_chosen_and_the_link_keeps_it():
    one_year = Filters(start=date(2020, 1, 1), end=date(2020, 12, 31))
    three = Filters(start=date(2018, 1, 1), end=date(2020, 12, 31))
    twelve = Filters(start=date(2014, 1, 1), end=date(2025, 12, 31))
    assert (one_year.time_grain, three.time_grain, twelve.time_grain) == ("month", "quarter", "year")
    assert len(twelve.periods()) == 12 and twelve.periods()[0] == date(2014, 1, 1)
    # every bar of the range, the cut first and last quarters included
    assert Filters(start=date(2019, 2, 1), end=date(2022, 5, 31)).periods()[:2] == [date(2019, 1, 1), date(2019, 4, 1)]
    chosen = twelve.with_(grain="quarter")
    assert chosen.time_grain == "quarter" and len(chosen.periods()) == 48
    params = chosen.to_params(one_year)
    assert params["grain"] == "quarter"
    assert Filters.from_params(params, one_year).grain == "quarter"
    assert "grain" not in twelve.to_params(one_year)  # auto is the default: not in the link
    assert Filters.from_params({"grain": "decade"}, one_year).grain == "auto"


def test_year_only_incidents_join_the_chart_at_year_grain_only(fixture_build):
    from pressfreedom.query import Query
    from pressfreedom.selection import ids_by_month

    q = Query(fixture_build)
    f = Filters(start=date(2019, 1, 1), end=date(2022, 12, 31))  # 48 months: quarters
    quarters, years = q.by_period(f, "category"), q.by_period(f.with_(grain="year"), "category")
    incidents = q.incidents(f)
    year_only = int((incidents["date_precision"] == "year").sum())
    assert year_only > 0
    assert int(years["n"].sum()) == len(incidents)  # every incident of the period in its year
    assert int(quarters["n"].sum()) == len(incidents) - year_only  # year-only ones apart
    bar = [["2020-01-01", "court_outcome"]]
    at_year = ids_by_month(incidents, bar, "category", "year")
    at_month = ids_by_month(incidents, [["2020-01-01", "court_outcome"]], "category", "month")
    court_2020 = set(
        incidents.loc[
            (incidents["category"] == "court_outcome") & (incidents["date"].map(lambda d: d.year) == 2020),
            "incident_id",
        ]
    )
    assert at_year == court_2020 and at_month < at_year
