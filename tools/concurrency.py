"""Many viewers at once: ``python -m tools.concurrency [--sessions 25] [--timeout 120] [--url URL]``.

A script, not a test (the figures depend on the machine). It starts the dashboard with
``streamlit run`` on loopback on a free port (unless ``--url`` points at a running one), opens
``--sessions`` concurrent browser sessions on the overview in headless Chromium (Debian's
``/usr/bin/chromium``: one browser, one isolated context per session, all started together),
and checks that every session draws the chart with no exception box. It stops by itself
(the whole run is bounded by ``--timeout``) and prints JSON: p50/p95/max time to first chart,
errors, and the machine. Exit code 0 when every session rendered, 1 otherwise.

The helpers ``AppServer``, ``free_port``, ``launch_chromium`` and ``CHROMIUM_ARGS`` are shared with
the browser tests (``tests/browser/conftest.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from pressfreedom.paths import DEFAULT_PROCESSED_DIR, ROOT

CHROMIUM = os.environ.get("PFD_CHROMIUM", "/usr/bin/chromium")
# Debian's Chromium, never a downloaded one; without the background-networking flags it keeps
# trying the (closed) network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHART = '[data-testid="stPlotlyChart"] .main-svg'
EXCEPTION = '[data-testid="stException"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def chromium_available() -> bool:
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppServer:
    """``streamlit run <script>`` (the dashboard by default) on 127.0.0.1:<free port>, reading
    ``processed_dir``; also the browser bench's servers (``bench.ui.Server``).

    Started in its own process group and stopped by its PID (the whole group), never by name.
    ``launcher``: what runs streamlit (``-m streamlit``, or a wrapping script that profiles it);
    ``poll``: seconds between health checks while it starts; ``started_at`` / ``ready_at``: the
    wall-clock times before the process was created and when ``/_stcore/health`` first said ok.
    """

    def __init__(
        self,
        processed_dir: Path | None = None,
        log_path: Path | None = None,
        port: int | None = None,
        *,
        script: str = "dashboard.py",
        launcher: list[str] | None = None,
        poll: float = 0.2,
        name: str = "streamlit",
    ):
        self.processed_dir = processed_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or Path(tempfile.mkstemp(prefix="pfd-streamlit-", suffix=".log")[1])
        self.proc: subprocess.Popen | None = None
        self.script, self.launcher, self.poll, self.name = script, launcher or ["-m", "streamlit"], poll, name
        self.started_at = 0.0
        self.ready_at = 0.0

    def start(self, timeout: float = 90.0) -> str:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        if self.processed_dir is not None:
            env["PFD_PROCESSED_DIR"] = str(self.processed_dir)
        cmd = [
            sys.executable,
            *self.launcher,
            "run",
            self.script,
            "--server.headless",
            "true",
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")  # noqa: SIM115 - kept open for the child's lifetime
        try:
            self.started_at = time.time()
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name}: streamlit exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        self.ready_at = time.time()
                        return self.url
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(self.poll)  # polling a server that is starting: there is nothing to wait on
        self.stop()
        raise RuntimeError(f"{self.name}: no answer from /_stcore/health within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # the process group we created (start_new_session)
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the server process has used so far."""
        if self.proc is None:
            return None
        try:
            with open(f"/proc/{self.proc.pid}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-n:]
        except OSError:
            return "(no log)"

    def __enter__(self) -> AppServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def launch_chromium(browser_type, **kwargs):
    """Launch Debian's Chromium through a Playwright ``browser_type`` (sync or async API)."""
    return browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, **kwargs)


# -- the concurrency run ---------------------------------------------------------------------


async def _session(browser, url: str, index: int, timeout_ms: float) -> dict:
    started = time.perf_counter()
    result: dict = {"session": index, "ok": False}
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = await context.new_page()
        page_errors: list[str] = []
        page.on("pageerror", lambda e: page_errors.append(str(e)))
        await page.goto(url, timeout=timeout_ms)
        await page.wait_for_selector(CHART, timeout=timeout_ms)
        result["first_chart_s"] = round(time.perf_counter() - started, 3)
        # the script run has finished and every element has loaded: not a half-drawn page
        await page.wait_for_function(
            f"() => document.querySelector('{IDLE}') !== null"
            " && document.querySelectorAll('[data-stale=true], [data-testid=stSkeleton]').length === 0",
            timeout=timeout_ms,
            polling=100,
        )
        result["settled_s"] = round(time.perf_counter() - started, 3)
        exceptions = await page.locator(EXCEPTION).all_inner_texts()
        metrics = await page.locator('[data-testid="stMetricValue"]').count()
        bars = await page.locator('[data-testid="stPlotlyChart"] .barlayer .point path').count()
        problems = []
        if exceptions:
            problems.append("exception box: " + exceptions[0][:300])
        if page_errors:
            problems.append("page error: " + page_errors[0][:300])
        if metrics == 0:
            problems.append("no KPI drawn")
        if bars == 0:
            problems.append("no bars in the chart")
        result.update(ok=not problems, problems=problems, metrics=metrics, bars=bars)
    except Exception as e:  # one failed session is a result, not a crash of the run
        result["problems"] = [f"{type(e).__name__}: {str(e).splitlines()[0][:300]}"]
    finally:
        result["total_s"] = round(time.perf_counter() - started, 3)
        await context.close()
    return result


