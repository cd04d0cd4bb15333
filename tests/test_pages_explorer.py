"""The explorer page: search by id or words, sort over the whole result, the count of matches,
all kept in the URL; numbers checked against pandas over the fixture rows."""

from __future__ import annotations

import pandas as pd

from tests.conftest_pages import LOAD_DATE, frames
from tests.test_explorer_search import END, START, expected_ids, received
from tests.test_pages_render import open_page

PERIOD = {"period": "custom", "from": START.isoformat(), "to": END.isoformat()}
ID, DUE = "Mã", "Hạn xử lý"


def explorer(params: dict[str, str]):
    at = open_page("pages/7_tra_cuu.py", {**PERIOD, **params})
    assert [e.value for e in at.exception] == []
    return at


def count_shown(at) -> str:
    return next(m.value for m in at.markdown if m.value.endswith(" kết quả"))


def vi(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_a_link_with_search_and_sort_shows_the_matches_sorted_over_all_of_them(fixture_db):
    at = explorer({"q": "dat dai", "sort": "due_date", "order": "asc"})
    assert at.text_input(key="x_words").value == "dat dai"
    assert at.selectbox(key="x_sort.complaints").value == "due_date"
    assert at.toggle(key="x_desc").value is False
    wanted = received()
    wanted = wanted[wanted["complaint_id"].isin(expected_ids("dat dai"))]
    assert len(wanted) > 0
    assert count_shown(at) == f"**{vi(len(wanted))}** kết quả"
    first_page = wanted.assign(due=pd.to_datetime(wanted["due_date"])).sort_values(
        ["due", "complaint_id"], na_position="last"
    )["complaint_id"][:50]
    assert list(at.dataframe[0].value[ID]) == list(first_page)


def test_typing_a_search_counts_filters_and_writes_the_url(fixture_db):
    at = explorer({})
    assert count_shown(at) == f"**{vi(len(received()))}** kết quả"
    at.number_input(key="x_page").set_value(3).run()
    at.text_input(key="x_words").input("THAM NHUNG").run()
    wanted = expected_ids("tham nhung")
    assert count_shown(at) == f"**{vi(len(wanted))}** kết quả"
    assert at.number_input(key="x_page").value == 1, "a new search starts at the first page"
    assert set(at.dataframe[0].value[ID]) <= wanted
    assert at.query_params["q"] == "THAM NHUNG"

    at.text_input(key="x_id").input("pa-01").run()
    both = expected_ids("tham nhung", "pa-01")
    assert count_shown(at) == f"**{vi(len(both))}** kết quả"
    assert set(at.dataframe[0].value[ID]) == both

    at.selectbox(key="x_sort.complaints").set_value("received_date").run()
    at.toggle(key="x_desc").set_value(False).run()
    shown = list(at.dataframe[0].value[ID])
    dates = received().set_index("complaint_id").loc[shown, "received_date"]
    assert list(dates) == sorted(dates)
    assert "sort" not in at.query_params, "the default column is left out of the URL"
    assert at.query_params["order"] == "asc"


def test_words_of_denunciations_find_nothing_and_say_so(fixture_db):
    c = received()
    assert c.loc[c["kind"] == "denunciation", "content_masked"].str.contains("hối lộ").any()
    at = explorer({"q": "hối lộ"})
    assert count_shown(at) == "**0** kết quả"
    assert any("Không có dòng nào khớp" in i.value for i in at.info)
    assert len(at.dataframe) == 0


def test_invalid_sort_in_the_url_falls_back_to_the_default(fixture_db):
    at = explorer({"sort": "content_masked; drop table complaints", "table": "violations"})
    assert at.segmented_control(key="x_table").value == "violations"
    assert at.selectbox(key="x_sort.violations").value == "inspected_on"
    days = pd.to_datetime(at.dataframe[0].value["Ngày kiểm tra"], format="%d/%m/%Y")
    assert days.is_monotonic_decreasing and days.iloc[0].date() <= LOAD_DATE


def test_words_in_the_findings_of_the_inspections(fixture_db):
    at = explorer({"table": "violations", "q": "chấn CHINH"})
    ins = frames()["inspections"]
    held = ins.loc[pd.to_datetime(ins["inspected_on"]).between(pd.Timestamp(START), pd.Timestamp(END)), "inspection_id"]
    vio = frames()["violations"]
    vio = vio[vio["inspection_id"].isin(held)]
    wanted = vio["recommendation_masked"].str.contains("Chấn chỉnh") | vio["description_masked"].str.contains("hấn")
    assert 0 < wanted.sum() == len(vio)
    assert count_shown(at) == f"**{vi(int(wanted.sum()))}** kết quả"
    at.text_input(key="x_words").input("muon").run()
    late = int(vio["description_masked"].str.contains("muộn").sum())
    assert count_shown(at) == f"**{vi(late)}** kết quả" and late > 0
