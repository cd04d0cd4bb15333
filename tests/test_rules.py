"""The on-time rule, once: the ETL's stored flag and the read side's SQL agree row by row."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from cchc import rules

D = date
# in_remit, resolved, due, expected stored flag
CASES = [
    (True, D(2025, 3, 10), D(2025, 3, 10), True),  # on the due date: on time
    (True, D(2025, 3, 9), D(2025, 3, 10), True),
    (True, D(2025, 3, 11), D(2025, 3, 10), False),  # a day late
    (False, D(2025, 3, 9), D(2025, 3, 10), None),  # transferred / outside remit: not rated
    (False, D(2025, 3, 11), D(2025, 3, 10), None),
    (True, None, D(2025, 3, 10), None),  # still open
    (True, D(2025, 3, 9), None, None),  # no due date
    (False, None, None, None),
]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "in_remit": [c[0] for c in CASES],
            "resolved_date": pd.to_datetime(pd.Series([c[1] for c in CASES], dtype=object)),
            "due_date": pd.to_datetime(pd.Series([c[2] for c in CASES], dtype=object)),
        }
    )


def test_is_on_time_applies_the_remit_rule():
    df = _frame()
    got = rules.is_on_time(df["in_remit"], df["resolved_date"].values, df["due_date"].values)
    assert isinstance(got, pd.arrays.BooleanArray)
    assert [None if pd.isna(v) else bool(v) for v in got] == [c[3] for c in CASES]


def test_is_on_time_takes_date_objects_and_datetimes_with_time():
    got = rules.is_on_time(
        [True, True],
        [pd.Timestamp("2025-03-10 17:30"), date(2025, 3, 11)],
        np.array(["2025-03-10", "2025-03-10"], dtype="datetime64[D]"),
    )
    assert list(got) == [True, False]


def test_without_the_remit_rule_the_flag_would_differ():
    # what etl/load.py stored before: resolved <= due, remit ignored
    df = _frame()
    old = df["resolved_date"] <= df["due_date"]
    new = rules.is_on_time(df["in_remit"], df["resolved_date"].values, df["due_date"].values)
    assert bool(old[3]) is True and pd.isna(new[3])


@pytest.mark.parametrize("dtype", ["date", "timestamp"])
def test_sql_definitions_agree_with_the_stored_flag(dtype):
    df = _frame()
    con = duckdb.connect()
    con.register("f", df)
    rows = con.execute(
        f"""select {rules.IS_ON_TIME_SQL} as stored, {rules.ON_TIME_SQL} as on_time, {rules.RATED_SQL} as rated
            from (select in_remit, resolved_date::{dtype} as resolved_date, due_date::{dtype} as due_date from f)"""
    ).fetchall()
    con.close()
    expected = [c[3] for c in CASES]
    assert [r[0] for r in rows] == expected
    # counted as on time by the measures <=> stored True; rated <=> stored not null
    assert [bool(r[1]) for r in rows] == [e is True for e in expected]
    assert [bool(r[2]) for r in rows] == [e is not None for e in expected]
