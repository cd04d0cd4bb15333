"""Issue 14: hostile files are refused with a reason or accounted for row by row; the run always goes on."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import etl.sandbox as sandbox
from etl import warehouse
from etl.errors import UnreadableFile
from etl.settings import settings
from tests.hostile_corpus import HERE, generate

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = yaml.safe_load((HERE / "manifest.yaml").read_text(encoding="utf-8"))
REFUSAL = re.compile(r"^LỖI / ERROR \[([a-z-]+)\] (.+?): ", re.MULTILINE)


def etl(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = warehouse.connect_read_only(db)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """Load the whole corpus in one CLI run, the refused files first and a good one last."""
    tmp = tmp_path_factory.mktemp("hostile")
    generated = generate(tmp / "generated")
    paths = {key: HERE / key for key in MANIFEST["committed"]} | {k: generated[k] for k in MANIFEST["generated"]}
    refused_first = sorted(
        paths, key=lambda k: ("refused" not in {**MANIFEST["committed"], **MANIFEST["generated"]}[k], k)
    )
    order = [k for k in refused_first if k != "good_baseline.csv"] + ["good_baseline.csv"]
    db = tmp / "wh" / "warehouse.duckdb"
    started = time.monotonic()
    proc = etl("load", "--json", "--db", str(db), *(str(paths[k]) for k in order), env={"CCHC_MAX_ROWS": "5000"})
    elapsed = time.monotonic() - started
    return {"proc": proc, "db": db, "elapsed": elapsed, "paths": paths, "tmp": tmp}


def test_hostile_corpus_has_at_least_40_files_each_with_an_expected_outcome():
    on_disk = {str(p.relative_to(HERE)) for p in HERE.rglob("*") if p.is_file() and p.name != "manifest.yaml"}
    assert on_disk == set(MANIFEST["committed"])
    assert len(MANIFEST["committed"]) + len(MANIFEST["generated"]) >= 40
    for name, expected in {**MANIFEST["committed"], **MANIFEST["generated"]}.items():
        assert ("refused" in expected) != ("counts" in expected), name


def test_hostile_corpus_every_file_has_its_expected_outcome_and_the_run_goes_on(run):
    proc, db = run["proc"], run["db"]
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    refused = {name: code for code, name in REFUSAL.findall(proc.stderr)}
    loaded = {o["file"]: o for o in (json.loads(line) for line in proc.stdout.splitlines() if line.strip())}
    types = {
        f: set(t.split(",")) if t else set()
        for f, t in rows(db, "select file_name, string_agg(distinct error_type, ',') from rejected_rows group by 1")
    }
    expected_all = {**MANIFEST["committed"], **MANIFEST["generated"]}
    got_refused, want_refused, got_counts, want_counts = {}, {}, {}, {}
    for key, expected in expected_all.items():
        name = Path(key).name
        if "refused" in expected:
            want_refused[name] = expected["refused"]
            got_refused[name] = refused.get(name, "loaded" if name in loaded else "missing")
        else:
            o = loaded.get(name)
            want_counts[name] = (
                expected["counts"],
                set(expected["types"]),
                expected.get("footer_rows", []),
                expected.get("not_stored", 0),
            )
            got_counts[name] = (
                None
                if o is None
                else (
                    [o["rows_in"], o["rows_loaded"], o["rows_rejected"], o["rows_footer"], o["content_withheld"]],
                    types.get(name, set()),
                    o["footer_rows"],
                    o["rejections_not_stored"],
                )
            )
            if o is not None:  # every row accounted for
                assert o["rows_in"] == o["rows_loaded"] + o["rows_updated"] + o["rows_unchanged"] + o["rows_rejected"]
    assert got_refused == want_refused
    assert got_counts == want_counts
    # the good file given last was loaded after every refusal
    assert list(loaded)[-1] == "good_baseline.csv"


def test_hostile_corpus_whole_run_is_quick(run):
    # 60 files, among them a 50 MB cell, a 15 MB cell, 20 000 columns and four bombs
    assert run["elapsed"] < 120, run["elapsed"]


def test_hostile_corpus_values_are_cleaned_not_mangled(run):
    db = run["db"]
    got = dict(rows(db, "select complaint_id, content_masked from complaints where complaint_id like 'ST-%'"))
    assert got == {"ST-1": "Đường hỏng trước nhà (ST-1)", "ST-3": "Đường hỏng trước nhà (ST-3)"}
    assert rows(db, "select content_masked from complaints where complaint_id = 'CP-2'") == [
        ("Đường hỏng trước nhà (CP-2)",)
    ]
    assert rows(
        db,
        "select content_masked, agency_name_raw from complaints where complaint_id like 'CC-%' order by complaint_id",
    ) == [
        ("Đường hỏng [31m đỏ", "UBND phường Phan Đình Phùng"),
        ("Đường hỏng trước nhà (CC-2)", "UBND phường Phan Đình Phùng"),
    ]
    control = rows(
        db, "select count(*) from complaints where regexp_matches(content_masked, '[\\x00-\\x08\\x1b\\x7f]')"
    )
    assert control == [(0,)]
    assert rows(db, "select content_masked from complaints where complaint_id = 'NL-399'") == [("có NUL",)]
    assert rows(
        db, "select count(*) from complaints where content_masked like '%\ufffd%' or content_masked like '%Ã%'"
    ) == [(0,)]
    assert rows(db, "select content_masked from complaints where complaint_id = 'FT-1'") == [
        ('=HYPERLINK("http://x","y")',)
    ]


def test_hostile_corpus_denunciations_and_unknown_kinds_keep_no_text(run):
    got = rows(
        run["db"],
        "select complaint_id, kind, content_masked from complaints where complaint_id similar to 'D[NB]-.*' order by 1",
    )
    assert got == [
        ("DB-1", None, None),
        ("DB-2", "denunciation", None),
        ("DB-3", "feedback", "Đường hỏng trước nhà (DB-3)"),
        ("DN-1", "denunciation", None),
        ("DN-2", "denunciation", None),
        ("DN-3", None, None),
    ]


def test_hostile_corpus_agency_and_open_category_keep_no_contact(run):
    db = run["db"]
    assert rows(db, "select agency_id, agency_name_raw from complaints where complaint_id = 'AC-1'") == [
        ("xa:05443@2025-07-01", "Phường Phan Đình Phùng")
    ]
    assert rows(db, "select category from complaints where complaint_id = 'OC-1'") == [
        ("Ông [HỌ TÊN] [SĐT] hỏi về đất",)
    ]


def test_hostile_corpus_rejections_past_the_cap_are_counted_not_stored(run):
    db = run["db"]
    stored = rows(db, "select count(*) from rejected_rows where file_name = 'many_rejections.csv'")
    batch = rows(
        db, "select rows_rejected, rejections_not_stored from load_batches where file_name = 'many_rejections.csv'"
    )
    assert (stored, batch) == ([(settings().max_rejections_stored,)], [(3000, 2000)])
    started = time.monotonic()
    proc = etl("status", "--rejected", "--db", str(db))
    assert proc.returncode == 0 and time.monotonic() - started < 30
    assert proc.stdout.count("many_rejections.csv dòng/row") == 1000


def test_hostile_corpus_markup_in_names_is_printed_as_text(run, tmp_path):
    db = tmp_path / "w.duckdb"
    odd = run["paths"]["odd [/red] name [bold]x.csv"]
    proc = etl("load", "--db", str(db), str(odd), str(Path(str(odd.parent) + "/[/red]missing.csv")))
    assert proc.returncode == 2
    assert "red] name [bold]x.csv" in proc.stdout
    assert "[/red]missing.csv" in proc.stderr and "file not found" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_sandbox_reader_over_its_time_is_killed_and_the_file_refused(tmp_path, monkeypatch):
    path = tmp_path / "slow.csv"
    path.write_text("Mã,Ngày tiếp nhận\n", encoding="utf-8")
    monkeypatch.setattr(sandbox, "_command", lambda p, payload: [sys.executable, "-c", "import time; time.sleep(60)"])
    s = settings().__class__(read_time_s=1)
    started = time.monotonic()
    with pytest.raises(UnreadableFile) as exc:
        list(sandbox.isolated_sheets(path, s))
    assert exc.value.code == "time-limit" and "slow.csv" in exc.value.en
    assert time.monotonic() - started < 10


def test_sandbox_reader_that_dies_is_a_reason(tmp_path, monkeypatch):
    path = tmp_path / "dies.csv"
    path.write_text("x\n", encoding="utf-8")
    monkeypatch.setattr(sandbox, "_command", lambda p, payload: [sys.executable, "-c", "import os; os.abort()"])
    with pytest.raises(UnreadableFile) as exc:
        list(sandbox.isolated_sheets(path, settings()))
    assert (exc.value.code, "signal 6" in exc.value.en) == ("reader-crashed", True)


def test_warehouse_held_open_by_another_program_is_a_clear_message(tmp_path):
    from tests.etl_files import PAKN_HEADER, pakn_row, write_csv

    db = tmp_path / "w.duckdb"
    f = write_csv(tmp_path / "a.csv", PAKN_HEADER, [pakn_row("W-1", "05/08/2025", "UBND phường Phan Đình Phùng")])
    assert etl("load", "--db", str(db), str(f)).returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        g = write_csv(tmp_path / "b.csv", PAKN_HEADER, [pakn_row("W-2", "05/08/2025", "UBND phường Phan Đình Phùng")])
        load = etl("load", "--db", str(db), str(g))
        status = etl("status", "--db", str(db))
    finally:
        holder.kill()
        holder.wait()
    assert load.returncode == 2 and "[warehouse-locked] b.csv" in load.stderr
    assert "held open for writing by another program" in load.stderr and "Traceback" not in load.stderr
    assert status.returncode == 2 and "held open for writing by another program" in status.stderr
    assert rows(db, "select count(*) from complaints") == [(1,)]


def test_damaged_warehouse_is_a_clear_message_and_is_left_alone(tmp_path):
    from tests.etl_files import PAKN_HEADER, pakn_row, write_csv

    db = tmp_path / "w.duckdb"
    db.write_bytes(b"not a duckdb file" * 1000)
    before = db.read_bytes()
    f = write_csv(tmp_path / "a.csv", PAKN_HEADER, [pakn_row("D-1", "05/08/2025", "UBND phường Phan Đình Phùng")])
    load = etl("load", "--db", str(db), str(f))
    status = etl("status", "--db", str(db))
    assert load.returncode == 2 and "[warehouse-unreadable] a.csv: " in load.stderr
    assert "a.csv: cannot open the warehouse w.duckdb (is the file damaged?)" in load.stderr
    assert status.returncode == 2 and "rebuild it with `python -m etl rebuild`" in status.stderr
    assert "Traceback" not in load.stderr + status.stderr
    assert db.read_bytes() == before
