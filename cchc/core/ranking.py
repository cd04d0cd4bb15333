"""Composite agency scores, ranks within a level, and the overview's "needs attention" list."""

from __future__ import annotations

import pandas as pd

from cchc.core import config, measures

# Ranking tabs: departments and communes first (today's units), then the old districts.
LEVEL_ORDER = ("department", "commune", "district", "province", "office")


def levels(table: pd.DataFrame) -> list[str]:
    """The levels present in a ranking table, in tab order (unknown levels last)."""
    present = list(dict.fromkeys(table["unit_level"].dropna()))
    return sorted(present, key=lambda lv: (LEVEL_ORDER.index(lv) if lv in LEVEL_ORDER else len(LEVEL_ORDER), lv))


def explanation(lang: str) -> pd.DataFrame:
    """How the composite score is made: per weighted measure, its weight, target, direction
    and definition, in `lang`."""
    from cchc import fmt
    from cchc.i18n import t

    rows = []
    for name, w in weights().items():
        m = measures.get(name)
        rows.append(
            {
                t("ranking.col_measure", lang): m.label(lang),
                t("ranking.col_weight", lang): fmt.percent(w, 0, lang),
                t("ranking.col_target", lang): fmt.value(m.target, m.unit, lang),
                t("ranking.col_direction", lang): t("ranking.higher" if m.higher_is_better else "ranking.lower", lang),
                t("ranking.col_formula", lang): m.formula(lang),
            }
        )
    return pd.DataFrame(rows)


def weights() -> dict[str, float]:
    return {k: float(v) for k, v in config.ranking()["weights"].items()}


def scored(units: pd.DataFrame) -> pd.DataFrame:
    """Per unit: a score per weighted measure, the composite (0-100), its band, whether the
    unit is ranked (enough volume), its rank within its level, and its weakest measure."""
    out = units.copy()
    cap = float(config.ranking()["score_cap"])
    names = list(weights())
    for name in names:
        out[f"score_{name}"] = [measures.score(name, _num(v), cap) for v in out[name]]
    out["score"] = [measures.composite({n: _num(r[n]) for n in names}) for _, r in out.iterrows()]
    out["band"] = [measures.band(None if pd.isna(s) else s / 100) for s in out["score"]]
    out["ranked"] = (out["to_be_handled"] >= config.min_volume()) & out["score"].notna()
    out["rank"] = out[out["ranked"]].groupby("unit_level")["score"].rank(method="min", ascending=False).astype("Int64")
    out["weakest"] = [_weakest(r, names) for _, r in out.iterrows()]
    return out.sort_values(["unit_level", "rank", "unit_name"], na_position="last").reset_index(drop=True)


def _num(v: object) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _weakest(row: pd.Series, names: list[str]) -> str | None:
    scores = {n: row[f"score_{n}"] for n in names if row[f"score_{n}"] is not None and not pd.isna(row[f"score_{n}"])}
    if not scores:
        return None
    worst = min(scores, key=lambda n: (scores[n], -weights()[n]))
    return worst if scores[worst] < 1 else None


def weakest_on(table: pd.DataFrame, measure: str, n: int = 25) -> pd.DataFrame:
    """The ranked units with the lowest (or, for lower-is-better measures, highest) values of one
    measure, worst first, with the band of that measure's score (green / amber / red)."""
    ranked = table[table["ranked"] & table[measure].notna()]
    worst_first = measures.get(measure).higher_is_better is not False
    out = ranked.sort_values([measure, "unit_name"], ascending=[worst_first, True]).head(n).copy()
    out["band"] = [measures.band(s) for s in out[f"score_{measure}"]]
    return out.reset_index(drop=True)


def attention(table: pd.DataFrame, n: int | None = None) -> pd.DataFrame:
    """The ranked units with the lowest composite scores, worst first."""
    n = n or int(config.ranking()["attention_count"])
    ranked = table[table["ranked"]]
    return ranked.sort_values(["score", "overdue"], ascending=[True, False]).head(n).reset_index(drop=True)


def table(f, period, *, scope) -> pd.DataFrame:
    """The ranking page's table: scored units with their 12-month received sparkline."""
    from cchc.core import queries

    units = scored(queries.by_unit(f, period, scope=scope))
    spark = queries.unit_sparklines(f, period, scope=scope)
    out = units.merge(spark, on="unit_id", how="left")
    # DuckDB hands list columns to pandas as numpy arrays; units without complaints get none.
    out["trend"] = [[int(x) for x in v] if hasattr(v, "__len__") else [] for v in out["trend"]]
    return out
