"""Loader limits and plausibility ranges: config/etl.yaml, overridden by environment variables.

Every setting has a default that suits a provincial server; `CCHC_ETL_CONFIG` names another file, and
`CCHC_<NAME>` (upper case) overrides one setting, e.g. `CCHC_READ_MEMORY_MB=4096`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

CONFIG = Path(__file__).resolve().parent.parent / "config" / "etl.yaml"


@dataclass(frozen=True)
class Settings:
    # Reading: a file is read in a child process with these limits; a file over them is refused.
    read_memory_mb: int = 3072  # address space of the reading process (RLIMIT_AS)
    read_time_s: int = 300  # seconds the loader waits for the reader in all, per file
    max_file_mb: int = 1024  # size of the file on disk
    max_uncompressed_mb: int = 1024  # .xlsx/.ods: sum of the unpacked parts
    max_compression_ratio: int = 100  # .xlsx/.ods: unpacked / packed size of one large part
    max_cells: int = 60_000_000  # rows x columns of one sheet, declared or found
    max_rows: int = 2_000_000  # data rows of one file
    max_cell_chars: int = 32_767  # longest cell (Excel's own limit); a longer cell rejects its row
    max_rejections_stored: int = 1000  # rejected_rows kept per file; the rest are counted only
    # Plausible dates: anything outside is rejected with its row.
    min_date: date = date(2000, 1, 1)
    max_deadline_years: int = 10  # due dates and remedy deadlines up to today + N years
    max_count: int = 100_000  # largest plausible value in a count column (officials checked, ...)
    # Archive of loaded files (masked rows, for `etl rebuild`): days kept; 0 keeps them for ever.
    archive_retention_days: int = 0
    # Publishing: seconds a load waits for readers to let go of the standby copy before it copies instead.
    standby_wait_s: int = 30


def _coerce(kind: type, value: object, name: str) -> object:
    try:
        if kind is date or kind == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value).strip())
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"etl setting {name}: {value!r} is not a valid {getattr(kind, '__name__', kind)}") from exc


@lru_cache(maxsize=8)
def _load(path: str, env: tuple[tuple[str, str], ...]) -> Settings:
    raw: dict = {}
    p = Path(path)
    if p.exists():
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict):
            raise ValueError(f"{p}: expected a mapping of settings")
    values = {}
    env_map = dict(env)
    for f in fields(Settings):
        kind = date if f.name == "min_date" else int
        if f"CCHC_{f.name.upper()}" in env_map:
            values[f.name] = _coerce(kind, env_map[f"CCHC_{f.name.upper()}"], f.name)
        elif f.name in raw:
            values[f.name] = _coerce(kind, raw[f.name], f.name)
    unknown = set(raw) - {f.name for f in fields(Settings)}
    if unknown:
        raise ValueError(f"{p}: unknown etl settings {sorted(unknown)}")
    return Settings(**values)


def settings() -> Settings:
    """The settings now (re-read when the file name or the CCHC_* environment changes)."""
    path = os.environ.get("CCHC_ETL_CONFIG", str(CONFIG))
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("CCHC_")))
    return _load(path, env)
