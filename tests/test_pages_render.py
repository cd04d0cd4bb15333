"""Every page renders without an exception with default, narrow and empty filters."""

import pytest
from streamlit.testing.v1 import AppTest  # noqa: F401 - the type open_page returns

from tests.conftest_pages import signed_in_app

PAGES = [
    "pages/1_tong_quan.py",
    "pages/2_phan_anh.py",
    "pages/3_thoi_gian.py",
    "pages/4_kiem_tra.py",
    "pages/5_xep_hang.py",
    "pages/6_ho_so.py",
    "pages/7_tra_cuu.py",
    "pages/8_du_lieu.py",
    "pages/9_bao_cao.py",
]
FILTERS = {
    "default": {},
    "narrow": {
        "period": "last_12m",
        "level": "commune",
        "channel": "hotline,app",
        "kind": "feedback,petition",
        "itype": "unannounced,planned",
        "rollup": "0",
        "agency": "xa:05443@2025-07-01",
    },
    "nothing": {"period": "custom", "from": "2001-01-01", "to": "2001-01-31", "agency": "so:noi-vu"},
}


def open_page(page: str, params: dict[str, str], role: str = "analyst") -> AppTest:
    """What a signed-in user of `role` gets opening a link to `page` with these query parameters."""
    at = signed_in_app(role)
    at.query_params.update(params)
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    return at


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("name", list(FILTERS))
def test_page_renders_without_exception(fixture_db, page, name):
    at = open_page(page, FILTERS[name])
    assert [e.value for e in at.exception] == []
    assert [e.value for e in at.error] == []
    assert at.title, "every page has a title"
    assert any("Dữ liệu nạp lần cuối" in c.value for c in at.caption), "data as of is shown"


@pytest.mark.parametrize("page", PAGES[:5])
def test_filter_matching_nothing_shows_the_empty_state(fixture_db, page):
    at = open_page(page, FILTERS["nothing"])
    assert any("Không có dữ liệu phù hợp" in i.value for i in at.info)


def test_missing_warehouse_tells_the_user_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_DB", str(tmp_path / "missing.duckdb"))
    at = open_page(PAGES[0], {})
    assert [e.value for e in at.exception] == []
    assert "python -m etl demo" in at.error[0].value
