"""The benchmark cannot rot: `python bench/run.py --tiny` (about 2 000 complaints) writes a report
with every section and figure, all of them positive numbers and computed ratios. Nothing here is
about time. The peer computation the report compares against is checked against the measures
core on the same warehouse."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

PAGE_KEYS = [
    "tong-quan",
    "phan-anh",
    "thoi-gian",
    "kiem-tra",
    "xep-hang",
    "ho-so",
    "dia-ban",
    "ke-hoach",
    "doi-tuong",
    "bao-cao",
    "tra-cuu",
    "du-lieu",
    "quan-tri",
]
NUMBER = r"[\d,]+(?:\.\d+)?"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[str, dict]:
    work = tmp_path_factory.mktemp("bench")
    out = work / "benchmarks.md"
    run = subprocess.run(
        [sys.executable, "bench/run.py", "--tiny", "--work", str(work), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out.read_text(encoding="utf-8"), json.loads((work / "bench-results.json").read_text())


def _row(doc: str, start: str) -> list[str]:
    lines = [x for x in doc.splitlines() if x.startswith(f"| {start}")]
    assert lines, f"no row starting {start!r}"
    return [c.strip() for c in lines[0].strip("|").split("|")]


def _positive(cell: str) -> float:
    m = re.match(NUMBER, cell)
    assert m, f"not a number: {cell!r}"
    value = float(m.group(0).replace(",", ""))
    assert value > 0, cell
    return value


def test_report_has_every_section(tiny):
    doc, _ = tiny
    for heading in (
        "# Benchmarks",
        "## Machine",
        "## Scale tiny",
        "### Load",
        "### Pages: database time",
        "### Pages in the browser",
        "## Targets missed in this run",
        "## What bounds it",
    ):
        assert heading in doc, heading
    for item in ("- CPU: ", "- RAM: ", "- Disk: ", "- OS: ", "- Software: Python"):
        assert item in doc
    assert "duckdb" in doc and "streamlit" in doc


def test_load_figures_beside_their_floor(tiny):
    doc, results = tiny
    demo = _row(doc, "Demo exports")
    _positive(demo[1]), _positive(demo[2])
    load = results["scales"][0]["load"]
    # the ratio shown is the ratio of the medians (one run here)
    assert demo[3] == f"{load['runs'][0]['seconds'] / load['floor'][0]['seconds']:.1f}×"
    assert demo[5] in ("met", "**missed**")
    # the floor reads the same rows the loader read (the dirty file's rows included, footers not)
    assert load["floor"][0]["rows_in"] >= load["runs"][0]["rows_in"] * 0.95
    for label in ("same, CPU", "Monthly export", "The same file again", "Peak memory (RSS) of the load"):
        cells = _row(doc, label)
        _positive(cells[1]), _positive(cells[2])
        assert cells[3].endswith("×")
    monthly = results["scales"][0]["monthly"]
    # every row of the export is read; the few the hotline's own data quality rejects are not written
    assert monthly["runs"][0]["rows_in"] == monthly["rows"] == 500
    assert 0.95 * 500 <= monthly["runs"][0]["rows_written"] <= 500
    assert [r["rows_written"] for r in monthly["setup"]] == [monthly["runs"][0]["rows_written"]] * 2
    assert monthly["reload"][0]["already_loaded"] == [True], "the same file again is recognised as loaded"


def test_every_page_has_database_times(tiny):
    doc, _ = tiny
    for key in PAGE_KEYS:
        cells = _row(doc, f"/{key} ")
        assert "errors" not in cells[0], cells
        # uncached default and unit + quarter, cached default and unit + quarter: numbers
        for i in (1, 2, 5, 6):
            assert re.match(NUMBER, cells[i]), (key, cells)
        _positive(cells[1])
        assert cells[4] in ("met", "**missed**") and cells[8] in ("met", "**missed**")
        ratios = re.findall(NUMBER + "×", cells[9])
        assert len(ratios) == 2, cells[9]
        assert int(cells[10]) > 0, "the page asked the database"


def test_every_page_timed_in_the_browser(tiny):
    doc, results = tiny
    browser = results["scales"][0]["browser"]
    assert browser["floor"]["cold"]["chart"] > 0
    assert all(x["chart"] > 0 for x in browser["floor"]["warm"])
    section = doc.split("### Pages in the browser", 1)[1]
    for key in PAGE_KEYS:
        cells = _row(section, f"/{key} ")
        assert "errors" not in cells[0], cells
        cold_done = cells[3].split(" / ")[0]
        _positive(cold_done)
        page = browser["pages"][key]
        assert page["cold"]["done"] > 0 and page["warm"][0]["done"] > 0
        if page["cold"]["chart"] is not None:
            assert page["cold"]["chart"] <= page["cold"]["done"] + 1e-9
            assert re.match(NUMBER + "× / " + NUMBER + "×", cells[4]), cells[4]
    # the overview shows cards and charts: both timed, the first card no later than the page end
    overview = browser["pages"]["tong-quan"]["cold"]
    assert 0 < overview["card"] <= overview["done"] and 0 < overview["chart"] <= overview["done"]
    assert "Dashboard process:" in section and browser["rss_peak_mb"] >= browser["rss_start_mb"] > 0


def test_peer_computes_the_same_headline_as_the_core(tiny, monkeypatch):
    """The peer way is a fair comparison only if it computes the same numbers."""
    _, results = tiny
    from peer import peer

    from cchc.core import ALL, queries
    from cchc.core.filters import Filters

    db = Path(results["scales"][0]["warehouse"])
    monkeypatch.setenv("CCHC_DB", str(db))
    for params in ({}, {"period": "last_quarter", "agencies": results["scales"][0]["unit"]}):
        ours = peer(db, params)["measures"]
        f = Filters.from_params(params)
        core = queries.headline(f, f.period(), scope=ALL)
        assert ours["current"]["received"] > 0
        for period, values in ours.items():
            for name, value in values.items():
                expected = core.loc[period, name]
                if value is None:
                    assert expected is None or expected != expected, (params, period, name)
                else:
                    assert float(expected) == pytest.approx(value), (params, period, name)
