"""Summary tables under the measures core (cchc/core/summary.py): every measure computed through
them equals the same measure computed from the row models, for filter combinations drawn by
hypothesis; the load keeps them and `python -m etl rebuild` rebuilds them row for row."""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc import codebook
from cchc.core import ALL, GRAINS, Filters, Scope, compute, queries, summary, warehouse
from cchc.core.compute import compute_sql, period_specs
from cchc.core.periods import PRESETS
from tests.conftest_pages import AGENCIES, CATEGORIES, TODAY, build_warehouse, complaint_rows
from tests.etl_files import PAKN_HEADER, pakn_row, write_csv

ROOT = Path(__file__).resolve().parent.parent
AGENCY_IDS = sorted({a[0] for a in AGENCIES})


@pytest.fixture(scope="module")
def big_db(tmp_path_factory, fixture_db) -> Path:
    """A fixture warehouse with more complaints (3 000, another seed), summaries built as a load does."""
    return build_warehouse(tmp_path_factory.mktemp("sum") / "warehouse.duckdb", complaint_rows(3000, seed=5))


def _frame_equal(a: pd.DataFrame, b: pd.DataFrame, what: str) -> None:
    assert list(a.columns) == list(b.columns), what
    assert len(a) == len(b), f"{what}: {len(a)} rows from the summaries, {len(b)} from the row models"
    for col in a.columns:
        for i, (x, y) in enumerate(zip(a[col].tolist(), b[col].tolist(), strict=True)):
            if x is None or y is None or (isinstance(x, float) and math.isnan(x)):
                assert pd.isna(x) and pd.isna(y), f"{what}: {col} row {i}: {x!r} vs {y!r}"
            elif isinstance(x, float) or isinstance(y, float):
                assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12), f"{what}: {col} row {i}: {x!r} vs {y!r}"
            else:
                assert x == y, f"{what}: {col} row {i}: {x!r} vs {y!r}"


