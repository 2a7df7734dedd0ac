"""Save stage: the typed, clean rows as the Parquet files of the contract.

Confidentiality is applied here, at output: in the public build a confidential incident is
still counted, but every identifying field is withheld, and a person known only from
confidential incidents is left out of ``people.parquet``.

The incident tables are streamed: each chunk's clean rows go to ``incidents.parquet`` (kind
after kind, in input order: deterministic without sorting a million wide rows) and to the
kind's own table while the next chunk is read. The few rows that a deferred check (duplicate
ids, related ids, appeal_of) rejects after they were written are taken out again by
``withdraw``, which rewrites the files concerned (only when there are such rows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl import validated
from etl.build import ROW_GROUP, Build, parquet_writer
from etl.raw_tables import SlowPathNeeded
from etl.validated import IncidentTable, Validated, arrow_of, lit, q
from pressfreedom.schema import (
    DATE,
    INCIDENT_COLUMNS,
    INCIDENT_TABLES,
    LIST,
    NUMBER,
    REFERENCE_TABLES,
    WITHHELD,
    Col,
    TableSpec,
)
from pressfreedom.vocab import CATEGORY_SUBCATEGORY


def out_array(c: Col, t: pa.Table, public: bool) -> pa.ChunkedArray:
    """A typed column of parsed rows as written to Parquet, masked for confidential rows when
    public (a list keeps its length, each element withheld)."""
    v = t.column(c.name)
    if c.kind == NUMBER and c.whole:
        v = pc.cast(v, pa.int64())
    if public and c.identifying:
        conf = pc.fill_null(t.column("confidential"), False)
        if pc.any(conf).as_py():
            if c.kind == LIST:
                masked = pa.chunked_array([_withheld_elements(x) for x in v.chunks], v.type)
            elif c.name in ("victim", "summary"):
                masked = pa.scalar(WITHHELD, v.type)
            else:  # person_id and the other identifying text
                masked = pa.scalar(None, v.type)
            v = pc.if_else(conf, masked, v)
    return v


def _withheld_elements(lists: pa.ListArray) -> pa.ListArray:
    offsets = np.asarray(lists.offsets)
    offsets = offsets - offsets[0]
    values = pa.repeat(pa.scalar(WITHHELD, pa.string()), int(offsets[-1]))
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values, type=lists.type)


def out_sql(c: Col) -> str:
    """A typed column as written to Parquet (the reference tables, which are not masked)."""
    expr = q(c.name)
    if c.kind == NUMBER and c.whole:
        expr = f"CAST({expr} AS BIGINT)"
    return f"{expr} AS {q(c.name)}"


def incidents_table(spec: TableSpec, t: pa.Table, public: bool) -> pa.Table:
    """One kind's clean rows as rows of incidents.parquet."""
    type_col, _ = CATEGORY_SUBCATEGORY[spec.category]  # type: ignore[index]
    cols = {c.name: out_array(c, t, public) for c in spec.columns if c.name in INCIDENT_COLUMNS}
    cols["category"] = pa.repeat(pa.scalar(spec.category or "", pa.string()), t.num_rows)
    cols["subcategory"] = t.column(type_col)
    cols["date_precision"] = t.column("date__precision")
    return pa.table({name: cols[name] for name in INCIDENT_COLUMNS})


def kind_table(spec: TableSpec, t: pa.Table) -> pa.Table:
    """The kind's own columns (not masked: none of them identifies anyone)."""
    common = set(INCIDENT_COLUMNS)
    cols = {"incident_id": t.column("incident_id")}
    cols.update({c.name: out_array(c, t, False) for c in spec.columns if c.name not in common})
    for c in spec.columns:
        if c.kind == DATE and c.name not in common:
            cols[c.name + "__precision"] = t.column(c.name + "__precision")
    return pa.table(cols)


# Reference tables whose dates are written with their precision (``<column>__precision``): a
# custody report known only to the month or year confirms custody less precisely (query/custody.py).
PRECISION_REFERENCES = frozenset({"custody_reports"})
# People left out of people.parquet in the public build: known only from confidential incidents.
WITHHELD_PEOPLE = (
    "(SELECT person_id FROM conf_people EXCEPT SELECT person_id "
    "FROM all_clean_incidents WHERE NOT confidential AND person_id IS NOT NULL)"
)


def reference_sql(spec: TableSpec, clean_view: str, public: bool) -> str:
    cols = [out_sql(c) for c in spec.columns]
    if spec.name in PRECISION_REFERENCES:
        cols += [q(c.name + "__precision") for c in spec.columns if c.kind == DATE]
    where = ""
    if spec.name == "people" and public:
        # keep a person only if at least one public (non-confidential) incident names them,
        # or no incident names them at all (a person listed for search)
        # (a confidential incident that was rejected still keeps its person out: conf_people
        # lists the people of every confidential input row, compiled or not)
        where = f" WHERE person_id NOT IN {WITHHELD_PEOPLE}"
    if spec.name == "custody_reports" and public:
        # a withheld person's custody reports are withheld with them (they name the person)
        where = f" WHERE person_id NOT IN {WITHHELD_PEOPLE}"
    return f"SELECT {', '.join(cols)} FROM {clean_view}{where} ORDER BY {q(spec.key)}"


