"""Process stage: typed rows and a list of every problem in every row.

The checks are declared by the contract (``pressfreedom.schema``) and compiled here into DuckDB SQL: the
SQL of a check is its one definition, and the reasons in ``rejects.csv`` come from it. (The
benchmark in ``bench/`` compares this with pandera and a plain pandas reader; see
docs/performance.md.) A row with any problem is rejected as a whole and listed once per problem
in ``rejects.csv``; rows that pass are returned typed.

Large tables are validated chunk by chunk (``raw_tables`` reads them that way) without running
every check's SQL over every row:

- a column with few distinct values (dates, vocabularies, numbers, yes/no, currencies) is
  parsed and checked once per distinct value, in SQL, and the answers are mapped back to the rows;
- text is passed through as loaded unless a cell may change under ``trim`` (its first or last
  byte could belong to a space character): only those cells go through the SQL;
- every other check has a vectorised pre-filter, a superset of the rows its SQL can flag
  (``Check.pre``); only the rows some pre-filter flags are run through the checks' SQL, which
  decides;
- the checks that need every incident table (duplicate incident ids, related ids, appeal_of)
  are ``deferred``: they run once all tables have been read, over the ids collected on the way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from etl import raw_tables
from etl.build import Build
from etl.raw_tables import FEW_VALUES, RawInputs, RawTable, TableInput
from pressfreedom.schema import (
    BOOL,
    CURRENCY,
    DATE,
    EVENTS,
    ID,
    INCIDENT_TABLES,
    ITEMISED_UNITS,
    LIST,
    LIST_SEP,
    MAX_TEXT_CHARS,
    NUMBER,
    OFFENCE_KINDS,
    PEOPLE,
    SOURCES,
    TEXT,
    URL,
    VOCAB,
    WITHHELD,
    Col,
    TableSpec,
)
from pressfreedom.vocab import CATEGORY_SUBCATEGORY, Vocabulary

DATE_FORMS = "YYYY-MM-DD, YYYY-MM, YYYY or DD.MM.YYYY"

MACROS = f"""
CREATE OR REPLACE MACRO s(v) AS nullif(trim(v), '');
CREATE OR REPLACE MACRO vkey(v) AS replace(strip_accents(lower(replace(replace(trim(v), ' ', '_'), '-', '_'))), 'ı', 'i');
CREATE OR REPLACE MACRO pdate(v) AS CASE
  WHEN regexp_full_match(v, '\\d{{4}}-\\d{{2}}-\\d{{2}}') THEN try_strptime(v, '%Y-%m-%d')::DATE
  WHEN regexp_full_match(v, '\\d{{4}}-\\d{{2}}-\\d{{2}}[ T]\\d{{2}}:\\d{{2}}(:\\d{{2}})?')
       THEN try_strptime(left(v, 10), '%Y-%m-%d')::DATE
  WHEN regexp_full_match(v, '\\d{{4}}-\\d{{1,2}}') THEN try_strptime(v || '-01', '%Y-%m-%d')::DATE
  WHEN regexp_full_match(v, '\\d{{4}}') THEN try_strptime(v || '-01-01', '%Y-%m-%d')::DATE
  WHEN regexp_full_match(v, '\\d{{1,2}}\\.\\d{{1,2}}\\.\\d{{4}}') THEN try_strptime(v, '%d.%m.%Y')::DATE
END;
CREATE OR REPLACE MACRO pprec(v) AS CASE
  WHEN v IS NULL THEN NULL
  WHEN length(v) = 4 THEN 'year'
  WHEN length(v) <= 7 AND strpos(v, '.') = 0 THEN 'month'
  ELSE 'day' END;
CREATE OR REPLACE MACRO date_reason(v) AS CASE
  WHEN regexp_full_match(v, '\\d{{5}}(\\.\\d+)?')
       THEN 'looks like an Excel serial number, not a date: format the cell as a date or type {DATE_FORMS}'
  WHEN regexp_full_match(v, '\\d{{1,2}}/\\d{{1,2}}/\\d{{2,4}}')
       THEN 'ambiguous date with slashes (day or month first?): write {DATE_FORMS}'
  WHEN regexp_full_match(v, '\\d{{4}}-\\d{{1,2}}|\\d{{4}}-\\d{{2}}-\\d{{2}}|\\d{{1,2}}\\.\\d{{1,2}}\\.\\d{{4}}')
       THEN 'impossible date (no such day or month)'
  ELSE 'not a date: write {DATE_FORMS}' END;
CREATE OR REPLACE MACRO plist(v) AS CASE WHEN v IS NULL THEN []::VARCHAR[] ELSE
  list_filter(list_transform(string_split(v, '{LIST_SEP}'), lambda x: trim(x)), lambda x: x <> '') END;
CREATE OR REPLACE MACRO pbool(v) AS [false, true, true, true, true, false, false, false, false][
  list_position(['', 'true', 'yes', '1', 'y', 'false', 'no', '0', 'n'], lower(trim(coalesce(v, ''))))];
