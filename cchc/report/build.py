"""Build the three documents of one report and record them: the Word report, the one-page PDF
brief and the Excel annex, written into a folder with a manifest (what period, scope and
filters, when) that the Report page lists."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cchc.core import ALL, Filters, Period, Scope
from cchc.report import images, settings
from cchc.report.content import Report, build_content

FORMATS = ("docx", "pdf", "xlsx")
PREFIX = {"docx": "bao-cao-cchc", "pdf": "ban-tin-cchc", "xlsx": "phu-luc-cchc"}
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# figure key -> width in CSS pixels for the Word report (drawn at scale 2)
DOCX_FIGURES = {"trend": 760, "channel": 760, "violations": 760, "remedies": 640}


@dataclass
class Built:
    report: Report
    files: dict[str, Path] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    chart_errors: list[str] = field(default_factory=list)

    @property
    def manifest(self) -> Path:
        return next(iter(self.files.values())).with_name(f"{self.report.stem}.json")


def file_name(report: Report, fmt_: str) -> str:
    return report.stem.replace("bao-cao-cchc", PREFIX[fmt_], 1) + f".{fmt_}"


def _images(report: Report, built: Built, formats: Iterable[str]) -> tuple[dict, dict]:
    """PNG of each figure for the Word report, and the print version of the trend for the brief."""
    docx_images: dict[str, object] = {}
    pdf_images: dict[str, object] = {}
    if "docx" in formats:
        for key, width in DOCX_FIGURES.items():
            fig = report.figures[key][0]
            if fig is None:
                continue
            try:
                docx_images[key] = images.png(images.for_document(fig), width=width, scale=2)
            except images.ChartError as exc:
                docx_images[key] = str(exc)
                built.chart_errors.append(f"{key}: {exc}")
    if "pdf" in formats and report.figures["trend"][0] is not None:
        fig = images.for_print(report.figures["trend"][0])
        fig.update_layout(height=330, margin={"t": 40, "b": 60, "l": 10, "r": 10}, title=None)
        try:
            pdf_images["trend"] = images.png(fig, width=1000, height=330)
        except images.ChartError as exc:
            pdf_images["trend"] = str(exc)
            built.chart_errors.append(f"brief trend: {exc}")
    return docx_images, pdf_images


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def build(
    period: Period,
    filters: Filters | None = None,
    scope: Scope = ALL,
    lang: str = "vi",
    formats: Iterable[str] = FORMATS,
    out_dir: str | os.PathLike | None = None,
    built_at: datetime | None = None,
) -> Built:
    """Compute the report under `scope` and write the chosen formats into `out_dir` (default:
    output_dir of config/report.yaml), with a manifest beside them."""
    from cchc.report.docx import write_docx
    from cchc.report.pdf import write_pdf
    from cchc.report.xlsx import write_xlsx

    formats = [f for f in FORMATS if f in set(formats)]
    if not formats:
        raise ValueError(f"no format chosen: {', '.join(FORMATS)}")
    start = time.perf_counter()
    if "docx" in formats or "pdf" in formats:
        images.warm_up()  # the browser starts while the numbers are computed
    report = build_content(period, filters, scope, lang, built_at)
    built = Built(report)
    built.seconds["numbers"] = time.perf_counter() - start
    mark = time.perf_counter()
    docx_images, pdf_images = _images(report, built, formats)
    built.seconds["charts"] = time.perf_counter() - mark
    folder = Path(out_dir) if out_dir else settings.output_dir()
    folder.mkdir(parents=True, exist_ok=True)
    writers = {
        "docx": lambda p: write_docx(report, docx_images, p),
        "pdf": lambda p: write_pdf(report, pdf_images, p),
        "xlsx": lambda p: write_xlsx(report, p),
    }
    for fmt_ in formats:
        mark = time.perf_counter()
        path = folder / file_name(report, fmt_)
        _atomic(path, writers[fmt_])
        built.files[fmt_] = path
        built.seconds[fmt_] = time.perf_counter() - mark
    built.seconds["total"] = time.perf_counter() - start
    _atomic(built.manifest, lambda p: p.write_text(json.dumps(manifest(built), ensure_ascii=False, indent=1), "utf-8"))
    return built


def manifest(built: Built) -> dict:
    r = built.report
    return {
        "stem": r.stem,
        "period": r.period_text,
        "start": r.period.start.isoformat(),
        "end": r.period.end.isoformat(),
        "cut": r.period.cut,
        "scope": None if r.scope.is_all else list(r.scope.agency_ids or ()),
        "scope_text": r.scope_text,
        "filters": r.filters.to_params(),
        "filters_text": r.filters_text,
        "lang": r.lang,
        "built_at": r.built_at.isoformat(timespec="seconds"),
        "files": {k: p.name for k, p in built.files.items()},
        "empty": r.empty,
    }


def listing(scope: Scope, out_dir: str | os.PathLike | None = None) -> list[dict]:
    """Reports built so far that `scope` may see, newest first: the whole province sees every
    report; an agency only the reports built for exactly its scope. Files that are gone are
    left out."""
    folder = Path(out_dir) if out_dir else settings.output_dir()
    out = []
    for path in folder.glob("*.json") if folder.is_dir() else ():
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not scope.is_all and entry.get("scope") != list(scope.agency_ids or ()):
            continue
        files = {k: folder / name for k, name in (entry.get("files") or {}).items() if (folder / name).is_file()}
        if files:
            out.append({**entry, "paths": files})
    return sorted(out, key=lambda e: (e.get("built_at", ""), e.get("stem", "")), reverse=True)
