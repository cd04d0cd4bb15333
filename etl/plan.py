"""The annual inspection plan (kế hoạch kiểm tra công vụ năm): read a plan workbook, map its
columns (etl/mappings/plan/*.yaml), validate every row (a rejected row gets its file, row and a
reason in Vietnamese and English), mask the topic text, and merge it into `inspection_plans`
in one transaction per file, recorded in load_batches (kind 'plan') and rejected_rows like
every other export.

    python -m etl plan exports/ke_hoach_2026.xlsx [--db …] [--mapping …] [--json]

Columns: plan ID (or row number), year, quarter or month, type (theo kế hoạch, phối hợp, tự
kiểm tra: an unannounced inspection is never planned), lead unit, inspected agency, topic.
The agency is resolved on the first day of the planned period (else on its last day), so a plan
of early 2025 names the communes of then and a plan of 2026 today's."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

from cchc import codebook
from etl import manifest, warehouse
from etl.agencies import AgencyMatcher, write_reference
from etl.errors import MappingError, Rejection, UnreadableFile, reject
from etl.load import store_rejections
from etl.privacy import mask_text
from etl.readers import open_sheets, sha256_of
from etl.textnorm import clean, fold

PLAN_MAPPINGS_DIR = Path(__file__).parent / "mappings" / "plan"
DEFAULT_MAPPING = PLAN_MAPPINGS_DIR / "ke-hoach-kiem-tra.yaml"
COLUMNS = ("plan_id", "year", "quarter", "month", "inspection_type", "lead_unit", "agency", "topic")
PLANNABLE = ("planned", "joint", "self")
HEADER_SEARCH_ROWS = 40
KIND = "plan"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NUMBER = re.compile(r"(\d+|iv|iii|ii|i)$")


@dataclass
class PlanMapping:
    name: str
    source: str
    path: Path
    columns: dict[str, list[str]]
    required: list[str]
    masked: list[str]
    null_values: set[str]
    values: dict[str, dict[str, str]]  # column -> folded value -> code
    header_index: dict[str, str] = field(default_factory=dict)

    def code_for(self, column: str, raw: str) -> str | None:
        return self.values.get(column, {}).get(fold(raw))


def load_plan_mapping(path: Path = DEFAULT_MAPPING) -> PlanMapping:
    """Read and check a plan mapping (the same shape as docs/mappings.md, kind: plan)."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(
            f"Không đọc được tệp ánh xạ {path}: {exc}", f"Cannot read mapping file {path}: {exc}"
        ) from exc
    if not isinstance(raw, dict) or raw.get("kind") != KIND:
        raise MappingError(f"{path}: 'kind' phải là plan", f"{path}: 'kind' must be plan")
    columns = {}
    for col, headers in (raw.get("columns") or {}).items():
        if col not in COLUMNS:
            raise MappingError(
                f"{path}: cột chuẩn '{col}' không tồn tại (có: {', '.join(COLUMNS)})",
                f"{path}: unknown canonical column '{col}' (known: {', '.join(COLUMNS)})",
            )
        columns[col] = [str(h) for h in (headers if isinstance(headers, list) else [headers])]
    required = [str(c) for c in raw.get("required") or ["plan_id", "year", "agency", "inspection_type"]]
    for col in required:
        if col not in columns:
            raise MappingError(
                f"{path}: cột bắt buộc '{col}' không có trong 'columns'",
                f"{path}: required column '{col}' has no entry in 'columns'",
            )
    values: dict[str, dict[str, str]] = {}
    for col, vocab in (raw.get("values") or {}).items():
        values[col] = {}
        for code, variants in (vocab or {}).items():
            if col == "inspection_type" and code not in PLANNABLE:
                raise MappingError(
                    f"{path}: hình thức '{code}' không thể có trong kế hoạch ({', '.join(PLANNABLE)})",
                    f"{path}: type '{code}' cannot be planned ({', '.join(PLANNABLE)})",
                )
            if col == "inspection_type":
                codebook.require("inspection_type", [code])
            values[col][fold(code)] = str(code)
            for v in variants if isinstance(variants, list) else [variants]:
                values[col][fold(str(v))] = str(code)
    m = PlanMapping(
        name=str(raw.get("name") or path.stem),
        source=str(raw.get("source") or raw.get("name") or path.stem),
        path=path,
        columns=columns,
        required=required,
        masked=[str(c) for c in raw.get("masked") or []],
        null_values={fold(str(v)) for v in raw.get("null_values") or []},
        values=values,
    )
    for col, headers in columns.items():
        for h in headers:
            m.header_index.setdefault(fold(h), col)
    return m


# ---------------------------------------------------------------- reading


