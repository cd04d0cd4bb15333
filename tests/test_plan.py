"""Issue 17: the annual inspection plan — loaded through the ETL with its own mapping, validation
and rejected rows; plan against done counted independently from the plan and inspection files."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
import xlsxwriter

from cchc.core import ALL, Filters, plan, queries
from cchc.core.periods import Period
from etl.load import load_file
from etl.plan import load_plan, month_of, period_of, quarter_of
from etl.plan_cli import run_plan
from tests.conftest_pages import AGENCY_NAMES, CURRENT_ID, TODAY, frames, plan_rows

PLAN_HEADER = [
    "STT",
    "Năm",
    "Quý",
    "Tháng",
    "Hình thức kiểm tra",
    "Đơn vị chủ trì",
    "Cơ quan được kiểm tra",
    "Nội dung",
]
INSPECTION_HEADER = ["Mã đợt kiểm tra", "Ngày kiểm tra", "Hình thức kiểm tra", "Cơ quan được kiểm tra", "Nhóm vi phạm"]
DAY = date(2026, 11, 26)

# Today's units named in the files below (names as in data/reference/thai_nguyen_units_2025.csv).
UNITS = {
    "Phường Đức Xuân": "xa:01840@2025-07-01",
    "Xã Phong Quang": "xa:01849@2025-07-01",
    "Sở Nội vụ": "so:noi-vu",
    "Sở Xây dựng": "so:xay-dung",
}
PLAN_ROWS = [
    # STT, year, quarter, month, type, lead, agency, topic
    (1, 2026, "I", None, "Theo kế hoạch", "Sở Nội vụ", "Phường Đức Xuân", "Kỷ cương hành chính"),
    (2, 2026, "II", None, "Theo kế hoạch", "Sở Nội vụ", "Phường Đức Xuân", "Một cửa, gọi 0912345678"),
    (3, 2026, None, 5, "Tự kiểm tra", "Xã Phong Quang", "Xã Phong Quang", "Tự kiểm tra công vụ"),
    (4, 2026, "III", None, "Phối hợp", "Thanh tra tỉnh", "Sở Xây dựng", "Văn hóa công sở"),
    (5, 2026, "IV", 12, "Theo kế hoạch", "Sở Nội vụ", "Sở Nội vụ", "Đeo thẻ công chức"),
    (6, 2026, "Quý 1", None, "Tự kiểm tra", "Sở Nội vụ", "Sở Nội vụ", "Báo cáo tự kiểm tra quý I"),
    (7, 2026, "II", None, "Tự kiểm tra", "Sở Nội vụ", "Sở Nội vụ", "Báo cáo tự kiểm tra quý II"),
    # rejected:
    (8, 2026, "II", None, "Đột xuất", "Sở Nội vụ", "Sở Nội vụ", "never planned"),
    (9, 2026, "V", None, "Theo kế hoạch", "Sở Nội vụ", "Sở Nội vụ", "no such quarter"),
    (10, None, "I", None, "Theo kế hoạch", "Sở Nội vụ", "Sở Nội vụ", "no year"),
    (11, 2026, "I", None, "Theo kế hoạch", "Sở Nội vụ", "UBND xã Không Tồn Tại", "unknown agency"),
    (12, 2026, "I", 7, "Theo kế hoạch", "Sở Nội vụ", "Sở Nội vụ", "month not in the quarter"),
    (13, 2026, None, None, "Theo kế hoạch", "Sở Nội vụ", "Sở Nội vụ", "neither quarter nor month"),
]
N_REJECTED = 6
INSPECTIONS = [
    # id, date, type, agency
    ("KT-1", date(2026, 2, 10), "Theo kế hoạch", "Phường Đức Xuân"),  # plan 1 on time
    ("KT-2", date(2026, 8, 4), "Theo kế hoạch", "Phường Đức Xuân"),  # plan 2 (Q II) late
    ("KT-3", date(2026, 5, 20), "Tự kiểm tra", "Xã Phong Quang"),  # plan 3 (May) on time
    ("KT-4", date(2026, 3, 3), "Tự kiểm tra", "Sở Nội vụ"),  # plan 6 on time; plan 7 missing
    ("KT-5", date(2026, 6, 1), "Theo kế hoạch", "Xã Phong Quang"),  # unplanned
    ("KT-6", date(2026, 9, 9), "Đột xuất", "Sở Xây dựng"),  # unannounced
    # plan 4 (Sở Xây dựng, joint, Q III) not done: overdue; plan 5 (December) pending
]


def _write(path, title: str, header: list[str], rows: list[tuple]) -> None:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write(0, 0, "UBND TỈNH THÁI NGUYÊN")
    ws.write(1, 0, title)
    ws.write_row(3, 0, header)
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows, start=4):
        for c, v in enumerate(row):
            if isinstance(v, date):
                ws.write_datetime(r, c, pd.Timestamp(v).to_pydatetime(), date_fmt)
            elif v is not None:
                ws.write(r, c, v)
    ws.write(4 + len(rows) + 1, 0, "Người lập biểu")
    wb.close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan")
    plan_file, ins_file = folder / "ke_hoach_2026.xlsx", folder / "kiem_tra_2026.xlsx"
    _write(plan_file, "KẾ HOẠCH KIỂM TRA CÔNG VỤ NĂM 2026", PLAN_HEADER, PLAN_ROWS)
    _write(ins_file, "KẾT QUẢ KIỂM TRA", INSPECTION_HEADER, [(*r, None) for r in INSPECTIONS])
    db = folder / "warehouse.duckdb"
    ins = load_file(ins_file, db, today=DAY)
    assert ins.rows_rejected == 0
    result = load_plan(plan_file, db, today=DAY)
    return db, plan_file, result


def test_plan_file_loads_with_its_mapping_and_rejects_bad_rows_with_reasons(loaded):
    db, plan_file, r = loaded
    assert (r.kind, r.rows_in, r.rows_loaded, r.rows_rejected) == ("plan", len(PLAN_ROWS), 7, N_REJECTED)
    by_row = {x.row_number: x for x in r.rejections}
    first = 5  # Excel row of the first data row (header on row 4)
    assert sorted(by_row) == [first + i for i in range(7, 13)]
    assert by_row[first + 7].error_type == "unknown-value" and "Đột xuất" in by_row[first + 7].reason_vi
    assert "Tự kiểm tra" in by_row[first + 7].reason_vi  # the allowed types are listed
    assert by_row[first + 8].column_name == "Quý" and "'V'" in by_row[first + 8].reason_en
    assert by_row[first + 9].error_type == "missing-value" and by_row[first + 9].column_name == "Năm"
    assert by_row[first + 10].error_type == "unknown-agency"
    assert by_row[first + 11].error_type == "unknown-value" and "Quý 3" in by_row[first + 11].reason_vi
    assert by_row[first + 12].error_type == "missing-value"
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select plan_id, plan_quarter, plan_month, due_date, inspection_type, agency_id, topic_masked "
            "from inspection_plans order by plan_id"
        ).df()
        stored = con.execute(
            "select row_number, reason_vi, reason_en from rejected_rows r join load_batches b using (batch_id) "
            "where b.kind = 'plan' order by row_number"
        ).df()
    finally:
        con.close()
    assert list(rows["plan_id"]) == [f"2026-{n:03d}" for n in range(1, 8)]
    p3 = rows.set_index("plan_id").loc["2026-003"]
    assert (p3["plan_quarter"], p3["plan_month"], p3["due_date"]) == (2, 5, pd.Timestamp(2026, 5, 31))
    assert rows.set_index("plan_id").loc["2026-002", "topic_masked"].endswith("[SĐT]")  # phone masked
    assert set(rows["agency_id"]) == set(UNITS.values()) - set()
    assert list(stored["row_number"]) == sorted(by_row) and stored["reason_en"].str.len().gt(0).all()
    again = load_plan(plan_file, db, today=DAY)
    assert again.already_loaded and again.batch_id == r.batch_id


def _independent(plan_file, rows=INSPECTIONS, as_of=DAY) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Plan against done from the two files alone: pair plans and inspections of the same agency,
    type and year in date order."""
    types = {"Theo kế hoạch": "planned", "Tự kiểm tra": "self", "Phối hợp": "joint", "Đột xuất": "unannounced"}
    raw = pd.read_excel(plan_file, header=3, engine="calamine").dropna(subset=["STT"])
    raw = raw[pd.to_numeric(raw["STT"], errors="coerce").notna()]
    good = []
    for r in raw.itertuples():
        q = {"I": 1, "II": 2, "III": 3, "IV": 4, "Quý 1": 1}.get(r.Quý) if isinstance(r.Quý, str) else None
        month = None if pd.isna(r.Tháng) else int(r.Tháng)
        if month and q is None:
            q = (month - 1) // 3 + 1
        t = types.get(r._5)
        agency = UNITS.get(r._7)
        if pd.isna(r.Năm) or q is None or t in (None, "unannounced") or agency is None:
            continue
        if month and (month - 1) // 3 + 1 != q:
            continue
        last_month = month or 3 * q
        due = (pd.Timestamp(int(r.Năm), last_month, 1) + pd.offsets.MonthEnd(0)).date()
        good.append({"agency": agency, "type": t, "quarter": q, "due": due})
    plans = pd.DataFrame(good).sort_values(["agency", "type", "due"], kind="stable")
    done = pd.DataFrame([{"agency": UNITS[a], "type": types[t], "on": d} for _, d, t, a in rows])
    plans["status"] = "pending"
    used = set()
    for (agency, t), part in plans.groupby(["agency", "type"]):
        held = done[(done["agency"] == agency) & (done["type"] == t)].sort_values("on")
        for (ix, p), (hx, h) in zip(part.iterrows(), held.iterrows(), strict=False):
            plans.at[ix, "status"] = "done_on_time" if h["on"] <= p["due"] else "done_late"
            used.add(hx)
    waiting = plans["status"] == "pending"
    plans.loc[waiting & (plans["due"] < as_of), "status"] = "overdue"
    extra = done[~done.index.isin(used)]
    return plans, extra


