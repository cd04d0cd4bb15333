"""The map of communes and wards as the pages draw it, with no network.

Plotly's geo map asks for a base-map topology (land, coastlines) from cdn.plot.ly whenever a
trace has a location mode, even with the base map hidden. Government intranets cannot reach it,
so the figure is drawn with `topojsonURL` pointing at the app's own static folder (static/,
served by Streamlit: .streamlit/config.toml `enableStaticServing`), which holds an empty
topology: the polygons come from the GeoJSON in the figure itself."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cchc import charts
from cchc.core import geo
from cchc.core import measures as registry
from cchc.i18n import lang, t
from cchc.web import data, widgets
from cchc.web.session import Context

TOPOJSON_URL = "app/static/"  # relative: works under a base URL path too


def draw(fig, df: pd.DataFrame | None, key: str, height: int | None = None) -> None:
    """Draw a choropleth (or the empty state), clickable to the profile, with its numbers as CSV."""
    if fig is None:
        widgets.empty_state()
        return
    config = {
        "displaylogo": False,
        "scrollZoom": False,
        "topojsonURL": TOPOJSON_URL,
        "toImageButtonOptions": {"filename": key, "scale": 2},
    }
    event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode="points", config=config)
    widgets.open_profile_from(event)
    if df is not None and not df.empty:
        widgets.download_csv(df, f"{key}.csv", key=f"dl_{key}", label_key="common.download_data")


def title(measure: str, per_capita: bool) -> str:
    what = registry.get(measure).label(lang())
    if per_capita:
        what += f" / 10.000 {t('map.people')}" if lang() == "vi" else f" per 10,000 {t('map.people')}"
    return t("map.map_title", what=what)


def small_map(ctx: Context, measure: str = "received") -> None:
    """The overview's small map: received per 10 000 inhabitants by commune and ward."""
    df = data.map_units(ctx.filters, ctx.period, measure, True)
    fig = charts.choropleth(
        df,
        geo.for_plotly(),
        measure,
        title(measure, True),
        ctx.period_text,
        ctx.period_text,
        height=440,
        small=True,
    )
    draw(fig, None, key="overview_map")
    st.caption(t("map.overview_more"))
