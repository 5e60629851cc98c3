"""What a contact register is once read: its columns, its rows and what is wrong with them.

The vocabulary every other module of the register shares (reading fills it,
checks add problems, matching and applying read the good rows, exporting
writes the same columns back), kept apart so none of them imports another
just for a data class.
"""
from __future__ import annotations

from dataclasses import dataclass, field

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
