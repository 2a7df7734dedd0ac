"""Chart images: PNG size, SVG text, scripts, re-theming, and a clear error without Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import plotly.graph_objects as go
import pytest

from pfd import charts, export, i18n
from pfd.query import Query
from report.figures import key_figures
from tests.fixtures import CANARY

CHROMIUM = Path("/usr/bin/chromium")


def require_chromium() -> None:
    """Skip locally without Chromium; in CI (env CI set) a missing browser is a failure."""
    if CHROMIUM.exists() or os.environ.get("BROWSER_PATH"):
        return
    message = "Debian's Chromium (/usr/bin/chromium) is not installed: `apt-get install chromium`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def query(fixture_build) -> Query:
    return Query(fixture_build)


@pytest.fixture(scope="module")
def exporter():
    """One Chromium for the whole module (starting it costs seconds)."""
    require_chromium()
    with export.ChartExporter() as ex:
        yield ex


@pytest.fixture(scope="module")
def figures(query):
    """The key figures of the default period in every language, export theme."""
    return {lang: key_figures(query, query.default_filters(lang), theme="export") for lang in ("en", "ru", "az")}


# -- without a browser -------------------------------------------------------------------------


def test_missing_chromium_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    with pytest.raises(export.ExportUnavailable) as err:
        export.ChartExporter().start()
    message = str(err.value)
    assert "Chromium" in message and "no-such-chromium" in message and "apt-get install chromium" in message
    assert export.unavailable_reason() == message


def test_missing_chromium_deck_raises_but_report_is_written(monkeypatch, tmp_path, fixture_build, capsys):
    from report.__main__ import main

    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    code = main(["--lang", "en", "--data", str(fixture_build), "--out", str(tmp_path / "out")])
    assert code == 3
    assert (tmp_path / "out" / "report.html").stat().st_size > 0
    assert not (tmp_path / "out" / "slides.pptx").exists()
    assert "slides.pptx not written" in capsys.readouterr().err


def test_retheme_is_pure_and_reaches_the_theme_sizes(query):
    f = query.default_filters("ru")
    screen = key_figures(query, f, theme="screen")[0].fig
    before = screen.to_json()
    for name in ("export", "projector"):
        th = charts.THEMES[name]
        out = export.retheme(screen, name)
        assert out.layout.title.font.size == th.title_size
        assert all(ax.tickfont.size == th.tick_size for ax in out.select_xaxes())
        assert out.layout.font.size == th.font_size
    assert export.retheme(screen, "export").layout.width == 1600
    assert screen.to_json() == before  # the input is untouched


def test_projector_theme_is_large_enough():
    from pfd.present import MIN_TICK_PX, MIN_TITLE_PX

    th = charts.THEMES["projector"]
    assert th.title_size >= MIN_TITLE_PX and th.tick_size >= MIN_TICK_PX


def test_title_clearance_is_idempotent(figures):
    fig = go.Figure(figures["en"][0].fig)
    once = export.title_clearance(fig).layout.title.pad.t
    assert export.title_clearance(fig).layout.title.pad.t == once >= fig.layout.title.font.size


def test_png_size_reads_the_header():
    header = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (1600).to_bytes(4, "big") + (900).to_bytes(4, "big")
    assert export.png_size(header) == (1600, 900)
    with pytest.raises(ValueError):
        export.png_size(b"GIF89a")


def test_figure_json_has_no_confidential_name(figures):
    for lang, figs in figures.items():
        for kf in figs:
            assert CANARY not in kf.fig.to_json(), (lang, kf.key)


# -- with Chromium ------------------------------------------------------------------------------


@pytest.mark.browser
def test_png_is_at_least_1600_px_wide(exporter, figures, query):
    png = exporter.png(figures["en"][0].fig)
    width, height = export.png_size(png)
    assert width >= 1600 and height >= 600
    # a screen-themed figure is re-themed on the way out
    screen = key_figures(query, query.default_filters("en"), theme="screen")[2].fig
    assert export.png_size(exporter.png(screen))[0] >= 1600


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ru", "az"])
def test_svg_carries_title_caption_and_source(exporter, figures, lang):
    kf = figures[lang][0]
    svg = exporter.svg(kf.fig).decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert kf.title in svg
    assert i18n.t("chart.source_line", lang).split("{")[0].strip() in svg  # "Source:", "Источник:", "Mənbə:"
    assert "Fixture report A" in svg  # the source's own title, as recorded
    assert CANARY not in svg


@pytest.mark.browser
def test_svg_keeps_cyrillic_and_azerbaijani_letters(exporter, figures):
    ru = exporter.svg(figures["ru"][0].fig).decode("utf-8")
    az = exporter.svg(figures["az"][0].fig).decode("utf-8")
    assert "Инциденты" in ru and "Источник" in ru
    assert "İnsidentlər" in az and "Mənbə" in az and "ə" in az


@pytest.mark.browser
def test_every_key_figure_exports(exporter, figures):
    for kf in figures["az"]:
        assert export.png_size(exporter.png(kf.fig))[0] >= 1600, kf.key
