"""The province's today, for the ETL and the read side alike."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

TIMEZONE = "Asia/Ho_Chi_Minh"


def today() -> date:
    """Today in the province's time zone (the machine may run on UTC); CCHC_TODAY=YYYY-MM-DD
    fixes it, for reproducible tests, demos and reports."""
    fixed = os.environ.get("CCHC_TODAY")
    if fixed:
        return date.fromisoformat(fixed)
    return datetime.now(ZoneInfo(TIMEZONE)).date()
