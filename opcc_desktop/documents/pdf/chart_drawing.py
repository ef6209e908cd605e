"""Draw a :class:`~opcc_desktop.figures.charts.ChartSpec` as vector graphics (reportlab.graphics).

The rules the published charts follow, and how they are kept here:

* Colour is never the only cue: every bar and point carries its value label, several series
  get a legend (in series order, which is also the order of the bars in each group) and line
  series also differ by marker shape and dash pattern.
* No clipped or overlapping labels: category names wrap onto several lines; vertical bars
  whose names or value labels would not fit their slot are drawn as horizontal bars instead;
  the plot area leaves room for the value labels beyond the longest bar.
* Every string is set in the house font (embedded), never reportlab's default Helvetica.
* The height follows the content (number of categories, lines of label text); the caller
  chooses the width.
* Tagged, a chart is a Figure whose alternative text is the chart's one-sentence
  description (:meth:`ChartSpec.alt_text`); its labels are part of the figure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from reportlab.graphics.charts.barcharts import BarChart, HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.textlabels import Label, NA_Label
from reportlab.graphics.shapes import Drawing, Group, Line, PolyLine, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.attrmap import AttrMap, AttrMapValue
from reportlab.lib.utils import simpleSplit
from reportlab.lib.validators import isNumber
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from opcc_desktop.documents.pdf import fonts
from opcc_desktop.documents.pdf.styles import CHART_SIZE, GRID, MUTED, RULE, TEXT
from opcc_desktop.documents.pdf.tagging import Tag, tagger_of
from opcc_desktop.figures.charts import ChartSpec
from opcc_desktop.figures.formatting import format_value

__all__ = ["ChartDrawing", "draw_chart", "nice_scale"]

SIZE = CHART_SIZE
LEADING = SIZE * 1.22
VALUE_SIZE = 8.0
GAP = 4.0  # between a label and what it labels
MARKERS = ("FilledCircle", "FilledSquare", "FilledDiamond", "FilledTriangle", "Circle", "Square")
DASHES: tuple[tuple[float, ...] | None, ...] = (None, (5, 2), (1.5, 2), (6, 2, 1.5, 2), (3, 3), (8, 3))


def nice_scale(lo: float, hi: float, *, whole: bool = False, ticks: int = 5) -> tuple[float, float, float]:
    """An axis range covering [lo, hi] with about ``ticks`` intervals of 1, 2, 2.5 or 5 times
    a power of ten (whole numbers only when ``whole``): (minimum, maximum, step)."""
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if whole or magnitude < 1 else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in steps if m * magnitude >= raw * (1 - 1e-9))
    if whole:
        step = max(1.0, round(step))
    vmin = math.floor(lo / step + 1e-9) * step
    vmax = math.ceil(hi / step - 1e-9) * step
    return vmin, vmax, step


def _numbers(spec: ChartSpec) -> list[list[float | None]]:
    return [[None if v is None else float(v) for v in s.values] for s in spec.series]


def _scale(spec: ChartSpec, data: list[list[float | None]]) -> tuple[float, float, float]:
    """Bars always start at zero (their length is the value). Lines start at zero unless
    every value is far from it, when a zero-based axis would flatten the change to nothing."""
    present = [v for row in data for v in row if v is not None] or [0.0]
    lo, hi = min(present), max(present)
    if spec.kind == "line" and lo > 0 and lo > 0.5 * hi:
        pad = (hi - lo) * 0.1 or abs(hi) * 0.05
        return nice_scale(lo - pad, hi + pad, whole=spec.unit == "count")
    return nice_scale(min(0.0, lo), max(0.0, hi), whole=spec.unit == "count")


def _tick_text(spec: ChartSpec, step: float) -> Callable[[float], str]:
    """Axis tick labels in the chart's unit, with as many decimal places as the step needs."""
    exponent = Decimal(repr(round(step, 9))).normalize().as_tuple().exponent
    places = max(0, -int(exponent))

    def text(value: float) -> str:
        value = round(value, 9) + 0.0  # no "-0"
        return format_value(value, spec.unit, None if spec.unit == "count" else places)

    return text


