"""Stream rows out of CSV and Excel exports as (row number as the user sees it, cells).

Reading runs in a child process (etl.sandbox) with memory and time limits, so that a hostile file
(a zip bomb, a sheet that declares a billion cells, a reader that aborts) costs that child, never the
loader or the dashboard. `open_sheets` is the isolated entry point; `read_sheets_here` is what the child
runs. Cells are cleaned on the way: control characters removed, cells longer than `max_cell_chars` and
text with bytes that are not UTF-8 replaced by an InvalidCell that rejects their row.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from etl.errors import UnreadableFile
from etl.settings import Settings, settings
from etl.textnorm import nfc

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
_CHUNK = 1 << 20

# Removed from every text cell: C0 controls except tab/newline/CR, DEL, C1 controls, stray BOMs.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
_SURROGATE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Letters of Vietnamese text as Windows-1258 decodes them (precomposed vowels and combining tone marks).
_VIETNAMESE = set(
    "àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
    "\u0300\u0301\u0303\u0309\u0323"
)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')


class InvalidCell:
    """A cell that cannot be taken as it is: its whole row is rejected (the value itself is never kept)."""

    __slots__ = ("kind", "length")

    def __init__(self, kind: str, length: int = 0):
        self.kind = kind  # 'encoding' | 'too-long'
        self.length = length

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"InvalidCell({self.kind!r}, {self.length})"

    def __reduce__(self):
        return (InvalidCell, (self.kind, self.length))


@dataclass
class Sheet:
    """One table of a file: a CSV, or one sheet of a workbook."""

    name: str | None
    encoding: str | None
    rows: Iterator[tuple[int, list[object]]]
    close: Callable[[], None] = field(default=lambda: None)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


_HEX_BYTES = re.compile(r"(?:\\x[0-9a-fA-F]{2})+")


def _why(exc: Exception) -> str:
    """A reader's error message without the file bytes some of them quote (they could be personal data)."""
    return _HEX_BYTES.sub("…", str(exc))[:160]


def _refuse(path: Path, code: str, vi: str, en: str) -> UnreadableFile:
    return UnreadableFile(f"{path.name}: {vi}", f"{path.name}: {en}", code)


def check_regular_file(path: Path, s: Settings | None = None) -> int:
    """Refuse at once anything but a regular file of a plausible size; return its size in bytes."""
    s = s or settings()
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise UnreadableFile(f"{path}: không tìm thấy tệp", f"{path}: file not found", "not-found") from exc
    except OSError as exc:
        raise UnreadableFile(
            f"{path}: không đọc được tệp ({exc.strerror})", f"{path}: cannot read the file ({exc.strerror})", "os-error"
        ) from exc
    if not stat.S_ISREG(st.st_mode):
        what = "thư mục / a directory" if stat.S_ISDIR(st.st_mode) else "tệp đặc biệt / a special file"
        vi, en = what.split(" / ")
        raise _refuse(
            path,
            "not-a-regular-file",
            f"không phải tệp dữ liệu thông thường ({vi}); chỉ đọc tệp thường",
            f"not a regular file ({en}); only regular files are read",
        )
    if st.st_size > s.max_file_mb * 1024 * 1024:
        raise _refuse(
            path,
            "file-too-large",
            f"tệp {st.st_size / 2**20:,.0f} MB, vượt giới hạn {s.max_file_mb} MB (max_file_mb)",
            f"file is {st.st_size / 2**20:,.0f} MB, over the {s.max_file_mb} MB limit (max_file_mb)",
        )
    return st.st_size


# ---------------------------------------------------------------- cells


def text_cell(value: str, s: Settings) -> object:
    """One text cell: None when blank, NFC, control characters removed; InvalidCell when unusable."""
    if value == "":
        return None
    if len(value) > s.max_cell_chars:
        return InvalidCell("too-long", len(value))
    if not value.isascii():
        if _SURROGATE.search(value):
            return InvalidCell("encoding")
        value = nfc(_CONTROL.sub("", value))
    elif not value.isprintable():
        value = _CONTROL.sub("", value)
    return value or None


# ---------------------------------------------------------------- CSV


