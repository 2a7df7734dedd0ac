"""WCAG 2.1 AA contrast of what the chart builders draw (Plotly's SVG, which axe does not check).

Text 4.5:1 against the paper on every theme (titles, captions, source lines, event labels); marks
3:1 or outlined (WCAG 1.4.11). The browser gate (tests/browser/test_accessibility.py) covers the page.
"""

from __future__ import annotations

import pytest

from pressfreedom import charts

TEXT = 4.5


@pytest.mark.parametrize("name", sorted(charts.THEMES))
def test_theme_text_has_4_5_to_1(name):
    th = charts.THEMES[name]
    paper = "#ffffff" if th.paper == "white" else th.paper
    assert charts.contrast_ratio(th.font_color, paper) >= TEXT


def test_fixed_text_colours_have_4_5_to_1():
    # the source line (#444444), the event lanes' labels (#6b4800), published figures (NEUTRAL)
    for color in ("#444444", "#6b4800", charts.NEUTRAL):
        assert charts.contrast_ratio(color) >= TEXT, color


def test_kind_colours_and_event_lines_have_3_to_1():
    for color in [*charts.CATEGORY_COLORS.values(), charts.NEUTRAL, charts.EVENT_LINE]:
        assert charts.contrast_ratio(color) >= charts.MARK_CONTRAST, color


@pytest.mark.parametrize("kind", [*charts.CATEGORY_COLORS, None])
def test_every_fill_under_3_to_1_is_outlined(kind):
    keys = ["a", "b", "c", "d", "e", "unknown"]
    for key, (color, pattern) in charts.shades(kind, keys).items():
        marker = charts.bar_marker(color, pattern)
        if charts.contrast_ratio(color) >= charts.MARK_CONTRAST:
            continue
        line = marker.get("line")
        assert line and line["width"] >= 1, f"{kind}/{key}: fill {color} under 3:1 with no outline"
        assert charts.contrast_ratio(line["color"]) >= charts.MARK_CONTRAST


def test_contrast_ratio_matches_wcag():
    assert round(charts.contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert abs(charts.contrast_ratio("#828180") - 3.88) < 0.02  # Streamlit's caption, fixed in webapp/app.py
