"""Reading spreadsheets into plain tables: an .xlsx file, a CSV file, or a folder of CSV files.

Every file passes the guards before it is parsed. Cells come back as Python values (text stripped, empty text as None);
typing and validation belong to the importers. Row numbers are the ones the spreadsheet shows,
so a message can send the user to the right row. Tables are built a column at a time: the
cells of a column share a type, so most columns are cleaned by one map at C speed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import compress
from pathlib import Path
from typing import Any

import python_calamine

from ..errors import ImportProblem, ImportRefused
from .collector import paused
from .guards import MAX_ROWS, Refused, check_size, inspect_xlsx, refuse

ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = (",", ";", "\t")
CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class Table:
    """One sheet: its header (as written) and its non-blank rows, kept a column at a time (an
    importer checking by column takes them as they are; ``rows`` zips them when asked)."""

    name: str
    columns: list[str]
    numbers: list[int]  # the rows' numbers as the spreadsheet shows them, in order
    data: list[list[Any]]  # one list a column: its value in each row
    problems: list[ImportProblem] = field(default_factory=list)  # found while reading

    @cached_property
    def rows(self) -> list[tuple[int, tuple[Any, ...]]]:
        """Each row's number and its values, one a column."""
        return list(zip(self.numbers, zip(*self.data))) if self.data else []

    def column(self, position: int) -> list[Any]:
        """The value at ``position`` of every row, in order (None past the header's columns);
        the list is the caller's own."""
        if position >= len(self.data):
            return [None] * len(self.numbers)
        return list(self.data[position])

    def index(self) -> dict[str, int]:
        """Column name (case and spacing folded) -> position."""
        return {fold(name): i for i, name in enumerate(self.columns) if name}

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Each row as {folded column name: value}."""
        names = [fold(c) for c in self.columns]
        for number, values in self.rows:
            yield number, {name: value for name, value in zip(names, values) if name}


@dataclass
class Source:
    """A file read for import: its tables by name, and what kind of file it was."""

    path: Path
    tables: dict[str, Table]
    kind: str  # "xlsx", "csv" or "csv-folder"

    def table(self, name: str) -> Table | None:
        wanted = fold(name)
        return next((t for key, t in self.tables.items() if fold(key) == wanted), None)


def fold(name: Any) -> str:
    """Header names match whatever their case, spacing or underscores."""
    return "_".join(str(name or "").strip().casefold().replace("_", " ").split())


@paused()  # a grid of 50,000 rows read: see collector
def read(path: Path) -> Source:
    """Read ``path`` (xlsx, csv, or a folder of csv files), refusing anything unsafe or unreadable
    with an :class:`ImportRefused` naming the file."""
    path = Path(path)
    try:
        return _read(path)
    except Refused as refused:
        raise ImportRefused(path.name, [refused.problem]) from None
    except OSError as exc:
        raise ImportRefused(path.name, [ImportProblem("", None, "", None,
                            f"could not be read ({exc.strerror or exc})", "a file you can open")]) from None  # fmt: skip


def _read(path: Path) -> Source:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in CSV_SUFFIXES)
        if not files:
            raise refuse("is a folder with no CSV files in it", "a folder of CSV files named after the sheets")
        return Source(path, {p.stem: read_csv(p) for p in files}, "csv-folder")
    if not path.exists():
        raise refuse("does not exist", "the path of a CSV or Excel (.xlsx) file")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return Source(path, read_xlsx(path), "xlsx")
    if suffix in CSV_SUFFIXES:
        return Source(path, {path.stem: read_csv(path)}, "csv")
    raise refuse(f"has the extension '{suffix or '(none)'}', which cannot be imported",
                 "an Excel workbook (.xlsx), a CSV file (.csv) or a folder of CSV files")  # fmt: skip


def read_xlsx(path: Path) -> dict[str, Table]:
    """Every sheet as a table, read by calamine once the guard has passed the file; the guard's
    formula and error cells then join each table's problems."""
    tables, inspection = inspect_xlsx(path, partial(_calamine_tables, path))
    for name, table in tables.items():
        table.problems += [ImportProblem(name, _row_of(ref), _column_of(ref), None,
                                         f"cell {ref} holds a formula",
                                         "typed values (copy, then Paste Special > Values)")
                           for ref in inspection.formulas.get(name, [])]  # fmt: skip
        table.problems += [ImportProblem(name, _row_of(ref), _column_of(ref), None,
                                         f"cell {ref} holds an error value (such as #N/A or #DIV/0!)",
                                         "a number or text, or leave it blank")
                           for ref in inspection.errors.get(name, [])]  # fmt: skip
    return tables


