"""A table read in many chunks compiles exactly as when it is read in one.

Large tables are streamed in chunks (etl/raw_tables.py), and a table longer than one chunk has
its date cells answered ahead (``validated.cells_ahead``). Neither may change what is compiled
or reported: the shipped data plus rows with every kind of date cell (each written form,
impossible and future dates, years before the cells ahead, spaces, serial numbers, slashes) is
compiled with the default chunk size (one chunk per table) and with 8 KB chunks, and every
output table and the rejects report must be the same.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from etl import raw_tables, validated
from pressfreedom.paths import RAW_DIR
from tests import fixtures

DATE_CELLS = [
    "2020-03-05",
    "2020-03",
    "2020",
    "05.03.2020",
    "5.3.2020",
    " 2020-03-05 ",
    "2020-02-30",
    "31.02.2020",
    "2020-13",
    "1989-07-01",
    "1989",
    "2099-01-01",
    "43900",
    "03/05/2020",
    "not a date",
    "",
]


def _raw_with_dates(raw: Path) -> Path:
    shutil.copytree(RAW_DIR, raw)
    with open(raw / "sources.csv", newline="", encoding="utf-8") as fh:
        source = next(csv.DictReader(fh))["source_id"]
    path = raw / "detentions.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with open(path, "a", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        for i, cell in enumerate(DATE_CELLS * 3):
            row = fixtures._incident(
                incident_id=f"CHUNK-{i}",
                date=cell,
                victim="Chunk Test Person",
                source_ids=source,
            )
            row.update(detention_type="arrest", released_on=DATE_CELLS[(i + 5) % len(DATE_CELLS)])
            w.writerow({c: row.get(c, "") for c in header})
    return raw


def _compile(raw: Path, out: Path) -> None:
    fixtures.compile_raw(raw, out)


def test_many_chunks_compile_as_one(tmp_path, monkeypatch):
    raw = _raw_with_dates(tmp_path / "raw")
    assert (raw / "detentions.csv").stat().st_size > 3 * 8192  # several chunks below
    _compile(raw, tmp_path / "one")

    ahead = []
    real_ahead = validated.cells_ahead
    monkeypatch.setattr(raw_tables, "CHUNK_BYTES", 8192)
    monkeypatch.setattr(raw_tables, "BLOCK_BYTES", 1 << 20)
    monkeypatch.setattr(validated, "cells_ahead", lambda kind: ahead.append(kind) or real_ahead(kind))
    _compile(raw, tmp_path / "many")
    assert "date" in ahead, "the chunked run did not answer date cells ahead"

    rejects = _compare(tmp_path / "one", tmp_path / "many")
    for cell in ("2020-02-30", "43900", "03/05/2020", "2099-01-01", "not a date"):
        assert cell in rejects, cell  # the bad cells are reported


def _compare(one: Path, many: Path) -> str:
    names = sorted(p.name for p in one.glob("*.parquet"))
    assert names == sorted(p.name for p in many.glob("*.parquet"))
    for name in names:
        a, b = pq.read_table(one / name), pq.read_table(many / name)
        assert a.schema.equals(b.schema, check_metadata=False), name
        assert a.equals(b), f"{name} differs when read in chunks"
    rejects = (one / "rejects.csv").read_text(encoding="utf-8")
    assert rejects == (many / "rejects.csv").read_text(encoding="utf-8")
    return rejects


def test_a_damaged_line_after_the_first_chunk_starts_the_table_over(tmp_path, monkeypatch):
    """A blank line and a quoted line break near the end of a table read in chunks: the
    incident stage starts over with that table read exactly; same output as in one chunk."""
    raw = _raw_with_dates(tmp_path / "raw")
    with open(raw / "detentions.csv", "a", newline="", encoding="utf-8") as fh:
        fh.write("\n")
        header = (raw / "detentions.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        w = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        row = fixtures._incident(incident_id="CHUNK-NL", date="2020-03-05", victim="Chunk Test Person")
        row.update(summary="Two lines:\nthe second one.", detention_type="arrest")
        w.writerow({c: row.get(c, "") for c in header})
    _compile(raw, tmp_path / "one")
    monkeypatch.setattr(raw_tables, "CHUNK_BYTES", 8192)
    monkeypatch.setattr(raw_tables, "BLOCK_BYTES", 1 << 20)
    starts = []
    real = raw_tables.SlowPathNeeded.__init__
    monkeypatch.setattr(
        raw_tables.SlowPathNeeded, "__init__", lambda self, file: starts.append(file) or real(self, file)
    )
    _compile(raw, tmp_path / "many")
    assert starts == ["detentions.csv"], "the chunked run did not start the table over"
    _compare(tmp_path / "one", tmp_path / "many")


@pytest.mark.parametrize("cell", ["2020", "2020-03", "2020-03-05", "05.03.2020"])
def test_cells_ahead_cover_the_written_forms(cell):
    ahead = set(validated.cells_ahead("date").to_pylist())
    assert cell in ahead
    assert validated.cells_ahead("vocab") is None
