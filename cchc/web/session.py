"""The session: filters and language taken from a shared link, written back to the URL, and
the page context (filters, period, language) every page reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from cchc import fmt, i18n
from cchc.clock import today as province_today
from cchc.core import periods
from cchc.core.filters import Filters
from cchc.i18n import lang

FILTER_PARAMS = (
    "period",
    "cut",
    "from",
    "to",
    "level",
    "rollup",
    "agencies",
    "channel",
    "kind",
    "category",
    "itype",
    "vcat",
    "lang",
)
# Sidebar widgets, by filter. Their keys carry the language ("f_period.vi"): a widget sends
# back its *displayed* option, so after the language switch the old labels would not match
# and Streamlit would reset the widget. The language-free truth is the Filters object in
# st.session_state["cchc_filters"]; a new language's widgets start from it.
_WIDGETS = ("period", "cut", "range", "level", "rollup", "agencies", "channel", "kind", "category", "itype", "vcat")


def wkey(name: str, lang_: str | None = None) -> str:
    return f"f_{name}.{lang_ or lang()}"


@dataclass(frozen=True)
class Context:
    filters: Filters
    period: periods.Period
    lang: str

    @property
    def period_text(self) -> str:
        return fmt.period_label(self.period, self.lang)


def today() -> date:
    """Today in the province (the server may run on UTC)."""
    return province_today()


# --- URL <-> widgets -----------------------------------------------------------------------


def _session_lang() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return st.session_state.get("lang")


i18n.set_provider(_session_lang)


def seed_from_url() -> None:
    """On a session's first run, take the filters and language from the URL (a shared link)."""
    if st.session_state.get("_cchc_seeded"):
        return
    params = {k: st.query_params.get(k) for k in FILTER_PARAMS if k in st.query_params}
    st.session_state["cchc_filters"] = Filters.from_params(params)
    st.session_state["lang"] = "en" if params.get("lang") == "en" else "vi"
    st.session_state["_cchc_seeded"] = True


def sync_url(f: Filters) -> None:
    """Write the filters into the URL, leaving page-specific parameters (agency, ...) alone."""
    wanted = f.to_params()
    if lang() == "en":
        wanted["lang"] = "en"
    for key in FILTER_PARAMS:
        if key in st.query_params and key not in wanted:
            del st.query_params[key]
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def filter_params() -> dict[str, str]:
    """The current filter parameters, to carry over when switching pages in code."""
    return {k: st.query_params[k] for k in FILTER_PARAMS if k in st.query_params}


def set_context(f: Filters) -> None:
    st.session_state["cchc_context"] = Context(f, f.period(today()), lang())


def context() -> Context:
    ctx = st.session_state.get("cchc_context")
    if isinstance(ctx, Context) and ctx.lang == lang():
        return ctx
    f = Filters.from_params({k: st.query_params.get(k) for k in st.query_params})
    return Context(f, f.period(today()), lang())
