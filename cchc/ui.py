"""Streamlit pieces every page shares: sidebar filters kept in the URL, the page header with
period, filters and data freshness, metric cards with their formula, charts with an empty
state, a download of the numbers behind them and click-through to the agency profile."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import streamlit as st

from cchc import db, fmt, measures, periods, queries
from cchc.filters import (
    CHANNELS,
    INSPECTION_TYPES,
    KINDS,
    LEVELS,
    VIOLATION_CATEGORIES,
    Filters,
)
from cchc.i18n import label, labeller, lang, t
from etl.warehouse import today as province_today

PROFILE_PAGE = "pages/6_ho_so.py"
FILTER_PARAMS = (
    "period",
    "cut",
    "from",
    "to",
    "level",
    "rollup",
    "agencies",
    "channel",
    "kind",
    "category",
    "itype",
    "vcat",
    "lang",
)
# Sidebar widgets, by filter. Their keys carry the language ("f_period.vi"): a widget sends
# back its *displayed* option, so after the language switch the old labels would not match
# and Streamlit would reset the widget. The language-free truth is the Filters object in
# st.session_state["cchc_filters"]; a new language's widgets start from it.
_WIDGETS = ("period", "cut", "range", "level", "rollup", "agencies", "channel", "kind", "category", "itype", "vcat")


def wkey(name: str, lang_: str | None = None) -> str:
    return f"f_{name}.{lang_ or lang()}"


@dataclass(frozen=True)
class Context:
    filters: Filters
    period: periods.Period
    lang: str

    @property
    def period_text(self) -> str:
        return fmt.period_label(self.period, self.lang)


def today() -> date:
    """Today in the province (the server may run on UTC)."""
    return province_today()


# --- URL <-> widgets -----------------------------------------------------------------------


def seed_from_url() -> None:
    """On a session's first run, take the filters and language from the URL (a shared link)."""
    if st.session_state.get("_cchc_seeded"):
        return
    params = {k: st.query_params.get(k) for k in FILTER_PARAMS if k in st.query_params}
    st.session_state["cchc_filters"] = Filters.from_params(params)
    st.session_state["lang"] = "en" if params.get("lang") == "en" else "vi"
    st.session_state["_cchc_seeded"] = True


def _widget_values(f: Filters) -> dict[str, object]:
    start = f.start or today() - timedelta(days=30)
    return {
        "period": f.preset,
        "cut": f.cut,
        "range": (start, f.end or today()),
        "level": f.level or "",
        "rollup": f.rollup,
        "agencies": list(f.agency_ids),
        "channel": list(f.channels),
        "kind": list(f.kinds),
        "category": list(f.categories),
        "itype": list(f.inspection_types),
        "vcat": list(f.violation_categories),
    }


def _prime_widgets() -> None:
    """Give this language's widgets the current filters when they are new (first run, or
    just after the language switch)."""
    current = lang()
    fresh = st.session_state.get("_cchc_widget_lang") != current
    values = _widget_values(st.session_state.get("cchc_filters") or Filters())
    for name in _WIDGETS:
        if fresh or wkey(name) not in st.session_state:
            st.session_state[wkey(name)] = values[name]
    st.session_state["_cchc_widget_lang"] = current


def sync_url(f: Filters) -> None:
    """Write the filters into the URL, leaving page-specific parameters (agency, ...) alone."""
    wanted = f.to_params()
    if lang() == "en":
        wanted["lang"] = "en"
    for key in FILTER_PARAMS:
        if key in st.query_params and key not in wanted:
            del st.query_params[key]
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def filter_params() -> dict[str, str]:
    """The current filter parameters, to carry over when switching pages in code."""
    return {k: st.query_params[k] for k in FILTER_PARAMS if k in st.query_params}


def _keep_known(key: str, options: list[str]) -> None:
    known = set(options)
    st.session_state[key] = [v for v in st.session_state.get(key, []) if v in known]


