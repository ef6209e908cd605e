"""The window shell opens on a real workbook and reads it through the core."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from opcc_desktop import schemes, services, workforce
from ui.main_window import MainWindow


def test_window_shows_each_area_from_the_workbook(qtbot, wb) -> None:
    services.add_service(wb, {"name": "Harbour", "service_type": "Domestic abuse"})
    schemes.add_scheme(wb, {"name": "Treatment programme", "never_publish": True})
    workforce.add_snapshot(wb, "2022-03-31")
    window = MainWindow(wb)
    qtbot.addWidget(window)
    window.show()
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["Workforce (private)", "Services", "Divert / Triage", "KPIs", "Goals"]
    assert wb.path.name in window.windowTitle()

    def texts(index: int) -> list[str]:
        return [label.text() for label in window.tabs.widget(index).findChildren(QLabel)]

    assert texts(0)[0] == "OFFICIAL-SENSITIVE"
    assert "Snapshot 2022-03-31: 0 staff" in texts(0)
    assert "Harbour (Domestic abuse)" in texts(1)
    assert any("never published" in text for text in texts(2))
