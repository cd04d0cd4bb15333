"""Time to the first card, the first chart and the last chart of every page, in headless Chromium.

`measure(db, repeat)` starts the dashboard (`python -m cchc.serve`, demo accounts) on the warehouse
and bench/one_chart.py (the floor), each on a free port on 127.0.0.1, and for every page opens its
URL in a new browser tab, signs in as the demo admin (who may open every page) and times from the
click on the sign-in button to:

- first card: a metric card shows its value;
- first chart: a Plotly chart has drawn its traces;
- last chart: every chart on the page has drawn its traces and the script has finished (the
  page is complete; for a page without charts, the time it is complete).

Cold: the first visit of the page with nothing cached: the first page right after the server
started, every other page after a new data version (the warehouse file's modification time is
touched, as a load does, so Streamlit's caches and the database connections start empty).
Warm: the same visit again, `repeat` times. The floor: the one-chart page's button clicked, cold
(first click after its server started) and warm. Also the dashboard's peak resident memory
(VmHWM of its process tree) after all pages.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadtest  # noqa: E402 - bench/loadtest.py: server start and stop, /proc readers, Chromium flags

TIMEOUT_MS = 180_000

# Records, every 10 ms after window.__bStart(), when the first card, the first drawn chart and the
# complete page (script finished, nothing stale, every chart drawn) were first seen; the complete
# time is reset if the page becomes busy again.
PROBE_JS = """
window.__b = {t0: null};
window.__bStart = () => {
  window.__b = {t0: performance.now(), card: null, chart: null, done: null, ran: false}; };
// a run started after the click: until then the page on screen is the one before it
new MutationObserver(records => {
  // the old value too: a quick run may have ended before this callback reads the attribute
  for (const r of records) {
    if (r.oldValue === 'running'
        || (r.target.getAttribute && r.target.getAttribute('data-test-script-state') === 'running')) {
      window.__b.ran = true;
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
const __drawn = c => { const gd = c.querySelector('.js-plotly-plot');
  return gd && gd.querySelector('.main-svg') && gd.data && gd.data.length > 0
    && gd.querySelector('.trace, .hm, .pielayer .slice'); };
setInterval(() => {
  const b = window.__b;
  if (b.t0 === null || !b.ran) return;
  const now = performance.now() - b.t0;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || document.querySelector('input[aria-label="Tên đăng nhập"]')) return;
  if (b.card === null && main.querySelector('[data-testid="stMetric"] [data-testid="stMetricValue"]')) b.card = now;
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const drawn = charts.filter(__drawn).length;
  if (b.chart === null && drawn > 0) b.chart = now;
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"], '
      + '[data-testid="stSkeletonElement"], [data-testid="stAppSkeleton"]')
    && main.querySelector('h1');
  if (idle && drawn === charts.length) { if (b.done === null) b.done = now; } else { b.done = null; }
}, 10);
"""


def _timed(page, url: str, click) -> dict:
    """Open url, wait for the button, start the clock and click it; wait until the page is complete."""
    page.goto(url, timeout=TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS)
    page.wait_for_function(loadtest.READY_JS, timeout=TIMEOUT_MS, polling=50)
    click(page, start=True)
    page.wait_for_function("() => window.__b.done !== null", timeout=TIMEOUT_MS, polling=50)
    page.wait_for_function(loadtest.READY_JS, timeout=TIMEOUT_MS, polling=50)
    b = page.evaluate("window.__b")
    shown = page.evaluate(loadtest.SHOWN_ERRORS_JS)
    return {k: (b[k] / 1000 if b.get(k) is not None else None) for k in ("card", "chart", "done")} | {"errors": shown}


def _in_new_tab(ctx, url: str, click) -> dict:
    """_timed in a tab of its own (the browser's cache is shared, the Streamlit session is new): a fourth
    visit in the same tab waited forever for its script to finish (Streamlit 1.67)."""
    page = ctx.new_page()
    try:
        return _timed(page, url, click)
    finally:
        page.close()


def _sign_in(page, start: bool) -> None:
    user = page.get_by_label("Tên đăng nhập", exact=True)
    user.wait_for(timeout=TIMEOUT_MS)
    user.fill("quantri")
    page.get_by_label("Mật khẩu", exact=True).fill("demo-quantri")
    if start:
        page.evaluate("window.__bStart()")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()


def _show(page, start: bool) -> None:
    button = page.get_by_role("button", name="Xem", exact=True)
    button.wait_for(timeout=TIMEOUT_MS)
    if start:
        page.evaluate("window.__bStart()")
    button.click()


def _tree_hwm_kb(pid: int) -> int:
    return sum(loadtest._status_kb(p, "VmHWM") for p in loadtest._tree(pid))


def measure(db: Path, repeat: int, work: Path) -> dict:
    from playwright.sync_api import sync_playwright

    from cchc.web import nav

    # (key, URL path): the default page is served at "/"
    pages = [(p.url, "" if p.default else p.url) for p in sorted(nav.PAGES, key=lambda p: not p.default)]
    work.mkdir(parents=True, exist_ok=True)
    out: dict = {"pages": {}, "floor": {}}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=loadtest.CHROMIUM, args=loadtest.CHROMIUM_ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1280, "height": 800})
            ctx.add_init_script(PROBE_JS)
            # the floor first, while nothing else runs
            proc, url = loadtest.serve(
                ["-m", "streamlit", "run", str(ROOT / "bench" / "one_chart.py")], {}, work / "one.log"
            )
            try:
                runs = [_in_new_tab(ctx, url, _show) for _ in range(repeat + 1)]
            finally:
                loadtest.stop_server(proc)
            out["floor"] = {"cold": runs[0], "warm": runs[1:]}

            env = {"CCHC_DB": str(db), "CCHC_MODE": "demo", "CCHC_ACCOUNTS": str(work / "accounts.sqlite")}
            proc, url = loadtest.serve(["-m", "cchc.serve"], env, work / "dashboard.log")
            try:
                out["rss_start_mb"] = sum(loadtest._status_kb(p, "VmRSS") for p in loadtest._tree(proc.pid)) / 1024
                for i, (key, path) in enumerate(pages):
                    if i:
                        os.utime(db)  # a new data version: nothing cached, new connections
                        time.sleep(0.01)
                    cold = _in_new_tab(ctx, f"{url}/{path}", _sign_in)
                    warm = [_in_new_tab(ctx, f"{url}/{path}", _sign_in) for _ in range(repeat)]
                    out["pages"][key] = {"cold": cold, "warm": warm}
                out["rss_peak_mb"] = _tree_hwm_kb(proc.pid) / 1024
                out["rss_end_mb"] = sum(loadtest._status_kb(p, "VmRSS") for p in loadtest._tree(proc.pid)) / 1024
            finally:
                loadtest.stop_server(proc)
        finally:
            browser.close()
    return out
