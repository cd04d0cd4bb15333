"""python -m etl check: is the warehouse whole and consistent with its load history?

Read-only. Each problem is a finding with a stable code and a Vietnamese and an English sentence.
Errors mean the warehouse cannot be trusted (restore it, or `python -m etl rebuild --to NEW`);
warnings mean it is consistent but a recovery aid lags behind (the archive's batch list).

What is checked:
- the file opens, every table of etl/schema.sql is there and every value in it can be read (DuckDB
  checks each block's checksum), meta has the schema version (and the
  time of the last load once something is loaded);
- per batch: rows_in = loaded + updated + unchanged + rejected (footer rows are counted apart); the
  stored rejections match rows_rejected; complaints first loaded by the batch = rows_loaded; rows
  last changed by it <= loaded + updated; inspection batches within their bounds; the archived file
  a rebuild needs exists;
- no orphans: facts whose batch, agency or (for a violation) inspection does not exist, rejected
  rows without a batch;
- agencies: every parent, successor and current unit exists, successor chains have no cycles and
  end in a current unit, validity periods run forwards;
- the archive's batch list (etl/manifest.py) lists exactly the warehouse's batches.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from etl import manifest, warehouse
from etl.errors import EtlError

TABLES = re.findall(r"create table if not exists (\w+)", warehouse.SCHEMA_SQL.read_text(encoding="utf-8"))
OUTCOMES = ("rows_loaded", "rows_updated", "rows_unchanged", "rows_rejected")
# Outcome columns a newer loader may add (rows it reports instead of loading); summed when present.
OPTIONAL_OUTCOMES = ("rows_footer", "rejections_not_stored")
FACT_TABLES = {"complaints": "complaints", "inspections": "inspections", "violations": "inspections"}


@dataclass
class Finding:
    code: str
    severity: str  # error | warning
    vi: str
    en: str


@dataclass
class Report:
    db: str
    findings: list[Finding] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, code: str, vi: str, en: str) -> None:
        self.findings.append(Finding(code, "error", vi, en))

    def warning(self, code: str, vi: str, en: str) -> None:
        self.findings.append(Finding(code, "warning", vi, en))

    def as_json(self) -> dict:
        return {
            "db": self.db,
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.findings) - len(self.errors),
            "findings": [asdict(f) for f in self.findings],
            "stats": self.stats,
            "seconds": round(self.seconds, 3),
        }


def _rows(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _one(con, sql: str, params: list | None = None):
    return _rows(con, sql, params)[0][0]


def _ids(values: list, limit: int = 5) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (" …" if len(values) > limit else "")


def check_warehouse(db: Path) -> Report:
    """Every check; never raises for a damaged warehouse (that is a finding)."""
    started = time.monotonic()
    db = Path(db)
    report = Report(str(db))
    if not db.is_file():
        report.error(
            "missing",
            f"Không có tệp kho dữ liệu {db}",
            f"No warehouse file at {db}",
        )
    else:
        try:
            con = warehouse.connect_read_only(db)
        except (duckdb.Error, OSError, EtlError) as exc:
            report.error(
                "unreadable",
                f"Không mở được kho dữ liệu {db}: tệp hỏng hoặc không phải DuckDB ({exc})."
                f" Khôi phục: python -m etl rebuild --db {db} --to <tệp mới>",
                f"Cannot open the warehouse {db}: damaged or not a DuckDB file ({exc})."
                f" Recover: python -m etl rebuild --db {db} --to <new file>",
            )
        else:
            try:
                _check_open(con, db, report)
            except duckdb.Error as exc:
                report.error(
                    "unreadable",
                    f"Đọc kho dữ liệu {db} bị lỗi giữa chừng: tệp hỏng ({exc})",
                    f"Reading the warehouse {db} failed part-way: the file is damaged ({exc})",
                )
            finally:
                con.close()
    report.seconds = time.monotonic() - started
    return report


def _check_open(con, db: Path, report: Report) -> None:
    present = {r[0] for r in _rows(con, "select table_name from duckdb_tables()")}
    missing = [t for t in TABLES if t not in present]
    if missing:
        report.error(
            "missing-table",
            f"Thiếu bảng: {', '.join(missing)}",
            f"Missing tables: {', '.join(missing)}",
        )
        return
    if not _read_everything(con, report):
        return
    _check_meta(con, report)
    batches = _check_batches(con, db, report)
    _check_orphans(con, report)
    _check_agencies(con, report)
    _check_manifest(db, batches, report)
    report.stats.update(
        {t: _one(con, f"select count(*) from {t}") for t in ("complaints", "inspections", "violations", "agencies")}
    )
    report.stats["batches"] = len(batches)
    report.stats["rejected_rows"] = _one(con, "select count(*) from rejected_rows")


def _read_everything(con, report: Report) -> bool:
    """Read every value of every table: DuckDB verifies each block's checksum as it reads it."""
    damaged = []
    for t in TABLES:
        try:
            _rows(con, f"select count(*), sum(hash(x)) from {t} x")
        except duckdb.Error as exc:
            damaged.append(t)
            report.error(
                "corrupt",
                f"Bảng {t} hỏng, không đọc được ({exc}). Khôi phục: python -m etl rebuild --to <tệp mới>",
                f"Table {t} is damaged and cannot be read ({exc}). Recover: python -m etl rebuild --to <new file>",
            )
    return not damaged


