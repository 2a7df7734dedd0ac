"""Data tests for the shipped dataset in data/raw, checked against the source documents.

These read the CSVs directly with pandas (not through the ETL) and the source texts from
``../shared/sources`` (the folder beside the repository). See docs/methodology.md for the rules.
"""

from __future__ import annotations

import calendar
import datetime as dt
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

# source_id -> file under shared/sources
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
}
# language of each document's text (matches sources.csv; used to look for dates in that language)
SOURCE_LANG = {
    "usdos-2020": "en",
    "media-2020-en": "en",
    "media-2020-ru": "ru",
    "irfs-feed": "en",
    "turan-2021-mirzali": "en",
    "helpmehman-en": "en",
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
ALL_TABLES = (*INCIDENT_TABLES, "sources", "people", "published_figures", "events")
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
}
DATE_COLUMNS = ("date", "released_on", "blocked_from", "blocked_until", "status_as_of")
EARLIEST, LATEST = dt.date(2012, 1, 1), dt.date(2021, 12, 31)
EARLIEST_KILLING = dt.date(2005, 1, 1)  # killings named with their year (Elmar Huseynov, 2005)
DISTINCT_MARK = "(distinct event)"
FOOTER = re.compile(
    r"^(Country Reports on Human Rights Practices for 2020.*|United States Department of State.*|AZERBAIJAN \d+ ?)",
    re.M,
)


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


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    if not SOURCES_DIR.is_dir():
        pytest.fail(
            f"source documents not found at {SOURCES_DIR}: the data tests need the shared/ folder beside the "
            "repository (../shared/sources)."
        )
    out = {}
    for sid, fname in SOURCE_FILES.items():
        path = SOURCES_DIR / fname
        if not path.is_file():
            pytest.fail(f"source document {path} for {sid} is missing")
        out[sid] = FOOTER.sub(" ", path.read_text(encoding="utf-8"))
    return out


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("’", "'"))


def name_pattern(name: str) -> re.Pattern:
    """A name, tolerant of case endings in Russian/Azerbaijani text (last letter of each long word free)."""
    parts = []
    for w in name.split():
        stem = w[:-1] if len(w) > 3 and w[-1].isalpha() else w
        parts.append(re.escape(stem) + r"\w*")
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
    ):
        col = table(name)[key]
        assert col.ne("").all() and not col.duplicated().any(), f"{name}.{key} empty or duplicated"


def test_sources_are_the_documents():
    src = table("sources").set_index("source_id")
    assert set(src.index) == set(SOURCE_FILES), "sources.csv must list exactly the documents in shared/sources"
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


def test_one_locator_per_source_id():
    rows = [(r["incident_id"], r["source_ids"], r["source_locators"]) for _, r in incidents().iterrows()]
    rows += [(r["event_id"], r["source_ids"], r["source_locators"]) for _, r in table("events").iterrows()]
    for rid, ids, locs in rows:
        assert len(split_list(ids)) == len(split_list(locs)), (
            f"{rid}: {len(split_list(ids))} sources, {len(split_list(locs))} locators"
        )
    assert table("published_figures")["source_locator"].ne("").all()


def test_every_person_id_resolves_and_victim_is_canonical():
    people = table("people").set_index("person_id")
    inc = incidents()
    named = inc[inc["person_id"] != ""]
    missing = set(named["person_id"]) - set(people.index)
    assert not missing, f"person ids not in people.csv: {missing}"
    wrong = named[named["victim"] != named["person_id"].map(people["name"])]
    assert wrong.empty, f"victim differs from the canonical name: {wrong[['incident_id', 'victim']].values.tolist()}"
    unused = set(people.index) - set(named["person_id"])
    assert not unused, f"people without any incident: {unused}"


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
        floor = EARLIEST_KILLING if row.get("assault_type") == "killing" and precision == "year" else EARLIEST
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


def test_dates_are_stated_in_a_cited_source(texts):
    """Every date (and released/blocked date) appears in one of the row's sources, in that source's language.

    A year computed from a relative expression ("three years ago") is exempt when the notes say "year computed".
    """
    checks = []
    for _, row in incidents().iterrows():
        for col in ("date", "released_on", "blocked_from", "blocked_until"):
            if col == "date" and "year computed" in row["notes"]:
                continue
            if row[col]:
                checks.append((row["incident_id"], col, row[col], split_list(row["source_ids"])))
    for _, row in table("events").iterrows():
        checks.append((row["event_id"], "start", row["start"], split_list(row["source_ids"])))
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
    computed = inc[inc["notes"].str.contains("year computed", case=False)]
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
    unknown = ids_in(doc) - known
    assert not unknown, f"methodology.md mentions ids that are not in the data: {sorted(unknown)}"
    coverage = doc.split("## Coverage by document section", 1)[1].split("\n## ", 1)[0]
    missing = set(incidents()["incident_id"]) - ids_in(coverage)
    assert not missing, f"incidents missing from the coverage list in methodology.md: {sorted(missing)}"
