"""python -m cchc: the measures core on the command line (no browser, no Streamlit).

python -m cchc measures --period last_12m --by unit --format json
python -m cchc measures --from 2025-01-01 --to 2025-06-30 --cut official --by month
python -m cchc measures --scope so:noi-vu --by channel --lang en
python -m cchc report --period 2026-10 --cut official --format docx,pdf,xlsx --out reports/
"""

from __future__ import annotations

import json
import math
import os
import sys
from datetime import date

import click
import pandas as pd

from cchc import codebook, fmt
from cchc.clock import today as province_today
from cchc.core import ALL, Filters, Scope, WarehouseMissing, compute, periods, warehouse
from cchc.core import measures as registry
from cchc.i18n import t, using

BY = ("unit", "level", "month", "channel", "kind", "category", "status", "inspection_type", "violation_category")
# grain -> codebook section naming its codes
_SECTIONS = {
    "level": "level",
    "channel": "channel",
    "kind": "kind",
    "category": "category",
    "status": "status",
    "inspection_type": "inspection_type",
    "violation_category": "violation_category",
}


def _fail(vi: str, en: str) -> None:
    click.echo(f"{vi}\n{en}", err=True)
    sys.exit(2)


def _date(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{flag}: '{value}' không phải ngày YYYY-MM-DD", f"{flag}: '{value}' is not a YYYY-MM-DD date")
    return None


def _filters(preset: str | None, start: date | None, end: date | None, cut: str, as_was: bool) -> Filters:
    if (start is None) != (end is None):
        _fail("Cần cả --from và --to", "Both --from and --to are needed")
    if start and preset:
        _fail("Chọn --period hoặc --from/--to, không cả hai", "Give --period or --from/--to, not both")
    if start:
        if start > end:
            _fail("--from phải trước --to", "--from must not be after --to")
        return Filters(preset="custom", start=start, end=end, cut=cut, rollup=not as_was)
    return Filters(preset=preset or "last_month", cut=cut, rollup=not as_was)


def _group_columns(out: pd.DataFrame, by: str | None, lang: str) -> pd.DataFrame:
    """`group` (the unit's id, the code, the month) and `group_name` first."""
    if by is None:
        group = pd.Series([None] * len(out), dtype=object)
        name = pd.Series([t("common.province", lang)] * len(out), dtype=object)
    elif by == "unit":
        group, name = out["unit_id"], out["unit_name"]
    elif by == "month":
        group = out["month"].dt.strftime("%Y-%m")
        name = out["month"].map(lambda m: fmt.month(m))
    else:
        col = "unit_level" if by == "level" else by
        group = out[col]
        name = out[col].map(lambda c: codebook.label(_SECTIONS[by], c, lang))
    measures = [c for c in out.columns if c in registry.MEASURES]
    return pd.concat([pd.DataFrame({"group": group.to_numpy(), "group_name": name.to_numpy()}), out[measures]], axis=1)


def _json_value(v: object) -> object:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _table(out: pd.DataFrame, lang: str) -> str:
    shown = out.copy()
    for name in shown.columns:
        if name in registry.MEASURES:
            unit = registry.get(name).unit
            shown[name] = [fmt.value(v, unit, lang) for v in shown[name]]
    shown = shown.fillna(fmt.DASH)
    return shown.to_string(index=False)


@click.group()
def main() -> None:
    """Bảng điều khiển CCHC: số liệu từ dòng lệnh / CCHC dashboard: figures on the command line."""


@main.command()
@click.option("--db", "db", type=click.Path(dir_okay=False), help="Kho dữ liệu / warehouse (default: $CCHC_DB).")
@click.option("--from", "start", help="Từ ngày / first day, YYYY-MM-DD.")
@click.option("--to", "end", help="Đến ngày / last day, YYYY-MM-DD.")
@click.option("--period", "preset", type=click.Choice([p for p in periods.PRESETS if p != "custom"]))
@click.option("--cut", type=click.Choice(periods.CUTS), default="calendar", show_default=True)
@click.option("--by", type=click.Choice(BY), help="Nhóm theo / group by.")
@click.option("--as-was", is_flag=True, help="Đơn vị như lúc tiếp nhận / units as they were (no roll-up).")
@click.option("--scope", "scope_ids", multiple=True, help="Chỉ các đơn vị này / only these units (repeatable).")
@click.option("--measure", "names", multiple=True, type=click.Choice(list(registry.MEASURES)), help="Only these.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--format", "fmt_", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def measures(db, start, end, preset, cut, by, as_was, scope_ids, names, lang, fmt_) -> None:
    """Mỗi nhóm một dòng với mọi chỉ số / one row per group with every measure."""
    f = _filters(preset, _date(start, "--from"), _date(end, "--to"), cut, as_was)
    scope = Scope.of(scope_ids) if scope_ids else ALL
    path = warehouse.warehouse_path(db)
    try:
        if scope_ids:
            known = set(warehouse.run("select agency_id from agencies", scope=ALL, path=path)["agency_id"])
            unknown = [s for s in scope_ids if s not in known]
            if unknown:
                _fail(f"Không có đơn vị: {', '.join(unknown)}", f"No such unit: {', '.join(unknown)}")
        period = f.period(province_today())
        out = compute(list(names) or None, f, period, by=[by] if by else [], scope=scope, path=path)
    except WarehouseMissing:
        _fail(f"Chưa có kho dữ liệu tại {path}", f"No warehouse at {path}")
    with using(lang):
        out = _group_columns(out, by, lang)
        if fmt_ == "json":
            rows = [{k: _json_value(v) for k, v in r.items()} for r in out.to_dict(orient="records")]
            click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        elif fmt_ == "csv":
            click.echo(out.to_csv(index=False), nl=False)
        else:
            click.echo(f"{fmt.period_label(period, lang)}")
            click.echo(_table(out, lang))


@main.command()
@click.option("--db", "db", type=click.Path(dir_okay=False), help="Kho dữ liệu / warehouse (default: $CCHC_DB).")
@click.option(
    "--period",
    "period_text",
    default="last",
    show_default=True,
    help="Kỳ / period: 2026-10, 2026-Q3, 2026-H1, 2026, last (the last finished month), last-quarter, last-year.",
)
@click.option("--cut", type=click.Choice(periods.CUTS), default="calendar", show_default=True)
@click.option("--scope", "scope_ids", multiple=True, help="Chỉ các đơn vị này / only these units (repeatable).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option(
    "--format", "formats", default="docx,pdf,xlsx", show_default=True, help="docx, pdf, xlsx (comma-separated)."
)
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False), help="Thư mục / folder (default: config/report.yaml)."
)
def report(db, period_text, cut, scope_ids, lang, formats, out_dir) -> None:
    """Báo cáo định kỳ: Word, bản tin PDF, phụ lục Excel / the periodic report: Word, PDF brief, Excel annex."""
    from cchc.report import build as report_build
    from cchc.report import images
    from cchc.report.content import parse_period

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in report_build.FORMATS]
    if unknown or not wanted:
        _fail(f"--format: chỉ docx, pdf, xlsx (không có {', '.join(unknown)})", "--format: docx, pdf, xlsx only")
    ids = [s.strip() for value in scope_ids for s in value.split(",") if s.strip()]
    path = warehouse.warehouse_path(db)
    if db:
        os.environ["CCHC_DB"] = str(path)
    today = province_today()
    try:
        period = parse_period(period_text, cut, today)
    except ValueError:
        _fail(
            f"--period: '{period_text}' không phải kỳ (2026-10, 2026-Q3, 2026-H1, 2026, last)",
            f"--period: '{period_text}' is not a period (2026-10, 2026-Q3, 2026-H1, 2026, last)",
        )
    try:
        if ids:
            known = set(warehouse.run("select agency_id from agencies", scope=ALL, path=path)["agency_id"])
            missing = [s for s in ids if s not in known]
            if missing:
                _fail(f"Không có đơn vị: {', '.join(missing)}", f"No such unit: {', '.join(missing)}")
        built = report_build.build(period, Filters(cut=cut), Scope.of(ids) if ids else ALL, lang, wanted, out_dir)
    except WarehouseMissing:
        images.shutdown()
        _fail(f"Chưa có kho dữ liệu tại {path}", f"No warehouse at {path}")
    with using(lang):
        click.echo(f"{fmt.period_label(period, lang)} · {built.report.scope_text}")
        for path_ in built.files.values():
            click.echo(str(path_))
        for problem in built.chart_errors:
            click.echo(f"! {problem}", err=True)
        click.echo(f"{built.seconds['total']:.1f} s", err=True)
    images.shutdown()


