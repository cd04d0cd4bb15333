"""Synthetic demo exports: complaint (PAKN) and inspection files the way officials produce them.

`write_demo_exports(out_dir, scale, seed, today)` writes the files below and returns their paths in
the order they must be loaded (the update file after the files it updates). Everything is drawn from
`numpy.random.Generator`s seeded from `seed` (one stream per year and purpose), so the same seed and
`today` give the same files. Complaints are generated and written one year at a time, in chunks, so
memory stays bounded at large scales.

Files (at scale 1: about 100 000 complaints from 2021-01-01 to `today`, about 600 inspections):

- ``01_duong_day_nong.csv``: hotline; UTF-8 with BOM, ``,``; 'dd/mm/yyyy HH:MM'.
- ``02_cthainguyen_<year>.xlsx``: the citizen app, one workbook per year, report layout (national
  motto and title rows, 'STT' column, real date cells, 'Tổng cộng' row, signature block).
- ``03_hop_thu_dien_tu.csv``: e-mail and portal; Windows-1258, ``;``, headers without diacritics,
  'dd-mm-yyyy'. Tone marks are written as combining characters (cp1258 has no letter carrying both a
  vowel mark and a tone), as Windows tools do; decoding and NFC give the text back.
- ``04_van_ban_truc_tiep.xls``: letters, in person, national portal (legacy .xls, at most
  ``XLS_MAX_ROWS`` rows); the rest of that channel family goes to ``04b_van_ban_truc_tiep.csv``.
- ``05_kiem_tra_cong_vu.xlsx``: inspections, one row per finding (xlsxwriter, constant_memory).
- ``06_cap_nhat_<yyyy-mm>.csv``: the next export: about 2 000 × scale complaints of files 01/02 again
  with new statuses (open ones resolved, in-progress ones now overdue). Files 01/02 show those rows as
  an earlier export did (still open), so loading 06 updates them.
- ``07_phan_anh_loi.csv``: a dirty file; its defects are counted in ``DIRTY_EXPECTED``.

Agencies are real units valid on each row's date (data/reference, data/agencies/departments.csv):
before 2025-07-01 old Thái Nguyên communes and districts, after it the 92 new communes and wards;
departments by their own validity. ``WORSE_AGENCIES`` are clearly slower, more often overdue and
less liked than the rest.
"""

from __future__ import annotations

import csv
import gc
import io
import queue
import threading
import unicodedata
import zipfile
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import holidays
import numpy as np
import xlsxwriter
import xlwt
from xlwt.Cell import NumberCell, StrCell

from cchc import codebook
from etl.load import column_letter
from etl.textnorm import agency_key, fold, strip_diacritics

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "data" / "reference"
UNITS_2025_CSV = REFERENCE_DIR / "thai_nguyen_units_2025.csv"
UNITS_PRE2025_CSV = REFERENCE_DIR / "thai_nguyen_bac_kan_units_pre2025.csv"
DEPARTMENTS_CSV = ROOT / "data" / "agencies" / "departments.csv"

START_DATE = date(2021, 1, 1)
REFORM_DATE = date(2025, 7, 1)
APP_MAJORITY_FROM = date(2026, 1, 1)  # channel mix reaches its final shares here
BASE_COMPLAINTS = 100_000
BASE_INSPECTIONS = 600
BASE_UPDATES = 2_000
UPDATE_WINDOW_DAYS = 120  # file 06 repeats rows received in this many days before today
XLS_MAX_ROWS = 65_000
XLSX_MAX_ROWS = 1_000_000
CHUNK_ROWS = 20_000
THAI_NGUYEN_OLD_PROVINCE = "19"

# Provincial bodies and the new communes that are clearly worse (slower, overdue, less liked), with
# the old unit each continues, so the pattern holds across the 2025 reform.
WORSE_AGENCIES = {
    "departments": ["Sở Xây dựng", "Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Môi trường"],
    "districts": ["Thành phố Phổ Yên"],
    "old_communes": ["Phường Ba Hàng", "Xã Bình Thuận"],
    "new_communes": ["Phường Phổ Yên", "Xã Đại Từ"],
}

# Deliberate defects of 07_phan_anh_loi.csv, one defect per row. Keys with a dash are the loader's
# error_type codes; a rejected row is listed once.
DIRTY_EXPECTED = {
    "rows": 200,  # data rows (rows_in); blank lines are not rows
    "blank_lines": 4,  # 2 empty lines and 2 lines of bare separators
    "missing-id": 3,
    "nonexistent-date": 3,  # '31/02/2024' as the received date
    "unparseable-date": 3,  # received date that is not a date at all
    "future-date": 3,  # received after today
    "resolved-before-received": 3,
    "unknown-agency": 3,  # 'UBND xã Không Tồn Tại'
    "misspelled-agency": 2,  # 'UBND phuong Duc Xuann' (the loader reports it as unknown-agency)
    "duplicate-id": 3,  # IDs written twice with different values: the later row wins
    "varied-spelling": 40,  # good rows naming the agency without diacritics / 'Ủy ban nhân dân' / extra spaces
    "rejected": 23,  # rows_rejected: every defect row plus the 3 superseded duplicates
    "loaded": 177,  # distinct complaints that land
}
DIRTY_UNKNOWN_AGENCY = "UBND xã Không Tồn Tại"
DIRTY_MISSPELLED_AGENCY = "UBND phuong Duc Xuann"

# ---------------------------------------------------------------- vocabulary (codes -> labels)

CHANNELS = ["hotline", "email", "app", "portal", "in_person", "letter", "national_portal"]
HOTLINE, EMAIL, APP, PORTAL, IN_PERSON, LETTER, NATIONAL_PORTAL = range(7)
OFFICE_CHANNELS = [IN_PERSON, LETTER]  # only on working days
FAM_DDN, FAM_APP, FAM_EM, FAM_VB = range(4)
CHANNEL_FAMILY = np.array([FAM_DDN, FAM_EM, FAM_APP, FAM_EM, FAM_VB, FAM_VB, FAM_VB])
FAMILY_PREFIX = ["DDN", "APP", "EM", "VB"]
MIX_2021 = np.array([0.30, 0.10, 0.07, 0.08, 0.17, 0.23, 0.05])
MIX_2026 = np.array([0.12, 0.05, 0.60, 0.05, 0.06, 0.05, 0.07])

KINDS = ["feedback", "petition", "complaint", "denunciation"]
KIND_P_OFFICE = np.array([0.45, 0.25, 0.20, 0.10])
KIND_P_OTHER = np.array([0.68, 0.24, 0.06, 0.02])
KIND_DUE_WORKDAYS = np.array([10, 15, 0, 0])  # complaint / denunciation: 30 calendar days
KIND_MEDIAN_DAYS = np.array([5.0, 7.0, 18.0, 22.0])

CATEGORIES = [
    "harassment",
    "causing_trouble",
    "delay",
    "attitude",
    "procedures",
    "land",
    "construction",
    "environment",
    "infrastructure",
    "social_policy",
    "health_education",
    "other",
]
C = {c: i for i, c in enumerate(CATEGORIES)}
CAT_P = np.array([0.03, 0.04, 0.06, 0.05, 0.15, 0.16, 0.10, 0.09, 0.12, 0.08, 0.07, 0.05])
CONDUCT_CATS = np.array([C["harassment"], C["causing_trouble"], C["delay"], C["attitude"]])

STATUSES = ["new", "in_progress", "resolved", "overdue", "transferred", "out_of_remit"]
NEW, IN_PROGRESS, RESOLVED, OVERDUE, TRANSFERRED, OUT_OF_REMIT = range(6)
SATISFACTION = ["very_dissatisfied", "dissatisfied", "neutral", "satisfied", "very_satisfied"]  # score 1..5

_KIND_LABELS = {
    "feedback": ["Phản ánh"],
    "petition": ["Kiến nghị"],
    "complaint": ["Khiếu nại"],
    "denunciation": ["Tố cáo"],
}
_SAT_LABELS = {
    "very_dissatisfied": ["Rất không hài lòng"],
    "dissatisfied": ["Không hài lòng"],
    "neutral": ["Bình thường"],
    "satisfied": ["Hài lòng"],
    "very_satisfied": ["Rất hài lòng"],
}

