"""Reading the report's three files back the way a user's software would (python-docx, openpyxl,
pypdf), and the printed numbers back into numbers. Shared by tests/test_report*.py."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from docx import Document
from pypdf import PdfReader

DASH = "—"


def parse_number(text: str) -> float | None:
    """'1.234' -> 1234; '85,7 %' -> 0.857; '3 ngày' / '3,5 days' -> 3.5; '1,33' -> 1.33; '—' -> None."""
    s = text.replace("\u00a0", " ").strip()
    if s in ("", DASH):
        return None
    rate = s.endswith("%")
    s = re.sub(r"\s*(%|ngày|days?)$", "", s).strip()
    if "," in s or ("." in s and re.fullmatch(r"\d{1,3}(\.\d{3})+", s)):
        s = s.replace(".", "").replace(",", ".")  # Vietnamese: thousands '.', decimal ','
    value = float(s)
    return value / 100 if rate else value


def docx_tables(path: Path) -> list[list[list[str]]]:
    """Every table of the document as rows of cell texts."""
    doc = Document(str(path))
    return [[[c.text for c in row.cells] for row in table.rows] for table in doc.tables]


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(parts)


def find_table(tables: list[list[list[str]]], headers: list[str]) -> list[list[str]] | None:
    """The table whose first row is exactly these headers."""
    for table in tables:
        if [h.strip() for h in table[0]] == headers:
            return table
    return None


def xlsx_sheets(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(str(path))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def xlsx_workbook(path: Path):
    return openpyxl.load_workbook(str(path))


def xlsx_text(path: Path) -> str:
    out = []
    for rows in xlsx_sheets(path).values():
        out.extend(str(v) for r in rows for v in r if v is not None)
    return "\n".join(out)


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]
