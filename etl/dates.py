"""Day-first date parsing for Vietnamese exports: dd/mm/yyyy, ISO, Excel serials, typed cells."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache

import numpy as np

# Vietnam has had no daylight saving since 1975, so a fixed offset is exact for local time.
VN_TZ = timezone(timedelta(hours=7))

# Excel's 1900 system: day 60 is the fictitious 29/02/1900, so counting from 30/12/1899 is right
# for every serial after it; serials outside these years are more likely IDs or amounts than dates.
_EXCEL_EPOCH = datetime(1899, 12, 30)
_MIN_SERIAL = (datetime(1990, 1, 1) - _EXCEL_EPOCH).days
_MAX_SERIAL = (datetime(2101, 1, 1) - _EXCEL_EPOCH).days  # exclusive: last accepted day 31/12/2100

# Day first, always; the separator must repeat (\2) so '03/04-2024' is not read as a date.
_DMY = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
_YMD = re.compile(r"(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})")
_TIME = re.compile(
    r"(\d{1,2})[:hH](\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(AM|PM|SA|CH)?\s*(Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
_SERIAL = re.compile(r"\d+(?:[.,]\d+)?")
_PM = {"PM", "CH"}  # CH = chiều, the afternoon marker of the vi-VN locale


class DateError(ValueError):
    """A cell that is not a date: kind is 'unparseable' or 'nonexistent'."""

    def __init__(self, kind: str, value: object = None):
        super().__init__(f"{kind} date: {str(value)[:40]!r}")
        self.kind = kind
        self.value = value


def parse_datetime(value: object) -> datetime | None:
    """Read one cell as a naive local datetime; None for blank; DateError otherwise."""
    if value is None:
        return None
    if isinstance(value, str):
        result = _parse_str(value)
        if isinstance(result, str):
            raise DateError(result, value)
        return result
    return _parse_object(value)


def parse_date(value: object) -> date | None:
    """Read one cell as a date (the date part of parse_datetime)."""
    if type(value) is date:
        return value
    parsed = parse_datetime(value)
    return None if parsed is None else parsed.date()


def _parse_object(value: object) -> datetime | None:
    if isinstance(value, datetime):  # also pandas Timestamp and NaT
        if value != value:  # noqa: PLR0124 - NaT, the one datetime unequal to itself
            return None
        return _naive(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else _parse_object(value.astype("datetime64[us]").item())
    if isinstance(value, bool):
        raise DateError("unparseable", value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        if isinstance(value, (float, np.floating)) and math.isnan(value):
            return None
        return _from_serial(float(value), value)
    raise DateError("unparseable", value)


@lru_cache(maxsize=1 << 17)
def _parse_str(raw: str) -> datetime | str | None:
    """Cached on the raw text; returns the DateError kind rather than raising, to cache it too."""
    s = raw.strip()
    if not s:
        return None
    # Date and time parts are parsed (and cached) apart: a column holds few distinct days and
    # few distinct times even when nearly every date-time string in it is unique.
    head, _, tail = s.partition(" ")
    if not tail and "T" in s:
        head, _, tail = s.partition("T")  # ISO 8601
    day = _date_part(head)
    if day is None:
        return _serial_str(s)
    if isinstance(day, str) or not tail:
        return day
    clock = _time_part(tail.strip())
    if isinstance(clock, str):
        return clock
    return _with_offset(datetime.combine(day, clock[0]), clock[1])


@lru_cache(maxsize=1 << 14)
def _date_part(s: str) -> datetime | str | None:
    """Midnight of the date, 'nonexistent', or None when the text is not shaped like a date."""
    if m := _DMY.fullmatch(s):
        year, month, day = int(m[4]), int(m[3]), int(m[1])
    elif m := _YMD.fullmatch(s):
        year, month, day = int(m[1]), int(m[3]), int(m[4])
    else:
        return None
    try:
        return datetime(year, month, day)
    except ValueError:
        return "nonexistent"


@lru_cache(maxsize=1 << 17)
def _time_part(s: str) -> tuple[time, str | None] | str:
    """(time, UTC offset text or None), or the DateError kind."""
    m = _TIME.fullmatch(s)
    if not m:
        return "unparseable"
    hour, minute, second, fraction, marker, offset = m.groups()
    hour = int(hour)
    if marker:
        if not 1 <= hour <= 12:
            return "nonexistent"
        hour = hour % 12 + (12 if marker.upper() in _PM else 0)
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    try:
        return time(hour, int(minute), int(second or 0), micro), offset
    except ValueError:
        return "nonexistent"


def _serial_str(s: str) -> datetime | str:
    if not _SERIAL.fullmatch(s):
        return "unparseable"
    try:
        return _from_serial(float(s.replace(",", ".")), s)
    except DateError as e:
        return e.kind


def _with_offset(value: datetime, offset: str | None) -> datetime:
    if not offset:
        return value
    if offset.upper() == "Z":
        return _naive(value.replace(tzinfo=UTC))
    sign = -1 if offset[0] == "-" else 1
    hours, minutes = int(offset[1:3]), int(offset[-2:])
    tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return _naive(value.replace(tzinfo=tz))


def _naive(value: datetime) -> datetime:
    """Plain datetime in Vietnam local time (aware values are converted, subclasses unwrapped)."""
    if value.tzinfo is not None:
        value = value.astimezone(VN_TZ)
    return datetime(value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond)


def _from_serial(serial: float, original: object) -> datetime:
    if not _MIN_SERIAL <= serial < _MAX_SERIAL:
        raise DateError("unparseable", original)
    days = math.floor(serial)
    # Excel stores times as fractions of a day; round to the second to drop float noise.
    seconds = round((serial - days) * 86400)
    return _EXCEL_EPOCH + timedelta(days=days, seconds=seconds)
