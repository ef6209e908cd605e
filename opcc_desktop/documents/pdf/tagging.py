"""Tagged PDF (PDF/UA-1): the structure tree, recorded while the single layout pass draws.

Every flowable that prints something says what it is with a :class:`Tag`: a role ("P",
"H2", "Figure"...) and the tag it belongs to (a list item's body belongs to its item, the
item to its list). A tag without a parent belongs to the container open when it draws: the
document, a case study's box, a note, a quote. As a flowable draws, :class:`TaggedCanvas`
wraps what it paints in marked content with an MCID owned by the tag's structure element,
made the first time the tag draws anything. So the tree follows the drawing order, which
is the reading order, and a tag that draws nothing leaves no element behind.

Most content is one marked sequence per flowable: a paragraph, a table cell, a chart or a
picture (a Figure, with its alternative text). A paragraph with links is marked one text
object at a time, just inside its BT, so that a link can split its text: the link's words
are marked for a Link element inside the paragraph's, which also gets the link
annotation; paths drawn among that text (a link's underline) are artifacts. Page
furniture, rules, backgrounds and the watermark are drawn as ``/Artifact``.

When the pass is over, :func:`opcc_desktop.documents.pdf.structure.write_structure` turns
the record into the PDF's structure tree, before the one save.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from reportlab.pdfbase.pdfdoc import PDFName
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, Table

__all__ = [
    "Element",
    "LayoutTags",
    "TableTags",
    "Tag",
    "TaggedCanvas",
    "Tagger",
    "artifact",
    "pdf_text",
    "tagger_of",
]

ARTIFACT = "/Artifact BMC"
HEADER = "/Artifact <</Type /Pagination /Subtype /Header>> BDC"
FOOTER = "/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
WATERMARK = "/Artifact <</Type /Pagination /Subtype /Watermark>> BDC"


@dataclass(eq=False)
class Tag:
    """What a flowable's content is: a structure element's ``role``, the tag it belongs to
    (None: the container open where it is drawn), ``alt``, a Figure's alternative text or a
    Link's description, and ``attributes``, its /A entries as PDF tokens, the owner (/O)
    first. A tag is an identity: every part of a split paragraph or table draws into its
    one element."""

    role: str
    parent: Tag | None = None
    alt: str = ""
    attributes: tuple[tuple[str, str], ...] = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> Tag:
        return self


class Mark(NamedTuple):
    """A marked-content sequence: its page (from 0) and its MCID there."""

    page: int
    mcid: int


class Annotation(NamedTuple):
    """A link annotation: its page (from 0), reportlab's name for it, and the object."""

    page: int
    name: str
    obj: Any


class Element:
    """A structure element as recorded: its kids are elements, marks and annotations, in
    reading order. ``keep``: written even when empty (a table cell holds its place);
    ``branch``: it has elements among its kids. ``page`` (its first content's) and ``ref``
    (its object) are for the writer (see :mod:`opcc_desktop.documents.pdf.structure`)."""

    __slots__ = ("alt", "attributes", "branch", "keep", "kids", "page", "parent", "ref", "role")

    def __init__(self, role: str, parent: Element | None, alt: str = "",
                 attributes: tuple[tuple[str, str], ...] = (), keep: bool = False) -> None:  # fmt: skip
        self.role = role
        self.parent = parent
        self.alt = alt
        self.attributes = attributes
        self.keep = keep
        self.branch = False
        self.kids: list[Element | Mark | Annotation] = []
        self.page: int | None = None
        self.ref = ""

    def add(self, role: str, alt: str = "", attributes: tuple[tuple[str, str], ...] = (),
            keep: bool = False) -> Element:  # fmt: skip
        element = Element(role, self, alt, attributes, keep)
        self.kids.append(element)
        self.branch = True
        return element


