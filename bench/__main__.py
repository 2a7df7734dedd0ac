"""`python -m bench [--rows N] [--json]`: the ETL and the overview, each as a ratio to a floor.

(`python -m bench ui [--rows N] [--repeat K]` is the browser benchmark: bench/ui.py.)

Every figure is measured in the same run as its floor so that the ratios hold on a noisy
machine. Synthetic input only (``bench.synth``), written to a temp folder, never data/raw.
See docs/performance.md for the figures and how to read them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import synth

ROOT = Path(__file__).resolve().parents[1]

FLOOR_SCRIPT = """
import sys
from pathlib import Path
import pyarrow.csv as pacsv, pyarrow.parquet as pq
raw, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for p in sorted(raw.glob("*.csv")):
    pq.write_table(pacsv.read_csv(p), out / (p.stem + ".parquet"), compression="zstd")
"""

PANDAS_SCRIPT = """
import sys
from pathlib import Path
import pandas as pd
raw, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for p in sorted(raw.glob("*.csv")):
    pd.read_csv(p).to_parquet(out / (p.stem + ".parquet"), compression="zstd")
"""


# Runs a module or a script and reports its own peak RSS (VmHWM) at exit. (wait4's ru_maxrss is
# not usable here: Linux carries the parent's high-water mark into a forked child.)
HARNESS = """
import atexit, runpy, sys
def _peak():
    for ln in open("/proc/self/status"):
        if ln.startswith("VmHWM:"):
            sys.__stderr__.write("\\nPEAK_KB " + ln.split()[1] + "\\n")
atexit.register(_peak)
mode, target, *rest = sys.argv[1:]
if mode == "-m":
    sys.argv = [target] + rest
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    sys.argv = ["-c"] + rest
    exec(compile(target, "<bench>", "exec"), {"__name__": "__main__"})
"""


def run_measured(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and the child's own peak RSS in MB. ``cmd`` is ["-m", module, *args] or ["-c", code, *args]."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", HARNESS, *cmd], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    seconds = time.perf_counter() - t0
    err = proc.stderr.decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:2]} exited {proc.returncode}: {err[-2000:]}")
    peak_kb = int(err.rsplit("PEAK_KB ", 1)[1].split()[0])
    return seconds, peak_kb / 1024


def best_of(cmd: list[str], repeat: int) -> tuple[float, float]:
    runs = [run_measured(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


# -- queries -----------------------------------------------------------------------------


def random_filters(seed: int, count: int):
    """Deterministic filter states like the overview's: a period plus sometimes kind/role filters."""
    import random
    from datetime import date

    from pressfreedom.filters import Filters, add_months, month_end
    from pressfreedom.vocab import CATEGORY, VICTIM_ROLE

    rnd = random.Random(seed)
    states = []
    for _ in range(count):
        start = date(rnd.randint(2000, 2023), rnd.randint(1, 12), 1)
        end = month_end(add_months(start, rnd.randint(0, 35)))
        cats = tuple(sorted(rnd.sample(CATEGORY.codes, rnd.randint(1, 3)))) if rnd.random() < 0.4 else ()
        roles = tuple(sorted(rnd.sample(VICTIM_ROLE.codes, rnd.randint(1, 3)))) if rnd.random() < 0.3 else ()
        count_mode = "people" if rnd.random() < 0.3 else "incidents"
        states.append(Filters(start=start, end=end, categories=cats, roles=roles, count=count_mode))
    return states


FALLBACK_OVERVIEW_SQL = """
SELECT GROUPING(month, category) AS level, month, category, count(*) AS incidents,
       count(DISTINCT person_id) + coalesce(sum(CASE WHEN person_id IS NULL THEN coalesce(group_size, 1) END), 0)
         AS people
FROM (SELECT date_trunc('month', i.date)::DATE AS month, i.category, i.person_id, i.group_size
      FROM read_parquet(?) i WHERE {where} AND i.date_precision <> 'year')
GROUP BY GROUPING SETS ((month, category), (category), ())
"""


def overview_impl():
    """pressfreedom.query.overview when the query layer has it, else the single-scan query above."""
    try:
        from pressfreedom import query as query_mod
    except ImportError:
        query_mod = None
    fn = getattr(query_mod, "overview", None) if query_mod else None
    if fn is not None:
        return "pressfreedom.query.overview", lambda q, f: fn(q, f)
    return "bench fallback (single-scan GROUPING SETS query)", None


