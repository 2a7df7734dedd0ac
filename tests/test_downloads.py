"""Filtered downloads: the filter in the file name and inside the file, formulas neutralised."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime

import openpyxl
import pandas as pd
import pytest

from pressfreedom import downloads
from pressfreedom.config import load_config
from pressfreedom.filters import Filters
from pressfreedom.query import Query

F = Filters(start=date(2020, 2, 1), end=date(2020, 3, 31), categories=("detention",))
MANIFEST = {"build_id": "B-1", "built_at": "2026-11-28T10:00:00+00:00"}
WHEN = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
THIN = "\u2009"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("https://x")', '\'=HYPERLINK("https://x")'),
        ("+1+1", "'+1+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("Baku", "Baku"),
        (5, 5),
        (None, None),
    ],
)
def test_neutralise(value, safe):
    assert downloads.neutralise(value) == safe


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "incident_id": ["DET-1", "DET-9"],
            "date": [date(2020, 2, 11), date(2020, 3, 1)],
            "victim": ["Fixture Person A", "=cmd|' /C calc'!A0"],
            "source_ids": [["src-a", "src-b"], ["src-a"]],
            "group_size": [None, 3],
        }
    )


def lines() -> list[tuple[str, str]]:
    return downloads.about_lines(F, load_config(), MANIFEST, rows=2, sources=["Report A", "Report A", "Report B"],
                               generated=WHEN)  # fmt: skip


def test_about_lines_state_the_filter_sources_licence_and_build():
    about = dict(lines())
    assert about["Content"] == "A FILTERED extract — not the whole dataset"
    assert about["Period"] == f"Feb{THIN}–{THIN}Mar 2020"
    assert about["Kind of incident"] == "Detentions"
    assert about["Sources cited"] == "Report A; Report B"
    assert about["Licence"] == "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
    assert about["Data build"] == "B-1 (2026-11-28T10:00:00+00:00)"
    assert about["Generated"] == "2026-11-28 12:00 UTC"
    whole = dict(downloads.about_lines(None, load_config(), MANIFEST, rows=0, sources=[]))
    assert whole["Content"] == "The whole dataset (no filter)" and "Period" not in whole


def test_csv_has_a_documented_comment_line_then_the_table():
    data = downloads.csv_bytes(frame(), lines())
    text = data.decode("utf-8")
    assert text.startswith("\ufeff# Dataset: Azerbaijan Press Freedom Dashboard · Content: A FILTERED extract")
    first, header, *rows = text.lstrip("\ufeff").splitlines()
    assert "\n" not in first and "Kind of incident: Detentions" in first
    assert header == "incident_id,date,victim,source_ids,group_size"
    assert list(csv.reader(io.StringIO("\n".join(rows)))) == [
        ["DET-1", "2020-02-11", "Fixture Person A", "src-a | src-b", ""],
        ["DET-9", "2020-03-01", "'=cmd|' /C calc'!A0", "src-a", "3.0"],
    ]
    back = pd.read_csv(io.BytesIO(data), skiprows=1, encoding="utf-8-sig")
    assert back["incident_id"].tolist() == ["DET-1", "DET-9"]


def test_xlsx_has_an_about_sheet_first_and_inert_formulas():
    wb = openpyxl.load_workbook(io.BytesIO(downloads.xlsx_bytes({"Incidents": frame()}, lines())))
    assert wb.sheetnames == ["About", "Incidents"]
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True)}
    assert about["Kind of incident"] == "Detentions"
    assert about["Licence"].startswith("CC BY 4.0")
    cell = wb["Incidents"]["C3"]
    assert (cell.value, cell.data_type) == ("'=cmd|' /C calc'!A0", "s")
    assert [c.value for c in wb["Incidents"][1]] == ["incident_id", "date", "victim", "source_ids", "group_size"]


def test_file_names_carry_the_filter():
    config = load_config()
    assert (
        downloads.file_name(config, F, "incidents", "csv")
        == "aze-press-freedom_incidents_2020-02_2020-03_detention.csv"
    )
    assert downloads.file_name(config, None, "dataset", "xlsx") == "aze-press-freedom_dataset_all.xlsx"


def test_incident_frame_from_the_query_layer(fixture_build):
    q = Query(fixture_build)
    df = downloads.incident_frame(q.incidents(F))
    assert df["incident_id"].tolist() == ["DET-1"]
    assert list(df.columns[:5]) == ["incident_id", "category", "subcategory", "date", "date_precision"]
    assert df.loc[0, "sources"] == "Fixture report A — Section 1"
    assert df.loc[0, "duration_days"] == 30
    assert downloads.incident_frame(q.incidents(F.with_(categories=("court_outcome",)))).empty  # none in Feb–Mar


def test_parquet_zip_holds_the_build(fixture_build):
    q = Query(fixture_build)
    data = downloads.parquet_zip([q.parquet_path("incidents"), q.parquet_path("events")], q.root / "manifest.json")
    assert sorted(zipfile.ZipFile(io.BytesIO(data)).namelist()) == [
        "events.parquet",
        "incidents.parquet",
        "manifest.json",
    ]


def test_tables_on_the_pages_are_inert_too():
    """st.dataframe has its own "Download as CSV": the tables it shows are neutralised already."""
    from webapp import app

    shown = app.inert(pd.DataFrame({"victim": ["=HYPERLINK(1)", "Fixture Person A"], "n": [1, 2]}))
    assert shown.values.tolist() == [["'=HYPERLINK(1)", 1], ["Fixture Person A", 2]]
