"""The offline documents of one filter state: the donor report (one HTML file) and the 16:9 slide
deck, composed from the figure layer (``pressfreedom.figures``) — the same numbers, charts and words
as the pages. ``compose.make_report(query, filters)`` and ``compose.make_deck(query, filters)``
return bytes; the dashboard offers them as downloads and ``python -m report`` writes them to files."""
