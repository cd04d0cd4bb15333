"""The Report page in Chromium: pick the official period, build, download the three files."""

from __future__ import annotations

import json
import re

from tests.e2e import browser as b
from tests.e2e.conftest import REPO

SUCCESS = '[data-testid="stAlertContentSuccess"]'


def test_report_page_builds_the_three_files_and_lists_them(new_page, artifacts, tmp_path):
    page = new_page()
    page.goto("/bao-cao")
    page.wait_for_selector('[data-testid="stApp"]')
    b.wait_ready(page)
    if b.sign_in_form(page).count():
        b.sign_in(page, "analyst")
    b.assert_no_exception(page)
    assert b.title(page) == "Báo cáo"
    main = b.main(page)
    with b.rerun(page):
        main.get_by_text("Kỳ báo cáo (15–14)").click()
    picked = main.locator('[data-testid="stSelectbox"]').nth(1)
    shown = picked.inner_text() + " " + " ".join(i.input_value() for i in picked.locator("input").all())
    shown += " " + (picked.get_attribute("aria-label") or "") + b.visible_text(page)
    assert re.search(r"Tháng \d\d/\d{4} \(15/\d\d/\d{4} – 14/", shown), shown  # the official period
    with b.rerun(page):
        main.get_by_role("button", name="Tạo báo cáo").click()
    page.wait_for_selector(SUCCESS, timeout=120_000)
    b.wait_ready(page)
    b.assert_no_exception(page)
    assert "Đã tạo 3 tệp" in page.locator(SUCCESS).inner_text()
    b.screenshot(page, artifacts / "bao-cao-built.png")
    made = []
    for name, suffix in (
        ("Báo cáo Word (.docx)", ".docx"),
        ("Bản tin PDF (.pdf)", ".pdf"),
        ("Phụ lục Excel (.xlsx)", ".xlsx"),
    ):
        button = page.locator('[data-testid="stDownloadButton"] button').filter(has_text=name)
        with page.expect_download() as info:
            button.click()
        download = info.value
        assert download.suggested_filename.endswith(f"_official{suffix}")
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert target.stat().st_size > 5_000
        made.append(download.suggested_filename)
    assert made[0].startswith("bao-cao-cchc_") and made[1].startswith("ban-tin-cchc_")
    assert "Tạo lúc" in b.visible_text(page)  # the list of reports built so far
    # the server writes into the checkout's data/reports (git-ignored): leave it as found
    folder = REPO / "data" / "reports"
    for manifest in folder.glob("*_official.json"):
        entry = json.loads(manifest.read_text(encoding="utf-8"))
        if set(entry["files"].values()) == set(made):
            for name in made:
                (folder / name).unlink(missing_ok=True)
            manifest.unlink()
