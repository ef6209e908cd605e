"""The structure tree of a tagged PDF, written from what :class:`~.tagging.Tagger` recorded.

Written into reportlab's document after the layout pass and before its one save: the
StructTreeRoot and its Document element, every element with its kids (elements, marked
content, link annotations), the ParentTree (each page's MCIDs, then each annotation, to
their elements), /MarkInfo, and each link annotation's /StructParent and /Contents.
Elements that drew nothing are left out. A report has thousands of elements (every table
cell is one), so each is written here as ready-made PDF syntax in one pass rather than as
reportlab dictionaries, which are several times slower to format.
"""

from __future__ import annotations

from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFDocument, PDFObject, PDFString
from reportlab.pdfgen.canvas import Canvas

from opcc_desktop.documents.pdf.tagging import (
    Annotation,
    Element,
    Mark,
    Tagger,
    pdf_text,
)

__all__ = ["write_structure"]


class _Written(PDFObject):
    """An object written as the PDF syntax it is given."""

    def __init__(self) -> None:
        self.data = b""

    def format(self, document: PDFDocument) -> bytes:
        return self.data


def write_structure(canv: Canvas, tagger: Tagger) -> None:
    """Add the structure tree ``tagger`` recorded to ``canv``'s document."""
    doc = canv._doc
    kept: list[Element] = []
    _keep(tagger.root, kept)
    objects = [_Written() for _ in kept]
    for element, obj in zip(kept, objects, strict=True):
        element.ref = _reference(doc, obj)
    root, tree = _Written(), _Written()
    root_ref, tree_ref = _reference(doc, root), _reference(doc, tree)
    pages = [_named(doc, name) for name in tagger.page_names]
    annotations = {annotation.name: _named(doc, annotation.name) for annotation, _ in tagger.annotations}
    _describe_links(tagger)
    for element, obj in zip(kept, objects, strict=True):
        obj.data = _element(element, element.parent.ref if element.parent is not None else root_ref, pages,
                            annotations)  # fmt: skip
    root.data = (f"<</Type/StructTreeRoot/K {tagger.root.ref}/ParentTree {tree_ref}"
                 f"/ParentTreeNextKey {len(pages) + len(annotations)}>>").encode()  # fmt: skip
    tree.data = _parent_tree(tagger)
    catalog = doc.Catalog
    catalog.StructTreeRoot = root
    catalog.MarkInfo = PDFDictionary({"Marked": "true"})


def _reference(doc: PDFDocument, obj: PDFObject) -> str:
    """Register ``obj`` as an object of the document; its reference, "12 0 R"."""
    return _named(doc, doc.Reference(obj).name)


def _named(doc: PDFDocument, name: str) -> str:
    return f"{doc.idToObjectNumberAndVersion[name][0]} 0 R"


def _keep(element: Element, kept: list[Element]) -> bool:
    """Collect ``element`` and the elements in it into ``kept`` (children first), leaving out
    those that drew nothing (a tag whose text was all artifacts), and note the page of each
    one's first content. True if ``element`` is kept."""
    if element.branch:
        element.kids = [kid for kid in element.kids if not isinstance(kid, Element) or _keep(kid, kept)]
    kids = element.kids
    if not kids and not element.keep:
        return False
    element.page = next((kid.page for kid in kids if kid.page is not None), None)
    kept.append(element)
    return True


def _element(element: Element, parent: str, pages: list[str], annotations: dict[str, str]) -> bytes:
    """``element`` as a structure element dictionary (its /Type, optional, left out: a
    report has thousands): its page (/Pg) is its first content's, and a mark on that page
    is its MCID alone, on another an MCR dictionary. A Link without text of its own says
    what it is with /Alt."""
    page = element.page
    kids = element.kids
    text = f"<</S/{element.role}/P {parent}"
    if page is not None:
        text += f"/Pg {pages[page]}"
    if len(kids) == 1 and type(kids[0]) is Mark and kids[0].page == page:  # most: a cell, a paragraph
        text += f"/K {kids[0].mcid}"
    else:
        text += f"/K[{' '.join(_kid(kid, page, pages, annotations) for kid in kids)}]"
    if element.alt and (element.role == "Figure" or (element.role == "Link" and not _has_text(element))):
        text += f"/Alt{pdf_text(element.alt)}"
    if element.attributes:
        text += f"/A<<{''.join(f'/{key} {value}' for key, value in element.attributes)}>>"
    return (text + ">>").encode("latin-1")


def _kid(kid: Element | Mark | Annotation, page: int | None, pages: list[str], annotations: dict[str, str]) -> str:
    if isinstance(kid, Element):
        return kid.ref
    if isinstance(kid, Mark):
        return str(kid.mcid) if kid.page == page else f"<</Type/MCR/Pg {pages[kid.page]}/MCID {kid.mcid}>>"
    return f"<</Type/OBJR/Pg {pages[kid.page]}/Obj {annotations[kid.name]}>>"


def _has_text(element: Element) -> bool:
    return any(isinstance(kid, Mark) for kid in element.kids)


def _describe_links(tagger: Tagger) -> None:
    """Give each link annotation its key in the parent tree (/StructParent: after the
    pages', in the order they were drawn) and its description (/Contents: the link's text,
    else where it goes)."""
    for key, (annotation, link) in enumerate(tagger.annotations, start=len(tagger.pages)):
        _describe(annotation.obj, key, link.alt or _target(annotation.obj))


def _describe(obj: object, key: int, description: str) -> None:
    """The annotation's /StructParent, /Contents and /F 4 (printed, as its text is)."""
    if isinstance(obj, PDFDictionary):  # a link to a web address (canvas.linkURL)
        obj["StructParent"] = key
        obj["Contents"] = PDFString(description)
        obj["F"] = 4
    else:  # a link inside the document (a LinkAnnotation), whose keys reportlab checks
        obj.permitted = (*obj.permitted, "StructParent")
        obj.otherkw["StructParent"] = key
        obj.otherkw["F"] = 4
        obj.Contents = description


def _target(obj: object) -> str:
    if isinstance(obj, PDFDictionary):
        return str(obj["A"]["URI"].s)
    return "Go to a part of this document"


def _parent_tree(tagger: Tagger) -> bytes:
    """Each page's MCIDs' elements, then each link annotation's Link."""
    entries = [f"{page}[{' '.join(element.ref for element in marks)}]" for page, marks in enumerate(tagger.pages)]
    entries += [f"{key} {link.ref}" for key, (_, link) in enumerate(tagger.annotations, start=len(tagger.pages))]
    return f"<</Nums[{' '.join(entries)}]>>".encode("latin-1")
