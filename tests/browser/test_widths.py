"""Every page and the offline report at a phone, a tablet and a small projector's width (issue 18).

On the shipped data (what a donor opens from a link), in en/ru/az, at 390 × 844, 768 × 1024 and
1024 × 768: the page never scrolls sideways (a table may, inside itself), no chart text runs past
its chart's edges, no two chart texts overlap (tick labels among themselves aside: plotly thins
those itself), the first key figure is above the fold, and a phone opens with the filters closed.
Boxes are measured in the rendered SVG, as the projector tests do. Screenshots of every view are
left in test-artifacts/screenshots/widths/.
"""

from __future__ import annotations

import pytest

from pressfreedom import i18n
from pressfreedom.paths import processed_dir
from pressfreedom.vocab import LANGUAGES
from tests.browser import METRIC, PAGE_STEMS, charts_drawn, exceptions, page_title, url_path, wait_idle
from tests.browser.conftest import LOGS, SCREENSHOTS
from tools.concurrency import AppServer

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "tablet": (768, 1024), "projector": (1024, 768)}
SHOTS = SCREENSHOTS / "widths"

# What a reader would see as broken, per drawn chart (each .js-plotly-plot): a text outside the
# chart's box, two texts on top of each other (tick labels among themselves excepted; legend
# entries are measured by their whole row: text and swatch). Texts hidden by plotly (display:none,
# zero size) are left out, and so is the hover layer.
CHART_TEXTS_JS = """() => {
  const out = [];
  const visible = e => { const s = getComputedStyle(e); return s.display !== 'none' && s.visibility !== 'hidden'
                          && s.opacity !== '0' && !e.closest('.hoverlayer'); };
  document.querySelectorAll('.js-plotly-plot').forEach((gd, k) => {
    const c = gd.getBoundingClientRect();
    if (c.width === 0) return;
    const name = (gd.querySelector('.gtitle') || {textContent: 'chart ' + k}).textContent.slice(0, 40);
    const box = (e, kind) => { const r = e.getBoundingClientRect();
      return {t: e.textContent.trim().slice(0, 40), kind, l: r.left, r: r.right, top: r.top, b: r.bottom}; };
    const texts = [];
    gd.querySelectorAll('text').forEach(e => {
      if (!e.textContent.trim() || !visible(e)) return;
      const kind = e.closest('.xtick, .ytick, .x2tick, .y2tick') ? 'tick' : e.closest('.legend') ? 'legend' : 'text';
      const b = box(e, kind);
      if (b.r - b.l > 0 && b.b - b.top > 0) texts.push(b);
    });
    for (const x of texts)
      if (x.l < c.left - 1 || x.r > c.right + 1)
        out.push(`${name}: "${x.t}" runs past the chart's ${x.l < c.left - 1 ? 'left' : 'right'} edge`
                 + ` (${Math.round(x.l - c.left)}..${Math.round(x.r - c.left)} of ${Math.round(c.width)} px)`);
    const gap = 1;
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i], b = texts[j];
      if (a.kind === 'tick' && b.kind === 'tick') continue;
      if (a.kind === 'legend' && b.kind === 'legend') continue;  // measured as rows below
      if (a.l < b.r - gap && b.l < a.r - gap && a.top < b.b - gap && b.top < a.b - gap)
        out.push(`${name}: "${a.t}" overlaps "${b.t}"`);
    }
    const items = [...gd.querySelectorAll('.legend .traces')].map(e => box(e, 'legend'));
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
      const a = items[i], b = items[j];
      if (a.l < b.r - gap && b.l < a.r - gap && a.top < b.b - gap && b.top < a.b - gap)
        out.push(`${name}: legend entries "${a.t}" and "${b.t}" overlap`);
    }
  });
  return out;
}"""

