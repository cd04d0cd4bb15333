"""The codebook is the one list of codes: every entry is complete, and every place that knows
codes (ETL vocabularies, mappings, rejection types, filters, charts, exports, fixtures) knows
only codes that are in it."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cchc import codebook
from etl import duedates, errors
from etl.errors import MappingError
from etl.mapping import CODED, load_mapping, produced_codes

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
    "plan_status",
    "source",
    "due_source",
    "audit_action",
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
    from cchc.core import filters

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
    from cchc.core import queries

    assert tuple(queries.AGE_BUCKETS) == codebook.codes("age_bucket")
    assert tuple(queries.DEADLINE_STATES) == codebook.codes("deadline_state")


# --- the ETL reads it ---------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
MAPPING_FILES = sorted((ROOT / "etl" / "mappings").glob("*.yaml")) + sorted((ROOT / "docs" / "examples").glob("*.yaml"))
BUILTIN = {p for p in MAPPING_FILES if p.parent.name == "mappings"}


def test_there_are_mappings_to_check():
    assert {p.name for p in BUILTIN} >= {"pakn.yaml", "kiem-tra-cong-vu.yaml"}
    assert len(MAPPING_FILES) > len(BUILTIN)


@pytest.mark.parametrize("path", MAPPING_FILES, ids=lambda p: p.name)
def test_every_code_a_mapping_can_produce_is_in_the_codebook(path):
    m = load_mapping(path)
    assert m.register_level in codebook.codes("level")
    bad = {}
    for col, produced in produced_codes(m).items():
        section = CODED[m.kind].get(col)
        # an example mapping's open vocabulary may keep the export's own words (NYC committees);
        # a built-in mapping's targets are all codebook codes
        if section is None or (col in m.open_values and path not in BUILTIN):
            continue
        if unknown := sorted(c for c in produced if not codebook.is_code(section, c)):
            bad[col] = unknown
    assert bad == {}


def test_a_mapping_producing_a_code_outside_the_codebook_is_refused(tmp_path):
    text = (ROOT / "etl" / "mappings" / "pakn.yaml").read_text(encoding="utf-8")
    path = tmp_path / "drift.yaml"
    path.write_text(text.replace("    letter: [Văn bản,", "    post: [Văn bản,"), encoding="utf-8")
    with pytest.raises(MappingError, match="post"):
        load_mapping(path)
    path.write_text(text.replace("  unknown: reject", "  unknown: register\n  level: ward"), encoding="utf-8")
    with pytest.raises(MappingError, match="ward"):
        load_mapping(path)


def test_every_closed_codebook_code_is_reachable_from_a_builtin_mapping():
    """The reverse direction: a code the codebook declares for the ETL's closed vocabularies can be
    produced by the built-in mappings (else it is a code nobody loads)."""
    produced: dict[str, set[str]] = {}
    for path in BUILTIN:
        m = load_mapping(path)
        for col, codes_ in produced_codes(m).items():
            if section := CODED[m.kind].get(col):
                produced.setdefault(section, set()).update(codes_)
    for section in set(produced):
        assert set(codebook.codes(section)) - produced[section] == set(), section


def test_deadline_rules_know_exactly_the_codebook_kinds_and_channels():
    assert duedates.KINDS == codebook.codes("kind")
    assert duedates.CHANNELS == codebook.codes("channel")
    rules = duedates.DeadlineRules.from_file(ROOT / "config" / "deadlines.yaml")
    assert set(rules.kinds) <= set(codebook.codes("kind"))
    assert {c for _, c in rules.channels} <= set(codebook.codes("channel"))
    with pytest.raises(duedates.DeadlineConfigError):
        duedates.DeadlineRules.from_dict(
            {"kinds": {"feedback": {"days": 1, "unit": "working", "channels": {"fax": {}}}}}
        )


def test_demo_generator_codes_are_in_the_codebook():
    from etl import demo

    assert set(demo.VOCABULARY) <= set(codebook.sections())
    for section, codes_ in demo.VOCABULARY.items():
        assert set(codes_) <= set(codebook.codes(section)), section
    # the generator covers every code, so that every label is exercised by the demo data
    for section, codes_ in demo.VOCABULARY.items():
        assert set(codes_) == set(codebook.codes(section)), section
    for labels, section in (
        (demo.INSPECTION_TYPE_LABELS, "inspection_type"),
        (demo.VIOLATION_LABELS, "violation_category"),
        (demo.HANDLING_LABELS, "handling"),
    ):
        assert set(labels) <= set(codebook.codes(section)), section


# 'kebab-case-code' string literals: rejection types are the only ones in etl/*.py (demo.py aside);
# another kind of kebab-case literal there would need an exemption here
_KEBAB = re.compile(r"""["']([a-z]+(?:-[a-z]+)+)["']""")


# Where the ETL writes a rejected row's type: errors.add("type", ...), reject(row, "type", ...),
# AgencyMatch(None, "type", ...) or error_type="type". (File-level refusal codes and `etl check`
# finding codes are other vocabularies, with their own messages.)
_REJECTION_CALL = re.compile(r"(?:\.add|\breject|\bAgencyMatch)\(([^)]*)\)")


def test_every_rejection_type_the_etl_can_write_is_in_the_codebook():
    literals = set()
    for path in (ROOT / "etl").glob("*.py"):
        if path.name == "demo.py":
            continue
        text = path.read_text(encoding="utf-8")
        for call in _REJECTION_CALL.findall(text):
            literals |= set(_KEBAB.findall(call))
        literals |= set(re.findall(r"error_type\s*=\s*[\"']([a-z]+(?:-[a-z]+)+)[\"']", text))
    assert {"missing-id", "unknown-agency", "duplicate-id"} <= literals  # the scan finds them
    assert literals - set(codebook.codes("rejection_type")) == set()
    assert set(errors.TEMPLATES) == set(codebook.codes("rejection_type"))
    assert errors.REJECTION_TYPES == tuple(errors.TEMPLATES)


def test_rejection_type_reasons_and_labels_agree_on_the_codes():
    # each template can be built, and the codebook label is a short form of the same reason
    for code in codebook.codes("rejection_type"):
        r = errors.reject(2, code, "Cột", "x", other=1, suggestions=["A"], allowed="a, b")
        assert r.error_type == code and r.reason_vi and r.reason_en


# --- the test fixtures use only existing codes ------------------------------------------------------


def test_page_fixture_uses_only_codebook_codes():
    from tests import conftest_pages as fx

    assert {r[5] for r in fx.REJECTED} <= set(codebook.codes("rejection_type"))
    assert {a[4] for a in fx.AGENCIES} <= set(codebook.codes("level"))
    assert {b[4] for b in fx.BATCHES} <= set(codebook.codes("file_kind"))
    complaints = fx.complaint_rows()
    for col, section in (
        ("channel", "channel"),
        ("kind", "kind"),
        ("category", "category"),
        ("status", "status"),
        ("satisfaction", "satisfaction"),
    ):
        assert {r[col] for r in complaints if r[col] is not None} <= set(codebook.codes(section)), col
    inspections, violations = fx.inspection_rows()
    assert {r["inspection_type"] for r in inspections} <= set(codebook.codes("inspection_type"))
    assert {r["category"] for r in violations} <= set(codebook.codes("violation_category"))
    assert {r["handling"] for r in violations if r["handling"]} <= set(codebook.codes("handling"))


def test_shared_modules_import_neither_streamlit_nor_etl():
    code = (
        "import sys\n"
        "sys.modules['streamlit'] = None\n"
        "import datetime, cchc.codebook, cchc.workdays, cchc.clock, cchc.rules\n"
        "cchc.codebook.label('channel', 'hotline')\n"
        "cchc.workdays.add_working_days(datetime.date(2025, 1, 2), 1)\n"
        "names = [m for m, mod in sys.modules.items() if mod is not None]\n"
        "bad = sorted(m for m in names if m.split('.')[0] in ('etl', 'streamlit'))\n"
        "assert bad == [], bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_builtin_mapping_source_is_a_codebook_source():
    files = sorted((ROOT / "etl" / "mappings").rglob("*.yaml"))
    sources = {yaml_source(p) for p in files}
    assert {"pakn", "ktcv", "khkt"} <= sources
    assert sources - set(codebook.codes("source")) == set()


def yaml_source(path: Path) -> str:
    import yaml

    return str(yaml.safe_load(path.read_text(encoding="utf-8"))["source"])


def test_raw_codes_are_every_word_code_and_unknown():
    found = codebook.raw_codes()
    assert {"attitude", "unknown-agency", "ktcv", "pakn", "export", "no_badge", "unknown"} <= found
    assert not {"0-7", ">30"} & found  # age buckets are number ranges, not words
    every = {c for s in codebook.sections() if s not in codebook.NOT_WORDS for c in codebook.codes(s)}
    assert found == every | {"unknown"}