@dataclass
class PlanLayout:
    header_row: int
    columns: dict[int, str]  # column index -> canonical name
    headers: dict[str, str]  # canonical name -> header as written
    rows: object  # iterator of (row number, cells) after the header
    reader: object = None  # the sheets' reader: alive while the rows are read (closing it ends the child)


def find_header(path: Path, m: PlanMapping) -> PlanLayout:
    """The first row (of the first sheet that has one) holding every required header."""
    reader = open_sheets(path)
    for sheet in reader:
        seen = []
        for number, cells in sheet.rows:
            seen.append(number)
            found = {
                i: m.header_index[fold(c)] for i, c in enumerate(cells) if c is not None and fold(c) in m.header_index
            }
            if all(r in found.values() for r in m.required):
                columns: dict[int, str] = {}
                headers: dict[str, str] = {}
                for i, name in found.items():
                    if name not in headers:
                        columns[i], headers[name] = name, str(cells[i])
                return PlanLayout(number, columns, headers, sheet.rows, reader)
            if len(seen) >= HEADER_SEARCH_ROWS:
                break
    expected = ", ".join(m.columns[c][0] for c in m.required)
    raise UnreadableFile(
        f"{path.name}: không tìm thấy dòng tiêu đề của kế hoạch trong {HEADER_SEARCH_ROWS} dòng đầu "
        f"(cần các cột: {expected})",
        f"{path.name}: no plan header row found in the first {HEADER_SEARCH_ROWS} rows (expected columns: {expected})",
    )


_FOOTER = re.compile(
    r"^(tong cong|tong so|nguoi lap|thu truong|giam doc|chu tich|noi nhan|ghi chu|.*ngay \d+ thang \d+ nam)"
)


def _is_footer(values: dict) -> bool:
    first = next((v for v in values.values() if v is not None), None)
    return isinstance(first, str) and bool(_FOOTER.match(fold(first[:80])))


# ---------------------------------------------------------------- validating


def quarter_of(raw: object) -> int | None:
    """1..4 from 1, '2', 'I', 'Quý III', 'Q4'; None when it is not a quarter."""
    if isinstance(raw, (int, float)) and float(raw).is_integer():
        n = int(raw)
        return n if 1 <= n <= 4 else None
    text = fold(str(raw)).replace("quy", "").replace("q", "").strip()
    match = _NUMBER.fullmatch(text)
    if not match:
        return None
    n = _ROMAN.get(match.group(1)) or (int(match.group(1)) if match.group(1).isdigit() else None)
    return n if n and 1 <= n <= 4 else None


def month_of(raw: object) -> int | None:
    """1..12 from 3, '03', 'Tháng 3', 'T3'; None when it is not a month."""
    if isinstance(raw, (int, float)) and float(raw).is_integer():
        n = int(raw)
        return n if 1 <= n <= 12 else None
    text = fold(str(raw)).replace("thang", "").strip().lstrip("t").strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= 12 else None


