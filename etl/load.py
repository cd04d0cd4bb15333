"""Load export files into the warehouse: find the header, map, validate every row, merge."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from etl import manifest, warehouse
from etl.agencies import AgencyMatcher, write_reference
from etl.dates import DateError, parse_datetime
from etl.duedates import DeadlineRules
from etl.errors import MappingError, Rejection, UnreadableFile, reject
from etl.mapping import ID_COLUMN, Mapping, builtin_mappings, load_mapping, score_header
from etl.privacy import citizen_hash, load_salt, mask_text
from etl.readers import Sheet, open_sheets, sha256_of
from etl.textnorm import clean, fold

HEADER_SEARCH_ROWS = 40
CHUNK_ROWS = 50_000
DEADLINES_YAML = warehouse.ROOT / "config" / "deadlines.yaml"

_FOOTER = re.compile(
    r"^(tong cong|tong so|cong$|tong$|nguoi lap|thu truong|giam doc|pho giam doc|chu tich|xac nhan|"
    r"ky ten|ghi chu|noi nhan|ke toan|lanh dao|truong phong|.*ngay \d+ thang \d+ nam \d+)"
)
OPEN_STATUSES = {"new", "in_progress", "overdue"}
OUT_OF_REMIT = {"transferred", "out_of_remit"}
SATISFACTION_SCORE = {"very_satisfied": 5, "satisfied": 4, "neutral": 3, "dissatisfied": 2, "very_dissatisfied": 1}


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
    rejections: list[Rejection] = field(default_factory=list)

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
            "batch_id",
        )
        return {k: getattr(self, k) for k in keys}


@dataclass
class Layout:
    """Where the data is in a sheet and what each column means."""

    sheet: Sheet
    mapping: Mapping
    header_row: int
    columns: dict[int, tuple[str, str]]  # column index -> ("col" | "personal", canonical name)
    headers: dict[str, str]  # canonical name -> header as written in the file
    pending: list[tuple[int, list[object]]]  # rows already read past the header


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


def _layout_for(sheet: Sheet, candidates: list[Mapping]) -> Layout | None:
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
    for idx, cell in enumerate(cells):
        if cell is None:
            continue
        key = fold(cell)
        if key in mapping.header_index and mapping.header_index[key] not in headers:
            columns[idx] = ("col", mapping.header_index[key])
            headers[mapping.header_index[key]] = str(cell)
        elif key in mapping.personal_index:
            columns[idx] = ("personal", mapping.personal_index[key])
    return Layout(sheet, mapping, head[i][0], columns, headers, head[data_from:])


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
    """Find the first sheet and row that one of the candidate mappings recognises as a header."""
    for sheet in open_sheets(path):
        layout = _layout_for(sheet, candidates)
        if layout is not None:
            return layout
    expected = "; ".join(
        f"{m.name}: {', '.join(m.columns[c][0] for c in m.required if c in m.columns)}" for m in candidates
    )
    raise UnreadableFile(
        f"{path.name}: không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu (cần các cột: {expected})",
        f"{path.name}: no header row found in the first {HEADER_SEARCH_ROWS} rows (expected columns: {expected})",
    )


def _data_rows(layout: Layout) -> Iterator[tuple[int, list[object]]]:
    yield from layout.pending
    yield from layout.sheet.rows


def _is_footer(cells: list[object], id_index: int | None) -> bool:
    """Total and signature rows: a footer word where the ID should be, or in the first cells of a row without ID."""
    id_cell = cells[id_index] if id_index is not None and id_index < len(cells) else None
    texts = [id_cell] if id_cell is not None else [c for c in cells if c is not None][:2]
    return any(isinstance(t, str) and _FOOTER.match(fold(t[:80])) for t in texts)


# ---------------------------------------------------------------- row validation


class RowContext:
    """What validating one file needs: its mapping, headers, matcher, salt and today's date."""

    def __init__(
        self, layout: Layout, matcher: AgencyMatcher, con: duckdb.DuckDBPyConnection, salt: bytes, today: date
    ):
        self.mapping = layout.mapping
        self.headers = layout.headers
        self.columns = layout.columns
        self.matcher = matcher
        self.con = con
        self.salt = salt
        self.today = today
        self.null_values = layout.mapping.null_values
        self.date_formats = tuple(layout.mapping.date_formats)

    def split(self, cells: list[object]) -> tuple[dict[str, object], dict[str, object]]:
        values: dict[str, object] = dict(self.mapping.constants)
        personal: dict[str, object] = {}
        for idx, (role, name) in self.columns.items():
            v = cells[idx] if idx < len(cells) else None
            if isinstance(v, str):
                v = clean(v)
                if v is not None and len(v) <= 40 and fold(v) in self.null_values:
                    v = None
            if role == "col":
                values[name] = v
            else:
                personal[name] = v
        return values, personal

    def header(self, column: str) -> str:
        return self.headers.get(column, column)


