"""The launcher starts dashboard.py with Streamlit's old pages/ mechanism switched off."""

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from cchc import serve


def test_serve_runs_dashboard_with_st_navigation_from_the_first_session(monkeypatch):
    seen = {}
    monkeypatch.setattr(cli, "main", lambda: seen.update(argv=list(serve.sys.argv)))
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    monkeypatch.setattr(serve.sys, "argv", ["x"])
    serve.main(["--server.port", "8599"])
    assert PagesManager.uses_pages_directory is False
    assert seen["argv"] == ["streamlit", "run", str(serve.DASHBOARD), "--server.port", "8599"]
