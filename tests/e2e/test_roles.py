"""Each demo role signed in through the browser: the menu it gets, a page it may not open refused
by URL, the agency user's figures limited to its agency. Screenshots of each role's overview
land in tests/artifacts/role-<role>.png for a person to look at."""

from __future__ import annotations

import pytest

from cchc.auth import roles
from tests.e2e import browser as b

MENU = {
    "tong-quan": "Tổng quan",
    "phan-anh": "Phản ánh, kiến nghị",
    "thoi-gian": "Thời gian giải quyết",
    "kiem-tra": "Kiểm tra công vụ",
    "xep-hang": "Xếp hạng cơ quan",
    "ho-so": "Hồ sơ cơ quan",
    "tra-cuu": "Tra cứu",
    "du-lieu": "Dữ liệu",
    "bao-cao": "Báo cáo",
    "dia-ban": "Địa bàn",
    "ke-hoach": "Kế hoạch kiểm tra",
    "doi-tuong": "Đối tượng kiểm tra đột xuất",
    "quan-tri": "Quản trị",
}
REFUSED = "Vai trò của bạn không được mở trang này."


def menu(page) -> set[str]:
    links = b.sidebar(page).locator('[data-testid="stPageLink"] a').all_inner_texts()
    return {text.strip().split("\n")[-1] for text in links}  # the icon's name comes first


@pytest.mark.parametrize("role", roles.ROLES)
def test_each_role_signs_in_and_gets_its_menu_and_refusals(new_page, artifacts, role):
    page = new_page()
    b.open_page(page, "tong-quan", {"period": "last_12m"}, role=role)
    assert b.title(page) == "Tổng quan"
    assert menu(page) == {MENU[p] for p in roles.pages_for(role)}
    b.screenshot(page, artifacts / f"role-{role}.png")
    for key in roles.ALL_PAGES:
        if not roles.may_open(role, key):
            b.open_page(page, key, check=False, role=role)
            assert REFUSED in b.visible_text(page), key
            assert b.metrics(page) == {} and b.plotly_charts(page) == [], key


def test_agency_user_sees_its_agency_only(new_page, wh_con):
    page = new_page()
    b.open_page(page, "tong-quan", {"period": "last_12m"}, role="agency")
    received = b.vi_int(b.metrics(page)["Tiếp nhận"])
    start, end = b.last_12_months(b.today_in_province())
    con = wh_con()
    wanted = con.execute(
        """select count(*) from complaints c join agencies a using (agency_id)
           where (a.agency_id = 'so:xay-dung' or a.current_id = 'so:xay-dung') and received_date between ? and ?""",
        [start, end],
    ).fetchone()[0]
    everything = con.execute("select count(*) from complaints where received_date between ? and ?", [start, end])
    assert received == wanted < everything.fetchone()[0]


def test_wrong_password_is_refused_and_signing_out_ends_the_session(new_page):
    page = new_page()
    page.goto(b.url_for("tong-quan"))
    b.wait_ready(page)
    b.sign_in_form(page).fill("chuyenvien")
    page.get_by_label("Mật khẩu", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng").wait_for()
    assert b.metrics(page) == {}
    b.sign_in(page, "analyst")
    assert b.metrics(page)
    b.sidebar(page).get_by_role("button", name="Đăng xuất").click()
    b.sign_in_form(page).wait_for()
    assert b.metrics(page) == {}
