"""The measures core: computable without Streamlit, any measure by any grain, and under an
agency scope every public function returns exactly the unscoped result for that agency."""

from __future__ import annotations

import inspect
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cchc import exports
from cchc.core import ALL, GRAINS, Filters, Scope, compute, queries, ranking
from cchc.core.periods import months_window
from tests.conftest_pages import CURRENT_ID, LOAD_DATE, TODAY, expected, frames, plan_rows

ROOT = Path(__file__).resolve().parent.parent
COMMUNE = "xa:05776@2025-07-01"
COMMUNE_UNITS = ("xa:05767", "xa:05770", "xa:05776", COMMUNE)
DEPARTMENT = "so:noi-vu"


def test_core_computes_a_headline_with_streamlit_unimportable(fixture_db):
    code = f"""
import sys
sys.modules["streamlit"] = None  # any `import streamlit` now raises ImportError
from datetime import date
from cchc.core import ALL, Filters, queries
from cchc import cards, charts, cli, exports, fmt
f = Filters(preset="custom", start=date(2000, 1, 1), end=date({TODAY.year}, {TODAY.month}, {TODAY.day}))
rows = queries.headline(f, f.period(date({TODAY.year}, {TODAY.month}, {TODAY.day})), scope=ALL)
assert not [m for m, v in sys.modules.items() if m.startswith("streamlit") and v is not None]
print(int(rows.loc["current", "received"]))
"""
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.strip()) == len(frames()["complaints"])


