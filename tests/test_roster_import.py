"""The contact register (联系方式登记表): reading and checking it, importing it all or
nothing (or the good rows), exporting the merged roster and reading it back,
invites and removals — through the library and through the installed `liandong`."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bot.cli import parse_duration
from config.organisation import Organisation, load_organisation, parse_organisation
from config.register.applying import import_register
from config.register.checks import normalise_phones
from config.register.exporting import export_csv, export_rows, export_xlsx, export_yaml
from config.register.reading import read_register
from config.register.rows import Register
from config.roster import merge
from config.settings import DEFAULT_ORG
from storage.db import Database
from storage.models import Invite, RosterBinding, RosterMember, RosterUnit
from storage.roster import RosterRepository, code_hash
from tests.test_cli import run

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
HEADER = ["序号", "单位", "科室", "联系人", "职务", "联系方式", "备注"]
# A county register as the emergency office keeps it: 30 rows, units of the example
# organisation and units it does not know yet, three rows broken the usual ways.
REGISTER = [
    ["1", "市消防救援大队", "指挥中心", "张三", "值班长", "13800002001", ""],
    ["2", "市消防救援大队", "战训科", "孙七", "科长", "0631-7550119", "24小时值班"],
    ["3", "市消防救援大队", "后勤保障科", "何十", "科员", "138 0000 2010", ""],
    ["4", "市人民医院急救中心", "急诊科", "陈医生", "主任医师", "13800002101", ""],
    ["5", "市人民医院急救中心", "调度室", "林调度", "调度员", "0631-7566120", ""],
    ["6", "市生态环境分局", "监测站", "吴监测", "站长", "13800002201", ""],
    ["7", "国网荣成供电公司抢修队", "抢修一班", "郑班长", "班长", "+86 138-0000-2301", ""],
    ["8", "国网荣成供电公司抢修队", "调控中心", "冯调控", "值班员", "0631-7552300", "夜间转调控中心"],
    ["9", "石岛化工园区企业救援队", "", "孙队长", "队长", "13800002401", ""],
    ["10", "荣成蓝天救援队", "", "钱队长", "队长", "13800002501", ""],
    ["11", "海上搜救志愿队", "", "褚船长", "船长", "13800002601", ""],
    ["12", "危化品与地质灾害专家组", "", "卫教授", "组长", "13800002701", ""],
    ["13", "荣成市应急管理局", "应急指挥中心", "刘主任", "主任", "13963100001", ""],
    ["14", "荣成市应急管理局", "应急指挥中心", "马值班", "值班员", "0631-7581110", ""],
    ["15", "荣成市应急管理局", "救灾物资科", "黄科长", "科长", "13963100003", ""],
    ["16", "荣成市水务局", "防汛办", "杨工", "工程师", "13963100004", ""],
    ["17", "荣成市水务局", "防汛办", "朱科长", "科长", "13963100005", ""],
    ["18", "荣成市气象局", "预报科", "秦预报", "首席预报员", "0631-7553333", ""],
    ["19", "荣成市气象局", "", "尤局长", "副局长", "7550506转2", "总机"],
    ["20", "荣成市自然资源局", "地灾科", "许科长", "科长", "13963100008", ""],
    ["21", "荣成市交通运输局", "路政科", "吕科长", "科长", "13963100009", ""],
    ["22", "荣成市交通运输局", "运输科", "施科员", "科员", "13963100010", ""],
    ["23", "荣成市卫生健康局", "应急办", "张医生", "主任", "13963100011", ""],
    ["24", "荣成市卫生健康局", "应急办", "", "科员", "13963100012", ""],
    ["25", "石岛管理区应急办", "", "孔主任", "主任", "13963100013", ""],
    ["26", "石岛管理区应急办", "", "曹干事", "干事", "13963100014", ""],
    ["27", "港湾街道办事处", "应急科", "严科长", "科长", "13963100015", ""],
    ["28", "港湾街道办事处", "应急科", "华科员", "科员", "1396310001", "号码少一位"],
    ["29", "荣成市红十字会", "救护队", "金队长", "队长", "13963100017", ""],
    ["30", "荣成市红十字会", "救护队", "魏队员", "队员", "13963100018", ""],
]
BROKEN_ROWS = {20, 25, 29}  # spreadsheet rows (header is row 1): 序号 19, 24, 28
NEW_UNITS = ["荣成市应急管理局", "荣成市水务局", "荣成市气象局", "荣成市自然资源局", "荣成市交通运输局",
             "荣成市卫生健康局", "石岛管理区应急办", "港湾街道办事处", "荣成市红十字会"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8",
              title: str | None = None) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    if title:
        writer.writerow([title] + [""] * (len(header) - 1))
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def good(rows: list[list[str]] = REGISTER) -> list[list[str]]:
    return [r for i, r in enumerate(rows, 2) if i not in BROKEN_ROWS]


@pytest.fixture
def register_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "联系方式登记表.csv", REGISTER)


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "good.csv", good())


# -- reading ------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_the_register_is_read_in_every_encoding_excel_writes(tmp_path: Path, encoding: str) -> None:
    register = read_register(write_csv(tmp_path / "r.csv", REGISTER, encoding=encoding))
    assert len(register.rows) == register.data_rows == 30
    assert register.rows[0].unit == "市消防救援大队" and register.rows[0].name == "张三"
    assert register.rows[2].phone == "13800002010"  # spaces taken out
    assert register.rows[6].phone == "13800002301"  # +86 and dashes taken out
    assert register.rows[7].note == "夜间转调控中心" and register.rows[7].department == "调控中心"
    assert register.refused_rows() == BROKEN_ROWS


def test_every_bad_row_is_reported_with_its_row_number_and_why(register_csv: Path) -> None:
    problems = [str(p) for p in read_register(register_csv).problems]
    assert len(problems) == 3
    assert problems[0].startswith("row 20 (序号 19): 联系方式 '7550506转2': has an extension")
    assert problems[1] == "row 25 (序号 24): 联系人 (contact name) is empty"
    assert problems[2] == "row 29 (序号 28): 联系方式 '1396310001': is not a valid mobile number (11 digits: 1, then 3–9, then 9 more)"


def test_a_title_row_above_the_header_and_english_headers_are_fine(tmp_path: Path) -> None:
    header = [" No. ", "UNIT", "department", "Contact ", "Position", "PHONE", "Note"]
    register = read_register(write_csv(tmp_path / "r.csv", good(), header=header, title="Contact register 2026"))
    assert not register.problems and len(register.rows) == 27
    assert register.rows[0].row == 3  # the title is row 1, the header row 2


def test_an_unknown_column_layout_is_one_clear_problem(tmp_path: Path) -> None:
    register = read_register(write_csv(tmp_path / "r.csv", good(), header=["编号", "机构", "人员", "岗位", "号码", "x", "y"]))
    assert [str(p) for p in register.problems] == [
        "no header row: none of the first 10 rows names the register's columns 序号, 单位, 科室, 联系人, 职务, "
        "联系方式, 备注 (or No., Unit, Department, Contact, Title, Phone, Note); the first row has: 编号, 机构, 人员, "
        "岗位, 号码, x, y"]
    assert register.unreadable and not register.rows


def test_missing_required_columns_are_one_problem(tmp_path: Path) -> None:
    header = ["序号", "单位", "科室", "负责人", "职务", "联系方式", "备注"]
    register = read_register(write_csv(tmp_path / "r.csv", good(), header=header))
    assert len(register.problems) == 1 and register.unreadable
    assert str(register.problems[0]).startswith("missing required column 联系人 (Contact) in the header (row 1: ")


def test_merged_cells_in_an_xlsx_are_reported(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["荣成市应急救援力量联系方式登记表"])
    sheet.merge_cells("A1:G1")  # a title over the table: harmless
    sheet.append(HEADER)
    for row in good()[:6]:
        sheet.append([int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6] or None])
    sheet["F4"] = 13800002101  # a phone typed as a number
    sheet["B5"] = None
    sheet.merge_cells("B4:B6")  # 单位 merged down three rows, as registers often are
    path = tmp_path / "register.xlsx"
    workbook.save(path)

    register = read_register(path)
    assert [str(p) for p in register.problems] == [
        "rows 4–6: cells B4:B6 (单位) are merged: unmerge them and write the value in every row, "
        "so each row stands on its own"]
    assert register.refused_rows() == {4, 5, 6}
    assert [r.row for r in register.good_rows()] == [3, 7, 8]
    assert register.rows[1].phone == "13800002101"


def test_an_xlsx_with_missing_columns_is_refused(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["序号", "单位", "科室", "职务"])
    workbook.active.append([1, "市消防救援大队", "指挥中心", "值班长"])
    workbook.save(tmp_path / "r.xlsx")
    register = read_register(tmp_path / "r.xlsx")
    assert register.unreadable
    assert "missing required columns 联系人 (Contact), 联系方式 (Phone)" in str(register.problems[0])


def test_files_that_are_not_registers(tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert "old Excel format (.xls)" in str(read_register(tmp_path / "old.xls").problems[0])
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert "cannot read the workbook" in str(read_register(tmp_path / "broken.xlsx").problems[0])
    assert "cannot read" in str(read_register(tmp_path / "missing.csv").problems[0])


@pytest.mark.parametrize("text, phone", [
    ("13800001001", "13800001001"), ("138-0000-1001", "13800001001"), ("+86 138 0000 1001", "13800001001"),
    ("0631-7550506", "0631-7550506"), ("06317550506", "0631-7550506"), ("010-62345678", "010-62345678"),
    ("(0631)7550506", "0631-7550506"), ("１３８００００１００１", "13800001001"),
    ("13800001001/0631-7550506", "13800001001 / 0631-7550506"), ("13800001001 13900001002", "13800001001 / 13900001002"),
    ("", None),
])
def test_phones_are_written_one_way(text: str, phone: str | None) -> None:
    assert normalise_phones(text) == (phone, None)


@pytest.mark.parametrize("text, why", [
    ("7550506转2", "extension"), ("0631-7550506转802", "extension"), ("0631-7550506-802", "extension"),
    ("7550506", "no area code"), ("12800001001", "not a valid mobile"), ("1380000100", "not a valid mobile"),
    ("0631-123", "not a valid landline"), ("1.38E+10", "scientific notation"), ("无", "not a phone number"),
    ("13800001001/7550506", "no area code"),
])
def test_bad_phones_say_why(text: str, why: str) -> None:
    phone, problem = normalise_phones(text)
    assert phone is None and problem is not None and why in problem


def test_durations() -> None:
    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration("12h") == timedelta(hours=12)
    assert parse_duration("7d") == timedelta(days=7)
    assert parse_duration("1d12h") == timedelta(hours=36)
    assert parse_duration("2w") == timedelta(days=14)
    assert parse_duration("7") is None and parse_duration("soon") is None and parse_duration("") is None


# -- importing --------------------------------------------------------------------------


@pytest.fixture
def base() -> Organisation:
    return load_organisation(DEFAULT_ORG)


async def do_import(db: Database, base: Organisation, register: Register, partial: bool = False):
    async with db.transaction() as session:
        return await import_register(session, base.spec, register, partial=partial, actor="test", now=NOW)


async def merged(db: Database, base: Organisation):
    async with db.transaction() as session:
        snapshot = await RosterRepository(session).snapshot()
    return merge(base.spec, snapshot), snapshot


async def test_a_register_with_bad_rows_changes_nothing(db: Database, base: Organisation, register_csv: Path) -> None:
    outcome = await do_import(db, base, read_register(register_csv))
    assert not outcome.applied and len(outcome.problems) == 3
    _, snapshot = await merged(db, base)
    assert snapshot.version == 0 and not snapshot.units and not snapshot.members


async def test_partial_imports_the_good_rows_and_a_second_import_duplicates_nothing(
        db: Database, base: Organisation, register_csv: Path) -> None:
    outcome = await do_import(db, base, read_register(register_csv), partial=True)
    assert outcome.applied and len(outcome.problems) == 3
    assert [u.name for u in outcome.new_units] == NEW_UNITS
    assert [u.code for u in outcome.new_units] == [f"U-{n:03d}" for n in range(1, 10)]
    assert {u.kind for u in outcome.new_units} == {"government"}
    assert len(outcome.result.added) == 27 and outcome.result.units_added == [f"U-{n:03d}" for n in range(1, 10)]
    org, snapshot = await merged(db, base)
    assert len(snapshot.members) == 27 and all(m.source == "import" and m.user_id is None for m in snapshot.members)
    assert org.units["U-001"].name == "荣成市应急管理局" and "U-009" in org.units
    # The file's member gets the register's office; the register's own people are contacts.
    zhang = next(c for c in org.contacts["FIRE-01"] if c.name == "张三")
    assert (zhang.department, zhang.title, zhang.on_chat) == ("指挥中心", "值班长", True)
    assert any(c.name == "孙七" and c.phone == "0631-7550119" for c in org.contacts["FIRE-01"])
    assert not any(c.name == "尤局长" for c in org.contacts["U-003"])  # row 20 was refused

    again = await do_import(db, base, read_register(register_csv), partial=True)
    assert not again.new_units and not again.result.added and not again.result.updated
    assert again.result.unchanged == 27
    _, after = await merged(db, base)
    assert after.version == snapshot.version and len(after.members) == 27 and len(after.units) == 9


async def test_a_corrected_register_updates_the_contacts_it_knows(
        db: Database, base: Organisation, register_csv: Path, tmp_path: Path) -> None:
    await do_import(db, base, read_register(register_csv), partial=True)
    fixed = [list(r) for r in REGISTER]
    fixed[18][5] = "0631-7550506"  # 尤局长: a direct line instead of the switchboard
    fixed[23][3] = "邹科员"
    fixed[27][5] = "13963100016"
    fixed[1][5] = "13800002002"  # 孙七 has a mobile now
    outcome = await do_import(db, base, read_register(write_csv(tmp_path / "fixed.csv", fixed)))
    assert outcome.applied and not outcome.problems and not outcome.new_units
    assert {c.name for c in outcome.result.added} == {"尤局长", "华科员", "邹科员"}
    assert [c.name for c in outcome.result.updated] == ["孙七"]
    org, snapshot = await merged(db, base)
    assert len(snapshot.members) == 30
    assert next(c for c in org.contacts["FIRE-01"] if c.name == "孙七").phone == "13800002002"


async def test_units_are_matched_by_code_and_kind_columns_are_read(db: Database, base: Organisation,
                                                                   tmp_path: Path) -> None:
    header = ["序号", "代码", "单位", "类别", "科室", "联系人", "职务", "联系方式", "备注"]
    rows = [["1", "FIRE-01", "消防大队", "", "", "何十", "", "13800002010", ""],     # the code wins over the name
            ["2", "WATER-01", "荣成市水务局", "政府", "", "杨工", "", "13963100004", ""],
            ["3", "", "荣成蓝天救援队", "", "", "冯队员", "", "13800002502", ""],
            ["4", "", "渔港联防队", "社会力量", "", "于队长", "", "13963100020", ""],
            ["5", "MED-01", "荣成市水务局", "", "", "x", "", "13963100021", ""]]
    outcome = await do_import(db, base, read_register(write_csv(tmp_path / "r.csv", rows, header=header)),
                              partial=True)
    assert [(u.code, u.name, u.kind) for u in outcome.new_units] == [
        ("WATER-01", "荣成市水务局", "government"), ("U-001", "渔港联防队", "social")]
    assert [str(p) for p in outcome.problems] == [
        "row 6 (序号 5): 代码 'MED-01' is unit MED-01 市人民医院急救中心 but 单位 '荣成市水务局' is WATER-01: "
        "fix one of them"]
    org, snapshot = await merged(db, base)
    # 冯队员 is in the file already; the register adds a phone.
    assert {(m.unit_code, m.name, m.phone) for m in snapshot.members} == {
        ("FIRE-01", "何十", "13800002010"), ("WATER-01", "杨工", "13963100004"), ("U-001", "于队长", "13963100020"),
        ("BLUESKY-01", "冯队员", "13800002502")}
    assert org.units["U-001"].kind == "social"


# -- exporting --------------------------------------------------------------------------


async def roster_with_chat_members(db: Database, base: Organisation, register_csv: Path) -> None:
    """The register imported, and people who joined and bound groups in chat."""
    await do_import(db, base, read_register(register_csv), partial=True)
    async with db.transaction() as session:
        repo = RosterRepository(session)
        await repo.add(RosterMember(unit_code="U-001", name="刘主任", role="duty_officer", platform="telegram",
                                    user_id="3001", source="chat", created_at=NOW, created_by="telegram:3001"))
        await repo.add(RosterMember(unit_code="FIRE-01", name="何十", role="member", platform="slack",
                                    user_id="U3002", source="chat", created_at=NOW, created_by="slack:U3002"))
        await repo.add(RosterBinding(unit_code="U-001", platform="telegram", chat_id="-1003001", title="应急局值班群",
                                     created_at=NOW, created_by="telegram:3001"))


async def test_the_yaml_export_folds_back_into_the_file(db: Database, base: Organisation, register_csv: Path) -> None:
    await roster_with_chat_members(db, base, register_csv)
    org, snapshot = await merged(db, base)
    rows = export_rows(org, snapshot.members)
    text = export_yaml(org.spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True), rows,
                       "exported for a test\nsecond line")
    assert text.startswith("# exported for a test\n# second line\n")
    again = parse_organisation(text)
    assert again.spec.units == org.spec.units and again.spec == org.spec
    u1 = again.spec_unit("U-001")
    assert [(m.name, m.telegram, m.role) for m in u1.members] == [("刘主任", "3001", "duty_officer")]
    assert [c.telegram for c in u1.channels] == ["-1003001"]
    # Contacts without a chat id have no place in the file's schema: they are listed as comments.
    assert "#   U-001 · 马值班 · 应急指挥中心 · 值班员 · 0631-7581110" in text
    assert "刘主任 · 应急指挥中心" not in text  # a member now: in the file's part


async def test_csv_and_xlsx_exports_read_back_as_the_register(db: Database, base: Organisation,
                                                              register_csv: Path, tmp_path: Path) -> None:
    await roster_with_chat_members(db, base, register_csv)
    org, snapshot = await merged(db, base)
    rows = export_rows(org, snapshot.members)
    # Every person once per unit: the file's 13, the register's 27 less the 8 already in the file.
    assert len(rows) == 13 + 27 - 8
    he = next(r for r in rows if r.name == "何十")  # a contact who also joined in chat: one row
    assert (he.code, he.department, he.phone) == ("FIRE-01", "后勤保障科", "13800002010")
    (tmp_path / "out.csv").write_text(export_csv(rows, "zh"), encoding="utf-8-sig", newline="")
    (tmp_path / "out.xlsx").write_bytes(export_xlsx(rows, "zh", org.name))
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert [c.value for c in sheet[1]] == ["序号", "代码", "单位", "类别", "科室", "联系人", "职务", "联系方式", "备注"]
    for name in ("out.csv", "out.xlsx"):
        back = read_register(tmp_path / name)
        assert not back.problems, name
        assert [(r.code, r.unit, r.name, r.phone, r.department, r.title) for r in back.rows] == [
            (r.code, r.unit, r.name, r.phone, r.department, r.title) for r in rows]
        # Importing the export changes nothing.
        outcome = await do_import(db, base, back)
        assert outcome.applied and not outcome.new_units and not outcome.result.added
        assert not outcome.result.updated, name
    _, after = await merged(db, base)
    assert after.version == snapshot.version
    english = export_csv(rows, "en").splitlines()[0]
    assert english == "No.,Code,Unit,Kind,Department,Contact,Title,Phone,Note"


# -- the installed command ----------------------------------------------------------------


def cli(database_url: str, *args: str):
    return run(*args, env={"LIANDONG_DATABASE_URL": database_url})


async def test_cli_import_exit_codes_and_summary(database_url: str, register_csv: Path, good_csv: Path) -> None:
    refused = cli(database_url, "roster", "import", str(register_csv))
    assert refused.returncode == 1
    err = refused.stderr.strip().splitlines()
    assert err[0] == f"{register_csv}: 3 problem(s):"
    assert err[1].startswith("row 20 (序号 19): 联系方式 '7550506转2'")
    assert err[-1] == "nothing imported: fix the rows above and import again, or import the 27 good rows with --partial"
    assert "INFO" not in refused.stderr

    partial = cli(database_url, "roster", "import", str(register_csv), "--partial")
    assert partial.returncode == 0, partial.stderr
    assert f"{register_csv}: 30 rows, 27 good, 3 refused" in partial.stdout
    assert "units added: 9 — U-001 荣成市应急管理局 (government); U-002 荣成市水务局" in partial.stdout
    assert "contacts added: 27, updated: 0, unchanged: 0" in partial.stdout
    assert "rows refused: 3" in partial.stdout

    again = cli(database_url, "roster", "import", str(good_csv))
    assert again.returncode == 0 and "units added: 0" in again.stdout
    assert "contacts added: 0, updated: 0, unchanged: 27" in again.stdout

    unreadable = cli(database_url, "roster", "import", str(register_csv.with_name("missing.csv")))
    assert unreadable.returncode == 1 and "cannot read" in unreadable.stderr


async def test_cli_export_in_three_formats(database_url: str, good_csv: Path, tmp_path: Path) -> None:
    assert cli(database_url, "roster", "import", str(good_csv)).returncode == 0
    yaml_out = cli(database_url, "roster", "export")
    assert yaml_out.returncode == 0, yaml_out.stderr
    org = parse_organisation(yaml_out.stdout)
    assert len(org.units) == 8 + 9 and org.units["U-009"].name == "荣成市红十字会"
    (tmp_path / "o.yaml").write_text(yaml_out.stdout, encoding="utf-8")
    assert run("check-config", str(tmp_path / "o.yaml")).returncode == 0

    written = cli(database_url, "roster", "export", "-o", str(tmp_path / "roster.xlsx"))
    assert written.returncode == 0 and "(xlsx): 17 units, 32 people" in written.stdout
    assert len(read_register(tmp_path / "roster.xlsx").rows) == 32
    as_csv = cli(database_url, "roster", "export", "--format", "csv", "-o", str(tmp_path / "roster.csv"))
    assert as_csv.returncode == 0
    assert (tmp_path / "roster.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # for Excel
    assert len(read_register(tmp_path / "roster.csv").rows) == 32
    assert cli(database_url, "roster", "export", "--format", "xlsx").returncode == 1


async def test_cli_invite_prints_a_code_that_only_its_hash_remembers(database_url: str) -> None:
    made = cli(database_url, "invite", "FIRE-01", "--role", "duty_officer", "--uses", "3", "--expires", "12h")
    assert made.returncode == 0, made.stderr
    code = made.stdout.splitlines()[0].removeprefix("invite code: ")
    assert f"/join {code}" in made.stdout and "duty officer" in made.stdout and "3 times" in made.stdout
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            invite = await RosterRepository(session).invite(code.lower())
            assert invite is not None and invite.code_hash == code_hash(code)
            assert (invite.unit_code, invite.role, invite.uses_left) == ("FIRE-01", "duty_officer", 3)
            assert timedelta(hours=11, minutes=59) < invite.expires_at - invite.created_at <= timedelta(hours=12)
            stored = (await session.scalars(select(Invite))).all()
            assert len(stored) == 1 and code not in repr(vars(stored[0]))
    finally:
        await db.dispose()

    unknown = cli(database_url, "invite", "FIRE-1")
    assert unknown.returncode == 1 and unknown.stderr.strip() == "no unit 'FIRE-1' (did you mean FIRE-01?)"
    by_name = cli(database_url, "invite", "市人民医院急救中心")
    assert by_name.returncode == 0 and "unit MED-01 市人民医院急救中心, as member; works once" in by_name.stdout
    assert cli(database_url, "invite", "FIRE-01", "--expires", "soon").returncode == 1
    assert cli(database_url, "invite", "FIRE-01", "--uses", "0").returncode == 1


async def test_cli_remove(database_url: str, good_csv: Path) -> None:
    assert cli(database_url, "roster", "import", str(good_csv)).returncode == 0
    removed = cli(database_url, "roster", "remove", "U-001", "马值班")
    assert removed.returncode == 0 and "removed 马值班 (contact) from U-001 荣成市应急管理局" in removed.stdout
    again = cli(database_url, "roster", "remove", "U-001", "马值班")
    assert again.returncode == 1 and "no member or contact '马值班' in U-001" in again.stderr
    in_file = cli(database_url, "roster", "remove", "MED-01", "周护士")
    assert in_file.returncode == 1 and "is in the organisation file" in in_file.stderr
    assert cli(database_url, "roster", "remove", "NOPE-01", "x").returncode == 1
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            repo = RosterRepository(session)
            await repo.add(RosterMember(unit_code="U-001", name="刘主任", role="member", platform="telegram",
                                        user_id="3001", source="chat", created_at=NOW, created_by="x"))
            await repo.record("join", "U-001", "x", NOW)
    finally:
        await db.dispose()
    by_id = cli(database_url, "roster", "remove", "U-001", "telegram:3001")
    assert by_id.returncode == 0 and "removed 刘主任 (telegram 3001)" in by_id.stdout
    exported = parse_organisation(cli(database_url, "roster", "export").stdout)
    assert not exported.spec_unit("U-001").members
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            snapshot = await RosterRepository(session).snapshot()
            units = (await session.scalars(select(RosterUnit))).all()
    finally:
        await db.dispose()
    # 刘主任 left in chat; the register's contact of that name stays.
    assert sorted((m.name, m.user_id) for m in snapshot.members if m.unit_code == "U-001") == [
        ("刘主任", None), ("黄科长", None)]
    assert len(units) == 9


def test_cli_help() -> None:
    for args in (["roster"], ["roster", "import"], ["roster", "export"], ["roster", "remove"], ["invite"]):
        result = run(*args, "--help")
        assert result.returncode == 0 and "usage: liandong" in result.stdout, args


async def test_cli_roster_commands_report_an_unreachable_database_with_exit_2(register_csv: Path) -> None:
    url = "postgresql+asyncpg://nobody@127.0.0.1:9/none"
    for args in (["roster", "import", str(register_csv), "--partial"], ["roster", "export"], ["invite", "FIRE-01"]):
        result = cli(url, *args)
        assert result.returncode == 2, args
        assert result.stderr.strip().splitlines()[-1].startswith("cannot open database")


def test_exports_never_hand_a_spreadsheet_a_formula(tmp_path: Path) -> None:
    """A display name typed in chat reaches the export; in a cell it must stay text."""
    from config.register.exporting import ExportRow

    rows = [ExportRow("FIRE-01", "消防", "government", '=HYPERLINK("http://evil.example","点我")', phone="13800001001"),
            ExportRow("FIRE-01", "消防", "government", "@SUM(A1)", title="+cmd", note="-2+3")]
    csv_cells = [cell for line in csv.reader(io.StringIO(export_csv(rows, "zh"))) for cell in line]
    (tmp_path / "out.xlsx").write_bytes(export_xlsx(rows, "zh", "t"))
    sheet = load_workbook(tmp_path / "out.xlsx").active
    xlsx_cells = [str(c.value) for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    for cells in (csv_cells, xlsx_cells):
        assert not any(c.startswith(("=", "+", "-", "@")) for c in cells), cells
        assert "'=HYPERLINK(\"http://evil.example\",\"点我\")" in cells and "13800001001" in cells


def test_a_workbook_with_one_far_away_cell_is_refused_without_building_its_grid(tmp_path: Path) -> None:
    import resource

    workbook = Workbook()
    workbook.active.append(["单位", "联系人", "联系方式"])
    workbook.active.append(["消防", "张三", "13800001001"])
    workbook.active["XFD1048576"] = "x"
    workbook.save(tmp_path / "far.xlsx")
    assert (tmp_path / "far.xlsx").stat().st_size < 10_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    register = read_register(tmp_path / "far.xlsx")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB
    [problem] = register.problems
    assert "reaches row 1,048,576 and column 16,384" in problem.message
