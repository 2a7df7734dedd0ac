"""Chart builders: traces, totals equal the data, every month on the axis, annotations present."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pressfreedom import charts, i18n, selection
from pressfreedom.vocab import ASSAULT_TYPE, CATEGORY, YES_NO_UNKNOWN

MONTHS = [date(2020, m, 1) for m in range(1, 13)]
TEXT = dict(title="Incidents by month", caption="7 incidents · Jan – Dec 2020", source="Source: A · n = 7 incidents")


def grid(counts: dict[tuple[int, str], int], monitored: set[int] | None = None) -> pd.DataFrame:
    keys = sorted({k for _, k in counts})
    rows = [
        (m, k, counts.get((m.month, k), 0), monitored is None or m.month in monitored) for m in MONTHS for k in keys
    ]
    return pd.DataFrame(rows, columns=["month", "key", "n", "monitored"])


EVENTS = pd.DataFrame(
    [
        dict(event_id="E1", start=date(2020, 2, 9), end=None, label_en="Elections", label_ru="Выборы", label_az="Seçki"),
        dict(event_id="E2", start=date(2020, 9, 27), end=date(2020, 11, 10), label_en="War", label_ru="Война",
             label_az="Müharibə"),
        dict(event_id="E3", start=date(2020, 9, 28), end=date(2020, 12, 12), label_en="Martial law",
             label_ru="Военное положение", label_az="Hərbi vəziyyət"),
    ]
)  # fmt: skip


def annotations(fig, name: str) -> list[str]:
    return [a.text for a in fig.layout.annotations if a.name == name]


def shapes(fig, name: str) -> list:
    return [s for s in fig.layout.shapes if s.name == name]


def test_monthly_bars_traces_totals_and_every_month():
    data = grid({(2, "detention"): 3, (3, "physical_assault"): 2, (3, "detention"): 1, (9, "court_outcome"): 1})
    fig = charts.monthly_bars(data, **TEXT, events=EVENTS)
    # one trace per kind with data, in the declared order, each in its kind's colour
    assert [t.name for t in fig.data] == ["Physical assaults", "Detentions", "Court outcomes"]
    assert [t.marker.color for t in fig.data] == ["#D55E00", "#0072B2", "#CC79A7"]
    assert sum(sum(t.y) for t in fig.data) == 7 == int(data["n"].sum())
    assert list(fig.data[1].y) == [0, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert list(fig.data[1].customdata[1]) == ["2020-02-01", "detention"]
    assert list(fig.layout.xaxis.tickvals) == list(range(12))
    assert fig.layout.xaxis.ticktext[0] == "Jan 2020" and fig.layout.xaxis.ticktext[-1] == "Dec 2020"
    assert fig.layout.xaxis.range == (-0.5, 11.5)
    assert fig.layout.barmode == "stack"


def test_monthly_bars_carry_title_caption_source_and_events():
    fig = charts.monthly_bars(grid({(3, "detention"): 1}), **TEXT, events=EVENTS, note="Not drawn by month: 2")
    assert fig.layout.title.text == "Incidents by month"
    # the caption and the note are the subtitle, spaced by their own font
    assert fig.layout.title.subtitle.text == "7 incidents · Jan – Dec 2020<br>Not drawn by month: 2"
    assert fig.layout.title.subtitle.font.size == charts.THEMES["screen"].caption_size
    assert annotations(fig, "source-line") == ["Source: A · n = 7 incidents"]
    assert annotations(fig, "event") == ["Elections", "War", "Martial law"]
    assert len([s for s in shapes(fig, "event") if s.type == "rect" and s.yref == "y domain"]) == 2  # bands
    # the two overlapping periods get separate lanes, so their labels never overlap
    lanes = charts.event_lanes(EVENTS, MONTHS, "en", charts.THEMES["screen"])
    assert [(m.label, m.lane) for m in lanes] == [("Elections", 0), ("War", 0), ("Martial law", 1)]


def test_events_are_switchable_and_labelled_in_the_language():
    plain = charts.monthly_bars(grid({(3, "detention"): 1}), **TEXT, events=None)
    assert annotations(plain, "event") == []
    ru = charts.monthly_bars(grid({(3, "detention"): 1}), **TEXT, events=EVENTS, lang="ru")
    assert annotations(ru, "event") == ["Выборы", "Война", "Военное положение"]


def test_months_outside_coverage_are_marked_not_monitored():
    fig = charts.monthly_bars(grid({(6, "detention"): 2}, monitored=set(range(4, 13))), **TEXT)
    bands = shapes(fig, "not-monitored")
    assert [(b.x0, b.x1) for b in bands] == [(-0.5, 2.5)]
    assert annotations(fig, "not-monitored") == ["not monitored"]


def test_empty_data_gives_a_message_not_an_empty_axis():
    fig = charts.monthly_bars(grid({(1, "detention"): 0}), **TEXT)
    assert annotations(fig, "empty-message") == ["No incidents match these filters."]
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert annotations(fig, "source-line") == ["Source: A · n = 7 incidents"]
    assert len(fig.data) == 0


def test_a_single_month_renders():
    one = pd.DataFrame([(date(2020, 3, 1), "detention", 2, True)], columns=["month", "key", "n", "monitored"])
    fig = charts.monthly_bars(one, **TEXT)
    assert list(fig.layout.xaxis.tickvals) == [0] and list(fig.data[0].y) == [2]
    assert fig.layout.yaxis.dtick == 1  # whole numbers only


def test_types_within_a_kind_get_tints_and_patterns_and_unknown_is_grey():
    data = grid({(3, "beating"): 2, (3, "stabbing"): 1, (4, "unknown"): 1})
    fig = charts.monthly_bars(data, **TEXT, vocab=ASSAULT_TYPE, kind="physical_assault")
    styles = [(t.name, t.marker.color, t.marker.pattern.shape) for t in fig.data]
    assert styles == [("Beating", "#D55E00", ""), ("Stabbing", charts.shades("physical_assault", ["a", "b"])["b"][0], "/"),
                      ("Unknown", charts.UNKNOWN_COLOR, "")]  # fmt: skip


def test_horizontal_bars_totals_labels_and_selection_data():
    data = pd.DataFrame({"key": ["police", "unknown", "court"], "n": [3, 5, 1]})
    from pressfreedom.vocab import PERPETRATOR

    fig = charts.horizontal_bars(data, **TEXT, vocab=PERPETRATOR, color="#D55E00")
    bar = fig.data[0]
    assert list(bar.y) == ["Court", "Police", "Unknown"]  # largest at the top
    assert list(bar.x) == [1, 3, 5] and sum(bar.x) == 9
    assert list(bar.marker.color) == ["#D55E00", "#D55E00", charts.UNKNOWN_COLOR]
    assert [list(c) for c in bar.customdata] == [["court"], ["police"], ["unknown"]]
    assert annotations(fig, "source-line") == ["Source: A · n = 7 incidents"]


def test_long_labels_wrap_and_are_escaped():
    assert charts.wrap_label("<b>participation in the acts charged against somebody else</b>", 20) == (
        "&lt;b&gt;participation in<br>the acts charged…"
    )


def test_column_bars_keep_the_declared_order_including_zeros():
    data = pd.DataFrame({"key": ["acquittal", "conviction"], "n": [2, 14]})
    labels = {"conviction": "Conviction stands", "overturned": "Convicted, later acquitted", "acquittal": "Acquitted"}
    fig = charts.column_bars(data, **TEXT, labels=labels, kind="court_outcome")
    assert [t.y[0] for t in fig.data] == [14, 0, 2]
    assert [t.customdata[0][0] for t in fig.data] == ["conviction", "overturned", "acquittal"]
    uniform = charts.column_bars(data, **TEXT, labels=labels, kind="court_outcome", uniform=True)
    assert {t.marker.color for t in uniform.data} == {"#CC79A7"}


def test_answer_bars_stack_yes_no_unknown():
    data = pd.DataFrame(
        {"question": ["injured", "injured", "equipment"], "key": ["yes", "unknown", "unknown"], "n": [9, 23, 32]}
    )
    q = {"injured": "Injured", "equipment": "Equipment damaged or seized"}
    fig = charts.answer_bars(data, **TEXT, questions=q, answers=YES_NO_UNKNOWN, kind="physical_assault")
    assert [t.name for t in fig.data] == ["Yes", "No", "Unknown"]
    assert [list(t.x) for t in fig.data] == [[9, 0], [0, 0], [23, 32]]


def test_block_timeline_shows_confirmed_uncertain_and_unconfirmed_apart():
    data = pd.DataFrame(
        [
            dict(incident_id="B1", domain="a.az", start_possible=date(2017, 1, 1), start_precision="year",
                 start_certain=date(2017, 12, 31), end_confirmed=date(2020, 12, 31), blocked_until=None,
                 status_as_of=date(2020, 12, 31), open_ended=True),
            dict(incident_id="B2", domain="c.az", start_possible=date(2020, 1, 1), start_precision="year",
                 start_certain=date(2020, 12, 31), end_confirmed=date(2020, 12, 31), blocked_until=None,
                 status_as_of=date(2020, 12, 31), open_ended=True),
            dict(incident_id="B3", domain="b.az", start_possible=date(2020, 3, 1), start_precision="day",
                 start_certain=date(2020, 3, 1), end_confirmed=date(2020, 6, 30), blocked_until=None,
                 status_as_of=date(2020, 6, 30), open_ended=True),
        ]
    )  # fmt: skip
    fig = charts.block_timeline(data, start=date(2020, 1, 1), end=date(2020, 12, 31), **TEXT)
    by_name = {t.name: t for t in fig.data}
    assert list(by_name) == [
        "Blocked (confirmed)",
        "Start known only to the month or year",
        "Not confirmed after the last check",
    ]
    confirmed = by_name["Blocked (confirmed)"]
    assert list(confirmed.y) == ["a.az", "c.az", "b.az"]
    assert list(confirmed.base) == ["2020-01-01", "2020-12-31", "2020-03-01"]
    assert list(confirmed.text) == ["since 2017", "", ""]
    assert list(by_name["Start known only to the month or year"].y) == ["c.az"]
    after = by_name["Not confirmed after the last check"]
    assert (list(after.y), list(after.base)) == (["b.az"], ["2020-07-01"])
    assert fig.layout.xaxis.type == "date"


def test_block_timeline_empty():
    fig = charts.block_timeline(pd.DataFrame(), start=date(2020, 1, 1), end=date(2020, 1, 31), **TEXT)
    assert annotations(fig, "empty-message") == ["No block was in force during this period."]


def test_documented_vs_published_two_bars_per_figure():
    data = pd.DataFrame(
        dict(figure_id=["F-1", "F-4"], label=["Assaults on journalists (Jan – Dec 2020)", "Other"],
             category=["physical_assault", None], value=[26.0, 130.0], value_text=["at least 26", "more than 130"],
             documented=pd.array([32, None], dtype="Int64"), documented_text=["32 incidents itemised here", ""])
    )  # fmt: skip
    fig = charts.documented_vs_published(data, **TEXT)
    assert [t.name for t in fig.data] == ["Published by the source", "Itemised here"]
    assert (list(fig.data[0].x), list(fig.data[1].x)) == ([26.0], [32.0])  # the figure with no counterpart is left out
    assert list(fig.data[0].text) == ["at least 26"]
    assert list(fig.data[1].marker.color) == ["#D55E00"]


def test_case_timeline_points_for_days_and_bars_for_months_or_years():
    data = pd.DataFrame(
        dict(incident_id=["D1", "A1", "C1"], category=["detention", "physical_assault", "court_outcome"],
             subcategory=["arrest", "beating", "fine"], date=[date(2020, 2, 11), date(2020, 3, 1), date(2020, 1, 1)],
             date_precision=["day", "month", "year"])
    )  # fmt: skip
    fig = charts.case_timeline(data, **TEXT)
    kinds = {(t.type, t.y[0]) for t in fig.data}
    assert kinds == {("scatter", "Detentions"), ("bar", "Physical assaults"), ("bar", "Court outcomes")}
    year_bar = next(t for t in fig.data if t.y[0] == "Court outcomes")
    assert (year_bar.base[0], year_bar.x[0]) == ("2020-01-01", 366 * 86_400_000)  # the whole of 2020


@pytest.mark.parametrize("lang", ["en", "ru", "az"])
def test_date_axes_are_labelled_in_the_charts_language(lang):
    """plotly labels a date axis in English whatever the page's language: the timelines give
    their own ticks (month starts on the axis, month names from Babel)."""
    blocks = pd.DataFrame(
        [dict(incident_id="B1", domain="a.az", start_possible=date(2020, 3, 1), start_precision="day",
              start_certain=date(2020, 3, 1), end_confirmed=date(2020, 12, 31), blocked_until=None,
              status_as_of=date(2020, 12, 31), open_ended=True)]
    )  # fmt: skip
    held = pd.DataFrame(
        dict(incident_id=["D1", "C1"], category=["detention", "court_outcome"], subcategory=["arrest", "fine"],
             date=[date(2017, 3, 3), date(2019, 6, 1)], date_precision=["day", "month"],
             released_on=[date(2019, 3, 1), None])
    )  # fmt: skip
    text = TEXT | {"lang": lang}
    for fig, first, last in (
        (charts.block_timeline(blocks, start=date(2020, 1, 1), end=date(2020, 12, 31), **text), "2020-01", "2021-01"),
        (charts.case_timeline(held, **text), "2017-03", "2019-07"),
    ):
        xa = fig.layout.xaxis
        assert xa.tickmode == "array" and 3 <= len(xa.tickvals) <= 12
        assert (xa.range[0][:7], xa.range[1][:7]) == (first, last)
        assert all(xa.range[0] <= v <= xa.range[1] for v in xa.tickvals)  # every tick on the axis
        days = [date.fromisoformat(v) for v in xa.tickvals]
        assert all(d.day == 1 for d in days)
        assert list(xa.ticktext) == [i18n.month_label(d, lang) for d in days]
        if lang != "en":
            assert list(xa.ticktext) != [i18n.month_label(d, "en") for d in days]  # ("Mar 2020" is az too)


@pytest.mark.parametrize("theme", ["screen", "projector", "export"])
def test_every_theme_puts_the_source_line_inside_the_figure(theme):
    fig = charts.monthly_bars(grid({(3, "detention"): 1}), **TEXT, theme=theme)
    source = next(a for a in fig.layout.annotations if a.name == "source-line")
    assert source.yshift < 0 and -source.yshift < fig.layout.margin.b
    assert source.xshift == -(fig.layout.margin.l - 12)
    if theme == "export":
        assert fig.layout.width == 1600


def test_one_colour_per_kind_and_colour_blind_safe_palette():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert set(charts.CATEGORY_COLORS) == set(CATEGORY.codes)
    assert set(charts.CATEGORY_COLORS.values()) <= okabe_ito
    assert len(set(charts.CATEGORY_COLORS.values())) == 4


def test_case_timeline_draws_the_time_held_until_release():
    data = pd.DataFrame(
        dict(incident_id=["D1"], category=["detention"], subcategory=["arrest"], date=[date(2017, 3, 3)],
             date_precision=["day"], released_on=[date(2019, 3, 1)])
    )  # fmt: skip
    fig = charts.case_timeline(data, **TEXT)
    held = next(t for t in fig.data if t.name == "held")
    assert list(held.x) == ["2017-03-03", "2019-03-01", None]


# -- a box selection over a month column of the stacked chart ---------------------------------------


def box_over_month(fig, month: int) -> list[list]:
    """The customdata Plotly reports for a box drawn over one month's column: every trace's
    point at that x, including the zero-height bars of kinds with nothing that month."""
    x = month - 1
    return [list(t.customdata[i]) for t in fig.data for i, xi in enumerate(t.x) if xi == x]


def test_a_box_over_one_month_names_only_the_kinds_with_incidents():
    from pressfreedom.filters import Filters

    data = grid({(2, "detention"): 3, (3, "physical_assault"): 2, (3, "detention"): 1, (9, "court_outcome"): 1})
    fig = charts.monthly_bars(data, **TEXT)
    raw = box_over_month(fig, 2)
    assert len(raw) == 3  # the box holds the empty bars of assaults and court outcomes too
    f = Filters(start=date(2020, 1, 1), end=date(2020, 12, 31))
    chosen = selection.selected_bars(raw, data)
    assert chosen == [["2020-02-01", "detention"]]
    assert selection.selection_words(chosen, "category", f) == "Feb 2020 — Detentions"
    ru = f.with_(lang="ru")
    assert selection.selection_words(selection.selected_bars(box_over_month(fig, 3), data), "category", ru) == (
        "Март 2020 — Физические нападения; Март 2020 — Задержания и аресты"
    )
    incidents = pd.DataFrame(
        dict(
            incident_id=["A", "B", "C"],
            date=[date(2020, 2, 11), date(2020, 3, 1), date(2020, 1, 1)],
            date_precision=["day", "month", "year"],
            category=["detention", "physical_assault", "detention"],
        )
    )
    assert selection.ids_by_month(incidents, chosen, "category") == {"A"}


def test_a_box_over_an_empty_month_names_the_month_and_selects_nothing():
    from pressfreedom.filters import Filters

    data = grid({(2, "detention"): 3, (9, "court_outcome"): 1})
    fig = charts.monthly_bars(data, **TEXT)
    chosen = selection.selected_bars(box_over_month(fig, 5), data)
    assert chosen == [["2020-05-01", None]]
    f = Filters(start=date(2020, 1, 1), end=date(2020, 12, 31))
    assert selection.selection_words(chosen, "category", f) == "May 2020"
    incidents = pd.DataFrame(
        dict(incident_id=["A"], date=[date(2020, 5, 1)], date_precision=["year"], category=["detention"])
    )
    assert selection.ids_by_month(incidents, chosen, "category") == set()  # a selection, with nothing in it
    assert selection.selected_bars([], data) == []


# -- the context charts read the catalogues ---------------------------------------------------------


def test_context_chart_hover_agrees_with_the_number_of_countries():
    from pressfreedom import charts_third_party

    series = pd.DataFrame(
        dict(year=[2021, 2022], year_label=[None, None], iso="AZE", country="Azerbaijan", rank=[167, 154],
             countries_ranked=[181, 180], score=[None, None], scale=["2013_2021", "2022_on"],
             score_direction=[None, None], source_file="x", licence="x")
    )  # fmt: skip
    ru = charts_third_party.rsf_rank_figure(series, "ru")
    assert list(ru.data[0].hovertext) == ["2021: 167-е место из 181 страны", "2022: 154-е место из 180 стран"]
    en = charts_third_party.rsf_rank_figure(series.iloc[:1], "en")
    assert en.data[0].hovertext == ("2021: rank 167 of 181 countries",)
    assert any(a.text == "Source: RSF World Press Freedom Index; n = 1 index year" for a in en.layout.annotations)


@pytest.mark.parametrize(("lang", "signs"), [("en", ".,"), ("ru", ",\u00a0"), ("az", ",.")])
def test_numbers_on_charts_use_the_languages_signs(lang, signs):
    """plotly writes 12,000 and 2.5 in every language unless told: the layout's separators are
    the language's decimal and thousands signs (Babel), on every builder that has axes."""
    assert i18n.number_separators(lang) == signs
    text = TEXT | {"lang": lang}
    ranked = pd.DataFrame({"key": ["police", "unknown"], "n": [12000, 3]})
    for fig in (
        charts.monthly_bars(grid({(3, "detention"): 12000}), **text),
        charts.horizontal_bars(ranked, **text),
        charts.column_bars(ranked, labels={"police": "P", "unknown": "U"}, **text),
    ):
        assert fig.layout.separators == signs