def detect_encoding(path: Path) -> str:
    """The text encoding of a CSV.

    UTF-8 (with or without BOM) when it decodes as UTF-8, or when its few undecodable bytes are strays
    among valid UTF-8 text (those rows are rejected, the rest loads); Windows-1258 when every non-ASCII
    character it decodes to is a Vietnamese letter or tone mark; else UTF-8 (undecodable rows rejected).
    """
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    bad = good = 0
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            text = decoder.decode(chunk)
            n_bad = len(_SURROGATE.findall(text))
            bad += n_bad
            good += len(_NON_ASCII.findall(text)) - n_bad
        text = decoder.decode(b"", final=True)
        bad += len(_SURROGATE.findall(text))
    if bad == 0 or good >= bad:
        return "utf-8"
    decoder = codecs.getincrementaldecoder("cp1258")()
    viet = other = 0
    try:
        with open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                for ch in _NON_ASCII.findall(decoder.decode(chunk)):
                    if ch in _VIETNAMESE:
                        viet += 1
                    else:
                        other += 1
    except UnicodeDecodeError:
        return "utf-8"
    return "cp1258" if viet and other * 10 <= viet else "utf-8"


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
        counts = {d: sum(ln.count(d) for ln in lines) for d in ",;\t|"}
        return max(counts, key=counts.get) if any(counts.values()) else ","


def _errors_for(encoding: str) -> str:
    return "surrogateescape" if encoding.startswith("utf-8") else "strict"


