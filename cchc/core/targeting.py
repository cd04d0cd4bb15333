"""Candidates for unannounced inspection (kiểm tra đột xuất): agencies citizens complain about,
ranked by a score whose every input is a measure of the core and whose weights are in
config/targeting.yaml.

Inputs per unit of today (rolled up through the crosswalk), for the period of the filters:
- conduct_per_1000: complaints about officials' conduct (measure conduct_received) per 1 000
  items received (measure received);
- overdue_rate: the measure overdue_rate;
- trend: received in the last quarter (3 months to the period's end) ÷ the mean of the quarters
  before it − 1 (measure received per quarter; config trend_quarters);
- last_violations: findings (measure violations) of the unit's last inspection up to the
  period's end;
- remedy_open: findings not remedied by the period's end, over every inspection up to it
  (measure remedy_open);
- days_since_inspection: days from the last inspection to the period's end (never inspected:
  config never_inspected_days, or the longest time since any unit's last inspection if longer).

Each input is scaled 0-1 within the level (min-max over the ranked units of that level; a unit
without the input gets 0); its contribution = 100 × weight × scaled value ÷ Σ weights, and the
score is the sum of the contributions. Only units with at least config min_volume items to be
handled are ranked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd

from cchc.core import config, places, warehouse
from cchc.core.compute import compute
from cchc.core.filters import Filters
from cchc.core.periods import Period, add_months
from cchc.core.rows import PeriodSpec, facts_sql
from cchc.core.warehouse import Scope

INPUTS = (
    "conduct_per_1000",
    "overdue_rate",
    "trend",
    "last_violations",
    "remedy_open",
    "days_since_inspection",
)
HISTORY_START = date(2000, 1, 1)


def weights() -> dict[str, float]:
    """The configured weights of the inputs (unknown names in the file are an error)."""
    raw = {k: float(v) for k, v in config.targeting()["weights"].items()}
    unknown = sorted(set(raw) - set(INPUTS))
    if unknown:
        raise ValueError(f"config/targeting.yaml: unknown inputs {unknown}; known: {list(INPUTS)}")
    return raw


def quarters(period: Period, n: int | None = None) -> dict[str, Period]:
    """The last n three-month windows ending on the period's last counted day, newest first
    ('q0' is the last quarter)."""
    n = n or int(config.targeting()["trend_quarters"])
    after = period.effective_end + timedelta(days=1)
    out = {}
    for k in range(n):
        start, end = add_months(after, -3 * (k + 1)), add_months(after, -3 * k) - timedelta(days=1)
        out[f"q{k}"] = Period(start, end, "quarter")
    return out


def history(period: Period) -> Period:
    """Every day up to the period's last counted day (for the last inspection and open remedies)."""
    return Period(HISTORY_START, period.effective_end, "custom")


LAST_INSPECTION_SQL = """last_day as (
    select unit_id, max(inspected_on) as last_inspected_on from inspection_facts group by unit_id
),
last_ins as (
    select i.unit_id, l.last_inspected_on, i.source, i.inspection_id, i.inspection_type
    from inspection_facts i join last_day l on l.unit_id = i.unit_id and l.last_inspected_on = i.inspected_on
)
select l.unit_id, l.last_inspected_on,
       string_agg(distinct l.inspection_type, ',' order by l.inspection_type) as last_inspection_type,
       count(v.violation_id) as last_violations
from last_ins l
left join violation_facts v on v.source = l.source and v.inspection_id = l.inspection_id
group by all
order by l.unit_id"""


