"""Local accounts (passwords hashed with Argon2id by argon2-cffi) and the append-only audit trail,
in one SQLite file: `$CCHC_ACCOUNTS`, else `accounts.sqlite` beside the warehouse."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from cchc.auth import roles
from cchc.core import warehouse
from cchc.core.warehouse import ALL, Scope

CONFIG = warehouse.ROOT / "config" / "auth.yaml"
_HASHER = PasswordHasher()  # Argon2id with the library's current recommended parameters
MIN_PASSWORD = 10

SCHEMA = """
create table if not exists users (
    username text primary key,
    display_name text not null,
    role text not null,
    agency_ids text not null default '[]',      -- JSON list; the scope of an agency user
    password_hash text,                         -- null for accounts that sign in through OIDC
    oidc integer not null default 0,
    demo integer not null default 0,            -- demo accounts: refused in production mode
    disabled integer not null default 0,
    failed_count integer not null default 0,
    locked_until text,
    created_at text not null,
    updated_at text not null
);
create table if not exists audit (
    id integer primary key autoincrement,
    at text not null,
    actor text,
    action text not null,                       -- signin, signin_failed, signout, upload, export, report, user_*
    ok integer not null default 1,
    address text,
    detail text not null default '{}',          -- JSON: file, hash, counts, filters, scope, rows ...
    chain text not null                         -- HMAC(secret, previous chain + this row): tamper-evident
);
create trigger if not exists audit_no_update before update on audit
begin select raise(abort, 'the audit trail is append-only'); end;
create trigger if not exists audit_no_delete before delete on audit
begin select raise(abort, 'the audit trail is append-only'); end;
"""


class AccountError(Exception):
    """A refused account operation, with the reason in Vietnamese and English."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    agency_ids: tuple[str, ...] = ()
    oidc: bool = False
    demo: bool = False
    disabled: bool = False

    @property
    def scope(self) -> Scope:
        """What this user may see: their units for an agency user (none if none are set: fail
        closed), the whole province for the others."""
        return Scope.of(self.agency_ids) if self.role == "agency" else ALL


@lru_cache(maxsize=1)
def settings() -> dict:
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8")) if CONFIG.is_file() else {}
    return {
        "mode": "demo",
        "provider": "local",
        "session_idle_minutes": 30,
        "failure_delay_seconds": 1,
        "failure_delay_max_seconds": 8,
        "max_failures": 5,
        "lockout_minutes": 15,
        **(data or {}),
    }


def mode() -> str:
    value = os.environ.get("CCHC_MODE") or settings()["mode"]
    return value if value in ("demo", "production") else "production"  # unknown: the strict one


def accounts_path() -> Path:
    return Path(os.environ.get("CCHC_ACCOUNTS") or warehouse.warehouse_path().parent / "accounts.sqlite")


def _now() -> datetime:
    return datetime.now(UTC)


