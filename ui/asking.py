"""Small questions the tabs ask (a name, a yes to a delete) and the row of tool buttons their
structure editing shares. Each tab's actions call these through methods of their own, which
the tests answer instead of a person."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLineEdit, QMessageBox, QToolButton, QWidget


def ask_name(parent: QWidget, caption: str, current: str) -> str | None:
    """A name typed by the officer (``current`` offered), or None when cancelled or blank."""
    name, ok = QInputDialog.getText(parent, caption, "Name:", QLineEdit.EchoMode.Normal, current)
    return name.strip() if ok and name.strip() else None


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