def sidebar() -> Filters:
    """The global filters, the same on every page."""
    side = st.sidebar
    if st.session_state.get("lang") not in ("vi", "en"):  # the switch was clicked off
        st.session_state["lang"] = "vi"
    side.segmented_control(
        t("sidebar.language"),
        ["vi", "en"],
        key="lang",
        format_func=lambda v: {"vi": "Tiếng Việt", "en": "English"}[v],
        selection_mode="single",
        label_visibility="collapsed",
    )
    _prime_widgets()
    ss = st.session_state
    side.selectbox(t("sidebar.period"), periods.PRESETS, key=wkey("period"), format_func=labeller("period"))
    if ss[wkey("period")] == "custom":
        side.date_input(t("sidebar.range"), key=wkey("range"), format="DD/MM/YYYY")
    side.radio(
        t("sidebar.cut"),
        periods.CUTS,
        key=wkey("cut"),
        horizontal=True,
        format_func=labeller("cut"),
        help=t("sidebar.cut_help"),
    )
    with side.expander(t("sidebar.agencies"), expanded=bool(ss[wkey("agencies")])):
        st.selectbox(
            t("sidebar.level"),
            ["", *LEVELS],
            key=wkey("level"),
            format_func=labeller("level", empty="sidebar.all_levels"),
        )
        st.toggle(t("sidebar.rollup"), key=wkey("rollup"), help=t("sidebar.rollup_help"))
        options = _agency_options(ss[wkey("rollup")], ss[wkey("level")] or None)
        _keep_known(wkey("agencies"), list(options))
        st.multiselect(
            t("sidebar.agency"),
            list(options),
            key=wkey("agencies"),
            format_func=lambda v: options.get(v, v),
            placeholder=t("sidebar.all"),
        )
    with side.expander(t("sidebar.complaints")):
        st.multiselect(
            t("sidebar.channel"),
            CHANNELS,
            key=wkey("channel"),
            format_func=labeller("channel"),
            placeholder=t("sidebar.all"),
        )
        st.multiselect(
            t("sidebar.kind"), KINDS, key=wkey("kind"), format_func=labeller("kind"), placeholder=t("sidebar.all")
        )
        cats = _category_options()
        _keep_known(wkey("category"), cats)
        st.multiselect(
            t("sidebar.category"),
            cats,
            key=wkey("category"),
            format_func=labeller("category"),
            placeholder=t("sidebar.all"),
        )
    with side.expander(t("sidebar.inspections")):
        st.multiselect(
            t("sidebar.itype"),
            INSPECTION_TYPES,
            key=wkey("itype"),
            format_func=labeller("inspection_type"),
            placeholder=t("sidebar.all"),
        )
        st.multiselect(
            t("sidebar.vcat"),
            VIOLATION_CATEGORIES,
            key=wkey("vcat"),
            format_func=labeller("violation_category"),
            placeholder=t("sidebar.all"),
        )
    previous = ss.get("cchc_filters") or Filters()
    rng = ss.get(wkey("range")) or ()
    # a range being picked has one date only: keep the last full one meanwhile
    start, end = (rng[0], rng[1]) if len(rng) == 2 else (previous.start, previous.end)
    preset = ss[wkey("period")]
    f = Filters(
        preset=preset,
        cut=ss[wkey("cut")],
        start=start if preset == "custom" else None,
        end=end if preset == "custom" else None,
        agency_ids=tuple(ss[wkey("agencies")]),
        level=ss[wkey("level")] or None,
        rollup=bool(ss[wkey("rollup")]),
        channels=tuple(ss[wkey("channel")]),
        kinds=tuple(ss[wkey("kind")]),
        categories=tuple(ss[wkey("category")]),
        inspection_types=tuple(ss[wkey("itype")]),
        violation_categories=tuple(ss[wkey("vcat")]),
    )
    ss["cchc_filters"] = f
    return f


