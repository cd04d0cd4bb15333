"""Every measure of the product, declared once: name, SQL, unit, direction, labels, definition,
target. Pages, the command line and the report ask for them by name (cchc.core.compute).

`sql` is an aggregate over one row model of cchc/core/rows.py, named by `source`:
- complaints: `complaint_facts`, one row per complaint to be handled in the period (received
  in it, or still open at its start), with the flags is_received, is_carried_over, is_resolved,
  is_open_at_ref and deadline_state (for open items);
- inspections: `inspection_facts`, one row per inspection held in the period;
- violations: `violation_facts`, one row per finding of those inspections;
- derived: an expression over the other measures' names.
"""

from __future__ import annotations

from dataclasses import dataclass

from cchc.core import config


@dataclass(frozen=True)
class Measure:
    name: str
    source: str  # complaints | inspections | violations | derived
    sql: str
    unit: str  # count | rate | days | ratio
    higher_is_better: bool | None  # None: neither (volume)
    label_vi: str
    label_en: str
    formula_vi: str
    formula_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi

    def formula(self, lang: str) -> str:
        return self.formula_en if lang == "en" else self.formula_vi

    def short(self, lang: str) -> str:
        """The card's label: short enough for a card's width (SHORT_CHARS), the full name being in
        the card's help."""
        vi_en = SHORT_LABELS.get(self.name)
        if vi_en is None:
            return self.label(lang)
        return vi_en[1] if lang == "en" else vi_en[0]

    @property
    def target(self) -> float | None:
        return config.target(self.name)


