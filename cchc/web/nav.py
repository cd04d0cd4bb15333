"""The pages of the dashboard: file, title, icon and URL path (fixed, so links do not change
with the language). The URL path is also the page's key for roles (cchc/auth/roles.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str
    title_key: str
    icon: str
    url: str
    default: bool = False


PAGES = (
    PageSpec("pages/1_tong_quan.py", "page.overview", ":material/dashboard:", "tong-quan", True),
    PageSpec("pages/2_phan_anh.py", "page.complaints", ":material/forum:", "phan-anh"),
    PageSpec("pages/3_thoi_gian.py", "page.resolution", ":material/timer:", "thoi-gian"),
    PageSpec("pages/4_kiem_tra.py", "page.inspections", ":material/fact_check:", "kiem-tra"),
    PageSpec("pages/5_xep_hang.py", "page.ranking", ":material/leaderboard:", "xep-hang"),
    PageSpec("pages/6_ho_so.py", "page.profile", ":material/domain:", "ho-so"),
    PageSpec("pages/10_dia_ban.py", "map.title", ":material/map:", "dia-ban"),
    PageSpec("pages/11_ke_hoach.py", "plan.title", ":material/event_note:", "ke-hoach"),
    PageSpec("pages/12_doi_tuong.py", "candidates.title", ":material/target:", "doi-tuong"),
    PageSpec("pages/9_bao_cao.py", "page.report", ":material/description:", "bao-cao"),
    PageSpec("pages/7_tra_cuu.py", "page.explorer", ":material/table_view:", "tra-cuu"),
    PageSpec("pages/8_du_lieu.py", "page.data", ":material/upload_file:", "du-lieu"),
    PageSpec("pages/99_quan_tri.py", "page.admin", ":material/admin_panel_settings:", "quan-tri"),
)
_BY_TITLE = {p.title_key: p for p in PAGES}


def key_for(title_key: str) -> str:
    """The page key (URL path) of the page titled `title_key`."""
    return _BY_TITLE[title_key].url
