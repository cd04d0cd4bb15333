"""A copied link reproduces the view; filters survive moving between pages; the language
switch changes the labels."""

from tests.conftest_pages import signed_in_app
from tests.test_pages_render import open_page

LINK = {
    "period": "custom",
    "from": "2025-07-01",
    "to": "2025-09-30",
    "channel": "hotline",
    "level": "commune",
    "cut": "official",
}


def period_caption(at) -> str:
    """The header's period-and-filters line (the caption above it is the print-only heading)."""
    lines = [c.value for c in at.caption if c.value.startswith(("**Kỳ", "Kỳ"))]
    assert lines, [c.value for c in at.caption]
    return lines[0]


def test_link_with_filters_sets_the_sidebar_and_the_caption(fixture_db):
    at = open_page("pages/2_phan_anh.py", LINK)
    assert at.selectbox(key="f_period.vi").value == "custom"
    assert at.multiselect(key="f_channel.vi").value == ["hotline"]
    assert at.selectbox(key="f_level.vi").value == "commune"
    assert at.radio(key="f_cut.vi").value == "official"
    caption = period_caption(at)
    assert "01/07/2025 – 30/09/2025" in caption and "Đường dây nóng" in caption
    assert "Xã, phường" in caption


def test_filters_are_written_back_to_the_url(fixture_db):
    at = open_page("pages/1_tong_quan.py", {})
    at.multiselect(key="f_kind.vi").set_value(["complaint"]).run()
    assert at.query_params["kind"] == "complaint"


def test_filters_survive_switching_pages(fixture_db):
    at = open_page("pages/1_tong_quan.py", LINK)
    at.switch_page("pages/4_kiem_tra.py").run()
    assert at.multiselect(key="f_channel.vi").value == ["hotline"]
    assert at.query_params["channel"] == "hotline"
    assert "01/07/2025 – 30/09/2025" in period_caption(at)


def test_same_link_gives_the_same_numbers(fixture_db):
    first = [m.value for m in open_page("pages/1_tong_quan.py", LINK).metric]
    second = [m.value for m in open_page("pages/1_tong_quan.py", LINK).metric]
    assert first == second and first


def test_language_switch_changes_labels(fixture_db):
    at = signed_in_app()
    at.query_params.update({"period": "custom", "from": "2025-01-01", "to": "2025-06-30"})
    at.run()
    assert at.title[0].value == "Tổng quan"
    assert "Tiếp nhận" in [m.label for m in at.metric]
    at.segmented_control(key="lang").set_value("en").run()
    assert at.title[0].value == "Overview"
    assert "Received" in [m.label for m in at.metric]
    assert at.query_params["lang"] == "en"
    assert "Data last loaded" in " ".join(c.value for c in at.caption)


def test_english_link_opens_in_english(fixture_db):
    at = open_page("pages/3_thoi_gian.py", {"lang": "en"})
    assert at.title[0].value == "Resolution"


def test_profile_link_opens_the_agency(fixture_db):
    at = open_page("pages/6_ho_so.py", {"agency": "so:xay-dung"})
    assert at.selectbox(key="p_agency").value == "so:xay-dung"
    assert any(h.value == "Sở Xây dựng" for h in at.subheader)


def test_language_switch_keeps_the_filters(fixture_db):
    at = open_page("pages/1_tong_quan.py", {"period": "last_12m", "channel": "app,letter"})
    at.segmented_control(key="lang").set_value("en").run()
    assert at.selectbox(key="f_period.en").value == "last_12m"
    assert at.multiselect(key="f_channel.en").value == ["app", "letter"]
    assert at.query_params["period"] == "last_12m"
    at.segmented_control(key="lang").set_value("vi").run()
    assert at.multiselect(key="f_channel.vi").value == ["app", "letter"]
