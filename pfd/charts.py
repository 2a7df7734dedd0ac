"""Chart builders: a tidy DataFrame in, a ``plotly.graph_objects.Figure`` out.

No Streamlit here: the pages, the offline report and the slide deck all call these. Every
figure carries its title, a caption saying what is shown, and a source line *inside* the
figure, so a PNG downloaded from it (or exported with kaleido) stands on its own.

Themes: ``screen`` (the app), ``projector`` (presentation mode: large type, high contrast),
``export`` (PNG/SVG for slides, 1600 px wide).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from pfd import i18n
from pfd.vocab import CATEGORY, Vocabulary

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
CATEGORY_COLORS: dict[str, str] = {
    "physical_assault": "#D55E00",  # vermillion
    "detention": "#0072B2",  # blue
    "website_blocking": "#009E73",  # bluish green
    "court_outcome": "#CC79A7",  # reddish purple
}
SEQUENCE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#999999"]
UNMONITORED_FILL = "rgba(120,120,120,0.18)"
EVENT_FILL = "rgba(230,159,0,0.14)"  # orange, light
EVENT_LINE = "#B07700"


@dataclass(frozen=True)
class Theme:
    name: str
    font_size: int
    title_size: int
    tick_size: int
    caption_size: int
    width: int | None
    height: int
    font_color: str = "#1a1a1a"
    paper: str = "white"
    grid: str = "#e5e5e5"
    font_family: str = "Noto Sans, DejaVu Sans, Arial, sans-serif"


THEMES: dict[str, Theme] = {
    "screen": Theme("screen", 13, 18, 12, 12, None, 440),
    "projector": Theme("projector", 20, 34, 19, 19, None, 640, font_color="#000000", grid="#bdbdbd"),
    "export": Theme("export", 20, 32, 18, 18, 1600, 900, font_color="#000000"),
}


def theme_of(theme: str | Theme) -> Theme:
    return theme if isinstance(theme, Theme) else THEMES[theme]


# -- frame: title, caption, source line ------------------------------------------------


def decorate(fig: go.Figure, title: str, caption: str, source: str, theme: str | Theme = "screen") -> go.Figure:
    """Title and caption at the top, the source line at the bottom, inside the figure."""
    th = theme_of(theme)
    top = int(th.title_size * 1.3 + th.caption_size * 1.5 + th.font_size * 2.2 + 40)
    bottom = th.caption_size * 2 + 70
    fig.update_layout(
        title=dict(
            text=f"{_esc(title)}<br><span style='font-size:{th.caption_size}px'>{_esc(caption)}</span>",
            x=0.01,
            xanchor="left",
            y=1,
            yref="container",
            yanchor="top",
            pad=dict(t=12),
            font=dict(size=th.title_size, color=th.font_color),
        ),
        font=dict(family=th.font_family, size=th.font_size, color=th.font_color),
        paper_bgcolor=th.paper,
        plot_bgcolor=th.paper,
        margin=dict(l=70, r=30, t=top, b=bottom),
        height=th.height,
        legend=dict(
            orientation="h",
            yanchor="bottom",
            y=1.02,
            xanchor="left",
            x=0,
            font=dict(size=th.font_size),
            traceorder="normal",
        ),
    )
    if th.width:
        fig.update_layout(width=th.width)
    fig.add_annotation(
        text=_esc(source),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-(bottom - 12),
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        align="left",
        font=dict(size=max(th.caption_size - 1, 10), color="#444444"),
        name="source-line",
    )
    fig.update_xaxes(tickfont=dict(size=th.tick_size), gridcolor=th.grid, linecolor="#888")
    fig.update_yaxes(tickfont=dict(size=th.tick_size), gridcolor=th.grid, zerolinecolor="#888", rangemode="tozero")
    return fig


def _esc(text: str) -> str:
    """Plotly renders a subset of HTML in text: escape data-derived text so it stays text."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def source_line(sources: list[str], n: int, lang: str, unit: str = "incidents") -> str:
    """'Source: U.S. Department of State; Azerbaijani media in 2020 · n = 23 incidents'."""
    names = "; ".join(dict.fromkeys(s for s in sources if s)) or i18n.t("chart.no_sources", lang)
    return i18n.t("chart.source_line", lang, sources=names, n=i18n.number(n, lang), unit=i18n.t(f"unit.{unit}", lang))


