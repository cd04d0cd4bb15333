"""Hồ sơ cơ quan / Agency profile: one agency's measures and trends against the province,
its complaints by category, its inspections and findings. Reached by ?agency=<id>."""

from dataclasses import replace

import streamlit as st

from cchc import charts, fmt, queries, ui
from cchc.i18n import label, t

ctx = ui.header("page.profile")
f, period = ctx.filters, ctx.period

options = ui.profile_options()
wanted = st.query_params.get("agency")
if wanted and wanted in options and st.session_state.get("p_agency") != wanted:
    st.session_state["p_agency"] = wanted
agency_id = st.selectbox(
    t("profile.pick"),
    list(options),
    key="p_agency",
    index=None,
    format_func=lambda v: options.get(v, v),
    placeholder=t("profile.pick_placeholder"),
)
if agency_id and st.query_params.get("agency") != agency_id:
    st.query_params["agency"] = agency_id
if not agency_id:
    if wanted and wanted not in options:
        st.warning(t("profile.unknown", id=wanted))
    st.info(t("profile.hint"))
    st.stop()

info = queries.agency(agency_id).iloc[0]
# An old unit is shown as it was, even when the sidebar rolls units up to today's.
is_current = info["current_id"] is None or info["current_id"] == agency_id
f_unit = replace(f, agency_ids=(agency_id,), level=None, rollup=f.rollup and is_current)
f_all = replace(f, agency_ids=(), level=None)

st.subheader(info["name"])
facts = [label("level", info["level"])]
if info["parent_name"]:
    facts.append(t("profile.parent", name=info["parent_name"]))
if info["valid_to"] is not None and info["valid_to"] == info["valid_to"]:
    facts.append(t("profile.until", d=fmt.day(info["valid_to"])))
    if info["current_name"] and info["current_id"] != agency_id:
        facts.append(t("profile.now_part_of", name=info["current_name"]))
    elif not info["current_id"]:
        facts.append(t("profile.abolished"))
olds = queries.predecessors(agency_id)
if not olds.empty and f_unit.rollup:
    facts.append(t("profile.includes", names=", ".join(olds["name"])))
st.caption(" · ".join(facts))

unit_rows = queries.headline(f_unit, period)
province_rows = queries.headline(f_all, period)
CARDS = [
    "to_be_handled",
    "on_time_rate",
    "overdue_rate",
    "median_days",
    "satisfied_rate",
    "open_items",
    "violations",
    "remedied_on_time_rate",
]
for first in (0, 4):
    for col, name in zip(st.columns(4), CARDS[first : first + 4], strict=True):
        with col:
            ui.metric_vs_province(name, unit_rows, province_rows)

where = ui.chart_context(ctx, info["name"])
trend = queries.unit_vs_province_trend(f_unit, f_all, period)
ui.chart(
    charts.compare_lines(trend, t("profile.trend_title"), where, info["name"], ui.target("on_time_rate")),
    trend,
    key="profile_trend",
)

col1, col2 = st.columns(2)
with col1:
    cats = queries.received_by(f_unit, period, "category")
    ui.chart(
        charts.bars(
            cats,
            y="value",
            x="received",
            title=t("profile.categories_title"),
            context=where,
            x_title=t("axis.items"),
            palette="category",
            code_col="value",
            label_kind="category",
        ),
        cats,
        key="profile_categories",
    )
with col2:
    vio = queries.violations_by(f_unit, period, by_unit=False)
    ui.chart(
        charts.bars(
            vio,
            y="value",
            x="violations",
            title=t("profile.violations_title"),
            context=where,
            x_title=t("axis.violations"),
            palette="violation_category",
            code_col="value",
            label_kind="violation_category",
        ),
        vio,
        key="profile_violations",
    )

st.subheader(t("profile.inspections"))
listing = queries.inspections_list(f_unit, period)
ui.table(
    listing,
    {
        "inspected_on": t("col.inspected_on"),
        "inspection_id": t("col.inspection_id"),
        "inspection_type": t("col.inspection_type"),
        "officials_checked": t("col.officials_checked"),
        "violations": t("col.violations"),
        "categories": t("col.categories"),
    },
    {"inspected_on": "date", "officials_checked": "count", "violations": "count"},
    codes={"inspection_type": "inspection_type"},
    key="profile_inspections",
)
