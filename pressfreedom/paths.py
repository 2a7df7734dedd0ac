"""Every filesystem path the project uses, in one place.

`data/raw/` is input only. Only the ETL writes under `data/builds/` and flips the
`data/processed` symlink; the app and reports read `PROCESSED_DIR` (overridable with the
environment variable ``PFD_PROCESSED_DIR`` so tests can point the app at a fixture build).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
DEFAULT_PROCESSED_DIR = DATA_DIR / "processed"  # a symlink to the current build
INTERNAL_DIR = DATA_DIR / "internal"  # builds that keep confidential names; never public
CONFIG_FILE = ROOT / "config" / "country.toml"
I18N_DIR = ROOT / "i18n"
DOCS_DIR = ROOT / "docs"
ARTIFACTS_DIR = ROOT / "test-artifacts"
SHARED_DIR = ROOT.parent / "shared"  # read-only material beside the repo (tests only)


def processed_dir() -> Path:
    """The compiled data the app reads (the env override lets tests use fixture builds)."""
    return Path(os.environ.get("PFD_PROCESSED_DIR", DEFAULT_PROCESSED_DIR))


def raw_dir() -> Path:
    """The monitors' tables the "Check a file" page checks an upload against (``PFD_RAW_DIR``
    lets tests pair it with a fixture build)."""
    return Path(os.environ.get("PFD_RAW_DIR", RAW_DIR))


def builds_dir_for(out: Path) -> Path:
    """Versioned build folders live beside the published symlink, hidden."""
    return out.parent / f".{out.name}-builds"
