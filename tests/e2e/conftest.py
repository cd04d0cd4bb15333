"""Browser tests: the dashboard as officials see it, in Debian's Chromium driven by Playwright.

One demo warehouse, one dashboard server (started as `make run` starts it) and one browser per
test session; a new browser context (clean cookies, storage and Streamlit session) per test.
Console errors fail the test that produced them (browser.ConsoleErrors lists the only noise that
is ignored, and why).

Environment:
- CCHC_APP_DIR: the app to test (default: this checkout). Point it at a copy to prove that
  breaking a chart or a filter there makes this suite fail.
- CCHC_ARTIFACTS: where screenshots and the server log go (default tests/artifacts, git-ignored).
- CCHC_CHROMIUM: the browser (default /usr/bin/chromium; `make browser` installs it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e import browser as b

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("CCHC_ARTIFACTS") or REPO / "tests" / "artifacts")
CHROMIUM = os.environ.get("CCHC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
DEMO_SCALE = "0.05"
START_TIMEOUT_S = 90


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: browser test (Playwright + Chromium against `streamlit run dashboard.py`)")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def app_dir() -> Path:
    path = Path(os.environ.get("CCHC_APP_DIR") or REPO).resolve()
    if not (path / "dashboard.py").is_file():
        pytest.fail(f"CCHC_APP_DIR={path} has no dashboard.py")
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory, app_dir) -> Path:
    """A small demo warehouse (about 5 000 complaints, 2021 to today), built the way users do."""
    path = tmp_path_factory.mktemp("e2e_wh") / "warehouse.duckdb"
    run = subprocess.run(
        [sys.executable, "-m", "etl", "demo", "--db", str(path), "--scale", DEMO_SCALE],
        cwd=app_dir,
        env={**os.environ, "CCHC_DB": str(path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if run.returncode != 0 or not path.is_file():
        pytest.fail(f"demo warehouse not built (exit {run.returncode}):\n{run.stderr[-3000:]}")
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM if pytest itself is killed, so none is left running."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server(app_dir, warehouse, artifacts):
    """The dashboard on a free port against the demo warehouse; its base URL."""
    port = _free_port()
    log_path = artifacts / "streamlit.log"
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    # Started the way `make run` starts it: cchc.serve is `streamlit run dashboard.py` without
    # the first visitor's "Page not found" (see cchc/serve.py); plain `streamlit run` otherwise.
    if (app_dir / "cchc" / "serve.py").is_file():
        command = [sys.executable, "-m", "cchc.serve"]
    else:
        command = [sys.executable, "-m", "streamlit", "run", "dashboard.py"]
    proc = subprocess.Popen(
        [
            *command,
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
        cwd=app_dir,
        # demo mode: the demo accounts are created (beside the test warehouse) and printed on start
        env={
            **os.environ,
            "CCHC_DB": str(warehouse),
            "CCHC_MODE": "demo",
            "CCHC_ACCOUNTS": str(warehouse.parent / "accounts.sqlite"),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(url):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {START_TIMEOUT_S} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)  # polling the health endpoint, not waiting for the page
        yield url
    finally:
        _stop(proc)
        log.close()


@pytest.fixture(scope="session")
def chromium():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def first_visit(chromium, server) -> dict:
    """The first visitor after the server starts opens a link to a page other than the overview
    (what happens to the leader opening an analyst's link after a restart). What they saw is
    kept for test_journeys.test_first_visitor_after_a_restart_can_open_a_shared_link; every
    other test's page is opened after it."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, base_url=server)
    context.set_default_timeout(b.TIMEOUT_MS)
    page = context.new_page()
    errors = b.ConsoleErrors(page)
    try:
        b.open_page(page, "phan-anh", {"period": "last_12m"}, check=False)
        dialogs = [d.inner_text().strip() for d in page.locator('[data-testid="stDialog"]').all()]
        return {
            "title": b.title(page),
            "dialogs": dialogs,
            "errors": errors.unexpected(),
            "exceptions": b.exceptions(page),
            "url": page.url,
        }
    finally:
        context.close()


@pytest.fixture
def new_page(chromium, server, first_visit, request, artifacts):
    """Open pages in fresh browser contexts: `new_page(width=1280, height=800)`. Every page's
    console is watched; unexpected errors fail the test at teardown. On failure a screenshot of
    each page lands in tests/artifacts/failed/."""
    opened: list[tuple[object, b.ConsoleErrors]] = []

    def make(width: int = 1280, height: int = 800, **context_args):
        context = chromium.new_context(
            viewport={"width": width, "height": height},
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            accept_downloads=True,
            base_url=server,
            **context_args,
        )
        context.set_default_timeout(b.TIMEOUT_MS)
        context.add_init_script(b.RUN_COUNTER_JS)
        page = context.new_page()
        errors = b.ConsoleErrors(page)
        opened.append((page, errors))
        return page

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    problems = []
    for n, (page, errors) in enumerate(opened):
        if failed:
            shot = artifacts / "failed" / f"{request.node.name}-{n}.png"
            shot.parent.mkdir(exist_ok=True)
            try:
                page.screenshot(path=str(shot), full_page=False)
            except Exception:  # noqa: BLE001 - the page may be gone; the test already failed
                pass
        problems += errors.unexpected()
        page.context.close()
    if problems and failed:
        print("console errors:\n" + "\n".join(problems))  # shown with the failure
    elif problems:
        pytest.fail("console errors:\n" + "\n".join(problems))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def wh_con(warehouse):
    """A read-only connection to the test warehouse, for independent counts."""
    import duckdb

    def connect():
        con = duckdb.connect()
        con.execute("attach ? as wh (read_only)", [str(warehouse)])
        con.execute("use wh")
        return con

    return connect
