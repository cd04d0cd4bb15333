"""What officials do: change the period and an agency, share the link, click an agency's bar,
switch to English and back, open a view that matches nothing. Numbers on screen are compared
with counts taken from the warehouse itself (read-only), not with the app's own code."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.e2e import browser as b

AGENCY = "so:xay-dung"
AGENCY_OPTION = "Sở Xây dựng · Sở, ban, ngành"


def received(con, start: date, end: date, unit: str | None = None) -> int:
    """Complaints received in [start, end], for one of today's units (old units rolled up)."""
    sql = """select count(*) from complaints c join agencies a on a.agency_id = c.agency_id
             where c.received_date between ? and ?
               and (?::varchar is null or coalesce(a.current_id, a.agency_id) = ?)"""
    return con.execute(sql, [start, end, unit, unit]).fetchone()[0]


def period_caption(page) -> str:
    """The header line saying which period and filters the page shows."""
    line = re.search(r"^(Kỳ|Period):.*$", b.visible_text(page), re.M)
    assert line, "the page does not say which period it shows"
    return line[0]


def test_period_and_agency_filters_reach_the_url_numbers_and_a_copied_link(new_page, wh_con):
    con = wh_con()
    today = b.today_in_province()
    page = new_page()
    b.open_page(page, "tong-quan")
    start, end = b.last_month(today)
    assert f"Tháng {end:%m/%Y}" in period_caption(page)
    assert b.vi_int(b.metrics(page)["Tiếp nhận"]) == received(con, start, end)

    side = b.open_sidebar(page)
    b.pick(page, "Kỳ báo cáo", "12 tháng gần nhất", scope=side)
    page.wait_for_url(re.compile(r"[?&]period=last_12m"))
    start, end = b.last_12_months(today)
    assert f"12 tháng đến {end:%m/%Y}" in period_caption(page)
    whole_province = b.vi_int(b.metrics(page)["Tiếp nhận"])
    assert whole_province == received(con, start, end)

    b.expand(side, "Cơ quan, đơn vị")
    b.add_to_multiselect(page, "Cơ quan", "Xây dựng", AGENCY_OPTION, scope=side)
    page.wait_for_url(re.compile(r"[?&]agencies=so%3Axay-dung|[?&]agencies=so:xay-dung"))
    assert b.query(page) == {"period": "last_12m", "agencies": AGENCY}
    one_agency = b.vi_int(b.metrics(page)["Tiếp nhận"])
    assert one_agency == received(con, start, end, AGENCY) < whole_province
    assert "Sở Xây dựng" in period_caption(page)

    # The link an analyst sends: a new browser, same view.
    shown = (b.metrics(page), period_caption(page))
    other = new_page()
    other.goto(page.url)
    b.wait_ready(other)
    b.sign_in(other)  # a new browser signs in first, then sees the linked view
    b.assert_no_exception(other)
    assert (b.metrics(other), period_caption(other)) == shown
    other_side = b.open_sidebar(other)
    assert other_side.get_by_role("combobox", name="Kỳ báo cáo").input_value() == "12 tháng gần nhất"
    b.expand(other_side, "Cơ quan, đơn vị")
    assert (
        other_side.locator('[data-testid="stMultiSelect"]')
        .filter(has_text="Cơ quan")
        .first.get_by_text("Sở Xây dựng")
        .count()
        == 1
    )

    # The filters stay when moving to another page.
    with b.rerun(page):
        side.locator('[data-testid="stPageLink"] a', has_text="Phản ánh, kiến nghị").click()
    page.wait_for_url(re.compile(r"/phan-anh\?"))
    assert b.title(page) == "Phản ánh, kiến nghị"
    assert b.query(page) == {"period": "last_12m", "agencies": AGENCY}
    assert "Sở Xây dựng" in period_caption(page)