"""


@dataclass
class Check:
    column: str
    bad: str  # SQL condition that is true for a bad row (the definition of the check)
    reason: str  # SQL expression giving the reason text
    value: str | None = None  # SQL for the value shown (default: the raw cell)
    # vectorised pre-filter: True on every row of a chunk for which ``bad`` may be true (a superset;
    # the SQL decides). None: every row is a candidate.
    pre: Callable[[Parsed, Context], np.ndarray] | None = None
    cell: bool = False  # a function of this column's cell alone
    deferred: bool = False  # needs every incident table: runs once they have all been read


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def vocab_case(col: str, vocab: Vocabulary) -> str:
    """SQL mapping a raw cell to its code: the code or a label in any language, case and
    accents ignored (``vkey`` folds as ``pressfreedom.vocab.fold``).

    One list lookup per cell (a CASE would evaluate the normalised key once per WHEN)."""
    keys = vocab.keys()
    key_list = "[" + ", ".join(lit(k) for k in keys) + "]"
    code_list = "[" + ", ".join(lit(c) for c in keys.values()) + "]"
    return f"{code_list}[list_position({key_list}, vkey({col}))]"


# -- parsing ---------------------------------------------------------------------------------------

DICT_KINDS = FEW_VALUES  # few distinct values: parsed and checked once per value
# A source locator out of the house style (docs/methodology.md, "Citations"; besides an empty one):
# trailing punctuation, "Section 1.e." with a dot, an empty part around " — " or "; ". One
# definition for the SQL check (regexp_matches) and its pre-filter (pyarrow); both are RE2.
LOCATOR_BAD = (
    r"[.,;:—–-]\s*$",
    r"Section \d+(\.[a-z])?\.(\s|$)",
    r"(^|;\s*)—|—\s*(;|$)",
    r"—\s*—",
)
LOCATOR_BAD_RE = "|".join(f"(?:{r})" for r in LOCATOR_BAD)
LIST_TYPE = pa.list_(pa.field("l", pa.string()))  # a DuckDB VARCHAR[] in Arrow

# DuckDB's trim() removes the characters of Unicode category Zs (checked against DuckDB 2.0:
# exactly these; U+180E was Zs before Unicode 6.3 and is kept to be safe). A cell can change
# under trim only if its first byte can start, or its last byte can end, one of them.
_ZS = (0x20, 0xA0, 0x1680, 0x180E, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)
_ZS_FIRST = np.zeros(256, bool)
_ZS_LAST = np.zeros(256, bool)
for _c in _ZS:
    _b = chr(_c).encode()
    _ZS_FIRST[_b[0]] = _ZS_LAST[_b[-1]] = True
_ID_BYTE = np.zeros(256, bool)  # the bytes of '[A-Za-z0-9][A-Za-z0-9_.:-]*'
_ID_FIRST = np.zeros(256, bool)
for _ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789":
    _ID_BYTE[ord(_ch)] = _ID_FIRST[ord(_ch)] = True
for _ch in "_.:-":
    _ID_BYTE[ord(_ch)] = True


@dataclass
class Context:
    """What the pre-filters compare with: the clean sources and people, and yesterday (no later
    than DuckDB's ``current_date`` in any time zone)."""

    ok_sources: pa.Array
    ok_people: pc.SetLookupOptions  # the clean people's ids (the lookup built once)
    yesterday: date = field(default_factory=lambda: date.today() - timedelta(days=1))


@dataclass
class Parsed:
    """A chunk as the checks and the output see it: ``__record``, ``__line`` and, per column,
    ``x__raw`` (the trimmed cell, NULL when empty), ``x`` (typed) and ``x__precision`` (dates)."""

    table: pa.Table
    cell_bad: np.ndarray  # rows failing a check of a few-valued column (exact)
    bad_in: dict[str, np.ndarray] = field(default_factory=dict)  # the same, per few-valued column
    _memo: dict = field(default_factory=dict)

    def col(self, name: str) -> pa.ChunkedArray:
        return self.table.column(name)

    @staticmethod
    def mask(x) -> np.ndarray:
        """A boolean (Chunked)Array as numpy, null as False."""
        x = pc.fill_null(x, False)
        chunks = x.chunks if isinstance(x, pa.ChunkedArray) else [x]
        if not chunks:
            return np.zeros(0, bool)
        return np.concatenate([c.to_numpy(zero_copy_only=False) for c in chunks])

    def null(self, name: str) -> np.ndarray:
        return self.mask(self.col(name).is_null())

    def valid(self, name: str) -> np.ndarray:
        return ~self.null(name)

    def isin(self, name: str, values: pa.Array) -> np.ndarray:
        return self.mask(pc.is_in(self.col(name), value_set=values))

    def not_in(self, name: str, known: pc.SetLookupOptions) -> np.ndarray:
        """Rows whose cell is not NULL and not in ``known``."""
        return self.valid(name) & ~self.mask(pc.is_in(self.col(name), options=known))

    def list_lengths(self, name: str) -> np.ndarray:
        lengths = pc.fill_null(pc.list_value_length(self.col(name)), 0)
        return _concat([c.to_numpy(zero_copy_only=False) for c in _chunks(lengths)])

    def byte_lengths(self, name: str) -> np.ndarray:
        return _concat([np.diff(_offsets(c)) for c in _chunks(self.col(name))])

    def not_id_like(self, name: str) -> np.ndarray:
        return _concat([_not_id_like(c) for c in _chunks(self.col(name))])

    def any_element(self, name: str, element: Callable[[pa.Array], np.ndarray]) -> np.ndarray:
        """Rows whose list in ``name`` has an element for which ``element`` (vectorised) is True."""
        out = []
        for c in _chunks(self.col(name)):
            rows = np.zeros(len(c), bool)
            values = c.flatten()
            if len(values):
                hit = element(values)
                if hit.any():
                    rows[pc.list_parent_indices(c).to_numpy(zero_copy_only=False)[hit]] = True
            out.append(rows)
        return _concat(out)

    def unknown_sources(self, ctx: Context) -> np.ndarray:
        """Rows with a source id that is not a clean source."""
        if "unknown_sources" not in self._memo:
            out = []
            for c in _chunks(self.col("source_ids")):
                rows = np.zeros(len(c), bool)
                known = pc.is_in(c.flatten(), value_set=ctx.ok_sources).to_numpy(zero_copy_only=False)
                if not known.all():
                    parents = pc.list_parent_indices(c).to_numpy(zero_copy_only=False)
                    rows[parents[~known]] = True
                out.append(rows)
            self._memo["unknown_sources"] = _concat(out)
        return self._memo["unknown_sources"]


def _candidates(ch: Check, p: Parsed, ctx: Context) -> np.ndarray:
    """The rows of ``p`` for which ``ch`` may be true (all rows when it has no pre-filter)."""
    return np.ones(p.table.num_rows, bool) if ch.pre is None else ch.pre(p, ctx)


def _pre_null(name: str):
    return lambda p, ctx: p.null(name)


def _pre_longer(name: str, limit: int):
    return lambda p, ctx: p.byte_lengths(name) > limit  # characters <= bytes


def _pre_not_id(name: str):
    return lambda p, ctx: p.not_id_like(name)


def _pre_less(a: str, b: str):
    return lambda p, ctx: p.mask(pc.less(p.col(a), p.col(b)))


def _pre_any_element(name: str, element: Callable[[pa.Array], np.ndarray]):
    """Rows of the list column ``name`` with an element for which ``element`` is True."""
    return lambda p, ctx: p.any_element(name, element)


def _not_in(codes: tuple[str, ...]) -> Callable[[pa.Array], np.ndarray]:
    known = pc.SetLookupOptions(value_set=pa.array(codes, pa.string()))
    return lambda values: ~pc.is_in(values, options=known).to_numpy(zero_copy_only=False)


def _locator_maybe_bad(values: pa.Array) -> np.ndarray:
    """A superset of the elements ``bad_locator`` is true for: the same regular expressions (RE2,
    as in DuckDB), and any element that is empty or that trim() may change."""
    hit = pc.fill_null(pc.match_substring_regex(values, pattern=LOCATOR_BAD_RE), True)
    return hit.to_numpy(zero_copy_only=False) | _maybe_untrimmed(values)


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, bool)


def _chunks(x) -> list:
    return list(x.chunks) if isinstance(x, pa.ChunkedArray) else [x]


def _offsets(arr) -> np.ndarray:
    """The n+1 offsets of a string or list array (slices respected)."""
    buf = arr.buffers()[1]
    if buf is None:
        return np.zeros(len(arr) + 1, np.int32)
    return np.frombuffer(buf, np.int32, len(arr) + 1, arr.offset * 4)


def _data(arr: pa.StringArray) -> np.ndarray:
    buf = arr.buffers()[2]
    return np.zeros(0, np.uint8) if buf is None else np.frombuffer(buf, np.uint8)


def _valid(arr: pa.Array) -> np.ndarray:
    return np.ones(len(arr), bool) if arr.null_count == 0 else arr.is_valid().to_numpy(zero_copy_only=False)


def _maybe_untrimmed(arr: pa.StringArray) -> np.ndarray:
    """True where trim() may change a non-null cell, or the cell is '' (NULL once trimmed)."""
    offs, data = _offsets(arr), _data(arr)
    start, end = offs[:-1], offs[1:]
    out = end <= start
    if data.size:
        out |= _ZS_FIRST.take(data.take(start, mode="clip"))
        out |= _ZS_LAST.take(data.take(end - 1, mode="clip"))
    return out & _valid(arr) if arr.null_count else out


def _not_id_like(arr: pa.StringArray) -> np.ndarray:
    """True where a non-null cell does not fully match '[A-Za-z0-9][A-Za-z0-9_.:-]*' (exact)."""
    offs, data = _offsets(arr), _data(arr)
    start, end = offs[:-1].astype(np.int64), offs[1:].astype(np.int64)
    out = end <= start
    if data.size:
        outside = ~_ID_BYTE.take(data)
        if outside.any():  # some cell has a byte outside the class: which ones
            count = np.concatenate([[0], np.cumsum(outside, dtype=np.int64)])
            out |= (count[end] - count[start]) > 0
        out |= ~_ID_FIRST.take(data.take(start, mode="clip"))
    return out & _valid(arr)


def _one_array(x) -> pa.Array:
    if isinstance(x, pa.ChunkedArray):
        return x.combine_chunks() if x.num_chunks else pa.array([], x.type)
    return x


