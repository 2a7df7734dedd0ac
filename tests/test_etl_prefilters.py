"""The vectorised pre-filters of the row checks never miss a row their SQL rejects.

A large table's rows are checked in SQL only where a check's pre-filter (numpy/pyarrow) says the
row may fail it (etl/validated.py, ``Check.pre``). A pre-filter may flag too much (the SQL then
decides) but never too little: a row it misses would be compiled although the check rejects it.
Here the two list checks that got pre-filters for speed (issue 17: without them every row of
every chunk went through SQL) are held to that against their own SQL, on generated cells.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import validated
from pressfreedom import schema, vocab

# the pieces the house-style rules are about, and spaces of every kind trim() and \s know
PIECES = [".", ",", ";", ":", "—", "–", "-", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "Section ", "Paragraph ",
          "1", "12", "e", "a", "Z", "p", "Internet Freedom", "; ", " — ", "é"]  # fmt: skip
# written locators, in and out of the house style (docs/methodology.md, "Citations")
LOCATORS = ["Section 2.a — Internet Freedom", "Paragraph 3", "p. 12", "Section 1.e — Trials; Paragraph 2",
            "Section 1.e. Denial of Fair Public Trial", "Section 1.e —", "Physical pressures — ", "— Paragraph 2",
            "Paragraph 2.", "Section 2. Freedoms", "Section 12.b.", "A — — B", "A —; B", "A; — B", "Annex:",
            "Section 3.c.\tPress", "Section 1 — p. 4-5"]  # fmt: skip
element = st.one_of(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join),
    st.sampled_from(LOCATORS),
    st.tuples(st.sampled_from(LOCATORS), st.sampled_from(PIECES)).map("".join),
)
cells = st.lists(st.lists(element, min_size=0, max_size=4), min_size=1, max_size=30)


def _check(spec: schema.TableSpec, column: str, marker: str) -> validated.Check:
    [ch] = [
        ch
        for ch in validated.column_checks(spec) + validated.table_checks(spec)
        if ch.column == column and marker in ch.bad
    ]
    return ch


CON = duckdb.connect()


def _sql_bad(ch: validated.Check, table: pa.Table) -> np.ndarray:
    con = CON
    con.register("v", table.append_column("__i", pa.array(np.arange(table.num_rows))))
    got = con.sql(f"SELECT __i FROM v WHERE coalesce({ch.bad}, false)").fetchnumpy()["__i"]
    out = np.zeros(table.num_rows, bool)
    out[got] = True
    return out


def _chunked(lists: list[list[str]], name: str) -> pa.Table:
    """The lists as a column of two chunks, the second a slice (as chunks of a read table are)."""
    arr = pa.array(lists, validated.LIST_TYPE)
    half = len(lists) // 2
    padded = pa.array([["padding"], *lists[half:]], validated.LIST_TYPE).slice(1)
    return pa.table({name: pa.chunked_array([arr.slice(0, half), padded], validated.LIST_TYPE)})


def _flags(ch: validated.Check, table: pa.Table) -> np.ndarray:
    assert ch.pre is not None
    return ch.pre(validated.Parsed(table, np.zeros(table.num_rows, bool)), None)


def test_the_locator_prefilter_flags_the_written_examples():
    ch = _check(schema.DETENTIONS, "source_locators", "list_filter")
    table = _chunked([[x] for x in LOCATORS], "source_locators")
    rejected, flagged = _sql_bad(ch, table), _flags(ch, table)
    assert 6 <= rejected.sum() < len(LOCATORS)  # the examples hold both kinds
    assert not (rejected & ~flagged).any(), [LOCATORS[i] for i in np.flatnonzero(rejected & ~flagged)]


@settings(max_examples=300, deadline=None)
@given(cells)
def test_the_locator_prefilter_flags_every_row_the_house_style_check_rejects(lists):
    ch = _check(schema.DETENTIONS, "source_locators", "list_filter")
    table = _chunked(lists, "source_locators")
    rejected, flagged = _sql_bad(ch, table), _flags(ch, table)
    assert not (rejected & ~flagged).any(), [lists[i] for i in np.flatnonzero(rejected & ~flagged)]


@settings(max_examples=300, deadline=None)
@given(st.lists(element, min_size=1, max_size=50))
def test_the_locator_regex_reads_as_in_duckdb(values):
    """Both are RE2: pyarrow's match of the joined expression equals DuckDB's regexp_matches of its
    parts, element by element (so the pre-filter is exact apart from cells trim() may change)."""
    arr = pa.array(values, pa.string())
    ours = pc.match_substring_regex(arr, pattern=validated.LOCATOR_BAD_RE).to_pylist()
    con = CON
    con.register("t", pa.table({"x": arr, "i": pa.array(range(len(values)))}))
    sql = " OR ".join(f"regexp_matches(x, {validated.lit(r)})" for r in validated.LOCATOR_BAD)
    duck = [r[0] for r in con.sql(f"SELECT {sql} FROM t ORDER BY i").fetchall()]
    assert ours == duck


codes = st.sampled_from([*vocab.OFFENCE.codes, "theft", "Smuggling", "smuggling ", "", "other", "libel"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(codes, min_size=0, max_size=4), min_size=1, max_size=30))
def test_the_offence_prefilter_flags_every_row_with_an_unknown_code(lists):
    for spec in (schema.DETENTIONS, schema.COURT_OUTCOMES):
        ch = _check(spec, "offence", "list_contains")
        table = _chunked(lists, "offence")
        rejected, flagged = _sql_bad(ch, table), _flags(ch, table)
        assert not (rejected & ~flagged).any()
        # and it is exact: a list of known codes only is never sent to the SQL
        known = np.array([all(x in vocab.OFFENCE.codes for x in row) for row in lists])
        assert (flagged == ~known).all()


def test_any_element_maps_sliced_chunks_to_their_own_rows():
    table = _chunked([["a"], [], ["b", "x"], ["c"], ["x"], [], ["d", "e", "x"]], "l")
    parsed = validated.Parsed(table, np.zeros(table.num_rows, bool))
    got = parsed.any_element("l", lambda values: np.asarray(pc.equal(values, "x")))
    assert got.tolist() == [False, False, True, False, True, False, True]
