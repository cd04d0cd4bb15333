"""Load files handed over by the dashboard's upload: each file on its own, in a private
temporary folder removed afterwards, every failure turned into a bilingual reason."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from etl.errors import EtlError

log = logging.getLogger(__name__)


@dataclass
class UploadOutcome:
    """What became of the uploaded files: one result per file loaded, one reason per file
    refused (name, Vietnamese, English)."""

    results: list = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)


def load_uploads(files: list[tuple[str, bytes]], db_path: Path) -> UploadOutcome:
    """Load (name, content) pairs into the warehouse at `db_path`, one transaction per file; a
    file that cannot be loaded is refused with its reason and the others still load."""
    from etl.load import load_files

    out = UploadOutcome()
    with tempfile.TemporaryDirectory(prefix="cchc_upload_") as tmp:
        Path(tmp).chmod(0o700)
        for name, content in files:
            safe = Path(name).name or "upload"  # the original name, never a directory
            path = Path(tmp) / safe
            path.write_bytes(content)
            try:
                out.results += load_files([path], db_path=db_path, kind=None, mapping=None)
            except EtlError as exc:
                out.failures.append((safe, exc.vi, exc.en))
            except Exception:  # an unexpected failure must not take the page down; logged for the operator
                log.exception("upload %s could not be loaded", safe)
                out.failures.append(
                    (
                        safe,
                        "Lỗi không lường trước khi nạp tệp; kho dữ liệu giữ nguyên. Hãy báo quản trị viên.",
                        "Unexpected error while loading the file; the warehouse is unchanged. Tell the operator.",
                    )
                )
            finally:
                path.unlink(missing_ok=True)
    return out
