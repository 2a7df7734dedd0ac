"""Data tests for the shipped dataset in data/raw, checked against the source documents.

These read the CSVs directly with pandas (not through the ETL) and the source texts from
``../shared/sources`` (the folder beside the repository). See docs/methodology.md for the rules.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import html
import io
import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from pressfreedom import vocab
from pressfreedom.schema import BY_NAME

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SOURCES_DIR = SHARED / "sources"
EXTERNAL_DIR = SHARED / "external"  # third-party files: read here, never copied into the repository
IRFS_DIR = "irfs-statements"

# source_id -> file under shared/sources (the 2020 documents, and the IRFS posts by file)
SOURCE_FILES = {
    "usdos-2020": "us-state-dept-country-report-2020-azerbaijan.txt",
    "media-2020-en": "azerbaijani-media-2020.en.txt",
    "media-2020-ru": "azerbaijani-media-2020.ru.txt",
    "irfs-feed": "irfs-news-feed.txt",
    "turan-2021-mirzali": "turan-mirzali-2021.txt",
    "helpmehman-en": "helpmehman-appeal.en.txt",
    "helpmehman-fr": "helpmehman-appeal.fr.txt",
    "helpmehman-ru": "helpmehman-appeal.ru.txt",
    "helpmehman-az": "helpmehman-appeal.az.txt",
    **{
        sid: f"{IRFS_DIR}/{name}.md"
        for sid, name in {
            "irfs-2015-08-10-rasim-aliyev": "joint-statement-journalist-rasim-aliyev-murdered-as-human-rights-"
            "crackdown-continues-in-aftermath-of-european-games",
            "irfs-2015-12-29-mirgadirov": "statement-irfs-condemns-the-conviction-of-journalist-rauf-mirgadirov",
            "irfs-2022-05-10-ayten-mammadova": "statement-by-the-institute-for-reporters-freedom-and-safety",
            "irfs-2022-05-12-yahyaoglu": "statement-by-the-institute-for-reporters-freedom-and-safety-2",
            "irfs-2022-05-18-rally-dispersal": "statement-by-the-institute-for-reporters-freedom-and-safety-may-18-2022",
            "irfs-2022-05-23-ramazanov": "statement-by-the-institute-for-reporters-freedom-and-safety-may-23-2022",
            "irfs-2023-07-28-ibadoglu": "irfs-condemns-the-politically-motivated-arrest-of-dr-gubad-ibadoglu-and-"
            "calls-for-his-immediate-release",
            "irfs-2024-03-06-farid-ismailov": "the-search-at-farid-ismailovs-apartment-has-ended",
            "irfs-2024-10-01-iskenderli": "vidadi-iskenderlis-condition-remains-critical-after-24-stabbings",
            "irfs-2024-12-13-messi": "irfs-disappointed-about-lionel-messi-legitimizing-the-oppressive-regime-of-"
            "aliyevs-family",
            "irfs-2024-12-16-hajiyev-documents": "bakhtiyar-hajiyev-demanded-to-exclude-falsified-documents-from-his-"
            "case",
            "irfs-2024-12-24-hajiyev-lawyer": "bakhtiyar-hajiyevs-lawyer-claims-that-his-right-to-defence-was-violated",
            "irfs-2025-07-toplum-hearing": "toplum-tv-case-journalists-allege-political-motivation-amidst-heated-"
            "court-proceedings",
            "irfs-2025-06-17-aslanov-prison": "imprisoned-journalist-polad-aslanov-reveals-overcrowded-cells-and-"
            "medical-neglect-during-ombudsman-prison-visit",
            "irfs-2025-06-19-rahimli-absalamova": "lawyer-rovshane-rahimli-nargiz-absalamova-was-engaged-in-organized-"
            "journalism",
            "irfs-2025-06-19-elgunesh-letter": "my-spiritual-torture",
            "irfs-2025-06-22-abzas-verdict": "azerbaijan-delivers-harsh-sentences-to-abzas-media-journalists-and-"
            "farid-mehralizade-amidst-international-outcry",
            "irfs-2025-06-24-amnesty-abzas": "amnesty-international-condemns-azerbaijans-intimidation-campaign-against-"
            "journalists-following-harsh-sentences-for-abzas-media-staff",
            "irfs-2025-07-03-hasanli-torture": "abzasmedia-director-ulvi-hasanli-alleges-torture-continues-hunger-strike-"
            "in-prison-amidst-deteriorating-health",
            "irfs-2025-07-03-toplum-tax-claim": "azerbaijans-tax-ministry-demands-79000-manats-in-politically-charged-"
            "toplum-tv-case-amidst-broader-crackdown-on-independent-media",
            "irfs-2025-07-03-elgunesh-award": "imprisoned-azerbaijani-journalist-aynur-elgunesh-honored-with-"
            "international-award-amidst-widespread-crackdown-on-media",
            "irfs-2025-07-04-meydan-hunger-strike": "azerbaijani-journalists-launch-hunger-strikes-amid-extended-"
            "detentions-and-harsh-sentences",
            "irfs-2025-07-04-abzas-hunger-strike": "escalation-of-pressure-on-imprisoned-abzasmedia-journalists-as-hunger-"
            "strikes-begin-amid-allegations-of-torture-and-unlawful-transfers",
            "irfs-2025-07-04-libre-letter": "arrests-detentions-torture",
            "irfs-2025-07-04-russia-sputnik": "tit-for-tat-azerbaijan-russia-relations-spiral-amidst-raids-and-deaths",
            "irfs-2025-07-07-hunger-strike-ended": "imprisoned-azerbaijani-journalists-end-hunger-strike-amid-concerns-"
            "over-conditions-and-sentences",
        }.items()
    },
}
# source_id -> third-party file under shared/external (read in place; only its Azerbaijan records for CPJ)
EXTERNAL_FILES = {
    "pp-list-2014-08": "political-prisoners-az/list-aug-2014.html",
    "cpj-killed": "cpj/cpj-killed-1992-2022.csv",
    "cpj-imprisoned-census": "cpj/cpj-imprisoned-killed-missing-1992-2019.csv",
}
ALL_SOURCE_IDS = set(SOURCE_FILES) | set(EXTERNAL_FILES)
# language of each document's text (matches sources.csv; used to look for dates in that language)
SOURCE_LANG = {
    **{sid: "en" for sid in ALL_SOURCE_IDS},
    "media-2020-ru": "ru",
    "helpmehman-fr": "fr",
    "helpmehman-ru": "ru",
    "helpmehman-az": "az",
}
INCIDENT_TABLES = {
    "assaults": ("ASL", "assault_type"),
    "detentions": ("DET", "detention_type"),
    "blockings": ("BLK", "blocking_type"),
    "court_outcomes": ("CRT", "outcome"),
}
CATEGORY_OF = {
    "assaults": "physical_assault",
    "detentions": "detention",
    "blockings": "website_blocking",
    "court_outcomes": "court_outcome",
}
ALL_TABLES = (
    *INCIDENT_TABLES,
    "sources",
    "people",
    "published_figures",
    "events",
    "coverage",
    "custody_reports",
)
VOCAB_COLUMNS = {
    "victim_role": vocab.VICTIM_ROLE,
    "perpetrator": vocab.PERPETRATOR,
    "assault_type": vocab.ASSAULT_TYPE,
    "context": vocab.ASSAULT_CONTEXT,
    "injured": vocab.YES_NO_UNKNOWN,
    "equipment_damaged_or_seized": vocab.YES_NO_UNKNOWN,
    "detention_type": vocab.DETENTION_TYPE,
    "blocking_type": vocab.BLOCKING_TYPE,
    "outcome": vocab.OUTCOME,
    "language": vocab.SOURCE_LANGUAGE,
    "role": vocab.VICTIM_ROLE,
    "qualifier": vocab.QUALIFIER,
    "kind": vocab.EVENT_KIND,
    "coverage_type": vocab.COVERAGE_TYPE,
    "status": vocab.CUSTODY_STATUS,
}
DATE_COLUMNS = ("date", "released_on", "blocked_from", "blocked_until", "status_as_of")
# 2014-2025, and the earlier steps the documents give for cases of people still held in 2014 or later (the
# 2014 list's arrests go back to October 2011); killings and deaths in custody named with their year from 1992.
EARLIEST, LATEST = dt.date(2011, 1, 1), dt.date(2025, 12, 31)
EARLIEST_DEATH = dt.date(1992, 1, 1)  # CPJ's earliest Azerbaijan record (Chingiz Mustafayev, 1992)
DEATH_MARK = "death in custody"  # notes of an 'other' assault that is a death in custody
COMPUTED = re.compile(r"\b(?:day|date|year) computed\b", re.I)  # a date worked out from 'the next day' etc.
DISTINCT_MARK = "(distinct event)"
FOOTER = re.compile(
    r"^(Country Reports on Human Rights Practices for 2020.*|United States Department of State.*|AZERBAIJAN \d+ ?)",
    re.M,
)
# One locator style: a heading path, parts joined by " — "; several places in one document joined by "; ".
LOCATOR_PLACE = re.compile(r"[^\s;|—][^;|]*[^\s.;|—]")
NUMBERED_SECTION_DOT = re.compile(r"\bSection \d+(?:\.[a-z])?\.(?:\s|$)")
ARTICLE = re.compile(r"(?:CC|CAO) \d+(?:\.\d+)*(?:-\d+)?")


# ---------------------------------------------------------------- helpers
def split_list(cell: str) -> list[str]:
    return [p.strip() for p in cell.split("|") if p.strip()] if cell else []


def parse_date(cell: str) -> tuple[dt.date, dt.date, str]:
    """(first possible day, last possible day, precision) of a YYYY, YYYY-MM or YYYY-MM-DD cell."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", cell)
    assert m, f"date {cell!r} is not YYYY, YYYY-MM or YYYY-MM-DD"
    y, mo, d = m.groups()
    if d:
        day = dt.date(int(y), int(mo), int(d))
        return day, day, "day"
    if mo:
        last = calendar.monthrange(int(y), int(mo))[1]
        return dt.date(int(y), int(mo), 1), dt.date(int(y), int(mo), last), "month"
    return dt.date(int(y), 1, 1), dt.date(int(y), 12, 31), "year"


