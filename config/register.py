"""The county's contact register (联系方式登记表): reading it, checking every row,
laying it over the roster, and writing the merged roster back out.

A register is a CSV file (UTF-8, UTF-8 with BOM, GB18030 as Chinese Excel saves
it, or UTF-16 "Unicode text") or an XLSX workbook with the columns 序号, 单位,
科室, 联系人, 职务, 联系方式, 备注 — or No., Unit, Department, Contact, Title,
Phone, Note — and optionally 代码/Code (the unit's code) and 类别/Kind. A title
row or two above the header is fine (the header is looked for in the first ten
rows); the columns may come in any order.

Every problem is reported with its row number (the row number a spreadsheet
shows) and why, so whoever keeps the register fixes them all in one pass.
`liandong roster import` changes nothing when there is any, unless told to
import the good rows (--partial).

Decisions:
- Phones are a mainland mobile (1[3-9] and 9 more digits, +86 allowed) or a
  landline with its area code (0631-7550506; written without the dash it is
  split after 010/02X or after the four-digit area code). A cell may hold
  several, separated by / , ， 、 or ；. A number with an extension
  ("7550506转2", "0631-7550506-802") is refused: the contact is called at 3 a.m.
  in an emergency, often from a mobile, and must answer on one dial; put the
  switchboard in 备注 and give a direct number. An empty phone is accepted (the
  person may be reached in chat) and counted in the summary.
- Units are matched by the code column when there is one, else by name
  (ignoring spaces). A unit the organisation does not know becomes a new unit
  with the code from the code column, or `U-` and the next free three-digit
  number (U-001, U-002, …): short enough to type in `/dispatch` and `liandong
  invite`, and stable because a re-import finds the unit again by its name.
  Its kind is `government` unless a 类别/Kind column says otherwise.
- Merged cells (XLSX) below the header are refused: a unit merged down several
  rows leaves the rows under it without a unit as far as any program reading
  the file is concerned. A title merged above the header is fine.
"""
from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import yaml

from config.spreadsheet import cell_text as _cell, decode_text as _decode

if TYPE_CHECKING:
    from config.organisation import Organisation

