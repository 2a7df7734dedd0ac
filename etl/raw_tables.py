"""Load stage: the monitors' files as they are, one Arrow table of strings per input.

Nothing is interpreted here beyond the file format: every cell stays a string (or null when
empty) so that the validation stage can report the value exactly as the monitor typed it.
Each row carries ``__record`` (1-based data record number) and ``__line`` (physical line in a
CSV, sheet row in an XLSX) for the rejects report.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from etl.build import Build, FatalInputError
from pfd.schema import ALL_TABLES, BOOL, CURRENCY, DATE, NUMBER, VOCAB, TableSpec

BOM = b"\xef\xbb\xbf"
csv.field_size_limit(sys.maxsize)  # a 1 MB cell is reported as too long, not a crash


@dataclass
class RawTable:
    spec: TableSpec
    file: str  # name shown in reports, e.g. "detentions.csv"
    path: Path | None
    table: pa.Table  # spec columns present in the file (strings) + __record, __line
    input_rows: int
    sha256: str | None = None
    problems: list[tuple] = field(default_factory=list)  # (record, line, column, value, reason)
    extra: list[str] = field(default_factory=list)  # header names outside the contract


def run(raw_dir: Path, build: Build) -> dict[str, RawTable]:
    """Load every input table of the contract found in ``raw_dir``."""
    tables: dict[str, RawTable] = {}
    for spec in ALL_TABLES:
        path = find_input(raw_dir, spec.name)
        if path is None:
            if spec.name == "sources":
                raise FatalInputError(f"{spec.name}.csv", "missing: every incident must cite a source table")
            build.warnings.append(f"{spec.name}: no {spec.name}.csv or .xlsx in {raw_dir}; treated as empty")
            tables[spec.name] = RawTable(spec, f"{spec.name}.csv", None, empty_table(spec), 0)
            continue
        raw = read_xlsx(path, spec) if path.suffix.lower() == ".xlsx" else read_csv(path, spec)
        build.log(f"read {raw.file}: {raw.input_rows} rows")
        if raw.extra:
            build.warnings.append(f"{raw.file}: extra column(s) left out of the output: {', '.join(raw.extra)}")
        build.add_input(raw.file, path, raw.input_rows, raw.sha256)
        tables[spec.name] = raw
    return tables


def find_input(raw_dir: Path, stem: str) -> Path | None:
    found = [p for p in (raw_dir / f"{stem}.csv", raw_dir / f"{stem}.xlsx") if p.is_file()]
    if len(found) > 1:
        raise FatalInputError(found[0].name, f"both {stem}.csv and {stem}.xlsx exist; keep only one")
    return found[0] if found else None


def empty_table(spec: TableSpec) -> pa.Table:
    cols = {c: pa.array([], pa.string()) for c in spec.column_names}
    cols["__record"] = pa.array([], pa.int64())
    cols["__line"] = pa.array([], pa.int64())
    return pa.table(cols)


# -- header ------------------------------------------------------------------------------


def check_header(file: str, header: list[str], spec: TableSpec, next_row: list[str] | None = None) -> list[str]:
    """Normalise header names; fail on duplicates or missing required columns."""
    names = [str(h or "").strip().lower() for h in header]
    seen: set[str] = set()
    for n in names:
        if n and n in seen:
            raise FatalInputError(file, f"the header names column '{n}' twice", column=n)
        seen.add(n)
    missing = [c for c in spec.required if c not in seen]
    if missing:
        hint = ""
        if len(names) == 1 and ";" in names[0]:
            hint = " The file seems to use ';' as separator: save it as comma-separated CSV."
        elif next_row and all(c in [str(v or "").strip().lower() for v in next_row] for c in missing):
            hint = " The header is on the second row: remove the title or merged row above it."
        raise FatalInputError(
            file,
            f"missing required column(s) {', '.join(missing)}; the first row must be the header "
            f"with the columns of docs/data-model.md.{hint}",
            column=missing[0],
        )
    return names


# -- CSV -------------------------------------------------------------------------------


def read_csv(path: Path, spec: TableSpec) -> RawTable:
    file = path.name
    sha, newlines, head, size, ends_with_newline = _scan(path)
    if head.startswith(BOM):
        head = head[len(BOM) :]
    head_text = _decode(head, file, final=size <= HEAD_BYTES)
    if not head_text.strip():
        raise FatalInputError(file, "the file is empty: expected a header row and data rows")
    first_rows = list(_first_rows(head_text, 2))
    header = check_header(file, first_rows[0], spec, first_rows[1] if len(first_rows) > 1 else None)
    table, problems = _read_fast(path, header, spec, newlines + (0 if ends_with_newline else 1))
    if table is None:
        data = path.read_bytes()
        text = _decode(data[len(BOM) :] if data.startswith(BOM) else data, file, final=True)
        del data
        table, problems = _read_slow(text, header)
    raw = _keep_contract_columns(table, header, spec)
    rows = raw.num_rows + len({p[0] for p in problems})
    return RawTable(spec, file, path, raw, rows, sha, problems, extra_columns(header, spec))


HEAD_BYTES = 1 << 16


def _scan(path: Path) -> tuple[str, int, bytes, int, bool]:
    """One streaming pass: sha256, newline count, the first bytes, size, trailing newline."""
    h = hashlib.sha256()
    newlines = size = 0
    head = b""
    last = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
            newlines += chunk.count(b"\n")
            if size < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - size]
            size += len(chunk)
            last = chunk[-1:]
    return h.hexdigest(), newlines, head, size, last == b"\n"


def _decode(data: bytes, file: str, final: bool) -> str:
    """Strict UTF-8 (a cut multi-byte character at the end is fine unless ``final``)."""
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise FatalInputError(
            file,
            f"not valid UTF-8 (byte 0x{data[e.start]:02x} on line {line}). Re-save the file as "
            "'CSV UTF-8' (Excel: File › Save As › CSV UTF-8; LibreOffice: Character set Unicode (UTF-8)). "
            "The ETL does not guess legacy encodings: a wrong guess garbles names.",
        ) from None


def _first_rows(text: str, n: int):
    reader = csv.reader(io.StringIO(text, newline=""))
    for i, row in enumerate(reader):
        if i >= n:
            return
        yield row


# Columns with few distinct values are read dictionary-encoded: smaller, and DuckDB parses
# each distinct value once instead of once per row.
LOW_CARDINALITY = (VOCAB, BOOL, DATE, NUMBER, CURRENCY)
DICT_STRING = pa.dictionary(pa.int32(), pa.string())


def _read_fast(path: Path, header: list[str], spec: TableSpec, physical_lines: int) -> tuple[pa.Table | None, list]:
    """pyarrow's multi-threaded reader; None when line numbers would not map 1:1.

    pyarrow also checks that every cell is valid UTF-8; on any error the slow path decodes the
    file itself and reports where.
    """
    invalid: list = []
    kinds = {c.name: c.kind for c in spec.columns}

    def on_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, use_threads=True),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={h: DICT_STRING if kinds.get(h) in LOW_CARDINALITY else pa.string() for h in header},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except pa.ArrowInvalid:
        return None, []
    if invalid or physical_lines != table.num_rows + 1:
        return None, []  # ragged rows, blank lines or quoted newlines: map lines exactly
    n = table.num_rows
    table = table.append_column("__record", pa.array(np.arange(1, n + 1, dtype=np.int64)))
    table = table.append_column("__line", pa.array(np.arange(2, n + 2, dtype=np.int64)))
    return table, []


def _read_slow(text: str, header: list[str]) -> tuple[pa.Table, list]:
    """Python's csv reader: exact physical lines, and ragged rows reported, not dropped."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    width = len(header)
    columns: list[list] = [[] for _ in range(width)]
    records, lines, problems = [], [], []
    record = 0
    start = reader.line_num + 1
    for row in reader:
        line = start
        start = reader.line_num + 1
        if not row or all(not c.strip() for c in row):
            continue  # blank line: not a record
        record += 1
        if len(row) != width:
            problems.append(
                (record, line, "", ",".join(row)[:200], f"wrong number of fields: expected {width}, found {len(row)}")
            )
            continue
        for i, v in enumerate(row):
            columns[i].append(v if v != "" else None)
        records.append(record)
        lines.append(line)
    arrays = {h: pa.array(columns[i], pa.string()) for i, h in enumerate(header)}
    arrays["__record"] = pa.array(records, pa.int64())
    arrays["__line"] = pa.array(lines, pa.int64())
    return pa.table(arrays), problems


