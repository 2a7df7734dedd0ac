"""Load stage: the monitors' files as they are, as Arrow tables of strings.

Nothing is interpreted here beyond the file format: every cell stays a string (or null when
empty; few-valued columns dictionary-encoded) so that the validation stage can report the value
exactly as the monitor typed it. Each row carries ``__record`` (1-based data record number) and
``__line`` (physical line in a CSV, sheet row in an XLSX) for the rejects report.

``run`` checks every header first (fatal errors before anything is read), reads the reference
tables whole (``TableInput.load``) and hands on the incident tables to be read chunk by chunk
(``TableInput.chunks``): a CSV 16 MB of whole lines at a time, on a reader thread one chunk ahead
of the caller, hashed in the same pass.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import sys
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from etl.build import Build, FatalInputError
from pressfreedom.schema import (
    ALL_TABLES,
    BOOL,
    CURRENCY,
    DATE,
    INCIDENT_TABLES,
    NUMBER,
    REFERENCE_TABLES,
    VOCAB,
    TableSpec,
)

BOM = b"\xef\xbb\xbf"
csv.field_size_limit(sys.maxsize)  # a 1 MB cell is reported as too long, not a crash


@dataclass
class RawTable:
    spec: TableSpec
    file: str  # name shown in reports, e.g. "detentions.csv"
    path: Path | None
    table: pa.Table  # spec columns (strings; few-valued ones may be dictionary-encoded) + __record, __line
    input_rows: int
    sha256: str | None = None
    problems: list[tuple] = field(default_factory=list)  # (record, line, column, value, reason)
    extra: list[str] = field(default_factory=list)  # header names outside the contract


@dataclass
class RawInputs:
    """What the load stage hands on: every input table (the incident tables still to be read,
    chunk by chunk, the first chunk already on its way) and the reference tables read whole."""

    tables: dict[str, TableInput]
    references: dict[str, RawTable]


def run(raw_dir: Path, build: Build) -> RawInputs:
    """Load: every header checked (fatal errors surface here, before anything is read), the
    small reference tables read whole, the incident tables opened to be streamed."""
    if not raw_dir.is_dir():
        raise FatalInputError(str(raw_dir), "input folder does not exist")
    inputs = open_inputs(raw_dir, build)
    inputs[INCIDENT_TABLES[0].name].prefetch()  # read while the reference tables are checked
    references = {}
    for spec in REFERENCE_TABLES:
        references[spec.name] = inputs[spec.name].load()
        record_input(build, inputs[spec.name])
    return RawInputs(inputs, references)


def open_inputs(raw_dir: Path, build: Build) -> dict[str, TableInput]:
    """Every input table of the contract found in ``raw_dir``, headers checked (fatal errors
    surface here, before anything is read); the rows are read later, chunk by chunk."""
    inputs: dict[str, TableInput] = {}
    in_workbooks = find_workbooks(raw_dir)
    for spec in ALL_TABLES:
        path = find_input(raw_dir, spec.name)
        sheet = None
        if spec.name in in_workbooks:
            if path is not None:
                raise FatalInputError(
                    path.name, f"the table is also a sheet of {in_workbooks[spec.name][0].name}; keep only one"
                )
            path, sheet = in_workbooks[spec.name]
        if path is None:
            if spec.name == "sources":
                raise FatalInputError(f"{spec.name}.csv", "missing: every incident must cite a source table")
            build.warnings.append(f"{spec.name}: no {spec.name}.csv or .xlsx in {raw_dir}; treated as empty")
            missing = RawTable(spec, f"{spec.name}.csv", None, empty_table(spec), 0)
            inputs[spec.name] = TableInput(spec, missing.file, None, _loaded=missing)
            continue
        if path.suffix.lower() == ".xlsx":
            raw = read_xlsx(path, spec, sheet)
            inp = TableInput(spec, raw.file, path, extra=raw.extra, _loaded=raw)
        else:
            inp = open_csv(path, spec)
        if inp.extra:
            build.warnings.append(f"{inp.file}: extra column(s) left out of the output: {', '.join(inp.extra)}")
        inputs[spec.name] = inp
    return inputs


def record_input(build: Build, inp: TableInput) -> None:
    """Once a table has been read: its row count and checksum for the manifest."""
    if inp.path is None:
        return
    build.log(f"read {inp.file}: {inp.input_rows} rows")
    build.add_input(inp.file, inp.path, inp.input_rows, inp.sha256)


def find_input(raw_dir: Path, stem: str) -> Path | None:
    found = [p for p in (raw_dir / f"{stem}.csv", raw_dir / f"{stem}.xlsx") if p.is_file()]
    if len(found) > 1:
        raise FatalInputError(found[0].name, f"both {stem}.csv and {stem}.xlsx exist; keep only one")
    return found[0] if found else None


def find_workbooks(raw_dir: Path) -> dict[str, tuple[Path, str]]:
    """Table name -> (workbook, sheet) for the workbooks in ``raw_dir`` (any .xlsx not named as a
    table, e.g. one made by ``python -m etl workbook``): each sheet named as a table is that table."""
    from pressfreedom.schema import BY_NAME

    found: dict[str, tuple[Path, str]] = {}
    for path in sorted(raw_dir.glob("*.xlsx")):
        if path.stem in BY_NAME or path.name.startswith(("~$", ".")):
            continue
        for sheet in xlsx_sheet_names(path):
            name = sheet.strip().lower()
            if name in BY_NAME:
                if name in found:
                    raise FatalInputError(
                        path.name, f"sheet '{sheet}' is also in {found[name][0].name}; keep the table in one file"
                    )
                found[name] = (path, sheet)
    return found


XLSX_MAX_UNPACKED = 256 << 20  # bytes of all parts of a workbook, unpacked
XLSX_MAX_RATIO = 200  # unpacked / packed size of one part beyond which it is a decompression bomb
XLSX_MAX_PARTS = 10_000
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def inspect_xlsx(path: Path) -> str | None:
    """Why a workbook must not be opened, or None: not an XLSX, a decompression bomb, links to
    other files (external workbook references, data connections), cell formulas (never
    evaluated: the ETL would read whatever value Excel last cached). Read from the zip's
    directory and the sheets' XML, streamed, before openpyxl parses anything."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return "not an Excel .xlsx workbook (save it as 'Excel Workbook (.xlsx)')"
    with zf:
        parts = zf.infolist()
        if len(parts) > XLSX_MAX_PARTS:
            return f"the workbook has {len(parts)} parts: refused as a possible decompression bomb"
        unpacked = sum(p.file_size for p in parts)
        if unpacked > XLSX_MAX_UNPACKED:
            return f"the workbook unpacks to {unpacked >> 20} MB: refused as a possible decompression bomb"
        for p in parts:
            if p.file_size > (1 << 20) and p.file_size > XLSX_MAX_RATIO * max(p.compress_size, 1):
                return f"part {p.filename} unpacks {p.file_size // max(p.compress_size, 1)}-fold: refused as a decompression bomb"
        names = [p.filename for p in parts]
        if any(n.startswith("xl/externalLinks/") for n in names) or "xl/connections.xml" in names:
            return "the workbook links to other files or data connections: copy the values into a new workbook"
        for p in parts:
            if not (p.filename.startswith("xl/worksheets/") and p.filename.endswith(".xml")):
                continue
            try:
                with zf.open(p) as fh:
                    tail = b""
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        if _FORMULA.search(tail + block):
                            sheet = p.filename.rsplit("/", 1)[-1]
                            return (
                                f"{sheet} holds cell formulas; formulas are never evaluated: "
                                "replace them by their values (Paste Special › Values)"
                            )
                        tail = block[-16:]
            except (zipfile.BadZipFile, OSError, EOFError) as e:
                return f"the workbook is damaged ({type(e).__name__})"
    return None


