"""Figures reused for the same build (``pressfreedom.memo``): the fingerprint sees every input a
chart's build depends on, refuses what it can't vouch for, and a page revisited builds nothing."""

from __future__ import annotations

import threading
import time
import types
from datetime import date

import numpy as np
import pandas as pd
import pytest
import streamlit as st

from pressfreedom import charts, figures, memo
from pressfreedom.filters import Filters
from pressfreedom.query import Query
from webapp import app


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"key": ["a", "b", "c"], "n": [3, 2, 1], "when": [date(2020, 1, 1)] * 3, "sources": [["s1"], ["s2"], []]}
    )


def bars(df: pd.DataFrame, title: str = "T"):
    return app.builder(charts.horizontal_bars, df[["key", "n"]], title=title, caption="c", source="s")


def test_equal_inputs_give_one_fingerprint():
    assert memo.fingerprint(frame()) == memo.fingerprint(frame().copy())
    assert memo.fingerprint(bars(frame()), "screen") == memo.fingerprint(bars(frame().copy()), "screen")


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.assign(n=[3, 2, 2]),  # a number
        lambda d: d.assign(n=[3.0, 2.0, 1.0]),  # the same numbers as another type
        lambda d: d.assign(key=["a", "b", "d"]),  # a label
        lambda d: d.assign(sources=[["s1"], ["s2"], ["s3"]]),  # a list cell
        lambda d: d.assign(when=[date(2020, 1, 1), date(2020, 1, 2), date(2020, 1, 1)]),  # a date
        lambda d: d.rename(columns={"n": "m"}),  # a column's name
        lambda d: d.iloc[[1, 0, 2]],  # the order of the rows
        lambda d: d.iloc[:2],  # a row fewer
    ],
)
def test_any_change_of_a_frame_changes_the_fingerprint(change):
    assert memo.fingerprint(frame()) != memo.fingerprint(change(frame()))


def test_a_build_is_told_apart_by_its_arguments_data_and_theme():
    base = memo.fingerprint(bars(frame()), "screen")
    assert base != memo.fingerprint(bars(frame(), title="U"), "screen")
    assert base != memo.fingerprint(bars(frame().assign(n=[9, 2, 1])), "screen")
    assert base != memo.fingerprint(bars(frame()), "screen:340")
    other = app.builder(charts.column_bars, frame()[["key", "n"]], title="T", caption="c", source="s")
    assert base != memo.fingerprint(other, "screen")


def test_the_globals_a_function_reads_are_part_of_it():
    # a page's top-level lambda reads the page's variables as globals, not through a closure
    code = "build = lambda theme: charts.horizontal_bars(df, title=title, theme=theme)"
    one, two = {"charts": charts, "df": frame(), "title": "T"}, {"charts": charts, "df": frame(), "title": "U"}
    exec(code, one)
    exec(code, two)
    assert memo.fingerprint(one["build"]) != memo.fingerprint(two["build"])
    two["title"] = "T"
    assert memo.fingerprint(one["build"]) == memo.fingerprint(two["build"])


def test_what_may_read_state_when_called_is_refused():
    assert memo.fingerprint(lambda theme: app.data("incidents")) is None  # webapp: reads the session
    assert memo.fingerprint(lambda theme: st.session_state) is None
    assert memo.fingerprint(app.data) is None  # a named function outside the pure library
    opaque = types.SimpleNamespace(con=open(__file__))  # noqa: SIM115 - a file can't be pickled
    try:
        assert memo.fingerprint(lambda theme: opaque) is None
    finally:
        opaque.con.close()
    assert memo.fingerprint(charts.horizontal_bars) is not None  # the pure library's own


