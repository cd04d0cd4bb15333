"""python -m cchc measures: on the real New York export loaded through its example mapping, the
counts per office and the median and 90th-percentile resolution days equal an independent
pandas computation from the CSV; --scope gives one office's numbers and nothing else."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
NYC = ROOT.parent / "shared" / "real" / "nyc-council-constituent-2022-2023.csv"
NYC_MAPPING = ROOT / "docs" / "examples" / "nyc-council-constituent.yaml"
FROM, TO = "2022-01-01", "2024-12-31"
OFFICE = "NYCC48"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600, env=_env()
    )


def _env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k not in ("CCHC_DB", "CCHC_TODAY")}


@pytest.fixture(scope="module")
def nyc_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("nyc") / "w.duckdb"
    proc = run("etl", "load", "--json", "--db", str(db), "--mapping", str(NYC_MAPPING), str(NYC))
    assert proc.returncode == 0, proc.stderr
    return db


@pytest.fixture(scope="module")
def independent() -> pd.DataFrame:
    """Per office from the CSV with pandas: the later row of a repeated ID wins (as the loader
    documents); received by open date, resolved by close date, days = close - open."""
    df = pd.read_csv(NYC, dtype=str, keep_default_na=False).drop_duplicates("unique_key", keep="last")
    opened = pd.to_datetime(df["opendate"], format="ISO8601")
    closed = pd.to_datetime(df["closedate"].replace("", None), format="ISO8601")
    lo, hi = pd.Timestamp(FROM), pd.Timestamp(TO)
    out = {}
    for office, g in df.assign(o=opened, c=closed).groupby("account"):
        done = g[g["c"].between(lo, hi) & (g["o"] <= hi)]
        days = (done["c"] - done["o"]).dt.days
        out[office] = {
            "received": int(g["o"].between(lo, hi).sum()),
            "resolved": len(done),
            "median_days": days.median(),
            "p90_days": days.quantile(0.9),
        }
    return pd.DataFrame(out).T


def measures(db: Path, *extra: str) -> list[dict]:
    proc = run("cchc", "measures", "--db", str(db), "--from", FROM, "--to", TO, "--format", "json", *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_measures_by_unit_on_the_nyc_export_equal_pandas(nyc_db, independent):
    rows = measures(nyc_db, "--by", "unit")
    got = {r["group_name"]: r for r in rows}
    assert set(got) == set(independent.index)
    for office, wanted in independent.iterrows():
        r = got[office]
        assert (r["received"], r["resolved"]) == (wanted["received"], wanted["resolved"]), office
        for name in ("median_days", "p90_days"):  # null where the office resolved nothing in the period
            assert r[name] == (None if pd.isna(wanted[name]) else pytest.approx(wanted[name])), (office, name)
        # no deadlines in this export: the on-time rate cannot be computed, and says so
        assert r["on_time_rate"] is None
    assert {r["group"] for r in rows} == {f"src:nycc:{o}" for o in independent.index}


def test_measures_with_scope_give_that_office_and_nothing_else(nyc_db, independent):
    unit = f"src:nycc:{OFFICE}"
    [row] = measures(nyc_db, "--by", "unit", "--scope", unit)
    assert row["group"] == unit
    unscoped = {r["group"]: r for r in measures(nyc_db, "--by", "unit")}[unit]
    assert row == unscoped
    [total] = measures(nyc_db, "--scope", unit)
    assert total["received"] == independent.loc[OFFICE, "received"]
    assert total["median_days"] == pytest.approx(independent.loc[OFFICE, "median_days"])


def test_measures_csv_and_table_formats(nyc_db, independent):
    proc = run("cchc", "measures", "--db", str(nyc_db), "--from", FROM, "--to", TO, "--by", "unit", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    import io

    table = pd.read_csv(io.StringIO(proc.stdout))
    assert list(table.columns[:3]) == ["group", "group_name", "received"]
    assert table["received"].sum() == independent["received"].sum()
    proc = run("cchc", "measures", "--db", str(nyc_db), "--from", FROM, "--to", TO, "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert f"{int(independent['received'].sum()):,}" in proc.stdout  # en: 64,177


@pytest.mark.parametrize(
    "args,message",
    [
        (("--scope", "src:nycc:NOPE"), "No such unit: src:nycc:NOPE"),
        (("--from", "2022-01-01"), "Both --from and --to are needed"),
        (("--from", "2023-01-01", "--to", "2022-01-01"), "--from must not be after --to"),
        (("--from", "01/02/2022", "--to", "2022-03-01"), "is not a YYYY-MM-DD date"),
    ],
)
def test_measures_refuses_bad_arguments_in_both_languages(nyc_db, args, message):
    proc = run("cchc", "measures", "--db", str(nyc_db), *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert proc.stderr.count("\n") >= 2  # Vietnamese line, then English


def test_measures_on_a_missing_warehouse_says_so(tmp_path):
    proc = run("cchc", "measures", "--db", str(tmp_path / "none.duckdb"))
    assert proc.returncode == 2
    assert "No warehouse at" in proc.stderr
