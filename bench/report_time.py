"""How long the periodic report takes: `python bench/report_time.py [--db PATH] [--period last]`.

Builds the Word report, the PDF brief and the Excel annex for one month of the warehouse (the
1M-row benchmark warehouse in `make bench`) into a temporary folder, under the whole-province
scope, and prints the seconds per step and in total; the issue's limit is 10 s. Exit code 1 when
the total is over --limit. The first chart starts Chromium (a few seconds, counted here; a
dashboard server keeps it running between reports)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="warehouse (default: $CCHC_DB, else data/warehouse.duckdb)")
    ap.add_argument("--period", default="last", help="2026-10, last, ... (default: last)")
    ap.add_argument("--cut", default="calendar", choices=["calendar", "official"])
    ap.add_argument("--scope", action="append", default=[], help="unit id (repeatable): an agency's report")
    ap.add_argument("--limit", type=float, default=10.0, help="seconds allowed (default 10)")
    ap.add_argument("--repeat", type=int, default=1, help="build N times in one process (the 2nd on: Chromium warm)")
    ap.add_argument("--json", action="store_true", help="one JSON object instead of text")
    args = ap.parse_args()
    if args.db:
        os.environ["CCHC_DB"] = args.db

    from cchc.core import ALL, Filters, Scope, warehouse
    from cchc.report import build as report_build
    from cchc.report import images
    from cchc.report.content import parse_period

    path = warehouse.warehouse_path()
    if not path.is_file():
        print(f"no warehouse at {path}", file=sys.stderr)
        return 2
    rows = warehouse.run("select count(*) as n from complaints", scope=ALL)["n"].iloc[0]
    period = parse_period(args.period, args.cut)
    scope = Scope.of(args.scope) if args.scope else ALL
    worst = 0.0
    for run in range(1, max(1, args.repeat) + 1):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            built = report_build.build(period, Filters(cut=args.cut), scope, "vi", out_dir=out)
            total = time.perf_counter() - start
            sizes = {k: p.stat().st_size for k, p in built.files.items()}
        worst = max(worst, total)
        result = {
            "run": run,
            "chromium": "cold" if run == 1 else "warm",
            "warehouse": str(path),
            "complaints": int(rows),
            "period": built.report.period_text,
            "scope": built.report.scope_text,
            "seconds": {k: round(v, 2) for k, v in built.seconds.items()},
            "total_seconds": round(total, 2),
            "limit_seconds": args.limit,
            "bytes": sizes,
            "chart_errors": built.chart_errors,
        }
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            steps = " · ".join(f"{k} {v:.2f} s" for k, v in built.seconds.items() if k != "total")
            print(
                f"report {result['period']} · {result['scope']} · {rows:,} complaints · Chromium {result['chromium']}"
            )
            print(f"  {steps}")
            print(f"  total {total:.2f} s (limit {args.limit:.0f} s) {'OK' if total <= args.limit else 'TOO SLOW'}")
    images.shutdown()
    return 0 if worst <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
