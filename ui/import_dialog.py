"""File › Import data: check a file first, show what it would change or every problem with
it, then import it as one undoable edit.

The file is read once (guards included); the check is the importer's own dry run, so what
the dialog promises is exactly what the import does. HR extracts also need the date of the
snapshot they describe and, the first time, a mapping of their headers and codes.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.errors import ImportProblem, ImportRefused, OpccError
from opcc_desktop.exchange.hr_extract import HrMapping, extract_columns, read_mapping, saved_mapping
from opcc_desktop.exchange.importing import import_source, recognise
from opcc_desktop.exchange.result import ImportResult
from opcc_desktop.exchange.sources import Source, read
from opcc_desktop.store.changes import Changes
from opcc_desktop.store.workbook import Workbook
from ui.context import AppContext

FILTER = "Spreadsheets (*.xlsx *.xlsm *.csv *.txt);;All files (*)"
KINDS = {
    "exchange": "Exchange workbook (everything, as Export data writes it)",
    "monitoring-return": "Service monitoring return (one service, one quarter)",
    "hr-extract": "HR extract (staff of one workforce snapshot)",
}
PROBLEM_COLUMNS = ("Sheet", "Row", "Column", "Value", "Problem", "Allowed")


def choose_and_import(context: AppContext, parent: QWidget) -> ImportResult | None:
    """Ask for a file, then run the dialog on it; the import made, if any."""
    folder = str(context.settings.value("import/folder", "") or "")
    name, _ = QFileDialog.getOpenFileName(parent, "Import data", folder, FILTER)
    if not name:
        return None
    context.settings.setValue("import/folder", str(Path(name).parent))
    dialog = ImportDialog(context, Path(name), parent)
    dialog.exec()
    return dialog.result_made


class ImportDialog(QDialog):
    def __init__(self, context: AppContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.path = context, path
        self.source: Source | None = None
        self.mapping: HrMapping | None = None  # a mapping file chosen here (else the saved one)
        self.checked: ImportResult | None = None
        self.stamp: tuple[int, int] | None = None  # the file's modification time and size when read
        self.result_made: ImportResult | None = None
        self.setWindowTitle(f"Import {path.name}")
        self.resize(860, 560)
        self._build()
        with _busy():
            self._read()
        self._check()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.kind = QComboBox()
        for kind, text in KINDS.items():
            self.kind.addItem(text, kind)
        self.kind.setAccessibleName("What the file is")
        self.snapshot = QDateEdit(_last_year_end(dt.date.today()))
        self.snapshot.setCalendarPopup(True)
        self.snapshot.setDisplayFormat("d MMMM yyyy")
        self.snapshot.setAccessibleName("Snapshot date")
        self.label = QLineEdit()
        self.label.setPlaceholderText("e.g. End of year 2021/22 (optional)")
        self.mapping_label = QLabel()
        edit = QPushButton("&Edit mapping…")
        edit.clicked.connect(self._edit_mapping)
        self.edit_mapping_button = edit
        choose = QPushButton("Choose &mapping file…")
        choose.clicked.connect(self._choose_mapping)
        mapping_row = QHBoxLayout()
        mapping_row.addWidget(self.mapping_label, 1)
        mapping_row.addWidget(edit)
        mapping_row.addWidget(choose)
        self.hr_box = QWidget()
        hr_form = QFormLayout(self.hr_box)
        hr_form.setContentsMargins(0, 0, 0, 0)
        hr_form.addRow("&Snapshot date:", self.snapshot)
        hr_form.addRow("&Label:", self.label)
        hr_form.addRow("Mapping:", mapping_row)
        form = QFormLayout()
        form.addRow("File:", QLabel(str(self.path)))
        form.addRow("&What it is:", self.kind)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems = _problem_table()
        copy = QPushButton("&Copy problems")
        copy.clicked.connect(self._copy_problems)
        self.copy_button = copy
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.check_button = buttons.addButton("C&heck again", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self._import)
        buttons.rejected.connect(self.reject)
        self.check_button.clicked.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hr_box)
        layout.addWidget(self.verdict)
        layout.addWidget(self.problems, 1)
        layout.addStretch(0)  # takes the spare height while there is no problem table
        footer = QHBoxLayout()
        footer.addWidget(copy)
        footer.addStretch(1)
        footer.addWidget(buttons)
        layout.addLayout(footer)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.snapshot.dateChanged.connect(self._invalidate)
        self.label.textChanged.connect(self._invalidate)

    # -- reading and checking -------------------------------------------------------------------
    def _read(self) -> None:
        """Read the file (again, after it was saved since): the kind is recognised the first time."""
        first = self.stamp is None
        self.source, self.stamp = None, _stamp(self.path)
        try:
            self.source = read(self.path)
            found = self.context.read(recognise, self.source) if first else None
        except OpccError as exc:
            self._refused(exc)
            return
        if found:
            self.kind.setCurrentIndex(list(KINDS).index(found))
        self._show_mapping()
        self.hr_box.setVisible(self.kind.currentData() == "hr-extract")

    def _check(self) -> None:
        """The import's own dry run: what it would change, or every problem. A file corrected
        and saved since it was read (or unreadable then) is read again first."""
        self.checked = None
        with _busy():
            if self.source is None or _stamp(self.path) != self.stamp:
                self._read()
            if self.source is None:
                return
            try:
                self.checked = self.context.read(self._run, True)
            except OpccError as exc:
                self._refused(exc)
                return
            except Exception as exc:  # noqa: BLE001 - a bug: say so rather than fail silently
                self._refused(OpccError(f"The check failed unexpectedly ({type(exc).__name__}: {exc})."))
                return
        lines = "".join(f"<li>{escape(line)}</li>" for line in self.checked.summary)
        warnings = "".join(f"<p>{escape(w)}</p>" for w in self.checked.warnings)
        self.verdict.setText(f"<b>Ready to import.</b> One edit (Undo takes it back):<ul>{lines}</ul>{warnings}")
        self._show_problems([])
        self.import_button.setEnabled(True)

    def _run(self, wb: Workbook, dry_run: bool) -> ImportResult:
        assert self.source is not None
        day = self.snapshot.date().toPython()
        snapshot = day.isoformat() if isinstance(day, dt.date) else None
        return import_source(wb, self.source, self.kind.currentData(), dry_run=dry_run, snapshot=snapshot,
                             label=self.label.text(), mapping=self.mapping)  # fmt: skip

    def _refused(self, exc: OpccError) -> None:
        problems = exc.problems if isinstance(exc, ImportRefused) else []
        count = len(problems)
        head = f"<b>Cannot import {escape(self.path.name)}: {count} problem{'s' if count != 1 else ''}.</b>" \
            if count else f"<b>Cannot import {escape(self.path.name)}.</b> {escape(str(exc))}"  # fmt: skip
        self.verdict.setText(f"{head} Nothing was changed. Correct the file (or the choices above) and check again.")
        self._show_problems(problems)
        self.import_button.setEnabled(False)

    def _show_problems(self, problems: list[ImportProblem]) -> None:
        self.problems.setRowCount(len(problems))
        for row, problem in enumerate(problems):
            cells = (problem.sheet, problem.row or "", problem.column, "" if problem.value is None else problem.value,
                     problem.message, problem.allowed)  # fmt: skip
            for column, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                item.setToolTip(str(value))
                self.problems.setItem(row, column, item)
        self.problems.setVisible(bool(problems))
        self.copy_button.setVisible(bool(problems))

    def _copy_problems(self) -> None:
        """Tab-separated, with the header: pasted into an email or a spreadsheet for whoever
        sent the file."""
        rows = [PROBLEM_COLUMNS] + [
            tuple(self.problems.item(r, c).text() for c in range(len(PROBLEM_COLUMNS)))
            for r in range(self.problems.rowCount())
        ]
        QGuiApplication.clipboard().setText("\n".join("\t".join(row) for row in rows))

    # -- choices --------------------------------------------------------------------------------
    def _kind_changed(self) -> None:
        self.hr_box.setVisible(self.kind.currentData() == "hr-extract")
        self._invalidate()

    def _invalidate(self) -> None:
        """A choice changed: the last check no longer holds."""
        self.checked = None
        self.import_button.setEnabled(False)
        self.verdict.setText("The choices changed: <b>Check again</b> before importing.")

    def _choose_mapping(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "HR extract mapping", str(self.path.parent),
                                              "Mapping (*.json);;All files (*)")  # fmt: skip
        if not name:
            return
        try:
            self.mapping = read_mapping(Path(name))
        except OpccError as exc:
            self._refused(exc)
            return
        self._show_mapping(Path(name).name)
        self._invalidate()

    def _edit_mapping(self) -> None:
        """Pick the columns and codes; the check then runs with the mapping made."""
        from ui.mapping_dialog import MappingDialog

        if self.source is None:
            return
        dialog = MappingDialog(extract_columns(self.source), self.mapping or self._saved_mapping(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.mapping is None:
            return
        self.mapping = dialog.mapping
        self._show_mapping("Made here")
        self._check()

    def _saved_mapping(self) -> HrMapping | None:
        try:
            return self.context.read(saved_mapping)
        except OpccError:  # a damaged saved mapping: start afresh
            return None

    def _show_mapping(self, chosen: str = "") -> None:
        if chosen:
            self.mapping_label.setText(f"{chosen} (kept in the workbook for next time)")
            return
        self.mapping_label.setText("the mapping used last time" if self._saved_mapping() else
                                   "none: the file's headers and codes must be the workbook's own")  # fmt: skip

    # -- importing ------------------------------------------------------------------------------
    def _import(self) -> None:
        if self.checked is None:
            self._check()
            return
        made: list[ImportResult] = []

        def run(wb: Workbook) -> Changes:
            made.append(self._run(wb, False))
            return made[-1].changes or Changes(None, "")

        with _busy():
            self.context.do(run)
        if not made:
            self._check()  # refused after all (the workbook changed meanwhile): show why
            return
        self.result_made = made[0]
        if not made[0].changed:
            self.verdict.setText("<b>Nothing to import:</b> the workbook already holds exactly this data.")
            self.import_button.setEnabled(False)
            return
        self.accept()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def _last_year_end(today: dt.date) -> QDate:
    """31 March just gone: the date an HR extract usually describes."""
    year = today.year if (today.month, today.day) >= (3, 31) else today.year - 1
    return QDate(year, 3, 31)


def _problem_table() -> QTableWidget:
    table = QTableWidget(0, len(PROBLEM_COLUMNS))
    table.setHorizontalHeaderLabels(PROBLEM_COLUMNS)
    table.setAccessibleName("Problems found in the file")
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    for column in range(5):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
    table.setVisible(False)
    return table


class _busy:
    """The wait cursor while a large file is read or checked (well under a second for 50,000
    rows, so no progress dialog)."""

    def __enter__(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *exc: object) -> None:
        QApplication.restoreOverrideCursor()
