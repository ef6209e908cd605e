"""Edit › Settings: the office's settings kept in the workbook (its name, logo and contact
details, the disclosure policy, the EDI level labels, the sections a final report needs, the
backups kept), on four pages.

Every field is checked by the core's own rule as the officer leaves it, with the reason shown
beside it; OK saves every change as one undoable edit, or, when a field is wrong, nothing.
What this computer's machine policy limits is said beside the field: a fixed number of
backups cannot be changed here, and a threshold below the floor is refused by the core's rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.areas import settings as office
from opcc_desktop.areas.validation import Invalid
from opcc_desktop.errors import OpccError
from opcc_desktop.store.policy import machine_policy
from ui.context import AppContext

ERROR_STYLE = "color: #b00020;"
DOCUMENT_NAMES = {"annual-equality": "annual report", "performance-update": "performance update",
                  "panel-report": "panel report"}  # fmt: skip


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    choices: tuple[str, ...] = ()  # a closed list: a drop-down
    lines: int = 1  # more than one: a text box of that many lines
    hint: str = ""


PAGES: dict[str, tuple[Setting, ...]] = {
    "Office": (
        Setting("office_name", "Office name"),
        Setting("office.address", "Address", lines=3, hint="one line of the address a line"),
        Setting("office.telephone", "Telephone"),
        Setting("office.email", "Email"),
        Setting("office.website", "Website", hint="starting https://"),
        Setting("office.holders", "Office holders", lines=3,
                hint="one a line, such as Police and Crime Commissioner: Jane Smith"),
        Setting("release.contact", "Contact for the statistics", lines=2),
    ),
    "Disclosure": (
        Setting("disclosure.threshold", "Hide counts below", hint="people; 0 hides nothing"),
        Setting("disclosure.symbol", "Symbol for a hidden figure", choices=("*", "<5", "[c]", "x", "~")),
        Setting("disclosure.round_to", "Round published counts to", choices=("0", "5", "10"),
                hint="0 prints them exact"),
        Setting("disclosure.workforce_rounding", "Workforce statement proportions", choices=office.WORKFORCE_ROUNDINGS),
        Setting("nondisclosure.warn_percent", "Warn when not disclosed exceeds", hint="per cent"),
        Setting("cells.symbols", "Symbols for missing figures", choices=("standard", "analysis-function")),
    ),
    "Reports": (
        *(Setting(f"documents.required.{report}", f"Required sections, {name}",
                  hint="section names separated by commas") for report, name in DOCUMENT_NAMES.items()),
        Setting("edi.levels", "EDI framework levels", hint="three names separated by |, lowest first"),
        Setting("kpis.percent_change_from", "Give a KPI's change in per cent from"),
        Setting("kpis.area_name", "Area name in survey tables"),
    ),
    "Backups": (
        Setting("backups.keep", "Backups kept (latest)"),
        Setting("backups.days", "Daily backups kept (days)"),
        Setting("backups.weeks", "Weekly backups kept (weeks)"),
        Setting("audit.keep_days", "History kept for compacting (days)"),
    ),
}


def machine_limits(setting: Setting) -> tuple[str, bool]:
    """The field's hint, saying what this computer's machine policy fixes, and whether it can
    be changed here: the number of latest backups kept is the policy's where it sets one."""
    policy = machine_policy()
    if setting.key == "backups.keep" and policy.backups_kept is not None:
        return f"this computer keeps the latest {policy.backups_kept}, as your IT team set", False
    if setting.key == "disclosure.threshold" and policy.disclosure_threshold_floor:
        return f"people; at least {policy.disclosure_threshold_floor} on this computer, as your IT team set", True
    return setting.hint, True


class SettingsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.context = context
        self.saved = office.settings(context.wb)
        self.fields: dict[str, Callable[[], str]] = {}
        self.errors: dict[str, QLabel] = {}
        self.logo: bytes | None = office.logo(context.wb)
        self.logo_label = QLabel()
        self.widgets: dict[str, QWidget] = {}
        self.pages = pages = QTabWidget()
        for title, page in PAGES.items():
            pages.addTab(self._page(page, logo=title == "Office"), title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(pages)
        layout.addWidget(buttons)
        self._show_logo()
        self.resize(640, 520)

    # -- pages ----------------------------------------------------------------------------------
    def _page(self, page: tuple[Setting, ...], logo: bool) -> QWidget:
        widget = QWidget()
        outer = QVBoxLayout(widget)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        outer.addStretch(1)  # the rows packed at the top, each field with its hint and error
        for setting in page:
            field, read = self._field(setting)
            hint, open_to_change = machine_limits(setting)
            field.setEnabled(open_to_change)
            error = QLabel()
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            box.addWidget(field)
            if hint:
                label = QLabel(hint)
                label.setWordWrap(True)
                box.addWidget(label)
            box.addWidget(error)
            caption = QLabel(setting.label + ":")
            caption.setBuddy(field)
            form.addRow(caption, holder)
            self.fields[setting.key] = read
            self.errors[setting.key] = error
            self.widgets[setting.key] = field
        if logo:
            form.addRow(QLabel("Logo:"), self._logo_row())
        return widget

    def _field(self, setting: Setting) -> tuple[QWidget, Callable[[], str]]:
        value = self.saved.get(setting.key, "")
        if setting.choices:
            combo = QComboBox()
            combo.addItems(list(setting.choices))
            combo.setCurrentText(value)
            combo.setAccessibleName(setting.label)
            return combo, combo.currentText
        if setting.lines > 1:
            box = QPlainTextEdit(value)
            box.setTabChangesFocus(True)
            box.setFixedHeight(box.fontMetrics().lineSpacing() * setting.lines + 12)
            box.setAccessibleName(setting.label)
            return box, box.toPlainText
        line = QLineEdit(value)
        line.setCursorPosition(0)  # a long value shows its start
        line.setAccessibleName(setting.label)
        line.editingFinished.connect(lambda key=setting.key: self.check(key))
        return line, line.text

    def _logo_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        choose = QPushButton("Choose…")
        choose.setAccessibleName("Choose the logo")
        choose.clicked.connect(self.choose_logo)
        remove = QPushButton("Remove")
        remove.setAccessibleName("Remove the logo")
        remove.clicked.connect(self.remove_logo)
        row.addWidget(self.logo_label, 1)
        row.addWidget(choose)
        row.addWidget(remove)
        return row

    # -- the logo ----------------------------------------------------------------------------------
    def choose_logo(self) -> None:
        path = self.ask_logo_file()
        if path is None:
            return
        try:
            data = path.read_bytes()
            office.check_logo(data)
        except (OSError, OpccError) as exc:
            self.logo_label.setText(f"Not used: {exc}")
            self.logo_label.setStyleSheet(ERROR_STYLE)
            return
        self.logo = data
        self._show_logo()

    def remove_logo(self) -> None:
        self.logo = None
        self._show_logo()

    def ask_logo_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose the logo", "", "Images (*.png *.jpg *.jpeg)")
        return Path(name) if name else None

    def _show_logo(self) -> None:
        self.logo_label.setStyleSheet("")
        self.logo_label.setText("None" if self.logo is None else f"An image of {len(self.logo) // 1024 or 1} KB")

    # -- checking and saving ---------------------------------------------------------------------
    def check(self, key: str) -> bool:
        """Check one field by the core's rule; show the reason beside it when wrong."""
        error = self.errors[key]
        try:
            office.SETTING_RULES[key].clean(self.fields[key]())
        except Invalid as bad:
            error.setText(f"This {bad.message}" + (f": {bad.allowed}" if bad.allowed else "."))
            error.show()
            return False
        error.hide()
        return True

    def _show_page_of(self, key: str) -> None:
        """Bring the page holding ``key``'s field forward, the field focused."""
        for index, page in enumerate(PAGES.values()):
            if any(setting.key == key for setting in page):
                self.pages.setCurrentIndex(index)
        self.widgets[key].setFocus()

    def changed(self) -> dict[str, str]:
        return {key: read() for key, read in self.fields.items() if read().strip() != self.saved.get(key, "").strip()}

    def save(self) -> None:
        """Every change as one undoable edit; nothing when any field is wrong."""
        changed = self.changed()
        wrong = [key for key in changed if not self.check(key)]
        if wrong:
            self._show_page_of(wrong[0])
            return
        calls = [(office.set_setting, (key, value)) for key, value in changed.items()]
        if self.logo != office.logo(self.context.wb):
            calls.append((office.set_logo, (self.logo,)))
        if calls and self.context.do_many("Change the settings", calls) is None:
            return  # refused by the core: the context has said why
        self.accept()
