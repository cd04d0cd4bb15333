"""The report on the demo exports, loaded the way users load them: its complaint numbers equal
pandas straight from the export files (tests/test_crosscheck_demo reads them without etl/ or
cchc/), and no citizen's name, phone, e-mail, address or ID number from the exports is in any
of the three files."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from cchc.core import ALL
from cchc.report import build as report_build
from cchc.report.content import parse_period
from tests.report_files import docx_tables, docx_text, find_table, parse_number, pdf_pages, xlsx_sheets, xlsx_text
from tests.test_crosscheck_demo import CHANNEL, KIND, TODAY, demo, independent  # noqa: F401 - fixtures
from tests.test_demo import complaint_frame

BUILT_AT = datetime(2026, 11, 25, 9, 0)
CODES = {"channel": {v: k for k, v in CHANNEL.items()}, "kind": {v: k for k, v in KIND.items()}}
PERSONAL = ("name", "phone", "email", "address", "id_number")


@pytest.fixture(scope="module")
def reports(demo, tmp_path_factory):  # noqa: F811 - the imported fixture
    db, _ = demo
    mp = pytest.MonkeyPatch()
    mp.setenv("CCHC_DB", str(db))
    out = tmp_path_factory.mktemp("demo_reports")
    built = {}
    for code, cut in (("2026-10", "calendar"), ("2026-11", "official")):
        period = parse_period(code, cut, TODAY)
        built[cut] = report_build.build(period, None, ALL, "vi", out_dir=out, built_at=BUILT_AT)
    yield built
    mp.undo()


def _in(rows: pd.DataFrame, column: str, period) -> pd.Series:
    return rows[column].between(pd.Timestamp(period.start), pd.Timestamp(period.effective_end))


def _by(rows: pd.DataFrame, dimension: str, period) -> dict:
    return rows[_in(rows, "received", period)].groupby(dimension, dropna=False).size().to_dict()


@pytest.mark.parametrize("cut", ["calendar", "official"])
def test_received_by_channel_and_kind_equal_pandas_from_the_export_files(reports, independent, cut):  # noqa: F811 - the imported fixture
    b = reports[cut]
    p = b.report.period
    tables = docx_tables(b.files["docx"])
    sheets = list(xlsx_sheets(b.files["xlsx"]).values())
    for n, dimension in ((1, "channel"), (2, "kind")):
        meta = b.report.tables[dimension]
        now, ago = _by(independent, dimension, p), _by(independent, dimension, p.year_ago())
        assert sum(now.values()) > 100
        word = find_table(tables, [c.header for c in meta.columns])
        excel = sheets[n][4 : 4 + len(meta.rows) + 1]
        assert len(word) - 1 == len(excel) == len(meta.rows) + 1
        for wrow, xrow, row in zip(word[1:-1], excel[:-1], meta.rows, strict=True):
            code = row["_code"]
            assert wrow[0] == xrow[0] == row["label"]
            assert parse_number(wrow[1]) == xrow[1] == now.get(code, 0), (dimension, code)
            assert parse_number(wrow[2]) == xrow[2] == ago.get(code, 0), (dimension, code)
        # the total row: every item once
        assert parse_number(word[-1][1]) == excel[-1][1] == sum(now.values())
        assert parse_number(word[-1][2]) == excel[-1][2] == sum(ago.values())
        assert set(now) <= {r["_code"] for r in meta.rows}


@pytest.mark.parametrize("cut", ["calendar", "official"])
def test_handling_results_equal_pandas_from_the_export_files(reports, independent, cut):  # noqa: F811 - the imported fixture
    b = reports[cut]
    meta = b.report.tables["handling"]
    word = find_table(docx_tables(b.files["docx"]), [c.header for c in meta.columns])
    excel = list(xlsx_sheets(b.files["xlsx"]).values())[4][4 : 4 + len(meta.rows)]
    rows = independent
    for k, period in (("current", b.report.period), ("previous", b.report.period.previous())):
        resolved = rows["in_remit"] & _in(rows, "resolved", period)
        rated = resolved & rows["due"].notna()
        on_time = rated & (rows["resolved"] <= rows["due"])
        late = resolved & (rows["resolved"] > rows["due"])
        days = (rows.loc[resolved, "resolved"] - rows.loc[resolved, "received"]).dt.days
        want = {
            "resolved": int(resolved.sum()),
            "on_time": int(on_time.sum()),
            "resolved_late": int(late.sum()),
            "on_time_rate": on_time.sum() / rated.sum(),
            "median_days": float(days.median()),
        }
        col = [c.key for c in meta.columns].index(k)
        for i, row in enumerate(meta.rows):
            name = row["_code"]
            if name not in want:
                continue
            got_word, got_excel = parse_number(word[1 + i][col]), excel[i][col]
            assert got_excel == pytest.approx(want[name]), (k, name)
            assert got_word == pytest.approx(want[name], abs=0.0005 if name == "on_time_rate" else 0.05), (k, name)


def _file_texts(built) -> dict[str, str]:
    out = {}
    for fmt_, path in built.files.items():
        if fmt_ == "pdf":
            out[fmt_] = "\n".join(pdf_pages(path))
            continue
        with zipfile.ZipFile(path) as z:  # every part, not only what a reader shows
            parts = [z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels"))]
        shown = docx_text(path) if fmt_ == "docx" else xlsx_text(path)
        out[fmt_] = "\n".join([shown, *parts])
    return out


def test_no_personal_value_of_the_exports_is_in_any_file(reports, demo):  # noqa: F811 - the imported fixture
    _, paths = demo
    people = complaint_frame([Path(p) for p in paths], include_update=True)
    values = set()
    for column in PERSONAL:
        if column in people:
            values |= {str(v).strip() for v in people[column].dropna() if len(str(v).strip()) >= 6}
    assert len(values) > 500  # names, phones, e-mails, addresses and ID numbers were read
    for built in reports.values():
        texts = _file_texts(built)
        assert set(texts) == {"docx", "pdf", "xlsx"}
        assert all(built.report.period_text.split(" (")[0] in text for text in texts.values())  # the search reads
        for fmt_, text in texts.items():
            found = sorted(v for v in values if v in text)
            assert found == [], f"{fmt_}: {found[:5]}"
