"""`python -m etl [--raw DIR] [--out DIR] [--strict] [--internal]`; `python -m etl workbook --help`.

Exit codes: 0 compiled (rejects possible), 1 with --strict when any row was rejected
(nothing is published then), 2 on a fatal input error (nothing is published).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import compiled, raw_tables, third_party, validated
from etl.build import Build, FatalInputError
from pressfreedom.paths import DEFAULT_PROCESSED_DIR, INTERNAL_DIR, RAW_DIR


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m etl", description=__doc__.split("\n")[0])
    p.add_argument("--raw", type=Path, default=RAW_DIR, help="folder of input tables (default data/raw)")
    p.add_argument("--out", type=Path, default=None, help="published output (default data/processed)")
    p.add_argument("--strict", action="store_true", help="exit 1 and publish nothing if any row is rejected")
    p.add_argument(
        "--internal",
        action="store_true",
        help="keep confidential names (writes to data/internal unless --out is given; never publish it)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["workbook"]:  # python -m etl workbook --out FILE.xlsx [--lang] [--with-data]
        from etl import workbook

        return workbook.main(argv[1:])
    args = parse_args(argv)
    use_jemalloc()
    out: Path = args.out or (INTERNAL_DIR if args.internal else DEFAULT_PROCESSED_DIR)
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    build = Build(out=out, public=not args.internal, verbose=not args.quiet)
    try:
        compile_all(args.raw, build)
    except FatalInputError as e:
        build.discard()
        print(f"etl: fatal: {e}", file=sys.stderr)
        print("etl: nothing was published; the previous output is unchanged.", file=sys.stderr)
        return 2
    except BaseException:
        build.discard()
        raise
    rejected = sum(len(v) for v in build.rejected_records.values())
    if args.strict and rejected:
        build.discard()
        print(f"etl: --strict: {rejected} row(s) rejected; nothing was published.", file=sys.stderr)
        _print_problems(build)
        return 1
    build.publish()
    print(f"etl: published {out} ({build.outputs.get('incidents.parquet', 0)} incidents, {rejected} rejected rows)")
    if build.labels_read:
        print(
            f"etl: {len(build.labels_read)} vocabulary value(s) read as codes from labels (warnings in manifest.json)"
        )
    if rejected:
        _print_problems(build)
        print(f"etl: full list in {out / 'rejects.csv'}")
    return 0


def use_jemalloc() -> None:
    """Arrow's jemalloc pool: the chunks the ETL streams through are allocated on reader threads
    and freed on others, which the default pool (mimalloc) keeps resident; jemalloc hands them
    back (peak RSS at 1M incidents ~510 MB instead of ~650 MB, a few % more CPU)."""
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:  # a pyarrow built without jemalloc: keep the default
        pass


def compile_all(raw_dir: Path, build: Build) -> None:
    """The stages in order: load (``raw_tables``) -> process (``validated``) -> save
    (``compiled``), then the optional context tables; the incident tables stream through
    the three stages chunk by chunk (only one chunk of one table in memory, plus the ids the
    checks across tables need)."""
    # DuckDB hands memory back after each query beyond 16 MB (its default keeps 128 MB cached)
    con = duckdb.connect(config={"allocator_flush_threshold": "16MB"})
    try:
        raw = raw_tables.run(raw_dir, build)
        checked = validated.run(con, raw, build)
        compiled.run(con, checked, build)
        third_party.run(raw_dir, build, con)
        reconcile(raw.tables, build)
        build.write_reports()
    finally:
        con.close()


def reconcile(inputs: dict, build: Build) -> None:
    """Nothing is lost: every input row is compiled or rejected (a failure here is a bug)."""
    for name, inp in inputs.items():
        compiled_rows = build.outputs.get(f"{name}.parquet", 0)
        rejected = build.rejected_count(inp.file)
        withheld = build.withheld.get(name, 0)
        if inp.input_rows != compiled_rows + rejected + withheld:
            raise AssertionError(
                f"{inp.file}: {inp.input_rows} input rows != {compiled_rows} compiled + {rejected} rejected"
            )


def _print_problems(build: Build, limit: int = 20) -> None:
    for file, record, line, column, value, reason in build.problems[:limit]:
        print(f"  {file} record {record} (line {line}) column {column!r} value {value!r}: {reason}", file=sys.stderr)
    if len(build.problems) > limit:
        print(f"  … and {len(build.problems) - limit} more", file=sys.stderr)
