"""Agency names as every chart, table, card, export and the report shows them: one function,
`labels`, that makes the names shown together unambiguous.

- a commune, ward or old district goes by its short name ("Phổ Yên"), any other unit (a
  department, the province, an office) by its full name ("Sở Xây dựng"): a department's short
  name ("Xây dựng") reads as a category;
- a unit that no longer exists keeps its last day ("Đại Từ (–30/06/2025)");
- where two units shown together would get the same name, each gets its type and validity
  ("Phổ Yên (thành phố, –30/06/2025)" beside "Phổ Yên (phường)"), and where that is still not
  enough, its code.

The rows need `unit_name` (the full name, with the " (–dd/mm/yyyy)" the row models add to a
unit that ended, cchc/core/rows.py); `unit_short_name` and `unit_id` are used when present. No
Streamlit here: the report and the exports call the same function."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from cchc.i18n import lang as ui_lang

# the row models' mark of a unit that ended (rows._UNTIL)
_UNTIL = re.compile(r"\s*\(–(\d{2}/\d{2}/\d{4})\)\s*$")
# Types of a place (commune, ward, old district): shown by the short name. Longest first, so
# "thành phố" is found before "phố" and "thị trấn" before "thị".
PLACE_TYPES = ("thành phố", "thị trấn", "thị xã", "phường", "huyện", "quận", "xã")
_TYPE_EN = {
    "thành phố": "city",
    "thị trấn": "township",
    "thị xã": "town",
    "phường": "ward",
    "huyện": "district",
    "quận": "urban district",
    "xã": "commune",
}
_UNTIL_EN = "until"


@dataclass(frozen=True)
class _Unit:
    key: str  # unit id, or the full name when there is none
    full: str  # full name without the validity mark
    short: str  # short name without the validity mark
    kind: str  # unit type as written in the name ("thành phố", "phường", "sở" ...) or ""
    until: str | None  # last day dd/mm/yyyy of a unit that ended
    place: bool  # a commune, ward or district (shown by its short name)


def _strip(text: object) -> tuple[str, str | None]:
    s = "" if text is None or (isinstance(text, float) and text != text) else str(text).strip()
    m = _UNTIL.search(s)
    return (s[: m.start()].strip(), m.group(1)) if m else (s, None)


def _unit(key: object, name: object, short: object = None) -> _Unit:
    full, until = _strip(name)
    short_text, until_short = _strip(short) if short is not None else ("", None)
    until = until or until_short
    lower = full.lower()
    kind = ""
    if short_text and lower.endswith(short_text.lower()) and len(full) > len(short_text):
        kind = full[: len(full) - len(short_text)].strip()
    else:
        for prefix in PLACE_TYPES:
            if lower.startswith(prefix + " ") and len(full) > len(prefix) + 1:
                kind, short_text = full[: len(prefix)], full[len(prefix) + 1 :].strip()
                break
    kind_l = kind.lower()
    place = kind_l in PLACE_TYPES
    return _Unit(
        key=str(key) if key is not None and key == key else full,
        full=full,
        short=short_text or full,
        kind=kind_l,
        until=until,
        place=place,
    )


def _qualified(base: str, parts: list[str]) -> str:
    parts = [p for p in parts if p]
    return f"{base} ({', '.join(parts)})" if parts else base


def _until(u: _Unit, lang: str) -> str:
    if not u.until:
        return ""
    return f"{_UNTIL_EN} {u.until}" if lang == "en" else f"–{u.until}"


def _kind(u: _Unit, lang: str) -> str:
    if lang == "en":
        return _TYPE_EN.get(u.kind, u.kind)
    return u.kind


def _code(key: str) -> str:
    """The code part of an agency id ('xa:05476@pre2025' -> '05476')."""
    return key.split(":", 1)[-1].split("@", 1)[0]


def label_units(
    units: Iterable[tuple[object, object, object]], lang: str | None = None, style: str = "short"
) -> dict[str, str]:
    """(unit id, full name, short name) of the units shown together -> the label of each unit id
    (the full name stands in for a missing id). `style` "short" for charts (a place by its short
    name), "full" for tables, exports and the report, which have room for the official name
    ("Thành phố Phổ Yên (–30/06/2025)", "Phường Phổ Yên"); either way no two units get the
    same label."""
    if style not in ("short", "full"):
        raise ValueError(f"unknown style: {style!r}")
    lang = lang or ui_lang()
    seen: dict[str, _Unit] = {}
    for key, name, short in units:
        u = _unit(key, name, short)
        seen.setdefault(u.key, u)
    base = {k: (u.short if u.place and style == "short" else u.full) for k, u in seen.items()}
    first = {k: _qualified(b, [_until(seen[k], lang)]) for k, b in base.items()}
    clash = Counter(base.values())
    out = {}
    for k, u in seen.items():
        if clash[base[k]] == 1:
            out[k] = first[k]
        else:  # the full name already says the type
            out[k] = _qualified(base[k], [_kind(u, lang) if base[k] == u.short else "", _until(u, lang)])
    # still the same (two wards of one name that both ended, in different old districts): the code
    again = Counter(out.values())
    for k, text in list(out.items()):
        if again[text] > 1:
            u = seen[k]
            code = ("code " if lang == "en" else "mã ") + _code(k)
            kind = _kind(u, lang) if base[k] == u.short else ""
            out[k] = _qualified(base[k], [kind, _until(u, lang), code])
    return out


def labels(df: pd.DataFrame, lang: str | None = None, style: str = "short") -> list[str]:
    """The label of each row's unit, unambiguous among the units of `df` (rows of one unit get
    the same label); `style` as in label_units."""
    if df.empty:
        return []
    names = df["unit_name"].tolist()
    ids = df["unit_id"].tolist() if "unit_id" in df.columns else [None] * len(df)
    shorts = df["unit_short_name"].tolist() if "unit_short_name" in df.columns else [None] * len(df)
    found = label_units(zip(ids, names, shorts, strict=True), lang, style)
    return [found[_unit(i, n, s).key] for i, n, s in zip(ids, names, shorts, strict=True)]


def with_labels(
    df: pd.DataFrame, column: str = "unit_name", lang: str | None = None, style: str = "full"
) -> pd.DataFrame:
    """A copy of `df` whose `column` holds the unambiguous labels (tables, exports, the report:
    full names by default)."""
    out = df.copy()
    if not df.empty and "unit_name" in df.columns:
        out[column] = labels(df, lang, style)
    return out
