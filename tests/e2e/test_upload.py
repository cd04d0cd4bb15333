"""The analyst uploads this month's hotline export on the Data page: a messy file, some rows
good and some not. The page shows the load's summary and each rejected row with its reason,
the same as the warehouse recorded, and the load history lists the file afterwards.

Runs last (file order): the upload adds a batch to the session's warehouse. Its rows are dated
August 2025, outside every period the other tests look at."""

from __future__ import annotations

import re

from tests.e2e import browser as b
from tests.etl_files import PAKN_HEADER, pakn_row, write_csv

NEW = "UBND phường Phan Đình Phùng"  # a ward from 1 July 2025
GOOD = [
    pakn_row("E2E-0001", "05/08/2025 08:30", NEW, resolved="12/08/2025", due="19/08/2025"),
    pakn_row("E2E-0002", "06/08/2025", "Ủy ban nhân dân phường Phan Đình Phùng", status="Đang xử lý"),
    pakn_row("E2E-0003", "07/08/2025", "ubnd  PHUONG phan dinh phung", resolved="20/08/2025"),
]
# Row numbers as Excel shows them (header = row 1).
BAD = {
    5: pakn_row("E2E-0004", "31/02/2025", NEW),
    6: pakn_row("E2E-0005", "10/08/2025", "UBND xã Không Tồn Tại"),
    7: pakn_row("", "10/08/2025", NEW),
    8: pakn_row("E2E-0007", "10/08/2025", NEW, resolved="09/08/2025"),
}
FILE = "duong_day_nong_e2e.csv"


def test_uploading_a_messy_export_shows_its_summary_and_rejected_rows(new_page, wh_con, tmp_path):
    path = write_csv(tmp_path / FILE, PAKN_HEADER, GOOD + list(BAD.values()))
    before = wh_con().execute("select count(*) from rejected_rows").fetchone()[0]

    page = new_page()
    b.open_page(page, "du-lieu")
    form = b.main(page).locator('[data-testid="stForm"]')
    form.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    form.locator('[data-testid="stFileChip"], [data-testid="stFileUploaderFile"]').first.wait_for()
    with b.rerun(page):
        form.get_by_role("button", name="Nạp dữ liệu").click()
    b.main(page).get_by_text("Đã nạp 1 tệp.").wait_for()

    con = wh_con()
    batch_id, rows_in, loaded, rejected = con.execute(
        "select batch_id, rows_in, rows_loaded, rows_rejected from load_batches "
        "where file_name = ? order by batch_id desc limit 1",
        [FILE],
    ).fetchone()
    assert (rows_in, loaded, rejected) == (len(GOOD) + len(BAD), len(GOOD), len(BAD))
    stored = con.execute(
        "select row_number, column_name, error_type, reason_vi from rejected_rows "
        "where batch_id = ? order by row_number",
        [batch_id],
    ).fetchall()
    assert [r[0] for r in stored] == sorted(BAD)

    # The upload's two tables are the last on the page: its summary, then its rejected rows.
    frames = b.main(page).locator('[data-testid="stDataFrame"]')
    summary = b.grid(frames.nth(frames.count() - 2))
    assert len(summary) == 1, summary
    row = summary[0]
    assert row["Tệp"] == FILE
    assert (b.vi_int(row["Số dòng"]), b.vi_int(row["Thêm mới"]), b.vi_int(row["Bị loại"])) == (
        len(GOOD) + len(BAD),
        len(GOOD),
        len(BAD),
    )

    shown = b.grid(frames.last)
    # the reason comes first (the type's column is off-screen, drawn only when scrolled to)
    assert [(int(r["Dòng"]), r["Cột"], r["Lý do"]) for r in shown] == [
        (n, col, reason) for n, col, _kind, reason in stored
    ]
    assert all(re.search(r"[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]", r["Lý do"], re.I) for r in shown), (
        "reasons should be in Vietnamese"
    )

    # A new visit: the load history lists the file, the rejected rows count it.
    again = new_page()
    b.open_page(again, "du-lieu")
    history = b.grid(b.main(again).locator('[data-testid="stDataFrame"]').first)
    assert history[0]["Tệp"] == FILE
    total = wh_con().execute("select count(*) from rejected_rows").fetchone()[0]
    assert total == before + len(BAD)
    assert re.search(rf"trên {total:,} dòng bị loại".replace(",", "."), b.visible_text(again))
