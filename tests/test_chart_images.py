"""Chart images: PNG size, SVG text, scripts, re-theming, and a clear error without Chromium."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from pressfreedom import chart_images, charts, i18n
from pressfreedom.figures import key_figures
from pressfreedom.query import Query
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.fixtures import CANARY


@pytest.fixture(scope="module")
def query(fixture_build) -> Query:
    return Query(fixture_build)


@pytest.fixture(scope="module")
def exporter():
    """One Chromium for the whole module (starting it costs seconds)."""
    require_chromium()
    with chart_images.ChartExporter() as ex:
        yield ex


@pytest.fixture(scope="module")
def figures(query):
    """The key figures of the default period in every language, export theme."""
    return {lang: key_figures(query, query.default_filters(lang), theme="export") for lang in ("en", "ru", "az")}


# -- without a browser -------------------------------------------------------------------------


def test_missing_chromium_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    with pytest.raises(chart_images.ExportUnavailable) as err:
        chart_images.ChartExporter().start()
    message = str(err.value)
    assert "Chromium" in message and "no-such-chromium" in message and "apt-get install chromium" in message
    assert chart_images.unavailable_reason() == message


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
        out = chart_images.retheme(screen, name)
        assert out.layout.title.font.size == th.title_size
        assert all(ax.tickfont.size == th.tick_size for ax in out.select_xaxes())
        assert out.layout.font.size == th.font_size
    assert chart_images.retheme(screen, "export").layout.width == 1600
    assert screen.to_json() == before  # the input is untouched


def test_projector_theme_is_large_enough():
    from webapp.presentation import MIN_TICK_PX, MIN_TITLE_PX

    th = charts.THEMES["projector"]
    assert th.title_size >= MIN_TITLE_PX and th.tick_size >= MIN_TICK_PX


def test_title_clearance_moves_a_title_of_several_lines_once():
    built = charts.decorate(go.Figure(), "Incidents by month", "10 incidents", "Source", "export")
    height, top = built.layout.height, built.layout.margin.t
    one = chart_images.title_clearance(go.Figure(built))
    assert one.layout.title.pad.t == 12  # one line: plotly places it right
    assert (one.layout.height, one.layout.margin.t) == (height, top)
    two = go.Figure(built)
    two.layout.title.text = "Incidents by month<br>(1/2)"
    once = chart_images.title_clearance(two).layout.title.pad.t
    assert chart_images.title_clearance(two).layout.title.pad.t == once >= two.layout.title.font.size
    assert two.layout.height - height == two.layout.margin.t - top == once - 12


def test_png_size_reads_the_header():
    header = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (1600).to_bytes(4, "big") + (900).to_bytes(4, "big")
    assert chart_images.png_size(header) == (1600, 900)
    with pytest.raises(ValueError):
        chart_images.png_size(b"GIF89a")


def test_figure_json_has_no_confidential_name(figures):
    for lang, figs in figures.items():
        for kf in figs:
            assert CANARY not in kf.fig.to_json(), (lang, kf.key)


# -- with Chromium ------------------------------------------------------------------------------


@pytest.mark.browser
def test_png_is_at_least_1600_px_wide(exporter, figures, query):
    png = exporter.png(figures["en"][0].fig)
    width, height = chart_images.png_size(png)
    assert width >= 1600 and height >= 600
    # a screen-themed figure is re-themed on the way out
    screen = key_figures(query, query.default_filters("en"), theme="screen")[2].fig
    assert chart_images.png_size(exporter.png(screen))[0] >= 1600


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
        assert chart_images.png_size(exporter.png(kf.fig))[0] >= 1600, kf.key


# -- the same figure on screen and in the image ------------------------------------------------------


def test_images_are_built_by_the_screen_figures_own_builder(query):
    """A key figure's PNG/SVG comes from its builder with the export theme, not from a re-themed copy:
    the same traces and numbers as on screen, the export theme's sizes."""
    from webapp import presentation

    for kf in key_figures(query, query.default_filters("en")):
        fig, theme = presentation.figure_for_export(kf)
        assert theme is None  # nothing left to re-theme
        screen = kf.build("screen")
        assert fig.layout.width == 1600 and fig.layout.title.font.size == charts.THEMES["export"].title_size
        assert [t.to_plotly_json().get("y") for t in fig.data] == [t.to_plotly_json().get("y") for t in screen.data]
        assert [t.to_plotly_json().get("x") for t in fig.data] == [t.to_plotly_json().get("x") for t in screen.data]
    # a builder function works the same way; a bare figure is re-themed
    built, theme = presentation.figure_for_export(lambda th: charts.empty_figure("none", "T", "C", "S", theme=th))
    assert theme is None and built.layout.width == 1600
    bare = charts.empty_figure("none", "T", "C", "S")
    assert presentation.figure_for_export(bare) == (bare, "export")


