"""`python -m etl plan FILE…`: load annual inspection plans, added to the ETL's command line
without changing etl/cli.py. `demo` also loads the plan workbooks the demo generator writes
(08_ke_hoach_kiem_tra_<year>.xlsx); `rebuild` (etl/cli.py) replays archived plan files through
run_plan, in batch order."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from etl import warehouse
from etl.cli import db_option, err, main, out
from etl.errors import EtlError

DEMO_PLAN_GLOB = "08_ke_hoach_kiem_tra_*.xlsx"


def run_plan(paths: list[Path], db: Path, mapping: Path | None, as_json: bool, names: list[str] | None = None) -> int:
    """Load each plan file; print a summary per file; return the exit code (2: a file unreadable)."""
    from etl.plan import load_plan

    code = 0
    for i, path in enumerate(paths):
        try:
            r = load_plan(Path(path), db, mapping, name=names[i] if names else None)
        except EtlError as exc:
            err.print(f"[red]LỖI / ERROR[/red] {exc.vi}\n  {exc.en}", highlight=False)
            code = 2
            continue
        if as_json:
            print(json.dumps(r.as_json(), ensure_ascii=False), flush=True)
            continue
        note = " (đã nạp trước đó / already loaded)" if r.already_loaded else ""
        out.print(f"[bold]{r.file}[/bold] → plan ({r.mapping}), lô / batch {r.batch_id}{note}", highlight=False)
        out.print(
            f"  đọc / read {r.rows_in:,} · mới / new {r.rows_loaded:,} · cập nhật / updated {r.rows_updated:,}"
            f" · không đổi / unchanged {r.rows_unchanged:,} · loại / rejected {r.rows_rejected:,}",
            highlight=False,
        )
        for rej in r.rejections[:20]:
            out.print(
                f"  [yellow]dòng / row {rej.row_number}[/yellow] \\[{rej.error_type}] {rej.reason_vi}"
                f"\n      {rej.reason_en}",
                highlight=False,
            )
    return code


@main.command("plan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Plan mapping file (default: etl/mappings/plan/ke-hoach-kiem-tra.yaml).",
)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file on stdout.")
def plan(paths: tuple[Path, ...], mapping: Path | None, db: Path | None, as_json: bool) -> None:
    """Nạp kế hoạch kiểm tra công vụ năm / load annual inspection plan workbooks."""
    sys.exit(run_plan(list(paths), warehouse.db_path(db), mapping, as_json))


def _exit_code(fn, **kwargs) -> int:
    try:
        fn(**kwargs)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def _wrap_demo(command: click.Command) -> None:
    original = command.callback

    @functools.wraps(original)
    def demo(**kwargs):
        code = _exit_code(original, **kwargs)
        target = warehouse.db_path(kwargs.get("db"))
        out_dir = kwargs.get("out_dir") or target.parent / "demo"
        plans = sorted(Path(out_dir).glob(DEMO_PLAN_GLOB))
        if plans:
            code = max(code, run_plan(plans, target, None, as_json=False))
        sys.exit(code)

    command.callback = demo


_wrap_demo(main.commands["demo"])
