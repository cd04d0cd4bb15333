"""Facts are stored in date order: a load appends its rows by date, a rebuild rewrites the tables by date."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb

from etl import warehouse
from etl.load import cluster_by_date, load_file
from tests.etl_files import PAKN_HEADER, pakn_row, write_csv

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)
NEW = "UBND phường Phan Đình Phùng"

# Rows whose dates run against the file's order (newest first, then a jumble).
DAYS = [date(2025, 10, 1) - timedelta(days=(i * 37) % 90) for i in range(40)]


def rows_of(db: Path, sql: str) -> list[tuple]:
    con = warehouse.connect_read_only(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def out_of_order(con_or_db, table: str, column: str) -> int:
    """Rows stored (rowid order) after a row with a later date."""
    sql = f"""select count(*) from (select {column} as d, lag({column}) over (order by rowid) as p from {table})
              where d < p"""
    if isinstance(con_or_db, Path):
        return rows_of(con_or_db, sql)[0][0]
    return con_or_db.execute(sql).fetchall()[0][0]


def test_a_load_stores_its_rows_in_date_order(tmp_path):
    db = tmp_path / "w.duckdb"
    rows = [pakn_row(f"O-{i}", f"{d:%d/%m/%Y}", NEW) for i, d in enumerate(DAYS)]
    r = load_file(write_csv(tmp_path / "a.csv", PAKN_HEADER, rows), db, today=TODAY)
    assert r.rows_loaded == len(DAYS)
    stored = rows_of(db, "select received_date from complaints order by rowid")
    assert [d for (d,) in stored] == sorted(DAYS)
    assert out_of_order(db, "complaints", "received_date") == 0


def test_rebuild_stores_every_file_together_in_date_order(tmp_path):
    db = tmp_path / "w.duckdb"
    newer = [pakn_row(f"N-{i}", f"{d + timedelta(days=200):%d/%m/%Y}", NEW) for i, d in enumerate(DAYS)]
    older = [pakn_row(f"P-{i}", f"{d - timedelta(days=200):%d/%m/%Y}", NEW) for i, d in enumerate(DAYS)]
    load_file(write_csv(tmp_path / "newer.csv", PAKN_HEADER, newer), db, today=TODAY)
    load_file(write_csv(tmp_path / "older.csv", PAKN_HEADER, older), db, today=TODAY)
    # Appended file by file: each file is in order, the table is not (the older file came last).
    assert out_of_order(db, "complaints", "received_date") == 1
    rebuilt = tmp_path / "rebuilt" / "w.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "etl", "rebuild", "--db", str(db), "--to", str(rebuilt)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "CCHC_TODAY": TODAY.isoformat()},
    )
    assert proc.returncode == 0, proc.stderr
    assert out_of_order(rebuilt, "complaints", "received_date") == 0
    query = "select * exclude (first_batch_id, last_batch_id) from complaints order by complaint_id"
    assert rows_of(rebuilt, query) == rows_of(db, query)
    assert len(rows_of(rebuilt, query)) == 2 * len(DAYS)


def _fact_warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    for i, d in enumerate(DAYS):
        con.execute(
            """insert into inspections (source, inspection_id, inspected_on, inspection_type, agency_id, row_hash,
                   first_batch_id, last_batch_id) values ('s', ?, ?, 'planned', 'a', 'h', 1, 1)""",
            [f"I-{i}", d],
        )
        for n in range(i % 3):
            con.execute(
                """insert into violations (source, violation_id, inspection_id, category, row_hash, first_batch_id,
                       last_batch_id) values ('s', ?, ?, 'other', 'h', 1, 1)""",
                [f"I-{i}#{n + 1}", f"I-{i}"],
            )
    return con


def test_cluster_by_date_keeps_every_row_and_key_and_orders_violations_by_their_inspection():
    con = _fact_warehouse()
    before = {
        t: sorted(con.execute(f"select * from {t}").fetchall()) for t in ("complaints", "inspections", "violations")
    }
    assert out_of_order(con, "inspections", "inspected_on") > 0
    cluster_by_date(con)
    after = {
        t: sorted(con.execute(f"select * from {t}").fetchall()) for t in ("complaints", "inspections", "violations")
    }
    assert after == before
    assert out_of_order(con, "inspections", "inspected_on") == 0
    days = con.execute("""
        select i.inspected_on from violations v join inspections i using (source, inspection_id)
        order by v.rowid""").fetchall()
    assert [d for (d,) in days] == sorted(d for (d,) in days) and len(days) == sum(i % 3 for i in range(len(DAYS)))
    # The primary keys still hold: an upsert of an existing inspection updates it in place.
    con.execute("""insert into inspections (source, inspection_id, inspected_on, inspection_type, agency_id, row_hash,
                       first_batch_id, last_batch_id) values ('s', 'I-0', date '2025-10-01', 'planned', 'a', 'h2', 2, 2)
                   on conflict (source, inspection_id) do update set row_hash = excluded.row_hash""")
    assert con.execute("select count(*), count(*) filter (where row_hash = 'h2') from inspections").fetchall() == [
        (len(DAYS), 1)
    ]
