"""End-to-end: the fixture tables compile with no rejects and nothing lost."""

import json

import duckdb

from tests import fixtures


def test_fixture_compiles_every_row(fixture_build):
    manifest = json.loads((fixture_build / "manifest.json").read_text())
    assert manifest["rejected_rows"] == 0
    n_incidents = sum(len(fixtures.TABLES[t]) for t in ("assaults", "detentions", "blockings", "court_outcomes"))
    assert manifest["outputs"]["incidents.parquet"] == n_incidents
    for name, rows in fixtures.TABLES.items():
        assert manifest["inputs"][f"{name}.csv"]["rows"] == len(rows)


def test_month_and_year_precision_are_kept(fixture_build):
    rows = dict(
        duckdb.sql(
            f"SELECT incident_id, date_precision || ' ' || date FROM '{fixture_build}/incidents.parquet'"
        ).fetchall()
    )
    assert rows["ASL-2"] == "month 2020-02-01"
    assert rows["ASL-3"] == "year 2019-01-01"
    assert rows["ASL-1"] == "day 2020-02-11"
