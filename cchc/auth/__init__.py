"""Accounts, roles and the audit trail (no Streamlit here; cchc/web/signin.py draws the sign-in).

Accounts and the audit trail live in one SQLite file beside the warehouse (`data/accounts.sqlite`,
or $CCHC_ACCOUNTS), outside git and outside the warehouse file the ETL replaces on every load:
the dashboard only reads the warehouse, and writes here."""
