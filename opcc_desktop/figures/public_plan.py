"""The disclosure plan of a year's public documents: every count the Annual Equality
Monitoring Report and the Performance and Delivery Update print for the year, registered
with the relations a reader knows, planned together (see :mod:`.plan`).

One plan for both documents because they print the same people: a scheme's women appear in
the annual report's demographic table and in the update's offence and outcome tables, and a
count hidden in one must not be printed, or left derivable, in the other.

Keys, which earlier editions are stored by (so they must stay stable; those made from a
category's name are built in areas/figure_keys.py, so renaming the category re-keys them):

* ``Services/<service>/<characteristic>/<category>`` and ``.../Total`` (a year's returns);
  ``Services (all)/<characteristic>/<category>``: all services together;
* ``Service activity/<measure>/Q<n>``: all services together, per quarter;
* ``<scheme>/participants/<gender>``; ``<scheme>/<characteristic>/<gender>/<category>`` and
  ``.../Total`` (the records holding that field);
* ``<scheme>/offence type/<offence>/<gender>`` (a table with row, column and grand totals);
  likewise ``<scheme>/outcome/...``; ``<scheme>/referrals received``, ``.../accepted``.
"""

from __future__ import annotations

import weakref
from decimal import Decimal
from dataclasses import replace
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..areas.figure_keys import TABLE_DIMENSIONS, all_services_key, key_part, scheme_key, service_key, table_key
from ..areas.vocab import ALL_GENDERS, DIMENSION_LABELS, NOT_DISCLOSED, QUARTERLY_REPORTS
from ..store.workbook import Workbook
from . import publishable
from .formatting import Cell, round_half_up
from .kpi_analysis import KpiGrid, baseline_year, build_grids
from .plan import TOTAL, Decided, Plan
from .plan_audit import decide_audited

ACTIVITY = "Service activity"
SCHEME_GENDERS = ("Male", "Female")
ENGAGED, NOT_ENGAGED = "Needs met", "Non-engagement"
CLOSED = "closed with needs met or non-engagement"


_DECIDED: weakref.WeakKeyDictionary[Workbook, dict[tuple[str, int], tuple[tuple[int, int, int], Decided]]] = (
    weakref.WeakKeyDictionary()
)


def plan_period(report: str, quarter: int | None) -> int:
    """The period of the disclosure plan a document prints from: the quarterly update's
    quarter (its schemes' year to date), else 4, the whole year."""
    return quarter if report in QUARTERLY_REPORTS and quarter in (1, 2, 3) else 4


def decide(wb: Workbook, financial_year: str, period: int = 4) -> Decided:
    """The decided plan for ``financial_year``'s documents whose scheme figures are for the
    year to the end of quarter ``period`` (4: the whole year, as the annual report and the
    Quarter 4 update print them), fixed by what the year's published editions printed.

    The quarterly updates before Q4 print the schemes' year to date: the same figures, fewer
    people. Each is planned with the editions published before it, whatever their period:
    an earlier quarter's figure is an earlier edition of the later one, and the people added
    between are protected like any small count (:meth:`.plan.Plan.edition`).

    Planned once per state of the workbook: pre-flight, the document and the window's
    "published" columns share it (each caller gets its own record of what it printed)."""
    stamp = publishable.data_stamp(wb)
    held = _DECIDED.setdefault(wb, {}).get((financial_year, period))
    if held is None or held[0] != stamp:
        held = stamp, _decide(wb, financial_year, period)
        _DECIDED[wb][(financial_year, period)] = held
    return held[1].fresh()


def _decide(wb: Workbook, financial_year: str, period: int) -> Decided:
    plan = Plan(publishable.policy(wb))
    add_services(plan, publishable.service_counts(wb, financial_year),
                 publishable.service_activity(wb, financial_year))  # fmt: skip
    for scheme in publishable.schemes(wb):
        name = scheme["name"]
        add_scheme(plan, name, publishable.scheme_counts(wb, name, financial_year, period),
                   publishable.scheme_measures(wb, name, financial_year, period))  # fmt: skip
    add_kpis(plan, wb, financial_year)
    for edition in publishable.printed_before(wb, financial_year):
        plan.edition(edition)
    for edition in publishable.printed_before(wb, baseline_year(financial_year)):
        plan.edition({k: p for k, p in edition.items() if k.startswith("KPI/")})  # last year's updates
    return decide_audited(plan)


