"""A publication-ready A4 report, described in the order it reads.

    doc = ReportDocument("Annual Equality Monitoring Report", office="Office of the ...",
                         period="1 April 2020 to 31 March 2021")
    doc.section("Introduction")
    doc.paragraphs(narrative_text)              # officers' Markdown subset, escaped
    doc.section("Victims and Criminal Justice Services")
    doc.subsection("Service user demographic profile")
    doc.chart("2020-2021 Service User Age Breakdown", age_spec)      # Figure 1 + its data
    doc.table("2020-2021 Divert Participants", header, rows)         # Table 1
    doc.build("report.pdf")

What every document gets without the builder asking: a cover; a contents page with page
numbers (and links); numbered sections with PDF bookmarks; "Figure N:" / "Table N:" captions
counted in order; a running header and footer with "Page X of Y" on every page; the protective
marking (when set) at the top and bottom of every page, on the cover and in the metadata;
title, author, subject, keywords and language in the metadata; headings kept with what
follows; and byte-identical output for identical input (reportlab's ``invariant`` mode).

Every document is a tagged PDF (PDF/UA-1): its structure tree is recorded as the pages are
drawn (see :mod:`opcc_desktop.documents.pdf.tagging`) and written before the save, with the
XMP metadata (see :mod:`opcc_desktop.documents.pdf.metadata`). Headings are H1 to H6 by
their outline level, so the bookmarks and the headings agree.

One layout pass is enough: what is known only at the end, the page of each contents entry
and the page count in "Page X of Y", is drawn as PDF forms that the pages use where those
numbers go and that are defined once the pass is over (see :mod:`opcc_desktop.documents.pdf.contents`).
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Mapping, Sequence
from typing import Any, BinaryIO, Literal, NamedTuple

from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString, PDFZCompress
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    FrameBG,
    Image,
    ImageAndFlowables,
    Indenter,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import BulletDrawer, _FBGBag

from opcc_desktop.documents.data_tables import DataTable, chart_data, table_data
from opcc_desktop.documents.numbering import Heading, Numbering
from opcc_desktop.documents import markup
from opcc_desktop.documents.pdf import fonts
from opcc_desktop.documents.pdf.chart_drawing import draw_chart
from opcc_desktop.documents.pdf.contents import Contents, Entry
from opcc_desktop.documents.pdf.metadata import write_metadata
from opcc_desktop.documents.pdf.paragraph import Paragraph
from opcc_desktop.documents.pdf.structure import write_structure
from opcc_desktop.documents.pdf.styles import (
    ACCENT,
    BODY_SIZE,
    CONTENT_HEIGHT,
    CONTENT_WIDTH,
    FURNITURE_SIZE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PANEL,
    PARAGRAPH_NUMBER_INDENT,
    RULE,
    TEXT,
    WATERMARK,
    ZEBRA,
    cell_style,
    house_styles,
    picture_box,
    picture_pixels,
)
from opcc_desktop.documents.pdf.tables import Align, CellValue, house_table, natural_width
from opcc_desktop.documents.pdf.tagging import (
    ARTIFACT,
    FOOTER,
    HEADER,
    WATERMARK as WATERMARK_ARTIFACT,
    LayoutTags,
    Tag,
    TaggedCanvas,
    artifact,
    pdf_text,
    tagger_of,
)
from opcc_desktop.documents.release import DRAFT, DRAFT_PREFIX
from opcc_desktop.figures.charts import ChartSpec

__all__ = ["ReportDocument"]

Alternative = Literal["table", "text", "both"]
Target = str | os.PathLike[str] | BinaryIO

CREATOR = "OPCC Desktop"
SIDE_TABLE_MAX = 0.42 * CONTENT_WIDTH  # a chart's data table narrower than this sits beside it
CHART_GAP = 0.6 * cm
MIN_START = 5 * cm  # a group taller than a page starts mid-page only with this much room left
WATERMARK_SIZE = 150
WATERMARK_ALPHA = 0.14
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUOTE_INDENT = 0.6 * cm  # from the margin to a quote's rule
QUOTE_PADDING = 12  # from the rule to the quote's text
BOX_PADDING = 12  # inside a case study's border
PANEL_LEAD = 8  # a case study's panel above what it continues with at the top of a page


class Attachment(NamedTuple):
    """A file the PDF carries (see :meth:`ReportDocument.attach`)."""

    filename: str
    data: bytes
    description: str
    mime: str


class _Heading(Paragraph):
    """A heading that registers itself in the outline (PDF bookmarks) and, for numbered
    sections, in the contents. ``key`` names the destination the paragraph drops where it is
    drawn, so bookmarks and contents links land on the heading itself, not the page top."""

    def __init__(self, text: str, style: object, key: str, outline_level: int, in_contents: bool) -> None:
        super().__init__(f'<a name="{key}"/>{markup.escape(text)}', style)
        self.plain_text = text
        self.key = key
        self.outline_level = outline_level
        self.in_contents = in_contents
        self.tag = Tag(f"H{min(outline_level + 1, 6)}")


class _Picture(Image):
    """A picture tagged as a Figure with its alt text, which its marked content carries too,
    ``/Figure <</Alt (...) /MCID n>> BDC ... EMC``: a reader of the page's content finds the
    text alternative with the picture."""

    def __init__(self, data: bytes, width: float, height: float, alt: str) -> None:
        super().__init__(io.BytesIO(data), width, height, hAlign="LEFT")
        self.tag = Tag("Figure", alt=alt)

    def draw(self) -> None:
        tagger = tagger_of(self.canv)
        if tagger is None:
            super().draw()
            return
        tagger.begin_block(self.canv, self.tag, f"/Alt {pdf_text(self.tag.alt)} ")
        super().draw()
        tagger.end(self.canv)


def _tagged(paragraph: Paragraph, tag: Tag) -> Paragraph:
    paragraph.tag = tag
    return paragraph


class _List(ListFlowable):
    """reportlab's list, each number or bullet drawn as its item's Lbl."""

    def _makeBullet(self, value: object, params: object = None) -> BulletDrawer:  # noqa: N802 - reportlab's name
        return _Label(super()._makeBullet(value, params))


class _Label(BulletDrawer):
    """A list item's number or bullet (a copy of reportlab's drawer), tagged as the Lbl of
    the item whose text it is drawn beside."""

    def __init__(self, drawer: BulletDrawer) -> None:
        self.__dict__.update(drawer.__dict__)

    def drawOn(self, indenter: Flowable, canv: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        tagger = tagger_of(canv)
        if tagger is None:
            super().drawOn(indenter, canv, x, y, _sW)
            return
        tagger.begin_text(canv, Tag("Lbl", indenter._flowable.tag.parent))
        super().drawOn(indenter, canv, x, y, _sW)
        tagger.end(canv)


def _marked(text: str, style: object, bullet: str | None = None) -> Paragraph:
    """A paragraph of markup from :func:`markup.inline`. The italic faces are loaded only
    when it uses them: most documents never do, and loading them costs ~15 ms."""
    if "<i>" in text:
        fonts.register_fonts()
    return Paragraph(text, style, bulletText=bullet)


class _Panel(FrameBG):
    """The start of a case study's panel: reportlab's frame background, shaded and bordered,
    one rectangle on each page the box reaches, grown as its content is drawn. What the box
    holds is tagged inside a Div, until :class:`_PanelEnd`."""

    def draw(self) -> None:
        tagger = tagger_of(self.canv)
        if tagger is not None:
            tagger.open_container(Tag("Div"))
        super().draw()
        bags = getattr(getattr(self, "_frame", None), "_frameBGs", None)
        if bags:
            bags[-1] = _PanelBag(**vars(bags[-1]))


class _PanelEnd(FrameBG):
    """The end of a case study's panel, and of its Div."""

    def __init__(self) -> None:
        super().__init__(start=False)

    def draw(self) -> None:
        super().draw()
        tagger = tagger_of(self.canv)
        if tagger is not None:
            tagger.close_container()


