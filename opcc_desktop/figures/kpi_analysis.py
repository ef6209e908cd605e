"""The KPI tables of the performance update, as plain data.

Pure functions over the plain rows :mod:`opcc_desktop.figures.publishable` returns (no workbook, no
PDF): per KPI an eight-quarter grid (the baseline year, the year before the report year, in
full; the report year up to the report quarter), every cell a :class:`figures.Cell`; derived
KPIs computed from their inputs; and the change against the same quarter last year. A survey
KPI (public confidence: measured once a year or less often) is not quarterly: its grid also
holds a :class:`SurveyFigure`, its most recent result by the report's quarter with the period
it covers, beside its comparators' with theirs.

Cell rules: a number prints by the KPI's unit at the KPI's places (its ``decimals`` if set,
else the most places its values were entered with: 153 prints "153", 62.75 "62.75"; a
derived KPI without ``decimals`` prints a ratio at one place and a sum as its parts), with
the provisional/revised markers of the office's symbols; status "not available" prints "-"
("[x]" with the Analysis Function's symbols); "under development" prints "Measurement under
development"; no row at all is missing ("-") in a quarter that is over by the report's
quarter (every baseline quarter, the report year's to date) and blank only in a later one,
which the update does not print.

Derived KPIs: a "sum" is the sum of its parts, and missing when any part is missing; a
"ratio" is the first input over the second (x100 for a percentage, x1,000 for a rate per
1,000), kept exact and printed rounded half-up. Change, always from the unrounded values and
rounded once: for a percentage KPI the difference in percentage points (a change of a
percentage is ambiguous otherwise); for counts, seconds and rates the percentage change on
the same quarter last year ("an increase of 11.4%"), unless either figure is below the
setting ``kpis.percent_change_from`` (10 unless set), when the plain difference is given
("an increase of 2"): a percentage of a small number exaggerates. Each change is judged an
improvement or a deterioration by the KPI's polarity (a neutral KPI's is not judged).

The readers at the end (:func:`workbook_grids` and the rest) serve the editing screen: the
same grids and trend chart, read from the workbook with never-publish KPIs included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TYPE_CHECKING, Any

from ..areas.settings import settings
from .charts import ChartSpec, Series
from .formatting import (
    STANDARD_SYMBOLS,
    Cell,
    CellState,
    ChangeKind,
    Symbols,
    change_since,
    decimal_places,
    describe_change,
    round_half_up,
    symbols_named,
    to_decimal,
)

if TYPE_CHECKING:
    from ..store.workbook import Workbook

__all__ = [
    "Compared",
    "KpiGrid",
    "KpiGroup",
    "SurveyFigure",
    "baseline_year",
    "build_grids",
    "build_groups",
    "change_between",
    "commentary_text",
    "derive",
    "entered",
    "entered_places",
    "judgement",
    "kpi_note",
    "kpi_print_settings",
    "with_print_settings",
    "kpi_years",
    "last_quarter_ended",
    "latest_kpi_year",
    "period_label",
    "quarter_end_month",
    "trend_chart",
    "value_cell",
    "workbook_grids",
]

DEFAULT_PERCENT_CHANGE_FROM = 10  # the setting kpis.percent_change_from, unless set
LOCAL_HEADING = "This area"  # a survey table's local column when the setting kpis.area_name is empty
_EXACT = Context(prec=50, rounding=ROUND_HALF_UP)  # a ratio's exact value, as formatting keeps it

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


def quarter_end_month(financial_year: str, quarter: int) -> str:
    """The month a quarter ends in, as a survey period is named: 2019/20 Q4 -> "March 2020"."""
    calendar = int(financial_year[:4]) + (1 if quarter == 4 else 0)
    return f"{_MONTHS[quarter][1]} {calendar}"


def last_quarter_ended(today: date) -> tuple[str, int]:
    """The latest quarter over by ``today`` (the day after its last): on 7 December 2026,
    2026/27 Q2; on 10 April 2026, 2025/26 Q4."""
    start = today.year if today.month >= 4 else today.year - 1
    ends = [date(start, 6, 30), date(start, 9, 30), date(start, 12, 31), date(start + 1, 3, 31)]
    done = sum(1 for end in ends if end < today)
    if done == 0:
        return f"{start - 1}/{start % 100:02d}", 4
    return f"{start}/{(start + 1) % 100:02d}", done


def _number(
    value: Any, unit: str, *, provisional: bool = False, revised: bool = False,
    places: int | None = None, symbols: Symbols = STANDARD_SYMBOLS,
) -> Cell:
    number = to_decimal(value)
    if unit == "count":
        if number != number.to_integral_value():
            places = 1  # a fractional count is a data problem upstream; print it, do not crash
        else:
            number, places = number.quantize(Decimal(1)), None
    make = Cell.revised if revised else Cell.provisional if provisional else Cell.number
    return make(number, unit, places, symbols)  # type: ignore[arg-type]


def value_cell(
    row: Mapping[str, Any] | None, unit: str, places: int | None = None, *,
    symbols: Symbols = STANDARD_SYMBOLS, due: bool = False,
) -> Cell:
    """One stored value row as the cell the table prints. No row is a quarter with no figure:
    "-" (missing) when it is ``due`` (the quarter is over by the report's), else blank (not
    yet due). ``places``: the KPI's (None: the unit's default)."""
    if row is None:
        make = Cell.missing if due else Cell.not_yet_due
        return make(unit, symbols)  # type: ignore[arg-type]
    status = (row.get("status") or "").strip()
    if row.get("value") is not None and not status:
        return _number(row["value"], unit, provisional=bool(row.get("provisional")),
                       revised=bool(row.get("revised")), places=places, symbols=symbols)  # fmt: skip
    if status == "under development":
        return Cell.under_development(unit, symbols)  # type: ignore[arg-type]
    if status == "not available":
        return Cell.not_available(unit, symbols)  # type: ignore[arg-type]
    return Cell.missing(unit, symbols) if due else Cell.not_yet_due(unit, symbols)  # type: ignore[arg-type]


def derive(
    kind: str | None, unit: str, inputs: Sequence[Cell], places: int | None = None,
    symbols: Symbols = STANDARD_SYMBOLS,
) -> Cell:
    """A derived KPI's cell from its input cells (see the module doc). A ratio keeps its
    exact value (printed rounded), so a change is worked out from it unrounded."""
    if not inputs or all(c.state is CellState.NOT_YET_DUE for c in inputs):
        return Cell.not_yet_due(unit, symbols)  # type: ignore[arg-type]
    if not all(c.has_number for c in inputs):
        gaps = [c.state for c in inputs if not c.has_number]
        if all(state is CellState.UNDER_DEVELOPMENT for state in gaps):
            return Cell.under_development(unit, symbols)  # type: ignore[arg-type]
        if all(state is CellState.MISSING for state in gaps):
            return Cell.missing(unit, symbols)  # type: ignore[arg-type]
        return Cell.not_available(unit, symbols)  # type: ignore[arg-type]
    values = [c.value for c in inputs]
    provisional = any(c.state is CellState.PROVISIONAL for c in inputs)
    revised = any(c.state is CellState.REVISED for c in inputs)
    if kind == "sum":
        total = sum(values, Decimal(0))  # type: ignore[arg-type]
        if places is None:
            known = [c.places for c in inputs if c.places is not None]
            places = max(known) if known else None
        return _number(total, unit, provisional=provisional, revised=revised, places=places, symbols=symbols)
    if kind == "ratio":
        if len(values) != 2:
            return Cell.not_available(unit, symbols)  # type: ignore[arg-type]
        numerator, denominator = values
        if denominator == 0:
            return Cell.not_applicable(unit, symbols)  # type: ignore[arg-type]
        scale = {"percent": 100, "rate_per_1000": 1000}.get(unit, 1)
        exact = _EXACT.divide(_EXACT.multiply(numerator, Decimal(scale)), denominator)  # type: ignore[arg-type]
        if unit == "count":
            exact = round_half_up(exact, 0)
        return _number(exact, unit, provisional=provisional, revised=revised, places=places, symbols=symbols)
    return Cell.not_available(unit, symbols)  # type: ignore[arg-type]


def _places(unit: str, places: int | None) -> int:
    """The places a KPI's figures print with: its own, else its unit's default."""
    if places is not None:
        return places
    return 0 if unit == "count" else 1


def change_between(
    now: Cell, before: Cell, unit: str, places: int | None, floor: int
) -> tuple[Decimal | None, ChangeKind]:
    """The change from ``before`` to ``now``, from their unrounded values, rounded once, and
    its kind: for a percentage KPI the difference in percentage points; otherwise the
    percentage change, unless either figure is below ``floor`` (or the earlier one is 0),
    when it is the plain difference ("an increase of 2"). None when either has no number."""
    if unit == "percent":
        kind: ChangeKind = "points"
    elif floor and (abs(now.value or 0) < floor or abs(before.value or 0) < floor) or before.value == 0:
        kind = "difference"
    else:
        kind = "percent"
    if not (now.has_number and before.has_number) or now.value is None or before.value is None:
        return None, kind
    if kind == "percent":
        return change_since(now.value, before.value), kind
    return round_half_up(_EXACT.subtract(now.value, before.value), _places(unit, places)), kind


def judgement(change: Decimal | None, polarity: str) -> str | None:
    """Whether a change is "an improvement" or "a deterioration", by the KPI's polarity
    (higher or lower is better); None for no change (the phrase says so), no change to
    judge, or a neutral KPI."""
    if change is None or change == 0 or polarity not in ("higher", "lower"):
        return None
    better = (change > 0) == (polarity == "higher")
    return "an improvement" if better else "a deterioration"


BETTER_WORDS = {"higher": "higher is better", "lower": "lower is better"}


@dataclass(frozen=True)
class Compared:
    """A comparator's figure beside a survey KPI's: "National", 75%, "March 2020"."""

    name: str
    cell: Cell
    period: str


@dataclass(frozen=True)
class SurveyFigure:
    """A survey KPI as the update prints it: its most recent figure by the report's quarter
    with the period it covers, its comparators' most recent figures with theirs, and the
    change on its previous survey result (if one is recorded)."""

    area: str  # the local column's heading: the force area's name
    local: Cell
    period: str  # "" when no figure is recorded yet
    comparators: tuple[Compared, ...] = ()
    previous: Cell | None = None
    previous_period: str = ""
    change: Decimal | None = None
    change_kind: ChangeKind = "points"
    places: int = 1

    @property
    def change_phrase(self) -> str | None:
        return describe_change(self.change, kind=self.change_kind, places=self.places)


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
    change_kind: ChangeKind = "percent"
    comparators: tuple[dict[str, Any], ...] = ()
    frequency: str = "quarterly"
    places: int = 0  # the places its figures (and a change in points or a difference) print with
    survey: SurveyFigure | None = None  # for a survey KPI

    @property
    def cells(self) -> tuple[Cell, ...]:
        return self.baseline + self.current

    @property
    def is_survey(self) -> bool:
        return self.frequency == "survey"

    @property
    def symbols(self) -> Symbols:
        """The symbols its cells print with (the office's setting)."""
        return self.cells[0].symbols if self.cells else STANDARD_SYMBOLS

    @property
    def change_phrase(self) -> str | None:
        """ "an increase of 11.4%" (percentage points for a percentage KPI, the plain
        difference where a figure is small); None when either quarter has no number."""
        return describe_change(self.change, kind=self.change_kind, places=self.places)

    @property
    def judgement(self) -> str | None:
        """ "an improvement" or "a deterioration" by the KPI's polarity; None when there is
        no change, or the KPI is neutral."""
        return judgement(self.change, self.polarity)


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

    def of(self, kpi_id: int) -> list[Mapping[str, Any]]:
        """A KPI's rows, oldest first."""
        return sorted((r for key, r in self.by_key.items() if key[0] == kpi_id),
                      key=lambda r: (r["financial_year"], int(r["quarter"])))  # fmt: skip


def entered(rows: Iterable[Mapping[str, Any]]) -> dict[int, int]:
    """Per KPI, the most places any of its values (rows with ``kpi_id`` and ``value``) was
    entered with: the places its figures print with when its definition sets none."""
    found: dict[int, int] = {}
    for row in rows:
        if row.get("value") is not None:
            found[row["kpi_id"]] = max(found.get(row["kpi_id"], 0), decimal_places(row["value"]))
    return found


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
    as_at: tuple[str, int] | None = None,
) -> list[KpiGrid]:
    """The grid of every KPI in ``kpis`` (rows of ``publishable.kpis``), in their order.

    ``values``: rows of ``publishable.kpi_values`` (for a survey KPI, its earlier results
    too); ``inputs``/``input_values``: the derived KPIs' inputs
    (``publishable.kpi_inputs``/``kpi_input_values``); ``input_units`` the units of inputs
    that are not themselves in ``kpis`` (count by default). A quarter up to ``as_at`` (the
    report's quarter unless given) with no figure is missing ("-"); a later one is not yet
    due (blank).

    How each KPI prints comes from its row: ``places`` (else ``decimals``, else the most
    places its values were entered with), ``symbols`` (the setting ``cells.symbols``),
    ``percent_change_from`` (the smallest figure a percentage change is given for, 10
    unless set) and ``area_name`` (a survey table's local heading)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1 to 4, got {quarter!r}")
    base = baseline_year(financial_year)
    as_at = as_at or (financial_year, quarter)
    values = list(values)
    comparators = [dict(c) for c in comparators]
    own = _Values()
    own.add(values)
    feed = _Values()
    feed.add(values)
    feed.add(input_values)
    inputs = inputs or {}
    units = {k["id"]: k["unit"] for k in kpis}
    units.update({k: u for k, u in (input_units or {}).items() if k not in units})
    typed = entered([*values, *input_values, *comparators])
    places: dict[int, int | None] = {k: (None if units.get(k) == "count" else p) for k, p in typed.items()}
    for kpi in kpis:
        if "places" in kpi or kpi.get("decimals") is not None:
            places[kpi["id"]] = kpi["places"] if "places" in kpi else kpi["decimals"]
    compare: dict[int, list[dict[str, Any]]] = {}
    for c in comparators:
        dated = (c.get("financial_year") or "", int(c.get("quarter") or 0))
        if dated[1] and dated > as_at:  # a figure for a later period than this edition's
            continue
        compare.setdefault(c["kpi_id"], []).append(c)

    def cell(kpi: Mapping[str, Any], year: str, q: int, symbols: Symbols) -> Cell:
        due = (year, q) <= as_at and kpi.get("frequency") != "survey"
        kind = kpi.get("derived_kind")
        if kind:
            parts = [value_cell(feed.get(i, year, q), units.get(i, "count"), places.get(i), due=due)
                     for i in inputs.get(kpi["id"], ())]  # fmt: skip
            return derive(kind, kpi["unit"], parts, places.get(kpi["id"]), symbols)
        return value_cell(own.get(kpi["id"], year, q), kpi["unit"], places.get(kpi["id"]), symbols=symbols, due=due)

    grids = []
    for kpi in kpis:
        symbols = symbols_named(kpi.get("symbols"))
        floor = int(kpi.get("percent_change_from", DEFAULT_PERCENT_CHANGE_FROM))
        printed = _places(kpi["unit"], places.get(kpi["id"]))
        baseline = tuple(cell(kpi, base, q, symbols) for q in (1, 2, 3, 4))
        current = tuple(cell(kpi, financial_year, q, symbols) for q in range(1, quarter + 1))
        survey, change, kind = None, None, "percent"
        if kpi.get("frequency") == "survey":
            survey = _survey(kpi, own.of(kpi["id"]), compare.get(kpi["id"], []), (financial_year, quarter),
                             places.get(kpi["id"]), symbols, floor)  # fmt: skip
        else:
            change, kind = change_between(current[quarter - 1], baseline[quarter - 1], kpi["unit"],
                                          places.get(kpi["id"]), floor)  # fmt: skip
        grids.append(KpiGrid(
            id=kpi["id"], name=kpi["name"], unit=kpi["unit"], polarity=kpi.get("polarity", "neutral"),
            group_id=kpi["group_id"], group_name=kpi["group_name"], outcome=kpi["outcome"],
            derived_kind=kpi.get("derived_kind"), baseline=baseline, current=current,
            change=change, change_kind=kind, comparators=tuple(compare.get(kpi["id"], ())),
            frequency=kpi.get("frequency") or "quarterly", places=printed, survey=survey,
        ))  # fmt: skip
    return grids


def _survey(
    kpi: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], comparators: Sequence[Mapping[str, Any]],
    report: tuple[str, int], places: int | None, symbols: Symbols, floor: int,
) -> SurveyFigure:
    """A survey KPI's most recent figure by the report's quarter (and the one before it),
    and each comparator's most recent: the one for the latest quarter up to the report's,
    else (none says its quarter) the last entered."""
    unit = kpi["unit"]

    def label(row: Mapping[str, Any]) -> str:
        return (row.get("period") or "").strip() or quarter_end_month(row["financial_year"], int(row["quarter"]))

    held = [r for r in rows if (r["financial_year"], int(r["quarter"])) <= report
            and (r.get("value") is not None or (r.get("status") or "").strip())]  # fmt: skip
    area = (kpi.get("area_name") or "").strip() or LOCAL_HEADING
    if not held:
        return SurveyFigure(area, Cell.missing(unit, symbols), "", places=_places(unit, places))  # type: ignore[arg-type]
    latest = held[-1]
    local = value_cell(latest, unit, places, symbols=symbols, due=True)
    earlier = [r for r in held[:-1] if r.get("value") is not None and not (r.get("status") or "").strip()]
    previous = value_cell(earlier[-1], unit, places, symbols=symbols, due=True) if earlier else None
    change, kind = change_between(local, previous, unit, places, floor) if previous else (None, "points")
    def recency(item: tuple[int, Mapping[str, Any]]) -> tuple[bool, str, int, int]:
        index, c = item
        dated = bool(c.get("financial_year")) and int(c.get("quarter") or 0) > 0
        return (dated, c.get("financial_year") or "", int(c.get("quarter") or 0), index)

    chosen: dict[str, Mapping[str, Any]] = {}
    for name in dict.fromkeys(c["comparator"] for c in comparators):
        usable = [(i, c) for i, c in enumerate(comparators) if c["comparator"] == name
                  and not (recency((i, c))[0] and recency((i, c))[1:3] > report)]  # fmt: skip
        if usable:
            chosen[name] = max(usable, key=recency)[1]
    compared = tuple(
        Compared(name, _number(c["value"], unit, places=places, symbols=symbols) if c.get("value") is not None
                 else Cell.missing(unit, symbols), (c.get("period") or "").strip())  # type: ignore[arg-type]
        for name, c in chosen.items())  # fmt: skip
    return SurveyFigure(area, local, label(latest), compared, previous, label(earlier[-1]) if earlier else "",
                        change, kind, _places(unit, places))  # fmt: skip


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


def kpi_note(kpis: Sequence[Mapping[str, Any]], base: str, financial_year: str) -> str:
    """The note before the update's KPI tables, saying what their symbols mean and how
    changes are worked out, with the office's settings (from ``kpis``, rows of
    ``publishable.kpis``). Every cell the tables print is a figure or one of the symbols it
    names: a quarter not yet due is not printed at all."""
    first = kpis[0] if kpis else {}
    symbols = symbols_named(first.get("symbols"))
    floor = int(first.get("percent_change_from", DEFAULT_PERCENT_CHANGE_FROM))
    quarterly = [k for k in kpis if k.get("frequency") != "survey"]
    text = (f"Each table below shows the {base} baseline year's four quarters beside the quarters of "
            f'{financial_year} to date. "{symbols.not_available}" means no figure is available for that quarter; ')
    if any(k.get("derived_kind") == "ratio" for k in quarterly):
        text += f'"{symbols.not_applicable}" means not applicable (a share of nothing); '
    text += (f"{symbols.provisional} marks a provisional figure and {symbols.revised} a revised one. Changes compare "
             "a quarter with the same quarter last year and are worked out from unrounded figures, so they may "
             "differ slightly from the difference of the figures shown. For a percentage the change is given in "
             "percentage points; for other figures as a percentage")
    if floor:
        text += (f", except where either figure is below {floor}, when the difference is given instead, since "
                 "a percentage change of a small number exaggerates it")
    text += (". Where higher or lower is better, each change says whether it is an improvement or a "
             "deterioration.")  # fmt: skip
    if len(quarterly) < len(kpis):
        text += (" Survey measures, reported once a year or less often, are shown in tables of their own: "
                 "the most recent result available, with the period it covers, beside the national figure.")
    return text


# -- readers for the editing screen ----------------------------------------------------------

QUARTER_NAMES = ("Q1", "Q2", "Q3", "Q4")
UNIT_LABELS = {"count": "Number", "percent": "Percentage", "seconds": "Seconds",
               "rate_per_1000": "Rate per 1,000"}  # fmt: skip


def kpi_print_settings(wb: Workbook) -> dict[str, Any]:
    """The office's settings for printing KPIs, as :func:`build_grids` reads them from each
    KPI's row."""
    values = settings(wb)
    return {"symbols": values["cells.symbols"], "percent_change_from": int(values["kpis.percent_change_from"]),
            "area_name": values["kpis.area_name"]}  # fmt: skip


