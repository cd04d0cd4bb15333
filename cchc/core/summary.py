"""Summary tables under the measures core: how they are built, and how compute() reads them.

Two tables, kept in the warehouse file by every load (etl/load.py calls `build` in the load's
transaction, so `python -m etl rebuild`, which replays the loads, rebuilds them too) and built in
memory for an agency-scoped connection (cchc/core/warehouse.py) from the scope's rows:

- `summary_complaint_days`: per day × agency × channel × kind × category × status, complaints
  received that day, and (within remit) resolved that day: resolved, on time, late, rated (with
  a due date), with a satisfaction score, satisfied (score ≥ 4);
- `summary_resolution_days`: the same keys × which count of days (0 calendar, 1 working) × the
  number of days: how many items resolved within remit that day took that many days. Days are
  integers, so medians and 90th percentiles come exactly from cumulative counts, interpolated
  between the two nearest values as quantile_cont (and median) do.

Every flow measure of a period (received, resolved, on time, rates, medians, conduct) is a sum
over the days of the period: exact for any period, cut, roll-up, unit or code filter. Measures of
items open at a day (carried over, open at the end, overdue/nearly due by the item's own due date,
age buckets) are not summarised: compute() reads them from the row model restricted to the rows
that are carried over or open at the period's end (rows.facts_sql(open_only=True)), a small part
of the history. `plan()` decides per call which measures come from where; `raw=True` (or
`forced_raw()`) makes every measure come from the row models, which the property tests compare.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from cchc.core import measures as registry
from cchc.core.filters import Filters
from cchc.core.rows import PeriodSpec, fact_where

VERSION = "1"
TABLES = ("summary_complaint_days", "summary_resolution_days")
DIMS = ("agency_id", "channel", "kind", "category", "status")

# Complaint measures that are sums over days (computed from the summaries) ...
FLOW = {
    "received": "sum(received)",
    "resolved": "sum(resolved)",
    "on_time": "sum(on_time)",
    "on_time_rate": "sum(on_time)::double / nullif(sum(rated), 0)",
    "resolved_late": "sum(late)",
    "satisfied_rate": "sum(satisfied)::double / nullif(sum(sat_rated), 0)",
    "conduct_received": f"sum(received) filter (where category in ({registry.CONDUCT}))",
}
# ... quantiles of resolution days (from the histogram): measure -> (which days, q)
QUANTILES = {
    "median_days": (0, 0.5),
    "p90_days": (0, 0.9),
    "median_working_days": (1, 0.5),
    "p90_working_days": (1, 0.9),
}
# ... and measures of items open at a day, from the row model's open rows.
OPEN = ("carried_over", "open_items", "overdue_open", "nearly_due", "not_yet_due")
# to_be_handled = received in the period + carried over (each row is one or the other).
TO_BE_HANDLED = "to_be_handled"
# Grains the summaries carry; day and week are days received, so only received counts go by them.
SUMMARY_GRAINS = {"unit", "level", "channel", "kind", "category", "status", "month"}
DAY_GRAINS = {"day", "week"}
DAY_MEASURES = {"received", "conduct_received"}

# Grains compute() reads the summaries for by default (periods, months); plan_all() widens it.
CHOSEN_GRAINS = {"month"}
_ALL_GRAINS: contextvars.ContextVar[bool] = contextvars.ContextVar("cchc_summary_all_grains", default=False)
_FORCE_RAW: contextvars.ContextVar[bool] = contextvars.ContextVar("cchc_summary_force_raw", default=False)


@contextmanager
def forced_raw() -> Iterator[None]:
    """Within the block, compute() reads every measure from the row models (for comparisons)."""
    token = _FORCE_RAW.set(True)
    try:
        yield
    finally:
        _FORCE_RAW.reset(token)


def is_forced_raw() -> bool:
    return _FORCE_RAW.get()


@contextmanager
def plan_all() -> Iterator[None]:
    """Within the block, compute() reads the summaries for every grain they can serve (the
    property tests prove them exact there, whether or not they are chosen by default)."""
    token = _ALL_GRAINS.set(True)
    try:
        yield
    finally:
        _ALL_GRAINS.reset(token)


# --- build -----------------------------------------------------------------------------------

_KEYS = ", ".join(DIMS)


def _day_select(received_where: str, resolved_where: str) -> str:
    return f"""with events as (
    select received_date as day, {_KEYS},
           1 as received, 0 as resolved, 0 as on_time, 0 as late, 0 as rated, 0 as sat_rated, 0 as satisfied
    from complaints
    where {received_where}
    union all
    select resolved_date as day, {_KEYS}, 0, 1,
           coalesce(resolved_date <= due_date, false)::int,
           coalesce(resolved_date > due_date, false)::int,
           (due_date is not null)::int,
           (satisfaction_score is not null)::int,
           coalesce(satisfaction_score >= 4, false)::int
    from complaints
    where in_remit and resolved_date is not null and {resolved_where}
)
select day, {_KEYS},
       sum(received)::integer as received, sum(resolved)::integer as resolved,
       sum(on_time)::integer as on_time, sum(late)::integer as late, sum(rated)::integer as rated,
       sum(sat_rated)::integer as sat_rated, sum(satisfied)::integer as satisfied
