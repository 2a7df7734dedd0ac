"""The dashboard's figures, composed once: pages, chart images, presentation mode, report and deck.

A figure function takes the filter state and ``data`` — a query-layer accessor,
``data(method, filters, *args)``: ``webapp.app.data`` on the pages (cached per build and filter
state), :func:`from_query` for the report and the deck (a ``Query`` called directly) — and returns
a :class:`KeyFigure`: the title, caption, source line and count said about it, and ``build``, a
function ``theme -> go.Figure`` that calls the ``pressfreedom.charts`` builder. The page draws
``build("screen")``, presentation mode ``build("projector")``, a PNG/SVG download and a slide
``build("export")`` — the same numbers through the same code, never a second composition and never
a re-themed copy.

The key figures (:func:`key_figures`, in the dashboard's page order) are what the report, the deck
and presentation mode show:

- overview: incidents by month and kind, and documented vs published;
- physical assaults by month and context (the assaults page's default view);
- detentions by month and type;
- website blockings: the timeline of blocked domains;
- court outcomes by month and outcome.

Numbers are never recomputed here, only passed from the query layer to the builder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property, partial
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from pressfreedom import charts, i18n, wording
from pressfreedom.filters import Filters
from pressfreedom.query import Query
from pressfreedom.vocab import (
    ASSAULT_CONTEXT,
    BLOCKING_TYPE,
    CATEGORY,
    CATEGORY_SUBCATEGORY,
    CUSTODY_STATUS,
    DETENTION_TYPE,
    OFFENCE,
    OUTCOME,
    VICTIM_ROLE,
    Vocabulary,
)

DataFn = Callable[..., Any]  # data(method, filters, *args) -> what Query.<method>(filters, *args) returns
Builder = Callable[[str], go.Figure]  # theme name -> a new figure


def from_query(query: Query) -> DataFn:
    """A ``data`` accessor over a ``Query`` (the report, the deck, presentation mode)."""

    def data(method: str, f: Filters, *args: Any) -> Any:
        return getattr(query, method)(f, *args)

    return data


@dataclass(frozen=True)
class KeyFigure:
    """One chart: what is said about it, and how to draw it in any theme."""

    key: str  # stable slug: "overview", "published", a kind's code, a page chart's name
    title: str
    caption: str
    source: str  # the source line drawn inside the figure
    n: int
    build: Builder  # theme -> figure, from the same data and the same chart builder
    note: str | None = None  # said under the chart (e.g. year-only incidents outside the period)
    theme: str = "screen"  # the theme of ``fig``
    # a chart that grows with its rows: (theme, rows, "1/2") -> the figure of those rows only
    part: Callable[[str, slice, str], go.Figure] | None = None

    @cached_property
    def fig(self) -> go.Figure:
        """The figure in ``theme``, its two-line title kept inside the canvas (built once)."""
        from pressfreedom import chart_images

        return chart_images.title_clearance(self.build(self.theme))

    def themed(self, theme: str) -> KeyFigure:
        """The same figure for another theme (built anew on first use of ``fig``)."""
        return replace(self, theme=theme)

    def fitted(self, theme: str) -> list[KeyFigure]:
        """The figure for ``theme``; one that grows with its rows and would be taller than the
        theme's screen (``fit_height``: a projector, a slide) as parts of whole rows, as even as
        possible, each titled with its place ("1/2"): every row stays legible and on screen."""
        kf = self.themed(theme)
        fit = charts.theme_of(theme).fit_height
        if self.part is None or fit is None or kf.fig.layout.height <= fit:
            return [kf]
        meta = kf.fig.layout.meta or {}
        rows, row = int(meta.get("rows", 0)), int(meta.get("row_px", 0))
        if rows < 2 or row <= 0:
            return [kf]
        fixed = kf.fig.layout.height - rows * row
        n = -(-rows // max(1, (fit - fixed) // row))
        while True:  # a part's own title ("… (1/3)") may take a line more: one more part then
            cuts = [rows * k // n for k in range(n + 1)]  # as even as possible
            parts = [
                replace(
                    kf,
                    key=self.key if k == 0 else f"{self.key}-{k + 1}",
                    build=partial(_part_builder, self.part, slice(cuts[k], cuts[k + 1]), f"{k + 1}/{n}"),
                )
                for k in range(n)
            ]
            if n >= rows or all(p.fig.layout.height <= fit for p in parts):
                return parts
            n += 1


def _part_builder(part: Callable[[str, slice, str], go.Figure], rows: slice, place: str, theme: str) -> go.Figure:
    return part(theme, rows, place)


@dataclass(frozen=True)
class KpiCard:
    """One number as every surface shows it (page card, presentation slide, report, deck): the
    strings are made here, once, by the one formatter (``i18n.number``)."""

    key: str  # the ``Query.kpis`` field (or the figure's own name on kind pages)
    label: str
    value: str
    change: str = ""  # "+3 · Previous 12 months: 20", or why there is no comparison ("" on kind pages)
    delta: str | None = None  # the signed change alone ("+3", "0"); None when not comparable
    help: str = ""  # what is counted (and, for KPIs, the comparison)


def cited_sources(incidents: pd.DataFrame) -> list[str]:
    """Distinct source titles cited by a list of incidents, in order of first citation."""
    if incidents is None or incidents.empty or "source_titles" not in incidents:
        return []
    return cited_titles(incidents["source_titles"])


def cited_titles(title_lists: Iterable) -> list[str]:
    """Distinct titles of a sequence of incidents' source-title lists, in order of first citation."""
    names: dict[str, None] = {}  # (insertion-ordered; a dict, not a list, to look titles up: 100k rows)
    for titles in title_lists:
        for title in titles if titles is not None else ():
            if title:
                names.setdefault(title, None)
    return list(names)


def kind_filters(f: Filters, kind: str) -> Filters:
    """A kind page's filter (``sections.page_filters``): this kind, and only its own types."""
    subs = tuple(s for s in f.subcategories if s.split(".", 1)[0] == kind)
    return f.with_(categories=(kind,), subcategories=subs)


# -- by month -----------------------------------------------------------------------------------


