"""A document's numbered tables and chart data, and the accessible spreadsheet of them.

Both document classes record a :class:`DataTable` for every numbered table and chart as they
are built (``document.data_tables``); :func:`spreadsheet_bytes` writes them as the Government
Analysis Function's "Releasing statistics in spreadsheets" asks: a Cover, Contents and Notes
sheet, then one table per sheet, its title in A1 and the table a real Excel table with a
header row; no merged cells, no blank cells; figures stored as numbers in the format the
report prints them; the report's shorthand ("*", "-", "n/a") kept as text and explained on
the cover.

Every figure is read from the text the report prints, never from the number behind it, so the
spreadsheet cannot say more (or more precisely) than the PDF: a chart's 12.34 printed "12.3%"
is stored as 0.123.

openpyxl is imported inside the functions that write: it takes ~0.2 s to import, and every
document build records its tables here while only some exports write a spreadsheet.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol

from ..figures.charts import ChartSpec
from ..figures.disclosure import Policy, symbol_sentence
from ..figures.formatting import CellState
from .cells import cell_text

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["DataTable", "chart_data", "figure", "flat_header", "spreadsheet_bytes", "table_data"]

Kind = Literal["Table", "Figure"]
SAVED = datetime(2000, 1, 1)  # the workbook's created and modified dates: same data, same bytes
NOT_SHOWN = "[x]"  # what a cell the report leaves blank holds (the guidance: no blank cells)
WIDEST = 60  # characters: longer text wraps

# A figure as printed: "1,234", "-3", "+1.5" (a change), "12.3%", "0.0%", "5.25"; anything
# else is text.
_FIGURE = re.compile(r"^([-+\u2212]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%?)$")

# The shorthand of the house's symbols and the Analysis Function's (see figures.formatting), in
# the order the cover explains it; a marker follows a figure ("12.3% (p)").
_MEANINGS = {
    "-": "not collected, or no figure recorded",
    NOT_SHOWN: "not available (or a period still to come, left blank in the report)",
    "n/a": "not applicable (for example a percentage of nobody)",
    "[z]": "not applicable (for example a percentage of nobody)",
    "Measurement under development": "there is no figure yet",
    "(p)": "provisional: the figure may still change",
    "[p]": "provisional: the figure may still change",
    "(r)": "revised since it was first published",
    "[r]": "revised since it was first published",
}
_MARKERS = ("(p)", "(r)", "[p]", "[r]")
_BRACKETED = re.compile(r"^\[\w+\]$")  # the Analysis Function's shorthand: "[c]", "[x]"


@dataclass(frozen=True)
class DataTable:
    """One numbered table, or the data of one chart, as the document printed it. ``rows``
    holds the cells as given to the document: text, ints or ``figures.Cell`` objects."""

    kind: Kind
    number: int
    caption: str  # as printed: "Table 3: Divert participants"
    header: tuple[str, ...]  # one per column; grouped headings flattened ("Male: number")
    rows: tuple[tuple[Any, ...], ...]
    footnote: str = ""
    source: str = ""

    @property
    def sheet(self) -> str:
        return f"{self.kind}_{self.number}"


def flat_header(header: Sequence[object], groups: Sequence[tuple[str, int]] | None = None) -> tuple[str, ...]:
    """One heading per column: ("Male", 2) over "Number", "%" gives "Male: number", "Male: %";
    a blank group leaves its headings alone."""
    labels = [str(h) for h in header]
    if not groups:
        return tuple(labels)
    spanned = [label for label, span in groups for _ in range(span)]
    return tuple(f"{group}: {_lower_first(label)}" if group else label for group, label in zip(spanned, labels))


def _lower_first(text: str) -> str:
    """"Number" -> "number"; "Q1" and "EDI" keep their capitals."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def table_data(number: int, caption: str, header: Sequence[object], rows: Sequence[Sequence[Any]], *,
               groups: Sequence[tuple[str, int]] | None = None, footnote: str = "",
               source: str = "") -> DataTable:  # fmt: skip
    """Table ``number`` as recorded by a document's ``table``."""
    return DataTable("Table", number, f"Table {number}: {caption}", flat_header(header, groups),
                     tuple(tuple(row) for row in rows), footnote, source)


def chart_data(number: int, caption: str, spec: ChartSpec, *, source: str = "") -> DataTable:
    """The data of Figure ``number``: its data table, every value as the chart prints it."""
    header, rows = spec.as_table()
    return DataTable("Figure", number, f"Figure {number}: {caption}", header, rows, source=source)


# -- cells ---------------------------------------------------------------------------------------


def figure(text: str) -> tuple[int | Decimal, str] | None:
    """A printed figure as (number, Excel number format showing it as printed), or None for
    text: "1,234" -> (1234, "#,##0"); "12.3%" -> (0.123, "#,##0.0%"); "+2" -> (2, "+#,##0;-#,##0;0")."""
    match = _FIGURE.match(text.strip())
    if match is None:
        return None
    sign, whole, decimals, percent = match.groups()
    number = Decimal(f"{'' if sign in ('', '+') else '-'}{whole.replace(',', '')}.{decimals or '0'}")
    shape = "#,##0" + (f".{'0' * len(decimals)}" if decimals else "") + percent
    if sign == "+":  # a change prints its sign either way
        shape = f"+{shape};-{shape};{shape.replace('#,##', '')}"
    if percent:
        return number / 100, shape
    return (number if decimals else int(number)), shape