@cache
def table(name: str) -> pd.DataFrame:
    path = RAW / f"{name}.csv"
    assert path.is_file(), f"missing {path}"
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def incidents() -> pd.DataFrame:
    frames = []
    for name, (_, sub) in INCIDENT_TABLES.items():
        df = table(name).copy()
        df["_table"], df["_sub"] = name, df[sub]
        frames.append(df)
    return pd.concat(frames, ignore_index=True).fillna("")


def _body(path: Path) -> str:
    """A document's text: a post without its YAML front matter, an HTML page as text, a CPJ export as its
    Azerbaijan records only (the rest of the world's records would match any year or name)."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        parts = raw.split("\n---\n", 1)
        return parts[1] if raw.startswith("---") and len(parts) == 2 else raw
    if path.suffix == ".html":
        return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))
    if path.suffix == ".csv":
        rows = csv.DictReader(io.StringIO(raw))
        return "\n".join(" ".join(r.values()) for r in rows if (r.get("country") or "") == "Azerbaijan")
    return raw


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    if not SOURCES_DIR.is_dir() or not EXTERNAL_DIR.is_dir():
        pytest.fail(
            f"source documents not found at {SOURCES_DIR} or {EXTERNAL_DIR}: the data tests need the shared/ "
            "folder beside the repository (../shared/sources and ../shared/external)."
        )
    out = {}
    files = {
        **{s: SOURCES_DIR / f for s, f in SOURCE_FILES.items()},
        **{s: EXTERNAL_DIR / f for s, f in EXTERNAL_FILES.items()},
    }
    for sid, path in files.items():
        if not path.is_file():
            pytest.fail(f"source document {path} for {sid} is missing")
        out[sid] = FOOTER.sub(" ", _body(path))
    return out


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("’", "'"))


PATRONYMIC = r"(?:\w+[\s\-](?:oglu|oğlu|ogly|qizi|qızı|gizi)[\s\u00a0]+)?"


def name_pattern(name: str) -> re.Pattern:
    """A name, tolerant of case endings in Russian/Azerbaijani text (last letter of each long word free), of a
    patronymic between first name and surname ('Sardar Mahammadali oglu Alibayli' for 'Sardar Alibayli') and of
    a couple named together ('Leyla and Arif Yunus' for 'Leyla Yunus')."""
    parts = []
    for w in name.split():
        stem = w[:-1] if len(w) > 3 and w[-1].isalpha() else w
        parts.append(re.escape(stem) + r"\w*")
    if len(parts) == 2:
        couple = r"(?:and[\s\u00a0]+\w+[\s\u00a0]+)?"
        return re.compile(r"(?<!\w)" + parts[0] + r"[\s\u00a0]+" + couple + PATRONYMIC + parts[1], re.I)
    return re.compile(r"(?<!\w)" + r"[\s\u00a0]+".join(parts), re.I)


EN_MONTHS = [calendar.month_name[i] for i in range(1, 13)]
FR_MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
RU_MONTHS = "январ феврал март апрел ма[йя] июн июл август сентябр октябр ноябр декабр".split()  # stems
AZ_MONTHS = "yanvar fevral mart aprel may iyun iyul avqust sentyabr oktyabr noyabr dekabr".split()


def date_in_text(day: dt.date, precision: str, text: str, lang: str) -> bool:
    i = day.month - 1
    if precision == "year":
        return str(day.year) in text
    month = {"en": re.escape(EN_MONTHS[i]), "fr": FR_MONTHS[i], "ru": RU_MONTHS[i], "az": AZ_MONTHS[i]}[lang]
    if precision == "month":
        return re.search(month, text, re.I) is not None
    d = str(day.day)
    pats = [rf"(?<!\d){d}(?:st|nd|rd|th)?\s+{month}", rf"{month}\w*\s+{d}(?!\d)"]
    return any(re.search(p, text, re.I) for p in pats)


# ---------------------------------------------------------------- structure
@pytest.mark.parametrize("name", ALL_TABLES)
def test_columns_are_the_contract(name):
    assert tuple(table(name).columns) == BY_NAME[name].column_names


def test_incident_ids_unique_and_prefixed():
    seen = set()
    for name, (prefix, _) in INCIDENT_TABLES.items():
        ids = table(name)["incident_id"]
        bad = [i for i in ids if not re.fullmatch(rf"{prefix}-\d{{4}}", i)]
        assert not bad, f"{name}: ids not of the form {prefix}-####: {bad}"
        dup = seen & set(ids) | set(ids[ids.duplicated()])
        assert not dup, f"duplicate incident ids: {sorted(dup)}"
        seen |= set(ids)


def test_reference_keys_unique():
    for name, key in (
        ("sources", "source_id"),
        ("people", "person_id"),
        ("published_figures", "figure_id"),
        ("events", "event_id"),
        ("coverage", "coverage_id"),
        ("custody_reports", "report_id"),
    ):
        col = table(name)[key]
        assert col.ne("").all() and not col.duplicated().any(), f"{name}.{key} empty or duplicated"


def test_sources_are_the_documents():
    src = table("sources").set_index("source_id")
    assert set(src.index) == ALL_SOURCE_IDS, "sources.csv must list exactly the documents mapped to their files here"
    for sid, row in src.iterrows():
        assert row["language"] == SOURCE_LANG[sid], f"{sid}: language {row['language']}"
        if row["coverage_start"] or row["coverage_end"]:
            assert parse_date(row["coverage_start"])[0] <= parse_date(row["coverage_end"])[1], sid
        assert not row["url"] or row["url"].startswith(("http://", "https://")), sid


# ---------------------------------------------------------------- references resolve
def test_every_source_id_resolves():
    known = set(table("sources")["source_id"])
    inc = incidents()
    for _, row in inc.iterrows():
        ids = split_list(row["source_ids"])
        assert ids, f"{row['incident_id']}: no source"
        assert set(ids) <= known, f"{row['incident_id']}: unknown source ids {set(ids) - known}"
        assert len(ids) == len(set(ids)), f"{row['incident_id']}: a source is cited twice"
    for _, row in table("events").iterrows():
        assert split_list(row["source_ids"]) and set(split_list(row["source_ids"])) <= known, row["event_id"]
    assert set(table("published_figures")["source_id"]) <= known
    assert set(table("custody_reports")["source_id"]) <= known
    assert set(table("coverage")["source_id"]) <= known


def test_one_locator_per_source_id():
    rows = [(r["incident_id"], r["source_ids"], r["source_locators"]) for _, r in incidents().iterrows()]
    rows += [(r["event_id"], r["source_ids"], r["source_locators"]) for _, r in table("events").iterrows()]
    for rid, ids, locs in rows:
        assert len(split_list(ids)) == len(split_list(locs)), (
            f"{rid}: {len(split_list(ids))} sources, {len(split_list(locs))} locators"
        )
    assert table("published_figures")["source_locator"].ne("").all()


def test_locators_have_one_style():
    """A heading path, parts joined by ' — '; several places in one document joined by '; '; no part empty, no
    trailing '.' or '—', 'Section 1.e' never 'Section 1.e.'; one locator per source id, '|'-separated."""
    cells = [(r["incident_id"], loc) for _, r in incidents().iterrows() for loc in split_list(r["source_locators"])]
    cells += [(r["event_id"], loc) for _, r in table("events").iterrows() for loc in split_list(r["source_locators"])]
    cells += [(r["figure_id"], r["source_locator"]) for _, r in table("published_figures").iterrows()]
    cells += [(r["report_id"], r["source_locator"]) for _, r in table("custody_reports").iterrows()]
    bad = []
    for rid, loc in cells:
        for place in loc.split("; "):
            parts = place.split(" — ")
            if (
                not LOCATOR_PLACE.fullmatch(place)
                or any(p != p.strip() or not p for p in parts)
                or NUMBERED_SECTION_DOT.search(place)
                or re.search(r"(?:^|;\s*)and\b", place)
            ):
                bad.append(f"{rid}: {loc!r}")
                break
    assert not bad, f"locators not in the one style: {bad}"


def test_every_person_id_resolves_and_victim_is_canonical():
    people = table("people").set_index("person_id")
    inc = incidents()
    named = inc[inc["person_id"] != ""]
    missing = set(named["person_id"]) - set(people.index)
    assert not missing, f"person ids not in people.csv: {missing}"
    wrong = named[named["victim"] != named["person_id"].map(people["name"])]
    assert wrong.empty, f"victim differs from the canonical name: {wrong[['incident_id', 'victim']].values.tolist()}"
    custody = table("custody_reports")
    assert set(custody["person_id"]) <= set(people.index), "custody reports name unknown people"
    unused = set(people.index) - set(named["person_id"]) - set(custody["person_id"])
    assert not unused, f"people with neither an incident nor a custody report: {unused}"


def test_related_ids_and_appeals_resolve_both_ways():
    inc = incidents().set_index("incident_id")
    for iid, row in inc.iterrows():
        for other in split_list(row["related_ids"]):
            assert other in inc.index, f"{iid}: related id {other} does not exist"
            assert other != iid, f"{iid} relates to itself"
            assert iid in split_list(inc.at[other, "related_ids"]), f"{iid} -> {other} is not mirrored"
    courts = table("court_outcomes").set_index("incident_id")
    for iid, row in courts[courts["appeal_of"] != ""].iterrows():
        prior = row["appeal_of"]
        assert prior in courts.index, f"{iid}: appeal_of {prior} is not a court outcome"
        assert courts.at[prior, "person_id"] == row["person_id"], f"{iid}: appeal of another person's case"
        assert parse_date(courts.at[prior, "date"])[0] <= parse_date(row["date"])[0], (
            f"{iid}: appeal before its decision"
        )


# ---------------------------------------------------------------- counting rules
def test_no_duplicate_person_kind_date():
    inc = incidents()  # blockings: one row per domain/platform, so the domain is part of the key
    named = inc[inc["person_id"] != ""]
    dup = named[named.duplicated(["person_id", "_table", "date", "_sub", "domain"], keep=False)]
    unmarked = dup[~dup["notes"].str.contains(DISTINCT_MARK, regex=False)]
    assert unmarked.empty, f"same person, kind, date and subcategory twice: {unmarked['incident_id'].tolist()}"


def test_group_rows_have_group_size():
    inc = incidents()
    groups = inc[inc["person_id"] == ""]
    bad = groups[~groups["group_size"].str.fullmatch(r"[1-9]\d*")]
    assert bad.empty, f"unnamed rows without a group size: {bad['incident_id'].tolist()}"
    named = inc[inc["person_id"] != ""]
    assert named["group_size"].eq("").all(), "a named person's row carries a group size"


def test_vocabulary_cells_are_valid_codes():
    for name in ALL_TABLES:
        df = table(name)
        for col, voc in VOCAB_COLUMNS.items():
            if col not in df.columns:
                continue
            bad = sorted(set(df[col]) - set(voc.codes) - ({""} if voc.unknown or col == "role" else set()))
            assert not bad, f"{name}.{col}: not codes of {voc.name}: {bad}"
    figs = table("published_figures")
    assert set(figs["category"]) - {""} <= set(vocab.CATEGORY.codes)
    for _, row in figs[figs["subcategory"] != ""].iterrows():
        _, sub_vocab = vocab.CATEGORY_SUBCATEGORY[row["category"]]
        assert row["subcategory"] in sub_vocab.codes, f"{row['figure_id']}: subcategory {row['subcategory']}"
    assert set(table("coverage")["category"]) <= set(vocab.CATEGORY.codes)


def test_offences_and_articles():
    """Offence cells are lists of codes; 'not_criminal' only for what is not a charge; articles are 'CC 206.3.2' or
    'CAO 535.1', and a row with articles names its charge in the source's words."""
    problems = []
    for name in ("detentions", "court_outcomes"):
        for _, r in table(name).iterrows():
            codes = split_list(r["offence"])
            if set(codes) - set(vocab.OFFENCE.codes):
                problems.append(
                    f"{r['incident_id']}: unknown offence codes {sorted(set(codes) - set(vocab.OFFENCE.codes))}"
                )
            if codes and not r["charge"]:
                problems.append(f"{r['incident_id']}: offence codes without the charge in the source's words")
            arts = split_list(r["articles"])
            if any(not ARTICLE.fullmatch(a) for a in arts):
                problems.append(f"{r['incident_id']}: articles {arts}")
            if arts and not codes:
                problems.append(f"{r['incident_id']}: articles without offence codes")
    # every row whose charge is a lawsuit, a claim or a block request is coded not_criminal
    lawsuits = [
        (r["incident_id"], r["offence"])
        for _, r in table("court_outcomes").iterrows()
        if re.search(r"lawsuit|civil claim|request of the Ministry|tax debt", r["charge"], re.I)
        and "not_criminal" not in split_list(r["offence"])
    ]
    assert not lawsuits, f"lawsuits, claims or block requests not coded not_criminal: {lawsuits}"
    assert not problems, problems


