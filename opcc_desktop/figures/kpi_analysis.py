"""The KPI tables of the performance update, as plain data.

Pure functions over the plain rows :mod:`opcc_desktop.figures.publishable` returns (no workbook, no
PDF): per KPI an eight-quarter grid (the baseline year, the year before the report year, in
full; the report year up to the report quarter), every cell a :class:`figures.Cell`; derived
KPIs computed from their inputs; and the change against the same quarter last year.

Cell rules: a number prints by the KPI's unit (with "(p)"/"(r)" for provisional/revised);
status "not available" prints "-"; "under development" prints "Measurement under
development"; no row at all is a quarter not yet due (blank).

Derived KPIs: a "sum" is the sum of its parts, and missing when any part is missing; a
"ratio" is the first input over the second (x100 for a percentage, x1,000 for a rate per
1,000), rounded half-up to one place. Change: for counts, seconds and rates the percentage
change on the same quarter last year ("an increase of 11.4%"); for a percentage KPI the
difference in percentage points (a change of a percentage is ambiguous otherwise).

The readers at the end (:func:`workbook_grids` and the rest) serve the editing screen: the
same grids and trend chart, read from the workbook with never-publish KPIs included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .charts import ChartSpec, Series
from .formatting import Cell, CellState, change_since, describe_change, percent, round_half_up, to_decimal

if TYPE_CHECKING:
    from ..store.workbook import Workbook

__all__ = [
    "KpiGrid",
    "KpiGroup",
    "baseline_year",
    "build_grids",
    "build_groups",
    "commentary_text",
    "derive",
    "kpi_years",
    "latest_kpi_year",
    "period_label",
    "trend_chart",
    "value_cell",
    "workbook_grids",
]

_MONTHS = {
    1: ("April", "June"),
    2: ("July", "September"),
    3: ("October", "December"),
    4: ("January", "March"),
}


def baseline_year(financial_year: str) -> str:
    """The year before: "2021/22" -> "2020/21"."""
    start = int(financial_year[:4]) - 1
    return f"{start}/{(start + 1) % 100:02d}"


def period_label(financial_year: str, quarter: int) -> str:
    """ "Quarter 3 2021/22 (October to December 2021)"; Q4 falls in the second calendar year."""
    first, last = _MONTHS[quarter]
    calendar = int(financial_year[:4]) + (1 if quarter == 4 else 0)
    return f"Quarter {quarter} {financial_year} ({first} to {last} {calendar})"


def year_to_date(financial_year: str, quarter: int) -> tuple[str, str]:
    """The first and last days of the year to the end of ``quarter``: ("1 April 2021",
    "31 December 2021")."""
    start = int(financial_year[:4])
    ends = {1: f"30 June {start}", 2: f"30 September {start}", 3: f"31 December {start}", 4: f"31 March {start + 1}"}
    return f"1 April {start}", ends[quarter]


def to_date_words(financial_year: str, quarter: int) -> str:
    """The year to the end of ``quarter`` in a caption: "1 April to 31 December 2021"; the
    whole year (quarter 4) is "1 April 2021 to 31 March 2022"."""
    first, last = year_to_date(financial_year, quarter)
    return f"{first.rsplit(' ', 1)[0]} to {last}" if quarter < 4 else f"{first} to {last}"


def _number(
    value: Any, unit: str, *, provisional: bool = False, revised: bool = False
) -> Cell:
    number = to_decimal(value)
    places = None
    if unit == "count" and number != number.to_integral_value():
        places = (
            1  # a fractional count is a data problem upstream; print it, do not crash
        )
    elif unit == "count":
        number = number.quantize(Decimal(1))
    make = Cell.revised if revised else Cell.provisional if provisional else Cell.number
    return make(number, unit, places)  # type: ignore[arg-type]


def value_cell(row: Mapping[str, Any] | None, unit: str) -> Cell:
    """One stored value row (or None: not yet due) as the cell the table prints."""
    if row is None:
        return Cell.not_yet_due(unit)  # type: ignore[arg-type]
    status = (row.get("status") or "").strip()
    if row.get("value") is not None and not status:
        return _number(row["value"], unit, provisional=bool(row.get("provisional")),
                       revised=bool(row.get("revised")))  # fmt: skip
    if status == "under development":
        return Cell.under_development(unit)  # type: ignore[arg-type]
    if status == "not available":
        return Cell.not_available(unit)  # type: ignore[arg-type]
    return Cell.not_yet_due(unit)  # type: ignore[arg-type]


def derive(kind: str | None, unit: str, inputs: Sequence[Cell]) -> Cell:
    """A derived KPI's cell from its input cells (see the module doc)."""
    if not inputs or all(c.state is CellState.NOT_YET_DUE for c in inputs):
        return Cell.not_yet_due(unit)  # type: ignore[arg-type]
    if not all(c.has_number for c in inputs):
        if all(
            c.state is CellState.UNDER_DEVELOPMENT for c in inputs if not c.has_number
        ):
            return Cell.under_development(unit)  # type: ignore[arg-type]
        return Cell.not_available(unit)  # type: ignore[arg-type]
    values = [c.value for c in inputs]
    provisional = any(c.state is CellState.PROVISIONAL for c in inputs)
    revised = any(c.state is CellState.REVISED for c in inputs)
    if kind == "sum":
        total = sum(values, Decimal(0))  # type: ignore[arg-type]
        return _number(total, unit, provisional=provisional, revised=revised)
    if kind == "ratio":
        if len(values) != 2:
            return Cell.not_available(unit)  # type: ignore[arg-type]
        numerator, denominator = values
        if denominator == 0:
            return Cell.not_applicable(unit)  # type: ignore[arg-type]
        scale = {"percent": 100, "rate_per_1000": 1000}.get(unit, 1)
        result = (
            percent(numerator * scale / 100, denominator)
            if scale != 100
            else percent(numerator, denominator)
        )
        assert result is not None
        if unit == "count":
            result = round_half_up(result, 0)
        return _number(result, unit, provisional=provisional, revised=revised)
    return Cell.not_available(unit)  # type: ignore[arg-type]


