"""The pages in a real browser: load, filters → KPIs, drill-down, download, languages, links.

Expected numbers are computed from the fixture tables (tests/fixtures.py), not read from the app.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html.parser import HTMLParser

import openpyxl
import pytest
from playwright.sync_api import expect

from pressfreedom import i18n
from pressfreedom.config import load_config
from tests import fixtures
from tests.browser import (
    BARS,
    CHART,
    CHART_DRAWN,
    CHART_PAGES,
    NAV_LINK,
    PAGE_HEADER,
    PAGE_STEMS,
    TITLE,
    charts_drawn,
    choose,
    combobox,
    exceptions,
    expect_rows,
    grid_ids,
    grid_rowcount,
    incident_frame,
    lang_label,
    metric_value,
    metrics,
    open_page,
    page_title,
    query_of,
    selected_value,
    url_path,
    wait_idle,
)
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

INCIDENT_TABLES = ("assaults", "detentions", "blockings", "court_outcomes")
CATEGORY_OF = {
    "assaults": "physical_assault",
    "detentions": "detention",
    "blockings": "website_blocking",
    "court_outcomes": "court_outcome",
}


def fixture_incidents(months: set[str], category: str | None = None) -> list[str]:
    """Ids of fixture incidents dated (to the day or month) inside the given YYYY-MM months."""
    ids = []
    for table in INCIDENT_TABLES:
        if category and CATEGORY_OF[table] != category:
            continue
        ids += [r["incident_id"] for r in fixtures.rows(table) if len(r["date"]) >= 7 and r["date"][:7] in months]
    return sorted(ids)


YEAR_2020 = {f"2020-{m:02d}" for m in range(1, 13)}
PAGES_WITH_CHARTS = (*CHART_PAGES, "context")  # the context page draws the RSF index
KPI_INCIDENTS = i18n.t("kpi.incidents", "en")
KPI_DETENTIONS = i18n.t("kpi.detentions", "en")


# an i18n key shown instead of its text ("kpi.which"): a catalogue entry is missing
I18N_KEY = re.compile(r"\b(?:" + "|".join(sorted({k.split(".")[0] for k in i18n.catalogue("en")})) + r")\.[a-z_]+\b")


def assert_clean(page) -> None:
    """No exception box, no JavaScript error, no dialog, no untranslated catalogue key."""
    assert exceptions(page) == [], f"exception box on {page.url}: {exceptions(page)[0][:500]}"
    assert page.recorder.page_errors == [], page.recorder.page_errors
    assert page.recorder.dialogs == [], page.recorder.dialogs
    text = page.locator("[data-testid=stApp]").inner_text()
    assert not I18N_KEY.findall(text), f"untranslated keys on {page.url}: {sorted(set(I18N_KEY.findall(text)))}"


SETTLE_JS = """(sel) => new Promise((resolve) => {
  // resolve once the element has not moved for 5 animation frames (scrolling has finished)
  let last = null, still = 0;
  const tick = () => {
    const el = document.querySelector(sel);
    const top = el ? el.getBoundingClientRect().top : null;
    still = top !== null && top === last ? still + 1 : 0;
    last = top;
    if (still >= 5) resolve(top); else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""

BARS_JS = """(sel) => {
  const out = [];
  document.querySelectorAll(sel + ' .barlayer .trace').forEach(tr => {
    const trace = tr.__data__ && tr.__data__[0] && tr.__data__[0].trace;
    tr.querySelectorAll('.point').forEach(pt => {
      const d = pt.__data__, r = pt.getBoundingClientRect();
      const cd = trace && trace.customdata ? trace.customdata[d.i] : null;
      out.push({cd: cd ? Array.from(cd) : null, x: r.x, y: r.y, w: r.width, h: r.height});
    });
  });
  const a = document.querySelector(sel + ' .nsewdrag').getBoundingClientRect();
  return {bars: out, area: {x: a.x, y: a.y, width: a.width, height: a.height}};
}"""


def bars(page, chart_key: str) -> tuple[list[dict], dict]:
    """Every drawn bar of a chart with its customdata (month ISO, key) and its box on screen,
    and the plot area; measured in one go once the chart is scrolled into view and still."""
    sel = f".st-key-{chart_key}"
    page.locator(sel).scroll_into_view_if_needed()
    page.evaluate(SETTLE_JS, sel)
    got = page.evaluate(BARS_JS, sel)
    return got["bars"], got["area"]


# -- every page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", PAGE_STEMS)
def test_page_loads_with_charts_drawn_and_no_exception(page, app_url, stem):
    open_page(page, app_url, stem)
    n = charts_drawn(page)
    if stem in PAGES_WITH_CHARTS:
        assert n >= 1, f"{stem}: no chart"
    if stem in CHART_PAGES:
        assert page.locator(f"{CHART} {BARS}").count() > 0, f"{stem}: the chart has no bars"
    assert page.locator(TITLE).inner_text() == load_config().title_in("en")
    assert_clean(page)


def test_sidebar_links_every_page(page, app_url):
    open_page(page, app_url)
    links = page.locator(NAV_LINK)
    assert links.count() == len(PAGE_STEMS)
    texts = [t.strip().splitlines()[-1] for t in links.all_inner_texts()]  # the icon name comes first
    assert texts == [page_title(s) for s in PAGE_STEMS]
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert [h.split("?")[0].rstrip("/") for h in hrefs] == [f"{app_url}/{url_path(s)}".rstrip("/") for s in PAGE_STEMS]
    # one click through the sidebar (the other pages are reached by their links in the tests below)
    links.filter(has_text=page_title("court")).click()
    page.locator(PAGE_HEADER).filter(has_text=page_title("court")).wait_for()
    wait_idle(page)
    assert page.url.split("?")[0] == f"{app_url}/court"
    assert charts_drawn(page) >= 1
    assert_clean(page)


# -- filters -> KPIs ---------------------------------------------------------------------------------


def test_kind_filter_updates_the_kpi(page, app_url):
    open_page(page, app_url)
    before = metrics(page)
    assert before[KPI_INCIDENTS] == str(len(fixture_incidents(YEAR_2020)))
    choose(page, "w_kind", "Detentions")
    want = str(len(fixture_incidents(YEAR_2020, "detention")))
    expect(metric_value(page, KPI_INCIDENTS)).to_have_text(want)
    expect_rows(page, int(want))
    wait_idle(page)
    after = metrics(page)
    assert after[KPI_INCIDENTS] == want != before[KPI_INCIDENTS]
    assert after[KPI_DETENTIONS] == want
    assert query_of(page.url)["kind"] == "detention"
    assert grid_rowcount(page) == int(want)
    assert_clean(page)


def test_period_filter_updates_the_kpi_and_follows_to_other_pages(page, app_url):
    open_page(page, app_url)
    choose(page, "w_from", "Feb 2020")
    choose(page, "w_to", "Mar 2020")
    months = {"2020-02", "2020-03"}
    want = str(len(fixture_incidents(months)))
    expect(metric_value(page, KPI_INCIDENTS)).to_have_text(want)
    expect_rows(page, int(want))
    wait_idle(page)
    assert metrics(page)[KPI_INCIDENTS] == want
    q = query_of(page.url)
    assert (q["from"], q["to"]) == ("2020-02", "2020-03")
    assert grid_ids(page) == fixture_incidents(months)
    # the shared filters persist when switching pages in the same session
    page.locator(NAV_LINK).filter(has_text=page_title("assaults")).click()
    page.locator(PAGE_HEADER).filter(has_text=page_title("assaults")).wait_for()
    expect_rows(page, len(fixture_incidents(months, "physical_assault")))
    wait_idle(page)
    assert selected_value(page, "w_from") == "Feb 2020"
    assert grid_ids(page) == fixture_incidents(months, "physical_assault")
    assert_clean(page)


def test_empty_period_renders_every_page_without_error(page, app_url):
    """A month with no dated incident: empty charts and lists, no exception anywhere."""
    open_page(page, app_url, query="from=2019-01&to=2019-01")
    # no fixture source covers 2019: nothing is known, which the card says with a dash, not "0"
    assert metrics(page)[KPI_INCIDENTS] == "—"
    for stem in PAGE_STEMS:
        page.locator(NAV_LINK).filter(has_text=page_title(stem)).click()
        page.locator(PAGE_HEADER).filter(has_text=page_title(stem)).wait_for()
        wait_idle(page)
        charts_drawn(page)
        assert_clean(page)
        if stem in CHART_PAGES:  # the list says it is empty (no table)
            assert page.locator('[data-testid="stAlert"]').filter(has_text=i18n.t("list.empty", "en")).count() >= 1
            assert incident_frame(page).count() == 0


# -- drill-down --------------------------------------------------------------------------------------


def selection_caption(page, n: int):
    return page.locator("[data-testid=stCaptionContainer]").filter(has_text=i18n.t("list.selected", "en", count=n))


def box_select(page, chart_key: str, area: dict, boxes: list[dict]) -> None:
    """Choose "Box Select" in the chart's mode bar, then drag a box around the given bars, from the
    bottom of the plot area up (the event labels at the top of the plot sit above the drag layer)."""
    page.mouse.move(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)  # shows the mode bar
    page.locator(f'.st-key-{chart_key} .modebar-btn[data-title="Box Select"]').click()
    x0 = min(b["x"] for b in boxes) - 4
    x1 = max(b["x"] + b["w"] for b in boxes) + 4
    y_bottom, y_top = area["y"] + area["height"] - 2, min(b["y"] for b in boxes) - 4
    page.mouse.move(x0, y_bottom)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y_bottom + y_top) / 2, steps=5)
    page.mouse.move(x1, y_top, steps=5)
    page.mouse.up()


def test_box_select_in_the_overview_chart_filters_the_list(page, app_url):
    open_page(page, app_url)
    charts_drawn(page)
    expect_rows(page, len(fixture_incidents(YEAR_2020)))
    all_bars, area = bars(page, "chart-overview")
    feb = [b for b in all_bars if b["cd"] and b["cd"][0].startswith("2020-02") and b["h"] > 1]
    assert feb, "no bar for February 2020"
    before = page.evaluate("location.search")
    box_select(page, "chart-overview", area, feb)
    want = fixture_incidents({"2020-02"})
    # wait for the rerun the selection causes: its caption, or any change of the filters in the URL
    page.wait_for_function(
        """([text, before]) => location.search !== before || [...document.querySelectorAll(
             '[data-testid=stCaptionContainer], [data-testid=stException]')].some(e => e.textContent.includes(text))""",
        arg=[i18n.t("list.selected", "en", count=len(want)), before],
    )
    wait_idle(page)
    # the selection narrows the list; the sidebar filters stay as they were
    q = query_of(page.url)
    assert (q.get("from"), q.get("to"), q.get("events", "1")) == ("2020-01", "2020-12", "1"), (
        f"a box selection changed the sidebar filters: {page.url}"
    )
    expect_rows(page, len(want))
    wait_idle(page)
    assert grid_ids(page) == want
    expect(selection_caption(page, len(want))).to_have_count(1)
    # a double-click on the plot clears the selection: the whole list again
    all_bars, area = bars(page, "chart-overview")
    empty = [b for b in all_bars if b["cd"] and b["cd"][0].startswith("2020-04")]
    x = empty[0]["x"] + empty[0]["w"] / 2 if empty else area["x"] + area["width"] / 2
    page.mouse.dblclick(x, area["y"] + area["height"] / 2)
    expect_rows(page, len(fixture_incidents(YEAR_2020)))
    wait_idle(page)
    expect(selection_caption(page, len(want))).to_have_count(0)
    assert_clean(page)


def test_first_session_on_a_fresh_server_keeps_its_filters(page, browser_build):
    """The first interaction of the first viewer after a (re)start must not reset the sidebar.

    Seen with Streamlit 1.67: with a ``pages/`` folder beside an entry that uses ``st.navigation``,
    the first rerun on a new server drops the sidebar's widget state (period → first month, context
    periods off, presentation mode off).
    """
    from tests.browser.conftest import fresh_server

    server = fresh_server(browser_build.out, "fresh")
    try:
        open_page(page, server.url)
        charts_drawn(page)
        expect_rows(page, len(fixture_incidents(YEAR_2020)))
        all_bars, _ = bars(page, "chart-overview")
        march = [b for b in all_bars if b["cd"] and b["cd"][0].startswith("2020-03") and b["h"] > 1]
        before = page.evaluate("location.search")
        page.mouse.click(march[0]["x"] + march[0]["w"] / 2, march[0]["y"] + march[0]["h"] / 2)
        page.wait_for_function(
            """([text, before]) => location.search !== before || [...document.querySelectorAll(
                 '[data-testid=stCaptionContainer]')].some(e => e.textContent.includes(text))""",
            arg=[i18n.t("list.selected", "en", count=1), before],
        )
        wait_idle(page)
        q = query_of(page.url)
        assert (q.get("from"), q.get("to"), q.get("events", "1")) == ("2020-01", "2020-12", "1"), (
            f"the first interaction on a fresh server reset the sidebar: {page.url}"
        )
    finally:
        server.stop()


def test_clicking_a_bar_selects_its_incidents(page, app_url):
    open_page(page, app_url)
    charts_drawn(page)
    expect_rows(page, len(fixture_incidents(YEAR_2020)))
    all_bars, _ = bars(page, "chart-overview")
    march = [b for b in all_bars if b["cd"] and b["cd"][0].startswith("2020-03") and b["h"] > 1]
    assert len(march) == 1, march
    b = march[0]
    page.mouse.click(b["x"] + b["w"] / 2, b["y"] + b["h"] / 2)
    want = fixture_incidents({"2020-03"}, category=b["cd"][1])
    expect_rows(page, len(want))
    wait_idle(page)
    assert grid_ids(page) == want
    expect(selection_caption(page, len(want))).to_have_count(1)
    assert_clean(page)


# -- downloads -----------------------------------------------------------------------------------------


def _download(page, button) -> tuple[str, bytes]:
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.failure() is None
    return download.suggested_filename, open(download.path(), "rb").read()


def test_download_buttons_give_valid_csv_and_xlsx_of_the_list(page, app_url):
    open_page(page, app_url, query="from=2020-02&to=2020-03")
    want = fixture_incidents({"2020-02", "2020-03"})
    assert grid_ids(page) == want
    # CSV: a "#" line saying what the file holds, then the table
    name, data = _download(page, button(page, ".st-key-csv-overview"))
    assert name.endswith(".csv") and "2020-02_2020-03" in name, name
    text = data.decode("utf-8-sig")
    first, rest = text.split("\n", 1)
    assert first.startswith("#")
    rows = list(csv.DictReader(io.StringIO(rest)))
    assert sorted(r["incident_id"] for r in rows) == want
    assert all(r["date"][:7] in {"2020-02", "2020-03"} for r in rows)
    # XLSX: an About sheet, then the same rows
    name, data = _download(page, button(page, ".st-key-xlsx-overview"))
    assert name.endswith(".xlsx") and "2020-02_2020-03" in name, name
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert len(wb.worksheets) >= 2
    sheet = wb.worksheets[-1]
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    ids = sorted(r[header.index("incident_id")] for r in values[1:] if any(c is not None for c in r))
    assert ids == want
    assert_clean(page)


def test_table_toolbar_csv_export_is_valid(page, app_url):
    """Streamlit's own "Download as CSV" on the incident list: the columns shown, the rows listed."""
    open_page(page, app_url, query="from=2020-02&to=2020-03")
    want = fixture_incidents({"2020-02", "2020-03"})
    assert grid_ids(page) == want
    frame = incident_frame(page)
    frame.hover()
    name, data = _download(page, frame.get_by_role("button", name="Download as CSV"))
    assert name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    assert header[0] == "ID"
    for k in ("date", "victim", "summary", "sources"):
        assert i18n.t(f"list.{k}", "en") in header
    assert all(len(r) == len(header) for r in rows[1:])
    assert sorted(r[0] for r in rows[1:]) == want
    assert_clean(page)


# -- languages and links ---------------------------------------------------------------------------------


def test_language_switch_to_russian(page, app_url):
    open_page(page, app_url)
    choose(page, "w_lang", lang_label("ru"))
    page.locator(PAGE_HEADER).filter(has_text=page_title("overview", "ru")).wait_for()
    wait_idle(page)
    assert page.locator(TITLE).inner_text() == load_config().title_in("ru")
    assert query_of(page.url)["lang"] == "ru"
    labels = list(metrics(page))
    assert i18n.t("kpi.incidents", "ru") in labels
    assert KPI_INCIDENTS not in labels
    nav = [t.strip().splitlines()[-1] for t in page.locator(NAV_LINK).all_inner_texts()]
    assert nav == [page_title(s, "ru") for s in PAGE_STEMS]
    assert_clean(page)


def test_language_switch_relabels_the_month_pickers(page, app_url):
    open_page(page, app_url)
    assert selected_value(page, "w_from") == i18n.month_label(date(2020, 1, 1), "en")
    choose(page, "w_lang", lang_label("ru"))
    page.locator(PAGE_HEADER).filter(has_text=page_title("overview", "ru")).wait_for()
    wait_idle(page)
    expect(combobox(page, "w_from")).to_have_value(i18n.month_label(date(2020, 1, 1), "ru"), timeout=10_000)
    expect(combobox(page, "w_to")).to_have_value(i18n.month_label(date(2020, 12, 1), "ru"), timeout=10_000)


def test_a_link_reproduces_the_view_set_by_hand(new_browser_page, app_url):
    by_link = new_browser_page()
    open_page(by_link, app_url, query="lang=az&from=2020-02&to=2020-03", lang="az")
    assert by_link.locator(TITLE).inner_text() == load_config().title_in("az")
    linked = metrics(by_link)

    by_hand = new_browser_page()  # a fresh context: its own session
    open_page(by_hand, app_url)
    choose(by_hand, "w_from", "Feb 2020")
    choose(by_hand, "w_to", "Mar 2020")
    choose(by_hand, "w_lang", lang_label("az"))
    by_hand.locator(PAGE_HEADER).filter(has_text=page_title("overview", "az")).wait_for()
    by_hand.locator(TITLE).filter(has_text=load_config().title_in("az")).wait_for()
    wait_idle(by_hand)
    assert metrics(by_hand) == linked
    assert linked[i18n.t("kpi.incidents", "az")] == str(len(fixture_incidents({"2020-02", "2020-03"})))
    q_link, q_hand = query_of(by_link.url), query_of(by_hand.url)
    for k in ("lang", "from", "to"):
        assert q_link[k] == q_hand[k], k
    for pg in (by_link, by_hand):
        assert_clean(pg)


# -- presentation mode ---------------------------------------------------------------------------------

SIDEBAR = '[data-testid="stSidebar"]'
PRESENT_NEXT = ".st-key-pfd_present_next button"


def slide_position(page) -> str:
    return (
        page.locator("[data-testid=stMarkdownContainer] strong")
        .filter(has_text=re.compile(r"^\d+ / \d+$"))
        .inner_text()
    )


def test_presentation_mode(page, app_url):
    from webapp.presentation import MIN_TITLE_PX

    page.goto(f"{app_url}/?present=1&from=2020-01&to=2020-12")
    page.locator(PRESENT_NEXT).wait_for()
    wait_idle(page)
    assert_clean(page)
    # no sidebar, no chrome; the key figures first, in large type
    assert not page.locator(SIDEBAR).is_visible()
    assert not page.locator('[data-testid="stHeader"]').is_visible()
    first_value = page.locator(".pfd-kpis .pfd-kpi .v").first
    expect(first_value).to_have_text(str(len(fixture_incidents(YEAR_2020))))
    assert float(first_value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 48
    n = int(slide_position(page).split(" / ")[1])
    assert slide_position(page) == i18n.t("present.position", "en", i=1, n=n)
    assert n >= 2
    # Next: one chart per screen in the projector theme, still presenting, filters unchanged
    page.locator(PRESENT_NEXT).click()
    page.locator(CHART_DRAWN).first.wait_for()
    wait_idle(page)
    q = query_of(page.url)
    assert q.get("present") == "1", f"Next left presentation mode: {page.url}"
    assert (q.get("from"), q.get("to")) == ("2020-01", "2020-12"), f"Next changed the filters: {page.url}"
    assert not page.locator(SIDEBAR).is_visible()
    assert page.locator(CHART).count() == 1
    title_px = page.locator(f"{CHART} .gtitle").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert title_px >= MIN_TITLE_PX
    expect(page.locator("[data-testid=stMarkdownContainer] strong").filter(has_text=f"2 / {n}")).to_have_count(1)
    # the clicker key (→) moves on too
    page.keyboard.press("ArrowRight")
    expect(page.locator("[data-testid=stMarkdownContainer] strong").filter(has_text=f"3 / {n}")).to_have_count(1)
    wait_idle(page)
    assert_clean(page)
    # Exit: the dashboard again, with the same filters
    page.locator(".st-key-pfd_present_exit button").click()
    page.locator(SIDEBAR).wait_for()
    wait_idle(page)
    q = query_of(page.url)
    assert "present" not in q
    assert (q.get("from"), q.get("to")) == ("2020-01", "2020-12")
    assert_clean(page)


LAYOUT_JS = """(prefixes) => {
  // what a viewer would see as broken in a drawn chart: text cut at the canvas's edge, a label
  // off the plot, the source line on the bottom edge or touching the axis's labels or title
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const c = gd.getBoundingClientRect(), s = gd._fullLayout._size, out = [];
  const box = e => { const r = e.getBoundingClientRect();
    return {t: e.textContent, l: r.left - c.left, r: r.right - c.left, top: r.top - c.top, b: r.bottom - c.top}; };
  const hit = (a, b, gap) => a.l < b.r && b.l < a.r && a.top < b.b + gap && b.top < a.b + gap;
  const texts = [...gd.querySelectorAll('text')].filter(e => e.textContent.trim()).map(box).filter(x => x.r > x.l);
  for (const x of texts) if (x.l < -1 || x.r > c.width + 1 || x.top < -1 || x.b > c.height + 1)
    out.push('outside the canvas: ' + x.t.slice(0, 40));
  const notes = [...gd.querySelectorAll('.annotation-text')].map(box);
  const axis = [...gd.querySelectorAll('.xtick text, .g-xtitle text')].map(box);
  for (const a of notes) {
    if (prefixes.some(p => a.t.startsWith(p))) {
      if (c.height - a.b < 6) out.push('source line on the bottom edge');
      for (const t of axis) if (hit(a, t, 3)) out.push('source line touches ' + t.t);
    } else if (a.r > s.l + s.w + 3 || a.l < s.l - 3) out.push('label off the plot: ' + a.t.slice(0, 40));
  }
  return out;
}"""


def test_presentation_slides_fit_a_projector_and_offer_no_downloads(page, app_url):
    """Every slide at 1280 × 720 (a common venue projector): projector type sizes, nothing cut or
    overlapping in the charts, and no download buttons (the deck is made beforehand)."""
    from webapp.presentation import MIN_TICK_PX, MIN_TITLE_PX

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/?present=1&lang=ru")
    page.locator(PRESENT_NEXT).wait_for()
    wait_idle(page)
    position = page.locator("[data-testid=stMarkdownContainer] strong").filter(has_text=re.compile(r"^\d+ \D+ \d+$"))
    n = int(position.inner_text().split()[-1])
    assert position.inner_text() == i18n.t("present.position", "ru", i=1, n=n)
    size = "e => parseFloat(getComputedStyle(e).fontSize)"
    assert page.locator(".pfd-kpis-title").evaluate(size) >= MIN_TITLE_PX  # the key figures' slide title
    prefixes = [i18n.t(k, "ru").split("{")[0].strip() for k in ("chart.source_line", "published.source_line")]
    for i in range(2, n + 1):
        page.locator(PRESENT_NEXT).click()
        expect(position).to_have_text(i18n.t("present.position", "ru", i=i, n=n))
        wait_idle(page)
        page.locator(CHART_DRAWN).first.wait_for()
        assert page.locator('[data-testid="stDownloadButton"]').count() == 0, f"slide {i}: download buttons"
        assert page.locator(f"{CHART} .gtitle").first.evaluate(size) >= MIN_TITLE_PX
        assert page.locator(f"{CHART} .ytick text, {CHART} .xtick text").first.evaluate(size) >= MIN_TICK_PX
        assert page.evaluate(LAYOUT_JS, prefixes) == [], f"slide {i}"
        box = page.locator(f"{CHART} .main-svg").first.bounding_box()
        assert box["y"] + box["height"] <= 720, f"slide {i}: the chart runs below the screen ({box})"
        page.screenshot(path=str(SCREENSHOTS / f"presentation-ru-1280x720-{i:02d}.png"))
    assert_clean(page)


# -- chart images, the offline report and the slide deck (rendered by the server on click) --------------

SVG_TAG = re.compile(r"<[^>]+>")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def squeezed(text: str) -> str:
    """Text without any whitespace: lines wrap at other places on screen and in the image."""
    return re.sub(r"\s+", "", text)


def screen_source_line(page, chart_key: str, lang: str = "en") -> str:
    """The source line drawn inside a chart on the page (its annotation starting "Source:" / "Published:")."""
    prefixes = [i18n.t(k, lang).split("{")[0].strip() for k in ("chart.source_line", "published.source_line")]
    texts = page.locator(f".st-key-{chart_key} .annotation-text").all_text_contents()
    found = [t for t in texts if t.startswith(tuple(prefixes))]
    assert len(found) == 1, f"{chart_key}: source line not found among {texts}"
    return found[0]


def chart_title(page, chart_key: str) -> str:
    return page.locator(f".st-key-{chart_key} .gtitle").first.text_content()


def check_png(name: str, data: bytes, chart: str) -> None:
    from pressfreedom.chart_images import png_size

    assert name.endswith(".png") and chart in name, name
    assert data[:8] == PNG_SIGNATURE, data[:16]
    width, height = png_size(data)
    assert width >= 1600 and height >= 300, (name, width, height)


def check_svg(page, name: str, data: bytes, chart: str) -> None:
    """An SVG that carries the chart's title and the same source line as the chart on the page."""
    import html

    assert name.endswith(".svg") and chart in name, name
    text = data.decode("utf-8")
    assert text.lstrip().startswith("<svg"), text[:80]
    shown = squeezed(html.unescape(SVG_TAG.sub(" ", text)))
    assert squeezed(screen_source_line(page, f"chart-{chart}")) in shown, f"{name}: the source line is missing"
    title = chart_title(page, f"chart-{chart}")
    assert squeezed(title.split("  ")[0])[:20] in shown, f"{name}: the title is missing"


def button(page, key_selector: str):
    """The visible button of a keyed widget (Streamlit 1.67 keeps a zero-width copy of a
    content-width button to measure its label)."""
    return page.locator(f"{key_selector} button").filter(visible=True)


def download_images(page, chart: str, formats=("png", "svg")) -> None:
    for fmt in formats:
        name, data = _download(page, button(page, f".st-key-img-{chart}-{fmt}"))
        if fmt == "png":
            check_png(name, data, chart)
        else:
            check_svg(page, name, data, chart)


class ExternalRefs(HTMLParser):
    """Scripts, styles, images and frames loaded from a host (``src``/``href`` starting http(s) or //)."""

    LOADED = {"script", "link", "img", "iframe", "source", "video", "audio", "embed", "object", "image", "use"}

    def __init__(self) -> None:
        super().__init__()
        self.external: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if tag in self.LOADED and k in ("src", "href", "srcset", "data") and re.match(r"\s*(https?:)?//", v or ""):
                self.external.append((tag, k, v))


def expected_charts(build_root, f) -> tuple[list[str], int]:
    """The key charts' titles (the published figures' chart only where one has an itemised
    counterpart) and the number of published-figure rows, for these filters."""
    from pressfreedom.figures import published_rows
    from pressfreedom.query import Query

    lang = f.lang
    q = Query(build_root)
    rows, _ = published_rows(q.published_vs_documented(f), f)
    titles = [
        i18n.t("chart.by_month_title", lang, kind=i18n.t("chart.all_incidents", lang)),
        *([i18n.t("published.chart_title", lang)] if rows else []),
        i18n.t("assaults.by_month_context", lang),
        i18n.t("detentions.by_month_title", lang),
        i18n.t("blockings.timeline_title", lang),
        i18n.t("court.by_month_title", lang),
    ]
    return titles, len(rows)


def check_report(name: str, data: bytes, lang: str, period: str, charts: list[str]) -> None:
    """One self-contained HTML file: plotly.js embedded once, nothing loaded from a host."""
    assert name.endswith(".html") and f"report-{lang}" in name, name
    import html

    html_text = data.decode("utf-8")
    assert len(data) <= 6 * 1024 * 1024
    assert f'<html lang="{lang}">' in html_text
    assert html_text.count("* plotly.js v") == 1, "plotly.js must be embedded exactly once"
    assert html_text.count("Plotly.newPlot(") == len(charts)
    for title in charts:
        assert f'aria-label="{html.escape(title, quote=True)}"' in html_text, title
    parser = ExternalRefs()
    parser.feed(html_text)
    assert parser.external == [], parser.external
    assert period in html_text, f"the report does not say its period ({period})"
    assert i18n.t("report.kpis", lang) in html_text


def check_deck(name: str, data: bytes, lang: str, build_root, f) -> None:
    """A 16:9 deck python-pptx re-reads: title, key figures, one picture per chart slide, the
    published-figures table (8 rows a slide) and the sources."""
    import math
    from io import BytesIO

    from pptx import Presentation
    from pptx.util import Inches

    from pressfreedom.chart_images import png_size

    assert name.endswith(".pptx") and f"slides-{lang}" in name, name
    chart_titles, rows = expected_charts(build_root, f)
    prs = Presentation(BytesIO(data))
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    slides = list(prs.slides)
    assert len(slides) == 2 + len(chart_titles) + max(1, math.ceil(rows / 8)) + 1
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in slides]
    assert titles[0] == load_config().title_in(lang)
    assert titles[2 : 2 + len(chart_titles)] == chart_titles
    for slide in slides[2 : 2 + len(chart_titles)]:
        pictures = [sh for sh in slide.shapes if sh.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        assert len(pictures) == 1, slide.shapes.title.text
        assert png_size(pictures[0].image.blob)[0] >= 1600
        assert slide.notes_slide.notes_text_frame.text.strip(), "no speaker notes"
    assert i18n.t("list.sources", lang) == titles[-1]


def test_overview_downloads_every_chart_image_the_report_and_the_deck(page, app_url, browser_build):
    """Every image button of one chart page, and the report and deck for the current filters."""
    open_page(page, app_url)
    charts_drawn(page)
    charts = ("overview", "outlets", "published")
    for chart in charts:
        assert page.locator(f".st-key-chart-{chart} .main-svg").count() >= 1, chart
        download_images(page, chart)
    # nothing but these (each chart's data CSV, PNG and SVG), the report, the deck and the list's CSV/XLSX
    assert page.locator('[data-testid="stPlotlyChart"]').count() == len(charts)
    assert page.locator('[data-testid="stDownloadButton"]').count() == 3 * len(charts) + 2 + 2
    f = load_query_filters(browser_build, "en")
    name, data = _download(page, button(page, ".st-key-overview-report-html"))
    check_report(name, data, "en", i18n.period_label(f.start, f.end, "en"), expected_charts(browser_build.out, f)[0])
    name, data = _download(page, button(page, ".st-key-overview-report-pptx"))
    check_deck(name, data, "en", browser_build.out, f)
    assert_clean(page)


def load_query_filters(build, lang: str, start: str | None = None, end: str | None = None):
    from pressfreedom.filters import month_end, parse_month
    from pressfreedom.query import Query

    f = Query(build.out).default_filters(lang)
    if start:
        f = f.with_(start=parse_month(start), end=month_end(parse_month(end)))
    return f


IMAGE_PAGES = {  # page → (query string, one of its charts)
    "assaults": ("", "assaults-perp"),
    "detentions": ("", "detentions"),
    "blockings": ("", "timeline"),
    "court": ("", "verdicts"),
    "people": ("person=persson", "person"),
    "context": ("", "rsf"),
}


@pytest.mark.parametrize("stem", list(IMAGE_PAGES))
def test_each_chart_page_offers_png_and_svg(page, app_url, stem):
    """One PNG and one SVG per page (kaleido takes a moment per image); every chart has both buttons."""
    query, chart = IMAGE_PAGES[stem]
    open_page(page, app_url, stem, query=query)
    n = charts_drawn(page)
    assert n >= 1
    assert page.locator('[data-testid="stDownloadButton"]').filter(has_text="PNG").count() == n
    assert page.locator('[data-testid="stDownloadButton"]').filter(has_text="SVG").count() == n
    download_images(page, chart, ("png",))
    keys = page.evaluate(
        """() => [...document.querySelectorAll('[class*="st-key-img-"]')]
                 .map(e => (e.className.match(/st-key-img-([\\w-]+)-svg/) || [])[1]).filter(Boolean)"""
    )
    svg_chart = keys[-1]  # the page's last chart: another one than the PNG's where the page has two
    download_images(page, svg_chart, ("svg",))
    assert_clean(page)


def test_methodology_offers_the_report_and_deck_of_the_view_and_the_full_dataset(page, app_url, browser_build):
    """In Azerbaijani, for February–June 2020: the files follow the language and the period."""
    open_page(page, app_url, "methodology", query="lang=az&from=2020-02&to=2020-06", lang="az")
    f = load_query_filters(browser_build, "az", "2020-02", "2020-06")
    period = i18n.period_label(f.start, f.end, "az")
    name, data = _download(page, button(page, ".st-key-method-report-html"))
    check_report(name, data, "az", period, expected_charts(browser_build.out, f)[0])
    assert "2020-02_2020-06" in name
    name, data = _download(page, button(page, ".st-key-method-report-pptx"))
    check_deck(name, data, "az", browser_build.out, f)
    from io import BytesIO

    from pptx import Presentation

    assert period in Presentation(BytesIO(data)).slides[0].placeholders[1].text_frame.text
    # the whole dataset, whatever the filters: every compiled incident, and the Parquet tables
    rejected = {r.get("incident_id") for r in browser_build.rejects}
    everything = sorted(
        r["incident_id"] for t in INCIDENT_TABLES for r in fixtures.rows(t) if r["incident_id"] not in rejected
    )
    name, data = _download(page, button(page, ".st-key-full-csv"))
    lines = data.decode("utf-8-sig").split("\n", 1)
    assert lines[0].startswith("#")
    assert sorted(r["incident_id"] for r in csv.DictReader(io.StringIO(lines[1]))) == everything
    name, data = _download(page, button(page, ".st-key-full-xlsx"))
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert len(wb.worksheets) >= 5
    name, data = _download(page, button(page, ".st-key-full-parquet"))
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {"incidents.parquet", "manifest.json"} <= set(z.namelist())
    assert_clean(page)


def test_people_and_cases_lists_people_on_open_and_a_click_opens_a_timeline(page, app_url):
    """The page opens with everyone who has incidents in the selection (no empty search box); a click
    on a row puts the name in the search and draws that person's timeline."""
    open_page(page, app_url, "people", query="from=2019-01&to=2020-12")
    grid = page.locator(".st-key-people-list [data-testid=stDataFrame]")
    grid.wait_for()
    assert page.locator(CHART).count() == 0  # no timeline before a choice
    box = grid.bounding_box()
    # the first data row's selection cell (left of the first column), under the header row
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    page.locator(".st-key-chart-person .main-svg").first.wait_for(timeout=20_000)
    wait_idle(page)
    name = page.locator(".st-key-pfd_person input").input_value()
    assert name  # the chosen person's name, which the link keeps (?person=)
    assert page.locator(".st-key-chart-person").filter(has_text=name).count() == 1  # "<name>: timeline"
    assert "person=" in page.url
    assert_clean(page)
