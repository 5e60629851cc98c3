"""Reading spreadsheets people keep: CSV (UTF-8, the Chinese Excel's GB18030, UTF-16) or XLSX.

Shared by the contact register and the gazetteer imports: the same files come
from the same offices, so they are decoded and their cells cleaned the same way.
"""
from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any


def decode_text(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone typed into a number cell
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())




def read_rows(path: str | Path, *, max_bytes: int, max_rows: int, max_columns: int) -> tuple[list[list[str]], str | None]:
    """Every row of the file's first sheet as cleaned text, or a problem with the whole file."""
    path = Path(path)
    try:
        if path.stat().st_size > max_bytes:
            return [], f"{path.name} is larger than {max_bytes:,} bytes"
        data = path.read_bytes()
    except OSError as exc:
        return [], f"cannot read {path}: {exc.strerror or exc}"
    if path.suffix.lower() in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl fails in many ways on a damaged file; each means the same
            reason = "not an xlsx workbook" if isinstance(exc, zipfile.BadZipFile) else str(exc) or type(exc).__name__
            return [], f"cannot read the workbook: {reason}; save it again as .xlsx"
        rows = []
        for row in sheet.iter_rows(values_only=True):
            if len(rows) >= max_rows or len(row) > max_columns:
                return [], f"more than {max_rows:,} rows or {max_columns} columns"
            rows.append([cell_text(value) for value in row])
        return rows, None
    text = decode_text(data)
    if text is None:
        return [], "cannot read the file as text: save it as CSV UTF-8 (or GB18030), or as .xlsx"
    sample = "\n".join(text.splitlines()[:5])
    delimiter = max(",\t;", key=sample.count) if sample else ","
    rows = [[cell_text(value) for value in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    if len(rows) > max_rows or any(len(row) > max_columns for row in rows):
        return [], f"more than {max_rows:,} rows or {max_columns} columns"
    return rows, None
