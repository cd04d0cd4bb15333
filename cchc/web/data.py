"""The measures core behind Streamlit's cache, under the session's scope.

`data.headline(f, period)` calls cchc.core.queries.headline(f, period, scope=<the viewer's
scope>) once per (arguments, scope, data version): pages never pass or see a scope, and can
never ask for another one. Every function of cchc.core.queries that takes a scope is here."""

from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd
import streamlit as st

from cchc.core import queries, ranking, warehouse
from cchc.core.warehouse import ALL, Scope, WarehouseMissing

__all__ = ["WarehouseMissing", "exists", "explorer_stream", "scope", "warehouse_path"]


NOBODY = Scope.of([])


def scope() -> Scope:
    """The signed-in user's scope (an agency user: their units; the other roles: the whole
    province). Nobody signed in: an empty scope, which sees nothing (fail closed)."""
    from cchc.auth.accounts import User

    user = st.session_state.get("cchc_user")
    return user.scope if isinstance(user, User) else NOBODY


def exists() -> bool:
    return warehouse.exists()


def warehouse_path() -> Path:
    return warehouse.warehouse_path()


def _scoped(fn) -> bool:
    return callable(fn) and "scope" in inspect.signature(fn).parameters


# name -> core function; streams are not cached (explorer_stream below).
_API = {
    name: fn
    for name, fn in vars(queries).items()
    if not name.startswith("_") and inspect.isfunction(fn) and fn.__module__ == queries.__name__ and _scoped(fn)
}
_API.pop("explorer_stream")
_API["ranking_table"] = ranking.table


@st.cache_data(max_entries=500, ttl=3600, show_spinner=False)
def _cached(name: str, args: tuple, kwargs: tuple, scope: Scope, version: tuple, path: str) -> pd.DataFrame | int:
    return _API[name](*args, scope=scope, **dict(kwargs))


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(name)

    def call(*args, **kwargs):
        path = warehouse.warehouse_path()
        return _cached(name, args, tuple(sorted(kwargs.items())), scope(), warehouse.data_version(path), str(path))

    call.__name__ = name
    call.__doc__ = _API[name].__doc__
    return call


def comparison_headline(f, period) -> pd.DataFrame:
    """The province's headline, as the comparison every role may see beside its own figures (for
    an agency user the province appears only this way: as an average to compare with)."""
    path = warehouse.warehouse_path()
    return _cached("headline", (f, period), (), ALL, warehouse.data_version(path), str(path))


def profile_trend(f_unit, f_all, period) -> pd.DataFrame:
    """The unit's monthly trend under the viewer's scope beside the province's (comparison)."""
    path = warehouse.warehouse_path()
    kwargs = (("comparison", ALL),)
    return _cached(
        "unit_vs_province_trend", (f_unit, f_all, period), kwargs, scope(), warehouse.data_version(path), str(path)
    )


def explorer_stream(f, period, table, search=None):
    """The explorer's rows in chunks for a download (never cached, never whole), searched and
    sorted as on the page: a function to call when the file is made, bound now to the viewer's
    scope (a deferred download runs outside the page's run, where the session is not at hand)."""
    bound = scope()
    return lambda: queries.explorer_stream(f, period, table, search, scope=bound)
