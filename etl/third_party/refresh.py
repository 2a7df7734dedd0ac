"""Regenerate the committed context facts from a folder of downloaded third-party files.

    python -m etl.third_party.refresh --external DIR [--out data/third_party]

``DIR`` holds the downloads either in the raw-folder layout (``rsf/``, ``citizenlab/``) or in the
shared-folder layout (``rsf-wpfi/``, ``citizenlab-test-lists/``). For the country configured in
``config/country.toml`` it writes

* ``rsf_index_<ISO3>.csv`` — rank, score, era and countries ranked per index year;
* ``citizenlab_<iso2>_categories.csv`` — Citizen Lab category per domain (no URLs),
  CC BY-NC-SA 4.0 on every row.

These small files are committed so that the dashboard shows context on a fresh machine; the
third-party files themselves are never committed. Attribution and licences:
``data/third_party/README.md`` and ``docs/context-data.md``. Exit 0 when every dataset found was
written, 1 when a dataset folder is missing or the country has no rows, 2 when nothing was found.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.third_party import citizenlab, rsf
from pressfreedom.config import load_config
from pressfreedom.third_party import FACTS_DIR

LAYOUTS = {"rsf": ("rsf", "rsf-wpfi"), "citizenlab": ("citizenlab", "citizenlab-test-lists")}


def find_folder(external: Path, dataset: str) -> Path | None:
    for name in LAYOUTS[dataset]:
        if (external / name).is_dir():
            return external / name
    return None


def _print_reports(reports: list[rsf.FileReport]) -> None:
    for r in reports:
        if r.skipped:
            print(f"  skipped {r.file}: {r.skipped.reason}", file=sys.stderr)
            continue
        print(f"  {r.file}: {r.rows} rows, {r.compiled} compiled, sha256 {r.sha256[:12]}…")
        for record, line, column, value, reason in r.problems:
            print(
                f"    rejected record {record} (line {line}) column {column!r} value {value!r}: {reason}",
                file=sys.stderr,
            )


# dataset → (name in messages, importer module, which country code its facts are keyed by, what "no rows" means)
DATASETS = {
    "rsf": ("RSF", rsf, "iso3", "no {code} rows in {folder}"),
    "citizenlab": ("Citizen Lab", citizenlab, "iso2", "no {code_lower}.csv list in {folder}"),
}


def refresh(external: Path, out_dir: Path, iso3: str, iso2: str) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    codes = {"iso3": iso3, "iso2": iso2}
    status, found = 0, 0
    for dataset, (label, importer, code_kind, no_rows) in DATASETS.items():
        folder = find_folder(external, dataset)
        if folder is None:
            where = " or ".join(LAYOUTS[dataset])
            print(f"refresh: no {label} folder ({where}) in {external}; {label} facts unchanged", file=sys.stderr)
            status = 1
            continue
        found += 1
        parsed = importer.parse_folder(folder)
        _print_reports(parsed.reports)
        code = codes[code_kind]
        path = importer.write_facts(parsed.rows, code, out_dir)
        if path is None:
            why = no_rows.format(code=code, code_lower=code.lower(), folder=folder)
            print(f"refresh: {why}; {label} facts unchanged", file=sys.stderr)
            status = 1
        else:
            print(f"refresh: wrote {path}")
    return 2 if not found else status


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m etl.third_party.refresh", description=__doc__.split("\n")[0])
    p.add_argument("--external", type=Path, required=True, help="folder with rsf/ and citizenlab/ downloads")
    p.add_argument("--out", type=Path, default=FACTS_DIR, help="where the facts files go (default data/third_party)")
    args = p.parse_args(argv)
    if not args.external.is_dir():
        print(f"refresh: {args.external} is not a folder", file=sys.stderr)
        return 2
    cfg = load_config()
    return refresh(args.external, args.out, cfg.country_code, cfg.country_iso2)


if __name__ == "__main__":
    sys.exit(main())
