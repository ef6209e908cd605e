"""File › Import data, Export data and Service monitoring return, driven through real dialogs
on a copy of the demo workbook."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from conftest import dump
from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QFileDialog, QLineEdit

from opcc_desktop.areas.workforce import STAFF_COLUMNS
from opcc_desktop.exchange.export import export_data
from opcc_desktop.exchange.hr_extract import saved_mapping
from ui.import_dialog import KINDS, ImportDialog
from ui.main_window import MainWindow

PERSON = {"age_band": "35-44", "sex": "Female", "gender_identity_same": "Yes", "ethnicity": "White British",
          "disability": "No", "religion": "Christian", "sexual_orientation": "Bisexual",
          "pregnancy_maternity": "No", "role_grade": "Scale 6", "fte": "0.8", "start_date": "2015-09-01"}  # fmt: skip


def hr_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(STAFF_COLUMNS)
        writer.writerows([[row.get(name, "") for name in STAFF_COLUMNS] for row in rows])
    return path


def staff_on(wb, day: str) -> int:
    return wb.scalar("SELECT count(*) FROM staff JOIN workforce_snapshots s ON s.id = snapshot_id"
                     " WHERE s.snapshot_date = ?", [day])  # fmt: skip


@pytest.fixture
def opened(qtbot, demo):
    """Opens the import dialog on a file and holds it for pytest-qt."""

    def open_(path: Path) -> ImportDialog:
        dialog = ImportDialog(demo, path)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return open_


def test_an_hr_extract_is_checked_then_imported_as_one_undoable_edit(demo, opened, tmp_path):
    path = hr_csv(tmp_path / "hr.csv", [{"staff_ref": f"E{n}", **PERSON} for n in range(1, 4)])
    dialog = opened(path)
    assert dialog.kind.currentData() == "hr-extract" and dialog.hr_box.isVisible()
    dialog.snapshot.setDate(QDate(2023, 3, 31))
    assert not dialog.import_button.isEnabled()  # the choices changed: check again first
    dialog.check_button.click()
    assert dialog.import_button.isEnabled() and "3 staff rows for snapshot 2023-03-31" in dialog.verdict.text()
    dialog.import_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and staff_on(demo.wb, "2023-03-31") == 3
    assert demo.undo_stack.count() == 1
    demo.undo_stack.undo()
    assert staff_on(demo.wb, "2023-03-31") == 0


def test_a_bad_file_lists_every_problem_changes_nothing_and_copies_them(demo, opened, tmp_path):
    rows = [{"staff_ref": "E1", **PERSON, "sex": "Martian"}, {"staff_ref": "Jane Smith", **PERSON, "fte": "2"}]
    dialog = opened(hr_csv(tmp_path / "hr.csv", rows))
    dialog.snapshot.setDate(QDate(2023, 3, 31))
    before = dump(demo.wb)
    dialog.check_button.click()
    assert "Cannot import hr.csv: 3 problems" in dialog.verdict.text() and not dialog.import_button.isEnabled()
    shown = [(dialog.problems.item(r, 1).text(), dialog.problems.item(r, 2).text(), dialog.problems.item(r, 3).text())
             for r in range(dialog.problems.rowCount())]  # fmt: skip
    assert shown == [("2", "sex", "Martian"), ("3", "staff_ref", "Jane Smith"), ("3", "fte", "2")]
    dialog.copy_button.click()
    copied = QApplication.clipboard().text().splitlines()
    assert copied[0].split("\t") == ["Sheet", "Row", "Column", "Value", "Problem", "Allowed"] and len(copied) == 4
    assert dump(demo.wb) == before and demo.undo_stack.count() == 0


def test_an_unreadable_file_is_refused_before_any_check(demo, opened, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"not a spreadsheet at all")
    dialog = opened(path)
    assert "Cannot import notes.xlsx: 1 problem" in dialog.verdict.text()
    assert "not a readable Excel workbook" in dialog.problems.item(0, 4).text()
    assert not dialog.import_button.isEnabled()


def test_the_workbooks_own_export_imports_as_nothing_to_change(demo, opened, tmp_path):
    out = tmp_path / "data.xlsx"
    demo.read(export_data, out)
    dialog = opened(out)
    assert dialog.kind.currentData() == "exchange" and not dialog.hr_box.isVisible()
    assert dialog.import_button.isEnabled() and "Ready to import" in dialog.verdict.text()
    dialog.import_button.click()
    assert "already holds exactly this data" in dialog.verdict.text() and dialog.isVisible()
    assert demo.undo_stack.count() == 0


# -- the menu actions, through their real dialogs ----------------------------------------------------
@pytest.fixture
def window(qtbot, demo):
    made = MainWindow(demo)
    qtbot.addWidget(made)
    return made


def answer_then(answer: Callable[[QDialog], None], *after: Callable[[QDialog], None]) -> None:
    """Answer the next modal dialog with ``answer`` (then each later one with ``after``)."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if after:
            answer_then(*after)
        try:
            answer(dialog)
        except BaseException:
            dialog.reject()  # never leave the test waiting on a dialog; pytest-qt reports the error
            raise

    QTimer.singleShot(50, run)


