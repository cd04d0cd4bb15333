"""All SQL of the dashboard. Values are bound with `?`; the only text spliced into SQL is
fixed fragments from this module and measures.py and identifiers from filters.ident()."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from cchc import config, db, measures
from cchc.filters import Filters, ident, units_cte, where
from cchc.periods import Period, add_months, add_working_days, month_bucket_sql

# Named queries with no parameters beyond scope; db.query() accepts these names.
SQL: dict[str, str] = {
    "data_as_of": """
        with batches as (
            select max(loaded_at) as loaded_at, count(*) as batches from load_batches
        ),
        latest as (
            select max(c.received_date) as last_received
            from complaints c join scope_units s on s.agency_id = c.agency_id
        )
        select b.loaded_at, b.batches, l.last_received from batches b, latest l
    """,
    "categories_present": """
        select c.category, count(*) as n
        from complaints c join scope_units s on s.agency_id = c.agency_id
        where c.category is not null
        group by c.category
        order by n desc
    """,
    "load_batches": """
        select batch_id, file_name, kind, mapping_name, loaded_at, rows_in, rows_loaded,
               rows_updated, rows_unchanged, rows_rejected, min_event_date, max_event_date
        from load_batches
        order by batch_id desc
    """,
}


@dataclass(frozen=True)
class PeriodSpec:
    label: str
    start: date
    ref: date  # last day counted: open items are "open at ref"
    near: date  # ref + N working days: the "nearly due" horizon

    @classmethod
    def of(cls, label: str, period: Period) -> PeriodSpec:
        ref = period.effective_end
        return cls(label, period.start, ref, add_working_days(ref, config.nearly_due_days()))


def _periods_cte(specs: list[PeriodSpec]) -> tuple[str, list]:
    rows = ", ".join("(?, ?::date, ?::date, ?::date)" for _ in specs)
    params: list = []
    for s in specs:
        params += [s.label, s.start, s.ref, s.near]
    return f"periods(period, start_date, ref_date, near_date) as (values {rows})", params


def _facts(f: Filters, specs: list[PeriodSpec]) -> tuple[str, list]:
    """periods, units, complaint_facts, inspection_facts, violation_facts CTEs (no `with`)."""
    p_sql, p_params = _periods_cte(specs)
    u_sql, u_params = units_cte(f)
    c_where, c_params = where(f, "complaints", "c")
    i_where, i_params = where(f, "inspections", "i")
    v_where, v_params = where(f, "violations", "v")
    max_ref = max(s.ref for s in specs)
    min_start = min(s.start for s in specs)
    sql = f"""{p_sql},
{u_sql},
complaint_facts as (
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
          or (c.resolved_date is null and c.is_open))
    -- the same test for the earliest start, on the scan itself, so that DuckDB skips the
    -- long-closed history before joining the periods
    where c.received_date <= ?
      and (c.received_date >= ? or c.resolved_date >= ? or (c.resolved_date is null and c.is_open))
      and {c_where}
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
    select f.*, v.violation_id, v.category, v.handling, v.remedy_due, v.remedied_on,
           v.officials_involved, v.description_masked, v.recommendation_masked
    from violations v
    join inspection_facts f on f.source = v.source and f.inspection_id = v.inspection_id
    where {v_where}
)"""
    return sql, [*p_params, *u_params, max_ref, min_start, min_start, *c_params, *i_params, *v_params]


def _agg(source: str) -> str:
    parts = []
    for m in measures.by_source(source):
        parts.append(f"{m.sql} as {m.name}")
    return ",\n           ".join(parts)


def _final_columns(alias: dict[str, str]) -> str:
    cols = []
    for m in measures.MEASURES.values():
        if m.source == "derived":
            continue
        expr = f"{alias[m.source]}.{m.name}"
        cols.append(f"coalesce({expr}, 0) as {m.name}" if m.unit == "count" else f"{expr} as {m.name}")
    return ",\n           ".join(cols)


def _derived() -> str:
    return ",\n       ".join(f"{m.sql} as {m.name}" for m in measures.by_source("derived"))


def measure_table_sql(f: Filters, specs: list[PeriodSpec], by_unit: bool) -> tuple[str, list]:
    """One row per period (and unit) with every measure in measures.py."""
    facts, params = _facts(f, specs)
    keys = "period, unit_id" if by_unit else "period"
    on = "{a}.period = k.period" + (" and {a}.unit_id = k.unit_id" if by_unit else "")
    if by_unit:
        key_rows = """keys as (
    select period, unit_id from c_agg
    union select period, unit_id from i_agg
    union select period, unit_id from v_agg
),
unit_info as (
    select distinct unit_id, unit_name, unit_short_name, unit_level from units
)"""
        key_cols = "k.period, k.unit_id, n.unit_name, n.unit_short_name, n.unit_level"
        key_join = "join unit_info n on n.unit_id = k.unit_id"
    else:
        key_rows = "keys as (select period from periods)"
        key_cols = "k.period"
        key_join = ""
    sql = f"""with {facts},
