"""OONI aggregation import: CSV (sorted columns, CRLF) and JSON (plain and wrapped), the
per-row sum check, duplicates, files that are not aggregations, monthly shares and the chart."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from pressfreedom import charts_third_party, i18n, third_party
from tests import fixtures
from tests.test_third_party_rsf import external_dir, rejects, run_etl

# format=CSV as OONI's aggregation API returns it: columns sorted alphabetically, CRLF line
# ends, probe_asn a bare integer. Row 4 breaks the sum (2+1+0+10 = 13, not 14).
CSV_HEADER = (
    "anomaly_count,confirmed_count,domain,failure_count,measurement_count,measurement_start_day,ok_count,probe_asn"
)
CSV_ROWS = [
    "3,1,www.fixture-news.az,1,10,2020-03-02,5,28787",
    "5,2,fixture-news.az,0,20,2020-03-15,13,28787",
    "0,0,fixture-news.az,1,8,2020-04-01,7,28787",
    "2,1,fixture-news.az,0,14,2020-04-02,10,12345",
    "1,0,other.az,0,5,2020-03-02,4,28787",
    "x,0,other.az,0,5,2020-03-03,5,28787",
]


def ooni_csv() -> bytes:
    return ("\r\n".join([CSV_HEADER, *CSV_ROWS]) + "\r\n").encode("utf-8")


def aggregation(rows: list[dict]) -> dict:
    return {"v": 0, "dimension_count": 2, "db_stats": {}, "result": rows}


JSON_ROWS = [
    {
        "anomaly_count": 4,
        "confirmed_count": 0,
        "failure_count": 0,
        "ok_count": 6,
        "measurement_count": 10,
        "measurement_start_day": "2020-05-01",
        "domain": "fixture-news.az",
        "probe_cc": "AZ",
    },
    {
        "anomaly_count": 1,
        "confirmed_count": 1,
        "failure_count": 1,
        "ok_count": 2,
        "measurement_count": 5,
        "measurement_start_day": "2020-05-02",
        "domain": "fixture-news.az",
        "probe_cc": "AZ",
    },
]
WRAPPED_ROWS = [
    {
        "anomaly_count": 0,
        "confirmed_count": 3,
        "failure_count": 0,
        "ok_count": 1,
        "measurement_count": 4,
        "measurement_start_day": "2020-06-01T00:00:00Z",
        "domain": "fixture-news.az",
        "probe_cc": "AZ",
    }
]
MEASUREMENTS_LIST = {
    "metadata": {"count": -1, "limit": 2, "offset": 0},
    "results": [{"anomaly": False, "input": "https://a.az/", "probe_cc": "AZ"}] * 2,
}


@pytest.fixture(scope="module")
def ooni_build(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ooni")
    raw = fixtures.write_raw(root / "raw")  # BLK-1: fixture-news.az blocked from 2020-03-01, open
    folder = raw / "ooni"
    folder.mkdir()
    (folder / "probe_cc-AZ_domains_2020.csv").write_bytes(ooni_csv())
    (folder / "result.json").write_text(json.dumps(aggregation(JSON_ROWS)), encoding="utf-8")
    wrapper = {"status": 200, "contentType": "application/json", "body": json.dumps(aggregation(WRAPPED_ROWS))}
    (folder / "wrapped.json").write_text(json.dumps(wrapper), encoding="utf-8")
    (folder / "empty.json").write_text(json.dumps({"result": []}), encoding="utf-8")
    (folder / "list.json").write_text(json.dumps(MEASUREMENTS_LIST), encoding="utf-8")
    (folder / "result_again.json").write_text(json.dumps(aggregation(JSON_ROWS[:1])), encoding="utf-8")  # re-download
    (folder / "broken.json").write_text('{"result": [', encoding="utf-8")
    out = root / "processed"
    run_etl(raw, out)
    return out


def manifest_of(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_csv_rows_counts_and_the_sum_check(ooni_build):
    m = manifest_of(ooni_build)
    entry = m["inputs"]["ooni/probe_cc-AZ_domains_2020.csv"]
    assert entry["sha256"] == hashlib.sha256(ooni_csv()).hexdigest()
    assert (entry["rows"], entry["compiled"]) == (6, 4)
    assert entry["licence"] == "CC BY-NC-SA 4.0"
    assert "probe_cc AZ taken from the file name" in entry["notes"]
    bad = [r for r in rejects(ooni_build) if r["file"] == "ooni/probe_cc-AZ_domains_2020.csv"]
    by_record = {r["record"]: r for r in bad}
    assert set(by_record) == {"4", "6"}
    assert by_record["4"]["line"] == "5"
    assert by_record["4"]["column"] == "measurement_count"
    assert by_record["4"]["value"] == "14"
    assert "= 13, not measurement_count 14" in by_record["4"]["reason"]
    assert by_record["6"]["column"] == "anomaly_count" and by_record["6"]["value"] == "x"


def test_json_plain_wrapped_and_empty(ooni_build):
    m = manifest_of(ooni_build)
    assert (m["inputs"]["ooni/result.json"]["rows"], m["inputs"]["ooni/result.json"]["compiled"]) == (2, 2)
    assert m["inputs"]["ooni/wrapped.json"]["compiled"] == 1
    assert m["inputs"]["ooni/empty.json"]["rows"] == 0
    # the same day and axes downloaded again: counted once, the copy rejected with the reason
    assert m["inputs"]["ooni/result_again.json"]["compiled"] == 0
    again = [r for r in rejects(ooni_build) if r["file"] == "ooni/result_again.json"]
    assert len(again) == 1 and "duplicate of ooni/result.json record 1" in again[0]["reason"]
    for name, entry in m["inputs"].items():
        if name.startswith("ooni/"):
            assert entry["rows"] == entry["compiled"] + m["rejected_by_file"].get(name, 0), name


def test_files_that_are_not_aggregations_are_skipped_with_a_reason(ooni_build):
    m = manifest_of(ooni_build)
    skipped = {s["file"]: s for s in m["skipped_inputs"]}
    assert set(skipped) == {"ooni/list.json", "ooni/broken.json"}
    assert "/api/v1/measurements list" in skipped["ooni/list.json"]["reason"]
    assert skipped["ooni/list.json"]["rows"] == 2
    assert "not valid JSON" in skipped["ooni/broken.json"]["reason"]
    zero = {r["file"] for r in rejects(ooni_build) if r["record"] == "0"}
    assert zero == {"ooni/list.json", "ooni/broken.json"}
    assert m["outputs"]["incidents.parquet"] > 0  # the build went on


def test_monthly_shares_come_from_counts(ooni_build):
    monthly = third_party.ooni_monthly(ooni_build, ["https://www.fixture-news.az/"], probe_cc="az")
    got = {str(r.month)[:7]: r for r in monthly.itertuples()}
    assert set(got) == {"2020-03", "2020-04", "2020-05", "2020-06"}
    march = got["2020-03"]  # rows 1 and 2 of the CSV
    assert (march.measurement_count, march.anomaly_count, march.confirmed_count) == (30, 8, 3)
    assert march.anomaly_share == pytest.approx(8 / 30)
    assert march.confirmed_share == pytest.approx(3 / 30)
    assert got["2020-04"].measurement_count == 8  # the rejected row is not counted
    assert got["2020-05"].anomaly_share == pytest.approx(5 / 15)
    assert got["2020-06"].confirmed_share == pytest.approx(3 / 4)
    assert third_party.ooni_monthly(ooni_build, ["other.az"], probe_cc="AZ")["measurement_count"].tolist() == [5]
    assert third_party.ooni_monthly(ooni_build, ["fixture-news.az"], probe_cc="GE").empty


def test_chart_beside_documented_blocking(ooni_build):
    monthly = third_party.ooni_monthly(ooni_build, ["fixture-news.az", "other.az"], probe_cc="AZ")
    intervals = third_party.blocking_intervals(ooni_build, ["fixture-news.az"])
    assert intervals[["incident_id", "open_ended"]].values.tolist() == [["BLK-1", True]]
    fig = charts_third_party.ooni_blocking_figure(monthly, intervals, "en")
    names = {t.name for t in fig.data}
    assert {"Anomaly share", "Confirmed blocked share", "Documented blocking"} <= names
    shaded = [s for s in fig.layout.shapes if s.name == "documented-blocking"]
    assert len(shaded) == 1 and str(shaded[0].x0) == "2020-03-01"
    assert any("still blocked" in (a.text or "") for a in fig.layout.annotations)
    hover = fig.data[0].hovertext
    assert any("(8 of 30 measurements)" in h for h in hover)
    assert any((a.text or "").startswith("Source: OONI measurements (CC BY-NC-SA 4.0)") for a in fig.layout.annotations)
    ru = charts_third_party.ooni_blocking_figure(monthly, intervals, "ru").layout.xaxis  # month names in Russian
    assert list(ru.ticktext) == [i18n.month_label(date.fromisoformat(str(v)[:10]), "ru") for v in ru.tickvals]
    assert "Март 2020" in ru.ticktext
    empty = charts_third_party.ooni_blocking_figure(monthly.iloc[0:0], intervals, "az")
    assert any("data/raw/ooni/" in (a.text or "") for a in empty.layout.annotations)


def test_missing_table_gives_empty_frames(tmp_path):
    monthly = third_party.ooni_monthly(tmp_path, ["fixture-news.az"])
    assert monthly.empty and list(monthly.columns) == third_party.OONI_MONTHLY_COLUMNS
    assert third_party.blocking_intervals(tmp_path).empty


def test_the_shared_ooni_fixtures(tmp_path):
    shared = external_dir("ooni")
    raw = fixtures.write_raw(tmp_path / "raw")
    shutil.copytree(shared, raw / "ooni")
    out = tmp_path / "processed"
    m = run_etl(raw, out)
    inputs = {k: v for k, v in m["inputs"].items() if k.startswith("ooni/")}
    expected = {}
    for f in shared.glob("aggregation*.json"):
        body = json.loads(json.loads(f.read_text(encoding="utf-8"))["body"])
        expected[f"ooni/{f.name}"] = len(body["result"])
    assert {k: (v["rows"], v["compiled"]) for k, v in inputs.items()} == {k: (n, n) for k, n in expected.items()}
    assert [s["file"] for s in m["skipped_inputs"]] == [f"ooni/{f.name}" for f in shared.glob("measurements*.json")]
    az = third_party.ooni_monthly(out, probe_cc="AZ")
    assert az[["measurement_count", "ok_count"]].values.tolist() == [[1, 1]]  # the one Azerbaijan row
    assert m["outputs"]["ooni_measurements.parquet"] == sum(expected.values())


def test_downloads_with_different_axes_are_not_counted_twice(tmp_path):
    raw = fixtures.write_raw(tmp_path / "raw")
    (raw / "ooni").mkdir()
    (raw / "ooni" / "probe_cc-AZ_domain_asn.csv").write_bytes(ooni_csv())
    coarse = (
        "anomaly_count,confirmed_count,domain,failure_count,measurement_count,measurement_start_day,ok_count\r\n"
        "4,1,fixture-news.az,1,12,2020-03-02,6\r\n"
    )
    (raw / "ooni" / "probe_cc-AZ_domain.csv").write_bytes(coarse.encode())
    out = tmp_path / "processed"
    run_etl(raw, out)
    march = third_party.ooni_monthly(out, ["fixture-news.az"], probe_cc="AZ").iloc[0]
    # 2 March from the domain-only download (12), 15 March from the ASN breakdown (20)
    assert (march.measurement_count, march.anomaly_count) == (32, 9)
    assert march["axes"] == "domain,measurement_start_day | domain,measurement_start_day,probe_asn"
