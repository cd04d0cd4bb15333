"""What the warehouse holds: batches, counts, rejections, freshness."""

from __future__ import annotations

from pathlib import Path

from etl import warehouse


def _rows(con, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=False)) for r in cur.fetchall()]


def warehouse_status(db: Path, with_rejections: bool = False) -> dict:
    con = warehouse.connect_read_only(db)
    try:
        counts = {
            t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
            for t in ("agencies", "complaints", "inspections", "violations", "load_batches", "rejected_rows")
        }
        last = con.execute("select value from meta where key = 'last_load_at'").fetchall()
        freshness = con.execute("""
            select max(d) from (select max(received_date) as d from complaints
                                union all select max(inspected_on) from inspections)""").fetchall()[0][0]
        have = {
            r[0]
            for r in con.execute(
                "select column_name from duckdb_columns() where table_name = 'load_batches'"
            ).fetchall()
        }
        extra = "".join(  # columns added with issue 14; a warehouse not loaded into since has none of them
            f", {c}" for c in ("rows_footer", "content_withheld", "rejections_not_stored") if c in have
        )
        batches = _rows(
            con,
            f"""
            select batch_id, file_name, kind, mapping_name, loaded_at, rows_in, rows_loaded, rows_updated,
                   rows_unchanged, rows_rejected, min_event_date, max_event_date, file_sha256{extra}
            from load_batches order by batch_id""",
        )
        rejections = (
            _rows(
                con,
                """
            select file_name, row_number, column_name, raw_value, error_type, reason_vi, reason_en, batch_id
            from rejected_rows order by batch_id, row_number""",
            )
            if with_rejections
            else []
        )
    finally:
        con.close()
    return {
        "db": str(db),
        "last_load_at": last[0][0] if last else None,
        "freshness": freshness,
        "counts": counts,
        "batches": batches,
        "rejections": rejections,
    }


def archived_batches(db: Path) -> list[tuple[Path, Path, str, str]]:
    """(archived file, archived mapping, kind, original file name) of every batch, in load order."""
    con = warehouse.connect_read_only(db)
    try:
        rows = con.execute("""
            select archive_path, mapping_archive_path, kind, file_name
            from load_batches order by batch_id""").fetchall()
    finally:
        con.close()
    base = db.parent
    return [(base / a, base / m, k, name) for a, m, k, name in rows]
