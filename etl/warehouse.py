"""The warehouse file: where it is, and how a load changes it without anyone seeing half a change.

DuckDB lets one process write a file, and the dashboard keeps it open for reading. So a load never
writes the published file: under an exclusive lock it copies it, loads into the copy, checkpoints,
closes, and renames the copy over the published file (an atomic rename on POSIX). Readers holding
the old file keep reading it; new connections see the new one. A load killed at any point leaves
only a stray copy, which the next load removes.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb

from cchc import clock

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
    return Path(explicit or os.environ.get("CCHC_DB") or DEFAULT_DB).resolve()


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


@contextmanager
def working_copy(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a private copy; published on clean exit, discarded on error.

    The caller must hold write_lock(db).
    """
    _remove_stale_copies(db)
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
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, db)
        _fsync_dir(db.parent)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        raise


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
