"""Text normalisation shared by header, vocabulary and agency matching."""

from __future__ import annotations

import re
import unicodedata

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
    decomposed = unicodedata.normalize("NFD", text)
    out = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return out.replace("đ", "d").replace("Đ", "D")


def fold(text: object) -> str:
    """Case-, diacritic-, punctuation- and spacing-insensitive key: 'Ngày tiếp nhận:' -> 'ngay tiep nhan'."""
    if text is None:
        return ""
    s = strip_diacritics(nfc(str(text))).lower()
    s = _PUNCT.sub(" ", s.replace("_", " "))
    return _SPACES.sub(" ", s).strip()


def clean(text: object) -> str | None:
    """NFC, trimmed, inner whitespace collapsed; None for blank."""
    if text is None:
        return None
    s = _SPACES.sub(" ", nfc(str(text))).strip()
    return s or None


def agency_key(name: object) -> str:
    """Fold an agency name so that 'UBND xã X', 'Ủy ban nhân dân xã X' and 'Xã  X' meet."""
    s = fold(name)
    for pattern, repl in _AGENCY_ABBREVIATIONS:
        s = pattern.sub(repl, s)
    s = _SPACES.sub(" ", s).strip()
    if s.startswith("ubnd "):
        s = s[len("ubnd ") :]
    return s