class ChartDrawing(Drawing):
    """A Drawing that may carry platypus' ``keepWithNext`` (Drawing validates its attributes),
    so a chart can be chained to its caption and data table."""

    _attrMap = AttrMap(BASE=Drawing, keepWithNext=AttrMapValue(isNumber, desc="keep with the next flowable"))
    _tag: Tag | None = None  # its Figure (a leading underscore: reportlab checks no such attribute)

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        tagger = tagger_of(canvas)
        if tagger is None or self._tag is None:
            super().drawOn(canvas, x, y, _sW)
            return
        tagger.begin_block(canvas, self._tag)
        super().drawOn(canvas, x, y, _sW)
        tagger.end(canvas)


def _drawing(width: float, height: float) -> ChartDrawing:
    # the renderer sets the drawing's initial font first, Helvetica unless told otherwise
    return ChartDrawing(width, height, initialFontName=fonts.REGULAR, initialFontSize=SIZE)


def _width(text: str, font: str = fonts.REGULAR, size: float = SIZE) -> float:
    return max((stringWidth(line, font, size) for line in text.split("\n")), default=0.0)


def _wrap(text: str, width: float) -> list[str]:
    return simpleSplit(text, fonts.REGULAR, SIZE, max(width, 1.0)) or [""]


def _value_labels(spec: ChartSpec, data: list[list[float | None]]) -> list[list[str]]:
    return [[spec.label(si, ci) for ci in range(len(spec.categories))] for si in range(len(data))]


def _string(x: float, y: float, text: str, *, anchor: str = "start", font: str = fonts.REGULAR,
            size: float = SIZE, colour: colors.Color = TEXT) -> String:
    return String(x, y, text, fontName=font, fontSize=size, fillColor=colour, textAnchor=anchor)


def _legend(spec: ChartSpec, width: float, line: bool) -> tuple[Group, float]:
    """A legend laid out in rows from the top left: swatch (or line and marker) then name.
    Returns the group, drawn with its top at y=0, and its height."""
    g = Group()
    x = 0.0
    row = 0
    swatch = 22.0 if line else 9.0
    for i, (series, colour) in enumerate(zip(spec.series, spec.colours(), strict=True)):
        item = swatch + 4 + _width(series.name) + 14
        if x and x + item > width:
            x, row = 0.0, row + 1
        mid = -row * (LEADING + 5) - LEADING / 2
        fill = colors.HexColor(colour)
        if line:
            g.add(Line(x, mid, x + swatch, mid, strokeColor=fill, strokeWidth=1.8,
                       strokeDashArray=DASHES[i]))
            g.add(makeMarker(MARKERS[i], x=x + swatch / 2, y=mid, size=6, fillColor=fill, strokeColor=fill))
        else:
            g.add(Rect(x, mid - 4.5, 9, 9, fillColor=fill, strokeColor=None))
        g.add(_string(x + swatch + 4, mid - SIZE * 0.35, series.name))
        x += item
    return g, (row + 1) * (LEADING + 5) + 4


def _axis_title(text: str, x: float, y: float, angle: float = 0) -> Label:
    label = Label()
    label.setOrigin(x, y)
    label.angle = angle
    label.boxAnchor = "s" if angle else "n"
    label.setText(text)
    label.fontName, label.fontSize, label.fillColor = fonts.REGULAR, SIZE, MUTED
    return label


