"""Check uploaded files without writing to ``data/``: the entry point of the "Check a file" page.

``check_files([(name, bytes), ...])`` puts the uploaded tables (CSV or XLSX, one table each, or a
workbook with a sheet per table) into a temporary raw folder beside the other tables of
``data/raw``, compiles it there with the real ETL (same checks as ``make data``) and returns the
problems (file, row, column, value, reason), the rows that would compile and what would change
against the current build (added, changed field by field, removed, by id) for the tables
uploaded. Everything is written to a temporary folder that is removed afterwards.

Hostile or broken input raises ``Refused`` with a message for the monitor, never a traceback:
over ``MAX_UPLOAD_BYTES``, an XLSX decompression bomb, external links or formulas
(``raw_tables.inspect_xlsx``), a wrong encoding, an unknown table. A 1 MB cell is a problem of
its row (the ETL's cell limit), not a refusal.

The Streamlit layer imports this module (allowed in ``tests/test_architecture.py``): the check
*is* the ETL, run on other input, and a second implementation would drift from it.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl import raw_tables
from etl.build import Build, FatalInputError
from pressfreedom.paths import processed_dir, raw_dir
from pressfreedom.schema import BY_NAME, INCIDENT_TABLES, TableSpec

MAX_UPLOAD_BYTES = 20 << 20
SHOWN_CHANGES = 500  # changed fields listed at most (the counts are complete)


class Refused(Exception):
    """An upload the check will not read, with the reason for the monitor."""


@dataclass
class TableChange:
    table: str
    key: str
    rows: int  # rows that would compile
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)  # (id, column, before, after)
    changed_ids: int = 0


@dataclass
class CheckResult:
    problems: list[tuple]  # (file, record, line, column, value, reason)
    input_rows: dict[str, int]  # per uploaded table
    compiled_rows: dict[str, int]
    changes: list[TableChange]
    warnings: list[str]

    @property
    def rows_read(self) -> int:
        return sum(self.input_rows.values())

    @property
    def rows_ok(self) -> int:
        return sum(self.compiled_rows.values())

    @property
    def rejected_rows(self) -> int:
        return sum(self.input_rows.values()) - sum(self.compiled_rows.values())


def check_files(files: list[tuple[str, bytes]], raw: Path | None = None, current: Path | None = None) -> CheckResult:
    """``raw``: the other tables (default ``paths.raw_dir()``); ``current``: the build to compare
    with (default ``paths.processed_dir()``)."""
    others = raw or raw_dir()
    total = sum(len(data) for _, data in files)
    if total > MAX_UPLOAD_BYTES:
        raise Refused(f"The upload is {total / 2**20:.1f} MB; the limit is {MAX_UPLOAD_BYTES >> 20} MB.")
    if not files:
        raise Refused("No file was uploaded.")
    with tempfile.TemporaryDirectory(prefix="pfd-check-") as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        uploaded = place_uploads(files, raw)
        for p in sorted(others.iterdir()) if others.is_dir() else []:
            stem = p.stem.lower()
            if p.is_file() and p.suffix.lower() in (".csv", ".xlsx") and stem in BY_NAME and stem not in uploaded:
                shutil.copy(p, raw / p.name)
        build = Build(out=Path(tmp) / "out", public=True, verbose=False)
        from etl.cli import compile_all

        try:
            compile_all(raw, build)
        except FatalInputError as e:
            build.discard()
            raise Refused(str(e)) from None
        files_of = {name: build_file for name, build_file in uploaded.items()}
        problems = [p for p in build.problems if p[0] in set(files_of.values())]
        input_rows = {n: build.inputs.get(f, {}).get("rows", 0) for n, f in files_of.items()}
        compiled = {n: build.outputs.get(f"{n}.parquet", 0) for n, f in files_of.items()}
        changes = [diff_table(BY_NAME[n], build.dir, current or processed_dir(), compiled[n]) for n in sorted(uploaded)]
        warnings = [w for w in build.warnings + build.label_warnings() if any(f in w for f in files_of.values())]
        build.discard()
    return CheckResult(problems, input_rows, compiled, changes, warnings)


def place_uploads(files: list[tuple[str, bytes]], raw: Path) -> dict[str, str]:
    """Write the uploads into ``raw`` as the ETL expects them; table name -> file shown in reports."""
    uploaded: dict[str, str] = {}
    for i, (name, data) in enumerate(files):
        suffix = Path(name).suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise Refused(f"{name}: only .csv and .xlsx files can be checked.")
        stem = Path(name).stem.strip().lower()
        if suffix == ".xlsx":
            path = raw / f"upload-{i}.xlsx"
            path.write_bytes(data)
            problem = raw_tables.inspect_xlsx(path)
            if problem:
                raise Refused(f"{name}: {problem}")
            sheets = [s.strip().lower() for s in raw_tables.xlsx_sheet_names(path)]
            tables = [s for s in sheets if s in BY_NAME]
            if stem in BY_NAME:  # a table's own file: its first sheet
                target = raw / f"{stem}.xlsx"
                path.rename(target)
                _add(uploaded, stem, target.name)
            elif tables:
                wb = raw / f"{Path(name).stem}.xlsx"
                path.rename(wb)
                for t in tables:
                    _add(uploaded, t, f"{wb.name}:{t}")
            else:
                raise Refused(f"{name}: name the file as a table (e.g. detentions.xlsx) or its sheets as tables.")
        else:
            spec = BY_NAME.get(stem) or table_of_header(data)
            if spec is None:
                raise Refused(
                    f"{name}: cannot tell which table this is: name it as the table (e.g. detentions.csv) "
                    "or give it the table's header."
                )
            (raw / f"{spec.name}.csv").write_bytes(data)
            _add(uploaded, spec.name, f"{spec.name}.csv")
    return uploaded


def _add(uploaded: dict[str, str], table: str, file: str) -> None:
    if table in uploaded:
        raise Refused(f"The table {table} was uploaded twice ({uploaded[table]}, {file}); upload it once.")
    uploaded[table] = file


def table_of_header(data: bytes) -> TableSpec | None:
    """The table whose columns match a CSV's header best (every required column present)."""
    head = data[:65536].decode("utf-8", errors="replace").lstrip("\ufeff")
    first = next(iter(raw_tables._first_rows(head, 1)), [])
    names = {str(h).strip().lower() for h in first}
    fits = [s for s in BY_NAME.values() if set(s.required) <= names]
    return max(fits, key=lambda s: len(names & set(s.column_names)), default=None)


