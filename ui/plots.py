"""Charts on screen: a :class:`ChartSpec` (the same data the PDF draws) drawn with pyqtgraph.

pyqtgraph (and numpy with it) is imported only when the first chart is drawn, after the
window has painted.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from opcc_desktop.figures.charts import ChartSpec
from ui.after_paint import AfterPaint

BAR_WIDTH = 0.8
SYMBOLS = ("o", "s", "t", "d", "+", "x")  # line markers: series differ by shape, never colour alone
MARKS = ("●", "■", "▲", "◆", "+", "×")  # the same shapes in the legend
MAX_LABEL_WIDTH = 260
AXIS_TEXT, AXIS_LINE = "#3D3D3D", "#8A8A8A"
MAX_COUNT_TICKS = 12
MIN_HEIGHT = 200


class ChartView(QWidget):
    """A titled chart whose data can be read back (``spec``), as the PDF's data table can."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec: ChartSpec | None = None
        self.plot: Any = None  # the pyqtgraph PlotWidget, made after the window first paints
        self._drawn: ChartSpec | None = None  # what the plot shows
        self._curves: list[Any] = []  # its lines' plot items, when it shows lines
        self._pending = False
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setObjectName("chartTitle")
        self.setAccessibleName(accessible_name)
        self.setMinimumHeight(MIN_HEIGHT)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.title)
        self._layout.addStretch(1)

    def show_spec(self, spec: ChartSpec | None) -> None:
        """Draw ``spec`` (None clears the chart). Title and text alternative change at once;
        the first drawing waits until the window has painted, so that loading pyqtgraph
        never delays the window's first paint."""
        self.spec = spec
        self.title.setText(self._heading(spec) if spec is not None else "")
        self.setAccessibleDescription(spec.alt_text() if spec is not None else "")
        self.setToolTip(spec.alt_text() if spec is not None else "")
        if self.plot is not None:
            self._draw()
        elif not self._pending:
            self._pending = True
            AfterPaint(self.window(), self._make_plot)

    def _make_plot(self) -> None:
        import pyqtgraph as pg

        self._pg = pg
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setStyle(hideOverlappingLabels=False)  # else the first and last category vanish
            axis.setTextPen(AXIS_TEXT)
            axis.setPen(AXIS_LINE)
        self._layout.takeAt(1)  # the stretch that held its place
        self._layout.addWidget(self.plot, 1)
        self._draw()

    def _draw(self) -> None:
        if self._same_lines(self.spec):
            self._move_lines(self.spec)
            return
        self.plot.clear()
        self._curves = []
        self._drawn = self.spec
        if self.spec is None:
            return
        if self.spec.kind == "line":
            self._lines(self.spec)
        else:
            self._bars(self.spec)

    def _same_lines(self, spec: ChartSpec | None) -> bool:
        """Whether ``spec`` is the lines drawn with other values (an edited figure): then only
        the points move, rather than every plot item being made again."""
        drawn = self._drawn
        return (spec is not None and drawn is not None and spec.kind == drawn.kind == "line"
                and spec.categories == drawn.categories and spec.unit == drawn.unit
                and [s.name for s in spec.series] == [s.name for s in drawn.series])  # fmt: skip

    def _move_lines(self, spec: ChartSpec) -> None:
        for curve, series in zip(self._curves, spec.series):
            curve.setData(*_points(series.values))
        self.plot.getAxis("left").setTicks(_count_ticks(spec))
        self.plot.enableAutoRange()
        self._drawn = spec

    def _bars(self, spec: ChartSpec) -> None:
        pg = self._pg
        count = len(spec.series)
        width = BAR_WIDTH / count
        horizontal = spec.orientation == "horizontal"
        for index, (series, colour) in enumerate(zip(spec.series, spec.colours())):
            offset = (index - (count - 1) / 2) * width
            places = [i + offset for i, v in enumerate(series.values) if v is not None]
            values = [float(v) for v in series.values if v is not None]
            options: dict[str, Any] = {"brush": colour, "pen": pg.mkPen("w"), "name": series.name}
            if horizontal:
                item = pg.BarGraphItem(x0=0, y=places, height=width, width=values, **options)
            else:
                item = pg.BarGraphItem(x=places, height=values, width=width, **options)
            self.plot.addItem(item)
        self._category_axis("left" if horizontal else "bottom", spec, reverse=horizontal)

    def _lines(self, spec: ChartSpec) -> None:
        pg = self._pg
        for index, (series, colour) in enumerate(zip(spec.series, spec.colours())):
            self._curves.append(self.plot.plot(*_points(series.values), pen=pg.mkPen(colour, width=2),
                                               symbol=SYMBOLS[index % len(SYMBOLS)], symbolBrush=colour,
                                               symbolPen=colour, name=series.name))  # fmt: skip
        self._category_axis("bottom", spec, reverse=False)

    @staticmethod
    def _heading(spec: ChartSpec) -> str:
        """The title, the value axis's meaning, and (for several series) a legend whose marks
        are coloured and shaped as drawn, so it never covers the data."""
        lines = [f"<b>{escape(spec.title)}</b>" + (f" ({escape(spec.value_label)})" if spec.value_label else "")]
        if len(spec.series) > 1:
            marks = MARKS if spec.kind == "line" else ("■",) * len(MARKS)
            lines.append("&nbsp;&nbsp;".join(
                f'<span style="color:{colour}">{marks[i % len(marks)]}</span> {escape(series.name)}'
                for i, (series, colour) in enumerate(zip(spec.series, spec.colours()))))  # fmt: skip
        return "<br>".join(lines)

    def _category_axis(self, side: str, spec: ChartSpec, reverse: bool) -> None:
        axis = self.plot.getAxis(side)
        axis.setTicks([list(enumerate(spec.categories))])
        self.plot.getViewBox().invertY(reverse)
        self.plot.getAxis("bottom" if side == "left" else "left").setTicks(_count_ticks(spec))
        left = self.plot.getAxis("left")
        if side == "left":  # category names: wide enough to read, within reason
            widest = max(QFontMetrics(self.font()).horizontalAdvance(c) for c in spec.categories)
            left.setWidth(min(MAX_LABEL_WIDTH, widest + 16))
        else:
            left.setWidth(None)
        self.plot.enableAutoRange()

    def plotted_lines(self) -> list[tuple[list[float], list[float]]]:
        """The points each line's plot item holds: what is on screen (for tests)."""
        return [tuple([] if axis is None else list(map(float, axis)) for axis in curve.getData())  # type: ignore[misc]
                for curve in self._curves]  # fmt: skip

    def drawn_values(self) -> list[list[float | None]]:
        """Each series' values as drawn (for tests and for the data-table view)."""
        if self.spec is None:
            return []
        return [[None if v is None else float(v) for v in s.values] for s in self.spec.series]


def _points(values: Sequence[Any]) -> tuple[list[int], list[float]]:
    """A series' points: its position and value where it has one."""
    xs = [i for i, v in enumerate(values) if v is not None]
    return xs, [float(values[i]) for i in xs]


def _count_ticks(spec: ChartSpec) -> list[list[tuple[int, str]]] | None:
    """Whole-number ticks for small counts (no "0.5 people"); otherwise pyqtgraph's own."""
    values = [float(v) for series in spec.series for v in series.values if v is not None]
    top = max(values, default=0)
    if spec.unit != "count" or top > MAX_COUNT_TICKS:
        return None
    return [[(i, str(i)) for i in range(0, int(top) + 1)]]