class RowErrors:
    def __init__(self, row: int, ctx: RowContext):
        self.row, self.ctx, self.items = row, ctx, []

    def add(self, error_type: str, column: str | None = None, value: object = None, **kw) -> None:
        header = self.ctx.header(column) if column else None
        self.items.append(reject(self.row, error_type, header, value, **kw))


def _date_value(values: dict, column: str, errors: RowErrors, required: bool, future_ok: bool = False):
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
    if parsed is not None and not future_ok and parsed.date() > errors.ctx.today:
        errors.add("future-date", column, _show_date(raw, parsed))
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
    code = m.code_for(column, str(raw))
    if code is not None:
        return code
    if column in m.open_values or column not in m.values:
        return clean(raw)
    errors.add("unknown-value", column, raw, allowed=m.allowed(column))
    return None


def _int_value(values: dict, column: str, errors: RowErrors) -> int | None:
    raw = values.get(column)
    if raw is None:
        return None
    if isinstance(raw, (int, float)) and float(raw).is_integer():
        return int(raw)
    text = str(raw).replace(".", "").replace(",", "").strip()
    if text.isdigit():
        return int(text)
    errors.add("not-a-number", column, raw)
    return None


def _agency(values: dict, on: date | None, errors: RowErrors) -> str | None:
    raw = values.get("agency")
    if raw is None:
        errors.add("missing-value", "agency")
        return None
    ctx = errors.ctx
    match = ctx.matcher.match(str(raw), on)
    if match.agency_id is not None:
        return match.agency_id
    if match.error_type == "unknown-agency" and ctx.mapping.unknown_agency == "register":
        return ctx.matcher.register(ctx.con, ctx.mapping.source, str(raw), ctx.mapping.register_level)
    errors.add(match.error_type or "unknown-agency", "agency", raw, suggestions=match.suggestions)
    return None


def _masked(values: dict, column: str, ctx: RowContext, personal: dict | None = None) -> str | None:
    v = values.get(column)
    if v is None:
        return None
    if column not in ctx.mapping.masked:
        return clean(v)
    return _redact_own(mask_text(str(v)), personal or {})


_OWN_LABELS = {"name": "[HỌ TÊN]", "address": "[ĐỊA CHỈ]", "phone": "[SĐT]", "email": "[EMAIL]", "id_number": "[CCCD]"}


def _redact_own(text: str | None, personal: dict) -> str | None:
    """Free text often repeats the row's own name and address: mask those exact values too."""
    if not text:
        return text
    for key, value in personal.items():
        if isinstance(value, str) and len(value) >= 4:
            text = re.sub(re.escape(value), _OWN_LABELS[key], text, flags=re.IGNORECASE)
    return text


def complaint_record(row: int, cells: list[object], ctx: RowContext) -> tuple[dict | None, list[Rejection]]:
    """One export row -> a canonical complaint, or the reasons it is rejected."""
    values, personal = ctx.split(cells)
    errors = RowErrors(row, ctx)
    cid = clean(values.get("complaint_id"))
    if cid is None:
        errors.add("missing-id", "complaint_id")
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
    agency_id = _agency(values, received.date() if received else None, errors)
    status = _vocab(values, "status", errors)
    record = {
        "row_number": row,
        "complaint_id": cid,
        "received_at": received,
        "channel": _vocab(values, "channel", errors),
        "kind": _vocab(values, "kind", errors),
        "category": _vocab(values, "category", errors),
        "subcategory": _vocab(values, "subcategory", errors),
        "agency_id": agency_id,
        "agency_name_raw": clean(values.get("agency")),
        "status": status or ("resolved" if resolved else "in_progress"),
        "export_due_date": due.date() if due else None,
        "resolved_at": resolved,
        "satisfaction": _vocab(values, "satisfaction", errors),
        "content_masked": _masked(values, "content", ctx, personal),
        "citizen_hash": citizen_hash([personal.get(k) for k in ("phone", "id_number", "email", "name")], ctx.salt)
        if personal
        else None,
    }
    if errors.items:
        return None, errors.items
    return record, []


