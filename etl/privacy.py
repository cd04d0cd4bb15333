"""Personal data: mask phones, ID numbers and e-mails in free text; salted hash of a citizen."""

from __future__ import annotations

import hashlib
import math
import os
import re
import secrets
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from etl.textnorm import fold, nfc

SALT_ENV = "CCHC_SALT"
SALT_BYTES = 32
_MIN_SALT_BYTES = 16  # a short salt lets anyone rebuild the hash of every phone number
_MAX_SALT_BYTES = 64  # blake2b's key limit

_NINE_DIGITS = re.compile(r"\d(?:[ .\-]?\d){8}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# 0 + 9 digits (mobile 03/05/07/08/09), 0 + 10 digits (landline 02x, or a mobile 01x from before
# the 2018 renumbering), or the same after +84 / 84; groups split by spaces, dots or dashes.
# Not preceded by a digit, nor by a digit and a dot, so the tail of an amount like
# '1.091.234.567.890' is never taken for a phone.
_PHONE = re.compile(
    r"(?<!\d)(?<!\d\.)"
    r"(?P<trunk>\(?\+84\)?[ .\-]?|84[ .\-]?|0)"
    r"(?P<nsn>[35789](?:[ .\-]?\d){8}|[12](?:[ .\-]?\d){9})"
    r"(?!\d)"
)

# Citizen ID (CCCD, 12 digits) always starts with the 0 of a province code 001-096.
_CCCD = re.compile(r"(?<!\d)0\d{11}(?!\d)")

# Just before 9 digits (old CMND) or 12 digits (CCCD), these words make them an ID, even grouped.
_ID_WORDS = (
    r"cmnd|cmtnd|cccd|cmt|c[aă]n c[uư][oớ]c(?: c[oô]ng d[aâ]n)?"
    r"|ch[uứ]ng minh(?: nh[aâ]n d[aâ]n| th[uư])?|s[oố] [dđ][iị]nh danh(?: c[aá] nh[aâ]n)?"
    r"|m[aã] [dđ][iị]nh danh|[dđ][iị]nh danh c[aá] nh[aâ]n"
)
_ID_WORD_BEFORE = re.compile(rf"\b(?:{_ID_WORDS})\b[^\d\n]{{0,20}}$", re.IGNORECASE)
_ID_AT_START = re.compile(r"\d(?:[ .]?\d){11}(?!\d)|\d(?:[ .]?\d){8}(?!\d)")

# Digits with the separators a phone or ID may contain: the only places worth a closer look.
_NUMBER_RUN = re.compile(r"[\d+(][\d .()+\-]*\d")


def mask_text(text: object) -> str | None:
    """Free text (NFC) with e-mails, citizen ID numbers and phone numbers replaced by tags."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    s = nfc(str(text))
    # E-mails first: their local part may itself be a phone number.
    if "@" in s:
        s = _EMAIL.sub("[EMAIL]", s)
    if not _NINE_DIGITS.search(s):  # cheap: most texts hold no phone or ID at all
        return s
    return _NUMBER_RUN.sub(lambda m: _mask_number_run(m, s), s)


def _mask_number_run(m: re.Match, text: str) -> str:
    run = m[0]
    # Every phone or ID has at least 9 digits; most runs are dates, years and amounts.
    if not _NINE_DIGITS.search(run):
        return run
    if _ID_WORD_BEFORE.search(text, max(0, m.start() - 45), m.start()) and (found := _ID_AT_START.match(run)):
        run = "[CCCD]" + run[found.end() :]
    run = _CCCD.sub("[CCCD]", run)
    return _PHONE.sub(_phone_or_keep, run)


def _phone_or_keep(m: re.Match) -> str:
    # One separator style throughout: '03.04.2024 10' (a date then an hour) is not a phone.
    separators = set(re.findall(r"[ .\-]", m["nsn"]))
    return "[SĐT]" if len(separators) <= 1 else m[0]


def citizen_hash(values: Iterable[str | None], salt: bytes) -> str | None:
    """Salted hash of a person's normalised identifiers (order-free); None when all are blank."""
    if not _MIN_SALT_BYTES <= len(salt) <= _MAX_SALT_BYTES:
        raise ValueError(f"salt must be {_MIN_SALT_BYTES}-{_MAX_SALT_BYTES} bytes")
    tokens = sorted({t for t in (normalize_identifier(v) for v in values) if t})
    if not tokens:
        return None
    digest = hashlib.blake2b("\x1f".join(tokens).encode(), key=salt, digest_size=16)
    return digest.hexdigest()


def normalize_identifier(value: object) -> str | None:
    """Typed key for one identifier: 'phone:0912345678', 'email:a@b.vn', 'id:…', 'name:…'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, float)):  # a number cell: Excel dropped the leading zero
        value = str(int(value))
    s = nfc(str(value)).strip()
    if not s:
        return None
    if "@" in s:
        return "email:" + s.lower()
    if re.fullmatch(r"[\d\s.()+\-]+", s):
        digits = re.sub(r"\D", "", s)
        if not digits:
            return None
        phone = _national_phone(digits)
        return "phone:" + phone if phone else "id:" + digits
    folded = fold(s)
    return "name:" + folded if folded else None


def _national_phone(digits: str) -> str | None:
    """0xxxxxxxxx form of a Vietnamese phone number, or None when the digits are not one."""
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif len(digits) in (9, 10) and digits[0] in "235789":
        digits = "0" + digits  # leading zero lost in a number-typed Excel column
    if (len(digits) == 10 and digits[1] in "35789") or (len(digits) == 11 and digits[1] in "12"):
        return digits
    return None


def load_salt(path: Path) -> bytes:
    """The hashing salt: $CCHC_SALT (hex) if set, else the file, created with 32 random bytes."""
    if env := os.environ.get(SALT_ENV):
        try:
            salt = bytes.fromhex(env.strip())
        except ValueError as e:
            raise ValueError(f"{SALT_ENV} is not hexadecimal") from e
        return _checked(salt, SALT_ENV)
    path = Path(path)
    if not path.exists():
        _create_salt(path)
    return _checked(path.read_bytes(), str(path))


def _create_salt(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two loads starting together must not each write a different salt; 0600 from
        # the start so the salt is never readable by others, not even briefly.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_bytes(SALT_BYTES))


def _checked(salt: bytes, where: str) -> bytes:
    if not _MIN_SALT_BYTES <= len(salt) <= _MAX_SALT_BYTES:
        raise ValueError(f"salt from {where} must be {_MIN_SALT_BYTES}-{_MAX_SALT_BYTES} bytes")
    return salt


# ---------------------------------------------------------------- names

# Common Vietnamese family names, folded (no diacritics, lower case): a capitalised run of words that starts
# with one of these and is three or more words long (or two after a form of address) is taken for a name.
_SURNAMES = set(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh dao trinh mai truong lam "
    "phung ta ha luong doan cao chu quach to luu dam kieu thai trieu nong hua luc la hau tang vuong khong "
    "tu diep mac tong vi lo quan lai phi bach doan ton au khuc tieu than giang nghiem lu ung tham".split()
)
_ADDRESS_WORDS = set("ong ba anh chi em co chu bac cong dan nguoi ho ten ho va ten mr mrs ms".split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class _FoldTable(dict):
    """str.translate table: each character to its lower-case letter without diacritics (one for one)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        base = fold(ch)
        self[code] = out = base if len(base) == 1 else (ch.lower()[:1] or " ")
        return out


_FOLD_TABLE = _FoldTable()


def folded_same_length(text: str) -> str:
    """`text` lower-cased without diacritics, one character for one (so positions line up with `text`)."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


def mask_names(text: str) -> str:
    """Replace person names (a family name then given names, capitalised, with or without diacritics)."""
    words = list(_WORD.finditer(text))
    if not words:
        return text
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w[0][0].isupper() and fold(w[0]) in _SURNAMES and not text[max(w.start() - 1, 0) : w.start()] == "[":
            j = i + 1
            while (
                j < len(words)
                and j - i < 5
                and words[j][0][0].isupper()
                and text[words[j - 1].end() : words[j].start()].strip(" ") == ""
            ):
                j += 1
            n = j - i
            titled = i > 0 and fold(words[i - 1][0]) in _ADDRESS_WORDS
            if n >= 3 or (n == 2 and titled):
                spans.append((w.start(), words[j - 1].end()))
                i = j
                continue
        i += 1
    for start, end in reversed(spans):
        text = text[:start] + "[HỌ TÊN]" + text[end:]
    return text


def redact_values(text: str, values: dict[str, object] | Iterable[tuple[str, object]]) -> str:
    """Mask these exact values (a row's own name, address, ...) in text, with or without diacritics or case."""
    return redact_needles(text, own_needles(values))


class Own(tuple):
    """A row's own values prepared once: (label, folded needle) pairs."""


def own_needles(values: dict[str, object] | Iterable[tuple[str, object]] | None) -> Own:
    """A row's own values as (label, folded needle) once, for every text of the row to be checked against."""
    if isinstance(values, Own):
        return values
    if not values:
        return Own()
    pairs = values.items() if isinstance(values, dict) else values
    out = []
    for key, value in pairs:
        if value is None:
            continue
        needle = _needle(str(value))
        if needle is not None:
            out.append((OWN_LABELS.get(key, "[***]"), needle))
    return Own(out)


@lru_cache(maxsize=1 << 16)
def _needle(value: str) -> str | None:
    needle = " ".join(folded_same_length(nfc(value)).split())
    return needle if len(needle) >= 4 else None


@lru_cache(maxsize=1 << 12)
def _needle_pattern(needle: str) -> re.Pattern:
    return re.compile(r"\s+".join(re.escape(part) for part in needle.split(" ")))


def redact_needles(text: str, needles: tuple[tuple[str, str], ...]) -> str:
    """redact_values with the needles prepared: a pattern is compiled (and cached) only for a value the text
    holds, which is rare; the plain test below is exact, as the pattern matches the needle's words with any
    run of white space between them."""
    if not needles:
        return text
    haystack = folded_same_length(text)
    collapsed: str | None = None
    spans: list[tuple[int, int, str]] = []
    for label, needle in needles:
        if needle.split(" ", 1)[0] not in haystack:
            continue
        if collapsed is None:
            collapsed = " ".join(haystack.split())
        if needle not in collapsed:
            continue
        spans += [(*m.span(), label) for m in _needle_pattern(needle).finditer(haystack)]
    if not spans:
        return text
    chosen: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda sp: sp[0] - sp[1]):  # longest first; overlapping shorter ones dropped
        if all(span[1] <= c[0] or span[0] >= c[1] for c in chosen):
            chosen.append(span)
    for start, end, label in sorted(chosen, reverse=True):
        text = text[:start] + label + text[end:]
    return text


OWN_LABELS = {"name": "[HỌ TÊN]", "address": "[ĐỊA CHỈ]", "phone": "[SĐT]", "email": "[EMAIL]", "id_number": "[CCCD]"}


def mask_personal(text: object, own: dict[str, object] | Iterable[tuple[str, object]] | None = None) -> str | None:
    """Everything the product does to text before it is stored: own values, phones, IDs, e-mails, names.

    The row's own values go first, on the text as written, so that a personal cell repeated whole elsewhere
    in the row is masked whole, whatever it holds.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    s = nfc(str(text))
    if own:
        s = redact_needles(s, own_needles(own))
    return _mask_common(s) if len(s) <= 2000 else _mask_free(s)


def _mask_free(s: str) -> str | None:
    masked = mask_text(s)
    return mask_names(mask_house_numbers(masked)) if masked else masked


# The same texts repeat across rows (templates, dates, place names): each is masked once.
_mask_common = lru_cache(maxsize=1 << 16)(_mask_free)


# A house-level address: 'số 7 ngõ 12', 'nhà 15/3 ngách 4', 'ngõ 68/12', 'hẻm 5', 'kiệt 12' (the lane words make
# the numbers an address; 'quyết định số 7' or 'thửa đất số 123' alone are not).
_LANE = r"(?:ngõ|ngo|ngách|ngach|hẻm|hem|kiệt|kiet)"
_HOUSE = re.compile(
    rf"(?:\b(?:số|so|nhà|nha)\s*\d+[a-zA-Z]?(?:/\d+)*\s*,?\s*)?\b{_LANE}\s*\d+[a-zA-Z]?(?:/\d+)*"
    rf"(?:\s*,?\s*{_LANE}\s*\d+[a-zA-Z]?(?:/\d+)*)*",
    re.IGNORECASE,
)


def mask_house_numbers(text: str) -> str:
    """Replace house numbers with their lane ('số 7 ngõ 12') by [ĐỊA CHỈ]."""
    return _HOUSE.sub("[ĐỊA CHỈ]", text) if re.search(_LANE, text, re.IGNORECASE) else text
