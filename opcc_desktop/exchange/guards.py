"""Checks on a file before any parser reads it: size, zip bombs, XML bombs, formulas, and the
memory a sheet would take.

A spreadsheet is a zip of XML parts. A zip bomb lies about, or hides, a huge uncompressed
size; an XML bomb defines entities that expand without end. Neither needs parsing to be
caught: every part is inflated here, counting bytes, and searched for a document type or
entity declaration, which spreadsheets never carry. The small parts that name the sheets are
parsed with defusedxml.

Calamine (the parser) builds each sheet as one rectangle, from A1 (or the first cell) to the
last row and column holding a cell, 32 bytes a cell, before Python sees any of it: a file of
two cells, A1 and XFD250000, asks it for 131 GB and kills the process. So every sheet part is
scanned for where its cells are, exactly as calamine will place them, and refused, naming the
cell, when one lies beyond the last row or column that can be imported or when the rectangle
holds more cells than a sheet may (so memory stays bounded by the limits below, whatever the
file). The ``<dimension>`` a sheet declares is held to the same limits. So are the shared
strings: calamine copies a shared text into every cell that refers to it, so a few long texts
referred to by many cells are refused too.

The scan of the cells is vectorised (numpy) over the bytes of the part: the tags ``<c r="B7"``
that Excel, LibreOffice and openpyxl write are read in bulk, and anything else that could place
a cell (a cell without a reference, a second ``r`` attribute, a prefixed tag, single quotes or
spaces around ``=``) sends the part to the exact reading, a tokenizer that follows calamine's
rules for cells and rows one tag at a time (slower, but only for such files).

The zip's directory (entry count, declared sizes, compression ratios, encryption) is checked
first, then every part is inflated and scanned, and only then does calamine parse the file.
(Scanning on a second thread while calamine parsed saved about 50 ms on a 50,000-row sheet,
but full test runs then crashed now and then in the cycle collector, so it was given up.)
Calamine is also held, by tests/test_exchange_reading.py on the files of tests/data/bad/, to
refusing a part that inflates beyond its declared size and to never expanding DTD entities:
defence in depth should a file get past the scan.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, TypeVar

import numpy as np
from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException

from ..errors import ImportProblem

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
# The limits keep the memory a file takes to read (calamine's copy of every sheet, then
# Python's) within 1 GB whatever the file holds: benchmarks/bench_reader_memory.py reads the
# worst files they let through. Text costs most: Python keeps a string at 1, 2 or 4 bytes a
# character, 4 if it holds one character past U+FFFF (an emoji), so a sheet's bytes can take
# 3 times as much once read, or 5 times with such characters: those files get less room.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024  # all the parts of a workbook
MAX_UNCOMPRESSED_WIDE = 160 * 1024 * 1024  # ...when its XML holds a character past U+FFFF (an emoji)
MAX_RATIO = 500  # uncompressed / compressed; real sheets stay well under 100
MAX_ROWS = 250_000  # per sheet or CSV file, under the header
MAX_COLUMNS = 702  # A to ZZ
MAX_CELLS = 3_500_000  # rows x columns of the used ranges (from A1) of all a workbook's sheets, or CSV files
MAX_SHARED_STRINGS = 1_000_000  # distinct texts in a workbook's shared strings
MAX_SHARED_TEXT = 48 * 1024 * 1024  # bytes of shared text the cells of all the sheets refer to, counted a cell
DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
SLICE = 1 << 22  # bytes of a sheet part the vectorised scan takes at a time

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHARED_STRINGS = "xl/sharedStrings.xml"  # where calamine reads them, whatever the relationships say
ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b(?=[^>]*t="e")[^>]*?\br="([A-Z]+[0-9]+)"')
FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*>\s*<(?:\w+:)?f[\s>/]')
# What every match of the patterns above holds, found far faster. The formula hint starts at the
# letter f (rare in sheet XML) and looks back for "<" or ":"; a search for "<f" stops at every "<".
FORMULA_HINT = re.compile(rb"f(?<=[<:]f)[\s>/]")
ERROR_HINT = re.compile(rb't="e"')

Parsed = TypeVar("Parsed")


class Refused(Exception):
    """A file-level problem; the caller turns it into an ImportRefused naming the file."""

    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def refuse(message: str, allowed: str = "", value: object = None) -> Refused:
    return Refused(ImportProblem("", None, "", value, message, allowed))


@dataclass(frozen=True)
class Inspection:
    """What the guard learned of an xlsx file: its sheets (in order) and formula cells."""

    sheets: tuple[str, ...]
    formulas: dict[str, list[str]]  # sheet name -> cell references holding formulas
    errors: dict[str, list[str]]  # sheet name -> cells holding error values (#N/A, #DIV/0!...)


def check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise refuse(f"is too large to import ({size / 1048576:.0f} MB)",
                     f"files up to {MAX_FILE_BYTES // 1048576} MB")  # fmt: skip
    if size == 0:
        raise refuse("is empty", "a CSV or Excel (.xlsx) file with a header row")


def inspect_xlsx(path: Path, parse: Callable[[], Parsed]) -> tuple[Parsed, Inspection]:
    """Refuse zip and XML bombs and sheets too large to hold; list the sheets and the cells
    that hold formulas; then run ``parse`` (calamine reading ``path``), only once the whole
    file has passed."""
    check_size(path)
    with _unreadable(), zipfile.ZipFile(path) as archive:
        _check_entries(archive.infolist())
    inspection = _scan(path)
    return parse(), inspection


@contextmanager
def _unreadable() -> Iterator[None]:
    """A zip that cannot be opened or inflated is refused as unreadable."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        raise refuse(f"is not a readable Excel workbook ({exc})",
                     "an .xlsx file saved by Excel or LibreOffice") from None  # fmt: skip