def inspection_record(
    row: int, cells: list[object], ctx: RowContext, seq: dict[str, int]
) -> tuple[dict | None, list[Rejection]]:
    """One findings row -> an inspection plus (when a finding is present) one violation."""
    values, _ = ctx.split(cells)
    errors = RowErrors(row, ctx)
    iid = clean(values.get("inspection_id"))
    if iid is None:
        errors.add("missing-id", "inspection_id")
    inspected = _date_value(values, "inspected_on", errors, required=True)
    itype = _vocab(values, "inspection_type", errors)
    if values.get("inspection_type") is None:
        errors.add("missing-value", "inspection_type")
    agency_id = _agency(values, inspected.date() if inspected else None, errors)
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
        "team": clean(values.get("team")),
        "lead_unit": clean(values.get("lead_unit")),
        "agency_id": agency_id,
        "agency_name_raw": clean(values.get("agency")),
        "officials_checked": _int_value(values, "officials_checked", errors),
        "category": category,
        "description_masked": _masked(values, "description", ctx),
        "officials_involved": _int_value(values, "officials_involved", errors),
        "handling": _vocab(values, "handling", errors),
        "recommendation_masked": _masked(values, "recommendation", ctx),
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
    on_time = pd.Series(resolved <= due, dtype="boolean")
    on_time[np.isnat(resolved) | np.isnat(due)] = pd.NA
    df["is_on_time"] = on_time
    df["in_remit"] = ~df["status"].isin(OUT_OF_REMIT)
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
        reject(r, "duplicate-id", column, k.split("#")[0] if kind != "complaints" else k, other=kept)
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
    cols = ", ".join(COMPLAINT_COLUMNS + ["row_hash"])
    sets = ", ".join(f"{c} = excluded.{c}" for c in COMPLAINT_COLUMNS + ["row_hash"])
    con.execute(
        f"""
        insert into complaints (source, {cols}, first_batch_id, last_batch_id)
        select ?, {cols}, ?, ? from stage
        on conflict (source, complaint_id) do update set {sets}, last_batch_id = excluded.last_batch_id
        where complaints.row_hash <> excluded.row_hash""",
        [source, batch_id, batch_id],
    )
    return new, updated, unchanged


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
    icols = ", ".join(INSPECTION_COLUMNS)
    isets = ", ".join(f"{c} = excluded.{c}" for c in INSPECTION_COLUMNS + ["row_hash"])
    con.execute(
        f"""
        insert into inspections (source, {icols}, row_hash, first_batch_id, last_batch_id)
        select ?, {icols}, insp_hash, ?, ? from stage
        qualify row_number() over (partition by inspection_id order by row_number desc) = 1
        on conflict (source, inspection_id) do update set {isets}, last_batch_id = excluded.last_batch_id
        where inspections.row_hash <> excluded.row_hash""",
        [source, batch_id, batch_id],
    )
    vcols = ", ".join(VIOLATION_COLUMNS)
    vsets = ", ".join(f"{c} = excluded.{c}" for c in VIOLATION_COLUMNS + ["row_hash"])
    con.execute(
        f"""
        insert into violations (source, {vcols}, row_hash, first_batch_id, last_batch_id)
        select ?, {vcols}, row_hash, ?, ? from stage where violation_id is not null
        on conflict (source, violation_id) do update set {vsets}, last_batch_id = excluded.last_batch_id
        where violations.row_hash <> excluded.row_hash""",
        [source, batch_id, batch_id],
    )
    return new, updated, unchanged


# ---------------------------------------------------------------- one file


