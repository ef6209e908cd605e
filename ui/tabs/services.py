"""The Services tab: the commissioned victim services and their quarterly monitoring returns.

Pick a service and a quarter to see and type its counts by characteristic; beside them is what
the annual report for the year will print for the service (each category's percentage of the
users recorded for the characteristic over the whole year, after small-number suppression),
with the reason in the tooltip of a withheld figure. The charts show a characteristic against
all services combined and the service's non-disclosure over time. Every figure comes from
:mod:`opcc_desktop.figures.area_views`; every edit is one core action.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLineEdit, QPushButton

from opcc_desktop.areas import services
from opcc_desktop.areas.vocab import SERVICE_DIMENSIONS
from opcc_desktop.figures import area_views as av
from opcc_desktop.figures import publishable
from ui.category_dialog import open_categories
from ui.clipboard import GuardedClipboard
from ui.context import AppContext
from ui.plots import ChartView
from ui.table_model import Call, Column, Index, RowsModel
from ui.tabs.base import Tab
from ui.tabs.widgets import (
    GAP,
    MARGIN,
    NEVER_PUBLISHED,
    YES_NO,
    Row,
    column_layout,
    current_row,
    data_table,
    draw,
    fill_combo,
    fit_rows,
    heading_label,
    labelled,
    message_label,
    never_published_marker,
    panel,
    percent_text,
    plain_number,
    refill,
    row_layout,
    select_row,
    splitter,
    year_items,
    yes_no,
)

# -- The Services tab ---------------------------------------------------------------------------

SERVICE_COLUMNS = [
    Column("name", "Service", editable=True),
    Column("service_type", "Type of service", editable=True),
    Column("first_year", "First year", editable=True, tooltip="Financial year first funded, e.g. 2020/21"),
    Column("contract_end", "Contract ends", editable=True, tooltip="Date as YYYY-MM-DD; blank if open-ended"),
    Column("never_publish", NEVER_PUBLISHED, editable=True, format=yes_no,
           tooltip="Yes: the service's figures stay in the workbook and appear in no public report"),
]  # fmt: skip
WITHHELD_TINT = QColor("#FBEFD9")  # a withheld figure, beside the symbol and the tooltip saying why
PUBLISHED_TIP = ("What the annual report for the selected year prints for this service: each category's "
                 "percentage of the service's users recorded for the characteristic over the whole year "
                 "(the four quarters summed); the policy's symbol where withheld (hover over it for why); "
                 "\"-\" where the year has no count for the category.")  # fmt: skip
INTERNAL_TIP = ("Not published: the year's percentages in full (the four quarters summed), for internal use "
                "only.")  # fmt: skip


def count_columns(published: bool) -> list[Column]:
    """The quarter's counts and shares, then the year as the annual report prints it
    ("internal" for a never-published service, shown in full)."""
    shown = "published" if published else "internal"
    return [
        Column("group", "Characteristic"),
        Column("category", "Category"),
        Column("count", "Count", editable=True, numeric=True, tooltip="Blank: not collected"),
        Column("percent", "% of total", numeric=True, format=percent_text,
               tooltip="Of everyone counted for this characteristic in the quarter (one place, rounded half-up)"),
        Column("published", f"% of year\n({shown})", numeric=True, tooltip=PUBLISHED_TIP if published else INTERNAL_TIP),
    ]  # fmt: skip


COUNT_COLUMNS = count_columns(True)


class CountModel(RowsModel):
    """The counts grid: a withheld published figure is tinted, and its tooltip says why."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        reason = self._reason(index)
        if reason and role == Qt.ItemDataRole.ToolTipRole:
            return f"The annual report prints {self.rows[index.row()]['published']}. {reason}"
        if reason and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(WITHHELD_TINT)
        return super().data(index, role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        horizontal = orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns)
        if role == Qt.ItemDataRole.ToolTipRole and horizontal:
            return self.columns[section].tooltip or None
        return super().headerData(section, orientation, role)

    def _reason(self, index: Index) -> str:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) or self.key_of(index) != "published":
            return ""
        return str(self.rows[index.row()].get("published_reason") or "")
ACTIVITY_COLUMNS = [
    Column("label", "Activity"),
    Column("value", "Number", editable=True, numeric=True, format=plain_number,
           tooltip="Blank: not recorded"),
]


