"""Check a file (monitors only, PFD_MONITOR=1): upload CSV/XLSX tables or a workbook, see the
problems, the rows that would compile and what would change against the current build.
Nothing is written to data/ (etl.check compiles into a temporary folder)."""

import pandas as pd
import streamlit as st

from etl import check  # the check is the ETL itself (allowed in tests/test_architecture.py)
from pressfreedom import i18n
from webapp import app

if not app.monitor_mode():  # reached without the router (e.g. Streamlit's pages-folder mode): refuse
    st.error(i18n.t("check.monitors_only", "en"))
    st.stop()
lg = app.lang()


def t(key: str, **fmt) -> str:
    return i18n.t(f"check.{key}", lg, **fmt)


st.header(i18n.t("page.check_file", lg))
st.caption(t("intro"))
uploads = st.file_uploader(t("files"), type=["csv", "xlsx"], accept_multiple_files=True, key="check_uploads")
if not uploads:
    st.info(t("none"))
    st.stop()

try:
    with st.spinner(t("checking")):
        result = check.check_files([(u.name, u.getvalue()) for u in uploads])
except check.Refused as e:  # (the reasons come from the ETL, in English)
    st.error(t("refused", reason=str(e)))
    st.stop()
except Exception as e:  # noqa: BLE001 - a monitor sees a message, never a traceback
    st.error(t("failed", kind=type(e).__name__))
    st.stop()

c1, c2, c3 = st.columns(3)
c1.metric(t("rows_read"), result.rows_read)
c2.metric(t("rows_ok"), result.rows_ok)
c3.metric(t("problems"), len(result.problems))

st.subheader(t("problems"))
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
    st.success(t("no_problems"))
for w in result.warnings:
    st.caption(w)

st.subheader(t("changes"))
for ch in result.changes:
    st.markdown(t("table", table=ch.table, rows=ch.rows))
    st.write(t("counts", added=len(ch.added), changed=ch.changed_ids, removed=len(ch.removed)))
    if ch.added:
        st.dataframe(pd.DataFrame({f"+ {ch.key}": ch.added}), hide_index=True)
    if ch.changed:
        st.dataframe(
            pd.DataFrame(ch.changed, columns=[ch.key, "column", "before", "after"]), hide_index=True, width="stretch"
        )
    if ch.removed:
        st.dataframe(pd.DataFrame({f"− {ch.key}": ch.removed}), hide_index=True)
