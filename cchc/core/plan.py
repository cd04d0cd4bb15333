"""The annual inspection plan against the inspections held (kế hoạch và thực hiện).

A plan row (table inspection_plans, loaded by `python -m etl plan`) names an agency, a planned
quarter or month, a type (planned, joint, self) and its due date (the period's last day). Each
is paired with an inspection of the same unit (rolled up to today's unit), the same type and the
same year, in date order: the earliest plan row with the earliest inspection, and so on. Then
- done_on_time: held on or before the due date; done_late: held after it;
- overdue: no inspection and the due date is before today (Period.as_of);
- pending: no inspection yet, not yet due;
- unplanned: a planned, joint or self-inspection of the year that pairs with no plan row.
Unannounced inspections are never planned; they are counted apart. A self-inspection plan row is
a report the agency owes: submitted when paired, missing when overdue.

`period` is the plan year: Period(1 January, 31 December, as_of=today); rows of the plan year
(start.year) count, and inspections held up to its last counted day."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from cchc.core import warehouse
from cchc.core.filters import Filters
from cchc.core.periods import Period
from cchc.core.rows import PeriodSpec, facts_sql, units_sql
from cchc.core.warehouse import Scope

PLANNABLE = ("planned", "joint", "self")
STATES = ("done_on_time", "done_late", "overdue", "pending")

PLAN_COLUMNS = [
    "source",
    "plan_id",
    "plan_year",
    "plan_quarter",
    "plan_month",
    "period_start",
    "due_date",
    "inspection_type",
    "lead_unit",
    "agency_name_raw",
    "topic_masked",
    "unit_id",
    "unit_name",
    "unit_short_name",
    "unit_level",
]


def plans(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """The plan rows of the year, each with the unit it is shown as (today's unit), within the
    level, agency and inspection-type filters."""
    f = replace(f, rollup=True)
    u_sql, u_params = units_sql(f)
    types = list(f.inspection_types) or list(PLANNABLE)
    sql = f"""with {u_sql}
select p.source, p.plan_id, p.plan_year, p.plan_quarter, p.plan_month, p.period_start, p.due_date,
       p.inspection_type, p.lead_unit, p.agency_name_raw, p.topic_masked,
       u.unit_id, u.unit_name, u.unit_short_name, u.unit_level
from inspection_plans p
join units u on u.agency_id = p.agency_id
where p.plan_year = ? and list_contains(?, p.inspection_type)
order by u.unit_id, p.inspection_type, p.due_date, p.period_start, p.plan_id"""
    return warehouse.run(sql, [*u_params, period.start.year, types], scope=scope)


def held(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Inspections held in the plan year up to its last counted day (the row model
    inspection_facts, rolled up to today's units)."""
    facts, params = facts_sql(replace(f, rollup=True), [PeriodSpec.of("year", period)])
    sql = f"""with {facts}
select inspection_id, source, inspected_on, inspection_type, unit_id, unit_name, unit_short_name, unit_level,
       lead_unit
from inspection_facts
order by unit_id, inspection_type, inspected_on, inspection_id"""
    return warehouse.run(sql, params, scope=scope)


def matched(f: Filters, period: Period, *, scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(plan rows with their status and the inspection paired with each, inspections held that
    pair with no plan row: unplanned and unannounced)."""
    # overdue: due before today (as_of), even when the year is over; a past year without as_of is
    # judged the day after it ends
    ref = pd.Timestamp(period.as_of) if period.as_of else pd.Timestamp(period.end) + pd.Timedelta(days=1)
    p = plans(f, period, scope=scope)
    h = held(f, period, scope=scope)
    p["inspection_id"] = None
    p["done_on"] = pd.NaT
    h["paired"] = False
    h_groups = {k: g.index for k, g in h[h["inspection_type"].isin(PLANNABLE)].groupby(["unit_id", "inspection_type"])}
    for key, rows in p.groupby(["unit_id", "inspection_type"]).groups.items():
        done = list(h_groups.get(key, []))
        for plan_ix, held_ix in zip(rows, done, strict=False):
            p.at[plan_ix, "inspection_id"] = h.at[held_ix, "inspection_id"]
            p.at[plan_ix, "done_on"] = pd.Timestamp(h.at[held_ix, "inspected_on"])
            h.at[held_ix, "paired"] = True
    due = pd.to_datetime(p["due_date"])
    done_on = pd.to_datetime(p["done_on"])
    p["status"] = [
        ("done_on_time" if d <= u else "done_late") if not pd.isna(d) else ("overdue" if u < ref else "pending")
        for d, u in zip(done_on, due, strict=True)
    ]
    p["days_late"] = [
        (d - u).days if s == "done_late" else ((ref - u).days if s == "overdue" else None)
        for d, u, s in zip(done_on, due, p["status"], strict=True)
    ]
    p["days_late"] = p["days_late"].astype("Int64")
    extra = h[~h["paired"]].copy()
    extra["status"] = ["unplanned" if t in PLANNABLE else "unannounced" for t in extra["inspection_type"]]
    extra["quarter"] = (pd.to_datetime(extra["inspected_on"]).dt.month - 1) // 3 + 1
    return p.reset_index(drop=True), extra.drop(columns="paired").reset_index(drop=True)


def by_quarter(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Per quarter of the plan year: planned (by planned quarter) and their outcomes, unplanned
    and unannounced inspections (by the quarter held)."""
    p, extra = matched(f, period, scope=scope)
    out = pd.DataFrame({"quarter": [1, 2, 3, 4]})
    out["planned"] = [int((p["plan_quarter"] == q).sum()) for q in out["quarter"]]
    for state in STATES:
        out[state] = [int(((p["plan_quarter"] == q) & (p["status"] == state)).sum()) for q in out["quarter"]]
    for state in ("unplanned", "unannounced"):
        out[state] = [int(((extra["quarter"] == q) & (extra["status"] == state)).sum()) for q in out["quarter"]]
    out["done"] = out["done_on_time"] + out["done_late"]
    return out


def by_agency(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Per unit: planned and their outcomes, unplanned and unannounced inspections of the year;
    units with most overdue first."""
    p, extra = matched(f, period, scope=scope)
    keys = ["unit_id", "unit_name", "unit_level"]
    units = pd.concat([p[keys], extra[keys]]).drop_duplicates("unit_id")
    out = units.copy()
    out["planned"] = out["unit_id"].map(p.groupby("unit_id").size()).fillna(0).astype("int64")
    for state in STATES:
        counts = p[p["status"] == state].groupby("unit_id").size()
        out[state] = out["unit_id"].map(counts).fillna(0).astype("int64")
    for state in ("unplanned", "unannounced"):
        counts = extra[extra["status"] == state].groupby("unit_id").size()
        out[state] = out["unit_id"].map(counts).fillna(0).astype("int64")
    out["done"] = out["done_on_time"] + out["done_late"]
    out = out.sort_values(["overdue", "done_late", "planned", "unit_name"], ascending=[False, False, False, True])
    return out.reset_index(drop=True)


def self_reports(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Self-inspection reports the plan asks for, per unit: owed, submitted (on time or late),
    missing (past due) and not yet due."""
    p, _ = matched(replace(f, inspection_types=()), period, scope=scope)
    p = p[p["inspection_type"] == "self"]
    if p.empty:
        return pd.DataFrame(
            columns=["unit_id", "unit_name", "unit_level", "owed", "submitted", "late", "missing", "not_due"]
        )
    g = p.groupby(["unit_id", "unit_name", "unit_level"])
    out = g.size().rename("owed").reset_index()
    for name, states in (
        ("submitted", ("done_on_time", "done_late")),
        ("late", ("done_late",)),
        ("missing", ("overdue",)),
        ("not_due", ("pending",)),
    ):
        counts = p[p["status"].isin(states)].groupby("unit_id").size()
        out[name] = out["unit_id"].map(counts).fillna(0).astype("int64")
    return out.sort_values(["missing", "late", "unit_name"], ascending=[False, False, True]).reset_index(drop=True)


def years(*, scope: Scope) -> pd.DataFrame:
    """Plan years loaded (that the scope can see), latest first."""
    sql = "select plan_year, count(*) as rows from inspection_plans group by plan_year order by plan_year desc"
    return warehouse.run(sql, [], scope=scope)
