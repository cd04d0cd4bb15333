"""Load test: many officials on the dashboard at once while the next export is being loaded.

`make bench` runs it against the 1M-row demo warehouse (data/bench/warehouse.duckdb, built by
`python -m etl demo --scale 10` when missing). What it does, all on 127.0.0.1:

1. copies the bench warehouse to data/bench/run/ (so every run loads the same export into the same
   warehouse) and writes the "next export": the demo's update file with every row changed again
   plus as many new rows;
2. starts the dashboard the way `make run` does (`python -m cchc.serve`) on a free port;
3. opens N browser contexts (Playwright, headless Debian Chromium) that for D seconds open pages by
   URL with filters in the query string (?period=last_12m, ?channel=hotline ...), each navigation
   timed from `goto` to idle (the same idle signal as tests/e2e: script state notRunning, no stale
   or skeleton element, every Plotly chart drawn, twice in a row);
4. a few seconds in, loads the next export with `python -m etl load` into the warehouse being read;
5. samples the server's resident memory (its process tree, from /proc) all along;
6. counts errors: a Streamlit exception or error box on a page, an HTTP status >= 500 or a failed
   request to the server, a JavaScript error, a navigation not idle within the timeout, a load
   that fails;
7. checks the warehouse afterwards with `python -m etl check`, and times `etl check` on the bench
   warehouse itself;
8. writes the figures to docs/reliability.md (between the bench markers) and data/bench/results.json.

It uses only URLs and DOM signals of the app (data-test-script-state, stException,
stAlertContentError), never its modules, so it keeps working while the app is refactored.
Every loop is bounded: no new navigation starts after D seconds, each one times out, the load has
a timeout, and the server is stopped at the end. Exit 0 when there was no error, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "data" / "bench"
REPORT = ROOT / "docs" / "reliability.md"
CHROMIUM = os.environ.get("CCHC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"

# url_path of every page (dashboard.py); "" is the overview.
PAGES = ["", "phan-anh", "thoi-gian", "kiem-tra", "xep-hang", "ho-so", "tra-cuu", "du-lieu"]
# Filters as officials share them in links (cchc/filters.py Filters.from_params).
FILTERS = [
    {},
    {"period": "last_12m"},
    {"period": "this_year", "cut": "official"},
    {"channel": "hotline"},
    {"period": "last_quarter", "kind": "complaint"},
    {"period": "last_year", "level": "commune"},
    {"period": "h1", "channel": "app,email"},
    {"period": "this_month", "rollup": "0"},
    {"period": "last_12m", "itype": "unannounced"},
    {"period": "this_quarter", "cut": "official", "kind": "feedback,petition"},
]

# Counts script runs, so that "idle" means idle at two polls with no run started in between.
RUN_COUNTER_JS = """
window.__cchcRuns = 0;
new MutationObserver(records => {
  for (const r of records) {
    const state = r.target.getAttribute && r.target.getAttribute('data-test-script-state');
    if (state === 'running') window.__cchcRuns += 1;
    if (state === 'notRunning') window.__cchcDoneAt = performance.now();  // ms since this navigation began
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
"""
READY_JS = """() => {
  const busy = () => { window.__cchcIdleAt = -1; return false; };
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return busy();
  if (document.querySelector('[data-testid="stException"], [data-testid="stAlertContentError"]')) return true;
  if (!document.querySelector('[data-testid="stMain"] h1')) return busy();
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"], '
      + '[data-testid="stSkeletonElement"], [data-testid="stAppSkeleton"], '
      + '[data-testid="stStatusWidgetRunningIcon"]')) return busy();
  const drawn = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => {
    const gd = c.querySelector('.js-plotly-plot');
    return gd && gd.querySelector('.main-svg') && gd.data && gd.data.length > 0
      && gd.querySelector('.trace, .hm, .pielayer .slice');
  });
  if (!drawn) return busy();
  const runs = window.__cchcRuns || 0;
  if (window.__cchcIdleAt === runs) return true;
  window.__cchcIdleAt = runs;
  return false;
}"""
SHOWN_ERRORS_JS = """() => [...document.querySelectorAll(
    '[data-testid="stException"], [data-testid="stAlertContentError"]')]
  .map(e => e.innerText.trim().slice(0, 300))"""


# ---------------------------------------------------------------- server and memory


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return pids


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _status_kb_meminfo() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1])
    return 0


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def _role(pid: int, server: set[int]) -> str:
    if pid in server:
        return "server"
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "other"
    if "-m etl" in cmd:
        return "loader"
    if "chrom" in cmd or "playwright" in cmd or "node" in cmd.split(" ", 1)[0]:
        return "browser"
    return "other"


class Sampler(threading.Thread):
    """Every `every` seconds: the server's resident memory (its process tree; the peak is kept), and
    the CPU time of every process this script started, by role (server, browser, loader)."""

    def __init__(self, server_pid: int, every: float = 0.25):
        super().__init__(daemon=True)
        self.server_pid, self.every = server_pid, every
        self.peak_kb = 0
        self.loader_peak_kb = 0
        self.samples: list[tuple[float, int]] = []
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (role, last CPU seconds seen)
        self.loadavg: list[float] = []
        self._halt = threading.Event()

    def run(self) -> None:
        t0 = time.monotonic()
        while not self._halt.is_set():
            server = set(_tree(self.server_pid))
            kb = sum(_status_kb(p, "VmRSS") for p in server)
            self.peak_kb = max(self.peak_kb, kb)
            self.samples.append((time.monotonic() - t0, kb))
            for pid in _tree(os.getpid()):
                if pid == os.getpid():
                    continue
                secs = _cpu_seconds(pid)
                if secs is not None:
                    # a child is first seen between fork and exec, with its parent's command line
                    known = self.cpu.get(pid, ("other",))[0]
                    role = known if known != "other" else _role(pid, server)
                    self.cpu[pid] = (role, secs)
                    if role == "loader":
                        self.loader_peak_kb = max(self.loader_peak_kb, _status_kb(pid, "VmRSS"))
            self.loadavg.append(float(Path("/proc/loadavg").read_text().split()[0]))
            self._halt.wait(self.every)

    def cpu_by_role(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for role, secs in self.cpu.values():
            out[role] = round(out.get(role, 0.0) + secs, 1)
        return out

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


def serve(args: list[str], env: dict, log: Path, timeout_s: float = 180) -> tuple[subprocess.Popen, str]:
    """`python <args>` as a headless Streamlit server on a free local port; (process, URL) once healthy."""
    port = free_port()
    out = open(log, "w", encoding="utf-8")  # noqa: SIM115 - the server writes to it until it stops
    proc = subprocess.Popen(
        [
            sys.executable,
            *args,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while not healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_server(proc)
            raise RuntimeError(f"server did not start (see {log})")
        time.sleep(0.2)
    return proc, url


def start_server(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """The dashboard on the demo warehouse `db`."""
    env = {"CCHC_DB": str(db), "CCHC_MODE": "demo", "CCHC_ACCOUNTS": str(db.parent / "accounts.sqlite")}
    return serve(["-m", "cchc.serve"], env, log, timeout_s=120)


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


# ---------------------------------------------------------------- the next export


def next_export(update_csv: Path, target: Path) -> int:
    """The demo's update file again with every row changed, plus as many new rows; returns rows written."""
    with open(update_csv, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    content = header.index("Nội dung")
    cid = header.index("Mã phản ánh")
    out = []
    for r in body:
        changed = list(r)
        changed[content] = (changed[content] + " (bổ sung hồ sơ)").strip()
        out.append(changed)
    for r in body:
        new = list(r)
        new[cid] = f"NEXT-{r[cid]}"
        out.append(new)
    with open(target, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(out)
    return len(out)


def etl(*args: str, timeout: float = 900) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    return proc, time.monotonic() - started


# ---------------------------------------------------------------- sessions


class Tally:
    def __init__(self) -> None:
        self.navigations: list[dict] = []
        self.errors: list[dict] = []

    def error(self, session: int, kind: str, url: str, detail: str) -> None:
        self.errors.append({"session": session, "kind": kind, "url": url, "detail": detail[:500]})


async def session(
    n: int, browser, base: str, until: float, timeout_ms: int, seed: int, tally: Tally, once: bool = False
) -> None:
    rng = random.Random(seed * 1000 + n)
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, base_url=base)
    await context.add_init_script(RUN_COUNTER_JS)
    page = await context.new_page()
    current = {"url": ""}

    def on_response(response) -> None:
        if response.url.startswith(base) and response.status >= 500:
            tally.error(n, "http", response.url, f"HTTP {response.status}")

    def on_failed(request) -> None:
        failure = request.failure or ""
        # a navigation cancels the previous page's requests (net::ERR_ABORTED): not a failure
        if request.url.startswith(base) and "ERR_ABORTED" not in failure:
            tally.error(n, "request", request.url, failure)

    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    page.on("pageerror", lambda exc: tally.error(n, "javascript", current["url"], str(exc)))
    try:
        while once or time.monotonic() < until:
            once = False
            path = rng.choice(PAGES)
            params = rng.choice(FILTERS)
            url = f"/{path}" + (f"?{urlencode(params)}" if params else "")
            current["url"] = url
            started = time.monotonic()
            ok = True
            done_ms = None
            try:
                response = await page.goto(url, timeout=timeout_ms)
                if response is None or not response.ok:
                    ok = False
                    tally.error(n, "http", url, f"navigation status {response.status if response else 'none'}")
                await page.wait_for_function(READY_JS, timeout=timeout_ms, polling=100)
                # A navigation is a new Streamlit session: sign in (demo analyst) and wait again.
                user = page.get_by_label("Tên đăng nhập", exact=True)
                if await user.count():
                    await user.fill("chuyenvien")
                    await page.get_by_label("Mật khẩu", exact=True).fill("demo-chuyenvien")
                    await page.get_by_role("button", name="Đăng nhập", exact=True).click()
                    await page.wait_for_function(
                        "() => !document.querySelector('input[aria-label=\"Tên đăng nhập\"]')", timeout=timeout_ms
                    )
                    await page.wait_for_function(READY_JS, timeout=timeout_ms, polling=100)
                done_ms = await page.evaluate("window.__cchcDoneAt || null")
            except Exception as exc:  # a Playwright timeout or a closed page: an error either way
                ok = False
                tally.error(n, "timeout" if "Timeout" in type(exc).__name__ else "navigation", url, str(exc))
            seconds = time.monotonic() - started
            if not ok:
                done_ms = None
            try:
                shown = await page.evaluate(SHOWN_ERRORS_JS)
            except Exception as exc:
                shown = [f"page not readable: {exc}"]
            for text in shown:
                ok = False
                tally.error(n, "streamlit", url, text)
            tally.navigations.append(
                {
                    "session": n,
                    "url": url,
                    "seconds": round(seconds, 3),
                    "script_done_s": round(done_ms / 1000, 3) if done_ms else None,
                    "ok": ok,
                }
            )
    finally:
        await context.close()


async def run_sessions(
    base: str,
    sessions: int,
    duration: float,
    timeout_ms: int,
    seed: int,
    tally: Tally,
    on_started,
    baseline_s: float,
    baseline: Tally,
) -> float:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # one visit first: the server's cold start is not what 20 people at once measure
            warm = Tally()
            t0 = time.monotonic()
            await session(-1, browser, base, 0.0, timeout_ms, seed, warm, once=True)
            cold = time.monotonic() - t0
            tally.errors += warm.errors
            # one person alone, no load running: what a page costs when nothing else does
            if baseline_s > 0:
                await session(-2, browser, base, time.monotonic() + baseline_s, timeout_ms, seed, baseline)
                tally.errors += baseline.errors
            until = time.monotonic() + duration
            on_started()
            await asyncio.gather(*(session(i, browser, base, until, timeout_ms, seed, tally) for i in range(sessions)))
        finally:
            await browser.close()
    return cold


# ---------------------------------------------------------------- report


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def per_session(navigations: list[dict]) -> dict:
    n: dict[int, int] = {}
    for x in navigations:
        n[x["session"]] = n.get(x["session"], 0) + 1
    return {"min": min(n.values(), default=0), "max": max(n.values(), default=0)}


def markdown(r: dict) -> str:
    nav = r["navigations"]
    lines = [
        START,
        f"Measured {r['when']} by bench/loadtest.py (what `make bench` runs) on {r['machine']}.",
        "",
        f"- Warehouse: `{r['warehouse']['path']}`: {r['warehouse']['complaints']:,} complaints,"
        f" {r['warehouse']['inspections']:,} inspections, {r['warehouse']['violations']:,} violations,"
        f" {r['warehouse']['size_mb']:.0f} MB.",
        f"- Sessions: {r['sessions']} browser contexts (headless Chromium, one browser) for {r['duration_s']:.0f} s,"
        f" each opening pages by URL with filters in the query string; seed {r['seed']}. Navigations per session:"
        f" {r['per_session']['min']} to {r['per_session']['max']} (a navigation started before the end of the"
        " window is finished and counted).",
        f"- Concurrent load: `python -m etl load` of the next export ({r['load']['rows_written']:,} rows: the demo's"
        f" update file with every row changed again, plus as many new rows), started {r['load']['started_at_s']:.0f} s"
        f" into the browsing, took {r['load']['seconds']:.1f} s, exit {r['load']['exit']}: {r['load']['rows_loaded']:,}"
        f" new and {r['load']['rows_updated']:,} updated rows; complaints {r['complaints_before_after'][0]:,} →"
        f" {r['complaints_before_after'][1]:,}.",
        "- The browser runs on the same machine as the server, so both share its CPUs.",
        "",
        "| Figure | Value |",
        "|---|---|",
        f"| Navigations (goto → idle) | {nav['count']:,} ({nav['ok']:,} without error) |",
        f"| Page time p50 | {nav['p50_s']:.2f} s |",
        f"| Page time p95 | {nav['p95_s']:.2f} s |",
        f"| Page time max | {nav['max_s']:.2f} s |",
        f"| Last script run ended (server side of the page time) p50 / p95 | {nav['script_done_p50_s']:.2f} s /"
        f" {nav['script_done_p95_s']:.2f} s |",
        f"| First page after start (cold, alone) | {r['cold_s']:.2f} s |",
        f"| One session alone, no load ({r['baseline']['count']} navigations in {r['baseline']['duration_s']:.0f} s)"
        f" p50 / p95 | {r['baseline']['p50_s']:.2f} s / {r['baseline']['p95_s']:.2f} s |",
        f"| Errors | {r['errors']['count']} {r['errors']['by_kind'] or ''} |",
        f"| Server peak RSS (process tree, sampled every 0.25 s) | {r['memory']['peak_rss_mb']:,.0f} MB |",
        f"| Server RSS at start / end | {r['memory']['start_rss_mb']:,.0f} MB / {r['memory']['end_rss_mb']:,.0f} MB |",
        f"| Loader peak RSS | {r['memory']['loader_peak_rss_mb']:,.0f} MB |",
        f"| CPU seconds used in the {r['window_s']:.0f} s window, by role | "
        + ", ".join(f"{k} {v:,.0f}" for k, v in r["cpu_seconds"].items())
        + f" (of {r['window_s'] * (os.cpu_count() or 1):,.0f} available) |",
        f"| Highest 1-minute load average seen | {r['loadavg_max']:.1f} |",
        f"| `etl check` after the run | {'consistent' if r['check_after']['ok'] else 'FAULTS'}"
        f" ({r['check_after']['seconds']:.1f} s) |",
        f"| `etl check` on the bench warehouse | {r['check_demo']['seconds']:.1f} s"
        f" ({'consistent' if r['check_demo']['ok'] else 'FAULTS'}) |",
        "",
        "Per page (p50 / p95 seconds, navigations):",
        "",
        "| Page | p50 | p95 | n |",
        "|---|---|---|---|",
    ]
    for page, s in r["per_page"].items():
        lines.append(f"| /{page} | {s['p50_s']:.2f} | {s['p95_s']:.2f} | {s['count']} |")
    used = sum(r["cpu_seconds"].values()) or 1.0
    share = {k: v / used for k, v in r["cpu_seconds"].items()}
    if share.get("browser", 0) > 0.5:
        lines += [
            "",
            f"Reading: of the CPU time used in the window the browsers took {share['browser']:.0%}, the server"
            f" {share.get('server', 0):.0%} and the load {share.get('loader', 0):.0%}. With {r['sessions']} Chromium"
            " pages on the same machine, page times here are bound by the browsers' rendering, not by the server;"
            " a figure for the server alone needs the browsers on other machines.",
        ]
    if r["errors"]["examples"]:
        lines += ["", "First errors:", ""]
        lines += [f"- {e['kind']} on {e['url']}: {e['detail'][:200]}" for e in r["errors"]["examples"]]
    lines.append(END)
    return "\n".join(lines)


def write_report(text: str) -> None:
    doc = REPORT.read_text(encoding="utf-8")
    if START not in doc or END not in doc:
        raise SystemExit(f"{REPORT} has no {START} … {END} section")
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    REPORT.write_text(head + text + tail, encoding="utf-8")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def counts(db: Path) -> dict:
    proc, _ = etl("status", "--json", "--db", str(db))
    st = json.loads(proc.stdout)
    return st["counts"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=BENCH / "warehouse.duckdb")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of browsing")
    ap.add_argument("--load-after", type=float, default=10.0, help="seconds into the browsing the load starts")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds one navigation may take")
    ap.add_argument("--baseline", type=float, default=30.0, help="seconds of one session alone first (0: none)")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("CCHC_BENCH_SEED", "14")))
    ap.add_argument("--from-results", action="store_true", help="only rewrite the report from data/bench/*.json")
    ap.add_argument("--no-report", action="store_true", help="do not rewrite docs/reliability.md")
    args = ap.parse_args()
    if args.from_results:  # rewrite the report from the last run's raw figures
        r = json.loads((BENCH / "results.json").read_text())
        r.setdefault("per_session", per_session(json.loads((BENCH / "navigations.json").read_text())))
        text = markdown(r)
        print(text)
        write_report(text)
        return 0

    source = args.db.absolute().parent.resolve() / args.db.name  # the published name, not the file it links to
    if not source.is_file():
        raise SystemExit(f"no bench warehouse at {source}: python -m etl demo --scale 10 --db {source}")
    updates = sorted((source.parent / "demo").glob("06_cap_nhat_*.csv"))
    if not updates:
        raise SystemExit(f"no demo update file in {source.parent / 'demo'}")

    run = BENCH / "run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    db = run / "warehouse.duckdb"
    shutil.copy2(source, db)
    salt = source.parent / ".salt"
    if salt.exists():
        shutil.copy2(salt, run / ".salt")
    # the archive too (hard links: no copy of the exports), so that `etl check` finds what a rebuild needs
    archive = source.parent / "archive"
    if archive.is_dir():
        shutil.copytree(archive, run / "archive", copy_function=os.link)
    export = run / f"07_next_{updates[-1].stem.split('_')[-1]}.csv"
    written = next_export(updates[-1], export)

    check_demo, check_demo_s = etl("check", "--json", "--db", str(source))
    before = counts(db)

    proc, base = start_server(db, BENCH / "streamlit.log")
    sampler = Sampler(proc.pid)
    sampler.start()
    time.sleep(0.5)
    start_rss = sampler.peak_kb
    tally = Tally()
    baseline = Tally()
    load: dict = {}
    started = {}

    def load_later() -> None:
        time.sleep(args.load_after)
        load["started_at_s"] = time.monotonic() - started["t"]
        p, secs = etl("load", "--json", "--db", str(db), str(export), timeout=900)
        load.update(exit=p.returncode, seconds=secs, stderr=p.stderr[-2000:])
        try:
            load["result"] = json.loads(p.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            load["result"] = {}

    loader = threading.Thread(target=load_later, daemon=True)

    def on_started() -> None:
        started["t"] = time.monotonic()
        started["cpu"] = sampler.cpu_by_role()
        loader.start()

    try:
        cold = asyncio.run(
            run_sessions(
                base,
                args.sessions,
                args.duration,
                int(args.timeout * 1000),
                args.seed,
                tally,
                on_started,
                args.baseline,
                baseline,
            )
        )
        loader.join(timeout=900)
        window_s = time.monotonic() - started["t"]
        cpu_end = sampler.cpu_by_role()
    finally:
        try:
            end_rss = sum(_status_kb(p, "VmRSS") for p in _tree(proc.pid))
            sampler.stop()
        finally:
            stop_server(proc)

    if load.get("exit") != 0 or not load.get("result"):
        tally.error(-1, "load", str(export), f"exit {load.get('exit')}: {load.get('stderr', '')}")
    check_after, check_after_s = etl("check", "--json", "--db", str(db))
    after_ok = check_after.returncode == 0
    if not after_ok:
        tally.error(-1, "check", str(db), check_after.stdout[-1000:])
    after = counts(db)

    times = [x["seconds"] for x in tally.navigations]
    done = [x["script_done_s"] for x in tally.navigations if x["script_done_s"] is not None]
    per_page: dict[str, dict] = {}
    for page in PAGES:
        ts = [x["seconds"] for x in tally.navigations if x["url"].split("?")[0] == f"/{page}"]
        if ts:
            per_page[page or "(overview)"] = {
                "count": len(ts),
                "p50_s": percentile(ts, 50),
                "p95_s": percentile(ts, 95),
            }
    by_kind: dict[str, int] = {}
    for e in tally.errors:
        by_kind[e["kind"]] = by_kind.get(e["kind"], 0) + 1
    result = load.get("result", {})
    results = {
        "when": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": f"{os.cpu_count()} CPUs, {_status_kb_meminfo() / 2**20:.0f} GB RAM, {platform.system()}"
        f" {platform.release()}, Python {platform.python_version()}",
        "warehouse": {**before, "size_mb": source.stat().st_size / 2**20, "path": _shown(source)},
        "sessions": args.sessions,
        "duration_s": args.duration,
        "seed": args.seed,
        "cold_s": cold,
        "navigations": {
            "count": len(times),
            "ok": sum(1 for x in tally.navigations if x["ok"]),
            "p50_s": percentile(times, 50),
            "p95_s": percentile(times, 95),
            "max_s": max(times, default=float("nan")),
            "script_done_p50_s": percentile(done, 50),
            "script_done_p95_s": percentile(done, 95),
        },
        "per_page": per_page,
        "per_session": per_session(tally.navigations),
        "baseline": {
            "duration_s": args.baseline,
            "count": len(baseline.navigations),
            "p50_s": percentile([x["seconds"] for x in baseline.navigations], 50),
            "p95_s": percentile([x["seconds"] for x in baseline.navigations], 95),
        },
        "cpu_seconds": {role: round(secs - started["cpu"].get(role, 0.0), 1) for role, secs in sorted(cpu_end.items())},
        "window_s": window_s,
        "loadavg_max": max(sampler.loadavg, default=float("nan")),
        "errors": {"count": len(tally.errors), "by_kind": by_kind, "examples": tally.errors[:10]},
        "memory": {
            "peak_rss_mb": sampler.peak_kb / 1024,
            "start_rss_mb": start_rss / 1024,
            "end_rss_mb": end_rss / 1024,
            "loader_peak_rss_mb": sampler.loader_peak_kb / 1024,
        },
        "load": {
            "rows_written": written,
            "expected_updated": written // 2,
            "expected_new": written // 2,
            "rows_loaded": result.get("rows_loaded", 0),
            "rows_updated": result.get("rows_updated", 0),
            "started_at_s": load.get("started_at_s", float("nan")),
            "seconds": load.get("seconds", float("nan")),
            "exit": load.get("exit"),
        },
        "complaints_before_after": [before["complaints"], after["complaints"]],
        "check_after": {"ok": after_ok, "seconds": check_after_s},
        "check_demo": {"ok": check_demo.returncode == 0, "seconds": check_demo_s},
    }
    (BENCH / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    (BENCH / "navigations.json").write_text(json.dumps(tally.navigations, indent=1))
    text = markdown(results)
    print(text)
    if not args.no_report:
        write_report(text)
    shutil.rmtree(run, ignore_errors=True)
    return 0 if not tally.errors else 1


if __name__ == "__main__":
    sys.exit(main())
