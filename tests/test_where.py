"""Issue 17: the map's values and the candidates for unannounced inspection, checked against
independent pandas computations over the fixture rows (tests/conftest_pages.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from cchc.core import ALL, Filters, compute, config, geo, places, queries, targeting
from cchc.core.measures import CONDUCT_CATEGORIES
from tests.conftest_pages import CURRENT_ID, LEVEL, LOAD_DATE, TODAY, expected, frames

START = date(2025, 1, 1)


def _f(**kw) -> Filters:
    return Filters(preset="custom", start=START, end=LOAD_DATE, **kw)


def _unit(agency_id: str) -> str:
    return CURRENT_ID[agency_id] or agency_id


# --- reference geometry ----------------------------------------------------------------------


def test_every_one_of_the_92_codes_joins_to_a_geometry_and_every_geometry_to_a_unit():
    listed = list(geo.units()["code"])
    drawn = geo.codes()
    assert len(listed) == 92 and len(set(listed)) == 92
    assert sorted(drawn) == sorted(listed)
    assert all(len(c) == 5 and c.isdigit() for c in listed)  # text codes, leading zeros kept


def test_every_current_commune_of_the_demo_reference_has_a_geometry():
    from etl.agencies import REFERENCE_DIR, build_reference

    tables = build_reference(REFERENCE_DIR, REFERENCE_DIR.parent / "agencies" / "departments.csv")
    units = tables.agencies
    current = units[(units["level"] == "commune") & units["valid_to"].isna()]
    assert sorted(current["code"]) == sorted(geo.codes())


def test_geometry_is_rewound_for_d3_exterior_clockwise():
    raw = geo.raw_geojson()["features"]
    drawn = geo.for_plotly()["features"]
    assert all(geo.signed_area(f["geometry"]["coordinates"][0]) > 0 for f in raw)  # RFC 7946 as shipped
    assert all(geo.signed_area(f["geometry"]["coordinates"][0]) < 0 for f in drawn)  # d3-geo
    assert [f["id"] for f in drawn] == [f["properties"]["code"] for f in raw]
    ring = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    poly = {"type": "Polygon", "coordinates": [ring, ring[::-1]]}
    out = geo.rewind(poly)["coordinates"]
    assert geo.signed_area(out[0]) < 0 and geo.signed_area(out[1]) > 0  # hole the other way


def test_population_is_known_for_every_unit_and_adds_up_to_the_sources_total():
    pop = geo.units()["population"]
    assert pop.notna().all()
    assert int(pop.sum()) == 1_703_585  # data/reference/SOURCES.md


# --- map values ------------------------------------------------------------------------------


@pytest.mark.parametrize("measure", ["received", "on_time_rate", "overdue_open", "violations"])
def test_values_on_the_map_equal_the_core_measure_for_each_unit(fixture_db, measure):
    f = _f(rollup=False)  # the map rolls up whatever the sidebar says
    m = places.map_frame(f, f.period(TODAY), measure, per_capita=False, scope=ALL).set_index("unit_id")
    for unit in m.index:
        wanted = expected(START, LOAD_DATE, rollup=True, agency=unit)[measure]
        got = m.loc[unit, "value"]
        if wanted is None:
            assert pd.isna(got), unit
        else:
            assert got == pytest.approx(wanted), (unit, measure)
    assert set(m["unit_level"]) <= {"commune", "department"}
    assert all(LEVEL[u] in ("commune", "department") for u in m.index)


def test_map_per_10_000_inhabitants_and_below_minimum_volume(fixture_db):
    f = _f()
    per = places.map_frame(f, f.period(TODAY), "received", per_capita=True, scope=ALL)
    communes = per[per["unit_level"] == "commune"]
    pop = geo.units().set_index("code")["population"]
    for r in communes.itertuples():
        assert r.population == pop[r.code]
        assert r.shown == pytest.approx(10_000 * r.value / pop[r.code])
    deps = per[per["unit_level"] == "department"]
    assert deps["population"].isna().all() and deps["shown"].isna().all()  # no population: not per capita

    rate = places.map_frame(f, f.period(TODAY), "on_time_rate", per_capita=True, scope=ALL)
    low = rate["to_be_handled"] < config.min_volume()
    assert (rate["below_min"] == low).all()
    assert rate.loc[low, "shown"].isna().all()  # never coloured as 0 % or 100 %
    assert rate.loc[~low, "shown"].notna().any()


def test_map_rolls_old_units_up_to_todays_unit(fixture_db):
    f = _f()
    m = places.map_frame(f, f.period(TODAY), "received", per_capita=False, scope=ALL).set_index("unit_id")
    c = frames()["complaints"]
    received = c[pd.to_datetime(c["received_date"]).between(pd.Timestamp(START), pd.Timestamp(LOAD_DATE))]
    old = received[received["agency_id"].isin(["xa:05767", "xa:05770", "xa:05776"])]
    assert len(old) > 0  # the fixture has complaints about the old communes in the period
    total = received[received["agency_id"].map(_unit) == "xa:05776@2025-07-01"]
    assert m.loc["xa:05776@2025-07-01", "value"] == len(total)


# --- candidates ------------------------------------------------------------------------------


def _pandas_inputs(ref: date) -> pd.DataFrame:
    """The candidates' inputs recomputed from the fixture rows, without the core's SQL."""
    data = frames()
    c = data["complaints"].assign(unit=lambda d: d["agency_id"].map(_unit))
    got = pd.to_datetime(c["received_date"])
    received = c[got.between(pd.Timestamp(START), pd.Timestamp(ref))]
    conduct = received[received["category"].isin(CONDUCT_CATEGORIES)].groupby("unit").size()
    ins = data["inspections"].assign(unit=lambda d: d["agency_id"].map(_unit))
    ins = ins[pd.to_datetime(ins["inspected_on"]) <= pd.Timestamp(ref)]
    vio = data["violations"].merge(ins[["inspection_id", "unit", "inspected_on"]], on="inspection_id")
    rem = pd.to_datetime(vio["remedied_on"])
    open_ = vio[rem.isna() | (rem > pd.Timestamp(ref))].groupby("unit").size()
    last_day = ins.groupby("unit")["inspected_on"].max()
    last_v = vio[vio["inspected_on"] == vio["unit"].map(last_day)].groupby("unit").size()
    units = sorted(set(received["unit"]))
    return pd.DataFrame(
        {
            "received": [int((received["unit"] == u).sum()) for u in units],
            "conduct_received": [int(conduct.get(u, 0)) for u in units],
            "remedy_open": [int(open_.get(u, 0)) for u in units],
            "last_inspected_on": [last_day.get(u) for u in units],
            "last_violations": [int(last_v.get(u, 0)) for u in units],
        },
        index=units,
    )


def test_candidates_inputs_equal_the_core_measures_and_pandas(fixture_db):
    f = _f()
    period = f.period(TODAY)
    table = targeting.inputs(f, period, scope=ALL).set_index("unit_id")
    wanted = _pandas_inputs(period.effective_end)
    core = compute(["received", "conduct_received", "overdue_rate"], f, period, by=["unit"], scope=ALL)
    core = core.set_index("unit_id")
    checked = 0
    for unit, row in table.iterrows():
        if unit not in wanted.index:
            continue
        w = wanted.loc[unit]
        assert row["received"] == w["received"] == core.loc[unit, "received"]
        assert row["conduct_received"] == w["conduct_received"] == core.loc[unit, "conduct_received"]
        assert row["conduct_per_1000"] == pytest.approx(1000 * w["conduct_received"] / w["received"])
        assert row["overdue_rate"] == pytest.approx(expected(START, LOAD_DATE, agency=unit)["overdue_rate"])
        assert row["remedy_open"] == w["remedy_open"]
        assert row["last_violations"] == w["last_violations"]
        if pd.isna(w["last_inspected_on"]):
            assert row["never_inspected"]
        else:
            days = (period.effective_end - w["last_inspected_on"]).days
            assert row["days_since_inspection"] == days
            assert row["recent"] == (days <= config.targeting()["recent_days"])
        checked += 1
    assert checked >= 3


def test_candidates_trend_is_the_last_quarter_against_the_quarters_before(fixture_db):
    f = _f()
    period = f.period(TODAY)
    table = targeting.inputs(f, period, scope=ALL).set_index("unit_id")
    qs = targeting.quarters(period)
    assert qs["q0"].end == period.effective_end and qs["q0"].start == qs["q1"].end + timedelta(days=1)
    c = frames()["complaints"].assign(unit=lambda d: d["agency_id"].map(_unit))
    days = pd.to_datetime(c["received_date"])
    for unit, row in table[table["received"] > 0].iterrows():
        mine = days[c["unit"] == unit]
        counts = [int(mine.between(pd.Timestamp(q.start), pd.Timestamp(q.end)).sum()) for q in qs.values()]
        before = sum(counts[1:]) / (len(counts) - 1)
        if before:
            assert row["trend"] == pytest.approx(counts[0] / before - 1), unit


def test_candidates_order_follows_the_configured_weights(fixture_db):
    f = _f()
    period = f.period(TODAY)
    table = targeting.inputs(f, period, scope=ALL)
    w = targeting.weights()
    ranked = targeting.score(table, w)
    assert ranked["eligible"].all()
    for _level, part in ranked.groupby("unit_level"):
        by_hand = pd.Series(0.0, index=part.index)
        for name, weight in w.items():
            v = part[name].astype(float)
            spread = v.max() - v.min()
            scaled = ((v - v.min()) / spread).fillna(0) if spread > 0 else 0 * v.fillna(0)
            assert part[f"c_{name}"].to_numpy() == pytest.approx((100 * weight * scaled / sum(w.values())).to_numpy())
            by_hand += 100 * weight * scaled / sum(w.values())
        assert part["score"].to_numpy() == pytest.approx(by_hand.to_numpy())
        assert list(part["score"]) == sorted(part["score"], reverse=True)
        assert part["rank"].iloc[0] == 1
    # one weight only: the order is that input's order
    only = targeting.score(table, {"days_since_inspection": 1.0})
    for _level, part in only.groupby("unit_level"):
        assert list(part["days_since_inspection"]) == sorted(part["days_since_inspection"], reverse=True)
    only = targeting.score(table, {"conduct_per_1000": 1.0})
    for _level, part in only.groupby("unit_level"):
        assert list(part["conduct_per_1000"].fillna(-1)) == sorted(part["conduct_per_1000"].fillna(-1), reverse=True)


def test_candidates_rank_only_units_above_the_minimum_volume(fixture_db):
    f = _f()
    period = f.period(TODAY)
    table = targeting.inputs(f, period, scope=ALL)
    ranked = queries.candidates(f, period, scope=ALL)
    assert set(ranked["unit_id"]) == set(table.loc[table["to_be_handled"] >= config.min_volume(), "unit_id"])


def test_unknown_weight_in_config_is_refused(monkeypatch):
    monkeypatch.setattr(config, "targeting", lambda: {**config.DEFAULT_TARGETING, "weights": {"nope": 1}})
    with pytest.raises(ValueError):
        targeting.weights()


def test_candidates_export_for_the_inspection_team(fixture_db):
    import io

    from python_calamine import CalamineWorkbook

    from cchc import exports
    from cchc.i18n import using

    f = _f()
    table = queries.candidates(f, f.period(TODAY), scope=ALL)
    inputs = list(targeting.weights())
    with using("vi"):
        frame = exports.candidates_frame(table, inputs)
        data = exports.xlsx_from_chunks([frame], sheet="doi_tuong_kiem_tra")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("doi_tuong_kiem_tra").to_python()
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Hạng trong cấp", "Cơ quan", "Cấp", "Điểm ưu tiên"]
    assert "Tỷ lệ quá hạn (%)" in header and "Đóng góp vào điểm: Tỷ lệ quá hạn" in header
    assert len(body) == len(table) > 0
    got = dict(zip(header, body[0], strict=True))
    first = table.iloc[0]
    assert got["Cơ quan"] == first["unit_name"]
    assert got["Điểm ưu tiên"] == pytest.approx(round(first["score"], 1))
    assert got["Tỷ lệ quá hạn (%)"] == pytest.approx(round(100 * first["overdue_rate"], 1))
    contributions = [v for h, v in got.items() if h.startswith("Đóng góp vào điểm: ")]
    assert len(contributions) == len(inputs)
    assert sum(contributions) == pytest.approx(first["score"], abs=0.1 * len(inputs))
