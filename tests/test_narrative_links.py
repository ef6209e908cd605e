"""Links in narrative text: http, https and mailto become links in the PDF and the HTML
edition; any other scheme (javascript:, data:, file:, ..., however disguised) prints as its
label, and no such target ever reaches either file."""

from __future__ import annotations

import io
import shutil
from html.parser import HTMLParser

import pdfplumber
import pytest
from conftest import DEMO_PASSPHRASE
from pypdf import PdfReader

from opcc_desktop.areas import narrative
from opcc_desktop.documents.export import export_report
from opcc_desktop.documents.html_document import HtmlDocument
from opcc_desktop.documents.pdf import ReportDocument
from opcc_desktop.documents.markup import inline, link_target, parse
from opcc_desktop.store.workbook import Workbook

SAFE = ("https://www.gov.uk/equality?a=1&b=2", "HTTP://example.org/x_(y)", "mailto:equality@example.org")
HOSTILE = (
    "javascript:alert(1)", "JaVaScript:alert(document.domain)", " javascript:alert(2)",
    "java\tscript:alert(3)", "java\x01script:alert(4)", "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)", "file:///etc/passwd", "pdf:other.pdf", "document:top", "#top",
    "//evil.example/x", "javascript&colon;alert(5)", "ftp://example.org/",
)  # fmt: skip
TEXT = "\n\n".join(
    [f"Read [safe {i}]({url})." for i, url in enumerate(SAFE)]
    + [f"Do not follow [hostile {i}]({url}) please." for i, url in enumerate(HOSTILE)]
    + ['Raw tags stay text: <a href="javascript:alert(6)">a</a> <link href="javascript:alert(7)">l</link>',
       "**Bold [link **inside**](https://example.org/b) and** [label](javascript:x)**"]
)  # fmt: skip


def allowed(target: str) -> bool:
    return target.split(":", 1)[0].lower() in ("http", "https", "mailto")


class Targets(HTMLParser):
    """Every attribute that makes a browser go somewhere, and every element id."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.targets += [value or "" for name, value in attrs if name in ("href", "src", "action", "formaction")]
        self.ids |= {value or "" for name, value in attrs if name == "id"}


def html_hrefs(html: str) -> list[str]:
    """The targets that leave the page (a contents link to one of its own headings stays)."""
    parser = Targets()
    parser.feed(html)
    return [t for t in parser.targets if not (t.startswith("#") and t[1:] in parser.ids)]


def pdf_uris(data: bytes) -> list[str]:
    uris = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                uris.append(str(action.get("/URI", action.get("/F", action.get("/S")))))
    return uris


@pytest.mark.parametrize("url", HOSTILE)
def test_only_http_https_and_mailto_are_link_targets(url):
    assert link_target(url) is None
    shown = inline(f"[label]({url})")
    assert "label" in shown and "<a" not in shown  # the label alone, or the text as typed


def test_safe_links_keep_their_target_and_bold_nests():
    assert [link_target(url) for url in SAFE] == list(SAFE)
    assert inline("see [**the** guide](https://a.b/?x=1&y=2)") == \
        'see <a href="https://a.b/?x=1&amp;y=2"><b>the</b> guide</a>'  # fmt: skip
    assert inline("**[x](https://a.b)**") == '<b><a href="https://a.b">x</a></b>'
    assert inline("[x](javascript:alert(1))") == "x"
    assert parse("# See [the guide](https://a.b)")[0].text == "See the guide"


def test_no_hostile_link_reaches_the_pdf():
    doc = ReportDocument("Links", office="Office")
    doc.section("Links")
    doc.paragraphs(TEXT)
    doc.note(TEXT)
    doc.bullets([f"[item]({url})" for url in HOSTILE + SAFE])
    out = io.BytesIO()
    doc.build(out)
    uris = [u for u in pdf_uris(out.getvalue()) if u != "/GoTo"]  # the contents' links
    assert uris and all(allowed(u) for u in uris), uris
    assert {"https://www.gov.uk/equality?a=1&b=2", "mailto:equality@example.org"} <= set(uris)


def test_no_hostile_link_reaches_the_html_edition():
    doc = HtmlDocument("Links", office="Office")
    doc.section("Links")
    doc.paragraphs(TEXT)
    doc.note(TEXT)
    doc.bullets([f"[item]({url})" for url in HOSTILE + SAFE])
    hrefs = html_hrefs(doc.html())
    assert hrefs and all(allowed(h) for h in hrefs), hrefs
    assert "hostile 0" in doc.html() and "https://www.gov.uk/equality?a=1&amp;b=2" in doc.html()


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_a_report_from_hostile_narrative_carries_no_hostile_link(demo_path, tmp_path, fmt):
    copy = tmp_path / "demo.opcc"
    shutil.copy(demo_path, copy)
    out = tmp_path / f"annual.{fmt}"
    with Workbook.open(copy, DEMO_PASSPHRASE) as wb:
        narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction", TEXT.replace("\x01", ""))
        export_report(wb, "annual-equality", "2021/22", None, out, fmt)
    if fmt == "pdf":
        uris = [u for u in pdf_uris(out.read_bytes()) if u != "/GoTo"]
        assert "https://www.gov.uk/equality?a=1&b=2" in uris and all(allowed(u) for u in uris), uris
    else:
        hrefs = html_hrefs(out.read_text(encoding="utf-8"))
        assert "https://www.gov.uk/equality?a=1&b=2" in hrefs and all(allowed(h) for h in hrefs), hrefs


def test_a_pdf_link_is_underlined_not_told_by_its_target_alone():
    def lines(text: str) -> set[tuple[int, int, int]]:
        doc = ReportDocument("Links", office="Office")
        doc.section("Links")
        doc.paragraphs(text)
        out = io.BytesIO()
        doc.build(out)
        with pdfplumber.open(out) as pdf:
            return {(round(line["x0"]), round(line["x1"]), round(line["top"])) for p in pdf.pages for line in p.lines}

    assert len(lines("Read [the guide](https://a.b) now.") - lines("Read the guide now.")) == 1
