"""The house font: Liberation Sans (SIL Open Font License 1.1), shipped in resources/fonts.

Why not Helvetica: the standard-14 fonts are not embedded, so the document would render in
whatever the reader's viewer substitutes, and PDF accessibility checks flag unembedded fonts.
Every piece of text (paragraphs, tables, chart labels, page furniture) uses these names.
"""

from __future__ import annotations

import functools

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

from opcc_desktop.store.paths import resources_dir

FAMILY = "LiberationSans"
REGULAR = "LiberationSans"
BOLD = "LiberationSans-Bold"
ITALIC = "LiberationSans-Italic"
BOLD_ITALIC = "LiberationSans-BoldItalic"

_HOUSE_FILES = {
    REGULAR: "LiberationSans-Regular.ttf",
    BOLD: "LiberationSans-Bold.ttf",
}
_ITALIC_FILES = {
    ITALIC: "LiberationSans-Italic.ttf",
    BOLD_ITALIC: "LiberationSans-BoldItalic.ttf",
}


@functools.cache
def register_house_faces() -> str:
    """Register the regular and bold faces and the family with reportlab (once per process;
    about 15 ms) so ``<b>`` picks the bold face. Returns the family name. House text (captions,
    tables, charts, furniture) is never italic and officers' text seldom is, so the italic
    faces, as costly to load again, wait for :func:`register_fonts`."""
    _register(_HOUSE_FILES)
    pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
    return FAMILY


@functools.cache
def register_fonts() -> str:
    """Register all four faces and the family so ``<b>`` and ``<i>`` pick the right face
    (``ReportDocument.flowable`` does, for text from outside the house markup). Returns the
    family name."""
    register_house_faces()
    _register(_ITALIC_FILES)
    return FAMILY


def _register(files: dict[str, str]) -> None:
    folder = resources_dir() / "fonts"
    for name, filename in files.items():
        path = folder / filename
        if not path.is_file():
            raise FileNotFoundError(f"house font missing: {path}")
        pdfmetrics.registerFont(_HouseFont(name, str(path)))


class _HouseFont(TTFont):
    """reportlab's TrueType font, its subsets' ToUnicode maps giving only the codes that
    stand for characters: reportlab also maps each code a subset leaves unused to U+0000,
    which PDF/UA forbids (a reader could not tell what such a code says)."""

    def addObjects(self, doc: PDFDocument) -> None:  # noqa: N802 - reportlab's name
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        super().addObjects(doc)
        for number, subset in enumerate(subsets):
            name = b"".join((SUBSETN(number), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
            doc.idToObject[f"toUnicodeCMap:{name}"].content = to_unicode_cmap(name, subset)


def to_unicode_cmap(name: str, subset: list[int]) -> str:
    """A ToUnicode CMap for a subset of one-byte codes, each code the index of its character
    in ``subset`` (0: unused), as UTF-16, in blocks of at most 100 as the CMap format allows."""
    pairs = [f"<{code:02X}> <{_utf16(char)}>" for code, char in enumerate(subset) if char]
    blocks = [pairs[i:i + 100] for i in range(0, len(pairs), 100)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
        f"/CMapName /{name} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        *(line for block in blocks for line in (f"{len(block)} beginbfchar", *block, "endbfchar")),
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


def _utf16(char: int) -> str:
    """A code point as UTF-16 in hex, a surrogate pair beyond the Basic Multilingual Plane."""
    if char < 0x10000:
        return f"{char:04X}"
    high, low = divmod(char - 0x10000, 0x400)
    return f"{0xD800 + high:04X}{0xDC00 + low:04X}"
