"""Read side of the third-party context data (RSF index, Citizen Lab test list, OONI counts).

The ETL (``etl/third_party/``) writes three Parquet tables into the processed folder; the functions
here query them with DuckDB and return tidy pandas DataFrames for the pages and chart builders
(``pressfreedom/charts_third_party.py``). A missing table is not an error: every function then returns an
empty DataFrame with the same columns, so a page can say "no data" instead of failing.

The Arrow schemas of the three tables are declared here once; the ETL writes exactly these.
Licences: RSF states none (attribute RSF); Citizen Lab's test lists and OONI's data are
CC BY-NC-SA 4.0 — they stay in their own tables, never mixed into the CC BY incident data, and
every DataFrame that carries their rows has a ``licence`` column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from pressfreedom.paths import DATA_DIR

if TYPE_CHECKING:  # (the ETL imports this module; pandas is only the readers' return type)
    import pandas as pd

FACTS_DIR = DATA_DIR / "third_party"  # committed facts compiled from the third-party files

RSF_TABLE = "rsf_index"
CITIZENLAB_TABLE = "citizenlab_urls"
OONI_TABLE = "ooni_measurements"

RSF_LICENCE = "No licence stated by RSF; attribute Reporters Without Borders (RSF)"
RSF_ATTRIBUTION = "RSF World Press Freedom Index (Reporters Without Borders, rsf.org)"
CITIZENLAB_LICENCE = "CC BY-NC-SA 4.0"
CITIZENLAB_ATTRIBUTION = "Citizen Lab and others, URL testing lists (github.com/citizenlab/test-lists)"
OONI_LICENCE = "CC BY-NC-SA 4.0"
OONI_ATTRIBUTION = "Open Observatory of Network Interference (OONI), ooni.org"

# Methodology eras of the RSF index: scores are comparable only within one era; ranks across all.
SCALE_PRE2013, SCALE_2013_2021, SCALE_2022_ON = "pre2013", "2013_2021", "2022_on"
SCALES = (SCALE_PRE2013, SCALE_2013_2021, SCALE_2022_ON)
METHOD_CHANGE_YEARS = (2013, 2022)  # first index year of a new era

RSF_SCHEMA = pa.schema(
    [
        ("year", pa.int32()),  # the 2011-12 index is stored as 2012 (year_label keeps "2011-12")
        ("year_label", pa.string()),
        ("iso", pa.string()),  # ISO 3166 alpha-3 as RSF gives it (RSF also uses a few own codes)
        ("country", pa.string()),
        ("rank", pa.int32()),
        ("score", pa.float64()),
        ("scale", pa.string()),  # one of SCALES
        ("score_direction", pa.string()),  # higher_is_better | lower_is_better (derived from the file)
        ("countries_ranked", pa.int32()),  # entries in that year's file
        ("source_file", pa.string()),
        ("licence", pa.string()),
    ]
)

CITIZENLAB_SCHEMA = pa.schema(
    [
        ("list", pa.string()),  # "az", "global", … (the list file's stem)
        ("list_name", pa.string()),  # country name from the legend
        ("url", pa.string()),  # empty for rows built from the committed facts file
        ("domain", pa.string()),  # normalise_domain(url)
        ("category_code", pa.string()),
        ("category_description", pa.string()),  # legend name (falls back to the list's own column)
        ("category_details", pa.string()),  # legend's long description
        ("date_added", pa.date32()),
        ("source", pa.string()),
        ("notes", pa.string()),
        ("source_file", pa.string()),
        ("licence", pa.string()),
    ]
)

OONI_SCHEMA = pa.schema(
    [
        ("measurement_start_day", pa.date32()),
        ("domain", pa.string()),  # normalised; null when the download has no domain axis
        ("input", pa.string()),
        ("probe_cc", pa.string()),  # null when neither a column nor the file name says it
        ("probe_asn", pa.int64()),
        ("category_code", pa.string()),
        ("test_name", pa.string()),
        ("anomaly_count", pa.int64()),
        ("confirmed_count", pa.int64()),
        ("failure_count", pa.int64()),
        ("ok_count", pa.int64()),
        ("measurement_count", pa.int64()),
        ("axes", pa.string()),  # the download's axis columns, e.g. "domain,measurement_start_day"
        ("source_file", pa.string()),
        ("licence", pa.string()),
    ]
)

# What the read side needs from the incident data (written by the main ETL).
_BLOCKINGS_SCHEMA = pa.schema(
    [
        ("incident_id", pa.string()),
        ("blocking_type", pa.string()),
        ("domain", pa.string()),
        ("blocked_from", pa.date32()),
        ("blocked_until", pa.date32()),
        ("status_as_of", pa.date32()),
    ]
)


def scale_for_year(year: int) -> str:
    if year < METHOD_CHANGE_YEARS[0]:
        return SCALE_PRE2013
    if year < METHOD_CHANGE_YEARS[1]:
        return SCALE_2013_2021
    return SCALE_2022_ON


_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
_PORT = re.compile(r":\d*$")


def normalise_domain(value: object) -> str | None:
    """The join key between Citizen Lab, OONI and the blockings table.

    Lower-case; scheme, user info, port, path, query, trailing dot and slash removed; a leading
    ``www.`` removed. ``"HTTPS://www.Meydan.tv/az/"`` → ``"meydan.tv"``. Platform names without
    a dot (``"Facebook"``) stay as they are (lower-cased) and simply match nothing.
    """
    if value is None:
        return None
    s = str(value).strip().lower()
    s = _SCHEME.sub("", s).lstrip("/")
    s = re.split(r"[/?#\\\s]", s, maxsplit=1)[0]
    s = s.rsplit("@", 1)[-1]
    s = _PORT.sub("", s).rstrip(".")
    if s.startswith("www."):
        s = s[4:]
    return s or None


# -- reading ---------------------------------------------------------------------------------


def _connect(processed_dir: Path, tables: dict[str, pa.Schema]) -> duckdb.DuckDBPyConnection:
    """A private connection with one view per table: the Parquet file, or an empty typed table."""
    con = duckdb.connect()
    con.create_function("normalise_domain", normalise_domain, ["VARCHAR"], "VARCHAR")
    for name, schema in tables.items():
        path = Path(processed_dir) / f"{name}.parquet"
        if path.is_file():
            rel = con.read_parquet(str(path))
            missing = [f.name for f in schema if f.name not in rel.columns]
            if missing:  # an older build: behave as if the table were absent
                rel = con.from_arrow(schema.empty_table())
        else:
            rel = con.from_arrow(schema.empty_table())
        rel.create_view(name)
    return con


def _query(processed_dir: Path, tables: dict[str, pa.Schema], sql: str, params: list | None = None) -> pd.DataFrame:
    con = _connect(processed_dir, tables)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def has_table(processed_dir: Path, name: str) -> bool:
    return (Path(processed_dir) / f"{name}.parquet").is_file()


# the columns of the committed RSF facts file (data/third_party/rsf_index_<ISO3>.csv), also read by the ETL
RSF_FACTS_COLUMNS = (
    "year",
    "year_label",
    "iso",
    "country",
    "rank",
    "countries_ranked",
    "score",
    "scale",
    "score_direction",
    "source_file",
)
RSF_SERIES_COLUMNS = [*RSF_FACTS_COLUMNS, "licence"]


def rsf_series(processed_dir: Path, iso3: str) -> pd.DataFrame:
    """One country's RSF rank and score per year, oldest first."""
    sql = f"""
        SELECT {", ".join(RSF_SERIES_COLUMNS)}
        FROM {RSF_TABLE}
        WHERE upper(iso) = upper(?)
        ORDER BY year
    """
    return _query(processed_dir, {RSF_TABLE: RSF_SCHEMA}, sql, [iso3])


