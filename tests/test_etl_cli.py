"""`python -m etl` as a monitor runs it: exit codes, fatal messages, atomic publish, determinism,
confidentiality of the public build, XLSX and BOM inputs."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from etl import cli
from etl.build import Build
from etl.cli import main as etl_main
from pressfreedom.query import TABLES
from pressfreedom.schema import BY_NAME
from tests import fixtures

ROOT = Path(__file__).resolve().parents[1]
PARQUETS = TABLES  # every table the contract publishes


def run(raw: Path, out: Path, *flags: str) -> int:
    return etl_main(["--raw", str(raw), "--out", str(out), "--quiet", *flags])


def snapshot(out: Path) -> dict[str, str]:
    """Every published file's sha256, plus where the symlink points."""
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.resolve().iterdir())}
    files["->"] = os.readlink(out)
    return files


def contents(out: Path) -> dict[str, list[dict]]:
    return {name: pq.read_table(out / f"{name}.parquet").to_pylist() for name in PARQUETS}


@pytest.fixture
def published(tmp_path) -> tuple[Path, Path]:
    """A raw folder and a first published build of it."""
    raw = fixtures.write_raw(tmp_path / "raw")
    out = tmp_path / "processed"
    assert run(raw, out) == 0
    return raw, out


# -- exit codes ----------------------------------------------------------------------------------


def test_exit_0_with_rejects(tmp_path, capsys):
    rows = fixtures.rows("assaults")
    rows[0]["date"] = "2020-02-30"
    raw = fixtures.write_raw(tmp_path / "raw", assaults=rows)
    assert run(raw, tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert "assaults.csv record 1 (line 2) column 'date' value '2020-02-30': impossible date" in err
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["rejected_rows"] == 1


def test_strict_exits_1_and_publishes_nothing(published, capsys):
    raw, out = published
    before = snapshot(out)
    rows = fixtures.rows("blockings")
    rows[1]["blocked_until"] = "2020-01-01"
    fixtures.write_raw(raw, blockings=rows)
    assert run(raw, out, "--strict") == 1
    err = capsys.readouterr().err
    assert "etl: --strict: 1 row(s) rejected; nothing was published." in err
    assert snapshot(out) == before
    assert len(list(out.parent.joinpath(".processed-builds").iterdir())) == 1  # the discarded build is gone


def test_strict_exits_0_when_clean(tmp_path):
    raw = fixtures.write_raw(tmp_path / "raw")
    assert run(raw, tmp_path / "out", "--strict") == 0


def fatal(raw: Path, out: Path, capsys) -> str:
    assert run(raw, out) == 2
    err = capsys.readouterr().err
    assert "etl: nothing was published; the previous output is unchanged." in err
    return err


def test_non_utf8_csv_is_fatal_and_suggests_utf8(published, capsys):
    raw, out = published
    before = snapshot(out)
    rows = fixtures.rows("assaults")
    rows[0]["location"] = "Баку"
    fixtures.write_table(raw / "assaults.csv", "assaults", rows, encoding="cp1251")
    err = fatal(raw, out, capsys)
    assert "etl: fatal: assaults.csv: not valid UTF-8 (byte 0xc1 on line 2). Re-save the file as 'CSV UTF-8'" in err
    assert snapshot(out) == before


def test_missing_required_column_is_named(published, capsys):
    raw, out = published
    before = snapshot(out)
    text = (raw / "detentions.csv").read_text(encoding="utf-8")
    (raw / "detentions.csv").write_text(text.replace(",victim,", ",victim_name,", 1), encoding="utf-8")
    err = fatal(raw, out, capsys)
    assert "etl: fatal: detentions.csv, column 'victim': missing required column(s) victim;" in err
    assert snapshot(out) == before


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n"])
def test_empty_file_is_fatal(published, capsys, content):
    raw, out = published
    (raw / "events.csv").write_bytes(content)
    err = fatal(raw, out, capsys)
    assert "etl: fatal: events.csv: the file is empty: expected a header row and data rows" in err


def test_semicolon_file_gets_a_hint(published, capsys):
    raw, out = published
    text = (raw / "people.csv").read_text(encoding="utf-8")
    (raw / "people.csv").write_text(text.replace(",", ";"), encoding="utf-8")
    err = fatal(raw, out, capsys)
    assert "etl: fatal: people.csv, column 'person_id': missing required column(s) person_id, name;" in err
    assert "The file seems to use ';' as separator: save it as comma-separated CSV." in err


def test_csv_and_xlsx_of_the_same_table_is_fatal(published, capsys):
    from openpyxl import Workbook

    raw, out = published
    Workbook().save(raw / "events.xlsx")
    err = fatal(raw, out, capsys)
    assert "etl: fatal: events.csv: both events.csv and events.xlsx exist; keep only one" in err


def test_missing_sources_table_is_fatal(published, capsys):
    raw, out = published
    (raw / "sources.csv").unlink()
    err = fatal(raw, out, capsys)
    assert "etl: fatal: sources.csv: missing: every incident must cite a source table" in err


# -- atomic publish ------------------------------------------------------------------------------


def test_failure_mid_write_leaves_previous_output_byte_identical(published, monkeypatch):
    raw, out = published
    before = snapshot(out)
    builds_before = sorted(p.name for p in (out.parent / ".processed-builds").iterdir())
    rows = fixtures.rows("assaults")
    rows[0]["summary"] = "A changed summary."
    fixtures.write_raw(raw, assaults=rows)
    original = Build.write_table
    written: list[str] = []

    def failing_write(self, name, table):
        if written:
            raise OSError("disk full (injected)")
        original(self, name, table)
        written.append(name)

    monkeypatch.setattr(Build, "write_table", failing_write)
    with pytest.raises(OSError, match="injected"):
        run(raw, out)
    assert written == ["incidents"]
    assert snapshot(out) == before
    assert sorted(p.name for p in (out.parent / ".processed-builds").iterdir()) == builds_before
    monkeypatch.undo()
    assert run(raw, out) == 0  # and the next run publishes normally
    summaries = {r["incident_id"]: r["summary"] for r in pq.read_table(out / "incidents.parquet").to_pylist()}
    assert summaries["ASL-1"] == "A changed summary."
    assert snapshot(out) != before


KILL_DRIVER = textwrap.dedent(
    """
    import os, sys, time
    from etl.build import Build
    from etl.cli import main

    original = Build.write_table

    def slow_write(self, name, table):
        # the second output is written half-way, announced, then the process waits to be killed
        if self.outputs:
            path = self.dir / f"{name}.parquet"
            with open(path, "wb") as fh:
                fh.write(b"PAR1" + bytes(4096))
                fh.flush()
                os.fsync(fh.fileno())
            print("WRITING", path, flush=True)
            time.sleep(120)
        original(self, name, table)

    Build.write_table = slow_write
    sys.exit(main(sys.argv[1:]))
    """
)


def test_killed_etl_leaves_previous_output_readable_and_unchanged(tmp_path):
    """SIGKILL while the new build is being written (a large synthetic input, so there is a lot to write)."""
    from bench import synth

    raw = tmp_path / "raw"
    synth.generate(raw, 20_000, seed=3)
    out = tmp_path / "processed"
    assert run(raw, out) == 0
    before = snapshot(out)
    before_rows = {name: pq.read_table(out / f"{name}.parquet").num_rows for name in PARQUETS}

    synth.generate(raw, 30_000, seed=4)  # new input: a finished run would change the output
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_DRIVER, "--raw", str(raw), "--out", str(out), "--quiet"],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("WRITING "), line
        half_written = Path(line.split(" ", 1)[1].strip())
        assert half_written.exists() and half_written.parent != out.resolve()
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(out) == before
    assert {name: pq.read_table(out / f"{name}.parquet").num_rows for name in PARQUETS} == before_rows
    # the next run cleans up and publishes
    assert run(raw, out) == 0
    assert pq.read_table(out / "incidents.parquet").num_rows > before_rows["incidents"]


