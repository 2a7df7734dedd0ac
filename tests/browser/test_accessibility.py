"""Accessibility (WCAG 2.1 AA) in a real browser: axe-core on every page, the keyboard, the charts.

- axe-core (axe-playwright-python, pinned in requirements-dev.txt; it bundles axe-core) on every page
  in en, ru and az, in presentation mode (every slide) and with a "Which incidents?" popover open:
  no serious or critical violation, except those listed in ``EXCEPTIONS`` below with their reason.
- Keyboard only: the filters, the period, a card's incidents and a download, with Tab, Shift+Tab,
  Enter, Space and the arrow keys (no mouse).
- Charts (axe skips Plotly's SVG): each has an accessible name (its title and a one-line summary),
  and the numbers behind it (a data table or a download) come next in tab order.

docs/accessibility.md says what axe found first and how each finding was fixed.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from pressfreedom import i18n
from pressfreedom.vocab import LANGUAGES
from tests.browser import CHART, PAGE_STEMS, charts_drawn, open_page, url_path, wait_idle

# -- the one place for exceptions ---------------------------------------------------------------
# (axe rule id, a fragment of the node's CSS selector or HTML) -> why it cannot be fixed from the app.
# A violation is let through only when both match. Keep this empty unless a finding sits inside one
# of Streamlit's own widgets and no setting, CSS or argument of the app can change it.
EXCEPTIONS: dict[tuple[str, str], str] = {}

GATED_IMPACTS = ("serious", "critical")
PRESENT_NEXT = ".st-key-pfd_present_next button"
POPOVER_BUTTON = '[data-testid="stPopover"] button'
POPOVER_BODY = '[data-testid="stPopoverBody"]'

_axe = None


def axe():
    global _axe
    if _axe is None:
        try:
            from axe_playwright_python.sync_playwright import Axe
        except ImportError as e:  # the browser stack is there (the fixture checked), the pinned dev tool is not
            pytest.fail(f"axe-playwright-python is missing ({e}): pip install -r requirements-dev.txt", pytrace=False)
        _axe = Axe()
    return _axe


def _excepted(rule: str, node: dict) -> bool:
    where = " ".join(map(str, node.get("target", []))) + " " + node.get("html", "")
    return any(rule == r and frag in where for (r, frag) in EXCEPTIONS)


def violations(page, view: str) -> list[str]:
    """Serious and critical axe findings on the page as it is now, one line per node (minus exceptions)."""
    result = axe().run(page)
    out = []
    for v in result.response["violations"]:
        if v.get("impact") not in GATED_IMPACTS:
            continue
        for node in v["nodes"]:
            if _excepted(v["id"], node):
                continue
            summary = " ".join(node.get("failureSummary", "").split())[:220]
            out.append(f"{view}: {v['id']} ({v['impact']}) {node.get('html', '')[:120]} — {summary}")
    return out


def _report(found: list[str]) -> str:
    return f"{len(found)} serious/critical axe findings:\n" + "\n".join(found)


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_every_page(page, app_url, lang):
    found = []
    for stem in PAGE_STEMS:
        open_page(page, app_url, stem, query=f"lang={lang}", lang=lang)
        charts_drawn(page)
        found += violations(page, f"{stem} [{lang}]")
    assert not found, _report(found)


def _position(page, lang: str, i: int, n: int):
    """The "i / n" label of presentation mode."""
    text = i18n.t("present.position", lang, i=i, n=n)
    return page.locator("[data-testid=stMarkdownContainer] strong").filter(has_text=re.compile(rf"^{re.escape(text)}$"))


def _slide_count(page, lang: str) -> int:
    pattern = re.escape(i18n.t("present.position", lang, i=1, n=999)).replace("999", r"(\d+)")
    label = page.locator("[data-testid=stMarkdownContainer] strong").filter(has_text=re.compile(rf"^{pattern}$"))
    return int(re.match(pattern, label.first.inner_text()).group(1))


@pytest.mark.browser
def test_axe_presentation_mode(page, app_url):
    """Every page opened with ?present=1 (each opens at its own slide), then every slide in turn."""
    found = []
    for stem in PAGE_STEMS:
        page.goto(f"{app_url}/{url_path(stem)}?present=1")
        page.locator(PRESENT_NEXT).wait_for()
        wait_idle(page)
        found += violations(page, f"{stem} [present]")
    page.goto(f"{app_url}/?present=1&lang=ru")
    page.locator(PRESENT_NEXT).wait_for()
    wait_idle(page)
    n = _slide_count(page, "ru")
    for i in range(1, n + 1):
        if i > 1:
            page.keyboard.press("ArrowRight")
            expect(_position(page, "ru", i, n)).to_have_count(1)
            wait_idle(page)
        charts_drawn(page)
        found += violations(page, f"slide {i}/{n} [present, ru]")
    assert n >= 2
    assert not found, _report(found)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "az"])
def test_axe_with_a_drill_down_open(page, app_url, lang):
    """The overview with a "Which incidents?" popover open (its table of incidents on top)."""
    open_page(page, app_url, query=f"lang={lang}&from=2020-01&to=2020-12", lang=lang)
    button = page.locator(POPOVER_BUTTON).filter(has_text=i18n.t("kpi.which", lang)).first
    button.click()
    body = page.locator(POPOVER_BODY).first
    body.wait_for()
    # (opening it starts a run that fills it: wait for its table, not only for the run that may not have begun)
    expect(body.locator('[data-testid="stDataFrame"]')).to_have_count(1)
    wait_idle(page)
    found = violations(page, f"overview + popover [{lang}]")
    assert not found, _report(found)


# -- keyboard only --------------------------------------------------------------------------------

FOCUSED_IN = "(sel) => { const a = document.activeElement; return !!(a && a.closest(sel)); }"


def tab_to(page, selector: str, back: bool = False, limit: int = 300) -> int:
    """Press Tab (Shift+Tab with ``back``) until the focus is inside ``selector``; the presses it took."""
    key = "Shift+Tab" if back else "Tab"
    for n in range(1, limit + 1):
        page.keyboard.press(key)
        if page.evaluate(FOCUSED_IN, selector):
            return n
    where = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 200)")
    pytest.fail(f"{limit} × {key} never reached {selector}; the focus is on {where}")


@pytest.mark.browser
def test_keyboard_only_filters_period_drill_down_and_download(page, app_url):
    """Filters, the period, the incidents behind a card and a download, with the keyboard alone."""
    from urllib.parse import parse_qs, urlsplit

    open_page(page, app_url)
    charts_drawn(page)
    before = parse_qs(urlsplit(page.url).query).get("to", [""])[0]
    # 1. the filters: Tab into the sidebar's "To" month, open it, one month back, Enter
    tab_to(page, ".st-key-w_to")
    page.keyboard.press("ArrowDown")  # opens the list on the chosen month
    page.get_by_role("listbox").first.wait_for()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(b) => new URLSearchParams(location.search).get('to') !== b && new URLSearchParams(location.search).get('to')",
        arg=before,
    )
    wait_idle(page)
    after = parse_qs(urlsplit(page.url).query)["to"][0]
    assert before and after < before, f"the period did not move back: {before!r} -> {after!r}"
    # Shift+Tab goes back through the filters (the "From" month is just before "To")
    tab_to(page, ".st-key-w_from", back=True, limit=5)
    # 2. the incidents behind a card: Tab to its "Which incidents?" button, Enter opens the popover
    tab_to(page, POPOVER_BUTTON)
    page.keyboard.press("Enter")
    body = page.locator(POPOVER_BODY).first
    body.wait_for()
    wait_idle(page)
    expect(body.locator('[data-testid="stDataFrame"]')).to_have_count(1)
    page.keyboard.press("Escape")  # closes it; the focus goes back to its button
    body.wait_for(state="detached")
    # 3. a download: Tab on to the incident list's CSV button, Space presses it
    tab_to(page, ".st-key-csv-overview")
    with page.expect_download() as info:
        page.keyboard.press("Space")
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".csv")
    assert open(download.path(), "rb").read().strip(), "the downloaded CSV is empty"


# -- charts ---------------------------------------------------------------------------------------

LAST_FOCUSABLE_IN = """(chart) => {
  const sel = 'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';
  const all = [...chart.querySelectorAll(sel)];
  if (!all.length) return false;
  all[all.length - 1].focus();
  return document.activeElement === all[all.length - 1];
}"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "az"])
def test_every_chart_has_a_name_and_its_numbers_next_in_tab_order(page, app_url, lang):
    """axe skips Plotly's SVG: each chart is a figure named by its title and a one-line summary,
    and Tab from the chart goes to the CSV of its numbers."""
    seen = 0
    problems = []
    for stem in PAGE_STEMS:
        open_page(page, app_url, stem, query=f"lang={lang}", lang=lang)
        n = charts_drawn(page)
        for i in range(n):
            chart = page.locator(CHART).nth(i)
            chart.scroll_into_view_if_needed()
            title = " ".join(chart.locator(".gtitle").first.text_content().split())
            name = chart.get_attribute("aria-label") or ""
            where = f"{stem} [{lang}] chart {i + 1} ({title[:40]!r})"
            if chart.get_attribute("role") != "figure":
                problems.append(f"{where}: role is {chart.get_attribute('role')!r}, not figure")
            # (the drawn title's lines are tspans: their text joins without spaces)
            squeeze = lambda text: re.sub(r"\s", "", text)  # noqa: E731
            if not squeeze(name).startswith(squeeze(title).rstrip(".")) or len(name) < len(title) + 10:
                problems.append(f"{where}: accessible name {name!r} is not its title and a summary")
            if "\n" in name or "<" in name:
                problems.append(f"{where}: accessible name is not one line of text: {name!r}")
            key = page.evaluate(
                "(c) => [...c.closest('[data-testid=stElementContainer]').classList]"
                ".find(k => k.startsWith('st-key-'))",
                chart.element_handle(),
            )
            if not key:
                problems.append(f"{where}: no key (its data button cannot be named)")
                continue
            button = f".st-key-img-{key.removeprefix('st-key-').removeprefix('chart-')}-csv"
            if not chart.evaluate(LAST_FOCUSABLE_IN):
                problems.append(f"{where}: nothing focusable in the chart")
                continue
            page.keyboard.press("Tab")
            if not page.evaluate(FOCUSED_IN, button):
                got = page.evaluate("() => document.activeElement.outerHTML.slice(0, 160)")
                problems.append(f"{where}: Tab after the chart goes to {got}, not its data ({button})")
            seen += 1
    assert seen >= 8, f"only {seen} charts checked"
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_a_charts_data_download_holds_its_numbers(page, app_url):
    import csv
    import io

    open_page(page, app_url, "assaults", query="from=2020-01&to=2020-12")
    charts_drawn(page)
    button = page.locator(".st-key-img-assaults-context-csv button")
    with page.expect_download() as info:
        button.focus()
        page.keyboard.press("Enter")
    text = open(info.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text.split("\n", 1)[1])))
    assert rows[0] == ["series", "label", "value"]
    assert sum(float(r[2]) for r in rows[1:] if r[2]) >= 1
