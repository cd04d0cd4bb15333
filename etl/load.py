"""Load export files into the warehouse: find the header, map, validate every row, merge."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from cchc.core import summary
from cchc.rules import is_on_time
from etl import archive, manifest, warehouse
from etl.agencies import AgencyMatcher, write_reference
from etl.dates import DateError, parse_datetime
from etl.duedates import DeadlineRules
from etl.errors import EtlError, MappingError, Rejection, UnreadableFile, WarehouseBusy, reject
from etl.mapping import ID_COLUMN, Mapping, builtin_mappings, load_mapping, score_header
from etl.privacy import Own, citizen_hash, load_salt, mask_personal, mask_text, own_needles, redact_needles
from etl.readers import InvalidCell, Sheet, check_regular_file, open_sheets, sha256_of
from etl.settings import Settings, settings
from etl.textnorm import clean, fold, nfc

HEADER_SEARCH_ROWS = 40
MAX_FOOTER_ROWS = 100  # a longer run of rows without ID is data (each rejected with its reason), not a footer
CHUNK_ROWS = 50_000
DEADLINES_YAML = warehouse.ROOT / "config" / "deadlines.yaml"

_FOOTER = re.compile(
    r"^(tong cong|tong so|cong$|tong$|nguoi lap|thu truong|giam doc|pho giam doc|chu tich|xac nhan|"
    r"ky ten|ghi chu|noi nhan|ke toan|lanh dao|truong phong|.*ngay \d+ thang \d+ nam \d+)"
)
_DENUNCIATION = re.compile(r"\bto cao\b")
_DIGIT = re.compile(r"\d")
OPEN_STATUSES = {"new", "in_progress", "overdue"}
OUT_OF_REMIT = {"transferred", "out_of_remit"}
SATISFACTION_SCORE = {"very_satisfied": 5, "satisfied": 4, "neutral": 3, "dissatisfied": 2, "very_dissatisfied": 1}
FOOTER_MARK = "Tổng cộng (dòng cuối bảng / footer row)"  # a footer row, as the archive keeps it
WITHHELD = "[ĐÃ ẨN]"  # in the archive, for a text that was not stored (denunciation or unknown kind)
FREE_TEXT = {"content", "description", "recommendation", "team", "lead_unit"}


@dataclass
class FileResult:
    file: str
    sha256: str
    kind: str
    mapping: str
    rows_in: int = 0
    rows_loaded: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    batch_id: int | None = None
    already_loaded: bool = False
    rejections: list[Rejection] = field(default_factory=list)  # at most max_rejections_stored
    rejections_not_stored: int = 0  # reasons past the cap: counted, not kept
    rows_footer: int = 0  # total / signature rows at the end of the sheet, not data
    footer_rows: list[int] = field(default_factory=list)
    content_withheld: int = 0  # loaded items whose text was not stored: denunciation or kind unknown

    def as_json(self) -> dict:
        keys = (
            "file",
            "sha256",
            "kind",
            "rows_in",
            "rows_loaded",
            "rows_updated",
            "rows_unchanged",
            "rows_rejected",
            "rows_footer",
            "footer_rows",
            "content_withheld",
            "rejections_not_stored",
            "batch_id",
        )
        return {k: getattr(self, k) for k in keys}

    def add_rejections(self, items: list[Rejection], cap: int) -> None:
        room = max(cap - len(self.rejections), 0)
        self.rejections.extend(items[:room])
        self.rejections_not_stored += max(len(items) - room, 0)


@dataclass
class Layout:
    """Where the data is in a sheet and what each column means."""

    sheet: Sheet
    mapping: Mapping
    header_row: int
    columns: dict[int, tuple[str, str]]  # column index -> ("col" | "personal" | "hash", canonical name)
    headers: dict[str, str]  # canonical name -> header as written in the file
    pending: list[tuple[int, list[object]]]  # rows already read past the header
    source: Generator | None = None  # the sheets generator (and so the reading process) behind `sheet`
    archived: bool = False  # read from our own archive (etl rebuild)


# ---------------------------------------------------------------- header detection


def _merge_header_rows(upper: list[object], lower: list[object], mapping: Mapping) -> list[object]:
    """Two-row headers: a known header in either row wins over a group title above it."""
    width = max(len(upper), len(lower))
    out: list[object] = []
    for i in range(width):
        u = upper[i] if i < len(upper) else None
        lo = lower[i] if i < len(lower) else None
        known = lambda v: v is not None and (fold(v) in mapping.header_index or fold(v) in mapping.personal_index)
        out.append(lo if known(lo) else u if known(u) else (lo if lo is not None else u))
    return out


def column_letter(idx: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as Excel names it."""
    letters = ""
    idx += 1
    while idx:
        idx, rem = divmod(idx - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _layout_for(sheet: Sheet, candidates: list[Mapping], archived: bool = False) -> Layout | None:
    head: list[tuple[int, list[object]]] = []
    for item in sheet.rows:
        head.append(item)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    best: tuple[int, int, Mapping] | None = None
    for i, (_, cells) in enumerate(head):
        for m in candidates:
            known, ok = score_header(m, cells)
            if ok and known >= 2 and (best is None or known > best[0]):
                best = (known, i, m)
    if best is None:
        return None
    _, i, mapping = best
    cells = head[i][1]
    data_from = i + 1
    if i + 1 < len(head) and _is_sub_header(head[i + 1][1], mapping):
        cells = _merge_header_rows(cells, head[i + 1][1], mapping)
        data_from = i + 2
    elif i > 0 and _is_sub_header(head[i - 1][1], mapping):
        cells = _merge_header_rows(head[i - 1][1], cells, mapping)
    columns: dict[int, tuple[str, str]] = {}
    headers: dict[str, str] = {}
    where: dict[str, int] = {}
    for idx, cell in enumerate(cells):
        if cell is None or isinstance(cell, InvalidCell):
            continue
        if archived and cell == archive.HASH_COLUMN:
            columns[idx] = ("hash", "citizen_hash")
            continue
        if archived and cell == archive.KIND_COLUMN:  # the kind this load read from the text ('tố cáo')
            columns[idx] = ("col", "kind")
            headers["kind"] = cell
            continue
        key = fold(cell)
        if key in mapping.header_index:
            canonical = mapping.header_index[key]
            if canonical in headers:
                first = where[canonical]
                raise UnreadableFile(
                    f"cột {column_letter(first)} '{headers[canonical]}' và cột {column_letter(idx)} '{cell}' cùng "
                    f"là cột '{canonical}': bỏ hoặc đổi tên một cột (hoặc dùng --mapping)",
                    f"column {column_letter(first)} '{headers[canonical]}' and column {column_letter(idx)} '{cell}' "
                    f"both mean '{canonical}': remove or rename one (or use --mapping)",
                    "duplicate-header",
                )
            columns[idx] = ("col", canonical)
            headers[canonical] = str(cell)
            where[canonical] = idx
        elif key in mapping.personal_index:
            # Several personal columns of one kind (two phone columns) all go into the citizen hash.
            columns[idx] = ("personal", mapping.personal_index[key])
    return Layout(sheet, mapping, head[i][0], columns, headers, head[data_from:], archived=archived)


def _is_sub_header(cells: list[object], mapping: Mapping) -> bool:
    """Half of a two-row header: mostly known headers, no numbers or dates.

    A data row can hold a value that is also a header ('Email' as a channel), so one match is not enough.
    """
    filled = [c for c in cells if c is not None]
    if not filled or any(isinstance(c, (int, float, datetime, date)) for c in filled):
        return False
    known, _ = score_header(mapping, filled)
    return known >= 1 and known * 2 >= len(filled)


def detect_layout(path: Path, candidates: list[Mapping]) -> Layout:
    """Find the first sheet and row that one of the candidate mappings recognises as a header.

    The file is read by a child process (etl.sandbox); the layout keeps it open until `close_layout`.
    """
    archived = archive.is_archive(path)
    sheets = archive.archive_sheets(path) if archived else open_sheets(path)
    try:
        for sheet in sheets:
            layout = _layout_for(sheet, candidates, archived)
            if layout is not None:
                layout.source = sheets  # the generator owns the reader: keep it alive with the layout
                return layout
    except UnreadableFile as exc:
        sheets.close()
        if exc.vi.startswith(path.name):
            raise
        raise UnreadableFile(f"{path.name}: {exc.vi}", f"{path.name}: {exc.en}", exc.code) from exc
    except BaseException:
        sheets.close()
        raise
    sheets.close()
    expected = "; ".join(
        f"{m.name}: {', '.join(m.columns[c][0] for c in m.required if c in m.columns)}" for m in candidates
    )
    raise UnreadableFile(
        f"{path.name}: không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu (cần các cột: {expected})",
        f"{path.name}: no header row found in the first {HEADER_SEARCH_ROWS} rows (expected columns: {expected})",
        "no-header",
    )


def close_layout(layout: Layout | None) -> None:
    if layout is not None and layout.source is not None:
        layout.source.close()
        layout.source = None


def _data_rows(layout: Layout) -> Iterator[tuple[int, list[object]]]:
    yield from layout.pending
    yield from layout.sheet.rows


def _is_footer(cells: list[object], id_index: int | None) -> bool:
    """Total and signature rows: a footer word where the ID should be, or in the first cells of a row without ID."""
    id_cell = cells[id_index] if id_index is not None and id_index < len(cells) else None
    texts = [id_cell] if id_cell is not None else [c for c in cells if c is not None][:2]
    return any(isinstance(t, str) and _FOOTER.match(fold(t[:80])) for t in texts)


def _has_id(cells: list[object], id_index: int | None) -> bool:
    return id_index is not None and id_index < len(cells) and cells[id_index] is not None


# ---------------------------------------------------------------- row validation


class RowContext:
    """What validating one file needs: its mapping, headers, matcher, salt, today's date and the limits."""

    def __init__(
        self,
        layout: Layout,
        matcher: AgencyMatcher,
        con: duckdb.DuckDBPyConnection,
        salt: bytes,
        today: date,
        s: Settings | None = None,
    ):
        self.mapping = layout.mapping
        self.headers = layout.headers
        self.columns = layout.columns
        self.matcher = matcher
        self.con = con
        self.salt = salt
        self.today = today
        self.settings = s = s or settings()
        self.archived = layout.archived
        self.null_values = layout.mapping.null_values
        # Folding keeps digits: when no null value holds one, a cell with a digit (an ID, a date) is not null.
        self._null_digits = any(ch.isdigit() for v in self.null_values for ch in v)
        self.date_formats = tuple(layout.mapping.date_formats)
        self.min_date = s.min_date
        self.max_deadline = _years_after(today, s.max_deadline_years)
        # No kind column: the kind is read from the text ('tố cáo'), and is otherwise unknown.
        self.kind_missing = "kind" not in layout.headers and "kind" not in layout.mapping.constants

    def split(self, cells: list[object]) -> tuple[dict[str, object], dict[str, list[object]]]:
        values: dict[str, object] = dict(self.mapping.constants)
        personal: dict[str, list[object]] = {}
        for idx, (role, name) in self.columns.items():
            v = cells[idx] if idx < len(cells) else None
            if isinstance(v, str):
                v = clean(v)
                if (
                    v is not None
                    and len(v) <= 40
                    and (self._null_digits or not _DIGIT.search(v))
                    and fold(v) in self.null_values
                ):
                    v = None
            if role == "col":
                values[name] = v
            elif role == "hash":
                values["__citizen_hash"] = v
            elif v is not None:
                personal.setdefault(name, []).append(v)
        return values, personal

    def header(self, column: str) -> str:
        return self.headers.get(column, column)

    def invalid_cells(self, row: int, cells: list[object]) -> list[Rejection]:
        """A cell that could not be read (bad bytes, too long) rejects its row, without its value."""
        out = []
        for idx, (role, name) in self.columns.items():
            v = cells[idx] if idx < len(cells) else None
            if isinstance(v, InvalidCell):
                header = self.header(name) if role == "col" else f"{column_letter(idx)} ({name})"
                if v.kind == "too-long":
                    out.append(
                        reject(
                            row,
                            "cell-too-long",
                            header,
                            other=f"{v.length:,}",
                            allowed=f"{self.settings.max_cell_chars:,}",
                        )
                    )
                else:
                    out.append(reject(row, "invalid-encoding", header))
        return out


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _own(personal: dict[str, list[object]]) -> Own:
    """The row's own personal values, to mask wherever they are repeated (prepared once per row)."""
    return own_needles([(k, str(v)) for k, vs in personal.items() for v in vs if v is not None])


class RowErrors:
    def __init__(self, row: int, ctx: RowContext, own: Own | None = None):
        self.row, self.ctx, self.items, self.own = row, ctx, [], own or Own()

    def add(self, error_type: str, column: str | None = None, value: object = None, **kw) -> None:
        header = self.ctx.header(column) if column else None
        self.items.append(reject(self.row, error_type, header, self.quote(value, column), **kw))

    def quote(self, value: object, column: str | None = None) -> str | None:
        """A cell as a rejection may show it: masked like free text, and short."""
        if value is None:
            return None
        text = value if isinstance(value, str) else _show(value)
        text = mask_agency(text, self.own) if column == "agency" else mask_personal(text, self.own)
        return text[:80] + "…" if len(text) > 80 else text  # masked first: a cut value could not be recognised


def _show(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _date_value(
    values: dict, column: str, errors: RowErrors, required: bool, future_ok: bool = False
) -> datetime | None:
    raw = values.get(column)
    if raw is None:
        if required:
            errors.add("missing-value", column)
        return None
    try:
        parsed = _parse_with(errors.ctx.date_formats, raw)
    except DateError as exc:
        errors.add("nonexistent-date" if exc.kind == "nonexistent" else "unparseable-date", column, raw)
        return None
    except (ValueError, OverflowError, TypeError):
        errors.add("unparseable-date", column, raw)
        return None
    if parsed is None:
        return None
    ctx = errors.ctx
    day = parsed.date()
    if not future_ok and day > ctx.today:
        errors.add("future-date", column, _show_date(raw, parsed))
        return None
    latest = ctx.max_deadline if future_ok else ctx.today
    if day < ctx.min_date or day > latest:
        allowed = f"{ctx.min_date:%d/%m/%Y} – {latest:%d/%m/%Y}"
        errors.add("implausible-date", column, _show_date(raw, parsed), allowed=allowed)
        return None
    return parsed


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _parse_with(formats: tuple[str, ...], raw: object) -> datetime | None:
    if formats and isinstance(raw, str) and not _ISO.match(raw):
        return _parse_formats(formats, raw)
    return parse_datetime(raw)


@lru_cache(maxsize=1 << 16)
def _parse_formats(formats: tuple[str, ...], raw: str) -> datetime | None:
    # ISO is unambiguous, so a mapping's own formats (e.g. month-first) apply to the rest only.
    for fmt in formats:
        try:
            return datetime.strptime(raw.strip(), fmt)
        except ValueError:
            continue
    return parse_datetime(raw)


def _show_date(raw: object, parsed: datetime) -> str:
    return raw if isinstance(raw, str) else parsed.strftime("%d/%m/%Y")


def _vocab(values: dict, column: str, errors: RowErrors) -> str | None:
    raw = values.get(column)
    if raw is None:
        return None
    m = errors.ctx.mapping
    # A masked value ('[EMAIL]' folds to 'email') is never a vocabulary value.
    code = m.code_for(column, str(raw)) if not _MASK_TAG.search(str(raw)) else None
    if code is not None:
        return code
    if column in m.open_values or column not in m.values:
        return mask_personal(clean(raw), errors.own)  # open vocabularies are free text: masked like it
    errors.add("unknown-value", column, raw, allowed=m.allowed(column))
    return None


def _int_value(values: dict, column: str, errors: RowErrors) -> int | None:
    raw = values.get(column)
    if raw is None:
        return None
    number: int | None = None
    if isinstance(raw, bool):
        number = None
    elif isinstance(raw, int):
        number = raw
    elif isinstance(raw, float) and raw.is_integer():
        number = int(raw)
    elif isinstance(raw, str):
        text = raw.replace(".", "").replace(",", "").strip()
        if text.isascii() and text.isdigit():
            number = int(text[:40]) if len(text) <= 40 else 10**40
    if number is None:
        errors.add("not-a-number", column, raw)
        return None
    limit = errors.ctx.settings.max_count
    if not 0 <= number <= limit:
        errors.add("number-out-of-range", column, raw, allowed=f"0 – {limit:,}")
        return None
    return number


def _agency(values: dict, on: date | None, errors: RowErrors) -> tuple[str | None, str | None]:
    """(agency_id, the spelling to keep): an exact known spelling, else the unit's official name, never raw text."""
    raw = values.get("agency")
    if raw is None:
        errors.add("missing-value", "agency")
        return None, None
    ctx = errors.ctx
    text = str(raw)
    match = ctx.matcher.match(text, on)
    if match.agency_id is not None:
        kept = clean(text) if ctx.matcher.is_alias(text) else ctx.matcher.name_of(match.agency_id)
        return match.agency_id, kept
    if match.error_type == "unknown-agency" and ctx.mapping.unknown_agency == "register":
        name = mask_text(text)
        agency_id = ctx.matcher.register(ctx.con, ctx.mapping.source, name, ctx.mapping.register_level)
        return agency_id, clean(name)
    # A cell that held personal data (masked in the reason, and in the archive) gets no suggestions.
    held_personal = mask_agency(text, errors.own) != text or _MASK_TAG.search(text)
    errors.add(
        match.error_type or "unknown-agency", "agency", raw, suggestions=None if held_personal else match.suggestions
    )
    return None, None


# First words of agency names: the unit type ('UBND …', 'Phường …', 'Sở …'). With diacritics when the text has
# them, so a family name (Trương) is not taken for a unit type (Trường).
_AGENCY_FIRST = set(
    "ubnd ủy uỷ hđnd phường xã huyện thị thành tỉnh sở phòng ban chi cục công trung văn thanh bệnh trường đội "
    "trạm bộ tổng ngân hội council district".split()
)
_AGENCY_FIRST_ASCII = set(
    "ubnd uy hdnd phuong xa huyen thi thanh tinh so phong ban chi cuc cong trung benh doi tram bo tong ngan hoi "
    "council district".split()
)


_QUALIFIER = re.compile(r"\s*(?:[,(;\[]|\s[-–]\s)")


def _reads_like_agency(text: str) -> bool:
    first = text.split(maxsplit=1)[0].lower() if text.strip() else ""
    return first in (_AGENCY_FIRST_ASCII if text.isascii() else _AGENCY_FIRST)


def mask_agency(text: str, own: Own | list[tuple[str, object]]) -> str:
    """An agency cell as kept in a reason or the archive: phones, e-mails, IDs and the row's own values masked;
    names too unless it starts like an agency name (many wards and streets bear a person's name)."""
    if _reads_like_agency(text):
        text = redact_needles(nfc(text), own_needles(own))
        cut = _QUALIFIER.search(text)  # 'UBND xã X (anh B, 09…)': what follows the unit's name may be a contact
        head, tail = (text[: cut.start()], text[cut.start() :]) if cut else (text, "")
        return (mask_text(head) or "") + (mask_personal(tail) or "")
    return mask_personal(text, own) or ""


def _masked(values: dict, column: str, ctx: RowContext, own: Own | None = None) -> str | None:
    v = values.get(column)
    if v is None:
        return None
    if column not in ctx.mapping.masked and column not in FREE_TEXT:
        return clean(v)
    return mask_personal(clean(v), own)


_MASK_TAG = re.compile(r"\[(?:SĐT|EMAIL|CCCD|HỌ TÊN|ĐỊA CHỈ|\*\*\*)\]")


def _id_value(values: dict, column: str, errors: RowErrors) -> str | None:
    """The row's ID, stored as it is: so an ID that holds a phone, e-mail, ID number or name is refused."""
    cid = clean(values.get(column))
    if cid is None:
        errors.add("missing-id", column)
    elif mask_personal(cid, errors.own) != cid or _MASK_TAG.search(cid):  # tags: masked in an archive
        errors.add("personal-data-in-id", column)
        return None
    return cid


def _mentions_denunciation(*texts: object) -> bool:
    return any(isinstance(t, str) and _DENUNCIATION.search(fold(t)) for t in texts)


def complaint_record(
    row: int, cells: list[object], ctx: RowContext, parts: tuple[dict, dict] | None = None
) -> tuple[dict | None, list[Rejection]]:
    """One export row -> a canonical complaint, or the reasons it is rejected (`parts`: ctx.split(cells))."""
    values, personal = parts or ctx.split(cells)
    own = _own(personal)
    errors = RowErrors(row, ctx, own)
    cid = _id_value(values, "complaint_id", errors)
    received = _date_value(values, "received_at", errors, required=True)
    resolved = _date_value(values, "resolved_at", errors, required=False)
    due = _date_value(values, "due_date", errors, required=False, future_ok=True)
    if received and resolved and resolved.date() < received.date():
        errors.add(
            "resolved-before-received",
            "resolved_at",
            _show_date(values["resolved_at"], resolved),
            other=_show_date(values["received_at"], received),
        )
    agency_id, agency_kept = _agency(values, received.date() if received else None, errors)
    status = _vocab(values, "status", errors)
    kind = _vocab(values, "kind", errors)
    if (
        kind is None
        and values.get("kind") is None
        and _mentions_denunciation(values.get("category"), values.get("subcategory"), values.get("content"))
    ):
        kind = "denunciation"
    # Fail closed: the text of a denunciation, or of an item whose kind is not known, is never stored.
    content = _masked(values, "content", ctx, own) if kind not in (None, "denunciation") else None
    if ctx.archived and "__citizen_hash" in values:
        person = values["__citizen_hash"]
    else:
        ids = [v for k in ("phone", "id_number", "email", "name") for v in personal.get(k, [])]
        person = citizen_hash(ids, ctx.salt) if ids else None
    record = {
        "row_number": row,
        "complaint_id": cid,
        "received_at": received,
        "channel": _vocab(values, "channel", errors),
        "kind": kind,
        "category": _vocab(values, "category", errors),
        "subcategory": _vocab(values, "subcategory", errors),
        "agency_id": agency_id,
        "agency_name_raw": agency_kept,
        "status": status or ("resolved" if resolved else "in_progress"),
        "export_due_date": due.date() if due else None,
        "resolved_at": resolved,
        "satisfaction": _vocab(values, "satisfaction", errors),
        "content_masked": content,
        "citizen_hash": person,
        "_withheld": values.get("content") is not None and content is None,
    }
    if errors.items:
        return None, errors.items
    return record, []


def inspection_record(
    row: int, cells: list[object], ctx: RowContext, seq: dict[str, int], parts: tuple[dict, dict] | None = None
) -> tuple[dict | None, list[Rejection]]:
    """One findings row -> an inspection plus (when a finding is present) one violation."""
    values, personal = parts or ctx.split(cells)
    own = _own(personal)
    errors = RowErrors(row, ctx, own)
    iid = _id_value(values, "inspection_id", errors)
    inspected = _date_value(values, "inspected_on", errors, required=True)
    itype = _vocab(values, "inspection_type", errors)
    if values.get("inspection_type") is None:
        errors.add("missing-value", "inspection_type")
    agency_id, agency_kept = _agency(values, inspected.date() if inspected else None, errors)
    category = _vocab(values, "category", errors)
    remedy_due = _date_value(values, "remedy_due", errors, required=False, future_ok=True)
    remedied = _date_value(values, "remedied_on", errors, required=False)
    if inspected and remedied and remedied.date() < inspected.date():
        errors.add(
            "remedied-before-inspection",
            "remedied_on",
            _show_date(values["remedied_on"], remedied),
            other=_show_date(values["inspected_on"], inspected),
        )
    record = {
        "row_number": row,
        "inspection_id": iid,
        "inspected_on": inspected.date() if inspected else None,
        "inspection_type": itype,
        "team": _masked(values, "team", ctx, own),
        "lead_unit": _masked(values, "lead_unit", ctx, own),
        "agency_id": agency_id,
        "agency_name_raw": agency_kept,
        "officials_checked": _int_value(values, "officials_checked", errors),
        "category": category,
        "description_masked": _masked(values, "description", ctx, own),
        "officials_involved": _int_value(values, "officials_involved", errors),
        "handling": _vocab(values, "handling", errors),
        "recommendation_masked": _masked(values, "recommendation", ctx, own),
        "remedy_due": remedy_due.date() if remedy_due else None,
        "remedied_on": remedied.date() if remedied else None,
    }
    if errors.items:
        return None, errors.items
    if category is None:
        record["record_key"] = f"{iid}#-"
        record["violation_id"] = None
    else:
        explicit = clean(values.get("violation_id"))
        seq[iid] = seq.get(iid, 0) + 1
        record["violation_id"] = explicit if explicit else f"{iid}#{seq[iid]}"
        record["record_key"] = record["violation_id"]
    return record, []


def archive_cells(
    row_cells: list[object],
    record: dict | None,
    ctx: RowContext,
    columns: list[tuple[int, str, str]],
    parts: tuple[dict, dict] | None = None,
) -> list[object]:
    """The cells of one row as the archive keeps them: what a rebuild needs, masked, no personal value.

    A rebuild must validate each row as this load did, so a cell that is a known spelling (an agency alias, a
    vocabulary value) is kept as written; any other text is masked like free text.
    """
    _, personal = parts or ctx.split(row_cells)
    own = _own(personal)
    m = ctx.mapping
    out: list[object] = []
    for idx, role, name in columns:
        if role == "hash":
            out.append(record.get("citizen_hash") if record else None)
            continue
        raw = row_cells[idx] if 0 <= idx < len(row_cells) else None
        if isinstance(raw, InvalidCell):
            out.append(raw)
        elif record is not None and name in ("kind", "agency", "content", "description", "recommendation"):
            key = {"agency": "agency_name_raw", "description": "description_masked"}.get(name, name)
            key = {"recommendation": "recommendation_masked", "content": "content_masked"}.get(name, key)
            withheld = name == "content" and record.get("_withheld")
            out.append(WITHHELD if withheld else record.get(key))  # the marker is withheld again on rebuild
        elif record is not None and name in ("complaint_id", "inspection_id") and raw == record.get(name):
            out.append(raw)  # the ID passed _id_value's check unchanged: masked, it is itself
        elif record is not None and name in ("team", "lead_unit", "category", "subcategory"):
            out.append(record.get(name))
        elif name in ("content", "description", "recommendation"):
            out.append(None)  # a rejected row's text is not needed again, and may be a denunciation's
        elif raw is None or not isinstance(raw, str):
            out.append(raw)
        elif name == "agency" and ctx.matcher.is_alias(raw):
            out.append(raw)
        elif name in m.values and m.code_for(name, raw) is not None:  # no vocabulary: no code
            out.append(raw)
        elif name == "agency":
            out.append(mask_agency(raw, own))
        else:
            out.append(mask_personal(raw, own))
    return out


# ---------------------------------------------------------------- derived columns


def _complaint_frame(records: list[dict], rules: DeadlineRules, mapping: Mapping) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records)
    df["received_at"] = pd.to_datetime(df["received_at"])
    df["resolved_at"] = pd.to_datetime(df["resolved_at"])
    received = df["received_at"].values.astype("datetime64[D]")
    resolved = df["resolved_at"].values.astype("datetime64[D]")
    export_due = pd.to_datetime(df["export_due_date"]).values.astype("datetime64[D]")
    if mapping.due_from_rules:
        rule_due = rules.due_dates(received, df["kind"].to_numpy(object), df["channel"].to_numpy(object))
    else:
        rule_due = np.full(len(df), np.datetime64("NaT"), dtype="datetime64[D]")
    has_export = ~np.isnat(export_due)
    due = np.where(has_export, export_due, rule_due)
    df["received_date"] = received
    df["resolved_date"] = resolved
    df["due_date"] = due
    df["due_source"] = np.where(has_export, "export", np.where(np.isnat(rule_due), None, "rule"))
    df["resolution_calendar_days"] = pd.array(rules.calendar_days_between(received, resolved), dtype="Int32")
    df["resolution_working_days"] = pd.array(rules.working_days_between(received, resolved), dtype="Int32")
    df["in_remit"] = ~df["status"].isin(OUT_OF_REMIT)
    # The on-time rule once, shared with the measures core (cchc/rules.py): within remit only.
    df["is_on_time"] = is_on_time(df["in_remit"].to_numpy(), resolved, due)
    df["is_open"] = df["status"].isin(OPEN_STATUSES) & df["resolved_at"].isna()
    df["satisfaction_score"] = pd.array(df["satisfaction"].map(SATISFACTION_SCORE), dtype="Int8")
    return df.drop(columns=["export_due_date"])


# ---------------------------------------------------------------- staging and merge

COMPLAINT_COLUMNS = [
    "complaint_id",
    "received_at",
    "received_date",
    "channel",
    "kind",
    "category",
    "subcategory",
    "agency_id",
    "agency_name_raw",
    "status",
    "is_open",
    "in_remit",
    "due_date",
    "due_source",
    "resolved_at",
    "resolved_date",
    "resolution_calendar_days",
    "resolution_working_days",
    "is_on_time",
    "satisfaction",
    "satisfaction_score",
    "content_masked",
    "citizen_hash",
]
INSPECTION_COLUMNS = [
    "inspection_id",
    "inspected_on",
    "inspection_type",
    "team",
    "lead_unit",
    "agency_id",
    "agency_name_raw",
    "officials_checked",
]
VIOLATION_COLUMNS = [
    "violation_id",
    "inspection_id",
    "category",
    "description_masked",
    "officials_involved",
    "handling",
    "recommendation_masked",
    "remedy_due",
    "remedied_on",
]


def _hash_expr(columns: list[str], alias: str = "") -> str:
    # Column names come from the constant lists above, never from input.
    parts = ", ".join(f"coalesce(cast({alias}{c} as varchar), '\u2205')" for c in columns)
    return f"md5(concat_ws('|', {parts}))"


def _stage_table(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    con.execute("drop table if exists stage")
    if kind == "complaints":
        con.execute("""
            create temp table stage as
            select 0::integer as row_number, complaint_id, received_at, received_date, channel, kind, category,
                   subcategory, agency_id, agency_name_raw, status, is_open, in_remit, due_date, due_source,
                   resolved_at, resolved_date, resolution_calendar_days, resolution_working_days, is_on_time,
                   satisfaction, satisfaction_score, content_masked, citizen_hash
            from complaints limit 0""")
    else:
        con.execute("""
            create temp table stage as
            select 0::integer as row_number, ''::varchar as record_key, i.inspection_id, i.inspected_on,
                   i.inspection_type, i.team, i.lead_unit, i.agency_id, i.agency_name_raw, i.officials_checked,
                   v.violation_id, v.category, v.description_masked, v.officials_involved, v.handling,
                   v.recommendation_masked, v.remedy_due, v.remedied_on
            from inspections i, violations v limit 0""")


def _insert_chunk(
    con: duckdb.DuckDBPyConnection, records: list[dict], kind: str, rules: DeadlineRules, mapping: Mapping
) -> None:
    if not records:
        return
    frame = _complaint_frame(records, rules, mapping) if kind == "complaints" else pd.DataFrame.from_records(records)
    con.register("chunk", frame)
    con.execute("insert into stage by name select * from chunk")
    con.unregister("chunk")


def _duplicates(con: duckdb.DuckDBPyConnection, kind: str, ctx: RowContext) -> list[Rejection]:
    key = "complaint_id" if kind == "complaints" else "record_key"
    rows = con.execute(f"""
        with ranked as (
            select {key} as k, row_number, max(row_number) over (partition by {key}) as kept from stage
        )
        select k, row_number, kept from ranked where row_number < kept order by row_number""").fetchall()
    if rows:
        con.execute(f"""
            delete from stage where row_number in (
                select row_number from (
                    select row_number, max(row_number) over (partition by {key}) as kept from stage
                ) where row_number < kept)""")
    column = ctx.header(ID_COLUMN[kind] if kind == "complaints" else "inspection_id")
    return [
        reject(r, "duplicate-id", column, mask_text(k.split("#")[0] if kind != "complaints" else k), other=kept)
        for k, r, kept in rows
    ]


def _merge_complaints(con: duckdb.DuckDBPyConnection, source: str, batch_id: int) -> tuple[int, int, int]:
    con.execute(
        f"alter table stage add column row_hash varchar; update stage set row_hash = {_hash_expr(COMPLAINT_COLUMNS)}"
    )
    new, updated, unchanged = con.execute(
        """
        select count(*) filter (where c.complaint_id is null),
               count(*) filter (where c.complaint_id is not null and c.row_hash <> s.row_hash),
               count(*) filter (where c.row_hash = s.row_hash)
        from stage s left join complaints c on c.source = ? and c.complaint_id = s.complaint_id""",
        [source],
    ).fetchall()[0]
    summary.start_days(con)
    summary.note_days(  # the days of the rows about to change, as they are before the change
        con,
        "select c.received_date, c.resolved_date from stage s join complaints c "
        "on c.source = ? and c.complaint_id = s.complaint_id and c.row_hash <> s.row_hash",
        [source],
    )
    _upsert_in_order(con, "complaints", "complaint_id", COMPLAINT_COLUMNS, "row_hash", "stage", source, batch_id)
    return new, updated, unchanged


def _upsert_in_order(
    con: duckdb.DuckDBPyConnection,
    table: str,
    key: str,
    columns: list[str],
    hash_column: str,
    rows: str,
    source: str,
    batch_id: int,
) -> None:
    """Update the rows whose hash changed, then append the new ones in date order (FACT_ORDER).

    Two statements rather than `insert … on conflict`, which does not keep the order of its select. Table,
    column and relation names come from the constant lists of this module, never from input.
    """
    sets = ", ".join(f"{c} = s.{c}" for c in columns)
    con.execute(
        f"""
        update {table} t set {sets}, row_hash = s.{hash_column}, last_batch_id = ?
        from {rows} s where t.source = ? and t.{key} = s.{key} and t.row_hash <> s.{hash_column}""",
        [batch_id, source],
    )
    cols = ", ".join(columns)
    order = {"complaints": "received_date", "inspections": "inspected_on", "violations": "inspected_on"}[table]
    con.execute(
        f"""
        insert into {table} (source, {cols}, row_hash, first_batch_id, last_batch_id)
        select ?, {cols}, {hash_column}, ?, ? from {rows} s
        where not exists (select 1 from {table} t where t.source = ? and t.{key} = s.{key})
        order by s.{order}, s.{key}""",
        [source, batch_id, batch_id, source],
    )


def _merge_inspections(con: duckdb.DuckDBPyConnection, source: str, batch_id: int) -> tuple[int, int, int]:
    con.execute(f"""
        alter table stage add column insp_hash varchar;
        alter table stage add column row_hash varchar;
        update stage set insp_hash = {_hash_expr(INSPECTION_COLUMNS)},
                         row_hash = {_hash_expr(INSPECTION_COLUMNS + VIOLATION_COLUMNS)}""")
    new, updated, unchanged = con.execute(
        """
        with cmp as (
            select s.violation_id is null as bare,
                   case when s.violation_id is null then i.row_hash else v.row_hash end as old_hash,
                   case when s.violation_id is null then s.insp_hash else s.row_hash end as new_hash
            from stage s
            left join inspections i on i.source = ? and i.inspection_id = s.inspection_id
            left join violations v on v.source = ? and v.violation_id = s.violation_id
        )
        select count(*) filter (where old_hash is null), count(*) filter (where old_hash <> new_hash),
               count(*) filter (where old_hash = new_hash) from cmp""",
        [source, source],
    ).fetchall()[0]
    con.execute("""
        create or replace temp table stage_inspections as
        select * from stage qualify row_number() over (partition by inspection_id order by row_number desc) = 1""")
    _upsert_in_order(
        con, "inspections", "inspection_id", INSPECTION_COLUMNS, "insp_hash", "stage_inspections", source, batch_id
    )
    con.execute("drop table stage_inspections")
    findings = "(select * from stage where violation_id is not null)"
    _upsert_in_order(con, "violations", "violation_id", VIOLATION_COLUMNS, "row_hash", findings, source, batch_id)
    return new, updated, unchanged


# ---------------------------------------------------------------- after the merge

# Facts by the date a period filter reads, so that DuckDB's per-row-group min/max skips the other blocks.
# A load appends its new rows in this order (a monthly export of newer items keeps the table roughly
# ordered); `cluster_by_date` rewrites the tables in it (etl rebuild does, once, after its last file).
# Violations follow their inspection's date.
FACT_ORDER = {
    "complaints": "received_date, source, complaint_id",
    "inspections": "inspected_on, source, inspection_id",
}


def after_merge(con: duckdb.DuckDBPyConnection, kind: str, batch_id: int) -> None:
    """Runs inside the file's transaction, after its rows are merged: the place for what the load keeps
    derived from the facts (summary tables), so that they change in the same transaction as the rows."""
    if kind == "complaints":
        # the summaries of the days the batch touched (as the rows were, noted by the merge, and as they are)
        summary.note_days(
            con, "select received_date, resolved_date from complaints where last_batch_id = ?", [batch_id]
        )
        summary.refresh(con)


def cluster_by_date(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite the fact tables in date order, in one transaction (the keys and constraints stay)."""
    con.execute("begin")
    try:
        for table in FACT_ORDER:
            con.execute(f"create temp table _sorted as select * from {table} order by {FACT_ORDER[table]}")
            con.execute(f"delete from {table}")
            con.execute(f"insert into {table} select * from _sorted order by {FACT_ORDER[table]}")
            con.execute("drop table _sorted")
        con.execute("""
            create temp table _sorted as
            select v.*, i.inspected_on as _day from violations v
            left join inspections i on i.source = v.source and i.inspection_id = v.inspection_id""")
        con.execute("delete from violations")
        con.execute("insert into violations select * exclude (_day) from _sorted order by _day, source, violation_id")
        con.execute("drop table _sorted")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def cluster_warehouse(db: Path) -> None:
    """cluster_by_date on a warehouse file, published like a load (the previous file stays until then)."""
    with warehouse.write_lock(db), warehouse.working_copy(db) as con:
        cluster_by_date(con)


# ---------------------------------------------------------------- one file


def _archive_mapping(path: Path, db: Path) -> str:
    folder = archive.private_dir(warehouse.archive_dir(db) / "mappings")
    target = folder / f"{sha256_of(path)}{path.suffix.lower()}"
    if not target.exists():
        tmp = target.with_name(target.name + f".part-{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(path.read_bytes())
        os.replace(tmp, target)
    return str(target.relative_to(db.parent))


def _candidates(kind: str | None, mapping: Path | None) -> list[Mapping]:
    if mapping is not None:
        m = load_mapping(mapping)
        if kind and m.kind != kind:
            raise MappingError(
                f"{mapping}: ánh xạ dành cho {m.kind}, không phải {kind}",
                f"{mapping}: the mapping is for {m.kind}, not {kind}",
            )
        return [m]
    return [m for m in builtin_mappings() if kind is None or m.kind == kind]


def _previous_batch(con: duckdb.DuckDBPyConnection, sha: str):
    return con.execute(
        """
        select batch_id, kind, mapping_name, rows_in, rows_loaded + rows_updated + rows_unchanged, rows_rejected,
               coalesce(rows_footer, 0), coalesce(content_withheld, 0), coalesce(rejections_not_stored, 0)
        from load_batches where file_sha256 = ? order by batch_id limit 1""",
        [sha],
    ).fetchall()


def _already_loaded(db: Path, sha: str, name: str) -> FileResult | None:
    if not db.exists():
        return None
    con = warehouse.connect_read_only(db)
    try:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        if "load_batches" not in tables:
            return None
        columns = {
            r[0]
            for r in con.execute(
                "select column_name from duckdb_columns() where table_name = 'load_batches'"
            ).fetchall()
        }
        if "rows_footer" not in columns:  # a warehouse from before these columns: upgraded by the next write
            prev = [
                (*r, 0, 0, 0)
                for r in con.execute(
                    """select batch_id, kind, mapping_name, rows_in, rows_loaded + rows_updated + rows_unchanged,
                              rows_rejected from load_batches where file_sha256 = ? order by batch_id limit 1""",
                    [sha],
                ).fetchall()
            ]
        else:
            prev = _previous_batch(con, sha)
    finally:
        con.close()
    if not prev:
        return None
    batch_id, kind, mapping_name, rows_in, kept, rejected, footer, withheld, not_stored = prev[0]
    return FileResult(
        name,
        sha,
        kind,
        mapping_name,
        rows_in,
        0,
        0,
        kept,
        rejected,
        batch_id,
        already_loaded=True,
        rejections_not_stored=not_stored,
        rows_footer=footer,
        content_withheld=withheld,
    )


def load_file(
    path: Path,
    db: Path,
    kind: str | None = None,
    mapping: Path | None = None,
    today: date | None = None,
    on_rows: Callable[[int], None] | None = None,
    name: str | None = None,
) -> FileResult:
    """Load one file as one transaction: all of it is published, or none of it.

    Every failure is an EtlError naming the file (never another exception): the warehouse is left as it was.
    """
    path = Path(path)
    try:
        return _load_file(path, db, kind, mapping, today, on_rows, name)
    except WarehouseBusy as exc:
        raise WarehouseBusy(f"{path.name}: {exc.vi}", f"{path.name}: {exc.en}") from exc
    except EtlError as exc:
        if exc.code == "warehouse-unreadable":
            raise EtlError(f"{path.name}: {exc.vi}", f"{path.name}: {exc.en}", exc.code) from exc
        raise
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusy(
                f"{path.name}: kho dữ liệu {db.name} đang bị một chương trình khác mở để ghi; đóng chương trình đó "
                "rồi nạp lại (không có gì thay đổi)",
                f"{path.name}: the warehouse {db.name} is held open for writing by another program; close it and "
                "load again (nothing was changed)",
            ) from exc
        raise _internal(path, exc) from exc
    except Exception as exc:  # noqa: BLE001 - any other failure refuses this file only, with a reason
        raise _internal(path, exc) from exc


def _internal(path: Path, exc: Exception) -> UnreadableFile:
    # The exception's text may quote a cell, so only its type is shown.
    return UnreadableFile(
        f"{path.name}: lỗi khi nạp tệp ({type(exc).__name__}); tệp bị từ chối, kho dữ liệu không thay đổi",
        f"{path.name}: error while loading ({type(exc).__name__}); the file is refused, the warehouse is unchanged",
        "load-error",
    )


def _load_file(
    path: Path,
    db: Path,
    kind: str | None,
    mapping: Path | None,
    today: date | None,
    on_rows: Callable[[int], None] | None,
    name: str | None,
) -> FileResult:
    today = today or warehouse.today()
    candidates = _candidates(kind, mapping)
    s = settings()
    check_regular_file(path, s)
    try:
        if archive.is_archive(path):
            meta = archive.read_meta(path)
            sha, name = meta["sha256"], name or meta["file_name"]
        else:
            sha = sha256_of(path)
    except OSError as exc:
        reason = "file not found" if isinstance(exc, FileNotFoundError) else exc.strerror
        raise UnreadableFile(f"{path}: không đọc được tệp ({exc.strerror})", f"{path}: {reason}", "os-error") from exc
    name = name or path.name
    with warehouse.write_lock(db):
        manifest.sync(db)  # catch up after a load killed between publishing and mirroring
        done = _already_loaded(db, sha, name)
        if done is not None:
            return done
        layout = detect_layout(path, candidates)
        try:
            m = layout.mapping
            result = FileResult(name, sha, m.kind, m.name)
            with warehouse.working_copy(db) as con:
                _load_into(con, path, db, layout, result, today, on_rows, s)
        finally:
            close_layout(layout)
        manifest.sync(db)
    archive.purge(warehouse.archive_dir(db), s.archive_retention_days)
    return result


def _archive_columns(layout: Layout, ctx: RowContext) -> tuple[list[tuple[int, str, str]], list[str]]:
    cols = [(idx, role, name) for idx, (role, name) in sorted(layout.columns.items()) if role in ("col", "hash")]
    header = [archive.HASH_COLUMN if role == "hash" else layout.headers[name] for _, role, name in cols]
    kind = layout.mapping.kind
    if (
        kind == "complaints"
        and not any(name == "kind" for _, _, name in cols)
        and "kind" not in layout.mapping.constants
    ):
        cols.append((-1, "col", "kind"))
        header.append(archive.KIND_COLUMN)
    has_person = any(role in ("personal", "hash") for role, _ in layout.columns.values())
    if kind == "complaints" and has_person and not any(role == "hash" for _, role, _ in cols):
        cols.append((-1, "hash", "citizen_hash"))
        header.append(archive.HASH_COLUMN)
    return cols, header


def _load_into(
    con, path: Path, db: Path, layout: Layout, result: FileResult, today: date, on_rows, s: Settings
) -> None:
    m = layout.mapping
    if con.execute("select count(*) from agencies").fetchall()[0][0] == 0:
        write_reference(con)
    con.execute("begin")
    ctx = RowContext(layout, AgencyMatcher(con), con, load_salt(warehouse.salt_path(db)), today, s)
    rules = DeadlineRules.from_file(Path(os.environ.get("CCHC_DEADLINES", DEADLINES_YAML)))
    _stage_table(con, m.kind)
    batch_id = con.execute("select nextval('batch_seq')").fetchall()[0][0]
    arch_cols, arch_header = _archive_columns(layout, ctx)
    writer = archive.ArchiveWriter(
        warehouse.archive_dir(db), result.sha256, result.file, layout.header_row, arch_header
    )
    try:
        _rows_into(con, layout, result, ctx, rules, writer, arch_cols, on_rows)
        dups = _duplicates(con, m.kind, ctx)
        result.add_rejections(dups, s.max_rejections_stored)
        result.rows_rejected += len(dups)
        merge = _merge_complaints if m.kind == "complaints" else _merge_inspections
        result.rows_loaded, result.rows_updated, result.rows_unchanged = merge(con, m.source, batch_id)
        result.batch_id = batch_id
        after_merge(con, m.kind, batch_id)
        archive_path = writer.publish()
        _record_batch(con, db, layout, result, str(archive_path.relative_to(db.parent)))
        con.execute("commit")
    except BaseException:
        writer.discard()
        raise


def _rows_into(con, layout: Layout, result: FileResult, ctx: RowContext, rules, writer, arch_cols, on_rows) -> None:
    m = layout.mapping
    s = ctx.settings
    records: list[dict] = []
    seq: dict[str, int] = {}
    id_index = next(
        (i for i, (role, name) in layout.columns.items() if role == "col" and name == ID_COLUMN[m.kind]), None
    )

    def take(row: int, cells: list[object]) -> None:
        nonlocal records
        result.rows_in += 1
        if result.rows_in > s.max_rows:
            raise UnreadableFile(
                f"{result.file}: hơn {s.max_rows:,} dòng dữ liệu (max_rows); tệp bị từ chối",
                f"{result.file}: more than {s.max_rows:,} data rows (max_rows); the file is refused",
                "too-many-rows",
            )
        errs = ctx.invalid_cells(row, cells)
        record = None
        parts = ctx.split(cells)
        if not errs:
            if m.kind == "complaints":
                record, errs = complaint_record(row, cells, ctx, parts)
            else:
                record, errs = inspection_record(row, cells, ctx, seq, parts)
        writer.row(row, archive_cells(cells, record, ctx, arch_cols, parts))
        if errs:
            result.add_rejections(errs, s.max_rejections_stored)
            result.rows_rejected += 1
        else:
            if record.pop("_withheld", False):
                result.content_withheld += 1
            records.append(record)
        if len(records) >= CHUNK_ROWS:
            _insert_chunk(con, records, m.kind, rules, m)
            records = []
        if on_rows and result.rows_in % 1000 == 0:
            on_rows(1000)

    # Total and signature rows are only those at the end: rows that look like them but are followed by data
    # are data after all (rejected with their reason if they are not valid).
    tail: list[tuple[int, list[object]]] = []
    for row, cells in _data_rows(layout):
        if all(c is None for c in cells):
            continue
        if (tail and not _has_id(cells, id_index) or _is_footer(cells, id_index)) and len(tail) < MAX_FOOTER_ROWS:
            tail.append((row, cells))
            continue
        for held in tail:
            take(*held)
        tail = []
        take(row, cells)
    result.rows_footer = len(tail)
    result.footer_rows = [row for row, _ in tail]
    for row, _ in tail:  # their text may be signatures: the archive keeps only that they were footer rows
        writer.row(row, [FOOTER_MARK])
    _insert_chunk(con, records, m.kind, rules, m)
    if on_rows:
        on_rows(result.rows_in % 1000)


def _record_batch(con, db: Path, layout: Layout, result: FileResult, archive_path: str) -> None:
    m = layout.mapping
    date_col = "received_date" if m.kind == "complaints" else "inspected_on"
    lo, hi = con.execute(f"select min({date_col}), max({date_col}) from stage").fetchall()[0]
    mapping_archive = _archive_mapping(m.path, db)
    con.execute(
        """
        insert into load_batches (batch_id, file_name, file_sha256, archive_path, kind, mapping_name,
            mapping_archive_path, source, loaded_at, rows_in, rows_loaded, rows_updated, rows_unchanged,
            rows_rejected, min_event_date, max_event_date, rows_footer, content_withheld, rejections_not_stored)
        values (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            result.batch_id,
            result.file,
            result.sha256,
            archive_path,
            m.kind,
            m.name,
            mapping_archive,
            m.source,
            result.rows_in,
            result.rows_loaded,
            result.rows_updated,
            result.rows_unchanged,
            result.rows_rejected,
            lo,
            hi,
            result.rows_footer,
            result.content_withheld,
            result.rejections_not_stored,
        ],
    )
    store_rejections(con, result.batch_id, result.file, result.rejections)
    con.execute("insert or replace into meta values ('last_load_at', cast(current_timestamp as varchar))")


REJECTED_COLUMNS = [
    "batch_id",
    "file_name",
    "row_number",
    "column_name",
    "raw_value",
    "error_type",
    "reason_vi",
    "reason_en",
]


def store_rejections(con: duckdb.DuckDBPyConnection, batch_id: int, file: str, rejections: list[Rejection]) -> None:
    """A file's rejected rows into rejected_rows (complaint, inspection and plan loads alike)."""
    if not rejections:
        return
    frame = pd.DataFrame(
        [
            [batch_id, file, r.row_number, r.column_name, r.raw_value, r.error_type, r.reason_vi, r.reason_en]
            for r in rejections
        ],
        columns=REJECTED_COLUMNS,
    )
    con.register("rej", frame)
    try:
        con.execute("insert into rejected_rows by name select * from rej")
    finally:
        con.unregister("rej")


def load_files(
    paths: list[Path],
    db_path: Path | str | None = None,
    kind: str | None = None,
    mapping: Path | None = None,
    today: date | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> list[FileResult]:
    """Load several files, each its own transaction; an unreadable file raises after the earlier ones landed."""
    db = warehouse.db_path(db_path)
    return [load_file(Path(p), db, kind, mapping, today, on_rows) for p in paths]
