"""Goals: the equality goals with their status and their update for the chosen report year,
and the EDI Quality Framework self-assessment of that year (a level and evidence per area).

A year's Annual Equality Monitoring Report updates the goals set for that year and prints
that year's self-assessment, so one report year drives the whole tab.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.areas import goals, settings
from opcc_desktop.areas.vocab import GOAL_STATUSES
from opcc_desktop.figures import area_views
from ui.plots import ChartView
from ui.table_model import Call, Column, Row, RowsModel
from ui.table_view import DataTable
from ui.goals_structure import GoalActions
from ui.tabs.base import Tab
from ui.tabs.kpis import SavingTextEdit

SPACING = 8
NOT_ASSESSED = "Not assessed"
NO_GOALS = ("No equality goals are recorded for this year yet.\n\nAdd one below (Add goal…), or bring "
            'goals and their updates in with an exchange workbook ("goals" and "goal_updates" sheets, File › '
            "Import data). Their status and yearly updates are then kept here.")
NO_AREAS = ("No EDI Quality Framework areas are recorded yet. Add them below (Add area…), or bring them in "
            'with the "edi_areas" sheet of an exchange workbook; each area is then assessed here year by year.')  # fmt: skip


def status_words(status: Any) -> str:
    """ "in progress" -> "In progress", as the report prints it."""
    text = str(status or "")
    return text[:1].upper() + text[1:]


def first_line(text: Any) -> str:
    return str(text or "").strip().split("\n", 1)[0]


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box of the allowed values (label, stored value) for a column; choosing one
    commits it at once."""

    def __init__(self, options: Callable[[], Sequence[tuple[str, str]]], name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.options = options
        self.name = name

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:  # fmt: skip
        combo = QComboBox(parent)
        combo.setAccessibleName(self.name)
        for label, value in self.options():
            combo.addItem(label, value)
        combo.activated.connect(lambda _: (self.commitData.emit(combo), self.closeEditor.emit(combo)))
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole) or ""), 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:  # fmt: skip
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class GoalsTab(Tab):
    tables = frozenset({"goals", "goal_updates", "edi_areas", "edi_assessments", "settings"})

    def __init__(self, context, clipboard) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, clipboard)
        self.year = ""
        self.goal_id: int | None = None
        self.area_id: int | None = None
        self._update: tuple[int, str, str, str | None] | None = None  # goal, year, text, date in the editor
        self._evidence: tuple[int, str, str, str] | None = None  # area, year, level, evidence in the editor
        self.year_box = QComboBox()
        self.goal_model = RowsModel(self._goal_columns(), context, self._edit_goal)
        self.goal_table = DataTable(self.goal_model, "Equality goals", clipboard)
        self.goal_heading = QLabel()
        self.goal_text = QLabel()
        self.update_label = QLabel()
        self.update_editor = SavingTextEdit(self.save_update)
        self.update_date = QLabel()
        self.save_update_button = QPushButton("Save &update")
        self.edi_model = RowsModel(self._edi_columns(), context, self._edit_edi)
        self.edi_table = DataTable(self.edi_model, "EDI Quality Framework self-assessment", clipboard)
        self.evidence_label = QLabel()
        self.evidence_editor = SavingTextEdit(self.save_evidence)
        self.save_evidence_button = QPushButton("Save &evidence")
        self.chart = ChartView("Goals set for the report year, by status")
        self.no_chart = QLabel()
        self.chart_stack = QStackedWidget()
        self.goal_stack = QStackedWidget()
        self.edi_stack = QStackedWidget()
        self.goal_detail = QWidget()
        self.evidence_side = QWidget()
        self.actions = GoalActions(self)
        self._build()
        self._connect()

    # -- models -------------------------------------------------------------------------------
    def _goal_columns(self, year: str = "") -> list[Column]:
        return [
            Column("set_for_year", "Set for"),
            Column("title", "Goal", editable=True),
            Column("owner", "Owner", editable=True),
            Column("status", "Status", editable=True, format=status_words,
                   tooltip="Double-click (or F2) to choose a status"),
            Column("update", f"Update for {year}" if year else "Update", format=first_line),
        ]  # fmt: skip

    def _edi_columns(self) -> list[Column]:
        return [
            Column("area", "Area"),
            Column("level", "Level", editable=True, format=lambda v: v or NOT_ASSESSED,
                   tooltip="Double-click (or F2) to choose a level"),
            Column("evidence", "Evidence", format=first_line),
        ]  # fmt: skip

    def _edit_goal(self, row: Row, key: str, value: Any) -> Call | None:
        return goals.edit_goal, (row["id"], {key: value})

    def _edit_edi(self, row: Row, key: str, value: Any) -> Call | None:
        level = str(value or "").strip()
        return goals.set_edi_assessment, (row["area_id"], self.year, level or None, row["evidence"] or "")

    def _levels(self) -> list[tuple[str, str]]:
        levels = self.context.read(settings.edi_levels) or ()
        return [(NOT_ASSESSED, ""), *[(level, level) for level in levels]]

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.year_box.setAccessibleName("Report year")
        self.goal_table.setItemDelegateForColumn(
            3, ChoiceDelegate(lambda: [(status_words(s), s) for s in GOAL_STATUSES], "Goal status", self))
        self.edi_table.setItemDelegateForColumn(1, ChoiceDelegate(self._levels, "EDI level", self))
        for table in (self.goal_table, self.edi_table):
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.verticalHeader().hide()
        self.update_editor.setAccessibleName("Goal update")
        self.evidence_editor.setAccessibleName("Evidence")
        self.save_update_button.setToolTip("Leaving the text saves it too")
        self.save_evidence_button.setToolTip("Leaving the text saves it too")
        for label in (self.goal_heading, self.goal_text, self.no_chart, self.update_label,
                      self.evidence_label):  # fmt: skip
            label.setWordWrap(True)
        font = self.goal_heading.font()
        font.setBold(True)
        self.goal_heading.setFont(font)
        self.update_label.setBuddy(self.update_editor)
        self.evidence_label.setBuddy(self.evidence_editor)
        self.no_chart.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_stack.addWidget(self.chart)
        self.chart_stack.addWidget(self.no_chart)
        top = QHBoxLayout()
        year_label = QLabel("Report &year:")
        year_label.setBuddy(self.year_box)
        hint = QLabel("A year's Annual Equality Monitoring Report updates the goals set for that year "
                      "and prints that year's self-assessment.")  # fmt: skip
        hint.setWordWrap(True)
        top.addWidget(year_label)
        top.addWidget(self.year_box)
        top.addSpacing(2 * SPACING)
        top.addWidget(hint, 1)
        sections = QSplitter(Qt.Orientation.Vertical)
        sections.addWidget(self._goals_section())
        sections.addWidget(self._edi_section())
        sections.setSizes([470, 250])
        layout = QVBoxLayout(self)
        layout.setSpacing(SPACING)
        layout.addLayout(top)
        layout.addWidget(sections, 1)
        order = (self.year_box, self.goal_table, self.update_editor, self.save_update_button,
                 self.edi_table, self.evidence_editor, self.save_evidence_button)  # fmt: skip
        for first, second in pairwise(order):
            self.setTabOrder(first, second)

    def _goals_section(self) -> QWidget:
        self.goal_stack.addWidget(self._empty(NO_GOALS, "No goals yet"))
        self.goal_stack.addWidget(self.goal_table)
        detail = self.goal_detail
        side = QVBoxLayout(detail)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(SPACING)
        side.addWidget(self.goal_heading)
        side.addWidget(self.goal_text)
        side.addWidget(self.update_label)
        side.addWidget(self.update_editor, 1)
        row = QHBoxLayout()
        row.addWidget(self.update_date, 1)
        row.addWidget(self.save_update_button)
        side.addLayout(row)
        table_side = QWidget()
        table_layout = QVBoxLayout(table_side)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.goal_stack, 1)
        table_layout.addLayout(self.actions.goal_buttons())
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(table_side)
        left.addWidget(self.chart_stack)
        left.setSizes([240, 200])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(detail)
        splitter.setSizes([700, 460])
        return self._box("Equality goals", splitter)

    def _edi_section(self) -> QWidget:
        self.edi_stack.addWidget(self._empty(NO_AREAS, "No EDI areas yet"))
        self.edi_stack.addWidget(self.edi_table)
        evidence = self.evidence_side
        side = QVBoxLayout(evidence)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.evidence_label)
        side.addWidget(self.evidence_editor, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_evidence_button)
        side.addLayout(row)
        areas = QWidget()
        area_layout = QVBoxLayout(areas)
        area_layout.setContentsMargins(0, 0, 0, 0)
        area_layout.addWidget(self.edi_stack, 1)
        area_layout.addLayout(self.actions.area_buttons())
        edi = QSplitter(Qt.Orientation.Horizontal)
        edi.addWidget(areas)
        edi.addWidget(evidence)
        edi.setSizes([700, 460])
        return self._box("EDI Quality Framework self-assessment", edi)

    @staticmethod
    def _box(title: str, content: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.addWidget(content)
        return box

    @staticmethod
    def _empty(text: str, name: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setAccessibleName(name)
        return label

    def _connect(self) -> None:
        self.year_box.currentTextChanged.connect(self._year_chosen)
        self.goal_table.selectionModel().currentRowChanged.connect(self._goal_moved)
        self.edi_table.selectionModel().currentRowChanged.connect(self._area_moved)
        self.save_update_button.clicked.connect(self.save_update)
        self.save_evidence_button.clicked.connect(self.save_evidence)

    # -- reading the workbook -----------------------------------------------------------------
    def refresh(self) -> None:
        years = self.context.read(goals.goal_years, date.today()) or []
        if self.year not in years:
            self.year = self.context.read(goals.latest_report_year) or (years[0] if years else "")
        self.year_box.blockSignals(True)
        self.year_box.clear()
        self.year_box.addItems(years)
        self.year_box.setCurrentText(self.year)
        self.year_box.blockSignals(False)
        self._load()

    def _load(self) -> None:
        """Every part of the tab for the chosen year, keeping the selected goal and area."""
        goal_rows = self.context.read(goals.goals_with_update, self.year) or []
        self.goal_model.columns = self._goal_columns(self.year)
        self.goal_model.load(goal_rows)
        self.goal_stack.setCurrentIndex(1 if goal_rows else 0)
        self.goal_detail.setVisible(bool(goal_rows))  # no goal, no update to write
        self.chart_stack.setVisible(bool(goal_rows))
        self.goal_id = self._reselect(self.goal_table, goal_rows, "id", self.goal_id)
        area_rows = self.context.read(goals.edi_rows, self.year) or []
        self.edi_model.load(area_rows)
        self.edi_stack.setCurrentIndex(1 if area_rows else 0)
        self.evidence_side.setVisible(bool(area_rows))
        self.area_id = self._reselect(self.edi_table, area_rows, "area_id", self.area_id)
        self._fit_columns()
        self._show_goal()
        self._show_area()
        spec = self.context.read(area_views.status_chart, self.year)
        self.chart.show_spec(spec)
        self.chart_stack.setCurrentIndex(0 if spec is not None else 1)
        self.no_chart.setText("" if spec is not None else f"No goals were set for {self.year}.")

    def _reselect(self, table: DataTable, rows: list[Row], key: str, wanted: int | None) -> int | None:
        ids = [r[key] for r in rows]
        if not ids:
            return None
        row = ids.index(wanted) if wanted in ids else 0
        column = max(table.currentIndex().column(), 1)
        selection = table.selectionModel()
        selection.blockSignals(True)  # the tab itself moves here: nothing to save on the way
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        selection.setCurrentIndex(table.model().index(row, column), flags)
        selection.blockSignals(False)
        table.viewport().update()
        return ids[row]

    def _fit_columns(self) -> None:
        header = self.goal_table.horizontalHeader()
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        edi = self.edi_table.horizontalHeader()
        edi.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        edi.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        edi.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def clear(self) -> None:
        self._update = self._evidence = None
        self.year, self.goal_id, self.area_id = "", None, None
        self.goal_model.clear()
        self.edi_model.clear()
        self.chart.show_spec(None)
        for label in (self.goal_heading, self.goal_text, self.update_label, self.update_date,
                      self.evidence_label, self.no_chart):  # fmt: skip
            label.clear()
        self.update_editor.clear()
        self.evidence_editor.clear()
        self.year_box.blockSignals(True)
        self.year_box.clear()
        self.year_box.blockSignals(False)

    # -- moving around ------------------------------------------------------------------------
    def _year_chosen(self, year: str) -> None:
        if year and year != self.year:
            self.save_update()
            self.save_evidence()
            self.year = year
            self._load()

    def _goal_moved(self, index: QModelIndex) -> None:
        rows = self.goal_model.rows
        if 0 <= index.row() < len(rows) and rows[index.row()]["id"] != self.goal_id:
            self.save_update()
            self.goal_id = rows[index.row()]["id"]
            self._show_goal()

    def _area_moved(self, index: QModelIndex) -> None:
        rows = self.edi_model.rows
        if 0 <= index.row() < len(rows) and rows[index.row()]["area_id"] != self.area_id:
            self.save_evidence()
            self.area_id = rows[index.row()]["area_id"]
            self._show_area()

    # -- the goal's update ----------------------------------------------------------------------
    def _show_goal(self) -> None:
        goal = next((r for r in self.goal_model.rows if r["id"] == self.goal_id), None)
        self.update_editor.setEnabled(goal is not None)
        self.save_update_button.setEnabled(goal is not None)
        if goal is None:
            self._update = None
            for label in (self.goal_heading, self.goal_text, self.update_label, self.update_date):
                label.clear()
            self.update_editor.clear()
            return
        self.goal_heading.setText(goal["title"])
        owner = f" Owner: {goal['owner']}." if goal["owner"] else ""
        facts = f"Set for {goal['set_for_year']}; status: {status_words(goal['status']).lower()}.{owner}"
        self.goal_text.setText(f"{goal['description'] or 'No description.'}\n\n{facts}")
        self.update_label.setText(f"&Update for the {self.year} report:")
        self.update_date.setText(f"Dated {goal['update_date']}." if goal["update_date"] else
                                 "Not written yet: saving dates it today.")  # fmt: skip
        text = goal["update"] or ""
        target = (goal["id"], self.year)
        editing = self._update is not None and self._update[:2] == target
        if editing and self.update_editor.document().isModified():
            return  # an unsaved edit of this very update stays in the editor
        self._update = (goal["id"], self.year, text, goal["update_date"])
        if self.update_editor.toPlainText() != text:
            self.update_editor.setPlainText(text)
        self.update_editor.document().setModified(False)

    def save_update(self) -> None:
        """Save the update's text as one edit, if it changed (empty text removes the update)."""
        if self._update is None or not self.context.is_open:
            return
        goal_id, year, saved, dated = self._update
        text = self.update_editor.toPlainText().strip()
        self.update_editor.document().setModified(False)
        if text == saved.strip():
            return
        when = dated or date.today().isoformat()
        self._update = (goal_id, year, text, when)  # before the edit: the refresh it causes sees it saved
        if self.context.do(goals.set_goal_update, goal_id, year, text, when) is None:
            self._update = (goal_id, year, saved, dated)
            self.update_editor.document().setModified(True)

    # -- the area's evidence --------------------------------------------------------------------
    def _show_area(self) -> None:
        area = next((r for r in self.edi_model.rows if r["area_id"] == self.area_id), None)
        assessed = area is not None and bool(area["level"])
        self.evidence_editor.setEnabled(assessed)
        self.save_evidence_button.setEnabled(assessed)
        if area is None:
            self._evidence = None
            self.evidence_label.clear()
            self.evidence_editor.clear()
            return
        self.evidence_label.setText(f"&Evidence for {area['area']}, {self.year}:")
        self.evidence_editor.setPlaceholderText("" if assessed else "Choose a level for this area first: "
                                                "the evidence is kept with the level.")  # fmt: skip
        text = area["evidence"] or ""
        target = (area["area_id"], self.year)
        editing = self._evidence is not None and self._evidence[:2] == target
        if editing and self.evidence_editor.document().isModified():
            return
        self._evidence = (area["area_id"], self.year, area["level"] or "", text) if assessed else None
        if self.evidence_editor.toPlainText() != text:
            self.evidence_editor.setPlainText(text)
        self.evidence_editor.document().setModified(False)

    def save_evidence(self) -> None:
        """Save the evidence with the area's level as one edit, if it changed."""
        if self._evidence is None or not self.context.is_open:
            return
        area_id, year, level, saved = self._evidence
        text = self.evidence_editor.toPlainText().strip()
        self.evidence_editor.document().setModified(False)
        if text == saved.strip():
            return
        self._evidence = (area_id, year, level, text)
        if self.context.do(goals.set_edi_assessment, area_id, year, level, text) is None:
            self._evidence = (area_id, year, level, saved)
            self.evidence_editor.document().setModified(True)

    def reveal(self, goal_id: int | None = None, area_id: int | None = None, year: str = "") -> bool:
        """Select goal ``goal_id`` or EDI area ``area_id``, in report year ``year`` if given (a
        search result: a goal's update or an area's evidence); False when it is gone."""
        self._catch_up()
        if year and self.year_box.findText(year) >= 0:
            self.year_box.setCurrentText(year)
        table, key, wanted, column = ((self.goal_table, "id", goal_id, 1) if goal_id is not None
                                      else (self.edi_table, "area_id", area_id, 0))  # fmt: skip
        rows = table.rows_model.rows
        at = next((i for i, r in enumerate(rows) if r[key] == wanted), None)
        if at is None:
            return False
        table.setCurrentIndex(table.rows_model.index(at, column))
        table.scrollTo(table.currentIndex())
        table.setFocus()
        return True
