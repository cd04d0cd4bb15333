"""The one way into the warehouse: a read-only connection per data version and scope.

The scope is enforced here, by the data a connection can reach, not by the text of a query:
- the whole-province scope attaches the warehouse file read-only;
- an agency scope builds an in-memory database holding only that scope's facts (complaints,
  inspections, violations), its rejected rows and its load history, then detaches the file. A
  query under that scope, whatever its text (`wh.complaints`, `"complaints"`, a comment naming
  the scope, `rejected_rows`), can only see the scope's rows: the others are not there.

Both kinds of connection expose the same table names, so every query in the core runs on both.

The published name is a link to one of two files that loads take turns to write (etl/warehouse.py):
a connection opens the file the name points to, and is let go as soon as the name points to another
file (on the next query, or within SWEEP_S by a background sweep when nobody asks), so that the load
after next can write that file in place. A connection is dropped, not closed: a query still running
on it finishes; DuckDB releases the file when its last cursor is closed.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from cchc.core import summary

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = ROOT / "data" / "warehouse.duckdb"


class WarehouseMissing(Exception):
    """The warehouse file does not exist yet."""


@dataclass(frozen=True)
class Scope:
    """The agencies a viewer may see. `agency_ids=None` is the whole province (leadership,
    analysts); a tuple limits every number, list and download to those units and the old units
    that were merged into them."""

    agency_ids: tuple[str, ...] | None = None

    @classmethod
    def of(cls, agency_ids) -> Scope:
        """A scope from unit ids; an empty list is an empty scope (sees nothing), not 'all'."""
        return cls(tuple(sorted({str(a) for a in agency_ids})))

    @property
    def is_all(self) -> bool:
        return self.agency_ids is None


ALL = Scope()


def warehouse_path(path: str | os.PathLike | None = None) -> Path:
    """--db / explicit path, else $CCHC_DB, else data/warehouse.duckdb."""
    return Path(path or os.environ.get("CCHC_DB") or DEFAULT_DB)


def data_version(path: str | os.PathLike | None = None) -> tuple[int, int, int]:
    """Changes whenever a load publishes: the name then points to another file (or a new inode), written since."""
    p = warehouse_path(path)
    try:
        s = os.stat(p)
    except FileNotFoundError as exc:
        raise WarehouseMissing(str(p)) from exc
    return (s.st_ino, s.st_mtime_ns, s.st_size)


def _resolved(path: Path) -> tuple[Path, tuple[int, int, int]]:
    """The file the published name points to now, and its version (read from that file, not the name)."""
    real = Path(os.path.realpath(path))
    return real, data_version(real)


def exists(path: str | os.PathLike | None = None) -> bool:
    return warehouse_path(path).is_file()


# Tables an agency-scoped database holds, each composed from the scope: (name, select).
# `scope_units` is the scope itself: the units named and the old units merged into them.
_SCOPED_TABLES = (
    (
        "scope_units",
        "select agency_id from src.agencies where list_contains(?, agency_id) or list_contains(?, current_id)",
    ),
    # The unit list is public reference data (names of agencies); kept whole so that a scoped
    # unit still shows the name of the unit it was merged into.
    ("agencies", "select * from src.agencies"),
    ("agency_successors", "select * from src.agency_successors"),
    ("meta", "select * from src.meta"),
    ("complaints", "select * from src.complaints where agency_id in (select agency_id from scope_units)"),
    ("inspections", "select * from src.inspections where agency_id in (select agency_id from scope_units)"),
    (
        "violations",
        "select v.* from src.violations v semi join inspections i "
        "on i.source = v.source and i.inspection_id = v.inspection_id",
    ),
    ("inspection_plans", "select * from src.inspection_plans where agency_id in (select agency_id from scope_units)"),
)

# Tables a warehouse older than the ETL that creates them lacks: the read side sees them empty
# (the ETL adds them on its next load).
_EMPTY_IF_MISSING = {
    "inspection_plans": """create table memory.main.inspection_plans (
    source varchar, plan_id varchar, plan_year integer, plan_quarter tinyint, plan_month tinyint,
    period_start date, due_date date, inspection_type varchar, lead_unit varchar, agency_id varchar,
    agency_name_raw varchar, topic_masked varchar, row_hash varchar, first_batch_id integer,
    last_batch_id integer)""",
}


def _scoped_batches_sql(has_agency_column: bool) -> list[tuple[str, str]]:
    batches = """select * from src.load_batches where batch_id in (
        select first_batch_id from complaints union select last_batch_id from complaints
        union select first_batch_id from inspections union select last_batch_id from inspections
        union select first_batch_id from inspection_plans union select last_batch_id from inspection_plans)"""
    # Rejected rows carry the unit their agency cell matched, when it matched; a row that names
    # no unit of the scope belongs to nobody in it (fail closed).
    rejected = (
        "select * from src.rejected_rows where agency_id in (select agency_id from scope_units)"
        if has_agency_column
        else "select * from src.rejected_rows where false"
    )
    return [("load_batches", batches), ("rejected_rows", rejected)]


def _open(path: Path, scope: Scope) -> duckdb.DuckDBPyConnection:
    """Open the file at `path` (already resolved); a load may be writing it again if two loads were published
    since it was resolved: then it is busy (a lock error) and the caller resolves the name again."""
    con = duckdb.connect(":memory:")
    if scope.is_all:
        # A fresh in-memory instance per version: duckdb.connect(path) would be cached per path
        # by duckdb and keep serving the replaced file.
        con.execute("attach ? as wh (read_only)", [str(path)])
        names = con.execute("select table_name from duckdb_tables() where database_name = 'wh'").fetchall()
        for (name,) in names:
            con.execute(f'create view memory.main."{name}" as select * from wh.main."{name}"')
        con.execute("create view memory.main.scope_units as select agency_id from wh.main.agencies")
        _add_missing(con, {name for (name,) in names})
        if not summary.fresh(con, {name for (name,) in names}):
            for name in summary.TABLES:  # missing or stale: compute() reads the row models
                con.execute(f"drop view if exists memory.main.{name}")
        return _locked(con)
    ids = list(scope.agency_ids or ())
    con.execute("attach ? as src (read_only)", [str(path)])
    try:
        cols = {r[0] for r in con.execute("select column_name from (describe src.rejected_rows)").fetchall()}
        present = {
            r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = 'src'").fetchall()
        }
        for name, select in [*_SCOPED_TABLES, *_scoped_batches_sql("agency_id" in cols)]:
            if name in _EMPTY_IF_MISSING and name not in present:
                continue
            params = [ids, ids] if name == "scope_units" else []
            if name == "load_batches":
                _add_missing(con, present)
            con.execute(f"create table memory.main.{name} as {select}", params)
    finally:
        con.execute("detach src")
    # The scope's own summaries (of its rows only), so that compute() reads them here too.
    summary.build(con)
    return _locked(con)


def _add_missing(con: duckdb.DuckDBPyConnection, present: set[str]) -> None:
    for name, ddl in _EMPTY_IF_MISSING.items():
        if name not in present:
            con.execute(ddl)


def _locked(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No file can be attached or read from here on (the warehouse itself included), and the
    setting cannot be turned back: a scoped connection cannot reach the rows it left out."""
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


