"""Tổng quan / Overview: the period at a glance for leadership."""

import streamlit as st

from cchc import charts, config, fmt, measures, queries, ranking, ui
from cchc.i18n import t

ctx = ui.header("page.overview")
f, period = ctx.filters, ctx.period
where = ui.chart_context(ctx)

rows = queries.headline(f, period)
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
for first in (0, 4):
    for col, name in zip(st.columns(4), CARDS[first : first + 4], strict=True):
        with col:
            ui.metric(name, rows)

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
trend = queries.monthly_trend(f, period)
ui.chart(
    charts.trend(trend, t("overview.trend_title"), where, measures.get("on_time_rate").target),
    trend,
    key="overview_trend",
)

st.subheader(t("overview.attention"))
st.caption(t("overview.attention_help", n=config.min_volume()))
units = ranking.scored(queries.by_unit(f, period))
worst = ranking.attention(units)
ui.chart(
    charts.attention(worst, t("overview.attention_title"), where),
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
vio = queries.violations_by(f, period, by_unit=False)
ui.chart(
    charts.bars(
        vio,
        y="value",
        x="violations",
        title=t("overview.violations_title"),
        context=where,
        x_title=t("axis.violations"),
        palette="violation_category",
        code_col="value",
        label_kind="violation_category",
    ),
    vio,
    key="overview_violations",
)