def _replace(arr: pa.Array, where: np.ndarray, values: pa.Array) -> pa.Array:
    """``arr`` with the cells at ``where`` replaced by ``values`` (in that order)."""
    n = len(arr)
    positions = np.arange(n)
    positions[where] = n + np.arange(len(where))
    return pa.concat_arrays([arr, values.cast(arr.type)]).take(pa.array(positions))


def _sql_column(con: duckdb.DuckDBPyConnection, expr: str, values: pa.Array) -> pa.Array:
    """``expr`` (of ``v``) in SQL over a few values, in their order."""
    con.register("sql_cells", pa.table({"__i": pa.array(np.arange(len(values))), "v": values}))
    try:
        return _one_array(con.sql(f"SELECT {expr} FROM sql_cells ORDER BY __i").to_arrow_table().column(0))
    finally:
        con.unregister("sql_cells")


def _trimmed(con: duckdb.DuckDBPyConnection, cells) -> pa.ChunkedArray:
    """``s(cell)``: the cells as loaded, except those trim() may change, which go through SQL."""
    out = []
    for c in _chunks(cells):
        maybe = _maybe_untrimmed(c)
        if maybe.any():
            where = np.flatnonzero(maybe)
            c = _replace(c, where, _sql_column(con, "s(v)", c.take(pa.array(where))))
        out.append(c)
    return pa.chunked_array(out, pa.string())


def _split_list(con: duckdb.DuckDBPyConnection, trimmed: pa.ChunkedArray) -> pa.ChunkedArray:
    """``plist(raw)``: split on the separator; the rows with an element that is empty or may
    change under trim() go through SQL."""
    out = []
    for c in trimmed.chunks:
        parts = pc.split_pattern(c, LIST_SEP)  # NULL -> NULL, whose offsets span nothing
        lists = pa.ListArray.from_arrays(parts.offsets, parts.values, type=LIST_TYPE)  # NULL -> []
        maybe = _maybe_untrimmed(parts.values)
        if maybe.any():
            rows = np.unique(pc.list_parent_indices(parts).to_numpy(zero_copy_only=False)[maybe])
            lists = _replace(lists, rows, _sql_column(con, "plist(v)", c.take(pa.array(rows))))
        out.append(lists)
    return pa.chunked_array(out, LIST_TYPE)


def _any_bad(checks: list[Check]) -> str:
    return " OR ".join(f"coalesce({ch.bad}, false)" for ch in checks) or "false"


class Distinct:
    """A few-valued column parsed and checked in SQL once per distinct cell: the answers for
    the cells seen so far (row 0: the NULL cell), kept from chunk to chunk. The cells new in a
    chunk are answered for all such columns in one query (``answer_new``)."""

    def __init__(self, c: Col, checks: list[Check]):
        self.c, self.checks = c, checks
        self.seen = pa.array([], pa.string())  # answers[i + 1] is for seen[i]
        self.answers: pa.Table | None = None
        self.asked_null = False
        self.bad = self.same = np.zeros(0, bool)

    def sql(self, part: int, view: str) -> str:
        """The answers for the cells in ``view`` (``__i``, ``__cell``), as columns ``__raw``,
        ``__t<part>`` (typed), ``__p<part>`` (date precision), ``__bad``, ``__same``."""
        c = self.c
        raw, val, prec = q(c.name + "__raw"), q(c.name), q(c.name + "__precision")
        typed = f"{typed_expr(c, raw)} AS {val}" + (f", pprec({raw}) AS {prec}" if c.kind == DATE else "")
        return (
            f"SELECT {part} AS __part, __i, {raw} AS __raw, {val} AS __t{part}, "
            + (f"{prec} AS __p{part}, " if c.kind == DATE else "")
            + f"{_any_bad(self.checks)} AS __bad, {raw} IS NOT DISTINCT FROM __cell AS __same FROM "
            f"(SELECT __i, __cell, {raw}, {typed} FROM (SELECT __i, __cell, s(__cell) AS {raw} FROM {view})) AS v"
        )

    @staticmethod
    def answer_new(con: duckdb.DuckDBPyConnection, asked: list[tuple[Distinct, pa.Array]]) -> None:
        """Answer the new cells of several columns in one query."""
        parts = []
        for k, (d, cells) in enumerate(asked):
            con.register(f"distinct_cells_{k}", pa.table({"__i": pa.array(np.arange(len(cells))), "__cell": cells}))
            parts.append(d.sql(k, f"distinct_cells_{k}"))
        try:
            got = con.sql(" UNION ALL BY NAME ".join(parts) + " ORDER BY __part, __i").to_arrow_table()
        finally:
            for k in range(len(asked)):
                con.unregister(f"distinct_cells_{k}")
        part = got.column("__part").to_numpy()
        for k, (d, _) in enumerate(asked):
            names = ["__raw", f"__t{k}"] + ([f"__p{k}"] if d.c.kind == DATE else []) + ["__bad", "__same"]
            mine = got.filter(pa.array(part == k)).select(names).rename_columns([n.rstrip("0123456789") for n in names])
            d.answers = pa.concat_tables([d.answers, mine] if d.answers is not None else [mine]).combine_chunks()
            d.bad = d.answers.column("__bad").to_numpy()
            d.same = d.answers.column("__same").to_numpy()

    def new_cells(
        self, cells, ahead: pa.Array | None = None
    ) -> tuple[pa.Array, pa.DictionaryArray, np.ndarray, pa.Array | None]:
        """The column dictionary-encoded, where its distinct cells are among those seen (-1:
        new) and the cells to answer before ``parse`` (None: none). ``ahead``: distinct cells
        to answer with the first cells asked, whether this chunk has them or not (see
        ``cells_ahead``)."""
        arr = _one_array(cells)  # strings, or dictionary-encoded by the CSV reader
        enc = arr if pa.types.is_dictionary(arr.type) else arr.dictionary_encode()
        if ahead is not None and not self.asked_null:
            self.seen = ahead
        pos = pc.fill_null(pc.index_in(enc.dictionary, value_set=self.seen), -1).to_numpy(zero_copy_only=False)
        new = pos < 0
        if self.asked_null and not new.any():
            return arr, enc, pos, None
        fresh = enc.dictionary.filter(pa.array(new))
        pos = pos.astype(np.int64)
        pos[new] = len(self.seen) + np.arange(len(fresh))
        if not self.asked_null:  # the first cells asked: the NULL cell (answers row 0), the cells ahead
            self.asked_null = True
            self.seen = pa.concat_arrays([self.seen, fresh])
            return arr, enc, pos, pa.concat_arrays([pa.nulls(1, pa.string()), self.seen])
        self.seen = pa.concat_arrays([self.seen, fresh])
        return arr, enc, pos, fresh

    def parse(self, arr: pa.Array, enc: pa.DictionaryArray, pos: np.ndarray) -> tuple[dict[str, pa.Array], np.ndarray]:
        """The column's parsed columns and its rows failing a check (the new cells answered)."""
        # answer row of each cell: 0 for NULL, else 1 + its position in ``seen``
        lookup = np.concatenate([[0], np.asarray(pos, np.int64) + 1])
        rows = lookup[np.asarray(pc.fill_null(enc.indices, -1), np.int64) + 1]
        assert self.answers is not None
        take = pa.array(rows)
        c, answers = self.c, self.answers
        if self.same[rows].all():
            raw = arr
        elif pa.types.is_dictionary(arr.type):  # (the same type in every chunk)
            raw = pa.DictionaryArray.from_arrays(pa.array(rows, pa.int32()), _one_array(answers.column(0)))
        else:
            raw = answers.column(0).take(take)
        cols = {c.name + "__raw": raw}
        cols[c.name] = answers.column(1).take(take)
        if c.kind == DATE:
            cols[c.name + "__precision"] = answers.column(2).take(take)
        return cols, self.bad[rows]


