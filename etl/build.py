"""A build in progress: its problems, inputs, outputs, and the atomic publish step."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pressfreedom.paths import builds_dir_for
from pressfreedom.schema import SCHEMA_VERSION

REJECT_COLUMNS = ("file", "record", "line", "column", "value", "reason")
KEEP_BUILDS = 3
VALUE_PREVIEW = 200  # characters of a bad value kept in rejects.csv
ROW_GROUP = 131_072  # rows per Parquet row group (at most): lets DuckDB scan an output in parallel
# Columns of free text or (nearly) all-distinct values. PLAIN ones are written without a
# dictionary (Parquet would build one per row group only to drop it); none of these is filtered
# by range, so their min/max statistics would be written for nothing. Together ~20 % less CPU
# for writing incidents.parquet at 1M rows (docs/performance.md).
PLAIN_COLUMNS = frozenset({"incident_id", "summary", "source_locators", "notes"})
NO_STATISTICS = frozenset(
    {"summary", "source_locators", "notes", "victim", "location", "outlet", "related_ids", "source_ids"}
)
WRITE_AHEAD = 2  # parts waiting for the writer thread at most
Part = pa.Table | Callable[[], pa.Table]


class FatalInputError(Exception):
    """An input the ETL cannot read at all: nothing is published (exit 2)."""

    def __init__(self, file: str, reason: str, column: str | None = None):
        self.file, self.reason, self.column = file, reason, column
        where = f"{file}" + (f", column '{column}'" if column else "")
        super().__init__(f"{where}: {reason}")


@dataclass
class Build:
    """Collects everything a run learns; writes files only into its own new folder."""

    out: Path  # the published path (a symlink to the current build)
    public: bool = True
    started: float = field(default_factory=time.time)
    problems: list[tuple] = field(default_factory=list)  # REJECT_COLUMNS tuples
    rejected_records: dict[str, set[int]] = field(default_factory=dict)
    inputs: dict[str, dict] = field(default_factory=dict)
    outputs: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    skipped_inputs: list[dict] = field(default_factory=list)
    withheld: dict[str, int] = field(default_factory=dict)  # rows left out for confidentiality
    # (file, column, value as written, code) -> [rows, first record]: labels read as codes
    labels_read: dict[tuple, list[int]] = field(default_factory=dict)
    verbose: bool = True
    _writer_thread: ThreadPoolExecutor | None = field(default=None, repr=False)
    _pending: deque[Future] = field(default_factory=deque, repr=False)

    def __post_init__(self) -> None:
        self.build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}"
        self.builds = builds_dir_for(self.out)
        self.dir = self.builds / self.build_id
        self.dir.mkdir(parents=True, exist_ok=False)

    # -- progress -------------------------------------------------------------------
    def log(self, message: str) -> None:
        if self.verbose:
            print(f"[etl {time.time() - self.started:6.2f}s] {message}", flush=True)

    # -- bookkeeping ---------------------------------------------------------------
    def add_input(self, file: str, path: Path | None, rows: int, sha256: str | None = None) -> None:
        self.inputs[file] = {"sha256": sha256 or (sha256_of(path) if path else None), "rows": rows}

    def add_problems(self, file: str, rows: list[tuple]) -> None:
        """rows: (record, line, column, value, reason); the record is rejected."""
        rejected = self.rejected_records.setdefault(file, set())
        for record, line, column, value, reason in rows:
            text = "" if value is None else str(value)
            if len(text) > VALUE_PREVIEW:
                text = text[:VALUE_PREVIEW] + f"… ({len(text)} characters)"
            self.problems.append((file, record, line, column, text, reason))
            rejected.add(int(record))

    def rejected_count(self, file: str) -> int:
        return len(self.rejected_records.get(file, ()))

    # -- writing -------------------------------------------------------------------
    def open_writer(self, name: str) -> TableWriter:
        """A Parquet output written part by part (each split into row groups of ROW_GROUP)."""
        return TableWriter(self, name)

    def submit(self, work: Callable[[], None]) -> None:
        """Run ``work`` on the build's writer thread (in the order submitted), so that encoding
        and compressing overlaps with reading and checking the next chunk. At most WRITE_AHEAD
        parts wait; a failure surfaces at the next submit or drain."""
        if self._writer_thread is None:
            self._writer_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="etl-writer")
        while len(self._pending) >= WRITE_AHEAD:
            self._pending.popleft().result()
        self._pending.append(self._writer_thread.submit(work))

    def drain(self, raise_errors: bool = True) -> None:
        """Wait until everything submitted is written (all of it, also after a failure)."""
        failure: BaseException | None = None
        while self._pending:
            try:
                self._pending.popleft().result()
            except BaseException as e:  # noqa: BLE001 - re-raised below once all is done
                failure = failure or e
        if failure is not None and raise_errors:
            raise failure

    def write_table(
        self, name: str, table: pa.Table | pa.RecordBatchReader | Iterable[pa.Table | pa.RecordBatchReader | Part]
    ) -> None:
        """Write one output; readers and iterables are streamed, one after the other into the
        same file (a callable part is made on the writer thread)."""
        writer = self.open_writer(name)
        parts = [table] if isinstance(table, pa.Table | pa.RecordBatchReader) else table
        try:
            for part in parts:
                if isinstance(part, pa.Table) or callable(part):
                    writer.write(part)
                    continue
                writer.write(part.schema.empty_table())
                for batch in part:
                    writer.write(pa.Table.from_batches([batch], schema=part.schema))
        finally:
            close = getattr(parts, "close", None)
            if close is not None:
                close()  # a generator's own clean-up runs now, also on an error here
            writer.close()

    # -- starting a stage over ---------------------------------------------------------
    def checkpoint(self) -> dict:
        """What a stage may add to, so that it can be rolled back and run again."""
        return {
            "problems": len(self.problems),
            "rejected": set(self.rejected_records),
            "inputs": set(self.inputs),
            "outputs": set(self.outputs),
            "warnings": len(self.warnings),
            "withheld": dict(self.withheld),
            "labels": {k: list(v) for k, v in self.labels_read.items()},
            "files": {p.name for p in self.dir.iterdir()},
        }

    def rollback(self, mark: dict) -> None:
        del self.problems[mark["problems"] :]
        del self.warnings[mark["warnings"] :]
        for key in set(self.rejected_records) - mark["rejected"]:
            del self.rejected_records[key]
        for key in set(self.inputs) - mark["inputs"]:
            del self.inputs[key]
        for key in set(self.outputs) - mark["outputs"]:
            del self.outputs[key]
        self.withheld = dict(mark["withheld"])
        self.labels_read = {k: list(v) for k, v in mark["labels"].items()}
        for p in self.dir.iterdir():
            if p.name not in mark["files"]:
                p.unlink()

    def label_warnings(self) -> list[str]:
        """One warning per vocabulary value read as a code although not written as one."""
        return [
            f"{file}: column {column!r}: read {value!r} as the code {code!r} "
            f"({n} row{'s' if n != 1 else ''}, first record {first})"
            for (file, column, value, code), (n, first) in sorted(self.labels_read.items(), key=str)
        ]

    def write_reports(self) -> None:
        self.problems.sort(key=lambda p: (p[0], int(p[1]), p[3], p[5]))
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(REJECT_COLUMNS)
        w.writerows(self.problems)
        (self.dir / "rejects.csv").write_text(buf.getvalue(), encoding="utf-8")
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "build_id": self.build_id,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "public": self.public,
            "inputs": self.inputs,
            "skipped_inputs": self.skipped_inputs,
            "outputs": self.outputs,
            "withheld_rows": self.withheld,
            "rejected_rows": sum(len(v) for v in self.rejected_records.values()),
            "rejected_by_file": {k: len(v) for k, v in sorted(self.rejected_records.items()) if v},
            "problems": len(self.problems),
            "warnings": self.warnings + self.label_warnings(),
            "seconds": round(time.time() - self.started, 3),
        }
        (self.dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")

    def fsync_dir(self) -> None:
        for p in self.dir.iterdir():
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())

    def publish(self) -> None:
        """Flip the published symlink to this build in one atomic rename."""
        self.fsync_dir()
        tmp = self.out.parent / f".{self.out.name}.{self.build_id}.tmp"
        target = os.path.relpath(self.dir, self.out.parent)
        os.symlink(target, tmp)
        if self.out.exists() and not self.out.is_symlink():
            raise FatalInputError(str(self.out), "output path exists and is not a symlink made by the ETL")
        os.replace(tmp, self.out)  # atomic on POSIX
        self._prune()

    def discard(self) -> None:
        self.drain(raise_errors=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def _prune(self) -> None:
        current = self.dir.name
        olds = sorted(p for p in self.builds.iterdir() if p.is_dir() and p.name != current)
        for p in olds[: max(0, len(olds) - (KEEP_BUILDS - 1))]:
            shutil.rmtree(p, ignore_errors=True)


class TableWriter:
    """One Parquet output of a build, written in parts; its row count goes into ``outputs``
    (the key is taken when it is opened, so the manifest lists outputs in the order begun)."""

    def __init__(self, build: Build, name: str):
        self.build, self.key = build, f"{name}.parquet"
        self.path = build.dir / self.key
        self.writer: pq.ParquetWriter | None = None
        self.rows = 0
        build.outputs[self.key] = 0

    def open(self, schema: pa.Schema) -> None:
        if self.writer is None:
            self.writer = parquet_writer(self.path, schema)

    def write(self, part: Part) -> None:
        """Queue a part (a table, or a function making one) for the writer thread."""
        self.build.submit(lambda: self._write(part() if callable(part) else part))

    def _write(self, table: pa.Table) -> None:
        self.open(table.schema)
        assert self.writer is not None
        if table.num_rows:
            if table.schema != self.writer.schema:
                table = table.cast(self.writer.schema)
            self.writer.write_table(table, row_group_size=ROW_GROUP)
            self.rows += table.num_rows

    def close(self) -> None:
        self.build.drain()
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        self.build.outputs[self.key] = self.rows


def parquet_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    """Every Parquet output is written with these settings (zstd; see PLAIN_COLUMNS)."""
    names = schema.names
    return pq.ParquetWriter(
        path,
        schema,
        compression="zstd",
        use_dictionary=[n for n in names if n not in PLAIN_COLUMNS] or False,
        write_statistics=[n for n in names if n not in NO_STATISTICS] or False,
    )


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