def _style_bars(chart: BarChart, spec: ChartSpec, data: list[list[float | None]], texts: list[list[str]],
                colours: Sequence[str], vmin: float, vmax: float, step: float, horizontal: bool) -> None:
    """What horizontal and vertical bar charts share: data, colours, axes and labels."""
    chart.data = data
    chart.barLabelFormat = "values"
    chart.barLabelArray = texts
    chart.barLabels.fontName, chart.barLabels.fontSize, chart.barLabels.fillColor = fonts.REGULAR, VALUE_SIZE, TEXT
    chart.barLabels.nudge = 3
    chart.barLabels.boxAnchor = "w" if horizontal else "s"  # reportlab flips it for negative bars
    for si, colour in enumerate(colours):
        chart.bars[si].fillColor = colors.HexColor(colour)
        chart.bars[si].strokeColor = None
    missing = {texts[si][ci] for si, row in enumerate(data) for ci, v in enumerate(row) if v is None}
    if missing:
        na = NA_Label()
        na.text = missing.pop() if len(missing) == 1 else spec.missing_label
        na.fontName, na.fontSize, na.fillColor = fonts.REGULAR, VALUE_SIZE, MUTED
        na.boxAnchor, na.nudge = ("w" if horizontal else "s"), 3
        chart.naLabel = na
    va = chart.valueAxis
    va.valueMin, va.valueMax, va.valueStep = vmin, vmax, step
    va.labelTextFormat = _tick_text(spec, step)
    va.labels.fontName, va.labels.fontSize, va.labels.fillColor = fonts.REGULAR, SIZE, MUTED
    va.visibleAxis = 0
    va.visibleTicks = 0
    va.visibleGrid = 1
    va.gridStrokeColor, va.gridStrokeWidth = GRID, 0.6
    ca = chart.categoryAxis
    ca.categoryNames = ["\n".join(_wrap(c, 10_000)) for c in spec.categories]
    ca.labels.fontName, ca.labels.fontSize, ca.labels.fillColor = fonts.REGULAR, SIZE, TEXT
    ca.labels.leading = LEADING
    ca.strokeColor, ca.strokeWidth = RULE, 0.8
    ca.visibleTicks = 0
    ca.visibleAxis = int(vmin >= 0)  # with negative bars the zero line is drawn instead
    chart.barSpacing = 1


def _horizontal_bars(spec: ChartSpec, width: float) -> ChartDrawing:
    data = _numbers(spec)
    texts = _value_labels(spec, data)
    n_ser, n_cat = len(data), len(spec.categories)
    legend, legend_h = _legend(spec, width, line=False) if n_ser > 1 else (None, 0.0)
    label_area = min(max(_width(c) for c in spec.categories) + 2 * GAP + 1, 0.4 * width)
    names = [_wrap(c, label_area - 2 * GAP) for c in spec.categories]
    bar = 13.0 if n_ser == 1 else 10.0
    gap = 8.0 if n_ser == 1 else 10.0
    slot = max(n_ser * bar + (n_ser - 1) + gap, max(len(n) for n in names) * LEADING + 6)
    plot_h = n_cat * slot
    label_room = max(_width(t, size=VALUE_SIZE) for row in texts for t in row) + GAP + 3
    vmin, vmax, step = _scale(spec, data)
    negative_room = label_room if vmin < 0 else 0.0
    axis_h = SIZE + 8 + (LEADING + 4 if spec.value_label else 0)
    height = legend_h + plot_h + axis_h + 2

    chart = HorizontalBarChart()
    chart.x, chart.y = label_area + negative_room, axis_h
    chart.width, chart.height = width - chart.x - label_room, plot_h
    # reportlab stacks a group's bars upwards; reversed, the first series is on top, as in the
    # legend (its own reversePlotOrder misplaces grouped bars)
    _style_bars(chart, spec, data[::-1], texts[::-1], spec.colours()[::-1], vmin, vmax, step, horizontal=True)
    chart.barWidth, chart.groupSpacing = bar, slot - n_ser * bar - (n_ser - 1)
    chart.categoryAxis.categoryNames = ["\n".join(n) for n in names]
    chart.categoryAxis.reverseDirection = 1  # first category at the top, as in the table
    chart.categoryAxis.joinAxisMode = "left"
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.textAnchor = "end"
    chart.categoryAxis.labels.dx = -GAP - negative_room
    chart.valueAxis.labels.dy = -3

    drawing = _drawing(width, height)
    drawing.add(chart)
    if vmin < 0:  # the zero line, so bars either side read against it
        x0 = chart.x + chart.width * (0 - vmin) / (vmax - vmin)
        drawing.add(Line(x0, chart.y, x0, chart.y + plot_h, strokeColor=RULE, strokeWidth=0.8))
    if spec.value_label:
        drawing.add(_axis_title(spec.value_label, chart.x + chart.width / 2, SIZE + 8))
    if legend is not None:
        legend.translate(0, height)
        drawing.add(legend)
    return drawing


