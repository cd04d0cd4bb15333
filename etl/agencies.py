"""Agency dimension: reference units with validity and successors, aliases, and a name matcher."""

from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
from rapidfuzz import fuzz, process

from etl.textnorm import agency_key, clean, nfc

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
REFERENCE_DIR = DATA_DIR / "reference"
DEPARTMENTS_CSV = DATA_DIR / "agencies" / "departments.csv"

UNITS_2025 = "thai_nguyen_units_2025.csv"
UNITS_PRE2025 = "thai_nguyen_bac_kan_units_pre2025.csv"

# Resolution 1683/NQ-UBTVQH15 and 202/2025/QH15 took effect on this day (SOURCES.md).
REFORM_DATE = dt.date(2025, 7, 1)
PRE_REFORM_LAST_DAY = REFORM_DATE - dt.timedelta(days=1)

PROVINCE_ID = "province:thai-nguyen"
PROVINCE_NAME = "UBND tỉnh Thái Nguyên"
SRC_PREFIX = "src:"
MAPPING_SOURCE_PREFIX = "mapping:"

# Columns exactly as in etl/schema.sql (a test checks they still agree).
AGENCY_COLUMNS = [
    "agency_id",
    "code",
    "name",
    "short_name",
    "level",
    "unit_type",
    "parent_id",
    "province_name",
    "valid_from",
    "valid_to",
    "successor_id",
    "current_id",
    "source",
]
SUCCESSOR_COLUMNS = ["agency_id", "successor_id", "is_primary"]
ALIAS_COLUMNS = ["alias_norm", "agency_id"]

# Reference files write known spelling variants as: spells it "Xã Định Hoá".
_SPELLED = re.compile(r'spells it "([^"]+)"')


@dataclass
class AgencyTables:
    """Rows for agencies, agency_successors and agency_aliases, columns as in schema.sql."""

    agencies: pd.DataFrame
    successors: pd.DataFrame
    aliases: pd.DataFrame

    def counts(self) -> dict[str, int]:
        """Row counts per level plus successor and alias totals."""
        out = {f"level:{k}": int(v) for k, v in self.agencies["level"].value_counts().sort_index().items()}
        out["agencies"] = len(self.agencies)
        out["successor_pairs"] = len(self.successors)
        out["aliases"] = len(self.aliases)
        return out


# ---------------------------------------------------------------- building the reference