def readable(parts: Sequence[str]) -> str:
    """A figure's key (its :func:`..areas.figure_keys.key_parts`) as an officer reads it:
    "Services › Harbour › sexual orientation"."""
    return " › ".join(DIMENSION_LABELS.get(part, part) for part in parts)


# -- services ----------------------------------------------------------------------------------


def activity_key(measure: str, quarter: int) -> str:
    return f"{ACTIVITY}/{measure}/Q{quarter}"


def category_order(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Categories per characteristic in the order first met, "Not disclosed" last."""
    order: dict[str, list[str]] = {}
    for row in rows:
        seen = order.setdefault(row["dimension"], [])
        if row["category"] not in seen:
            seen.append(row["category"])
    for seen in order.values():
        if NOT_DISCLOSED in seen:
            seen.append(seen.pop(seen.index(NOT_DISCLOSED)))
    return order


def add_services(plan: Plan, counts: list[dict[str, Any]], activity: list[dict[str, Any]]) -> None:
    """Each service's year per characteristic, all services together (the sum of the
    services, category by category) and the quarterly activity of all services."""
    summed: dict[tuple[str, str, str], int] = {}
    for row in counts:
        key = (row["service"], row["dimension"], row["category"])
        summed[key] = summed.get(key, 0) + int(row["count"] or 0)
    order = category_order(counts)
    services = list(dict.fromkeys(row["service"] for row in counts))
    for dimension, categories in order.items():
        held = [s for s in services if any((s, dimension, c) in summed for c in categories)]
        for service in held:
            plan.distribution(f"Services/{key_part(service)}/{dimension}",
                              {c: summed[(service, dimension, c)] for c in categories
                               if (service, dimension, c) in summed})  # fmt: skip
        parts = []
        for category in categories:
            members = [service_key(s, dimension, category) for s in held if (s, dimension, category) in summed]
            parts.append(plan.total(all_services_key(dimension, category), members))
        plan.total(all_services_key(dimension), parts)
    for service in services:  # one service's users, counted by each characteristic
        plan.same_if_equal([service_key(service, d) for d in order])
    plan.same_if_equal([all_services_key(d) for d in order])
    _add_activity(plan, activity, [all_services_key(d) for d in order])


def _add_activity(plan: Plan, activity: list[dict[str, Any]], dimension_totals: list[str]) -> None:
    totals: dict[tuple[str, int], int] = {}
    for row in activity:
        if row["value"] is not None:
            key = (row["measure"], row["quarter"])
            totals[key] = totals.get(key, 0) + int(row["value"])
    for measure in dict.fromkeys(m for m, _ in totals):
        quarters = [plan.count(activity_key(measure, q), totals.get((measure, q), 0)) for q in (1, 2, 3, 4)]
        year = plan.total(f"{ACTIVITY}/{measure}/year", quarters)
        plan.same_if_equal([year, *dimension_totals])


# -- schemes -----------------------------------------------------------------------------------


def participants_key(scheme: str, gender: str = TOTAL) -> str:
    return f"{key_part(scheme)}/participants/{key_part(gender)}"


def measure_key(scheme: str, measure: str) -> str:
    return f"{key_part(scheme)}/{measure.replace('_', ' ')}"


def engagement_base_key(scheme: str) -> str:
    return f"{key_part(scheme)}/outcome/{CLOSED}"


def scheme_columns(counts: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The gender columns of a scheme's characteristic tables: Male and Female, or ``All``
    alone for a scheme whose published tables have no gender split."""
    rows = [r for r in counts if r["dimension"] not in ("gender", *TABLE_DIMENSIONS)]
    if rows and all(r["gender"] == ALL_GENDERS for r in rows):
        return (ALL_GENDERS,)
    return SCHEME_GENDERS


