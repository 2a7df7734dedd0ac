"""The reference app of ``python -m bench ui``: what a hello-world multipage app costs here.

Two ``st.navigation`` pages, one Plotly bar chart each, nothing else: the floor the dashboard's
browser figures are compared with (same Streamlit, same Plotly, same server flags and config).
The page scripts live in ``screens/``, not ``pages/``, so Streamlit never falls back to its
legacy pages-folder mode.
"""

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="Reference", layout="wide")
st.navigation(
    [
        st.Page(HERE / "screens" / "alpha.py", title="Alpha", default=True),
        st.Page(HERE / "screens" / "beta.py", title="Beta"),
    ]
).run()