c_agg as (
    select {keys},
           {_agg("complaints")}
    from complaint_facts group by {keys}
),
i_agg as (
    select {keys},
           {_agg("inspections")}
    from inspection_facts group by {keys}
),
v_agg as (
    select {keys},
           {_agg("violations")}
    from violation_facts group by {keys}
),
{key_rows},
joined as (
    select {key_cols},
           {_final_columns({"complaints": "c", "inspections": "i", "violations": "v"})}
    from keys k
    {key_join}
    left join c_agg c on {on.format(a="c")}
    left join i_agg i on {on.format(a="i")}
    left join v_agg v on {on.format(a="v")}
)
select *,
       {_derived()}
from joined"""
    return sql, params


def headline(f: Filters, period: Period) -> pd.DataFrame:
    """Every measure for the period, the period before and the same period last year,
    indexed by 'current', 'previous', 'year_ago'."""
    specs = [
        PeriodSpec.of("current", period),
        PeriodSpec.of("previous", period.previous()),
        PeriodSpec.of("year_ago", period.year_ago()),
    ]
    sql, params = measure_table_sql(f, specs, by_unit=False)
    return db.query(sql, params).set_index("period")


def by_unit(f: Filters, period: Period) -> pd.DataFrame:
    """Every measure per unit (as filtered: as it was or rolled up) for the period."""
    sql, params = measure_table_sql(f, [PeriodSpec.of("current", period)], by_unit=True)
    out = db.query(sql, params)
    return out.drop(columns="period").sort_values("unit_name").reset_index(drop=True)


# --- trends --------------------------------------------------------------------------------


def trend_window(period: Period, months: int) -> tuple[date, date, date, date]:
    """(first month label, last month label, first day, last day) of the `months` reporting
    months ending with the one that holds the period's last counted day."""
    ref = period.effective_end
    if period.cut == "official":
        last = add_months(date(ref.year, ref.month, 1), 1 if ref.day >= 15 else 0)
        first = add_months(last, -(months - 1))
        return first, last, add_months(first, -1) + timedelta(days=14), min(ref, date(last.year, last.month, 14))
    last = date(ref.year, ref.month, 1)
    first = add_months(last, -(months - 1))
    return first, last, first, ref


def monthly_trend(f: Filters, period: Period, months: int = 24) -> pd.DataFrame:
    """Per reporting month: received (by date received), resolved and on-time rate (by date
    resolved, same definitions as measures.on_time_rate)."""
    first, last, lo, hi = trend_window(period, months)
    u_sql, u_params = units_cte(f)
    c_where, c_params = where(f, "complaints", "c")
    rb = month_bucket_sql("received_date", period.cut)
    sb = month_bucket_sql("resolved_date", period.cut)
    sql = f"""with {u_sql},
base as (
    select c.received_date, c.resolved_date, c.due_date, c.in_remit
    from complaints c
    join units u on u.agency_id = c.agency_id
    where (c.received_date between ? and ? or c.resolved_date between ? and ?) and {c_where}
),
months as (
    select unnest(generate_series(?::date, ?::date, interval 1 month))::date as month
),
received as (
    select {rb} as month, count(*) as received
    from base where received_date between ? and ? group by 1
),
resolved as (
    select {sb} as month,
           count(*) as resolved,
           count_if(resolved_date <= due_date) as on_time,
           count_if(due_date is not null) as rated
    from base where in_remit and resolved_date between ? and ? group by 1
)
select m.month, coalesce(r.received, 0) as received, coalesce(s.resolved, 0) as resolved,
       coalesce(s.on_time, 0) as on_time, s.on_time / nullif(s.rated, 0) as on_time_rate
from months m
left join received r using (month)
left join resolved s using (month)
order by m.month"""
    params = [*u_params, lo, hi, lo, hi, *c_params, first, last, lo, hi, lo, hi]
    return db.query(sql, params)


