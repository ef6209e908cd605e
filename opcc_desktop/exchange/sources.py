"""Reading spreadsheets into plain tables: an .xlsx file, a CSV file, or a folder of CSV files.

Every file passes the guards before it is parsed. Cells come back as Python values (text stripped, empty text as None);
typing and validation belong to the importers. Row numbers are the ones the spreadsheet shows,
so a message can send the user to the right row. Tables are built a column at a time: the
cells of a column share a type, so most columns are cleaned by one map at C speed.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import compress, islice
from pathlib import Path
from typing import Any

import python_calamine

from ..errors import ImportProblem, ImportRefused
from ..store.user_paths import check_input
from .collector import paused
from .guards import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    Refused,
    cell_ref,
    check_size,
    inspect_xlsx,
    refuse,  # fmt: skip
)

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
    with an :class:`ImportRefused` naming the file, and the open workbook under any other name
    (:func:`opcc_desktop.store.user_paths.check_input`)."""
    path = Path(path)
    check_input(path)
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
        budget = Budget()  # the files of a folder share the limits: all their tables are kept
        return Source(path, {p.stem: read_csv(p, budget) for p in files}, "csv-folder")
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
    """One sheet as a table. The guard has bounded what calamine built; its size is checked
    again here (defence in depth) before Python copies it."""
    height, width = sheet.height, sheet.width
    if height > MAX_ROWS + 1 or width > MAX_COLUMNS or height * width > MAX_CELLS:
        last_row, last_column = sheet.end or (height - 1, width - 1)  # 0-based
        corner = cell_ref(last_row + 1, last_column + 1)
        raise Refused(ImportProblem(name, None, "", None,
                                    f"spans {height:,} rows by {width:,} columns (to {corner}), too many to import",
                                    f"at most {MAX_ROWS:,} rows under the header, {MAX_COLUMNS} columns"
                                    f" and {MAX_CELLS:,} cells a sheet"))  # fmt: skip
    table = _table(name, sheet.to_python())
    table.problems += _merged_problems(name, sheet.merged_cell_ranges or [])
    return table


@dataclass
class Budget:
    """What is left of the limits for the CSV files read so far (a folder's files share them)."""

    bytes: int = field(default_factory=lambda: MAX_FILE_BYTES)
    cells: int = field(default_factory=lambda: MAX_CELLS)


def read_csv(path: Path, budget: Budget | None = None) -> Table:
    """A CSV file as a table: its encoding found (or the file refused, naming the line and byte
    at fault), then its rows read as a stream, refused as soon as there are too many: memory
    stays bounded by the file's size and the limits, whatever the file holds. ``budget``:
    what the other files of its folder have left of the limits."""
    budget = budget or Budget()
    check_size(path)
    size = path.stat().st_size
    if size > budget.bytes:
        raise refuse(f"brings the folder's CSV files to {(MAX_FILE_BYTES - budget.bytes + size) / 1048576:.0f} MB",
                     f"at most {MAX_FILE_BYTES // 1048576} MB of CSV files in all")  # fmt: skip
    budget.bytes -= size
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise refuse("is not a text file (it holds binary data)", "a CSV file saved as text")
    encoding = _encoding(data, path.stem)
    with io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="") as text:
        delimiter = _delimiter(text.readline(65536))
        text.seek(0)
        try:
            rows = _csv_rows(path.stem, text, data, delimiter, budget.cells)
        except csv.Error as exc:
            raise refuse(f"is not a well-formed CSV file ({exc})",
                         "comma-separated values with a header row") from None  # fmt: skip
    budget.cells -= len(rows) * max(map(len, rows), default=0)
    return _table(path.stem, rows)


def _csv_rows(name: str, text: Iterable[str], data: bytes, delimiter: str, cells: int) -> list[list[str]]:
    """The rows of a CSV file, at most ``MAX_ROWS + 1`` of them (header and blank lines count),
    never more than ``cells`` cells. When the separators and lines in the file cannot add up
    to that many cells, the csv module reads it at C speed; otherwise each row's separators
    are counted line by line as it is read, so no single row can grow past the limit before
    it is refused."""
    limit = MAX_ROWS + 1
    separators = data.count(delimiter.encode("ascii"))
    if separators + data.count(b"\n") + data.count(b"\r") + 1 <= cells:
        rows = list(islice(csv.reader(text, delimiter=delimiter), limit + 1))
    else:
        rows = _counted_rows(name, text, delimiter, limit, cells)
    if len(rows) > limit:
        raise Refused(ImportProblem(name, limit + 1, "", None, f"has more than {limit:,} rows (blank lines count),"
                                    " too many to import", f"at most {MAX_ROWS:,} rows under the header"))  # fmt: skip
    _check_shape(name, rows, cells)
    return rows


