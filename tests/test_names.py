"""Agency names from one function (cchc.names.labels): the units of the real reference (Thái
Nguyên and Bắc Kạn before the 2025 merger, Thái Nguyên after it) shown together never share a
label; a name is short where it is unique and qualified where it is not."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from cchc import names
from etl.agencies import DEPARTMENTS_CSV, REFERENCE_DIR, build_reference


def _rows(agencies: pd.DataFrame) -> pd.DataFrame:
    """The reference units as the row models carry them (cchc/core/rows.py: an ended unit's
    name and short name end with ' (–dd/mm/yyyy)')."""
    until = agencies["valid_to"].map(lambda d: "" if d is None or d != d else f" (–{d:%d/%m/%Y})")
    return pd.DataFrame(
        {
            "unit_id": agencies["agency_id"],
            "unit_name": agencies["name"] + until,
            "unit_short_name": agencies["short_name"].fillna(agencies["name"]) + until,
            "unit_level": agencies["level"],
        }
    ).reset_index(drop=True)


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return _rows(build_reference(REFERENCE_DIR, DEPARTMENTS_CSV).agencies)


def _by_id(df: pd.DataFrame, lang: str = "vi", style: str = "short") -> dict[str, str]:
    return dict(zip(df["unit_id"], names.labels(df, lang, style), strict=True))


@pytest.mark.parametrize("style", ["short", "full"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_reference_unit_shown_together_gets_its_own_label(units, lang, style):
    got = names.labels(units, lang, style)
    assert len(got) == len(units)
    repeated = {k: v for k, v in pd.Series(got).value_counts().items() if v > 1}
    assert repeated == {}


@pytest.mark.parametrize(
    "part",
    [
        lambda u: u["unit_id"].str.endswith("@pre2025"),  # before the merger
        lambda u: ~u["unit_id"].str.contains("@pre2025"),  # after it, with departments and province
        lambda u: u["unit_level"].isin(["district", "commune"]),  # every place, old and new
        lambda u: u["unit_level"] == "commune",
    ],
)
def test_no_two_units_of_a_selection_share_a_label(units, part):
    shown = units[part(units)]
    assert len(shown) > 10
    got = names.labels(shown)
    assert len(set(got)) == len(shown)


def test_labels_of_the_merger_names(units):
    got = _by_id(units)
    # the old city and the new ward of the same name: both qualified by type and validity
    assert got["huyen:172@pre2025"] == "Phổ Yên (thành phố, –30/06/2025)"
    assert got["xa:05860@2025-07-01"] == "Phổ Yên (phường)"
    assert got["huyen:171@pre2025"] == "Đại Từ (huyện, –30/06/2025)"
    assert got["xa:05830@2025-07-01"] == "Đại Từ (xã)"
    # a department by its full name: its short name reads as a category
    assert got["so:xay-dung"] == "Sở Xây dựng"
    # two old wards of one name in different old districts: their codes tell them apart
    assert got["xa:05476@pre2025"] != got["xa:05899@pre2025"]
    assert "05476" in got["xa:05476@pre2025"]


def test_a_name_is_short_where_it_is_unique(units):
    new = units[~units["unit_id"].str.contains("@pre2025") & (units["unit_level"] == "commune")]
    got = _by_id(new)
    assert got["xa:05860@2025-07-01"] == "Phổ Yên"  # no old Phổ Yên shown beside it
    shorts = dict(zip(new["unit_id"], new["unit_short_name"], strict=True))
    assert all(got[k] == shorts[k] for k in got)  # every new commune's name is unique among them
    old = units[units["unit_id"] == "huyen:172@pre2025"]
    assert names.labels(old) == ["Phổ Yên (–30/06/2025)"]  # an ended unit keeps its last day
    assert names.labels(old, "en") == ["Phổ Yên (until 30/06/2025)"]


def test_rows_of_one_unit_share_its_label_and_the_frame_may_lack_short_names(units):
    pick = units[units["unit_id"].isin(["huyen:172@pre2025", "xa:05860@2025-07-01", "so:xay-dung"])]
    months = pd.concat([pick, pick, pick], ignore_index=True)
    got = names.labels(months)
    assert len(set(got)) == 3
    assert got[:3] == got[3:6] == got[6:]
    # only the full name (inspection lists, the report): the same labels, the type read from it
    assert names.labels(months.drop(columns=["unit_short_name"])) == got


def test_labels_are_stable_under_order(units):
    sample = units.sample(60, random_state=7)
    first = _by_id(sample)
    for seed in range(3):
        again = _by_id(sample.sample(frac=1, random_state=seed))
        assert again == first


def test_a_unit_name_never_collides_with_another_selection_of_the_same_units(units):
    """Labels only get longer when more units are shown; a label means one unit in any view."""
    places = units[units["unit_level"].isin(["district", "commune"])]
    full = _by_id(places)
    for a, b in itertools.islice(itertools.combinations(places.index[::25], 2), 200):
        small = _by_id(places.loc[[a, b]])
        assert len(set(small.values())) == 2
        for k, v in small.items():
            assert full[k].startswith(v.split(" (")[0])


def test_full_style_keeps_official_names_and_parts_only_where_they_clash(units):
    got = _by_id(units, style="full")
    assert got["huyen:172@pre2025"] == "Thành phố Phổ Yên (–30/06/2025)"
    assert got["xa:05860@2025-07-01"] == "Phường Phổ Yên"
    assert got["so:xay-dung"] == "Sở Xây dựng"
    assert got["xa:05476@pre2025"] == "Phường Trung Thành (–30/06/2025, mã 05476)"
    # every unit without a namesake keeps the name the row models give it
    given = dict(zip(units["unit_id"], units["unit_name"], strict=True))
    same = [k for k in got if got[k] == given[k]]
    assert len(same) == len(units) - 2


def test_with_labels_replaces_the_name_column_only():
    df = pd.DataFrame(
        {
            "unit_id": ["a", "b"],
            "unit_name": ["Thành phố Phổ Yên (–30/06/2025)", "Phường Phổ Yên"],
            "unit_short_name": ["Phổ Yên (–30/06/2025)", "Phổ Yên"],
            "x": [1, 2],
        }
    )
    short = names.with_labels(df, style="short")
    assert short["unit_name"].tolist() == ["Phổ Yên (thành phố, –30/06/2025)", "Phổ Yên (phường)"]
    assert short["x"].tolist() == [1, 2] and df["unit_name"][1] == "Phường Phổ Yên"
    with pytest.raises(ValueError):
        names.labels(df, style="tiny")