def test_court_numbers_are_consistent():
    c = table("court_outcomes")
    fined = c["fine_amount"] != ""
    assert (fined == (c["fine_currency"] != "")).all(), "fine amount and currency go together"
    assert c.loc[fined, "fine_currency"].str.fullmatch(r"[A-Z]{3}").all()
    custodial = c[c["outcome"].isin(["prison_sentence", "restriction_of_liberty"])]
    assert custodial["sentence_months"].str.fullmatch(r"\d+").all(), "sentences need sentence_months"
    nums = c["sentence_months"][c["sentence_months"] != ""].astype(float)
    assert (nums > 0).all() and (nums <= 25 * 12).all()


# ---------------------------------------------------------------- dates
def test_dates_within_documents_range_and_publication():
    src = table("sources").set_index("source_id")
    pub_end = {s: parse_date(p)[1] for s, p in src["published_on"].items() if p}
    inc = incidents()
    for _, row in inc.iterrows():
        iid = row["incident_id"]
        start, end, precision = parse_date(row["date"])
        death = row.get("assault_type") == "killing" or DEATH_MARK in row["notes"].lower()
        floor = EARLIEST_DEATH if death else EARLIEST
        assert floor <= start and end <= LATEST, f"{iid}: date {row['date']} outside {floor}..{LATEST}"
        for col in DATE_COLUMNS[1:]:
            if col in row and row[col]:
                s, e, _ = parse_date(row[col])
                assert floor <= s and e <= LATEST, f"{iid}: {col} {row[col]} out of range"
        for sid in split_list(row["source_ids"]):
            if sid in pub_end:
                assert start <= pub_end[sid], f"{iid}: dated after its source {sid} was published"
        if row.get("released_on"):
            assert parse_date(row["released_on"])[1] >= start, f"{iid}: released before detained"
    b = table("blockings")
    for _, row in b[(b["blocked_from"] != "") & (b["blocked_until"] != "")].iterrows():
        assert parse_date(row["blocked_until"])[1] >= parse_date(row["blocked_from"])[0], row["incident_id"]
    for _, row in table("events").iterrows():
        if row["end"]:
            assert parse_date(row["start"])[0] <= parse_date(row["end"])[1], row["event_id"]
    for _, row in table("custody_reports").iterrows():
        s, e, _ = parse_date(row["as_of"])
        assert EARLIEST_DEATH <= s and e <= LATEST, f"{row['report_id']}: as_of {row['as_of']} out of range"
        if row["source_id"] in pub_end:
            assert s <= pub_end[row["source_id"]], f"{row['report_id']}: as_of after its source was published"


