"""Every page in AppTest (full data, a period with no incidents, a single month), URL state, shared
filters, KPIs against independent counts, the drill-down helpers and the UI catalogues."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pressfreedom import chart_images, i18n, selection, wording
from pressfreedom.filters import Filters
from pressfreedom.query import Query
from pressfreedom.vocab import CONVICTION_OUTCOMES, CUSTODIAL_OUTCOMES, LANGUAGES, OUTCOME
from webapp import app

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("overview", "assaults", "detentions", "blockings", "court", "behind_bars", "people", "methodology")
CHART_PAGES = ("overview", "assaults", "detentions", "blockings", "court")
STATES = {
    "full": {"from": "2019-01", "to": "2020-12"},
    "empty": {"from": "2020-01", "to": "2020-01"},  # no fixture incident in January 2020
    "single": {"from": "2020-02", "to": "2020-02"},
}


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


@pytest.mark.parametrize("state", list(STATES))
def test_every_page_renders_without_exception(open_app, state):
    at = open_app(STATES[state])
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, state, at.exception)
        assert at.header[0].value == i18n.t(f"page.{page}", "en")
        if page in CHART_PAGES:
            assert len(at.get("plotly_chart")) >= 1, (page, state)
        if state == "empty" and page in CHART_PAGES:
            assert i18n.t("list.empty", "en") in [x.value for x in at.info], (page, at.info)


def test_empty_period_shows_zero_kpis_and_a_clear_message(open_app):
    at = open_app(STATES["empty"])
    m = metrics(at)
    assert (m["Incidents"], m["Physical assaults"], m["Detentions"], m["Convictions"]) == ("0", "0", "0", "0")
    assert m["Prison sentences (years)"] == "0.0"


def test_a_link_opens_the_same_filters_and_kpis_as_setting_them_by_hand(open_app):
    params = {"from": "2020-02", "to": "2020-12", "kind": "detention,physical_assault", "role": "journalist",
              "count": "people", "lang": "ru"}  # fmt: skip
    by_link = open_app(params)
    by_hand = open_app()
    by_hand.sidebar.selectbox(key="w_from_en").set_value(date(2020, 2, 1))
    by_hand.sidebar.multiselect(key="w_kind_en").set_value(["detention", "physical_assault"])
    by_hand.sidebar.multiselect(key="w_role_en").set_value(["journalist"])
    by_hand.sidebar.radio(key="w_count").set_value("people")
    by_hand.sidebar.selectbox(key="w_lang").set_value("ru").run()
    expected = Filters(start=date(2020, 2, 1), end=date(2020, 12, 31), categories=("detention", "physical_assault"),
                       roles=("journalist",), count="people", lang="ru")  # fmt: skip
    assert by_link.session_state["pfd_filters"] == expected == by_hand.session_state["pfd_filters"]
    assert metrics(by_link) == metrics(by_hand)
    assert metrics(by_link)["Пострадавшие"] == "14"  # Fixture Person A and a group of 13 journalists
    assert {k: by_hand.query_params[k] for k in by_hand.query_params.keys()} == params


def test_every_page_sees_the_shared_filters(open_app):
    at = open_app()
    at.sidebar.multiselect(key="w_role_en").set_value(["blogger"]).run()
    expected = Filters(start=date(2020, 1, 1), end=date(2020, 12, 31), roles=("blogger",))
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, at.exception
        assert at.session_state["pfd_filters"] == expected, page
        assert at.sidebar.multiselect(key="w_role_en").value == ["blogger"]
    at.switch_page("pages/detentions.py").run()
    assert metrics(at)["Detentions"] == "1"  # DET-3, the only blogger detained in 2020
    assert app.plain("1 incident · Jan\u2009–\u2009Dec 2020 · detentions · blogger") in captions(at)


def test_overview_kpis_equal_independent_counts(open_app, fixture_build):
    inc = pd.read_parquet(fixture_build / "incidents.parquet")
    year = pd.to_datetime(inc["date"]).dt.year
    in_2020 = inc[year == 2020]  # every fixture date in 2020 is known to the day or month
    m = metrics(open_app())
    assert m["Incidents"] == str(len(in_2020))
    assert m["Physical assaults"] == str(int((in_2020["category"] == "physical_assault").sum()))
    assert m["Detentions"] == str(int((in_2020["category"] == "detention").sum()))
    assert (m["Domains and platforms blocked at period end"], m["Convictions"], m["Prison sentences (years)"]) == (
        "1",
        "2",
        "4.3",
    )


def test_people_page_finds_a_spelling_variant_and_draws_one_timeline(open_app):
    at = open_app({"person": "persson"})
    at.switch_page("pages/people.py").run()
    assert not at.exception, at.exception
    assert at.text_input(key="pfd_person").value == "persson"
    assert at.selectbox[0].options[0].startswith("Fixture Person A — Journalist · 4 incidents")
    assert len(at.get("plotly_chart")) == 1
    if chart_images.unavailable_reason() is None:
        assert image_buttons(at) == {"person": ["csv", "png", "svg"]}
    # captions carry data-derived text made inert for Markdown (app.plain), as shown in the browser
    assert app.plain("4 incidents, all dates and kinds (the sidebar filters do not apply)") in captions(at)
    assert at.query_params["person"] == "persson"


def chart_keys(at: AppTest) -> list[str]:
    """The user keys of the page's charts ("chart-overview" → "overview")."""
    return [c.proto.id.rsplit("-chart-", 1)[1] for c in at.get("plotly_chart")]


