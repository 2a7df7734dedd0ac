"""The one filter model: URL round trip, SQL (precision rules), captions and words for downloads."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from pfd.filters import Filters, period_condition

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
    assert Filters(start=date(2020, 3, 1), end=date(2020, 3, 31), lang="ru").caption(5) == "инцидентов: 5 · Март 2020"


def test_filter_in_words_for_downloads():
    f = Filters(start=date(2020, 2, 1), end=date(2020, 3, 31), categories=("detention",), outlets=("TV",))
    assert f.in_words() == f"Period: Feb{THIN}–{THIN}Mar 2020; Kind of incident: Detentions; Outlet: TV"
    assert BASE.in_words() == f"Period: Jan{THIN}–{THIN}Dec 2020; no other filter"
    assert f.describe("en")[2] == ("Type", "All")


def test_slug_for_file_names():
    f = Filters(start=date(2020, 2, 1), end=date(2020, 3, 31), categories=("detention",), roles=("blogger",))
    assert f.slug() == "2020-02_2020-03_detention_blogger"
    assert f.with_(outlets=("X",)).slug() == "2020-02_2020-03_detention_blogger_filtered"
