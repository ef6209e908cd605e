"""The Goals tab's structure editing: equality goals and EDI Quality Framework areas added,
renamed, moved up and down (Alt+Up, Alt+Down: a goal among the goals set for its year) and
deleted in the window, each one undoable edit through the core (a refusal is reported by the
window as any other)."""

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
        for table, step in ((tab.goal_table, self.step_goal), (tab.edi_table, self.step_area)):
            asking.shortcut(table, "Alt+Up", lambda step=step: step(-1))
            asking.shortcut(table, "Alt+Down", lambda step=step: step(1))

    def goal_buttons(self) -> QHBoxLayout:
        return asking.button_row((("Add &goal…", "Add an equality goal for the year shown", self.add_goal),
                     ("Delete goal", "Delete the selected goal with its updates (Undo brings it back)",
                      self.delete_goal),
                     ("Up", "Move the selected goal up among the goals set for its year (Alt+Up)",
                      lambda: self.step_goal(-1)),
                     ("Down", "Move the selected goal down among the goals set for its year (Alt+Down)",
                      lambda: self.step_goal(1))))  # fmt: skip

    def area_buttons(self) -> QHBoxLayout:
        return asking.button_row((("Add &area…", "Add an area of the EDI Quality Framework", self.add_area),
                     ("Rename area…", "Rename the selected area", self.rename_area),
                     ("Delete area", "Delete the selected area with its assessments (Undo brings it back)",
                      self.delete_area),
                     ("Up", "Move the selected area up (Alt+Up)", lambda: self.step_area(-1)),
                     ("Down", "Move the selected area down (Alt+Down)", lambda: self.step_area(1))))  # fmt: skip

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

    def step_goal(self, delta: int) -> None:
        """Move the selected goal up (-1) or down (1) among the goals set for its year."""
        rows = self.tab.goal_model.rows
        year = next((r["set_for_year"] for r in rows if r["id"] == self.tab.goal_id), None)
        ids = [r["id"] for r in rows if r["set_for_year"] == year]
        to = ids.index(self.tab.goal_id) + delta if self.tab.goal_id in ids else -1
        if 0 <= to < len(ids):
            self.context.do(goals.move_goal, self.tab.goal_id, to + 1)

    def step_area(self, delta: int) -> None:
        """Move the selected area up (-1) or down (1)."""
        ids = [r["area_id"] for r in self.tab.edi_model.rows]
        to = ids.index(self.tab.area_id) + delta if self.tab.area_id in ids else -1
        if 0 <= to < len(ids):
            self.context.do(goals.move_edi_area, self.tab.area_id, to + 1)

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
