"""Reading a register file into rows: CSV in any of the encodings Chinese Excel
saves, or an XLSX workbook; the header found among the first rows, the columns
in any order, merged cells refused.

Only the shape of the file is judged here; what each row says is judged by
`config.register.checks`, so a new spelling of a header and a new phone rule
never touch the same code.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from config.register.checks import checked_row, repeated_person
from config.register.rows import COLUMNS, REQUIRED, Problem, Register
from config.spreadsheet import cell_text as _cell, decode_text as _decode

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
HEADER_SEARCH_ROWS = 10
# A county's register is a few thousand rows; beyond these a file is a mistake or an attack
# (a 5 KB workbook with one cell at XFD1048576 made a grid of 17 billion cells).
MAX_FILE_BYTES = 20_000_000
MAX_ROWS = 50_000
MAX_COLUMNS = 60


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
        entry, row_problems = checked_row(row, cells)
        if (repeated := repeated_person(entry, seen_people)) is not None:
            row_problems.append(repeated)
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