def _counted_rows(name: str, text: Iterable[str], delimiter: str, limit: int, most: int) -> list[list[str]]:
    pending = [0]  # separators in the lines read for the row being read

    def lines() -> Iterator[str]:
        for number, line in enumerate(text, start=1):
            pending[0] += line.count(delimiter)
            if pending[0] >= most:
                raise Refused(ImportProblem(name, number, "", None,
                                            f"has a row of more than {most:,} cells (by line {number:,}),"
                                            " too many to import", f"at most {MAX_COLUMNS} columns"))  # fmt: skip
            yield line

    rows: list[list[str]] = []
    cells = 0
    for row in csv.reader(lines(), delimiter=delimiter):
        pending[0] = 0
        rows.append(row)
        cells += len(row)
        if len(rows) > limit or cells > most:
            break
    if cells > most:
        raise _too_many_cells(name, f"has more than {most:,} cells by row {len(rows):,}")
    return rows


def _check_shape(name: str, rows: list[list[str]], most: int) -> None:
    """No row wider than :data:`MAX_COLUMNS`, and rows x the widest row (what a table padded to
    its widest row would hold) within ``most`` cells."""
    width = max(map(len, rows), default=0)
    if width > MAX_COLUMNS:
        number = next(i for i, row in enumerate(rows, start=1) if len(row) == width)
        raise Refused(ImportProblem(name, number, "", None, f"has {width:,} columns, too many to import",
                                    f"at most {MAX_COLUMNS} columns"))  # fmt: skip
    if len(rows) * width > most:
        raise _too_many_cells(name, f"is {len(rows):,} rows by {width:,} columns ({len(rows) * width:,} cells)")


def _too_many_cells(name: str, what: str) -> Refused:
    return Refused(ImportProblem(name, None, "", None, f"{what}, too many to import",
                                 f"at most {MAX_CELLS:,} cells (rows x columns) a file, or in all the files of a"
                                 " folder"))  # fmt: skip


def _delimiter(header: str) -> str:
    """Comma, semicolon (Excel in some locales) or tab: whichever the header line uses most.
    (csv.Sniffer also guesses the quote character, and takes an apostrophe for one.)"""
    return max(DELIMITERS, key=header.count)


# A valid UTF-8 sequence of two bytes or more.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
                           rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
                           rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")  # fmt: skip
UNDEFINED_IN_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
BOM = codecs.BOM_UTF8
UNREADABLE = "is not in a text encoding we can read"
SAVE_AS_UTF8 = "UTF-8 throughout (in Excel: Save As, 'CSV UTF-8 (Comma delimited)'), or Windows-1252 throughout"


def _encoding(data: bytes, name: str) -> str:
    """The file's encoding, never a guess between two that both fit part of it: UTF-8 (with or
    without a byte-order mark) when every byte is UTF-8; Windows-1252 (old Excel "CSV") when
    none of its other bytes, or few of them by chance, form UTF-8 characters. A file that is
    UTF-8 in places and not in others (a UTF-8 file with one byte from elsewhere) is refused,
    naming the line and byte, rather than read as "CafÃ©"."""
    invalid = _first_invalid_utf8(data)
    if invalid is None:
        return "utf-8-sig"
    if data.startswith(BOM):
        raise _bad_byte(name, data, invalid, "is not UTF-8, though the file starts with a UTF-8 byte-order mark")
    sequences = UTF8_SEQUENCE.findall(data)
    in_utf8 = sum(map(len, sequences))
    non_ascii = len(data) - len(data.translate(None, bytes(range(128))))
    if any(len(found) > 2 for found in sequences) or in_utf8 >= non_ascii - in_utf8:
        raise _bad_byte(name, data, invalid, "is not UTF-8, though the file has UTF-8 text elsewhere")
    undefined = UNDEFINED_IN_CP1252.search(data)
    if undefined:
        raise _bad_byte(name, data, undefined.start(), "is a character neither in UTF-8 nor in Windows-1252")
    return "cp1252"


def _first_invalid_utf8(data: bytes) -> int | None:
    """The offset of the first byte that is not UTF-8 (a BOM is fine), or None. Decoded a
    megabyte at a time, keeping nothing: the text is decoded again as it is read."""
    if data.isascii():
        return None
    view = memoryview(data)
    position = len(BOM) if data.startswith(BOM) else 0
    while position < len(data):
        piece = view[position : position + (1 << 20)]
        try:
            _, used = codecs.utf_8_decode(piece, "strict", position + len(piece) >= len(data))
        except UnicodeDecodeError as exc:
            return position + exc.start
        position += used
    return None


def _bad_byte(name: str, data: bytes, offset: int, what: str) -> Refused:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return Refused(ImportProblem(name, line, "", None,
                                 f"{UNREADABLE}: line {line:,}, byte {column:,} of the line (byte {offset + 1:,} of"
                                 f" the file, 0x{data[offset]:02X}) {what}", SAVE_AS_UTF8))  # fmt: skip


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
