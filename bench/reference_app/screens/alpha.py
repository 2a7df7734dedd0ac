"""Reference page 1: a header and one Plotly bar chart (twelve months)."""

import plotly.graph_objects as go
import streamlit as st

st.header("Alpha")
months = [f"2024-{m:02d}-01" for m in range(1, 13)]
st.plotly_chart(go.Figure(go.Bar(x=months, y=[3, 5, 2, 8, 6, 4, 7, 9, 3, 5, 6, 2])), key="chart-alpha")
