"""`python -m bench ui [--rows N] [--repeat K]`: what the audience waits for, as a ratio to a hello-world app.

Headless Debian Chromium (``/usr/bin/chromium`` through Playwright, never a downloaded browser)
drives two Streamlit servers on 127.0.0.1: the reference app (``bench/reference_app``: two
``st.navigation`` pages, one Plotly chart each) and the dashboard, over the shipped build
(``data/processed``) or, with ``--rows N``, an N-incident synthetic build over ten years
(``bench.synth`` → ``python -m etl``, read through ``PFD_PROCESSED_DIR``). Each repeat starts both
servers afresh and runs every phase for one app and then the other, the order alternating between
repeats, so both meet the same load on a shared machine:

- ``cold_start``: process start → the first chart drawn (the page is opened once ``/_stcore/health``
  answers, polled every 25 ms);
- ``new_tab``: a new tab on the warm server (same browser context) → the first chart drawn;
- ``page_switch``: a click on a sidebar link → the new page's run finished, nothing stale, every chart
  drawn (every page in the sidebar's order, ``--rounds`` rounds per repeat);
- ``filter_change`` (dashboard only): a new period ("From" a year earlier) and a kind on the overview
  → the charts redrawn; compared with the reference's page switch;
- ``language_switch`` (dashboard only): en → ru → az → en on the overview → redrawn; compared with
  the reference's page switch.

Times come from the page's own clock: an init script records when the user's pointer went down, when
each script run started and finished (``data-test-script-state``) and when any chart's DOM last
changed (MutationObserver). An action ends at the later of "run finished" and "last chart change",
once nothing has changed for 300 ms, so the waiting itself adds nothing to the figure. Every wait is
bounded (``--timeout``). Prints JSON: each figure's min/median/max over the repeats, each ratio to
the reference's same measure (medians), the repeat count, the load average and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tools.concurrency import AppServer

ROOT = Path(__file__).resolve().parents[1]

REFERENCE_SCRIPT = ROOT / "bench" / "reference_app" / "app.py"
DASHBOARD_SCRIPT = ROOT / "dashboard.py"
ARTIFACTS = ROOT / "test-artifacts" / "bench-ui"

CHART = '[data-testid="stPlotlyChart"]'
NAV_LINK = '[data-testid="stSidebarNavLink"]'
PAGE_HEADER = '[data-testid="stMain"] [data-testid="stHeading"] h2'
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
BUSY = '[data-stale="true"], [data-testid="stSkeleton"]'
EXCEPTION = '[data-testid="stException"]'
QUIET_MS = 300  # an action has ended when nothing has changed for this long
MIN_REPEAT = 5

# Installed in every page before the app's own code runs. All times are performance.now() (ms):
# the user's pointer press after arming, the last script-state change (data-test-script-state; a
# very short run may never show "running"), the last message from the server, the last change
# in the main area and in any chart, and when the first chart had drawn a trace. (Changes inside a
# canvas are left out: Glide's data grid updates the hidden accessible table in its canvas ~300 ms
# after each draw, on a timer.)
INIT_JS = """
(() => {
  const b = window.__bench = {armed: false, actionAt: 0, runAt: 0, idleAt: 0, msgAt: 0,
                              mainAt: 0, chartAt: 0, firstChartAt: 0};
  addEventListener('pointerdown', () => {
    if (b.armed) { b.armed = false; b.actionAt = performance.now(); }
  }, true);
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { b.msgAt = performance.now(); });
    }
  };
  const drawn = '__CHART__ .main-svg .trace';
  const changes = new MutationObserver((records) => {
    const now = performance.now();
    let main = false;
    for (const r of records) {
      const n = r.target.nodeType === 1 ? r.target : r.target.parentNode;
      if (!n || !n.closest) continue;
      const canvas = n.closest('canvas');  // a grid's accessible table inside its canvas: not drawn
      if (canvas && (canvas !== n || r.type !== 'attributes')) continue;
      if (n.closest('__CHART__')) {
        b.chartAt = b.mainAt = now;
        if (!b.firstChartAt && document.querySelector(drawn)) b.firstChartAt = now;
        return;
      }
      if (!main && n.closest('[data-testid="stMain"]')) { b.mainAt = now; main = true; }
    }
  });
  const runs = new MutationObserver((records) => {
    const now = performance.now();
    for (const r of records) {
      const state = r.target.getAttribute('data-test-script-state');
      if (state === 'running') b.runAt = now;
      else if (state === 'notRunning') b.idleAt = now;
    }
  });
  const root = document;  // (documentElement may not exist yet when this runs)
  changes.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  runs.observe(root, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
})();
""".replace("__CHART__", CHART)

# True once the server has answered after the action (or after the load, for since=0), the run has
# finished, nothing is stale or loading, the expected header is shown, every chart has drawn its
# SVG, and neither the main area nor the server has done anything for `quiet` ms.
SETTLED_JS = """
({since, header, quiet, idle, busy, headers, chart}) => {
  const b = window.__bench;
  const t0 = since === null ? b.actionAt : since;
  if (since === null && !t0) return false;
  if (b.msgAt <= t0 || b.runAt > b.idleAt) return false;
  if (!document.querySelector(idle) || document.querySelector(busy)) return false;
  if (header !== null &&
      ![...document.querySelectorAll(headers)].some((h) => h.textContent.trim() === header)) return false;
  for (const c of document.querySelectorAll(chart)) if (!c.querySelector('.main-svg')) return false;
  return performance.now() - Math.max(b.idleAt, b.mainAt, b.msgAt) >= quiet;
}
"""


def action_end(b: dict, since: float) -> float:
    """When the action's last visible change happened (page clock): the run's end or the main area's last change."""
    return max(t for t in (b["idleAt"], b["mainAt"], since) if t >= since)