def monthly_figure(
    data: DataFn,
    f: Filters,
    by: str,
    title: str,
    key: str,
    *,
    events: bool = True,
    vocab: Vocabulary | None = None,
    kind: str | None = None,
    incidents: pd.DataFrame | None = None,
) -> KeyFigure:
    """Stacked bars per month (``charts.monthly_bars``) with the context periods, the year-only
    incidents said inside (counted) and under the chart (left out), and the source line.

    ``incidents``: the filtered incident list when the caller has it already (pages).
    """
    lg = f.lang
    grain = f.time_grain
    title = i18n.grain_title(title, grain, lg)
    if incidents is None:
        incidents = data("incidents", f)
    monthly = data("by_period", f, by)
    n = int(monthly["n"].sum())
    if vocab is None:
        vocab = CATEGORY if by == "category" else CATEGORY_SUBCATEGORY[kind or f.categories[0]][1]
    # at year grain the year-only incidents of the period are drawn in their year's bar
    inside = int((incidents["date_precision"] == "year").sum()) if not incidents.empty and grain != "year" else 0
    apart = int(data("year_only_apart", f))
    dated = incidents[incidents["date_precision"] != "year"] if grain != "year" and not incidents.empty else incidents
    caption = f.caption(n)
    if "partial" in set(monthly["coverage"]):
        caption = i18n.t("kpi.at_least", lg, n=caption)
    source = charts.source_line(cited_sources(dated), n, lg, f.count)
    # context periods are days to months long: at quarter or year steps their labels would pile
    # up on one bar, so they are drawn at month steps only (and the note says so)
    context = data("events", f) if events and grain == "month" else None
    note = i18n.t("caption.year_only_in", lg, count=inside) if inside else None
    if events and grain != "month" and len(data("events", f)):
        note = " ".join(x for x in (note, i18n.t("chart.events_month_only", lg)) if x)

    def build(theme: str) -> go.Figure:
        return charts.monthly_bars(
            monthly,
            title=title,
            caption=caption,
            source=source,
            lang=lg,
            vocab=vocab,
            events=context,
            theme=theme,
            kind=kind,
            note=note,
            y_title=i18n.t(f"chart.y_{f.count}", lg),
            grain=grain,
        )

    under = i18n.t("caption.year_only", lg, count=apart) if apart else None
    return KeyFigure(key, title, caption, source, n, build, under)


def overview_monthly(data: DataFn, f: Filters, events: bool = True, incidents=None) -> KeyFigure:
    """All incidents (or people) by month and kind."""
    title = i18n.t("chart.by_month_title", f.lang, kind=i18n.t(f"chart.all_{f.count}", f.lang))
    return monthly_figure(data, f, "category", title, "overview", events=events, incidents=incidents)


def kind_monthly(data: DataFn, f: Filters, kind: str, by: str, events: bool = True, incidents=None) -> KeyFigure:
    """A kind page's by-month chart (``f``: the kind page's filter, see ``kind_filters``).

    Assaults by context (the page's default) or type, detentions by type, court outcomes by outcome.
    """
    titles = {
        ("physical_assault", "context"): ("assaults.by_month_context", ASSAULT_CONTEXT),
        ("physical_assault", "subcategory"): ("assaults.by_month_type", None),
        ("detention", "subcategory"): ("detentions.by_month_title", DETENTION_TYPE),
        ("court_outcome", "subcategory"): ("court.by_month_title", OUTCOME),
    }
    title_key, vocab = titles[(kind, by)]
    return monthly_figure(
        data,
        f,
        by,
        i18n.t(title_key, f.lang),
        kind if (kind, by) != ("physical_assault", "subcategory") else f"{kind}-type",
        events=events,
        vocab=vocab,
        kind=kind,
        incidents=incidents,
    )


# -- website blockings ---------------------------------------------------------------------------


def blocking_incidents(data: DataFn, f: Filters, blocks: pd.DataFrame) -> pd.DataFrame:
    """The period's blocking incidents plus those of blocks begun earlier that still held."""
    incidents = data("incidents", f)
    earlier = sorted(set(blocks["incident_id"]) - set(incidents["incident_id"])) if len(blocks) else []
    if earlier:
        incidents = pd.concat([incidents, data("incidents_by_id", f, tuple(earlier))], ignore_index=True)
    return incidents


def blockings_figure(data: DataFn, f: Filters, blocks=None, incidents=None) -> KeyFigure:
    """The blocked domains' timeline (``f``: the blockings page's filter), blocks begun earlier included."""
    lg = f.lang
    if blocks is None:
        blocks = data("block_timeline", f)
    if incidents is None:
        incidents = blocking_incidents(data, f, blocks)
    n = int(blocks["domain_key"].nunique()) if len(blocks) else 0
    title = i18n.t("blockings.timeline_title", lg)
    caption = i18n.t("blockings.timeline_caption", lg, count=n, period=i18n.period_label(f.start, f.end, lg))
    cited = incidents[incidents["incident_id"].isin(blocks["incident_id"])] if len(blocks) else incidents.iloc[0:0]
    source = charts.source_line(cited_sources(cited), n, lg, "websites")

    def build(theme: str) -> go.Figure:
        return charts.block_timeline(
            blocks, start=f.start, end=f.end, title=title, caption=caption, source=source, lang=lg, theme=theme
        )

    def part(theme: str, rows: slice, place: str) -> go.Figure:  # some of the domains, in the same order
        domains = list(dict.fromkeys(blocks["domain_key"]))[rows]
        some = blocks[blocks["domain_key"].isin(domains)]
        return charts.block_timeline(
            some,
            start=f.start,
            end=f.end,
            title=f"{title} ({place})",
            caption=caption,
            source=source,
            lang=lg,
            theme=theme,
        )

    return KeyFigure("website_blocking", title, caption, source, n, build, part=part)


# -- ranked counts -------------------------------------------------------------------------------


def breakdown_figure(
    data: DataFn,
    f: Filters,
    column: str,
    title: str,
    key: str,
    incidents: pd.DataFrame,
    vocab: Vocabulary | None = None,
    kind: str | None = None,
    top: int | None = None,
    width_hint: int | None = None,
    exclude: Iterable[str] = (),
) -> KeyFigure:
    """Counts (incidents or people, per ``f.count``) by one column, ranked (``charts.horizontal_bars``)."""
    lg = f.lang
    counts = data("breakdown", f, column)
    counts = counts[~counts["key"].isin(list(exclude))]
    if top is not None:
        counts = counts.head(top)
    n = int(counts["n"].sum()) if not counts.empty else 0
    caption = f.caption(n)
    source = charts.source_line(cited_sources(incidents), n, lg, f.count)

    def build(theme: str) -> go.Figure:
        return charts.horizontal_bars(
            counts,
            title=title,
            caption=caption,
            source=source,
            lang=lg,
            vocab=vocab,
            color=charts.kind_color(kind),
            theme=theme,
            x_title=i18n.t(f"chart.y_{f.count}", lg),
            width_hint=width_hint,
        )

    return KeyFigure(key, title, caption, source, n, build)


