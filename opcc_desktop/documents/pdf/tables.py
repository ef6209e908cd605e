"""Tables in the house style.

Header row(s) in white on dark blue, repeated at the top of every page the table runs onto;
zebra rows so a long row can be followed across; numbers right-aligned (so digits line up);
long text wrapped inside its cell; columns sized from their content to fill the text width.

Cells are printed exactly as given: strings, ints (thousands separators) or any object with a
``text`` attribute (``figures.Cell``). Floats are refused: the documents' rounding rules
(one decimal place, half-up) belong to ``figures``, not to the layout.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Literal

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Table, TableStyle

from opcc_desktop.documents.cells import CellValue, cell_text
from opcc_desktop.documents import markup
from opcc_desktop.documents.pdf import fonts
from opcc_desktop.documents.pdf.paragraph import Paragraph
from opcc_desktop.documents.pdf.tagging import TableTags, Tag
from opcc_desktop.documents.pdf.styles import (
    ACCENT,
    CONTENT_WIDTH,
    RULE,
    TABLE_SIZE,
    TEXT,
    WHITE,
    ZEBRA,
    house_styles,
)

Align = Literal["left", "right", "centre"]


PAD_X = 5.0
PAD_Y = 3.5
# What a figure looks like once printed: "1,234", "-12.5%", "£1.009M", "12.3% (p)"; and the
# markers that stand in a numeric column: "-", "*", "<5", "n/a", "" (not yet due) and the KPI
# tables' "Measurement under development".
_NUMBER = re.compile(r"^[-+\u2212]?[£$€]?\d[\d,]*(\.\d+)?\s?(%|[kKmMbB]|bn)?( \([pr]\)| \[[pr]\])?$")
_MARKER = re.compile(r"^(-|\u2013|\u2014|\*|<\s?\d+|n/a|\[[cxz]\]|Measurement under development|)$")


@functools.lru_cache(maxsize=4096)
def _text_width(text: str, font: str) -> float:
    """``text``'s width at the table size. A table measures each cell more than once (whole,
    word by word, to see if it fits), and tables repeat texts: "-", "*", "0.0%"."""
    return stringWidth(text, font, TABLE_SIZE)


def numeric_columns(rows: Sequence[Sequence[str]], width: int) -> list[bool]:
    """True for each of ``width`` columns whose cells are all figures or markers (and one a
    figure)."""
    result = []
    for c in range(width):
        texts = [r[c].strip() for r in rows if c < len(r)]
        result.append(
            any(_NUMBER.match(t) for t in texts) and all(_NUMBER.match(t) or _MARKER.match(t) for t in texts)
        )
    return result


def _measure(header: Sequence[str], body: Sequence[Sequence[str]],
             numeric: Sequence[bool]) -> tuple[list[float], list[float]]:
    """Per column: the widest unwrapped text, and the widest single word (narrower than that
    a word would be broken), padding included. Headers over figures count as wrapped."""
    n = len(header)
    natural = [0.0] * n
    minimum = [0.0] * n
    for row_no, row in enumerate([header, *body]):
        font = fonts.BOLD if row_no == 0 else fonts.REGULAR
        for c, text in enumerate(row):
            words = text.split() or [""]
            nat = _text_width(text, font) + 2 * PAD_X
            low = max(_text_width(w, font) for w in words) + 2 * PAD_X
            if row_no == 0 and numeric[c]:
                nat = low  # a long header over a column of short figures wraps
            natural[c] = max(natural[c], nat)
            minimum[c] = max(minimum[c], low)
    return natural, minimum


def natural_width(header: Sequence[str], rows: Sequence[Sequence[CellValue]]) -> float:
    """How wide the table would be with no text wrapped (points)."""
    body = [[cell_text(v) for v in row] for row in rows]
    return sum(_measure([str(h) for h in header], body, numeric_columns(body, len(header)))[0])


def _widths(header: Sequence[str], body: Sequence[Sequence[str]], numeric: Sequence[bool],
            total: float) -> list[float]:
    """Column widths filling ``total``: figure columns as wide as their figures (headers wrap
    at word boundaries), text columns share the rest in proportion to their content."""
    n = len(header)
    natural, minimum = _measure(header, body, numeric)
    natural = [min(w, total) for w in natural]
    minimum = [min(w, total) for w in minimum]
    text_cols = [c for c in range(n) if not numeric[c]] or list(range(n))
    fixed = sum(natural[c] for c in range(n) if c not in text_cols)
    room = total - fixed
    want = sum(natural[c] for c in text_cols)
    widths = list(natural)
    if want <= room:  # everything fits on one line: spread the spare width over text columns
        unwrap = {c: _text_width(header[c], fonts.BOLD) + 2 * PAD_X - natural[c]
                  for c in range(n) if c not in text_cols}
        unwrap = {c: w for c, w in unwrap.items() if w > 0}
        if sum(unwrap.values()) <= room - want:  # room to spare: figure headers on one line too
            for c, extra in unwrap.items():
                widths[c] += extra
            room -= sum(unwrap.values())
        for c in text_cols:
            widths[c] = natural[c] + (room - want) * natural[c] / want if want else room / len(text_cols)
        return widths
    floor = sum(minimum[c] for c in text_cols)
    if floor <= room:  # text columns wrap, but no word is broken
        # short columns ("Goal 1", "In progress") keep their natural width if it is within a
        # fair share of what is left; the long ones share the rest and wrap
        left = room
        ordered = sorted(text_cols, key=lambda c: natural[c])
        for i, c in enumerate(ordered):
            share = left / (len(ordered) - i)
            widths[c] = min(natural[c], max(share, minimum[c]))
            left -= widths[c]
        if left >= -0.01 and all(widths[c] >= minimum[c] - 0.01 for c in text_cols):
            return widths
        stretch = sum(natural[c] - minimum[c] for c in text_cols)
        for c in text_cols:
            widths[c] = minimum[c] + (room - floor) * (natural[c] - minimum[c]) / stretch
        return widths
    scale = total / sum(natural)  # too many columns for the page: shrink all, words break
    return [w * scale for w in natural]


def house_table(
    header: Sequence[str],
    rows: Sequence[Sequence[CellValue]],
    *,
    col_widths: Sequence[float] | None = None,
    align: Sequence[Align] | None = None,
    width: float = CONTENT_WIDTH,
    groups: Sequence[tuple[str, int]] | None = None,
    total_row: bool = False,
    tag: Tag | None = None,
) -> Table:
    """A table flowable in the house style, tagged as a table (``tag``: its Table's tag,
    for a caption to join; see :class:`~opcc_desktop.documents.pdf.tagging.TableTags`).

    ``align``: one of "left"/"right"/"centre" per column; by default columns of figures are
    right-aligned and the rest left-aligned. ``col_widths`` (points) overrides the automatic
    widths. ``groups``: an extra header row above ``header`` of (label, number of columns
    spanned), e.g. ``[("", 1), ("2020/21", 4), ("2021/22", 4)]``. ``total_row`` sets the last
    row in bold under a rule.
    """
    st = house_styles()
    head = [str(h) for h in header]
    body = [[cell_text(v) for v in row] for row in rows]
    n = len(head)
    for i, row in enumerate(body):
        if len(row) != n:
            raise ValueError(f"row {i + 1} has {len(row)} cells; the header has {n}")
    numeric = numeric_columns(body, n) if align is None else [a == "right" for a in align]
    if align is not None and len(align) != n:
        raise ValueError(f"{len(align)} alignments for {n} columns")
    aligns: list[Align] = list(align) if align is not None else ["right" if x else "left" for x in numeric]
    if col_widths is not None:
        if len(col_widths) != n:
            raise ValueError(f"{len(col_widths)} column widths for {n} columns")
        widths = [float(w) for w in col_widths]
    else:
        widths = _widths(head, body, numeric, width)

    n_head = 1 + (groups is not None)
    data: list[list[object]] = []
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, TABLE_SIZE, 12),
        ("TEXTCOLOR", (0, 0), (-1, -1), TEXT),
        ("FONT", (0, 0), (-1, n_head - 1), fonts.BOLD, TABLE_SIZE, 12),
        ("TEXTCOLOR", (0, 0), (-1, n_head - 1), WHITE),
        ("BACKGROUND", (0, 0), (-1, n_head - 1), ACCENT),
        ("VALIGN", (0, 0), (-1, n_head - 1), "BOTTOM"),
        ("VALIGN", (0, n_head), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y + 1),
        ("ROWBACKGROUNDS", (0, n_head), (-1, -1), [WHITE, ZEBRA]),
        ("LINEBELOW", (0, -1), (-1, -1), 0.75, RULE),
    ]
    for c, a in enumerate(aligns):
        commands.append(("ALIGN", (c, 0), (c, -1), {"left": "LEFT", "right": "RIGHT", "centre": "CENTER"}[a]))
    if groups is not None:
        if sum(span for _, span in groups) != n:
            raise ValueError("the column groups must span every column exactly once")
        row: list[object] = []
        start = 0
        for label, span in groups:
            row.append(label)
            row.extend([""] * (span - 1))
            if span > 1:
                commands.append(("SPAN", (start, 0), (start + span - 1, 0)))
                commands.append(("ALIGN", (start, 0), (start + span - 1, 0), "CENTER"))
            if label and start:
                commands.append(("LINEBEFORE", (start, 0), (start, -1), 0.75, RULE))
            start += span
        data.append(row)
    last = len(body) - 1
    for r, texts in enumerate([head, *body]):
        is_head = r == 0
        bold = is_head or (total_row and r - 1 == last)
        out: list[object] = []
        for c, text in enumerate(texts):
            font = fonts.BOLD if bold else fonts.REGULAR
            if "\n" not in text and _text_width(text, font) <= widths[c] - 2 * PAD_X:
                out.append(text)  # fits on one line: a plain string is drawn as is, never parsed
                continue
            right = aligns[c] == "right"
            style = (st.header_cell_right if right else st.header_cell) if is_head else (
                st.cell_right if right else st.cell)
            marked = markup.escape(text)
            out.append(Paragraph(f"<b>{marked}</b>" if bold and not is_head else marked, style))
        data.append(out)
    if total_row and body:
        commands.append(("FONT", (0, -1), (-1, -1), fonts.BOLD, TABLE_SIZE, 12))
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 1, TEXT))
    row_headers = not numeric[0] and any(numeric[1:])
    tags = TableTags(tag or Tag("Table"), n_head, row_headers)
    table = Table(data, colWidths=widths, repeatRows=n_head, hAlign="LEFT", renderCB=tags)
    table.setStyle(TableStyle(commands))
    return table
