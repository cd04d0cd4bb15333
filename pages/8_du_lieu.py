"""Dữ liệu / Data: load history, rejected rows with their reasons, and an upload that runs
the same ETL as `python -m etl load`."""

import tempfile
from pathlib import Path

import streamlit as st

from cchc import db, fmt, queries, ui
from cchc.i18n import lang, t

ctx = ui.header("page.data")

st.subheader(t("data.batches"))
batches = db.query("load_batches")
ui.table(
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
summary = queries.rejected_summary()
if summary.empty:
    st.success(t("data.no_rejected"))
else:
    batch_ids = [None, *sorted(summary["batch_id"].unique().tolist(), reverse=True)]
    names = dict(zip(batches["batch_id"], batches["file_name"], strict=True))
    batch_names = {None: t("data.all_batches"), **{b: f"#{b} · {names.get(b, '')}" for b in batch_ids[1:]}}
    picked = st.selectbox(t("data.pick_batch"), batch_ids, key="d_batch", format_func=batch_names.get)
    part = summary if picked is None else summary[summary["batch_id"] == picked]
    ui.table(
        part,
        {
            "batch_id": t("col.batch_id"),
            "file_name": t("col.file_name"),
            "error_type": t("col.error_type"),
            "rows": t("col.rows"),
        },
        {"rows": "count"},
        key="data_rejected_summary",
    )
    total = int(part["rows"].sum())
    size = 100
    page = st.number_input(t("explorer.page"), 1, max(1, -(-total // size)), 1, key="d_page")
    rejected = queries.rejected_rows(picked, size, (page - 1) * size)
    reason = "reason_en" if lang() == "en" else "reason_vi"
    ui.table(
        rejected,
        {
            "batch_id": t("col.batch_id"),
            "file_name": t("col.file_name"),
            "row_number": t("col.row_number"),
            "column_name": t("col.column_name"),
            "raw_value": t("col.raw_value"),
            "error_type": t("col.error_type"),
            reason: t("col.reason"),
        },
        key="data_rejected_rows",
    )
    st.caption(t("data.rejected_help", shown=fmt.number(len(rejected)), total=fmt.number(total)))

st.subheader(t("data.upload"))
st.caption(t("data.upload_help"))
ui.localise_uploader(t("data.browse"), t("data.limit"))
with st.form("upload", clear_on_submit=True):
    files = st.file_uploader(t("data.files"), type=["csv", "xlsx", "xls"], accept_multiple_files=True, key="d_files")
    submitted = st.form_submit_button(t("data.load"), type="primary")
if submitted and files:
    try:
        from etl.load import load_files
    except ImportError:
        st.error(t("data.etl_missing"))
        st.stop()
    results, failures = [], []
    with tempfile.TemporaryDirectory(prefix="cchc_upload_") as tmp, st.spinner(t("data.loading")):
        for upload in files:
            path = Path(tmp) / Path(upload.name).name  # original name, no directories
            path.write_bytes(upload.getvalue())
            try:  # one file at a time: a file that cannot be read does not hide the others
                results += load_files([path], db_path=db.warehouse_path(), kind=None, mapping=None)
            except Exception as exc:  # noqa: BLE001 - the ETL's message, shown to the user
                failures.append((upload.name, str(exc)))
    st.session_state["d_results"] = ui.load_results_frame(results)
    st.session_state["d_failures"] = failures
    st.rerun()  # redraw the history above from the new warehouse
for name, error in st.session_state.get("d_failures", []):
    st.error(t("data.load_failed", file=name, error=error))
if "d_results" in st.session_state:
    result = st.session_state["d_results"]
    if not result["summary"].empty:
        st.success(t("data.loaded", n=len(result["summary"])))
    ui.table(
        result["summary"],
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
    if not result["rejections"].empty:
        reason = "reason_en" if lang() == "en" else "reason_vi"
        ui.table(
            result["rejections"],
            {
                "file": t("col.file_name"),
                "row_number": t("col.row_number"),
                "column_name": t("col.column_name"),
                "raw_value": t("col.raw_value"),
                "error_type": t("col.error_type"),
                reason: t("col.reason"),
            },
            key="data_upload_rejections",
        )
    st.caption(t("data.reload_hint"))
