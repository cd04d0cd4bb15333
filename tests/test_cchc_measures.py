"""Measures computed in DuckDB equal an independent pandas computation on the fixture rows."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from cchc.core import ALL, config, measures, queries, ranking
from cchc.core.filters import Filters
from cchc.core.periods import add_months
from tests.conftest_pages import CURRENT_ID, LOAD_DATE, TODAY, expected


def _periods() -> list[tuple[date, date]]:
    """A month, a quarter across the 2025 merger, and most of the fixture's span."""
    last = date(LOAD_DATE.year, LOAD_DATE.month, 1)
    return [
        (add_months(last, -2), add_months(last, -1) - pd.Timedelta(days=1).to_pytimedelta()),
        (date(2025, 5, 1), date(2025, 8, 31)),
        (add_months(last, -18), add_months(last, -1)),
    ]


def assert_measures_equal(actual: pd.Series, wanted: dict[str, float]) -> None:
    mismatches = {}
    for name, value in wanted.items():
        got = actual[name]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            if not pd.isna(got):
                mismatches[name] = (got, value)
        elif pd.isna(got) or not math.isclose(float(got), float(value), rel_tol=1e-9, abs_tol=1e-9):
            mismatches[name] = (got, value)
    assert mismatches == {}


@pytest.mark.parametrize("start,end", _periods())
def test_headline_current_period_equals_pandas(fixture_db, start, end):
    f = Filters(preset="custom", start=start, end=end)
    rows = queries.headline(f, f.period(TODAY), scope=ALL)
    assert_measures_equal(rows.loc["current"], expected(start, end))


def test_headline_year_ago_equals_pandas_for_same_period_last_year(fixture_db):
    start, end = _periods()[1]
    f = Filters(preset="custom", start=start, end=end)
    rows = queries.headline(f, f.period(TODAY), scope=ALL)
    assert_measures_equal(rows.loc["year_ago"], expected(add_months(start, -12), add_months(end, -12)))


def test_headline_channel_filter_equals_pandas(fixture_db):
    start, end = _periods()[2]
    f = Filters(preset="custom", start=start, end=end, channels=("hotline", "app"))
    rows = queries.headline(f, f.period(TODAY), scope=ALL)
    wanted = expected(start, end, channels=("hotline", "app"))
    complaint_measures = {k: v for k, v in wanted.items() if measures.get(k).source == "complaints"}
    assert_measures_equal(rows.loc["current"], complaint_measures)


@pytest.mark.parametrize("rollup", [True, False])
def test_by_unit_equals_pandas_per_unit(fixture_db, rollup):
    start, end = _periods()[1]
    f = Filters(preset="custom", start=start, end=end, rollup=rollup)
    table = queries.by_unit(f, f.period(TODAY), scope=ALL).set_index("unit_id")
    for unit in table.index:
        wanted = expected(start, end, rollup=rollup, agency=unit)
        assert_measures_equal(table.loc[unit], wanted)


def test_by_unit_rolled_up_has_only_todays_units_and_old_districts(fixture_db):
    start, end = _periods()[1]
    f = Filters(preset="custom", start=start, end=end)
    units = set(queries.by_unit(f, f.period(TODAY), scope=ALL)["unit_id"])
    assert units <= {u for u in CURRENT_ID.values() if u} | {"huyen:171"}
    assert "xa:05767" not in units


def test_composite_score_equals_weighted_mean_of_capped_scores(fixture_db):
    start, end = _periods()[2]
    f = Filters(preset="custom", start=start, end=end)
    table = ranking.scored(queries.by_unit(f, f.period(TODAY), scope=ALL))
    weights, targets = config.ranking()["weights"], config.targets()["targets"]
    for row in table.itertuples():
        total = weight = 0.0
        for name, w in weights.items():
            value = getattr(row, name)
            if pd.isna(value):
                continue
            lower = measures.get(name).higher_is_better is False
            s = (targets[name] / value if value else 1.0) if lower else value / targets[name]
            total, weight = total + w * min(s, 1.0), weight + w
        wanted = None if weight == 0 else round(100 * total / weight, 1)
        assert (pd.isna(row.score) and wanted is None) or row.score == pytest.approx(wanted)


def test_ranking_ranks_only_units_above_minimum_volume_within_level(fixture_db):
    start, end = _periods()[2]
    f = Filters(preset="custom", start=start, end=end)
    table = ranking.scored(queries.by_unit(f, f.period(TODAY), scope=ALL))
    ranked = table[table["rank"].notna()]
    assert (ranked["to_be_handled"] >= config.min_volume()).all()
    for _, part in ranked.groupby("unit_level"):
        ordered = part.sort_values("rank")
        assert list(ordered["score"]) == sorted(ordered["score"], reverse=True)
        assert ordered["rank"].min() == 1


def test_nothing_matches_gives_zero_counts_and_empty_rates(fixture_db):
    f = Filters(preset="custom", start=date(2001, 1, 1), end=date(2001, 1, 31))
    now = queries.headline(f, f.period(TODAY), scope=ALL).loc["current"]
    assert (now["received"], now["to_be_handled"], now["inspections"]) == (0, 0, 0)
    assert pd.isna(now["on_time_rate"]) and pd.isna(now["median_days"])


def test_score_inverts_lower_is_better_and_caps():
    assert measures.score("on_time_rate", 0.855, cap=1.0) == pytest.approx(0.9)
    assert measures.score("on_time_rate", 1.0, cap=1.0) == 1.0
    assert measures.score("overdue_rate", 0.10) == pytest.approx(0.5)
    assert measures.score("overdue_rate", 0.0) == 1.0
    assert measures.score("received", 10) is None


@pytest.mark.parametrize("name", list(measures.MEASURES))
def test_every_measure_has_labels_and_formulas_in_both_languages(name):
    m = measures.get(name)
    assert all([m.label_vi, m.label_en, m.formula_vi, m.formula_en])
    assert m.unit in {"count", "rate", "days", "ratio"}


def test_monthly_trend_on_time_rate_matches_headline_for_a_calendar_month(fixture_db):
    start, end = _periods()[0]
    f = Filters(preset="custom", start=start, end=end)
    period = f.period(TODAY)
    trend = queries.monthly_trend(f, period, scope=ALL).set_index("month")
    head = queries.headline(f, period, scope=ALL).loc["current"]
    month = trend.loc[pd.Timestamp(start)]
    assert (month["received"], month["on_time"]) == (head["received"], head["on_time"])
    assert month["on_time_rate"] == pytest.approx(head["on_time_rate"], nan_ok=True)


def test_previous_period_of_a_month_is_the_month_before(fixture_db):
    start, end = _periods()[0]
    f = replace(Filters(), preset="custom", start=start, end=end)
    rows = queries.headline(f, f.period(TODAY), scope=ALL)
    prev_start = add_months(start, -1)
    assert_measures_equal(rows.loc["previous"], expected(prev_start, start - pd.Timedelta(days=1).to_pytimedelta()))
