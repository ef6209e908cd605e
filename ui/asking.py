"""Small questions the tabs ask (a name, a choice, a yes to a delete) and the row of tool
buttons and the keys their structure editing shares. Each tab's actions call these through
methods of their own, which the tests answer instead of a person."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLineEdit, QMessageBox, QToolButton, QWidget


def ask_name(parent: QWidget, caption: str, current: str) -> str | None:
    """A name typed by the officer (``current`` offered), or None when cancelled or blank."""
    name, ok = QInputDialog.getText(parent, caption, "Name:", QLineEdit.EchoMode.Normal, current)
    return name.strip() if ok and name.strip() else None


def ask_choice(parent: QWidget, caption: str, label: str, options: Sequence[str], current: str,
               editable: bool = False) -> str | None:  # fmt: skip
    """One of ``options`` (``current`` offered; typed freely when ``editable``), or None when
    cancelled or blank."""
    at = list(options).index(current) if current in options else 0
    chosen, ok = QInputDialog.getItem(parent, caption, label, list(options), at, editable)
    return chosen.strip() if ok and chosen.strip() else None


def confirm_delete(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(parent, "Delete?", f"{question}\n\nEdit › Undo brings it back.")
    return answer == QMessageBox.StandardButton.Yes


def button_row(buttons: Sequence[tuple[str, str, Callable[[], None]]]) -> QHBoxLayout:
    """Tool buttons (text with its mnemonic, tooltip, what it does) left-aligned in a row."""
    row = QHBoxLayout()
    for text, tip, slot in buttons:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.clicked.connect(slot)
        row.addWidget(button)
    row.addStretch(1)
    return row


def shortcut(widget: QWidget, keys: str, slot: Callable[[], None]) -> None:
    """``keys`` run ``slot`` while ``widget`` has the focus."""
    made = QShortcut(QKeySequence(keys), widget)
    made.setContext(Qt.ShortcutContext.WidgetShortcut)
    made.activated.connect(slot)