def _keep_contract_columns(table: pa.Table, header: list[str], spec: TableSpec) -> pa.Table:
    n = table.num_rows
    cols = {}
    for name in spec.column_names:
        cols[name] = table.column(name) if name in header else pa.nulls(n, pa.string())
    cols["__record"] = table.column("__record")
    cols["__line"] = table.column("__line")
    return pa.table(cols)


def extra_columns(header: list[str], spec: TableSpec) -> list[str]:
    return [h for h in header if h and h not in spec.column_names]


# -- XLSX ------------------------------------------------------------------------------


def read_xlsx(path: Path, spec: TableSpec) -> RawTable:
    from openpyxl import load_workbook

    file = path.name
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a damaged file
        raise FatalInputError(file, f"cannot open as an Excel workbook ({type(e).__name__}: {e})") from None
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            raise FatalInputError(file, "the first sheet is empty: expected a header row and data rows")
        second = next(rows, None)
        header = check_header(file, [_cell(v) for v in first], spec, [_cell(v) for v in second] if second else None)
        width = len(header)
        columns: list[list] = [[] for _ in range(width)]
        records, lines = [], []
        record = 0
        sheet_row = 1
        for row in ([second] if second is not None else []) + [r for r in rows]:
            sheet_row += 1
            cells = [_cell(v) for v in row][:width] + [None] * max(0, width - len(row))
            if all(c is None for c in cells):
                continue
            record += 1
            for i, v in enumerate(cells):
                columns[i].append(v)
            records.append(record)
            lines.append(sheet_row)
    finally:
        wb.close()
    arrays = {h: pa.array(columns[i], pa.string()) for i, h in enumerate(header) if h}
    arrays["__record"] = pa.array(records, pa.int64())
    arrays["__line"] = pa.array(lines, pa.int64())
    raw = _keep_contract_columns(pa.table(arrays), [h for h in header if h], spec)
    return RawTable(spec, file, path, raw, raw.num_rows, sha, extra=extra_columns([h for h in header if h], spec))


def _cell(v) -> str | None:
    """An Excel cell as the string a monitor would have typed (dates as ISO)."""
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    s = str(v)
    return s if s.strip() != "" else None
