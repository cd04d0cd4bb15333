"""python -m etl: load exports, build the demo warehouse, show what is loaded."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from etl import warehouse
from etl.errors import EtlError

err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


def _progress(enabled: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} dòng / rows"),
        TimeElapsedColumn(),
        console=err,
        disable=not enabled,
        transient=True,
    )


def run_load(
    paths: list[Path],
    db: Path,
    kind: str | None,
    mapping: Path | None,
    as_json: bool,
    today: date | None = None,
    names: list[str] | None = None,
) -> int:
    """Load each file; print a summary per file; return the exit code."""
    from etl.load import load_file

    code = 0
    with _progress(not as_json and err.is_terminal) as progress:
        for i, path in enumerate(paths):
            task = progress.add_task(escape(Path(path).name), total=None)
            try:
                result = load_file(
                    Path(path),
                    db,
                    kind,
                    mapping,
                    today,
                    on_rows=lambda n, t=task: progress.advance(t, n),
                    name=names[i] if names else None,
                )
            except EtlError as exc:
                _print_error(exc, as_json)
                code = 2
                continue
            except Exception as exc:  # noqa: BLE001 - last resort: a reason, never a traceback
                name = Path(path).name
                _print_error(
                    EtlError(
                        f"{name}: lỗi khi nạp tệp ({type(exc).__name__}); tệp bị từ chối",
                        f"{name}: error while loading ({type(exc).__name__}); the file is refused",
                        "load-error",
                    ),
                    as_json,
                )
                code = 2
                continue
            finally:
                progress.remove_task(task)
            if as_json:
                print(json.dumps(result.as_json(), ensure_ascii=False), flush=True)
            else:
                _print_result(result)
    return code


def _print_error(exc: EtlError, as_json: bool) -> None:
    """One refused file: its reason type and a bilingual reason on stderr; file names are never read as markup."""
    err.print(f"[red]LỖI / ERROR[/red] \\[{escape(exc.code)}] {escape(exc.vi)}\n  {escape(exc.en)}", highlight=False)


def _print_result(r) -> None:
    note = " (đã nạp trước đó / already loaded)" if r.already_loaded else ""
    out.print(
        f"[bold]{escape(r.file)}[/bold] → {escape(r.kind)} ({escape(r.mapping)}), lô / batch {r.batch_id}{note}",
        highlight=False,
    )
    out.print(
        f"  đọc / read {r.rows_in:,} · mới / new {r.rows_loaded:,} · cập nhật / updated {r.rows_updated:,}"
        f" · không đổi / unchanged {r.rows_unchanged:,} · loại / rejected {r.rows_rejected:,}",
        highlight=False,
    )
    if r.rows_footer:
        rows = ", ".join(str(n) for n in r.footer_rows[:20]) + (" …" if len(r.footer_rows) > 20 else "")
        out.print(
            f"  dòng tổng cộng / chữ ký cuối bảng, không phải dữ liệu / total or signature rows, not data:"
            f" {r.rows_footer:,} (dòng / rows {rows})",
            highlight=False,
        )
    if r.content_withheld:
        out.print(
            f"  không lưu nội dung của {r.content_withheld:,} đơn tố cáo hoặc chưa rõ loại"
            f" / content not stored for {r.content_withheld:,} denunciations or items of unknown kind",
            highlight=False,
        )
    for rej in r.rejections[:20]:
        out.print(
            f"  [yellow]dòng / row {rej.row_number}[/yellow] \\[{escape(rej.error_type)}] {escape(rej.reason_vi)}"
            f"\n      {escape(rej.reason_en)}",
            highlight=False,
        )
    more = r.rows_rejected and len(r.rejections) + r.rejections_not_stored - 20
    if more > 0:
        out.print(
            f"  … {more:,} lý do khác / more reasons: python -m etl status --rejected",
            highlight=False,
        )
    if r.rejections_not_stored:
        out.print(
            f"  {r.rejections_not_stored:,} lý do không được lưu (giới hạn max_rejections_stored)"
            f" / reasons not stored (max_rejections_stored limit)",
            highlight=False,
        )


@click.group()
def main() -> None:
    """Nạp dữ liệu CCHC vào kho DuckDB / Load CCHC exports into the DuckDB warehouse."""


db_option = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Warehouse file (default: $CCHC_DB or data/warehouse.duckdb).",
)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["complaints", "inspections"]),
    default=None,
    help="Kind of export; detected from the headers when not given.",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Mapping file for an export format not built in (see docs/mappings.md).",
)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file on stdout.")
def load(paths: tuple[Path, ...], kind: str | None, mapping: Path | None, db: Path | None, as_json: bool) -> None:
    """Load export files (CSV, XLSX, XLS); every row is loaded or listed as rejected."""
    sys.exit(run_load(list(paths), warehouse.db_path(db), kind, mapping, as_json))


@main.command()
@db_option
@click.option("--scale", type=float, default=1.0, show_default=True, help="Multiplier of ~100 000 complaints.")
@click.option("--seed", type=int, default=2025, show_default=True, help="Random seed (same seed, same files).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the demo exports (default: data/demo beside the warehouse).",
)
def demo(db: Path | None, scale: float, seed: int, out_dir: Path | None) -> None:
    """Write demo exports and load them through `load`, the path users take."""
    from etl.demo import write_demo_exports

    target = warehouse.db_path(db)
    out_dir = out_dir or target.parent / "demo"
    err.print(f"Tạo dữ liệu mẫu / writing demo exports → {out_dir}")
    paths = write_demo_exports(out_dir, scale=scale, seed=seed)
    sys.exit(run_load(paths, target, None, None, as_json=False))


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--rejected", is_flag=True, help="List every rejected row.")
def status(db: Path | None, as_json: bool, rejected: bool) -> None:
    """What is loaded: batches, counts, rejected rows, data freshness."""
    from etl.status import warehouse_status

    target = warehouse.db_path(db)
    if not target.exists():
        err.print(f"Chưa có kho dữ liệu {target} / no warehouse yet: run `python -m etl demo` or `load`.")
        sys.exit(1)
    try:
        st = warehouse_status(target, with_rejections=rejected or as_json)
    except EtlError as exc:
        err.print(f"[red]LỖI / ERROR[/red] {escape(exc.vi)}\n  {escape(exc.en)}", highlight=False)
        sys.exit(2)
    if as_json:
        print(json.dumps(st, ensure_ascii=False, default=str, indent=2))
        return
    out.print(f"[bold]Kho / warehouse[/bold] {escape(str(target))}", highlight=False)
    out.print(f"Nạp lần cuối / last load: {st['last_load_at']}")
    for k, v in st["counts"].items():
        out.print(f"  {k}: {v:,}")
    out.print(f"Dữ liệu đến ngày / data up to: {st['freshness']}")
    table = Table("batch", "file", "kind", "loaded at", "in", "new", "upd", "same", "rej")
    for b in st["batches"]:
        table.add_row(
            str(b["batch_id"]),
            escape(b["file_name"]),
            b["kind"],
            str(b["loaded_at"])[:19],
            *(f"{b[k]:,}" for k in ("rows_in", "rows_loaded", "rows_updated", "rows_unchanged", "rows_rejected")),
        )
    out.print(table)
    if rejected:
        for r in st["rejections"]:
            out.print(
                f"{escape(r['file_name'])} dòng/row {r['row_number']} \\[{escape(r['error_type'])}]"
                f" {escape(r['reason_vi'])} / {escape(r['reason_en'])}",
                highlight=False,
            )


@main.command()
@db_option
@click.option(
    "--to",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Path of the rebuilt warehouse (must not exist).",
)
def rebuild(db: Path | None, target: Path) -> None:
    """Rebuild a warehouse from the archived files, in the original load order.

    The order comes from the warehouse's load history, or from the archive's batch list when the
    warehouse file is damaged or gone.
    """
    from etl import manifest

    source = warehouse.db_path(db)
    if target.exists():
        raise click.ClickException(f"{target} đã tồn tại / already exists")
    try:
        plan, origin = manifest.rebuild_plan(source)
    except Exception as exc:
        raise click.ClickException(
            f"không đọc được kho {source} và không có danh sách lô trong kho lưu trữ / cannot read {source}"
            f" and the archive has no batch list ({exc})"
        ) from exc
    if origin == "manifest":
        err.print(
            f"Kho {source} không đọc được: dùng danh sách lô trong kho lưu trữ ({len(plan)} lô)"
            f" / {source} is unreadable: using the archive's batch list ({len(plan)} batches)",
            highlight=False,
            markup=False,
        )
    target = warehouse.published_name(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The same salt keeps citizen_hash (and so repeat-contact counts) identical in the rebuilt warehouse.
    salt = warehouse.salt_path(source)
    if salt.exists() and not warehouse.salt_path(target).exists():
        shutil.copy2(salt, warehouse.salt_path(target))
    code = 0
    for file_path, mapping_path, kind, name in plan:
        if not file_path.exists():
            err.print(
                f"[yellow]{escape(name)}[/yellow]: không còn trong kho lưu trữ (hết hạn lưu, archive_retention_days),"
                " bỏ qua / no longer archived (retention, archive_retention_days), skipped",
                highlight=False,
            )
            code = 2
            continue
        if kind == "plan":  # annual inspection plans have their own loader (etl/plan.py)
            from etl.plan_cli import run_plan

            code = max(code, run_plan([file_path], target, mapping_path, as_json=False, names=[name]))
        else:
            code = max(code, run_load([file_path], target, kind, mapping_path, as_json=False, names=[name]))
    if target.exists():  # loads append in each file's date order; the rebuilt tables are stored in date order
        from etl.load import cluster_warehouse

        cluster_warehouse(target)
    sys.exit(code)


@main.command()
@db_option
def summaries(db: Path | None) -> None:
    """Rebuild the summary tables of a warehouse in place (a warehouse loaded before they
    existed; every load keeps them afterwards). One transaction, published like a load."""
    from cchc.core import summary

    target = warehouse.db_path(db)
    if not target.exists():
        raise click.ClickException(f"{target} không tồn tại / does not exist")
    # unstamped: the rebuilt rows carry no batch, so the next load copies the file rather than catching up
    with warehouse.write_lock(target), warehouse.working_copy(target, stamped=False) as con:
        con.execute("begin")
        summary.record(con)
        con.execute("commit")
        rows = con.execute("select count(*) from summary_complaint_days").fetchall()[0][0]
    err.print(f"Bảng tổng hợp / summary tables: {rows:,} dòng / rows", highlight=False)


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option(
    "--sync-manifest",
    is_flag=True,
    help="First rewrite the archive's batch list from the warehouse (when it lags behind).",
)
def check(db: Path | None, as_json: bool, sync_manifest: bool) -> None:
    """Verify the warehouse: counts per batch, orphans, agencies, meta. Exit 0 when healthy."""
    from etl import manifest
    from etl.check import check_warehouse

    target = warehouse.db_path(db)
    if sync_manifest and target.exists():
        with warehouse.write_lock(target):
            manifest.sync(target)
    report = check_warehouse(target)
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False, default=str, indent=2))
    else:
        for f in report.findings:
            label = "LỖI / ERROR" if f.severity == "error" else "CẢNH BÁO / WARNING"
            style = "red" if f.severity == "error" else "yellow"
            out.print(f"[{style}]{label}[/{style}] \\[{f.code}] {escape(f.vi)}\n  {escape(f.en)}", highlight=False)
        stats = " · ".join(f"{k}: {v:,}" for k, v in report.stats.items() if isinstance(v, int))
        verdict = (
            "[green]Kho dữ liệu nhất quán / warehouse is consistent[/green]"
            if report.ok
            else f"[red]{len(report.errors)} lỗi / errors[/red]"
        )
        out.print(f"{verdict} ({escape(str(target))}; {report.seconds:.1f} s)", highlight=False)
        if stats:
            out.print(f"  {stats}", highlight=False)
    if report.ok:
        sys.exit(0)
    sys.exit(2 if any(f.code in ("missing", "unreadable", "corrupt") for f in report.errors) else 1)