def _calamine_tables(path: Path) -> dict[str, Table]:
    """Every sheet as calamine reads it, its merged cells reported; calamine's errors refused."""
    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
            return {name: _sheet_table(name, book.get_sheet_by_name(name)) for name in book.sheet_names}
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001  calamine's own: CalamineError, XmlError, ZipError...
        raise refuse(f"could not be read as an Excel workbook ({type(exc).__name__}: {exc})",
                     "an .xlsx file saved by Excel or LibreOffice") from None  # fmt: skip


def _sheet_table(name: str, sheet: python_calamine.CalamineSheet) -> Table:
    if sheet.height > MAX_ROWS + 1:
        raise refuse(f"has {sheet.height} rows in sheet '{name}', too many to import",
                     f"at most {MAX_ROWS:,} rows a sheet")  # fmt: skip
    table = _table(name, sheet.to_python())
    table.problems += _merged_problems(name, sheet.merged_cell_ranges or [])
    return table


def read_csv(path: Path) -> Table:
    check_size(path)
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise refuse("is not a text file (it holds binary data)", "a CSV file saved as text")
    text = _decode(data)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise refuse(f"is not a well-formed CSV file ({exc})", "comma-separated values with a header row") from None
    if len(rows) > MAX_ROWS + 1:
        raise refuse(f"has {len(rows)} rows, too many to import", f"at most {MAX_ROWS:,} rows")
    return _table(path.stem, rows)


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in some locales) or tab: whichever the header line uses most.
    (csv.Sniffer also guesses the quote character, and takes an apostrophe for one.)"""
    header = text.split("\n", 1)[0]
    return max(DELIMITERS, key=header.count)


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise refuse("is not in a text encoding we can read", "UTF-8 (with or without BOM) or Windows-1252")


def _table(name: str, grid: list[list[Any]]) -> Table:
    """Header from the first non-blank row; blank rows dropped; rows cut or padded to the
    header's width; text stripped. Cleaned a column at a time."""
    start = next((i for i, values in enumerate(grid) if not _blank(values)), None)
    if start is None:
        return Table(name, [], [], [])
    columns = [str(v) if v is not None else "" for v in map(_cell, grid[start])]
    width = len(columns)
    body, filled_beyond = _fitted(grid[start + 1 :], width)
    numbers = list(range(start + 2, start + 2 + len(body)))
    cells = [_clean(column) for column in zip(*body, strict=True)] if body else [[] for _ in columns]
    if not body or any(None not in column for column in cells):  # a full column: no row is blank
        return Table(name, columns, numbers, cells)
    kept = [values.count(None) != width or i in filled_beyond for i, values in enumerate(zip(*cells))]
    return Table(name, columns, list(compress(numbers, kept)), [list(compress(column, kept)) for column in cells])


def _blank(values: Sequence[Any]) -> bool:
    return all(_cell(v) is None for v in values)


def _fitted(rows: list[list[Any]], width: int) -> tuple[list[list[Any]], set[int]]:
    """``rows`` cut or padded (with empty text) to ``width`` cells, and the positions of those
    with something past it: such a row is kept, though blank within the header's width."""
    if set(map(len, rows)) <= {width}:
        return rows, set()
    beyond = {i for i, values in enumerate(rows) if len(values) > width and not _blank(values[width:])}
    return [values[:width] if len(values) >= width else values + [""] * (width - len(values))
            for values in rows], beyond  # fmt: skip


def _clean(column: tuple[Any, ...]) -> list[Any]:
    """One column's cells as ``_cell`` leaves them, at C speed where the column allows: all
    text (the usual case) is stripped in one map; neither text nor date-times, kept as it is."""
    try:
        stripped = list(map(str.strip, column))
    except TypeError:  # not all text
        kinds = set(map(type, column))
        if not any(issubclass(kind, (str, dt.datetime)) for kind in kinds):
            return list(column)
        return list(map(_cell, column))
    return [text or None for text in stripped] if "" in stripped else stripped


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _merged_problems(sheet: str, ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> list[ImportProblem]:
    problems = []
    for (row0, col0), (row1, col1) in ranges:
        span = f"{_ref(row0, col0)}:{_ref(row1, col1)}"
        problems.append(ImportProblem(sheet, row0 + 1, "", None, f"cells {span} are merged",
                                      "one value in every cell: unmerge them and fill each row"))  # fmt: skip
    return problems


def _ref(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def _row_of(ref: str) -> int:
    return int("".join(ch for ch in ref if ch.isdigit()))


def _column_of(ref: str) -> str:
    return "".join(ch for ch in ref if ch.isalpha())