def _csv_rows(path: Path, encoding: str, delimiter: str, s: Settings) -> Iterator[tuple[int, list[object]]]:
    with open(path, encoding=encoding, errors=_errors_for(encoding), newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        n = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a NUL inside a quoted field the parser cannot take
                raise _refuse(
                    path,
                    "csv-syntax",
                    f"lỗi cú pháp CSV gần dòng {reader.line_num} ({_why(exc)})",
                    f"CSV syntax error near line {reader.line_num} ({_why(exc)})",
                ) from exc
            n += 1  # the row as Excel shows the CSV (a quoted cell may span several lines of the text)
            yield n, [text_cell(v, s) for v in record]


def read_csv(path: Path, s: Settings) -> list[Sheet]:
    encoding = detect_encoding(path)
    try:
        with open(path, encoding=encoding, errors=_errors_for(encoding), newline="") as f:
            sample = f.read(64 * 1024)
    except UnicodeDecodeError as exc:
        raise _refuse(path, "encoding", f"không giải mã được ({exc.reason})", f"cannot decode ({exc.reason})") from exc
    controls = len(_CONTROL.findall(sample))
    if sample.count("\x00") > 8 or controls * 20 > len(sample):
        raise _refuse(
            path,
            "binary-file",
            "không phải tệp văn bản CSV (có nhiều ký tự điều khiển / NUL)",
            "not a CSV text file (many control / NUL characters)",
        )
    csv.field_size_limit(max(s.max_file_mb, 1) * 1024 * 1024)
    return [Sheet(None, encoding, _csv_rows(path, encoding, _sniff_delimiter(sample), s))]


# ---------------------------------------------------------------- Excel


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def check_zip(path: Path, s: Settings) -> None:
    """Refuse a zipped workbook whose parts unpack to more than the limits, before anything is unpacked."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            if total > s.max_uncompressed_mb * 1024 * 1024:
                raise _refuse(
                    path,
                    "zip-too-large",
                    f"giải nén ra {total / 2**20:,.0f} MB, vượt giới hạn {s.max_uncompressed_mb} MB "
                    "(max_uncompressed_mb)",
                    f"unpacks to {total / 2**20:,.0f} MB, over the {s.max_uncompressed_mb} MB limit "
                    "(max_uncompressed_mb)",
                )
            for i in infos:
                ratio = i.file_size / max(i.compress_size, 1)
                if i.file_size > 10 * 2**20 and ratio > s.max_compression_ratio:
                    raise _refuse(
                        path,
                        "zip-bomb",
                        f"phần '{i.filename[:60]}' nén {ratio:,.0f} lần (quá {s.max_compression_ratio}): "
                        "nghi là bom nén",
                        f"part '{i.filename[:60]}' is compressed {ratio:,.0f} times (over "
                        f"{s.max_compression_ratio}): looks like a zip bomb",
                    )
            for i in infos:
                if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"):
                    with zf.open(i) as part:
                        head = part.read(8192)
                    _check_dimension(path, i.filename, head, s)
    except zipfile.BadZipFile as exc:
        raise _refuse(
            path,
            "corrupt-workbook",
            f"không mở được tệp Excel ({_why(exc)})",
            f"cannot open the Excel file ({_why(exc)})",
        ) from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise _refuse(
            path,
            "corrupt-workbook",
            f"không mở được tệp Excel ({_why(exc)})",
            f"cannot open the Excel file ({_why(exc)})",
        ) from exc


def _check_dimension(path: Path, part: str, head: bytes, s: Settings) -> None:
    m = _DIMENSION.search(head)
    if not m:
        return
    c1, r1, c2, r2 = m.group(1), int(m.group(2)), m.group(3), m.group(4)
    rows = (int(r2) - r1 + 1) if r2 else 1
    cols = (_column_number(c2) - _column_number(c1) + 1) if c2 else 1
    if rows * cols > s.max_cells:
        raise _refuse(
            path,
            "too-many-cells",
            f"trang '{part}' khai báo {rows:,} dòng × {cols:,} cột, vượt giới hạn {s.max_cells:,} ô (max_cells)",
            f"sheet '{part}' declares {rows:,} rows × {cols:,} columns, over the {s.max_cells:,}-cell limit "
            "(max_cells)",
        )


def _excel_rows(sheet, s: Settings) -> Iterator[tuple[int, list[object]]]:
    first_row = sheet.start[0] if sheet.start else 0
    for n, record in enumerate(sheet.iter_rows(), start=first_row + 1):
        yield n, [_excel_cell(v, s) for v in record]


def _excel_cell(value: object, s: Settings) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return text_cell(value.strip(), s)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def read_excel(path: Path, s: Settings) -> Iterator[Sheet]:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() in ZIP_SUFFIXES or zipfile.is_zipfile(path):
        check_zip(path, s)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every corrupt-file case
        raise _refuse(
            path,
            "corrupt-workbook",
            f"không mở được tệp Excel ({_why(exc)})",
            f"cannot open the Excel file ({_why(exc)})",
        ) from exc
    for name in wb.sheet_names:
        try:
            sheet = wb.get_sheet_by_name(name)
        except Exception as exc:
            raise _refuse(
                path,
                "corrupt-workbook",
                f"không đọc được trang '{name}' ({_why(exc)})",
                f"cannot read sheet '{name}' ({_why(exc)})",
            ) from exc
        height, width = sheet.total_height, sheet.total_width
        if height * width > s.max_cells:
            raise _refuse(
                path,
                "too-many-cells",
                f"trang '{name}' có {height:,} dòng × {width:,} cột, vượt giới hạn {s.max_cells:,} ô (max_cells)",
                f"sheet '{name}' has {height:,} rows × {width:,} columns, over the {s.max_cells:,}-cell limit "
                "(max_cells)",
            )
        yield Sheet(name, None, _excel_rows(sheet, s))


def read_sheets_here(path: Path, s: Settings | None = None) -> Iterator[Sheet]:
    """All tables in a file, read in this process (the child of open_sheets does this)."""
    s = s or settings()
    path = Path(path)
    check_regular_file(path, s)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        yield from read_excel(path, s)
        return
    if suffix not in CSV_SUFFIXES:
        with open(path, "rb") as f:
            magic = f.read(8)
        if magic.startswith(b"PK") or magic.startswith(b"\xd0\xcf\x11\xe0"):
            yield from read_excel(path, s)
            return
    yield from read_csv(path, s)


def open_sheets(path: Path, s: Settings | None = None) -> Iterator[Sheet]:
    """All tables in a file, streamed from a child process with memory and time limits."""
    from etl.sandbox import isolated_sheets

    s = s or settings()
    path = Path(path)
    check_regular_file(path, s)
    return isolated_sheets(path, s)
