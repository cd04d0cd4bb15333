"""Đối tượng kiểm tra đột xuất / Unannounced inspection candidates: agencies ranked by a score
whose inputs are measures of the core (weights in config/targeting.yaml), each input's
contribution shown, recently inspected agencies marked, the list exported for the team."""

import pandas as pd
import streamlit as st

from cchc import charts, exports, fmt, names
from cchc.core import config, targeting
from cchc.i18n import label, t
from cchc.web import data, page, widgets

ctx = page.header("candidates.title")
f, period = ctx.filters, ctx.period
cfg = config.targeting()
weights = targeting.weights()
st.markdown(t("candidates.intro", n=config.min_volume()))
st.caption(t("candidates.recent_help", n=cfg["recent_days"]))

with st.expander(t("candidates.weights")):
    never = cfg["never_inspected_days"]
    q = int(cfg["trend_quarters"]) - 1
    st.dataframe(
        pd.DataFrame(
            {
                t("candidates.col_input"): [t(f"candidates.input.{n}") for n in weights],
                t("candidates.col_weight"): [fmt.percent(w / sum(weights.values()), 0) for w in weights.values()],
                t("candidates.col_formula"): [t(f"candidates.formula.{n}", n=never, q=q) for n in weights],
            }
        ),
        hide_index=True,
        width="stretch",
    )

table = data.candidates(f, period)
inputs = [n for n in targeting.INPUTS if n in weights]
if table.empty:
    widgets.empty_state()
    st.caption(t("candidates.none", n=config.min_volume()))
    st.stop()

levels = [lv for lv in ("commune", "department") if lv in set(table["unit_level"])]
top = int(cfg["top"])
tabs = st.tabs([label("level", lv) for lv in levels]) if len(levels) > 1 else [st.container()]
for tab, level in zip(tabs, levels, strict=True):
    with tab:
        part = table[table["unit_level"] == level].head(top)
        where = page.chart_context(ctx)
        widgets.chart(
            charts.contributions(part, inputs, t("candidates.chart_title", level=label("level", level)), where),
            None,
            key=f"targeting_{level}",
            clickable=True,
        )
        st.caption(t("candidates.click"))

# Details and the inspection team's export: every ranked agency, each input and its contribution.
st.subheader(t("candidates.table"))
shown = pd.DataFrame(
    {
        t("candidates.col_rank"): table["rank"],
        t("col.unit_name"): names.labels(table, style="full"),
        t("col.unit_level"): [label("level", v) for v in table["unit_level"]],
        t("candidates.col_score"): table["score"].round(1),
        **{t(f"candidates.input.{n}"): [charts.targeting_input_value(n, v) for v in table[n]] for n in inputs},
        **{f"{t('candidates.contribution')}: {t(f'candidates.input.{n}')}": table[f"c_{n}"].round(1) for n in inputs},
        t("candidates.col_last"): [
            fmt.day(d) if not pd.isna(d) else t("candidates.col_never") for d in table["last_inspected_on"]
        ],
        t("candidates.col_recent"): [t("common.yes") if r else t("common.no") for r in table["recent"]],
    }
)
st.dataframe(shown, hide_index=True, width="stretch", height=420)
export = exports.candidates_frame(table, inputs)
stamp = f"{period.effective_end:%Y%m%d}"
c1, c2 = st.columns(2)
with c1:
    st.download_button(
        t("candidates.export_xlsx"),
        data=lambda: exports.xlsx_from_chunks([export], sheet="doi_tuong_kiem_tra"),
        file_name=f"doi_tuong_kiem_tra_dot_xuat_{stamp}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="targeting_xlsx",
        on_click="ignore",
        icon=":material/download:",
    )
with c2:
    widgets.download_csv(export, f"doi_tuong_kiem_tra_dot_xuat_{stamp}.csv", "targeting_csv", "candidates.export_csv")
