"""Issue 14: cells, encodings and limits of the readers, and the loader's settings."""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from etl.readers import InvalidCell, detect_encoding, text_cell
from etl.settings import Settings, settings
from tests.etl_files import cp1258_form

S = Settings()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", None),
        ("abc\x00def", "abcdef"),
        ("a\x07\x1b[0m\x7fb", "a[0mb"),
        ("dòng\x00 một", "dòng một"),
        ("\ufeffMã", "Mã"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),  # kept: clean() collapses them later
        ("\x00\x00", None),
    ],
)
def test_text_cell_removes_control_characters(raw, expected):
    assert text_cell(raw, S) == expected


def test_text_cell_too_long_and_undecodable_become_invalid_cells():
    long = text_cell("x" * (S.max_cell_chars + 1), S)
    bad = text_cell("Tr\udcc3n", S)
    assert (type(long), long.kind, long.length, type(bad), bad.kind) == (
        InvalidCell,
        "too-long",
        S.max_cell_chars + 1,
        InvalidCell,
        "encoding",
    )
    assert str(long) == ""  # never a value, not even in a header search


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Mã,Nội dung\n1,Đường hỏng\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "Mã\n".encode(), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + "Mã\n".encode("utf-16-le"), "utf-16"),
        (cp1258_form("Mã,Nội dung\n1,Đường hỏng rồi\n").encode("cp1258"), "cp1258"),
        # one stray byte amid valid UTF-8 Vietnamese: UTF-8 (that row is rejected), not the whole file as cp1258
        ("Mã,Nội dung\n1,Đường hỏng\n2,".encode() + b"\xff" + "\n3,Đã xử lý\n".encode(), "utf-8"),
        # bytes that are neither UTF-8 nor Vietnamese in cp1258
        (b"a,b\n\xff\xfe\xfd,\xfc\n", "utf-8"),
    ],
)
def test_detect_encoding(tmp_path, data, expected):
    p = tmp_path / "x.csv"
    p.write_bytes(data)
    assert detect_encoding(p) == expected


def test_settings_defaults_file_and_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("CCHC_READ_MEMORY_MB", raising=False)
    monkeypatch.delenv("CCHC_MIN_DATE", raising=False)
    conf = tmp_path / "etl.yaml"
    conf.write_text("read_memory_mb: 1234\nmin_date: 2010-01-01\n", encoding="utf-8")
    monkeypatch.setenv("CCHC_ETL_CONFIG", str(conf))
    s = settings()
    assert (s.read_memory_mb, s.min_date, s.max_rows) == (1234, date(2010, 1, 1), Settings().max_rows)
    monkeypatch.setenv("CCHC_READ_MEMORY_MB", "999")
    assert settings().read_memory_mb == 999


def test_settings_unknown_or_bad_values_raise(tmp_path, monkeypatch):
    conf = tmp_path / "etl.yaml"
    conf.write_text("read_memori_mb: 1\n", encoding="utf-8")
    monkeypatch.setenv("CCHC_ETL_CONFIG", str(conf))
    with pytest.raises(ValueError, match="unknown etl settings"):
        settings()
    conf.write_text("max_rows: many\n", encoding="utf-8")
    with pytest.raises(ValueError, match="max_rows"):
        settings()


def test_shipped_config_matches_the_defaults():
    from etl.settings import CONFIG, _load

    assert _load(str(CONFIG), ()) == Settings()
