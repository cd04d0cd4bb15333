"""The one working-day calendar of the product: Monday-Friday minus Vietnam's public holidays
(the `holidays` package, lunar Tết included), plus the days off and make-up working days of
config/deadlines.yaml. The ETL counts due dates and resolution days on it, the dashboard its
"nearly due" window. No Streamlit and no etl import here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

import holidays as holidays_lib
import numpy as np
import pandas as pd
import yaml

DEADLINES_YAML = Path(__file__).resolve().parent.parent / "config" / "deadlines.yaml"
WEEKMASK = "1111100"  # Monday-Friday
HOLIDAY_YEARS = (2015, 2035)

# The working-day table covers the years etl.dates accepts, plus one so late due dates fit.
TABLE_FIRST = np.datetime64("1990-01-01", "D")
TABLE_LAST = np.datetime64("2101-12-31", "D")
_NAT = np.datetime64("NaT", "D")


class CalendarConfigError(ValueError):
    """extra_holidays, extra_working_days or holiday_years is malformed."""

    def __init__(self, message: str, value: object = None):
        super().__init__(message)
        self.value = value


@dataclass(frozen=True)
class WorkCalendar:
    """Working days: weekmask days minus holidays, plus worked weekend days."""

    extra_holidays: tuple[date, ...] = ()
    extra_working_days: tuple[date, ...] = ()
    holiday_years: tuple[int, int] = HOLIDAY_YEARS
    weekmask: str = WEEKMASK

    @classmethod
    def from_config(cls, path: Path | str | None = None) -> WorkCalendar:
        """The calendar of config/deadlines.yaml (its other keys are the ETL's business)."""
        path = Path(path or DEADLINES_YAML)
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
        return cls.from_dict(data or {})

    @classmethod
    def from_dict(cls, data: Mapping) -> WorkCalendar:
        years = data.get("holiday_years", list(HOLIDAY_YEARS))
        if not (
            isinstance(years, list | tuple)
            and len(years) == 2
            and all(isinstance(y, int) and not isinstance(y, bool) for y in years)
            and years[0] <= years[1]
        ):
            raise CalendarConfigError("holiday_years must be [first, last]")
        return cls(
            extra_holidays=parse_dates(data, "extra_holidays"),
            extra_working_days=parse_dates(data, "extra_working_days"),
            holiday_years=(int(years[0]), int(years[1])),
        )

    def holidays(self) -> np.ndarray:
        """Days off as sorted datetime64[D]: holidays.VN + extra_holidays - extra_working_days."""
        return self._holidays

    def weekend_workdays(self) -> np.ndarray:
        """Saturdays/Sundays worked in exchange for a day off, as sorted datetime64[D]."""
        return self._weekend_workdays

    @cached_property
    def workdays(self) -> np.ndarray:
        """Every working day from TABLE_FIRST to TABLE_LAST, sorted (searchsorted on it does
        busday arithmetic; np.busday_offset alone cannot count a worked Saturday)."""
        days = np.arange(TABLE_FIRST, TABLE_LAST + 1)
        working = np.is_busday(days, weekmask=self.weekmask, holidays=self.holidays())
        working |= np.isin(days, self.weekend_workdays())
        return days[working]

    def is_working_day(self, day: date) -> bool:
        d = np.datetime64(day, "D")
        i = np.searchsorted(self.workdays, d)
        return bool(i < len(self.workdays) and self.workdays[i] == d)

    def add_working_days(self, days: object, n: int | np.ndarray) -> np.ndarray:
        """Roll each day forward to a working day, then add n working days (as np.busday_offset
        with roll='forward'): the due date of an item received on `days`. NaT where unknown."""
        days = as_days(days)
        table = self.workdays
        idx = np.searchsorted(table, days, side="left") + n
        ok = self._in_table(days) & (idx >= 0) & (idx < len(table))
        out = np.full(days.shape, _NAT)
        out[ok] = table[idx[ok]]
        return out

    def working_days_between(self, start: object, end: object) -> pd.arrays.IntegerArray:
        """Working days in [start, end) as pandas Int64 (<NA> where either end is missing)."""
        start, end = as_days(start), as_days(end)
        table = self.workdays
        count = np.searchsorted(table, end) - np.searchsorted(table, start)
        valid = self._in_table(start) & self._in_table(end)
        return pd.arrays.IntegerArray(count.astype("int64"), ~valid)

    def working_day_after(self, day: date, n: int) -> date:
        """The n-th working day after `day` (`day` itself for n = 0): the end of a window of n
        working days from today, e.g. "nearly due". From a working day it equals
        add_working_days; from a day off the window starts at once (Saturday + 1 = Monday)."""
        if n <= 0:
            return day if n == 0 else self._date(np.searchsorted(self.workdays, np.datetime64(day, "D")) + n)
        return self._date(np.searchsorted(self.workdays, np.datetime64(day, "D"), side="right") + n - 1)

    def _date(self, idx: int) -> date:
        if not 0 <= idx < len(self.workdays):
            raise ValueError("date outside the working-day table")
        return self.workdays[idx].astype(object)

    @staticmethod
    def _in_table(days: np.ndarray) -> np.ndarray:
        return (days >= TABLE_FIRST) & (days <= TABLE_LAST)  # False for NaT

    @cached_property
    def _calendar(self) -> holidays_lib.HolidayBase:
        first, last = self.holiday_years
        return holidays_lib.VN(years=range(first, last + 1))

    @cached_property
    def _holidays(self) -> np.ndarray:
        listed = set(self._calendar)
        days = (listed | set(self.extra_holidays)) - set(self.extra_working_days)
        return np.array(sorted(days), dtype="datetime64[D]")

    @cached_property
    def _weekend_workdays(self) -> np.ndarray:
        # The package knows the make-up Saturdays of past swaps (e.g. 26/04/2025 for 02/05/2025).
        known = self._calendar.weekend_workdays
        days = (set(known) | set(self.extra_working_days)) - set(self.extra_holidays)
        weekend = [d for d in days if d.weekday() >= 5]
        return np.array(sorted(weekend), dtype="datetime64[D]")


@lru_cache(maxsize=1)
def default() -> WorkCalendar:
    """The calendar of config/deadlines.yaml, read once."""
    return WorkCalendar.from_config()


def add_working_days(d: date, n: int) -> date:
    """The n-th working day after `d` on the default calendar (see WorkCalendar.working_day_after)."""
    return default().working_day_after(d, n)


def parse_dates(data: Mapping, key: str) -> tuple[date, ...]:
    """data[key] as dates (YYYY-MM-DD text or YAML dates)."""
    out = []
    for value in data.get(key) or []:
        try:
            out.append(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            raise CalendarConfigError(f"{key}: '{value}' is not YYYY-MM-DD", value) from None
    return tuple(out)


def as_days(values: object) -> np.ndarray:
    """datetime64[D] array from datetime64 arrays, Series, or objects (date, datetime, None)."""
    arr = np.asarray(values)
    if arr.dtype.kind != "M":
        # format='ISO8601' so that text is never read month-first.
        arr = np.asarray(pd.to_datetime(arr.astype(object), format="ISO8601"))
    return arr.astype("datetime64[D]")
