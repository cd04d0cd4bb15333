"""Charts, tables and downloads as every page draws them: an empty state instead of an empty
chart, the numbers behind a chart as CSV, click-through to an agency's profile."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from cchc import exports, fmt, names
from cchc.auth import roles
from cchc.core import measures, ranking
from cchc.i18n import label, lang, t
from cchc.web.page import PROFILE_PAGE
from cchc.web.session import filter_params


def empty_state() -> None:
    st.info(t("common.empty"), icon=":material/filter_alt_off:")


def chart(fig, data: pd.DataFrame | None, key: str, clickable: bool = False) -> None:
    """Draw a figure (or the empty state), with a download of the numbers behind it.
    When `clickable`, clicking a bar or point whose customdata is an agency id opens its profile."""
    if fig is None:
        empty_state()
        return
    config = {"displaylogo": False, "toImageButtonOptions": {"filename": key, "scale": 2}}
    if clickable:
        event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode="points", config=config)
        open_profile_from(event)
    else:
        st.plotly_chart(fig, key=key, config=config)
    if data is not None and not data.empty:
        download_csv(data, f"{key}.csv", key=f"dl_{key}", label_key="common.download_data")


def open_profile_from(event) -> None:
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        agency = point.get("customdata")
        if isinstance(agency, list):
            agency = agency[0] if agency else None
        if agency:
            st.switch_page(PROFILE_PAGE, query_params={**filter_params(), "agency": str(agency)})


def download_csv(df: pd.DataFrame, filename: str, key: str, label_key: str) -> None:
    """The numbers behind a chart or table as CSV (formulas neutralised), for roles that may
    export; each download is audited."""
    from cchc.web import audit, signin

    if not roles.may(signin.role(), "export_summary"):
        return
    st.download_button(
        t(label_key),
        data=audit.audited(lambda: to_csv_bytes(df), "summary", filename, filter_params(), len(df)),
        file_name=filename,
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
        type="tertiary",
    )


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    return exports.csv_bytes(df)


def table(
    df: pd.DataFrame,
    columns: dict[str, str],
    formats: dict[str, str] | None = None,
    codes: dict[str, str] | None = None,
    key: str | None = None,
    height: int | str = "auto",
) -> None:
    """A read-only table with localised headers, code labels and formatted values (numbers
    stay sortable)."""
    if df.empty:
        empty_state()
        return
    shown = names.with_labels(df)[list(columns)].copy()  # agencies by the one unambiguous name
    for col, kind in (codes or {}).items():
        shown[col] = shown[col].map(lambda v, k=kind: label(k, v))
    shown = exports.neutralised(_no_nulls(shown)).rename(columns=columns)
    styler = shown.style
    fmts = {columns[c]: _finite(_formatter(kind)) for c, kind in (formats or {}).items() if c in columns}
    styler = styler.format(fmts or None, na_rep=fmt.DASH)
    st.dataframe(styler, hide_index=True, key=key, width="stretch", height=height if len(df) > 10 else "auto")


def _no_nulls(frame: pd.DataFrame, last: tuple[str, ...] = ()) -> pd.DataFrame:
    """Streamlit draws a null cell as a grey "None" whatever the Styler says: text gets a dash,
    numbers an infinite stand-in (sorted first, or last for `last`) that _finite() shows as a
    dash."""
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if not values.isna().any() or pd.api.types.is_bool_dtype(values):
            continue
        if pd.api.types.is_numeric_dtype(values):
            out[col] = values.astype("float").fillna(math.inf if col in last else -math.inf)
        elif not pd.api.types.is_datetime64_any_dtype(values):
            out[col] = values.astype(object).where(values.notna(), fmt.DASH)
    return out


def _finite(formatter):
    def show(v):
        if isinstance(v, float) and math.isinf(v):
            return fmt.DASH
        return formatter(v)

    return show


def _formatter(kind: str):
    return {
        "count": lambda v: fmt.number(v),
        "rate": lambda v: fmt.percent(v),
        "days": lambda v: fmt.number(v, 1),
        "ratio": lambda v: fmt.number(v, 2),
        "date": fmt.day,
        "moment": fmt.moment,
    }[kind]


_BAND_BG = {
    "green": "background-color: #E3F1E4",
    "amber": "background-color: #FFF3D1",
    "red": "background-color: #FBE0DE",
}
# Rank, name, score and the weakest measure first: what a phone shows without scrolling sideways.
RANKING_COLUMNS = [
    "rank",
    "unit_name",
    "score",
    "weakest",
    "trend",
    "to_be_handled",
    "received",
    "on_time_rate",
    "overdue_rate",
    "satisfied_rate",
    "violations_per_inspection",
    "remedied_on_time_rate",
]


def ranking_table(df: pd.DataFrame, key: str) -> str | None:
    """The ranking table with cells coloured against targets; returns the clicked unit id."""
    frame = names.with_labels(df)
    frame = frame.assign(weakest=[weakest_text(r) for _, r in frame.iterrows()])
    shown = exports.neutralised(_no_nulls(frame[RANKING_COLUMNS], last=("rank",)))  # unranked sort last
    styler = shown.style
    units = {m: measures.get(m).unit for m in ranking.weights()}
    formatters = {
        "rank": fmt.number,
        "score": lambda v: fmt.number(v, 1),
        "to_be_handled": fmt.number,
        "received": fmt.number,
        **{m: (lambda v, u=u: fmt.value(v, u)) for m, u in units.items()},
    }
    styler = styler.format(na_rep=fmt.DASH, formatter={c: _finite(f) for c, f in formatters.items()})
    for m in ranking.weights():
        bands = [_BAND_BG.get(measures.band(s), "") for s in df[f"score_{m}"]]
        styler = styler.apply(lambda _col, b=bands: b, subset=[m])
    styler = styler.apply(lambda _c: [_BAND_BG.get(b, "") for b in df["band"]], subset=["score"])
    # Pixel widths: on a 390 px phone rank, name and score fit beside the selection column and the
    # weakest measure starts on screen; the rank and name stay pinned while the rest scrolls.
    column_config = {
        "rank": st.column_config.Column(t("col.rank"), width=40, pinned=True),
        "unit_name": st.column_config.Column(t("col.unit_name"), width=124, pinned=True),
        "score": st.column_config.Column(t("measure_short.score"), width=60, help=t("ranking.score_help")),
        "weakest": st.column_config.Column(t("report.col_weakest"), width=150, help=t("ranking.weakest_help")),
        "trend": st.column_config.LineChartColumn(t("col.trend_12m"), width="small"),
    }
    for m in ["to_be_handled", "received", *ranking.weights()]:
        column_config[m] = st.column_config.Column(measures.get(m).label(lang()), help=measures.get(m).formula(lang()))
    event = st.dataframe(
        styler,
        hide_index=True,
        width="stretch",
        column_config=column_config,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
    )
    picked = (event or {}).get("selection", {}).get("rows", []) if event else []
    return str(df.iloc[picked[0]]["unit_id"]) if picked else None


def weakest_text(r: pd.Series) -> str:
    """'Tỷ lệ đúng hạn: 62,0 %': the unit's weakest measure (below target, lowest score) and its
    value, or a dash when every measure meets its target."""
    name = r.get("weakest")
    if not isinstance(name, str) or not name:
        return fmt.DASH
    m = measures.get(name)
    return f"{_compact(m.label(lang()))}: {fmt.value(r[name], m.unit)}"


def _compact(label: str) -> str:
    """A rate's name without 'Tỷ lệ' / 'rate' (its value says %): 'Quá hạn: 51,8 %' fits a phone's column."""
    if label.startswith("Tỷ lệ "):
        label = label[len("Tỷ lệ ") :]
    elif label.endswith(" rate"):
        label = label[: -len(" rate")]
    return label[:1].upper() + label[1:]


def localise_uploader(button: str, limit: str) -> None:
    """st.file_uploader's button and size note are English-only: hide them and draw ours."""

    def css_text(text: str) -> str:
        return text.replace("\\", "").replace('"', "'")

    st.html(f"""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"],
[data-testid="stFileUploaderDropzone"] button [data-testid="stIconMaterial"],
[data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button > div::after {{ content: "{css_text(button)}"; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: "{css_text(limit)}"; font-size: 0.85rem; opacity: 0.7; }}
</style>""")
