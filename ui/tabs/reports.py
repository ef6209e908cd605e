"""Reports: each document's outline and narrative sections, the pre-flight list, and the export.

The outline (see :mod:`ui.outline_tree`) is the year's sections in order: officers add, rename,
remove and drag their own, and move or rename the parts worked out from the figures, each one
undoable edit through the core. The narrative editor is a small rich-text editor whose text is
stored as the Markdown subset the documents print (bold, italics, lists, headings, links).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QFocusEvent,
    QImage,
    QKeySequence,
    QShortcut,
    QTextCharFormat,
    QTextDocument,
    QTextListFormat,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.areas import narrative, outline, periods, pictures
from opcc_desktop.areas.vocab import QUARTER_MONTHS, QUARTERLY_REPORTS
from opcc_desktop.documents.markup import pictures_used, spaced
from opcc_desktop.documents.preflight import preflight
from opcc_desktop.areas.periods import long_date
from opcc_desktop.documents.release import MEETING_REPORTS, Release, next_edition
from opcc_desktop.figures import publishable
from ui.export_job import ExportJob
from ui.outline_tree import OutlineTree
from ui.pictures_dialog import PicturesDialog
from ui.tabs.base import Tab

REPORT_TITLES = {
    "annual-equality": "Annual Equality Monitoring Report",
    "performance-update": "Performance and Delivery Update",
    "workforce-pack": "Workforce pack (OFFICIAL-SENSITIVE)",
    "panel-report": "Report to the Police and Crime Panel",
}
SPACING = 8
PREVIEW_WIDTH = 360  # pixels: a picture as the narrative editor shows it


class NarrativeEditor(QTextEdit):
    """Rich text in, the documents' Markdown subset out; leaving the editor saves."""

    def __init__(self, on_leave: object) -> None:
        super().__init__()
        self.on_leave = on_leave
        self.setAcceptRichText(False)  # pasted Word formatting would not survive the documents
        self.setAccessibleName("Section text")
        self.setTabChangesFocus(True)

    def markdown(self) -> str:
        return self.document().toMarkdown().strip()

    def set_markdown(self, text: str, shown: dict[str, bytes] | None = None) -> None:
        """Show ``text``, with the pictures it uses from ``shown`` (see :meth:`add_pictures`)."""
        self.document().setMarkdown(spaced(text))  # clears the document's resources, so pictures come after
        self.add_pictures(shown or {})
        self.document().setModified(False)

    def add_pictures(self, shown: dict[str, bytes]) -> None:
        """The workbook's pictures by name, so a picture the text uses (``image:NAME``)
        appears in place, at most :data:`PREVIEW_WIDTH` wide."""
        for name, data in shown.items():
            image = QImage.fromData(data)
            if image.width() > PREVIEW_WIDTH:
                image = image.scaledToWidth(PREVIEW_WIDTH, Qt.TransformationMode.SmoothTransformation)
            self.document().addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"image:{name}"), image)

    def insert_block(self, text: str) -> None:
        """Insert a block of the Markdown subset (a picture) as a paragraph of its own at the
        cursor, which then continues in a new paragraph."""
        cursor = self.textCursor()
        if cursor.block().text().strip():
            cursor.insertBlock()
        cursor.insertMarkdown(text)
        cursor.insertBlock()
        self.setTextCursor(cursor)
        self.document().setModified(True)
        self.setFocus()

    def toggle_italic(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontItalic(not self.fontItalic())
        self.mergeCurrentCharFormat(fmt)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        self.on_leave()  # type: ignore[operator]

    def toggle_bold(self) -> None:
        fmt = QTextCharFormat()
        bold = self.fontWeight() <= 400
        fmt.setFontWeight(700 if bold else 400)
        self.mergeCurrentCharFormat(fmt)

    def make_list(self, style: QTextListFormat.Style) -> None:
        self.textCursor().createList(style)


class ReportsTab(Tab):
    tables = frozenset({"narratives", "report_outlines", "services", "service_counts", "scheme_counts", "kpi_values", "kpis",
                        "kpi_commentary", "goals", "goal_updates", "edi_assessments", "staff", "settings"})

    def __init__(self, context, clipboard) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, clipboard)
        self.job: ExportJob | None = None
        self.progress: QProgressDialog | None = None
        self._loaded: tuple[str, str, int, str] | None = None  # the section in the editor
        self.report = self._combo("Document", list(REPORT_TITLES.values()))
        self.year = self._combo("Financial year", [])
        self.quarter = self._combo("Quarter", [f"Q{q} ({m})" for q, m in QUARTER_MONTHS.items()])
        self.meeting = QDateEdit(dt.date.today())
        self.meeting.setCalendarPopup(True)
        self.meeting.setDisplayFormat("d MMMM yyyy")
        self.meeting.setAccessibleName("Panel meeting date")
        self.meeting.setToolTip("The date of the Police and Crime Panel meeting the report goes to (on its cover)")
        self.sections = OutlineTree()
        self.outline_buttons = self._outline_buttons()
        self.editor = NarrativeEditor(self.save_text)
        self.findings = QListWidget()
        self.findings.setAccessibleName("Pre-flight check")
        self.findings.setWordWrap(True)
        self.findings.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.export_button = QPushButton("Export PDF…")
        self.export_button.setToolTip("Export the chosen document (Ctrl+E)")
        self.html_button = QPushButton("Export accessible HTML…")
        self.draft = QCheckBox("&Draft (DRAFT on every page; placeholders for missing text)")
        self.with_tables = QCheckBox("Also write the &tables as a spreadsheet")
        self.with_tables.setChecked(True)
        self._layout()
        self._restore_choice()
        self.report.currentIndexChanged.connect(self._period_changed)
        self.year.currentIndexChanged.connect(self._period_changed)
        self.quarter.currentIndexChanged.connect(self._period_changed)
        self.sections.currentItemChanged.connect(self._section_changed)
        self.sections.moved.connect(self.move_section)
        self.export_button.clicked.connect(lambda: self.export("pdf"))
        self.html_button.clicked.connect(lambda: self.export("html"))

    # -- layout -------------------------------------------------------------------------------
    def _combo(self, name: str, items: list[str]) -> QComboBox:
        box = QComboBox()
        box.addItems(items)
        box.setAccessibleName(name)
        return box

    def _layout(self) -> None:
        form = QFormLayout()
        for label, box in (("&Document:", self.report), ("Financial &year:", self.year), ("&Quarter:", self.quarter),
                           ("Panel &meeting:", self.meeting)):
            caption = QLabel(label)
            caption.setBuddy(box)
            form.addRow(caption, box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.html_button)
        buttons.addStretch(1)
        left = QWidget()
        side = QVBoxLayout(left)
        side.addLayout(form)
        side.addWidget(QLabel("Sections (drag to reorder):"))
        side.addWidget(self.sections, 1)
        side.addLayout(self.outline_buttons)
        side.addWidget(QLabel("Before publishing, check:"))
        side.addWidget(self.findings, 1)
        side.addWidget(self.draft)
        side.addWidget(self.with_tables)
        side.addLayout(buttons)
        right = QWidget()
        text_side = QVBoxLayout(right)
        text_side.addLayout(self._format_bar())
        text_side.addWidget(self.editor, 1)
        hint = QLabel("Changes are saved when you leave the text (Ctrl+S saves now). Bold, italics, lists, "
                      "headings, links and pictures are kept in the documents. Type \u201c> \u201d to start a "
                      "quote, a line \u201c::: case-study Title\u201d and a line \u201c:::\u201d around a case "
                      "study, and \u201c| A | B |\u201d rows for a table.")  # fmt: skip
        hint.setWordWrap(True)
        text_side.addWidget(hint)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([440, 760])
        layout = QVBoxLayout(self)
        layout.setSpacing(SPACING)
        layout.addWidget(splitter)
        self.setTabOrder(self.report, self.year)
        self.setTabOrder(self.year, self.quarter)
        self.setTabOrder(self.quarter, self.meeting)
        self.setTabOrder(self.meeting, self.sections)
        self.setTabOrder(self.sections, self.editor)

    def _format_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        for text, shortcut, slot in (
            ("Bold", "Ctrl+B", self.editor.toggle_bold),
            ("Italic", "Ctrl+I", self.editor.toggle_italic),
            ("• List", "", lambda: self.editor.make_list(QTextListFormat.Style.ListDisc)),
            ("1. List", "", lambda: self.editor.make_list(QTextListFormat.Style.ListDecimal)),
            ("Picture…", "", self.show_pictures),
            ("Save", QKeySequence(QKeySequence.StandardKey.Save).toString(), self.save_text),
        ):
            button = QToolButton()
            button.setText(text)
            button.setAccessibleName(text.replace("•", "Bulleted").replace("1.", "Numbered"))
            if shortcut:  # keys of the text: they work while it has the focus, whatever else uses them
                button.setToolTip(f"{text} ({shortcut})")
                keys = QShortcut(QKeySequence(shortcut), self.editor)
                keys.setContext(Qt.ShortcutContext.WidgetShortcut)
                keys.activated.connect(slot)
            button.clicked.connect(slot)
            bar.addWidget(button)
        bar.addStretch(1)
        return bar

    # -- choice of document and period ----------------------------------------------------------
    def choice(self) -> tuple[str, str, int | None]:
        report = list(REPORT_TITLES)[self.report.currentIndex()]
        quarter = self.quarter.currentIndex() + 1 if report in QUARTERLY_REPORTS else None
        return report, self.year.currentText(), quarter

    def _restore_choice(self) -> None:
        settings: QSettings = self.context.settings
        self.report.setCurrentIndex(int(settings.value("export/report", 0) or 0))
        self.quarter.setCurrentIndex(int(settings.value("export/quarter", 0) or 0))

    def _remember_choice(self) -> None:
        settings = self.context.settings
        settings.setValue("export/report", self.report.currentIndex())
        settings.setValue("export/year", self.year.currentText())
        settings.setValue("export/quarter", self.quarter.currentIndex())

    def _period_changed(self) -> None:
        self.save_text()
        report, _, _ = self.choice()
        self.quarter.setEnabled(report in QUARTERLY_REPORTS)
        self.meeting.setEnabled(report in MEETING_REPORTS)
        self.html_button.setEnabled(report != "workforce-pack")
        self.with_tables.setEnabled(report != "workforce-pack")  # internal: marked, PDF only
        self._remember_choice()
        if self.context.is_open:
            self._show_sections()
            self._show_findings()

    # -- refresh ------------------------------------------------------------------------------
    def refresh(self) -> None:
        years = periods.financial_years(self.context.wb)
        wanted = self.year.currentText() or str(self.context.settings.value("export/year", "") or "")
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItems(years)
        self.year.setCurrentIndex(max(0, years.index(wanted)) if wanted in years else 0)
        self.year.blockSignals(False)
        self._period_changed()

    def clear(self) -> None:
        self._loaded = None
        self.year.clear()
        self.sections.clear()
        self.findings.clear()
        self.editor.set_markdown("")

    def _show_sections(self) -> None:
        report, year, quarter = self.choice()
        wb = self.context.wb
        parts = publishable.outline(wb, report, year) if year else ()
        texts = publishable.narrative(wb, report, year, quarter or 0) if year else {}
        nested = {part.key: outline.nested_sections(report, part.key) for part in parts}
        self.sections.show_outline(parts, nested, texts, self.sections.current_key())
        self._section_changed()

    def _show_findings(self) -> None:
        report, year, quarter = self.choice()
        self.findings.clear()
        found = preflight(self.context.wb, report, year, quarter or 0) if year else []
        for finding in found:
            self.findings.addItem(str(finding))
        if not found:
            self.findings.addItem("Nothing needs attention." if year else "No data for any year yet.")

    # -- narrative ----------------------------------------------------------------------------
    def _section_changed(self, *_: object) -> None:
        self.save_text()
        report, year, quarter = self.choice()
        key = self.sections.current_key()
        takes_text = bool(year) and key in outline.text_sections(self.context.wb, report, year)
        self.editor.setReadOnly(not takes_text)
        if not takes_text:
            self._loaded = None
            self.editor.set_markdown("")
            self.editor.setPlaceholderText("This part is worked out from the figures: it has no text to write."
                                           if key else "")  # fmt: skip
            return
        texts = publishable.narrative(self.context.wb, report, year, quarter or 0)
        self._loaded = (report, year, quarter or 0, str(key))
        self.editor.setPlaceholderText("")
        text = texts.get(str(key), "")
        self.editor.set_markdown(text, self._pictures_in(text))

    def save_text(self) -> None:
        """Save the section in the editor, if it changed, as one edit."""
        if self._loaded is None or not self.editor.document().isModified() or not self.context.is_open:
            return
        report, year, quarter, section = self._loaded
        self.editor.document().setModified(False)
        self.context.do(narrative.set_narrative, report, year, section, self.editor.markdown() or None, quarter)

    def show_pictures(self) -> None:
        """The workbook's pictures; the one chosen goes into the text at the cursor."""
        if not self.context.is_open:
            return
        dialog = PicturesDialog(self.context, self)
        dialog.insert_requested.connect(self._insert_picture)
        dialog.exec()

    def _pictures_in(self, markdown: str) -> dict[str, bytes]:
        """The bytes of the pictures ``markdown`` shows (not every picture in the workbook)."""
        return pictures.picture_data(self.context.wb, {ref.name for ref in pictures_used(markdown)})

    def _insert_picture(self, markdown: str) -> None:
        if self._loaded is None:
            self.context.failed.emit("Choose a section that takes text first, then insert the picture.")
            return
        self.editor.add_pictures(self._pictures_in(markdown))
        self.editor.insert_block(markdown)
        self.save_text()

    # -- outline ------------------------------------------------------------------------------
    def _outline_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for text, tip, slot, keys in (
            ("&Add…", "Add a section of your own after the one selected (Insert)", self.add_section, "Insert"),
            ("Re&name…", "Rename the selected section (F2)", self.rename_section, "F2"),
            ("Remo&ve", "Remove the selected section and its text (Delete)", self.remove_section, "Delete"),
            ("Up", "Move the selected section up (Alt+Up)", lambda: self.step_section(-1), "Alt+Up"),
            ("Down", "Move the selected section down (Alt+Down)", lambda: self.step_section(1), "Alt+Down"),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(text.replace("&", "").rstrip("…") + " section")
            button.clicked.connect(slot)
            shortcut = QShortcut(QKeySequence(keys), self.sections)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _outline_choice(self) -> tuple[str, str] | None:
        report, year, _ = self.choice()
        return (report, year) if year and self.context.is_open else None

    def add_section(self) -> None:
        chosen = self._outline_choice()
        title = self.ask_title("Add a section", "") if chosen else None
        if chosen is None or title is None:
            return
        after = self.sections.current_section()
        if self.context.do(outline.add_section, *chosen, title, after):
            parts = publishable.outline(self.context.wb, *chosen)
            keys = [part.key for part in parts]
            self.sections.select(keys[keys.index(after) + 1] if after in keys else keys[-1])

    def rename_section(self) -> None:
        chosen, key = self._outline_choice(), self.sections.current_section()
        if chosen is None or key is None:
            return
        current = {p.key: p.title for p in publishable.outline(self.context.wb, *chosen)}[key]
        title = self.ask_title("Rename the section", current)
        if title is not None and title != current:
            self.context.do(outline.rename_section, *chosen, key, title)

    def remove_section(self) -> None:
        chosen, key = self._outline_choice(), self.sections.current_section()
        if chosen is None or key is None:
            return
        part = {p.key: p for p in publishable.outline(self.context.wb, *chosen)}[key]
        if not part.removable:
            self.context.failed.emit(f"'{part.title}' is worked out from the figures, so it cannot be removed: "
                                     "move it or rename it instead.")  # fmt: skip
            return
        if self.confirm_remove(part.title):
            self.context.do(outline.remove_section, *chosen, key)

    def step_section(self, step: int) -> None:
        key = self.sections.current_section()
        if key is not None:
            self.move_section(key, self.sections.keys().index(key) + step)

    def move_section(self, key: str, to: int) -> None:
        chosen = self._outline_choice()
        if chosen is not None and 0 <= to < len(self.sections.keys()):
            self.save_text()
            self.context.do(outline.move_section, *chosen, key, to)
            self.sections.select(key)

    def ask_title(self, caption: str, current: str) -> str | None:
        title, ok = QInputDialog.getText(self, caption, "Heading, as printed:", QLineEdit.EchoMode.Normal, current)
        return title.strip() if ok else None

    def confirm_remove(self, title: str) -> bool:
        answer = QMessageBox.question(self, "Remove the section?", f"Remove '{title}' and its text for this year "
                                      "(every quarter's)?\n\nEdit › Undo brings it back.")  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    # -- export -------------------------------------------------------------------------------
    def export(self, fmt: str = "pdf") -> None:
        """Pre-flight first, then where to save, then build on a worker thread."""
        self.save_text()
        report, year, quarter = self.choice()
        if not year:
            self.context.failed.emit("There is no data for any year yet: nothing to export.")
            return
        found = preflight(self.context.wb, report, year, quarter or 0)
        if found and not self.confirm(found):
            return
        out = self.choose_output(self._suggested(report, year, quarter, fmt), fmt)
        if out is None:
            return
        tables = self.with_tables.isEnabled() and self.with_tables.isChecked()
        if tables and out.with_suffix(".xlsx").exists() and not self.replace_tables(out.with_suffix(".xlsx")):
            return
        self.context.settings.setValue("export/folder", str(out.parent))
        self.job = ExportJob(self.context.wb, self.context.passphrase or "", report, year, quarter, out, fmt,
                             release=self.release(report, year, quarter), tables=tables)
        self.job.finished.connect(self._exported)
        self.job.failed.connect(self._export_failed)
        self._show_progress(REPORT_TITLES[report])
        self.job.start()

    def release(self, report: str, year: str, quarter: int | None) -> Release:
        """A draft, or a final edition published today, naming its next edition (and, for a
        report to the Panel, dated by its meeting)."""
        draft = self.draft.isChecked()
        meeting = long_date(self.meeting.date().toPython()) if report in MEETING_REPORTS else ""
        return Release(draft=draft, published="" if draft else long_date(dt.date.today()),
                       next_update=next_edition(report, year, quarter), meeting=meeting)  # fmt: skip

    def replace_tables(self, sheet: Path) -> bool:
        """The save dialog asked about the document only: ask about the tables beside it too."""
        answer = QMessageBox.question(self, "Replace the tables?", f"{sheet.name} already exists beside the "
                                      "document.\n\nReplace it with this edition's tables?")  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    def confirm(self, findings: list) -> bool:  # type: ignore[type-arg]
        lines = "\n".join(f"• {f}" for f in findings[:12])
        more = f"\n… and {len(findings) - 12} more" if len(findings) > 12 else ""
        answer = QMessageBox.question(self, "Before publishing",
                                      f"{len(findings)} thing(s) need attention:\n\n{lines}{more}\n\nExport anyway?")  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    def choose_output(self, suggested: Path, fmt: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, "Export document", str(suggested),
                                              "PDF (*.pdf)" if fmt == "pdf" else "HTML (*.html)")  # fmt: skip
        return Path(name) if name else None

    def open_document(self, path: Path) -> None:
        answer = QMessageBox.question(self, "Exported", f"Exported {path.name}.\n\nOpen it now?")
        if answer == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _suggested(self, report: str, year: str, quarter: int | None, fmt: str) -> Path:
        folder = Path(str(self.context.settings.value("export/folder", "") or Path.home()))
        period = year.replace("/", "-") + (f" Q{quarter}" if quarter else "")
        return folder / f"{REPORT_TITLES[report].split(' (')[0]} {period}.{fmt}"

    def _show_progress(self, title: str) -> None:
        self.export_button.setEnabled(False)
        self.progress = QProgressDialog(f"Exporting the {title}…", "", 0, 0, self)
        self.progress.setCancelButton(None)
        self.progress.setWindowTitle("Exporting")
        self.progress.setMinimumDuration(300)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)

    def _done(self) -> None:
        self.export_button.setEnabled(True)
        if self.progress is not None:
            self.progress.close()
            self.progress = None
        self.job = None

    def _exported(self, path: str) -> None:
        self._done()
        self.open_document(Path(path))

    def _export_failed(self, message: str) -> None:
        self._done()
        self.context.failed.emit(f"The document was not exported: {message}")

    def reveal(self, report: str, year: str, quarter: int, section: str, text: str) -> bool:
        """Open ``section`` of ``report`` for the year (and quarter) with ``text`` selected in the
        editor (a search result); False when the year or the section is gone."""
        self._catch_up()
        wanted = ((self.report, list(REPORT_TITLES).index(report)), (self.year, self.year.findText(year)),
                  (self.quarter, quarter - 1 if quarter else self.quarter.currentIndex()))  # fmt: skip
        if wanted[1][1] < 0:
            return False
        if any(box.currentIndex() != at for box, at in wanted):
            for box, at in wanted:  # chosen together, then shown once
                box.blockSignals(True)
                box.setCurrentIndex(at)
                box.blockSignals(False)
            self._period_changed()
        self.sections.select(section)
        if self.sections.current_key() != section:
            return False
        start = self.editor.textCursor()
        start.setPosition(0)
        self.editor.setTextCursor(start)
        self.editor.find(" ".join(text.split()))  # any case; stays at the start if markup splits the words
        self.editor.setFocus()
        return True
