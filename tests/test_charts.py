"""Charts read without hovering: every pie or donut names its slices, a target line says its
value, a monthly chart's subtitle names the months it shows, a title promising N items shows N
or says why not, chart titles fit one line, scatter points are named and their size explained."""

from __future__ import annotations

import inspect
import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from cchc import charts, codebook, fmt
from cchc.i18n import catalogue, t, using


def _pie_builders() -> list[str]:
    """The builders of charts.py whose source draws a pie."""
    return [
        name
        for name, fn in vars(charts).items()
        if inspect.isfunction(fn) and fn.__module__ == charts.__name__ and "go.Pie(" in inspect.getsource(fn)
    ]


def _every_pie() -> list[tuple[str, go.Figure]]:
    """Every pie the code can build: the donut over each palette it is drawn with (kinds on the
    complaints page, remedy states on the inspections page and in the report) and over each
    codebook section, including zero slices and codes the codebook does not know."""
    figs = []
    with using("vi"):
        figs.append(
            (
                "kind",
                charts.donut({"feedback": 60, "petition": 25, "complaint": 10, "denunciation": 5}, "kind", "T", "C"),
            )
        )
        figs.append(
            (
                "remedy",
                charts.donut(
                    {"remedied_on_time": 1, "remedy_late": 0, "remedy_pending": 1},
                    "remedy",
                    "T",
                    "C",
                    centre=("100 %", "đúng hạn"),
                ),
            )
        )
        for section in codebook.sections():
            values = {c: i + 1 for i, c in enumerate(codebook.codes(section))}
            figs.append((section, charts.donut({**values, "fax": 3}, section, "T", "C")))
    return figs


def test_the_donut_is_the_only_pie_builder():
    assert _pie_builders() == ["donut"]


@pytest.mark.parametrize("case", range(len(_every_pie())))
def test_every_slice_of_every_pie_carries_its_name(case):
    palette, fig = _every_pie()[case]
    pies = [tr for tr in fig.data if tr.type == "pie"]
    assert pies
    for pie in pies:
        names = list(pie.labels)
        assert all(isinstance(n, str) and n.strip() for n in names)
        flags = set((pie.textinfo or "").split("+"))
        legend = bool(pie.showlegend is not False and fig.layout.showlegend)
        assert "label" in flags or legend, f"{palette}: slices without a visible name"
        assert pie.textposition in ("outside", "auto", "inside", None)
        # names are labels, never codes (unknown codes are shown as they are)
        section = charts.LABEL_KIND.get(palette, palette)
        if codebook.has_section(section):
            assert not (set(names) & (set(codebook.codes(section)) - {"fax"}))


def test_remedies_donut_shows_the_cards_rate_in_the_centre():
    with using("vi"):
        fig = charts.donut(
            {"remedied_on_time": 1, "remedy_late": 0, "remedy_pending": 1},
            "remedy",
            "T",
            "C",
            centre=("100 %", "đúng hạn"),
        )
    assert [a.text for a in fig.layout.annotations] == ["100 %<br>đúng hạn"]
    assert list(fig.data[0].labels) == [
        t("measure_short.remedied_on_time", "vi"),
        t("measure_short.remedy_pending", "vi"),
    ]
    assert list(fig.data[0].text) == ["1 · 50,0 %", "1 · 50,0 %"]  # no slice for an empty category


def _trend_frame(months: int) -> pd.DataFrame:
    m = pd.date_range("2024-12-01", periods=months, freq="MS")
    return pd.DataFrame(
        {"month": m, "received": range(10, 10 + months), "resolved": 8, "on_time": 6, "on_time_rate": 0.75}
    )


def test_trend_target_line_is_labelled_with_its_value():
    with using("vi"):
        fig = charts.trend(_trend_frame(24), "T", "C", 0.9)
    texts = [a.text for a in fig.layout.annotations]
    assert texts == [f"{t('chart.target', 'vi')} {fmt.percent(0.9)}"]
    assert fig.layout.shapes[0].y0 == pytest.approx(90)
    with using("vi"):
        assert not charts.trend(_trend_frame(24), "T", "C", None).layout.annotations


def test_months_span_names_the_months_shown():
    with using("vi"):
        assert charts.months_span(_trend_frame(24)["month"]) == "24 tháng, 12/2024 – 11/2026"
        assert charts.months_span(_trend_frame(1)["month"]) == "12/2024"
    with using("en"):
        assert charts.months_span(_trend_frame(3)["month"]) == "3 months, 12/2024 – 02/2025"
    assert charts.months_span([]) == ""