class ServicesTab(Tab):
    tables = frozenset({"services", "service_counts", "service_categories", "service_activity"})

    def __init__(self, context: AppContext, clipboard: GuardedClipboard) -> None:
        super().__init__(context, clipboard)
        self.service_model = RowsModel(SERVICE_COLUMNS, context, edit=self._edit_service)
        self.count_model = CountModel(COUNT_COLUMNS, context, edit=self._edit_count)
        self.activity_model = RowsModel(ACTIVITY_COLUMNS, context, edit=self._edit_activity)
        self.service_table = data_table(self.service_model, "Commissioned services", clipboard,
                                        (44, 22, 10, 13, 14), {"never_publish": YES_NO})  # fmt: skip
        self.service_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.count_table = data_table(self.count_model, "Monitoring counts", clipboard, (14, 24, 6, 8, 8),
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
        self.note = message_label("How the published figures are worked out")
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("Name of a commissioned service")
        self.add_button = QPushButton("&Add service")
        self.add_button.clicked.connect(self._add_service)
        self.new_name.returnPressed.connect(self._add_service)
        self.heading = heading_label()
        self.marker = never_published_marker("service")
        self.categories_button = QPushButton("Ca&tegories…")
        self.categories_button.setToolTip("Order, rename and merge the selected service's categories")
        self.categories_button.clicked.connect(self._edit_categories)
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
        controls = row_layout(self.heading, self.marker, self.categories_button, GAP,
                              labelled("&Year:", self.year, "Financial year"), self.year,
                              labelled("&Quarter:", self.quarter), self.quarter, GAP,
                              labelled("&Characteristic charted:", self.dimension),
                              self.dimension)  # fmt: skip
        controls.setStretch(0, 1)
        charts = splitter(Qt.Orientation.Vertical, self.share_chart, self.disclosure_chart, sizes=(300, 240))
        body = splitter(Qt.Orientation.Horizontal, panel(self.count_table, self.note, self.activity_table), charts,
                        sizes=(600, 600))  # fmt: skip
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
        select_row(self.service_table, self.service_model, service_id, self._show_service)

    def _service(self) -> Row | None:
        return current_row(self.service_table, self.service_model)

    def _show_service(self, *_: object) -> None:
        service = self._service()
        if service is None:
            self._clear_detail()
            return
        kind = f" ({service['service_type']})" if service["service_type"] else ""
        self.heading.setText(f"{service['name']}{kind}")
        self.marker.setVisible(bool(service["never_publish"]))
        self._set_published(not service["never_publish"])
        self._show_return()

    def _set_published(self, published: bool) -> None:
        columns = count_columns(published)
        if [c.title for c in columns] != [c.title for c in self.count_model.columns]:
            self.count_model.columns = columns
            self.count_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(columns) - 1)
        policy = self.context.read(publishable.policy)
        if not published:
            self.note.setText("This service is never published: nothing here appears in any report, so the "
                              "year's percentages are shown in full, without small-number suppression.")  # fmt: skip
        elif policy is not None:
            self.note.setText(
                "“% of year (published)” is what the annual report prints for the year chosen: all four "
                f"quarters together. “{policy.symbol}” hides figures based on fewer than {policy.threshold} "
                "people, or from which they could be worked out; hover over one to see why.")  # fmt: skip

    def _period(self) -> tuple[int, str, int] | None:
        service = self._service()
        if service is None or self.year.currentData() is None:
            return None
        return service["id"], self.year.currentData(), self.quarter.currentData()

    def _show_return(self, *_: object) -> None:
        period = self._period()
        if period is None:
            return
        grid = self.context.read(av.published_service_grid, *period) or []  # the year's plan, read once
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
        self.note.clear()
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

    def _edit_categories(self) -> None:
        service = self._service()
        if service is not None:
            open_categories(self, self.context, "services", service["id"], service["name"])

    def reveal(self, service_id: int) -> bool:
        """Make service ``service_id`` current (a search result); False when it is gone."""
        self._catch_up()
        if all(r["id"] != service_id for r in self.service_model.rows):
            return False
        self._select(service_id)
        self.service_table.scrollTo(self.service_table.currentIndex())
        self.service_table.setFocus()
        return True
