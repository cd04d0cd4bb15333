"""The periodic report on the small fixture warehouse: every number of every table of the Word
report and the Excel annex equals the measure recomputed with pandas from the fixture rows
(tests/conftest_pages.expected, filtered to the row's group); the PDF brief is one page with the
period on it; an empty period says so; an agency's report holds only that agency; the command
and the page build the files."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock

import holidays
import pandas as pd
import pytest
import yaml

from cchc import cards
from cchc.core import ALL, Filters, Scope
from cchc.core import measures as registry
from cchc.i18n import label, t
from cchc.report import build as report_build
from cchc.report.content import parse_period
from cchc.report.xlsx import ORDER
from tests import conftest_pages
from tests.conftest_pages import AGENCY_NAMES, CURRENT_ID, ROOT, TODAY, signed_in_app
from tests.report_files import (
    docx_tables,
    docx_text,
    find_table,
    parse_number,
    pdf_pages,
    xlsx_sheets,
    xlsx_text,
    xlsx_workbook,
)

BUILT_AT = datetime(2026, 11, 26, 9, 0)
_FRAMES = conftest_pages.frames
# the fixture's columns of each code grain
_COMPLAINT_GRAINS = {"channel": "channel", "kind": "kind", "category": "category"}


@contextmanager
def only(grain: str | None, code: object):
    """conftest_pages.expected() over the fixture rows of one group (a channel, an inspection
    type, a violation category, a handling ...)."""

    def pick(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        return frame[frame[column].isna()] if code is None else frame[frame[column] == code]

    def frames():
        d = _FRAMES()
        if grain in _COMPLAINT_GRAINS:
            d["complaints"] = pick(d["complaints"], _COMPLAINT_GRAINS[grain])
        elif grain == "inspection_type":
            d["inspections"] = pick(d["inspections"], "inspection_type")
        elif grain == "violation_category":
            d["violations"] = pick(d["violations"], "category")
        elif grain == "handling":
            d["violations"] = pick(d["violations"], "handling")
        return d

    with mock.patch.object(conftest_pages, "frames", frames):
        yield


def _working_days_after(day: date, n: int) -> date:
    vn = holidays.VN(years=range(day.year, day.year + 2))
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in vn:
            n -= 1
    return day


def _open_by_deadline(start: date, end: date, agency: str | None) -> dict:
    """Open items at the period's end that are nearly due (within N working days, N from
    config/deadlines.yaml) or not yet due: the two measures conftest_pages.expected lacks."""
    c = conftest_pages.frames()["complaints"]
    c = c.assign(unit=c["agency_id"].map(lambda a: CURRENT_ID[a] or a))
    if agency:
        c = c[c["unit"] == agency]
    received, resolved, due = (pd.to_datetime(c[k]) for k in ("received_date", "resolved_date", "due_date"))
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    pool = received.between(s, e) | ((received < s) & ((resolved >= s) | (resolved.isna() & c["is_open"])))
    open_at = pool & ((resolved > e) | (resolved.isna() & c["is_open"]))
    n = yaml.safe_load((ROOT / "config" / "deadlines.yaml").read_text(encoding="utf-8"))["nearly_due_working_days"]
    near = pd.Timestamp(_working_days_after(end, int(n)))
    overdue = open_at & c["in_remit"] & (due < e)
    return {
        "nearly_due": int((open_at & ~overdue & due.between(e, near)).sum()),
        "not_yet_due": int((open_at & ~overdue & (due > near)).sum()),
    }


def _expected(start: date, end: date, agency: str | None = None) -> dict:
    return {**conftest_pages.expected(start, end, agency=agency), **_open_by_deadline(start, end, agency)}


def expected(period, grain=None, code=None) -> dict:
    """Every measure for one row of a report table, recomputed with pandas."""
    start, end = period.start, period.effective_end
    if grain == "unit":
        return _expected(start, end, agency=code)
    if grain in (None, "measure") or code == "total":
        return _expected(start, end)
    with only(grain, code):
        return _expected(start, end)


def _periods(p) -> dict:
    return {"current": p, "previous": p.previous(), "year_ago": p.year_ago()}


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def assert_close(got, want, unit: str, printed: bool, where: str) -> None:
    if _missing(want):
        assert _missing(got), f"{where}: {got!r}, expected no value"
        return
    assert not _missing(got), f"{where}: no value, expected {want!r}"
    tol = 1e-9
    if printed:
        tol = {"rate": 0.0005, "days": 0.05, "ratio": 0.005, "score": 0.05}.get(unit, 0) + 1e-9
    assert abs(float(got) - float(want)) <= tol, f"{where}: {got!r} != {want!r}"


def check_table(meta, cells: list[list], period, printed: bool, lang: str = "vi") -> int:
    """Compare one table of a file (cells: rows of values, header first) with pandas; returns
    the number of numbers checked."""
    assert [str(c).strip() for c in cells[0]] == [c.header for c in meta.columns], meta.key
    rows = [*meta.rows, *([meta.total] if meta.total else [])]
    assert len(cells) - 1 == len(rows), f"{meta.key}: {len(cells) - 1} rows in the file, {len(rows)} expected"
    periods = _periods(period)
    checked = 0
    for row, line in zip(rows, cells[1:], strict=True):
        code = row["_code"]
        want = {k: expected(p, meta.grain, code) for k, p in periods.items()}
        for col, cell in zip(meta.columns, line, strict=True):
            where = f"{meta.key}[{code}].{col.key}"
            if col.key == "label":
                section = {"measure": None}.get(meta.grain, meta.grain)
                if code == "total":
                    assert cell == t("report.total", lang), where
                elif section is None:
                    assert cell == registry.get(code).label(lang), where
                else:
                    assert cell == label(section, code, lang), where
                continue
            if col.key == "unit_name":
                assert cell == AGENCY_NAMES[code], where
                continue
            if col.key == "score":
                names = list(registry.MEASURES)
                score = registry.composite({n: want["current"][n] for n in names})
                got = parse_number(cell) if printed else cell
                assert_close(got, score, "score", printed, where)
                checked += 1
                continue
            if col.key == "change":
                name = row.get("_measure") or next(c.measure for c in meta.columns if c.period == "year_ago")
                m = registry.get(name)
                ch = cards.change(want["current"][name], want["year_ago"][name], m.unit, m.higher_is_better, lang)
                assert cell == (ch.text if ch else "—"), where
                continue
            measure = col.measure or row.get("_measure")
            if measure is None:
                continue
            unit = registry.get(measure).unit
            got = parse_number(cell) if printed else cell
            assert_close(got, want[col.period][measure], unit, printed, where)
            checked += 1
    return checked


@pytest.fixture(scope="module")
def built(fixture_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    result = {}
    for code, cut in (("2026-10", "calendar"), ("2026-11", "official")):
        period = parse_period(code, cut, TODAY)
        result[cut] = report_build.build(period, Filters(), ALL, "vi", out_dir=out, built_at=BUILT_AT)
    return result


@pytest.mark.parametrize("cut", ["calendar", "official"])
def test_every_number_of_the_word_tables_equals_pandas(built, cut):
    b = built[cut]
    tables = docx_tables(b.files["docx"])
    checked = 0
    for key in ORDER:
        meta = b.report.tables[key]
        if meta.empty:
            continue
        cells = find_table(tables, [c.header for c in meta.columns])
        assert cells is not None, f"table {key} is not in the document"
        checked += check_table(meta, cells, b.report.period, printed=True)
    assert checked > 120


@pytest.mark.parametrize("cut", ["calendar", "official"])
def test_every_number_of_the_excel_annex_equals_pandas_and_is_a_number(built, cut):
    b = built[cut]
    sheets = xlsx_sheets(b.files["xlsx"])
    names = list(sheets)
    assert names[0] == t("report.sheet_info", "vi")
    checked = 0
    for i, key in enumerate(ORDER, start=1):
        meta = b.report.tables[key]
        rows = sheets[names[i]]
        if meta.empty:
            continue
        body = [list(r[: len(meta.columns)]) for r in rows[3 : 4 + len(meta.rows) + (1 if meta.total else 0)]]
        for line in body[1:]:
            for col, v in zip(meta.columns, line, strict=True):
                if col.unit != "text" and v is not None:
                    assert isinstance(v, (int, float)), f"{key}.{col.key}: {v!r} is stored as text"
        checked += check_table(meta, body, b.report.period, printed=False)
    assert checked > 120


def test_excel_annex_freezes_headers_uses_number_formats_and_states_period_filters_as_of_definitions(built):
    b = built["official"]
    book = xlsx_workbook(b.files["xlsx"])
    info = book.worksheets[0]
    text = "\n".join(str(c) for row in info.iter_rows(values_only=True) for c in row if c is not None)
    assert "Tháng 11/2026 (15/10/2026 – 14/11/2026)" in text
    assert "Kỳ báo cáo (15–14)" in text and "Toàn tỉnh" in text and "Dữ liệu nạp lần cuối" in text
    for m in registry.MEASURES.values():
        assert m.formula("vi") in text
    handling = book.worksheets[1 + ORDER.index("handling")]
    assert handling.freeze_panes == "A5"
    rows = b.report.tables["handling"].rows
    formats = {r["_code"]: handling.cell(5 + i, 2).number_format for i, r in enumerate(rows)}
    assert formats["to_be_handled"] == "#,##0" and formats["on_time_rate"] == '0.0" "%'
    assert formats["median_working_days"] == "#,##0.0"


def test_pdf_brief_is_one_page_with_the_period_cards_and_attention(built):
    b = built["calendar"]
    pages = pdf_pages(b.files["pdf"])
    assert len(pages) == 1
    text = pages[0]
    assert "Tháng 10/2026" in text and "BẢN TIN NHANH" in text
    for card in b.report.cards:
        assert card.label in text and card.value in text
    for row in b.report.tables["attention"].rows:
        assert row["unit_name"][:20] in text
    rows = b.report.headline
    assert b.report.cards[0].value == f"{int(expected(b.report.period)['received']):,}".replace(",", ".")
    assert int(rows.at["current", "received"]) == expected(b.report.period)["received"]


def test_word_report_has_the_decree_30_layout(built):
    from docx import Document
    from docx.shared import Mm

    b = built["calendar"]
    doc = Document(str(b.files["docx"]))
    s = doc.sections[0]
    assert (round(s.page_width / Mm(1)), round(s.page_height / Mm(1))) == (210, 297)
    assert [round(x / Mm(1)) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [
        20,
        20,
        30,
        15,
    ]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.text.strip()}
    sizes = {r.font.size.pt for p in doc.paragraphs for r in p.runs if r.text.strip() and r.font.size}
    assert fonts == {"Times New Roman"} and sizes <= {12, 13, 14}
    head = doc.tables[0].rows[0].cells
    assert "UBND TỈNH THÁI NGUYÊN" in head[0].text and "SỞ NỘI VỤ" in head[0].text and "/BC-SNV" in head[0].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head[1].text and "Độc lập - Tự do - Hạnh phúc" in head[1].text
    assert "Thái Nguyên, ngày" in head[1].text
    text = docx_text(b.files["docx"])
    for heading in ("section_received", "section_handling", "section_inspections", "section_attention"):
        assert t(f"report.{heading}", "vi") in text
    assert t("report.section_proposals", "vi") in text and "Nơi nhận:" in text and "PHÓ GIÁM ĐỐC" in text
    assert "Kỳ báo cáo: Tháng 10/2026" in text and "Dữ liệu nạp lần cuối" in text  # first page
    assert "PHỤ LỤC" in text and registry.get("on_time_rate").formula("vi") in text
    pictures = [s for s in doc.inline_shapes]
    drawn = [k for k, (fig, _) in b.report.figures.items() if fig is not None]
    assert len(pictures) == len(drawn) >= 2 and b.chart_errors == []


def test_signatory_and_body_come_from_the_configuration(fixture_db, tmp_path, monkeypatch):
    cfg = tmp_path / "report.yaml"
    cfg.write_text(
        "governing_body: UBND TỈNH BẮC NINH\nissuing_body: SỞ NỘI VỤ BẮC NINH\nbody_name: Sở Nội vụ Bắc Ninh\n"
        "place: Bắc Ninh\nnumber_line: 'Số: 99/BC-SNV'\ndate_line: today\n"
        "signatory: {authority: '', title: GIÁM ĐỐC, name: Người Ký Thử}\nrecipients: [UBND tỉnh Bắc Ninh;]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CCHC_REPORT_CONFIG", str(cfg))
    period = parse_period("2026-10", "calendar", TODAY)
    b = report_build.build(period, None, ALL, "vi", ["docx"], tmp_path, built_at=datetime(2026, 11, 5, 9, 0))
    text = docx_text(b.files["docx"])
    assert "UBND TỈNH BẮC NINH" in text and "SỞ NỘI VỤ BẮC NINH" in text and "Số: 99/BC-SNV" in text
    assert "Bắc Ninh, ngày 05 tháng 11 năm 2026" in text and "Người Ký Thử" in text and "UBND tỉnh Bắc Ninh;" in text
    assert "Thái Nguyên, ngày" not in text and "PHÓ GIÁM ĐỐC" not in text


def test_a_period_without_data_gives_a_report_that_says_so(fixture_db, tmp_path):
    period = parse_period("2001-01", "calendar", TODAY)
    b = report_build.build(period, None, ALL, "vi", out_dir=tmp_path, built_at=BUILT_AT)
    assert b.report.empty
    empty = t("report.empty", "vi")
    assert empty in docx_text(b.files["docx"])
    assert empty in xlsx_text(b.files["xlsx"])
    pages = pdf_pages(b.files["pdf"])
    assert len(pages) == 1 and "Tháng 01/2001" in pages[0] and "Không có số liệu" in pages[0]
    assert t("report.no_rows", "vi") in docx_text(b.files["docx"])


def test_an_agency_report_holds_only_that_agency(fixture_db, tmp_path):
    unit = "so:xay-dung"
    period = parse_period("2026-10", "calendar", TODAY)
    b = report_build.build(period, None, Scope.of([unit]), "vi", out_dir=tmp_path, built_at=BUILT_AT)
    assert "so-xay-dung" in b.files["docx"].name
    for key in ("most_overdue", "attention"):
        assert {r["_code"] for r in b.report.tables[key].rows} <= {unit}
    want = conftest_pages.expected(period.start, period.effective_end, agency=unit)
    head = b.report.headline.loc["current"]
    assert int(head["received"]) == want["received"] > 0 and int(head["to_be_handled"]) == want["to_be_handled"]
    # the issuing body (Sở Nội vụ) is printed in the heading and the closing: not a row
    others = {n for a, n in AGENCY_NAMES.items() if CURRENT_ID[a] != unit and a != "so:noi-vu"}
    others |= {"Phường Phan Đình Phùng", "Xã Đức Lương", "Sở Tài chính", "Tỉnh Thái Nguyên"}
    texts = {
        "docx": docx_text(b.files["docx"]),
        "xlsx": xlsx_text(b.files["xlsx"]),
        "pdf": "\n".join(pdf_pages(b.files["pdf"])),
    }
    for kind, text in texts.items():
        assert "Sở Xây dựng" in text, kind
        assert [n for n in others if n in text] == [], kind
    tables = docx_tables(b.files["docx"])
    overdue = find_table(tables, [c.header for c in b.report.tables["most_overdue"].columns])
    assert overdue is not None and {r[1] for r in overdue[1:]} == {"Sở Xây dựng"}


def test_listing_shows_an_agency_only_its_own_reports(fixture_db, tmp_path):
    period = parse_period("2026-10", "calendar", TODAY)
    report_build.build(period, None, ALL, "vi", ["xlsx"], tmp_path, built_at=BUILT_AT)
    report_build.build(period, None, Scope.of(["so:xay-dung"]), "vi", ["xlsx"], tmp_path, built_at=BUILT_AT)
    assert len(report_build.listing(ALL, tmp_path)) == 2
    mine = report_build.listing(Scope.of(["so:xay-dung"]), tmp_path)
    assert [e["scope"] for e in mine] == [["so:xay-dung"]]
    assert report_build.listing(Scope.of(["so:noi-vu"]), tmp_path) == []
    manifest = json.loads(next(tmp_path.glob("*so-xay-dung*.json")).read_text(encoding="utf-8"))
    assert manifest["start"] == "2026-10-01" and manifest["files"]["xlsx"].startswith("phu-luc-cchc_2026-10_")


def test_english_edition_is_in_english(fixture_db, tmp_path):
    period = parse_period("2026-10", "official", TODAY)
    b = report_build.build(period, None, ALL, "en", ["docx", "xlsx"], tmp_path, built_at=BUILT_AT)
    text = docx_text(b.files["docx"])
    assert "SOCIALIST REPUBLIC OF VIET NAM" in text and "II. HANDLING RESULTS" in text
    assert "Month 10/2026 (15/09/2026 – 14/10/2026)" in text and b.files["docx"].name.endswith("_en.docx")


def test_periods_of_the_command(fixture_db):
    p = parse_period("2026-10", "official", date(2026, 11, 26))
    assert (p.start, p.end) == (date(2026, 9, 15), date(2026, 10, 14))
    p = parse_period("last", "official", date(2026, 11, 26))  # after the 14th: November's is finished
    assert (p.start, p.end) == (date(2026, 10, 15), date(2026, 11, 14))
    p = parse_period("last", "calendar", date(2026, 11, 26))
    assert (p.start, p.end, p.unit) == (date(2026, 10, 1), date(2026, 10, 31), "month")
    assert (parse_period("2026-Q3").start, parse_period("2026-Q3").end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert parse_period("2025", "official").start == date(2024, 12, 15)
    with pytest.raises(ValueError):
        parse_period("2026-13")


def _cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cchc", "report", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_command_builds_the_files_named_after_period_and_scope(fixture_db, tmp_path):
    import os

    env = {**os.environ, "CCHC_DB": str(fixture_db), "CCHC_TODAY": TODAY.isoformat()}
    run = _cli(
        "--period",
        "last",
        "--cut",
        "official",
        "--scope",
        "so:xay-dung",
        "--format",
        "xlsx,pdf",
        "--out",
        str(tmp_path),
        env=env,
    )
    assert run.returncode == 0, run.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "ban-tin-cchc_2026-11_official_so-xay-dung.pdf",
        "bao-cao-cchc_2026-11_official_so-xay-dung.json",
        "phu-luc-cchc_2026-11_official_so-xay-dung.xlsx",
    ]
    assert "Tháng 11/2026 (15/10/2026 – 14/11/2026) · Sở Xây dựng" in run.stdout
    bad = _cli("--period", "2026-13", "--out", str(tmp_path), env=env)
    assert bad.returncode == 2 and "không phải kỳ" in bad.stderr
    bad = _cli("--scope", "so:khong-co", "--out", str(tmp_path), env=env)
    assert bad.returncode == 2 and "so:khong-co" in bad.stderr
    bad = _cli("--format", "odt", "--out", str(tmp_path), env=env)
    assert bad.returncode == 2


def test_report_page_builds_downloads_and_lists_them(fixture_db, tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_REPORT_DIR", str(tmp_path))
    at = signed_in_app("analyst", timeout=120)
    at.run()
    at.switch_page("pages/9_bao_cao.py").run()
    assert [e.value for e in at.exception] == []
    assert at.title[0].value == "Báo cáo"
    assert any("Dữ liệu nạp lần cuối" in c.value for c in at.caption)
    assert at.selectbox(key="report_period_month_calendar").value == "2026-10"  # the last finished month
    at.multiselect(key="report_formats").set_value(["xlsx"]).run()
    at.button[0].click().run()
    assert [e.value for e in at.exception] == []
    assert any("Đã tạo 1 tệp" in s.value for s in at.success)
    assert [p.name for p in tmp_path.glob("*.xlsx")] == ["phu-luc-cchc_2026-10_calendar.xlsx"]
    assert any("Tháng 10/2026" in m.value for m in at.markdown)  # the list of reports built so far


def test_the_charts_draw_what_the_pages_queries_return(built):
    from cchc.core import queries
    from cchc.report.content import _chart_frame

    def records(frame: pd.DataFrame) -> list[dict]:
        return frame.reset_index(drop=True).to_dict("records")

    for b in built.values():
        p, f = b.report.period, b.report.filters
        channel = queries.received_by(f, p, "channel", scope=ALL)
        assert records(_chart_frame(b.report.tables["channel"], "received")) == records(channel) and len(channel) > 2
        vio = queries.violations_by(f, p, by_unit=False, scope=ALL)
        assert records(_chart_frame(b.report.tables["violation_category"], "violations")) == records(vio)
        trend = queries.monthly_trend(f, p, 12, scope=ALL)
        assert b.report.trend.equals(trend) and len(trend) == 12


def test_an_agency_user_builds_only_their_scope_and_sees_only_their_reports(fixture_db, tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_REPORT_DIR", str(tmp_path))
    period = parse_period("2026-10", "calendar", TODAY)
    report_build.build(period, None, ALL, "vi", ["xlsx"], tmp_path, built_at=BUILT_AT)  # the province's
    at = signed_in_app("agency", ("so:xay-dung",), timeout=120)
    at.run()
    at.switch_page("pages/9_bao_cao.py").run()
    assert [e.value for e in at.exception] == []
    assert not any("Toàn tỉnh" in m.value for m in at.markdown)  # the province's report is not listed
    at.multiselect(key="report_formats").set_value(["xlsx"]).run()
    at.button[0].click().run()
    assert [e.value for e in at.exception] == []
    mine = sorted(p.name for p in tmp_path.glob("*so-xay-dung*.xlsx"))
    assert mine == ["phu-luc-cchc_2026-10_calendar_so-xay-dung.xlsx"]
    text = xlsx_text(tmp_path / mine[0])
    assert "Sở Xây dựng" in text and "Sở Tài chính" not in text and "Phường Phan Đình Phùng" not in text
