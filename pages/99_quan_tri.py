"""Quản trị / Administration: accounts (no password hashes) and the audit trail, which admins
read here and export."""

import pandas as pd
import streamlit as st

from cchc import codebook
from cchc.auth.accounts import Accounts
from cchc.i18n import label, t
from cchc.web import page, widgets

page.header("page.admin")
store = Accounts()

st.subheader(t("admin.users"))
users = pd.DataFrame(
    [
        {
            "username": u.username,
            "display_name": u.display_name,
            "role": t(f"role.{u.role}"),
            "agency_ids": ", ".join(u.agency_ids),
            "status": t("admin.disabled") if u.disabled else t("admin.active"),
            "kind": t("admin.demo") if u.demo else ("OIDC" if u.oidc else t("admin.local")),
        }
        for u in store.list()
    ],
    columns=["username", "display_name", "role", "agency_ids", "status", "kind"],
)
widgets.table(
    users,
    {c: t(f"admin.col_{c}") for c in users.columns},
    key="admin_users",
)
st.caption(t("admin.users_help"))

st.subheader(t("admin.audit"))
broken = store.verify_audit()
if broken is None:
    st.success(t("admin.chain_ok"), icon=":material/verified:")
else:
    st.error(t("admin.chain_broken", id=broken), icon=":material/gpp_bad:")
action = st.selectbox(
    t("admin.action"),
    [None, *codebook.codes("audit_action")],
    format_func=lambda a: t("sidebar.all") if a is None else label("audit_action", a),
    key="admin_action",
)
rows = pd.DataFrame(store.audit_rows(5000, action), columns=["id", "at", "actor", "action", "ok", "address", "detail"])
widgets.table(
    rows,
    {c: t(f"admin.col_{c}") for c in rows.columns},
    {"id": "count"},
    codes={"action": "audit_action"},
    key="admin_audit",
    height=420,
)
widgets.download_csv(rows, "nhat_ky.csv", key="dl_audit", label_key="common.download_data")
