"""Demo accounts, one per role, for `make run` in demo mode. Production mode refuses to start
while any of them (or any of these passwords) exists."""

from __future__ import annotations

from cchc.auth.accounts import Accounts

# (user name, role, password, units, display name)
DEMO_ACCOUNTS = (
    ("lanhdao", "leadership", "demo-lanhdao", (), "Lãnh đạo tỉnh (tài khoản mẫu)"),
    ("chuyenvien", "analyst", "demo-chuyenvien", (), "Chuyên viên Sở Nội vụ (tài khoản mẫu)"),
    ("donvi", "agency", "demo-donvi", ("so:xay-dung",), "Sở Xây dựng (tài khoản mẫu)"),
    ("quantri", "admin", "demo-quantri", (), "Quản trị (tài khoản mẫu)"),
)
DEMO_PASSWORDS = tuple(a[2] for a in DEMO_ACCOUNTS)


def ensure(accounts: Accounts | None = None) -> list[tuple[str, str, str]]:
    """Create the demo accounts that are missing; return (user, role, password) of all of them."""
    accounts = accounts or Accounts()
    for username, role, password, units, name in DEMO_ACCOUNTS:
        if accounts.get(username) is None:
            accounts.add(username, role, password, units, name, demo=True, actor="demo")
    return [(u, r, p) for u, r, p, _, _ in DEMO_ACCOUNTS]


def banner() -> str:
    lines = ["Tài khoản mẫu / demo accounts (demo mode only):"]
    lines += [f"  {role:<10}  {user:<11} / {password}" for user, role, password, _, _ in DEMO_ACCOUNTS]
    return "\n".join(lines)