def image_buttons(at: AppTest) -> dict[str, list[str]]:
    """Chart name → the downloads offered under it: its data (csv) and images (keys "img-<name>-csv|png|svg")."""
    out: dict[str, list[str]] = {}
    for b in at.get("download_button"):
        if "-img-" in b.proto.id:
            name, fmt = b.proto.id.rsplit("-img-", 1)[1].rsplit("-", 1)
            out.setdefault(name, []).append(fmt)
    return out


@pytest.mark.skipif(chart_images.unavailable_reason() is not None, reason="image buttons need Chromium on the server")
def test_every_chart_offers_png_and_svg_and_the_overview_the_report(open_app):
    """Each chart on each page has its data (CSV) and its PNG and SVG buttons (keyed after the chart); none is left out."""
    at = open_app(STATES["full"])
    for page in ("overview", "assaults", "detentions", "blockings", "court", "third_party"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        keys = chart_keys(at)
        assert keys, page
        assert image_buttons(at) == {k: ["csv", "png", "svg"] for k in keys}, page
        labels = [b.label for b in at.get("download_button")]
        report = [i18n.t("export.report", "en"), i18n.t("export.deck", "en")]
        assert (labels[:2] == report) is (page == "overview"), (page, labels)


def test_without_chromium_a_sentence_replaces_the_image_and_deck_buttons(open_app, monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    at = open_app(STATES["full"])
    # no images; the numbers behind each chart (CSV) need no Chromium and stay
    assert all(v == ["csv"] for v in image_buttons(at).values())
    assert len(image_buttons(at)) == len(chart_keys(at))
    assert [b.label for b in at.get("download_button")][:1] == [i18n.t("export.report", "en")]
    assert i18n.t("export.deck", "en") not in [b.label for b in at.get("download_button")]
    said = captions(at)
    assert said.count(i18n.t("export.unavailable", "en")) == len(chart_keys(at)) >= 1
    assert i18n.t("export.deck_unavailable", "en") in said


def test_methodology_renders_the_declared_rules_and_offers_downloads(open_app):
    at = open_app()
    at.switch_page("pages/methodology.py").run()
    text = " ".join(m.value for m in at.markdown)
    rule = next(m.value for m in at.markdown if m.value.startswith("- Convictions"))
    for code in CONVICTION_OUTCOMES | CUSTODIAL_OUTCOMES:
        assert OUTCOME.label(code, "en") in text, code
    assert "Prison sentence, Suspended sentence, Restriction of liberty, Corrective labour, Fine" in rule
    labels = [b.label for b in at.get("download_button")]
    assert labels[:3] == ["Incidents (CSV)", "Dataset (XLSX)", "Parquet tables (ZIP)"]
    # the offline report and the slide deck of the current filters and language (the deck needs Chromium)
    deck = [i18n.t("export.deck", "en")] if chart_images.unavailable_reason() is None else []
    assert labels[3:] == [i18n.t("export.report", "en"), *deck]


@pytest.fixture
def deferred(monkeypatch) -> dict:
    """The callables of the download buttons built on click, by file name (call one to get the file
    a click would give)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    found: dict = {}
    original = MediaFileManager.add_deferred

    def record(self, fn, mimetype, coordinates, file_name=None, **kwargs):
        found[file_name] = fn
        return original(self, fn, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return found


GENERATED = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")


def test_methodology_fetches_the_whole_dataset_only_on_click(open_app, fixture_build, deferred, monkeypatch):
    """A visit counts the rows and names the sources in SQL; the full downloads still hold every
    incident, with the same "about" line as when the page fetched them all (issue 17)."""
    import io

    from pressfreedom import downloads, figures
    from pressfreedom.config import load_config

    fetched = []
    original = Query.all_incidents
    monkeypatch.setattr(Query, "all_incidents", lambda self, f=None: fetched.append(1) or original(self, f))
    at = open_app()
    at.switch_page("pages/methodology.py").run()
    assert not at.exception, at.exception
    assert fetched == []  # nothing but counts on a visit
    q = Query(fixture_build)
    everything = q.all_incidents()
    frame = downloads.incident_frame(everything)
    lines = downloads.about_lines(
        None, load_config(), q.manifest, rows=len(frame), sources=figures.cited_sources(everything), lang="en"
    )
    expected = downloads.csv_bytes(frame, lines).decode("utf-8")
    fetched.clear()
    got = deferred["aze-press-freedom_incidents_all.csv"]().decode("utf-8")
    assert fetched == [1]
    assert GENERATED.sub("", got) == GENERATED.sub("", expected)
    assert len(everything) > 1 and len(pd.read_csv(io.StringIO(got.lstrip("\ufeff")), skiprows=1)) == len(everything)
    sheets = pd.read_excel(io.BytesIO(deferred["aze-press-freedom_dataset_all.xlsx"]()), sheet_name=None)
    assert len(sheets[i18n.t("download.sheet_incidents", "en")]) == len(everything)


def test_an_incident_list_builds_its_downloads_on_click_only(open_app, fixture_build, deferred, monkeypatch):
    """The list's download frame and "about" lines are made when a button is clicked, not on every
    run (issue 17); the files hold the whole list, as before."""
    import io

    from pressfreedom import downloads, figures
    from pressfreedom.config import load_config

    built = []
    original = downloads.incident_frame
    monkeypatch.setattr(downloads, "incident_frame", lambda df: built.append(len(df)) or original(df))
    at = open_app(STATES["full"])
    assert not at.exception, at.exception
    assert built == []  # nothing walked the list for its downloads
    f = at.session_state["pfd_filters"]
    q = Query(fixture_build)
    rows = q.incidents(f)
    lines = downloads.about_lines(
        f, load_config(), q.manifest, rows=len(rows), sources=figures.cited_sources(rows), lang="en"
    )
    expected = downloads.csv_bytes(original(rows), lines).decode("utf-8")
    name = downloads.file_name(load_config(), f, "incidents", "")
    got = deferred[name + "csv"]().decode("utf-8")
    assert built == [len(rows)] and len(rows) > 1
    assert GENERATED.sub("", got) == GENERATED.sub("", expected)
    sheets = pd.read_excel(io.BytesIO(deferred[name + "xlsx"]()), sheet_name=None)
    assert len(sheets[i18n.t("download.sheet_incidents", "en")]) == len(rows)


# -- drill-down helpers (the browser check is in the report's screenshots) ----------------------------

LIST = pd.DataFrame(
    {
        "incident_id": ["A", "B", "C", "D"],
        "date": [date(2020, 2, 11), date(2020, 2, 1), date(2020, 1, 1), date(2020, 3, 5)],
        "date_precision": ["day", "month", "year", "day"],
        "category": ["detention", "physical_assault", "detention", "detention"],
        "perpetrator": ["police", None, "police", "court"],
    }
)


def test_a_selected_bar_selects_its_incidents_never_year_only_ones():
    assert selection.ids_by_month(LIST, [["2020-02-01", "detention"]], "category") == {"A"}
    assert selection.ids_by_month(LIST, [["2020-01-01", "detention"]], "category") == set()  # C is 2020, not January
    assert selection.ids_by_month(LIST, [], "category") is None


def test_a_selected_breakdown_bar_and_unknown():
    assert selection.ids_by_key(LIST, [["unknown"]], "perpetrator") == {"B"}
    assert selection.ids_by_key(LIST, [["police"], ["court"]], "perpetrator") == {"A", "C", "D"}


def test_selections_in_several_charts_narrow_together():
    d = selection.Drill(LIST)
    d.narrow(selection.ids_by_key(LIST, [["police"]], "perpetrator"), "Police")
    d.narrow(selection.ids_by_month(LIST, [["2020-02-01", "detention"]], "category"), "Feb 2020 — Detentions")
    d.narrow(None, "ignored")
    assert (d.shown["incident_id"].tolist(), d.labels) == (["A"], ["Police", "Feb 2020 — Detentions"])


@pytest.mark.parametrize(
    ("value", "qualifier", "lang", "upper", "unit", "words"),
    [
        (26, "at_least", "en", None, "incidents", "at least 26 incidents"),
        (26, "at_least", "ru", None, "incidents", "не менее 26 инцидентов"),
        (26, "at_least", "az", None, "incidents", "ən azı 26 insident"),
        (130, "more_than", "en", None, "incidents", "more than 130 incidents"),
        (130, "more_than", "az", None, "incidents", "130-dan çox insident"),
        (15, "more_than", "az", None, "people", "15-dən çox zərərçəkən"),
        (40, "about", "ru", None, "sentences", "около 40 наказаний"),
        (90, "range_min", "en", 146, "people", "between 90 and 146 people affected"),
        (10, "range_min", "ru", 30, "days", "от 10 до 30 дней"),
        (10, "range_min", "az", 30, "days", "10–30 gün"),
        (13, "exactly", "en", None, "people", "exactly 13 people affected"),
        (1, "exactly", "ru", None, "requests", "ровно 1 запрос"),
    ],
)
def test_published_figures_in_words(value, qualifier, lang, upper, unit, words):
    assert wording.figure_in_words(value, qualifier, lang, upper, unit=unit) == words


@pytest.mark.parametrize(("n", "suffix"), [(1, "-dən"), (6, "-dan"), (10, "-dan"), (20, "-dən"), (100, "-dən"),
                                          (1000, "-dən"), (1_000_000, "-dan"), (146, "-dan"), (15, "-dən")])  # fmt: skip
def test_azerbaijani_ablative_after_numbers(n, suffix):
    assert wording.az_ablative(n) == suffix


def test_range_figures_are_paired():
    figs = pd.DataFrame(
        dict(figure_id=["a", "b", "c"], source_id="s", indicator=["x", "x", "y"], period_start=date(2020, 1, 1),
             period_end=date(2020, 12, 31), qualifier=["range_min", "range_max", "exactly"], value=[90.0, 146.0, 5.0])
    )  # fmt: skip
    paired = wording.pair_ranges(figs)
    assert paired["figure_id"].tolist() == ["a", "c"] and paired["upper"].tolist()[0] == 146.0
    assert paired["upper"].dtype == object and paired["upper"].tolist()[1] is None  # (None, not NaN: as read)
    undated = wording.pair_ranges(figs.assign(period_start=None))  # a missing key is a key like any other
    assert undated["figure_id"].tolist() == ["a", "c"] and undated["upper"].tolist() == [146.0, None]
    # a lone bound, or two lows for one high, is left as it is; the other rows keep their order
    odd = pd.concat([figs.assign(source_id="t").iloc[[0]], figs.assign(source_id="u").iloc[[0, 0, 1]]])
    odd["figure_id"] = ["t1", "u1", "u2", "u3"]
    kept = wording.pair_ranges(pd.concat([figs, odd], ignore_index=True))
    assert kept["figure_id"].tolist() == ["a", "c", "t1", "u1", "u2", "u3"]
    assert kept["upper"].tolist()[0] == 146.0 and kept["upper"].iloc[1:].isna().all()


def test_cited_sources_are_each_title_once_in_order_of_first_citation():
    from pressfreedom import figures

    rows = pd.DataFrame({"source_titles": [["B", "A"], None, ["A", "C", ""], [], ["B", "D"]]})
    assert figures.cited_sources(rows) == ["B", "A", "C", "D"]
    assert figures.cited_sources(rows.iloc[0:0]) == [] and figures.cited_sources(None) == []


# -- the UI catalogues ---------------------------------------------------------------------------------

MY_FILES = ["dashboard.py", *(f"pages/{p}.py" for p in PAGES), "webapp/app.py", "webapp/sections.py", "pressfreedom/charts.py",
            "pressfreedom/downloads.py", "pressfreedom/filters.py", "pressfreedom/figures.py"]  # fmt: skip
KEY = re.compile(r'"((?:page|sidebar|caption|unit|chart|kpi|list|common|lang|overview|assaults|detentions|blockings'
                 r'|court|bars|people|published|method|download|app)\.[a-z_0-9]+)"')  # fmt: skip
OTHERS = ("report.", "present.", "export.", "meta.")


def test_every_ui_string_used_exists_in_every_language():
    used = {k for f in MY_FILES for k in KEY.findall((ROOT / f).read_text(encoding="utf-8"))}
    assert len(used) > 150
    for lang in LANGUAGES:
        missing = sorted(k for k in used if k not in i18n.catalogue(lang))
        assert missing == [], (lang, missing)


def test_translations_have_the_same_keys_and_placeholders_as_english():
    en = {k: v for k, v in i18n.catalogue("en").items() if not k.startswith(OTHERS)}
    fields = lambda text: sorted({f for _, f, _, _ in string.Formatter().parse(text) if f})  # noqa: E731
    for lang in ("ru", "az"):
        cat = i18n.catalogue(lang)
        assert sorted(k for k in en if k not in cat) == [], lang
        # {suffix}: the Azerbaijani ablative ending; {unit_gen}: the Russian genitive form of {unit}
        forms = lambda text: sorted({"unit" if f == "unit_gen" else f for f in fields(text) if f != "suffix"})  # noqa: E731
        wrong = [k for k, v in en.items() if fields(v) != forms(cat[k])]
        assert wrong == [], (lang, wrong)
        for key in i18n.needs_review(lang):
            assert key in cat, (lang, key)


def test_reset_restores_the_default_filters_and_a_language_switch_keeps_them(open_app):
    at = open_app()
    at.sidebar.multiselect(key="w_role_en").set_value(["blogger"])
    at.sidebar.selectbox(key="w_from_en").set_value(date(2020, 6, 1)).run()
    at.sidebar.selectbox(key="w_lang").set_value("az").run()
    f = at.session_state["pfd_filters"]
    assert (f.start, f.roles, f.lang) == (date(2020, 6, 1), ("blogger",), "az")
    assert at.sidebar.multiselect(key="w_role_az").value == ["blogger"]  # redrawn with Azerbaijani labels
    at.sidebar.button[0].click().run()
    f = at.session_state["pfd_filters"]
    assert (f.start, f.end, f.roles, f.lang) == (date(2020, 1, 1), date(2020, 12, 31), (), "az")


def _english_fragments() -> set[str]:
    """Pieces of the app's English texts (catalogue entries and vocabulary labels): each
    placeholder-free run of at least two words and 12 characters with an English word in it."""
    from pressfreedom import vocab

    en = i18n.catalogue("en")
    texts = list(en.values())  # an entry left in English in ``lang`` is English left too
    for p in (getattr(vocab, n) for n in dir(vocab)):
        if isinstance(p, vocab.Vocabulary):
            texts += [t.en for t in p.terms]
    pieces = set()
    for text in texts:
        text = re.sub(r"`[^`]*`", " ", text)  # commands and file names stay as they are
        for run in re.split(r"\{[^}]*\}|[*_#|<>()\[\]]", text):
            run = run.strip(" .,:;·—–-")
            if len(run) >= 12 and " " in run and re.search(r"\b[a-z]{3,}\b", run):  # not "CC BY-NC-SA 4.0"
                pieces.add(run)
    return pieces


def _figure_texts(chart) -> list[str]:
    import json

    spec = json.loads(chart.proto.spec)
    layout = spec.get("layout", {})
    texts = [(layout.get("title") or {}).get("text", "")]
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2"):
        texts.append(((layout.get(axis) or {}).get("title") or {}).get("text", ""))
    texts += [a.get("text", "") for a in layout.get("annotations", [])]
    texts += [d.get("name", "") or "" for d in spec.get("data", [])]
    return [re.sub(r"<[^>]*>", " ", str(t)) for t in texts if t]


@pytest.mark.parametrize("lang", [x for x in LANGUAGES if x != "en"])
def test_no_english_left_on_any_page(open_app, lang):
    """?lang=ru / ?lang=az: headers, captions, KPI labels and every chart's title, axes, legend and
    annotations carry no English text of the app's own (names and sources stay as recorded)."""
    english = _english_fragments()
    assert len(english) > 100  # the check has something to look for
    at = open_app({"lang": lang, **STATES["full"]})
    for page in (*PAGES, "third_party"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        shown = [h.value for h in at.header] + [h.value for h in at.subheader] + captions(at)
        shown += [m.label for m in at.metric] + [b.label for b in at.button]
        charts = at.get("plotly_chart")
        if page in CHART_PAGES:
            assert charts, page
        for chart in charts:
            shown += _figure_texts(chart)
        left = sorted({(e, s) for s in shown for e in english if e in s})
        assert not left, (page, lang, left[:5])


def test_kind_pages_cards_agree_with_the_overview(open_app):
    """Each kind page's own count card shows the number the overview shows for that kind, and
    every card holds a number."""
    at = open_app(STATES["full"])
    overview = metrics(at)
    for page, label in (
        ("assaults", "kpi.assaults"),
        ("detentions", "kpi.detentions"),
        ("blockings", "kpi.websites_blocked"),
        ("court", "kpi.convictions"),
    ):
        at.switch_page(f"pages/{page}.py").run()
        shown = metrics(at)
        assert shown[i18n.t(label, "en")] == overview[i18n.t(label, "en")], (page, shown, overview)
        # a number, said as a floor ("at least 3") where the period is not fully covered (2019 is not)
        assert len(shown) >= 3 and all(re.fullmatch(r"(at least )?[\d,.]+|—", v) for v in shown.values()), (page, shown)


def test_a_long_incident_list_shows_its_newest_rows_and_says_so(open_app, fixture_build, monkeypatch):
    """A page lays out at most ``app.LIST_ROWS`` rows of a list (newest first) and says how many
    it holds; the popovers of the overview's cards too. (At a million incidents the whole list
    took seconds on every rerun.)"""
    monkeypatch.setattr(app, "LIST_ROWS", 3)
    at = open_app(STATES["full"])
    lists = [d.value for d in at.dataframe if "ID" in d.value.columns]
    assert lists and all(len(d) <= 3 for d in lists), [len(d) for d in lists]
    newest = Query(fixture_build).incidents(Filters(start=date(2019, 1, 1), end=date(2020, 12, 31)))
    assert len(newest) > 3
    assert list(lists[-1]["ID"]) == list(newest["incident_id"][:3])  # the page's list: the newest three
    said = [c.value for c in at.caption]
    assert i18n.t("list.first", "en", count=len(newest), shown="3") in said
    # "Which incidents?" opened (its table is built only while open), on its first figure: all incidents
    at.session_state["which-open"] = True
    at.run()
    said = [c.value for c in at.caption]
    assert i18n.t("list.first_only", "en", count=len(newest), shown="3") in said
    assert all(len(d.value) <= 3 for d in at.dataframe if "ID" in d.value.columns)


def test_the_build_line_shows_no_markdown_asterisks(open_app):
    """The catalogue's text is shown as plain text (data-derived values are escaped): a ``**`` in the
    catalogue came out literally as ``**build**`` (seen on the Data & methodology page)."""
    at = open_app(STATES["full"])
    at.switch_page("pages/methodology.py").run()
    build = [m.value for m in at.markdown if "UTC" in m.value]
    assert build, [m.value for m in at.markdown][:5]
    assert not any("**" in line.replace("\\", "") for line in build), build  # "\*\*" shows as "**"


def test_people_and_cases_opens_with_everyone_in_the_selection(open_app, fixture_build):
    """No empty page with a search box: the list of every person and outlet with incidents in the
    sidebar's selection (most first); the toggle widens it to all dates; a name opens the timeline."""
    at = open_app(STATES["full"])
    at.switch_page("pages/people.py").run()
    assert not at.exception
    lists = [d.value for d in at.dataframe if i18n.t("people.col_name", "en") in d.value.columns]
    assert lists, [d.value.columns.tolist() for d in at.dataframe]
    names = list(lists[0][i18n.t("people.col_name", "en")])
    expected = Query(fixture_build).people_list(Filters(start=date(2019, 1, 1), end=date(2020, 12, 31)))
    assert names == list(expected["name"]) and "Fixture Person A" in names
    assert lists[0][i18n.t("people.col_incidents", "en")].tolist() == sorted(expected["incidents"], reverse=True)
    at.toggle(key="people-list-within").set_value(False).run()
    wide = [d.value for d in at.dataframe if i18n.t("people.col_name", "en") in d.value.columns][0]
    assert len(wide) >= len(names)
    at.text_input(key="pfd_person").set_value("Fixture Person A").run()
    assert not at.exception
    assert "person" in chart_keys(at)  # the timeline of the one match


def test_the_context_page_without_ooni_data_says_what_is_missing_without_an_empty_chart(open_app):
    at = open_app(STATES["full"])  # the fixture build has no OONI measurements
    at.switch_page("pages/third_party.py").run()
    assert not at.exception
    assert "ooni" not in chart_keys(at)
    said = [i.value for i in at.info]
    assert any(i18n.t("context_chart.ooni_empty", "en") in x for x in said), said


def test_the_overview_builds_no_incident_table_for_its_cards_while_which_incidents_is_closed(open_app):
    """'Which incidents?' is one popover whose table is built only while it is open (issue 17):
    a run with it closed lists no incident behind any card. The figure to list is picked inside."""
    at = open_app(STATES["full"])

    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    popovers = [n for n in walk(at.main) if getattr(n, "type", "") == "popover"]
    assert len(popovers) == 1, f"{len(popovers)} popovers on the overview"
    inside = [n for n in walk(popovers[0]) if getattr(n, "type", "") == "dataframe"]
    assert inside == [], f"{len(inside)} incident table(s) built in the closed popover"
    assert len(at.get("dataframe")) >= 1  # (the page's own lists are there: the walk sees dataframes)
    radios = [r for r in at.radio if r.label == i18n.t("kpi.which_pick", "en")]
    assert len(radios) == 1 and len(radios[0].options) == 6, [r.label for r in at.radio]
    assert i18n.t("kpi.which", "en") not in [b.label for b in at.button]  # not a button under each card
    at.session_state["which-open"] = True  # opened: the chosen figure's incidents, in one table
    at.run()
    popover = next(n for n in walk(at.main) if getattr(n, "type", "") == "popover")
    assert len([n for n in walk(popover) if getattr(n, "type", "") == "dataframe"]) == 1


def test_a_closed_which_incidents_fetches_nothing_for_its_tables(open_app, monkeypatch):
    """The court cases and the websites still blocked are read for "Which incidents?" only: while it
    is closed, a run of the overview asks the query layer for neither (issue 17: at 100,000 incidents
    they took ~2 s of every filter change)."""
    asked: list[str] = []
    for method in ("court_cases", "blocked_at_end"):
        real = getattr(Query, method)

        def counted(self, *args, _real=real, _name=method, **kwargs):
            asked.append(_name)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(Query, method, counted)
    at = open_app(STATES["full"])
    assert asked == [] and metrics(at)["Convictions"] != "0"
    at.session_state["which-open"] = True
    at.run()
    assert sorted(set(asked)) == ["blocked_at_end", "court_cases"] and not at.exception


def _shown(at: AppTest) -> list:
    """What a run shows: texts, numbers, tables and chart specifications, in page order."""
    out: list = [(m.label, m.value) for m in at.metric]
    out += [x.value for x in (*at.markdown, *at.caption, *at.info, *at.header, *at.subheader)]
    out += [d.value.to_csv() for d in at.dataframe]
    out += [c.proto.spec for c in at.get("plotly_chart")]
    return out


def test_every_page_shows_the_same_from_a_warm_cache(open_app):
    """The query layer's answers are shared between runs and sessions (``app.ANSWERS``, not
    copied) and charts are reused (``pressfreedom.memo``): a page that changed a frame it was given, or
    a figure it was handed, would show something else the next time. Two tours of every page in two
    languages: the second, from the caches the first filled, shows exactly what the first showed."""
    tours = []
    for _ in range(2):
        seen = {}
        for lang in ("en", "ru"):
            at = open_app({**STATES["full"], "lang": lang})
            for page in PAGES:
                at.switch_page(f"pages/{page}.py").run()
                assert not at.exception, (page, lang)
                seen[(lang, page)] = _shown(at)
        tours.append(seen)
    assert len(tours[0][("en", "overview")]) > 20  # (it sees the page: texts, tables, charts)
    for key, shown in tours[0].items():
        assert tours[1][key] == shown, key
