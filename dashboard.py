"""CCHC dashboard entry point: `python -m cchc.serve` (streamlit run dashboard.py). Signs the
visitor in, builds the navigation of the pages their role may open and the sidebar filters (kept
in the URL), then runs the chosen page."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import streamlit as st

from cchc.auth import roles
from cchc.i18n import t
from cchc.web import nav, session, sidebar, signin, style

log = logging.getLogger("cchc.dashboard")

session.seed_from_url()
st.set_page_config(
    page_title=t("app.title"),
    page_icon=str(Path(__file__).parent / "cchc" / "assets" / "favicon.png"),  # local: no fetch from outside
    layout="wide",
    initial_sidebar_state="auto",
)
style.apply()  # the phone layout and the print view (cchc/web/style.py)

# Every page is registered (a page the role may not open answers a direct URL with a refusal,
# cchc/web/page.py), before signing in too, so that a shared link opens its page once signed in;
# the menu lists only the pages the role may open.
pages = {
    p.url: st.Page(p.path, title=t(p.title_key), icon=p.icon, url_path=p.url, default=p.default) for p in nav.PAGES
}
page = st.navigation(list(pages.values()), position="hidden")

user = signin.current_user()
if user is None:
    signin.form()  # stops the run

with st.sidebar:
    for key in roles.pages_for(user.role):
        st.page_link(pages[key])

filters = sidebar.sidebar()
signin.sidebar(user)  # who is signed in and the sign-out button, below the filters
session.sync_url(filters)
session.set_context(filters)
try:
    page.run()
except Exception:  # the visitor sees a reference to quote, never the details (they go to the log)
    ref = uuid.uuid4().hex[:8]
    log.exception("page %s failed (ref %s)", page.url_path, ref)
    st.error(t("common.failure", ref=ref), icon=":material/error:")
