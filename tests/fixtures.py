"""A small seeded fixture dataset, defined in code, covering every kind and edge case.

Clearly fictional (names like "Fixture Person A"); never written into data/raw.
``write_raw(dir)`` writes it as CSV; tests change single cells to plant problems.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pressfreedom.schema import BY_NAME

CANARY = "Canary Zzyzx Confidential"  # must never appear in a public artefact

SOURCES = [
    dict(
        source_id="src-a",
        title="Fixture report A",
        publisher="Fixture NGO",
        published_on="2021-02-01",
        url="https://example.org/a",
        language="en",
        coverage_start="2020-01-01",
        coverage_end="2020-12-31",
        licence="",
        notes="",
    ),
    dict(
        source_id="src-b",
        title="Fixture report B",
        publisher="Fixture Agency",
        published_on="2021-03-01",
        url="",
        language="ru",
        coverage_start="2020-01-01",
        coverage_end="2020-12-31",
        licence="",
        notes="",
    ),
]

PEOPLE = [
    dict(person_id="P-1", name="Fixture Person A", aliases="Fixture Persson A", role="journalist", notes=""),
    dict(person_id="P-2", name="Fixture Person B", aliases="", role="blogger", notes=""),
    dict(person_id="P-3", name="fixture-news.az", aliases="www.fixture-news.az", role="website", notes=""),
    dict(person_id="P-9", name=CANARY, aliases="", role="activist", notes=""),
]


def _incident(**kw) -> dict:
    base = dict(
        incident_id="",
        date="",
        victim="",
        person_id="",
        victim_role="journalist",
        group_size="",
        outlet="",
        location="Baku",
        perpetrator="unknown",
        summary="Fixture summary.",
        source_ids="src-a",
        source_locators="Section 1",
        related_ids="",
        case_id="",
        notes="",
        confidential="false",
    )
    base.update(kw)
    return base


ASSAULTS = [
    _incident(
        incident_id="ASL-1",
        date="2020-02-11",
        victim="Fixture Person A",
        person_id="P-1",
        outlet="Fixture TV",
        perpetrator="police",
        related_ids="DET-1",
        case_id="C-1",
        assault_type="beating",
        context="protest",
        injured="yes",
        equipment_damaged_or_seized="unknown",
    ),
    _incident(
        incident_id="ASL-2",
        date="2020-02",
        victim="13 journalists",
        victim_role="journalist",
        group_size="13",
        source_ids="src-a|src-b",
        source_locators="Section 1|Physical pressures",
        assault_type="violence_at_protest",
        context="protest",
        injured="unknown",
        equipment_damaged_or_seized="unknown",
    ),
    _incident(
        incident_id="ASL-3",
        date="2019",
        victim="Fixture Person B",
        person_id="P-2",
        victim_role="blogger",
        assault_type="stabbing",
        context="unknown",
        injured="yes",
        equipment_damaged_or_seized="no",
    ),
]

DETENTIONS = [
    _incident(
        incident_id="DET-1",
        date="2020-02-11",
        victim="Fixture Person A",
        person_id="P-1",
        outlet="Fixture TV",
        perpetrator="police",
        related_ids="ASL-1",
        case_id="C-1",
        detention_type="administrative_detention",
        duration_days="30",
        charge="Article 535.1 (disobeying police)",
        released_on="2020-03-12",
    ),
    _incident(
        incident_id="DET-2",
        date="2020-07-15",
        victim=CANARY,
        person_id="P-9",
        victim_role="activist",
        summary=f"{CANARY} was detained.",
        confidential="true",
        detention_type="pretrial_detention",
        duration_days="",
        charge="",
        released_on="",
    ),
    _incident(
        incident_id="DET-3",
        date="2020-12-01",
        victim="Fixture Person B",
        person_id="P-2",
        victim_role="blogger",
        detention_type="short_detention",
        duration_days="",
        charge="",
        released_on="2020-12-01",
    ),
]

BLOCKINGS = [
    _incident(
        incident_id="BLK-1",
        date="2020-03-01",
        victim="fixture-news.az",
        person_id="P-3",
        victim_role="website",
        perpetrator="court",
        blocking_type="court_ordered_block",
        domain="fixture-news.az",
        blocked_from="2020-03-01",
        blocked_until="",
        status_as_of="2020-12-31",
        basis="Court ruling",
    ),
    _incident(
        incident_id="BLK-2",
        date="2020-09-27",
        victim="Social media",
        person_id="",
        victim_role="website",
        perpetrator="government_agency",
        blocking_type="social_media_restriction",
        domain="Facebook",
        blocked_from="2020-09-27",
        blocked_until="2020-11-14",
        status_as_of="2020-11-14",
        basis="",
    ),
]

COURT_OUTCOMES = [
    _incident(
        incident_id="CRT-1",
        date="2020-05-20",
        victim="Fixture Person A",
        person_id="P-1",
        perpetrator="court",
        case_id="C-1",
        outcome="prison_sentence",
        court="Baku Grave Crimes Court",
        charge="Article 221.3 (hooliganism)",
        sentence_months="51",
        fine_amount="",
        fine_currency="",
        appeal_of="",
    ),
    _incident(
        incident_id="CRT-2",
        date="2020-08-10",
        victim="Fixture Person A",
        person_id="P-1",
        perpetrator="court",
        case_id="C-1",
        outcome="appeal_rejected",
        court="Baku Appeals Court",
        charge="",
        sentence_months="",
        fine_amount="",
        fine_currency="",
        appeal_of="CRT-1",
    ),
    _incident(
        incident_id="CRT-3",
        date="2020-06",
        victim="Fixture Person B",
        person_id="P-2",
        victim_role="blogger",
        perpetrator="court",
        outcome="fine",
        court="",
        charge="",
        sentence_months="",
        fine_amount="200",
        fine_currency="AZN",
        appeal_of="",
    ),
]

PUBLISHED_FIGURES = [
    dict(
        figure_id="F-1",
        source_id="src-a",
        source_locator="Section 1",
        period_start="2020-01-01",
        period_end="2020-12-31",
        category="physical_assault",
        subcategory="",
        indicator="journalists_physically_assaulted",
        description="Assaults on journalists in the year",
        value="26",
        qualifier="at_least",
        unit="incidents",
        counterpart="itemised",
        victim_roles="journalist",
        offences="",
        notes="",
    ),
]

EVENTS = [
    dict(
        event_id="EV-1",
        kind="election",
        start="2020-02-09",
        end="",
        label_en="Parliamentary elections",
        label_ru="Парламентские выборы",
        label_az="Parlament seçkiləri",
        source_ids="src-a",
        source_locators="Section 3",
    ),
    dict(
        event_id="EV-2",
        kind="war",
        start="2020-09-27",
        end="2020-11-10",
        label_en="44-day war",
        label_ru="44-дневная война",
        label_az="44 günlük müharibə",
        source_ids="src-a",
        source_locators="Section 1",
    ),
]

TABLES: dict[str, list[dict]] = {
    "sources": SOURCES,
    "people": PEOPLE,
    "assaults": ASSAULTS,
    "detentions": DETENTIONS,
    "blockings": BLOCKINGS,
    "court_outcomes": COURT_OUTCOMES,
    "published_figures": PUBLISHED_FIGURES,
    "events": EVENTS,
    # written with their header only: the tests that need them pass rows (``write_raw(coverage=…)``)
    "coverage": [],
    "custody_reports": [],
}


def rows(name: str) -> list[dict]:
    """A fresh copy of one fixture table (tests may mutate it)."""
    return [dict(r) for r in TABLES[name]]


def write_table(path: Path, name: str, table_rows: list[dict], encoding: str = "utf-8") -> Path:
    cols = list(BY_NAME[name].column_names)
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in table_rows:
            w.writerow({c: r.get(c, "") for c in cols})
    return path


def write_raw(raw_dir: Path, **overrides: list[dict]) -> Path:
    """Write every fixture table as CSV into raw_dir; overrides replace whole tables."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        write_table(raw_dir / f"{name}.csv", name, overrides.get(name, rows(name)))
    return raw_dir


def compile_raw(raw: Path, out: Path, *flags: str) -> Path:
    """Compile a raw folder with the real ETL (as ``python -m etl``); fails unless it exits 0."""
    from etl.cli import main as etl_main

    code = etl_main(["--raw", str(raw), "--out", str(out), "--quiet", *flags])
    assert code == 0, f"the ETL exited with {code}"
    return out


def compiled(root: Path, **overrides: list[dict]) -> Path:
    """The one fixture-build factory: the fixture tables (with ``overrides``) written into
    ``root/raw`` and compiled into ``root/processed``; returns the published folder."""
    return compile_raw(write_raw(root / "raw", **overrides), root / "processed")
