"""KPIs: definitions by strategic outcome and group, a group's eight-quarter grid (the baseline
year beside the chosen year, computed as the performance update prints it), the selected KPI's
trend chart and the group's commentary per quarter.

A typed cell is a number, "n/a" (not available) or "ud" (measurement under development);
"(p)" after a number marks it provisional, and an empty cell is a quarter not yet due.
Derived KPIs are computed from their inputs and are read-only here; a retired KPI is greyed,
"(retired from 2023/24)", its quarters of that year and later blank and closed. A value of a KPI that
counts people which the performance update will hide (small numbers, and what they could be
worked out from) is tagged with the policy's symbol, its tooltip saying why.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPen,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.areas import kpis, periods
from opcc_desktop.areas.vocab import QUARTER_MONTHS
from opcc_desktop.areas.settings import settings
from opcc_desktop.figures.formatting import STANDARD_SYMBOLS, Cell, CellState, Symbols, symbols_named
from opcc_desktop.figures.kpi_analysis import (
    KpiGrid,
    baseline_year,
    commentary_text,
    kpi_years,
    latest_kpi_year,
    trend_chart,
    workbook_grids,
)
from opcc_desktop.figures.kpi_views import Withheld, withheld_kpi_values
from opcc_desktop.figures.public_plan import kpis_planned
from opcc_desktop.store.changes import Changes
from ui.kpi_structure import StructureActions
from ui.kpi_tree import StructureTree
from ui.plots import ChartView
from ui.table_model import Call, Column, Index, Row, RowsModel
from ui.table_view import DataTable
from ui.tabs.base import Tab

SPACING = 8
QUARTER_KEYS = tuple(f"{year}{q}" for year in "bc" for q in (1, 2, 3, 4))  # b = baseline, c = chosen
STATUS_WORDS = {
    "n/a": "not available", "na": "not available", "-": "not available", "not available": "not available",
    "ud": "under development", "under development": "under development",
    "measurement under development": "under development",
}  # fmt: skip
MARKERS = {"(p)": "provisional", "(r)": "revised"}
SHOWN = {CellState.NOT_AVAILABLE: "not available", CellState.UNDER_DEVELOPMENT: "under development"}
def explained(symbols: Symbols) -> dict[CellState, str]:
    """What each kind of cell means, with the symbols the workbook's documents print
    (setting ``cells.symbols``)."""
    return {
        CellState.NOT_YET_DUE: "Blank: not yet due.",
        CellState.MISSING: f'No figure recorded: printed as "{symbols.not_available}" in the update.',
        CellState.NOT_AVAILABLE: f'Not available (printed as "{symbols.not_available}").',
        CellState.UNDER_DEVELOPMENT: "Measurement under development.",
        CellState.NOT_APPLICABLE: f'Not applicable: the figure it is divided by is 0 (printed as '
                                  f'"{symbols.not_applicable}").',
        CellState.PROVISIONAL: f"Provisional: the figure may still change (printed with {symbols.provisional}).",
        CellState.REVISED: f"Revised after it was published (printed with {symbols.revised}).",
    }


STATUS_SCALE = 0.9
STATUS_TINT = QColor("#EEF3F8")  # a quiet tint for a stated status, beside the text saying it
COMPUTED_TINT = QColor("#F0F0F0")
COMPUTED_TEXT = QColor("#4A4A4A")  # greyed yet above 7:1 contrast on its tint
RETIRED_TEXT = QColor("#5E5E5E")  # a retired KPI, greyed yet above 4.5:1 on white and on the tints
WITHHELD_TINT = QColor("#FBEFD9")  # a value the update hides, beside its tag and the tooltip saying why
TAG_BORDER = QColor("#9A6A00")
TAG_TEXT = QColor("#3D2A00")
WITHHELD_ROLE = Qt.ItemDataRole.UserRole + 1  # the symbol the update prints instead of the value
TAG_PAD = 4  # pixels around the tag's symbol, and between the tag and the cell's edge
WITHHELD_HINT = (" A value tagged “{symbol}” counts people and is hidden in the Performance and Delivery "
                 "Update (the tag is what it prints); hover over it to see why.")  # fmt: skip
UNIT_NAMES = {"count": "count", "percent": "percent", "seconds": "seconds", "rate_per_1000": "rate per 1,000"}
COUNTS_PEOPLE = "Counts people (small numbers hidden in public documents)."
POLARITY_NAMES = {"higher": "higher is better", "lower": "lower is better", "neutral": "neutral"}
HINT = ("Type a number, n/a (not available) or ud (measurement under development); add (p) for a "
        "provisional figure. Delete blanks a cell (no figure: printed '-' once its quarter is over). Greyed "
        "rows are computed.")  # fmt: skip
EMPTY = ("No KPIs are defined in this workbook yet.\n\nAdd the Police and Crime Plan's strategic outcomes, "
         "their KPI groups and KPIs here, or bring them in with an exchange workbook: fill in its \"kpis\" "
         "and \"kpi_values\" sheets and import it (File › Import data). Their quarterly figures and "
         "commentary are then kept up to date here.")  # fmt: skip


def parse_cell(text: Any) -> dict[str, Any]:
    """What a typed or pasted cell means, as ``kpis.set_kpi_value`` arguments. Anything that
    is not a status word goes to the core as the value, so the core says why it is refused."""
    word = str(text).strip()
    flags = {"provisional": False, "revised": False}
    for marker, flag in MARKERS.items():
        if word.casefold().endswith(marker):
            flags[flag] = True
            word = word[: -len(marker)].strip()
    if not word:
        return {"value": None, "status": "", **flags}
    status = STATUS_WORDS.get(word.casefold())
    if status is not None:
        return {"value": None, "status": status, "provisional": False, "revised": False}
    return {"value": word.removesuffix("%").strip(), "status": "", **flags}


def status_font(base: QFont) -> QFont:
    """Italic and a little smaller: a stated status reads as a note, not a figure."""
    font = QFont(base)
    font.setItalic(True)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * STATUS_SCALE)
    return font


def cell_text(cell: Cell) -> str:
    return SHOWN.get(cell.state, cell.text)


def edit_text(cell: Cell) -> str:
    """The cell as the officer would type it: the stored number, unformatted, and its marker."""
    if not cell.has_number or cell.value is None:
        return SHOWN.get(cell.state, "")
    number = format(cell.value.normalize() if cell.value != 0 else Decimal(0), "f")
    marker = {CellState.PROVISIONAL: " (p)", CellState.REVISED: " (r)"}.get(cell.state, "")
    return number + marker


class KpiGridModel(RowsModel):
    """One group's KPIs by eight quarters; rows hold the core's :class:`KpiGrid`. Computed
    KPIs' cells are read-only and greyed; a stated status is tinted as well as named."""

    def __init__(self, context, computed_from: dict[int, str]) -> None:  # type: ignore[no-untyped-def]
        super().__init__([Column("name", "KPI")], context, self._edit)
        self.computed_from = computed_from  # derived KPI id -> "A and B"
        self.retired: dict[int, str] = {}  # retired KPI id -> the year it is retired from
        self.years = ("", "")
        self.withheld: dict[tuple[int, str, int], Withheld] = {}  # (KPI id, year, quarter) -> how hidden
        self.explained = explained(STANDARD_SYMBOLS)  # set from the workbook's symbols on refresh

    def show(self, grids: list[KpiGrid], financial_year: str,
             withheld: dict[tuple[int, str, int], Withheld] | None = None) -> None:  # fmt: skip
        """Load a group's grids (and what the update hides of the year's values); the same
        KPIs again only repaint, keeping the current cell."""
        self.withheld = withheld or {}
        years = (baseline_year(financial_year), financial_year)
        rows = [{"grid": g, "name": g.name, **dict(zip(QUARTER_KEYS, g.cells))} for g in grids]
        if years == self.years and [r["grid"].id for r in rows] == [r["grid"].id for r in self.rows]:
            self.rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.columns) - 1))
            return
        self.beginResetModel()
        self.years = years
        quarters = [Column(key, f"{years[key[0] == 'c']}\nQ{key[1]}", editable=True, numeric=True)
                    for key in QUARTER_KEYS]  # fmt: skip
        self.columns = [Column("name", "KPI"), *quarters]
        self.rows = rows
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.rows, self.years, self.columns = [], ("", ""), [Column("name", "KPI")]
        self.withheld = {}
        self.endResetModel()

    def withheld_at(self, index: Index) -> Withheld | None:
        """How the update hides the value in a quarter cell, if it does."""
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) or index.column() == 0:
            return None
        key = self.key_of(index)
        return self.withheld.get((self.rows[index.row()]["grid"].id, self.years[key[0] == "c"], int(key[1])))

    def grid(self, row: int) -> KpiGrid | None:
        return self.rows[row]["grid"] if 0 <= row < len(self.rows) else None

    def retired_at(self, index: Index) -> str | None:
        """The year the KPI is retired from, when a quarter cell is in that year or later."""
        grid = self.grid(index.row()) if index.isValid() and index.column() > 0 else None
        since = self.retired.get(grid.id) if grid is not None else None
        return since if since is not None and self.years[self.key_of(index)[0] == "c"] >= since else None

    def _edit(self, row: Row, key: str, value: Any) -> Call | None:
        grid: KpiGrid = row["grid"]
        if grid.derived_kind:
            return None
        year = self.years[key[0] == "c"]
        cell = parse_cell(value)
        return kpis.set_kpi_value, (grid.id, year, int(key[1]), cell["value"], cell["status"],
                                    cell["provisional"], cell["revised"])  # fmt: skip

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        grid = self.grid(index.row()) if index.isValid() else None
        if grid is not None and (grid.derived_kind or self.retired_at(index)):
            flags &= ~Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row, key = self.rows[index.row()], self.key_of(index)
        grid: KpiGrid = row["grid"]
        if key == "name":
            return self._name_data(grid, role)
        since = self.retired_at(index)
        if since is not None:
            return _retired_cell(since, role)
        cell: Cell = row[key]
        withheld = self.withheld_at(index)
        if withheld is not None:
            if role == WITHHELD_ROLE:
                return withheld.symbol
            if role == Qt.ItemDataRole.ToolTipRole:
                printed = f"The Performance and Delivery Update prints “{withheld.symbol}”. {withheld.reason}"
                return " ".join(filter(None, (printed, self.explained.get(cell.state, ""), self._computed(grid))))
            if role == Qt.ItemDataRole.AccessibleDescriptionRole:
                return f"Hidden in the Performance and Delivery Update. {withheld.reason}"
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(WITHHELD_TINT)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(cell)
        if role == Qt.ItemDataRole.EditRole:
            return edit_text(cell)
        if role == Qt.ItemDataRole.UserRole:
            return None if cell.value is None else float(cell.value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return " ".join(filter(None, (self.explained.get(cell.state, ""), self._computed(grid))))
        if role == Qt.ItemDataRole.FontRole and cell.state in SHOWN:
            return status_font(QFont())
        if role == Qt.ItemDataRole.FontRole and grid.derived_kind:
            font = QFont()
            font.setItalic(True)
            return font
        return self._colours(grid, cell, role)

    def _name_data(self, grid: KpiGrid, role: int) -> Any:
        since = self.retired.get(grid.id)
        if role == Qt.ItemDataRole.DisplayRole and since:
            return f"{grid.name} {retired_words(since)}"
        if role == Qt.ItemDataRole.ForegroundRole and since:
            return QBrush(RETIRED_TEXT)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.UserRole):
            return grid.name
        if role == Qt.ItemDataRole.ToolTipRole:
            better = POLARITY_NAMES.get(grid.polarity, "")
            unit = f"{grid.name} ({UNIT_NAMES.get(grid.unit, grid.unit)}, {better})."
            compared = "; ".join(f"{c['comparator']} {c['value']:g} ({c['period']})"
                                 for c in grid.comparators)  # fmt: skip
            compared = f"Comparators: {compared}." if compared else ""
            return " ".join(filter(None, (unit, self._computed(grid), compared)))
        if role == Qt.ItemDataRole.FontRole and grid.derived_kind:
            font = QFont()
            font.setItalic(True)
            return font
        return self._colours(grid, None, role)

    def _computed(self, grid: KpiGrid) -> str:
        if not grid.derived_kind:
            return ""
        return f"Computed from {self.computed_from.get(grid.id, 'other KPIs')}: edit those instead."

    @staticmethod
    def _colours(grid: KpiGrid, cell: Cell | None, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and grid.derived_kind:
            return QBrush(COMPUTED_TEXT)
        if role == Qt.ItemDataRole.BackgroundRole:
            if grid.derived_kind:
                return QBrush(COMPUTED_TINT)
            if cell is not None and cell.state in SHOWN:
                return QBrush(STATUS_TINT)
        return None


def retired_words(since: str) -> str:
    return f"(retired from {since})"


def _retired_cell(since: str, role: int) -> Any:
    """A quarter of a year the KPI is retired in: blank, greyed, saying why it takes no figure."""
    if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
        return ""
    if role == Qt.ItemDataRole.ToolTipRole:
        return (f"Retired from {since}: the documents of {since} and later leave this KPI out and it takes no "
                "figure for those years. Reinstate it (under the tree) to measure it again.")  # fmt: skip
    if role == Qt.ItemDataRole.BackgroundRole:
        return QBrush(COMPUTED_TINT)
    return None


class KpiGridView(DataTable):
    """The grid, with Delete blanking the selected cells as one edit."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            self.blank_selection()
        else:
            super().keyPressEvent(event)

    def blank_selection(self) -> bool:
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        calls = [c for c in (self.rows_model.call_for(self.source_index(i), "") for i in indexes) if c]
        if not calls or self.rows_model.context is None:
            return False
        cells = f"{len(calls)} cell{'s' if len(calls) != 1 else ''}"
        return self.rows_model.context.do_many(f"Clear {cells}", calls) is not None


class WrapDelegate(QStyledItemDelegate):
    """Rows as tall as their text wrapped at the column's width (a tree sizes rows without it)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        tree = self.parent()
        assert isinstance(tree, QTreeView)
        width, parent = tree.columnWidth(index.column()), index.parent()
        if index.column() == 0:
            depth = 1 if tree.rootIsDecorated() else 0
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            width -= tree.indentation() * depth
        margin = 2 * (tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
        text = str(index.data() or "")
        box = option.fontMetrics.boundingRect(QRect(0, 0, max(width - margin, 20), 10_000),
                                              Qt.TextFlag.TextWordWrap, text)  # fmt: skip
        return QSize(hint.width(), max(hint.height(), box.height() + margin))


class WithheldDelegate(QStyledItemDelegate):
    """Paints a value the update hides with a tag at the cell's left holding the symbol the
    update prints (the value itself stays as typed, right-aligned, to edit and copy)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        symbol = index.data(WITHHELD_ROLE)
        if not symbol:
            return
        font = QFont(option.font)
        font.setBold(True)
        metrics = QFontMetrics(font)
        width, height = metrics.horizontalAdvance(symbol) + 2 * TAG_PAD, metrics.height() + 2
        top = option.rect.top() + (option.rect.height() - height) / 2
        tag = QRectF(option.rect.left() + TAG_PAD, top, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(TAG_BORDER, 1))
        painter.setBrush(QBrush(QColor("#FFFFFF")))
        painter.drawRoundedRect(tag, 3, 3)
        painter.setFont(font)
        painter.setPen(TAG_TEXT)
        painter.drawText(tag, int(Qt.AlignmentFlag.AlignCenter), symbol)
        painter.restore()

    @staticmethod
    def tag_width(font: QFont, symbol: str) -> int:
        """The room a tag takes at a cell's left, its margins included."""
        bold = QFont(font)
        bold.setBold(True)
        return QFontMetrics(bold).horizontalAdvance(symbol) + 4 * TAG_PAD


class SavingTextEdit(QPlainTextEdit):
    """Plain text that is saved when focus leaves it (as the narrative editor is); the goals
    tab uses it too."""

    def __init__(self, on_leave: Any) -> None:
        super().__init__()
        self.on_leave = on_leave
        self.setTabChangesFocus(True)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.on_leave()


PATCH_VALUES = 50  # an edit of at most this many KPI values may be shown without a new plan


class KpisTab(Tab):
    tables = frozenset({"strategic_outcomes", "kpi_groups", "kpis", "kpi_values", "kpi_inputs",
                        "kpi_comparators", "kpi_commentary", "settings"})  # fmt: skip

    def __init__(self, context, clipboard) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, clipboard)
        self.year = ""
        self.group_id: int | None = None
        self.kpi_id: int | None = None
        self.grids: list[KpiGrid] = []
        self.withheld: dict[tuple[int, str, int], Withheld] = {}  # what the update hides, per refresh
        self._planned: frozenset[int] = frozenset()  # KPIs whose values the disclosure plan reads
        # the KPIs, what each derived one is computed from, and every outcome and group (empty ones too)
        self._outline: tuple[list[dict[str, Any]], dict[int, str], list[dict[str, Any]]] = ([], {}, [])
        self._note: tuple[int, str, int, str] | None = None  # group, year, quarter, text in the editor
        self.tree_model = QStandardItemModel(0, 3, self)
        self.tree = StructureTree()
        self.year_box = QComboBox()
        self.heading = QLabel()
        self.grid_model = KpiGridModel(context, {})
        self.grid = KpiGridView(self.grid_model, "Quarterly figures of the KPI group", clipboard)
        self.grid.setItemDelegate(WithheldDelegate(self.grid))
        self.hint = QLabel(HINT)
        self.chart = ChartView("Trend of the selected KPI, this year beside the baseline year")
        self.no_chart = QLabel()
        self.chart_stack = QStackedWidget()
        self.quarter_box = QComboBox()
        self.note_heading = QLabel()
        self.editor = SavingTextEdit(self.save_commentary)
        self.save_button = QPushButton("&Save commentary")
        self.stack = QStackedWidget()
        self.structure = StructureActions(self)
        self._build()
        self._connect()

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.tree.setModel(self.tree_model)
        self.tree.setAccessibleName("KPIs by strategic outcome and group")
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setWordWrap(True)  # long KPI names wrap rather than vanish behind "..."
        self.tree.setItemDelegate(WrapDelegate(self.tree))
        self.tree.header().sectionResized.connect(lambda *_: self.tree.scheduleDelayedItemsLayout())
        self.tree.header().setStretchLastSection(False)
        self.year_box.setAccessibleName("Financial year")
        self.heading.setObjectName("groupHeading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.grid.setWordWrap(True)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.grid.verticalHeader().hide()
        self.grid.horizontalHeader().setStretchLastSection(False)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.quarter_box.addItems([f"Q{q} ({months})" for q, months in QUARTER_MONTHS.items()])
        self.quarter_box.setAccessibleName("Commentary quarter")
        self.editor.setAccessibleName("Commentary")
        self.editor.setPlaceholderText("No commentary written for this quarter yet.")
        self.save_button.setToolTip("Leaving the text saves it too")
        self.stack.addWidget(self._empty_page())
        self.stack.addWidget(self._main())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        for first, second in ((self.tree, self.year_box), (self.year_box, self.grid),
                              (self.grid, self.quarter_box), (self.quarter_box, self.editor),
                              (self.editor, self.save_button)):  # fmt: skip
            self.setTabOrder(first, second)

    def _empty_page(self) -> QWidget:
        """No outcome yet: say how KPIs come in, and offer to start here."""
        page = QWidget()
        layout = QVBoxLayout(page)
        empty = QLabel(EMPTY)
        empty.setWordWrap(True)
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setAccessibleName("No KPIs yet")
        start = QPushButton("Add a strategic &outcome…")
        start.clicked.connect(self.structure.add_outcome)
        layout.addStretch(1)
        layout.addWidget(empty)
        layout.addWidget(start, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        return page

    def _main(self) -> QWidget:
        left = QWidget()
        side = QVBoxLayout(left)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self._buddy("Strategic outcomes, groups and &KPIs:", self.tree))
        side.addWidget(self.tree, 1)
        side.addLayout(self.structure.buttons())
        top = QHBoxLayout()
        top.setSpacing(SPACING)
        top.addWidget(self._buddy("Financial &year:", self.year_box))
        top.addWidget(self.year_box)
        top.addSpacing(2 * SPACING)
        top.addWidget(self.heading, 1)
        self.hint.setWordWrap(True)
        upper = QWidget()
        grid_side = QVBoxLayout(upper)
        grid_side.setContentsMargins(0, 0, 0, 0)
        grid_side.setSpacing(SPACING)
        grid_side.addLayout(top)
        grid_side.addWidget(self.hint)
        grid_side.addWidget(self.grid, 1)
        lower = QSplitter(Qt.Orientation.Horizontal)
        self.no_chart.setWordWrap(True)
        self.no_chart.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_stack.addWidget(self.chart)
        self.chart_stack.addWidget(self.no_chart)
        lower.addWidget(self.chart_stack)
        lower.addWidget(self._commentary())
        lower.setSizes([500, 400])
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(upper)
        right.addWidget(lower)
        right.setSizes([330, 390])
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(right)
        main.setStretchFactor(1, 3)
        main.setSizes([330, 870])
        return main

    def _commentary(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACING)
        self.note_heading.setWordWrap(True)
        layout.addWidget(self.note_heading)
        row = QHBoxLayout()
        row.addWidget(self._buddy("Commentary &quarter:", self.quarter_box))
        row.addWidget(self.quarter_box)
        row.addStretch(1)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        layout.addWidget(self.editor, 1)
        return box

    @staticmethod
    def _buddy(text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    def _connect(self) -> None:
        self.tree.selectionModel().currentChanged.connect(self._tree_moved)
        self.grid.selectionModel().currentRowChanged.connect(self._grid_moved)
        self.year_box.currentTextChanged.connect(self._year_chosen)
        self.quarter_box.currentIndexChanged.connect(lambda _: self._load_commentary())
        self.save_button.clicked.connect(self.save_commentary)

    # -- reading the workbook -----------------------------------------------------------------
    def patch(self, changes: Changes) -> bool:
        """Values of KPIs the year's disclosure plan does not read: shown without making the
        plan again (making it is most of a refresh)."""
        if changes.tables != {"kpi_values"} or changes.count > PATCH_VALUES:
            return False
        edited = {(change.after or change.before or {}).get("kpi_id") for change in changes.rows}
        if edited & self._planned:
            return False
        self._fill_years()
        self._read_year(plan=False)
        self._show_group()
        return True

    def refresh(self) -> None:
        outline = self.context.read(kpis.kpi_tree) or []
        structure = self.context.read(kpis.kpi_structure) or []
        office = self.context.read(settings) or {}
        self.grid_model.explained = explained(symbols_named(office.get("cells.symbols")))
        self.stack.setCurrentIndex(1 if structure else 0)
        self._fill_years()
        self._read_year()
        if self.group_id not in {g.group_id for g in self.grids}:
            self.group_id = self.grids[0].group_id if self.grids else None
            self.kpi_id = None
        computed = self._computed_from(outline)
        rebuilt = (outline, computed, structure) != self._outline
        if rebuilt:
            self._outline = (outline, computed, structure)
            self.grid_model.computed_from = computed
            self.grid_model.retired = {k["id"]: k["retired_from"] for k in outline if k["retired_from"]}
            self._fill_tree()
        self._show_group()
        if rebuilt:
            self._select_in_tree()

    def _read_year(self, plan: bool = True) -> None:
        """The year's grids, and what the update hides of them (the year's disclosure plan,
        read once here, never per cell; made only when some KPI counts people)."""
        self.grids = self.context.read(workbook_grids, self.year, date.today()) or []
        if plan:
            self.withheld = (self.context.read(withheld_kpi_values, self.year) or {}) if self.year else {}
            self._planned = (self.context.read(kpis_planned, self.year) or frozenset()) if self.year else frozenset()

    def _computed_from(self, outline: list[dict[str, Any]]) -> dict[int, str]:
        """Each derived KPI's inputs by name: "A and B"."""
        names = {k["id"]: k["name"] for k in outline}
        return {k["id"]: " and ".join(names.get(i, "?") for i in self.context.read(kpis.kpi_inputs, k["id"]))
                for k in outline if k["derived_kind"]}  # fmt: skip

    def clear(self) -> None:
        self._note = None
        self.year, self.group_id, self.kpi_id, self.grids, self._outline = "", None, None, [], ([], {}, [])
        self.withheld, self._planned = {}, frozenset()
        self.hint.setText(HINT)
        self.tree_model.clear()
        self.grid_model.clear()
        self.chart.show_spec(None)
        self.editor.clear()
        self.heading.clear()
        self.note_heading.clear()
        self.year_box.blockSignals(True)
        self.year_box.clear()
        self.year_box.blockSignals(False)

    def _fill_years(self) -> None:
        years = self.context.read(kpi_years, date.today()) or []
        if self.year not in years:
            self.year = self.context.read(latest_kpi_year) or (years[0] if years else "")
            self._latest_quarter()
        self.year_box.blockSignals(True)
        self.year_box.clear()
        self.year_box.addItems(years)
        self.year_box.setCurrentText(self.year)
        self.year_box.blockSignals(False)

    def _latest_quarter(self) -> None:
        """Commentary opens on the year's latest quarter with a figure."""
        self.quarter_box.blockSignals(True)
        self.quarter_box.setCurrentIndex((self.context.read(periods.latest_quarter, self.year) or 1) - 1)
        self.quarter_box.blockSignals(False)

    def _fill_tree(self) -> None:
        outline, computed, structure = self._outline
        self.tree_model.clear()
        self.tree_model.setHorizontalHeaderLabels(["KPI", "Unit", "Better"])
        parents: dict[str, QStandardItem] = {}
        for row in structure:  # every outcome and group in order, those without KPIs yet too
            outcome = parents.get(f"outcome:{row['outcome_id']}")
            if outcome is None:
                outcome = self._item(row["outcome"], f"outcome:{row['outcome_id']}", parents)
                self.tree_model.appendRow([outcome, QStandardItem(), QStandardItem()])
            if row["group_id"] is not None:
                group = self._item(row["group_name"], f"group:{row['group_id']}", parents)
                outcome.appendRow([group, QStandardItem(), QStandardItem()])
        for kpi in outline:
            parents[f"group:{kpi['group_id']}"].appendRow(self._kpi_row(kpi, computed.get(kpi["id"])))
        header = self.tree.header()  # the model's clear() dropped the sections' modes
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.expandAll()

    @staticmethod
    def _item(text: str, key: str, parents: dict[str, QStandardItem] | None = None) -> QStandardItem:
        """A tree item keyed "outcome:1", "group:2" or "kpi:3" (a string, so the model can match it)."""
        item = QStandardItem(text)
        item.setData(key, Qt.ItemDataRole.UserRole)
        item.setToolTip(text)
        if parents is not None:
            parents[key] = item
        return item

    def _kpi_row(self, kpi: dict[str, Any], inputs: str | None) -> list[QStandardItem]:
        since = kpi["retired_from"]
        name = self._item(f"{kpi['name']} {retired_words(since)}" if since else kpi["name"], f"kpi:{kpi['id']}")
        unit = QStandardItem(UNIT_NAMES.get(kpi["unit"], kpi["unit"]) + ("\ncomputed" if inputs else ""))
        notes = [f"Computed from {inputs}." if inputs else "",
                 "Never published." if kpi["never_publish"] else "",
                 COUNTS_PEOPLE if kpi["counts_people"] else "",
                 f"Retired from {since}: printed only in the documents of earlier years." if since else ""]  # fmt: skip
        name.setToolTip(" ".join(filter(None, [kpi["name"], *notes])))
        unit.setToolTip(notes[0] or "Typed each quarter.")
        polarity = QStandardItem(kpi["polarity"])
        if inputs:
            name.setForeground(QBrush(COMPUTED_TEXT))
            unit.setForeground(QBrush(COMPUTED_TEXT))
        for item in (name, unit, polarity) if since else ():
            item.setForeground(QBrush(RETIRED_TEXT))
        return [name, unit, polarity]

    def _show_group(self) -> None:
        """The grid, chart and commentary of the current group, for the chosen year."""
        rows = [g for g in self.grids if g.group_id == self.group_id]
        column = max(self.grid.currentIndex().column(), 1)  # the quarter the officer was in
        ids = {g.id for g in rows}
        withheld = {key: w for key, w in self.withheld.items() if key[0] in ids}
        self.grid_model.show(rows, self.year, withheld)
        symbol = next(iter(withheld.values())).symbol if withheld else ""
        self.hint.setText(HINT + (WITHHELD_HINT.format(symbol=symbol) if symbol else ""))
        self._size_columns()
        if rows:
            self.heading.setText(f"{rows[0].group_name} ({rows[0].outcome})")
        else:
            self.heading.clear()
        ids = [g.id for g in rows]
        if self.kpi_id not in ids:
            self.kpi_id = ids[0] if ids else None
        row = ids.index(self.kpi_id) if self.kpi_id in ids else -1
        if row >= 0 and self.grid.currentIndex().row() != row:  # showing the rows reset the grid
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
            self.grid.selectionModel().setCurrentIndex(self.grid_model.index(row, column), flags)
        self._show_chart()
        self._load_commentary()

    def _size_columns(self) -> None:
        """Eight equal quarter columns as wide as a long figure or the word "development" (a
        status wraps onto two lines rather than pushing the grid off screen), or a hidden
        value beside its tag; names take the rest."""
        header = self.grid.horizontalHeader()
        if self.grid_model.columnCount() < 2:
            return
        status = QFontMetrics(status_font(self.grid.font())).horizontalAdvance("development")
        width = max(status, self.grid.fontMetrics().horizontalAdvance("100,000 (p)"), self._tagged_width())
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.grid_model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width + 2 * SPACING)

    def _tagged_width(self) -> int:
        """The widest value the update hides, with its tag (0 when none is hidden)."""
        model, widest = self.grid_model, 0
        for row in range(model.rowCount()):
            for column in range(1, model.columnCount()):
                withheld = model.withheld_at(model.index(row, column))
                if withheld is not None:
                    text = str(model.index(row, column).data() or "")
                    widest = max(widest, self.grid.fontMetrics().horizontalAdvance(text)
                                 + WithheldDelegate.tag_width(self.grid.font(), withheld.symbol))  # fmt: skip
        return widest

    def _show_chart(self) -> None:
        grid = next((g for g in self.grids if g.id == self.kpi_id), None)
        drawn = grid is not None and any(c.has_number for c in grid.cells)
        self.chart.show_spec(trend_chart(grid, self.year) if drawn and grid else None)
        self.chart_stack.setCurrentIndex(0 if drawn else 1)
        self.no_chart.clear()
        if grid is not None and not drawn:
            years = f"{baseline_year(self.year)} or {self.year}"
            self.no_chart.setText(f"{grid.name}: no figures to chart for {years}.")

    def _select_in_tree(self) -> None:
        """Follow the grid in the tree (the tree's own moves are not echoed back to it)."""
        wanted = f"kpi:{self.kpi_id}" if self.kpi_id is not None else f"group:{self.group_id}"
        found = self.tree_model.match(self.tree_model.index(0, 0), Qt.ItemDataRole.UserRole, wanted, 1,
                                      Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)  # fmt: skip
        if found and self.tree.currentIndex() != found[0]:
            self.tree.selectionModel().blockSignals(True)
            self.tree.setCurrentIndex(found[0])
            self.tree.selectionModel().blockSignals(False)
            self.tree.viewport().update()

    # -- moving around ------------------------------------------------------------------------
    def _tree_moved(self, index: QModelIndex) -> None:
        item = self.tree_model.itemFromIndex(index.siblingAtColumn(0))
        key = str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""
        if key.startswith("outcome:") and item.child(0) is not None:
            key = str(item.child(0).data(Qt.ItemDataRole.UserRole))  # an outcome shows its first group
        kind, _, number = key.partition(":")
        chosen = int(number) if number else None
        if kind == "kpi":
            grid = next((g for g in self.grids if g.id == chosen), None)
            self.group_id, self.kpi_id = (grid.group_id, chosen) if grid else (self.group_id, self.kpi_id)
        elif kind == "group" and chosen != self.group_id:
            self.group_id, self.kpi_id = chosen, None
        self._show_group()

    def _grid_moved(self, index: QModelIndex) -> None:
        grid = self.grid_model.grid(index.row())
        if grid is not None and grid.id != self.kpi_id:
            self.kpi_id = grid.id
            self._select_in_tree()
            self._show_chart()

    def _year_chosen(self, year: str) -> None:
        if year and year != self.year:
            self.save_commentary()
            self.year = year
            self._read_year()
            self._latest_quarter()
            self._show_group()

    # -- commentary ---------------------------------------------------------------------------
    def _load_commentary(self) -> None:
        """Show the commentary of the current group and quarter, saving what was being edited."""
        quarter = self.quarter_box.currentIndex() + 1
        target = (self.group_id, self.year, quarter)
        if self._note is not None and self._note[:3] != target:
            self.save_commentary()
        if self.group_id is None or not self.context.is_open:
            self._note = None
            self.editor.clear()
            self.note_heading.clear()
            return
        text = self.context.read(commentary_text, self.group_id, self.year, quarter)
        if self._note is not None and self._note[:3] == target and self.editor.document().isModified():
            return  # an unsaved edit of this very commentary stays in the editor
        self._note = (self.group_id, self.year, quarter, text)
        if self.editor.toPlainText() != text:  # the text just saved stays put, cursor and all
            self.editor.setPlainText(text)
        self.editor.document().setModified(False)
        group = next((g.group_name for g in self.grids if g.group_id == self.group_id), "")
        self.note_heading.setText(f"Commentary on {group}, {self.year}")

    def save_commentary(self) -> None:
        """Save the editor's text as one edit, if it changed."""
        if self._note is None or not self.context.is_open:
            return
        group_id, year, quarter, saved = self._note
        text = self.editor.toPlainText().strip()
        self.editor.document().setModified(False)
        if text == saved.strip():
            return
        self._note = (group_id, year, quarter, text)  # before the edit: the refresh it causes sees it saved
        if self.context.do(kpis.set_commentary, group_id, year, quarter, text) is None:
            self._note = (group_id, year, quarter, saved)
            self.editor.document().setModified(True)

    def reveal(self, kpi_id: int) -> bool:
        """Show KPI ``kpi_id`` in its group's grid, current there and in the tree (a search
        result); False when it is gone."""
        self._catch_up()
        grid = next((g for g in self.grids if g.id == kpi_id), None)
        if grid is None:
            return False
        self.group_id, self.kpi_id = grid.group_id, kpi_id
        self._show_group()
        self._select_in_tree()
        row = next(i for i, r in enumerate(self.grid_model.rows) if r["grid"].id == kpi_id)
        self.grid.setCurrentIndex(self.grid_model.index(row, 0))
        self.grid.scrollTo(self.grid.currentIndex())
        self.grid.setFocus()
        return True
