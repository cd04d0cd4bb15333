"""No raw code reaches a Vietnamese page: every page is rendered (AppTest, the fixture
warehouse) and its texts, tables, widget options and chart texts are searched for the codes of
the codebook (cchc.codebook.raw_codes(): 'attitude', 'unknown-agency', 'ktcv', 'export' ...)
as whole words. A code shown by its label passes; a code shown as it is fails, with where."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from cchc import codebook
from cchc.web import nav
from tests.conftest_pages import signed_in_app

PAGES = [p.path for p in nav.PAGES]
# Texts under these keys of a Plotly figure are drawn (or shown on hover); the rest are settings.
CHART_TEXT_KEYS = {"text", "name", "hovertext", "labels", "ticktext", "x", "y", "texttemplate", "hovertemplate"}
_TAG = re.compile(r"<[^>]+>")
_CODE_SPAN = re.compile(r"`[^`]*`")  # commands and file names, written in code on purpose


def _pattern() -> re.Pattern:
    codes = sorted(codebook.raw_codes(), key=len, reverse=True)
    return re.compile(r"(?<![\w.:@-])(" + "|".join(re.escape(c) for c in codes) + r")(?![\w-])")


def _chart_texts(node, out: list[str], collect: bool = False) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _chart_texts(value, out, collect=key in CHART_TEXT_KEYS or (collect and key == "text"))
    elif isinstance(node, list):
        for item in node:
            _chart_texts(item, out, collect)
    elif isinstance(node, str) and collect:
        out.append(_TAG.sub(" ", node))


def _frame_texts(df: pd.DataFrame) -> list[str]:
    texts = [str(c) for c in df.columns]
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            texts += sorted({v for v in df[col] if isinstance(v, str)})
    return texts


def page_texts(at) -> list[tuple[str, str]]:
    """(where, text) of everything a reader of the page can see."""
    found: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error"):
        for el in getattr(at, kind):
            found.append((kind, _CODE_SPAN.sub(" ", str(el.value or ""))))
    for m in at.metric:
        found += [("metric", str(m.label)), ("metric", str(m.value)), ("metric", str(m.proto.body or ""))]
    for df in at.dataframe:
        value = df.value
        frame = value.data if hasattr(value, "data") else value  # a Styler or a frame
        found += [("table", s) for s in _frame_texts(frame)]
    for kind in ("selectbox", "multiselect", "radio"):
        for w in getattr(at, kind):
            found += [(f"{kind} {w.label}", str(o)) for o in w.options]  # options as drawn
    for chart in at.get("plotly_chart"):
        texts: list[str] = []
        _chart_texts(json.loads(chart.proto.spec), texts)
        found += [("chart", s) for s in texts]
    return found


def open_page(page: str, role: str = "admin"):
    at = signed_in_app(role)
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_no_codebook_code_is_shown_raw(fixture_db, page):
    at = open_page(page)
    assert [e.value for e in at.exception] == []
    texts = page_texts(at)
    assert len(texts) > 5, "the page drew something to check"
    code = _pattern()
    raw = sorted({(where, m.group(1), text[:120]) for where, text in texts for m in code.finditer(text)})
    assert raw == []


def test_the_check_finds_a_raw_code():
    """The same search over a text with a code left raw, and over its labelled form."""
    code = _pattern()
    assert [m.group(1) for m in code.finditer("Nhóm vi phạm: attitude · Nguồn: pakn/ktcv")] == [
        "attitude",
        "pakn",
        "ktcv",
    ]
    assert [m.group(1) for m in code.finditer("Loại lỗi unknown-agency, so:noi-vu, 0-7 ngày")] == ["unknown-agency"]
    assert code.search(codebook.label("violation_category", "attitude")) is None
    out: list[str] = []
    _chart_texts({"data": [{"name": "<b>no_badge</b>", "marker": {"color": "other"}}]}, out)
    assert out == [" no_badge "]
