"""The Data page: load history, rejected rows with reasons, and an upload that runs the ETL."""

from etl.load import load_files
from tests.conftest_pages import signed_in_app
from tests.etl_files import PAKN_HEADER, pakn_row, write_csv
from tests.test_pages_render import open_page


def test_history_and_rejected_rows_are_listed(fixture_db):
    at = open_page("pages/8_du_lieu.py", {})
    history = at.dataframe[0].value
    assert list(history["Tệp"]) == ["kiem_tra_cong_vu.csv", "pakn_2024_2025.xlsx"]
    shown = " ".join(str(v) for df in at.dataframe for v in df.value.to_numpy().ravel())
    assert "Ngày không tồn tại: 31/02/2025" in shown
    # the rejection type by its label (issue 16), never the code
    assert "Không tìm thấy cơ quan" in shown and "unknown-agency" not in shown
    rows = next(df.value for df in at.dataframe if "Lý do" in df.value.columns)
    assert list(rows.columns)[0] == "Lý do"  # the most useful column first


def test_upload_runs_the_etl_and_shows_its_summary(tmp_path, monkeypatch):
    db = tmp_path / "wh" / "warehouse.duckdb"
    first = write_csv(tmp_path / "thang_10.csv", PAKN_HEADER, [pakn_row("PA-1", "01/10/2025")])
    load_files([first], db_path=db)
    monkeypatch.setenv("CCHC_DB", str(db))
    export = write_csv(
        tmp_path / "thang_11.csv",
        PAKN_HEADER,
        [
            pakn_row("PA-2", "03/11/2025"),
            pakn_row("PA-3", "31/02/2025"),
        ],
    )

    at = signed_in_app("analyst", timeout=120).run()
    at.switch_page("pages/8_du_lieu.py").run()
    at.file_uploader(key="d_files").set_value([("thang_11.csv", export.read_bytes(), "text/csv")])
    next(b for b in at.button if b.label == "Nạp dữ liệu").click().run()

    assert [e.value for e in at.exception] == []
    assert any("Đã nạp 1 tệp" in s.value for s in at.success)
    frames = {tuple(df.value.columns): df.value for df in at.dataframe}
    summary = next(
        df
        for cols, df in frames.items()
        if "Bị loại" in cols
        and "Thêm mới" in cols
        and "Tệp" in cols
        and len(df) == 1
        and df["Tệp"].iloc[0] == "thang_11.csv"
    )
    assert (summary["Thêm mới"].iloc[0], summary["Bị loại"].iloc[0]) == (1, 1)
    history = at.dataframe[0].value
    assert list(history["Tệp"]) == ["thang_11.csv", "thang_10.csv"]