def _symbolic(value: object, text: str) -> bool:
    """True for a marker, whatever its column: a suppressed cell, "*", "-", "n/a", "[c]"."""
    suppressed = getattr(value, "state", None) is CellState.SUPPRESSED
    return (suppressed or text in _MEANINGS or _BRACKETED.match(text) is not None
            or not any(ch.isalnum() for ch in text))  # fmt: skip


def _shorthand(value: object, text: str, policy: Policy | None) -> tuple[str, str]:
    """(symbol, what it means) for a cell that stands where a figure would."""
    key = next((m for m in _MARKERS if text.endswith(f" {m}")), text or NOT_SHOWN)
    if policy is not None and key == policy.symbol and symbol_sentence(policy):
        return key, symbol_sentence(policy).rstrip(".")
    if key in _MEANINGS:
        return key, f'"{key}" means {_MEANINGS[key]}'
    if getattr(value, "state", None) is CellState.SUPPRESSED:
        return key, f'"{key}" marks a figure hidden to protect the people it describes'
    return key, f'"{key}" is explained in the report'


# -- the workbook ----------------------------------------------------------------------------------


class _Document(Protocol):
    data_tables: Sequence[DataTable]


def spreadsheet_bytes(document: _Document, *, title: str, period: str, office: str, published: str = "",
                      contact: str = "") -> bytes:  # fmt: skip
    """The accessible spreadsheet of ``document``'s tables and chart data (.xlsx bytes; the
    same document gives the same bytes)."""
    from openpyxl import Workbook

    tables = list(document.data_tables)
    notes = _note_numbers(tables)
    book = Workbook()
    props = book.properties
    props.title, props.creator, props.language = title, office, "en-GB"
    props.created = props.modified = SAVED
    policy = getattr(getattr(document, "disclosure_plan", None), "policy", None)
    used: dict[str, str] = {}
    for table in tables:
        used |= _table_sheet(book, table, notes, policy)
    sources = list(dict.fromkeys(t.source for t in tables if t.source)) or [office]
    _cover(book.active, title, len(tables), [
        ("Period covered", period), ("Published by", office), ("Publication date", published),
        ("Source", "; ".join(sources)), ("Contact", contact),
        ("Symbols", _symbol_sentences(used)),
        ("Notes", "Notes referred to in table titles, as [note 1], are on the Notes sheet." if notes else ""),
    ])
    _contents(book.create_sheet("Contents", 1), tables)
    _notes(book.create_sheet("Notes", 2), notes)
    return _save(book)


def _note_numbers(tables: Iterable[DataTable]) -> dict[str, int]:
    """Each distinct footnote and its note number, in order of first use."""
    notes: dict[str, int] = {}
    for table in tables:
        if table.footnote and table.footnote not in notes:
            notes[table.footnote] = len(notes) + 1
    return notes


def _plain(text: str) -> str:
    """The officers' inline markup without its ``**`` bold marks."""
    return text.replace("**", "")


def _symbol_sentences(used: dict[str, str]) -> str:
    """The cover's sentence on the shorthand ``used`` (symbol: meaning), known symbols first."""
    order = list(_MEANINGS)
    keys = sorted(used, key=lambda k: (order.index(k) if k in order else len(order), k))
    if not keys:
        return "No symbols are used: every cell holds a figure or text."
    return "Some cells hold a symbol instead of a figure: " + "; ".join(used[k] for k in keys) + "."


def _title_rows(sheet: Worksheet, lines: Sequence[str]) -> int:
    """The sheet's title in A1 and its explanation lines below; returns the next free row."""
    sheet["A1"] = lines[0]
    sheet["A1"].style = "Headline 1"
    for row, line in enumerate(lines[1:], start=2):
        sheet.cell(row, 1, line)
    return len(lines) + 1


