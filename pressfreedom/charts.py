"""Chart builders: a tidy DataFrame in, a ``plotly.graph_objects.Figure`` out.

No Streamlit here: the pages, the offline report and the slide deck all call these. Every
figure carries its title, a caption saying what is shown, and a source line *inside* the
figure, so a PNG downloaded from it (or exported with kaleido) stands on its own.

Colours: one colour per kind everywhere (``CATEGORY_COLORS``, Okabe–Ito, safe for the common
colour-vision deficiencies). Types within a kind are told apart by tint *and* fill pattern, so
they stay distinguishable in greyscale too; "unknown" is always grey.

Themes: ``screen`` (the app), ``projector`` (presentation mode: large type, high contrast),
``export`` (PNG/SVG for slides, 1600 px wide).
"""

from __future__ import annotations

import calendar
import math
import textwrap
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from pressfreedom import i18n, wording
from pressfreedom.filters import add_months, month_end, month_start, months_in
from pressfreedom.vocab import CATEGORY, CATEGORY_SUBCATEGORY, Vocabulary

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
CATEGORY_COLORS: dict[str, str] = {
    "physical_assault": "#D55E00",  # vermillion
    "detention": "#0072B2",  # blue
    "website_blocking": "#009E73",  # bluish green
    "court_outcome": "#CC79A7",  # reddish purple
}
SEQUENCE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#999999"]
NEUTRAL = "#6E6E6E"  # published figures, "unknown"
UNKNOWN_COLOR = "#B4B4B4"
UNMONITORED_FILL = "rgba(120,120,120,0.18)"
PARTIAL_FILL = "rgba(230,159,0,0.12)"  # partly covered: the count is a floor
EVENT_FILL = "rgba(230,159,0,0.07)"  # orange, light (overlapping periods add up)
EVENT_LINE = "#B07700"
PATTERNS = ("", "/", ".", "x", "\\", "-", "|", "+")


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
    hint: int | None = None  # expected on-screen width (a chart in a half-width column)
    # the height a figure must fit (a projector's screen under the slide bar, a slide); None: grows
    fit_height: int | None = None

    @property
    def assumed_width(self) -> int:
        """Width used to lay out labels when the figure is responsive (screen, projector)."""
        return self.hint or self.width or 1100

    @property
    def char_px(self) -> float:
        return self.font_size * 0.56


THEMES: dict[str, Theme] = {
    # responsive themes lay out their labels for a width on the narrow side of what they meet: a
    # full-width chart beside the sidebar on a laptop (screen), a 1024 px projector (projector)
    "screen": Theme("screen", 13, 18, 12, 12, None, 440, hint=950),
    # fit_height: a 1280 x 720 projector less the slide bar above the chart; the 16:9 image of a slide
    "projector": Theme(
        "projector", 20, 34, 19, 19, None, 510, font_color="#000000", grid="#bdbdbd", hint=1000, fit_height=620
    ),
    "export": Theme("export", 20, 32, 18, 18, 1600, 900, font_color="#000000", fit_height=900),
}


MIN_PLOT_PX = 180  # a plot is never squeezed below this to fit a theme's height


def title_clearance_px(title_size: int, pad: int = 12) -> int:
    """What ``export.title_clearance`` adds above a title of several lines of this size."""
    return max(0, round(title_size * 0.95) + 10 - pad)


def title_lines_of(fig: go.Figure) -> int:
    return 1 + (fig.layout.title.text or "").count("<br>")


def height_floor(th: Theme, title_lines: int = 1) -> int:
    """A figure's least height: the theme's, but within its ``fit_height`` once the title is cleared."""
    return min(th.height, fit_limit(th, title_lines)) if th.fit_height else th.height


def fit_limit(th: Theme, title_lines: int = 1) -> int:
    """The height a figure of a fixed-height theme may have before ``export.title_clearance``
    (which moves a title of several lines down)."""
    assert th.fit_height is not None
    return th.fit_height - (title_clearance_px(th.title_size) if title_lines > 1 else 0)


def rows_meta(fig: go.Figure, rows: int, row_px: int) -> None:
    """Record that the figure's height grows by ``row_px`` per row (``rows`` of them), so that a
    figure taller than its theme's ``fit_height`` can be drawn in parts of whole rows."""
    fig.update_layout(meta=dict(rows=rows, row_px=row_px))


def theme_name(base: str, width: int | None = None) -> str:
    """A theme's name for a chart drawn ``width`` pixels wide (``"screen:390"``; the base name
    when the width is not known): the figures lay out their labels for that width."""
    return f"{base}:{int(width)}" if width else base


def theme_of(theme: str | Theme, width_hint: int | None = None) -> Theme:
    """The theme of a name (``"screen"``, ``"screen:390"``: laid out for 390 px) or a Theme;
    ``width_hint``: the chart sits in a narrower place (a column), never wider than the theme's."""
    if isinstance(theme, Theme):
        th = theme
    else:
        base, _, width = theme.partition(":")
        th = THEMES[base]
        if width and not th.width:
            th = replace(th, hint=int(width))
    return replace(th, hint=min(width_hint, th.assumed_width)) if width_hint and not th.width else th


NARROW_PX = 640  # narrower charts (a phone, a column on a tablet): event key below, legend below


# -- colours ------------------------------------------------------------------------------


def _mix(color: str, other: str, share: float) -> str:
    """``color`` mixed with ``other`` (share of other, 0…1), as #rrggbb."""
    a = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def kind_color(category: str | None) -> str:
    return CATEGORY_COLORS.get(category or "", NEUTRAL)


def shades(category: str | None, keys: list[str]) -> dict[str, tuple[str, str]]:
    """(colour, pattern) per key: tints of the kind's colour with distinct fill patterns.

    The first key gets the plain kind colour; "unknown" is always plain grey.
    """
    base = kind_color(category)
    tints = [base, _mix(base, "#ffffff", 0.45), _mix(base, "#000000", 0.3), _mix(base, "#ffffff", 0.7)]
    out: dict[str, tuple[str, str]] = {}
    k = 0
    for key in keys:
        if key == "unknown":
            out[key] = (UNKNOWN_COLOR, "")
            continue
        out[key] = (tints[k % len(tints)], PATTERNS[k % len(PATTERNS)])
        k += 1
    return out


