"""Fuzzing the importers: whatever a file holds, import either succeeds or raises ImportRefused.

Byte-level: random bytes, and a good xlsx or CSV file with bytes changed, cut short or spliced
(also inside the zip's XML parts, re-zipped so they pass the CRC checks and reach the parser).
Structured: sheets of the exchange workbook with their real columns and generated cells (text,
numbers huge and not finite, dates, formula-like text, blanks) written as xlsx or CSV.

Each test keeps one workbook for all its examples: an example that imports changes it, and the
next example imports over that.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from opcc_desktop.errors import ImportRefused
from opcc_desktop.exchange.importing import import_file
from opcc_desktop.exchange.layout import BY_NAME, SHEETS
from opcc_desktop.store.workbook import Workbook

BAD = Path(__file__).resolve().parent / "data" / "bad"
GOOD_XLSX = (BAD / "good.xlsx").read_bytes()
GOOD_FOLDER = BAD / "good_csv_folder"
GOOD_CSV = (GOOD_FOLDER / "service_counts.csv").read_bytes()
ONE_WORKBOOK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]  # one workbook for all examples
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=ONE_WORKBOOK)
Kind = str | None  # None: the importer recognises the kind
KINDS = st.sampled_from([None, "exchange"])


def attempt(book: Workbook, path: Path, kind: Kind = "exchange") -> None:
    """Import ``path``: success and ImportRefused are the only allowed outcomes."""
    try:
        import_file(book, path, kind=kind)
    except ImportRefused:
        pass


# -- byte-level ------------------------------------------------------------------------------
SNIPPETS = [b"<!DOCTYPE x>", b"&amp;", b"&#0;", b"]]>", b"<f>1+1</f>", b' t="s"', b' t="e"', b' t="d"',
            b' r="XFD1048576"', b"<v>99999999</v>", b"<v>1e400</v>", b"<v>nan</v>", b'"";=1+1,', b"\r\n\r\n",
            b'"', b"\xef\xbb\xbf", b"\xff\xfe", "\u00e9\u20ac\U0001f600".encode(), b",,,,,,,,",
            b'<c r="A1"><v>1</v></c>']  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes changed, a slice spliced in or taken out, maybe cut short."""
    out = bytearray(data)
    for _ in range(draw(st.integers(0, 6))):
        out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        start = draw(st.integers(0, len(out)))
        out[start:start] = draw(st.binary(max_size=64) | st.sampled_from(SNIPPETS))
    if draw(st.booleans()):
        start = draw(st.integers(0, len(out)))
        del out[start : start + draw(st.integers(0, 256))]
    if draw(st.booleans()):
        out = out[: draw(st.integers(0, len(out)))]
    return bytes(out)


def xlsx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


GOOD_PARTS = xlsx_parts(GOOD_XLSX)


@st.composite
def mutated_parts(draw: st.DrawFn) -> bytes:
    """The good xlsx with one XML part mutated, zipped again (so CRCs and sizes are true)."""
    parts = dict(GOOD_PARTS)
    name = draw(st.sampled_from(sorted(parts)))
    parts[name] = draw(mutated(parts[name]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return buffer.getvalue()


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".xlsx", ".csv"]), kind=KINDS)
def test_random_bytes_are_refused(wb: Workbook, tmp_path: Path, data: bytes, suffix: str, kind: Kind) -> None:
    path = tmp_path / f"service_counts{suffix}"
    path.write_bytes(data)
    with pytest.raises(ImportRefused):
        import_file(wb, path, kind=kind)


@FUZZ
@given(data=mutated(GOOD_XLSX) | mutated_parts(), kind=KINDS)
def test_a_damaged_xlsx_imports_or_is_refused(wb: Workbook, tmp_path: Path, data: bytes, kind: Kind) -> None:
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(data)
    attempt(wb, path, kind)


@FUZZ
@given(data=mutated(GOOD_CSV), kind=KINDS)
def test_a_damaged_csv_imports_or_is_refused(wb: Workbook, tmp_path: Path, data: bytes, kind: Kind) -> None:
    path = tmp_path / "service_counts.csv"
    path.write_bytes(data)
    attempt(wb, path, kind)