# (a phone's layout viewport grows to the content: window.innerWidth says how wide the page became,
# the root's clientWidth how wide the screen is)
PAGE_JS = """() => ({
  scroll: Math.max(document.documentElement.scrollWidth, window.innerWidth), inner: document.documentElement.clientWidth,
  wide: [...document.querySelectorAll('body *')].filter(e => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.right > document.documentElement.clientWidth + 1 && !e.closest('[data-testid="stDataFrame"]')
             && !e.closest('[data-testid="stSidebar"]') && getComputedStyle(e).position !== 'fixed';
    }).slice(0, 5).map(e => (e.getAttribute('data-testid') || e.tagName) + ' ' + Math.round(e.getBoundingClientRect().right)),
})"""


# the width the page measured (webapp.app.viewport) is the one the server laid the charts out for
LAID_OUT_JS = """() => { const w = document.documentElement.dataset.pfdWidth;
  return w !== undefined && [...document.querySelectorAll('.pfd-width')].some(e => e.dataset.width === w); }"""


def full_screenshot(page, path) -> None:
    """The whole page (Streamlit scrolls inside its main area, so a full-page screenshot would
    hold one screen): the window made as tall as the page for the picture, then put back."""
    size = page.viewport_size
    tall = page.evaluate("() => (document.querySelector('[data-testid=stMain]') || document.body).scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(tall) + 40, 9000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def layout_problems(page) -> list[str]:
    """Sideways scrolling and chart texts cut or overlapping, in words (empty: none)."""
    found = page.evaluate(CHART_TEXTS_JS)
    p = page.evaluate(PAGE_JS)
    if p["scroll"] > p["inner"] + 1:
        found.append(f"the page scrolls sideways: {p['scroll']} px wide in a {p['inner']} px window ({p['wide']})")
    return found


@pytest.fixture(scope="module")
def shipped_url(browser):
    """The app on the shipped data (``make test`` compiles it first), warmed up once."""
    if not (processed_dir() / "manifest.json").is_file():
        pytest.fail("the shipped data is not compiled: run `make data` (make test does)", pytrace=False)
    LOGS.mkdir(parents=True, exist_ok=True)
    server = AppServer(processed_dir(), log_path=LOGS / "streamlit-widths.log")
    server.start(timeout=90)
    try:
        yield server.url
    finally:
        server.stop()


def _context(browser, size: str):
    w, h = SIZES[size]
    mobile = size == "phone"
    return browser.new_context(
        viewport={"width": w, "height": h}, is_mobile=mobile, has_touch=mobile, device_scale_factor=1, locale="en-GB"
    )


def _wait_charts_settled(page) -> None:
    """Charts drawn and no longer changing size (a first run lays them out before the width is known)."""
    charts_drawn(page)
    page.wait_for_function(
        """() => new Promise(resolve => {
          const sizes = () => [...document.querySelectorAll('.js-plotly-plot .main-svg')].map(
            s => s.getBoundingClientRect().width + 'x' + s.getBoundingClientRect().height).join();
          let last = sizes(), still = 0;
          const tick = () => { const now = sizes(); still = now === last ? still + 1 : 0; last = now;
                               if (still >= 8) resolve(true); else setTimeout(tick, 60); };
          setTimeout(tick, 60);
        })""",
        timeout=30_000,
    )
    wait_idle(page)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_reads_well_at_this_width(browser, shipped_url, size, lang):
    """One session per width and language walks every page by URL (the filters' defaults)."""
    context = _context(browser, size)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    problems: dict[str, list[str]] = {}
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        for i, stem in enumerate(PAGE_STEMS):
            page.goto(f"{shipped_url}/{url_path(stem)}?lang={lang}")
            page.locator('[data-testid="stMain"] [data-testid="stHeading"] h2').filter(
                has_text=page_title(stem, lang)
            ).wait_for(timeout=60_000)
            wait_idle(page)
            # the page reports its width; the run that follows lays the charts out for it
            page.wait_for_function(LAID_OUT_JS, timeout=30_000, polling=100)
            wait_idle(page)
            if page.locator('[data-testid="stPlotlyChart"]').count():
                try:
                    _wait_charts_settled(page)
                except Exception as e:
                    page.screenshot(path=str(SHOTS / f"{stem}-{lang}-{size}-not-drawn.png"))
                    raise AssertionError(f"{stem} ({lang}, {size}): the charts were not drawn: {e}") from e
            if i == 0 and size == "phone":
                # a phone opens with the filters closed: the page, not the sidebar, is what one sees
                sidebar = page.locator('[data-testid="stSidebar"]')
                assert sidebar.get_attribute("data-collapsed") == "true", "the sidebar is open on a phone"
            metric = page.locator(METRIC)
            if metric.count():
                box = metric.first.bounding_box()
                assert box is not None and box["y"] + box["height"] <= SIZES[size][1], (
                    f"{stem}: the first key figure is below the fold ({box})"
                )
            assert exceptions(page) == [], f"{stem}: {exceptions(page)[0][:300]}"
            found = layout_problems(page)
            if found:
                problems[stem] = found
            full_screenshot(page, SHOTS / f"{stem}-{lang}-{size}.png")
    finally:
        context.close()
    assert errors == [], errors
    assert problems == {}, "\n".join(f"{stem} ({lang}, {size}): {p}" for stem, ps in problems.items() for p in ps)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_offline_report_reads_well_at_every_width(browser, tmp_path, lang):
    """The report of the default view, as e-mailed, opened from a file at each width."""
    from pressfreedom.documents.compose import make_report
    from pressfreedom.query import Query

    if not (processed_dir() / "manifest.json").is_file():
        pytest.fail("the shipped data is not compiled: run `make data` (make test does)", pytrace=False)
    q = Query(processed_dir())
    f = q.default_filters(lang=lang)
    path = tmp_path / f"report-{lang}.html"
    path.write_bytes(make_report(q, f, events=True))
    problems = []
    for size in SIZES:
        context = _context(browser, size)
        page = context.new_page()
        try:
            page.goto(path.as_uri())
            page.locator(".js-plotly-plot .main-svg").first.wait_for()
            _wait_charts_settled_static(page)
            problems += [f"{size}: {p}" for p in layout_problems(page)]
            page.screenshot(path=str(SHOTS / f"report-{lang}-{size}.png"), full_page=True)
        finally:
            context.close()
    assert problems == [], "\n".join(problems)


def _wait_charts_settled_static(page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].every(g => g.querySelector('.main-svg'))"
    )
    page.wait_for_timeout(300)  # (a static file: no script state to wait on; plotly's resize is synchronous)