def _cover(sheet: Worksheet, title: str, count: int, entries: Sequence[tuple[str, str]]) -> None:
    """The title, what the workbook holds, then each entry given as a heading and its text."""
    from openpyxl.styles import Alignment

    sheet.title = "Cover"
    tables = f"{count} table{'s' if count != 1 else ''}"
    about = f"The figures of the report's tables and charts: {tables}, one per sheet, listed on the Contents sheet."
    row = _title_rows(sheet, [title, about])
    for label, text in entries:
        if not text:
            continue
        sheet.cell(row, 1, label).style = "Headline 2"
        sheet.cell(row + 1, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
        row += 2
    sheet.column_dimensions["A"].width = 100


def _contents(sheet: Worksheet, tables: Sequence[DataTable]) -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    about = "This worksheet contains one table. Select a sheet name to go to that table."
    top = _title_rows(sheet, ["Contents", about])
    rows = [[t.sheet, t.caption] for t in tables]
    _excel_table(sheet, top, ["Sheet name", "Table title"], [[(v, None) for v in r] for r in rows], "Contents_list")
    for offset, table in enumerate(tables, start=1):
        cell = sheet.cell(top + offset, 1)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{table.sheet}'!A1", display=table.sheet)
        cell.style = "Hyperlink"


def _notes(sheet: Worksheet, notes: dict[str, int]) -> None:
    if not notes:
        _title_rows(sheet, ["Notes", "There are no notes for these tables."])
        return
    about = "This worksheet contains one table. Each note is referred to in the titles of the tables it applies to."
    top = _title_rows(sheet, ["Notes", about])
    rows = [[(f"[note {n}]", None), (_plain(text), None)] for text, n in notes.items()]
    _excel_table(sheet, top, ["Note number", "Note text"], rows, "Notes_list")


def _table_sheet(book: Workbook, table: DataTable, notes: dict[str, int], policy: Policy | None) -> dict[str, str]:
    """One table's sheet; returns the shorthand its cells hold, and what each means."""
    sheet = book.create_sheet(table.sheet)
    cells, shorthand = _cells(table, policy)
    title = table.caption + (f" [note {notes[table.footnote]}]" if table.footnote else "")
    about = "This worksheet contains one table."
    if shorthand:
        about += " Some cells hold a symbol instead of a figure: the Cover sheet explains them."
    lines = [title, about]
    if table.kind == "Figure":
        lines.append(f"The figures shown in Figure {table.number} of the report.")
    if table.source:
        lines.append(f"Source: {table.source}")
    _excel_table(sheet, _title_rows(sheet, lines), _unique(table.header), cells, f"{table.sheet}_data")
    return shorthand


def _cells(table: DataTable, policy: Policy | None) -> tuple[list[list[tuple[Any, str | None]]], dict[str, str]]:
    """Each cell as (value, number format, or None for text), and the shorthand used. The
    first column names the rows and stays text; elsewhere a printed figure becomes a number,
    and what stands in a column of figures instead of one is shorthand."""
    texts = [[cell_text(value) for value in row] for row in table.rows]
    parsed = [[figure(text) if column else None for column, text in enumerate(row)] for row in texts]
    numeric = {column for row in parsed for column, number in enumerate(row) if number is not None}
    rows: list[list[tuple[Any, str | None]]] = []
    shorthand: dict[str, str] = {}
    for values, row_texts, numbers in zip(table.rows, texts, parsed):
        out: list[tuple[Any, str | None]] = []
        for column, (value, text, number) in enumerate(zip(values, row_texts, numbers)):
            if number is not None:
                out.append(number)
                continue
            if not text or column in numeric or _symbolic(value, text):
                symbol, meaning = _shorthand(value, text, policy)
                shorthand[symbol] = meaning
            out.append((text or NOT_SHOWN, None))
        rows.append(out)
    return rows, shorthand


def _unique(header: Sequence[str]) -> list[str]:
    """Excel table headings must be unique and not blank."""
    seen: dict[str, int] = {}
    result = []
    for index, label in enumerate(header, start=1):
        label = label.strip() or f"Column {index}"
        seen[label] = seen.get(label, 0) + 1
        result.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return result


def _excel_table(sheet: Worksheet, top: int, header: Sequence[str], rows: Sequence[Sequence[tuple[Any, str | None]]],
                 name: str) -> None:  # fmt: skip
    """``header`` and ``rows`` from row ``top`` down, as a named Excel table; text in a column of
    figures is right-aligned with them; columns as wide as their longest text allows."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    numeric = [any(fmt for fmt in (r[c][1] for r in rows)) for c in range(len(header))]
    for column, label in enumerate(header, start=1):
        cell = sheet.cell(top, column, label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="right" if numeric[column - 1] else None)
    for offset, row in enumerate(rows, start=1):
        for column, (value, fmt) in enumerate(row, start=1):
            cell = sheet.cell(top + offset, column, value)
            if fmt:
                cell.number_format = fmt
            elif numeric[column - 1]:
                cell.alignment = Alignment(horizontal="right")
            elif len(str(value)) > WIDEST:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, label in enumerate(header, start=1):
        texts = [label, *(_shown(row[column - 1]) for row in rows)]
        widest = max(len(text) for text in texts)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(widest + 2, 10), WIDEST + 2)
    if rows:
        ref = f"A{top}:{get_column_letter(len(header))}{top + len(rows)}"
        table = Table(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
        sheet.add_table(table)


def _shown(cell: tuple[Any, str | None]) -> str:
    """Roughly what Excel shows for a cell, to size its column."""
    value, fmt = cell
    if fmt and fmt.endswith("%"):
        return f"{value * 100:,.1f}%"
    return f"{value:,}" if fmt else str(value)


def _save(book: Workbook) -> bytes:
    """The .xlsx bytes, every zip entry dated :data:`SAVED` (zip entries carry the time they
    were written; openpyxl's own ``save`` also stamps the modified date with now)."""
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    ExcelWriter(book, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, SAVED.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item.filename))
    return fixed.getvalue()
