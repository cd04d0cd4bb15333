import os
import stat
import unicodedata

import pytest

from etl.privacy import citizen_hash, load_salt, mask_text, normalize_identifier

SALT = b"s" * 32
OTHER_SALT = b"t" * 32


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gọi 0912345678 nhé", "Gọi [SĐT] nhé"),
        ("SĐT: 0912 345 678.", "SĐT: [SĐT]."),
        ("ĐT 0912.345.678", "ĐT [SĐT]"),
        ("ĐT 0912-345-678", "ĐT [SĐT]"),
        ("ĐT 091 234 5678", "ĐT [SĐT]"),
        ("ĐT +84 912 345 678", "ĐT [SĐT]"),
        ("ĐT +84912345678", "ĐT [SĐT]"),
        ("ĐT (+84) 912345678", "ĐT [SĐT]"),
        ("ĐT 84912345678", "ĐT [SĐT]"),
        ("sđt0987654321", "sđt[SĐT]"),
        ("0987654321-0912345678,0933333333", "[SĐT]-[SĐT],[SĐT]"),
        ("Máy bàn 0208.3851.234", "Máy bàn [SĐT]"),
        ("Số cũ 0168 123 4567", "Số cũ [SĐT]"),
        ("Gọi 0912345678 9 lần", "Gọi [SĐT] 9 lần"),
    ],
)
def test_mask_text_phone_spellings_masked(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CCCD số 038095001234 cấp ngày 01/01/2021", "CCCD số [CCCD] cấp ngày 01/01/2021"),
        ("căn cước 001099012345", "căn cước [CCCD]"),
        ("can cuoc cong dan: 001099012345", "can cuoc cong dan: [CCCD]"),
        ("số định danh cá nhân: 038 095 001 234", "số định danh cá nhân: [CCCD]"),
        ("CMND số 090123456", "CMND số [CCCD]"),
        ("Chứng minh nhân dân 125456789 do CA cấp", "Chứng minh nhân dân [CCCD] do CA cấp"),
        ("mã 038095001234,001099012345", "mã [CCCD],[CCCD]"),
    ],
)
def test_mask_text_id_numbers_masked(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gửi nguyen.van.a@gmail.com giúp", "Gửi [EMAIL] giúp"),
        ("0912345678@gmail.com", "[EMAIL]"),
        ("a_b+tag@thainguyen.gov.vn; x@y.vn", "[EMAIL]; [EMAIL]"),
    ],
)
def test_mask_text_emails_masked(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Đã nộp 5.000.000 đồng năm 2024",
        "Số tiền 10.091.234.567 đồng; 1.091.234.567.890 đồng; 12,091,234,567 VND",
        "Ngày 03.04.2024 10:30 ông B đến; hạn 15/03/2024",
        "Quyết định 1234/QĐ-UBND ngày 15/03/2024",
        "Thửa đất số 123, tờ bản đồ 45, diện tích 250,5 m2",
        "Hồ sơ 000.00.12.H56-240101-0001; đường dây nóng 1022; tổng đài 19001234",
        "CMND cấp năm 2009 tại Thái Nguyên",
        "Thu 123456789012 đồng",  # 12 digits not starting with a province code 0xx
    ],
)
def test_mask_text_ordinary_numbers_unchanged(text):
    assert mask_text(text) == text


def test_mask_text_mixed_text_masks_only_personal_data():
    text = "Bà A (0912 345 678, a@b.vn, CCCD 038095001234) đã nộp 5.000.000 đồng năm 2024."
    assert mask_text(text) == "Bà A ([SĐT], [EMAIL], CCCD [CCCD]) đã nộp 5.000.000 đồng năm 2024."


def test_mask_text_decomposed_input_returns_nfc():
    decomposed = unicodedata.normalize("NFD", "Phản ánh của công dân")
    assert mask_text(decomposed) == "Phản ánh của công dân"


