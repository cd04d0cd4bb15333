"""Mapping files: export headers and values -> canonical columns and codes (docs/mappings.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cchc import codebook
from etl.errors import MappingError
from etl.textnorm import fold

MAPPINGS_DIR = Path(__file__).parent / "mappings"

CANONICAL: dict[str, list[str]] = {
    "complaints": [
        "complaint_id",
        "received_at",
        "channel",
        "kind",
        "category",
        "subcategory",
        "agency",
        "due_date",
        "resolved_at",
        "status",
        "content",
        "satisfaction",
    ],
    "inspections": [
        "inspection_id",
        "inspected_on",
        "team",
        "lead_unit",
        "agency",
        "inspection_type",
        "officials_checked",
        "violation_id",
        "category",
        "description",
        "officials_involved",
        "handling",
        "recommendation",
        "remedy_due",
        "remedied_on",
    ],
}
ID_COLUMN = {"complaints": "complaint_id", "inspections": "inspection_id"}
# Canonical columns holding codes, and their codebook section (cchc/codebook.yaml).
CODED: dict[str, dict[str, str]] = {
    "complaints": {
        "channel": "channel",
        "kind": "kind",
        "category": "category",
        "status": "status",
        "satisfaction": "satisfaction",
    },
    "inspections": {"inspection_type": "inspection_type", "category": "violation_category", "handling": "handling"},
}
PERSONAL_FIELDS = ("name", "phone", "email", "address", "id_number")


@dataclass
class Mapping:
    name: str
    kind: str
    source: str
    path: Path
    description: str = ""
    columns: dict[str, list[str]] = field(default_factory=dict)
    personal: dict[str, list[str]] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    masked: list[str] = field(default_factory=list)
    null_values: set[str] = field(default_factory=set)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> folded value -> code
    open_values: set[str] = field(default_factory=set)
    constants: dict[str, str] = field(default_factory=dict)
    unknown_agency: str = "reject"
    register_level: str = "office"
    due_from_rules: bool = True
    date_formats: list[str] = field(default_factory=list)  # strptime formats tried before the built-in ones
    header_index: dict[str, str] = field(default_factory=dict)  # folded header -> canonical
    personal_index: dict[str, str] = field(default_factory=dict)  # folded header -> personal field

    _codes: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False, compare=False)

    def code_for(self, column: str, raw: str) -> str | None:
        """Canonical code of a raw value, or None when the vocabulary does not know it."""
        key = (column, raw)
        try:
            return self._codes[key]  # a column's few spellings repeat on every row
        except KeyError:
            pass
        if len(self._codes) > 1 << 16:
            self._codes.clear()
        code = self._codes[key] = self.values.get(column, {}).get(fold(raw))
        return code

    def allowed(self, column: str) -> str:
        return ", ".join(sorted(set(self.values.get(column, {}).values())))


def _as_list(value: object, where: str, path: Path) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        return [str(value)]
    if isinstance(value, list):
        return [str(v) for v in value]
    raise MappingError(f"{path}: '{where}' phải là danh sách", f"{path}: '{where}' must be a list")


def load_mapping(path: Path) -> Mapping:
    """Read and check one mapping file."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(
            f"Không đọc được tệp ánh xạ {path}: {exc}", f"Cannot read mapping file {path}: {exc}"
        ) from exc
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: tệp ánh xạ rỗng hoặc sai cấu trúc", f"{path}: empty or malformed mapping")
    kind = raw.get("kind")
    if kind not in CANONICAL:
        raise MappingError(
            f"{path}: 'kind' phải là complaints hoặc inspections", f"{path}: 'kind' must be complaints or inspections"
        )
    m = Mapping(
        name=str(raw.get("name") or path.stem),
        kind=kind,
        path=path,
        source=str(raw.get("source") or raw.get("name") or path.stem),
        description=str(raw.get("description") or ""),
    )
    for col, headers in (raw.get("columns") or {}).items():
        if col not in CANONICAL[kind]:
            raise MappingError(
                f"{path}: cột chuẩn '{col}' không tồn tại (có: {', '.join(CANONICAL[kind])})",
                f"{path}: unknown canonical column '{col}' (known: {', '.join(CANONICAL[kind])})",
            )
        m.columns[col] = _as_list(headers, f"columns.{col}", path)
    for pf, headers in (raw.get("personal") or {}).items():
        if pf not in PERSONAL_FIELDS:
            raise MappingError(f"{path}: trường cá nhân '{pf}' không hợp lệ", f"{path}: unknown personal field '{pf}'")
        m.personal[pf] = _as_list(headers, f"personal.{pf}", path)
    m.required = _as_list(raw.get("required"), "required", path) or [ID_COLUMN[kind]]
    if ID_COLUMN[kind] not in m.required:
        m.required.insert(0, ID_COLUMN[kind])
    for col in m.required:
        if col not in m.columns and col not in (raw.get("constants") or {}):
            raise MappingError(
                f"{path}: cột bắt buộc '{col}' không có trong 'columns'",
                f"{path}: required column '{col}' has no entry in 'columns'",
            )
    m.masked = _as_list(raw.get("masked"), "masked", path)
    m.null_values = {fold(v) for v in _as_list(raw.get("null_values"), "null_values", path)}
    m.open_values = set(_as_list(raw.get("open_values"), "open_values", path))
    m.constants = {str(k): str(v) for k, v in (raw.get("constants") or {}).items() if v is not None}
    for col, vocab in (raw.get("values") or {}).items():
        m.values[col] = {}
        for code, variants in (vocab or {}).items():
            m.values[col][fold(code)] = str(code)
            for v in _as_list(variants, f"values.{col}.{code}", path):
                m.values[col][fold(v)] = str(code)
    _check_codes(m)
    agency = raw.get("agency") or {}
    m.unknown_agency = str(agency.get("unknown", "reject"))
    if m.unknown_agency not in ("reject", "register"):
        raise MappingError(
            f"{path}: agency.unknown phải là reject hoặc register", f"{path}: agency.unknown must be reject or register"
        )
    m.register_level = str(agency.get("level", "office"))
    if not codebook.is_code("level", m.register_level):
        raise MappingError(
            f"{path}: agency.level '{m.register_level}' không có trong danh mục ({', '.join(codebook.codes('level'))})",
            f"{path}: agency.level '{m.register_level}' is not a level ({', '.join(codebook.codes('level'))})",
        )
    m.due_from_rules = bool((raw.get("due_date") or {}).get("from_rules", True))
    m.date_formats = _as_list(raw.get("date_formats"), "date_formats", path)
    for col, headers in m.columns.items():
        for h in headers:
            m.header_index.setdefault(fold(h), col)
    for pf, headers in m.personal.items():
        for h in headers:
            m.personal_index.setdefault(fold(h), pf)
    return m


