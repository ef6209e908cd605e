"""Edit › Settings, driven as an officer would on a copy of the demo: a field is checked by the
core's rule as it is left, with the reason beside it; OK saves every change as one undoable
edit (or nothing while a field is wrong); the documents follow the new policy."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import dump
from PIL import Image
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit
from pypdf import PdfReader

from opcc_desktop.areas import settings
from opcc_desktop.documents.export import export_report
from ui.settings_dialog import SettingsDialog

YEAR = "2021/22"


@pytest.fixture
def dialog(qtbot, demo):
    made = SettingsDialog(demo)
    qtbot.addWidget(made)
    made.show()
    return made


def field(dialog: SettingsDialog, label: str):
    widgets = [w for kind in (QLineEdit, QPlainTextEdit, QComboBox) for w in dialog.findChildren(kind)]
    return next(w for w in widgets if w.accessibleName() == label)


def annual_text(wb, folder: Path) -> str:
    out = export_report(wb, "annual-equality", YEAR, None, folder / "annual.pdf")
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(out).pages)


def test_a_new_threshold_and_details_are_one_undoable_edit_the_documents_follow(dialog, demo, tmp_path) -> None:
    wb = demo.wb
    before = dump(wb)
    assert "fewer than 5 people" in annual_text(wb, tmp_path)
    field(dialog, "Hide counts below").setText("10")
    field(dialog, "Telephone").setText("01642 301653")
    field(dialog, "Office holders").setPlainText("Police and Crime Commissioner: Jane Smith")
    field(dialog, "Symbol for a hidden figure").setCurrentText("[c]")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    now = settings.settings(wb)
    assert (now["disclosure.threshold"], now["office.telephone"], now["disclosure.symbol"]) == ("10", "01642 301653", "[c]")
    text = annual_text(wb, tmp_path)
    assert "fewer than 10 people" in text and "Telephone: 01642 301653" in text
    assert demo.undo_stack.count() == 1
    demo.undo_stack.undo()
    assert dump(wb) == before


@pytest.mark.parametrize("label, value, reason", [
    ("Email", "not an address", "is not an email address"),
    ("Hide counts below", "101", "a whole number from 0 to 100"),
    ("Website", "www.example.org", "starting http:// or https://"),
])
def test_a_wrong_field_shows_why_beside_it_and_nothing_is_saved(dialog, demo, qtbot, label, value, reason) -> None:
    before = dump(demo.wb)
    box = field(dialog, label)
    box.setFocus()
    box.setText(value)
    box.editingFinished.emit()
    error = dialog.errors[next(key for key, read in dialog.fields.items() if read() == value)]
    assert not error.isHidden() and reason in error.text()
    dialog.pages.setCurrentIndex(3)
    dialog.save()
    assert dialog.isVisible() and dump(demo.wb) == before
    assert error.isVisible() and box.hasFocus()  # its page brought forward


def test_the_logo_is_chosen_checked_and_saved_with_the_rest(dialog, demo, tmp_path, monkeypatch) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (60, 30), "navy").save(picture, "PNG")
    good, bad = tmp_path / "crest.png", tmp_path / "crest.txt"
    good.write_bytes(picture.getvalue())
    bad.write_text("not an image")
    monkeypatch.setattr(dialog, "ask_logo_file", lambda: bad)
    dialog.choose_logo()
    assert "Not used" in dialog.logo_label.text() and dialog.logo is None
    monkeypatch.setattr(dialog, "ask_logo_file", lambda: good)
    dialog.choose_logo()
    dialog.save()
    assert settings.logo(demo.wb) == picture.getvalue()
