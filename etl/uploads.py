"""Load files handed over by the dashboard's upload with the same loader as the command line, in
a child process (`python -m etl load --json`): a file that crashes or exhausts a reader takes
down that child, never the dashboard. Each file is written to a private temporary folder under
its own base name (never used as a path beyond it) and removed whatever happens."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)
ALLOWED = (".csv", ".xlsx", ".xls")
TIMEOUT_S = int(os.environ.get("CCHC_UPLOAD_TIMEOUT", "1800"))


@dataclass
class UploadOutcome:
    """One JSON summary per file loaded (file, sha256, kind, rows_in, rows_loaded, rows_updated,
    rows_unchanged, rows_rejected, batch_id); one (name, Vietnamese, English) per file refused."""

    results: list[dict] = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)


def _safe_name(name: str) -> str:
    base = Path(str(name).replace("\\", "/")).name.strip() or "upload"
    return "".join(c if c.isprintable() and c not in "/\0" else "_" for c in base)[:120]


def load_uploads(files: list[tuple[str, bytes]], db_path: Path) -> UploadOutcome:
    """Load (name, content) pairs into the warehouse at `db_path`, one file (one transaction) at
    a time; a file that cannot be loaded is refused with its reason and the others still load."""
    out = UploadOutcome()
    with tempfile.TemporaryDirectory(prefix="cchc_upload_") as tmp:
        os.chmod(tmp, 0o700)
        for name, content in files:
            safe = _safe_name(name)
            if not safe.lower().endswith(ALLOWED):
                out.failures.append(
                    (safe, "Chỉ nhận tệp .csv, .xlsx, .xls", "Only .csv, .xlsx and .xls files are accepted")
                )
                continue
            folder = Path(tempfile.mkdtemp(dir=tmp))
            path = folder / safe
            path.write_bytes(content)
            try:
                out_one = _load_one(path, db_path)
            finally:
                path.unlink(missing_ok=True)
            if isinstance(out_one, dict):
                out.results.append({**out_one, "file": safe})
            else:
                out.failures.append((safe, *out_one))
    return out


def _load_one(path: Path, db_path: Path) -> dict | tuple[str, str]:
    cmd = [sys.executable, "-m", "etl", "load", "--json", "--db", str(db_path), str(path)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, cwd=Path(__file__).parent.parent)
    except subprocess.TimeoutExpired:
        return (f"Quá thời gian nạp ({TIMEOUT_S} giây)", f"The load took longer than {TIMEOUT_S} s")
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip().startswith("{")]
    if proc.returncode == 0 and lines:
        return json.loads(lines[-1])
    message = " ".join(proc.stderr.split())[-600:]
    log.warning("upload %s refused (exit %s): %s", path.name, proc.returncode, message)
    if proc.returncode == 2 and message:
        return (message, message)  # the loader's own message, Vietnamese then English
    return (
        "Lỗi không lường trước khi nạp tệp; kho dữ liệu giữ nguyên. Hãy báo quản trị viên.",
        "Unexpected error while loading the file; the warehouse is unchanged. Tell the operator.",
    )
