"""Figures on a screen of fixed height (a projector, a slide) fit it: a chart that grows with its
rows is drawn in parts of whole rows, every row once and in order; a by-month chart's plot gives
way to its event lanes down to a minimum."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from pressfreedom import chart_images, charts, figures
from pressfreedom.filters import Filters
from pressfreedom.vocab import DETENTION_TYPE

F = Filters(start=date(2020, 1, 1), end=date(2020, 12, 31))


def blocks(n: int) -> pd.DataFrame:
    rows = []
    for k in range(n):
        start = date(2020, 1, 1) + timedelta(days=5 * k)
        rows.append(
            dict(incident_id=f"B{k}", domain=f"site{k:02d}.az", domain_key=f"site{k:02d}.az", blocking_type="court",
                 start_possible=start, start_precision="day", start_certain=start, end_confirmed=date(2020, 12, 31),
                 blocked_until=None, status_as_of=date(2020, 12, 31), open_ended=True)
        )  # fmt: skip
    return pd.DataFrame(rows)


def y_labels(fig) -> list[str]:
    return list(dict.fromkeys(y for t in fig.data for y in (t.y or ())))


@pytest.mark.parametrize("theme", ["projector", "export"])
@pytest.mark.parametrize("n", [3, 25, 60])
def test_a_long_timeline_is_drawn_in_parts_that_fit_with_every_row_once(theme, n):
    data = blocks(n)
    kf = figures.blockings_figure(
        None, F, blocks=data, incidents=pd.DataFrame({"incident_id": [], "source_titles": []})
    )
    parts = kf.fitted(theme)
    fit = charts.THEMES[theme].fit_height
    assert all(p.fig.layout.height <= fit for p in parts), [p.fig.layout.height for p in parts]
    shown = [y for p in parts for y in y_labels(p.fig)]
    assert shown == list(data["domain"])  # every domain once, in order
    if len(parts) == 1:
        assert kf.fitted(theme)[0].fig.layout.title.text.startswith(kf.title)
    else:
        sizes = [len(y_labels(p.fig)) for p in parts]
        assert max(sizes) - min(sizes) <= 1  # parts as even as possible
        for k, p in enumerate(parts, 1):
            assert f"({k}/{len(parts)})" in p.fig.layout.title.text
        assert [p.key for p in parts] == [kf.key] + [f"{kf.key}-{k}" for k in range(2, len(parts) + 1)]
    # the page (screen theme) keeps the whole list in one chart
    assert len(kf.fitted("screen")) == 1 and y_labels(kf.fitted("screen")[0].fig) == list(data["domain"])


def test_a_by_month_chart_fits_a_projector_with_a_few_context_events():
    months = [date(2020, m, 1) for m in range(1, 13)]
    data = pd.DataFrame({"month": months, "key": "detention", "n": range(12), "monitored": True})
    events = pd.DataFrame(
        dict(event_id=["E1", "E2", "E3"], label_en=["Parliamentary elections", "Quarantine", "War"],
             start=[date(2020, 2, 9), date(2020, 3, 24), date(2020, 9, 27)],
             end=[None, date(2020, 8, 31), date(2020, 11, 10)])
    )  # fmt: skip
    text = dict(title="Incidents by month", caption="72 incidents", source="Source: a report")
    fig = charts.monthly_bars(data, events=events, theme="projector", **text)
    assert fig.layout.height <= charts.THEMES["projector"].fit_height
    assert fig.layout.height - fig.layout.margin.t - fig.layout.margin.b >= charts.MIN_PLOT_PX
    # the month labels stand level, the year under the month
    assert fig.layout.xaxis.tickangle == 0 and fig.layout.xaxis.ticktext[0].endswith("<br>2020")


def test_many_context_events_share_labels_per_month_on_a_projector_and_keep_their_bands():
    """Nine events of 2020 (as in the shipped data): on screen each has its own label; on a
    projector those beginning in the same month share one, the chart fits, and every event
    still has its own band (a period) or line (a day) in the plot."""
    months = [date(2020, m, 1) for m in range(1, 13)]
    data = pd.DataFrame({"month": months, "key": "detention", "n": range(12), "monitored": True})
    spans = [
        ("Parliamentary elections", date(2020, 2, 9), None),
        ("Post-election protest dispersed", date(2020, 2, 11), None),
        ("Strict quarantine rules", date(2020, 3, 24), date(2020, 12, 31)),
        ("Border clashes", date(2020, 7, 12), date(2020, 7, 16)),
        ("Rally and arrests", date(2020, 7, 15), None),
        ("War", date(2020, 9, 27), date(2020, 11, 10)),
        ("Social networks blocked", date(2020, 9, 27), date(2020, 11, 20)),
        ("Martial law", date(2020, 9, 28), date(2020, 12, 12)),
        ("Curfew", date(2020, 9, 28), date(2020, 12, 12)),
    ]
    events = pd.DataFrame(
        dict(event_id=[f"E{k}" for k in range(len(spans))], label_en=[s[0] for s in spans],
             start=[s[1] for s in spans], end=[s[2] for s in spans])
    )  # fmt: skip
    text = dict(title="Incidents by month", caption="72 incidents", source="Source: a report")

    def labels(fig) -> list[str]:
        return [a.hovertext for a in fig.layout.annotations if a.name == "event"]

    def bands(fig) -> int:
        return sum(1 for sh in fig.layout.shapes if sh.name == "event" and sh.type == "rect" and sh.yref != "paper")

    screen = charts.monthly_bars(data, events=events, **text)
    assert sorted(labels(screen)) == sorted(s[0] for s in spans)
    fig = chart_images.title_clearance(charts.monthly_bars(data, events=events, theme="projector", **text))
    assert fig.layout.height <= charts.THEMES["projector"].fit_height
    got = labels(fig)
    assert len(got) == 4  # February, March, July, September
    assert sorted(x for label in got for x in label.split(" · ")) == sorted(s[0] for s in spans)
    periods = sum(1 for s in spans if s[2] is not None)
    assert bands(fig) == bands(screen) == periods


def test_a_long_legend_goes_beside_the_plot_on_a_projector():
    """Seven detention types take three legend rows above a 1000 px plot: on a projector (fixed
    height) the legend is a column on the right and the plot keeps the height; on screen it stays
    above."""
    months = [date(2020, m, 1) for m in range(1, 13)]
    codes = [c for c in DETENTION_TYPE.codes if c != "unknown"][:7]
    data = pd.DataFrame(
        [{"month": m, "key": c, "n": 1, "monitored": True} for m in months for c in codes]
    )  # fmt: skip
    text = dict(title="Detentions by month and type", caption="84 incidents", source="Source: a report")
    kw = dict(vocab=DETENTION_TYPE, kind="detention", **text)
    fig = chart_images.title_clearance(charts.monthly_bars(data, theme="projector", **kw))
    assert fig.layout.legend.orientation == "v" and fig.layout.legend.x == 1.0
    assert fig.layout.margin.r > 200 and fig.layout.height <= charts.THEMES["projector"].fit_height
    screen = charts.monthly_bars(data, **kw)
    assert screen.layout.legend.orientation == "h" and screen.layout.margin.r == 30
