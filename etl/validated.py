"""Process stage: typed rows and a list of every problem in every row.

The checks are declared by the contract (``pfd.schema``) and compiled here into DuckDB SQL
that runs over the Arrow tables of the load stage: one vectorised pass per check, no Python
loop over rows. (The benchmark in ``bench/`` compares this with pandera and a plain pandas
reader; see docs/performance.md.) A row with any problem is rejected as a whole and listed
once per problem in ``rejects.csv``; rows that pass are returned typed.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from etl.build import Build
from etl.raw_tables import RawTable
from pfd.schema import (
    BOOL,
    CURRENCY,
    DATE,
    EVENTS,
    ID,
    INCIDENT_TABLES,
    LIST,
    LIST_SEP,
    MAX_TEXT_CHARS,
    NUMBER,
    TEXT,
    URL,
    VOCAB,
    WITHHELD,
    Col,
    TableSpec,
)
from pfd.vocab import CATEGORY_SUBCATEGORY, Vocabulary

DATE_FORMS = "YYYY-MM-DD, YYYY-MM, YYYY or DD.MM.YYYY"

MACROS = f"""
CREATE OR REPLACE MACRO s(v) AS nullif(trim(v), '');
CREATE OR REPLACE MACRO vkey(v) AS lower(replace(replace(trim(v), ' ', '_'), '-', '_'));
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
    bad: str  # SQL condition that is true for a bad row
    reason: str  # SQL expression giving the reason text
    value: str | None = None  # SQL for the value shown (default: the raw cell)


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def vocab_case(col: str, vocab: Vocabulary) -> str:
    """SQL mapping a raw cell to its code (case-insensitive; English labels accepted).

    One list lookup per cell (a CASE would evaluate the normalised key once per WHEN)."""
    keys: dict[str, str] = {}
    for t in vocab.terms:
        keys.setdefault(t.code, t.code)
        keys.setdefault(t.en.strip().lower().replace(" ", "_").replace("-", "_"), t.code)
    key_list = "[" + ", ".join(lit(k) for k in keys) + "]"
    code_list = "[" + ", ".join(lit(c) for c in keys.values()) + "]"
    return f"{code_list}[list_position({key_list}, vkey({col}))]"


SAME_AS_RAW = (TEXT, ID, URL)  # kinds whose typed value is the trimmed cell itself
CELL = "__cell"  # suffix of a raw cell as loaded (untrimmed), kept zero-copy in Arrow


def typed_select(spec: TableSpec) -> str:
    """SELECT computing the typed columns that differ from the trimmed cell (dates, numbers,
    vocabularies, lists…) and the date precisions, in input order."""
    parts = ["__record"]
    for c in spec.columns:
        if c.kind not in SAME_AS_RAW:
            parts.append(f"{typed_expr(c, f's({q(c.name)})')} AS {q(c.name)}")
        if c.kind == DATE:
            parts.append(f"pprec(s({q(c.name)})) AS {q(c.name + '__precision')}")
    return ", ".join(parts)


def parsed_view(spec: TableSpec, table: str) -> str:
    """The parsed table as the checks and the output see it: ``x__raw`` (trimmed cell) for
    every column and ``x`` (typed) — text columns are trimmed on read, never copied."""
    parts = ["__record", "__line"]
    for c in spec.columns:
        parts.append(f"s({q(c.name + CELL)}) AS {q(c.name + '__raw')}")
        if c.kind in SAME_AS_RAW:
            parts.append(f"s({q(c.name + CELL)}) AS {q(c.name)}")
        else:
            parts.append(q(c.name))
        if c.kind == DATE:
            parts.append(q(c.name + "__precision"))
    return f"SELECT {', '.join(parts)} FROM {table}"


