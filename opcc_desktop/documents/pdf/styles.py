"""The house style: page geometry, colours and paragraph styles, in one place.

Sizes follow UK public-sector accessibility guidance for documents: body text at 11 pt with
generous leading, nothing below 8 pt, dark text on white, headings in the palette's dark blue
(contrast ratio above 10:1 with white).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm

from opcc_desktop.documents.pdf import fonts
from opcc_desktop.figures.charts import PALETTE

# -- page geometry (points) -----------------------------------------------------------------
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = MARGIN_RIGHT = 2 * cm
MARGIN_TOP = 2.6 * cm  # room for the running header (and a protective marking) above the text
MARGIN_BOTTOM = 2.4 * cm  # room for the footer (and the marking again) below it
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 17 cm
CONTENT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

# -- colours ----------------------------------------------------------------------------------
TEXT = colors.HexColor("#0B0C0C")
MUTED = colors.HexColor("#505A5F")  # secondary text (furniture, notes): 7:1 on white
ACCENT = colors.HexColor(PALETTE[0])
RULE = colors.HexColor("#B1B4B6")
ZEBRA = colors.HexColor("#F3F2F1")
GRID = colors.HexColor("#DEE0E2")
WATERMARK = colors.HexColor("#505A5F")  # a draft's diagonal mark, drawn over the page, translucent
WHITE = colors.white

# -- sizes -------------------------------------------------------------------------------------
BODY_SIZE = 11
TABLE_SIZE = 9.5
SMALL_SIZE = 9
FURNITURE_SIZE = 8.5
CHART_SIZE = 8.5


@dataclass(frozen=True)
class Styles:
    """Every paragraph style the documents use."""

    body: ParagraphStyle
    bullet: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    h4: ParagraphStyle
    caption: ParagraphStyle
    note: ParagraphStyle
    alt_text: ParagraphStyle
    source: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    header_cell: ParagraphStyle
    header_cell_right: ParagraphStyle
    toc_title: ParagraphStyle
    toc1: ParagraphStyle
    toc2: ParagraphStyle
    cover_office: ParagraphStyle
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_detail: ParagraphStyle
    cover_marking: ParagraphStyle


@functools.cache
def house_styles() -> Styles:
    """The styles, built once the house font is registered."""
    fonts.register_house_faces()
    base = ParagraphStyle(
        "Body", fontName=fonts.REGULAR, fontSize=BODY_SIZE, leading=15.5, textColor=TEXT,
        spaceAfter=7, alignment=TA_LEFT, bulletFontName=fonts.REGULAR,
        allowWidows=0, allowOrphans=0, linkUnderline=1,  # a link is told by more than its target
    )

    def style(name: str, parent: ParagraphStyle = base, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=parent, **kw)  # type: ignore[arg-type]

    heading = style("Heading", fontName=fonts.BOLD, textColor=ACCENT, keepWithNext=1)
    cell = style("Cell", fontSize=TABLE_SIZE, leading=12, spaceAfter=0)
    header_cell = style("HeaderCell", cell, fontName=fonts.BOLD, textColor=WHITE)
    return Styles(
        body=base,
        bullet=style("Bullet", spaceAfter=3),
        h1=style("H1", heading, fontSize=18, leading=23, spaceBefore=10, spaceAfter=10),
        h2=style("H2", heading, fontSize=14, leading=18, spaceBefore=10, spaceAfter=6),
        h3=style("H3", heading, fontSize=12, leading=15.5, spaceBefore=8, spaceAfter=4),
        h4=style("H4", heading, fontSize=11, leading=15, spaceBefore=6, spaceAfter=3, textColor=TEXT),
        caption=style("Caption", fontName=fonts.BOLD, fontSize=10, leading=13, spaceBefore=6,
                      spaceAfter=5, keepWithNext=1),
        note=style("Note", fontSize=SMALL_SIZE, leading=12.5, spaceAfter=0, textColor=TEXT),
        alt_text=style("AltText", fontSize=SMALL_SIZE, leading=12.5, textColor=MUTED, spaceBefore=3),
        source=style("Source", fontSize=SMALL_SIZE, leading=12.5, textColor=MUTED, spaceBefore=3, spaceAfter=0),
        cell=cell,
        cell_right=style("CellRight", cell, alignment=TA_RIGHT),
        header_cell=header_cell,
        header_cell_right=style("HeaderCellRight", header_cell, alignment=TA_RIGHT),
        toc_title=style("ContentsTitle", heading, fontSize=18, leading=23, spaceAfter=12),
        toc1=style("TOC1", fontName=fonts.BOLD, fontSize=11, leading=15, spaceBefore=5,
                   leftIndent=0, firstLineIndent=0),
        toc2=style("TOC2", fontSize=10.5, leading=14, spaceBefore=1, leftIndent=18, firstLineIndent=0),
        cover_office=style("CoverOffice", fontName=fonts.BOLD, fontSize=14, leading=18,
                           textColor=ACCENT, spaceAfter=26),
        cover_title=style("CoverTitle", fontName=fonts.BOLD, fontSize=28, leading=34,
                          textColor=ACCENT, spaceAfter=14),
        cover_subtitle=style("CoverSubtitle", fontSize=16, leading=21, spaceAfter=10),
        cover_detail=style("CoverDetail", fontSize=11, leading=15, textColor=MUTED, spaceAfter=4),
        cover_marking=style("CoverMarking", fontName=fonts.BOLD, fontSize=14, leading=18,
                            spaceBefore=24, spaceAfter=6),
    )
