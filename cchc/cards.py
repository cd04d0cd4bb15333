"""Headline cards as data: a measure's value, its change against another period, which way it
moved and whether that is good. Pure functions (no Streamlit): pages draw them, the report
prints them, tests check them against a table of cases."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from cchc import fmt
from cchc.core import measures
from cchc.i18n import t


@dataclass(frozen=True)
class Change:
    """A value against another: the text ('+12,5 %', '−1,2 điểm %', 'mới phát sinh'), the
    direction it moved and whether that is good for the measure."""

    text: str
    direction: str  # up | down | flat
    tone: str  # good | bad | neutral


@dataclass(frozen=True)
class Card:
    name: str
    label: str
    value: str
    help: str
    vs_year_ago: Change | None
    vs_previous: Change | None


def _number(x: object) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        return None
    return float(x)


def change(current: object, other: object, unit: str, higher_is_better: bool | None, lang: str) -> Change | None:
    """The change from `other` to `current`; None when either is missing, or both are zero
    for a count (nothing to compare). No change is flat and neutral, never an arrow."""
    cur, prev = _number(current), _number(other)
    if cur is None or prev is None:
        return None
    text = fmt.change(cur, prev, unit, lang)
    if text is None:
        return None
    diff = cur - prev
    # Changes smaller than the shown precision are no change.
    shown_zero = (unit == "rate" and abs(100 * diff) < 0.05) or (
        unit != "rate" and prev != 0 and abs(diff / prev) < 0.0005
    )
    if diff == 0 or shown_zero:
        return Change(fmt.change(prev, prev, unit, lang) or text, "flat", "neutral")
    direction = "up" if diff > 0 else "down"
    if higher_is_better is None:
        tone = "neutral"
    else:
        tone = "good" if (diff > 0) == higher_is_better else "bad"
    return Change(text, direction, tone)


def card(name: str, rows: pd.DataFrame, lang: str) -> Card:
    """The card of one measure from headline rows indexed 'current', 'previous', 'year_ago'."""
    m = measures.get(name)

    def at(period: str) -> object:
        return rows.at[period, name] if period in rows.index else None

    cur = at("current")
    help_text = f"**{m.label(lang)}**  \n{m.formula(lang)}"  # the full name: the card shows the short one
    if m.target is not None:
        help_text += "  \n" + t("common.target_is", lang, v=fmt.value(m.target, m.unit, lang))
    return Card(
        name=name,
        label=m.short(lang),
        value=fmt.value(cur, m.unit, lang),
        help=help_text,
        vs_year_ago=change(cur, at("year_ago"), m.unit, m.higher_is_better, lang),
        vs_previous=change(cur, at("previous"), m.unit, m.higher_is_better, lang),
    )


def versus(name: str, value: object, other: object, lang: str) -> Change | None:
    """A unit's value against another figure (the province's), for rates and days only."""
    m = measures.get(name)
    return None if m.unit == "count" else change(value, other, m.unit, m.higher_is_better, lang)
