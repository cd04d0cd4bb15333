"""Database time a page spends, uncached and cached: `python bench/page_times.py --db W --out x.json`.

Each page is run headless with streamlit.testing (AppTest), signed in as the demo admin (who may
open every page), in this process. Time is accumulated in two places:

- `cchc.core.warehouse.run` and `.stream`: the database (DuckDB executes the query and hands
  pandas the result) — what an uncached visit pays;
- `cchc.web.data._cached`: the page's whole data layer (cache lookup, core, database) — what a
  cached visit pays (Streamlit hashes the arguments and copies the cached frame).

Uncached: Streamlit's data cache is cleared and the warehouse connections are closed just before
the page's run, as for the first visitor after a load. Cached: the same page run again (the next
visitor with the same filters).

`measure(db, pages, filter_sets, repeat)` is the one function bench/run.py calls: swap it for
another implementation (bench/pages_db.py) by changing one import there.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Counter:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def reset(self) -> None:
        self.seconds, self.calls = 0.0, 0


def _timed(fn, counter: Counter):
    def call(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            counter.seconds += time.perf_counter() - t0
            counter.calls += 1

    return call


def _timed_stream(fn, counter: Counter):
    def call(*args, **kwargs):
        t0 = time.perf_counter()
        gen = fn(*args, **kwargs)
        counter.calls += 1
        counter.seconds += time.perf_counter() - t0
        while True:
            t0 = time.perf_counter()
            try:
                chunk = next(gen)
            except StopIteration:
                counter.seconds += time.perf_counter() - t0
                return
            counter.seconds += time.perf_counter() - t0
            yield chunk

    return call


def _instrument() -> tuple[Counter, Counter]:
    from cchc.core import warehouse
    from cchc.web import data

    db, layer = Counter(), Counter()
    warehouse.run = _timed(warehouse.run, db)
    warehouse.stream = _timed_stream(warehouse.stream, db)
    data._cached = _timed(data._cached, layer)
    return db, layer


def _forget() -> None:
    """What a new data version does: no cached result, no open connection."""
    import streamlit as st

    from cchc.core import warehouse

    st.cache_data.clear()
    cons = warehouse._CONNECTIONS
    with cons.lock:
        for con, _summaries in cons.items.values():
            con.close()
        cons.items.clear()


def _app(params: dict):
    from streamlit.testing.v1 import AppTest

    from cchc.auth.accounts import User

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    at.session_state["cchc_user"] = User("bench-admin", "Bench admin", "admin", ())
    at.query_params.update(params)
    return at


def _visit(at, counters: tuple[Counter, Counter], cold: bool) -> dict:
    if cold:
        _forget()
    for c in counters:
        c.reset()
    t0 = time.perf_counter()
    at.run()
    wall = time.perf_counter() - t0
    errors = [str(e.value)[:300] for e in at.exception] + [str(e.value)[:300] for e in at.error]
    db, layer = counters
    return {"db_s": db.seconds, "queries": db.calls, "data_s": layer.seconds, "run_s": wall, "errors": errors}


def measure(db: Path, pages: list[tuple[str, str]], filter_sets: dict[str, dict], repeat: int) -> dict:
    """{filter set: {page key: {"uncached": [...], "cached": [...]}}}, one entry per repeat, each
    {db_s, queries, data_s, run_s, errors}. `pages` is [(key, path)], the first the default page."""
    os.environ["CCHC_DB"] = str(db)
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # AppTest's bare-mode warnings
    counters = _instrument()
    first = pages[0][1]
    out: dict = {}
    for name, params in filter_sets.items():
        out[name] = {}
        for key, path in pages:
            runs = {"uncached": [], "cached": []}
            for _ in range(repeat):
                at = _app(params)
                if path != first:
                    at.switch_page(path)  # the page opened by its link: the default page never runs
                runs["uncached"].append(_visit(at, counters, cold=True))
                runs["cached"].append(_visit(at, counters, cold=False))
            out[name][key] = runs
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--filters", required=True, help="JSON: {name: {url param: value}}")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from cchc.web import nav

    pages = [(p.url, p.path) for p in sorted(nav.PAGES, key=lambda p: not p.default)]
    result = measure(args.db, pages, json.loads(args.filters), max(1, args.repeat))
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    for name, by_page in result.items():
        for key, runs in by_page.items():
            u = statistics.median(r["db_s"] for r in runs["uncached"])
            c = statistics.median(r["data_s"] for r in runs["cached"])
            print(f"{name:10} {key:10} uncached db {u * 1000:8.1f} ms   cached data layer {c * 1000:7.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
