"""Blocks several pages draw the same way."""

from __future__ import annotations

import pandas as pd

from cchc import charts
from cchc.i18n import t
from cchc.web import widgets

# What a bars-by-code block counts: measure column, axis title key, codebook section.
_COUNTS = {
    "category": ("received", "axis.items"),
    "violation_category": ("violations", "axis.violations"),
}


def bars_by_code(df: pd.DataFrame, section: str, title: str, context: str, key: str) -> None:
    """Horizontal bars of one measure per code (complaint categories, violation categories),
    labelled and coloured from the codebook, with the numbers as CSV."""
    x, axis = _COUNTS[section]
    widgets.chart(
        charts.bars(
            df,
            y="value",
            x=x,
            title=title,
            context=context,
            x_title=t(axis),
            palette=section,
            code_col="value",
            label_kind=section,
        ),
        df,
        key=key,
    )


def overview_map(ctx) -> None:
    """The overview's small map of communes and wards (issue 17; the large one is pages/10_dia_ban.py)."""
    from cchc.web import maps

    maps.small_map(ctx)
