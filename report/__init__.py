"""Donor report (one offline HTML file) and 16:9 slide deck, from the dashboard's own query layer.

``python -m report --lang en|ru|az [--from YYYY-MM] [--to YYYY-MM] [--out DIR]``; from the
dashboard: ``report.make_report(query, filters)`` and ``report.make_deck(query, filters)``
(both return bytes, in ``filters.lang``).
"""

from __future__ import annotations

__all__ = ["make_deck", "make_report"]


def __getattr__(name: str):
    # imported on first use, so that `python -m report` can quieten Streamlit's logger first
    if name in __all__:
        from report import build

        return getattr(build, name)
    raise AttributeError(name)