# Labels as each export system writes them; every one is listed in etl/mappings/pakn.yaml.
PROFILES: dict[str, dict] = {
    "ddn": {
        "channel": {
            "hotline": ["Đường dây nóng", "Đường dây nóng", "Đường dây nóng", "Tổng đài 1022"],
            "app": ["C-ThaiNguyen"],
        },
        "kind": _KIND_LABELS,
        "category": {
            "harassment": ["Nhũng nhiễu, gây phiền hà"],
            "causing_trouble": ["Gây phiền hà, khó khăn"],
            "delay": ["Chậm trễ"],
            "attitude": ["Thái độ ứng xử"],
            "procedures": ["Thủ tục hành chính"],
            "land": ["Đất đai"],
            "construction": ["Trật tự xây dựng"],
            "environment": ["Môi trường"],
            "infrastructure": ["Giao thông, hạ tầng"],
            "social_policy": ["Chính sách xã hội"],
            "health_education": ["Y tế, giáo dục"],
            "other": ["Khác"],
        },
        "status": {
            "new": ["Mới tiếp nhận"],
            "in_progress": ["Đang xử lý"],
            "resolved": ["Đã xử lý"],
            "overdue": ["Quá hạn"],
            "transferred": ["Chuyển cơ quan khác"],
            "out_of_remit": ["Không thuộc thẩm quyền"],
        },
        "satisfaction": _SAT_LABELS,
        "agency_style": [0, 0, 0, 0, 0, 0, 0, 0, 1, 1],
    },
    "app": {
        "channel": {"app": ["C-ThaiNguyen"]},
        "kind": _KIND_LABELS,
        "category": {
            "harassment": ["Nhũng nhiễu"],
            "causing_trouble": ["Gây phiền hà"],
            "delay": ["Chậm giải quyết"],
            "attitude": ["Thái độ phục vụ"],
            "procedures": ["Giải quyết TTHC"],
            "land": ["Quản lý đất đai"],
            "construction": ["Xây dựng"],
            "environment": ["Ô nhiễm môi trường"],
            "infrastructure": ["Hạ tầng"],
            "social_policy": ["An sinh xã hội"],
            "health_education": ["Y tế, giáo dục"],
            "other": ["Lĩnh vực khác"],
        },
        "status": {
            "new": ["Chờ xử lý"],
            "in_progress": ["Đang giải quyết"],
            "resolved": ["Đã giải quyết"],
            "overdue": ["Quá hạn xử lý"],
            "transferred": ["Chuyển cơ quan có thẩm quyền"],
            "out_of_remit": ["Không thuộc thẩm quyền giải quyết"],
        },
        "satisfaction": {
            "very_dissatisfied": ["Rất không hài lòng"],
            "dissatisfied": ["Chưa hài lòng"],
            "neutral": ["Bình thường"],
            "satisfied": ["Hài lòng"],
            "very_satisfied": ["Rất hài lòng"],
        },
        "agency_style": [2, 2, 2, 2, 2, 2, 2, 0, 0, 0],
    },
    "em": {
        # Not 'Email' / 'Thư điện tử': those are also header names, and the loader takes a row under the
        # header whose cells look like headers for the second row of a two-row header.
        "channel": {"email": ["Hộp thư điện tử"], "portal": ["Cổng thông tin điện tử", "Cổng TTĐT"]},
        "kind": {
            "feedback": ["Phản ánh"],
            "petition": ["Kiến nghị", "Đề nghị"],
            "complaint": ["Khiếu nại"],
            "denunciation": ["Tố cáo"],
        },
        "category": {
            "harassment": ["Sách nhiễu"],
            "causing_trouble": ["Gây khó khăn"],
            "delay": ["Trễ hẹn"],
            "attitude": ["Thái độ"],
            "procedures": ["TTHC"],
            "land": ["Đất đai"],
            "construction": ["Xây dựng"],
            "environment": ["Tài nguyên môi trường"],
            "infrastructure": ["Giao thông"],
            "social_policy": ["Lao động, việc làm"],
            "health_education": ["Giáo dục", "Y tế"],
            "other": ["Khác"],
        },
        "status": {
            "new": ["Mới"],
            "in_progress": ["Đang xử lý"],
            "resolved": ["Đã trả lời"],
            "overdue": ["Trễ hạn"],
            "transferred": ["Đã chuyển"],
            "out_of_remit": ["Không thuộc thẩm quyền"],
        },
        "satisfaction": _SAT_LABELS,
        "agency_style": [0, 0, 0, 0, 0, 2, 2, 2, 2, 2],
    },
    "vb": {
        "channel": {
            "letter": ["Đơn thư", "Đơn thư", "Văn bản", "Bưu chính"],
            "in_person": ["Tiếp công dân", "Tiếp công dân", "Trực tiếp"],
            "national_portal": ["Cổng Dịch vụ công quốc gia", "Cổng Dịch vụ công quốc gia", "DVCQG"],
        },
        "kind": {
            "feedback": ["Phản ánh"],
            "petition": ["Kiến nghị"],
            "complaint": ["Khiếu nại"],
            "denunciation": ["Tố cáo"],
        },
        "category": {
            "harassment": ["Nhũng nhiễu"],
            "causing_trouble": ["Gây phiền hà, khó khăn"],
            "delay": ["Chậm giải quyết"],
            "attitude": ["Văn hóa ứng xử"],
            "procedures": ["Thủ tục hành chính"],
            "land": ["Đất đai"],
            "construction": ["Quy hoạch xây dựng"],
            "environment": ["Môi trường"],
            "infrastructure": ["Giao thông, hạ tầng"],
            "social_policy": ["Chế độ chính sách"],
            "health_education": ["Y tế, giáo dục"],
            "other": ["Khác"],
        },
        "status": {
            "new": ["Chưa xử lý"],
            "in_progress": ["Đang thụ lý"],
            "resolved": ["Đã giải quyết"],
            "overdue": ["Quá hạn"],
            "transferred": ["Chuyển đơn"],
            "out_of_remit": ["Lưu đơn"],
        },
        "satisfaction": _SAT_LABELS,
        "agency_style": [1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
    },
}
UPDATE_AGENCY_STYLE = [2, 2, 2, 2, 2, 2, 2, 0, 0, 0]

DDN_HEADER = [
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
    "Mức độ hài lòng",
]
UPDATE_HEADER = DDN_HEADER[:7] + ["Email"] + DDN_HEADER[7:]
APP_HEADER = [
    "STT",
    "Mã",
    "Ngày nhận",
    "Nguồn",
    "Hình thức",
    "Lĩnh vực",
    "Người phản ánh",
    "Điện thoại",
    "Email",
    "Nội dung",
    "Đơn vị xử lý",
    "Hạn giải quyết",
    "Ngày xử lý xong",
    "Trạng thái",
    "Mức độ hài lòng",
]
APP_WIDTHS = [6, 17, 16, 13, 11, 18, 22, 12, 28, 60, 34, 13, 13, 18, 16]
EM_HEADER = [
    "Ma",
    "Ngay tiep nhan",
    "Kenh",
    "Loai",
    "Linh vuc",
    "Ho ten",
    "Email",
    "Noi dung",
    "Co quan xu ly",
    "Han xu ly",
    "Ngay tra loi",
    "Trang thai",
]
VB_HEADER = [
    "Số hiệu",
    "Ngày nhận",
    "Nguồn",
    "Loại",
    "Lĩnh vực",
    "Họ tên",
    "Số CCCD / CMND",
    "Nội dung",
    "Đơn vị xử lý",
    "Hạn giải quyết",
    "Ngày trả lời",
    "Tình trạng",
]
INSPECTION_HEADER = [
    "STT",
    "Mã đợt kiểm tra",
    "Ngày kiểm tra",
    "Hình thức kiểm tra",
    "Đoàn kiểm tra",
    "Đơn vị chủ trì",
    "Cơ quan được kiểm tra",
    "Số CBCCVC được kiểm tra",
    "Mã vi phạm",
    "Nhóm vi phạm",
    "Mô tả vi phạm",
    "Số người vi phạm",
    "Hình thức xử lý",
    "Kiến nghị",
    "Hạn khắc phục",
    "Ngày khắc phục",
]
INSPECTION_WIDTHS = [6, 14, 12, 16, 34, 18, 34, 12, 16, 26, 50, 10, 22, 50, 12, 12]

# ---------------------------------------------------------------- inspections vocabulary

INSPECTION_TYPES = ["planned", "unannounced", "self", "joint"]
INSPECTION_TYPE_P = np.array([0.45, 0.25, 0.20, 0.10])
INSPECTION_TYPE_LABELS = {
    "planned": ["Theo kế hoạch", "Theo kế hoạch", "Định kỳ"],
    "unannounced": ["Đột xuất", "Đột xuất", "Kiểm tra đột xuất"],
    "self": ["Tự kiểm tra"],
    "joint": ["Phối hợp", "Liên ngành"],
}
VIOLATIONS = ["working_hours", "rules", "conduct", "no_badge", "attitude", "harassment", "late_procedure", "other"]
VIOLATION_P = np.array([0.20, 0.12, 0.12, 0.15, 0.12, 0.05, 0.18, 0.06])
VIOLATION_P_WORSE = np.array([0.10, 0.08, 0.10, 0.07, 0.20, 0.15, 0.27, 0.03])
VIOLATION_LABELS = {
    "working_hours": ["Giờ giấc làm việc", "Đi muộn về sớm"],
    "rules": ["Nội quy, quy chế", "Quy chế làm việc"],
    "conduct": ["Quy tắc ứng xử / văn hóa công sở", "Văn hóa công sở"],
    "no_badge": ["Không đeo thẻ", "Không đeo thẻ công chức"],
    "attitude": ["Thái độ phục vụ"],
    "harassment": ["Nhũng nhiễu / gây phiền hà", "Gây phiền hà"],
    "late_procedure": ["Giải quyết TTHC trễ hạn / sai quy trình", "TTHC trễ hạn", "Sai quy trình"],
    "other": ["Vi phạm khác"],
}
HANDLINGS = ["reminder", "self_criticism", "reprimand", "warning", "demotion", "dismissal", "other"]
HANDLING_LABELS = {
    "reminder": ["Nhắc nhở", "Nhắc nhở, chấn chỉnh"],
    "self_criticism": ["Kiểm điểm rút kinh nghiệm", "Yêu cầu kiểm điểm"],
    "reprimand": ["Khiển trách"],
    "warning": ["Cảnh cáo"],
    "demotion": ["Hạ bậc lương", "Giáng chức"],
    "dismissal": ["Buộc thôi việc"],
    "other": ["Khác"],
}
# P(handling | violation category), rows in VIOLATIONS order, columns in HANDLINGS order.
HANDLING_P = np.array(
    [
        [0.70, 0.25, 0.04, 0.01, 0.00, 0.00, 0.00],
        [0.60, 0.30, 0.07, 0.02, 0.00, 0.00, 0.01],
        [0.55, 0.35, 0.08, 0.02, 0.00, 0.00, 0.00],
        [0.85, 0.15, 0.00, 0.00, 0.00, 0.00, 0.00],
        [0.45, 0.40, 0.12, 0.03, 0.00, 0.00, 0.00],
        [0.10, 0.30, 0.30, 0.20, 0.07, 0.03, 0.00],
        [0.40, 0.45, 0.10, 0.04, 0.00, 0.00, 0.01],
        [0.50, 0.30, 0.05, 0.02, 0.00, 0.00, 0.13],
    ]
)

# Every code above is a codebook code (cchc/codebook.yaml); the lists keep their own order because
# the weights above follow it.
VOCABULARY = {
    "channel": CHANNELS,
    "kind": KINDS,
    "category": CATEGORIES,
    "status": STATUSES,
    "satisfaction": SATISFACTION,
    "inspection_type": INSPECTION_TYPES,
    "violation_category": VIOLATIONS,
    "handling": HANDLINGS,
}
for _section, _codes in VOCABULARY.items():
    codebook.require(_section, _codes)

# ---------------------------------------------------------------- people and text

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Ma",
    "Hà",
    "Nông",
    "La",
    "Triệu",
    "Lương",
    "Đàm",
    "Lục",
    "Mai",
    "Đinh",
    "Chu",
]
SURNAME_W = np.array([30, 8, 7, 5, 5, 3, 2, 2, 2, 1, 2, 3, 1, 2, 3, 2, 1, 1, 2, 1, 1, 1, 2, 1], dtype=float)
MIDDLE_M = ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh", "Công", "Mạnh", "Tiến", "Ngọc", "Đình"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Phương", "Kim", "Thùy"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Huy",
    "Khánh",
    "Long",
    "Mạnh",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Thành",
    "Trung",
    "Tuấn",
    "Việt",
    "Hiếu",
    "Kiên",
    "Lâm",
    "Tùng",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hằng",
    "Hạnh",
    "Hoa",
    "Hương",
    "Huyền",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "Nga",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Thảo",
    "Thủy",
    "Trang",
    "Vân",
    "Yến",
]
PHONE_PREFIXES = [
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "056",
    "058",
    "070",
    "076",
    "077",
    "078",
    "079",
    "081",
    "082",
    "083",
    "084",
    "085",
    "086",
    "088",
    "089",
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
]
EMAIL_DOMAINS = [
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "icloud.com",
]
SIGNERS = [
    "Nguyễn Thị Hồng Nhung",
    "Trần Văn Hùng",
    "Lê Thị Thu Hà",
    "Phạm Quang Minh",
    "Hoàng Thị Lan",
    "Dương Văn Tuấn",
    "Ma Thị Hương",
    "Đỗ Đức Thắng",
]

# {p}: a commune as written in a sentence ('xã Tân Cương'); {n}: a small number; {y}: a year.
CONTENT_TEMPLATES = {
    "harassment": [
        "Cán bộ địa chính {p} gợi ý người dân phải bồi dưỡng mới giải quyết hồ sơ.",
        "Phản ánh việc công chức bộ phận một cửa {p} yêu cầu nộp thêm khoản tiền ngoài quy định.",
        "Người dân bị yêu cầu bổ sung giấy tờ {n} lần, có dấu hiệu nhũng nhiễu khi làm thủ tục tại {p}.",
    ],
    "causing_trouble": [
        "Hồ sơ đã đầy đủ nhưng cán bộ tại {p} vẫn yêu cầu bổ sung giấy tờ không có trong quy định.",
        "Người dân phải đi lại {n} lần mới được tiếp nhận hồ sơ tại {p}.",
        "Đề nghị chấn chỉnh việc gây khó khăn cho người dân khi xin xác nhận tại {p}.",
    ],
    "delay": [
        "Hồ sơ nộp từ {n} tháng trước tại {p} đến nay vẫn chưa có kết quả, đã quá hạn trả kết quả.",
        "Đề nghị giải quyết dứt điểm đơn đã gửi {n} tuần trước nhưng chưa được trả lời.",
        "Việc chi trả chế độ tại {p} bị chậm {n} tháng so với quy định.",
    ],
    "attitude": [
        "Cán bộ tiếp dân tại {p} có thái độ thiếu tôn trọng, nói trống không với người dân.",
        "Công chức bộ phận một cửa {p} dùng điện thoại riêng trong giờ làm việc, không hướng dẫn người dân.",
        "Phản ánh thái độ phục vụ chưa đúng mực của cán bộ khi người dân hỏi về thủ tục tại {p}.",
    ],
    "procedures": [
        "Đề nghị hướng dẫn thủ tục đăng ký khai sinh cho con tại {p}.",
        "Không nộp được hồ sơ trực tuyến trên Cổng dịch vụ công, hệ thống báo lỗi {n} lần.",
        "Đề nghị công khai đầy đủ thành phần hồ sơ chứng thực tại {p}.",
        "Kiến nghị rút ngắn thời gian cấp giấy chứng nhận đăng ký hộ kinh doanh.",
    ],
    "land": [
        "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho thửa đất gia đình sử dụng ổn định từ năm {y}.",
        "Tranh chấp ranh giới đất với hộ liền kề tại {p}, đề nghị chính quyền giải quyết.",
        "Kiến nghị về giá bồi thường khi thu hồi đất làm dự án tại {p}.",
        "Phản ánh việc lấn chiếm đất công tại {p}.",
    ],
    "construction": [
        "Hộ gia đình tại {p} xây nhà vượt quá số tầng được cấp phép.",
        "Công trình xây dựng trái phép trên đất nông nghiệp tại {p}.",
        "Công trình thi công gây nứt tường nhà dân liền kề tại {p}.",
    ],
    "environment": [
        "Cơ sở chăn nuôi tại {p} xả nước thải gây ô nhiễm, mùi hôi kéo dài.",
        "Rác thải không được thu gom {n} ngày nay tại {p}.",
        "Xe chở vật liệu làm rơi vãi đất đá, bụi bẩn trên đường qua {p}.",
    ],
    "infrastructure": [
        "Đường liên xóm tại {p} xuống cấp, nhiều ổ gà gây mất an toàn giao thông.",
        "Đèn chiếu sáng công cộng tại {p} bị hỏng {n} tuần chưa được sửa chữa.",
        "Khu dân cư tại {p} mất nước sinh hoạt {n} ngày.",
    ],
    "social_policy": [
        "Đề nghị xem xét hỗ trợ hộ nghèo cho gia đình tại {p}.",
        "Chưa nhận được trợ cấp bảo trợ xã hội {n} tháng nay.",
        "Kiến nghị giải quyết chế độ cho người có công với cách mạng tại {p}.",
    ],
    "health_education": [
        "Trạm y tế {p} thiếu thuốc điều trị bệnh mãn tính.",
        "Phản ánh việc thu các khoản ngoài quy định tại trường học trên địa bàn {p}.",
        "Đề nghị bố trí thêm giáo viên cho điểm trường tại {p}.",
    ],
    "other": [
        "Đề nghị cung cấp thông tin về kế hoạch tổ chức lễ hội tại {p}.",
        "Phản ánh tiếng ồn từ hoạt động karaoke kéo dài đến khuya tại {p}.",
        "Kiến nghị lắp đặt camera an ninh tại khu dân cư {p}.",
    ],
}
CONTACT_P = np.array([0.86, 0.07, 0.035, 0.035])  # none, phone, e-mail, CCCD embedded in the text

