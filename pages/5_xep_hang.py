"""Xếp hạng cơ quan / Agency ranking: every agency with its measures, compared within its
level, with the composite score explained."""

import streamlit as st

from cchc import config, fmt, measures, ranking, ui
from cchc.i18n import label, lang, t

ctx = ui.header("page.ranking")
f, period = ctx.filters, ctx.period

with st.expander(t("ranking.how"), expanded=False):
    st.markdown(t("ranking.how_text", n=config.min_volume(), cap=fmt.percent(config.ranking()["score_cap"], 0)))
    rows = [
        {
            t("ranking.col_measure"): measures.get(name).label(lang()),
            t("ranking.col_weight"): fmt.percent(w, 0),
            t("ranking.col_target"): fmt.value(measures.get(name).target, measures.get(name).unit),
            t("ranking.col_direction"): t("ranking.higher")
            if measures.get(name).higher_is_better
            else t("ranking.lower"),
            t("ranking.col_formula"): measures.get(name).formula(lang()),
        }
        for name, w in ranking.weights().items()
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption(
        t(
            "ranking.bands",
            green=fmt.percent(config.targets()["bands"]["green"], 0),
            amber=fmt.percent(config.targets()["bands"]["amber"], 0),
        )
    )

data = ranking.table(f, period)
if data.empty:
    ui.empty_state()
    st.stop()

levels = [lv for lv in ("department", "commune", "district", "province", "office") if lv in set(data["unit_level"])]
for tab, level in zip(st.tabs([label("level_plural", lv) for lv in levels]), levels, strict=True):
    with tab:
        part = data[data["unit_level"] == level].reset_index(drop=True)
        st.caption(
            t(
                "ranking.tab_caption",
                ranked=fmt.number(int(part["ranked"].sum())),
                total=fmt.number(len(part)),
                n=config.min_volume(),
                period=ctx.period_text,
            )
        )
        unit = ui.ranking_table(part, key=f"ranking_{level}")
        if unit:
            st.switch_page(ui.PROFILE_PAGE, query_params={**ui.filter_params(), "agency": unit})
        ui.download_csv(
            part.drop(columns=["trend"]),
            f"xep_hang_{level}.csv",
            key=f"dl_ranking_{level}",
            label_key="common.download_data",
        )
st.caption(t("ranking.click"))
