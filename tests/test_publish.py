"""Publishing a load without copying the warehouse (etl/warehouse.py: two files, the name links to one).

A load brings the standby file up to date from the published one and writes it in place; these tests
check that the result is the same, row for row, as the copy every load used to make; that a failed,
killed or out-of-band-disturbed load still leaves the previous state and is followed by a correct load;
and that readers let go of a file once it is no longer published, so that the load after next can write it.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from cchc.core import warehouse as readers
from etl import warehouse
from etl.load import load_file
from tests.etl_files import PAKN_HEADER, pakn_row, write_csv

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)
NEW = "UBND phường Phan Đình Phùng"
OLD = "UBND phường Trưng Vương"

# Every stored column but the load time (which differs between two runs by construction).
CONTENT = {
    "complaints": "select * from complaints order by source, complaint_id",
    "batches": "select * exclude (loaded_at) from load_batches order by batch_id",
    "rejected": "select * from rejected_rows order by batch_id, row_number, error_type, column_name",
    "agencies": "select * from agencies order by agency_id",
    "aliases": "select * from agency_aliases order by all",
    "successors": "select * from agency_successors order by all",
    "meta": "select * from meta where key <> 'last_load_at' order by key",
    "next_batch": "select last_value from duckdb_sequences() where sequence_name = 'batch_seq'",
}


def content(path: Path) -> dict[str, list]:
    con = duckdb.connect()
    con.execute("attach ? as w (read_only)", [str(path)])
    con.execute("use w")
    try:
        return {k: con.execute(q).fetchall() for k, q in CONTENT.items()}
    finally:
        con.close()


def files(tmp_path: Path) -> list[Path]:
    """New rows; updates of some with new rows; rejected rows; updates again; a repeated ID."""
    mk = tmp_path / "in"
    mk.mkdir()
    return [
        write_csv(mk / "1.csv", PAKN_HEADER, [pakn_row(f"A-{i}", "05/08/2025", NEW) for i in range(30)]),
        write_csv(
            mk / "2.csv",
            PAKN_HEADER,
            [pakn_row(f"A-{i}", "05/08/2025", NEW, resolved="12/08/2025") for i in range(10)]
            + [pakn_row(f"B-{i}", "06/08/2025", OLD) for i in range(5)],
        ),
        write_csv(
            mk / "3.csv",
            PAKN_HEADER,
            [pakn_row("", "05/08/2025", NEW), pakn_row("C-1", "31/02/2025", NEW), pakn_row("C-2", "07/08/2025", NEW)],
        ),
        write_csv(
            mk / "4.csv",
            PAKN_HEADER,
            [pakn_row(f"A-{i}", "05/08/2025", NEW, status="Đang xử lý") for i in range(5, 15)]
            + [pakn_row("B-1", "06/08/2025", OLD, resolved="20/08/2025"), pakn_row("B-1", "06/08/2025", OLD)],
        ),
    ]


def ino(path: Path) -> int:
    return os.stat(path).st_ino


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def etl(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def test_loads_write_the_standby_in_place_and_give_the_rows_a_copy_gives(tmp_path):
    db = tmp_path / "wh" / "w.duckdb"
    ref = tmp_path / "ref" / "w.duckdb"
    ref.parent.mkdir()
    (tmp_path / "wh").mkdir()
    (ref.parent / ".salt").write_bytes(b"s" * 32)
    (db.parent / ".salt").write_bytes(b"s" * 32)
    published = []
    for i, f in enumerate(files(tmp_path), start=1):
        load_file(f, db, today=TODAY)
        # the reference: every load copies the published file, as loads did before (no record: copy path)
        warehouse.state_path(ref).unlink(missing_ok=True)
        load_file(f, ref, today=TODAY)
        assert content(db) == content(ref), f"after load {i}"
        published.append((warehouse.published_slot(db), ino(db)))
    a, b = warehouse.slot_path(db, "a"), warehouse.slot_path(db, "b")
    # the name alternates between the two files; from the third load on, each is written in place
    assert [p[0] for p in published] == ["a", "b", "a", "b"]
    assert published[0][1] == published[2][1] == ino(a) and published[1][1] == published[3][1] == ino(b)
    # the standby holds the warehouse as it was one load ago
    assert content(a)["batches"] == content(db)["batches"][:-1]
    # the reference copied every time: its files are new inodes at each load
    assert len({ino(warehouse.slot_path(ref, s)) for s in "ab"}) == 2
    assert db.is_symlink() and os.readlink(db) == ".w.duckdb.b"


def test_a_load_refused_in_the_standby_leaves_the_previous_state_and_no_gap_in_batch_ids(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    f = files(tmp_path)
    load_file(f[0], db, today=TODAY)
    load_file(f[1], db, today=TODAY)
    before, standby = content(db), warehouse.slot_path(db, "a")
    monkeypatch.setenv("CCHC_MAX_ROWS", "2")  # file 3 has three rows: refused after its batch id was drawn
    with pytest.raises(Exception, match="max_rows"):
        load_file(f[2], db, today=TODAY)
    assert content(db) == before and warehouse.published_slot(db) == "b"
    monkeypatch.delenv("CCHC_MAX_ROWS")
    inode = ino(standby)
    r = load_file(f[3], db, today=TODAY)
    assert r.batch_id == 3 and warehouse.published_slot(db) == "a" and ino(db) == inode  # in place, no gap


def test_a_write_outside_the_loader_is_kept_by_the_next_load(tmp_path):
    db = tmp_path / "w.duckdb"
    f = files(tmp_path)
    for x in f[:2]:
        load_file(x, db, today=TODAY)
    con = duckdb.connect(str(db))  # an administrator deletes rows by hand
    con.execute("delete from complaints where complaint_id in ('A-20', 'A-21')")
    con.close()
    load_file(f[2], db, today=TODAY)
    ids = {r[1] for r in content(db)["complaints"]}
    assert "C-2" in ids and not {"A-20", "A-21"} & ids


def test_kill_9_while_writing_the_standby_in_place_leaves_the_previous_state(tmp_path):
    db = tmp_path / "w.duckdb"
    f = files(tmp_path)
    for x in f[:2]:
        assert etl("load", "--db", str(db), str(x)).returncode == 0
    standby = warehouse.slot_path(db, "a")
    before, inode = sha(db), ino(standby)
    big = write_csv(
        tmp_path / "big.csv",
        PAKN_HEADER,
        [pakn_row(f"K-{i}", "05/08/2025 10:00", NEW, content=f"nội dung {i}") for i in range(60_000)],
    )
    wal = Path(str(standby) + ".wal")
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl", "load", "--db", str(db), str(big)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    # the catch-up commits to the standby's log before the rows are read: the load is now writing it
    while not wal.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert wal.exists(), "the load never started writing the standby"
    time.sleep(1.0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert sha(db) == before and warehouse.published_slot(db) == "b"
    assert etl("check", "--db", str(db)).returncode == 0
    proc = etl("load", "--json", "--db", str(db), str(f[2]))
    assert proc.returncode == 0, proc.stderr
    assert warehouse.published_slot(db) == "a" and ino(db) == inode  # the next load writes it in place again
    assert '"batch_id": 3' in proc.stdout
    assert len(content(db)["complaints"]) == 30 + 5 + 1
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_a_reader_still_on_the_standby_gets_its_snapshot_and_the_load_copies_after_waiting(tmp_path):
    db = tmp_path / "w.duckdb"
    f = files(tmp_path)
    assert etl("load", "--db", str(db), str(f[0])).returncode == 0
    reader = warehouse.connect_read_only(db)  # a reader that never lets go of file a
    try:
        assert etl("load", "--db", str(db), str(f[1])).returncode == 0
        inode = ino(warehouse.slot_path(db, "a"))
        started = time.monotonic()
        proc = etl("load", "--db", str(db), str(f[2]), env={"CCHC_STANDBY_WAIT_S": "2"})
        waited = time.monotonic() - started
        assert proc.returncode == 0, proc.stderr
        assert waited >= 2
        assert warehouse.published_slot(db) == "a" and ino(db) != inode  # a new file renamed over the name
        assert reader.execute("select count(*) from complaints").fetchall() == [(30,)]  # its snapshot
    finally:
        reader.close()
    assert len(content(db)["complaints"]) == 36
    assert etl("check", "--db", str(db)).returncode == 0


def test_the_dashboard_lets_go_of_a_file_no_longer_published(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    f = files(tmp_path)
    assert etl("load", "--db", str(db), str(f[0])).returncode == 0
    monkeypatch.setenv("CCHC_DB", str(db))
    assert readers.run("select count(*) as n from complaints", scope=readers.ALL)["n"].tolist() == [30]
    held = [k for k in readers._CONNECTIONS.items if k[0] == str(db)]
    assert len(held) == 1
    assert etl("load", "--db", str(db), str(f[1])).returncode == 0
    # nobody asks: the background sweep lets go of file a within SWEEP_S
    deadline = time.monotonic() + 10 * readers.SWEEP_S
    while held[0] in readers._CONNECTIONS.items and time.monotonic() < deadline:
        time.sleep(0.1)
    assert held[0] not in readers._CONNECTIONS.items
    inode = ino(warehouse.slot_path(db, "a"))
    proc = etl("load", "--db", str(db), str(f[2]), env={"CCHC_STANDBY_WAIT_S": "0"})
    assert proc.returncode == 0, proc.stderr
    assert ino(db) == inode  # written in place: no reader held it
    assert readers.run("select count(*) as n from complaints", scope=readers.ALL)["n"].tolist() == [36]