def cells_ahead(kind: str, today: date | None = None) -> pa.Array | None:
    """Cells a large table's few-valued column of this kind is likely to hold, answered with
    its first chunk (each later chunk with a new cell costs one query of ~20-40 ms, whatever
    the number of cells): for dates, every year, month and day from 1991 to next year in the
    written forms (YYYY, YYYY-MM, YYYY-MM-DD, DD.MM.YYYY), ~27,000 cells. The answers are
    those of the same SQL; a cell never met only costs its row in the answers."""
    if kind != DATE:
        return None
    last = (today or date.today()).year + 1
    days = np.arange(np.datetime64("1991-01-01"), np.datetime64(f"{last}-12-31") + 1)
    iso = pa.array(days).cast(pa.string())
    dmy = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(iso, 8, 10), pc.utf8_slice_codeunits(iso, 5, 7), pc.utf8_slice_codeunits(iso, 0, 4), "."
    )
    years = pa.array([str(y) for y in range(1991, last + 1)])
    months = pa.array([f"{y}-{m:02d}" for y in range(1991, last + 1) for m in range(1, 13)])
    return pa.concat_arrays([years, months, iso, dmy])


def parse(
    con: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    cells: pa.Table,
    distinct: dict[Col, Distinct] | None = None,
    large: bool = False,
) -> Parsed:
    """The loaded cells (strings, ``__record``, ``__line``) parsed: same values as ``s(cell)``
    and ``typed_expr`` in SQL, computed as described in the module docstring. ``distinct``
    keeps the answers for few-valued columns from one chunk to the next (and from one
    table to the next for the columns they share). ``large``: more chunks of this table
    follow (its few-valued columns are answered ``cells_ahead`` too)."""
    if distinct is None:
        distinct = {}
    few: dict[str, tuple] = {}
    asked: list[tuple[Distinct, pa.Array]] = []
    for c in spec.columns:
        if c.kind in DICT_KINDS:
            # columns parsed and checked alike (e.g. the optional dates) share their answers
            alike = replace(c, name="cell", identifying=False)
            if alike not in distinct:
                distinct[alike] = Distinct(alike, column_checks(TableSpec("cells", (alike,), key="cell")))
            ahead = cells_ahead(c.kind) if large and not distinct[alike].asked_null else None
            arr, enc, pos, new = distinct[alike].new_cells(cells.column(c.name), ahead)
            few[c.name] = (distinct[alike], arr, enc, pos)
            if new is not None:
                asked.append((distinct[alike], new))
    if asked:
        Distinct.answer_new(con, asked)
    cols = {"__record": cells.column("__record"), "__line": cells.column("__line")}
    cell_bad = np.zeros(cells.num_rows, bool)
    bad_in = {}
    for c in spec.columns:
        if c.kind in DICT_KINDS:
            d, arr, enc, pos = few[c.name]
            parsed, bad = d.parse(arr, enc, pos)
            cols.update({c.name + key[len("cell") :]: value for key, value in parsed.items()})
            cell_bad |= bad
            bad_in[c.name] = bad
        else:
            raw = _trimmed(con, cells.column(c.name))
            cols[c.name + "__raw"] = raw
            cols[c.name] = _split_list(con, raw) if c.kind == LIST else raw
    return Parsed(pa.table(cols), cell_bad, bad_in)


def typed_expr(c: Col, raw: str) -> str:
    if c.kind == DATE:
        return f"pdate({raw})"
    if c.kind == NUMBER:
        return f"try_cast({raw} AS DOUBLE)"
    if c.kind == BOOL:
        return f"pbool({raw})"
    if c.kind == LIST:
        return f"plist({raw})"
    if c.kind == VOCAB:
        assert c.vocab is not None
        code = c.default or c.vocab.unknown
        default = lit(code) if code else "NULL"
        return f"CASE WHEN {raw} IS NULL THEN {default} ELSE {vocab_case(raw, c.vocab)} END"
    if c.kind == CURRENCY:
        return f"upper({raw})"
    return raw


# -- the checks ------------------------------------------------------------------------------------


def column_checks(spec: TableSpec) -> list[Check]:
    """Checks of one cell each (``cell=True``): for the few-valued kinds they run once per
    distinct value; the others carry a pre-filter."""
    checks: list[Check] = []
    for c in spec.columns:
        raw, val = q(c.name + "__raw"), q(c.name)
        if c.required:
            checks.append(
                Check(c.name, f"{raw} IS NULL", lit("required value is empty"), pre=_pre_null(c.name + "__raw"))
            )
        if c.kind == DATE:
            checks.append(Check(c.name, f"{raw} IS NOT NULL AND {val} IS NULL", f"date_reason({raw})"))
            checks.append(
                Check(
                    c.name,
                    f"{val} IS NOT NULL AND (year({val}) < 1900 OR year({val}) > 2100)",
                    lit("implausible year (outside 1900–2100)"),
                )
            )
        elif c.kind == NUMBER:
            checks.append(
                Check(
                    c.name,
                    f"{raw} IS NOT NULL AND {val} IS NULL AND regexp_full_match({raw}, '-?\\d+,\\d+')",
                    lit("decimal comma: write the number with a dot (1.5, not 1,5)"),
                )
            )
            checks.append(
                Check(
                    c.name,
                    f"{raw} IS NOT NULL AND {val} IS NULL AND NOT regexp_full_match({raw}, '-?\\d+,\\d+')",
                    lit("not a number"),
                )
            )
            checks.append(Check(c.name, f"{val} IS NOT NULL AND NOT isfinite({val})", lit("not a finite number")))
            checks.append(Check(c.name, f"{val} < 0", lit("negative number")))
            if c.whole:
                checks.append(
                    Check(c.name, f"isfinite({val}) AND {val} <> floor({val})", lit("must be a whole number"))
                )
        elif c.kind == BOOL:
            checks.append(Check(c.name, f"{val} IS NULL", lit("not a yes/no value: write true or false")))
        elif c.kind == VOCAB:
            assert c.vocab is not None
            allowed = ", ".join(c.vocab.codes)
            checks.append(
                Check(
                    c.name,
                    f"{raw} IS NOT NULL AND {val} IS NULL",
                    lit(f"unknown {c.vocab.name} value; allowed: {allowed}"),
                )
            )
        elif c.kind == CURRENCY:
            checks.append(
                Check(
                    c.name,
                    f"{raw} IS NOT NULL AND NOT regexp_full_match({val}, '[A-Z]{{3}}')",
                    lit("not an ISO 4217 currency code (e.g. AZN, EUR, USD)"),
                )
            )
        elif c.kind == URL:
            checks.append(
                Check(
                    c.name,
                    f"{raw} IS NOT NULL AND NOT regexp_full_match({raw}, '(?i)https?://[^\\s<>\"]+')",
                    lit("only http:// or https:// addresses are allowed"),
                )
            )
        elif c.kind == ID:
            checks.append(
                Check(
                    c.name,
                    f"{raw} IS NOT NULL AND NOT regexp_full_match({raw}, '[A-Za-z0-9][A-Za-z0-9_.:-]*')",
                    lit("an id may contain only letters, digits and - _ . :"),
                    pre=_pre_not_id(c.name + "__raw"),
                )
            )
        elif c.kind == LIST and c.vocab is not None:  # a list of codes (e.g. the offences charged)
            codes = "[" + ", ".join(lit(x) for x in c.vocab.codes) + "]"
            checks.append(
                Check(
                    c.name,
                    f"len(list_filter({val}, lambda x: NOT list_contains({codes}, x))) > 0",
                    f"'unknown {c.vocab.name} value(s): ' || array_to_string(list_filter({val}, "
                    f"lambda x: NOT list_contains({codes}, x)), ', ') || "
                    + lit(f"; allowed: {', '.join(c.vocab.codes)}"),
                    pre=_pre_any_element(c.name, _not_in(tuple(c.vocab.codes))),
                )
            )
        if c.kind in (TEXT, ID, LIST, URL):
            checks.append(
                Check(
                    c.name,
                    f"length({raw}) > {MAX_TEXT_CHARS}",
                    f"'cell has ' || length({raw}) || ' characters; the limit is {MAX_TEXT_CHARS}'",
                    pre=_pre_longer(c.name + "__raw", MAX_TEXT_CHARS),
                )
            )
    return [replace(ch, cell=True) for ch in checks]