def rsf_years(processed_dir: Path) -> pd.DataFrame:
    """Per index year: the era and how many countries were ranked (for "rank N of M")."""
    sql = f"""
        SELECT year, any_value(year_label) AS year_label, any_value(scale) AS scale,
               max(countries_ranked) AS countries_ranked, count(*) AS rows
        FROM {RSF_TABLE} GROUP BY year ORDER BY year
    """
    return _query(processed_dir, {RSF_TABLE: RSF_SCHEMA}, sql)


def citizenlab_domains(processed_dir: Path) -> pd.DataFrame:
    """Citizen Lab categories per normalised domain (one row per domain and category)."""
    sql = f"""
        SELECT domain, category_code,
               any_value(category_description ORDER BY date_added NULLS LAST) AS category_description,
               min(date_added) AS date_added, count(url) AS urls,
               string_agg(DISTINCT list, '|' ORDER BY list) AS lists,
               any_value(licence) AS licence
        FROM {CITIZENLAB_TABLE}
        WHERE domain IS NOT NULL
        GROUP BY domain, category_code
        ORDER BY domain, category_code
    """
    return _query(processed_dir, {CITIZENLAB_TABLE: CITIZENLAB_SCHEMA}, sql)


def blockings_with_citizenlab(processed_dir: Path) -> pd.DataFrame:
    """Each documented blocking with the Citizen Lab categories of its domain (the join).

    Both sides are normalised with :func:`normalise_domain`; ``in_test_list`` says whether the
    blocked domain is on a Citizen Lab list at all. Category columns are ``|``-separated.
    """
    sql = f"""
        WITH b AS (
            SELECT incident_id, blocking_type, domain, normalise_domain(domain) AS domain_key,
                   blocked_from, blocked_until, status_as_of
            FROM blockings
        ), c AS (
            SELECT domain AS domain_key,
                   string_agg(DISTINCT category_code, '|' ORDER BY category_code) AS category_codes,
                   string_agg(DISTINCT category_description, '|' ORDER BY category_description)
                       AS category_descriptions,
                   min(date_added) AS date_added,
                   any_value(licence) AS licence
            FROM {CITIZENLAB_TABLE} WHERE domain IS NOT NULL GROUP BY domain
        )
        SELECT b.incident_id, b.blocking_type, b.domain, b.domain_key,
               b.blocked_from, b.blocked_until, b.status_as_of,
               c.domain_key IS NOT NULL AS in_test_list,
               c.category_codes, c.category_descriptions, c.date_added AS test_list_date_added, c.licence
        FROM b LEFT JOIN c USING (domain_key)
        ORDER BY b.blocked_from NULLS LAST, b.incident_id
    """
    return _query(processed_dir, {"blockings": _BLOCKINGS_SCHEMA, CITIZENLAB_TABLE: CITIZENLAB_SCHEMA}, sql)


