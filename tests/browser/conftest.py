"""Real-browser harness: fixture builds, one ``streamlit run`` per build, Debian's Chromium.

- ``app_url``: the app on a free loopback port over the fixture build (tests/fixtures.py).
- ``hostile_build`` / ``hostile_app_url``: the same data plus rows whose text is hostile (HTML,
  script, Markdown links to ``javascript:``, formulas) and confidential rows naming the canary.
- ``browser``: one headless Chromium for the session (``/usr/bin/chromium`` via playwright.sync_api;
  never a downloaded browser). Without it the tests skip locally and FAIL when ``CI`` is set.
- ``page``: a fresh context per test that records dialogs, page errors and every websocket frame,
  and leaves a screenshot in ``test-artifacts/screenshots/`` at the end of the test.

Servers are stopped by their PID (their own process group) at the end of the session.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pressfreedom.paths import ARTIFACTS_DIR
from tests import fixtures
from tools.concurrency import CHROMIUM, AppServer, chromium_available, launch_chromium

SCREENSHOTS = ARTIFACTS_DIR / "screenshots"
EXPECT_TIMEOUT_MS = 30_000  # for expect(): the app reruns on a loaded 2-core machine
LOGS = ARTIFACTS_DIR / "logs"

# -- hostile text ------------------------------------------------------------------------------
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
MD_LINK = "[click](javascript:alert(3))"
BOLD = "**bold**"
HTML_OUTLET = "<b>x</b>"
EVENT_LINK = '<a href="javascript:alert(4)">war</a>'
FORMULA = '=HYPERLINK("https://evil.example/","click me")'
JS_URL = "javascript:alert(6)"
HOSTILE_TEXTS = (SCRIPT, IMG, MD_LINK, BOLD, HTML_OUTLET)

# rows the hostile build must compile (security tests are vacuous if the ETL dropped them)
HOSTILE_IDS = ("ASL-H1", "DET-H2", "BLK-H3", "CRT-H4")
CONFIDENTIAL_IDS = ("DET-2", "ASL-C1")  # counted in the public build, never named
# rows the ETL must reject: (file, id) — a javascript: URL and a confidential row with a bad date
EXPECTED_REJECTS = {("sources.csv", "src-js"), ("detentions.csv", "DET-C3")}


def _incident(**kw) -> dict:
    base = dict(
        victim_role="journalist",
        location="Baku",
        perpetrator="unknown",
        source_ids="src-h",
        source_locators="Page 1",
        confidential="false",
    )
    base.update(kw)
    return base


def hostile_tables() -> dict[str, list[dict]]:
    """write_raw overrides: the fixture tables plus hostile and confidential rows (all in 2020)."""
    t = {name: fixtures.rows(name) for name in fixtures.TABLES}
    canary = fixtures.CANARY
    t["sources"] += [
        dict(
            source_id="src-h",
            title=f"Report {HTML_OUTLET} {SCRIPT}",
            publisher=IMG,
            published_on="2021-01-15",
            url="https://example.org/h?q=1&r=2",
            language="en",
            coverage_start="2020-01-01",
            coverage_end="2020-12-31",
            notes=MD_LINK,
        ),
        dict(
            source_id="src-js",
            title="Source with a javascript: URL",
            publisher="Fixture NGO",
            url=JS_URL,
            language="en",
        ),
    ]
    t["people"] += [dict(person_id="P-H1", name=IMG, aliases=SCRIPT, role="journalist", notes=MD_LINK)]
    t["assaults"] += [
        _incident(
            incident_id="ASL-H1",
            date="2020-04-10",
            victim=SCRIPT,
            outlet=HTML_OUTLET,
            location=BOLD,
            summary=IMG,
            notes=MD_LINK,
            assault_type="beating",
            context="protest",
            injured="yes",
            equipment_damaged_or_seized="unknown",
        ),
        _incident(  # confidential: every identifying field names the canary
            incident_id="ASL-C1",
            date="2020-04-12",
            victim=canary,
            person_id="P-9",
            victim_role="activist",
            outlet=f"{canary} Weekly",
            location=f"{canary} street 1",
            summary=f"{canary} was beaten.",
            source_locators=f"Case of {canary}",
            notes=f"{canary}: contact via lawyer",
            confidential="true",
            assault_type="beating",
            context="unknown",
            injured="yes",
            equipment_damaged_or_seized="unknown",
        ),
    ]
    t["detentions"] += [
        _incident(
            incident_id="DET-H2",
            date="2020-04-20",
            victim=MD_LINK,
            outlet=HTML_OUTLET,
            location=IMG,
            summary=f"{SCRIPT} {BOLD}",
            notes=SCRIPT,
            detention_type="short_detention",
        ),
        _incident(  # confidential and rejected (bad date): rejects.csv must not name the canary
            incident_id="DET-C3",
            date="2020-13-45",
            victim=canary,
            person_id="P-9",
            victim_role="activist",
            summary=f"{canary} detained again.",
            location=f"{canary} street 1",
            confidential="true",
            detention_type="short_detention",
        ),
    ]
    t["blockings"] += [
        _incident(
            incident_id="BLK-H3",
            date="2020-04-05",
            victim=IMG,
            victim_role="website",
            location=SCRIPT,
            summary=MD_LINK,
            blocking_type="court_ordered_block",
            domain="hostile.example",
            blocked_from="2020-04-05",
            status_as_of="2020-12-31",
            basis=SCRIPT,
        ),
    ]
    t["court_outcomes"] += [
        _incident(
            incident_id="CRT-H4",
            date="2020-04-25",
            victim=BOLD,
            outlet=HTML_OUTLET,
            summary=FORMULA,
            perpetrator="court",
            outcome="fine",
            court=SCRIPT,
            charge=IMG,
            fine_amount="100",
            fine_currency="AZN",
        ),
    ]
    t["events"] += [
        dict(
            event_id="EV-H",
            kind="election",
            start="2020-04-01",
            label_en=EVENT_LINK,
            label_ru=IMG,
            label_az=SCRIPT,
            source_ids="src-h",
            source_locators=MD_LINK,
        )
    ]
    return t


# -- builds and servers ------------------------------------------------------------------------


@dataclass
class CompiledBuild:
    root: Path  # holds raw/ and the published processed/ (with its hidden builds folder)
    raw: Path
    out: Path  # the published symlink the app reads
    rejects: list[dict] = field(default_factory=list)

    def public_files(self) -> list[Path]:
        """Every file the ETL wrote for the public build (all builds beside the symlink)."""
        return sorted(p for p in self.root.rglob("*") if p.is_file() and self.raw not in p.parents)


def compile_build(root: Path, **overrides: list[dict]) -> CompiledBuild:
    import csv

    out = fixtures.compiled(root, **overrides)
    raw = root / "raw"
    with open(out / "rejects.csv", newline="", encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    return CompiledBuild(root=root, raw=raw, out=out, rejects=rejects)


def _need_chromium() -> None:
    """Skip (locally) or fail (CI) when the browser stack is missing: CI never passes by skipping."""
    problem = None
    if not chromium_available():
        problem = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium; never `playwright install`)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as e:
            problem = f"the playwright package is missing ({e}); pip install -r requirements.txt"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {problem}", pytrace=False)
        pytest.skip(f"browser tests skipped: {problem}")


def fresh_server(build: Path, name: str) -> AppServer:
    """A server of its own, not warmed up (for tests of what happens right after a start)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    server = AppServer(build, log_path=LOGS / f"streamlit-{name}.log")
    server.start(timeout=90)
    return server


