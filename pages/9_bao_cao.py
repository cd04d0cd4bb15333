"""Báo cáo / Report: the periodic CCHC report in one click (Word report, one-page PDF brief,
Excel annex) for a calendar month or an official 15th-to-14th period, under the viewer's
scope, with a preview of the brief and the reports built so far."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from cchc import charts, fmt
from cchc.auth import roles
from cchc.core import Filters, measures, ranking
from cchc.i18n import label, labeller, lang, t
from cchc.report import build as report_build
from cchc.report import settings
from cchc.report.content import BRIEF_CARDS, UNITS, parse_period, period_choices
from cchc.web import audit, cards, data, page, session, signin, widgets
from cchc.web.sidebar import agency_options

ctx = page.header("page.report", "report.page_intro")
today = session.today()
scope = data.scope()

col1, col2, col3 = st.columns([1, 2, 1])
unit = col1.selectbox(t("report.pick_unit"), UNITS, format_func=labeller("report_unit"), key="report_unit")
cut = col3.radio(
    t("sidebar.cut"),
    ["calendar", "official"],
    index=1 if ctx.filters.cut == "official" else 0,
    format_func=labeller("cut"),
    key="report_cut",
    help=t("sidebar.cut_help"),
)
codes = period_choices(unit, cut, today, 24)
# the last finished period first when there is one (the running period is offered too)
default = 1 if len(codes) > 1 else 0
code = col2.selectbox(
    t("report.pick_period"),
    codes,
    index=default,
    format_func=lambda c: fmt.period_label(parse_period(c, cut, today)),
    key=f"report_period_{unit}_{cut}",
)
period = parse_period(code, cut, today)

col1, col2, col3 = st.columns([2, 1, 1])
units = agency_options(True, None)
agency = col1.selectbox(
    t("report.pick_agency"),
    ["", *units],
    format_func=lambda v: units.get(v, v) if v else t("report.whole_scope"),
    key="report_agency",
)
level = col2.selectbox(
    t("sidebar.level"),
    ["", "department", "commune"],
    format_func=labeller("level", empty="sidebar.all_levels"),
    key="report_level",
    disabled=bool(agency),
)
report_lang = col3.radio(
    t("report.pick_lang"),
    ["vi", "en"],
    index=0 if lang() == "vi" else 1,
    format_func=lambda v: {"vi": "Tiếng Việt", "en": "English"}[v],
    key="report_lang",
    horizontal=True,
)
formats = st.multiselect(
    t("report.pick_formats"),
    list(report_build.FORMATS),
    default=list(report_build.FORMATS),
    format_func=labeller("report_format"),
    key="report_formats",
)
f = replace(Filters(cut=cut), agency_ids=(agency,) if agency else (), level=None if agency else (level or None))

allowed = roles.may(signin.role(), "report")
if not allowed:
    st.info(t("report.not_allowed"), icon=":material/lock:")
elif st.button(t("report.build_button"), type="primary", icon=":material/description:", disabled=not formats):
    with st.spinner(t("report.building")):
        built = report_build.build(period, f, scope, report_lang, formats, settings.output_dir())
    audit.record(
        "report",
        {
            "period": code,
            "cut": cut,
            "agency": agency or None,
            "level": level or None,
            "lang": report_lang,
            "files": [p.name for p in built.files.values()],
        },
    )
    st.session_state["report_built"] = {k: str(p) for k, p in built.files.items()}
    st.session_state["report_built_errors"] = built.chart_errors
    st.session_state["report_built_seconds"] = built.seconds["total"]


def download(fmt_: str, path: str, key: str, short: bool = False) -> None:
    name = path.rsplit("/", 1)[-1]
    st.download_button(
        label("report_format_short" if short else "report_format", fmt_),
        data=audit.audited(lambda p=path: open(p, "rb").read(), "report", name, {"file": name}),
        file_name=name,
        mime=report_build.MIME[fmt_],
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


built_files = st.session_state.get("report_built") if allowed else None
if built_files:
    st.success(t("report.built", n=len(built_files), s=fmt.number(st.session_state["report_built_seconds"], 1)))
    for problem in st.session_state.get("report_built_errors") or []:
        st.warning(t("report.no_chart", why=problem))
    for col, (fmt_, path) in zip(st.columns(3), built_files.items(), strict=False):
        with col:
            download(fmt_, path, f"dl_built_{fmt_}")

st.subheader(t("report.preview"))
st.caption(t("report.preview_help", period=fmt.period_label(period)))
rows = data.headline(f, period)
cards.row(list(BRIEF_CARDS), rows)
months = int(settings.settings()["trend_months"])
trend = data.monthly_trend(f, period, months)
where = f"{fmt.period_label(period)} · {t('report.last_n_months', n=months)}"
widgets.chart(
    charts.trend(trend, t("overview.trend_title"), where, measures.get("on_time_rate").target),
    trend,
    key="report_trend",
)
worst = ranking.attention(ranking.scored(data.by_unit(f, period)), int(settings.settings()["attention_count"]))
st.markdown(f"**{t('report.table_attention')}**")
widgets.table(
    worst,
    {
        "unit_name": t("col.unit_name"),
        "unit_level": t("col.unit_level"),
        "score": t("measure_short.score"),
        "to_be_handled": measures.get("to_be_handled").label(lang()),
        "on_time_rate": measures.get("on_time_rate").label(lang()),
        "overdue": measures.get("overdue").label(lang()),
    },
    {"score": "days", "to_be_handled": "count", "on_time_rate": "rate", "overdue": "count"},
    codes={"unit_level": "level"},
    key="report_attention",
)

st.subheader(t("report.history"))
st.caption(t("report.history_help", folder=str(settings.output_dir())))
history = report_build.listing(scope, settings.output_dir())[:30] if allowed else []
if allowed and not history:
    st.info(t("report.history_empty"), icon=":material/folder_open:")
for i, entry in enumerate(history):
    cols = st.columns([4, 1, 1, 1])
    built_at = pd.Timestamp(entry["built_at"]).to_pydatetime()
    cols[0].markdown(
        f"**{entry['period']}** · {t('report.info_scope')}: {entry['scope_text']} · "
        f"{t('report.info_filters')}: {entry['filters_text']} · {entry['lang']}  \n"
        + t("report.built_at", d=fmt.moment(built_at))
    )
    for col, fmt_ in zip(cols[1:], report_build.FORMATS, strict=True):
        path = entry["paths"].get(fmt_)
        if path is not None:
            with col:
                download(fmt_, str(path), f"dl_hist_{i}_{fmt_}", short=True)
