"""The accessible HTML edition of a public document: one self-contained file.

It has the same writing API as :class:`opcc_desktop.documents.pdf.ReportDocument` (section, subsection,
heading, paragraphs, bullets, note, table, chart, build), so a report builder writes each
document once and either class renders it. GOV.UK prefers HTML because, unlike reportlab's
PDF, it carries real structure: semantic headings, tables with header cells, and each chart
as inline SVG with a text alternative and its data table.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from ..figures.charts import PALETTE, ChartSpec
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
)
from .pdf.styles import CONTENT_WIDTH, picture_box, picture_pixels
from .pdf.tables import cell_text, numeric_columns
from .release import DRAFT_PREFIX

STYLE = """
body{font-family:"Liberation Sans",Arial,sans-serif;color:#0b0c0c;max-width:52rem;margin:2rem auto;
padding:0 1rem;line-height:1.5}h1{font-size:2rem}h2{margin-top:2.5rem;border-bottom:2px solid #12436D}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}caption{text-align:left;font-weight:bold;
padding:.4rem 0}th,td{border-bottom:1px solid #b1b4b6;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1.5rem 0}
figcaption{font-weight:bold}.note{border-left:4px solid #12436D;background:#f3f2f1;padding:.6rem 1rem}
.marking{font-weight:bold;text-align:center;letter-spacing:.05em}nav ul{list-style:none;padding-left:0}
.draft{border:4px solid #0b0c0c;padding:.6rem 1rem;font-size:1.25rem;font-weight:bold;text-align:center}
.source{font-size:.9rem;color:#505a5f}.data-link{font-weight:bold}
.numbered{padding-left:3.5rem;text-indent:-3.5rem}.para-number{display:inline-block;width:3.5rem;text-indent:0}
ul.indented,ol.indented{margin-left:3.5rem}.quote.indented{margin-left:4.7rem}td.centre,th.centre{text-align:center}
.quote{margin:1rem 0 1.5rem 1.2rem;border-left:4px solid #12436D;padding-left:1rem}.quote blockquote{margin:0}
.quote figcaption{font-weight:normal;color:#505a5f}.picture-note{font-weight:bold}
.case-study{border:2px solid #12436D;background:#eaf1f8;padding:.2rem 1.2rem .6rem;margin:1.5rem 0}
img{max-width:100%;height:auto}.picture-photo{float:left;margin:.3rem 1.2rem .6rem 0}.with-photo{display:flow-root}
"""
DRAFT_BANNER = '<p class="draft" role="note">DRAFT: this document is a draft, not the published edition.</p>'


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
        self.data_tables: list[DataTable] = []  # every numbered table and chart, as data
        self._data_link = ""
        self._body: list[str] = []
        self._contents: list[tuple[int, str, str]] = []
        self.numbers = Numbering()

    # -- structure -------------------------------------------------------------------------
    # A heading at outline level L (as in the PDF's bookmarks) is an h(L+2): the title is the
    # h1 and a section an h2, so the levels never jump.
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
        tag = f"h{min(level + 2, 6)}"
        self._body.append(f"<{tag}{ident}>{escape(text)}</{tag}>")
        if in_contents:
            self._contents.append((level, text, anchor))

    def back_page(self, title: str) -> None:
        """The last page (the contact page) under ``title``: unnumbered, and so is all after it."""
        self.page_break()
        self.numbers.back_matter()
        self.heading(title)

    def page_break(self) -> None:
        """Pages do not exist in HTML."""

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
            return _narrative_table(block)
        if kind == "image":
            return self._picture(block, numbered)
        if kind == "case_study":
            return self._case_study(block)
        return f"<h{heading}>{escape(block.text)}</h{heading}>"

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
        level = min(self.numbers.last_level + 3, 6)
        title = f"Case study: {block.text}" if block.text else "Case study"
        inner = "".join(self._block(child, numbered=False, heading=min(level + 1, 6)) for child in block.blocks)
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

    def note(self, text: str, *, label: str = "Note") -> None:
        level = min(self.numbers.last_level + 3, 6)
        inner = "".join(self._block(block, numbered=False, heading=level) for block in parse(text))
        self._body.append(f'<aside class="note" aria-label="{escape(label)}"><strong>{escape(label)}:</strong>{inner}</aside>')

    # -- figures and tables ----------------------------------------------------------------------
    def table(self, caption: str, header: Sequence[str], rows: Sequence[Sequence[Any]], *,
              col_widths: Any = None, align: Any = None, groups: Sequence[tuple[str, int]] | None = None,
              total_row: bool = False, footnote: str = "", spans: Sequence[tuple[int, int, int]] = (),
              source: str = "") -> int:  # fmt: skip
        number = self.numbers.table()
        self._body.append(_table(f"Table {number}: {caption}", header, rows, groups, total_row, spans))
        if footnote:
            self._body.append(f"<p><small>{_html(inline(footnote))}</small></p>")
        self._body.append(_source(source))
        self.data_tables.append(table_data(number, caption, header, rows, groups=groups, footnote=footnote,
                                           source=source))  # fmt: skip
        return number

    def plain_table(self, lead_in: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self._body.append(_table(lead_in, header, rows, None, False))

    def chart(self, caption: str, spec: ChartSpec, *, alternative: str = "table", source: str = "") -> int:
        number = self.numbers.figure()
        label = f"Figure {number}: {caption}"
        header, rows = spec.as_table()
        self._body.append(
            f"<figure><figcaption>{escape(label)}</figcaption>{svg_chart(spec)}"
            f"<p>{escape(spec.alt_text())}</p>{_table(f'Data for {label}', header, rows, None, False)}"
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
        marking = f'<p class="marking">{escape(self.marking)}</p>' if self.marking else ""
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
            f"<style>{STYLE}</style></head><body>{DRAFT_BANNER if self.draft else ''}{marking}{self._masthead()}"
        )
        nav = f'<nav aria-label="Contents"><h2>Contents</h2><ul>{contents}</ul></nav>' if contents else ""
        return f"{head}{nav}<main>{self._data_link}{''.join(self._body)}</main>{marking}</body></html>\n"

    def _masthead(self) -> str:
        """The office, title, period and release dates."""
        dates = [f"{label}: {date}" for label, date in (("Published", self.published),
                                                         ("Next update", self.next_update)) if date]  # fmt: skip
        lines = "".join(f"<p>{escape(text)}</p>" for text in (self.subtitle, self.period, *dates) if text)
        return f"<header><p>{escape(self.office)}</p><h1>{escape(self.title)}</h1>{lines}</header>"

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
    """Paragraph markup from :func:`inline` as HTML: the same but for italics, ``<em>``.
    Only tags it made itself can match (typed ones are escaped)."""
    return markup.replace("<i>", "<em>").replace("</i>", "</em>")


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
    head = "".join(f'<th scope="col"{kind}>{_html(cell)}</th>' for cell, kind in zip(block.items, kinds, strict=True))
    body = "".join("<tr>" + "".join(f"<td{kind}>{_html(cell)}</td>" for cell, kind in zip(row, kinds, strict=True))
                   + "</tr>" for row in block.rows)  # fmt: skip
    return f'<table class="narrative"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _picture_note(problem: str, ref: PictureRef, hidden: str = "") -> str:
    return f'<p class="picture-note"{hidden}>{escape(problem.format(name=ref.name))}</p>'


def _table(caption: str, header: Sequence[str], rows: Sequence[Sequence[Any]],
           groups: Sequence[tuple[str, int]] | None, total_row: bool,
           spans: Sequence[tuple[int, int, int]] = ()) -> str:  # fmt: skip
    head = ""
    if groups:
        head += "<tr>" + "".join(f'<th scope="colgroup" colspan="{span}">{escape(name)}</th>'
                                 for name, span in groups) + "</tr>"  # fmt: skip
    head += "<tr>" + "".join(f'<th scope="col">{escape(str(h))}</th>' for h in header) + "</tr>"
    printed = [[cell_text(v) for v in row] for row in rows]
    numeric = numeric_columns(printed, len(header))  # aligned by column, as in the PDF
    body = []
    for index, texts in enumerate(printed):
        merged = {first: last for r, first, last in spans if r == index}
        covered = {c for first, last in merged.items() for c in range(first + 1, last + 1)}
        cells = [f'<th scope="row">{escape(texts[0])}</th>']
        for column, text in enumerate(texts[1:], start=1):
            if column in covered:
                continue
            span = f' colspan="{merged[column] - column + 1}"' if column in merged else ""
            kind = ' class="num"' if numeric[column] else ""
            cells.append(f"<td{kind}{span}>{escape(text)}</td>")
        strong = ' style="font-weight:bold"' if total_row and index == len(rows) - 1 else ""
        body.append(f"<tr{strong}>{''.join(cells)}</tr>")
    return f"<table><caption>{escape(caption)}</caption><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


def svg_chart(spec: ChartSpec) -> str:
    """The chart as inline SVG (bars horizontal, lines by period), labelled so colour is
    never the only cue: every bar carries its value and every series is named."""
    if spec.kind == "line":
        return _svg_lines(spec)
    return _svg_bars(spec)


def _svg_bars(spec: ChartSpec) -> str:
    label_w, bar_h, gap, width = 190, 16, 10, 640
    plot_w = width - label_w - 70
    per_cat = bar_h * len(spec.series) + gap
    height = per_cat * len(spec.categories) + 40
    top = max((v for s in spec.series for v in s.values if v is not None), default=0) or 1
    parts = []
    for ci, category in enumerate(spec.categories):
        y0 = 10 + ci * per_cat
        parts.append(f'<text x="{label_w - 6}" y="{y0 + per_cat / 2}" text-anchor="end" '
                     f'dominant-baseline="middle">{escape(category)}</text>')  # fmt: skip
        for si, series in enumerate(spec.series):
            value = series.values[ci]
            y = y0 + si * bar_h
            length = 0 if value is None else plot_w * value / top
            parts.append(f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h - 2}" '
                         f'fill="{PALETTE[si]}"><title>{escape(series.name)}: {escape(spec.label(si, ci))}</title></rect>')  # fmt: skip
            parts.append(f'<text x="{label_w + length + 4:.1f}" y="{y + bar_h / 2}" '
                         f'dominant-baseline="middle">{escape(spec.label(si, ci))}</text>')  # fmt: skip
    return _svg(spec, width, height + _legend_height(spec), parts + _legend(spec, height))


def _svg_lines(spec: ChartSpec) -> str:
    width, height, left, bottom = 640, 260, 60, 40
    values = [v for s in spec.series for v in s.values if v is not None]
    low, high = min(values, default=0), max(values, default=1)
    low, high = min(low, 0), high if high > low else low + 1
    step = (width - left - 20) / max(len(spec.categories) - 1, 1)

    def y_of(value: float) -> float:
        return 10 + (height - bottom - 10) * (1 - (value - low) / (high - low))

    parts = [f'<text x="{left + i * step:.1f}" y="{height - bottom + 18}" text-anchor="middle">{escape(c)}</text>'
             for i, c in enumerate(spec.categories)]  # fmt: skip
    for si, series in enumerate(spec.series):
        points = [(left + i * step, y_of(v)) for i, v in enumerate(series.values) if v is not None]
        dash = "" if si == 0 else ' stroke-dasharray="6 3"'
        parts.append(f'<polyline fill="none" stroke="{PALETTE[si]}" stroke-width="2"{dash} points="'
                     + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>')  # fmt: skip
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[si]}"/>' for x, y in points]
    return _svg(spec, width, height + _legend_height(spec), parts + _legend(spec, height))


def _legend_height(spec: ChartSpec) -> int:
    return 20 * len(spec.series)


def _legend(spec: ChartSpec, top: float) -> list[str]:
    return [f'<rect x="10" y="{top + 20 * i}" width="12" height="12" fill="{PALETTE[i]}"/>'
            f'<text x="28" y="{top + 20 * i + 10}">{escape(s.name)}</text>' for i, s in enumerate(spec.series)]  # fmt: skip


def _svg(spec: ChartSpec, width: float, height: float, parts: list[str]) -> str:
    return (f'<svg role="img" aria-label="{escape(spec.alt_text())}" viewBox="0 0 {width} {height:.0f}" '
            f'width="100%" font-size="12" xmlns="http://www.w3.org/2000/svg"><title>{escape(spec.title)}</title>'
            f"<desc>{escape(spec.alt_text())}</desc>{''.join(parts)}</svg>")  # fmt: skip