def save_as(path: Path) -> Callable[[QDialog], None]:
    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, QFileDialog)
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(path))  # typed, as a person would
        dialog.accept()

    return answer


def test_export_data_leaves_out_the_workforce_unless_asked(window, qtbot, tmp_path):
    out = tmp_path / "office-data.xlsx"
    answer_then(lambda options: options.accept(), save_as(out))
    window.export_data_action.trigger()
    assert out.exists() and "workforce" not in openpyxl.load_workbook(out, read_only=True).sheetnames
    assert "Exported the data" in window.statusBar().currentMessage()

    def include_workforce(options: QDialog) -> None:
        options.workforce.setChecked(True)
        options.accept()

    private = tmp_path / "with-workforce.xlsx"
    answer_then(include_workforce, save_as(private))
    window.export_data_action.trigger()
    assert "workforce" in openpyxl.load_workbook(private, read_only=True).sheetnames
    assert "OFFICIAL-SENSITIVE" in window.statusBar().currentMessage()


def test_a_blank_monitoring_return_is_written_and_recognised_for_import(window, demo, opened, tmp_path):
    out = tmp_path / "return.xlsx"

    def choose(request: QDialog) -> None:
        request.year.setCurrentText("2021/22")
        request.quarter.setValue(2)
        request.accept()

    answer_then(choose, save_as(out))
    window.return_action.trigger()
    assert out.exists() and "Q2 return" in window.statusBar().currentMessage()
    assert opened(out).kind.currentData() == "monitoring-return"


def test_the_data_actions_are_off_while_locked(window):
    window.show_locked()
    assert not any(a.isEnabled() for a in (window.import_action, window.export_data_action, window.return_action))
    window.show_unlocked()
    assert window.import_action.isEnabled() and window.import_action.shortcut().toString() == "Ctrl+Shift+I"


def test_a_mapping_made_in_the_window_reads_their_headers_and_codes(demo, opened, tmp_path):
    theirs = {"staff_ref": "Employee No", "sex": "Gender"}
    path = tmp_path / "hr.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([theirs.get(name, name) for name in STAFF_COLUMNS])
        for n, code in enumerate(["F", "M", "f"]):
            writer.writerow([f"E{n}" if name == "staff_ref" else code if name == "sex" else PERSON[name]
                             for name in STAFF_COLUMNS])  # fmt: skip
    dialog = opened(path)
    dialog.kind.setCurrentIndex(list(KINDS).index("hr-extract"))  # their headers: not recognised
    dialog.snapshot.setDate(QDate(2023, 3, 31))
    dialog.check_button.click()
    assert not dialog.import_button.isEnabled() and "column is missing" in dialog.problems.item(0, 4).text()

    def map_them(editor: QDialog) -> None:
        assert editor.code_combo("ethnicity", "White British").currentText() == "White British"  # ours already
        editor.header_combos["staff_ref"].setCurrentText("Employee No")
        editor.header_combos["sex"].setCurrentText("Gender")
        assert editor.code_combo("sex", "F").currentText() == "(choose a category)"  # F and f: one code
        editor.code_combo("sex", "F").setCurrentText("Female")
        editor.code_combo("sex", "M").setCurrentText("Male")
        editor.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    answer_then(map_them)
    dialog.edit_mapping_button.click()
    assert dialog.import_button.isEnabled() and "3 staff rows" in dialog.verdict.text()
    dialog.import_button.click()
    assert staff_on(demo.wb, "2023-03-31") == 3
    kept = demo.read(saved_mapping)
    assert kept.columns == {"Employee No": "staff_ref", "Gender": "sex", **{n: n for n in STAFF_COLUMNS
                                                                            if n not in theirs}}  # fmt: skip
    assert kept.codes == {"sex": {"F": "Female", "M": "Male"}}


def test_check_again_reads_a_file_corrected_since(demo, opened, tmp_path):
    path = hr_csv(tmp_path / "hr.csv", [{"staff_ref": "E1", **PERSON, "sex": "Martian"}])
    dialog = opened(path)
    dialog.snapshot.setDate(QDate(2023, 3, 31))
    dialog.check_button.click()
    assert not dialog.import_button.isEnabled()
    hr_csv(path, [{"staff_ref": "E1", **PERSON}, {"staff_ref": "E2", **PERSON}])  # corrected and saved
    dialog.check_button.click()
    assert dialog.import_button.isEnabled() and "2 staff rows" in dialog.verdict.text()


def test_one_column_chosen_for_two_fields_is_refused_in_the_mapping(qtbot):
    from ui.mapping_dialog import MappingDialog

    editor = MappingDialog({"Emp": [], "Sex": ["F", "M"]}, None)
    qtbot.addWidget(editor)
    editor.header_combos["sex"].setCurrentText("Sex")
    editor.header_combos["gender_identity_same"].setCurrentText("Sex")
    editor.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert editor.mapping is None and "chosen for both sex and gender_identity_same" in editor.error.text()