# -- layout: what a projector audience would see as broken ------------------------------------------

LONG_EVENTS = pd.DataFrame(
    [
        dict(start=date(2020, 2, 9), end=None, label="Parliamentary elections"),
        dict(start=date(2020, 3, 16), end=date(2020, 12, 31), label="Strict COVID-19 quarantine rules (from March)"),
        dict(start=date(2020, 7, 16), end=None, label="Pro-army rally in Baku and arrests that followed it"),
        dict(start=date(2020, 9, 27), end=date(2020, 11, 10), label="44-day war with Armenia"),
        dict(
            start=date(2020, 9, 28), end=date(2020, 12, 12), label="Curfew 9 p.m.–6 a.m. in six cities and 16 districts"
        ),
        dict(
            start=date(2020, 10, 1),
            end=date(2020, 11, 5),
            label="Social networks blocked (YouTube, Twitter, Instagram)",
        ),
        dict(start=date(2020, 12, 20), end=None, label="A late December event with a rather long label"),
    ]
)


def _events(lang: str) -> pd.DataFrame:
    """The events in every language column (Cyrillic labels are wider: ru is the Russian alphabet)."""
    cyr = str.maketrans("abcdefghijklmnopqrstuvwxyz", "абцдефгхийклмнопярстуввхыз")
    return LONG_EVENTS.assign(
        label_en=LONG_EVENTS["label"], label_ru=LONG_EVENTS["label"].str.translate(cyr), label_az=LONG_EVENTS["label"]
    )


