"""Sign-in, roles, agency scope, the audit trail and hostile query parameters, in AppTest."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from cchc.auth import accounts, roles
from cchc.auth.accounts import AccountError, Accounts
from cchc.web import nav
from tests.conftest_pages import ROOT, signed_in_app

REFUSED = "Vai trò của bạn không được mở trang này."
PAGE_FILES = {p.url: p.path for p in nav.PAGES}
AGENCY = "so:noi-vu"


def open_as(role: str, page: str, params: dict | None = None) -> AppTest:
    at = signed_in_app(role, (AGENCY,))
    at.query_params.update(params or {})
    at.run()
    if page != "tong-quan":
        at.switch_page(PAGE_FILES[page]).run()
    return at


@pytest.fixture
def fast_failures(monkeypatch):
    monkeypatch.setitem(accounts.settings(), "failure_delay_seconds", 0)


@pytest.fixture
def store(fixture_db, tmp_path, monkeypatch) -> Accounts:
    monkeypatch.setenv("CCHC_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
    return Accounts()


# --- each role against each page -------------------------------------------------------------


@pytest.mark.parametrize("role", roles.ROLES)
@pytest.mark.parametrize("page", roles.ALL_PAGES)
def test_each_role_opens_its_pages_and_is_refused_the_others(fixture_db, role, page):
    at = open_as(role, page)
    assert [e.value for e in at.exception] == []
    errors = [e.value for e in at.error]
    if roles.may_open(role, page):
        assert REFUSED not in errors
        assert at.caption, "the page drew its header"
    else:
        assert errors == [REFUSED]
        assert len(at.metric) == 0 and len(at.dataframe) == 0, "a refused page shows no data"


def test_the_menu_lists_only_the_pages_of_the_role(fixture_db):
    for role in roles.ROLES:
        at = open_as(role, "tong-quan")
        links = {link.proto.page or "tong-quan" for link in at.get("page_link")}  # the default page is "/"
        assert links == set(roles.pages_for(role)), role


def test_nobody_signed_in_gets_the_sign_in_form_and_no_data(fixture_db):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert [t.label for t in at.text_input] == ["Tên đăng nhập", "Mật khẩu"]
    assert len(at.metric) == 0 and len(at.dataframe) == 0


def test_leadership_has_no_row_export_and_no_upload(fixture_db):
    assert not roles.may("leadership", "export_rows") and not roles.may("leadership", "upload")
    at = open_as("agency", "du-lieu")
    assert [u for u in at.get("file_uploader")] == [], "an agency user cannot upload"
    at = open_as("analyst", "du-lieu")
    assert len(at.get("file_uploader")) == 1


@pytest.mark.parametrize("role", roles.ROLES)
def test_downloads_follow_the_role(fixture_db, role):
    explorer = open_as(role, "tra-cuu")
    row_buttons = [d for d in explorer.get("download_button") if "dòng" in d.proto.label]
    assert (len(row_buttons) == 2) == (roles.may_open(role, "tra-cuu") and roles.may(role, "export_rows"))
    overview = open_as(role, "tong-quan")
    summary = [d for d in overview.get("download_button") if d.proto.label == "Tải số liệu (CSV)"]
    assert (len(summary) > 0) == roles.may(role, "export_summary")


# --- the agency user's numbers ---------------------------------------------------------------


@pytest.mark.parametrize("page", ["tong-quan", "thoi-gian", "kiem-tra"])
def test_agency_users_cards_equal_the_province_filtered_to_the_agency(fixture_db, page):
    mine = {m.label: m.value for m in open_as("agency", page).metric}
    filtered = {m.label: m.value for m in open_as("analyst", page, {"agencies": AGENCY}).metric}
    assert mine == filtered and mine


def test_agency_user_sees_only_their_units_in_the_explorer_and_filters(fixture_db):
    at = open_as("agency", "tra-cuu")
    shown = at.dataframe[0].value
    assert len(shown) > 0 and set(shown["Cơ quan"]) == {"Sở Nội vụ"}
    options = at.multiselect(key="f_agencies.vi").options
    assert options and all("Sở Nội vụ" in o for o in options)


def test_agency_profile_compares_with_the_province_average(fixture_db):
    at = open_as("agency", "ho-so", {"agency": AGENCY})
    notes = " ".join(c.value for c in at.caption)
    province = open_as("analyst", "tong-quan").metric
    on_time = next(m.value for m in province if m.label == "Tỷ lệ đúng hạn")
    assert f"Toàn tỉnh: {on_time}" in notes.replace("\\", "")


# --- signing in ------------------------------------------------------------------------------


def sign_in(username: str, password: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    at.text_input(key="signin_user").set_value(username)
    at.text_input(key="signin_password").set_value(password)
    at.button[0].click().run()
    return at


def test_sign_in_with_a_local_account_and_the_audit_rows(store, fast_failures):
    store.add("nva", "analyst", "a-long-password-1", display_name="Nguyễn Văn A")
    wrong = sign_in("nva", "not-the-password")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in wrong.error[0].value
    assert len(wrong.metric) == 0
    right = sign_in("nva", "a-long-password-1")
    assert [e.value for e in right.exception] == []
    assert "Tiếp nhận" in [m.label for m in right.metric]
    actions = [(r["actor"], r["action"], r["ok"]) for r in store.audit_rows()]
    assert actions[:2] == [("nva", "signin", 1), ("nva", "signin_failed", 0)]


def test_failed_sign_ins_lock_the_account(store, fast_failures):
    store.add("nvb", "leadership", "a-long-password-2")
    for _ in range(int(accounts.settings()["max_failures"])):
        assert store.verify("nvb", "wrong") is None
    assert store.verify("nvb", "a-long-password-2") is None, "locked even with the right password"
    reasons = [r["detail"] for r in store.audit_rows(action="signin_failed")]
    assert '"reason": "locked"' in reasons[0]


def test_failures_are_slowed_down(store):
    import time

    store.add("nvc", "leadership", "a-long-password-3")
    started = time.monotonic()
    store.verify("nvc", "wrong")
    store.verify("nvc", "wrong")
    assert time.monotonic() - started >= 3 * float(accounts.settings()["failure_delay_seconds"])


def test_disabled_accounts_and_bad_accounts_are_refused(store, fast_failures):
    store.add("nvd", "agency", "a-long-password-4", ("so:noi-vu",))
    store.set_disabled("nvd", True)
    assert store.verify("nvd", "a-long-password-4") is None
    with pytest.raises(AccountError):
        store.add("short", "analyst", "short")
    with pytest.raises(AccountError):
        store.add("nobody", "agency", "a-long-password-5")  # an agency user needs units
    with pytest.raises(AccountError):
        store.add("x", "superuser", "a-long-password-6")


def test_session_expires_after_idle_time(fixture_db, monkeypatch):
    at = signed_in_app("analyst")
    at.session_state["cchc_seen"] = -1e9  # last activity long ago
    at.run()
    assert "Phiên làm việc đã hết hạn" in " ".join(i.value for i in at.info)
    assert len(at.metric) == 0


def test_oidc_sign_in_is_chosen_when_configured(fixture_db, monkeypatch):
    monkeypatch.setitem(accounts.settings(), "provider", "oidc")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert [b.label for b in at.button] == ["Đăng nhập bằng tài khoản của tỉnh"]
    assert at.text_input.len == 0 if hasattr(at.text_input, "len") else len(at.text_input) == 0


def test_oidc_account_must_exist_and_be_marked_oidc(store):
    store.add("a@thainguyen.gov.vn", "leadership", None, oidc=True)
    assert store.oidc_user("a@thainguyen.gov.vn").role == "leadership"
    assert store.oidc_user("b@gmail.com") is None


# --- the audit trail -------------------------------------------------------------------------


def test_audit_trail_is_append_only_and_tamper_evident(store):
    store.audit("nva", "export", {"rows": 10})
    store.audit("nva", "export", {"rows": 20})
    assert store.verify_audit() is None
    con = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("update audit set actor = 'x'")
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("delete from audit")
    # someone who drops the triggers and edits a row breaks the chain
    con.execute("drop trigger audit_no_update")
    con.execute("update audit set detail = '{\"rows\": 1}' where id = (select min(id) from audit)")
    con.commit()
    con.close()
    assert store.verify_audit() == 1


def test_upload_and_export_write_audit_rows(store, fixture_db, tmp_path):
    from cchc.web import audit

    with pytest.MonkeyPatch.context() as mp:
        import streamlit as st

        mp.setattr(st, "session_state", {"cchc_user": accounts.User("nva", "A", "analyst")})
        made = audit.audited(lambda: b"a,b", "summary", "x.csv", {"period": "last_month"}, 12)
    assert store.audit_rows(action="export") == [], "no row before the file is made"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(st, "session_state", {"cchc_user": accounts.User("nva", "A", "analyst")})
        assert made() == b"a,b"
        audit.record("upload", {"file": "t.csv", "rows_in": 3})
    rows = store.audit_rows()
    assert [(r["actor"], r["action"]) for r in rows[:2]] == [("nva", "upload"), ("nva", "export")]
    assert '"rows": 12' in rows[1]["detail"] and '"period": "last_month"' in rows[1]["detail"]


def test_users_command_adds_lists_and_disables(store):
    env = {**os.environ, "CCHC_ACCOUNTS": str(store.path)}

    def cli(*args, stdin=None):
        return subprocess.run(
            [sys.executable, "-m", "cchc", "users", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        )

    assert (
        cli(
            "add", "nve", "--role", "agency", "--agency", "so:noi-vu", "--password-stdin", stdin="long-enough-pw\n"
        ).returncode
        == 0
    )
    assert cli("disable", "nve").returncode == 0
    listed = cli("list").stdout
    assert "nve\tagency\tso:noi-vu\tdisabled" in listed
    refused = cli("add", "nve", "--role", "analyst", "--password-stdin", stdin="long-enough-pw\n")
    assert refused.returncode == 2 and "already exists" in refused.stderr
    assert "user_add" in [r["action"] for r in store.audit_rows()]


# --- production mode -------------------------------------------------------------------------


def _preflight(env: dict) -> subprocess.CompletedProcess:
    code = "import sys; from cchc import serve; sys.exit(serve.preflight())"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)


def test_production_refuses_demo_accounts_default_passwords_and_no_secret(store):
    from cchc.auth import demo

    demo.ensure(store)
    env = {**os.environ, "CCHC_ACCOUNTS": str(store.path), "CCHC_MODE": "production"}
    env.pop("CCHC_SECRET", None)
    proc = _preflight(env)
    assert proc.returncode == 2
    assert "Demo accounts still exist" in proc.stderr and "No session secret" in proc.stderr


def test_production_starts_with_real_accounts_and_a_secret(store):
    store.add("admin1", "admin", "a-really-long-password")
    env = {**os.environ, "CCHC_ACCOUNTS": str(store.path), "CCHC_MODE": "production", "CCHC_SECRET": "s" * 40}
    proc = _preflight(env)
    assert proc.returncode == 0, proc.stderr


def test_demo_mode_creates_and_prints_the_demo_accounts(store):
    env = {**os.environ, "CCHC_ACCOUNTS": str(store.path), "CCHC_MODE": "demo"}
    proc = _preflight(env)
    assert proc.returncode == 0
    assert "lanhdao" in proc.stderr and "demo-lanhdao" in proc.stderr
    assert {u.username for u in store.list()} == {"lanhdao", "chuyenvien", "donvi", "quantri"}


# --- hostile query parameters ----------------------------------------------------------------

HOSTILE = [
    {"period": "custom", "from": "0001-01-01", "to": "9999-12-31"},
    {"period": "custom", "from": "0001-01-01", "to": "0001-01-31"},
    {"agencies": "x' or 1=1; drop table complaints; --", "channel": "hotline'--"},
    {"level": "../../etc/passwd", "category": "a" * 5000},
    {"period": ["last_month", "x"], "cut": "1; select 1"},
    {"rollup": "2", "kind": "<script>alert(1)</script>", "itype": "%00"},
]


@pytest.mark.parametrize("params", HOSTILE)
@pytest.mark.parametrize("page", ["tong-quan", "phan-anh", "ho-so", "tra-cuu"])
def test_hostile_query_parameters_change_nothing_and_leak_nothing(fixture_db, page, params):
    flat = {k: (v[0] if isinstance(v, list) else v) for k, v in params.items()}
    at = open_as("analyst", page, flat)
    assert [e.value for e in at.exception] == []
    assert [e.value for e in at.error] == []
    caption = " ".join(c.value for c in at.caption)
    assert "0001" not in caption and "9999" not in caption


def test_profile_shows_a_query_parameter_as_text_not_markdown(fixture_db):
    evil = "x](http://evil.example) ![i](http://evil.example/i.png) :red[y]"
    at = open_as("analyst", "ho-so", {"agency": evil})
    text = at.warning[0].value
    assert "](http" not in text and "![" not in text and ":red[" not in text
    assert r"\]\(http\:" in text  # shown, escaped: the visitor sees the text they sent


def test_chart_labels_from_data_are_text_and_the_builders_own_markup_stays():
    import pandas as pd

    from cchc import charts

    df = pd.DataFrame({"value": ["<a href='http://x'>bấm</a>", "<b>đậm</b>"], "received": [3, 2]})
    fig = charts.bars(df, y="value", x="received", title="t", context="c", x_title="x")
    labels = list(fig.data[0].y)
    assert all("<a" not in v and "<b>" not in v for v in labels)
    assert "&lt;a href='http://x'&gt;bấm&lt;/a&gt;" in labels
    # a department is named in full, a commune by its short name (cchc/names.py): both come from data
    table = pd.DataFrame(
        {
            "unit_id": ["a", "b"],
            "unit_name": ["Sở <b>X</b>", "Xã <u>Z</u>"],
            "unit_short_name": ["S<s>X</s>", "X<i>y</i>"],
            "unit_level": ["department", "commune"],
            "score": [40.0, 45.0],
            "to_be_handled": [20, 20],
            "on_time_rate": [0.5, 0.5],
            "overdue": [3, 3],
            "overdue_rate": [0.3, 0.3],
            "violations": [0, 0],
            "weakest": ["overdue_rate", "overdue_rate"],
            "band": ["red", "red"],
        }
    )
    fig = charts.attention(table, "t", "c")
    text = " ".join(str(v) for v in fig.data[0].y) + " ".join(str(v) for v in (fig.data[0].hovertext or []))
    assert "&lt;b&gt;X&lt;/b&gt;" in text and "Sở <b>X</b>" not in text
    assert "&lt;u&gt;Z&lt;/u&gt;" in text and "<u>Z</u>" not in text  # the commune's short name
    assert "&lt;span" not in text, "the builder's own markup is not escaped"