def _scan(path: Path) -> Inspection:
    """Every XML part inflated and searched; the sheets named; where their cells lie (and how
    many cells and how much shared text they make in all); their formula and error cells."""
    with _unreadable(), zipfile.ZipFile(path) as archive, path.open("rb") as file:
        parts = {info.filename: _inflate(file, info) for info in archive.infolist() if _is_xml(info.filename)}
    _check_wide_text(parts)
    sheets = _sheet_parts(parts)
    shared = _shared_lengths(parts.get(SHARED_STRINGS))
    formulas: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    cells = text = 0
    for name, part in sheets.items():
        xml = parts.get(part)
        if xml is None:
            continue
        found = used_range(name, xml, shared)
        cells, text = cells + found.rows * found.columns, text + found.shared_text
        _check_totals(name, found, cells, text)
        if found.formula and (refs := _refs(FORMULA_CELL, xml)):
            formulas[name] = refs
        if found.error and (refs := _refs(ERROR_CELL, xml)):
            errors[name] = refs
    return Inspection(tuple(sheets), formulas, errors)


def _check_totals(sheet: str, found: UsedRange, cells: int, text: int) -> None:
    """The sheets read so far, ``sheet`` the last, hold ``cells`` cells and refer to ``text``
    bytes of shared text in all: every sheet is kept once read, so the limits hold for all."""
    if cells > MAX_CELLS:
        corner = cell_ref(found.rows, found.columns)
        raise Refused(ImportProblem(sheet, None, "", None,
                                    f"brings the cells of the workbook's sheets to {cells:,} in all (its used range"
                                    f" A1:{corner} is {found.rows:,} rows by {found.columns:,} columns): too many"
                                    " to import", f"at most {MAX_CELLS:,} cells (rows x columns) in all the sheets"
                                    " of a workbook: import it in parts"))  # fmt: skip
    if text > MAX_SHARED_TEXT:
        raise _shared_refusal(sheet, text, "brings the shared text that the workbook's cells refer to")


def _check_wide_text(parts: dict[str, bytes]) -> None:
    """XML holding a character past U+FFFF (the lead bytes F0-F4 of its 4 bytes in UTF-8, the
    only encoding calamine reads) may be read at 4 bytes a character: it gets less room."""
    total = sum(map(len, parts.values()))
    if total > MAX_UNCOMPRESSED_WIDE and any(bytes([lead]) in data for data in parts.values() for lead in WIDE_LEADS):
        raise refuse(f"would expand to {total / 1048576:.0f} MB, with characters past U+FFFF (such as emoji) that"
                     " take 4 bytes each once read", f"at most {MAX_UNCOMPRESSED_WIDE // 1048576} MB uncompressed for"
                     f" such a file ({MAX_UNCOMPRESSED_BYTES // 1048576} MB otherwise)")  # fmt: skip


