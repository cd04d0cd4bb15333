"""The explorer's search and sort (cchc.core.queries.Search): by id or words of the shown text,
accent- and case-insensitive, never inside a denunciation; sorted in SQL over the whole result;
the count is the number of matching rows. Checked against pandas over the fixture rows."""

from __future__ import annotations

import shutil
import unicodedata
from dataclasses import replace
from datetime import date

import duckdb
import pandas as pd
import pytest

from cchc.core import ALL, Filters, Scope, queries
from cchc.core.queries import EXPLORER_KEYS, EXPLORER_SORTS, Search
from tests.conftest_pages import LOAD_DATE, TODAY, frames

START, END = date(2025, 1, 1), LOAD_DATE
SHOWN_KINDS = ("feedback", "petition", "complaint")
COMMUNE = "xa:05776@2025-07-01"
COMMUNE_UNITS = ("xa:05767", "xa:05770", "xa:05776", COMMUNE)


def _fp(**kw):
    f = Filters(preset="custom", start=START, end=END, **kw)
    return f, f.period(TODAY)


def fold(text: str) -> str:
    """Lower case, đ as d, accents dropped (Python's own decomposition, not DuckDB's)."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def received() -> pd.DataFrame:
    """The fixture's complaints received in the period, with the text the explorer shows."""
    c = frames()["complaints"]
    c = c[pd.to_datetime(c["received_date"]).between(pd.Timestamp(START), pd.Timestamp(END))]
    return c.assign(shown=c["content_masked"].where(c["kind"].isin(SHOWN_KINDS)))


def expected_ids(words: str = "", prefix: str = "", rows: pd.DataFrame | None = None) -> set[str]:
    c = received() if rows is None else rows
    keep = c["complaint_id"].str.lower().str.startswith(prefix.strip().lower())
    for term in map(fold, words.split()):
        keep &= c["shown"].map(lambda s, t=term: isinstance(s, str) and t in fold(s))
    return set(c.loc[keep, "complaint_id"])


def found(search: Search, table: str = "complaints", scope=ALL, **filters) -> pd.DataFrame:
    f, p = _fp(**filters)
    return queries.explorer_page(f, p, table, 100_000, 0, search, scope=scope)


def count(search: Search, table: str = "complaints", scope=ALL, **filters) -> int:
    f, p = _fp(**filters)
    return queries.explorer_count(f, p, table, search, scope=scope)


# --- search by id ---------------------------------------------------------------------------


def test_search_by_exact_id_and_by_prefix_in_any_case(fixture_db):
    some = sorted(received()["complaint_id"])[5]
    assert set(found(Search(id_prefix=some.lower()))["complaint_id"]) == {some}
    assert set(found(Search(id_prefix=f"  {some} "))["complaint_id"]) == {some}
    for prefix in ("pa-01", "PA-00", "Pa-03"):
        wanted = expected_ids(prefix=prefix)
        assert 1 < len(wanted) < len(received())
        assert set(found(Search(id_prefix=prefix))["complaint_id"]) == wanted
        assert count(Search(id_prefix=prefix)) == len(wanted)
    assert count(Search(id_prefix="PA-99999")) == 0
    assert count(Search(id_prefix="0001")) == 0, "a prefix, not a part anywhere in the id"


def test_search_by_id_in_inspections_and_violations(fixture_db):
    ins = frames()["inspections"]
    ins = ins[pd.to_datetime(ins["inspected_on"]).between(pd.Timestamp(START), pd.Timestamp(END))]
    wanted = {i for i in ins["inspection_id"] if i.startswith("KT-01")}
    assert wanted
    assert set(found(Search(id_prefix="kt-01"), "inspections")["inspection_id"]) == wanted
    vio = frames()["violations"]
    vio = vio[vio["inspection_id"].isin(ins["inspection_id"])]
    one = vio["violation_id"].iloc[0]
    assert list(found(Search(id_prefix=one), "violations")["violation_id"]) == [one]
    by_inspection = set(found(Search(id_prefix="KT-01"), "violations")["violation_id"])
    assert by_inspection == set(vio.loc[vio["inspection_id"].str.startswith("KT-01"), "violation_id"])


# --- search by words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words",
    ["tham nhũng", "tham nhung", "THAM NHUNG", "nhũng  THAM", "cấp phép tham"],
)
def test_all_words_match_with_or_without_accents_in_any_case_and_order(fixture_db, words):
    wanted = expected_ids("tham nhung")
    assert wanted and len(wanted) < len(received())
    assert set(found(Search(words=words))["complaint_id"]) == wanted
    assert count(Search(words=words)) == len(wanted)


