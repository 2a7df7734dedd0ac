"""The offline donor report and the slide deck: size, self-containment, languages, confidentiality."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser

import pytest
from pptx import Presentation
from pptx.util import Inches

from pressfreedom import chart_images, i18n
from pressfreedom.config import load_config
from pressfreedom.documents.compose import MAX_REPORT_BYTES, make_deck, make_report
from pressfreedom.query import Query
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.fixtures import CANARY

PLOTLY_JS_BANNER = "* plotly.js v"  # the licence comment at the top of plotly.min.js


@pytest.fixture(scope="module")
def query(fixture_build) -> Query:
    return Query(fixture_build)


@pytest.fixture(scope="module")
def reports(query) -> dict[str, bytes]:
    return {lang: make_report(query, query.default_filters(lang)) for lang in ("en", "ru", "az")}


@pytest.fixture(scope="module")
def deck(query) -> bytes:
    require_chromium()
    with chart_images.ChartExporter() as ex:
        return make_deck(query, query.default_filters("en"), ex)


class TagAttrs(HTMLParser):
    """Every (tag, attribute, value) in a document; script bodies are not parsed as HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.found += [(tag, k, v or "") for k, v in attrs]


def without_plotly_js(html: str) -> str:
    """The report minus the embedded plotly.js bundle (its code holds English words and URLs)."""
    start = html.index(PLOTLY_JS_BANNER)
    script_start = html.rindex("<script", 0, start)
    script_end = html.index("</script>", start)
    return html[:script_start] + html[script_end:]


# -- the HTML report ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru", "az"])
def test_report_is_one_small_file_with_plotly_js_once(reports, lang):
    html = reports[lang].decode("utf-8")
    assert len(reports[lang]) <= MAX_REPORT_BYTES == 6 * 1024 * 1024
    assert html.count(PLOTLY_JS_BANNER) == 1
    assert html.count("Plotly.newPlot(") >= 6  # overview, published, and the four kinds
    assert f'<html lang="{lang}">' in html


@pytest.mark.parametrize("lang", ["en", "ru", "az"])
def test_report_references_no_external_host(reports, lang):
    parser = TagAttrs()
    parser.feed(reports[lang].decode("utf-8"))
    loaded = {"script", "link", "img", "iframe", "source", "video", "audio", "embed", "object", "image", "use"}
    external = [
        (tag, attr, value)
        for tag, attr, value in parser.found
        if tag in loaded
        and attr in ("src", "href", "srcset", "data", "xlink:href")
        and re.match(r"\s*(https?:)?//", value, re.I)
    ]
    assert not external, external
    html = without_plotly_js(reports[lang].decode("utf-8"))
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html, re.I), "CSS loads something from the network"
    assert not re.search(r"@import", html)


def expected_chart_titles(lang: str) -> list[str]:
    t = lambda key, **fmt: i18n.t(key, lang, **fmt)  # noqa: E731
    return [
        t("chart.by_month_title", kind=t("chart.all_incidents")),
        t("published.chart_title"),
        t("assaults.by_month_context"),
        t("detentions.by_month_title"),
        t("blockings.timeline_title"),
        t("court.by_month_title"),
    ]


def test_report_has_the_sections_and_numbers(reports, query):
    html = reports["en"].decode("utf-8")
    for key in ("report.kpis", "report.charts", "published.title", "method.rules_title", "list.sources"):
        assert i18n.t(key, "en") in html
    k = query.kpis(query.default_filters("en"))
    assert f'<div class="value">{k["incidents"]}</div>' in html  # the KPI is the query layer's number
    assert "Fixture report A" in html
    for title in expected_chart_titles("en"):
        assert title in html, title
    assert i18n.t("method.rule_people", "en") in html  # the methodology page's own rules


@pytest.mark.parametrize("lang", ["ru", "az"])
def test_translated_reports_hold_no_english_ui_text(reports, lang):
    """No English catalogue text (where the translation differs) outside plotly.js's own code."""
    text = without_plotly_js(reports[lang].decode("utf-8"))
    en, other = i18n.catalogue("en"), i18n.catalogue(lang)
    leaks = []
    for key, value in en.items():
        if other.get(key) == value:
            continue
        for fragment in re.split(r"\{[^}]*\}", value):
            fragment = fragment.strip(" .,:;·—–-()")
            if len(fragment) < 4:
                continue
            if re.search(r"(?<![\w])" + re.escape(fragment) + r"(?![\w])", text):
                leaks.append((key, fragment))
    assert not leaks, f"English left in the {lang} report: {leaks}"


