"""Due dates from configured time limits, and working-day arithmetic on Vietnam's calendar."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import NoReturn

import holidays as holidays_lib
import numpy as np
import pandas as pd
import yaml

from etl.errors import EtlError

UNITS = ("working", "calendar")
KINDS = ("feedback", "petition", "complaint", "denunciation")
CHANNELS = ("hotline", "email", "app", "portal", "in_person", "letter", "national_portal")
WEEKMASK = "1111100"  # Monday-Friday

# The working-day table covers the years etl.dates accepts, plus one so late due dates fit.
_TABLE_FIRST = np.datetime64("1990-01-01", "D")
_TABLE_LAST = np.datetime64("2101-12-31", "D")
_NAT = np.datetime64("NaT", "D")
_ROLL_KEY = "calendar_due_rolls_to_working_day"
_TOP_KEYS = {
    "kinds", "nearly_due_working_days", _ROLL_KEY, "extra_holidays", "extra_working_days",
    "holiday_years",
}


class DeadlineConfigError(EtlError):
    """The deadlines configuration is malformed."""


@dataclass(frozen=True)
class Rule:
    days: int
    unit: str  # 'working' | 'calendar'


@dataclass(frozen=True)
class DeadlineRules:
    """Time limits per kind (and per kind and channel), with the calendar they count on."""

    kinds: Mapping[str, Rule]
    channels: Mapping[tuple[str, str], Rule] = field(default_factory=dict)
    nearly_due_working_days: int = 2
    calendar_due_rolls_to_working_day: bool = False
    extra_holidays: tuple[date, ...] = ()
    extra_working_days: tuple[date, ...] = ()
    holiday_years: tuple[int, int] = (2015, 2035)
    weekmask: str = WEEKMASK

    @classmethod
    def from_file(cls, path: Path | str) -> DeadlineRules:
        """Load config/deadlines.yaml."""
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            vi, en = f"Không đọc được {path}: {e}", f"Cannot read {path}: {e}"
            raise DeadlineConfigError(vi, en) from e
        return cls.from_dict(data or {}, source=str(path))

    @classmethod
    def from_dict(cls, data: Mapping, source: str = "deadlines") -> DeadlineRules:
        """Build from the parsed YAML mapping, rejecting unknown keys, kinds, channels and units."""
        if unknown := set(data) - _TOP_KEYS:
            _fail(source, f"khóa lạ {sorted(unknown)}", f"unknown keys {sorted(unknown)}")
        kinds, channels = {}, {}
        for kind, spec in (data.get("kinds") or {}).items():
            _check_member(source, "kinds", kind, KINDS)
            kinds[kind] = _rule(source, f"kinds.{kind}", spec)
            for channel, override in (spec.get("channels") or {}).items():
                _check_member(source, f"kinds.{kind}.channels", channel, CHANNELS)
                where = f"kinds.{kind}.channels.{channel}"
                channels[(kind, channel)] = _rule(source, where, override)
        years = data.get("holiday_years", [2015, 2035])
        if not (isinstance(years, list) and len(years) == 2
                and all(isinstance(y, int) for y in years) and years[0] <= years[1]):
            _fail(source, "holiday_years phải là [từ năm, đến năm]",
                  "holiday_years must be [first, last]")
        return cls(
            kinds=kinds,
            channels=channels,
            nearly_due_working_days=_count(source, data, "nearly_due_working_days", 2),
            calendar_due_rolls_to_working_day=bool(data.get(_ROLL_KEY, False)),
            extra_holidays=_dates(source, data, "extra_holidays"),
            extra_working_days=_dates(source, data, "extra_working_days"),
            holiday_years=(int(years[0]), int(years[1])),
        )

    def rule_for(self, kind: str | None, channel: str | None = None) -> Rule | None:
        """The rule for one item: the channel override if any, else the kind's; None if unknown."""
        return self.channels.get((kind, channel)) or self.kinds.get(kind)

    def holidays(self) -> np.ndarray:
        """Days off as sorted datetime64[D]: holidays.VN + extra_holidays - extra_working_days."""
        return self._holidays

    def weekend_workdays(self) -> np.ndarray:
        """Saturdays/Sundays worked in exchange for a day off, as sorted datetime64[D]."""
        return self._weekend_workdays

    def due_dates(self, received: np.ndarray, kinds: np.ndarray,
                  channels: np.ndarray | None = None) -> np.ndarray:
        """Due date per row as datetime64[D]; NaT where the kind has no rule or received is NaT."""
        days = as_days(received)
        out = np.full(days.shape, _NAT)
        if channels is None:
            channels = np.full(days.shape, None, dtype=object)
        kind_codes, kind_values = pd.factorize(np.asarray(kinds, dtype=object))
        chan_codes, chan_values = pd.factorize(np.asarray(channels, dtype=object))
        chan_index = {value: i for i, value in enumerate(chan_values)}
        # One pass per distinct rule, not per row.
        for k, kind in enumerate(kind_values):
            if kind not in self.kinds:
                continue
            pending = kind_codes == k
            for (rule_kind, channel), rule in self.channels.items():
                if rule_kind == kind and channel in chan_index:
                    hit = pending & (chan_codes == chan_index[channel])
                    out[hit] = self._apply(rule, days[hit])
                    pending &= ~hit
            out[pending] = self._apply(self.kinds[kind], days[pending])
        return out

    def add_working_days(self, days: np.ndarray, n: int | np.ndarray) -> np.ndarray:
        """Roll each day forward to a working day, then add n working days (as np.busday_offset)."""
        days = as_days(days)
        table = self._workdays
        idx = np.searchsorted(table, days, side="left") + n
        ok = self._in_table(days) & (idx >= 0) & (idx < len(table))
        out = np.full(days.shape, _NAT)
        out[ok] = table[idx[ok]]
        return out

    def working_days_between(self, start: np.ndarray, end: np.ndarray) -> pd.arrays.IntegerArray:
        """Working days in [start, end) as pandas Int64 (<NA> where either end is missing)."""
        start, end = as_days(start), as_days(end)
        table = self._workdays
        count = np.searchsorted(table, end) - np.searchsorted(table, start)
        valid = self._in_table(start) & self._in_table(end)
        return pd.arrays.IntegerArray(count.astype("int64"), ~valid)

    def calendar_days_between(self, start: np.ndarray, end: np.ndarray) -> pd.arrays.IntegerArray:
        """end - start in days as pandas Int64 (<NA> where either end is missing)."""
        start, end = as_days(start), as_days(end)
        missing = np.isnat(start) | np.isnat(end)
        diff = np.where(missing, 0, (end - start).astype("int64"))
        return pd.arrays.IntegerArray(diff.astype("int64"), missing)

    def _apply(self, rule: Rule, days: np.ndarray) -> np.ndarray:
        if rule.unit == "working":
            return self.add_working_days(days, rule.days)
        due = days + np.timedelta64(rule.days, "D")
        return self.add_working_days(due, 0) if self.calendar_due_rolls_to_working_day else due

    def _in_table(self, days: np.ndarray) -> np.ndarray:
        return (days >= _TABLE_FIRST) & (days <= _TABLE_LAST)  # False for NaT

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

    @cached_property
    def _workdays(self) -> np.ndarray:
        # Every working day of the span, sorted; searchsorted on it does busday arithmetic.
        # np.busday_offset alone cannot count a worked Saturday, hence the explicit table.
        days = np.arange(_TABLE_FIRST, _TABLE_LAST + 1)
        working = np.is_busday(days, weekmask=self.weekmask, holidays=self.holidays())
        working |= np.isin(days, self.weekend_workdays())
        return days[working]


