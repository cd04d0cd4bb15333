"""What the report says, as data: every table, figure and sentence of the three documents,
taken from the measures core (cchc.core) under the requester's scope. No number is computed
here: tables hold the core's values as they come; the writers (docx.py, pdf.py, xlsx.py)
format them. No free text of the warehouse is read, so no citizen's data can reach a file."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import pandas as pd

from cchc import cards, charts, codebook, fmt
from cchc.clock import today as province_today
from cchc.core import ALL, Filters, Period, Scope, compute, config, queries, ranking
from cchc.core import measures as registry
from cchc.core import periods as core_periods
from cchc.i18n import label, t, using
from cchc.names import labels as unit_labels
from cchc.report import settings

# The headline cards of the brief (the overview's) and the rows of the handling table.
BRIEF_CARDS = (
    "received",
    "resolved",
    "on_time_rate",
    "overdue_open",
    "median_working_days",
    "overdue_rate",
    "inspections",
    "violations",
)
HANDLING_ROWS = (
    "to_be_handled",
    "resolved",
    "on_time",
    "on_time_rate",
    "resolved_late",
    "overdue_open",
    "overdue",
    "overdue_rate",
    "open_items",
    "nearly_due",
    "not_yet_due",
    "median_working_days",
    "p90_working_days",
    "median_days",
    "satisfied_rate",
)
PERIOD_KEYS = ("current", "previous", "year_ago")


@dataclass(frozen=True)
class Column:
    """One column: `key` in the rows; `unit` text | count | rate | days | ratio | score;
    `measure` and `period` say which measure of which period the numbers are (None: text, or a
    per-row measure named by the row's `_measure`)."""

    key: str
    header: str
    unit: str = "text"
    measure: str | None = None
    period: str = "current"


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]  # raw values by column key; `_code` the row's group (code, unit id, measure)
    grain: str | None  # channel, kind, ..., unit, or "measure" (rows are measures)
    total: dict | None = None  # the total row (same keys)
    note: str | None = None

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass
class Report:
    period: Period
    filters: Filters
    scope: Scope
    lang: str
    built_at: datetime
    title: str
    subtitle: str
    period_text: str
    scope_text: str
    filters_text: str
    as_of_text: str
    empty: bool
    headline: pd.DataFrame
    cards: list[cards.Card]
    paragraphs: dict[str, list[str]]
    tables: dict[str, Table]
    figures: dict[str, object]  # key -> (plotly figure or None, caption)
    definitions: list[tuple[str, str, str]]  # (name, label, formula)
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def stem(self) -> str:
        return file_stem(self.period, self.filters, self.scope, self.lang)


# --- periods ---------------------------------------------------------------------------------


def parse_period(text: str, cut: str = "calendar", today: date | None = None) -> Period:
    """'2026-10' (a month), '2026-Q3', '2026-H1', '2026' (a year), or 'last' (the last finished
    month), 'last-quarter', 'last-year'; calendar or official (15th-to-14th) cut."""
    today = today or province_today()
    text = (text or "").strip().lower()
    presets = {
        "last": "last_month",
        "last-month": "last_month",
        "last-quarter": "last_quarter",
        "last-year": "last_year",
    }
    if text in presets:
        return core_periods.resolve(presets[text], today, cut)
    try:
        if len(text) == 4:
            p = core_periods.resolve("this_year", date(int(text), 1, 1), cut)
        elif len(text) == 7 and text[5] == "q" and text[6] in "1234":
            p = core_periods.resolve("this_quarter", date(int(text[:4]), 3 * int(text[6]) - 2, 1), cut)
        elif text.endswith("-h1") and len(text) == 7:
            p = core_periods.resolve("h1", date(int(text[:4]), 1, 1), cut)
        else:
            year, month = text.split("-")
            p = core_periods.resolve("this_month", date(int(year), int(month), 1), cut)
    except ValueError as exc:
        raise ValueError(f"not a period: {text!r} (2026-10, 2026-Q3, 2026-H1, 2026, last)") from exc
    return replace(p, as_of=today)


UNITS = ("month", "quarter", "half", "year")