def test_dates_are_stated_in_a_cited_source(texts):
    """Every date (and released/blocked date) appears in one of the row's sources, in that source's language.

    A date computed from a relative expression ("three years ago", "the next day") is exempt when the notes say
    so ("year computed", "day computed"). A custody report's as_of is in its source's text, or is the source's
    own date (a post that says someone is held 'currently'), or the end of the year the report speaks of ("at
    year's end").
    """
    checks = []
    for _, row in incidents().iterrows():
        for col in ("date", "released_on", "blocked_from", "blocked_until"):
            if col == "date" and COMPUTED.search(row["notes"]):
                continue
            if row[col]:
                checks.append((row["incident_id"], col, row[col], split_list(row["source_ids"])))
    for _, row in table("events").iterrows():
        checks.append((row["event_id"], "start", row["start"], split_list(row["source_ids"])))
    published = dict(zip(table("sources")["source_id"], table("sources")["published_on"], strict=True))
    for _, row in table("custody_reports").iterrows():
        own_date = row["as_of"] == published[row["source_id"]]
        year_end = row["as_of"].endswith("-12-31") and "year's end" in row["notes"]
        if not (own_date or year_end or COMPUTED.search(row["notes"])):
            checks.append((row["report_id"], "as_of", row["as_of"], [row["source_id"]]))
    missing = []
    for rid, col, cell, sids in checks:
        day, _, precision = parse_date(cell)
        if not any(date_in_text(day, precision, texts[s], SOURCE_LANG[s]) for s in sids):
            missing.append(f"{rid}.{col}={cell}")
    assert not missing, f"dates not found in any cited source: {missing}"