def _luminance(color: str) -> float:
    c = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def contrast_ratio(a: str, b: str = "#ffffff") -> float:
    """WCAG contrast ratio of two #rrggbb colours (1…21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


MARK_CONTRAST = 3.0  # WCAG 2.1 1.4.11: a mark needs 3:1 against the background, or an outline that has it
MARK_OUTLINE = "#595959"  # 7.0:1 on white


def bar_marker(color: str, pattern: str = "", fg: str = "#ffffff", **more) -> dict:
    """A bar fill: the colour, overlaid with a (white) pattern when given (visible in greyscale too).

    A fill under 3:1 against the white background (a light tint, "unknown" grey) is outlined in
    ``MARK_OUTLINE``, unless the caller gives its own line."""
    pat = dict(shape=pattern, fillmode="overlay", fgcolor=fg, fgopacity=0.85, size=7, solidity=0.3)
    if "line" not in more and color.startswith("#") and contrast_ratio(color) < MARK_CONTRAST:
        more["line"] = dict(color=MARK_OUTLINE, width=1)
    return dict(color=color, pattern=pat, **more)


# -- frame: title, caption, source line ------------------------------------------------


def _esc(text: object) -> str:
    """Plotly renders a subset of HTML in text: escape data-derived text so it stays text."""
    return wording.esc(text, quote=False)


def _wrap(text: str, theme: Theme, size: int, glyph: float = 0.55) -> list[str]:
    width = max(24, int((theme.assumed_width - 40) / (size * glyph)))
    return textwrap.wrap(str(text), width=width, break_long_words=True) or [""]


def wrap_label(text: object, width: int = 34, lines: int = 2) -> str:
    """A category label on at most ``lines`` lines (HTML line breaks; the text escaped)."""
    parts = textwrap.wrap(str(text), width=width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: max(1, width - 1)].rstrip() + "…"
    return "<br>".join(_esc(x) for x in parts)


def is_narrow(theme: Theme) -> bool:
    """A chart narrower than ``NARROW_PX`` on a screen (a phone, a column on a tablet)."""
    return theme.assumed_width < NARROW_PX and not theme.fit_height and not theme.width


def label_chars(theme: Theme, wide: int) -> int:
    """Characters a line of a horizontal bar's label may take: ``wide``, or on a narrow chart what
    fits two fifths of its width (the rest is for the bars and their numbers)."""
    if not is_narrow(theme):
        return wide
    return max(10, min(wide, int(theme.assumed_width * 0.4 / (theme.tick_size * 0.6))))


def label_margin(labels: list[str], theme: Theme) -> int:
    """Left margin in pixels for category labels (wrapped with ``wrap_label``). A narrow chart's
    labels are measured wider (Cyrillic, ə) and its y axis does not grow its margin by itself
    (plotly's automargin would move the plot, and the source line with it, off the estimate)."""
    longest = max((len(line) for lab in labels for line in str(lab).split("<br>")), default=0)
    if is_narrow(theme):
        return int(min(max(50, longest * theme.tick_size * 0.6 + 16), theme.assumed_width * 0.45))
    return int(min(max(70, longest * theme.tick_size * 0.56 + 24), theme.assumed_width * 0.45))


def narrow_legend(fig: go.Figure, theme: Theme, left: int) -> bool:
    """On a narrow chart, a legend above the plot is one entry a row, each name wrapped to the
    plot's width (a grid of long names beside wide category labels ran into the caption and past
    the right edge). In place; True when done."""
    shown = [t for t in fig.data if getattr(t, "showlegend", None) is not False and t.name]
    if theme.assumed_width >= NARROW_PX or theme.fit_height or not shown:
        return False
    chars = max(12, int((theme.assumed_width - left - 30 - 45) / (theme.font_size * 0.62)))
    for t in shown:
        plain = t.name.replace("<br>", " ")
        t.name = "<br>".join(textwrap.wrap(plain, width=chars, break_long_words=False)) or plain
    return True


def legend_height(names: list[str], theme: Theme, left: int = 70, vertical: bool = False) -> int:
    """Pixels a horizontal legend takes above the plot.

    plotly.js puts the entries in one row when they fit, else in a grid whose columns are as wide
    as the widest entry. Glyph width 0.62 em: Cyrillic and ə are wider than the Latin average.
    A name may hold a <br> (``fold_legend``).
    """
    if not names:
        return 0
    avail = theme.assumed_width - left - 10
    widths = [_legend_width(n, theme) for n in names]
    lines = [1 + n.count("<br>") for n in names]
    if vertical:  # one entry a row; plotly spaces them a little more than a grid's rows (measured)
        return int(sum((n * 1.3 + 0.8) * theme.font_size for n in lines) + 6)
    elif sum(widths) <= avail:
        rows = [lines]
    else:
        cols = max(1, int(avail // max(widths)))
        rows = [lines[k : k + cols] for k in range(0, len(lines), cols)]
    return int(sum((max(r) * 1.3 + 0.45) * theme.font_size for r in rows))


def _legend_width(name: str, theme: Theme) -> float:
    return max(len(line) for line in name.split("<br>")) * theme.font_size * 0.62 + 45


def side_legend(fig: go.Figure, theme: Theme, left: int = 70) -> int:
    """On a fixed-height theme (projector, slide), a legend that would take three rows or more
    above the plot goes beside it instead (long names on two lines): returns the column's width
    in pixels (0: the legend stays above). The height goes to the plot; the width is spare."""
    shown = [t for t in fig.data if getattr(t, "showlegend", None) is not False and t.name]
    if not theme.fit_height or not shown:
        return 0
    names = [t.name for t in shown]
    if legend_height(names, theme, left) < 3 * 1.75 * theme.font_size:
        return 0
    for t in shown:
        if len(t.name) > 18 and "<br>" not in t.name:
            t.name = "<br>".join(textwrap.wrap(t.name, width=max(14, (len(t.name) + 1) // 2)))
    return int(max(_legend_width(t.name, theme) for t in shown)) + 10


def fold_legend(fig: go.Figure, theme: Theme, left: int = 70) -> None:
    """Put the longest legend entries on two lines when they would make plotly's legend grid a
    single column (one entry per row): "Forced psychiatric commitment" and the like. In place."""
    shown = [t for t in fig.data if getattr(t, "showlegend", None) is not False and t.name]
    avail = theme.assumed_width - left - 10
    widths = [_legend_width(t.name, theme) for t in shown]
    if not shown or sum(widths) <= avail or max(widths) * 2 <= avail:
        return
    for t, w in zip(shown, widths, strict=True):
        if w * 2 > avail and "<br>" not in t.name:
            width = (len(t.name) + 1) // 2
            while len(textwrap.wrap(t.name, width=width, break_long_words=False)) > 2:
                width += 1
            t.name = "<br>".join(textwrap.wrap(t.name, width=width, break_long_words=False))


def axis_depth(fig: go.Figure, theme: Theme) -> int:
    """Pixels the x axis takes under the plot: tick labels (level, rotated or two-line dates) and
    its title. The source line goes under that, so the two never touch."""
    xa = fig.layout.xaxis
    if xa.visible is False:
        return 0
    tick = theme.tick_size
    angle = abs(xa.tickangle or 0)
    if angle:
        longest = max((len(str(t)) for t in (xa.ticktext or ())), default=8)
        rad = math.radians(angle)
        depth = longest * tick * 0.56 * math.sin(rad) + tick * 1.2 * math.cos(rad)
    elif xa.type == "date":
        depth = tick * 2.5  # plotly may write the year on a second line
    else:
        # category labels may be wrapped ("Convicted,<br>later<br>acquitted"); measured in Chromium:
        # a line takes 1.3 em, and the labels start 0.3 em under the axis
        labels = [str(v) for t in fig.data if getattr(t, "orientation", None) != "h" for v in (t.x or ())]
        labels += [str(v) for v in (xa.ticktext or ())]
        lines = max((1 + v.count("<br>") for v in labels if isinstance(v, str)), default=1)
        depth = tick * (1.3 * lines + 0.3)
    depth += 6
    if xa.title.text:
        depth += (
            theme.font_size * (2.2 + 1.3 * xa.title.text.count("<br>")) + 15
        )  # plotly's default standoff and the title's box (measured)
    return int(depth)


def head_px(title_lines: int, caption_lines: int, theme: Theme) -> int:
    """Where the caption (plotly's subtitle) ends, from the top of the canvas, before
    ``export.title_clearance`` moves a title of several lines (and all under it) down. Measured
    in Chromium (plotly.js 4): a one-line title's box ends 12 px (its pad) + 1 em down; plotly
    lifts a title of several lines, so its second line ends only 0.6 em lower, each further one
    1.3 em; the subtitle starts 1.6 em of its own font under the title and spaces its lines
    1.3 em, and a one-line subtitle sits 0.7 em lower than the first of several."""
    ts, cs = theme.title_size, theme.caption_size
    more = 0.0 if title_lines <= 1 else 0.6 + 1.3 * (title_lines - 2)
    caption = cs * (2.6 if caption_lines <= 1 else 1.3 * caption_lines + 0.6)
    return int(12 + ts * (1 + more) + caption + 2)


def source_pad(theme: Theme) -> int:
    """Space between the source line and the figure's bottom edge (more on a projector)."""
    return max(10, round(theme.caption_size * 0.8))


TEMPLATE = "none"


def decorate(
    fig: go.Figure,
    title: str,
    caption: str,
    source: str,
    theme: str | Theme = "screen",
    note: str | list[str] | None = None,
    extra_top: int = 0,
    left: int = 70,
    fixed: bool = False,
    legend_right: int = 0,
    lang: str = "en",
    key: str | None = None,
    legend_below: bool = False,
) -> go.Figure:
    """Title and caption (and a note) at the top, the source line at the bottom, inside the figure.

    ``extra_top``: pixels reserved between the legend and the plot (event lanes); ``left``: the
    left margin (room for category labels). The source line starts at the figure's left edge,
    under the x axis's labels and title (``axis_depth``), ``source_pad`` above the bottom edge.
    Call it after the x axis is set up (ticks, angle, title).
    ``fixed``: axes that do not pan or zoom (the selectable charts of the pages).
    ``legend_right``: the legend as a column of that width right of the plot (``side_legend``).
    ``lang``: numbers on the axes and in the bars' texts with the language's decimal and thousands signs.
    ``key``: a paragraph under the x axis, above the source line (the numbered events of a narrow chart).
    ``legend_below``: the legend under the x axis instead of above the plot (a narrow chart: the
    height above goes to the title, the caption and the events). Only for figures that keep the
    height set here (the legend is placed in paper units).
    """
    th = theme_of(theme)
    title_lines = _wrap(title, th, th.title_size, glyph=0.64)  # titles are larger, Cyrillic is wider
    notes = [note] if isinstance(note, str) else list(note or [])
    cap_lines = _wrap(caption, th, th.caption_size) + [x for n in notes if n for x in _wrap(n, th, th.caption_size)]
    src_lines = _wrap(source, th, th.caption_size)
    src_size = max(th.caption_size - 1, 10)
    vertical = not legend_right and not legend_below and narrow_legend(fig, th, left)
    if not legend_right and not vertical:
        fold_legend(fig, th, left)
    legend_names = [t.name for t in fig.data if getattr(t, "showlegend", None) is not False and t.name]
    legend_px = 0 if legend_right else legend_height(legend_names, th, left, vertical=vertical)
    below_px = legend_px if legend_below and legend_px else 0
    head = head_px(len(title_lines), len(cap_lines), th)
    top = head + (legend_px - below_px) + extra_top + 12
    pad = source_pad(th)
    src_px = int(len(src_lines) * src_size * 1.35)
    key_lines = _wrap(key, th, src_size) if key else []
    key_px = int(len(key_lines) * src_size * 1.35) + 6 if key_lines else 0
    axis_px = max(axis_depth(fig, th) + 14, 36)
    bottom = axis_px + below_px + key_px + src_px + pad
    height = (
        th.height
        + extra_top
        + max(0, len(cap_lines) - 1) * th.caption_size
        + (len(title_lines) - 1) * th.title_size
        + legend_px // 2
        + below_px
        + key_px
    )
    if th.fit_height and height > fit_limit(th, len(title_lines)):  # event lanes, long captions take from the plot
        height = max(fit_limit(th, len(title_lines)), top + bottom + MIN_PLOT_PX)
    plot_px = max(height - top - bottom, 120)
    height = max(height, top + bottom + plot_px)
    caption_html = "<br>".join(_esc(x) for x in cap_lines)
    fig.update_layout(
        # no plotly template: every colour, line and font is the theme's, whatever the process has
        # imported (Streamlit makes its own placeholder template plotly's default when imported)
        template=TEMPLATE,
        title=dict(
            text="<br>".join(_esc(x) for x in title_lines),
            # the caption as plotly's subtitle: its lines spaced by its own font (lines of the
            # title's text are spaced by the title's font: 44 px a caption line on a projector)
            subtitle=dict(text=caption_html, font=dict(size=th.caption_size, color=th.font_color)),
            x=0.01,
            xanchor="left",
            y=1,
            yref="container",
            yanchor="top",
            pad=dict(t=12),
            font=dict(size=th.title_size, color=th.font_color),
        ),
        font=dict(family=th.font_family, size=th.font_size, color=th.font_color),
        separators=i18n.number_separators(lang),
        paper_bgcolor=th.paper,
        plot_bgcolor=th.paper,
        margin=dict(l=left, r=30 + legend_right, t=top, b=bottom, autoexpand=True),
        height=height,
        # above event lanes the legend hangs from the caption (it may take fewer rows than reserved on a
        # wide screen: the space left is then above the lanes, not between caption and legend); else it
        # sits on the plot. Paper units are exact here: the builders with lanes keep this height.
        legend=dict(
            orientation="h",
            yanchor="top" if extra_top else "bottom",
            y=1 + ((legend_px + extra_top + 10) if extra_top else (extra_top + 6)) / plot_px,
            xanchor="left",
            x=0,
            font=dict(size=th.font_size),
            traceorder="normal",
        ),
    )
    if vertical:  # (in the plot's width: a legend beside it would push the plot aside)
        fig.update_layout(legend=dict(orientation="v"))
    if below_px:  # under the x axis's labels, above the key and the source line
        fig.update_layout(legend=dict(yanchor="top", y=-(axis_px - 4) / plot_px))
    if key_lines:
        _bottom_note(fig, key_lines, left, -(axis_px + below_px), "top", src_size, "#6b4800", "event-key")
    if legend_right:  # a column beside the plot, from the top of the event lanes down
        fig.update_layout(
            legend=dict(orientation="v", x=1.0, xanchor="left", xref="paper", yanchor="top", y=1 + extra_top / plot_px)
        )
    if th.width:
        fig.update_layout(width=th.width)
    _bottom_note(fig, src_lines, left, -(bottom - pad), "bottom", src_size, "#444444", "source-line")
    fig.update_xaxes(tickfont=dict(size=th.tick_size), gridcolor=th.grid, linecolor="#888")
    fig.update_yaxes(tickfont=dict(size=th.tick_size), gridcolor=th.grid, zerolinecolor="#888")
    if fixed:
        # axes stay put: a click selects a bar (Streamlit turns click-selection off in box mode), and
        # a stray drag in front of an audience must not pan or zoom the chart
        fig.update_xaxes(fixedrange=True)
        fig.update_yaxes(fixedrange=True)
    return fig


def _bottom_note(fig: go.Figure, lines: list[str], left: int, yshift: float, anchor: str, size: int, color: str,
                 name: str) -> None:  # fmt: skip
    """Text under the plot from the figure's left edge (the source line, a narrow chart's event key)."""
    fig.add_annotation(
        text="<br>".join(_esc(x) for x in lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xshift=-(left - 12),
        yshift=yshift,
        xanchor="left",
        yanchor=anchor,
        showarrow=False,
        align="left",
        font=dict(size=size, color=color),
        name=name,
    )


def set_height(fig: go.Figure, height: float) -> None:
    """A decorated figure's new height (a chart that grows with its rows), its legend kept 6 px
    above the plot (``decorate`` places it in paper units, which scale with the plot)."""
    fig.update_layout(height=height)
    legend = fig.layout.legend
    if legend.yanchor == "bottom" and legend.y is not None and legend.y > 1 and legend.x == 0:
        plot = max(height - fig.layout.margin.t - fig.layout.margin.b, 120)
        fig.update_layout(legend_y=1 + 6 / plot)


SOURCES_NAMED = 3  # a source line names this many documents; the rest are counted (ten years cite dozens)


def source_line(sources: list[str], n: int, lang: str, unit: str = "incidents") -> str:
    """'Source: U.S. Department of State; Azerbaijani media in 2020 · n = 23 incidents'; beyond
    three documents, the first three (in order of citation) and how many more."""
    distinct = list(dict.fromkeys(s for s in sources if s))
    names = "; ".join(distinct[:SOURCES_NAMED]) or i18n.t("chart.no_sources", lang)
    if len(distinct) > SOURCES_NAMED:
        names = i18n.t("chart.more_sources", lang, count=len(distinct) - SOURCES_NAMED, sources=names)
    return i18n.t(
        "chart.source_line", lang, sources=names, n=i18n.number(n, lang), unit=i18n.t(f"unit.{unit}", lang, count=n)
    )


def empty_figure(
    message: str,
    title: str,
    caption: str,
    source: str,
    theme: str | Theme = "screen",
    note: str | None = None,
    width_hint: int | None = None,
) -> go.Figure:
    """A figure that says clearly that nothing matches (never an empty axis)."""
    fig = go.Figure()
    fig.add_annotation(
        text=_esc(message),
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font=dict(size=theme_of(theme).font_size + 5),
        name="empty-message",
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return decorate(fig, title, caption, source, theme_of(theme, width_hint), note=note)


def _is_empty(data: pd.DataFrame, column: str = "n") -> bool:
    return data is None or data.empty or float(pd.to_numeric(data[column], errors="coerce").fillna(0).sum()) == 0


# -- month axis ---------------------------------------------------------------------------


def month_position(d: date, months: list[date]) -> float:
    """Where a day falls on a bar-index axis whose bars start at ``months`` (one month, a quarter
    or a year each, evenly; bar k spans k-0.5 … k+0.5)."""
    first = months[0]
    step = 1 if len(months) < 2 else (months[1].year - first.year) * 12 + months[1].month - first.month
    elapsed = (d.year - first.year) * 12 + d.month - first.month
    days = calendar.monthrange(d.year, d.month)[1]
    return elapsed // step - 0.5 + (elapsed % step + (d.day - 1) / days) / step


def _two_lines(label: str) -> str:
    """A month label with the year on a second line (Sep<br>2020)."""
    month, _, year = label.rpartition(" ")
    return f"{month}<br>{year}" if month else label


def _month_axis(fig: go.Figure, months: list[date], lang: str, theme: Theme, grain: str = "month") -> None:
    step = 1 if len(months) <= 14 or grain == "year" else (3 if len(months) <= 40 else 12)
    if grain != "month":
        step = 1 if len(months) <= 16 else 2
    # thinned to what the width takes: a slanted label needs ~1.6 of its font's size across
    # (twelve months on a phone: every other one), on steps that keep to the calendar
    room = max(2, int((theme.assumed_width - 110) / (theme.tick_size * 1.6)))
    nice = {"month": (1, 2, 3, 6, 12, 24, 60), "quarter": (1, 2, 4, 8, 20)}.get(grain, (1, 2, 5, 10, 20))
    step = next((n for n in nice if n >= step and len(months) / n <= room), nice[-1])
    # a slide or a projector (fixed height): month and year on two level lines take less height
    # than slanted labels; the export theme keeps its level one-line labels (it is wide enough)
    level = theme.name == "export" or theme.fit_height is not None
    two = level and theme.name != "export"
    ticks = list(range(0, len(months), step))
    fig.update_xaxes(
        tickmode="array",
        tickvals=ticks,
        ticktext=[
            _two_lines(i18n.grain_label(months[k], grain, lang)) if two else i18n.grain_label(months[k], grain, lang)
            for k in ticks
        ],
        range=[-0.5, len(months) - 0.5],
        tickangle=-45 if len(months) > 8 and not level else 0,
        showgrid=False,
    )


def date_ticks(first: date, last: date, lang: str, theme: Theme) -> dict:
    """Ticks at month starts for a date axis from ``first`` to ``last``, labelled in the chart's
    language (plotly's own date labels are English whatever the page's language): every 1, 2, 3
    or 6 months, or every 1, 2, 5 or 10 years (then the year alone), as many as the width takes."""
    months = months_in(first, last)
    room = max(3, int((theme.assumed_width - 200) / (theme.tick_size * 0.6 * 11)))  # "Sept. 2020"
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60, 120) if len(months) / s <= room), 240)
    if step < 12:
        ticks = [m for m in months if (m.month - 1) % step == 0]
        text = [i18n.month_label(m, lang) for m in ticks]
    else:
        ticks = [m for m in months if m.month == 1 and m.year % (step // 12) == 0]
        text = [str(m.year) for m in ticks]
    return dict(tickmode="array", tickvals=[t.isoformat() for t in ticks], ticktext=text)


def _vrect(x0: float, x1: float, fill: str, name: str) -> dict:
    """The shape ``fig.add_vrect`` makes (a band over the plot's height), as a plain dict."""
    return dict(
        type="rect", x0=x0, x1=x1, xref="x", y0=0, y1=1, yref="y domain", fillcolor=fill, line=dict(width=0),
        layer="below", name=name,
    )  # fmt: skip


def _vline(x: float, line: dict, name: str) -> dict:
    """The shape ``fig.add_vline`` makes, as a plain dict."""
    return dict(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="y domain", line=line, name=name)


def _overlay(fig: go.Figure, shapes: list[dict], annotations: list[dict]) -> None:
    """Add shapes and annotations in one step: ``add_vrect``/``add_annotation`` check and copy every
    shape already there on each call (the events of one chart took ~80 ms that way; the same
    layout, validated once)."""
    if shapes:
        fig.layout.shapes = (*fig.layout.shapes, *shapes)
    if annotations:
        fig.layout.annotations = (*fig.layout.annotations, *annotations)


def add_unmonitored(fig: go.Figure, months: list[date], monitored: list[bool], lang: str) -> None:
    """Grey bands over months outside every source's coverage: 'not monitored', not zero."""
    add_coverage(fig, ["full" if m else "none" for m in monitored], lang)


# how each coverage level is drawn: a band's fill, the word on it and its legend entry
COVERAGE_BANDS = {
    "none": (UNMONITORED_FILL, "chart.not_monitored", "chart.legend_unmonitored", "not-monitored"),
    "partial": (PARTIAL_FILL, "chart.partly_covered", "chart.legend_partial", "partly-covered"),
}


def add_coverage(fig: go.Figure, levels: list[str], lang: str) -> None:
    """Bands over the bars whose period the sources cover only in part (light, hatched: "partly
    covered: at least", the count is a floor) or not at all (grey: "not monitored", not zero),
    each kind of band named once in the legend. ``levels``: per bar, full / partial / none."""
    shown: set[str] = set()
    shapes: list[dict] = []
    notes: list[dict] = []
    k = 0
    while k < len(levels):
        level = levels[k]
        if level not in COVERAGE_BANDS:
            k += 1
            continue
        j = k
        while j + 1 < len(levels) and levels[j + 1] == level:
            j += 1
        fill, word, _legend, name = COVERAGE_BANDS[level]
        shapes.append(_vrect(k - 0.5, j + 0.5, fill, name))
        notes.append(
            dict(
                text=i18n.t(word, lang),
                x=(k + j) / 2,
                xref="x",
                y=0.5,
                yref="paper",
                textangle=-90 if j - k < 2 else 0,
                showarrow=False,
                font=dict(size=11, color="#444444"),
                name=name,
            )
        )
        shown.add(level)
        k = j + 1
    _overlay(fig, shapes, notes)
    for level in ("partial", "none"):
        if level in shown:
            fill, _word, legend, name = COVERAGE_BANDS[level]
            fig.add_scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker=dict(symbol="square", size=14, color=fill, line=dict(color="#666666", width=1)),
                name=_esc(i18n.t(legend, lang)),
                hoverinfo="skip",
                legendrank=2000,
                meta=name,
            )


@dataclass(frozen=True)
class EventMark:
    label: str
    x0: float
    x1: float | None  # None: a single day
    lane: int
    anchor: float | None = None  # where the label ends when drawn leftwards (None: it starts at x0)
    text: str = ""  # the label as drawn (shortened to fit)
    spans: tuple[tuple[float, float | None], ...] = ()  # its events' own (x0, x1) when several share a label


EVENT_LABEL_CHARS = 48  # longer labels are cut with "…" (the whole label is in the hover text)


def _event_text_px(text: str, theme: Theme) -> float:
    return len(text) * theme.char_px * 0.9 + 14


def event_lanes(events: pd.DataFrame | None, months: list[date], lang: str, theme: Theme) -> list[EventMark]:
    """Place each event's label in a lane above the plot so that no two labels overlap.

    A label starts at its event's start. One that would run past the plot's right edge is drawn
    leftwards instead, ending where its period ends (a single day: at its line; ``anchor``). When
    neither fits, the label is shortened ("…", the whole text in its hover) on the side with more
    room: a label always touches its own event, never floats to a month it does not belong to.
    """
    if events is None or events.empty or not months:
        return []
    lo, hi = -0.5, len(months) - 0.5
    plot_w = max(theme.assumed_width - 110, 120)
    px_per_month = plot_w / len(months)
    items: list[tuple[str, float, float | None]] = []
    for r in events.to_dict("records"):
        label = r.get(f"label_{lang}") or r.get("label_en") or ""
        start, end = r["start"], r.get("end") if isinstance(r.get("end"), date) else None
        x0 = month_position(start, months)
        if end is None or end == start:
            if lo <= x0 <= hi:
                items.append((label, x0, None))
            continue
        x1 = min(hi, month_position(end, months) + 1 / 31)
        x0 = max(lo, x0)
        if x1 > lo and x0 < hi:
            items.append((label, x0, x1))
    if theme.assumed_width < NARROW_PX and not theme.fit_height:
        # a narrow chart: each event is drawn with its number (in order of start), named in the key
        # under the chart (``event_key``); whole labels would take a lane each, cut to a few letters
        items.sort(key=lambda t: (t[1], t[2] if t[2] is not None else t[1]))
        numbered = [(str(k), x0, x1, ()) for k, (_label, x0, x1) in enumerate(items, start=1)]
        marks = _place_events(numbered, lo, hi, px_per_month, theme)
        names = {str(k): label for k, (label, _x0, _x1) in enumerate(items, start=1)}
        return [replace(m, label=names[m.label], text=m.text) for m in marks]
    marks = _place_events([(label, x0, x1, ()) for label, x0, x1 in items], lo, hi, px_per_month, theme)
    if theme.fit_height and 1 + max(m.lane for m in marks) > FIT_LANES:
        # a fixed-height screen: the events that begin in the same month share one label and lane
        # (each keeps its own band or line in the plot), so that the plot keeps its height
        marks = _place_events(_by_start_month(items), lo, hi, px_per_month, theme)
    return marks


FIT_LANES = 4  # on a projector or a slide, more lanes than this and events are labelled per month


def _by_start_month(items: list[tuple[str, float, float | None]]) -> list[tuple]:
    groups: dict[int, list[tuple[str, float, float | None]]] = {}
    for item in sorted(items, key=lambda t: t[1]):
        groups.setdefault(math.floor(item[1] + 0.5), []).append(item)
    out = []
    for members in groups.values():
        x0 = min(m[1] for m in members)
        ends = [m[2] if m[2] is not None else m[1] for m in members]
        x1 = None if all(m[2] is None for m in members) and max(ends) == x0 else max(ends)
        spans = tuple((m[1], m[2]) for m in members) if len(members) > 1 else ()
        out.append((" · ".join(m[0] for m in members), x0, x1, spans))
    return out


def _place_events(items: list[tuple], lo: float, hi: float, px_per_month: float, theme: Theme) -> list[EventMark]:
    """The lanes of ``event_lanes``: items (label, x0, x1, spans), placed first fit."""
    spare = 1.15  # the plot may be narrower on screen than assumed here

    def width(text: str) -> float:  # in months
        return _event_text_px(text, theme) * spare / px_per_month

    def shortened(text: str, room: float) -> str:  # the label cut to ``room`` months (at least 8 characters)
        chars = min(EVENT_LABEL_CHARS, max(8, int((room * px_per_month / spare - 14) / (theme.char_px * 0.9))))
        return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"

    placed = []
    for label, x0, x1, spans in items:
        end = x1 if x1 is not None else x0
        short = shortened(label, hi - lo)
        anchor = None  # the label starts at x0 ...
        if x0 + width(short) > hi:
            if end - width(short) >= lo:
                anchor = end  # ... or ends where the event ends
            elif hi - x0 >= end - lo:
                short = shortened(label, hi - x0)  # neither fits whole: cut it on the roomier side
            else:
                short, anchor = shortened(label, end - lo), end
        w = width(short)
        left, right = (anchor - w, anchor) if anchor is not None else (x0, x0 + w)
        placed.append(((min(x0, left), max(end, right)), label, short, x0, x1, anchor, spans))
    lanes_end: list[float] = []
    out: list[EventMark] = []
    for (start, stop), label, short, x0, x1, anchor, spans in sorted(placed, key=lambda t: (t[0][0], -t[0][1])):
        lane = next((k for k, e in enumerate(lanes_end) if e < start), len(lanes_end))
        if lane == len(lanes_end):
            lanes_end.append(stop)
        else:
            lanes_end[lane] = stop
        out.append(EventMark(label, x0, x1, lane, anchor, short, spans))
    return sorted(out, key=lambda m: (m.x0, m.lane))


def event_key(marks: list[EventMark], lang: str) -> str | None:
    """The key of a narrow chart's numbered events ("1 Parliamentary elections · 2 …"), or None
    when the events carry their own labels."""
    numbered = sorted((int(m.text), m.label) for m in marks if m.text.isdigit() and m.text != m.label)
    if not numbered:
        return None
    return i18n.t("chart.event_key", lang, events=" · ".join(f"{k} {label}" for k, label in numbered))


def lane_px(theme: Theme) -> int:
    return int(theme.font_size * 0.95 + 7)


def add_events(fig: go.Figure, marks: list[EventMark], theme: Theme) -> None:
    """Context periods as light bands (single days as dotted lines) with labels in lanes above."""
    if not marks:
        return
    lp = lane_px(theme)
    plot_px = max(int(fig.layout.height) - fig.layout.margin.t - fig.layout.margin.b, 120)
    dotted = dict(color=EVENT_LINE, width=1.5, dash="dot")
    shapes: list[dict] = []
    notes: list[dict] = []
    for m in marks:
        y_base = 1 + (m.lane * lp + 3) / plot_px
        for x0, x1 in m.spans:  # events sharing this label: each its own band or line in the plot
            shapes.append(_vline(x0, dotted, "event") if x1 is None else _vrect(x0, x1, EVENT_FILL, "event"))
        if m.x1 is None:
            if not m.spans:
                shapes.append(_vline(m.x0, dotted, "event"))
            shapes.append(
                dict(type="line", x0=m.x0, x1=m.x0, xref="x", y0=1, y1=y_base + 10 / plot_px, yref="paper",
                     line=dotted, name="event")
            )  # fmt: skip
        else:
            if not m.spans:
                shapes.append(_vrect(m.x0, m.x1, EVENT_FILL, "event"))
            shapes.append(
                dict(type="rect", x0=m.x0, x1=m.x1, xref="x", y0=y_base, y1=y_base + 4 / plot_px, yref="paper",
                     fillcolor=EVENT_LINE, line=dict(width=0), name="event")
            )  # fmt: skip
        place = (
            dict(x=m.anchor, xanchor="right", xshift=-2)
            if m.anchor is not None
            else dict(x=m.x0, xanchor="left", xshift=2)
        )
        notes.append(
            dict(
                text=_esc(m.text or m.label),
                hovertext=_esc(m.label),
                xref="x",
                y=y_base + 5 / plot_px,
                yref="paper",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=max(theme.font_size - 2, 10), color="#6b4800"),
                name="event",
                **place,
            )
        )
    _overlay(fig, shapes, notes)


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
    kind: str | None = None,
    labels: dict[str, str] | None = None,
    note: str | None = None,
    width_hint: int | None = None,
    grain: str | None = None,
) -> go.Figure:
    """Stacked bars per month (or quarter or year: ``grain``); ``data``: month (the bar's first
    day), key, n, monitored and optionally coverage (from ``Query.monthly`` / ``Query.by_period``).

    Every month of the period is on the axis (zeros included); months outside all sources'
    coverage are shaded "not monitored". ``customdata`` carries (month ISO, key) so that a
    selection in the chart can filter the incident list. Keys are coloured by kind when ``vocab``
    is the kind vocabulary, else as tints/patterns of ``kind``'s colour.
    """
    th = theme_of(theme, width_hint)
    if _is_empty(data):
        return empty_figure(i18n.t("chart.empty", lang), title, caption, source, th, note=note)
    months = sorted(data["month"].unique())
    grain = grain or "month"
    present = set(data.loc[data["n"] > 0, "key"].dropna())
    keys = [k for k in vocab.codes if k in present] + sorted(present - set(vocab.codes))
    if labels:
        keys = [k for k in labels if k in present] + [k for k in keys if k not in labels]
    if vocab is CATEGORY and not labels:
        styles = {k: ((colors or CATEGORY_COLORS).get(k, NEUTRAL), "") for k in keys}
    else:
        styles = shades(kind, keys)
        if colors:
            styles.update({k: (c, styles.get(k, ("", ""))[1]) for k, c in colors.items()})
    names = {key: (labels or {}).get(key) or vocab.label(key, lang) for key in keys}
    fig = go.Figure()
    _stacked_months(fig, data, names, styles, months, lang, th, grain)
    fig.update_yaxes(title_text=y_title or i18n.t("chart.y_incidents", lang), rangemode="tozero", tickformat=",d")
    if _peak(data) <= 8:
        fig.update_yaxes(dtick=1)
    add_coverage(fig, _coverage_levels(data, months), lang)
    side = side_legend(fig, th)  # (the event labels then have a narrower plot)
    marks = event_lanes(events, months, lang, replace(th, hint=th.assumed_width - side) if side else th)
    lanes = 1 + max((m.lane for m in marks), default=-1)
    decorate(
        fig,
        title,
        caption,
        source,
        th,
        note=note,
        extra_top=lanes * lane_px(th),
        fixed=True,
        legend_right=side,
        lang=lang,
        key=event_key(marks, lang),
        legend_below=th.assumed_width < NARROW_PX and not th.fit_height,
    )
    add_events(fig, marks, th)
    return fig


def _stacked_months(
    fig: go.Figure,
    data: pd.DataFrame,
    names: dict[str, str],
    styles: dict[str, tuple[str, str]],
    months: list,
    lang: str,
    th: Theme,
    grain: str = "month",
) -> None:
    """Bars per month (or quarter or year: ``grain``) stacked by key (``data``: month = the bar's first
    day, key, n), in the order of ``names`` (key → legend name), on the bar axis; ``customdata``
    (month ISO, key) for selections."""
    index = {m: k for k, m in enumerate(months)}
    for key, name in names.items():
        part = data[data["key"] == key].sort_values("month")
        color, pattern = styles[key]
        fig.add_bar(
            x=[index[m] for m in part["month"]],
            y=part["n"].tolist(),
            name=_esc(name),
            marker=bar_marker(color, pattern),
            customdata=[[m.isoformat(), key] for m in part["month"]],
            hovertext=[i18n.grain_label(m, grain, lang, long=True) for m in part["month"]],
            hovertemplate="%{hovertext}<br>%{fullData.name}: %{y}<extra></extra>",
        )
    fig.update_layout(barmode="stack", bargap=0.15 if len(months) > 4 else 0.55, clickmode="event+select")
    _month_axis(fig, months, lang, th, grain)


def _coverage_levels(data: pd.DataFrame, months: list) -> list[str]:
    """Each bar's coverage (full / partial / none) from ``data``'s ``coverage`` column, or from
    ``monitored`` (full / none) where a frame has only that."""
    if "coverage" in data.columns:
        return data.groupby("month")["coverage"].first().reindex(months).fillna("full").tolist()
    monitored = data.groupby("month")["monitored"].first().reindex(months).fillna(True).astype(bool).tolist()
    return ["full" if m else "none" for m in monitored]


def _peak(data: pd.DataFrame) -> int:
    return int(data.groupby("month")["n"].sum().max()) if not data.empty else 0


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
    labels: dict[str, str] | None = None,
    width_hint: int | None = None,
) -> go.Figure:
    """Ranked counts; ``data``: key, n. Vocabulary codes are labelled, names shown as recorded."""
    th = theme_of(theme, width_hint)
    if _is_empty(data):
        return empty_figure(i18n.t("chart.empty", lang), title, caption, source, th)
    data = data.sort_values(["n", "key"], ascending=[True, False])

    width = label_chars(th, 26 if th.assumed_width < 800 else 40)

    def label(k) -> str:
        text = labels[k] if labels and k in labels else (vocab.label(k, lang) if vocab else str(k))
        return wrap_label(text, width)

    names = [label(k) for k in data["key"]]
    fig = go.Figure(
        go.Bar(
            x=data["n"].tolist(),
            y=names,
            orientation="h",
            marker_color=[UNKNOWN_COLOR if k == "unknown" else color for k in data["key"]],
            customdata=[[str(k)] for k in data["key"]],
            text=[i18n.number(v, lang) for v in data["n"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_layout(clickmode="event+select", showlegend=False)
    fig.update_xaxes(
        title_text=x_title or i18n.t("chart.y_incidents", lang), rangemode="tozero", tickformat=",d", showgrid=True
    )
    if float(data["n"].max()) <= 8:
        fig.update_xaxes(dtick=1)
    fig.update_xaxes(range=[0, float(data["n"].max()) * 1.12])
    fig.update_yaxes(automargin=not is_narrow(th))
    decorate(fig, title, caption, source, th, left=label_margin(names, th), fixed=True, lang=lang)
    rows = sum(1 + n.count("<br>") for n in names)
    set_height(fig, max(th.height, fig.layout.margin.t + fig.layout.margin.b + 40 + 22 * rows + 10 * len(names)))
    return fig


def column_bars(
    data: pd.DataFrame,
    *,
    title: str,
    caption: str,
    source: str,
    lang: str = "en",
    labels: dict[str, str],
    kind: str | None = None,
    theme: str | Theme = "screen",
    y_title: str | None = None,
    width_hint: int | None = None,
    uniform: bool = False,
) -> go.Figure:
    """Counts per key in a fixed order (bins, verdicts); ``data``: key, n. One bar per label.

    ``uniform``: one colour for every bar (ordered bins), else tints and patterns of the kind.
    """
    th = theme_of(theme, width_hint)
    if _is_empty(data):
        return empty_figure(i18n.t("chart.empty", lang), title, caption, source, th)
    counts = dict(zip(data["key"], data["n"], strict=True))
    keys = list(labels)
    styles = shades(kind, keys)
    if uniform:
        styles = {k: (UNKNOWN_COLOR if k == "unknown" else kind_color(kind), "") for k in keys}
    # each label wrapped to its bar's width (six bins in a half-width column: "Under 1<br>year")
    chars = max(6, min(14, int((th.assumed_width - 110) / max(len(keys), 1) / (th.tick_size * 0.62))))
    fig = go.Figure()
    for key in keys:
        color, pattern = styles[key]
        n = int(counts.get(key, 0))
        fig.add_bar(
            x=[wrap_label(labels[key], chars, lines=3)],
            y=[n],
            name=_esc(labels[key]),
            marker=bar_marker(color, pattern),
            customdata=[[key]],
            text=[i18n.number(n, lang)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y}<extra></extra>",
            showlegend=False,
        )
    fig.update_layout(clickmode="event+select", bargap=0.3)
    fig.update_xaxes(tickangle=0)
    fig.update_yaxes(title_text=y_title or i18n.t("chart.y_incidents", lang), rangemode="tozero", tickformat=",d")
    if max(counts.values(), default=0) <= 8:
        fig.update_yaxes(dtick=1)
    return decorate(fig, title, caption, source, th, fixed=True, lang=lang)


def answer_bars(
    data: pd.DataFrame,
    *,
    title: str,
    caption: str,
    source: str,
    lang: str = "en",
    questions: dict[str, str],
    answers: Vocabulary,
    kind: str | None = None,
    theme: str | Theme = "screen",
    x_title: str | None = None,
    width_hint: int | None = None,
) -> go.Figure:
    """Yes / no / unknown per question as stacked horizontal bars; ``data``: question, key, n."""
    th = theme_of(theme, width_hint)
    if _is_empty(data):
        return empty_figure(i18n.t("chart.empty", lang), title, caption, source, th)
    base = kind_color(kind)
    styles = {"yes": (base, ""), "no": (_mix(base, "#ffffff", 0.6), "/"), "unknown": (UNKNOWN_COLOR, "")}
    fig = go.Figure()
    rows = list(questions)
    for key in answers.codes:
        part = data[data["key"] == key].set_index("question")["n"]
        values = [int(part.get(q, 0)) for q in rows]
        color, pattern = styles.get(key, (NEUTRAL, ""))
        fig.add_bar(
            y=[wrap_label(questions[q], label_chars(th, 26), lines=3) for q in rows],
            x=values,
            orientation="h",
            name=_esc(answers.label(key, lang)),
            marker=bar_marker(color, pattern),
            customdata=[[q, key] for q in rows],
            text=[i18n.number(v, lang) if v else "" for v in values],
            textposition="inside",
            insidetextanchor="middle",
            hovertemplate="%{y} — %{fullData.name}: %{x}<extra></extra>",
        )
    fig.update_layout(barmode="stack", clickmode="event+select", bargap=0.35)
    fig.update_xaxes(title_text=x_title or i18n.t("chart.y_incidents", lang), rangemode="tozero", tickformat=",d")
    fig.update_yaxes(automargin=not is_narrow(th), autorange="reversed")
    decorate(
        fig,
        title,
        caption,
        source,
        th,
        left=label_margin([wrap_label(questions[q], label_chars(th, 26), lines=3) for q in rows], th),
        fixed=True,
        lang=lang,
    )
    set_height(fig, max(300, fig.layout.margin.t + fig.layout.margin.b + 70 * len(rows)))
    return fig


def _day_span(d0: date, d1: date) -> float:
    """Bar length in milliseconds for a date axis, at least one day."""
    return max((d1 - d0).days, 1) * 86_400_000


def block_timeline(
    data: pd.DataFrame,
    *,
    start: date,
    end: date,
    title: str,
    caption: str,
    source: str,
    lang: str = "en",
    theme: str | Theme = "screen",
    width_hint: int | None = None,
) -> go.Figure:
    """Each blocked domain/platform as a bar from its start to its end (``Query.block_timeline``).

    Solid: blocked, confirmed by a source. Light hatched: the start is known only to the month or
    year, so the block may have begun anywhere in it. Dotted grey: no end recorded, and no source
    confirms the block after ``status_as_of`` — shown to the period's end but never counted.
    """
    th = theme_of(theme, width_hint)
    if data is None or data.empty:
        return empty_figure(i18n.t("blockings.timeline_empty", lang), title, caption, source, th)
    base = kind_color("website_blocking")
    segments = {
        "confirmed": ([], base, "", i18n.t("blockings.seg_confirmed", lang)),
        "uncertain": ([], _mix(base, "#ffffff", 0.55), "/", i18n.t("blockings.seg_start_uncertain", lang)),
        "unconfirmed": ([], "#F4F4F4", ".", i18n.t("blockings.seg_unconfirmed", lang)),
    }
    last = end + timedelta(days=1)
    order: list[str] = []
    for r in data.to_dict("records"):
        label = wrap_label(r["domain"], label_chars(th, 30), lines=2 if is_narrow(th) else 1)
        if label not in order:
            order.append(label)
        s_pos, s_cert, e_conf = r["start_possible"], r["start_certain"], r["end_confirmed"]
        what = i18n.t(
            "blockings.hover",
            lang,
            start=i18n.date_with_precision(s_pos, r["start_precision"], lang),
            until=i18n.day_label(r["blocked_until"], lang) if r["blocked_until"] else "—",
            status=i18n.day_label(r["status_as_of"], lang) if r["status_as_of"] else "—",
        )
        if r["start_precision"] in ("month", "year") and s_cert > start:
            a, b = max(s_pos, start), min(s_cert, last)
            segments["uncertain"][0].append((label, a, b, r["incident_id"], what, ""))
        a, b = max(s_cert, start), min(e_conf + timedelta(days=1), last)
        if b > a or s_cert <= end:
            since = (
                i18n.t("blockings.since", lang, date=i18n.date_with_precision(s_pos, r["start_precision"], lang))
                if s_pos < start
                else ""
            )
            segments["confirmed"][0].append((label, a, max(b, a + timedelta(days=1)), r["incident_id"], what, since))
        if r["open_ended"] and e_conf < end:
            segments["unconfirmed"][0].append((label, e_conf + timedelta(days=1), last, r["incident_id"], what, ""))
    fig = go.Figure()
    for _name, (rows, color, pattern, legend) in segments.items():  # noqa: B007 - _name styles the trace
        if not rows:
            continue
        fig.add_bar(
            y=[r[0] for r in rows],
            x=[_day_span(r[1], r[2]) for r in rows],
            base=[r[1].isoformat() for r in rows],
            orientation="h",
            name=_esc(legend),
            marker=bar_marker(
                color,
                pattern,
                fg="#7a7a7a" if _name == "unconfirmed" else "#ffffff",
                line=dict(width=1 if _name == "unconfirmed" else 0, color="#9a9a9a"),
            ),
            customdata=[[r[3]] for r in rows],
            hovertext=[r[4] for r in rows],
            text=[_esc(r[5]) for r in rows],
            textposition="inside",
            insidetextanchor="start",
            textfont=dict(color="#ffffff", size=max(th.font_size - 4, 10)),
            hovertemplate="%{y}<br>%{hovertext}<extra></extra>",
        )
    fig.update_layout(
        barmode="overlay",
        clickmode="event+select",
        bargap=0.35,
        uniformtext=dict(minsize=max(th.font_size - 5, 10), mode="show"),  # "since 2017" stays legible
    )
    fig.update_xaxes(
        type="date", range=[start.isoformat(), last.isoformat()], showgrid=True, **date_ticks(start, end, lang, th)
    )
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(order)), automargin=not is_narrow(th))
    decorate(fig, title, caption, source, th, left=label_margin(order, th), fixed=True, lang=lang)
    row = max(26, int(th.font_size * 1.35))  # the "since 2017" text inside a bar stays legible
    set_height(
        fig,
        max(height_floor(th, title_lines_of(fig)), fig.layout.margin.t + fig.layout.margin.b + 40 + row * len(order)),
    )
    rows_meta(fig, len(order), row)
    return fig


def outside_text_range(data: pd.DataFrame, theme: Theme, left: int) -> float:
    """The x range that leaves room for each bar's text beside it ("at least 26 incidents")."""
    plot = max(theme.assumed_width - left - 30, 200)
    need = 1.0
    for value_col, text_col in (("value", "value_text"), ("documented", "documented_text")):
        for v, text in zip(data[value_col].astype(float), data[text_col], strict=True):
            room = plot * 0.97 - (len(str(text)) * theme.font_size * 0.6 + 8)
            need = max(need, v * plot / max(room, plot * 0.25), v * 1.1)
    return need


def documented_vs_published(
    data: pd.DataFrame,
    *,
    title: str,
    caption: str,
    source: str,
    lang: str = "en",
    theme: str | Theme = "screen",
    width_hint: int | None = None,
) -> go.Figure:
    """Each published figure (grey, hatched) beside the itemised count (the kind's colour).

    ``data``: label, category, value, value_text ("at least 26"), documented, documented_text.
    """
    th = theme_of(theme, width_hint)
    data = data[data["documented"].notna()] if data is not None and not data.empty else data
    if data is None or data.empty:
        return empty_figure(i18n.t("published.none", lang), title, caption, source, th)
    # each bar is named by the figure's own description (and period): up to four lines (five on a
    # narrow chart, whose bars say their numbers in signs, "≥ 26": the words are in the hover)
    narrow = th.assumed_width < NARROW_PX and "value_short" in data.columns
    if narrow:
        data = data.assign(
            hover_value=data["value_text"], hover_documented=data["documented_text"],
            value_text=data["value_short"], documented_text=data["documented_short"],
        )  # fmt: skip
    wide = 44 if th.assumed_width >= 800 else label_chars(th, 28)
    labels = [wrap_label(x, wide, lines=5 if narrow else 4) for x in data["label"]]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=data["value"].astype(float).tolist(),
        orientation="h",
        name=_esc(i18n.t("published.published", lang)),
        marker=bar_marker(NEUTRAL, "/"),
        text=[_esc(x) for x in data["value_text"]],
        textposition="outside",
        cliponaxis=False,
        customdata=[[fid] for fid in data["figure_id"]],
        hovertext=[_esc(x) for x in data["hover_value" if narrow else "value_text"]],
        hovertemplate="%{y}<br>%{hovertext}<extra></extra>",
    )
    fig.add_bar(
        y=labels,
        x=data["documented"].astype(float).tolist(),
        orientation="h",
        name=_esc(i18n.t("published.documented", lang)),
        marker_color=[kind_color(c) for c in data["category"]],
        text=[_esc(x) for x in data["documented_text"]],
        textposition="outside",
        cliponaxis=False,
        customdata=[[fid] for fid in data["figure_id"]],
        hovertext=[_esc(x) for x in data["hover_documented" if narrow else "documented_text"]],
        hovertemplate="%{y}<br>%{hovertext}<extra></extra>",
    )
    fig.update_layout(barmode="group", clickmode="event+select", bargap=0.25, bargroupgap=0.05)
    left = label_margin(labels, th)
    fig.update_xaxes(
        range=[0, outside_text_range(data, th, left)],
        tickformat=",d",
        title_text="<br>".join(
            _esc(x)
            for x in _wrap(
                i18n.t("published.x_title", lang), replace(th, hint=th.assumed_width - left), th.font_size, glyph=0.6
            )
        ),
    )
    fig.update_yaxes(automargin=not is_narrow(th), autorange="reversed")
    decorate(fig, title, caption, source, th, left=left, fixed=True, lang=lang)
    # two bars with their texts per figure; on a projector or a slide the whole list fits a 1080p screen
    row = 58 if th.name == "screen" else int(th.font_size * 2.1)
    set_height(
        fig,
        max(height_floor(th, title_lines_of(fig)), fig.layout.margin.t + fig.layout.margin.b + 40 + row * len(labels)),
    )
    rows_meta(fig, len(labels), row)
    return fig


def _timeline_hover(df: pd.DataFrame, category: str, lang: str) -> list[str]:
    vocab = CATEGORY_SUBCATEGORY[category][1]
    return [
        f"{i18n.date_with_precision(d, p, lang)} — {_esc(vocab.label(s, lang))}"
        for d, p, s in zip(df["date"], df["date_precision"], df["subcategory"], strict=True)
    ]


def case_timeline(
    data: pd.DataFrame,
    *,
    title: str,
    caption: str,
    source: str,
    lang: str = "en",
    theme: str | Theme = "screen",
    width_hint: int | None = None,
) -> go.Figure:
    """One person's or outlet's incidents on a date axis, one row per kind (``Query.timeline``).

    A day is a marker; a date known only to the month or year is a light bar across that month
    or year (never a point on its first day).
    """
    th = theme_of(theme, width_hint)
    if data is None or data.empty:
        return empty_figure(i18n.t("chart.empty", lang), title, caption, source, th)
    fig = go.Figure()
    kinds = [c for c in CATEGORY.codes if c in set(data["category"])]
    ends_all: list[date] = []
    for cat in kinds:
        part = data[data["category"] == cat]
        label = _esc(CATEGORY.label(cat, lang))
        color = kind_color(cat)
        day = part[part["date_precision"] == "day"]
        spans = part[part["date_precision"] != "day"]

        if not spans.empty:
            ends = [
                date(d.year, 12, 31) if p == "year" else month_end(d)
                for d, p in zip(spans["date"], spans["date_precision"], strict=True)
            ]
            ends_all += ends
            fig.add_bar(
                y=[label] * len(spans),
                x=[_day_span(d, e + timedelta(days=1)) for d, e in zip(spans["date"], ends, strict=True)],
                base=[d.isoformat() for d in spans["date"]],
                orientation="h",
                name=_esc(f"{CATEGORY.label(cat, lang)} — {i18n.t('people.imprecise', lang)}"),
                marker=dict(color=_mix(color, "#ffffff", 0.55), line=dict(color=color, width=1)),
                width=0.35,
                customdata=[[x] for x in spans["incident_id"]],
                hovertext=_timeline_hover(spans, cat, lang),
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
            )
        held = part[part["released_on"].notna()] if "released_on" in part else part.iloc[0:0]
        if not held.empty:  # the time held, from the detention to the release
            xs, ys = [], []
            for d, r in zip(held["date"], held["released_on"], strict=True):
                xs += [d.isoformat(), r.isoformat(), None]
                ys += [label, label, None]
            fig.add_scatter(
                x=xs,
                y=ys,
                mode="lines",
                line=dict(color=color, width=3),
                hoverinfo="skip",
                showlegend=False,
                name="held",
            )
        if not day.empty:
            fig.add_scatter(
                y=[label] * len(day),
                x=[d.isoformat() for d in day["date"]],
                mode="markers",
                name=label,
                marker=dict(color=color, size=th.font_size + 1, symbol="diamond", line=dict(color="#ffffff", width=1)),
                customdata=[[x] for x in day["incident_id"]],
                hovertext=_timeline_hover(day, cat, lang),
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
            )
    fig.update_layout(barmode="overlay", clickmode="event+select")
    # whole months, so that the ticks (month starts, in the chart's language) are on the axis
    first = min(data["date"])
    last = max([d for c in ("date", "released_on") if c in data for d in data[c].dropna()] + ends_all)
    fig.update_xaxes(
        type="date",
        showgrid=True,
        range=[month_start(first).isoformat(), add_months(last, 1).isoformat()],
        **date_ticks(first, last, lang, th),
    )
    fig.update_yaxes(categoryorder="array", categoryarray=[_esc(CATEGORY.label(c, lang)) for c in reversed(kinds)])
    decorate(
        fig,
        title,
        caption,
        source,
        th,
        left=label_margin([CATEGORY.label(c, lang) for c in kinds], th),
        fixed=True,
        lang=lang,
    )
    set_height(fig, max(260, fig.layout.margin.t + fig.layout.margin.b + 60 + 50 * len(kinds)))
    return fig


def held_over_time(
    data: pd.DataFrame,
    published: pd.DataFrame | None = None,
    *,
    title: str,
    caption: str,
    source: str,
    lang: str = "en",
    labels: dict[str, str],
    published_name: str,
    y_title: str,
    note: str | None = None,
    theme: str | Theme = "screen",
    width_hint: int | None = None,
) -> go.Figure:
    """People held at the end of each month (``Query.held_by_month``: month, key, n, monitored),
    stacked by basis (``labels``: key → legend name, in order); published counts of the same thing
    (``published``: date, value, text — the figure in words) as grey diamonds on their day.

    Every month of the period is on the axis; months no source monitors are shaded "not
    monitored". ``customdata`` of a bar: (month ISO, key), for the lists under the chart.
    """
    th = theme_of(theme, width_hint)
    has_published = published is not None and not published.empty
    if _is_empty(data) and not has_published:
        return empty_figure(i18n.t("chart.empty", lang), title, caption, source, th, note=note)
    months = sorted(data["month"].unique())
    fig = go.Figure()
    _stacked_months(fig, data, labels, shades("detention", list(labels)), months, lang, th)
    peak = _peak(data)
    if has_published:
        xs = [month_position(d, months) for d in published["date"]]
        fig.add_scatter(
            x=xs,
            y=published["value"].astype(float).tolist(),
            # the figure in words beside its diamond, where there is room (a narrow chart: in the hover
            # and in the table under the chart)
            mode="markers" if is_narrow(th) else "markers+text",
            name=_esc(published_name),
            marker=dict(symbol="diamond", size=th.font_size + 3, color=NEUTRAL, line=dict(color="#ffffff", width=1)),
            text=[_esc(t) for t in published["text"]],
            # a figure near an edge of the plot writes its words towards the middle, never off the canvas
            textposition=["top left" if x > len(months) - 2 else "top right" if x < 1 else "top center" for x in xs],
            textfont=dict(size=max(th.font_size - 2, 10), color="#333333"),
            cliponaxis=False,
            hovertext=[_esc(t) for t in published["hover"]],
            hovertemplate="%{hovertext}<extra></extra>",
        )
        peak = max(peak, int(published["value"].max()))
    fig.update_yaxes(title_text=y_title, rangemode="tozero", tickformat=",d", range=[0, max(peak, 1) * 1.18])
    if peak <= 8:
        fig.update_yaxes(dtick=1)
    add_coverage(fig, _coverage_levels(data, months), lang)
    return decorate(fig, title, caption, source, th, note=note, fixed=True, lang=lang)
