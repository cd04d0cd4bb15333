"""The analyst's download: the explorer's CSV and Excel files hold exactly the filtered rows
(checked against the warehouse itself), in Vietnamese, with no personal data and no cell a
spreadsheet would run as a formula."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pandas as pd

from tests.e2e import browser as b

FILTERS = {"period": "last_12m", "channel": "hotline"}
# Headers of the complaint export (catalogue col.*), and what no export may ever contain.
ID, CHANNEL, KIND, RECEIVED = "Mã", "Kênh", "Loại", "Ngày tiếp nhận"
CONTENT = "Nội dung (đã che thông tin cá nhân)"
PERSONAL_HEADER = re.compile(
    r"họ (và )?tên|điện thoại|địa chỉ|e-?mail|cccd|cmnd|căn cước|citizen|hash|phone|address|"
    r"người (phản ánh|tố cáo|khiếu nại)",
    re.I,
)
PERSONAL_VALUE = re.compile(r"(?<!\d)0\d{9}(?!\d)|[\w.+-]+@[\w-]+\.[\w.]+|(?<!\d)\d{12}(?!\d)")


def expected_ids(con, start: date, end: date) -> list[str]:
    sql = """select c.complaint_id from complaints c join agencies a on a.agency_id = c.agency_id
             where c.received_date between ? and ? and c.channel = 'hotline'"""
    return sorted(r[0] for r in con.execute(sql, [start, end]).fetchall())


def download(page, label: str) -> bytes:
    button = page.locator('[data-testid="stDownloadButton"] button').filter(has_text=label)
    with page.expect_download() as info:
        button.click()
    return open(info.value.path(), "rb").read()


def check_personal_data(header: list[str], text: str) -> None:
    assert [h for h in header if PERSONAL_HEADER.search(h)] == []
    assert PERSONAL_VALUE.findall(text) == []


def test_explorer_downloads_hold_exactly_the_filtered_rows(new_page, wh_con):
    start, end = b.last_12_months(b.today_in_province())
    ids = expected_ids(wh_con(), start, end)
    total = len(ids)
    assert total > 50, "the demo data should give more than one page of hotline items"

    page = new_page()
    b.open_page(page, "tra-cuu", FILTERS)
    text = b.visible_text(page)
    shown = f"{total:,}".replace(",", ".")
    assert f"Dòng 1–50 trên tổng số {shown}" in text

    raw = download(page, f"Tải CSV ({shown} dòng)")
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel shows Vietnamese"
    csv = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert sorted(csv[ID]) == ids
    assert set(csv[CHANNEL]) == {"Đường dây nóng"}
    received = pd.to_datetime(csv[RECEIVED], format="%d/%m/%Y").dt.date
    assert received.min() >= start and received.max() <= end
    assert (csv.loc[csv[KIND] == "Tố cáo", CONTENT] == "").all(), "denunciation text exported"
    check_personal_data(list(csv.columns), raw.decode("utf-8-sig"))
    formula_like = [v for v in csv.to_numpy().ravel() if v[:1] in ("=", "+", "-", "@")]
    assert formula_like == []

    book = openpyxl.load_workbook(io.BytesIO(download(page, f"Tải Excel ({shown} dòng)")))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = [str(h) for h in rows[0]], rows[1:]
    assert header == list(csv.columns)
    assert sorted(str(r[header.index(ID)]) for r in body) == ids
    assert {r[header.index(CHANNEL)] for r in body} == {"Đường dây nóng"}
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    check_personal_data(header, "\n".join(" ".join(str(v) for v in r if v is not None) for r in body))

    # Another table of the explorer, chosen on the page: the period's inspections.
    with b.rerun(page):
        b.main(page).get_by_role("radio", name="Cuộc kiểm tra", exact=True).click()
    inspections = (
        wh_con()
        .execute("select count(*) from inspections where inspected_on between ? and ?", [start, end])
        .fetchone()[0]
    )
    raw = download(page, f"Tải CSV ({inspections} dòng)")
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str)
    assert len(frame) == inspections
    check_personal_data(list(frame.columns), raw.decode("utf-8-sig"))
