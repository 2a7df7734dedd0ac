"""What the report, the slide deck and presentation mode show: one list, built per filter state.

Every number comes from ``pfd.query.Query`` and every figure from the ``pfd.charts`` builders,
composed as the dashboard pages compose them (same catalogue keys for titles and captions, same
source lines, same notes) so a slide never disagrees with the page it stands for:

- overview: incidents by month and kind (``pages/overview.py``) and documented vs published;
- physical assaults by month and context (``pages/assaults.py``, the page's default view);
- detentions by month and type (``pages/detentions.py``);
- website blockings: the timeline of blocked domains (``pages/blockings.py``);
- court outcomes by month and outcome (``pages/court.py``).

The page scripts hold their composition inline; the few lines each chart needs are repeated
here — numbers are never recomputed, only passed from the query layer to the builder.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from pfd import charts, export, i18n, views
from pfd.filters import Filters
from pfd.query import Query
from pfd.vocab import ASSAULT_CONTEXT, CATEGORY, CATEGORY_SUBCATEGORY, DETENTION_TYPE, OUTCOME, Vocabulary


@dataclass(frozen=True)
class KeyFigure:
    key: str  # stable slug: "overview", "published" or a kind's code
    title: str
    caption: str
    source: str  # the source line drawn inside the figure
    n: int
    fig: go.Figure
    note: str | None = None  # said under the chart (e.g. year-only incidents outside the period)


@dataclass(frozen=True)
class KpiCard:
    key: str
    label: str
    value: str
    change: str  # "+3 · Previous 12 months: 20", or why there is no comparison


def cited_sources(incidents: pd.DataFrame) -> list[str]:
    """Distinct source titles cited by a list of incidents, in order of first citation."""
    names: list[str] = []
    if incidents is None or incidents.empty or "source_titles" not in incidents:
        return names
    for titles in incidents["source_titles"]:
        for title in list(titles) if titles is not None else []:
            if title and title not in names:
                names.append(title)
    return names


def kind_filters(f: Filters, kind: str) -> Filters:
    """A kind page's filter (``views.page_filters``): this kind, and only its own types."""
    subs = tuple(s for s in f.subcategories if s.split(".", 1)[0] == kind)
    return f.with_(categories=(kind,), subcategories=subs)


def _done(kf: KeyFigure) -> KeyFigure:
    export.title_clearance(kf.fig)  # keep a two-line title inside the canvas (in place)
    return kf


# -- the key figures --------------------------------------------------------------------------


def monthly_figure(
    query: Query,
    f: Filters,
    by: str,
    title: str,
    key: str,
    theme: str,
    events: bool,
    vocab: Vocabulary | None = None,
    kind: str | None = None,
) -> KeyFigure:
    """A by-month stacked chart as ``views.monthly_chart`` draws it (note, source line, y title)."""
    lg = f.lang
    incidents = query.incidents(f)
    monthly = query.monthly(f, by)
    n = int(monthly["n"].sum())
    if vocab is None:
        vocab = CATEGORY if by == "category" else CATEGORY_SUBCATEGORY[kind or f.categories[0]][1]
    inside = int((incidents["date_precision"] == "year").sum()) if not incidents.empty else 0
    apart = query.year_only_apart(f)
    dated = incidents[incidents["date_precision"] != "year"] if not incidents.empty else incidents
    caption = f.caption(n)
    source = charts.source_line(cited_sources(dated), n, lg, f.count)
    fig = charts.monthly_bars(
        monthly,
        title=title,
        caption=caption,
        source=source,
        lang=lg,
        vocab=vocab,
        events=query.events(f) if events else None,
        theme=theme,
        kind=kind,
        note=i18n.t("caption.year_only_in", lg, n=i18n.number(inside, lg)) if inside else None,
        y_title=i18n.t(f"chart.y_{f.count}", lg),
    )
    under = i18n.t("caption.year_only", lg, n=i18n.number(apart, lg)) if apart else None
    return _done(KeyFigure(key, title, caption, source, n, fig, under))