def test_every_word_must_match(fixture_db):
    assert expected_ids("tham") and expected_ids("đất")
    assert count(Search(words="tham đất")) == len(expected_ids("tham dat")) == 0


@pytest.mark.parametrize("words", ["đất đai", "dat dai", "ĐẤT ĐAI", "Dat", "đường", "duong giao", "ĐƯỜNG"])
def test_d_with_stroke_matches_d(fixture_db, words):
    wanted = expected_ids(words)
    assert wanted
    assert set(found(Search(words=words))["complaint_id"]) == wanted


@pytest.mark.parametrize(
    "words,literal", [("%", "%"), ("50%", "50%"), ("_", "_"), ("hồ_sơ", "hồ_sơ"), ("giảm 5_%", None)]
)
def test_like_wildcards_in_the_input_are_plain_characters(fixture_db, words, literal):
    c = received()
    wanted = expected_ids(words)
    if literal is not None:
        assert wanted == set(c.loc[c["shown"].str.contains(literal, regex=False, na=False), "complaint_id"])
        assert 0 < len(wanted) < len(c) / 2
    else:
        assert wanted == set()
    assert set(found(Search(words=words))["complaint_id"]) == wanted
    assert count(Search(words=words)) == len(wanted)


def test_quotes_and_sql_in_the_input_are_values(fixture_db):
    assert count(Search(words="'; drop table complaints; --", id_prefix="' or 1=1 --")) == 0
    assert count(Search()) == len(received())


# --- denunciations stay hidden --------------------------------------------------------------


def test_words_of_a_denunciation_are_never_matched(fixture_db):
    c = received()
    denunciations = c[c["kind"] == "denunciation"]
    assert denunciations["content_masked"].str.contains("hối lộ").sum() > 0, "the fixture has the words"
    for words in ("hối lộ", "hoi lo", "Tố cáo", "cán bộ"):
        assert count(Search(words=words)) == 0, words
    hits = found(Search(words="tham nhung"))
    assert set(hits["kind"]) <= set(SHOWN_KINDS)
    assert (c.loc[c["content_masked"].str.contains("tham nhũng"), "kind"] == "denunciation").any()
    # by id a denunciation is found, with its text hidden
    one = denunciations["complaint_id"].iloc[0]
    row = found(Search(id_prefix=one))
    assert list(row["kind"]) == ["denunciation"] and row["content_masked"].isna().all()


def test_an_item_of_unknown_kind_is_not_searched_fail_closed(fixture_db, tmp_path, monkeypatch):
    copy = tmp_path / "unknown_kind.duckdb"
    shutil.copy(fixture_db, copy)
    c = received()
    land = c[c["shown"].fillna("").str.contains("đất đai")]
    hidden = list(land["complaint_id"].iloc[:4])
    con = duckdb.connect(str(copy))
    con.execute("update complaints set kind = null where complaint_id in (?, ?)", hidden[:2])
    con.execute("update complaints set kind = 'unheard_of' where complaint_id in (?, ?)", hidden[2:])
    con.close()
    monkeypatch.setenv("CCHC_DB", str(copy))
    got = set(found(Search(words="dat dai"))["complaint_id"])
    assert got == expected_ids("dat dai") - set(hidden)
    assert len(got) > 0
    by_id = found(Search(id_prefix=hidden[0]))
    assert len(by_id) == 1 and by_id["content_masked"].isna().all()


# --- sort in SQL over the whole result ------------------------------------------------------


def _pandas_order(rows: pd.DataFrame, table: str, column: str, descending: bool) -> list:
    keys = EXPLORER_KEYS[table]
    ordered = rows.assign(_fold=rows[column].map(fold) if column == "unit_name" else rows[column])
    ordered = ordered.sort_values(
        ["_fold", column, *keys], ascending=[not descending, not descending, *[True] * len(keys)], na_position="last"
    )
    return [tuple(r) for r in ordered[list(keys)].itertuples(index=False)]


def _paged(f, p, table: str, search: Search, size: int, total: int) -> list:
    out = []
    for offset in range(0, total, size):
        page = queries.explorer_page(f, p, table, size, offset, search, scope=ALL)
        assert len(page) == min(size, total - offset)
        out += [tuple(r) for r in page[list(EXPLORER_KEYS[table])].itertuples(index=False)]
    return out


