"""Reports: the narrative sections of each document, the pre-flight list, and the export.

The narrative editor is a small rich-text editor whose text is stored as the Markdown subset
the documents print (bold, bullet and numbered lists, headings, links).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFocusEvent, QKeySequence, QTextCharFormat, QTextListFormat
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.areas import narrative, periods
from opcc_desktop.areas.vocab import GENERATED_SECTIONS, QUARTER_MONTHS, QUARTERLY_REPORTS, REPORT_SECTIONS
from opcc_desktop.documents.preflight import preflight
from opcc_desktop.documents.release import Release, long_date, next_edition
from opcc_desktop.figures import publishable
from ui.export_job import ExportJob
from ui.tabs.base import Tab

REPORT_TITLES = {
    "annual-equality": "Annual Equality Monitoring Report",
    "performance-update": "Performance and Delivery Update",
    "workforce-pack": "Workforce pack (OFFICIAL-SENSITIVE)",
}
SPACING = 8


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

    def set_markdown(self, text: str) -> None:
        self.document().setMarkdown(text)
        self.document().setModified(False)

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
    title = "Reports"
    tables = frozenset({"narratives", "services", "service_counts", "scheme_counts", "kpi_values", "kpis",
                        "kpi_commentary", "goals", "goal_updates", "edi_assessments", "staff", "settings"})

    def __init__(self, context, clipboard) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, clipboard)
        self.job: ExportJob | None = None
        self.progress: QProgressDialog | None = None
        self._loaded: tuple[str, str, int, str] | None = None  # the section in the editor
        self.report = self._combo("Document", list(REPORT_TITLES.values()))
        self.year = self._combo("Financial year", [])
        self.quarter = self._combo("Quarter", [f"Q{q} ({m})" for q, m in QUARTER_MONTHS.items()])
        self.sections = QListWidget()
        self.sections.setAccessibleName("Sections")
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
        self.sections.currentRowChanged.connect(self._section_changed)
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
        for label, box in (("&Document:", self.report), ("Financial &year:", self.year), ("&Quarter:", self.quarter)):
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
        side.addWidget(QLabel("Sections:"))
        side.addWidget(self.sections, 1)
        side.addWidget(QLabel("Before publishing, check:"))
        side.addWidget(self.findings, 1)
        side.addWidget(self.draft)
        side.addWidget(self.with_tables)
        side.addLayout(buttons)
        right = QWidget()
        text_side = QVBoxLayout(right)
        text_side.addLayout(self._format_bar())
        text_side.addWidget(self.editor, 1)
        hint = QLabel("Changes are saved when you leave the text (Ctrl+S saves now). Bold, lists and "
                      "headings are kept in the documents.")  # fmt: skip
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
        self.setTabOrder(self.quarter, self.sections)
        self.setTabOrder(self.sections, self.editor)

    def _format_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        for text, shortcut, slot in (
            ("Bold", "Ctrl+B", self.editor.toggle_bold),
            ("• List", "", lambda: self.editor.make_list(QTextListFormat.Style.ListDisc)),
            ("1. List", "", lambda: self.editor.make_list(QTextListFormat.Style.ListDecimal)),
            ("Save", QKeySequence(QKeySequence.StandardKey.Save).toString(), self.save_text),
        ):
            button = QToolButton()
            button.setText(text)
            button.setAccessibleName(text.replace("•", "Bulleted").replace("1.", "Numbered"))
            if shortcut:
                button.setShortcut(QKeySequence(shortcut))
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
        texts = publishable.narrative(self.context.wb, report, year, quarter or 0) if year else {}
        current = max(0, self.sections.currentRow())
        self.sections.blockSignals(True)
        self.sections.clear()
        for section in REPORT_SECTIONS[report]:
            empty = " (written from the figures)" if section in GENERATED_SECTIONS else " (empty)"
            label = section.replace("_", " ").capitalize() + ("" if texts.get(section) else empty)
            self.sections.addItem(QListWidgetItem(label))
        self.sections.blockSignals(False)
        self.sections.setCurrentRow(min(current, self.sections.count() - 1))
        self._section_changed(self.sections.currentRow())

    def _show_findings(self) -> None:
        report, year, quarter = self.choice()
        self.findings.clear()
        found = preflight(self.context.wb, report, year, quarter or 0) if year else []
        for finding in found:
            self.findings.addItem(str(finding))
        if not found:
            self.findings.addItem("Nothing needs attention." if year else "No data for any year yet.")

    # -- narrative ----------------------------------------------------------------------------
    def _section_changed(self, row: int) -> None:
        self.save_text()
        report, year, quarter = self.choice()
        if row < 0 or not year:
            self._loaded = None
            self.editor.set_markdown("")
            return
        section = REPORT_SECTIONS[report][row]
        texts = publishable.narrative(self.context.wb, report, year, quarter or 0)
        self._loaded = (report, year, quarter or 0, section)
        self.editor.set_markdown(texts.get(section, ""))

    def save_text(self) -> None:
        """Save the section in the editor, if it changed, as one edit."""
        if self._loaded is None or not self.editor.document().isModified() or not self.context.is_open:
            return
        report, year, quarter, section = self._loaded
        self.editor.document().setModified(False)
        self.context.do(narrative.set_narrative, report, year, section, self.editor.markdown() or None, quarter)

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
        """A draft, or a final edition published today, naming its next edition."""
        draft = self.draft.isChecked()
        return Release(draft=draft, published="" if draft else long_date(dt.date.today()),
                       next_update=next_edition(report, year, quarter))  # fmt: skip

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
