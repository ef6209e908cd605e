"""The Divert / Triage tab: out-of-court schemes and their figures, by quarter or by year.

Pick a scheme, a year and a period (a quarter, or the whole year for a scheme that reports
only yearly) to type its participant counts by gender; the whole year of a year recorded by
quarter shows their sums, not editable. Beside each count column
is what the annual report will print for it (Tables 1 and 2: percentages of each gender's
records for the characteristic, after small-number suppression), so the officer sees the
published figure while typing. A never-published scheme is marked as such and its figures
are shown in full, for internal use only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLineEdit, QPushButton

from opcc_desktop.areas import schemes
from opcc_desktop.areas.vocab import ALL_GENDERS, SCHEME_DIMENSIONS
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
    plain_number,
    refill,
    row_layout,
    select_row,
    splitter,
    year_items,
    yes_no,
)

GENDER_OF = {g.lower(): g for g in av.GENDERS}  # column key -> the gender it counts

SCHEME_COLUMNS = [
    Column("name", "Scheme", editable=True),
    Column("age_range", "Ages", editable=True, tooltip="e.g. 18+ or 10-17"),
    Column("never_publish", NEVER_PUBLISHED, editable=True, format=yes_no,
           tooltip="Yes: the scheme's figures stay in the workbook and appear in no report"),
]  # fmt: skip
MEASURE_COLUMNS = [
    Column("label", "Referrals and outcomes"),
    Column("value", "Value", editable=True, numeric=True, format=plain_number, tooltip="Blank: not recorded"),
    Column("unit", "Unit"),
]


PERIODS = (("Whole year", 0), ("Q1 (Apr-Jun)", 1), ("Q2 (Jul-Sep)", 2), ("Q3 (Oct-Dec)", 3), ("Q4 (Jan-Mar)", 4))


class MeasureModel(RowsModel):
    """Referrals and outcomes; a whole year's count recorded by quarter is their sum, typed
    in the quarters, so not editable here."""

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.rows[index.row()].get("derived"):
            flags &= ~Qt.ItemFlag.ItemIsEditable
        return flags


def grid_columns(published: bool) -> list[Column]:
    """Counts by gender, then what the reports print beside them ("internal" when never published)."""
    shown = "published" if published else "internal"
    tip = ("What the annual report prints (Tables 1 and 2): % of the gender's records for the "
           "characteristic; counts on the number rows; the policy's symbol where suppressed" if published
           else "Not published: the figures in full, for internal use")  # fmt: skip
    return [
        Column("group", "Characteristic"),
        Column("category", "Category"),
        *(Column(g.lower(), g, editable=True, numeric=True, tooltip="Blank: not collected")
          for g in av.GENDERS),
        *(Column(f"{g.lower()}_shown", f"{g}\n({shown})", numeric=True, tooltip=tip) for g in av.GENDERS),
    ]


class SchemeGridModel(RowsModel):
    """The count grid: base rows (records per dimension) are computed, so not editable, and
    they and the participants row are bold to mark where each characteristic starts. The
    whole year of a year recorded by quarter is their sum: not editable either."""

    summed = False

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and (self.summed or self.rows[index.row()]["kind"] == "base"):
            flags &= ~Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        heading = index.isValid() and self.rows[index.row()]["kind"] != "category"
        if role == Qt.ItemDataRole.FontRole and heading:
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


class SchemesTab(Tab):
    tables = frozenset({"schemes", "scheme_counts", "scheme_categories", "scheme_measures"})

    def __init__(self, context: AppContext, clipboard: GuardedClipboard) -> None:
        super().__init__(context, clipboard)
        self.scheme_model = RowsModel(SCHEME_COLUMNS, context, edit=self._edit_scheme)
        self.grid_model = SchemeGridModel(grid_columns(True), context, edit=self._edit_count)
        self.measure_model = MeasureModel(MEASURE_COLUMNS, context, edit=self._edit_measure)
        self.scheme_table = data_table(self.scheme_model, "Out-of-court schemes", clipboard, (44, 8, 16),
                                       {"never_publish": YES_NO})  # fmt: skip
        self.scheme_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid_table = data_table(self.grid_model, "Participants by gender", clipboard,
                                     (22, 20, 6, 6, 9, 9), numbered=False)
        self.measure_table = data_table(self.measure_model, "Referrals and outcomes", clipboard, (34, 10, 5),
                                        numbered=False)
        self.chart = ChartView("Participants by characteristic and gender")
        self._build_controls()
        self._build_layout()
        self.scheme_table.selectionModel().currentRowChanged.connect(self._show_scheme)

    # -- building ---------------------------------------------------------------------------------
    def _build_controls(self) -> None:
        self.empty = message_label("No schemes")
        self.note = message_label("How the published figures are worked out")
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("Name of an out-of-court scheme")
        self.add_button = QPushButton("&Add scheme")
        self.add_button.clicked.connect(self._add_scheme)
        self.new_name.returnPressed.connect(self._add_scheme)
        self.heading = heading_label()
        self.marker = never_published_marker("scheme")
        self.categories_button = QPushButton("Ca&tegories…")
        self.categories_button.setToolTip("Order, rename and merge the selected scheme's categories")
        self.categories_button.clicked.connect(self._edit_categories)
        self.year = QComboBox()
        self.quarter = QComboBox()
        for text, quarter in PERIODS:
            self.quarter.addItem(text, quarter)
        self.quarter.setToolTip("Figures are typed for each quarter (the year is their sum), or for the "
                                "whole year when a scheme reports only yearly")  # fmt: skip
        self.dimension = QComboBox()
        for dimension in SCHEME_DIMENSIONS:
            text = "Participants by gender" if dimension == "gender" else av.dimension_label(dimension)
            self.dimension.addItem(text, dimension)
        self.dimension.setCurrentIndex(self.dimension.findData("age"))
        self.year.currentIndexChanged.connect(self._show_year)
        self.quarter.currentIndexChanged.connect(self._show_year)
        self.dimension.currentIndexChanged.connect(self._show_chart)
        fit_rows(self.measure_table, len(av.SCHEME_MEASURE_LABELS))

    def _build_layout(self) -> None:
        new_label = labelled("New scheme:", self.new_name, "New scheme name")
        list_pane = panel(self.scheme_table, row_layout(new_label, self.new_name, self.add_button))
        controls = row_layout(self.heading, self.marker, self.categories_button, GAP,
                              labelled("&Year:", self.year, "Financial year"),
                              self.year, labelled("&Period:", self.quarter, "Quarter or whole year"), self.quarter,
                              GAP, labelled("&Chart:", self.dimension, "Characteristic charted"),
                              self.dimension)  # fmt: skip
        controls.setStretch(0, 1)
        right = panel(self.measure_table, self.chart)
        body = splitter(Qt.Orientation.Horizontal, panel(self.grid_table, self.note), right, sizes=(700, 500))
        self.detail = panel(controls, body)
        self.split = splitter(Qt.Orientation.Vertical, list_pane, self.detail, sizes=(130, 630))
        layout = column_layout(self, MARGIN)
        layout.addWidget(self.empty)
        layout.addWidget(self.split, 1)
        order = (self.scheme_table, self.new_name, self.add_button, self.year, self.quarter, self.dimension,
                 self.grid_table, self.measure_table)  # fmt: skip
        for first, second in zip(order, order[1:]):
            self.setTabOrder(first, second)

    # -- reading ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        chosen = self._scheme()
        rows = self.context.read(schemes.schemes) or []
        refill(self.scheme_model, rows, lambda r: r["id"])
        years = self.context.read(av.scheme_years) or []
        fill_combo(self.year, year_items(years), self.year.currentData() or (years[0] if years else None))
        self.empty.setVisible(not rows)
        self.empty.setText("" if rows else (
            "No out-of-court schemes are recorded yet. Type a scheme's name under the list and press "
            "Add scheme (for example Divert, or Youth Triage); then pick a year and type its participants "
            "by gender and characteristic, its referrals and its outcomes."))  # fmt: skip
        self.detail.setVisible(bool(rows))
        self._select(chosen["id"] if chosen else None)

    def _select(self, scheme_id: int | None) -> None:
        select_row(self.scheme_table, self.scheme_model, scheme_id, self._show_scheme)

    def _scheme(self) -> Row | None:
        return current_row(self.scheme_table, self.scheme_model)

    def _show_scheme(self, *_: object) -> None:
        scheme = self._scheme()
        if scheme is None:
            self._clear_detail()
            return
        ages = f" ({scheme['age_range']})" if scheme["age_range"] else ""
        self.heading.setText(f"{scheme['name']}{ages}")
        hidden = bool(scheme["never_publish"])
        self.marker.setVisible(hidden)
        self._set_published(not hidden)
        self._show_year()

    def _set_published(self, published: bool) -> None:
        columns = grid_columns(published)
        if [c.title for c in columns] != [c.title for c in self.grid_model.columns]:
            self.grid_model.columns = columns
            self.grid_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(columns) - 1)
        policy = self.context.read(publishable.policy)
        if not published:
            self.note.setText("This scheme is never published: nothing here appears in any report, so its "
                              "percentages are shown in full, without small-number suppression.")  # fmt: skip
        elif policy is not None:
            self.note.setText(
                "The “published” columns show what the annual report prints: each characteristic's "
                "percentages are of that gender's records for it (the “Records” row). "
                f"“{policy.symbol}” hides figures based on fewer than {policy.threshold} people, or from "
                "which they could be worked out. Offence type and case outcome appear in the quarterly "
                "Performance and Delivery Update.")  # fmt: skip

    def _period(self) -> tuple[int, str] | None:
        scheme = self._scheme()
        if scheme is None or self.year.currentData() is None:
            return None
        return scheme["id"], self.year.currentData()

    def _show_year(self, *_: object) -> None:
        period = self._period()
        if period is None:
            return
        quarter = self.quarter.currentData()
        self.grid_model.summed = not quarter and bool(self.context.read(schemes.recorded_by_quarter, *period))
        self.grid_table.setToolTip("This year is recorded by quarter: these are the sums of its quarters. "
                                   "Pick a quarter under Period to type its figures." if self.grid_model.summed
                                   else "")  # fmt: skip
        grid = self.context.read(av.scheme_grid, *period, quarter or None) or []
        for row in grid:
            row["group"] = row["characteristic"] if row["kind"] != "category" else ""
        refill(self.grid_model, grid, lambda r: (r["kind"], r["dimension"], r["category"]))
        measures = self.context.read(av.scheme_measure_rows, *period, quarter) or []
        refill(self.measure_model, measures, lambda r: r["measure"])
        self._show_chart()

    def _show_chart(self, *_: object) -> None:
        period = self._period()
        if period is not None:
            draw(self.chart, self.context.read(av.scheme_chart, *period, self.dimension.currentData()))

    def _clear_detail(self) -> None:
        self.heading.clear()
        self.marker.hide()
        self.note.clear()
        self.grid_model.clear()
        self.measure_model.clear()
        draw(self.chart, None)

    def clear(self) -> None:
        self.scheme_model.clear()
        self.year.clear()
        self._clear_detail()

    # -- editing ------------------------------------------------------------------------------------
    def _edit_scheme(self, row: Row, key: str, value: Any) -> Call:
        return schemes.edit_scheme, (row["id"], {key: value})

    def _edit_count(self, row: Row, key: str, value: Any) -> Call | None:
        period = self._period()
        if period is None or key not in GENDER_OF or row["kind"] == "base":
            return None
        gender, quarter = GENDER_OF[key], self.quarter.currentData()
        if row["kind"] == "participants":  # the gender split: category Male/Female, unsplit column
            return schemes.set_scheme_count, (*period, "gender", gender, value, ALL_GENDERS, quarter)
        return schemes.set_scheme_count, (*period, row["dimension"], row["category"], value, gender, quarter)

    def _edit_measure(self, row: Row, key: str, value: Any) -> Call | None:
        period = self._period()
        if period is None:
            return None
        return schemes.set_scheme_measure, (*period, row["measure"], value, self.quarter.currentData())

    def _add_scheme(self) -> None:
        name = self.new_name.text().strip()
        if self.context.do(schemes.add_scheme, {"name": name}) is not None:
            self.new_name.clear()
            self._select(self.scheme_model.rows[-1]["id"])

    def _edit_categories(self) -> None:
        scheme = self._scheme()
        if scheme is not None:
            open_categories(self, self.context, "schemes", scheme["id"], scheme["name"])

    def reveal(self, scheme_id: int) -> bool:
        """Make scheme ``scheme_id`` current (a search result); False when it is gone."""
        self._catch_up()
        if all(r["id"] != scheme_id for r in self.scheme_model.rows):
            return False
        self._select(scheme_id)
        self.scheme_table.scrollTo(self.scheme_table.currentIndex())
        self.scheme_table.setFocus()
        return True