def entered_places(wb: Workbook) -> dict[int, int]:
    """Per KPI, the places its figures print with: its ``decimals`` if set, else the most
    places any of its values or comparators was entered with (every year's); KPIs without
    either are left out (their unit's default)."""
    found = entered(wb.rows("SELECT kpi_id, value FROM kpi_values WHERE value IS NOT NULL"
                            " UNION ALL SELECT kpi_id, value FROM kpi_comparators"))  # fmt: skip
    for row in wb.rows("SELECT id, decimals FROM kpis WHERE decimals IS NOT NULL"):
        found[row["id"]] = row["decimals"]
    return found


def with_print_settings(wb: Workbook, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each KPI row (with ``id`` and ``decimals``) with how it prints: the office's settings
    (:func:`kpi_print_settings`) and its ``places`` (:func:`entered_places`; None: the unit's
    default)."""
    extra = kpi_print_settings(wb)
    places = entered_places(wb)
    return [{**row, **extra, "places": places.get(row["id"], row["decimals"])} for row in rows]


def workbook_grids(wb: Workbook, financial_year: str, today: date | None = None) -> list[KpiGrid]:
    """Every KPI's eight quarters (the baseline year's and all four of ``financial_year``),
    computed as the performance update computes them, derived KPIs included. Unlike the
    update it keeps never-publish KPIs: the officer keeps their figures too. A quarter not
    over by ``today`` (the computer's date unless given) with no figure is blank, an earlier
    one missing ("-"), as the update prints it."""
    years = [baseline_year(financial_year), financial_year]
    kpis = with_print_settings(wb, wb.rows(
        "SELECT k.id, k.name, k.unit, k.polarity, k.derived_kind, k.frequency, k.decimals, g.id AS group_id,"
        " g.name AS group_name, o.name AS outcome FROM kpis k"
        " JOIN kpi_groups g ON g.id = k.group_id JOIN strategic_outcomes o ON o.id = g.outcome_id"
        " ORDER BY o.position, o.id, g.position, g.id, k.position, k.id"
    ))  # fmt: skip
    values = wb.rows(
        "SELECT v.kpi_id, v.financial_year, v.quarter, v.value, v.status, v.provisional, v.revised, v.period"
        " FROM kpi_values v JOIN kpis k ON k.id = v.kpi_id WHERE v.financial_year IN (?, ?)"
        " OR (k.frequency = 'survey' AND v.financial_year < ?)", [*years, years[0]],
    )  # fmt: skip
    inputs: dict[int, list[int]] = {}
    for row in wb.rows("SELECT kpi_id, input_kpi_id FROM kpi_inputs ORDER BY kpi_id, position"):
        inputs.setdefault(row["kpi_id"], []).append(row["input_kpi_id"])
    comparators = wb.rows("SELECT kpi_id, comparator, period, value, financial_year, quarter FROM kpi_comparators"
                          " ORDER BY kpi_id, id")  # fmt: skip
    as_at = min((financial_year, 4), last_quarter_ended(today or date.today()))
    return build_grids(kpis, values, financial_year, 4, inputs=inputs, comparators=comparators, as_at=as_at)


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
