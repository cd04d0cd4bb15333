"""Plotly figure builders. Each takes an aggregated frame and returns a figure, or None when
there is nothing to draw (the page then shows the empty state). Colours are fixed per code so
a channel, kind or category looks the same on every page; hover texts are pre-formatted in the
UI language. Text that comes from data (unit names, open categories, codes) is HTML-escaped on
the way in, so a value holding <a href>, <b> or <br> is drawn as text, never as markup."""

from __future__ import annotations

import functools
import hashlib
import html
import math
import textwrap
import threading

import pandas as pd
import plotly.graph_objects as go

from cchc import codebook, fmt
from cchc.core import measures
from cchc.i18n import label, lang, t
from cchc.names import labels as unit_labels

# What fits a 390 px phone at the title's and subtitle's font sizes. The catalogue's chart
# titles are at most TITLE_CHARS long (tests/test_charts.py), so a title is one line on a phone
# and in a wide chart alike; details (how many, which months) go in the subtitle, which wraps.
TITLE_CHARS, SUBTITLE_CHARS = 40, 56
GOOD, AMBER, BAD, NEUTRAL = "#2E7D32", "#F2A900", "#C62828", "#8C96A0"
ACCENT = "#2B6CB0"
PROVINCE = "#8C96A0"

# Colours per code: the codebook's for its sections (channel, kind, category, inspection_type,
# violation_category, deadline_state ...), plus two palettes of states that are not codes.
PALETTES: dict[str, dict[str, str]] = {
    **{section: codebook.colours(section) for section in codebook.sections()},
    "deadline": codebook.colours("deadline_state"),  # old name of deadline_state
    "remedy": {"remedied_on_time": GOOD, "remedy_late": BAD, "remedy_pending": AMBER},
    "band": {"green": GOOD, "amber": AMBER, "red": BAD},
}
_FALLBACK = [
    "#4C78A8",
    "#F58518",
    "#54A24B",
    "#E45756",
    "#72B7B2",
    "#B279A2",
    "#9D755D",
    "#EECA3B",
    "#FF9DA6",
    "#BAB0AC",
]
# label section for each palette: the codebook section of the same name, else these
LABEL_KIND = {
    **{section: section for section in codebook.sections()},
    "deadline": "deadline_state",
    "remedy": "measure_short",
}


def color(palette: str, code: object) -> str:
    known = PALETTES.get(palette, {})
    if code in known:
        return known[code]
    digest = hashlib.md5(str(code).encode("utf-8")).digest()[0]  # stable across runs
    return _FALLBACK[digest % len(_FALLBACK)]


def _groups(df: pd.DataFrame, palette: str) -> list[tuple[object, pd.DataFrame]]:
    """Rows per `value` code, in the codebook's order for the palette's section (codes it does
    not know follow, in the order they come)."""
    section = LABEL_KIND.get(palette, palette)
    rank = {c: i for i, c in enumerate(codebook.codes(section))} if codebook.has_section(section) else {}
    groups = list(df.groupby("value", sort=False))
    return sorted(groups, key=lambda g: rank.get(g[0], len(rank)))


SCATTER_NAMED = 8  # points of the complaints/violations scatter named beside the point


def target_text(target: float, unit: str = "rate") -> str:
    """The label of a target line: 'Chỉ tiêu 90 %'."""
    return f"{t('chart.target')} {fmt.value(target, unit)}"


def months_span(months) -> str:
    """What a monthly chart spans: '24 tháng, 12/2024 – 11/2026' (one month: '11/2026')."""
    shown = sorted(pd.to_datetime(pd.Series(list(months))).dropna().unique())
    if not shown:
        return ""
    if len(shown) == 1:
        return fmt.month(shown[0])
    return t("chart.months_span", n=len(shown), first=fmt.month(shown[0]), last=fmt.month(shown[-1]))


def top_title(key: str, shown: int, wanted: int, **values: object) -> str:
    """A title (or subtitle part) that promises as many items as it shows: the catalogue's
    `top.<key>.all` ('20 cơ quan tiếp nhận nhiều nhất') when `wanted` are shown, else
    `top.<key>.fewer` ('8 cơ quan (chỉ có 8 cơ quan có phản ánh)')."""
    which = "all" if shown >= wanted else "fewer"
    return t(f"top.{key}.{which}", n=fmt.number(min(shown, wanted) if which == "all" else shown), **values)


def band_colours(bands) -> list[str]:
    """Bar colours for green / amber / red bands (neutral where there is no band)."""
    return [PALETTES["band"].get(b, NEUTRAL) for b in bands]


