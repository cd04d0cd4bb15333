"""compute(): any measure, for any periods, by any grain, under a required scope.

    compute(["received", "on_time_rate"], filters, period, by=["unit"], scope=ALL)

returns one row per period and group: `period` (the label: 'current', 'previous', ... or, by
month, the month's first day), the group columns, and one column per measure (null where the
measure cannot be computed for that grain, e.g. inspections by channel).

Grains (`by`): unit (as it was, or rolled up to today's units: Filters.rollup), level, month
(calendar or the official 15th-to-14th cut: Filters.cut), channel, kind, category, status,
inspection_type, violation_category, handling (of a finding), and for open items age_bucket and deadline_state; day and
week bucket complaints by date received (for `received`).

Where the numbers come from is chosen here, per measure (`_source`): today the row models over
raw facts (rows.py); summary tables can slide in underneath without a caller changing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from cchc.core import measures as registry
from cchc.core import rows, summary, warehouse
from cchc.core.filters import Filters
from cchc.core.periods import Period, reporting_months
from cchc.core.warehouse import Scope

# grain -> (row models that have it, the columns it groups by)
GRAINS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "unit": (frozenset({"complaints", "inspections", "violations"}), ("unit_id",)),
    "level": (frozenset({"complaints", "inspections", "violations"}), ("unit_level",)),
    "channel": (frozenset({"complaints"}), ("channel",)),
    "kind": (frozenset({"complaints"}), ("kind",)),
    "category": (frozenset({"complaints"}), ("category",)),
    "status": (frozenset({"complaints"}), ("status",)),
    "age_bucket": (frozenset({"complaints"}), ("age_bucket",)),
    "deadline_state": (frozenset({"complaints"}), ("deadline_state",)),
    "day": (frozenset({"complaints"}), ("received_day",)),
    "week": (frozenset({"complaints"}), ("received_week",)),
    "inspection_type": (frozenset({"inspections", "violations"}), ("inspection_type",)),
    "violation_category": (frozenset({"violations"}), ("violation_category",)),
    "handling": (frozenset({"violations"}), ("handling",)),
    "month": (frozenset({"complaints", "inspections", "violations"}), ()),  # one period per month
}
_FACTS = {"complaints": "complaint_facts", "inspections": "inspection_facts", "violations": "violation_facts"}
_ALIAS = {"complaints": "c", "inspections": "i", "violations": "v"}


def _source(measure: registry.Measure, plan: dict[str, str] | None) -> str:
    """Where a measure is computed from: its row model, or for complaint measures what
    summary.plan() chose ('summary', 'hist', 'open', 'combined')."""
    if measure.source == "complaints" and plan is not None:
        return plan[measure.name]
    return measure.source


def period_specs(periods: Period | Mapping[object, Period], by: Sequence[str]) -> list[rows.PeriodSpec]:
    """PeriodSpecs for the call: named periods, or by month the reporting months of one."""
    if "month" in by:
        if not isinstance(periods, Period):
            raise ValueError("by month takes one period (the window to split into months)")
        return [rows.PeriodSpec.of(label.isoformat(), p) for label, p in reporting_months(periods)]
    if isinstance(periods, Period):
        periods = {"current": periods}
    return [rows.PeriodSpec.of(label, p) for label, p in periods.items()]


def compute_sql(
    names: Sequence[str] | None,
    filters: Filters,
    specs: list[rows.PeriodSpec],
    by: Sequence[str],
    summaries: bool = False,
) -> tuple[str, list, list[str]]:
    """The SQL of compute(): (sql, params, measure names). `summaries`: the connection has the
    summary tables (cchc/core/summary.py), which are then used where summary.plan() allows."""
    unknown = [g for g in by if g not in GRAINS]
    if unknown:
        raise ValueError(f"unknown grain(s): {unknown}; known: {sorted(GRAINS)}")
    wanted = list(names) if names else list(registry.MEASURES)
    missing = [n for n in wanted if n not in registry.MEASURES]
    if missing:
        raise ValueError(f"unknown measure(s): {missing}")
    need = summary.needed(wanted)
    group_cols = [c for g in by for c in GRAINS[g][1]]
    keys = ["period", *group_cols]
    allowed = [s for s in _FACTS if all(s in GRAINS[g][0] for g in by)]
    by_source: dict[str, list[registry.Measure]] = {s: [] for s in _FACTS}
    for m in registry.MEASURES.values():
        if m.source != "derived" and m.name in need:
            by_source[m.source].append(m)
    plan = None
    if "complaints" in allowed and (by_source["complaints"] or group_cols):
        plan = summary.plan([m.name for m in by_source["complaints"]], by, summaries)
    open_rows = plan is not None and ("open" in plan.values() or "combined" in plan.values() or bool(group_cols))
    if plan is not None and "combined" in plan.values():
        for extra in ("received", "carried_over"):
            plan.setdefault(extra, summary.plan([extra], by, summaries)[extra])  # type: ignore[index]
    facts, params = rows.facts_sql(filters, specs, open_only=open_rows)
    # (alias, row model or None for a summary CTE, measures it computes, whether its groups count)
    aggs: list[tuple[str, str | None, list[str]]] = []
    ctes = []
    for s in allowed:
        ms = by_source[s]
        if not ms and not group_cols:
            continue
        if s == "complaints" and plan is not None:
            s_ctes, s_params, cols = summary.ctes(plan, filters, specs, keys, bool(group_cols))
            ctes += s_ctes
            params += s_params
            for alias, names_ in cols.items():
                aggs.append((alias, None, names_))
            opened = [m for m in ms if plan.get(m.name) == "open"]
            opened += [registry.MEASURES[n] for n in ("carried_over",) if plan.get(n) == "open" and n not in need]
            if open_rows:
                aggs.append(("co", "complaint_facts", [m.name for m in opened]))
                expr = "".join(f", {m.sql} as {m.name}" for m in opened)
                ctes.append(
                    f"co_agg as (\n    select {', '.join(keys)}{expr}\n    from complaint_facts group by all\n)"
                )
            continue
        alias = _ALIAS[s]
        aggs.append((alias, _FACTS[s], [m.name for m in ms]))
        expr = "".join(f", {m.sql} as {m.name}" for m in ms)
        ctes.append(f"{alias}_agg as (\n    select {', '.join(keys)}{expr}\n    from {_FACTS[s]} group by all\n)")
    if group_cols:
        key_rows = " union ".join(f"select {', '.join(keys)} from {a}_agg" for a, _, _ in aggs) or (
            "select " + ", ".join(f"null as {k}" for k in keys) + " where false"
        )
    else:
        key_rows = "select period from periods"
    ctes.append(f"keys as ({key_rows})")
    where_from = {n: a for a, _, names_ in aggs for n in names_}
    cols = []
    for m in registry.MEASURES.values():
        if m.source == "derived" or m.name not in need:
            continue
        if m.name in where_from:
            expr = f"{where_from[m.name]}.{m.name}"
        elif plan is not None and plan.get(m.name) == "combined":
            expr = "coalesce(cs.received, 0) + coalesce(co.carried_over, 0)"
        else:
            cols.append(f"null::double as {m.name}")
            continue
        cols.append(f"coalesce({expr}, 0)::bigint as {m.name}" if m.unit == "count" else f"{expr} as {m.name}")
    joins = "\n".join(
        f"left join {a}_agg {a} on " + " and ".join(f"{a}.{k} is not distinct from k.{k}" for k in keys)
        for a, _, _ in aggs
    )
    unit_join, unit_cols = "", ""
    if "unit_id" in group_cols:
        ctes.append(
            "unit_info as (select distinct unit_id, unit_name, unit_short_name, unit_level as unit_level_ from units)"
        )
        unit_join = "left join unit_info n on n.unit_id = k.unit_id"
        unit_cols = "n.unit_name, n.unit_short_name, " + ("" if "level" in by else "n.unit_level_ as unit_level, ")
    derived = "".join(f",\n       {m.sql} as {m.name}" for m in registry.by_source("derived") if m.name in need)
    order = ", ".join(f"{k} nulls last" for k in keys)
    cte_text = ",\n".join(ctes)
    col_text = ",\n           ".join(cols)
    sql = f"""with {facts},
{cte_text},
joined as (
    select k.*, {unit_cols}
           {col_text}
    from keys k
    {unit_join}
    {joins}
)
select *{derived}
from joined
order by {order}"""
    return sql, params, wanted


def compute(
    measures: Sequence[str] | None,
    filters: Filters,
    periods: Period | Mapping[object, Period],
    by: Sequence[str] = (),
    *,
    scope: Scope,
    path=None,
    raw: bool = False,
) -> pd.DataFrame:
    """One row per period and group with the measures asked for (None: every measure).

    `periods`: one Period (labelled 'current'), or {label: Period}; with 'month' in `by`, one
    Period split into its reporting months. `scope` is required: the rows it cannot see are not
    in the data the query runs on. `raw=True` (or summary.forced_raw()) reads every measure from
    the row models instead of the summary tables (the same numbers: tests/test_summary.py)."""
    if not isinstance(scope, Scope):
        raise TypeError("scope is required (cchc.core.ALL for the whole province)")
    by = tuple(by)
    specs = period_specs(periods, by)
    use = not raw and warehouse.has_summaries(scope, path)
    sql, params, wanted = compute_sql(measures, filters, specs, by, summaries=use)
    out = warehouse.run(sql, params, scope=scope, path=path)
    if "month" in by:
        out["period"] = pd.to_datetime(out["period"], format="ISO8601")
        out = out.rename(columns={"period": "month"})
    keep = [c for c in out.columns if c not in registry.MEASURES or c in wanted]
    return out[keep].reset_index(drop=True)
