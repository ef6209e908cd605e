"""Edit › History on a copy of the demo: every edit newest first, each field an edit changed
(old to new), and going back to an edit of this session undoes the later ones, step by step
(Redo brings them back); an edit from before the session cannot be gone back to."""

from __future__ import annotations

import pytest

from opcc_desktop.areas import narrative, settings
from opcc_desktop.figures import publishable
from ui.history_dialog import HistoryDialog

YEAR = "2021/22"


@pytest.fixture
def edited(demo):
    demo.do(narrative.set_narrative, "annual-equality", YEAR, "introduction", "First words.")
    demo.do(settings.set_setting, "disclosure.threshold", 10)
    demo.do(narrative.set_narrative, "annual-equality", YEAR, "introduction", "Second words.")
    return demo


@pytest.fixture
def dialog(qtbot, edited):
    made = HistoryDialog(edited)
    qtbot.addWidget(made)
    made.show()
    return made


def texts(table, column: int) -> list[str]:
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_edits_newest_first_with_each_field_old_to_new(dialog) -> None:
    assert texts(dialog.edits, 2)[:4] == ["Edit annual-equality introduction text", "Set disclosure.threshold",
                                          "Edit annual-equality introduction text", "Build demo workbook"]
    assert [texts(dialog.details, c) for c in (2, 3, 4)] == [["text"], ["First words."], ["Second words."]]
    dialog.edits.setCurrentCell(1, 0)
    assert [texts(dialog.details, c) for c in range(5)] == [["settings"], ["key disclosure.threshold"], ["value"],
                                                            [""], ["10"]]


def test_going_back_undoes_the_later_edits_of_the_session_and_redo_returns_them(dialog, edited) -> None:
    wb = edited.wb
    intro = lambda: publishable.narrative(wb, "annual-equality", YEAR).get("introduction")  # noqa: E731
    dialog.edits.setCurrentCell(2, 0)  # the first edit of the session
    assert dialog.back.isEnabled()
    dialog.go_back()
    assert intro() == "First words." and settings.settings(wb)["disclosure.threshold"] == "5"
    assert edited.undo_stack.index() == 1 and edited.undo_stack.count() == 3
    edited.undo_stack.redo()
    assert settings.settings(wb)["disclosure.threshold"] == "10"
    dialog.refresh()
    assert dialog.edits.rowCount() == 7  # the demo's build, three edits, two undone, one redone


def test_an_edit_from_before_the_session_cannot_be_gone_back_to(dialog) -> None:
    dialog.edits.setCurrentCell(3, 0)  # the demo's build
    assert not dialog.back.isEnabled()
    assert dialog.details.rowCount() == 400 and dialog.more.text().startswith("… and ")  # a long edit, cut
