"""RSF World Press Freedom Index → ``rsf_index.parquet`` (one row per country and index year).

Input: the yearly CSVs a user downloads from RSF, in ``<raw>/rsf/``. RSF changes the layout
from year to year, so nothing here depends on column positions or exact names:

* encoding: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (detection is right
  for files we do not control; the incident tables never guess);
* separator sniffed from the header line (``;``, ``,`` or tab); CR, CRLF and CR CR LF line ends;
* columns found by meaning: ISO code ("ISO"), rank ("Rank N", "Rank", "Rank 2025"; never
  "Rank N-1" or "Rank_Pol"), score ("Score N", "Score", "Score 2025"), English country name
  ("EN_country", "Country_EN"), year ("Year (N)"); decimal commas;
* the year comes from a year column (``2011-12`` → 2012, label kept in ``year_label``) or from
  a four-digit year in the file name (``2025.csv``).

A file without an ISO or rank column or without any year is skipped — listed in the manifest's
``skipped_inputs`` and as one ``rejects.csv`` row (record 0 = the whole file) naming what was
not found — and the build goes on. Bad rows (non-numeric rank, …) go to ``rejects.csv``.

Without ``<raw>/rsf/`` the table is built from the committed facts file
``data/third_party/rsf_index_<ISO3>.csv`` (the configured country only; see ``etl.third_party.refresh``).

The module also holds the small helpers the other context importers share (decoding, CSV rows
with line numbers, reporting a file to the build).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from etl.build import Build
from pressfreedom.config import load_config
from pressfreedom.paths import ROOT
from pressfreedom.third_party import (
    FACTS_DIR,
    RSF_ATTRIBUTION,
    RSF_FACTS_COLUMNS,
    RSF_LICENCE,
    RSF_SCHEMA,
    RSF_TABLE,
    SCALES,
    scale_for_year,
)

FOLDER = "rsf"

# ===================================================================================================
# Shared helpers for third-party text files (also used by citizenlab.py, ooni.py and refresh.py)
# ===================================================================================================

UTF8_BOM = b"\xef\xbb\xbf"


class SkipFile(Exception):
    """The whole file cannot be used; the reason names what was not found."""

    def __init__(self, reason: str, column: str = "", value: str = "", line: int = 0, rows: int | None = None):
        super().__init__(reason)
        self.reason, self.column, self.value, self.line = reason, column, value, line
        self.rows = rows  # data records seen, when known


@dataclass
class FileReport:
    """What one input file contributed: rows seen, rows compiled, problems, or why it was skipped."""

    file: str  # name in the manifest, e.g. "rsf/2002.csv"
    sha256: str
    rows: int = 0  # data records seen
    compiled: int = 0
    problems: list[tuple] = field(default_factory=list)  # (record, line, column, value, reason)
    skipped: SkipFile | None = None
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


def input_files(folder: Path) -> list[Path]:
    """Regular files of a context folder in name order (hidden files such as .DS_Store ignored)."""
    return sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")), key=lambda p: p.name)


def read_bytes(path: Path) -> tuple[bytes, str]:
    data = path.read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name). UTF-8 ± BOM, UTF-16 with BOM, else Windows-1252; SkipFile otherwise."""
    if data.startswith(UTF8_BOM):
        try:
            return data[len(UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise SkipFile(_bad_byte("starts with a UTF-8 BOM but is not valid UTF-8", data, e.start + 3)) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise SkipFile("starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, enc = data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError as e:
            raise SkipFile(_bad_byte("neither UTF-8 nor Windows-1252", data, e.start)) from None
    if "\x00" in text:
        raise SkipFile("not a text file (contains NUL bytes)")
    return text, enc


def _bad_byte(what: str, data: bytes, pos: int) -> str:
    line = data[:pos].count(b"\n") + 1
    return f"{what} (byte 0x{data[pos]:02x} on line {line}); re-save it as UTF-8"


def normalise_newlines(text: str) -> str:
    """CR CR LF (an Excel artefact), CR LF and lone CR all count as one line end."""
    return text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")


def sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_rows(text: str, delimiter: str | None = None) -> tuple[list[str], int, list[tuple[int, int, list[str]]], str]:
    """(header, header line, [(record, line, cells)], delimiter) — blank lines are not records."""
    text = normalise_newlines(text)
    first = next((ln for ln in text.split("\n") if ln.strip()), None)
    if first is None:
        raise SkipFile("the file is empty")
    delimiter = delimiter or sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    header_line = 0
    records: list[tuple[int, int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row or all(not c.strip() for c in row):
                continue
            if header is None:
                header, header_line = [c.strip().lstrip("\ufeff").strip() for c in row], line
                continue
            records.append((len(records) + 1, line, row))
    except csv.Error as e:
        raise SkipFile(f"not readable as CSV near line {start}: {e}") from None
    assert header is not None
    return header, header_line, records, delimiter


def norm_header(name: str) -> str:
    """'Rank N-1' → 'rank n 1'; 'Année' → 'annee'; 'EN_country' → 'en country'."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def parse_decimal(text: str) -> float:
    """'41,23' / '41.23' / '1.234,5' / '1,234.5' → float; ValueError otherwise."""
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        raise ValueError("empty")
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    else:
        s = s.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", s):
        raise ValueError(text)
    value = float(s)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def field_count_problem(record: int, line: int, row: list[str], width: int, delimiter: str = ",") -> tuple | None:
    """Rows must have the header's number of fields (extra empty trailing cells are tolerated)."""
    if len(row) == width or (len(row) > width and not any(c.strip() for c in row[width:])):
        return None
    joined = delimiter.join(row)
    return (record, line, "", joined, f"wrong number of fields: the header has {width}, this row {len(row)}")


def header_preview(header: list[str]) -> str:
    return " | ".join(header)


def report_to_build(build: Build, reports: list[FileReport], *, output: str, licence: str, attribution: str) -> None:
    """Manifest inputs (sha256, rows, compiled), skipped files and rejects, with the invariant
    input rows = compiled rows + rejected rows checked for every file."""
    for r in reports:
        if r.skipped is not None:
            s = r.skipped
            if s.rows is not None:
                r.rows = s.rows
            build.skipped_inputs.append(
                {"file": r.file, "sha256": r.sha256, "rows": r.rows, "output": output, "reason": s.reason}
            )
            build.add_problems(r.file, [(0, s.line, s.column, s.value, f"file skipped: {s.reason}")])
            build.log(f"skipped {r.file}: {s.reason}")
            continue
        build.add_input(r.file, None, r.rows, r.sha256)
        entry = build.inputs[r.file]
        entry.update({"output": output, "compiled": r.compiled, "licence": licence})
        if r.encoding:
            entry["encoding"] = r.encoding
        if r.notes:
            entry["notes"] = list(r.notes)
        if r.problems:
            build.add_problems(r.file, r.problems)
        rejected = build.rejected_count(r.file)
        if r.rows != r.compiled + rejected:
            raise AssertionError(f"{r.file}: {r.rows} input rows != {r.compiled} compiled + {rejected} rejected")
        build.log(f"read {r.file}: {r.rows} rows, {r.compiled} compiled, {rejected} rejected")
    build.warnings.append(f"{output}: {attribution}. Licence: {licence}. Kept in its own table.")


# ===================================================================================================
# RSF
# ===================================================================================================

_ISO_RE = re.compile(r"^(?:country )?(?:iso(?: 3166(?: 1)?)?(?: alpha)?(?: ?a?3)?(?: code)?|code(?: iso)?(?: 3)?)$")
_RANK_RE = re.compile(r"^(?:global |overall |world )?(?:rank|ranking|rang|classement|position)(?: (n|\d{4}))?$")
_SCORE_RE = re.compile(r"^(?:global |overall )?(?:score|note)(?: global)?(?: (n|\d{4}))?$")
_COUNTRY_EN_RE = re.compile(
    r"^(?:en country|country en|country english|english country|country name en|country name english|en name|name en)$"
)
_COUNTRY_RE = re.compile(r"^(?:country|country name|name)$")
_YEAR_RE = re.compile(r"^(?:year(?: n)?|annee(?: n)?|edition|index year)$")
_NAME_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_YEAR_VALUE_RE = re.compile(r"^((?:19|20)\d\d)(?:\s*[-–/]\s*((?:19|20)?\d\d))?$")
_CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,9}$")


@dataclass
class RsfColumns:
    iso: int
    rank: int
    score: int | None
    country: int | None
    year: int | None


def parse_year_label(text: str) -> tuple[int, str]:
    """'2013' → (2013, '2013'); '2011-12' / '2011-2012' → (2012, '2011-12')."""
    label = text.strip()
    m = _YEAR_VALUE_RE.match(label)
    if not m:
        raise ValueError(label)
    first = int(m.group(1))
    if m.group(2) is None:
        return first, label
    end = m.group(2)
    last = int(end) if len(end) == 4 else (first // 100) * 100 + int(end)
    if not first < last <= first + 1:
        raise ValueError(label)
    return last, label


def year_from_name(name: str) -> int | None:
    years = set(_NAME_YEAR_RE.findall(Path(name).stem))
    return int(years.pop()) if len(years) == 1 else None


def _candidates(header: list[str], pattern: re.Pattern) -> list[tuple[int, str | None]]:
    out = []
    for i, h in enumerate(header):
        m = pattern.match(norm_header(h))
        if m:
            out.append((i, m.group(1) if m.groups() else None))
    return out


def _pick(role: str, header: list[str], cands: list[tuple[int, str | None]], years: set[int]) -> int | None:
    if len(cands) <= 1:
        return cands[0][0] if cands else None
    by_year = [i for i, tag in cands if tag and tag.isdigit() and int(tag) in years]
    if len(by_year) == 1:
        return by_year[0]
    names = ", ".join(repr(header[i]) for i, _ in cands)
    raise SkipFile(
        f"several columns could be the {role} ({names}) and none is marked with the index year",
        column=role,
        value=header_preview(header),
        line=1,
    )


def find_columns(header: list[str], header_line: int, years: set[int]) -> RsfColumns:
    preview = header_preview(header)
    iso = _candidates(header, _ISO_RE)
    if not iso:
        raise SkipFile(
            "no ISO country-code column found (looked for a header like 'ISO', 'ISO3', 'Country code')",
            column="ISO",
            value=preview,
            line=header_line,
        )
    if len(iso) > 1:
        raise SkipFile(
            f"several columns could be the ISO code: {', '.join(header[i] for i, _ in iso)}",
            column="ISO",
            value=preview,
            line=header_line,
        )
    rank = _pick("rank", header, _candidates(header, _RANK_RE), years)
    if rank is None:
        raise SkipFile(
            "no rank column found (looked for a header like 'Rank', 'Rank N', 'Rank 2025'; "
            "'Rank N-1' and sub-rankings such as 'Rank_Pol' are not the index rank)",
            column="Rank",
            value=preview,
            line=header_line,
        )
    score = _pick("score", header, _candidates(header, _SCORE_RE), years)
    country = _candidates(header, _COUNTRY_EN_RE) or _candidates(header, _COUNTRY_RE)
    year = _candidates(header, _YEAR_RE)
    return RsfColumns(
        iso=iso[0][0],
        rank=rank,
        score=score,
        country=country[0][0] if country else None,
        year=year[0][0] if len(year) == 1 else None,
    )


def parse_rank(text: str) -> int:
    value = parse_decimal(text)
    if not value.is_integer() or value < 1:
        raise ValueError(text)
    return int(value)


@dataclass
class RsfParse:
    reports: list[FileReport]
    rows: list[dict]
    warnings: list[str]


def parse_folder(folder: Path, prefix: str = FOLDER) -> RsfParse:
    """Parse every file of an RSF folder; rows are checked across files (one row per year and code)."""
    reports: list[FileReport] = []
    rows: list[dict] = []
    warnings: list[str] = []
    seen: dict[tuple[int, str], str] = {}  # (year, iso) -> "file record N"
    entries: dict[int, int] = defaultdict(int)  # year -> entries in the largest file of that year
    for path in input_files(folder):
        name = f"{prefix}/{path.name}"
        data, sha = read_bytes(path)
        report = FileReport(name, sha)
        reports.append(report)
        if path.suffix.lower() not in (".csv", ".txt"):
            report.skipped = SkipFile(f"not a CSV file (RSF publishes the index as .csv); found '{path.suffix}'")
            continue
        try:
            file_rows, file_entries = _parse_file(path.name, name, data, report, seen, warnings)
        except SkipFile as e:
            report.skipped = e
            report.compiled, report.problems = 0, []
            continue
        rows.extend(file_rows)
        for year, n in file_entries.items():
            entries[year] = max(entries[year], n)
    _finish(rows, entries)
    return RsfParse(reports, rows, warnings)


def _parse_file(
    filename: str,
    name: str,
    data: bytes,
    report: FileReport,
    seen: dict[tuple[int, str], str],
    warnings: list[str],
) -> tuple[list[dict], dict[int, int]]:
    text, report.encoding = decode_text(data)
    header, header_line, records, delimiter = read_rows(text)
    report.rows = len(records)
    if not records:
        raise SkipFile("no data rows below the header", value=header_preview(header), line=header_line)
    name_year = year_from_name(filename)
    year_cands = _candidates(header, _YEAR_RE)
    year_values: set[int] = set()
    if len(year_cands) == 1:
        for _, _, row in records:
            cell = row[year_cands[0][0]] if year_cands[0][0] < len(row) else ""
            try:
                year_values.add(parse_year_label(cell)[0])
            except ValueError:
                pass
    if name_year is None and not year_values:
        raise SkipFile(
            "no index year: the file name has no four-digit year (name it like '2025.csv') and no "
            "'Year' column with years was found",
            column="Year",
            value=header_preview(header),
            line=header_line,
        )
    cols = find_columns(header, header_line, year_values | ({name_year} if name_year else set()))
    if name_year is not None and year_values and name_year not in year_values:
        warnings.append(
            f"{name}: the file name says {name_year} but the year column says "
            f"{', '.join(map(str, sorted(year_values)))}; the year column is used"
        )
    width = len(header)
    out: list[dict] = []
    entries: dict[int, int] = defaultdict(int)
    labels: set[str] = set()
    for record, line, row in records:
        problems: list[tuple] = []
        bad = field_count_problem(record, line, row, width, delimiter)
        if bad:
            report.problems.append(bad)
            continue

        def cell(i: int | None, row: list[str] = row) -> str:
            return row[i].strip() if i is not None and i < len(row) else ""

        year, label = name_year, str(name_year) if name_year else ""
        if cols.year is not None and cell(cols.year):
            try:
                year, label = parse_year_label(cell(cols.year))
            except ValueError:
                year = None
                problems.append(
                    (record, line, header[cols.year], cell(cols.year), "not an index year (e.g. 2013 or 2011-12)")
                )
        elif year is None:
            problems.append((record, line, header[cols.year] if cols.year is not None else "Year", "", "no year"))
        if year is not None:
            entries[year] += 1
            if label != str(year):
                labels.add(f"'{label}' → {year}")
        iso = cell(cols.iso).upper()
        if not _CODE_RE.match(iso):
            problems.append((record, line, header[cols.iso], cell(cols.iso), "missing or malformed country code"))
        try:
            rank = parse_rank(cell(cols.rank))
        except ValueError:
            rank = None
            problems.append((record, line, header[cols.rank], cell(cols.rank), "rank is not a whole number ≥ 1"))
        score = None
        if cols.score is not None and cell(cols.score):
            try:
                score = parse_decimal(cell(cols.score))
            except ValueError:
                problems.append((record, line, header[cols.score], cell(cols.score), "score is not a number"))
        if not problems and year is not None:
            key = (year, iso)
            if key in seen:
                problems.append(
                    (record, line, header[cols.iso], iso, f"duplicate: {iso} already has a {year} row ({seen[key]})")
                )
            else:
                seen[key] = f"{name} record {record}"
        if problems:
            report.problems.extend(problems)
            continue
        out.append(
            {
                "year": year,
                "year_label": label,
                "iso": iso,
                "country": cell(cols.country) or iso,
                "rank": rank,
                "score": score,
                "scale": scale_for_year(year),
                "source_file": name,
            }
        )
    report.compiled = len(out)
    if cols.score is None:
        report.notes.append("no score column found: scores left empty")
    if cols.country is None:
        report.notes.append("no English country-name column found: the ISO code is used as the name")
    for note in sorted(labels):
        report.notes.append(f"index year {note} (stored as its last year)")
        warnings.append(f"{name}: index {note}: stored as year {note.split('→ ')[1]}, year_label keeps the label")
    return out, entries


def _finish(rows: list[dict], entries: dict[int, int]) -> None:
    """Per year: countries_ranked (entries in the file) and the score direction seen in the data."""
    by_year: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        by_year[r["year"]].append(r)
    for year, yrows in by_year.items():
        direction = score_direction(yrows)
        for r in yrows:
            r["countries_ranked"] = entries.get(year, len(yrows))
            r["score_direction"] = direction
            r["licence"] = RSF_LICENCE


def score_direction(rows: list[dict]) -> str | None:
    """Compare the mean score of the best- and worst-ranked thirds: RSF's scales point both ways."""
    scored = sorted((r for r in rows if r.get("score") is not None), key=lambda r: r["rank"])
    if len(scored) < 3:
        return None
    k = len(scored) // 3
    top = sum(r["score"] for r in scored[:k]) / k
    bottom = sum(r["score"] for r in scored[-k:]) / k
    if top == bottom:
        return None
    return "higher_is_better" if top > bottom else "lower_is_better"


def to_table(rows: list[dict]) -> pa.Table:
    rows = sorted(rows, key=lambda r: (r["year"], r["rank"], r["iso"]))
    return pa.Table.from_pylist(rows, schema=RSF_SCHEMA)


# -- committed facts ------------------------------------------------------------------------------

FACTS_COLUMNS = RSF_FACTS_COLUMNS


def facts_path(iso3: str, facts_dir: Path = FACTS_DIR) -> Path:
    return facts_dir / f"rsf_index_{iso3.upper()}.csv"


def facts_name(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.name


def parse_facts(path: Path, iso3: str) -> tuple[FileReport, list[dict]]:
    """Read a committed facts file (written by etl.third_party.refresh; UTF-8, comma, dot decimals)."""
    name = facts_name(path)
    data, sha = read_bytes(path)
    report = FileReport(name, sha)
    out: list[dict] = []
    try:
        text, report.encoding = decode_text(data)
        header, header_line, records, _ = read_rows(text, ",")
    except SkipFile as e:
        report.skipped = e
        return report, []
    report.rows = len(records)
    missing = [c for c in FACTS_COLUMNS if c not in header]
    if missing:
        report.skipped = SkipFile(
            f"committed facts file lacks column(s) {', '.join(missing)}; regenerate it with "
            "python -m etl.third_party.refresh",
            column=missing[0],
            value=header_preview(header),
            line=header_line,
        )
        return report, []
    idx = {c: header.index(c) for c in FACTS_COLUMNS}
    seen: set[int] = set()
    for record, line, row in records:
        bad = field_count_problem(record, line, row, len(header))
        if bad:
            report.problems.append(bad)
            continue
        v = {c: row[i].strip() for c, i in idx.items()}
        problems = []
        try:
            year = int(v["year"])
            rank = int(v["rank"])
            ranked = int(v["countries_ranked"]) if v["countries_ranked"] else None
            score = float(v["score"]) if v["score"] else None
        except ValueError as e:
            problems.append((record, line, "", ";".join(row), f"not a number: {e}"))
        else:
            if v["iso"].upper() != iso3.upper():
                problems.append((record, line, "iso", v["iso"], f"not the configured country {iso3}"))
            if v["scale"] not in SCALES or v["scale"] != scale_for_year(year):
                problems.append((record, line, "scale", v["scale"], f"scale must be {scale_for_year(year)}"))
            if year in seen:
                problems.append((record, line, "year", v["year"], "duplicate year"))
        if problems:
            report.problems.extend(problems)
            continue
        seen.add(year)
        out.append(
            {
                "year": year,
                "year_label": v["year_label"] or str(year),
                "iso": v["iso"].upper(),
                "country": v["country"] or v["iso"].upper(),
                "rank": rank,
                "countries_ranked": ranked,
                "score": score,
                "scale": v["scale"],
                "score_direction": v["score_direction"] or None,
                "source_file": f"{name} (from {v['source_file']})" if v["source_file"] else name,
                "licence": RSF_LICENCE,
            }
        )
    report.compiled = len(out)
    return report, out


def write_facts(rows: list[dict], iso3: str, out_dir: Path) -> Path | None:
    """The configured country's rows as a small committed CSV (UTF-8, comma, dot decimals)."""
    mine = sorted((r for r in rows if r["iso"] == iso3.upper()), key=lambda r: r["year"])
    if not mine:
        return None
    path = facts_path(iso3, out_dir)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(FACTS_COLUMNS)
    for r in mine:
        score = "" if r["score"] is None else repr(float(r["score"]))
        source = Path(r["source_file"]).name
        w.writerow(
            [
                r["year"],
                r["year_label"],
                r["iso"],
                r["country"],
                r["rank"],
                r["countries_ranked"],
                score,
                r["scale"],
                r["score_direction"] or "",
                source,
            ]
        )
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


# -- the importer ---------------------------------------------------------------------------------


def run(raw_dir: Path, build: Build, con: duckdb.DuckDBPyConnection) -> None:
    folder = raw_dir / FOLDER
    if folder.is_dir() and input_files(folder):
        parsed = parse_folder(folder)
        report_to_build(
            build, parsed.reports, output=f"{RSF_TABLE}.parquet", licence=RSF_LICENCE, attribution=RSF_ATTRIBUTION
        )
        build.warnings.extend(parsed.warnings)
        build.write_table(RSF_TABLE, to_table(parsed.rows))
        return
    iso3 = load_config().country_code
    path = facts_path(iso3)
    where = f"{raw_dir / FOLDER}"
    if not path.is_file():
        build.warnings.append(
            f"{RSF_TABLE}: no RSF files in {where} and no committed facts file {facts_name(path)}: "
            "no RSF index in this build (see docs/context-data.md)"
        )
        return
    report, rows = parse_facts(path, iso3)
    report_to_build(build, [report], output=f"{RSF_TABLE}.parquet", licence=RSF_LICENCE, attribution=RSF_ATTRIBUTION)
    build.warnings.append(
        f"{RSF_TABLE}: no RSF files in {where}; built from the committed facts file {report.file} "
        f"({iso3} only). Put RSF's yearly CSVs into {where} for every country."
    )
    build.write_table(RSF_TABLE, to_table(rows))
