"""The KPI tables of the performance update, as plain data.

Pure functions over the plain rows :mod:`opcc_desktop.publishable` returns (no workbook, no
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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .figures import (
    Cell,
    CellState,
    change_since,
    describe_change,
    percent,
    round_half_up,
    to_decimal,
)

__all__ = [
    "KpiGrid",
    "KpiGroup",
    "baseline_year",
    "build_grids",
    "build_groups",
    "derive",
    "period_label",
    "value_cell",
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
