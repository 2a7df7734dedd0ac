"""The benchmark runs and says what issue 6 asks of it (a smoke test on 2,000 rows: nothing is
timed here; the figures themselves are in docs/performance.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

REQUIRED = (
    "etl_seconds",
    "floor_seconds",
    "etl_vs_floor",
    "naive_pandas_seconds",
    "etl_peak_rss_mb",
    "floor_peak_rss_mb",
    "query_floor_ms",
    "overview_ms",
    "overview_vs_floor",
    "query_1k_ms",
    "query_big_ms",
    "query_ratio",
    "unchecked_vs_floor",
)


def test_bench_prints_every_figure_as_json():
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--rows", "2000", "--states", "2", "--no-spike", "--json", "--repeat", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    missing = [k for k in REQUIRED if not (isinstance(result.get(k), (int, float)) and result[k] > 0)]
    assert not missing, missing
    assert len(result["etl_vs_floor_pairs"]) == len(result["unchecked_vs_floor_pairs"]) == 2
    assert result["etl_vs_floor"] == pytest.approx(result["etl_seconds"] / result["floor_seconds"], rel=0.05)
    incidents = sum(result["input_rows"][k] for k in ("assaults", "detentions", "blockings", "court_outcomes"))
    assert result["compiled_incidents"] + result["rejected_rows"] == incidents  # the synthetic typos rejected
    assert result["rejected_rows"] > 0
    assert set(result["targets"]) == {"etl_vs_floor<=2", "etl_rss_vs_floor<=1.5", "overview_vs_floor<=2"}