# -- determinism ---------------------------------------------------------------------------------


def test_two_runs_give_identical_contents(tmp_path):
    raw = fixtures.write_raw(tmp_path / "raw")
    rows = fixtures.rows("detentions")
    rows[0]["victim_role"] = "poet"  # with a reject, so the report is compared too
    fixtures.write_raw(raw, detentions=rows)
    assert run(raw, tmp_path / "a") == 0
    assert run(raw, tmp_path / "b") == 0
    a, b = contents(tmp_path / "a"), contents(tmp_path / "b")
    assert a == b
    # input order, kind after kind (assaults, detentions, blockings, court outcomes); DET-1 rejected
    assert [r["incident_id"] for r in a["incidents"]] == [
        "ASL-1",
        "ASL-2",
        "ASL-3",
        "DET-2",
        "DET-3",
        "BLK-1",
        "BLK-2",
        "CRT-1",
        "CRT-2",
        "CRT-3",
    ]
    assert (tmp_path / "a" / "rejects.csv").read_bytes() == (tmp_path / "b" / "rejects.csv").read_bytes()
    for name in PARQUETS:
        assert pq.read_schema(tmp_path / "a" / f"{name}.parquet") == pq.read_schema(tmp_path / "b" / f"{name}.parquet")


# -- confidentiality -----------------------------------------------------------------------------


def all_bytes(out: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(out.resolve().iterdir()))


def all_text_values(out: Path) -> str:
    """Every Parquet cell as text (compressed pages hide names from a byte search)."""
    return json.dumps(contents(out), default=str, ensure_ascii=False)


def confidential_fixture(raw: Path) -> Path:
    """The fixture plus confidential rows that are rejected (the report must not name them either)."""
    det = fixtures.rows("detentions")
    extra = dict(det[1])  # DET-2 is the confidential canary row
    extra.update(incident_id="DET-4", date="2020-02-30", notes=f"{fixtures.CANARY} " + "n" * 20_001)
    det.append(extra)
    fixtures.write_raw(raw, detentions=det)
    with open(raw / "assaults.csv", "a", encoding="utf-8") as fh:  # a ragged confidential row
        fh.write(f"ASL-9,2020-01-01,{fixtures.CANARY},P-9,activist,true\n")
    return raw


