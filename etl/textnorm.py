"""Text normalisation shared by header, vocabulary and agency matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)

# Abbreviations officials write interchangeably, applied after diacritics are stripped.
_AGENCY_ABBREVIATIONS = [
    (re.compile(r"\buy ban nhan dan\b"), "ubnd"),
    (re.compile(r"\bhoi dong nhan dan\b"), "hdnd"),
    (re.compile(r"\btp\b"), "thanh pho"),
    (re.compile(r"\btx\b"), "thi xa"),
    (re.compile(r"\btt\b"), "thi tran"),
    (re.compile(r"\bp\b"), "phuong"),
    (re.compile(r"\bh\b"), "huyen"),
]


def nfc(text: str) -> str:
    """Compose combining marks (Windows-1258 text decodes to decomposed tone marks)."""
    return unicodedata.normalize("NFC", text)


def strip_diacritics(text: str) -> str:
    if text.isascii():  # no combining marks, no đ
        return text
    decomposed = unicodedata.normalize("NFD", text)
    out = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return out.replace("đ", "d").replace("Đ", "D")


def fold(text: object) -> str:
    """Case-, diacritic-, punctuation- and spacing-insensitive key: 'Ngày tiếp nhận:' -> 'ngay tiep nhan'."""
    if text is None:
        return ""
    text = str(text)
    # Headers, vocabularies and agency names repeat millions of times; long free text does not.
    return _fold_cached(text) if len(text) <= 80 else _fold(text)


def _fold(text: str) -> str:
    s = strip_diacritics(nfc(text)).lower()
    s = _PUNCT.sub(" ", s.replace("_", " "))
    return _SPACES.sub(" ", s).strip()


_fold_cached = lru_cache(maxsize=1 << 16)(_fold)


def clean(text: object) -> str | None:
    """NFC, trimmed, inner whitespace collapsed; None for blank."""
    if text is None:
        return None
    s = nfc(str(text))
    s = (_SPACES.sub(" ", s) if ("  " in s or "\n" in s or "\t" in s or "\r" in s or "\xa0" in s) else s).strip()
    return s or None


def agency_key(name: object) -> str:
    """Fold an agency name so that 'UBND xã X', 'Ủy ban nhân dân xã X' and 'Xã  X' meet."""
    s = fold(name)
    for pattern, repl in _AGENCY_ABBREVIATIONS:
        s = pattern.sub(repl, s)
    s = _SPACES.sub(" ", s).strip()
    s = s.removeprefix("ubnd ")
    return s
