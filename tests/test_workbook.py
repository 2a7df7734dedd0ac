"""`python -m etl workbook`: generated from the contract, read back by the ETL (issue 16)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from bench import synth
from etl.cli import main as etl_main
from etl.workbook import HOWTO_SHEET, LISTS_SHEET, TABLE_ORDER
from pressfreedom.schema import ALL_TABLES, DATE, VOCAB
from pressfreedom.vocab import LANGUAGES
from tests import fixtures

ROOT = Path(__file__).resolve().parents[1]


def make_workbook(out: Path, lang: str = "en", with_data: Path | None = None) -> Path:
    argv = ["workbook", "--out", str(out), "--lang", lang]
    if with_data is not None:
        argv += ["--with-data", "--raw", str(with_data)]
    assert etl_main(argv) == 0
    return out


def compile_dir(raw: Path, out: Path) -> Path:
    assert etl_main(["--raw", str(raw), "--out", str(out), "--quiet"]) == 0
    return out


def assert_same_parquet(a: Path, b: Path) -> None:
    """Every Parquet table of two builds holds the same rows (EXCEPT ALL both ways)."""
    names = sorted(p.name for p in a.resolve().glob("*.parquet"))
    assert names == sorted(p.name for p in b.resolve().glob("*.parquet"))
    con = duckdb.connect()
    for name in names:
        pa_, pb = str(a / name), str(b / name)
        for x, y in ((pa_, pb), (pb, pa_)):
            diff = con.execute(
                f"SELECT count(*) FROM (SELECT * FROM read_parquet('{x}') EXCEPT ALL SELECT * FROM read_parquet('{y}'))"
            ).fetchall()[0][0]
            assert diff == 0, f"{name}: {diff} row(s) of {x} not in {y}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_workbook_has_every_column_and_vocabulary_value(tmp_path, lang):
    wb = load_workbook(make_workbook(tmp_path / "wb.xlsx", lang))
    assert wb.sheetnames[0] == HOWTO_SHEET
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    assert {t.name for t in ALL_TABLES} <= set(wb.sheetnames)
    lists = {col[0].value: [c.value for c in col[1:] if c.value is not None] for col in wb[LISTS_SHEET].iter_cols()}
    for spec in TABLE_ORDER:
        ws = wb[spec.name]
        header = [c.value for c in ws[1]]
        assert header == list(spec.column_names), spec.name
        for c, cell in zip(spec.columns, ws[1], strict=True):
            assert cell.comment is not None and ("REQUIRED" if c.required else "optional") in cell.comment.text
            assert "Meaning:" in cell.comment.text and "Format:" in cell.comment.text
        validated = {str(dv.sqref).split(":")[0][:-1]: dv for dv in ws.data_validations.dataValidation}
        for j, c in enumerate(spec.columns):
            letter = ws.cell(row=1, column=j + 1).column_letter
            if c.kind == VOCAB:
                assert lists[c.vocab.name] == [t.label(lang) for t in c.vocab.terms]
                dv = validated[letter]
                assert dv.type == "list" and LISTS_SHEET in dv.formula1
            if c.kind == DATE:
                assert ws.column_dimensions[letter].number_format == "@"
    for ws in wb.worksheets:  # no cell formulas anywhere
        assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_with_data_warns_that_it_is_confidential(tmp_path):
    wb = load_workbook(make_workbook(tmp_path / "wb.xlsx", "en", ROOT / "data" / "raw"))
    assert "CONFIDENTIAL" in wb[HOWTO_SHEET]["A1"].value
    blank = load_workbook(make_workbook(tmp_path / "blank.xlsx", "en"))
    assert "CONFIDENTIAL" not in (blank[HOWTO_SHEET]["A1"].value or "")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_round_trip_of_the_shipped_data(tmp_path, lang):
    raw = tmp_path / "raw"
    raw.mkdir()
    make_workbook(raw / "monitors.xlsx", lang, ROOT / "data" / "raw")
    assert_same_parquet(compile_dir(ROOT / "data" / "raw", tmp_path / "a"), compile_dir(raw, tmp_path / "b"))


@pytest.mark.slow
def test_round_trip_of_10000_synthetic_incidents(tmp_path):
    synth.generate(tmp_path / "csv", 10_000)
    raw = tmp_path / "raw"
    raw.mkdir()
    make_workbook(raw / "monitors.xlsx", "az", tmp_path / "csv")
    a, b = compile_dir(tmp_path / "csv", tmp_path / "a"), compile_dir(raw, tmp_path / "b")
    assert_same_parquet(a, b)
    rejects = [list(csv.DictReader(open(p / "rejects.csv", encoding="utf-8"))) for p in (a, b)]
    assert len(rejects[0]) == len(rejects[1]) > 0  # the planted problems, found in both


@pytest.mark.parametrize("lang", LANGUAGES)
def test_filled_workbook_compiles_with_exactly_the_expected_rejects(tmp_path, lang):
    raw = tmp_path / "raw"
    raw.mkdir()
    path = make_workbook(raw / "filled.xlsx", lang)
    wb = load_workbook(path)
    for spec in ALL_TABLES:
        rows = fixtures.rows(spec.name)
        if spec.name == "assaults":
            rows[0]["victim_role"] = "Журналист"  # a Russian label
            rows[1]["date"] = "2020-13-45"  # a bad date
            bad_id = rows[1]["incident_id"]
        ws = wb[spec.name]
        for i, row in enumerate(rows, start=2):
            for j, name in enumerate(spec.column_names, start=1):
                if row.get(name):
                    ws.cell(row=i, column=j, value=row[name])
    wb.save(path)
    out = compile_dir(raw, tmp_path / "out")
    rejects = list(csv.DictReader(open(out / "rejects.csv", encoding="utf-8")))
    assert [(r["file"], r["column"], r["value"], r["line"]) for r in rejects] == [
        ("filled.xlsx:assaults", "date", "2020-13-45", "3")
    ]
    got = duckdb.sql(f"SELECT incident_id, victim_role FROM read_parquet('{out / 'incidents.parquet'}')").fetchall()
    assert bad_id not in {r[0] for r in got}
    assert (fixtures.rows("assaults")[0]["incident_id"], "journalist") in got


def test_a_table_both_in_a_workbook_and_a_file_is_fatal(tmp_path, capsys):
    raw = fixtures.write_raw(tmp_path / "raw")
    make_workbook(tmp_path / "wb.xlsx", "en", raw)
    shutil.copy(tmp_path / "wb.xlsx", raw / "monitors.xlsx")
    assert etl_main(["--raw", str(raw), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "keep only one" in capsys.readouterr().err
