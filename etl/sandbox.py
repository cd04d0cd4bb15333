"""Read a file in a child process that a hostile file can kill, starve or abort without harming the caller.

The child (`python -m etl.sandbox`) sets its own limits (RLIMIT_AS for memory, RLIMIT_CPU for time, no
core dumps), reads the file with etl.readers and streams the rows back over a pipe as length-prefixed
pickles of plain values (str, int, float, bool, None, datetime types, InvalidCell); the parent unpickles
them with an allow-list. The parent waits for the child at most `read_time_s` seconds in all (time spent
validating rows is not counted) and then kills it. Any way the child ends early becomes a bilingual
refusal of that file: memory limit, time limit, crash (e.g. calamine aborting on a 512 GB allocation).
"""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, fields
from datetime import date
from pathlib import Path

from etl.errors import EtlError, UnreadableFile
from etl.readers import Sheet
from etl.settings import Settings

_HEADER = struct.Struct("<I")
_BATCH = 2000
_BATCH_CELLS = 200_000
_ALLOWED = {
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("etl.readers", "InvalidCell"),
}
_ALLOC_FAILED = re.compile(r"memory allocation of (\d+) bytes failed")


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed from the reader")
        return super().find_class(module, name)


def _loads(data: bytes) -> object:
    return _Unpickler(io.BytesIO(data)).load()


# ---------------------------------------------------------------- parent side


def _command(path: str, payload: str) -> list[str]:
    return [sys.executable, "-m", "etl.sandbox", path, payload]


class _Reader:
    """The child process and the parent's end of its pipe."""

    def __init__(self, path: Path, s: Settings):
        self.path, self.s = path, s
        self.stderr = tempfile.TemporaryFile()
        payload = json.dumps({k: str(v) if isinstance(v, date) else v for k, v in asdict(s).items()})
        self.proc = subprocess.Popen(
            _command(str(path), payload),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            cwd=str(Path(__file__).resolve().parent.parent),
            env={**os.environ, "RUST_BACKTRACE": "0", "PYTHONFAULTHANDLER": ""},
            close_fds=True,
        )
        self.fd = self.proc.stdout.fileno()
        self.budget = float(s.read_time_s)
        self.buf = bytearray()
        self.timed_out = False

    def _read(self, n: int) -> bytes | None:
        while len(self.buf) < n:
            started = time.monotonic()
            ready, _, _ = select.select([self.fd], [], [], max(self.budget, 0))
            self.budget -= time.monotonic() - started
            if not ready:
                self.timed_out = True
                self.kill()
                return None
            chunk = os.read(self.fd, max(n - len(self.buf), 1 << 16))
            if not chunk:
                return None
            self.buf += chunk
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def messages(self) -> Iterator[tuple]:
        while True:
            head = self._read(_HEADER.size)
            if head is None:
                raise self._died()
            body = self._read(_HEADER.unpack(head)[0])
            if body is None:
                raise self._died()
            msg = _loads(body)
            if msg[0] == "error":
                _, code, vi, en = msg
                raise UnreadableFile(vi, en, code)
            yield msg
            if msg[0] == "done":
                return

    def _died(self) -> EtlError:
        name, s = self.path.name, self.s
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
            rc = self.proc.wait()
        if self.timed_out:
            return UnreadableFile(
                f"{name}: đọc tệp quá {s.read_time_s} giây (read_time_s); tệp bị từ chối",
                f"{name}: reading took over {s.read_time_s} s (read_time_s); the file is refused",
                "time-limit",
            )
        self.stderr.seek(0)
        head = self.stderr.read(1 << 16)
        self.stderr.seek(0, os.SEEK_END)
        self.stderr.seek(max(self.stderr.tell() - 4096, 0))
        tail = (head + self.stderr.read()).decode("utf-8", "replace")
        if rc == -signal.SIGXCPU:
            return UnreadableFile(
                f"{name}: đọc tệp dùng quá {s.read_time_s} giây CPU (read_time_s); tệp bị từ chối",
                f"{name}: reading used over {s.read_time_s} s of CPU (read_time_s); the file is refused",
                "time-limit",
            )
        alloc = _ALLOC_FAILED.search(tail)
        if alloc or "MemoryError" in tail:
            need = f" ({int(alloc.group(1)) / 2**30:,.1f} GB)" if alloc else ""
            return UnreadableFile(
                f"{name}: đọc tệp cần nhiều bộ nhớ hơn giới hạn {s.read_memory_mb} MB{need} (read_memory_mb); "
                "tệp hỏng hoặc quá lớn, bị từ chối",
                f"{name}: reading needs more memory than the {s.read_memory_mb} MB limit{need} (read_memory_mb); "
                "the file is corrupt or too large and is refused",
                "memory-limit",
            )
        how = f"tín hiệu / signal {-rc}" if rc < 0 else f"mã / code {rc}"
        return UnreadableFile(
            f"{name}: trình đọc tệp dừng bất thường ({how}); tệp hỏng, bị từ chối",
            f"{name}: the file reader stopped abnormally ({how.split(' / ')[-1]}); the file is corrupt and refused",
            "reader-crashed",
        )

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()

    def close(self) -> None:
        self.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()