def unit_sparklines(f: Filters, period: Period, months: int = 12) -> pd.DataFrame:
    """Per unit: the list of monthly received counts over the last `months` months."""
    first, last, lo, hi = trend_window(period, months)
    u_sql, u_params = units_cte(f)
    c_where, c_params = where(f, "complaints", "c")
    rb = month_bucket_sql("c.received_date", period.cut)
    sql = f"""with {u_sql},
months as (
    select unnest(generate_series(?::date, ?::date, interval 1 month))::date as month
),
counts as (
    select u.unit_id, {rb} as month, count(*) as received
    from complaints c
    join units u on u.agency_id = c.agency_id
    where c.received_date between ? and ? and {c_where}
    group by all
),
grid as (
    select k.unit_id, m.month from (select distinct unit_id from counts) k, months m
)
select g.unit_id, list(coalesce(c.received, 0) order by g.month) as trend
from grid g
left join counts c using (unit_id, month)
group by g.unit_id"""
    return db.query(sql, [*u_params, first, last, lo, hi, *c_params])


# --- complaints page -----------------------------------------------------------------------

GRAINS = ("day", "week", "month")
BREAKDOWNS = ("channel", "kind", "category")


def default_grain(period: Period) -> str:
    """Days for a month, weeks for a quarter or half, months beyond."""
    if period.days <= 62:
        return "day"
    return "week" if period.days <= 190 else "month"


def _grain_sql(grain: str, cut: str) -> str:
    if grain == "day":
        return "received_date"
    if grain == "week":
        return "date_trunc('week', received_date)::date"
    return month_bucket_sql("received_date", cut)


def volume(f: Filters, period: Period, grain: str, breakdown: str) -> pd.DataFrame:
    """Received in the period per time bucket and value of `breakdown`."""
    if grain not in GRAINS or breakdown not in BREAKDOWNS:
        raise ValueError("unknown grain or breakdown")
    facts, params = _facts(f, [PeriodSpec.of("current", period)])
    col = ident(breakdown)
    sql = f"""with {facts}
select {_grain_sql(grain, period.cut)} as bucket, coalesce({col}, 'unknown') as value,
       count(*) as received
from complaint_facts
where is_received
group by all
order by bucket, value"""
    return db.query(sql, params)


def received_by(f: Filters, period: Period, dimension: str) -> pd.DataFrame:
    """Received in the period per value of one dimension (channel, kind, category)."""
    if dimension not in BREAKDOWNS:
        raise ValueError("unknown dimension")
    facts, params = _facts(f, [PeriodSpec.of("current", period)])
    col = ident(dimension)
    sql = f"""with {facts}
select coalesce({col}, 'unknown') as value, count(*) as received
from complaint_facts
where is_received
group by all
order by received desc, value"""
    return db.query(sql, params)


def unit_month_heatmap(f: Filters, period: Period, months: int = 12, top: int = 20) -> pd.DataFrame:
    """Received per unit and month, for the `top` units by volume in the window."""
    first, last, lo, hi = trend_window(period, months)
    u_sql, u_params = units_cte(f)
    c_where, c_params = where(f, "complaints", "c")
    rb = month_bucket_sql("c.received_date", period.cut)
    sql = f"""with {u_sql},
counts as (
    select u.unit_id, u.unit_name, {rb} as month, count(*) as received
    from complaints c
    join units u on u.agency_id = c.agency_id
    where c.received_date between ? and ? and {c_where}
    group by all
),
top_units as (
    select unit_id, sum(received) as total from counts
    group by unit_id order by total desc, unit_id limit ?
)
select c.unit_id, c.unit_name, c.month, c.received, t.total
from counts c join top_units t using (unit_id)
order by t.total desc, c.unit_id, c.month"""
    return db.query(sql, [*u_params, lo, hi, *c_params, top])