def produced_codes(m: Mapping) -> dict[str, set[str]]:
    """Every code the mapping can write per canonical column: its vocabularies' targets and its constants."""
    out: dict[str, set[str]] = {col: set(vocab.values()) for col, vocab in m.values.items()}
    for col, value in m.constants.items():
        out.setdefault(col, set()).add(value)
    return out


def _check_codes(m: Mapping) -> None:
    """A closed vocabulary may only produce codebook codes; an open one (open_values) may also keep
    the export's own words, as it keeps any value it does not know."""
    for col, produced in produced_codes(m).items():
        section = CODED[m.kind].get(col)
        if section is None or col in m.open_values:
            continue
        if unknown := sorted(c for c in produced if not codebook.is_code(section, c)):
            known = ", ".join(codebook.codes(section))
            raise MappingError(
                f"{m.path}: mã {unknown} của cột {col} không có trong danh mục ({known})",
                f"{m.path}: codes {unknown} of column {col} are not in the codebook ({known})",
            )


def builtin_mappings() -> list[Mapping]:
    return [load_mapping(p) for p in sorted(MAPPINGS_DIR.glob("*.yaml"))]


def score_header(mapping: Mapping, cells: list[object]) -> tuple[int, bool]:
    """How many cells of a candidate header row the mapping knows, and whether all required are there."""
    found = {mapping.header_index.get(fold(c)) for c in cells if c is not None}
    known = sum(
        1 for c in cells if c is not None and (fold(c) in mapping.header_index or fold(c) in mapping.personal_index)
    )
    required_ok = all(r in found or r in mapping.constants for r in mapping.required)
    return known, required_ok