# -- court: verdicts per case and sentence lengths -----------------------------------------------

VERDICT_STATUSES = ("conviction", "overturned", "acquittal")  # ``Query.court_cases`` status, in order
# sentence-length bins in months: (key, lower bound inclusive, upper bound exclusive)
SENTENCE_BINS = (
    ("lt1", 0, 12),
    ("1-3", 12, 36),
    ("3-5", 36, 60),
    ("5-7", 60, 84),
    ("7-10", 84, 120),
    ("10+", 120, None),
)


OFFENCES_NAMED = 7  # offences drawn by name in the chart by year; the others are "other charge"


def offences_figure(data: DataFn, f: Filters, incidents: pd.DataFrame) -> KeyFigure:
    """Which offences people are charged with, by year (``Query.offences_by_year``), with the
    coverage of detentions and court outcomes shaded as on the other time charts."""
    lg = f.lang
    table = data("offences_by_year", f)
    # the most frequent offences by name, the rest as "other charge" (twenty stacked colours are
    # not readable); "unknown" and "not a charge" keep their own bars
    totals = table.groupby("key")["n"].sum().sort_values(ascending=False)
    keep = [k for k in totals.index if totals[k] > 0 and k not in ("other", "unknown", "not_criminal")][:OFFENCES_NAMED]
    table = table.assign(key=[k if k in keep or k in ("unknown", "not_criminal") else "other" for k in table["key"]])
    table = table.groupby(["month", "key"], as_index=False, sort=False).agg(
        n=("n", "sum"), coverage=("coverage", "first"), monitored=("monitored", "first")
    )
    order = [*keep, "other", "not_criminal", "unknown"]
    colors = {k: charts.SEQUENCE[i % len(charts.SEQUENCE)] for i, k in enumerate(keep)}
    colors |= {"other": charts.NEUTRAL, "not_criminal": "#CFCFCF", "unknown": charts.UNKNOWN_COLOR}
    n = int(table["n"].sum())
    title = i18n.t("court.offences_title", lg)
    caption = i18n.t("court.offences_caption", lg, count=n, period=i18n.period_label(f.start, f.end, lg))
    if "partial" in set(table["coverage"]):
        caption = i18n.t("kpi.at_least", lg, n=caption)
    charged = incidents[incidents["category"].isin(["detention", "court_outcome"])] if len(incidents) else incidents
    source = charts.source_line(cited_sources(charged), n, lg, "people")

    def build(theme: str) -> go.Figure:
        return charts.monthly_bars(
            table,
            title=title,
            caption=caption,
            source=source,
            lang=lg,
            vocab=OFFENCE,
            kind="court_outcome",
            colors=colors,
            labels={k: OFFENCE.label(k, lg) for k in order},
            theme=theme,
            y_title=i18n.t("chart.y_people", lg),
            grain="year",
        )

    return KeyFigure("court-offences", title, caption, source, n, build, i18n.t("court.offences_note", lg))


