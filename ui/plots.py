"""Charts on screen: a :class:`ChartSpec` (the same data the PDF draws) drawn with pyqtgraph.

pyqtgraph is imported here only, when the first chart is made, so the window can paint
before it loads.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from opcc_desktop.charts import ChartSpec

BAR_WIDTH = 0.8


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
        self.setAccessibleName(accessible_name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)

    def show_spec(self, spec: ChartSpec | None) -> None:
        """Draw ``spec`` (None clears the chart)."""
        self.spec = spec
        self.plot.clear()
        self.plot.getPlotItem().legend and self.plot.getPlotItem().legend.clear()
        if spec is None:
            self.title.setText("")
            self.setAccessibleDescription("")
            return
        self.title.setText(spec.title)
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
        if count > 1:
            self.plot.addLegend(offset=(-10, 10))
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
        if len(spec.series) > 1:
            self.plot.addLegend(offset=(-10, 10))
        symbols = ("o", "s", "t", "d", "+", "x")  # never colour alone
        for index, (series, colour) in enumerate(zip(spec.series, spec.colours())):
            xs = [i for i, v in enumerate(series.values) if v is not None]
            ys = [float(v) for v in series.values if v is not None]
            self.plot.plot(xs, ys, pen=pg.mkPen(colour, width=2), symbol=symbols[index % len(symbols)],
                           symbolBrush=colour, symbolPen=colour, name=series.name)  # fmt: skip
        self._category_axis("bottom", spec, reverse=False)

    def _category_axis(self, side: str, spec: ChartSpec, reverse: bool) -> None:
        axis = self.plot.getAxis(side)
        axis.setTicks([list(enumerate(spec.categories))])
        view = self.plot.getViewBox()
        view.invertY(reverse)
        value_side = "bottom" if side == "left" else "left"
        self.plot.getAxis(side).setLabel(spec.category_label)
        self.plot.getAxis(value_side).setLabel(spec.value_label)
        self.plot.getAxis(side if side == "left" else "left").setStyle(autoExpandTextSpace=True)
        self.plot.enableAutoRange()

    def drawn_values(self) -> list[list[float | None]]:
        """Each series' values as drawn (for tests and for the data-table view)."""
        if self.spec is None:
            return []
        return [[None if v is None else float(v) for v in s.values] for s in self.spec.series]
