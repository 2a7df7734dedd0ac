"""AppTest smoke: the entry and every page render on the fixture build, with the shared filters."""

from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


@pytest.fixture
def at(open_app, monkeypatch):
    monkeypatch.setenv("PFD_MONITOR", "1")  # every page registered, the monitors' check page too
    return open_app()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_the_shared_filters(at, page):
    at.switch_page(page).run()
    assert not at.exception, at.exception
    # the entry ran too: its sidebar filters exist on every page
    assert at.sidebar.multiselect(key="w_kind_en") is not None
    assert at.title[0].value == "Azerbaijan Press Freedom Dashboard"


def test_overview_kpi_counts_incidents(at):
    labels = {m.label: m.value for m in at.metric}
    assert labels["Incidents"] == "10"  # 11 fixture incidents, one dated 2019 (year only)
    assert labels["Detentions"] == "3"


def test_pages_see_the_period_chosen_in_the_entry(at):
    at.sidebar.selectbox(key="w_from_en").set_value(date(2020, 2, 1))
    at.sidebar.selectbox(key="w_to_en").set_value(date(2020, 3, 1)).run()
    at.switch_page("pages/assaults.py").run()
    assert not at.exception
    assert at.caption[0].value == "2 incidents · Feb\u2009–\u2009Mar 2020 · physical assaults"
