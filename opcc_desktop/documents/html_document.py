"""The accessible HTML edition of a public document: one self-contained file.

It has the same writing API as :class:`opcc_desktop.documents.pdf.ReportDocument` (section, subsection,
heading, paragraphs, bullets, note, table, chart, build), so a report builder writes each
document once and either class renders it. GOV.UK prefers HTML because, unlike reportlab's
PDF, it carries real structure: semantic headings, tables with header cells, and each chart
as inline SVG with a text alternative and its data table.

It is written to pass axe-core (WCAG 2.1 AA and best practice) and the W3C validator with no
finding (``tests/test_html_accessibility.py``): headings never skip a level, every header
cell says what it heads, every part of the page is in a landmark (a skip link first, then
header, contents, main and footer), and a table wider than a phone's screen scrolls in its
own keyboard-reachable box instead of the page. Nothing is fetched: styles are inline and
pictures are data: URLs, so the file reads the same offline and byte for byte on every export.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from html import escape
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from ..figures.charts import ChartSpec
from .data_tables import DataTable, chart_data, table_data
from .numbering import Heading, Numbering
from .markup import (
    MISSING_PICTURE,
    NO_ALT_TEXT,
    UNREADABLE_PICTURE,
    Block,
    PictureRef,
    inline,
    no_alt_text,
    parse,
    printed,
)
from .pdf.styles import CONTENT_WIDTH, picture_box, picture_pixels
from .pdf.tables import cell_text, numeric_columns
from .release import DRAFT_PREFIX
from .svg_chart import svg_chart

STYLE = """
body{font-family:"Liberation Sans",Arial,sans-serif;color:#0b0c0c;max-width:52rem;margin:0 auto 2rem;
padding:0 1rem;line-height:1.5;overflow-wrap:break-word}h1{font-size:2rem;line-height:1.25;margin:.5rem 0 1rem}
h2{margin-top:2.5rem;border-bottom:2px solid #12436D}h3{font-size:1.25rem}h4{font-size:1.1rem}
h5,h6{font-size:1rem}a{color:#1d70b8}a:visited{color:#4c2c92}
a:focus{outline:3px solid transparent;color:#0b0c0c;background:#fd0;box-shadow:0 -2px #fd0,0 4px #0b0c0c;
text-decoration:none}.table-box:focus{outline:3px solid #0b0c0c;outline-offset:2px;box-shadow:0 0 0 6px #fd0}
.visually-hidden,.skip-link:not(:focus){position:absolute;width:1px;height:1px;margin:0;padding:0;
overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);border:0;white-space:nowrap}
.skip-link:focus{display:block;padding:.5rem 1rem;margin:0 -1rem}header{padding-top:1.5rem}header p{margin:.4rem 0}
.office{font-weight:bold;color:#12436D;margin:0}.release{list-style:none;padding-left:0}
table{border-collapse:collapse;margin:.5rem 0;width:100%}.table-box{overflow-x:auto;margin:0 0 1.5rem}
caption{text-align:left;font-weight:bold;padding:.4rem 0;max-width:calc(100vw - 2rem)}
th,td{border-bottom:1px solid #b1b4b6;padding:.3rem .5rem;text-align:left;vertical-align:top}
th[scope=colgroup]{text-align:center}th[scope=row]{min-width:8rem}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}figure{margin:1.5rem 0}
figcaption{font-weight:bold}svg.chart{display:block;width:100%;max-width:28rem;height:auto;margin:.75rem 0}
.note{border-left:4px solid #12436D;background:#f3f2f1;padding:.6rem 1rem}
.marking{font-weight:bold;text-align:center;letter-spacing:.05em}nav ul{list-style:none;padding-left:0}
.draft{border:4px solid #0b0c0c;padding:.6rem 1rem;font-size:1.25rem;font-weight:bold;text-align:center}
.source{font-size:.9rem;color:#505a5f}.data-link{font-weight:bold}
.numbered{padding-left:3.5rem;text-indent:-3.5rem}.para-number{display:inline-block;width:3.5rem;text-indent:0}
ul.indented,ol.indented{margin-left:3.5rem}.quote.indented{margin-left:4.7rem}td.centre,th.centre{text-align:center}
.quote{margin:1rem 0 1.5rem 1.2rem;border-left:4px solid #12436D;padding-left:1rem}.quote blockquote{margin:0}
.quote figcaption{font-weight:normal;color:#505a5f}.picture-note{font-weight:bold}
.case-study{border:2px solid #12436D;background:#eaf1f8;padding:.2rem 1.2rem .6rem;margin:1.5rem 0}
img{max-width:100%;height:auto}.picture-photo{float:left;margin:.3rem 1.2rem .6rem 0}.with-photo{display:flow-root}
footer{margin-top:3rem;border-top:2px solid #12436D;padding-top:.5rem;font-size:.9rem}
@media (max-width:40rem){h1{font-size:1.6rem}.numbered{padding-left:2.6rem;text-indent:-2.6rem}
.para-number{width:2.6rem}ul.indented,ol.indented{margin-left:2.6rem}.quote.indented{margin-left:2.6rem}
.quote{margin-left:0}.case-study{padding:.2rem .8rem .6rem}.picture-photo{float:none;display:block}}
@media print{body{max-width:none;margin:0;padding:0;font-size:11pt}.skip-link{display:none}
nav,main,.new-page{break-before:page}h2,h3,h4,h5,h6,caption,figcaption{break-after:avoid}
.table-box{overflow:visible}thead{display:table-header-group}
table,tr,svg,.quote,.note,.case-study{break-inside:avoid}
a{color:#0b0c0c}a[href^="http"]:not(.url)::after,a[href^="mailto:"]:not(.url)::after{content:" (" attr(href) ")"}}
"""
_LINK = re.compile(r'<a href="([^"]*)">([^<]*)</a>')  # as markup.inline writes a link
# first on the page, in a landmark of its own (as all of a page's content is in one)
DRAFT_BANNER = ('<aside aria-label="Draft notice"><p class="draft" role="note">DRAFT: this document is a draft, '
                "not the published edition.</p></aside>")  # fmt: skip


class HtmlDocument:
    """A public document as accessible HTML; build it in reading order, then :meth:`build`."""

    disclosure_plan: Any = None  # a public document's decided plan (see ReportDocument)

    def __init__(self, title: str, *, office: str, period: str = "", subtitle: str = "",
                 logo: bytes | None = None, marking: str | None = None, language: str = "en-GB",
                 subject: str = "", keywords: Sequence[str] = (), published: str = "",
                 cover_note: str = "", next_update: str = "", draft: bool = False,
                 pictures: Mapping[str, bytes] | None = None, numbered_paragraphs: bool = False) -> None:  # fmt: skip
        self.title, self.office, self.period, self.subtitle = title, office, period, subtitle
        self.marking = marking.strip() if marking else None
        self.language = language
        self.subject = subject or " - ".join(p for p in (title, subtitle, period) if p)
        self.keywords = tuple(keywords)
        self.published, self.next_update, self.cover_note = published, next_update, cover_note
        self.draft = draft
        self.pictures: Mapping[str, bytes] = pictures or {}  # PNG or JPEG bytes by name, as in the PDF
        self.numbered_paragraphs = numbered_paragraphs  # as in the PDF: "2.1", "2.1.1"...
        self._boxes = 0
        self._rank = 1  # the latest heading's: h1, the title
        self._new_page = False  # in print, the next heading starts a page, as in the PDF
        self._back_page = ""  # the contact page's title, which the footer links to
        self._regions: dict[str, int] = {}  # the table boxes' names, each used so far
        self.data_tables: list[DataTable] = []  # every numbered table and chart, as data
        self._data_link = ""
        self._body: list[str] = []
        self._contents: list[tuple[int, str, str]] = []
        self.numbers = Numbering()

    # -- structure -------------------------------------------------------------------------
    # A heading at outline level L (as in the PDF's bookmarks) is an h(L+2): the title is the
    # h1 and a section an h2. No heading is ever more than one level under the one before it
    # (see :meth:`_heading_rank`).
    def section(self, title: str) -> str:
        return self._numbered(self.numbers.section(title))

    def subsection(self, title: str) -> str:
        return self._numbered(self.numbers.subsection(title))

    def appendix(self, title: str) -> str:
        return self._numbered(self.numbers.appendix(title))

    def _numbered(self, heading: Heading) -> str:
        self._heading(heading.level, heading.text, heading.anchor, True)
        return heading.number

    def heading(self, title: str, *, minor: bool = False) -> None:
        self._heading(self.numbers.unnumbered_level(minor=minor), title, "", False)

    def _heading(self, level: int, text: str, anchor: str, in_contents: bool) -> None:
        ident = f' id="{anchor}"' if anchor else ""
        page = ' class="new-page"' if self._new_page else ""
        self._new_page = False
        tag = f"h{self._heading_rank(level + 2)}"
        self._body.append(f"<{tag}{ident}{page}>{escape(text)}</{tag}>")
        if in_contents:
            self._contents.append((level, text, anchor))

    def _heading_rank(self, wanted: int) -> int:
        """The rank (2 for h2) of the next heading, which would be ``wanted``: never more than
        one under the latest heading's, so that no level is skipped wherever the numbering
        nests a heading (an unnumbered one after a deep numbered one, a box's heading)."""
        self._rank = min(wanted, self._rank + 1, 6)
        return self._rank

    def back_page(self, title: str) -> None:
        """The last page (the contact page) under ``title``: unnumbered, and so is all after it.
        Its heading is a section's (h2), not a part of the last section, and the footer
        links to it."""
        self.page_break()
        self.numbers.back_matter()
        self._back_page = title
        self._heading(0, title, "contact", False)

    def page_break(self) -> None:
        """Pages exist only in print: there the next heading starts a new page."""
        self._new_page = True

    # -- text --------------------------------------------------------------------------------
    def paragraphs(self, text: str) -> None:
        """The officers' Markdown subset, as :meth:`ReportDocument.paragraphs` prints it."""
        for block in parse(text):
            if block.kind in ("heading", "subheading"):
                self._narrative_heading(block.text, minor=block.kind == "subheading")
            else:
                self._body.append(self._block(block, numbered=True))

    def _narrative_heading(self, text: str, *, minor: bool) -> None:
        heading = self.numbers.narrative_heading(text, minor=minor)
        if heading is None:
            self.heading(text, minor=minor)
        else:
            self._numbered(heading)

    def bullets(self, items: Sequence[str]) -> None:
        self._body.append(_list([inline(item) for item in items], numbered=False, indented=self._indented(True)))

    def _block(self, block: Block, *, numbered: bool, heading: int = 6) -> str:
        """One block as HTML. ``numbered``: its paragraphs take numbers when the document
        numbers them (not inside a box or a note); ``heading``: the level of a heading in a
        box or a note."""
        kind = block.kind
        if kind == "paragraph":
            return self._paragraph(block.text, numbered)
        if kind in ("bullets", "numbered"):
            return _list(block.items, kind == "numbered", self._indented(numbered))
        if kind == "quote":
            return _quote(block, self._indented(numbered))
        if kind == "table":
            return self._narrative_table(block)
        if kind == "image":
            return self._picture(block, numbered)
        if kind == "case_study":
            return self._case_study(block)
        rank = self._heading_rank(heading)
        return f"<h{rank}>{escape(block.text)}</h{rank}>"

    def _paragraph(self, text: str, numbered: bool) -> str:
        number = self.numbers.paragraph() if numbered and self.numbered_paragraphs else None
        if number is None:
            return f"<p>{_html(text)}</p>"
        ident = "para-" + number.replace(".", "-")
        return f'<p class="numbered"><span class="para-number" id="{ident}">{number}</span> {_html(text)}</p>'

    def _indented(self, numbered: bool) -> bool:
        """Whether a list or quote lines up with the numbered paragraph it belongs to."""
        return numbered and self.numbered_paragraphs and bool(self.numbers.current)

    def _case_study(self, block: Block) -> str:
        """The box as an aside named by its heading, a level below the heading it is under."""
        self._boxes += 1
        ident = f"case-study-{self._boxes}"
        level = self._heading_rank(self.numbers.last_level + 3)
        title = f"Case study: {block.text}" if block.text else "Case study"
        inner = "".join(self._block(child, numbered=False, heading=level + 1) for child in block.blocks)
        return (f'<aside class="case-study" aria-labelledby="{ident}"><h{level} id="{ident}">{escape(title)}'
                f"</h{level}>{inner}</aside>")  # fmt: skip

    def _picture(self, block: Block, numbered: bool) -> str:
        """The picture inline as a data: url (the file stays self-contained), sized as in the
        PDF; the same notes as the PDF's where it is missing, unreadable or has no alt text."""
        ref = block.picture
        assert ref is not None
        beside = "".join(self._paragraph(child.text, numbered) for child in block.blocks)
        data = self.pictures.get(ref.name)
        pixels = picture_pixels(data) if data is not None else None
        if data is None or pixels is None:
            return _picture_note(MISSING_PICTURE if data is None else UNREADABLE_PICTURE, ref) + beside
        mime, across, down = pixels
        width, height = (round(points * 4 / 3) for points in picture_box(ref.role, (across, down), CONTENT_WIDTH))
        source = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        image = (f'<img class="picture-{ref.role}" src="{source}" alt="{escape(ref.alt or no_alt_text(ref))}" '
                 f'width="{width}" height="{height}">')  # fmt: skip
        # the alt text says it too, so a screen reader hears it once
        note = "" if ref.alt else _picture_note(NO_ALT_TEXT, ref, ' aria-hidden="true"')
        if ref.role == "photo":
            return f'<div class="with-photo">{image}{beside}</div>{note}'
        return f'<p class="picture">{image}</p>{note}'

    def _narrative_table(self, block: Block) -> str:
        """A table written in the text, named after its columns as it has no caption."""
        columns = ", ".join(printed(cell) for cell in block.items if cell.strip())
        return self._scrolling(f"Table: {columns}" if columns else "Table", _narrative_table(block))

    def _scrolling(self, name: str, table: str) -> str:
        """``table`` in a box that scrolls across on its own where the screen is narrower than
        the table, so the page never does: a region named ``name`` (made unique, as landmarks
        must be) that a keyboard can reach to scroll it."""
        seen = self._regions[name] = self._regions.get(name, 0) + 1
        unique = name if seen == 1 else f"{name} ({seen})"
        return f'<div class="table-box" role="region" aria-label="{escape(unique)}" tabindex="0">{table}</div>'

    def note(self, text: str, *, label: str = "Note") -> None:
        level = self.numbers.last_level + 3
        inner = "".join(self._block(block, numbered=False, heading=level) for block in parse(text))
        self._body.append(f'<aside class="note" aria-label="{escape(label)}"><strong>{escape(label)}:</strong>{inner}</aside>')

    # -- figures and tables ----------------------------------------------------------------------
    def table(self, caption: str, header: Sequence[str], rows: Sequence[Sequence[Any]], *,
              col_widths: Any = None, align: Any = None, groups: Sequence[tuple[str, int]] | None = None,
              total_row: bool = False, footnote: str = "", spans: Sequence[tuple[int, int, int]] = (),
              source: str = "") -> int:  # fmt: skip
        number = self.numbers.table()
        label = f"Table {number}: {caption}"
        self._body.append(self._scrolling(label, _table(label, header, rows, groups, total_row, spans)))
        if footnote:
            self._body.append(f"<p><small>{_html(inline(footnote))}</small></p>")
        self._body.append(_source(source))
        self.data_tables.append(table_data(number, caption, header, rows, groups=groups, footnote=footnote,
                                           source=source))  # fmt: skip
        return number

    def plain_table(self, lead_in: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self._body.append(self._scrolling(lead_in, _table(lead_in, header, rows, None, False)))

    def chart(self, caption: str, spec: ChartSpec, *, alternative: str = "table", source: str = "") -> int:
        number = self.numbers.figure()
        label = f"Figure {number}: {caption}"
        header, rows = spec.as_table()
        data = f"Data for {label}"
        self._body.append(
            f"<figure><figcaption>{escape(label)}</figcaption>{svg_chart(spec)}"
            f"<p>{escape(spec.alt_text())}</p>{self._scrolling(data, _table(data, header, rows, None, False))}"
            f"{_source(source)}</figure>"
        )
        self.data_tables.append(chart_data(number, caption, spec, source=source))
        return number

    # -- output ----------------------------------------------------------------------------------
    def link_data(self, href: str, label: str) -> None:
        """A link to the tables' spreadsheet, at the top of the main content (after the title
        and contents)."""
        self._data_link = f'<p class="data-link"><a href="{escape(href)}">{escape(label)}</a></p>'

    @property
    def metadata_title(self) -> str:
        title = self.title + (f" - {self.period}" if self.period else "")
        return DRAFT_PREFIX + title if self.draft else title

    def html(self) -> str:
        """The page: a skip link, a draft's notice, the header (title and release dates), the
        contents, the main content and a footer summing up who published it, when, and how
        to reach them."""
        contents = "".join(
            f'<li{f" style=margin-left:{1.2 * level:g}rem" if level else ""}>'  # indented by level
            f'<a href="#{anchor}">{escape(text)}</a></li>'
            for level, text, anchor in self._contents
        )
        head = (
            f'<!DOCTYPE html><html lang="{escape(self.language)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(self.metadata_title)}</title>"
            f'<meta name="author" content="{escape(self.office)}">'
            f'<meta name="description" content="{escape(self.subject)}">'
            f'<style>{STYLE}</style></head><body><a class="skip-link" href="#main">Skip to main content</a>'
        )
        nav = f'<nav aria-label="Contents"><h2>Contents</h2><ul>{contents}</ul></nav>' if contents else ""
        main = f'<main id="main">{self._data_link}{"".join(self._body)}</main>'
        draft = DRAFT_BANNER if self.draft else ""
        return f"{head}{draft}{self._masthead()}{nav}{main}{self._footer()}</body></html>\n"

    def _marking(self) -> str:
        return f'<p class="marking">{escape(self.marking)}</p>' if self.marking else ""

    def _dates(self) -> list[str]:
        return [f"{label}: {date}" for label, date in (("Published", self.published),
                                                       ("Next update", self.next_update)) if date]  # fmt: skip

    def _masthead(self) -> str:
        """The marking, then the office, title, period and release dates."""
        lines = "".join(f"<p>{escape(text)}</p>" for text in (self.subtitle, self.period, *self._dates()) if text)
        return (f"<header>{self._marking()}"
                f'<p class="office">{escape(self.office)}</p><h1>{escape(self.title)}</h1>{lines}</header>')  # fmt: skip

    def _footer(self) -> str:
        """The office, the release dates (or that it is a draft) and a link to the contact
        page, where a reader of a long page looks for them; the marking again, as at the foot
        of every PDF page."""
        items = [f"<li>{escape(text)}</li>" for text in (["Draft: not yet published"] if self.draft else [])
                 + self._dates()]  # fmt: skip
        if self._back_page:
            items.append(f'<li><a href="#contact">{escape(self._back_page)}</a></li>')
        listed = f'<ul class="release">{"".join(items)}</ul>' if items else ""
        return f'<footer><p class="office">{escape(self.office)}</p>{listed}{self._marking()}</footer>'

    def build(self, target: str | Path | BinaryIO) -> int:
        data = self.html().encode("utf-8")
        if isinstance(target, (str, Path)):
            Path(target).write_bytes(data)
        else:
            target.write(data)
        return 1

    def to_bytes(self) -> bytes:
        buffer = BytesIO()
        self.build(buffer)
        return buffer.getvalue()


def _source(source: str) -> str:
    return f'<p class="source">Source: {escape(source)}</p>' if source else ""


def _html(markup: str) -> str:
    """Paragraph markup from :func:`inline` as HTML: the same but for italics, ``<em>``, and a
    link that shows its own address marked ``url``, so print does not add it a second time.
    Only tags it made itself can match (typed ones are escaped)."""
    return _LINK.sub(_mark_address, markup.replace("<i>", "<em>").replace("</i>", "</em>"))


def _mark_address(link: re.Match[str]) -> str:
    href, label = link.groups()
    return f'<a href="{href}" class="url">{label}</a>' if label in (href, href.removeprefix("mailto:")) else link[0]


def _list(items: Sequence[str], numbered: bool, indented: bool = False) -> str:
    tag = "ol" if numbered else "ul"
    kind = ' class="indented"' if indented else ""
    return f"<{tag}{kind}>{''.join(f'<li>{_html(item)}</li>' for item in items)}</{tag}>"


def _quote(block: Block, indented: bool) -> str:
    words = "".join(f"<p>{_html(text)}</p>" for text in block.items)
    said = f"<figcaption>\u2014 {_html(block.text)}</figcaption>" if block.text else ""
    kind = "quote indented" if indented else "quote"
    return f'<figure class="{kind}"><blockquote>{words}</blockquote>{said}</figure>'


def _narrative_table(block: Block) -> str:
    """A table written in the narrative: header cells for its columns, no caption (it is not
    a numbered table), cells aligned as its separator row says."""
    kinds = [{"right": ' class="num"', "centre": ' class="centre"'}.get(align, "") for align in block.aligns]
    head = "".join(_column_head(_html(cell), column, kind)
                   for column, (cell, kind) in enumerate(zip(block.items, kinds, strict=True)))  # fmt: skip
    body = "".join("<tr>" + "".join(f"<td{kind}>{_html(cell)}</td>" for cell, kind in zip(row, kinds, strict=True))
                   + "</tr>" for row in block.rows)  # fmt: skip
    return f'<table class="narrative"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _picture_note(problem: str, ref: PictureRef, hidden: str = "") -> str:
    return f'<p class="picture-note"{hidden}>{escape(problem.format(name=ref.name))}</p>'


def _table(caption: str, header: Sequence[str], rows: Sequence[Sequence[Any]],
           groups: Sequence[tuple[str, int]] | None, total_row: bool,
           spans: Sequence[tuple[int, int, int]] = ()) -> str:  # fmt: skip
    shown = [[cell_text(v) for v in row] for row in rows]
    numeric = numeric_columns(shown, len(header))  # aligned by column, as in the PDF
    head = "<tr>" + "".join(_group_head(name, span) for name, span in groups) + "</tr>" if groups else ""
    head += "<tr>" + "".join(_column_head(escape(str(h)), column, ' class="num"' if numeric[column] else "")
                             for column, h in enumerate(header)) + "</tr>"  # fmt: skip
    body = []
    for index, texts in enumerate(shown):
        merged = {first: last for r, first, last in spans if r == index}
        covered = {c for first, last in merged.items() for c in range(first + 1, last + 1)}
        # a row without a name heads nothing: a data cell (a header cell must say what it heads)
        cells = [f'<th scope="row">{escape(texts[0])}</th>' if texts[0].strip() else "<td></td>"]
        for column, text in enumerate(texts[1:], start=1):
            if column in covered:
                continue
            span = f' colspan="{merged[column] - column + 1}"' if column in merged else ""
            kind = ' class="num"' if numeric[column] else ""
            cells.append(f"<td{kind}{span}>{escape(text)}</td>")
        strong = ' style="font-weight:bold"' if total_row and index == len(rows) - 1 else ""
        body.append(f"<tr{strong}>{''.join(cells)}</tr>")
    return f"<table><caption>{escape(caption)}</caption><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


def _group_head(name: str, span: int) -> str:
    """A heading over ``span`` columns; one without a name (over the rows' names) heads
    nothing, so it is a data cell."""
    colspan = f' colspan="{span}"' if span > 1 else ""
    return f'<th scope="colgroup"{colspan}>{escape(name)}</th>' if name.strip() else f"<td{colspan}></td>"


def _column_head(content: str, column: int, kind: str = "") -> str:
    """A column's header cell holding ``content`` (HTML); an empty one still names its column,
    to a screen reader only."""
    shown = content if content.strip() else f'<span class="visually-hidden">Column {column + 1}</span>'
    return f'<th scope="col"{kind}>{shown}</th>'
