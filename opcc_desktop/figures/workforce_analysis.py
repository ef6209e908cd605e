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

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter, methodcaller
from typing import Any

from ..areas.vocab import LEAVE_OUTCOMES, LEAVE_TYPES, NOT_DECLARED, UNDECLARED, WORKFORCE_CHARACTERISTICS
from .formatting import percent

__all__ = [
    "CategoryCount",
    "Change",
    "DeclarationRate",
    "LeaveSummary",
    "Tally",
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


def _merged(answers: Counter[Any]) -> Counter[str]:
    """Answers as counted, a blank merged into "Not declared" (a blank is an undeclared answer)."""
    merged: Counter[str] = Counter()
    for value, count in answers.items():
        if count:
            merged[NOT_DECLARED if value in (None, "") else str(value)] += count
    return merged


def _breakdown(answers: Counter[Any], headcount: int, characteristic: str) -> list[CategoryCount]:
    """Every category of the vocab in its order (zero counts included), then any unexpected
    value met, alphabetically (never dropped)."""
    if characteristic not in WORKFORCE_CHARACTERISTICS:
        raise KeyError(f"unknown workforce characteristic {characteristic!r}")
    counts = _merged(answers)
    known = WORKFORCE_CHARACTERISTICS[characteristic]
    order = (*known, *sorted(c for c in counts if c not in known))
    return [CategoryCount(c, counts[c], percent(counts[c], headcount)) for c in order]


def _declaration_rate(answers: Counter[Any], headcount: int, characteristic: str) -> DeclarationRate:
    counts = _merged(answers)
    declared = headcount - sum(counts[c] for c in UNDECLARED)
    return DeclarationRate(characteristic, declared, headcount, percent(declared, headcount))


def _fte_total(ftes: Counter[Any]) -> Decimal:
    """Each FTE value once, times how many have it; no FTE recorded counts as full time."""
    total = sum((n * (Decimal(1) if fte in (None, "") else Decimal(repr(float(fte))))
                 for fte, n in ftes.items()), Decimal(0))  # fmt: skip
    return total.quantize(Decimal("0.01"))


def _answers(rows: Iterable[Row], name: str) -> Counter[Any]:
    """How many rows hold each value of ``name``: one pass in C (no Python call per row)."""
    return Counter(map(methodcaller("get", name), rows))


def breakdown(rows: Sequence[Row], characteristic: str) -> list[CategoryCount]:
    """Count and % of headcount per category, every category of the vocab in its order
    (zero counts included)."""
    return _breakdown(_answers(rows, characteristic), len(rows), characteristic)


def breakdowns(rows: Sequence[Row]) -> dict[str, list[CategoryCount]]:
    return {name: breakdown(rows, name) for name in WORKFORCE_CHARACTERISTICS}


def declaration_rate(rows: Sequence[Row], characteristic: str) -> DeclarationRate:
    """The share of staff who gave an answer other than "Prefer not to say"/"Not declared"."""
    return _declaration_rate(_answers(rows, characteristic), len(rows), characteristic)


def declaration_rates(rows: Sequence[Row]) -> dict[str, DeclarationRate]:
    return {name: declaration_rate(rows, name) for name in WORKFORCE_CHARACTERISTICS}


def change_between(previous: Sequence[Row], current: Sequence[Row], characteristic: str) -> list[Change]:
    """Per category: the count at the previous snapshot, now, and the difference."""
    return _changes(breakdown(previous, characteristic), breakdown(current, characteristic))


def _changes(previous: Sequence[CategoryCount], current: Sequence[CategoryCount]) -> list[Change]:
    before = {c.category: c.count for c in previous}
    now = {c.category: c.count for c in current}
    order = list(now) + [c for c in before if c not in now]
    return [Change(c, before.get(c, 0), now.get(c, 0)) for c in order]


def _refs(rows: Iterable[Row]) -> set[str]:
    return set(map(str, map(itemgetter("staff_ref"), rows)))


def turnover(previous: Iterable[Row], current: Iterable[Row]) -> Turnover:
    """Joiners (in the current snapshot only), leavers (in the previous only) and stayers,
    matched by staff reference."""
    return _turnover(_refs(previous), _refs(current))


def _turnover(before: Set[str], now: Set[str]) -> Turnover:
    return Turnover(frozenset(now - before), frozenset(before - now), frozenset(now & before))


def total_fte(rows: Iterable[Row]) -> Decimal:
    """Sum of FTE to two places; a row with no FTE recorded counts as full time (1.0)."""
    return _fte_total(_answers(rows, "fte"))


class Tally:
    """One snapshot's staff counted by each characteristic's answer, by FTE and by staff
    reference: all the window's workforce figures are worked out from these counts. Made in
    one pass, and kept up to date row by row as staff are edited (:meth:`add`,
    :meth:`remove`), so changing one row of 50,000 costs microseconds, not a pass over all."""

    COUNTED = (*WORKFORCE_CHARACTERISTICS, "fte")  # the columns counted by answer

    def __init__(self, headcount: int, answers: Mapping[str, Mapping[Any, int]], refs: Iterable[str]) -> None:
        """``answers``: for each of :attr:`COUNTED`, how many staff give each value."""
        self.headcount = headcount
        self.answers = {name: Counter(answers[name]) for name in self.COUNTED}
        self.refs = Counter(map(str, refs))

    @classmethod
    def of(cls, rows: Sequence[Row]) -> Tally:
        """The staff ``rows`` counted."""
        return cls(len(rows), {name: _answers(rows, name) for name in cls.COUNTED}, map(itemgetter("staff_ref"), rows))

    def add(self, rows: Iterable[Row], sign: int = 1) -> None:
        for row in rows:
            self.headcount += sign
            for name, answers in self.answers.items():
                answers[row.get(name)] += sign
            self.refs[str(row["staff_ref"])] += sign

    def remove(self, rows: Iterable[Row]) -> None:
        self.add(rows, -1)

    def breakdown(self, characteristic: str) -> list[CategoryCount]:
        return _breakdown(self.answers[characteristic], self.headcount, characteristic)

    def declaration_rates(self) -> dict[str, DeclarationRate]:
        return {name: _declaration_rate(self.answers[name], self.headcount, name)
                for name in WORKFORCE_CHARACTERISTICS}  # fmt: skip

    def change_since(self, previous: Tally, characteristic: str) -> list[Change]:
        return _changes(previous.breakdown(characteristic), self.breakdown(characteristic))

    def turnover_since(self, previous: Tally) -> Turnover:
        return _turnover(previous.staff_refs(), self.staff_refs())

    def staff_refs(self) -> set[str]:
        return {ref for ref, count in self.refs.items() if count > 0}

    def total_fte(self) -> Decimal:
        return _fte_total(self.answers["fte"])


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
