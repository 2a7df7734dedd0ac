"""``python -m report``: the donor report (HTML) and the slide deck (PPTX) written to files.

The documents themselves are composed by the library (``pressfreedom.documents``); this package is
only their command line, a consumer beside the Streamlit layer that never imports it.
"""