VIOLATION_TEMPLATES = {
    "working_hours": [
        "{n} công chức đến muộn quá 15 phút so với giờ làm việc.",
        "Công chức bộ phận một cửa vắng mặt tại vị trí làm việc không có lý do.",
    ],
    "rules": [
        "Không thực hiện đúng quy chế làm việc của cơ quan.",
        "Sổ theo dõi hồ sơ không được cập nhật đầy đủ theo quy định.",
    ],
    "conduct": [
        "Trang phục không đúng quy định tại nơi làm việc.",
        "Sử dụng điện thoại cho việc riêng khi đang tiếp công dân.",
    ],
    "no_badge": ["{n} công chức không đeo thẻ trong giờ làm việc.", "Không đeo thẻ công chức khi tiếp nhận hồ sơ."],
    "attitude": [
        "Cán bộ tiếp nhận hồ sơ có thái độ thiếu niềm nở với người dân.",
        "Không hướng dẫn đầy đủ, rõ ràng cho người dân khi làm thủ tục.",
    ],
    "harassment": [
        "Yêu cầu người dân bổ sung giấy tờ ngoài quy định.",
        "Có biểu hiện gây phiền hà khi giải quyết hồ sơ đất đai.",
    ],
    "late_procedure": [
        "{n} hồ sơ TTHC giải quyết quá hạn nhưng không có văn bản xin lỗi.",
        "Tiếp nhận hồ sơ không đúng quy trình, không cập nhật lên hệ thống.",
    ],
    "other": [
        "Chưa niêm yết công khai số điện thoại đường dây nóng.",
        "Chưa bố trí hòm thư góp ý tại bộ phận một cửa.",
    ],
}
RECOMMENDATION_TEMPLATES = [
    "Đề nghị thủ trưởng đơn vị chấn chỉnh, khắc phục ngay và báo cáo kết quả về Sở Nội vụ.",
    "Đề nghị tổ chức kiểm điểm cá nhân vi phạm, báo cáo kết quả trong thời hạn quy định.",
    "Đề nghị rà soát quy trình, khắc phục tồn tại và báo cáo bằng văn bản.",
]
DEPARTMENT_DOMAIN = {
    "xay-dung": "construction",
    "giao-thong-van-tai": "infrastructure",
    "tai-nguyen-moi-truong": "land",
    "nong-nghiep-moi-truong": "land",
    "lao-dong-tbxh": "social_policy",
    "noi-vu": "procedures",
    "y-te": "health_education",
    "giao-duc-dao-tao": "health_education",
    "tai-chinh": "procedures",
    "ke-hoach-dau-tu": "procedures",
    "tu-phap": "procedures",
    "ban-quan-ly-kcn": "environment",
    "ban-dan-toc": "social_policy",
    "dan-toc-ton-giao": "social_policy",
}
# Provincial bodies from the most to the least complained about (Zipf ranks).
DEPARTMENT_ORDER = [
    "xay-dung",
    "tai-nguyen-moi-truong",
    "giao-thong-van-tai",
    "lao-dong-tbxh",
    "tai-chinh",
    "y-te",
    "giao-duc-dao-tao",
    "nong-nghiep-ptnt",
    "ke-hoach-dau-tu",
    "noi-vu",
    "cong-thuong",
    "tu-phap",
    "thanh-tra",
    "ban-quan-ly-kcn",
    "thong-tin-truyen-thong",
    "van-hoa-the-thao-du-lich",
    "khoa-hoc-cong-nghe",
    "ban-dan-toc",
    "nong-nghiep-moi-truong",
    "dan-toc-ton-giao",
]
LEVEL_COMMUNE, LEVEL_DISTRICT, LEVEL_DEPARTMENT = range(3)
LEVEL_SHARE_OLD = {LEVEL_COMMUNE: 0.60, LEVEL_DISTRICT: 0.15, LEVEL_DEPARTMENT: 0.25}
LEVEL_SHARE_NEW = {LEVEL_COMMUNE: 0.70, LEVEL_DEPARTMENT: 0.30}
INSPECTION_LEVEL_SHARE_OLD = {LEVEL_COMMUNE: 0.50, LEVEL_DISTRICT: 0.20, LEVEL_DEPARTMENT: 0.30}
INSPECTION_LEVEL_SHARE_NEW = {LEVEL_COMMUNE: 0.65, LEVEL_DEPARTMENT: 0.35}

_EPOCH_ORD = date(1970, 1, 1).toordinal()
_EXCEL_OFFSET = 25569  # Excel serial of 1970-01-01
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _dnum(d: date) -> int:
    return d.toordinal() - _EPOCH_ORD


def _ddate(n: int) -> date:
    return date.fromordinal(int(n) + _EPOCH_ORD)


def _lut(table: dict[str, list[str]], codes: list[str], width: int = 12) -> np.ndarray:
    """codes x width array of labels (the list cycled), so label = lut[code, k % width]."""
    out = np.empty((len(codes), width), dtype=object)
    for i, code in enumerate(codes):
        labels = table.get(code) or [""]
        for k in range(width):
            out[i, k] = labels[k % len(labels)]
    return out


# ---------------------------------------------------------------- holidays and Tết


def vn_holidays(first_year: int, last_year: int) -> dict[date, str]:
    """Vietnamese public holidays (English names) from the `holidays` package."""
    return dict(holidays.VN(years=range(first_year, last_year + 1), language="en_US"))


def tet_days(first_year: int, last_year: int) -> dict[int, date]:
    """First day of the lunar new year (mùng 1 Tết) per year, from holidays.VN."""
    out = {}
    for d, name in vn_holidays(first_year, last_year).items():
        if name.strip().lower() == "lunar new year":
            out[d.year] = d
    return out


def _tet_blocks(hol: dict[date, str]) -> list[tuple[date, date]]:
    """Tết holidays as (first, last) day, stretched over the weekends that touch them."""
    days = sorted(d for d, n in hol.items() if "lunar new year" in n.lower())
    blocks: list[list[date]] = []
    for d in days:
        if blocks and (d - blocks[-1][1]).days <= 1:
            blocks[-1][1] = d
        else:
            blocks.append([d, d])
    out = []
    for a, b in blocks:
        while (a - timedelta(days=1)).weekday() >= 5:
            a -= timedelta(days=1)
        while (b + timedelta(days=1)).weekday() >= 5:
            b += timedelta(days=1)
        out.append((a, b))
    return out


# ---------------------------------------------------------------- agencies


