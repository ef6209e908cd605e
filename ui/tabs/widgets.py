"""Layout helpers and widgets the area tabs share: spacing, labelled controls, combo filling,
tables that keep their place when they reload, and the cell editor that lets a figure be
cleared."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.areas.periods import financial_year_of
from opcc_desktop.figures.charts import ChartSpec
from opcc_desktop.figures.formatting import format_percent
from ui.clipboard import GuardedClipboard
from ui.plots import ChartView
from ui.table_model import Index, RowsModel
from ui.table_view import DataTable

MARGIN = 8  # around a tab's content
SPACING = 6  # between controls in a row
GAP = 12  # between groups of controls
YES_NO = ("Yes", "No")
NEVER_PUBLISHED = "Never published"
MARKER_STYLE = ("QLabel#neverPublished { background: #FFF4CE; color: #4A3000; border: 1px solid #B8860B;"
                " border-radius: 3px; padding: 2px 8px; font-weight: bold; }")  # fmt: skip
Row = dict[str, Any]


def labelled(text: str, control: QWidget, name: str = "") -> QLabel:
    """A label for ``control`` (its buddy: Alt+the underlined letter focuses it), and the
    control's accessible name for screen readers."""
    label = QLabel(text)
    label.setBuddy(control)
    control.setAccessibleName(name or text.replace("&", "").rstrip(":"))
    return label


def row_layout(*items: QWidget | int | None) -> QHBoxLayout:
    """A row of widgets; an int is a fixed gap, None a stretch."""
    layout = QHBoxLayout()
    layout.setSpacing(SPACING)
    for item in items:
        if item is None:
            layout.addStretch(1)
        elif isinstance(item, int):
            layout.addSpacing(item)
        else:
            layout.addWidget(item)
    return layout


def column_layout(parent: QWidget | None = None, margin: int = 0) -> QVBoxLayout:
    layout = QVBoxLayout(parent) if parent is not None else QVBoxLayout()
    layout.setContentsMargins(margin, margin, margin, margin)
    layout.setSpacing(SPACING)
    return layout


def panel(*items: QWidget | QBoxLayout) -> QWidget:
    """A widget stacking widgets and layouts (one pane of a splitter)."""
    widget = QWidget()
    layout = column_layout(widget)
    for item in items:
        if isinstance(item, QBoxLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item, 1 if isinstance(item, DataTable | ChartView | QSplitter) else 0)
    return widget


def splitter(orientation: Qt.Orientation, *widgets: QWidget, sizes: Sequence[int] = ()) -> QSplitter:
    split = QSplitter(orientation)
    split.setChildrenCollapsible(False)
    for widget in widgets:
        split.addWidget(widget)
    if sizes:
        split.setSizes(list(sizes))
    return split


def message_label(name: str) -> QLabel:
    """A wrapped line of guidance (an empty state, a note), readable by screen readers."""
    label = QLabel()
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                  | Qt.TextInteractionFlag.TextSelectableByMouse)  # fmt: skip
    return label


def fill_combo(combo: QComboBox, items: Sequence[tuple[str, Any]], keep: Any = None) -> None:
    """Replace a combo's (text, data) items without signalling; the item whose data is
    ``keep`` stays selected, else the first."""
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    at = combo.findData(keep) if keep is not None else -1
    combo.setCurrentIndex(max(at, 0) if items else -1)
    combo.blockSignals(False)


def refill(model: RowsModel, rows: Sequence[Row], key: Callable[[Row], Any]) -> None:
    """Show ``rows``, keeping the view's place: when the same rows come back in the same
    order (an edit changed some values) only the changed rows are announced, so the current
    cell, the selection and the scroll position stay where the officer left them."""
    if [key(r) for r in model.rows] != [key(r) for r in rows]:
        model.load(rows)
        return
    old, model.rows = model.rows, list(rows)
    last = model.columnCount() - 1
    for at, (before, after) in enumerate(zip(old, model.rows)):
        if before != after:
            model.dataChanged.emit(model.index(at, 0), model.index(at, last))


def set_widths(table: DataTable, widths: Sequence[int]) -> None:
    """Column widths in average character widths, at least the title's (so they follow the
    font, high-DPI safe); never sized to contents, which would read every row."""
    unit = table.fontMetrics().averageCharWidth()
    header = table.horizontalHeader()
    bold = header.font()
    bold.setBold(True)
    titles = QFontMetrics(bold)
    for column, chars in enumerate(widths):
        title = str(table.model().headerData(column, Qt.Orientation.Horizontal))
        least = max(titles.horizontalAdvance(line) for line in title.split("\n")) + 3 * unit  # + sort arrow
        table.setColumnWidth(column, max(chars * unit, least) + 2 * SPACING)


