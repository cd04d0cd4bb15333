"""CCHC dashboard entry point: `streamlit run dashboard.py`. Builds the navigation and the
sidebar filters (kept in the URL), then runs the chosen page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from cchc.i18n import t
from cchc.web import session, sidebar

session.seed_from_url()
st.set_page_config(
    page_title=t("app.title"),
    page_icon=str(Path(__file__).parent / "cchc" / "assets" / "favicon.png"),  # local: no fetch from outside
    layout="wide",
    initial_sidebar_state="auto",
)

# url_path is fixed so links do not change with the language.
PAGES = [
    ("pages/1_tong_quan.py", "page.overview", ":material/dashboard:", "tong-quan", True),
    ("pages/2_phan_anh.py", "page.complaints", ":material/forum:", "phan-anh", False),
    ("pages/3_thoi_gian.py", "page.resolution", ":material/timer:", "thoi-gian", False),
    ("pages/4_kiem_tra.py", "page.inspections", ":material/fact_check:", "kiem-tra", False),
    ("pages/5_xep_hang.py", "page.ranking", ":material/leaderboard:", "xep-hang", False),
    ("pages/6_ho_so.py", "page.profile", ":material/domain:", "ho-so", False),
    ("pages/7_tra_cuu.py", "page.explorer", ":material/table_view:", "tra-cuu", False),
    ("pages/8_du_lieu.py", "page.data", ":material/upload_file:", "du-lieu", False),
    ("pages/10_dia_ban.py", "map.title", ":material/map:", "dia-ban", False),
    ("pages/11_ke_hoach.py", "plan.title", ":material/event_note:", "ke-hoach", False),
    ("pages/12_doi_tuong.py", "candidates.title", ":material/target:", "doi-tuong", False),
]
page = st.navigation(
    [
        st.Page(path, title=t(title), icon=icon, url_path=url, default=default)
        for path, title, icon, url, default in PAGES
    ]
)

filters = sidebar.sidebar()
session.sync_url(filters)
session.set_context(filters)
page.run()
