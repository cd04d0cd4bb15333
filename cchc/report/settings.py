"""The report's settings (config/report.yaml): issuing body, number line, signatory, recipients.
Every text may be a string or {vi: ..., en: ...}."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from cchc.core.config import CONFIG_DIR

ROOT = CONFIG_DIR.parent
DEFAULTS: dict[str, Any] = {
    "province": "Thái Nguyên",
    "place": "Thái Nguyên",
    "governing_body": "",
    "issuing_body": "",
    "body_name": "",
    "number_line": {"vi": "Số:          /BC", "en": "No.:          /BC"},
    "date_line": "blank",
    "intro": "",
    "signatory": {"authority": "", "title": "", "name": ""},
    "recipients": [],
    "attention_count": 10,
    "most_overdue_count": 10,
    "trend_months": 12,
    "output_dir": "data/reports",
}


def path() -> Path:
    """$CCHC_REPORT_CONFIG, else config/report.yaml."""
    return Path(os.environ.get("CCHC_REPORT_CONFIG") or CONFIG_DIR / "report.yaml")


@lru_cache(maxsize=4)
def _load(p: str) -> dict[str, Any]:
    file = Path(p)
    data = yaml.safe_load(file.read_text(encoding="utf-8")) if file.is_file() else {}
    return {**DEFAULTS, **(data or {})}


def settings() -> dict[str, Any]:
    return _load(str(path()))


def text(value: Any, lang: str) -> Any:
    """A setting in `lang`: {vi, en} picks one (Vietnamese when the language is missing)."""
    if isinstance(value, dict) and set(value) <= {"vi", "en"} and value:
        return value.get(lang) or value.get("vi") or ""
    return "" if value is None else value


def get(key: str, lang: str) -> Any:
    return text(settings().get(key, DEFAULTS.get(key)), lang)


def signatory(lang: str) -> dict[str, str]:
    raw = settings().get("signatory") or {}
    return {k: str(text(raw.get(k), lang) or "") for k in ("authority", "title", "name")}


def output_dir() -> Path:
    """$CCHC_REPORT_DIR, else output_dir of the settings (relative to the project folder)."""
    value = os.environ.get("CCHC_REPORT_DIR") or settings().get("output_dir") or "data/reports"
    p = Path(value)
    return p if p.is_absolute() else ROOT / p