def spread(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
        "n": len(values),
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# -- apps and servers ----------------------------------------------------------------------------


@dataclass
class AppSpec:
    name: str
    script: Path
    pages: list[tuple[str, str]]  # (url path, title in the sidebar and the page's header), sidebar order
    processed_dir: Path | None = None
    first_header: str = ""


def reference_spec() -> AppSpec:
    return AppSpec("reference", REFERENCE_SCRIPT, [("", "Alpha"), ("beta", "Beta")], first_header="Alpha")


def dashboard_pages() -> list[tuple[str, str]]:
    """(url path, English title) of every page, read from the PAGES list in dashboard.py."""
    from pressfreedom import i18n

    text = DASHBOARD_SCRIPT.read_text(encoding="utf-8")
    listed = text.split("\nPAGES = [", 1)[1].split("\n]", 1)[0]  # (not the monitors' page, appended with PFD_MONITOR=1)
    found = re.findall(r'\(\s*"pages/(\w+)\.py",\s*"(page\.\w+)",\s*\w+,\s*(True|False)\s*\)', listed)
    urls = dict(re.findall(r'"pages/(\w+)\.py":\s*"(\w+)"', text.split("URL_PATHS", 1)[1].split("\n", 1)[0]))
    pages = [("" if default == "True" else urls.get(stem, stem), i18n.t(key, "en")) for stem, key, default in found]
    if not pages:
        raise RuntimeError("no pages found in dashboard.py's PAGES list")
    return pages


def dashboard_spec(processed_dir: Path, only: list[str] | None = None) -> AppSpec:
    pages = dashboard_pages()
    if only:
        pages = [p for p in pages if (p[0] or "overview") in only]
    return AppSpec("dashboard", DASHBOARD_SCRIPT, pages, processed_dir, first_header=dashboard_pages()[0][1])


class Server(AppServer):
    """An app of the bench (``AppSpec``) served by ``tools.concurrency.AppServer``: the same start,
    health polling and stop by process group, polled every 25 ms (the cold start is timed)."""

    def __init__(self, spec: AppSpec, log_path: Path, launcher: list[str] | None = None):
        super().__init__(
            spec.processed_dir,
            log_path,
            script=str(spec.script.relative_to(ROOT)),
            launcher=launcher,  # e.g. a script that wraps streamlit (profiling)
            poll=0.025,
            name=spec.name,
        )
        self.spec = spec


# -- one app in one repeat -------------------------------------------------------------------------


@dataclass
class Session:
    """One app's server, browser context and tab during one repeat, and what was measured."""

    spec: AppSpec
    server: Server
    context: object = None
    page: object = None
    times: dict[str, list[float]] = field(default_factory=dict)
    current: int = 0  # index of the page shown in the tab

    def record(self, name: str, seconds: float) -> None:
        self.times.setdefault(name, []).append(seconds)


class Bench:
    def __init__(self, browser, timeout: float, say):
        self.browser = browser
        self.timeout_ms = timeout * 1000
        self.say = say

    def new_context(self):
        ctx = self.browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        ctx.add_init_script(INIT_JS)
        ctx.set_default_timeout(self.timeout_ms)
        ctx.set_default_navigation_timeout(self.timeout_ms)
        return ctx

    def bench(self, page) -> dict:
        return page.evaluate("() => ({...window.__bench, origin: performance.timeOrigin, now: performance.now()})")

    def settle(self, page, header: str | None, since: float | None) -> float:
        """Wait (bounded) until the action has finished; its end on the page clock (ms)."""
        page.wait_for_function(
            SETTLED_JS,
            arg={
                "since": since,
                "header": header,
                "quiet": QUIET_MS,
                "idle": APP_IDLE,
                "busy": BUSY,
                "headers": PAGE_HEADER,
                "chart": CHART,
            },
            timeout=self.timeout_ms,
            polling=50,  # ms; polling every animation frame would take CPU the app needs on 2 cores
        )
        b = self.bench(page)
        if page.locator(EXCEPTION).count():
            raise RuntimeError(f"exception box on {page.url}: {page.locator(EXCEPTION).first.inner_text()[:500]}")
        return action_end(b, b["actionAt"] if since is None else since)

    def first_chart(self, page) -> dict:
        page.wait_for_function("() => window.__bench && window.__bench.firstChartAt > 0", timeout=self.timeout_ms)
        return self.bench(page)

    # the phases ---------------------------------------------------------------------------------

    def cold_start(self, s: Session) -> None:
        s.server.start(timeout=self.timeout_ms / 1000)
        s.context = self.new_context()
        page = s.context.new_page()
        page.goto(s.server.url, wait_until="commit")
        b = self.first_chart(page)
        first = (b["origin"] + b["firstChartAt"]) / 1000
        s.record("cold_start_s", first - s.server.started_at)
        s.record("server_ready_s", s.server.ready_at - s.server.started_at)
        end = self.settle(page, s.spec.first_header, since=0)
        s.record("cold_start_complete_s", (b["origin"] + end) / 1000 - s.server.started_at)
        page.close()

    def new_tab(self, s: Session) -> None:
        page = s.context.new_page()
        t0 = time.time()
        page.goto(s.server.url, wait_until="commit")
        b = self.first_chart(page)
        s.record("new_tab_s", (b["origin"] + b["firstChartAt"]) / 1000 - t0)
        end = self.settle(page, s.spec.first_header, since=0)
        s.record("new_tab_complete_s", (b["origin"] + end) / 1000 - t0)
        s.page, s.current = page, 0

    def act(self, page, do, header: str | None) -> float:
        """Arm the pointer clock, run ``do`` (whose last pointer press is the action), wait; seconds."""
        page.evaluate("() => { window.__bench.armed = false; window.__bench.actionAt = 0; }")
        do(lambda: page.evaluate("() => { window.__bench.armed = true; }"))
        end = self.settle(page, header, since=None)
        return (end - self.bench(page)["actionAt"]) / 1000

    def page_switches(self, s: Session, rounds: int, key_prefix: str = "") -> None:
        n = len(s.spec.pages)
        for rnd in range(rounds):
            for _ in range(n):
                target = (s.current + 1) % n
                url_path, title = s.spec.pages[target]
                link = s.page.locator(NAV_LINK).nth(self.link_index(s, target))

                def click(arm, link=link):
                    arm()
                    link.click()

                seconds = self.act(s.page, click, title)
                s.current = target
                s.record("page_switch_s", seconds)
                s.record(f"page_switch_by_page_s/{url_path or 'home'}", seconds)
                s.record("page_switch_first_visit_s" if rnd == 0 else "page_switch_revisit_s", seconds)

    def link_index(self, s: Session, target: int) -> int:
        """Position of a page's link in the sidebar (``--pages`` may visit only some pages)."""
        if not hasattr(s, "_links"):
            titles = [t.strip().splitlines()[-1].strip() for t in s.page.locator(NAV_LINK).all_inner_texts()]
            s._links = {title: i for i, title in enumerate(titles)}
        title = s.spec.pages[target][1]
        if title not in s._links:
            raise RuntimeError(f"{s.spec.name}: no sidebar link {title!r} in {sorted(s._links)}")
        return s._links[title]

    def choose(self, page, key: str, option: str, header: str) -> float:
        """Pick an option of the selectbox/multiselect in ``.st-key-<key>``: the option's click is the action."""
        box = page.locator(f".st-key-{key} input[role=combobox]").first

        def do(arm):
            box.click()
            box.fill(option)
            target = page.get_by_role("option", name=option, exact=True)
            target.wait_for(timeout=self.timeout_ms)
            arm()
            target.click()

        seconds = self.act(page, do, header)
        if page.locator(f".st-key-{key} [data-testid=stMultiSelect]").count():
            page.keyboard.press("Escape")  # a multiselect stays open (after the measure: no rerun)
        return seconds

    def filters_and_languages(self, s: Session, plan: dict) -> None:
        from urllib.parse import parse_qsl, urlsplit

        page = s.page
        if s.current != 0:  # the filters are measured on the overview (the first page)
            link = page.locator(NAV_LINK).nth(self.link_index(s, 0))
            self.act(page, lambda arm: (arm(), link.click()), s.spec.pages[0][1])
            s.current = 0
        en_title = s.spec.pages[0][1]
        s.record("filter_change_s", t := self.choose(page, "w_from", plan["from_label"], en_title))
        s.record("filter_change_by_filter_s/period", t)
        s.record("filter_change_s", t := self.choose(page, "w_kind", plan["kind_label"], en_title))
        s.record("filter_change_by_filter_s/kind", t)
        query = dict(parse_qsl(urlsplit(page.url).query))
        if query.get("from") != plan["from_param"] or query.get("kind") != plan["kind"]:
            raise RuntimeError(f"the filter changes did not reach the URL: {query}")
        for code in ("ru", "az", "en"):
            t = self.choose(page, "w_lang", plan["lang_labels"][code], plan["overview_titles"][code])
            s.record("language_switch_s", t)
            s.record(f"language_switch_by_language_s/{code}", t)


# -- data ----------------------------------------------------------------------------------------


def synthetic_build(root: Path, rows: int, say) -> Path:
    """An N-incident synthetic build over ten years (2015–2024), compiled by the project's ETL."""
    from bench import synth

    say(f"generating {rows:,} synthetic incidents over ten years …")
    synth.generate(root / "raw", rows, first_year=2015)
    say("compiling them with python -m etl …")
    done = subprocess.run(  # (it reports the planted typos it rejects on stderr: shown only on failure)
        [sys.executable, "-m", "etl", "--raw", str(root / "raw"), "--out", str(root / "processed"), "--quiet"],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"python -m etl exited with {done.returncode}:\n{done.stderr[-3000:]}")
    return root / "processed"


def filter_plan(processed: Path) -> dict:
    """What the filter and language phases pick: the period's start a year earlier, then one kind."""
    from pressfreedom import i18n
    from pressfreedom.filters import add_months
    from pressfreedom.query import Query
    from pressfreedom.vocab import CATEGORY

    q = Query(processed)
    defaults = q.default_filters()
    lo, _ = q.data_span()
    start = add_months(defaults.start, -12)
    if start < date(lo.year, lo.month, 1):
        start = add_months(defaults.start, 1)
    kind = "detention"
    return {
        "from_label": i18n.month_label(start, "en"),
        "from_param": start.strftime("%Y-%m"),
        "kind": kind,
        "kind_label": CATEGORY.label(kind, "en"),
        "lang_labels": {c: i18n.t(f"lang.{c}", c) for c in ("en", "ru", "az")},
        "overview_titles": {c: i18n.t("page.overview", c) for c in ("en", "ru", "az")},
    }


def count_incidents(processed: Path) -> int:
    import duckdb

    con = duckdb.connect()
    try:
        return int(
            con.execute("SELECT count(*) FROM read_parquet(?)", [str(processed / "incidents.parquet")]).fetchall()[0][0]
        )
    finally:
        con.close()


# -- main ----------------------------------------------------------------------------------------

HEADLINES = ("cold_start_s", "new_tab_s", "page_switch_s")
SECONDARY = ("cold_start_complete_s", "new_tab_complete_s", "server_ready_s")
AGAINST_PAGE_SWITCH = ("filter_change_s", "language_switch_s")


def summarise(times: dict[str, list[float]]) -> dict:
    out: dict = {}
    for name, values in sorted(times.items()):
        if "/" in name:
            group, key = name.split("/", 1)
            out.setdefault(group, {})[key] = spread(values)
        else:
            out[name] = spread(values)
    return out


def ratios(ref: dict, dash: dict) -> dict:
    def r(a: dict, b: dict) -> float | None:
        if not a.get("n") or not b.get("n") or not b["median"]:
            return None
        return round(a["median"] / b["median"], 2)

    out = {name.removesuffix("_s"): r(dash.get(name, {}), ref.get(name, {})) for name in HEADLINES + SECONDARY}
    out["page_switch_first_visit"] = r(
        dash.get("page_switch_first_visit_s", {}), ref.get("page_switch_first_visit_s", {})
    )
    out["page_switch_revisit"] = r(dash.get("page_switch_revisit_s", {}), ref.get("page_switch_revisit_s", {}))
    for name in AGAINST_PAGE_SWITCH:
        out[name.removesuffix("_s") + "_vs_reference_page_switch"] = r(dash.get(name, {}), ref["page_switch_s"])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench ui", description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, help="an N-incident synthetic ten-year build (default: the shipped data)")
    ap.add_argument(
        "--repeat", type=int, default=MIN_REPEAT, help=f"repeats, each with fresh servers (default {MIN_REPEAT})"
    )
    ap.add_argument(
        "--rounds", type=int, default=2, help="page-switch rounds through every page per repeat (default 2)"
    )
    ap.add_argument(
        "--pages", help="only these dashboard pages, by URL path (overview for the first; e.g. overview,court)"
    )
    ap.add_argument("--timeout", type=float, default=90.0, help="bound on every single wait, seconds (default 90)")
    ap.add_argument(
        "--launcher",
        choices=("webapp", "streamlit"),
        default="webapp",
        help="how the dashboard is started: `python -m webapp run` (as `make run` and docs/deploy.md do: "
        "libraries loaded and the default overview drawn while the browser loads) or plain "
        "`python -m streamlit run` (a host that runs only that); the reference always the latter",
    )
    ap.add_argument("--json", action="store_true", help="print only the JSON")
    ap.add_argument("--out", type=Path, help="also write the JSON to this file")
    args = ap.parse_args(argv)
    if args.repeat < 1 or args.rounds < 1:
        ap.error("--repeat and --rounds must be at least 1")

    def say(msg: str) -> None:
        if not args.json:
            print(f"[bench ui] {msg}", file=sys.stderr, flush=True)

    from tools.concurrency import CHROMIUM, chromium_available, launch_chromium

    if not chromium_available():
        print(f"bench ui: Chromium not found at {CHROMIUM} (apt-get install -y chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="pfd-bench-ui-"))
    result: dict = {"repeat": args.repeat, "rounds": args.rounds}
    try:
        if args.rows:
            processed = synthetic_build(tmp, args.rows, say)
            result["data"] = f"synthetic, {args.rows:,} incidents over 2015–2024 (bench.synth + python -m etl)"
        else:
            from pressfreedom.paths import DEFAULT_PROCESSED_DIR

            processed = DEFAULT_PROCESSED_DIR
            if not (processed / "incidents.parquet").exists():
                print("bench ui: no shipped build in data/processed: run `python -m etl` first", file=sys.stderr)
                return 2
            result["data"] = "shipped (data/processed)"
        result["rows"] = args.rows
        result["compiled_incidents"] = count_incidents(processed)
        plan = filter_plan(processed)
        only = [p.strip() for p in args.pages.split(",")] if args.pages else None
        ref_spec, dash_spec = reference_spec(), dashboard_spec(processed.resolve(), only)
        if len(dash_spec.pages) < 2 or dash_spec.pages[0][0] != "":
            ap.error("--pages must name the overview and at least one other page")
        launchers = {"reference": None, "dashboard": ["-m", "webapp"] if args.launcher == "webapp" else None}
        result["dashboard_launcher"] = f"python -m {args.launcher} run"
        loads = [load_average()]
        times = {"reference": {}, "dashboard": {}}
        per_repeat: list[dict] = []  # the ratios within each repeat: how much they move with the load
        with sync_playwright() as pw:
            browser = launch_chromium(pw.chromium, timeout=args.timeout * 1000)
            result["machine"] = machine(browser.version)
            bench = Bench(browser, args.timeout, say)
            try:
                for i in range(args.repeat):
                    order = [ref_spec, dash_spec] if i % 2 == 0 else [dash_spec, ref_spec]
                    sessions = [
                        Session(spec, Server(spec, tmp / f"{spec.name}-{i}.log", launcher=launchers[spec.name]))
                        for spec in order
                    ]
                    by_name = {s.spec.name: s for s in sessions}
                    try:
                        for s in sessions:
                            say(f"repeat {i + 1}/{args.repeat}: {s.spec.name}: cold start")
                            bench.cold_start(s)
                        for s in sessions:
                            say(f"repeat {i + 1}/{args.repeat}: {s.spec.name}: new tab")
                            bench.new_tab(s)
                        for s in sessions:
                            say(f"repeat {i + 1}/{args.repeat}: {s.spec.name}: page switches ({args.rounds} rounds)")
                            bench.page_switches(s, args.rounds)
                        say(f"repeat {i + 1}/{args.repeat}: dashboard: filters and languages")
                        bench.filters_and_languages(by_name["dashboard"], plan)
                    except Exception:
                        for s in sessions:
                            if s.page is not None:
                                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                                try:
                                    s.page.screenshot(path=str(ARTIFACTS / f"failure-{s.spec.name}.png"))
                                except Exception:  # noqa: BLE001 - the original error matters more
                                    pass
                            print(f"--- {s.spec.name} server log ---\n{s.server.log_tail()}", file=sys.stderr)
                        raise
                    finally:
                        for s in sessions:
                            if s.context is not None:
                                s.context.close()
                            s.server.stop()
                    for s in sessions:
                        for name, values in s.times.items():
                            times[s.spec.name].setdefault(name, []).extend(values)
                    per_repeat.append(
                        ratios(summarise(by_name["reference"].times), summarise(by_name["dashboard"].times))
                    )
                    loads.append(load_average())
            finally:
                browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    ref, dash = summarise(times["reference"]), summarise(times["dashboard"])
    r = ratios(ref, dash)
    result.update(
        reference=ref,
        dashboard=dash,
        ratios=r,
        ratios_by_repeat={
            name: spread([x[name] for x in per_repeat if x.get(name) is not None]) for name in r if r[name] is not None
        },
        load_average_1m={
            "min": min(x[0] for x in loads),
            "max": max(x[0] for x in loads),
            "samples": [x[0] for x in loads],
        },
        load_average_1_5_15_end=loads[-1],
        wall_seconds=round(time.monotonic() - started, 1),
    )
    if args.repeat < MIN_REPEAT:
        result["note"] = f"--repeat {args.repeat} < {MIN_REPEAT}: a smoke run, not benchmark figures"
    if not args.rows:  # the targets for the shipped data (the 100k targets compare two runs)
        result["targets"] = {
            "cold_start<=1.2": ok(r["cold_start"], 1.2),
            "page_switch<=2": ok(r["page_switch"], 2),
            "filter_change_vs_reference_page_switch<=2": ok(r["filter_change_vs_reference_page_switch"], 2),
            "new_tab<=1.2": ok(r["new_tab"], 1.2),
        }
    text = json.dumps(result, indent=None if args.json else 2, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def ok(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def machine(chromium: str) -> dict:
    from importlib.metadata import version

    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "chromium": chromium,
        "streamlit": version("streamlit"),
        "playwright": version("playwright"),
        "python": platform.python_version(),
    }


if __name__ == "__main__":
    sys.exit(main())
