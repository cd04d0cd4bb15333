"""The warehouse file: where it is, and how a load changes it without anyone seeing half a change.

The published name (data/warehouse.duckdb) is a symbolic link to one of two DuckDB files beside it,
`.warehouse.duckdb.a` and `.warehouse.duckdb.b` (double buffer). Readers open the name and so the
file it points to, read-only; a load never writes that file. Under an exclusive lock the load:

1. brings the other file (the standby, which holds the warehouse as it was one load ago) up to date
   from the published one, in one DuckDB transaction: fact rows whose `last_batch_id` is newer than
   the standby's last batch, the new `load_batches` and `rejected_rows`, small tables (agencies,
   meta, ...) whole, and the sequences — work in proportion to the last load, not to the warehouse;
2. loads the file into it in one transaction (the caller's), checkpoints, closes and fsyncs it;
3. points the name at it (a new link renamed over the old: atomic on POSIX), and records the
   published file's identity in `.warehouse.duckdb.published`.

The standby is written in place only when it is safe: the published file is the one recorded by the
last load (nothing else wrote it), every batch of the standby is in the published file (a load killed
after its commit but before step 3 left one that never was published), and no reader still holds
it (readers let go of a file once it is no longer published: cchc/core/warehouse.py; the load waits
`standby_wait_s`). Otherwise the load falls back to what it always did: it copies the published file
to a private `.warehouse.duckdb.tmp-<pid>`, loads into the copy and renames it over the standby name
before pointing the link at it; readers still holding the old standby keep their inode. A first load,
or a warehouse that is a plain file (made by an older version or restored from a backup), takes the
copy once. A load killed at any point leaves the link on the previous file: the standby's uncommitted
transaction is discarded by DuckDB, a committed but unpublished one is detected and copied over by the
next load, a stray copy is removed by the next load.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb

from cchc import clock
from cchc.core import summary

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "warehouse.duckdb"
SCHEMA_SQL = Path(__file__).with_name("schema.sql")
SCHEMA_VERSION = "1"
TIMEZONE = clock.timezone()


def today() -> date:
    """Today in the province's time zone (the machine may run on UTC), or CCHC_TODAY: cchc.clock."""
    return clock.today()


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db, else $CCHC_DB, else data/warehouse.duckdb."""
    return published_name(explicit or os.environ.get("CCHC_DB") or DEFAULT_DB)


def published_name(path: str | os.PathLike) -> Path:
    """An absolute path to the published name, its folder resolved but not the name itself: the name is a
    link to the file a load last published, and loads must replace the link, not write the file."""
    p = Path(path).absolute()
    return p.parent.resolve() / p.name


def archive_dir(db: Path) -> Path:
    return db.parent / "archive"


def salt_path(db: Path) -> Path:
    return db.parent / ".salt"


def _tmp_prefix(db: Path) -> str:
    return f".{db.name}.tmp-"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    con.execute("insert or replace into meta values ('schema_version', ?)", [SCHEMA_VERSION])


@contextmanager
def write_lock(db: Path) -> Iterator[None]:
    """Serialise writers: a second load waits here until the first has published."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.parent / f".{db.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _remove_stale_copies(db: Path) -> None:
    # Only the lock holder creates copies, so any copy seen under the lock is from a dead load.
    for stale in db.parent.glob(_tmp_prefix(db) + "*"):
        stale.unlink(missing_ok=True)


SLOTS = ("a", "b")


def slot_path(db: Path, slot: str) -> Path:
    """One of the two files the published name can point to."""
    return db.parent / f".{db.name}.{slot}"


def state_path(db: Path) -> Path:
    return db.parent / f".{db.name}.published"


def published_slot(db: Path) -> str | None:
    """The slot the published name points to; None when it is missing, a plain file or points elsewhere."""
    if not db.is_symlink():
        return None
    target = os.readlink(db)
    for slot in SLOTS:
        if target == slot_path(db, slot).name and slot_path(db, slot).is_file():
            return slot
    return None


def _identity(path: Path) -> list[int]:
    st = os.stat(path)
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def _recorded(db: Path) -> dict | None:
    try:
        state = json.loads(state_path(db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _fast_path_allowed(db: Path, pub: str | None, standby: Path) -> bool:
    """The standby may be brought up to date in place: the published file is the one the last load left."""
    if pub is None or not standby.is_file():
        return False
    state = _recorded(db)
    return state is not None and state.get("file") == slot_path(db, pub).name and state.get("identity") == _identity(db)


def _connect_waiting(path: Path, seconds: float) -> duckdb.DuckDBPyConnection | None:
    """A read-write connection to `path`, waiting up to `seconds` for readers of it to let go."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                if "lock" in str(exc).lower():
                    return None
                raise
        time.sleep(0.2)


class _Diverged(Exception):
    """The standby is not a past state of the published file: copy instead."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _catch_up(con: duckdb.DuckDBPyConnection, published: Path) -> dict[str, int]:
    """Bring the standby (con) up to the published file, in one transaction. Rows copied per table.

    Valid when the standby is the warehouse as it was after an earlier load and loads only insert or
    update rows, stamping `last_batch_id`: so a table with `last_batch_id` and a primary key takes the
    rows newer than the standby's last batch; a table with `batch_id` (load history, rejections) takes
    the new batches; any other table (agencies, meta, ...) is small and copied whole.
    """
    con.execute("attach ? as pub (read_only)", [str(published)])
    copied: dict[str, int] = {}
    try:
        con.execute("begin")
        tables = {
            r[0]: r[1]
            for r in con.execute(
                "select database_name || '.' || table_name, table_name from duckdb_tables() "
                "where database_name in ('pub', current_database()) and schema_name = 'main'"
            ).fetchall()
        }
        here = con.execute("select current_database()").fetchall()[0][0]
        mine = {name for key, name in tables.items() if key.startswith(here + ".")}
        theirs = sorted(name for key, name in tables.items() if key.startswith("pub."))
        if "load_batches" not in mine or "load_batches" not in theirs:
            raise _Diverged("no load history")
        # every batch of the standby must be a published batch (else it holds a load never published)
        unpublished = con.execute(
            """select count(*) from main.load_batches s where not exists (select 1 from pub.load_batches p
               where p.batch_id = s.batch_id and p.file_sha256 = s.file_sha256 and p.loaded_at = s.loaded_at)"""
        ).fetchall()[0][0]
        if unpublished:
            raise _Diverged("unpublished batch")
        mark = con.execute("select coalesce(max(batch_id), 0) from main.load_batches").fetchall()[0][0]
        # summary tables (cchc/core/summary.py) are per day: the days of the complaints changed since the
        # mark, as they were here and as they are there, take the published file's summary rows
        patch_summaries = set(summary.TABLES) <= set(theirs) & mine and "complaints" in mine
        if patch_summaries:
            summary.start_days(con)
            pub_fresh = con.execute(
                "select count(*) from pub.main.meta where key = 'summary_stamp' and value = ? || ':' || "
                "(select count(*) from pub.main.complaints)",
                [summary.VERSION],
            ).fetchall()[0][0]
            if not (summary.tracking(con) and pub_fresh):  # either side's summaries stale: take them whole
                patch_summaries = False
        if patch_summaries:
            summary.note_days(
                con,
                "select c.received_date, c.resolved_date from main.complaints c join pub.main.complaints p "
                "on p.source = c.source and p.complaint_id = c.complaint_id where p.last_batch_id > ?",
                [mark],
            )
            summary.note_days(
                con, "select received_date, resolved_date from pub.main.complaints where last_batch_id > ?", [mark]
            )
        for table in theirs:
            if table not in mine:
                raise _Diverged(f"table {table} missing")
            if patch_summaries and table in summary.TABLES:
                days = f"day in (select day from {summary.DAYS_TABLE})"
                con.execute(f"delete from main.{_quote(table)} where {days}")
                n = con.execute(
                    f"insert into main.{_quote(table)} select * from pub.main.{_quote(table)} where {days}"
                ).fetchall()[0][0]
                copied[table] = n
                continue
            cols = [
                r[0]
                for r in con.execute(
                    "select column_name from duckdb_columns() where database_name = 'pub' and schema_name = 'main' "
                    "and table_name = ? order by column_index",
                    [table],
                ).fetchall()
            ]
            have = {
                r[0]
                for r in con.execute(
                    "select column_name from duckdb_columns() where database_name = current_database() "
                    "and schema_name = 'main' and table_name = ?",
                    [table],
                ).fetchall()
            }
            if not set(cols) <= have:
                raise _Diverged(f"columns of {table}")
            keys = con.execute(
                "select constraint_column_names from duckdb_constraints() where database_name = current_database() "
                "and schema_name = 'main' and table_name = ? and constraint_type = 'PRIMARY KEY'",
                [table],
            ).fetchall()
            names = ", ".join(_quote(c) for c in cols)
            target, source = f"main.{_quote(table)}", f"pub.main.{_quote(table)}"
            if "last_batch_id" in cols and keys:
                pk = list(keys[0][0])
                sets = ", ".join(f"{_quote(c)} = excluded.{_quote(c)}" for c in cols if c not in pk)
                n = con.execute(
                    f"insert into {target} ({names}) select {names} from {source} where last_batch_id > ? "
                    f"on conflict ({', '.join(_quote(c) for c in pk)}) do update set {sets}",
                    [mark],
                ).fetchall()[0][0]
            elif "batch_id" in cols:
                n = con.execute(
                    f"insert into {target} ({names}) select {names} from {source} where batch_id > ?", [mark]
                ).fetchall()[0][0]
            else:
                con.execute(f"delete from {target}")
                n = con.execute(f"insert into {target} ({names}) select {names} from {source}").fetchall()[0][0]
            copied[table] = n
        # sequences: a failed load advanced the standby's (DuckDB does not roll sequences back)
        for name, last, start in con.execute(
            "select sequence_name, last_value, start_value from duckdb_sequences() "
            "where database_name = 'pub' and schema_name = 'main'"
        ).fetchall():
            mine_seq = con.execute(
                "select last_value, start_value from duckdb_sequences() where database_name = current_database() "
                "and schema_name = 'main' and sequence_name = ?",
                [name],
            ).fetchall()
            want = start if last is None else last + 1
            have_next = None if not mine_seq else (mine_seq[0][1] if mine_seq[0][0] is None else mine_seq[0][0] + 1)
            if have_next != want:
                con.execute(f"create or replace sequence main.{_quote(name)} start {int(want)}")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.execute(f"drop table if exists temp.{summary.DAYS_TABLE}")
        con.execute("detach pub")
    return copied


@contextmanager
def working_copy(db: Path, stamped: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the standby file, up to date with the published one; published on clean
    exit (the name then points to it), left unpublished on error.

    The caller must hold write_lock(db) and makes its changes in one transaction. `stamped`: every row the
    caller inserts or changes carries the new batch in `last_batch_id` / `batch_id`, or is in a small table
    (what loads do). A caller that changes rows otherwise passes False: the next load then copies instead of
    catching up by batch.
    """
    from etl.settings import settings

    _remove_stale_copies(db)
    _release_readers_in_this_process()
    pub = published_slot(db)
    standby = slot_path(db, "b" if pub == "a" else "a")
    con = None
    tmp = None
    if _fast_path_allowed(db, pub, standby):
        con = _connect_waiting(standby, settings().standby_wait_s)
        if con is not None:
            try:
                con.execute("set TimeZone = ?", [TIMEZONE])
                ensure_schema(con)
                _catch_up(con, slot_path(db, pub))
            except _Diverged:
                con.close()
                con = None
            except BaseException:
                con.close()
                raise
    if con is None:
        # copy: the published file (or nothing for a first load) into a private file
        tmp = db.parent / f"{_tmp_prefix(db)}{os.getpid()}"
        if db.exists():
            shutil.copyfile(db, tmp)
        con = duckdb.connect(str(tmp))
    try:
        con.execute("set TimeZone = ?", [TIMEZONE])
        ensure_schema(con)
        yield con
        con.execute("checkpoint")
        con.close()
        written = tmp or standby
        with open(written, "rb+") as f:
            os.fsync(f.fileno())
        if tmp is not None:
            Path(str(standby) + ".wal").unlink(missing_ok=True)  # of an unpublished load into the old standby
            os.replace(tmp, standby)
        _publish(db, standby, stamped)
    except BaseException:
        con.close()
        if tmp is not None:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
        raise


def _release_readers_in_this_process() -> None:
    # DuckDB's file locks are per process: a reader in this very process would not stop an in-place write.
    # Readers open through cchc.core.warehouse, which lets go of files that are no longer published.
    readers = sys.modules.get("cchc.core.warehouse")
    if readers is not None:
        readers._CONNECTIONS.sweep()


def _publish(db: Path, file: Path, stamped: bool = True) -> None:
    """Point the published name at `file` (atomic), then record which file that is (not when unstamped)."""
    state_path(db).unlink(missing_ok=True)
    link = db.parent / f"{_tmp_prefix(db)}link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(file.name, link)
    os.replace(link, db)
    _fsync_dir(db.parent)
    if not stamped:
        return
    record = db.parent / f"{_tmp_prefix(db)}state-{os.getpid()}"
    record.write_text(json.dumps({"file": file.name, "identity": _identity(file)}), encoding="utf-8")
    with open(record, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(record, state_path(db))
    _fsync_dir(db.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def connect_read_only(db: Path) -> duckdb.DuckDBPyConnection:
    """A reader that sees the file as it is now (a fresh instance: duckdb caches instances by path)."""
    con = duckdb.connect()
    try:
        con.execute("attach ? as wh (read_only)", [str(db)])
    except duckdb.Error as exc:
        con.close()
        from etl.errors import EtlError, WarehouseBusy

        if isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower():
            raise WarehouseBusy(
                f"kho dữ liệu {db.name} đang bị một chương trình khác mở để ghi; đóng chương trình đó rồi thử lại"
                " (không có gì thay đổi)",
                f"the warehouse {db.name} is held open for writing by another program; close it and try again"
                " (nothing was changed)",
            ) from exc
        raise EtlError(
            f"không mở được kho dữ liệu {db.name} (tệp hỏng?); dựng lại bằng `python -m etl rebuild` (không có gì"
            " thay đổi)",
            f"cannot open the warehouse {db.name} (is the file damaged?); rebuild it with `python -m etl rebuild`"
            " (nothing was changed)",
            "warehouse-unreadable",
        ) from exc
    con.execute("use wh")
    return con
