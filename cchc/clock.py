"""The province's "today": the date in Asia/Ho_Chi_Minh (the server may run on UTC), or the date
in CCHC_TODAY=YYYY-MM-DD, so that tests and reports can be reproduced on a fixed day.
No Streamlit and no etl import here."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
TODAY_ENV = "CCHC_TODAY"
TZ_ENV = "CCHC_TZ"


def timezone() -> str:
    return os.environ.get(TZ_ENV) or DEFAULT_TIMEZONE


def today() -> date:
    """Today in the province: CCHC_TODAY if set (YYYY-MM-DD), else the date in its time zone."""
    fixed = os.environ.get(TODAY_ENV, "").strip()
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            raise ValueError(f"{TODAY_ENV}={fixed!r} is not a date (YYYY-MM-DD)") from None
    return datetime.now(ZoneInfo(timezone())).date()
