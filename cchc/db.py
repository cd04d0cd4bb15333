"""The one way into the warehouse: connection per data version, scope, cached queries."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "warehouse.duckdb"
FACT_TABLES = ("complaints", "inspections", "violations")


class WarehouseMissing(Exception):
    """The warehouse file does not exist yet."""


@dataclass(frozen=True)
class Scope:
    """Which agencies the viewer may see; None means all (leadership and analysts)."""

    agency_ids: tuple[str, ...] | None = None


ALL = Scope()


def current_scope() -> Scope:
    """The viewer's scope; a later issue sets it for agency staff at sign-in."""
    scope = st.session_state.get("cchc_scope") if _in_streamlit() else None
    return scope if isinstance(scope, Scope) else ALL


def _in_streamlit() -> bool:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        return get_script_run_ctx(suppress_warning=True) is not None
    except Exception:  # noqa: BLE001 - outside a Streamlit run there is no session state
        return False


def warehouse_path() -> Path:
    return Path(os.environ.get("CCHC_DB") or DEFAULT_DB)


def data_version(path: Path | None = None) -> tuple[int, int, int]:
    """Changes whenever the ETL swaps in a new file (os.replace gives a new inode)."""
    path = path or warehouse_path()
    try:
        s = os.stat(path)
    except FileNotFoundError as exc:
        raise WarehouseMissing(str(path)) from exc
    return (s.st_ino, s.st_mtime_ns, s.st_size)


def exists() -> bool:
    return warehouse_path().is_file()


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, version: tuple[int, int, int]) -> duckdb.DuckDBPyConnection:
    # A fresh in-memory instance per version: duckdb.connect(path) would be cached per path by
    # duckdb and keep serving the replaced file.
    con = duckdb.connect(":memory:")
    con.execute("attach ? as wh (read_only)", [path])
    con.execute("use wh")
    return con


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the current data version (cursors do not inherit `use`)."""
    path = warehouse_path()
    cur = _connection(str(path), data_version(path)).cursor()
    cur.execute("use wh")
    return cur


def scope_cte(scope: Scope) -> tuple[str, list]:
    if scope.agency_ids is None:
        return "scope_units as (select agency_id from agencies)", []
    marks = ", ".join("?" * len(scope.agency_ids)) or "null"
    sql = f"scope_units as (select agency_id from agencies where agency_id in ({marks}) or current_id in ({marks}))"
    return sql, [*scope.agency_ids, *scope.agency_ids]


_FACT_RE = re.compile(r"\b(from|join)\s+(complaints|inspections|violations)\b")


def scoped_sql(sql: str, params: list | tuple, scope: Scope) -> tuple[str, list]:
    """Prepend the `scope_units` CTE; every query touching a fact table must join it."""
    text = sql.strip()
    if _FACT_RE.search(text) and "scope_units" not in text:
        raise ValueError("a query reading a fact table must join scope_units")
    cte, cte_params = scope_cte(scope)
    if text.lower().startswith("with "):
        text = f"with {cte},\n{text[5:]}"
    else:
        text = f"with {cte}\n{text}"
    return text, [*cte_params, *params]


@st.cache_data(max_entries=500, ttl=3600, show_spinner=False)
def _cached(sql: str, params: tuple, version: tuple[int, int, int], path: str) -> pd.DataFrame:
    cur = cursor()
    try:
        return cur.execute(sql, list(params)).df()
    finally:
        cur.close()


def query(sql: str, params: list | tuple = (), scope: Scope | None = None) -> pd.DataFrame:
    """Run one read query (SQL text or a name in queries.SQL), cached per (sql, parameters,
    scope, data version). The viewer's scope is applied here, for every query."""
    from cchc import queries

    text = queries.SQL.get(sql, sql)
    full, full_params = scoped_sql(text, params, scope or current_scope())
    path = warehouse_path()
    return _cached(full, tuple(full_params), data_version(path), str(path))


def stream(sql: str, params: list | tuple = (), scope: Scope | None = None, vectors: int = 25):
    """Yield the result in pandas chunks of about 50 000 rows, for exports (never whole)."""
    full, full_params = scoped_sql(sql, params, scope or current_scope())
    cur = cursor()
    try:
        cur.execute(full, full_params)
        while True:
            chunk = cur.fetch_df_chunk(vectors)
            if chunk.empty:
                break
            yield chunk
    finally:
        cur.close()