def test_bands_and_lines_drawn_in_one_step_are_the_shapes_plotly_would_add():
    """add_events/add_coverage build their shapes as dicts and add them once (plotly's add_vrect
    re-checks every shape already there on each call); the dicts must be what add_vrect/add_vline make."""
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_vrect(x0=0.5, x1=2.5, fillcolor="#eee", line_width=0, layer="below", name="event")
    fig.add_vline(x=1.0, line=dict(color="#111", width=1.5, dash="dot"), name="event")
    ours = go.Figure()
    charts._overlay(
        ours,
        [
            charts._vrect(0.5, 2.5, "#eee", "event"),
            charts._vline(1.0, dict(color="#111", width=1.5, dash="dot"), "event"),
        ],
        [],
    )
    assert ours.to_plotly_json()["layout"]["shapes"] == fig.to_plotly_json()["layout"]["shapes"]


# -- narrow screens (issue 18) -------------------------------------------------------------------


def test_a_theme_name_carries_the_width_the_chart_is_drawn_at():
    assert charts.theme_of("screen").assumed_width == 950
    assert charts.theme_of("screen:360").assumed_width == 360
    assert charts.theme_of("screen:360").name == "screen"  # the same theme, laid out narrower
    # a chart in a column is never laid out wider than the screen it is on
    assert charts.theme_of("screen:360", width_hint=560).assumed_width == 360
    assert charts.theme_of("screen", width_hint=560).assumed_width == 560
    assert charts.theme_of("export:360").assumed_width == 1600  # a fixed-width image keeps its width
    assert charts.theme_name("screen", None) == "screen" and charts.theme_name("screen", 720) == "screen:720"