def verdict_counts(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases by verdict status (``Query.court_cases``): key, n, case_keys — every status, zeros too."""
    keys = [list(cases.loc[cases["status"] == s, "case_key"]) if len(cases) else [] for s in VERDICT_STATUSES]
    return pd.DataFrame({"key": VERDICT_STATUSES, "n": [len(k) for k in keys], "case_keys": keys})


def sentence_bins(cases: pd.DataFrame) -> pd.DataFrame:
    """Standing custodial convictions by sentence length: key, n, case_keys — every bin, zeros
    too, and "unknown" (term not stated) when there is any."""
    custodial = cases[(cases["status"] == "conviction") & cases["custodial"]] if len(cases) else cases
    months = custodial["sentence_months"] if len(custodial) else pd.Series(dtype="float64")
    keys, members = [], []
    for key, lo, hi in SENTENCE_BINS:
        hit = (months >= lo) & ((months < hi) if hi is not None else True)
        keys.append(key)
        members.append(list(custodial.loc[hit[hit].index, "case_key"]))
    unknown = list(custodial.loc[months.isna(), "case_key"]) if len(custodial) else []
    if unknown:
        keys.append("unknown")
        members.append(unknown)
    return pd.DataFrame({"key": keys, "n": [len(m) for m in members], "case_keys": members})


def verdict_label(key: str, lang: str) -> str:
    return i18n.t(f"court.status_{key}", lang)


def sentence_bin_label(key: str, lang: str) -> str:
    if key == "unknown":
        return i18n.t("court.bin_unknown", lang)
    if key == "lt1":
        return i18n.t("court.bin_lt1", lang)
    if key == "10+":
        return i18n.t("court.bin_10plus", lang)
    lo, hi = next((lo, hi) for k, lo, hi in SENTENCE_BINS if k == key)
    return i18n.t("court.bin_range", lang, a=lo // 12, b=hi // 12)


def verdicts_figure(f: Filters, verdicts: pd.DataFrame, incidents: pd.DataFrame, width_hint=None) -> KeyFigure:
    """Cases by verdict after appeals (``verdict_counts``): standing convictions, convictions
    later overturned, acquittals."""
    lg = f.lang
    n = int(verdicts["n"].sum())
    caption = i18n.t("court.verdicts_caption", lg, count=n, period=i18n.period_label(f.start, f.end, lg))
    labels = {s: verdict_label(s, lg) for s in VERDICT_STATUSES}
    title = i18n.t("court.verdicts_title", lg)
    return _case_columns("court-verdicts", f, verdicts, title, caption, labels, "court.y_cases", incidents, width_hint)


def sentences_figure(f: Filters, bins: pd.DataFrame, incidents: pd.DataFrame, k: dict, width_hint=None) -> KeyFigure:
    """Standing custodial sentences by length (``sentence_bins``); the caption's years are the
    prison-years KPI's (``Query.kpis`` ``k``, rounded as its card), not summed again here."""
    lg = f.lang
    caption = i18n.t(
        "court.sentences_caption",
        lg,
        sentences=i18n.t("court.n_sentences", lg, count=int(bins["n"].sum())),
        years=i18n.t("court.n_years", lg, count=i18n.rounded(k["prison_years"], 1)),
        period=i18n.period_label(f.start, f.end, lg),
    )
    labels = {key: sentence_bin_label(key, lg) for key in bins["key"]}
    title = i18n.t("court.sentences_title", lg)
    return _case_columns(
        "court-sentences", f, bins, title, caption, labels, "court.y_sentences", incidents, width_hint, uniform=True
    )


def _case_columns(
    key: str,
    f: Filters,
    counts: pd.DataFrame,
    title: str,
    caption: str,
    labels: dict[str, str],
    y_title: str,
    incidents: pd.DataFrame,
    width_hint: int | None,
    uniform: bool = False,
) -> KeyFigure:
    """Court cases counted per key (``charts.column_bars``), the source line naming the sources of ``incidents``."""
    n = int(counts["n"].sum())
    source = charts.source_line(cited_sources(incidents), n, f.lang, "cases")

    def build(theme: str) -> go.Figure:
        return charts.column_bars(
            counts[["key", "n"]],
            title=title,
            caption=caption,
            source=source,
            lang=f.lang,
            labels=labels,
            kind="court_outcome",
            y_title=i18n.t(y_title, f.lang),
            theme=theme,
            width_hint=width_hint,
            uniform=uniform,
        )

    return KeyFigure(key, title, caption, source, n, build)


# -- the key figures ------------------------------------------------------------------------------


def key_figures(query: Query, f: Filters, theme: str = "screen", events: bool = True) -> list[KeyFigure]:
    """The overview and each of the four kinds, in the dashboard's page order (see the module doc)."""
    data = from_query(query)
    figures = [overview_monthly(data, f, events)]
    published = published_figure(f, query.published_vs_documented(f))
    if published is not None:
        figures.append(published)
    figures.append(kind_monthly(data, kind_filters(f, "physical_assault"), "physical_assault", "context", events))
    figures.append(kind_monthly(data, kind_filters(f, "detention"), "detention", "subcategory", events))
    figures.append(blockings_figure(data, kind_filters(f, "website_blocking")))
    figures.append(kind_monthly(data, kind_filters(f, "court_outcome"), "court_outcome", "subcategory", events))
    return [part for kf in figures for part in kf.fitted(theme)]


# -- KPIs -------------------------------------------------------------------------------------


# which kinds of incident each KPI counts (its coverage decides whether it is a floor); "" = the
# kinds selected (all when none)
KPI_KIND = {
    "incidents": "",
    "people": "",
    "assaults": "physical_assault",
    "detentions": "detention",
    "websites_blocked": "website_blocking",
    "convictions": "court_outcome",
    "prison_years": "court_outcome",
}

KpiSpec = tuple[str, str, int, str]
NOT_KNOWN = "—"  # a figure over a period no source covers, with nothing found: not zero


def floor_value(value: float | int, level: str, lg: str, decimals: int = 0) -> str:
    """A figure as its coverage allows: the number over a fully covered period, "at least N" over a
    partly covered one (a floor), and a dash where no source covers the period and nothing was
    found (nothing is known; "0" would read as none happened)."""
    if level == "none" and not value:
        return NOT_KNOWN
    shown = i18n.number(value, lg, decimals)
    return (
        shown if level == "full" else i18n.t("kpi.at_least", lg, n=shown)
    )  # (label key, ``Query.kpis`` field, decimals, help key)


def kpi_fields(f: Filters, page: bool = False) -> tuple[KpiSpec, ...]:
    """The KPI cards: the report and the deck show both totals (incidents and people); the
    overview page shows the one its count unit names."""
    people = f.count == "people"
    fields = (
        ("kpi.incidents", "incidents", 0, "kpi.help_total"),
        ("kpi.people", "people", 0, "kpi.help_total"),
        ("kpi.assaults", "assaults_people" if people else "assaults", 0, "kpi.help_assaults"),
        ("kpi.detentions", "detentions_people" if people else "detentions", 0, "kpi.help_detentions"),
        ("kpi.websites_blocked", "websites_blocked", 0, "kpi.help_websites"),
        ("kpi.convictions", "convictions_people" if people else "convictions", 0, "kpi.help_convictions"),
        ("kpi.prison_years", "prison_years", 1, "kpi.help_prison"),
    )
    if page:
        fields = tuple(x for x in fields if x[1] != ("incidents" if people else "people"))
    return fields


def _signed(diff, lg: str, decimals: int) -> str:
    # "0" is shown neutral (Streamlit gives "0.0" an up arrow)
    return "0" if diff == 0 else ("+" if diff > 0 else "") + i18n.number(diff, lg, decimals)


def kpi_cards(k: dict | Query, f: Filters, page: bool = False) -> tuple[list[KpiCard], list[str]]:
    """The KPI cards (with the change against the previous period, when comparable) and the notes
    printed under them. ``k``: ``Query.kpis(f)`` (or the query, which is asked for it).

    The change is the difference of the two numbers as shown (4.3 vs 4.1 → +0.2), so a reader who
    subtracts the printed figures gets the printed change."""
    if not isinstance(k, dict):
        k = k.kpis(f)
    lg = f.lang
    prev = k.get("previous")
    cards = []
    levels = k.get("coverage") or {}
    for label, field, decimals, help_key in kpi_fields(f, page):
        value = k[field]
        shown = floor_value(value, levels.get(KPI_KIND.get(field.removesuffix("_people"), ""), "full"), lg, decimals)
        delta = None
        if prev is None:
            change = compare = i18n.t("kpi.no_previous", lg)
        else:
            delta = _signed(i18n.rounded(value, decimals) - i18n.rounded(prev[field], decimals), lg, decimals)
            compare = i18n.t("kpi.vs_previous", lg, count=f.months, before=i18n.number(prev[field], lg, decimals))
            change = f"{delta} · {compare}"
        help_text = f"{i18n.t(help_key, lg)}\n\n{compare}".strip()
        cards.append(KpiCard(field, i18n.t(label, lg), shown, change, delta, help_text))
    notes = []
    if any(v != "full" for v in levels.values()):
        notes.append(i18n.t("kpi.partial_note", lg))
    if any(c.value == NOT_KNOWN for c in cards):
        notes.append(i18n.t("kpi.none_note", lg))
    if prev is None:
        p = f.previous()
        notes.append(i18n.t("kpi.no_previous_long", lg, period=i18n.period_label(p.start, p.end, lg)))
    if k.get("year_only_in_period") and f.time_grain != "year":  # (at year grain the chart draws them)
        notes.append(i18n.t("kpi.year_only_included", lg, count=k["year_only_in_period"]))
    if k.get("year_only_apart"):
        notes.append(i18n.t("caption.year_only", lg, count=k["year_only_apart"]))
    if k.get("cyberattacks"):
        notes.append(i18n.t("kpi.cyberattacks_apart", lg, n=i18n.number(k["cyberattacks"], lg)))
    return cards, notes


def incidents_behind_cards(
    incidents: pd.DataFrame, cases: pd.DataFrame, websites: pd.DataFrame
) -> list[tuple[str, pd.DataFrame]]:
    """The incidents behind each overview card, in the cards' order (for "Which incidents?"): by
    the rule each number counts with — every incident, the kind's, the block episodes holding at
    the period's end (``websites``: ``Query.blocked_at_end``'s incidents), the decisions of the
    cases counted as convictions, and those of the custodial verdicts (``Query.court_cases``)."""
    nothing = incidents.iloc[0:0]

    def of_cases(mask) -> pd.DataFrame:
        return incidents[incidents["incident_id"].isin(cases.loc[mask, "incident_id"])] if len(cases) else nothing

    return [
        ("total", incidents),
        ("assaults", incidents[incidents["category"] == "physical_assault"]),
        ("detentions", incidents[incidents["category"] == "detention"]),
        ("websites", websites),
        ("convictions", of_cases(cases["status"] == "conviction") if len(cases) else nothing),
        ("prison", of_cases(cases["custodial"]) if len(cases) else nothing),
    ]


def _card(
    key: str, value: float | int, lg: str, help_key: str | None = None, decimals: int = 0, level: str = "full"
) -> KpiCard:
    """A kind page's card; ``level``: the coverage of the page's kind in the period (a floor unless full)."""
    return KpiCard(
        key, i18n.t(key, lg), floor_value(value, level, lg, decimals), help=i18n.t(help_key, lg) if help_key else ""
    )


def _level(k: dict, kind: str) -> str:
    return (k.get("coverage") or {}).get(kind, "full")


def assault_cards(k: dict, harm: dict[str, pd.DataFrame], f: Filters) -> list[KpiCard]:
    """The assaults page's cards; ``harm``: the ``injured`` and ``equipment`` breakdowns."""
    lg = f.lang
    lvl = _level(k, "physical_assault")
    yes = {q: int(d.loc[d["key"] == "yes", "n"].sum()) if len(d) else 0 for q, d in harm.items()}
    return [
        _card("kpi.assaults", k["assaults"], lg, level=lvl),
        _card("assaults.people_assaulted", k["assaults_people"], lg, level=lvl),
        _card("assaults.injured_yes", yes["injured"], lg, "assaults.stated_help", level=lvl),
        _card("assaults.equipment_yes", yes["equipment"], lg, "assaults.stated_help", level=lvl),
    ]


def detention_cards(k: dict, days: dict, f: Filters) -> list[KpiCard]:
    """The detentions page's cards; ``days``: ``Query.detention_days``."""
    lg = f.lang
    lvl = _level(k, "detention")
    return [
        _card("kpi.detentions", k["detentions"], lg, level=lvl),
        _card("detentions.people_detained", k["detentions_people"], lg, level=lvl),
        _card("detentions.admin_days", days["days"], lg, "detentions.admin_days_help", level=lvl),
        _card("detentions.admin_no_days", days["without_days"], lg, "detentions.admin_no_days_help", level=lvl),
    ]


def blocking_cards(k: dict, f: Filters) -> list[KpiCard]:
    lg = f.lang
    lvl = _level(k, "website_blocking")
    return [
        _card("kpi.websites_blocked", k["websites_blocked"], lg, "kpi.help_websites", level=lvl),
        _card("blockings.new_blocks", k["blocking_incidents"], lg, level=lvl),
        _card("blockings.cyberattacks", k["cyberattacks"], lg, level=lvl),
    ]


def court_cards(k: dict, fines: pd.DataFrame, f: Filters) -> list[list[KpiCard]]:
    """The court page's two rows of cards (decisions; prison years and fines)."""
    lg = f.lang
    lvl = _level(k, "court_outcome")
    people = f.count == "people"
    n_fines = int(fines["fines"].sum()) if len(fines) else 0
    return [
        [
            _card("court.decisions", k["court_outcomes"], lg, level=lvl),
            _card(
                "kpi.convictions",
                k["convictions_people" if people else "convictions"],
                lg,
                "kpi.help_convictions",
                level=lvl,
            ),
            _card("court.acquittals", k["acquittals"], lg, "court.help_acquittals", level=lvl),
        ],
        [
            _card("kpi.prison_years", k["prison_years"], lg, "kpi.help_prison", 1, level=lvl),
            _card("court.fines", n_fines, lg, level=lvl),
        ],
    ]


def prison_years_text(k: dict, lang: str) -> str:
    """The prison-years KPI as shown on its card (said again in the sentences chart's caption)."""
    return i18n.years(k["prison_years"], lang)


# -- documented vs published ------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedRow:
    figure_id: str
    category: str
    indicator: str  # what the figure counts: its own description, in the report's language
    period: str
    published: str  # "at least 26 incidents"
    documented: str  # "32 incidents itemised here"
    source: str  # "Title — locator"
    source_title: str
    value: float
    documented_n: int
    published_short: str = ""  # "≥ 26": on a narrow chart's bar (the words in its hover)


def figure_description(figure_id: str, description: str, lang: str) -> str:
    """What a published figure counts, in ``lang``. data/raw/published_figures.csv describes each figure in
    English (its ``description``); the other languages' descriptions are in the catalogues'
    ``[published_description]``, keyed by figure id. English, and a figure the catalogue lacks, show the
    file's own text."""
    if i18n.norm_lang(lang) != i18n.DEFAULT_LANG:
        own = i18n.own_text(f"published_description.{figure_id}", lang)
        if own:
            return own
    return description


def published_rows(published: pd.DataFrame, f: Filters) -> tuple[list[PublishedRow], int]:
    """Published figures that have an itemised counterpart here, and how many others were left out.

    ``published``: ``Query.published_vs_documented(f)``, which gives both numbers (a figure whose
    ``counterpart`` is ``none`` has no itemised count and is left out: never compared with its whole
    kind); ranges are paired and worded as on the overview page (``wording.pair_ranges``,
    ``wording.figure_in_words``). Each figure is named by what it counts, its own description in the
    language (``figure_description``), never by its kind alone.
    """
    lg = f.lang
    pub = wording.pair_ranges(published)
    rows, other = [], 0
    for r in pub.itertuples():
        if not isinstance(r.category, str) or pd.isna(r.documented):
            other += 1
            continue
        what = figure_description(str(r.figure_id), str(r.description), lg)
        upper = None if pd.isna(r.upper) else float(r.upper)
        locator = f" — {r.source_locator}" if isinstance(r.source_locator, str) and r.source_locator else ""
        rows.append(
            PublishedRow(
                figure_id=str(r.figure_id),
                category=r.category,
                indicator=what,
                period=wording.span_label(r.period_start, r.period_end, lg),
                published=wording.figure_in_words(float(r.value), r.qualifier, lg, upper, unit=str(r.unit)),
                documented=i18n.t(
                    "published.documented_n",
                    lg,
                    n=i18n.number(int(r.documented), lg),
                    unit=i18n.t(f"unit.{r.documented_unit}", lg, count=int(r.documented)),
                ),
                source=f"{r.source_title}{locator}",
                source_title=str(r.source_title),
                value=float(r.value),
                documented_n=int(r.documented),
                published_short=wording.figure_short(float(r.value), r.qualifier, lg, upper),
            )
        )
    return rows, other


def published_figure(f: Filters, published: pd.DataFrame) -> KeyFigure | None:
    """Published figures beside the itemised counts (``charts.documented_vs_published``);
    None when no published figure has an itemised counterpart. ``customdata``: the figure id."""
    lg = f.lang
    rows, _ = published_rows(published, f)
    if not rows:
        return None
    labels, seen = [], {}
    for r in rows:  # two figures with the same description and period must not share a bar
        label = f"{r.indicator} ({r.period})"  # number the repeats
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} [{seen[label]}]")
    table = pd.DataFrame(
        {
            "figure_id": [r.figure_id for r in rows],
            "label": labels,
            "category": [r.category for r in rows],
            "value": [r.value for r in rows],
            "value_text": [r.published for r in rows],
            "documented": [r.documented_n for r in rows],
            "documented_text": [r.documented for r in rows],
            "value_short": [r.published_short for r in rows],
            "documented_short": [i18n.number(r.documented_n, lg) for r in rows],
        }
    )
    title = i18n.t("published.chart_title", lg)
    caption = i18n.t("published.chart_caption", lg, count=len(rows), period=i18n.period_label(f.start, f.end, lg))
    sources = "; ".join(dict.fromkeys(r.source_title for r in rows)) or "—"
    source = i18n.t("published.source_line", lg, sources=sources)

    def build(theme: str) -> go.Figure:
        return charts.documented_vs_published(table, title=title, caption=caption, source=source, lang=lg, theme=theme)

    def part(theme: str, some: slice, place: str) -> go.Figure:
        return charts.documented_vs_published(
            table.iloc[some], title=f"{title} ({place})", caption=caption, source=source, lang=lg, theme=theme
        )

    return KeyFigure("published", title, caption, source, len(rows), build, part=part)