def test_the_memo_builds_once_per_fingerprint_and_forgets_the_oldest():
    made: list[str] = []

    def make(build, theme):
        made.append(theme)
        return build(theme)

    m = memo.FigureMemo(size=2)
    first = m.get(bars(frame()), "screen", make)
    again = m.get(bars(frame().copy()), "screen", make)
    assert again is first and made == ["screen"] and (m.hits, m.misses) == (1, 1)
    m.get(bars(frame()), "export", make)
    m.get(bars(frame()), "screen:340", make)  # the third: "screen" is forgotten
    m.get(bars(frame()), "screen", make)
    assert made == ["screen", "export", "screen:340", "screen"]
    lock = threading.Lock()  # (can't be serialised: the build can't be vouched for)

    def opaque(theme):
        return lock and charts.horizontal_bars(frame()[["key", "n"]], title="t", caption="c", source="s", theme=theme)

    m.get(opaque, "screen", make)
    m.get(opaque, "screen", make)
    assert made[-2:] == ["screen", "screen"] and m.uncached == 2


def test_a_key_figure_reused_is_the_figure_built_anew(fixture_build):
    q = Query(fixture_build)
    data = figures.from_query(q)
    f = Filters(start=date(2019, 1, 1), end=date(2020, 12, 31), lang="ru")
    kf1, kf2 = figures.overview_monthly(data, f), figures.overview_monthly(data, f)
    assert memo.fingerprint(kf1.build, "screen") == memo.fingerprint(kf2.build, "screen")
    kf_en = figures.overview_monthly(data, f.with_(lang="en"))
    assert memo.fingerprint(kf1.build, "screen") != memo.fingerprint(kf_en.build, "screen")
    m = memo.FigureMemo()
    m.get(kf1.build, "screen")
    assert m.get(kf2.build, "screen").to_plotly_json() == kf2.build("screen").to_plotly_json()


def test_a_page_visited_again_builds_none_of_its_charts(open_app, monkeypatch):
    calls: list[str] = []
    real = charts.monthly_bars

    def counted(*args, **kwargs):
        calls.append(kwargs.get("lang", "?"))
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "monthly_bars", counted)
    monkeypatch.setattr(app, "FIGURES", memo.FigureMemo())
    at = open_app({"from": "2019-01", "to": "2020-12"})
    assert len(calls) == 1 and len(at.get("plotly_chart")) >= 1
    at.switch_page("pages/court.py").run()
    n = len(calls)  # (the court page's by-month chart)
    at.switch_page("pages/overview.py").run()
    assert len(calls) == n and not at.exception and len(at.get("plotly_chart")) >= 1
    at.sidebar.selectbox(key="w_lang").set_value("az").run()
    assert calls[-1] == "az"  # another language: built anew


