"""The peer way, as a floor from the other side: the whole table read into pandas and the page's
headline measures computed there (what a dashboard without a measures core in SQL does).

`peer(db, params)` reads every complaint and the agency table into pandas, then computes for the
period of the URL filters `params`, the period before and the same period a year ago: received,
carried over, to be handled, resolved, on time, on-time rate, open items and the median days to
resolve, for the whole province or one unit (rolled up to today's units). It returns the seconds
this took, the peak bytes of the frames and the measures, which tests/test_bench.py compares with
the measures core's headline (an independent computation of the same numbers).
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pandas as pd

from cchc.core.filters import Filters

COLUMNS = None  # every column: the peer has no row model to tell it which ones a page needs


def _measures(c: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> dict:
    received_d, resolved_d, due_d = c["received_date"], c["resolved_date"], c["due_date"]
    received = received_d.between(start, end)
    carried = (received_d < start) & ((resolved_d >= start) | (resolved_d.isna() & c["is_open"]))
    pool = received | carried
    resolved = pool & c["in_remit"] & resolved_d.between(start, end)
    rated = resolved & due_d.notna()
    on_time = rated & (resolved_d <= due_d)
    open_at = pool & ((resolved_d > end) | (resolved_d.isna() & c["is_open"]))
    days = c.loc[resolved, "resolution_calendar_days"].astype(float)
    return {
        "received": int(received.sum()),
        "carried_over": int((pool & ~received).sum()),
        "to_be_handled": int(pool.sum()),
        "resolved": int(resolved.sum()),
        "on_time": int(on_time.sum()),
        "on_time_rate": float(on_time.sum() / rated.sum()) if rated.sum() else None,
        "open_items": int(open_at.sum()),
        "median_days": float(days.median()) if len(days) else None,
    }


def peer(db: Path, params: dict) -> dict:
    f = Filters.from_params(params)
    period = f.period()
    t0 = time.perf_counter()
    con = duckdb.connect(str(db), read_only=True)
    try:
        c = con.execute("select * from complaints").df()
        agencies = con.execute("select agency_id, current_id from agencies").df()
    finally:
        con.close()
    frame_bytes = int(c.memory_usage(deep=True).sum())
    for col in ("received_date", "resolved_date", "due_date"):
        c[col] = pd.to_datetime(c[col])
    if f.agency_ids:
        current = agencies.set_index("agency_id")["current_id"]
        unit = c["agency_id"].map(current).fillna(c["agency_id"]) if f.rollup else c["agency_id"]
        c = c[unit.isin(f.agency_ids)]
    out = {}
    for name, p in {"current": period, "previous": period.previous(), "year_ago": period.year_ago()}.items():
        out[name] = _measures(c, pd.Timestamp(p.start), pd.Timestamp(p.effective_end))
    return {"seconds": time.perf_counter() - t0, "frame_bytes": frame_bytes, "rows": len(c), "measures": out}
