"""The monitors' "Check a file" page in Chromium (PFD_MONITOR=1, as make run starts it): a bad
file's problems, a good file's changes, a hostile file refused with a message."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import fixtures
from tests.browser import metric_value
from tests.test_check_file import csv_bytes, xlsx_with_formula
from tools.concurrency import AppServer

UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'


@pytest.fixture
def monitor_url(browser_build, monkeypatch, tmp_path):
    raw = fixtures.write_raw(tmp_path / "raw")  # the tables the fixture build was compiled from
    monkeypatch.setenv("PFD_MONITOR", "1")
    monkeypatch.setenv("PFD_RAW_DIR", str(raw))
    server = AppServer(browser_build.out)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


def upload(page, url: str, name: str, data: bytes, mime: str = "text/csv") -> None:
    page.goto(f"{url}/check_file")
    page.get_by_text("No file uploaded yet.").wait_for()
    page.locator(UPLOAD).set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])


def test_check_page_reports_problems_changes_and_refusals(monitor_url, page):
    rows = fixtures.rows("assaults")
    rows[0]["date"] = "2020-02-30"
    upload(page, monitor_url, "assaults.csv", csv_bytes("assaults", rows))
    page.get_by_text("Rows that would compile").wait_for()
    expect(metric_value(page, "Problems")).to_have_text("1")
    expect(metric_value(page, "Rows that would compile")).to_have_text(str(len(rows) - 1))
    page.get_by_text("changed: 0 · removed: 1").wait_for()  # the rejected row is not in the new build

    rows = fixtures.rows("detentions")
    rows[0]["location"] = "Ganja"
    upload(page, monitor_url, "detentions.csv", csv_bytes("detentions", rows + [dict(rows[1], incident_id="DET-NEW")]))
    page.get_by_text("Added: 1 · changed: 1 · removed: 0").wait_for()
    expect(metric_value(page, "Problems")).to_have_text("0")

    upload(page, monitor_url, "events.xlsx", xlsx_with_formula(), "application/vnd.ms-excel")
    page.get_by_text("formulas are never evaluated").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
