"""Load → compose → write: the donor report (HTML) and the slide deck (PPTX) for one filter state.

``make_report(query, filters)`` and ``make_deck(query, filters)`` return bytes, for the
dashboard's download buttons; ``python -m report`` writes both files. The language is
``filters.lang``. All numbers come from ``Query``, all figures from the chart builders (through
``pressfreedom.figures``), all words from the catalogues and vocabularies — the methodology paragraphs
are the methodology page's, rendered from the same declared counting rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pressfreedom import chart_images, i18n, wording
from pressfreedom.config import load_config
from pressfreedom.documents import report_html as html
from pressfreedom.documents import slides as deck
from pressfreedom.figures import KeyFigure, cited_sources, filters_text, key_figures, kpi_cards, published_rows
from pressfreedom.filters import Filters
from pressfreedom.query import Query
from pressfreedom.vocab import ALL as VOCABULARIES

MAX_REPORT_BYTES = 6 * 1024 * 1024


def generated_line(query: Query, lang: str, today: date | None = None) -> str:
    return i18n.t("report.generated", lang, date=i18n.day_label(today or date.today(), lang), build=query.build_id)


def review_note(lang: str) -> str | None:
    """How many texts of this language still await a native speaker's review."""
    if lang == "en":
        return None
    n = len(i18n.needs_review(lang)) + sum(1 for v in VOCABULARIES.values() for term in v.terms if term.review)
    return i18n.t("report.review_note", lang, count=n) if n else None


def _sources(query: Query, titles: list[str], lang: str) -> list[html.SourceEntry]:
    order = {title: k for k, title in enumerate(titles)}
    entries = []
    for r in query.sources().itertuples():
        if r.title not in order:
            continue
        coverage = ""
        if isinstance(r.coverage_start, date) and isinstance(r.coverage_end, date):
            coverage = i18n.period_label(r.coverage_start, r.coverage_end, lang)
        published = i18n.day_label(r.published_on, lang) if isinstance(r.published_on, date) else ""
        publisher = r.publisher if isinstance(r.publisher, str) else ""
        url = r.url if isinstance(r.url, str) else ""
        entries.append(html.SourceEntry(r.title, publisher, published, coverage, url))
    return sorted(entries, key=lambda e: order[e.title])


@dataclass(frozen=True)
class Content:
    """Everything both outputs say, composed once."""

    heading: str
    filters_text: str
    generated: str
    kpis: list
    kpi_notes: list[str]
    figures: list[KeyFigure]
    published: list
    published_other: int
    cited: list[str]

    def shared(self) -> dict:
        """What the report and the deck take alike (each adds its own parts)."""
        keep = ("heading", "filters_text", "generated", "kpis", "kpi_notes", "figures", "published")
        return {name: getattr(self, name) for name in keep}


def compose(query: Query, f: Filters, theme: str, events: bool = True) -> Content:
    lang = f.lang
    figures = key_figures(query, f, theme=theme, events=events)
    published, other = published_rows(query.published_vs_documented(f), f)
    cited = cited_sources(query.incidents(f))
    for title in [r.source_title for r in published]:
        if title not in cited:
            cited.append(title)
    cards, notes = kpi_cards(query, f)
    return Content(
        heading=load_config().title_in(lang),
        filters_text=filters_text(f),
        generated=generated_line(query, lang),
        kpis=cards,
        kpi_notes=notes,
        figures=figures,
        published=published,
        published_other=other,
        cited=cited,
    )


def make_report(query: Query, filters: Filters, events: bool = True) -> bytes:
    """The self-contained HTML report (UTF-8 bytes) for these filters, in ``filters.lang``."""
    lang = filters.lang
    c = compose(query, filters, "screen", events)
    config = load_config()
    content = html.ReportContent(
        lang=lang,
        **c.shared(),
        published_other=c.published_other,
        methodology=wording.counting_rules(lang),
        sources=_sources(query, c.cited, lang),
        review_note=review_note(lang),
        licence=i18n.t(
            "method.licence_line",
            lang,
            licence=config.licence.get("data", ""),
            attribution=c.heading,  # the dashboard's name in the reader's language
        ),
    )
    data = html.render(content).encode("utf-8")
    if len(data) > MAX_REPORT_BYTES:  # never mask it: a report too big to e-mail is a bug
        raise ValueError(f"report.html is {len(data) / 2**20:.1f} MiB, over the 6 MiB limit")
    return data


def make_deck(
    query: Query, filters: Filters, exporter: chart_images.ChartExporter | None = None, events: bool = True
) -> bytes:
    """The 16:9 slide deck (.pptx bytes). Needs Chromium: raises ``chart_images.ExportUnavailable`` without."""
    c = compose(query, filters, "export", events)
    kwargs = dict(lang=filters.lang, **c.shared(), sources=c.cited)
    if exporter is not None:
        return deck.build(**kwargs, exporter=exporter)
    with chart_images.ChartExporter() as ex:
        return deck.build(**kwargs, exporter=ex)