def channel_mix(f: Filters, period: Period, months: int = 24) -> pd.DataFrame:
    """Received per reporting month and channel over the trend window, with each channel's share."""
    first, last, lo, hi = trend_window(period, months)
    u_sql, u_params = units_cte(f)
    c_where, c_params = where(f, "complaints", "c")
    rb = month_bucket_sql("c.received_date", period.cut)
    sql = f"""with {u_sql},
counts as (
    select {rb} as month, coalesce(c.channel, 'unknown') as value, count(*) as received
    from complaints c
    join units u on u.agency_id = c.agency_id
    where c.received_date between ? and ? and {c_where}
    group by all
)
select month, value, received, received / sum(received) over (partition by month) as share
from counts
order by month, value"""
    return db.query(sql, [*u_params, lo, hi, *c_params])


# --- resolution page -----------------------------------------------------------------------

DAY_COLUMNS = {"calendar": "resolution_calendar_days", "working": "resolution_working_days"}
DAY_BINS = ((0, 2), (3, 5), (6, 10), (11, 15), (16, 30), (31, 60), (61, None))
AGE_BUCKETS = ("0-7", "8-15", "16-30", ">30")
DEADLINE_STATES = ("overdue", "nearly_due", "not_yet_due", "no_due")


def resolution_by_unit(f: Filters, period: Period, days: str, top: int = 20) -> pd.DataFrame:
    """Quartiles and 90th percentile of resolution days per unit, items resolved in the period,
    for the `top` units by number resolved."""
    col = DAY_COLUMNS[days]
    facts, params = _facts(f, [PeriodSpec.of("current", period)])
    sql = f"""with {facts},
stats as (
    select unit_id, unit_name, unit_short_name, count(*) as resolved,
           min({col}) as min_days,
           quantile_cont({col}, 0.25) as q1,
           median({col}) as median,
           quantile_cont({col}, 0.75) as q3,
           quantile_cont({col}, 0.9) as p90,
           max({col}) as max_days
    from complaint_facts
    where is_resolved and {col} is not null
    group by all
)
select * from stats order by resolved desc, unit_id limit ?"""
    return db.query(sql, [*params, top])


def resolution_histogram(f: Filters, period: Period, days: str) -> pd.DataFrame:
    """Items resolved in the period per band of resolution days."""
    col = DAY_COLUMNS[days]
    cases = " ".join(
        f"when {col} <= {hi} then '{lo}-{hi}'" if hi is not None else f"else '>{lo - 1}'" for lo, hi in DAY_BINS
    )
    order = " ".join(
        f"when '{lo}-{hi}' then {n}" if hi is not None else f"else {n}" for n, (lo, hi) in enumerate(DAY_BINS)
    )
    facts, params = _facts(f, [PeriodSpec.of("current", period)])
    sql = f"""with {facts},
banded as (
    select case {cases} end as band
    from complaint_facts
    where is_resolved and {col} is not null
)
select band, count(*) as resolved, case band {order} end as band_order
from banded group by band order by band_order"""
    return db.query(sql, params)


def backlog(f: Filters, period: Period) -> pd.DataFrame:
    """Open items at the period's end (or today) by age bucket and deadline state."""
    facts, params = _facts(f, [PeriodSpec.of("current", period)])
    sql = f"""with {facts},
open_items as (
    select ref_date - received_date as age_days,
           case when in_remit and due_date < ref_date then 'overdue'
                when due_date between ref_date and near_date then 'nearly_due'
                when due_date > near_date then 'not_yet_due'
                else 'no_due' end as deadline
    from complaint_facts
    where is_open_at_ref
)
select case when age_days <= 7 then '0-7' when age_days <= 15 then '8-15'
            when age_days <= 30 then '16-30' else '>30' end as age_bucket,
       deadline, count(*) as items
from open_items
group by all
order by age_bucket, deadline"""
    return db.query(sql, params)


