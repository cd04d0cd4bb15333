"""The Word report (.docx) in the layout of Vietnamese administrative documents (Decree
30/2020/NĐ-CP): A4, margins 20/20/30/15 mm, Times New Roman 13–14 pt, the issuing body and
number line on the left and the national title on the right, the place and date line, the
title, numbered sections, real Word tables, charts as images with captions, the signatory
block and an annex with every measure's definition. Built with python-docx."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from cchc import fmt
from cchc.i18n import t
from cchc.report import settings
from cchc.report.content import Report, Table

FONT = "Times New Roman"
BODY_PT, TABLE_PT = 14, 12
CONTENT_CM = 21.0 - 3.0 - 1.5  # A4 width minus the left and right margins
NUMERIC = ("count", "rate", "days", "ratio", "score", "measure")


# --- low-level helpers -----------------------------------------------------------------------


def _fonts(rpr_parent) -> None:
    """Times New Roman for every script (Word picks the east-Asian slot for some Vietnamese)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def _run(paragraph, text: str, size: float = BODY_PT, bold=False, italic=False, underline=False, grey=False):
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    if grey:
        run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    _fonts(run._r)
    return run


def _para(
    container,
    text: str = "",
    size: float = BODY_PT,
    bold=False,
    italic=False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    before: float = 0,
    after: float = 6,
    keep_next: bool = False,
    grey: bool = False,
):
    p = container.add_paragraph()
    p.alignment = align
    pf = p.paragraph_format
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.line_spacing = 1.0
    if indent:
        pf.first_line_indent = Cm(1.0)
    pf.keep_with_next = keep_next
    if text:
        _run(p, text, size, bold, italic, grey=grey)
    return p


def _first_para(cell, text: str, size: float, bold=False, italic=False, after: float = 0):
    """The cell's own first paragraph (a new cell has one), centred."""
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    if text:
        _run(p, text, size, bold, italic)
    return p