def empty_figure(message: str, title: str, caption: str, source: str, theme: str | Theme = "screen") -> go.Figure:
    """A figure that says clearly that nothing matches (never an empty axis)."""
    fig = go.Figure()
    fig.add_annotation(
        text=_esc(message), xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font=dict(size=18)
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return decorate(fig, title, caption, source, theme)


# -- month axis ---------------------------------------------------------------------------


def month_position(d: date, months: list[date]) -> float:
    """Where a day falls on a month-index axis (month k spans k-0.5 … k+0.5)."""
    first = months[0]
    k = (d.year - first.year) * 12 + d.month - first.month
    days = calendar.monthrange(d.year, d.month)[1]
    return k - 0.5 + (d.day - 1) / days


def _month_axis(fig: go.Figure, months: list[date], lang: str, theme: Theme) -> None:
    step = 1 if len(months) <= 14 else (3 if len(months) <= 40 else 12)
    ticks = list(range(0, len(months), step))
    fig.update_xaxes(
        tickmode="array",
        tickvals=ticks,
        ticktext=[i18n.month_label(months[k], lang) for k in ticks],
        range=[-0.5, len(months) - 0.5],
        tickangle=-45 if len(months) > 8 and theme.name != "export" else 0,
    )


def add_unmonitored(fig: go.Figure, months: list[date], monitored: list[bool], lang: str) -> None:
    """Grey bands over months outside every source's coverage: 'not monitored', not zero."""
    k = 0
    while k < len(months):
        if monitored[k]:
            k += 1
            continue
        j = k
        while j + 1 < len(months) and not monitored[j + 1]:
            j += 1
        fig.add_vrect(
            x0=k - 0.5,
            x1=j + 0.5,
            fillcolor=UNMONITORED_FILL,
            line_width=0,
            layer="below",
            annotation_text=i18n.t("chart.not_monitored", lang),
            annotation_position="top left",
            annotation_font_size=11,
            name="not-monitored",
        )
        k = j + 1


def add_events(fig: go.Figure, events: pd.DataFrame, months: list[date], lang: str) -> None:
    """Context periods as labelled bands, single days as labelled lines."""
    if events is None or events.empty:
        return
    lo, hi = -0.5, len(months) - 0.5
    for r in events.itertuples():
        label = getattr(r, f"label_{lang}", None) or r.label_en
        x0 = max(lo, month_position(r.start, months))
        end = r.end if isinstance(r.end, date) else None
        if end is None or end == r.start:
            if lo <= x0 <= hi:
                fig.add_vline(
                    x=x0,
                    line=dict(color=EVENT_LINE, width=2, dash="dot"),
                    annotation_text=_esc(label),
                    annotation_position="top right",
                    annotation_font_size=11,
                    name="event",
                )
            continue
        x1 = min(hi, month_position(end, months) + 1 / 31)
        if x1 <= lo or x0 >= hi:
            continue
        fig.add_vrect(
            x0=x0,
            x1=x1,
            fillcolor=EVENT_FILL,
            line_width=0,
            layer="below",
            annotation_text=_esc(label),
            annotation_position="top left",
            annotation_font_size=11,
            name="event",
        )


# -- builders ---------------------------------------------------------------------------


def monthly_bars(
    data: pd.DataFrame,
    *,
    title: str,
    caption: str,
    source: str,
    lang: str = "en",
    vocab: Vocabulary = CATEGORY,
    colors: dict[str, str] | None = None,
    events: pd.DataFrame | None = None,
    theme: str | Theme = "screen",
    y_title: str | None = None,
) -> go.Figure:
    """Stacked bars per month; ``data``: month, key, n, monitored (from ``Query.monthly``).

    Every month of the period is on the axis (zeros included); months outside all sources'
    coverage are shaded "not monitored". ``customdata`` carries (month ISO, key) so that a
    selection in the chart can filter the incident list.
    """
    th = theme_of(theme)
    if data.empty or int(data["n"].sum()) == 0:
        return empty_figure(i18n.t("chart.empty", lang), title, caption, source, th)
    months = sorted(data["month"].unique())
    index = {m: k for k, m in enumerate(months)}
    colors = colors or (CATEGORY_COLORS if vocab is CATEGORY else {})
    fig = go.Figure()
    keys = [k for k in vocab.codes if k in set(data["key"].dropna())] + sorted(
        set(data["key"].dropna()) - set(vocab.codes)
    )
    for i, key in enumerate(keys):
        part = data[data["key"] == key].sort_values("month")
        fig.add_bar(
            x=[index[m] for m in part["month"]],
            y=part["n"].tolist(),
            name=vocab.label(key, lang),
            marker_color=colors.get(key, SEQUENCE[i % len(SEQUENCE)]),
            customdata=[[m.isoformat(), key] for m in part["month"]],
            hovertemplate="%{fullData.name}: %{y}<extra></extra>",
        )
    fig.update_layout(barmode="stack", bargap=0.15, clickmode="event+select", dragmode="select")
    _month_axis(fig, months, lang, th)
    fig.update_yaxes(
        title_text=y_title or i18n.t("chart.y_incidents", lang), rangemode="tozero", tickformat=",d", dtick=_dtick(data)
    )
    monitored = data.groupby("month")["monitored"].first().reindex(months).tolist()
    add_unmonitored(fig, months, monitored, lang)
    add_events(fig, events, months, lang)
    return decorate(fig, title, caption, source, th)


def _dtick(data: pd.DataFrame) -> int | None:
    """Whole-number ticks for counts (no 0.5 incidents on the axis)."""
    peak = int(data.groupby("month")["n"].sum().max()) if not data.empty else 0
    return 1 if peak <= 8 else None


def horizontal_bars(
    data: pd.DataFrame,
    *,
    title: str,
    caption: str,
    source: str,
    lang: str = "en",
    vocab: Vocabulary | None = None,
    color: str = "#0072B2",
    theme: str | Theme = "screen",
    x_title: str | None = None,
) -> go.Figure:
    """Ranked counts; ``data``: key, n. Vocabulary codes are labelled, names shown as recorded."""
    th = theme_of(theme)
    if data.empty or int(data["n"].sum()) == 0:
        return empty_figure(i18n.t("chart.empty", lang), title, caption, source, th)
    data = data.sort_values(["n", "key"], ascending=[True, False])
    labels = [vocab.label(k, lang) if vocab else _esc(str(k)) for k in data["key"]]
    fig = go.Figure(
        go.Bar(
            x=data["n"].tolist(),
            y=labels,
            orientation="h",
            marker_color=color,
            customdata=[[str(k)] for k in data["key"]],
            text=data["n"].tolist(),
            textposition="outside",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_layout(clickmode="event+select", showlegend=False)
    fig.update_xaxes(title_text=x_title or i18n.t("chart.y_incidents", lang), rangemode="tozero")
    decorate(fig, title, caption, source, th)
    fig.update_layout(height=max(th.height, 120 + 34 * len(labels)))
    return fig