@pytest.mark.parametrize("value", [None, float("nan")])
def test_mask_text_missing_returns_none(value):
    assert mask_text(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0912 345 678", "phone:0912345678"),
        ("+84 912 345 678", "phone:0912345678"),
        ("84912345678", "phone:0912345678"),
        ("912345678", "phone:0912345678"),  # number-typed Excel cell lost the leading zero
        (912345678, "phone:0912345678"),
        ("0208.3851.234", "phone:02083851234"),
        ("038095001234", "id:038095001234"),
        ("090123456", "id:090123456"),
        (" Nguyen.Van.A@Gmail.com ", "email:nguyen.van.a@gmail.com"),
        ("Nguyễn  Văn A", "name:nguyen van a"),
        ("-", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_identifier_spellings_return_typed_key(value, expected):
    assert normalize_identifier(value) == expected


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (["0912 345 678"], ["+84912345678"]),
        (["0912.345.678", "Nguyễn Văn A"], ["NGUYEN VAN A", "84 912 345 678"]),
        (["a@b.vn", None, ""], ["A@B.VN"]),
        (["038095001234", "0912345678"], ["0912345678", "038095001234", "0912 345 678"]),
    ],
)
def test_citizen_hash_same_person_two_spellings_equal(left, right):
    assert citizen_hash(left, SALT) == citizen_hash(right, SALT)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (["0912345678"], ["0912345679"]),
        (["0912345678"], ["0912345678", "a@b.vn"]),
    ],
)
def test_citizen_hash_different_identifiers_differ(left, right):
    assert citizen_hash(left, SALT) != citizen_hash(right, SALT)


def test_citizen_hash_different_salt_differs():
    assert citizen_hash(["0912345678"], SALT) != citizen_hash(["0912345678"], OTHER_SALT)


def test_citizen_hash_value_is_32_hex_without_the_input():
    digest = citizen_hash(["0912345678"], SALT)
    assert (len(digest), set(digest) <= set("0123456789abcdef"), "0912345678" in digest) == (
        32, True, False,
    )


@pytest.mark.parametrize("values", [[], [None, "", "  "]])
def test_citizen_hash_all_blank_returns_none(values):
    assert citizen_hash(values, SALT) is None


def test_citizen_hash_short_salt_raises():
    with pytest.raises(ValueError):
        citizen_hash(["0912345678"], b"short")


def test_load_salt_missing_file_creates_private_32_bytes(tmp_path, monkeypatch):
    monkeypatch.delenv("CCHC_SALT", raising=False)
    path = tmp_path / "data" / ".salt"
    salt = load_salt(path)
    assert (len(salt), stat.S_IMODE(os.stat(path).st_mode), path.read_bytes()) == (32, 0o600, salt)


def test_load_salt_existing_file_returns_same_salt(tmp_path, monkeypatch):
    monkeypatch.delenv("CCHC_SALT", raising=False)
    path = tmp_path / ".salt"
    assert load_salt(path) == load_salt(path)


def test_load_salt_env_var_overrides_file(tmp_path, monkeypatch):
    path = tmp_path / ".salt"
    path.write_bytes(b"f" * 32)
    monkeypatch.setenv("CCHC_SALT", "ab" * 32)
    assert load_salt(path) == b"\xab" * 32


def test_load_salt_env_var_does_not_create_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_SALT", "ab" * 32)
    load_salt(tmp_path / ".salt")
    assert list(tmp_path.iterdir()) == []


def test_load_salt_truncated_file_raises(tmp_path, monkeypatch):
    monkeypatch.delenv("CCHC_SALT", raising=False)
    path = tmp_path / ".salt"
    path.write_bytes(b"")
    with pytest.raises(ValueError):
        load_salt(path)


@pytest.mark.parametrize("value", ["not hex", "abcd"])
def test_load_salt_bad_env_var_raises(tmp_path, monkeypatch, value):
    monkeypatch.setenv("CCHC_SALT", value)
    with pytest.raises(ValueError):
        load_salt(tmp_path / ".salt")
