"""The Streamlit layer: wraps the measures core (cchc.core) in caches and the session's scope,
and draws. Modules, one job each: data (cached core calls), session (URL, language, context),
sidebar (the global filters), page (header and chart subtitles), cards, widgets (charts, tables,
downloads), blocks (page blocks several pages share)."""
