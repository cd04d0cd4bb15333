"""ETL: load complaint and inspection exports into the DuckDB warehouse."""
