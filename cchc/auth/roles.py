"""Roles and what each may do. Enforced on every page (cchc/web/page.py), every download, the
upload and the report — not by hiding menu items; the scope of an agency user is enforced by
the measures core's data layer (cchc/core/warehouse.py)."""

from __future__ import annotations

ROLES = ("leadership", "analyst", "agency", "admin")

# Page keys are the url_path of each page (dashboard.py).
ALL_PAGES = (
    "tong-quan",
    "phan-anh",
    "thoi-gian",
    "kiem-tra",
    "xep-hang",
    "ho-so",
    "dia-ban",
    "ke-hoach",
    "doi-tuong",
    "bao-cao",
    "tra-cuu",
    "du-lieu",
    "quan-tri",
)
_PAGES = {
    # every chart, ranking and report; no row-level explorer, no data page (rows, upload)
    "leadership": set(ALL_PAGES) - {"tra-cuu", "du-lieu", "quan-tri"},
    "analyst": set(ALL_PAGES) - {"quan-tri"},
    # every page, for their own units only (the scope); not the list of candidates for
    # unannounced inspection, which an inspected agency must not see
    "agency": set(ALL_PAGES) - {"quan-tri", "doi-tuong"},
    "admin": set(ALL_PAGES),
}
_ACTIONS = {
    "leadership": {"export_summary", "report"},
    "analyst": {"export_summary", "export_rows", "report", "upload"},
    "agency": {"export_summary", "export_rows", "report"},
    "admin": {"export_summary", "export_rows", "report", "upload", "users", "audit"},
}
ACTIONS = frozenset().union(*_ACTIONS.values())


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    return role


def may_open(role: str | None, page: str) -> bool:
    """May this role open this page? Unknown roles and pages: no (fail closed)."""
    return role in _PAGES and page in _PAGES[role]


def may(role: str | None, action: str) -> bool:
    """May this role do this (export_summary, export_rows, report, upload, users, audit)?"""
    return role in _ACTIONS and action in _ACTIONS[role]


def pages_for(role: str | None) -> list[str]:
    return [p for p in ALL_PAGES if may_open(role, p)]
