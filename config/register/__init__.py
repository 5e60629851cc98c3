"""The county's contact register (联系方式登记表): reading it, checking every row,
laying it over the roster, and writing the merged roster back out.

One module per job, so each can be read (and changed) without the others:

- `rows`: what a register is once read (its columns, rows and problems);
- `reading`: a CSV or XLSX file to rows, finding the header and refusing merged cells;
- `checks`: each row checked on its own (phones, unit codes, kinds, lengths, repeats);
- `matching`: which unit each good row belongs to, and the units to create;
- `applying`: the register laid over the roster in the database;
- `exporting`: the merged roster written back out as CSV, XLSX or YAML.

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
