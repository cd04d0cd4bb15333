"""A bigger warehouse from a built one, inside DuckDB: `python bench/replicate.py SRC DST --factor 10`.

Copy k (1 .. factor-1) of every complaint, inspection and finding gets new IDs ('<id>~k') and its
dates moved k days earlier, so that every period holds `factor` times the rows (as a province ten
times the size would) and the periods stay realistic: nothing is dated after the last load, and a
row is not moved before the day its unit came into existence (the 2025 merger), where it keeps its
dates. Agencies, plans, load history and rejected rows are not copied; the summary tables are
rebuilt. Written to DST.tmp, then renamed; the salt beside SRC is copied so that later loads hash people the same way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cchc.core import summary  # noqa: E402

# The shift of copy ?: k days earlier unless that is before the unit existed.
_SHIFT = "case when a.valid_from is not null and {day} - ?::integer < a.valid_from then 0 else ?::integer end"

COMPLAINTS = f"""
insert into complaints
select c.* replace (
    c.complaint_id || '~' || ?::varchar as complaint_id,
    c.received_at - to_days(s.d) as received_at,
    c.received_date - s.d as received_date,
    c.due_date - s.d as due_date,
    c.resolved_at - to_days(s.d) as resolved_at,
    c.resolved_date - s.d as resolved_date)
from complaints c
left join agencies a using (agency_id),
lateral (select {_SHIFT.format(day="c.received_date")} as d) s
where c.complaint_id not like '%~%'
"""

INSPECTIONS = f"""
insert into inspections
select i.* replace (
    i.inspection_id || '~' || ?::varchar as inspection_id,
    i.inspected_on - s.d as inspected_on)
from inspections i
left join agencies a using (agency_id),
lateral (select {_SHIFT.format(day="i.inspected_on")} as d) s
where i.inspection_id not like '%~%'
"""

VIOLATIONS = f"""
insert into violations
select v.* replace (
    v.violation_id || '~' || ?::varchar as violation_id,
    v.inspection_id || '~' || ?::varchar as inspection_id,
    v.remedy_due - s.d as remedy_due,
    v.remedied_on - s.d as remedied_on)
from violations v
join inspections i on i.source = v.source and i.inspection_id = v.inspection_id
left join agencies a on a.agency_id = i.agency_id,
lateral (select {_SHIFT.format(day="i.inspected_on")} as d) s
where v.violation_id not like '%~%'
"""


def replicate(src: Path, dst: Path, factor: int) -> dict:
    if factor < 1:
        raise ValueError("factor must be at least 1")
    tmp = dst.with_name(dst.name + ".tmp")
    tmp.unlink(missing_ok=True)
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, tmp)
    t0 = time.perf_counter()
    con = duckdb.connect(str(tmp))
    try:
        for k in range(1, factor):
            con.execute("begin")
            con.execute(COMPLAINTS, [str(k), k, k])
            # findings first: their shift is read from the original inspection
            con.execute(VIOLATIONS, [str(k), str(k), k, k])
            con.execute(INSPECTIONS, [str(k), k, k])
            con.execute("commit")
        con.execute("begin")
        summary.record(con)  # the summary tables of the grown warehouse (cchc/core/summary.py)
        con.execute("commit")
        con.execute("checkpoint")
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("complaints", "inspections")}
    finally:
        con.close()
    os.replace(tmp, dst)
    if (src.parent / ".salt").exists() and src.parent != dst.parent:
        shutil.copy2(src.parent / ".salt", dst.parent / ".salt")
    return {**counts, "seconds": time.perf_counter() - t0, "bytes": dst.stat().st_size}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    ap.add_argument("--factor", type=int, default=10)
    args = ap.parse_args()
    r = replicate(args.src, args.dst, args.factor)
    print(
        f"{args.dst}: {r['complaints']:,} complaints, {r['inspections']:,} inspections, "
        f"{r['bytes'] / 2**20:,.0f} MB in {r['seconds']:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