def _read_csv(path: Path) -> list[dict[str, str | None]]:
    """Read a reference CSV as text (codes keep leading zeros); blanks become None."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return [{k: (clean(v) if v != "" else None) for k, v in row.items()} for row in df.to_dict("records")]


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _short_province(province_name: str) -> str:
    return re.sub(r"^tỉnh\s+", "", province_name, flags=re.IGNORECASE)


def _unit(agency_id: str, name: str, level: str, source: str, **kw: object) -> dict:
    row = dict.fromkeys(AGENCY_COLUMNS)
    row.update(agency_id=agency_id, name=nfc(name), level=level, source=source, **kw)
    return row


def _spelled_variants(note: str | None) -> list[str]:
    return _SPELLED.findall(note or "")


def _qualified(bases: Iterable[str], qualifiers: Iterable[str]) -> list[str]:
    """Every base alone and followed by each qualifier (punctuation is folded away later)."""
    out = []
    for base in bases:
        out.append(base)
        out.extend(f"{base} {q}" for q in qualifiers)
    return out


def _new_communes(rows: list[dict], source: str) -> tuple[list[dict], list[tuple[str, str]]]:
    units, aliases = [], []
    for r in rows:
        aid = f"xa:{r['code']}@{REFORM_DATE.isoformat()}"
        units.append(
            _unit(
                aid,
                r["name"],
                "commune",
                source,
                code=r["code"],
                short_name=r["short_name"],
                unit_type=r["type"],
                parent_id=PROVINCE_ID,
                province_name=r["province_name"],
                valid_from=REFORM_DATE,
            )
        )
        bases = [
            r["name"],
            f"{r['type']} {r['short_name']}",
            *_spelled_variants(r["note"]),
        ]
        prov = [r["province_name"], _short_province(r["province_name"])]
        aliases += [(a, aid) for a in _qualified(bases, prov)]
    return units, aliases


def _district_id(code: str) -> str:
    return f"huyen:{code}@pre2025"


def _old_districts(rows: list[dict], source: str) -> tuple[list[dict], list[tuple[str, str]]]:
    units, aliases = [], []
    for r in rows:
        aid = _district_id(r["code"])
        units.append(
            _unit(
                aid,
                r["name"],
                "district",
                source,
                code=r["code"],
                short_name=r["short_name"],
                unit_type=r["type"],
                parent_id=PROVINCE_ID,
                province_name=r["old_province_name"],
                valid_to=PRE_REFORM_LAST_DAY,
            )
        )
        prov = [r["old_province_name"], _short_province(r["old_province_name"])]
        aliases += [(a, aid) for a in _qualified([r["name"], f"{r['type']} {r['short_name']}"], prov)]
    return units, aliases


def _primary_successor(code: str, short_name: str, successor_codes: list[str], successor_names: list[str]) -> str:
    """For a split unit: the new unit that reuses the old code, else the one that kept its name, else the first."""
    if code in successor_codes:
        return code
    for c, n in zip(successor_codes, successor_names, strict=False):
        if n.strip().endswith(short_name):
            return c
    return successor_codes[0]


def _old_communes(
    rows: list[dict], districts: dict[str, dict], source: str
) -> tuple[list[dict], list[dict], list[tuple[str, str]]]:
    units, successors, aliases = [], [], []
    for r in rows:
        aid = f"xa:{r['code']}@pre2025"
        codes = (r["successor_2025_codes"] or "").split(";")
        if not codes[0]:
            raise ValueError(f"old commune {r['code']} has no successor in {source}")
        primary = _primary_successor(r["code"], r["short_name"], codes, (r["successor_2025_names"] or "").split(";"))
        units.append(
            _unit(
                aid,
                r["name"],
                "commune",
                source,
                code=r["code"],
                short_name=r["short_name"],
                unit_type=r["type"],
                parent_id=_district_id(r["parent_district_code"]),
                province_name=r["old_province_name"],
                valid_to=PRE_REFORM_LAST_DAY,
                successor_id=f"xa:{primary}@{REFORM_DATE.isoformat()}",
            )
        )
        successors += [
            {
                "agency_id": aid,
                "successor_id": f"xa:{c}@{REFORM_DATE.isoformat()}",
                "is_primary": c == primary,
            }
            for c in codes
        ]
        district = districts[r["parent_district_code"]]
        aliases += [(a, aid) for a in _qualified(_old_commune_bases(r), _old_qualifiers(district))]
    return units, successors, aliases


def _old_commune_bases(r: dict) -> list[str]:
    return [r["name"], f"{r['type']} {r['short_name']}", *_spelled_variants(r["note"])]


def _old_qualifiers(district: dict) -> list[str]:
    """District and province spelled out or short, alone or together: 'huyện Đại Từ, tỉnh Thái Nguyên'."""
    dists = [district["name"], district["short_name"]]
    provs = [
        district["old_province_name"],
        _short_province(district["old_province_name"]),
    ]
    return dists + provs + [f"{d} {p}" for d in dists for p in provs]


def _departments(
    rows: list[dict], taken_keys: set[str], province_name: str, source: str
) -> tuple[list[dict], list[dict], list[tuple[str, str]]]:
    slugs = {r["slug"] for r in rows}
    short_counts = Counter(agency_key(r["short_name"]) for r in rows if r["short_name"])
    units, successors, aliases = [], [], []
    for r in rows:
        aid = f"so:{r['slug']}"
        succ = r["successor_slug"]
        if succ and succ not in slugs:
            raise ValueError(f"department {r['slug']}: unknown successor_slug {succ!r}")
        units.append(
            _unit(
                aid,
                r["name"],
                "department",
                source,
                short_name=r["short_name"],
                unit_type=r["unit_type"],
                parent_id=PROVINCE_ID,
                province_name=province_name,
                valid_from=_date(r["valid_from"]),
                valid_to=_date(r["valid_to"]),
                successor_id=f"so:{succ}" if succ else None,
            )
        )
        if succ:
            successors.append({"agency_id": aid, "successor_id": f"so:{succ}", "is_primary": True})
        aliases += [(a, aid) for a in _qualified([r["name"]], [province_name, _short_province(province_name)])]
        # A bare short name ('Nội vụ') is only safe when no unit or other department uses it.
        skey = agency_key(r["short_name"])
        if skey and skey not in taken_keys and short_counts[skey] == 1:
            aliases.append((r["short_name"], aid))
    return units, successors, aliases


def _province(units_2025: list[dict], source: str) -> tuple[dict, list[tuple[str, str]]]:
    province_names = {r["province_name"] for r in units_2025}
    codes = {r["province_code"] for r in units_2025}
    if len(province_names) != 1 or len(codes) != 1:
        raise ValueError(f"{source}: expected one province, got {sorted(province_names)}")
    pname, pcode = province_names.pop(), codes.pop()
    row = _unit(
        PROVINCE_ID,
        PROVINCE_NAME,
        "province",
        source,
        code=pcode,
        short_name=_short_province(pname),
        unit_type="tỉnh",
        province_name=pname,
    )
    return row, [(PROVINCE_NAME, PROVINCE_ID), (pname, PROVINCE_ID)]


def _fill_current(units: list[dict]) -> None:
    """current_id = end of the successor chain when that unit still exists; null when it was abolished."""
    by_id = {u["agency_id"]: u for u in units}
    for u in units:
        seen, cur = set(), u
        while cur["successor_id"] and cur["agency_id"] not in seen:
            seen.add(cur["agency_id"])
            cur = by_id[cur["successor_id"]]
        u["current_id"] = cur["agency_id"] if cur["valid_to"] is None else None


def _alias_frame(pairs: Iterable[tuple[str, str]]) -> pd.DataFrame:
    rows = sorted({(agency_key(name), aid) for name, aid in pairs if agency_key(name)})
    return pd.DataFrame(rows, columns=ALIAS_COLUMNS)


def build_reference(reference_dir: Path, departments_csv: Path) -> AgencyTables:
    """Build the agency dimension from the reference CSVs and departments.csv."""
    src_new = f"reference/{UNITS_2025}"
    src_old = f"reference/{UNITS_PRE2025}"
    src_dep = f"{departments_csv.parent.name}/{departments_csv.name}"
    new_rows = _read_csv(reference_dir / UNITS_2025)
    old_rows = _read_csv(reference_dir / UNITS_PRE2025)
    district_rows = [r for r in old_rows if r["level"] == "district"]
    commune_rows = [r for r in old_rows if r["level"] == "commune"]

    province, aliases = _province(new_rows, src_new)
    new_units, a_new = _new_communes(new_rows, src_new)
    districts, a_dist = _old_districts(district_rows, src_old)
    old_units, succ_old, a_old = _old_communes(commune_rows, {r["code"]: r for r in district_rows}, src_old)
    aliases += a_new + a_dist + a_old
    taken = {agency_key(a) for a, _ in aliases}
    depts, succ_dep, a_dep = _departments(_read_csv(departments_csv), taken, province["province_name"], src_dep)

    units = [province, *new_units, *districts, *old_units, *depts]
    _fill_current(units)
    return AgencyTables(
        agencies=pd.DataFrame(units, columns=AGENCY_COLUMNS),
        successors=pd.DataFrame(succ_old + succ_dep, columns=SUCCESSOR_COLUMNS),
        aliases=_alias_frame(aliases + a_dep),
    )


# ---------------------------------------------------------------- writing


def write_reference(con: duckdb.DuckDBPyConnection, tables: AgencyTables | None = None) -> dict[str, int]:
    """Replace the reference rows of the three agency tables, keeping units registered by mappings."""
    tables = tables or build_reference(REFERENCE_DIR, DEPARTMENTS_CSV)
    # No BEGIN/COMMIT here: the caller's transaction makes the swap atomic with the rest of a load.
    registered = f"select agency_id from agencies where source like '{MAPPING_SOURCE_PREFIX}%'"
    for table in ("agency_aliases", "agency_successors"):
        con.execute(f"delete from {table} where agency_id not in ({registered})")
    con.execute(f"delete from agencies where coalesce(source, '') not like '{MAPPING_SOURCE_PREFIX}%'")
    _insert(
        con,
        "agencies",
        tables.agencies,
        casts={"valid_from": "date", "valid_to": "date"},
    )
    _insert(con, "agency_successors", tables.successors, casts={"is_primary": "boolean"})
    _insert(con, "agency_aliases", tables.aliases)
    return tables.counts()


def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    df: pd.DataFrame,
    casts: dict[str, str] | None = None,
) -> None:
    casts = casts or {}
    cols = ", ".join(df.columns)
    select = ", ".join(f"cast({c} as {casts[c]})" if c in casts else f"cast({c} as varchar)" for c in df.columns)
    view = f"_agencies_ref_{table}"
    con.register(view, df)
    try:
        con.execute(f"insert into {table} ({cols}) select {select} from {view}")
    finally:
        con.unregister(view)


def register(con: duckdb.DuckDBPyConnection, source: str, raw_name: str, level: str) -> str:
    """Register an unknown agency as a unit of a mapping's source; idempotent; returns its agency_id."""
    name = clean(raw_name)
    if not name or not agency_key(name):
        raise ValueError("cannot register an agency with a blank name")
    agency_id = f"{SRC_PREFIX}{source}:{name}"
    con.execute(
        "insert into agencies (agency_id, name, level, current_id, source) values (?, ?, ?, ?, ?) "
        "on conflict do nothing",
        [agency_id, name, level, agency_id, f"{MAPPING_SOURCE_PREFIX}{source}"],
    )
    con.execute(
        "insert into agency_aliases values (?, ?) on conflict do nothing",
        [agency_key(name), agency_id],
    )
    return agency_id


