"""Workforce figures for the internal pack: pure functions over staff rows.

A staff row is a mapping with at least ``staff_ref`` and the characteristic columns of
:data:`opcc_desktop.areas.vocab.WORKFORCE_CHARACTERISTICS` (as ``workforce.staff_rows`` returns
them). Nothing here reads the workbook, so every figure can be checked by hand.

Percentages are of the snapshot's headcount, rounded half-up to one place
(``figures.percent``); None when there is nobody to divide by. Results are aggregates only:
no staff reference leaves this module except in the joiners/leavers sets, which the report
prints only as counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..areas.vocab import LEAVE_OUTCOMES, LEAVE_TYPES, NOT_DECLARED, UNDECLARED, WORKFORCE_CHARACTERISTICS
from .formatting import percent

__all__ = [
    "CategoryCount",
    "Change",
    "DeclarationRate",
    "LeaveSummary",
    "Turnover",
    "breakdown",
    "breakdowns",
    "change_between",
    "declaration_rate",
    "declaration_rates",
    "leave_summary",
    "total_fte",
    "turnover",
]

Row = Mapping[str, Any]


@dataclass(frozen=True)
class CategoryCount:
    category: str
    count: int
    percent: Decimal | None  # of headcount


@dataclass(frozen=True)
class DeclarationRate:
    characteristic: str
    declared: int
    headcount: int
    rate: Decimal | None  # % declared; None for an empty snapshot


@dataclass(frozen=True)
class Change:
    category: str
    previous: int
    current: int

    @property
    def difference(self) -> int:
        return self.current - self.previous


@dataclass(frozen=True)
class Turnover:
    joiners: frozenset[str]
    leavers: frozenset[str]
    stayers: frozenset[str]


@dataclass(frozen=True)
class LeaveSummary:
    """Leave events counted by (leave type, outcome); types and outcomes in vocab order,
    then any others met in the data in the order first seen."""

    leave_types: tuple[str, ...]
    outcomes: tuple[str, ...]
    counts: Mapping[tuple[str, str], int]

    def count(self, leave_type: str, outcome: str) -> int:
        return self.counts.get((leave_type, outcome), 0)

    def type_total(self, leave_type: str) -> int:
        return sum(self.count(leave_type, o) for o in self.outcomes)

    def outcome_total(self, outcome: str) -> int:
        return sum(self.count(t, outcome) for t in self.leave_types)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _categories(characteristic: str, rows: Iterable[Row]) -> tuple[str, ...]:
    """The vocab's categories in order, then any unexpected value met (never dropped)."""
    known = WORKFORCE_CHARACTERISTICS[characteristic]
    extra: list[str] = []
    for row in rows:
        value = _value(row, characteristic)
        if value not in known and value not in extra:
            extra.append(value)
    return (*known, *extra)


def _value(row: Row, characteristic: str) -> str:
    value = row.get(characteristic)
    return NOT_DECLARED if value in (None, "") else str(value)  # a blank is an undeclared answer


def breakdown(rows: Sequence[Row], characteristic: str) -> list[CategoryCount]:
    """Count and % of headcount per category, every category of the vocab in its order
    (zero counts included)."""
    if characteristic not in WORKFORCE_CHARACTERISTICS:
        raise KeyError(f"unknown workforce characteristic {characteristic!r}")
    headcount = len(rows)
    counts: dict[str, int] = {}
    for row in rows:
        value = _value(row, characteristic)
        counts[value] = counts.get(value, 0) + 1
    return [CategoryCount(c, counts.get(c, 0), percent(counts.get(c, 0), headcount))
            for c in _categories(characteristic, rows)]  # fmt: skip


def breakdowns(rows: Sequence[Row]) -> dict[str, list[CategoryCount]]:
    return {name: breakdown(rows, name) for name in WORKFORCE_CHARACTERISTICS}


def declaration_rate(rows: Sequence[Row], characteristic: str) -> DeclarationRate:
    """The share of staff who gave an answer other than "Prefer not to say"/"Not declared"."""
    declared = sum(1 for row in rows if _value(row, characteristic) not in UNDECLARED)
    return DeclarationRate(characteristic, declared, len(rows), percent(declared, len(rows)))


def declaration_rates(rows: Sequence[Row]) -> dict[str, DeclarationRate]:
    return {name: declaration_rate(rows, name) for name in WORKFORCE_CHARACTERISTICS}


def change_between(previous: Sequence[Row], current: Sequence[Row], characteristic: str) -> list[Change]:
    """Per category: the count at the previous snapshot, now, and the difference."""
    before = {c.category: c.count for c in breakdown(previous, characteristic)}
    now = {c.category: c.count for c in breakdown(current, characteristic)}
    order = list(now) + [c for c in before if c not in now]
    return [Change(c, before.get(c, 0), now.get(c, 0)) for c in order]


def turnover(previous: Iterable[Row], current: Iterable[Row]) -> Turnover:
    """Joiners (in the current snapshot only), leavers (in the previous only) and stayers,
    matched by staff reference."""
    before = {str(r["staff_ref"]) for r in previous}
    now = {str(r["staff_ref"]) for r in current}
    return Turnover(frozenset(now - before), frozenset(before - now), frozenset(now & before))


def total_fte(rows: Iterable[Row]) -> Decimal:
    """Sum of FTE to two places; a row with no FTE recorded counts as full time (1.0)."""
    total = Decimal(0)
    for row in rows:
        fte = row.get("fte")
        total += Decimal(1) if fte in (None, "") else Decimal(repr(float(fte)))
    return total.quantize(Decimal("0.01"))


def leave_summary(events: Iterable[Row]) -> LeaveSummary:
    """Events (mappings with ``leave_type`` and ``outcome``) counted by type and outcome."""
    types = list(LEAVE_TYPES)
    outcomes = list(LEAVE_OUTCOMES)
    counts: dict[tuple[str, str], int] = {}
    for event in events:
        kind, outcome = str(event["leave_type"]), str(event["outcome"])
        if kind not in types:
            types.append(kind)
        if outcome not in outcomes:
            outcomes.append(outcome)
        counts[(kind, outcome)] = counts.get((kind, outcome), 0) + 1
    return LeaveSummary(tuple(types), tuple(outcomes), counts)