def time_overview(processed: Path, states, repeat_floor: int = 20, layer_too: bool = True) -> dict:
    import duckdb

    incidents = str(processed / "incidents.parquet")
    name, fn = overview_impl()
    floor_sql = "SELECT date_trunc('month', date) AS month, category, count(*) FROM read_parquet(?) GROUP BY ALL"
    con = duckdb.connect()
    con.execute(floor_sql, [incidents]).fetchall()  # warm the OS cache like the app would be
    floor = []

    def floor_once() -> None:  # interleaved with the states: both meet the same load on a shared machine
        t0 = time.perf_counter()
        con.execute(floor_sql, [incidents]).fetchall()
        floor.append((time.perf_counter() - t0) * 1000)

    over, layer, single = [], [], []
    q, first = None, None
    try:
        from pressfreedom.query import Query

        t0 = time.perf_counter()
        q = Query(processed)
        if fn is not None:  # the first call per build also builds the per-build tables: timed apart
            fn(q, states[0])
            first = (time.perf_counter() - t0) * 1000
    except Exception:  # noqa: BLE001 - the query layer is optional for the bench
        q = None
    for f in states:
        floor_once()
        t0 = time.perf_counter()
        if fn is not None and q is not None:
            fn(q, f)
        else:
            where, params = f.where("i")
            con.execute(FALLBACK_OVERVIEW_SQL.format(where=where), [incidents] + params).fetchall()
        over.append((time.perf_counter() - t0) * 1000)
        where, params = f.where("i")  # the reference: the same numbers in one scan
        t0 = time.perf_counter()
        con.execute(FALLBACK_OVERVIEW_SQL.format(where=where), [incidents] + params).fetchall()
        single.append((time.perf_counter() - t0) * 1000)
        if layer_too and q is not None and hasattr(q, "kpis") and hasattr(q, "monthly"):
            t0 = time.perf_counter()
            q.kpis(f)
            q.monthly(f)
            layer.append((time.perf_counter() - t0) * 1000)
    while len(floor) < repeat_floor:
        floor_once()
    con.close()
    out = {
        "overview_impl": name,
        "query_floor_ms": round(statistics.median(floor), 2),
        "overview_ms": round(statistics.median(over), 2),
    }
    if first is not None:
        out["overview_first_ms"] = round(first, 2)
    out["single_scan_overview_ms"] = round(statistics.median(single), 2)
    if layer:
        out["query_layer_kpis_monthly_ms"] = round(statistics.median(layer), 2)
    return out


# -- validation approach spike -------------------------------------------------------------