def filters_text(f: Filters) -> str:
    """The period and the selection in words, once (title slide, report header, presentation)."""
    parts = [i18n.period_label(f.start, f.end, f.lang)] + f.describe_selection(f.lang)
    if f.is_whole_dataset():
        parts.append(i18n.t("report.whole_dataset", f.lang))
    return " · ".join(parts)


# -- people & cases -------------------------------------------------------------------------------


def people_scope(f: Filters, all_dates: bool) -> str:
    """What the People & cases list covers, in words: "all dates and kinds", or the sidebar's period
    and selection (no count: a person's incidents can also be an outlet's)."""
    if all_dates:
        return i18n.t("people.list_all_dates", f.lang)
    return " · ".join([i18n.period_label(f.start, f.end, f.lang), *f.describe_selection(f.lang)])


def people_table(people: pd.DataFrame, lg: str) -> pd.DataFrame:
    """The People & cases list as shown (``Query.people_list``): name, role, outlet, incidents in
    all and per kind, first and latest date at their precision — labels in the page's language,
    numbers as numbers (the table sorts them)."""
    if people is None or people.empty:
        return pd.DataFrame()
    t = lambda key: i18n.t(key, lg)  # noqa: E731 - short local alias
    cols: dict[str, list] = {
        t("people.col_name"): list(people["name"]),
        t("people.col_role"): [
            VICTIM_ROLE.label(r, lg) if k == "person" else t("people.outlet")
            for k, r in zip(people["kind"], people["role"], strict=True)
        ],
        t("people.col_outlet"): [o if isinstance(o, str) else "" for o in people["outlet"]],
        t("people.col_incidents"): [int(n) for n in people["incidents"]],
    }
    for kind in CATEGORY.codes:
        cols[CATEGORY.label(kind, lg)] = [int(n) for n in people[kind]]
    cols[t("people.col_first")] = [
        i18n.date_with_precision(d, p, lg) for d, p in zip(people["first"], people["first_precision"], strict=True)
    ]
    cols[t("people.col_latest")] = [
        i18n.date_with_precision(d, p, lg) for d, p in zip(people["latest"], people["latest_precision"], strict=True)
    ]
    return pd.DataFrame(cols)


