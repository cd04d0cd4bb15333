"""The global filters in the sidebar, the same on every page, kept in the session and the URL."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from cchc import fmt
from cchc.core import periods
from cchc.core.filters import (
    CHANNELS,
    FIRST_DAY,
    INSPECTION_TYPES,
    KINDS,
    LAST_DAY,
    LEVELS,
    VIOLATION_CATEGORIES,
    Filters,
)
from cchc.i18n import label, labeller, lang, t
from cchc.web import data
from cchc.web.session import today, wkey

# Sidebar widgets, by filter. Their keys carry the language ("f_period.vi"): a widget sends
# back its *displayed* option, so after the language switch the old labels would not match
# and Streamlit would reset the widget. The language-free truth is the Filters object in
# st.session_state["cchc_filters"]; a new language's widgets start from it.
_WIDGETS = ("period", "cut", "range", "level", "rollup", "agencies", "channel", "kind", "category", "itype", "vcat")


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
        side.date_input(
            t("sidebar.range"), key=wkey("range"), format="DD/MM/YYYY", min_value=FIRST_DAY, max_value=LAST_DAY
        )
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
        options = agency_options(ss[wkey("rollup")], ss[wkey("level")] or None)
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


def agency_options(rollup: bool, level: str | None) -> dict[str, str]:
    """Units offered for choice (id -> name · level (until ...)), of the viewer's scope."""
    if not data.exists():
        return {}
    df = data.unit_options(rollup, level)
    out = {}
    for row in df.itertuples():
        text = f"{row.name} · {label('level', row.level)}"
        if not pd.isna(row.valid_to):
            text += " " + t("sidebar.until", d=fmt.day(row.valid_to))
        out[row.agency_id] = text
    return out


def _category_options() -> list[str]:
    if not data.exists():
        return []
    return list(data.categories_present()["category"])


def profile_options() -> dict[str, str]:
    """Every unit a profile can show: today's units first, then the old ones."""
    current = agency_options(True, None)
    everything = agency_options(False, None)
    return {**current, **{k: v for k, v in everything.items() if k not in current}}
