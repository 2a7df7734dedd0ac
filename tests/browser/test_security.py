"""Hostile text stays inert in Chromium; confidential names never leave the public build.

The hostile build (conftest.hostile_tables) holds ``<script>``, ``<img onerror>``, Markdown links to
``javascript:``, Markdown emphasis and an HTML outlet in victim/summary/outlet/notes/location, a
formula in a summary, a ``javascript:`` source URL, and confidential rows whose every identifying
field names ``tests.fixtures.CANARY``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.cli import main as etl_main
from pressfreedom import i18n
from pressfreedom.schema import WITHHELD
from tests import fixtures
from tests.browser import (
    CHART_PAGES,
    DATAFRAME,
    PAGE_HEADER,
    PAGE_STEMS,
    charts_drawn,
    choose,
    exceptions,
    expect_rows,
    grid_ids,
    grid_rowcount,
    incident_frame,
    incident_grid,
    open_page,
    page_title,
    wait_idle,
)
from tests.browser.conftest import (
    BOLD,
    CONFIDENTIAL_IDS,
    EXPECTED_REJECTS,
    FORMULA,
    HOSTILE_IDS,
    HOSTILE_TEXTS,
    HTML_OUTLET,
    IMG,
    JS_URL,
    MD_LINK,
    SCRIPT,
    compile_build,
    hostile_tables,
)

CANARY = fixtures.CANARY
APRIL = "from=2020-04&to=2020-04"  # the hostile and confidential rows, and nothing else

# Elements the hostile text would create if it were rendered as HTML or Markdown. Streamlit's own
# inline scripts are told apart by their content: none of them calls alert().
INJECTED_JS = """() => {
  const found = [];
  const add = (what, el) => found.push(what + ': ' + (el.outerHTML || '').slice(0, 200));
  document.querySelectorAll('img[src="x"], [onerror], [onload]:not(body)').forEach(el => add('handler', el));
  document.querySelectorAll('script:not([src])').forEach(el => {
    if (el.textContent.includes('alert(')) add('inline script', el);
  });
  document.querySelectorAll('a[href]').forEach(el => {
    if (/^\\s*javascript:/i.test(el.getAttribute('href'))) add('javascript link', el);
  });
  document.querySelectorAll('[href], [src], [xlink\\\\:href]').forEach(el => {
    for (const attr of ['href', 'src', 'xlink:href']) {
      const v = el.getAttribute(attr);
      if (v && /^\\s*javascript:/i.test(v)) add('javascript ' + attr, el);
    }
  });
  document.querySelectorAll('iframe[srcdoc]').forEach(el => add('iframe', el));
  document.querySelectorAll('b, strong, em, i').forEach(el => {
    const t = el.textContent.trim();
    if (t === 'x' || t === 'bold') add('rendered markup', el);
  });
  return found;
}"""


def assert_inert(page) -> None:
    assert page.recorder.dialogs == [], f"a dialog fired on {page.url}: {page.recorder.dialogs}"
    injected = page.evaluate(INJECTED_JS)
    assert injected == [], f"injected elements on {page.url}: {injected}"
    assert exceptions(page) == [], f"exception box on {page.url}: {exceptions(page)[0][:400]}"


def assert_no_canary(page, where: str) -> None:
    assert CANARY not in page.content(), f"the confidential name is in the rendered HTML of {where}"
    assert CANARY.encode() not in page.recorder.received(), f"the confidential name was sent to the browser ({where})"


# -- the ETL: URLs and the public build ------------------------------------------------------------


def test_the_hostile_rows_compiled_verbatim(hostile_build):
    """Otherwise the browser checks below would test nothing."""
    incidents = pq.read_table(hostile_build.out / "incidents.parquet").to_pandas().set_index("incident_id")
    for i in HOSTILE_IDS + CONFIDENTIAL_IDS:
        assert i in incidents.index, f"{i} was not compiled"
    assert incidents.loc["ASL-H1", "victim"] == SCRIPT
    assert incidents.loc["ASL-H1", "summary"] == IMG
    assert incidents.loc["ASL-H1", "outlet"] == HTML_OUTLET
    assert incidents.loc["ASL-H1", "location"] == BOLD
    assert incidents.loc["DET-H2", "victim"] == MD_LINK
    assert incidents.loc["CRT-H4", "summary"] == FORMULA
    got = {(r["file"], _record_id(hostile_build, r)) for r in hostile_build.rejects}
    assert got == EXPECTED_REJECTS, hostile_build.rejects


def _record_id(build, reject: dict) -> str:
    """The id in the first column of a rejected input record (records count data rows from 1)."""
    with open(build.raw / reject["file"], newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[int(reject["record"])][0]


def test_a_javascript_source_url_is_rejected(hostile_build):
    rejected = [r for r in hostile_build.rejects if r["file"] == "sources.csv"]
    assert len(rejected) == 1
    assert rejected[0]["column"] == "url"
    assert rejected[0]["value"] == JS_URL
    assert "http" in rejected[0]["reason"]
    urls = pq.read_table(hostile_build.out / "sources.parquet").column("url").to_pylist()
    assert all(u is None or u.startswith(("http://", "https://")) for u in urls), urls


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def _parquet_strings(path) -> list[str]:
    table = pq.read_table(path)
    out: list[str] = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type) or pa.types.is_nested(col.type):
            for v in col.to_pylist():
                out += _strings(v)
    out += _strings(
        {k.decode(errors="replace"): v.decode(errors="replace") for k, v in (table.schema.metadata or {}).items()}
    )
    return out


def test_the_canary_is_in_no_file_of_the_public_build(hostile_build):
    files = hostile_build.public_files()
    assert any(p.name == "incidents.parquet" for p in files)
    for p in files:
        assert CANARY.encode() not in p.read_bytes(), f"{p.name} holds the confidential name"
        if p.suffix == ".parquet":  # compressed pages could hide it from a byte search
            assert not [s for s in _parquet_strings(p) if CANARY in s], f"{p.name} holds the confidential name"
    # the confidential rows are still counted
    ids = pq.read_table(hostile_build.out / "incidents.parquet").column("incident_id").to_pylist()
    assert set(CONFIDENTIAL_IDS) <= set(ids)


def test_the_canary_check_can_fail(hostile_build, tmp_path):
    """An internal build (explicit flag) keeps the names: the search above would see them."""
    out = tmp_path / "internal"
    assert etl_main(["--raw", str(hostile_build.raw), "--out", str(out), "--internal", "--quiet"]) == 0
    assert [s for s in _parquet_strings(out / "incidents.parquet") if CANARY in s]


# -- the browser: hostile text is inert ------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("stem", PAGE_STEMS)
def test_every_page_keeps_hostile_text_inert_and_the_canary_out(page, hostile_app_url, stem):
    open_page(page, hostile_app_url, stem, query=APRIL)  # April 2020: the hostile and confidential rows
    charts_drawn(page)
    assert_inert(page)
    assert_no_canary(page, stem)
    if stem in CHART_PAGES:
        assert page.locator(DATAFRAME).count() >= 1


@pytest.mark.browser
def test_hostile_text_is_shown_literally_in_the_list(page, hostile_app_url):
    open_page(page, hostile_app_url, query=APRIL)
    april = sorted(HOSTILE_IDS + ("ASL-C1",))
    assert grid_rowcount(page) == len(april)
    assert grid_ids(page) == april
    cells = incident_grid(page).locator("tbody td").all_text_contents()
    for text in HOSTILE_TEXTS:
        assert any(text in c for c in cells), f"{text!r} is not shown as text"
    assert any(c == WITHHELD for c in cells), "the confidential row is not listed as withheld"
    # the websocket recorder sees the data the app sends (so its canary search means something)
    assert SCRIPT.encode() in page.recorder.received()
    assert_inert(page)
    assert_no_canary(page, "overview list")


@pytest.mark.browser
def test_hostile_filter_values_show_literally_in_captions(page, hostile_app_url):
    """Outlet and location options come from the data; chosen, they appear in captions via plain()."""
    open_page(page, hostile_app_url)
    choose(page, "w_outlet", HTML_OUTLET)
    page.locator("[data-testid=stCaptionContainer]").filter(has_text=HTML_OUTLET).first.wait_for()
    wait_idle(page)
    assert_inert(page)
    choose(page, "w_loc", BOLD)
    page.locator("[data-testid=stCaptionContainer]").filter(has_text=BOLD).first.wait_for()
    expect_rows(page, 1)
    wait_idle(page)
    assert grid_ids(page) == ["ASL-H1"]
    assert_inert(page)
    assert_no_canary(page, "overview filtered by hostile outlet and location")


@pytest.mark.browser
def test_hostile_url_parameters_are_inert(page, hostile_app_url):
    from urllib.parse import quote

    q = "&".join(
        f"{k}={quote(v)}"
        for k, v in {
            "outlet": HTML_OUTLET,
            "loc": IMG,
            "person": SCRIPT,
            "kind": SCRIPT,
            "lang": IMG,
            "from": MD_LINK,
        }.items()
    )
    for stem in ("overview", "court", "people"):  # the parameters feed the shared sidebar
        page.goto(f"{hostile_app_url}/{'' if stem == 'overview' else stem}?{q}")
        page.locator(PAGE_HEADER).filter(has_text=page_title(stem)).wait_for()
        wait_idle(page)
        charts_drawn(page)
        assert_inert(page)


@pytest.mark.browser
def test_which_incidents_popovers_are_inert_and_withhold_names(page, hostile_app_url):
    """The overview's "Which incidents?" lists the rows behind each KPI (one popover, in which
    the reader picks the figure): every figure's rows are inert and withhold confidential names."""
    open_page(page, hostile_app_url, query=APRIL)
    button = page.locator('[data-testid="stPopover"] button').filter(has_text=i18n.t("kpi.which", "en"))
    if button.count() != 1:
        pytest.fail(f"{button.count()} 'Which incidents?' popovers on the overview (one expected)")
    button.click()
    body = page.locator('[data-testid="stPopoverBody"]').first
    body.wait_for()
    wait_idle(page)
    choices = body.locator('[data-testid="stRadio"] label')
    n = choices.count()
    assert n >= 6, f"the popover offers {n} figures to pick from"
    for i in range(n):
        choices.nth(i).click()
        wait_idle(page)
        body.locator('[data-testid="stDataFrame"], [data-testid="stCaptionContainer"]').first.wait_for()
        assert_inert(page)
        assert_no_canary(page, f"popover, figure {i + 1}")