def parse(con: duckdb.DuckDBPyConnection, raw: RawTable) -> pa.Table:
    """Raw cells (zero-copy) side by side with the typed columns DuckDB computed from them."""
    name = raw.spec.name
    con.register(f"raw_{name}", raw.table)
    typed = con.sql(f"SELECT {typed_select(raw.spec)} FROM raw_{name}").to_arrow_table()
    con.unregister(f"raw_{name}")
    if not typed.column("__record").equals(raw.table.column("__record")):
        raise AssertionError(f"{raw.file}: typed rows came back out of order")  # a bug, never data
    cols = {"__record": raw.table.column("__record"), "__line": raw.table.column("__line")}
    for c in raw.spec.columns:
        cols[c.name + CELL] = raw.table.column(c.name)
    for field_name in typed.column_names[1:]:
        cols[field_name] = typed.column(field_name)
    return pa.table(cols)


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
        default = lit(c.vocab.unknown) if c.vocab.unknown else "NULL"
        return f"CASE WHEN {raw} IS NULL THEN {default} ELSE {vocab_case(raw, c.vocab)} END"
    if c.kind == CURRENCY:
        return f"upper({raw})"
    return raw


def column_checks(spec: TableSpec) -> list[Check]:
    checks: list[Check] = []
    for c in spec.columns:
        raw, val = q(c.name + "__raw"), q(c.name)
        if c.required:
            checks.append(Check(c.name, f"{raw} IS NULL", lit("required value is empty")))
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
                )
            )
        if c.kind in (TEXT, ID, LIST, URL):
            checks.append(
                Check(
                    c.name,
                    f"length({raw}) > {MAX_TEXT_CHARS}",
                    f"'cell has ' || length({raw}) || ' characters; the limit is {MAX_TEXT_CHARS}'",
                )
            )
    return checks


