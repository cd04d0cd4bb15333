"""Every UI string exists in Vietnamese and English; code labels fall back to the code."""

import re
from pathlib import Path

from cchc.i18n import catalogue, label, t

ROOT = Path(__file__).resolve().parent.parent
# t("section.key") with a literal key; keys built with {placeholders} are checked by prefix.
_KEY = re.compile(r"""\bt\(\s*f?["']([a-z_0-9]+\.[a-z_0-9.{}]+)["']""")


def _used_keys() -> set[str]:
    files = [ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "cchc").glob("*.py")]
    return {k for f in files for k in _KEY.findall(f.read_text(encoding="utf-8"))}


def test_every_key_used_in_code_is_in_the_catalogue():
    keys = set(catalogue())
    missing = []
    for key in _used_keys():
        if "{" in key:
            prefix = key.split("{")[0]
            if not any(k.startswith(prefix) for k in keys):
                missing.append(key)
        elif key not in keys:
            missing.append(key)
    assert sorted(missing) == []


def test_every_entry_has_both_languages():
    assert [k for k, v in catalogue().items() if not (v.get("vi") and v.get("en"))] == []


def test_placeholders_agree_between_languages():
    def names(text):
        return set(re.findall(r"{(\w+)}", text))

    assert [k for k, v in catalogue().items() if names(v["vi"]) != names(v["en"]) and k != "period_label.quarter"] == []


def test_labels_translate_codes_and_keep_unknown_text():
    assert label("channel", "hotline", "vi") == "Đường dây nóng"
    assert label("channel", "hotline", "en") == "Hotline"
    assert label("category", "Cấp nước sinh hoạt", "vi") == "Cấp nước sinh hoạt"
    assert label("kind", None, "vi") == "Không rõ"
    assert t("common.target_is", "en", v="95%") == "Target: 95%"