WIDE_LEADS = range(0xF0, 0xF5)


def _refs(pattern: re.Pattern[bytes], xml: bytes) -> list[str]:
    return [m.decode() for m in pattern.findall(xml)]


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ZIP_ENTRIES:
        raise refuse(f"holds {len(entries)} files inside its zip, too many for a spreadsheet",
                     f"at most {MAX_ZIP_ENTRIES}")  # fmt: skip
    if len({info.filename for info in entries}) < len(entries):
        raise refuse("holds two files of the same name inside its zip (which would the reader take?)",
                     "an .xlsx file saved by Excel or LibreOffice")  # fmt: skip
    declared = sum(info.file_size for info in entries)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise refuse(f"would expand to {declared / 1048576:.0f} MB (a zip bomb?)",
                     f"at most {MAX_UNCOMPRESSED_BYTES // 1048576} MB uncompressed")  # fmt: skip
    for info in entries:
        if info.flag_bits & 0x1:
            raise refuse("is password-protected (encrypted zip entries)", "an unprotected .xlsx file")
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise refuse(f"has a part ({info.filename}) compressed {info.file_size // info.compress_size}:1"
                         " (a zip bomb?)", f"compression up to {MAX_RATIO}:1")  # fmt: skip


LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature; ...; name and extra field lengths


