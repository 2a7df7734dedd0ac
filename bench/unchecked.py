"""`python -m bench.unchecked RAW OUT`: what the ETL must do besides checking, and nothing else.

A lower bound for the real ETL (``python -m etl``), run by the benchmark beside the floor: the
same CSVs parsed by pyarrow (every cell read as text, as the ETL reads them), the list columns
split, dates cast (only the full-day form, the cheapest of the four), the incident tables written
as ``incidents.parquet`` (the common columns) plus one table per kind (its own columns), with the
ETL's Parquet settings, the reference tables written as they are, and the sha256 of every input
(the manifest's). No check of any kind, no rejects, no confidential masks: its output is not a
valid build. Whole tables in memory (the real ETL streams), so its memory is not a bound.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from etl.build import ROW_GROUP, parquet_writer
from pressfreedom.schema import COMMON, DATE, INCIDENT_TABLES, LIST, LIST_SEP, REFERENCE_TABLES


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 24):
            h.update(block)
    return h.hexdigest()


def _typed(table: pa.Table, name: str, kind: str) -> pa.ChunkedArray:
    cells = table.column(name)
    if kind == LIST:
        return pc.split_pattern(cells, LIST_SEP)
    if kind == DATE:
        return pc.strptime(cells, format="%Y-%m-%d", unit="s", error_is_null=True).cast(pa.date32())
    return cells


def run(raw: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    hashes = [threading.Thread(target=_sha256, args=(p,)) for p in sorted(raw.glob("*.csv"))]
    for t in hashes:
        t.start()
    as_text = pacsv.ConvertOptions(strings_can_be_null=True, column_types={})
    incidents = None
    for spec in INCIDENT_TABLES:
        names = [c.name for c in spec.columns]
        options = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=True, include_columns=names
        )
        table = pacsv.read_csv(raw / f"{spec.name}.csv", convert_options=options)
        common = pa.table({c.name: _typed(table, c.name, c.kind) for c in COMMON})
        if incidents is None:
            incidents = parquet_writer(out / "incidents.parquet", common.schema)
        incidents.write_table(common, row_group_size=ROW_GROUP)
        own = [c for c in spec.columns if c not in COMMON]
        kind = pa.table(
            {"incident_id": table.column("incident_id")} | {c.name: _typed(table, c.name, c.kind) for c in own}
        )
        with parquet_writer(out / f"{spec.name}.parquet", kind.schema) as w:
            w.write_table(kind, row_group_size=ROW_GROUP)
    if incidents is not None:
        incidents.close()
    for spec in REFERENCE_TABLES:
        if not (raw / f"{spec.name}.csv").exists():  # optional tables (coverage, custody reports)
            continue
        table = pacsv.read_csv(raw / f"{spec.name}.csv", convert_options=as_text)
        pq.write_table(table, out / f"{spec.name}.parquet", compression="zstd")
    for t in hashes:
        t.join()


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]))
