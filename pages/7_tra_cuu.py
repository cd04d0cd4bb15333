"""Tra cứu / Explorer: the filtered rows, paged in the query, downloadable as CSV and XLSX
(exactly the filtered rows, no personal data, formula-like cells neutralised)."""

import math

import streamlit as st

from cchc import exports, fmt
from cchc.auth import roles
from cchc.core import queries
from cchc.i18n import labeller, t
from cchc.web import audit, data, page, session, signin, widgets

ctx = page.header("page.explorer")
f, period = ctx.filters, ctx.period

table = (
    st.segmented_control(
        t("explorer.table"),
        queries.EXPLORER_TABLES,
        default="complaints",
        key="x_table",
        format_func=labeller("explorer.tables"),
    )
    or "complaints"
)
st.caption(t(f"explorer.scope_{table}"))

total = data.explorer_count(f, period, table)
if total == 0:
    widgets.empty_state()
    st.stop()

left, mid, right = st.columns([1, 1, 2])
size = left.selectbox(t("explorer.page_size"), (25, 50, 100, 200), index=1, key="x_size")
pages = max(1, math.ceil(total / size))
page_no = mid.number_input(t("explorer.page"), min_value=1, max_value=pages, value=1, step=1, key="x_page")
right.markdown(
    t(
        "explorer.showing",
        first=fmt.number((page_no - 1) * size + 1),
        last=fmt.number(min(page_no * size, total)),
        total=fmt.number(total),
    )
)

rows = data.explorer_page(f, period, table, size, (page_no - 1) * size)
st.dataframe(exports.for_display(rows), hide_index=True, width="stretch", key="x_rows")

stem = f"{table}_{period.start:%Y%m%d}_{period.effective_end:%Y%m%d}"
if not roles.may(signin.role(), "export_rows"):
    st.stop()
rows_source = data.explorer_stream(f, period, table)
c1, c2, _ = st.columns([1, 1, 2])
c1.download_button(
    t("explorer.download_csv", n=fmt.number(total)),
    key="x_csv",
    on_click="ignore",
    data=audit.audited(
        lambda: exports.csv_from_chunks(rows_source()), f"rows:{table}", f"{stem}.csv", session.filter_params(), total
    ),
    file_name=f"{stem}.csv",
    mime="text/csv",
    icon=":material/download:",
)
c2.download_button(
    t("explorer.download_xlsx", n=fmt.number(total)),
    key="x_xlsx",
    on_click="ignore",
    data=audit.audited(
        lambda: exports.xlsx_from_chunks(rows_source(), table),
        f"rows:{table}",
        f"{stem}.xlsx",
        session.filter_params(),
        total,
    ),
    file_name=f"{stem}.xlsx",
    icon=":material/download:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
if total > exports.EXCEL_MAX_ROWS:
    st.warning(t("explorer.too_many_for_excel", n=fmt.number(exports.EXCEL_MAX_ROWS)))
st.caption(t("explorer.privacy"))
