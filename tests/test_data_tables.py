"""The accessible spreadsheet of a document's tables: the real annual report built from the demo
workbook, its spreadsheet read back with openpyxl and held against what the PDF prints
(pdfplumber), as the Analysis Function's "Releasing statistics in spreadsheets" asks."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from conftest import DEMO_PASSPHRASE
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.workbook.workbook import Workbook as Book

from opcc_desktop.documents import annual_equality
from opcc_desktop.documents.cells import cell_text as printed
from opcc_desktop.documents.data_tables import DataTable, figure, flat_header, spreadsheet_bytes
from opcc_desktop.documents.html_document import HtmlDocument
from opcc_desktop.documents.pdf import ReportDocument
from opcc_desktop.figures.charts import ChartSpec, Series
from opcc_desktop.figures.formatting import Cell
from opcc_desktop.store.workbook import Workbook

YEAR = "2021/22"
PUBLISHED = "7 December 2022"
CONTACT = "equality@example.org"


@pytest.fixture(scope="module")
def report(demo_path: Path) -> dict:
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as wb:
        doc = annual_equality.build(wb, YEAR)
    data = spreadsheet_bytes(doc, title=doc.title, period=doc.subtitle, office=doc.office,
                             published=PUBLISHED, contact=CONTACT)  # fmt: skip
    return {"doc": doc, "xlsx": data, "book": load_workbook(io.BytesIO(data)), "pdf": doc.to_bytes()}


def shown(cell: SheetCell) -> str:
    """What Excel shows for a cell, from its value and number format (as a reader sees it)."""
    value, fmt = cell.value, cell.number_format
    if isinstance(value, str):
        return value
    places = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
    if fmt.endswith("%"):
        return f"{value * 100:,.{places}f}%"
    return f"{value:,.{places}f}"


def table_rows(book: Book, table: DataTable) -> list[list[SheetCell]]:
    """The cells of the sheet's Excel table, header row first."""
    sheet = book[table.sheet]
    (excel,) = sheet.tables.values()
    return [list(row) for row in sheet[excel.ref]]


def test_cover_contents_and_notes_then_one_sheet_per_table_and_chart(report: dict) -> None:
    book, doc = report["book"], report["doc"]
    tables = doc.data_tables
    assert {t.kind for t in tables} == {"Table", "Figure"} and len(tables) > 10
    assert book.sheetnames == ["Cover", "Contents", "Notes", *[t.sheet for t in tables]]
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert book.properties.title == doc.title
    cover = [c.value for c in book["Cover"]["A"] if c.value]
    assert cover[0] == doc.title
    for label, text in [("Period covered", doc.subtitle), ("Published by", doc.office),
                        ("Publication date", PUBLISHED), ("Contact", CONTACT)]:  # fmt: skip
        assert cover[cover.index(label) + 1] == text
    symbols = cover[cover.index("Symbols") + 1]
    assert '"*" marks a count of fewer than' in symbols  # the demo's policy hides small counts


def test_contents_links_every_table_sheet(report: dict) -> None:
    sheet, tables = report["book"]["Contents"], report["doc"].data_tables
    assert sheet["A1"].value == "Contents"
    (excel,) = sheet.tables.values()
    header, *rows = [list(row) for row in sheet[excel.ref]]
    assert [c.value for c in header] == ["Sheet name", "Table title"]
    assert [[c.value for c in row] for row in rows] == [[t.sheet, t.caption] for t in tables]
    assert [row[0].hyperlink.location for row in rows] == [f"'{t.sheet}'!A1" for t in tables]


def test_each_table_sheet_is_one_excel_table_under_its_title_and_nothing_is_merged(report: dict) -> None:
    book, tables = report["book"], report["doc"].data_tables
    names = []
    for sheet in book.worksheets:
        assert not sheet.merged_cells.ranges, sheet.title
        names += list(sheet.tables)
    assert len(names) == len(set(names)) == len(tables) + 1 + len(book["Notes"].tables)  # and the contents
    for table in tables:
        sheet = book[table.sheet]
        assert sheet["A1"].value == table.caption and isinstance(sheet["A1"].value, str)
        header, *rows = table_rows(book, table)
        assert [c.value for c in header] == list(table.header)
        assert len(rows) == len(table.rows)
        assert all(c.value not in (None, "") for row in rows for c in row), table.sheet  # no blank cells
        (excel,) = sheet.tables.values()
        assert excel.headerRowCount in (None, 1)


def test_figures_are_numbers_shown_as_the_document_prints_them(report: dict) -> None:
    book, tables = report["book"], report["doc"].data_tables
    numbers = 0
    for table in tables:
        _, *rows = table_rows(book, table)
        for cells, values in zip(rows, table.rows):
            assert [shown(c) for c in cells] == [printed(v) or "[x]" for v in values], table.sheet
            for column, cell in enumerate(cells):
                if column and figure(printed(values[column])):
                    assert isinstance(cell.value, int | float), (table.sheet, cell.value)
                    numbers += 1
    assert numbers > 100