@pytest.mark.parametrize("lang", ["en", "ru", "az"])
def test_report_never_holds_the_confidential_name(reports, lang):
    assert CANARY.encode("utf-8") not in reports[lang]
    assert CANARY.lower().encode("utf-8") not in reports[lang].lower()


def test_report_escapes_text_from_the_data():
    from pressfreedom.documents import report_html

    assert report_html.esc('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert report_html._safe_url("javascript:alert(1)") is None
    assert report_html._safe_url("https://example.org/a") == "https://example.org/a"


@pytest.mark.browser
def test_report_opens_offline_in_chromium(reports, tmp_path):
    """Opened from disk, the report makes no request but for the file itself and draws its charts."""
    require_chromium()
    path = tmp_path / "report.html"
    path.write_bytes(reports["az"])
    # its own process: the browser tests of the same pytest run keep a sync Playwright (and its
    # asyncio loop) open for the whole session, and a second one cannot start beside it
    script = f"""
import json, sys
from playwright.sync_api import sync_playwright
requests, errors = [], []
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path={str(CHROMIUM)!r}, args={list(CHROMIUM_ARGS)!r})
    try:
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto({path.as_uri()!r}, wait_until="load")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20000)
        page.wait_for_timeout(500)
        charts = page.locator(".js-plotly-plot").count()
        bars = page.locator(".barlayer .point path").count()
    finally:
        browser.close()
print(json.dumps(dict(requests=requests, errors=errors, charts=charts, bars=bars)))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    requests, errors, charts, bars = seen["requests"], seen["errors"], seen["charts"], seen["bars"]
    assert requests == [path.as_uri()], requests
    assert not errors, errors
    assert charts >= 6 and bars > 0


# -- the slide deck -------------------------------------------------------------------------------


@pytest.mark.browser
def test_deck_is_16_9_with_title_kpis_and_one_slide_per_key_chart(deck):
    prs = Presentation(io.BytesIO(deck))
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in prs.slides]
    charts = expected_chart_titles("en")
    assert titles[0] == load_config().title_in("en")
    assert titles[1] == i18n.t("report.kpis", "en")
    assert titles[2 : 2 + len(charts)] == charts
    for slide in list(prs.slides)[2 : 2 + len(charts)]:
        pictures = [sh for sh in slide.shapes if sh.shape_type == 13]
        assert len(pictures) == 1, slide.shapes.title.text
        blob = pictures[0].image.blob
        assert chart_images.png_size(blob)[0] >= 1600
        notes = slide.notes_slide.notes_text_frame.text
        assert ("Source" in notes or "Published" in notes) and "Fixture report A" in notes, notes


@pytest.mark.browser
def test_deck_never_holds_the_confidential_name(deck):
    assert CANARY.encode("utf-8") not in deck
    with zipfile.ZipFile(io.BytesIO(deck)) as z:
        for name in z.namelist():
            assert CANARY.encode("utf-8") not in z.read(name), name


@pytest.mark.browser
def test_cli_writes_both_files(fixture_build, tmp_path):
    from report.__main__ import main

    require_chromium()
    assert (
        main(
            [
                "--lang",
                "ru",
                "--from",
                "2020-02",
                "--to",
                "2020-03",
                "--data",
                str(fixture_build),
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Февр. — март 2020" in html or "февр. — март 2020" in html.lower()
    prs = Presentation(tmp_path / "slides.pptx")
    assert prs.slides[0].shapes.title.text == load_config().title_in("ru")


# -- presentation mode (the same key figures, one per screen) -------------------------------------


@pytest.fixture
def presenting_app(open_app):
    return open_app({"present": "1", "lang": "ru"})


def test_presentation_mode_steps_through_the_key_figures(presenting_app):
    from webapp import presentation

    at = presenting_app
    assert not at.exception, at.exception
    assert any("stSidebar" in m.value for m in at.markdown), "the CSS hiding the sidebar is missing"
    assert at.button(key="pfd_present_next") is not None and at.button(key="pfd_present_prev").disabled
    assert at.session_state[presentation.SLIDE_KEY] == 0
    at.button(key="pfd_present_next").click().run()
    assert not at.exception, at.exception
    assert at.session_state[presentation.SLIDE_KEY] == 1
    charts = at.get("plotly_chart")
    assert len(charts) == 1  # one chart per screen
    title = json.loads(charts[0].proto.spec)["layout"]["title"]
    assert title["text"].startswith("Инциденты по месяцам")
    assert title["font"]["size"] >= presentation.MIN_TITLE_PX  # the projector theme
    at.button(key="pfd_present_exit").click().run()
    assert not at.exception and not at.session_state["pfd_present"]
    assert at.title[0].value == load_config().title_in("ru")
