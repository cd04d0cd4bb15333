"""Dashboard settings from config/targets.yaml and config/ranking.yaml, with defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"

DEFAULT_TARGETS: dict[str, Any] = {
    "targets": {},
    "bands": {"green": 1.0, "amber": 0.9},
}
DEFAULT_RANKING: dict[str, Any] = {
    "weights": {"on_time_rate": 0.5, "overdue_rate": 0.5},
    "score_cap": 1.0,
    "min_volume": 10,
    "attention_count": 10,
}


def _load(name: str, defaults: dict[str, Any]) -> dict[str, Any]:
    path = CONFIG_DIR / name
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {**defaults, **(data or {})}


@lru_cache(maxsize=1)
def targets() -> dict[str, Any]:
    return _load("targets.yaml", DEFAULT_TARGETS)


@lru_cache(maxsize=1)
def ranking() -> dict[str, Any]:
    return _load("ranking.yaml", DEFAULT_RANKING)


def target(measure: str) -> float | None:
    value = targets()["targets"].get(measure)
    return None if value is None else float(value)


@lru_cache(maxsize=1)
def nearly_due_days() -> int:
    """ "Nearly due" horizon in working days: config/deadlines.yaml, the file the ETL reads too."""
    data = yaml.safe_load((CONFIG_DIR / "deadlines.yaml").read_text(encoding="utf-8")) or {}
    return int(data.get("nearly_due_working_days", 2))


def min_volume() -> int:
    return int(ranking()["min_volume"])


DEFAULT_TARGETING: dict[str, Any] = {
    "weights": {"conduct_per_1000": 0.5, "overdue_rate": 0.5},
    "trend_quarters": 4,
    "recent_days": 180,
    "never_inspected_days": 1095,
    "top": 20,
}


@lru_cache(maxsize=1)
def targeting() -> dict[str, Any]:
    """Candidates for unannounced inspection: config/targeting.yaml."""
    return _load("targeting.yaml", DEFAULT_TARGETING)
