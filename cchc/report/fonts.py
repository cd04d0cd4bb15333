"""Fonts with Vietnamese glyphs for the PDF brief, found on the machine: Debian's Noto Sans
(fonts-noto-core) with DejaVu Sans (fonts-dejavu-core) for the symbols Noto lacks (▲ ▼), both
installed by `make fonts`. $CCHC_FONT_DIR may hold NotoSans-*.ttf / DejaVuSans*.ttf instead."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DIRS = (
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/noto",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
)
# family -> style -> file names tried in order
FAMILIES = {
    "noto": {"": "NotoSans-Regular.ttf", "B": "NotoSans-Bold.ttf", "I": "NotoSans-Italic.ttf"},
    "dejavu": {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"},
}


class FontMissing(RuntimeError):
    """No font with Vietnamese glyphs was found (run `make fonts`)."""


@dataclass(frozen=True)
class Family:
    name: str
    files: dict[str, Path]  # style ('', 'B', 'I') -> file


def _dirs() -> list[Path]:
    extra = os.environ.get("CCHC_FONT_DIR")
    return [Path(d) for d in ([extra] if extra else []) + list(DIRS)]


def _find(file_name: str) -> Path | None:
    for d in _dirs():
        p = d / file_name
        if p.is_file():
            return p
    try:  # fontconfig knows where the distribution put it
        out = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        if line.endswith("/" + file_name) and Path(line).is_file():
            return Path(line)
    return None


@lru_cache(maxsize=1)
def families() -> list[Family]:
    """The font families found, main text first; at least one, or FontMissing."""
    found = []
    for name, styles in FAMILIES.items():
        files = {style: _find(file) for style, file in styles.items()}
        if files[""] is not None:
            regular = files[""]
            found.append(Family(name, {s: f or regular for s, f in files.items()}))
    if not found:
        raise FontMissing(
            "No Noto Sans or DejaVu Sans font found: run `make fonts` (fonts-noto-core fonts-dejavu-core)"
        )
    return found