def test_imprecise_dates_are_explained():
    """A row dated only to a month or a year says why in its notes (what the text gives, or how it was computed)."""
    bad = []
    for _, row in incidents().iterrows():
        _, _, precision = parse_date(row["date"])
        if precision != "day" and not re.search(r"\b(year|years|month|date|dates|dated|day)\b", row["notes"], re.I):
            bad.append(row["incident_id"])
    assert not bad, f"month/year-only dates without a note explaining the precision: {bad}"


def test_computed_years_have_year_precision():
    inc = incidents()
    computed = inc[inc["notes"].str.contains("year computed", case=False)]  # 'day computed' keeps its day
    bad = [r["incident_id"] for _, r in computed.iterrows() if parse_date(r["date"])[2] != "year"]
    assert not bad, f"a year computed from a relative expression must have year precision: {bad}"


def test_block_status_dates_are_consistent():
    """status_as_of is not before the block started or ended, nor after every cited source was published."""
    src = table("sources").set_index("source_id")
    pub_end = {s: parse_date(p)[1] for s, p in src["published_on"].items() if p}
    problems = []
    for _, row in table("blockings").iterrows():
        if not row["status_as_of"]:
            continue
        status = parse_date(row["status_as_of"])[1]
        start = parse_date(row["blocked_from"] or row["date"])[0]
        if status < start:
            problems.append(f"{row['incident_id']}: status_as_of before the start")
        if row["blocked_until"] and status < parse_date(row["blocked_until"])[0]:
            problems.append(f"{row['incident_id']}: status_as_of before blocked_until")
        pubs = [pub_end[s] for s in split_list(row["source_ids"]) if s in pub_end]
        if pubs and status > max(pubs):
            problems.append(f"{row['incident_id']}: status_as_of after its sources were published")
    assert not problems, problems


