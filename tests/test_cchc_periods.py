"""Reporting periods: calendar and the official 15th-to-14th cut, and their comparisons."""

from datetime import date

import pytest

from cchc.core import periods


@pytest.mark.parametrize(
    "preset,cut,today,start,end",
    [
        ("this_month", "calendar", date(2025, 11, 20), date(2025, 11, 1), date(2025, 11, 30)),
        ("last_month", "calendar", date(2025, 3, 5), date(2025, 2, 1), date(2025, 2, 28)),
        ("last_month", "calendar", date(2025, 1, 5), date(2024, 12, 1), date(2024, 12, 31)),
        ("this_quarter", "calendar", date(2025, 8, 1), date(2025, 7, 1), date(2025, 9, 30)),
        ("last_quarter", "calendar", date(2025, 2, 1), date(2024, 10, 1), date(2024, 12, 31)),
        ("h1", "calendar", date(2025, 9, 1), date(2025, 1, 1), date(2025, 6, 30)),
        ("this_year", "calendar", date(2025, 9, 1), date(2025, 1, 1), date(2025, 12, 31)),
        ("last_12m", "calendar", date(2025, 9, 10), date(2024, 9, 1), date(2025, 8, 31)),
        # official: a month runs from the 15th of the month before to the 14th
        ("this_month", "official", date(2025, 11, 10), date(2025, 10, 15), date(2025, 11, 14)),
        ("this_month", "official", date(2025, 11, 15), date(2025, 11, 15), date(2025, 12, 14)),
        ("last_month", "official", date(2025, 11, 10), date(2025, 9, 15), date(2025, 10, 14)),
        ("this_quarter", "official", date(2025, 8, 1), date(2025, 6, 15), date(2025, 9, 14)),
        ("h1", "official", date(2025, 3, 1), date(2024, 12, 15), date(2025, 6, 14)),
        ("this_year", "official", date(2025, 3, 1), date(2024, 12, 15), date(2025, 12, 14)),
        ("this_year", "official", date(2025, 12, 20), date(2025, 12, 15), date(2026, 12, 14)),
    ],
)
def test_resolve_gives_the_reporting_days(preset, cut, today, start, end):
    p = periods.resolve(preset, today, cut)
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize(
    "preset,cut,today,previous,year_ago",
    [
        (
            "last_month",
            "calendar",
            date(2025, 4, 2),
            (date(2025, 2, 1), date(2025, 2, 28)),
            (date(2024, 3, 1), date(2024, 3, 31)),
        ),
        (
            "last_month",
            "official",
            date(2025, 4, 2),
            (date(2025, 1, 15), date(2025, 2, 14)),
            (date(2024, 2, 15), date(2024, 3, 14)),
        ),
        (
            "last_quarter",
            "calendar",
            date(2025, 4, 2),
            (date(2024, 10, 1), date(2024, 12, 31)),
            (date(2024, 1, 1), date(2024, 3, 31)),
        ),
        (
            "last_year",
            "calendar",
            date(2025, 4, 2),
            (date(2023, 1, 1), date(2023, 12, 31)),
            (date(2023, 1, 1), date(2023, 12, 31)),
        ),
    ],
)
def test_previous_and_year_ago_are_the_same_kind_of_period(preset, cut, today, previous, year_ago):
    p = periods.resolve(preset, today, cut)
    assert (p.previous().start, p.previous().end) == previous
    assert (p.year_ago().start, p.year_ago().end) == year_ago


def test_running_month_compares_the_same_number_of_days():
    p = periods.resolve("this_month", date(2025, 11, 10))
    assert p.effective_end == date(2025, 11, 10)
    assert (p.year_ago().start, p.year_ago().effective_end) == (date(2024, 11, 1), date(2024, 11, 10))
    assert p.previous().effective_end == date(2025, 10, 10)


def test_custom_range_of_a_whole_month_compares_with_the_month_before():
    p = periods.resolve("custom", date(2025, 11, 10), start=date(2025, 3, 1), end=date(2025, 3, 31))
    assert p.unit == "month"
    assert (p.previous().start, p.previous().end) == (date(2025, 2, 1), date(2025, 2, 28))


def test_custom_range_previous_is_the_same_length_just_before():
    p = periods.resolve("custom", date(2025, 11, 10), start=date(2025, 3, 5), end=date(2025, 3, 14))
    assert (p.previous().start, p.previous().end) == (date(2025, 2, 23), date(2025, 3, 4))


def test_add_working_days_skips_weekends_and_tet():
    # Tết 2025: 25/01 (Sat) .. 02/02 (Sun); 24/01/2025 is a Friday
    assert periods.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    assert periods.add_working_days(date(2025, 3, 7), 2) == date(2025, 3, 11)
