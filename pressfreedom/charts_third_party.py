"""Chart builders for the third-party context data: a tidy DataFrame in, a ``go.Figure`` out.

* :func:`rsf_rank_figure` — a country's RSF rank over the years ("rank N of M countries"),
  better = higher on the axis, the method changes of 2013 and 2022 marked, and optionally the
  score for one methodology era only (scores are not comparable across eras).
* :func:`ooni_blocking_figure` — OONI anomaly and confirmed shares by month per domain, beside
  the blocking periods documented in the incident data.

No Streamlit here. Every text comes from the app's catalogues (``i18n/{en,ru,az}.toml``, table
``[context_chart]``, via :func:`label`), and every figure has its source line inside (via
``pressfreedom.charts.decorate``).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pressfreedom import i18n
from pressfreedom.charts import SEQUENCE, Theme, _esc, date_ticks, decorate, theme_of
from pressfreedom.third_party import METHOD_CHANGE_YEARS, SCALES
from pressfreedom.vocab import LANGUAGES

RANK_COLOR = SEQUENCE[0]
SCORE_COLOR = SEQUENCE[1]
ANOMALY_COLOR = "#E69F00"  # orange
CONFIRMED_COLOR = "#D55E00"  # vermillion
BLOCKING_FILL = "rgba(0,158,115,0.16)"  # bluish green, light
BLOCKING_LINE = "#009E73"
METHOD_LINE = "#555555"


CATALOGUE_TABLE = "context_chart"  # the catalogues' table that holds this module's texts


def label(key: str, lang: str = "en", count: float | int | None = None, **fmt: object) -> str:
    """The catalogue text ``context_chart.<key>`` in ``lang``; ``count`` picks a plural form."""
    return i18n.t(f"{CATALOGUE_TABLE}.{key}", lang, count=count, **fmt)


def labels(lang: str = "en") -> dict[str, str]:
    """Every text of this module in ``lang`` (plural entries in their generic form), by short key."""
    prefix = CATALOGUE_TABLE + "."
    return {k[len(prefix) :]: v for k, v in i18n.catalogue(i18n.norm_lang(lang)).items() if k.startswith(prefix)}


# read-only view kept for callers of the former module-level dict
LABELS: dict[str, dict[str, str]] = {lang: labels(lang) for lang in LANGUAGES}


def _frame(
    fig: go.Figure, title: str, captions: list[str], source: str, th: Theme, height: int | None = None, lang="en"
) -> go.Figure:
    """``pressfreedom.charts.decorate`` with further caption lines (each its own paragraph of the caption)."""
    fig = decorate(fig, title, captions[0], source, th, note=[c for c in captions[1:] if c], lang=lang)
    if height:
        fig.update_layout(height=height)
    return fig


def _message_figure(message: str, title: str, captions: list[str], source: str, th: Theme) -> go.Figure:
    """A figure that says clearly why there is nothing to show (the message wrapped to the width)."""
    import textwrap

    lines = textwrap.wrap(message, width=70 if th.name != "export" else 90)
    fig = go.Figure()
    fig.add_annotation(
        text="<br>".join(_esc(x) for x in lines),
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font=dict(size=th.font_size + 3),
        name="message",
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _frame(fig, title, captions, source, th)


def era_label(scale: str, lang: str = "en") -> str:
    return label(f"era.{scale}", lang)


def _year_text(row) -> str:
    return str(row.year_label).replace("-", "–") if isinstance(row.year_label, str) else str(row.year)


# -- RSF -----------------------------------------------------------------------------------------


def rsf_rank_figure(
    series: pd.DataFrame,
    lang: str = "en",
    *,
    country: str | None = None,
    score_era: str | None = None,
    theme: str | Theme = "screen",
) -> go.Figure:
    """Rank per index year (from ``pressfreedom.third_party.rsf_series``); y reversed so that better is higher.

    ``country`` is the name for the title (pass ``load_config().country_in(lang)``; default: the
    English name in the data).
    ``score_era`` (one of ``pressfreedom.third_party.SCALES``) adds a lower panel with the scores of that era
    only; its axis is oriented by the data's ``score_direction`` so that better is higher there too.
    """
    th = theme_of(theme)
    data = series.dropna(subset=["rank"]).sort_values("year") if not series.empty else series
    name = country or (str(data["country"].iloc[0]) if not data.empty else None)
    title = label("rsf_title", lang, country=_esc(name)) if name else label("rsf_title_generic", lang)
    captions = [label("rsf_caption", lang), label("rsf_note", lang)]
    source = label("rsf_source", lang, count=len(data))
    if data.empty:
        return _message_figure(label("rsf_empty", lang), title, captions, source, th)
    if score_era is not None and score_era not in SCALES:
        raise ValueError(f"score_era must be one of {SCALES}, not {score_era!r}")
    era = data[data["scale"] == score_era].dropna(subset=["score"]) if score_era else data.iloc[0:0]
    two = not era.empty
    fig = (
        make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.66, 0.34], vertical_spacing=0.08)
        if two
        else go.Figure()
    )
    years = [int(y) for y in data["year"]]
    ranks = [int(r) for r in data["rank"]]
    # each point's rank written above it, where the points are far enough apart; on a narrow
    # chart only the first, the last, the best and the worst (every rank is in the hover)
    plot_px = max(th.assumed_width - 110, 120)
    narrow = plot_px / max(len(years), 1) < th.tick_size * 2.2
    keep: set[int] = set()
    step = plot_px / max(len(years), 1)
    for k in sorted({0, len(ranks) - 1, ranks.index(min(ranks)), ranks.index(max(ranks))} if ranks else set()):
        if all(abs(k - j) * step >= th.tick_size * 2.2 for j in keep):  # never two labels side by side
            keep.add(k)
    hover = [
        label("hover_rank", lang, count=_count(_total(r)), year=_year_text(r), rank=int(r.rank), total=_total(r))
        for r in data.itertuples()
    ]
    rank_trace = go.Scatter(
        x=years,
        y=[int(r) for r in data["rank"]],
        mode="lines+markers+text",
        name=label("rank_trace", lang),
        line=dict(color=RANK_COLOR, width=2.5),
        marker=dict(size=8),
        text=[str(r) if not narrow or k in keep else "" for k, r in enumerate(ranks)],
        # the first and last points write their rank inwards, clear of the axis's labels
        textposition=[
            "top right" if k == 0 else "top left" if k == len(ranks) - 1 else "top center" for k in range(len(ranks))
        ]
        if narrow
        else "top center",
        textfont=dict(size=max(th.tick_size - 2, 9), color=RANK_COLOR),
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        customdata=[[int(r.year), _total(r)] for r in data.itertuples()],
    )
    if two:
        fig.add_trace(rank_trace, row=1, col=1)
    else:
        fig.add_trace(rank_trace)
    total_max = int(pd.to_numeric(data["countries_ranked"], errors="coerce").fillna(data["rank"]).max())
    ymax = max(total_max, int(data["rank"].max()))
    rank_axis = dict(
        title_text=label("rank_axis", lang),
        range=[ymax + max(3, ymax * 0.04), 1 - max(3, ymax * 0.06)],  # reversed: rank 1 at the top
        autorange=False,
        rangemode="normal",
        zeroline=False,
        tickformat="d",
        tickmode="array",
        tickvals=sorted({1, *range(25, ymax - 9, 25), ymax}),
    )
    if two:
        fig.update_yaxes(**rank_axis, row=1, col=1)
    else:
        fig.update_yaxes(**rank_axis)
    if two:
        direction = era["score_direction"].dropna().iloc[0] if era["score_direction"].notna().any() else None
        dir_text = label(direction, lang) if direction else ""
        fig.add_trace(
            go.Scatter(
                x=[int(y) for y in era["year"]],
                y=[float(s) for s in era["score"]],
                mode="lines+markers",
                name=label("score_trace", lang, era=era_label(score_era, lang), direction=dir_text),
                line=dict(color=SCORE_COLOR, width=2),
                hovertext=[
                    label(
                        "hover_score", lang, year=_year_text(r), score=i18n.number(r.score, lang, 2), direction=dir_text
                    )
                    for r in era.itertuples()
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            ),
            row=2,
            col=1,
        )
        fig.update_yaxes(
            title_text=label("score_axis", lang, era=era_label(score_era, lang)),
            autorange="reversed" if direction == "lower_is_better" else True,
            rangemode="normal",
            row=2,
            col=1,
        )
    labels = {int(r.year): _year_text(r) for r in data.itertuples()}
    fig.update_xaxes(
        tickmode="array",
        tickvals=years,
        ticktext=[labels[y] for y in years],
        tickangle=-45 if len(years) > 10 else 0,
        range=[min(years) - 0.6, max(years) + 0.6],
    )
    shown = 0
    for year in METHOD_CHANGE_YEARS:
        x = year - 0.5
        if not min(years) < x < max(years) + 1:
            continue
        shown += 1
        near_right = x > (min(years) + max(years)) / 2 + (max(years) - min(years)) * 0.3
        line = dict(color=METHOD_LINE, width=1.5, dash="dash")
        fig.add_vline(
            x=x,
            line=line,
            annotation_text=f"{_esc(label('method_change', lang))}<br>{year}",
            annotation_position="top left" if near_right else "top right",
            annotation_font_size=max(th.tick_size - 1, 10),
            # on a narrow chart the labels of two changes would meet: each further one two lines lower
            annotation_yshift=-(shown - 1) * 2.6 * max(th.tick_size - 1, 10) if narrow else 0,
            name="method-change",
            **({"row": 1, "col": 1} if two else {}),
        )
        if two:
            fig.add_vline(x=x, line=line, row=2, col=1, name="method-change")
    fig = _frame(fig, title, captions, source, th, height=th.height + 170 if two else None, lang=lang)
    # decorate() starts y axes at zero; keep the reversed rank range and the score axis as set
    if two:
        fig.update_yaxes(**rank_axis, row=1, col=1)
        fig.update_yaxes(rangemode="normal", row=2, col=1)
    else:
        fig.update_yaxes(**rank_axis)
    return fig


def _count(value: int | str) -> int | None:
    """A count for choosing a plural form; None when unknown ("?")."""
    return value if isinstance(value, int) else None


def _total(row) -> int | str:
    value = getattr(row, "countries_ranked", None)
    return int(value) if value is not None and not pd.isna(value) else "?"


# -- OONI ----------------------------------------------------------------------------------------


def _as_date(value: object) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value if isinstance(value, date) else pd.Timestamp(value).date()


def ooni_blocking_figure(
    monthly: pd.DataFrame,
    intervals: pd.DataFrame | None = None,
    lang: str = "en",
    *,
    theme: str | Theme = "screen",
    max_domains: int = 8,
) -> go.Figure:
    """One panel per domain: anomaly and confirmed shares by month (from ``pressfreedom.third_party.ooni_monthly``)
    with the documented blocking periods (``pressfreedom.third_party.blocking_intervals``) shaded behind.

    Shares are plotted at the middle of their month; a period still open at its last report is
    shaded up to ``status_as_of`` and labelled so.
    """
    th = theme_of(theme)
    title = label("ooni_title", lang)
    captions = [label("ooni_caption", lang), label("ooni_note", lang)]
    data = monthly.dropna(subset=["domain"]) if not monthly.empty else monthly
    n = int(data["measurement_count"].sum()) if not data.empty else 0
    source = label("ooni_source", lang, count=n)
    if data.empty or n == 0:
        return _message_figure(label("ooni_empty", lang), title, captions, source, th)
    domains = sorted(data["domain"].unique())[:max_domains]
    fig = make_subplots(
        rows=len(domains),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.08, 0.3 / max(len(domains), 1)),
    )
    months = sorted({_as_date(m) for m in data["month"]})
    first, last = months[0], months[-1]
    end_of_last = (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    for k, domain in enumerate(domains, start=1):
        part = data[data["domain"] == domain].sort_values("month")
        xs = [_as_date(m) + timedelta(days=14) for m in part["month"]]
        for column, count_col, name, color, dash in (
            ("anomaly_share", "anomaly_count", label("anomaly_share", lang), ANOMALY_COLOR, "solid"),
            ("confirmed_share", "confirmed_count", label("confirmed_share", lang), CONFIRMED_COLOR, "dot"),
        ):
            hover = [
                label(
                    "ooni_hover",
                    lang,
                    month=i18n.month_label(_as_date(r.month), lang),
                    label=i18n.in_sentence(name, lang),
                    share="–" if pd.isna(getattr(r, column)) else f"{i18n.number(getattr(r, column) * 100, lang, 1)} %",
                    hits=i18n.number(int(getattr(r, count_col)), lang),
                    total=i18n.number(int(r.measurement_count), lang),
                    count=int(r.measurement_count),
                )
                for r in part.itertuples()
            ]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=[None if pd.isna(v) else float(v) for v in part[column]],
                    mode="lines+markers",
                    name=name,
                    legendgroup=column,
                    showlegend=k == 1,
                    line=dict(color=color, width=2, dash=dash),
                    marker=dict(size=6),
                    hovertext=hover,
                    hovertemplate="%{hovertext}<extra></extra>",
                ),
                row=k,
                col=1,
            )
        fig.update_yaxes(range=[0, 1.05], tickformat=".0%", title_text=_esc(domain), row=k, col=1)
        for r in _intervals_for(intervals, domain):
            start = max(r["start"] or first, first)
            end = min(r["end"] or end_of_last, end_of_last)
            if end < first or start > end_of_last or end < start:
                continue
            text = label("documented_blocking", lang) + (f" ({label('open_ended', lang)})" if r["open_ended"] else "")
            fig.add_vrect(
                x0=start,
                x1=end + timedelta(days=1),
                fillcolor=BLOCKING_FILL,
                line=dict(color=BLOCKING_LINE, width=1, dash="dash" if r["open_ended"] else "solid"),
                layer="below",
                annotation_text=_esc(text),
                annotation_position="top left",
                annotation_font_size=max(th.tick_size - 2, 9),
                row=k,
                col=1,
                name="documented-blocking",
            )
    # a legend entry for the shading
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker=dict(symbol="square", size=14, color=BLOCKING_FILL, line=dict(color=BLOCKING_LINE, width=1)),
            name=label("documented_blocking", lang),
            hoverinfo="skip",
        ),
        row=1,
        col=1,
    )
    fig.update_xaxes(range=[first, end_of_last + timedelta(days=1)], **date_ticks(first, last, lang, th))
    fig = _frame(fig, title, captions, source, th, height=max(th.height, 190 * len(domains) + 230), lang=lang)
    fig.update_yaxes(range=[0, 1.05], rangemode="normal")
    return fig


def _intervals_for(intervals: pd.DataFrame | None, domain: str) -> list[dict]:
    if intervals is None or intervals.empty:
        return []
    part = intervals[intervals["domain"] == domain]
    return [
        {"start": _as_date(r.start), "end": _as_date(r.end), "open_ended": bool(r.open_ended)}
        for r in part.itertuples()
    ]
