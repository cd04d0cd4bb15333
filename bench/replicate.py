"""Grow a warehouse by replicating its complaints inside DuckDB: a 10M-row warehouse from the 100k demo.

    python bench/replicate.py --db /tmp/w/warehouse.duckdb --factor 100

Every complaint gets `factor - 1` copies with new IDs (`<id>~r<k>`) and its dates (received, due,
resolved) moved back by `k * shift_days` days modulo a year (so the copies spread over the same years
and no date passes today); everything else is kept. Each complaint batch's load history is scaled to
match, so `python -m etl check` still finds the warehouse consistent (a rebuild from the archive gives
back the original rows, not the copies: the copies exist only here). Inspections, violations and plans
are left as they are. The change is published like a load: under the load lock, through
etl.warehouse.working_copy, in one transaction; the copies carry old batch ids, so the next load
copies the file once instead of catching up by batch (etl/warehouse.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl import manifest, warehouse  # noqa: E402

DATE_COLUMNS = ("received_at", "received_date", "due_date", "resolved_at", "resolved_date")


def replicate(db: Path, factor: int, shift_days: int = 3) -> dict:
    if factor < 2:
        raise SystemExit("--factor must be at least 2")
    started = time.monotonic()
    with warehouse.write_lock(db):
        with warehouse.working_copy(db, stamped=False) as con:  # old batch ids: next load copies once
            cols = [
                r[0]
                for r in con.execute(
                    "select column_name from duckdb_columns() where database_name = current_database() "
                    "and schema_name = 'main' and table_name = 'complaints' order by column_index"
                ).fetchall()
            ]
            before = con.execute("select count(*) from complaints").fetchall()[0][0]
            exprs = []
            for c in cols:
                if c == "complaint_id":
                    exprs.append("c.complaint_id || '~r' || k.k")
                elif c in DATE_COLUMNS:
                    exprs.append(f"c.{c} - to_days(cast((k.k * ?) % 365 as integer))")
                else:
                    exprs.append(f"c.{c}")
            con.execute("begin")
            con.execute(
                f"insert into complaints ({', '.join(cols)}) select {', '.join(exprs)} "
                "from complaints c cross join (select range as k from range(1, ?)) k",
                [shift_days] * len(DATE_COLUMNS) + [factor],
            )
            extra = factor - 1
            con.execute(
                """update load_batches set
                       rows_in = rows_in + ? * (rows_loaded + rows_updated + rows_unchanged),
                       rows_loaded = rows_loaded * ?, rows_updated = rows_updated * ?,
                       rows_unchanged = rows_unchanged * ?
                   where kind = 'complaints'""",
                [extra, factor, factor, factor],
            )
            after = con.execute("select count(*) from complaints").fetchall()[0][0]
            con.execute("commit")
        manifest.sync(db)
    return {"complaints_before": before, "complaints_after": after, "seconds": round(time.monotonic() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=None, help="the warehouse (default: $CCHC_DB or data/warehouse.duckdb)")
    ap.add_argument("--factor", type=int, default=100, help="rows after / rows before (default 100)")
    ap.add_argument("--shift-days", type=int, default=3, help="copy k is moved back k × this many days (mod 365)")
    args = ap.parse_args(argv)
    out = replicate(warehouse.db_path(args.db), args.factor, args.shift_days)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