custom_day = st.dates(min_value=date(2023, 6, 1), max_value=date(2027, 3, 1))
filters_strategy = st.builds(
    lambda preset, cut, days, rollup, agencies, level, channels, kinds, categories: Filters(
        preset=preset,
        cut=cut,
        start=min(days) if preset == "custom" else None,
        end=max(days) if preset == "custom" else None,
        rollup=rollup,
        agency_ids=tuple(agencies),
        level=level,
        channels=tuple(channels),
        kinds=tuple(kinds),
        categories=tuple(categories),
    ),
    st.sampled_from(PRESETS),
    st.sampled_from(("calendar", "official")),
    st.tuples(custom_day, custom_day),
    st.booleans(),
    st.lists(st.sampled_from(AGENCY_IDS), max_size=3, unique=True),
    st.sampled_from((None, *codebook.codes("level"))),
    st.lists(st.sampled_from(codebook.codes("channel")), max_size=2, unique=True),
    st.lists(st.sampled_from(codebook.codes("kind")), max_size=2, unique=True),
    st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True),
)
grains_strategy = st.lists(st.sampled_from(sorted(GRAINS)), max_size=2, unique=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(f=filters_strategy, by=grains_strategy, compare=st.booleans(), scoped=st.booleans())
def test_every_measure_from_the_summaries_equals_the_row_models(big_db, f, by, compare, scoped):
    period = f.period(TODAY)
    periods = (
        period
        if "month" in by or not compare
        else {
            "current": period,
            "previous": period.previous(),
            "year_ago": period.year_ago(),
        }
    )
    scope = Scope.of(f.agency_ids or AGENCY_IDS[:2]) if scoped else ALL
    assert warehouse.has_summaries(scope, big_db)
    with summary.plan_all():
        fast = compute(None, f, periods, by, scope=scope, path=big_db)
    slow = compute(None, f, periods, by, scope=scope, path=big_db, raw=True)
    _frame_equal(fast, slow, f"{f} by {by} {'scoped' if scoped else 'all'}")


@pytest.mark.parametrize(
    "names,by",
    [
        (None, []),
        (["received", "resolved", "on_time", "on_time_rate"], ["month"]),
        (["received"], ["month", "unit"]),
        (["received"], ["day", "channel"]),
        (["median_days", "p90_working_days", "to_be_handled"], ["unit"]),
        (["open_items"], ["age_bucket", "deadline_state"]),
    ],
)
def test_the_page_calls_on_the_fixture_give_the_same_numbers_both_ways(fixture_db, names, by):
    f = Filters(preset="last_12m")
    period = f.period(TODAY)
    periods = period if "month" in by or by else {"current": period, "previous": period.previous()}
    with summary.plan_all():
        fast = compute(names, f, periods, by, scope=ALL)
    _frame_equal(fast, compute(names, f, periods, by, scope=ALL, raw=True), f"{names} by {by}")
    _frame_equal(compute(names, f, periods, by, scope=ALL), fast, f"{names} by {by}, as chosen by default")
    with summary.forced_raw():
        forced = compute(names, f, periods, by, scope=ALL)
    _frame_equal(forced, compute(names, f, periods, by, scope=ALL, raw=True), "forced_raw")


def test_the_plan_reads_flow_measures_from_the_summaries_and_open_items_from_open_rows():
    f = Filters()
    specs = period_specs({"current": f.period(TODAY)}, [])
    fast, _, _ = compute_sql(None, f, specs, [], summaries=True)
    slow, _, _ = compute_sql(None, f, specs, [], summaries=False)
    assert "summary_complaint_days" in fast and "summary_resolution_days" in fast
    assert "summary_" not in slow
    assert summary.plan(["received"], ["unit"], True) is None  # not chosen by default for units
    chosen = summary.plan(["received", "on_time_rate"], ["month"], True)
    assert chosen == {"received": "summary", "on_time_rate": "summary"}
    with summary.plan_all():
        plan = summary.plan(["received", "median_days", "open_items", "to_be_handled", "overdue_open"], ["unit"], True)
        assert plan == {
            "received": "summary",
            "median_days": "hist",
            "open_items": "open",
            "to_be_handled": "combined",
            "overdue_open": "open",
        }
        assert summary.plan(["resolved"], ["day"], True) is None  # resolved by day received: the row model
        assert summary.plan(["open_items"], ["age_bucket"], True) is None
    with summary.forced_raw():
        assert summary.plan(["received"], [], True) is None


def test_a_warehouse_whose_complaints_changed_after_the_summaries_is_read_raw(tmp_path):
    db = build_warehouse(tmp_path / "w.duckdb")
    con = duckdb.connect(str(db))
    assert summary.fresh(con, {"meta", "complaints", *summary.TABLES})
    con.execute("delete from complaints where complaint_id in (select complaint_id from complaints limit 5)")
    assert not summary.fresh(con, {"meta", "complaints", *summary.TABLES})
    con.close()
    assert not warehouse.has_summaries(ALL, db)
    f = Filters(preset="last_12m")
    _frame_equal(
        compute(None, f, f.period(TODAY), scope=ALL, path=db),
        compute(None, f, f.period(TODAY), scope=ALL, path=db, raw=True),
        "stale summaries",
    )


def _etl(*args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


def _summary_rows(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect()
    con.execute("attach ? as wh (read_only)", [str(db)])
    try:
        return {t: con.execute(f"select * from wh.{t} order by all").fetchall() for t in summary.TABLES}
    finally:
        con.close()


def test_loads_keep_the_summaries_and_rebuild_gives_the_same_rows(tmp_path):
    db = tmp_path / "w.duckdb"
    rows1 = [
        pakn_row("S-1", "05/08/2025", status="Mới"),
        pakn_row("S-2", "06/08/2025", resolved="12/08/2025"),
        pakn_row("S-3", "07/08/2025", resolved="30/09/2025"),
    ]
    rows2 = [
        pakn_row("S-1", "05/08/2025", resolved="20/08/2025"),  # resolved in the second file
        pakn_row("S-4", "01/09/2025", resolved="03/09/2025"),
    ]
    f1 = write_csv(tmp_path / "one.csv", PAKN_HEADER, rows1)
    f2 = write_csv(tmp_path / "two.csv", PAKN_HEADER, rows2)
    _etl("load", "--db", str(db), str(f1))
    first = _summary_rows(db)
    assert sum(r[6] for r in first["summary_complaint_days"]) == 3  # received
    _etl("load", "--db", str(db), str(f2))
    incremental = _summary_rows(db)
    assert sum(r[6] for r in incremental["summary_complaint_days"]) == 4
    assert incremental != first
    # the same rows as built from scratch from the warehouse's complaints
    assert _scratch(db) == incremental
    rebuilt = tmp_path / "rebuilt" / "w.duckdb"
    _etl("rebuild", "--db", str(db), "--to", str(rebuilt))
    assert _summary_rows(rebuilt) == incremental
    assert warehouse.has_summaries(ALL, rebuilt)


def test_the_header_and_sidebar_read_the_summaries_not_the_history(fixture_db):
    cats = queries.categories_present(scope=ALL)
    con = duckdb.connect()
    con.execute("attach ? as wh (read_only)", [str(fixture_db)])
    want = con.execute(
        "select category, count(*) as n from wh.complaints where category is not null group by 1 order by 2 desc, 1"
    ).fetchall()
    last = con.execute("select max(received_date) from wh.complaints").fetchall()[0][0]
    con.close()
    assert list(zip(cats["category"], cats["n"], strict=True)) == want
    assert queries.data_as_of(scope=ALL)["last_received"].iloc[0].date() == last


def _scratch(db: Path) -> dict[str, list]:
    con = duckdb.connect()
    con.execute("attach ? as wh (read_only)", [str(db)])
    con.execute("create table complaints as select * from wh.complaints")
    con.execute("detach wh")
    summary.build(con)
    out = {t: con.execute(f"select * from {t} order by all").fetchall() for t in summary.TABLES}
    con.close()
    return out


def test_summaries_follow_updates_that_move_rows_between_days_and_keys_load_after_load(tmp_path):
    """Rows re-exported with another resolution day, category, agency or day received: the day rows they
    leave and the ones they join are both rebuilt, whether a load writes a copy (the first two) or
    catches the standby up from the published file and writes it in place (the later ones)."""
    db = tmp_path / "w.duckdb"
    loads = [
        [
            pakn_row("U-1", "05/08/2025", status="Mới"),
            pakn_row("U-2", "06/08/2025", resolved="12/08/2025"),
            pakn_row("U-3", "07/08/2025", resolved="30/09/2025"),
        ],
        [pakn_row("U-4", "01/09/2025", resolved="03/09/2025")],
        [
            pakn_row("U-2", "06/08/2025", resolved="20/08/2025"),  # resolved on another day
            pakn_row("U-3", "07/08/2025", resolved="30/09/2025", category="Môi trường"),  # another key
            pakn_row("U-5", "02/09/2025"),
        ],
        [
            pakn_row("U-1", "04/08/2025", resolved="06/08/2025"),  # another day received, now resolved
            pakn_row("U-4", "01/09/2025", resolved="03/09/2025", agency="UBND xã Đại Phúc"),  # another agency
        ],
        [pakn_row("U-6", "03/09/2025", resolved="05/09/2025")],
    ]
    seen = []
    for n, rows in enumerate(loads):
        f = write_csv(tmp_path / f"load{n}.csv", PAKN_HEADER, rows)
        _etl("load", "--db", str(db), str(f))
        got = _summary_rows(db)
        assert got == _scratch(db), f"after load {n + 1}"
        seen.append(got)
    assert sum(r[6] for r in seen[-1]["summary_complaint_days"]) == 6  # six complaints received
    assert seen[2] != seen[1] and seen[3] != seen[2]
