"""`python -m cchc.serve [streamlit options]`: `streamlit run dashboard.py`, without the
"Page not found" dialog the first visitor after a start gets on a shared link.

Why: Streamlit decides on its first session whether the app uses the old `pages/` folder
mechanism (the folder exists here, holding the st.navigation pages), and runs that session's
first script run through it; its page names come from the file names (`phan_anh`), so a link
to `/phan-anh` is "not found" before dashboard.py's st.navigation takes over. The flag is a
class attribute, decided once per process: setting it before the server starts avoids it."""

from __future__ import annotations

import sys
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"


def preflight() -> int:
    """Before serving: in demo mode, make sure the demo accounts exist and print them; in
    production mode, refuse to start while demo accounts or default passwords exist or there is
    no session secret. Returns the exit code (0: go on)."""
    from cchc.auth import accounts, demo

    store = accounts.Accounts()
    if accounts.mode() == "demo":
        demo.ensure(store)
        print(demo.banner(), file=sys.stderr, flush=True)
        return 0
    problems = store.production_problems(accounts.secret())
    for vi, en in problems:
        print(f"Không khởi động (production): {vi}\nRefusing to start (production): {en}", file=sys.stderr)
    return 2 if problems else 0


def main(argv: list[str]) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    code = preflight()
    if code:
        sys.exit(code)
    PagesManager.uses_pages_directory = False  # dashboard.py always calls st.navigation
    sys.argv = ["streamlit", "run", str(DASHBOARD), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
