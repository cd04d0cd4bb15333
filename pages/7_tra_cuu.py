"""Tra cứu / Explorer: the filtered rows, searched by id or by words of their shown text and
sorted over the whole result in the query, paged in the query, downloadable as CSV and XLSX
(exactly the searched rows in the same order, no personal data, formula-like cells
neutralised). The search and the sort live in the URL (table, id, q, sort, order) beside the
filters, so a reload or a shared link keeps them."""

import math

import streamlit as st

from cchc import exports, fmt
from cchc.auth import roles
from cchc.core import queries
from cchc.core.queries import EXPLORER_SORTS, EXPLORER_TABLES, Search
from cchc.i18n import labeller, t
from cchc.web import audit, data, page, session, signin, widgets

ctx = page.header("page.explorer")
f, period = ctx.filters, ctx.period
url = st.query_params


def _seed(key: str, value) -> None:
    """A widget's first value on this page comes from the URL (a reload or a shared link)."""
    if key not in st.session_state:
        st.session_state[key] = value


def _to_url(name: str, value: str | None) -> None:
    if value and url.get(name) != value:
        url[name] = value
    elif not value and name in url:
        del url[name]


_seed("x_table", url.get("table") if url.get("table") in EXPLORER_TABLES else "complaints")
table = (
    st.segmented_control(
        t("explorer.table"),
        EXPLORER_TABLES,
        key="x_table",
        format_func=labeller("explorer.tables"),
    )
    or "complaints"
)
st.caption(t(f"explorer.scope_{table}"))

sorts = EXPLORER_SORTS[table]
_seed("x_id", url.get("id", "")[: queries.MAX_TERM])
_seed("x_words", url.get("q", "")[:500])
_seed(f"x_sort.{table}", url.get("sort") if url.get("sort") in sorts else sorts[0])
_seed("x_desc", url.get("order") != "asc")
c_id, c_words, c_sort, c_way = st.columns([1, 2, 1.4, 0.8], vertical_alignment="bottom")
id_prefix = c_id.text_input(t("explorer.search_id"), key="x_id", placeholder=t("explorer.search_id_hint"))
words = c_words.text_input(
    t(f"explorer.search_words_{table}"), key="x_words", placeholder=t(f"explorer.search_words_hint_{table}")
)
sort = c_sort.selectbox(t("explorer.sort"), sorts, key=f"x_sort.{table}", format_func=exports.header)
descending = c_way.toggle(t("explorer.descending"), key="x_desc")
search = Search(id_prefix=id_prefix, words=words, sort=sort, descending=descending)
for name, value in (
    ("table", None if table == "complaints" else table),
    ("id", search.prefix()),
    ("q", " ".join(search.terms())),
    ("sort", None if sort == sorts[0] else sort),
    ("order", None if descending else "asc"),
):
    _to_url(name, value)

total = data.explorer_count(f, period, table, search)
searching = bool(search.prefix() or search.terms())
st.markdown(t("explorer.matches", n=fmt.number(total)))
if total == 0:
    if searching:
        st.info(t("explorer.no_match"), icon=":material/search_off:")
    else:
        widgets.empty_state()
    st.stop()

# A new search, sort, table or filter starts again at the first page.
signature = (f, period, table, search)
if st.session_state.get("_x_signature") != signature:
    st.session_state["_x_signature"] = signature
    st.session_state["x_page"] = 1

left, mid, right = st.columns([1, 1, 2])
size = left.selectbox(t("explorer.page_size"), (25, 50, 100, 200), index=1, key="x_size")
pages = max(1, math.ceil(total / size))
if st.session_state.get("x_page", 1) > pages:
    st.session_state["x_page"] = pages
page_no = mid.number_input(t("explorer.page"), min_value=1, max_value=pages, step=1, key="x_page")
right.markdown(
    t(
        "explorer.showing",
        first=fmt.number((page_no - 1) * size + 1),
        last=fmt.number(min(page_no * size, total)),
        total=fmt.number(total),
    )
)

rows = data.explorer_page(f, period, table, size, (page_no - 1) * size, search)
st.dataframe(exports.for_display(rows), hide_index=True, width="stretch", key="x_rows")
st.caption(t("explorer.sort_help"))

stem = f"{table}_{period.start:%Y%m%d}_{period.effective_end:%Y%m%d}"
if not roles.may(signin.role(), "export_rows"):
    st.stop()
rows_source = data.explorer_stream(f, period, table, search)
# the audit row names the search and the sort beside the filters
audit_params = {**session.filter_params(), **{k: url[k] for k in ("table", "id", "q", "sort", "order") if k in url}}
c1, c2, _ = st.columns([1, 1, 2])
c1.download_button(
    t("explorer.download_csv", n=fmt.number(total)),
    key="x_csv",
    on_click="ignore",
    data=audit.audited(
        lambda: exports.csv_from_chunks(rows_source()), f"rows:{table}", f"{stem}.csv", audit_params, total
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
        audit_params,
        total,
    ),
    file_name=f"{stem}.xlsx",
    icon=":material/download:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
if total > exports.EXCEL_MAX_ROWS:
    st.warning(t("explorer.too_many_for_excel", n=fmt.number(exports.EXCEL_MAX_ROWS)))
st.caption(t("explorer.privacy"))