class Accounts:
    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else accounts_path()

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        new = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            if new:
                os.chmod(self.path, 0o600)  # password hashes and the audit trail: the service user only
            con.execute("pragma journal_mode = wal")
            con.executescript(SCHEMA)
            con.row_factory = sqlite3.Row
            yield con
        finally:
            con.close()

    # --- the audit trail ------------------------------------------------------------------

    def audit(
        self, actor: str | None, action: str, detail: dict | None = None, ok: bool = True, address: str | None = None
    ) -> None:
        """Append one row; its `chain` is an HMAC (keyed by the session secret) over the previous
        row's chain and this row, so an edited, deleted or inserted row breaks verify_audit()."""
        row = [
            _now().isoformat(timespec="seconds"),
            actor,
            action,
            int(ok),
            address,
            json.dumps(detail or {}, ensure_ascii=False, default=str),
        ]
        with self._db() as con:
            con.execute("begin immediate")
            last = con.execute("select chain from audit order by id desc limit 1").fetchone()
            chain = _chain(last["chain"] if last else "", row)
            con.execute(
                "insert into audit (at, actor, action, ok, address, detail, chain) values (?, ?, ?, ?, ?, ?, ?)",
                [*row, chain],
            )
            con.execute("commit")

    def verify_audit(self) -> int | None:
        """The id of the first audit row that does not fit the chain (None: the trail is intact)."""
        previous = ""
        with self._db() as con:
            for r in con.execute("select * from audit order by id"):
                row = [r["at"], r["actor"], r["action"], r["ok"], r["address"], r["detail"]]
                if not hmac.compare_digest(r["chain"], _chain(previous, row)):
                    return r["id"]
                previous = r["chain"]
        return None

    def audit_rows(self, limit: int = 1000, action: str | None = None) -> list[dict]:
        with self._db() as con:
            rows = con.execute(
                "select * from audit where ? is null or action = ? order by id desc limit ?", [action, action, limit]
            ).fetchall()
        return [dict(r) for r in rows]

    # --- accounts -------------------------------------------------------------------------

    def get(self, username: str) -> User | None:
        with self._db() as con:
            row = con.execute("select * from users where username = ?", [username]).fetchone()
        return _user(row) if row else None

    def list(self) -> list[User]:
        with self._db() as con:
            return [_user(r) for r in con.execute("select * from users order by role, username").fetchall()]

    def add(
        self,
        username: str,
        role: str,
        password: str | None,
        agency_ids: tuple[str, ...] = (),
        display_name: str | None = None,
        oidc: bool = False,
        demo: bool = False,
        actor: str = "cli",
    ) -> User:
        username = username.strip()
        if not username or len(username) > 200:
            raise AccountError("Tên đăng nhập không hợp lệ", "Invalid user name")
        try:
            roles.check_role(role)
        except ValueError as exc:
            raise AccountError(f"Vai trò không hợp lệ: {role}", str(exc)) from exc
        if role == "agency" and not agency_ids:
            raise AccountError(
                "Tài khoản đơn vị cần ít nhất một --agency", "An agency account needs at least one --agency"
            )
        if not oidc:
            _check_password(password, demo)
        if self.get(username):
            raise AccountError(f"Đã có tài khoản {username}", f"Account {username} already exists")
        stamp = _now().isoformat(timespec="seconds")
        with self._db() as con:
            con.execute(
                """insert into users (username, display_name, role, agency_ids, password_hash, oidc, demo,
                                      created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    username,
                    display_name or username,
                    role,
                    json.dumps(list(agency_ids)),
                    None if oidc else _HASHER.hash(password),
                    int(oidc),
                    int(demo),
                    stamp,
                    stamp,
                ],
            )
        self.audit(actor, "user_add", {"user": username, "role": role, "agency_ids": list(agency_ids), "oidc": oidc})
        return self.get(username)

    def set_disabled(self, username: str, disabled: bool, actor: str = "cli") -> None:
        self._update(username, "disabled = ?, failed_count = 0, locked_until = null", [int(disabled)])
        self.audit(actor, "user_disable" if disabled else "user_enable", {"user": username})

    def reset(self, username: str, password: str, actor: str = "cli") -> None:
        _check_password(password, demo=False)
        self._update(
            username, "password_hash = ?, demo = 0, failed_count = 0, locked_until = null", [_HASHER.hash(password)]
        )
        self.audit(actor, "user_reset", {"user": username})

    def _update(self, username: str, assignments: str, values: list) -> None:
        with self._db() as con:
            cur = con.execute(
                f"update users set {assignments}, updated_at = ? where username = ?",
                [*values, _now().isoformat(timespec="seconds"), username],
            )
        if cur.rowcount == 0:
            raise AccountError(f"Không có tài khoản {username}", f"No account {username}")

    # --- signing in -----------------------------------------------------------------------

    def verify(self, username: str, password: str, address: str | None = None) -> User | None:
        """The user if the password is right and the account usable; None otherwise. Every
        attempt is audited; failures are slowed down and lock the account after too many."""
        cfg = settings()
        with self._db() as con:
            row = con.execute("select * from users where username = ?", [username]).fetchone()
        locked = row is not None and row["locked_until"] and datetime.fromisoformat(row["locked_until"]) > _now()
        ok = False
        if row is not None and not row["disabled"] and not locked and row["password_hash"]:
            try:
                ok = _HASHER.verify(row["password_hash"], password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
        if ok:
            self._update(username, "failed_count = 0, locked_until = null", [])
            self.audit(username, "signin", {"provider": "local"}, address=address)
            return _user(row)
        failures = (row["failed_count"] + 1) if row is not None else 1
        if row is not None:
            lock = None
            if failures >= int(cfg["max_failures"]):
                lock = (_now() + timedelta(minutes=float(cfg["lockout_minutes"]))).isoformat(timespec="seconds")
            self._update(username, "failed_count = ?, locked_until = coalesce(?, locked_until)", [failures, lock])
        reason = "unknown" if row is None else "disabled" if row["disabled"] else "locked" if locked else "password"
        self.audit(username, "signin_failed", {"reason": reason, "failures": failures}, ok=False, address=address)
        delay = float(cfg["failure_delay_seconds"]) * 2 ** min(failures - 1, 10)
        time.sleep(min(delay, float(cfg["failure_delay_max_seconds"])))
        return None

    def oidc_user(self, email: str, address: str | None = None) -> User | None:
        """The account of an e-mail signed in by the identity provider (None: not allowed here)."""
        user = self.get(email)
        if user is None or not user.oidc or user.disabled:
            self.audit(email, "signin_failed", {"provider": "oidc", "reason": "no account"}, ok=False, address=address)
            return None
        self.audit(email, "signin", {"provider": "oidc"}, address=address)
        return user

    # --- production mode ------------------------------------------------------------------

    def production_problems(self, secret: str | None) -> list[tuple[str, str]]:
        """Why production mode must not start: demo accounts, default passwords, no secret."""
        problems = []
        users = self.list()
        demo = [u.username for u in users if u.demo]
        if demo:
            problems.append((f"Còn tài khoản mẫu: {', '.join(demo)}", f"Demo accounts still exist: {', '.join(demo)}"))
        with self._db() as con:
            hashes = con.execute("select username, password_hash from users where password_hash is not null").fetchall()
        from cchc.auth.demo import DEMO_PASSWORDS

        weak = [r["username"] for r in hashes if any(_matches(r["password_hash"], p) for p in DEMO_PASSWORDS)]
        if weak:
            problems.append((f"Mật khẩu mặc định: {', '.join(weak)}", f"Default passwords in use: {', '.join(weak)}"))
        if not secret or len(secret) < 32:
            problems.append(
                (
                    "Thiếu khóa phiên (CCHC_SECRET, ít nhất 32 ký tự)",
                    "No session secret (CCHC_SECRET, at least 32 characters)",
                )
            )
        if not users:
            problems.append(("Chưa có tài khoản nào", "No accounts yet (python -m cchc users add ...)"))
        return problems


DEMO_SECRET = "demo-mode-secret-not-for-production-use-0000"


def secret() -> str | None:
    """The session secret: $CCHC_SECRET; in demo mode a fixed demo key when none is set."""
    value = os.environ.get("CCHC_SECRET")
    return value or (DEMO_SECRET if mode() == "demo" else None)


def _chain(previous: str, row: list) -> str:
    key = (secret() or DEMO_SECRET).encode()
    return hmac.new(key, (previous + json.dumps(row, ensure_ascii=False)).encode(), hashlib.sha256).hexdigest()


def _matches(hash_: str, password: str) -> bool:
    try:
        return _HASHER.verify(hash_, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _check_password(password: str | None, demo: bool) -> None:
    if password is None or (not demo and len(password) < MIN_PASSWORD):
        raise AccountError(
            f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự", f"The password needs at least {MIN_PASSWORD} characters"
        )


def _user(row: sqlite3.Row) -> User:
    return User(
        username=row["username"],
        display_name=row["display_name"],
        role=row["role"],
        agency_ids=tuple(json.loads(row["agency_ids"] or "[]")),
        oidc=bool(row["oidc"]),
        demo=bool(row["demo"]),
        disabled=bool(row["disabled"]),
    )
