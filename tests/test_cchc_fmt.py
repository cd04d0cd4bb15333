"""Numbers, percentages and dates in Vietnamese and English conventions."""

from datetime import date, datetime

import pytest

from cchc import fmt
from cchc.core.periods import resolve


@pytest.mark.parametrize(
    "call,wanted",
    [
        (lambda: fmt.number(1234567, lang_="vi"), "1.234.567"),
        (lambda: fmt.number(1234567, lang_="en"), "1,234,567"),
        (lambda: fmt.number(2.456, 2, lang_="vi"), "2,46"),
        (lambda: fmt.percent(0.125, lang_="vi"), "12,5 %"),
        (lambda: fmt.percent(0.125, lang_="en"), "12.5%"),
        (lambda: fmt.percent(None, lang_="vi"), "—"),
        (lambda: fmt.days(7.0, lang_="vi"), "7 ngày"),
        (lambda: fmt.days(7.5, lang_="en"), "7.5 days"),
        (lambda: fmt.day(date(2025, 7, 1)), "01/07/2025"),
        (lambda: fmt.moment(datetime(2025, 7, 1, 9, 5)), "09:05 01/07/2025"),
        (lambda: fmt.change(110, 100, "count", lang_="vi"), "+10,0 %"),
        (lambda: fmt.change(0.9, 0.95, "rate", lang_="vi"), "-5,0 điểm %"),
        (lambda: fmt.change(5, 0, "count", lang_="vi"), "mới phát sinh"),
        (lambda: fmt.change(None, 3, "count", lang_="vi"), None),
        (lambda: fmt.separators("vi"), ",."),
    ],
)
def test_formats(call, wanted):
    assert call() == wanted


@pytest.mark.parametrize(
    "preset,cut,lang,wanted",
    [
        ("last_month", "calendar", "vi", "Tháng 10/2025"),
        ("last_quarter", "calendar", "vi", "Quý III/2025"),
        ("last_quarter", "calendar", "en", "Q3 2025"),
        ("last_month", "official", "vi", "Tháng 10/2025 (15/09/2025 – 14/10/2025)"),
        ("last_year", "calendar", "vi", "Năm 2024"),
    ],
)
def test_period_label(preset, cut, lang, wanted):
    assert fmt.period_label(resolve(preset, date(2025, 11, 10), cut), lang) == wanted


def test_running_period_label_says_to_which_day():
    label = fmt.period_label(resolve("this_month", date(2025, 11, 10)), "vi")
    assert label == "Tháng 11/2025 — số liệu đến 10/11/2025"
