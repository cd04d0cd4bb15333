"""Fixtures shared across test modules."""

from tests.conftest_pages import fixture_db  # noqa: F401 - the small literal warehouse, built once per session