# -- behind bars ----------------------------------------------------------------------------------

CUSTODY_KEYS = ("confirmed", "term")  # ``Query.held_by_month`` keys, in the chart's order


def custody_roles_words(f: Filters) -> str:
    """Whom the behind-bars figures count: the sidebar's roles, else journalists and bloggers."""
    if not f.roles:
        return i18n.t("bars.who_default", f.lang)
    roles = ", ".join(i18n.in_sentence(VICTIM_ROLE.label(r, f.lang), f.lang) for r in f.roles)
    return i18n.t("bars.who_roles", f.lang, roles=roles)


def behind_bars_card(held: pd.DataFrame, f: Filters, when: date) -> KpiCard:
    """The behind-bars KPI: the people held on ``when`` (``Query.held_on``) — always a floor ("at
    least"): only people a source confirmed held, or serving a stated term, are counted."""
    lg = f.lang
    label = i18n.t("bars.kpi_label", lg, date=i18n.day_label(when, lg))
    value = i18n.t("kpi.at_least", lg, n=i18n.number(len(held), lg))
    return KpiCard("held", label, value, help=i18n.t("bars.kpi_help", lg))


def not_counted_words(house: pd.DataFrame, unknown: pd.DataFrame, lang: str) -> str:
    """The people listed apart and never counted, in a sentence: under house arrest
    (``Query.house_arrest_on``) and whose status is unknown (``status_unknown_on``)."""
    return i18n.t(
        "bars.not_counted",
        lang,
        house=i18n.t("bars.n_house", lang, count=len(house)),
        unknown=i18n.t("bars.n_unknown", lang, count=len(unknown)),
    )


