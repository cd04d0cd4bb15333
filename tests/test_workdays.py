"""One working-day calendar for the ETL and the read side, and one province "today"."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from cchc import clock, workdays
from cchc.core import periods
from cchc.workdays import WorkCalendar
from etl import warehouse
from etl.duedates import DeadlineRules

# Tuesday 3 June 2025 given as an extra day off; Saturday 7 June 2025 worked in exchange.
EXTRA_OFF, MAKE_UP = date(2025, 6, 3), date(2025, 6, 7)
CONFIG = {
    "kinds": {"feedback": {"days": 3, "unit": "working"}},
    "extra_holidays": [EXTRA_OFF.isoformat()],
    "extra_working_days": [MAKE_UP.isoformat()],
}


@pytest.fixture
def configured(tmp_path, monkeypatch):
    """The default calendar read from a deadlines.yaml with the extra day off and make-up day."""
    path = tmp_path / "deadlines.yaml"
    path.write_text(
        "kinds: {feedback: {days: 3, unit: working}}\n"
        f"extra_holidays: [{EXTRA_OFF.isoformat()}]\n"
        f"extra_working_days: [{MAKE_UP.isoformat()}]\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(workdays, "DEADLINES_YAML", path)
    workdays.default.cache_clear()
    yield path
    workdays.default.cache_clear()


def test_from_config_reads_the_extra_days(configured):
    cal = WorkCalendar.from_config(configured)
    assert cal.extra_holidays == (EXTRA_OFF,) and cal.extra_working_days == (MAKE_UP,)
    assert not cal.is_working_day(EXTRA_OFF)
    assert cal.is_working_day(MAKE_UP)
    assert not cal.is_working_day(date(2025, 6, 8))  # Sunday
    assert not cal.is_working_day(date(2025, 1, 29))  # Tết, from the holidays package


def test_read_side_and_etl_count_the_same_working_days(configured):
    rules = DeadlineRules.from_dict(CONFIG)
    # Monday 2 June: Tue 3 is off, so +1 is Wed 4; +4 lands on the make-up Saturday 7; +5 on Mon 9.
    expected = {1: date(2025, 6, 4), 3: date(2025, 6, 6), 4: MAKE_UP, 5: date(2025, 6, 9)}
    for n, want in expected.items():
        assert periods.add_working_days(date(2025, 6, 2), n) == want
        assert workdays.add_working_days(date(2025, 6, 2), n) == want
        assert rules.add_working_days(np.array([date(2025, 6, 2)]), n)[0] == np.datetime64(want)
    # every start day of the month, every n: the read side's scalar equals the ETL's array result
    starts = [date(2025, 6, d) for d in range(1, 31) if rules.calendar.is_working_day(date(2025, 6, d))]
    for n in range(0, 8):
        etl_days = rules.add_working_days(np.array(starts, dtype="datetime64[D]"), n)
        assert [periods.add_working_days(s, n) for s in starts] == [d.astype(object) for d in etl_days]
    # and the due date the ETL stores uses the same days
    due = rules.due_dates(np.array([date(2025, 6, 2)], dtype="datetime64[D]"), np.array(["feedback"]))
    assert due[0] == np.datetime64("2025-06-06")


def test_working_days_between_counts_the_make_up_day_and_skips_the_extra_day_off(configured):
    cal = workdays.default()
    got = cal.working_days_between(np.array(["2025-06-02"], dtype="datetime64[D]"), np.array(["2025-06-09"]))
    assert list(got) == [5]  # Mon 2, Wed 4, Thu 5, Fri 6, Sat 7
    plain = WorkCalendar()
    assert list(plain.working_days_between(np.array(["2025-06-02"]), np.array(["2025-06-09"]))) == [5]  # Mon-Fri


def test_without_the_config_the_read_side_would_have_been_wrong(configured):
    # what periods.add_working_days used to compute (holidays package only) differs here
    assert WorkCalendar().working_day_after(date(2025, 6, 2), 1) == date(2025, 6, 3)
    assert periods.add_working_days(date(2025, 6, 2), 1) == date(2025, 6, 4)


def test_window_from_a_day_off_starts_at_once():
    cal = WorkCalendar()
    saturday = date(2025, 3, 8)
    assert cal.working_day_after(saturday, 0) == saturday
    assert cal.working_day_after(saturday, 1) == date(2025, 3, 10)
    assert cal.working_day_after(saturday, 2) == date(2025, 3, 11)
    # a due date counts from the next working day instead (busday_offset roll='forward')
    assert cal.add_working_days(np.array([saturday]), 2)[0] == np.datetime64("2025-03-12")


def test_make_up_saturday_known_to_the_package_is_a_working_day():
    assert WorkCalendar().is_working_day(date(2025, 4, 26))
    assert not WorkCalendar().is_working_day(date(2025, 5, 2))


def test_calendar_config_errors():
    with pytest.raises(workdays.CalendarConfigError):
        WorkCalendar.from_dict({"extra_holidays": ["03/06/2025"]})
    with pytest.raises(workdays.CalendarConfigError):
        WorkCalendar.from_dict({"holiday_years": [2035, 2015]})


def test_shipped_config_builds_the_default_calendar():
    workdays.default.cache_clear()
    cal = workdays.default()
    assert cal == WorkCalendar.from_config(workdays.DEADLINES_YAML)
    # the ETL's rules, from the same file, count on an equal calendar
    assert DeadlineRules.from_file(workdays.DEADLINES_YAML).calendar == cal
    assert cal.holidays().dtype == np.dtype("datetime64[D]")


def test_today_can_be_fixed_by_environment(monkeypatch):
    monkeypatch.setenv("CCHC_TODAY", "2025-11-10")
    assert clock.today() == date(2025, 11, 10)
    assert warehouse.today() == date(2025, 11, 10)
    monkeypatch.setenv("CCHC_TODAY", "10/11/2025")
    with pytest.raises(ValueError, match="CCHC_TODAY"):
        clock.today()


def test_today_defaults_to_the_province_date(monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    monkeypatch.delenv("CCHC_TODAY", raising=False)
    before = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    got = clock.today()
    after = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    assert before <= got <= after
    assert warehouse.today() in (got, after)
