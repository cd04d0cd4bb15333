"""Filters: the URL form round-trips, bad values are ignored; the row models bind every value."""

from datetime import date

import pytest

from cchc.core.filters import Filters
from cchc.core.rows import fact_where, units_sql


def test_filters_round_trip_through_url_params():
    f = Filters(
        preset="custom",
        cut="official",
        start=date(2025, 7, 1),
        end=date(2025, 9, 30),
        agency_ids=("xa:05443@2025-07-01",),
        level="commune",
        rollup=False,
        channels=("hotline", "app"),
        kinds=("complaint",),
        categories=("land",),
        inspection_types=("unannounced",),
        violation_categories=("no_badge",),
    )
    assert Filters.from_params(f.to_params()) == f


def test_default_filters_give_an_empty_url():
    assert Filters().to_params() == {}


@pytest.mark.parametrize(
    "params,wanted",
    [
        ({"period": "bogus"}, Filters()),
        ({"channel": "hotline,fax"}, Filters(channels=("hotline",))),
        ({"level": "galaxy"}, Filters()),
        ({"period": "custom", "from": "2025-02-31", "to": "2025-03-01"}, Filters()),
        (
            {"from": "2025-01-01", "to": "2025-01-31"},
            Filters(preset="custom", start=date(2025, 1, 1), end=date(2025, 1, 31)),
        ),
    ],
)
def test_from_params_ignores_invalid_values(params, wanted):
    assert Filters.from_params(params) == wanted


def test_where_binds_values_and_never_formats_them():
    f = Filters(channels=("hotline'; drop table complaints; --",), kinds=("petition",))
    sql, params = fact_where(f, "complaints", "c")
    assert "drop" not in sql
    assert sql == "true and c.channel in (?) and c.kind in (?)"
    assert params == ["hotline'; drop table complaints; --", "petition"]


def test_units_cte_binds_rollup_level_and_agencies():
    sql, params = units_sql(Filters(level="commune", agency_ids=("a", "b"), rollup=False))
    assert "'a'" not in sql and "commune" not in sql
    assert params == [False, "commune", "a", "b"]


def test_fact_where_refuses_an_unknown_table():
    with pytest.raises(ValueError):
        fact_where(Filters(), "complaints; drop table x", "c")
