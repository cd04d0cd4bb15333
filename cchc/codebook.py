"""The codebook: code, Vietnamese and English label, colour and order of every coded value
(levels, channels, kinds, statuses, categories, inspection types, violation categories,
handlings, deadline states, age buckets, rejection types, file kinds, data sources, due-date
sources), read from codebook.yaml.

Both sides read it: the ETL checks its vocabularies against it, the dashboard labels, orders
and colours with it. No Streamlit and no etl import here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

CODEBOOK = Path(__file__).with_name("codebook.yaml")
LANGS = ("vi", "en")
# The code the read side groups missing values under (coalesce(col, 'unknown')); not a code of
# any section, labelled like a missing value.
UNKNOWN = "unknown"
UNKNOWN_LABEL = {"vi": "Không rõ", "en": "Unknown"}
UNKNOWN_COLOUR = "#8C96A0"
# Old section names (catalogue.yaml before the codebook) still accepted.
ALIASES = {"deadline": "deadline_state", "age": "age_bucket"}
# Extra label fields, read as sections of their own: label('level_plural', 'commune').
DERIVED = {"level_plural": ("level", "plural")}


class CodebookError(ValueError):
    """The codebook is malformed, or a code is not in it."""


@dataclass(frozen=True)
class Entry:
    code: str
    vi: str
    en: str
    colour: str
    order: int
    extra: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # e.g. plural -> {vi, en}

    def label(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


@lru_cache(maxsize=1)
def _book() -> dict[str, dict[str, Entry]]:
    raw = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8")) or {}
    book: dict[str, dict[str, Entry]] = {}
    for section, items in raw.items():
        if not isinstance(items, list):
            raise CodebookError(f"{CODEBOOK}: section '{section}' must be a list of entries")
        entries: dict[str, Entry] = {}
        for order, item in enumerate(items):
            code = str(item.get("code", ""))
            if not code or code in entries:
                raise CodebookError(f"{CODEBOOK}: {section}: empty or repeated code '{code}'")
            extra = {k: {lg: str(v[lg]) for lg in LANGS if lg in v} for k, v in item.items() if isinstance(v, dict)}
            entries[code] = Entry(
                code=code,
                vi=str(item.get("vi") or ""),
                en=str(item.get("en") or ""),
                colour=str(item.get("colour") or ""),
                order=order,
                extra=extra,
            )
        book[str(section)] = entries
    return book


def _section(section: str) -> dict[str, Entry]:
    name = DERIVED[section][0] if section in DERIVED else ALIASES.get(section, section)
    try:
        return _book()[name]
    except KeyError:
        raise CodebookError(f"unknown codebook section '{section}' (known: {', '.join(sections())})") from None


def sections() -> tuple[str, ...]:
    """The sections, in file order."""
    return tuple(_book())


def has_section(section: str) -> bool:
    """True for a section, an alias of one (deadline, age) or a derived label field (level_plural)."""
    return ALIASES.get(section, section) in _book() or section in DERIVED


def codes(section: str) -> tuple[str, ...]:
    """The section's codes in display order."""
    return tuple(_section(section))


def entry(section: str, code: object) -> Entry | None:
    """The entry of a code, or None when the section does not know it."""
    return _section(section).get(str(code)) if not _missing(code) else None


def label(section: str, code: object, lang: str = "vi") -> str:
    """Label of a code in `lang`; a code the section does not know is shown as it is, a missing
    value (None, NaN, NA, 'unknown') as "Không rõ" / "Unknown"."""
    if _missing(code) or code == UNKNOWN:
        return UNKNOWN_LABEL.get(lang, UNKNOWN_LABEL["vi"])
    if section in DERIVED:
        base, key = DERIVED[section]
        found = entry(base, code)
        text = found.extra.get(key, {}).get(lang) if found else None
        return text or (found.label(lang) if found else str(code))
    found = entry(section, code)
    return found.label(lang) if found else str(code)


def colour(section: str, code: object) -> str | None:
    """Hex colour of a code; grey for a missing value; None when the section does not know it."""
    if _missing(code) or code == UNKNOWN:
        return UNKNOWN_COLOUR
    found = entry(section, code)
    return found.colour if found else None


def colours(section: str) -> dict[str, str]:
    """code -> colour for the whole section, in order."""
    return {e.code: e.colour for e in _section(section).values()}


def is_code(section: str, code: object) -> bool:
    return entry(section, code) is not None


def require(section: str, values: Iterable[str]) -> tuple[str, ...]:
    """`values` as a tuple, after checking that every one is a code of `section` (for
    vocabularies that keep their own order, e.g. a generator's weights)."""
    values = tuple(values)
    if unknown := [v for v in values if not is_code(section, v)]:
        raise CodebookError(f"{section}: {unknown} not in the codebook ({', '.join(codes(section))})")
    return values


# Sections whose codes are not words (age buckets: '0-7', '>30'): a number range in a text is
# not a code shown raw.
NOT_WORDS = ("age_bucket",)


def raw_codes() -> frozenset[str]:
    """Every code that must never reach a page as it is (each is shown by its label): the codes
    of every section but those that are not words, and `unknown`. Tests look for them as whole
    words in the rendered pages (tests/test_pages_codes.py, the browser tests)."""
    found = {UNKNOWN}
    for section in sections():
        if section not in NOT_WORDS:
            found.update(codes(section))
    return frozenset(found)


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN
    except (TypeError, ValueError):
        return True  # pandas NA / NaT refuse comparison