def test_canary_is_in_no_public_file(tmp_path):
    raw = confidential_fixture(tmp_path / "raw")
    out = tmp_path / "processed"
    assert run(raw, out) == 0
    canary = fixtures.CANARY.encode()
    assert canary not in all_bytes(out)
    assert fixtures.CANARY not in all_text_values(out)
    assert fixtures.CANARY.split()[1] not in all_text_values(out)  # not even part of the name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["public"] is True
    assert manifest["withheld_rows"] == {"people": 1}
    det2 = {r["incident_id"]: r for r in pq.read_table(out / "incidents.parquet").to_pylist()}["DET-2"]
    assert (det2["victim"], det2["person_id"], det2["summary"], det2["source_locators"]) == (
        "[withheld]",
        None,
        "[withheld]",
        ["[withheld]"],
    )
    # the rejected confidential rows are reported, without their identifying values
    rejects = (out / "rejects.csv").read_text(encoding="utf-8")
    assert "detentions.csv,4,5,notes,[withheld],cell has" in rejects
    assert 'assaults.csv,4,5,,"ASL-9,… [withheld]","wrong number of fields: expected 20, found 6"' in rejects


def test_internal_build_keeps_the_names_and_writes_elsewhere(tmp_path, monkeypatch):
    raw = confidential_fixture(tmp_path / "raw")
    internal, public = tmp_path / "internal", tmp_path / "processed"
    monkeypatch.setattr(cli, "INTERNAL_DIR", internal)
    monkeypatch.setattr(cli, "DEFAULT_PROCESSED_DIR", public)
    assert etl_main(["--raw", str(raw), "--internal", "--quiet"]) == 0
    assert not public.exists()
    assert json.loads((internal / "manifest.json").read_text())["public"] is False
    assert fixtures.CANARY in all_text_values(internal)  # the search above can find it
    assert f"{fixtures.CANARY} n" in (internal / "rejects.csv").read_text(encoding="utf-8")
    people = {r["person_id"]: r["name"] for r in pq.read_table(internal / "people.parquet").to_pylist()}
    assert people["P-9"] == fixtures.CANARY
    assert etl_main(["--raw", str(raw), "--quiet"]) == 0  # the default build goes to data/processed
    assert fixtures.CANARY not in all_text_values(public)


def test_person_of_a_rejected_confidential_incident_is_withheld(tmp_path):
    det = fixtures.rows("detentions")
    det[1]["date"] = "2020-02-30"  # DET-2 (confidential, P-9) is rejected
    raw = fixtures.write_raw(tmp_path / "raw", detentions=det)
    assert run(raw, tmp_path / "out") == 0
    people = [r["person_id"] for r in pq.read_table(tmp_path / "out" / "people.parquet").to_pylist()]
    assert people == ["P-1", "P-2", "P-3"]
    assert fixtures.CANARY.encode() not in all_bytes(tmp_path / "out")


# -- input formats -------------------------------------------------------------------------------


def write_xlsx(path: Path, name: str, rows: list[dict], title_row: str | None = None) -> Path:
    from openpyxl import Workbook

    cols = list(BY_NAME[name].column_names)
    wb = Workbook()
    ws = wb.active
    if title_row:
        ws.append([title_row])
    ws.append(cols)
    for r in rows:
        ws.append([r.get(c) or None for c in cols])
    wb.save(path)
    return path


def test_xlsx_input_compiles_the_same_as_csv(tmp_path):
    csv_raw = fixtures.write_raw(tmp_path / "csv")
    xlsx_raw = tmp_path / "xlsx"
    xlsx_raw.mkdir()
    for name in fixtures.TABLES:
        write_xlsx(xlsx_raw / f"{name}.xlsx", name, fixtures.rows(name))
    assert run(csv_raw, tmp_path / "a") == 0
    assert run(xlsx_raw, tmp_path / "b") == 0
    assert contents(tmp_path / "a") == contents(tmp_path / "b")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert {k: v["rows"] for k, v in manifest["inputs"].items() if k.endswith(".xlsx")} == {
        f"{n}.xlsx": len(r) for n, r in fixtures.TABLES.items()
    }


def test_utf8_bom_is_accepted(tmp_path):
    plain = fixtures.write_raw(tmp_path / "plain")
    bom = fixtures.write_raw(tmp_path / "bom")
    for name in fixtures.TABLES:
        path = bom / f"{name}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run(plain, tmp_path / "a") == 0
    assert run(bom, tmp_path / "b") == 0
    assert contents(tmp_path / "a") == contents(tmp_path / "b")
    assert (tmp_path / "b" / "rejects.csv").read_text() == "file,record,line,column,value,reason\n"