def layout_figures(lang: str) -> dict[str, tuple]:
    """Builders with the long texts of real data: name → (theme -> figure, half-width chart?)."""
    from pressfreedom.vocab import CATEGORY, DETENTION_TYPE, PERPETRATOR

    months = [date(2020, m, 1) for m in range(1, 13)]
    text = dict(
        title=i18n.t("chart.by_month_title", lang, kind=i18n.t("chart.all_incidents", lang)),
        caption="72 · Jan – Dec 2020",
        source=charts.source_line(["Country Reports on Human Rights Practices for 2020", "Media in 2020"], 72, lang),
        lang=lang,
    )
    by_kind = pd.DataFrame(
        [(m, c, (i * 7 + k * 3) % 9, True) for i, m in enumerate(months) for k, c in enumerate(CATEGORY.codes)],
        columns=["month", "key", "n", "monitored"],
    )
    by_type = pd.DataFrame(
        [(m, c, (i + k) % 3, True) for i, m in enumerate(months) for k, c in enumerate(DETENTION_TYPE.codes)],
        columns=["month", "key", "n", "monitored"],
    )
    ranked = pd.DataFrame({"key": PERPETRATOR.codes, "n": list(range(len(PERPETRATOR.codes), 0, -1))})
    published = pd.DataFrame(
        {
            "figure_id": ["a", "b", "c"],
            "label": ["Court outcomes · ECHR judgment (31 December 2020)", "Detentions (Jan – Dec 2020)", "Assaults"],
            "category": ["court_outcome", "detention", "physical_assault"],
            "value": [13.0, 40.0, 26.0],
            "value_text": ["at least 13 incidents", "about 40 sentences", "at least 26 incidents"],
            "documented": [45, 8, 32],
            "documented_text": [
                "45 incidents itemised here",
                "8 incidents itemised here",
                "32 incidents itemised here",
            ],
        }
    )
    blocks = pd.DataFrame(
        [
            dict(incident_id=f"B{k}", domain=f"website-number-{k}.az", start_possible=date(2017, 1, 1),
                 start_precision="year", start_certain=date(2017, 12, 31), end_confirmed=date(2020, 12, 31),
                 blocked_until=None, status_as_of=date(2020, 12, 31), open_ended=True, domain_key=f"d{k}")
            for k in range(16)
        ]
    )  # fmt: skip
    verdicts = pd.DataFrame({"key": ["conviction", "overturned", "acquittal"], "n": [14, 0, 2]})
    verdict_labels = {k: i18n.t(f"court.status_{k}", lang) for k in verdicts["key"]}
    bin_labels = {"lt1": i18n.t("court.bin_lt1", lang), "10+": i18n.t("court.bin_10plus", lang)}
    bin_labels |= {f"{a}-{b}": i18n.t("court.bin_range", lang, a=a, b=b) for a, b in ((1, 3), (3, 5), (5, 7), (7, 10))}
    bin_labels["unknown"] = i18n.t("court.bin_unknown", lang)
    bins = pd.DataFrame({"key": list(bin_labels), "n": [1, 1, 3, 0, 2, 1, 1]})
    return {
        "by-kind": (lambda th: charts.monthly_bars(by_kind, **text, events=_events(lang), theme=th), False),
        "by-type": (
            lambda th: charts.monthly_bars(
                by_type, **text, vocab=DETENTION_TYPE, kind="detention", events=_events(lang), theme=th
            ),
            False,
        ),
        "ranked": (
            lambda th: charts.horizontal_bars(
                ranked, **text, vocab=PERPETRATOR, theme=th, x_title=i18n.t("chart.y_incidents", lang), width_hint=560
            ),
            True,
        ),
        "verdicts": (
            lambda th: charts.column_bars(
                verdicts, **text, labels=verdict_labels, kind="court_outcome", theme=th, y_title="Cases", width_hint=560
            ),
            True,
        ),
        "bins": (
            lambda th: charts.column_bars(
                bins, **text, labels=bin_labels, kind="court_outcome", theme=th, width_hint=560, uniform=True
            ),
            True,
        ),
        "published": (lambda th: charts.documented_vs_published(published, **text, theme=th), False),
        "timeline": (
            lambda th: charts.block_timeline(blocks, start=date(2020, 1, 1), end=date(2020, 12, 31), **text, theme=th),
            False,
        ),
    }


PRESENT_NAV_PX = 90  # presentation mode's row of buttons above the chart


def test_projector_charts_fit_a_1080p_screen_under_the_navigation(query):
    """One chart per screen without scrolling on a 1920 × 1080 projector: every key figure, and the
    long-text figures above (16 blocked domains, a 9-type legend in Russian, 7 context periods)."""
    limit = 1080 - PRESENT_NAV_PX
    for lang in ("en", "ru", "az"):
        for kf in key_figures(query, query.default_filters(lang), theme="projector"):
            assert kf.fig.layout.height <= limit, (lang, kf.key, kf.fig.layout.height)
        for name, (build, _half) in layout_figures(lang).items():
            height = chart_images.title_clearance(build("projector")).layout.height
            assert height <= limit, (lang, name, height)


