"""The richer narrative, printed: real PDFs and HTML editions built from text using every
feature (italics, numbered sub-headings, quotes, case-study boxes, tables, pictures and
numbered paragraphs), read back as a reader, a screen reader or a PDF tool would see them.
Both editions must say the same thing: the same numbers on the same headings and paragraphs,
the same pictures with the same text alternatives, the same notes where a picture fails."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from opcc_desktop.documents.html_document import HtmlDocument
from opcc_desktop.documents.pdf import ReportDocument
from opcc_desktop.documents.pdf.styles import CONTENT_WIDTH, MARGIN_LEFT, PHOTO_WIDTH, SIGNATURE_WIDTH

TITLE = "Narrative features"
OFFICE = "Office of the Police and Crime Commissioner for Anyshire"
FILLER = ("Service providers returned quarterly monitoring information throughout the year. Where a "
          "characteristic was not recorded, the figure is shown as not disclosed. ")  # fmt: skip
CHART_ALT = "A bar chart of referrals (by month) \\ with a backslash"
UNICODE_ALT = "Café – ‘Ünïcödé’ alt"
HOSTILE_ALT = "<b>not bold</b> & alt"


def png(width: int, height: int, colour: str) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    ImageDraw.Draw(image).ellipse((width // 6, height // 6, width * 5 // 6, height * 5 // 6), fill="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#28A197").save(out, format="JPEG")
    return out.getvalue()


PICTURES = {
    "chart": png(600, 300, "#12436D"), "portrait": png(60, 80, "#801650"), "signature": png(120, 36, "#0B0C0C"),
    "photo-jpeg": jpeg(80, 60), "broken": b"not a picture at all", "truncated": png(200, 100, "#F46A25")[:90],
}  # fmt: skip

INTRODUCTION = f"""We publish *equality* data, _every year_, with ***care*** and **rigour**.

Arithmetic such as 2 * 3 * 4, symbols shown as "*" and "*", and snake_case_words stay as typed.

# Our approach
{FILLER}

> We were listened to, and the service *changed*.
>
> It made a real difference.
> — A service user, Anytown

## Detail
{FILLER}

- a bullet with *italics*
- another bullet

| Measure | Value | Change |
|:--|--:|:-:|
| Referrals **in total** | 1,234 | up |
| A ragged row | 5 |
| Too many | 1 | 2 | 3 |

::: case-study Helping Sam back to work
Sam was referred by the victims' hub in May.

> It gave me my confidence back.
> -- Sam

![Sam at the allotment](image:portrait "photo")
Sam now volunteers at the allotment every week.
:::

![{CHART_ALT}](image:chart)

![](image:signature "signature")

![{UNICODE_ALT}](image:photo-jpeg)

![{HOSTILE_ALT}](image:chart)

![Lost](image:nowhere)

![Broken](image:broken)

![Cut short](image:truncated)

