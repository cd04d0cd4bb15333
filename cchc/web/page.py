"""The page header (title, period, filters, data freshness) and chart subtitles."""

from __future__ import annotations

import html

import streamlit as st

from cchc import clock, fmt
from cchc.core.filters import Filters
from cchc.i18n import label, t
from cchc.web import data, nav, signin, style
from cchc.web.safe import md_escape
from cchc.web.session import Context, context
from cchc.web.sidebar import agency_options

PROFILE_PAGE = "pages/6_ho_so.py"


def filter_summary(f: Filters) -> str:
    """Short text of the non-period filters, e.g. 'Kênh: Đường dây nóng · Cấp: Xã, phường'."""
    parts = []
    if f.level:
        parts.append(f"{t('sidebar.level')}: {label('level', f.level)}")
    if f.agency_ids:
        names = agency_options(f.rollup, None)
        shown = [names.get(a, a).split(" · ")[0] for a in f.agency_ids[:3]]
        more = f" +{len(f.agency_ids) - 3}" if len(f.agency_ids) > 3 else ""
        parts.append(f"{t('sidebar.agency')}: {', '.join(shown)}{more}")
    for title, kind, values in (
        ("sidebar.channel", "channel", f.channels),
        ("sidebar.kind", "kind", f.kinds),
        ("sidebar.category", "category", f.categories),
        ("sidebar.itype", "inspection_type", f.inspection_types),
        ("sidebar.vcat", "violation_category", f.violation_categories),
    ):
        if values:
            parts.append(f"{t(title)}: {', '.join(label(kind, v) for v in values)}")
    parts.append(t("sidebar.rollup_on") if f.rollup else t("sidebar.rollup_off"))
    return " · ".join(parts)


def chart_context(ctx: Context, extra: str | None = None, span: str | None = None) -> str:
    """Chart subtitle: the period (or `span`, the months a chart draws) and the filters that apply."""
    bits = [span or ctx.period_text]
    summary = filter_summary(ctx.filters)
    if summary:
        bits.append(summary)
    if extra:
        bits.append(extra)
    return " · ".join(bits)


def span_context(ctx: Context, months, extra: str | None = None) -> str:
    """Subtitle of a chart over several months: the months it shows ('24 tháng, 12/2024 –
    11/2026', from the data drawn), the filters that apply, and `extra`."""
    from cchc import charts

    return chart_context(ctx, extra, span=charts.months_span(months))


def header(title_key: str, intro_key: str | None = None) -> Context:
    """Title, period and filters shown, data freshness; stops the page when the signed-in role
    may not open it (whatever the URL) or there is no data."""
    with st.container(key=style.PRINT_ONLY):  # on paper only: whose report and when it was printed
        st.caption(t("print.heading", app=t("app.title"), page=t(title_key), day=fmt.day(clock.today())))
    st.title(t(title_key))
    signin.refuse_unless(nav.key_for(title_key))
    if not data.exists():
        st.error(t("common.no_warehouse", path=str(data.warehouse_path())))
        st.stop()
    ctx = context()
    as_of = data.data_as_of().iloc[0]
    user = signin.current_user()
    if user is not None and user.role == "agency":
        names = agency_options(False, None)
        shown = ", ".join(names.get(a, a).split(" · ")[0] for a in user.agency_ids)
        st.caption(f":material/lock: {md_escape(t('common.scope_only', units=shown))}")
    st.caption(
        f"**{t('common.period')}:** {md_escape(ctx.period_text)} · {md_escape(filter_summary(ctx.filters))}  \n"
        + t("common.data_as_of", loaded=fmt.moment(as_of["loaded_at"]), last=fmt.day(as_of["last_received"]))
    )
    if intro_key:
        st.markdown(t(intro_key))
    return ctx


def print_button() -> None:
    """A button that opens the browser's print dialog (the print view is cchc/web/style.py's
    @media print), with the Ctrl+P hint; shown on screen only, and not on a phone."""
    with st.container(key=style.SCREEN_ONLY + "_print", horizontal=True, vertical_alignment="center"):
        label = html.escape(t("print.button"))
        st.html(  # Streamlit strips on* attributes; the script (allowed below) wires the click
            f'<button type="button" class="cchc-print">&#x1F5A8; {label}</button>'
            "<script>document.querySelectorAll('button.cchc-print')"
            ".forEach(b => { b.onclick = () => window.print(); });</script>",
            width="content",
            unsafe_allow_javascript=True,
        )
        st.caption(t("print.hint"))