def _read_rows(path: Path) -> list[SimpleNamespace]:
    """A reference CSV as rows with attribute access; every value is text (codes keep leading zeros)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [SimpleNamespace(**row) for row in csv.DictReader(f)]


class _Units:
    """Every unit the demo may name, with display spellings, validity, volume weights and quality."""

    def __init__(self, seed: int):
        rng = np.random.default_rng([seed, 0xA6E])
        new = _read_rows(UNITS_2025_CSV)
        pre = _read_rows(UNITS_PRE2025_CSV)
        dep = _read_rows(DEPARTMENTS_CSV)
        districts = [r for r in pre if r.level == "district"]
        communes = [r for r in pre if r.level == "commune"]
        district_by_code = {r.code: r for r in districts}

        recs: list[dict] = []
        # Old communes (all 280: their weights flow to the new communes; only old Thái Nguyên ones are used).
        folded = Counter(fold(r.short_name) for r in communes)
        ambiguous = [folded[fold(r.short_name)] > 1 for r in communes]
        ranks = rng.permutation(len(communes)) + 1
        worse_old = set(WORSE_AGENCIES["old_communes"])
        top = iter(rng.permutation(np.arange(1, 13)))
        for i, r in enumerate(communes):
            d = district_by_code[r.parent_district_code]
            rank = next(top) if r.name in worse_old else ranks[i] + 12
            w = 1.0 / rank**0.8 * (1.0 if r.old_province_code == THAI_NGUYEN_OLD_PROVINCE else 0.4)
            recs.append(
                dict(
                    name=r.name,
                    short=r.short_name,
                    utype=r.type,
                    level=LEVEL_COMMUNE,
                    era="old",
                    key=r.code,
                    qualifier=f", {d.type} {d.short_name}" if ambiguous[i] else "",
                    district=f"{d.type} {d.short_name}",
                    pool=r.old_province_code == THAI_NGUYEN_OLD_PROVINCE,
                    weight=w,
                    worse=r.name in worse_old,
                    successors=r.successor_2025_codes.split(";"),
                    vf=None,
                    vt=REFORM_DATE - timedelta(days=1),
                )
            )
        # Old districts of Thái Nguyên.
        tn_districts = [r for r in districts if r.old_province_code == THAI_NGUYEN_OLD_PROVINCE]
        fixed = {"Thành phố Thái Nguyên": 1, "Thành phố Phổ Yên": 2}
        others = iter(rng.permutation(np.arange(3, len(tn_districts) + 1)))
        for r in tn_districts:
            rank = fixed.get(r.name) or next(others)
            recs.append(
                dict(
                    name=r.name,
                    short=r.short_name,
                    utype=r.type,
                    level=LEVEL_DISTRICT,
                    era="old",
                    key=r.code,
                    qualifier="",
                    district="",
                    pool=True,
                    weight=1.0 / rank,
                    worse=r.name in WORSE_AGENCIES["districts"],
                    successors=[],
                    vf=None,
                    vt=REFORM_DATE - timedelta(days=1),
                )
            )
        # New communes: volume of their predecessors (split old units count half to each).
        old_w: dict[str, float] = {}
        for rec in recs:
            if rec["level"] == LEVEL_COMMUNE:
                for code in rec["successors"]:
                    old_w[code] = old_w.get(code, 0.0) + rec["weight"] / len(rec["successors"])
        for r in new:
            recs.append(
                dict(
                    name=r.name,
                    short=r.short_name,
                    utype=r.type,
                    level=LEVEL_COMMUNE,
                    era="new",
                    key=r.code,
                    qualifier="",
                    district="",
                    pool=True,
                    weight=old_w.get(r.code, 0.01) * rng.lognormal(0, 0.15),
                    worse=r.name in WORSE_AGENCIES["new_communes"],
                    successors=[],
                    vf=REFORM_DATE,
                    vt=None,
                )
            )
        # Departments: Zipf over DEPARTMENT_ORDER; a successor also takes its predecessors' volume.
        order = {slug: i + 1 for i, slug in enumerate(DEPARTMENT_ORDER)}
        for r in dep:
            rank = order.get(r.slug, len(order) + 1)
            recs.append(
                dict(
                    name=r.name,
                    short=r.short_name,
                    utype=r.unit_type,
                    level=LEVEL_DEPARTMENT,
                    era="dept",
                    key=r.slug,
                    qualifier="",
                    district="",
                    pool=True,
                    weight=1.0 / rank**0.9,
                    worse=r.name in WORSE_AGENCIES["departments"],
                    successors=[r.successor_slug] if r.successor_slug else [],
                    vf=date.fromisoformat(r.valid_from) if r.valid_from else None,
                    vt=date.fromisoformat(r.valid_to) if r.valid_to else None,
                )
            )
        self.recs = recs
        n = len(recs)
        self.n = n
        self.level = np.array([r["level"] for r in recs])
        self.worse = np.array([r["worse"] for r in recs])
        self.speed = rng.lognormal(0.0, 0.2, n) * np.where(self.worse, 2.6, 1.0)
        self.domain = np.array(
            [
                C[DEPARTMENT_DOMAIN[r["key"]]]
                if r["level"] == LEVEL_DEPARTMENT and r["key"] in DEPARTMENT_DOMAIN
                else -1
                for r in recs
            ]
        )
        self.valid_from = [r["vf"] for r in recs]
        self.valid_to = [r["vt"] for r in recs]
        # Display spellings: 0 'UBND xã X', 1 'Ủy ban nhân dân xã X', 2 the official name ('Xã X').
        self.names = np.empty((3, n), dtype=object)
        self.place = np.empty(n, dtype=object)  # as in a sentence: 'xã Tân Cương'
        self.address = np.empty(n, dtype=object)  # end of a postal address
        for i, r in enumerate(recs):
            if r["level"] == LEVEL_DEPARTMENT:
                self.names[:, i] = r["name"]
                continue
            low = f"{r['utype']} {r['short']}"
            q = r["qualifier"]
            self.names[0, i] = f"UBND {low}{q}"
            self.names[1, i] = f"Ủy ban nhân dân {low}{q}"
            self.names[2, i] = f"{r['name']}{q}"
            self.place[i] = low
            tail = f", {r['district']}" if r["district"] else ""
            self.address[i] = f"{low}{tail}, tỉnh Thái Nguyên"
        # Names that fold (diacritics stripped) onto another unit existing at the same time, e.g. Xã Văn Lăng /
        # Xã Văn Lang: only the vowel shapes tell them apart, so they are never written without diacritics.
        keys = [agency_key(x) for x in self.names[2]]
        self.fold_clash = np.zeros(n, dtype=bool)
        by_key: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            by_key.setdefault(k, []).append(i)
        for group in by_key.values():
            for i in group:
                self.fold_clash[i] = any(j != i and self._overlap(i, j) for j in group)
        self._base = np.array([r["weight"] for r in recs])
        self._slug_index = {r["key"]: i for i, r in enumerate(recs) if r["level"] == LEVEL_DEPARTMENT}

    def _overlap(self, i: int, j: int) -> bool:
        lo = max(self.valid_from[i] or date.min, self.valid_from[j] or date.min)
        hi = min(self.valid_to[i] or date.max, self.valid_to[j] or date.max)
        return lo <= hi

    def valid_over(self, i: int, first: date, last: date) -> bool:
        vf, vt = self.valid_from[i], self.valid_to[i]
        return (vf is None or vf <= first) and (vt is None or vt >= last)

    def weights(self, first: date, last: date) -> np.ndarray:
        """Complaint-volume weight of every unit valid over [first, last] (0 for the others)."""
        w = np.zeros(self.n)
        for i, r in enumerate(self.recs):
            if r["pool"] and self.valid_over(i, first, last):
                w[i] = self._base[i]
        # A department absorbs the volume of the predecessors that no longer exist.
        for i, r in enumerate(self.recs):
            if r["level"] == LEVEL_DEPARTMENT and r["successors"] and not self.valid_over(i, first, first):
                j = self._slug_index[r["successors"][0]]
                if w[j] > 0:
                    w[j] += self._base[i]
        return w

    def pool(
        self, first: date, last: date, shares: dict[int, float], power: float = 1.0, uniform: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """(unit indices, probabilities) for one period: level shares, Zipf-like volume within a level."""
        w = self.weights(first, last)
        if uniform:
            w = (w > 0).astype(float)
        w = w**power
        p = np.zeros(self.n)
        for level, share in shares.items():
            m = (self.level == level) & (w > 0)
            if m.any():
                p[m] = share * w[m] / w[m].sum()
        idx = np.flatnonzero(p > 0)
        return idx, p[idx] / p[idx].sum()


# ---------------------------------------------------------------- context


class _Context:
    def __init__(self, scale: float, seed: int, today: date):
        self.scale, self.seed, self.today = scale, seed, today
        self.today_num = _dnum(today)
        self.start_num = _dnum(START_DATE)
        self.units = _Units(seed)
        hol = vn_holidays(START_DATE.year - 1, today.year + 2)
        self.hol = np.array(sorted(hol), dtype="datetime64[D]")
        self.tet_blocks = _tet_blocks(hol)
        # Periods over which the set of valid units does not change.
        bounds = {START_DATE, REFORM_DATE}
        for vf, vt in zip(self.units.valid_from, self.units.valid_to, strict=True):
            if vf:
                bounds.add(vf)
            if vt:
                bounds.add(vt + timedelta(days=1))
        far = date(today.year + 5, 1, 1)
        cuts = sorted(b for b in bounds if START_DATE <= b < far) + [far]
        self.eras = [(cuts[i], cuts[i + 1] - timedelta(days=1)) for i in range(len(cuts) - 1)]
        self.era_starts = np.array([_dnum(a) for a, _ in self.eras])
        self.era_pool = []
        self.era_inspection = []
        self.era_place = []  # communes people live in, for addresses
        for a, b in self.eras:
            shares = LEVEL_SHARE_OLD if a < REFORM_DATE else LEVEL_SHARE_NEW
            ishares = INSPECTION_LEVEL_SHARE_OLD if a < REFORM_DATE else INSPECTION_LEVEL_SHARE_NEW
            self.era_pool.append(self.units.pool(a, b, shares))
            self.era_inspection.append(
                (self.units.pool(a, b, ishares, uniform=True), self.units.pool(a, b, ishares, power=1.3))
            )
            self.era_place.append(self.units.pool(a, b, {LEVEL_COMMUNE: 1.0}))
        # Daily volume.
        days = np.arange(self.start_num, self.today_num + 1)
        self.days = days
        D = days.astype("datetime64[D]")
        self.is_workday = np.is_busday(D, holidays=self.hol)
        dow = (days + 3) % 7  # Monday = 0
        years_in = (days - self.start_num) / 365.25
        lam = 1.15**years_in * np.array([1.15, 1.05, 1.0, 1.0, 0.95, 0.45, 0.30])[dow]
        month_end = (D.astype("datetime64[M]") + 1).astype("datetime64[D]") - D - 1
        lam *= np.array([1.6, 1.35, 1.2, 1.0])[np.minimum(month_end.astype(int), 3)]
        hol_days = np.isin(D, self.hol)
        lam[hol_days] *= 0.35
        for a, b in self.tet_blocks:
            ia, ib = _dnum(a) - self.start_num, _dnum(b) - self.start_num
            lo, hi = max(ia, 0), min(ib + 1, len(days))
            if lo < hi:
                lam[lo:hi] = lam[lo:hi] / np.where(hol_days[lo:hi], 0.35, 1.0) * 0.10
            for k, f in enumerate([0.8, 0.65, 0.5]):
                j = ia - 3 + k
                if 0 <= j < len(days):
                    lam[j] *= f
            for k, f in enumerate([0.45, 0.6, 0.75, 0.9]):
                j = ib + 1 + k
                if 0 <= j < len(days):
                    lam[j] *= f
        lam *= np.random.default_rng([seed, 1]).lognormal(0.0, 0.08, len(days))
        self.lam = lam * (BASE_COMPLAINTS * scale / lam.sum())
        self.day_year = D.astype("datetime64[Y]").astype(int) + 1970
        self.years = sorted(set(self.day_year.tolist()))
        # Date and time strings by day number.
        self.d0 = self.start_num - 400
        span = np.arange(self.d0, self.today_num + 800)
        dts = [_ddate(x) for x in span]
        self.d_slash = np.array([f"{d.day:02d}/{d.month:02d}/{d.year}" for d in dts], dtype=object)
        self.d_dash = np.array([f"{d.day:02d}-{d.month:02d}-{d.year}" for d in dts], dtype=object)
        self.hhmm = np.array([f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)], dtype=object)
        self.t_anchor = _dnum(APP_MAJORITY_FROM) - self.start_num

    def busday(self, day_nums: np.ndarray, offset=0) -> np.ndarray:
        D = np.asarray(day_nums).astype("datetime64[D]")
        return np.busday_offset(D, offset, roll="forward", holidays=self.hol).astype(np.int64)

    def slash(self, d: np.ndarray) -> np.ndarray:
        return self.d_slash[np.asarray(d) - self.d0]

    def dash(self, d: np.ndarray) -> np.ndarray:
        return self.d_dash[np.asarray(d) - self.d0]

    def era_of(self, day_nums: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.era_starts, day_nums, side="right") - 1


# ---------------------------------------------------------------- complaints: numbers


_H_ONLINE = np.array(
    [0.3, 0.2, 0.1, 0.1, 0.1, 0.3, 1, 2.5, 4, 4.5, 4.5, 4, 3, 3, 3.5, 3.5, 3.5, 3, 3, 3.5, 3.5, 3, 2, 1]
)
_H_OFFICE = np.array([0, 0, 0, 0, 0, 0, 0, 2, 9, 10, 9, 5, 1, 3, 8, 8, 6, 1, 0, 0, 0, 0, 0, 0], dtype=float)


def _gen_year(ctx: _Context, year: int) -> dict[str, np.ndarray]:
    """Every complaint received in one year, as numbers (codes, day numbers, draws), sorted by time."""
    rng = np.random.default_rng([ctx.seed, year, 7])
    u = ctx.units
    sel = ctx.day_year == year
    counts = rng.poisson(ctx.lam[sel])
    day = np.repeat(ctx.days[sel], counts)
    workday = np.repeat(ctx.is_workday[sel], counts)
    n = day.size
    t = np.clip((day - ctx.start_num) / ctx.t_anchor, 0.0, 1.0)[:, None]
    P = (1 - t) * MIX_2021 + t * MIX_2026
    P[np.ix_(~workday, OFFICE_CHANNELS)] = 0.0
    P /= P.sum(axis=1, keepdims=True)
    ch = np.minimum((rng.random(n)[:, None] > np.cumsum(P, axis=1)).sum(axis=1), len(CHANNELS) - 1)
    office = np.isin(ch, OFFICE_CHANNELS)
    hour = np.where(
        office, rng.choice(24, n, p=_H_OFFICE / _H_OFFICE.sum()), rng.choice(24, n, p=_H_ONLINE / _H_ONLINE.sum())
    )
    minute = hour * 60 + rng.integers(0, 60, n)
    order = np.lexsort((minute, day))
    day, ch, minute, office = day[order], ch[order], minute[order], office[order]

    fam = CHANNEL_FAMILY[ch]
    seq = np.zeros(n, dtype=np.int64)
    for f in range(4):
        idx = np.flatnonzero(fam == f)
        seq[idx] = np.arange(1, idx.size + 1)

    era = ctx.era_of(day)
    ag = np.zeros(n, dtype=np.int64)
    place = np.zeros(n, dtype=np.int64)
    for e in np.unique(era):
        m = era == e
        units, p = ctx.era_pool[e]
        ag[m] = rng.choice(units, m.sum(), p=p)
        pu, pp = ctx.era_place[e]
        place[m] = rng.choice(pu, m.sum(), p=pp)
    is_commune = u.level[ag] == LEVEL_COMMUNE
    place = np.where(is_commune & (rng.random(n) < 0.9), ag, place)
    worse = u.worse[ag]

    kind = np.where(office, rng.choice(4, n, p=KIND_P_OFFICE), rng.choice(4, n, p=KIND_P_OTHER))
    cat = rng.choice(len(CATEGORIES), n, p=CAT_P)
    dom = u.domain[ag]
    cat = np.where((dom >= 0) & (rng.random(n) < 0.55), dom, cat)
    conduct = rng.choice(CONDUCT_CATS, n, p=[0.15, 0.25, 0.4, 0.2])
    cat = np.where(worse & (rng.random(n) < 0.18), conduct, cat)

    due_wd = ctx.busday(day, KIND_DUE_WORKDAYS[kind])
    due_cal = ctx.busday(day + 30)
    due = np.where(kind >= 2, due_cal, due_wd)
    due_shown = rng.random(n) < 0.5

    improve = 1.0 - 0.06 * (year - START_DATE.year)
    median = KIND_MEDIAN_DAYS[kind] * u.speed[ag] * np.where(worse, 1.0, max(improve, 0.6))
    sigma = np.where(worse, 1.05, 0.8)
    res = median * np.exp(sigma * rng.standard_normal(n))
    outcome_u = rng.random(n)
    outcome = np.where(outcome_u < 0.03, 1, np.where(outcome_u < 0.05, 2, 0))
    res = np.where(outcome > 0, rng.integers(1, 6, n), np.minimum(res, 720))
    res_day = ctx.busday(day + np.floor(res).astype(np.int64))

    late = res_day > due
    lat = rng.standard_normal(n) + 0.9 - 1.4 * worse - 0.6 * late
    score = 1 + (lat > -1.3).astype(int) + (lat > -0.5) + (lat > 0.3) + (lat > 1.1)
    has_sat = rng.random(n) < np.array([0.35, 0.55, 0.0, 0.0])[fam]

    female = rng.random(n) < 0.5
    birth = rng.integers(1950, 2006, n)
    g = dict(
        n=n,
        year=year,
        day=day,
        minute=minute,
        ch=ch,
        fam=fam,
        seq=seq,
        ag=ag,
        place=place,
        kind=kind,
        cat=cat,
        due=due,
        due_shown=due_shown,
        outcome=outcome,
        res_day=res_day,
        score=score,
        has_sat=has_sat,
        var=rng.integers(0, 1 << 30, n),
        female=female,
        sur=rng.choice(len(SURNAMES), n, p=SURNAME_W / SURNAME_W.sum()),
        mid=rng.integers(0, 1 << 20, n),
        given=rng.integers(0, 1 << 20, n),
        birth=birth,
        phone_pre=rng.integers(0, len(PHONE_PREFIXES), n),
        phone=rng.integers(0, 10**7, n),
        mail_style=rng.integers(0, 4, n),
        mail_num=rng.integers(1, 1000, n),
        mail_dom=rng.integers(0, len(EMAIL_DOMAINS), n),
        id_prov=rng.random(n) < 0.85,
        id_rest=rng.integers(0, 10**6, n),
        cmnd=(year <= 2022) & (rng.random(n) < 0.3),
        house=rng.integers(1, 300, n),
        hamlet=rng.integers(1, 30, n),
        tmpl=rng.integers(0, 1 << 20, n),
        fill=rng.integers(2, 13, n),
        contact=rng.choice(4, n, p=CONTACT_P),
        has_mail=rng.random(n) < 0.6,
    )
    # Compact dtypes: one year of a 10x run is ~250 000 rows of ~45 fields.
    for key, value in g.items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "i":
            g[key] = value.astype(np.int32)
        elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
            g[key] = value.astype(np.float32)
    return g


def _state(g: dict, idx: np.ndarray, as_of: np.ndarray | int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(status code, resolution date shown?, satisfaction shown?) of rows as an export on `as_of` shows them."""
    day, rd, out, due = g["day"][idx], g["res_day"][idx], g["outcome"][idx], g["due"][idx]
    closed = rd <= as_of
    done = np.where(out == 1, TRANSFERRED, np.where(out == 2, OUT_OF_REMIT, RESOLVED))
    open_st = np.where((as_of - day <= 2) & (g["var"][idx] % 10 < 7), NEW, np.where(due < as_of, OVERDUE, IN_PROGRESS))
    status = np.where(closed, done, open_st)
    return status, closed, closed & (out == 0) & g["has_sat"][idx]


# ---------------------------------------------------------------- complaints: text


