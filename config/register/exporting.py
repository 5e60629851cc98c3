"""Writing the merged roster back out: the register's columns as CSV or XLSX,
or the organisation file's shape as YAML, so it can be kept and folded into
the file.

Cells are made safe for spreadsheets here (names typed in chat reach the
export), and XLSX cells are text so phones stay phones.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

import yaml

from config.names import name_key as _key
from config.register.rows import COLUMNS
from core.registry import PLATFORMS

if TYPE_CHECKING:
    from config.organisation import Organisation


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
    small = set(data) <= {*PLATFORMS.with_ids(), "name", "role", "phone"}
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
