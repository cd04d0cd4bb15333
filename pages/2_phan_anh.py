"""Phản ánh, kiến nghị / Complaints: volume over time, by agency and month, channel mix,
top categories."""

import streamlit as st

from cchc import charts
from cchc.core import queries
from cchc.i18n import label, labeller, t
from cchc.web import blocks, data, page, style, widgets

ctx = page.header("page.complaints")
f, period = ctx.filters, ctx.period
where = page.chart_context(ctx)

left, right = st.columns(2)
fitting = queries.default_grain(period)
grain = (
    left.segmented_control(
        t("complaints.grain"),
        queries.TIME_GRAINS,
        default=fitting,
        key=f"c_grain_{fitting}",
        format_func=labeller("grain"),
    )
    or fitting
)
breakdown = (
    right.segmented_control(
        t("complaints.breakdown"),
        queries.BREAKDOWNS,
        default="channel",
        key="c_breakdown",
        format_func=labeller("sidebar"),
    )
    or "channel"
)

vol = data.volume(f, period, grain, breakdown)
widgets.chart(
    charts.stacked_time(
        vol,
        "bucket",
        "received",
        breakdown,
        t("complaints.volume_title", grain=t(f"grain.{grain}").lower(), by=t(f"sidebar.{breakdown}").lower()),
        where,
        t("axis.items"),
        grain,
    ),
    vol,
    key="complaints_volume",
)

HEAT_TOP = 20
heat = data.unit_month_heatmap(f, period, top=HEAT_TOP)
with st.container(key=f"{style.WIDE}_heatmap"):  # keeps its width on a phone and scrolls sideways
    widgets.chart(
        charts.heatmap(
            heat,
            t("complaints.heatmap_title"),
            page.span_context(ctx, heat["month"], charts.top_title("heatmap", heat["unit_id"].nunique(), HEAT_TOP)),
        ),
        heat,
        key="complaints_heatmap",
    )

col1, col2 = st.columns(2)
with col1:
    mix = data.channel_mix(f, period)
    widgets.chart(
        charts.share_area(mix, "channel", t("complaints.mix_title"), page.span_context(ctx, mix["month"])),
        mix,
        key="complaints_mix",
    )
with col2:
    cats = data.received_by(f, period, "category").head(12)
    blocks.bars_by_code(cats, "category", t("complaints.categories_title"), where, key="complaints_categories")

kinds = data.received_by(f, period, "kind")
widgets.chart(
    charts.donut(dict(zip(kinds["value"], kinds["received"], strict=True)), "kind", t("complaints.kinds_title"), where),
    kinds,
    key="complaints_kinds",
)
st.caption(t("complaints.kinds_help"))
st.caption(t("complaints.note", kinds=", ".join(label("kind", k) for k in ("complaint", "denunciation"))))