@pytest.mark.browser
def test_people_search_finds_hostile_names_literally_and_never_the_canary(page, hostile_app_url):
    open_page(page, hostile_app_url, "people")
    box = page.locator(".st-key-pfd_person input")
    if box.count() == 0:
        pytest.fail("the People & cases page has no search box (key pfd_person)")
    no_match = page.locator('[data-testid="stAlert"]')
    # a person whose name is an <img onerror> tag: found, and shown as text
    box.fill("onerror")
    box.press("Enter")
    page.get_by_text(IMG).first.wait_for()
    wait_idle(page)
    charts_drawn(page)
    assert_inert(page)
    # the confidential person: no match (the page may echo what was typed, nothing more)
    for typed in ("Zzyzx", "Canary"):
        box.fill(typed)
        box.press("Enter")
        no_match.filter(has_text=i18n.t("people.no_match", "en", text=typed)).wait_for()
        wait_idle(page)
        assert_inert(page)
        assert_no_canary(page, f"people search for {typed!r}")


# -- downloads ------------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@")


def _download(page, button) -> tuple[str, bytes]:
    with page.expect_download() as info:
        button.click()
    d = info.value
    assert d.failure() is None, d.failure()
    return d.suggested_filename, Path(d.path()).read_bytes()


def _members(name: str, data: bytes) -> list[tuple[str, bytes]]:
    """A download and, for zip containers (xlsx, pptx, zip), every file inside it."""
    out = [(name, data)]
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            out += [(f"{name}/{m}", z.read(m)) for m in z.namelist()]
    return out


