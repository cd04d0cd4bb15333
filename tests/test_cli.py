"""python -m etl: JSON output, exit codes, kill -9 mid-load, concurrent loads and readers, real exports."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from etl import warehouse
from tests.etl_files import PAKN_HEADER, pakn_row, write_csv

ROOT = Path(__file__).resolve().parent.parent
NYC = ROOT.parent / "shared" / "real" / "nyc-council-constituent-2022-2023.csv"
NYC_MAPPING = ROOT / "docs" / "examples" / "nyc-council-constituent.yaml"
NEW = "UBND phường Phan Đình Phùng"


def etl(*args: str, check: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True, check=check, timeout=600
    )


def json_lines(proc: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(db: Path, sql: str) -> int:
    con = warehouse.connect_read_only(db)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def test_cli_load_json_reports_counts_that_add_up(tmp_path):
    db = tmp_path / "w.duckdb"
    good = write_csv(
        tmp_path / "a.csv",
        PAKN_HEADER,
        [pakn_row(f"C-{i}", "05/08/2025", NEW) for i in range(5)] + [pakn_row("", "05/08/2025", NEW)],
    )
    proc = etl("load", "--json", "--db", str(db), str(good))
    assert proc.returncode == 0, proc.stderr
    [obj] = json_lines(proc)
    assert obj == {
        "file": "a.csv",
        "sha256": sha(good),
        "kind": "complaints",
        "rows_in": 6,
        "rows_loaded": 5,
        "rows_updated": 0,
        "rows_unchanged": 0,
        "rows_rejected": 1,
        "batch_id": 1,
    }
    again = json_lines(etl("load", "--json", "--db", str(db), str(good)))
    assert again == [{**obj, "rows_loaded": 0, "rows_unchanged": 5}]


def test_cli_unreadable_file_exits_2_names_it_and_still_loads_the_others(tmp_path):
    db = tmp_path / "w.duckdb"
    good = write_csv(tmp_path / "good.csv", PAKN_HEADER, [pakn_row("G-1", "05/08/2025", NEW)])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    proc = etl("load", "--json", "--db", str(db), str(broken), str(good))
    assert proc.returncode == 2
    assert "broken.xlsx" in proc.stderr and "cannot open the Excel file" in proc.stderr
    assert [o["file"] for o in json_lines(proc)] == ["good.csv"]
    assert count(db, "select count(*) from load_batches") == 1


def test_cli_missing_file_exits_2(tmp_path):
    proc = etl("load", "--db", str(tmp_path / "w.duckdb"), str(tmp_path / "nope.csv"))
    assert proc.returncode == 2
    assert "nope.csv" in proc.stderr and "file not found" in proc.stderr


def test_cli_status_json_lists_batches_and_rejections(tmp_path):
    db = tmp_path / "w.duckdb"
    f = write_csv(
        tmp_path / "s.csv", PAKN_HEADER, [pakn_row("S-1", "05/08/2025", NEW), pakn_row("S-2", "31/02/2025", NEW)]
    )
    etl("load", "--db", str(db), str(f), check=True)
    st = json.loads(etl("status", "--json", "--db", str(db), check=True).stdout)
    assert st["counts"]["complaints"] == 1
    assert [(b["file_name"], b["rows_in"], b["rows_rejected"]) for b in st["batches"]] == [("s.csv", 2, 1)]
    assert [(r["row_number"], r["error_type"]) for r in st["rejections"]] == [(3, "nonexistent-date")]
    assert st["freshness"] == "2025-08-05"


def _big_csv(path: Path, n: int, prefix: str) -> Path:
    return write_csv(
        path,
        PAKN_HEADER,
        [pakn_row(f"{prefix}-{i}", "05/08/2025 10:00", NEW, content=f"nội dung {i}") for i in range(n)],
    )


def test_cli_kill_9_mid_load_leaves_warehouse_exactly_as_before(tmp_path):
    db = tmp_path / "w.duckdb"
    etl(
        "load",
        "--db",
        str(db),
        str(write_csv(tmp_path / "first.csv", PAKN_HEADER, [pakn_row("F-1", "05/08/2025", NEW)])),
        check=True,
    )
    before = sha(db)
    big = _big_csv(tmp_path / "big.csv", 150_000, "K")
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl", "load", "--db", str(db), str(big)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    copy = tmp_path / f".w.duckdb.tmp-{proc.pid}"
    deadline = time.monotonic() + 120
    while not copy.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert copy.exists(), "the load never started writing its copy"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert sha(db) == before
    assert count(db, "select count(*) from complaints") == 1
    assert etl("check", "--db", str(db)).returncode == 0  # tests/test_check.py kills at 20 seeded moments
    # the next load cleans up the dead load's copy and works
    etl(
        "load",
        "--db",
        str(db),
        str(write_csv(tmp_path / "next.csv", PAKN_HEADER, [pakn_row("N-1", "05/08/2025", NEW)])),
        check=True,
    )
    assert count(db, "select count(*) from complaints") == 2
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_cli_two_loads_at_once_both_land(tmp_path):
    db = tmp_path / "w.duckdb"
    a = _big_csv(tmp_path / "a.csv", 20_000, "A")
    b = _big_csv(tmp_path / "b.csv", 20_000, "B")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "etl", "load", "--json", "--db", str(db), str(f)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in (a, b)
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted(json.loads(o[0])["rows_loaded"] for o in outs) == [20_000, 20_000]
    assert count(db, "select count(*) from complaints") == 40_000
    assert count(db, "select count(distinct batch_id) from load_batches") == 2


def test_cli_load_while_a_reader_holds_the_warehouse(tmp_path):
    db = tmp_path / "w.duckdb"
    etl("load", "--db", str(db), str(_big_csv(tmp_path / "a.csv", 10, "A")), check=True)
    reader = warehouse.connect_read_only(db)
    try:
        etl("load", "--db", str(db), str(_big_csv(tmp_path / "b.csv", 10, "B")), check=True)
        assert reader.execute("select count(*) from complaints").fetchall() == [(10,)]  # its snapshot
        assert count(db, "select count(*) from complaints") == 20  # a new page load sees the new data
    finally:
        reader.close()


def test_cli_real_nyc_export_loads_with_a_mapping_file(tmp_path):
    db = tmp_path / "w.duckdb"
    proc = etl("load", "--json", "--db", str(db), "--mapping", str(NYC_MAPPING), str(NYC))
    assert proc.returncode == 0, proc.stderr
    [obj] = json_lines(proc)
    with open(NYC, newline="") as f:
        rows = list(csv.DictReader(f))
    ids = Counter(r["unique_key"] for r in rows)
    last = {r["unique_key"]: r for r in rows}  # the later row of a repeated ID wins
    assert (obj["rows_in"], obj["rows_loaded"], obj["rows_rejected"]) == (
        len(rows),
        len(ids),
        sum(n - 1 for n in ids.values()),
    )
    assert count(db, "select count(*) from complaints where is_open") == sum(
        1 for r in last.values() if not r["closedate"]
    )
    assert count(db, "select count(distinct agency_id) from complaints") == len({r["account"] for r in rows})
    assert count(db, "select count(*) from complaints where category is null") == sum(
        1 for r in last.values() if r["complaint_type"] in ("", "Please choose an issue...")
    )
    assert count(db, "select count(*) from complaints where due_date is not null") == 0


def test_cli_rebuild_from_archive_gives_the_same_rows(tmp_path):
    db = tmp_path / "w.duckdb"
    f1 = write_csv(tmp_path / "one.csv", PAKN_HEADER, [pakn_row("R-1", "05/08/2025", NEW, status="Mới")])
    f2 = write_csv(tmp_path / "two.csv", PAKN_HEADER, [pakn_row("R-1", "05/08/2025", NEW, resolved="07/08/2025")])
    etl("load", "--db", str(db), str(f1), str(f2), check=True)
    f1.unlink()
    f2.unlink()
    rebuilt = tmp_path / "rebuilt" / "w.duckdb"
    etl("rebuild", "--db", str(db), "--to", str(rebuilt), check=True)
    query = "select complaint_id, status, resolved_date, row_hash from complaints order by 1"
    a, b = warehouse.connect_read_only(db), warehouse.connect_read_only(rebuilt)
    try:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        assert b.execute("select file_name from load_batches order by batch_id").fetchall() == [
            ("one.csv",),
            ("two.csv",),
        ]
    finally:
        a.close()
        b.close()