def _rule(container, width_cm: float, box_cm: float) -> None:
    """A short centred line (the stroke under the issuing body and the motto)."""
    p = container.add_paragraph()
    side = max(0.0, (box_cm - width_cm) / 2)
    pf = p.paragraph_format
    pf.left_indent, pf.right_indent = Cm(side), Cm(side)
    pf.space_before, pf.space_after = Pt(0), Pt(4)
    pf.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths, in the grid (LibreOffice reads it) and in every cell (Word does)."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(int(sum(widths_cm) * 567)))
    for grid_col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm, strict=True):
        grid_col.set(qn("w:w"), str(int(w * 567)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(w)


def _cell_margins(table, cm: float = 0.1) -> None:
    """Narrow left and right cell margins, so that '100,0 %' fits a number column."""
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(cm * 567)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    table._tbl.tblPr.append(mar)


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


def _no_split(row) -> None:
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _page_number(section) -> None:
    """Page numbers at the top centre from page 2 on (Decree 30/2020)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _run(p, "", 13)
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), tag)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


# --- cells -----------------------------------------------------------------------------------


def cell_text(value: object, unit: str, lang: str, measure_unit: str | None = None) -> str:
    """A table value as printed: Vietnamese number formats; a dash for no value."""
    if unit == "text":
        return "" if value is None else str(value)
    if unit == "measure":
        return fmt.value(value, measure_unit or "count", lang)
    if unit == "score":
        return fmt.number(value, 1, lang)
    if unit == "days":
        return fmt.number(value, 1, lang)
    return fmt.value(value, unit, lang)


FIXED_CM = {"no": 1.1, "level": 1.9, "unit_name": 3.0, "weakest": 2.5}


def _widths_for(table: Table) -> list[float]:
    """Fixed widths for the STT, level, agency and reason columns; the label column of a code
    table takes a third; the numbers share the rest."""
    fixed = {c.key: FIXED_CM[c.key] for c in table.columns if c.key in FIXED_CM}
    if any(c.key == "label" for c in table.columns):
        fixed["label"] = 8.0 if len(table.columns) <= 2 else (5.2 if len(table.columns) <= 5 else 4.0)
    rest = [c for c in table.columns if c.key not in fixed]
    share = (CONTENT_CM - sum(fixed.values())) / max(1, len(rest))
    return [fixed.get(c.key, share) for c in table.columns]


def _table(doc, table: Table, number: int, lang: str) -> None:
    _para(
        doc,
        t("report.table_caption", lang, n=number, title=table.title),
        13,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        before=6,
        after=4,
        keep_next=True,
    )
    if table.empty:
        _para(doc, t("report.no_rows", lang), italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        return
    rows = [*table.rows, *([table.total] if table.total else [])]
    size = TABLE_PT if len(table.columns) < 8 else 10.5  # wide tables: smaller type (Decree 30 allows)
    grid = doc.add_table(rows=1 + len(rows), cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(grid, _widths_for(table))
    _cell_margins(grid)
    header = grid.rows[0]
    _repeat_header(header)
    for cell, col in zip(header.cells, table.columns, strict=True):
        _first_para(cell, col.header, size, bold=True)
        _shade(cell, "E7E6E6")
    for r, row in enumerate(rows, start=1):
        is_total = row is table.total
        _no_split(grid.rows[r])
        for cell, col in zip(grid.rows[r].cells, table.columns, strict=True):
            unit = "count" if col.key == "no" else col.unit
            measure_unit = None
            if unit == "measure":
                from cchc.core import measures

                measure_unit = measures.get(row["_measure"]).unit
            text = cell_text(row.get(col.key), unit, lang, measure_unit)
            if unit != "text":
                text = text.replace(" ", "\u00a0")  # '85,7 %' and '3 ngày' never break
            p = _first_para(cell, "", size)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if unit in NUMERIC and col.key != "no" else WD_ALIGN_PARAGRAPH.LEFT
            if col.key == "no" or (unit == "text" and col.key == "change"):
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(p, text, size, bold=is_total)
    if table.note:
        _para(doc, table.note, 12, italic=True, indent=False, before=3)
    else:
        _para(doc, "", 6, indent=False, after=0)


def _figure(doc, key: str, report: Report, images: dict, number: int, lang: str) -> int:
    fig, caption = report.figures.get(key, (None, ""))
    if fig is None:
        return number
    image = images.get(key)
    if isinstance(image, (bytes, bytearray)):
        p = _para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=6, after=2, keep_next=True)
        p.add_run().add_picture(io.BytesIO(image), width=Cm(15.5))
    else:
        _para(doc, t("report.no_chart", lang, why=str(image)), 12, italic=True, indent=False)
    _para(
        doc,
        t("report.figure_caption", lang, n=number, title=caption),
        13,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        after=8,
    )
    return number + 1


# --- the document ----------------------------------------------------------------------------


def date_line(lang: str, today: date) -> str:
    """'Thái Nguyên, ngày 05 tháng 01 năm 2026' (two digits below 10, Decree 30/2020), or with
    the day and month left blank for signing (date_line: blank)."""
    place = settings.get("place", lang)
    if settings.get("date_line", lang) == "today":
        if lang == "en":
            return t("report.date_line", lang, place=place, d=today.day, m=today.strftime("%B"), y=today.year)
        return t("report.date_line", lang, place=place, d=f"{today.day:02d}", m=f"{today.month:02d}", y=today.year)
    blank = "      "
    return t("report.date_line", lang, place=place, d=blank, m=blank, y=today.year)


def _heading_block(doc, report: Report, lang: str) -> None:
    left_w, right_w = 6.6, CONTENT_CM - 6.6
    top = doc.add_table(rows=1, cols=2)
    _no_borders(top)
    _widths(top, [left_w, right_w])
    left, right = top.rows[0].cells
    _first_para(left, settings.get("governing_body", lang), 13)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    _run(p, settings.get("issuing_body", lang), 13, bold=True)
    _rule(left, 2.2, left_w)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, settings.get("number_line", lang), 13)
    _first_para(right, t("report.nation", lang), 12, bold=True)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    _run(p, t("report.motto", lang), 13, bold=True)
    _rule(right, 5.6, right_w)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(2)
    _run(p, date_line(lang, report.built_at.date()), 14, italic=True)

    _para(doc, "", indent=False, after=6)
    _para(doc, report.title, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0)
    _para(doc, report.subtitle, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0)
    _rule(doc, 3.5, CONTENT_CM)
    scope = t(
        "report.scope_line",
        lang,
        period=report.period_text,
        scope=report.scope_text,
        filters=report.filters_text,
    )
    _para(doc, scope, 12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0)
    built = fmt.moment(report.built_at)
    _para(
        doc,
        t("report.as_of_line", lang, as_of=report.as_of_text, built=built),
        12,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        after=10,
    )


def _section(doc, text: str) -> None:
    _para(doc, text, BODY_PT, bold=True, indent=False, before=8, after=6, keep_next=True)


def _signature(doc, report: Report, lang: str) -> None:
    sign = settings.signatory(lang)
    block = doc.add_table(rows=1, cols=2)
    _no_borders(block)
    _widths(block, [7.5, CONTENT_CM - 7.5])
    _no_split(block.rows[0])
    left, right = block.rows[0].cells
    p = left.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    _run(p, t("report.recipients", lang), 12, bold=True, italic=True)
    for name in settings.get("recipients", lang) or []:
        q = left.add_paragraph()
        q.paragraph_format.space_after = Pt(0)
        _run(q, f"- {name}", 11)
    _first_para(right, sign["authority"], 13, bold=True)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, sign["title"], 13, bold=True)
    for _ in range(4):
        right.add_paragraph()
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, sign["name"], 13, bold=True)


def _annex(doc, report: Report, lang: str) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.different_first_page_header_footer = False
    _para(doc, t("report.annex_title", lang), 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0)
    _para(doc, t("report.annex_subtitle", lang), 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0)
    _para(doc, f"({report.subtitle})", 13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=8)
    _para(doc, t("report.annex_scope", lang), 13, bold=True, indent=False, after=2)
    for key, value in (
        ("report.info_period", _period_with_dates(report)),
        ("report.info_cut", t(f"cut.{report.period.cut}", lang)),
        ("report.info_scope", report.scope_text),
        ("report.info_filters", report.filters_text),
        ("report.info_as_of", report.as_of_text),
    ):
        p = _para(doc, "", 13, indent=False, after=0)
        _run(p, f"{t(key, lang)}: ", 13, bold=True)
        _run(p, value, 13)
    _para(doc, "", 6, indent=False)
    grid = doc.add_table(rows=1 + len(report.definitions), cols=3)
    grid.style = "Table Grid"
    _widths(grid, [1.2, 4.6, CONTENT_CM - 5.8])
    _repeat_header(grid.rows[0])
    for cell, text in zip(
        grid.rows[0].cells,
        (t("report.col_no", lang), t("report.col_measure", lang), t("report.col_definition", lang)),
        strict=True,
    ):
        _first_para(cell, text, TABLE_PT, bold=True)
        _shade(cell, "E7E6E6")
    for i, (_name, lbl, formula) in enumerate(report.definitions, start=1):
        cells = grid.rows[i].cells
        _no_split(grid.rows[i])
        _first_para(cells[0], str(i), TABLE_PT)
        p = _first_para(cells[1], lbl, TABLE_PT, bold=True)
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        p = _first_para(cells[2], formula, TABLE_PT)
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT


def write_docx(report: Report, images: dict, path) -> None:
    """Write the Word report to `path`; `images` maps figure keys to PNG bytes (or the reason
    a chart is missing)."""
    lang = report.lang
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    _fonts(normal.element)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    _page_number(section)
    props = doc.core_properties
    props.title = f"{report.title} {report.subtitle}"
    props.author = settings.get("issuing_body", lang)
    props.language = "vi-VN" if lang == "vi" else "en-GB"

    _heading_block(doc, report, lang)
    body_name = settings.get("body_name", lang)
    intro = settings.get("intro", lang)
    if intro:
        _para(doc, intro.format(body=body_name, period=_period_words(report)))
    for text in report.paragraphs.get("summary", []):
        _para(doc, text, bold=True)

    tables, figures = 1, 1
    _section(doc, t("report.section_received", lang))
    for text in report.paragraphs["received"]:
        _para(doc, text)
    for key in ("channel", "kind", "category"):
        _table(doc, report.tables[key], tables, lang)
        tables += 1
    for key in ("trend", "channel"):
        figures = _figure(doc, key, report, images, figures, lang)

    _section(doc, t("report.section_handling", lang))
    for text in report.paragraphs["handling"]:
        _para(doc, text)
    for key in ("handling", "most_overdue"):
        _table(doc, report.tables[key], tables, lang)
        tables += 1

    _section(doc, t("report.section_inspections", lang))
    for text in report.paragraphs["inspections"]:
        _para(doc, text)
    for key in ("inspection_type", "violation_category", "handling_of_violations"):
        _table(doc, report.tables[key], tables, lang)
        tables += 1
    for key in ("violations", "remedies"):
        figures = _figure(doc, key, report, images, figures, lang)

    _section(doc, t("report.section_attention", lang))
    for text in report.paragraphs["attention"]:
        _para(doc, text)
    _table(doc, report.tables["attention"], tables, lang)

    _section(doc, t("report.section_proposals", lang))
    _para(doc, t("report.proposals_hint", lang), italic=True, grey=True)
    for _ in range(3):
        _para(doc, "…" * 30, grey=True)
    # the closing sentence stays on the page of the signature
    _para(doc, t("report.closing", lang, period=_period_words(report), body=body_name), before=6, keep_next=True)
    _para(doc, "", after=0, keep_next=True)
    _signature(doc, report, lang)
    _annex(doc, report, lang)
    doc.save(str(path))


def _period_with_dates(report: Report) -> str:
    """'Tháng 10/2026 (01/10/2026 – 31/10/2026)'; an official period's label has its days already."""
    dates = f"{fmt.day(report.period.start)} – {fmt.day(report.period.end)}"
    return report.period_text if dates in report.period_text else f"{report.period_text} ({dates})"


def _period_words(report: Report) -> str:
    """The period inside a sentence: 'tháng 10/2026 (15/09/2026 – 14/10/2026)'."""
    text = report.period_text
    return text[:1].lower() + text[1:] if report.lang == "vi" else text
