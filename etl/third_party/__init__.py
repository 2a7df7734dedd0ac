"""Third-party context inputs (RSF index, Citizen Lab test list, OONI measurements).

Each importer is a module with ``run(raw_dir, build, con)`` that reads its own sub-folder of
the raw folder when present, reports unreadable files and bad rows through ``build`` (manifest
``skipped_inputs`` and rejects), and writes its own Parquet table. A missing folder is not an
error: the context data is optional.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.build import Build

IMPORTERS: tuple[str, ...] = ("rsf", "citizenlab", "ooni")  # module names under etl.third_party, run in this order


def run(raw_dir: Path, build: Build, con: duckdb.DuckDBPyConnection) -> None:
    import importlib

    for name in IMPORTERS:
        importlib.import_module(f"etl.third_party.{name}").run(raw_dir, build, con)