def test_a_narrow_chart_numbers_its_events_and_names_them_in_a_key_under_the_axis():
    data = grid({(3, "detention"): 1, (9, "physical_assault"): 2})
    fig = charts.monthly_bars(data, **TEXT, events=EVENTS, theme="screen:340")
    # on the plot: numbers in order of start, each with its whole label in the hover
    notes = [a for a in fig.layout.annotations if a.name == "event"]
    assert [a.text for a in notes] == ["1", "2", "3"]
    assert [a.hovertext for a in notes] == ["Elections", "War", "Martial law"]
    # the key says what each number is, in the chart's language; a wide chart has none
    assert annotations(fig, "event-key") == [
        i18n.t("chart.event_key", "en", events="1 Elections · 2 War · 3 Martial law")
    ]
    assert annotations(charts.monthly_bars(data, **TEXT, events=EVENTS), "event-key") == []
    ru = charts.monthly_bars(data, **TEXT, events=EVENTS, lang="ru", theme="screen:340")
    assert "1 Выборы · 2 Война · 3 Военное положение" in annotations(ru, "event-key")[0].replace("<br>", " ")
    # the key and the legend are under the x axis, the source line under them, all inside the figure
    key = next(a for a in fig.layout.annotations if a.name == "event-key")
    source = next(a for a in fig.layout.annotations if a.name == "source-line")
    assert key.yanchor == "top" and key.yshift < 0 and source.yshift < key.yshift
    assert fig.layout.legend.yanchor == "top" and fig.layout.legend.y < 0
    assert -source.yshift <= fig.layout.margin.b