CYRILLIC = re.compile(r"[\u0400-\u04ff]")
AZ_LETTERS = "əğıöüçşƏĞİÖÜÇŞ"


def test_event_labels_are_in_their_language():
    """label_ru is Russian (Cyrillic); label_az is Azerbaijani Latin script; label_en has neither."""
    bad = []
    for _, row in table("events").iterrows():
        eid = row["event_id"]
        if not CYRILLIC.search(row["label_ru"]):
            bad.append(f"{eid}: label_ru has no Cyrillic")
        az = row["label_az"]
        stray = {ch for ch in az if ch.isalpha() and not (ch.isascii() or ch in AZ_LETTERS)}
        if CYRILLIC.search(az) or stray:
            bad.append(f"{eid}: label_az is not Azerbaijani Latin script ({sorted(stray)})")
        if CYRILLIC.search(row["label_en"]) or any(ch in AZ_LETTERS for ch in row["label_en"]):
            bad.append(f"{eid}: label_en is not English")
    assert not bad, bad


# ---------------------------------------------------------------- against the texts
def test_named_victims_appear_in_their_sources(texts):
    people = table("people").set_index("person_id")
    problems = []
    for _, row in incidents().iterrows():
        if not row["person_id"]:
            continue
        p = people.loc[row["person_id"]]
        names = [p["name"], *split_list(p["aliases"])]
        cited = " ".join(texts[s] for s in split_list(row["source_ids"]))
        if not any(name_pattern(n).search(cited) for n in names):
            problems.append(f"{row['incident_id']} {p['name']}")
    assert not problems, f"victim named in none of the row's sources: {problems}"


