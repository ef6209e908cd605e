"""``gui`` explains itself on a terminal: the X11 libraries Qt needs but the machine lacks,
named with the install line, before Qt can abort; and Qt's offscreen chatter is dropped."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from ui.cli import main
from ui.qt_start import XCB_LIBRARIES, missing_xcb_libraries


@pytest.fixture
def on_x11(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


def test_the_missing_x11_libraries_are_named(on_x11) -> None:
    assert missing_xcb_libraries(lambda name: None if name == "xcb-cursor" else f"lib{name}.so") == ["libxcb-cursor0"]
    assert missing_xcb_libraries(lambda name: f"lib{name}.so") == []


@pytest.mark.parametrize("platform", ["offscreen", "wayland"])
def test_no_check_where_qt_does_not_use_x11(on_x11, monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", platform)
    assert missing_xcb_libraries(lambda name: None) == []


def test_gui_says_what_to_install_instead_of_letting_qt_abort(on_x11, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ctypes.util.find_library", lambda name: None)
    result = CliRunner().invoke(main, ["gui", "--demo"])
    assert result.exit_code == 1
    assert "sudo apt-get install " + " ".join(XCB_LIBRARIES.values()) in result.output
    assert "headless command" in result.output


def test_qt_offscreen_chatter_is_dropped_and_real_messages_kept() -> None:
    script = (
        "import sys\n"
        "from ui.qt_start import quiet_qt_messages\n"
        "quiet_qt_messages()\n"
        "from PySide6.QtWidgets import QApplication, QMainWindow\n"
        "from PySide6.QtCore import qWarning\n"
        "app = QApplication([])\n"
        "w = QMainWindow(); w.show(); app.processEvents()\n"
        "w.setMinimumSize(300, 300); app.processEvents()  # offscreen Qt says propagateSizeHints here\n"
        "qWarning('a real warning')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "propagateSizeHints" not in done.stderr and "a real warning" in done.stderr
