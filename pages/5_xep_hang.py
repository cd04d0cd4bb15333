"""Xếp hạng cơ quan / Agency ranking: every agency with its measures, compared within its
level, with the composite score explained."""

import streamlit as st

from cchc import fmt
from cchc.core import config, ranking
from cchc.i18n import label, lang, t
from cchc.web import data, page, session, widgets

ctx = page.header("page.ranking")
f, period = ctx.filters, ctx.period

with st.expander(t("ranking.how"), expanded=False):
    st.markdown(t("ranking.how_text", n=config.min_volume(), cap=fmt.percent(config.ranking()["score_cap"], 0)))
    st.dataframe(ranking.explanation(lang()), hide_index=True, width="stretch")
    st.caption(
        t(
            "ranking.bands",
            green=fmt.percent(config.targets()["bands"]["green"], 0),
            amber=fmt.percent(config.targets()["bands"]["amber"], 0),
        )
    )

table = data.ranking_table(f, period)
if table.empty:
    widgets.empty_state()
    st.stop()

levels = ranking.levels(table)
for tab, level in zip(st.tabs([label("level_plural", lv) for lv in levels]), levels, strict=True):
    with tab:
        part = table[table["unit_level"] == level].reset_index(drop=True)
        st.caption(
            t(
                "ranking.tab_caption",
                ranked=fmt.number(int(part["ranked"].sum())),
                total=fmt.number(len(part)),
                n=config.min_volume(),
                period=ctx.period_text,
            )
        )
        unit = widgets.ranking_table(part, key=f"ranking_{level}")
        if unit:
            st.switch_page(page.PROFILE_PAGE, query_params={**session.filter_params(), "agency": unit})
        widgets.download_csv(
            part.drop(columns=["trend"]),
            f"xep_hang_{level}.csv",
            key=f"dl_ranking_{level}",
            label_key="common.download_data",
        )
st.caption(t("ranking.click"))