class _Region:
    """What is being marked: ``element``'s text, text object by text object (``text``), or
    a block of it (all a flowable draws, in one sequence), or an artifact (no element).
    ``labels``: the texts of a paragraph's links, by their number in it."""

    __slots__ = ("element", "labels", "links", "pending", "text")

    def __init__(self, element: Element | None, text: bool, labels: Sequence[str] = ()) -> None:
        self.element = element
        self.text = text
        self.labels = labels
        self.links: dict[int, Element] | None = None  # the Link element of each link number
        self.pending: deque[Element] | None = None  # links drawn on a line, awaiting their annotation


class Tagger:
    """The structure of one build, as its content is drawn (see the module docstring)."""

    def __init__(self) -> None:
        self.root = Element("Document", None, keep=True)
        self.pages: list[list[Element]] = []  # each finished page: the element of each MCID
        self.page_names: list[str] = []  # reportlab's name for each page object
        self.annotations: list[tuple[Annotation, Element]] = []
        self._marks: list[Element] = []  # the page being drawn
        self._elements: dict[int, tuple[Tag, Element]] = {}  # the tag kept, so its id stays its own
        self._containers = [self.root]
        self._region: _Region | None = None
        self._depth = 0  # regions begun and not ended: only the outermost marks anything

    # -- elements ----------------------------------------------------------------------------

    def element(self, tag: Tag) -> Element:
        """``tag``'s element, made (with its parents) the first time it is asked for."""
        known = self._elements.get(id(tag))
        if known is not None:
            return known[1]
        parent = self.element(tag.parent) if tag.parent is not None else self._containers[-1]
        element = parent.add(tag.role, tag.alt, tag.attributes)
        self._elements[id(tag)] = (tag, element)
        return element

    def open_container(self, tag: Tag) -> None:
        """Elements of parentless tags go into ``tag``'s until :meth:`close_container`."""
        self._containers.append(self.element(tag))

    def close_container(self) -> None:
        self._containers.pop()

    def mark(self, element: Element) -> int:
        """A new MCID on this page for ``element``'s content."""
        marks = self._marks
        marks.append(element)
        element.kids.append(Mark(len(self.pages), len(marks) - 1))
        return len(marks) - 1

    # -- regions ------------------------------------------------------------------------------

    def begin_text(self, canv: Canvas, target: Tag | Element | None, labels: Sequence[str] = (),
                   one_link: bool = False) -> None:  # fmt: skip
        """Text of ``target`` (a tag, an element, or None: a paragraph of its own) follows,
        with links whose texts are ``labels``: then each text object is marked on its own,
        so that the links' words can be marked for their Link elements; without links (most
        text) all of it is one sequence, as a block is. ``one_link``: the text is one link
        alone, all of it the Link's. Inside another region, text is part of that one (a
        paragraph in a table cell), and so are its links."""
        self._depth += 1
        if self._depth > 1:
            region = self._region
            if labels and region is not None and not region.labels:
                region.labels = labels
            return
        if target is None:
            element = self._containers[-1].add("P")
        else:
            element = self.element(target) if isinstance(target, Tag) else target
        if one_link:
            element = self._whole_link(element, labels[0])
        elif labels:
            self._region = _Region(element, True, labels)
            return
        canv._code.append(f"/{element.role} <</MCID {self.mark(element)}>> BDC")
        self._region = _Region(element, False, labels)

    @staticmethod
    def _whole_link(element: Element, label: str) -> Element:
        """The Link that is all of ``element``'s text: the one made by the paragraph's part
        on an earlier page, else a new one."""
        last = element.kids[-1] if element.kids else None
        if isinstance(last, Element) and last.role == "Link":
            return last
        return element.add("Link", label)

    def begin_block(self, canv: Canvas, tag: Tag, properties: str = "") -> None:
        """All a flowable draws follows, in one sequence of ``tag``'s element (a chart, a
        picture; ``properties``: more entries of its property list, such as its /Alt)."""
        self._depth += 1
        if self._depth > 1:
            return
        element = self.element(tag)
        canv._code.append(f"/{element.role} <<{properties}/MCID {self.mark(element)}>> BDC")
        self._region = _Region(element, False)

    def begin_artifact(self, canv: Canvas, operator: str = ARTIFACT) -> None:
        """Decoration follows (``operator``: the marked-content operator that opens it)."""
        self._depth += 1
        if self._depth > 1:
            return
        canv._code.append(operator)
        self._region = _Region(None, False)

    def end(self, canv: Canvas) -> None:
        self._depth -= 1
        if self._depth:
            return
        assert self._region is not None
        if not self._region.text:
            canv._code.append("EMC")
        self._region = None

    def text_element(self) -> Element | None:
        """The element whose text is being marked text object by text object, if any."""
        region = self._region
        return region.element if region is not None and region.text else None

    # -- what the canvas reports ----------------------------------------------------------------

    def open_text(self, text: PDFTextObject) -> bool:
        """Mark ``text`` (a new text object) as its region's, if it is in a text region."""
        region = self._region
        if region is None or not region.text:
            return False
        element = region.element
        assert element is not None
        text._code.append(f"/{element.role} <</MCID {self.mark(element)}>> BDC")
        if region.labels and element.role != "Link":
            text._linkRecord = functools.partial(self._link, region, text)
        return True

    def _link(self, region: _Region, text: PDFTextObject, link: tuple[int, str], event: str) -> None:
        """reportlab's paragraph reports where each link starts and ends on a line: its
        words (the one just written, at a start) are marked for the link's Link element."""
        owner = region.element
        assert owner is not None
        number = link[0]
        if event == "start":
            if region.links is None or region.pending is None:
                region.links, region.pending = {}, deque()
            element = region.links.get(number)
            if element is None:
                label = region.labels[number] if number < len(region.labels) else ""
                element = region.links[number] = owner.add("Link", label)
            region.pending.append(element)
            text._code.insert(len(text._code) - 1, f"EMC /Link <</MCID {self.mark(element)}>> BDC")
        else:
            text._code.append(f"EMC /{owner.role} <</MCID {self.mark(owner)}>> BDC")

    def annotation(self, obj: Any, name: str) -> None:
        """A link annotation drawn now belongs to the Link being drawn: the region's own, else
        the next link written on the line (reportlab makes a line's annotations after its
        words, in the links' order), else a Link of its own, described by its text (reportlab
        reports no link in a paragraph that is one link alone, which in a table cell leaves
        its text to the cell)."""
        region = self._region
        owner = region.element if region is not None else None
        if region is None or owner is None:
            link = self._containers[-1].add("Link")
        elif owner.role == "Link":
            link = owner
        elif region.pending:
            link = region.pending.popleft()
        else:
            link = owner.add("Link", region.labels[0] if region.labels else "")
        annotation = Annotation(len(self.pages), name, obj)
        link.kids.append(annotation)
        self.annotations.append((annotation, link))

    def end_page(self, name: str) -> None:
        self.pages.append(self._marks)
        self.page_names.append(name)
        self._marks = []


