"""CSV and XLSX exports: localised headers and codes, dates dd/mm/yyyy, formula-like cells
neutralised (a leading = + - @ would run as a formula in Excel), streamed chunk by chunk."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd

from cchc import fmt, names
from cchc.i18n import label, t

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_575
# columns holding codes, and the codebook section of their labels
CODE_COLUMNS = {
    "channel": "channel",
    "kind": "kind",
    "category": "category",
    "status": "status",
    "inspection_type": "inspection_type",
    "handling": "handling",
    "satisfaction": "satisfaction",
    "unit_level": "level",
    "violation_category": "violation_category",
    "source": "source",
    "due_source": "due_source",
    "error_type": "rejection_type",
    "value": None,
}
BOOL_COLUMNS = ("in_remit", "is_on_time")
# never exported, whatever a query returns
FORBIDDEN = ("citizen_hash", "row_hash")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def for_display(df: pd.DataFrame) -> pd.DataFrame:
    """Rows for the explorer's table: labels, dd/mm/yyyy dates, localised headers; formula-like
    text neutralised like every download (the table's own toolbar exports what is shown)."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]) or col.endswith(("_date", "_on", "_due")):
            out[col] = out[col].map(_csv_cell)
    return prepare(out)


def neutralised(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with formula-like text cells neutralised (for any table a page shows)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def prepare(df: pd.DataFrame, neutralise_text: bool = True) -> pd.DataFrame:
    """Labels for codes, yes/no for flags, formula-like text neutralised, headers localised."""
    out = df.drop(columns=[c for c in FORBIDDEN if c in df.columns]).copy()
    for col, kind in CODE_COLUMNS.items():
        if col in out.columns and kind:
            out[col] = out[col].map(lambda v, k=kind: None if pd.isna(v) else label(k, v))
    for col in BOOL_COLUMNS:
        if col in out.columns:
            out[col] = out[col].map(lambda v: None if pd.isna(v) else (t("common.yes") if v else t("common.no")))
    for col in out.columns if neutralise_text else ():
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out.rename(columns={c: header(c) for c in out.columns})


def header(column: str) -> str:
    text = t(f"col.{column}")
    return column if text == f"col.{column}" else text


def _csv_cell(v: object) -> object:
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, pd.Timestamp | datetime):
        ts = pd.Timestamp(v)
        return fmt.day(ts) if ts == ts.normalize() else fmt.moment(ts)
    if isinstance(v, date):
        return fmt.day(v)
    return v


def csv_bytes(df: pd.DataFrame) -> bytes:
    return csv_from_chunks([df])


def csv_from_chunks(chunks: Iterable[pd.DataFrame]) -> bytes:
    """UTF-8 with BOM so Excel shows Vietnamese correctly."""
    buf = io.StringIO()
    first = True
    for chunk in chunks:
        shown = prepare(chunk)
        for col in shown.columns:
            if pd.api.types.is_datetime64_any_dtype(shown[col]) or shown[col].dtype == object:
                shown[col] = shown[col].map(_csv_cell)
        shown.to_csv(buf, index=False, header=first)
        first = False
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_from_chunks(chunks: Iterable[pd.DataFrame], sheet: str = "data") -> bytes:
    """One sheet, written row by row in constant memory; dates as real dates (dd/mm/yyyy)."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"constant_memory": True, "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF5"})
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy"})
    time_fmt = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    row = 0
    for chunk in chunks:
        shown = prepare(chunk)
        if row == 0:
            for c, name in enumerate(shown.columns):
                ws.write_string(0, c, str(name), bold)
                ws.set_column(c, c, max(10, min(40, len(str(name)) + 2)))
            row = 1
        for values in shown.itertuples(index=False, name=None):
            if row > EXCEL_MAX_ROWS:
                break
            for c, v in enumerate(values):
                _write(ws, row, c, v, date_fmt, time_fmt)
            row += 1
    if row == 0:
        ws.write_string(0, 0, t("common.empty"))
    book.close()
    return buf.getvalue()


def _write(ws, row: int, col: int, v: object, date_fmt, time_fmt) -> None:
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v) or v is pd.NA:
        return
    if isinstance(v, pd.Timestamp | datetime):
        ts = pd.Timestamp(v).to_pydatetime()
        ws.write_datetime(row, col, ts, date_fmt if ts.time() == datetime.min.time() else time_fmt)
    elif isinstance(v, date):
        ws.write_datetime(row, col, datetime.combine(v, datetime.min.time()), date_fmt)
    elif isinstance(v, bool):
        ws.write_boolean(row, col, v)
    elif isinstance(v, int | float):
        ws.write_number(row, col, v)
    elif hasattr(v, "item"):  # numpy scalar
        ws.write(row, col, v.item())
    else:
        ws.write_string(row, col, str(v))


# --- candidates for unannounced inspection (issue 17) ----------------------------------------

CANDIDATE_PCT = ("overdue_rate", "trend")


def candidates_frame(table: pd.DataFrame, inputs: list[str]) -> pd.DataFrame:
    """The ranked candidates (cchc.core.targeting) as the inspection team's list: rank, agency,
    level, score, each input (numbers stay numbers, rates in %), each input's contribution, the
    last inspection and whether it was recent. Headers in the UI language."""
    return pd.DataFrame(
        {
            t("candidates.col_rank"): table["rank"],
            t("col.unit_name"): names.labels(table, style="full") if len(table) else [],
            t("col.unit_level"): [label("level", v) for v in table["unit_level"]],
            t("candidates.col_score"): table["score"].round(1),
            **{
                t(f"candidates.input.{n}") + (" (%)" if n in CANDIDATE_PCT else ""): (
                    (100 * table[n]).round(1) if n in CANDIDATE_PCT else table[n].round(1)
                )
                for n in inputs
            },
            **{
                f"{t('candidates.contribution')}: {t(f'candidates.input.{n}')}": table[f"c_{n}"].round(1)
                for n in inputs
            },
            t("candidates.col_last"): table["last_inspected_on"],
            t("candidates.col_recent"): [t("common.yes") if r else t("common.no") for r in table["recent"]],
        }
    )