def _archive(path: Path, sha: str, db: Path, sub: str = "") -> str:
    folder = warehouse.archive_dir(db) / sub
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sha}{path.suffix.lower()}"
    if not target.exists():
        tmp = target.with_name(target.name + f".part-{os.getpid()}")
        shutil.copyfile(path, tmp)
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
        select batch_id, kind, mapping_name, rows_in, rows_loaded + rows_updated + rows_unchanged, rows_rejected
        from load_batches where file_sha256 = ? order by batch_id limit 1""",
        [sha],
    ).fetchall()


def _already_loaded(db: Path, sha: str, name: str) -> FileResult | None:
    if not db.exists():
        return None
    con = warehouse.connect_read_only(db)
    try:
        if "load_batches" not in {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}:
            return None
        prev = _previous_batch(con, sha)
    finally:
        con.close()
    if not prev:
        return None
    batch_id, kind, mapping_name, rows_in, kept, rejected = prev[0]
    return FileResult(name, sha, kind, mapping_name, rows_in, 0, 0, kept, rejected, batch_id, already_loaded=True)


def load_file(
    path: Path,
    db: Path,
    kind: str | None = None,
    mapping: Path | None = None,
    today: date | None = None,
    on_rows: Callable[[int], None] | None = None,
    name: str | None = None,
) -> FileResult:
    """Load one file as one transaction: all of it is published, or none of it."""
    path = Path(path)
    today = today or warehouse.today()
    candidates = _candidates(kind, mapping)
    try:
        sha = sha256_of(path)
    except OSError as exc:
        reason = "file not found" if isinstance(exc, FileNotFoundError) else exc.strerror
        raise UnreadableFile(f"{path}: không đọc được tệp ({exc.strerror})", f"{path}: {reason}") from exc
    name = name or path.name
    with warehouse.write_lock(db):
        manifest.sync(db)  # catch up after a load killed between publishing and mirroring
        done = _already_loaded(db, sha, name)
        if done is not None:
            return done
        layout = detect_layout(path, candidates)
        m = layout.mapping
        result = FileResult(name, sha, m.kind, m.name)
        with warehouse.working_copy(db) as con:
            _load_into(con, path, db, layout, result, today, on_rows)
        manifest.sync(db)
    return result


def _load_into(con, path: Path, db: Path, layout: Layout, result: FileResult, today: date, on_rows) -> None:
    m = layout.mapping
    if con.execute("select count(*) from agencies").fetchall()[0][0] == 0:
        write_reference(con)
    con.execute("begin")
    ctx = RowContext(layout, AgencyMatcher(con), con, load_salt(warehouse.salt_path(db)), today)
    rules = DeadlineRules.from_file(Path(os.environ.get("CCHC_DEADLINES", DEADLINES_YAML)))
    _stage_table(con, m.kind)
    batch_id = con.execute("select nextval('batch_seq')").fetchall()[0][0]
    records: list[dict] = []
    seq: dict[str, int] = {}
    rejected_rows: set[int] = set()
    footer = False
    id_index = next(
        (i for i, (role, name) in layout.columns.items() if role == "col" and name == ID_COLUMN[m.kind]), None
    )
    for row, cells in _data_rows(layout):
        if all(c is None for c in cells):
            continue
        if _is_footer(cells, id_index) or (
            footer and (id_index is None or id_index >= len(cells) or cells[id_index] is None)
        ):
            footer = True
            continue
        footer = False
        result.rows_in += 1
        if m.kind == "complaints":
            record, errs = complaint_record(row, cells, ctx)
        else:
            record, errs = inspection_record(row, cells, ctx, seq)
        if errs:
            result.rejections.extend(errs)
            rejected_rows.add(row)
        else:
            records.append(record)
        if len(records) >= CHUNK_ROWS:
            _insert_chunk(con, records, m.kind, rules, m)
            records = []
        if on_rows and result.rows_in % 1000 == 0:
            on_rows(1000)
    _insert_chunk(con, records, m.kind, rules, m)
    if on_rows:
        on_rows(result.rows_in % 1000)
    dups = _duplicates(con, m.kind, ctx)
    result.rejections.extend(dups)
    rejected_rows.update(d.row_number for d in dups)
    result.rows_rejected = len(rejected_rows)
    merge = _merge_complaints if m.kind == "complaints" else _merge_inspections
    result.rows_loaded, result.rows_updated, result.rows_unchanged = merge(con, m.source, batch_id)
    result.batch_id = batch_id
    _record_batch(con, path, db, layout, result)
    con.execute("commit")


def _record_batch(con, path: Path, db: Path, layout: Layout, result: FileResult) -> None:
    m = layout.mapping
    date_col = "received_date" if m.kind == "complaints" else "inspected_on"
    lo, hi = con.execute(f"select min({date_col}), max({date_col}) from stage").fetchall()[0]
    archive_path = _archive(path, result.sha256, db)
    mapping_archive = _archive(m.path, sha256_of(m.path), db, "mappings")
    con.execute(
        """
        insert into load_batches (batch_id, file_name, file_sha256, archive_path, kind, mapping_name,
            mapping_archive_path, source, loaded_at, rows_in, rows_loaded, rows_updated, rows_unchanged,
            rows_rejected, min_event_date, max_event_date)
        values (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp, ?, ?, ?, ?, ?, ?, ?)""",
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
        ],
    )
    if result.rejections:
        frame = pd.DataFrame(
            [
                {
                    "batch_id": result.batch_id,
                    "file_name": result.file,
                    "row_number": r.row_number,
                    "column_name": r.column_name,
                    "raw_value": r.raw_value,
                    "error_type": r.error_type,
                    "reason_vi": r.reason_vi,
                    "reason_en": r.reason_en,
                }
                for r in result.rejections
            ]
        )
        con.register("rej", frame)
        con.execute("insert into rejected_rows by name select * from rej")
        con.unregister("rej")
    con.execute("insert or replace into meta values ('last_load_at', cast(current_timestamp as varchar))")


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
