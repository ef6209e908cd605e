"""Charts as plain data: what to draw, not how.

A :class:`ChartSpec` is built once from the analysis results and drawn twice: with
``reportlab.graphics`` in the PDF (``opcc_desktop.documents.pdf.chart_drawing``) and with pyqtgraph on
screen (the ``ui`` package). Keeping it free of both libraries is what lets the screen and the
PDF never disagree, so this module imports neither.

Every chart carries its own accessible alternatives: :meth:`ChartSpec.as_table` (the data
table printed beside it) and :meth:`ChartSpec.alt_text` (one sentence naming the largest and
smallest values).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from opcc_desktop.figures.formatting import Unit, format_value

__all__ = ["PALETTE", "ChartKind", "ChartSpec", "Orientation", "Series"]

# Government Analysis Function categorical palette, used in this order: dark blue,
# turquoise, dark pink, orange, dark grey, light purple. Chosen to stay distinguishable for
# the common colour-vision deficiencies when used in order.
PALETTE: tuple[str, ...] = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")

ChartKind = Literal["bar", "grouped_bar", "line"]
Orientation = Literal["horizontal", "vertical"]
Value = int | float | Decimal | None

_KIND_WORDS = {"bar": "Bar chart", "grouped_bar": "Grouped bar chart", "line": "Line chart"}


class _CellLike(Protocol):
    """What :meth:`Series.from_cells` needs: ``opcc_desktop.figures.formatting.Cell`` fits."""

    @property
    def value(self) -> Decimal | None: ...

    @property
    def text(self) -> str: ...


LONG_LABEL = 14  # characters; charts with longer category names get horizontal bars


def orientation(categories: Sequence[str]) -> Literal["horizontal", "vertical"]:
    """Horizontal bars when a category's name is too long to sit under a bar."""
    return "horizontal" if any(len(c) > LONG_LABEL for c in categories) else "vertical"


def _clean(value: object) -> Value:
    """None for missing (NaN from pandas counts as missing); numbers pass through."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"a chart value must be a number or None, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    return value


@dataclass(frozen=True)
class Series:
    """One named run of values, one per category; None marks a missing value.

    ``labels`` optionally gives the printed text of each value (for example the ``text`` of
    a ``figures.Cell``: "12.3% (p)", "*" for suppressed); by default values are formatted by
    the chart's unit."""

    name: str
    values: tuple[Value, ...]
    labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(_clean(v) for v in self.values))
        if self.labels is not None:
            object.__setattr__(self, "labels", tuple(str(t) for t in self.labels))
            if len(self.labels) != len(self.values):
                raise ValueError(f"series {self.name!r}: {len(self.labels)} labels for {len(self.values)} values")

    @classmethod
    def from_cells(cls, name: str, cells: Iterable[_CellLike]) -> Series:
        """A series from printed cells: their numbers are drawn, their text is printed, and a
        suppressed or missing cell (value None) draws no bar."""
        cells = list(cells)
        return cls(name, tuple(c.value for c in cells), tuple(c.text for c in cells))


