"""Địa bàn / Map: the 92 communes and wards coloured by a measure of the registry (rolled up to
today's units, per 10 000 inhabitants where population is known), departments ranked beside."""

import streamlit as st

from cchc import charts, fmt, names
from cchc.core import config, geo
from cchc.core import measures as registry
from cchc.core.places import MAP_MEASURES, PER_CAPITA
from cchc.i18n import lang, t
from cchc.web import data, maps, page, widgets

ctx = page.header("map.title")
f, period = ctx.filters, ctx.period
st.markdown(t("map.intro"))

c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
with c1:
    measure = st.selectbox(
        t("map.measure"),
        list(MAP_MEASURES),
        key="map_measure",
        format_func=lambda m: registry.get(m).label(lang()),
    )
with c2:
    per_capita = measure in PER_CAPITA and st.toggle(
        t("map.per_capita"), value=True, key="map_per_capita", help=t("map.per_capita_help")
    )

m = registry.get(measure)
df = data.map_units(f, period, measure, per_capita)
if df.empty or (df["to_be_handled"].sum() == 0 and df["count"].sum() == 0):
    widgets.empty_state()  # nothing in the period and filters: no map of zeros
    st.stop()
where = page.chart_context(ctx)
communes = df[df["unit_level"] == "commune"]
departments = df[df["unit_level"] == "department"]

col_map, col_dep = st.columns([3, 2])
with col_map:
    fig = charts.choropleth(df, geo.for_plotly(), measure, maps.title(measure, per_capita), where, ctx.period_text)
    maps.draw(fig, None, key="map_large")
    if m.unit == "rate":
        st.caption(t("map.legend_grey", n=config.min_volume()))
    st.caption(t("map.click"))
with col_dep:
    st.subheader(t("map.departments"))
    deps = departments.copy()
    if deps.empty:
        st.info(t("map.departments_none"))
    else:
        ranked = deps[~deps["below_min"] & deps["value"].notna()]
        ranked = ranked.sort_values(["value", "unit_name"], ascending=[m.higher_is_better is True, True])
        hover = [
            f"<b>{r.unit_name}</b><br>{m.label(lang())}: {fmt.value(r.value, m.unit)}"
            f"<br>{t('map.col_count')}: {fmt.number(r.count)}<br>{ctx.period_text}"
            for r in ranked.itertuples()
        ]
        widgets.chart(
            charts.bars(
                ranked,
                y="unit_short_name",
                x="value",
                title=t("map.departments_title", what=m.label(lang())),
                context=where,
                x_title=m.label(lang()) + (" (%)" if m.unit == "rate" else ""),
                colors=charts.ACCENT,
                hover=hover,
                ids=list(ranked["unit_id"]),
                unit=m.unit,
                target=m.target if m.unit == "rate" else None,
                text=[fmt.value(v, m.unit) for v in ranked["value"]],
            ),
            ranked[["unit_id", "unit_name", "value", "count"]],
            key="map_departments",
            clickable=True,
        )
        low = deps[deps["below_min"]]
        if not low.empty:
            st.caption(t("map.legend_grey", n=config.min_volume()) + " " + ", ".join(names.labels(low)))

with st.expander(t("map.table")):
    shown = communes.sort_values(["shown", "unit_name"], ascending=[False, True], na_position="last")
    widgets.table(
        shown,
        {
            "unit_name": t("col.unit_name"),
            "value": m.label(lang()),
            "per_10k": t("map.col_per_10k"),
            "count": t("map.col_count"),
            "population": t("map.population"),
            "below_min": t("map.col_below_min"),
        },
        {
            "value": m.unit if m.unit != "count" else "count",
            "per_10k": "ratio",
            "count": "count",
            "population": "count",
        },
        key="map_table",
    )
    widgets.download_csv(
        shown[["unit_id", "code", "unit_name", "value", "per_10k", "count", "population", "below_min"]],
        "dia_ban.csv",
        key="dl_map_table",
        label_key="common.download_data",
    )
