"""The measures core: every number of the product, computed without Streamlit.

    from cchc.core import ALL, Filters, Scope, compute, queries
    rows = queries.headline(Filters(preset="last_month"), period, scope=ALL)

Layers: warehouse (connections that hold only a scope's rows) -> rows (row models) -> measures
(the registry) -> compute (any measure by any grain) -> queries (what pages, the CLI and the
report ask for). Nothing here imports Streamlit or the ETL; docs/architecture.md has the map.
"""

from cchc.core.compute import GRAINS, compute
from cchc.core.filters import Filters
from cchc.core.periods import Period
from cchc.core.warehouse import ALL, Scope, WarehouseMissing

__all__ = ["ALL", "GRAINS", "Filters", "Period", "Scope", "WarehouseMissing", "compute"]
