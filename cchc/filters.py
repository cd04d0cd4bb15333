"""The global filters: a dataclass, its URL form, and the SQL it turns into."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from cchc import codebook, periods
from etl.warehouse import today as province_today

LEVELS = codebook.codes("level")
CHANNELS = codebook.codes("channel")
KINDS = codebook.codes("kind")
INSPECTION_TYPES = codebook.codes("inspection_type")
VIOLATION_CATEGORIES = codebook.codes("violation_category")

# URL parameter -> Filters field, for the list-valued filters.
_LIST_PARAMS = {
    "agencies": "agency_ids",
    "channel": "channels",
    "kind": "kinds",
    "category": "categories",
    "itype": "inspection_types",
    "vcat": "violation_categories",
}


@dataclass(frozen=True)
class Filters:
    preset: str = "last_month"
    cut: str = "calendar"
    start: date | None = None  # custom range only
    end: date | None = None
    agency_ids: tuple[str, ...] = ()
    level: str | None = None
    rollup: bool = True  # True: rolled up to today's units
    channels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    inspection_types: tuple[str, ...] = ()
    violation_categories: tuple[str, ...] = field(default=())

    def period(self, today: date | None = None) -> periods.Period:
        return periods.resolve(self.preset, today or province_today(), self.cut, self.start, self.end)

    def to_params(self) -> dict[str, str]:
        """The non-default filters as URL query parameters."""
        out: dict[str, str] = {}
        default = Filters()
        if self.preset != default.preset:
            out["period"] = self.preset
        if self.cut != default.cut:
            out["cut"] = self.cut
        if self.preset == "custom" and self.start and self.end:
            out["from"] = self.start.isoformat()
            out["to"] = self.end.isoformat()
        if self.level:
            out["level"] = self.level
        if not self.rollup:
            out["rollup"] = "0"
        for param, attr in _LIST_PARAMS.items():
            values = getattr(self, attr)
            if values:
                out[param] = ",".join(values)
        return out

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filters:
        """Read filters from URL query parameters, ignoring values that are not valid."""
        kwargs: dict = {}
        preset = params.get("period")
        if preset in periods.PRESETS:
            kwargs["preset"] = preset
        if params.get("cut") in periods.CUTS:
            kwargs["cut"] = params["cut"]
        start, end = _iso(params.get("from")), _iso(params.get("to"))
        if start and end:
            kwargs.update(start=start, end=end)
            kwargs.setdefault("preset", "custom")
        if params.get("level") in LEVELS:
            kwargs["level"] = params["level"]
        if params.get("rollup") == "0":
            kwargs["rollup"] = False
        for param, attr in _LIST_PARAMS.items():
            raw = params.get(param)
            if raw:
                values = tuple(v for v in str(raw).split(",") if v)
                kwargs[attr] = _only(attr, values)
        f = cls(**kwargs)
        if f.preset == "custom" and not (f.start and f.end):
            f = replace(f, preset=Filters.preset)
        return f


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _only(attr: str, values: tuple[str, ...]) -> tuple[str, ...]:
    allowed = {
        "channels": CHANNELS,
        "kinds": KINDS,
        "inspection_types": INSPECTION_TYPES,
        "violation_categories": VIOLATION_CATEGORIES,
    }.get(attr)
    if allowed is None:  # agency ids and categories are checked by the database: bound values
        return values[:200]
    return tuple(v for v in values if v in allowed)


# --- SQL -----------------------------------------------------------------------------------

# Columns a caller may name (group by, order by); anything else is refused.
IDENTIFIERS = {
    "channel",
    "kind",
    "category",
    "status",
    "unit_id",
    "unit_name",
    "unit_level",
    "inspection_type",
    "period",
    "received_date",
    "resolved_date",
    "due_date",
    "inspected_on",
    "complaint_id",
    "inspection_id",
    "violation_id",
    "handling",
    "agency_id",
}


def ident(name: str) -> str:
    """An identifier for SQL, from the allow-list only."""
    if name not in IDENTIFIERS:
        raise ValueError(f"identifier not allowed: {name!r}")
    return name


def _in(column: str, values: tuple[str, ...], params: list) -> str:
    params.extend(values)
    return f"{column} in ({', '.join('?' * len(values))})"


# Units that no longer exist carry their last day, so an old and a new unit of the same name
# (a new commune keeps a predecessor's name) stay apart in charts and tables.
_UNTIL = "case when k.valid_to is null then '' else ' (–' || strftime(k.valid_to, '%d/%m/%Y') || ')' end"


def units_cte(f: Filters) -> tuple[str, list]:
    """CTE `units`: each agency in scope -> the unit it is shown as (as it was / today's),
    kept when that unit passes the level and agency filters. Joins `scope_units`, so the
    viewer's scope (db.Scope) applies to every query built on it."""
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
    join scope_units s on s.agency_id = a.agency_id
    join agencies k
      on k.agency_id = case when ? then coalesce(a.current_id, a.agency_id) else a.agency_id end
    where {" and ".join(conds)}
)"""
    return sql, params


def where(f: Filters, table: str, alias: str) -> tuple[str, list]:
    """Where-clause (without `where`) for one fact table's own columns, with bound values."""
    params: list = []
    conds = ["true"]
    if table == "complaints":
        for column, values in (("channel", f.channels), ("kind", f.kinds), ("category", f.categories)):
            if values:
                conds.append(_in(f"{alias}.{ident(column)}", values, params))
    elif table == "inspections":
        if f.inspection_types:
            conds.append(_in(f"{alias}.inspection_type", f.inspection_types, params))
    elif table == "violations":
        if f.violation_categories:
            conds.append(_in(f"{alias}.category", f.violation_categories, params))
    else:
        raise ValueError(f"unknown fact table: {table!r}")
    return " and ".join(conds), params
