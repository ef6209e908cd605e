"""Charts on screen: a :class:`ChartSpec` (the same data the PDF draws) drawn with pyqtgraph.

pyqtgraph is imported here only, when the first chart is made, so the window can paint
before it loads.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from opcc_desktop.charts import ChartSpec

BAR_WIDTH = 0.8
SYMBOLS = ("o", "s", "t", "d", "+", "x")  # line markers: series differ by shape, never colour alone
MARKS = ("●", "■", "▲", "◆", "+", "×")  # the same shapes in the legend
MAX_LABEL_WIDTH = 260
AXIS_TEXT, AXIS_LINE = "#3D3D3D", "#8A8A8A"


class ChartView(QWidget):
    """A titled chart whose data can be read back (``spec``), as the PDF's data table can."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg

        self._pg = pg
        self.spec: ChartSpec | None = None
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setObjectName("chartTitle")
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(180)
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setStyle(hideOverlappingLabels=False)  # else the first and last category vanish
            axis.setTextPen(AXIS_TEXT)
            axis.setPen(AXIS_LINE)
        self.setAccessibleName(accessible_name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)

    def show_spec(self, spec: ChartSpec | None) -> None:
        """Draw ``spec`` (None clears the chart)."""
        self.spec = spec
        self.plot.clear()
        if spec is None:
            self.title.setText("")
            self.setAccessibleDescription("")
            return
        self.title.setText(self._heading(spec))
        self.setAccessibleDescription(spec.alt_text())
        self.setToolTip(spec.alt_text())
        if spec.kind == "line":
            self._lines(spec)
        else:
            self._bars(spec)

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
            xs = [i for i, v in enumerate(series.values) if v is not None]
            ys = [float(v) for v in series.values if v is not None]
            self.plot.plot(xs, ys, pen=pg.mkPen(colour, width=2), symbol=SYMBOLS[index % len(SYMBOLS)],
                           symbolBrush=colour, symbolPen=colour, name=series.name)  # fmt: skip
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
        self.plot.getAxis("bottom" if side == "left" else "left").setTicks(None)  # values: automatic
        left = self.plot.getAxis("left")
        if side == "left":  # category names: wide enough to read, within reason
            widest = max(QFontMetrics(self.font()).horizontalAdvance(c) for c in spec.categories)
            left.setWidth(min(MAX_LABEL_WIDTH, widest + 16))
        else:
            left.setWidth(None)
        self.plot.enableAutoRange()

    def drawn_values(self) -> list[list[float | None]]:
        """Each series' values as drawn (for tests and for the data-table view)."""
        if self.spec is None:
            return []
        return [[None if v is None else float(v) for v in s.values] for s in self.spec.series]