def period_choices(unit: str, cut: str, today: date, n: int = 24) -> list[str]:
    """Period codes to pick from, the running period first, then the finished ones before it."""
    if unit == "month":
        end = core_periods.resolve("this_month", today, cut).end
        first = date(end.year, end.month, 1)
        return [period_code(Period(d, d, "month")) for d in (core_periods.add_months(first, -k) for k in range(n))]
    if unit == "quarter":
        end = core_periods.resolve("this_quarter", today, cut).end
        first = date(end.year, end.month, 1)
        months = (core_periods.add_months(first, -3 * k) for k in range(max(1, n // 3)))
        return [period_code(Period(d, d, "quarter")) for d in months]
    year = core_periods.resolve("this_year", today, cut).end.year
    years = range(year, year - max(1, n // 6), -1)
    if unit == "half":
        return [f"{y}-H1" for y in years]
    return [str(y) for y in years]


def period_code(p: Period) -> str:
    """The period in file names: 2026-10, 2026-Q3, 2026-H1, 2026, or start_end."""
    e = p.end
    if p.unit == "month":
        return f"{e.year}-{e.month:02d}"
    if p.unit == "quarter":
        return f"{e.year}-Q{(e.month - 1) // 3 + 1}"
    if p.unit == "half":
        return f"{e.year}-H1"
    if p.unit == "year":
        return f"{e.year}"
    return f"{p.start.isoformat()}_{p.end.isoformat()}"


def _slug(text: str) -> str:
    keep = "".join(ch if ch.isalnum() else "-" for ch in text.lower())
    return "-".join(part for part in keep.split("-") if part)


def file_stem(p: Period, f: Filters, scope: Scope, lang: str) -> str:
    """bao-cao-cchc_2026-10_official[_so-noi-vu][_level-commune][_en]: period and filters."""
    bits = ["bao-cao-cchc", period_code(p), p.cut]
    if not scope.is_all:
        bits.append(_slug("+".join(scope.agency_ids or ())) or "empty-scope")
    if f.agency_ids:
        bits.append(_slug("+".join(f.agency_ids)))
    if f.level:
        bits.append(f"level-{f.level}")
    if lang != "vi":
        bits.append(lang)
    return "_".join(bits)


# --- texts -----------------------------------------------------------------------------------


def _units(f: Filters, scope: Scope) -> dict[str, str]:
    names = queries.unit_options(False, None, scope=scope)
    return dict(zip(names["agency_id"], names["name"], strict=True))


def scope_text(scope: Scope, lang: str, names: dict[str, str] | None = None) -> str:
    if scope.is_all:
        return t("common.province", lang)
    names = names if names is not None else _units(Filters(), scope)
    shown = [names.get(a, a) for a in scope.agency_ids or ()]
    return ", ".join(shown) or "—"


def filters_text(f: Filters, lang: str, names: dict[str, str]) -> str:
    """The filters beside the scope ('—' when none): level, agencies, channels, kinds ..."""
    parts = []
    if f.level:
        parts.append(f"{t('sidebar.level', lang)}: {label('level', f.level, lang)}")
    if f.agency_ids:
        parts.append(f"{t('sidebar.agency', lang)}: {', '.join(names.get(a, a) for a in f.agency_ids)}")
    for title, section, values in (
        ("sidebar.channel", "channel", f.channels),
        ("sidebar.kind", "kind", f.kinds),
        ("sidebar.category", "category", f.categories),
        ("sidebar.itype", "inspection_type", f.inspection_types),
        ("sidebar.vcat", "violation_category", f.violation_categories),
    ):
        if values:
            parts.append(f"{t(title, lang)}: {', '.join(label(section, v, lang) for v in values)}")
    if not f.rollup:
        parts.append(t("sidebar.rollup_off", lang))
    return " · ".join(parts) or t("report.no_filters", lang)


def _num(x: object) -> float | None:
    if x is None or x is pd.NA:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def change_text(name: str, cur: object, other: object, lang: str) -> str:
    m = registry.get(name)
    ch = cards.change(cur, other, m.unit, m.higher_is_better, lang)
    return ch.text if ch else fmt.DASH


def value(name: str, x: object, lang: str) -> str:
    return fmt.value(x, registry.get(name).unit, lang)


# --- tables ----------------------------------------------------------------------------------


def _rows_by(frame: pd.DataFrame, col: str) -> dict[object, pd.Series]:
    out = {}
    for _, r in frame.iterrows():
        code = r[col]
        out[None if pd.isna(code) else code] = r
    return out


def _code_table(
    key: str,
    title: str,
    grain: str,
    section: str,
    names: list[str],
    f: Filters,
    p: Period,
    scope: Scope,
    lang: str,
    head: pd.DataFrame,
    year_ago: str | None,
) -> Table:
    """Measures per code of one grain for the period, with `year_ago` (a measure) for the same
    period last year and its change; the total row is the headline's."""
    periods = {"current": p, "year_ago": p.year_ago()} if year_ago else {"current": p}
    out = compute(names, f, periods, by=[grain], scope=scope)
    cur = _rows_by(out[out["period"] == "current"], grain)
    ago = _rows_by(out[out["period"] == "year_ago"], grain) if year_ago else {}
    main = names[0]
    codes = [
        c for c in cur if (_num(cur[c][main]) or 0) > 0 or (year_ago and (_num(ago.get(c, {}).get(year_ago)) or 0))
    ]
    codes += [c for c in ago if c not in cur and (_num(ago[c][year_ago]) or 0) > 0]
    codes.sort(key=lambda c: (-((_num(cur[c][main]) or 0) if c in cur else 0), str(c)))
    columns = [Column("label", t(f"report.col_{section}", lang))]
    columns += [Column(n, registry.get(n).label(lang), registry.get(n).unit, n) for n in names]
    if year_ago:
        columns.append(
            Column(
                "year_ago",
                t("report.col_year_ago", lang, what=registry.get(year_ago).label(lang)),
                "count",
                year_ago,
                "year_ago",
            )
        )
        columns.append(Column("change", t("report.col_change_year", lang)))
    rows = []
    for c in codes:
        row = {"_code": c, "label": label(section, c, lang)}
        for n in names:  # a group with nothing this period: counts are 0, rates have no value
            row[n] = cur[c][n] if c in cur else (0 if registry.get(n).unit == "count" else None)
        if year_ago:
            row["year_ago"] = ago[c][year_ago] if c in ago else 0
            row["change"] = change_text(year_ago, row[main], row["year_ago"], lang)
        rows.append(row)
    total = None
    if rows:
        total = {"_code": "total", "label": t("report.total", lang)}
        for n in names:
            total[n] = head.at["current", n]
        if year_ago:
            total["year_ago"] = head.at["year_ago", year_ago]
            total["change"] = change_text(year_ago, total[main], total["year_ago"], lang)
    return Table(key, title, columns, rows, grain, total)


def _handling_table(head: pd.DataFrame, lang: str) -> Table:
    columns = [
        Column("label", t("report.col_measure", lang)),
        Column("current", t("report.col_current", lang), "measure", None, "current"),
        Column("previous", t("report.col_previous", lang), "measure", None, "previous"),
        Column("year_ago", t("report.col_year_ago_short", lang), "measure", None, "year_ago"),
        Column("change", t("report.col_change_year", lang)),
    ]
    rows = []
    for name in HANDLING_ROWS:
        m = registry.get(name)
        rows.append(
            {
                "_code": name,
                "_measure": name,
                "label": m.label(lang),
                **{k: head.at[k, name] for k in PERIOD_KEYS},
                "change": change_text(name, head.at["current", name], head.at["year_ago", name], lang),
            }
        )
    return Table("handling", t("report.table_handling", lang), columns, rows, "measure")


def _unit_columns(names: list[str], lang: str) -> list[Column]:
    cols = [Column("no", t("report.col_no", lang)), Column("unit_name", t("col.unit_name", lang))]
    cols.append(Column("level", t("col.unit_level", lang)))
    return cols + [Column(n, registry.get(n).label(lang), registry.get(n).unit, n) for n in names]


def _unit_rows(frame: pd.DataFrame, names: list[str], lang: str, extra: tuple[str, ...] = ()) -> list[dict]:
    rows = []
    shown = unit_labels(frame, lang, style="full") if len(frame) else []  # one unambiguous name (cchc.names)
    for i, (r, name) in enumerate(zip(frame.itertuples(index=False), shown, strict=True), start=1):
        row = {"_code": r.unit_id, "no": i, "unit_name": name, "level": label("level", r.unit_level, lang)}
        for n in (*names, *extra):
            row[n] = getattr(r, n)
        rows.append(row)
    return rows


def _overdue_table(units: pd.DataFrame, n: int, lang: str) -> Table:
    names = ["to_be_handled", "overdue_open", "resolved_late", "overdue", "overdue_rate", "on_time_rate"]
    worst = units[units["overdue"] > 0].sort_values(["overdue", "unit_name"], ascending=[False, True]).head(n)
    return Table(
        "most_overdue",
        t("report.table_most_overdue", lang, n=n),
        _unit_columns(names, lang),
        _unit_rows(worst, names, lang),
        "unit",
    )


def _weakest_text(r, lang: str) -> str:
    if not r.weakest or pd.isna(r.weakest):
        return fmt.DASH
    m = registry.get(r.weakest)
    return f"{m.label(lang)}: {fmt.value(getattr(r, r.weakest), m.unit, lang)}"


def _attention_table(worst: pd.DataFrame, lang: str) -> Table:
    names = ["to_be_handled", "on_time_rate", "overdue", "violations"]
    cols = _unit_columns([], lang) + [Column("score", t("measure_short.score", lang), "score")]
    cols += [Column(n, registry.get(n).label(lang), registry.get(n).unit, n) for n in names]
    cols.append(Column("weakest", t("report.col_weakest", lang)))
    rows = _unit_rows(worst, names, lang, extra=("score",))
    for row, r in zip(rows, worst.itertuples(index=False), strict=True):
        row["weakest"] = _weakest_text(r, lang)
    weights = ", ".join(
        f"{registry.get(k).label(lang)} {fmt.percent(w, 0, lang)}" for k, w in ranking.weights().items()
    )
    note = t("report.attention_note", lang, n=config.min_volume(), weights=weights)
    return Table("attention", t("report.table_attention", lang), cols, rows, "unit", note=note)


# --- the report ------------------------------------------------------------------------------


def build_content(
    period: Period,
    filters: Filters | None = None,
    scope: Scope = ALL,
    lang: str = "vi",
    built_at: datetime | None = None,
) -> Report:
    """Every table, figure and sentence of the report for `period`, under `scope`."""
    if not isinstance(scope, Scope):
        raise TypeError("scope is required (cchc.core.ALL for the whole province)")
    f = replace(filters or Filters(), cut=period.cut)
    cfg = settings.settings()
    with using(lang):
        names = _units(f, scope)
        head = queries.headline(f, period, scope=scope)
        now = head.loc["current"]
        as_of = queries.data_as_of(scope=scope).iloc[0]
        period_text = fmt.period_label(period, lang)
        s_text, fl_text = scope_text(scope, lang, names), filters_text(f, lang, names)
        context = " · ".join(x for x in (period_text, s_text if not scope.is_all else None) if x)
        if f != replace(Filters(), cut=period.cut):
            context += " · " + fl_text
        empty = all((_num(now[n]) or 0) == 0 for n in ("to_be_handled", "inspections"))

        tables: dict[str, Table] = {}
        for key, grain, section in (
            ("channel", "channel", "channel"),
            ("kind", "kind", "kind"),
            ("category", "category", "category"),
        ):
            tables[key] = _code_table(
                key,
                t(f"report.table_{key}", lang),
                grain,
                section,
                ["received"],
                f,
                period,
                scope,
                lang,
                head,
                "received",
            )
        tables["handling"] = _handling_table(head, lang)
        units = ranking.scored(queries.by_unit(f, period, scope=scope))
        tables["most_overdue"] = _overdue_table(units, int(cfg["most_overdue_count"]), lang)
        tables["inspection_type"] = _code_table(
            "inspection_type",
            t("report.table_inspection_type", lang),
            "inspection_type",
            "inspection_type",
            ["inspections", "violations", "violations_per_inspection"],
            f,
            period,
            scope,
            lang,
            head,
            "inspections",
        )
        tables["violation_category"] = _code_table(
            "violation_category",
            t("report.table_violation_category", lang),
            "violation_category",
            "violation_category",
            ["violations", "remedied_on_time", "remedy_late", "remedy_pending"],
            f,
            period,
            scope,
            lang,
            head,
            "violations",
        )
        tables["handling_of_violations"] = _code_table(
            "handling_of_violations",
            t("report.table_violation_handling", lang),
            "handling",
            "handling",
            ["violations"],
            f,
            period,
            scope,
            lang,
            head,
            None,
        )
        worst = ranking.attention(units, int(cfg["attention_count"]))
        tables["attention"] = _attention_table(worst, lang)

        months = int(cfg["trend_months"])
        trend = queries.monthly_trend(f, period, months, scope=scope)
        trend_context = f"{context} · {t('report.last_n_months', lang, n=months)}"
        # the charts draw the tables' numbers (what queries.received_by / violations_by return)
        channel = _chart_frame(tables["channel"], "received")
        vio = _chart_frame(tables["violation_category"], "violations")
        remedies = {k: float(_num(now[k]) or 0) for k in ("remedied_on_time", "remedy_late", "remedy_pending")}
        figures = {
            "trend": (
                charts.trend(
                    trend, t("overview.trend_title", lang), trend_context, registry.get("on_time_rate").target
                ),
                t("overview.trend_title", lang),
            ),
            "channel": (
                charts.bars(
                    channel,
                    y="value",
                    x="received",
                    title=t("report.table_channel", lang),
                    context=context,
                    x_title=t("axis.items", lang),
                    palette="channel",
                    code_col="value",
                    label_kind="channel",
                ),
                t("report.table_channel", lang),
            ),
            "violations": (
                charts.bars(
                    vio,
                    y="value",
                    x="violations",
                    title=t("inspections.categories_title", lang),
                    context=context,
                    x_title=t("axis.violations", lang),
                    palette="violation_category",
                    code_col="value",
                    label_kind="violation_category",
                ),
                t("inspections.categories_title", lang),
            ),
            "remedies": (
                charts.donut(remedies, "remedy", t("inspections.remedies_title", lang), context),
                t("inspections.remedies_title", lang),
            ),
        }
        report = Report(
            period=period,
            filters=f,
            scope=scope,
            lang=lang,
            built_at=built_at or datetime.now(),
            title=t("report.title", lang),
            subtitle=t("report.subtitle", lang, period=_lower_first(period_text, lang)),
            period_text=period_text,
            scope_text=s_text,
            filters_text=fl_text,
            as_of_text=t(
                "common.data_as_of", lang, loaded=fmt.moment(as_of["loaded_at"]), last=fmt.day(as_of["last_received"])
            ),
            empty=empty,
            headline=head,
            cards=[cards.card(n, head, lang) for n in BRIEF_CARDS],
            paragraphs=_paragraphs(head, tables, period, lang, empty),
            tables=tables,
            figures=figures,
            definitions=[(m.name, m.label(lang), m.formula(lang)) for m in registry.MEASURES.values()],
            trend=trend,
        )
    return report


def _chart_frame(table: Table, measure: str) -> pd.DataFrame:
    """A code table's rows with a value this period, as the chart builders take them."""
    rows = [(r["_code"] if r["_code"] is not None else "unknown", r[measure]) for r in table.rows]
    rows = [(code, value) for code, value in rows if (_num(value) or 0) > 0]
    return pd.DataFrame(rows, columns=["value", measure])


def _lower_first(text: str, lang: str) -> str:
    return text[:1].lower() + text[1:] if lang == "vi" else text


def _paragraphs(
    head: pd.DataFrame, tables: dict[str, Table], period: Period, lang: str, empty: bool
) -> dict[str, list[str]]:
    now, ago = head.loc["current"], head.loc["year_ago"]

    def v(name: str, row: pd.Series = now) -> str:
        return value(name, row[name], lang)

    def vs(name: str) -> str:
        return change_text(name, now[name], ago[name], lang)

    out: dict[str, list[str]] = {}
    if empty:
        out["summary"] = [t("report.empty", lang)]
    received = [
        t(
            "report.p_received",
            lang,
            received=v("received"),
            change=vs("received"),
            year_ago=v("received", ago),
            carried=v("carried_over"),
            to_be_handled=v("to_be_handled"),
        )
    ]
    top = tables["channel"].rows[:1]
    if top and (_num(now["received"]) or 0) > 0:
        share = fmt.percent((_num(top[0]["received"]) or 0) / float(now["received"]), 1, lang)
        received.append(
            t("report.p_top_channel", lang, channel=top[0]["label"], n=v("received", pd.Series(top[0])), share=share)
        )
    out["received"] = received
    out["handling"] = [
        t(
            "report.p_handling",
            lang,
            resolved=v("resolved"),
            on_time=v("on_time"),
            rate=v("on_time_rate"),
            rate_ago=v("on_time_rate", ago),
            overdue=v("overdue"),
            overdue_open=v("overdue_open"),
            late=v("resolved_late"),
            overdue_rate=v("overdue_rate"),
        ),
        t(
            "report.p_open",
            lang,
            d=fmt.day(period.effective_end),
            open=v("open_items"),
            overdue=v("overdue_open"),
            nearly=v("nearly_due"),
            n=config.nearly_due_days(),
            later=v("not_yet_due"),
            median=v("median_working_days"),
            p90=v("p90_working_days"),
        ),
    ]
    out["inspections"] = [
        t(
            "report.p_inspections",
            lang,
            inspections=v("inspections"),
            year_ago=v("inspections", ago),
            violations=v("violations"),
            per=v("violations_per_inspection"),
            ok=v("remedied_on_time"),
            late=v("remedy_late"),
            pending=v("remedy_pending"),
            rate=v("remedied_on_time_rate"),
        )
    ]
    out["attention"] = [
        t("report.p_attention", lang) if tables["attention"].rows else t("report.p_attention_none", lang)
    ]
    return out


def code_label(section: str, code: object, lang: str) -> str:
    """Label of a code as the tables print it (for tests and the annex)."""
    return codebook.label(section, code, lang)