def citizenlab_coverage(processed_dir: Path, category_codes: Iterable[str] | None = ("NEWS",)) -> pd.DataFrame:
    """Tested sites (by default Citizen Lab category NEWS): documented as blocked here, or not.

    One row per normalised domain: its categories, when it was added to a list, how many of its
    URLs are listed, whether a blocking incident names it (``documented_blocked``), those incident
    ids (``|``-separated) and the earliest ``blocked_from``. ``category_codes=None`` keeps all.
    """
    codes = [c.upper() for c in category_codes] if category_codes is not None else None
    sql = f"""
        WITH c AS (
            SELECT domain,
                   string_agg(DISTINCT category_code, '|' ORDER BY category_code) AS category_codes,
                   string_agg(DISTINCT category_description, '|' ORDER BY category_description)
                       AS category_descriptions,
                   min(date_added) AS date_added, count(url) AS urls,
                   any_value(licence) AS licence
            FROM {CITIZENLAB_TABLE}
            WHERE domain IS NOT NULL AND (? IS NULL OR list_contains(?, upper(category_code)))
            GROUP BY domain
        ), b AS (
            SELECT normalise_domain(domain) AS domain,
                   string_agg(incident_id, '|' ORDER BY incident_id) AS incident_ids,
                   min(blocked_from) AS first_blocked_from
            FROM blockings GROUP BY 1
        )
        SELECT c.domain, c.category_codes, c.category_descriptions, c.date_added, c.urls,
               b.domain IS NOT NULL AS documented_blocked, b.incident_ids, b.first_blocked_from, c.licence
        FROM c LEFT JOIN b USING (domain)
        ORDER BY documented_blocked DESC, c.domain
    """
    return _query(
        processed_dir,
        {"blockings": _BLOCKINGS_SCHEMA, CITIZENLAB_TABLE: CITIZENLAB_SCHEMA},
        sql,
        [codes, codes],
    )