def _layout(
    fig: go.Figure, title: str, context: str, x_title: str | None = None, y_title: str | None = None, height: int = 420
) -> go.Figure:
    """Title and subtitle (what and when), separators of the UI language, and the legend at
    the bottom of the figure with room kept for it, so it never covers the x axis's title
    however the ticks wrap on a phone."""
    items = sum(
        (len(tr.labels or ()) if tr.showlegend else 0) if tr.type == "pie" else 1
        for tr in fig.data
        if tr.type == "pie" or (tr.showlegend is not False and tr.name)
    )
    legend_rows = 0 if items < 2 else math.ceil(items / 2)
    # Plotly does not wrap titles: break them so they fit a phone (390 px) as well.
    title_lines = textwrap.wrap(title, TITLE_CHARS) or [""]
    context_lines = textwrap.wrap(context, SUBTITLE_CHARS) or [""]
    top = 48 + 24 * len(title_lines) + 19 * len(context_lines)
    fig.update_layout(
        title={
            # ' <br>': the title still reads as one sentence once tags are stripped
            "text": " <br>".join(title_lines),
            "subtitle": {"text": " <br>".join(context_lines)},
            "x": 0,
            "xanchor": "left",
        },
        separators=fmt.separators(),
        height=height + 22 * legend_rows + top - 80,
        margin={"l": 10, "r": 10, "t": top, "b": 20 + 22 * legend_rows + (60 if legend_rows else 0)},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "title": None},
        showlegend=legend_rows > 0,
        hoverlabel={"align": "left"},
        font={"family": "Inter, 'Segoe UI', Roboto, Arial, sans-serif"},
    )
    if x_title is not None:
        fig.update_layout(xaxis_title=x_title)
    if y_title is not None:
        fig.update_layout(yaxis_title=y_title)
    return fig


def _pct_axis() -> dict:
    """Axis settings for rates drawn as 0-100: '85 %' in Vietnamese, '85%' in English."""
    return {"ticksuffix": " %" if lang() == "vi" else "%", "tickformat": ",.0f"}


def _month_axis(fig: go.Figure, grain: str = "month") -> None:
    fig.update_xaxes(tickformat="%d/%m/%Y" if grain in ("day", "week") else "%m/%Y")


def _escape_text(value: object) -> object:
    return html.escape(value, quote=False) if isinstance(value, str) else value


_INSIDE = threading.local()


def _safe_text(builder):
    """Escape the text of a builder's data (frame cells, dict keys, string arguments) once, at
    the outermost builder: one builder calling another passes on markup of its own."""

    @functools.wraps(builder)
    def wrapper(*args, **kwargs):
        if getattr(_INSIDE, "depth", 0):
            return builder(*args, **kwargs)

        def clean(v):
            if isinstance(v, pd.DataFrame):
                out = v.copy()
                for col in out.columns:
                    if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
                        out[col] = out[col].map(_escape_text)
                return out
            if isinstance(v, dict):
                return {_escape_text(k): x for k, x in v.items()}
            return _escape_text(v)

        _INSIDE.depth = 1
        try:
            return builder(*[clean(a) for a in args], **{k: clean(v) for k, v in kwargs.items()})
        finally:
            _INSIDE.depth = 0

    return wrapper


@_safe_text
def stacked_time(
    df: pd.DataFrame, x: str, value_col: str, palette: str, title: str, context: str, y_title: str, grain: str = "month"
) -> go.Figure | None:
    """Stacked bars over time, one colour per code in column `value`."""
    if df.empty or df[value_col].sum() == 0:
        return None
    fig = go.Figure()
    kind = LABEL_KIND.get(palette, palette)
    for code, part in _groups(df, palette):
        name = label(kind, code)
        when = part[x].map(fmt.day if grain in ("day", "week") else fmt.month)
        hover = [f"<b>{name}</b><br>{w}: {fmt.number(v)}" for w, v in zip(when, part[value_col], strict=True)]
        fig.add_bar(
            x=part[x],
            y=part[value_col],
            name=name,
            marker_color=color(palette, code),
            hovertext=hover,
            hoverinfo="text",
        )
    fig.update_layout(barmode="stack")
    _month_axis(fig, grain)
    return _layout(fig, title, context, t("axis.time"), y_title)


