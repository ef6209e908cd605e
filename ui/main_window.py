"""The main window shell: one tab per area. Each tab reads through core functions only."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from opcc_desktop import goals, kpis, schemes, services, workforce
from opcc_desktop.workbook import Workbook


def _summary_tab(lines: list[str]) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    for line in lines:
        label = QLabel(line)
        label.setWordWrap(True)
        layout.addWidget(label)
    layout.addStretch(1)
    return page


class MainWindow(QMainWindow):
    def __init__(self, wb: Workbook) -> None:
        super().__init__()
        self.wb = wb
        self.setWindowTitle(f"{wb.path.name} — OPCC Desktop (all changes saved)")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Areas")
        for title, lines in self._summaries():
            self.tabs.addTab(_summary_tab(lines), title)
        self.setCentralWidget(self.tabs)
        self.resize(1100, 720)

    def _summaries(self) -> list[tuple[str, list[str]]]:
        wb = self.wb
        snaps = workforce.snapshots(wb)
        return [
            ("Workforce (private)", ["OFFICIAL-SENSITIVE"] + [
                f"Snapshot {s['snapshot_date']}: {s['headcount']} staff" for s in snaps]),
            ("Services", [f"{s['name']} ({s['service_type']})" for s in services.services(wb)]),
            ("Divert / Triage", [
                f"{s['name']} ({s['age_range']})" + (" — never published" if s["never_publish"] else "")
                for s in schemes.schemes(wb)]),
            ("KPIs", [f"{k['outcome']} › {k['group_name']} › {k['name']}" for k in kpis.kpi_tree(wb)]),
            ("Goals", [f"{g['set_for_year']}: {g['title']} ({g['status']})" for g in goals.goals(wb)]),
        ]  # fmt: skip
