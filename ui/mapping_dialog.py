"""The HR extract mapping, made by picking rather than typing JSON: which of the extract's
columns holds each staff field, and which category each of its codes stands for.

The choices start from the mapping in use (else from headers and codes that already spell
our names) and become an :class:`HrMapping`, checked by the core like a mapping file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.areas.vocab import WORKFORCE_CHARACTERISTICS
from opcc_desktop.errors import ImportProblem, ImportRefused, UnsafePath
from opcc_desktop.exchange.hr_extract import CODED, FIELDS, MAPPING_NAME, HrMapping, proposed_category
from opcc_desktop.exchange.sources import fold
from opcc_desktop.store.user_paths import write_bytes

NOT_IN_FILE = "(not in the file)"
UNMAPPED = "(choose a category)"


class MappingDialog(QDialog):
    def __init__(self, columns: dict[str, list[str]], current: HrMapping | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("HR extract mapping")
        self.columns, self.current = columns, current or HrMapping()
        self.mapping: HrMapping | None = None
        self.code_rows: list[tuple[str, str]] = []  # (field, their code) of each row of the codes table
        self.header_combos = {name: self._header_combo(name) for name in FIELDS}
        self.date_format = QLineEdit(self.current.date_format)
        self.date_format.setPlaceholderText("e.g. %d/%m/%Y for 31/03/2022 (dates written as text)")
        self.codes = QTableWidget(0, 3)
        self.codes.setHorizontalHeaderLabels(["Field", "Their code", "Our category"])
        self.codes.setAccessibleName("Codes and the categories they stand for")
        self.codes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.codes.verticalHeader().setVisible(False)
        header = self.codes.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents,) * 2 + (QHeaderView.ResizeMode.Stretch,)):
            header.setSectionResizeMode(column, mode)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        self._layout()
        for combo in self.header_combos.values():
            combo.currentIndexChanged.connect(self._fill_codes)
        self._fill_codes()
        self.resize(760, 720)

    def _layout(self) -> None:
        form = QFormLayout()
        for name, combo in self.header_combos.items():
            form.addRow(f"{name.replace('_', ' ').capitalize()}:", combo)
        form.addRow("Date format:", self.date_format)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        save = buttons.addButton("&Save as file…", QDialogButtonBox.ButtonRole.ActionRole)
        save.clicked.connect(self._save_file)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        intro = QLabel("Which column of the extract holds each field, and which category each of its codes "
                       "stands for. The import keeps this mapping in the workbook for the next extract.")  # fmt: skip
        intro.setWordWrap(True)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.codes, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _header_combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.addItems([NOT_IN_FILE, *self.columns])
        combo.setAccessibleName(f"Column holding {name.replace('_', ' ')}")
        wanted = fold(self.current.header(name))
        found = next((header for header in self.columns if fold(header) == wanted), None)
        if found is not None:
            combo.setCurrentText(found)
        return combo

    def _fill_codes(self) -> None:
        """One row a code of each coded field's column, keeping what was chosen already."""
        chosen = {key: combo.currentText() for key, combo in self._code_combos().items()}
        rows = [(name, code) for name in CODED for code in self.columns.get(self._header(name) or "", [])]
        self.codes.setRowCount(0)  # the old rows' widgets go with them
        self.code_rows = rows
        self.codes.setRowCount(len(rows))
        for row, (name, code) in enumerate(rows):
            self.codes.setItem(row, 0, QTableWidgetItem(name.replace("_", " ")))
            self.codes.setItem(row, 1, QTableWidgetItem(code))
            combo = QComboBox()
            combo.addItems([UNMAPPED, *WORKFORCE_CHARACTERISTICS[name]])
            combo.setAccessibleName(f"Category for {name.replace('_', ' ')} code {code}")
            combo.setCurrentText(chosen.get((name, code)) or proposed_category(name, code, self.current) or UNMAPPED)
            self.codes.setCellWidget(row, 2, combo)

    def _code_combos(self) -> dict[tuple[str, str], QComboBox]:
        return {key: self.codes.cellWidget(row, 2) for row, key in enumerate(self.code_rows)}  # type: ignore[misc]

    def code_combo(self, field_name: str, code: str) -> QComboBox:
        return self._code_combos()[(field_name, code)]

    def _header(self, name: str) -> str | None:
        text = self.header_combos[name].currentText()
        return None if text == NOT_IN_FILE else text

    def chosen(self) -> HrMapping:
        """The mapping as chosen; refused (ImportRefused) when it contradicts itself."""
        columns: dict[str, str] = {}
        for name in FIELDS:
            header = self._header(name)
            if header in columns:
                problem = ImportProblem("", None, f"columns: {header!r}", name,
                                        f"is chosen for both {columns[header]} and {name}", "each column for one field")  # fmt: skip
                raise ImportRefused(MAPPING_NAME, [problem])
            if header:
                columns[header] = name
        codes: dict[str, dict[str, str]] = {}
        for (name, code), combo in self._code_combos().items():
            if combo.currentText() != UNMAPPED and combo.currentText() != code:
                codes.setdefault(name, {})[code] = combo.currentText()
        return HrMapping(columns, codes, self.date_format.text().strip())

    def _accept(self) -> None:
        try:
            self.mapping = self.chosen()
        except ImportRefused as refused:
            self.error.setText("; ".join(str(p) for p in refused.problems))
            return
        self.accept()

    def _save_file(self) -> None:
        try:
            mapping = self.chosen()
        except ImportRefused as refused:
            self.error.setText("; ".join(str(p) for p in refused.problems))
            return
        name, _ = QFileDialog.getSaveFileName(self, "Save mapping", "hr-mapping.json", "Mapping (*.json)")
        if not name:
            return
        try:
            write_bytes(Path(name), mapping.to_json().encode("utf-8"))
        except UnsafePath as exc:
            self.error.setText(str(exc))
        except OSError as exc:
            self.error.setText(f"The mapping could not be saved to {Path(name).name} ({exc.strerror or exc}).")
