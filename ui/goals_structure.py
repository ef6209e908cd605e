"""The Goals tab's structure editing: equality goals and EDI Quality Framework areas added,
renamed and deleted in the window, each one undoable edit through the core (a refusal is
reported by the window as any other)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout

from opcc_desktop.areas import goals
from ui import asking


class GoalActions:
    """The buttons under the Goals tab's two tables and what they do."""

    def __init__(self, tab: Any) -> None:
        self.tab = tab
        self.context = tab.context

    def goal_buttons(self) -> QHBoxLayout:
        return asking.button_row((("Add &goal…", "Add an equality goal for the year shown", self.add_goal),
                     ("Delete goal", "Delete the selected goal with its updates (Undo brings it back)",
                      self.delete_goal)))  # fmt: skip

    def area_buttons(self) -> QHBoxLayout:
        return asking.button_row((("Add &area…", "Add an area of the EDI Quality Framework", self.add_area),
                     ("Rename area…", "Rename the selected area", self.rename_area),
                     ("Delete area", "Delete the selected area with its assessments (Undo brings it back)",
                      self.delete_area)))  # fmt: skip

    def add_goal(self) -> None:
        if not self.tab.year:
            return
        title = self.ask_name(f"Add an equality goal for {self.tab.year}", "")
        if title is not None:
            self.context.do(goals.add_goal, {"set_for_year": self.tab.year, "title": title, "description": "",
                                             "owner": "", "status": "not started"})  # fmt: skip

    def delete_goal(self) -> None:
        if self.tab.goal_id is not None and self.confirm_delete("Delete the selected goal and its updates?"):
            self.context.do(goals.delete_goal, self.tab.goal_id)

    def add_area(self) -> None:
        name = self.ask_name("Add an EDI Quality Framework area", "")
        if name is not None:
            self.context.do(goals.add_edi_area, name)

    def rename_area(self) -> None:
        if self.tab.area_id is None:
            return
        current = next((r["area"] for r in self.context.read(goals.edi_rows, self.tab.year) or []
                        if r["area_id"] == self.tab.area_id), "")  # fmt: skip
        name = self.ask_name("Rename the area", current)
        if name is not None and name != current:
            self.context.do(goals.rename_edi_area, self.tab.area_id, name)

    def delete_area(self) -> None:
        if self.tab.area_id is not None and self.confirm_delete("Delete the selected area and its assessments?"):
            self.context.do(goals.delete_edi_area, self.tab.area_id)

    # -- asking (tests answer these) --------------------------------------------------------------
    def ask_name(self, caption: str, current: str) -> str | None:
        return asking.ask_name(self.tab, caption, current)

    def confirm_delete(self, question: str) -> bool:
        return asking.confirm_delete(self.tab, question)