OONI_MONTHLY_COLUMNS = [
    "month",
    "domain",
    "measurement_count",
    "anomaly_count",
    "confirmed_count",
    "failure_count",
    "ok_count",
    "anomaly_share",
    "confirmed_share",
    "axes",
    "licence",
]


def ooni_monthly(
    processed_dir: Path, domains: Iterable[str] | None = None, probe_cc: str | None = None
) -> pd.DataFrame:
    """OONI counts per month and domain, with anomaly and confirmed shares computed from counts.

    ``domains`` are normalised before matching (None = every domain, including rows without a
    domain axis). ``probe_cc`` keeps only rows of that country (rows whose download had no
    country are then left out). When one domain and day are covered by downloads with different
    axes (e.g. domain only, and domain × ASN), only the coarsest set of axes is used for that day
    so that the same measurements are not counted twice. Shares are of ``measurement_count``
    (null when it is 0).
    """
    keys = None if domains is None else sorted({d for d in (normalise_domain(x) for x in domains) if d})
    sql = f"""
        WITH f AS (
            SELECT *,
                   len(list_filter(string_split(axes, ','),
                       lambda a: a NOT IN ('measurement_start_day', 'domain', 'probe_cc'))) AS extra_axes
            FROM {OONI_TABLE}
            WHERE (? IS NULL OR list_contains(?, domain))
              AND (? IS NULL OR upper(probe_cc) = upper(?))
        ), pick AS (
            SELECT domain, measurement_start_day, axes FROM (
                SELECT domain, measurement_start_day, axes,
                       row_number() OVER (PARTITION BY domain, measurement_start_day
                                          ORDER BY extra_axes, axes) AS k
                FROM (SELECT DISTINCT domain, measurement_start_day, axes, extra_axes FROM f)
            ) WHERE k = 1
        )
        SELECT date_trunc('month', f.measurement_start_day)::DATE AS month, f.domain,
               sum(measurement_count)::BIGINT AS measurement_count,
               sum(anomaly_count)::BIGINT AS anomaly_count,
               sum(confirmed_count)::BIGINT AS confirmed_count,
               sum(failure_count)::BIGINT AS failure_count,
               sum(ok_count)::BIGINT AS ok_count,
               sum(anomaly_count) / nullif(sum(measurement_count), 0) AS anomaly_share,
               sum(confirmed_count) / nullif(sum(measurement_count), 0) AS confirmed_share,
               string_agg(DISTINCT f.axes, ' | ' ORDER BY f.axes) AS axes, any_value(licence) AS licence
        FROM f JOIN pick
          ON f.domain IS NOT DISTINCT FROM pick.domain
         AND f.measurement_start_day = pick.measurement_start_day
         AND f.axes = pick.axes
        GROUP BY 1, 2
        ORDER BY 2 NULLS FIRST, 1
    """
    cc = probe_cc.upper() if probe_cc else None
    return _query(processed_dir, {OONI_TABLE: OONI_SCHEMA}, sql, [keys, keys, cc, cc])[OONI_MONTHLY_COLUMNS]


def blocking_intervals(processed_dir: Path, domains: Iterable[str] | None = None) -> pd.DataFrame:
    """Documented blocking episodes per normalised domain, for drawing beside OONI shares.

    ``end`` is ``blocked_until``, else ``status_as_of`` (still blocked then; ``open_ended`` true).
    """
    keys = None if domains is None else sorted({d for d in (normalise_domain(x) for x in domains) if d})
    sql = """
        SELECT incident_id, normalise_domain(domain) AS domain, blocking_type,
               blocked_from AS start, coalesce(blocked_until, status_as_of) AS "end",
               blocked_until IS NULL AS open_ended, status_as_of
        FROM blockings
        WHERE (? IS NULL OR list_contains(?, normalise_domain(domain)))
        ORDER BY 2, 4 NULLS LAST, 1
    """
    return _query(processed_dir, {"blockings": _BLOCKINGS_SCHEMA}, sql, [keys, keys])