def unknown_sources_check(spec: TableSpec) -> Check:
    """Reads ``bad_src_<table>`` (``unknown_ids_sql`` of the rows, filled before the check runs)."""
    return Check(
        "source_ids",
        f"__record IN (SELECT __record FROM bad_src_{spec.name})",
        f"'unknown source id(s): ' || (SELECT missing FROM bad_src_{spec.name} b WHERE b.__record = v.__record) "
        "|| ' (not in sources)'",
        pre=lambda p, ctx: p.unknown_sources(ctx),
    )


def unknown_ids_sql(view: str, column: str, known: str) -> str:
    """Per record, the ids of a list column that are not in ``known`` (in the row's order)."""
    return (
        f"SELECT __record, string_agg(x, ', ' ORDER BY k) AS missing FROM "
        f"(SELECT __record, unnest({column}) AS x, generate_subscripts({column}, 1) AS k FROM {view} "
        f"WHERE len({column}) > 0) WHERE x NOT IN (SELECT id FROM {known}) GROUP BY __record"
    )


def table_checks(spec: TableSpec) -> list[Check]:
    """Checks across columns of a row and across tables (ids, references, intervals)."""
    checks: list[Check] = []
    if spec.category:
        checks += [
            Check(
                "incident_id",
                "incident_id IS NOT NULL AND incident_id IN (SELECT id FROM dup_incident_ids)",
                "'duplicate incident_id: ' || (SELECT where_found FROM dup_incident_ids d WHERE d.id = incident_id)",
                deferred=True,
            ),
            unknown_sources_check(spec),
            Check(
                "source_locators",
                "source_ids__raw IS NOT NULL AND source_locators__raw IS NOT NULL "
                "AND len(source_locators) <> len(source_ids)",
                "'needs one locator per source id: ' || len(source_ids) || ' source(s), ' "
                "|| len(source_locators) || ' locator(s)'",
                pre=lambda p, ctx: (
                    p.valid("source_ids__raw")
                    & p.valid("source_locators__raw")
                    & (p.list_lengths("source_locators") != p.list_lengths("source_ids"))
                ),
            ),
            Check(
                "person_id",
                "person_id IS NOT NULL AND person_id NOT IN (SELECT person_id FROM ok_people)",
                "'unknown person_id (not in people)'",
                pre=lambda p, ctx: p.not_in("person_id", ctx.ok_people),
            ),
            Check(
                "related_ids",
                f"__record IN (SELECT __record FROM bad_rel_{spec.name})",
                f"'unknown related id(s): ' || (SELECT missing FROM bad_rel_{spec.name} b WHERE b.__record = v.__record)",
                deferred=True,
            ),
            Check(
                "date",
                "date > current_date",
                "'date is in the future'",
                pre=lambda p, ctx: p.mask(pc.greater(p.col("date"), pa.scalar(ctx.yesterday, pa.date32()))),
            ),
        ]
    if spec.name == "blockings":
        checks.append(
            Check(
                "blocked_until",
                "blocked_until < blocked_from",
                "'blocked_until is before blocked_from'",
                pre=_pre_less("blocked_until", "blocked_from"),
            )
        )
    if spec.name == "detentions":
        checks.append(
            Check(
                "released_on",
                "released_on < date",
                "'released_on is before the detention date'",
                pre=_pre_less("released_on", "date"),
            )
        )
    if spec.name == "court_outcomes":
        checks.append(
            Check(
                "appeal_of",
                "appeal_of IS NOT NULL AND appeal_of NOT IN (SELECT id FROM known_incident_ids)",
                "'appeal_of names an unknown incident'",
                deferred=True,
            )
        )
        checks.append(
            Check(
                "fine_currency",
                "fine_amount IS NOT NULL AND fine_currency IS NULL",
                "'a fine needs its currency (ISO 4217)'",
                pre=lambda p, ctx: p.valid("fine_amount") & p.null("fine_currency"),
            )
        )
    if spec.name == "sources":
        checks.append(Check("coverage_end", "coverage_end < coverage_start", "'coverage_end is before coverage_start'"))
    if spec.name == "published_figures":
        checks.append(
            Check(
                "source_id",
                "source_id IS NOT NULL AND source_id NOT IN (SELECT source_id FROM ok_sources)",
                "'unknown source id (not in sources)'",
            )
        )
        checks.append(Check("period_end", "period_end < period_start", "'period_end is before period_start'"))
        whens = " ".join(
            f"WHEN category = {lit(cat)} THEN subcategory__raw IN ({', '.join(lit(c) for c in vocab.codes)})"
            for cat, (_, vocab) in CATEGORY_SUBCATEGORY.items()
        )
        checks.append(
            Check(
                "subcategory",
                f"subcategory__raw IS NOT NULL AND NOT coalesce(CASE {whens} ELSE false END, false)",
                "'subcategory is not a code of the figure''s category (or the category is empty)'",
            )
        )
        units = ", ".join(lit(u) for u in ITEMISED_UNITS)
        checks.append(
            Check(
                "counterpart",
                # (a category cell that is there but wrong, or a unit cell over the length limit, is
                # reported on its own, not again here)
                f"counterpart = 'itemised' AND ((category IS NULL AND category__raw IS NULL) "
                f"OR (unit NOT IN ({units}) AND length(unit) <= {MAX_TEXT_CHARS}))",
                lit(
                    "an itemised counterpart needs the figure's category and a unit counted here "
                    f"({', '.join(ITEMISED_UNITS)}); otherwise write none"
                ),
            )
        )
        kinds = ", ".join(lit(k) for k in OFFENCE_KINDS)
        checks.append(
            Check(
                "offences",
                f"len(offences) > 0 AND coalesce(category NOT IN ({kinds}), true)",
                lit(
                    f"offences apply only to figures of a kind whose rows carry offence codes ({', '.join(OFFENCE_KINDS)})"
                ),
            )
        )
    # source locators in one style (docs/methodology.md, "Citations"): parts of a heading path joined
    # by " — ", several places by "; "; no part empty, nothing trailing, "Section 1.e" without a dot
    bad_locator = "(trim({x}) = '' OR " + " OR ".join(f"regexp_matches({{x}}, {lit(r)})" for r in LOCATOR_BAD) + ")"
    style = (
        "locator not in the house style: a heading path joined by ' — ' (e.g. 'Section 2.a — Internet "
        "Freedom', 'Paragraph 3'), places joined by '; ', no empty part, nothing trailing"
    )
    if "source_locators" in spec.column_names:
        checks.append(
            Check(
                "source_locators",
                f"len(list_filter(source_locators, lambda x: {bad_locator.format(x='x')})) > 0",
                lit(style),
                pre=_pre_any_element("source_locators", _locator_maybe_bad),
            )
        )
    if "source_locator" in spec.column_names:
        checks.append(
            Check(
                "source_locator", f"source_locator IS NOT NULL AND {bad_locator.format(x='source_locator')}", lit(style)
            )
        )
    if spec.name in ("coverage", "custody_reports"):
        checks.append(
            Check(
                "source_id",
                "source_id IS NOT NULL AND source_id NOT IN (SELECT source_id FROM ok_sources)",
                "'unknown source id (not in sources)'",
            )
        )
    if spec.name == "coverage":
        checks.append(Check("period_end", "period_end < period_start", "'period_end is before period_start'"))
    if spec.name == "custody_reports":
        checks.append(
            Check(
                "person_id",
                "person_id IS NOT NULL AND person_id NOT IN (SELECT person_id FROM ok_people)",
                "'unknown person id (not in people)'",
            )
        )
    if spec.name == "events":
        checks.append(Check("end", '"end" < start', "'end is before start'"))
        checks.append(unknown_sources_check(spec))
    return checks


