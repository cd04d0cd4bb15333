"""Exports hold exactly the filtered rows, no personal data, and no live formulas."""

import io
from datetime import date

import pandas as pd
import pytest

from cchc import exports
from cchc.core import ALL, queries
from cchc.core.filters import Filters
from tests.conftest_pages import FORMULA_TEXT, TODAY, complaint_rows


def _filters() -> Filters:
    return Filters(preset="custom", start=date(2000, 1, 1), end=TODAY, channels=("hotline", "email", "app"))


def _wanted_ids() -> set[str]:
    return {r["complaint_id"] for r in complaint_rows() if r["channel"] in ("hotline", "email", "app")}


def test_csv_export_has_exactly_the_filtered_rows(fixture_db):
    f = _filters()
    data = exports.csv_from_chunks(queries.explorer_stream(f, f.period(TODAY), "complaints", scope=ALL))
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    assert set(frame["Mã"]) == _wanted_ids()
    assert len(frame) == len(_wanted_ids())


def test_xlsx_export_has_exactly_the_filtered_rows(fixture_db):
    f = _filters()
    data = exports.xlsx_from_chunks(queries.explorer_stream(f, f.period(TODAY), "complaints", scope=ALL))
    frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
    assert set(frame["Mã"]) == _wanted_ids()


@pytest.mark.parametrize("writer", [exports.csv_from_chunks, exports.xlsx_from_chunks])
def test_export_has_no_personal_data_and_no_denunciation_text(fixture_db, writer):
    f = Filters(preset="custom", start=date(2000, 1, 1), end=TODAY)
    data = writer(queries.explorer_stream(f, f.period(TODAY), "complaints", scope=ALL))
    if writer is exports.xlsx_from_chunks:
        frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
    else:
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    text = frame.to_csv()
    assert not [r["citizen_hash"] for r in complaint_rows() if r["citizen_hash"] in text]
    denounced = frame[frame["Loại"] == "Tố cáo"]
    assert len(denounced) > 0
    assert denounced["Nội dung (đã che thông tin cá nhân)"].isna().all()


def test_formula_like_cells_are_neutralised(fixture_db):
    f = Filters(preset="custom", start=date(2000, 1, 1), end=TODAY)
    data = exports.csv_from_chunks(queries.explorer_stream(f, f.period(TODAY), "complaints", scope=ALL))
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    content = frame["Nội dung (đã che thông tin cá nhân)"].dropna()
    shown = complaint_rows()[7]["kind"] != "denunciation"  # row 7 holds the formula text
    assert ("'" + FORMULA_TEXT in set(content)) == shown
    assert not content.str.startswith(("=", "+", "-", "@")).any()


@pytest.mark.parametrize(
    "value,wanted",
    [
        ("=1+1", "'=1+1"),
        ("+84 9", "'+84 9"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Bình thường", "Bình thường"),
        (12, 12),
        (None, None),
    ],
)
def test_neutralise(value, wanted):
    assert exports.neutralise(value) == wanted


def test_violation_export_neutralises_description(fixture_db):
    f = Filters(preset="custom", start=date(2000, 1, 1), end=TODAY)
    data = exports.xlsx_from_chunks(queries.explorer_stream(f, f.period(TODAY), "violations", scope=ALL))
    frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
    assert not frame["Mô tả vi phạm"].dropna().str.startswith(("=", "+", "-", "@")).any()