def assert_download_safe(name: str, data: bytes) -> None:
    """No canary in the file or anything inside it; no live formula in a CSV or XLSX."""
    for member, blob in _members(name, data):
        assert CANARY.encode() not in blob, f"{member} holds the confidential name"
        if member.endswith(".parquet"):
            assert not [s for s in _parquet_strings(io.BytesIO(blob)) if CANARY in s], member
    if name.endswith(".csv"):
        text = data.decode("utf-8-sig")
        body = text.split("\n", 1)[1] if text.startswith("#") else text
        bad = [c for r in csv.reader(io.StringIO(body)) for c in r if c.startswith(FORMULA_START)]
        assert bad == [], f"{name}: formula cells not neutralised: {bad[:3]}"
    if name.endswith(".xlsx"):
        _assert_xlsx_inert(data)


def _assert_xlsx_inert(data: bytes) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_START), f"{ws.title}!{cell.coordinate}: {cell.value!r}"


DOWNLOAD_PAGES = (*CHART_PAGES, "methodology")  # pages that offer downloads without further input


@pytest.mark.browser
@pytest.mark.parametrize("stem", DOWNLOAD_PAGES)
def test_every_download_withholds_the_canary_and_neutralises_formulas(page, hostile_app_url, stem):
    open_page(page, hostile_app_url, stem, query=APRIL)
    buttons = page.locator('[data-testid="stDownloadButton"] button')
    n = buttons.count()
    assert n >= 2, f"{stem}: expected CSV and XLSX downloads, found {n} download buttons"
    names = []
    lists = 0  # incident-list CSVs among them (the others are charts' data)
    for i in range(n):
        name, data = _download(page, buttons.nth(i))
        names.append(name)
        assert_download_safe(name, data)
        if name.endswith(".csv") and stem != "methodology":
            lines = data.decode("utf-8-sig").splitlines()
            assert lines[0].startswith("#"), "the CSV does not say what it holds"
            rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
            if not rows or "incident_id" not in rows[0]:
                continue  # a chart's data (its numbers, checked safe above), not an incident list
            lists += 1
            ids = {r["incident_id"] for r in rows}
            assert ids & set(HOSTILE_IDS), f"no hostile row in the {stem} download: {ids}"
            if "CRT-H4" in ids:
                assert next(r for r in rows if r["incident_id"] == "CRT-H4")["summary"] == "'" + FORMULA
            for r in rows:
                if r["incident_id"] in CONFIDENTIAL_IDS:
                    assert r["victim"] == WITHHELD and r["summary"] == WITHHELD
    assert any(x.endswith(".csv") for x in names) and any(x.endswith(".xlsx") for x in names), names
    assert stem == "methodology" or lists >= 1, names
    assert_inert(page)


