"""The Categories dialog of the Services and Divert / Triage tabs, driven as an officer would:
opened from the tab, a category renamed (F2), two merged, the list reordered by keys and by a
real drop; each one undoable edit on the window's stack, the exported annual report changed
accordingly, and undo restoring the file exactly. A merge touching a published year is
refused in red, in the dialog. Real widgets on a copy of the demo, offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import dump
from pypdf import PdfReader
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QToolButton
from ui_support import tab_opener

from opcc_desktop.areas import schemes
from opcc_desktop.documents.export import export_report
from ui.category_dialog import CategoryDialog
from ui.context import AppContext
from ui.tabs.schemes import SchemesTab
from ui.tabs.services import ServicesTab

YEAR = "2021/22"


@pytest.fixture
def services_tab(qtbot):
    yield from tab_opener(qtbot, ServicesTab)


@pytest.fixture
def schemes_tab(qtbot):
    yield from tab_opener(qtbot, SchemesTab)


@pytest.fixture
def answers(monkeypatch) -> dict[str, list[str]]:
    """What the officer answers when asked a new name or the category to merge into; the
    targets offered are kept to be checked."""
    given: dict[str, list] = {"names": [], "targets": [], "offered": []}
    monkeypatch.setattr(CategoryDialog, "ask_name", lambda self, current: given["names"].pop(0))

    def ask_target(self, name: str, targets: list[str]) -> str:
        given["offered"].append(targets)
        return given["targets"].pop(0)

    monkeypatch.setattr(CategoryDialog, "ask_target", ask_target)
    return given


def open_dialog(qtbot, tab, dimension: str, category: str) -> CategoryDialog:
    """Press the tab's Categories… button, pick a characteristic and a category."""
    tab.refresh()
    qtbot.mouseClick(tab.categories_button, Qt.MouseButton.LeftButton)
    dialog = tab.findChild(CategoryDialog)
    QApplication.processEvents()  # the window system's word that the dialog is now the active window
    assert dialog is not None and dialog.isVisible() and QApplication.activeWindow() is dialog
    dialog.dimension.setCurrentIndex(dialog.dimension.findData(dimension))
    dialog.list.select(category)
    dialog.list.setFocus()
    return dialog


def button(dialog: CategoryDialog, text: str) -> QToolButton:
    return next(b for b in dialog.findChildren(QToolButton) if b.text() == text)


def annual_text(context: AppContext, tmp_path: Path, name: str) -> str:
    out = export_report(context.wb, "annual-equality", YEAR, None, tmp_path / f"{name}.pdf")
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(out).pages)


def test_the_dialog_lists_each_characteristic_of_the_selected_item(qtbot, demo, services_tab, schemes_tab) -> None:
    dialog = open_dialog(qtbot, services_tab(demo), "gender", "Female")
    assert dialog.windowTitle() == "Categories of A Way Out"
    assert [dialog.dimension.itemData(i) for i in range(dialog.dimension.count())] == [
        "age", "gender", "disability", "ethnicity", "sexual_orientation", "transgender"]  # fmt: skip
    assert dialog.list.names() == ["Female", "Male", "Non-binary", "Not disclosed"]
    assert dialog.list.currentItem().text() == "Female  —  counts 2020/21, 2021/22, 2022/23"
    dialog = open_dialog(qtbot, schemes_tab(demo), "age", "18-21")
    assert dialog.windowTitle() == "Categories of Divert"
    assert dialog.dimension.findData("gender") == -1  # participants by gender are columns, not categories


def test_rename_with_f2_changes_the_report_and_undo_restores_the_file(qtbot, demo, schemes_tab, answers,
                                                                      tmp_path) -> None:  # fmt: skip
    before, text = dump(demo.wb), annual_text(demo, tmp_path, "before")
    assert "Ethnicity: Other ethnic group" not in text
    dialog = open_dialog(qtbot, schemes_tab(demo), "ethnicity", "Other")
    answers["names"].append("Other ethnic group")
    qtbot.keyClick(dialog.list, Qt.Key.Key_F2)
    assert demo.undo_stack.count() == 1
    assert demo.undo_stack.undoText() == "Rename Divert's ethnicity category 'Other' to 'Other ethnic group'"
    assert dialog.list.current_name() == "Other ethnic group" and dialog.error.text() == ""
    assert "Ethnicity: Other ethnic group" in annual_text(demo, tmp_path, "after")
    dialog.undo.trigger()  # Undo, at hand in the dialog
    assert dump(demo.wb) == before
    assert "Other ethnic group" not in dialog.list.names() and "Other" in dialog.list.names()