def add_scheme(plan: Plan, scheme: str, counts: list[dict[str, Any]], measures: Mapping[str, float]) -> None:
    """A scheme's participants by gender, each characteristic within each gender, the
    offence and outcome tables, and the referral headlines, linked as a reader would link
    them: every count of one gender describes the same people. A scheme without a gender
    split has one column, ``All``, whose people are those accepted when that is recorded."""
    columns = scheme_columns(counts)
    split = columns == SCHEME_GENDERS
    participants = {g: 0 for g in SCHEME_GENDERS}
    cells: dict[tuple[str, str, str], int] = {}
    for row in counts:
        if row["dimension"] == "gender":
            if row["gender"] == ALL_GENDERS and row["category"] in participants:
                participants[row["category"]] += int(row["count"] or 0)
            continue
        key = (row["dimension"], row["category"], row["gender"])
        cells[key] = cells.get(key, 0) + int(row["count"] or 0)
    if counts and split:
        plan.distribution(f"{key_part(scheme)}/participants", participants)
    order = category_order({"dimension": d, "category": c} for d, c, _ in cells)
    populations: dict[str, list[str]] = {g: [participants_key(scheme, g)] if counts and split else []
                                         for g in columns}  # fmt: skip
    for dimension, categories in order.items():
        if dimension in TABLE_DIMENSIONS:
            genders = list(dict.fromkeys(g for d, _, g in cells if d == dimension))
            table = {(c, g): cells.get((dimension, c, g), 0) for c in categories for g in genders}
            plan.table(f"{key_part(scheme)}/{TABLE_DIMENSIONS[dimension]}", table, categories, genders)
            for g in genders:
                populations.setdefault(g, []).append(table_key(scheme, dimension, TOTAL, g))
            continue
        for g in columns:
            plan.distribution(f"{key_part(scheme)}/{dimension}/{key_part(g)}",
                              {c: cells.get((dimension, c, g), 0) for c in categories})  # fmt: skip
            populations[g].append(scheme_key(scheme, dimension, g))
    accepted = _add_headlines(plan, scheme, measures, order.get("outcome", []))
    if not split and accepted is not None:
        populations[ALL_GENDERS].insert(0, accepted)
    for g, keys in populations.items():
        _link_population(plan, keys, bounded=split or accepted is not None)


def _link_population(plan: Plan, keys: list[str], bounded: bool = True) -> None:
    """Counts of one gender's participants (the first key, when ``bounded``): equal ones are
    one number to a reader, and no characteristic's records can outnumber the participants.
    Without a count of participants, equal counts of records are still one number."""
    if not keys:
        return
    if not bounded:
        plan.same_if_equal(keys)
        return
    whole = keys[0]
    for n, key in enumerate(keys[1:]):
        if plan.figures[key].value == plan.figures[whole].value:
            plan.same_if_equal([whole, key])
        elif plan.figures[key].value < plan.figures[whole].value:
            plan.at_least(whole, key, f"{key}/records lacking it ({n})")


def _add_headlines(plan: Plan, scheme: str, measures: Mapping[str, float], outcomes: list[str]) -> str | None:
    """The referral headlines; the key of the referrals accepted, when recorded."""
    key = None
    received = measures.get("referrals_received")
    accepted = measures.get("referrals_accepted")
    if received is not None:
        plan.count(measure_key(scheme, "referrals_received"), round(received))
    if accepted is not None:
        key = plan.count(measure_key(scheme, "referrals_accepted"), round(accepted))
        plan.same_if_equal([key, participants_key(scheme), table_key(scheme, "offence_type"),
                            table_key(scheme, "outcome")])  # fmt: skip
        if received is not None and round(received) >= round(accepted):
            plan.at_least(measure_key(scheme, "referrals_received"), key, f"{key_part(scheme)}/referrals not accepted")
    closed = [table_key(scheme, "outcome", c) for c in (ENGAGED, NOT_ENGAGED) if c in outcomes]
    if len(closed) == 2:
        plan.total(engagement_base_key(scheme), closed)
    return key


# -- KPIs that count people --------------------------------------------------------------------


def kpi_key(kpi: str, financial_year: str, quarter: int) -> str:
    return f"KPI/{key_part(kpi)}/{key_part(financial_year)}/Q{quarter}"


