"""Card logic as a table: the change shown, which way it moved, and whether that is good."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cchc import cards
from cchc.core import measures

NAN = math.nan


@pytest.mark.parametrize(
    "current,other,unit,higher_is_better,text,direction,tone",
    [
        # counts: relative change, Vietnamese separators
        (120, 100, "count", None, "+20,0 %", "up", "neutral"),  # volume: neither good nor bad
        (80, 100, "count", False, "-20,0 %", "down", "good"),  # fewer overdue is good
        (120, 100, "count", False, "+20,0 %", "up", "bad"),
        (100, 100, "count", False, "±0,0 %", "flat", "neutral"),  # no change: no arrow, no colour
        (5, 0, "count", False, "mới phát sinh", "up", "bad"),  # from nothing: "new"
        # rates: change in points
        (0.95, 0.90, "rate", True, "+5,0 điểm %", "up", "good"),
        (0.90, 0.95, "rate", True, "-5,0 điểm %", "down", "bad"),
        (0.9000, 0.90004, "rate", True, "±0,0 điểm %", "flat", "neutral"),  # below the shown precision
        (0.10, 0.05, "rate", False, "+5,0 điểm %", "up", "bad"),
        # days: lower is better
        (8, 10, "days", False, "-20,0 %", "down", "good"),
    ],
)
def test_change_table(current, other, unit, higher_is_better, text, direction, tone):
    c = cards.change(current, other, unit, higher_is_better, "vi")
    assert (c.text, c.direction, c.tone) == (text, direction, tone)


@pytest.mark.parametrize("current,other", [(None, 1), (1, None), (NAN, 1), (0, 0), (pd.NA, 3)])
def test_change_is_none_when_there_is_nothing_to_compare(current, other):
    assert cards.change(current, other, "count", True, "vi") is None


def test_card_from_headline_rows_in_both_languages():
    rows = pd.DataFrame({"on_time_rate": [0.93, 0.90, 0.93]}, index=["current", "previous", "year_ago"])
    vi = cards.card("on_time_rate", rows, "vi")
    en = cards.card("on_time_rate", rows, "en")
    assert (vi.label, vi.value, en.label, en.value) == ("Tỷ lệ đúng hạn", "93,0 %", "On-time rate", "93.0%")
    assert (vi.vs_year_ago.direction, vi.vs_year_ago.tone) == ("flat", "neutral")
    assert (vi.vs_previous.direction, vi.vs_previous.tone) == ("up", "good")
    assert "95" in vi.help  # the target is part of the help text


def test_versus_province_only_for_rates_and_days():
    assert cards.versus("received", 10, 20, "vi") is None
    assert cards.versus("on_time_rate", 0.8, 0.9, "vi").tone == "bad"


@pytest.mark.parametrize("name", list(measures.MEASURES))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_card_label_fits_a_card_and_the_help_has_the_full_name(name, lang):
    rows = pd.DataFrame({name: [1.0, 1.0, 1.0]}, index=["current", "previous", "year_ago"])
    c = cards.card(name, rows, lang)
    full = measures.get(name).label(lang)
    assert len(c.label) <= measures.SHORT_CHARS, c.label
    assert c.help.startswith(f"**{full}**")
    assert c.label == full or len(full) > measures.SHORT_CHARS  # short only where the name is long


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_card_labels_are_unique_so_no_two_cards_read_alike(lang):
    shorts = [m.short(lang) for m in measures.MEASURES.values()]
    fulls = {m.label(lang) for m in measures.MEASURES.values()}
    assert len(set(shorts)) == len(shorts)
    # a short label is never another measure's full name (a rate shown as its count's name)
    for m in measures.MEASURES.values():
        assert m.short(lang) == m.label(lang) or m.short(lang) not in fulls, m.name