# ---------------------------------------------------------------- matching

# Written i and y are interchangeable after a consonant (Sĩ/Sỹ, Kì/Kỳ); 'uy' is a different vowel.
_IY = re.compile(r"\b(ch|gh|kh|ng|nh|ph|th|tr|[bcdghklmnprstvx])y\b")
# Tone marks vary in placement (Hoá/Hóa) and are dropped; vowel shapes (ă â ê ô ơ ư) tell names apart.
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_QUALIFIER_SPLIT = re.compile(r"\s*(?:[,(;]|\s[-–]\s)")
_WORDS = re.compile(r"[^\w]+", re.UNICODE)


def _match_key(text: object) -> str:
    return _IY.sub(r"\1i", agency_key(text))


def _shape(text: str) -> str:
    """Lower-case, tone marks dropped, vowel shapes kept: 'Văn Lăng' != 'Văn Lang', 'Hoá' == 'Hóa'."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower())
    kept = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    return " " + " ".join(_WORDS.sub(" ", unicodedata.normalize("NFC", kept)).split()) + " "


@dataclass(frozen=True)
class AgencyMatch:
    """Outcome of matching one raw agency name on one date."""

    agency_id: str | None
    error_type: str | None = None  # None | 'unknown-agency' | 'ambiguous-agency'
    suggestions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Unit:
    agency_id: str
    name: str
    short_name: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    district: str | None  # old district name, to tell same-named old communes apart
    district_key: str | None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def distance(self, day: dt.date) -> int:
        if self.valid_from and day < self.valid_from:
            return (self.valid_from - day).days
        if self.valid_to and day > self.valid_to:
            return (day - self.valid_to).days
        return 0

    def label(self) -> str:
        return f"{self.name} ({self.district})" if self.district else self.name


class _Entry:
    """Candidates for one raw spelling, with results cached per slice of time where they cannot change."""

    def __init__(self, cands: list[_Unit], raw: str, raw_key: str) -> None:
        self.cands = cands
        self.raw_shape = _shape(raw)
        self.raw_key = f" {raw_key} "
        self.results: dict[object, AgencyMatch] = {}
        points = {u.valid_from for u in cands if u.valid_from}
        points |= {u.valid_to + dt.timedelta(days=1) for u in cands if u.valid_to}
        self.bounds = sorted(points)
        # In a gap between two periods the nearest candidate changes mid-gap: cache those per day.
        self.gap_slices = {
            i for i in range(1, len(self.bounds)) if not any(u.valid_on(self.bounds[i - 1]) for u in cands)
        }

    def resolve(self, on: dt.date | None) -> AgencyMatch:
        if on is None:
            slot: object = None
        else:
            slot = bisect.bisect_right(self.bounds, on)
            if slot in self.gap_slices:
                slot = (slot, on)
        hit = self.results.get(slot)
        if hit is None:
            hit = self.results[slot] = self._compute(on)
        return hit

    def _compute(self, on: dt.date | None) -> AgencyMatch:
        if on is None:
            pool = [u for u in self.cands if u.valid_to is None] or self.cands
        else:
            pool = [u for u in self.cands if u.valid_on(on)]
            if not pool:
                # People keep using old names after a reform: take the unit whose period is nearest.
                best = min(u.distance(on) for u in self.cands)
                pool = [u for u in self.cands if u.distance(on) == best]
        pool = self._tie_break(pool)
        if len(pool) == 1:
            return AgencyMatch(pool[0].agency_id)
        labels = sorted({u.label() for u in pool})
        return AgencyMatch(None, "ambiguous-agency", labels[:3])

    def _tie_break(self, pool: list[_Unit]) -> list[_Unit]:
        """Narrow by: reference over registered units, district named in the text, exact vowel shapes."""
        tests = [
            lambda u: not u.agency_id.startswith(SRC_PREFIX),
            lambda u: bool(u.district_key) and f" {u.district_key} " in self.raw_key,
            lambda u: bool(u.short_name) and _shape(u.short_name) in self.raw_shape,
        ]
        for test in tests:
            if len(pool) < 2:
                break
            narrowed = [u for u in pool if test(u)]
            pool = narrowed or pool
        return pool


class AgencyMatcher:
    """Resolve raw agency names to agency_id on an event date; cached, so repeated names cost a dict lookup."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        rows = con.execute(
            "select a.agency_id, a.name, a.short_name, a.valid_from, a.valid_to, d.name "
            "from agencies a left join agencies d on d.agency_id = a.parent_id and d.level = 'district'"
        ).fetchall()
        self._units = {r[0]: _Unit(*r, _match_key(_district_short(r[5])) if r[5] else None) for r in rows}
        self._index: dict[str, list[str]] = defaultdict(list)
        for alias, agency_id in con.execute("select alias_norm, agency_id from agency_aliases").fetchall():
            self._add_alias(_IY.sub(r"\1i", alias), agency_id)
        self._province_keys = {
            agency_key(n)
            for (n,) in con.execute(
                "select distinct province_name from agencies where province_name is not null"
            ).fetchall()
        }
        self._entries: dict[str, _Entry | AgencyMatch] = {}
        self._alias_of: dict[str, bool] = {}  # raw text -> is it exactly a known spelling
        self._suggestions: dict[str, list[str]] = {}

    def match(self, raw: str, on: dt.date | None) -> AgencyMatch:
        """Return the agency a raw name means on a date, or why it cannot be told."""
        if not isinstance(raw, str):
            raw = ""  # None / NaN from an empty cell: NaN keys would never hit the cache
        entry = self._entries.get(raw)
        if entry is None:
            entry = self._entries[raw] = self._build(raw)
        if isinstance(entry, AgencyMatch):
            return entry
        # Also pandas.Timestamp: a datetime does not compare with the date bounds.
        if isinstance(on, dt.datetime):
            on = on.date()
        return entry.resolve(on)

    def is_alias(self, raw: str) -> bool:
        """Whether the text is exactly a known spelling of some unit (nothing else in the cell)."""
        if not isinstance(raw, str):
            return False
        known = self._alias_of.get(raw)
        if known is None:
            if len(self._alias_of) > 1 << 16:
                self._alias_of.clear()
            known = self._alias_of[raw] = _match_key(raw) in self._index
        return known

    def name_of(self, agency_id: str) -> str:
        return self._units[agency_id].name

    def add(self, agency_id: str, name: str, alias_norms: Iterable[str]) -> None:
        """Make a newly registered unit visible; clears cached results since any name may now resolve."""
        self._units[agency_id] = _Unit(agency_id, name, None, None, None, None, None)
        for alias in alias_norms:
            self._add_alias(_IY.sub(r"\1i", alias), agency_id)
        self._entries.clear()
        self._suggestions.clear()
        self._alias_of.clear()

    def register(self, con: duckdb.DuckDBPyConnection, source: str, raw_name: str, level: str) -> str:
        """register() the unit in the warehouse and in this matcher; returns its agency_id."""
        agency_id = register(con, source, raw_name, level)
        name = clean(raw_name) or ""
        self.add(agency_id, name, [agency_key(name)])
        return agency_id

    def _add_alias(self, key: str, agency_id: str) -> None:
        if agency_id not in self._units:
            return  # alias of a unit the agencies table no longer has
        ids = self._index[key]
        if agency_id not in ids:
            ids.append(agency_id)

    def _build(self, raw: str) -> _Entry | AgencyMatch:
        key = _match_key(raw)
        ids = self._index.get(key)
        if not ids:
            # 'Phường X, TP Thái Nguyên' with a qualifier we have no alias for: try the part before it.
            head = _QUALIFIER_SPLIT.split(raw, maxsplit=1)[0]
            ids = self._index.get(_match_key(head)) if head != raw else None
        if not ids:
            return AgencyMatch(None, "unknown-agency", self._suggest(key))
        return _Entry([self._units[i] for i in ids], raw, self._without_province(key))

    def _without_province(self, key: str) -> str:
        # 'tỉnh Thái Nguyên' must not count as naming the old district 'Thành phố Thái Nguyên'.
        for pkey in self._province_keys:
            key = re.sub(rf"\b{re.escape(pkey)}\b", " ", key)
        return " ".join(key.split())

    def _suggest(self, key: str) -> list[str]:
        """Up to 3 official names whose aliases are closest to the key."""
        if not key:
            return []
        if key not in self._suggestions:
            hits = process.extract(key, list(self._index), scorer=fuzz.WRatio, limit=30)
            names: list[str] = []
            for alias, _score, _ in hits:
                for agency_id in self._index[alias]:
                    name = self._units[agency_id].name
                    if name not in names:
                        names.append(name)
            self._suggestions[key] = names[:3]
        return list(self._suggestions[key])


