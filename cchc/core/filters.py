"""The global filters: a dataclass and its URL form (the SQL they turn into is in rows.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from cchc import codebook
from cchc.clock import today as province_today
from cchc.core import periods

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


# Dates a custom range may take from a URL: anything else is ignored (the default period is
# used), so that year 1 or 9999 never reaches date arithmetic.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def _iso(value: str | None) -> date | None:
    if not value or len(str(value)) > 10:
        return None
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


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
