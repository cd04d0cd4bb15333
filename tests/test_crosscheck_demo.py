"""The numbers leadership sees, recomputed with pandas straight from the demo export files.

Nothing here goes through etl/ or cchc/: the files are read with pandas, the vocabulary is
written out literally, due dates are counted day by day with the holidays package. Only the
dashboard's side calls the query layer.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from pathlib import Path

import holidays
import pandas as pd
import pytest
import yaml

from cchc.core import ALL, queries, warehouse
from cchc.core.filters import Filters
from etl.demo import write_demo_exports
from etl.load import load_file

TODAY = date(2026, 11, 25)
ROOT = Path(__file__).resolve().parent.parent
OUT_OF_REMIT = {
    "Chuyển cơ quan khác",
    "Không thuộc thẩm quyền",
    "Đã chuyển",
    "Chuyển đơn",
    "Chuyển cơ quan có thẩm quyền",
    "Không thuộc thẩm quyền giải quyết",
    "Lưu đơn",
}
KIND = {
    "Phản ánh": "feedback",
    "Kiến nghị": "petition",
    "Đề nghị": "petition",
    "Khiếu nại": "complaint",
    "Tố cáo": "denunciation",
}
CHANNEL = {
    "Đường dây nóng": "hotline",
    "C-ThaiNguyen": "app",
    "Hộp thư điện tử": "email",
    "Cổng thông tin điện tử": "portal",
    "Trang thông tin điện tử": "portal",
    "Cổng TTĐT": "portal",
    "Trực tiếp": "in_person",
    "Tiếp công dân": "in_person",
    "Văn bản": "letter",
    "Bưu chính": "letter",
    "Đơn thư": "letter",
    "Cổng Dịch vụ công quốc gia": "national_portal",
    "Cổng DVC quốc gia": "national_portal",
    "DVCQG": "national_portal",
    "Tổng đài 1022": "hotline",
}
# (id, received, channel, kind, due, resolved, status) headers of each demo file family
COLUMNS = {
    "hotline": [
        "Mã phản ánh",
        "Ngày tiếp nhận",
        "Kênh tiếp nhận",
        "Loại đơn",
        "Hạn xử lý",
        "Ngày hoàn thành",
        "Trạng thái",
    ],
    "app": ["Mã", "Ngày nhận", "Nguồn", "Hình thức", "Hạn giải quyết", "Ngày xử lý xong", "Trạng thái"],
    "email": ["Ma", "Ngay tiep nhan", "Kenh", "Loai", "Han xu ly", "Ngay tra loi", "Trang thai"],
    "letters": ["Số hiệu", "Ngày nhận", "Nguồn", "Loại", "Hạn giải quyết", "Ngày trả lời", "Tình trạng"],
}
CANON = ["id", "received", "channel", "kind", "due", "resolved", "status"]


def _excel_with_header(path: Path, first_header: str) -> pd.DataFrame:
    raw = pd.read_excel(path, header=None, dtype=object, engine="calamine")
    at = raw.index[raw.iloc[:, :3].eq(first_header).any(axis=1)][0]
    frame = raw.iloc[at + 1 :].set_axis(raw.iloc[at].tolist(), axis=1)
    return frame[frame[first_header].astype(str).str.match(r"^[A-Z]+-\d{4}-\d+$")]


def _as_dates(values: pd.Series) -> pd.Series:
    def one(v):
        if v is None or (isinstance(v, float) and pd.isna(v)) or v == "":
            return pd.NaT
        if isinstance(v, (int, float)):
            return pd.Timestamp("1899-12-30") + pd.Timedelta(days=float(v))
        if isinstance(v, str):
            return pd.to_datetime(v, dayfirst=True)
        return pd.Timestamp(v)

    return values.map(one).astype("datetime64[ns]").dt.normalize()


def read_exports(paths: list[Path]) -> pd.DataFrame:
    frames = []
    for order, path in enumerate(paths):
        name = path.name
        if name.startswith(("01_", "06_")):
            df, family = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False), "hotline"
        elif name.startswith("02_"):
            df, family = _excel_with_header(path, "Mã"), "app"
        elif name.startswith("03_"):
            df = pd.read_csv(path, encoding="cp1258", sep=";", dtype=str, keep_default_na=False)
            df = df.map(lambda s: unicodedata.normalize("NFC", s))
            family = "email"
        elif name.startswith("04_"):
            df, family = _excel_with_header(path, "Số hiệu"), "letters"
        elif name.startswith("04b_"):
            df, family = pd.read_csv(path, dtype=str, keep_default_na=False), "letters"
        else:
            continue
        part = df[COLUMNS[family]].set_axis(CANON, axis=1).copy()
        part["order"] = order
        frames.append(part)
    rows = pd.concat(frames, ignore_index=True)
    rows = rows.drop_duplicates("id", keep="last")  # a later export of the same ID wins
    for col in ("received", "due", "resolved"):
        rows[col] = _as_dates(rows[col])
    rows["in_remit"] = ~rows["status"].isin(OUT_OF_REMIT)
    rows["kind"] = rows["kind"].map(KIND)
    rows["channel"] = rows["channel"].map(CHANNEL)
    return rows


def _working_day_due(received: date, days: int) -> date:
    vn = holidays.VN(years=range(received.year, received.year + 2))
    worked = set(getattr(vn, "weekend_workdays", set()))

    def working(d: date) -> bool:
        return (d.weekday() < 5 and d not in vn) or d in worked

    day, left = received, days
    while not working(day):  # received on a day off: it counts as received on the next working day
        day += timedelta(days=1)
    while left:
        day += timedelta(days=1)
        if working(day):
            left -= 1
    return day


def _rule_due(row, rules: dict) -> date | None:
    kind_rule = rules["kinds"].get(row.kind)
    if kind_rule is None:
        return None
    rule = (kind_rule.get("channels") or {}).get(row.channel) or kind_rule
    received = row.received.date()
    if rule.get("unit", "working") == "calendar":
        return received + timedelta(days=rule["days"])
    return _working_day_due(received, rule["days"])


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crosscheck")
    paths = write_demo_exports(folder / "demo", scale=0.05, seed=11, today=TODAY)
    paths = [p for p in paths if not p.name.startswith("07_")]  # the dirty file is tested elsewhere
    db = folder / "warehouse.duckdb"
    for p in paths:
        load_file(p, db, today=TODAY)
    return db, paths


@pytest.fixture(scope="module")
def independent(demo):
    _, paths = demo
    rows = read_exports(paths)
    rules = yaml.safe_load((ROOT / "config" / "deadlines.yaml").read_text(encoding="utf-8"))
    missing = rows["due"].isna()
    rows.loc[missing, "due"] = pd.to_datetime([_rule_due(r, rules) for r in rows[missing].itertuples()]).astype(
        "datetime64[ns]"
    )
    return rows


@pytest.mark.parametrize("preset", ["last_month", "this_year", "last_12m"])
def test_overview_headline_equals_pandas_from_the_export_files(demo, independent, monkeypatch, preset):
    db, _ = demo
    monkeypatch.setenv("CCHC_DB", str(db))
    f = Filters(preset=preset)
    period = f.period(TODAY)
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.effective_end)
    got = queries.headline(f, period, scope=ALL).loc["current"]

    rows = independent
    received = rows["received"].between(start, end)
    resolved = rows["in_remit"] & rows["resolved"].between(start, end)
    rated = resolved & rows["due"].notna()
    on_time = rated & (rows["resolved"] <= rows["due"])
    days = (rows.loc[resolved, "resolved"] - rows.loc[resolved, "received"]).dt.days

    assert int(got["received"]) == int(received.sum())
    assert int(got["resolved"]) == int(resolved.sum())
    assert got["on_time_rate"] == pytest.approx(on_time.sum() / rated.sum())
    assert got["median_days"] == pytest.approx(days.median())
    assert warehouse.warehouse_path() == db
