"""Reference page 2: a header and one Plotly bar chart (twelve months)."""

import plotly.graph_objects as go
import streamlit as st

st.header("Beta")
months = [f"2024-{m:02d}-01" for m in range(1, 13)]
st.plotly_chart(go.Figure(go.Bar(x=months, y=[4, 2, 6, 3, 7, 5, 2, 8, 4, 6, 3, 5])), key="chart-beta")