def period_of(year: int, quarter: int, month: int | None) -> tuple[date, date]:
    """First and last day of the planned month, or of the quarter."""
    first_month = month or 3 * (quarter - 1) + 1
    months = 1 if month else 3
    start = date(year, first_month, 1)
    end_month = first_month + months
    after = date(year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    return start, after - timedelta(days=1)


class _Errors:
    def __init__(self, row: int, headers: dict[str, str]):
        self.row, self.headers, self.items = row, headers, []

    def add(self, error_type: str, column: str | None = None, value: object = None, **kw) -> None:
        header = self.headers.get(column, column) if column else None
        self.items.append(reject(self.row, error_type, header, value, **kw))


def plan_record(
    row: int, values: dict, m: PlanMapping, headers: dict[str, str], matcher: AgencyMatcher, today: date
) -> tuple[dict | None, list[Rejection]]:
    """One plan row -> a canonical plan record, or the reasons it is rejected."""
    errors = _Errors(row, headers)
    raw_id = values.get("plan_id")
    if raw_id is None:
        errors.add("missing-id", "plan_id")
    for col in ("year", "agency", "inspection_type"):
        if values.get(col) is None:
            errors.add("missing-value", col)
    year = None
    if values.get("year") is not None:
        text = str(values["year"]).strip().removesuffix(".0")
        if not text.isdigit():
            errors.add("not-a-number", "year", values["year"])
        elif not 2000 <= int(text) <= today.year + 1:
            errors.add("unknown-value", "year", values["year"], allowed=f"2000–{today.year + 1}")
        else:
            year = int(text)
    quarter = month = None
    if values.get("month") is not None:
        month = month_of(values["month"])
        if month is None:
            errors.add("unknown-value", "month", values["month"], allowed="1–12")
    if values.get("quarter") is not None:
        quarter = quarter_of(values["quarter"])
        if quarter is None:
            errors.add("unknown-value", "quarter", values["quarter"], allowed="I, II, III, IV")
        elif month is not None and quarter != (month - 1) // 3 + 1:
            errors.add("unknown-value", "quarter", values["quarter"], allowed=f"Quý {(month - 1) // 3 + 1}")
    elif month is not None:
        quarter = (month - 1) // 3 + 1
    if values.get("quarter") is None and values.get("month") is None:
        errors.add("missing-value", "quarter" if "quarter" in headers or "month" not in headers else "month")
    itype = None
    if values.get("inspection_type") is not None:
        itype = m.code_for("inspection_type", str(values["inspection_type"]))
        if itype is None:
            allowed = ", ".join(codebook.label("inspection_type", c) for c in PLANNABLE)
            errors.add("unknown-value", "inspection_type", values["inspection_type"], allowed=allowed)
    start = due = None
    if year and quarter:
        start, due = period_of(year, quarter, month)
    agency_id = None
    if values.get("agency") is not None:
        match = matcher.match(str(values["agency"]), start or (date(year, 1, 1) if year else today))
        if match.agency_id is None and due is not None:
            later = matcher.match(str(values["agency"]), due)  # a unit formed during the planned period
            match = later if later.agency_id is not None else match
        if match.agency_id is None:
            errors.add(match.error_type or "unknown-agency", "agency", values["agency"], suggestions=match.suggestions)
        agency_id = match.agency_id
    if errors.items:
        return None, errors.items
    plan_id = clean(raw_id)
    if isinstance(raw_id, (int, float)) or (plan_id and plan_id.isdigit()):
        plan_id = f"{year}-{int(float(raw_id)):03d}"  # a bare row number is unique within its year only
    topic = clean(values.get("topic"))
    if topic and "topic" in m.masked:
        topic = mask_text(topic)
    record = {
        "row_number": row,
        "plan_id": plan_id,
        "plan_year": year,
        "plan_quarter": quarter,
        "plan_month": month,
        "period_start": start,
        "due_date": due,
        "inspection_type": itype,
        "lead_unit": clean(values.get("lead_unit")),
        "agency_id": agency_id,
        "agency_name_raw": clean(values.get("agency")),
        "topic_masked": topic,
    }
    return record, []


HASHED = (
    "plan_year",
    "plan_quarter",
    "plan_month",
    "period_start",
    "due_date",
    "inspection_type",
    "lead_unit",
    "agency_id",
    "agency_name_raw",
    "topic_masked",
)


def _row_hash(r: dict) -> str:
    return hashlib.sha256("\x1f".join("" if r[k] is None else str(r[k]) for k in HASHED).encode()).hexdigest()[:32]


# ---------------------------------------------------------------- loading


@dataclass
class PlanResult:
    file: str
    sha256: str
    kind: str = KIND
    mapping: str = ""
    rows_in: int = 0
    rows_loaded: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    batch_id: int | None = None
    already_loaded: bool = False
    rejections: list[Rejection] = field(default_factory=list)

    def as_json(self) -> dict:
        keys = ("file", "sha256", "kind", "rows_in", "rows_loaded", "rows_updated", "rows_unchanged")
        return {k: getattr(self, k) for k in (*keys, "rows_rejected", "batch_id")}


def _archive(path: Path, sha: str, db: Path, sub: str = "") -> str:
    folder = warehouse.archive_dir(db) / sub
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sha}{path.suffix.lower()}"
    if not target.exists():
        tmp = target.with_name(target.name + f".part-{os.getpid()}")
        shutil.copyfile(path, tmp)
        os.chmod(tmp, 0o600)  # readable by the service user only, like every archived file
        os.replace(tmp, target)
    return str(target.relative_to(db.parent))


def load_plan(
    path: Path, db: Path, mapping: Path | None = None, today: date | None = None, name: str | None = None
) -> PlanResult:
    """Load one plan file as one transaction: all of it is published, or none of it."""
    path = Path(path)
    today = today or warehouse.today()
    m = load_plan_mapping(mapping or DEFAULT_MAPPING)
    try:
        sha = sha256_of(path)
    except OSError as exc:
        raise UnreadableFile(f"{path}: không đọc được tệp ({exc.strerror})", f"{path}: {exc.strerror}") from exc
    result = PlanResult(name or path.name, sha, mapping=m.name)
    with warehouse.write_lock(db):
        if db.exists():
            con = warehouse.connect_read_only(db)
            try:
                tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
                prev = (
                    con.execute(
                        "select batch_id, rows_in, rows_rejected from load_batches where file_sha256 = ? "
                        "order by batch_id limit 1",
                        [sha],
                    ).fetchall()
                    if "load_batches" in tables
                    else []
                )
            finally:
                con.close()
            if prev:
                batch_id, rows_in, rejected = prev[0]
                result.batch_id, result.rows_in, result.rows_rejected = batch_id, rows_in, rejected
                result.rows_unchanged, result.already_loaded = rows_in - rejected, True
                return result
        layout = find_header(path, m)
        try:
            with warehouse.working_copy(db) as con:
                _load_into(con, path, db, m, layout, result, today)
        finally:
            if hasattr(layout.reader, "close"):
                layout.reader.close()
        manifest.sync(db)  # the archive's batch list, which rebuilds a damaged warehouse
    return result


