"""The KPIs tab's structure editing: strategic outcomes, KPI groups and KPIs added, renamed,
edited, moved (dragged in the tree, Alt+Up and Alt+Down, or sent to another group), retired
and reinstated, and deleted in the window, each one undoable edit through the core. A refusal
of a dialog's edit is shown in place (the dialog stays open with the reason), any other by
the window.

A derived KPI is defined by picking what it is computed from: the sum of two or more KPIs, or
the ratio of a numerator to a denominator. Only KPIs that already exist can be picked, so a
definition can never go round in a circle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.areas import kpis
from opcc_desktop.errors import OpccError
from opcc_desktop.figures.kpi_analysis import kpi_years
from ui import asking
from ui.kpi_tree import KEY

KINDS = {"": "Typed each quarter", "sum": "The sum of other KPIs", "ratio": "A ratio: numerator ÷ denominator"}
UNIT_WORDS = {"count": "count", "percent": "percent", "seconds": "seconds", "rate_per_1000": "rate per 1,000"}
POLARITY_WORDS = {"higher": "higher is better", "lower": "lower is better", "neutral": "neither"}


class KpiDialog(QDialog):
    """A KPI's definition. ``save`` is the core action to run with the values (and, for a new
    KPI, the derivation); the dialog closes only when it succeeds."""

    def __init__(self, title: str, save: Callable[..., Any], kpis: Sequence[tuple[int, str]],
                 values: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(title)
        self._save = save
        values = values or {}
        self.name = QLineEdit(values.get("name", ""))
        self.unit = _combo(UNIT_WORDS, values.get("unit", "count"), "Unit")
        self.polarity = _combo(POLARITY_WORDS, values.get("polarity", "higher"), "Which way is better")
        self.counts_people = QCheckBox("Counts people (small numbers hidden in public documents)")
        self.counts_people.setChecked(bool(values.get("counts_people")))
        self.never_publish = QCheckBox("Never publish")
        self.never_publish.setChecked(bool(values.get("never_publish")))
        self.decimals = QSpinBox()
        self.decimals.setRange(-1, 3)
        self.decimals.setSpecialValueText("as entered")
        self.decimals.setValue(-1 if values.get("decimals") is None else int(values["decimals"]))
        self.decimals.setAccessibleName("Decimal places")
        self.kind = _combo(KINDS, "", "How the KPI is measured")
        self.kind.setEnabled(values == {})  # a KPI's derivation is fixed once it is made
        self.inputs = QListWidget()
        self.inputs.setAccessibleName("Computed from")
        self.inputs.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for kpi_id, name in kpis:
            item = QListWidgetItem(name)
            item.setData(256, kpi_id)
            self.inputs.addItem(item)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self._layout()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Unit:", self.unit)
        form.addRow("&Better when:", self.polarity)
        form.addRow("&Decimal places:", self.decimals)
        form.addRow("", self.counts_people)
        form.addRow("", self.never_publish)
        form.addRow("&Measured:", self.kind)
        self.inputs_label = QLabel("Computed &from (for a ratio, pick the numerator first):")
        self.inputs_label.setBuddy(self.inputs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.inputs_label)
        layout.addWidget(self.inputs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, 520)

    def _kind_changed(self) -> None:
        derived = bool(self.kind.currentData())
        self.inputs.setEnabled(derived)
        self.inputs_label.setEnabled(derived)

    def values(self) -> dict[str, Any]:
        return {"name": self.name.text(), "unit": self.unit.currentData(), "polarity": self.polarity.currentData(),
                "counts_people": self.counts_people.isChecked(), "never_publish": self.never_publish.isChecked(),
                "decimals": None if self.decimals.value() < 0 else self.decimals.value()}  # fmt: skip

    def picked(self) -> list[int]:
        """The chosen inputs in the order picked (a ratio's numerator first)."""
        return [int(item.data(256)) for item in self.inputs.selectedItems()]

    def save(self) -> None:
        """Run the core action; on a refusal say why here and stay open."""
        try:
            self._save(self.values(), self.kind.currentData() or None, self.picked())
        except OpccError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


def _combo(words: dict[str, str], current: str, name: str) -> QComboBox:
    box = QComboBox()
    for value, label in words.items():
        box.addItem(label, value)
    box.setCurrentIndex(max(0, list(words).index(current) if current in words else 0))
    box.setAccessibleName(name)
    return box



class StructureActions:
    """The buttons under the KPIs tab's tree and what they do, on the item selected there; the
    tree's drops and its Alt+Up and Alt+Down keys too."""

    def __init__(self, tab: Any) -> None:
        self.tab = tab
        self.context = tab.context
        tab.tree.moved.connect(self.move)
        asking.shortcut(tab.tree, "Alt+Up", lambda: self.step(-1))
        asking.shortcut(tab.tree, "Alt+Down", lambda: self.step(1))

    def buttons(self) -> QVBoxLayout:
        rows = QVBoxLayout()
        rows.addLayout(asking.button_row((
            ("Add &outcome…", "Add a strategic outcome", self.add_outcome),
            ("Add &group…", "Add a KPI group to the selected outcome", self.add_group),
            ("Add KP&I…", "Add a KPI to the selected group", self.add_kpi),
            ("&Edit…", "Rename the selected outcome or group, or edit the selected KPI", self.edit),
            ("&Delete", "Delete the selected outcome, group or KPI (Undo brings it back)", self.delete),
        )))
        rows.addLayout(asking.button_row((
            ("Up", "Move the selected outcome, group or KPI up (Alt+Up, or drag it)", lambda: self.step(-1)),
            ("Down", "Move the selected outcome, group or KPI down (Alt+Down, or drag it)", lambda: self.step(1)),
            ("&Move to…", "Move the selected KPI to another group, or group to another outcome", self.move_to),
            ("&Retire…", "Stop printing the selected KPI from a year on; its figures are kept", self.retire),
            ("Reins&tate", "Print the selected retired KPI again, every year", self.reinstate),
        )))
        return rows

    # -- what is selected -------------------------------------------------------------------------
    def selected(self) -> tuple[str, int | None]:
        """("outcome" | "group" | "kpi", id) of the tree's current item, or ("", None)."""
        return _split(self.tab.tree.key(self.tab.tree.currentIndex()))

    def _owner(self, wanted: str) -> int | None:
        """The outcome or group the selection is in (the selection itself, or its parent)."""
        rows = self.context.read(kpis.kpi_structure) or []
        kpi_rows = self.context.read(kpis.kpi_tree) or []
        kind, chosen = self.selected()
        if kind == "kpi":
            kpi = next((k for k in kpi_rows if k["id"] == chosen), None)
            kind, chosen = ("group", kpi["group_id"]) if kpi else ("", None)
        if kind == wanted:
            return chosen
        if kind == "group" and wanted == "outcome":
            return next((r["outcome_id"] for r in rows if r["group_id"] == chosen), None)
        return None

    # -- actions --------------------------------------------------------------------------------
    def add_outcome(self) -> None:
        name = self.ask_name("Add a strategic outcome", "")
        if name is not None:
            self.context.do(kpis.add_outcome, name)

    def add_group(self) -> None:
        outcome_id = self._owner("outcome")
        if outcome_id is None:
            self.context.failed.emit("Select the strategic outcome the group belongs to first.")
            return
        name = self.ask_name("Add a KPI group", "")
        if name is not None:
            self.context.do(kpis.add_group, outcome_id, name)

    def add_kpi(self) -> None:
        group_id = self._owner("group")
        if group_id is None:
            self.context.failed.emit("Select the KPI group the KPI belongs to first.")
            return
        dialog = KpiDialog("Add a KPI", lambda values, kind, inputs: self.context.attempt(
            kpis.add_kpi, group_id, values, kind, inputs), self._typed_kpis(), parent=self.tab)  # fmt: skip
        self.run(dialog)

    def edit(self) -> None:
        kind, chosen = self.selected()
        if kind in ("outcome", "group") and chosen is not None:
            rows = self.context.read(kpis.kpi_structure) or []
            current = next(r["outcome" if kind == "outcome" else "group_name"] for r in rows
                           if r[f"{kind}_id"] == chosen)  # fmt: skip
            name = self.ask_name(f"Rename the {'strategic outcome' if kind == 'outcome' else 'KPI group'}", current)
            if name is not None and name != current:
                self.context.do(kpis.rename_outcome if kind == "outcome" else kpis.rename_group, chosen, name)
        elif kind == "kpi" and chosen is not None:
            kpi = next(k for k in self.context.read(kpis.kpi_tree) or [] if k["id"] == chosen)
            dialog = KpiDialog("Edit the KPI", lambda values, _kind, _inputs: self.context.attempt(
                kpis.edit_kpi, chosen, values), [], values=dict(kpi), parent=self.tab)  # fmt: skip
            self.run(dialog)

    def delete(self) -> None:
        kind, chosen = self.selected()
        actions = {"outcome": kpis.delete_outcome, "group": kpis.delete_group, "kpi": kpis.delete_kpi}
        if chosen is None or kind not in actions:
            return
        words = {"outcome": "strategic outcome, with its groups and KPIs", "group": "KPI group, with its KPIs",
                 "kpi": "KPI, with its figures and comparators"}  # fmt: skip
        if self.confirm_delete(f"Delete the selected {words[kind]}?"):
            self.context.do(actions[kind], chosen)

    def _typed_kpis(self) -> list[tuple[int, str]]:
        """The KPIs a derived one may be computed from: every quarterly KPI still measured."""
        return [(k["id"], k["name"]) for k in self.context.read(kpis.kpi_tree) or []
                if k["frequency"] == "quarterly" and not k["retired_from"]]  # fmt: skip

    # -- moving ---------------------------------------------------------------------------------
    def move(self, key: str, parent: str, position: int) -> None:
        """Ask the core to put the item ``key`` at ``position`` (1 is first) under ``parent``
        (a group's key for a KPI, an outcome's for a group); the tab redraws the tree from the
        workbook, and the item stays selected."""
        kind, item = _split(key)
        owner = _split(parent)[1]
        actions = {"outcome": kpis.move_outcome, "group": kpis.move_group, "kpi": kpis.move_kpi}
        if kind not in actions or item is None:
            return
        args = (item, position) if kind == "outcome" else (item, owner, position)
        if self.context.do(actions[kind], *args) is not None:
            self.select(key)

    def step(self, delta: int) -> None:
        """Move the selected item up (-1) or down (1) among its siblings."""
        index = self.tab.tree.currentIndex().siblingAtColumn(0)
        row = index.row() + delta
        if index.isValid() and 0 <= row < self.tab.tree_model.rowCount(index.parent()):
            self.move(self.tab.tree.key(index), self.tab.tree.key(index.parent()), row + 1)

    def move_to(self) -> None:
        """Send the selected KPI to another group, or group to another outcome, last in it."""
        kind, chosen = self.selected()
        structure = self.context.read(kpis.kpi_structure) or []
        if kind == "kpi":
            places = {f"{r['outcome']} › {r['group_name']}": f"group:{r['group_id']}" for r in structure
                      if r["group_id"] is not None}  # fmt: skip
        elif kind == "group":
            places = {r["outcome"]: f"outcome:{r['outcome_id']}" for r in structure}
        else:
            self.context.failed.emit("Select the KPI or KPI group to move first (an outcome moves up and down).")
            return
        index = self.tab.tree.currentIndex().siblingAtColumn(0)
        here = self.tab.tree.key(index.parent())
        words = "KPI to the group" if kind == "kpi" else "group to the outcome"
        picked = self.ask_choice("Move to", f"Move the {words}:", list(places),
                                 next((name for name, key in places.items() if key == here), ""))  # fmt: skip
        if picked is not None and places[picked] != here:
            self.move(f"{kind}:{chosen}", places[picked], self._children(places[picked]) + 1)

    def _children(self, key: str) -> int:
        found = self._find(key)
        return self.tab.tree_model.rowCount(found[0]) if found else 0

    def select(self, key: str) -> None:
        """Make the item ``key`` the tree's current item (the tab follows it)."""
        found = self._find(key)
        if found:
            self.tab.tree.setCurrentIndex(found[0])

    def _find(self, key: str) -> list[QModelIndex]:
        return self.tab.tree_model.match(self.tab.tree_model.index(0, 0), KEY, key, 1,
                                         Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)  # fmt: skip

    # -- retiring -------------------------------------------------------------------------------
    def retire(self) -> None:
        """Ask the year the selected KPI is retired from (offered: the first year after its
        last figure) and retire it."""
        kpi = self._selected_kpi()
        if kpi is None:
            self.context.failed.emit("Select the KPI to retire first.")
            return
        years = sorted(self.context.read(kpi_years, date.today()) or [])
        entered = [v["financial_year"] for v in self.context.read(kpis.kpi_values, kpi["id"]) or []]
        later = [y for y in years if not entered or y > max(entered)]
        offered = kpi["retired_from"] or (later[0] if later else self.tab.year)
        year = self.ask_year(f"Retire '{kpi['name']}'", "The first year it is no longer printed (its figures "
                             "are kept):", years, offered)  # fmt: skip
        if year is not None:
            self.context.do(kpis.retire_kpi, kpi["id"], year)

    def reinstate(self) -> None:
        kpi = self._selected_kpi()
        if kpi is None or not kpi["retired_from"]:
            self.context.failed.emit("Select a retired KPI to reinstate first.")
            return
        self.context.do(kpis.reinstate_kpi, kpi["id"])

    def _selected_kpi(self) -> dict[str, Any] | None:
        kind, chosen = self.selected()
        if kind != "kpi":
            return None
        return next((k for k in self.context.read(kpis.kpi_tree) or [] if k["id"] == chosen), None)

    # -- asking (tests answer these) --------------------------------------------------------------
    def ask_name(self, caption: str, current: str) -> str | None:
        return asking.ask_name(self.tab, caption, current)

    def ask_choice(self, caption: str, label: str, options: Sequence[str], current: str) -> str | None:
        return asking.ask_choice(self.tab, caption, label, options, current)

    def ask_year(self, caption: str, label: str, years: Sequence[str], current: str) -> str | None:
        return asking.ask_choice(self.tab, caption, label, years, current, editable=True)

    def confirm_delete(self, question: str) -> bool:
        return asking.confirm_delete(self.tab, question)

    def run(self, dialog: KpiDialog) -> None:
        dialog.exec()


def _split(key: str) -> tuple[str, int | None]:
    """A tree key's kind and id: "kpi:3" -> ("kpi", 3); "" -> ("", None)."""
    kind, _, number = key.partition(":")
    return kind, int(number) if number else None