def test_a_table_in_the_spreadsheet_reads_as_the_pdf_prints_it(report: dict) -> None:
    """Table 1 (a scheme's breakdown) read back from the PDF with pdfplumber, row by row."""
    table = next(t for t in report["doc"].data_tables if t.sheet == "Table_1")
    header, *rows = table_rows(report["book"], table)
    with pdfplumber.open(io.BytesIO(report["pdf"])) as pdf:
        page = next(p for p in pdf.pages if table.caption in (p.extract_text() or ""))
        (read,) = [t for t in page.extract_tables() if t and t[0][0].startswith(header[0].value)]
    expected = [" ".join(shown(c) for c in row) for row in [header, *rows]]
    assert [row[0] for row in read] == expected


def test_same_document_gives_the_same_bytes(report: dict) -> None:
    doc = report["doc"]
    again = spreadsheet_bytes(doc, title=doc.title, period=doc.subtitle, office=doc.office,
                              published=PUBLISHED, contact=CONTACT)  # fmt: skip
    assert again == report["xlsx"]
    assert report["book"].properties.created == report["book"].properties.modified


def small(document: type) -> ReportDocument | HtmlDocument:
    doc = document("Performance update", office="Test OPCC", period="Quarter 1 2022/23")
    doc.section("Figures")
    doc.table("Participants by gender", ["Category", "Number", "%", "Number", "%"],
              [["18-24", Cell.number(12), Cell.number(12.5, "percent"), Cell.suppressed("*"),
                Cell.suppressed("*", "percent")],
               ["Total", 1234, "100.0%", Cell.not_collected(), Cell.not_applicable("percent")]],
              groups=[("", 1), ("Male", 2), ("All", 2)], footnote="Percentages are **of** each column's total.",
              source="Scheme returns")  # fmt: skip
    doc.table("Referrals", ["Quarter", "Referrals"], [["Q1", "1,009"], ["Q2", ""]],
              footnote="Percentages are **of** each column's total.")
    doc.chart("Age", ChartSpec("bar", "Age", ("18-24", "25-34"), (Series("Share", (12.34, None)),),
                               unit="percent"), source="Monitoring returns")  # fmt: skip
    doc.table("Goals", ["Goal", "Status"], [["Training", "Achieved"]], footnote="Set in 2021.")
    return doc


def test_both_document_classes_record_the_same_tables() -> None:
    pdf, html = small(ReportDocument), small(HtmlDocument)
    assert pdf.data_tables == html.data_tables
    table, _, chart, _ = pdf.data_tables
    assert table.caption == "Table 1: Participants by gender" and table.source == "Scheme returns"
    assert table.header == ("Category", "Male: number", "Male: %", "All: number", "All: %")
    assert chart.caption == "Figure 1: Age" and chart.rows == (("18-24", "12.3%"), ("25-34", "-"))


def test_footnotes_are_numbered_notes_named_in_the_titles() -> None:
    doc = small(ReportDocument)
    book = load_workbook(io.BytesIO(spreadsheet_bytes(doc, title=doc.title, period=doc.period, office=doc.office)))
    (notes,) = book["Notes"].tables.values()
    assert [[c.value for c in row] for row in book["Notes"][notes.ref]] == [
        ["Note number", "Note text"], ["[note 1]", "Percentages are of each column's total."],
        ["[note 2]", "Set in 2021."]]  # fmt: skip
    assert book["Table_1"]["A1"].value == "Table 1: Participants by gender [note 1]"
    assert book["Table_2"]["A1"].value == "Table 2: Referrals [note 1]"
    assert book["Table_3"]["A1"].value == "Table 3: Goals [note 2]"
    assert book["Figure_1"]["A1"].value == "Figure 1: Age"
    assert "Source: Scheme returns" in [c.value for c in book["Table_1"]["A"]]
    _, first, total = [[c.value for c in row] for row in book["Table_1"][book["Table_1"].tables["Table_1_data"].ref]]
    assert first == ["18-24", 12, 0.125, "*", "*"] and total == ["Total", 1234, 1, "-", "n/a"]
    assert book["Table_1"]["C5"].number_format == "#,##0.0%"
    cover = [c.value for c in book["Cover"]["A"] if c.value]
    symbols = cover[cover.index("Symbols") + 1]
    for symbol in ('"-" means', '"n/a" means', '"[x]" means', '"*" marks a figure hidden'):
        assert symbol in symbols
    assert cover[cover.index("Source") + 1] == "Scheme returns; Monitoring returns"


def test_headings_flatten_and_printed_figures_parse() -> None:
    assert flat_header(["Goal", "Number", "%", "Q1"], [("", 1), ("Male", 2), ("2021/22", 1)]) == (
        "Goal", "Male: number", "Male: %", "2021/22: Q1")  # fmt: skip
    assert figure("1,234") == (1234, "#,##0")
    assert figure("12.3%") == (Decimal("0.123"), "#,##0.0%")
    assert figure("-4.25") == (Decimal("-4.25"), "#,##0.00")
    assert figure("+2.10") == (Decimal("2.10"), "+#,##0.00;-#,##0.00;0.00")  # a change keeps its sign
    for text in ("*", "-", "n/a", "12.3% (p)", "£1.2m", "2021/22", "1,23", ""):
        assert figure(text) is None
