"""Reporting periods: calendar ones and the official 15th-to-14th cut (Decree 09/2019/NĐ-CP)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta

from cchc import workdays

PRESETS = (
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "h1",
    "this_year",
    "last_year",
    "last_12m",
    "custom",
)
CUTS = ("calendar", "official")

# How many months one step back is, per kind of period.
_UNIT_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12, "12m": 12}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    unit: str  # month | quarter | half | year | 12m | custom
    cut: str = "calendar"
    as_of: date | None = None  # last day with data when the period is still running

    @property
    def effective_end(self) -> date:
        """Last day counted: the period end, or 'today' when the period has not ended yet."""
        if self.as_of is not None and self.as_of < self.end:
            return max(self.as_of, self.start)
        return self.end

    @property
    def days(self) -> int:
        return (self.effective_end - self.start).days + 1

    def previous(self) -> Period:
        """The period just before, of the same kind (month before, quarter before, ...)."""
        if self.unit in _UNIT_MONTHS:
            return self._shift_months(-_UNIT_MONTHS[self.unit])
        length = self.end - self.start + timedelta(days=1)
        start = self.start - length
        return replace(self, start=start, end=self.start - timedelta(days=1), as_of=None)

    def year_ago(self) -> Period:
        """Same period last year (cùng kỳ năm trước)."""
        return self._shift_months(-12)

    def _shift_months(self, months: int) -> Period:
        start = add_months(self.start, months)
        end = add_months(self.end + timedelta(days=1), months) - timedelta(days=1)
        shifted = replace(self, start=start, end=end, as_of=None)
        if self.effective_end < self.end:
            # compare like with like: a running month against the same number of days
            shifted = replace(shifted, as_of=start + (self.effective_end - self.start))
        return shifted


def _whole_months_unit(start: date, end: date) -> str:
    """A custom range of whole calendar months compares like a month, quarter or year."""
    after = end + timedelta(days=1)
    if start.day != 1 or after.day != 1:
        return "custom"
    months = (after.year - start.year) * 12 + after.month - start.month
    if months == 3 and start.month % 3 != 1:
        return "custom"
    return {1: "month", 3: "quarter", 6: "half", 12: "year"}.get(months, "custom")


def add_months(d: date, months: int) -> date:
    month_index = d.year * 12 + d.month - 1 + months
    year, month = divmod(month_index, 12)
    day = min(d.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _official_month(year: int, month: int) -> tuple[date, date]:
    """Official reporting month M: the 15th of M-1 to the 14th of M."""
    return add_months(date(year, month, 15), -1), date(year, month, 14)


def _reporting_month(today: date, cut: str) -> tuple[int, int]:
    """The month whose report today belongs to (after the 14th it is next month's)."""
    if cut == "official" and today.day >= 15:
        nxt = add_months(date(today.year, today.month, 1), 1)
        return nxt.year, nxt.month
    return today.year, today.month


def _months_span(first: tuple[int, int], last: tuple[int, int], cut: str) -> tuple[date, date]:
    if cut == "official":
        return _official_month(*first)[0], _official_month(*last)[1]
    return date(first[0], first[1], 1), _month_end(*last)


def _ym(d: date) -> tuple[int, int]:
    return d.year, d.month


def resolve(
    preset: str,
    today: date,
    cut: str = "calendar",
    start: date | None = None,
    end: date | None = None,
) -> Period:
    """Turn a preset name (or a custom range) into dates, relative to `today`."""
    cut = cut if cut in CUTS else "calendar"
    year, month = _reporting_month(today, cut)
    current = date(year, month, 1)
    quarter_first = date(year, 3 * ((month - 1) // 3) + 1, 1)
    if preset == "custom" and start and end:
        lo, hi = min(start, end), max(start, end)
        return Period(lo, hi, _whole_months_unit(lo, hi), cut, as_of=today)
    if preset == "last_month":
        m = _ym(add_months(current, -1))
        return Period(*_months_span(m, m, cut), "month", cut, as_of=today)
    if preset == "this_quarter":
        span = _months_span(_ym(quarter_first), _ym(add_months(quarter_first, 2)), cut)
        return Period(*span, "quarter", cut, as_of=today)
    if preset == "last_quarter":
        first = add_months(quarter_first, -3)
        span = _months_span(_ym(first), _ym(add_months(first, 2)), cut)
        return Period(*span, "quarter", cut, as_of=today)
    if preset == "h1":
        return Period(*_months_span((year, 1), (year, 6), cut), "half", cut, as_of=today)
    if preset == "this_year":
        return Period(*_months_span((year, 1), (year, 12), cut), "year", cut, as_of=today)
    if preset == "last_year":
        return Period(*_months_span((year - 1, 1), (year - 1, 12), cut), "year", cut, as_of=today)
    if preset == "last_12m":
        last = add_months(current, -1)
        span = _months_span(_ym(add_months(last, -11)), _ym(last), cut)
        return Period(*span, "12m", cut, as_of=today)
    m = (year, month)
    return Period(*_months_span(m, m, cut), "month", cut, as_of=today)


def month_bucket_sql(column: str, cut: str) -> str:
    """SQL expression giving the first day of the reporting month a date falls in."""
    if cut == "official":
        return (
            f"(case when day({column}) >= 15 then date_trunc('month', {column}) + interval 1 month "
            f"else date_trunc('month', {column}) end)::date"
        )
    return f"date_trunc('month', {column})::date"


def add_working_days(start: date, n: int) -> date:
    """The date n working days after `start`, on the product's one calendar (cchc.workdays:
    Mon-Fri minus Vietnamese public holidays and config/deadlines.yaml's extra days off, plus its
    make-up working days) — the calendar the ETL counts due dates on."""
    return workdays.add_working_days(start, n)


def months_window(period: Period, months: int) -> Period:
    """The `months` reporting months ending with the one that holds the period's last counted
    day, as one period (for trends): calendar months, or official 15th-to-14th months."""
    ref = period.effective_end
    if period.cut == "official":
        y, m = _reporting_month(ref, "official")
        last = date(y, m, 1)
        first = add_months(last, -(months - 1))
        start, end = _months_span(_ym(first), _ym(last), "official")
    else:
        last = date(ref.year, ref.month, 1)
        first = add_months(last, -(months - 1))
        start, end = _months_span(_ym(first), _ym(last), "calendar")
    return Period(start, end, "custom", period.cut, as_of=min(ref, end))


def reporting_months(period: Period) -> list[tuple[date, Period]]:
    """The reporting months a period spans, each labelled by its first calendar day (official
    month M, 15/M-1 to 14/M, is labelled M), clipped to the period and its last counted day."""
    ref = period.effective_end
    label = date(*_reporting_month(period.start, period.cut), 1)
    out = []
    while True:
        start, end = _months_span(_ym(label), _ym(label), period.cut)
        start, end = max(start, period.start), min(end, period.end)
        if start > ref:
            break
        out.append((label, Period(start, end, "month", period.cut, as_of=min(ref, end))))
        label = add_months(label, 1)
    return out