def fit_rows(table: DataTable, rows: int) -> None:
    """A small table just tall enough for its header and ``rows`` rows."""
    height = table.horizontalHeader().sizeHint().height() + rows * table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(height + 2 * table.frameWidth())


def never_published_marker(what: str) -> QLabel:
    """The "Never published" tag shown beside a service or scheme flagged never-publish."""
    marker = QLabel(NEVER_PUBLISHED)
    marker.setObjectName("neverPublished")
    marker.setStyleSheet(MARKER_STYLE)
    marker.setToolTip(f"This {what}'s figures stay in the workbook and appear in no report.")
    marker.setAccessibleName(f"Never published: this {what}'s figures appear in no report")
    return marker


def heading_label() -> QLabel:
    """The name of what the panel shows, a step larger than the text (relative to the font)."""
    label = QLabel()
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    return label


def draw(chart: ChartView, spec: ChartSpec | None) -> None:
    """Draw ``spec`` unless the chart already shows it: a reload after an edit often leaves a
    chart unchanged, and redrawing it rebuilds every plot item for nothing."""
    if spec != chart.spec:
        chart.show_spec(spec)


def yes_no(value: Any) -> str:
    return "Yes" if value else "No"


def plain_number(value: Any) -> str:
    """A stored figure as typed: 5.85 -> "5.85", 1009000.0 -> "1,009,000"; blank if none."""
    if value is None:
        return ""
    number = float(value)
    return f"{int(number):,}" if number.is_integer() else f"{number:,}"


def percent_text(value: Any) -> str:
    return "" if value is None else format_percent(value)


class CellDelegate(QStyledItemDelegate):
    """Edits every cell as text (a blank clears it; the core checks and converts the value
    and explains a refusal), and the ``choices`` columns with a drop-down of their allowed
    values. Qt's default editor for a number is a spin box, which cannot be left blank (so a
    figure could not be cleared) and rounds decimals to two places."""

    def __init__(self, table: DataTable, choices: Mapping[str, Sequence[str]] | None = None) -> None:
        super().__init__(table)
        self.table = table
        self.choices = choices or {}

    def _options(self, index: Index) -> Sequence[str] | None:
        return self.choices.get(self.table.rows_model.columns[index.column()].key)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        options = self._options(index)
        editor: QComboBox | QLineEdit
        if options is None:
            editor = QLineEdit(parent)
            editor.setFrame(False)
        else:
            editor = QComboBox(parent)
            editor.addItems(list(options))
        header = self.table.model().headerData(index.column(), Qt.Orientation.Horizontal)
        editor.setAccessibleName(str(header))
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data(Qt.ItemDataRole.DisplayRole) or ""))
        elif isinstance(editor, QLineEdit):
            editor.setText(_edit_text(index))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            changed = editor.currentText() != index.data(Qt.ItemDataRole.DisplayRole)
            value = editor.currentText()
        elif isinstance(editor, QLineEdit):
            changed, value = editor.text() != _edit_text(index), editor.text()
        else:
            return
        if changed:
            model.setData(index, value)


def _edit_text(index: Index) -> str:
    value = index.data(Qt.ItemDataRole.EditRole)
    return plain_number(value).replace(",", "") if isinstance(value, int | float) else str(value or "")


def data_table(model: RowsModel, name: str, clipboard: GuardedClipboard, widths: Sequence[int],
               choices: Mapping[str, Sequence[str]] | None = None, numbered: bool = True,
               **options: bool) -> DataTable:  # fmt: skip
    """A DataTable editing through :class:`CellDelegate`, its columns ``widths`` characters
    wide; ``numbered`` False hides the row numbers where they mean nothing (a fixed grid)."""
    table = DataTable(model, name, clipboard, **options)
    table.setItemDelegate(CellDelegate(table, choices))
    table.verticalHeader().setVisible(numbered)
    set_widths(table, widths)
    return table


def current_financial_year() -> str:
    return financial_year_of(dt.date.today())


def year_items(years: Sequence[str]) -> list[tuple[str, str]]:
    """The years with data, latest first, and the current financial year for a new return."""
    every = sorted({*years, current_financial_year()}, reverse=True)
    return [(year, year) for year in every]


def current_row(table: DataTable, model: RowsModel) -> Row | None:
    """The row of ``model`` under ``table``'s current cell, if any."""
    index = table.currentIndex()
    return model.rows[index.row()] if index.isValid() else None


def select_row(table: DataTable, model: RowsModel, row_id: int | None, show: Callable[[], None]) -> None:
    """Make the row with ``row_id`` current (the first if it is gone) and show it: moving the
    current cell shows it through the table's signal; staying put needs ``show`` called."""
    at = next((i for i, r in enumerate(model.rows) if r["id"] == row_id), 0)
    if model.rows and table.currentIndex().row() != at:
        table.setCurrentIndex(model.index(at, 0))
    else:
        show()
