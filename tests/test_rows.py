"""Issue 14 item 3: every row accounted for; dates, numbers and headers that are refused, with their reasons."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from etl import warehouse
from etl.errors import UnreadableFile
from etl.load import load_file
from tests.etl_files import PAKN_HEADER, pakn_row, write_csv

TODAY = date(2026, 11, 25)
NEW = "UBND phường Phan Đình Phùng"


def counts(r) -> tuple:
    return (r.rows_in, r.rows_loaded, r.rows_rejected, r.rows_footer)


def test_signature_like_row_amid_data_is_counted_and_rejected(tmp_path):
    rows = [pakn_row(f"M-{i}", "05/08/2025", NEW) for i in range(5)]
    rows[1] = pakn_row("", "", "", content="Thái Nguyên, ngày 5 tháng 8 năm 2025", status="")
    rows[2][0] = ""  # a data row without ID after it
    r = load_file(write_csv(tmp_path / "m.csv", PAKN_HEADER, rows), tmp_path / "w.duckdb", today=TODAY)
    assert counts(r) == (5, 3, 2, 0)
    assert sorted({(x.row_number, x.error_type) for x in r.rejections if x.error_type == "missing-id"}) == [
        (3, "missing-id"),
        (4, "missing-id"),
    ]


def test_trailing_total_and_signature_rows_are_reported_with_their_row_numbers(tmp_path):
    rows = [pakn_row(f"T-{i}", "05/08/2025", NEW) for i in range(3)]
    rows += [["Tổng cộng", None, 3], [None, "Người lập biểu"], [None, "Lê Văn Ký"]]
    r = load_file(write_csv(tmp_path / "t.csv", PAKN_HEADER, rows), tmp_path / "w.duckdb", today=TODAY)
    assert (counts(r), r.footer_rows) == ((3, 3, 0, 3), [5, 6, 7])


def test_a_long_run_of_rows_without_id_is_data_not_a_footer(tmp_path):
    rows = [pakn_row("L-1", "05/08/2025", NEW), ["Tổng cộng"]]
    rows += [pakn_row("", "05/08/2025", NEW) for _ in range(150)]
    r = load_file(write_csv(tmp_path / "l.csv", PAKN_HEADER, rows), tmp_path / "w.duckdb", today=TODAY)
    assert counts(r) == (152, 1, 151, 0)


@pytest.mark.parametrize(
    ("received", "due", "error", "allowed"),
    [
        ("01/01/0001", "", "implausible-date", "01/01/2000 – 25/11/2026"),
        ("31/12/1999", "", "implausible-date", "01/01/2000 – 25/11/2026"),
        ("05/08/2025", "26/11/2036", "implausible-date", "01/01/2000 – 25/11/2036"),
        ("31/12/9999", "", "future-date", None),
    ],
)
def test_dates_outside_the_plausible_range_reject_their_row(tmp_path, received, due, error, allowed):
    r = load_file(
        write_csv(tmp_path / "d.csv", PAKN_HEADER, [pakn_row("D-1", received, NEW, due=due)]),
        tmp_path / "w.duckdb",
        today=TODAY,
    )
    [rej] = r.rejections
    assert rej.error_type == error
    if allowed:
        assert rej.reason_en.endswith(f"is outside the plausible range {allowed}")


def test_deadline_within_ten_years_is_accepted(tmp_path):
    r = load_file(
        write_csv(tmp_path / "d.csv", PAKN_HEADER, [pakn_row("D-2", "05/08/2025", NEW, due="25/11/2036")]),
        tmp_path / "w.duckdb",
        today=TODAY,
    )
    assert counts(r) == (1, 1, 0, 0)


def test_min_date_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_MIN_DATE", "2024-01-01")
    r = load_file(
        write_csv(tmp_path / "d.csv", PAKN_HEADER, [pakn_row("D-3", "05/08/2023", NEW)]),
        tmp_path / "w.duckdb",
        today=TODAY,
    )
    assert [x.error_type for x in r.rejections] == ["implausible-date"]


def test_two_personal_columns_of_one_kind_both_feed_the_hash(tmp_path):
    header = PAKN_HEADER + ["Di động"]
    db = tmp_path / "w.duckdb"
    load_file(write_csv(tmp_path / "a.csv", header, [pakn_row("H-1", "05/08/2025", NEW) + ["0987000111"]]), db)
    load_file(write_csv(tmp_path / "b.csv", PAKN_HEADER, [pakn_row("H-2", "05/08/2025", NEW)]), db)
    con = warehouse.connect_read_only(db)
    try:
        hashes = dict(con.execute("select complaint_id, citizen_hash from complaints").fetchall())
    finally:
        con.close()
    assert hashes["H-1"] is not None and hashes["H-1"] != hashes["H-2"]


def test_duplicate_header_names_both_columns(tmp_path):
    header = PAKN_HEADER + ["NGAY TIEP NHAN"]
    with pytest.raises(UnreadableFile) as exc:
        load_file(
            write_csv(tmp_path / "dup.csv", header, [pakn_row("X-1", "05/08/2025", NEW) + ["06/08/2025"]]),
            tmp_path / "w.duckdb",
        )
    assert (exc.value.code, exc.value.en) == (
        "duplicate-header",
        "dup.csv: column B 'Ngày tiếp nhận' and column N 'NGAY TIEP NHAN' both mean 'received_at': "
        "remove or rename one (or use --mapping)",
    )
    assert not Path(tmp_path / "w.duckdb").exists()