def problems_sql(spec: TableSpec, checks: list[Check], view: str, masked: str | None = None) -> str:
    """One SELECT per check over ``view`` (aliased ``v``); ``masked`` is a SQL condition on a row
    under which the values of identifying columns are withheld from the report."""
    identifying = {c.name for c in spec.columns if c.identifying}
    parts = []
    for ch in checks:
        value = f"CAST({ch.value or q(ch.column + '__raw')} AS VARCHAR)"
        if masked and ch.column in identifying:
            value = f"CASE WHEN {masked} THEN {lit(WITHHELD)} ELSE {value} END"
        parts.append(
            f"SELECT __record, __line, {lit(ch.column)} AS col, {value} AS value, "
            f"CAST({ch.reason} AS VARCHAR) AS reason FROM {view} AS v WHERE coalesce({ch.bad}, false)"
        )
    return " UNION ALL ".join(parts)


def _mask_ragged(raw: RawTable, public: bool) -> list[tuple]:
    """A row with the wrong number of fields cannot be split into columns, so in the public
    build its text is not shown (it may name a confidential victim); only its first field is."""
    if not public:
        return raw.problems
    out = []
    for record, line, column, value, reason in raw.problems:
        first = str(value).split(",", 1)[0][:40]
        out.append((record, line, column, f"{first},… {WITHHELD}", reason))
    return out


# -- the stage -------------------------------------------------------------------------------------


def run(con: duckdb.DuckDBPyConnection, raw: RawInputs, build: Build) -> Validated:
    """Process: the reference tables checked whole; the incident tables are checked chunk by
    chunk as the save stage reads ``Validated.incidents()`` (one chunk in memory at a time)."""
    references, ctx = validate_references(con, raw.references, build)
    return Validated(con, build, raw.tables, references, ctx)


@dataclass
class Validated:
    """What the validation stage hands on: the reference tables checked (``references``, each
    a view of its clean rows) and the incident tables' clean rows as a stream (``incidents``)."""

    con: duckdb.DuckDBPyConnection
    build: Build
    inputs: dict[str, TableInput]
    references: dict[str, Reference]
    ctx: Context
    tables: dict[str, IncidentTable] = field(default_factory=dict)  # of the pass being read
    withdrawn: dict[str, np.ndarray] = field(default_factory=dict)  # per table: see ``incidents``

    def incidents(self) -> Iterator[tuple[TableSpec, pa.Table]]:
        """Each incident table's clean rows, chunk by chunk (parsed: typed and ``__raw``
        columns). Once all are read, the deferred checks run and the people's report is made;
        ``withdrawn`` then holds, per table, the records handed on as clean that a deferred
        check rejects. Reading again starts a new pass (after ``SlowPathNeeded``)."""
        self.tables, self.withdrawn = {}, {}
        distinct: dict = {}  # the answers for few-valued cells, shared by the tables
        for i, spec in enumerate(INCIDENT_TABLES):
            inp = self.inputs[spec.name]
            table = self.tables[spec.name] = IncidentTable(self.con, spec, inp.file, self.build, self.ctx, distinct)
            for raw in inp.chunks():
                if inp.read_all and i + 1 < len(INCIDENT_TABLES):
                    self.inputs[INCIDENT_TABLES[i + 1].name].prefetch()  # read ahead into the next table
                large = not inp.read_all  # a table longer than one chunk: its few-valued cells answered ahead
                clean = table.check(raw, large).select(typed_columns(spec))
                del raw  # (the raw cells can go while this chunk is written)
                yield spec, clean
            raw_tables.record_input(self.build, inp)
        self.withdrawn = finish_incidents(self.con, self.build, self.tables)
        conf_people = [a for t in self.tables.values() for a in t.conf_people]
        report_people(self.con, self.build, self.references[PEOPLE.name], conf_people)


def typed_columns(spec: TableSpec) -> list[str]:
    """The typed columns of a parsed table, with each date's precision (what is written)."""
    return [c.name for c in spec.columns] + [c.name + "__precision" for c in spec.columns if c.kind == DATE]


# -- validation ------------------------------------------------------------------------------------


def _concat_tables(parts: list[pa.Table], schema: pa.Schema) -> pa.Table:
    return pa.concat_tables(parts) if parts else schema.empty_table()


def _without(table: pa.Table, drop: np.ndarray) -> pa.Table:
    """The rows not in ``drop``, as zero-copy slices."""
    if not drop.any():
        return table
    edges = np.diff(np.concatenate([[0], (~drop).astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    parts = [table.slice(s, e - s) for s, e in zip(starts, ends, strict=True)]
    return pa.concat_tables(parts) if parts else table.slice(0, 0)


# -- reference tables: whole ---------------------------------------------------------------------


@dataclass
class Reference:
    raw: RawTable
    checks: list[Check]
    clean: str  # the view of its clean rows


def validate_references(
    con: duckdb.DuckDBPyConnection, raws: dict[str, RawTable], build: Build
) -> tuple[dict[str, Reference], Context]:
    """Sources, people, published figures and events, each whole (they are small). Sources and
    people first: incidents and the others are checked against the ones that pass. People's
    report waits for ``report_people`` (who is withheld depends on every incident table)."""
    con.execute(MACROS)
    for name, raw in raws.items():
        parsed = parse(con, raw.spec, raw.table)
        note_labels(build, raw.file, raw.spec, parsed.table)
        raw.table = raw.table.slice(0, 0)
        con.register(f"t_{name}", parsed.table)
        con.execute(f"CREATE OR REPLACE TEMP VIEW p_{name} AS SELECT * FROM t_{name}")
        if raw.problems:
            build.add_problems(raw.file, _mask_ragged(raw, build.public))
    refs: dict[str, Reference] = {}
    for name in (SOURCES.name, PEOPLE.name):
        refs[name] = _validate(con, raws[name], build, column_checks(raws[name].spec), report=name != PEOPLE.name)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE ok_sources AS SELECT source_id, source_id AS id FROM {refs['sources'].clean}"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE ok_people AS SELECT person_id FROM {refs['people'].clean}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE bad_src_{EVENTS.name} AS "
        + unknown_ids_sql(f"p_{EVENTS.name}", "source_ids", "ok_sources")
    )
    for name, raw in raws.items():
        if name not in refs:
            refs[name] = _validate(con, raw, build, column_checks(raw.spec) + table_checks(raw.spec))
    ctx = Context(
        ok_sources=_one_array(con.sql("SELECT id FROM ok_sources").to_arrow_table().column(0)),
        ok_people=pc.SetLookupOptions(
            _one_array(con.sql("SELECT person_id FROM ok_people").to_arrow_table().column(0))
        ),
    )
    return refs, ctx


def report_people(con: duckdb.DuckDBPyConnection, build: Build, people: Reference, conf_people: list[pa.Array]) -> None:
    """People's problems, the values withheld for anyone named by a confidential (or maybe
    confidential) incident row, clean or not (``conf_people``)."""
    conf = pa.table({"person_id": pa.concat_arrays(conf_people) if conf_people else pa.array([], pa.string())})
    con.register("conf_people_rows", conf)
    con.execute("CREATE OR REPLACE TEMP TABLE conf_people AS SELECT DISTINCT person_id FROM conf_people_rows")
    con.unregister("conf_people_rows")
    _report(con, people.raw, build, people.checks, "v.person_id IN (SELECT person_id FROM conf_people)")


def _validate(
    con: duckdb.DuckDBPyConnection, raw: RawTable, build: Build, checks: list[Check], report: bool = True
) -> Reference:
    name = raw.spec.name
    key = q(raw.spec.key)  # unique keys of reference tables
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE dup_{name} AS SELECT {key} AS k FROM p_{name} "
        f"WHERE {key} IS NOT NULL GROUP BY {key} HAVING count(*) > 1"
    )
    checks = checks + [Check(raw.spec.key, f"{key} IN (SELECT k FROM dup_{name})", f"'duplicate {raw.spec.key}'")]
    # one scan finds every row with a problem; the details are computed for those rows only
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE failing_{name} AS SELECT __record FROM p_{name} AS v WHERE {_any_bad(checks)}"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE bad_{name} AS SELECT * FROM p_{name} "
        f"WHERE __record IN (SELECT __record FROM failing_{name})"
    )
    ref = Reference(raw, checks, f"clean_{name}")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {ref.clean} AS SELECT * FROM p_{name} "
        f"WHERE __record NOT IN (SELECT __record FROM failing_{name})"
    )
    if report:
        _report(con, raw, build, checks, None)
    return ref


