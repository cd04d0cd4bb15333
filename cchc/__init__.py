"""Read side of the CCHC dashboard: connection, filters, queries, measures, formatting, charts."""