@_safe_text
def share_area(df: pd.DataFrame, palette: str, title: str, context: str) -> go.Figure | None:
    """100 % stacked areas per month: each code's share (column `share`)."""
    if df.empty:
        return None
    fig = go.Figure()
    kind = LABEL_KIND.get(palette, palette)
    for code, part in _groups(df, palette):
        name = label(kind, code)
        hover = [
            f"<b>{name}</b><br>{fmt.month(m)}: {fmt.percent(s)} ({fmt.number(n)})"
            for m, s, n in zip(part["month"], part["share"], part["received"], strict=True)
        ]
        fig.add_scatter(
            x=part["month"],
            y=100 * part["share"],
            name=name,
            stackgroup="one",
            mode="lines",
            line={"width": 0.5, "color": color(palette, code)},
            hovertext=hover,
            hoverinfo="text",
        )
    fig.update_yaxes(range=[0, 100], **_pct_axis())
    _month_axis(fig)
    return _layout(fig, title, context, t("axis.month"), t("axis.share_pct"))


@_safe_text
def bars(
    df: pd.DataFrame,
    y: str,
    x: str,
    title: str,
    context: str,
    x_title: str,
    palette: str | None = None,
    code_col: str | None = None,
    colors: list[str] | None = None,
    hover: list[str] | None = None,
    ids: list[str] | None = None,
    text: list[str] | None = None,
    target: float | None = None,
    unit: str = "count",
    label_kind: str | None = None,
) -> go.Figure | None:
    """Horizontal bars, first row on top. `label_kind` turns codes in `y` into labels;
    `ids` (agency ids) make bars clickable; `unit` formats the axis and default hover."""
    if df.empty:
        return None
    if label_kind:
        names = [label(label_kind, v) for v in df[y]]
    elif y in ("unit_name", "unit_short_name") and "unit_name" in df.columns:
        names = unit_labels(df)  # agencies by the one unambiguous name (cchc.names)
    else:
        names = list(df[y])
    if colors is None:
        colors = [color(palette, c) for c in df[code_col]] if palette and code_col else ACCENT
    if hover is None:
        hover = [f"{n}: {fmt.value(v, unit)}" for n, v in zip(names, df[x], strict=True)]
    scale = 100 if unit == "rate" else 1  # rates are drawn 0-100 with a ' %' suffix
    fig = go.Figure(
        go.Bar(
            x=scale * df[x],
            y=names,
            orientation="h",
            marker_color=colors,
            hovertext=hover,
            hoverinfo="text",
            customdata=ids,
            text=text,
            textposition="auto" if text else None,
        )
    )
    if target is not None:
        fig.add_vline(
            x=scale * target,
            line_dash="dash",
            line_color=BAD,
            annotation_text=target_text(target, unit),
            annotation_position="top left",  # ends at the line: a target near the right edge stays inside
        )
    fig.update_yaxes(autorange="reversed", automargin=True, type="category")
    if unit == "rate":
        fig.update_xaxes(range=[0, 105], **_pct_axis())
    elif unit == "count" and df[x].max() <= 10:
        fig.update_xaxes(dtick=1, tickformat=",d")
    height = max(320, 110 + 30 * len(df))
    return _layout(fig, title, context, x_title, None, height=height)


@_safe_text
def trend(df: pd.DataFrame, title: str, context: str, target: float | None) -> go.Figure | None:
    """Monthly received (bars) and on-time rate (line, right axis)."""
    if df.empty or (df["received"].sum() == 0 and df["resolved"].sum() == 0):
        return None
    rec_name, rate_name = t("measure_short.received"), t("measure_short.on_time_rate")
    fig = go.Figure()
    fig.add_bar(
        x=df["month"],
        y=df["received"],
        name=rec_name,
        marker_color="#A7C4E5",
        hovertext=[
            f"{fmt.month(m)}<br>{rec_name}: {fmt.number(v)}" for m, v in zip(df["month"], df["received"], strict=True)
        ],
        hoverinfo="text",
    )
    fig.add_scatter(
        x=df["month"],
        y=100 * df["on_time_rate"],
        name=rate_name,
        yaxis="y2",
        mode="lines+markers",
        line={"color": ACCENT, "width": 2.5},
        hovertext=[
            f"{fmt.month(m)}<br>{rate_name}: {fmt.percent(r)} ({fmt.number(n)} / {fmt.number(s)})"
            for m, r, n, s in zip(df["month"], df["on_time_rate"], df["on_time"], df["resolved"], strict=True)
        ],
        hoverinfo="text",
    )
    if target is not None:
        fig.add_hline(
            y=100 * target,
            yref="y2",
            line_dash="dash",
            line_color=BAD,
            annotation_text=target_text(target),
            annotation_position="top left",
            annotation_font_color=BAD,
        )
    fig.update_layout(
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 105],
            "dtick": 20,
            "title": t("axis.rate_pct"),
            "showgrid": False,
            **_pct_axis(),
        }
    )
    _month_axis(fig)
    return _layout(fig, title, context, t("axis.month"), t("axis.items"))