async def _run(url: str, sessions: int, browsers: int, timeout: float) -> dict:
    """All sessions at once; a session still running when ``timeout`` is up counts as an error."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        launched = [await launch_chromium(p.chromium) for _ in range(browsers)]
        try:
            started = time.perf_counter()
            tasks = [
                asyncio.create_task(_session(launched[i % browsers], url, i, timeout * 1000)) for i in range(sessions)
            ]
            done, pending = await asyncio.wait(tasks, timeout=timeout)
            for t in pending:
                t.cancel()
            if pending:
                await asyncio.wait(pending, timeout=15)
            wall = time.perf_counter() - started
            results = [t.result() for t in done if not t.cancelled() and t.exception() is None]
            results += [
                {"session": tasks.index(t), "ok": False, "problems": [f"not rendered within {timeout:.0f} s"]}
                for t in pending
            ]
            results += [
                {"session": tasks.index(t), "ok": False, "problems": [repr(t.exception())]}
                for t in done
                if not t.cancelled() and t.exception() is not None
            ]
            version = launched[0].version
        finally:
            for b in launched:
                await b.close()
    return {"results": sorted(results, key=lambda r: r["session"]), "wall_s": round(wall, 3), "chromium": version}


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def machine() -> dict:
    mem_mb = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            mem_mb = int(fh.readline().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "load_avg_1_5_15": [round(x, 2) for x in os.getloadavg()],  # other work on the machine
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_mb": mem_mb,
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def _fixture_build(root: Path) -> Path:
    from etl.cli import main as etl_main
    from tests import fixtures

    raw = fixtures.write_raw(root / "raw")
    out = root / "processed"
    if etl_main(["--raw", str(raw), "--out", str(out), "--quiet"]) != 0:
        raise RuntimeError("the fixture build failed")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.concurrency", description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=25, help="concurrent browser sessions (1–100, default 25)")
    ap.add_argument(
        "--timeout", type=float, default=120.0, help="bound on the whole run incl. server start, seconds (default 120)"
    )
    ap.add_argument("--url", help="a running dashboard to test (default: start one on a free loopback port)")
    ap.add_argument("--browsers", type=int, default=1, help="Chromium processes to spread the sessions over")
    ap.add_argument(
        "--data",
        choices=("processed", "fixture"),
        default="processed",
        help="data for the started app: data/processed (default; the fixture build if it is missing) or fixture",
    )
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= 100:
        ap.error("--sessions must be between 1 and 100")
    if not 1 <= args.browsers <= min(8, args.sessions):
        ap.error("--browsers must be between 1 and min(8, sessions)")
    if not chromium_available():
        print(f"concurrency: Chromium not found at {CHROMIUM} (apt-get install -y chromium)", file=sys.stderr)
        return 2

    report: dict = {"sessions": args.sessions, "browsers": args.browsers, "machine": machine()}
    deadline = time.monotonic() + args.timeout  # the whole run, server start included

    def left(cap: float) -> float:
        return max(1.0, min(cap, deadline - time.monotonic()))

    server: AppServer | None = None
    tmp = None
    try:
        if args.url:
            url = args.url.rstrip("/")
            report["app"] = {"url": url}
        else:
            processed = DEFAULT_PROCESSED_DIR
            if args.data == "fixture" or not (processed / "incidents.parquet").exists():
                tmp = tempfile.mkdtemp(prefix="pfd-concurrency-")
                processed = _fixture_build(Path(tmp))
                report["data"] = "fixture build (tests/fixtures.py)"
            else:
                report["data"] = str(processed.resolve().relative_to(ROOT))
            server = AppServer(processed)
            t0 = time.perf_counter()
            url = server.start(timeout=left(90.0))
            report["app"] = {"url": url, "server_start_s": round(time.perf_counter() - t0, 3)}
            # one warm-up view, so the figures are for viewers of a running server, not a cold start
            warm = asyncio.run(_run(url, 1, 1, left(60.0)))
            report["app"]["first_view_s"] = warm["results"][0].get("first_chart_s") if warm["results"] else None
        report["run_timeout_s"] = round(left(args.timeout), 1)
        cpu0 = server.cpu_seconds() if server else None
        run = asyncio.run(_run(url, args.sessions, args.browsers, report["run_timeout_s"]))
        if server and cpu0 is not None:
            # how much of the run the app server itself needed (one Python process: ≤ 1 core busy)
            report["app"]["server_cpu_s_during_run"] = round(server.cpu_seconds() - cpu0, 2)
    finally:
        if server is not None:
            server.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    results = run["results"]
    times = [r["first_chart_s"] for r in results if r.get("ok")]
    errors = [{"session": r["session"], "problems": r.get("problems", [])} for r in results if not r.get("ok")]
    report.update(
        chromium=run["chromium"],
        rendered=len(times),
        errors=errors,
        wall_s=run["wall_s"],
        time_to_first_chart_s={
            "p50": percentile(times, 50),
            "p95": percentile(times, 95),
            "max": max(times) if times else None,
            "mean": round(statistics.fmean(times), 3) if times else None,
        },
    )
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if len(times) == args.sessions and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