def _vertical_fits(spec: ChartSpec, texts: list[list[str]], slot: float) -> bool:
    """Whether category names (wrapped on at most three lines) and value labels fit their
    slots; if not, the chart is drawn with horizontal bars instead."""
    n_ser = len(spec.series)
    for name in spec.categories:
        lines = _wrap(name, slot - GAP)
        if len(lines) > 3 or any(_width(line) > slot - GAP for line in lines):
            return False
    bar = slot * 0.75 / n_ser
    widest = max(_width(t, size=VALUE_SIZE) for row in texts for t in row)
    return widest <= (bar + 1 if n_ser > 1 else slot - GAP)


def _value_frame(spec: ChartSpec, width: float, tick: Callable[[float], str], vmin: float, vmax: float,
                 step: float) -> tuple[float, float, float]:
    """Left edge, width and height of the plot for a chart with a vertical value axis."""
    ticks = [vmin + i * step for i in range(int(round((vmax - vmin) / step)) + 1)]
    left = max(_width(tick(t)) for t in ticks) + GAP + 2 + (LEADING + 2 if spec.value_label else 0)
    plot_w = width - left - 4
    plot_h = max(110.0, min(190.0, 0.4 * width))
    return left, plot_w, plot_h


def _vertical_bars(spec: ChartSpec, width: float) -> ChartDrawing | None:
    data = _numbers(spec)
    texts = _value_labels(spec, data)
    n_ser, n_cat = len(data), len(spec.categories)
    vmin, vmax, step = _scale(spec, data)
    tick = _tick_text(spec, step)
    left, plot_w, plot_h = _value_frame(spec, width, tick, vmin, vmax, step)
    slot = plot_w / n_cat
    if not _vertical_fits(spec, texts, slot):
        return None
    legend, legend_h = _legend(spec, width, line=False) if n_ser > 1 else (None, 0.0)
    names = [_wrap(c, slot - GAP) for c in spec.categories]
    bottom = max(len(n) for n in names) * LEADING + GAP + 2
    top_room = VALUE_SIZE + 10
    height = legend_h + top_room + plot_h + bottom + (top_room if vmin < 0 else 0)

    chart = VerticalBarChart()
    chart.x, chart.y = left, bottom + (top_room if vmin < 0 else 0)
    chart.width, chart.height = plot_w, plot_h
    _style_bars(chart, spec, data, texts, spec.colours(), vmin, vmax, step, horizontal=False)
    bar = slot * 0.75 / n_ser
    chart.barWidth, chart.groupSpacing = bar, slot - n_ser * bar - (n_ser - 1)
    chart.categoryAxis.categoryNames = ["\n".join(n) for n in names]
    chart.categoryAxis.joinAxisMode = "bottom"
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.textAnchor = "middle"
    chart.categoryAxis.labels.dy = -GAP - (chart.y - bottom)
    chart.valueAxis.labels.dx = -3

    drawing = _drawing(width, height)
    drawing.add(chart)
    if vmin < 0:
        y0 = chart.y + plot_h * (0 - vmin) / (vmax - vmin)
        drawing.add(Line(chart.x, y0, chart.x + plot_w, y0, strokeColor=RULE, strokeWidth=0.8))
    if spec.value_label:
        drawing.add(_axis_title(spec.value_label, LEADING - 2, chart.y + plot_h / 2, angle=90))
    if legend is not None:
        legend.translate(0, height)
        drawing.add(legend)
    return drawing


