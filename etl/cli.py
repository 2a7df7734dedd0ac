"""`python -m etl [--raw DIR] [--out DIR] [--strict] [--internal]`.

Exit codes: 0 compiled (rejects possible), 1 with --strict when any row was rejected
(nothing is published then), 2 on a fatal input error (nothing is published).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from etl import compiled, raw_tables, validated
from etl.build import Build, FatalInputError
from pfd.paths import DEFAULT_PROCESSED_DIR, INTERNAL_DIR, RAW_DIR


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
    args = parse_args(argv)
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
    if rejected:
        _print_problems(build)
        print(f"etl: full list in {out / 'rejects.csv'}")
    return 0


def compile_all(raw_dir: Path, build: Build) -> None:
    if not raw_dir.is_dir():
        raise FatalInputError(str(raw_dir), "input folder does not exist")
    con = duckdb.connect()
    try:
        raws = raw_tables.run(raw_dir, build)
        clean = validated.run(raws, build, con)
        compiled.run(clean, build, con)
        from etl import context

        context.run(raw_dir, build, con)
        reconcile(raws, build)
        build.write_reports()
    finally:
        con.close()


def reconcile(raws: dict, build: Build) -> None:
    """Nothing is lost: every input row is compiled or rejected (a failure here is a bug)."""
    for name, raw in raws.items():
        compiled_rows = build.outputs.get(f"{name}.parquet", 0)
        rejected = build.rejected_count(raw.file)
        withheld = build.withheld.get(name, 0)
        if raw.input_rows != compiled_rows + rejected + withheld:
            raise AssertionError(
                f"{raw.file}: {raw.input_rows} input rows != {compiled_rows} compiled + {rejected} rejected"
            )


def _print_problems(build: Build, limit: int = 20) -> None:
    for file, record, line, column, value, reason in build.problems[:limit]:
        print(f"  {file} record {record} (line {line}) column {column!r} value {value!r}: {reason}", file=sys.stderr)
    if len(build.problems) > limit:
        print(f"  … and {len(build.problems) - limit} more", file=sys.stderr)