class _PanelBag(_FBGBag):
    """One page's panel. On a page the box continues onto, the frame puts the first thing
    flush with its top, so the panel reaches a little above it: nothing touches the border."""

    def render(self, canv: Canvas, frame: Frame, fbx: float, fby: float, fbw: float, fbh: float) -> None:
        """The panel is decoration: the first time it is drawn on a page, as an artifact
        (after that reportlab only grows the rectangle it drew, which it finds by position)."""
        if self.pn not in (-1, canv.getPageNumber()):  # -1: the box's first page, not yet drawn
            fbh += PANEL_LEAD
        start = len(canv._code)
        super().render(canv, frame, fbx, fby, fbw, fbh)
        if len(canv._code) > start:
            canv._code.insert(start, ARTIFACT)
            canv._code.append("EMC")
            self.codePos += 1


class _Beside(Flowable):
    """A photo with the text after it flowing beside it (reportlab's ImageAndFlowables), in a
    wrapper that a heading above can be kept with: reportlab keeps no container with what
    precedes it, so a heading or a case study's title would be left at the foot of a page."""

    def __init__(self, image: Image, text: list[Flowable]) -> None:
        super().__init__()
        self.flow = ImageAndFlowables(image, text, imageRightPadding=12, imageBottomPadding=8, imageSide="left")

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803 - reportlab's names
        self.width, self.height = self.flow.wrapOn(self.canv, aW, aH)
        return self.width, self.height

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 - reportlab's names
        return self.flow.splitOn(self.canv, aW, aH)

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        self.flow.drawOn(canvas, x, y, _sW)

    def getSpaceBefore(self) -> float:  # noqa: N802 - reportlab's names
        return float(self.flow.getSpaceBefore())

    def getSpaceAfter(self) -> float:  # noqa: N802 - reportlab's names
        return float(self.flow.getSpaceAfter())


class _Outside(Flowable):
    """A flowable from outside the house builders (see :meth:`ReportDocument.flowable`),
    which does not tag itself: all it draws is one marked sequence of ``tag``'s element, and
    so is each part it splits into."""

    def __init__(self, item: Flowable, tag: Tag) -> None:
        super().__init__()
        self.item = item
        self.tag = tag

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803 - reportlab's names
        self.width, self.height = self.item.wrapOn(self.canv, aW, aH)
        return self.width, self.height

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 - reportlab's names
        return [_Outside(part, self.tag) for part in self.item.splitOn(self.canv, aW, aH)]

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        tagger = tagger_of(canvas)
        if tagger is not None:
            tagger.begin_block(canvas, self.tag)
        self.item.drawOn(canvas, x, y, _sW)
        if tagger is not None:
            tagger.end(canvas)

    def getSpaceBefore(self) -> float:  # noqa: N802 - reportlab's names
        return float(self.item.getSpaceBefore())

    def getSpaceAfter(self) -> float:  # noqa: N802 - reportlab's names
        return float(self.item.getSpaceAfter())

    def getKeepWithNext(self) -> bool:  # noqa: N802 - reportlab's names
        return bool(self.item.getKeepWithNext())