# --- accounts --------------------------------------------------------------------------------


@main.group()
def users() -> None:
    """Tài khoản / accounts: add, disable, enable, reset, list, demo."""


def _accounts():
    from cchc.auth.accounts import Accounts

    return Accounts()


def _account_call(fn) -> None:
    from cchc.auth.accounts import AccountError

    try:
        fn()
    except AccountError as exc:
        _fail(exc.vi, exc.en)


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["leadership", "analyst", "agency", "admin"]), required=True)
@click.option("--agency", "agency_ids", multiple=True, help="Đơn vị của tài khoản đơn vị / the agency user's units.")
@click.option("--name", "display_name", help="Tên hiển thị / display name.")
@click.option("--oidc", is_flag=True, help="Đăng nhập qua nhà cung cấp định danh / signs in through OIDC.")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ stdin / read the password from stdin.")
def users_add(username, role, agency_ids, display_name, oidc, password_stdin) -> None:
    """Thêm tài khoản / add an account."""
    password = None
    if not oidc:
        password = (
            sys.stdin.readline().rstrip("\n")
            if password_stdin
            else click.prompt("Mật khẩu / password", hide_input=True, confirmation_prompt=True)
        )
    _account_call(lambda: _accounts().add(username, role, password, tuple(agency_ids), display_name, oidc=oidc))
    click.echo(f"Đã thêm / added: {username} ({role})")


