"""The window's tabs, each built the first time it is needed.

Building all six at start cost a quarter of a second and pulled in the disclosure solver
before anything was painted; now the tab bar is drawn from the titles below, and a tab's
module is imported and the tab made when it is first shown or asked for."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.tabs.base import Tab


@dataclass(frozen=True)
class TabSpec:
    title: str
    module: str
    name: str  # the Tab subclass in ``module``


TABS = (
    TabSpec("Workforce (private)", "ui.tabs.workforce", "WorkforceTab"),
    TabSpec("Services", "ui.tabs.services", "ServicesTab"),
    TabSpec("Divert / Triage", "ui.tabs.schemes", "SchemesTab"),
    TabSpec("KPIs", "ui.tabs.kpis", "KpisTab"),
    TabSpec("Goals", "ui.tabs.goals", "GoalsTab"),
    TabSpec("Reports", "ui.tabs.reports", "ReportsTab"),
)


class TabPage(QWidget):
    """Holds one tab's place in the tab bar and builds the tab inside itself on demand."""

    def __init__(self, spec: TabSpec, make: Callable[[type[Tab]], Tab]) -> None:
        super().__init__()
        self.spec = spec
        self._make = make
        self.tab: Tab | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def build(self) -> Tab:
        if self.tab is None:
            cls = getattr(importlib.import_module(self.spec.module), self.spec.name)
            self.tab = self._make(cls)
            self.tab.setAccessibleName(self.spec.title)
            self._layout.addWidget(self.tab)
            self.tab.show()  # at once: a layout shows a child of a visible page only later
        return self.tab
