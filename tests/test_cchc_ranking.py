"""cchc.core.ranking: the ranking table's 12-month sparkline holds the real monthly counts."""

from __future__ import annotations

import duckdb

from cchc.core import ALL, ranking
from cchc.core.filters import Filters
from cchc.core.periods import months_window
from tests.conftest_pages import TODAY


def test_ranking_table_trend_sums_to_the_units_received_in_the_window(fixture_db):
    f = Filters(preset="last_12m", rollup=False)
    period = f.period(TODAY)
    window = months_window(period, 12)
    lo, hi = window.start, window.effective_end
    table = ranking.table(f, period, scope=ALL)
    con = duckdb.connect()
    con.execute("attach ? as wh (read_only)", [str(fixture_db)])
    expected = dict(
        con.execute(
            """
        select agency_id, count(*) from wh.complaints where received_date between ? and ? group by 1""",
            [lo, hi],
        ).fetchall()
    )
    got = {r.unit_id: sum(r.trend) for r in table.itertuples() if r.trend}
    assert got == {k: v for k, v in expected.items() if k in got}
    assert len(got) == len(expected)
    assert all(len(r.trend) == 12 for r in table.itertuples() if r.trend)
