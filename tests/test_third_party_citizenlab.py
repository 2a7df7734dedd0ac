"""Citizen Lab test list import and its join to the blockings table by normalised domain."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from pressfreedom import third_party
from tests import fixtures
from tests.test_third_party_rsf import external_dir, rejects, run_etl


def blocking(incident_id: str, domain: str) -> dict:
    row = dict(fixtures.BLOCKINGS[0])
    row.update(incident_id=incident_id, domain=domain, victim=domain, person_id="")
    return row


# Blocked domains written as monitors do: with scheme, www., trailing slash, capitals.
BLOCKINGS = [
    blocking("BLK-1", "https://www.meydan.tv/"),
    blocking("BLK-3", "AZADLIQ.ORG"),
    blocking("BLK-4", "http://www.turan.az"),
    blocking("BLK-5", "not-on-the-list.az"),
    dict(fixtures.BLOCKINGS[1]),  # "Facebook": a platform name, matches nothing
]


@pytest.fixture(scope="module")
def real_build(tmp_path_factory) -> Path:
    shared = external_dir("citizenlab-test-lists")
    root = tmp_path_factory.mktemp("citizenlab")
    raw = fixtures.write_raw(root / "raw", blockings=BLOCKINGS)
    shutil.copytree(shared, raw / "citizenlab")
    (raw / "citizenlab" / "notes.txt").write_text("where I got these\n", encoding="utf-8")
    out = root / "processed"
    run_etl(raw, out)
    return out


def test_every_url_of_the_list_is_compiled_with_its_domain_and_licence(real_build):
    shared = external_dir("citizenlab-test-lists")
    with open(shared / "az.csv", encoding="utf-8", newline="") as fh:
        listed = list(csv.DictReader(fh))
    df = third_party.citizenlab_domains(real_build)
    manifest = json.loads((real_build / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["inputs"]["citizenlab/az.csv"]
    assert entry["rows"] == entry["compiled"] == len(listed) == manifest["outputs"]["citizenlab_urls.parquet"]
    assert entry["sha256"] == hashlib.sha256((shared / "az.csv").read_bytes()).hexdigest()
    assert entry["licence"] == "CC BY-NC-SA 4.0"
    assert any("citizenlab_urls.parquet" in w and "CC BY-NC-SA 4.0" in w for w in manifest["warnings"])
    assert set(df["licence"]) == {"CC BY-NC-SA 4.0"}
    # independent expectation: host without www., lower-case
    expected = {r["url"].split("://", 1)[1].split("/", 1)[0].lower().removeprefix("www.") for r in listed}
    assert set(df["domain"]) == expected
    news = df[(df["domain"] == "meydan.tv") & (df["category_code"] == "NEWS")]
    assert news["category_description"].tolist() == ["News Media"]  # from the legend
    assert int(news["urls"].iloc[0]) == 2  # https://www.meydan.tv/ and https://www.meydan.tv/az/
    # every legend is an input too; an unknown file is skipped with a reason and a rejects row
    for legend in ("00-LEGEND-category_codes.csv", "00-LEGEND-new_category_codes.csv", "00-LEGEND-country_codes.csv"):
        assert manifest["inputs"][f"citizenlab/{legend}"]["compiled"] > 0
    assert [s["file"] for s in manifest["skipped_inputs"]] == ["citizenlab/notes.txt"]
    assert [r["record"] for r in rejects(real_build) if r["file"] == "citizenlab/notes.txt"] == ["0"]


def test_blockings_join_by_normalised_domain(real_build):
    joined = third_party.blockings_with_citizenlab(real_build).set_index("incident_id")
    assert joined.loc["BLK-1", "domain_key"] == "meydan.tv"
    assert joined.loc["BLK-1", "in_test_list"]
    assert joined.loc["BLK-1", "category_codes"] == "NEWS"
    assert joined.loc["BLK-3", "in_test_list"] and joined.loc["BLK-3", "category_codes"] == "NEWS"
    assert joined.loc["BLK-4", "domain_key"] == "turan.az" and joined.loc["BLK-4", "in_test_list"]
    assert not joined.loc["BLK-5", "in_test_list"]
    assert not joined.loc["BLK-2", "in_test_list"]  # Facebook
    assert joined.loc["BLK-1", "licence"] == "CC BY-NC-SA 4.0"


def test_coverage_of_tested_news_sites(real_build):
    cov = third_party.citizenlab_coverage(real_build).set_index("domain")
    assert set(cov["category_codes"]) == {"NEWS"}
    blocked = set(cov.index[cov["documented_blocked"]])
    assert blocked == {"meydan.tv", "azadliq.org", "turan.az"}
    assert cov.loc["meydan.tv", "incident_ids"] == "BLK-1"
    assert not cov.loc["abzas.net", "documented_blocked"]
    every = third_party.citizenlab_coverage(real_build, category_codes=None)
    assert len(every) > len(cov) and "az.wikipedia.org" in set(every["domain"])


def synthetic_list() -> str:
    return (
        "url,category_code,category_description,date_added,source,notes\n"
        "https://www.fixture-news.az/,NEWS,News Media,2019-01-05,fixture,\n"
        "http://Fixture-News.az/politics/,NEWS,News Media,2018-06-01,fixture,second URL of the same site\n"
        "fixture-other.az,NEWS,News Media,2019-01-05,fixture,no scheme: not a URL\n"
        "https://www.fixture-third.az/,HUMR,Human Rights Issues,05.01.2019,fixture,day-first date\n"
        "https://www.fixture-news.az/,NEWS,News Media,2019-01-05,fixture,duplicate\n"
        "https://fixture-fourth.az/,NEWS\n"
    )


def test_synthetic_list_join_and_bad_rows(tmp_path):
    raw = fixtures.write_raw(tmp_path / "raw")  # BLK-1 is fixture-news.az
    (raw / "citizenlab").mkdir()
    (raw / "citizenlab" / "az.csv").write_text(synthetic_list(), encoding="utf-8")
    out = tmp_path / "processed"
    manifest = run_etl(raw, out)
    entry = manifest["inputs"]["citizenlab/az.csv"]
    assert (entry["rows"], entry["compiled"], manifest["rejected_by_file"]["citizenlab/az.csv"]) == (6, 2, 4)
    bad = {(r["record"], r["line"], r["column"]): r for r in rejects(out) if r["file"] == "citizenlab/az.csv"}
    assert bad[("3", "4", "url")]["value"] == "fixture-other.az"
    assert bad[("4", "5", "date_added")]["reason"] == "not a date YYYY-MM-DD"
    assert "duplicate URL" in bad[("5", "6", "url")]["reason"]
    assert "wrong number of fields" in bad[("6", "7", "")]["reason"]
    joined = third_party.blockings_with_citizenlab(out).set_index("incident_id")
    assert joined.loc["BLK-1", "in_test_list"] and joined.loc["BLK-1", "category_codes"] == "NEWS"
    cov = third_party.citizenlab_coverage(out)
    assert cov[["domain", "urls", "documented_blocked"]].values.tolist() == [["fixture-news.az", 2, True]]
    # without legends the list's own description is kept
    assert third_party.citizenlab_domains(out)["category_description"].tolist() == ["News Media"]


def test_without_citizenlab_files_the_committed_facts_are_used(tmp_path):
    facts = third_party.FACTS_DIR / "citizenlab_az_categories.csv"
    assert facts.is_file(), "the committed facts file is part of the repository"
    with open(facts, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {r["licence"] for r in rows} == {"CC BY-NC-SA 4.0"}
    raw = fixtures.write_raw(tmp_path / "raw", blockings=BLOCKINGS)
    out = tmp_path / "processed"
    manifest = run_etl(raw, out)
    entry = manifest["inputs"]["data/third_party/citizenlab_az_categories.csv"]
    assert entry["rows"] == entry["compiled"] == len(rows)
    assert any("committed facts" in w for w in manifest["warnings"])
    cov = third_party.citizenlab_coverage(out).set_index("domain")
    assert set(cov.index[cov["documented_blocked"]]) == {"meydan.tv", "azadliq.org", "turan.az"}
    assert cov["urls"].max() == 0  # domain-level facts: no URLs committed


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("https://www.meydan.tv/az/", "meydan.tv"),
        ("HTTP://WWW.Turan.AZ", "turan.az"),
        ("www.azadliq.org/", "azadliq.org"),
        ("azadliq.org", "azadliq.org"),
        ("https://user@abzas.net:443/path?q=1#x", "abzas.net"),
        ("//cdn.example.az/x", "cdn.example.az"),
        ("ru.oxu.az", "ru.oxu.az"),  # a subdomain other than www stays
        ("example.az.", "example.az"),
        ("Facebook", "facebook"),
        ("   ", None),
        (None, None),
    ],
)
def test_normalise_domain(value, key):
    assert third_party.normalise_domain(value) == key