def _agency_options(rollup: bool, level: str | None) -> dict[str, str]:
    if not db.exists():
        return {}
    df = queries.unit_options(rollup, level)
    out = {}
    for row in df.itertuples():
        text = f"{row.name} · {label('level', row.level)}"
        if not pd.isna(row.valid_to):
            text += " " + t("sidebar.until", d=fmt.day(row.valid_to))
        out[row.agency_id] = text
    return out


def _category_options() -> list[str]:
    if not db.exists():
        return []
    return list(db.query("categories_present")["category"])


def set_context(f: Filters) -> None:
    st.session_state["cchc_context"] = Context(f, f.period(today()), lang())


def context() -> Context:
    ctx = st.session_state.get("cchc_context")
    if isinstance(ctx, Context) and ctx.lang == lang():
        return ctx
    f = Filters.from_params({k: st.query_params.get(k) for k in st.query_params})
    return Context(f, f.period(today()), lang())


# --- page header ---------------------------------------------------------------------------


def filter_summary(f: Filters) -> str:
    """Short text of the non-period filters, e.g. 'Kênh: Đường dây nóng · Cấp: Xã, phường'."""
    parts = []
    if f.level:
        parts.append(f"{t('sidebar.level')}: {label('level', f.level)}")
    if f.agency_ids:
        names = _agency_options(f.rollup, None)
        shown = [names.get(a, a).split(" · ")[0] for a in f.agency_ids[:3]]
        more = f" +{len(f.agency_ids) - 3}" if len(f.agency_ids) > 3 else ""
        parts.append(f"{t('sidebar.agency')}: {', '.join(shown)}{more}")
    for title, kind, values in (
        ("sidebar.channel", "channel", f.channels),
        ("sidebar.kind", "kind", f.kinds),
        ("sidebar.category", "category", f.categories),
        ("sidebar.itype", "inspection_type", f.inspection_types),
        ("sidebar.vcat", "violation_category", f.violation_categories),
    ):
        if values:
            parts.append(f"{t(title)}: {', '.join(label(kind, v) for v in values)}")
    parts.append(t("sidebar.rollup_on") if f.rollup else t("sidebar.rollup_off"))
    return " · ".join(parts)


def chart_context(ctx: Context, extra: str | None = None) -> str:
    """Chart subtitle: the period and the filters that apply."""
    bits = [ctx.period_text]
    summary = filter_summary(ctx.filters)
    if summary:
        bits.append(summary)
    if extra:
        bits.append(extra)
    return " · ".join(bits)


def header(title_key: str, intro_key: str | None = None) -> Context:
    """Title, period and filters shown, data freshness; stops the page when there is no data."""
    st.title(t(title_key))
    if not db.exists():
        st.error(t("common.no_warehouse", path=str(db.warehouse_path())))
        st.stop()
    ctx = context()
    as_of = db.query("data_as_of").iloc[0]
    st.caption(
        f"**{t('common.period')}:** {ctx.period_text} · {filter_summary(ctx.filters)}  \n"
        + t("common.data_as_of", loaded=fmt.moment(as_of["loaded_at"]), last=fmt.day(as_of["last_received"]))
    )
    if intro_key:
        st.markdown(t(intro_key))
    return ctx


# --- building blocks -----------------------------------------------------------------------


def metric(name: str, rows: pd.DataFrame, container=None) -> None:
    """A card: value now, change against the same period last year (arrow, coloured good/bad)
    and the previous period (caption); the formula as help."""
    m = measures.get(name)
    box = container or st
    cur, prev, ago = (rows.at[p, name] if p in rows.index else None for p in ("current", "previous", "year_ago"))
    yoy = fmt.change(cur, ago, m.unit)
    colour = "off" if m.higher_is_better is None else ("normal" if m.higher_is_better else "inverse")
    help_text = m.formula(lang())
    if m.target is not None:
        help_text += "  \n" + t("common.target_is", v=fmt.value(m.target, m.unit))
    box.metric(
        m.label(lang()),
        fmt.value(cur, m.unit),
        delta=yoy,
        delta_color=colour,
        border=True,
        help=help_text + "  \n" + t("common.delta_help"),
        delta_description=t("common.vs_year_ago_short") if yoy else None,
    )
    mom = fmt.change(cur, prev, m.unit)
    if mom:
        box.caption(f"{_coloured(mom, m.higher_is_better)} {t('common.vs_previous')}")


