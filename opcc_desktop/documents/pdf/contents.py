"""The contents page, laid out in the same single pass as the rest of the document.

The entries (the numbered headings) are known before the build; only their page numbers are
not. So each entry is laid out at once, and where its dot leader and page number go the page
draws a PDF form, ``toc-<key>``, that :meth:`Contents.define_forms` fills in once the build
knows every heading's page (a PDF may use a form before defining it). The result looks as
reportlab's ``TableOfContents`` (dot leaders, right-aligned page numbers, each line a link to
its heading), without the second layout pass that ``TableOfContents`` needs.

Tagged, the contents are a TOC of TOCI items, each a Link (its text, its page number and
both its link annotations) to its heading.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from opcc_desktop.documents.markup import printed
from opcc_desktop.documents.pdf.paragraph import Paragraph
from opcc_desktop.documents.pdf.tagging import Tag

__all__ = ["Contents", "Entry"]

LEADER = " . "
CALLBACK = "contentsEntryEnd"


class Entry(NamedTuple):
    """One line of the contents: ``text`` is paragraph markup (escaped); ``key`` names the
    heading's destination."""

    level: int
    text: str
    key: str


def _form_name(key: str) -> str:
    return f"toc-{key}"


class Contents(Flowable):
    """The contents as a table of paragraphs, one per entry, each ending in its form."""

    def __init__(self, entries: Sequence[Entry], level_styles: Sequence[ParagraphStyle],
                 table_style: TableStyle) -> None:
        super().__init__()
        self.level_styles = level_styles
        self.table_style = table_style
        self._levels = {entry.key: entry.level for entry in entries}
        self._rows = self._layout(entries)
        self._ends: dict[str, tuple[float, float]] = {}  # key: where its text ends, as drawn
        self._width = 0.0
        self._table: Table | None = None

    def _layout(self, entries: Sequence[Entry]) -> list[list[Flowable]]:
        rows: list[list[Flowable]] = []
        toc = Tag("TOC")
        for entry in entries:
            style = self.level_styles[entry.level]
            text = f'<a href="#{entry.key}">{entry.text}</a><onDraw name="{CALLBACK}" label="{entry.key}"/>'
            if style.spaceBefore:
                rows.append([Spacer(1, style.spaceBefore)])
            line = Paragraph(text, style)
            line.tag = Tag("Link", Tag("TOCI", toc), alt=printed(entry.text))
            rows.append([line])
        return rows or [[Spacer(0, 0)]]  # a document without sections still gets its contents page

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803 - reportlab's names
        self.canv.setNamedCB(CALLBACK, self._entry_end)
        if self._table is None or self._width != aW:
            self._width = aW
            self._table = Table(self._rows, colWidths=(aW,), style=self.table_style)
        self.width, self.height = self._table.wrapOn(self.canv, aW, aH)
        return self.width, self.height

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 - reportlab's names
        assert self._table is not None
        return self._table.splitOn(self.canv, aW, aH)

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        assert self._table is not None
        self._table.drawOn(canvas, x, y, _sW)

    def _entry_end(self, canv: Canvas, kind: str, key: str) -> None:
        """Called as an entry's paragraph is drawn, where its text ends: the form for the
        leader and page number goes here, and the rest of the line links to the heading."""
        info = canv._curr_tx_info  # the paragraph's text position, set by reportlab for callbacks
        x, y = info["cur_x"], info["cur_y"]
        self._ends[key] = (x, y)
        canv.doForm(_form_name(key))
        leading = self.level_styles[self._levels[key]].leading
        canv.linkRect("", key, (x, y, self._width, y + leading), relative=1)

    def define_forms(self, canv: Canvas, pages: Mapping[str, int]) -> None:
        """Fill in the form of every entry drawn, now that ``pages`` gives each heading's page."""
        for key, (x, y) in self._ends.items():
            canv.beginForm(_form_name(key))
            _leader(canv, self.level_styles[self._levels[key]], str(pages[key]), x, y, self._width)
            canv.endForm()


def _leader(canv: Canvas, style: ParagraphStyle, page: str, x: float, y: float, width: float) -> None:
    """Dots from ``x`` and ``page`` right-aligned at ``width``, on the baseline ``y``, as
    reportlab's ``drawPageNumbers`` draws them (a number too wide for the room shrinks)."""
    size = style.fontSize
    page_width = stringWidth(page, style.fontName, size)
    while page_width > width - x and size >= 1.0:
        size *= 0.9
        page_width = stringWidth(page, style.fontName, size)
    dot_width = stringWidth(LEADER, style.fontName, size)
    dots = int((width - x - page_width) / dot_width)
    text = canv.beginText(width - dots * dot_width - page_width, y)
    text.setFont(style.fontName, size)
    text.setFillColor(style.textColor)
    text.textLine(dots * LEADER + page)
    canv.drawText(text)
