"""The read functions pages, the command line and the report call: the measures core's API.

Every function takes the viewer's scope as a required keyword (`scope=`) and runs on a
connection that holds only that scope's rows (cchc.core.warehouse). Numbers are measures of
cchc/core/measures.py computed by compute() over the row models of rows.py; lists (overdue
items, inspections, the explorer) select rows of the same row models by their flags. All SQL
of the read side is here, in rows.py and compute.py; values are bound with `?`, and the only
text spliced in is fixed fragments of these modules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from cchc.core import summary, warehouse
from cchc.core.compute import compute
from cchc.core.filters import Filters
from cchc.core.periods import Period, months_window
from cchc.core.rows import AGE_BUCKETS, DEADLINE_STATES, PeriodSpec, facts_sql  # noqa: F401 - re-exported
from cchc.core.warehouse import Scope

TIME_GRAINS = ("day", "week", "month")
BREAKDOWNS = ("channel", "kind", "category")
DAY_COLUMNS = {"calendar": "resolution_calendar_days", "working": "resolution_working_days"}
DAY_BINS = ((0, 2), (3, 5), (6, 10), (11, 15), (16, 30), (31, 60), (61, None))
EXPLORER_TABLES = ("complaints", "inspections", "violations")


def _run(sql: str, params: list, scope: Scope) -> pd.DataFrame:
    return warehouse.run(sql, params, scope=scope)


def _current(f: Filters, period: Period) -> tuple[str, list]:
    return facts_sql(f, [PeriodSpec.of("current", period)])


# --- headline numbers ----------------------------------------------------------------------


def headline(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Every measure for the period, the period before and the same period last year,
    indexed by 'current', 'previous', 'year_ago'."""
    periods = {"current": period, "previous": period.previous(), "year_ago": period.year_ago()}
    return compute(None, f, periods, scope=scope).set_index("period")


