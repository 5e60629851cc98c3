"""Checking one register row on its own: a unit and a name that fit, phones that
answer on one dial, a unit code and a kind the organisation file would accept,
and no one listed twice.

Every problem is a sentence naming the column and the value, so whoever keeps
the register can fix every row in one pass. The organisation file's loader
uses `normalise_phones` too, so a phone is judged the same wherever it is typed.
"""
from __future__ import annotations

import re
import unicodedata

from config.names import name_key
from config.register.rows import COLUMNS, RegisterRow

KINDS = ("government", "enterprise", "social", "expert")
_KIND_WORDS = {
    "government": "government", "政府": "government", "政府部门": "government", "行政": "government",
    "行政单位": "government", "事业单位": "government", "部门": "government",
    "enterprise": "enterprise", "企业": "enterprise", "企业救援队": "enterprise", "国企": "enterprise",
    "social": "social", "社会": "social", "社会力量": "social", "社会救援力量": "social", "志愿": "social",
    "志愿者": "social", "志愿队": "social", "民间": "social",
    "expert": "expert", "专家": "expert", "专家组": "expert",
}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")  # as config/schema.py
_MOBILE = re.compile(r"1[3-9]\d{9}")
_PHONE_SPLIT = re.compile(r"\s*[/,，、;；]\s*")
_EXTENSION = re.compile(r"(转|分机|ext\.?|x)\s*\d+$|^(0\d{2,3})?-?[2-9]\d{6,7}-\d{1,5}$", re.IGNORECASE)
MAX_NAME = 100  # as config/schema.py: a person's name
MAX_UNIT_NAME = 200
MAX_PHONE = 40


def checked_row(row: int, cells: dict[str, str]) -> tuple[RegisterRow, list[str]]:
    """The row as read (its phones written the one way), and what is wrong with it.

    `cells` maps each column of `config.register.rows.COLUMNS` the file has to the cell's text.
    """
    row_problems = _row_problems(cells)
    entry = RegisterRow(
        row=row, number=cells.get("no") or None, unit=cells["unit"], name=cells["name"],
        department=cells.get("department") or None, title=cells.get("title") or None,
        phone=None, note=cells.get("note") or None, code=cells.get("code") or None,
        kind=None)
    phone, phone_problem = normalise_phones(cells["phone"])
    if phone_problem:
        row_problems.append(f"{COLUMNS['phone'][0]} {cells['phone']!r}: {phone_problem}")
    entry.phone = phone
    if cells.get("kind"):
        entry.kind = _KIND_WORDS.get(cells["kind"].casefold().replace(" ", ""))
        if entry.kind is None:
            row_problems.append(f"{COLUMNS['kind'][0]} {cells['kind']!r} is not a kind of unit: "
                                "government/政府, enterprise/企业, social/社会力量 or expert/专家")
    if entry.code and not _CODE.match(entry.code):
        row_problems.append(f"{COLUMNS['code'][0]} {entry.code!r} is not a unit code: letters, digits, - and _, "
                            "at most 32, starting with a letter or digit (e.g. FIRE-01)")
    return entry, row_problems


def repeated_person(entry: RegisterRow, seen_people: dict[tuple[str, str], int]) -> str | None:
    """Why the row repeats an earlier one (the same name in the same unit), or None;
    `seen_people` is the caller's memory of the rows so far, updated here."""
    if not (entry.unit and entry.name):
        return None
    person = (name_key(entry.unit), name_key(entry.name))
    if person in seen_people:
        return f"{entry.name} of {entry.unit} is already on row {seen_people[person]}"
    seen_people[person] = entry.row
    return None


def _row_problems(cells: dict[str, str]) -> list[str]:
    problems = []
    if not cells["unit"]:
        problems.append(f"{COLUMNS['unit'][0]} (unit) is empty")
    elif len(cells["unit"]) > MAX_UNIT_NAME:
        problems.append(f"{COLUMNS['unit'][0]} is longer than {MAX_UNIT_NAME} characters")
    if not cells["name"]:
        problems.append(f"{COLUMNS['name'][0]} (contact name) is empty")
    elif len(cells["name"]) > MAX_NAME:
        problems.append(f"{COLUMNS['name'][0]} is longer than {MAX_NAME} characters")
    return problems


def normalise_phones(text: str) -> tuple[str | None, str | None]:
    """(the numbers written the one way, None) or (None, why not). Empty is (None, None)."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return None, None
    numbers = [p for p in _PHONE_SPLIT.split(text) if p]
    out = []
    for number in numbers:
        phone, problem = _normalise_phone(number)
        if problem and " " in number.strip():
            # "13800001001 13800002002": two numbers a space apart, not one in groups.
            parts = [_normalise_phone(part) for part in number.split()]
            if all(not why for _, why in parts):
                out.extend(phone for phone, _ in parts)
                continue
        if problem:
            return None, problem if len(numbers) == 1 else f"{number!r} {problem}"
        out.append(phone)
    joined = " / ".join(dict.fromkeys(out))
    if len(joined) > MAX_PHONE:
        return None, f"too many numbers in one cell (at most {MAX_PHONE} characters)"
    return joined, None


def _normalise_phone(number: str) -> tuple[str, str | None]:
    if _EXTENSION.search(number):
        return "", ("has an extension: give a direct number (a mobile or a direct landline) that answers "
                    "on one dial in an emergency; the switchboard and extension can go in 备注")
    if re.fullmatch(r"[\d.]+[eE][+]?\d+", number):
        return "", "is a number Excel shortened (scientific notation): format the column as text and type it again"
    if re.search(r"[^\d\s()+\-]", number):
        return "", "is not a phone number: a mobile (13800001001) or a landline with its area code (0631-7550506)"
    digits = re.sub(r"[\s()\-]", "", number)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if "+" in digits:
        return "", "is not a mainland China number"
    if _MOBILE.fullmatch(digits):
        return digits, None
    if digits.startswith("1") and digits.isdigit():
        return "", "is not a valid mobile number (11 digits: 1, then 3–9, then 9 more)"
    if digits.startswith("0"):
        area = digits[:3] if digits[1] in "12" else digits[:4]
        local = digits[len(area):]
        if re.fullmatch(r"[2-9]\d{6,7}", local):
            return f"{area}-{local}", None
        return "", "is not a valid landline (area code, then 7 or 8 digits, e.g. 0631-7550506)"
    if re.fullmatch(r"[2-9]\d{6,7}", digits):
        return "", "has no area code: write it as 0631-7550506 (with the area code)"
    return "", "is not a phone number: a mobile (13800001001) or a landline with its area code (0631-7550506)"