@pytest.mark.parametrize("key", ["heatmap", "boxes", "violation_units", "on_time", "attention", "categories"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_top_title_promises_what_it_shows(key, lang):
    with using(lang):
        full = charts.top_title(key, 15, 15)
        fewer = charts.top_title(key, 8, 15)
        more = charts.top_title(key, 20, 15)
    assert re.search(r"\b15\b", full) and not re.search(r"\b8\b", full)
    assert more == full  # never more than asked for
    assert re.findall(r"\d+", fewer) == ["8", "8"], fewer  # the number shown and why: only 8 exist
    assert "15" not in fewer


def _chart_titles() -> list[tuple[str, str, str]]:
    out = []
    fill = {"grain": "tháng", "by": "lĩnh vực", "level": "Sở, ban, ngành", "year": "2026", "n": "25"}
    for key, texts in catalogue().items():
        if key.endswith("_title") and not key.startswith(("app.", "report.", "map.")) or key.startswith("top."):
            for lang, text in texts.items():
                out.append((key, lang, text.format(**fill)))
    return out


@pytest.mark.parametrize("key,lang,text", _chart_titles(), ids=lambda v: str(v)[:40])
def test_chart_titles_fit_one_line(key, lang, text):
    """A title fits a phone's width in one line, so a wide chart never shows a title broken at
    35 characters; the details go in the subtitle."""
    assert len(text) <= charts.TITLE_CHARS, f"{key} ({lang}): {len(text)} > {charts.TITLE_CHARS}"
    fig = charts._layout(go.Figure(), text, "context")
    assert "<br>" not in fig.layout.title.text


def _units(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": [f"xa:{i:05d}" for i in range(n)],
            "unit_name": [f"Xã Số {i}" for i in range(n)],
            "unit_short_name": [f"Số {i}" for i in range(n)],
            "received": [100 - i for i in range(n)],
            "violations": [i % 4 for i in range(n)],
            "inspections": [i % 12 for i in range(n)],
        }
    )


def test_scatter_names_the_busiest_points_and_explains_the_size():
    with using("vi"):
        fig = charts.scatter(_units(30), "T", "C")
    points = fig.data[0]
    named = [x for x in points.text if x]
    assert len(named) == charts.SCATTER_NAMED
    df = _units(30)
    half = charts.SCATTER_NAMED // 2
    most_violations = set(
        df[df["violations"] > 0].sort_values(["violations", "received"], ascending=False)["unit_short_name"][:half]
    )
    assert most_violations <= set(named)
    rest = [u for u in df.sort_values("received", ascending=False)["unit_short_name"] if u not in most_violations]
    assert set(named) == most_violations | set(rest[: charts.SCATTER_NAMED - half])
    assert "text" in points.mode
    assert fig.layout.showlegend and fig.layout.legend.title.text == t("inspections.scatter_size_title", "vi")
    sizes = [tr.name for tr in fig.data[1:]]
    assert sizes == ["1 cuộc", "5 cuộc", "10+ cuộc"]
    with using("vi"):
        few = charts.scatter(_units(4), "T", "C")
    assert [x for x in few.data[0].text] == ["Số 0", "Số 1", "Số 2", "Số 3"]


def test_charts_show_agencies_by_the_one_unambiguous_name():
    df = pd.DataFrame(
        {
            "unit_id": ["huyen:172@pre2025", "xa:05860@2025-07-01"],
            "unit_name": ["Thành phố Phổ Yên (–30/06/2025)", "Phường Phổ Yên"],
            "unit_short_name": ["Phổ Yên (–30/06/2025)", "Phổ Yên"],
            "received": [5, 7],
            "violations": [1, 2],
            "inspections": [1, 1],
            "on_time_rate": [0.5, 0.9],
        }
    )
    want = ["Phổ Yên (thành phố, –30/06/2025)", "Phổ Yên (phường)"]
    with using("vi"):
        bars = charts.bars(df, y="unit_short_name", x="on_time_rate", title="T", context="C", x_title="x", unit="rate")
        scatter = charts.scatter(df, "T", "C")
    assert list(bars.data[0].y) == want
    assert list(scatter.data[0].text) == want
