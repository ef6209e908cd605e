"""reportlab's Paragraph, its lines broken once per width, its text tagged as it draws.

The page layout asks most paragraphs for their size more than once at the same width (a
heading chained to a caption and a table is measured as a group and then alone; a table
measures its cells again when it is placed), and reportlab breaks the lines again each time:
about half of all line breaking in a report. The result depends only on the text, the style
and the width, so it is kept for the last width asked.

Drawn on a tagging canvas, a paragraph's text is marked for its :attr:`Paragraph.tag`'s
structure element (a paragraph of its own when it has none; the cell's, in a table cell),
its links for Link elements inside it, the whole text for one when it is one link alone
(see :mod:`opcc_desktop.documents.pdf.tagging`).
"""

from __future__ import annotations

import re

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable
from reportlab.platypus import Paragraph as _ReportlabParagraph

from opcc_desktop.documents.markup import printed
from opcc_desktop.documents.pdf.tagging import Tag, tagger_of

__all__ = ["Paragraph"]

_LINK = re.compile(r'<a href="[^"]*">(.*?)</a>', re.DOTALL)
_ONE_LINK = re.compile(r'<a href="[^"]*">(?:(?!</a>).)*</a>', re.DOTALL)


class Paragraph(_ReportlabParagraph):
    """A drop-in for reportlab's, remembering its lines for the last width it was wrapped to,
    and tagged as ``tag`` says."""

    tag: Tag | None = None
    links: tuple[str, ...] = ()  # the text of each of its links, in order: their descriptions
    one_link = False  # its text is one link alone

    def __init__(self, text: str | None, *args: object, **kwargs: object) -> None:
        super().__init__(text, *args, **kwargs)
        if text and "<a href" in text:
            self.links = tuple(printed(label) for label in _LINK.findall(text))
            self.one_link = _ONE_LINK.fullmatch(text.strip()) is not None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        last = self.__dict__.get("_wrapped")
        # split() drops blPara (the broken lines) when it gives up, so check they are still there
        if last is None or last[0] != availWidth or "blPara" not in self.__dict__:
            last = self._wrapped = (availWidth, super().wrap(availWidth, availHeight))
        return last[1]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """The parts of a paragraph split between pages are one element: they share a tag."""
        parts = super().split(availWidth, availHeight)
        if len(parts) > 1:
            tag = self.tag = self.tag or Tag("P")
            for part in parts:
                part.tag, part.links, part.one_link = tag, self.links, self.one_link
        return parts

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        tagger = tagger_of(canvas)
        if tagger is None:
            super().drawOn(canvas, x, y, _sW)
            return
        tagger.begin_text(canvas, self.tag, self.links, one_link=self.one_link)
        super().drawOn(canvas, x, y, _sW)
        tagger.end(canvas)
