"""People page (skeleton)."""

import streamlit as st

from pfd import app, i18n

st.header(i18n.t("page.people", app.lang()))
