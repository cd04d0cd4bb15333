"""The archive's list of batches: what `rebuild` needs when the warehouse file itself is lost.

`load_batches` inside the warehouse says which archived file was loaded in which order, with which
mapping. If the warehouse file is truncated or garbled that table is gone with it, so every load
also mirrors it into ``archive/<warehouse name>.batches.jsonl`` (one JSON object per batch, in
batch order). The mirror is rewritten from the published warehouse, never ahead of it: under the
load's lock, before a load starts and after it has published. A load killed between publishing and
rewriting leaves the mirror one batch behind; the next load catches it up, and `etl check` says so
in the meantime.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import duckdb

from etl import warehouse


def manifest_path(db: Path) -> Path:
    return warehouse.archive_dir(db) / f"{db.name}.batches.jsonl"


def _plain(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def batches_in(db: Path) -> list[dict]:
    """Every load_batches row of a readable warehouse, in batch order."""
    con = warehouse.connect_read_only(db)
    try:
        cur = con.execute("select * from load_batches order by batch_id")
        names = [d[0] for d in cur.description]
        return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in cur.fetchall()]
    finally:
        con.close()


def read(db: Path) -> list[dict] | None:
    """The mirrored batches, in batch order; None when there is no mirror."""
    path = manifest_path(db)
    if not path.exists():
        return None
    entries: dict[int, dict] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                entry = json.loads(line)
                entries[int(entry["batch_id"])] = entry
    return [entries[k] for k in sorted(entries)]


def sync(db: Path) -> bool:
    """Rewrite the mirror from the published warehouse. Call under write_lock(db).

    Returns False (and leaves the old mirror) when the warehouse cannot be read, so a damaged
    warehouse never overwrites the list that can rebuild it, or when the mirror cannot be written.
    """
    if not db.exists():
        return False
    try:
        rows = batches_in(db)
    except duckdb.Error:
        return False
    if not rows and not manifest_path(db).exists():
        return True
    try:
        if read(db) == rows:
            return True
    except (OSError, ValueError, KeyError, TypeError):
        pass  # unreadable mirror: rewritten below
    path = manifest_path(db)
    for stale in path.parent.glob(f"{path.name}.tmp-*"):  # left by a load killed while writing (we hold the lock)
        stale.unlink(missing_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError:
        # The load itself has published; a mirror that cannot be written is reported by `etl check`.
        tmp.unlink(missing_ok=True)
        return False
    return True


def rebuild_plan(db: Path) -> tuple[list[tuple[Path, Path, str, str]], str]:
    """(archived file, archived mapping, kind, original name) per batch in load order, and where that came from.

    From the warehouse's load_batches when it can be read, else from the archive's batch list.
    """
    base = db.parent
    try:
        if not db.is_file():
            raise FileNotFoundError(db)
        rows = batches_in(db)
        origin = "warehouse"
    except (duckdb.Error, OSError):
        rows = read(db)
        if rows is None:
            raise
        origin = "manifest"
    plan = [(base / r["archive_path"], base / r["mapping_archive_path"], r["kind"], r["file_name"]) for r in rows]
    return plan, origin