def test_a_narrow_chart_wraps_its_title_caption_and_source_to_its_width():
    long = dict(
        title="Physical assaults on journalists by month and context of the assault",
        caption="25 incidents · Jan – Dec 2020 · physical assaults · journalists and bloggers",
        source="Source: Country Reports on Human Rights Practices for 2020; Azerbaijani media in 2020 · n = 25",
    )
    wide = charts.monthly_bars(grid({(3, "detention"): 1}), **long)
    narrow = charts.monthly_bars(grid({(3, "detention"): 1}), **long, theme="screen:340")
    lines = lambda text: text.count("<br>") + 1  # noqa: E731
    assert lines(wide.layout.title.text) == 1 and lines(narrow.layout.title.text) >= 2
    assert lines(annotations(narrow, "source-line")[0]) > lines(annotations(wide, "source-line")[0])
    th = charts.theme_of("screen:340")
    longest = max(len(x) for x in annotations(narrow, "source-line")[0].split("<br>"))
    assert longest * (th.caption_size - 1) * 0.55 <= 340 - 40  # a line fits the chart


def test_a_narrow_published_chart_writes_its_numbers_in_signs_and_keeps_the_words_in_the_hover():
    data = pd.DataFrame(
        dict(figure_id=["F-1"], label=["Assaults on journalists (Jan – Dec 2020)"], category=["physical_assault"],
             value=[26.0], value_text=["at least 26 incidents"], documented=pd.array([32], dtype="Int64"),
             documented_text=["32 incidents itemised here"], value_short=["≥\u202f26"], documented_short=["32"])
    )  # fmt: skip
    narrow = charts.documented_vs_published(data, **TEXT, theme="screen:340")
    assert (list(narrow.data[0].text), list(narrow.data[1].text)) == (["≥\u202f26"], ["32"])
    assert (list(narrow.data[0].hovertext), list(narrow.data[1].hovertext)) == (
        ["at least 26 incidents"],
        ["32 incidents itemised here"],
    )
    wide = charts.documented_vs_published(data, **TEXT)
    assert list(wide.data[0].text) == ["at least 26 incidents"]


