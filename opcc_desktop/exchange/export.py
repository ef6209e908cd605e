"""``export-data``: everything in a workbook file as an exchange workbook (.xlsx) or CSV folder.

Text that a spreadsheet would run as a formula is neutralised (see cells.py), so no cell
written here is ever a formula; in CSV files, not even when a spreadsheet splits a field on
another delimiter than the comma.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ..errors import OpccError, UnsafePath, counted
from ..store.user_paths import atomic_output, check_output, check_output_folder
from ..store.workbook import Workbook
from .cells import neutralise, neutralise_delimited
from .layout import SHEETS, WORKFORCE_REPORT, Sheet

FILE_SUFFIXES = (".csv", ".xls", ".xlsm", ".ods", ".txt", ".pdf")  # names of files, not folders
NEEDS_QUOTES = re.compile(r'[,;|\t"\r\n]')  # in a CSV field
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
    ``out`` has no .xlsx suffix. The sheets of the areas ``without`` names are left out (for
    the workforce, the workforce pack's narrative too), so importing the file leaves those
    areas as they are. Returns one line per sheet."""
    out = Path(out)
    as_xlsx = out.suffix.lower() == ".xlsx"
    if as_xlsx:
        check_output(out)
    else:
        check_output_folder(out)
        if out.suffix.lower() in FILE_SUFFIXES:
            raise UnsafePath(f"{out} names a {out.suffix} file, but the exchange data is written as one .xlsx"
                             " file or as a folder of CSV files. Give a name ending .xlsx, or a folder name.")  # fmt: skip
    tables = {sheet.name: _exported_rows(wb, sheet, without) for sheet in SHEETS if sheet.area not in without}
    if as_xlsx:
        _write_xlsx(tables, out)
    else:
        _write_csv_folder(tables, out)
    return [f"{name}: {counted(len(rows), 'row')}" for name, rows in tables.items()]


def _exported_rows(wb: Workbook, sheet: Sheet, without: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = sheet_rows(wb, sheet)
    if sheet.name in ("narrative", "outline") and "workforce" in without:
        rows = [row for row in rows if row["report"] != WORKFORCE_REPORT]
    return rows


def _cells(sheet: Sheet, row: dict[str, Any], safe: Callable[[Any], Any] = neutralise) -> list[Any]:
    return [safe(row.get(column)) for column in sheet.columns]


def _write_xlsx(tables: dict[str, list[dict[str, Any]]], out: Path) -> None:
    from openpyxl import Workbook as XlsxBook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = XlsxBook(write_only=True)
    bold = Font(bold=True)
    with _sheet_files_beside(out, book) as folder:
        for number, sheet in enumerate((s for s in SHEETS if s.name in tables), start=1):
            page = _write_only_sheet(book, sheet.name, folder / f"sheet{number}.xml")
            header = []
            for column in sheet.columns:
                cell = WriteOnlyCell(page, value=column)
                cell.font = bold
                header.append(cell)
            page.append(header)
            for number, row in enumerate(tables[sheet.name], start=2):
                _append(page, sheet, number, row)
        with atomic_output(out) as temporary:
            book.save(temporary)


def _append(page: Any, sheet: Sheet, number: int, row: dict[str, Any]) -> None:
    """One row; text a spreadsheet cannot hold (a control character stored by an older
    version, which now refuses them when typed) is named, not a crash."""
    from openpyxl.utils.exceptions import IllegalCharacterError

    try:
        page.append(_cells(sheet, row))
    except IllegalCharacterError:
        raise OpccError(f"The {sheet.name} sheet's row {number} holds a control character, which a "
                        "spreadsheet cannot hold: correct it in the window ('opcc-desktop check' lists "
                        "every one) and export again. Nothing was written.") from None  # fmt: skip


@contextmanager
def _sheet_files_beside(out: Path, book: Any) -> Iterator[Path]:
    """A working folder beside ``out`` for the sheets' XML as openpyxl streams it. openpyxl
    would put those files in $TMPDIR, where a killed export leaves every row, staff included,
    in plain text; beside the output they sit where the output itself is written. The sheets'
    files are closed before the folder is removed (Windows cannot remove an open file)."""
    with _working_folder(out, ".sheets") as folder:
        try:
            yield folder
        finally:
            for page in book.worksheets:
                if not page.closed:  # a failure part-way: release the file; that failure is the one to report
                    with suppress(Exception):
                        page.close()


@contextmanager
def _working_folder(out: Path, suffix: str) -> Iterator[Path]:
    """A new private folder (0700) beside ``out``, removed however the export ends."""
    folder = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=suffix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_only_sheet(book: Any, name: str, stream: Path) -> Any:
    """A write-only sheet, frozen below its header, whose XML streams to ``stream``: openpyxl's
    own writer, given the file instead of making one (what ``WriteOnlyWorksheet._get_writer``
    does, with ``out``)."""
    from openpyxl.worksheet import _writer

    page = book.create_sheet(name)
    page.freeze_panes = "A2"  # before the writer starts: its first part holds the sheet's views
    page._writer = _writer.WorksheetWriter(page, out=str(stream))
    _writer.ALL_TEMP_FILES.append(str(stream))  # where the writer's cleanup(), after saving, expects it
    page._writer.write_top()
    return page


def _write_csv_folder(tables: dict[str, list[dict[str, Any]]], out: Path) -> None:
    """The CSV files are written in a working folder beside ``out`` first, so a failure
    part-way leaves nothing, not some of the files; then that folder becomes ``out`` or, when
    ``out`` exists, its files replace those of the same names."""
    with _working_folder(out, ".partial") as building:
        for sheet in (s for s in SHEETS if s.name in tables):
            with atomic_output(building / f"{sheet.name}.csv") as temporary:
                with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
                    handle.write(_csv_line(sheet.columns))
                    for row in tables[sheet.name]:
                        handle.write(_csv_line(_csv_text(v) for v in _cells(sheet, row, neutralise_delimited)))
        _move_into_place(building, out)


def _move_into_place(building: Path, out: Path) -> None:
    if not out.exists():
        building.rename(out)
        return
    made = sorted(building.iterdir())
    for file in made:  # every target checked before any is replaced
        check_output(out / file.name)
    for file in made:
        os.replace(file, out / file.name)


def _csv_line(fields: Iterable[str]) -> str:
    return ",".join(_csv_field(field) for field in fields) + "\r\n"


def _csv_field(text: str) -> str:
    """Quoted when it holds any delimiter a spreadsheet might split on (not only the comma),
    a quote or a line break, so a reader splitting on ``;`` keeps it whole where it starts
    the line (elsewhere the neutralising does the work, see cells.py)."""
    return '"' + text.replace('"', '""') + '"' if NEEDS_QUOTES.search(text) else text


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
