"""The phone layout (390×844) and the print view (cchc/web/style.py), measured in Chromium.

On a phone: the headline cards sit two a row and the overview's first chart starts on the first
screen; the ranking shows rank, name, score and the weakest measure first, with the score on
screen; the agency × month heatmap keeps a readable width (scrolling sideways) and its month
labels do not run into each other. On paper: A4 landscape, no sidebar, buttons or toolbar, the
period and filters on top, cards framed. Screenshots land in tests/artifacts/layout-*.png."""

from __future__ import annotations

import math
import re

from tests.e2e import browser as b

PHONE = (390, 844)
PERIOD = {"period": "last_12m"}
# Cell colours of the ranking's bands (cchc/web/widgets.py _BAND_BG): only the score and the
# weighted measures are coloured, and the score is the first of them.
BAND_RGB = [(0xE3, 0xF1, 0xE4), (0xFF, 0xF3, 0xD1), (0xFB, 0xE0, 0xDE)]

BOXES_JS = """sel => [...document.querySelectorAll(sel)].map(e => {
  const r = e.getBoundingClientRect();
  return {x: r.x, y: r.y, w: r.width, h: r.height, right: r.right, bottom: r.bottom};
})"""


def _rows(boxes: list[dict]) -> list[list[dict]]:
    """Boxes grouped by the row they share (same top, within a pixel)."""
    rows: list[list[dict]] = []
    for box in sorted(boxes, key=lambda r: (round(r["y"]), r["x"])):
        if rows and abs(rows[-1][0]["y"] - box["y"]) <= 1:
            rows[-1].append(box)
        else:
            rows.append([box])
    return rows


