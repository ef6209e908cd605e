"""The house font: Liberation Sans (SIL Open Font License 1.1), shipped in resources/fonts.

Why not Helvetica: the standard-14 fonts are not embedded, so the document would render in
whatever the reader's viewer substitutes, and PDF accessibility checks flag unembedded fonts.
Every piece of text (paragraphs, tables, chart labels, page furniture) uses these names.
"""

from __future__ import annotations

import functools

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

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
        pdfmetrics.registerFont(TTFont(name, str(path)))