@dataclass(frozen=True)
class KpiGrid:
    """One KPI's row of the table: four baseline quarters and the report year's quarters."""

    id: int
    name: str
    unit: str
    polarity: str
    group_id: int
    group_name: str
    outcome: str
    derived_kind: str | None
    baseline: tuple[Cell, ...]
    current: tuple[Cell, ...]
    change: Decimal | None = None
    change_points: bool = False
    comparators: tuple[dict[str, Any], ...] = ()

    @property
    def cells(self) -> tuple[Cell, ...]:
        return self.baseline + self.current

    @property
    def change_phrase(self) -> str | None:
        """ "an increase of 11.4%" (or percentage points for a percentage KPI); None when
        either quarter has no number."""
        return describe_change(self.change, points=self.change_points)


@dataclass(frozen=True)
class KpiGroup:
    id: int
    name: str
    outcome: str
    kpis: tuple[KpiGrid, ...]
    commentary: str | None = None


@dataclass
class _Values:
    by_key: dict[tuple[int, str, int], Mapping[str, Any]] = field(default_factory=dict)

    def add(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for r in rows:
            self.by_key[(r["kpi_id"], r["financial_year"], int(r["quarter"]))] = r

    def get(self, kpi_id: int, year: str, quarter: int) -> Mapping[str, Any] | None:
        return self.by_key.get((kpi_id, year, quarter))


def build_grids(
    kpis: Sequence[Mapping[str, Any]],
    values: Iterable[Mapping[str, Any]],
    financial_year: str,
    quarter: int,
    *,
    inputs: Mapping[int, Sequence[int]] | None = None,
    input_values: Iterable[Mapping[str, Any]] = (),
    input_units: Mapping[int, str] | None = None,
    comparators: Iterable[Mapping[str, Any]] = (),
) -> list[KpiGrid]:
    """The grid of every KPI in ``kpis`` (rows of ``publishable.kpis``), in their order.

    ``values``: rows of ``publishable.kpi_values``; ``inputs``/``input_values``: the derived
    KPIs' inputs (``publishable.kpi_inputs``/``kpi_input_values``); ``input_units`` the units
    of inputs that are not themselves in ``kpis`` (count by default)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1 to 4, got {quarter!r}")
    base = baseline_year(financial_year)
    own = _Values()
    own.add(values)
    feed = _Values()
    feed.add(values)
    feed.add(input_values)
    inputs = inputs or {}
    units = {k["id"]: k["unit"] for k in kpis}
    units.update({k: u for k, u in (input_units or {}).items() if k not in units})
    compare: dict[int, list[dict[str, Any]]] = {}
    for c in comparators:
        compare.setdefault(c["kpi_id"], []).append(dict(c))

    def cell(kpi: Mapping[str, Any], year: str, q: int) -> Cell:
        kind = kpi.get("derived_kind")
        if kind:
            parts = [
                value_cell(feed.get(i, year, q), units.get(i, "count"))
                for i in inputs.get(kpi["id"], ())
            ]
            return derive(kind, kpi["unit"], parts)
        return value_cell(own.get(kpi["id"], year, q), kpi["unit"])

    grids = []
    for kpi in kpis:
        baseline = tuple(cell(kpi, base, q) for q in (1, 2, 3, 4))
        current = tuple(cell(kpi, financial_year, q) for q in range(1, quarter + 1))
        now, before = current[quarter - 1], baseline[quarter - 1]
        points = kpi["unit"] == "percent"
        change = None
        if now.has_number and before.has_number:
            if points:
                change = round_half_up(now.value - before.value, 1)  # type: ignore[operator]
            else:
                change = change_since(now.value, before.value)
        grids.append(KpiGrid(
            id=kpi["id"], name=kpi["name"], unit=kpi["unit"], polarity=kpi.get("polarity", "neutral"),
            group_id=kpi["group_id"], group_name=kpi["group_name"], outcome=kpi["outcome"],
            derived_kind=kpi.get("derived_kind"), baseline=baseline, current=current,
            change=change, change_points=points, comparators=tuple(compare.get(kpi["id"], ())),
        ))  # fmt: skip
    return grids


def build_groups(
    grids: Sequence[KpiGrid], commentary: Iterable[Mapping[str, Any]], quarter: int
) -> list[tuple[str, list[KpiGroup]]]:
    """Grids by strategic outcome and group (order kept), each group with its commentary for
    the quarter (rows of ``publishable.kpi_commentary`` for the report year)."""
    notes = {
        r["group_id"]: (r.get("text") or "").strip()
        for r in commentary
        if int(r["quarter"]) == quarter
    }
    outcomes: dict[str, dict[int, list[KpiGrid]]] = {}
    names: dict[int, str] = {}
    for g in grids:
        outcomes.setdefault(g.outcome, {}).setdefault(g.group_id, []).append(g)
        names[g.group_id] = g.group_name
    return [
        (outcome, [KpiGroup(gid, names[gid], outcome, tuple(items), notes.get(gid) or None)
                   for gid, items in groups.items()])
        for outcome, groups in outcomes.items()
    ]  # fmt: skip


# -- readers for the editing screen ----------------------------------------------------------

QUARTER_NAMES = ("Q1", "Q2", "Q3", "Q4")
UNIT_LABELS = {"count": "Number", "percent": "Percentage", "seconds": "Seconds",
               "rate_per_1000": "Rate per 1,000"}  # fmt: skip


def workbook_grids(wb: Workbook, financial_year: str) -> list[KpiGrid]:
    """Every KPI's eight quarters (the baseline year's and all four of ``financial_year``),
    computed as the performance update computes them, derived KPIs included. Unlike the
    update it keeps never-publish KPIs: the officer keeps their figures too."""
    years = [baseline_year(financial_year), financial_year]
    kpis = wb.rows(
        "SELECT k.id, k.name, k.unit, k.polarity, k.derived_kind, g.id AS group_id,"
        " g.name AS group_name, o.name AS outcome FROM kpis k"
        " JOIN kpi_groups g ON g.id = k.group_id JOIN strategic_outcomes o ON o.id = g.outcome_id"
        " ORDER BY o.position, o.id, g.position, g.id, k.position, k.id"
    )
    values = wb.rows(
        "SELECT kpi_id, financial_year, quarter, value, status, provisional, revised FROM kpi_values"
        " WHERE financial_year IN (?, ?)", years,
    )  # fmt: skip
    inputs: dict[int, list[int]] = {}
    for row in wb.rows("SELECT kpi_id, input_kpi_id FROM kpi_inputs ORDER BY kpi_id, position"):
        inputs.setdefault(row["kpi_id"], []).append(row["input_kpi_id"])
    comparators = wb.rows("SELECT kpi_id, comparator, period, value FROM kpi_comparators"
                          " ORDER BY kpi_id, comparator, period")  # fmt: skip
    return build_grids(kpis, values, financial_year, 4, inputs=inputs, comparators=comparators)


def trend_chart(grid: KpiGrid, financial_year: str) -> ChartSpec:
    """One KPI's quarters, the baseline year's line beside the report year's: the chart the
    performance update draws for a group's lead KPI."""
    padded = [*grid.current, *[Cell.not_yet_due(grid.unit)] * (4 - len(grid.current))]  # type: ignore[arg-type]
    return ChartSpec(
        "line", grid.name, QUARTER_NAMES,
        (Series.from_cells(baseline_year(financial_year), grid.baseline),
         Series.from_cells(financial_year, padded)),
        unit=grid.unit, value_label=UNIT_LABELS.get(grid.unit, ""), category_label="Quarter",  # type: ignore[arg-type]
    )  # fmt: skip