def xlsx_sheet_names(path: Path) -> list[str]:
    from openpyxl import load_workbook

    problem = inspect_xlsx(path)
    if problem:
        raise FatalInputError(path.name, problem)

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a damaged file
        raise FatalInputError(path.name, f"cannot open as an Excel workbook ({type(e).__name__}: {e})") from None
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


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

CHUNK_BYTES = 16 << 20  # a large CSV is parsed this many bytes (whole lines) at a time
HEAD_BYTES = 1 << 16
BLOCK_BYTES = CHUNK_BYTES // 4  # pyarrow parses a chunk in blocks of this size, in parallel
FEW_VALUES = (DATE, VOCAB, NUMBER, BOOL, CURRENCY)  # kinds read dictionary-encoded
DICT_STRING = pa.dictionary(pa.int32(), pa.string())


class SlowPathNeeded(Exception):
    """A large CSV turned out, after its first chunk, to need the exact-line reader.

    The chunks before were already handed on, so the caller starts that table over with
    ``slow=True`` (rare: blank lines, quoted newlines or ragged rows past the first chunk)."""

    def __init__(self, file: str):
        self.file = file
        super().__init__(f"{file}: line numbers do not map 1:1 past the first chunk")


@dataclass
class TableInput:
    """One input table, read chunk by chunk (``chunks()``); ``sha256`` and ``input_rows`` are
    known once the chunks are exhausted."""

    spec: TableSpec
    file: str
    path: Path | None
    header: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    slow: bool = False
    sha256: str | None = None
    input_rows: int = 0
    _loaded: RawTable | None = None  # XLSX (read whole) or a missing table
    _ahead: tuple | None = None  # (file, sha256, future of the first chunk) once prefetched
    read_all: bool = False  # the last chunk has been read (the caller may start on the next table)

    def prefetch(self) -> None:
        """Start reading the first chunk now, on the reader thread."""
        if self._loaded is None and self.path is not None and not self.slow and self._ahead is None:
            fh, h = open(self.path, "rb"), hashlib.sha256()  # noqa: SIM115 - closed by _fast
            self._ahead = (fh, h, _reader().submit(self._read_chunk, fh, h, 0, True))

    def chunks(self) -> Iterator[RawTable]:
        """The table as one or more RawTables in record order (``input_rows`` is their total)."""
        self.input_rows = 0
        self.read_all = False
        if self._ahead is not None and (self.slow or self._loaded is not None):
            fh, _, ahead = self._ahead
            self._ahead = None
            ahead.cancel() or ahead.exception()
            fh.close()
        if self._loaded is not None:
            self.input_rows, self.sha256 = self._loaded.input_rows, self._loaded.sha256
            yield self._loaded
            return
        assert self.path is not None
        if self.slow:
            yield self._slow()
            return
        yield from self._fast()

    def load(self) -> RawTable:
        """The whole table at once (small tables, tests)."""
        try:
            parts = list(self.chunks())
        except SlowPathNeeded:
            self.slow = True
            parts = list(self.chunks())
        table = parts[0].table if len(parts) == 1 else pa.concat_tables([p.table for p in parts])
        problems = [pr for p in parts for pr in p.problems]
        return RawTable(self.spec, self.file, self.path, table, self.input_rows, self.sha256, problems, self.extra)

    def _slow(self) -> RawTable:
        assert self.path is not None
        data = self.path.read_bytes()
        self.sha256 = hashlib.sha256(data).hexdigest()
        text = _decode(data[len(BOM) :] if data.startswith(BOM) else data, self.file, final=True)
        del data
        table, problems = _read_slow(text, self.header)
        raw = _keep_contract_columns(table, self.header, self.spec)
        self.input_rows = raw.num_rows + len({p[0] for p in problems})
        return RawTable(self.spec, self.file, self.path, raw, self.input_rows, self.sha256, problems, self.extra)

    def _fast(self) -> Iterator[RawTable]:
        """pyarrow's multi-threaded reader, CHUNK_BYTES of whole lines at a time, hashed in the
        same pass; the next chunk is read while the caller works on this one. A chunk whose
        rows are not exactly its physical lines (ragged rows, blank lines, quoted newlines, a
        cell pyarrow cannot read, invalid UTF-8) sends the table to the exact-line reader: at
        once when it is the first chunk, else via SlowPathNeeded."""
        assert self.path is not None
        self.prefetch()
        assert self._ahead is not None
        fh, h, ahead = self._ahead
        self._ahead = None
        records = 0
        with fh:
            try:
                while True:
                    chunk = ahead.result()
                    ahead = None
                    if chunk.table is None or chunk.table.num_rows != chunk.lines - (1 if chunk.first else 0):
                        if chunk.first:
                            self.slow = True
                            yield self._slow()
                            return
                        raise SlowPathNeeded(self.file)
                    if not chunk.at_end:
                        ahead = _reader().submit(self._read_chunk, fh, h, chunk.end, False)
                    self.read_all = chunk.at_end
                    table, n = chunk.table, chunk.table.num_rows
                    table = table.append_column("__record", pa.array(np.arange(records + 1, records + n + 1)))
                    table = table.append_column("__line", pa.array(np.arange(records + 2, records + n + 2)))
                    records += n
                    self.input_rows = records
                    del chunk
                    yield RawTable(
                        self.spec, self.file, self.path, _keep_contract_columns(table, self.header, self.spec), n
                    )
                    if ahead is None:
                        break
            finally:
                if ahead is not None:  # stopped early: let the read in flight finish before closing
                    ahead.cancel() or ahead.exception()
        self.sha256 = h.hexdigest()

    def _read_chunk(self, fh, h, pos: int, first: bool) -> _Chunk:
        """The whole lines from ``pos`` (about CHUNK_BYTES), hashed and parsed."""
        fh.seek(pos)
        blk = fh.read(CHUNK_BYTES)
        while len(blk) >= CHUNK_BYTES and b"\n" not in blk:  # one very long line
            more = fh.read(CHUNK_BYTES)
            if not more:
                break
            blk += more
        at_end = len(blk) < CHUNK_BYTES or not fh.peek(1)
        cut = len(blk) if at_end else blk.rfind(b"\n") + 1
        newlines = _hasher().submit(_hash_and_count, h, blk, cut)  # meanwhile pyarrow parses
        table = _parse_chunk(memoryview(blk)[:cut], self.header, self.spec, skip_header=first)
        lines = newlines.result() + (1 if at_end and cut and blk[cut - 1] != 10 else 0)
        return _Chunk(table, lines, pos + cut, at_end, first)