# -- structured ------------------------------------------------------------------------------
def plausible_values() -> dict[str, list[str]]:
    """Column name -> the values the good files hold in it, so rows often get deep into checks."""
    found: dict[str, set[str]] = {}
    for path in sorted(GOOD_FOLDER.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                for column, value in row.items():
                    found.setdefault(column, set()).add(value)
    return {column: sorted(values) for column, values in found.items()}


PLAUSIBLE = plausible_values()
# Characters openpyxl refuses in a cell (XML 1.0 forbids them), and UTF-16 surrogates.
ILLEGAL = [chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32))]
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters=ILLEGAL), max_size=40)
TRICKY = st.sampled_from(["=1+1", "=SUM(A1:A3)", "+44 1642", "-5", "@SUM(A1)", "'=quoted", "\t=tab",
                          "1e400", "nan", "-inf", "1,000", "0x10", "2021/22", "2021-22", "31/02/2022", "TRUE",
                          " ", "Yes", "S001", "John Smith", "x" * 300, "\u01c4\u0308\u202e"])  # fmt: skip
NUMBERS = st.integers(-(2**70), 2**70) | st.floats() | st.sampled_from([0, -1, 0.5, 1e15, 2**63, 1e308, -0.0])
DATES = st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)) | st.datetimes(dt.datetime(1900, 3, 1))


def cells(column: str) -> st.SearchStrategy[Any]:
    """Mostly a value the column holds in a good file, so that whole rows are often valid."""
    generic = st.none() | TEXT | TRICKY | NUMBERS | DATES | st.booleans()
    if column not in PLAUSIBLE:
        return generic
    good = st.sampled_from(PLAUSIBLE[column])
    return st.one_of(good, good, good, good, generic)


@st.composite
def sheet(draw: st.DrawFn, name: str) -> list[list[Any]]:
    """A header (the sheet's columns, sometimes one left out, doubled or renamed) and rows."""
    columns = list(BY_NAME[name].columns)
    change = draw(st.sampled_from(["none"] * 7 + ["drop", "double", "rename"]))
    position = draw(st.integers(0, len(columns) - 1))
    if change == "drop":
        del columns[position]
    elif change == "double":
        columns.append(columns[position])
    elif change == "rename":
        columns[position] = draw(TEXT)
    rows = draw(st.lists(st.tuples(*[cells(c) for c in columns]).map(list), max_size=6))
    return [columns, *rows]


@st.composite
def books(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    """One to three exchange sheets, mostly of one area so the rules between sheets run."""
    first = draw(st.sampled_from(SHEETS))
    related = [s.name for s in SHEETS if s.area == first.area] + [draw(st.sampled_from(SHEETS)).name]
    names = draw(st.lists(st.sampled_from(related), max_size=2, unique=True))
    return {name: draw(sheet(name)) for name in dict.fromkeys([first.name, *names])}


def write_xlsx(book: dict[str, list[list[Any]]], path: Path) -> None:
    sheets = openpyxl.Workbook()
    sheets.remove(sheets.active)
    for name, grid in book.items():
        page = sheets.create_sheet(name)
        for row in grid:
            page.append(row)
    sheets.save(path)


def write_csv_folder(book: dict[str, list[list[Any]]], folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name, grid in book.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([["" if v is None else str(v) for v in row] for row in grid])


@FUZZ
@given(book=books(), form=st.sampled_from(["xlsx", "csv"]))
def test_generated_sheets_import_or_are_refused(wb: Workbook, tmp_path: Path, book: dict, form: str) -> None:
    path = tmp_path / ("fuzz.xlsx" if form == "xlsx" else "fuzz")
    if form == "xlsx":
        write_xlsx(book, path)
    else:
        write_csv_folder(book, path)
    attempt(wb, path)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(count=st.integers(2**63, 10**30) | st.sampled_from(["1e20", "99999999999999999999", "1e300"]))
@example(count="1e20")
def test_a_huge_count_is_refused(wb: Workbook, tmp_path: Path, count: Any) -> None:
    path = tmp_path / "service_counts.csv"
    path.write_text(f"service,financial_year,quarter,dimension,category,count\nA,2022/23,1,age,18-24,{count}\n")
    with pytest.raises(ImportRefused):
        import_file(wb, path, kind="exchange")