def blockings_figure(query: Query, f: Filters, theme: str) -> KeyFigure:
    """The blocked domains' timeline, as on the blockings page (blocks begun earlier included)."""
    lg = f.lang
    fk = kind_filters(f, "website_blocking")
    incidents = query.incidents(fk)
    blocks = query.block_timeline(fk)
    earlier = sorted(set(blocks["incident_id"]) - set(incidents["incident_id"])) if len(blocks) else []
    if earlier:
        incidents = pd.concat([incidents, query.incidents_by_id(fk, tuple(earlier))], ignore_index=True)
    n = int(blocks["domain_key"].nunique()) if len(blocks) else 0
    title = i18n.t("blockings.timeline_title", lg)
    caption = i18n.t("blockings.timeline_caption", lg, n=n, period=i18n.period_label(fk.start, fk.end, lg))
    cited = incidents[incidents["incident_id"].isin(blocks["incident_id"])] if len(blocks) else incidents.iloc[0:0]
    source = charts.source_line(cited_sources(cited), n, lg, "websites")
    fig = charts.block_timeline(
        blocks, start=fk.start, end=fk.end, title=title, caption=caption, source=source, lang=lg, theme=theme
    )
    return _done(KeyFigure("website_blocking", title, caption, source, n, fig))


def key_figures(query: Query, f: Filters, theme: str = "screen", events: bool = True) -> list[KeyFigure]:
    """The overview and each of the four kinds, in the dashboard's page order (see the module doc)."""
    lg = f.lang
    figures = [
        monthly_figure(
            query,
            f,
            "category",
            i18n.t("chart.by_month_title", lg, kind=i18n.t(f"chart.all_{f.count}", lg)),
            "overview",
            theme,
            events,
        )
    ]
    published = published_figure(query, f, theme)
    if published is not None:
        figures.append(published)
    for kind, by, title, vocab in (
        ("physical_assault", "context", "assaults.by_month_context", ASSAULT_CONTEXT),
        ("detention", "subcategory", "detentions.by_month_title", DETENTION_TYPE),
    ):
        fk = kind_filters(f, kind)
        figures.append(monthly_figure(query, fk, by, i18n.t(title, lg), kind, theme, events, vocab, kind))
    figures.append(blockings_figure(query, f, theme))
    fk = kind_filters(f, "court_outcome")
    figures.append(
        monthly_figure(
            query,
            fk,
            "subcategory",
            i18n.t("court.by_month_title", lg),
            "court_outcome",
            theme,
            events,
            OUTCOME,
            fk.categories[0],
        )
    )
    return figures


# -- KPIs -------------------------------------------------------------------------------------


def kpi_fields(f: Filters) -> tuple[tuple[str, str, int], ...]:
    """(catalogue key, ``Query.kpis`` field, decimals): the overview page's cards, both counts shown."""
    people = f.count == "people"
    return (
        ("kpi.incidents", "incidents", 0),
        ("kpi.people", "people", 0),
        ("kpi.assaults", "assaults_people" if people else "assaults", 0),
        ("kpi.detentions", "detentions_people" if people else "detentions", 0),
        ("kpi.websites_blocked", "websites_blocked", 0),
        ("kpi.convictions", "convictions_people" if people else "convictions", 0),
        ("kpi.prison_years", "prison_years", 1),
    )


def kpi_cards(query: Query, f: Filters) -> tuple[list[KpiCard], list[str]]:
    """The KPI cards (with the change against the previous period, when comparable) and the notes
    the overview page prints under them."""
    lg = f.lang
    k = query.kpis(f)
    prev = k.get("previous")
    cards = []
    for label, field, decimals in kpi_fields(f):
        value = k[field]
        if prev is None:
            change = i18n.t("kpi.no_previous", lg)
        else:
            diff = value - prev[field]
            before = i18n.number(prev[field], lg, decimals)
            change = ("+" if diff > 0 else "") + i18n.number(diff, lg, decimals)
            change += " · " + i18n.t("kpi.vs_previous", lg, n=f.months, before=before)
        cards.append(KpiCard(field, i18n.t(label, lg), i18n.number(value, lg, decimals), change))
    notes = []
    if prev is None:
        p = f.previous()
        notes.append(i18n.t("kpi.no_previous_long", lg, period=i18n.period_label(p.start, p.end, lg)))
    if k.get("year_only_in_period"):
        notes.append(i18n.t("kpi.year_only_included", lg, n=i18n.number(k["year_only_in_period"], lg)))
    if k.get("year_only_apart"):
        notes.append(i18n.t("caption.year_only", lg, n=i18n.number(k["year_only_apart"], lg)))
    if k.get("cyberattacks"):
        notes.append(i18n.t("kpi.cyberattacks_apart", lg, n=i18n.number(k["cyberattacks"], lg)))
    return cards, notes


