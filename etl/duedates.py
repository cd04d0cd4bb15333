"""Due dates from configured time limits. Working days are counted on the product's one calendar
(cchc.workdays.WorkCalendar: Vietnam's holidays plus the extra days of this configuration); the
kind and channel codes are the codebook's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd
import yaml

from cchc import codebook
from cchc.workdays import WEEKMASK, CalendarConfigError, WorkCalendar, as_days, parse_dates
from etl.errors import EtlError

UNITS = ("working", "calendar")
KINDS = codebook.codes("kind")
CHANNELS = codebook.codes("channel")

_NAT = np.datetime64("NaT", "D")
_ROLL_KEY = "calendar_due_rolls_to_working_day"
_TOP_KEYS = {
    "kinds",
    "nearly_due_working_days",
    _ROLL_KEY,
    "extra_holidays",
    "extra_working_days",
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
        if not (
            isinstance(years, list)
            and len(years) == 2
            and all(isinstance(y, int) for y in years)
            and years[0] <= years[1]
        ):
            _fail(source, "holiday_years phải là [từ năm, đến năm]", "holiday_years must be [first, last]")
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

    @cached_property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar these rules count on."""
        return WorkCalendar(self.extra_holidays, self.extra_working_days, self.holiday_years, self.weekmask)

    def holidays(self) -> np.ndarray:
        """Days off as sorted datetime64[D]: holidays.VN + extra_holidays - extra_working_days."""
        return self.calendar.holidays()

    def weekend_workdays(self) -> np.ndarray:
        """Saturdays/Sundays worked in exchange for a day off, as sorted datetime64[D]."""
        return self.calendar.weekend_workdays()

    def due_dates(self, received: np.ndarray, kinds: np.ndarray, channels: np.ndarray | None = None) -> np.ndarray:
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
        return self.calendar.add_working_days(days, n)

    def working_days_between(self, start: np.ndarray, end: np.ndarray) -> pd.arrays.IntegerArray:
        """Working days in [start, end) as pandas Int64 (<NA> where either end is missing)."""
        return self.calendar.working_days_between(start, end)

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


def _rule(source: str, where: str, spec: object) -> Rule:
    if not isinstance(spec, Mapping):
        _fail(source, f"{where} phải có days và unit", f"{where} needs days and unit")
    days, unit = spec.get("days"), spec.get("unit")
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        _fail(source, f"{where}.days phải là số nguyên >= 0", f"{where}.days must be an integer >= 0")
    _check_member(source, f"{where}.unit", unit, UNITS)
    return Rule(days, unit)


def _count(source: str, data: Mapping, key: str, default: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _fail(source, f"{key} phải là số nguyên >= 0", f"{key} must be an integer >= 0")
    return value


def _dates(source: str, data: Mapping, key: str) -> tuple[date, ...]:
    try:
        return parse_dates(data, key)
    except CalendarConfigError as e:
        _fail(source, f"{key}: '{e.value}' không phải YYYY-MM-DD", f"{key}: '{e.value}' is not YYYY-MM-DD")


def _check_member(source: str, where: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        names = ", ".join(allowed)
        _fail(source, f"{where}: '{value}' không thuộc ({names})", f"{where}: '{value}' not in ({names})")


def _fail(source: str, vi: str, en: str) -> NoReturn:
    raise DeadlineConfigError(f"{source}: {vi}", f"{source}: {en}")