def test_people_names_and_aliases_are_found_in_documents(texts):
    corpus = "\n".join(texts.values())
    missing = []
    for _, p in table("people").iterrows():
        for n in [p["name"], *split_list(p["aliases"])]:
            if not name_pattern(n).search(corpus):
                missing.append(n)
    assert not missing, f"names/aliases not found in any document: {missing}"


def test_custody_reports_name_the_person_in_their_source(texts):
    people = table("people").set_index("person_id")
    problems = []
    for _, r in table("custody_reports").iterrows():
        p = people.loc[r["person_id"]]
        if not any(name_pattern(n).search(texts[r["source_id"]]) for n in [p["name"], *split_list(p["aliases"])]):
            problems.append(f"{r['report_id']} {p['name']}")
    assert not problems, f"person named in none of the report's source: {problems}"


# ---------------------------------------------------------------- coverage
def test_coverage_rows_are_consistent():
    cov = table("coverage")
    problems = []
    for _, c in cov.iterrows():
        if parse_date(c["period_start"])[0] > parse_date(c["period_end"])[1]:
            problems.append(f"{c['coverage_id']}: period reversed")
    # only the two annual reviews of 2020 review a period comprehensively
    reviews = set(cov.loc[cov["coverage_type"] == "comprehensive_review", "source_id"])
    if reviews - {"usdos-2020", "media-2020-en", "media-2020-ru"}:
        problems.append(f"comprehensive reviews from {sorted(reviews)}")
    lists = set(cov.loc[cov["coverage_type"] == "prisoner_list", "source_id"])
    if lists - {"pp-list-2014-08", "cpj-imprisoned-census"}:
        problems.append(f"prisoner lists from {sorted(lists)}")
    assert not problems, problems


def test_every_cited_row_lies_in_its_sources_coverage():
    """Each source's rows of a kind (and its custody reports, as detention) fall inside a coverage row of that
    source and kind: nothing is counted from a period a source is not declared to cover."""
    cov = table("coverage")
    spans: dict[tuple[str, str], list[tuple[dt.date, dt.date]]] = {}
    for _, c in cov.iterrows():
        spans.setdefault((c["source_id"], c["category"]), []).append(
            (parse_date(c["period_start"])[0], parse_date(c["period_end"])[1])
        )
    cells = []
    for name, cat in CATEGORY_OF.items():
        for _, r in table(name).iterrows():
            cells += [(r["incident_id"], s, cat, r["date"]) for s in split_list(r["source_ids"])]
    cells += [(r["report_id"], r["source_id"], "detention", r["as_of"]) for _, r in table("custody_reports").iterrows()]
    outside = []
    for rid, sid, cat, cell in cells:
        start, end, _ = parse_date(cell)
        if not any(a <= start and end <= b for a, b in spans.get((sid, cat), [])):
            outside.append(f"{rid} ({sid}, {cat}, {cell})")
    assert not outside, f"rows outside their source's declared coverage: {outside}"


NUMBER_WORDS = dict(
    enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen".split(), 1
    )
)


def number_forms(value: float) -> list[str]:
    n = int(value)
    assert n == value, f"non-integer figure {value}"
    forms = [re.escape(str(n)), re.escape(f"{n:,}")]
    if n in NUMBER_WORDS:
        forms.append(NUMBER_WORDS[n])
    return [rf"(?<![\w])(?<!\d[,.]){f}(?![\w])(?![,.]\d)" for f in forms]


