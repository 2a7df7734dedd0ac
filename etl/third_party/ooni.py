"""OONI aggregation downloads → ``ooni_measurements.parquet`` (counts per day and axes; CC BY-NC-SA 4.0).

Input, in ``<raw>/ooni/``, as users download it from OONI's aggregation API (the data behind
OONI Explorer's charts), ``/api/v1/aggregation?...&axis_x=measurement_start_day&axis_y=domain``:

* CSV (``format=CSV``): alphabetically sorted columns, CRLF line ends, ``probe_asn`` as a bare
  integer;
* JSON: ``{"result": [...]}`` as the API returns it, or the recorded-fixture wrapper
  ``{"status": 200, "contentType": "application/json", "body": "<JSON string>"}``.

Required: ``measurement_start_day`` and the counters ``anomaly_count, confirmed_count,
failure_count, ok_count, measurement_count``; optional axes ``domain, input, probe_cc,
probe_asn, category_code, test_name``. Every row must satisfy anomaly + confirmed + failure + ok
= measurement_count (OONI's four outcomes partition the measurements); a row that does not is
rejected with the numbers. Counts are kept, never percentages.

A download filtered by country has no ``probe_cc`` column: a ``probe_cc-XX`` (or
``probe_cc=XX``) in the file name fills it; otherwise the manifest warns that the country is
unknown. The same day and axes in two files (a re-download) is rejected as a duplicate so that
nothing is counted twice.

An ``/api/v1/measurements`` list (individual measurements, one page at a time) is not
aggregated counts: such a file is skipped with a manifest entry rather than turned into
misleading counts from one page.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from etl.build import Build
from etl.third_party.rsf import (
    FileReport,
    SkipFile,
    decode_text,
    field_count_problem,
    header_preview,
    input_files,
    read_bytes,
    read_rows,
    report_to_build,
)
from pressfreedom.third_party import OONI_ATTRIBUTION, OONI_LICENCE, OONI_SCHEMA, OONI_TABLE, normalise_domain

FOLDER = "ooni"
COUNTERS = ("anomaly_count", "confirmed_count", "failure_count", "ok_count", "measurement_count")
AXES = ("measurement_start_day", "domain", "input", "probe_cc", "probe_asn", "category_code", "test_name")
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_CC_IN_NAME = re.compile(r"(?:^|[^a-z])probe_cc[-=]([a-z]{2})(?![a-z])", re.IGNORECASE)
_TEST_IN_NAME = re.compile(r"(?:^|[^a-z])test_name[-=]([a-z_]+?)(?=_since|_until|_axis|_probe|[-.&]|$)", re.IGNORECASE)


def _json_rows(text: str) -> list[dict]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise SkipFile(f"not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})", line=e.lineno) from None
    if isinstance(doc, dict) and "body" in doc and ("status" in doc or "contentType" in doc):
        status = doc.get("status")
        if status not in (None, 200):
            raise SkipFile(f"a recorded API response with HTTP status {status}, not data", column="status")
        body = doc["body"]
        if isinstance(body, str):
            if "csv" in str(doc.get("contentType", "")).lower():
                raise _CsvBody(body)
            try:
                doc = json.loads(body)
            except json.JSONDecodeError as e:
                raise SkipFile(f"the wrapper's body is not valid JSON ({e.msg})", column="body") from None
        else:
            doc = body
    if isinstance(doc, dict) and "results" in doc and "metadata" in doc:
        meta = doc.get("metadata") or {}
        raise SkipFile(
            "an /api/v1/measurements list (individual measurements, one page of "
            f"{meta.get('limit', '?')}), not aggregated counts: download /api/v1/aggregation "
            "(axis_x=measurement_start_day, axis_y=domain, format=CSV) instead",
            column="results",
            rows=len(doc["results"]) if isinstance(doc["results"], list) else None,
        )
    if isinstance(doc, dict) and "result" in doc:
        result = doc["result"]
        if isinstance(result, dict):
            result = [result]
        if not isinstance(result, list) or not all(isinstance(r, dict) for r in result):
            raise SkipFile("'result' is not a list of objects", column="result")
        return result
    if isinstance(doc, list) and all(isinstance(r, dict) for r in doc):
        return doc
    raise SkipFile(
        "JSON without a 'result' list: not an OONI aggregation response", column="result", value=str(doc)[:200]
    )


class _CsvBody(Exception):
    def __init__(self, text: str):
        self.text = text


def _records_from_csv(text: str) -> tuple[list[str], list[tuple[int, int, dict]], list[tuple]]:
    header, header_line, records, _ = read_rows(text, ",")
    names = [h.strip().lower() for h in header]
    out, problems = [], []
    for record, line, row in records:
        bad = field_count_problem(record, line, row, len(header))
        if bad:
            problems.append(bad)
            continue
        out.append((record, line, {names[i]: row[i] for i in range(len(names))}))
    return names, out, problems


def _int_count(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        n = value
    elif isinstance(value, float) and value.is_integer():
        n = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        n = int(value)
    else:
        raise ValueError(value)
    if n < 0:
        raise ValueError(value)
    return n


def _text(value: object) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def _asn(value: object) -> int | None:
    s = _text(value)
    if s is None:
        return None
    m = re.fullmatch(r"(?:AS)?(\d+)", s, re.IGNORECASE)
    if not m:
        raise ValueError(s)
    return int(m.group(1))


def _parse_file(
    path: Path, name: str, data: bytes, report: FileReport, seen: dict[tuple, str], warnings: list[str]
) -> list[dict]:
    text, report.encoding = decode_text(data)
    is_json = path.suffix.lower() == ".json" or text.lstrip().startswith(("{", "["))
    pre_problems: list[tuple] = []
    if is_json:
        try:
            items = _json_rows(text)
            records = [(i + 1, 0, {str(k).lower(): v for k, v in item.items()}) for i, item in enumerate(items)]
            names = sorted({k for _, _, r in records for k in r})
        except _CsvBody as body:
            names, records, pre_problems = _records_from_csv(body.text)
    else:
        names, records, pre_problems = _records_from_csv(text)
    report.rows = len(records) + len({p[0] for p in pre_problems})
    report.problems.extend(pre_problems)
    if not records and not pre_problems:
        if is_json:
            report.notes.append("an empty result: no rows")
            return []
        raise SkipFile("no data rows below the header", value=header_preview(names), line=1)
    missing = [c for c in ("measurement_start_day", *COUNTERS) if c not in names]
    if missing:
        raise SkipFile(
            f"no '{missing[0]}' column: an OONI aggregation needs the counters "
            f"{', '.join(COUNTERS)} and axis_x=measurement_start_day",
            column=missing[0],
            value=header_preview(names),
            line=0 if is_json else 1,
        )
    extra = sorted(set(names) - set(AXES) - set(COUNTERS))
    if extra:
        report.notes.append(f"columns not imported: {', '.join(extra)}")
    axes = ",".join(sorted(a for a in AXES if a in names))
    cc_from_name = test_from_name = None
    if "probe_cc" not in names:
        m = _CC_IN_NAME.search(path.stem)
        if m:
            cc_from_name = m.group(1).upper()
            report.notes.append(f"probe_cc {cc_from_name} taken from the file name")
        else:
            warnings.append(
                f"{name}: no probe_cc column and no 'probe_cc-XX' in the file name: the country of these "
                "measurements is unknown (ooni_monthly(probe_cc=...) leaves them out)"
            )
    if "test_name" not in names:
        m = _TEST_IN_NAME.search(path.stem)
        if m:
            test_from_name = m.group(1).lower()
            report.notes.append(f"test_name {test_from_name} taken from the file name")
    out: list[dict] = []
    for record, line, r in records:
        problems: list[tuple] = []
        raw_day = _text(r.get("measurement_start_day")) or ""
        m = _DAY.match(raw_day)
        day = None
        try:
            day = date.fromisoformat(m.group(1)) if m else None
        except ValueError:
            day = None
        if day is None:
            problems.append((record, line, "measurement_start_day", raw_day, "not a date (YYYY-MM-DD)"))
        counts: dict[str, int] = {}
        for c in COUNTERS:
            try:
                counts[c] = _int_count(r.get(c))
            except ValueError:
                problems.append((record, line, c, r.get(c), "not a whole number ≥ 0"))
        if len(counts) == len(COUNTERS):
            parts = counts["anomaly_count"] + counts["confirmed_count"] + counts["failure_count"] + counts["ok_count"]
            if parts != counts["measurement_count"]:
                problems.append(
                    (
                        record,
                        line,
                        "measurement_count",
                        counts["measurement_count"],
                        f"anomaly {counts['anomaly_count']} + confirmed {counts['confirmed_count']} + failure "
                        f"{counts['failure_count']} + ok {counts['ok_count']} = {parts}, not measurement_count "
                        f"{counts['measurement_count']}",
                    )
                )
        try:
            asn = _asn(r.get("probe_asn"))
        except ValueError:
            asn = None
            problems.append((record, line, "probe_asn", r.get("probe_asn"), "not an AS number (e.g. 28787 or AS28787)"))
        cc = _text(r.get("probe_cc"))
        if cc is not None and not re.fullmatch(r"[A-Za-z]{2}", cc):
            problems.append((record, line, "probe_cc", cc, "not a two-letter country code"))
        row = {
            "measurement_start_day": day,
            "domain": normalise_domain(_text(r.get("domain"))),
            "input": _text(r.get("input")),
            "probe_cc": cc.upper() if cc else cc_from_name,
            "probe_asn": asn,
            "category_code": (_text(r.get("category_code")) or "").upper() or None,
            "test_name": _text(r.get("test_name")) or test_from_name,
            **counts,
            "axes": axes,
            "source_file": name,
            "licence": OONI_LICENCE,
        }
        if not problems:
            key = tuple(row[k] for k in AXES) + (axes,)
            if key in seen:
                problems.append(
                    (record, line, "measurement_start_day", raw_day, f"duplicate of {seen[key]} (same day and axes)")
                )
            else:
                seen[key] = f"{name} record {record}"
        if problems:
            report.problems.extend(problems)
            continue
        out.append(row)
    report.compiled = len(out)
    return out


def parse_folder(folder: Path, prefix: str = FOLDER) -> tuple[list[FileReport], list[dict], list[str]]:
    reports: list[FileReport] = []
    rows: list[dict] = []
    warnings: list[str] = []
    seen: dict[tuple, str] = {}
    for path in input_files(folder):
        name = f"{prefix}/{path.name}"
        data, sha = read_bytes(path)
        report = FileReport(name, sha)
        reports.append(report)
        try:
            if path.suffix.lower() not in (".csv", ".json"):
                raise SkipFile(f"not a .csv or .json OONI download; found '{path.suffix}'", value=path.name)
            rows.extend(_parse_file(path, name, data, report, seen, warnings))
        except SkipFile as e:
            report.skipped, report.compiled, report.problems = e, 0, []
    return reports, rows, warnings


def to_table(rows: list[dict]) -> pa.Table:
    key = lambda r: (  # noqa: E731
        r["measurement_start_day"],
        r["domain"] or "",
        r["probe_cc"] or "",
        r["probe_asn"] or 0,
        r["axes"],
        r["source_file"],
    )
    return pa.Table.from_pylist(sorted(rows, key=key), schema=OONI_SCHEMA)


def run(raw_dir: Path, build: Build, con: duckdb.DuckDBPyConnection) -> None:
    folder = raw_dir / FOLDER
    if not (folder.is_dir() and input_files(folder)):
        build.warnings.append(
            f"{OONI_TABLE}: no OONI downloads in {folder}: no measurements in this build "
            "(see docs/context-data.md for the aggregation query)"
        )
        return
    reports, rows, warnings = parse_folder(folder)
    report_to_build(build, reports, output=f"{OONI_TABLE}.parquet", licence=OONI_LICENCE, attribution=OONI_ATTRIBUTION)
    build.warnings.extend(warnings)
    build.write_table(OONI_TABLE, to_table(rows))
