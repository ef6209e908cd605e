"""A :class:`~opcc_desktop.figures.charts.ChartSpec` as inline SVG, for the HTML edition.

The rules the PDF's charts follow (``pdf.chart_drawing``) hold here too:

* Colour is never the only cue: every bar and point carries its value label, and line series
  also differ by dash pattern and marker shape, which the legend shows beside each name.
* A value axis with round ticks (the PDF's steps, in the chart's unit) and gridlines, so a
  bar or point can be read against it; bars start at zero.
* Labels stay inside the drawing: category names wrap, the plot leaves room for the value
  labels, and a line's value label is left out where it would cover another one.

Bars are always horizontal here: their names stay readable when the page scales the drawing
down to a phone's width. Text is measured with Helvetica's metrics, which Arial and
Liberation Sans (the page's fonts) share, with a margin for a wider fallback font.

The drawing is one image (``role="img"``) named by the chart's description; the figure around
it prints that description and the data table, so nothing is only in the picture.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape

from reportlab.pdfbase.pdfmetrics import stringWidth

from ..figures.charts import PALETTE, ChartSpec
from ..figures.formatting import format_value
from .pdf.chart_drawing import nice_scale

__all__ = ["svg_chart"]

WIDTH = 360.0  # of the drawing; the page scales it to its column
TEXT, SMALL = 13.0, 11.5  # names and legend; ticks and value labels
LEADING = 16.0
GAP = 4.0
BAR = 14.0  # a bar's thickness
PLOT_HEIGHT = 180.0  # of a line chart's plot area
INK, MUTED, GRID = "#0b0c0c", "#505a5f", "#d5d8da"
WIDER_FONT = 1.1  # a fallback font may set text this much wider than Helvetica's metrics
# one per series, in palette order, as the PDF's (solid, dashed, dotted, dash-dot...)
DASHES = ("", "8 4", "2 3", "10 3 2 3", "5 5", "12 5")
MARKERS = ("circle", "square", "diamond", "triangle", "ring", "box")

Box = tuple[float, float, float, float]  # left, top, right, bottom


def svg_chart(spec: ChartSpec) -> str:
    """The chart as an inline SVG element: bars, or lines over the categories (periods)."""
    return _lines(spec) if spec.kind == "line" else _bars(spec)


# -- text --------------------------------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate, short and the same on every machine."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _width(text: str, size: float = TEXT) -> float:
    return stringWidth(text, "Helvetica", size) * WIDER_FONT


def _wrap(text: str, width: float) -> list[str]:
    """Words in lines no wider than ``width`` (a longer word has a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _width(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def _text(x: float, y: float, text: str, *, size: float = TEXT, anchor: str = "start", colour: str = INK) -> str:
    """``text`` on the baseline ``y``."""
    ink = "" if colour == INK else f' fill="{colour}"'
    small = "" if size == TEXT else f' font-size="{_n(size)}"'
    start = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return f'<text x="{_n(x)}" y="{_n(y)}"{start}{small}{ink}>{escape(text)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, colour: str = GRID) -> str:
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{colour}"/>'


# -- the value axis ----------------------------------------------------------------------------------


def _scale(spec: ChartSpec) -> tuple[float, float, float]:
    """(minimum, maximum, step), as the PDF's: bars start at zero; lines too, unless every
    value is far from it, where a zero-based axis would flatten the change to nothing."""
    values = [float(v) for s in spec.series for v in s.values if v is not None] or [0.0]
    low, high = min(values), max(values)
    whole = spec.unit == "count"
    if spec.kind == "line" and low > 0 and low > 0.5 * high:
        pad = (high - low) * 0.1 or abs(high) * 0.05
        return nice_scale(low - pad, high + pad, whole=whole)
    return nice_scale(min(0.0, low), max(0.0, high), whole=whole)


def _ticks(spec: ChartSpec, low: float, high: float, step: float) -> list[tuple[float, str]]:
    """Each tick's value and label, in the chart's unit with as many places as the step needs."""
    exponent = Decimal(repr(round(step, 9))).normalize().as_tuple().exponent
    places = None if spec.unit == "count" else max(0, -int(exponent))
    values = [round(low + i * step, 9) + 0.0 for i in range(round((high - low) / step) + 1)]  # + 0.0: no "-0"
    return [(value, format_value(value, spec.unit, places)) for value in values]


# -- the legend --------------------------------------------------------------------------------------


def _marker(index: int, x: float, y: float) -> str:
    """Series ``index``'s marker at (x, y): filled circle, square, diamond, triangle, then
    hollow circle and square, as in the PDF."""
    colour = PALETTE[index]
    shape = MARKERS[index]
    if shape in ("circle", "ring"):
        body = f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4"'
    elif shape in ("square", "box"):
        body = f'<rect x="{_n(x - 3.5)}" y="{_n(y - 3.5)}" width="7" height="7"'
    elif shape == "diamond":
        body = f'<path d="M{_n(x)} {_n(y - 5)}L{_n(x + 5)} {_n(y)}L{_n(x)} {_n(y + 5)}L{_n(x - 5)} {_n(y)}Z"'
    else:
        body = f'<path d="M{_n(x)} {_n(y - 5)}L{_n(x + 5)} {_n(y + 4)}L{_n(x - 5)} {_n(y + 4)}Z"'
    paint = f'fill="#fff" stroke="{colour}" stroke-width="1.5"' if shape in ("ring", "box") else f'fill="{colour}"'
    return f"{body} {paint}/>"


def _dash(index: int) -> str:
    return f' stroke-dasharray="{DASHES[index]}"' if DASHES[index] else ""


def _legend(spec: ChartSpec, *, lines: bool) -> tuple[list[str], float]:
    """The series' names in rows from the top left, each after its bar colour, or its line's
    dash pattern and marker. Returns the parts (drawn from y = 0) and their height."""
    sample = 30.0 if lines else 12.0
    parts: list[str] = []
    x, row = 0.0, 0
    for index, series in enumerate(spec.series):
        item = sample + GAP + _width(series.name) + 16
        if x and x + item > WIDTH:
            x, row = 0.0, row + 1
        middle = row * (LEADING + 4) + LEADING / 2
        if lines:
            parts.append(f'<line x1="{_n(x)}" y1="{_n(middle)}" x2="{_n(x + sample)}" y2="{_n(middle)}" '
                         f'stroke="{PALETTE[index]}" stroke-width="2"{_dash(index)}/>')  # fmt: skip
            parts.append(_marker(index, x + sample / 2, middle))
        else:
            parts.append(f'<rect x="{_n(x)}" y="{_n(middle - 6)}" width="12" height="12" fill="{PALETTE[index]}"/>')
        parts.append(_text(x + sample + GAP, middle + TEXT * 0.35, series.name))
        x += item
    return parts, (row + 1) * (LEADING + 4) + 6


# -- bars --------------------------------------------------------------------------------------------


def _bars(spec: ChartSpec) -> str:
    """Horizontal bars, a group of one per series for each category, names wrapped on the
    left, value labels at the bars' ends, the value axis below."""
    low, high, step = _scale(spec)
    ticks = _ticks(spec, low, high, step)
    legend, top = _legend(spec, lines=False) if len(spec.series) > 1 else ([], 0.0)
    label_w = min(max(_width(c) for c in spec.categories), WIDTH * 0.4)
    names = [_wrap(c, label_w) for c in spec.categories]
    texts = [[spec.label(si, ci) for si in range(len(spec.series))] for ci in range(len(spec.categories))]
    # room for the value labels beyond the bars' ends: a negative bar's on its left
    ends = [(_width(texts[ci][si], SMALL) + GAP, value is not None and value < 0)
            for si, series in enumerate(spec.series) for ci, value in enumerate(series.values)]  # fmt: skip
    behind = max((width for width, negative in ends if negative), default=0.0)
    ahead = max(max((width for width, negative in ends if not negative), default=0.0), _width(ticks[-1][1], SMALL) / 2)
    left = label_w + 2 * GAP + behind
    plot_w = WIDTH - left - ahead

    def x_of(value: float) -> float:
        return left + plot_w * (value - low) / (high - low)

    groups, y = [], top + GAP
    for ci, lines in enumerate(names):
        span = max(len(lines) * LEADING, len(spec.series) * BAR)
        groups.append(_bar_group(spec, ci, lines, texts[ci], y, span, label_w + GAP, x_of))
        y += span + 10
    axis, height = _value_axis(spec, ticks, x_of, top, y - 4, left + plot_w / 2)
    return _svg(spec, height, [*legend, *axis, *groups])


def _bar_group(spec: ChartSpec, ci: int, lines: list[str], texts: list[str], y: float, height: float,
               names_end: float, x_of: Callable[[float], float]) -> str:  # fmt: skip
    """One category: its name ending at ``names_end``, centred on its bars, and a bar and a
    value label per series."""
    parts = []
    first = y + (height - len(lines) * LEADING) / 2 + LEADING * 0.75
    parts += [_text(names_end, first + i * LEADING, line, anchor="end") for i, line in enumerate(lines)]
    bars_top = y + (height - len(spec.series) * BAR) / 2
    zero = x_of(0.0)
    for si, series in enumerate(spec.series):
        value = series.values[ci]
        y0 = bars_top + si * BAR
        end = zero if value is None else x_of(float(value))
        if value is not None:
            parts.append(f'<rect x="{_n(min(zero, end))}" y="{_n(y0 + 1)}" width="{_n(abs(end - zero))}" '
                         f'height="{_n(BAR - 2)}" fill="{PALETTE[si]}"><title>{escape(series.name)}: '
                         f"{escape(texts[si])}</title></rect>")  # fmt: skip
        outside = end - GAP if value is not None and value < 0 else end + GAP
        anchor = "end" if value is not None and value < 0 else "start"
        parts.append(_text(outside, y0 + BAR / 2 + SMALL * 0.35, texts[si], size=SMALL, anchor=anchor))
    return "".join(parts)


def _value_axis(spec: ChartSpec, ticks: Sequence[tuple[float, str]], x_of: Callable[[float], float],
                top: float, bottom: float, middle: float) -> tuple[list[str], float]:  # fmt: skip
    """Gridlines from ``top`` to ``bottom`` at the ticks (zero in ink), the axis line with
    its tick marks and labels under them, and the axis title. Returns the parts and the
    drawing's height."""
    parts = [_line(x_of(v), top, x_of(v), bottom, INK if v == 0 else GRID) for v, _ in ticks]
    parts.append(_line(x_of(ticks[0][0]), bottom, x_of(ticks[-1][0]), bottom, INK))
    for value, label in ticks:
        parts.append(_line(x_of(value), bottom, x_of(value), bottom + GAP, INK))
        parts.append(_text(x_of(value), bottom + GAP + SMALL, label, size=SMALL, anchor="middle", colour=MUTED))
    height = bottom + GAP + SMALL + 6
    if spec.value_label:
        parts.append(_text(middle, height + TEXT * 0.8, spec.value_label, anchor="middle"))
        height += LEADING + 4
    return parts, height


# -- lines -------------------------------------------------------------------------------------------


def _lines(spec: ChartSpec) -> str:
    """A line per series over the categories (usually periods), the value axis on the left.
    A missing value breaks the line rather than joining across the gap, so no value is
    implied where there is none."""
    low, high, step = _scale(spec)
    ticks = _ticks(spec, low, high, step)
    legend, top = _legend(spec, lines=True)
    if spec.value_label:  # the axis title above the axis, where it reads across
        legend.append(_text(0, top + TEXT * 0.8, spec.value_label))
        top += LEADING + 2
    top += SMALL + 6  # room for a value label above the highest point
    left = max(_width(label, SMALL) for _, label in ticks) + 3 * GAP
    last = max(_width(spec.label(si, len(spec.categories) - 1), SMALL) for si in range(len(spec.series)))
    plot_w = WIDTH - left - max(last / 2, GAP)
    slot = plot_w / len(spec.categories)

    def x_of(ci: int) -> float:
        return left + (ci + 0.5) * slot

    def y_of(value: float) -> float:
        return top + PLOT_HEIGHT * (high - value) / (high - low)

    bottom = top + PLOT_HEIGHT
    parts = [*legend, *_axes(spec, ticks, y_of, left, plot_w, bottom, slot)]
    for si in range(len(spec.series)):
        parts += _series(spec, si, x_of, y_of)
    parts += _point_labels(spec, x_of, y_of, (0.0, top - SMALL - 6, WIDTH, bottom))
    names = [_wrap(c, slot - GAP) for c in spec.categories]
    for ci, lines in enumerate(names):
        parts += [_text(x_of(ci), bottom + GAP + TEXT + i * LEADING, text, anchor="middle")
                  for i, text in enumerate(lines)]  # fmt: skip
    height = bottom + GAP + max(len(lines) for lines in names) * LEADING + 4
    if spec.category_label:
        parts.append(_text(left + plot_w / 2, height + TEXT * 0.8, spec.category_label, anchor="middle"))
        height += LEADING + 4
    return _svg(spec, height, parts)


def _axes(spec: ChartSpec, ticks: Sequence[tuple[float, str]], y_of: Callable[[float], float],
                   left: float, plot_w: float, bottom: float, slot: float) -> list[str]:  # fmt: skip
    """The value axis on the left (line, tick marks, labels, gridlines across the plot; zero
    in ink) and the category axis along the bottom with a tick mark at each category."""
    parts = []
    for value, label in ticks:
        y = y_of(value)
        parts.append(_line(left, y, left + plot_w, y, INK if value == 0 else GRID))
        parts.append(_line(left - GAP, y, left, y, INK))
        parts.append(_text(left - 2 * GAP, y + SMALL * 0.35, label, size=SMALL, anchor="end", colour=MUTED))
    parts.append(_line(left, y_of(ticks[-1][0]), left, bottom, INK))
    parts.append(_line(left, bottom, left + plot_w, bottom, INK))
    parts += [_line(left + (ci + 0.5) * slot, bottom, left + (ci + 0.5) * slot, bottom + GAP, INK)
              for ci in range(len(spec.categories))]  # fmt: skip
    return parts


def _series(spec: ChartSpec, si: int, x_of: Callable[[int], float], y_of: Callable[[float], float]) -> list[str]:
    """One series: its line in runs between missing values, in its dash pattern, and a marker
    at every value."""
    points = [None if v is None else (x_of(ci), y_of(float(v))) for ci, v in enumerate(spec.series[si].values)]
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    parts = [f'<polyline fill="none" stroke="{PALETTE[si]}" stroke-width="2"{_dash(si)} stroke-linejoin="round" '
             f'points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in run)}"/>' for run in runs if len(run) > 1]  # fmt: skip
    return parts + [_marker(si, *point) for point in points if point is not None]


def _point_labels(spec: ChartSpec, x_of: Callable[[int], float], y_of: Callable[[float], float],
                  bounds: Box) -> list[str]:  # fmt: skip
    """Every point's value label, above or below it: in each category the highest point's
    above, the lowest's below, one between above a peak and below a trough (clear of its own
    line); the other side where the first would cover a marker or another label, and none
    where neither side is clear (the data table has every value)."""
    taken: list[Box] = [(x_of(ci) - 5, y_of(float(v)) - 5, x_of(ci) + 5, y_of(float(v)) + 5)
                        for s in spec.series for ci, v in enumerate(s.values) if v is not None]  # fmt: skip
    parts = []
    for ci in range(len(spec.categories)):
        points = sorted(((float(v), si) for si, s in enumerate(spec.series) if (v := s.values[ci]) is not None),
                        reverse=True)  # fmt: skip
        for rank, (value, si) in enumerate(points):
            text = spec.label(si, ci)
            x, y, half = x_of(ci), y_of(value), _width(text, SMALL) / 2
            sides = (y - 8, y + 8 + SMALL * 0.75)  # baselines above and below
            if _below_first(spec, si, ci, rank, len(points)):
                sides = sides[::-1]
            for base in sides:
                box = (x - half, base - SMALL * 0.75 - 1, x + half, base + 2)
                if text and _inside(box, bounds) and not any(_overlap(box, other) for other in taken):
                    taken.append(box)
                    parts.append(_text(x, base, text, size=SMALL, anchor="middle"))
                    break
    return parts


def _below_first(spec: ChartSpec, si: int, ci: int, rank: int, count: int) -> bool:
    if count > 1 and rank in (0, count - 1):
        return rank == count - 1
    values = spec.series[si].values
    near = [float(v) for v in (values[ci - 1] if ci else None, values[ci + 1] if ci + 1 < len(values) else None)
            if v is not None]  # fmt: skip
    value = values[ci]
    return bool(near) and value is not None and float(value) < sum(near) / len(near)


def _inside(box: Box, bounds: Box) -> bool:
    return bounds[0] <= box[0] and bounds[1] <= box[1] and box[2] <= bounds[2] and box[3] <= bounds[3]


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _svg(spec: ChartSpec, height: float, parts: list[str]) -> str:
    """The drawing: an image named by the chart's description; the page scales it to fit."""
    alt = escape(spec.alt_text())
    return (f'<svg role="img" aria-label="{alt}" class="chart" viewBox="0 0 {_n(WIDTH)} {_n(height)}" '
            f'width="{_n(WIDTH)}" height="{_n(height)}" font-size="{_n(TEXT)}" xmlns="http://www.w3.org/2000/svg">'
            f"<title>{escape(spec.title)}</title><desc>{alt}</desc>{''.join(parts)}</svg>")  # fmt: skip
