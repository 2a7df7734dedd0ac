"""Real-browser tests (marker ``browser``) and the page helpers they share.

Helpers wait on selectors and on the app's own state (``data-test-script-state`` on the app
root), never on sleeps. Widgets are found by the ``st-key-<key>`` class Streamlit gives every
keyed widget (the keys are set in ``dashboard.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

from pressfreedom import i18n
from pressfreedom.vocab import LANGUAGES

CHART = '[data-testid="stPlotlyChart"]'
CHART_DRAWN = f"{CHART} .main-svg"
BARS = ".barlayer .point path"
EXCEPTION = '[data-testid="stException"]'
METRIC_VALUE = '[data-testid="stMetricValue"]'
METRIC = '[data-testid="stMetric"]'
NAV_LINK = '[data-testid="stSidebarNavLink"]'
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
STALE = '[data-stale="true"]'
SKELETON = '[data-testid="stSkeleton"]'  # an element whose code is still loading
PAGE_HEADER = '[data-testid="stMain"] [data-testid="stHeading"] h2'
TITLE = '[data-testid="stMain"] [data-testid="stHeading"] h1'
DATAFRAME = '[data-testid="stDataFrame"]'


def _page_stems() -> tuple[str, ...]:
    """The pages in the app's order, read from the PAGES list in dashboard.py: the catalogue key's
    name, which is also the page's URL path (pages/third_party.py keeps the address /context)."""
    text = (Path(__file__).resolve().parents[2] / "dashboard.py").read_text(encoding="utf-8")
    text = text[text.index("PAGES = [") : text.index("\n]\n", text.index("PAGES = ["))]  # not the monitors' page
    return tuple(re.findall(r'\(\s*"pages/\w+\.py",\s*"page\.(\w+)"', text))


PAGE_STEMS = _page_stems()
# the pages of the four kinds and the overview: a by-month chart, an incident list and its downloads
CHART_PAGES = ("overview", "assaults", "detentions", "blockings", "court")


def url_path(stem: str) -> str:
    return "" if stem == "overview" else stem


def page_title(stem: str, lang: str = "en") -> str:
    return i18n.t(f"page.{stem}", lang)


def wait_idle(page, timeout: float = 30_000) -> None:
    """The script run has finished, nothing on the page is stale and every element has loaded."""
    page.wait_for_function(
        f"() => document.querySelector('{APP_IDLE}') !== null"
        f" && document.querySelectorAll('{STALE}, {SKELETON}').length === 0",
        timeout=timeout,
        polling=50,  # ms; the default (every animation frame) costs CPU the app needs on 2 cores
    )


def open_page(page, base: str, stem: str = "overview", query: str = "", lang: str = "en") -> None:
    """Load a page by URL and wait until its header is drawn and the run has finished."""
    url = f"{base}/{url_path(stem)}" + (f"?{query}" if query else "")
    page.goto(url)
    page.locator(PAGE_HEADER).filter(has_text=page_title(stem, lang)).wait_for()
    wait_idle(page)


def charts_drawn(page) -> int:
    """Number of Plotly charts; asserts every one of them has drawn its SVG."""
    charts = page.locator(CHART)
    n = charts.count()
    for i in range(n):
        charts.nth(i).locator(".main-svg").first.wait_for()
    return n


def exceptions(page) -> list[str]:
    return page.locator(EXCEPTION).all_inner_texts()


def metrics(page) -> dict[str, str]:
    """KPI label → shown value."""
    out = {}
    cards = page.locator(METRIC)
    for i in range(cards.count()):
        card = cards.nth(i)
        label = card.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = card.locator(METRIC_VALUE).inner_text().strip()
    return out


def combobox(page, key: str):
    return page.locator(f".st-key-{key} input[role=combobox]")


def choose(page, key: str, option: str) -> None:
    """Pick an option of a selectbox/multiselect by its label (typing filters long lists)."""
    box = combobox(page, key)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    if page.locator(f".st-key-{key} [data-testid=stMultiSelect]").count():  # a multiselect stays open
        page.keyboard.press("Escape")


def selected_value(page, key: str) -> str:
    return combobox(page, key).input_value()


def incident_frame(page):
    """The page's incident list: the first st.dataframe after the "incidents behind the numbers" heading.

    (Found by its place, not its content: the grid fills its accessible table only once in view.)
    """
    titles = " or ".join(f"normalize-space(.)={_xpath_literal(i18n.t('list.title', lg))}" for lg in LANGUAGES)
    return page.locator(
        f"xpath=//h3[{titles}]/ancestor::div[@data-testid='stElementContainer'][1]"
        "/following-sibling::div//div[@data-testid='stDataFrame']"
    ).first


def _xpath_literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ', "\'", '.join(f"'{p}'" for p in text.split("'")) + ")"


def incident_grid(page):
    """The accessible table of the page's incident list.

    Glide draws the grid on a canvas and keeps an accessible table of the rows and columns in
    view; ``aria-rowcount`` always holds the full row count (plus the header row).
    """
    frame = incident_frame(page)
    frame.scroll_into_view_if_needed()
    table = frame.locator('table[role="grid"]')
    table.wait_for(state="attached")
    return table


def expect_rows(page, n: int, timeout: float = 30_000) -> None:
    """Wait until the incident list holds n rows (the grid redraws just after the script run)."""
    from playwright.sync_api import expect

    expect(incident_grid(page)).to_have_attribute("aria-rowcount", str(n + 1), timeout=timeout)


def grid_rowcount(page) -> int:
    """Rows of the incident list (the header row is not counted)."""
    return int(incident_grid(page).get_attribute("aria-rowcount")) - 1


def grid_column(page, col: int = 1) -> list[str]:
    """The cells of a column of the incident list (1-based column index; the rows drawn)."""
    return incident_grid(page).locator(f'tbody td[aria-colindex="{col}"]').all_text_contents()


def grid_ids(page) -> list[str]:
    """The incident ids listed, sorted (the fixture lists are short enough to be drawn whole)."""
    return sorted(grid_column(page, 1))


def metric_value(page, label: str):
    """The value locator of the KPI card with this label."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    return (
        page.locator(METRIC)
        .filter(has=page.locator('[data-testid="stMetricLabel"]', has_text=exact))
        .locator(METRIC_VALUE)
    )


def query_of(url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).query))


def lang_label(code: str) -> str:
    assert code in LANGUAGES
    return i18n.t(f"lang.{code}", code)
