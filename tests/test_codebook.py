"""The codebook is the one list of codes: every entry is complete, and every place that knows
codes (ETL vocabularies, mappings, rejection types, filters, charts, exports, fixtures) knows
only codes that are in it."""

from __future__ import annotations

import math

import pytest

from cchc import codebook

SECTIONS = (
    "level",
    "channel",
    "kind",
    "status",
    "satisfaction",
    "category",
    "inspection_type",
    "violation_category",
    "handling",
    "deadline_state",
    "age_bucket",
    "file_kind",
    "rejection_type",
)


def test_sections_are_the_documented_ones():
    assert set(codebook.sections()) == set(SECTIONS)


def test_codes_keep_file_order():
    assert codebook.codes("channel") == (
        "hotline",
        "email",
        "app",
        "portal",
        "in_person",
        "letter",
        "national_portal",
    )
    assert codebook.codes("age_bucket") == ("0-7", "8-15", "16-30", ">30")
    assert codebook.codes("deadline_state") == ("overdue", "nearly_due", "not_yet_due", "no_due")
    assert [codebook.entry("kind", c).order for c in codebook.codes("kind")] == [0, 1, 2, 3]


@pytest.mark.parametrize("section", SECTIONS)
def test_every_entry_has_both_labels_and_a_hex_colour(section):
    bad = [
        e.code
        for e in map(lambda c: codebook.entry(section, c), codebook.codes(section))
        if not (e.vi.strip() and e.en.strip() and len(e.colour) == 7 and e.colour.startswith("#"))
    ]
    assert bad == []
    assert all(int(codebook.colour(section, c)[1:], 16) >= 0 for c in codebook.codes(section))


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_labels_are_unique_within_a_section(section, lang):
    labels = [codebook.label(section, c, lang) for c in codebook.codes(section)]
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("section", SECTIONS)
def test_colours_are_distinct_within_a_section(section):
    colours = [codebook.colour(section, c).upper() for c in codebook.codes(section)]
    assert len(set(colours)) == len(colours)


def test_every_level_has_a_plural_label():
    assert [c for c in codebook.codes("level") if not codebook.entry("level", c).extra.get("plural")] == []
    assert codebook.label("level_plural", "commune", "en") == "Communes and wards"
    assert codebook.label("level", "commune", "en") == "Commune / ward"


def test_label_translates_and_falls_back():
    assert codebook.label("channel", "hotline") == "Đường dây nóng"
    assert codebook.label("channel", "hotline", "en") == "Hotline"
    assert codebook.label("rejection_type", "missing-id", "en") == "Missing ID"
    assert codebook.label("category", "Cấp nước sinh hoạt", "en") == "Cấp nước sinh hoạt"
    assert codebook.label("kind", None) == "Không rõ"
    assert codebook.label("kind", math.nan, "en") == "Unknown"
    assert codebook.label("channel", codebook.UNKNOWN, "en") == "Unknown"


def test_old_section_names_are_aliases():
    assert codebook.label("deadline", "nearly_due", "en") == codebook.label("deadline_state", "nearly_due", "en")
    assert codebook.codes("age") == codebook.codes("age_bucket")


def test_colour_of_unknown_code_is_none_and_of_missing_value_grey():
    assert codebook.colour("channel", "fax") is None
    assert codebook.colour("channel", None) == codebook.UNKNOWN_COLOUR
    assert codebook.colour("kind", "complaint") == "#F58518"


def test_unknown_section_raises():
    with pytest.raises(codebook.CodebookError):
        codebook.codes("colour")


def test_require_rejects_codes_not_in_the_codebook():
    assert codebook.require("kind", ["petition", "feedback"]) == ("petition", "feedback")
    with pytest.raises(codebook.CodebookError, match="fax"):
        codebook.require("channel", ["hotline", "fax"])


# --- the read side reads it --------------------------------------------------------------------


def test_i18n_label_reads_the_codebook():
    from cchc.i18n import catalogue, label

    assert label("violation_category", "no_badge", "vi") == codebook.label("violation_category", "no_badge", "vi")
    assert label("level_plural", "department", "en") == "Departments"
    assert label("age", ">30", "en") == "Over 30 days"
    # the code lists are no longer in the catalogue: one place only
    assert [k for k in catalogue() if k.split(".")[0] in set(SECTIONS) | {"deadline", "age", "level_plural"}] == []


def test_filters_take_their_codes_from_the_codebook():
    from cchc import filters

    assert filters.LEVELS == codebook.codes("level")
    assert filters.CHANNELS == codebook.codes("channel")
    assert filters.KINDS == codebook.codes("kind")
    assert filters.INSPECTION_TYPES == codebook.codes("inspection_type")
    assert filters.VIOLATION_CATEGORIES == codebook.codes("violation_category")


def test_chart_palettes_are_the_codebook_colours():
    from cchc import charts

    for section in SECTIONS:
        assert charts.PALETTES[section] == codebook.colours(section)
        assert charts.color(section, codebook.codes(section)[0]) == codebook.colour(section, codebook.codes(section)[0])
    assert charts.LABEL_KIND["deadline"] == "deadline_state"


def test_chart_traces_follow_codebook_order():
    import pandas as pd

    from cchc import charts

    df = pd.DataFrame(
        {"month": [pd.Timestamp("2025-01-01")] * 3, "value": ["complaint", "feedback", "fax"], "received": [1, 2, 3]}
    )
    fig = charts.stacked_time(df, "month", "received", "kind", "t", "c", "y")
    assert [tr.name for tr in fig.data] == ["Phản ánh", "Khiếu nại", "fax"]


def test_export_code_columns_are_codebook_sections():
    from cchc import exports

    assert [s for s in exports.CODE_COLUMNS.values() if s is not None and not codebook.has_section(s)] == []


def test_backlog_buckets_are_the_codebook_age_buckets():
    try:
        from cchc.core import queries
    except ImportError:
        from cchc import queries
    assert tuple(queries.AGE_BUCKETS) == codebook.codes("age_bucket")
    assert tuple(queries.DEADLINE_STATES) == codebook.codes("deadline_state")