def _inflate(file: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """Read one part whole, in one piece, never inflating more than the size its directory
    entry declares (which the check of the entries has held to the limit): a part whose data
    ends before or after that size is refused as unreadable. The CRC is left to calamine,
    which checks it as it reads the same bytes. Every declaration holds a "!", which XML parts
    seldom do: a plain search for it spares the pattern."""
    file.seek(info.header_offset)
    signature, name_length, extra_length = LOCAL_HEADER.unpack(file.read(LOCAL_HEADER.size).ljust(30, b"\0"))
    name = file.read(name_length).decode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
    if signature != b"PK\x03\x04" or name != info.orig_filename:
        raise zipfile.BadZipFile(f"the entry for {info.filename} is damaged")
    file.seek(extra_length, 1)
    packed = file.read(info.compress_size)
    if info.compress_type == zipfile.ZIP_STORED:
        data = packed
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        data = inflater.decompress(packed, info.file_size + 1)
        if not inflater.eof and len(data) <= info.file_size:
            raise zipfile.BadZipFile(f"{info.filename} is cut short")
    else:
        raise NotImplementedError(f"{info.filename} is compressed with method {info.compress_type}")
    if len(data) != info.file_size:
        raise zipfile.BadZipFile(f"{info.filename} is not the size its directory entry declares")
    if b"!" in data and DECLARATION.search(data):
        raise refuse(f"has a part ({info.filename}) with an XML document type declaration (an XML bomb?)",
                     "spreadsheets saved by Excel or LibreOffice, which never contain one")  # fmt: skip
    return data


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels"))


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> the zip part holding it, from xl/workbook.xml and its relationships."""
    book, rels = parts.get("xl/workbook.xml"), parts.get("xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        raise refuse("is a zip file but not an Excel workbook (no xl/workbook.xml inside)",
                     "an .xlsx file saved by Excel or LibreOffice")  # fmt: skip
    try:
        targets = {rel.get("Id"): rel.get("Target", "") for rel in
                   SafeTree.fromstring(rels).iter(f"{{{PKG_REL_NS}}}Relationship")}  # fmt: skip
        sheets = SafeTree.fromstring(book).iter(f"{{{MAIN_NS}}}sheet")
        found = {sheet.get("name", ""): targets.get(sheet.get(f"{{{REL_NS}}}id"), "") for sheet in sheets}
    except (SafeTree.ParseError, DefusedXmlException) as exc:
        raise refuse(f"has a damaged workbook part ({exc})", "an .xlsx file saved by Excel or LibreOffice") from None
    return {name: _part_path(target) for name, target in found.items()}


def _part_path(target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return str(PurePosixPath("xl") / target)


# -- where a sheet's cells lie ------------------------------------------------------------------
@dataclass
class UsedRange:
    """What the scan learned of one sheet part: its last row and column holding a cell (A1 is
    row 1, column 1) and a cell in each; how many cells hold a shared text; whether a formula
    or an error value may be there (the patterns above then find them); how much shared text
    its cells refer to."""

    rows: int = 0
    columns: int = 0
    row_ref: str = ""
    column_ref: str = ""
    shared: int = 0
    formula: bool = False
    error: bool = False
    shared_text: int = 0  # bytes of shared text its cells refer to, at most, counted a cell

    def take(self, row: int, column: int) -> None:
        """One cell's place (1-based), which can only widen the range."""
        ref = ""
        if row > self.rows:
            self.rows, ref = row, cell_ref(row, column)
            self.row_ref = ref
        if column > self.columns:
            self.columns = column
            self.column_ref = ref or cell_ref(row, column)


def used_range(sheet: str, xml: bytes, shared: np.ndarray | None = None) -> UsedRange:
    """Where the cells of one sheet part lie, as calamine will place them; refused (naming the
    sheet and the cell) if anything lies beyond the limits, its declared ``<dimension>`` too,
    or if its cells would expand the shared strings beyond :data:`MAX_SHARED_TEXT`. (The
    limits on all the sheets together are checked by the caller.)
    ``shared``: the byte lengths :func:`_shared_lengths` gives, if the workbook has any."""
    _check_dimension(sheet, xml)
    found = _fast_range(xml, count_shared=shared is not None)
    if found is None:
        found = _exact_range(sheet, xml)
    _check_range(sheet, found)
    if shared is not None and found.shared:
        found.shared_text = _shared_text(sheet, xml, found, shared)
    return found


def _check_range(sheet: str, found: UsedRange, declared: str = "") -> None:
    """Refuse a used range beyond the limits. ``declared``: the ``<dimension>`` it came from."""
    what = (lambda ref: f"declares its used range as {declared} (its <dimension> element)") if declared else (
        lambda ref: f"has a cell at {ref}")  # fmt: skip
    clear = "delete every row and column past your data, even cells that look empty, then save again"
    if found.columns > MAX_COLUMNS:
        ref = found.column_ref
        raise _at(sheet, ref, f"{what(ref)}, in column {column_letters(found.columns)}, too far right to import",
                  f"at most {MAX_COLUMNS} columns (A to {column_letters(MAX_COLUMNS)}): {clear}")  # fmt: skip
    if found.rows > MAX_ROWS + 1:
        ref = found.row_ref
        raise _at(sheet, ref, f"{what(ref)}, in row {found.rows:,}: too many rows to import",
                  f"at most {MAX_ROWS:,} rows under the header (to row {MAX_ROWS + 1:,}): {clear}")  # fmt: skip
    cells = found.rows * found.columns
    if cells > MAX_CELLS:
        corner = cell_ref(found.rows, found.columns)
        raise _at(sheet, corner, f"{what(corner)}, so its used range A1:{corner} is {found.rows:,} rows by"
                  f" {found.columns:,} columns ({cells:,} cells): too many to import",
                  f"at most {MAX_CELLS:,} cells (rows x columns) in all the sheets of a workbook: {clear}")  # fmt: skip


def _at(sheet: str, ref: str, message: str, allowed: str) -> Refused:
    row, column = split_ref(ref) if ref else (None, "")
    return Refused(ImportProblem(sheet, row, column, None, message, allowed))


# The <dimension> element, read (as calamine reads it) before <sheetData> only.
DIMENSION = re.compile(rb"<(?:[^\s/>:<]*:)?dimension(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
ATTRIBUTE = re.compile(rb"([^\s=/>\"']+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
REF = re.compile(rb"([A-Za-z]+)([0-9]+)")  # any length: calamine wraps what overflows, so a long one must not slip by
COLUMNS = {letters.encode(): number for number, letters in
           ((n, "".join(chr(65 + d) for d in ((n - 1) // 26 - 1, (n - 1) % 26) if d >= 0)) for n in range(1, 703))}  # fmt: skip


def _check_dimension(sheet: str, xml: bytes) -> None:
    head = xml[: max(xml.find(b"sheetData"), 0)]
    match = DIMENSION.search(head)
    value = _attribute(match.group(1), b"ref") if match else None
    if value is None:
        return
    corners = [_place(part) for part in value.split(b":")]
    if len(corners) > 2 or None in corners:
        return  # calamine refuses a dimension it cannot read
    declared = UsedRange()
    for place in corners:
        declared.take(*place)  # type: ignore[misc]
    _check_range(sheet, declared, value.decode("ascii"))


def _attribute(attributes: bytes, name: bytes, last: bool = False) -> bytes | None:
    """The value of attribute ``name`` in a tag's attribute text: the first, or the last."""
    found = None
    for key, double, single in ATTRIBUTE.findall(attributes):
        if key == name:
            found = double if double or not single else single
            if not last:
                break
    return found


def _place(ref: bytes) -> tuple[int, int] | None:
    """A cell reference as calamine reads it (letters in either case, then digits), 1-based."""
    match = REF.fullmatch(ref)
    if match is None:
        return None
    letters, digits = match.groups()
    row, column = int(digits), COLUMNS.get(letters)
    if column is None:
        column = 0
        for letter in letters.upper():
            column = column * 26 + letter - 64
    return (row, column) if row else None


# -- the vectorised scan ------------------------------------------------------------------------
def _byte_set(chars: bytes) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(chars)] = True
    return table


def _word(text: bytes) -> tuple[int, int]:
    """``text`` (up to 8 bytes) as the low bytes of a little-endian word, and the mask for them."""
    return int.from_bytes(text, "little"), (1 << (8 * len(text))) - 1


SPACE = _byte_set(b" \t\r\n")
NAME_END = _byte_set(b" \t\r\n/>")  # what may follow an element's name
BEFORE_NAME = _byte_set(b" \t\r\n\"'")  # what may come before an attribute's name
LETTER = _byte_set(bytes(range(65, 91)) + bytes(range(97, 123)))  # calamine takes either case
CELL_OPEN = _word(b'<c r="')  # a cell tag as Excel, LibreOffice and openpyxl write it
CELL_R = _word(b"<c r=")
ROW_R = _word(b"<row r=")
QUOTES = 0x2222222222222222  # '"' in every byte of a word
ONES = 0x0101010101010101
HIGHS = 0x8080808080808080
LT, EQ, COLON, QUOTE = ord("<"), ord("="), ord(":"), ord('"')
CELL_TAG, FORMULA_TAG = _word(b"<c")[0], _word(b"<f")[0]


def _fast_range(xml: bytes, count_shared: bool = False) -> UsedRange | None:
    """The used range of a sheet part whose every cell tag starts ``<c r="B7"`` (with no other
    ``r`` attribute, nothing else placing a cell, and every attribute ``name="value"``), read
    in bulk; None for any other part, which :func:`_exact_range` then reads. Only the bytes
    between the first and the last "sheetData" are looked at: calamine reads cells there only."""
    begin, finish = xml.find(b"sheetData"), xml.rfind(b"sheetData")
    found = UsedRange()
    if begin < 0 or finish - begin < 16:
        return found  # no cells for calamine to read
    if begin < 16:
        return None  # no room to look back from the first attributes
    count_t = count_shared or xml.find(b"#", begin, finish) >= 0  # error values read #N/A, #DIV/0!...
    data = np.frombuffer(xml, dtype=np.uint8)
    words = np.ndarray((len(xml) - 7,), dtype="<u8", buffer=xml, strides=(1,))  # the 8 bytes at each offset
    pairs = (np.frombuffer(xml, dtype="<u2", count=len(xml) // 2),  # the 2 bytes at each even offset
             np.frombuffer(xml, dtype="<u2", count=(len(xml) - 1) // 2, offset=1))  # and each odd one  # fmt: skip
    for start in range(begin, finish, SLICE):
        end = min(start + SLICE, finish)
        cells = _scan_slice(xml, data, words, pairs, (start, end, finish), found, count_t, count_shared)
        if cells is None or len(cells) and not _read_refs(words, cells, found):
            return None
    return found


def _scan_slice(xml: bytes, data: np.ndarray, words: np.ndarray, pairs: tuple[np.ndarray, np.ndarray],
                bounds: tuple[int, int, int], found: UsedRange, count_t: bool, count_shared: bool,
                ) -> np.ndarray | None:  # fmt: skip
    """The positions of the ``<c r="`` tags whose r's "=" lies in bytes ``start:end`` (of a
    region ending at ``finish``), once every tag and attribute there is known to be plain;
    None if any needs the exact reading."""
    start, end, finish = bounds
    here = data[start:end]
    equals = np.flatnonzero(here == EQ) + start
    before = data[equals - 1]
    if np.any(data[equals + 1] != QUOTE) or np.any(SPACE[before]):
        return None  # single quotes, or space around "="
    at_r = equals[before == ord("r")]
    context = words[at_r - 6]  # "<row r=" or "..<c r=" up to the "="
    of_cell = ((context >> 16) & CELL_R[1]) == CELL_R[0]
    if not np.all(of_cell | ((context & ROW_R[1]) == ROW_R[0])):
        return None  # an r attribute that is not the first of its cell or row
    cells = at_r[of_cell] - 4
    # Every "<c" tag is one of those cells, or the exact reading decides. (Tags are counted
    # from 4 bytes before the slice, as their r's "=" lies 4 bytes on: the last slice takes
    # its last 4 bytes too.)
    low, high = start - 4, (end - 4 if end < finish else end)
    tags = _pairs(pairs, low, high, CELL_TAG)
    if _count(tags) != len(cells) and np.count_nonzero(NAME_END[data[_offsets(tags) + 2]]) != len(cells):
        return None  # a cell without a reference first
    formulas = _pairs(pairs, low, high, FORMULA_TAG)
    if _count(formulas):
        found.formula |= bool(np.any(NAME_END[data[_offsets(formulas) + 2]]))
    if xml.find(b":", start, end) >= 0:  # a prefixed element: x:c places a cell too
        colons = np.flatnonzero(here == COLON) + start
        name = data[colons + 1][NAME_END[data[colons + 2]]]
        if np.any(name == ord("c")):
            return None
        found.formula |= bool(np.any(name == ord("f")))
    if count_t:  # t="e" (error values) and t="s" (shared strings)
        at_t = equals[(before == ord("t")) & BEFORE_NAME[data[equals - 2]]]
        value, closed = data[at_t + 2], data[at_t + 3] == QUOTE
        found.error |= bool(np.any((value == ord("e")) & closed))
        found.shared += int(np.count_nonzero((value == ord("s")) & closed)) if count_shared else 0
    if len(cells) and cells[-1] > len(data) - 32:
        return None  # too near the end to read
    return cells


def _pairs(pairs: tuple[np.ndarray, np.ndarray], low: int, high: int, pair: int) -> list[np.ndarray]:
    """Where the two bytes ``pair`` (little-endian) start in ``low:high``, as two masks (even
    and odd offsets): compared two bytes at a time, half as many comparisons as byte by byte.
    :func:`_offsets` turns them into offsets."""
    even, odd = pairs
    return [even[(low + 1) // 2 : (high + 1) // 2] == pair, odd[low // 2 : high // 2] == pair, low]  # type: ignore[list-item]


def _offsets(hits: list[np.ndarray]) -> np.ndarray:
    even, odd, low = hits
    return np.concatenate((np.flatnonzero(even) * 2 + (int(low) + 1) // 2 * 2,
                           np.flatnonzero(odd) * 2 + int(low) // 2 * 2 + 1))  # fmt: skip


def _count(hits: list[np.ndarray]) -> int:
    return int(np.count_nonzero(hits[0])) + int(np.count_nonzero(hits[1]))


def _read_refs(words: np.ndarray, cells: np.ndarray, found: UsedRange) -> bool:
    """Widen ``found`` by the references of the cell tags at ``cells`` (each ``<c r="``): one
    or two letters, then up to 7 digits (no leading zero) and the closing quote. False if any
    is otherwise: three letters or more (a column past ZZ), 8 digits or more (a row past
    9,999,999), a leading zero. (Digits are not checked one by one: calamine refuses the
    sheet on any other character, so misreading such a reference cannot let through a sheet
    that calamine would read.)"""
    at = cells + 6
    letters = words[at].view(np.uint8).reshape(-1, 8)
    second = LETTER[letters[:, 1]]
    if not np.all(LETTER[letters[:, 0]]) or np.any(second & LETTER[letters[:, 2]]):
        return False
    digits = words[at + 1 + second]  # the 8 bytes from the first digit on
    spotted = digits ^ QUOTES  # a zero byte where a quote is
    marks = (spotted - ONES) & ~spotted & HIGHS  # 0x80 in the first zero byte (and maybe later ones)
    ends = marks & (~marks + 1)  # the first alone: 0x80 << 8 * (number of digits)
    if np.any(ends <= 0x80) or np.any((digits & 0xFF) == ord("0")):
        return False  # no quote in reach, no digit, or a leading zero
    first, other = (letters[:, 0] | 32).astype(np.int32) - 96, (letters[:, 1] | 32).astype(np.int32) - 96
    columns = np.where(second, first * 26 + other, first)
    longest = ends.max()  # the most digits; then, digit by digit, the greatest
    tied = np.flatnonzero(ends == longest)
    keys = (digits[tied] & ((longest >> 7) - 1)).byteswap()
    last, widest = int(tied[int(np.argmax(keys))]), int(np.argmax(columns))
    rows = _row_of(digits[last]), _row_of(digits[widest])
    if None in rows:
        return False  # not digits: calamine would refuse it, the exact reading says where
    found.take(rows[0], int(columns[last]))  # type: ignore[arg-type]
    found.take(rows[1], int(columns[widest]))  # type: ignore[arg-type]
    return True


def _row_of(digits: np.uint64) -> int | None:
    """The number written by the digits at the start of ``digits``, up to the quote (None if
    anything else is there)."""
    text = int(digits).to_bytes(8, "little").split(b'"', 1)[0]
    return int(text) if text.isdigit() else None


# -- the exact reading --------------------------------------------------------------------------
# The tags that place cells (<row>, </row>, <c>), skipping comments, CDATA and processing
# instructions, whose text calamine does not read as tags. A first attribute r="..." is taken
# apart (the usual case); the rest of the attributes are looked at only if they hold another r.
TAG = re.compile(rb"<(?:!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>|(/)(?:[^\s/>:<!?]*+:)?row\s*+>"
                 rb"|(?:[^\s/>:<!?]*+:)?(c|row)(?=[\s/>])(?: r=\"([^\"]*)\")?((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>)",
                 re.DOTALL)  # fmt: skip
OTHER_R = re.compile(rb"[\s\"']r\s*=")
ROW_NUMBER = re.compile(rb"[A-Za-z]*([0-9]+)")


def _exact_range(sheet: str, xml: bytes) -> UsedRange:
    """Calamine's placing of cells, tag by tag: a cell at its ``r`` (the last one given), else
    after the cell before it in its row; a row at its ``r`` (the first one given), else after
    the row before it. Every cell counts, empty or not. Refused at the first cell beyond the
    limits. (A value calamine cannot read makes calamine refuse the sheet there: it is
    skipped, which can only widen the range.)"""
    found = UsedRange(formula=bool(FORMULA_HINT.search(xml)), error=bool(ERROR_HINT.search(xml)))
    found.shared = xml.count(b's"') + xml.count(b"s'")  # at least as many as t="s"
    row = column = 0  # calamine's next row and column, 0-based
    last_row = last_column = 0  # 1-based, of the cells so far
    for match in TAG.finditer(xml):  # one at a time: a list of every tag could take more than the sheet
        end_of_row, name, first, rest = match.groups()
        if end_of_row:
            row, column = row + 1, 0
        elif name == b"row":
            given = first or (_attribute(rest or b"", b"r") if rest and _other_r(rest) else None)
            number = ROW_NUMBER.fullmatch(given) if given else None
            if number and int(number.group(1)) > 0:
                row = int(number.group(1)) - 1  # any letters before the digits are ignored
            if rest and rest.endswith(b"/"):
                row, column = row + 1, 0
        elif name:
            given = (_attribute(rest, b"r", last=True) or first) if rest and _other_r(rest) else first
            place = _place(given) if given else None
            if place is None:
                place = (row + 1, column + 1)
            column = place[1]  # the next cell's, 0-based
            if place[0] > last_row or place[1] > last_column:
                found.take(*place)
                last_row, last_column = found.rows, found.columns
                if _over_limits(last_row, last_column):
                    _check_range(sheet, found)
    return found


def _other_r(attributes: bytes) -> bool:
    """Whether ``attributes`` hold an r attribute (plain byte searches first: most do not)."""
    plain = not any(pair in attributes for pair in (b"r=", b"r ", b"r\t", b"r\n", b"r\r"))
    return not plain and bool(OTHER_R.search(attributes))


def _over_limits(rows: int, columns: int) -> bool:
    return columns > MAX_COLUMNS or rows > MAX_ROWS + 1 or rows * columns > MAX_CELLS


# -- shared strings ---------------------------------------------------------------------------
SHARED_ITEM = re.compile(rb"<(?:[^\s/>:<!?]*:)?si(?=[\s/>])")
SHARED_TEXT_TAG = re.compile(rb"[<:][tr][\s/>]")  # <t> or <r> (rich text), perhaps prefixed
SHARED_CELL = re.compile(rb"[\s\"']t\s*=\s*[\"']s[\"'](?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
                         rb"(?:(?!</?(?:[^\s/>:<!?]*:)?c[\s/>]).)*?v>\s*([0-9]{1,10})", re.DOTALL)  # fmt: skip


def _shared_lengths(xml: bytes | None) -> np.ndarray | None:
    """For each shared string (in order), the most bytes of text it can hold once read: an
    item's bytes in the part, less the least markup around a text (<si><t></t></si>). Calamine
    skips an item with neither a <t> nor an <r> (and one with phonetic text only), which
    shifts the items after it: unless every item has one, each is given the most bytes of any
    item from it on, which holds whichever it turns out to be. None when there are none."""
    if not xml:
        return None
    starts = np.fromiter((match.start() for match in SHARED_ITEM.finditer(xml)), dtype=np.int64)
    if len(starts) > MAX_SHARED_STRINGS:
        raise refuse(f"holds {len(starts):,} shared texts, too many to import",
                     f"at most {MAX_SHARED_STRINGS:,} distinct texts in a workbook")  # fmt: skip
    if not len(starts):
        return None
    end = xml.rfind(b"si>") + 3  # the end of the last item (not the rest of the part)
    lengths = np.maximum(np.diff(np.append(starts, max(end, int(starts[-1])))) - len(b"<si><t></t></si>"), 0)
    texts = np.fromiter((match.start() for match in SHARED_TEXT_TAG.finditer(xml)), dtype=np.int64)
    holders = np.searchsorted(starts, texts, side="right") - 1
    kept = np.zeros(len(starts), dtype=bool)
    kept[holders[holders >= 0]] = True
    if kept.all() and b"rPh" not in xml:
        return lengths
    return np.maximum.accumulate(lengths[::-1])[::-1]


def _shared_text(sheet: str, xml: bytes, found: UsedRange, shared: np.ndarray) -> int:
    """At most how many bytes of shared text the cells of one sheet refer to, each cell
    counted (calamine copies a shared text into every cell that refers to it, and Python
    once more): the bound from the longest text first; only if that is too high are the
    cells' own texts added up. Refused beyond :data:`MAX_SHARED_TEXT`."""
    bound = found.shared * int(shared.max())
    if bound <= MAX_SHARED_TEXT:
        return bound
    total, count = 0, len(shared)
    for match in SHARED_CELL.finditer(xml):
        position = int(match.group(1))
        total += int(shared[position]) if position < count else 0
        if total > MAX_SHARED_TEXT:
            raise _shared_refusal(sheet, total, "has cells that refer to the workbook's shared texts so often that"
                                                " reading them would copy more than")  # fmt: skip
    return total


def _shared_refusal(sheet: str, total: int, what: str) -> Refused:
    return Refused(ImportProblem(sheet, None, "", None, f"{what} {total / 1048576:,.0f} MB of text: too much to import",
                                 f"at most {MAX_SHARED_TEXT // 1048576} MB of shared text in all the sheets of a"
                                 " workbook, counted cell by cell"))  # fmt: skip


# -- cell references --------------------------------------------------------------------------
def column_letters(column: int) -> str:
    """1 -> A, 27 -> AA, 702 -> ZZ."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(row: int, column: int) -> str:
    """The reference of a cell, both 1-based: (2, 28) -> AB2."""
    return f"{column_letters(column)}{row}"


def split_ref(ref: str) -> tuple[int, str]:
    """AB2 -> (2, "AB")."""
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters) :]), letters
