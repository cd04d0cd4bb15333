"""The core's warehouse access: it follows the ETL's atomic file swap, it is read-only, and the
scope is enforced by the data a connection holds, whatever the text of a query."""

import os
from datetime import date

import duckdb
import pytest

from cchc.core import queries, warehouse
from cchc.core.filters import Filters
from cchc.core.warehouse import ALL, Scope
from tests.conftest_pages import TODAY, build_warehouse, complaint_rows, inspection_rows

EVERYTHING = Filters(preset="custom", start=date(2000, 1, 1), end=TODAY)
DEPARTMENT = "so:noi-vu"
# Today's commune and the old communes merged into it.
COMMUNE = "xa:05776@2025-07-01"
COMMUNE_OLDS = {"xa:05767", "xa:05770", "xa:05776", COMMUNE}


def _received(f: Filters, scope: Scope = ALL) -> int:
    return int(queries.headline(f, f.period(TODAY), scope=scope).loc["current", "received"])


def test_swapped_warehouse_is_read_on_the_next_query_without_restart(tmp_path, monkeypatch):
    path = build_warehouse(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("CCHC_DB", str(path))
    before = _received(EVERYTHING)
    version = warehouse.data_version()
    # the ETL writes a copy and os.replace()s it over the file the dashboard reads
    build_warehouse(tmp_path / "warehouse.duckdb", complaints=complaint_rows()[:100])
    assert warehouse.data_version() != version
    assert (before, _received(EVERYTHING)) == (len(complaint_rows()), 100)


def test_missing_warehouse_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_DB", str(tmp_path / "none.duckdb"))
    assert not warehouse.exists()
    with pytest.raises(warehouse.WarehouseMissing):
        warehouse.data_version()


def test_scope_limits_the_numbers_to_the_viewers_agencies(fixture_db):
    wanted = sum(1 for r in complaint_rows() if r["agency_id"] == DEPARTMENT)
    assert (_received(EVERYTHING), _received(EVERYTHING, Scope.of([DEPARTMENT]))) == (len(complaint_rows()), wanted)


def test_scope_of_todays_unit_includes_its_predecessors(fixture_db):
    wanted = sum(1 for r in complaint_rows() if r["agency_id"] in COMMUNE_OLDS)
    assert _received(EVERYTHING, Scope.of([COMMUNE])) == wanted


def test_an_empty_scope_sees_nothing(fixture_db):
    assert _received(EVERYTHING, Scope.of([])) == 0


def test_scope_is_required():
    with pytest.raises(TypeError):
        queries.headline(EVERYTHING, EVERYTHING.period(TODAY))  # no scope
    with pytest.raises(TypeError):
        warehouse.run("select 1", scope=None)


# Query shapes that got round the old guard (a regular expression over SQL text): qualified and
# quoted names, a comment naming the scope, the tables of load history and rejected rows.
SHAPES = [
    "select agency_id from wh.complaints",
    'select agency_id from "complaints"',
    "select agency_id from main.complaints -- join scope_units",
    "select agency_id from complaints /* scope_units */ union all select agency_id from inspections",
    "select i.agency_id from violations v join inspections i using (source, inspection_id)",
]


@pytest.mark.parametrize("sql", SHAPES)
def test_query_shapes_reach_only_the_scopes_rows(fixture_db, sql):
    try:
        seen = set(warehouse.run(sql, scope=Scope.of([DEPARTMENT]))["agency_id"])
    except duckdb.Error:  # the shape cannot even name the whole warehouse
        seen = set()
    assert seen <= {DEPARTMENT}


def test_unscoped_shapes_do_see_every_agency(fixture_db):
    # the same shapes are not empty by accident: under the whole-province scope they see all
    seen = set(warehouse.run(SHAPES[0], scope=ALL)["agency_id"])
    assert seen == {r["agency_id"] for r in complaint_rows()}


def test_scoped_connection_holds_no_other_rows_in_any_table(fixture_db):
    cur = warehouse.cursor(Scope.of([DEPARTMENT]))
    try:
        catalogs = {r[0] for r in cur.execute("select database_name from duckdb_databases()").fetchall()}
        assert str(fixture_db) not in {r[0] for r in cur.execute("select path from duckdb_databases()").fetchall()}
        facts = cur.execute("select distinct agency_id from complaints union select agency_id from inspections")
        assert {r[0] for r in facts.fetchall()} <= {DEPARTMENT}
        assert cur.execute("select count(*) from rejected_rows").fetchone()[0] == 0
    finally:
        cur.close()
    assert "wh" not in catalogs and "src" not in catalogs


def test_load_history_of_a_scope_is_the_batches_that_brought_its_rows(fixture_db):
    batches = queries.load_batches(scope=Scope.of([DEPARTMENT]))
    wanted = {r["first_batch_id"] for r in complaint_rows() if r["agency_id"] == DEPARTMENT}
    wanted |= {r["last_batch_id"] for r in complaint_rows() if r["agency_id"] == DEPARTMENT}
    inspections, _ = inspection_rows()
    wanted |= {r[k] for r in inspections if r["agency_id"] == DEPARTMENT for k in ("first_batch_id", "last_batch_id")}
    assert set(batches["batch_id"]) == wanted
    assert len(queries.load_batches(scope=ALL)) >= len(batches)


def test_connection_is_read_only(fixture_db):
    cur = warehouse.cursor(ALL)
    with pytest.raises(duckdb.Error):
        cur.execute("delete from wh.agencies")
    cur.close()
    assert os.path.exists(fixture_db)


@pytest.mark.parametrize(
    "sql",
    [
        "attach ? as other (read_only)",
        "select count(*) from read_parquet(?)",
        "set enable_external_access = true",
    ],
)
def test_scoped_connection_cannot_reattach_the_warehouse_or_read_files(fixture_db, sql):
    cur = warehouse.cursor(Scope.of([DEPARTMENT]))
    try:
        with pytest.raises(duckdb.Error):
            cur.execute(sql, [str(fixture_db)] if "?" in sql else [])
    finally:
        cur.close()
