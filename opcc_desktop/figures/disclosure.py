"""Small-number suppression for public tables, with secondary suppression.

Why: publishing a count of 1 or 2 people can identify them, so the office sets a threshold
(counts 1..threshold-1 are hidden, shown as the policy's symbol). Hiding a small cell is not
enough when totals are published too: a lone hidden cell in a row is the row total minus the
cells shown. Every public table and chart goes through this module, which returns
:class:`~opcc_desktop.figures.formatting.Cell` objects; a suppressed cell is built without its number,
so a suppressed value cannot be printed by mistake.

How (the "why" of the design):

* A table with its published totals is a set of *entries* (the inner cells and the totals)
  and *lines* (one linear equation per published total: a row's cells add up to its total,
  the row totals add up to the grand total, and so on). A reader knows every shown entry,
  every equation, that counts are whole numbers >= 0 and, because a zero is a true zero and
  never hidden, that every hidden entry is at least 1.
* Primary suppression hides every entry (cells and totals alike) from 1 to threshold-1.
* Secondary suppression then repeats two steps until nothing changes:

  1. *Line rule* (cheap, predictable): a published line with exactly one hidden entry gives
     that entry away, so hide one more entry in it: preferably one whose other line also
     holds a single hidden entry (one cell mends two lines), else the smallest non-zero shown
     entry (hiding as little as possible). Zeros are never hidden (except in a one-way
     distribution of fewer people than the threshold, which is hidden whole).
  2. *Exact audit*: a hidden entry is safe only if some other table, consistent with
     everything published and with hidden entries >= 1, differs in it. The equations form a
     network (rows and columns are nodes, entries are edges; lines whose totals are not
     published are merged into one free "ground" node), so the entry can move iff it lies on
     a directed cycle of the residual graph: any hidden entry may go up, and may go down
     only while it is above 1. This is exact for whole numbers (network matrices are
     totally unimodular). It catches what the line rule misses: two hidden 2x2 blocks joined
     by one cell, or two hidden 1s that are the only hidden entries of a line with total
     known (1 + 1 = 2, each at least 1). For the first hidden entry found recoverable it
     hides one more entry in its lines: the smallest that makes it safe, else the smallest.

  Each round hides at least one more non-zero entry, and a table whose non-zero entries
  are all hidden is always safe (doubling every hidden entry gives another valid table), so
  the loop ends with every hidden entry protected.

Known limits: this guarantees that no hidden entry can be *pinned down*, not that its range
is wide (a reader may learn "1 or 2"); it protects one table at a time, not against
differencing with other published tables that share a total, nor against a reader who
replays this (deterministic) algorithm; the complements are chosen greedily, so the pattern
is small but not proven minimal (the optimal problem is NP-hard); and the suppressed symbol
is the same for primary and secondary cells, so a symbol like "<5" would state something
untrue about a secondary cell ("*" or "[c]" do not).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .formatting import Cell, percent

__all__ = [
    "Decision",
    "Policy",
    "SuppressedDistribution",
    "SuppressedTable",
    "suppress_distribution",
    "suppress_table",
]


@dataclass(frozen=True, slots=True)
class Policy:
    """The office's small-number policy: counts from 1 to ``threshold - 1`` are hidden and
    printed as ``symbol``. 0 is a true zero and always shown; ``threshold`` 0 (or 1) turns
    suppression off."""

    threshold: int
    symbol: str = "*"

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int) or self.threshold < 0:
            raise ValueError(f"threshold must be a whole number >= 0, got {self.threshold!r}")
        if not self.symbol.strip():
            raise ValueError("the suppression symbol must not be blank")

    @property
    def active(self) -> bool:
        return self.threshold > 1

    def is_small(self, count: int) -> bool:
        """True when the count must be hidden on its own (primary suppression)."""
        return 0 < count < self.threshold


class Decision(StrEnum):
    """Why a cell prints what it prints."""

    SHOWN = "shown"
    PRIMARY = "primary"  # small itself
    SECONDARY = "secondary"  # hidden so that a primary cell cannot be worked out
    NOT_COLLECTED = "not collected"

    @property
    def suppressed(self) -> bool:
        return self in (Decision.PRIMARY, Decision.SECONDARY)


# --- the engine: entries, lines, and the residual-graph audit -------------------------------

_GROUND = 0  # all lines whose equation is not published


@dataclass(frozen=True, slots=True)
class _Network:
    """Entries as edges of a graph whose nodes are the published lines.

    ``up[e]`` is the arc (from, to) along which raising entry ``e`` by one moves one unit of
    flow; lowering it moves flow the other way. ``lines`` lists, per published line, its
    entries; the ground node has no line (its equation is unpublished, so it is free)."""

    values: tuple[int, ...]
    up: tuple[tuple[int, int], ...]
    lines: tuple[tuple[int, ...], ...]

    def lines_of(self, entry: int) -> list[int]:
        return [k for k, members in enumerate(self.lines) if entry in members]


def _reaches(adjacent: Mapping[int, list[int]], start: int, goal: int) -> bool:
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in adjacent.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def _recoverable(net: _Network, hidden: set[int], entry: int) -> bool:
    """True when everything published pins ``entry`` to one value (see module doc)."""
    adjacent: dict[int, list[int]] = {}
    for other in hidden:
        if other == entry:
            continue
        a, b = net.up[other]
        adjacent.setdefault(a, []).append(b)  # the other entry goes up
        if net.values[other] > 1:
            adjacent.setdefault(b, []).append(a)  # ... or down, staying >= 1
    a, b = net.up[entry]
    if _reaches(adjacent, b, a):  # a cycle through entry's "up" arc
        return False
    return not (net.values[entry] > 1 and _reaches(adjacent, a, b))


def _mend_lines(net: _Network, hidden: set[int]) -> None:
    """The line rule, to a fixed point: no published line keeps exactly one hidden entry."""
    while True:
        counts = [sum(e in hidden for e in members) for members in net.lines]
        single = [k for k, count in enumerate(counts) if count == 1]
        if not single:
            return
        line = single[0]

        def priority(e: int, line: int = line) -> tuple[bool, int, int]:
            mends_another = any(k != line and counts[k] == 1 for k in net.lines_of(e))
            return (not mends_another, net.values[e], e)

        # A candidate always exists: a line's total is the sum of its cells, so the one
        # hidden non-zero entry has a non-zero partner (the total, or a cell of the total).
        candidates = [e for e in net.lines[line] if e not in hidden and net.values[e] > 0]
        hidden.add(min(candidates, key=priority))


def _complement(net: _Network, hidden: set[int], weak: int) -> int:
    """One more entry to hide so that ``weak`` can no longer be worked out."""
    near = {e for k in net.lines_of(weak) for e in net.lines[k]}
    touched = {e for members in net.lines if hidden.intersection(members) for e in members}
    for pool in (near, touched, set(range(len(net.values)))):
        shown = (e for e in pool if e not in hidden and net.values[e] > 0)
        candidates = sorted(shown, key=lambda e: (net.values[e], e))
        for e in candidates:
            if not _recoverable(net, hidden | {e}, weak):
                return e
        if candidates:
            return candidates[0]
    raise AssertionError("unreachable: with every non-zero entry hidden, none is recoverable")


def _protect(net: _Network, primary: Iterable[int]) -> set[int]:
    """Primary plus secondary suppression; returns every hidden entry."""
    hidden = set(primary)
    while True:
        _mend_lines(net, hidden)
        weak = next((e for e in sorted(hidden) if _recoverable(net, hidden, e)), None)
        if weak is None:
            return hidden
        hidden.add(_complement(net, hidden, weak))


class _Builder:
    """Collects entries for a :class:`_Network`: each joins a row node and a column node,
    with sign +1 for a cell (and the grand total) and -1 for a margin total, the signs that
    make every published line sum to zero."""

    def __init__(self) -> None:
        self.values: list[int] = []
        self.up: list[tuple[int, int]] = []

    def add(self, value: int, row_node: int, column_node: int, sign: int) -> int:
        self.values.append(value)
        self.up.append((row_node, column_node) if sign > 0 else (column_node, row_node))
        return len(self.values) - 1

    def network(self) -> _Network:
        nodes: dict[int, list[int]] = {}
        for e, ends in enumerate(self.up):
            for node in set(ends) - {_GROUND}:
                nodes.setdefault(node, []).append(e)
        lines = tuple(tuple(nodes[node]) for node in sorted(nodes))
        return _Network(tuple(self.values), tuple(self.up), lines)


def _decide(hidden: set[int], entry: int, policy: Policy, value: int) -> Decision:
    if entry not in hidden:
        return Decision.SHOWN
    return Decision.PRIMARY if policy.is_small(value) else Decision.SECONDARY


def _count_cell(decision: Decision, value: int | None, policy: Policy) -> Cell:
    if decision is Decision.NOT_COLLECTED or value is None:
        return Cell.not_collected()
    return Cell.suppressed(policy.symbol) if decision.suppressed else Cell.number(value)


def _count(value: object, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 0:
        raise ValueError(f"{where}: a count must be a whole number >= 0 or None, got {value!r}")
    return int(value)


# --- two-way tables -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SuppressedTable:
    """A table ready to print. Totals are computed from the counts. ``row_totals`` and
    ``column_totals`` are empty, and ``grand_total`` None, when not published (the grand
    total is published when both margins are)."""

    policy: Policy
    cells: tuple[tuple[Cell, ...], ...]
    decisions: tuple[tuple[Decision, ...], ...]
    row_totals: tuple[Cell, ...]
    row_total_decisions: tuple[Decision, ...]
    column_totals: tuple[Cell, ...]
    column_total_decisions: tuple[Decision, ...]
    grand_total: Cell | None
    grand_total_decision: Decision | None

    @property
    def suppressed_count(self) -> int:
        """How many entries (cells and totals) are hidden."""
        every = [d for row in self.decisions for d in row]
        every += [*self.row_total_decisions, *self.column_total_decisions]
        every += [self.grand_total_decision] if self.grand_total_decision else []
        return sum(d.suppressed for d in every)

    def text_grid(self) -> list[list[str]]:
        """What is printed, row by row, with the totals column and totals row when published."""
        grid = [[c.text for c in row] for row in self.cells]
        for row, total in zip(grid, self.row_totals):
            row.append(total.text)
        if self.column_totals:
            grid.append([c.text for c in self.column_totals] + ([self.grand_total.text] if self.grand_total else []))
        return grid


def suppress_table(
    counts: Sequence[Sequence[int | None]],
    policy: Policy,
    row_totals_shown: bool = True,
    column_totals_shown: bool = True,
) -> SuppressedTable:
    """Suppress a 2-D table of counts (None = not collected, printed "-", left out of the
    totals) whose row totals, column totals and grand total are published as asked.

    Primary: every cell or total from 1 to threshold-1. Secondary: see the module doc. The
    result's decisions say which cells are shown, primary or secondary."""
    if not counts or not counts[0]:
        raise ValueError("a table needs at least one row and one column")
    width = len(counts[0])
    if any(len(row) != width for row in counts):
        raise ValueError("every row needs the same number of cells")
    table = [[_count(v, f"row {i + 1}, column {j + 1}") for j, v in enumerate(row)] for i, row in enumerate(counts)]
    m, rows, columns = len(table), range(len(table)), range(width)
    grand_shown = row_totals_shown and column_totals_shown
    row_sums = [sum(v for v in row if v is not None) for row in table]
    column_sums = [sum(row[j] for row in table if row[j] is not None) for j in columns]
    grand = sum(row_sums)

    # Nodes: 0 ground; rows 1..m; the totals row m+1; columns m+2..; the totals column last.
    # A line whose total is not published has no equation, so its node is the ground.
    row_node = [1 + i if row_totals_shown else _GROUND for i in rows]
    column_node = [m + 2 + j if column_totals_shown else _GROUND for j in columns]
    totals_row_node = m + 1 if grand_shown else _GROUND
    totals_column_node = m + 2 + width if grand_shown else _GROUND

    build = _Builder()
    cell_entry = [
        [None if v is None else build.add(v, row_node[i], column_node[j], +1) for j, v in enumerate(table[i])]
        for i in rows
    ]
    row_entry: list[int] = []
    column_entry: list[int] = []
    grand_entry: int | None = None
    if row_totals_shown:
        row_entry = [build.add(row_sums[i], row_node[i], totals_column_node, -1) for i in rows]
    if column_totals_shown:
        column_entry = [build.add(column_sums[j], totals_row_node, column_node[j], -1) for j in columns]
    if grand_shown:
        grand_entry = build.add(grand, totals_row_node, totals_column_node, +1)

    net = build.network()
    primary = [e for e, v in enumerate(net.values) if policy.is_small(v)]
    hidden = _protect(net, primary) if policy.active else set()

    def decision(entry: int | None, value: int | None) -> Decision:
        return Decision.NOT_COLLECTED if entry is None or value is None else _decide(hidden, entry, policy, value)

    decisions = tuple(tuple(decision(e, v) for e, v in zip(es, vs)) for es, vs in zip(cell_entry, table))
    row_decisions = tuple(decision(e, row_sums[i]) for i, e in enumerate(row_entry))
    column_decisions = tuple(decision(e, column_sums[j]) for j, e in enumerate(column_entry))
    grand_decision = decision(grand_entry, grand) if grand_entry is not None else None
    return SuppressedTable(
        policy=policy,
        cells=tuple(tuple(_count_cell(d, v, policy) for d, v in zip(ds, vs)) for ds, vs in zip(decisions, table)),
        decisions=decisions,
        row_totals=tuple(_count_cell(d, row_sums[i], policy) for i, d in enumerate(row_decisions)),
        row_total_decisions=row_decisions,
        column_totals=tuple(_count_cell(d, column_sums[j], policy) for j, d in enumerate(column_decisions)),
        column_total_decisions=column_decisions,
        grand_total=_count_cell(grand_decision, grand, policy) if grand_decision else None,
        grand_total_decision=grand_decision,
    )


