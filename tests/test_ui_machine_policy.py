"""The machine policy in the window, from a real policy file: the start screen without the
demo, the idle lock capped, the settings IT fixes said beside their fields (and a threshold
below the floor refused there), a wrong policy told before anything opens."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE, dump
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
)

import ui.cli
from opcc_desktop.store.policy import MachinePolicy, machine_policy
from opcc_desktop.store.workbook import Workbook
from ui.app import Session
from ui.machine_policy import tell_policy_problems
from ui.settings_dialog import SettingsDialog
from ui.start_screen import StartScreen


def answer_modal(kind: type, then: Callable) -> list:
    """Answer the next modal ``kind`` window with ``then(window)``, which returns what to keep
    of it (the window is gone once answered)."""
    seen: list = []

    def answer() -> None:
        window = QApplication.activeModalWidget()
        if not isinstance(window, kind):
            QTimer.singleShot(10, answer)
            return
        seen.append(then(window))

    QTimer.singleShot(0, answer)
    return seen


def read_and_close(box: QMessageBox) -> tuple[QMessageBox.Icon, str]:
    shown = box.icon(), box.text()
    box.accept()
    return shown


@pytest.fixture
def session(qtbot, demo_path: Path, tmp_path: Path) -> Callable[[int], Session]:
    """A window on a copy of the demo whose officer chose ``minutes`` before (in their profile)."""
    made: list[Session] = []

    def open_(minutes: int) -> Session:
        copy = tmp_path / "demo.opcc"
        shutil.copy(demo_path, copy)
        profile = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
        profile.setValue("security/lock_minutes", minutes)
        made.append(Session(profile))
        qtbot.addWidget(made[-1].window)
        made[-1].open(Workbook.open(copy, DEMO_PASSPHRASE), DEMO_PASSPHRASE)
        return made[-1]

    yield open_
    for each in made:
        each.context.detach()


def buttons(screen: StartScreen) -> list[str]:
    return [button.text() for button in screen.findChildren(QPushButton)]


@pytest.mark.parametrize(("policy", "offered"), [("", True), ("offer_demo = true", True), ("offer_demo = false", False)])
def test_the_start_screen_offers_the_demo_only_where_it_is_on(qtbot, machine_policy_file, tmp_path, policy, offered) -> None:
    machine_policy_file.write_text(policy)
    screen = StartScreen(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(screen)
    assert ("Open &demo" in buttons(screen)) == offered
    assert {"&Open…", "&New workbook…"} <= set(buttons(screen))


def test_gui_demo_is_refused_when_it_is_off(machine_policy_file) -> None:
    machine_policy_file.write_text("offer_demo = false\n")
    result = CliRunner().invoke(ui.cli.main, ["gui", "--demo"])
    assert result.exit_code == 1
    assert f"Error: The demo is turned off on this computer by your IT team (offer_demo in {machine_policy_file})" in result.stderr


def test_the_idle_lock_is_capped_at_start_and_when_chosen(session, machine_policy_file) -> None:
    machine_policy_file.write_text("max_lock_minutes = 10\n")
    opened = session(60)  # chosen before IT set the policy
    assert opened.idle.timer.interval() == 10 * 60_000
    opened.set_lock_minutes(30)
    assert opened.idle.timer.interval() == 10 * 60_000
    assert float(opened.context.settings.value("security/lock_minutes")) == 10
    opened.set_lock_minutes(2)  # fewer is the officer's choice
    assert opened.idle.timer.interval() == 2 * 60_000


def test_lock_after_offers_no_more_than_the_policy_allows(session, machine_policy_file) -> None:
    machine_policy_file.write_text("max_lock_minutes = 10\n")
    opened = session(5)
    chosen: list[float] = []
    opened.window.lock_minutes_changed.connect(chosen.append)

    def choose(dialog: QInputDialog) -> tuple[int, str]:
        offered = dialog.intMaximum(), dialog.labelText()
        dialog.setIntValue(240)  # held to the maximum
        dialog.accept()
        return offered

    offered = answer_modal(QInputDialog, choose)
    opened.window._ask_lock_minutes()
    [(most, label)] = offered
    assert most == 10 and "your IT team allows at most 10 on this computer" in label
    assert chosen == [10.0]
    assert opened.idle.timer.interval() == 10 * 60_000


def test_the_settings_say_what_it_fixes_and_refuse_a_threshold_below_the_floor(qtbot, demo, machine_policy_file) -> None:
    machine_policy_file.write_text("backups_kept = 4\ndisclosure_threshold_floor = 10\n")
    dialog = SettingsDialog(demo)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.widgets["backups.keep"].isEnabled()
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert "this computer keeps the latest 4, as your IT team set" in texts
    assert "people; at least 10 on this computer, as your IT team set" in texts
    before = dump(demo.wb)
    threshold: QLineEdit = dialog.widgets["disclosure.threshold"]  # type: ignore[assignment]
    threshold.setText("6")
    threshold.editingFinished.emit()
    error = dialog.errors["disclosure.threshold"]
    assert not error.isHidden() and "below this computer's disclosure threshold floor of 10" in error.text()
    dialog.save()
    assert dialog.isVisible() and dump(demo.wb) == before
    threshold.setText("12")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted


def test_a_wrong_data_folder_stops_the_window_before_it_starts(qtbot, machine_policy_file) -> None:
    machine_policy_file.write_text("data_folder = 'relative'\nmax_lock_minutes = 0\n")
    seen = answer_modal(QMessageBox, read_and_close)
    assert not tell_policy_problems(machine_policy())
    [(icon, text)] = seen
    assert icon == QMessageBox.Icon.Critical
    assert f'{machine_policy_file}: data_folder ("relative") is not a full path' in text
    assert f"{machine_policy_file}: max_lock_minutes is 0, outside 1 to 240" in text
    assert "cannot start until the data folder is corrected" in text


def test_other_problems_are_told_and_the_window_starts(qtbot, machine_policy_file) -> None:
    machine_policy_file.write_text("offer_demo = 'no'\n")
    seen = answer_modal(QMessageBox, read_and_close)
    assert tell_policy_problems(machine_policy())
    [(icon, text)] = seen
    assert icon == QMessageBox.Icon.Warning and "Please pass this on to them" in text
    assert tell_policy_problems(MachinePolicy())  # nothing wrong: nothing shown