def isolated_sheets(path: Path, s: Settings) -> Iterator[Sheet]:
    """The sheets of a file as the child reads them; each sheet's rows stream until the next sheet starts."""
    reader = _Reader(path, s)
    try:
        msgs = reader.messages()
        for msg in msgs:
            if msg[0] == "sheet":
                sheet = Sheet(msg[1], msg[2], _rows(msgs), reader.close)
                yield sheet
                for _ in sheet.rows:  # the caller moved on: skip what is left of this sheet
                    pass
            elif msg[0] == "done":
                return
    finally:
        reader.close()


def _rows(msgs: Iterator[tuple]) -> Iterator[tuple[int, list[object]]]:
    for msg in msgs:
        if msg[0] == "rows":
            yield from msg[1]
        elif msg[0] == "end":
            return


# ---------------------------------------------------------------- child side


def _limit(resource_id: int, value: int) -> None:
    import resource

    soft, hard = resource.getrlimit(resource_id)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(resource_id, (value, value if hard == resource.RLIM_INFINITY else hard))


def _child(path: str, payload: str) -> int:
    import resource

    raw = json.loads(payload)
    s = Settings(
        **{f.name: date.fromisoformat(raw[f.name]) if f.name == "min_date" else raw[f.name] for f in fields(Settings)}
    )
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_AS, s.read_memory_mb * 1024 * 1024)
    _limit(resource.RLIMIT_CPU, s.read_time_s + 5)
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=1 << 16)
    sys.stdout = sys.stderr  # nothing else may write into the row stream

    def send(msg: tuple) -> None:
        data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(_HEADER.pack(len(data)))
        out.write(data)

    from etl.readers import read_sheets_here

    p = Path(path)
    total = 0
    try:
        for sheet in read_sheets_here(p, s):
            send(("sheet", sheet.name, sheet.encoding))
            batch: list = []
            cells = 0
            for row in sheet.rows:
                batch.append(row)
                cells += len(row[1])
                total += 1
                if total > s.max_rows + 1000:
                    raise UnreadableFile(
                        f"{p.name}: hơn {s.max_rows:,} dòng (max_rows); tệp bị từ chối",
                        f"{p.name}: more than {s.max_rows:,} rows (max_rows); the file is refused",
                        "too-many-rows",
                    )
                if len(batch) >= _BATCH or cells >= _BATCH_CELLS:  # wide sheets: bound what the loader holds
                    send(("rows", batch))
                    batch = []
                    cells = 0
            send(("rows", batch))
            send(("end",))
        send(("done",))
    except EtlError as exc:
        send(("error", exc.code, exc.vi, exc.en))
    except MemoryError:
        print("MemoryError", file=sys.stderr)
        return 3
    except (UnicodeDecodeError, ValueError, OSError, IndexError, KeyError, TypeError, OverflowError) as exc:
        send(
            (
                "error",
                "unreadable",
                f"{p.name}: không đọc được tệp ({type(exc).__name__})",
                f"{p.name}: cannot read the file ({type(exc).__name__})",
            )
        )
    except BrokenPipeError:
        return 0
    try:
        out.flush()
    except BrokenPipeError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], sys.argv[2]))