def _report(
    con: duckdb.DuckDBPyConnection, raw: RawTable, build: Build, checks: list[Check], masked: str | None
) -> None:
    name = raw.spec.name
    sql = problems_sql(raw.spec, checks, f"bad_{name}", masked if build.public else None)
    rows = con.execute(f"SELECT * FROM ({sql}) ORDER BY __record, col, reason").fetchall()
    if rows:
        build.add_problems(raw.file, rows)
    build.log(f"validated {raw.file}: {len(rows)} problem(s)")


def note_labels(build: Build, file: str, spec: TableSpec, parsed: pa.Table) -> None:
    """Where a vocabulary cell was read as a code although it is not written as one (a label in
    any language, another case, accents): counted per file, column and value for the build's
    warnings (``Build.labels_read``)."""
    for c in spec.columns:
        if c.kind != VOCAB:
            continue
        raw, val = parsed.column(c.name + "__raw"), parsed.column(c.name)
        differs = pc.fill_null(pc.not_equal(raw.cast(pa.string()), val), False)
        if not pc.any(differs).as_py():
            continue
        rows = parsed.select([c.name + "__raw", c.name, "__record"]).filter(differs)
        for value, code, record in zip(*(rows.column(i).to_pylist() for i in range(3)), strict=True):
            seen = build.labels_read.setdefault((file, c.name, value, code), [0, record])
            seen[0] += 1


# -- incident tables: chunk by chunk -------------------------------------------------------------

IDS_SCHEMA = pa.schema(
    [("__record", pa.int64()), ("__line", pa.int64()), ("incident_id", pa.string()), ("confidential", pa.bool_())]
)
RELATED_SCHEMA = pa.schema([("__record", pa.int64()), ("related_ids__raw", pa.string()), ("related_ids", LIST_TYPE)])
APPEAL_SCHEMA = pa.schema([("__record", pa.int64()), ("appeal_of", pa.string())])
CONFIDENTIAL = "v.confidential IS DISTINCT FROM false"  # a row whose identifying values are withheld


class IncidentTable:
    """One incident table, validated chunk by chunk (``check``): the checks that need only the
    row itself, the clean sources and the clean people at once; the deferred ones (other
    incident tables) in ``finish_incidents``, over the ids collected on the way."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        spec: TableSpec,
        file: str,
        build: Build,
        ctx: Context,
        distinct: dict[Col, Distinct] | None = None,
    ):
        self.con, self.spec, self.file, self.build, self.ctx = con, spec, file, build, ctx
        self.checks = column_checks(spec) + table_checks(spec)
        local = [ch for ch in self.checks if not ch.deferred]
        kinds = {c.name: c.kind for c in spec.columns}
        # checks of few-valued cells are answered exactly by ``parse`` (Parsed.cell_bad); the
        # others have a pre-filter
        self.filtered = [ch for ch in local if not (ch.cell and kinds[ch.column] in DICT_KINDS)]
        self.fired: set[str] = set()  # few-valued columns with a bad cell in a rejected row
        self.bad_rows: list[pa.Table] = []  # parsed rows failing a local check, for the report
        self.ids: list[pa.Table] = []  # every row: __record, __line, incident_id, confidential
        self.related: list[pa.Table] = []  # rows naming related ids
        self.appeal: list[pa.Table] = []  # rows with appeal_of
        self.conf_people: list[pa.Array] = []  # people of confidential (or maybe confidential) rows
        self.written: list[np.ndarray] = []  # records of the rows handed on as clean, in order
        self.distinct = {} if distinct is None else distinct  # answers per distinct cell, shared
        con.execute(f"CREATE OR REPLACE TEMP TABLE bad_src_{spec.name} (__record BIGINT, missing VARCHAR)")

    def check(self, raw: RawTable, large: bool = False) -> pa.Table:
        """Validate one chunk; returns its rows that pass the local checks, parsed.

        A row failing a check of a few-valued cell is rejected outright (those checks already
        ran in SQL, once per distinct cell); the other rows some pre-filter flags are run
        through the local checks' SQL."""
        if raw.problems:
            self.build.add_problems(self.file, _mask_ragged(raw, self.build.public))
        p = parse(self.con, self.spec, raw.table, self.distinct, large)
        note_labels(self.build, self.file, self.spec, p.table)
        bad = p.cell_bad.copy()
        unknown_src = p.unknown_sources(self.ctx)
        if unknown_src.any():  # what the unknown-sources check reports
            sql = f"INSERT INTO bad_src_{self.spec.name} " + unknown_ids_sql("v", "source_ids", "ok_sources")
            self._sql_over(p, unknown_src, sql, fetch=False)
        flagged = [(ch, _candidates(ch, p, self.ctx)) for ch in self.filtered]
        maybe = np.zeros(len(bad), bool)
        for _, rows in flagged:
            maybe |= rows
        maybe &= ~bad
        if maybe.any():  # the SQL of the checks that flag some of these rows decides
            sql = _any_bad([ch for ch, rows in flagged if (rows & maybe).any()])
            failing = self._sql_over(p, maybe, f"SELECT __record FROM v WHERE {sql}")
            bad[np.flatnonzero(maybe)[np.isin(self._records(p, maybe), failing["__record"])]] = True
        if bad.any():
            self.bad_rows.append(p.table.filter(pa.array(bad)))
            self.fired.update(name for name, rows in p.bad_in.items() if (rows & bad).any())
        self._collect(p)
        clean = _without(p.table, bad)
        self.written.append(clean.column("__record").to_numpy())
        return clean

    def report_checks(self, bad_rows: pa.Table) -> list[Check]:
        """The checks that may be true for some rejected row (the others report nothing)."""
        p = Parsed(bad_rows, np.zeros(bad_rows.num_rows, bool))
        filtered = {id(ch) for ch in self.filtered if _candidates(ch, p, self.ctx).any()}
        return [ch for ch in self.checks if ch.deferred or id(ch) in filtered or ch.column in self.fired and ch.cell]

    def _sql_over(self, p: Parsed, rows: np.ndarray, sql: str, fetch: bool = True) -> dict | None:
        """``sql`` (reading the view ``v``) over some rows of the chunk."""
        self.con.register("v", p.table.filter(pa.array(rows)))
        try:
            result = self.con.execute(sql)
            return result.fetchnumpy() if fetch else None
        finally:
            self.con.unregister("v")

    @staticmethod
    def _records(p: Parsed, rows: np.ndarray) -> np.ndarray:
        return p.col("__record").to_numpy()[rows]

    def _collect(self, p: Parsed) -> None:
        t = p.table
        self.ids.append(t.select(IDS_SCHEMA.names))
        related = p.list_lengths("related_ids") > 0
        if related.any():
            self.related.append(t.filter(pa.array(related)).select(RELATED_SCHEMA.names))
        if "appeal_of" in self.spec.column_names:
            appeal = p.valid("appeal_of")
            if appeal.any():
                self.appeal.append(t.filter(pa.array(appeal)).select(APPEAL_SCHEMA.names))
        conf = p.mask(pc.fill_null(p.col("confidential"), True)) & p.valid("person_id")
        if conf.any():
            self.conf_people.append(pc.unique(p.col("person_id").filter(pa.array(conf))))