from events
group by all
order by day, {_KEYS}"""


def _resolution_select(where: str) -> str:
    return f"""with days as (
    select resolved_date as day, {_KEYS}, 0::tinyint as which, resolution_calendar_days as days
    from complaints
    where in_remit and resolved_date is not null and resolution_calendar_days is not null and {where}
    union all
    select resolved_date as day, {_KEYS}, 1::tinyint as which, resolution_working_days as days
    from complaints
    where in_remit and resolved_date is not null and resolution_working_days is not null and {where}
)
select day, {_KEYS}, which, days, count(*)::integer as n
from days
group by all
order by day, {_KEYS}, which, days"""


BUILD_SQL = (
    "create or replace table summary_complaint_days as\n" + _day_select("true", "true"),
    "create or replace table summary_resolution_days as\n" + _resolution_select("true"),
)

# The days whose summary rows a change touched: `summary_days(day)`, a temporary table the caller fills
# (the days received and resolved of every changed row, before and after the change).
DAYS_TABLE = "summary_days"
_IN_DAYS = f"{{col}} in (select day from {DAYS_TABLE})"
REFRESH_SQL = (
    f"delete from summary_complaint_days where {_IN_DAYS.format(col='day')}",
    "insert into summary_complaint_days\n"
    + _day_select(_IN_DAYS.format(col="received_date"), _IN_DAYS.format(col="resolved_date")),
    f"delete from summary_resolution_days where {_IN_DAYS.format(col='day')}",
    "insert into summary_resolution_days\n" + _resolution_select(_IN_DAYS.format(col="resolved_date")),
)


def _tables(con) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'main' and not temporary"
        ).fetchall()
    }


def start_days(con) -> None:
    """Before a change to `complaints`: an empty temporary `summary_days` for note_days() when the
    summaries are fresh (then refresh() rebuilds only the days noted), none when they are missing or
    stale (then refresh() builds them whole)."""
    con.execute(f"drop table if exists temp.{DAYS_TABLE}")
    if fresh(con, _tables(con)):
        con.execute(f"create temp table {DAYS_TABLE} (day date)")


def tracking(con) -> bool:
    return bool(
        con.execute("select count(*) from duckdb_tables() where temporary and table_name = ?", [DAYS_TABLE]).fetchall()[
            0
        ][0]
    )


def note_days(con, select_sql: str, params: list | tuple = ()) -> None:
    """Add to summary_days the days of `select_sql`'s rows (it yields received_date and
    resolved_date): call it for the rows a change touches, before and after the change."""
    if not tracking(con):
        return
    con.execute(
        f"insert into {DAYS_TABLE} select distinct d from (select unnest([received_date, resolved_date]) as d "
        f"from ({select_sql})) where d is not null and d not in (select day from {DAYS_TABLE})",
        list(params),
    )


def refresh(con) -> None:
    """After the change, in its transaction: rebuild the summary rows of the days noted from
    `complaints` and stamp them; without a start_days() that found them fresh, build them whole."""
    if not tracking(con):
        record(con)
        return
    for sql in REFRESH_SQL:
        con.execute(sql)
    con.execute(f"drop table temp.{DAYS_TABLE}")
    con.execute("insert or replace into meta values ('summary_stamp', ?)", [stamp(con)])


def build(con) -> None:
    """(Re)build the summary tables from `complaints` on this connection (in the caller's
    transaction), and record their version in `meta` when the connection has one to write."""
    for sql in BUILD_SQL:
        con.execute(sql)


def stamp(con) -> str:
    """What the summaries were built from: the version of this module and the complaints'
    count, so that a warehouse whose complaints changed without a rebuild is read raw."""
    n = con.execute("select count(*) from complaints").fetchall()[0][0]
    return f"{VERSION}:{n}"


def record(con) -> None:
    """Build the summaries and stamp them in `meta` (the load calls this before it commits)."""
    build(con)
    con.execute("insert or replace into meta values ('summary_stamp', ?)", [stamp(con)])


def fresh(con, tables: set[str]) -> bool:
    """Whether the warehouse on `con` has summaries built from its present complaints."""
    if not set(TABLES) <= tables or "meta" not in tables:
        return False
    got = con.execute("select value from meta where key = 'summary_stamp'").fetchall()
    return bool(got) and got[0][0] == stamp(con)


# --- plan ------------------------------------------------------------------------------------


def derived_needs(name: str) -> set[str]:
    """The measures a derived measure's SQL names."""
    m = registry.MEASURES[name]
    if m.source != "derived":
        return {name}
    tokens = set(m.sql.replace("(", " ").replace(")", " ").replace(",", " ").split())
    return {t for t in tokens if t in registry.MEASURES and registry.MEASURES[t].source != "derived"}