MEASURE_SCRIPT = r"""
import json, sys
from pathlib import Path
from playwright.sync_api import sync_playwright
items = json.loads(Path(sys.argv[1]).read_text())
js = Path(sys.argv[2]).read_text()
html = ["<html><head><meta charset='utf-8'><script>", js, "</script></head><body style='margin:0'>"]
html += [f"<div id='{it['id']}' style='width:{it['width']}px'></div>" for it in items]
html.append("<script>")
html += [f"Plotly.newPlot('{it['id']}', {json.dumps(it['fig'])}.data, {json.dumps(it['fig'])}.layout, {{staticPlot: true}});" for it in items]
html.append("</script></body></html>")
page_path = Path(sys.argv[1]).with_suffix(".html")
page_path.write_text("".join(html), encoding="utf-8")
MEASURE = '''(id) => {
  const gd = document.getElementById(id), svg = gd.querySelector('.main-svg').getBoundingClientRect();
  const box = e => { const r = e.getBoundingClientRect(); return [r.left - svg.left, r.top - svg.top, r.right - svg.left, r.bottom - svg.top]; };
  const texts = sel => [...gd.querySelectorAll(sel)].filter(e => e.textContent.trim()).map(e => ({t: e.textContent, b: box(e)}));
  const s = gd._fullLayout._size;
  return {W: svg.width, H: svg.height, plot: [s.l, s.t, s.l + s.w, s.t + s.h], all: texts('text'),
    axis: texts('.xtick text').concat(texts('.g-xtitle text')), title: texts('.g-gtitle text'), legend: texts('.legend text'),
    annotations: [...gd.querySelectorAll('.annotation')].map(a => ({i: +a.getAttribute('data-index'), t: a.textContent, b: box(a.querySelector('text'))}))};
}'''
out = {}
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=sys.argv[4], args=json.loads(sys.argv[5]))
    try:
        page = browser.new_page(viewport={"width": 2000, "height": 1200})
        page.goto(page_path.as_uri())
        page.wait_for_function("n => document.querySelectorAll('.main-svg').length >= n", arg=len(items))
        page.evaluate("document.fonts.ready")
        for it in items:
            out[it["id"]] = page.evaluate(MEASURE, it["id"])
    finally:
        browser.close()
Path(sys.argv[3]).write_text(json.dumps(out))
"""


