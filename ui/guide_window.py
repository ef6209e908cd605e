"""Help › User guide: the user guide (docs/guide, Markdown with the screenshots) rendered by Qt
itself, so it ships with the app and reads nothing from the network. Links inside the guide
move within it; a web link opens in the browser."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout, QWidget

from opcc_desktop.store.paths import resources_dir


PICTURE_WIDTH = 820  # pixels: a screenshot in the guide, scaled down to the window


def guide_path() -> Path:
    """The guide's first page: beside the resources in a source checkout or a bundle."""
    return resources_dir().parent / "docs" / "guide" / "index.md"


def name_headings(document: QTextDocument) -> None:
    """Give each heading the anchor a Markdown link to it uses ("## Backups and restoring one"
    is #backups-and-restoring-one), which Qt's Markdown reader does not make."""
    block = document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel():
            cursor = QTextCursor(block)
            cursor.select(QTextCursor.SelectionType.BlockUnderCursor)
            anchor = QTextCharFormat()
            anchor.setAnchor(True)
            anchor.setAnchorNames([slug(block.text())])
            cursor.mergeCharFormat(anchor)
        block = block.next()


def fit_pictures(document: QTextDocument, folder: Path, width: int) -> None:
    """Show each screenshot (named relative to ``folder``) at most ``width`` pixels wide, so
    the guide reads without scrolling sideways."""
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            shown = fragment.charFormat().toImageFormat()
            if fragment.isValid() and shown.isValid():
                image = QImage(str(folder / shown.name()))  # read here: Qt loads it only when drawn
                if image.width() > width:
                    shown.setWidth(width)
                    shown.setHeight(image.height() * width / image.width())
                    cursor = QTextCursor(document)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(shown)
            it += 1
        block = block.next()


def slug(heading: str) -> str:
    """A heading's link name as Markdown writers make it: lowercase, punctuation dropped,
    spaces as hyphens."""
    kept = "".join(ch for ch in heading.casefold() if ch.isalnum() or ch in " -")
    return kept.strip().replace(" ", "-")


class GuideWindow(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("OPCC Desktop user guide")
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenExternalLinks(True)
        self.browser.setSource(QUrl.fromLocalFile(str(guide_path())), QTextDocument.ResourceType.MarkdownResource)
        name_headings(self.browser.document())
        fit_pictures(self.browser.document(), guide_path().parent, PICTURE_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.resize(900, 760)
