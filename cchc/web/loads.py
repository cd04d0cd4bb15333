"""The ETL's per-file results as tables for the Data page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

_COUNTS = ("kind", "rows_in", "rows_loaded", "rows_updated", "rows_unchanged", "rows_rejected", "batch_id")
_REJECTION = ("row_number", "column_name", "raw_value", "error_type", "reason_vi", "reason_en")


def results_frames(results) -> dict[str, pd.DataFrame]:
    """One row per file, one per rejected row."""
    summary, rejections = [], []
    for r in results:
        name = Path(str(getattr(r, "file", ""))).name
        summary.append({k: getattr(r, k, None) for k in _COUNTS} | {"file": name})
        for rej in getattr(r, "rejections", None) or []:
            rejections.append({"file": name} | {k: getattr(rej, k, None) for k in _REJECTION})
    return {"summary": pd.DataFrame(summary), "rejections": pd.DataFrame(rejections, columns=["file", *_REJECTION])}
