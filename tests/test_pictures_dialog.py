"""The Pictures dialog on a copy of the demo workbook: add, rename, remove and undo through the
window's context, the Markdown it sends to be inserted, the alt text it insists on, and a
damaged file refused with its reason. The questions it asks (file, name, confirmation, alt
text) are answered by replacing the dialog's own methods that ask them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from opcc_desktop.areas.pictures import (
    ALT_HINT,
    add_picture,
    picture_data,
    picture_names,
)
from ui.pictures_dialog import InsertPictureDialog, PicturesDialog


def png(width: int = 300, height: int = 200) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def dialog(qtbot, demo):
    made = PicturesDialog(demo)
    qtbot.addWidget(made)
    made.show()
    yield made
    made.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


@pytest.fixture
def image_file(tmp_path: Path) -> Path:
    path = tmp_path / "Office Crest.png"
    path.write_bytes(png())
    return path


def answer(dialog: PicturesDialog, *, file: Path | None = None, name: str | None = None, yes: bool = True,
           insert: tuple[str, str] | None = None) -> list[str]:  # fmt: skip
    """Answer the dialog's questions; returns what it asked (a name's suggestion, a question)."""
    asked: list[str] = []
    dialog.choose_file = lambda: file
    dialog.ask_name = lambda title, suggested, hint: asked.append(suggested) or name
    dialog.confirm = lambda title, question: asked.append(question) or yes
    dialog.ask_insert = lambda picture: asked.append(picture) or insert
    return asked


def listed(dialog: PicturesDialog) -> list[tuple[str, str, str]]:
    table = dialog.table
    return [tuple(table.item(row, column).text() for column in range(3)) for row in range(table.rowCount())]


def click(qtbot, button: QPushButton) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_demo_starts_empty_and_says_how_to_begin(dialog) -> None:
    assert listed(dialog) == []
    assert "No pictures yet" in dialog.intro.text()
    assert not dialog.insert_button.isEnabled() and not dialog.remove_button.isEnabled()


def test_add_suggests_a_name_from_the_file_and_lists_the_picture(qtbot, dialog, demo, image_file) -> None:
    asked = answer(dialog, file=image_file, name="office-crest")
    click(qtbot, dialog.add_button)
    assert asked == ["office-crest"]  # the suggestion, made from "Office Crest.png"
    assert listed(dialog) == [("office-crest", "300 x 200", f"{image_file.stat().st_size} bytes")]
    assert dialog.selected() == "office-crest"
    assert not dialog.preview.pixmap().isNull()
    assert "image:office-crest" in dialog.caption.text()
    assert "Added Office Crest.png as the picture office-crest" in dialog.message.text()
    assert picture_data(demo.wb, ["office-crest"]) == {"office-crest": image_file.read_bytes()}
    assert demo.undo_stack.count() == 1


def test_adding_over_a_picture_asks_first(qtbot, dialog, demo, image_file) -> None:
    add_picture(demo.wb, "office-crest", png(10, 10))
    dialog.refresh()
    asked = answer(dialog, file=image_file, name="office-crest", yes=False)
    click(qtbot, dialog.add_button)
    assert "already a picture named office-crest" in asked[-1]
    assert listed(dialog)[0][1] == "10 x 10"
    answer(dialog, file=image_file, name="office-crest", yes=True)
    click(qtbot, dialog.add_button)
    assert listed(dialog)[0][1] == "300 x 200"


def test_rename_then_undo_restores_the_old_name(qtbot, dialog, demo) -> None:
    add_picture(demo.wb, "crest", png())
    dialog.refresh()
    asked = answer(dialog, name="office-crest")
    click(qtbot, dialog.rename_button)
    assert asked == ["crest"]
    assert [row[0] for row in listed(dialog)] == ["office-crest"]
    assert "must now say image:office-crest" in dialog.message.text()
    demo.undo_stack.undo()
    assert [row[0] for row in listed(dialog)] == ["crest"]
    assert picture_names(demo.wb) == {"crest"}


def test_a_bad_new_name_is_refused_with_its_reason(qtbot, dialog, demo, failures) -> None:
    add_picture(demo.wb, "crest", png())
    dialog.refresh()
    answer(dialog, name="Office Crest")
    click(qtbot, dialog.rename_button)
    assert "has capital letters and spaces" in dialog.message.text()
    assert "such as 'office-crest'" in dialog.message.text()
    assert picture_names(demo.wb) == {"crest"} and failures


def test_remove_asks_then_undo_brings_it_back(qtbot, dialog, demo) -> None:
    add_picture(demo.wb, "crest", png())
    dialog.refresh()
    asked = answer(dialog, yes=False)
    click(qtbot, dialog.remove_button)
    assert "Remove the picture crest?" in asked[0]
    assert picture_names(demo.wb) == {"crest"}
    answer(dialog, yes=True)
    click(qtbot, dialog.remove_button)
    assert listed(dialog) == [] and picture_names(demo.wb) == set()
    assert dialog.preview.text() == "No pictures yet"
    demo.undo_stack.undo()
    assert [row[0] for row in listed(dialog)] == ["crest"]


def test_ctrl_z_in_the_dialog_undoes(qtbot, dialog, demo) -> None:
    add_picture(demo.wb, "crest", png())
    dialog.refresh()
    answer(dialog, yes=True)
    click(qtbot, dialog.remove_button)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert picture_names(demo.wb) == {"crest"}


@pytest.mark.parametrize(("role", "markdown"), [
    ("figure", "![The office crest, a navy shield](image:crest)"),
    ("photo", '![The office crest, a navy shield](image:crest "photo")'),
    ("signature", '![The office crest, a navy shield](image:crest "signature")'),
])  # fmt: skip
def test_insert_sends_the_markdown_and_closes(qtbot, dialog, demo, role: str, markdown: str) -> None:
    add_picture(demo.wb, "crest", png())
    dialog.refresh()
    asked = answer(dialog, insert=("The office crest, a navy shield", role))
    with qtbot.waitSignal(dialog.insert_requested) as sent:
        click(qtbot, dialog.insert_button)
    assert asked == ["crest"]
    assert sent.args == [markdown]
    assert not dialog.isVisible()


def test_cancelling_the_insert_sends_nothing(qtbot, dialog, demo) -> None:
    add_picture(demo.wb, "crest", png())
    dialog.refresh()
    answer(dialog, insert=None)
    with qtbot.assertNotEmitted(dialog.insert_requested):
        click(qtbot, dialog.insert_button)
    assert dialog.isVisible()


def test_the_keyboard_inserts_removes_and_closes(qtbot, dialog, demo) -> None:
    add_picture(demo.wb, "crest", png())
    dialog.refresh()
    asked = answer(dialog, yes=False, insert=None)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    assert asked[0] == "crest" and asked[1].startswith("Remove the picture crest?")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_damaged_file_shows_the_reason_and_changes_nothing(qtbot, dialog, demo, tmp_path, failures) -> None:
    damaged = tmp_path / "crest.png"
    damaged.write_bytes(png()[:8] + bytes(300))
    answer(dialog, file=damaged, name="crest")
    click(qtbot, dialog.add_button)
    assert "is not a readable PNG image" in dialog.message.text()
    assert "Nothing was changed" in dialog.message.text()
    assert listed(dialog) == [] and picture_names(demo.wb) == set()
    assert demo.undo_stack.count() == 0
    assert len(failures) == 1


def test_a_file_that_cannot_be_read_is_explained(qtbot, dialog, demo, tmp_path) -> None:
    asked = answer(dialog, file=tmp_path / "gone.png", name="crest")
    click(qtbot, dialog.add_button)
    assert dialog.message.text().startswith("Cannot read gone.png: No such file or directory")
    assert asked == [] and picture_names(demo.wb) == set()


def test_an_edit_made_elsewhere_shows_at_once(dialog, demo) -> None:
    demo.do(add_picture, "crest", png())
    assert [row[0] for row in listed(dialog)] == ["crest"]


def test_locking_clears_and_closes_the_dialog(dialog, demo) -> None:
    add_picture(demo.wb, "crest", png())
    dialog.refresh()
    demo.detach()
    assert listed(dialog) == [] and dialog.preview.pixmap().isNull()
    assert not dialog.isVisible()


def test_every_control_has_an_accessible_name(dialog) -> None:
    for widget in (dialog.table, dialog.preview, dialog.message, dialog.add_button, dialog.rename_button,
                   dialog.remove_button, dialog.insert_button):  # fmt: skip
        assert widget.accessibleName()


def test_alt_text_is_required_and_the_role_chosen(qtbot) -> None:
    asking = InsertPictureDialog("crest")
    qtbot.addWidget(asking)
    asking.show()
    assert any(label.text() == f"{ALT_HINT}." for label in asking.findChildren(QLabel))
    assert not asking.ok_button.isEnabled()
    qtbot.keyClicks(asking.alt, "   ")
    assert not asking.ok_button.isEnabled()
    qtbot.keyClicks(asking.alt, "The office crest")
    assert asking.ok_button.isEnabled()
    asking.role.setCurrentIndex(asking.role.findData("photo"))
    assert asking.answer() == ("The office crest", "photo")
    assert [asking.role.itemText(i) for i in range(asking.role.count())] == [
        "Figure", "Photo (beside the text)", "Signature"]  # fmt: skip
    assert asking.alt.accessibleName() == "Alt text" and asking.alt.accessibleDescription() == ALT_HINT
    qtbot.keyClick(asking.alt, Qt.Key.Key_Escape)
    assert not asking.isVisible()
