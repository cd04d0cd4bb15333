"""The places on the map: Thái Nguyên's 92 communes and wards (1 July 2025) as shipped in
data/reference, with the population the merger map site published for each.

Public reference data, read from the files (not from the warehouse): the geometry
(`thai_nguyen_communes_2025.geojson`, one Polygon per unit, feature id = GSO code) and the unit
list (`thai_nguyen_units_2025.csv`, `population_bando`). Numbers on the map come from the
warehouse through compute(); this module only says where each unit is and how many people live
there.

Winding: the file follows RFC 7946 (exterior rings counter-clockwise). Plotly's geo map draws
with d3-geo, which reads a ring the other way round as "the whole globe except this polygon";
`for_plotly()` returns the rings rewound the way d3-geo expects (exterior clockwise, holes
counter-clockwise)."""

from __future__ import annotations

import copy
import csv
import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
COMMUNES_GEOJSON = REFERENCE_DIR / "thai_nguyen_communes_2025.geojson"
UNITS_CSV = REFERENCE_DIR / "thai_nguyen_units_2025.csv"
POPULATION_SOURCE = "sapnhap.bando.com.vn (07/2025), data/reference/SOURCES.md"


@lru_cache(maxsize=1)
def raw_geojson() -> dict:
    """The reference GeoJSON as shipped (RFC 7946 winding)."""
    return json.loads(COMMUNES_GEOJSON.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def units() -> pd.DataFrame:
    """The 92 units of the reference list: code (text, leading zeros kept), name, short name,
    type and population (None where the list has none)."""
    with UNITS_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return pd.DataFrame(
        {
            "code": [r["code"] for r in rows],
            "name": [r["name"] for r in rows],
            "short_name": [r["short_name"] for r in rows],
            "type": [r["type"] for r in rows],
            "population": pd.array([_int(r.get("population_bando")) for r in rows], dtype="Int64"),
        }
    )


def _int(text: str | None) -> int | None:
    text = (text or "").strip().replace(".", "").replace(",", "")
    return int(text) if text.isdigit() and int(text) > 0 else None


def signed_area(ring: list[list[float]]) -> float:
    """Shoelace area of a lon/lat ring: > 0 counter-clockwise, < 0 clockwise."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        total += x1 * y2 - x2 * y1
    return total / 2


def _oriented(ring: list, clockwise: bool) -> list:
    is_cw = signed_area(ring) < 0
    return ring if is_cw == clockwise else ring[::-1]


def rewind(geometry: dict, exterior_clockwise: bool = True) -> dict:
    """A Polygon or MultiPolygon with its exterior rings clockwise (d3-geo) or counter-clockwise
    (RFC 7946) and its holes the other way."""
    out = copy.deepcopy(geometry)
    polygons = [out["coordinates"]] if out["type"] == "Polygon" else out["coordinates"]
    for rings in polygons:
        for i, ring in enumerate(rings):
            rings[i] = _oriented(ring, exterior_clockwise if i == 0 else not exterior_clockwise)
    return out


@lru_cache(maxsize=1)
def for_plotly() -> dict:
    """The GeoJSON for Plotly's geo map: rings rewound for d3-geo, feature id = GSO code."""
    src = raw_geojson()
    features = [
        {
            "type": "Feature",
            "id": f["properties"]["code"],
            "properties": {"code": f["properties"]["code"], "name": f["properties"]["name"]},
            "geometry": rewind(f["geometry"], exterior_clockwise=True),
        }
        for f in src["features"]
    ]
    return {"type": "FeatureCollection", "features": features}


def codes() -> list[str]:
    """The GSO codes that have a geometry."""
    return [f["properties"]["code"] for f in raw_geojson()["features"]]
