"""The Excel annex (.xlsx): a sheet stating the period, scope, filters, data as of and every
measure's definition, then one sheet per table of the report, numbers stored as numbers with
number formats (Excel and LibreOffice show them with the reader's separators: 1.234 and
12,5 % on a Vietnamese system), header rows frozen. Written with xlsxwriter."""

from __future__ import annotations

import math

import pandas as pd
import xlsxwriter

from cchc import fmt
from cchc.core import measures
from cchc.exports import neutralise
from cchc.i18n import t
from cchc.report import settings
from cchc.report.content import Report, Table

NUMBER_FORMATS = {
    "count": "#,##0",
    "rate": '0.0" "%',
    "days": "#,##0.0",
    "ratio": "#,##0.00",
    "score": "0.0",
}
HEADER_ROW = 3  # 0-based: title, context line, blank, header
ORDER = (
    "channel",
    "kind",
    "category",
    "handling",
    "most_overdue",
    "inspection_type",
    "violation_category",
    "handling_of_violations",
    "attention",
)


def _sheet_name(n: int, title: str) -> str:
    bad = "[]:*?/\\"
    clean = "".join(" " if ch in bad else ch for ch in title)
    return f"{n}. {clean}"[:31].rstrip()


def _number(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def write_xlsx(report: Report, path) -> None:
    lang = report.lang
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": f"{report.title} {report.subtitle}", "author": settings.get("issuing_body", lang)})
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "top"}
    f_title = book.add_format({**base, "bold": True, "font_size": 14})
    f_note = book.add_format({**base, "italic": True})
    f_head = book.add_format(
        {**base, "bold": True, "bg_color": "#E7E6E6", "border": 1, "text_wrap": True, "align": "center"}
    )
    f_text = book.add_format({**base, "border": 1, "text_wrap": True})
    f_text_bold = book.add_format({**base, "border": 1, "text_wrap": True, "bold": True})
    f_key = book.add_format({**base, "bold": True})
    f_plain = book.add_format({**base, "text_wrap": True})
    nums = {u: book.add_format({**base, "border": 1, "num_format": code}) for u, code in NUMBER_FORMATS.items()}
    nums_bold = {
        u: book.add_format({**base, "border": 1, "bold": True, "num_format": code})
        for u, code in NUMBER_FORMATS.items()
    }

    info = book.add_worksheet(t("report.sheet_info", lang))
    info.set_column(0, 0, 28)
    info.set_column(1, 1, 100)
    info.write_string(0, 0, f"{report.title} {report.subtitle}", f_title)
    rows = [
        ("report.info_body", settings.get("issuing_body", lang)),
        ("report.info_period", report.period_text),
        ("report.info_dates", f"{fmt.day(report.period.start)} – {fmt.day(report.period.end)}"),
        ("report.info_cut", t(f"cut.{report.period.cut}", lang)),
        ("report.info_scope", report.scope_text),
        ("report.info_filters", report.filters_text),
        ("report.info_as_of", report.as_of_text),
        ("report.info_built", fmt.moment(report.built_at)),
    ]
    r = 2
    for key, value in rows:
        info.write_string(r, 0, t(key, lang), f_key)
        info.write_string(r, 1, neutralise(str(value)), f_plain)
        r += 1
    if report.empty:
        info.write_string(r, 0, t("report.empty", lang), f_note)
        r += 1
    r += 1
    info.write_string(r, 0, t("report.annex_subtitle", lang), f_title)
    r += 1
    info.write_string(r, 0, t("report.col_measure", lang), f_head)
    info.write_string(r, 1, t("report.col_definition", lang), f_head)
    for name, lbl, formula in report.definitions:
        r += 1
        info.write_string(r, 0, lbl, f_text_bold)
        info.write_string(r, 1, f"{formula} ({name})", f_text)
    info.freeze_panes(1, 0)

    context = (
        f"{report.period_text} · {t('report.info_scope', lang)}: {report.scope_text}"
        f" · {t('report.info_filters', lang)}: {report.filters_text}"
    )
    for n, key in enumerate(ORDER, start=1):
        table = report.tables[key]
        sheet = book.add_worksheet(_sheet_name(n, t(f"report.sheet_{key}", lang)))
        _write_table(sheet, table, context, f_title, f_note, f_head, f_text, f_text_bold, nums, nums_bold, lang)
    book.close()


def _write_table(sheet, table: Table, context, f_title, f_note, f_head, f_text, f_text_bold, nums, nums_bold, lang):
    sheet.write_string(0, 0, table.title, f_title)
    sheet.write_string(1, 0, context, f_note)
    for c, col in enumerate(table.columns):
        sheet.write_string(HEADER_ROW, c, col.header, f_head)
        wide = col.key in ("label", "unit_name", "weakest")
        sheet.set_column(c, c, 6 if col.key == "no" else (42 if wide else 16))
    sheet.set_row(HEADER_ROW, 36)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    if table.empty:
        sheet.write_string(HEADER_ROW + 1, 0, t("report.no_rows", lang), f_note)
        return
    rows = [*table.rows, *([table.total] if table.total else [])]
    for i, row in enumerate(rows, start=HEADER_ROW + 1):
        bold = row is table.total
        for c, col in enumerate(table.columns):
            value = row.get(col.key)
            unit = "count" if col.key == "no" else col.unit
            if unit == "measure":
                unit = measures.get(row["_measure"]).unit
            if unit == "text":
                text = "" if value is None else str(value)
                if col.key in ("label", "unit_name"):  # names that came from an export
                    text = neutralise(text)
                sheet.write_string(i, c, text, f_text_bold if bold else f_text)
                continue
            number = _number(value)
            fmt_ = (nums_bold if bold else nums)[unit]
            if number is None:
                sheet.write_blank(i, c, None, fmt_)
            else:
                sheet.write_number(i, c, number, fmt_)
    if table.note:
        sheet.write_string(HEADER_ROW + 2 + len(rows), 0, table.note, f_note)