@users.command("disable")
@click.argument("username")
def users_disable(username) -> None:
    """Khóa tài khoản / disable an account."""
    _account_call(lambda: _accounts().set_disabled(username, True))
    click.echo(f"Đã khóa / disabled: {username}")


@users.command("enable")
@click.argument("username")
def users_enable(username) -> None:
    """Mở khóa tài khoản / enable an account."""
    _account_call(lambda: _accounts().set_disabled(username, False))
    click.echo(f"Đã mở khóa / enabled: {username}")


@users.command("reset")
@click.argument("username")
@click.option("--password-stdin", is_flag=True)
def users_reset(username, password_stdin) -> None:
    """Đặt lại mật khẩu / set a new password."""
    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else click.prompt("Mật khẩu mới / new password", hide_input=True, confirmation_prompt=True)
    )
    _account_call(lambda: _accounts().reset(username, password))
    click.echo(f"Đã đặt lại / reset: {username}")


@users.command("list")
def users_list() -> None:
    """Danh sách tài khoản / list accounts."""
    for u in _accounts().list():
        flags = [f for f, on in (("disabled", u.disabled), ("demo", u.demo), ("oidc", u.oidc)) if on]
        units = ",".join(u.agency_ids)
        click.echo(f"{u.username}\t{u.role}\t{units}\t{' '.join(flags)}\t{u.display_name}")


@users.command("demo")
def users_demo() -> None:
    """Tạo tài khoản mẫu (chỉ chế độ demo) / create the demo accounts (demo mode only)."""
    from cchc.auth import accounts, demo

    if accounts.mode() != "demo":
        _fail("Chế độ production: không tạo tài khoản mẫu", "Production mode: no demo accounts")
    demo.ensure()
    click.echo(demo.banner())
