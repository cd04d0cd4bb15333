"""Tests for the agency dimension: reference build, warehouse write, matcher and registration."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.agencies import (
    DEPARTMENTS_CSV,
    REFERENCE_DIR,
    AgencyMatch,
    AgencyMatcher,
    build_reference,
    register,
    write_reference,
)
from etl.textnorm import agency_key

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "etl" / "schema.sql"
NEW = "@2025-07-01"
OLD = "@pre2025"
D = dt.date


def _warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    return con


@pytest.fixture(scope="module")
def tables():
    return build_reference(REFERENCE_DIR, DEPARTMENTS_CSV)


@pytest.fixture(scope="module")
def agencies(tables):
    return tables.agencies.set_index("agency_id", drop=False)


@pytest.fixture(scope="module")
def con():
    c = _warehouse()
    c.execute("begin")
    write_reference(c)
    c.execute("commit")
    return c


@pytest.fixture(scope="module")
def matcher(con):
    return AgencyMatcher(con)


# ---------------------------------------------------------------- reference build


def test_build_reference_columns_equal_schema_columns(tables):
    con = _warehouse()
    for table, df in [
        ("agencies", tables.agencies),
        ("agency_successors", tables.successors),
        ("agency_aliases", tables.aliases),
    ]:
        cols = [r[0] for r in con.execute(f"describe {table}").fetchall()]
        assert list(df.columns) == cols


def test_build_reference_levels_counted_per_period(tables):
    a = tables.agencies
    period = a["agency_id"].str.extract(r"(@.*)$", expand=False).fillna("")
    got = a.assign(period=period).groupby(["level", "period", "unit_type"]).size().to_dict()
    with open(DEPARTMENTS_CSV, encoding="utf-8") as f:
        n_departments = sum(1 for _ in csv.DictReader(f))
    assert n_departments == 20
    assert got == {
        ("commune", NEW, "phường"): 15,
        ("commune", NEW, "xã"): 77,
        ("commune", OLD, "phường"): 47,
        ("commune", OLD, "thị trấn"): 17,
        ("commune", OLD, "xã"): 216,
        ("department", "", "ban"): 2,
        ("department", "", "sở"): 17,
        ("department", "", "thanh tra"): 1,
        ("district", OLD, "huyện"): 13,
        ("district", OLD, "thành phố"): 4,
        ("province", "", "tỉnh"): 1,
    }


def test_build_reference_agency_ids_unique(tables):
    assert tables.agencies["agency_id"].is_unique


def test_old_commune_every_one_has_successor_and_current_among_new(tables):
    a = tables.agencies
    old = a[(a["level"] == "commune") & a["agency_id"].str.endswith(OLD)]
    new_ids = set(a.loc[a["agency_id"].str.endswith(NEW), "agency_id"])
    assert len(old) == 280
    assert len(new_ids) == 92
    assert set(old["successor_id"]) <= new_ids
    assert set(old["current_id"]) <= new_ids
    assert (old["successor_id"] == old["current_id"]).all()
    assert set(old["valid_to"]) == {D(2025, 6, 30)}
    assert old["parent_id"].str.match(r"^huyen:\d{3}@pre2025$").all()


def test_new_commune_is_current_and_valid_from_reform(agencies):
    new = agencies[agencies["agency_id"].str.endswith(NEW)]
    assert (new["current_id"] == new["agency_id"]).all()
    assert set(new["valid_from"]) == {D(2025, 7, 1)}
    assert new["valid_to"].isna().all()
    assert set(new["parent_id"]) == {"province:thai-nguyen"}
    assert set(new["province_name"]) == {"Tỉnh Thái Nguyên"}


def test_old_district_no_successor_current_null(agencies):
    d = agencies[agencies["level"] == "district"]
    assert len(d) == 17
    assert d["successor_id"].isna().all()
    assert d["current_id"].isna().all()
    assert set(d["parent_id"]) == {"province:thai-nguyen"}
    assert d["province_name"].value_counts().to_dict() == {
        "Tỉnh Thái Nguyên": 9,
        "Tỉnh Bắc Kạn": 8,
    }


def test_split_units_two_successor_pairs_exactly_one_primary(tables):
    s = tables.successors
    split = s[s["agency_id"].isin(s.loc[s["agency_id"].duplicated(), "agency_id"])]
    got = {(r.agency_id, r.successor_id, r.is_primary) for r in split.itertuples()}
    assert got == {
        ("xa:05461@pre2025", "xa:05443@2025-07-01", False),
        ("xa:05461@pre2025", "xa:05467@2025-07-01", True),  # neither reuses 05461: the one that kept the name
        ("xa:05467@pre2025", "xa:05467@2025-07-01", True),  # reuses its own code
        ("xa:05467@pre2025", "xa:05500@2025-07-01", False),
        ("xa:05932@pre2025", "xa:05908@2025-07-01", True),
        ("xa:05932@pre2025", "xa:05941@2025-07-01", False),
    }


def test_successor_pairs_equal_old_to_new_mapping_file(tables):
    with open(REFERENCE_DIR / "thai_nguyen_2025_old_to_new_mapping.csv", encoding="utf-8") as f:
        expected = {(f"xa:{r['old_code']}{OLD}", f"xa:{r['new_code']}{NEW}") for r in csv.DictReader(f)}
    s = tables.successors
    got = {(r.agency_id, r.successor_id) for r in s.itertuples() if r.agency_id.startswith("xa:")}
    assert len(expected) == 283
    assert got == expected


def test_primary_successor_equals_agency_successor_id(tables, agencies):
    prim = tables.successors[tables.successors["is_primary"]]
    assert prim["agency_id"].is_unique
    assert dict(zip(prim["agency_id"], prim["successor_id"], strict=True)) == (
        agencies["successor_id"].dropna().to_dict()
    )


def test_codes_leading_zeros_kept(agencies):
    assert agencies.loc["xa:01840@2025-07-01", "code"] == "01840"
    assert agencies.loc["huyen:058@pre2025", "code"] == "058"
    assert agencies.loc["province:thai-nguyen", "code"] == "19"
    assert agencies["code"].dropna().str.len().value_counts().to_dict() == {
        5: 372,
        3: 17,
        2: 1,
    }


def test_code_reuse_05443_two_units_different_periods(tables):
    a = tables.agencies
    rows = a[a["code"] == "05443"][["agency_id", "name", "valid_from", "valid_to"]]
    got = sorted(tuple(None if pd.isna(v) else v for v in r) for r in rows.itertuples(index=False))
    assert got == [
        ("xa:05443@2025-07-01", "Phường Phan Đình Phùng", D(2025, 7, 1), None),
        ("xa:05443@pre2025", "Phường Trưng Vương", None, D(2025, 6, 30)),
    ]


def test_department_old_rolls_up_to_merged_department(agencies):
    got = agencies.loc[agencies["level"] == "department"].set_index("agency_id")
    assert got.loc["so:ke-hoach-dau-tu", ["successor_id", "current_id"]].tolist() == [
        "so:tai-chinh",
        "so:tai-chinh",
    ]
    assert got.loc["so:lao-dong-tbxh", "current_id"] == "so:noi-vu"
    assert got.loc["so:noi-vu", "current_id"] == "so:noi-vu"
    assert got.loc["so:ke-hoach-dau-tu", "valid_to"] == D(2025, 2, 28)


def test_agency_key_tone_placement_variants_equal():
    assert agency_key("Định Hoá") == agency_key("Định Hóa") == "dinh hoa"
    assert agency_key("Xã Điềm Thuỵ") == agency_key("Xã Điềm Thụy")
    assert agency_key("Phường Quán Triều") == agency_key("Phường Quan Triều")


def test_aliases_old_commune_district_qualifiers_same_unit(tables):
    al = tables.aliases
    keys = {
        agency_key(s)
        for s in [
            "Xã Tân Lập, huyện Chợ Đồn",
            "Xã Tân Lập - Chợ Đồn",
            "Xã Tân Lập (Chợ Đồn)",
            "Xã Tân Lập, Chợ Đồn, Bắc Kạn",
        ]
    }
    assert set(al.loc[al["alias_norm"].isin(keys), "agency_id"]) == {"xa:02032@pre2025"}


def test_aliases_short_names_of_department_only_when_unambiguous(tables):
    al = tables.aliases
    assert set(al.loc[al["alias_norm"] == "noi vu", "agency_id"]) == {"so:noi-vu"}
    # Bare short names of communes are never aliases: 'Đức Xuân' alone could be either period.
    assert al.loc[al["alias_norm"] == "duc xuan"].empty


# ---------------------------------------------------------------- writing


def test_write_reference_twice_same_rows_and_keeps_registered():
    c = _warehouse()
    c.execute("begin")
    first = write_reference(c)
    c.execute("commit")
    src_id = register(c, "nyc", "NYCC48", "office")
    c.execute("begin")
    second = write_reference(c)
    c.execute("commit")
    assert first == second
    assert first["agencies"] == 410
    assert c.execute("select count(*) from agencies").fetchone()[0] == 411
    assert c.execute("select count(*) from agency_successors").fetchone()[0] == first["successor_pairs"]
    assert c.execute("select agency_id from agency_aliases where alias_norm = 'nycc48'").fetchall() == [(src_id,)]


def test_write_reference_rollback_restores_previous_rows():
    c = _warehouse()
    c.execute("begin")
    write_reference(c)
    c.execute("commit")
    c.execute("begin")
    write_reference(c)
    c.execute("delete from agencies")
    c.execute("rollback")
    assert c.execute("select count(*) from agencies").fetchone()[0] == 410


# ---------------------------------------------------------------- matcher

MATCH_CASES = [
    # spelling variants of one name all meet
    ("UBND xã Tân Cương", D(2025, 8, 1), "xa:05503@2025-07-01"),
    ("Ủy ban nhân dân xã Tân Cương", D(2025, 8, 1), "xa:05503@2025-07-01"),
    ("Xa Tan Cuong", D(2025, 8, 1), "xa:05503@2025-07-01"),
    ("  xã   tân cương ", D(2025, 8, 1), "xa:05503@2025-07-01"),
    # an old name on an old date: the old unit
    ("Phường Trưng Vương", D(2024, 3, 5), "xa:05443@pre2025"),
    ("UBND phường Túc Duyên", D(2025, 6, 30), "xa:05437@pre2025"),
    # an old name after the reform: still the old unit (the crosswalk rolls it up)
    ("Phường Túc Duyên", D(2026, 1, 15), "xa:05437@pre2025"),
    # a name that is both old and new resolves by date; no date prefers today's unit
    ("Phường Đức Xuân", D(2024, 12, 31), "xa:01840@pre2025"),
    ("Phường Đức Xuân", D(2025, 7, 1), "xa:01840@2025-07-01"),
    ("Phường Đức Xuân", None, "xa:01840@2025-07-01"),
    ("Phường Gia Sàng", D(2025, 1, 2), "xa:05461@pre2025"),
    ("Phường Gia Sàng", D(2025, 8, 2), "xa:05467@2025-07-01"),
    # district qualifiers, written several ways
    ("Xã Tân Lập, huyện Chợ Đồn", D(2024, 1, 1), "xa:02032@pre2025"),
    ("Xã Tân Lập - Chợ Đồn", D(2024, 1, 1), "xa:02032@pre2025"),
    ("Xã Tân Lập (Chợ Đồn)", D(2024, 1, 1), "xa:02032@pre2025"),
    ("Phường Trung Thành, TX Phổ Yên", D(2024, 1, 1), "xa:05899@pre2025"),
    ("Phường Trung Thành", D(2025, 9, 1), "xa:05899@2025-07-01"),
    # spelling variants noted in SOURCES.md
    ("Xã Định Hoá", D(2025, 9, 1), "xa:05569@2025-07-01"),
    ("Xã Sỹ Bình", D(2024, 1, 1), "xa:01978@pre2025"),
    ("Xã Liêm Thủy", D(2024, 1, 1), "xa:02197@pre2025"),
    ("Phường Quan Triều", D(2024, 9, 1), "xa:05431@pre2025"),
    ("Xã Úc Kì", D(2024, 9, 1), "xa:05950@pre2025"),
    # same letters, different vowel shapes: diacritics decide when given
    ("Xã Văn Lăng", D(2025, 9, 1), "xa:05665@2025-07-01"),
    ("Xã Văn Lang", D(2025, 9, 1), "xa:02143@2025-07-01"),
    # qualifier with no alias: the head is used
    ("Phường Phan Đình Phùng, quận X", D(2025, 9, 1), "xa:05443@2025-07-01"),
    # districts, province, departments
    ("UBND huyện Đại Từ", D(2024, 1, 1), "huyen:171@pre2025"),
    ("TP. Thái Nguyên", D(2024, 1, 1), "huyen:164@pre2025"),
    ("UBND tỉnh Thái Nguyên", D(2025, 9, 1), "province:thai-nguyen"),
    ("Sở Nội vụ", D(2025, 9, 1), "so:noi-vu"),
    ("so noi vu", D(2025, 9, 1), "so:noi-vu"),
    ("Sở Nội vụ tỉnh Thái Nguyên", None, "so:noi-vu"),
    ("Sở Kế hoạch và Đầu tư", D(2024, 11, 1), "so:ke-hoach-dau-tu"),
]


@pytest.mark.parametrize(("raw", "on", "expected"), MATCH_CASES)
def test_matcher_known_name_resolves_to_unit(matcher, raw, on, expected):
    assert matcher.match(raw, on) == AgencyMatch(expected)


def test_matcher_same_old_name_two_districts_ambiguous_with_districts(matcher):
    assert matcher.match("Phường Trung Thành", D(2024, 1, 1)) == AgencyMatch(
        None,
        "ambiguous-agency",
        [
            "Phường Trung Thành (Thành phố Phổ Yên)",
            "Phường Trung Thành (Thành phố Thái Nguyên)",
        ],
    )


def test_matcher_no_diacritics_two_current_units_ambiguous(matcher):
    assert matcher.match("Xa Van Lang", D(2025, 9, 1)) == AgencyMatch(
        None, "ambiguous-agency", ["Xã Văn Lang", "Xã Văn Lăng"]
    )


def test_matcher_unknown_name_suggests_closest(matcher):
    got = matcher.match("Phuong Duc Xuann", D(2025, 8, 1))
    assert (
        got.agency_id,
        got.error_type,
        got.suggestions[0],
        len(got.suggestions),
    ) == (None, "unknown-agency", "Phường Đức Xuân", 3)


def test_matcher_blank_name_unknown_without_suggestions(matcher):
    assert matcher.match("  ", D(2025, 8, 1)) == AgencyMatch(None, "unknown-agency", [])
    assert matcher.match(None, None) == AgencyMatch(None, "unknown-agency", [])
    assert matcher.match(float("nan"), None) == AgencyMatch(None, "unknown-agency", [])


def test_matcher_datetime_input_same_as_date(matcher):
    assert matcher.match("Phường Đức Xuân", dt.datetime(2024, 5, 1, 9, 30)) == AgencyMatch("xa:01840@pre2025")


def test_matcher_repeat_call_same_period_returns_cached_object(matcher):
    first = matcher.match("Phường Đức Xuân", D(2025, 8, 1))
    assert matcher.match("Phường Đức Xuân", D(2027, 1, 1)) is first
    assert matcher.match("Phường Đức Xuân", D(2025, 6, 30)) is not first


def test_matcher_gap_between_periods_picks_nearest_each_day():
    c = _warehouse()
    c.execute("""insert into agencies (agency_id, name, level, valid_from, valid_to) values
        ('a', 'Ban A', 'office', null, '2020-01-10'), ('b', 'Ban A', 'office', '2020-01-21', null)""")
    c.execute("insert into agency_aliases values ('ban a', 'a'), ('ban a', 'b')")
    m = AgencyMatcher(c)
    got = [m.match("Ban A", D(2020, 1, day)).agency_id for day in (10, 12, 15, 16, 19, 21)]
    assert got == ["a", "a", "a", "b", "b", "b"]


def test_matcher_gap_equal_distance_ambiguous():
    c = _warehouse()
    c.execute("""insert into agencies (agency_id, name, level, valid_from, valid_to) values
        ('a', 'Ban A', 'office', null, '2020-01-10'), ('b', 'Ban A', 'office', '2020-01-20', null)""")
    c.execute("insert into agency_aliases values ('ban a', 'a'), ('ban a', 'b')")
    m = AgencyMatcher(c)
    assert m.match("Ban A", D(2020, 1, 15)) == AgencyMatch(None, "ambiguous-agency", ["Ban A"])
    assert m.match("Ban A", D(2020, 1, 14)) == AgencyMatch("a")


# ---------------------------------------------------------------- registration


def test_register_twice_same_id_one_row():
    c = _warehouse()
    first = register(c, "nyc", " NYCC48 ", "office")
    second = register(c, "nyc", "NYCC48", "office")
    rows = c.execute("select agency_id, name, level, source, current_id from agencies").fetchall()
    assert (first, second) == ("src:nyc:NYCC48", "src:nyc:NYCC48")
    assert rows == [("src:nyc:NYCC48", "NYCC48", "office", "mapping:nyc", "src:nyc:NYCC48")]
    assert c.execute("select * from agency_aliases").fetchall() == [("nycc48", "src:nyc:NYCC48")]


def test_register_blank_name_raises():
    with pytest.raises(ValueError, match="blank"):
        register(_warehouse(), "nyc", "  ", "office")


def test_matcher_register_unknown_then_resolves():
    c = _warehouse()
    c.execute("begin")
    write_reference(c)
    c.execute("commit")
    m = AgencyMatcher(c)
    assert m.match("NYCC48", D(2025, 1, 1)).error_type == "unknown-agency"
    agency_id = m.register(c, "nyc", "NYCC48", "office")
    assert m.match("NYCC48", D(2025, 1, 1)) == AgencyMatch("src:nyc:NYCC48")
    assert m.match("nycc48", None) == AgencyMatch(agency_id)
    assert AgencyMatcher(c).match("NYCC48", D(2025, 1, 1)) == AgencyMatch("src:nyc:NYCC48")
