"""The monitors' "Check a file" page: etl.check on good, bad and hostile uploads, nothing written,
and the page's switch (absent under `streamlit run dashboard.py`, present under `make run`)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from etl import check
from etl.cli import main as etl_main
from pressfreedom.paths import DATA_DIR
from pressfreedom.schema import BY_NAME
from tests import fixtures

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def current(tmp_path_factory) -> tuple[Path, Path]:
    """A raw folder of the fixture tables and its build (the 'current build' of the check)."""
    root = tmp_path_factory.mktemp("check")
    out = fixtures.compiled(root)
    return root / "raw", out


def csv_bytes(name: str, rows: list[dict], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    import csv

    cols = list(BY_NAME[name].column_names)
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in cols})
    return buf.getvalue().encode(encoding)


def run_check(current, *files: tuple[str, bytes]) -> check.CheckResult:
    raw, out = current
    return check.check_files(list(files), raw=raw, current=out)


def test_a_good_file_shows_what_would_change(current):
    rows = fixtures.rows("detentions")
    removed = rows.pop()["incident_id"]
    rows[0]["location"] = "Ganja"
    added = dict(rows[0], incident_id="DET-NEW", location="Baku")
    result = run_check(current, ("detentions.csv", csv_bytes("detentions", rows + [added])))
    assert result.problems == []
    assert result.compiled_rows == {"detentions": len(rows) + 1}
    (ch,) = result.changes
    assert ch.added == ["DET-NEW"] and ch.removed == [removed]
    assert (rows[0]["incident_id"], "location", "Baku", "Ganja") in ch.changed


def test_a_bad_file_lists_its_problems(current):
    rows = fixtures.rows("assaults")
    rows[0]["date"] = "2020-02-30"
    rows[1]["victim_role"] = "astronaut"
    result = run_check(current, ("my assaults export.csv", csv_bytes("assaults", rows)))  # found by its header
    got = {(f, line, col, value) for f, _, line, col, value, _ in result.problems}
    assert got == {("assaults.csv", 2, "date", "2020-02-30"), ("assaults.csv", 3, "victim_role", "astronaut")}
    assert result.compiled_rows["assaults"] == len(rows) - 2 and result.rejected_rows == 2


def test_a_workbook_is_checked_sheet_by_sheet(current, tmp_path):
    raw, _ = current
    assert (
        etl_main(["workbook", "--out", str(tmp_path / "wb.xlsx"), "--lang", "ru", "--with-data", "--raw", str(raw)])
        == 0
    )
    result = run_check(current, ("monitors.xlsx", (tmp_path / "wb.xlsx").read_bytes()))
    assert result.problems == [] and set(result.compiled_rows) == set(BY_NAME)
    assert all(not (c.added or c.removed or c.changed) for c in result.changes)


def test_nothing_is_written_to_data(current):
    before = sorted((p, p.stat().st_mtime_ns) for p in DATA_DIR.rglob("*"))
    run_check(current, ("detentions.csv", csv_bytes("detentions", fixtures.rows("detentions"))))
    assert sorted((p, p.stat().st_mtime_ns) for p in DATA_DIR.rglob("*")) == before


def xlsx_with_formula() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(BY_NAME["events"].column_names))
    ws.append(["EV-1", "election", "=TODAY()"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_plus(part: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    wb = Workbook()
    wb.active.append(list(BY_NAME["events"].column_names))
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(part, data)
    return out.getvalue()


def big_cell_csv() -> bytes:
    rows = fixtures.rows("assaults")
    rows[0]["summary"] = "x" * (1 << 20)
    return csv_bytes("assaults", rows)


@pytest.mark.parametrize(
    "name, make, message",
    [
        ("assaults.csv", lambda: b"x" * (check.MAX_UPLOAD_BYTES + 1), "the limit is 20 MB"),
        ("events.xlsx", lambda: xlsx_plus("xl/worksheets/sheet9.xml", b"\0" * (40 << 20)), "decompression bomb"),
        ("events.xlsx", lambda: xlsx_plus("xl/externalLinks/externalLink1.xml", b"<x/>"), "links to other files"),
        ("events.xlsx", xlsx_with_formula, "formulas are never evaluated"),
        (
            "sources.csv",
            lambda: csv_bytes("sources", fixtures.rows("sources") + [dict(source_id="s-9", title="Şirvan")], "cp1254"),
            "not valid UTF-8",
        ),
        ("events.xlsx", lambda: b"PK\x03\x04 not really a zip", "not an Excel .xlsx workbook"),
        ("notes.txt", lambda: b"hello", "only .csv and .xlsx"),
        ("whatever.csv", lambda: b"a,b\n1,2\n", "cannot tell which table"),
    ],
    ids=["too-big", "bomb", "external-link", "formula", "encoding", "not-a-zip", "wrong-type", "unknown-table"],
)
def test_hostile_input_is_refused_with_a_clear_message(current, name, make, message):
    with pytest.raises(check.Refused, match=message):
        run_check(current, (name, make()))


def test_a_1mb_cell_is_a_problem_of_its_row(current):
    result = run_check(current, ("assaults.csv", big_cell_csv()))
    assert [(p[3], p[5]) for p in result.problems] == [("summary", "cell has 1048576 characters; the limit is 20000")]


# -- the switch ------------------------------------------------------------------------------


def test_the_page_is_absent_without_the_monitors_switch(open_app, monkeypatch):
    monkeypatch.delenv("PFD_MONITOR", raising=False)
    at = open_app()
    with pytest.raises(ValueError, match="Could not find a navigation page") as e:
        at.switch_page("pages/check_file.py")
    assert "pages/methodology.py" in str(e.value)  # the other pages are registered


def test_the_page_is_present_with_the_monitors_switch(open_app, monkeypatch):
    monkeypatch.setenv("PFD_MONITOR", "1")
    at = open_app()
    at.switch_page("pages/check_file.py").run()
    assert not at.exception, at.exception
    assert [h.value for h in at.header] == ["Check a file"]
    assert "No file uploaded yet." in [i.value for i in at.info]


def test_make_run_sets_the_switch_and_hosts_do_not():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = makefile[makefile.index("\nrun:") : makefile.index("\nlint:")]
    assert "PFD_MONITOR=1" in run and "-m webapp run dashboard.py" in run  # (streamlit, warmed up: webapp/__main__.py)


def test_the_page_speaks_the_chosen_language(open_app, monkeypatch):
    monkeypatch.setenv("PFD_MONITOR", "1")
    at = open_app({"lang": "ru"})
    at.switch_page("pages/check_file.py").run()
    assert not at.exception, at.exception
    assert [h.value for h in at.header] == ["Проверить файл"]
    assert "Файл ещё не загружен." in [i.value for i in at.info]
