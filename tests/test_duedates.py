from datetime import date, timedelta
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pytest

from etl.duedates import DeadlineConfigError, DeadlineRules, Rule, as_days

CONFIG = Path(__file__).resolve().parents[1] / "config" / "deadlines.yaml"
VN = holidays.VN(years=range(2014, 2028))
NAT = np.datetime64("NaT", "D")


def is_working(day: date) -> bool:
    """Independent reference: the package's own list plus weekends, day by day."""
    if day in VN.weekend_workdays:
        return True
    return day.weekday() < 5 and day not in VN


def add_working_days_by_loop(received: date, n: int) -> date:
    day = received
    while not is_working(day):  # received on a day off: counting starts on the next working day
        day += timedelta(days=1)
    for _ in range(n):
        day += timedelta(days=1)
        while not is_working(day):
            day += timedelta(days=1)
    return day


def working_days_by_loop(start: date, end: date) -> int:
    return sum(is_working(start + timedelta(days=i)) for i in range((end - start).days))


def days(*values):
    return np.array(values, dtype="datetime64[D]")


@pytest.fixture(scope="module")
def rules():
    return DeadlineRules.from_file(CONFIG)


def test_from_file_shipped_config_returns_seed_rules(rules):
    assert (rules.kinds, rules.channels, rules.nearly_due_working_days, rules.holiday_years) == (
        {
            "feedback": Rule(10, "working"),
            "petition": Rule(10, "working"),
            "complaint": Rule(30, "calendar"),
            "denunciation": Rule(30, "calendar"),
        },
        {("feedback", "hotline"): Rule(5, "working")},
        2,
        (2015, 2035),
    )


def test_holidays_vn_tet_2025_lists_27_january_to_1_february():
    listed = sorted(d for d in VN if date(2025, 1, 20) <= d <= date(2025, 2, 10))
    assert listed == [date(2025, 1, 27) + timedelta(days=i) for i in range(6)]


def test_holidays_array_tet_2025_contains_package_days(rules):
    window = rules.holidays()[
        (rules.holidays() >= np.datetime64("2025-01-20")) & (rules.holidays() <= np.datetime64("2025-02-10"))
    ]
    assert window.tolist() == [date(2025, 1, 27) + timedelta(days=i) for i in range(6)]


@pytest.mark.parametrize(
    ("received", "kind", "channel", "expected"),
    [
        # Friday 24/01/2025, last working day before Tết At Tỵ (27/01-01/02 off).
        ("2025-01-24", "feedback", None, "2025-02-14"),
        ("2025-01-24", "petition", "email", "2025-02-14"),
        # Saturday receipt: counting starts on the next working day, Monday 03/02 after Tết.
        ("2025-01-25", "feedback", None, "2025-02-17"),
        # Hotline override: 5 working days.
        ("2025-01-24", "feedback", "hotline", "2025-02-07"),
        # Friday 13/02/2026, last working day before Tết Bính Ngọ (16/02-20/02 off).
        ("2026-02-13", "feedback", None, "2026-03-06"),
        # Saturday 26/04/2025 was worked in exchange for Friday 02/05/2025.
        ("2025-04-25", "petition", None, "2025-05-13"),
        # Calendar-day rules: received + 30 days, weekends and Tết included.
        ("2025-01-24", "complaint", None, "2025-02-23"),
        ("2025-01-24", "denunciation", "hotline", "2025-02-23"),
    ],
)
def test_due_dates_rule_per_kind_returns_expected_day(rules, received, kind, channel, expected):
    assert rules.due_dates(days(received), [kind], [channel]).tolist() == days(expected).tolist()


@pytest.mark.parametrize(("kind", "channel"), [("feedback", None), ("feedback", "hotline")])
def test_due_dates_working_rule_every_day_matches_day_by_day_loop(rules, kind, channel):
    received = np.arange(np.datetime64("2024-12-01"), np.datetime64("2026-03-31"))
    n = rules.rule_for(kind, channel).days
    expected = [add_working_days_by_loop(d, n) for d in received.tolist()]
    due = rules.due_dates(received, [kind] * len(received), [channel] * len(received))
    assert due.tolist() == expected


@pytest.mark.parametrize("kind", ["unknown", None, "", float("nan")])
def test_due_dates_unknown_kind_returns_nat(rules, kind):
    assert np.isnat(rules.due_dates(days("2025-01-24"), [kind], [None])).tolist() == [True]


def test_due_dates_missing_received_returns_nat(rules):
    due = rules.due_dates(days("NaT", "2025-01-24"), ["feedback", "feedback"])
    assert due.tolist() == [None, date(2025, 2, 14)]


