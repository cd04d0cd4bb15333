"""Build export files the way officials produce them, for the ETL tests."""

from __future__ import annotations

import csv
import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
import xlwt

PAKN_HEADER = [
    "Mã phản ánh",
    "Ngày tiếp nhận",
    "Kênh tiếp nhận",
    "Loại đơn",
    "Lĩnh vực",
    "Họ và tên",
    "Số điện thoại",
    "Địa chỉ",
    "Nội dung",
    "Cơ quan được giao xử lý",
    "Hạn xử lý",
    "Ngày hoàn thành",
    "Trạng thái",
]

PERSON = {
    "name": "Nguyễn Thị Hồng Nhung",
    "phone": "0912345678",
    "address": "Số 7 ngõ 12 đường Bến Oánh",
    "email": "hongnhung.test@example.vn",
    "cccd": "019301234567",
}


def pakn_row(
    cid,
    received,
    agency="UBND phường Phan Đình Phùng",
    resolved="",
    status="Đã xử lý",
    due="",
    channel="Đường dây nóng",
    kind="Phản ánh",
    category="Đất đai",
    content="Đường hỏng",
    person=PERSON,
):
    return [
        cid,
        received,
        channel,
        kind,
        category,
        person["name"],
        person["phone"],
        person["address"],
        content,
        agency,
        due,
        resolved,
        status,
    ]


TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258_form(text: str) -> str:
    """Windows-1258 keeps letters like ê, ơ, ă whole but writes tone marks as combining characters."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS)) + tones)
    return "".join(out)


def write_csv(
    path: Path, header: list, rows: list[list], encoding: str = "utf-8", delimiter: str = ",", decompose: bool = False
) -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        for row in [header, *rows]:
            cells = ["" if v is None else str(v) for v in row]
            if decompose:
                cells = [cp1258_form(c) for c in cells]
            w.writerow(cells)
    return path


def write_xlsx(
    path: Path, header: list, rows: list[list], title: bool = True, footer: bool = True, two_row_header: bool = False
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    width = len(header)
    if title:
        ws.append(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws.append(["Độc lập - Tự do - Hạnh phúc"])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        ws.append(["BÁO CÁO TỔNG HỢP PHẢN ÁNH, KIẾN NGHỊ"])
        ws.append(["Từ ngày 01/01/2024 đến ngày 31/12/2024"])
        ws.append([])
    if two_row_header:
        # Group title merged above the personal columns; other headers merged vertically.
        top = [h if h not in ("Họ và tên", "Số điện thoại", "Địa chỉ") else None for h in header]
        first = header.index("Họ và tên")
        top[first] = "Thông tin người phản ánh"
        ws.append(top)
        ws.append([h if h in ("Họ và tên", "Số điện thoại", "Địa chỉ") else None for h in header])
    else:
        ws.append(header)
    for row in rows:
        ws.append(row)
    if footer:
        ws.append([])
        ws.append(["Tổng cộng", None, len(rows)])
        ws.append([None, "Người lập biểu", None, None, None, "Thủ trưởng đơn vị"])
        ws.append([None, "Trần Văn Lập", None, None, None, "Lê Thị Trưởng"])
    wb.save(path)
    return path


def write_xls(path: Path, header: list, rows: list[list]) -> Path:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    ws.write(0, 0, "UBND TỈNH THÁI NGUYÊN")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for c, h in enumerate(header):
        ws.write(2, c, h)
    for r, row in enumerate(rows, start=3):
        for c, v in enumerate(row):
            if isinstance(v, (date, datetime)):
                ws.write(r, c, v, date_style)
            elif v is not None:
                ws.write(r, c, v)
    wb.save(str(path))
    return path