def needed(wanted: Sequence[str]) -> list[str]:
    """The measures to compute for `wanted`: themselves and what the derived ones are made of."""
    out: set[str] = set()
    for name in wanted:
        out.add(name)
        out |= derived_needs(name)
    return [n for n in registry.MEASURES if n in out]


def plan(names: Sequence[str], by: Sequence[str], available: bool) -> dict[str, str] | None:
    """Where each complaint measure in `names` comes from: 'summary' (the day table), 'hist'
    (the resolution-day histogram), 'open' (the row model's open rows) or 'combined'
    (to_be_handled = received + carried over); None: every complaint measure (and the groups)
    from the row model, all of its rows. One place decides, per measure and grain; filters never
    force raw rows (the summaries carry every complaint filter: units through agency_id,
    channel, kind, category)."""
    if not available or is_forced_raw():
        return None
    grains = set(by)
    if grains - CHOSEN_GRAINS:
        # Measured at 1M (bench/pages_db.py): grouped by unit or code, the groups of the items
        # carried over still need the row model's open rows, and the day table is about as
        # long as the complaints (every key is nearly one complaint a day), so the row model is
        # as fast or faster there. The summaries stay exact for every grain (the property test
        # draws them all through plan_all()).
        if not _ALL_GRAINS.get():
            return None
    if grains <= SUMMARY_GRAINS:
        out = {}
        for n in names:
            if n in FLOW:
                out[n] = "summary"
            elif n in QUANTILES:
                out[n] = "hist"
            elif n in OPEN:
                out[n] = "open"
            elif n == TO_BE_HANDLED:
                out[n] = "combined"
            else:  # a complaint measure this module does not know: the row model, all of it
                return None
        return out
    if grains <= SUMMARY_GRAINS | DAY_GRAINS and set(names) <= DAY_MEASURES:
        return {n: "summary" for n in names}
    return None