def test_due_dates_mixed_rows_grouped_by_rule_keep_row_order(rules):
    received = days("2025-01-24", "2025-01-24", "2025-01-24", "2025-01-25", "2025-01-24")
    kinds = np.array(["complaint", "feedback", "feedback", "feedback", "other"], dtype=object)
    channels = np.array([None, "hotline", "app", "hotline", None], dtype=object)
    assert rules.due_dates(received, kinds, channels).tolist() == [
        date(2025, 2, 23),
        date(2025, 2, 7),
        date(2025, 2, 14),
        date(2025, 2, 10),
        None,
    ]


def test_due_dates_pandas_timestamps_with_time_use_date(rules):
    received = pd.Series(pd.to_datetime(["2025-01-24 16:45", None]))
    due = rules.due_dates(received, pd.Series(["feedback", "feedback"]))
    assert due.tolist() == [date(2025, 2, 14), None]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"extra_holidays": ["2025-02-03"]}, "2025-02-17"),  # one more day off after Tết
        ({"extra_working_days": [date(2025, 1, 25)]}, "2025-02-13"),  # a worked Saturday
        ({"extra_working_days": ["2025-01-31"]}, "2025-02-13"),  # a listed holiday worked
    ],
)
def test_due_dates_extra_days_in_config_shift_due_date(config, expected):
    feedback = {"feedback": {"days": 10, "unit": "working"}}
    rules = DeadlineRules.from_dict({"kinds": feedback, **config})
    assert rules.due_dates(days("2025-01-24"), ["feedback"]).tolist() == days(expected).tolist()


def test_due_dates_calendar_due_on_day_off_rolls_when_configured():
    rules = DeadlineRules.from_dict(
        {
            "kinds": {"complaint": {"days": 30, "unit": "calendar"}},
            "calendar_due_rolls_to_working_day": True,
        }
    )
    # 24/01/2025 + 30 days = Sunday 23/02/2025 -> Monday 24/02/2025.
    assert rules.due_dates(days("2025-01-24"), ["complaint"]).tolist() == [date(2025, 2, 24)]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2025-01-24", "2025-01-24", 0),  # same day
        ("2025-01-25", "2025-01-27", 0),  # weekend then a Tết day
        ("2025-01-24", "2025-02-03", 1),  # across Tết: only Friday 24/01 counts
        ("2025-01-24", "2025-02-14", 10),
        ("2025-04-25", "2025-05-05", 4),  # 25, worked Saturday 26, 28, 29/04; 30/04-02/05 off
        ("2025-02-14", "2025-01-24", -10),  # reversed: negative, like np.busday_count
    ],
)
def test_working_days_between_pairs_return_count(rules, start, end, expected):
    assert rules.working_days_between(days(start), days(end)).tolist() == [expected]


def test_working_days_between_every_pair_matches_loop(rules):
    start = np.arange(np.datetime64("2025-01-01"), np.datetime64("2025-03-01"))
    end = start + np.timedelta64(17, "D")
    pairs = zip(start.tolist(), end.tolist(), strict=True)
    expected = [working_days_by_loop(s, e) for s, e in pairs]
    assert rules.working_days_between(start, end).tolist() == expected


def test_working_days_between_missing_end_returns_na(rules):
    result = rules.working_days_between(days("2025-01-24", "2025-01-24"), days("NaT", "2025-01-28"))
    assert (str(result.dtype), result.tolist()) == ("Int64", [pd.NA, 1])


def test_calendar_days_between_pairs_return_days(rules):
    result = rules.calendar_days_between(
        days("2025-01-24", "2025-01-24", "NaT"), days("2025-01-24", "2025-02-14", "2025-02-14")
    )
    assert (str(result.dtype), result.tolist()) == ("Int64", [0, 21, pd.NA])


def test_add_working_days_zero_rolls_day_off_forward(rules):
    result = rules.add_working_days(days("2025-01-24", "2025-01-25", "2025-04-26"), 0)
    assert result.tolist() == [date(2025, 1, 24), date(2025, 2, 3), date(2025, 4, 26)]


def test_as_days_objects_and_none_return_datetime64_days():
    result = as_days([date(2025, 1, 24), None, pd.Timestamp("2025-01-25 10:00")])
    assert (result.dtype, result.tolist()) == (
        np.dtype("datetime64[D]"),
        [date(2025, 1, 24), None, date(2025, 1, 25)],
    )


@pytest.mark.parametrize(
    "config",
    [
        {"kinds": {"feeback": {"days": 10, "unit": "working"}}},
        {"kinds": {"feedback": {"days": 10, "unit": "hours"}}},
        {"kinds": {"feedback": {"days": -1, "unit": "working"}}},
        {"kinds": {"feedback": {"days": 10, "unit": "working", "channels": {"fax": {"days": 1}}}}},
        {"kinds": {}, "nearly_due_days": 2},
        {"kinds": {}, "extra_holidays": ["31/01/2025"]},
        {"kinds": {}, "holiday_years": [2035, 2015]},
    ],
)
def test_from_dict_bad_config_raises(config):
    with pytest.raises(DeadlineConfigError):
        DeadlineRules.from_dict(config)