def _check_meta(con, report: Report) -> None:
    meta = dict(_rows(con, "select key, value from meta"))
    version = meta.get("schema_version")
    if version is None:
        report.error("no-schema-version", "Bảng meta thiếu schema_version", "meta has no schema_version")
    elif version != warehouse.SCHEMA_VERSION:
        report.error(
            "schema-version",
            f"Phiên bản lược đồ {version}, chương trình cần {warehouse.SCHEMA_VERSION}",
            f"Schema version {version}; this program expects {warehouse.SCHEMA_VERSION}",
        )
    report.stats["schema_version"] = version
    has_batches = _one(con, "select count(*) from load_batches") > 0
    if has_batches and "last_load_at" not in meta:
        report.error("no-last-load", "Bảng meta thiếu thời điểm nạp cuối", "meta has no last_load_at")


def _check_batches(con, db: Path, report: Report) -> list[dict]:
    cols = [r[0] for r in _rows(con, "select column_name from duckdb_columns() where table_name = 'load_batches'")]
    extra = [c for c in OPTIONAL_OUTCOMES if c in cols]
    fields = ["batch_id", "file_name", "kind", "archive_path", "mapping_archive_path", "rows_in", *OUTCOMES, *extra]
    batches = [
        dict(zip(fields, r, strict=True))
        for r in _rows(con, f"select {', '.join(fields)} from load_batches order by batch_id")
    ]
    stored = dict(_rows(con, "select batch_id, count(distinct row_number) from rejected_rows group by 1"))
    first = {
        t: dict(_rows(con, f"select first_batch_id, count(*) from {t} group by 1"))
        for t in ("complaints", "inspections", "violations")
    }
    last = dict(_rows(con, "select last_batch_id, count(*) from complaints group by 1"))
    has_plans = _one(con, "select count(*) from duckdb_tables() where table_name = 'inspection_plans'") > 0
    plans = dict(_rows(con, "select first_batch_id, count(*) from inspection_plans group by 1")) if has_plans else {}
    for b in batches:
        bid, name = b["batch_id"], b["file_name"]
        where_vi, where_en = f"Lô {bid} ({name})", f"Batch {bid} ({name})"
        total = sum(b[k] for k in OUTCOMES)
        if b["rows_in"] != total:
            report.error(
                "batch-arithmetic",
                f"{where_vi}: đọc {b['rows_in']} dòng nhưng mới + cập nhật + không đổi + loại = {total}",
                f"{where_en}: read {b['rows_in']} rows but new + updated + unchanged + rejected = {total}",
            )
        n_rej = stored.get(bid, 0)
        capped = (b.get("rejections_not_stored") or 0) > 0 and n_rej < b["rows_rejected"]
        if n_rej != b["rows_rejected"] and not capped:
            report.error(
                "batch-rejections",
                f"{where_vi}: lịch sử ghi {b['rows_rejected']} dòng bị loại, bảng rejected_rows có {n_rej}",
                f"{where_en}: load history says {b['rows_rejected']} rejected rows, rejected_rows holds {n_rej}",
            )
        if b["kind"] == "complaints":
            n_first = first["complaints"].get(bid, 0)
            if n_first != b["rows_loaded"]:
                report.error(
                    "batch-count",
                    f"{where_vi}: lịch sử ghi {b['rows_loaded']} phản ánh mới, kho có {n_first} phản ánh của lô này",
                    f"{where_en}: load history says {b['rows_loaded']} new complaints, the warehouse holds {n_first}",
                )
            n_last = last.get(bid, 0)
            if n_last > b["rows_loaded"] + b["rows_updated"]:
                report.error(
                    "batch-count",
                    f"{where_vi}: {n_last} phản ánh ghi là do lô này sửa sau cùng, nhiều hơn mới + cập nhật",
                    f"{where_en}: {n_last} complaints last changed by this batch, more than new + updated",
                )
            wrong = first["inspections"].get(bid, 0) + first["violations"].get(bid, 0)
        elif b["kind"] == "inspections":
            n_v, n_i = first["violations"].get(bid, 0), first["inspections"].get(bid, 0)
            if not n_v <= b["rows_loaded"] <= n_v + n_i:
                report.error(
                    "batch-count",
                    f"{where_vi}: lịch sử ghi {b['rows_loaded']} dòng mới, kho có {n_i} cuộc kiểm tra và"
                    f" {n_v} vi phạm của lô này",
                    f"{where_en}: load history says {b['rows_loaded']} new rows, the warehouse holds {n_i}"
                    f" inspections and {n_v} violations of this batch",
                )
            wrong = first["complaints"].get(bid, 0)
        elif b["kind"] == "plan":
            n_plan = plans.get(bid, 0)
            if n_plan != b["rows_loaded"]:
                report.error(
                    "batch-count",
                    f"{where_vi}: lịch sử ghi {b['rows_loaded']} dòng kế hoạch mới, kho có {n_plan} của lô này",
                    f"{where_en}: load history says {b['rows_loaded']} new plan rows, the warehouse holds {n_plan}",
                )
            wrong = sum(first[t].get(bid, 0) for t in ("complaints", "inspections", "violations"))
        else:
            report.error("batch-kind", f"{where_vi}: loại '{b['kind']}' lạ", f"{where_en}: unknown kind '{b['kind']}'")
            wrong = 0
        if wrong:
            report.error(
                "batch-kind",
                f"{where_vi}: {wrong} dòng thuộc bảng khác loại của lô",
                f"{where_en}: {wrong} rows in a table of the other kind",
            )
        for key, what_vi, what_en in (
            ("archive_path", "tệp lưu trữ", "archived file"),
            ("mapping_archive_path", "ánh xạ lưu trữ", "archived mapping"),
        ):
            if not b[key] or not (db.parent / b[key]).exists():
                report.error(
                    "archive-missing",
                    f"{where_vi}: thiếu {what_vi} {b[key]} (cần để dựng lại kho)",
                    f"{where_en}: {what_en} {b[key]} is missing (a rebuild needs it)",
                )
    return batches


