"""The house style: page geometry, colours and paragraph styles, in one place.

Sizes follow UK public-sector accessibility guidance for documents: body text at 11 pt with
generous leading, nothing below 8 pt, dark text on white, headings in the palette's dark blue
(contrast ratio above 10:1 with white).
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
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
PANEL = colors.HexColor("#EAF1F8")  # a case study's shading: the accent, faint
WATERMARK = colors.HexColor("#505A5F")  # a draft's diagonal mark, drawn over the page, translucent
WHITE = colors.white

# -- sizes -------------------------------------------------------------------------------------
BODY_SIZE = 11
TABLE_SIZE = 9.5
SMALL_SIZE = 9
FURNITURE_SIZE = 8.5
CHART_SIZE = 8.5
PARAGRAPH_NUMBER_INDENT = 1.5 * cm  # a numbered paragraph's text, right of its number

# -- pictures (points) ---------------------------------------------------------------------------
# The largest box each role fills, keeping the picture's shape; a figure is never enlarged
# beyond its size at one pixel a point. Both editions place pictures by these.
FIGURE_MAX_HEIGHT = 9 * cm
PHOTO_WIDTH, PHOTO_MAX_HEIGHT = 4.5 * cm, 6 * cm
SIGNATURE_WIDTH, SIGNATURE_MAX_HEIGHT = 4 * cm, 2.5 * cm
_ROLE_BOXES = {"photo": (PHOTO_WIDTH, PHOTO_MAX_HEIGHT), "signature": (SIGNATURE_WIDTH, SIGNATURE_MAX_HEIGHT)}
PICTURE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


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
    toc3: ParagraphStyle
    numbered: ParagraphStyle
    quote: ParagraphStyle
    attribution: ParagraphStyle
    case_title: ParagraphStyle
    picture_note: ParagraphStyle
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
        toc3=style("TOC3", fontSize=10, leading=13.5, spaceBefore=0, leftIndent=36, firstLineIndent=0),
        numbered=style("Numbered", leftIndent=PARAGRAPH_NUMBER_INDENT, bulletIndent=0, bulletFontSize=BODY_SIZE),
        quote=style("Quote", fontSize=11.5, leading=16.5, spaceAfter=0),
        attribution=style("Attribution", fontSize=SMALL_SIZE + 1, leading=13.5, spaceAfter=0, textColor=MUTED),
        case_title=style("CaseTitle", fontName=fonts.BOLD, fontSize=12, leading=15.5, spaceAfter=6, keepWithNext=1,
                         textColor=ACCENT),
        picture_note=style("PictureNote", fontName=fonts.BOLD, fontSize=SMALL_SIZE, leading=12.5, spaceBefore=2),
        cover_office=style("CoverOffice", fontName=fonts.BOLD, fontSize=14, leading=18,
                           textColor=ACCENT, spaceAfter=26),
        cover_title=style("CoverTitle", fontName=fonts.BOLD, fontSize=28, leading=34,
                          textColor=ACCENT, spaceAfter=14),
        cover_subtitle=style("CoverSubtitle", fontSize=16, leading=21, spaceAfter=10),
        cover_detail=style("CoverDetail", fontSize=11, leading=15, textColor=MUTED, spaceAfter=4),
        cover_marking=style("CoverMarking", fontName=fonts.BOLD, fontSize=14, leading=18,
                            spaceBefore=24, spaceAfter=6),
    )


@functools.cache
def cell_style(align: str, *, header: bool) -> ParagraphStyle:
    """The paragraph style of a table cell aligned "left", "right" or "centre"."""
    st = house_styles()
    parent = st.header_cell if header else st.cell
    alignment = {"right": TA_RIGHT, "centre": TA_CENTER}.get(align, TA_LEFT)
    return ParagraphStyle(f"{parent.name}-{align}", parent=parent, alignment=alignment)


def picture_pixels(data: bytes) -> tuple[str, int, int] | None:
    """The mime type and pixel size of a PNG or JPEG picture; None for anything else, or for
    a PNG that fails its checksums (reportlab would fail on it mid-build)."""
    from PIL import Image  # only a document with pictures pays for it

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):  # OSError: not a picture
        return None
    mime = PICTURE_FORMATS.get(kind or "")
    return (mime, width, height) if mime and width and height else None


def picture_box(role: str, pixels: tuple[int, int], width: float) -> tuple[float, float]:
    """The size (points) a picture of ``pixels`` is printed at in its ``role``, in a column
    ``width`` wide: a photo 4.5 cm wide and a signature 4 cm wide (each within its height,
    and enlarged if need be so all photos match), a figure up to the column's width and 9 cm
    high (never enlarged, which would blur it)."""
    across, down = pixels
    box_width, box_height = _ROLE_BOXES.get(role, (width, FIGURE_MAX_HEIGHT))
    scale = min(min(box_width, width) / across, box_height / down)
    if role not in _ROLE_BOXES:
        scale = min(scale, 1.0)
    return across * scale, down * scale
