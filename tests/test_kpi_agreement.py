"""Every KPI reads the same wherever it is shown: the overview page's cards, the presentation
slide, the offline report and the slide deck (one figure function, one formatter).

Random filter states (like a user's) in en, ru and az over the fixture build, whose one prison
sentence is 51 months: 4.25 years, which half-even rounding showed as 4.2 on the projector, the
report and the deck and half-up as 4.3 on the page."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from PIL import Image
from pptx import Presentation

from pressfreedom import i18n
from pressfreedom.documents.compose import make_deck, make_report
from pressfreedom.filters import Filters
from pressfreedom.query import Query
from tests.test_query import random_states

N_STATES = 25


class NoImages:
    """The deck's chart images are not what this test reads: a 1-pixel PNG stands in for each."""

    def png(self, fig, theme=None) -> bytes:
        buf = io.BytesIO()
        Image.new("RGB", (16, 9), "white").save(buf, format="PNG")
        return buf.getvalue()


def report_kpis(data: bytes) -> dict[str, str]:
    text = data.decode("utf-8")
    pairs = re.findall(r'<div class="kpi"><div class="label">(.*?)</div><div class="value">(.*?)</div>', text)
    return {html.unescape(k): html.unescape(v) for k, v in pairs}


def deck_kpis(data: bytes) -> dict[str, str]:
    slide = Presentation(io.BytesIO(data)).slides[1]
    out = {}
    for shape in slide.shapes:
        if shape.has_text_frame and shape != slide.shapes.title:
            paras = [p.text for p in shape.text_frame.paragraphs]
            if len(paras) >= 2:
                out[paras[1]] = paras[0]
    return out


def presentation_kpis(at) -> dict[str, str]:
    body = " ".join(el.proto.body for el in at.get("html"))
    pairs = re.findall(r'<div class="v">(.*?)</div><div class="l">(.*?)</div>', body)
    return {html.unescape(label): html.unescape(value) for value, label in pairs}


def page_kpis(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def url_states(q: Query) -> list[Filters]:
    """Random states whose period lies in the data (what a link can hold), in all three languages."""
    lo, hi = q.data_span()
    lo, hi = date(lo.year, lo.month, 1), hi
    states = []
    for k, f in enumerate(random_states(q, seed=4251, count=N_STATES)):
        start, end = max(f.start, lo), min(f.end, hi)
        if start > end:
            start, end = lo, hi
        states.append(f.with_(start=date(start.year, start.month, 1), end=end, lang=("en", "ru", "az")[k % 3]))
    return states


@pytest.mark.slow
def test_kpi_strings_agree_on_page_presentation_report_and_deck(open_app, fixture_build):
    q = Query(fixture_build)
    defaults = q.default_filters()
    seen_prison = set()
    checked = 0
    for state in url_states(q):
        for lang in ("en", "ru", "az"):
            params = state.with_(lang=lang).to_params(defaults) | {"lang": lang}
            page = open_app(params)
            f = page.session_state["pfd_filters"]  # the state the app really shows (from the link)
            on_page = page_kpis(page)
            assert len(on_page) == 6, (params, on_page)
            shown = open_app(params | {"present": "1"})
            on_slide = presentation_kpis(shown)
            in_report = report_kpis(make_report(q, f))
            in_deck = deck_kpis(make_deck(q, f, exporter=NoImages()))
            assert on_slide == in_report == in_deck, params
            assert len(in_report) == 7
            # the page shows six of the seven (one of the two totals), each as the documents do
            assert {label: in_report.get(label) for label in on_page} == on_page, params
            seen_prison.add(on_page[i18n.t("kpi.prison_years", lang)])
            checked += 1
    assert checked == 3 * N_STATES
    assert {"4.3", "4,3"} & seen_prison  # the 4.25-year state was among them


def test_four_and_a_quarter_years_read_4_3_everywhere(fixture_build):
    """The fixture's 51-month sentence: 4.25 years is 4.3 in the documents' cards too."""
    q = Query(fixture_build)
    f = q.default_filters().with_(start=date(2020, 1, 1), end=date(2020, 12, 31))  # fully covered: no "at least"
    assert q.kpis(f)["prison_years"] == 4.25
    for lang, expected in (("en", "4.3"), ("ru", "4,3"), ("az", "4,3")):
        g = f.with_(lang=lang)
        label = i18n.t("kpi.prison_years", lang)
        assert report_kpis(make_report(q, g))[label] == expected
        assert deck_kpis(make_deck(q, g, exporter=NoImages()))[label] == expected


def test_the_report_reader_finds_every_card(fixture_build):
    q = Query(fixture_build)
    got = report_kpis(make_report(q, q.default_filters()))
    assert len(got) == 7 and all(got.values())


def test_a_period_no_source_covers_shows_a_dash_not_zero(fixture_build):
    """The fixture's sources cover 2020 only: in January 2019 nothing is known, and every card says
    so with a dash and a note (a "0" would read as "nothing happened")."""
    from pressfreedom import figures

    q = Query(fixture_build)
    f = q.default_filters().with_(start=date(2019, 1, 1), end=date(2019, 1, 31))
    cards, notes = figures.kpi_cards(q, f)
    assert {c.value for c in cards} == {figures.NOT_KNOWN}
    assert i18n.t("kpi.none_note", "en") in notes
    g = f.with_(start=date(2019, 7, 1), end=date(2020, 6, 30))  # half covered: a floor
    assert all(c.value.startswith("at least") for c in figures.kpi_cards(q, g)[0])
