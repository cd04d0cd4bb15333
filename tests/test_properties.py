"""Property-based tests (hypothesis): random cells through the loader's validation.

Cells are drawn from hostile families (any Unicode, control characters, huge and odd numbers,
date-like strings from year 1 to 9999, blanks, spreadsheet formulas) mixed with valid values so that
some rows load. Properties:

- validating one row never raises; it gives a record or reasons, never both, never neither; every
  reason has the row number, a known type, and a Vietnamese and an English sentence;
- a file is loaded or refused with a bilingual reason (never a traceback), and when loaded
  rows_in = new + updated + unchanged + rejected (+ footer rows where reported), the warehouse holds
  exactly the new rows, the rejected rows stored match the count, and load history says the same;
- a row with an ID is never lost: rows_in counts every data row.

Examples are few (modest max_examples, no deadline) so the file runs in well under a minute; set
HYPOTHESIS_PROFILE=thorough for a longer run.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from etl import warehouse
from etl.agencies import AgencyMatcher, write_reference
from etl.errors import TEMPLATES, EtlError
from etl.load import OPEN_STATUSES, OUT_OF_REMIT, RowContext, complaint_record, detect_layout, load_file
from etl.mapping import builtin_mappings
from tests.etl_files import PAKN_HEADER, pakn_row, write_csv, write_xlsx

TODAY = date(2026, 11, 25)
NEW = "UBND phường Phan Đình Phùng"
STATUSES = OPEN_STATUSES | OUT_OF_REMIT | {"resolved"}

settings.register_profile(
    "ci",
    max_examples=20,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure here is reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
settings.register_profile("thorough", parent=settings.get_profile("ci"), max_examples=500, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# ---------------------------------------------------------------- cell strategies

CONTROL = st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs"]), min_size=1, max_size=8)
ANY_TEXT = st.text(max_size=40)  # any code point but surrogates: Vietnamese, emoji, RTL, combining marks
BLANKS = st.sampled_from(["", " ", "\t", "  \u00a0 ", "-", "N/A", "không có"])
FORMULAS = st.sampled_from(
    ["=1+1", "=SUM(A1:A9)", '=HYPERLINK("http://127.0.0.1/x","bấm")', "+cmd|' /C calc'!A0", "@SUM(1)", "=1/0", "#REF!"]
)
HUGE_NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e308", "-0", "0x1F", "1.234.567,89", "١٢٣", "１２３"]),
)
DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%Y %H:%M", "%Y-%m-%d", "%d-%m-%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d"]
DATE_LIKE = st.one_of(
    st.builds(
        lambda d, fmt: d.strftime(fmt).replace("0001", "1") if d.year < 1000 else d.strftime(fmt),
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
        st.sampled_from(DATE_FORMATS),
    ),
    st.sampled_from(
        ["31/02/2025", "00/00/0000", "29/02/2023", "32/01/2025", "01/13/2025", "ngày 05 tháng 8 năm 2025", "05/08/25"]
    ),
    st.integers(min_value=-100_000, max_value=3_000_000).map(str),  # Excel serial days, in and far out of range
)
HOSTILE = st.one_of(ANY_TEXT, CONTROL, BLANKS, FORMULAS, HUGE_NUMBERS, DATE_LIKE)

GOOD = {
    "Mã phản ánh": st.integers(min_value=1, max_value=40).map(lambda i: f"P-{i}"),
    "Ngày tiếp nhận": st.dates(min_value=date(2025, 7, 1), max_value=date(2025, 12, 31)).map(
        lambda d: d.strftime("%d/%m/%Y")
    ),
    "Kênh tiếp nhận": st.sampled_from(["Đường dây nóng", "Email", "C-ThaiNguyen", "Trực tiếp"]),
    "Loại đơn": st.sampled_from(["Phản ánh", "Kiến nghị", "Khiếu nại", "Tố cáo"]),
    "Lĩnh vực": st.sampled_from(["Đất đai", "Xây dựng", "Thái độ"]),
    "Cơ quan được giao xử lý": st.sampled_from([NEW, "UBND xã Đại Từ", "Sở Nội vụ"]),
    "Hạn xử lý": st.dates(min_value=date(2025, 7, 1), max_value=date(2027, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
    "Ngày hoàn thành": st.dates(min_value=date(2026, 1, 1), max_value=TODAY).map(lambda d: d.strftime("%d/%m/%Y")),
    "Trạng thái": st.sampled_from(["Đã xử lý", "Đang xử lý", "Mới", "Quá hạn", "Chuyển cơ quan khác"]),
}


def good_cell(header: str) -> st.SearchStrategy:
    return GOOD.get(header, st.sampled_from(["Nguyễn Văn An", "0912345678", "Số 7 ngõ 12", "Đường hỏng"]))


def _spoil(cells: list, spoilers: list[tuple[int, object]]) -> list:
    for i, value in spoilers:
        cells[i] = value
    return cells


def row_strategy(
    id_cell: st.SearchStrategy | None = None, extra: st.SearchStrategy | None = None, spoil_id: bool = False
) -> st.SearchStrategy:
    """A valid row with up to four cells replaced by hostile ones (so rows load, update and are rejected).

    The ID cell is spoiled only with spoil_id; pass id_cell to choose it instead."""
    cells = [good_cell(h) for h in PAKN_HEADER]
    if id_cell is not None:
        cells[0] = id_cell
    bad = HOSTILE if extra is None else st.one_of(HOSTILE, extra)
    spoilers = st.lists(
        st.tuples(st.integers(min_value=0 if spoil_id else 1, max_value=len(PAKN_HEADER) - 1), bad), max_size=4
    )
    return st.builds(_spoil, st.tuples(*cells).map(list), spoilers)


SAFE_ID = st.integers(min_value=1, max_value=60).map(lambda i: f"P-{i}")

# ---------------------------------------------------------------- one row


@pytest.fixture(scope="module")
def ctx(tmp_path_factory) -> RowContext:
    folder = tmp_path_factory.mktemp("ctx")
    sample = write_csv(folder / "h.csv", PAKN_HEADER, [pakn_row("H-1", "05/08/2025", NEW)])
    layout = detect_layout(sample, builtin_mappings())
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    write_reference(con)
    return RowContext(layout, AgencyMatcher(con), con, b"s" * 32, TODAY)


_row_numbers = itertools.count(2)


@given(cells=st.one_of(row_strategy(spoil_id=True), st.lists(HOSTILE, max_size=20)))
@settings(max_examples=300)
def test_one_row_gives_a_record_or_reasons_never_an_exception(ctx, cells):
    row = next(_row_numbers)
    record, errors = complaint_record(row, cells, ctx)
    assert (record is None) == bool(errors)
    for e in errors:
        assert e.row_number == row
        assert e.error_type in TEMPLATES
        assert isinstance(e.reason_vi, str) and e.reason_vi.strip()
        assert isinstance(e.reason_en, str) and e.reason_en.strip()
        assert e.column_name is None or isinstance(e.column_name, str)
    if record is not None:
        assert isinstance(record["complaint_id"], str) and record["complaint_id"].strip()
        assert isinstance(record["received_at"], datetime)
        assert record["received_at"].date() <= TODAY
        known = ctx.con.execute("select count(*) from agencies where agency_id = ?", [record["agency_id"]])
        assert known.fetchall()[0][0] == 1
        assert record["status"] in STATUSES
        if record["resolved_at"] is not None:
            assert record["resolved_at"].date() >= record["received_at"].date()


# ---------------------------------------------------------------- whole files

_WH = tempfile.TemporaryDirectory(prefix="cchc-prop-")
_files = itertools.count()


def _db(name: str) -> Path:
    return Path(_WH.name) / name / "warehouse.duckdb"


def _facts(db: Path) -> tuple[int, int, int]:
    if not db.exists():
        return 0, 0, 0
    con = warehouse.connect_read_only(db)
    try:
        return con.execute(
            "select (select count(*) from complaints), (select count(*) from load_batches),"
            " (select count(*) from rejected_rows)"
        ).fetchall()[0]
    finally:
        con.close()


def _footer_rows(result) -> int:
    """Footer / title rows the summary reports, where the loader reports them."""
    for name in ("rows_footer", "rows_footers", "footer_rows"):
        value = getattr(result, name, None)
        if value is not None:
            return value if isinstance(value, int) else len(value)
    return 0


def _load_and_account(db: Path, path: Path, data_rows: int, ids_present: bool) -> None:
    complaints_before, batches_before, _ = _facts(db)
    try:
        result = load_file(path, db, today=TODAY)
    except EtlError as exc:  # refused with a reason: nothing of the file lands
        event(f"file refused: {exc.en.split(': ', 1)[-1][:40]}")
        assert exc.vi.strip() and exc.en.strip()
        assert _facts(db)[:2] == (complaints_before, batches_before)
        return
    except Exception as exc:
        pytest.fail(f"a traceback instead of a reason: {type(exc).__name__}: {exc}")
    event("file loaded, some rows rejected" if result.rows_rejected else "file loaded, no row rejected")
    event("some rows new or updated" if result.rows_loaded + result.rows_updated else "no row new or updated")
    parts = (result.rows_loaded, result.rows_updated, result.rows_unchanged, result.rows_rejected)
    assert min(parts) >= 0
    assert result.rows_in == sum(parts) + _footer_rows(result), vars(result)
    footers = _footer_rows(result)
    if ids_present:
        assert result.rows_in - footers == data_rows, f"rows lost: {data_rows} data rows, {vars(result)}"
    else:
        assert result.rows_in - footers <= data_rows
    complaints, batches, _ = _facts(db)
    if result.already_loaded:
        assert (complaints, batches) == (complaints_before, batches_before)
        return
    assert complaints == complaints_before + result.rows_loaded
    assert batches == batches_before + 1
    con = warehouse.connect_read_only(db)
    try:
        history = con.execute(
            "select rows_in, rows_loaded, rows_updated, rows_unchanged, rows_rejected from load_batches"
            " where batch_id = ?",
            [result.batch_id],
        ).fetchall()
        stored = con.execute(
            "select count(distinct row_number) from rejected_rows where batch_id = ?", [result.batch_id]
        ).fetchall()[0][0]
        touched = con.execute("select count(*) from complaints where last_batch_id = ?", [result.batch_id]).fetchall()[
            0
        ][0]
    finally:
        con.close()
    assert history == [(result.rows_in, *parts)]
    assert stored == result.rows_rejected  # a few rows: far below any cap on stored rejections
    assert len({r.row_number for r in result.rejections}) == stored
    assert touched == result.rows_loaded + result.rows_updated


@given(rows=st.lists(row_strategy(SAFE_ID), min_size=1, max_size=8))
def test_csv_with_random_cells_every_row_accounted_for(rows):
    db = _db("csv")
    path = write_csv(Path(_WH.name) / f"f{next(_files)}.csv", PAKN_HEADER, rows)
    _load_and_account(db, path, len(rows), ids_present=True)


@given(rows=st.lists(row_strategy(st.one_of(SAFE_ID, HOSTILE)), min_size=1, max_size=8))
def test_csv_with_random_ids_counts_add_up_and_nothing_crashes(rows):
    db = _db("csv-ids")
    path = write_csv(Path(_WH.name) / f"f{next(_files)}.csv", PAKN_HEADER, rows)
    _load_and_account(db, path, len(rows), ids_present=False)


def _xlsx_value(v):
    """openpyxl refuses some control characters; everything else goes in as written (formulas too)."""
    if isinstance(v, str):
        return ILLEGAL_CHARACTERS_RE.sub("", v)
    return v


XLSX_EXTRA = st.one_of(
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.just(datetime.combine(TODAY, datetime.min.time()) - timedelta(days=3)),
)


def xlsx_row(id_cell: st.SearchStrategy) -> st.SearchStrategy:
    return row_strategy(id_cell, XLSX_EXTRA).map(lambda cells: [_xlsx_value(v) for v in cells])


@given(rows=st.lists(xlsx_row(SAFE_ID), min_size=1, max_size=6), footer=st.booleans())
def test_xlsx_with_random_typed_cells_every_row_accounted_for(rows, footer):
    db = _db("xlsx")
    path = write_xlsx(Path(_WH.name) / f"f{next(_files)}.xlsx", PAKN_HEADER, rows, footer=footer)
    _load_and_account(db, path, len(rows), ids_present=True)


@given(rows=st.lists(xlsx_row(st.one_of(SAFE_ID, HOSTILE, XLSX_EXTRA)), min_size=1, max_size=6))
def test_xlsx_with_random_ids_counts_add_up_and_nothing_crashes(rows):
    db = _db("xlsx-ids")
    path = write_xlsx(Path(_WH.name) / f"f{next(_files)}.xlsx", PAKN_HEADER, rows, footer=True)
    _load_and_account(db, path, len(rows), ids_present=False)


# ---------------------------------------------------------------- inspections

INSPECTION_HEADER = [
    "Mã đợt kiểm tra",
    "Ngày kiểm tra",
    "Cơ quan được kiểm tra",
    "Hình thức kiểm tra",
    "Số CBCCVC được kiểm tra",
    "Nhóm vi phạm",
    "Mô tả vi phạm",
    "Số người vi phạm",
    "Hình thức xử lý",
    "Hạn khắc phục",
    "Ngày khắc phục",
]
GOOD_INSPECTION = [
    st.integers(min_value=1, max_value=15).map(lambda i: f"KT-{i}"),
    st.dates(min_value=date(2025, 7, 1), max_value=date(2025, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from([NEW, "UBND xã Đại Từ", "Sở Nội vụ"]),
    st.sampled_from(["Theo kế hoạch", "Đột xuất", "Tự kiểm tra"]),
    st.integers(min_value=0, max_value=60).map(str),
    st.sampled_from(["Giờ giấc làm việc", "Không đeo thẻ", "Thái độ phục vụ", ""]),
    st.sampled_from(["Đi muộn 30 phút", "Không đeo thẻ công chức", ""]),
    st.integers(min_value=0, max_value=5).map(str),
    st.sampled_from(["Nhắc nhở", "Kiểm điểm", "Khiển trách"]),
    st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates(min_value=date(2026, 1, 1), max_value=TODAY).map(lambda d: d.strftime("%d/%m/%Y")),
]


def inspection_row() -> st.SearchStrategy:
    spoilers = st.lists(st.tuples(st.integers(min_value=1, max_value=len(GOOD_INSPECTION) - 1), HOSTILE), max_size=3)
    return st.builds(_spoil, st.tuples(*GOOD_INSPECTION).map(list), spoilers)


HUGE_COUNT = ["KT-1", "05/08/2025", NEW, "Đột xuất", "1" + "0" * 39, "Không đeo thẻ", "", "1", "Nhắc nhở", "", ""]


@given(rows=st.lists(inspection_row(), min_size=1, max_size=8))
@example(rows=[HUGE_COUNT])  # issue 14: a 40-digit number in a count column ended the run with a traceback
def test_inspection_csv_with_random_cells_every_row_accounted_for(rows):
    db = _db("inspections")
    path = write_csv(Path(_WH.name) / f"f{next(_files)}.csv", INSPECTION_HEADER, rows)
    complaints_before = _facts(db)[0]
    try:
        result = load_file(path, db, today=TODAY)
    except EtlError as exc:
        event(f"file refused: {exc.en.split(': ', 1)[-1][:40]}")
        assert exc.vi.strip() and exc.en.strip()
        return
    except Exception as exc:
        pytest.fail(f"a traceback instead of a reason: {type(exc).__name__}: {exc}")
    event("some rows new or updated" if result.rows_loaded + result.rows_updated else "no row new or updated")
    parts = (result.rows_loaded, result.rows_updated, result.rows_unchanged, result.rows_rejected)
    assert result.rows_in == sum(parts) + _footer_rows(result), vars(result)
    assert result.rows_in - _footer_rows(result) == len(rows)
    assert _facts(db)[0] == complaints_before == 0
