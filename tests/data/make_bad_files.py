"""(Re)create the malformed import files in tests/data/bad/ and their manifest.

    .venv/bin/python tests/data/make_bad_files.py [OUT_FOLDER]

Every file derives from one small, valid exchange workbook written here (no workbook file or
app code needed), so each carries one fault, or a few where the case says so. manifest.json
maps each path (relative to the folder; a folder of CSV files is a path too) to:

    kind      the --kind to import it as: "exchange", or null to let the importer recognise it
    expect    a piece of the refusal's message, or null for a control file that must import
    where     optional {"sheet", "row", "column"} of a problem the refusal must list
    problems  optional {"sheet", "row", "column", "message"} list: exactly the problems listed
    stores    optional, for a control: {"sheet", "column", "values"} the import leaves
    xfail     optional: the known bug that makes the file fail its test, until fixed

The tests import each file into a workbook already holding good.xlsx (one case, edi.levels
dropping a level in use, needs that). Output is deterministic (fixed zip timestamps and document properties, seeded random bytes),
so a test can regenerate the folder and compare it byte for byte.
"""

from __future__ import annotations

import codecs
import copy
import csv
import os
import datetime as dt
import io
import json
import random
import re
import shutil
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# openpyxl writes through lxml when it is installed (pikepdf brings it), and its bytes differ:
# the files are made with openpyxl's own writer either way, so they are the same everywhere.
os.environ["OPENPYXL_LXML"] = "False"
import openpyxl  # noqa: E402 - after the setting it reads on import

Grid = list[list[Any]]
Book = dict[str, Grid]  # sheet name -> rows, the header first
Parts = dict[str, bytes]  # zip member name -> contents, in order
Writer = Callable[[Path], None]

HERE = Path(__file__).resolve().parent
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_STAMP = b"2024-01-01T00:00:00Z"
SHEET1 = "xl/worksheets/sheet1.xml"
THEME = "xl/theme/theme1.xml"
MB = 1 << 20
MAX_ROWS = 250_000  # guards.MAX_ROWS
MAX_COLUMNS = 702  # guards.MAX_COLUMNS (A to ZZ)
MAX_ZIP_ENTRIES = 2_000  # guards.MAX_ZIP_ENTRIES
MAX_SHARED_TEXT = 100 * MB  # guards.MAX_SHARED_TEXT
SNAP = dt.date(2023, 3, 31)
OUTCOME = "Safer streets"

# -- the valid base data, area by area (the areas an import replaces) ------------------------
FY, VS, RJ, YD = "2022/23", "Victim Support", "Restorative Justice", "Youth Diversion"
CALLS, CONFIDENCE = [OUTCOME, "Calls"], [OUTCOME, "Confidence"]
BASE: dict[str, Book] = {
    "settings": {"settings": [["key", "value"], ["office_name", "Test Office"], ["disclosure.threshold", "5"],
                              ["disclosure.symbol", "*"]]},
    "workforce": {
        "workforce_snapshots": [["snapshot_date", "label"], [SNAP, "Year end"]],
        "workforce": [["snapshot_date", "staff_ref", "age_band", "sex", "gender_identity_same", "ethnicity",
                       "disability", "religion", "sexual_orientation", "pregnancy_maternity", "role_grade",
                       "fte", "start_date"],
                      [SNAP, "S001", "25-34", "Female", "Yes", "White British", "No", "No religion",
                       "Heterosexual or straight", "No", "Officer", 1, dt.date(2019, 5, 1)],
                      [SNAP, "S002", "45-54", "Male", "Yes", "Asian or Asian British", "Yes", "Muslim",
                       "Prefer not to say", "No", "Manager", 0.6, dt.date(2015, 9, 1)],
                      [SNAP, "S003", "35-44", "Female", "Not declared", "White other", "No", "Christian",
                       "Bisexual", "Yes", None, 0.8, None]],
        "leave_events": [["snapshot_date", "staff_ref", "leave_type", "start_date", "end_date", "outcome"],
                         [SNAP, "S003", "Maternity", dt.date(2022, 6, 1), dt.date(2023, 1, 15), "Returned"]],
    },
    "services": {
        "services": [["service", "service_type", "first_year", "contract_end", "never_publish"],
                     [VS, "Support", "2021/22", dt.date(2024, 3, 31), "no"],
                     [RJ, "Mediation", FY, None, "yes"]],
        "service_categories": [["service", "dimension", "category", "order"],
                               [VS, "age", "18-24", 1], [VS, "age", "25-64", 2],
                               [VS, "gender", "Female", 1], [VS, "gender", "Male", 2]],
        "service_counts": [["service", "financial_year", "quarter", "dimension", "category", "count",
                            "order"],
                           [VS, FY, 1, "age", "18-24", 12, 1], [VS, FY, 1, "age", "25-64", 30, 2],
                           [VS, FY, 1, "gender", "Female", 25, 1], [VS, FY, 1, "gender", "Male", 17, 2],
                           [RJ, FY, 1, "age", "18-24", 3, None]],
        "service_activity": [["service", "financial_year", "quarter", "measure", "value"],
                             [VS, FY, 1, "referrals", 42]],
    },
    "schemes": {
        "schemes": [["scheme", "age_range", "never_publish"], [YD, "10-17", "no"]],
        "scheme_counts": [["scheme", "financial_year", "dimension", "category", "gender", "count", "order"],
                          [YD, FY, "gender", "Female", "All", 4, None],
                          [YD, FY, "age", "10-13", "Male", 2, None]],
        "scheme_measures": [["scheme", "financial_year", "measure", "value"],
                            [YD, FY, "referrals_received", 20]],
    },
    "kpis": {
        "kpis": [["strategic_outcome", "group", "kpi", "unit", "polarity", "never_publish"],
                 [*CALLS, "Calls answered", "count", "higher", "no"],
                 [*CALLS, "Calls received", "count", "neutral", "no"],
                 [*CALLS, "Answer time", "seconds", "lower", "no"],
                 [*CONFIDENCE, "Public confidence", "percent", "higher", "no"]],
        "kpi_values": [["strategic_outcome", "group", "kpi", "unit", "polarity", "financial_year", "quarter",
                        "value", "status", "provisional", "revised"],
                       [*CALLS, "Calls answered", "count", "higher", FY, 1, 900, None, "no", "no"],
                       [*CALLS, "Calls received", "count", "neutral", FY, 1, 1000, None, "no", "no"],
                       [*CALLS, "Answer time", "seconds", "lower", FY, 1, 12.5, None, "yes", "no"],
                       [*CONFIDENCE, "Public confidence", "percent", "higher", FY, 1, None, "not available",
                        "no", "no"],
                       [*CONFIDENCE, "Public confidence", "percent", "higher", FY, 2, 71.5, None, "no",
                        "yes"]],
        "kpi_derived": [["group", "kpi", "unit", "kind", "inputs", "strategic_outcome", "polarity"],
                        ["Calls", "Answer rate", "percent", "ratio", "Calls answered | Calls received",
                         OUTCOME, "higher"]],
        "kpi_comparators": [["kpi", "comparator", "period", "value"],
                            ["Public confidence", "National average", FY, 68]],
        "kpi_commentary": [["strategic_outcome", "group", "financial_year", "quarter", "text"],
                           [*CALLS, FY, 1, "Calls rose after the campaign."]],
    },
    "goals": {
        "goals": [["set_for_year", "title", "description", "owner", "status"],
                  [FY, "Improve data", "Collect better equality data.", "Policy lead", "in progress"],
                  [FY, "Train staff", "Train every member of staff.", None, "achieved"]],
        "goal_updates": [["set_for_year", "title", "report_year", "update_date", "text"],
                         [FY, "Improve data", FY, dt.date(2023, 3, 1), "Survey launched."]],
    },
    "edi": {
        "edi_areas": [["area"], ["Leadership"]],
        "edi_assessment": [["area", "financial_year", "level", "evidence"],
                           ["Leadership", FY, "Developing", "Board training planned."]],
    },
    "narrative": {"narrative": [["report", "financial_year", "quarter", "section", "text"],
                                ["annual-equality", FY, 0, "introduction", "This report sets out..."],
                                ["performance-update", FY, 1, "delivery", "Delivery went well."]]},
    "publications": {"publications": [["report", "financial_year", "quarter", "published_on"],
                                      ["annual-equality", FY, 0, dt.date(2023, 7, 1)]]},
}  # fmt: skip
AREA_OF = {sheet: area for area, book in BASE.items() for sheet in book}
GOALS_TEXT = [
    ["set_for_year", "title", "description", "owner", "status"],
    ["2022/23", "Café £5 – the ‘plan’", "Naïve résumé · 5×£2 — “done”", "Ms Ó Briain", "achieved"],
]