def _district_short(name: str) -> str:
    return re.sub(r"^(huyện|thành phố|thị xã|quận)\s+", "", name, flags=re.IGNORECASE)


def main() -> None:
    """Print the counts the reference build produces (quoted in data/agencies/README.md)."""
    tables = build_reference(REFERENCE_DIR, DEPARTMENTS_CSV)
    a = tables.agencies.fillna({"valid_from": "", "valid_to": ""})
    period = a["agency_id"].str.extract(r"@(.*)$", expand=False).fillna("")
    sizes = a.assign(period=period).groupby(["level", "period", "unit_type"]).size()
    for (level, per, unit_type), n in sizes.items():
        print(f"{level:<11} {per:<11} {unit_type:<10} {n:>4}")
    for k, v in tables.counts().items():
        print(f"{k}: {v}")
    split = tables.successors.groupby("agency_id").size()
    print(f"old units with two successors: {', '.join(split[split > 1].index)}")
    print(f"units with no current_id: {int(a['current_id'].isna().sum())}")
    dep = a[a["level"] == "department"]
    print(f"departments ended before the reform: {int((dep['valid_to'] != '').sum())}")
    aliases_per_level = tables.aliases.merge(a[["agency_id", "level"]], on="agency_id")
    print(f"aliases per level: {aliases_per_level['level'].value_counts().to_dict()}")


if __name__ == "__main__":
    main()