_NO_BATCH = "{col} not in (select batch_id from load_batches)"
# (code, vi, en, table, column shown, where): each selects offending rows.
ORPHANS = [
    *(
        (
            "orphan-batch",
            "{n} dòng của bảng {t} ghi lô ({col}) không có trong lịch sử nạp: {ids}",
            "{n} rows of {t} name a batch ({col}) missing from the load history: {ids}",
            t,
            col,
            _NO_BATCH.format(col=col),
        )
        for t in ("complaints", "inspections", "violations")
        for col in ("first_batch_id", "last_batch_id")
    ),
    (
        "orphan-batch",
        "{n} lý do loại trong {t} không thuộc lô nào trong lịch sử nạp: {ids}",
        "{n} rejection reasons in {t} belong to no batch in the load history: {ids}",
        "rejected_rows",
        "batch_id",
        "batch_id is null or " + _NO_BATCH.format(col="batch_id"),
    ),
    *(
        (
            "batch-order",
            "{n} dòng của bảng {t} có lô sửa sau cùng trước lô nạp đầu: {ids}",
            "{n} rows of {t} were last changed by a batch older than the one that first loaded them: {ids}",
            t,
            "first_batch_id",
            "last_batch_id < first_batch_id",
        )
        for t in ("complaints", "inspections", "violations")
    ),
    *(
        (
            "orphan-agency",
            "{n} dòng của bảng {t} gán cho cơ quan không có trong danh mục: {ids}",
            "{n} rows of {t} name an agency missing from the agencies table: {ids}",
            t,
            "agency_id",
            "agency_id is null or agency_id not in (select agency_id from agencies)",
        )
        for t in ("complaints", "inspections")
    ),
    (
        "orphan-violation",
        "{n} vi phạm không có cuộc kiểm tra tương ứng: {ids}",
        "{n} violations have no inspection: {ids}",
        "violations",
        "inspection_id",
        "not exists (select 1 from inspections i"
        " where i.source = violations.source and i.inspection_id = violations.inspection_id)",
    ),
]