def test_the_checks_see_what_they_look_for(browser):
    """The layout checks on a hand-made page: a text past a chart's edge, two overlapping texts
    and a page wider than the window are each reported; a clean chart is not."""
    context = _context(browser, "phone")
    page = context.new_page()
    try:
        page.set_content(
            """<meta name="viewport" content="width=device-width, initial-scale=1">
            <div class="js-plotly-plot" style="position:absolute;left:0;top:0;width:300px;height:200px">
            <svg class="main-svg" width="300" height="200">
              <g class="gtitle-wrap"><text class="gtitle" x="5" y="20">Title</text></g>
              <text x="250" y="60">runs past the right edge</text>
              <text x="10" y="100">first label</text><text x="20" y="100">second label</text>
              <g class="xtick"><text x="10" y="150">Jan</text></g><g class="xtick"><text x="14" y="150">Feb</text></g>
            </svg></div><div style="position:absolute;top:300px;width:900px;height:10px"></div>"""
        )
        found = layout_problems(page)
        assert any("runs past the chart's right edge" in p for p in found), found
        assert any('"first label" overlaps "second label"' in p for p in found), found
        assert not any("Jan" in p and "Feb" in p for p in found), found  # tick labels among themselves
        assert any("scrolls sideways" in p for p in found), found
        page.set_content(
            """<meta name="viewport" content="width=device-width, initial-scale=1">
            <div class="js-plotly-plot" style="width:300px;height:200px"><svg class="main-svg" width="300"
            height="200"><text x="5" y="20">Title</text><text x="5" y="60">fits</text></svg></div>"""
        )
        assert layout_problems(page) == []
    finally:
        context.close()
    assert i18n.t("page.overview", "en")  # (the catalogue is loaded: page titles are looked up by key)