def whole() -> Book:
    return {name: grid for book in BASE.values() for name, grid in book.items()}


def areas(*names: str) -> Book:
    """The base sheets of these areas (a file replacing only them)."""
    return copy.deepcopy({sheet: grid for name in names for sheet, grid in BASE[name].items()})


def area_of(sheet: str) -> Book:
    return areas(AREA_OF[sheet])


def changed(sheet: str, row: int, column: str, value: Any, book: Book | None = None) -> Book:
    """``book`` (by default the sheet's area) with one cell, at the spreadsheet's row number, set."""
    new = copy.deepcopy(book) if book is not None else area_of(sheet)
    grid = new[sheet]
    grid[row - 1][grid[0].index(column)] = value
    return new


def appended(sheet: str, rows: Grid, book: Book | None = None) -> Book:
    new = copy.deepcopy(book) if book is not None else area_of(sheet)
    new[sheet] += copy.deepcopy(rows)
    return new


def without_column(sheet: str, column: str) -> Book:
    new = area_of(sheet)
    position = new[sheet][0].index(column)
    new[sheet] = [row[:position] + row[position + 1 :] for row in new[sheet]]
    return new


def with_header(sheet: str, position: int, name: str) -> Book:
    new = area_of(sheet)
    new[sheet][0][position] = name
    return new


# -- writing xlsx and zip files ---------------------------------------------------------------
def xlsx_parts(book: Book, tweak: Callable[[Any], None] | None = None) -> Parts:
    """``book`` saved by openpyxl, as zip parts with fixed document dates."""
    sheets = openpyxl.Workbook()
    sheets.remove(sheets.active)
    for name, grid in book.items():
        page = sheets.create_sheet(name)
        for row in grid:
            page.append(row)
    if tweak:
        tweak(sheets)
    buffer = io.BytesIO()
    sheets.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    stamp = rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
    parts["docProps/core.xml"] = re.sub(stamp, FIXED_STAMP, parts["docProps/core.xml"])
    return without_theme(parts)


def without_theme(parts: Parts) -> Parts:
    """The parts less the optional colour theme (a quarter of a small file)."""
    del parts[THEME]
    for name in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
        parts[name] = re.sub(rb"<(Override|Relationship) [^>]*theme1?\.xml[^>]*/>", b"", parts[name])
    return parts