def _check_orphans(con, report: Report) -> None:
    tables = {r[0] for r in _rows(con, "select table_name from duckdb_tables()")}
    plan_orphans = [
        (code, vi, en, "inspection_plans", col, _NO_BATCH.format(col=col))
        for code, vi, en, t, col, _ in ORPHANS[:2]
        if "inspection_plans" in tables
    ]
    for code, vi, en, t, col, where in [*ORPHANS, *plan_orphans]:
        n = _one(con, f"select count(*) from {t} where {where}")
        if n:
            ids = _ids([r[0] for r in _rows(con, f"select distinct {col} from {t} where {where} order by 1 limit 6")])
            report.error(code, vi.format(n=n, t=t, col=col, ids=ids), en.format(n=n, t=t, col=col, ids=ids))


def _check_agencies(con, report: Report) -> None:
    refs = [
        ("parent_id", "đơn vị cấp trên", "parent"),
        ("successor_id", "đơn vị kế thừa", "successor"),
        ("current_id", "đơn vị hiện nay", "current unit"),
    ]
    for col, vi, en in refs:
        bad = [
            r[0]
            for r in _rows(
                con,
                f"select agency_id from agencies where {col} is not null"
                f" and {col} not in (select agency_id from agencies) order by 1",
            )
        ]
        if bad:
            report.error(
                "agency-reference",
                f"{len(bad)} cơ quan trỏ tới {vi} không tồn tại ({_ids(bad)})",
                f"{len(bad)} agencies name a {en} that does not exist ({_ids(bad)})",
            )
    for table, col in (
        ("agency_successors", "agency_id"),
        ("agency_successors", "successor_id"),
        ("agency_aliases", "agency_id"),
    ):
        bad = [
            r[0]
            for r in _rows(
                con, f"select distinct {col} from {table} where {col} not in (select agency_id from agencies)"
            )
        ]
        if bad:
            report.error(
                "agency-reference",
                f"{len(bad)} dòng của {table}.{col} trỏ tới cơ quan không tồn tại ({_ids(bad)})",
                f"{len(bad)} rows of {table}.{col} name an agency that does not exist ({_ids(bad)})",
            )
    not_current = [
        r[0]
        for r in _rows(
            con,
            "select a.agency_id from agencies a join agencies c on c.agency_id = a.current_id"
            " where c.current_id is distinct from c.agency_id order by 1",
        )
    ]
    if not_current:
        report.error(
            "agency-current",
            f"{len(not_current)} cơ quan quy về đơn vị không phải đơn vị hiện nay ({_ids(not_current)})",
            f"{len(not_current)} agencies roll up to a unit that is not itself current ({_ids(not_current)})",
        )
    backwards = [r[0] for r in _rows(con, "select agency_id from agencies where valid_from > valid_to order by 1")]
    if backwards:
        report.error(
            "agency-validity",
            f"{len(backwards)} cơ quan có ngày hết hiệu lực trước ngày bắt đầu ({_ids(backwards)})",
            f"{len(backwards)} agencies end before they begin ({_ids(backwards)})",
        )
    successor = dict(_rows(con, "select agency_id, successor_id from agencies where successor_id is not null"))
    cycles = _cycles(successor)
    edges = _rows(con, "select agency_id, successor_id from agency_successors")
    graph: dict[str, list[str]] = {}
    for a, s in edges:
        graph.setdefault(a, []).append(s)
    cycles |= _graph_cycles(graph)
    if cycles:
        shown = sorted(cycles)
        report.error(
            "agency-cycle",
            f"Chuỗi kế thừa cơ quan có vòng lặp ({_ids(shown)})",
            f"Agency successor chains loop ({_ids(shown)})",
        )


