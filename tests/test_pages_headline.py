"""The numbers leadership reads (overview cards, ranking scores, profile cards) equal an
independent pandas computation on the fixture rows."""

from datetime import date

import pandas as pd
import pytest

from cchc import fmt
from cchc.core import config, measures
from tests.conftest_pages import CURRENT_ID, expected, frames
from tests.test_pages_render import open_page

START, END = date(2025, 1, 1), date(2025, 9, 30)
PARAMS = {"period": "custom", "from": START.isoformat(), "to": END.isoformat()}


def _cards(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_cards_equal_pandas(fixture_db):
    at = open_page("pages/1_tong_quan.py", PARAMS)
    wanted = expected(START, END)
    names = [
        "received",
        "resolved",
        "on_time_rate",
        "overdue_open",
        "median_days",
        "overdue_rate",
        "inspections",
        "violations",
    ]
    assert _cards(at) == {measures.get(n).short("vi"): fmt.value(wanted[n], measures.get(n).unit, "vi") for n in names}


def test_overview_card_change_against_same_period_last_year(fixture_db):
    at = open_page("pages/1_tong_quan.py", PARAMS)
    now, ago = expected(START, END), expected(date(2024, 1, 1), date(2024, 9, 30))
    card = next(m for m in at.metric if m.label == measures.get("received").short("vi"))
    assert card.proto.delta == fmt.change(now["received"], ago["received"], "count", "vi")


def _composite(values: dict) -> float | None:
    weights, targets = config.ranking()["weights"], config.targets()["targets"]
    total = weight = 0.0
    for name, w in weights.items():
        v = values[name]
        if v is None or pd.isna(v):
            continue
        lower = measures.get(name).higher_is_better is False
        s = (targets[name] / v if v else 1.0) if lower else v / targets[name]
        total, weight = total + w * min(s, 1.0), weight + w
    return None if weight == 0 else round(100 * total / weight, 1)


def test_ranking_scores_equal_pandas(fixture_db):
    at = open_page("pages/5_xep_hang.py", PARAMS)
    assert [e.value for e in at.exception] == []
    names = frames()["agencies"].set_index("agency_id")["name"]
    shown = pd.concat([df.value for df in at.dataframe if "unit_name" in df.value.columns])
    units = {u for u in CURRENT_ID.values() if u} | {"huyen:171"}
    wanted = {}
    for unit in units:
        values = expected(START, END, agency=unit)
        if values["to_be_handled"] or values["inspections"]:
            wanted[names[unit]] = _composite(values)
    got = {  # the table shows a missing score as an infinite stand-in drawn as a dash
        n.split(" (–")[0]: (None if pd.isna(s) or abs(s) == float("inf") else s)
        for n, s in zip(shown["unit_name"], shown["score"], strict=True)
    }
    assert got.keys() == wanted.keys()
    for name, score in wanted.items():
        assert got[name] == (None if score is None else pytest.approx(score))


def test_profile_cards_equal_pandas(fixture_db):
    unit = "xa:05776@2025-07-01"
    at = open_page("pages/6_ho_so.py", {**PARAMS, "agency": unit})
    wanted = expected(START, END, agency=unit)
    names = [
        "to_be_handled",
        "on_time_rate",
        "overdue_rate",
        "median_days",
        "satisfied_rate",
        "open_items",
        "violations",
        "remedied_on_time_rate",
    ]
    assert _cards(at) == {measures.get(n).short("vi"): fmt.value(wanted[n], measures.get(n).unit, "vi") for n in names}


def test_profile_of_an_old_commune_shows_it_as_it_was(fixture_db):
    at = open_page(
        "pages/6_ho_so.py",
        {**PARAMS, "period": "custom", "from": "2024-01-01", "to": "2025-06-30", "agency": "xa:05767"},
    )
    wanted = expected(date(2024, 1, 1), date(2025, 6, 30), rollup=False, agency="xa:05767")
    card = _cards(at)[measures.get("to_be_handled").short("vi")]
    assert card == fmt.value(wanted["to_be_handled"], "count", "vi")