def overdue_items(f: Filters, period: Period, limit: int = 500) -> pd.DataFrame:
    """Open items past their due date at the period's end (or today), most overdue first.
    Identifiers and dates only: no personal data, no free text."""
    facts, params = _facts(f, [PeriodSpec.of("current", period)])
    sql = f"""with {facts}
select complaint_id, unit_id, unit_name, channel, kind, category, status,
       received_date, due_date, ref_date - due_date as days_overdue
from complaint_facts
where is_open_at_ref and in_remit and due_date < ref_date
order by days_overdue desc, complaint_id
limit ?"""
    return db.query(sql, [*params, limit])


# --- inspections page ----------------------------------------------------------------------


def inspections_by_type(f: Filters, period: Period, months: int = 12) -> pd.DataFrame:
    """Inspections per reporting month and type over the trend window."""
    first, last, lo, hi = trend_window(period, months)
    window = Period(lo, hi, "custom", period.cut)
    facts, params = _facts(f, [PeriodSpec.of("window", window)])
    sql = f"""with {facts}
select {month_bucket_sql("inspected_on", period.cut)} as month, inspection_type as value,
       count(*) as inspections
from inspection_facts
group by all
order by month, value"""
    return db.query(sql, params)


def violations_by(f: Filters, period: Period, by_unit: bool, top: int = 15) -> pd.DataFrame:
    """Findings in the period per category (and per unit, top units by findings)."""
    facts, params = _facts(f, [PeriodSpec.of("current", period)])
    if not by_unit:
        sql = f"""with {facts}
select category as value, count(*) as violations
from violation_facts group by all order by violations desc, value"""
        return db.query(sql, params)
    sql = f"""with {facts},
top_units as (
    select unit_id, count(*) as total from violation_facts
    group by unit_id order by total desc, unit_id limit ?
)
select v.unit_id, v.unit_name, v.category as value, count(*) as violations, t.total
from violation_facts v join top_units t using (unit_id)
group by all
order by t.total desc, v.unit_id, value"""
    return db.query(sql, [*params, top])


def repeat_violations(f: Filters, period: Period) -> pd.DataFrame:
    """Units where the same category of violation was found in two or more inspections."""
    facts, params = _facts(f, [PeriodSpec.of("current", period)])
    sql = f"""with {facts}
select unit_id, unit_name, unit_level, category,
       count(distinct inspection_id) as inspections, count(*) as violations,
       max(inspected_on) as last_inspected_on
from violation_facts
group by all
having count(distinct inspection_id) >= 2
order by inspections desc, violations desc, unit_name, category"""
    return db.query(sql, params)


def inspections_list(f: Filters, period: Period, limit: int = 200) -> pd.DataFrame:
    """Inspections held in the period with their number of findings, latest first."""
    facts, params = _facts(f, [PeriodSpec.of("current", period)])
    sql = f"""with {facts},
counts as (
    select source, inspection_id, count(*) as violations,
           string_agg(distinct category, ', ' order by category) as categories
    from violation_facts group by all
)
select i.inspected_on, i.inspection_id, i.unit_id, i.unit_name, i.inspection_type,
       i.officials_checked, coalesce(c.violations, 0) as violations, c.categories
from inspection_facts i
left join counts c using (source, inspection_id)
order by i.inspected_on desc, i.inspection_id
limit ?"""
    return db.query(sql, [*params, limit])


# --- sidebar -------------------------------------------------------------------------------


def unit_options(rollup: bool, level: str | None) -> pd.DataFrame:
    """Agencies offered in the filter: today's units when rolled up, else every unit."""
    params: list = [rollup]
    level_cond = "true"
    if level:
        level_cond = "a.level = ?"
        params.append(level)
    sql = f"""with offered as (
    select a.agency_id, a.name, a.level, a.valid_to
    from agencies a
    join scope_units s on s.agency_id = a.agency_id
    where (not ? or a.current_id is null or a.current_id = a.agency_id) and {level_cond}
)
select * from offered order by level, name, agency_id"""
    return db.query(sql, params)


def agency(agency_id: str) -> pd.DataFrame:
    sql = """with unit as (
    select a.*, p.name as parent_name, c.name as current_name
    from agencies a
    join scope_units s on s.agency_id = a.agency_id
    left join agencies p on p.agency_id = a.parent_id
    left join agencies c on c.agency_id = a.current_id
    where a.agency_id = ?
)
select * from unit"""
    return db.query(sql, [agency_id])


