"""Shared fixtures: a compiled fixture build in a temp folder, and the dashboard in AppTest over it
(or over the shipped data, for the tests that read what a viewer of the real data reads)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pressfreedom.paths import RAW_DIR, SHARED_DIR
from tests import fixtures

# Tests that read the documents and third-party files in ../shared (beside the repository): the
# dataset audit and the importers' tests on the real files. A clone on its own skips them, saying
# why; CI (which has ../shared) sets PFD_REQUIRE_SHARED=1 in .ci/run, and a skip is then a failure.
SHARED_MODULES = ("test_dataset", "test_third_party_rsf", "test_third_party_citizenlab", "test_third_party_ooni")


def shared_required() -> bool:
    return os.environ.get("PFD_REQUIRE_SHARED") == "1"


def pytest_collection_modifyitems(config, items):
    sources = SHARED_DIR / "sources"
    for item in items:
        if item.module.__name__.rpartition(".")[2] == "test_dataset":
            item.add_marker(pytest.mark.shared)
            if not sources.is_dir() and not shared_required():
                item.add_marker(pytest.mark.skip(reason=f"needs the source documents in {sources}"))
        elif (
            item.module.__name__.rpartition(".")[2] in SHARED_MODULES
            and "external_dir" in item.function.__code__.co_names
        ):
            item.add_marker(pytest.mark.shared)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and shared_required() and item.get_closest_marker("shared") is not None:
        report.outcome = "failed"
        report.longrepr = f"skipped although PFD_REQUIRE_SHARED=1 (CI has ../shared): {report.longrepr}"
    return report


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory) -> Path:
    """The fixture dataset compiled once per session (public build); returns the published dir."""
    return fixtures.compiled(tmp_path_factory.mktemp("fixture-build"))


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory) -> Path:
    """data/raw compiled once per session into a temp folder (data/processed is left alone)."""
    return fixtures.compile_raw(RAW_DIR, tmp_path_factory.mktemp("shipped-build") / "processed")


ROOT = Path(__file__).resolve().parents[1]


def _opener(build: Path, monkeypatch):
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PFD_PROCESSED_DIR", str(build))
    st.cache_data.clear()
    st.cache_resource.clear()
    from webapp import app

    app.ANSWERS.clear()
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