def last_inspections(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Per unit: the day of its last inspection up to the period's end, the type(s) held that day
    and the findings of that day's inspections (the measure violations over that day)."""
    facts, params = facts_sql(replace(f, rollup=True), [PeriodSpec.of("history", history(period))])
    return warehouse.run(f"with {facts},\n{LAST_INSPECTION_SQL}", params, scope=scope)


def inputs(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """Per unit of today (communes, wards, departments): the measures behind the score."""
    f = replace(f, rollup=True)
    ref = period.effective_end
    units = places.current_units(f, scope=scope)
    now = compute(
        ["received", "conduct_received", "to_be_handled", "overdue_rate"], f, period, by=["unit"], scope=scope
    )
    out = units.merge(
        now.drop(columns=["period", "unit_name", "unit_short_name", "unit_level"]), on="unit_id", how="left"
    )
    qs = quarters(period)
    per_q = compute(["received"], f, qs, by=["unit"], scope=scope)
    grid = per_q.pivot_table(index="unit_id", columns="period", values="received", aggfunc="sum").reindex(
        columns=list(qs)
    )
    grid.columns = [f"received_{c}" for c in grid.columns]
    out = out.merge(grid.reset_index(), on="unit_id", how="left")
    hist = compute(["inspections", "remedy_open"], f, history(period), by=["unit"], scope=scope)
    hist = hist[["unit_id", "inspections", "remedy_open"]].rename(columns={"inspections": "inspections_ever"})
    out = out.merge(hist, on="unit_id", how="left")
    out = out.merge(last_inspections(f, period, scope=scope), on="unit_id", how="left")
    counts = ["received", "conduct_received", "to_be_handled", "inspections_ever", "remedy_open", "last_violations"]
    counts += list(grid.columns)
    for c in counts:
        out[c] = out[c].fillna(0).astype("int64")
    out["conduct_per_1000"] = [
        1000 * c / r if r else float("nan") for c, r in zip(out["conduct_received"], out["received"], strict=True)
    ]
    q_cols = list(grid.columns)
    before = out[q_cols[1:]].mean(axis=1) if len(q_cols) > 1 else pd.Series(float("nan"), index=out.index)
    out["trend"] = [
        (q0 / b - 1) if b and not pd.isna(b) else float("nan") for q0, b in zip(out[q_cols[0]], before, strict=True)
    ]
    last = pd.to_datetime(out["last_inspected_on"])
    out["never_inspected"] = last.isna()
    seen = [(ref - d.date()).days for d in last if not pd.isna(d)]
    # never inspected counts as at least as long ago as the longest-ago last inspection
    never = max([int(config.targeting()["never_inspected_days"]), *seen])
    out["days_since_inspection"] = [never if pd.isna(d) else (ref - d.date()).days for d in last]
    out["recent"] = (~out["never_inspected"]) & (out["days_since_inspection"] <= int(config.targeting()["recent_days"]))
    out["overdue_rate"] = out["overdue_rate"].astype("float")
    out["eligible"] = out["to_be_handled"] >= config.min_volume()
    return out


def scaled(values: pd.Series) -> pd.Series:
    """Min-max to 0-1; no spread or no value gives 0."""
    v = values.astype("float")
    lo, hi = v.min(), v.max()
    if pd.isna(lo) or pd.isna(hi) or hi <= lo:
        return pd.Series(0.0, index=v.index)
    return ((v - lo) / (hi - lo)).fillna(0.0)


def score(table: pd.DataFrame, w: dict[str, float] | None = None) -> pd.DataFrame:
    """Contributions (c_<input>), score and rank within level for the eligible units."""
    w = w if w is not None else weights()
    total = sum(w.values())
    out = table[table["eligible"]].copy()
    for name in INPUTS:
        out[f"n_{name}"] = 0.0
        out[f"c_{name}"] = 0.0
    for _level, idx in out.groupby("unit_level").groups.items():
        part = out.loc[idx]
        for name, weight in w.items():
            norm = scaled(part[name])
            out.loc[idx, f"n_{name}"] = norm
            out.loc[idx, f"c_{name}"] = 100 * weight * norm / total if total else 0.0
    out["score"] = out[[f"c_{n}" for n in INPUTS]].sum(axis=1).round(6)
    out["rank"] = out.groupby("unit_level")["score"].rank(method="min", ascending=False).astype("int64")
    return out.sort_values(["unit_level", "rank", "unit_name"]).reset_index(drop=True)


def candidates(f: Filters, period: Period, *, scope: Scope) -> pd.DataFrame:
    """The ranked candidates: inputs, each input's contribution, the score, rank within level,
    and whether the unit was inspected recently."""
    return score(inputs(f, period, scope=scope))