# Canonical field -> (Chinese header, English header) as written on export.
COLUMNS: dict[str, tuple[str, str]] = {
    "no": ("序号", "No."),
    "code": ("代码", "Code"),
    "unit": ("单位", "Unit"),
    "kind": ("类别", "Kind"),
    "department": ("科室", "Department"),
    "name": ("联系人", "Contact"),
    "title": ("职务", "Title"),
    "phone": ("联系方式", "Phone"),
    "note": ("备注", "Note"),
}
REQUIRED = ("unit", "name", "phone")
# Header spellings seen in registers; compared without spaces, case-insensitively.
_ALIASES: dict[str, tuple[str, ...]] = {
    "no": ("序号", "编号", "no", "no.", "#", "number", "s/n", "seq"),
    "code": ("代码", "单位代码", "单位编码", "编码", "code", "unitcode"),
    "unit": ("单位", "单位名称", "所属单位", "unit", "unitname", "organisation", "organization"),
    "kind": ("类别", "单位类别", "单位类型", "kind", "category", "type"),
    "department": ("科室", "部门", "科室部门", "department", "dept", "dept.", "section"),
    "name": ("联系人", "联系人姓名", "姓名", "contact", "contactname", "contactperson", "name"),
    "title": ("职务", "职位", "职务职称", "title", "position", "jobtitle", "role"),
    "phone": ("联系方式", "联系电话", "电话", "电话号码", "手机", "手机号", "手机号码", "phone",
              "phonenumber", "telephone", "tel", "tel.", "mobile"),
    "note": ("备注", "说明", "note", "notes", "remark", "remarks", "comment", "comments"),
}
_HEADER_KEYS = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}
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
HEADER_SEARCH_ROWS = 10
MAX_NAME = 100  # as config/schema.py: a person's name
MAX_UNIT_NAME = 200
MAX_PHONE = 40
# A county's register is a few thousand rows; beyond these a file is a mistake or an attack
# (a 5 KB workbook with one cell at XFD1048576 made a grid of 17 billion cells).
MAX_FILE_BYTES = 20_000_000
MAX_ROWS = 50_000
MAX_COLUMNS = 60


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the register; rows empty for a problem with the whole file."""

    message: str
    rows: tuple[int, ...] = ()
    number: str | None = None  # the row's 序号, to find it on paper

    def __str__(self) -> str:
        if not self.rows:
            return self.message
        if len(self.rows) == 1:
            where = f"row {self.rows[0]}"
        else:
            where = f"rows {self.rows[0]}–{self.rows[-1]}"
        if self.number:
            where += f" (序号 {self.number})"
        return f"{where}: {self.message}"


@dataclass
class RegisterRow:
    row: int  # as the spreadsheet numbers it
    number: str | None
    unit: str
    name: str
    department: str | None = None
    title: str | None = None
    phone: str | None = None
    note: str | None = None
    code: str | None = None
    kind: str | None = None


@dataclass
class Register:
    source: str
    rows: list[RegisterRow] = field(default_factory=list)  # every data row that could be read
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    data_rows: int = 0  # non-blank rows below the header

    @property
    def unreadable(self) -> bool:
        """A problem with the file itself: not one row can be trusted."""
        return any(not p.rows for p in self.problems)

    def refused_rows(self) -> set[int]:
        return {row for p in self.problems for row in p.rows}

    def good_rows(self) -> list[RegisterRow]:
        refused = self.refused_rows()
        return [r for r in self.rows if r.row not in refused]


# -- reading -------------------------------------------------------------------


def read_register(path: str | Path) -> Register:
    path = Path(path)
    register = Register(str(path))
    suffix = path.suffix.lower()
    if suffix == ".xls":
        register.problems.append(Problem(
            f"{path.name} is in the old Excel format (.xls): open it in Excel or WPS and save it as "
            ".xlsx (or as CSV UTF-8)"))
        return register
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            register.problems.append(Problem(f"{path.name} is larger than {MAX_FILE_BYTES:,} bytes"))
            return register
        data = path.read_bytes()
    except OSError as exc:
        register.problems.append(Problem(f"cannot read {path}: {exc.strerror or exc}"))
        return register
    if suffix in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
        grid, merged = _xlsx_grid(data, register)
    else:
        grid, merged = _csv_grid(data, register), []
    if not register.problems:
        _read_grid(grid, merged, register)
    register.problems.sort(key=lambda p: (p.rows[:1] or (0,), p.message))
    return register


def _csv_grid(data: bytes, register: Register) -> list[list[Any]]:
    text = _decode(data)
    if text is None:
        register.problems.append(Problem(
            "cannot read the file as text: save it as CSV UTF-8 (or as the Chinese Excel CSV, GB18030), "
            "or as .xlsx"))
        return []
    lines = text.splitlines()
    sample = "\n".join(lines[:HEADER_SEARCH_ROWS])
    delimiter = max(",\t;", key=sample.count) if sample else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_grid(data: bytes, register: Register) -> tuple[list[list[Any]], list[Any]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        # Not read-only: merged cells are only known to a fully loaded sheet.
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl fails in many ways on a damaged file; each means the same
        reason = "not an xlsx workbook" if isinstance(exc, zipfile.BadZipFile) else str(exc) or type(exc).__name__
        register.problems.append(Problem(f"cannot read the workbook: {reason}; save it again as .xlsx"))
        return [], []
    sheets = [workbook.active, *[s for s in workbook.worksheets if s is not workbook.active]]
    for sheet in sheets:
        if sheet is None:
            continue
        if sheet.max_row > MAX_ROWS or sheet.max_column > MAX_COLUMNS:
            register.problems.append(Problem(
                f"sheet {sheet.title!r} reaches row {sheet.max_row:,} and column {sheet.max_column:,}: at most "
                f"{MAX_ROWS:,} rows and {MAX_COLUMNS} columns (delete the stray cells far below or to the right)"))
            return [], []
        grid = [list(row) for row in sheet.iter_rows(values_only=True)]
        if _find_header(grid)[0] is not None:
            return grid, list(sheet.merged_cells.ranges)
    first = sheets[0]
    return ([list(row) for row in first.iter_rows(values_only=True)] if first is not None else [],
            list(first.merged_cells.ranges) if first is not None else [])


def _header_key(text: str) -> str | None:
    key = "".join(_cell(text).split()).casefold().rstrip(":：")
    key = re.sub(r"[（(].*?[)）]$", "", key)  # 联系方式(手机) → 联系方式
    return _HEADER_KEYS.get(key)


def _find_header(grid: list[list[Any]]) -> tuple[int | None, dict[int, str]]:
    """(index of the header row, column index -> field) for the best row among the first ten."""
    best: tuple[int | None, dict[int, str]] = (None, {})
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        columns = {i: key for i, cell in enumerate(row) if (key := _header_key(_cell(cell)))}
        if len(set(columns.values())) > len(set(best[1].values())):
            best = (index, columns)
    if best[0] is not None and len(set(best[1].values())) < 2:
        return None, {}
    return best


def _expected() -> str:
    zh = ", ".join(COLUMNS[k][0] for k in ("no", "unit", "department", "name", "title", "phone", "note"))
    en = ", ".join(COLUMNS[k][1] for k in ("no", "unit", "department", "name", "title", "phone", "note"))
    return f"{zh} (or {en})"


def _read_grid(grid: list[list[Any]], merged: list[Any], register: Register) -> None:
    header_index, columns = _find_header(grid)
    if header_index is None:
        first = next((row for row in grid if any(_cell(c) for c in row)), [])
        found = ", ".join(_cell(c) for c in first if _cell(c)) or "nothing"
        register.problems.append(Problem(
            f"no header row: none of the first {HEADER_SEARCH_ROWS} rows names the register's columns "
            f"{_expected()}; the first row has: {found}"))
        return
    header_row = header_index + 1
    header = grid[header_index]
    seen: dict[str, int] = {}
    for i, key in sorted(columns.items()):
        if key in seen:
            register.problems.append(Problem(
                f"columns {_cell(header[seen[key]])!r} and {_cell(header[i])!r} (row {header_row}) "
                f"both read as {COLUMNS[key][0]}/{COLUMNS[key][1]}: keep one"))
        seen.setdefault(key, i)
    missing = [k for k in REQUIRED if k not in seen]
    if missing:
        names = ", ".join(f"{COLUMNS[k][0]} ({COLUMNS[k][1]})" for k in missing)
        found = ", ".join(_cell(c) for c in header if _cell(c))
        register.problems.append(Problem(
            f"missing required column{'s' if len(missing) > 1 else ''} {names} in the header (row {header_row}: "
            f"{found}); the register's columns are {_expected()}"))
    register.ignored_columns = [_cell(c) for i, c in enumerate(header) if _cell(c) and i not in columns]
    for cells in merged:
        if cells.max_row < header_row:
            continue  # a title above the header
        if cells.min_row <= header_row:
            register.problems.append(Problem(
                f"cells {cells.coord} in the header (row {header_row}) are merged: unmerge them so every "
                "column has a header of its own"))
    if register.problems:
        return
    merged_rows = _merged_data_rows(merged, grid, header_row, register)
    by_key = {key: i for key, i in seen.items()}
    seen_people: dict[tuple[str, str], int] = {}
    for index in range(header_index + 1, len(grid)):
        raw = grid[index]
        cells = {key: _cell(raw[i]) if i < len(raw) else "" for key, i in by_key.items()}
        if not any(cells.values()):
            continue
        register.data_rows += 1
        row = index + 1
        fill = merged_rows.get(row, {})
        for key, value in fill.items():  # check the rest of the row as if unmerged
            cells[key] = cells[key] or value
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
        if entry.unit and entry.name:
            person = (_key(entry.unit), _key(entry.name))
            if person in seen_people:
                row_problems.append(f"{entry.name} of {entry.unit} is already on row {seen_people[person]}")
            else:
                seen_people[person] = row
        for message in row_problems:
            register.problems.append(Problem(message, (row,), entry.number))
        register.rows.append(entry)


def _merged_data_rows(merged: list[Any], grid: list[list[Any]], header_row: int,
                      register: Register) -> dict[int, dict[str, str]]:
    """Report merged ranges below the header; return, per covered row, the top-left values
    so the rest of each row can still be checked."""
    header = grid[header_row - 1]
    covered: dict[int, dict[str, str]] = {}
    for cells in merged:
        if cells.min_row <= header_row:
            continue
        names = [_cell(header[c - 1]) for c in range(cells.min_col, cells.max_col + 1)
                 if c - 1 < len(header) and _cell(header[c - 1])]
        what = f" ({', '.join(names)})" if names else ""
        rows = tuple(range(cells.min_row, cells.max_row + 1))
        register.problems.append(Problem(
            f"cells {cells.coord}{what} are merged: unmerge them and write the value in every row, "
            "so each row stands on its own", rows))
        first = grid[cells.min_row - 1] if cells.min_row - 1 < len(grid) else []
        top_left = first[cells.min_col - 1] if cells.min_col - 1 < len(first) else None
        for row in rows:
            for col in range(cells.min_col, cells.max_col + 1):
                key = _header_key(_cell(header[col - 1])) if col - 1 < len(header) else None
                if key and top_left is not None:
                    covered.setdefault(row, {})[key] = _cell(top_left)
    return covered


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


def _key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


# -- laying the register over the roster ------------------------------------------


@dataclass
class NewUnit:
    code: str
    name: str
    kind: str


@dataclass
class ImportPlan:
    new_units: list[NewUnit] = field(default_factory=list)
    rows: list[tuple[RegisterRow, str]] = field(default_factory=list)  # (row, unit code)
    problems: list[Problem] = field(default_factory=list)


def plan_import(register: Register, org: "Organisation") -> ImportPlan:
    """Which unit each good row belongs to, and the units to create.

    `org` is the organisation as the bot sees it (file and database). Problems
    found here (a code that names another unit, …) are row problems like those
    found reading the file.
    """
    plan = ImportPlan()
    by_code = {code.casefold(): code for code in org.units}
    by_name: dict[str, str] = {}
    for code, unit in org.units.items():
        by_name.setdefault(_key(unit.name), code)
    taken = {code.casefold() for code in org.units}
    refused = register.refused_rows()
    new_by_name: dict[str, NewUnit] = {}
    for row in register.rows:
        if row.row in refused:
            continue
        name_key = _key(row.unit)
        problem = None
        named = by_name.get(name_key) or (new_by_name[name_key].code if name_key in new_by_name else None)
        code: str | None = named
        if row.code:
            code = by_code.get(row.code.casefold())
            if code is None:
                code = next((u.code for u in new_by_name.values() if u.code.casefold() == row.code.casefold()), None)
            if named is not None and code != named:
                unit = org.units[code].name if code in org.units else None
                said = f"{COLUMNS['code'][0]} {row.code!r}" + (f" is unit {code} {unit}" if unit else "")
                problem = f"{said} but {COLUMNS['unit'][0]} {row.unit!r} is {named}: fix one of them"
            elif code is not None and code not in org.units and new_by_name.get(name_key) is None:
                other = next(u for u in new_by_name.values() if u.code == code)
                problem = f"{COLUMNS['code'][0]} {row.code!r} is already used for {other.name!r} on an earlier row"
        if problem:
            plan.problems.append(Problem(problem, (row.row,), row.number))
            continue
        if code is None:
            pending = new_by_name.get(name_key)
            if pending is None:
                new_code = row.code or _next_code(taken)
                taken.add(new_code.casefold())
                pending = NewUnit(new_code, row.unit, row.kind or "government")
                new_by_name[name_key] = pending
                plan.new_units.append(pending)
            code = pending.code
        plan.rows.append((row, code))
    return plan


def _next_code(taken: set[str]) -> str:
    n = 1
    while f"u-{n:03d}" in taken:
        n += 1
    return f"U-{n:03d}"


def close_units(org: "Organisation", text: str) -> list[str]:
    """Codes of units whose code or name is close to text (for "did you mean")."""
    names = {unit.name: code for code, unit in org.units.items()}
    codes = difflib.get_close_matches(text.upper(), [c.upper() for c in org.units], n=3, cutoff=0.6)
    found = [next(c for c in org.units if c.upper() == upper) for upper in codes]
    found += [names[n] for n in difflib.get_close_matches(text, list(names), n=3, cutoff=0.5)]
    return list(dict.fromkeys(found))[:3]


def find_unit(org: "Organisation", text: str) -> str | None:
    """The code of the unit named by its code (any case) or its name."""
    if text in org.units:
        return text
    for code, unit in org.units.items():
        if code.casefold() == text.casefold() or _key(unit.name) == _key(text):
            return code
    return None


def units_matching(org: "Organisation", text: str) -> list[str]:
    """The unit text names: its code or name exactly; else every unit whose code or
    name contains it ("消防" → the fire brigade), so one hit is as good as the name."""
    if not text.strip():
        return []
    if (code := find_unit(org, text)) is not None:
        return [code]
    key = _key(text)
    return [code for code, unit in org.units.items() if key in code.casefold() or key in _key(unit.name)]


# -- writing the merged roster ------------------------------------------------------


@dataclass
class ExportRow:
    code: str
    unit: str
    kind: str
    name: str
    department: str | None = None
    title: str | None = None
    phone: str | None = None
    note: str | None = None


def export_rows(org: "Organisation", members: Iterable[Any]) -> list[ExportRow]:
    """Every person of every unit — the file's members, those who joined in chat and the
    register's contacts — once per unit and name, in the organisation's unit order.

    `members` are the roster's live members (storage.models.RosterMember).
    """
    by_unit: dict[str, list[Any]] = {}
    for member in members:
        by_unit.setdefault(member.unit_code, []).append(member)
    rows: list[ExportRow] = []
    for unit in org.spec.units:
        people: dict[str, ExportRow] = {}
        for person in unit.members:
            people.setdefault(_key(person.name), ExportRow(unit.code, unit.name, unit.kind, person.name,
                                                           phone=person.phone))
        for member in by_unit.get(unit.code, []):
            row = people.get(_key(member.name))
            if row is None:
                people[_key(member.name)] = ExportRow(unit.code, unit.name, unit.kind, member.name, member.department,
                                                      member.title, member.phone, member.note)
                continue
            row.phone = row.phone or member.phone
            row.department = row.department or member.department
            row.title = row.title or member.title
            row.note = row.note or member.note
        rows.extend(people.values())
    return rows


def export_header(language: str) -> list[str]:
    return [COLUMNS[k][0 if language == "zh" else 1] for k in COLUMNS]


def _export_values(number: int, row: ExportRow) -> list[Any]:
    return [number, *(spreadsheet_safe(value) for value in (
        row.code, row.unit, row.kind, row.department or "", row.name, row.title or "", row.phone or "", row.note or ""))]


def spreadsheet_safe(value: str) -> str:
    """A cell Excel or WPS will not run as a formula: names typed in chat reach the export,
    and `=HYPERLINK(…)` in one would act when the file is opened. A leading apostrophe
    (OWASP's advice) shows the text as typed. Phones are digits by then: untouched."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_csv(rows: list[ExportRow], language: str) -> str:
    """CSV text; written with a BOM (utf-8-sig) so Excel on a Chinese Windows opens it as UTF-8."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(export_header(language))
    for number, row in enumerate(rows, 1):
        writer.writerow(_export_values(number, row))
    return out.getvalue()


def export_xlsx(rows: list[ExportRow], language: str, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "联系方式登记表" if language == "zh" else "Contact register"
    sheet.append(export_header(language))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, 1):
        sheet.append(_export_values(number, row))
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = "@"  # text: phones stay phones when edited
    widths = [6, 12, 28, 12, 14, 10, 14, 16, 24]
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    workbook.properties.title = title
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class _Dumper(yaml.SafeDumper):
    pass


def _flow_small(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    # Channels and members on one line each, as in the example file.
    small = set(data) <= {"telegram", "slack", "name", "role", "phone"}
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=small or None)


def _flow_scalars(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    # Capabilities and dispatch plans as [FIRE-01, MED-01].
    flat = all(not isinstance(item, (dict, list)) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat or None)


_Dumper.add_representer(dict, _flow_small)
_Dumper.add_representer(list, _flow_scalars)


def export_yaml(spec: dict[str, Any], rows: list[ExportRow], header: str) -> str:
    """The merged organisation in the file's shape, and, as comments, the register's contacts
    the bot cannot hear yet (no chat id: the file's schema has no place for them)."""
    body = yaml.dump(spec, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    in_file = {(u.get("code"), _key(m.get("name", ""))) for u in spec.get("units", []) for m in u.get("members", [])}
    contacts = [r for r in rows if (r.code, _key(r.name)) not in in_file]
    tail: list[str] = []
    if contacts:
        tail = ["", "# Contacts from the register without a chat id yet (kept in the database; an invite and",
                "# /join make them members): unit, name, department, title, phone, note"]
        tail += ["#   " + " · ".join(v for v in (r.code, r.name, r.department, r.title, r.phone, r.note) if v)
                 for r in contacts]
    return "\n".join(lines) + "\n" + body + ("\n".join(tail) + "\n" if tail else "")


# -- with the database ---------------------------------------------------------------


@dataclass
class ImportOutcome:
    register: Register
    problems: list[Problem]
    new_units: list[NewUnit]
    rows: int  # rows imported (or that would have been, when refused)
    applied: bool = False
    result: Any = None  # storage.roster.ImportResult when applied
    in_file: int = 0  # rows naming someone of the organisation file, adding nothing to it


def _adds_nothing(org: "Organisation", code: str, row: RegisterRow) -> bool:
    """The row names a member of the organisation file and says nothing the file does not."""
    if code not in org.units or row.department or row.title or row.note:
        return False
    person = next((m for m in org.spec_unit(code).members if _key(m.name) == _key(row.name)), None)
    return person is not None and row.phone in (None, person.phone)


async def import_register(session: Any, base: Any, register: Register, *, partial: bool, actor: str,
                          now: datetime, source: str = "<memory>") -> ImportOutcome:
    """Lay the register over the roster in this transaction: all its rows, or with
    `partial` the good ones; nothing when any row is bad and not `partial`, or when
    the file itself could not be read. `base` is the organisation file (OrganisationFile)."""
    from config.roster import merge
    from storage.roster import ContactRow, RosterRepository

    repo = RosterRepository(session)
    snapshot = await repo.snapshot()
    org = merge(base, snapshot, source)
    plan = plan_import(register, org)
    problems = sorted(register.problems + plan.problems, key=lambda p: (p.rows[:1] or (0,), p.message))
    outcome = ImportOutcome(register, problems, plan.new_units, len(plan.rows))
    if register.unreadable or (problems and not partial) or not plan.rows:
        return outcome
    in_database = {(m.unit_code, _key(m.name)) for m in snapshot.members}
    contacts = []
    for row, code in plan.rows:
        if (code, _key(row.name)) not in in_database and _adds_nothing(org, code, row):
            outcome.in_file += 1  # e.g. re-importing an export: the file says it all already
            continue
        contacts.append(ContactRow(code, row.name, row.phone, row.department, row.title, row.note))
    outcome.result = await repo.import_contacts([(u.code, u.name, u.kind) for u in plan.new_units], contacts,
                                                actor, now, Path(register.source).name)
    outcome.applied = True
    return outcome


def same_name(a: str, b: str) -> bool:
    """The same person's name, spaces and full-width letters aside."""
    return _key(a) == _key(b)


def close_people_names(text: str, names: Iterable[str]) -> list[str]:
    return difflib.get_close_matches(text, list(dict.fromkeys(names)), n=3, cutoff=0.4)