def entry(name: str, method: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.compress_type = method
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def zip_bytes(parts: Parts, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(entry(name, method), data, compresslevel=9)
    return buffer.getvalue()


def xlsx_bytes(book: Book, tweak: Callable[[Any], None] | None = None) -> bytes:
    return zip_bytes(xlsx_parts(book, tweak))


def with_part(book: Book, name: str, edit: Callable[[bytes], bytes]) -> bytes:
    parts = xlsx_parts(book)
    parts[name] = edit(parts[name])
    return zip_bytes(parts)


def bomb_file(path: Path, part_size: int) -> None:
    """A valid xlsx whose first sheet part is followed by ``part_size`` bytes of spaces, written
    in 1 MB pieces: deflate shrinks them about 1000 times."""
    parts = xlsx_parts(areas("goals"))
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            if name != SHEET1:
                archive.writestr(entry(name), data)
                continue
            with archive.open(entry(SHEET1), "w", force_zip64=part_size > 1 << 31) as stream:
                stream.write(data)
                for _ in range(part_size // MB):
                    stream.write(b" " * MB)


def header_fields(data: bytes) -> list[tuple[int, str]]:
    """Where each entry's fields start (its local header, then its central header 2 bytes on,
    so the same offsets name the same fields) and the entry's name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    central = struct.unpack_from("<I", data, data.rfind(b"PK\x05\x06") + 16)[0]
    found = []
    for info in infos:
        found += [(info.header_offset, info.filename), (central + 2, info.filename)]
        central += 46 + sum(struct.unpack_from("<HHH", data, central + 28))
    return found


def patched(data: bytes, offset: int, fmt: str, value: int, only: str | None = None) -> bytes:
    """``data`` with ``value`` packed at ``offset`` into the headers of every entry (or of ``only``):
    6 flags, 8 compression method, 14 CRC, 22 uncompressed size."""
    out = bytearray(data)
    for start, name in header_fields(data):
        if only is None or name == only:
            struct.pack_into(fmt, out, start + offset, value)
    return bytes(out)


def lying_size(data: bytes, name: str, size: int, crc_of: bytes | None = None) -> bytes:
    """A zip whose headers give ``name`` an uncompressed size of ``size`` and, when ``crc_of``
    is given, that data's CRC (so the lie passes the CRC check)."""
    out = patched(data, 22, "<I", size, name)
    return out if crc_of is None else patched(out, 14, "<I", zlib.crc32(crc_of), name)


def many_entries(count: int) -> bytes:
    return zip_bytes({**xlsx_parts(areas("settings")), **{f"{n}": b"" for n in range(count)}},
                     zipfile.ZIP_STORED)  # fmt: skip


LAUGHS = [b'<!ENTITY lol1 "%s">' % (b"&lol;" * 10)]
LAUGHS += [b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(2, 10)]
BILLION_LAUGHS = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(LAUGHS) + b"]>\n"
XXE = b'<?xml version="1.0"?>\n<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


def without_declaration(xml: bytes) -> bytes:
    return xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml


def with_doctype(prolog: bytes, padding: int = 0) -> Callable[[bytes], bytes]:
    """A part given a document type declaration, after ``padding`` bytes of comment."""

    def edit(xml: bytes) -> bytes:
        body = without_declaration(xml)
        comment = b"<!--" + b"x" * padding + b"-->\n" if padding else b""
        head, declaration = prolog.split(b"\n", 1)
        return head + b"\n" + comment + declaration + body.replace(b"<v>", b"<v>&lol9;", 1)

    return edit


def xxe_workbook(xml: bytes) -> bytes:
    return XXE + without_declaration(xml).replace(b'name="settings"', b'name="&xxe;"', 1)


# -- writing CSV files and raw bytes ----------------------------------------------------------
def text_cells(row: list[Any]) -> list[str]:
    return ["" if value is None else str(value) for value in row]


def csv_bytes(grid: Grid, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(text_cells(row) for row in grid)
    return buffer.getvalue().encode(encoding)


def put(data: bytes) -> Writer:
    return lambda path: path.write_bytes(data)


def put_folder(files: dict[str, bytes]) -> Writer:
    def write(path: Path) -> None:
        path.mkdir()
        for name, data in files.items():
            (path / name).write_bytes(data)

    return write


def csv_folder(book: Book) -> dict[str, bytes]:
    return {f"{name}.csv": csv_bytes(grid, "utf-8-sig") for name, grid in book.items()}


def seeded(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


# -- the cases --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    path: str  # relative to the output folder
    write: Writer
    expect: str | None  # None: a control file, which must import
    kind: str | None = "exchange"
    where: dict[str, Any] | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)
    stores: dict[str, Any] | None = None  # a control's {"sheet", "column", "values"} after import
    xfail: str | None = None  # a known bug this file shows, until it is fixed

    def manifest(self) -> dict[str, Any]:
        entry_ = {"kind": self.kind, "expect": self.expect, "where": self.where, "problems": self.problems,
                  "stores": self.stores, "xfail": self.xfail}  # fmt: skip
        return {key: value for key, value in entry_.items() if value or key in ("kind", "expect")}


def at(sheet: str, row: int | None, column: str) -> dict[str, Any]:
    return {"sheet": sheet, "row": row, "column": column}


def stores(sheet: str, column: str, values: list[Any]) -> dict[str, Any]:
    return {"sheet": sheet, "column": column, "values": values}


def raw(path: str, data: bytes | Writer, expect: str, xfail: str | None = None) -> Case:
    """A file refused before any sheet is checked, so whatever kind it is imported as."""
    return Case(path, data if callable(data) else put(data), expect, None, xfail=xfail)


def book_case(name: str, book: Book, expect: str | None, where: dict[str, Any] | None = None,
              kind: str | None = "exchange") -> Case:  # fmt: skip
    return Case(f"{name}.xlsx", put(xlsx_bytes(book)), expect, kind, where)


def csv_case(name: str, sheet: str, data: bytes, expect: str | None,
             where: dict[str, Any] | None = None) -> Case:  # fmt: skip
    """A CSV file in a folder of its own, named after the sheet it holds."""
    return Case(f"{name}/{sheet}.csv", put(data), expect, None, where)


UNREADABLE = "is not a readable Excel workbook"
NOT_READ = "could not be read as an Excel workbook"
DOCTYPE = "with an XML document type declaration"


def zip_cases() -> list[Case]:
    good = xlsx_bytes(areas("goals"))
    goals = xlsx_parts(areas("goals"))
    half = len(goals[SHEET1]) // 2
    docx = {"[Content_Types].xml": goals["[Content_Types].xml"], "word/document.xml": b"<w:document/>"}
    return [
        raw("zip_bomb_huge.xlsx", lambda p: bomb_file(p, 401 * MB), "would expand to 401 MB (a zip bomb?)"),
        raw("zip_bomb_ratio.xlsx", lambda p: bomb_file(p, 2 * MB), f"has a part ({SHEET1}) compressed"),
        raw("zip_header_claims_huge.xlsx", lying_size(good, SHEET1, 4_000_000_000),
            "would expand to 3815 MB"),
        raw("zip_header_lies_small.xlsx", lying_size(good, SHEET1, half), UNREADABLE),
        raw("zip_header_lies_small_crc_matches.xlsx", lying_size(good, SHEET1, half, goals[SHEET1][:half]),
            UNREADABLE),
        raw("zip_too_many_entries.xlsx", many_entries(MAX_ZIP_ENTRIES + 1), "files inside its zip, too many"),
        raw("zip_encrypted_entries.xlsx", patched(good, 6, "<H", 0x1), "is password-protected"),
        raw("zip_unknown_compression.xlsx", patched(good, 8, "<H", 99), UNREADABLE),
        raw("zip_not_a_workbook.xlsx", zip_bytes(docx), "is a zip file but not an Excel workbook"),
        raw("zip_sheet_part_missing.xlsx", zip_bytes({k: v for k, v in goals.items() if k != SHEET1}),
            NOT_READ),
        raw("truncated.xlsx", good[: len(good) // 2], UNREADABLE),
        raw("zip_first_bytes_missing.xlsx", good[10:], UNREADABLE),
    ]  # fmt: skip


def xml_cases() -> list[Case]:
    goals = areas("goals")
    return [
        raw("xml_bomb_sheet.xlsx", with_part(goals, SHEET1, with_doctype(BILLION_LAUGHS)),
            f"has a part ({SHEET1}) {DOCTYPE}"),
        raw("xml_bomb_after_long_comment.xlsx", with_part(goals, SHEET1, with_doctype(BILLION_LAUGHS, 4000)),
            f"has a part ({SHEET1}) {DOCTYPE}"),
        raw("xml_external_entity_workbook.xlsx", with_part(goals, "xl/workbook.xml", xxe_workbook),
            f"has a part (xl/workbook.xml) {DOCTYPE}"),
        raw("xml_damaged_workbook_part.xlsx", with_part(goals, "xl/workbook.xml", lambda x: x[:-40]),
            "has a damaged workbook part"),
    ]  # fmt: skip


def far_cell(sheets: Any) -> None:
    """One cell just past the row limit: a sheet that spans too many rows, in a tiny file."""
    sheets["goals"].cell(row=MAX_ROWS + 2, column=1, value="2022/23")


def file_cases() -> list[Case]:
    good = xlsx_bytes(areas("goals"))
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # how an .xls file starts
    unknown = "is not a kind of file OPCC Desktop recognises"
    other = {"Sheet1": [["name", "total"], ["a", 1]]}
    return [
        raw("empty.xlsx", b"", "is empty"),
        raw("random_bytes.xlsx", seeded(4096, 1), UNREADABLE),
        raw("pdf_renamed.xlsx", pdf, UNREADABLE),
        raw("old_excel.xls", ole, "extension '.xls'"),
        raw("spreadsheet.ods", good, "extension '.ods'"),
        raw("data.json", b'{"goals": []}', "extension '.json'"),
        raw("no_extension", good, "extension '(none)'"),
        raw("folder_without_csv", put_folder({"README.md": b"No CSV here.\n"}), "is a folder with no CSV"),
        raw("notes.txt", b"Notes from the meeting\nNothing in columns here\n", unknown),
        Case("too_many_rows_sparse.xlsx", put(xlsx_bytes({"goals": [["set_for_year"]]}, far_cell)),
             "in row 250,002: too many rows to import", None, at("goals", MAX_ROWS + 2, "A")),
        book_case("no_exchange_sheets", other, unknown, kind=None),
        book_case("no_exchange_sheets_as_exchange", other, "has none of the exchange workbook's sheets"),
    ]  # fmt: skip


# -- sheets whose cells lie too far for memory: calamine builds a sheet as one rectangle ------
TOO_FAR_RIGHT = "too far right to import"
TOO_MANY_ROWS = "too many rows to import"
MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def cell_at(row: int, column: int) -> Callable[[Any], None]:
    """A tweak writing one more cell, at (row, column), on the goals sheet."""

    def tweak(sheets: Any) -> None:
        sheets["goals"].cell(row=row, column=column, value="far")

    return tweak


def two_cells(row: int, column: int, dimension: bool = True) -> bytes:
    """A1 and one far cell: a tiny file, and a huge rectangle for calamine. openpyxl writes
    the sheet's <dimension> (A1 to the far cell); without it the cells alone tell."""
    parts = xlsx_parts({"goals": [["set_for_year"]]}, cell_at(row, column))
    if not dimension:
        parts[SHEET1] = re.sub(rb"<dimension [^>]*/>", b"", parts[SHEET1])
    return zip_bytes(parts)


def edited_cells(old: bytes, new: bytes) -> bytes:
    """The goals area with ``old`` replaced by ``new`` in its sheet's XML (cell A2's tag, say)."""
    return with_part(areas("goals"), SHEET1, lambda xml: xml.replace(old, new, 1))


def repeated_shared_text() -> bytes:
    """A 64,000-character shared text that 1,700 cells refer to: 109 MB once calamine has
    copied it into each cell, from a file of a few kilobytes."""
    parts = xlsx_parts({"goals": [["title"]]})
    text = b"".join(b"word%d " % (n % 89) for n in range(11000))[:64000]
    parts["xl/sharedStrings.xml"] = (b'<sst xmlns="%s" count="1" uniqueCount="1"><si><t>%s</t></si></sst>'
                                     % (MAIN_NS, text))  # fmt: skip
    cells = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (n, n) for n in range(2, 1702))
    sheet = re.sub(rb"<dimension [^>]*/>", b"", parts[SHEET1])
    parts[SHEET1] = sheet.replace(b"</row></sheetData>", b"</row>" + cells + b"</sheetData>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')  # fmt: skip
    return zip_bytes(parts)


def range_cases() -> list[Case]:
    """Cells (or a declared range) beyond the last row or column, or a rectangle of more cells
    than a sheet may hold, refused by the guard before calamine allocates it; and the ways a
    cell can be placed that the guard's bulk reading leaves to its exact one."""
    a2 = b'<c r="A2" t="inlineStr">'
    row2 = at("goals", 2, "XFD")
    return [
        Case("far_cell_A1_XFD250000.xlsx", put(two_cells(250_000, 16_384)), TOO_FAR_RIGHT,
             where=at("goals", 250_000, "XFD")),
        Case("far_cell_A1_XFD250000_no_dimension.xlsx", put(two_cells(250_000, 16_384, dimension=False)),
             "has a cell at XFD250000, in column XFD, " + TOO_FAR_RIGHT, where=at("goals", 250_000, "XFD")),
        Case("far_cell_A1_XFD3000_no_dimension.xlsx", put(two_cells(3_000, 16_384, dimension=False)),
             TOO_FAR_RIGHT, where=at("goals", 3_000, "XFD")),
        Case("used_range_too_many_cells.xlsx", put(two_cells(10_000, MAX_COLUMNS, dimension=False)),
             "used range A1:ZZ10000 is 10,000 rows by 702 columns", where=at("goals", 10_000, "ZZ")),
        Case("dimension_too_large.xlsx", put(edited_cells(b'<dimension ref="A1:E3" />',
                                                          b'<dimension ref="A1:XFD1048576" />')),
             "declares its used range as A1:XFD1048576", where=at("goals", 1_048_576, "XFD")),
        Case("cell_without_reference_far_down.xlsx",
             put(edited_cells(b"</sheetData>", b'<row r="300000"><c t="inlineStr"><is><t>far</t></is></c></row>'
                                               b"</sheetData>")),
             TOO_MANY_ROWS, where=at("goals", 300_000, "A")),
        Case("cell_with_a_second_reference.xlsx", put(edited_cells(a2, b'<c r="A2" t="inlineStr" r="XFD2">')),
             TOO_FAR_RIGHT, where=row2),
        Case("cell_reference_in_single_quotes.xlsx", put(edited_cells(a2, b"<c r='XFD2' t=\"inlineStr\">")),
             TOO_FAR_RIGHT, where=row2),
        Case("cell_reference_spaced.xlsx", put(edited_cells(a2, b'<c r = "XFD2" t="inlineStr">')),
             TOO_FAR_RIGHT, where=row2),
        Case("cell_reference_lower_case.xlsx", put(edited_cells(a2, b'<c r="xfd2" t="inlineStr">')),
             TOO_FAR_RIGHT, where=row2),
        Case("cell_with_a_prefix.xlsx",
             put(edited_cells(a2, b'<x:c xmlns:x="%s" r="XFD2" t="inlineStr"><is><t>x</t></is></x:c>%s'
                                  % (MAIN_NS, a2))),
             TOO_FAR_RIGHT, where=row2),
        Case("shared_text_repeated.xlsx", put(repeated_shared_text()), "refer to the workbook's shared texts",
             where=at("goals", None, "")),
    ]  # fmt: skip


def narrative_text(length: int) -> bytes:
    """A narrative CSV whose one text is ``length`` characters long (an xlsx cell holds 32,767)."""
    header = BASE["narrative"]["narrative"][0]
    return csv_bytes([header, ["annual-equality", "2022/23", 0, "introduction", "x" * length]])


def counts_csv(count: str) -> bytes:
    header, row = BASE["services"]["service_counts"][:2]
    return csv_bytes([header, text_cells(row[:5]) + [count, ""]])


def one_windows_byte() -> bytes:
    """The goals in UTF-8, but for one é typed in Windows-1252 (0xE9): a file that must be
    refused, not read as "CafÃ©" throughout."""
    return csv_bytes(GOALS_TEXT).replace("Café".encode(), b"Caf\xe9", 1)


def csv_file_cases() -> list[Case]:
    good = csv_bytes(BASE["goals"]["goals"])
    no_nul = bytes(b or 0x81 for b in seeded(2048, 2))  # 0x81 is neither UTF-8 nor Windows-1252
    binary = "is not a text file (it holds binary data)"
    encoding = "is not in a text encoding we can read"
    count = at("service_counts", 2, "count")
    folder = {**csv_folder(areas("services")),
              "service_counts.csv": csv_bytes(changed("service_counts", 3, "count", -4)["service_counts"])}
    return [
        csv_case("csv_empty", "goals", b"", "is empty"),
        csv_case("csv_random_bytes", "goals", seeded(2048, 3), binary),
        csv_case("csv_binary_without_nul", "goals", no_nul, encoding),
        csv_case("csv_utf16", "goals", csv_bytes(GOALS_TEXT, "utf-16"), binary),
        csv_case("csv_undefined_in_cp1252", "goals", good.replace(b"Train", b"\x81\x8d\x8f\x90\x9d"),
                 encoding),
        csv_case("csv_nul_in_cell", "goals", good.replace(b"Train staff", b"Train\x00staff"), binary),
        csv_case("csv_blank_lines_only", "goals", b"\r\n \r\n,,\r\n", "column is missing",
                 at("goals", 1, "title")),
        csv_case("csv_text_over_long_text_limit", "narrative", narrative_text(100_001),
                 "is too long (100001 characters)", at("narrative", 2, "text")),
        csv_case("csv_field_over_csv_limit", "narrative", narrative_text(131_073),
                 "field larger than field limit"),
        csv_case("csv_too_many_rows", "goals", b"title\n" + b"x\n" * (MAX_ROWS + 1), "too many to import"),
        csv_case("csv_blank_line_flood", "goals", b"title\n" + b"\n" * (MAX_ROWS + 1), "too many to import",
                 at("goals", MAX_ROWS + 2, "")),
        csv_case("csv_too_many_columns", "goals", b"title\n" + b"x," * 1000 + b"x\n", "has 1,001 columns",
                 at("goals", 2, "")),
        csv_case("csv_utf8_with_one_windows_byte", "goals", one_windows_byte(),
                 "line 2, byte 12 of the line (byte 57 of the file, 0xE9) is not UTF-8", at("goals", 2, "")),
        csv_case("csv_bom_then_windows_1252", "goals", codecs.BOM_UTF8 + csv_bytes(GOALS_TEXT, "cp1252"),
                 "is not UTF-8, though the file starts with a UTF-8 byte-order mark", at("goals", 2, "")),
        csv_case("csv_text_in_number", "service_counts", counts_csv("12 people"), "is not a number", count),
        csv_case("csv_nan_count", "service_counts", counts_csv("nan"), "is not a finite number", count),
        csv_case("csv_overflowing_number", "service_counts", counts_csv("1e400"), "is not a finite number",
                 count),
        Case("csv_count_too_large/service_counts.csv", put(counts_csv("1e20")), "column 'count'", None, count),
        csv_case("csv_date_day_month_year", "workforce_snapshots", b"snapshot_date,label\r\n31/03/2023,\r\n",
                 "is not a date", at("workforce_snapshots", 2, "snapshot_date")),
        Case("csv_folder_one_bad", put_folder(folder), "is out of range", None,
             at("service_counts", 3, "count")),
    ]  # fmt: skip


def control_cases() -> list[Case]:
    """Files that must import: the base itself and forms real offices send."""
    as_text = whole()
    for name in ("service_counts", "kpi_values", "workforce"):
        header, *rows = as_text[name]
        as_text[name] = [header] + [[v if v is None else str(v) for v in row] for row in rows]
    as_text = changed("service_counts", 3, "count", "1,030", as_text)
    gaps = areas("services")
    gaps["service_counts"][3:3] = [[None] * 7, [None, "", None, "  ", None, None, None]]
    title = stores("goals", "title", [GOALS_TEXT[1][1]])
    return [
        book_case("good", whole(), None, kind=None),
        Case("good_numbers_stored_as_text.xlsx", put(xlsx_bytes(as_text)), None,
             stores=stores("service_counts", "count", [12, 1030, 25, 17, 3])),
        Case("good_blank_rows_in_the_middle.xlsx", put(xlsx_bytes(gaps)), None,
             stores=stores("service_counts", "count", [12, 30, 25, 17, 3])),
        Case("good_csv_folder", put_folder(csv_folder(whole())), None, None),
        Case("good_csv_utf8/goals.csv", put(csv_bytes(GOALS_TEXT)), None, None, stores=title),
        Case("good_csv_utf8_bom/goals.csv", put(csv_bytes(GOALS_TEXT, "utf-8-sig")), None, None,
             stores=title),
        Case("good_csv_cp1252/goals.csv", put(csv_bytes(GOALS_TEXT, "cp1252")), None, None, stores=title),
        Case("good_csv_semicolons/goals.csv", put(csv_bytes(GOALS_TEXT, "utf-8-sig", ";")), None, None,
             stores=title),
        Case("good_csv_header_only/goal_updates.csv", put(csv_bytes(BASE["goals"]["goal_updates"][:1])), None,
             None, stores=stores("goal_updates", "title", [])),
        *number_in_text_cases(),
    ]  # fmt: skip


def number_in_text_cases() -> list[Case]:
    """Text columns holding what Excel stores as numbers (a setting of 10, staff number 12345)."""
    typed = changed("settings", 3, "value", 10)
    refs = changed("leave_events", 2, "staff_ref", 12345, changed("workforce", 4, "staff_ref", 12345))
    return [
        Case("setting_typed_as_number.xlsx", put(xlsx_bytes(typed)), None,
             stores=stores("settings", "value", ["*", "10", "Test Office"])),
        Case("staff_ref_typed_as_number.xlsx", put(xlsx_bytes(refs)), None,
             stores=stores("workforce", "staff_ref", ["S001", "S002", "12345"])),
    ]  # fmt: skip


def layout_cases() -> list[Case]:
    def merge(sheets: Any) -> None:
        sheets["services"].merge_cells("A2:A3")

    def formula(sheets: Any) -> None:
        sheets["service_counts"]["F3"] = "=10+20"

    def error_value(sheets: Any) -> None:
        cell = sheets["kpi_values"]["H2"]
        cell.value, cell.data_type = "#DIV/0!", "e"

    services, header = areas("services"), at("service_counts", 1, "count")
    return [
        Case("merged_cells.xlsx", put(xlsx_bytes(services, merge)), "cells A2:A3 are merged",
             where=at("services", 2, "")),
        Case("formula_cell.xlsx", put(xlsx_bytes(services, formula)), "cell F3 holds a formula",
             where=at("service_counts", 3, "F")),
        Case("error_value_cell.xlsx", put(xlsx_bytes(areas("kpis"), error_value)), "cell H2 holds an error value"),
        book_case("missing_column", without_column("service_counts", "count"), "column is missing", header),
        book_case("column_twice", with_header("service_counts", 6, "count"), "column appears twice", header),
    ]  # fmt: skip


# name, sheet, row, column, value, what the refusal says at that cell
CELLS: list[tuple[str, str, int, str, Any, str]] = [
    ("text_in_number", "service_counts", 2, "count", "twelve", "is not a number"),
    ("negative_count", "service_counts", 2, "count", -3, "is out of range"),
    ("fractional_count", "service_counts", 2, "count", 2.5, "is not a whole number"),
    ("quarter_5", "service_counts", 2, "quarter", 5, "is not a quarter"),
    ("financial_year_with_dash", "service_counts", 2, "financial_year", "2021-22", "is not a financial year"),
    ("financial_year_not_consecutive", "goals", 2, "set_for_year", "2021/23", "is not a financial year"),
    ("unknown_dimension", "service_counts", 2, "dimension", "height", "is not one of the allowed values"),
    ("unknown_unit", "kpis", 2, "unit", "percentage", "is not one of the allowed values"),
    ("unknown_polarity", "kpi_values", 2, "polarity", "up", "is not one of the allowed values"),
    ("unknown_status", "kpi_values", 5, "status", "pending", "is not one of the allowed values"),
    ("value_and_status", "kpi_values", 2, "status", "not available", "cannot be set together with a number"),
    ("percent_over_100", "kpi_values", 6, "value", 120, "is out of range for a percent KPI"),
    ("count_kpi_fraction", "kpi_values", 2, "value", 900.5, "is not a whole number for a count KPI"),
    ("bad_flag", "kpis", 2, "never_publish", "maybe", "is not yes or no"),
    ("unknown_goal_status", "goals", 2, "status", "finished", "is not one of the allowed values"),
    ("text_over_column_limit", "services", 2, "service_type", "x" * 101, "is too long (101 characters)"),
    ("impossible_date_text", "workforce", 2, "start_date", "31/02/2022", "is not a date"),
    ("impossible_iso_date", "goal_updates", 2, "update_date", "2022-02-31", "is not a date"),
    ("name_as_staff_ref", "workforce", 2, "staff_ref", "John Smith", "is not a staff reference"),
    ("staff_ref_without_digit", "workforce", 3, "staff_ref", "ABC", "is not a staff reference"),
    ("unknown_ethnicity", "workforce", 2, "ethnicity", "Martian", "is not one of the allowed values"),
    ("fte_over_one", "workforce", 2, "fte", 1.5, "is out of range"),
    ("start_after_snapshot", "workforce", 2, "start_date", dt.date(2024, 1, 1), "is after the snapshot date"),
    ("leave_for_unknown_staff", "leave_events", 2, "staff_ref", "S999", "is not on the workforce sheet"),
    ("leave_ends_before_start", "leave_events", 2, "end_date", dt.date(2022, 1, 1),
     "is before the start date"),
    ("unknown_leave_type", "leave_events", 2, "leave_type", "Sabbatical", "is not one of the allowed values"),
    ("unknown_setting", "settings", 2, "key", "office.colour", "is not a setting"),
    ("threshold_not_a_number", "settings", 3, "value", "five", "is not a number for disclosure.threshold"),
    ("threshold_out_of_range", "settings", 3, "value", "150", "is out of range for disclosure.threshold"),
    ("unknown_disclosure_symbol", "settings", 4, "value", "#", "is not one of the allowed values"),
    ("count_for_unlisted_service", "service_counts", 6, "service", "Elsewhere",
     "is not on the 'services' sheet"),
    ("measure_for_unlisted_scheme", "scheme_measures", 2, "scheme", "Elsewhere",
     "is not on the 'schemes' sheet"),
    ("scheme_gender_not_all", "scheme_counts", 2, "gender", "Female", "must be All on rows of the gender"),
    ("unknown_scheme_measure", "scheme_measures", 2, "measure", "happiness",
     "is not one of the allowed values"),
    ("ratio_with_three_inputs", "kpi_derived", 2, "inputs", "Calls answered | Calls received | Answer time",
     "must be a numerator and a denominator"),
    ("derived_input_missing", "kpi_derived", 2, "inputs", "Calls answered | Calls dropped",
     "names 'Calls dropped', which is not a KPI in this file"),
    ("derived_input_twice", "kpi_derived", 2, "inputs", "Calls answered | Calls answered",
     "name a KPI more than once"),
    ("comparator_for_unknown_kpi", "kpi_comparators", 2, "kpi", "Crime rate", "is not a KPI in this file"),
    ("commentary_for_unknown_group", "kpi_commentary", 2, "group", "Courts", "is not a KPI group of"),
    ("goal_update_for_missing_goal", "goal_updates", 2, "title", "Unknown goal",
     "is not a goal set for 2022/23 on the goals sheet"),
    ("edi_level_not_in_framework", "edi_assessment", 2, "level", "Excelling",
     "is not a level of the EDI framework"),
    ("unknown_narrative_section", "narrative", 2, "section", "epilogue",
     "is not a section of annual-equality"),
    ("unknown_report", "narrative", 2, "report", "annual-report", "is not one of the allowed values"),
    ("quarter_for_yearly_report", "narrative", 2, "quarter", 2, "is not used by annual-equality"),
    ("no_quarter_for_quarterly_report", "narrative", 3, "quarter", 0, "is needed for performance-update"),
]  # fmt: skip


def cell_cases() -> list[Case]:
    """One bad cell a file, refused with a problem at that cell."""
    return [book_case(name, changed(sheet, row, column, value), expect, at(sheet, row, column))
            for name, sheet, row, column, value, expect in CELLS]  # fmt: skip


def rule_cases() -> list[Case]:
    """Problems between rows and sheets, and in assets."""
    loop = [["Calls", "Loop A", "count", "sum", "Loop B | Calls answered", OUTCOME, "neutral"],
            ["Calls", "Loop B", "count", "sum", "Loop A | Calls answered", OUTCOME, "neutral"]]
    typed = [OUTCOME, "Calls", "Answer rate", "percent", "higher", "2022/23", 1, 90, None, "no", "no"]
    no_outcome = changed("kpi_derived", 2, "strategic_outcome", None)
    no_outcome = changed("kpi_derived", 2, "group", "Elsewhere", no_outcome)
    counts = BASE["services"]["service_counts"]
    key = "service + financial_year + quarter + dimension + category"
    return [
        book_case("duplicate_keys", appended("service_counts", [counts[2]]), "repeats row 3",
                  at("service_counts", 7, key)),
        book_case("kpi_defined_twice_differently", changed("kpi_values", 3, "group", "Confidence"),
                  "is defined differently on an earlier row", at("kpi_values", 3, "kpi")),
        book_case("derived_cycle", appended("kpi_derived", loop), "make the KPI depend on itself",
                  at("kpi_derived", 3, "inputs")),
        book_case("derived_value_typed", appended("kpi_values", [typed]), "is computed from other KPIs",
                  at("kpi_values", 7, "value")),
        book_case("derived_group_without_outcome", no_outcome, "is needed: group 'Elsewhere'",
                  at("kpi_derived", 2, "strategic_outcome")),
        book_case("logo_not_base64", logo("not base64 at all!"), "of 'logo' is not base64 image data",
                  at("assets", 2, "data")),
        book_case("logo_not_an_image", logo("R0lGODlhAQABAAAAACw="), "is not a PNG or JPEG image",
                  at("assets", None, "data")),
        book_case("edi_levels_not_three", setting("edi.levels", "Low|High"), "is not three level names",
                  at("settings", 2, "value")),
        book_case("edi_levels_drop_a_used_level", setting("edi.levels", "One|Two|Three"),
                  "edi.levels drops 'Developing'", at("settings", None, "value")),
    ]  # fmt: skip


def logo(data: str) -> Book:
    return {"assets": [["name", "media_type", "part", "data"], ["logo", "image/png", 1, data]]}


def setting(key: str, value: str) -> Book:
    """A settings sheet of one row. (edi.levels dropping a level is refused only when the
    workbook has assessments at it: the tests import good.xlsx first.)"""
    return {"settings": [["key", "value"], [key, value]]}


def knock_on_case() -> Case:
    """A bad cell reported once: not again by a rule between sheets that reads the blank left."""
    book = changed("leave_events", 2, "snapshot_date", "31/03/2023")
    return Case("leave_snapshot_not_a_date.xlsx", put(xlsx_bytes(book)), "is not a date",
                problems=[{**at("leave_events", 2, "snapshot_date"), "message": "is not a date"}])


def multi_problem_case() -> Case:
    """Six problems on five sheets of four areas: every one must be listed at once."""
    faults = [("service_counts", 2, "count", -1, "is out of range"),
              ("service_counts", 4, "quarter", 7, "is not a quarter"),
              ("kpi_values", 3, "financial_year", "2022", "is not a financial year"),
              ("kpi_derived", 2, "inputs", "Calls answered", "must be a numerator and a denominator"),
              ("goals", 3, "status", "done", "is not one of the allowed values"),
              ("workforce", 4, "ethnicity", "Unknown", "is not one of the allowed values")]
    book = areas("services", "kpis", "goals", "workforce")
    for sheet, row, column, value, _ in faults:
        book = changed(sheet, row, column, value, book)
    problems = [{**at(sheet, row, column), "message": message} for sheet, row, column, _, message in faults]
    return Case("many_problems_at_once.xlsx", put(xlsx_bytes(book)), "6 problems", problems=problems)


def cases() -> list[Case]:
    return [*zip_cases(), *xml_cases(), *file_cases(), *range_cases(), *csv_file_cases(), *control_cases(),
            *layout_cases(), *cell_cases(), *rule_cases(), knock_on_case(), multi_problem_case()]  # fmt: skip


def clear(out: Path) -> None:
    """Empty ``out`` when it holds a previous run (it has a manifest), refuse anything else."""
    if out.exists() and any(out.iterdir()):
        if not (out / "manifest.json").is_file():
            raise SystemExit(f"{out} is not empty and holds no manifest.json: not overwriting it")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def main(out: Path) -> int:
    clear(out)
    manifest = {}
    for case in cases():
        target = out / case.path
        target.parent.mkdir(parents=True, exist_ok=True)
        case.write(target)
        manifest[case.path] = case.manifest()
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True, default=str) + "\n")
    bad = sum(1 for entry_ in manifest.values() if entry_["expect"] is not None)
    print(f"{len(manifest)} files in {out}: {bad} to refuse, {len(manifest) - bad} controls")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "bad"))
