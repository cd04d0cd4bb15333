"""Definitions used both by the ETL (values it stores) and by the read side (values it computes),
written once here: the on-time rule. No Streamlit and no etl import here.

On time (đúng hạn): handled on or before the due date, counting only items within the agency's
remit — items transferred elsewhere or outside its remit are shown but left out of the rate."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Per row, over the complaints table (or any row model with these columns):
# the item counts in the on-time rate ...
RATED_SQL = "in_remit and resolved_date is not null and due_date is not null"
# ... and, counted in it, was handled on or before its due date.
ON_TIME_SQL = "in_remit and resolved_date <= due_date"
# The stored flag complaints.is_on_time: true / false for rated items, null for the rest.
IS_ON_TIME_SQL = f"case when {RATED_SQL} then resolved_date <= due_date end"


def is_on_time(in_remit: object, resolved: object, due: object) -> pd.arrays.BooleanArray:
    """The flag the ETL stores as complaints.is_on_time (same as IS_ON_TIME_SQL): True when an
    item within remit was resolved on or before its due date, False when after, <NA> when it is
    outside the remit, not resolved, or has no due date. Dates as datetime64 / date objects."""
    remit = np.asarray(pd.array(in_remit, dtype="boolean").fillna(False), dtype=bool)
    resolved, due = _days(resolved), _days(due)
    rated = remit & ~np.isnat(resolved) & ~np.isnat(due)
    return pd.arrays.BooleanArray(np.where(rated, resolved <= due, False), ~rated)


def _days(values: object) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind != "M":
        arr = np.asarray(pd.to_datetime(pd.Series(arr, dtype=object), format="ISO8601"))
    return arr.astype("datetime64[D]")