class _Text:
    """Turns a year's numbers into the strings one export writes (vectorised over a chunk of rows)."""

    def __init__(self, ctx: _Context):
        self.ctx = ctx
        self.sur = np.array(SURNAMES, dtype=object)
        self.mid_m, self.mid_f = np.array(MIDDLE_M, dtype=object), np.array(MIDDLE_F, dtype=object)
        self.giv_m, self.giv_f = np.array(GIVEN_M, dtype=object), np.array(GIVEN_F, dtype=object)
        self.ascii = {s: strip_diacritics(s).lower() for s in SURNAMES + MIDDLE_M + MIDDLE_F + GIVEN_M + GIVEN_F}
        self.pad: dict[int, np.ndarray] = {}
        self.two_digits = self.digits(np.arange(100), 2)
        self.domains = np.array(EMAIL_DOMAINS, dtype=object)
        self.phone_prefixes = np.array(PHONE_PREFIXES, dtype=object)
        # Content templates split around the place, for each (category, template, number) beforehand.
        width = max(len(v) for v in CONTENT_TEMPLATES.values())
        self.n_templates = np.array([len(CONTENT_TEMPLATES[c]) for c in CATEGORIES])
        self.pre = np.empty((len(CATEGORIES), width, 16), dtype=object)
        self.post = np.empty_like(self.pre)
        self.has_place = np.zeros((len(CATEGORIES), width), dtype=bool)
        for ci, cat in enumerate(CATEGORIES):
            for ti in range(width):
                tmpl = CONTENT_TEMPLATES[cat][ti % len(CONTENT_TEMPLATES[cat])]
                self.has_place[ci, ti] = "{p}" in tmpl
                for k in range(16):
                    before, _, after = tmpl.format(p="\x00", n=k, y=1985 + 2 * k).partition("\x00")
                    self.pre[ci, ti, k], self.post[ci, ti, k] = before, after
        self.luts = {
            name: {
                col: _lut(prof[col], codes)
                for col, codes in (
                    ("channel", CHANNELS),
                    ("kind", KINDS),
                    ("category", CATEGORIES),
                    ("status", STATUSES),
                    ("satisfaction", SATISFACTION),
                )
            }
            for name, prof in PROFILES.items()
        }
        self.styles = {name: np.array(prof["agency_style"]) for name, prof in PROFILES.items()}
        self.styles["update"] = np.array(UPDATE_AGENCY_STYLE)

    def ids(self, g: dict, idx: np.ndarray) -> np.ndarray:
        prefixes = np.array([f"{p}-{g['year']}-" for p in FAMILY_PREFIX], dtype=object)
        seq = g["seq"][idx]
        return prefixes[g["fam"][idx]] + self.digits(seq // 1000, 3) + self.digits(seq % 1000, 3)

    def digits(self, values: np.ndarray, width: int) -> np.ndarray:
        """Zero-padded decimal strings of small non-negative integers (< 10**width)."""
        table = self.pad.get(width)
        if table is None:
            table = self.pad[width] = np.array([f"{i:0{width}d}" for i in range(10**width)], dtype=object)
        return table[values]

    def label(self, profile: str, column: str, codes: np.ndarray, g: dict, idx: np.ndarray, shift: int) -> np.ndarray:
        return self.luts[profile][column][codes, (g["var"][idx] >> shift) % 12]

    def agency(self, style: str, g: dict, idx: np.ndarray) -> np.ndarray:
        s = self.styles[style][(g["var"][idx] >> 20) % 10]
        return self.ctx.units.names[s, g["ag"][idx]]

    def person(self, g: dict, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        fem = g["female"][idx]
        sur = self.sur[g["sur"][idx]]
        mid = np.where(fem, self.mid_f[g["mid"][idx] % len(MIDDLE_F)], self.mid_m[g["mid"][idx] % len(MIDDLE_M)])
        giv = np.where(fem, self.giv_f[g["given"][idx] % len(GIVEN_F)], self.giv_m[g["given"][idx] % len(GIVEN_M)])
        return sur, mid, giv

    def names(self, g: dict, idx: np.ndarray) -> np.ndarray:
        sur, mid, giv = self.person(g, idx)
        return sur + " " + mid + " " + giv

    def phones(self, g: dict, idx: np.ndarray) -> np.ndarray:
        rest = g["phone"][idx]
        return self.phone_prefixes[g["phone_pre"][idx]] + self.digits(rest // 1000, 4) + self.digits(rest % 1000, 3)

    def emails(self, g: dict, idx: np.ndarray) -> np.ndarray:
        sur, mid, giv = self.person(g, idx)
        a = np.vectorize(self.ascii.__getitem__, otypes=[object])
        s_, m_, g_ = a(sur), a(mid), a(giv)
        num = np.array([str(x) for x in g["mail_num"][idx]], dtype=object)
        birth = g["birth"][idx]
        yy = self.two_digits[birth % 100]
        style = g["mail_style"][idx]
        first = np.array([x[0] for x in m_], dtype=object) + np.array([x[0] for x in s_], dtype=object)
        local = np.select(
            [style == 0, style == 1, style == 2],
            [g_ + s_ + num, s_ + "." + g_ + np.array([str(b) for b in birth], dtype=object), g_ + first + yy],
            g_ + "." + s_ + yy,
        )
        return local + "@" + self.domains[g["mail_dom"][idx]]

    def cccd(self, g: dict, idx: np.ndarray) -> np.ndarray:
        """12 digits: province of birth registration, century and sex, year of birth, 6 random digits."""
        birth = g["birth"][idx]
        century = np.where(birth < 2000, 0, 2) + g["female"][idx]
        head = np.where(g["id_prov"][idx], "019", "006").astype(object) + self.digits(century, 1)
        rest = g["id_rest"][idx]
        return head + self.two_digits[birth % 100] + self.digits(rest // 1000, 3) + self.digits(rest % 1000, 3)

    def id_numbers(self, g: dict, idx: np.ndarray) -> np.ndarray:
        """CCCD, or for some rows before 2023 the old 9-digit CMND."""
        old = (g["id_rest"][idx] * 7 + g["phone"][idx]) % 10**7
        cmnd = "09" + self.digits(old // 1000, 4) + self.digits(old % 1000, 3)
        return np.where(g["cmnd"][idx], cmnd, self.cccd(g, idx))

    def addresses(self, g: dict, idx: np.ndarray) -> list[str]:
        tails = self.ctx.units.address[g["place"][idx]]
        out = []
        for tail, h, k, sty in zip(tails, g["house"][idx], g["hamlet"][idx], g["var"][idx] % 3, strict=True):
            if tail.startswith("phường") or tail.startswith("thị trấn"):
                out.append(f"Số {h}, tổ {k}, {tail}" if sty else f"Tổ dân phố số {k}, {tail}")
            else:
                out.append(f"Xóm {k}, {tail}")
        return out

    def content(self, g: dict, idx: np.ndarray) -> np.ndarray:
        cat = g["cat"][idx]
        t = g["tmpl"][idx] % self.n_templates[cat]
        k = g["fill"][idx]
        places = np.where(self.has_place[cat, t], self.ctx.units.place[g["place"][idx]], "")
        out = self.pre[cat, t, k] + places + self.post[cat, t, k]
        contacts = g["contact"][idx]
        for code, fmt, make in (
            (1, " Số điện thoại liên hệ: {}.", self.phones),
            (2, " Liên hệ qua email {} để được trả lời.", self.emails),
            (3, " Người gửi có CCCD số {}.", self.cccd),
        ):
            m = contacts == code
            if m.any():
                out[m] = out[m] + np.array([fmt.format(v) for v in make(g, idx[m])], dtype=object)
        return out

    @staticmethod
    def where(mask: np.ndarray, make, g: dict, idx: np.ndarray) -> np.ndarray:
        """make(g, rows) where mask is set, '' elsewhere; make runs only on the masked rows."""
        out = np.full(idx.size, "", dtype=object)
        if mask.any():
            out[mask] = make(g, idx[mask])
        return out

    def dates_optional(self, shown: np.ndarray, days: np.ndarray, fmt: str) -> np.ndarray:
        strings = self.ctx.slash(days) if fmt == "slash" else self.ctx.dash(days)
        return np.where(shown, strings, "")

    def ddn_columns(
        self,
        g: dict,
        idx: np.ndarray,
        status: np.ndarray,
        closed: np.ndarray,
        sat: np.ndarray,
        style: str = "ddn",
        with_email: bool = False,
    ) -> list:
        """Columns in the hotline layout (file 01, and file 06 with an e-mail column)."""
        ctx = self.ctx
        recv = ctx.slash(g["day"][idx]) + " " + self.ctx.hhmm[g["minute"][idx]]
        prof = "ddn"
        sat_lab = np.where(sat, self.label(prof, "satisfaction", g["score"][idx] - 1, g, idx, 9), "")
        has_address = g["fam"][idx] == FAM_DDN
        cols = [
            self.ids(g, idx),
            recv,
            self.label(prof, "channel", g["ch"][idx], g, idx, 1),
            self.label(prof, "kind", g["kind"][idx], g, idx, 3),
            self.label(prof, "category", g["cat"][idx], g, idx, 5),
            self.names(g, idx),
            self.phones(g, idx),
        ]
        if with_email:
            cols.append(self.where(g["has_mail"][idx] & (g["fam"][idx] == FAM_APP), self.emails, g, idx))
        cols += [
            self.where(has_address, self.addresses, g, idx),
            self.content(g, idx),
            self.agency(style, g, idx),
            self.dates_optional(g["due_shown"][idx], g["due"][idx], "slash"),
            self.dates_optional(closed, g["res_day"][idx], "slash"),
            self.label(prof, "status", status, g, idx, 7),
            sat_lab,
        ]
        return cols


# ---------------------------------------------------------------- writers


# Windows-1258 has â ê ô ă ơ ư as letters but no letter with both a vowel mark and a tone: text is stored
# decomposed (NFD), with the vowel-shape marks folded back into those six letters. In NFD a dot below
# (combining class 220) precedes a circumflex or breve (230), hence the second group.
_CP1258_RECOMPOSE = [
    (base + mark, unicodedata.normalize("NFC", base + mark))
    for base, mark in (
        ("a", "\u0302"),
        ("a", "\u0306"),
        ("e", "\u0302"),
        ("o", "\u0302"),
        ("o", "\u031b"),
        ("u", "\u031b"),
    )
    for base in (base, base.upper())
] + [
    (base + "\u0323" + mark, unicodedata.normalize("NFC", base + mark) + "\u0323")
    for base, mark in (("a", "\u0302"), ("a", "\u0306"), ("e", "\u0302"), ("o", "\u0302"))
    for base in (base, base.upper())
]


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese text as Windows-1258 does: base letters with combining tone marks."""
    text = unicodedata.normalize("NFD", text)
    for decomposed, letter in _CP1258_RECOMPOSE:
        text = text.replace(decomposed, letter)
    return text.encode("cp1258")


def _csv_text(columns: list, delimiter: str) -> str:
    """CSV lines (QUOTE_MINIMAL, CRLF) from whole columns; a column is scanned once for characters that need
    quoting, and only then value by value (about twice as fast as csv.writer on these rows)."""
    out = []
    for col in columns:
        values = col.tolist() if isinstance(col, np.ndarray) else list(col)
        blob = "\x00".join(values)
        if '"' in blob or "\n" in blob or "\r" in blob:
            values = [
                '"' + v.replace('"', '""') + '"' if (delimiter in v or '"' in v or "\n" in v or "\r" in v) else v
                for v in values
            ]
        elif delimiter in blob:
            values = ['"' + v + '"' if delimiter in v else v for v in values]
        out.append(values)
    return "\r\n".join(map(delimiter.join, zip(*out, strict=True))) + "\r\n"


class _CsvOut:
    """A CSV export written in chunks of whole columns (UTF-8 with BOM, or Windows-1258)."""

    def __init__(self, path: Path, header: list[str], encoding: str = "utf-8", delimiter: str = ",", bom: bool = True):
        self.path = path
        self.f = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.encoding, self.delimiter = encoding, delimiter
        self.rows = 0
        if bom and encoding == "utf-8":
            self.f.write(b"\xef\xbb\xbf")
        self._write_text(_csv_text([[h] for h in header], delimiter))

    def _write_text(self, text: str) -> None:
        self.f.write(to_cp1258(text) if self.encoding == "cp1258" else text.encode(self.encoding))

    def write_columns(self, columns: list) -> None:
        if len(columns[0]):
            self.rows += len(columns[0])
            self._write_text(_csv_text(columns, self.delimiter))

    def close(self) -> None:
        self.f.close()


def _xml(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_STYLES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts><fonts count="3"><font>'
    '<sz val="11"/><name val="Times New Roman"/><family val="1"/></font><font><b/><sz val="11"/>'
    '<name val="Times New Roman"/><family val="1"/></font><font><i/><sz val="11"/>'
    '<name val="Times New Roman"/><family val="1"/></font></fonts><fills count="2"><fill>'
    '<patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>'
    '<left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
    '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/>'
    '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf></cellXfs><cellStyles count="1">'
    '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_S = {"default": 0, "bold": 1, "title": 1, "header": 2, "date": 3, "datetime": 4, "cell": 5, "italic": 6}


class _XlsxStream:
    """Streaming .xlsx writer for large sheets: one worksheet of inline strings, rows written in order.

    xlsxwriter's constant_memory mode costs ~13 µs a cell here (70 s for the app files at scale 10);
    building the row XML from whole columns at once is about ten times faster.
    """

    def __init__(self, path: Path, sheet: str, widths: list[int], freeze_row: int, created: datetime):
        self.zf = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        ns = (
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
        )
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        ct = "application/vnd.openxmlformats-officedocument"
        parts = {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.spreadsheetml.sheet.main+xml"/>'
                f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.spreadsheetml.worksheet+xml"/>'
                f'<Override PartName="/xl/styles.xml" ContentType="{ct}.spreadsheetml.styles+xml"/>'
                '<Override PartName="/docProps/core.xml" '
                'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                f'<Override PartName="/docProps/app.xml" ContentType="{ct}.extended-properties+xml"/></Types>'
            ),
            "_rels/.rels": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                'metadata/core-properties" Target="docProps/core.xml"/>'
                f'<Relationship Id="rId3" Type="{rel}/extended-properties" Target="docProps/app.xml"/>'
                "</Relationships>"
            ),
            "docProps/app.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                "<Application>Microsoft Excel</Application></Properties>"
            ),
            "docProps/core.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/'
                'terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>C-ThaiNguyen</dc:creator>'
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
            ),
            "xl/workbook.xml": (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {ns}>'
                f'<bookViews><workbookView/></bookViews><sheets><sheet name="{_xml(sheet)}" sheetId="1" '
                'r:id="rId1"/></sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/></Relationships>'
            ),
            "xl/styles.xml": _STYLES_XML,
        }
        for name, text in parts.items():
            self.zf.writestr(self._info(name), text)
        self.fh = self.zf.open(self._info("xl/worksheets/sheet1.xml"), "w", force_zip64=True)
        # Deflate runs in a second thread (zlib releases the GIL) while this one builds the next rows.
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=3)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="xlsx-deflate", daemon=True)
        self._thread.start()
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths))
        pane = (
            (f'<pane ySplit="{freeze_row}" topLeftCell="A{freeze_row + 1}" activePane="bottomLeft" state="frozen"/>')
            if freeze_row
            else ""
        )
        self._put(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {ns}>'
            f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
        )
        self.merges: list[str] = []
        self.letters = [column_letter(i) for i in range(max(len(widths), 26))]

    @staticmethod
    def _info(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    def _drain(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self.fh.write(data)
                except BaseException as exc:  # noqa: BLE001 - re-raised in close()
                    self._error = exc

    def _put(self, text: str) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(text.encode("utf-8"))

    def layout_row(self, r: int, cells: list[tuple[int, object, str, int]]) -> None:
        """One row of title / header / footer cells: (column, value, style, merge up to column)."""
        if not cells:
            return
        out = []
        for c, v, style, last in cells:
            ref = f"{self.letters[c]}{r + 1}"
            if isinstance(v, (int, float)):
                out.append(f'<c r="{ref}" s="{_S[style]}"><v>{v}</v></c>')
            else:
                out.append(f'<c r="{ref}" s="{_S[style]}" t="inlineStr"><is><t>{_xml(str(v))}</t></is></c>')
            if last > c:
                self.merges.append(f"{ref}:{self.letters[last]}{r + 1}")
        self._put(f'<row r="{r + 1}">{"".join(out)}</row>')

    def data_rows(self, r0: int, columns: list[tuple[str, object]], block: int = 5000) -> None:
        """Rows r0.. from whole columns: ('s', strings, '' = blank), ('n', numbers), ('date'|'datetime', serials,
        NaN = blank). Per-cell f-strings measured faster than numpy object-array concatenation here."""
        m = len(columns[0][1])
        if m > block:
            for k in range(0, m, block):
                self.data_rows(r0 + k, [(kind, values[k : k + block]) for kind, values in columns], block)
            return
        rows = [str(r) for r in range(r0 + 1, r0 + 1 + m)]
        cells = []
        for c, (kind, values) in enumerate(columns):
            L = self.letters[c]
            if kind == "s":
                values = values.tolist() if isinstance(values, np.ndarray) else list(values)
                blob = "\x00".join(values)
                if "&" in blob or "<" in blob or ">" in blob:
                    values = [_xml(v) for v in values]
                cells.append(
                    [
                        f'<c r="{L}{r}" s="5" t="inlineStr"><is><t>{v}</t></is></c>' if v else ""
                        for r, v in zip(rows, values, strict=True)
                    ]
                )
            elif kind == "n":
                cells.append([f'<c r="{L}{r}" s="5"><v>{v}</v></c>' for r, v in zip(rows, values, strict=True)])
            else:
                s = _S[kind]
                vals = np.asarray(values, dtype=float).tolist()
                if kind == "datetime":
                    cells.append([f'<c r="{L}{r}" s="{s}"><v>{v!r}</v></c>' for r, v in zip(rows, vals, strict=True)])
                else:
                    cells.append(
                        [
                            f'<c r="{L}{r}" s="{s}"><v>{int(v)}</v></c>' if v == v else ""
                            for r, v in zip(rows, vals, strict=True)
                        ]
                    )
        self._put("".join([f'<row r="{r}">{"".join(cs)}</row>' for r, *cs in zip(rows, *cells, strict=True)]))

    def close(self) -> None:
        merges = "".join(f'<mergeCell ref="{m}"/>' for m in self.merges)
        self._put(
            "</sheetData>"
            + (f'<mergeCells count="{len(self.merges)}">{merges}</mergeCells>' if merges else "")
            + '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            '<pageSetup paperSize="9" orientation="landscape"/></worksheet>'
        )
        self._queue.put(None)
        self._thread.join()
        self.fh.close()
        self.zf.close()
        if self._error is not None:
            raise self._error


def _report_top(ncols: int, left1: str, left2: str, title: str, period: str) -> list[list[tuple]]:
    split = 4
    return [
        [(0, left1, "bold", split - 1), (split, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "bold", ncols - 1)],
        ([(0, left2, "bold", split - 1)] if left2 else [])
        + [(split, "Độc lập - Tự do - Hạnh phúc", "bold", ncols - 1)],
        [],
        [(0, title, "title", ncols - 1)],
        [(0, period, "italic", ncols - 1)],
        [],
    ]


def _report_bottom(ncols: int, total: str, on: date, signers: tuple[str, str]) -> list[list[tuple]]:
    left, right = 2, ncols - 4
    return [
        [(0, total, "bold", 2)],
        [],
        [(right, f"Thái Nguyên, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}", "italic", ncols - 1)],
        [(left, "Người lập biểu", "bold", left + 2), (right, "Thủ trưởng đơn vị", "bold", ncols - 1)],
        [(left, "(Ký, ghi rõ họ tên)", "italic", left + 2), (right, "(Ký tên, đóng dấu)", "italic", ncols - 1)],
        [],
        [],
        [],
        [(left, signers[0], "bold", left + 2), (right, signers[1], "bold", ncols - 1)],
    ]


def _fmt_vn_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class _AppWriter:
    """02_cthainguyen_<year>[_p<k>].xlsx: the app's yearly report (split past XLSX_MAX_ROWS rows)."""

    def __init__(self, ctx: _Context, out_dir: Path, year: int, part: int, first: date, last: date):
        suffix = f"_p{part}" if part > 1 else ""
        self.path = out_dir / f"02_cthainguyen_{year}{suffix}.xlsx"
        self.ctx, self.last = ctx, last
        self.x = _XlsxStream(self.path, f"PAKN {year}", APP_WIDTHS, 7, datetime.combine(last, datetime.min.time()))
        top = _report_top(
            len(APP_HEADER),
            "UBND TỈNH THÁI NGUYÊN",
            "",
            "BÁO CÁO TỔNG HỢP PHẢN ÁNH, KIẾN NGHỊ QUA ỨNG DỤNG C-THAINGUYEN",
            f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}",
        )
        for r, cells in enumerate(top):
            self.x.layout_row(r, cells)
        self.x.layout_row(len(top), [(c, h, "header", c) for c, h in enumerate(APP_HEADER)])
        self.r = len(top) + 1
        self.written = 0

    def write(self, text: _Text, g: dict, idx: np.ndarray, status, closed, sat) -> None:
        m = idx.size
        recv = g["day"][idx] + _EXCEL_OFFSET + g["minute"][idx] / 1440.0
        due = np.where(g["due_shown"][idx], g["due"][idx] + _EXCEL_OFFSET, np.nan)
        res = np.where(closed, g["res_day"][idx] + _EXCEL_OFFSET, np.nan)
        prof = "app"
        columns = [
            ("n", range(self.written + 1, self.written + m + 1)),
            ("s", text.ids(g, idx)),
            ("datetime", recv),
            ("s", text.label(prof, "channel", g["ch"][idx], g, idx, 1)),
            ("s", text.label(prof, "kind", g["kind"][idx], g, idx, 3)),
            ("s", text.label(prof, "category", g["cat"][idx], g, idx, 5)),
            ("s", text.names(g, idx)),
            ("s", text.phones(g, idx)),
            ("s", text.where(g["has_mail"][idx], text.emails, g, idx)),
            ("s", text.content(g, idx)),
            ("s", text.agency("app", g, idx)),
            ("date", due),
            ("date", res),
            ("s", text.label(prof, "status", status, g, idx, 7)),
            ("s", np.where(sat, text.label(prof, "satisfaction", g["score"][idx] - 1, g, idx, 9), "")),
        ]
        self.x.data_rows(self.r, columns)
        self.r += m
        self.written += m

    def close(self, signers: tuple[str, str]) -> Path:
        bottom = _report_bottom(
            len(APP_HEADER), f"Tổng cộng: {_fmt_vn_int(self.written)} phản ánh, kiến nghị", self.last, signers
        )
        for k, cells in enumerate(bottom):
            self.x.layout_row(self.r + 1 + k, cells)
        self.x.close()
        return self.path


class _EmWriter:
    def __init__(self, out_dir: Path):
        self.out = _CsvOut(out_dir / "03_hop_thu_dien_tu.csv", EM_HEADER, encoding="cp1258", delimiter=";")

    def write(self, text: _Text, g: dict, idx: np.ndarray, status, closed, sat) -> None:
        ctx = text.ctx
        prof = "em"
        cols = [
            text.ids(g, idx),
            ctx.dash(g["day"][idx]),
            text.label(prof, "channel", g["ch"][idx], g, idx, 1),
            text.label(prof, "kind", g["kind"][idx], g, idx, 3),
            text.label(prof, "category", g["cat"][idx], g, idx, 5),
            text.names(g, idx),
            text.emails(g, idx),
            text.content(g, idx),
            text.agency("em", g, idx),
            text.dates_optional(g["due_shown"][idx], g["due"][idx], "dash"),
            text.dates_optional(closed, g["res_day"][idx], "dash"),
            text.label(prof, "status", status, g, idx, 7),
        ]
        self.out.write_columns(cols)

    def close(self) -> list[Path]:
        self.out.close()
        return [self.out.path]


class _VbWriter:
    """04_van_ban_truc_tiep.xls up to XLS_MAX_ROWS rows, the rest in 04b_van_ban_truc_tiep.csv."""

    def __init__(self, out_dir: Path, max_rows: int):
        self.out_dir, self.max_rows = out_dir, max_rows
        self.wb = xlwt.Workbook(encoding="utf-8")
        self.ws = self.wb.add_sheet("So theo doi don thu")
        title = xlwt.easyxf("font: bold on, height 260; align: horiz center")
        self.head = xlwt.easyxf(
            "font: bold on; borders: left thin, right thin, top thin, bottom thin; align: wrap on, horiz center"
        )
        self.date = xlwt.easyxf(num_format_str="DD/MM/YYYY")
        self.ws.write_merge(0, 0, 0, len(VB_HEADER) - 1, "SỔ THEO DÕI ĐƠN THƯ, TIẾP CÔNG DÂN", title)
        for c, h in enumerate(VB_HEADER):
            self.ws.write(2, c, h, self.head)
        for c, w in enumerate([16, 11, 16, 10, 18, 22, 16, 60, 34, 12, 12, 14]):
            self.ws.col(c).width = w * 256
        self.r = 3
        self.rows = 0
        self.csv: _CsvOut | None = None

    def write(self, text: _Text, g: dict, idx: np.ndarray, status, closed, sat) -> None:
        ctx = text.ctx
        prof = "vb"
        cols = [
            text.ids(g, idx),
            None,
            text.label(prof, "channel", g["ch"][idx], g, idx, 1),
            text.label(prof, "kind", g["kind"][idx], g, idx, 3),
            text.label(prof, "category", g["cat"][idx], g, idx, 5),
            text.names(g, idx),
            text.id_numbers(g, idx),
            text.content(g, idx),
            text.agency("vb", g, idx),
            None,
            None,
            text.label(prof, "status", status, g, idx, 7),
        ]
        day, due, res = g["day"][idx], g["due"][idx], g["res_day"][idx]
        due_shown = g["due_shown"][idx]
        room = max(0, self.max_rows - self.rows)
        k = min(room, idx.size)
        # Row.set_cell_* hashes the style of every cell (~25 µs a cell); cells built with the XF index
        # looked up once cost a tenth of that. The first and last cell of each row still go through
        # set_cell_* so that xlwt records the row's bounds and height.
        wb, ws = self.wb, self.ws
        text_xf = wb.add_style(xlwt.Style.default_style)
        date_xf = wb.add_style(self.date)
        add_str = wb.add_str
        text_cols = [(c, list(cols[c][:k])) for c in (2, 3, 4, 5, 6, 7, 8)]
        first, last = list(cols[0][:k]), list(cols[11][:k])
        day_serial = (day[:k] + _EXCEL_OFFSET).tolist()
        due_serial = (due[:k] + _EXCEL_OFFSET).tolist()
        res_serial = (res[:k] + _EXCEL_OFFSET).tolist()
        for i in range(k):
            r = self.r
            row = ws.row(r)
            row.set_cell_text(0, first[i])
            insert = row.insert_cell
            for c, values in text_cols:
                insert(c, StrCell(r, c, text_xf, add_str(values[i])))
            insert(1, NumberCell(r, 1, date_xf, day_serial[i]))
            if due_shown[i]:
                insert(9, NumberCell(r, 9, date_xf, due_serial[i]))
            if closed[i]:
                insert(10, NumberCell(r, 10, text_xf, res_serial[i]))  # a bare serial, as some tools write
            row.set_cell_text(11, last[i])
            self.r += 1
        self.rows += k
        if k < idx.size:
            if self.csv is None:
                self.csv = _CsvOut(self.out_dir / "04b_van_ban_truc_tiep.csv", VB_HEADER)
            cols[1] = ctx.slash(day)
            cols[9] = text.dates_optional(due_shown, due, "slash")
            cols[10] = text.dates_optional(closed, res, "slash")
            self.csv.write_columns([c[k:] for c in cols])

    def close(self) -> list[Path]:
        path = self.out_dir / "04_van_ban_truc_tiep.xls"
        self.wb.save(str(path))
        out = [path]
        if self.csv is not None:
            self.csv.close()
            out.append(self.csv.path)
        return out


# ---------------------------------------------------------------- inspections


def _inspections(ctx: _Context, out_dir: Path) -> Path:
    rng = np.random.default_rng([ctx.seed, 0x1A5])
    u = ctx.units
    n = max(4, round(BASE_INSPECTIONS * ctx.scale))
    work = ctx.days[ctx.is_workday]
    p = 1.12 ** ((work - ctx.start_num) / 365.25)
    day = np.sort(rng.choice(work, n, p=p / p.sum()))
    itype = rng.choice(4, n, p=INSPECTION_TYPE_P)
    missing = [t for t in range(4) if t not in set(itype.tolist())]
    for t, i in zip(missing, rng.choice(n, len(missing), replace=False), strict=False):
        itype[i] = t
    era = ctx.era_of(day)
    ag = np.zeros(n, dtype=np.int64)
    for i in range(n):
        (uni_u, uni_p), (vol_u, vol_p) = ctx.era_inspection[era[i]]
        units, probs = (vol_u, vol_p) if itype[i] == 1 else (uni_u, uni_p)
        if itype[i] == 1:
            probs = probs * np.where(u.worse[units], 3.0, 1.0)
            probs = probs / probs.sum()
        ag[i] = rng.choice(units, p=probs)
    worse = u.worse[ag]
    mean = np.array([1.0, 1.8, 0.5, 1.4])[itype] + 1.2 * worse
    nfind = np.minimum(rng.poisson(mean), 6)
    level = u.level[ag]
    checked = np.where(
        level == LEVEL_DEPARTMENT,
        rng.integers(12, 61, n),
        np.where(level == LEVEL_DISTRICT, rng.integers(15, 46, n), rng.integers(6, 21, n)),
    )
    years = day.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    seq = np.zeros(n, dtype=int)
    for y in np.unique(years):
        m = np.flatnonzero(years == y)
        seq[m] = np.arange(1, m.size + 1)
    decision = rng.integers(1, 250, n)

    # Findings.
    owner = np.repeat(np.arange(n), nfind)
    f = owner.size
    fworse = worse[owner]
    vcat = np.where(fworse, rng.choice(8, f, p=VIOLATION_P_WORSE), rng.choice(8, f, p=VIOLATION_P))
    cum = np.cumsum(HANDLING_P[vcat], axis=1)
    handling = np.minimum((rng.random(f)[:, None] > cum).sum(axis=1), len(HANDLINGS) - 1)
    # Every category and every handling appears at least once (when there are enough findings).
    slots = iter(rng.permutation(f))
    for k in range(len(VIOLATIONS)):
        if k not in set(vcat.tolist()):
            j = next(slots, None)
            if j is not None:
                vcat[j] = k
    for k in range(len(HANDLINGS)):
        if k not in set(handling.tolist()):
            j = next(slots, None)
            if j is not None:
                handling[j] = k
    involved = np.minimum(1 + rng.poisson(0.4, f), checked[owner])
    fday = day[owner]
    remedy_due = fday + rng.choice([15, 30, 45], f)
    state = rng.random(f)
    on_time = fday + 1 + (rng.random(f) * (remedy_due - fday)).astype(int)
    late = remedy_due + rng.integers(1, 41, f)
    remedied = np.where(state < 0.75, on_time, np.where(state < 0.9, late, -1))
    future_due = remedy_due > ctx.today_num
    remedied = np.where(future_due, np.where(state < 0.3, on_time, -1), remedied)
    remedied = np.where(remedied > ctx.today_num, -1, remedied)
    # Pending, late and on-time remedies all present whenever there are findings.
    if f >= 3:
        closed_idx = np.flatnonzero(remedy_due < ctx.today_num - 45)
        if closed_idx.size >= 3:
            a, b, c = closed_idx[:3]
            remedied[a], remedied[b], remedied[c] = on_time[a], min(late[b], ctx.today_num), -1
    ftmpl = rng.integers(0, 1 << 20, f)
    fn = rng.integers(2, 5, f)
    frec = rng.integers(0, len(RECOMMENDATION_TEMPLATES), f)
    var = rng.integers(0, 1 << 30, n)
    fvar = rng.integers(0, 1 << 30, f)

    _plans(ctx, out_dir, day, itype, ag)

    wb = xlsxwriter.Workbook(
        str(out_dir / "05_kiem_tra_cong_vu.xlsx"),
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False, "strings_to_formulas": False},
    )
    wb.set_properties({"author": "Sở Nội vụ", "created": datetime.combine(ctx.today, datetime.min.time())})
    fmts = {
        "bold": wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "font_name": "Times New Roman"}),
        "title": wb.add_format({"bold": True, "align": "center", "font_size": 13, "font_name": "Times New Roman"}),
        "italic": wb.add_format({"italic": True, "align": "center", "font_name": "Times New Roman"}),
        "header": wb.add_format(
            {
                "bold": True,
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
                "font_name": "Times New Roman",
            }
        ),
        "cell": wb.add_format({"border": 1, "font_name": "Times New Roman"}),
        "date": wb.add_format({"border": 1, "num_format": "dd/mm/yyyy", "font_name": "Times New Roman"}),
    }
    ws = wb.add_worksheet("Kết quả kiểm tra")
    ncols = len(INSPECTION_HEADER)
    for c, w in enumerate(INSPECTION_WIDTHS):
        ws.set_column(c, c, w)
    ws.freeze_panes(7, 0)

    def layout(r: int, cells: list[tuple]) -> None:
        for c, v, style, last in cells:
            if last > c:
                ws.merge_range(r, c, r, last, v, fmts[style])
            else:
                ws.write(r, c, v, fmts[style])

    top = _report_top(
        ncols,
        "UBND TỈNH THÁI NGUYÊN",
        "SỞ NỘI VỤ",
        "BÁO CÁO KẾT QUẢ KIỂM TRA CÔNG VỤ, KIỂM TRA CẢI CÁCH HÀNH CHÍNH",
        f"Từ ngày {START_DATE:%d/%m/%Y} đến ngày {ctx.today:%d/%m/%Y}",
    )
    for r, cells in enumerate(top):
        layout(r, cells)
    layout(len(top), [(c, h, "header", c) for c, h in enumerate(INSPECTION_HEADER)])
    r = len(top) + 1
    type_lut = _lut(INSPECTION_TYPE_LABELS, INSPECTION_TYPES)
    vlut = _lut(VIOLATION_LABELS, VIOLATIONS)
    hlut = _lut(HANDLING_LABELS, HANDLINGS)
    style = np.array([0, 0, 0, 0, 0, 0, 2, 2, 2, 2])
    first_finding = np.concatenate([[0], np.cumsum(nfind)])
    stt = 0
    cell, dfmt = fmts["cell"], fmts["date"]
    for i in range(n):
        y = int(years[i])
        iid = f"KT-{y}-{seq[i]:03d}"
        t = INSPECTION_TYPES[itype[i]]
        agency = u.names[style[var[i] % 10], ag[i]]
        if t == "self":
            team, lead = "Tổ tự kiểm tra của đơn vị", u.recs[ag[i]]["name"]
        elif t == "joint":
            team, lead = f"Đoàn kiểm tra liên ngành theo Quyết định số {decision[i]}/QĐ-UBND", "Thanh tra tỉnh"
        elif t == "unannounced":
            team, lead = f"Tổ kiểm tra đột xuất theo Quyết định số {decision[i]}/QĐ-SNV", "Sở Nội vụ"
        else:
            team, lead = f"Đoàn kiểm tra công vụ theo Quyết định số {decision[i]}/QĐ-UBND", "Sở Nội vụ"
        base = [iid, int(day[i]) + _EXCEL_OFFSET, type_lut[itype[i], var[i] % 12], team, lead, agency, int(checked[i])]
        finds = range(first_finding[i], first_finding[i + 1]) or [None]
        for k, j in enumerate(finds, start=1):
            stt += 1
            ws.write_number(r, 0, stt, cell)
            ws.write_string(r, 1, base[0], cell)
            ws.write_number(r, 2, base[1], dfmt)
            for c, v in zip((3, 4, 5, 6), base[2:6], strict=True):
                ws.write_string(r, c, v, cell)
            ws.write_number(r, 7, base[6], cell)
            if j is None:
                for c in range(8, ncols):
                    ws.write_blank(r, c, None, cell)
            else:
                vc = VIOLATIONS[vcat[j]]
                tl = VIOLATION_TEMPLATES[vc]
                ws.write_string(r, 8, f"{iid}-VP{k:02d}", cell)
                ws.write_string(r, 9, vlut[vcat[j], fvar[j] % 12], cell)
                ws.write_string(r, 10, tl[ftmpl[j] % len(tl)].format(n=fn[j]), cell)
                ws.write_number(r, 11, int(involved[j]), cell)
                ws.write_string(r, 12, hlut[handling[j], (fvar[j] >> 4) % 12], cell)
                ws.write_string(r, 13, RECOMMENDATION_TEMPLATES[frec[j]], cell)
                ws.write_number(r, 14, int(remedy_due[j]) + _EXCEL_OFFSET, dfmt)
                if remedied[j] >= 0:
                    ws.write_number(r, 15, int(remedied[j]) + _EXCEL_OFFSET, dfmt)
                else:
                    ws.write_blank(r, 15, None, cell)
            r += 1
    signers = tuple(rng.choice(SIGNERS, 2, replace=False).tolist())
    bottom = _report_bottom(
        ncols, f"Tổng cộng: {_fmt_vn_int(n)} cuộc kiểm tra, {_fmt_vn_int(f)} vi phạm", ctx.today, signers
    )
    for k, cells in enumerate(bottom):
        layout(r + 1 + k, cells)
    wb.close()
    return out_dir / "05_kiem_tra_cong_vu.xlsx"


# ---------------------------------------------------------------- the annual inspection plan

PLAN_HEADER = [
    "STT",
    "Năm",
    "Quý",
    "Tháng",
    "Hình thức kiểm tra",
    "Đơn vị chủ trì",
    "Cơ quan được kiểm tra",
    "Nội dung kiểm tra",
]
PLAN_WIDTHS = [6, 8, 6, 7, 18, 22, 40, 60]
PLAN_TOPICS = [
    "Việc chấp hành kỷ luật, kỷ cương hành chính, giờ giấc làm việc",
    "Thực hiện quy tắc ứng xử, văn hóa công sở",
    "Giải quyết thủ tục hành chính tại bộ phận một cửa",
    "Công tác tiếp nhận, xử lý phản ánh, kiến nghị của người dân",
    "Thực hiện nhiệm vụ cải cách hành chính năm {year}",
    "Việc đeo thẻ công chức, niêm yết công khai thủ tục hành chính",
]
_PLAN_TYPES = {0: "Theo kế hoạch", 2: "Tự kiểm tra", 3: "Phối hợp"}
_PLAN_LEAD = {0: "Sở Nội vụ", 3: "Thanh tra tỉnh"}
PLAN_DONE_IN_PLAN = 0.8  # share of planned / joint / self inspections that are in the plan
PLAN_LATE = 0.25  # of those, share planned for an earlier quarter than the one they were held in
PLAN_NOT_DONE = 0.2  # extra plan rows (per planned inspection) with no inspection behind them


def _plan_valid(u: _Units, i: int, on: date) -> bool:
    vf, vt = u.valid_from[i], u.valid_to[i]
    return (vf is None or vf <= on) and (vt is None or on <= vt)


def _plans(ctx: _Context, out_dir: Path, day: np.ndarray, itype: np.ndarray, ag: np.ndarray) -> list[Path]:
    """One plan workbook per year (08_ke_hoach_kiem_tra_<year>.xlsx), drawn from the inspections:
    most planned / joint / self-inspections are in the plan of their quarter, some in an earlier
    quarter (done late), some in no plan (unplanned), and extra rows were never done (overdue, or
    not yet due in the current year). Loaded by `python -m etl plan` (etl/plan.py)."""
    rng = np.random.default_rng([ctx.seed, 0x91A])
    u = ctx.units
    paths = []
    years = day.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    for year in sorted(set(years.tolist())):
        rows: list[tuple[int, int, int, str, str]] = []  # quarter, month (0: none), type, lead, agency index
        idx = np.flatnonzero((years == year) & (itype != 1))
        for i in idx:
            if rng.random() >= PLAN_DONE_IN_PLAN:
                continue  # held, but not in the plan
            held = _ddate(int(day[i]))
            q = (held.month - 1) // 3 + 1
            if q > 1 and rng.random() < PLAN_LATE:
                earlier = int(rng.integers(1, q))
                start = date(year, 3 * (earlier - 1) + 1, 1)
                if _plan_valid(u, int(ag[i]), start) and (start >= REFORM_DATE) == (held >= REFORM_DATE):
                    q = earlier
            month = 0
            if rng.random() < 0.3:  # some rows give the month instead of (as well as) the quarter
                month = int(rng.integers(3 * (q - 1) + 1, 3 * q + 1))
                if _ddate(int(day[i])) < date(year, month, 1):
                    month = 0
            rows.append((q, month, int(itype[i]), int(ag[i])))
        n_extra = max(1, round(PLAN_NOT_DONE * len(idx)))
        pool = [
            k for k in range(len(u.valid_from)) if u.level[k] in (LEVEL_COMMUNE, LEVEL_DEPARTMENT) and u.recs[k]["pool"]
        ]
        for _ in range(n_extra):
            q = int(rng.integers(1, 5))
            start = date(year, 3 * (q - 1) + 1, 1)
            due = date(year + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
            ok = [k for k in pool if _plan_valid(u, k, start) and _plan_valid(u, k, due)]
            if ok:
                rows.append((q, 0, int(rng.choice([0, 0, 2, 3])), int(rng.choice(ok))))
        if not rows:
            continue
        rows.sort(key=lambda r: (r[0], r[1], r[2], str(u.names[2, r[3]])))
        path = out_dir / f"08_ke_hoach_kiem_tra_{year}.xlsx"
        wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_urls": False})
        wb.set_properties({"author": "Sở Nội vụ", "created": datetime.combine(ctx.today, datetime.min.time())})
        title = wb.add_format({"bold": True, "align": "center", "font_size": 13, "font_name": "Times New Roman"})
        bold = wb.add_format({"bold": True, "align": "center", "font_name": "Times New Roman"})
        head = wb.add_format(
            {"bold": True, "border": 1, "text_wrap": True, "align": "center", "font_name": "Times New Roman"}
        )
        cell = wb.add_format({"border": 1, "font_name": "Times New Roman", "text_wrap": True})
        ws = wb.add_worksheet(f"Kế hoạch {year}")
        for c, w in enumerate(PLAN_WIDTHS):
            ws.set_column(c, c, w)
        last = len(PLAN_HEADER) - 1
        ws.merge_range(0, 0, 0, 2, "UBND TỈNH THÁI NGUYÊN", bold)
        ws.merge_range(0, 4, 0, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
        ws.merge_range(1, 0, 1, 2, "SỞ NỘI VỤ", bold)
        ws.merge_range(1, 4, 1, last, "Độc lập - Tự do - Hạnh phúc", bold)
        ws.merge_range(3, 0, 3, last, f"KẾ HOẠCH KIỂM TRA CÔNG VỤ, KIỂM TRA CẢI CÁCH HÀNH CHÍNH NĂM {year}", title)
        ws.write_row(5, 0, PLAN_HEADER, head)
        r = 6
        for n, (q, month, t, k) in enumerate(rows, start=1):
            lead = _PLAN_LEAD.get(t, u.recs[k]["name"])
            topic = PLAN_TOPICS[int(rng.integers(len(PLAN_TOPICS)))].format(year=year)
            values = [n, year, fmt_roman(q), month or "", _PLAN_TYPES[t], lead, str(u.names[2, k]), topic]
            for c, v in enumerate(values):
                if isinstance(v, int):
                    ws.write_number(r, c, v, cell)
                elif v == "":
                    ws.write_blank(r, c, None, cell)
                else:
                    ws.write_string(r, c, v, cell)
            r += 1
        ws.merge_range(r + 1, 4, r + 1, last, "GIÁM ĐỐC", bold)
        wb.close()
        paths.append(path)
    return paths


def fmt_roman(q: int) -> str:
    return ["I", "II", "III", "IV"][q - 1]


# ---------------------------------------------------------------- the dirty file


def _vary_spelling(u: _Units, i: int, form: int) -> str:
    """An unusual but resolvable spelling: no diacritics, 'Ủy ban nhân dân', or stray spaces."""
    if u.fold_clash[i]:
        form = 2
    if form == 0 or (form == 1 and u.level[i] == LEVEL_DEPARTMENT):
        return strip_diacritics(str(u.names[0, i]))
    if form == 1:
        return str(u.names[1, i])
    return "  " + str(u.names[0, i]).replace(" ", "   ", 2) + " "


def _render_csv(rows: list[list[str]]) -> list[str]:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().rstrip("\n").split("\n")


def _dirty(ctx: _Context, out_dir: Path) -> Path:
    """07_phan_anh_loi.csv: hotline layout, good rows mixed with the defects counted in DIRTY_EXPECTED."""
    rng = np.random.default_rng([ctx.seed, 0xD127])
    u = ctx.units
    E = DIRTY_EXPECTED
    today = ctx.today_num
    lo = max(ctx.start_num, today - 720)
    reform = min(_dnum(REFORM_DATE), today)
    defects = [
        k
        for k in (
            "missing-id",
            "nonexistent-date",
            "unparseable-date",
            "future-date",
            "resolved-before-received",
            "unknown-agency",
            "misspelled-agency",
        )
        for _ in range(E[k])
    ]
    written_once = E["rows"] - E["duplicate-id"]
    kinds = ["good"] * (written_once - len(defects)) + defects
    kinds = [kinds[i] for i in rng.permutation(len(kinds))]
    good = np.array([i for i, k in enumerate(kinds) if k == "good"])
    pick = rng.permutation(good).tolist()
    varied = set(pick[: E["varied-spelling"]])
    dup_sources = sorted(pick[E["varied-spelling"] : E["varied-spelling"] + E["duplicate-id"]])
    # Rows whose date the loader cannot use are matched with no date: name units that exist today.
    cur_units, cur_p = ctx.era_pool[-1]
    nonexistent = iter(["31/02/2024", "31/02/2024 08:30", "31/02/2024"] * 10)
    unparseable = iter(["hôm qua", "ngày 5 tháng 3", "??/??/2024"] * 10)
    labels = PROFILES["ddn"]
    statuses = ["Đang xử lý", "Đã xử lý", "Đã xử lý", "Đã xử lý", "Quá hạn"]
    rows: list[list[str]] = []
    for i, k in enumerate(kinds):
        d = int(rng.integers(lo, today + 1))
        if k == "misspelled-agency":
            d = int(rng.integers(reform, today + 1))
        if k == "resolved-before-received":
            d = max(d, lo + 10)
        e = int(ctx.era_of(np.array([d]))[0])
        units, p = (
            ctx.era_pool[e] if k not in ("nonexistent-date", "unparseable-date", "future-date") else (cur_units, cur_p)
        )
        ag = int(rng.choice(units, p=p))
        agency = _vary_spelling(u, ag, int(rng.integers(3))) if i in varied else str(u.names[0, ag])
        recv = f"{ctx.d_slash[d - ctx.d0]} {int(rng.integers(7, 21)):02d}:{int(rng.integers(60)):02d}"
        cat = CATEGORIES[int(rng.integers(len(CATEGORIES)))]
        tl = CONTENT_TEMPLATES[cat]
        content = tl[int(rng.integers(len(tl)))].format(p=u.place[ag] or "xã Tân Cương", n=3, y=2001)
        fem = bool(rng.random() < 0.5)
        mids, givs = (MIDDLE_F, GIVEN_F) if fem else (MIDDLE_M, GIVEN_M)
        name = " ".join(
            [
                SURNAMES[int(rng.integers(len(SURNAMES)))],
                mids[int(rng.integers(len(mids)))],
                givs[int(rng.integers(len(givs)))],
            ]
        )
        phone = f"{PHONE_PREFIXES[int(rng.integers(len(PHONE_PREFIXES)))]}{int(rng.integers(10**7)):07d}"
        pu, pp = ctx.era_place[e]
        address = f"Xóm {int(rng.integers(1, 20))}, {u.address[int(rng.choice(pu, p=pp))]}"
        st = "Đang xử lý" if i in dup_sources else statuses[int(rng.integers(len(statuses)))]
        resolved = ctx.d_slash[min(d + int(rng.integers(0, 20)), today) - ctx.d0] if st == "Đã xử lý" else ""
        cid = f"PAL-{_ddate(d).year}-{i + 1:04d}"
        if k == "missing-id":
            cid = ""
        elif k == "nonexistent-date":
            recv, resolved, st = next(nonexistent), "", "Đang xử lý"
        elif k == "unparseable-date":
            recv, resolved, st = next(unparseable), "", "Đang xử lý"
        elif k == "future-date":
            recv = f"{ctx.d_slash[today + int(rng.integers(3, 40)) - ctx.d0]} 09:15"
            resolved, st = "", "Mới tiếp nhận"
        elif k == "resolved-before-received":
            resolved, st = ctx.d_slash[d - int(rng.integers(2, 9)) - ctx.d0], "Đã xử lý"
        elif k == "unknown-agency":
            agency = DIRTY_UNKNOWN_AGENCY
        elif k == "misspelled-agency":
            agency = DIRTY_MISSPELLED_AGENCY
        rows.append(
            [
                cid,
                recv,
                labels["channel"]["hotline"][0],
                "Phản ánh",
                labels["category"][cat][0],
                name,
                phone,
                address,
                content,
                agency,
                "",
                resolved,
                st,
                "",
            ]
        )
    # The same IDs again further down, now resolved: the later row wins.
    for n, i in enumerate(reversed(dup_sources)):
        later = list(rows[i])
        d = _dnum(datetime.strptime(later[1][:10], "%d/%m/%Y").date())
        later[11] = ctx.d_slash[min(d + 5 + n, today) - ctx.d0]
        later[12], later[13] = "Đã xử lý", "Hài lòng"
        rows.insert(min(len(rows), i + 25 + 10 * n), later)
    lines = _render_csv(rows)
    for n, pos in enumerate([15, 60, 110, 170]):
        lines.insert(pos, "" if n % 2 == 0 else "," * (len(DDN_HEADER) - 1))
    path = out_dir / "07_phan_anh_loi.csv"
    body = "\r\n".join([*_render_csv([DDN_HEADER]), *lines]) + "\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    return path


# ---------------------------------------------------------------- entry point


def _update_candidates(g: dict, today: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of files 01/02 received in the last UPDATE_WINDOW_DAYS whose status changed between the export
    that wrote them (a day between receipt and resolution) and today, with that export's day."""
    idx = np.flatnonzero(
        ((g["fam"] == FAM_DDN) | (g["fam"] == FAM_APP))
        & (g["day"] >= today - UPDATE_WINDOW_DAYS)
        & (g["day"] <= today - 7)
    )
    day = g["day"][idx]
    end = np.minimum(g["res_day"][idx], today)
    snap = day + ((g["var"][idx] >> 24) % 64) * (end - day) // 64
    s0, c0, _ = _state(g, idx, snap)
    s1, c1, _ = _state(g, idx, today)
    keep = (s0 != s1) | (c0 != c1)
    return idx[keep], snap[keep]


def _signers(rng: np.random.Generator) -> tuple[str, str]:
    a, b = rng.choice(len(SIGNERS), 2, replace=False)
    return SIGNERS[a], SIGNERS[b]


def write_demo_exports(out_dir: Path, scale: float = 1.0, seed: int = 2025, today: date | None = None) -> list[Path]:
    """Write the demo exports into out_dir; return their paths in the order they must be loaded."""
    # The .xls workbook keeps up to 65 000 rows of cell objects alive; with the cyclic garbage collector on,
    # every collection walks them all again (a third of the run time at scale 10). Nothing here makes cycles.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _write_demo_exports(Path(out_dir), scale, seed, today or date.today())
    finally:
        if was_enabled:
            gc.enable()


def _write_demo_exports(out_dir: Path, scale: float, seed: int, today: date) -> list[Path]:
    if today < date(START_DATE.year, 3, 1):
        raise ValueError(f"today must be on or after {START_DATE.year}-03-01, got {today}")
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = _Context(scale, seed, today)
    text = _Text(ctx)

    # Pass 1: which rows the next export (file 06) repeats with a new status. Years are regenerated in
    # pass 2 from the same seeds rather than kept, so memory holds one year at a time.
    counts = {
        y: (
            _update_candidates(_gen_year(ctx, y), ctx.today_num)[0].size
            if y >= _ddate(ctx.today_num - UPDATE_WINDOW_DAYS).year
            else 0
        )
        for y in ctx.years
    }
    total = sum(counts.values())
    want = min(total, round(BASE_UPDATES * scale))
    chosen = np.sort(np.random.default_rng([seed, 0x06]).choice(total, want, replace=False))
    offsets = np.cumsum([0] + [counts[y] for y in ctx.years])
    picked = {
        y: chosen[(chosen >= offsets[k]) & (chosen < offsets[k + 1])] - offsets[k] for k, y in enumerate(ctx.years)
    }

    # Pass 2: write, one year at a time, in chunks.
    ddn = _CsvOut(out_dir / "01_duong_day_nong.csv", DDN_HEADER)
    em = _EmWriter(out_dir)
    vb = _VbWriter(out_dir, XLS_MAX_ROWS)
    app_paths: list[Path] = []
    up = _CsvOut(out_dir / f"06_cap_nhat_{today:%Y-%m}.csv", UPDATE_HEADER)
    signers_rng = np.random.default_rng([seed, 0x5161])
    for year in ctx.years:
        g = _gen_year(ctx, year)
        as_of = np.full(g["n"], ctx.today_num)
        if counts[year]:
            cand, snaps = _update_candidates(g, ctx.today_num)
            upd = cand[picked[year]]
            as_of[upd] = snaps[picked[year]]  # files 01/02 show these rows as an earlier export did
        else:
            upd = np.array([], dtype=np.int64)
        if upd.size:
            st, cl, sa = _state(g, upd, ctx.today_num)
            up.write_columns(text.ddn_columns(g, upd, st, cl, sa, style="update", with_email=True))
        first, last = date(year, 1, 1), min(ctx.today, date(year, 12, 31))
        app: _AppWriter | None = None
        part = 0
        for fam, writer in ((FAM_DDN, None), (FAM_EM, em), (FAM_VB, vb), (FAM_APP, None)):
            idx_all = np.flatnonzero(g["fam"] == fam)
            for lo in range(0, idx_all.size, CHUNK_ROWS):
                idx = idx_all[lo : lo + CHUNK_ROWS]
                st, cl, sa = _state(g, idx, as_of[idx])
                if fam == FAM_DDN:
                    ddn.write_columns(text.ddn_columns(g, idx, st, cl, sa))
                elif fam != FAM_APP:
                    writer.write(text, g, idx, st, cl, sa)
                else:
                    pos = 0
                    while pos < idx.size:
                        if app is None or app.written >= XLSX_MAX_ROWS:
                            if app is not None:
                                app_paths.append(app.close(_signers(signers_rng)))
                            part += 1
                            app = _AppWriter(ctx, out_dir, year, part, first, last)
                        take = slice(pos, pos + min(idx.size - pos, XLSX_MAX_ROWS - app.written))
                        app.write(text, g, idx[take], st[take], cl[take], sa[take])
                        pos = take.stop
        if app is not None:
            app_paths.append(app.close(_signers(signers_rng)))
        del g
    ddn.close()
    paths = [ddn.path, *app_paths, *em.close(), *vb.close(), _inspections(ctx, out_dir)]
    up.close()
    paths += [up.path, _dirty(ctx, out_dir)]
    return paths
