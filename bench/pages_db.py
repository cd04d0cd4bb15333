"""Uncached database time per page: the core functions each page calls (header and sidebar
included), with the page's default filters and with one agency and one quarter.

    .venv/bin/python bench/pages_db.py --db /tmp/s12/warehouse.duckdb [--runs 5] [--raw] [--json]

No Streamlit cache is involved: each run calls cchc.core directly on the warehouse connection (the
connection itself is opened once, before timing, as the dashboard keeps it). `--raw` computes every
measure from the row models instead of the summary tables (cchc.core.summary.forced_raw), for a
before/after on the same file. Prints the median and the spread (min-max) per page in ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cchc.core import ALL, Filters, queries, ranking, summary, warehouse


def pages(db: Path, f: Filters, today) -> dict[str, list]:
    """page -> list of zero-argument calls, as the page makes them (defaults of its widgets)."""
    period = f.period(today)
    kw = {"scope": ALL}
    grain = queries.default_grain(period)

    def frame():  # the header and the sidebar of every page
        return [
            lambda: queries.data_as_of(**kw),
            lambda: queries.categories_present(**kw),
            lambda: queries.unit_options(f.rollup, f.level, **kw),
        ]

    some_unit = warehouse.run("select agency_id from agencies where current_id = agency_id limit 1", [], **kw)
    agency_id = str(some_unit["agency_id"].iloc[0])
    f_unit, f_all = queries.profile_filters(f, agency_id, None)
    return {
        "overview": [
            *frame(),
            lambda: queries.headline(f, period, **kw),
            lambda: queries.monthly_trend(f, period, **kw),
            lambda: queries.by_unit(f, period, **kw),
            lambda: queries.violations_by(f, period, False, **kw),
        ],
        "complaints": [
            *frame(),
            lambda: queries.volume(f, period, grain, "channel", **kw),
            lambda: queries.unit_month_heatmap(f, period, **kw),
            lambda: queries.channel_mix(f, period, **kw),
            lambda: queries.received_by(f, period, "category", **kw),
            lambda: queries.received_by(f, period, "kind", **kw),
        ],
        "resolution": [
            *frame(),
            lambda: queries.headline(f, period, **kw),
            lambda: queries.resolution_by_unit(f, period, "calendar", **kw),
            lambda: queries.resolution_histogram(f, period, "calendar", **kw),
            lambda: queries.by_unit(f, period, **kw),
            lambda: queries.backlog(f, period, **kw),
            lambda: queries.overdue_items(f, period, **kw),
        ],
        "inspections": [
            *frame(),
            lambda: queries.headline(f, period, **kw),
            lambda: queries.inspections_by_type(f, period, **kw),
            lambda: queries.violations_by(f, period, False, **kw),
            lambda: queries.violations_by(f, period, True, **kw),
            lambda: queries.by_unit(f, period, **kw),
            lambda: queries.repeat_violations(f, period, **kw),
            lambda: queries.inspections_list(f, period, **kw),
        ],
        "ranking": [*frame(), lambda: ranking.table(f, period, **kw)],
        "profile": [
            *frame(),
            lambda: queries.agency(agency_id, **kw),
            lambda: queries.predecessors(agency_id, **kw),
            lambda: queries.headline(f_unit, period, **kw),
            lambda: queries.headline(f_all, period, **kw),
            lambda: queries.unit_vs_province_trend(f_unit, f_all, period, **kw),
            lambda: queries.received_by(f_unit, period, "category", **kw),
            lambda: queries.violations_by(f_unit, period, False, **kw),
            lambda: queries.inspections_list(f_unit, period, **kw),
        ],
        "map": [*frame(), lambda: queries.map_units(f, period, "received", True, **kw)],
        "targets": [*frame(), lambda: queries.candidates(f, period, **kw)],
        "report": [
            *frame(),
            lambda: queries.headline(f, period, **kw),
            lambda: queries.monthly_trend(f, period, **kw),
            lambda: queries.by_unit(f, period, **kw),
        ],
    }


def time_pages(db: Path, f: Filters, runs: int, raw: bool) -> dict[str, dict[str, float]]:
    from cchc import clock

    today = clock.today()
    out = {}
    with summary.forced_raw() if raw else nullcontext():
        calls = pages(db, f, today)
        for name, fns in calls.items():
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                for fn in fns:
                    fn()
                times.append((time.perf_counter() - t0) * 1000)
            out[name] = {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--raw", action="store_true", help="every measure from the row models (no summaries)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    os.environ["CCHC_DB"] = str(args.db)
    warehouse.cursor(ALL, args.db).close()  # open the connection once, as the dashboard keeps it
    # the unit of today with the most complaints (found once, outside the timings)
    some = warehouse.run(
        """select coalesce(a.current_id, a.agency_id) as agency_id from complaints c
join agencies a using (agency_id) group by 1 order by count(*) desc limit 1""",
        [],
        scope=ALL,
    )
    agency_id = str(some["agency_id"].iloc[0])
    sets = {
        "default": Filters(),
        "agency+quarter": replace(Filters(), preset="last_quarter", agency_ids=(agency_id,)),
    }
    results = {label: time_pages(args.db, f, args.runs, args.raw) for label, f in sets.items()}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"summaries: {'off (--raw)' if args.raw else warehouse.has_summaries(ALL, args.db)}")
    for label, per in results.items():
        print(f"\n{label}")
        for page, t in per.items():
            print(f"  {page:12s} {t['median_ms']:8.1f} ms  ({t['min_ms']:.1f}-{t['max_ms']:.1f})")


if __name__ == "__main__":
    main()
