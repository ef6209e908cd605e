"""The accessible HTML edition: semantic structure, real tables, charts as labelled SVG."""

from __future__ import annotations

from html.parser import HTMLParser

from opcc_desktop.documents.html_document import HtmlDocument
from opcc_desktop.figures.charts import ChartSpec, Series
from opcc_desktop.figures.formatting import Cell


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def sample() -> HtmlDocument:
    doc = HtmlDocument("Annual Equality Monitoring Report", office="Test OPCC", period="2021-2022")
    doc.section("Introduction")
    doc.paragraphs("We publish **equality** data.\n\n- one <script>alert(1)</script>\n- two & three")
    doc.section("Victims and Criminal Justice Services")
    doc.subsection("Service-user profile")
    spec = ChartSpec("bar", "Age", ("18-24", "25-34"), (Series.from_cells("Share", [Cell.number(12.5, "percent"), Cell.suppressed("*", "percent")]),), unit="percent")
    doc.chart("2021-2022 Service User Age Breakdown", spec)
    doc.table("Divert participants", ("Category", "Male", "Female"), [("18-21", "12.0%", "*")],
              groups=[("", 1), ("2021/22", 2)])
    return doc


def parsed(doc: HtmlDocument) -> Tags:
    tags = Tags()
    tags.feed(doc.to_bytes().decode("utf-8"))
    return tags


def test_document_language_title_and_numbered_headings() -> None:
    tags = parsed(sample())
    assert ("html", {"lang": "en-GB"}) in tags.tags
    headings = [t for t, _ in tags.tags if t in ("h1", "h2", "h3")]
    assert headings[0] == "h1"
    text = "".join(tags.text)
    assert "1 Introduction" in text and "2.1 Service-user profile" in text
    assert "Figure 1: 2021-2022 Service User Age Breakdown" in text
    assert "Table 1: Divert participants" in text


def test_tables_have_header_cells_and_charts_a_text_alternative() -> None:
    tags = parsed(sample())
    scopes = [attrs.get("scope") for tag, attrs in tags.tags if tag == "th"]
    assert "col" in scopes and "row" in scopes and "colgroup" in scopes
    svg = [attrs for tag, attrs in tags.tags if tag == "svg"]
    assert svg and svg[0]["role"] == "img" and "Age" in (svg[0]["aria-label"] or "")
    assert any(tag == "desc" for tag, _ in tags.tags)


def test_user_text_is_escaped_and_nothing_is_fetched() -> None:
    html = sample().to_bytes().decode("utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "two &amp; three" in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html


def test_same_input_gives_identical_bytes() -> None:
    assert sample().to_bytes() == sample().to_bytes()