SWEEP_S = 2.0  # how often idle connections to files no longer published are let go


class _Connections:
    """A small LRU of connections per (file, version, scope); thread-safe. Connections to a version that
    is no longer published are dropped on the next query and by a sweep every SWEEP_S seconds."""

    def __init__(self, size: int = 8):
        self.size = size
        self.lock = threading.Lock()
        self.items: OrderedDict[tuple, tuple[duckdb.DuckDBPyConnection, bool]] = OrderedDict()
        self.sweeper: threading.Thread | None = None

    def _entry(self, path: Path, scope: Scope) -> tuple[duckdb.DuckDBPyConnection, bool]:
        for attempt in range(20):
            real, version = _resolved(path)
            key = (str(path), version, scope)
            with self.lock:
                entry = self.items.get(key)
                if entry is not None:
                    self.items.move_to_end(key)
                    return entry
            try:
                con = _open(real, scope)
                break
            except duckdb.IOException as exc:
                # the file was resolved just before a load started writing it again: resolve once more
                if "lock" not in str(exc).lower() or attempt == 19:
                    raise
                time.sleep(0.05)
        present = {
            r[0]
            for r in con.execute(
                "select view_name from duckdb_views() where not internal and database_name = 'memory'"
            ).fetchall()
        }
        present |= {
            r[0]
            for r in con.execute("select table_name from duckdb_tables() where database_name = 'memory'").fetchall()
        }
        entry = (con, set(summary.TABLES) <= present)
        self.sweep()
        with self.lock:
            self.items[key] = entry
            while len(self.items) > self.size:
                self.items.popitem(last=False)  # dropped, not closed: a query may still be running on it
            if self.sweeper is None:
                self.sweeper = threading.Thread(target=self._sweep_forever, name="cchc-warehouse-sweep", daemon=True)
                self.sweeper.start()
        return entry

    def get(self, path: Path, scope: Scope) -> duckdb.DuckDBPyConnection:
        return self._entry(path, scope)[0]

    def summaries(self, path: Path, scope: Scope) -> bool:
        return self._entry(path, scope)[1]

    def sweep(self) -> int:
        """Drop connections to versions that are no longer published; return how many."""
        with self.lock:
            keys = list(self.items)
        current: dict[str, tuple | None] = {}
        stale = []
        for key in keys:
            name = key[0]
            if name not in current:
                try:
                    current[name] = data_version(name)
                except WarehouseMissing:
                    current[name] = None
            if key[1] != current[name]:
                stale.append(key)
        with self.lock:
            for key in stale:
                self.items.pop(key, None)
        return len(stale)

    def _sweep_forever(self) -> None:
        while True:
            time.sleep(SWEEP_S)
            try:
                self.sweep()
            except Exception:  # noqa: BLE001 - the sweep must never end the process's reading
                pass