def test_plan_against_done_equals_an_independent_count_from_the_files(loaded, monkeypatch):
    db, plan_file, _ = loaded
    monkeypatch.setenv("CCHC_DB", str(db))
    period = Period(date(2026, 1, 1), date(2026, 12, 31), "year", as_of=DAY)
    plans, extra = _independent(plan_file)
    q = queries.plan_by_quarter(Filters(), period, scope=ALL).set_index("quarter")
    for quarter in (1, 2, 3, 4):
        mine = plans[plans["quarter"] == quarter]
        assert q.loc[quarter, "planned"] == len(mine)
        for state in plan.STATES:
            assert q.loc[quarter, state] == int((mine["status"] == state).sum()), (quarter, state)
        held_q = (pd.to_datetime(extra["on"]).dt.month - 1) // 3 + 1 == quarter
        assert q.loc[quarter, "unplanned"] == int((held_q & (extra["type"] != "unannounced")).sum())
        assert q.loc[quarter, "unannounced"] == int((held_q & (extra["type"] == "unannounced")).sum())
    # what the fixture was written to show: each outcome occurs
    assert q[["done_on_time", "done_late", "overdue", "pending", "unplanned", "unannounced"]].sum().min() >= 1
    a = queries.plan_by_agency(Filters(), period, scope=ALL).set_index("unit_id")
    for agency, part in plans.groupby("agency"):
        assert a.loc[agency, "planned"] == len(part)
        assert a.loc[agency, "overdue"] == int((part["status"] == "overdue").sum())
        assert a.loc[agency, "done_late"] == int((part["status"] == "done_late").sum())
    reports = queries.plan_self_reports(Filters(), period, scope=ALL).set_index("unit_id")
    assert (reports.loc["so:noi-vu", "owed"], reports.loc["so:noi-vu", "submitted"]) == (2, 1)
    assert reports.loc["so:noi-vu", "missing"] == 1
    status = queries.plan_status(Filters(), period, scope=ALL).set_index("plan_id")
    assert status.loc["2026-002", "days_late"] == (date(2026, 8, 4) - date(2026, 6, 30)).days
    assert status.loc["2026-004", "status"] == "overdue"