@_safe_text
def compare_lines(df: pd.DataFrame, title: str, context: str, unit_name: str, target: float | None) -> go.Figure | None:
    """On-time rate per month: one unit against the province (columns rate, province_rate)."""
    if df.empty or df[["rate", "province_rate"]].isna().all().all():
        return None
    fig = go.Figure()
    for col, name, colour, dash in (
        ("province_rate", t("common.province"), PROVINCE, "dot"),
        ("rate", unit_name, ACCENT, "solid"),
    ):
        fig.add_scatter(
            x=df["month"],
            y=100 * df[col],
            name=name,
            mode="lines+markers",
            line={"color": colour, "dash": dash, "width": 2.5},
            hovertext=[
                f"{name}<br>{fmt.month(m)}: {fmt.percent(v)}" for m, v in zip(df["month"], df[col], strict=True)
            ],
            hoverinfo="text",
        )
    if target is not None:
        fig.add_hline(
            y=100 * target,
            line_dash="dash",
            line_color=BAD,
            annotation_text=target_text(target),
            annotation_position="bottom right",
            annotation_font_color=BAD,
        )
    fig.update_yaxes(range=[0, 105], dtick=20, **_pct_axis())
    _month_axis(fig)
    return _layout(fig, title, context, t("axis.month"), t("axis.rate_pct"))