# The on-time rule, once: resolved in the period within remit (is_resolved, rows.py), on or
# before the due date. Items without a due date are not rated.
ON_TIME = "is_resolved and resolved_date <= due_date"
LATE = "is_resolved and resolved_date > due_date"
RATED = "is_resolved and due_date is not null"
# Complaint categories about officials' conduct (codebook section category).
CONDUCT_CATEGORIES = ("harassment", "causing_trouble", "delay", "attitude")
CONDUCT = ", ".join(f"'{c}'" for c in CONDUCT_CATEGORIES)

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in [
        Measure(
            "received",
            "complaints",
            "count_if(is_received)",
            "count",
            None,
            "Tiếp nhận",
            "Received",
            "Số phản ánh, kiến nghị tiếp nhận trong kỳ (theo ngày tiếp nhận).",
            "Items received in the period (by date received).",
        ),
        Measure(
            "carried_over",
            "complaints",
            "count_if(is_carried_over)",
            "count",
            None,
            "Kỳ trước chuyển sang",
            "Carried over",
            "Tiếp nhận trước kỳ và chưa xử lý xong khi bắt đầu kỳ.",
            "Received before the period and still open at its start.",
        ),
        Measure(
            "to_be_handled",
            "complaints",
            "count(*)",
            "count",
            None,
            "Phải xử lý",
            "To be handled",
            "Phải xử lý = tiếp nhận trong kỳ + kỳ trước chuyển sang (còn mở khi bắt đầu kỳ).",
            "To be handled = received in the period + carried over (open at its start).",
        ),
        Measure(
            "resolved",
            "complaints",
            "count_if(is_resolved)",
            "count",
            True,
            "Đã xử lý",
            "Resolved",
            "Số đã xử lý xong trong kỳ, thuộc thẩm quyền (không tính chuyển cơ quan khác, không thuộc thẩm quyền).",
            "Resolved in the period, within the agency's remit (transferred and out-of-remit items left out).",
        ),
        Measure(
            "on_time",
            "complaints",
            f"count_if({ON_TIME})",
            "count",
            True,
            "Xử lý đúng hạn",
            "Resolved on time",
            "Đã xử lý trong kỳ, thuộc thẩm quyền, ngày hoàn thành ≤ hạn xử lý.",
            "Resolved in the period within remit, on or before the due date.",
        ),
        Measure(
            "on_time_rate",
            "complaints",
            f"count_if({ON_TIME}) / nullif(count_if({RATED}), 0)",
            "rate",
            True,
            "Tỷ lệ đúng hạn",
            "On-time rate",
            "Tỷ lệ đúng hạn = số xử lý đúng hạn ÷ số đã xử lý trong kỳ; chỉ tính hồ sơ thuộc "
            "thẩm quyền và có hạn xử lý.",
            "On-time rate = resolved on or before the due date ÷ resolved in the period; only "
            "items within remit that have a due date.",
        ),
        Measure(
            "resolved_late",
            "complaints",
            f"count_if({LATE})",
            "count",
            False,
            "Xử lý quá hạn",
            "Resolved late",
            "Đã xử lý trong kỳ nhưng sau hạn xử lý.",
            "Resolved in the period after the due date.",
        ),
        Measure(
            "overdue_open",
            "complaints",
            "count_if(deadline_state = 'overdue')",
            "count",
            False,
            "Đang quá hạn",
            "Open and overdue",
            "Chưa xử lý xong tại cuối kỳ (hoặc hôm nay) và đã quá hạn xử lý.",
            "Still open at the end of the period (or today) and past the due date.",
        ),
        Measure(
            "overdue",
            "derived",
            "overdue_open + resolved_late",
            "count",
            False,
            "Quá hạn",
            "Overdue",
            "Quá hạn = đang quá hạn + đã xử lý sau hạn.",
            "Overdue = open past the due date + resolved after it.",
        ),
        Measure(
            "overdue_rate",
            "derived",
            "(overdue_open + resolved_late) / nullif(to_be_handled, 0)",
            "rate",
            False,
            "Tỷ lệ quá hạn",
            "Overdue rate",
            "Tỷ lệ quá hạn = (đang quá hạn + đã xử lý sau hạn) ÷ phải xử lý.",
            "Overdue rate = (open past due + resolved after due) ÷ to be handled.",
        ),
        Measure(
            "open_items",
            "complaints",
            "count_if(is_open_at_ref)",
            "count",
            None,
            "Tồn đọng",
            "Backlog",
            "Chưa xử lý xong tại cuối kỳ (hoặc hôm nay).",
            "Still open at the end of the period (or today).",
        ),
        Measure(
            "nearly_due",
            "complaints",
            "count_if(deadline_state = 'nearly_due')",
            "count",
            False,
            "Sắp đến hạn",
            "Nearly due",
            "Đang mở, hạn xử lý trong N ngày làm việc tới (N trong config/targets.yaml).",
            "Open, due within the next N working days (N in config/targets.yaml).",
        ),
        Measure(
            "not_yet_due",
            "complaints",
            "count_if(deadline_state = 'not_yet_due')",
            "count",
            None,
            "Trong hạn",
            "Not yet due",
            "Đang mở, hạn xử lý còn hơn N ngày làm việc.",
            "Open, due later than N working days from now.",
        ),
        Measure(
            "median_days",
            "complaints",
            "median(resolution_calendar_days) filter (where is_resolved)",
            "days",
            False,
            "Trung vị ngày giải quyết",
            "Median resolution days",
            "Trung vị số ngày (lịch) từ tiếp nhận đến hoàn thành, các hồ sơ xử lý xong trong kỳ.",
            "Median calendar days from receipt to resolution, items resolved in the period.",
        ),
        Measure(
            "p90_days",
            "complaints",
            "quantile_cont(resolution_calendar_days, 0.9) filter (where is_resolved)",
            "days",
            False,
            "Phân vị 90 ngày giải quyết",
            "90th percentile resolution days",
            "90 % hồ sơ xử lý xong trong kỳ có số ngày (lịch) không quá giá trị này.",
            "90 % of items resolved in the period took at most this many calendar days.",
        ),
        Measure(
            "median_working_days",
            "complaints",
            "median(resolution_working_days) filter (where is_resolved)",
            "days",
            False,
            "Trung vị ngày làm việc",
            "Median working days",
            "Trung vị số ngày làm việc (trừ thứ Bảy, Chủ nhật, ngày lễ, Tết).",
            "Median working days (weekends and public holidays, Tết included, left out).",
        ),
        Measure(
            "p90_working_days",
            "complaints",
            "quantile_cont(resolution_working_days, 0.9) filter (where is_resolved)",
            "days",
            False,
            "Phân vị 90 ngày làm việc",
            "90th percentile working days",
            "90 % hồ sơ xử lý xong trong kỳ có số ngày làm việc không quá giá trị này.",
            "90 % of items resolved in the period took at most this many working days.",
        ),
        Measure(
            "satisfied_rate",
            "complaints",
            "count_if(is_resolved and satisfaction_score >= 4) "
            "/ nullif(count_if(is_resolved and satisfaction_score is not null), 0)",
            "rate",
            True,
            "Tỷ lệ hài lòng",
            "Satisfaction rate",
            "Số đánh giá hài lòng hoặc rất hài lòng ÷ số hồ sơ xử lý xong trong kỳ có đánh giá.",
            "Satisfied or very satisfied ÷ items resolved in the period that were rated.",
        ),
        Measure(
            "inspections",
            "inspections",
            "count(*)",
            "count",
            None,
            "Cuộc kiểm tra",
            "Inspections",
            "Số cuộc kiểm tra công vụ tiến hành trong kỳ (theo ngày kiểm tra).",
            "Public-service inspections held in the period (by inspection date).",
        ),
        Measure(
            "violations",
            "violations",
            "count(*)",
            "count",
            False,
            "Vi phạm",
            "Violations",
            "Số vi phạm phát hiện tại các cuộc kiểm tra trong kỳ.",
            "Findings of the inspections held in the period.",
        ),
        Measure(
            "violations_per_inspection",
            "derived",
            "violations / nullif(inspections, 0)",
            "ratio",
            False,
            "Vi phạm / cuộc kiểm tra",
            "Violations per inspection",
            "Số vi phạm ÷ số cuộc kiểm tra trong kỳ.",
            "Findings ÷ inspections in the period.",
        ),
        Measure(
            "remedied_on_time",
            "violations",
            "count_if(remedied_on <= ref_date and (remedy_due is null or remedied_on <= remedy_due))",
            "count",
            True,
            "Khắc phục đúng hạn",
            "Remedied on time",
            "Vi phạm đã khắc phục, đúng hạn khắc phục (hoặc không có hạn).",
            "Findings remedied by their deadline (or with no deadline).",
        ),
        Measure(
            "remedy_late",
            "violations",
            "count_if((remedied_on <= ref_date and remedied_on > remedy_due) "
            "or ((remedied_on is null or remedied_on > ref_date) and remedy_due < ref_date))",
            "count",
            False,
            "Khắc phục trễ hạn",
            "Remedied late / overdue",
            "Vi phạm khắc phục sau hạn, hoặc chưa khắc phục mà đã quá hạn khắc phục.",
            "Findings remedied after their deadline, or not remedied and past it.",
        ),
        Measure(
            "remedy_pending",
            "violations",
            "count_if((remedied_on is null or remedied_on > ref_date) "
            "and (remedy_due is null or remedy_due >= ref_date))",
            "count",
            None,
            "Chưa đến hạn khắc phục",
            "Remedy pending",
            "Vi phạm chưa khắc phục, chưa đến hạn khắc phục.",
            "Findings not yet remedied, deadline not yet passed.",
        ),
        Measure(
            "remedy_open",
            "violations",
            "count_if(remedied_on is null or remedied_on > ref_date)",
            "count",
            False,
            "Chưa khắc phục",
            "Not yet remedied",
            "Vi phạm chưa khắc phục tính đến cuối kỳ (trong hạn hoặc đã quá hạn khắc phục).",
            "Findings not remedied by the end of the period (within or past the remedy deadline).",
        ),
        Measure(
            "conduct_received",
            "complaints",
            f"count_if(is_received and category in ({CONDUCT}))",
            "count",
            None,
            "Phản ánh về tác phong cán bộ",
            "Complaints about officials' conduct",
            "Tiếp nhận trong kỳ thuộc nhóm nhũng nhiễu, gây phiền hà, chậm trễ, thái độ ứng xử.",
            "Received in the period about harassment, causing trouble, delay or attitude.",
        ),
        Measure(
            "remedied_on_time_rate",
            "derived",
            "remedied_on_time / nullif(remedied_on_time + remedy_late, 0)",
            "rate",
            True,
            "Tỷ lệ khắc phục đúng hạn",
            "Remedied-on-time rate",
            "Đã khắc phục đúng hạn ÷ (đã khắc phục đúng hạn + khắc phục trễ hoặc quá hạn).",
            "Remedied by the deadline ÷ (remedied by the deadline + late or overdue).",
        ),
    ]
}