def tagger_of(canv: Canvas) -> Tagger | None:
    """The canvas's tagger; None on a canvas that does not tag (a flowable drawn elsewhere)."""
    return getattr(canv, "tagger", None)


@contextmanager
def artifact(canv: Canvas, operator: str = ARTIFACT) -> Iterator[None]:
    """What is drawn inside is decoration (``operator``: what kind, see HEADER...)."""
    tagger = tagger_of(canv)
    if tagger is None:
        yield
        return
    tagger.begin_artifact(canv, operator)
    yield
    tagger.end(canv)


class TaggedCanvas(Canvas):
    """reportlab's canvas, reporting to its :class:`Tagger` what it draws."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tagger = Tagger()
        self._text_open = False  # a marked text object is being written
        self._after_text: list[str] = []  # forms drawn meanwhile, painted after it

    def beginText(self, x: float = 0, y: float = 0, direction: str | None = None) -> PDFTextObject:  # noqa: N802
        text = super().beginText(x, y, direction)
        text._marked = self.tagger.open_text(text)
        self._text_open = self._text_open or text._marked
        return text

    def drawText(self, aTextObject: PDFTextObject) -> None:  # noqa: N802, N803 - reportlab's names
        if not getattr(aTextObject, "_marked", False):
            super().drawText(aTextObject)
            return
        code = aTextObject.getCode()
        self._code.append(code[:-2] + "EMC ET")  # the text's sequence closes inside its text object
        self._text_open = False
        for name in self._after_text:
            self._mark_form(name)
        self._after_text.clear()

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        """A line among text (a link's underline) is decoration."""
        if self.tagger.text_element() is None:
            super().line(x1, y1, x2, y2)
            return
        self._code.append(ARTIFACT)
        super().line(x1, y1, x2, y2)
        self._code.append("EMC")

    def rect(self, x: float, y: float, width: float, height: float, stroke: int = 1, fill: int = 0) -> None:
        """A box among text (a paragraph's background) is decoration."""
        if self.tagger.text_element() is None:
            super().rect(x, y, width, height, stroke, fill)
            return
        self._code.append(ARTIFACT)
        super().rect(x, y, width, height, stroke, fill)
        self._code.append("EMC")

    def doForm(self, name: str) -> None:  # noqa: N802 - reportlab's name
        """A form drawn among text (a contents line's page number) is that text's, painted
        after the text object being written (in the same graphics state): the page then
        paints its content in the order of the structure."""
        if self.tagger.text_element() is None:
            super().doForm(name)
        elif self._text_open:
            self._after_text.append(name)
        else:
            self._mark_form(name)

    def _mark_form(self, name: str) -> None:
        element = self.tagger.text_element()
        assert element is not None
        self._code.append(f"/{element.role} <</MCID {self.tagger.mark(element)}>> BDC")
        super().doForm(name)
        self._code.append("EMC")

    def _addAnnotation(self, annotation: Any, name: str | None = None, addtopage: int = 1) -> None:  # noqa: N802
        super()._addAnnotation(annotation, name, addtopage)
        self.tagger.annotation(annotation, self._annotationrefs[-1].name)

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        """Each page says that its annotations are in the structure's order (/Tabs /S) and
        where its MCIDs' elements are in the parent tree (/StructParents)."""
        self.tagger.end_page(self._doc.thisPageName())
        super().showPage()
        page = self._doc.Pages.pages[-1]
        page.Tabs = PDFName("S")
        page.StructParents = len(self.tagger.pages) - 1
        page.__NoDefault__ = [*type(page).__NoDefault__, "Tabs", "StructParents"]  # the keys reportlab writes


class _TableState:
    """Where a table's drawing is, in one build."""

    def __init__(self, tagger: Tagger) -> None:
        self.tagger = tagger
        self.parts = 0  # parts of the split table drawn so far
        self.repeat = False  # the row being drawn is a header repeated on a continued part
        self.in_head = False
        self.sections: dict[str, Element] = {}  # THead and TBody
        self.row: Element | None = None


class TableTags:
    """A house table's structure, reported by reportlab's table as it draws (its
    ``renderCB``, which every part of a split table shares): Table, THead and TBody, TR,
    TH with /Scope (Column in the header rows; Row for a body row's first cell when the
    first column names the rows) and TD, a merged cell with /ColSpan. The header rows a
    continued table repeats on the next page, its backgrounds and its rules are artifacts."""

    def __init__(self, tag: Tag, header_rows: int, row_headers: bool) -> None:
        self.tag = tag
        self.header_rows = header_rows
        self.row_headers = row_headers
        self._state: _TableState | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> TableTags:
        return self

    def __call__(self, table: Table, event: str, *args: Any) -> None:
        canv = table.canv
        tagger = getattr(canv, "tagger", None)  # tagger_of, inline: this runs four times a cell
        if tagger is None:
            return
        state = self._state
        if state is None or state.tagger is not tagger:  # a new build
            state = self._state = _TableState(tagger)
        if event == "startCell":  # the events by how often they come
            if not state.repeat:
                self._start_cell(table, state, args[0], args[1], args[2])
        elif event == "endCell":
            if not state.repeat:
                tagger.end(canv)
        elif event == "startRow":
            self._start_row(canv, state, args[0])
        elif event == "endRow":
            if state.repeat:
                tagger.end(canv)
        elif event in ("startBG", "startLines"):
            tagger.begin_artifact(canv)
        elif event in ("endBG", "endLines"):
            tagger.end(canv)
        elif event == "startTable":
            state.parts += 1

    def _start_row(self, canv: Canvas, state: _TableState, row: int) -> None:
        state.in_head = row < self.header_rows
        state.repeat = state.in_head and state.parts > 1
        if state.repeat:
            state.tagger.begin_artifact(canv)
            return
        role = "THead" if state.in_head else "TBody"
        section = state.sections.get(role)
        if section is None:
            section = state.sections[role] = state.tagger.element(self.tag).add(role)
        state.row = section.add("TR", keep=True)

    def _start_cell(self, table: Table, state: _TableState, row: int, column: int, value: object) -> None:
        """The cell's element, its text marked as its paragraph's is (a cell holds a string
        or one paragraph, in a tuple, whose links are its ``links``)."""
        assert state.row is not None
        paragraph = value[0] if isinstance(value, tuple) and len(value) == 1 else value
        labels, one_link = getattr(paragraph, "links", ()), getattr(paragraph, "one_link", False)
        spans = table._spanCmds and table._spanRanges.get((column, row))
        if not (spans or state.in_head or (self.row_headers and column == 0)):  # most cells
            state.tagger.begin_text(table.canv, state.row.add("TD", keep=True), labels, one_link)
            return
        attributes: list[tuple[str, str]] = []
        if spans and spans[2] > spans[0]:
            attributes.append(("ColSpan", str(spans[2] - spans[0] + 1)))
        if state.in_head:
            role = "TH"
            attributes.append(("Scope", "/Column"))
        elif self.row_headers and column == 0:
            role = "TH"
            attributes.append(("Scope", "/Row"))
        else:
            role = "TD"
        owned = (("O", "/Table"), *attributes) if attributes else ()
        state.tagger.begin_text(table.canv, state.row.add(role, attributes=owned, keep=True), labels, one_link)


class LayoutTags:
    """A table used for layout that draws something itself (a quote's rule, a note's box):
    no table in the structure, its content tagging itself, inside ``container`` when given
    (the quote's BlockQuote, the note's Div); its backgrounds, rules and string cells (only
    ever empty: a quote's rule column) are artifacts."""

    def __init__(self, container: Tag | None = None) -> None:
        self.container = container
        self._string_cell = False

    def __deepcopy__(self, memo: dict[int, Any]) -> LayoutTags:
        return self

    def __call__(self, table: Table, event: str, *args: Any) -> None:
        canv = table.canv
        tagger = tagger_of(canv)
        if tagger is None:
            return
        if event == "startCell":
            self._string_cell = _is_text(args[2])
        if event == "startTable" and self.container is not None:
            tagger.open_container(self.container)
        elif event == "endTable" and self.container is not None:
            tagger.close_container()
        elif event in ("startBG", "startLines") or (event == "startCell" and self._string_cell):
            tagger.begin_artifact(canv)
        elif event in ("endBG", "endLines") or (event == "endCell" and self._string_cell):
            tagger.end(canv)


def _is_text(value: object) -> bool:
    return not isinstance(value, (Flowable, list, tuple))


def pdf_text(text: str) -> str:
    """``text`` as a PDF string: literal when ASCII (its delimiters, backslashes and control
    characters escaped), else UTF-16BE hex after a byte order mark, which readers take as
    Unicode."""
    if text.isascii():
        return "(" + "".join(_pdf_char(ch) for ch in text) + ")"
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _pdf_char(ch: str) -> str:
    if ch in "()\\":
        return "\\" + ch
    return ch if " " <= ch <= "~" else f"\\{ord(ch):03o}"
