from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from etl.dates import DateError, parse_date, parse_datetime


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03/04/2024", datetime(2024, 4, 3)),
        ("3/4/2024", datetime(2024, 4, 3)),
        ("03-04-2024", datetime(2024, 4, 3)),
        ("03.04.2024", datetime(2024, 4, 3)),
        ("03/04/2024 08:30", datetime(2024, 4, 3, 8, 30)),
        ("03/04/2024 8:30", datetime(2024, 4, 3, 8, 30)),
        ("03/04/2024 08:30:15", datetime(2024, 4, 3, 8, 30, 15)),
        ("03-04-2024 17:05", datetime(2024, 4, 3, 17, 5)),
        ("03.04.2024 17:05:09", datetime(2024, 4, 3, 17, 5, 9)),
        ("  03/04/2024  08:30 ", datetime(2024, 4, 3, 8, 30)),
        ("03/04/2024 08h30", datetime(2024, 4, 3, 8, 30)),
        ("03/04/2024 8:30:00 CH", datetime(2024, 4, 3, 20, 30)),
        ("03/04/2024 12:05:00 SA", datetime(2024, 4, 3, 0, 5)),
        ("29/02/2024", datetime(2024, 2, 29)),
        ("2024-04-03", datetime(2024, 4, 3)),
        ("2024-04-03 08:30", datetime(2024, 4, 3, 8, 30)),
        ("2024-04-03T08:30:15", datetime(2024, 4, 3, 8, 30, 15)),
        ("2024-04-03T08:30:15.250", datetime(2024, 4, 3, 8, 30, 15, 250000)),
        ("2024-04-03 08:30:15.123456789", datetime(2024, 4, 3, 8, 30, 15, 123456)),
        ("2024-04-03T01:30:00Z", datetime(2024, 4, 3, 8, 30)),
        ("2024-04-03T08:30:00+07:00", datetime(2024, 4, 3, 8, 30)),
        ("45292", datetime(2024, 1, 1)),
        ("45292.5", datetime(2024, 1, 1, 12)),
        ("45292,5", datetime(2024, 1, 1, 12)),
    ],
)
def test_parse_datetime_text_formats_read_day_first(value, expected):
    assert parse_datetime(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (45292, datetime(2024, 1, 1)),
        (45292.75, datetime(2024, 1, 1, 18)),
        (np.int64(45292), datetime(2024, 1, 1)),
        (np.float64(45292.25), datetime(2024, 1, 1, 6)),
        (date(2024, 4, 3), datetime(2024, 4, 3)),
        (datetime(2024, 4, 3, 8, 30), datetime(2024, 4, 3, 8, 30)),
        (pd.Timestamp("2024-04-03 08:30"), datetime(2024, 4, 3, 8, 30)),
        (pd.Timestamp("2024-04-03 01:30", tz="UTC"), datetime(2024, 4, 3, 8, 30)),
        (np.datetime64("2024-04-03T08:30"), datetime(2024, 4, 3, 8, 30)),
    ],
)
def test_parse_datetime_typed_cells_return_plain_datetime(value, expected):
    result = parse_datetime(value)
    assert (type(result), result) == (datetime, expected)


@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), pd.NaT, np.datetime64("NaT")])
def test_parse_datetime_blank_returns_none(value):
    assert parse_datetime(value) is None


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("31/02/2024", "nonexistent"),
        ("29/02/2023", "nonexistent"),
        ("31/04/2024", "nonexistent"),
        ("13/13/2024", "nonexistent"),
        ("2024-02-30", "nonexistent"),
        ("03/04/2024 25:00", "nonexistent"),
        ("03/04/2024 13:00 PM", "nonexistent"),
        ("abc", "unparseable"),
        ("03/04/24", "unparseable"),  # two-digit year: ambiguous century
        ("3/4/24 08:30", "unparseable"),
        ("03/04-2024", "unparseable"),  # mixed separators
        ("03/04/2024 sáng", "unparseable"),
        ("2024", "unparseable"),  # serial 2024 is in 1905: an ID or a year, not a date
        ("12345678", "unparseable"),
        ("1", "unparseable"),
        (1, "unparseable"),
        (2958465, "unparseable"),
        (True, "unparseable"),
        ([2024, 4, 3], "unparseable"),
    ],
)
def test_parse_datetime_bad_value_raises_kind(value, kind):
    with pytest.raises(DateError) as caught:
        parse_datetime(value)
    assert caught.value.kind == kind


def test_parse_datetime_repeated_bad_value_raises_each_time():
    kinds = []
    for _ in range(3):
        with pytest.raises(DateError) as caught:
            parse_datetime("31/02/2024")
        kinds.append(caught.value.kind)
    assert kinds == ["nonexistent"] * 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03/04/2024 23:59", date(2024, 4, 3)),
        ("45292", date(2024, 1, 1)),
        (date(2024, 4, 3), date(2024, 4, 3)),
        (pd.Timestamp("2024-04-03 08:30"), date(2024, 4, 3)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_values_return_date_part(value, expected):
    assert parse_date(value) == expected


def test_parse_date_nonexistent_raises():
    with pytest.raises(DateError) as caught:
        parse_date("29/02/2023")
    assert caught.value.kind == "nonexistent"
