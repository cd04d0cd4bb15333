"""The connection follows the ETL's atomic file swap, and every query goes through the scope."""

import os
from datetime import date

import pytest

from cchc import db, queries
from cchc.filters import Filters
from tests.conftest_pages import build_warehouse, complaint_rows


def _received(f: Filters) -> int:
    return int(queries.headline(f, f.period(date.today())).loc["current", "received"])


def test_swapped_warehouse_is_read_on_the_next_query_without_restart(tmp_path, monkeypatch):
    path = build_warehouse(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("CCHC_DB", str(path))
    f = Filters(preset="custom", start=date(2000, 1, 1), end=date.today())
    before = _received(f)
    version = db.data_version()
    # the ETL writes a copy and os.replace()s it over the file the dashboard reads
    build_warehouse(tmp_path / "warehouse.duckdb", complaints=complaint_rows()[:100])
    assert db.data_version() != version
    assert (before, _received(f)) == (len(complaint_rows()), 100)


def test_missing_warehouse_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_DB", str(tmp_path / "none.duckdb"))
    assert not db.exists()
    with pytest.raises(db.WarehouseMissing):
        db.data_version()


def test_scope_limits_every_query_to_the_viewers_agencies(fixture_db):
    f = Filters(preset="custom", start=date(2000, 1, 1), end=date.today())
    sql, params = queries.measure_table_sql(f, [queries.PeriodSpec.of("current", f.period())], False)
    everything = db.query(sql, params).iloc[0]["received"]
    scoped = db.query(sql, params, scope=db.Scope(("so:noi-vu",))).iloc[0]["received"]
    wanted = sum(1 for r in complaint_rows() if r["agency_id"] == "so:noi-vu")
    assert (everything, scoped) == (len(complaint_rows()), wanted)


def test_scope_of_todays_unit_includes_its_predecessors(fixture_db):
    f = Filters(preset="custom", start=date(2000, 1, 1), end=date.today())
    sql, params = queries.measure_table_sql(f, [queries.PeriodSpec.of("current", f.period())], False)
    scoped = db.query(sql, params, scope=db.Scope(("xa:05776@2025-07-01",))).iloc[0]["received"]
    olds = {"xa:05767", "xa:05770", "xa:05776", "xa:05776@2025-07-01"}
    assert scoped == sum(1 for r in complaint_rows() if r["agency_id"] in olds)


def test_query_reading_a_fact_table_without_scope_is_refused(fixture_db):
    with pytest.raises(ValueError, match="scope_units"):
        db.query("select count(*) from complaints")


def test_named_query_runs(fixture_db):
    assert list(db.query("load_batches")["batch_id"]) == [2, 1]


def test_connection_is_read_only(fixture_db):
    import duckdb

    cur = db.cursor()
    with pytest.raises(duckdb.Error):
        cur.execute("delete from agencies")
    assert os.path.exists(fixture_db)