def finish_incidents(
    con: duckdb.DuckDBPyConnection, build: Build, tables: dict[str, IncidentTable]
) -> dict[str, np.ndarray]:
    """The deferred checks over every incident table's ids, then each table's report. Returns,
    per table, the records already handed on as clean that a deferred check rejects.

    The hashing over all ids is done once, in Arrow; the SQL of the deferred checks then runs
    on the few rows that may fail them, against ``dup_incident_ids`` (where each duplicated id
    occurs) and ``known_incident_ids`` (the ids some related_ids or appeal_of cell names that
    exist: for any such cell, in it exactly when it names an incident)."""
    ids = {name: _concat_tables(t.ids, IDS_SCHEMA) for name, t in tables.items()}
    related = {name: _concat_tables(t.related, RELATED_SCHEMA) for name, t in tables.items()}
    appeal = {name: _concat_tables(t.appeal, APPEAL_SCHEMA) for name, t in tables.items()}
    every = pa.chunked_array([c for t in ids.values() for c in t.column("incident_id").chunks], pa.string())
    asked = pc.unique(
        pa.chunked_array(
            [c for t in related.values() for c in pc.list_flatten(t.column("related_ids")).chunks]
            + [c for t in appeal.values() for c in t.column("appeal_of").chunks],
            pa.string(),
        )
    )
    # one hash pass over every id, in DuckDB: on all cores (Arrow's value_counts is on one)
    con.register("every_id", pa.table({"id": every}))
    con.register("asked_id", pa.table({"id": asked}))
    try:
        dup = _one_array(
            arrow_of(con, "SELECT id FROM every_id WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1")["id"]
        )
        known = _one_array(
            arrow_of(con, "SELECT id FROM asked_id SEMI JOIN every_id USING (id) WHERE id IS NOT NULL")["id"]
        )
    finally:
        con.unregister("every_id")
        con.unregister("asked_id")
    unknown = asked.filter(pc.invert(pc.is_in(asked, value_set=known)))  # ids named that do not exist
    dup_rows = [
        pa.table(
            {"id": t.column("incident_id"), "file": pa.repeat(file, t.num_rows), "__record": t.column("__record")}
        ).filter(pc.is_in(t.column("incident_id"), value_set=dup))
        for t, file in ((ids[name], pa.scalar(tables[name].file)) for name in tables)
        if len(dup)
    ]
    con.register(
        "dup_rows",
        _concat_tables(dup_rows, pa.schema([("id", pa.string()), ("file", pa.string()), ("__record", pa.int64())])),
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE dup_incident_ids AS SELECT id, "
        "string_agg(file || ' record ' || __record, ', ' ORDER BY file, __record) AS where_found "
        "FROM dup_rows GROUP BY id"
    )
    con.unregister("dup_rows")
    con.register("known_ids", pa.table({"id": known}))
    con.execute("CREATE OR REPLACE TEMP TABLE known_incident_ids AS SELECT id FROM known_ids")
    con.unregister("known_ids")

    withdraw: dict[str, np.ndarray] = {}
    masked = CONFIDENTIAL if build.public else None
    for name, t in tables.items():
        # rows a deferred check may reject (a superset), with the columns those checks read
        rel, app, own = related[name].combine_chunks(), appeal[name], ids[name]  # (row numbers below: global)
        names_unknown = pc.is_in(pc.list_flatten(rel.column("related_ids")), value_set=unknown)
        names_unknown = names_unknown.to_numpy(zero_copy_only=False)
        if names_unknown.any():
            rel_rows = pc.list_parent_indices(rel.column("related_ids")).to_numpy(zero_copy_only=False)[names_unknown]
            rel = rel.take(pa.array(np.unique(rel_rows), pa.int64()))
        else:
            rel = rel.slice(0, 0)
        app = app.filter(pc.is_in(app.column("appeal_of"), value_set=unknown))
        candidates = np.union1d(rel.column("__record").to_numpy(), app.column("__record").to_numpy())
        if len(dup):
            with_dup = Parsed.mask(pc.is_in(own.column("incident_id"), value_set=dup))
            candidates = np.union1d(candidates, own.column("__record").to_numpy()[with_dup])
        if candidates.size:
            own = own.filter(pc.is_in(own.column("__record"), value_set=pa.array(candidates, pa.int64())))
        else:
            own = own.slice(0, 0)
        con.register(f"rel_{name}", rel)
        con.register(f"appeal_{name}", app)
        con.register(f"ids_{name}", own)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE bad_rel_{name} AS "
            + unknown_ids_sql(f"rel_{name}", "related_ids", "known_incident_ids")
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE cross_{name} AS SELECT i.__record, i.__line, i.incident_id, "
            "i.incident_id AS incident_id__raw, i.confidential, r.related_ids__raw, r.related_ids, a.appeal_of, "
            f"a.appeal_of AS appeal_of__raw FROM ids_{name} i LEFT JOIN rel_{name} r ON r.__record = i.__record "
            f"LEFT JOIN appeal_{name} a ON a.__record = i.__record"
        )
        for view in (f"rel_{name}", f"appeal_{name}", f"ids_{name}"):
            con.unregister(view)
        deferred = [ch for ch in t.checks if ch.deferred]
        cross_bad = con.sql(f"SELECT __record FROM cross_{name} AS v WHERE {_any_bad(deferred)}").fetchnumpy()
        bad_rows = pa.concat_tables(t.bad_rows) if t.bad_rows else None
        locally_bad = bad_rows.column("__record").to_numpy() if bad_rows is not None else np.zeros(0, np.int64)
        only_cross = np.setdiff1d(cross_bad["__record"], locally_bad)
        rows: list[tuple] = []
        if bad_rows is not None:
            con.register(f"bad_{name}", bad_rows)
            sql = problems_sql(t.spec, t.report_checks(bad_rows), f"bad_{name}", masked)
            rows += con.execute(f"SELECT * FROM ({sql}) ORDER BY __record, col, reason").fetchall()
            con.unregister(f"bad_{name}")
        if only_cross.size:
            con.register("only_cross", pa.table({"r": pa.array(only_cross)}))
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE bad_cross_{name} AS SELECT * FROM cross_{name} "
                "WHERE __record IN (SELECT r FROM only_cross)"
            )
            con.unregister("only_cross")
            sql = problems_sql(t.spec, deferred, f"bad_cross_{name}", masked)
            rows += con.execute(f"SELECT * FROM ({sql}) ORDER BY __record, col, reason").fetchall()
            withdraw[name] = only_cross
        if rows:
            build.add_problems(t.file, rows)
        build.log(f"validated {t.file}: {len(rows)} problem(s)")
    return withdraw


def arrow_of(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    return con.sql(sql).to_arrow_table()