# -- the stage -------------------------------------------------------------------------------------


def run(con: duckdb.DuckDBPyConnection, checked: Validated, build: Build) -> None:
    """Save: the incident tables' clean rows streamed to incidents.parquet and the four kind
    tables (rows a deferred check rejected after they were written taken out again), then the
    reference tables (people as the incidents written allow)."""
    write_incidents(checked, build)
    withdraw(build, checked.tables, checked.withdrawn)
    write_references(checked.references, build, con)


# -- incidents: streamed -----------------------------------------------------------------------------


def write_incidents(checked: Validated, build: Build) -> None:
    """Write the incident tables as the validation stage checks them, chunk by chunk. A table
    that turns out to need the exact-line reader after its first chunk makes the stage start
    over (the build's state rolled back first)."""
    while True:
        mark = build.checkpoint()
        try:
            build.write_table("incidents", _incident_parts(checked, build))
        except SlowPathNeeded as e:
            build.rollback(mark)
            inp = next(inp for inp in checked.inputs.values() if inp.file == e.file)
            build.log(f"{e}: reading it again with the exact-line reader")
            inp.slow = True
            continue
        build.log(f"wrote incidents ({build.outputs.get('incidents.parquet', 0)} rows) and the four kind tables")
        return


def _incident_parts(checked: Validated, build: Build) -> Iterator[Callable[[], pa.Table]]:
    """incidents.parquet's parts (made on the writer thread); each chunk's kind table is
    queued for its own file on the way."""
    writers = {spec.name: build.open_writer(spec.name) for spec in INCIDENT_TABLES}
    try:
        for spec, clean in checked.incidents():
            writers[spec.name].write(lambda spec=spec, clean=clean: kind_table(spec, clean))
            yield lambda spec=spec, clean=clean: incidents_table(spec, clean, build.public)
    finally:
        for writer in writers.values():
            writer.close()


def withdraw(build: Build, tables: dict[str, IncidentTable], records: dict[str, np.ndarray]) -> None:
    """Take rows a deferred check rejected out of the incident outputs already written."""
    if not any(len(r) for r in records.values()):
        return
    in_incidents = []
    offset = 0
    for spec in INCIDENT_TABLES:
        written = np.concatenate(tables[spec.name].written) if tables[spec.name].written else np.zeros(0, np.int64)
        drop = np.searchsorted(written, records.get(spec.name, np.zeros(0, np.int64)))
        if drop.size:
            _rewrite_without(build, spec.name, drop)
        in_incidents.append(drop + offset)
        offset += written.size
    _rewrite_without(build, "incidents", np.concatenate(in_incidents))


def _rewrite_without(build: Build, name: str, positions: np.ndarray) -> None:
    path = build.dir / f"{name}.parquet"
    tmp = build.dir / f".{name}.parquet.tmp"
    src = pq.ParquetFile(path)
    rows = 0
    start = 0
    with parquet_writer(tmp, src.schema_arrow) as out:
        for i in range(src.num_row_groups):
            part = src.read_row_group(i)
            end = start + part.num_rows
            keep = np.ones(part.num_rows, bool)
            keep[positions[(positions >= start) & (positions < end)] - start] = False
            part = part.filter(pa.array(keep))
            if part.num_rows:
                out.write_table(part, row_group_size=ROW_GROUP)
            rows += part.num_rows
            start = end
    src.close()
    tmp.replace(path)
    build.outputs[f"{name}.parquet"] = rows


# -- reference tables --------------------------------------------------------------------------------


def write_references(refs: dict[str, validated.Reference], build: Build, con: duckdb.DuckDBPyConnection) -> None:
    incidents = build.dir / "incidents.parquet"
    con.execute(
        "CREATE OR REPLACE TEMP VIEW all_clean_incidents AS SELECT person_id, confidential "
        f"FROM read_parquet({lit(str(incidents))})"
    )
    for spec in REFERENCE_TABLES:
        clean = refs[spec.name].clean
        table = arrow_of(con, reference_sql(spec, clean, build.public))
        clean_rows = con.execute(f"SELECT count(*) FROM {clean}").fetchall()[0][0]
        if clean_rows != table.num_rows:
            build.withheld[spec.name] = clean_rows - table.num_rows
        build.write_table(spec.name, table)
    build.log(f"wrote {len(build.outputs)} tables ({build.outputs.get('incidents.parquet', 0)} incidents)")
