"""The Workforce tab (private, OFFICIAL-SENSITIVE): staff snapshots, one pseudonymous row per
member of staff, and the internal pack's breakdowns beside them.

The staff table copes with the largest forces (~50,000 rows): rows are plain dicts, every row
is the same height, columns are sized from the font rather than by reading every row, an
edit reloads in place (only changed rows are announced, so the view keeps its place) and
the filter waits for a pause in typing. Copies from this tab leave the clipboard after 30 s.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
)

from opcc_desktop.areas import workforce
from opcc_desktop.areas.periods import long_date
from opcc_desktop.areas.vocab import (
    CHARACTERISTIC_LABELS,
    LEAVE_OUTCOMES,
    WORKFORCE_CHARACTERISTICS,
)
from opcc_desktop.figures import workforce_analysis as wa
from opcc_desktop.figures import workforce_views as wv
from opcc_desktop.store.changes import Changes
from ui.clipboard import GuardedClipboard
from ui.context import AppContext
from ui.plots import ChartView
from ui.table_model import Call, Column, EditFn, RowsModel
from ui.tabs.base import Tab
from ui.tabs.widgets import (
    GAP,
    MARGIN,
    Row,
    column_layout,
    data_table,
    draw,
    fill_combo,
    fit_rows,
    labelled,
    message_label,
    panel,
    percent_text,
    refill,
    row_layout,
    splitter,
)

MARKING = "OFFICIAL-SENSITIVE"
BANNER_STYLE = ("QFrame#marking { background: #FBE9E7; border: 1px solid #8A1C1C; border-radius: 3px; }"
                " QLabel { color: #5A0000; }")  # fmt: skip
FILTER_PAUSE_MS = 250  # filtering 50,000 rows waits until typing pauses
PATCH_ROWS = 200  # an edit of at most this many staff rows is shown in place, without a reload
HEADINGS = {  # the staff table's narrow two-line column titles
    "gender_identity_same": "Gender identity\nsame as at birth",
    "religion": "Religion\nor belief",
    "sexual_orientation": "Sexual\norientation",
    "pregnancy_maternity": "Pregnancy and\nmaternity",
}
STAFF_WIDTHS = (10, 15, 15, 15, 24, 15, 15, 18, 15, 26, 5, 10)  # characters, in STAFF_COLUMNS order


def fte_text(value: Any) -> str:
    return "" if value is None else f"{float(value):.2f}"


def signed(value: Any) -> str:
    return "" if value is None else f"{value:+,}" if value else "0"


def points(value: Any) -> str:
    return "" if value is None else f"{value:+.1f}" if value else "0.0"


STAFF_COLUMNS = [
    Column("staff_ref", "Staff ref", editable=True, tooltip="The HR staff number: never a name"),
    *(Column(name, HEADINGS.get(name, CHARACTERISTIC_LABELS[name]), editable=True)
      for name in WORKFORCE_CHARACTERISTICS),  # fmt: skip
    Column("role_grade", "Role / grade", editable=True),
    Column("fte", "FTE", editable=True, numeric=True, format=fte_text, tooltip="0.01-1; blank: full time"),
    Column("start_date", "Start date", editable=True, tooltip="YYYY-MM-DD, on or before the snapshot date"),
]
COMPARISON_COLUMNS = [
    Column("category", "Category"),
    Column("count", "Staff", numeric=True),
    Column("percent", "% of staff", numeric=True, format=percent_text),
    Column("previous", "Previous", numeric=True, tooltip="At the previous snapshot"),
    Column("change", "Change", numeric=True, format=signed),
]
DECLARATION_COLUMNS = [
    Column("label", "Characteristic"),
    Column("declared_text", "Declared", numeric=True),
    Column("rate", "Rate", numeric=True, format=percent_text,
           tooltip="Share of staff who answered: everyone but “Prefer not to say” and “Not declared”"),
    Column("previous_rate", "Previous", numeric=True, format=percent_text, tooltip="At the snapshot before"),
    Column("change", "Change", numeric=True, format=points, tooltip="In percentage points"),
]  # fmt: skip


def _text(row: Row) -> str:
    """Every value shown in a row as one lower-case string, for the filter."""
    return "\t".join(str(v) for k, v in row.items() if v is not None and k != "id").casefold()


def _sort_key(value: Any) -> tuple[bool, Any]:
    """Blanks first, text without regard to case."""
    return value is None, value.casefold() if isinstance(value, str) else value


class StaffModel(RowsModel):
    """A snapshot's staff, sorted and filtered here rather than by a QSortFilterProxyModel,
    which asks ``data()`` for every cell of every row: seconds at 50,000 rows, where a key
    function over plain dicts takes a few milliseconds. ``rows`` are the rows shown, in
    order; ``all_rows`` the whole snapshot."""

    def __init__(self, context: AppContext, edit: EditFn) -> None:
        super().__init__(STAFF_COLUMNS, context, edit)
        self.all_rows: list[Row] = []
        self.needle = ""
        self.order: tuple[str, bool] | None = None  # (column key, descending)

    def show_rows(self, rows: list[Row]) -> None:
        """Show a snapshot's rows. After an edit the same rows come back: they are updated in
        place, or moved (an edit to the sorted column), and the view keeps its place."""
        self.all_rows = rows
        visible = self._visible()
        ids = [r["id"] for r in visible]
        if sorted(ids) == sorted(r["id"] for r in self.rows) and ids != [r["id"] for r in self.rows]:
            self._relayout(visible)
        else:
            refill(self, visible, lambda r: r["id"])

    def replace_rows(self, at: dict[int, Row]) -> None:
        """Rows of ``all_rows`` replaced at the positions given (an edit of a few rows). Shown
        in place, unless a filter or an order could move them: then reshown."""
        if self.needle or self.order is not None:
            self.show_rows(self.all_rows)
            return
        last = self.columnCount() - 1
        for position, row in at.items():
            self.rows[position] = row
            self.dataChanged.emit(self.index(position, 0), self.index(position, last))

    def clear(self) -> None:
        """Forget every row, the hidden ones too (the workbook is locking)."""
        self.all_rows = []
        self.load([])

    def set_filter(self, text: str) -> None:
        """Keep the rows holding ``text`` (any case) in any column."""
        self.needle = text.strip().casefold()
        self.load(self._visible())

    def _visible(self) -> list[Row]:
        rows = self.all_rows
        if self.needle:
            rows = [r for r in rows if self.needle in _text(r)]
        if self.order is not None:
            key, descending = self.order
            rows = sorted(rows, key=lambda r: _sort_key(r.get(key)), reverse=descending)
        return rows

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's sort request (a header click)."""
        self.order = None if column < 0 else (self.columns[column].key, order == Qt.SortOrder.DescendingOrder)
        self._relayout(self._visible())

    def _relayout(self, rows: list[Row]) -> None:
        """Show the same rows in a new order; the current cell and the selection follow them."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self.rows[index.row()]["id"] for index in before]
        self.rows = rows
        at = {row["id"]: number for number, row in enumerate(rows)}
        self.changePersistentIndexList(before, [self.index(at[row_id], index.column())
                                                for row_id, index in zip(ids, before)])  # fmt: skip
        self.layoutChanged.emit()


class WorkforceTab(Tab):
    tables = frozenset({"staff", "workforce_snapshots", "leave_events"})

    def __init__(self, context: AppContext, clipboard: GuardedClipboard) -> None:
        super().__init__(context, clipboard)
        self.banner = self._banner()
        self._snapshots: list[Row] = []
        self._current: list[Row] = []  # the shown snapshot's rows, by staff ref
        self._positions: dict[int, int] = {}  # staff id -> position in _current
        self._shown: int | None = None  # the snapshot whose rows _current holds
        self._tally: wa.Tally | None = None  # the shown snapshot's counts
        self._before: wa.Tally | None = None  # the previous snapshot's counts
        self._moves: wa.Turnover | None = None  # since the previous snapshot (a patch keeps staff refs)
        self.staff_model = StaffModel(context, self._edit_staff)
        self.comparison_model = RowsModel(COMPARISON_COLUMNS)
        self.declaration_model = RowsModel(DECLARATION_COLUMNS)
        self.staff_table = data_table(self.staff_model, "Staff", clipboard, STAFF_WIDTHS,
                                      WORKFORCE_CHARACTERISTICS, private=True)
        self.staff_table.setSortingEnabled(True)  # StaffModel.sort: fast at 50,000 rows
        self.comparison_table = data_table(self.comparison_model, "Breakdown and change", clipboard,
                                           (20, 5, 7, 7, 6), numbered=False, private=True)  # fmt: skip
        self.declaration_table = data_table(self.declaration_model, "Declaration rates", clipboard,
                                            (27, 8, 6, 7, 6), numbered=False, private=True)  # fmt: skip
        self.staff_table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # as read: by staff ref
        fit_rows(self.declaration_table, len(WORKFORCE_CHARACTERISTICS))
        self.chart = ChartView("Staff by characteristic")
        self._build_controls()
        self._build_layout()

    # -- building ---------------------------------------------------------------------------------
    def _banner(self) -> QFrame:
        frame = QFrame()
        frame.setObjectName("marking")
        frame.setStyleSheet(BANNER_STYLE)
        marking = QLabel(MARKING)
        font = marking.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        marking.setFont(font)
        marking.setAccessibleName(f"Protective marking: {MARKING}")
        note = QLabel("Private staff data for the senior management team. It is never published; "
                      "copies from this tab are cleared from the clipboard after 30 seconds.")  # fmt: skip
        note.setWordWrap(True)
        layout = row_layout(marking, GAP, note)
        layout.setStretch(2, 1)
        layout.setContentsMargins(MARGIN, MARGIN // 2, MARGIN, MARGIN // 2)
        frame.setLayout(layout)
        frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        return frame

    def _build_controls(self) -> None:
        self.empty = message_label("No workforce data")
        self.summary = message_label("Snapshot summary")
        self.count = QLabel()
        self.leave = message_label("Family leave")
        self.rate = message_label("Declaration rate of the characteristic charted")
        self.snapshot = QComboBox()
        self.snapshot.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.snapshot.setMinimumContentsLength(30)
        self.snapshot.currentIndexChanged.connect(self._show_snapshot)
        self.new_date = QDateEdit()
        self.new_date.setCalendarPopup(True)
        self.new_date.setDisplayFormat("d MMMM yyyy")
        year_end = dt.date(dt.date.today().year, 3, 31)
        self.new_date.setDate(QDate(year_end.year, year_end.month, year_end.day))
        self.add_snapshot_button = QPushButton("Add &snapshot")
        self.add_snapshot_button.clicked.connect(self._add_snapshot)
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText("Any value: a staff ref, a grade, “Prefer not to say”…")
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_PAUSE_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter.textChanged.connect(self._filter_timer.start)
        self.add_button = QPushButton("&Add row")
        self.add_button.setToolTip("Add a member of staff to this snapshot; type their HR number over NEW…")
        self.add_button.clicked.connect(self._add_row)
        self.delete_button = QPushButton("&Delete selected rows")
        self.delete_button.clicked.connect(self._delete_rows)
        self.characteristic = QComboBox()
        for name, label in CHARACTERISTIC_LABELS.items():
            self.characteristic.addItem(label, name)
        self.characteristic.currentIndexChanged.connect(self._show_characteristic)

    def _build_layout(self) -> None:
        new_label = labelled("New snapshot dated:", self.new_date, "New snapshot date")
        top = row_layout(labelled("S&napshot:", self.snapshot, "Snapshot"), self.snapshot, GAP,
                         self.summary, GAP, new_label, self.new_date, self.add_snapshot_button)  # fmt: skip
        top.setStretch(3, 1)
        tools = row_layout(labelled("&Filter:", self.filter, "Filter staff"), self.filter, self.add_button,
                           self.delete_button)  # fmt: skip
        staff_pane = panel(tools, self.staff_table, self.count)
        picker = row_layout(labelled("&Characteristic:", self.characteristic), self.characteristic, None)
        chart_pane = panel(picker, self.chart, self.rate)
        analysis = splitter(Qt.Orientation.Vertical, chart_pane, self.comparison_table,
                            panel(self.declaration_table, self.leave), sizes=(300, 190, 270))  # fmt: skip
        self.body = splitter(Qt.Orientation.Horizontal, staff_pane, analysis, sizes=(640, 560))
        layout = column_layout(self, MARGIN)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(self.body, 1)
        layout.addStretch(0)  # takes the room while there is no snapshot to show
        order = (self.snapshot, self.new_date, self.add_snapshot_button, self.filter, self.add_button,
                 self.delete_button, self.staff_table, self.characteristic, self.comparison_table,
                 self.declaration_table)  # fmt: skip
        for first, second in zip(order, order[1:]):
            self.setTabOrder(first, second)

    # -- reading ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._snapshots = self.context.read(workforce.snapshots) or []
        latest = self._snapshots[-1]["id"] if self._snapshots else None
        items = [(self._snapshot_text(s), s["id"]) for s in reversed(self._snapshots)]
        fill_combo(self.snapshot, items, self.snapshot.currentData() or latest)
        self._show_snapshot()

    @staticmethod
    def _snapshot_text(snapshot: Row) -> str:
        label = f" ({snapshot['label']})" if snapshot["label"] else ""
        return f"{long_date(snapshot['snapshot_date'])}{label}: {snapshot['headcount']:,} staff"

    def _show_snapshot(self, *_: object) -> None:
        snapshot = self._shown_snapshot()
        self._show_empty(snapshot)
        if snapshot is None:
            self._clear_data()
            return
        previous = wv.previous_snapshot(self._snapshots, snapshot["id"])
        if snapshot["id"] != self._shown:  # another snapshot: let its rows go before reading these
            self.staff_model.clear()
            self._current, self._positions, self._shown = [], {}, snapshot["id"]
        self._current = self.context.read(workforce.staff_rows, snapshot["id"]) or []
        self._positions = {row["id"]: at for at, row in enumerate(self._current)}
        self._tally = wa.Tally.of(self._current)
        self._before = wa.Tally(*self.context.read(workforce.snapshot_counts, previous["id"])) if previous else None
        self._moves = self._tally.turnover_since(self._before) if self._before is not None else None
        self.staff_model.show_rows(self._current)
        self._show_count()
        self._show_leave(snapshot["id"])
        self._show_figures()

    def _shown_snapshot(self) -> Row | None:
        return next((s for s in self._snapshots if s["id"] == self.snapshot.currentData()), None)

    def _show_figures(self) -> None:
        """The summary, declaration rates and the characteristic charted, from the counts."""
        self._show_summary()
        assert self._tally is not None
        declarations = wv.declaration_rows(self._tally, self._before)
        for row in declarations:
            row["declared_text"] = f"{row['declared']:,} of {row['headcount']:,}"
        refill(self.declaration_model, declarations, lambda r: r["characteristic"])
        self._show_characteristic()

    def patch(self, changes: Changes) -> bool:
        """A few staff rows of the shown snapshot edited (their staff refs kept): reread just
        those rows and update the counts row by row, rather than reread and recount 50,000."""
        rows = changes.rows if changes.count <= PATCH_ROWS else ()
        if not rows or changes.tables != {"staff"} or self._tally is None or not all(
                change.op == "update" and change.key["id"] in self._positions
                and change.before["staff_ref"] == change.after["staff_ref"] for change in rows):  # fmt: skip
            return False
        fresh = self.context.read(workforce.staff_rows_by_id, [change.key["id"] for change in rows]) or []
        at = {self._positions[row["id"]]: row for row in fresh}
        self._tally.remove(self._current[position] for position in at)
        self._tally.add(fresh)
        for position, row in at.items():
            self._current[position] = row
        self.staff_model.replace_rows(at)
        self._show_figures()
        return True

    def _show_empty(self, snapshot: Row | None) -> None:
        if not self._snapshots:
            text = ("No workforce snapshot is recorded yet. Choose the snapshot date (usually 31 March) and "
                    "press Add snapshot, then add staff rows or import the HR system's extract.")
        elif snapshot is not None and not snapshot["headcount"]:
            text = ("This snapshot has no staff rows yet: press Add row for each member of staff, or "
                    "import the HR system's extract for this date.")  # fmt: skip
        else:
            text = ""
        self.empty.setText(text)
        self.empty.setVisible(bool(text))
        self.body.setVisible(bool(self._snapshots))

    def _show_summary(self) -> None:
        tally, moves = self._tally, self._moves
        assert tally is not None
        text = f"{tally.headcount:,} staff, {tally.total_fte():,} FTE"
        previous = wv.previous_snapshot(self._snapshots, self.snapshot.currentData())
        if previous is not None and moves is not None:
            text += (f". Since {long_date(previous['snapshot_date'])}: {len(moves.joiners):,} joined, "
                     f"{len(moves.leavers):,} left")  # fmt: skip
        self.summary.setText(text + ".")

    def _show_leave(self, snapshot_id: int) -> None:
        summary = wa.leave_summary(self.context.read(wv.snapshot_leave_events, snapshot_id) or [])
        if not summary.total:
            self.leave.setText("No maternity, paternity, adoption or shared parental leave is recorded "
                               "for staff in this snapshot.")  # fmt: skip
            return
        outcomes = ", ".join(f"{summary.outcome_total(o):,} {o.lower()}" for o in LEAVE_OUTCOMES)
        self.leave.setText(f"Family leave recorded for staff in this snapshot: {summary.total:,} "
                           f"period{'s' if summary.total != 1 else ''} ({outcomes}).")  # fmt: skip

    def _show_characteristic(self, *_: object) -> None:
        name = self.characteristic.currentData()
        snapshot = self._shown_snapshot()
        if snapshot is None or name is None or self._tally is None:
            return
        previous = wv.previous_snapshot(self._snapshots, snapshot["id"])
        now_label = long_date(snapshot["snapshot_date"])
        before_label = long_date(previous["snapshot_date"]) if previous else ""
        rows = wv.workforce_comparison(self._tally, self._before, name)
        refill(self.comparison_model, rows, lambda r: r["category"])
        draw(self.chart, wv.workforce_chart(rows, name, now_label, before_label))
        rate = next(r for r in self.declaration_model.rows if r["characteristic"] == name)
        text = (f"Declaration rate for {rate['label'].lower()}: {percent_text(rate['rate']) or 'n/a'}"
                f" ({rate['declared_text']} staff answered)")
        if previous is not None:
            text += f"; {percent_text(rate['previous_rate']) or 'n/a'} at {before_label}"
        self.rate.setText(text + ".")

    def _show_count(self) -> None:
        shown, total = len(self.staff_model.rows), len(self.staff_model.all_rows)
        self.count.setText(f"{total:,} staff" if shown == total else f"Showing {shown:,} of {total:,} staff")

    def apply_filter(self) -> None:
        """Show only the rows with the filter's text in any column (waits for typing to pause)."""
        self._filter_timer.stop()
        self.staff_model.set_filter(self.filter.text())
        self._show_count()

    def _clear_data(self) -> None:
        self._current, self._positions, self._tally, self._before, self._moves = [], {}, None, None, None
        self._shown = None
        for model in (self.staff_model, self.comparison_model, self.declaration_model):
            model.clear()
        draw(self.chart, None)
        for label in (self.summary, self.count, self.leave, self.rate):
            label.clear()

    def clear(self) -> None:
        self._snapshots = []
        self.snapshot.clear()
        self.filter.clear()
        self.apply_filter()
        self._clear_data()

    # -- editing ------------------------------------------------------------------------------------
    def _edit_staff(self, row: Row, key: str, value: Any) -> Call:
        return workforce.edit_staff, (row["id"], {key: value})

    def _add_snapshot(self) -> None:
        day = self.new_date.date().toPython().isoformat()
        if self.context.do(workforce.add_snapshot, day) is not None:
            chosen = next((s["id"] for s in self._snapshots if s["snapshot_date"] == day), None)
            self.snapshot.setCurrentIndex(max(self.snapshot.findData(chosen), 0))

    def _add_row(self) -> None:
        snapshot_id = self.snapshot.currentData()
        if snapshot_id is None:
            return
        values = self.context.read(wv.new_staff_values, snapshot_id)
        if self.context.do(workforce.add_staff, snapshot_id, values) is not None:
            self.go_to(values["staff_ref"], edit=True)

    def go_to(self, staff_ref: str, edit: bool = False) -> None:
        """Make a staff row current (clearing the filter if it hides it); ``edit`` opens its
        reference for typing."""
        if all(r["staff_ref"] != staff_ref for r in self.staff_model.rows):
            self.filter.clear()
            self.apply_filter()
        at = next((i for i, r in enumerate(self.staff_model.rows) if r["staff_ref"] == staff_ref), None)
        if at is None:
            return
        index = self.staff_model.index(at, 0)
        self.staff_table.setCurrentIndex(index)
        self.staff_table.scrollTo(index)
        if edit:
            self.staff_table.edit(index)

    def _delete_rows(self) -> None:
        selected = self.staff_table.selectionModel().selectedIndexes()
        rows = sorted({self.staff_table.source_index(i).row() for i in selected})
        ids = [self.staff_model.rows[r]["id"] for r in rows]
        if len(ids) == 1:
            self.context.do(workforce.delete_staff, ids[0])
        elif ids:
            calls = [(workforce.delete_staff, (staff_id,)) for staff_id in ids]
            self.context.do_many(f"Delete {len(ids):,} staff rows", calls)

    def reveal(self, snapshot_id: int, staff_ref: str) -> bool:
        """Show snapshot ``snapshot_id`` with the row of ``staff_ref`` current (a search result);
        False when either is gone."""
        self._catch_up()
        at = self.snapshot.findData(snapshot_id)
        if at < 0:
            return False
        self.snapshot.setCurrentIndex(at)
        if all(r["staff_ref"] != staff_ref for r in self.staff_model.all_rows):
            return False
        self.go_to(staff_ref)
        self.staff_table.setFocus()
        return True