_CONNECTIONS = _Connections()
# Let go of every connection before the interpreter tears DuckDB down (no leaked objects at exit).
atexit.register(lambda: _CONNECTIONS.items.clear())


def has_summaries(scope: Scope, path: str | os.PathLike | None = None) -> bool:
    """Whether the scope's connection holds up-to-date summary tables (cchc/core/summary.py)."""
    p = warehouse_path(path)
    if not p.is_file():
        raise WarehouseMissing(str(p))
    return _CONNECTIONS.summaries(p, scope)


def cursor(scope: Scope, path: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor that can reach the scope's rows and nothing else."""
    if not isinstance(scope, Scope):
        raise TypeError("scope must be a cchc.core.Scope (use ALL for the whole province)")
    p = warehouse_path(path)
    if not p.is_file():
        raise WarehouseMissing(str(p))
    return _CONNECTIONS.get(p, scope).cursor()


def run(sql: str, params: list | tuple = (), *, scope: Scope, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Run one read query of the query layer under a scope; values bound with `?`."""
    cur = cursor(scope, path)
    try:
        return cur.execute(sql, list(params)).df()
    finally:
        cur.close()


def stream(
    sql: str, params: list | tuple = (), *, scope: Scope, path: str | os.PathLike | None = None, vectors: int = 25
) -> Iterator[pd.DataFrame]:
    """Yield the result in pandas chunks of about 50 000 rows, for exports (never whole)."""
    cur = cursor(scope, path)
    try:
        cur.execute(sql, list(params))
        while True:
            chunk = cur.fetch_df_chunk(vectors)
            if chunk.empty:
                break
            yield chunk
    finally:
        cur.close()
