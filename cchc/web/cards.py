"""Headline cards drawn with st.metric, from the pure card logic in cchc/cards.py."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cchc import cards, fmt
from cchc.core import measures
from cchc.i18n import lang, t
from cchc.web import style

_ARROW = {"up": "▲", "down": "▼", "flat": "●"}
_COLOUR = {"good": "green", "bad": "red", "neutral": "gray"}
# st.metric colours a delta by its sign; the card logic has already decided good or bad.
_DELTA_COLOUR = {"good": "green", "bad": "red", "neutral": "gray"}


def _caption(change: cards.Change, against: str) -> str:
    return f":{_COLOUR[change.tone]}[{_ARROW[change.direction]} {change.text}] {against}"


def _delta(change: cards.Change | None) -> dict:
    if change is None:
        return {"delta": None}
    return {
        "delta": change.text,
        "delta_color": _DELTA_COLOUR[change.tone],
        "delta_arrow": "off" if change.direction == "flat" else change.direction,
    }


def metric(name: str, rows: pd.DataFrame) -> None:
    """A card: value now, change against the same period last year (arrow, coloured good/bad)
    and against the previous period (caption); the formula as help."""
    c = cards.card(name, rows, lang())
    d = _delta(c.vs_year_ago)
    st.metric(
        c.label,
        c.value,
        **d,
        border=True,
        help=c.help + "  \n" + t("common.delta_help"),
        delta_description=t("common.vs_year_ago_short") if d["delta"] else None,
    )
    if c.vs_previous:
        st.caption(_caption(c.vs_previous, t("common.vs_previous")))


def block(key: str | None):
    """The container a block of cards is drawn in: keyed so that the phone layout
    (cchc/web/style.py) puts two cards a row instead of one."""
    return st.container(key=f"{style.CARDS}_{key or 'main'}")


def row(names: list[str], rows: pd.DataFrame, per_row: int = 4, key: str | None = None) -> None:
    """Cards in rows of `per_row` (two a row on a phone)."""
    with block(key):
        for first in range(0, len(names), per_row):
            part = names[first : first + per_row]
            for col, name in zip(st.columns(per_row), part, strict=False):
                with col:
                    metric(name, rows)


def metric_vs_province(name: str, unit_rows: pd.DataFrame, province_rows: pd.DataFrame) -> None:
    """A card for one unit: its value, the difference from the province as a whole, formula."""
    m = measures.get(name)
    cur = unit_rows.at["current", name]
    prov = province_rows.at["current", name]
    c = cards.card(name, unit_rows, lang())
    d = _delta(cards.versus(name, cur, prov, lang()))
    st.metric(
        c.label,
        c.value,
        **d,
        border=True,
        help=c.help + "  \n" + t("profile.delta_help"),
        delta_description=t("profile.vs_province_short") if d["delta"] else None,
    )
    notes = []
    if m.unit != "count":
        notes.append(t("profile.province_value", v=fmt.value(prov, m.unit)))
    if c.vs_year_ago:
        notes.append(_caption(c.vs_year_ago, t("common.vs_year_ago")))
    if notes:
        st.caption(" · ".join(notes))


def row_vs_province(
    names: list[str], unit_rows: pd.DataFrame, province_rows: pd.DataFrame, key: str | None = None
) -> None:
    with block(key):
        for first in range(0, len(names), 4):
            for col, name in zip(st.columns(4), names[first : first + 4], strict=False):
                with col:
                    metric_vs_province(name, unit_rows, province_rows)