def predecessors(agency_id: str) -> pd.DataFrame:
    """Units that roll up to this one (the old units it was formed from)."""
    sql = """with olds as (
    select a.agency_id, a.name, a.level, a.valid_to
    from agencies a
    join scope_units s on s.agency_id = a.agency_id
    where a.current_id = ? and a.agency_id <> ?
)
select * from olds order by level, name"""
    return db.query(sql, [agency_id, agency_id])


# --- explorer and exports ------------------------------------------------------------------

EXPLORER_TABLES = ("complaints", "inspections", "violations")


EXPLORER_BODIES = {
    # Denouncers must stay unidentifiable (Law on Denunciations): no free text for tố cáo.
    "complaints": """select received_date, complaint_id, source, unit_name, unit_level,
       agency_name_raw, channel, kind, category, subcategory, status, in_remit, due_date,
       due_source, resolved_date, resolution_calendar_days, resolution_working_days,
       is_on_time, satisfaction,
       case when kind = 'denunciation' then null else content_masked end as content_masked
from complaint_facts
where is_received
order by received_date desc, complaint_id, source""",
    "inspections": """select inspected_on, inspection_id, source, unit_name, unit_level,
       agency_name_raw, inspection_type, team, lead_unit, officials_checked
from inspection_facts
order by inspected_on desc, inspection_id, source""",
    "violations": """select inspected_on, inspection_id, violation_id, source, unit_name, unit_level,
       inspection_type, category, officials_involved, handling, description_masked,
       recommendation_masked, remedy_due, remedied_on
from violation_facts
order by inspected_on desc, violation_id, source""",
}


def explorer_sql(f: Filters, period: Period, table: str) -> tuple[str, list]:
    """The filtered rows of one fact table, newest first, without personal data: complaints
    received in the period, inspections held in it, and those inspections' findings."""
    if table not in EXPLORER_BODIES:
        raise ValueError(f"unknown table: {table!r}")
    facts, params = _facts(f, [PeriodSpec.of("current", period)])
    return f"with {facts}\n{EXPLORER_BODIES[table]}", params


def explorer_page(f: Filters, period: Period, table: str, limit: int, offset: int) -> pd.DataFrame:
    sql, params = explorer_sql(f, period, table)
    return db.query(f"{sql}\nlimit ? offset ?", [*params, int(limit), int(offset)])


def explorer_count(f: Filters, period: Period, table: str) -> int:
    if table not in EXPLORER_BODIES:
        raise ValueError(f"unknown table: {table!r}")
    facts, params = _facts(f, [PeriodSpec.of("current", period)])
    body = EXPLORER_BODIES[table]
    sql = f"with {facts},\nrows as ({body})\nselect count(*) as n from rows"
    return int(db.query(sql, params)["n"].iloc[0])


def explorer_stream(f: Filters, period: Period, table: str):
    sql, params = explorer_sql(f, period, table)
    return db.stream(sql, params)


# --- data page -----------------------------------------------------------------------------


def rejected_rows(batch_id: int | None, limit: int, offset: int) -> pd.DataFrame:
    sql = """with picked as (
    select batch_id, file_name, row_number, column_name, raw_value, error_type,
           reason_vi, reason_en
    from rejected_rows
    where ? is null or batch_id = ?
)
select * from picked order by batch_id desc, row_number, column_name limit ? offset ?"""
    return db.query(sql, [batch_id, batch_id, int(limit), int(offset)])


def rejected_summary() -> pd.DataFrame:
    sql = """with counted as (
    select batch_id, file_name, error_type, count(*) as rows
    from rejected_rows group by all
)
select * from counted order by batch_id desc, rows desc"""
    return db.query(sql)


def unit_vs_province_trend(f_unit: Filters, f_all: Filters, period: Period, months: int = 24) -> pd.DataFrame:
    """Per month: the unit's received and on-time rate beside the province's on-time rate."""
    unit = monthly_trend(f_unit, period, months)
    province = monthly_trend(f_all, period, months)
    out = unit.rename(columns={"on_time_rate": "rate"})
    out["province_rate"] = province["on_time_rate"].to_numpy()
    return out
