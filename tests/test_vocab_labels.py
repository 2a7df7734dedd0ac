"""A vocabulary label in any language is read as its code (case and accents ignored): no two
codes of one vocabulary may share a folded label, and the ETL's SQL folds as the library does."""

from __future__ import annotations

import json

import duckdb
import pytest

from etl.cli import main as etl_main
from etl.validated import MACROS
from pressfreedom import vocab
from pressfreedom.vocab import LANGUAGES, fold
from tests import fixtures


@pytest.mark.parametrize("v", vocab.ALL.values(), ids=lambda v: v.name)
def test_no_two_codes_share_a_folded_label(v):
    owner: dict[str, str] = {}
    clashes = []
    for t in v.terms:
        for key in {fold(t.code), *(fold(t.label(lang)) for lang in LANGUAGES)}:
            if owner.setdefault(key, t.code) != t.code:
                clashes.append((key, owner[key], t.code))
    assert clashes == []


def test_sql_folds_like_the_library():
    con = duckdb.connect()
    con.execute(MACROS)
    cells = [
        s
        for v in vocab.ALL.values()
        for t in v.terms
        for lab in (t.code, *(t.label(lang) for lang in LANGUAGES))
        for s in (lab, lab.upper(), f"  {lab.lower()} ")
    ]
    got = [r[0] for r in con.execute("SELECT vkey(c) FROM unnest(?) AS t(c)", [cells]).fetchall()]
    assert got == [fold(c) for c in cells]


@pytest.mark.parametrize(
    "cell", ["journalist", "Журналист", "ЖУРНАЛИСТ", "Jurnalist", "jurnalíst", "Journalist"], ids=repr
)
def test_normalise_reads_labels_in_any_language(cell):
    assert vocab.VICTIM_ROLE.normalise(cell) == "journalist"


def test_azerbaijani_dotted_and_dotless_i_fold_alike():
    assert fold("İŞGƏNCƏ") == fold("işgəncə") and fold("Naməlum") == fold("NAMƏLUM")


def test_etl_reads_labels_and_warns_where(tmp_path):
    rows = fixtures.rows("assaults")
    rows[0]["victim_role"] = "Блогер"  # Russian label
    rows[1]["victim_role"] = "hüquq müdafiəçisi"  # Azerbaijani, lower case
    raw = fixtures.write_raw(tmp_path / "raw", assaults=rows)
    out = tmp_path / "out"
    assert etl_main(["--raw", str(raw), "--out", str(out), "--quiet"]) == 0
    import pyarrow.parquet as pq

    got = {r["incident_id"]: r["victim_role"] for r in pq.read_table(out / "incidents.parquet").to_pylist()}
    assert got[rows[0]["incident_id"]] == "blogger"
    assert got[rows[1]["incident_id"]] == "human_rights_defender"
    warnings = json.loads((out / "manifest.json").read_text())["warnings"]
    label_lines = [w for w in warnings if "read " in w and "as the code" in w]
    assert any("'Блогер'" in w and "'blogger'" in w and "assaults.csv" in w and "record 1" in w for w in label_lines)
    assert any("'hüquq müdafiəçisi'" in w and "'human_rights_defender'" in w for w in label_lines)