QUALIFIER_PATTERNS = {
    "exactly": "{n}",
    "at_least": r"(?:at least {n}|{n} or more)",
    "more_than": r"more than {n}",
    "about": r"(?:approximately|around|about) {n}",
    "up_to": r"up to {n}",
    "range_min": r"{n}\s*(?:-|–|to)\s*\d",
    "range_max": r"\d\s*(?:-|–|to)\s*{n}",
}


def test_every_published_figure_says_whether_it_has_an_itemised_counterpart():
    """Reviewed one by one (docs/methodology.md, "Published figures"): an itemised figure names a kind and a
    unit counted here; a figure with none says why in its notes; the study's defamation prosecutions are
    matched on journalists and bloggers charged with defamation or insult, never on every court outcome."""
    figs = table("published_figures").set_index("figure_id")
    assert set(figs["counterpart"]) <= {"itemised", "none"}
    itemised = figs[figs["counterpart"] == "itemised"]
    assert sorted(itemised.index) == ["FIG-0003", "FIG-0005", "FIG-0008", "FIG-0037"]
    assert (itemised["category"] != "").all() and itemised["unit"].isin(["incidents", "people", "websites"]).all()
    for fid, r in figs[figs["counterpart"] != "itemised"].iterrows():
        assert "No itemised counterpart: " in r["notes"], f"{fid}: say why there is no itemised counterpart"
        assert r["victim_roles"] == "" and r["offences"] == "", fid
    assert figs.loc["FIG-0008", ["category", "victim_roles", "offences"]].tolist() == [
        "court_outcome",
        "journalist|blogger",
        "defamation_or_insult",
    ]
    assert figs.loc["FIG-0003", "victim_roles"] == "journalist"


def test_published_figures_are_stated_in_their_source(texts):
    problems = []
    for _, f in table("published_figures").iterrows():
        text = re.sub(r"\s+", " ", texts[f["source_id"]])
        pattern = QUALIFIER_PATTERNS[f["qualifier"]]
        alternatives = "|".join(pattern.format(n=form) for form in number_forms(float(f["value"])))
        if not re.search(alternatives, text, re.I):
            problems.append(f"{f['figure_id']} {f['qualifier']} {f['value']}")
        s, e = parse_date(f["period_start"])[0], parse_date(f["period_end"])[1]
        assert s <= e, f"{f['figure_id']}: period reversed"
    assert not problems, f"figures not stated as recorded in their source: {problems}"


def test_summaries_are_not_copied(texts):
    """No run of 12 words of a summary (or figure description) appears verbatim in any source."""
    size = 12
    shingles = set()
    for t in texts.values():
        w = words(t)
        shingles |= {tuple(w[i : i + size]) for i in range(len(w) - size + 1)}
    own = [(r["incident_id"], r["summary"]) for _, r in incidents().iterrows()]
    own += [(r["figure_id"], r["description"]) for _, r in table("published_figures").iterrows()]
    copied = []
    for rid, text in own:
        assert text.strip(), f"{rid}: empty summary"
        w = words(text)
        if any(tuple(w[i : i + size]) in shingles for i in range(len(w) - size + 1)):
            copied.append(rid)
    assert not copied, f"summaries copying a source sentence: {copied}"


# ---------------------------------------------------------------- methodology stays in step with the data
def ids_in(text: str) -> set[str]:
    """Ids written as ASL-0007, ASL-0007…0012 (range) or FIG-0018/0019 (pair)."""
    found = set()
    for prefix, first, tail in re.findall(r"\b(ASL|DET|BLK|CRT|FIG)-(\d{4})((?:[…/]\d{4})*)", text):
        found.add(f"{prefix}-{first}")
        prev = int(first)
        for sep, num in re.findall(r"([…/])(\d{4})", tail):
            nums = range(prev + 1, int(num) + 1) if sep == "…" else [int(num)]
            found |= {f"{prefix}-{n:04d}" for n in nums}
            prev = int(num)
    return found


def test_methodology_ids_exist_and_coverage_lists_every_incident():
    doc = (REPO / "docs" / "methodology.md").read_text(encoding="utf-8")
    known = set(incidents()["incident_id"]) | set(table("published_figures")["figure_id"])
    # draft ids merged or dropped in the 2014-2025 merge are named on one 'Retired ids:' line, never reused
    retired_line = re.search(r"^Retired ids: (.+)$", doc, re.M)
    retired = ids_in(retired_line.group(1)) if retired_line else set()
    assert not retired & known, f"retired ids reused in the data: {sorted(retired & known)}"
    unknown = ids_in(doc) - known - retired
    assert not unknown, f"methodology.md mentions ids that are not in the data: {sorted(unknown)}"
    coverage = doc.split("## Coverage by source", 1)[1].split("\n## ", 1)[0]
    missing = set(incidents()["incident_id"]) - ids_in(coverage)
    assert not missing, f"incidents missing from the coverage list in methodology.md: {sorted(missing)}"
    unlisted = [s for s in table("sources")["source_id"] if f"`{s}`" not in coverage]
    assert not unlisted, f"sources missing from the coverage list in methodology.md: {unlisted}"