def test_the_launchers_warm_up_fills_what_the_first_visitors_overview_reads(open_app, monkeypatch):
    """``python -m webapp`` runs the overview's data and charts before anyone asks: the first visitor's
    overview then queries nothing for its cards and lists and builds none of its three charts."""
    from streamlit.runtime.pages_manager import PagesManager

    from webapp.__main__ import warm_up

    built: list[str] = []
    for name in ("monthly_bars", "horizontal_bars", "documented_vs_published"):
        real = getattr(charts, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            built.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(charts, name, counted)
    asked: list[str] = []
    for method in ("overview", "incidents"):
        real = getattr(Query, method)

        def answered(self, *args, _real=real, _name=method, **kwargs):
            asked.append(_name)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(Query, method, answered)
    monkeypatch.setattr(app, "FIGURES", memo.FigureMemo())
    open_app()  # (points the process at the fixture build; its run builds and asks)
    assert sorted(set(built)) == ["documented_vs_published", "horizontal_bars", "monthly_bars"]
    assert sorted(set(asked)) == ["incidents", "overview"]
    st.cache_resource.clear()  # a server just started: nothing cached, nothing built
    app.ANSWERS.clear()
    monkeypatch.setattr(app, "FIGURES", memo.FigureMemo())
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    built.clear(), asked.clear()
    warm_up(wait=0)
    assert PagesManager.uses_pages_directory is False  # the first run is in navigation mode already
    assert sorted(built) == ["documented_vs_published", "horizontal_bars", "monthly_bars"] and asked
    built.clear(), asked.clear()
    at = open_app()  # the first visitor
    assert built == [] and asked == [] and app.FIGURES.hits == 3, (built, asked)
    assert len(at.get("plotly_chart")) >= 3 and not at.exception


def test_a_failing_warm_up_is_logged_and_changes_nothing(monkeypatch, caplog):
    from webapp.__main__ import warm_up

    def broken():
        raise OSError("no build here")

    monkeypatch.setattr(app, "get_query", broken)
    monkeypatch.setattr(app, "FIGURES", memo.FigureMemo())
    warm_up(wait=0)  # (the shipped build is there: get_query is reached, and fails)
    assert "warm-up failed" in caplog.text and app.FIGURES.misses == 0


def test_the_answer_cache_keeps_answers_within_its_budget():
    """Least recently used answers go first once the budget (bytes) or the count is passed; one
    larger than the whole budget is handed out and not kept; the estimate sees a frame's size."""
    big = pd.DataFrame({"n": range(100_000), "ids": [["INC-1", "INC-2"]] * 100_000, "s": ["x" * 40] * 100_000})
    small = pd.DataFrame({"n": range(10)})
    size = memo.approx_bytes(big)
    assert size > 8 * 100_000 + 100_000 * 2 * 40 > memo.approx_bytes(small)  # numbers, lists and strings seen
    made = []

    def make(key, value):
        def f():
            made.append(key)
            return value

        return f

    cache = memo.AnswerCache(budget=int(size * 2.5), max_entries=4)
    for key in ("a", "b"):
        assert cache.get(key, make(key, big)) is big
    assert cache.get("a", make("a", big)) is big and made == ["a", "b"]  # a hit: shared, not made again
    cache.get("c", make("c", big))  # over budget: "b" (least recently used) goes
    assert cache.bytes <= cache.budget and len(cache) == 2 and cache.evicted == 1
    cache.get("a", make("a", big)), cache.get("b", make("b", big))
    assert made == ["a", "b", "c", "b"]
    for key in "vwxyz":  # the count: at most 4 answers however small
        cache.get(key, make(key, small))
    assert len(cache) == 4
    huge = memo.AnswerCache(budget=size // 2)
    assert huge.get("big", make("big", big)) is big and len(huge) == 0 and huge.bytes == 0
    assert cache.get(None, make("none", small)) is small and cache.get(None, make("none", small)) is small
    assert made[-2:] == ["none", "none"]  # no key: never kept


def test_the_size_estimate_is_close_and_cheap_for_long_lists_in_cells():
    """A published figure's row holds thousands of incident ids: the estimate samples them (and the
    cells) instead of sizing each, and stays within 10 % of the exact figure."""
    import sys

    rng = np.random.default_rng(7)
    lists = [[f"INC-{rng.integers(10**6):07d}" for _ in range(int(rng.integers(1, 6000)))] for _ in range(60)]
    frame = pd.DataFrame(
        {"incident_ids": lists, "n": range(60), "as_array": [np.array(x, dtype=object) for x in lists]}
    )
    exact = int(frame.index.memory_usage()) + 8 * 60 + 2 * 8 * 60  # (the index, "n", two columns of pointers)
    exact += sum(sys.getsizeof(x) + sum(sys.getsizeof(i) for i in x) for x in lists)
    exact += sum(np.array(x, dtype=object).nbytes + sum(sys.getsizeof(i) for i in x) for x in lists)
    assert abs(memo.approx_bytes(frame) - exact) / exact < 0.10
    looked = []
    real = memo.approx_bytes

    def counting(value, sample=memo.SAMPLE):
        looked.append(1)
        return real(value, sample)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(memo, "approx_bytes", counting)
        counting(frame)
    assert len(looked) < 60 * 2 * 50  # at most ~50 looks a cell, not every one of ~180,000 ids twice


def test_the_dashboard_keeps_query_answers_in_the_budgeted_cache(open_app, monkeypatch):
    """``app.data`` answers from ``app.ANSWERS``: a second session asks the query layer nothing,
    and a cache with no budget keeps nothing (every run asks again)."""
    asked = []
    real = Query.overview

    def overview(self, *args, **kwargs):
        asked.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Query, "overview", overview)
    open_app()
    assert asked and len(app.ANSWERS) > 0 and app.ANSWERS.bytes > 0
    asked.clear()
    open_app()
    assert asked == []
    monkeypatch.setattr(app, "ANSWERS", memo.AnswerCache(budget=0))
    open_app()
    open_app()
    assert len(asked) == 2 and len(app.ANSWERS) == 0


def test_the_answer_budget_reads_the_hosts_setting(caplog):
    assert memo.answer_budget(None) == memo.answer_budget("") == memo.ANSWER_CACHE_MB << 20
    assert memo.answer_budget("64") == 64 << 20 and memo.answer_budget("0") == 0
    assert memo.answer_budget(" 64 ") == 64 << 20 and memo.answer_budget("-5") == 0
    assert caplog.records == []  # (a setting that reads as a number: nothing to say)
    assert memo.answer_budget("2GB") == memo.ANSWER_CACHE_MB << 20
    [record] = caplog.records  # a typo is not ignored silently: the host is told what was used
    assert record.levelname == "WARNING" and "PFD_ANSWER_CACHE_MB='2GB'" in record.getMessage()
    assert f"{memo.ANSWER_CACHE_MB} MB" in record.getMessage()


def test_one_session_makes_an_answer_the_others_wait_for():
    """Sessions asking for the same answer while it is being made get that answer, not a query of
    their own each (``st.cache_resource`` locked per key; the budgeted cache must too); a failure
    reaches every waiter, and the key can be made again afterwards."""
    cache = memo.AnswerCache(budget=1 << 20)
    started, release, made, got = threading.Event(), threading.Event(), [], []

    def slow(value):
        def make():
            made.append(value)
            started.set()
            assert release.wait(10)
            if isinstance(value, Exception):
                raise value
            return value

        return make

    def ask(key, make):
        try:
            got.append(cache.get(key, make))
        except Exception as error:  # noqa: BLE001 (what the waiter saw)
            got.append(error)

    for key, answer in (("list", [1, 2, 3]), ("fails", ValueError("query failed"))):
        made.clear(), got.clear(), started.clear(), release.clear()
        waiting = cache.hits + 3  # (a session that finds the answer being made counts as a hit)
        first = threading.Thread(target=ask, args=(key, slow(answer)))
        first.start()
        assert started.wait(10)
        others = [threading.Thread(target=ask, args=(key, slow("again"))) for _ in range(3)]
        for t in others:
            t.start()
        for _ in range(2000):  # until the three wait for the first (or, wrongly, make it themselves)
            if cache.hits == waiting or len(made) > 1:
                break
            time.sleep(0.005)
        release.set()
        for t in [first, *others]:
            t.join(10)
        assert made == [answer] and len(got) == 4 and all(g is answer for g in got)
    assert cache.get("fails", lambda: "made anew") == "made anew"  # a failure is not kept


def test_the_host_is_told_when_answers_are_dropped(caplog):
    """The first time the budget drops an answer (or one is too large to keep), a warning says so
    with the cache's figures; then at most one per ``warn_every`` seconds; none for a budget of 0."""
    frame = pd.DataFrame({"n": range(1000)})
    size = memo.approx_bytes(frame)
    cache = memo.AnswerCache(budget=int(size * 1.5), warn_every=3600)
    cache.get("a", lambda: frame)
    assert caplog.records == []
    cache.get("b", lambda: frame.copy())
    [record] = caplog.records
    assert record.levelname == "WARNING" and "PFD_ANSWER_CACHE_MB" in record.getMessage()
    assert cache.stats() == {
        "budget_mb": round(size * 1.5 / 2**20, 1), "kept": 1, "kept_mb": round(size / 2**20, 1),
        "hits": 0, "misses": 2, "evicted": 1, "too_large": 0,
    }  # fmt: skip
    assert "1 kept" in record.getMessage() and "1 dropped" in record.getMessage()
    cache.get("c", lambda: frame.copy())
    assert len(caplog.records) == 1 and cache.evicted == 2  # (not again within the hour)
    again = memo.AnswerCache(budget=size // 2, warn_every=0)
    again.get("x", lambda: frame), again.get("y", lambda: frame)
    assert len(caplog.records) == 3 and "2 too large to keep" in caplog.records[-1].getMessage()
    memo.AnswerCache(budget=0).get("z", lambda: frame)
    assert len(caplog.records) == 3
