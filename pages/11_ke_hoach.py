"""Kế hoạch kiểm tra / Inspection plan: the annual plan against the inspections held, by quarter
and by agency; planned inspections overdue, unplanned ones, self-inspection reports."""

from datetime import date

import pandas as pd
import streamlit as st

from cchc import charts, fmt
from cchc.core.periods import Period
from cchc.i18n import label, t
from cchc.web import cards, data, page, session, widgets


def _table(df, *args, **kwargs) -> None:
    """A list, or a short "none" (an empty list here is news, not a filter matching nothing)."""
    if df.empty:
        st.caption(t("plan.none_listed"))
    else:
        widgets.table(df, *args, **kwargs)


ctx = page.header("plan.title")
f = ctx.filters
st.markdown(t("plan.intro"))

years = data.plan_years()
if years.empty:
    st.info(t("plan.none"))
    st.stop()
choices = [int(y) for y in years["plan_year"]]
default = ctx.period.effective_end.year
if default not in choices:
    # the period chosen in the sidebar has no plan: say so, and let the user pick a plan year
    widgets.empty_state()
    st.caption(t("plan.no_year", year=default, years=", ".join(str(y) for y in choices)))
year = st.selectbox(
    t("plan.year"),
    choices,
    index=choices.index(default) if default in choices else None,
    key="plan_year",
    placeholder=t("plan.pick_year"),
)
if year is None:
    st.stop()
today = session.today()
period = Period(date(year, 1, 1), date(year, 12, 31), "year", as_of=today)
where = " · ".join([t("plan.as_of", year=year, d=fmt.day(today)), page.filter_summary(f)])

quarters = data.plan_by_quarter(f, period)
total = quarters.drop(columns="quarter").sum()
with cards.block("plan"):  # two cards a row on a phone
    c = st.columns(5)
    c[0].metric(t("plan.planned"), fmt.number(total["planned"]))
    c[1].metric(
        t("plan.done"),
        fmt.number(total["done"]),
        help=f"{t('plan.done_rate')}: {fmt.percent(total['done'] / total['planned'] if total['planned'] else None)}",
    )
    c[2].metric(t("plan.overdue_n"), fmt.number(total["overdue"]))
    c[3].metric(t("plan.unplanned_n"), fmt.number(total["unplanned"]))
    c[4].metric(t("plan.unannounced_n"), fmt.number(total["unannounced"]))

widgets.chart(
    charts.plan_quarters(quarters, t("plan.quarters_title", year=year), where),
    quarters,
    key="plan_quarters",
)
st.caption(t("plan.axis_help"))

st.subheader(t("plan.by_agency"))
agencies = data.plan_by_agency(f, period)
_table(
    agencies,
    {
        "unit_name": t("plan.col_agency"),
        "planned": t("plan.planned"),
        "done_on_time": label("plan_status", "done_on_time"),
        "done_late": label("plan_status", "done_late"),
        "overdue": label("plan_status", "overdue"),
        "pending": label("plan_status", "pending"),
        "unplanned": label("plan_status", "unplanned"),
        "unannounced": t("plan.unannounced_n"),
    },
    {k: "count" for k in ("planned", "done_on_time", "done_late", "overdue", "pending", "unplanned", "unannounced")},
    key="plan_agencies",
)

status = data.plan_status(f, period)
st.subheader(t("plan.overdue_list"))
overdue = status[status["status"] == "overdue"].sort_values(["days_late", "unit_name"], ascending=[False, True])
overdue = overdue.assign(period_text="")
overdue["period_text"] = [
    f"{t('plan.quarter_short')} {fmt.ROMAN[int(q)]}" if pd.isna(m) else f"{int(m):02d}/{year}"
    for q, m in zip(overdue["plan_quarter"], overdue["plan_month"], strict=True)
]
_table(
    overdue,
    {
        "unit_name": t("plan.col_agency"),
        "inspection_type": t("plan.col_type"),
        "period_text": t("plan.col_period"),
        "due_date": t("plan.col_due"),
        "days_late": t("plan.col_days_late"),
        "lead_unit": t("plan.col_lead"),
        "topic_masked": t("plan.col_topic"),
    },
    {"due_date": "date", "days_late": "count"},
    codes={"inspection_type": "inspection_type"},
    key="plan_overdue",
)

st.subheader(t("plan.unplanned_list"))
extra = data.plan_unplanned(f, period)
_table(
    extra.sort_values(["inspected_on", "inspection_id"]),
    {
        "inspected_on": t("plan.col_done_on"),
        "inspection_id": t("col.inspection_id"),
        "unit_name": t("plan.col_agency"),
        "inspection_type": t("plan.col_type"),
        "status": t("plan.col_status"),
    },
    {"inspected_on": "date"},
    codes={"inspection_type": "inspection_type", "status": "plan_status"},
    key="plan_unplanned",
)

st.subheader(t("plan.self_title"))
st.caption(t("plan.self_help"))
reports = data.plan_self_reports(f, period)
_table(
    reports,
    {
        "unit_name": t("plan.col_agency"),
        "owed": t("plan.planned"),
        "submitted": t("plan.submitted"),
        "late": label("plan_status", "done_late"),
        "missing": t("plan.missing"),
        "not_due": t("plan.not_due"),
    },
    {k: "count" for k in ("owed", "submitted", "late", "missing", "not_due")},
    key="plan_self",
)