def test_demo_writes_a_plan_per_year_with_late_missing_and_unplanned(tmp_path):
    from etl.demo import write_demo_exports

    paths = write_demo_exports(tmp_path / "demo", scale=0.05, seed=11, today=TODAY)
    plans = sorted((tmp_path / "demo").glob("08_ke_hoach_kiem_tra_*.xlsx"))
    assert [p.name[-9:-5] for p in plans] == [str(y) for y in range(2021, TODAY.year + 1)]
    assert not any(p.name.startswith("08_") for p in paths)  # loaded by `etl plan`, not `etl load`
    db = tmp_path / "warehouse.duckdb"
    load_file(next(p for p in paths if p.name.startswith("05_")), db, today=TODAY)
    assert run_plan(plans, db, None, as_json=True) == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*) from rejected_rows").fetchall()[0][0] == 0
    finally:
        con.close()
    states = pd.Series(dtype="int64")
    import os

    old = os.environ.get("CCHC_DB")
    os.environ["CCHC_DB"] = str(db)
    try:
        for year in range(2021, TODAY.year + 1):
            period = Period(date(year, 1, 1), date(year, 12, 31), "year", as_of=TODAY)
            q = queries.plan_by_quarter(Filters(), period, scope=ALL)
            states = states.add(q.drop(columns="quarter").sum(), fill_value=0)
    finally:
        if old is None:
            os.environ.pop("CCHC_DB")
        else:
            os.environ["CCHC_DB"] = old
    assert states["done_on_time"] > states["done_late"] >= 1
    assert states["overdue"] >= 1 and states["unplanned"] >= 1 and states["pending"] >= 1


