"""Citizen Lab URL test lists → ``citizenlab_urls.parquet`` (its own table: CC BY-NC-SA 4.0).

Input: files from github.com/citizenlab/test-lists ``lists/`` in ``<raw>/citizenlab/``:

* list files ``<cc>.csv`` (e.g. ``az.csv``) and ``global.csv`` with columns ``url,
  category_code, category_description, date_added, source, notes`` (found by name);
* legends ``00-LEGEND-new_category_codes.csv`` (category names and descriptions, and which
  old codes each new code replaces), ``00-LEGEND-category_codes.csv`` (old codes) and
  ``00-LEGEND-country_codes.csv`` (list code → country name).

Every URL gets a normalised ``domain`` (``pressfreedom.third_party.normalise_domain``: lower-case, no scheme,
``www.``, path or trailing slash) — the key matched against ``blockings.parquet``'s domain.
The licence is recorded in a ``licence`` column, in the manifest inputs and warnings.

Without ``<raw>/citizenlab/`` the table is built from the committed facts file
``data/third_party/citizenlab_<iso2>_categories.csv`` (one row per domain and category, no URLs).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from etl.build import Build
from etl.third_party.rsf import (
    FileReport,
    SkipFile,
    decode_text,
    facts_name,
    field_count_problem,
    header_preview,
    input_files,
    norm_header,
    read_bytes,
    read_rows,
    report_to_build,
)
from pressfreedom.config import load_config
from pressfreedom.third_party import (
    CITIZENLAB_ATTRIBUTION,
    CITIZENLAB_LICENCE,
    CITIZENLAB_SCHEMA,
    CITIZENLAB_TABLE,
    FACTS_DIR,
    normalise_domain,
)

FOLDER = "citizenlab"
_LIST_NAME = re.compile(r"^(?:[a-z]{2}|global)\.csv$", re.IGNORECASE)
_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,15}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Legends:
    names: dict[str, str] = field(default_factory=dict)  # code -> category name
    details: dict[str, str] = field(default_factory=dict)  # code -> long description
    replaced_by: dict[str, str] = field(default_factory=dict)  # old code -> new code
    countries: dict[str, str] = field(default_factory=dict)  # "AZ" -> "Azerbaijan"

    def describe(self, code: str) -> tuple[str | None, str | None]:
        new = code if code in self.details or code not in self.replaced_by else self.replaced_by[code]
        return self.names.get(new) or self.names.get(code), self.details.get(new)


@dataclass
class CitizenLabParse:
    reports: list[FileReport]
    rows: list[dict]
    warnings: list[str]


def _columns(header: list[str]) -> dict[str, int]:
    return {norm_header(h).replace(" ", "_"): i for i, h in enumerate(header)}


def _read_legend(name: str, data: bytes, report: FileReport, legends: Legends) -> None:
    text, report.encoding = decode_text(data)
    header, header_line, records, _ = read_rows(text, ",")
    report.rows = len(records)
    cols = _columns(header)
    if "new_code" in cols:  # new category codes: name, code, replaced codes, description
        kind, code_col, name_col = "new", cols["new_code"], cols.get("category_description")
    elif "categorycode" in cols:
        kind, code_col, name_col = "old", cols["categorycode"], cols.get("categoryname")
    elif "countrycode" in cols:
        kind, code_col, name_col = "country", cols["countrycode"], cols.get("countryname")
    else:
        raise SkipFile(
            "not a legend layout this importer knows (expected a 'New Code', 'CategoryCode' or 'CountryCode' column)",
            column="New Code",
            value=header_preview(header),
            line=header_line,
        )
    if name_col is None:
        raise SkipFile("the legend has no name column", value=header_preview(header), line=header_line)
    for record, line, row in records:
        bad = field_count_problem(record, line, row, len(header))
        if bad:
            report.problems.append(bad)
            continue
        code, label = row[code_col].strip().upper(), row[name_col].strip()
        if not code or not label:
            report.problems.append((record, line, header[code_col], code, "empty code or name"))
            continue
        report.compiled += 1
        if kind == "country":
            legends.countries[code] = label
        elif kind == "old":
            legends.names.setdefault(code, label)
        else:
            legends.names[code] = label
            if "description" in cols:
                legends.details[code] = row[cols["description"]].strip()
            if "replaces_old_code_s" in cols:
                for old in row[cols["replaces_old_code_s"]].split():
                    if old.upper() != code and _CODE.match(old.upper()):
                        legends.replaced_by[old.upper()] = code
    report.notes.append(f"legend ({kind} codes): used to describe the list rows")


def _read_list(
    filename: str, name: str, data: bytes, report: FileReport, legends: Legends, seen: set[tuple[str, str]]
) -> list[dict]:
    text, report.encoding = decode_text(data)
    header, header_line, records, _ = read_rows(text, ",")
    report.rows = len(records)
    cols = _columns(header)
    missing = [c for c in ("url", "category_code") if c not in cols]
    if missing:
        raise SkipFile(
            f"no '{missing[0]}' column: not a Citizen Lab test list",
            column=missing[0],
            value=header_preview(header),
            line=header_line,
        )
    lst = Path(filename).stem.lower()
    list_name = "Global" if lst == "global" else legends.countries.get(lst.upper())
    out: list[dict] = []

    def get(row: list[str], col: str) -> str:
        i = cols.get(col)
        return row[i].strip() if i is not None and i < len(row) else ""

    for record, line, row in records:
        bad = field_count_problem(record, line, row, len(header))
        if bad:
            report.problems.append(bad)
            continue
        problems = []
        url = get(row, "url")
        domain = normalise_domain(url)
        if not re.match(r"^https?://", url, re.IGNORECASE) or not domain or "." not in domain:
            problems.append((record, line, "url", url, "not an http(s) URL with a host name"))
        code = get(row, "category_code").upper()
        if not _CODE.match(code):
            problems.append((record, line, "category_code", get(row, "category_code"), "missing or malformed code"))
        added = get(row, "date_added")
        added_date = None
        if added:
            try:
                if not _DATE.match(added):
                    raise ValueError(added)
                added_date = date.fromisoformat(added)
            except ValueError:
                problems.append((record, line, "date_added", added, "not a date YYYY-MM-DD"))
        if not problems and (lst, url) in seen:
            problems.append((record, line, "url", url, f"duplicate URL in the {lst} list"))
        if problems:
            report.problems.extend(problems)
            continue
        seen.add((lst, url))
        legend_name, details = legends.describe(code)
        out.append(
            {
                "list": lst,
                "list_name": list_name,
                "url": url,
                "domain": domain,
                "category_code": code,
                "category_description": legend_name or get(row, "category_description") or None,
                "category_details": details,
                "date_added": added_date,
                "source": get(row, "source") or None,
                "notes": get(row, "notes") or None,
                "source_file": name,
                "licence": CITIZENLAB_LICENCE,
            }
        )
    report.compiled = len(out)
    if legends.names:
        unknown = sorted({r["category_code"] for r in out if legends.describe(r["category_code"])[0] is None})
        if unknown:
            report.notes.append(f"category code(s) not in the legends: {', '.join(unknown)}")
    return out


def parse_folder(folder: Path, prefix: str = FOLDER) -> CitizenLabParse:
    files = input_files(folder)
    legends = Legends()
    reports: list[FileReport] = []
    rows: list[dict] = []
    # legends first: the list rows are described with them
    ordered = [p for p in files if p.name.upper().startswith("00-LEGEND")] + [
        p for p in files if not p.name.upper().startswith("00-LEGEND")
    ]
    seen: set[tuple[str, str]] = set()
    for path in ordered:
        name = f"{prefix}/{path.name}"
        data, sha = read_bytes(path)
        report = FileReport(name, sha)
        reports.append(report)
        try:
            if path.name.upper().startswith("00-LEGEND") and path.suffix.lower() == ".csv":
                _read_legend(name, data, report, legends)
            elif _LIST_NAME.match(path.name):
                rows.extend(_read_list(path.name, name, data, report, legends, seen))
            else:
                raise SkipFile(
                    "not a Citizen Lab file this importer reads (expected <country code>.csv, global.csv "
                    "or 00-LEGEND-*.csv from the test-lists repository's lists/ folder)",
                    value=path.name,
                )
        except SkipFile as e:
            report.skipped, report.compiled, report.problems = e, 0, []
    rows.sort(key=lambda r: (r["list"], r["domain"], r["url"] or ""))
    return CitizenLabParse(reports, rows, [])


def to_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=CITIZENLAB_SCHEMA)


# -- committed facts ------------------------------------------------------------------------------

FACTS_COLUMNS = ("domain", "category_code", "category_description", "first_added", "urls", "licence")


def facts_path(iso2: str, facts_dir: Path = FACTS_DIR) -> Path:
    return facts_dir / f"citizenlab_{iso2.lower()}_categories.csv"


def write_facts(rows: list[dict], iso2: str, out_dir: Path) -> Path | None:
    """Category per domain of the configured country's list (no URLs), licence on every row."""
    mine = [r for r in rows if r["list"] == iso2.lower()]
    if not mine:
        return None
    groups: dict[tuple[str, str], dict] = {}
    for r in mine:
        g = groups.setdefault(
            (r["domain"], r["category_code"]),
            {"description": r["category_description"] or "", "first": r["date_added"], "urls": 0},
        )
        g["urls"] += 1
        if r["date_added"] and (g["first"] is None or r["date_added"] < g["first"]):
            g["first"] = r["date_added"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(FACTS_COLUMNS)
    for (domain, code), g in sorted(groups.items()):
        first = g["first"].isoformat() if g["first"] else ""
        w.writerow([domain, code, g["description"], first, g["urls"], CITIZENLAB_LICENCE])
    path = facts_path(iso2, out_dir)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def parse_facts(path: Path, iso2: str) -> tuple[FileReport, list[dict]]:
    name = facts_name(path)
    data, sha = read_bytes(path)
    report = FileReport(name, sha)
    try:
        text, report.encoding = decode_text(data)
        header, header_line, records, _ = read_rows(text, ",")
        report.rows = len(records)
        missing = [c for c in FACTS_COLUMNS if c not in header]
        if missing:
            raise SkipFile(
                f"committed facts file lacks column(s) {', '.join(missing)}; regenerate it with "
                "python -m etl.third_party.refresh",
                column=missing[0],
                value=header_preview(header),
                line=header_line,
            )
    except SkipFile as e:
        report.skipped = e
        return report, []
    idx = {c: header.index(c) for c in FACTS_COLUMNS}
    out = []
    for record, line, row in records:
        bad = field_count_problem(record, line, row, len(header))
        if bad:
            report.problems.append(bad)
            continue
        v = {c: row[i].strip() for c, i in idx.items()}
        try:
            first = date.fromisoformat(v["first_added"]) if v["first_added"] else None
        except ValueError:
            report.problems.append((record, line, "first_added", v["first_added"], "not a date YYYY-MM-DD"))
            continue
        if not v["domain"] or not _CODE.match(v["category_code"]):
            report.problems.append((record, line, "domain", v["domain"], "empty domain or malformed category code"))
            continue
        out.append(
            {
                "list": iso2.lower(),
                "list_name": None,
                "url": None,
                "domain": normalise_domain(v["domain"]),
                "category_code": v["category_code"],
                "category_description": v["category_description"] or None,
                "category_details": None,
                "date_added": first,
                "source": None,
                "notes": f"domain-level fact from {name} ({v['urls']} URL(s) on the list)",
                "source_file": name,
                "licence": v["licence"] or CITIZENLAB_LICENCE,
            }
        )
    report.compiled = len(out)
    return report, out


# -- the importer ---------------------------------------------------------------------------------


def run(raw_dir: Path, build: Build, con: duckdb.DuckDBPyConnection) -> None:
    output = f"{CITIZENLAB_TABLE}.parquet"
    folder = raw_dir / FOLDER
    if folder.is_dir() and input_files(folder):
        parsed = parse_folder(folder)
        report_to_build(
            build, parsed.reports, output=output, licence=CITIZENLAB_LICENCE, attribution=CITIZENLAB_ATTRIBUTION
        )
        build.write_table(CITIZENLAB_TABLE, to_table(parsed.rows))
        return
    iso2 = load_config().country_iso2
    path = facts_path(iso2)
    if not path.is_file():
        build.warnings.append(
            f"{CITIZENLAB_TABLE}: no Citizen Lab files in {folder} and no committed facts file "
            f"{facts_name(path)}: no test-list categories in this build"
        )
        return
    report, rows = parse_facts(path, iso2)
    report_to_build(build, [report], output=output, licence=CITIZENLAB_LICENCE, attribution=CITIZENLAB_ATTRIBUTION)
    build.warnings.append(
        f"{CITIZENLAB_TABLE}: no Citizen Lab files in {folder}; built from the committed facts file "
        f"{report.file} (domain and category only, no URLs)"
    )
    build.write_table(CITIZENLAB_TABLE, to_table(rows))