def test_merge_into_another_changes_the_report_and_undo_restores_the_file(qtbot, demo, schemes_tab, answers,
                                                                          tmp_path) -> None:  # fmt: skip
    text = annual_text(demo, tmp_path, "before")
    assert "Age: 51-65 9.8%" in text and "Age: Over 65 1.5%" in text
    before = dump(demo.wb)
    dialog = open_dialog(qtbot, schemes_tab(demo), "age", "Over 65")
    answers["targets"].append("51-65")
    qtbot.mouseClick(button(dialog, "&Merge into…"), Qt.MouseButton.LeftButton)
    assert answers["offered"] == [["18-21", "22-25", "26-30", "31-40", "41-50", "51-65"]]
    assert dialog.list.names()[-1] == "51-65" and dialog.list.current_name() == "51-65"
    text = annual_text(demo, tmp_path, "after")
    assert "Age: Over 65" not in text and "Age: 51-65 11.4%" in text  # Divert's men: (39 + 6) / 396
    demo.undo_stack.undo()
    assert dump(demo.wb) == before and dialog.list.names()[-1] == "Over 65"


def test_a_merge_touching_a_published_year_is_refused_in_the_dialog(qtbot, demo, schemes_tab, answers,
                                                                     tmp_path) -> None:  # fmt: skip
    export_report(demo.wb, "annual-equality", YEAR, None, tmp_path / "published.pdf", publish=True)
    before = dump(demo.wb)
    dialog = open_dialog(qtbot, schemes_tab(demo), "ethnicity", "Other")
    assert dialog.list.currentItem().text() == "Other  —  counts 2020/21, 2021/22 (published)"
    answers["targets"].append("Mixed")
    qtbot.mouseClick(button(dialog, "&Merge into…"), Qt.MouseButton.LeftButton)
    assert dialog.error.text().startswith("Cannot merge 'Other' into 'Mixed' in Divert's ethnicity categories: "
                                          "'Other' has counts in 2021/22, and an edition of that year has been "
                                          "published.")  # fmt: skip
    assert "b00020" in dialog.error.styleSheet() and dialog.isVisible()
    assert dump(demo.wb) == before and demo.undo_stack.count() == 0
    assert "Other" in dialog.list.names()


def test_reorder_by_keys_and_by_a_drop_changes_the_report_and_undo_restores(qtbot, demo, services_tab,
                                                                            tmp_path) -> None:  # fmt: skip
    assert "Age Percentage Under 18 2.9% 18-24 16.0%" in annual_text(demo, tmp_path, "before")
    before = dump(demo.wb)
    dialog = open_dialog(qtbot, services_tab(demo), "age", "65+")
    qtbot.keyClick(dialog.list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert dialog.list.names() == ["Under 18", "18-24", "25-34", "35-44", "45-54", "65+", "55-64", "Not disclosed"]
    assert dialog.list.current_name() == "65+"
    dialog.list.select("Under 18")  # dragged onto the lower half of 55-64: it lands after it
    target = dialog.list.visualItemRect(dialog.list.item(6))
    drop = QDropEvent(QPointF(target.center().x(), target.bottom() - 2), Qt.DropAction.MoveAction, QMimeData(),
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    dialog.list.dropEvent(drop)  # as Qt delivers it at the end of a drag (sent alone, with no drag, it is dropped)
    assert dialog.list.names() == ["18-24", "25-34", "35-44", "45-54", "65+", "55-64", "Under 18", "Not disclosed"]
    assert demo.undo_stack.count() == 2 and demo.undo_stack.undoText() == "Move A Way Out's age category 'Under 18'"
    text = annual_text(demo, tmp_path, "after")
    assert "Age Percentage 18-24 16.0% 25-34 29.2% 35-44 21.7% 45-54 14.4% 65+ 3.6% 55-64 7.9% Under 18 2.9%" in text
    dialog.list.select("Not disclosed")
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # already last: nothing to do
    assert demo.undo_stack.count() == 2
    demo.undo_stack.undo()
    demo.undo_stack.undo()
    assert dump(demo.wb) == before


def test_the_dialog_closes_with_the_workbook(qtbot, demo, schemes_tab) -> None:
    dialog = open_dialog(qtbot, schemes_tab(demo), "age", "18-21")
    demo.detach()  # locked or closed: nothing of it stays on screen
    assert not dialog.isVisible()


def test_the_dialog_closes_when_an_undo_takes_its_scheme_away(qtbot, demo) -> None:
    """Undo in the dialog undoes the window's last edit, whatever it was: here the scheme's making."""
    pilot = demo.do(schemes.add_scheme, {"name": "Pilot"}).rows[0].key["id"]
    demo.do(schemes.set_scheme_count, pilot, YEAR, "age", "18-21", 4, "Male", 1)
    dialog = CategoryDialog(demo, "schemes", pilot, "Pilot")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.dimension.setCurrentIndex(dialog.dimension.findData("age"))
    assert dialog.list.names() == ["18-21"]
    dialog.undo.trigger()
    assert dialog.list.names() == [] and dialog.isVisible()
    dialog.undo.trigger()
    assert not dialog.isVisible()
