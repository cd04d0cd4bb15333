"""Every page at laptop (1280×800) and phone (390×844) width: it loads, its charts are drawn, no
exception box, no console error, the headline numbers are there and written the Vietnamese way,
nothing in English or a raw catalogue key shows in Vietnamese mode. A screenshot of each lands in
tests/artifacts/<page>-<width>.png for a person to look at.

The pages are opened for the last 12 months: at the demo scale every chart has data then and the
counts pass 1.000, so the thousands separator is really exercised (the default period, last
month, is opened by the journeys in test_journeys.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
import yaml

from tests.e2e import browser as b

VIEWPORTS = {"1280": (1280, 800), "390": (390, 844)}
PERIOD = {"period": "last_12m"}


@dataclass(frozen=True)
class Expect:
    title: str
    charts: int = 0  # at least this many Plotly charts drawn with marks
    cards: dict[str, re.Pattern] = field(default_factory=dict)  # metric label -> value format
    text: tuple[re.Pattern, ...] = ()  # headline text, as shown
    params: dict[str, str] = field(default_factory=dict)


# Agency with the most complaints in the demo data and a profile with every chart.
PROFILE_AGENCY = "so:xay-dung"

PAGES = {
    "tong-quan": Expect(
        "Tổng quan",
        charts=3,
        cards={
            "Tiếp nhận": b.VI_COUNT,
            "Đã xử lý": b.VI_COUNT,
            "Tỷ lệ đúng hạn": b.VI_RATE,
            "Đang quá hạn": b.VI_COUNT,
            "Trung vị ngày giải quyết": b.VI_DAYS,
            "Tỷ lệ quá hạn": b.VI_RATE,
            "Cuộc kiểm tra": b.VI_COUNT,
            "Vi phạm": b.VI_COUNT,
        },
        text=(re.compile(r"Đang mở đến \d{2}/\d{2}/\d{4}: \d{1,3}(\.\d{3})* vụ việc"),),
    ),
    "phan-anh": Expect("Phản ánh, kiến nghị", charts=5),
    "thoi-gian": Expect(
        "Thời gian giải quyết",
        charts=4,
        cards={"Trung vị ngày giải quyết": b.VI_DAYS, "Tỷ lệ đúng hạn": b.VI_RATE, "Tỷ lệ quá hạn": b.VI_RATE},
    ),
    "kiem-tra": Expect(
        "Kiểm tra công vụ",
        charts=4,
        cards={"Cuộc kiểm tra": b.VI_COUNT, "Vi phạm": b.VI_COUNT},
    ),
    "xep-hang": Expect(
        "Xếp hạng cơ quan",
        text=(re.compile(r"12 tháng đến \d{2}/\d{4}: \d+/\d+ cơ quan đủ điều kiện xếp hạng"),),
    ),
    "ho-so": Expect(
        "Hồ sơ cơ quan",
        charts=2,
        params={"agency": PROFILE_AGENCY},
        cards={"Phải xử lý": b.VI_COUNT, "Tỷ lệ đúng hạn": b.VI_RATE, "Trung vị ngày giải quyết": b.VI_DAYS},
    ),
    "tra-cuu": Expect(
        "Tra cứu",
        text=(
            re.compile(r"Dòng 1–50 trên tổng số \d{1,3}(\.\d{3})+"),
            re.compile(r"Tải CSV \(\d{1,3}(\.\d{3})+ dòng\)"),
            re.compile(r"Tải Excel \(\d{1,3}(\.\d{3})+ dòng\)"),
        ),
    ),
    "dia-ban": Expect("Địa bàn", charts=2),
    "ke-hoach": Expect(
        "Kế hoạch kiểm tra",
        charts=1,
        cards={"Trong kế hoạch": b.VI_COUNT, "Đã thực hiện": b.VI_COUNT, "Ngoài kế hoạch": b.VI_COUNT},
    ),
    "doi-tuong": Expect("Đối tượng kiểm tra đột xuất", charts=1),
    "bao-cao": Expect("Báo cáo"),
    "du-lieu": Expect(
        "Dữ liệu",
        text=(re.compile(r"Hiện \d{1,3}(\.\d{3})* trên \d{1,3}(\.\d{3})* dòng bị loại"),),
    ),
}

# Any number written the English way: 1,234 or 12.5% / 12.5 %.
EN_NUMBER = re.compile(r"\b\d{1,3}(,\d{3})+\b(?!,)|\b\d+\.\d+ ?%")
DELTA = re.compile(r"^[+\-±]\d{1,3}(\.\d{3})*,\d (%|điểm %)$|^mới phát sinh$")


@pytest.fixture(scope="module")
def english_phrases(app_dir) -> list[str]:
    return b.catalogue_phrases(app_dir, "en")


@pytest.fixture(scope="module")
def raw_codes() -> re.Pattern:
    """A code of the codebook (`attitude`, `unknown-agency`, `ktcv` ...) shown as it is, not by its label."""
    from cchc import codebook

    words = sorted(codebook.raw_codes(), key=len, reverse=True)
    return re.compile(r"(?<![\w:/.-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w:/-])")


@pytest.fixture(scope="module")
def catalogue_keys(app_dir) -> re.Pattern:
    """A raw key such as `overview.trend_title` on screen means a string missing from the catalogue."""
    raw = yaml.safe_load((app_dir / "cchc" / "catalogue.yaml").read_text(encoding="utf-8"))
    sections = "|".join(re.escape(s) for s in raw)
    return re.compile(rf"\b(?:{sections})\.[a-z][a-z0-9_]*\b")


# Streamlit's own widget texts, which are English unless the page replaces them.
STREAMLIT_ENGLISH = re.compile(
    r"\bUpload\b|\d+ ?MB per file|Drag and drop|Browse files|Choose an option|No results|"
    r"Press Enter to apply|Clear all"
)


@pytest.mark.parametrize("width", VIEWPORTS)
@pytest.mark.parametrize("key", PAGES)
def test_page_renders_in_vietnamese_with_charts_and_numbers(
    new_page, key, width, artifacts, english_phrases, catalogue_keys, raw_codes
):
    expect = PAGES[key]
    page = new_page(*VIEWPORTS[width])
    b.open_page(page, key, {**PERIOD, **expect.params}, check=False)
    b.screenshot(page, artifacts / f"{key}-{width}.png")
    # Every problem of the page is listed, not only the first one.
    problems: list[str] = [f"exception: {e}" for e in b.exceptions(page)]
    if b.title(page) != expect.title:
        problems.append(f"title {b.title(page)!r}, expected {expect.title!r}")

    charts = b.plotly_charts(page)
    drawn = [c for c in charts if c["drawn"] and c["marks"] > 0]
    if len(drawn) < expect.charts:
        problems.append(f"{len(drawn)} charts drawn with marks, expected {expect.charts}: {charts}")
    for c in charts:
        if not (c["drawn"] and c["marks"] > 0):
            problems.append(f"chart without marks: {c['title']!r} {c['types']}")
        if not c["title"].strip():
            problems.append(f"chart without a title: {c['types']}")
        if c["separators"] != ",.":
            problems.append(f"chart not in Vietnamese number format: {c['title']!r} separators={c['separators']!r}")
        if c["width"] > VIEWPORTS[width][0] and not c["wide"]:
            problems.append(f"chart wider than the screen: {c['title']!r} {c['width']} px")
        if c["overlapping"]:
            problems.append(f"chart title runs into the plot: {c['title']!r}: {c['overlapping']}")
        if c["unnamedPies"]:
            problems.append(f"pie or donut without slice names (no label, no legend): {c['title']!r}")
        if c["clipped"]:
            problems.append(f"chart texts cut off at the chart's edge: {c['title']!r}: {c['clipped']}")

    cards = b.metrics(page)
    for label, pattern in expect.cards.items():
        if label not in cards:
            problems.append(f"card {label!r} missing; cards: {cards}")
        elif not pattern.match(cards[label]):
            problems.append(f"card {label!r}: {cards[label]!r} is not {pattern.pattern}")
    for label, value in cards.items():
        if value != b.DASH and not any(p.match(value) for p in (b.VI_COUNT, b.VI_RATE, b.VI_DAYS, b.VI_RATIO)):
            problems.append(f"card {label!r}: {value!r} is not a Vietnamese number")
    for delta in page.locator('[data-testid="stMetricDelta"]').all():
        text = delta.inner_text().strip()
        if not DELTA.match(text):
            problems.append(f"change {text!r} is not written the Vietnamese way")
    if key == "tong-quan" and not b.VI_THOUSANDS.search(cards.get("Tiếp nhận", "")):
        problems.append(f"12 months of complaints pass 1.000: {cards.get('Tiếp nhận')!r}")

    text = b.visible_text(page)
    for pattern in expect.text:
        if not pattern.search(text):
            problems.append(f"{pattern.pattern!r} not on the page")
    if not re.search(r"Dữ liệu nạp lần cuối lúc \d{2}:\d{2} \d{2}/\d{2}/\d{4}", text):
        problems.append("no 'data as of' line")
    if m := EN_NUMBER.search(text):
        problems.append(f"number in English format: {m[0]!r}")
    everything = text + "\n" + b.visible_text(page, '[data-testid="stSidebar"]')
    if english := [p for p in english_phrases if p in everything]:
        problems.append(f"English catalogue strings in Vietnamese mode: {english}")
    if keys := catalogue_keys.findall(everything):
        problems.append(f"raw catalogue keys on screen: {keys}")
    if builtin := STREAMLIT_ENGLISH.findall(everything):
        problems.append(f"Streamlit's English widget texts in Vietnamese mode: {builtin}")

    shown = everything
    for code_span in page.locator('[data-testid="stMain"] code').all_inner_texts():  # commands shown as code
        shown = shown.replace(code_span, " ")
    if codes := sorted({m for m in raw_codes.findall(shown)}):
        problems.append(f"raw codes on a Vietnamese page: {codes}")
    if width == "390":
        rows = b.card_rows(page)
        if any(len(r) > 2 for r in rows) or (len(cards) > 1 and all(len(r) == 1 for r in rows)):
            problems.append(f"cards per row on a phone: {[len(r) for r in rows]} (two per row expected)")
        if key == "tong-quan" and charts and charts[0]["top"] >= VIEWPORTS[width][1]:
            problems.append(f"the first chart starts below the first screen: top={charts[0]['top']:.0f}")

    if width == "390" and (overflow := b.horizontal_overflow(page)):
        problems.append(f"wider than a phone screen: {overflow}")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
