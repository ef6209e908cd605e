"""File › Export data and File › Monitoring return: the exchange workbook and blank returns,
written by the core's own functions (the same files as the CLI's export-data and template)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.areas.periods import financial_years
from opcc_desktop.areas.services import services
from opcc_desktop.errors import OpccError
from opcc_desktop.exchange.export import export_data
from opcc_desktop.exchange.returns import write_template
from opcc_desktop.areas.periods import financial_year_of
from ui.context import AppContext

XLSX = "Excel workbook (*.xlsx)"


def export_exchange_workbook(context: AppContext, parent: QWidget) -> str | None:
    """Ask where and whether to include the workforce, write the file; a line for the status bar."""
    options = _ExportOptions(parent)
    if options.exec() != QDialog.DialogCode.Accepted:
        return None
    out = _save_path(context, parent, "Export data", f"{context.path.stem if context.path else 'office'}-data.xlsx")
    if out is None:
        return None
    without = () if options.workforce.isChecked() else ("workforce",)
    try:
        context.read(export_data, out, without)
    except (OpccError, OSError) as exc:
        context.failed.emit(f"The data could not be exported to {out.name} ({exc}).")
        return None
    private = " It holds the workforce sheets: OFFICIAL-SENSITIVE." if not without else ""
    return f"Exported the data to {out}.{private}"


class _ExportOptions(QDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export data")
        text = QLabel("Writes everything in the workbook to one Excel file, one sheet a table, to edit in Excel "
                      "and import again (File › Import data), or to start another workbook from.")  # fmt: skip
        text.setWordWrap(True)
        self.workforce = QCheckBox("Include the &workforce sheets (private staff data, OFFICIAL-SENSITIVE)")
        self.workforce.setChecked(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("&Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.workforce)
        layout.addWidget(buttons)
        self.resize(520, 0)


def write_monitoring_return(context: AppContext, parent: QWidget) -> str | None:
    """Ask for the service and quarter, then where; write the blank return."""
    names = [row["name"] for row in context.read(services) or []]
    if not names:
        context.failed.emit("There are no services yet: add one on the Services tab first.")
        return None
    request = _ReturnRequest(names, context.read(financial_years) or [], parent)
    if request.exec() != QDialog.DialogCode.Accepted:
        return None
    service, year, quarter = request.values()
    suggested = f"{service} {year.replace('/', '-')} Q{quarter} return.xlsx"
    out = _save_path(context, parent, "Save the blank return", suggested)
    if out is None:
        return None
    try:
        context.read(write_template, service, year, quarter, out)
    except (OpccError, OSError) as exc:
        context.failed.emit(f"The return could not be written to {out.name} ({exc}).")
        return None
    return f"Wrote the blank {year} Q{quarter} return for {service} to {out}. Import it when it comes back."


class _ReturnRequest(QDialog):
    def __init__(self, names: list[str], years: list[str], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Service monitoring return")
        self.service = QComboBox()
        self.service.addItems(names)
        self.year = QComboBox()
        current = financial_year_of(dt.date.today())
        self.year.addItems(sorted({current, *years}, reverse=True))
        self.year.setCurrentText(current)
        self.quarter = QSpinBox()
        self.quarter.setRange(1, 4)
        self.quarter.setPrefix("Q")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("&Save…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        text = QLabel("A blank return for one service and quarter, with its categories filled in, to send to the "
                      "service. Import the completed file with File › Import data.")  # fmt: skip
        text.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Service:", self.service)
        form.addRow("Financial &year:", self.year)
        form.addRow("&Quarter:", self.quarter)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(480, 0)

    def values(self) -> tuple[str, str, int]:
        return self.service.currentText(), self.year.currentText(), self.quarter.value()


def _save_path(context: AppContext, parent: QWidget, title: str, suggested: str) -> Path | None:
    folder = Path(str(context.settings.value("exchange/folder", "") or Path.home()))
    name, _ = QFileDialog.getSaveFileName(parent, title, str(folder / suggested), XLSX)
    if not name:
        return None
    out = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
    context.settings.setValue("exchange/folder", str(out.parent))
    return out