def validation_spike(raw: Path) -> dict:
    """The same incident-column checks in pandera and in DuckDB SQL, over the same strings."""
    import duckdb
    import pandas as pd
    import pandera.pandas as pa_
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from pressfreedom.vocab import PERPETRATOR, VICTIM_ROLE

    cols = ["incident_id", "date", "victim", "victim_role", "perpetrator", "group_size", "summary", "source_ids"]
    parts = []
    for name in synth.SHARES:
        t = pacsv.read_csv(
            raw / f"{name}.csv",
            convert_options=pacsv.ConvertOptions(
                include_columns=cols, column_types={c: pa.string() for c in cols}, strings_can_be_null=True
            ),
        )
        parts.append(t)
    table = pa.concat_tables(parts)
    df = table.to_pandas()
    roles, perps = list(VICTIM_ROLE.codes), list(PERPETRATOR.codes)

    def valid_date(s: pd.Series) -> pd.Series:
        s = s.str.strip()
        ok = pd.Series(False, index=s.index)
        for pattern, fmt, suffix in (
            (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d", ""),
            (r"^\d{4}-\d{2}$", "%Y-%m-%d", "-01"),
            (r"^\d{4}$", "%Y-%m-%d", "-01-01"),
            (r"^\d{1,2}\.\d{1,2}\.\d{4}$", "%d.%m.%Y", ""),
        ):
            m = s.str.match(pattern).fillna(False).astype(bool)
            if m.any():
                parsed = pd.to_datetime(s[m] + suffix, format=fmt, errors="coerce")
                ok[m] = parsed.notna()
        return ok

    def non_negative(s: pd.Series) -> pd.Series:
        v = pd.to_numeric(s, errors="coerce")
        return s.isna() | (v.notna() & (v >= 0))

    schema = pa_.DataFrameSchema(
        {
            "incident_id": pa_.Column(str, nullable=False, unique=True),
            "date": pa_.Column(str, pa_.Check(valid_date), nullable=False),
            "victim": pa_.Column(str, nullable=False),
            "victim_role": pa_.Column(str, pa_.Check(lambda s: s.str.strip().str.lower().isin(roles)), nullable=False),
            "perpetrator": pa_.Column(str, pa_.Check(lambda s: s.str.strip().str.lower().isin(perps)), nullable=True),
            "group_size": pa_.Column(str, pa_.Check(non_negative), nullable=True),
            "summary": pa_.Column(str, nullable=False),
            "source_ids": pa_.Column(str, nullable=False),
        },
        coerce=False,
    )
    t0 = time.perf_counter()
    try:
        schema.validate(df, lazy=True)
        pandera_failures = 0
    except pa_.errors.SchemaErrors as e:
        pandera_failures = len(e.failure_cases)
    pandera_s = time.perf_counter() - t0

    def in_list(values):
        return "(" + ", ".join(f"'{v}'" for v in values) + ")"

    con = duckdb.connect()
    con.register("t", table)
    sql = f"""
    WITH p AS (SELECT *, nullif(trim(date), '') AS d, try_cast(group_size AS DOUBLE) AS g,
                      count(*) OVER (PARTITION BY incident_id) AS dup FROM t)
    SELECT count(*) FROM (
      SELECT incident_id FROM p WHERE incident_id IS NULL OR dup > 1
      UNION ALL SELECT incident_id FROM p WHERE d IS NULL OR CASE
        WHEN regexp_full_match(d, '\\d{{4}}-\\d{{2}}-\\d{{2}}') THEN try_strptime(d, '%Y-%m-%d')
        WHEN regexp_full_match(d, '\\d{{4}}-\\d{{2}}') THEN try_strptime(d || '-01', '%Y-%m-%d')
        WHEN regexp_full_match(d, '\\d{{4}}') THEN try_strptime(d || '-01-01', '%Y-%m-%d')
        WHEN regexp_full_match(d, '\\d{{1,2}}\\.\\d{{1,2}}\\.\\d{{4}}') THEN try_strptime(d, '%d.%m.%Y')
        END IS NULL
      UNION ALL SELECT incident_id FROM p WHERE victim IS NULL OR summary IS NULL OR source_ids IS NULL
      UNION ALL SELECT incident_id FROM p WHERE victim_role IS NULL
                OR lower(trim(victim_role)) NOT IN {in_list(roles)}
      UNION ALL SELECT incident_id FROM p WHERE perpetrator IS NOT NULL
                AND lower(trim(perpetrator)) NOT IN {in_list(perps)}
      UNION ALL SELECT incident_id FROM p WHERE group_size IS NOT NULL AND (g IS NULL OR g < 0))
    """
    t0 = time.perf_counter()
    duck_failures = con.execute(sql).fetchall()[0][0]
    duck_s = time.perf_counter() - t0
    con.close()
    return {
        "validate_rows": table.num_rows,
        "pandera_validate_seconds": round(pandera_s, 3),
        "duckdb_validate_seconds": round(duck_s, 3),
        "pandera_vs_duckdb": round(pandera_s / duck_s, 1) if duck_s else None,
        "pandera_failures": pandera_failures,
        "duckdb_failures": int(duck_failures),
    }


# -- main ------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln),
        platform.processor(),
    )
    mem_kb = next(
        (int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")), 0
    )
    return {"nproc": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1), "cpu": cpu}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["ui"]:  # the browser benchmark (bench/ui.py): its own flags
        from bench import ui

        return ui.main(argv[1:])
    ap = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__.split("\n")[0],
        epilog="python -m bench ui [--rows N] [--repeat K]: the browser benchmark (see bench/ui.py)",
    )
    ap.add_argument("--rows", type=int, default=1_000_000, help="synthetic incidents (default 1,000,000)")
    ap.add_argument("--json", action="store_true", help="print only the JSON")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each subprocess (best kept)")
    ap.add_argument("--no-spike", action="store_true", help="skip the pandera vs DuckDB validation spike")
    ap.add_argument("--states", type=int, default=20, help="random filter states for the overview (median)")
    ap.add_argument("--no-layer", action="store_true", help="skip timing Query.kpis + Query.monthly")
    args = ap.parse_args(argv)

    def say(msg: str) -> None:
        if not args.json:
            print(msg, file=sys.stderr, flush=True)

    py = sys.executable
    result: dict = {"rows": args.rows, "machine": machine()}
    with tempfile.TemporaryDirectory(prefix="pfd-bench-") as tmp:
        tmp = Path(tmp)
        say(f"generating {args.rows:,} synthetic incidents …")
        t0 = time.perf_counter()
        counts = synth.generate(tmp / "raw", args.rows)
        result["generate_seconds"] = round(time.perf_counter() - t0, 2)
        result["input_mb"] = round(sum(p.stat().st_size for p in (tmp / "raw").glob("*.csv")) / 1e6, 1)
        result["input_rows"] = counts

        # floor and ETL alternate (--repeat pairs), so that both meet the same load on a shared
        # machine; the headline figures are the best of each, the per-pair ratios show the spread
        floor_cmd = ["-c", FLOOR_SCRIPT, str(tmp / "raw"), str(tmp / "floor")]
        etl_cmd = ["-m", "etl", "--raw", str(tmp / "raw"), "--out", str(tmp / "processed"), "--quiet"]
        # the ETL's work without any check (bench/unchecked.py): how much of the gap is the checks
        unchecked_cmd = ["-m", "bench.unchecked", str(tmp / "raw"), str(tmp / "unchecked")]
        pairs, unchecked = [], []
        for i in range(args.repeat):
            say(f"floor: pyarrow read_csv + write_parquet … ({i + 1}/{args.repeat})")
            floor_run = run_measured(floor_cmd)
            say(f"the ETL's writing without checks … ({i + 1}/{args.repeat})")
            unchecked.append(run_measured(unchecked_cmd)[0] / floor_run[0])
            say(f"ETL (validation on) … ({i + 1}/{args.repeat})")
            pairs.append((floor_run, run_measured(etl_cmd)))
        floor_s, floor_mb = min(f[0] for f, _ in pairs), min(f[1] for f, _ in pairs)
        etl_s, etl_mb = min(e[0] for _, e in pairs), min(e[1] for _, e in pairs)
        result["load_average_1m"] = round(os.getloadavg()[0], 2)  # other work on the machine meanwhile
        result["unchecked_vs_floor"] = round(min(unchecked), 2)
        if args.repeat > 1:
            result["etl_vs_floor_pairs"] = [round(e[0] / f[0], 2) for f, e in pairs]
            result["etl_rss_vs_floor_pairs"] = [round(e[1] / f[1], 2) for f, e in pairs]
            result["unchecked_vs_floor_pairs"] = [round(u, 2) for u in unchecked]
        say("naive pandas: read_csv + to_parquet …")
        pandas_s, pandas_mb = best_of(["-c", PANDAS_SCRIPT, str(tmp / "raw"), str(tmp / "pandas")], args.repeat)
        result.update(
            etl_seconds=round(etl_s, 2),
            floor_seconds=round(floor_s, 2),
            etl_vs_floor=round(etl_s / floor_s, 2),
            naive_pandas_seconds=round(pandas_s, 2),
            etl_peak_rss_mb=round(etl_mb, 1),
            floor_peak_rss_mb=round(floor_mb, 1),
            naive_pandas_peak_rss_mb=round(pandas_mb, 1),
            etl_rss_vs_floor=round(etl_mb / floor_mb, 2),
        )
        manifest = json.loads((tmp / "processed" / "manifest.json").read_text())
        result["compiled_incidents"] = manifest["outputs"]["incidents.parquet"]
        result["rejected_rows"] = manifest["rejected_rows"]

        say("queries …")
        states = random_filters(seed=7, count=args.states)
        result["overview_states"] = args.states
        big = time_overview(tmp / "processed", states, layer_too=not args.no_layer)
        result.update(big)
        result["overview_vs_floor"] = round(big["overview_ms"] / big["query_floor_ms"], 2)

        synth.generate(tmp / "raw1k", 1000)
        subprocess.run(
            [py, "-m", "etl", "--raw", str(tmp / "raw1k"), "--out", str(tmp / "processed1k"), "--quiet"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        small = time_overview(tmp / "processed1k", states, layer_too=not args.no_layer)
        result["query_1k_ms"] = small["overview_ms"]
        result["query_big_ms"] = big["overview_ms"]
        result["query_ratio"] = round(big["overview_ms"] / small["overview_ms"], 2)

        if not args.no_spike:
            say("validation spike: pandera vs DuckDB SQL …")
            result.update(validation_spike(tmp / "raw"))

    result["targets"] = {
        "etl_vs_floor<=2": result["etl_vs_floor"] <= 2.0,  # (issue 17: 1.5 retired, bench/unchecked.py says why)
        "etl_rss_vs_floor<=1.5": result["etl_rss_vs_floor"] <= 1.5,
        "overview_vs_floor<=2": result["overview_vs_floor"] <= 2,
    }
    print(json.dumps(result, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