def _serve(build: Path, name: str, browser=None):
    """Start the app on ``build``; with ``browser``, view the overview once in a throwaway session.

    The warm-up fills the caches, and it takes the hit of a Streamlit 1.67 quirk: on a freshly started
    server the first session's first interaction resets the sidebar's widgets (a ``pages/`` folder
    beside an entry that uses ``st.navigation``). test_pages.py checks that quirk on a server of its
    own, so every other test gets a server in its steady state whatever the test order.
    """
    LOGS.mkdir(parents=True, exist_ok=True)
    server = AppServer(build, log_path=LOGS / f"streamlit-{name}.log")
    server.start(timeout=90)
    if browser is not None:
        try:
            warm = new_page(browser)
            try:
                warm.goto(server.url)
                warm.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=90_000)
            finally:
                warm.context.close()
        except Exception:
            server.stop()
            raise
    return server


@pytest.fixture(scope="session")
def browser_build(tmp_path_factory) -> CompiledBuild:
    return compile_build(tmp_path_factory.mktemp("browser-build"))


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory) -> CompiledBuild:
    return compile_build(tmp_path_factory.mktemp("hostile-build"), **hostile_tables())


@pytest.fixture(scope="session")
def app_url(browser_build, browser):
    server = _serve(browser_build.out, "fixture", browser)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def hostile_app_url(hostile_build, browser):
    server = _serve(hostile_build.out, "hostile", browser)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    _need_chromium()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    pw = sync_playwright().start()
    try:
        b = launch_chromium(pw.chromium)
        try:
            yield b
        finally:
            b.close()
    finally:
        pw.stop()


@dataclass
class Recorder:
    """What a page did besides drawing: dialogs, JS errors, bytes received over the websocket."""

    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    ws_frames: list[bytes] = field(default_factory=list)

    def received(self) -> bytes:
        return b"\n".join(self.ws_frames)


def _frame_bytes(payload) -> bytes:
    return payload if isinstance(payload, bytes) else str(payload).encode("utf-8")


def new_page(browser, recorder: Recorder | None = None):
    """A fresh browser context (own session) with a recorder attached."""
    rec = recorder or Recorder()
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="en-GB")
    # Streamlit's table export uses the File System Access API when present (a save dialog
    # Playwright cannot see); without it the export is an ordinary download.
    context.add_init_script("try { delete window.showSaveFilePicker } catch (e) {}")
    context.set_default_timeout(30_000)
    page = context.new_page()

    def on_dialog(dialog):
        rec.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: rec.page_errors.append(str(e)))
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: rec.ws_frames.append(_frame_bytes(payload))))
    page.recorder = rec
    return page


def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:150]


@pytest.fixture
def page(browser, request):
    p = new_page(browser)
    try:
        yield p
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        try:
            p.screenshot(path=str(SCREENSHOTS / f"{_safe_name(request.node.nodeid)}.png"))
        except Exception:  # a broken page must not hide the test's own failure
            pass
        p.context.close()


@pytest.fixture
def new_browser_page(browser, request):
    """Factory for extra, independent sessions in one test (closed at the end)."""
    pages = []

    def make():
        pg = new_page(browser)
        pages.append(pg)
        return pg

    yield make
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for i, pg in enumerate(pages):
        try:
            pg.screenshot(path=str(SCREENSHOTS / f"{_safe_name(request.node.nodeid)}-{i + 1}.png"))
        except Exception:
            pass
        pg.context.close()