def _months_between(first: date, last: date) -> int:
    """Whole calendar months from ``first`` to ``last`` (14 Jan → 13 Mar: 1)."""
    return (last.year - first.year) * 12 + last.month - first.month - (1 if last.day < first.day else 0)


def span_words(months: int, lang: str) -> str:
    """A term or a time in years and months, in the nominative: "4 years 3 months", "4 года 3 месяца"."""
    years, rest = divmod(int(months), 12)
    parts = [i18n.t("bars.n_years", lang, count=years)] if years else []
    if rest or not years:
        parts.append(i18n.t("bars.n_months", lang, count=rest))
    return " ".join(parts)


def held_time_words(days: int, when: date, lang: str) -> str:
    """Time held so far (a lower bound): days under two months, else years and months."""
    first = date.fromordinal(when.toordinal() - int(days))
    months = _months_between(first, when)
    if months < 2:
        return i18n.t("bars.n_days", lang, count=int(days))
    return span_words(months, lang)


def custody_sources(titles: object, locators: object) -> str:
    """ "Title — section; …", each source once, in order of citation."""
    titles = list(titles) if titles is not None and not isinstance(titles, str) else []
    locators = list(locators) if locators is not None and not isinstance(locators, str) else []
    locators += [""] * (len(titles) - len(locators))
    seen = dict.fromkeys(f"{t} — {loc}" if loc else str(t) for t, loc in zip(titles, locators, strict=False) if t)
    return "; ".join(seen)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def _text(value: object) -> str:
    return "" if _missing(value) else str(value)


def custody_event_label(what: str, lang: str) -> str:
    """An event of ``Query.status_unknown_on`` in words: the detention type, the court outcome, or
    the custody report's status."""
    kind, _, code = what.partition(".")
    if kind == "detention":
        return DETENTION_TYPE.label(code, lang)
    if kind == "court_outcome":
        return OUTCOME.label(code, lang)
    if kind == "custody":
        return i18n.t("bars.custody_report", lang, status=i18n.in_sentence(CUSTODY_STATUS.label(code, lang), lang))
    return OUTCOME.label("prison_sentence", lang)  # a stated term


def _person_columns(rows: list[dict], lang: str) -> dict[str, list]:
    """The first columns of every behind-bars list: name, role, outlet."""
    return {
        i18n.t("bars.col_name", lang): [r["name"] for r in rows],
        i18n.t("list.role", lang): [VICTIM_ROLE.label(r["role"], lang) for r in rows],
        i18n.t("list.outlet", lang): [_text(r["outlet"]) for r in rows],
    }


def held_table(held: pd.DataFrame, when: date, lang: str) -> pd.DataFrame:
    """The people held (``Query.held_on``) as shown: name, role, outlet, held since (as precise as the
    source), time held so far (at least), counted because, last confirmed, sentence, term ends, sources."""
    tr = lambda key: i18n.t(key, lang)  # noqa: E731 - short local alias
    rows = held.to_dict("records") if held is not None else []
    return pd.DataFrame(
        {
            **_person_columns(rows, lang),
            tr("bars.col_since"): [i18n.date_with_precision(r["since"], r["since_precision"], lang) for r in rows],
            tr("bars.col_time"): [held_time_words(r["held_days_at_least"], when, lang) for r in rows],
            tr("bars.col_basis"): [tr(f"bars.basis_{r['basis']}") for r in rows],
            tr("bars.col_last"): [
                ""
                if _missing(r["last_confirmed"])
                else i18n.date_with_precision(r["last_confirmed"], r["last_confirmed_precision"], lang)
                for r in rows
            ],
            tr("bars.col_sentence"): [
                "" if _missing(r["sentence_months"]) else span_words(int(r["sentence_months"]), lang) for r in rows
            ],
            tr("bars.col_term_end"): [
                "" if _missing(r["term_end"]) else i18n.day_label(r["term_end"], lang) for r in rows
            ],
            tr("list.sources"): [custody_sources(r["source_titles"], r["source_locators"]) for r in rows],
        }
    )


