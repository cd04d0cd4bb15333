"""The one-page PDF brief for leadership (A4, readable printed in black and white): the
headline cards with their change against the previous period and the same period last year,
the monthly trend, the agencies needing attention and the cards' definitions. Built with fpdf2,
with a font that has Vietnamese glyphs embedded (cchc/report/fonts.py)."""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.fonts import FontFace

from cchc import fmt
from cchc.cards import Change
from cchc.core import measures
from cchc.i18n import t
from cchc.report import fonts, settings
from cchc.report.content import BRIEF_CARDS, Report

MARGIN = 12.0
WIDTH = 210.0 - 2 * MARGIN
ARROW = {"up": "▲", "down": "▼", "flat": "="}
TONE = {"good": " (+)", "bad": " (−)", "neutral": ""}


def _change(ch: Change | None) -> str:
    if ch is None:
        return fmt.DASH
    return f"{ARROW[ch.direction]} {ch.text}{TONE[ch.tone]}"


class Brief(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        names = []
        for family in fonts.families():
            for style, path in family.files.items():
                self.add_font(family.name, style, str(path))
            names.append(family.name)
        self.main = names[0]
        if len(names) > 1:
            self.set_fallback_fonts(names[1:], exact_match=False)

    def text_line(self, text: str, size: float, style: str = "", align: str = "L", h: float | None = None, w=0):
        self.set_font(self.main, style, size)
        self.multi_cell(w or WIDTH, h or size * 0.45, text, align=align, new_x="LMARGIN", new_y="NEXT")

    def rule(self, gap: float = 1.5) -> None:
        y = self.get_y() + gap
        self.set_draw_color(0)
        self.set_line_width(0.3)
        self.line(MARGIN, y, MARGIN + WIDTH, y)
        self.set_y(y + gap)


def _header(pdf: Brief, report: Report) -> None:
    lang = report.lang
    top = pdf.get_y()
    pdf.set_font(pdf.main, "", 8.5)
    pdf.multi_cell(90, 4, settings.get("governing_body", lang), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.main, "B", 8.5)
    pdf.multi_cell(90, 4, settings.get("issuing_body", lang), align="L", new_x="LMARGIN", new_y="NEXT")
    left_end = pdf.get_y()
    pdf.set_xy(MARGIN + 90, top)
    pdf.set_font(pdf.main, "", 7.5)
    pdf.multi_cell(WIDTH - 90, 3.6, report.as_of_text, align="R", new_x="LEFT", new_y="NEXT")
    pdf.set_x(MARGIN + 90)
    pdf.multi_cell(
        WIDTH - 90,
        3.6,
        f"{t('report.info_built', lang)}: {fmt.moment(report.built_at)}",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_y(max(left_end, pdf.get_y()) + 2)
    pdf.text_line(t("report.brief_title", lang), 15, "B", "C", 7)
    pdf.text_line(t("report.brief_subtitle", lang, period=report.period_text), 11, "B", "C", 5.5)
    scope = (
        f"{t('report.info_scope', lang)}: {report.scope_text} · {t('report.info_filters', lang)}: {report.filters_text}"
    )
    pdf.text_line(scope, 8.5, "", "C", 4)
    pdf.rule(1.2)
    if report.empty:
        pdf.text_line(t("report.empty", lang), 9.5, "B", "C", 4.6)
        pdf.ln(1)


def _cards(pdf: Brief, report: Report) -> None:
    lang = report.lang
    cols, gap, h = 4, 3.0, 25.0
    w = (WIDTH - gap * (cols - 1)) / cols
    y0 = pdf.get_y() + 1
    pdf.set_draw_color(0)
    pdf.set_line_width(0.25)
    for i, card in enumerate(report.cards):
        x = MARGIN + (i % cols) * (w + gap)
        y = y0 + (i // cols) * (h + gap)
        pdf.rect(x, y, w, h)
        pdf.set_xy(x + 2, y + 1.6)
        pdf.set_font(pdf.main, "", 8)
        pdf.cell(w - 4, 3.8, card.label)
        pdf.set_xy(x + 2, y + 6)
        pdf.set_font(pdf.main, "B", 15)
        pdf.cell(w - 4, 7, card.value)
        pdf.set_font(pdf.main, "", 7)
        pdf.set_xy(x + 2, y + 14.5)
        pdf.cell(w - 4, 3.5, f"{t('report.vs_previous', lang)}: {_change(card.vs_previous)}")
        pdf.set_xy(x + 2, y + 19)
        pdf.cell(w - 4, 3.5, f"{t('report.vs_year_ago', lang)}: {_change(card.vs_year_ago)}")
    pdf.set_xy(MARGIN, y0 + 2 * h + gap + 1)
    pdf.text_line(t("report.brief_legend", lang), 7, "I", "L", 3.4)


def _trend(pdf: Brief, report: Report, image: object) -> None:
    lang = report.lang
    pdf.ln(1.5)
    title = t("overview.trend_title", lang)
    pdf.text_line(f"{title} · {t('report.last_n_months', lang, n=len(report.trend))}", 10, "B", "L", 5)
    if isinstance(image, (bytes, bytearray)):
        h = WIDTH * 330 / 1000
        pdf.image(io.BytesIO(image), x=MARGIN, y=pdf.get_y(), w=WIDTH, h=h)
        pdf.set_y(pdf.get_y() + h + 1)
    elif report.figures["trend"][0] is None:
        pdf.text_line(t("report.no_rows", lang), 8.5, "I", "L", 4)
    else:
        pdf.text_line(t("report.no_chart", lang, why=str(image)), 8.5, "I", "L", 4)


def _attention(pdf: Brief, report: Report) -> None:
    lang = report.lang
    table = report.tables["attention"]
    pdf.ln(1)
    pdf.text_line(table.title, 10, "B", "L", 5)
    if table.empty:
        pdf.text_line(t("report.p_attention_none", lang), 8.5, "I", "L", 4)
        return
    keys = ["no", "unit_name", "score", "to_be_handled", "on_time_rate", "overdue", "weakest"]
    cols = {c.key: c for c in table.columns}
    pdf.set_font(pdf.main, "", 7.5)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    head = FontFace(emphasis="BOLD", fill_color=225)
    with pdf.table(
        col_widths=(7, 54, 17, 16, 17, 14, 61),
        text_align=("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
        line_height=3.6,
        headings_style=head,
        padding=0.8,
        width=WIDTH,
    ) as grid:
        row = grid.row()
        for k in keys:
            row.cell(cols[k].header)
        for r in table.rows:
            row = grid.row()
            row.cell(str(r["no"]))
            name = str(r["unit_name"])
            row.cell(name if len(name) <= 48 else name[:47] + "…")
            row.cell(fmt.number(r["score"], 1, lang))
            row.cell(fmt.number(r["to_be_handled"], 0, lang))
            row.cell(fmt.percent(r["on_time_rate"], 1, lang))
            row.cell(fmt.number(r["overdue"], 0, lang))
            row.cell(str(r["weakest"]))
    if table.note:
        pdf.ln(0.8)
        pdf.text_line(table.note, 6.8, "I", "L", 3.2)


def _definitions(pdf: Brief, report: Report) -> None:
    lang = report.lang
    pdf.ln(1)
    pdf.text_line(t("report.brief_definitions", lang), 8, "B", "L", 4)
    pdf.set_font(pdf.main, "", 6.6)
    for name in BRIEF_CARDS:
        m = measures.get(name)
        pdf.multi_cell(WIDTH, 2.9, f"{m.label(lang)}: {m.formula(lang)}", new_x="LMARGIN", new_y="NEXT")


def write_pdf(report: Report, images: dict, path) -> None:
    pdf = Brief()
    pdf.set_title(f"{t('report.brief_title', report.lang)} · {report.period_text}")
    pdf.set_author(settings.get("issuing_body", report.lang))
    pdf.set_lang("vi-VN" if report.lang == "vi" else "en-GB")
    pdf.set_creator("CCHC dashboard")
    pdf.add_page()
    _header(pdf, report)
    _cards(pdf, report)
    _trend(pdf, report, images.get("trend"))
    _attention(pdf, report)
    _definitions(pdf, report)
    pdf.output(str(path))
