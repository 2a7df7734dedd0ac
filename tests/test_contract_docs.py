"""The contract is declared once in code; this fails when the docs fall behind it."""

import re
from pathlib import Path

import pytest

from pressfreedom import third_party, vocab
from pressfreedom.schema import ALL_TABLES, INCIDENT_COLUMNS

DOC = (Path(__file__).resolve().parents[1] / "docs" / "data-model.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.name)
def test_every_table_and_column_is_documented(table):
    assert f"`{table.name}`" in DOC
    missing = [c for c in table.column_names if f"`{c}`" not in DOC]
    assert missing == []


def test_every_output_column_and_vocabulary_is_documented():
    assert [c for c in INCIDENT_COLUMNS if f"`{c}`" not in DOC] == []
    used = set(re.findall(r"vocabulary `(\w+)`|\| `(\w+)` \|", DOC))
    names = {a or b for a, b in used}
    assert {"victim_role", "perpetrator", "assault_type", "detention_type", "blocking_type", "outcome"} <= names


@pytest.mark.parametrize("v", vocab.ALL.values(), ids=lambda v: v.name)
def test_vocabularies_have_an_explicit_unknown_or_say_why_not(v):
    # closed vocabularies (kinds, precisions, qualifiers, what a source covers, a custody report's
    # status: a report says held or released, else it is not a report; whether a published figure has
    # an itemised counterpart: the editors decide it, empty = none) have no "unknown" by design
    closed = {"category", "date_precision", "qualifier", "coverage_type", "custody_status", "counterpart"}
    assert (v.unknown is None) == (v.name in closed)


ROOT = Path(__file__).resolve().parents[1]
CONTEXT_TABLES = {
    third_party.RSF_TABLE: third_party.RSF_SCHEMA,
    third_party.CITIZENLAB_TABLE: third_party.CITIZENLAB_SCHEMA,
    third_party.OONI_TABLE: third_party.OONI_SCHEMA,
}


def context_section() -> str:
    start = DOC.index("## Context tables")
    return DOC[start : DOC.index("\n## ", start + 1)]


@pytest.mark.parametrize("name", CONTEXT_TABLES)
def test_every_context_table_and_column_is_documented(name):
    section = context_section()
    assert f"| `{name}` |" in section
    row = next(line for line in section.splitlines() if line.startswith(f"| `{name}` |"))
    missing = [c for c in CONTEXT_TABLES[name].names if f"`{c}`" not in row]
    assert missing == [], f"docs/data-model.md, context table {name} lacks {missing}"
    assert f"`{name}.parquet`" in DOC  # in the list of output files too
    detail = (ROOT / "docs" / "context-data.md").read_text(encoding="utf-8")
    assert f"`{name}.parquet`" in detail
    missing = [c for c in CONTEXT_TABLES[name].names if f"`{c}`" not in detail]
    assert missing == [], f"docs/context-data.md lacks {missing} of {name}"


def test_the_context_section_names_no_column_that_code_lacks():
    declared = {c for schema in CONTEXT_TABLES.values() for c in schema.names}
    rows = [line for line in context_section().splitlines() if line.startswith("| `")]
    cells = [re.split(r"(?<!\\)\|", line) for line in rows]  # "\|" inside a cell is not a border
    named = {c for cell in cells for c in re.findall(r"`(\w+)`", cell[5])}
    # the values named in the cells (eras, directions) are codes, not columns
    values = set(third_party.SCALES) | {"higher_is_better", "lower_is_better"}
    assert named - values == declared


def test_every_context_importer_is_documented_and_the_details_are_linked():
    from etl.third_party import IMPORTERS

    section = context_section()
    for name in IMPORTERS:
        assert f"`{name}.py`" in section, name
        assert (ROOT / "etl" / "third_party" / f"{name}.py").is_file(), name
    assert "(context-data.md)" in section and (ROOT / "docs" / "context-data.md").is_file()
    for facts in (ROOT / "data" / "third_party").glob("*.csv"):  # the committed facts have their place too
        stem = re.sub(r"_[A-Za-z]{2,3}(_categories)?$", "", facts.stem)
        assert stem in section, facts.name
