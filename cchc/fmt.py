"""Numbers, percentages and dates as Vietnamese readers expect them (1.234.567; 12,5 %;
dd/mm/yyyy), or the English equivalents."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
from babel.numbers import format_decimal

from cchc.core.periods import Period
from cchc.i18n import lang, t

_LOCALES = {"vi": "vi_VN", "en": "en_GB"}
DASH = "—"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _missing(x: object) -> bool:
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    try:
        return isinstance(x, float) and math.isnan(x)
    except TypeError:
        return False


def number(x: object, decimals: int = 0, lang_: str | None = None) -> str:
    if _missing(x):
        return DASH
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(float(x) if decimals else round(float(x)), format=pattern, locale=_LOCALES[lang_ or lang()])


def percent(x: object, decimals: int = 1, lang_: str | None = None) -> str:
    """A share 0..1 as '12,5 %' (vi) or '12.5%' (en)."""
    if _missing(x):
        return DASH
    lang_ = lang_ or lang()
    body = number(100 * float(x), decimals, lang_)
    return f"{body} %" if lang_ == "vi" else f"{body}%"


def days(x: object, decimals: int = 1, lang_: str | None = None) -> str:
    if _missing(x):
        return DASH
    value = float(x)
    places = 0 if value == int(value) else decimals
    return t("unit.days_n", lang_, n=number(value, places, lang_))


def value(x: object, unit: str, lang_: str | None = None) -> str:
    """A measure value in its unit (count, rate, days, ratio)."""
    if unit == "rate":
        return percent(x, 1, lang_)
    if unit == "days":
        return days(x, 1, lang_)
    if unit == "ratio":
        return number(x, 2, lang_)
    return number(x, 0, lang_)


def day(d: object) -> str:
    if _missing(d):
        return DASH
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return d.strftime("%d/%m/%Y")


def moment(ts: object) -> str:
    if _missing(ts):
        return DASH
    if not isinstance(ts, datetime):
        ts = pd.Timestamp(ts).to_pydatetime()
    return ts.strftime("%H:%M %d/%m/%Y")


def month(d: object) -> str:
    return DASH if _missing(d) else pd.Timestamp(d).strftime("%m/%Y")


def change(current: object, previous: object, unit: str, lang_: str | None = None) -> str | None:
    """Signed change: relative for counts and days ('+12,5 %'), in points for rates ('+1,2 đ.%')."""
    if _missing(current) or _missing(previous):
        return None
    cur, prev = float(current), float(previous)
    if unit == "rate":
        diff = 100 * (cur - prev)
        return f"{_sign(diff)}{number(abs(diff), 1, lang_)} {t('unit.points', lang_)}"
    if prev == 0:
        return None if cur == 0 else t("unit.new", lang_)
    rel = (cur - prev) / prev
    return f"{_sign(rel)}{percent(abs(rel), 1, lang_)}"


def _sign(x: float) -> str:
    return "+" if x > 0 else ("-" if x < 0 else "±")


def separators(lang_: str | None = None) -> str:
    """Plotly `separators`: decimal mark then thousands mark."""
    return ",." if (lang_ or lang()) == "vi" else ".,"


def period_label(p: Period, lang_: str | None = None) -> str:
    """'Tháng 10/2025', 'Quý III/2025', '01/01/2025 – 31/03/2025' ...; official cuts show their days."""
    lang_ = lang_ or lang()
    e = p.end
    if p.unit == "month":
        text = t("period_label.month", lang_, m=f"{e.month:02d}", y=e.year)
    elif p.unit == "quarter":
        qn = (e.month - 1) // 3 + 1
        text = t("period_label.quarter", lang_, q=ROMAN[qn], qn=qn, y=e.year)
    elif p.unit == "half":
        text = t("period_label.half", lang_, y=e.year)
    elif p.unit == "year":
        text = t("period_label.year", lang_, y=e.year)
    elif p.unit == "12m":
        text = t("period_label.12m", lang_, m=f"{e.month:02d}", y=e.year)
    else:
        text = f"{day(p.start)} – {day(p.end)}"
    if p.unit != "custom" and p.cut == "official":
        text += f" ({day(p.start)} – {day(p.end)})"
    if p.effective_end < p.end:
        text += " " + t("period_label.to_date", lang_, d=day(p.effective_end))
    return text
