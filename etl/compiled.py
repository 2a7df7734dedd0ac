"""Save stage: the typed, clean rows as the Parquet files of the contract.

Confidentiality is applied here, at output: in the public build a confidential incident is
still counted, but every identifying field is withheld, and a person known only from
confidential incidents is left out of ``people.parquet``.
"""

from __future__ import annotations

import duckdb

from etl.build import Build
from etl.validated import arrow_of, batches_of, lit, q
from pfd.schema import (
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
from pfd.vocab import CATEGORY_SUBCATEGORY


def out_expr(c: Col, public: bool) -> str:
    """A typed column as written to Parquet, masked for confidential rows when public."""
    expr = q(c.name)
    if c.kind == NUMBER and c.whole:
        expr = f"CAST({expr} AS BIGINT)"
    if public and c.identifying:
        if c.name == "person_id":
            masked = "NULL"
        elif c.kind == LIST:
            masked = f"list_transform({expr}, lambda x: {lit(WITHHELD)})"
        else:
            masked = lit(WITHHELD) if c.name in ("victim", "summary") else "NULL"
        expr = f"CASE WHEN confidential THEN {masked} ELSE {expr} END"
    return f"{expr} AS {q(c.name)}"


def incidents_sql(spec: TableSpec, clean_view: str, public: bool) -> str:
    """One kind's rows of incidents.parquet, in input order (the kinds follow each other)."""
    type_col, _ = CATEGORY_SUBCATEGORY[spec.category]  # type: ignore[index]
    cols = {c.name: out_expr(c, public) for c in spec.columns}
    cols["category"] = f"{lit(spec.category or '')} AS category"
    cols["subcategory"] = f"{q(type_col)} AS subcategory"
    cols["date_precision"] = "date__precision AS date_precision"
    return f"SELECT {', '.join(cols[n] for n in INCIDENT_COLUMNS)} FROM {clean_view}"


def kind_sql(spec: TableSpec, clean_view: str) -> str:
    common = set(INCIDENT_COLUMNS)
    cols = ["incident_id"] + [out_expr(c, False) for c in spec.columns if c.name not in common]
    extra = [f"{q(c.name + '__precision')}" for c in spec.columns if c.kind == DATE and c.name not in common]
    return f"SELECT {', '.join(cols + extra)} FROM {clean_view}"


def reference_sql(spec: TableSpec, clean_view: str, public: bool) -> str:
    cols = [out_expr(c, False) for c in spec.columns]
    where = ""
    if spec.name == "people" and public:
        # keep a person only if at least one public (non-confidential) incident names them,
        # or no incident names them at all (a person listed for search)
        # (a confidential incident that was rejected still keeps its person out: conf_people
        # lists the people of every confidential input row, compiled or not)
        where = (
            " WHERE person_id NOT IN (SELECT person_id FROM conf_people EXCEPT SELECT person_id "
            "FROM all_clean_incidents WHERE NOT confidential AND person_id IS NOT NULL)"
        )
    return f"SELECT {', '.join(cols)} FROM {clean_view}{where} ORDER BY {q(spec.key)}"


def run(clean: dict[str, str], build: Build, con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP VIEW all_clean_incidents AS "
        + " UNION ALL ".join(f"SELECT person_id, confidential FROM {clean[t.name]}" for t in INCIDENT_TABLES)
    )
    # input order, kind after kind: deterministic without sorting a million wide rows
    build.write_table(
        "incidents",
        (batches_of(con, incidents_sql(s, clean[s.name], build.public)) for s in INCIDENT_TABLES),
    )
    for spec in INCIDENT_TABLES:
        build.write_table(spec.name, batches_of(con, kind_sql(spec, clean[spec.name])))
    for spec in REFERENCE_TABLES:
        table = arrow_of(con, reference_sql(spec, clean[spec.name], build.public))
        clean_rows = con.execute(f"SELECT count(*) FROM {clean[spec.name]}").fetchall()[0][0]
        if clean_rows != table.num_rows:
            build.withheld[spec.name] = clean_rows - table.num_rows
        build.write_table(spec.name, table)
    build.log(f"wrote {len(build.outputs)} tables ({build.outputs.get('incidents.parquet', 0)} incidents)")