@dataclass(frozen=True)
class ChartSpec:
    """A chart to draw.

    ``kind``: "bar" (one series), "grouped_bar" (several series side by side) or "line".
    ``orientation`` applies to bars; horizontal bars suit long category names.
    ``unit`` and ``places`` format the value labels as the documents print figures
    (``figures.format_value``); ``value_label`` titles the value axis and ``category_label``
    the category axis and the first column of the data table.
    ``missing_label`` is printed where a value is None (and no series label says otherwise).
    """

    kind: ChartKind
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: Unit = "count"
    places: int | None = None
    value_label: str = ""
    category_label: str = ""
    orientation: Orientation = "horizontal"
    missing_label: str = "-"

    def __post_init__(self) -> None:
        object.__setattr__(self, "categories", tuple(str(c) for c in self.categories))
        object.__setattr__(self, "series", tuple(self.series))
        if self.kind not in _KIND_WORDS:
            raise ValueError(f"unknown chart kind {self.kind!r}; expected one of {', '.join(_KIND_WORDS)}")
        if self.orientation not in ("horizontal", "vertical"):
            raise ValueError(f"unknown orientation {self.orientation!r}")
        if not self.categories:
            raise ValueError("a chart needs at least one category")
        if not self.series:
            raise ValueError("a chart needs at least one series")
        if self.kind == "bar" and len(self.series) != 1:
            raise ValueError("a 'bar' chart has exactly one series; use 'grouped_bar' for more")
        if len(self.series) > len(PALETTE):
            raise ValueError(f"at most {len(PALETTE)} series (one per palette colour)")
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(
                    f"series {s.name!r} has {len(s.values)} values for {len(self.categories)} categories"
                )
        format_value(0, self.unit, self.places)  # reject an unknown unit now, not at drawing time

    @classmethod
    def bar(cls, title: str, categories: Sequence[str], values: Sequence[Value], *,
            series_name: str = "", **options: object) -> ChartSpec:
        """Shorthand for a single-series bar chart; the series is named ``series_name``, else
        the value axis label, else the title (it heads the data table's value column)."""
        name = series_name or str(options.get("value_label") or "") or title
        return cls("bar", title, tuple(categories), (Series(name, tuple(values)),),
                   **options)  # type: ignore[arg-type]

    # -- printed text ---------------------------------------------------------------------

    def format(self, value: Value) -> str:
        """A value as the document prints it ("12.3%", "1,234"); missing -> ``missing_label``."""
        if value is None:
            return self.missing_label
        return format_value(value, self.unit, self.places)

    def label(self, series_index: int, category_index: int) -> str:
        """The printed text of one value: the series' own label if given, else formatted."""
        s = self.series[series_index]
        if s.labels is not None:
            return s.labels[category_index]
        return self.format(s.values[category_index])

    def colours(self) -> tuple[str, ...]:
        """One colour per series, in palette order."""
        return PALETTE[: len(self.series)]

    # -- accessible alternatives ----------------------------------------------------------

    def as_table(self) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """The chart's data as (header row, rows): one row per category, one column per
        series, every value printed exactly as on the chart."""
        header = (self.category_label or "Category", *(s.name for s in self.series))
        rows = tuple(
            (category, *(self.label(si, ci) for si in range(len(self.series))))
            for ci, category in enumerate(self.categories)
        )
        return header, rows

    def alt_text(self) -> str:
        """One sentence describing the chart for readers who cannot see it, naming the
        largest and smallest values, e.g. "Bar chart of Age breakdown across 6 categories:
        the largest is 25-34 (23.4%) and the smallest is 75+ (2.1%)."."""
        multi = len(self.series) > 1
        points = [
            (float(v), self._point_name(si, ci, multi), self.label(si, ci))
            for si, s in enumerate(self.series)
            for ci, v in enumerate(s.values)
            if v is not None
        ]
        missing = len(self.series) * len(self.categories) - len(points)
        subject = f"{_KIND_WORDS[self.kind]} of {self.title}"
        if multi:
            subject += f" for {_join([s.name for s in self.series])}"
        n = len(self.categories)
        subject += f" across {n} categor{'y' if n == 1 else 'ies'}"
        if not points:
            return f"{subject}: no values are shown."
        if len(points) == 1:
            body = f"the only value shown is {points[0][1]} ({points[0][2]})"
        else:
            high = max(p[0] for p in points)
            low = min(p[0] for p in points)
            if high == low:
                body = f"every value shown is {points[0][2]}"
            else:
                body = f"the largest is {self._extreme(points, high)} and the smallest is {self._extreme(points, low)}"
        if missing:
            body += f"; {missing} value{'' if missing == 1 else 's'} {'is' if missing == 1 else 'are'} not shown"
        return f"{subject}: {body}."

    def _point_name(self, si: int, ci: int, multi: bool) -> str:
        return f"{self.series[si].name}, {self.categories[ci]}" if multi else self.categories[ci]

    @staticmethod
    def _extreme(points: list[tuple[float, str, str]], target: float) -> str:
        hits = [p for p in points if p[0] == target]
        if len(hits) > 3:
            return f"{len(hits)} values at {hits[0][2]}"
        return f"{_join([h[1] for h in hits])} ({hits[0][2]})"


def _join(names: Sequence[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
