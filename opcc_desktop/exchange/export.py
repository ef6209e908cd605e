"""``export-data``: everything in a workbook file as an exchange workbook (.xlsx) or CSV folder.

Text that a spreadsheet would run as a formula is neutralised (see cells.py), so no cell
written here is ever a formula.
"""

from __future__ import annotations

import base64
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import UnsafePath, counted
from ..store.user_paths import atomic_output, check_output, check_output_folder, make_output_folder
from ..store.workbook import Workbook
from .cells import neutralise
from .layout import SHEETS, Sheet

FILE_SUFFIXES = (".csv", ".xls", ".xlsm", ".ods", ".txt", ".pdf")  # names of files, not folders
ASSET_PART_CHARS = 32_000  # a spreadsheet cell holds at most 32,767 characters


def sheet_rows(wb: Workbook, sheet: Sheet) -> list[dict[str, Any]]:
    """A sheet's rows as the exchange format writes them, in display order."""
    if sheet.name == "assets":
        return list(_asset_parts(wb))
    return wb.rows(sheet.sql)


def exchange_tables(wb: Workbook) -> dict[str, list[dict[str, Any]]]:
    """Every sheet's rows: what an export writes, and what a round trip must reproduce."""
    return {sheet.name: sheet_rows(wb, sheet) for sheet in SHEETS}


def _asset_parts(wb: Workbook) -> Iterator[dict[str, Any]]:
    for asset in wb.rows("SELECT name, media_type, data FROM assets ORDER BY name"):
        encoded = base64.b64encode(asset["data"]).decode("ascii")
        for part, start in enumerate(range(0, len(encoded), ASSET_PART_CHARS), start=1):
            yield {"name": asset["name"], "media_type": asset["media_type"], "part": part,
                   "data": encoded[start : start + ASSET_PART_CHARS]}  # fmt: skip


def export_data(wb: Workbook, out: Path, without: tuple[str, ...] = ()) -> list[str]:
    """Write the exchange workbook to ``out``: an .xlsx file, or a folder of CSV files when
    ``out`` has no .xlsx suffix. The sheets of the areas ``without`` names are left out, so
    importing the file leaves those areas as they are. Returns one line per sheet."""
    out = Path(out)
    as_xlsx = out.suffix.lower() == ".xlsx"
    if as_xlsx:
        check_output(out)
    else:
        check_output_folder(out)
        if out.suffix.lower() in FILE_SUFFIXES:
            raise UnsafePath(f"{out} names a {out.suffix} file, but the exchange data is written as one .xlsx"
                             " file or as a folder of CSV files. Give a name ending .xlsx, or a folder name.")  # fmt: skip
    tables = {sheet.name: sheet_rows(wb, sheet) for sheet in SHEETS if sheet.area not in without}
    if as_xlsx:
        _write_xlsx(tables, out)
    else:
        _write_csv_folder(tables, out)
    return [f"{name}: {counted(len(rows), 'row')}" for name, rows in tables.items()]


def _cells(sheet: Sheet, row: dict[str, Any]) -> list[Any]:
    return [neutralise(row.get(column)) for column in sheet.columns]


def _write_xlsx(tables: dict[str, list[dict[str, Any]]], out: Path) -> None:
    from openpyxl import Workbook as XlsxBook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = XlsxBook(write_only=True)
    bold = Font(bold=True)
    for sheet in (s for s in SHEETS if s.name in tables):
        page = book.create_sheet(sheet.name)
        page.freeze_panes = "A2"
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(page, value=column)
            cell.font = bold
            header.append(cell)
        page.append(header)
        for row in tables[sheet.name]:
            page.append(_cells(sheet, row))
    with atomic_output(out) as temporary:
        book.save(temporary)


def _write_csv_folder(tables: dict[str, list[dict[str, Any]]], out: Path) -> None:
    make_output_folder(out)
    for sheet in (s for s in SHEETS if s.name in tables):
        with atomic_output(out / f"{sheet.name}.csv") as temporary:
            with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(sheet.columns)
                writer.writerows([_csv_text(v) for v in _cells(sheet, row)] for row in tables[sheet.name])


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
