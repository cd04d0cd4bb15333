"""The row models every measure is computed over, defined once.

- `complaint_facts`: one row per complaint to be handled in a period (received in it, or still
  open at its start), per period, with the flags is_received, is_carried_over, is_resolved,
  is_open_at_ref and, for items open at the period's last counted day (ref_date), their
  deadline_state (overdue / nearly_due / not_yet_due / no_due) and age_bucket;
- `inspection_facts`: one row per inspection held in a period;
- `violation_facts`: one row per finding of those inspections.

Each row carries the unit it is shown as (`unit_id`: as it was, or rolled up to today's unit)
and its level. The scope is not applied here: the connection a query runs on holds only the
scope's rows (cchc.core.warehouse).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cchc import codebook
from cchc.core import config
from cchc.core.filters import Filters
from cchc.core.periods import Period, add_working_days

AGE_BUCKETS = codebook.codes("age_bucket")
DEADLINE_STATES = codebook.codes("deadline_state")


@dataclass(frozen=True)
class PeriodSpec:
    """One period a row model is built for: `ref` is the last day counted (open items are
    'open at ref'), `near` the 'nearly due' horizon (ref + N working days)."""

    label: object
    start: date
    ref: date
    near: date

    @classmethod
    def of(cls, label: object, period: Period) -> PeriodSpec:
        ref = period.effective_end
        return cls(label, period.start, ref, add_working_days(ref, config.nearly_due_days()))


def _in(column: str, values: tuple[str, ...], params: list) -> str:
    params.extend(values)
    return f"{column} in ({', '.join('?' * len(values))})"


# Units that no longer exist carry their last day, so an old and a new unit of the same name
# (a new commune keeps a predecessor's name) stay apart in charts and tables.
_UNTIL = "case when k.valid_to is null then '' else ' (–' || strftime(k.valid_to, '%d/%m/%Y') || ')' end"


def units_sql(f: Filters) -> tuple[str, list]:
    """CTE `units`: each agency -> the unit it is shown as (as it was / today's), kept when that
    unit passes the level and agency filters."""
    params: list = [f.rollup]
    conds = ["true"]
    if f.level:
        conds.append("k.level = ?")
        params.append(f.level)
    if f.agency_ids:
        conds.append(_in("k.agency_id", f.agency_ids, params))
    sql = f"""units as (
    select a.agency_id, k.agency_id as unit_id,
           k.name || {_UNTIL} as unit_name,
           coalesce(k.short_name, k.name) || {_UNTIL} as unit_short_name,
           k.level as unit_level
    from agencies a
    join agencies k
      on k.agency_id = case when ? then coalesce(a.current_id, a.agency_id) else a.agency_id end
    where {" and ".join(conds)}
)"""
    return sql, params


def fact_where(f: Filters, table: str, alias: str) -> tuple[str, list]:
    """Condition on one fact table's own columns from the filters, with bound values."""
    params: list = []
    conds = ["true"]
    if table == "complaints":
        for column, values in (("channel", f.channels), ("kind", f.kinds), ("category", f.categories)):
            if values:
                conds.append(_in(f"{alias}.{column}", values, params))
    elif table == "inspections":
        if f.inspection_types:
            conds.append(_in(f"{alias}.inspection_type", f.inspection_types, params))
    elif table == "violations":
        if f.violation_categories:
            conds.append(_in(f"{alias}.category", f.violation_categories, params))
    else:
        raise ValueError(f"unknown fact table: {table!r}")
    return " and ".join(conds), params


def _periods_sql(specs: list[PeriodSpec]) -> tuple[str, list]:
    rows = ", ".join("(?, ?::date, ?::date, ?::date)" for _ in specs)
    params: list = []
    for s in specs:
        params += [str(s.label), s.start, s.ref, s.near]
    return f"periods(period, start_date, ref_date, near_date) as (values {rows})", params


def facts_sql(f: Filters, specs: list[PeriodSpec], open_only: bool = False) -> tuple[str, list]:
    """The CTEs periods, units, complaint_facts, inspection_facts, violation_facts (no `with`).

    open_only: complaint_facts holds only the rows carried over into a period or open at its
    ref_date (every row where is_carried_over or is_open_at_ref; the measures of open items,
    computed beside the summary tables: cchc/core/summary.py)."""
    if not specs:
        raise ValueError("at least one period")
    p_sql, p_params = _periods_sql(specs)
    u_sql, u_params = units_sql(f)
    c_where, c_params = fact_where(f, "complaints", "c")
    i_where, i_params = fact_where(f, "inspections", "i")
    v_where, v_params = fact_where(f, "violations", "v")
    max_ref = max(s.ref for s in specs)
    min_start = min(s.start for s in specs)
    open_join, open_where, open_params = "", "", []
    if open_only:
        open_join = "\n     and (c.received_date < p.start_date or coalesce(c.resolved_date > p.ref_date, c.is_open))"
        open_where = (
            "\n      and (c.received_date < ? or c.resolved_date > ? or (c.resolved_date is null and c.is_open))"
        )
        open_params = [max(s.start for s in specs), min(s.ref for s in specs)]
    sql = f"""{p_sql},
{u_sql},
complaint_base as (
    select p.period, u.unit_id, u.unit_name, u.unit_short_name, u.unit_level,
           c.source, c.complaint_id, c.channel, c.kind, c.category, c.subcategory, c.status,
           c.in_remit, c.agency_name_raw, c.received_date, c.due_date, c.due_source,
           c.resolved_date, c.resolution_calendar_days, c.resolution_working_days,
           c.is_on_time, c.satisfaction, c.satisfaction_score, c.content_masked,
           p.start_date, p.ref_date, p.near_date,
           c.received_date >= p.start_date as is_received,
           c.received_date < p.start_date as is_carried_over,
           c.in_remit and c.resolved_date between p.start_date and p.ref_date as is_resolved,
           coalesce(c.resolved_date > p.ref_date, c.is_open) as is_open_at_ref
    from complaints c
    join units u on u.agency_id = c.agency_id
    join periods p
      on c.received_date <= p.ref_date
     and (c.received_date >= p.start_date
          or c.resolved_date >= p.start_date
          or (c.resolved_date is null and c.is_open)){open_join}
    -- the same test for the earliest start, on the scan itself, so that DuckDB skips the
    -- long-closed history before joining the periods
    where c.received_date <= ?
      and (c.received_date >= ? or c.resolved_date >= ? or (c.resolved_date is null and c.is_open))
      and {c_where}{open_where}
),
complaint_facts as (
    select *,
           case when not is_open_at_ref then null
                when in_remit and due_date < ref_date then 'overdue'
                when due_date between ref_date and near_date then 'nearly_due'
                when due_date > near_date then 'not_yet_due'
                else 'no_due' end as deadline_state,
           case when not is_open_at_ref then null
                when ref_date - received_date <= 7 then '0-7'
                when ref_date - received_date <= 15 then '8-15'
                when ref_date - received_date <= 30 then '16-30'
                else '>30' end as age_bucket,
           date_trunc('day', received_date)::date as received_day,
           date_trunc('week', received_date)::date as received_week
    from complaint_base
),
inspection_facts as (
    select p.period, u.unit_id, u.unit_name, u.unit_short_name, u.unit_level,
           i.source, i.inspection_id, i.inspection_type, i.inspected_on, i.officials_checked,
           i.team, i.lead_unit, i.agency_name_raw, p.ref_date
    from inspections i
    join units u on u.agency_id = i.agency_id
    join periods p on i.inspected_on between p.start_date and p.ref_date
    where {i_where}
),
violation_facts as (
    select f.*, v.violation_id, v.category as violation_category, v.handling, v.remedy_due,
           v.remedied_on, v.officials_involved, v.description_masked, v.recommendation_masked
    from violations v
    join inspection_facts f on f.source = v.source and f.inspection_id = v.inspection_id
    where {v_where}
)"""
    return sql, [*p_params, *u_params, max_ref, min_start, min_start, *c_params, *open_params, *i_params, *v_params]
