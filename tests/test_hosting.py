"""Hosts: the build's date in the footer, only a public build served without the monitors'
switch, no local path shown when there is no data, error details off (issue 16, point 4)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests import fixtures

ROOT = Path(__file__).resolve().parents[1]


def texts(at) -> str:
    return "\n".join(str(x.value) for kind in (at.caption, at.error, at.info, at.markdown) for x in kind)


def test_the_footer_shows_the_builds_date(open_app, fixture_build):
    import json

    at = open_app()
    built = json.loads((fixture_build / "manifest.json").read_text())["built_at"][:10]
    assert f"Data compiled on {built}" in [c.value for c in at.caption]


def test_an_internal_build_is_not_served_without_the_monitors_switch(tmp_path, monkeypatch):
    from tests.conftest import _opener

    out = fixtures.compile_raw(fixtures.write_raw(tmp_path / "raw"), tmp_path / "internal", "--internal")
    monkeypatch.delenv("PFD_MONITOR", raising=False)
    opener = _opener(out, monkeypatch)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert "not a public one" in texts(at)
    assert fixtures.CANARY not in texts(at)
    monkeypatch.setenv("PFD_MONITOR", "1")  # the monitors' laptop may open it
    at = opener()
    assert "not a public one" not in texts(at)


def test_no_data_shows_a_message_without_a_local_path(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import _opener

    _opener(tmp_path / "nothing", monkeypatch)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    shown = texts(at)
    assert "could not be compiled" in shown and str(tmp_path) not in shown


def test_viewers_never_see_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_no_full_collection_after_every_run():
    """``runner.postScriptGC = false`` (issue 17, docs/performance.md): a real Streamlit option (a
    misspelt one is ignored without a word) and read as False from the project's config."""
    from streamlit import config as st_config

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
    assert "runner.postScriptGC" in st_config._config_options_template
    st_config.get_config_options(force_reparse=True, options_from_flags={})
    try:
        assert st_config.get_option("runner.postScriptGC") is False
    finally:
        st_config.get_config_options(force_reparse=True)
