"""The archive beside the warehouse: what `etl rebuild` needs of each loaded file, and no personal value.

A loaded export is not kept. Its archive is `archive/<sha256 of the export>.cchc.jsonl.gz`: the header
row and every data row (with its row number) of the mapped columns only, after masking, as the loader
saw them; personal columns are replaced by the row's salted hash (`__citizen_hash`), a kind inferred from
the text by `__kind`, and withheld denunciation text by nothing. Files are 0600, folders 0700, and files
older than `archive_retention_days` (0: kept for ever) are deleted after each load.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from etl.errors import UnreadableFile
from etl.readers import InvalidCell, Sheet

SUFFIX = ".cchc.jsonl.gz"
FORMAT = "cchc-archive/1"
HASH_COLUMN = "__citizen_hash"
KIND_COLUMN = "__kind"


def is_archive(path: Path) -> bool:
    return Path(path).name.endswith(SUFFIX)


def private_dir(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def _encode(value: object) -> object:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, dtime):
        return {"$t": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$td": value.total_seconds()}
    if isinstance(value, InvalidCell):
        return {"$invalid": value.kind, "n": value.length}
    return str(value)


def _decode(value: object) -> object:
    if not isinstance(value, dict):
        return value
    if "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    if "$d" in value:
        return date.fromisoformat(value["$d"])
    if "$t" in value:
        return dtime.fromisoformat(value["$t"])
    if "$td" in value:
        return timedelta(seconds=value["$td"])
    if "$invalid" in value:
        return InvalidCell(value["$invalid"], value.get("n", 0))
    raise ValueError("unknown archive value")


class ArchiveWriter:
    """Writes one archive next to its final name; `publish` renames it into place."""

    def __init__(self, folder: Path, sha: str, file_name: str, header_row: int, header: list[str]):
        self.folder = private_dir(folder)
        self.target = self.folder / f"{sha}{SUFFIX}"
        self.tmp = self.folder / f".{sha}{SUFFIX}.part-{os.getpid()}"
        fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.raw = os.fdopen(fd, "wb")
        self.gz = gzip.GzipFile(fileobj=self.raw, mode="wb", compresslevel=6, mtime=0)
        meta = {"format": FORMAT, "sha256": sha, "file_name": file_name, "header_row": header_row}
        self._line(meta)
        self._line(header)

    def _line(self, obj: object) -> None:
        self.gz.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")

    def row(self, number: int, cells: list[object]) -> None:
        self._line([number, *(_encode(c) for c in cells)])

    def publish(self) -> Path:
        self.gz.close()
        self.raw.flush()
        os.fsync(self.raw.fileno())
        self.raw.close()
        os.replace(self.tmp, self.target)
        return self.target

    def discard(self) -> None:
        if not self.raw.closed:
            self.gz.close()
            self.raw.close()
        self.tmp.unlink(missing_ok=True)


def read_meta(path: Path) -> dict:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            meta = json.loads(f.readline())
    except (OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(
            f"{path.name}: tệp lưu trữ hỏng", f"{path.name}: the archive file is corrupt", "corrupt-archive"
        ) from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise UnreadableFile(
            f"{path.name}: không phải tệp lưu trữ {FORMAT}", f"{path.name}: not a {FORMAT} file", "corrupt-archive"
        )
    return meta


def _rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        meta = json.loads(f.readline())
        header = json.loads(f.readline())
        yield meta["header_row"], header
        for line in f:
            number, *cells = json.loads(line)
            yield number, [_decode(c) for c in cells]


def archive_sheets(path: Path) -> Iterator[Sheet]:
    """The archive as one sheet (our own file, so read in this process)."""
    read_meta(path)
    yield Sheet("archive", "utf-8", _rows(Path(path)))


def purge(folder: Path, retention_days: int) -> int:
    """Delete archives older than the retention period; return how many were deleted."""
    if retention_days <= 0 or not folder.is_dir():
        return 0
    cutoff = time.time() - retention_days * 86400
    gone = 0
    for p in folder.glob(f"*{SUFFIX}"):
        if p.stat().st_mtime < cutoff:
            p.unlink(missing_ok=True)
            gone += 1
    return gone
