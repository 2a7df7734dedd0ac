"""Malformed input, generated (hypothesis) and realistic (a corpus built here): the ETL reports
every planted problem with file/record/line/column/reason, compiles clean tables unchanged, and
never fails with anything but a FatalInputError, which leaves the previous output untouched.

Budget: ~1000 malformed tables per run in well under a minute on 2 cores — the load-stage fuzz
calls the reader in-process; the planted-problem fuzz malforms all eight tables of one raw folder
per example and runs the stages in-process (no subprocess, no publish).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import raw_tables
from etl.build import Build, FatalInputError
from etl.cli import compile_all
from etl.cli import main as etl_main
from pressfreedom.schema import BOOL, BY_NAME, CURRENCY, DATE, ID, LIST, NUMBER, URL, VOCAB
from tests import fixtures

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
LOAD_EXAMPLES = 850  # one malformed table each
PLANT_EXAMPLES = 20  # eight tables each, malformed (160 tables)
CLEAN_EXAMPLES = 6

INCIDENT_FILES = ("assaults", "detentions", "blockings", "court_outcomes")


def csv_bytes(name: str, rows: list[dict] | None = None) -> bytes:
    buf = io.StringIO()
    cols = list(BY_NAME[name].column_names)
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\r\n")
    w.writeheader()
    for r in fixtures.rows(name) if rows is None else rows:
        w.writerow({c: r.get(c, "") for c in cols})
    return buf.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def workdir():
    d = Path(tempfile.mkdtemp(prefix="pfd-fuzz-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def snapshot(out: Path) -> dict[str, str]:
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.resolve().iterdir())}
    files["->"] = os.readlink(out)
    return files


@pytest.fixture(scope="module")
def previous(workdir) -> tuple[Path, dict]:
    """A published build that fatal inputs must leave byte-identical."""
    raw = fixtures.write_raw(workdir / "prev-raw")
    out = workdir / "processed"
    fixtures.compile_raw(raw, out)
    return out, snapshot(out)


# -- 1. the load stage on mangled bytes ------------------------------------------------------------

MUTATIONS = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 10_000), st.binary(min_size=1, max_size=12)),
    st.tuples(st.just("insert_text"), st.integers(0, 10_000), st.text(min_size=1, max_size=12)),
    st.tuples(st.just("delete"), st.integers(0, 10_000), st.integers(1, 40)),
    st.tuples(
        st.just("punct"), st.integers(0, 10_000), st.sampled_from([b'"', b",", b"\n", b"\r", b";", b"\t", b"\0"])
    ),
    st.tuples(st.just("truncate"), st.integers(0, 10_000), st.just(0)),
    st.tuples(st.just("dup_line"), st.integers(0, 50), st.just(0)),
    st.tuples(st.just("blank_lines"), st.integers(0, 50), st.integers(1, 3)),
    st.tuples(st.just("cp1251"), st.just(0), st.just(0)),
    st.tuples(st.just("semicolons"), st.just(0), st.just(0)),
    st.tuples(st.just("bom"), st.just(0), st.just(0)),
)


def mutate(data: bytes, op: tuple) -> bytes:
    kind, at, arg = op
    at = at % (len(data) + 1)
    lines = data.split(b"\n")
    if kind == "insert":
        return data[:at] + arg + data[at:]
    if kind == "insert_text":
        return data[:at] + arg.encode("utf-8", "surrogatepass") + data[at:]
    if kind == "delete":
        return data[:at] + data[at + arg :]
    if kind == "punct":
        return data[:at] + arg + data[at:]
    if kind == "truncate":
        return data[:at]
    if kind == "dup_line":
        i = op[1] % len(lines)
        return b"\n".join(lines[: i + 1] + [lines[i]] + lines[i + 1 :])
    if kind == "blank_lines":
        i = op[1] % len(lines)
        return b"\n".join(lines[:i] + [b""] * arg + lines[i:])
    if kind == "cp1251":
        return data.replace(b"Baku", "Баку".encode("cp1251"))
    if kind == "semicolons":
        return data.replace(b",", b";")
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    raise AssertionError(kind)


@settings(max_examples=LOAD_EXAMPLES, **SETTINGS)
@given(
    name=st.sampled_from(sorted(fixtures.TABLES)),
    ops=st.lists(MUTATIONS, min_size=1, max_size=4),
)
def test_load_stage_never_crashes_and_accounts_for_every_row(workdir, previous, name, ops):
    data = csv_bytes(name)
    for op in ops:
        data = mutate(data, op)
    path = workdir / "load" / f"{name}.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    spec = BY_NAME[name]
    try:
        raw = raw_tables.read_csv(path, spec)
    except FatalInputError as e:
        assert e.file == f"{name}.csv" and e.reason
        if len(ops) == 1:  # (a sample: the whole CLI costs ~50x the reader) nothing is published
            assert_fatal_leaves_previous(workdir, previous, name, data)
        return
    table = raw.table
    records = table.column("__record").to_pylist()
    lines = table.column("__line").to_pylist()
    problem_records = {p[0] for p in raw.problems}
    assert raw.input_rows == len(records) + len(problem_records)
    assert len(set(records)) == len(records) and not problem_records & set(records)
    assert sorted(set(records) | problem_records) == list(range(1, raw.input_rows + 1))
    assert lines == sorted(lines) and all(line >= 2 for line in lines)
    for record, line, column, value, reason in raw.problems:
        assert record >= 1 and line >= 2 and reason.startswith("wrong number of fields")
        assert column == "" and isinstance(value, str)
    assert table.column_names == list(spec.column_names) + ["__record", "__line"]


def assert_fatal_leaves_previous(workdir: Path, previous: tuple[Path, dict], name: str, data: bytes) -> None:
    out, before = previous
    raw = workdir / "fatal-raw"
    if not raw.exists():
        fixtures.write_raw(raw)
    good = (workdir / "prev-raw" / f"{name}.csv").read_bytes()
    (raw / f"{name}.csv").write_bytes(data)
    try:
        assert etl_main(["--raw", str(raw), "--out", str(out), "--quiet"]) == 2
    finally:
        (raw / f"{name}.csv").write_bytes(good)
    assert snapshot(out) == before


# -- 2. planted problems, each reported --------------------------------------------------------------

REF_KEYS = {"source_id", "person_id", "figure_id", "event_id", "incident_id"}
CASCADES = (  # problems that a planted one may cause in other rows
    "unknown source id",
    "unknown person_id",
    "unknown related id",
    "appeal_of names an unknown incident",
    "duplicate incident_id",
)
CROSS_COLUMN = ("is before", "a fine needs its currency", "date is in the future", "needs one locator per source id")


def bad_values(name: str, column: str) -> list[tuple[str, str]]:
    """(bad value, expected reason prefix) for a column of the contract."""
    c = BY_NAME[name].col(column)
    out: list[tuple[str, str]] = []
    if c.required:
        out.append(("", "required value is empty"))
    if c.kind == DATE:
        out += [
            ("2020-02-30", "impossible date"),
            ("31/12/2020", "ambiguous date with slashes"),
            ("43831", "looks like an Excel serial number"),
            ("soon", "not a date"),
            ("1850-06-01", "implausible year"),
        ]
    elif c.kind == VOCAB:
        out.append(("zz-nonsense", f"unknown {c.vocab.name} value; allowed: {', '.join(c.vocab.codes)}"))
    elif c.kind == NUMBER:
        out += [("-4", "negative number"), ("12,5", "decimal comma"), ("lots", "not a number")]
        if c.whole:
            out.append(("2.5", "must be a whole number"))
    elif c.kind == BOOL:
        out.append(("maybe", "not a yes/no value"))
    elif c.kind == URL:
        out.append(("javascript:alert(1)", "only http:// or https://"))
    elif c.kind == CURRENCY:
        out.append(("€", "not an ISO 4217 currency code"))
    elif c.kind == ID:
        out.append(("bad id!", "an id may contain only"))
    elif c.kind == LIST and c.vocab is not None:
        out.append((f"{c.vocab.codes[0]}|zz-nonsense", f"unknown {c.vocab.name} value(s): zz-nonsense; allowed: "))
    if (c.kind in (LIST, ID, URL) or c.kind == "text") and not (c.kind == LIST and c.vocab is not None):
        out.append(("x" * 20_001, "cell has 20001 characters"))
    if column == "source_ids" and name != "events":
        out.append(("src-nope", "unknown source id(s): src-nope (not in sources)"))
    if column == "related_ids":
        out.append(("NOPE-1", "unknown related id(s): NOPE-1"))
    if column == "person_id" and name in INCIDENT_FILES:
        out.append(("P-nobody", "unknown person_id (not in people)"))
    return out


@dataclass(frozen=True)
class Plant:
    name: str
    index: int
    column: str
    value: str
    reason: str


@st.composite
def plants(draw) -> list[Plant]:
    out: list[Plant] = []
    for name in sorted(fixtures.TABLES):
        n_rows = len(fixtures.TABLES[name])
        if n_rows == 0:  # tables the fixture writes with their header only
            continue
        cols = [c.name for c in BY_NAME[name].columns if c.name not in REF_KEYS and bad_values(name, c.name)]
        for _ in range(draw(st.integers(0, 3))):
            index = draw(st.integers(0, n_rows - 1))
            column = draw(st.sampled_from(cols))
            value, reason = draw(st.sampled_from(bad_values(name, column)))
            if any(p.name == name and p.index == index and p.column == column for p in out):
                continue
            out.append(Plant(name, index, column, value, reason))
    return out


def preview(value: str) -> str:
    return value if len(value) <= 200 else value[:200] + f"… ({len(value)} characters)"


def compile_in_process(raw: Path, out: Path) -> Build:
    build = Build(out=out, verbose=False)
    try:
        compile_all(raw, build)  # includes the ETL's own check: input rows = compiled + rejected
    finally:
        build.discard()
    return build


@settings(max_examples=PLANT_EXAMPLES, **SETTINGS)
@given(planted=plants(), dup=st.booleans())
def test_every_planted_problem_is_reported(workdir, planted, dup):
    tables = {name: fixtures.rows(name) for name in fixtures.TABLES}
    for p in planted:
        tables[p.name][p.index][p.column] = p.value
    if dup:  # the same incident id in two tables: both rows listed
        tables["blockings"][1]["incident_id"] = "DET-3"
    raw = workdir / "plant-raw"
    fixtures.write_raw(raw, **tables)
    build = compile_in_process(raw, workdir / "plant-out")

    reported: dict[tuple, list[tuple[str, str]]] = {}
    for f, record, line, column, value, reason in build.problems:
        reported.setdefault((f, int(record), int(line), column), []).append((value, reason))
    for p in planted:
        key = (f"{p.name}.csv", p.index + 1, p.index + 2, p.column)
        found = [(v, r) for v, r in reported.get(key, []) if r.startswith(p.reason)]
        assert len(found) == 1, (p.name, p.index, p.column, p.reason, reported.get(key))
        value = found[0][0]
        if BY_NAME[p.name].col(p.column).identifying:  # withheld when the row may be confidential
            assert value in (preview(p.value), "[withheld]")
        else:
            assert value == preview(p.value)
    if dup:
        where = "duplicate incident_id: blockings.csv record 2, detentions.csv record 3"
        assert ("DET-3", where) in reported[("blockings.csv", 2, 3, "incident_id")]
        assert ("DET-3", where) in reported[("detentions.csv", 3, 4, "incident_id")]
    planted_rows = {(f"{p.name}.csv", p.index + 1) for p in planted}
    for file, record, line, column, _value, reason in build.problems:
        assert file and record and line == record + 1 and column and reason  # every field filled in
        if (file, record) not in planted_rows:
            assert reason.startswith(CASCADES), (file, record, column, reason)
        else:
            assert (
                reason.startswith(CASCADES)
                or any(x in reason for x in CROSS_COLUMN)
                or any((f"{p.name}.csv", p.index + 1, p.column) == (file, record, column) for p in planted)
            ), (file, record, column, reason)
    rejected = {(f, r) for f, r, *_ in build.problems}
    for name in fixtures.TABLES:
        expected = len(tables[name]) - len({r for f, r in rejected if f == f"{name}.csv"})
        assert build.outputs[f"{name}.parquet"] + build.withheld.get(name, 0) == expected


# -- 3. clean tables compile unchanged ----------------------------------------------------------------

SAFE_TEXT = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="|"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=CLEAN_EXAMPLES, **SETTINGS)
@given(
    texts=st.lists(SAFE_TEXT, min_size=4, max_size=4),
    role_form=st.sampled_from(["blogger", "BLOGGER", "Blogger", " blogger "]),
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2024, 12, 31)),
    form=st.sampled_from(["iso", "dmy", "month", "year"]),
)
def test_clean_tables_compile_unchanged(workdir, texts, role_form, day, form):
    written = {
        "iso": day.isoformat(),
        "dmy": f"{day:%d.%m.%Y}",
        "month": f"{day:%Y-%m}",
        "year": f"{day:%Y}",
    }[form]
    stored = {"iso": day, "dmy": day, "month": day.replace(day=1), "year": date(day.year, 1, 1)}[form]
    assaults = fixtures.rows("assaults")
    a = assaults[2]  # ASL-3: no related rows, not confidential
    a.update(
        victim=texts[0],
        summary=texts[1],
        notes=texts[2],
        outlet=texts[3],
        victim_role=role_form,
        date=written,
    )
    raw = workdir / "clean-raw"
    fixtures.write_raw(raw, assaults=assaults)
    out = workdir / "clean-out"
    fixtures.compile_raw(raw, out)
    assert (out / "rejects.csv").read_text(encoding="utf-8") == "file,record,line,column,value,reason\n"
    row = {r["incident_id"]: r for r in pq.read_table(out / "incidents.parquet").to_pylist()}["ASL-3"]
    assert (row["victim"], row["summary"], row["notes"], row["outlet"]) == tuple(texts)
    assert (row["victim_role"], row["date"]) == ("blogger", stored)
    m = json.loads((out / "manifest.json").read_text())
    assert m["outputs"]["incidents.parquet"] == 11 and m["rejected_rows"] == 0


# -- 4. a corpus of realistic bad files -----------------------------------------------------------------


def set_cell(raw: Path, name: str, index: int, **cells) -> None:
    rows = fixtures.rows(name)
    rows[index].update(cells)
    fixtures.write_table(raw / f"{name}.csv", name, rows)


def reencode(encoding: str, needle: str, text: str) -> Callable[[Path], None]:
    def f(raw: Path) -> None:
        p = raw / "assaults.csv"
        p.write_bytes(p.read_text(encoding="utf-8").replace(needle, text).encode(encoding))

    return f


def xlsx_with_title_row(raw: Path) -> None:
    from openpyxl import Workbook

    cols = list(BY_NAME["detentions"].column_names)
    wb = Workbook()
    ws = wb.active
    ws.append(["Detentions 2020 (monitoring report)"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols))
    ws.append(cols)
    for r in fixtures.rows("detentions"):
        ws.append([r.get(c) or None for c in cols])
    wb.save(raw / "detentions.xlsx")
    (raw / "detentions.csv").unlink()


def rewrite(name: str, fn: Callable[[str], str]) -> Callable[[Path], None]:
    def f(raw: Path) -> None:
        p = raw / f"{name}.csv"
        p.write_bytes(fn(p.read_text(encoding="utf-8")).encode("utf-8"))

    return f


def add_column(text: str) -> str:
    lines = text.splitlines()
    return "\n".join([lines[0] + ",internal_comment"] + [ln + ",see email" for ln in lines[1:]]) + "\n"


def drop_column(column: str) -> Callable[[str], str]:
    def f(text: str) -> str:
        rows = list(csv.reader(io.StringIO(text)))
        i = rows[0].index(column)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([r[:i] + r[i + 1 :] for r in rows])
        return buf.getvalue()

    return f


def quoted_newline_then(raw: Path) -> None:
    """A quoted newline forces the exact-line reader; the 1 MB cell after it must not crash it."""
    rows = fixtures.rows("assaults")
    rows[0]["notes"] = "first line\nsecond line"
    rows[2]["summary"] = "y" * 1_000_000
    fixtures.write_table(raw / "assaults.csv", "assaults", rows)


MEGA = "x" * 1_000_000
SERIAL = "looks like an Excel serial number, not a date: format the cell as a date or type"
CORPUS = {
    "windows-1251": (
        reencode("cp1251", "Baku", "Баку"),
        ("fatal", "assaults.csv: not valid UTF-8 (byte 0xc1 on line 2)"),
    ),
    "windows-1252": (reencode("cp1252", "Baku", "Café Baku"), ("fatal", "assaults.csv: not valid UTF-8")),
    "utf-8 bom": (
        lambda raw: (raw / "events.csv").write_bytes(b"\xef\xbb\xbf" + (raw / "events.csv").read_bytes()),
        ("ok",),
    ),
    "semicolons": (
        rewrite("sources", lambda t: t.replace(",", ";")),
        ("fatal", "The file seems to use ';' as separator"),
    ),
    "decimal comma": (
        lambda raw: set_cell(raw, "court_outcomes", 2, fine_amount="200,50"),
        ("rejects", [("court_outcomes.csv", 3, 4, "fine_amount", "200,50", "decimal comma")]),
    ),
    "day-first dates": (lambda raw: set_cell(raw, "assaults", 0, date="11.02.2020"), ("ok",)),
    "day-first with slashes": (
        lambda raw: set_cell(raw, "assaults", 0, date="11/02/2020"),
        ("rejects", [("assaults.csv", 1, 2, "date", "11/02/2020", "ambiguous date with slashes")]),
    ),
    "excel serial date": (
        lambda raw: set_cell(raw, "events", 1, start="44101"),
        ("rejects", [("events.csv", 2, 3, "start", "44101", SERIAL)]),
    ),
    "merged title row in xlsx": (
        xlsx_with_title_row,
        ("fatal", "The header is on the second row: remove the title or merged row above it."),
    ),
    "duplicate ids": (
        lambda raw: set_cell(raw, "court_outcomes", 2, incident_id="CRT-2"),
        (
            "rejects",
            [
                (
                    "court_outcomes.csv",
                    2,
                    3,
                    "incident_id",
                    "CRT-2",
                    "duplicate incident_id: court_outcomes.csv record 2",
                ),
                (
                    "court_outcomes.csv",
                    3,
                    4,
                    "incident_id",
                    "CRT-2",
                    "duplicate incident_id: court_outcomes.csv record 2",
                ),
            ],
        ),
    ),
    "missing optional column": (rewrite("detentions", drop_column("charge")), ("ok",)),
    "missing required column": (
        rewrite("detentions", drop_column("summary")),
        ("fatal", "detentions.csv, column 'summary': missing required column(s) summary"),
    ),
    "extra column": (
        rewrite("blockings", add_column),
        ("ok", "blockings.csv: extra column(s) left out of the output: internal_comment"),
    ),
    "empty file": (lambda raw: (raw / "people.csv").write_bytes(b""), ("fatal", "people.csv: the file is empty")),
    "header only": (rewrite("published_figures", lambda t: t.splitlines()[0] + "\n"), ("ok",)),
    "formula strings": (
        lambda raw: set_cell(raw, "assaults", 1, summary='=HYPERLINK("http://evil.example","click")'),
        ("ok",),
    ),
    "formula in a url": (
        lambda raw: set_cell(raw, "sources", 1, url='=HYPERLINK("http://evil.example")'),
        (
            "rejects",
            [  # the rejected source takes the incident citing it along, reported too
                ("assaults.csv", 2, 3, "source_ids", "src-a|src-b", "unknown source id(s): src-b (not in sources)"),
                ("sources.csv", 2, 3, "url", '=HYPERLINK("http://evil.example")', "only http://"),
            ],
        ),
    ),
    "1 MB cell": (
        lambda raw: set_cell(raw, "assaults", 1, summary=MEGA),
        ("rejects", [("assaults.csv", 2, 3, "summary", preview(MEGA), "cell has 1000000 characters")]),
    ),
    "1 MB cell after a quoted newline": (
        quoted_newline_then,
        ("rejects", [("assaults.csv", 3, 5, "summary", preview("y" * 1_000_000), "cell has 1000000 characters")]),
    ),
    "old mac line endings": (rewrite("events", lambda t: t.replace("\n", "\r")), ("ok",)),
}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_realistic_bad_file(tmp_path, case, capsys):
    make, expected = CORPUS[case]
    raw = fixtures.write_raw(tmp_path / "raw")
    out = tmp_path / "processed"
    fixtures.compile_raw(raw, out)
    before = snapshot(out)
    make(raw)
    rc = etl_main(["--raw", str(raw), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    if expected[0] == "fatal":
        assert rc == 2
        assert expected[1] in err
        assert snapshot(out) == before
        return
    assert rc == 0
    with open(out / "rejects.csv", encoding="utf-8", newline="") as fh:
        rejects = [
            (r["file"], int(r["record"]), int(r["line"]), r["column"], r["value"], r["reason"])
            for r in csv.DictReader(fh)
        ]
    manifest = json.loads((out / "manifest.json").read_text())
    if expected[0] == "ok":
        assert rejects == []
        assert manifest["outputs"]["incidents.parquet"] == 11
        if len(expected) > 1:
            assert expected[1] in manifest["warnings"]
    else:
        assert [r[:5] for r in rejects] == [e[:5] for e in expected[1]]
        assert all(r[5].startswith(e[5]) for r, e in zip(rejects, expected[1], strict=True))
    if case == "formula strings":  # stored as the literal text; exports neutralise it
        summaries = {r["incident_id"]: r["summary"] for r in pq.read_table(out / "incidents.parquet").to_pylist()}
        assert summaries["ASL-2"] == '=HYPERLINK("http://evil.example","click")'
