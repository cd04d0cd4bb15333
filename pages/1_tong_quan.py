"""Tổng quan / Overview: the period at a glance for leadership."""

import streamlit as st

from cchc import charts, fmt
from cchc.core import config, measures, ranking
from cchc.i18n import t
from cchc.web import blocks, cards, data, page, widgets

ctx = page.header("page.overview")
f, period = ctx.filters, ctx.period
where = page.chart_context(ctx)
page.print_button()

rows = data.headline(f, period)
CARDS = [
    "received",
    "resolved",
    "on_time_rate",
    "overdue_open",
    "median_days",
    "overdue_rate",
    "inspections",
    "violations",
]
cards.row(CARDS, rows)

now = rows.loc["current"]
st.markdown(
    t(
        "overview.open_line",
        open=fmt.number(now["open_items"]),
        overdue=fmt.number(now["overdue_open"]),
        near=fmt.number(now["nearly_due"]),
        later=fmt.number(now["not_yet_due"]),
        n=config.nearly_due_days(),
        d=fmt.day(period.effective_end),
    )
)

st.subheader(t("overview.trend"))
trend = data.monthly_trend(f, period)
widgets.chart(
    charts.trend(
        trend, t("overview.trend_title"), page.span_context(ctx, trend["month"]), measures.get("on_time_rate").target
    ),
    trend,
    key="overview_trend",
)

st.subheader(t("overview.attention"))
st.caption(t("overview.attention_help", n=config.min_volume()))
units = ranking.scored(data.by_unit(f, period))
worst = ranking.attention(units)
wanted = int(config.ranking()["attention_count"])
widgets.chart(
    charts.attention(worst, charts.top_title("attention", len(worst), wanted), where),
    worst[
        [
            "unit_id",
            "unit_name",
            "unit_level",
            "score",
            "to_be_handled",
            "on_time_rate",
            "overdue",
            "violations",
            "weakest",
        ]
    ],
    key="overview_attention",
    clickable=True,
)
if not worst.empty:
    st.caption(t("common.click_to_profile"))

st.subheader(t("overview.violations"))
vio = data.violations_by(f, period, by_unit=False)
blocks.bars_by_code(vio, "violation_category", t("overview.violations_title"), where, key="overview_violations")

st.subheader(t("map.overview_title"))
blocks.overview_map(ctx)
