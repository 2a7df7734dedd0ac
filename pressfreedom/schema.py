"""The data contract, declared once: input tables, their columns and how each is checked.

The ETL compiles these specs into vectorised checks (DuckDB SQL over Arrow); the docs test
checks that every table and column here is described in ``docs/data-model.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pressfreedom import vocab as V
from pressfreedom.vocab import Vocabulary

SCHEMA_VERSION = 1
LIST_SEP = "|"
MAX_TEXT_CHARS = 20_000  # a longer cell is almost always a paste accident

# Column kinds understood by the ETL.
TEXT, ID, DATE, VOCAB, NUMBER, BOOL, LIST, CURRENCY, URL = (
    "text",
    "id",
    "date",
    "vocab",
    "number",
    "bool",
    "list",
    "currency",
    "url",
)


@dataclass(frozen=True)
class Col:
    name: str
    kind: str = TEXT
    required: bool = False
    vocab: Vocabulary | None = None
    identifying: bool = False  # withheld for confidential rows in the public build
    whole: bool = False  # a count: must be a whole number
    default: str | None = None  # the code an empty cell means (a closed vocabulary's default)


@dataclass(frozen=True)
class TableSpec:
    name: str  # file stem in data/raw and parquet stem in data/processed
    columns: tuple[Col, ...]
    key: str
    category: str | None = None  # set for the four incident tables

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)


COMMON: tuple[Col, ...] = (
    Col("incident_id", ID, required=True),
    Col("date", DATE, required=True),
    Col("victim", TEXT, required=True, identifying=True),
    Col("person_id", TEXT, identifying=True),
    Col("victim_role", VOCAB, required=True, vocab=V.VICTIM_ROLE),
    Col("group_size", NUMBER, whole=True),
    Col("outlet", TEXT, identifying=True),
    Col("location", TEXT, identifying=True),
    Col("perpetrator", VOCAB, vocab=V.PERPETRATOR),
    Col("summary", TEXT, required=True, identifying=True),
    Col("source_ids", LIST, required=True),
    Col("source_locators", LIST, required=True, identifying=True),
    Col("related_ids", LIST),
    Col("case_id", TEXT),
    Col("notes", TEXT, identifying=True),
    Col("confidential", BOOL),
)

ASSAULTS = TableSpec(
    "assaults",
    COMMON
    + (
        Col("assault_type", VOCAB, required=True, vocab=V.ASSAULT_TYPE),
        Col("context", VOCAB, vocab=V.ASSAULT_CONTEXT),
        Col("injured", VOCAB, vocab=V.YES_NO_UNKNOWN),
        Col("equipment_damaged_or_seized", VOCAB, vocab=V.YES_NO_UNKNOWN),
    ),
    key="incident_id",
    category="physical_assault",
)
DETENTIONS = TableSpec(
    "detentions",
    COMMON
    + (
        Col("detention_type", VOCAB, required=True, vocab=V.DETENTION_TYPE),
        Col("duration_days", NUMBER, whole=True),
        Col("charge", TEXT),
        Col("offence", LIST, vocab=V.OFFENCE),
        Col("articles", LIST),
        Col("released_on", DATE),
    ),
    key="incident_id",
    category="detention",
)
BLOCKINGS = TableSpec(
    "blockings",
    COMMON
    + (
        Col("blocking_type", VOCAB, required=True, vocab=V.BLOCKING_TYPE),
        Col("domain", TEXT, required=True),
        Col("blocked_from", DATE),
        Col("blocked_until", DATE),
        Col("status_as_of", DATE),
        Col("basis", TEXT),
    ),
    key="incident_id",
    category="website_blocking",
)
COURT_OUTCOMES = TableSpec(
    "court_outcomes",
    COMMON
    + (
        Col("outcome", VOCAB, required=True, vocab=V.OUTCOME),
        Col("court", TEXT),
        Col("charge", TEXT),
        Col("offence", LIST, vocab=V.OFFENCE),
        Col("articles", LIST),
        Col("sentence_months", NUMBER),
        Col("fine_amount", NUMBER),
        Col("fine_currency", CURRENCY),
        Col("appeal_of", TEXT),
    ),
    key="incident_id",
    category="court_outcome",
)

SOURCES = TableSpec(
    "sources",
    (
        Col("source_id", ID, required=True),
        Col("title", TEXT, required=True),
        Col("publisher", TEXT, required=True),
        Col("published_on", DATE),
        Col("url", URL),
        Col("language", VOCAB, required=True, vocab=V.SOURCE_LANGUAGE),
        Col("coverage_start", DATE),
        Col("coverage_end", DATE),
        Col("licence", TEXT),
        Col("notes", TEXT),
    ),
    key="source_id",
)
PEOPLE = TableSpec(
    "people",
    (
        Col("person_id", ID, required=True),
        Col("name", TEXT, required=True, identifying=True),
        Col("aliases", LIST, identifying=True),
        Col("role", VOCAB, vocab=V.VICTIM_ROLE),
        Col("notes", TEXT, identifying=True),
    ),
    key="person_id",
)
# Units in which a published figure can have an itemised counterpart (``counterpart = itemised``):
# incidents, people affected, distinct blocked domains. Headcounts (``persons``), percentages, days,
# requests, lawsuits, rulings … are never compared with the incidents.
ITEMISED_UNITS: tuple[str, ...] = ("incidents", "people", "websites")
# Kinds whose rows carry offence codes (``offence``): a figure's ``offences`` need one of them.
OFFENCE_KINDS: tuple[str, ...] = ("detention", "court_outcome")

PUBLISHED_FIGURES = TableSpec(
    "published_figures",
    (
        Col("figure_id", ID, required=True),
        Col("source_id", TEXT, required=True),
        Col("source_locator", TEXT, required=True),
        Col("period_start", DATE, required=True),
        Col("period_end", DATE, required=True),
        Col("category", VOCAB, vocab=V.CATEGORY),
        Col("subcategory", TEXT),
        Col("indicator", TEXT, required=True),
        Col("description", TEXT, required=True),
        Col("value", NUMBER, required=True),
        Col("qualifier", VOCAB, required=True, vocab=V.QUALIFIER),
        Col("unit", TEXT, required=True),
        Col("counterpart", VOCAB, vocab=V.COUNTERPART, default="none"),
        Col("victim_roles", LIST, vocab=V.VICTIM_ROLE),
        Col("offences", LIST, vocab=V.OFFENCE),
        Col("notes", TEXT),
    ),
    key="figure_id",
)
EVENTS = TableSpec(
    "events",
    (
        Col("event_id", ID, required=True),
        Col("kind", VOCAB, required=True, vocab=V.EVENT_KIND),
        Col("start", DATE, required=True),
        Col("end", DATE),
        Col("label_en", TEXT, required=True),
        Col("label_ru", TEXT, required=True),
        Col("label_az", TEXT, required=True),
        Col("source_ids", LIST, required=True),
        Col("source_locators", LIST, required=True),
    ),
    key="event_id",
)

COVERAGE = TableSpec(
    "coverage",
    (
        Col("coverage_id", ID, required=True),
        Col("source_id", TEXT, required=True),
        Col("category", VOCAB, required=True, vocab=V.CATEGORY),
        Col("coverage_type", VOCAB, required=True, vocab=V.COVERAGE_TYPE),
        Col("period_start", DATE, required=True),
        Col("period_end", DATE, required=True),
        Col("notes", TEXT),
    ),
    key="coverage_id",
)
CUSTODY_REPORTS = TableSpec(
    "custody_reports",
    (
        Col("report_id", ID, required=True),
        Col("person_id", TEXT, required=True, identifying=True),
        Col("as_of", DATE, required=True),
        Col("status", VOCAB, required=True, vocab=V.CUSTODY_STATUS),
        Col("source_id", TEXT, required=True),
        Col("source_locator", TEXT, required=True, identifying=True),
        Col("notes", TEXT, identifying=True),
    ),
    key="report_id",
)

INCIDENT_TABLES: tuple[TableSpec, ...] = (ASSAULTS, DETENTIONS, BLOCKINGS, COURT_OUTCOMES)
REFERENCE_TABLES: tuple[TableSpec, ...] = (SOURCES, PEOPLE, PUBLISHED_FIGURES, EVENTS, COVERAGE, CUSTODY_REPORTS)
ALL_TABLES: tuple[TableSpec, ...] = REFERENCE_TABLES + INCIDENT_TABLES
BY_NAME: dict[str, TableSpec] = {t.name: t for t in ALL_TABLES}
BY_CATEGORY: dict[str, TableSpec] = {t.category: t for t in INCIDENT_TABLES if t.category}

# Columns of incidents.parquet, in order: the common ones plus what the ETL derives.
INCIDENT_COLUMNS: tuple[str, ...] = (
    "incident_id",
    "category",
    "subcategory",
    "date",
    "date_precision",
    "victim",
    "person_id",
    "victim_role",
    "group_size",
    "outlet",
    "location",
    "perpetrator",
    "summary",
    "source_ids",
    "source_locators",
    "related_ids",
    "case_id",
    "notes",
    "confidential",
)
WITHHELD = "[withheld]"  # placeholder for identifying fields of confidential rows
