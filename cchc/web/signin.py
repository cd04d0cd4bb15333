"""Sign-in, the session's user and role, idle expiry and sign-out.

Local accounts by default; the province's own identity provider through Streamlit's st.login
(OIDC, Authlib) when config/auth.yaml says `provider: oidc`. The signed-in user's scope is put
where cchc.web.data reads it, so every number a page shows is computed under it."""

from __future__ import annotations

import time

import streamlit as st

from cchc.auth import accounts, roles
from cchc.auth.accounts import Accounts, User
from cchc.i18n import t

_USER, _SEEN = "cchc_user", "cchc_seen"


def address() -> str | None:
    """The visitor's address: the connection's, or behind the local reverse proxy the one it forwards."""
    try:
        value = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For")
    except Exception:  # noqa: BLE001 - not known outside a browser session
        return None
    if not isinstance(value, str):
        return None
    # Behind the reverse proxy (the server listens on loopback only) the proxy says who it was.
    if value in ("127.0.0.1", "::1") and isinstance(forwarded, str) and forwarded.strip():
        return forwarded.split(",")[0].strip()[:64]
    return value


def provider() -> str:
    value = accounts.settings()["provider"]
    return value if value in ("local", "oidc") else "local"


def current_user() -> User | None:
    """The signed-in user, or None (never signed in, signed out, or idle too long)."""
    user = st.session_state.get(_USER)
    if not isinstance(user, User):
        return None
    idle = float(accounts.settings()["session_idle_minutes"]) * 60
    now = time.monotonic()
    if now - float(st.session_state.get(_SEEN, now)) > idle:
        sign_out(reason="expired")
        st.session_state["cchc_signin_note"] = "signin.expired"
        return None
    st.session_state[_SEEN] = now
    return user


def role() -> str | None:
    user = current_user()
    return user.role if user else None


def _start(user: User) -> None:
    st.session_state[_USER] = user
    st.session_state[_SEEN] = time.monotonic()


def sign_out(reason: str = "signout") -> None:
    user = st.session_state.get(_USER)
    if isinstance(user, User):
        Accounts().audit(user.username, "signout", {"reason": reason}, address=address())
    for key in (_USER, _SEEN):
        st.session_state.pop(key, None)
    if provider() == "oidc" and reason == "signout":
        try:
            st.logout()
        except Exception:  # noqa: BLE001 - the provider session may already be gone
            pass


def form() -> None:
    """The sign-in screen (stops the run)."""
    st.title(t("app.title"))
    note = st.session_state.pop("cchc_signin_note", None)
    if note:
        st.info(t(note))
    if provider() == "oidc":
        _oidc()
    else:
        _local()
    if accounts.mode() == "demo":
        st.caption(t("signin.demo_note"))
    st.stop()


def _local() -> None:
    with st.form("signin", clear_on_submit=False):
        st.subheader(t("signin.title"))
        username = st.text_input(t("signin.username"), key="signin_user", autocomplete="username")
        password = st.text_input(t("signin.password"), type="password", key="signin_password")
        submitted = st.form_submit_button(t("signin.submit"), type="primary")
    if submitted:
        user = Accounts().verify(username.strip(), password, address=address())
        if user is None:
            st.error(t("signin.failed"))
            return
        _start(user)
        st.session_state.pop("signin_password", None)
        st.rerun()


def _oidc() -> None:
    st.subheader(t("signin.title"))
    if getattr(st.user, "is_logged_in", False):
        email = str(st.user.get("email") or "")
        user = Accounts().oidc_user(email, address=address()) if email else None
        if user is not None:
            _start(user)
            st.rerun()
        st.error(t("signin.no_account"))
        st.button(t("signin.signout"), on_click=st.logout, key="signin_oidc_out")
        return
    st.button(t("signin.oidc"), on_click=st.login, type="primary", key="signin_oidc")


def sidebar(user: User) -> None:
    """Who is signed in, in which role, and the sign-out button."""
    box = st.sidebar.container(border=True)
    box.markdown(f"**{_plain(user.display_name)}**  \n{t('role.' + user.role)}")
    if box.button(t("signin.signout"), key="signout", icon=":material/logout:"):
        sign_out()
        st.rerun()


def refuse_unless(page: str) -> None:
    """Stop a page the signed-in role may not open (a direct URL included) with a refusal."""
    if not roles.may_open(role(), page):
        st.error(t("signin.refused"), icon=":material/block:")
        st.stop()


def _plain(text: str) -> str:
    from cchc.web.safe import md_escape

    return md_escape(text)
