"""The Services tab: the commissioned victim services and their quarterly monitoring returns.

Pick a service and a quarter to see and type its counts by characteristic; the charts show a
characteristic against all services combined and the service's non-disclosure over time.
Every figure comes from :mod:`opcc_desktop.area_views`; every edit is one core action.

The helpers at the top (spacing, labelled controls, combo filling, keeping a table's place
when it reloads) are shared by the Workforce and Divert / Triage tabs too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop import area_views as av
from opcc_desktop import services
from opcc_desktop.charts import ChartSpec
from opcc_desktop.figures import format_percent
from opcc_desktop.vocab import SERVICE_DIMENSIONS
from ui.clipboard import GuardedClipboard
from ui.context import AppContext
from ui.plots import ChartView
from ui.table_model import Call, Column, Index, RowsModel
from ui.table_view import DataTable
from ui.tabs.base import Tab

# -- Shared by the area tabs -------------------------------------------------------------------

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
    return av.financial_year_of(dt.date.today())


def year_items(years: Sequence[str]) -> list[tuple[str, str]]:
    """The years with data, latest first, and the current financial year for a new return."""
    every = sorted({*years, current_financial_year()}, reverse=True)
    return [(year, year) for year in every]


# -- The Services tab ---------------------------------------------------------------------------

SERVICE_COLUMNS = [
    Column("name", "Service", editable=True),
    Column("service_type", "Type of service", editable=True),
    Column("first_year", "First year", editable=True, tooltip="Financial year first funded, e.g. 2020/21"),
    Column("contract_end", "Contract ends", editable=True, tooltip="Date as YYYY-MM-DD; blank if open-ended"),
    Column("never_publish", NEVER_PUBLISHED, editable=True, format=yes_no,
           tooltip="Yes: the service's figures stay in the workbook and appear in no public report"),
]  # fmt: skip
COUNT_COLUMNS = [
    Column("group", "Characteristic"),
    Column("category", "Category"),
    Column("count", "Count", editable=True, numeric=True, tooltip="Blank: not collected"),
    Column("percent", "% of total", numeric=True, format=percent_text,
           tooltip="Of everyone counted for this characteristic in the quarter (one place, rounded half-up)"),
]  # fmt: skip
ACTIVITY_COLUMNS = [
    Column("label", "Activity"),
    Column("value", "Number", editable=True, numeric=True, format=plain_number,
           tooltip="Blank: not recorded"),
]


class ServicesTab(Tab):
    title = "Services"
    tables = frozenset({"services", "service_counts", "service_categories", "service_activity"})

    def __init__(self, context: AppContext, clipboard: GuardedClipboard) -> None:
        super().__init__(context, clipboard)
        self.service_model = RowsModel(SERVICE_COLUMNS, context, edit=self._edit_service)
        self.count_model = RowsModel(COUNT_COLUMNS, context, edit=self._edit_count)
        self.activity_model = RowsModel(ACTIVITY_COLUMNS, context, edit=self._edit_activity)
        self.service_table = data_table(self.service_model, "Commissioned services", clipboard,
                                        (44, 22, 10, 13, 14), {"never_publish": YES_NO})  # fmt: skip
        self.service_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.count_table = data_table(self.count_model, "Monitoring counts", clipboard, (14, 24, 6, 8),
                                      numbered=False)
        self.activity_table = data_table(self.activity_model, "Referrals and clients", clipboard, (24, 10),
                                         numbered=False)
        self.share_chart = ChartView("Service users by characteristic, this service and all services")
        self.disclosure_chart = ChartView("Non-disclosure by quarter")
        self._build_controls()
        self._build_layout()
        self.service_table.selectionModel().currentRowChanged.connect(self._show_service)

    # -- building ---------------------------------------------------------------------------------
    def _build_controls(self) -> None:
        self.empty = message_label("No services")
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("Name of a commissioned service")
        self.add_button = QPushButton("&Add service")
        self.add_button.clicked.connect(self._add_service)
        self.new_name.returnPressed.connect(self._add_service)
        self.heading = heading_label()
        self.marker = never_published_marker("service")
        self.year = QComboBox()
        self.quarter = QComboBox()
        for q in (1, 2, 3, 4):
            self.quarter.addItem(av.quarter_label(q), q)
        self.dimension = QComboBox()
        for dimension in SERVICE_DIMENSIONS:
            self.dimension.addItem(av.dimension_label(dimension), dimension)
        self.year.currentIndexChanged.connect(self._show_return)
        self.quarter.currentIndexChanged.connect(self._show_return)
        self.dimension.currentIndexChanged.connect(self._show_charts)
        fit_rows(self.activity_table, len(av.SERVICE_MEASURES))

    def _build_layout(self) -> None:
        new_label = labelled("New service:", self.new_name, "New service name")
        list_pane = panel(self.service_table, row_layout(new_label, self.new_name, self.add_button))
        controls = row_layout(self.heading, self.marker, GAP,
                              labelled("&Year:", self.year, "Financial year"), self.year,
                              labelled("&Quarter:", self.quarter), self.quarter, GAP,
                              labelled("&Characteristic charted:", self.dimension),
                              self.dimension)  # fmt: skip
        controls.setStretch(0, 1)
        charts = splitter(Qt.Orientation.Vertical, self.share_chart, self.disclosure_chart, sizes=(300, 240))
        body = splitter(Qt.Orientation.Horizontal, panel(self.count_table, self.activity_table), charts,
                        sizes=(520, 680))  # fmt: skip
        self.detail = panel(controls, body)
        self.split = splitter(Qt.Orientation.Vertical, list_pane, self.detail, sizes=(200, 560))
        layout = column_layout(self, MARGIN)
        layout.addWidget(self.empty)
        layout.addWidget(self.split, 1)
        order = (self.service_table, self.new_name, self.add_button, self.year, self.quarter,
                 self.count_table, self.activity_table, self.dimension)  # fmt: skip
        for first, second in zip(order, order[1:]):
            self.setTabOrder(first, second)

    # -- reading ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        chosen = self._service()
        rows = self.context.read(services.services) or []
        refill(self.service_model, rows, lambda r: r["id"])
        years = self.context.read(av.service_years) or []
        if self.year.count() == 0 and years:  # first time: the latest quarter with figures
            self.quarter.setCurrentIndex(self.context.read(av.latest_service_quarter, years[0]) - 1)
        fill_combo(self.year, year_items(years), self.year.currentData() or (years[0] if years else None))
        self.empty.setVisible(not rows)
        self.empty.setText("" if rows else (
            "No commissioned services are recorded yet. Type a service's name under the list and press "
            "Add service; then pick a year and quarter and type its monitoring return, or import the "
            "services' performance workbooks."))  # fmt: skip
        self.detail.setVisible(bool(rows))
        self._select(chosen["id"] if chosen else None)

    def _select(self, service_id: int | None) -> None:
        """Make the service current (the first if it is gone) and show it."""
        rows = self.service_model.rows
        at = next((i for i, r in enumerate(rows) if r["id"] == service_id), 0)
        if rows and self.service_table.currentIndex().row() != at:
            self.service_table.setCurrentIndex(self.service_model.index(at, 0))  # shows it
        else:
            self._show_service()

    def _service(self) -> Row | None:
        index = self.service_table.currentIndex()
        return self.service_model.rows[index.row()] if index.isValid() else None

    def _show_service(self, *_: object) -> None:
        service = self._service()
        if service is None:
            self._clear_detail()
            return
        kind = f" ({service['service_type']})" if service["service_type"] else ""
        self.heading.setText(f"{service['name']}{kind}")
        self.marker.setVisible(bool(service["never_publish"]))
        self._show_return()

    def _period(self) -> tuple[int, str, int] | None:
        service = self._service()
        if service is None or self.year.currentData() is None:
            return None
        return service["id"], self.year.currentData(), self.quarter.currentData()

    def _show_return(self, *_: object) -> None:
        period = self._period()
        if period is None:
            return
        grid = self.context.read(av.service_grid, *period) or []
        previous = None
        for row in grid:
            row["group"] = row["characteristic"] if row["dimension"] != previous else ""
            previous = row["dimension"]
        refill(self.count_model, grid, lambda r: (r["dimension"], r["category"]))
        activity = self.context.read(av.service_activity_rows, *period) or []
        refill(self.activity_model, activity, lambda r: r["measure"])
        self._show_charts()

    def _show_charts(self, *_: object) -> None:
        period = self._period()
        if period is None:
            return
        dimension = self.dimension.currentData()
        draw(self.share_chart, self.context.read(av.service_share_chart, *period, dimension))
        draw(self.disclosure_chart, self.context.read(av.non_disclosure_chart, *period[:2]))

    def _clear_detail(self) -> None:
        self.heading.clear()
        self.marker.hide()
        self.count_model.clear()
        self.activity_model.clear()
        draw(self.share_chart, None)
        draw(self.disclosure_chart, None)

    def clear(self) -> None:
        self.service_model.clear()
        self.year.clear()
        self._clear_detail()

    # -- editing ------------------------------------------------------------------------------------
    def _edit_service(self, row: Row, key: str, value: Any) -> Call:
        return services.edit_service, (row["id"], {key: value})

    def _edit_count(self, row: Row, key: str, value: Any) -> Call | None:
        period = self._period()
        return None if period is None else (
            services.set_service_count, (*period, row["dimension"], row["category"], value))

    def _edit_activity(self, row: Row, key: str, value: Any) -> Call | None:
        period = self._period()
        return None if period is None else (services.set_service_activity, (*period, row["measure"], value))

    def _add_service(self) -> None:
        name = self.new_name.text().strip()
        if self.context.do(services.add_service, {"name": name}) is not None:
            self.new_name.clear()
            self._select(self.service_model.rows[-1]["id"])