def house_table(house: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The people under house arrest (``Query.house_arrest_on``) as shown."""
    tr = lambda key: i18n.t(key, lang)  # noqa: E731 - short local alias
    rows = house.to_dict("records") if house is not None else []
    return pd.DataFrame(
        {
            **_person_columns(rows, lang),
            tr("bars.col_house_since"): [
                i18n.date_with_precision(r["since"], r["since_precision"], lang) for r in rows
            ],
            tr("list.sources"): [custody_sources(r["source_titles"], r["source_locators"]) for r in rows],
        }
    )


def unknown_reason(r: dict, lang: str) -> str:
    """Why a person of ``Query.status_unknown_on`` is not counted, in words."""
    if r["reason"] == "release_uncertain":
        return i18n.t(
            "bars.reason_release_uncertain",
            lang,
            date=i18n.date_with_precision(r["release_on"], r["release_precision"], lang),
        )
    if r["reason"] == "term_ended":
        return i18n.t(
            "bars.reason_term_ended",
            lang,
            term=span_words(int(r["sentence_months"]), lang),
            date=i18n.day_label(r["term_end"], lang),
        )
    return i18n.t("bars.reason_not_confirmed", lang)


def unknown_table(unknown: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The people whose status is unknown (``Query.status_unknown_on``) as shown: name, role, outlet,
    status unknown since (the last time a source had them held or under house arrest), what that was,
    why they are not counted, sources."""
    tr = lambda key: i18n.t(key, lang)  # noqa: E731 - short local alias
    rows = unknown.to_dict("records") if unknown is not None else []
    return pd.DataFrame(
        {
            **_person_columns(rows, lang),
            tr("bars.col_unknown_since"): [
                i18n.date_with_precision(r["since"], r["since_precision"], lang) for r in rows
            ],
            tr("bars.col_last_known"): [custody_event_label(r["what"], lang) for r in rows],
            tr("bars.col_why"): [unknown_reason(r, lang) for r in rows],
            tr("list.sources"): [custody_sources(r["source_titles"], r["source_locators"]) for r in rows],
        }
    )


def custody_published_rows(published: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Published counts of people held on a day (``Query.held_published``), ranges paired, in words:
    date, value, text ("at least 25 people"), hover (with the source and the count here), source_title."""
    columns = ["date", "value", "text", "hover", "source_title", "source", "documented"]
    if published is None or published.empty:
        return pd.DataFrame(columns=columns)
    pub = wording.pair_ranges(published.assign(period_start=published["date"], period_end=published["date"]))
    rows = []
    for r in pub.itertuples():
        upper = None if pd.isna(r.upper) else float(r.upper)
        words = wording.figure_in_words(float(r.value), r.qualifier, lang, upper, unit=str(r.unit))
        here = i18n.t("bars.published_here", lang, count=int(r.documented))
        hover = f"{i18n.day_label(r.date, lang)}: {words} — {r.source_title} · {here}"
        source = custody_sources([r.source_title], [_text(r.source_locator)])
        rows.append((r.date, float(r.value), words, hover, str(r.source_title), source, int(r.documented)))
    return pd.DataFrame(rows, columns=columns)


def custody_published_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``custody_published_rows`` as shown on the page: day, the published figure in words, the
    number held here that day, the source."""
    return pd.DataFrame(
        {
            i18n.t("bars.col_date", lang): [i18n.day_label(d, lang) for d in rows["date"]],
            i18n.t("bars.col_published", lang): list(rows["text"]),
            i18n.t("bars.col_here", lang): [i18n.number(n, lang) for n in rows["documented"]],
            i18n.t("bars.col_source", lang): list(rows["source"]),
        }
    )


def behind_bars_figure(data: DataFn, f: Filters, held: pd.DataFrame | None = None, width_hint=None) -> KeyFigure:
    """People held at each month's end of the period (``Query.held_by_month``), stacked by basis,
    beside the published counts of the same thing (``Query.held_published``), or a note that there
    are none. ``held``: ``Query.held_on`` at the period's end (its sources make the source line)."""
    lg = f.lang
    monthly = data("held_by_month", f)
    published = custody_published_rows(data("held_published", f), lg)
    if held is None:
        held = data("held_on", f, f.end)
    last = monthly[monthly["month"] == monthly["month"].max()] if len(monthly) else monthly
    n = int(last["n"].sum()) if len(last) else 0
    title = i18n.t("bars.chart_title", lg)
    caption = i18n.t("bars.chart_caption", lg, period=i18n.period_label(f.start, f.end, lg), who=custody_roles_words(f))
    sources = [t for titles in held["source_titles"] for t in list(titles) if t] if len(held) else []
    sources += list(published["source_title"])
    source = charts.source_line(sources, n, lg, "persons")
    note = None if len(published) else i18n.t("bars.published_none", lg)
    labels = {key: i18n.t(f"bars.key_{key}", lg) for key in CUSTODY_KEYS}

    def build(theme: str) -> go.Figure:
        return charts.held_over_time(
            monthly,
            published,
            title=title,
            caption=caption,
            source=source,
            lang=lg,
            labels=labels,
            published_name=i18n.t("bars.published_name", lg),
            y_title=i18n.t("bars.y_title", lg),
            note=None
            if charts.theme_of(theme).name == "screen"
            else note,  # the page says it under the chart; an image, inside
            theme=theme,
            width_hint=width_hint,
        )

    return KeyFigure("behind-bars", title, caption, source, n, build)


# -- charts the pages composed themselves before ----------------------------------------------------


def outlets_figure(f: Filters, outlets: pd.DataFrame, incidents: pd.DataFrame) -> KeyFigure:
    """The most targeted outlets (``Query.top_outlets``: an outlet named in the incident, or the
    outlet as the victim), with their total in the caption and the source line."""
    lg = f.lang
    n = int(outlets["n"].sum()) if len(outlets) else 0
    title = i18n.t("overview.outlets_title", lg)
    caption = f.caption(n)
    source = charts.source_line(cited_sources(incidents), n, lg, f.count)

    def build(theme: str) -> go.Figure:
        return charts.horizontal_bars(
            outlets,
            title=title,
            caption=caption,
            source=source,
            lang=lg,
            color=charts.NEUTRAL,
            x_title=i18n.t(f"chart.y_{f.count}", lg),
            theme=theme,
        )

    return KeyFigure("outlets", title, caption, source, n, build)


ACTIVE_KEYS = ("confirmed", "start_uncertain")


def active_blocks_figure(
    data: DataFn, f: Filters, incidents: pd.DataFrame, n_domains: int, events: bool = True
) -> KeyFigure:
    """Domains blocked per month (``Query.active_blocks_by_month``): certainly blocked, and those whose
    block may have started (its start known only to the month or year), stacked; the caption gives
    the month with most certain blocks."""
    lg = f.lang
    active = data("active_blocks_by_month", f)
    tidy = active.drop(columns=["n"]).melt(
        id_vars=["month", "monitored"], value_vars=list(ACTIVE_KEYS), var_name="key", value_name="n"
    )
    labels = {k: i18n.t(f"blockings.active_{k}", lg) for k in ACTIVE_KEYS}
    peak = int(active["confirmed"].max()) if len(active) else 0
    title = i18n.t("blockings.active_title", lg)
    caption = i18n.t("blockings.active_caption", lg, count=peak, period=i18n.period_label(f.start, f.end, lg))
    source = charts.source_line(cited_sources(incidents), n_domains, lg, "websites")
    context = data("events", f) if events else None

    def build(theme: str) -> go.Figure:
        return charts.monthly_bars(
            tidy,
            title=title,
            caption=caption,
            source=source,
            lang=lg,
            vocab=BLOCKING_TYPE,
            labels=labels,
            kind="website_blocking",
            events=context,
            theme=theme,
            y_title=i18n.t("blockings.y_domains", lg),
        )

    return KeyFigure("active-blocks", title, caption, source, peak, build)


def citizenlab_caption(coverage: pd.DataFrame, lang: str) -> str:
    """The Citizen Lab section's sentence: how many tested news sites, how many documented blocked here."""
    blocked = int(coverage["documented_blocked"].sum()) if len(coverage) else 0
    return i18n.t(
        "context.citizenlab_caption",
        lang,
        sites=i18n.t("context.n_news_sites", lang, count=len(coverage)),
        blocked=i18n.t("context.n_blocked", lang, count=blocked),
    )