def _load_into(con, path: Path, db: Path, m: PlanMapping, layout: PlanLayout, result: PlanResult, today: date) -> None:
    if con.execute("select count(*) from agencies").fetchall()[0][0] == 0:
        write_reference(con)
    con.execute("begin")
    matcher = AgencyMatcher(con)
    records: dict[str, dict] = {}
    rejected_rows: set[int] = set()
    for row, cells in layout.rows:
        if all(c is None for c in cells):
            continue
        values: dict[str, object] = {}
        for i, col in layout.columns.items():
            v = cells[i] if i < len(cells) else None
            if isinstance(v, str):
                v = clean(v)
                if v is not None and len(v) <= 40 and fold(v) in m.null_values:
                    v = None
            values[col] = v
        if all(v is None for v in values.values()) or _is_footer(values):
            continue
        result.rows_in += 1
        record, errs = plan_record(row, values, m, layout.headers, matcher, today)
        if errs:
            result.rejections.extend(errs)
            rejected_rows.add(row)
            continue
        earlier = records.get(record["plan_id"])
        if earlier is not None:  # the last row of an ID wins, as for every export
            result.rejections.append(
                reject(
                    earlier["row_number"], "duplicate-id", layout.headers.get("plan_id"), record["plan_id"], other=row
                )
            )
            rejected_rows.add(earlier["row_number"])
        records[record["plan_id"]] = record
    result.rows_rejected = len(rejected_rows)
    batch_id = con.execute("select nextval('batch_seq')").fetchall()[0][0]
    result.batch_id = batch_id
    for r in records.values():
        r["row_hash"] = _row_hash(r)
        old = con.execute(
            "select row_hash from inspection_plans where source = ? and plan_id = ?", [m.source, r["plan_id"]]
        ).fetchall()
        if not old:
            result.rows_loaded += 1
        elif old[0][0] == r["row_hash"]:
            result.rows_unchanged += 1
            continue
        else:
            result.rows_updated += 1
        con.execute(
            """insert into inspection_plans (source, plan_id, plan_year, plan_quarter, plan_month, period_start,
                   due_date, inspection_type, lead_unit, agency_id, agency_name_raw, topic_masked, row_hash,
                   first_batch_id, last_batch_id)
               values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               on conflict (source, plan_id) do update set plan_year = excluded.plan_year,
                   plan_quarter = excluded.plan_quarter, plan_month = excluded.plan_month,
                   period_start = excluded.period_start, due_date = excluded.due_date,
                   inspection_type = excluded.inspection_type, lead_unit = excluded.lead_unit,
                   agency_id = excluded.agency_id, agency_name_raw = excluded.agency_name_raw,
                   topic_masked = excluded.topic_masked, row_hash = excluded.row_hash,
                   last_batch_id = excluded.last_batch_id""",
            [m.source, *(r[k] for k in ("plan_id", *HASHED)), r["row_hash"], batch_id, batch_id],
        )
    dates = [r["period_start"] for r in records.values()] + [r["due_date"] for r in records.values()]
    con.execute(
        """insert into load_batches (batch_id, file_name, file_sha256, archive_path, kind, mapping_name,
               mapping_archive_path, source, loaded_at, rows_in, rows_loaded, rows_updated, rows_unchanged,
               rows_rejected, min_event_date, max_event_date)
           values (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp, ?, ?, ?, ?, ?, ?, ?)""",
        [
            batch_id,
            result.file,
            result.sha256,
            _archive(path, result.sha256, db),
            KIND,
            m.name,
            _archive(m.path, sha256_of(m.path), db, "mappings"),
            m.source,
            result.rows_in,
            result.rows_loaded,
            result.rows_updated,
            result.rows_unchanged,
            result.rows_rejected,
            min(dates) if dates else None,
            max(dates) if dates else None,
        ],
    )
    store_rejections(con, batch_id, result.file, result.rejections)
    con.execute("insert or replace into meta values ('last_load_at', cast(current_timestamp as varchar))")
    con.execute("commit")