def _coloured(text: str, higher_is_better: bool | None) -> str:
    if higher_is_better is None or text.startswith("±"):
        return f":gray[{text}]"
    up = text.startswith("+") or text == t("unit.new")
    good = up == higher_is_better
    return f":{'green' if good else 'red'}[{'▲' if up else '▼'} {text}]"


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
    st.download_button(
        t(label_key),
        data=lambda: to_csv_bytes(df),
        file_name=filename,
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
        type="tertiary",
    )


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    from cchc import exports

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
    shown = df[list(columns)].copy()
    for col, kind in (codes or {}).items():
        shown[col] = shown[col].map(lambda v, k=kind: label(k, v))
    shown = _no_nulls(shown).rename(columns=columns)
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
RANKING_COLUMNS = [
    "rank",
    "unit_name",
    "score",
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
    from cchc import ranking

    shown = _no_nulls(df[RANKING_COLUMNS], last=("rank",))  # unranked sort last
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
    column_config = {
        "rank": st.column_config.Column(t("col.rank"), width="small"),
        "unit_name": st.column_config.Column(t("col.unit_name"), width="medium"),
        "score": st.column_config.Column(t("measure_short.score"), help=t("ranking.score_help")),
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


def target(name: str) -> float | None:
    return measures.get(name).target


def profile_options() -> dict[str, str]:
    """Every unit a profile can show: today's units first, then the old ones."""
    current = _agency_options(True, None)
    everything = _agency_options(False, None)
    return {**current, **{k: v for k, v in everything.items() if k not in current}}


def metric_vs_province(name: str, unit_rows: pd.DataFrame, province_rows: pd.DataFrame) -> None:
    """A card for one unit: its value, the difference from the province as a whole, formula."""
    m = measures.get(name)
    cur = unit_rows.at["current", name]
    prov = province_rows.at["current", name]
    diff = None if m.unit == "count" else fmt.change(cur, prov, m.unit)
    colour = "off" if m.higher_is_better is None else ("normal" if m.higher_is_better else "inverse")
    st.metric(
        m.label(lang()),
        fmt.value(cur, m.unit),
        delta=diff,
        delta_color=colour,
        border=True,
        help=m.formula(lang()) + "  \n" + t("profile.delta_help"),
        delta_description=t("profile.vs_province_short") if diff else None,
    )
    notes = []
    if m.unit != "count":
        notes.append(t("profile.province_value", v=fmt.value(prov, m.unit)))
    yoy = fmt.change(cur, unit_rows.at["year_ago", name], m.unit)
    if yoy:
        notes.append(f"{_coloured(yoy, m.higher_is_better)} {t('common.vs_year_ago')}")
    if notes:
        st.caption(" · ".join(notes))


def load_results_frame(results) -> dict[str, pd.DataFrame]:
    """The ETL's per-file results as two frames: one row per file, one per rejected row."""
    summary, rejections = [], []
    for r in results:
        name = Path(str(getattr(r, "file", ""))).name
        summary.append(
            {
                k: getattr(r, k, None)
                for k in (
                    "kind",
                    "rows_in",
                    "rows_loaded",
                    "rows_updated",
                    "rows_unchanged",
                    "rows_rejected",
                    "batch_id",
                )
            }
            | {"file": name}
        )
        for rej in getattr(r, "rejections", None) or []:
            rejections.append(
                {"file": name}
                | {
                    k: getattr(rej, k, None)
                    for k in ("row_number", "column_name", "raw_value", "error_type", "reason_vi", "reason_en")
                }
            )
    columns = ["file", "row_number", "column_name", "raw_value", "error_type", "reason_vi", "reason_en"]
    return {"summary": pd.DataFrame(summary), "rejections": pd.DataFrame(rejections, columns=columns)}


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
