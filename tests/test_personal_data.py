"""Issue 14: a file full of one citizen's personal data, in every column, leaves none of it anywhere."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

from etl import warehouse
from etl.load import load_file
from tests.etl_files import PAKN_HEADER, pakn_row, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
NEW = "UBND phường Phan Đình Phùng"
PERSON = {
    "name": "Nguyễn Thị Hồng Nhung",
    "phone": "0912345678",
    "address": "Số 7 ngõ 12 đường Bến Oánh",
    "email": "hongnhung.test@example.vn",
    "cccd": "019301234567",
}
VARIANTS = [
    PERSON["name"],
    "Nguyen Thi Hong Nhung",
    "NGUYỄN THỊ HỒNG NHUNG",
    "nguyen thi hong nhung",
    PERSON["phone"],
    "0912 345 678",
    "0912.345.678",
    "+84 912 345 678",
    "84912345678",
    PERSON["email"],
    PERSON["cccd"],
    "CCCD 019 301 234 567",
    PERSON["address"],
    "So 7 ngo 12 duong Ben Oanh",
    "Bà Nguyen Thi Hong Nhung (0912.345.678, hongnhung.test@example.vn), Số 7 ngõ 12 đường Bến Oánh",
]
# What must not be found, in any case: every variant, and the parts a partial leak would show.
NEEDLES = sorted(
    {v.lower() for v in VARIANTS}
    | {
        "912345678",
        "912 345 678",
        "hong nhung",
        "hồng nhung",
        "hongnhung",
        "019301234567",
        "bến oánh",
        "ben oanh",
        "ngõ 12",
        "ngo 12",
    }
)


def _rows() -> list[list]:
    person = {**PERSON}
    out = [pakn_row("OK-1", "05/08/2025", NEW, content="MARKER-KEPT đường hỏng", person=person)]
    for c in range(len(PAKN_HEADER)):
        for i, v in enumerate(VARIANTS):
            r = pakn_row(f"P-{c}-{i}", "05/08/2025", NEW, content="Đường hỏng", person=person)
            r[c] = v
            out.append(r)
    for i, v in enumerate(VARIANTS):
        out.append([v] * len(PAKN_HEADER))  # every cell of the row
        out.append([f"Q-{i}"] + [v] * (len(PAKN_HEADER) - 1))
    return out


def _leaks(text: str) -> list[str]:
    low = text.lower()
    return [n for n in NEEDLES if n in low]


def _dump(db: Path) -> str:
    con = warehouse.connect_read_only(db)
    try:
        tables = [t for (t,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        return "\n".join(
            f"{t}: " + " | ".join(str(v) for row in con.execute(f'select * from "{t}"').fetchall() for v in row)
            for t in tables
        )
    finally:
        con.close()


def _archive_texts(db: Path) -> dict[str, str]:
    out = {}
    for p in warehouse.archive_dir(db).rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            out[p.name] = (gzip.decompress(data) if p.name.endswith(".gz") else data).decode("utf-8", "replace")
    return out


def etl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True, timeout=600, env=os.environ
    )


def test_personal_values_in_every_column_are_found_nowhere(tmp_path):
    db = tmp_path / "wh" / "warehouse.duckdb"
    rows = _rows()
    csv_path = write_csv(tmp_path / "pii.csv", PAKN_HEADER, rows)
    xlsx_rows = [[f"X{r[0]}" if r[0] and str(r[0])[:2] in ("OK", "P-", "Q-") else r[0], *r[1:]] for r in rows]
    xlsx_path = write_xlsx(tmp_path / "pii.xlsx", PAKN_HEADER, xlsx_rows)
    load = etl("load", "--db", str(db), str(csv_path), str(xlsx_path))
    assert load.returncode == 0, load.stderr
    # Through the page's own entry point too (the Dữ liệu page shows these results after an upload).
    page = load_file(write_csv(tmp_path / "pii2.csv", PAKN_HEADER, rows[:40]), db)

    dump = _dump(db)
    assert "MARKER-KEPT" in dump  # stored text is found, so the searches below mean something
    assert "[SĐT]" in dump and "[HỌ TÊN]" in dump and "[EMAIL]" in dump and "[CCCD]" in dump
    assert _leaks(dump) == []
    data = db.read_bytes()
    assert [n for n in NEEDLES if n.encode() in data.lower()] == []

    archives = _archive_texts(db)
    assert any("MARKER-KEPT" in t for t in archives.values())
    assert {name: _leaks(t) for name, t in archives.items() if _leaks(t)} == {}
    for p in warehouse.archive_dir(db).rglob("*"):
        assert oct(p.stat().st_mode & 0o777) == ("0o700" if p.is_dir() else "0o600"), p
    assert oct(warehouse.archive_dir(db).stat().st_mode & 0o777) == "0o700"

    status = etl("status", "--rejected", "--db", str(db))
    status_json = etl("status", "--json", "--db", str(db))
    assert status.returncode == 0 and "personal-data-in-id" in status.stdout and "unknown-agency" in status.stdout
    assert _leaks(status.stdout + status.stderr) == []
    assert _leaks(status_json.stdout) == []
    assert _leaks(load.stdout + load.stderr) == []
    shown = repr(page.rejections) + repr(page.as_json())
    assert page.rows_rejected > 0 and _leaks(shown) == []


def test_rejected_rows_keep_their_columns_with_masked_values(tmp_path):
    # The Data page reads these columns: they stay, with NULL or a masked value in raw_value.
    db = tmp_path / "w.duckdb"
    rows = [
        pakn_row("R-1", PERSON["phone"], NEW),
        pakn_row("R-2", "05/08/2025", "Nguyen Thi Hong Nhung"),
        pakn_row("R-3", "05/08/2025", NEW, status="Hỏi Nguyễn Văn Bình qua a@b.vn"),
    ]
    load_file(write_csv(tmp_path / "r.csv", PAKN_HEADER, rows), db)
    con = warehouse.connect_read_only(db)
    try:
        got = con.execute(
            """select batch_id, file_name, row_number, column_name, raw_value, error_type
               from rejected_rows order by row_number"""
        ).fetchall()
    finally:
        con.close()
    assert got == [
        (1, "r.csv", 2, "Ngày tiếp nhận", "[SĐT]", "unparseable-date"),
        (1, "r.csv", 3, "Cơ quan được giao xử lý", "[HỌ TÊN]", "unknown-agency"),
        (1, "r.csv", 4, "Trạng thái", "Hỏi [HỌ TÊN] qua [EMAIL]", "unknown-value"),
    ]


def test_rebuild_from_the_masked_archive_gives_identical_tables(tmp_path):
    from tests.hostile_corpus import HERE

    db = tmp_path / "wh" / "warehouse.duckdb"
    files = [
        write_csv(tmp_path / "pii.csv", PAKN_HEADER, _rows()),
        HERE / "denunciation_no_kind_column.csv",
        HERE / "extreme_numbers.csv",
        HERE / "two_phone_columns.csv",
        HERE / "agency_with_contact.csv",
        HERE / "trailing_signature.csv",
    ]
    assert etl("load", "--db", str(db), *map(str, files)).returncode == 0
    for f in files[:1]:
        f.unlink()  # the export itself is not needed
    rebuilt = tmp_path / "new" / "warehouse.duckdb"
    proc = etl("rebuild", "--db", str(db), "--to", str(rebuilt))
    assert proc.returncode == 0, proc.stderr
    queries = {
        "complaints": "select * exclude (first_batch_id, last_batch_id) from complaints order by complaint_id",
        "inspections": "select * exclude (first_batch_id, last_batch_id) from inspections order by inspection_id",
        "violations": "select * exclude (first_batch_id, last_batch_id) from violations order by violation_id",
        "rejected_rows": "select * exclude (batch_id) from rejected_rows order by file_name, row_number, reason_en",
        "load_batches": """select file_name, file_sha256, kind, rows_in, rows_loaded, rows_rejected, rows_footer,
                                  content_withheld from load_batches order by batch_id""",
    }
    a, b = warehouse.connect_read_only(db), warehouse.connect_read_only(rebuilt)
    try:
        for name, sql in queries.items():
            assert a.execute(sql).fetchall() == b.execute(sql).fetchall(), name
        assert a.execute("select count(*) from complaints where citizen_hash is not null").fetchall()[0][0] > 50
    finally:
        a.close()
        b.close()
    assert _leaks("\n".join(_archive_texts(rebuilt).values())) == []


def test_agency_cells_in_reasons_mask_contacts_but_keep_unit_names(tmp_path):
    db = tmp_path / "w.duckdb"
    rows = [
        pakn_row("G-1", "05/08/2025", "UBND phuong Phan Dinh Phungg"),  # a typo: the name stays, with suggestions
        pakn_row("G-2", "05/08/2025", "UBND xã Không Có (anh Nguyễn Văn Bình 0912345678)"),
        pakn_row("G-3", "05/08/2025", "Trương Văn Bình"),  # a person, not a unit
    ]
    result = load_file(write_csv(tmp_path / "g.csv", PAKN_HEADER, rows), db)
    got = {r.row_number: (r.raw_value, "did you mean" in r.reason_en) for r in result.rejections}
    assert got == {
        2: ("UBND phuong Phan Dinh Phungg", True),
        3: ("UBND xã Không Có (anh [HỌ TÊN] [SĐT])", False),
        4: ("[HỌ TÊN]", False),
    }


def test_archive_retention_deletes_old_archives_and_rebuild_says_which_it_skipped(tmp_path):
    db = tmp_path / "wh" / "warehouse.duckdb"
    old = write_csv(tmp_path / "old.csv", PAKN_HEADER, [pakn_row("RT-1", "05/08/2025", NEW)])
    assert etl("load", "--db", str(db), str(old)).returncode == 0
    [archived] = warehouse.archive_dir(db).glob("*.cchc.jsonl.gz")
    three_days_ago = archived.stat().st_mtime - 3 * 86400
    os.utime(archived, (three_days_ago, three_days_ago))
    new = write_csv(tmp_path / "new.csv", PAKN_HEADER, [pakn_row("RT-2", "05/08/2025", NEW)])
    env = {**os.environ, "CCHC_ARCHIVE_RETENTION_DAYS": "2"}
    proc = subprocess.run(
        [sys.executable, "-m", "etl", "load", "--db", str(db), str(new)], cwd=ROOT, capture_output=True, env=env
    )
    assert proc.returncode == 0
    assert not archived.exists() and len(list(warehouse.archive_dir(db).glob("*.cchc.jsonl.gz"))) == 1
    rebuilt = tmp_path / "re" / "warehouse.duckdb"
    rebuild = etl("rebuild", "--db", str(db), "--to", str(rebuilt))
    assert rebuild.returncode == 2
    assert "old.csv: không còn trong kho lưu trữ" in rebuild.stderr and "no longer archived" in rebuild.stderr
    con = warehouse.connect_read_only(rebuilt)
    try:
        assert con.execute("select complaint_id from complaints").fetchall() == [("RT-2",)]
    finally:
        con.close()
