"""A fresh clone started as hosting services start it (`streamlit run dashboard.py`, no `make`):
the first visitors wait for one build of the shipped data, then see the dashboard; a clone whose
data does not compile shows a clear error page without a traceback or a local path.
(`pip install -r requirements.txt` itself is not run here: no internet; the test uses this venv.)"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import TITLE
from tools.concurrency import free_port

ROOT = Path(__file__).resolve().parents[2]


def fresh_clone(dest: Path) -> Path:
    """The tracked files (as in the working tree): no .venv, no data/processed, no builds."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, names.decode().split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    assert not (dest / "data" / "processed").exists()
    return dest


class Server:
    def __init__(self, root: Path):
        self.root, self.port = root, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k not in ("PFD_PROCESSED_DIR", "PFD_MONITOR")}
        self.log = open(root / "server.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1"],
            cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        return
            except OSError:
                time.sleep(0.2)  # the server is starting
        self.stop()
        raise RuntimeError((root / "server.log").read_text())

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        self.log.close()


@pytest.fixture
def clone(tmp_path):
    return fresh_clone(tmp_path / "clone")


def test_fresh_clone_builds_once_and_shows_the_dashboard(clone, new_browser_page):
    server = Server(clone)
    try:
        first, second = new_browser_page(), new_browser_page()
        first.goto(server.url)
        second.goto(server.url)  # a second visitor during the first build
        first.get_by_text("Preparing the data for the dashboard's first start").wait_for(timeout=60_000)
        for pg in (first, second):
            pg.locator(TITLE).wait_for(timeout=120_000)
            pg.get_by_text("Data compiled on ").wait_for(timeout=60_000)
            assert pg.locator('[data-testid="stException"]').count() == 0
        builds = [p for p in (clone / "data" / ".processed-builds").iterdir() if p.is_dir()]
        assert len(builds) == 1  # one build for both visitors
        assert (clone / "data" / "processed").is_symlink()
    finally:
        server.stop()


def test_fresh_clone_whose_data_does_not_compile_shows_an_error_page(clone, page):
    (clone / "data" / "raw" / "sources.csv").unlink()  # fatal for the ETL
    server = Server(clone)
    try:
        page.goto(server.url)
        page.get_by_text("could not be compiled").wait_for(timeout=120_000)
        body = page.locator("body").inner_text()
        assert str(clone) not in body and "Traceback" not in body
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stSidebarNavLink"]').count() == 0  # no list of pages/ scripts
        assert "missing" in (clone / "server.log").read_text()  # the reason is in the server's log
    finally:
        server.stop()
