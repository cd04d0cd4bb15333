"""python -m etl check: a healthy warehouse passes; deleted rows, broken references, a truncated or garbled
file are reported in Vietnamese and English; `rebuild` recovers; a loader killed at 20 seeded moments
never leaves a warehouse that `check` faults."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl import manifest, warehouse
from tests.etl_files import PAKN_HEADER, pakn_row, write_csv

ROOT = Path(__file__).resolve().parent.parent
NEW = "UBND phường Phan Đình Phùng"
KILL_POINTS = 20
KILL_SEED = int(os.environ.get("CCHC_KILL_SEED", "20261128"))


def etl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def check(db: Path) -> tuple[int, dict]:
    proc = etl("check", "--json", "--db", str(db))
    return proc.returncode, json.loads(proc.stdout)


def codes(report: dict, severity: str = "error") -> set[str]:
    return {f["code"] for f in report["findings"] if f["severity"] == severity}


SNAPSHOT = {
    "complaints": "select complaint_id, row_hash, first_batch_id, last_batch_id from complaints order by 1",
    "inspections": "select inspection_id, row_hash from inspections order by 1",
    "violations": "select violation_id, row_hash from violations order by 1",
    "batches": """select batch_id, file_name, kind, rows_in, rows_loaded, rows_updated, rows_unchanged,
                         rows_rejected from load_batches order by 1""",
    "rejected": "select batch_id, row_number, error_type from rejected_rows order by 1, 2, 3",
    "agencies": "select agency_id, successor_id, current_id from agencies order by 1",
}


def snapshot(db: Path) -> dict[str, list]:
    con = warehouse.connect_read_only(db)
    try:
        return {k: con.execute(q).fetchall() for k, q in SNAPSHOT.items()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A small demo warehouse (every file kind, an update file, a dirty file), built once."""
    db = tmp_path_factory.mktemp("demo") / "w.duckdb"
    proc = etl("demo", "--scale", "0.02", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    return db


def demo_files(db: Path) -> int:
    """How many export files the demo wrote (each one is loaded as one batch)."""
    return sum(1 for p in (db.parent / "demo").iterdir() if p.suffix in (".csv", ".xlsx", ".xls"))


@pytest.fixture
def copy(demo, tmp_path) -> Path:
    """The demo warehouse with its archive and salt, in a folder of its own."""
    folder = tmp_path / "wh"
    shutil.copytree(demo.parent, folder, ignore=shutil.ignore_patterns("demo"))
    return folder / demo.name


def test_check_passes_on_a_demo_warehouse(demo):
    code, report = check(demo)
    assert code == 0, report
    assert report["ok"] is True and report["findings"] == []
    snap = snapshot(demo)
    assert report["stats"]["complaints"] == len(snap["complaints"]) > 2000
    assert report["stats"]["batches"] == len(snap["batches"]) == demo_files(demo)
    assert report["stats"]["rejected_rows"] == len(snap["rejected"]) > 0
    assert report["stats"]["schema_version"] == warehouse.SCHEMA_VERSION
    # the archive's batch list mirrors load_batches
    assert [e["batch_id"] for e in manifest.read(demo)] == [b[0] for b in snap["batches"]]


def test_check_human_output_is_bilingual_and_exit_code_is_0(demo):
    proc = etl("check", "--db", str(demo))
    assert proc.returncode == 0
    assert "Kho dữ liệu nhất quán / warehouse is consistent" in proc.stdout


def _corrupt(db: Path, *statements: str) -> None:
    con = duckdb.connect(str(db))
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()


def test_deleted_rows_and_broken_references_are_reported_then_rebuild_recovers(copy, tmp_path):
    original = snapshot(copy)
    _corrupt(
        copy,
        # five complaints of batch 3 vanish
        "delete from complaints where complaint_id in"
        " (select complaint_id from complaints where first_batch_id = 3 order by 1 limit 5)",
        # an inspection whose findings stay
        "delete from inspections where inspection_id = (select min(inspection_id) from violations)",
        # a rejection of a batch that never was
        "insert into rejected_rows values (999, 'x.csv', 2, null, null, 'missing-id', 'Thiếu mã', 'Missing ID')",
        # a complaint of an agency that does not exist
        "update complaints set agency_id = 'xa:99999@2025-07-01'"
        " where complaint_id = (select max(complaint_id) from complaints)",
        # an old unit rolls up to a unit that is gone
        "update agencies set current_id = 'xa:00000@nowhere' where agency_id ="
        " (select min(agency_id) from agencies where valid_to is not null and current_id is not null)",
        # a current commune made to roll up to an old unit
        "update agencies set current_id = (select min(agency_id) from agencies where valid_to is not null)"
        " where agency_id = (select min(agency_id) from agencies where level = 'commune' and valid_to is null)",
        # two units succeed each other
        "insert into agencies (agency_id, name, level, successor_id)"
        " values ('huyen:x1', 'Huyện X1', 'district', 'huyen:x2'), ('huyen:x2', 'Huyện X2', 'district', 'huyen:x1')",
        # a batch whose outcomes no longer add up
        "update load_batches set rows_in = rows_in + 1 where batch_id = 1",
    )
    code, report = check(copy)
    assert code == 1
    assert report["ok"] is False
    assert codes(report) == {
        "batch-count",
        "orphan-violation",
        "orphan-batch",
        "orphan-agency",
        "agency-reference",
        "agency-current",
        "agency-cycle",
        "batch-arithmetic",
        "manifest-differs",  # rows_in of batch 1 no longer matches the archive's batch list
    }
    by_code = {f["code"]: f for f in report["findings"]}
    assert "Lô 3" in by_code["batch-count"]["vi"] and "Batch 3" in by_code["batch-count"]["en"]
    [loaded_3] = [b[4] for b in original["batches"] if b[0] == 3]
    assert f"says {loaded_3} new complaints, the warehouse holds {loaded_3 - 5}" in by_code["batch-count"]["en"]
    assert "999" in by_code["orphan-batch"]["en"]
    assert "huyen:x1" in by_code["agency-cycle"]["en"]
    for f in report["findings"]:
        assert f["vi"] and f["en"] and f["vi"] != f["en"]
    human = etl("check", "--db", str(copy))
    assert human.returncode == 1
    assert "LỖI / ERROR" in human.stdout and "Batch 3" in human.stdout

    rebuilt = tmp_path / "rebuilt" / "w.duckdb"
    proc = etl("rebuild", "--db", str(copy), "--to", str(rebuilt))
    assert proc.returncode == 0, proc.stderr
    code, report = check(rebuilt)
    assert code == 0 and report["findings"] == [], report
    again = snapshot(rebuilt)
    for key in ("complaints", "inspections", "violations", "batches", "rejected", "agencies"):
        assert again[key] == original[key], key


def test_truncated_warehouse_is_reported_and_rebuilt_from_the_archive_batch_list(demo, copy, tmp_path):
    original = snapshot(copy)
    with open(copy, "r+b") as f:
        f.truncate(100_000)  # of ~6 MB: the metadata the file opens with is past the cut
    code, report = check(copy)
    assert code == 2
    assert codes(report) == {"unreadable"}
    [finding] = report["findings"]
    assert "Không mở được kho dữ liệu" in finding["vi"] and "Cannot open the warehouse" in finding["en"]
    assert "rebuild" in finding["en"]

    rebuilt = tmp_path / "rebuilt.duckdb"
    proc = etl("rebuild", "--db", str(copy), "--to", str(rebuilt))
    assert proc.returncode == 0, proc.stderr
    assert f"archive's batch list ({demo_files(demo)} batches)" in proc.stderr
    code, report = check(rebuilt)
    assert code == 0 and report["findings"] == [], report
    again = snapshot(rebuilt)
    for key in ("complaints", "inspections", "violations", "batches", "rejected", "agencies"):
        assert again[key] == original[key], key


def test_warehouse_truncated_after_its_metadata_is_reported(copy):
    with open(copy, "r+b") as f:
        f.truncate(os.path.getsize(copy) // 3)
    code, report = check(copy)
    assert code == 2, report
    assert codes(report) <= {"corrupt", "unreadable"} and codes(report)
    assert all("rebuild" in f["en"] and "python -m etl rebuild" in f["vi"] for f in report["findings"])


def test_garbled_warehouse_is_reported(copy):
    size = os.path.getsize(copy)
    with open(copy, "r+b") as f:
        f.seek(size // 5)
        f.write(random.Random(7).randbytes(size * 3 // 5))
    code, report = check(copy)
    assert code == 2, report
    assert codes(report) <= {"corrupt", "unreadable"} and codes(report)


def test_garbled_header_is_reported(copy):
    with open(copy, "r+b") as f:
        f.write(b"\x00" * 4096)
    code, report = check(copy)
    assert code == 2
    assert codes(report) == {"unreadable"}


def test_missing_warehouse_is_reported(tmp_path):
    code, report = check(tmp_path / "none.duckdb")
    assert code == 2 and codes(report) == {"missing"}


def test_batch_list_behind_is_a_warning_that_sync_clears_and_a_lost_batch_is_an_error(demo, copy):
    path = manifest.manifest_path(copy)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    code, report = check(copy)
    assert code == 0
    assert codes(report, "warning") == {"manifest-behind"} and codes(report) == set()
    last = demo_files(demo)
    assert str(last) in report["findings"][0]["en"]
    proc = etl("check", "--sync-manifest", "--json", "--db", str(copy))
    assert proc.returncode == 0 and json.loads(proc.stdout)["findings"] == []
    assert path.read_text(encoding="utf-8").splitlines(keepends=True) == lines
    # the warehouse lost its last batch (say, restored from an older copy): the list still has it
    _corrupt(copy, f"delete from load_batches where batch_id = {last}")
    code, report = check(copy)
    assert code == 1
    assert {"batches-lost", "orphan-batch"} <= codes(report)


def test_garbled_batch_list_is_a_warning_and_the_next_load_rewrites_it(demo, copy, tmp_path):
    path = manifest.manifest_path(copy)
    good = path.read_text(encoding="utf-8")
    path.write_text('{"batch_id": 1, "file_na\x00\n', encoding="utf-8")
    stale = path.with_name(path.name + ".tmp-999999")
    stale.write_text("half written", encoding="utf-8")
    code, report = check(copy)
    assert code == 0 and codes(report, "warning") == {"manifest-unreadable"}
    f = write_csv(tmp_path / "more.csv", PAKN_HEADER, [pakn_row("M-1", "05/08/2025", NEW)])
    proc = etl("load", "--db", str(copy), str(f))
    assert proc.returncode == 0, proc.stderr
    assert path.read_text(encoding="utf-8").startswith(good) and len(manifest.read(copy)) == demo_files(demo) + 1
    assert not stale.exists()
    code, report = check(copy)
    assert code == 0 and report["findings"] == [], report


def test_missing_archive_file_is_reported(copy):
    con = warehouse.connect_read_only(copy)
    archived = con.execute("select archive_path from load_batches where batch_id = 2").fetchall()[0][0]
    con.close()
    (copy.parent / archived).unlink()
    code, report = check(copy)
    assert code == 1 and codes(report) == {"archive-missing"}
    assert archived in report["findings"][0]["en"]


# ---------------------------------------------------------------- kill -9 at 20 seeded moments


def _rows_file(path: Path, prefix: str, n: int) -> Path:
    return write_csv(
        path,
        PAKN_HEADER,
        [pakn_row(f"{prefix}-{i}", "05/08/2025 10:00", NEW, content=f"nội dung {i}") for i in range(n)],
    )


def _complaints(db: Path) -> int:
    if not db.exists():
        return 0
    con = warehouse.connect_read_only(db)
    try:
        return con.execute("select count(*) from complaints").fetchall()[0][0]
    finally:
        con.close()


def _batches(db: Path) -> int:
    con = warehouse.connect_read_only(db)
    try:
        return con.execute("select count(*) from load_batches").fetchall()[0][0]
    finally:
        con.close()


def test_loader_killed_at_20_seeded_moments_leaves_a_warehouse_check_accepts(tmp_path):
    rows = 8_000
    db = tmp_path / "w.duckdb"
    # how long a whole load takes here (start-up, header, validation, merge, publish)
    started = time.monotonic()
    first = etl("load", "--db", str(db), str(_rows_file(tmp_path / "f0.csv", "F0", rows)))
    full = time.monotonic() - started
    assert first.returncode == 0, first.stderr
    rng = random.Random(KILL_SEED)
    moments = sorted(round(rng.uniform(0.0, full * 1.1), 3) for _ in range(KILL_POINTS))
    where = f"(CCHC_KILL_SEED={KILL_SEED}, moments {moments}, a whole load took {full:.2f} s)"
    expected = rows
    outcomes = []
    for i, moment in enumerate(moments, start=1):
        before = _batches(db)
        f = _rows_file(tmp_path / f"f{i}.csv", f"F{i}", rows)
        proc = subprocess.Popen(
            [sys.executable, "-m", "etl", "load", "--db", str(db), str(f)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(moment)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        code, report = check(db)
        assert code == 0 and report["ok"], f"kill {i} at {moment} s: {report['findings']} {where}"
        assert codes(report, "warning") <= {"manifest-behind"}, f"kill {i} at {moment} s {where}"
        n = _complaints(db)
        landed = n == expected + rows
        assert n in (expected, expected + rows), f"kill {i} at {moment} s: {n} complaints {where}"
        batches = report["stats"]["batches"]
        assert batches == before + landed, f"kill {i} at {moment} s {where}"
        expected = n
        outcomes.append("landed" if landed else "rolled back")
    # the kills hit both sides of the publish, and the next load cleans up after them all
    assert "rolled back" in outcomes, where
    last = etl("load", "--db", str(db), str(_rows_file(tmp_path / "last.csv", "L", 10)))
    assert last.returncode == 0, last.stderr
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []
    code, report = check(db)
    assert code == 0 and report["findings"] == [], report
    assert _complaints(db) == expected + 10
