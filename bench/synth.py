"""Deterministic synthetic input: N incidents across the four incident tables plus references.

Every name is clearly synthetic ("Synthetic Person 000123"); the files go to a folder the
caller chooses (a temp dir), never ``data/raw``. Generation is vectorised (numpy + Arrow
compute), so a million incidents take a few seconds. The same ``(n, seed)`` gives the same
bytes. A small share of rows carries planted problems (``bad_share``) so that the rejects
path is exercised too, as with real monitors' files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pressfreedom import vocab as V
from pressfreedom.schema import BY_NAME

# share of all incidents per table (sums to 1)
SHARES = {"assaults": 0.30, "detentions": 0.35, "blockings": 0.15, "court_outcomes": 0.20}
PREFIX = {"assaults": "ASL", "detentions": "DET", "blockings": "BLK", "court_outcomes": "CRT"}
N_SOURCES = 200
N_EVENTS = 50
N_FIGURES = 500


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, "")


def _cat(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _choice(rng: np.random.Generator, values, n: int, p=None) -> pa.Array:
    return pa.array(list(values), pa.string()).take(pa.array(rng.choice(len(values), size=n, p=p)))


def _blank_unless(mask: np.ndarray, values: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), values, pa.scalar("", pa.string()))


# the years the synthetic incidents span (``generate(..., first_year=2015)`` gives a ten-year build)
FIRST_YEAR, LAST_YEAR = 2000, 2024


def _dates(
    rng: np.random.Generator, n: int, precision_forms: bool = True, first_year: int = FIRST_YEAR
) -> tuple[pa.Array, np.ndarray]:
    """Dates first_year–2024 in the accepted written forms; returns (text, day numbers since epoch)."""
    lo = np.datetime64(f"{first_year}-01-01").astype(int)
    days = rng.integers(lo, np.datetime64(f"{LAST_YEAR}-12-31").astype(int), size=n)
    iso = pa.array(days.astype("datetime64[D]")).cast(pa.string())
    if not precision_forms:
        return iso, days
    form = rng.choice(4, size=n, p=[0.85, 0.08, 0.04, 0.03])
    month = pc.utf8_slice_codeunits(iso, 0, 7)
    year = pc.utf8_slice_codeunits(iso, 0, 4)
    dmy = _cat(pc.utf8_slice_codeunits(iso, 8, 10), ".", pc.utf8_slice_codeunits(iso, 5, 7), ".", year)
    f = pa.array(form)
    text = pc.case_when(
        pc.make_struct(pc.equal(f, 1), pc.equal(f, 2), pc.equal(f, 3)),
        month,
        year,
        dmy,
        iso,
    )
    return text, days


def _plant(rng: np.random.Generator, table: dict[str, pa.Array], n: int, bad_share: float) -> None:
    """Put a realistic typo into a few rows (bad date, unknown code, negative number)."""
    if bad_share <= 0 or n == 0:
        return
    bad = rng.random(n) < bad_share
    kind = rng.integers(0, 3, size=n)
    m = pa.array(bad & (kind == 0))
    table["date"] = pc.if_else(m, pa.scalar("2020-02-30"), table["date"])
    m = pa.array(bad & (kind == 1))
    table["victim_role"] = pc.if_else(m, pa.scalar("journalist?"), table["victim_role"])
    m = pa.array(bad & (kind == 2))
    table["group_size"] = pc.if_else(m, pa.scalar("-3"), table["group_size"])


def incident_table(
    name: str,
    n: int,
    start: int,
    n_people: int,
    rng: np.random.Generator,
    bad_share: float,
    first_year: int = FIRST_YEAR,
) -> dict:
    spec = BY_NAME[name]
    numbers = np.arange(start, start + n)
    ids = _ids(PREFIX[name] + "-", numbers, 7)
    date, days = _dates(rng, n, first_year=first_year)
    person = rng.integers(1, n_people + 1, size=n)
    named = rng.random(n) < 0.8
    pid = _ids("SP-", person, 6)
    victim_person = _ids("Synthetic Person ", person, 6)
    group_n = rng.integers(2, 40, size=n)
    group_txt = pa.array(group_n).cast(pa.string())
    victim = pc.if_else(pa.array(named), victim_person, _cat(group_txt, " synthetic journalists"))
    n_src = rng.integers(1, 4, size=n)
    s1, s2, s3 = (_ids("SRC-", rng.integers(1, N_SOURCES + 1, size=n), 4) for _ in range(3))
    p1, p2, p3 = (_cat("p. ", pa.array(rng.integers(1, 300, size=n)).cast(pa.string())) for _ in range(3))
    two, three = pa.array(n_src >= 2), pa.array(n_src >= 3)
    source_ids = pc.if_else(three, _cat(s1, "|", s2, "|", s3), pc.if_else(two, _cat(s1, "|", s2), s1))
    locators = pc.if_else(three, _cat(p1, "|", p2, "|", p3), pc.if_else(two, _cat(p1, "|", p2), p1))
    # related ids point at an existing incident of any table (the caller's id space)
    related = _blank_unless(rng.random(n) < 0.15, _ids(PREFIX[name] + "-", np.maximum(numbers - 1, start), 7))
    t: dict[str, pa.Array] = {
        "incident_id": ids,
        "date": date,
        "victim": victim,
        "person_id": _blank_unless(named, pid),
        "victim_role": _choice(rng, V.VICTIM_ROLE.codes, n),
        "group_size": _blank_unless(~named, group_txt),
        "outlet": _blank_unless(rng.random(n) < 0.5, _ids("Synthetic Outlet ", rng.integers(1, 500, size=n), 3)),
        "location": _ids("Synthetic Town ", rng.integers(1, 60, size=n), 2),
        "perpetrator": _choice(rng, V.PERPETRATOR.codes, n),
        "summary": _cat("Synthetic summary of ", ids, ": an invented incident for the benchmark only."),
        "source_ids": source_ids,
        "source_locators": locators,
        "related_ids": related,
        "case_id": _blank_unless(rng.random(n) < 0.3, _ids("CASE-", person, 6)),
        "notes": _blank_unless(rng.random(n) < 0.1, pa.array(["Synthetic note."] * n)),
        "confidential": _choice(rng, ["false", "true"], n, p=[0.99, 0.01]),
    }
    if name == "assaults":
        t["assault_type"] = _choice(rng, V.ASSAULT_TYPE.codes, n)
        t["context"] = _choice(rng, V.ASSAULT_CONTEXT.codes, n)
        t["injured"] = _choice(rng, V.YES_NO_UNKNOWN.codes, n)
        t["equipment_damaged_or_seized"] = _choice(rng, V.YES_NO_UNKNOWN.codes, n)
    elif name == "detentions":
        t["detention_type"] = _choice(rng, V.DETENTION_TYPE.codes, n)
        t["duration_days"] = _blank_unless(rng.random(n) < 0.6, pa.array(rng.integers(1, 90, size=n)).cast(pa.string()))
        t["charge"] = _blank_unless(
            rng.random(n) < 0.5, _cat("Synthetic article ", pa.array(rng.integers(100, 400, size=n)).cast(pa.string()))
        )
        t["offence"] = _blank_unless(rng.random(n) < 0.4, _choice(rng, V.OFFENCE.codes, n))
        t["articles"] = pa.array([""] * n)
        released = pa.array((days + rng.integers(0, 60, size=n)).astype("datetime64[D]")).cast(pa.string())
        t["released_on"] = _blank_unless(rng.random(n) < 0.4, released)
    elif name == "blockings":
        t["blocking_type"] = _choice(rng, V.BLOCKING_TYPE.codes, n)
        t["domain"] = _cat("synthetic-", pa.array(rng.integers(1, 5000, size=n)).cast(pa.string()), ".example")
        start_iso = pa.array(days.astype("datetime64[D]")).cast(pa.string())
        t["blocked_from"] = start_iso
        until = pa.array((days + rng.integers(1, 900, size=n)).astype("datetime64[D]")).cast(pa.string())
        ended = rng.random(n) < 0.5
        t["blocked_until"] = _blank_unless(ended, until)
        t["status_as_of"] = until
        t["basis"] = _blank_unless(rng.random(n) < 0.3, pa.array(["Synthetic court ruling"] * n))
    elif name == "court_outcomes":
        t["outcome"] = _choice(rng, V.OUTCOME.codes, n)
        t["court"] = _ids("Synthetic Court ", rng.integers(1, 40, size=n), 2)
        t["charge"] = _blank_unless(rng.random(n) < 0.5, pa.array(["Synthetic article 221.3"] * n))
        t["offence"] = _blank_unless(rng.random(n) < 0.6, _choice(rng, V.OFFENCE.codes, n))
        t["articles"] = _blank_unless(rng.random(n) < 0.3, pa.array(["CC 221.3"] * n))
        t["sentence_months"] = _blank_unless(
            rng.random(n) < 0.4, pa.array(rng.integers(1, 144, size=n)).cast(pa.string())
        )
        fine = rng.random(n) < 0.2
        t["fine_amount"] = _blank_unless(fine, pa.array(rng.integers(100, 5000, size=n)).cast(pa.string()))
        t["fine_currency"] = _blank_unless(fine, pa.array(["AZN"] * n))
        t["appeal_of"] = pa.array([""] * n)
    _plant(rng, t, n, bad_share)
    return {c: t[c] for c in spec.column_names}


def reference_tables(n_people: int, rng: np.random.Generator, first_year: int = FIRST_YEAR) -> dict[str, dict]:
    s = np.arange(1, N_SOURCES + 1)
    sid = _ids("SRC-", s, 4)
    sources = {
        "source_id": sid,
        "title": _cat("Synthetic report ", sid),
        "publisher": _ids("Synthetic Publisher ", rng.integers(1, 30, size=N_SOURCES), 2),
        "published_on": _dates(rng, N_SOURCES, precision_forms=False, first_year=first_year)[0],
        "url": _cat("https://synthetic.example/", sid),
        "language": _choice(rng, ["en", "ru", "az"], N_SOURCES),
        "coverage_start": pa.array([f"{first_year}-01-01"] * N_SOURCES),
        "coverage_end": pa.array([f"{LAST_YEAR}-12-31"] * N_SOURCES),
        "licence": pa.array([""] * N_SOURCES),
        "notes": pa.array([""] * N_SOURCES),
    }
    p = np.arange(1, n_people + 1)
    people = {
        "person_id": _ids("SP-", p, 6),
        "name": _ids("Synthetic Person ", p, 6),
        "aliases": _blank_unless(rng.random(n_people) < 0.3, _ids("Synthetic Persson ", p, 6)),
        "role": _choice(rng, V.VICTIM_ROLE.codes, n_people),
        "notes": pa.array([""] * n_people),
    }
    f = np.arange(1, N_FIGURES + 1)
    start, days = _dates(rng, N_FIGURES, precision_forms=False, first_year=first_year)
    fx = np.random.default_rng(N_FIGURES)
    figures = {
        "figure_id": _ids("FIG-", f, 4),
        "source_id": _ids("SRC-", rng.integers(1, N_SOURCES + 1, size=N_FIGURES), 4),
        "source_locator": pa.array(["Section 1"] * N_FIGURES),
        "period_start": start,
        "period_end": pa.array((days + 364).astype("datetime64[D]")).cast(pa.string()),
        "category": _choice(rng, V.CATEGORY.codes, N_FIGURES),
        "subcategory": pa.array([""] * N_FIGURES),
        "indicator": pa.array(["synthetic_indicator"] * N_FIGURES),
        "description": pa.array(["Synthetic published figure"] * N_FIGURES),
        "value": pa.array(rng.integers(0, 500, size=N_FIGURES)).cast(pa.string()),
        "qualifier": _choice(rng, V.QUALIFIER.codes, N_FIGURES),
        "unit": pa.array(["incidents"] * N_FIGURES),
        # most figures itemised; some narrowed to a victim role, those of detentions and court outcomes to an offence
        # (drawn from a generator of their own: the other tables stay as they were)
        "counterpart": _choice(fx, V.COUNTERPART.codes, N_FIGURES, p=[0.8, 0.2]),
        "victim_roles": _blank_unless(fx.random(N_FIGURES) < 0.4, _choice(fx, V.VICTIM_ROLE.codes, N_FIGURES)),
        "notes": pa.array([""] * N_FIGURES),
    }
    with_offence = np.isin(np.asarray(figures["category"].to_pylist()), ["detention", "court_outcome"])
    figures["offences"] = _blank_unless(
        with_offence & (fx.random(N_FIGURES) < 0.4), _choice(fx, V.OFFENCE.codes, N_FIGURES)
    )
    e = np.arange(1, N_EVENTS + 1)
    estart, edays = _dates(rng, N_EVENTS, precision_forms=False, first_year=first_year)
    events = {
        "event_id": _ids("EV-", e, 3),
        "kind": _choice(rng, V.EVENT_KIND.codes, N_EVENTS),
        "start": estart,
        "end": pa.array((edays + 30).astype("datetime64[D]")).cast(pa.string()),
        "label_en": _ids("Synthetic event ", e, 3),
        "label_ru": _ids("Синтетическое событие ", e, 3),
        "label_az": _ids("Sintetik hadisə ", e, 3),
        "source_ids": _ids("SRC-", rng.integers(1, N_SOURCES + 1, size=N_EVENTS), 4),
        "source_locators": pa.array(["Section 2"] * N_EVENTS),
    }
    return {"sources": sources, "people": people, "published_figures": figures, "events": events}


def table_counts(n: int) -> dict[str, int]:
    counts = {name: int(n * share) for name, share in SHARES.items()}
    counts["detentions"] += n - sum(counts.values())
    return counts


def generate(
    out_dir: Path, n: int, seed: int = 20201127, bad_share: float = 0.001, first_year: int = FIRST_YEAR
) -> dict[str, int]:
    """Write the eight input CSVs for ``n`` incidents into ``out_dir``; return rows per table.

    Incidents, sources' coverage, published figures and events fall in ``first_year``–2024
    (2000–2024 by default; the UI benchmark uses ten years, 2015–2024).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n_people = max(10, n // 10)
    tables = reference_tables(n_people, rng, first_year)
    start = 1
    for name, count in table_counts(n).items():
        tables[name] = incident_table(name, count, start, n_people, rng, bad_share, first_year)
        start += count
    written = {}
    for name, cols in tables.items():
        table = pa.table(cols)
        opts = pacsv.WriteOptions(include_header=True, quoting_style="needed")
        pacsv.write_csv(table, out_dir / f"{name}.csv", write_options=opts)
        written[name] = table.num_rows
    return written


if __name__ == "__main__":  # python -m bench.synth DIR N
    import sys

    print(generate(Path(sys.argv[1]), int(sys.argv[2])))
