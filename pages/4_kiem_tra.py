"""Kiểm tra công vụ / Inspections: inspections by type, violations by category and agency,
repeat violations, remedies, and complaints against violations to pick the next inspection."""

import pandas as pd
import streamlit as st

from cchc import charts, fmt
from cchc.i18n import t
from cchc.web import blocks, cards, data, page, widgets

ctx = page.header("page.inspections")
f, period = ctx.filters, ctx.period
where = page.chart_context(ctx)

rows = data.headline(f, period)
cards.row(["inspections", "violations", "violations_per_inspection", "remedied_on_time_rate"], rows)

by_type = data.inspections_by_type(f, period)
widgets.chart(
    charts.stacked_time(
        by_type,
        "month",
        "inspections",
        "inspection_type",
        t("inspections.by_type_title"),
        page.span_context(ctx, by_type["month"]),
        t("axis.inspections"),
    ),
    by_type,
    key="inspections_by_type",
)

col1, col2 = st.columns(2)
with col1:
    cats = data.violations_by(f, period, by_unit=False)
    blocks.bars_by_code(
        cats, "violation_category", t("inspections.categories_title"), where, key="inspections_categories"
    )
with col2:
    now = rows.loc["current"]
    remedies = {k: now[k] for k in ("remedied_on_time", "remedy_late", "remedy_pending")}
    rate = now["remedied_on_time_rate"]
    centre = (
        (fmt.percent(rate), t("inspections.remedies_centre"))
        if rate is not None and rate == rate
        else (t("inspections.remedies_centre_none"),)
    )
    widgets.chart(
        charts.donut(remedies, "remedy", t("inspections.remedies_title"), where, centre=centre),
        pd.DataFrame({"state": list(remedies), "violations": list(remedies.values())}),
        key="inspections_remedies",
    )
    st.caption(t("inspections.remedies_help"))

UNITS_TOP = 15
units = data.violations_by(f, period, by_unit=True, top=UNITS_TOP)
units_where = f"{where} · {charts.top_title('violation_units', units['unit_id'].nunique(), UNITS_TOP)}"
widgets.chart(
    charts.stacked_units(units, "violation_category", t("inspections.units_title"), units_where, t("axis.violations")),
    units,
    key="inspections_units",
    clickable=True,
)

st.subheader(t("inspections.repeat"))
st.caption(t("inspections.repeat_help"))
repeat = data.repeat_violations(f, period)
if repeat.empty and now["inspections"] > 0:
    # inspections were held and none found the same violation twice: say so, not "no data"
    st.success(t("inspections.repeat_none", n=fmt.number(now["inspections"])), icon=":material/check_circle:")
else:
    widgets.table(
        repeat,
        {
            "unit_name": t("col.unit_name"),
            "unit_level": t("col.unit_level"),
            "category": t("col.category"),
            "inspections": t("col.inspections"),
            "violations": t("col.violations"),
            "last_inspected_on": t("col.last_inspected_on"),
        },
        {"inspections": "count", "violations": "count", "last_inspected_on": "date"},
        codes={"unit_level": "level", "category": "violation_category"},
        key="inspections_repeat",
    )

st.subheader(t("inspections.targeting"))
scatter = data.by_unit(f, period)
widgets.chart(
    charts.scatter(
        scatter,
        t("inspections.scatter_title"),
        f"{where} · {t('inspections.scatter_named', n=min(charts.SCATTER_NAMED, len(scatter)))}",
    ),
    scatter[["unit_id", "unit_name", "received", "violations", "inspections"]],
    key="inspections_scatter",
    clickable=True,
)
st.caption(t("inspections.scatter_help"))

st.subheader(t("inspections.list"))
listing = data.inspections_list(f, period)
widgets.table(
    listing,
    {
        "inspected_on": t("col.inspected_on"),
        "inspection_id": t("col.inspection_id"),
        "unit_name": t("col.unit_name"),
        "inspection_type": t("col.inspection_type"),
        "officials_checked": t("col.officials_checked"),
        "violations": t("col.violations"),
    },
    {"inspected_on": "date", "officials_checked": "count", "violations": "count"},
    codes={"inspection_type": "inspection_type"},
    key="inspections_list",
    height=360,
)
