"""The donor report as ONE self-contained HTML file that works offline.

plotly.js is embedded once, by the first chart (``include_plotlyjs=True``); every later chart
uses ``include_plotlyjs=False`` and draws with that copy. Nothing is fetched from any host: no
CDN, no web fonts, no MathJax, no images by URL. Every piece of text from the data or the
catalogues is HTML-escaped here; figure text is escaped by the chart builders.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import plotly.graph_objects as go

from pressfreedom import i18n, wording
from pressfreedom.figures import KeyFigure, KpiCard, PublishedRow

PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "width": 1600, "height": 900},
}

CSS = """
:root { --ink: #111; --muted: #444; --rule: #d0d0d0; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 17px; line-height: 1.5; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
header { border-bottom: 3px solid var(--ink); padding-bottom: 12px; margin-bottom: 20px; }
h1 { font-size: 30px; margin: 0 0 4px; line-height: 1.2; }
h2 { font-size: 24px; margin: 36px 0 12px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
.subtitle { font-size: 20px; margin: 0; }
.meta, .note { color: var(--muted); font-size: 15px; margin: 4px 0; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; }
.kpi { border: 1px solid var(--rule); border-left: 5px solid var(--accent); padding: 10px 14px; }
.kpi .label { font-size: 15px; color: var(--muted); }
.kpi .value { font-size: 34px; font-weight: 700; line-height: 1.2; }
.kpi .change { font-size: 14px; color: var(--muted); }
figure { margin: 0 0 28px; page-break-inside: avoid; break-inside: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 15px; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--rule); padding: 6px 8px; }
th { background: #f2f2f2; }
td.period { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
ul.method li { margin-bottom: 6px; }
footer { margin-top: 40px; border-top: 1px solid var(--rule); padding-top: 10px; color: var(--muted); font-size: 14px; }
a { color: var(--accent); overflow-wrap: anywhere; }
@media print { main { max-width: none; padding: 0; } h2 { page-break-after: avoid; } }
@media (max-width: 640px) { main { padding: 16px 12px 32px; } h1 { font-size: 24px; } h2 { font-size: 20px; }
  .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; } .kpi .value { font-size: 26px; }
  table { display: block; overflow-x: auto; } }
"""


esc = wording.esc  # the one escape function


@dataclass(frozen=True)
class SourceEntry:
    title: str
    publisher: str
    published_on: str
    coverage: str
    url: str


@dataclass(frozen=True)
class ReportContent:
    lang: str
    heading: str  # the dashboard's title in this language
    filters_text: str
    generated: str  # "Generated … from data build …"
    kpis: list[KpiCard]
    kpi_notes: list[str]  # the overview page's notes under the cards
    figures: list[KeyFigure]
    published: list[PublishedRow]
    published_other: int  # further published figures with no itemised counterpart
    methodology: list[str]
    sources: list[SourceEntry]
    review_note: str | None
    licence: str


def _safe_url(url: str) -> str | None:
    url = (url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) else None


# The report is read on a phone too (issue 18). Each chart is laid out for three widths — its
# labels, legend, event key and source line placed for that width by the same chart builder —
# and the page draws the one that fits the chart's column, again when the window is resized or a
# phone turned (``Plotly.react``; the widest is the one written into the page, for printing).
VARIANTS = (("narrow", 330, 600), ("medium", 600, 950))  # (name, laid out for px, used below px)

VARIANT_JS = """<script>
window.pfdVariants = {};
function pfdPick(id) {
  const gd = document.getElementById(id), v = window.pfdVariants[id];
  if (!gd || !v || !window.Plotly) return;
  const w = gd.parentElement.clientWidth;
  const name = w < %(narrow)d ? 'narrow' : w < %(medium)d ? 'medium' : 'wide';
  if ((gd.dataset.variant || 'wide') === name) return;
  gd.dataset.variant = name;
  const h = v[name].layout.height;  // (the divs around the chart keep the first one's height)
  if (h) { gd.style.height = h + 'px'; gd.parentElement.style.height = h + 'px'; }
  Plotly.react(gd, v[name].data, v[name].layout, %(config)s);
}
let pfdTimer = null;
window.addEventListener('resize', () => { clearTimeout(pfdTimer);
  pfdTimer = setTimeout(() => Object.keys(window.pfdVariants).forEach(pfdPick), 150); });
</script>"""


def _plain(fig: go.Figure) -> dict:
    """A figure as JSON-ready data and layout, with the report's interaction settings."""
    out = fig.to_plotly_json()
    out["layout"]["dragmode"] = False
    return {"data": out["data"], "layout": out["layout"]}


def _figures_html(figures: Iterable[KeyFigure]) -> str:
    import json

    from plotly.utils import PlotlyJSONEncoder

    from pressfreedom.charts import theme_name

    parts = []
    for i, kf in enumerate(figures):
        fig = kf.fig.to_dict()  # a copy: the report's own interaction settings below
        fig["layout"]["dragmode"] = False
        div_id = f"chart-{kf.key}"
        div = go.Figure(fig).to_html(
            full_html=False,
            include_plotlyjs=i == 0,  # plotly.js once, inline; the other charts reuse it
            include_mathjax=False,
            config=PLOTLY_CONFIG,
            div_id=div_id,
            default_width="100%",
        )
        if i == 0:
            div += VARIANT_JS % dict(narrow=VARIANTS[0][2], medium=VARIANTS[1][2], config=json.dumps(PLOTLY_CONFIG))
        base = kf.theme.partition(":")[0]
        variants = {"wide": _plain(kf.fig)}
        variants.update({name: _plain(kf.themed(theme_name(base, px)).fig) for name, px, _below in VARIANTS})
        data = json.dumps(variants, cls=PlotlyJSONEncoder).replace("</", "<\\/")  # (never ends the script)
        div += f"<script>window.pfdVariants[{json.dumps(div_id)}] = {data}; pfdPick({json.dumps(div_id)});</script>"
        parts.append(f'<figure id="fig-{esc(kf.key)}" aria-label="{esc(kf.title)}">{div}</figure>')
        if kf.note:
            parts.append(f'<p class="note">{esc(kf.note)}</p>')
    return "\n".join(parts)


def render(c: ReportContent) -> str:
    t = lambda key, **fmt: esc(i18n.t(key, c.lang, **fmt))  # noqa: E731
    kpis = "\n".join(
        f'<div class="kpi"><div class="label">{esc(k.label)}</div><div class="value">{esc(k.value)}</div>'
        f'<div class="change">{esc(k.change)}</div></div>'
        for k in c.kpis
    )
    if c.published:
        rows = "\n".join(
            f"<tr><td>{esc(r.indicator)}</td><td class='period'>{esc(r.period)}</td><td>{esc(r.published)}</td>"
            f"<td>{esc(r.documented)}</td><td>{esc(r.source)}</td></tr>"
            for r in c.published
        )
        published = (
            f"<p>{t('published.explain')}</p><table><thead><tr>"
            f"<th>{t('published.col_figure')}</th><th>{t('published.col_period')}</th>"
            f"<th>{t('published.col_published')}</th><th>{t('published.col_documented')}</th>"
            f"<th>{t('published.col_source')}</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    else:
        published = f"<p>{t('published.none')}</p>"
    if c.published_other:
        published += f"<p class='note'>{t('report.published_other', count=c.published_other)}</p>"
    sources = []
    for s in c.sources:
        url = _safe_url(s.url)
        link = f' — <a href="{esc(url)}" rel="noopener noreferrer">{esc(url)}</a>' if url else ""
        bits = ", ".join(esc(b) for b in (s.publisher, s.published_on) if b)
        coverage = f" · {t('method.coverage')}: {esc(s.coverage)}" if s.coverage else ""
        sources.append(f"<li><strong>{esc(s.title)}</strong>{', ' + bits if bits else ''}{coverage}{link}</li>")
    method = "\n".join(f"<li>{esc(m)}</li>" for m in c.methodology)
    review = f'<p class="note">{esc(c.review_note)}</p>' if c.review_note else ""
    kpi_notes = "".join(f'<p class="note">{esc(note)}</p>' for note in c.kpi_notes)
    return f"""<!DOCTYPE html>
<html lang="{esc(c.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(c.heading)} — {t("report.title")}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<header>
<h1>{esc(c.heading)}</h1>
<p class="subtitle">{t("report.title")}: {esc(c.filters_text)}</p>
<p class="meta">{esc(c.generated)}</p>
<p class="meta">{t("report.offline_note")}</p>
</header>
<section id="kpis">
<h2>{t("report.kpis")}</h2>
<div class="kpis">
{kpis}
</div>
{kpi_notes}
</section>
<section id="charts">
<h2>{t("report.charts")}</h2>
<p class="note">{t("report.charts_intro")}</p>
{_figures_html(c.figures)}
</section>
<section id="published">
<h2>{t("published.title")}</h2>
{published}
</section>
<section id="methodology">
<h2>{t("method.rules_title")}</h2>
<ul class="method">
{method}
</ul>
{review}
</section>
<section id="sources">
<h2>{t("list.sources")}</h2>
<ul>
{"".join(sources)}
</ul>
</section>
<footer>{esc(c.licence)}</footer>
</main>
</body>
</html>
"""