def unknown_sources_check(spec: TableSpec) -> Check:
    return Check(
        "source_ids",
        f"__record IN (SELECT __record FROM bad_src_{spec.name})",
        f"'unknown source id(s): ' || (SELECT missing FROM bad_src_{spec.name} b WHERE b.__record = v.__record) "
        "|| ' (not in sources)'",
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
            ),
            unknown_sources_check(spec),
            Check(
                "source_locators",
                "source_ids__raw IS NOT NULL AND source_locators__raw IS NOT NULL "
                "AND len(source_locators) <> len(source_ids)",
                "'needs one locator per source id: ' || len(source_ids) || ' source(s), ' "
                "|| len(source_locators) || ' locator(s)'",
            ),
            Check(
                "person_id",
                "person_id IS NOT NULL AND person_id NOT IN (SELECT person_id FROM ok_people)",
                "'unknown person_id (not in people)'",
            ),
            Check(
                "related_ids",
                f"__record IN (SELECT __record FROM bad_rel_{spec.name})",
                f"'unknown related id(s): ' || (SELECT missing FROM bad_rel_{spec.name} b WHERE b.__record = v.__record)",
            ),
            Check(
                "date",
                "date > current_date",
                "'date is in the future'",
            ),
        ]
    if spec.name == "blockings":
        checks.append(Check("blocked_until", "blocked_until < blocked_from", "'blocked_until is before blocked_from'"))
    if spec.name == "detentions":
        checks.append(Check("released_on", "released_on < date", "'released_on is before the detention date'"))
    if spec.name == "court_outcomes":
        checks.append(
            Check(
                "appeal_of",
                "appeal_of IS NOT NULL AND appeal_of NOT IN (SELECT id FROM all_incident_ids)",
                "'appeal_of names an unknown incident'",
            )
        )
        checks.append(
            Check(
                "fine_currency",
                "fine_amount IS NOT NULL AND fine_currency IS NULL",
                "'a fine needs its currency (ISO 4217)'",
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


def run(raws: dict[str, RawTable], build: Build, con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Validate every table; return, per table name, the DuckDB view holding its clean rows.

    The parsed tables are views over the loaded Arrow tables (nothing is copied): one scan per
    table finds the rows with any problem, the report's details are computed over those rows
    only, and the clean rows are the rest.
    """
    con.execute(MACROS)
    for name, raw in raws.items():
        # typed columns computed once; text stays in the loaded Arrow buffers (no copy)
        parsed = parse(con, raw)
        raw.table = raw.table.slice(0, 0)
        con.register(f"t_{name}", parsed)
        con.execute(f"CREATE OR REPLACE TEMP VIEW p_{name} AS {parsed_view(raw.spec, f't_{name}')}")
        if raw.problems:
            build.add_problems(raw.file, _mask_ragged(raw, build.public))

    # people named by a confidential (or maybe confidential) incident row, clean or not
    con.execute(
        "CREATE OR REPLACE TEMP TABLE conf_people AS "
        + " UNION ".join(
            f"SELECT person_id FROM p_{t.name} WHERE person_id IS NOT NULL AND confidential IS DISTINCT FROM false"
            for t in INCIDENT_TABLES
        )
    )
    masks = {t.name: "v.confidential IS DISTINCT FROM false" for t in INCIDENT_TABLES}
    masks["people"] = "v.person_id IN (SELECT person_id FROM conf_people)"

    # Reference tables first: incidents are checked against the sources and people that pass.
    clean: dict[str, str] = {}
    for name in ("sources", "people"):
        clean[name] = _validate(con, raws[name], build, column_checks(raws[name].spec), masks.get(name))
    con.execute(f"CREATE OR REPLACE TEMP TABLE ok_sources AS SELECT source_id, source_id AS id FROM {clean['sources']}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE ok_people AS SELECT person_id FROM {clean['people']}")

    ids = " UNION ALL ".join(
        f"SELECT incident_id AS id, {lit(raws[t.name].file)} AS file, __record FROM p_{t.name} "
        "WHERE incident_id IS NOT NULL"
        for t in INCIDENT_TABLES
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE all_incident_ids AS {ids}")
    con.execute(  # find the duplicated ids first (cheap), then list where each one occurs
        "CREATE OR REPLACE TEMP TABLE dup_incident_ids AS SELECT id, "
        "string_agg(file || ' record ' || __record, ', ' ORDER BY file, __record) AS where_found "
        "FROM all_incident_ids WHERE id IN (SELECT id FROM all_incident_ids GROUP BY id HAVING count(*) > 1) "
        "GROUP BY id"
    )
    for spec in INCIDENT_TABLES + (EVENTS,):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE bad_src_{spec.name} AS "
            + unknown_ids_sql(f"p_{spec.name}", "source_ids", "ok_sources")
        )
    for spec in INCIDENT_TABLES:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE bad_rel_{spec.name} AS "
            + unknown_ids_sql(f"p_{spec.name}", "related_ids", "all_incident_ids")
        )
    for name, raw in raws.items():
        if name in clean:
            continue
        checks = column_checks(raw.spec) + table_checks(raw.spec)
        clean[name] = _validate(con, raw, build, checks, masks.get(name))
    return clean


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


def _validate(
    con: duckdb.DuckDBPyConnection, raw: RawTable, build: Build, checks: list[Check], masked: str | None
) -> str:
    name = raw.spec.name
    # Unique keys of reference tables (incident ids are checked across all four tables).
    if not raw.spec.category:
        key = q(raw.spec.key)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE dup_{name} AS SELECT {key} AS k FROM p_{name} "
            f"WHERE {key} IS NOT NULL GROUP BY {key} HAVING count(*) > 1"
        )
        checks = checks + [Check(raw.spec.key, f"{key} IN (SELECT k FROM dup_{name})", f"'duplicate {raw.spec.key}'")]
    # one scan finds every row with a problem; the details are computed for those rows only
    any_bad = " OR ".join(f"coalesce({ch.bad}, false)" for ch in checks)
    con.execute(f"CREATE OR REPLACE TEMP TABLE failing_{name} AS SELECT __record FROM p_{name} AS v WHERE {any_bad}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE bad_{name} AS SELECT * FROM p_{name} "
        f"WHERE __record IN (SELECT __record FROM failing_{name})"
    )
    sql = problems_sql(raw.spec, checks, f"bad_{name}", masked if build.public else None)
    rows = con.execute(f"SELECT * FROM ({sql}) ORDER BY __record, col, reason").fetchall()
    if rows:
        build.add_problems(raw.file, rows)
    view = f"clean_{name}"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM p_{name} "
        f"WHERE __record NOT IN (SELECT __record FROM failing_{name})"
    )
    build.log(f"validated {raw.file}: {len(rows)} problem(s)")
    return view


def arrow_of(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    return con.sql(sql).to_arrow_table()


ROW_GROUP = 131_072  # rows per Parquet row group: lets DuckDB scan the output in parallel


def batches_of(con: duckdb.DuckDBPyConnection, sql: str) -> pa.RecordBatchReader:
    """A large result streamed in row-group-sized batches (never whole in memory twice)."""
    return con.sql(sql).to_arrow_reader(ROW_GROUP)