def measure(figures: list[tuple[str, go.Figure, int]], tmp_path: Path) -> dict:
    """Draw each figure with plotly.js in headless Chromium at the given width; the boxes of its texts.

    Its own process: a browser test session keeps a sync Playwright open, and a second cannot start beside it.
    """
    import json
    import subprocess
    import sys

    import plotly.offline

    items = [{"id": f"f{k}", "fig": json.loads(fig.to_json()), "width": w} for k, (_, fig, w) in enumerate(figures)]
    (tmp_path / "in.json").write_text(json.dumps(items))
    (tmp_path / "plotly.js").write_text(plotly.offline.get_plotlyjs())
    done = subprocess.run(
        [sys.executable, "-c", MEASURE_SCRIPT, str(tmp_path / "in.json"), str(tmp_path / "plotly.js"),
         str(tmp_path / "out.json"), str(CHROMIUM), json.dumps(CHROMIUM_ARGS)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    boxes = json.loads((tmp_path / "out.json").read_text())
    return {name: boxes[f"f{k}"] for k, (name, _, _) in enumerate(figures)}


def _hit(a, b, gap: float = 0) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] + gap and b[1] < a[3] + gap


def layout_problems(fig: go.Figure, m: dict) -> list[str]:
    """Text cut at the canvas's edge; the source line on the bottom edge or touching the x axis's
    labels or title; event labels off the plot or over each other; the legend over the caption."""
    out = []
    for t in m["all"]:
        b = t["b"]
        if b[2] > b[0] and (b[0] < -1 or b[2] > m["W"] + 1 or b[1] < -1 or b[3] > m["H"] + 1):
            out.append(f"cut at the edge: {t['t'][:40]!r}")
    names = [a.name for a in fig.layout.annotations]
    events = [a for a in m["annotations"] if names[a["i"]] == "event"]
    for a in m["annotations"]:
        if names[a["i"]] == "source-line":
            if m["H"] - a["b"][3] < 8:
                out.append(f"source line {m['H'] - a['b'][3]:.0f} px from the bottom edge")
            # the source line spans the figure: it must sit wholly below the axis's labels and title
            out += [f"source line touches {t['t']!r}" for t in m["axis"] if a["b"][1] < t["b"][3] + 3]
    left, _, right, _ = m["plot"]
    for k, a in enumerate(events):
        if a["b"][2] > right + 3 or a["b"][0] < left - 3:
            out.append(f"event label off the plot: {a['t'][:40]!r}")
        out += [
            f"event labels overlap: {a['t'][:20]!r}, {b['t'][:20]!r}" for b in events[k + 1 :] if _hit(a["b"], b["b"])
        ]
    out += [
        f"legend over the title or caption: {g['t']!r}" for t in m["title"] for g in m["legend"] if _hit(t["b"], g["b"])
    ]
    return out


@pytest.mark.browser
def test_charts_lay_out_cleanly_on_projectors_slides_and_screens(tmp_path):
    """Long event labels near the period's end, long legends in Russian, axis titles over source lines:
    drawn by plotly.js in Chromium at a 1024 and a 1920 projector's width, on a 1600 px slide and on
    screen (full width, or a half-width column), nothing is cut off or overlaps."""
    require_chromium()
    widths = {"projector": (960, 1856), "export": (1600,), "screen": (950,)}
    figures = []
    for lang in ("en", "ru", "az"):
        for name, (build, half) in layout_figures(lang).items():
            for theme, ws in widths.items():
                fig = chart_images.title_clearance(build(theme))
                for w in (560,) if half and theme == "screen" else ws:
                    figures.append((f"{lang}/{name}/{theme}/{w}px", fig, w))
    measured = measure(figures, tmp_path)
    problems = {name: layout_problems(fig, measured[name]) for name, fig, _ in figures}
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, "\n".join(f"{k}: {v[:4]}" for k, v in problems.items())
    # the checks see what they claim to: the event labels and the source line were drawn
    some = measured["en/by-kind/screen/950px"]
    assert len(some["annotations"]) >= len(LONG_EVENTS) + 1 and some["axis"]
    # on a projector the events beginning in the same month share a label (the plot keeps its height)
    months = {(d.year, d.month) for d in LONG_EVENTS["start"]}
    some = measured["en/by-kind/projector/960px"]
    assert len(some["annotations"]) >= len(months) + 1 and some["axis"]


@pytest.mark.browser
def test_the_caption_ends_where_the_layout_expects_it(tmp_path):
    """``charts.head_px`` (the room the builders leave for the title and caption) against where
    plotly.js draws the caption's last line in Chromium: titles and captions of one to three lines
    on every theme, after ``chart_images.title_clearance``. Too little room puts the legend over the
    caption; too much pushed slides below a 1280 x 720 projector."""
    require_chromium()
    figures, expected = [], {}
    for theme in ("screen", "projector", "export"):
        for title_lines in (1, 2, 3):
            for caption_lines in (1, 2, 3):
                fig = charts.decorate(go.Figure(go.Bar(x=["a"], y=[1])), "Title", "Caption", "Source", theme)
                fig.layout.title.text = "<br>".join(["Incidents by month"] * title_lines)
                fig.layout.title.subtitle.text = "<br>".join(["72 incidents · Jan – Dec 2020"] * caption_lines)
                top = fig.layout.margin.t
                chart_images.title_clearance(fig)  # moves the title (and all under it) down by the same amount
                name = f"{theme}/{title_lines}/{caption_lines}"
                expected[name] = (
                    charts.head_px(title_lines, caption_lines, charts.THEMES[theme]) + fig.layout.margin.t - top
                )
                figures.append((name, fig, 1100))
    measured = measure(figures, tmp_path)
    for name, want in expected.items():
        captions = [t for t in measured[name]["title"] if t["t"].startswith("72 incidents")]
        assert captions, name
        assert abs(captions[-1]["b"][3] - want) <= 4, (name, captions[-1]["b"][3], want)