def as_days(values: object) -> np.ndarray:
    """datetime64[D] array from datetime64 arrays, Series, or objects (date, datetime, None)."""
    arr = np.asarray(values)
    if arr.dtype.kind != "M":
        # format='ISO8601' so that text is never read month-first; parse text with etl.dates.
        arr = np.asarray(pd.to_datetime(arr.astype(object), format="ISO8601"))
    return arr.astype("datetime64[D]")


def _rule(source: str, where: str, spec: object) -> Rule:
    if not isinstance(spec, Mapping):
        _fail(source, f"{where} phải có days và unit", f"{where} needs days and unit")
    days, unit = spec.get("days"), spec.get("unit")
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        _fail(source, f"{where}.days phải là số nguyên >= 0",
              f"{where}.days must be an integer >= 0")
    _check_member(source, f"{where}.unit", unit, UNITS)
    return Rule(days, unit)


def _count(source: str, data: Mapping, key: str, default: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _fail(source, f"{key} phải là số nguyên >= 0", f"{key} must be an integer >= 0")
    return value


def _dates(source: str, data: Mapping, key: str) -> tuple[date, ...]:
    out = []
    for value in data.get(key) or []:
        try:
            out.append(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            _fail(source, f"{key}: '{value}' không phải YYYY-MM-DD",
                  f"{key}: '{value}' is not YYYY-MM-DD")
    return tuple(out)


def _check_member(source: str, where: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        names = ", ".join(allowed)
        _fail(source, f"{where}: '{value}' không thuộc ({names})",
              f"{where}: '{value}' not in ({names})")


def _fail(source: str, vi: str, en: str) -> NoReturn:
    raise DeadlineConfigError(f"{source}: {vi}", f"{source}: {en}")