class _Padding(Spacer):
    """Space that is dropped at the foot of a page rather than carried to the top of the
    next (where, at the end of a case study, it would draw a sliver of empty panel)."""

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 - reportlab's names
        return [Spacer(1, 0)]


class _KeepTogether(KeepTogether):
    """reportlab's KeepTogether, except that a group taller than a whole page (a heading,
    caption and long table) starts where it is when there is room for its first few lines,
    instead of leaving the rest of the page blank; the table then splits, repeating its
    header. Used for every keepWithNext group."""

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 - reportlab's names
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if self._H > CONTENT_HEIGHT and aH >= MIN_START:
            return self._content[:]
        return super().split(aW, aH)


class _Template(BaseDocTemplate):
    """Page templates, furniture, outline and contents entries for one :class:`ReportDocument`."""

    def __init__(self, target: Target, report: ReportDocument) -> None:
        self.report = report
        self.heading_pages: dict[str, int] = {}  # key: the page the heading is on
        super().__init__(
            target,
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
            title=report.metadata_title, author=report.office, subject=report.metadata_subject,
            keywords=report.metadata_keywords, creator=CREATOR, lang=report.language,
            invariant=1, displayDocTitle=1, initialFontName=fonts.REGULAR, initialFontSize=BODY_SIZE,
            keepTogetherClass=_KeepTogether,
        )

        def frame(name: str) -> Frame:
            return Frame(MARGIN_LEFT, MARGIN_BOTTOM, CONTENT_WIDTH, CONTENT_HEIGHT, id=name,
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

        self.addPageTemplates([
            PageTemplate("cover", [frame("cover")], onPage=self._cover_furniture, onPageEnd=self._page_end),
            PageTemplate("body", [frame("body")], onPage=self._furniture, onPageEnd=self._page_end),
        ])

    def beforeDocument(self) -> None:
        self.canv.showOutline()  # open the bookmarks pane: the outline is the navigation

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            self.canv.addOutlineEntry(flowable.plain_text, flowable.key, level=flowable.outline_level,
                                      closed=flowable.outline_level > 0)
            self.heading_pages[flowable.key] = self.page

    def render(self, story: list[Flowable], contents: Contents) -> int:
        """Lay out and draw ``story`` in one pass, then define the forms its pages use for
        the numbers known only now, write the structure tree and metadata, and save.
        Returns the number of pages."""
        self._doSave = 0  # reportlab's switch: build() leaves the saving to us
        self.build(story, canvasmaker=TaggedCanvas)
        canv = self.canv
        contents.define_forms(canv, self.heading_pages)
        for page in range(1, self.page + 1):
            _define_page_number(canv, page, self.page)
        _embed(canv, self.report.attachments)
        write_structure(canv, canv.tagger)
        write_metadata(canv, self.report.published, self.report.language)
        canv.save()
        return int(self.page)

    # -- page furniture ---------------------------------------------------------------------

    def _cover_furniture(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        self._furniture(canv, doc, cover=True)
        canv.saveState()
        canv.setFillColor(ACCENT)
        with artifact(canv):
            canv.rect(MARGIN_LEFT, PAGE_HEIGHT - MARGIN_TOP + 0.2 * cm, CONTENT_WIDTH, 0.25 * cm, stroke=0, fill=1)
        canv.restoreState()

    def _furniture(self, canv: Canvas, doc: BaseDocTemplate, cover: bool = False) -> None:
        """Running header and footer, artifacts (the title, the marking and the metadata say
        it all once). The marking is drawn last and in bold so nothing can cover it."""
        report = self.report
        right = PAGE_WIDTH - MARGIN_RIGHT
        canv.saveState()
        canv.setFillColor(MUTED)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.setFont(fonts.REGULAR, FURNITURE_SIZE)
        if not cover:
            with artifact(canv, HEADER):
                _running_header(canv, report)
        with artifact(canv, FOOTER):
            canv.line(MARGIN_LEFT, 1.95 * cm, right, 1.95 * cm)
            canv.drawString(MARGIN_LEFT, 1.45 * cm, _fit(report.office, CONTENT_WIDTH * 0.7))
            canv.doForm(_page_form(doc.page))  # "Page X of Y": Y is known at the end (see render)
        if report.marking:
            canv.setFillColor(TEXT)
            canv.setFont(fonts.BOLD, 10)
            with artifact(canv, HEADER):
                canv.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 1.15 * cm, report.marking)
            with artifact(canv, FOOTER):
                canv.drawCentredString(PAGE_WIDTH / 2, 0.8 * cm, report.marking)
        canv.restoreState()

    def _page_end(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """Drawn over each finished page."""
        if self.report.draft:
            with artifact(canv, WATERMARK_ARTIFACT):
                _watermark(canv)


def _running_header(canv: Canvas, report: ReportDocument) -> None:
    """The title (after a bold "DRAFT –" on a draft) and the period, over a rule."""
    right = PAGE_WIDTH - MARGIN_RIGHT
    y = PAGE_HEIGHT - 1.85 * cm
    # the period without its explanation in brackets: "Quarter 3 2021/22"
    period = _fit(report.period.split(" (")[0], CONTENT_WIDTH * 0.4)
    room = CONTENT_WIDTH - stringWidth(period, fonts.REGULAR, FURNITURE_SIZE) - 0.5 * cm
    x = MARGIN_LEFT
    if report.draft:
        canv.saveState()
        canv.setFillColor(TEXT)
        canv.setFont(fonts.BOLD, FURNITURE_SIZE)
        canv.drawString(x, y, DRAFT_PREFIX)
        canv.restoreState()
        x += stringWidth(DRAFT_PREFIX, fonts.BOLD, FURNITURE_SIZE)
    canv.drawString(x, y, _fit(report.title, room - (x - MARGIN_LEFT)))
    if period:
        canv.drawRightString(right, y, period)
    canv.line(MARGIN_LEFT, PAGE_HEIGHT - 2.05 * cm, right, PAGE_HEIGHT - 2.05 * cm)


def _watermark(canv: Canvas) -> None:
    """A draft's mark: "DRAFT" along the page's diagonal, drawn over the finished page (a
    table's shaded rows would hide it underneath) in a grey faint enough to read through."""
    canv.saveState()
    canv.setFillColor(WATERMARK)
    canv.setFillAlpha(WATERMARK_ALPHA)
    canv.setFont(fonts.BOLD, WATERMARK_SIZE)
    canv.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canv.rotate(math.degrees(math.atan2(PAGE_HEIGHT, PAGE_WIDTH)))
    canv.drawCentredString(0, -0.35 * WATERMARK_SIZE, DRAFT)
    canv.restoreState()


def _embed(canv: Canvas, attachments: Sequence[Attachment]) -> None:
    """Add ``attachments`` to the catalogue in reportlab's own objects, as the document is
    saved: the /EmbeddedFiles name tree (a viewer's attachments list) and /AF (the files the
    document is associated with, as PDF 2.0 and PDF/A-3 name them)."""
    if not attachments:
        return
    doc = canv._doc
    specs = [(item.filename, doc.Reference(_file_spec(item)))
             for item in sorted(attachments, key=lambda a: a.filename)]  # a name tree's keys are sorted
    catalog = doc.Catalog
    catalog.Names = PDFDictionary({"EmbeddedFiles": PDFDictionary(
        {"Names": PDFArray([part for name, ref in specs for part in (PDFString(name), ref)])})})
    catalog.AF = PDFArray([ref for _, ref in specs])
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "AF"]  # the keys reportlab writes out


def _file_spec(item: Attachment) -> PDFDictionary:
    """A file specification carrying ``item`` as an embedded file stream."""
    # PDFName leaves the "/" in a mime type alone, which would end the name: escape it here
    subtype = "/" + item.mime.replace("/", "#2F")
    stream = PDFStream(PDFDictionary({"Type": PDFName("EmbeddedFile"), "Subtype": subtype,
                                      "Params": PDFDictionary({"Size": len(item.data)})}),
                       content=item.data, filters=[PDFZCompress])  # fmt: skip
    return PDFDictionary({
        "Type": PDFName("Filespec"), "F": PDFString(item.filename), "UF": PDFString(item.filename),
        "Desc": PDFString(item.description), "AFRelationship": PDFName("Data"),
        "EF": PDFDictionary({"F": stream, "UF": stream}),
    })


def _page_form(page: int) -> str:
    return f"page-{page}"


def _define_page_number(canv: Canvas, page: int, total: int) -> None:
    """The form with "Page X of Y" that page X draws in its footer."""
    canv.beginForm(_page_form(page))
    canv.setFillColor(MUTED)
    canv.setFont(fonts.REGULAR, FURNITURE_SIZE)
    canv.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, 1.45 * cm, f"Page {page} of {total}")
    canv.endForm()