@pytest.mark.parametrize(
    ("key", "chart"),
    [
        ("tong-quan", "10 cơ quan cần chú ý nhất"),
        ("thoi-gian", "25 cơ quan có tỷ lệ đúng hạn thấp nhất"),
    ],
)
def test_clicking_an_agency_bar_opens_its_profile(new_page, wh_con, key, chart):
    page = new_page()
    b.open_page(page, key, {"period": "last_12m"})
    index = b.chart_index(page, chart)
    with b.rerun(page):
        agency = b.click_point(page, index, 0)
    page.wait_for_url(re.compile(r"/ho-so\?"))
    b.wait_ready(page)
    b.assert_no_exception(page)
    assert b.title(page) == "Hồ sơ cơ quan"
    assert b.query(page) == {"period": "last_12m", "agency": agency}
    name = wh_con().execute("select name from agencies where agency_id = ?", [agency]).fetchone()[0]
    assert b.main(page).locator("h2, h3").filter(has_text=name).count() >= 1
    assert b.metrics(page)["Phải xử lý"] != b.DASH


def test_switching_to_english_and_back_keeps_the_view(new_page, app_dir):
    page = new_page()
    b.open_page(page, "tong-quan", {"period": "last_12m"})
    vietnamese = b.metrics(page)
    received_vi = b.vi_int(vietnamese["Tiếp nhận"])
    side = b.open_sidebar(page)

    with b.rerun(page):
        side.get_by_role("radio", name="English", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]lang=en"))
    assert b.title(page) == "Overview"
    assert b.query(page) == {"period": "last_12m", "lang": "en"}
    english = b.metrics(page)
    assert int(english["Received"].replace(",", "")) == received_vi
    assert re.fullmatch(r"\d{1,3}(,\d{3})+", english["Received"]), english["Received"]
    assert re.fullmatch(r"\d{1,3}\.\d%", english["On-time rate"]), english["On-time rate"]
    assert {c["separators"] for c in b.plotly_charts(page)} == {".,"}
    assert side.get_by_role("combobox", name="Period", exact=True).input_value() == "Last 12 months"
    text = b.visible_text(page)
    assert "Period:" in text and "Data last loaded at" in text
    leftovers = [p for p in b.catalogue_phrases(app_dir, "vi") if p in text]
    assert leftovers == [], "Vietnamese UI strings in English mode"

    with b.rerun(page):
        side.get_by_role("radio", name="Tiếng Việt", exact=True).click()
    page.wait_for_url(lambda url: "lang=en" not in url)
    assert b.title(page) == "Tổng quan"
    assert b.query(page) == {"period": "last_12m"}
    assert b.metrics(page) == vietnamese


NOTHING = {"period": "custom", "from": "2000-01-03", "to": "2000-02-20"}
EMPTY_TEXT = "Không có dữ liệu phù hợp với kỳ và bộ lọc đang chọn"


@pytest.mark.parametrize("key", [k for k in b.PAGES if k not in ("du-lieu", "quan-tri", "bao-cao")])
def test_a_filter_matching_nothing_shows_the_empty_state(new_page, key):
    params = {**NOTHING, **({"agency": AGENCY} if key == "ho-so" else {})}
    page = new_page()
    b.open_page(page, key, params)
    assert "03/01/2000 – 20/02/2000" in period_caption(page)
    assert any(EMPTY_TEXT in a for a in b.alerts(page)), b.alerts(page)
    blank = [c["title"] for c in b.plotly_charts(page) if c["marks"] == 0]
    assert blank == [], "charts drawn with nothing in them instead of the empty state"


def test_first_visitor_after_a_restart_can_open_a_shared_link(first_visit):
    """The session's first browser opened /phan-anh on the freshly started server."""
    assert first_visit["exceptions"] == []
    assert first_visit["title"] == "Phản ánh, kiến nghị"
    assert first_visit["dialogs"] == [], "a dialog covered the page"
    assert first_visit["errors"] == []