# --- one dimension as percentages -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SuppressedDistribution:
    """One dimension (e.g. ethnicity within one gender column) ready to print: per category
    a count cell, a percentage cell of the dimension's own denominator, and the decision."""

    policy: Policy
    categories: tuple[str, ...]
    counts: tuple[Cell, ...]
    percents: tuple[Cell, ...]
    decisions: tuple[Decision, ...]
    total: Cell
    total_decision: Decision
    total_shown: bool

    def _at(self, category: str) -> int:
        try:
            return self.categories.index(category)
        except ValueError:
            raise KeyError(category) from None

    def count(self, category: str) -> Cell:
        return self.counts[self._at(category)]

    def percent(self, category: str) -> Cell:
        return self.percents[self._at(category)]

    def decision(self, category: str) -> Decision:
        return self.decisions[self._at(category)]

    @property
    def suppressed_count(self) -> int:
        return sum(decision.suppressed for decision in self.decisions)

    def rows(self) -> list[tuple[str, Cell, Cell]]:
        """(category, count cell, percentage cell) in the order given."""
        return list(zip(self.categories, self.counts, self.percents))


def suppress_distribution(
    counts: Mapping[str, int | None], policy: Policy, total_shown: bool = True
) -> SuppressedDistribution:
    """Suppress one dimension published as percentages of its own denominator (the sum of
    its collected categories; None = not collected, printed "-").

    A percentage built on a small count is hidden like the count, and further categories are
    hidden so that the hidden ones cannot be recovered by taking the shown ones from 100%:
    never exactly one hidden category, and never only hidden 1s whose sum is known. The
    denominator counts as known to the reader even when ``total_shown`` is False, because
    one-decimal percentages nearly give it away. When the denominator itself is small, the
    total and every category are hidden, zeros included (decision PRIMARY): percentages of a
    handful of people identify them, and the shares always add up to a known 100%."""
    categories = tuple(counts)
    values = [_count(counts[name], f"category {name!r}") for name in categories]
    total = sum(v for v in values if v is not None)

    build = _Builder()  # one published line: the categories add up to the total
    entry = [None if v is None else build.add(v, 1, _GROUND, +1) for v in values]
    total_entry = build.add(total, 1, _GROUND, -1)
    net = build.network()
    if policy.is_small(total):
        # Too few people to publish any share of them: even "0.0%" of three people tells
        # something about each of them, and a lone non-zero category would be 100%.
        decisions = tuple(Decision.NOT_COLLECTED if v is None else Decision.PRIMARY for v in values)
        hidden = set(range(len(net.values)))
    else:
        primary = [e for e, v in enumerate(net.values) if policy.is_small(v)]
        hidden = _protect(net, primary) if policy.active else set()
        decisions = tuple(
            Decision.NOT_COLLECTED if e is None or v is None else _decide(hidden, e, policy, v)
            for e, v in zip(entry, values)
        )

    def percent_cell(decision: Decision, value: int | None) -> Cell:
        if decision is Decision.NOT_COLLECTED or value is None:
            return Cell.not_collected("percent")
        if decision.suppressed:
            return Cell.suppressed(policy.symbol, "percent")
        share = percent(value, total)
        return Cell.not_applicable("percent") if share is None else Cell.number(share, "percent")

    total_decision = _decide(hidden, total_entry, policy, total)
    return SuppressedDistribution(
        policy=policy,
        categories=categories,
        counts=tuple(_count_cell(d, v, policy) for d, v in zip(decisions, values)),
        percents=tuple(percent_cell(d, v) for d, v in zip(decisions, values)),
        decisions=decisions,
        total=_count_cell(total_decision, total, policy),
        total_decision=total_decision,
        total_shown=total_shown,
    )