# -- documented vs published ------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedRow:
    figure_id: str
    category: str
    indicator: str  # kind (and type) in words, in the report's language
    period: str
    published: str  # "at least 26 incidents"
    documented: str  # "32 incidents itemised here"
    source: str  # "Title — locator"
    source_title: str
    value: float
    documented_n: int


def published_rows(query: Query, f: Filters) -> tuple[list[PublishedRow], int]:
    """Published figures that have an itemised counterpart here, and how many others were left out.

    ``Query.published_vs_documented`` gives both numbers; ranges are paired and worded as on the
    overview page (``views.pair_ranges``, ``views.figure_in_words``). The figure is named from its
    kind and type codes (the source's own description is in English only).
    """
    lg = f.lang
    pub = views.pair_ranges(query.published_vs_documented(f))
    rows, other = [], 0
    for r in pub.itertuples():
        if not isinstance(r.category, str) or pd.isna(r.documented):
            other += 1
            continue
        what = CATEGORY.label(r.category, lg)
        if isinstance(r.subcategory, str) and r.subcategory:
            what += " · " + CATEGORY_SUBCATEGORY[r.category][1].label(r.subcategory, lg)
        upper = None if pd.isna(r.upper) else float(r.upper)
        unit = i18n.t(f"unit.{r.unit}", lg) if i18n.t(f"unit.{r.unit}", lg) != f"unit.{r.unit}" else str(r.unit)
        locator = f" — {r.source_locator}" if isinstance(r.source_locator, str) and r.source_locator else ""
        rows.append(
            PublishedRow(
                figure_id=str(r.figure_id),
                category=r.category,
                indicator=what,
                period=views.span_label(r.period_start, r.period_end, lg),
                published=f"{views.figure_in_words(float(r.value), r.qualifier, lg, upper)} {unit}",
                documented=i18n.t(
                    "published.documented_n",
                    lg,
                    n=i18n.number(int(r.documented), lg),
                    unit=i18n.t(f"unit.{r.documented_unit}", lg),
                ),
                source=f"{r.source_title}{locator}",
                source_title=str(r.source_title),
                value=float(r.value),
                documented_n=int(r.documented),
            )
        )
    return rows, other


def published_figure(query: Query, f: Filters, theme: str) -> KeyFigure | None:
    """Published figures beside the itemised counts (``charts.documented_vs_published``)."""
    lg = f.lang
    rows, _ = published_rows(query, f)
    if not rows:
        return None
    labels, seen = [], {}
    for r in rows:  # two figures for the same kind and period (e.g. a year and its election weeks)
        label = f"{r.indicator} ({r.period})"  # must not share a bar: number the repeats
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} [{seen[label]}]")
    data = pd.DataFrame(
        {
            "figure_id": [r.figure_id for r in rows],
            "label": labels,
            "category": [r.category for r in rows],
            "value": [r.value for r in rows],
            "value_text": [r.published for r in rows],
            "documented": [r.documented_n for r in rows],
            "documented_text": [r.documented for r in rows],
        }
    )
    title = i18n.t("published.chart_title", lg)
    caption = i18n.t("published.chart_caption", lg, n=len(rows), period=i18n.period_label(f.start, f.end, lg))
    sources = "; ".join(dict.fromkeys(r.source_title for r in rows)) or "—"
    source = i18n.t("published.source_line", lg, sources=sources)
    fig = charts.documented_vs_published(data, title=title, caption=caption, source=source, lang=lg, theme=theme)
    return _done(KeyFigure("published", title, caption, source, len(rows), fig))


def filters_text(f: Filters) -> str:
    """The period and the selection in words, once (title slide, report header, presentation)."""
    parts = [i18n.period_label(f.start, f.end, f.lang)] + f.describe_selection(f.lang)
    if f.is_whole_dataset():
        parts.append(i18n.t("report.whole_dataset", f.lang))
    return " · ".join(parts)
