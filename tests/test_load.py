"""etl.load: every encoding and layout, every rejection, idempotence, updates, atomicity, privacy."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

import etl.load as load_module
from etl import warehouse
from etl.load import load_file
from tests.etl_files import PAKN_HEADER, PERSON, pakn_row, write_csv, write_xls, write_xlsx

TODAY = date(2026, 11, 25)
NEW = "UBND phường Phan Đình Phùng"  # a ward from 2025-07-01 (code 05443)
OLD = "UBND phường Trưng Vương"  # an old ward, merged into Phan Đình Phùng


def rows_of(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = warehouse.connect_read_only(db)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "warehouse.duckdb"


def counts(r) -> tuple:
    return (r.rows_in, r.rows_loaded, r.rows_updated, r.rows_unchanged, r.rows_rejected)


# ------------------------------------------------------------------ encodings and layouts

GOOD_ROWS = [
    pakn_row("A-1", "05/08/2025 08:30", NEW, resolved="12/08/2025", due="19/08/2025"),
    pakn_row("A-2", "06/08/2025", "Ủy ban nhân dân phường Phan Đình Phùng", status="Đang xử lý"),
    pakn_row("A-3", "07/08/2025 14:05:09", "ubnd  PHUONG phan dinh phung", resolved="2025-08-20"),
]


@pytest.mark.parametrize(
    "encoding,delimiter,decompose",
    [
        ("utf-8", ",", False),
        ("utf-8-sig", ",", False),
        ("utf-8-sig", ";", False),
        ("cp1258", ";", True),
    ],
)
def test_load_csv_encodings_load_every_row_as_nfc(tmp_path, db, encoding, delimiter, decompose):
    path = write_csv(tmp_path / "hotline.csv", PAKN_HEADER, GOOD_ROWS, encoding, delimiter, decompose)
    result = load_file(path, db, today=TODAY)
    assert counts(result) == (3, 3, 0, 0, 0)
    assert rows_of(db, "select complaint_id, agency_id, category, status from complaints order by 1") == [
        ("A-1", "xa:05443@2025-07-01", "land", "resolved"),
        ("A-2", "xa:05443@2025-07-01", "land", "in_progress"),
        ("A-3", "xa:05443@2025-07-01", "land", "resolved"),
    ]
    raw = rows_of(db, "select distinct agency_name_raw from complaints where complaint_id = 'A-2'")[0][0]
    assert raw == "Ủy ban nhân dân phường Phan Đình Phùng"  # composed again (NFC)


def test_load_headers_without_diacritics_in_any_case_match(tmp_path, db):
    header = [
        "MA PHAN ANH",
        "ngay tiep nhan",
        "Kenh tiep nhan",
        "LOAI DON",
        "linh vuc",
        "Ho va ten",
        "So dien thoai",
        "Dia chi",
        "Noi dung",
        "Co quan duoc giao xu ly",
        "Han xu ly",
        "Ngay hoan thanh",
        "Trang thai",
    ]
    path = write_csv(tmp_path / "plain.csv", header, GOOD_ROWS)
    assert counts(load_file(path, db, today=TODAY)) == (3, 3, 0, 0, 0)


def test_load_xlsx_with_title_rows_merged_cells_totals_and_signatures(tmp_path, db):
    rows = [
        pakn_row("X-1", datetime(2025, 8, 5, 9, 0), NEW, resolved=datetime(2025, 8, 9)),
        [None] * len(PAKN_HEADER),  # blank line inside the data
        pakn_row("X-2", 45879, NEW, resolved="", status="Mới"),  # Excel serial 45879 = 10/08/2025
        pakn_row("X-3", "11-08-2025", NEW),
    ]
    path = write_xlsx(tmp_path / "app.xlsx", PAKN_HEADER, rows)
    result = load_file(path, db, today=TODAY)
    assert counts(result) == (3, 3, 0, 0, 0)
    assert rows_of(db, "select complaint_id, received_date, resolved_date from complaints order by 1") == [
        ("X-1", date(2025, 8, 5), date(2025, 8, 9)),
        ("X-2", date(2025, 8, 10), None),
        ("X-3", date(2025, 8, 11), None),
    ]


def test_load_xlsx_two_row_header_maps_both_rows(tmp_path, db):
    path = write_xlsx(tmp_path / "two.xlsx", PAKN_HEADER, [pakn_row("T-1", "05/08/2025", NEW)], two_row_header=True)
    result = load_file(path, db, today=TODAY)
    assert counts(result) == (1, 1, 0, 0, 0)
    assert rows_of(db, "select citizen_hash is not null from complaints") == [(True,)]


def test_load_xls_legacy_workbook_reads_date_cells(tmp_path, db):
    path = write_xls(
        tmp_path / "old.xls", PAKN_HEADER, [pakn_row("L-1", date(2024, 3, 4), OLD, resolved=date(2024, 3, 8))]
    )
    assert counts(load_file(path, db, today=TODAY)) == (1, 1, 0, 0, 0)
    assert rows_of(db, "select received_date, agency_id from complaints") == [(date(2024, 3, 4), "xa:05443@pre2025")]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("03/04/2024", datetime(2024, 4, 3)),
        ("3/4/2024 7:05", datetime(2024, 4, 3, 7, 5)),
        ("03-04-2024 07:05:06", datetime(2024, 4, 3, 7, 5, 6)),
        ("2024-04-03", datetime(2024, 4, 3)),
        ("2024-04-03T07:05:06", datetime(2024, 4, 3, 7, 5, 6)),
        ("45385", datetime(2024, 4, 3)),
    ],
)
def test_load_date_formats_are_day_first(tmp_path, db, text, expected):
    path = write_csv(tmp_path / "d.csv", PAKN_HEADER, [pakn_row("D-1", text, OLD)])
    load_file(path, db, today=TODAY)
    assert rows_of(db, "select received_at from complaints") == [(expected,)]


# ------------------------------------------------------------------ rejections


def test_load_every_rejection_reason_names_row_column_and_reason(tmp_path, db):
    rows = [
        pakn_row("", "05/08/2025", NEW),  # row 2 missing-id
        pakn_row("R-2", "31/02/2025", NEW),  # row 3 nonexistent-date
        pakn_row("R-3", "ngày mai", NEW),  # row 4 unparseable-date
        pakn_row("R-4", "05/08/2099", NEW),  # row 5 future-date
        pakn_row("R-5", "10/08/2025", NEW, resolved="09/08/2025"),  # row 6 resolved-before-received
        pakn_row("R-6", "10/08/2025", "UBND xã Không Tồn Tại"),  # row 7 unknown-agency
        pakn_row("R-7", "10/08/2025", "UBND phuong Phan Dinh Phungg"),  # row 8 unknown-agency + suggestion
        pakn_row("R-8", "10/08/2025", NEW, channel="Bồ câu đưa thư"),  # row 9 unknown-value
        pakn_row("R-9", "10/08/2025", NEW, status="Mới"),  # row 10 duplicate, superseded
        pakn_row("R-9", "10/08/2025", NEW, status="Đã xử lý", resolved="11/08/2025"),  # row 11 kept
        pakn_row("R-10", "", NEW),  # row 12 missing-value
    ]
    path = write_csv(tmp_path / "dirty.csv", PAKN_HEADER, rows)
    result = load_file(path, db, today=TODAY)
    assert counts(result) == (11, 1, 0, 0, 10)
    got = [(r.row_number, r.error_type, r.column_name) for r in sorted(result.rejections, key=lambda r: r.row_number)]
    assert got == [
        (2, "missing-id", "Mã phản ánh"),
        (3, "nonexistent-date", "Ngày tiếp nhận"),
        (4, "unparseable-date", "Ngày tiếp nhận"),
        (5, "future-date", "Ngày tiếp nhận"),
        (6, "resolved-before-received", "Ngày hoàn thành"),
        (7, "unknown-agency", "Cơ quan được giao xử lý"),
        (8, "unknown-agency", "Cơ quan được giao xử lý"),
        (9, "unknown-value", "Kênh tiếp nhận"),
        (10, "duplicate-id", "Mã phản ánh"),
        (12, "missing-value", "Ngày tiếp nhận"),
    ]
    by_row = {r.row_number: r for r in result.rejections}
    assert "Phường Phan Đình Phùng" in by_row[8].reason_vi and "did you mean" in by_row[8].reason_en
    assert by_row[3].reason_vi == "Ngày '31/02/2025' ở cột Ngày tiếp nhận không tồn tại"
    assert by_row[3].reason_en == "Date '31/02/2025' in column Ngày tiếp nhận does not exist"
    assert rows_of(db, "select complaint_id, status from complaints") == [("R-9", "resolved")]
    stored = rows_of(db, "select row_number, error_type from rejected_rows order by row_number")
    assert stored == [(g[0], g[1]) for g in got]


def test_load_unreadable_file_raises_and_changes_nothing(tmp_path, db):
    load_file(write_csv(tmp_path / "ok.csv", PAKN_HEADER, GOOD_ROWS), db, today=TODAY)
    before = file_sha(db)
    bad = tmp_path / "notes.csv"
    bad.write_text("tên,tuổi\nAn,3\n", encoding="utf-8")
    with pytest.raises(load_module.UnreadableFile) as exc:
        load_file(bad, db, today=TODAY)
    assert "notes.csv" in exc.value.vi and "no header row found" in exc.value.en
    assert file_sha(db) == before


# ------------------------------------------------------------------ idempotence, updates, atomicity


def test_load_same_file_twice_changes_nothing(tmp_path, db):
    path = write_csv(tmp_path / "h.csv", PAKN_HEADER, GOOD_ROWS + [pakn_row("", "05/08/2025", NEW)])
    first = load_file(path, db, today=TODAY)
    before = file_sha(db)
    second = load_file(path, db, today=TODAY)
    assert counts(first) == (4, 3, 0, 0, 1)
    assert counts(second) == (4, 0, 0, 3, 1)
    assert second.batch_id == first.batch_id
    assert file_sha(db) == before


def test_load_newer_export_updates_status_dates_and_agency(tmp_path, db):
    load_file(write_csv(tmp_path / "jan.csv", PAKN_HEADER, GOOD_ROWS), db, today=TODAY)
    newer = [
        pakn_row("A-1", "05/08/2025 08:30", NEW, resolved="12/08/2025", due="19/08/2025"),  # same
        pakn_row("A-2", "06/08/2025", "UBND phường Gia Sàng", resolved="15/08/2025", status="Đã xử lý"),
        pakn_row("A-4", "08/08/2025", NEW, status="Đang xử lý"),
    ]
    result = load_file(write_csv(tmp_path / "feb.csv", PAKN_HEADER, newer), db, today=TODAY)
    assert counts(result) == (3, 1, 1, 1, 0)
    assert rows_of(
        db,
        """select complaint_id, status, resolved_date, agency_id, first_batch_id, last_batch_id
                          from complaints order by 1""",
    ) == [
        ("A-1", "resolved", date(2025, 8, 12), "xa:05443@2025-07-01", 1, 1),
        ("A-2", "resolved", date(2025, 8, 15), "xa:05467@2025-07-01", 1, 2),
        ("A-3", "resolved", date(2025, 8, 20), "xa:05443@2025-07-01", 1, 1),
        ("A-4", "in_progress", None, "xa:05443@2025-07-01", 2, 2),
    ]


def test_load_failure_mid_load_leaves_warehouse_exactly_as_before(tmp_path, db, monkeypatch):
    load_file(write_csv(tmp_path / "a.csv", PAKN_HEADER, GOOD_ROWS), db, today=TODAY)
    before = file_sha(db)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full (injected)")

    monkeypatch.setattr(load_module, "_record_batch", boom)
    # Issue 14: any failure refuses the file with a reason naming it (the exception's text, which may quote a
    # cell, is not shown), instead of escaping as a traceback.
    with pytest.raises(load_module.UnreadableFile) as exc:
        load_file(write_csv(tmp_path / "b.csv", PAKN_HEADER, [pakn_row("B-1", "05/08/2025", NEW)]), db, today=TODAY)
    assert (exc.value.code, exc.value.en) == (
        "load-error",
        "b.csv: error while loading (RuntimeError); the file is refused, the warehouse is unchanged",
    )
    assert [p.name for p in (db.parent / "archive").glob("*.part-*")] == []
    assert file_sha(db) == before
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(".warehouse.duckdb.tmp")) == []
    assert rows_of(db, "select count(*) from complaints") == [(3,)]


# ------------------------------------------------------------------ derived values


def test_load_due_date_from_rules_counts_working_days_across_tet(tmp_path, db):
    # Feedback received Friday 24/01/2025, the last working day before the Tết 2025 holiday.
    path = write_csv(
        tmp_path / "tet.csv",
        PAKN_HEADER,
        [pakn_row("TET-1", "24/01/2025", OLD, resolved="", status="Đang xử lý", channel="Cổng TTĐT")],
    )
    load_file(path, db, today=TODAY)
    import holidays

    vn = holidays.VN(years=[2025])
    day, left = date(2025, 1, 24), 10  # config/deadlines.yaml: feedback via the portal = 10 working days
    while left:
        day = date.fromordinal(day.toordinal() + 1)
        if day.weekday() < 5 and day not in vn:
            left -= 1
    assert rows_of(db, "select due_date, due_source from complaints") == [(day, "rule")]


def test_load_export_due_date_wins_and_resolution_days_are_stored(tmp_path, db):
    path = write_csv(
        tmp_path / "due.csv", PAKN_HEADER, [pakn_row("U-1", "01/08/2025", NEW, due="05/08/2025", resolved="11/08/2025")]
    )
    load_file(path, db, today=TODAY)
    got = rows_of(
        db,
        """select due_date, due_source, resolution_calendar_days, resolution_working_days, is_on_time
                         from complaints""",
    )
    working = int(np.busday_count("2025-08-01", "2025-08-11"))  # no holiday in that span
    assert got == [(date(2025, 8, 5), "export", 10, working, False)]


def test_load_old_unit_rolls_up_to_its_successor(tmp_path, db):
    load_file(write_csv(tmp_path / "old.csv", PAKN_HEADER, [pakn_row("O-1", "04/03/2024", OLD)]), db, today=TODAY)
    assert rows_of(
        db,
        """select c.agency_id, a.valid_to, a.current_id from complaints c
                          join agencies a using (agency_id)""",
    ) == [("xa:05443@pre2025", date(2025, 6, 30), "xa:05443@2025-07-01")]


# ------------------------------------------------------------------ personal data


def test_load_warehouse_bytes_hold_no_personal_data(tmp_path, db):
    content = (
        f"Ông {PERSON['name']} gọi từ 0987 654 321, email {PERSON['email']}, CCCD {PERSON['cccd']}: "
        "cán bộ MARKER-STORED-TEXT gây khó khăn"
    )
    rows = [pakn_row(f"P-{i}", "05/08/2025", NEW, content=content) for i in range(50)]
    load_file(write_csv(tmp_path / "pii.csv", PAKN_HEADER, rows), db, today=TODAY)
    data = db.read_bytes()
    assert b"MARKER-STORED-TEXT" in data  # stored text is findable in the bytes, so the search below means something
    secrets = [
        PERSON["name"],
        PERSON["phone"],
        PERSON["address"],
        PERSON["email"],
        PERSON["cccd"],
        "0987 654 321",
        "987654321",
    ]
    for value in secrets:
        assert value.encode("utf-8") not in data, value
    # the same check through SQL, which sees past DuckDB's compression
    text = " ".join(str(v) for row in rows_of(db, "select * from complaints") for v in row)
    for value in secrets:
        assert value not in text, value
    assert "MARKER-STORED-TEXT" in text and "[SĐT]" in text and "[EMAIL]" in text and "[CCCD]" in text


def test_load_first_data_row_with_a_header_like_value_stays_data(tmp_path, db):
    # 'Email' is a channel value here and also a personal-data header: the row is data, not a second header.
    rows = [pakn_row("E-1", "05/08/2025", NEW, channel="Email"), pakn_row("E-2", "06/08/2025", NEW)]
    result = load_file(write_csv(tmp_path / "mail.csv", PAKN_HEADER, rows), db, today=TODAY)
    assert counts(result) == (2, 2, 0, 0, 0)
    assert rows_of(db, "select complaint_id, channel from complaints order by 1") == [
        ("E-1", "email"),
        ("E-2", "hotline"),
    ]
