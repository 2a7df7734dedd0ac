"""Shared fixtures: a compiled fixture build in a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.cli import main as etl_main
from tests import fixtures


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory) -> Path:
    """The fixture dataset compiled once per session (public build); returns the published dir."""
    root = tmp_path_factory.mktemp("fixture-build")
    raw = fixtures.write_raw(root / "raw")
    out = root / "processed"
    assert etl_main(["--raw", str(raw), "--out", str(out), "--quiet"]) == 0
    return out