# -- what would change ---------------------------------------------------------------------------


def _rows(con: duckdb.DuckDBPyConnection, build_dir: Path, spec: TableSpec) -> dict[str, dict] | None:
    """Key -> row of a table in a build (incident tables: the common columns and the kind's)."""
    path = build_dir / f"{spec.name}.parquet"
    if not path.exists():
        return None
    if spec in INCIDENT_TABLES:
        inc = build_dir / "incidents.parquet"
        sql = (
            f"SELECT i.* EXCLUDE (category, subcategory, date_precision), k.* EXCLUDE (incident_id) "
            f"FROM read_parquet('{path}') k JOIN read_parquet('{inc}') i USING (incident_id)"
        )
    else:
        sql = f"SELECT * FROM read_parquet('{path}')"
    rel = con.sql(sql)
    cols = rel.columns
    return {str(r[cols.index(spec.key)]): dict(zip(cols, r, strict=True)) for r in rel.fetchall()}


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return " | ".join(_text(x) for x in v)
    return str(v)


def diff_table(spec: TableSpec, new_dir: Path, current: Path, compiled: int) -> TableChange:
    con = duckdb.connect()
    try:
        new = _rows(con, new_dir, spec) or {}
        old = (_rows(con, current, spec) if current.exists() else None) or {}
    finally:
        con.close()
    change = TableChange(spec.name, spec.key, compiled)
    change.added = sorted(set(new) - set(old))
    change.removed = sorted(set(old) - set(new))
    for key in sorted(set(new) & set(old)):
        fields = [
            (key, col, _text(old[key].get(col)), _text(value))
            for col, value in new[key].items()
            if col in old[key] and _text(old[key][col]) != _text(value)
        ]
        if fields:
            change.changed_ids += 1
            change.changed.extend(fields[: max(0, SHOWN_CHANGES - len(change.changed))])
    return change