@pytest.mark.parametrize("table", list(EXPLORER_SORTS))
def test_every_sort_column_both_ways_orders_the_whole_result_like_pandas(fixture_db, table):
    f, p = _fp()
    everything = queries.explorer_page(f, p, table, 100_000, 0, scope=ALL)
    total = queries.explorer_count(f, p, table, scope=ALL)
    assert total == len(everything) > 40
    for column in EXPLORER_SORTS[table]:
        for descending in (False, True):
            search = Search(sort=column, descending=descending)
            wanted = _pandas_order(everything, table, column, descending)
            assert _paged(f, p, table, search, 17, total) == wanted, (column, descending)


def test_sort_with_a_search_and_the_default_order(fixture_db):
    f, p = _fp()
    hits = queries.explorer_page(f, p, "complaints", 100_000, 0, Search(words="dat"), scope=ALL)
    wanted = _pandas_order(hits, "complaints", "resolution_calendar_days", False)
    search = Search(words="dat", sort="resolution_calendar_days", descending=False)
    got = queries.explorer_page(f, p, "complaints", 100_000, 0, search, scope=ALL)
    assert [tuple(r) for r in got[["complaint_id", "source"]].itertuples(index=False)] == wanted
    # the default: newest first, as before sorting existed
    default = queries.explorer_page(f, p, "complaints", 100_000, 0, scope=ALL)
    assert list(default["complaint_id"]) == [k for k, _ in _pandas_order(default, "complaints", "received_date", True)]


def test_unit_names_sort_without_accents_first(fixture_db):
    f, p = _fp(rollup=False)
    rows = queries.explorer_page(f, p, "complaints", 100_000, 0, Search(sort="unit_name", descending=False), scope=ALL)
    names = list(dict.fromkeys(rows["unit_name"]))
    assert names == sorted(names, key=lambda n: (fold(n), n))
    assert names != sorted(names), "byte order would put 'Xã Đức Lương' after 'Xã Yên Lãng'"
    communes = [n for n in names if n.startswith("Xã ")]
    assert communes[0].startswith("Xã Đ") and communes[-1].startswith("Xã Y")


@pytest.mark.parametrize("sort", ["content_masked", "received_date desc", "1; drop table complaints", "kind"])
def test_only_whitelisted_sort_columns(fixture_db, sort):
    f, p = _fp()
    with pytest.raises(ValueError):
        queries.explorer_page(f, p, "complaints", 10, 0, Search(sort=sort), scope=ALL)
    with pytest.raises(ValueError):
        queries.explorer_order("complaints", Search(sort=sort))
    with pytest.raises(ValueError):
        queries.explorer_page(f, p, "nope", 10, 0, Search(), scope=ALL)


# --- count and downloads --------------------------------------------------------------------


def test_count_is_the_number_of_filtered_rows_and_never_sorts(fixture_db):
    f, p = _fp(channels=("hotline", "app"))
    c = received()
    wanted = c[c["channel"].isin(("hotline", "app"))]
    for search in (Search(), Search(words="thu tuc"), Search(id_prefix="PA-02", sort="due_date", descending=False)):
        n = queries.explorer_count(f, p, "complaints", search, scope=ALL)
        assert n == len(expected_ids(search.words, search.id_prefix, wanted))
    sql, _ = queries._explorer_rows(f, p, "complaints", Search(sort="due_date"))
    assert "order by" not in sql.lower()


def test_downloads_follow_the_search_and_the_sort(fixture_db):
    f, p = _fp()
    search = Search(words="giao thong", sort="resolved_date", descending=True)
    page = queries.explorer_page(f, p, "complaints", 100_000, 0, search, scope=ALL)
    streamed = pd.concat(list(queries.explorer_stream(f, p, "complaints", search, scope=ALL)), ignore_index=True)
    assert len(page) == len(expected_ids("giao thong")) > 0
    pd.testing.assert_frame_equal(streamed, page, check_dtype=False)


def test_search_under_a_scope_is_the_unscoped_search_of_its_units(fixture_db):
    scope = Scope.of([COMMUNE])
    f, p = _fp()
    f_units = replace(f, agency_ids=COMMUNE_UNITS)
    for search in (Search(words="thu tuc", sort="unit_name"), Search(id_prefix="PA-0", sort="due_date")):
        scoped = queries.explorer_page(f, p, "complaints", 1000, 0, search, scope=scope)
        unscoped = queries.explorer_page(f_units, p, "complaints", 1000, 0, search, scope=ALL)
        assert len(scoped) > 0
        pd.testing.assert_frame_equal(scoped, unscoped, check_dtype=False)
        assert queries.explorer_count(f, p, "complaints", search, scope=scope) == len(scoped)