def _line(spec: ChartSpec, width: float) -> ChartDrawing:
    """A line per series over the categories (usually periods). A missing value breaks the
    line rather than joining across the gap, so no value is implied where there is none."""
    data = _numbers(spec)
    texts = _value_labels(spec, data)
    n_ser, n_cat = len(data), len(spec.categories)
    vmin, vmax, step = _scale(spec, data)
    tick = _tick_text(spec, step)
    left, plot_w, plot_h = _value_frame(spec, width, tick, vmin, vmax, step)
    legend, legend_h = _legend(spec, width, line=True)
    slot = plot_w / n_cat
    names = [_wrap(c, slot - GAP) for c in spec.categories]
    bottom = max(len(n) for n in names) * LEADING + GAP + 2
    top_room = VALUE_SIZE + 8
    height = legend_h + top_room + plot_h + bottom

    def x_of(ci: int) -> float:
        return left + (ci + 0.5) * slot

    def y_of(v: float) -> float:
        return bottom + plot_h * (v - vmin) / (vmax - vmin)

    g = _drawing(width, height)
    n_ticks = int(round((vmax - vmin) / step))
    for i in range(n_ticks + 1):
        value = vmin + i * step
        y = y_of(value)
        g.add(Line(left, y, left + plot_w, y, strokeColor=RULE if abs(value) < 1e-9 else GRID,
                   strokeWidth=0.8 if abs(value) < 1e-9 else 0.6))
        g.add(_string(left - GAP - 2, y - SIZE * 0.35, tick(value), anchor="end", colour=MUTED))
    for ci, lines in enumerate(names):
        for li, text in enumerate(lines):
            g.add(_string(x_of(ci), bottom - GAP - SIZE - li * LEADING, text, anchor="middle"))
    for si, row in enumerate(data):
        colour = colors.HexColor(spec.colours()[si])
        run: list[float] = []
        for ci, value in enumerate([*row, None]):
            if value is not None:
                run += [x_of(ci), y_of(value)]
                continue
            if len(run) >= 4:
                g.add(PolyLine(run, strokeColor=colour, strokeWidth=1.8, strokeDashArray=DASHES[si],
                               strokeLineJoin=1))
            run = []
        for ci, value in enumerate(row):
            if value is not None:
                g.add(makeMarker(MARKERS[si], x=x_of(ci), y=y_of(value), size=6, fillColor=colour,
                                 strokeColor=colour, strokeWidth=1.2))
    # value labels: in each column the top point's label above it, the bottom one's below,
    # those between above a peak or below a trough (clear of their own line); the other side
    # if the first choice would overlap another label or marker; left out if neither is clear
    for ci in range(n_cat):
        points = sorted(((data[si][ci], si) for si in range(n_ser) if data[si][ci] is not None), reverse=True)
        taken = [(y_of(v) - 4, y_of(v) + 4) for v, _ in points]  # markers
        for rank, (value, si) in enumerate(points):
            y = y_of(value)
            if rank == 0 and len(points) > 1:
                below_first = False
            elif rank == len(points) - 1 and len(points) > 1:
                below_first = True
            else:
                near = [v for v in (data[si][ci - 1] if ci else None, data[si][ci + 1] if ci + 1 < n_cat else None)
                        if v is not None]
                below_first = bool(near) and value < sum(near) / len(near)
            above, below = y + 5, y - 5 - VALUE_SIZE * 0.75
            for base in ((below, above) if below_first else (above, below)):
                box = (base - 1, base + VALUE_SIZE * 0.75 + 1)
                own = (y - 4, y + 4)
                clear = all(box[1] <= lo or box[0] >= hi for lo, hi in taken if (lo, hi) != own)
                if clear and bottom <= box[0] and box[1] <= height - legend_h:
                    taken.append(box)
                    g.add(_string(x_of(ci), base, texts[si][ci], anchor="middle", size=VALUE_SIZE))
                    break
    if spec.value_label:
        g.add(_axis_title(spec.value_label, LEADING - 2, bottom + plot_h / 2, angle=90))
    legend.translate(0, height)
    g.add(legend)
    return g


def draw_chart(spec: ChartSpec, width: float, parent: Tag | None = None) -> ChartDrawing:
    """The chart as a Drawing (a platypus flowable) ``width`` points wide, tagged as a Figure
    in ``parent``'s element (None: where it is drawn)."""
    drawing = _drawing_of(spec, width)
    drawing._tag = Tag("Figure", parent, alt=spec.alt_text())
    return drawing


def _drawing_of(spec: ChartSpec, width: float) -> ChartDrawing:
    if spec.kind == "line":
        return _line(spec, width)
    if spec.orientation == "vertical":
        drawing = _vertical_bars(spec, width)
        if drawing is not None:
            return drawing
    return _horizontal_bars(spec, width)

