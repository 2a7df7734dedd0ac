"""Check a file (monitors only, PFD_MONITOR=1): upload CSV/XLSX tables or a workbook, see the
problems, the rows that would compile and what would change against the current build.
Nothing is written to data/ (etl.check compiles into a temporary folder)."""

import pandas as pd
import streamlit as st

from etl import check  # the check is the ETL itself (allowed in tests/test_architecture.py)
from pressfreedom import i18n
from webapp import app

if not app.monitor_mode():  # reached without the router (e.g. Streamlit's pages-folder mode): refuse
    st.error("This page is available on the monitors' laptop only (make run).")
    st.stop()
lg = app.lang()
st.header(i18n.t("page.check_file", lg))
st.caption(
    "Upload one table (CSV in UTF-8 or XLSX, named as the table, e.g. detentions.csv) or a workbook made by "
    "`python -m etl workbook`. The file is checked with the same rules as `make data`, against the other tables "
    "of data/raw; nothing is written to data/."
)
uploads = st.file_uploader("Files", type=["csv", "xlsx"], accept_multiple_files=True, key="check_uploads")
if not uploads:
    st.info("No file uploaded yet.")
    st.stop()

try:
    with st.spinner("Checking…"):
        result = check.check_files([(u.name, u.getvalue()) for u in uploads])
except check.Refused as e:
    st.error(f"This file cannot be checked: {e}")
    st.stop()
except Exception as e:  # noqa: BLE001 - a monitor sees a message, never a traceback
    st.error(f"The check failed on this file ({type(e).__name__}). Nothing was written.")
    st.stop()

rows_in = sum(result.input_rows.values())
c1, c2, c3 = st.columns(3)
c1.metric("Rows read", rows_in)
c2.metric("Rows that would compile", sum(result.compiled_rows.values()))
c3.metric("Problems", len(result.problems))

st.subheader("Problems")
if result.problems:
    st.dataframe(
        pd.DataFrame(
            [(f, line, col, value, reason) for f, _, line, col, value, reason in result.problems],
            columns=["file", "row", "column", "value", "reason"],
        ),
        hide_index=True,
        width="stretch",
    )
else:
    st.success("No problems: every row would compile.")
for w in result.warnings:
    st.caption(w)

st.subheader("What would change against the current build")
for ch in result.changes:
    st.markdown(f"**{ch.table}** — {ch.rows} rows would compile")
    st.write(f"Added: {len(ch.added)} · changed: {ch.changed_ids} · removed: {len(ch.removed)}")
    if ch.added:
        st.dataframe(pd.DataFrame({f"added ({ch.key})": ch.added}), hide_index=True)
    if ch.changed:
        st.dataframe(
            pd.DataFrame(ch.changed, columns=[ch.key, "column", "before", "after"]), hide_index=True, width="stretch"
        )
    if ch.removed:
        st.dataframe(pd.DataFrame({f"removed ({ch.key})": ch.removed}), hide_index=True)
