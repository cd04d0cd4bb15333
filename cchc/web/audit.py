"""Audit rows for what a signed-in user does on a page: exports, uploads, reports."""

from __future__ import annotations

import logging

import streamlit as st

from cchc.auth.accounts import Accounts, User

log = logging.getLogger(__name__)


def record(action: str, detail: dict, ok: bool = True) -> None:
    """Append one audit row for the session's user (the page goes on if the trail cannot be
    written; the failure is logged for the operator)."""
    user = st.session_state.get("cchc_user")
    actor = user.username if isinstance(user, User) else None
    scope = user.scope.agency_ids if isinstance(user, User) else None
    from cchc.web.signin import address

    try:
        Accounts().audit(actor, action, {**detail, "scope": scope}, ok=ok, address=address())
    except Exception:  # noqa: BLE001
        log.exception("audit row not written: %s %s", action, detail)


def audited(make, kind: str, name: str, filters: dict | None = None, rows: int | None = None):
    """Wrap a download's data function so that making the file writes the audit row. Who and
    where are taken now, in the page's run: the file is made later, outside it."""
    from cchc.web.signin import address

    user = st.session_state.get("cchc_user")
    actor = user.username if isinstance(user, User) else None
    scope = user.scope.agency_ids if isinstance(user, User) else None
    where = address()
    detail = {"kind": kind, "file": name, "filters": filters or {}, "rows": rows, "scope": scope}

    def made():
        data = make()
        try:
            Accounts().audit(actor, "export", detail, address=where)
        except Exception:  # noqa: BLE001
            log.exception("audit row not written: export %s", detail)
        return data

    return made