def add_kpis(plan: Plan, wb: Workbook, financial_year: str) -> None:
    """The quarterly values of KPIs that count people, for the year and the one before (the
    update prints both): those marked so, and any sum with such a KPI among its inputs
    (marked or not, it counts people too), linked to its inputs. Every value is stable: an
    update reprints a past quarter unchanged unless it marks it revised."""
    kpis = publishable.kpis(wb, financial_year)
    inputs = publishable.kpi_inputs(wb)
    people = _people_kpis(kpis, inputs)
    if not people:
        return
    years = (baseline_year(financial_year), financial_year)
    grids = build_grids(kpis, publishable.kpi_values(wb, years), financial_year, 4,
                        inputs=inputs, input_values=publishable.kpi_input_values(wb, years))  # fmt: skip
    summed = {i for g in grids if g.id in people and g.derived_kind == "sum" for i in inputs.get(g.id, [])}
    names = {g.id: g.name for g in grids}
    for grid in grids:
        if grid.id in people or grid.id in summed:
            for year, cells in zip(years, (grid.baseline, grid.current)):
                for quarter, cell in enumerate(cells, 1):
                    if cell.has_number and cell.value is not None:
                        plan.count(kpi_key(grid.name, year, quarter), int(round_half_up(cell.value, 0)),
                                   people=grid.id in people, stable=True)  # fmt: skip
    for grid in grids:
        if grid.id not in people or grid.derived_kind != "sum":
            continue
        for year in years:
            for quarter in (1, 2, 3, 4):
                keys = [kpi_key(names[i], year, quarter) for i in (grid.id, *inputs[grid.id]) if i in names]
                if len(keys) == 1 + len(inputs[grid.id]) and all(k in plan.figures for k in keys):
                    plan.relate(keys[0], keys[1:])


def kpis_planned(wb: Workbook, financial_year: str) -> frozenset[int]:
    """The KPIs whose values :func:`add_kpis` reads: those counting people and every KPI they
    are worked out from, at any depth. A value of any other KPI cannot change the plan."""
    inputs = publishable.kpi_inputs(wb)
    found: set[int] = set()
    waiting = list(_people_kpis(publishable.kpis(wb, financial_year), inputs))
    while waiting:
        kpi = waiting.pop()
        if kpi not in found:
            found.add(kpi)
            waiting += inputs.get(kpi, [])
    return frozenset(found)


def _people_kpis(kpis: list[dict[str, Any]], inputs: Mapping[int, list[int]]) -> set[int]:
    """KPIs marked as counting people, and sums (at any depth) with one among their inputs."""
    people = {k["id"] for k in kpis if k["counts_people"]}
    sums = [k["id"] for k in kpis if k["derived_kind"] == "sum"]
    while True:
        more = {k for k in sums if k not in people and people & set(inputs.get(k, []))}
        if not more:
            return people
        people |= more


def kpi_as_printed(plan: Decided, grid: KpiGrid, base: str, year: str, inputs: Sequence[str] = ()) -> KpiGrid:
    """A KPI's row as the update prints it: a value counting people comes from the plan
    (the symbol when hidden); a ratio is hidden where one of its ``inputs`` (their names) is
    (a share of a hidden count gives it back); no change is given on a hidden value."""

    def printed(financial_year: str, quarter: int, cell: Cell) -> Cell:
        key = kpi_key(grid.name, financial_year, quarter)
        if not cell.has_number:
            return cell
        if key not in plan.values:
            keys = [kpi_key(name, financial_year, quarter) for name in inputs]
            of_people = [k for k in keys if k in plan.values]
            # a ratio of counts of people gives a hidden count back, and, when counts are
            # printed rounded, the exact ones
            hidden = grid.derived_kind == "ratio" and bool(of_people) and (
                plan.policy.round_to or any(not plan.shown(k) for k in of_people))
            return Cell.suppressed(plan.policy.symbol, grid.unit) if hidden else cell  # type: ignore[arg-type]
        shown = plan.value(key)
        if shown is None:
            return Cell.suppressed(plan.policy.symbol, grid.unit)  # type: ignore[arg-type]
        return replace(cell, value=Decimal(shown))  # rounded when the policy rounds; markers kept

    baseline = tuple(printed(base, q, c) for q, c in enumerate(grid.baseline, 1))
    current = tuple(printed(year, q, c) for q, c in enumerate(grid.current, 1))
    quarter = len(current)
    both = current[quarter - 1].has_number and baseline[quarter - 1].has_number if quarter else False
    of_people = kpi_key(grid.name, year, quarter) in plan.values
    exact = not (plan.policy.round_to and of_people)  # a change of exact counts undoes rounding
    return replace(grid, baseline=baseline, current=current, change=grid.change if both and exact else None)
