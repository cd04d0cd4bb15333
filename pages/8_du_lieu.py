"""Dữ liệu / Data: load history, rejected rows with their reasons, and an upload that runs
the same ETL as `python -m etl load`."""

import pandas as pd
import streamlit as st

from cchc import fmt
from cchc.auth import roles
from cchc.i18n import lang, t
from cchc.web import audit, data, page, signin, widgets
from cchc.web.safe import md_escape

ctx = page.header("page.data")

st.subheader(t("data.batches"))
batches = data.load_batches()
widgets.table(
    batches,
    {
        "batch_id": t("col.batch_id"),
        "file_name": t("col.file_name"),
        "kind": t("col.kind_file"),
        "loaded_at": t("col.loaded_at"),
        "rows_in": t("col.rows_in"),
        "rows_loaded": t("col.rows_loaded"),
        "rows_updated": t("col.rows_updated"),
        "rows_unchanged": t("col.rows_unchanged"),
        "rows_rejected": t("col.rows_rejected"),
        "min_event_date": t("col.min_event_date"),
        "max_event_date": t("col.max_event_date"),
    },
    {
        "loaded_at": "moment",
        "rows_in": "count",
        "rows_loaded": "count",
        "rows_updated": "count",
        "rows_unchanged": "count",
        "rows_rejected": "count",
        "min_event_date": "date",
        "max_event_date": "date",
    },
    codes={"kind": "file_kind"},
    key="data_batches",
)

st.subheader(t("data.rejected"))
summary = data.rejected_summary()
if summary.empty:
    st.success(t("data.no_rejected"))
else:
    batch_ids = [None, *sorted(summary["batch_id"].unique().tolist(), reverse=True)]
    names = dict(zip(batches["batch_id"], batches["file_name"], strict=True))
    batch_names = {None: t("data.all_batches"), **{b: f"#{b} · {names.get(b, '')}" for b in batch_ids[1:]}}
    picked = st.selectbox(t("data.pick_batch"), batch_ids, key="d_batch", format_func=batch_names.get)
    part = summary if picked is None else summary[summary["batch_id"] == picked]
    widgets.table(
        part,
        {
            "batch_id": t("col.batch_id"),
            "file_name": t("col.file_name"),
            "error_type": t("col.error_type"),
            "rows": t("col.rows"),
        },
        {"rows": "count"},
        codes={"error_type": "rejection_type"},
        key="data_rejected_summary",
    )
    total = int(part["rows"].sum())
    size = 100
    page_no = st.number_input(t("explorer.page"), 1, max(1, -(-total // size)), 1, key="d_page")
    rejected = data.rejected_rows(picked, size, (page_no - 1) * size)
    reason = "reason_en" if lang() == "en" else "reason_vi"
    widgets.table(
        rejected,
        {
            reason: t("col.reason"),  # the most useful column first (on a phone, the only one seen)
            "row_number": t("col.row_number"),
            "column_name": t("col.column_name"),
            "raw_value": t("col.raw_value"),
            "error_type": t("col.error_type"),
            "file_name": t("col.file_name"),
            "batch_id": t("col.batch_id"),
        },
        codes={"error_type": "rejection_type"},
        key="data_rejected_rows",
    )
    st.caption(t("data.rejected_help", shown=fmt.number(len(rejected)), total=fmt.number(total)))

if not roles.may(signin.role(), "upload"):
    st.stop()

st.subheader(t("data.upload"))
st.caption(t("data.upload_help"))
widgets.localise_uploader(t("data.browse"), t("data.limit"))
with st.form("upload", clear_on_submit=True):
    files = st.file_uploader(t("data.files"), type=["csv", "xlsx", "xls"], accept_multiple_files=True, key="d_files")
    submitted = st.form_submit_button(t("data.load"), type="primary")
if submitted and files:
    from etl.uploads import load_uploads

    with st.spinner(t("data.loading")):
        outcome = load_uploads([(u.name, u.getvalue()) for u in files], data.warehouse_path())
    for r in outcome.results:
        audit.record("upload", {k: r.get(k) for k in ("file", "sha256", "rows_in", "rows_rejected", "batch_id")})
    for name, _vi, en in outcome.failures:
        audit.record("upload", {"file": name, "refused": en}, ok=False)
    st.session_state["d_results"] = pd.DataFrame(outcome.results)
    st.session_state["d_failures"] = outcome.failures
    st.rerun()  # redraw the history above from the new warehouse
for name, vi, en in st.session_state.get("d_failures", []):
    st.error(t("data.load_failed", file=md_escape(name), error=md_escape(en if lang() == "en" else vi)))
if "d_results" in st.session_state:
    result = st.session_state["d_results"]
    if not result.empty:
        st.success(t("data.loaded", n=len(result)))
        widgets.table(
            result,
            {
                "file": t("col.file_name"),
                "kind": t("col.kind_file"),
                "rows_in": t("col.rows_in"),
                "rows_loaded": t("col.rows_loaded"),
                "rows_updated": t("col.rows_updated"),
                "rows_unchanged": t("col.rows_unchanged"),
                "rows_rejected": t("col.rows_rejected"),
                "batch_id": t("col.batch_id"),
            },
            {
                "rows_in": "count",
                "rows_loaded": "count",
                "rows_updated": "count",
                "rows_unchanged": "count",
                "rows_rejected": "count",
            },
            codes={"kind": "file_kind"},
            key="data_upload_summary",
        )
        batches = [int(b) for b in result["batch_id"].dropna()] if "batch_id" in result else []
        rejected = [data.rejected_rows(b, 1000, 0) for b in batches]
        rejected = pd.concat(rejected) if rejected else pd.DataFrame()
        if not rejected.empty:
            reason = "reason_en" if lang() == "en" else "reason_vi"
            widgets.table(
                rejected,
                {
                    reason: t("col.reason"),
                    "row_number": t("col.row_number"),
                    "column_name": t("col.column_name"),
                    "raw_value": t("col.raw_value"),
                    "error_type": t("col.error_type"),
                    "file_name": t("col.file_name"),
                },
                codes={"error_type": "rejection_type"},
                key="data_upload_rejections",
            )
    st.caption(t("data.reload_hint"))