# Card labels for measures whose name is longer than a card shows (about SHORT_CHARS
# characters beside the help icon at four cards a row); the full name is the help's first line.
SHORT_CHARS = 24
SHORT_LABELS: dict[str, tuple[str, str]] = {
    "p90_days": ("Phân vị 90 (ngày)", "Days (90th pct.)"),
    "conduct_received": ("Phản ánh về tác phong", "Conduct complaints"),
    "p90_working_days": ("Phân vị 90 ngày làm việc", "Working days (90th pct.)"),
    "violations_per_inspection": ("Vi phạm / cuộc kiểm tra", "Violations per visit"),
}


def get(name: str) -> Measure:
    return MEASURES[name]


def by_source(source: str) -> list[Measure]:
    return [m for m in MEASURES.values() if m.source == source]


def score(name: str, value: float | None, cap: float | None = None) -> float | None:
    """Actual ÷ target, inverted for lower-is-better measures; None without a target or value."""
    m = MEASURES[name]
    target = m.target
    if value is None or target is None or value != value:  # NaN check
        return None
    if m.higher_is_better is False:
        s = 1.0 if value <= 0 else target / value
        if target == 0:
            s = 1.0 if value <= 0 else 0.0
    else:
        s = value / target if target else 1.0
    return min(s, cap) if cap is not None else s


def band(s: float | None) -> str | None:
    """green / amber / red for a score, per config/targets.yaml."""
    if s is None:
        return None
    bands = config.targets()["bands"]
    if s >= float(bands["green"]):
        return "green"
    if s >= float(bands["amber"]):
        return "amber"
    return "red"


def composite(values: dict[str, float | None]) -> float | None:
    """Weighted score 0-100 over the measures the agency has, weights from ranking.yaml."""
    cfg = config.ranking()
    cap = float(cfg["score_cap"])
    total = weight = 0.0
    for name, w in cfg["weights"].items():
        s = score(name, values.get(name), cap)
        if s is not None:
            total += float(w) * s
            weight += float(w)
    return None if weight == 0 else round(100 * total / weight, 1)