def test_phone_overview_cards_two_a_row_and_first_chart_on_the_first_screen(new_page, artifacts):
    page = b.open_page(new_page(*PHONE), "tong-quan", PERIOD)
    cards = page.evaluate(BOXES_JS, '[data-testid="stMain"] [data-testid="stMetric"]')
    assert len(cards) == 8
    rows = _rows(cards)
    assert [len(r) for r in rows] == [2, 2, 2, 2], rows
    for left, right in rows:
        assert left["right"] <= right["x"], "cards of a row overlap"
        assert right["right"] <= PHONE[0], "a card runs off the phone"
        assert left["w"] >= 150 and right["w"] >= 150, "cards too narrow to read"
    # the labels wrap rather than being cut ("Trung vị ngày giải q…")
    cut = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetricLabel"] p')]
      .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.innerText)""")
    assert cut == []
    charts = page.evaluate(BOXES_JS, '[data-testid="stMain"] [data-testid="stPlotlyChart"]')
    assert charts, "no chart on the overview"
    first = min(c["y"] for c in charts)
    assert first < PHONE[1], f"the first chart starts at {first:.0f} px, below the first screen ({PHONE[1]} px)"
    assert b.horizontal_overflow(page) == []
    page.screenshot(path=str(artifacts / "layout-overview-390-first-screen.png"))
    b.screenshot(page, artifacts / "layout-overview-390.png")


def test_laptop_overview_keeps_four_cards_a_row(new_page):
    page = b.open_page(new_page(1280, 800), "tong-quan", PERIOD)
    rows = _rows(page.evaluate(BOXES_JS, '[data-testid="stMain"] [data-testid="stMetric"]'))
    assert [len(r) for r in rows] == [4, 4]
    # the print button is on screen (not on a phone); the print-only heading is not
    assert page.locator("button.cchc-print").is_visible()
    assert not page.locator('[class*="st-key-cchc_print_only"]').is_visible()


def test_phone_cards_of_the_other_pages_two_a_row(new_page):
    page = new_page(*PHONE)
    for key, count in (("thoi-gian", 8), ("kiem-tra", 4)):
        b.open_page(page, key, PERIOD)
        rows = _rows(page.evaluate(BOXES_JS, '[data-testid="stMain"] [data-testid="stMetric"]'))
        assert sum(len(r) for r in rows) == count
        assert {len(r) for r in rows} == {2}, (key, rows)
        assert not page.locator("button.cchc-print").is_visible()


def test_phone_ranking_shows_rank_name_score_and_weakest_measure_first(new_page, artifacts, tmp_path):
    from PIL import Image

    page = b.open_page(new_page(*PHONE), "xep-hang", PERIOD)
    frame = b.main(page).locator('[data-testid="stTabs"] [data-testid="stDataFrame"] >> visible=true').first
    rows = b.grid(frame)
    assert rows, "the ranking table is empty"
    headers = [h for h in rows[0] if h]
    assert headers[:4] == ["Hạng", "Cơ quan", "Điểm tổng hợp", "Chỉ số yếu nhất"], headers
    # the weakest measure is named with its value, or a dash when every measure meets its target
    weakest = [r["Chỉ số yếu nhất"] for r in rows]
    assert any(w != b.DASH for w in weakest)
    for w in weakest:
        assert w == b.DASH or re.fullmatch(r"[^:]+: [\d.,]+( %| ngày)?", w), w
    # the score column is drawn on screen: its band colours appear left of the phone's edge,
    # and the first coloured column (the score) starts within the viewport
    page.keyboard.press("Escape")
    box = frame.bounding_box()
    shot = tmp_path / "ranking.png"
    frame.screenshot(path=str(shot))
    img = Image.open(shot).convert("RGB")
    scale = img.width / box["width"]
    coloured_x = [
        x / scale + box["x"]
        for x in range(img.width)
        for y in range(int(img.height * 0.3), int(img.height * 0.9), 12)
        if img.getpixel((x, y)) in BAND_RGB
    ]
    assert coloured_x, "no band-coloured score cell drawn"
    assert min(coloured_x) < PHONE[0] - 40, f"the score column starts at {min(coloured_x):.0f} px"
    page.screenshot(path=str(artifacts / "layout-ranking-390.png"))


def test_phone_heatmap_keeps_its_width_and_month_labels_apart(new_page, artifacts):
    from cchc.web import style

    page = b.open_page(new_page(*PHONE), "phan-anh", PERIOD)
    index = b.chart_index(page, "Tiếp nhận theo cơ quan và tháng")
    chart = b.plotly_charts(page)[index]
    assert chart["width"] >= style.WIDE_MIN_PX, chart
    gd = page.locator('[data-testid="stPlotlyChart"]').nth(index).locator(".js-plotly-plot")
    plot_width = gd.evaluate("gd => gd._fullLayout._size.w")
    assert plot_width >= 250, f"the heatmap's cells get {plot_width:.0f} px"
    # wider than the phone: its container scrolls sideways, the page does not
    scrolls = gd.evaluate("""gd => { const wide = gd.closest('[class*="st-key-cchc_wide"]');
      for (let e = gd; e && wide && wide.contains(e); e = e.parentElement) {
        if (e.scrollWidth > e.clientWidth && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)) return true;
      }
      return false; }""")
    assert scrolls, "the heatmap is wider than the phone but nothing scrolls sideways"
    assert b.horizontal_overflow(page) == []
    # month labels do not run into each other: slanted labels are parallel lines of text, apart
    # when the distance across them (the gap between anchors × sin of the angle) exceeds a line
    ticks = gd.evaluate("""gd => ({
      angle: gd._fullLayout.xaxis.tickangle, size: gd._fullLayout.xaxis.tickfont.size,
      labels: [...gd.querySelectorAll('.xtick text')].filter(t => t.textContent.trim()).map(t => {
        const r = t.getBoundingClientRect(); return {x: r.x, right: r.right, mid: (r.x + r.right) / 2}; }),
    })""")
    labels = ticks["labels"]
    assert len(labels) >= 4
    assert ticks["angle"] not in (0, "auto"), "month labels should be slanted"
    across = math.sin(math.radians(abs(float(ticks["angle"]))))
    for a, c in zip(labels, labels[1:], strict=False):
        assert (c["mid"] - a["mid"]) * across >= ticks["size"], f"month labels overlap: {a} {c}"
    gd.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "layout-heatmap-390.png"))


def test_print_view_is_a4_landscape_without_sidebar_with_the_period_on_top(new_page, artifacts):
    page = new_page(1280, 800)
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
    b.open_page(page, "tong-quan", PERIOD)
    period = b.main(page).locator('[data-testid="stCaptionContainer"]').filter(has_text="Kỳ:").first.inner_text()
    assert re.search(r"Kỳ: 12 tháng đến \d{2}/\d{4}", period), period
    # the button opens the browser's print dialog
    page.locator("button.cchc-print").click()
    assert page.evaluate("window.__printed") == 1

    page.emulate_media(media="print")
    try:
        assert not b.sidebar(page).is_visible()
        for testid in ("stHeader", "stDownloadButton", "stExpandSidebarButton"):
            shown = page.locator(f'[data-testid="{testid}"]').evaluate_all(
                "els => els.filter(e => e.getBoundingClientRect().height > 0).length"
            )
            assert shown == 0, f"{testid} printed"
        assert not page.locator("button.cchc-print").is_visible()
        heading = page.locator('[class*="st-key-cchc_print_only"]')
        assert heading.is_visible()
        assert re.search(r"CCHC · Sở Nội vụ Thái Nguyên — Tổng quan · in ngày \d{2}/\d{2}/\d{4}", heading.inner_text())
        # the period and filters are printed at the top, above the cards
        caption = b.main(page).locator('[data-testid="stCaptionContainer"]').filter(has_text="Kỳ:").first
        assert caption.is_visible()
        first_card = page.locator('[data-testid="stMetric"]').first.bounding_box()
        assert caption.bounding_box()["y"] < first_card["y"]
        # cards framed in black for a black-and-white printer, four a row
        border = page.locator('[data-testid="stMetric"]').first.evaluate(
            "e => { const s = getComputedStyle(e); return [s.borderTopStyle, s.borderTopColor]; }"
        )
        assert border == ["solid", "rgb(0, 0, 0)"]
        rows = _rows(page.evaluate(BOXES_JS, '[data-testid="stMain"] [data-testid="stMetric"]'))
        assert [len(r) for r in rows] == [4, 4]
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)  # the size the CSS asks for
        (artifacts / "layout-overview-print.pdf").write_bytes(pdf)
        b.screenshot(page, artifacts / "layout-overview-print.png")
    finally:
        page.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF")
    # A4 landscape (@page in cchc/web/style.py): 842 × 595 points
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    sizes = {(round(float(w)), round(float(h))) for w, h in boxes}
    assert sizes == {(842, 595)}, sizes