def _fit(text: str, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` in the furniture font."""
    if stringWidth(text, fonts.REGULAR, FURNITURE_SIZE) <= width:
        return text
    while text and stringWidth(text + "\u2026", fonts.REGULAR, FURNITURE_SIZE) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


class ReportDocument:
    """A report built in reading order; see the module docstring for an example.

    ``pictures``: PNG or JPEG bytes by name, for the narrative's ``![alt](image:NAME)``.
    ``numbered_paragraphs`` numbers every paragraph of a numbered section, "2.1", "2.2", and
    "2.1.1" after subsection 2.1 (as a Police and Crime Panel report is).
    ``marking``: a protective marking such as "OFFICIAL-SENSITIVE", printed at the top and
    bottom of every page, on the cover, and put in the title, subject and keywords metadata
    (assistive technology skips running headers). ``logo``: image bytes (PNG or JPEG) for the
    cover. ``language``: the document's language tag for screen readers. ``published`` and
    ``next_update``: dates as printed ("7 December 2026"), on the cover when given. ``draft``
    marks every page, the cover included, and the metadata title as a draft.

    Every numbered table and chart is recorded as data in :attr:`data_tables` (see
    :mod:`opcc_desktop.documents.data_tables`).
    """

    disclosure_plan: Any = None  # a public document's decided plan: what it printed, audited on export

    def __init__(
        self,
        title: str,
        *,
        office: str,
        period: str = "",
        subtitle: str = "",
        logo: bytes | None = None,
        marking: str | None = None,
        language: str = "en-GB",
        subject: str = "",
        keywords: Sequence[str] = (),
        published: str = "",
        cover_note: str = "",
        next_update: str = "",
        draft: bool = False,
        pictures: Mapping[str, bytes] | None = None,
        numbered_paragraphs: bool = False,
    ) -> None:
        self.title = title
        self.office = office
        self.period = period
        self.subtitle = subtitle
        self.logo = logo
        self.marking = marking.strip() if marking else None
        self.language = language
        self.subject = subject or " - ".join(p for p in (title, subtitle, period) if p)
        self.keywords = tuple(keywords)
        self.published = published
        self.next_update = next_update
        self.cover_note = cover_note
        self.draft = draft
        self.pictures: Mapping[str, bytes] = pictures or {}
        self.numbered_paragraphs = numbered_paragraphs
        self.data_tables: list[DataTable] = []
        self.attachments: list[Attachment] = []
        self.styles = house_styles()
        self._story: list[Flowable] = []
        self._chained: list[Flowable] = []  # flowables kept with the next one (see _keep_together)
        self.numbers = Numbering()
        self._headings = 0

    # -- metadata ---------------------------------------------------------------------------

    @property
    def metadata_title(self) -> str:
        title = f"{self.marking}: {self.title}" if self.marking else self.title
        return DRAFT_PREFIX + title if self.draft else title

    @property
    def metadata_subject(self) -> str:
        return f"{self.marking}. {self.subject}" if self.marking else self.subject

    @property
    def metadata_keywords(self) -> list[str]:
        return [self.marking, *self.keywords] if self.marking else list(self.keywords)

    # -- structure ----------------------------------------------------------------------------

    def section(self, title: str) -> str:
        """Start numbered section N ("1 Introduction"); returns its number."""
        return self._numbered(self.numbers.section(title))

    def subsection(self, title: str) -> str:
        """Start numbered subsection N.M of the current section (A.M in appendix A); returns its
        number."""
        return self._numbered(self.numbers.subsection(title))

    def appendix(self, title: str) -> str:
        """Start appendix A, B... after the numbered sections: in the contents and bookmarks,
        its subsections numbered A.1, A.2 and nothing else in it numbered. Returns its letter."""
        return self._numbered(self.numbers.appendix(title))

    def heading(self, title: str, *, minor: bool = False) -> None:
        """An unnumbered heading inside the current (sub)section: bookmarked (nested under
        it), not in the contents. ``minor`` nests one level further, after a major one."""
        self._headings += 1
        level = self.numbers.unnumbered_level(minor=minor)
        style = self.styles.h4 if minor else self.styles.h3
        self._heading(title, style, f"heading-{self._headings}", level, False, 3 * cm)

    def _numbered(self, heading: Heading) -> str:
        """A numbered heading, in the contents and bookmarks at its level (0 a section or
        appendix, 1 "4.1", 2 "4.1.1"); returns its number."""
        style, room = ((self.styles.h1, 5 * cm), (self.styles.h2, 4 * cm), (self.styles.h3, 3 * cm))[heading.level]
        self._heading(heading.text, style, heading.anchor, heading.level, True, room)
        return heading.number

    def _heading(self, text: str, style: object, key: str, level: int, in_contents: bool,
                 room: float) -> None:
        # CondPageBreak: a heading never starts in the last few centimetres of a page, even
        # when what follows is too tall for keepWithNext to move with it. A heading straight
        # under another (a section's first subsection) adds its room to the first's, so the
        # pair never leaves the upper one alone at the foot of a page.
        story = self._story
        if len(story) >= 2 and isinstance(story[-1], _Heading) and isinstance(story[-2], CondPageBreak):
            story[-2].height += room
        else:
            story.append(CondPageBreak(room))
        story.append(_Heading(text, style, key, level, in_contents))

    def back_page(self, title: str) -> None:
        """The last page (the contact page) under ``title``: unnumbered, and so is all after it."""
        self.page_break()
        self.numbers.back_matter()
        self.heading(title)

    def page_break(self) -> None:
        self._story.append(PageBreak())

    # -- text ---------------------------------------------------------------------------------

    def paragraphs(self, text: str) -> None:
        """Narrative in the officers' Markdown subset (see :mod:`.markup`): headings,
        paragraphs, lists, quotes, case-study boxes, tables and pictures. Any other markup
        prints literally. In a numbered section a heading is numbered under it (see
        :meth:`Numbering.narrative_heading`)."""
        for block in markup.parse(text):
            if block.kind in ("heading", "subheading"):
                self._narrative_heading(block.text, minor=block.kind == "subheading")
            else:
                self._story += self._block(block, CONTENT_WIDTH, numbered=True)

    def _narrative_heading(self, text: str, *, minor: bool) -> None:
        heading = self.numbers.narrative_heading(text, minor=minor)
        if heading is None:
            self.heading(text, minor=minor)
        else:
            self._numbered(heading)

    def bullets(self, items: Sequence[str]) -> None:
        """A bulleted list of plain items (``**bold**`` allowed)."""
        self._story.append(self._list([markup.inline(i) for i in items], numbered=False,
                                      indent=self._text_indent(True)))  # fmt: skip

    def _block(self, block: markup.Block, width: float, *, numbered: bool) -> list[Flowable]:
        """One block's flowables in a column ``width`` wide. ``numbered``: its paragraphs take
        numbers when the document numbers them (not inside a box or a note)."""
        kind = block.kind
        if kind == "paragraph":
            return [self._paragraph(block.text, numbered)]
        if kind in ("bullets", "numbered"):
            return [self._list(block.items, numbered=kind == "numbered", indent=self._text_indent(numbered))]
        if kind == "quote":
            return self._quote(block, width, QUOTE_INDENT + self._text_indent(numbered))
        if kind == "table":
            return [self._narrative_table(block, width)]
        if kind == "image":
            return self._picture(block, width, numbered)
        if kind == "case_study":
            return self._case_study(block)
        return [Paragraph(markup.escape(block.text), self.styles.h4)]  # a heading inside a box

    def _paragraph(self, text: str, numbered: bool) -> Paragraph:
        """A body paragraph; with its number hanging to its left when the document numbers
        paragraphs and this one is in a numbered section."""
        number = self.numbers.paragraph() if numbered and self.numbered_paragraphs else None
        if number is None:
            return _marked(text, self.styles.body)
        return _marked(text, self.styles.numbered, number)

    def _text_indent(self, numbered: bool) -> float:
        """How far a list or quote is indented further to line up with the numbered paragraph
        it belongs to."""
        return PARAGRAPH_NUMBER_INDENT if numbered and self.numbered_paragraphs and self.numbers.current else 0

    def _list(self, items: Sequence[str], numbered: bool, indent: float = 0) -> Flowable:
        """A list, tagged L (its numbering said, /Decimal or /Disc), each item an LI of its
        number or bullet (Lbl) and its text (LBody)."""
        st = self.styles
        tag = Tag("L", attributes=(("O", "/List"), ("ListNumbering", "/Decimal" if numbered else "/Disc")))
        bodies = [_marked(item, st.bullet) for item in items]
        for body in bodies:
            body.tag = Tag("LBody", Tag("LI", tag))
        flow = _List(
            [ListItem(body) for body in bodies],
            bulletType="1" if numbered else "bullet",
            start=None if numbered else "\u2022",
            bulletFormat="%s." if numbered else None,
            leftIndent=16 + indent, bulletDedent=16, bulletFontName=fonts.REGULAR, bulletFontSize=BODY_SIZE,
            bulletColor=TEXT, spaceAfter=6,
        )
        return flow

    def _quote(self, block: markup.Block, width: float, indent: float) -> list[Flowable]:
        """A quote with a rule at its left, ``indent`` from the margin, who said it under it
        in grey. A table of one row per paragraph, so a long quote splits between pages."""
        st = self.styles
        rows: list[list[object]] = [["", _marked(text, st.quote)] for text in block.items]
        if block.text:
            rows.append(["", _marked(f"\u2014 {block.text}", st.attribution)])
        # spaces as its own, not spacers, so a heading above keeps with the quote itself
        quote = Table(rows, colWidths=[indent, width - indent], hAlign="LEFT", splitInRow=1, spaceBefore=3,
                      spaceAfter=10, renderCB=LayoutTags(Tag("BlockQuote")))  # fmt: skip
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), fonts.REGULAR, BODY_SIZE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBEFORE", (1, 0), (1, -1), 3, ACCENT),
            ("LEFTPADDING", (0, 0), (0, -1), 0), ("RIGHTPADDING", (0, 0), (0, -1), 0),
            ("LEFTPADDING", (1, 0), (1, -1), QUOTE_PADDING), ("RIGHTPADDING", (1, 0), (1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]
        if block.text and len(rows) > 1:
            commands.append(("NOSPLIT", (0, len(rows) - 2), (-1, -1)))  # who said it stays with the words
        quote.setStyle(TableStyle(commands))
        return [quote]

    def _case_study(self, block: markup.Block) -> list[Flowable]:
        """A shaded panel in a border, headed "Case study: title", its content in the story
        itself (indented within the panel), so it splits between pages as any text does:
        reportlab's frame background draws one closed panel on each page the box reaches."""
        opening: list[Flowable] = [
            Spacer(1, 4),
            _Panel(PANEL, strokeColor=ACCENT, strokeWidth=1),
            Indenter(BOX_PADDING, BOX_PADDING),
            Spacer(1, BOX_PADDING),
        ]
        for part in opening:  # kept with the title (kept with what follows it), as a heading above is
            part.keepWithNext = 1
        self._chained += opening
        closing = [_Padding(1, BOX_PADDING - 4), Indenter(-BOX_PADDING, -BOX_PADDING), _PanelEnd()]
        return [*opening, *self._box_content(block, CONTENT_WIDTH - 2 * BOX_PADDING), *closing, Spacer(1, 12)]

    def _box_content(self, block: markup.Block, width: float) -> list[Flowable]:
        """A case study's title and content, in a column ``width`` wide."""
        title = f"Case study: {block.text}" if block.text else "Case study"
        flowables: list[Flowable] = [Paragraph(markup.escape(title), self.styles.case_title)]
        for child in block.blocks:
            flowables += self._block(child, width, numbered=False)
        return flowables

    def _narrative_table(self, block: markup.Block, width: float) -> Table:
        """A table written in the narrative, in the house style but not numbered (it is not a
        statistic). The house table lays it out from the text its cells print; a cell with
        bold, italics or a link then takes a paragraph of its markup instead."""
        header = [markup.printed(cell) for cell in block.items]
        rows = [[markup.printed(cell) for cell in row] for row in block.rows]
        table = house_table(header, rows, align=block.aligns, width=width)
        table.spaceBefore, table.spaceAfter = 2, 10
        for r, cells in enumerate([block.items, *block.rows]):
            for c, cell in enumerate(cells):
                if "<" in cell:  # a tag made by markup.inline (typed "<" is "&lt;")
                    table._cellvalues[r][c] = _marked(cell, cell_style(block.aligns[c], header=r == 0))
        return table

    def _picture(self, block: markup.Block, width: float, numbered: bool) -> list[Flowable]:
        """A picture from :attr:`pictures` sized for its role (see :func:`picture_box`), a
        photo with the paragraphs after it flowing beside it; a visible note in its place
        when it is missing or unreadable, and under it when it has no alt text."""
        ref = block.picture
        assert ref is not None
        beside = [self._paragraph(child.text, numbered) for child in block.blocks]
        data = self.pictures.get(ref.name)
        pixels = picture_pixels(data) if data is not None else None
        if data is None or pixels is None:
            problem = markup.MISSING_PICTURE if data is None else markup.UNREADABLE_PICTURE
            return [self._picture_note(problem, ref), *beside]
        drawn = _Picture(data, *picture_box(ref.role, pixels[1:], width), ref.alt or markup.no_alt_text(ref))
        drawn.spaceBefore = 3
        notes = [] if ref.alt else [self._picture_note(markup.NO_ALT_TEXT, ref)]
        if beside:
            return [_Beside(drawn, beside), *notes, Spacer(1, 4)]
        return [drawn, *notes, Spacer(1, 10)]

    def _picture_note(self, problem: str, ref: markup.PictureRef) -> Paragraph:
        return Paragraph(markup.escape(problem.format(name=ref.name)), self.styles.picture_note)

    def note(self, text: str, *, label: str = "Note") -> None:
        """A boxed note (e.g. on non-disclosure rates or suppressed figures)."""
        cell: list[Flowable] = []
        for i, block in enumerate(markup.parse(text)):
            prefix = f"<b>{markup.escape(label)}:</b> " if i == 0 and label else ""
            if block.kind == "paragraph":
                cell.append(_marked(prefix + block.text, self.styles.note))
            elif block.kind in ("heading", "subheading"):
                cell.append(Paragraph(prefix + markup.escape(block.text), self.styles.note))
            elif block.kind == "case_study":
                cell += self._box_content(block, CONTENT_WIDTH - 20)  # a box within the note's box
            else:
                cell += self._block(block, CONTENT_WIDTH - 20, numbered=False)
        box = Table([[cell]], colWidths=[CONTENT_WIDTH], hAlign="LEFT", renderCB=LayoutTags(Tag("Div")))
        box.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), fonts.REGULAR, BODY_SIZE),  # reportlab sets it per cell
            ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
            ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT),
            ("LEFTPADDING", (0, 0), (-1, -1), 10),
            ("RIGHTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (-1, -1), 7),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ]))
        self._story += [Spacer(1, 4), box, Spacer(1, 10)]

    # -- figures and tables ---------------------------------------------------------------------

    def table(
        self,
        caption: str,
        header: Sequence[str],
        rows: Sequence[Sequence[CellValue]],
        *,
        col_widths: Sequence[float] | None = None,
        align: Sequence[Align] | None = None,
        groups: Sequence[tuple[str, int]] | None = None,
        total_row: bool = False,
        footnote: str = "",
        spans: Sequence[tuple[int, int, int]] = (),
        source: str = "",
    ) -> int:
        """"Table N: caption" above a house-style table (header repeated on every page it
        runs onto); ``footnote`` and then "Source: ``source``" are printed under it.
        ``spans`` merges body cells: (row, first column, last column), counted from 0 in
        ``rows``, centred. Returns N."""
        number = self.numbers.table()
        tag = Tag("Table")
        table = house_table(header, rows, col_widths=col_widths, align=align, groups=groups, total_row=total_row,
                            tag=tag)  # fmt: skip
        top = 2 if groups else 1  # header rows above the body
        merged = [(command, (first, row + top), (last, row + top), *extra)
                  for row, first, last in spans
                  for command, *extra in (("SPAN",), ("ALIGN", "CENTER"))]  # fmt: skip
        if merged:
            table.setStyle(TableStyle(merged))
        parts: list[Flowable] = [_tagged(Paragraph(f"Table {number}: {markup.escape(caption)}", self.styles.caption),
                                         Tag("Caption", tag)), table]  # fmt: skip
        if footnote:
            parts.append(_marked(markup.inline(footnote), self.styles.alt_text))
        parts += self._source(source)
        self._keep_together(parts)
        self._story.append(Spacer(1, 10))
        self.data_tables.append(table_data(number, caption, header, rows, groups=groups, footnote=footnote,
                                           source=source))  # fmt: skip
        return number

    def plain_table(self, lead_in: str, header: Sequence[str], rows: Sequence[Sequence[CellValue]]) -> None:
        """A sentence and an unnumbered house table, kept on one page when it fits (for lists
        such as the commissioned services, which are not numbered tables in the reports)."""
        parts = [Paragraph(markup.escape(lead_in), self.styles.body), house_table(header, rows)]
        self._story += [KeepTogether(parts), Spacer(1, 10)]

    def chart(self, caption: str, spec: ChartSpec, *, alternative: Alternative = "table", source: str = "") -> int:
        """"Figure N: caption" above the chart, with its data table beside it (or below it
        when wide) and/or a one-sentence text alternative under it, then "Source: ``source``".
        Returns N."""
        number = self.numbers.figure()
        group = Tag("Div")  # the caption, the chart (a Figure), its data (a Table) and the notes under it
        parts: list[Flowable] = [_tagged(Paragraph(f"Figure {number}: {markup.escape(caption)}", self.styles.caption),
                                         Tag("Caption", group))]  # fmt: skip
        if alternative in ("table", "both"):
            header, rows = spec.as_table()
            # beside a bar chart when narrow; a line chart needs the width for its periods
            side = natural_width(header, rows) if len(header) <= 3 and spec.kind != "line" else CONTENT_WIDTH
            if side <= SIDE_TABLE_MAX:
                table_width = max(side, 0.3 * CONTENT_WIDTH)
                drawing = draw_chart(spec, CONTENT_WIDTH - table_width - CHART_GAP, group)
                table = house_table(header, rows, width=table_width, tag=Tag("Table", group))
                pair = Table([[drawing, table]], colWidths=[CONTENT_WIDTH - table_width, table_width],
                             hAlign="LEFT")  # draws nothing itself: no tagging (each part tags itself)
                pair.setStyle(TableStyle([
                    ("FONT", (0, 0), (-1, -1), fonts.REGULAR, BODY_SIZE),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]))
                parts.append(pair)
            else:
                parts += [draw_chart(spec, CONTENT_WIDTH, group), Spacer(1, 8),
                          house_table(header, rows, tag=Tag("Table", group))]
        else:
            parts.append(draw_chart(spec, CONTENT_WIDTH, group))
        if alternative in ("text", "both"):
            parts.append(_tagged(Paragraph(markup.escape(spec.alt_text()), self.styles.alt_text), Tag("P", group)))
        parts += [_tagged(line, Tag("P", group)) for line in self._source(source)]
        self._keep_together(parts)
        self._story.append(Spacer(1, 12))
        self.data_tables.append(chart_data(number, caption, spec, source=source))
        return number

    def _source(self, source: str) -> list[Flowable]:
        return [Paragraph(markup.escape(f"Source: {source}"), self.styles.source)] if source else []

    def _keep_together(self, parts: list[Flowable]) -> None:
        """Chain ``parts`` with keepWithNext rather than nesting them in a KeepTogether: the
        page layout then groups a preceding heading with them too (reportlab measures a
        KeepTogether nested in another as nothing, so the heading would be left behind)."""
        for part in parts[:-1]:
            part.keepWithNext = 1
        self._chained += parts[:-1]
        self._story += parts

    def flowable(self, item: Flowable) -> None:
        """Escape hatch: any reportlab flowable, in the house font please (its markup may use
        ``<i>``: the italic faces are loaded for it), tagged as a paragraph."""
        fonts.register_fonts()
        self._story.append(_Outside(item, Tag("P")))

    # -- output -------------------------------------------------------------------------------

    def _cover(self) -> list[Flowable]:
        st = self.styles
        story: list[Flowable] = [Spacer(1, 1.2 * cm)]
        if self.logo:
            reader = ImageReader(io.BytesIO(self.logo))
            w, h = reader.getSize()
            scale = min(5 * cm / w, 2.5 * cm / h)
            story += [_Picture(self.logo, w * scale, h * scale, f"{self.office} logo"), Spacer(1, 0.8 * cm)]
        story.append(Paragraph(markup.escape(self.office), st.cover_office))
        story.append(Spacer(1, 2.5 * cm))
        story.append(Paragraph(markup.escape(self.title), st.cover_title))
        for text in (self.subtitle, self.period):
            if text:
                story.append(Paragraph(markup.escape(text), st.cover_subtitle))
        for label, date in (("Published", self.published), ("Next update", self.next_update)):
            if date:
                story.append(Paragraph(markup.escape(f"{label}: {date}"), st.cover_detail))
        if self.draft:
            story.append(Paragraph(DRAFT, st.cover_marking))
        if self.marking:
            story.append(Paragraph(markup.escape(self.marking), st.cover_marking))
        if self.cover_note:
            story.append(_marked(markup.inline(self.cover_note), st.body))
        return story

    def _contents(self) -> Contents:
        style = TableStyle([  # reportlab's default style leaves cells in Helvetica
            ("FONT", (0, 0), (-1, -1), fonts.REGULAR, BODY_SIZE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ])
        entries = [Entry(item.outline_level, markup.escape(item.plain_text), item.key)
                   for item in self._story if isinstance(item, _Heading) and item.in_contents]  # fmt: skip
        return Contents(entries, [self.styles.toc1, self.styles.toc2, self.styles.toc3], style)

    def _full_story(self, contents: Contents) -> list[Flowable]:
        """Every flowable, cover and contents first."""
        title = _Heading("Contents", self.styles.toc_title, "contents", 0, False)
        return [*self._cover(), NextPageTemplate("body"), PageBreak(), title, contents, PageBreak(), *self._story]

    def build(self, target: Target) -> int:
        """Write the PDF to a path or binary file object; returns the number of pages."""
        self._reset_keep_with_next()
        template = _Template(os.fspath(target) if isinstance(target, os.PathLike) else target, self)
        contents = self._contents()
        return template.render(self._full_story(contents), contents)

    def _reset_keep_with_next(self) -> None:
        """Layout switches keepWithNext off on the flowables it groups (reportlab restores it
        only between multiBuild passes), so put it back before building again: a second build
        of the same document then gives the same bytes."""
        for item in self._story:
            item.__dict__.pop("keepWithNext", None)
            item.__dict__.pop("_postponed", None)  # set by a layout pass; stale in the next build
        for item in self._chained:
            item.keepWithNext = 1

    def attach(self, filename: str, data: bytes, description: str, *, mime: str = XLSX) -> None:
        """Carry ``data`` in the built PDF as an embedded file named ``filename`` (by default a
        spreadsheet: see :func:`opcc_desktop.documents.data_tables.spreadsheet_bytes`), in the
        viewer's attachments list with ``description``."""
        self.attachments.append(Attachment(filename, data, description, mime))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.build(buffer)
        return buffer.getvalue()

