"""Text from visitors and from data reaches a page only as text: never as Markdown, HTML or a
Streamlit directive (:red[…], :material/…:)."""

from __future__ import annotations

import re

_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$&\"'=])")


def md_escape(value: object) -> str:
    """Backslash-escape every ASCII punctuation character Markdown or Streamlit could read."""
    text = "" if value is None else str(value)
    return _PUNCT.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))