def commentary_text(wb: Workbook, group_id: int, financial_year: str, quarter: int) -> str:
    """A group's commentary for one quarter ("" when none is written)."""
    found = wb.scalar("SELECT text FROM kpi_commentary WHERE group_id = ? AND financial_year = ?"
                      " AND quarter = ?", [group_id, financial_year, quarter])  # fmt: skip
    return found or ""


def latest_kpi_year(wb: Workbook) -> str | None:
    """The latest financial year with a KPI figure or commentary, if any."""
    found = wb.scalar("SELECT max(financial_year) FROM (SELECT financial_year FROM kpi_values"
                      " UNION SELECT financial_year FROM kpi_commentary)")  # fmt: skip
    return found or None


def kpi_years(wb: Workbook, today: date) -> list[str]:
    """The years the screen offers, latest first: those with KPI figures or commentary, the
    year after the latest of them (to start it), and the financial year ``today`` is in."""
    years = {r["financial_year"] for r in wb.rows(
        "SELECT financial_year FROM kpi_values UNION SELECT financial_year FROM kpi_commentary")}  # fmt: skip
    latest = latest_kpi_year(wb)
    if latest is not None:
        years.add(_following(latest))
    start = today.year if today.month >= 4 else today.year - 1
    years.add(f"{start}/{(start + 1) % 100:02d}")
    return sorted(years, reverse=True)


def _following(financial_year: str) -> str:
    start = int(financial_year[:4]) + 1
    return f"{start}/{(start + 1) % 100:02d}"
