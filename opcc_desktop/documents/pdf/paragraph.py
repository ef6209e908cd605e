"""reportlab's Paragraph, its lines broken once per width.

The page layout asks most paragraphs for their size more than once at the same width (a
heading chained to a caption and a table is measured as a group and then alone; a table
measures its cells again when it is placed), and reportlab breaks the lines again each time:
about half of all line breaking in a report. The result depends only on the text, the style
and the width, so it is kept for the last width asked.
"""

from __future__ import annotations

from reportlab.platypus import Paragraph as _ReportlabParagraph

__all__ = ["Paragraph"]


class Paragraph(_ReportlabParagraph):
    """A drop-in for reportlab's, remembering its lines for the last width it was wrapped to."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        last = self.__dict__.get("_wrapped")
        # split() drops blPara (the broken lines) when it gives up, so check they are still there
        if last is None or last[0] != availWidth or "blPara" not in self.__dict__:
            last = self._wrapped = (availWidth, super().wrap(availWidth, availHeight))
        return last[1]
