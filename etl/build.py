"""A build in progress: its problems, inputs, outputs, and the atomic publish step."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pfd.paths import builds_dir_for
from pfd.schema import SCHEMA_VERSION

REJECT_COLUMNS = ("file", "record", "line", "column", "value", "reason")
KEEP_BUILDS = 3
VALUE_PREVIEW = 200  # characters of a bad value kept in rejects.csv


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
    verbose: bool = True

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
    def write_table(self, name: str, table: pa.Table | pa.RecordBatchReader | Iterable[pa.RecordBatchReader]) -> None:
        """Write one output; readers are streamed batch by batch (one row group each), one after
        the other into the same file."""
        path = self.dir / f"{name}.parquet"
        if isinstance(table, pa.Table):
            pq.write_table(table, path, compression="zstd")
            self.outputs[f"{name}.parquet"] = table.num_rows
            return
        readers = [table] if isinstance(table, pa.RecordBatchReader) else table
        rows = 0
        writer = None
        try:
            for reader in readers:
                if writer is None:
                    writer = pq.ParquetWriter(path, reader.schema, compression="zstd")
                for batch in reader:
                    writer.write_batch(batch.cast(writer.schema) if batch.schema != writer.schema else batch)
                    rows += batch.num_rows
        finally:
            if writer is not None:
                writer.close()
        self.outputs[f"{name}.parquet"] = rows

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
            "warnings": self.warnings,
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
        shutil.rmtree(self.dir, ignore_errors=True)

    def _prune(self) -> None:
        current = self.dir.name
        olds = sorted(p for p in self.builds.iterdir() if p.is_dir() and p.name != current)
        for p in olds[: max(0, len(olds) - (KEEP_BUILDS - 1))]:
            shutil.rmtree(p, ignore_errors=True)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
