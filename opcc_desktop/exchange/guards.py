"""Checks on a file before any parser reads it: size, zip bombs, XML bombs, formulas.

A spreadsheet is a zip of XML parts. A zip bomb lies about, or hides, a huge uncompressed
size; an XML bomb defines entities that expand without end. Neither needs parsing to be
caught: every part is inflated here in chunks, counting bytes, and searched for a document type
or entity declaration, which spreadsheets never carry. The small parts that name the
sheets are parsed with defusedxml.

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
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TypeVar

from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException

from ..errors import ImportProblem

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 500  # uncompressed / compressed; real sheets stay well under 100
MAX_ROWS = 250_000  # per sheet or CSV file
DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
OVERLAP = 16  # a declaration split across two chunks is still seen
CHUNK = 1 << 20

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b(?=[^>]*\bt="e")[^>]*?\br="([A-Z]+[0-9]+)"')
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
    """Refuse zip and XML bombs; list the sheets and the cells that hold formulas; then run
    ``parse`` (calamine reading ``path``), only once the whole file has passed."""
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
    """Every XML part inflated and searched; the sheets named; their formula and error cells."""
    with _unreadable(), zipfile.ZipFile(path) as archive:
        parts = {info.filename: _inflate(archive, info) for info in archive.infolist() if _is_xml(info.filename)}
    sheets = _sheet_parts(parts)
    return Inspection(tuple(sheets), _cells(FORMULA_CELL, sheets, parts), _cells(ERROR_CELL, sheets, parts))


def _cells(pattern: re.Pattern[bytes], sheets: dict[str, str], parts: dict[str, bytes]) -> dict[str, list[str]]:
    """Sheet name -> the references of the cells ``pattern`` finds in its part (a search for
    its hint first: the pattern over a large sheet costs far more)."""
    found = {name: _find(pattern, parts[part]) for name, part in sheets.items() if part in parts}
    return {name: cells for name, cells in found.items() if cells}


def _find(pattern: re.Pattern[bytes], xml: bytes) -> list[str]:
    hint = FORMULA_HINT if pattern is FORMULA_CELL else ERROR_HINT
    if not hint.search(xml):
        return []
    return [m.decode() for m in pattern.findall(xml)]


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ZIP_ENTRIES:
        raise refuse(f"holds {len(entries)} files inside its zip, too many for a spreadsheet",
                     f"at most {MAX_ZIP_ENTRIES}")  # fmt: skip
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


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read one part, counting what actually comes out rather than trusting the header. Every
    declaration holds a "!", which XML parts seldom do: a plain search for it spares the pattern."""
    chunks: list[bytes] = []
    size, tail = 0, b""
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > MAX_UNCOMPRESSED_BYTES:
                raise refuse(f"has a part ({info.filename}) that expands beyond"
                             f" {MAX_UNCOMPRESSED_BYTES // 1048576} MB (a zip bomb?)")  # fmt: skip
            if (b"!" in chunk or b"!" in tail) and DECLARATION.search(tail + chunk):
                raise refuse(f"has a part ({info.filename}) with an XML document type declaration (an XML bomb?)",
                             "spreadsheets saved by Excel or LibreOffice, which never contain one")  # fmt: skip
            chunks.append(chunk)
            tail = (tail + chunk[-OVERLAP:])[-OVERLAP:]
    return b"".join(chunks)


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
