"""Thời gian giải quyết / Resolution: how long items take, on-time rate by agency, backlog age,
the overdue list."""

import streamlit as st

from cchc import charts
from cchc.core import config, measures, queries, ranking
from cchc.i18n import label, labeller, t
from cchc.web import cards, data, page, widgets

ctx = page.header("page.resolution")
f, period = ctx.filters, ctx.period
where = page.chart_context(ctx)

rows = data.headline(f, period)
CARDS = [
    "median_days",
    "p90_days",
    "median_working_days",
    "p90_working_days",
    "on_time_rate",
    "overdue_rate",
    "overdue_open",
    "resolved_late",
]
cards.row(CARDS, rows)

days = (
    st.segmented_control(
        t("resolution.days"),
        list(queries.DAY_COLUMNS),
        default="calendar",
        key="r_days",
        format_func=labeller("resolution.day_kind"),
    )
    or "calendar"
)
axis_days = t(f"axis.days_{days}")

col1, col2 = st.columns([3, 2])
with col1:
    BOX_TOP = 20
    dist = data.resolution_by_unit(f, period, days, top=BOX_TOP)
    box_where = f"{where} · {charts.top_title('boxes', len(dist), BOX_TOP)}"
    widgets.chart(charts.boxes(dist, t("resolution.box_title"), box_where, axis_days), dist, key="resolution_boxes")
    st.caption(t("resolution.box_help"))
with col2:
    hist = data.resolution_histogram(f, period, days)
    widgets.chart(
        charts.columns(hist, "band", "resolved", t("resolution.hist_title"), where, axis_days, t("axis.items")),
        hist,
        key="resolution_hist",
    )

st.subheader(t("resolution.on_time_by_unit"))
units = ranking.scored(data.by_unit(f, period))
ON_TIME_TOP = 25
eligible = ranking.weakest_on(units, "on_time_rate", ON_TIME_TOP)
widgets.chart(
    charts.bars(
        eligible,
        y="unit_short_name",
        x="on_time_rate",
        title=charts.top_title("on_time", len(eligible), ON_TIME_TOP),
        context=where,
        x_title=t("axis.rate_pct"),
        ids=list(eligible["unit_id"]),
        unit="rate",
        target=measures.get("on_time_rate").target,
        colors=charts.band_colours(eligible["band"]),
    ),
    eligible[["unit_id", "unit_name", "to_be_handled", "resolved", "on_time", "on_time_rate"]],
    key="resolution_on_time",
    clickable=True,
)
st.caption(t("resolution.on_time_help", n=config.min_volume()))

st.subheader(t("resolution.backlog"))
back = data.backlog(f, period).rename(columns={"deadline": "value"})
widgets.chart(
    charts.stacked_columns(
        back,
        "age_bucket",
        {b: label("age_bucket", b) for b in queries.AGE_BUCKETS},
        "deadline_state",
        t("resolution.backlog_title"),
        page.chart_context(ctx, t("common.open_at_end")),
        t("axis.age_days"),
        t("axis.items"),
        list(queries.AGE_BUCKETS),
    ),
    back,
    key="resolution_backlog",
)
st.caption(t("resolution.backlog_help", n=config.nearly_due_days()))

st.subheader(t("resolution.overdue_list"))
late = data.overdue_items(f, period)
widgets.table(
    late,
    {
        "complaint_id": t("col.complaint_id"),
        "unit_name": t("col.unit_name"),
        "channel": t("col.channel"),
        "kind": t("col.kind"),
        "category": t("col.category"),
        "received_date": t("col.received_date"),
        "due_date": t("col.due_date"),
        "days_overdue": t("col.days_overdue"),
    },
    {"received_date": "date", "due_date": "date", "days_overdue": "count"},
    codes={"channel": "channel", "kind": "kind", "category": "category"},
    key="resolution_overdue_table",
    height=360,
)
if not late.empty:
    widgets.download_csv(late, "qua_han.csv", key="dl_overdue", label_key="common.download_data")
