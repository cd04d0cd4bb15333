"""Hồ sơ cơ quan / Agency profile: one agency's measures and trends against the province,
its complaints by category, its inspections and findings. Reached by ?agency=<id>."""

import streamlit as st

from cchc import charts, fmt
from cchc.core import measures, queries
from cchc.i18n import label, t
from cchc.web import blocks, cards, data, page, sidebar, widgets
from cchc.web.safe import md_escape

ctx = page.header("page.profile")
f, period = ctx.filters, ctx.period

options = sidebar.profile_options()
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
        st.warning(t("profile.unknown", id=md_escape(wanted[:80])))
    st.info(t("profile.hint"))
    st.stop()

info = data.agency(agency_id).iloc[0]
f_unit, f_all = queries.profile_filters(f, agency_id, info["current_id"])

st.subheader(md_escape(info["name"]))
facts = [label("level", info["level"])]
if info["parent_name"]:
    facts.append(t("profile.parent", name=info["parent_name"]))
if info["valid_to"] is not None and info["valid_to"] == info["valid_to"]:
    facts.append(t("profile.until", d=fmt.day(info["valid_to"])))
    if info["current_name"] and info["current_id"] != agency_id:
        facts.append(t("profile.now_part_of", name=info["current_name"]))
    elif not info["current_id"]:
        facts.append(t("profile.abolished"))
olds = data.predecessors(agency_id)
if not olds.empty and f_unit.rollup:
    facts.append(t("profile.includes", names=", ".join(olds["name"])))
st.caption(md_escape(" · ".join(facts)))

unit_rows = data.headline(f_unit, period)
province_rows = data.comparison_headline(f_all, period)
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
cards.row_vs_province(CARDS, unit_rows, province_rows)

where = page.chart_context(ctx, info["name"])
trend = data.profile_trend(f_unit, f_all, period)
widgets.chart(
    charts.compare_lines(
        trend,
        t("profile.trend_title"),
        page.span_context(ctx, trend["month"], info["name"]),
        info["name"],
        measures.get("on_time_rate").target,
    ),
    trend,
    key="profile_trend",
)

col1, col2 = st.columns(2)
with col1:
    cats = data.received_by(f_unit, period, "category")
    blocks.bars_by_code(cats, "category", t("profile.categories_title"), where, key="profile_categories")
with col2:
    vio = data.violations_by(f_unit, period, by_unit=False)
    blocks.bars_by_code(vio, "violation_category", t("profile.violations_title"), where, key="profile_violations")

st.subheader(t("profile.inspections"))
listing = data.inspections_list(f_unit, period)
listing = listing.assign(  # 'attitude, rules' -> the categories' labels
    categories=[
        ", ".join(label("violation_category", c.strip()) for c in str(v).split(",")) if isinstance(v, str) else v
        for v in listing["categories"]
    ]
)
widgets.table(
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