def test_quarter_and_month_parsing():
    assert [quarter_of(v) for v in (1, "2", "III", "Quý IV", "quy 1", "Q3", "V", 0, "x")] == [
        1,
        2,
        3,
        4,
        1,
        3,
        None,
        None,
        None,
    ]
    assert [month_of(v) for v in (1, "03", "Tháng 12", "T7", 13, "x")] == [1, 3, 12, 7, None, None]
    assert period_of(2026, 4, None) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_of(2026, 1, 2) == (date(2026, 2, 1), date(2026, 2, 28))


def test_fixture_plan_status_matches_pandas_pairing(fixture_db):
    """The core's pairing over the fixture warehouse against the same rule in pandas."""
    period = Period(date(2025, 1, 1), date(2025, 12, 31), "year", as_of=TODAY)
    got = queries.plan_status(Filters(), period, scope=ALL).set_index("plan_id")
    rows = pd.DataFrame([r for r in plan_rows() if r["plan_year"] == 2025])
    rows["unit"] = rows["agency_id"].map(lambda a: CURRENT_ID[a] or a)
    ins = frames()["inspections"]
    ins = ins[pd.to_datetime(ins["inspected_on"]).dt.year == 2025]
    ins = ins.assign(unit=ins["agency_id"].map(lambda a: CURRENT_ID[a] or a))
    for (unit, t), part in rows.sort_values(["due_date", "period_start", "plan_id"]).groupby(
        ["unit", "inspection_type"]
    ):
        held = ins[(ins["unit"] == unit) & (ins["inspection_type"] == t)].sort_values(["inspected_on", "inspection_id"])
        for k, p in enumerate(part.itertuples()):
            if k < len(held):
                on = held.iloc[k]["inspected_on"]
                assert got.loc[p.plan_id, "inspection_id"] == held.iloc[k]["inspection_id"]
                assert got.loc[p.plan_id, "status"] == ("done_on_time" if on <= p.due_date else "done_late")
            else:
                assert got.loc[p.plan_id, "status"] == ("overdue" if p.due_date < TODAY else "pending")
    assert set(got["unit_name"]) <= {AGENCY_NAMES.get(u, u) for u in got["unit_id"]} | set(got["unit_name"])
