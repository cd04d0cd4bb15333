"""etl.demo: the synthetic exports are deterministic, use only the built-in mappings' headers and values,
name real units valid on each row's date, and carry the patterns the dashboard is meant to show."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays
import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from python_calamine import CalamineWorkbook

from etl import demo
from etl.demo import DIRTY_EXPECTED, WORSE_AGENCIES, write_demo_exports

ROOT = Path(__file__).resolve().parent.parent
MAPPINGS = ROOT / "etl" / "mappings"
REFERENCE = ROOT / "data" / "reference"
DEPARTMENTS = ROOT / "data" / "agencies" / "departments.csv"
TODAY = date(2026, 5, 20)
SCALE = 0.05
SEED = 2025
REFORM = date(2025, 7, 1)
ROW_NUMBER_HEADERS = {"stt"}  # the printed report's row number: no mapping column, ignored by the loader
EXCEL_EPOCH = datetime(1899, 12, 30)


# ---------------------------------------------------------------- helpers


def fold(text: object) -> str:
    """Lower case, diacritics stripped (unicodedata), punctuation and repeated spaces dropped."""
    s = unicodedata.normalize("NFD", unicodedata.normalize("NFC", str(text)))
    s = "".join(c for c in s if unicodedata.category(c) != "Mn").replace("đ", "d").replace("Đ", "D").lower()
    return " ".join(re.sub(r"[^\w\s]", " ", s).split())


def mapping(name: str) -> dict:
    return yaml.safe_load((MAPPINGS / f"{name}.yaml").read_text(encoding="utf-8"))


def header_index(m: dict) -> dict[str, str]:
    out = {}
    for section in ("columns", "personal"):
        for canon, headers in (m.get(section) or {}).items():
            for h in headers:
                out.setdefault(fold(h), canon)
    return out


def vocabulary(m: dict, column: str) -> dict[str, str]:
    return {fold(v): code for code, values in m["values"][column].items() for v in [code, *values]}


PAKN, KTCV = mapping("pakn"), mapping("kiem-tra-cong-vu")
PAKN_HEADERS, KTCV_HEADERS = header_index(PAKN), header_index(KTCV)


def read_table(path: Path) -> tuple[list[str], list[list[object]]]:
    """Header and data rows of one export: title rows skipped, the 'Tổng cộng' row and what follows cut."""
    if path.suffix == ".csv":
        raw = path.read_bytes()
        text = raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp1258")
        text = unicodedata.normalize("NFC", text)
        delimiter = ";" if ";" in text.split("\n", 1)[0] else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        return rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    known = PAKN_HEADERS | KTCV_HEADERS
    head = next(i for i, r in enumerate(sheet) if sum(fold(c) in known for c in r if c not in ("", None)) >= 3)
    data = []
    for r in sheet[head + 1 :]:
        first = next((c for c in r if c not in ("", None)), None)
        if isinstance(first, str) and fold(first).startswith("tong cong"):
            break
        if first is not None:
            data.append(list(r))
    return [str(c) for c in sheet[head]], data


def as_datetime(v: object) -> datetime | None:
    if v in ("", None):
        return None
    if isinstance(v, datetime):
        return v
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day)
    if isinstance(v, (int, float)):
        return EXCEL_EPOCH + timedelta(days=float(v))
    for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(v.strip(), fmt)
        except ValueError:
            continue
    raise ValueError(f"not a date: {v!r}")


def frame(path: Path, index: dict[str, str]) -> pd.DataFrame:
    header, rows = read_table(path)
    names = [index.get(fold(h), f"?{h}") for h in header]
    df = pd.DataFrame([r + [""] * (len(names) - len(r)) for r in rows], columns=names, dtype=object)
    df = df.replace({"": None})
    df["file"] = path.name
    return df


def complaint_frame(paths: list[Path], include_dirty: bool = False, include_update: bool = False) -> pd.DataFrame:
    keep = [
        p
        for p in paths
        if p.name.startswith(("01", "02", "03", "04"))
        or (include_update and p.name.startswith("06"))
        or (include_dirty and p.name.startswith("07"))
    ]
    df = pd.concat([frame(p, PAKN_HEADERS) for p in keep], ignore_index=True)
    if not include_dirty:
        for col in ("received_at", "resolved_at", "due_date"):
            df[col] = df[col].map(as_datetime)
    return df


# Real units and their validity, by the folded spellings the exports use.
def _units() -> dict[str, list[tuple[date | None, date | None, str]]]:
    out: dict[str, list] = {}

    def add(key: str, vf, vt, name: str) -> None:
        out.setdefault(key, []).append((vf, vt, name))

    new = pd.read_csv(REFERENCE / "thai_nguyen_units_2025.csv", dtype=str, keep_default_na=False)
    for r in new.itertuples():
        add(fold(r.name), REFORM, None, r.name)
    old = pd.read_csv(REFERENCE / "thai_nguyen_bac_kan_units_pre2025.csv", dtype=str, keep_default_na=False)
    districts = {r.code: r.name for r in old[old.level == "district"].itertuples()}
    last = REFORM - timedelta(days=1)
    for r in old.itertuples():
        add(fold(r.name), None, last, r.name)
        if r.level == "commune":
            add(fold(f"{r.name} {districts[r.parent_district_code]}"), None, last, r.name)
    dep = pd.read_csv(DEPARTMENTS, dtype=str, keep_default_na=False)
    for r in dep.itertuples():
        add(
            fold(r.name),
            date.fromisoformat(r.valid_from) if r.valid_from else None,
            date.fromisoformat(r.valid_to) if r.valid_to else None,
            r.name,
        )
    return out


UNITS = _units()


def agency_key(name: str) -> str:
    key = fold(name)
    for prefix in ("ubnd ", "uy ban nhan dan "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key


def shape(text: str) -> str:
    """Lower case with tone marks dropped but vowel shapes kept: 'Văn Lăng' != 'Văn Lang'."""
    s = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower())
    return " ".join(
        unicodedata.normalize("NFC", "".join(c for c in s if c not in "\u0300\u0301\u0303\u0309\u0323")).split()
    )


def units_valid(name: str, on: date) -> list[str]:
    """Real units the name can mean on a date; same-folding names are told apart by their vowel shapes."""
    found = [
        n for vf, vt, n in UNITS.get(agency_key(name), []) if (vf is None or vf <= on) and (vt is None or on <= vt)
    ]
    if len(found) > 1:
        found = [n for n in found if shape(n).split(" ", 1)[1] in shape(name)] or found
    return found


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> list[Path]:
    return write_demo_exports(tmp_path_factory.mktemp("demo_a"), scale=SCALE, seed=SEED, today=TODAY)


@pytest.fixture(scope="module")
def complaints(exports) -> pd.DataFrame:
    return complaint_frame(exports)


@pytest.fixture(scope="module")
def inspections(exports) -> pd.DataFrame:
    df = frame(next(p for p in exports if p.name.startswith("05")), KTCV_HEADERS)
    for col in ("inspected_on", "remedy_due", "remedied_on"):
        df[col] = df[col].map(as_datetime)
    return df


@pytest.fixture(scope="module")
def capped_exports(tmp_path_factory) -> list[Path]:
    """The same exports with tiny row caps, to exercise the .xls overflow CSV and the .xlsx split."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(demo, "XLS_MAX_ROWS", 50)
        mp.setattr(demo, "XLSX_MAX_ROWS", 100)
        return write_demo_exports(tmp_path_factory.mktemp("demo_capped"), scale=SCALE, seed=SEED, today=TODAY)