@dataclass
class _Chunk:
    table: pa.Table | None  # None: pyarrow could not read it as it is
    lines: int  # physical lines in it
    end: int  # byte offset after it
    at_end: bool
    first: bool


def open_csv(path: Path, spec: TableSpec, slow: bool = False) -> TableInput:
    """Check the header (fatal errors here) and return the table ready to be read."""
    file = path.name
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    if head.startswith(BOM):
        head = head[len(BOM) :]
    head_text = _decode(head, file, final=size <= HEAD_BYTES)
    if not head_text.strip():
        raise FatalInputError(file, "the file is empty: expected a header row and data rows")
    first_rows = list(_first_rows(head_text, 2))
    header = check_header(file, first_rows[0], spec, first_rows[1] if len(first_rows) > 1 else None)
    return TableInput(spec, file, path, header, extra_columns(header, spec), slow=slow)


def read_csv(path: Path, spec: TableSpec) -> RawTable:
    """A whole CSV as one RawTable."""
    return open_csv(path, spec).load()


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


_THREADS: dict[str, ThreadPoolExecutor] = {}


def _thread(name: str) -> ThreadPoolExecutor:
    if name not in _THREADS:
        _THREADS[name] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"etl-{name}")
    return _THREADS[name]


def _reader() -> ThreadPoolExecutor:
    return _thread("reader")


