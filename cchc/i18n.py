"""UI language: Vietnamese by default, English by the sidebar switch; strings from catalogue.yaml,
labels of codes from the codebook (cchc/codebook.py).

No Streamlit here: the web layer registers where the session's language is read from
(set_provider); the command line and the report choose one with `using(lang)`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

import yaml

from cchc import codebook

LANGS = ("vi", "en")
CATALOGUE = Path(__file__).with_name("catalogue.yaml")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Flattened catalogue: 'section.key' -> {'vi': ..., 'en': ...}."""
    raw = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    out: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict) -> None:
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict) and set(value) <= set(LANGS) and value:
                out[name] = {lang: str(text) for lang, text in value.items()}
            elif isinstance(value, dict):
                walk(name, value)

    walk("", raw)
    return out


_CHOSEN: ContextVar[str | None] = ContextVar("cchc_lang", default=None)
_PROVIDER: list[Callable[[], str | None]] = []


def set_provider(provider: Callable[[], str | None]) -> None:
    """Where the language comes from when none is chosen with using() (the web session)."""
    _PROVIDER[:] = [provider]


@contextmanager
def using(lang_: str) -> Iterator[None]:
    """Text in `lang_` inside the block (command line, report)."""
    token = _CHOSEN.set(lang_ if lang_ in LANGS else "vi")
    try:
        yield
    finally:
        _CHOSEN.reset(token)


def lang() -> str:
    """The language in force: using(), else the provider's (the session's switch), else 'vi'."""
    value = _CHOSEN.get()
    if value is None and _PROVIDER:
        try:
            value = _PROVIDER[0]()
        except Exception:  # noqa: BLE001 - a provider outside its session: default language
            value = None
    return value if value in LANGS else "vi"


def t(key: str, lang_: str | None = None, **values: object) -> str:
    """The string for `key` in the UI language, with {placeholders} filled in."""
    entry = catalogue().get(key)
    if entry is None:
        return key
    text = entry.get(lang_ or lang()) or entry.get("vi", key)
    return text.format(**values) if values else text


def label(kind: str, code: object, lang_: str | None = None) -> str:
    """Label of a code (channel.hotline, kind.petition ...): from the codebook for its sections,
    else from the catalogue (measure_short.remedied_on_time ...); unknown codes are shown as they are."""
    if codebook.has_section(kind):
        return codebook.label(kind, code, lang_ or lang())
    if _missing(code):
        return t("common.unknown", lang_)
    key = f"{kind}.{code}"
    return t(key, lang_) if key in catalogue() else str(code)


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN
    except (TypeError, ValueError):
        return True  # pandas NA / NaT refuse comparison


def labeller(section: str, empty: str | None = None):
    """A format_func for widgets: code -> label, bound to the language of this run (the
    function may be called again later, outside the run)."""
    lang_ = lang()

    def show(code: object) -> str:
        if empty is not None and code in ("", None):
            return t(empty, lang_)
        return label(section, code, lang_)

    return show
