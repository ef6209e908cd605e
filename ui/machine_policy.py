"""What the window says of a wrong machine policy (see ``opcc_desktop/store/policy.py``), for
the officer to pass on to IT."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opcc_desktop.store.policy import MachinePolicy

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def tell_policy_problems(policy: MachinePolicy, parent: QWidget | None = None) -> bool:
    """Show what is wrong with the policy, for the officer to pass on to IT; False when the
    window cannot start (its data folder is wrong: no workbook could be backed up)."""
    from PySide6.QtWidgets import QMessageBox

    if not policy.problems:
        return True
    starts = "data_folder" not in policy.wrong
    lines = "\n\n".join(policy.problems)
    text = (f"The machine policy set by your IT team needs correcting. Please pass this on to them:\n\n{lines}"
            + ("" if starts else "\n\nOPCC Desktop cannot start until the data folder is corrected."))  # fmt: skip
    box = QMessageBox.warning if starts else QMessageBox.critical
    box(parent, "OPCC Desktop: machine policy", text)
    return starts