# --- read ------------------------------------------------------------------------------------


def rows_sql(table: str, extra: str, f: Filters, specs: list[PeriodSpec], day_only: bool) -> tuple[str, list]:
    """The select of one summary table's rows for every period (one scan per period, so that
    each reads only its days), with the unit it is shown as and the period label."""
    where, where_params = fact_where(f, "complaints", "s")
    if day_only:
        where += " and s.received > 0"
    parts, params = [], []
    for s in specs:
        parts.append(
            f"""select ?::varchar as period, u.unit_id, u.unit_name, u.unit_short_name, u.unit_level,
           s.channel, s.kind, s.category, s.status, s.day as received_day,
           date_trunc('week', s.day)::date as received_week, {extra}
    from {table} s join units u on u.agency_id = s.agency_id
    where s.day between ? and ? and {where}"""
        )
        params += [str(s.label), s.start, s.ref, *where_params]
    return "\n    union all\n    ".join(parts), params


def ctes(
    plan_: dict[str, str], f: Filters, specs: list[PeriodSpec], keys: list[str], grouped: bool
) -> tuple[list[str], list, dict[str, list[str]]]:
    """CTEs cs_agg (day table) and ch_agg (histogram) for the planned measures: (ctes, params,
    {alias: [measure names it has]}). The CTE `units` (rows.units_sql) must come before; cs_agg
    is there whenever `grouped` (its groups are part of the groups of compute's result)."""
    out: list[str] = []
    params: list = []
    cols: dict[str, list[str]] = {}
    key_list = ", ".join(keys)
    flow = [n for n, s in plan_.items() if s == "summary"]
    if flow or grouped or "combined" in plan_.values():
        if "combined" in plan_.values() and "received" not in flow:
            flow.append("received")
        day_only = any(k in ("received_day", "received_week") for k in keys)  # plan: received counts only
        body, p = rows_sql(
            "summary_complaint_days",
            "s.received, s.resolved, s.on_time, s.late, s.rated, s.sat_rated, s.satisfied",
            f,
            specs,
            day_only,
        )
        params += p
        aggs = "".join(f", {FLOW[n]} as {n}" for n in flow)
        out.append(f"cs_rows as (\n    {body}\n)")
        out.append(f"cs_agg as (select {key_list}{aggs} from cs_rows group by all)")
        cols["cs"] = flow
    quant = [n for n, s in plan_.items() if s == "hist"]
    if quant:
        body, p = rows_sql("summary_resolution_days", "s.which, s.days, s.n", f, specs, False)
        params += p
        part = ", ".join([*keys, "which"])
        out.append(f"ch_rows as (\n    {body}\n)")
        out.append(
            f"""ch_hist as (
    select {key_list}, which, days, sum(n)::bigint as n from ch_rows group by all
)"""
        )
        out.append(
            f"""ch_cum as (
    select *, sum(n) over (partition by {part} order by days rows unbounded preceding) as cum,
           sum(n) over (partition by {part}) as total
    from ch_hist
)"""
        )
        picks = []
        for n in quant:
            which, q = QUANTILES[n]
            pos = f"((total - 1)::double * {q})"
            lo = f"min(days) filter (where which = {which} and cum > floor({pos}))"
            hi = f"min(days) filter (where which = {which} and cum > ceil({pos}))"
            frac = f"max({pos} - floor({pos})) filter (where which = {which})"
            picks.append(f"{lo}::double + ({hi}::double - {lo}::double) * {frac} as {n}")
        out.append(f"ch_agg as (select {key_list}, {', '.join(picks)} from ch_cum group by all)")
        cols["ch"] = quant
    return out, params, cols