def _hasher() -> ThreadPoolExecutor:
    return _thread("sha256")


def _hash_and_count(h, blk: bytes, cut: int) -> int:
    """Add the chunk to the file's sha256; its number of newlines. Both let go of the GIL while
    they run (``bytes.count`` would hold it ~50 ms per 100 MB, stalling the checks meanwhile)."""
    h.update(memoryview(blk)[:cut])
    return int(np.count_nonzero(np.frombuffer(blk, np.uint8, cut) == 10))  # 10: b"\n"


def _parse_chunk(data: memoryview, header: list[str], spec: TableSpec, skip_header: bool) -> pa.Table | None:
    """Whole lines of a CSV as strings (empty cells null; few-valued columns dictionary-encoded,
    with one dictionary per column); None on anything the exact-line reader must handle
    (pyarrow also checks that every cell is valid UTF-8)."""
    invalid: list = []
    kinds = {c.name: c.kind for c in spec.columns}

    def on_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)),
            read_options=pacsv.ReadOptions(
                column_names=header,
                skip_rows=1 if skip_header else 0,
                use_threads=True,
                block_size=BLOCK_BYTES,  # a few blocks per chunk: parsed in parallel, few Arrow chunks
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={h: DICT_STRING if kinds.get(h) in FEW_VALUES else pa.string() for h in header},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except pa.ArrowInvalid:
        return None
    return None if invalid else table.unify_dictionaries()


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


def read_xlsx(path: Path, spec: TableSpec, sheet: str | None = None) -> RawTable:
    """The first sheet of a table's own .xlsx, or the named sheet of a workbook (the file shown
    in reports is then ``workbook.xlsx:sheet``)."""
    from openpyxl import load_workbook

    file = path.name if sheet is None else f"{path.name}:{sheet}"
    problem = inspect_xlsx(path)
    if problem:
        raise FatalInputError(file, problem)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a damaged file
        raise FatalInputError(file, f"cannot open as an Excel workbook ({type(e).__name__}: {e})") from None
    try:
        ws = wb.worksheets[0] if sheet is None else wb[sheet]
        rows = ws.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            raise FatalInputError(file, "the sheet is empty: expected a header row and data rows")
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