def test_a_narrow_legend_is_one_entry_a_row_within_the_plot():
    data = pd.DataFrame(
        [dict(incident_id="B1", domain="a-very-long-domain-name-of-a-newspaper.az", start_possible=date(2020, 1, 1),
              start_precision="year", start_certain=date(2020, 12, 31), end_confirmed=date(2020, 12, 31),
              blocked_until=None, status_as_of=date(2020, 12, 31), open_ended=True)]
    )  # fmt: skip
    fig = charts.block_timeline(data, start=date(2020, 1, 1), end=date(2020, 12, 31), **TEXT, theme="screen:340")
    assert fig.layout.legend.orientation == "v"
    th = charts.theme_of("screen:340")
    for t in fig.data:  # every name line fits beside the plot's left margin
        assert all(len(x) * th.font_size * 0.62 + 45 <= 340 - fig.layout.margin.l for x in t.name.split("<br>"))
    assert fig.layout.yaxis.automargin is False  # the margin is what the source line was placed for
    assert all(len(x) <= charts.label_chars(th, 30) for x in fig.data[0].y[0].split("<br>"))


def test_a_chart_that_grows_keeps_its_legend_just_above_the_plot():
    rows = [
        dict(incident_id=f"B{k}", domain=f"site{k}.az", start_possible=date(2020, 3, 1), start_precision="day",
             start_certain=date(2020, 3, 1), end_confirmed=date(2020, 12, 31), blocked_until=None,
             status_as_of=date(2020, 12, 31), open_ended=False)
        for k in range(30)
    ]  # fmt: skip
    fig = charts.block_timeline(pd.DataFrame(rows), start=date(2020, 1, 1), end=date(2020, 12, 31), **TEXT)
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert plot > 600  # thirty rows: the figure grew after decorate() placed the legend
    assert (fig.layout.legend.y - 1) * plot == pytest.approx(6, abs=0.5)  # 6 px above the plot, not 6 × the growth


def test_month_labels_thin_out_on_a_narrow_chart_on_calendar_steps():
    data = grid({(3, "detention"): 1})
    wide = charts.monthly_bars(data, **TEXT)
    narrow = charts.monthly_bars(data, **TEXT, theme="screen:340")
    assert list(wide.layout.xaxis.tickvals) == list(range(12))
    assert list(narrow.layout.xaxis.tickvals) == [0, 2, 4, 6, 8, 10]  # every other month, from January
    assert narrow.layout.xaxis.ticktext[:2] == ("Jan 2020", "Mar 2020")
    assert list(charts.monthly_bars(data, **TEXT, theme="projector").layout.xaxis.tickvals) == list(range(12))
