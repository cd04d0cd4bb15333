"""The map's numbers: one measure per unit that exists today, rolled up through the crosswalk.

Communes and wards are places (drawn on the map, joined to their geometry by GSO code);
departments are not (listed beside the map). Values are the registry's measures computed by
compute(..., by=["unit"]) with Filters.rollup on, so a map of 2023 is drawn on today's units.
Counts of complaints can be shown per 10 000 inhabitants (population from the reference unit
list, cchc.core.geo); rates are not coloured below the minimum volume (config min_volume)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from cchc.core import config, geo, warehouse
from cchc.core import measures as registry
from cchc.core.compute import compute
from cchc.core.filters import Filters
from cchc.core.periods import Period
from cchc.core.warehouse import Scope

# Measures offered on the map, and the count each value rests on (shown in the hover).
MAP_MEASURES: dict[str, str] = {
    "received": "received",
    "on_time_rate": "resolved",
    "overdue_rate": "to_be_handled",
    "overdue_open": "overdue_open",
    "violations": "violations",
    "inspections": "inspections",
}
PER_CAPITA = ("received", "overdue_open")  # counts of complaints that can be shown per 10 000 people
PER = 10_000
PLACE_LEVELS = ("commune",)
LISTED_LEVELS = ("commune", "department")

CURRENT_UNITS_SQL = """select a.agency_id as unit_id, a.code, a.name as unit_name,
       coalesce(a.short_name, a.name) as unit_short_name, a.level as unit_level
from agencies a
where a.valid_to is null
  and list_contains(?, a.level)
  and (? is null or a.level = ?)
  and (len(?) = 0 or list_contains(?, a.agency_id))
  and a.agency_id in (select agency_id from scope_units)
order by a.level, a.name, a.agency_id"""


def current_units(f: Filters, *, scope: Scope) -> pd.DataFrame:
    """Today's communes, wards and departments the scope can see, within the level and agency
    filters."""
    ids = list(f.agency_ids)
    return warehouse.run(CURRENT_UNITS_SQL, [list(LISTED_LEVELS), f.level, f.level, ids, ids], scope=scope)


def below_minimum(measure: str, to_be_handled: object, count: object) -> bool:
    """A rate over fewer items than the minimum volume is not coloured (never shown as 0 % or 100 %)."""
    m = registry.get(measure)
    if m.unit != "rate" and m.unit != "ratio":
        return False
    base = to_be_handled if MAP_MEASURES[measure] in ("resolved", "to_be_handled") else count
    return pd.isna(base) or float(base) < config.min_volume()


def map_frame(f: Filters, period: Period, measure: str, per_capita: bool, *, scope: Scope) -> pd.DataFrame:
    """Per unit of today (communes, wards, departments): the measure, the count behind it, the
    population, the value per 10 000 inhabitants, the value the map colours (`shown`) and whether
    the unit is below the minimum volume. Filters.rollup is forced on."""
    if measure not in MAP_MEASURES:
        raise ValueError(f"not a map measure: {measure!r}; known: {sorted(MAP_MEASURES)}")
    f = replace(f, rollup=True)
    count_col = MAP_MEASURES[measure]
    names = list(dict.fromkeys([measure, count_col, "to_be_handled"]))
    values = compute(names, f, period, by=["unit"], scope=scope)
    values = values[["unit_id", *names]]
    out = current_units(f, scope=scope).merge(values, on="unit_id", how="left")
    for name in names:
        if registry.get(name).unit == "count":
            out[name] = out[name].fillna(0).astype("int64")
    pop = geo.units()[["code", "population"]]
    out = out.merge(pop, on="code", how="left")
    out["value"] = out[measure].astype("float")
    out["count"] = out[count_col]
    capita = per_capita and measure in PER_CAPITA
    out["per_10k"] = [
        (PER * v / p) if (not pd.isna(p) and p and not pd.isna(v)) else None
        for v, p in zip(out["value"], out["population"], strict=True)
    ]
    out["per_10k"] = out["per_10k"].astype("float")
    out["shown"] = out["per_10k"] if capita else out["value"]
    out["below_min"] = [below_minimum(measure, t, c) for t, c in zip(out["to_be_handled"], out["count"], strict=True)]
    out.loc[out["below_min"], "shown"] = float("nan")
    out["per_capita"] = capita
    cols = [
        "unit_id",
        "code",
        "unit_name",
        "unit_short_name",
        "unit_level",
        "value",
        "count",
        "to_be_handled",
        "population",
        "per_10k",
        "shown",
        "below_min",
        "per_capita",
    ]
    return out[cols].reset_index(drop=True)
