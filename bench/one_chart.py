"""The browser floor: a one-chart Streamlit page (`streamlit run bench/one_chart.py`).

Like the dashboard, whose pages appear after the sign-in button, the chart appears after one
button click, so both are timed from a click in an open session. The figure is the size of the
overview's trend: 24 months, bars and two lines, a dashed target line, a legend and a title."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="One chart", layout="wide")
st.title("Một biểu đồ")
if not st.button("Xem", key="show"):
    st.stop()

rng = np.random.default_rng(1)
months = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(24)]
received = rng.integers(1500, 2500, 24)
resolved = received - rng.integers(0, 300, 24)
rate = rng.uniform(0.7, 0.95, 24)
fig = go.Figure()
fig.add_bar(x=months, y=received, name="Tiếp nhận")
fig.add_bar(x=months, y=resolved, name="Đã giải quyết")
fig.add_scatter(x=months, y=rate * 2500, name="Tỷ lệ đúng hạn", mode="lines+markers")
fig.add_hline(y=0.9 * 2500, line_dash="dash", annotation_text="Mục tiêu 90 %")
fig.update_layout(title="Tiếp nhận và giải quyết theo tháng", height=420, legend={"orientation": "h"})
st.plotly_chart(fig)
