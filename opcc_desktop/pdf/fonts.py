"""The house font: Liberation Sans (SIL Open Font License 1.1), shipped in resources/fonts.

Why not Helvetica: the standard-14 fonts are not embedded, so the document would render in
whatever the reader's viewer substitutes, and PDF accessibility checks flag unembedded fonts.
Every piece of text (paragraphs, tables, chart labels, page furniture) uses these names.
"""

from __future__ import annotations

import functools

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from opcc_desktop.paths import resources_dir

FAMILY = "LiberationSans"
REGULAR = "LiberationSans"
BOLD = "LiberationSans-Bold"
ITALIC = "LiberationSans-Italic"
BOLD_ITALIC = "LiberationSans-BoldItalic"

_FILES = {
    REGULAR: "LiberationSans-Regular.ttf",
    BOLD: "LiberationSans-Bold.ttf",
    ITALIC: "LiberationSans-Italic.ttf",
    BOLD_ITALIC: "LiberationSans-BoldItalic.ttf",
}


@functools.cache
def register_fonts() -> str:
    """Register the four faces and the family with reportlab (once per process; about 30 ms)
    so ``<b>`` and ``<i>`` in paragraphs pick the right face. Returns the family name."""
    folder = resources_dir() / "fonts"
    for name, filename in _FILES.items():
        path = folder / filename
        if not path.is_file():
            raise FileNotFoundError(f"house font missing: {path}")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
    return FAMILY
