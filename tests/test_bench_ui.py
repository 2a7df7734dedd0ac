"""`python -m bench ui` runs and gives every figure of issue 17 (a smoke run: one repeat, one round,
two dashboard pages, a 1,000-incident synthetic build; nothing here is timed — the figures are in
docs/performance.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.chromium import require_chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]

BOTH = ("cold_start_s", "new_tab_s", "page_switch_s", "cold_start_complete_s", "new_tab_complete_s")
DASHBOARD_ONLY = ("filter_change_s", "language_switch_s")
RATIOS = (
    "cold_start",
    "new_tab",
    "page_switch",
    "filter_change_vs_reference_page_switch",
    "language_switch_vs_reference_page_switch",
)


def test_bench_ui_prints_every_figure_as_json():
    require_chromium()
    pytest.importorskip("playwright.sync_api")
    args = ["--repeat", "1", "--rounds", "1", "--rows", "1000", "--pages", "overview,court", "--json"]
    done = subprocess.run(
        [sys.executable, "-m", "bench", "ui", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["repeat"] == 1 and "note" in result  # a smoke run says it is one
    assert result["compiled_incidents"] > 900
    for app, names in (("reference", BOTH), ("dashboard", BOTH + DASHBOARD_ONLY)):
        for name in names:
            fig = result[app].get(name, {})
            assert fig.get("n", 0) >= 1 and 0 < fig["min"] <= fig["median"] <= fig["max"], (app, name, fig)
    # every page visited, each filter and language measured
    assert set(result["dashboard"]["page_switch_by_page_s"]) == {"home", "court"}
    assert set(result["dashboard"]["filter_change_by_filter_s"]) == {"period", "kind"}
    assert set(result["dashboard"]["language_switch_by_language_s"]) == {"ru", "az", "en"}
    assert set(result["reference"]["page_switch_by_page_s"]) == {"home", "beta"}
    for name in RATIOS:
        assert isinstance(result["ratios"][name], float) and result["ratios"][name] > 0, name
    assert len(result["load_average_1m"]["samples"]) == 2
    assert result["machine"]["chromium"] and result["machine"]["nproc"] >= 1


def test_the_bench_switches_between_the_pages_every_viewer_has():
    """The pages a viewer's sidebar lists (dashboard.py's PAGES), not the monitors' "Check a file" page
    that only PFD_MONITOR=1 adds: the bench cannot click a link the server does not show."""
    from bench.ui import dashboard_pages
    from pressfreedom import i18n

    titles = [title for _url, title in dashboard_pages()]
    assert titles[0] == i18n.t("page.overview", "en")
    assert i18n.t("page.methodology", "en") in titles
    assert i18n.t("page.check_file", "en") not in titles
