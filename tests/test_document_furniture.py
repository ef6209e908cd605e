"""Release furniture in both editions: the DRAFT mark, the cover's publication and next update
dates, each table's and chart's source line, and the tables' spreadsheet carried inside the
PDF (read back with pypdf, checked with qpdf) and linked from the HTML."""

from __future__ import annotations

import io
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from opcc_desktop.documents.data_tables import spreadsheet_bytes
from opcc_desktop.documents.html_document import HtmlDocument
from opcc_desktop.documents.pdf import ReportDocument
from opcc_desktop.figures.charts import ChartSpec, Series

TITLE = "Quarterly Performance Update"
OFFICE = "Office of the Police and Crime Commissioner for Anyshire"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPEC = ChartSpec("bar", "Referrals", ("Q1", "Q2", "Q3"), (Series("Referrals", (120, 95, 143)),))


def build(document: type, **options: object) -> ReportDocument | HtmlDocument:
    """A document long enough for several pages, with a sourced table and chart."""
    doc = document(TITLE, office=OFFICE, period="Quarter 2 2022/23", **options)
    doc.section("Introduction")
    doc.paragraphs("The figures below are for the first half of the year.")
    doc.table("Referrals by service", ["Service", "Referrals"],
              [[f"Service {i}", f"{i * 37 % 400 + 20:,}"] for i in range(1, 70)],
              footnote="Services with no referrals are left out.", source="Providers' quarterly returns")  # fmt: skip
    doc.section("Demand")
    doc.chart("Referrals by quarter", SPEC, source="Victim Care Hub case records")
    return doc


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text as poppler's pdftotext reads it."""
    count = len(PdfReader(io.BytesIO(data)).pages)
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-", "-"], input=data, capture_output=True,
                           check=True).stdout.decode() for n in range(1, count + 1)]  # fmt: skip


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def draft() -> bytes:
    return build(ReportDocument, draft=True).to_bytes()


@pytest.fixture(scope="module")
def final() -> bytes:
    return build(ReportDocument, published="7 December 2026", next_update="8 March 2027").to_bytes()


@needs_poppler
def test_a_draft_is_marked_on_every_page_the_cover_included(draft: bytes) -> None:
    pages = pdf_pages(draft)
    assert len(pages) >= 4
    assert all("DRAFT" in page for page in pages)
    assert all("DRAFT \u2013 " + TITLE in page for page in pages[1:])  # the running header
    assert PdfReader(io.BytesIO(draft)).metadata.title == f"DRAFT \u2013 {TITLE}"


@needs_poppler
def test_a_final_document_carries_no_draft_mark(final: bytes) -> None:
    assert not any("DRAFT" in page for page in pdf_pages(final))
    assert PdfReader(io.BytesIO(final)).metadata.title == TITLE


def test_the_cover_prints_the_publication_and_next_update_dates(final: bytes, draft: bytes) -> None:
    with pdfplumber.open(io.BytesIO(final)) as pdf:
        cover = pdf.pages[0].extract_text()
    assert "Published: 7 December 2026" in cover and "Next update: 8 March 2027" in cover
    with pdfplumber.open(io.BytesIO(draft)) as pdf:
        cover = pdf.pages[0].extract_text()
    assert "Published:" not in cover and "Next update:" not in cover


def test_the_source_line_is_printed_under_its_table_and_chart(final: bytes) -> None:
    with pdfplumber.open(io.BytesIO(final)) as pdf:
        lines = [line["text"] for page in pdf.pages for line in page.extract_text_lines()]
    table_source = lines.index("Source: Providers' quarterly returns")
    assert lines[table_source - 1] == "Services with no referrals are left out."  # after the footnote
    assert lines[table_source - 2].startswith("Service 69 ")  # the table's last row
    chart_source = lines.index("Source: Victim Care Hub case records")
    assert lines.index("Figure 1: Referrals by quarter") < lines.index("Q3 143") < chart_source  # under its data
    assert [t.source for t in build(ReportDocument).data_tables] == [
        "Providers' quarterly returns", "Victim Care Hub case records"]  # fmt: skip


def attached() -> tuple[bytes, bytes]:
    doc = build(ReportDocument, draft=True)
    sheet = spreadsheet_bytes(doc, title=TITLE, period=doc.period, office=OFFICE)
    doc.attach("performance-update-tables.xlsx", sheet, "The document's tables as a spreadsheet")
    return doc.to_bytes(), sheet


def test_the_pdf_carries_the_spreadsheet_as_an_embedded_file() -> None:
    data, sheet = attached()
    reader = PdfReader(io.BytesIO(data))
    assert reader.attachments == {"performance-update-tables.xlsx": [sheet]}
    root = reader.trailer["/Root"]
    (spec,) = [ref.get_object() for ref in root["/AF"]]  # associated with the document
    assert spec["/UF"] == "performance-update-tables.xlsx" and spec["/AFRelationship"] == "/Data"
    assert spec["/Desc"] == "The document's tables as a spreadsheet"
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/" + XLSX
    assert attached()[0] == data  # the same document and file: the same bytes


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_qpdf_finds_no_errors_in_a_pdf_with_an_attachment(tmp_path: Path) -> None:
    path = tmp_path / "attached.pdf"
    path.write_bytes(attached()[0])
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_html_edition_shows_a_draft_banner_and_titles_itself_a_draft() -> None:
    html = build(HtmlDocument, draft=True).html()
    assert f"<title>DRAFT \u2013 {TITLE} - Quarter 2 2022/23</title>" in html
    banner = html.index('class="draft"')
    assert banner < html.index("<header>") and "DRAFT" in html[banner:html.index("</p>", banner)]
    final = build(HtmlDocument).html()
    assert "DRAFT" not in final and "<title>" + TITLE in final


def test_the_html_edition_prints_dates_sources_and_links_the_spreadsheet() -> None:
    doc = build(HtmlDocument, published="7 December 2026", next_update="8 March 2027")
    doc.link_data("performance-update-tables.xlsx", "Download the tables as a spreadsheet (XLSX)")
    html = doc.html()
    text = "".join(Page(html).text)
    assert "Published: 7 December 2026" in text and "Next update: 8 March 2027" in text
    assert "Source: Providers' quarterly returns" in text and "Source: Victim Care Hub case records" in text
    links = [attrs["href"] for tag, attrs in Page(html).tags if tag == "a"]
    assert "performance-update-tables.xlsx" in links
    assert html.index("</nav>") < html.index("performance-update-tables.xlsx") < html.index('id="section-1"')