def by_unit(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Every measure per unit (as filtered: as it was or rolled up) for the period."""
    out = compute(None, f, period, by=["unit"], scope=scope)
    return out.drop(columns="period").sort_values(["unit_name", "unit_id"]).reset_index(drop=True)


# --- trends --------------------------------------------------------------------------------


def monthly_trend(f: Filters, period: Period, months: int = 24, *, scope: Scope) -> pd.DataFrame:
    """Per reporting month of the window ending with the period: received, resolved, on time
    and the on-time rate (the measures of the same names, computed per month)."""
    window = months_window(period, months)
    names = ["received", "resolved", "on_time", "on_time_rate"]
    return compute(names, f, window, by=["month"], scope=scope)[["month", *names]]


def unit_vs_province_trend(
    f_unit: Filters, f_all: Filters, period: Period, months: int = 24, *, scope: Scope, comparison: Scope | None = None
) -> pd.DataFrame:
    """Per month: the unit's received and on-time rate beside the province's on-time rate. The
    province line is computed under `comparison` when given (the whole province, shown to an
    agency user only as this comparison), else under `scope`."""
    unit = monthly_trend(f_unit, period, months, scope=scope)
    province = monthly_trend(f_all, period, months, scope=comparison or scope)
    out = unit.rename(columns={"on_time_rate": "rate"})
    out["province_rate"] = province["on_time_rate"].to_numpy()
    return out


def unit_sparklines(f: Filters, period: Period, months: int = 12, *, scope: Scope) -> pd.DataFrame:
    """Per unit: the list of monthly received counts over the last `months` months."""
    window = months_window(period, months)
    per = compute(["received"], f, window, by=["month", "unit"], scope=scope)
    month_list = sorted(set(per["month"]))
    grid = per.pivot_table(index="unit_id", columns="month", values="received", aggfunc="sum", fill_value=0)
    grid = grid.reindex(columns=month_list, fill_value=0)
    has = per.groupby("unit_id")["received"].sum()
    grid = grid.loc[has[has > 0].index]
    return pd.DataFrame({"unit_id": grid.index, "trend": [list(map(int, r)) for r in grid.to_numpy()]})


def unit_month_heatmap(f: Filters, period: Period, months: int = 12, top: int = 20, *, scope: Scope) -> pd.DataFrame:
    """Received per unit and month, for the `top` units by volume in the window."""
    window = months_window(period, months)
    per = compute(["received"], f, window, by=["month", "unit"], scope=scope)
    per = per[per["received"] > 0]
    totals = per.groupby("unit_id")["received"].sum().rename("total").reset_index()
    totals = totals.sort_values(["total", "unit_id"], ascending=[False, True]).head(top)
    out = per.merge(totals, on="unit_id")[["unit_id", "unit_name", "month", "received", "total"]]
    return out.sort_values(["total", "unit_id", "month"], ascending=[False, True, True]).reset_index(drop=True)


def channel_mix(f: Filters, period: Period, months: int = 24, *, scope: Scope) -> pd.DataFrame:
    """Received per reporting month and channel over the trend window, with each channel's share."""
    window = months_window(period, months)
    per = compute(["received"], f, window, by=["month", "channel"], scope=scope)
    per = per[per["received"] > 0].rename(columns={"channel": "value"})
    per["value"] = per["value"].fillna("unknown")
    per = per.groupby(["month", "value"], as_index=False)["received"].sum()
    per["share"] = per["received"] / per.groupby("month")["received"].transform("sum")
    return per.sort_values(["month", "value"]).reset_index(drop=True)


# --- complaints page -----------------------------------------------------------------------


def default_grain(period: Period) -> str:
    """Days for a month, weeks for a quarter or half, months beyond."""
    if period.days <= 62:
        return "day"
    return "week" if period.days <= 190 else "month"


def _received_by(f: Filters, period: Period, by: list[str], scope: Scope) -> pd.DataFrame:
    out = compute(["received"], f, period, by=by, scope=scope)
    return out[out["received"] > 0]


def volume(f: Filters, period: Period, grain: str, breakdown: str, *, scope: Scope) -> pd.DataFrame:
    """Received in the period per time bucket and value of `breakdown`."""
    if grain not in TIME_GRAINS or breakdown not in BREAKDOWNS:
        raise ValueError("unknown grain or breakdown")
    out = _received_by(f, period, [grain, breakdown], scope)
    bucket = {"day": "received_day", "week": "received_week", "month": "month"}[grain]
    out = out.rename(columns={bucket: "bucket", breakdown: "value"})
    out["value"] = out["value"].fillna("unknown")
    out = out.groupby(["bucket", "value"], as_index=False)["received"].sum()
    return out.sort_values(["bucket", "value"]).reset_index(drop=True)


def received_by(f: Filters, period: Period, dimension: str, *, scope: Scope) -> pd.DataFrame:
    """Received in the period per value of one dimension (channel, kind, category)."""
    if dimension not in BREAKDOWNS:
        raise ValueError("unknown dimension")
    out = _received_by(f, period, [dimension], scope).rename(columns={dimension: "value"})
    out["value"] = out["value"].fillna("unknown")
    out = out.groupby("value", as_index=False)["received"].sum()
    return out.sort_values(["received", "value"], ascending=[False, True]).reset_index(drop=True)


def categories_present(*, scope: Scope) -> pd.DataFrame:
    """Complaint categories in the data, most frequent first (the sidebar's choices): from the
    day summary (received counts each complaint once), else from the complaints."""
    table, count = ("summary_complaint_days", "sum(received)") if _summaries(scope) else ("complaints", "count(*)")
    sql = f"""select category, {count}::bigint as n from {table}
where category is not null group by category having {count} > 0 order by n desc, category"""
    return _run(sql, [], scope)


def data_as_of(*, scope: Scope) -> pd.DataFrame:
    """When data was last loaded and the latest date received, as the scope sees them (the
    latest day from the day summary, not the whole history, when the summaries are there)."""
    last = (
        "select max(day) from summary_complaint_days where received > 0"
        if _summaries(scope)
        else "select max(received_date) from complaints"
    )
    sql = f"""select (select max(loaded_at) from load_batches) as loaded_at,
       (select count(*) from load_batches) as batches,
       ({last}) as last_received"""
    return _run(sql, [], scope)


def _summaries(scope: Scope) -> bool:
    return warehouse.has_summaries(scope) and not summary.is_forced_raw()


# --- resolution page -----------------------------------------------------------------------


def resolution_by_unit(f: Filters, period: Period, days: str, top: int = 20, *, scope: Scope) -> pd.DataFrame:
    """Quartiles and 90th percentile of resolution days per unit, items resolved in the period,
    for the `top` units by number resolved."""
    col = DAY_COLUMNS[days]
    facts, params = _current(f, period)
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
    return _run(sql, [*params, top], scope)


def resolution_histogram(f: Filters, period: Period, days: str, *, scope: Scope) -> pd.DataFrame:
    """Items resolved in the period per band of resolution days."""
    col = DAY_COLUMNS[days]
    cases = " ".join(
        f"when {col} <= {hi} then '{lo}-{hi}'" if hi is not None else f"else '>{lo - 1}'" for lo, hi in DAY_BINS
    )
    order = " ".join(
        f"when '{lo}-{hi}' then {n}" if hi is not None else f"else {n}" for n, (lo, hi) in enumerate(DAY_BINS)
    )
    facts, params = _current(f, period)
    sql = f"""with {facts},
banded as (
    select case {cases} end as band
    from complaint_facts
    where is_resolved and {col} is not null
)
select band, count(*) as resolved, case band {order} end as band_order
from banded group by band order by band_order"""
    return _run(sql, params, scope)


def backlog(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Open items at the period's end (or today) by age bucket and deadline state: the measure
    open_items by those two grains."""
    out = compute(["open_items"], f, period, by=["age_bucket", "deadline_state"], scope=scope)
    out = out[out["age_bucket"].notna() & (out["open_items"] > 0)]
    out = out.rename(columns={"deadline_state": "deadline", "open_items": "items"})
    return out[["age_bucket", "deadline", "items"]].sort_values(["age_bucket", "deadline"]).reset_index(drop=True)


def overdue_items(f: Filters, period: Period, limit: int = 500, *, scope: Scope) -> pd.DataFrame:
    """Open items past their due date at the period's end (or today), most overdue first.
    Identifiers and dates only: no personal data, no free text."""
    facts, params = _current(f, period)
    sql = f"""with {facts}
select complaint_id, unit_id, unit_name, channel, kind, category, status,
       received_date, due_date, ref_date - due_date as days_overdue
from complaint_facts
where deadline_state = 'overdue'
order by days_overdue desc, complaint_id
limit ?"""
    return _run(sql, [*params, limit], scope)


# --- inspections page ----------------------------------------------------------------------


def inspections_by_type(f: Filters, period: Period, months: int = 12, *, scope: Scope) -> pd.DataFrame:
    """Inspections per reporting month and type over the trend window."""
    window = months_window(period, months)
    out = compute(["inspections"], f, window, by=["month", "inspection_type"], scope=scope)
    out = out[out["inspections"] > 0].rename(columns={"inspection_type": "value"})
    return out[["month", "value", "inspections"]].reset_index(drop=True)


def violations_by(f: Filters, period: Period, by_unit: bool, top: int = 15, *, scope: Scope) -> pd.DataFrame:
    """Findings in the period per category (and per unit, top units by findings)."""
    if not by_unit:
        out = compute(["violations"], f, period, by=["violation_category"], scope=scope)
        out = out[out["violations"] > 0].rename(columns={"violation_category": "value"})
        out = out[["value", "violations"]]
        return out.sort_values(["violations", "value"], ascending=[False, True]).reset_index(drop=True)
    out = compute(["violations"], f, period, by=["unit", "violation_category"], scope=scope)
    out = out[out["violations"] > 0].rename(columns={"violation_category": "value"})
    totals = out.groupby("unit_id")["violations"].sum().rename("total").reset_index()
    totals = totals.sort_values(["total", "unit_id"], ascending=[False, True]).head(top)
    out = out.merge(totals, on="unit_id")[["unit_id", "unit_name", "value", "violations", "total"]]
    return out.sort_values(["total", "unit_id", "value"], ascending=[False, True, True]).reset_index(drop=True)


def repeat_violations(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Units where the same category of violation was found in two or more inspections."""
    facts, params = _current(f, period)
    sql = f"""with {facts}
select unit_id, unit_name, unit_level, violation_category as category,
       count(distinct inspection_id) as inspections, count(*) as violations,
       max(inspected_on) as last_inspected_on
from violation_facts
group by all
having count(distinct inspection_id) >= 2
order by inspections desc, violations desc, unit_name, category"""
    return _run(sql, params, scope)


def inspections_list(f: Filters, period: Period, limit: int = 200, *, scope: Scope) -> pd.DataFrame:
    """Inspections held in the period with their number of findings, latest first."""
    facts, params = _current(f, period)
    sql = f"""with {facts},
counts as (
    select source, inspection_id, count(*) as violations,
           string_agg(distinct violation_category, ', ' order by violation_category) as categories
    from violation_facts group by all
)
select i.inspected_on, i.inspection_id, i.unit_id, i.unit_name, i.inspection_type,
       i.officials_checked, coalesce(c.violations, 0) as violations, c.categories
from inspection_facts i
left join counts c using (source, inspection_id)
order by i.inspected_on desc, i.inspection_id
limit ?"""
    return _run(sql, [*params, limit], scope)


# --- units ---------------------------------------------------------------------------------


def unit_options(rollup: bool, level: str | None, *, scope: Scope) -> pd.DataFrame:
    """Agencies offered in the filter: today's units when rolled up, else every unit; only
    units of the scope."""
    sql = """select a.agency_id, a.name, a.level, a.valid_to
from agencies a
where a.agency_id in (select agency_id from scope_units)
  and (not ? or a.current_id is null or a.current_id = a.agency_id)
  and (? is null or a.level = ?)
order by a.level, a.name, a.agency_id"""
    return _run(sql, [rollup, level, level], scope)


def agency(agency_id: str, *, scope: Scope) -> pd.DataFrame:
    """One unit of the scope with its parent's and today's unit's names (empty outside it)."""
    sql = """select a.*, p.name as parent_name, c.name as current_name
from agencies a
left join agencies p on p.agency_id = a.parent_id
left join agencies c on c.agency_id = a.current_id
where a.agency_id = ? and a.agency_id in (select agency_id from scope_units)"""
    return _run(sql, [agency_id], scope)


def predecessors(agency_id: str, *, scope: Scope) -> pd.DataFrame:
    """Units of the scope that roll up to this one (the old units it was formed from)."""
    sql = """select a.agency_id, a.name, a.level, a.valid_to
from agencies a
where a.current_id = ? and a.agency_id <> ? and a.agency_id in (select agency_id from scope_units)
order by a.level, a.name"""
    return _run(sql, [agency_id, agency_id], scope)


def profile_filters(f: Filters, agency_id: str, current_id: str | None) -> tuple[Filters, Filters]:
    """The profile's two filter sets: the unit (an old unit, merged into `current_id`, is shown as
    it was, even when the sidebar rolls units up) and the province it is compared with."""
    is_current = current_id is None or pd.isna(current_id) or current_id == agency_id
    f_unit = replace(f, agency_ids=(agency_id,), level=None, rollup=f.rollup and is_current)
    return f_unit, replace(f, agency_ids=(), level=None)


# --- explorer and exports ------------------------------------------------------------------

# Denouncers must stay unidentifiable (Law on Denunciations): free text is shown only for items
# known not to be denunciations; an item of unknown kind fails closed. The word search looks
# only at the text as shown (the column below), so it can never match inside a denunciation.
EXPLORER_BODIES = {
    "complaints": """select received_date, complaint_id, source, unit_name, unit_level,
       agency_name_raw, channel, kind, category, subcategory, status, in_remit, due_date,
       due_source, resolved_date, resolution_calendar_days, resolution_working_days,
       is_on_time, satisfaction,
       case when kind in ('feedback', 'petition', 'complaint') then content_masked end as content_masked
from complaint_facts
where is_received""",
    "inspections": """select inspected_on, inspection_id, source, unit_name, unit_level,
       agency_name_raw, inspection_type, team, lead_unit, officials_checked
from inspection_facts""",
    "violations": """select inspected_on, inspection_id, violation_id, source, unit_name, unit_level,
       inspection_type, violation_category, officials_involved, handling, description_masked,
       recommendation_masked, remedy_due, remedied_on
from violation_facts""",
}
# Per table: the id columns a search by id looks at (prefix, any case), the shown text a word
# search looks at, the columns the rows may be sorted by (the first is the default, newest
# first) and the key that breaks ties, always ascending.
EXPLORER_IDS = {
    "complaints": ("complaint_id",),
    "inspections": ("inspection_id",),
    "violations": ("inspection_id", "violation_id"),
}
EXPLORER_TEXT = {
    "complaints": ("content_masked",),
    "inspections": ("team", "lead_unit"),
    "violations": ("description_masked", "recommendation_masked"),
}
EXPLORER_SORTS = {
    "complaints": (
        "received_date",
        "complaint_id",
        "unit_name",
        "due_date",
        "resolved_date",
        "resolution_calendar_days",
        "resolution_working_days",
    ),
    "inspections": ("inspected_on", "inspection_id", "unit_name", "officials_checked"),
    "violations": ("inspected_on", "violation_id", "unit_name", "officials_involved", "remedy_due", "remedied_on"),
}
EXPLORER_KEYS = {
    "complaints": ("complaint_id", "source"),
    "inspections": ("inspection_id", "source"),
    "violations": ("violation_id", "source"),
}
# Names sort by their letters without accents first ("Đại Từ" among the D's, not after Z).
_TEXT_SORTS = ("unit_name",)
MAX_WORDS, MAX_TERM = 10, 100


def fold(expr: str) -> str:
    """SQL folding a text for search: lower case, without accents, đ as d (strip_accents keeps đ)."""
    return f"strip_accents(replace(lower({expr}), 'đ', 'd'))"


@dataclass(frozen=True)
class Search:
    """What the explorer's user searches for and how the rows are ordered: an id or the start of
    one (any case), words that must all occur in the shown text (any case, with or without
    accents), and a sort column of EXPLORER_SORTS (None: the table's default) and direction."""

    id_prefix: str = ""
    words: str = ""
    sort: str | None = None
    descending: bool = True

    def prefix(self) -> str:
        return self.id_prefix.strip()[:MAX_TERM]

    def terms(self) -> tuple[str, ...]:
        return tuple(w[:MAX_TERM] for w in self.words.split()[:MAX_WORDS])


def _explorer_rows(f: Filters, period: Period, table: str, search: Search | None) -> tuple[str, list]:
    """SQL selecting the filtered and searched rows of one table (no order), and its values."""
    if table not in EXPLORER_BODIES:
        raise ValueError(f"unknown table: {table!r}")
    search = search or Search()
    facts, params = _current(f, period)
    conds = ["true"]
    if search.prefix():
        ids = " or ".join(f"starts_with(lower({c}), lower(?))" for c in EXPLORER_IDS[table])
        conds.append(f"({ids})")
        params = [*params, *[search.prefix()] * len(EXPLORER_IDS[table])]
    source, columns = "explorer_rows", "*"
    if search.terms():
        # The shown text folded once per row; concat_ws skips nulls: a hidden text is no text,
        # in which no word occurs.
        shown = fold(f"concat_ws(' ', {', '.join(EXPLORER_TEXT[table])})")
        source = f"(select *, {shown} as search_text from explorer_rows)"
        columns = "* exclude (search_text)"
        for term in search.terms():
            conds.append(f"contains(search_text, {fold('?')})")
            params = [*params, term]
    sql = f"""with {facts},
explorer_rows as (
{EXPLORER_BODIES[table]}
)
select {columns} from {source}
where {" and ".join(conds)}"""
    return sql, params


def explorer_order(table: str, search: Search | None = None) -> str:
    """The ORDER BY clause: a whitelisted column, its direction, then the table's key."""
    search = search or Search()
    column = search.sort or EXPLORER_SORTS[table][0]
    if column not in EXPLORER_SORTS[table]:
        raise ValueError(f"unknown sort column for {table}: {column!r}")
    way = "desc" if search.descending else "asc"
    keys = [f"{fold(column)} {way} nulls last"] if column in _TEXT_SORTS else []
    keys.append(f"{column} {way} nulls last")
    keys += [f"{k} asc" for k in EXPLORER_KEYS[table]]
    return "order by " + ", ".join(keys)


def explorer_sql(f: Filters, period: Period, table: str, search: Search | None = None) -> tuple[str, list]:
    """The filtered rows of one fact table, without personal data, as searched and sorted
    (default: newest first): complaints received in the period, inspections held in it, and
    those inspections' findings."""
    sql, params = _explorer_rows(f, period, table, search)
    return f"{sql}\n{explorer_order(table, search)}", params


def explorer_page(
    f: Filters, period: Period, table: str, limit: int, offset: int, search: Search | None = None, *, scope: Scope
) -> pd.DataFrame:
    sql, params = explorer_sql(f, period, table, search)
    return _run(f"{sql}\nlimit ? offset ?", [*params, int(limit), int(offset)], scope)


def explorer_count(f: Filters, period: Period, table: str, search: Search | None = None, *, scope: Scope) -> int:
    """How many rows the explorer holds for the filters and search (counted, never sorted)."""
    sql, params = _explorer_rows(f, period, table, search)
    return int(_run(f"select count(*) as n from ({sql})", params, scope)["n"].iloc[0])


def explorer_stream(f: Filters, period: Period, table: str, search: Search | None = None, *, scope: Scope):
    """The explorer's rows in chunks, for downloads, searched and sorted as on the page."""
    sql, params = explorer_sql(f, period, table, search)
    return warehouse.stream(sql, params, scope=scope)


# --- data page -----------------------------------------------------------------------------


def load_batches(*, scope: Scope) -> pd.DataFrame:
    """Load history as the scope sees it (an agency: the files that brought its rows)."""
    sql = """select batch_id, file_name, kind, mapping_name, loaded_at, rows_in, rows_loaded,
       rows_updated, rows_unchanged, rows_rejected, min_event_date, max_event_date
from load_batches
order by batch_id desc"""
    return _run(sql, [], scope)


def rejected_rows(batch_id: int | None, limit: int, offset: int, *, scope: Scope) -> pd.DataFrame:
    sql = """select batch_id, file_name, row_number, column_name, raw_value, error_type, reason_vi, reason_en
from rejected_rows
where ? is null or batch_id = ?
order by batch_id desc, row_number, column_name limit ? offset ?"""
    return _run(sql, [batch_id, batch_id, int(limit), int(offset)], scope)


def rejected_summary(*, scope: Scope) -> pd.DataFrame:
    sql = """select batch_id, file_name, error_type, count(*) as rows
from rejected_rows group by all
order by batch_id desc, rows desc"""
    return _run(sql, [], scope)


# --- where and whom to inspect (issue 17) --------------------------------------------------


def map_units(f: Filters, period: Period, measure: str, per_capita: bool = True, *, scope: Scope) -> pd.DataFrame:
    """Per unit of today (communes and wards for the map, departments for the bar beside it): one
    measure rolled up through the crosswalk, the count behind it, population, value per 10 000
    inhabitants, the value coloured and whether the unit is below the minimum volume."""
    from cchc.core import places

    return places.map_frame(f, period, measure, per_capita, scope=scope)


def candidates(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Candidates for unannounced inspection: every input measure, each input's contribution to
    the score (weights in config/targeting.yaml), rank within level, recently inspected or not."""
    from cchc.core import targeting

    return targeting.candidates(f, period, scope=scope)


def plan_status(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """The plan rows of the year (period = the plan year, as of its last counted day), each with
    its outcome (done on time, done late, overdue, pending) and the inspection paired with it."""
    from cchc.core import plan

    return plan.matched(f, period, scope=scope)[0]


def plan_unplanned(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Inspections of the plan year that pair with no plan row: unplanned (planned, joint, self)
    and unannounced."""
    from cchc.core import plan

    return plan.matched(f, period, scope=scope)[1]


def plan_by_quarter(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Plan against done per quarter of the plan year."""
    from cchc.core import plan

    return plan.by_quarter(f, period, scope=scope)


def plan_by_agency(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Plan against done per unit of today, most overdue first."""
    from cchc.core import plan

    return plan.by_agency(f, period, scope=scope)


def plan_self_reports(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Self-inspection reports owed by the plan, per unit: submitted, late, missing, not yet due."""
    from cchc.core import plan

    return plan.self_reports(f, period, scope=scope)


def plan_years(*, scope: Scope) -> pd.DataFrame:
    """Plan years loaded, latest first."""
    from cchc.core import plan

    return plan.years(scope=scope)