![Remote](https://example.org/x.png) and ![Script](javascript:alert(1)) print their alt text.
"""
ALTS = ["Sam at the allotment", CHART_ALT, "Picture 'signature' has no alt text", UNICODE_ALT, HOSTILE_ALT]
NOTES = ["[Picture 'signature' has no alt text]", "[Picture 'nowhere' is missing from the workbook]",
         "[Picture 'broken' is not a PNG or JPEG picture]", "[Picture 'truncated' is not a PNG or JPEG picture]"]


def build(cls: type, *, numbered: bool = False):  # noqa: ANN201 - either edition
    doc = cls(TITLE, office=OFFICE, period="2021/22", pictures=PICTURES, numbered_paragraphs=numbered)
    doc.section("Introduction")
    doc.paragraphs(INTRODUCTION)
    doc.section("Services")
    doc.subsection("Consultation")
    doc.paragraphs(f"{FILLER}\n\n# Written heading\n\n{FILLER}")
    doc.heading("Commentary")
    doc.paragraphs(FILLER)
    doc.section("Purpose")
    purpose = "\n\n".join(f"Paragraph {i} of the purpose." for i in range(1, 10))
    doc.paragraphs(f"{purpose}\n\n# Tenth\n\nUnder the tenth.")
    doc.appendix("Tables")
    doc.paragraphs("# In the appendix\n\nAppendix text.")
    return doc


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return build(ReportDocument).to_bytes()


@pytest.fixture(scope="module")
def numbered_pdf() -> bytes:
    return build(ReportDocument, numbered=True).to_bytes()


@pytest.fixture(scope="module")
def html() -> str:
    return build(HtmlDocument).html()


@pytest.fixture(scope="module")
def numbered_html() -> str:
    return build(HtmlDocument, numbered=True).html()


def pages(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return [page.extract_text() or "" for page in document.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def body_lines(data: bytes) -> list[str]:
    """The text lines after the cover and contents."""
    return [line for page in pages(data)[2:] for line in page.splitlines()]


class Elements(HTMLParser):
    """Every start tag with its attributes and the text inside it, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.texts: list[str] = []
        self._open: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self.texts.append("")
        if tag not in ("img", "meta", "br"):
            self._open.append(len(self.tags) - 1)

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for index in self._open:
            self.texts[index] += data

    def of(self, tag: str) -> list[tuple[dict[str, str], str]]:
        return [(attrs, self.texts[i]) for i, (name, attrs) in enumerate(self.tags) if name == tag]


def elements(html: str) -> Elements:
    parsed = Elements()
    parsed.feed(html)
    return parsed


def outline_tree(outline: list) -> list[tuple[str, list]]:
    """pypdf's outline as (title, children) pairs."""
    tree: list[tuple[str, list]] = []
    for item in outline:
        if isinstance(item, list):
            tree[-1] = (tree[-1][0], outline_tree(item))
        else:
            tree.append((item.title, []))
    return tree


def figure_alts(data: bytes) -> Iterator[tuple[str, int]]:
    """Each ``/Figure <</Alt ...>> BDC`` in the pages' content, with how many XObjects it draws."""
    with pikepdf.open(io.BytesIO(data)) as document:
        for page in document.pages:
            alt, drawn = None, 0
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "BDC" and str(operands[0]) == "/Figure":
                    alt, drawn = str(operands[1]["/Alt"]), 0
                elif str(operator) == "Do" and alt is not None:
                    drawn += 1
                elif str(operator) == "EMC" and alt is not None:
                    yield alt, drawn
                    alt = None


# -- the PDF ------------------------------------------------------------------------------------------


def test_pdf_reads_in_order_with_markers_gone(pdf: bytes) -> None:
    text = flat(" ".join(pages(pdf)[2:]))
    order = ["1 Introduction", "We publish equality data, every year, with care and rigour.",
             'Arithmetic such as 2 * 3 * 4, symbols shown as "*" and "*", and snake_case_words stay as typed.',
             "1.1 Our approach", "We were listened to, and the service changed.", "It made a real difference.",
             "\u2014 A service user, Anytown", "1.1.1 Detail", "a bullet with italics", "Measure Value Change",
             "Referrals in total 1,234 up", "A ragged row 5", "Too many 1 2", "Case study: Helping Sam back to work",
             "Sam was referred", "It gave me my confidence back.", "\u2014 Sam", "Sam now volunteers", *NOTES,
             "Remote and Script print their alt text.", "2 Services", "2.1 Consultation", "2.2 Written heading",
             "Commentary", "3 Purpose", "3.1 Tenth", "Appendix A: Tables", "In the appendix",
             "Appendix text."]  # fmt: skip
    positions = [text.find(part) for part in order]
    assert -1 not in positions, [part for part, at in zip(order, positions, strict=True) if at < 0]
    assert positions == sorted(positions)
    for gone in ("*equality*", "_every", "***", "**", "image:", "javascript", "example.org", ":::", "| ", "<b>"):
        assert gone not in text, gone


def test_contents_lists_numbered_narrative_headings_indented_by_level(pdf: bytes) -> None:
    contents = pages(pdf)[1]
    entries = re.findall(r"^((?:\d+(?:\.\d+)*|Appendix [A-Z]:) [^.\n]+?)[ .]*?(\d+)$", contents, flags=re.MULTILINE)
    assert [title.strip() for title, _ in entries] == [
        "1 Introduction", "1.1 Our approach", "1.1.1 Detail", "2 Services", "2.1 Consultation",
        "2.2 Written heading", "3 Purpose", "3.1 Tenth", "Appendix A: Tables"]  # fmt: skip
    texts = pages(pdf)
    for title, page in entries:
        assert title.strip() in texts[int(page) - 1].splitlines(), f"{title!r} is not on page {page}"
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        words = {w["text"]: w["x0"] for w in document.pages[1].extract_words()}
    assert words["1"] < words["1.1"] < words["1.1.1"]  # indented by level
    assert "In the appendix" not in contents and "Commentary" not in contents


def test_bookmarks_nest_the_numbered_narrative_headings(pdf: bytes) -> None:
    tree = dict(outline_tree(PdfReader(io.BytesIO(pdf)).outline))
    assert list(tree) == ["Contents", "1 Introduction", "2 Services", "3 Purpose", "Appendix A: Tables"]
    introduction = dict(tree["1 Introduction"])
    assert list(introduction) == ["1.1 Our approach"]
    assert [title for title, _ in introduction["1.1 Our approach"]] == ["1.1.1 Detail"]
    services = dict(tree["2 Services"])
    assert list(services) == ["2.1 Consultation", "2.2 Written heading"]
    assert [title for title, _ in services["2.2 Written heading"]] == ["Commentary"]
    assert [title for title, _ in tree["Appendix A: Tables"]] == ["In the appendix"]


def test_every_picture_carries_its_alt_text_in_marked_content(pdf: bytes) -> None:
    found = list(figure_alts(pdf))
    assert [alt for alt, _ in found] == ALTS  # non-ASCII as UTF-16, brackets and backslashes escaped
    assert all(drawn == 1 for _, drawn in found)  # each wraps its picture alone
    raw = b"".join(page.get_contents().get_data() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert b"/Figure <</Alt <FEFF" in raw  # the Unicode alt text as a hex string with its byte order mark


def test_pictures_are_sized_by_role(pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        images = [image for page in document.pages for image in page.images]
    widths = sorted(round(image["width"], 1) for image in images)
    assert len(images) == 5
    assert round(PHOTO_WIDTH, 1) in widths and round(SIGNATURE_WIDTH, 1) in widths
    assert round(CONTENT_WIDTH, 1) in widths  # the 600-pixel chart, down to the text's width
    assert 80.0 in widths  # the 80-pixel JPEG, never enlarged
    for image in images:
        assert abs(image["x0"] - MARGIN_LEFT) < 13  # left-aligned (in the box: its padding)


def test_photo_text_flows_beside_it(pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            photos = [i for i in page.images if abs(i["width"] - PHOTO_WIDTH) < 1]
            if photos:
                photo = photos[0]
                words = [w for w in page.extract_words() if w["text"] == "volunteers"]
                assert words and photo["top"] <= words[0]["top"] <= photo["bottom"]
                assert words[0]["x0"] > photo["x1"]
                return
    pytest.fail("no photo printed")


def test_quote_and_case_study_are_drawn_apart_from_the_text(pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = next(p for p in document.pages if "We were listened to" in (p.extract_text() or ""))
        quote = next(w for w in page.extract_words() if w["text"] == "listened")
        body = next(w for w in page.extract_words() if w["text"] == "Service")
        rules = [line for line in page.lines if abs(line["x0"] - line["x1"]) < 0.5 and line["x0"] < quote["x0"]]
        assert quote["x0"] > body["x0"] + 20 and rules, "the quote is indented, with its rule at the left"
        page = next(p for p in document.pages if "Case study:" in (p.extract_text() or ""))
        panels = [r for r in page.rects if abs(r["width"] - CONTENT_WIDTH) < 1 and r["fill"] and r["stroke"]]
        assert panels, "the case study is a shaded, bordered panel"


def test_a_long_case_study_is_a_closed_panel_on_each_page() -> None:
    doc = ReportDocument(TITLE, office=OFFICE)
    doc.section("Long")
    doc.paragraphs("::: case-study Long\n" + f"{FILLER * 4}\n\n" * 14 + ":::\n\nAfter the box.")
    with pdfplumber.open(io.BytesIO(doc.to_bytes())) as document:
        body = [p for p in document.pages[2:] if FILLER.split()[0] in (p.extract_text() or "")]
        assert len(body) >= 2
        for page in body:
            panels = [r for r in page.rects if abs(r["width"] - CONTENT_WIDTH) < 1 and r["fill"] and r["stroke"]]
            assert len(panels) == 1, f"page {page.page_number}"


def test_italic_faces_are_embedded_only_when_italics_are_used(pdf: bytes) -> None:
    def faces(data: bytes) -> set[str]:
        with pikepdf.open(io.BytesIO(data)) as document:
            return {str(font.BaseFont).split("+")[-1] for page in document.pages
                    for font in page.Resources.get("/Font", {}).values()}  # fmt: skip

    assert {"LiberationSans-Italic", "LiberationSans-BoldItalic"} <= faces(pdf)
    plain = ReportDocument(TITLE, office=OFFICE)
    plain.section("Plain")
    plain.paragraphs('**Bold** only; shown as "*" and "*", 2 * 3 and snake_case.')
    assert faces(plain.to_bytes()) == {"LiberationSans", "LiberationSans-Bold"}


def test_no_picture_or_link_is_fetched_from_outside(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    actions = [a.get_object().get("/A") for page in reader.pages for a in page.get("/Annots") or []]
    assert not [a for a in actions if a is not None]  # the contents' links are destinations, not actions


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_poppler_renders_every_page_without_complaint(pdf: bytes, numbered_pdf: bytes, tmp_path: Path) -> None:
    for name, data in (("plain", pdf), ("numbered", numbered_pdf)):
        source = tmp_path / f"{name}.pdf"
        source.write_bytes(data)
        done = subprocess.run(["pdftoppm", "-r", "20", "-png", str(source), str(tmp_path / name)],
                              capture_output=True, text=True, check=True)  # fmt: skip
        assert done.stderr == ""


# -- numbered paragraphs ---------------------------------------------------------------------------------


NUMBERED = ["1.1", "1.2", "1.3 Our approach", "1.3.1", "1.3.2 Detail", "1.3.2.1", "1.3.2.2", "2.1 Consultation",
            "2.1.1", "2.2 Written heading", "2.2.1", "2.2.2", *[f"3.{i}" for i in range(1, 10)], "3.10 Tenth",
            "3.10.1"]  # fmt: skip
HEADINGS = ("Our approach", "Detail", "Consultation", "Written heading", "Tenth")


def numbers_in_pdf(data: bytes) -> list[str]:
    """The number at the start of each body line, with a heading's title."""
    found = []
    for line in body_lines(data):
        if match := re.match(r"^(\d+\.\d+(?:\.\d+)*) (.*)$", line):
            found.append(line if match.group(2) in HEADINGS else match.group(1))
    return found


def test_numbered_paragraphs_in_the_pdf(numbered_pdf: bytes) -> None:
    assert numbers_in_pdf(numbered_pdf) == NUMBERED
    lines = body_lines(numbered_pdf)
    assert "1.1 We publish equality data, every year, with care and rigour." in lines
    assert "3.10.1 Under the tenth." in lines
    for unnumbered in ("Sam was referred by the victims' hub in May.", "Appendix text.", "• another bullet"):
        assert unnumbered in lines  # in a box, in an appendix, in a list: no number
    with pdfplumber.open(io.BytesIO(numbered_pdf)) as document:
        words = [w for p in document.pages for w in p.extract_words()]
    number = next(w for w in words if w["text"] == "3.10.1")
    text = next(w for w in words if w["text"] == "Under")
    assert abs(number["x0"] - MARGIN_LEFT) < 1 and text["x0"] - MARGIN_LEFT > 35  # the number hangs left


def test_numbered_paragraphs_in_the_html(numbered_html: str) -> None:
    spans = elements(numbered_html).of("span")
    numbers = [(attrs["id"], text) for attrs, text in spans if attrs.get("class") == "para-number"]
    assert ("para-1-1", "1.1") in numbers and ("para-3-10-1", "3.10.1") in numbers
    assert len(numbers) == len([n for n in NUMBERED if " " not in n])
    assert not re.search(r'para-number[^>]*>[^<]*</span>\s*Sam was referred', numbered_html)


def test_both_editions_give_the_same_numbers(numbered_html: str) -> None:
    parsed = elements(numbered_html)
    found = []
    for index, (tag, attrs) in enumerate(parsed.tags):
        text = parsed.texts[index]
        paragraph = tag == "span" and attrs.get("class") == "para-number"
        if paragraph or (re.fullmatch(r"h[2-6]", tag) and re.match(r"\d+\.\d+", text)):
            found.append(text)
    assert found == NUMBERED


# -- the HTML edition ----------------------------------------------------------------------------------


def test_html_marks_up_each_feature(html: str) -> None:
    parsed = elements(html)
    assert ("We publish <em>equality</em> data, <em>every year</em>, with <b><em>care</em></b> and "
            "<b>rigour</b>.") in html  # fmt: skip
    assert 'symbols shown as "*" and "*", and snake_case_words stay as typed.' in html
    quote = re.search(r'<figure class="quote"><blockquote>(.*?)</blockquote><figcaption>(.*?)</figcaption>', html)
    assert quote and quote[1] == ("<p>We were listened to, and the service <em>changed</em>.</p>"
                                  "<p>It made a real difference.</p>")  # fmt: skip
    assert quote[2] == "\u2014 A service user, Anytown"
    (aside,) = [attrs for attrs, _ in parsed.of("aside") if attrs.get("class") == "case-study"]
    heading = next(i for i, (_, attrs) in enumerate(parsed.tags) if attrs.get("id") == aside["aria-labelledby"])
    assert parsed.tags[heading][0] == "h5" and parsed.texts[heading] == "Case study: Helping Sam back to work"
    assert [attrs for attrs, _ in parsed.of("table") if attrs.get("class") == "narrative"]
    assert [(attrs.get("scope"), text) for attrs, text in parsed.of("th")] == [
        ("col", "Measure"), ("col", "Value"), ("col", "Change")]  # fmt: skip
    assert [text for _, text in parsed.of("td")] == ["Referrals in total", "1,234", "up", "A ragged row", "5", "",
                                                      "Too many", "1", "2"]  # fmt: skip
    assert "<td>Referrals <b>in total</b></td>" in html and not parsed.of("caption")


def test_html_pictures_are_inline_with_their_alt_text_and_size(html: str) -> None:
    images = elements(html).of("img")
    assert [attrs["alt"] for attrs, _ in images] == ALTS
    assert [attrs["class"] for attrs, _ in images] == ["picture-photo", "picture-figure", "picture-signature",
                                                        "picture-figure", "picture-figure"]  # fmt: skip
    for attrs, _ in images:
        assert re.fullmatch(r"data:image/(png|jpeg);base64,[A-Za-z0-9+/=]+", attrs["src"])
        assert int(attrs["width"]) > 0 and int(attrs["height"]) > 0
    assert images[3][0]["src"].startswith("data:image/jpeg;base64,")
    assert (images[0][0]["width"], images[2][0]["width"]) == (str(round(PHOTO_WIDTH * 4 / 3)),
                                                              str(round(SIGNATURE_WIDTH * 4 / 3)))  # fmt: skip
    notes = [text for attrs, text in elements(html).of("p") if attrs.get("class") == "picture-note"]
    assert notes == NOTES
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp; alt" in html and "javascript" not in html
    assert "<p>Remote and Script print their alt text.</p>" in html


def test_html_headings_never_jump_a_level(html: str, numbered_html: str) -> None:
    for page in (html, numbered_html):
        levels = [int(tag[1]) for tag, _ in elements(page).tags if re.fullmatch(r"h[1-6]", tag)]
        assert levels[0] == 1
        assert all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels)), levels


def test_html_contents_lists_the_numbered_narrative_headings(html: str) -> None:
    parsed = elements(html)
    ids = {attrs["id"] for _, attrs in parsed.tags if "id" in attrs}
    listed = [(attrs["href"], text) for attrs, text in parsed.of("a")
              if attrs.get("href", "").startswith("#") and attrs.get("href") != "#main"]  # not the skip link
    assert [text for _, text in listed] == ["1 Introduction", "1.1 Our approach", "1.1.1 Detail", "2 Services",
                                            "2.1 Consultation", "2.2 Written heading", "3 Purpose", "3.1 Tenth",
                                            "Appendix A: Tables"]  # fmt: skip
    assert all(href[1:] in ids for href, _ in listed)
    assert '<li style=margin-left:2.4rem><a href="#section-1.1.1">' in html  # indented by level


# -- both ---------------------------------------------------------------------------------------------------


def test_identical_input_gives_identical_output() -> None:
    for numbered in (False, True):
        doc = build(ReportDocument, numbered=numbered)
        first = doc.to_bytes()
        assert doc.to_bytes() == first == build(ReportDocument, numbered=numbered).to_bytes()
        assert build(HtmlDocument, numbered=numbered).html() == build(HtmlDocument, numbered=numbered).html()


def test_notes_and_bullets_take_the_richer_text_too() -> None:
    for cls in (ReportDocument, HtmlDocument):
        doc = cls(TITLE, office=OFFICE, pictures=PICTURES)
        doc.section("Notes")
        doc.note("A *note* with a quote:\n\n> Said.\n> -- Someone\n\n::: case-study Boxed\nInside.\n:::\n\n"
                 "| A |\n|---|\n| 1 |\n\n![Chart](image:chart)")  # fmt: skip
        doc.bullets(["an *italic* item"])
        out = io.BytesIO()
        doc.build(out)
        text = flat(" ".join(pages(out.getvalue()))) if cls is ReportDocument else out.getvalue().decode()
        for part in ("Said.", "Someone", "Case study: Boxed", "Inside."):
            assert part in text


@pytest.mark.parametrize("under", ["![A chart](image:chart)", "> Said at length. " * 8 + "\n> -- Someone",
                                   '![Sam](image:portrait "photo")\nBeside the photo.',
                                   '::: case-study Kept\n![Sam](image:portrait "photo")\nBeside.\n:::'])  # fmt: skip
def test_a_heading_is_never_left_apart_from_what_it_heads(under: str) -> None:
    """Wherever the heading falls on the page, the picture, quote or box under it goes with it."""
    for lines in range(0, 40, 3):
        doc = ReportDocument(TITLE, office=OFFICE, pictures=PICTURES)
        doc.section("Filling")
        doc.paragraphs("\n".join([FILLER] * lines) + f"\n\n# Kept heading\n\n{under}")
        with pdfplumber.open(io.BytesIO(doc.to_bytes())) as document:
            page = next(p for p in document.pages[2:] if "Kept heading" in (p.extract_text() or ""))
            text = page.extract_text() or ""
            assert page.images or "Said at length" in text, f"{lines} lines of filler: the heading is alone"


def test_typed_markup_prints_literally_in_every_new_block() -> None:
    hostile = "A & B <i>x</i> <para> &amp;"
    text = (f"> {hostile}\n> -- {hostile}\n\n::: case-study {hostile}\n{hostile}\n:::\n\n"
            f"| {hostile} |\n|---|\n| {hostile} |\n\n![{hostile}](image:chart)")  # fmt: skip
    pdf_doc = ReportDocument(TITLE, office=OFFICE, pictures=PICTURES)
    html_doc = HtmlDocument(TITLE, office=OFFICE, pictures=PICTURES)
    for doc in (pdf_doc, html_doc):
        doc.section("Hostile")
        doc.paragraphs(text)
    printed = flat(" ".join(pages(pdf_doc.to_bytes())))
    assert printed.count(hostile) == 6  # the quote, who said it, the box's title and text, the table's two cells
    assert [alt for alt, _ in figure_alts(pdf_doc.to_bytes())] == [hostile]
    page = elements(html_doc.html())
    assert "".join(page.texts).count(hostile) >= 6 and not page.of("para") and not page.of("i")
    assert [attrs["alt"] for attrs, _ in page.of("img")] == [hostile]
