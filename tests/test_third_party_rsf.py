"""RSF World Press Freedom Index import: every shared yearly file, a later-year file in another
layout, files that cannot be used, the committed facts fallback, the read side and the chart.

The shared files are read here independently (csv module, each year's encoding and column names
written out by hand) and compared with what the importer compiled; Azerbaijan's ranks are also
spelled out as read from the raw text, and every index year 2002–2025 (no 2011) must be there.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.cli import main as etl_main
from etl.third_party import refresh, rsf
from pressfreedom import charts_third_party, third_party
from pressfreedom.paths import ROOT, SHARED_DIR
from tests import fixtures


def external_dir(sub: str) -> Path:
    """The shared third-party files; missing → fail under CI, skip (with the reason) otherwise."""
    path = SHARED_DIR / "external" / sub
    if not path.is_dir():
        message = f"the shared third-party files are missing: {path} (expected beside the repository)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def run_etl(raw: Path, out: Path) -> dict:
    assert etl_main(["--raw", str(raw), "--out", str(out), "--quiet"]) == 0
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def rejects(out: Path) -> list[dict]:
    with open(out / "rejects.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# Azerbaijan's rank in each shared file, as read from the raw text (grep AZE …).
AZE_RANKS = {
    2002: 101,
    2003: 113,
    2004: 136,
    2005: 141,
    2006: 135,
    2007: 139,
    2008: 150,
    2009: 146,
    2010: 152,
    2012: 162,
    2013: 156,
    2014: 160,
    2015: 162,
    2016: 163,
    2017: 162,
    2018: 163,
    2019: 166,
    2020: 168,
    2021: 167,
    2022: 154,
    2023: 151,
    2024: 164,
    2025: 167,
}
# Every index year of the shared folder: 2002–2025; there is no 2011 index (2012.csv is 2011–12).
INDEX_YEARS = [y for y in range(2002, 2026) if y != 2011]

# How each shared file is written, as found by looking at its bytes (not at the importer):
# UTF-8 with BOM except 2025 (Windows-1252, no BOM); the rank, score and English-name columns by
# layout (2002–2021: "Rank N"/"Score N"/"EN_country"; 2022 on: "Rank"/"Score"/"Country_EN",
# in 2025 "Score 2025"; 2023 moved Country_EN after Country_FR, 2024 added "Situation").
WINDOWS_1252_YEARS = {2025}


def layout(year: int) -> dict[str, str]:
    if year <= 2021:
        return {"rank": "Rank N", "score": "Score N", "country": "EN_country"}
    return {"rank": "Rank", "score": "Score 2025" if year == 2025 else "Score", "country": "Country_EN"}


# A later year's file as a user might download it: Windows-1252, ';', decimal commas, columns
# renamed, shuffled and extra ones added, no year column (the year is in the file name).
# Synthetic numbers, not RSF's; the year is one the shared folder does not have.
SYNTHETIC_2026 = (
    "Zone;Country_FR;Score 2026;Country_EN;Situation;Rank 2026;ISO;Score N-1;Rank N-1\r\n"
    "Europe;Norvège;92,31;Norway;bonne;1;NOR;91,89;1\r\n"
    "Afrique;Côte d’Ivoire;64,07;Côte d’Ivoire;problématique;64;CIV;63,5;70\r\n"
    "Europe - Asie centrale;Turquie;29,4;Türkiye;très grave;159;TUR;31,6;158\r\n"
    "Afrique;Nulle part;12,5;Nowhere;très grave;n/a;ZZZ;;\r\n"
)
# Another layout: UTF-8 without BOM, comma-separated (decimal comma quoted), year in a column,
# no year in the file name.
SYNTHETIC_LATEST = 'Country_EN,ISO,Rank,Score,Year (N)\nNorway,NOR,1,"91,5",2027\nFinland,FIN,2,"88,0",2027\n'
UNREADABLE = b"ISO;Rank;Score\nAZE;1;\x81\x8d\n"  # 0x81 and 0x8d: neither UTF-8 here nor defined in Windows-1252


def write_rsf_folder(folder: Path, shared: Path) -> None:
    folder.mkdir(parents=True)
    for f in sorted(shared.glob("*.csv")):
        shutil.copy(f, folder / f.name)
    clash = {"2026.csv", "2028.csv", "2029.csv", "latest.csv"} & {f.name for f in folder.iterdir()}
    assert not clash, f"the shared folder now has {sorted(clash)}: give the synthetic files other names"
    (folder / "2026.csv").write_bytes(SYNTHETIC_2026.encode("cp1252"))
    (folder / "latest.csv").write_bytes(SYNTHETIC_LATEST.encode("utf-8"))
    (folder / "2028.csv").write_bytes(UNREADABLE)
    (folder / "2029.csv").write_bytes(b"ISO;Score 2029;Country_EN\nNOR;90,1;Norway\n")  # no rank column
    (folder / "README.md").write_text("notes about the download\n", encoding="utf-8")


@pytest.fixture(scope="module")
def rsf_build(tmp_path_factory) -> Path:
    shared = external_dir("rsf-wpfi")
    root = tmp_path_factory.mktemp("rsf")
    raw = fixtures.write_raw(root / "raw")
    write_rsf_folder(raw / "rsf", shared)
    out = root / "processed"
    run_etl(raw, out)
    return out


def compiled(out: Path) -> dict[tuple[int, str], dict]:
    rows = duckdb.sql("SELECT * FROM read_parquet(?)", params=[str(out / "rsf_index.parquet")]).fetchall()
    cols = [f.name for f in third_party.RSF_SCHEMA]
    return {(r[0], r[2]): dict(zip(cols, r, strict=True)) for r in rows}


def read_shared_file(path: Path) -> tuple[list[str], list[list[str]]]:
    """Independent reading: the encoding each year is known to have, ';', line ends as found
    (2022 has CR CR LF)."""
    data = path.read_bytes()
    if int(path.stem) in WINDOWS_1252_YEARS:
        assert not data.startswith(b"\xef\xbb\xbf"), path.name
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # it really is not UTF-8
        text = data.decode("cp1252")
    else:
        assert data.startswith(b"\xef\xbb\xbf"), path.name
        text = data.decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text.replace("\r", "\n")), delimiter=";") if r]
    return rows[0], rows[1:]


def shared_aze(year: int) -> dict[str, str]:
    """Azerbaijan's row of one shared file by the layout's column names."""
    header, body = read_shared_file(external_dir("rsf-wpfi") / f"{year}.csv")
    row = next(r for r in body if r[header.index("ISO")] == "AZE")
    return {role: row[header.index(name)] for role, name in layout(year).items()}


def test_the_shared_folder_has_every_index_year():
    files = sorted(external_dir("rsf-wpfi").glob("*.csv"))
    assert [int(f.stem) for f in files] == INDEX_YEARS
    assert sorted(AZE_RANKS) == INDEX_YEARS
    # the ranks written out above are the files' own
    assert {y: int(shared_aze(y)["rank"]) for y in INDEX_YEARS} == AZE_RANKS


def test_every_shared_file_compiles_with_the_files_ranks(rsf_build):
    shared = external_dir("rsf-wpfi")
    got = compiled(rsf_build)
    for year in INDEX_YEARS:
        f = shared / f"{year}.csv"
        header, body = read_shared_file(f)
        rank_col = header.index(layout(year)["rank"])
        iso_col = header.index("ISO")
        assert len(body) > 100
        for row in body:
            key = (year, row[iso_col])
            assert key in got, f"{f.name}: {row[iso_col]} missing"
            assert got[key]["rank"] == int(row[rank_col]), f"{f.name}: {row[iso_col]}"
            assert got[key]["countries_ranked"] == len(body)
        aze = next(r for r in body if r[iso_col] == "AZE")
        assert int(aze[rank_col]) == AZE_RANKS[year]
        assert got[(year, "AZE")]["rank"] == AZE_RANKS[year]
        assert sum(1 for k in got if k[0] == year) == len(body)
    assert sorted(y for y, iso in got if iso == "AZE") == INDEX_YEARS  # no year missing, none extra


def test_scores_eras_and_year_labels(rsf_build):
    got = compiled(rsf_build)
    assert got[(2021, "AZE")]["score"] == pytest.approx(41.23)  # "41,23" in the file
    for year in INDEX_YEARS:  # every year's score column, by the layout's name ("Score N", "Score", "Score 2025")
        assert got[(year, "AZE")]["score"] == pytest.approx(float(shared_aze(year)["score"].replace(",", "."))), year
        assert got[(year, "AZE")]["country"] == shared_aze(year)["country"] == "Azerbaijan"
    assert got[(2022, "AZE")]["score"] == pytest.approx(39.4)
    assert got[(2025, "AZE")]["score"] == pytest.approx(25.47)  # "Score 2025" = "25,47"
    assert got[(2012, "AZE")]["year_label"] == "2011-12"
    assert got[(2013, "AZE")]["year_label"] == "2013"
    assert {got[(y, "AZE")]["scale"] for y in range(2002, 2013) if y != 2011} == {"pre2013"}
    assert {got[(y, "AZE")]["scale"] for y in range(2013, 2022)} == {"2013_2021"}
    assert {got[(y, "AZE")]["scale"] for y in range(2022, 2026)} == {"2022_on"}
    assert {got[(y, "NOR")]["score_direction"] for y in range(2022, 2026)} == {"higher_is_better"}
    # 2002–2012 lower is better; these files store 2013–2021 inverted (higher is better)
    assert got[(2005, "FIN")]["score_direction"] == "lower_is_better"
    assert got[(2015, "FIN")]["score_direction"] == "higher_is_better"
    assert got[(2022, "NOR")]["country"] == "Norway"  # the English name, not Country_FR
    assert got[(2023, "CIV")]["country"] == "Côte d'Ivoire"  # 2023 moved Country_EN after Country_FR
    assert got[(2025, "CIV")]["country"] == "Côte d'Ivoire"  # decoded from Windows-1252
    manifest = json.loads((rsf_build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["rsf/2025.csv"]["encoding"] == "windows-1252"
    assert manifest["inputs"]["rsf/2024.csv"]["encoding"] == "utf-8-sig"


def test_manifest_lists_every_file_with_hash_and_nothing_lost(rsf_build):
    shared = external_dir("rsf-wpfi")
    manifest = json.loads((rsf_build / "manifest.json").read_text(encoding="utf-8"))
    total_compiled = 0
    for year in INDEX_YEARS:
        f = shared / f"{year}.csv"
        entry = manifest["inputs"][f"rsf/{f.name}"]
        assert entry["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
        _, body = read_shared_file(f)
        assert entry["rows"] == len(body) == entry["compiled"]
    for name, entry in manifest["inputs"].items():
        if name.startswith("rsf/"):
            rejected = manifest["rejected_by_file"].get(name, 0)
            assert entry["rows"] == entry["compiled"] + rejected, name
            total_compiled += entry["compiled"]
    assert manifest["outputs"]["rsf_index.parquet"] == total_compiled
    assert any("2011-12" in w for w in manifest["warnings"])
    assert any("rsf_index.parquet" in w and "attribute" in w for w in manifest["warnings"])


def test_a_later_years_file_in_another_layout_imports(rsf_build):
    got = compiled(rsf_build)
    assert got[(2026, "NOR")]["rank"] == 1
    assert got[(2026, "NOR")]["score"] == pytest.approx(92.31)
    assert got[(2026, "CIV")]["country"] == "Côte d’Ivoire"  # decoded from Windows-1252
    assert got[(2026, "TUR")]["country"] == "Türkiye"
    assert got[(2026, "TUR")]["scale"] == "2022_on"
    assert got[(2026, "TUR")]["countries_ranked"] == 4  # entries in the file, the rejected one too
    manifest = json.loads((rsf_build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["rsf/2026.csv"]["encoding"] == "windows-1252"
    # year from a column when the name has none; comma separator and quoted decimal comma
    assert got[(2027, "FIN")]["score"] == pytest.approx(88.0)
    assert manifest["inputs"]["rsf/latest.csv"]["compiled"] == 2


def test_a_bad_row_is_rejected_with_file_line_column_value_reason(rsf_build):
    bad = [r for r in rejects(rsf_build) if r["file"] == "rsf/2026.csv"]
    assert bad == [
        {
            "file": "rsf/2026.csv",
            "record": "4",
            "line": "5",
            "column": "Rank 2026",
            "value": "n/a",
            "reason": "rank is not a whole number ≥ 1",
        }
    ]
    assert (2026, "ZZZ") not in compiled(rsf_build)
    manifest = json.loads((rsf_build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["rsf/2026.csv"]["rows"] == 4
    assert manifest["inputs"]["rsf/2026.csv"]["compiled"] == 3


def test_unusable_files_are_skipped_with_a_reason_and_the_build_goes_on(rsf_build):
    manifest = json.loads((rsf_build / "manifest.json").read_text(encoding="utf-8"))
    skipped = {s["file"]: s for s in manifest["skipped_inputs"]}
    assert set(skipped) == {"rsf/2029.csv", "rsf/2028.csv", "rsf/README.md"}
    assert "neither UTF-8 nor Windows-1252" in skipped["rsf/2028.csv"]["reason"]
    assert "no rank column" in skipped["rsf/2029.csv"]["reason"]
    assert "not a CSV file" in skipped["rsf/README.md"]["reason"]
    assert skipped["rsf/2028.csv"]["sha256"] == hashlib.sha256(UNREADABLE).hexdigest()
    rows = {r["file"]: r for r in rejects(rsf_build) if r["record"] == "0"}
    assert rows["rsf/2029.csv"]["column"] == "Rank"
    assert rows["rsf/2029.csv"]["value"] == "ISO | Score 2029 | Country_EN"
    assert rows["rsf/2028.csv"]["reason"].startswith("file skipped: ")
    # the build went on: incidents and the other years are there
    assert manifest["outputs"]["incidents.parquet"] > 0
    assert (2029, "NOR") not in compiled(rsf_build)
    assert (2028, "AZE") not in compiled(rsf_build)


def test_read_side_series_and_chart(rsf_build):
    series = third_party.rsf_series(rsf_build, "aze")
    assert dict(zip(series["year"], series["rank"], strict=True)) == AZE_RANKS
    assert list(series.columns) == third_party.RSF_SERIES_COLUMNS
    fig = charts_third_party.rsf_rank_figure(series, "en", score_era="2013_2021")
    rank_trace, score_trace = fig.data[0], fig.data[1]
    assert "2022: rank 154 of 180 countries" in rank_trace.hovertext
    assert "2025: rank 167 of 180 countries" in rank_trace.hovertext
    assert list(fig.layout.xaxis.tickvals) == INDEX_YEARS  # the x axis reaches 2025
    assert fig.layout.xaxis.ticktext[-1] == "2025"
    assert "2011–12: rank 162 of 179 countries" in rank_trace.hovertext
    assert set(score_trace.x) == set(range(2013, 2022))  # scores of one era only
    new_era = charts_third_party.rsf_rank_figure(series, "en", score_era="2022_on")
    assert list(new_era.data[1].x) == [2022, 2023, 2024, 2025]
    assert list(new_era.data[1].y) == pytest.approx([39.4, 39.93, 27.99, 25.47])
    rank_range = fig.layout.yaxis.range
    assert rank_range[0] > rank_range[1]  # reversed: rank 1 at the top
    lines = [s.x0 for s in fig.layout.shapes if s.name == "method-change"]
    assert 2012.5 in lines and 2021.5 in lines
    texts = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("Source: RSF World Press Freedom Index; n = 23 index years") for t in texts)
    assert "comparable only within one method era" in fig.layout.title.subtitle.text
    ru = charts_third_party.rsf_rank_figure(series, "ru")
    assert "2022: 154-е место из 180 стран" in ru.data[0].hovertext
    assert len(ru.data) == 1  # no score panel unless asked
    az = charts_third_party.rsf_rank_figure(series, "az")
    assert any(a.text.startswith("Mənbə:") for a in az.layout.annotations)


def test_labels_exist_in_every_language():
    keys = set(charts_third_party.LABELS["en"])
    for lang in ("ru", "az"):
        assert set(charts_third_party.LABELS[lang]) == keys, lang


def test_missing_table_gives_empty_frames_and_a_message_figure(tmp_path):
    series = third_party.rsf_series(tmp_path, "AZE")
    assert series.empty and list(series.columns) == third_party.RSF_SERIES_COLUMNS
    assert third_party.rsf_years(tmp_path).empty
    fig = charts_third_party.rsf_rank_figure(series, "en")
    assert any("No RSF index data" in (a.text or "") for a in fig.layout.annotations)


def test_without_rsf_files_the_committed_facts_are_used(tmp_path):
    facts = third_party.FACTS_DIR / "rsf_index_AZE.csv"
    assert facts.is_file(), "the committed facts file is part of the repository"
    raw = fixtures.write_raw(tmp_path / "raw")
    out = tmp_path / "processed"
    manifest = run_etl(raw, out)
    name = "data/third_party/rsf_index_AZE.csv"
    entry = manifest["inputs"][name]
    assert entry["rows"] == entry["compiled"] == len(AZE_RANKS)
    assert entry["sha256"] == hashlib.sha256(facts.read_bytes()).hexdigest()
    assert any("committed facts" in w and "AZE only" in w for w in manifest["warnings"])
    series = third_party.rsf_series(out, "AZE")
    assert dict(zip(series["year"], series["rank"], strict=True)) == AZE_RANKS
    assert set(series["countries_ranked"]) >= {139, 180}
    assert duckdb.sql(
        "SELECT count(DISTINCT iso) FROM read_parquet(?)", params=[str(out / "rsf_index.parquet")]
    ).fetchall() == [(1,)]


def test_committed_facts_equal_what_refresh_makes_from_the_shared_files(tmp_path):
    shared = external_dir("rsf-wpfi").parent
    assert refresh.main(["--external", str(shared), "--out", str(tmp_path)]) == 0
    for name in ("rsf_index_AZE.csv", "citizenlab_az_categories.csv"):
        assert (tmp_path / name).read_bytes() == (ROOT / "data" / "third_party" / name).read_bytes(), name


def test_refresh_says_which_dataset_is_missing_and_leaves_its_facts_alone(tmp_path, capsys):
    shared = external_dir("rsf-wpfi").parent
    only_rsf = tmp_path / "ext"
    only_rsf.mkdir()
    (only_rsf / "rsf-wpfi").symlink_to(shared / "rsf-wpfi", target_is_directory=True)
    out = tmp_path / "out"
    assert refresh.main(["--external", str(only_rsf), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "no Citizen Lab folder (citizenlab or citizenlab-test-lists)" in err
    assert "RSF facts unchanged" not in err
    assert sorted(p.name for p in out.iterdir()) == ["rsf_index_AZE.csv"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert refresh.main(["--external", str(empty), "--out", str(out)]) == 2
    assert "no RSF folder" in capsys.readouterr().err
    # a country the files do not rank: exit 1, nothing written for it
    assert refresh.refresh(only_rsf, tmp_path / "xx", "XXX", "xx") == 1
    assert "no XXX rows in" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("header", "role", "expected"),
    [
        (["Year (N)", "ISO", "Rank N", "Score N", "Rank N-1", "Score N-1", "EN_country"], "rank", 2),
        (["ISO", "Score", "Rank", "Rank_Pol", "Country_EN", "Year (N)", "Rank N-1"], "rank", 2),
        (["ISO", "Score", "Rank", "Rank_Pol", "Country_EN", "Year (N)", "Rank N-1"], "score", 1),
        (["Zone", "Score 2025", "Country_EN", "Rank 2025", "ISO", "Score N-1"], "score", 1),
        (["Zone", "Score 2025", "Country_EN", "Rank 2025", "ISO", "Score N-1"], "iso", 4),
        (["Year (N)", "ISO", "Rank N", "Score N", "FR_country", "EN_country"], "country", 5),
        (["ISO", "Score", "Rank", "Country_FR", "Country_EN"], "country", 4),
    ],
)
def test_columns_are_found_by_meaning(header, role, expected):
    cols = rsf.find_columns(header, 1, {2025})
    assert getattr(cols, role) == expected


def test_ambiguous_or_missing_columns_name_what_was_not_found():
    with pytest.raises(rsf.SkipFile, match="no ISO country-code column"):
        rsf.find_columns(["Country", "Rank", "Score"], 1, set())
    with pytest.raises(rsf.SkipFile, match="several columns could be the rank"):
        rsf.find_columns(["ISO", "Rank 2024", "Rank 2025"], 1, {2023})
    assert rsf.find_columns(["ISO", "Rank 2024", "Rank 2025"], 1, {2025}).rank == 2


@pytest.mark.parametrize(
    ("text", "value"),
    [("41,23", 41.23), ("41.23", 41.23), ("-10", -10.0), ("1.234,5", 1234.5), ("71,66786656", 71.66786656)],
)
def test_decimal_commas(text, value):
    assert rsf.parse_decimal(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "n/a", "12,3,4", "inf", "—"])
def test_not_numbers(text):
    with pytest.raises(ValueError):
        rsf.parse_decimal(text)


def test_year_labels():
    assert rsf.parse_year_label("2011-12") == (2012, "2011-12")
    assert rsf.parse_year_label("2011-2012") == (2012, "2011-2012")
    assert rsf.parse_year_label(" 2025 ") == (2025, "2025")
    with pytest.raises(ValueError):
        rsf.parse_year_label("2011-15")
    assert rsf.year_from_name("2025.csv") == 2025
    assert rsf.year_from_name("RSF_index_2024_data.csv") == 2024
    assert rsf.year_from_name("latest.csv") is None


def test_encoding_detection():
    assert rsf.decode_text("é".encode())[1] == "utf-8"
    assert rsf.decode_text(b"\xef\xbb\xbf" + "é".encode())[1] == "utf-8-sig"
    assert rsf.decode_text("é".encode("cp1252")) == ("é", "windows-1252")
    assert rsf.decode_text("é".encode("utf-16")) == ("é", "utf-16")
    with pytest.raises(rsf.SkipFile, match="line 2"):
        rsf.decode_text(b"a\n\x81")