def test_no_module_of_the_core_imports_streamlit_or_the_etl():
    offenders = []
    for path in sorted((ROOT / "cchc" / "core").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "import streamlit" in text or "from streamlit" in text or "from etl" in text or "import etl" in text:
            offenders.append(path.name)
    assert offenders == []


# --- compute by grain against pandas --------------------------------------------------------

START, END = date(2025, 1, 1), LOAD_DATE


def _f(**kw) -> Filters:
    return Filters(preset="custom", start=START, end=END, **kw)


def test_compute_without_grain_is_the_pandas_measures():
    wanted = expected(START, END)
    got = compute(list(wanted), _f(), _f().period(TODAY), scope=ALL).iloc[0]
    for name, value in wanted.items():
        if value is None:
            assert pd.isna(got[name]), name
        else:
            assert got[name] == pytest.approx(value), name


@pytest.mark.parametrize("grain,column", [("channel", "channel"), ("kind", "kind"), ("category", "category")])
def test_compute_received_by_a_code_grain_equals_pandas(fixture_db, grain, column):
    c = frames()["complaints"]
    received = c[pd.to_datetime(c["received_date"]).between(pd.Timestamp(START), pd.Timestamp(END))]
    wanted = received.groupby(column).size().to_dict()
    got = compute(["received", "inspections"], _f(), _f().period(TODAY), by=[grain], scope=ALL)
    got = got[got["received"] > 0]
    assert dict(zip(got[column], got["received"], strict=True)) == wanted
    assert got["inspections"].isna().all()  # inspections have no channel, kind or category


def test_compute_by_unit_as_it_was_and_rolled_up_equals_pandas(fixture_db):
    for rollup in (True, False):
        got = compute(None, _f(rollup=rollup), _f().period(TODAY), by=["unit"], scope=ALL).set_index("unit_id")
        ids = frames()["complaints"]["agency_id"]
        units = set(ids.map(lambda a: CURRENT_ID[a] or a)) if rollup else set(ids)
        for unit in sorted(units)[:6]:
            wanted = expected(START, END, rollup=rollup, agency=unit)
            assert got.loc[unit, "to_be_handled"] == wanted["to_be_handled"]
            assert got.loc[unit, "resolved"] == wanted["resolved"]


def test_compute_by_month_adds_up_to_the_period(fixture_db):
    f = Filters(preset="last_12m")
    period = f.period(TODAY)
    months = compute(["received", "inspections", "violations"], f, period, by=["month"], scope=ALL)
    whole = compute(["received", "inspections", "violations"], f, period, scope=ALL).iloc[0]
    assert len(months) == 12
    for name in ("received", "inspections", "violations"):
        assert months[name].sum() == whole[name]


def test_compute_by_month_official_cut_uses_15th_to_14th_months(fixture_db):
    f = Filters(preset="last_quarter", cut="official")
    period = f.period(TODAY)
    months = compute(["received"], f, period, by=["month"], scope=ALL)
    c = pd.to_datetime(frames()["complaints"]["received_date"])
    for m, n in zip(months["month"], months["received"], strict=True):
        lo = (m - pd.DateOffset(months=1)).replace(day=15)
        assert n == int(c.between(lo, m.replace(day=14)).sum())


def test_compute_refuses_unknown_grains_and_measures_and_a_missing_scope():
    with pytest.raises(ValueError):
        compute(["received"], _f(), _f().period(TODAY), by=["agency; drop table x"], scope=ALL)
    with pytest.raises(ValueError):
        compute(["nope"], _f(), _f().period(TODAY), scope=ALL)
    with pytest.raises(TypeError):
        compute(["received"], _f(), _f().period(TODAY), scope=None)
    assert {"unit", "level", "month", "channel", "kind", "category", "inspection_type", "violation_category"} <= set(
        GRAINS
    )


def test_backlog_is_open_items_by_age_and_deadline_state(fixture_db):
    f = _f()
    period = f.period(TODAY)
    back = queries.backlog(f, period, scope=ALL)
    head = queries.headline(f, period, scope=ALL).loc["current"]
    assert back["items"].sum() == head["open_items"]
    by_state = back.groupby("deadline")["items"].sum()
    assert by_state.get("overdue", 0) == head["overdue_open"]
    assert by_state.get("nearly_due", 0) == head["nearly_due"]


# --- scope: every public function ------------------------------------------------------------

SCOPE = Scope.of([COMMUNE])


def _period() -> tuple[Filters, object]:
    f = Filters(preset="custom", start=date(2024, 1, 1), end=LOAD_DATE)
    return f, f.period(TODAY)


def _same(scoped, unscoped) -> None:
    if isinstance(scoped, pd.DataFrame):
        pd.testing.assert_frame_equal(
            scoped.reset_index(drop=True), unscoped.reset_index(drop=True), check_dtype=False, check_index_type=False
        )
    else:
        assert scoped == unscoped


def _as_agency(f: Filters) -> Filters:
    """The unscoped filters that show what the scope shows: the scope's units."""
    from dataclasses import replace

    return replace(f, agency_ids=COMMUNE_UNITS)


def _filter_case(name: str, *extra):
    def run():
        f, p = _period()
        fn = getattr(queries, name)
        return fn(f, p, *extra, scope=SCOPE), fn(_as_agency(f), p, *extra, scope=ALL)

    return run


def _frame_rows(df: pd.DataFrame, column: str, allowed) -> pd.DataFrame:
    return df[df[column].isin(allowed)]


def _scope_batches() -> set[int]:
    c, i = frames()["complaints"], frames()["inspections"]
    rows = pd.concat([c[c["agency_id"].isin(COMMUNE_UNITS)], i[i["agency_id"].isin(COMMUNE_UNITS)]])
    return set(rows["first_batch_id"]) | set(rows["last_batch_id"])


PLAN_FUNCTIONS = ("plan_status", "plan_unplanned", "plan_by_quarter", "plan_by_agency", "plan_self_reports")


def _plan_case(name: str):
    def run():
        from cchc.core.periods import Period

        p = Period(date(2025, 1, 1), date(2025, 12, 31), "year", as_of=TODAY)
        fn = getattr(queries, name)
        scoped, unscoped = fn(Filters(), p, scope=SCOPE), fn(_as_agency(Filters()), p, scope=ALL)
        assert len(unscoped) > 0 or name == "plan_self_reports"  # the fixture plans the commune
        return scoped, unscoped

    return run


CASES = {
    "headline": _filter_case("headline"),
    "by_unit": _filter_case("by_unit"),
    "monthly_trend": _filter_case("monthly_trend"),
    "unit_sparklines": _filter_case("unit_sparklines"),
    "unit_month_heatmap": _filter_case("unit_month_heatmap"),
    "channel_mix": _filter_case("channel_mix"),
    "volume": _filter_case("volume", "week", "channel"),
    "received_by": _filter_case("received_by", "category"),
    "resolution_by_unit": _filter_case("resolution_by_unit", "calendar"),
    "resolution_histogram": _filter_case("resolution_histogram", "working"),
    "backlog": _filter_case("backlog"),
    "overdue_items": _filter_case("overdue_items"),
    "inspections_by_type": _filter_case("inspections_by_type"),
    "violations_by": _filter_case("violations_by", True),
    "repeat_violations": _filter_case("repeat_violations"),
    "inspections_list": _filter_case("inspections_list"),
    "explorer_page": _filter_case("explorer_page", "complaints", 50, 0),
    "explorer_count": _filter_case("explorer_count", "violations"),
    "explorer_stream": lambda: tuple(
        exports.csv_from_chunks(queries.explorer_stream(f, p, t, scope=s))
        for f, p, t, s in [
            (*_period(), "complaints", SCOPE),
            (_as_agency(_period()[0]), _period()[1], "complaints", ALL),
        ]
    ),
    "unit_vs_province_trend": lambda: (
        queries.unit_vs_province_trend(
            *queries.profile_filters(_period()[0], COMMUNE, COMMUNE), _period()[1], scope=SCOPE
        ),
        queries.unit_vs_province_trend(
            _as_agency(_period()[0]), _as_agency(_period()[0]), _period()[1], scope=ALL
        ).assign(province_rate=lambda d: d["rate"]),
    ),
    "categories_present": lambda: (
        queries.categories_present(scope=SCOPE)[["category"]].sort_values("category"),
        frames()["complaints"]
        .query("agency_id in @COMMUNE_UNITS and category.notna()", local_dict={"COMMUNE_UNITS": COMMUNE_UNITS})[
            ["category"]
        ]
        .drop_duplicates()
        .sort_values("category"),
    ),
    "data_as_of": lambda: (
        queries.data_as_of(scope=SCOPE).loc[0, "last_received"],
        pd.Timestamp(
            frames()["complaints"].query("agency_id in @u", local_dict={"u": COMMUNE_UNITS})["received_date"].max()
        ),
    ),
    "unit_options": lambda: (
        queries.unit_options(False, None, scope=SCOPE),
        _frame_rows(queries.unit_options(False, None, scope=ALL), "agency_id", COMMUNE_UNITS),
    ),
    "agency": lambda: (
        (len(queries.agency(COMMUNE, scope=SCOPE)), len(queries.agency(DEPARTMENT, scope=SCOPE))),
        (1, 0),
    ),
    "predecessors": lambda: (
        queries.predecessors(COMMUNE, scope=SCOPE),
        _frame_rows(queries.predecessors(COMMUNE, scope=ALL), "agency_id", COMMUNE_UNITS),
    ),
    "load_batches": lambda: (
        queries.load_batches(scope=SCOPE),
        _frame_rows(queries.load_batches(scope=ALL), "batch_id", _scope_batches()),
    ),
    "map_units": _filter_case("map_units", "received", True),
    "candidates": _filter_case("candidates"),
    **{name: _plan_case(name) for name in PLAN_FUNCTIONS},
    "plan_years": lambda: (
        queries.plan_years(scope=SCOPE),
        pd.DataFrame(
            [r for r in plan_rows() if (CURRENT_ID[r["agency_id"]] or r["agency_id"]) == COMMUNE],
        )
        .groupby("plan_year")
        .size()
        .rename("rows")
        .reset_index()
        .sort_values("plan_year", ascending=False),
    ),
    # Rejected rows name no unit in the fixture: an agency sees none of them (fail closed).
    "rejected_rows": lambda: (len(queries.rejected_rows(None, 100, 0, scope=SCOPE)), 0),
    "rejected_summary": lambda: (len(queries.rejected_summary(scope=SCOPE)), 0),
}


def test_every_public_function_of_the_core_is_checked_under_a_scope():
    public = {
        name
        for name, fn in vars(queries).items()
        if not name.startswith("_")
        and inspect.isfunction(fn)
        and fn.__module__ == queries.__name__
        and "scope" in inspect.signature(fn).parameters
    }
    assert public == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_scoped_result_equals_unscoped_result_for_the_agency(fixture_db, name):
    scoped, unscoped = CASES[name]()
    _same(scoped, unscoped)


def test_scoped_results_are_not_empty_by_accident(fixture_db):
    f, p = _period()
    assert queries.headline(f, p, scope=SCOPE).loc["current", "received"] > 0
    assert len(queries.explorer_page(f, p, "complaints", 50, 0, scope=SCOPE)) > 0


def test_ranking_table_under_a_scope_ranks_only_the_scope(fixture_db):
    f, p = _period()
    table = ranking.table(f, p, scope=SCOPE)
    assert set(table["unit_id"]) == {COMMUNE}


def test_months_window_spans_the_requested_months():
    f = Filters(preset="last_month")
    w = months_window(f.period(TODAY), 24)
    assert (w.start, w.end) == (date(2024, 11, 1), date(2026, 10, 31))


def test_every_measure_has_distinct_labels_and_definitions_in_both_languages():
    from cchc.core import measures

    for lang in ("vi", "en"):
        labels = [m.label(lang) for m in measures.MEASURES.values()]
        assert len(set(labels)) == len(labels), lang
        assert all(m.formula(lang) for m in measures.MEASURES.values())
    assert {m.unit for m in measures.MEASURES.values()} <= {"count", "rate", "days", "ratio"}


def test_stored_on_time_flag_is_the_cores_on_time_rule(tmp_path):
    """The ETL stores is_on_time with the core's rule (cchc/rules.py): within remit, resolved on or
    before the due date; the measures core counts the same items as on time."""
    from etl.demo import write_demo_exports
    from etl.load import load_file

    db = tmp_path / "w.duckdb"
    for p in write_demo_exports(tmp_path / "demo", scale=0.02, seed=5, today=TODAY):
        load_file(p, db, today=TODAY)
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    stored, rule = con.execute(
        """select count_if(is_on_time), count_if(in_remit and resolved_date <= due_date) from complaints"""
    ).fetchone()
    wrong = con.execute("select count(*) from complaints where is_on_time and not in_remit").fetchone()[0]
    con.close()
    assert stored == rule > 0
    assert wrong == 0