def _cycles(successor: dict[str, str]) -> set[str]:
    """Agencies on a successor_id loop."""
    on_cycle: set[str] = set()
    done: set[str] = set()
    for start in successor:
        path: list[str] = []
        seen: dict[str, int] = {}
        node = start
        while node in successor and node not in done and node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = successor[node]
        if node in seen:
            on_cycle.update(path[seen[node] :])
        done.update(path)
    return on_cycle


def _graph_cycles(graph: dict[str, list[str]]) -> set[str]:
    """Agencies on a loop of agency_successors (any successor, not only the primary one)."""
    white, grey, black = 0, 1, 2
    color: dict[str, int] = {}
    found: set[str] = set()
    for root in graph:
        if color.get(root, white) != white:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = []
        color[root] = grey
        path.append(root)
        while stack:
            node, i = stack[-1]
            nexts = graph.get(node, [])
            if i < len(nexts):
                stack[-1] = (node, i + 1)
                nxt = nexts[i]
                state = color.get(nxt, white)
                if state == grey:
                    found.update(path[path.index(nxt) :])
                elif state == white:
                    color[nxt] = grey
                    path.append(nxt)
                    stack.append((nxt, 0))
            else:
                color[node] = black
                path.pop()
                stack.pop()
    return found


def _check_manifest(db: Path, batches: list[dict], report: Report) -> None:
    try:
        mirrored = manifest.read(db)
    except (OSError, ValueError, KeyError) as exc:
        report.warning(
            "manifest-unreadable",
            f"Không đọc được danh sách lô trong kho lưu trữ ({exc}); lần nạp sau sẽ ghi lại",
            f"Cannot read the archive's batch list ({exc}); the next load rewrites it",
        )
        return
    path = manifest.manifest_path(db)
    if mirrored is None:
        if batches:
            report.warning(
                "manifest-missing",
                f"Chưa có danh sách lô {path} (kho nạp bằng phiên bản cũ); lần nạp sau sẽ ghi,"
                " hoặc chạy: python -m etl check --sync-manifest",
                f"No batch list at {path} (warehouse loaded by an older version); the next load writes it,"
                " or run: python -m etl check --sync-manifest",
            )
        return
    in_db = {b["batch_id"]: b for b in batches}
    in_list = {int(e["batch_id"]): e for e in mirrored}
    gone = sorted(set(in_list) - set(in_db))
    if gone:
        report.error(
            "batches-lost",
            f"Danh sách lô trong kho lưu trữ có các lô {_ids(gone)} mà kho dữ liệu không còn (kho bị khôi phục"
            " từ bản cũ hoặc bị sửa): dựng lại bằng python -m etl rebuild",
            f"The archive's batch list has batches {_ids(gone)} the warehouse no longer holds (restored from"
            " an older copy or edited): rebuild it with python -m etl rebuild",
        )
    behind = sorted(set(in_db) - set(in_list))
    differ = sorted(
        k
        for k in set(in_db) & set(in_list)
        if any(in_list[k].get(f) != in_db[k][f] for f in ("file_name", "archive_path", "kind", "rows_in"))
    )
    if differ:
        report.error(
            "manifest-differs",
            f"Các lô {_ids(differ)} khác nhau giữa kho dữ liệu và danh sách lô trong kho lưu trữ",
            f"Batches {_ids(differ)} differ between the warehouse and the archive's batch list",
        )
    if behind:
        report.warning(
            "manifest-behind",
            f"Danh sách lô trong kho lưu trữ chưa có các lô {_ids(behind)}; lần nạp sau sẽ bổ sung,"
            " hoặc chạy: python -m etl check --sync-manifest",
            f"The archive's batch list lacks batches {_ids(behind)}; the next load adds them,"
            " or run: python -m etl check --sync-manifest",
        )