@pytest.mark.browser
def test_table_toolbar_csv_export_neutralises_formulas(page, hostile_app_url):
    """Streamlit's own "Download as CSV" on the incident list is a download too."""
    open_page(page, hostile_app_url, "court", query=APRIL)
    incident_grid(page)  # drawn
    frame = incident_frame(page)
    frame.hover()
    name, data = _download(page, frame.get_by_role("button", name="Download as CSV"))
    assert CANARY.encode() not in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    cells = [c for r in rows[1:] for c in r]
    assert any("HYPERLINK" in c for c in cells), "the formula row is not in the export"
    bad = [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert bad == [], f"formula cells exported as is: {bad}"


@pytest.mark.browser
def test_language_switch_keeps_text_inert(page, hostile_app_url):
    """Event labels are hostile in every language (label_ru = img, label_az = script)."""
    for lang in ("ru", "az"):
        open_page(page, hostile_app_url, query=f"{APRIL}&lang={lang}", lang=lang)
        charts_drawn(page)
        assert_inert(page)
        assert_no_canary(page, f"overview in {lang}")
        assert i18n.t("page.overview", lang) in page.locator(PAGE_HEADER).inner_text()


def test_compile_build_helper_reports_rejects(tmp_path):
    """The harness itself: a clean fixture build has no rejects (so EXPECTED_REJECTS is meaningful)."""
    build = compile_build(tmp_path / "clean")
    assert build.rejects == []
    assert hostile_tables()["sources"][-1]["url"] == JS_URL


@pytest.mark.browser
def test_presentation_mode_keeps_hostile_text_inert(page, hostile_app_url):
    """Presentation mode writes its own HTML (banner, key figures): hostile filter values must stay text."""
    from urllib.parse import quote

    page.goto(f"{hostile_app_url}/?present=1&{APRIL}&outlet={quote(HTML_OUTLET)}")
    nxt = page.locator(".st-key-pfd_present_next button")
    nxt.wait_for()
    wait_idle(page)
    page.locator(".pfd-filters").filter(has_text=HTML_OUTLET).wait_for()  # the banner says the filter, literally
    assert_inert(page)
    assert_no_canary(page, "presentation, key figures")
    for i in range(12):  # every slide (bounded)
        if nxt.count() == 0 or nxt.is_disabled():
            break
        nxt.click()
        wait_idle(page)
        charts_drawn(page)
        assert_inert(page)
        assert_no_canary(page, f"presentation, slide {i + 2}")


@pytest.mark.browser
def test_pages_make_no_third_party_requests(page, hostile_app_url):
    """Viewers may be journalists at risk: a page view must not tell a third party (fonts, CDNs,
    trackers) who looked at what. Everything comes from the dashboard's own server."""
    own = hostile_app_url.rstrip("/")
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((own, "data:", "blob:")) else outside.append(r.url))
    for stem in ("overview", "court", "methodology"):
        open_page(page, hostile_app_url, stem)
        charts_drawn(page)
    assert outside == [], f"requests to other hosts: {sorted(set(outside))}"