@_safe_text
def heatmap(df: pd.DataFrame, title: str, context: str) -> go.Figure | None:
    """Units (rows) × months (columns), received counts."""
    if df.empty:
        return None
    df = df.assign(unit_name=unit_labels(df))
    grid = df.pivot_table(
        index="unit_name", columns="month", values="received", aggfunc="sum", fill_value=0, sort=False
    )
    months = [fmt.month(m) for m in grid.columns]
    hover = [
        [f"<b>{u}</b><br>{m}: {fmt.number(v)}" for m, v in zip(months, row, strict=True)]
        for u, row in zip(grid.index, grid.values, strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=grid.values,
            x=months,
            y=list(grid.index),
            colorscale="Blues",
            hovertext=hover,
            hoverinfo="text",
            colorbar={"title": t("axis.items_short")},
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    # slanted month labels, every other one when there are many: they never run into each other
    fig.update_xaxes(type="category", tickangle=-45, dtick=2 if len(months) > 12 else 1)
    return _layout(fig, title, context, t("axis.month"), None, height=max(360, 120 + 26 * len(grid)))


@_safe_text
def boxes(df: pd.DataFrame, title: str, context: str, x_title: str) -> go.Figure | None:
    """Precomputed box plots per unit: whiskers min..p90, box q1..q3, line at the median."""
    if df.empty:
        return None
    df = df.assign(unit_name=unit_labels(df))
    hover = [
        f"<b>{u}</b><br>{t('stat.n')}: {fmt.number(n)}<br>{t('stat.median')}: {fmt.number(md, 1)}"
        f"<br>{t('stat.q1_q3')}: {fmt.number(a, 1)} – {fmt.number(b, 1)}"
        f"<br>{t('stat.p90')}: {fmt.number(p, 1)}<br>{t('stat.max')}: {fmt.number(mx)}"
        for u, n, md, a, b, p, mx in zip(
            df["unit_name"], df["resolved"], df["median"], df["q1"], df["q3"], df["p90"], df["max_days"], strict=True
        )
    ]
    fig = go.Figure(
        go.Box(
            y=df["unit_name"],
            q1=df["q1"],
            median=df["median"],
            q3=df["q3"],
            lowerfence=df["min_days"],
            upperfence=df["p90"],
            orientation="h",
            marker_color=ACCENT,
            fillcolor="#D6E4F3",
            hovertext=hover,
            hoverinfo="text",
            name="",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(showlegend=False)
    return _layout(fig, title, context, x_title, None, height=max(360, 120 + 30 * len(df)))


@_safe_text
def columns(
    df: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    context: str,
    x_title: str,
    y_title: str,
    hover: list[str] | None = None,
    palette: str | None = None,
    code_col: str | None = None,
) -> go.Figure | None:
    """Vertical bars (one per row of df)."""
    if df.empty or df[y].sum() == 0:
        return None
    if hover is None:
        hover = [f"{a}: {fmt.number(b)}" for a, b in zip(df[x], df[y], strict=True)]
    colors = [color(palette, c) for c in df[code_col]] if palette and code_col else ACCENT
    fig = go.Figure(go.Bar(x=df[x], y=df[y], marker_color=colors, hovertext=hover, hoverinfo="text"))
    fig.update_xaxes(type="category")
    return _layout(fig, title, context, x_title, y_title, height=380)


@_safe_text
def stacked_columns(
    df: pd.DataFrame,
    x: str,
    x_labels: dict,
    palette: str,
    title: str,
    context: str,
    x_title: str,
    y_title: str,
    order: list[str],
) -> go.Figure | None:
    """Stacked vertical bars: x categories in `order`, one colour per `value` code."""
    if df.empty or df["items"].sum() == 0:
        return None
    fig = go.Figure()
    kind = LABEL_KIND.get(palette, palette)
    for code, part in _groups(df, palette):
        name = label(kind, code)
        xs = [x_labels.get(v, v) for v in part[x]]
        fig.add_bar(
            x=xs,
            y=part["items"],
            name=name,
            marker_color=color(palette, code),
            hovertext=[f"<b>{name}</b><br>{a}: {fmt.number(n)}" for a, n in zip(xs, part["items"], strict=True)],
            hoverinfo="text",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=[x_labels.get(v, v) for v in order])
    return _layout(fig, title, context, x_title, y_title, height=400)


@_safe_text
def stacked_units(df: pd.DataFrame, palette: str, title: str, context: str, x_title: str) -> go.Figure | None:
    """Horizontal stacked bars per unit (rows ordered as in df), colour per `value` code;
    the unit id rides in customdata so a click opens the profile."""
    if df.empty:
        return None
    df = df.assign(unit_name=unit_labels(df))
    order = list(dict.fromkeys(df["unit_name"]))
    fig = go.Figure()
    kind = LABEL_KIND.get(palette, palette)
    for code, part in _groups(df, palette):
        name = label(kind, code)
        fig.add_bar(
            y=part["unit_name"],
            x=part["violations"],
            name=name,
            orientation="h",
            marker_color=color(palette, code),
            customdata=part["unit_id"],
            hovertext=[
                f"<b>{u}</b><br>{name}: {fmt.number(n)}"
                for u, n in zip(part["unit_name"], part["violations"], strict=True)
            ],
            hoverinfo="text",
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], automargin=True)
    if df.groupby("unit_name")["violations"].sum().max() <= 10:
        fig.update_xaxes(dtick=1, tickformat=",d")
    return _layout(fig, title, context, x_title, None, height=max(360, 140 + 30 * len(order)))


@_safe_text
def scatter(df: pd.DataFrame, title: str, context: str, named: int = SCATTER_NAMED) -> go.Figure | None:
    """Complaints received against violations found, per unit (size: inspections). The `named`
    units that stand out (most violations, most complaints; all when there are no more) carry
    their name beside the point;
    the legend says what the size is."""
    if df.empty or (df["received"].sum() == 0 and df["violations"].sum() == 0):
        return None
    df = df.assign(unit_name=unit_labels(df)).reset_index(drop=True)
    # the points that stand out: half the names for most complaints, half for most violations
    by_received = df.sort_values(["received", "violations"], ascending=False).index
    by_violations = df[df["violations"] > 0].sort_values(["violations", "received"], ascending=False).index
    top = set(by_violations[: named // 2])
    top |= set([i for i in by_received if i not in top][: named - len(top)])
    text = [u if i in top else "" for i, u in zip(df.index, df["unit_name"], strict=True)]
    hover = [
        f"<b>{u}</b><br>{t('measure_short.received')}: {fmt.number(r)}"
        f"<br>{t('measure_short.violations')}: {fmt.number(v)}"
        f"<br>{t('measure_short.inspections')}: {fmt.number(i)}"
        for u, r, v, i in zip(df["unit_name"], df["received"], df["violations"], df["inspections"], strict=True)
    ]
    size = 10 + 4 * df["inspections"].clip(upper=10)
    fig = go.Figure(
        go.Scatter(
            x=df["received"],
            y=df["violations"],
            mode="markers+text",
            text=text,
            textposition="top center",
            textfont={"size": 11, "color": "#333333"},
            cliponaxis=False,
            customdata=df["unit_id"],
            marker={"size": size, "color": ACCENT, "opacity": 0.7, "line": {"width": 1, "color": "white"}},
            hovertext=hover,
            hoverinfo="text",
            name=t("inspections.scatter_point"),
            showlegend=False,
        )
    )
    # the legend explains the size: one ghost point per size shown (1, 5, 10+ inspections)
    most = int(df["inspections"].max())
    for n in sorted({1, 5, 10, min(most, 10)} & set(range(1, most + 1))) or [1]:
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"size": 10 + 4 * min(n, 10), "color": ACCENT, "opacity": 0.7},
            name=t("inspections.scatter_size", n=fmt.number(n) + ("+" if n >= 10 else "")),
            hoverinfo="skip",
        )
    if df["violations"].max() <= 10:
        fig.update_yaxes(dtick=1, tickformat=",d")
    fig = _layout(fig, title, context, t("axis.complaints_received"), t("axis.violations"))
    fig.update_layout(showlegend=True, legend_title_text=t("inspections.scatter_size_title"))
    return fig


@_safe_text
def donut(
    values: dict[str, float], palette: str, title: str, context: str, centre: tuple[str, ...] | None = None
) -> go.Figure | None:
    """Shares of a whole: each slice carries its category's name, count and share (readable
    without hovering, on paper too; an empty category draws no slice); `centre` is lines of
    text written in the hole."""
    if sum(values.values()) == 0:
        return None
    values = {k: v for k, v in values.items() if v}
    kind = LABEL_KIND.get(palette, palette)
    total = sum(values.values())
    labels_ = [label(kind, k) for k in values]
    shares = [f"{fmt.number(v)} · {fmt.percent(v / total)}" if v else "" for v in values.values()]
    fig = go.Figure(
        go.Pie(
            labels=labels_,
            values=list(values.values()),
            hole=0.5,
            sort=False,
            marker={"colors": [color(palette, k) for k in values]},
            text=shares,
            textinfo="label+text",
            textposition="outside",
            automargin=True,
            showlegend=False,
            hoverinfo="text",
            hovertext=[f"{n}: {s}" for n, s in zip(labels_, shares, strict=True)],
        )
    )
    if centre:
        fig.add_annotation(
            text="<br>".join(_escape_text(c) for c in centre),
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            showarrow=False,
            font={"size": 14},
        )
    return _layout(fig, title, context, height=400)


@_safe_text
def attention(df: pd.DataFrame, title: str, context: str) -> go.Figure | None:
    """Units needing attention: composite score bars coloured by band, each labelled with the
    unit and its weakest measure; clicking opens the unit's profile."""
    if df.empty:
        return None
    reasons = []
    for r in df.itertuples():
        if r.weakest:
            m = measures.get(r.weakest)
            reasons.append(t("overview.reason", what=m.label(lang()), value=fmt.value(getattr(r, r.weakest), m.unit)))
        else:
            reasons.append(t("overview.reason_none"))
    shown_names = unit_labels(df)
    hover = [
        f"<b>{u}</b> ({label('level', r.unit_level)})<br>"
        f"{t('measure_short.score')}: {fmt.number(r.score, 1)}<br>"
        f"{t('measure_short.to_be_handled')}: {fmt.number(r.to_be_handled)}<br>"
        f"{t('measure_short.on_time_rate')}: {fmt.percent(r.on_time_rate)}<br>"
        f"{t('measure_short.overdue')}: {fmt.number(r.overdue)}<br>"
        f"{t('measure_short.violations')}: {fmt.number(r.violations)}<br>{why}"
        for r, u, why in zip(df.itertuples(), shown_names, reasons, strict=True)
    ]
    shown = df.assign(
        tick=[
            f"<b>{n}</b><br><span style='font-size:11px'>{why}</span>"
            for n, why in zip(unit_labels(df), reasons, strict=True)
        ]
    )
    fig = bars(
        shown,
        y="tick",
        x="score",
        title=title,
        context=context,
        x_title=t("axis.score"),
        colors=band_colours(df["band"]),
        hover=hover,
        ids=list(df["unit_id"]),
        unit="score",
        text=[fmt.number(v, 1) for v in df["score"]],
    )
    fig.update_traces(textposition="inside", insidetextanchor="end")
    fig.update_xaxes(range=[0, 100])
    fig.update_layout(height=max(360, 120 + 46 * len(df)))
    return fig


# --- where and whom to inspect (issue 17) --------------------------------------------------

NO_DATA = "#EEF1F4"  # units without a value (outside the filters)
BELOW_MIN = "#C3C9D1"  # units below the minimum volume: grey, never coloured as 0 % or 100 %
# Sequential scales: bad is dark red, good is green; volumes in blues.
_SCALES = {
    True: [[0, "#C62828"], [0.5, "#F2C14E"], [1, "#2E7D32"]],
    False: [[0, "#FFF3D1"], [0.5, "#F58518"], [1, "#9B1C1C"]],
    None: [[0, "#DCEAF7"], [1, "#1F4E79"]],
}


def _map_value(v: object, unit: str, per_capita: bool) -> str:
    if per_capita:
        return fmt.number(v, 1)
    return fmt.value(v, unit)


def choropleth(
    df: pd.DataFrame,
    geojson: dict,
    measure: str,
    title: str,
    context: str,
    period_text: str,
    height: int = 700,
    small: bool = False,
) -> go.Figure | None:
    """Communes and wards coloured by one measure (cchc.core.places.map_frame), on Plotly's
    tile-free geo map (no base map, no network): the GeoJSON's own polygons, fitted to them.
    Units below the minimum volume are grey and say so; clicking a unit opens its profile
    (customdata = agency id)."""
    places_ = df[df["unit_level"] == "commune"]
    if places_.empty:
        return None
    m = measures.get(measure)
    per_capita = bool(places_["per_capita"].any())
    what = m.label(lang()) + (f" / {fmt.number(10_000)} {t('map.people')}" if per_capita else "")
    n_label = t("map.count_behind", what=measures.get(_count_name(measure)).label(lang()))

    def hover(r) -> str:
        lines = [f"<b>{r.unit_name}</b>"]
        if r.below_min:
            lines.append(t("map.below_min", n=fmt.number(r.to_be_handled), min=fmt.number(_min_volume())))
            lines.append(f"{m.label(lang())}: {fmt.value(r.value, m.unit)}")
        else:
            lines.append(f"{what}: {_map_value(r.shown, m.unit, per_capita)}")
        lines.append(f"{n_label}: {fmt.number(r.count)}")
        if not pd.isna(r.population):
            lines.append(f"{t('map.population')}: {fmt.number(r.population)}")
        lines.append(period_text)
        return "<br>".join(lines)

    codes_all = [f["id"] for f in geojson["features"]]
    fig = go.Figure()
    # every unit, as an outline: the province is always whole
    fig.add_choropleth(
        geojson=geojson,
        locations=codes_all,
        z=[0] * len(codes_all),
        colorscale=[[0, NO_DATA], [1, NO_DATA]],
        showscale=False,
        marker_line_color="white",
        marker_line_width=0.6,
        hoverinfo="skip",
        name=t("map.no_data"),
    )
    grey = places_[places_["shown"].isna()]
    if not grey.empty:
        fig.add_choropleth(
            geojson=geojson,
            locations=list(grey["code"]),
            z=[0] * len(grey),
            colorscale=[[0, BELOW_MIN], [1, BELOW_MIN]],
            showscale=False,
            marker_line_color="white",
            marker_line_width=0.6,
            customdata=list(grey["unit_id"]),
            hovertext=[hover(r) for r in grey.itertuples()],
            hoverinfo="text",
            name=t("map.grey"),
        )
    shown = places_[places_["shown"].notna()]
    if not shown.empty:
        scale = 100 if (m.unit == "rate" and not per_capita) else 1
        z = scale * shown["shown"].astype(float)
        bar = {
            "orientation": "h",
            "thickness": 10,
            "len": 0.9,
            "x": 0.5,
            "xanchor": "center",
            "y": -0.02,
            "yanchor": "top",
            "title": {"text": what, "side": "top", "font": {"size": 11}},
        }
        if scale == 100:
            bar.update(_pct_axis())
        fig.add_choropleth(
            geojson=geojson,
            locations=list(shown["code"]),
            z=z,
            zmin=0 if m.unit == "rate" else float(z.min()),
            # one outlier must not leave every other unit the palest colour: the scale stops at
            # the 95th percentile (units above it take the darkest colour; the hover has the value)
            zmax=100 if m.unit == "rate" and scale == 100 else _upper(z),
            colorscale=_SCALES[m.higher_is_better],
            marker_line_color="white",
            marker_line_width=0.6,
            customdata=list(shown["unit_id"]),
            hovertext=[hover(r) for r in shown.itertuples()],
            hoverinfo="text",
            colorbar=bar,
            showscale=True,
            name=what,
        )
    # Fitted to the polygons: lon/lat ranges from the GeoJSON's own bounds. (Plotly's fitbounds
    # frames a square, which leaves the tall province at half the width of a phone.)
    (x0, x1), (y0, y1) = _bounds(geojson)
    pad = 0.01 * max(x1 - x0, y1 - y0)
    fig.update_geos(
        fitbounds=False,
        lonaxis_range=[x0 - pad, x1 + pad],
        lataxis_range=[y0 - pad, y1 + pad],
        visible=False,
        projection_type="mercator",
        bgcolor="rgba(0,0,0,0)",
    )
    fig = _layout(fig, title, context, height=height)
    fig.update_layout(
        showlegend=False,
        dragmode=False,
        margin={"l": 0, "r": 0, "t": fig.layout.margin.t, "b": 60 if small else 70},
    )
    return fig


def _bounds(geojson: dict) -> tuple[tuple[float, float], tuple[float, float]]:
    """(lon min, lon max), (lat min, lat max) of every ring."""
    xs, ys = [], []
    for f in geojson["features"]:
        g = f["geometry"]
        for poly in [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]:
            for ring in poly:
                xs += [c[0] for c in ring]
                ys += [c[1] for c in ring]
    return (min(xs), max(xs)), (min(ys), max(ys))


def _upper(z: pd.Series) -> float:
    top = float(z.quantile(0.95))
    return top if top > float(z.min()) else float(z.max())


def _count_name(measure: str) -> str:
    from cchc.core.places import MAP_MEASURES

    return MAP_MEASURES[measure]


def _min_volume() -> int:
    from cchc.core import config

    return config.min_volume()


TARGETING_COLOURS = {
    "conduct_per_1000": "#C62828",
    "overdue_rate": "#F58518",
    "trend": "#EECA3B",
    "last_violations": "#B279A2",
    "remedy_open": "#9D755D",
    "days_since_inspection": "#4C78A8",
}


def targeting_input_value(name: str, v: object) -> str:
    """An input of the candidates' score in its own unit."""
    if name == "overdue_rate":
        return fmt.percent(v)
    if name == "trend":
        return fmt.DASH if fmt._missing(v) else ("+" if float(v) > 0 else "") + fmt.percent(v, 0)
    if name == "conduct_per_1000":
        return fmt.number(v, 1)
    if name == "days_since_inspection":
        return t("unit.days_n", n=fmt.number(v))
    return fmt.number(v)


def contributions(df: pd.DataFrame, inputs: list[str], title: str, context: str) -> go.Figure | None:
    """Candidates for unannounced inspection: one stacked bar per unit, one segment per input's
    contribution to the score; units inspected recently are marked; click opens the profile."""
    if df.empty:
        return None
    ticks = [
        f"<b>{r.rank}. {html.escape(u, quote=False)}</b>"
        + (f" <span style='color:{GOOD}'>✓ {t('candidates.recent_short')}</span>" if r.recent else "")
        for r, u in zip(df.itertuples(), unit_labels(df), strict=True)
    ]
    fig = go.Figure()
    for name in inputs:
        hover = [
            f"<b>{u}</b><br>{t(f'candidates.input.{name}')}: {targeting_input_value(name, v)}"
            f"<br>{t('candidates.contribution')}: {fmt.number(c, 1)} / {fmt.number(s, 1)}"
            for u, v, c, s in zip(
                [html.escape(x, quote=False) for x in unit_labels(df)],
                df[name],
                df[f"c_{name}"],
                df["score"],
                strict=True,
            )
        ]
        fig.add_bar(
            x=df[f"c_{name}"],
            y=ticks,
            orientation="h",
            name=t(f"candidates.input.{name}"),
            marker_color=TARGETING_COLOURS[name],
            hovertext=hover,
            hoverinfo="text",
            customdata=list(df["unit_id"]),
        )
    fig.add_scatter(
        x=df["score"],
        y=ticks,
        mode="text",
        text=[fmt.number(s, 1) for s in df["score"]],
        textposition="middle right",
        hoverinfo="skip",
        showlegend=False,
        cliponaxis=False,
    )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed", automargin=True, type="category")
    fig.update_xaxes(range=[0, max(100.0, float(df["score"].max()) * 1.12)])
    return _layout(fig, title, context, t("candidates.axis"), None, height=max(360, 110 + 34 * len(df)))


def plan_quarters(df: pd.DataFrame, title: str, context: str) -> go.Figure | None:
    """Planned inspections per quarter by outcome (done on time, done late, overdue, not yet due),
    with the unplanned inspections of the quarter beside them."""
    if df.empty or df[["planned", "unplanned"]].to_numpy().sum() == 0:
        return None
    fig = go.Figure()
    x = [f"{t('plan.quarter_short')} {fmt.ROMAN[int(q)]}" for q in df["quarter"]]
    for state in ("done_on_time", "done_late", "overdue", "pending"):
        fig.add_bar(
            x=x,
            y=df[state],
            name=label("plan_status", state),
            marker_color=color("plan_status", state),
            offsetgroup="plan",
            hovertext=[f"{label('plan_status', state)}: {fmt.number(v)}" for v in df[state]],
            hoverinfo="text",
        )
    fig.add_bar(
        x=x,
        y=df["unplanned"],
        name=label("plan_status", "unplanned"),
        marker_color=color("plan_status", "unplanned"),
        offsetgroup="unplanned",
        hovertext=[f"{label('plan_status', 'unplanned')}: {fmt.number(v)}" for v in df["unplanned"]],
        hoverinfo="text",
    )
    fig.update_layout(barmode="stack")
    if df[["planned", "unplanned"]].to_numpy().max() <= 10:
        fig.update_yaxes(dtick=1, tickformat=",d")
    return _layout(fig, title, context, t("plan.axis_quarter"), t("axis.inspections"))
