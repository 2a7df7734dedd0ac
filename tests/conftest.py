"""Shared fixtures: a compiled fixture build in a temp folder, and the dashboard in AppTest over it
(or over the shipped data, for the tests that read what a viewer of the real data reads)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.cli import main as etl_main
from pressfreedom.paths import RAW_DIR
from tests import fixtures


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory) -> Path:
    """The fixture dataset compiled once per session (public build); returns the published dir."""
    root = tmp_path_factory.mktemp("fixture-build")
    raw = fixtures.write_raw(root / "raw")
    out = root / "processed"
    assert etl_main(["--raw", str(raw), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory) -> Path:
    """data/raw compiled once per session into a temp folder (data/processed is left alone)."""
    out = tmp_path_factory.mktemp("shipped-build") / "processed"
    assert etl_main(["--raw", str(RAW_DIR), "--out", str(out), "--quiet"]) == 0
    return out


ROOT = Path(__file__).resolve().parents[1]


def _opener(build: Path, monkeypatch):
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PFD_PROCESSED_DIR", str(build))
    st.cache_data.clear()
    st.cache_resource.clear()
    # AppTest resets PagesManager.uses_pages_directory before every run, and a pages/ folder
    # beside the entry then switches it to legacy folder mode, which skips the entry (and its
    # shared filters) after switch_page. Keep st.navigation (v2) mode, as a real server does.
    original_init = PagesManager.__init__

    def v2_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", v2_init)

    def make(params: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        for k, v in (params or {}).items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, at.exception
        return at

    return make


@pytest.fixture
def open_app(fixture_build, monkeypatch):
    """Open the dashboard in AppTest (a session of its own) over the fixture build, optionally
    with a query string: ``open_app({"lang": "ru"})``; fails on an exception box."""
    return _opener(fixture_build, monkeypatch)


@pytest.fixture
def open_shipped_app(shipped_build, monkeypatch):
    """``open_app`` over the shipped data (data/raw compiled)."""
    return _opener(shipped_build, monkeypatch)
