"""Stream rows out of CSV and Excel exports as (row number as the user sees it, cells)."""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from etl.errors import UnreadableFile
from etl.textnorm import nfc

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
_CHUNK = 1 << 20

csv.field_size_limit(1 << 24)


@dataclass
class Sheet:
    """One table of a file: a CSV, or one sheet of a workbook."""

    name: str | None
    encoding: str | None
    rows: Iterator[tuple[int, list[object]]]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else Windows-1258."""
    with open(path, "rb") as f:
        head = f.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1258"
    return "utf-8"


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
        counts = {d: sum(ln.count(d) for ln in lines) for d in ",;\t|"}
        return max(counts, key=counts.get) if any(counts.values()) else ","


def _cell(value: str) -> str | None:
    if value == "":
        return None
    return value if value.isascii() else nfc(value)


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[object]]]:
    with open(path, encoding=encoding, newline="") as f:
        for n, record in enumerate(csv.reader(f, delimiter=delimiter), start=1):
            yield n, [_cell(v) for v in record]


def read_csv(path: Path) -> list[Sheet]:
    encoding = detect_encoding(path)
    try:
        with open(path, encoding=encoding, newline="") as f:
            sample = f.read(64 * 1024)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{path.name}: không giải mã được ({exc})", f"{path.name}: cannot decode ({exc})") from exc
    if "\x00" in sample:
        raise UnreadableFile(f"{path.name}: không phải tệp văn bản CSV", f"{path.name}: not a CSV text file")
    return [Sheet(None, encoding, _csv_rows(path, encoding, _sniff_delimiter(sample)))]


def _excel_rows(sheet) -> Iterator[tuple[int, list[object]]]:
    first_row = sheet.start[0] if sheet.start else 0
    for n, record in enumerate(sheet.iter_rows(), start=first_row + 1):
        yield n, [_excel_cell(v) for v in record]


def _excel_cell(value: object) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = value.strip()
        return (value if value.isascii() else nfc(value)) or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_excel(path: Path) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every corrupt-file case
        raise UnreadableFile(
            f"{path.name}: không mở được tệp Excel ({exc})", f"{path.name}: cannot open the Excel file ({exc})"
        ) from exc
    sheets = []
    for name in wb.sheet_names:
        try:
            sheet = wb.get_sheet_by_name(name)
        except Exception as exc:
            raise UnreadableFile(
                f"{path.name}: không đọc được trang '{name}' ({exc})",
                f"{path.name}: cannot read sheet '{name}' ({exc})",
            ) from exc
        sheets.append(Sheet(name, None, _excel_rows(sheet)))
    return sheets


def open_sheets(path: Path) -> list[Sheet]:
    """All tables in a file, lazily streamed."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(f"{path}: không tìm thấy tệp", f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_excel(path)
    if suffix in CSV_SUFFIXES:
        return read_csv(path)
    with open(path, "rb") as f:
        magic = f.read(8)
    if magic.startswith(b"PK") or magic.startswith(b"\xd0\xcf\x11\xe0"):
        return read_excel(path)
    return read_csv(path)
