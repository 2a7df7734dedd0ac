"""The 16:9 slide deck (python-pptx): title, key figures, one slide per key chart, published
figures, sources. Chart slides carry the PNG (rendered by ``pressfreedom.chart_images``) and put the caption
and source line into the speaker notes, so the presenter can cite them aloud.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from pressfreedom import chart_images, i18n
from pressfreedom.figures import KeyFigure, KpiCard, PublishedRow

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.45)
TITLE_H = Inches(0.8)
INK = RGBColor(0x11, 0x11, 0x11)
MUTED = RGBColor(0x44, 0x44, 0x44)
ACCENT = RGBColor(0x00, 0x72, 0xB2)

# layouts of python-pptx's default template
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5


def _place_title(slide, text: str, size: int = 28) -> None:
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, Inches(0.15), SLIDE_W - 2 * MARGIN, TITLE_H
    title.text = text
    frame = title.text_frame
    frame.word_wrap = True
    for p in frame.paragraphs:
        p.alignment = 1  # left
        for run in p.runs:
            run.font.size = Pt(size)
            run.font.bold = True
            run.font.color.rgb = INK


def _textbox(slide, left, top, width, height, lines: Sequence[tuple[str, int, bool, RGBColor]]) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, (text, size, bold, color) in enumerate(lines):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = p.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color


def _notes(slide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def build(
    *,
    lang: str,
    heading: str,
    filters_text: str,
    generated: str,
    kpis: list[KpiCard],
    kpi_notes: list[str],
    figures: list[KeyFigure],
    published: list[PublishedRow],
    sources: list[str],
    exporter: chart_images.ChartExporter,
) -> bytes:
    """The deck as .pptx bytes; each chart is built again with the ``export`` theme for its PNG."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    t = lambda key, **fmt: i18n.t(key, lang, **fmt)  # noqa: E731

    # 1. title
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    title.left, title.top, title.width, title.height = MARGIN, Inches(1.6), SLIDE_W - 2 * MARGIN, Inches(2.0)
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        MARGIN,
        Inches(3.8),
        SLIDE_W - 2 * MARGIN,
        Inches(2.4),
    )
    title.text = heading
    subtitle.text = f"{t('report.title')}: {filters_text}\n{generated}"
    for p in subtitle.text_frame.paragraphs:
        for run in p.runs:
            run.font.size = Pt(22)
    _notes(slide, f"{heading}\n{filters_text}\n{generated}")

    # 2. key figures
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _place_title(slide, t("report.kpis"))
    cols = 4
    cell_w = (SLIDE_W - 2 * MARGIN) / cols
    cell_h = Inches(2.6)
    for i, k in enumerate(kpis):
        left = MARGIN + Emu(int(cell_w * (i % cols)))
        top = Inches(1.5) + Emu(int(cell_h * (i // cols)))
        _textbox(
            slide,
            left,
            top,
            Emu(int(cell_w - Inches(0.2))),
            cell_h - Inches(0.2),
            [(k.value, 44, True, ACCENT), (k.label, 18, False, INK), (k.change, 13, False, MUTED)],
        )
    _notes(slide, "\n".join([f"{k.label}: {k.value} ({k.change})" for k in kpis] + kpi_notes + [filters_text]))

    # 3. one slide per key chart: title, image, notes with caption and source
    area_top = Inches(1.0)
    area_w, area_h = SLIDE_W - 2 * MARGIN, SLIDE_H - area_top - Inches(0.15)
    for kf in figures:
        png = exporter.png(kf.themed("export").fig, theme=None)  # built with the export theme
        w_px, h_px = chart_images.png_size(png)
        scale = min(area_w / w_px, area_h / h_px)
        width, height = Emu(int(w_px * scale)), Emu(int(h_px * scale))
        slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
        _place_title(slide, kf.title, 24)
        pic = slide.shapes.add_picture(
            io.BytesIO(png), Emu(int((SLIDE_W - width) / 2)), area_top, width=width, height=height
        )
        pic.name = f"chart-{kf.key}"
        _notes(slide, "\n".join(x for x in (kf.title, kf.caption, kf.source, kf.note, generated) if x))

    # 4. documented vs published (8 rows per slide)
    headers = [t(f"published.col_{c}") for c in ("figure", "period", "published", "documented", "source")]
    chunks = [published[k : k + 8] for k in range(0, len(published), 8)] or [[]]
    for part, rows in enumerate(chunks, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
        suffix = f" ({part}/{len(chunks)})" if len(chunks) > 1 else ""
        _place_title(slide, t("published.title") + suffix)
        if not rows:
            _textbox(
                slide,
                MARGIN,
                Inches(1.3),
                SLIDE_W - 2 * MARGIN,
                Inches(1),
                [(t("published.none"), 20, False, INK)],
            )
            _notes(slide, t("published.none"))
            continue
        shape = slide.shapes.add_table(
            len(rows) + 1, len(headers), MARGIN, Inches(1.2), SLIDE_W - 2 * MARGIN, Inches(0.55) * (len(rows) + 1)
        )
        table = shape.table
        for j, width in enumerate((2.9, 1.9, 2.3, 1.5, 3.833)):
            table.columns[j].width = Inches(width)
        for j, text in enumerate(headers):
            table.cell(0, j).text = text
        for i, r in enumerate(rows, start=1):
            for j, text in enumerate((r.indicator, r.period, r.published, r.documented, r.source)):
                table.cell(i, j).text = text
        for cell in (table.cell(i, j) for i in range(len(rows) + 1) for j in range(len(headers))):
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(13)
        _notes(slide, t("published.explain"))

    # 5. sources
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _place_title(slide, t("list.sources"))
    listed = sources[:14] or [t("chart.no_sources")]
    _textbox(
        slide,
        MARGIN,
        Inches(1.4),
        SLIDE_W - 2 * MARGIN,
        SLIDE_H - Inches(1.8),
        [(f"• {s}", 16, False, INK) for s in listed],
    )
    _notes(slide, "\n".join(sources))

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
