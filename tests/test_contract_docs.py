"""The contract is declared once in code; this fails when the docs fall behind it."""

import re
from pathlib import Path

import pytest

from pfd import vocab
from pfd.schema import ALL_TABLES, INCIDENT_COLUMNS

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
    # closed vocabularies (kinds, precisions, qualifiers) have no "unknown" by design
    closed = {"category", "date_precision", "qualifier"}
    assert (v.unknown is None) == (v.name in closed)