def by_prefix(paths: list[Path], prefix: str) -> list[Path]:
    return [p for p in paths if p.name.startswith(prefix)]


# ---------------------------------------------------------------- determinism and layout


def test_write_demo_exports_same_seed_writes_identical_bytes(exports, tmp_path):
    again = write_demo_exports(tmp_path, scale=SCALE, seed=SEED, today=TODAY)
    assert [p.name for p in again] == [p.name for p in exports]
    for a, b in zip(exports, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_write_demo_exports_other_seed_writes_different_csv_bytes(exports, tmp_path):
    other = {p.name: p for p in write_demo_exports(tmp_path, scale=SCALE, seed=SEED + 1, today=TODAY)}
    csvs = [p for p in exports if p.suffix == ".csv"]
    assert len(csvs) >= 4
    for p in csvs:
        assert p.read_bytes() != other[p.name].read_bytes(), p.name


def test_write_demo_exports_returns_paths_in_load_order(exports):
    names = [p.name for p in exports]
    assert all(p.is_file() for p in exports)
    assert names[0] == "01_duong_day_nong.csv"
    app = [n for n in names if n.startswith("02_cthainguyen_")]
    assert app == sorted(app) and [n[15:19] for n in app] == [str(y) for y in range(2021, TODAY.year + 1)]
    assert names.index(f"06_cap_nhat_{TODAY:%Y-%m}.csv") > max(names.index(n) for n in app)
    assert names[-1] == "07_phan_anh_loi.csv"
    assert {"03_hop_thu_dien_tu.csv", "04_van_ban_truc_tiep.xls", "05_kiem_tra_cong_vu.xlsx"} <= set(names)


def test_headers_every_file_only_mapping_headers(exports):
    for p in exports:
        header, _ = read_table(p)
        index = KTCV_HEADERS if p.name.startswith("05") else PAKN_HEADERS
        unknown = [h for h in header if h and fold(h) not in index and fold(h) not in ROW_NUMBER_HEADERS]
        assert unknown == [], p.name
        assert len({index.get(fold(h)) for h in header if fold(h) in index}) == len(
            [h for h in header if fold(h) in index]
        ), f"{p.name}: two headers map to one column"


def test_values_never_spelled_like_a_header(exports):
    """A cell under the header that reads like a header makes a loader take that row for a second header row."""
    for p in exports:
        _, rows = read_table(p)
        index = KTCV_HEADERS if p.name.startswith("05") else PAKN_HEADERS
        clashes = {v for r in rows for v in r if isinstance(v, str) and fold(v) in index}
        assert clashes == set(), p.name


def test_headers_email_file_written_without_diacritics(exports):
    header, _ = read_table(by_prefix(exports, "03")[0])
    assert header[:3] == ["Ma", "Ngay tiep nhan", "Kenh"]
    assert all(h.isascii() for h in header)


def test_cp1258_file_decodes_as_cp1258_not_utf8(exports):
    raw = by_prefix(exports, "03")[0].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = unicodedata.normalize("NFC", raw.decode("cp1258"))
    assert text.startswith("Ma;Ngay tiep nhan;")
    assert "Kiến nghị" in text or "Đề nghị" in text  # 'ế'/'ề' need a combining tone mark in cp1258
    assert "Hộp thư điện tử" in text and "Phản ánh" in text
    assert "\u0301".encode("cp1258") in raw  # combining acute: letters cp1258 lacks were decomposed


def test_app_xlsx_report_layout_opens_in_openpyxl(exports):
    path = by_prefix(exports, "02_cthainguyen_2025")[0]
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws["E1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert "E1:O1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "UBND TỈNH THÁI NGUYÊN"
    assert [c.value for c in ws[7]][:3] == ["STT", "Mã", "Ngày nhận"]
    assert isinstance(ws["C8"].value, datetime) and ws["C8"].number_format == "dd/mm/yyyy hh:mm"
    assert ws["A8"].value == 1
    texts = [c.value for row in ws.iter_rows(min_row=8) for c in row if isinstance(c.value, str)]
    assert any(t.startswith("Tổng cộng") for t in texts)
    assert "Người lập biểu" in texts and "Thủ trưởng đơn vị" in texts


def test_xls_over_cap_rows_overflow_to_csv(capped_exports, exports):
    paths = capped_exports
    xls = by_prefix(paths, "04_")[0]
    overflow = by_prefix(paths, "04b_")
    assert len(overflow) == 1 and paths.index(overflow[0]) == paths.index(xls) + 1
    _, xls_rows = read_table(xls)
    over = frame(overflow[0], PAKN_HEADERS)
    full = frame(by_prefix(exports, "04_")[0], PAKN_HEADERS)
    assert len(xls_rows) == 50
    assert [r[0] for r in xls_rows] + over["complaint_id"].tolist() == full["complaint_id"].tolist()


def test_xls_default_cap_keeps_one_legacy_file(exports):
    assert demo.XLS_MAX_ROWS <= 65_000
    assert by_prefix(exports, "04b_") == []


def test_app_xlsx_over_row_cap_splits_into_parts(capped_exports, exports):
    paths = capped_exports
    parts = by_prefix(paths, "02_cthainguyen_2025")
    assert len(parts) >= 3 and parts[1].name == "02_cthainguyen_2025_p2.xlsx"
    sizes = [len(read_table(p)[1]) for p in parts]
    assert all(s == 100 for s in sizes[:-1]) and 0 < sizes[-1] <= 100
    whole = read_table(by_prefix(exports, "02_cthainguyen_2025")[0])[1]
    assert [r[1] for p in parts for r in read_table(p)[1]] == [r[1] for r in whole]  # same rows, in order
    assert [r[0] for r in read_table(parts[1])[1]][:2] == [1, 2]  # each part numbers its rows from 1


# ---------------------------------------------------------------- vocabulary and values


@pytest.mark.parametrize("column", ["channel", "kind", "status", "category", "satisfaction"])
def test_complaint_values_written_listed_in_pakn_vocabulary(exports, column):
    vocab = vocabulary(PAKN, column)
    df = complaint_frame(exports, include_dirty=True, include_update=True)
    values = set(df[column].dropna())
    assert values, column
    assert {v for v in values if fold(v) not in vocab} == set()


@pytest.mark.parametrize("column", ["inspection_type", "category", "handling"])
def test_inspection_values_written_listed_in_ktcv_vocabulary(inspections, column):
    vocab = vocabulary(KTCV, column)
    values = set(inspections[column].dropna())
    assert {v for v in values if fold(v) not in vocab} == set()
    nulls = {fold(v) for v in KTCV["null_values"]}
    assert not any(fold(v) in nulls for v in values)


def test_inspections_every_type_category_and_handling_present(inspections):
    def codes(column: str) -> set[str]:
        vocab = vocabulary(KTCV, column)
        return {vocab[fold(v)] for v in inspections[column].dropna()}

    assert codes("inspection_type") == set(KTCV["values"]["inspection_type"])
    assert codes("category") == set(KTCV["values"]["category"])
    assert codes("handling") == set(KTCV["values"]["handling"])


def test_complaints_every_channel_kind_category_and_status_present(complaints):
    for column in ("channel", "kind", "category", "status"):
        vocab = vocabulary(PAKN, column)
        assert {vocab[fold(v)] for v in complaints[column].dropna()} == set(PAKN["values"][column]), column


def test_complaint_ids_unique_and_prefixed_per_file_family(complaints):
    assert complaints["complaint_id"].is_unique
    prefix = {"01": "DDN", "02": "APP", "03": "EM", "04": "VB"}
    for name, ids in complaints.groupby("file")["complaint_id"]:
        assert ids.str.fullmatch(rf"{prefix[name[:2]]}-20\d\d-\d{{6}}").all(), name


def test_inspection_ids_and_finding_ids_well_formed(inspections):
    assert inspections["inspection_id"].str.fullmatch(r"KT-20\d\d-\d{3}").all()
    findings = inspections["violation_id"].dropna()
    assert findings.is_unique
    assert all(
        v.startswith(i + "-VP") for v, i in zip(findings, inspections.loc[findings.index, "inspection_id"], strict=True)
    )


def test_inspections_without_finding_have_blank_finding_columns(inspections):
    bare = inspections[inspections["violation_id"].isna()]
    assert len(bare) > 0
    finding_cols = [
        "category",
        "description",
        "officials_involved",
        "handling",
        "recommendation",
        "remedy_due",
        "remedied_on",
    ]
    assert bare[finding_cols].isna().all().all()
    assert bare["inspection_id"].is_unique  # one row per inspection that found nothing


def test_inspection_remedies_on_time_late_and_pending_all_present(inspections):
    f = inspections.dropna(subset=["violation_id"])
    on_time = (f["remedied_on"] <= f["remedy_due"]).sum()
    late = (f["remedied_on"] > f["remedy_due"]).sum()
    pending = f["remedied_on"].isna().sum()
    pending_overdue = (f["remedied_on"].isna() & (f["remedy_due"] < datetime.combine(TODAY, datetime.min.time()))).sum()
    assert on_time > late > 0 and pending > 0 and pending_overdue > 0
    assert (f["remedied_on"].dropna() > f.loc[f["remedied_on"].notna(), "inspected_on"]).all()


def test_personal_columns_realistic_formats(complaints):
    phones = complaints["phone"].dropna()
    assert len(phones) > 100 and phones.str.fullmatch(r"0\d{9}").all()
    emails = complaints["email"].dropna()
    assert len(emails) > 100 and emails.str.fullmatch(r"[a-z0-9.]+@[a-z]+\.[a-z]+").all()
    ids = complaints["id_number"].dropna()
    assert ids.str.fullmatch(r"\d{12}|\d{9}").all() and (ids.str.len() == 12).mean() > 0.7
    names = complaints["name"].dropna()
    assert names.str.fullmatch(r"\w+ \w+ \w+").mean() > 0.99


def test_content_sometimes_embeds_phone_email_and_cccd(complaints):
    content = complaints["content"].dropna()
    share_phone = content.str.contains(r"\b0\d{9}\b").mean()
    share_mail = content.str.contains(r"@").mean()
    share_id = content.str.contains(r"\b\d{12}\b").mean()
    assert 0.03 < share_phone < 0.15 and 0.01 < share_mail < 0.08 and 0.01 < share_id < 0.08


# ---------------------------------------------------------------- dates and statuses


def test_received_dates_never_after_today(complaints, inspections, exports):
    limit = datetime.combine(TODAY + timedelta(days=1), datetime.min.time())
    assert complaints["received_at"].max() < limit
    assert complaints["received_at"].min() >= datetime(2021, 1, 1)
    assert complaints["resolved_at"].dropna().max() < limit
    update = complaint_frame(by_prefix(exports, "06"), include_update=True)
    assert update["resolved_at"].dropna().max() < limit
    assert inspections["inspected_on"].max() < limit and inspections["remedied_on"].dropna().max() < limit


def test_resolved_dates_on_or_after_received_outside_dirty_file(exports):
    df = complaint_frame(exports, include_update=True)
    done = df.dropna(subset=["resolved_at"])
    assert len(done) > 1000
    assert (done["resolved_at"].dt.normalize() >= done["received_at"].dt.normalize()).all()


def test_status_matches_resolution_date(complaints):
    vocab = vocabulary(PAKN, "status")
    code = complaints["status"].map(lambda v: vocab[fold(v)])
    resolved = complaints["resolved_at"].notna()
    assert resolved[code == "resolved"].all()
    assert not resolved[code.isin(["new", "in_progress", "overdue"])].any()
    assert code.isin(["transferred", "out_of_remit"]).mean() > 0.02
    assert (code == "overdue").sum() > 0
    overdue = complaints[(code == "overdue") & complaints["due_date"].notna()]
    assert (overdue["due_date"] < datetime.combine(TODAY, datetime.min.time())).all()


def test_due_dates_given_on_about_half_the_rows(complaints):
    share = complaints["due_date"].notna().mean()
    assert 0.4 < share < 0.6
    given = complaints.dropna(subset=["due_date"])
    assert (given["due_date"] >= given["received_at"].dt.normalize()).all()


def test_satisfaction_only_on_resolved_rows(complaints):
    rated = complaints.dropna(subset=["satisfaction"])
    assert len(rated) > 100
    vocab = vocabulary(PAKN, "status")
    assert (rated["status"].map(lambda v: vocab[fold(v)]) == "resolved").all()


# ---------------------------------------------------------------- agencies


def test_agency_names_real_unit_valid_on_row_date(complaints, inspections, exports):
    rows = [
        (a, d.date(), f)
        for a, d, f in zip(complaints["agency"], complaints["received_at"], complaints["file"], strict=True)
    ]
    rows += [(a, d.date(), "05") for a, d in zip(inspections["agency"], inspections["inspected_on"], strict=True)]
    update = complaint_frame(by_prefix(exports, "06"), include_update=True)
    rows += [(a, d.date(), "06") for a, d in zip(update["agency"], update["received_at"], strict=True)]
    bad = [(a, d, f) for a, d, f in rows if len(units_valid(a, d)) != 1]
    assert bad == []


def test_agency_names_dirty_file_good_rows_valid_unknowns_deliberate(exports):
    header, rows = read_table(by_prefix(exports, "07")[0])
    deliberate = {fold(demo.DIRTY_UNKNOWN_AGENCY), fold(demo.DIRTY_MISSPELLED_AGENCY)}
    checked = 0
    for r in rows:
        try:
            received = as_datetime(r[1])
        except ValueError:
            continue
        if received is None or received.date() > TODAY or fold(r[9]) in deliberate:
            continue
        assert len(units_valid(r[9], received.date())) == 1, r[9]
        checked += 1
    assert checked > 150
    assert (
        sum(fold(r[9]) in deliberate for r in rows)
        == DIRTY_EXPECTED["unknown-agency"] + DIRTY_EXPECTED["misspelled-agency"]
    )


def test_agency_names_spelling_varies_across_files(complaints):
    prefixes = complaints.groupby("file")["agency"].agg(
        lambda s: frozenset(s.str.extract(r"^(UBND|Ủy ban nhân dân|Xã|Phường|Huyện|Thành phố)")[0].dropna())
    )
    every = set().union(*prefixes)
    assert {"UBND", "Ủy ban nhân dân", "Xã"} <= every


def test_agency_names_ambiguous_old_communes_carry_district(complaints):
    old = complaints[complaints["received_at"] < datetime(2025, 7, 1)]
    qualified = set(old["agency"][old["agency"].str.contains(r", (?:huyện|thành phố) ")])
    assert len(qualified) > 0
    pre = pd.read_csv(REFERENCE / "thai_nguyen_bac_kan_units_pre2025.csv", dtype=str)
    shorts = Counter(fold(s) for s in pre.loc[pre.level == "commune", "short_name"])
    for name in qualified:
        short = re.sub(r"^(?:xa|phuong|thi tran) ", "", agency_key(name.split(",")[0]))
        assert shorts[short] >= 2, name
    unqualified = {agency_key(a) for a in old["agency"] if "," not in a}
    ambiguous = {s for s, k in shorts.items() if k >= 2}
    assert not {a for a in unqualified if re.sub(r"^(?:xa|phuong|thi tran) ", "", a) in ambiguous}


def test_agency_volumes_skewed_and_levels_mixed(complaints):
    counts = complaints["agency"].map(agency_key).value_counts()
    top10 = counts.iloc[:10].sum() / counts.sum()
    assert 0.2 < top10 < 0.7
    old = complaints[complaints["received_at"] < datetime(2025, 7, 1)]["agency"].map(agency_key)
    district = old.str.match(r"^(huyen|thanh pho) ").mean()
    department = old.str.match(r"^(so|thanh tra|ban) ").mean()
    assert 0.08 < district < 0.25 and 0.15 < department < 0.35


def test_worse_agencies_slower_and_less_satisfied(complaints):
    worse = {fold(n) for names in WORSE_AGENCIES.values() for n in names}
    is_worse = complaints["agency"].map(lambda a: agency_key(a.split(",")[0]) in worse)
    done = complaints.dropna(subset=["resolved_at"])
    days = (done["resolved_at"].dt.normalize() - done["received_at"].dt.normalize()).dt.days
    assert is_worse.mean() > 0.05
    assert days[is_worse[done.index]].median() >= 1.8 * days[~is_worse[done.index]].median()
    vocab = vocabulary(PAKN, "satisfaction")
    score = {"very_satisfied": 5, "satisfied": 4, "neutral": 3, "dissatisfied": 2, "very_dissatisfied": 1}
    rated = complaints.dropna(subset=["satisfaction"])
    s = rated["satisfaction"].map(lambda v: score[vocab[fold(v)]])
    assert s[is_worse[rated.index]].mean() + 0.7 < s[~is_worse[rated.index]].mean()


def test_unannounced_inspections_target_high_complaint_agencies(complaints, inspections):
    volume = complaints["agency"].map(lambda a: agency_key(a)).value_counts()
    first = inspections.drop_duplicates("inspection_id")
    vocab = vocabulary(KTCV, "inspection_type")
    kind = first["inspection_type"].map(lambda v: vocab[fold(v)])
    vol = first["agency"].map(lambda a: volume.get(agency_key(a), 0))
    assert vol[kind == "unannounced"].mean() > 1.5 * vol[kind == "planned"].mean()


# ---------------------------------------------------------------- patterns over time


def test_tet_week_volume_below_half_of_surrounding_weeks(complaints):
    daily = complaints["received_at"].dt.normalize().value_counts()
    vn = holidays.VN(years=range(2021, TODAY.year + 1), language="en_US")
    tets = sorted(d for d, n in vn.items() if n == "Lunar New Year" and d <= TODAY - timedelta(days=30))
    assert len(tets) == TODAY.year - 2021 + 1

    def mean(days: list[date]) -> float:
        return float(np.mean([daily.get(pd.Timestamp(d), 0) for d in days]))

    week, around = [], []
    for t in tets:
        start = t - timedelta(days=2)
        week += [start + timedelta(days=k) for k in range(7)]
        around += [start - timedelta(days=k) for k in range(8, 22)] + [start + timedelta(days=k) for k in range(14, 28)]
    assert mean(week) < 0.5 * mean(around)


def test_weekends_lower_and_month_end_higher(complaints):
    d = complaints["received_at"].dt.normalize()
    daily = d.value_counts().reindex(pd.date_range("2021-01-01", TODAY), fill_value=0)
    weekend = daily.index.day_of_week >= 5
    assert daily[weekend].mean() < 0.6 * daily[~weekend].mean()
    month_end = daily.index.is_month_end & ~weekend
    mid = (daily.index.day >= 10) & (daily.index.day <= 20) & ~weekend
    assert daily[month_end].mean() > 1.2 * daily[mid].mean()


def test_volume_grows_over_years(complaints):
    per_year = complaints["received_at"].dt.year.value_counts().sort_index()
    assert per_year[2025] > 1.5 * per_year[2021]
    assert 0.7 * 100_000 * SCALE < len(complaints) < 1.3 * 100_000 * SCALE


def test_app_share_rises_from_2021_to_last_year(complaints):
    vocab = vocabulary(PAKN, "channel")
    channel = complaints["channel"].map(lambda v: vocab[fold(v)])
    year = complaints["received_at"].dt.year
    share = (channel == "app").groupby(year).mean()
    assert share[2021] < 0.25
    assert share[TODAY.year] > 0.5
    assert share[TODAY.year] > share[2021] + 0.3
    first = channel[year == 2021].value_counts(normalize=True)
    assert first[["hotline", "letter", "in_person"]].sum() > 0.55


def test_kind_mix_feedback_most_denunciation_fewest(complaints):
    vocab = vocabulary(PAKN, "kind")
    counts = complaints["kind"].map(lambda v: vocab[fold(v)]).value_counts()
    assert counts["feedback"] > counts["petition"] > counts["complaint"] > counts["denunciation"] > 0


# ---------------------------------------------------------------- the update file


def test_update_file_repeats_ids_of_files_01_02_with_new_status(exports, complaints):
    update = complaint_frame(by_prefix(exports, "06"), include_update=True)
    assert len(update) == round(demo.BASE_UPDATES * SCALE)
    assert update["complaint_id"].is_unique
    original = complaints[complaints["file"].str[:2].isin(["01", "02"])].set_index("complaint_id")
    assert set(update["complaint_id"]) <= set(original.index)
    before = original.loc[update["complaint_id"]]
    svocab = vocabulary(PAKN, "status")
    old = before["status"].map(lambda v: svocab[fold(v)]).to_numpy()
    new = update["status"].map(lambda v: svocab[fold(v)]).to_numpy()
    changed = (old != new) | (before["resolved_at"].isna().to_numpy() != update["resolved_at"].isna().to_numpy())
    assert changed.all()
    assert np.isin(old, ["new", "in_progress", "overdue"]).all()
    assert (new == "resolved").mean() > 0.6
    assert (before["received_at"].to_numpy() == update["received_at"].to_numpy()).all()


# ---------------------------------------------------------------- the dirty file


def test_dirty_file_defects_match_dirty_expected(exports):
    raw = by_prefix(exports, "07")[0].read_bytes().decode("utf-8-sig").split("\r\n")[1:-1]
    blank = [ln for ln in raw if not ln.replace(",", "").strip()]
    rows = list(csv.reader([ln for ln in raw if ln.replace(",", "").strip()]))
    found = Counter()
    ids = Counter(r[0] for r in rows if r[0])
    for r in rows:
        cid, recv, agency, resolved = r[0], r[1], r[9], r[11]
        if not cid:
            found["missing-id"] += 1
            continue
        if not re.fullmatch(r"\d\d/\d\d/\d{4}( \d\d:\d\d)?", recv):
            found["unparseable-date"] += 1
            continue
        try:
            received = datetime.strptime(recv[:10], "%d/%m/%Y").date()
        except ValueError:
            found["nonexistent-date"] += 1
            continue
        if received > TODAY:
            found["future-date"] += 1
        elif resolved and datetime.strptime(resolved, "%d/%m/%Y").date() < received:
            found["resolved-before-received"] += 1
        elif agency == demo.DIRTY_UNKNOWN_AGENCY:
            found["unknown-agency"] += 1
        elif agency == demo.DIRTY_MISSPELLED_AGENCY:
            found["misspelled-agency"] += 1
        elif agency != agency.strip() or "  " in agency or agency.isascii() or agency.startswith("Ủy ban"):
            found["varied-spelling"] += 1
    found["duplicate-id"] = sum(n - 1 for n in ids.values())
    assert len(blank) == DIRTY_EXPECTED["blank_lines"]
    assert len(rows) == DIRTY_EXPECTED["rows"]
    for key in (
        "missing-id",
        "nonexistent-date",
        "unparseable-date",
        "future-date",
        "resolved-before-received",
        "unknown-agency",
        "misspelled-agency",
        "duplicate-id",
        "varied-spelling",
    ):
        assert found[key] == DIRTY_EXPECTED[key], key
    defects = sum(
        found[k]
        for k in (
            "missing-id",
            "nonexistent-date",
            "unparseable-date",
            "future-date",
            "resolved-before-received",
            "unknown-agency",
            "misspelled-agency",
        )
    )
    assert DIRTY_EXPECTED["rejected"] == defects + found["duplicate-id"]
    assert DIRTY_EXPECTED["loaded"] == len(rows) - DIRTY_EXPECTED["rejected"]


def test_dirty_file_duplicate_later_row_resolved(exports):
    _, rows = read_table(by_prefix(exports, "07")[0])
    seen: dict[str, list[str]] = {}
    pairs = []
    for r in rows:
        if r[0] and r[0] in seen:
            pairs.append((seen[r[0]], r))
        seen[r[0]] = r
    assert len(pairs) == DIRTY_EXPECTED["duplicate-id"]
    for first, later in pairs:
        assert first[12] == "Đang xử lý" and later[12] == "Đã xử lý" and later[11]
