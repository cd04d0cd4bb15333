"""Typed errors and the bilingual templates of every rejection reason."""

from __future__ import annotations

from dataclasses import dataclass

from cchc import codebook


class EtlError(Exception):
    """Base of errors the CLI turns into messages and exit codes.

    `code` is a stable kebab-case reason type ('memory-limit', 'not-a-regular-file', ...) for tests and --json.
    """

    code = "error"

    def __init__(self, vi: str, en: str, code: str | None = None):
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en
        if code is not None:
            self.code = code


class UnreadableFile(EtlError):
    """The file cannot be read at all, or is refused: nothing of it is loaded."""

    code = "unreadable"


class WarehouseBusy(EtlError):
    """The warehouse file is held open (locked) by another program."""

    code = "warehouse-locked"


class MappingError(EtlError):
    """A mapping file is malformed or does not fit the export."""


# One template per rejection type (stable kebab-case code -> (vi, en)).
TEMPLATES: dict[str, tuple[str, str]] = {
    "missing-id": ("Thiếu mã (cột {column})", "Missing ID (column {column})"),
    "missing-value": ("Thiếu giá trị bắt buộc ở cột {column}", "Missing required value in column {column}"),
    "unparseable-date": (
        "Không đọc được ngày '{value}' ở cột {column} (dùng dd/mm/yyyy)",
        "Cannot read date '{value}' in column {column} (use dd/mm/yyyy)",
    ),
    "nonexistent-date": (
        "Ngày '{value}' ở cột {column} không tồn tại",
        "Date '{value}' in column {column} does not exist",
    ),
    "future-date": (
        "Ngày '{value}' ở cột {column} nằm trong tương lai",
        "Date '{value}' in column {column} is in the future",
    ),
    "resolved-before-received": (
        "Ngày hoàn thành {value} trước ngày tiếp nhận {other}",
        "Resolved on {value}, before it was received on {other}",
    ),
    "remedied-before-inspection": (
        "Ngày khắc phục {value} trước ngày kiểm tra {other}",
        "Remedied on {value}, before the inspection on {other}",
    ),
    "unknown-agency": (
        "Không tìm thấy cơ quan '{value}'{suggest_vi}",
        "Unknown agency '{value}'{suggest_en}",
    ),
    "ambiguous-agency": (
        "Tên cơ quan '{value}' trùng nhiều đơn vị, ghi rõ huyện/xã{suggest_vi}",
        "Agency name '{value}' matches several units, add the district{suggest_en}",
    ),
    "unknown-value": (
        "Giá trị '{value}' ở cột {column} không có trong danh mục ({allowed})",
        "Value '{value}' in column {column} is not in the vocabulary ({allowed})",
    ),
    "not-a-number": (
        "'{value}' ở cột {column} không phải là số",
        "'{value}' in column {column} is not a number",
    ),
    "personal-data-in-id": (
        "Mã ở cột {column} chứa thông tin cá nhân (số điện thoại, email, số CCCD hoặc họ tên); giá trị không được lưu",
        "The ID in column {column} holds personal data (a phone, e-mail, ID number or name); its value is not kept",
    ),
    "implausible-date": (
        "Ngày '{value}' ở cột {column} nằm ngoài khoảng hợp lý {allowed}",
        "Date '{value}' in column {column} is outside the plausible range {allowed}",
    ),
    "number-out-of-range": (
        "Số '{value}' ở cột {column} nằm ngoài khoảng hợp lý {allowed}",
        "Number '{value}' in column {column} is outside the plausible range {allowed}",
    ),
    "cell-too-long": (
        "Ô ở cột {column} dài {other} ký tự, quá giới hạn {allowed} (max_cell_chars); giá trị không được lưu",
        "The cell in column {column} is {other} characters long, over the {allowed} limit (max_cell_chars); "
        "its value is not kept",
    ),
    "invalid-encoding": (
        "Ô ở cột {column} có byte không phải UTF-8 (tệp bị lỗi mã hóa ở dòng này); giá trị không được lưu",
        "The cell in column {column} holds bytes that are not UTF-8 (the file's encoding is broken on this row); "
        "its value is not kept",
    ),
    "duplicate-id": (
        "Mã '{value}' lặp lại trong tệp; giữ dòng {other} (dòng sau cùng)",
        "ID '{value}' repeated in the file; row {other} (the last one) is kept",
    ),
}


# Every rejection type is a code of the codebook (section rejection_type, with its short label).
REJECTION_TYPES = codebook.require("rejection_type", TEMPLATES)


@dataclass(frozen=True)
class Rejection:
    row_number: int
    column_name: str | None
    raw_value: str | None
    error_type: str
    reason_vi: str
    reason_en: str


def reject(
    row_number: int,
    error_type: str,
    column: str | None = None,
    value: object = None,
    other: object = None,
    suggestions: list[str] | None = None,
    allowed: str = "",
) -> Rejection:
    """Build a Rejection from its type's template."""
    vi, en = TEMPLATES[error_type]
    sv = se = ""
    if suggestions:
        names = ", ".join(suggestions)
        sv, se = f"; có phải: {names}?", f"; did you mean: {names}?"
    raw = None if value is None else str(value)[:200]
    fields = dict(
        column=column or "",
        value=raw if raw is not None else "",
        other=other,
        suggest_vi=sv,
        suggest_en=se,
        allowed=allowed,
    )
    return Rejection(row_number, column, raw, error_type, vi.format(**fields), en.format(**fields))
