"""Secondary suppression planned as one optimisation over every figure a document prints.

The problem handed in (:class:`Problem`) is a list of whole-number figures, the linear
relations a reader knows between them (each ``total = sum(parts)``), which figures must be
hidden (the small counts and everything fixed by an earlier edition) and which must be able
to move when hidden (each protected figure with the amount it must be able to rise by).

A reader who knows every shown figure and the relations can work out a range for each
hidden one. A protected figure is safe when that range reaches ``need`` above its true value
(for a small count: up to the threshold, so it cannot be proved small). The planner chooses
the cheapest set of further figures to hide (cost: value + 1, so small figures go first) by
**cut generation**, as τ-ARGUS's optimal method does (HiGHS solves each program):

1. a master integer program chooses which figures to hide, subject to the cuts so far;
2. for each protected figure a linear program (the reader's best attempt) measures how far it
   can rise with that choice; where it falls short, the program's bound prices tell which
   further figures would have let it rise, which becomes a new cut;
3. repeat until every protected figure is safe; then check again with whole numbers (an
   integer program), since the linear reader is slightly weaker than a real one.

The figures split into groups linked by relations (a table and the tables sharing its
totals); each group is planned on its own, which keeps every program small. A group that
cannot be planned in time is hidden whole (safe, if wasteful), and says so.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from typing import Any

import numpy as np

from . import highs

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Problem:
    """What the planner is given. Indices refer to ``values``."""

    values: Sequence[int]
    floors: Sequence[int]  # the least a reader may assume a hidden figure is
    ceilings: Sequence[int]  # the most (large when nothing bounds it)
    sums: Sequence[tuple[int, Sequence[int]]]  # (total, parts)
    hidden: frozenset[int]  # must be hidden
    shown: frozenset[int]  # must be shown (an earlier edition printed them)
    protect: dict[int, int]  # figure -> how far it must be able to rise when hidden
    shown_ranges: Sequence[tuple[int, int]] | None = None  # what a reader can tell of a shown figure (rounded)


@dataclass
class Outcome:
    hidden: set[int]
    fallback_groups: int = 0  # groups hidden whole because planning ran out of time


def plan(problem: Problem, time_limit: float = 60.0) -> Outcome:
    """The figures to hide: ``problem.hidden`` and the fewest (by cost) more that protect
    every figure in ``problem.protect``."""
    started = time.perf_counter()
    outcome = Outcome(hidden=set(problem.hidden))
    for group in _groups(problem):
        if not any(i in problem.protect for i in group):
            continue
        left = max(1.0, time_limit - (time.perf_counter() - started))
        hidden = _Group(problem, group).plan(left)
        if hidden is None:
            outcome.fallback_groups += 1
            hidden = {i for i in group if i not in problem.shown}
        outcome.hidden |= hidden
    return outcome


def _groups(problem: Problem) -> list[list[int]]:
    """Figures linked, directly or not, by a relation."""
    parent = list(range(len(problem.values)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for total, parts in problem.sums:
        for part in parts:
            parent[root(part)] = root(total)
    groups: dict[int, list[int]] = {}
    for i in range(len(problem.values)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


class _Group:
    """One linked group, renumbered 0..n-1, with its three HiGHS models: the master (which
    figures to hide), the reader (how far a figure can move, as a linear program) and the
    same reader with whole numbers."""

    def __init__(self, problem: Problem, members: list[int]) -> None:
        self.members = members
        local = {g: k for k, g in enumerate(members)}
        self.n = n = len(members)
        self.a = np.array([problem.values[g] for g in members], float)
        self.lo = np.array([min(problem.floors[g], problem.values[g]) for g in members], float)
        self.hi = np.array([max(problem.ceilings[g], problem.values[g]) for g in members], float)
        self.cost = self.a + 1.0  # small figures are the cheapest to hide
        self.fixed_hidden = np.array([g in problem.hidden for g in members])
        self.fixed_shown = np.array([g in problem.shown and g not in problem.hidden for g in members])
        ranges = problem.shown_ranges or [(v, v) for v in problem.values]
        self.shown_lo = np.array([ranges[g][0] for g in members], float) - self.a  # as moves
        self.shown_hi = np.array([ranges[g][1] for g in members], float) - self.a
        self.protect = {local[g]: need for g, need in problem.protect.items() if g in local}
        self.lines = [[local[total], *(local[p] for p in parts)] for total, parts in problem.sums if total in local]
        self.columns = np.arange(n, dtype=np.int32)
        self.reader = self._reader(whole=False)
        self.whole = self._reader(whole=True)
        self.master = highs.solver()
        lower = self.fixed_hidden.astype(float)
        self.master.addVars(n, lower, np.where(self.fixed_shown, 0.0, 1.0))
        self.master.changeColsCost(n, self.columns, np.where(self.fixed_hidden, 0.0, self.cost))
        self.master.changeColsIntegrality(n, self.columns, np.full(n, highs.VarType.kInteger))
        self.cuts = 0
        self.witnesses: dict[tuple[int, bool], np.ndarray] = {}  # (figure, whole) -> a move that protects it

    def _reader(self, whole: bool) -> Any:
        """Deviations from the true values; each relation's deviations add up to nothing."""
        model = highs.solver()
        model.addVars(self.n, np.zeros(self.n), np.zeros(self.n))
        for line in self.lines:
            model.addRow(0.0, 0.0, len(line), np.array(line, dtype=np.int32),
                         np.array([-1.0, *[1.0] * (len(line) - 1)]))  # fmt: skip
        if whole:
            model.changeColsIntegrality(self.n, self.columns, np.full(self.n, highs.VarType.kInteger))
        return model

    # -- the master problem ----------------------------------------------------------------

    def _choose(self, deadline: float) -> np.ndarray | None:
        if not self.cuts:
            return self.fixed_hidden.copy()
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        self.master.setOptionValue("time_limit", left)
        self.master.run()
        if self.master.getModelStatus() != highs.Status.kOptimal:
            return None
        return np.array(self.master.getSolution().col_value) > 0.5

    def _line_cuts(self) -> None:
        """A protected figure is never the only hidden member of a relation."""
        for p in self.protect:
            for line in self.lines:
                if p not in line:
                    continue
                others = [i for i in line if i != p]
                if any(self.fixed_hidden[i] for i in others):
                    continue
                self._cut({i: 1.0 for i in others if not self.fixed_shown[i]}, 1.0)

    def _cut(self, coefficients: dict[int, float], need: float) -> None:
        if not coefficients:
            return
        index = np.array(list(coefficients), dtype=np.int32)
        self.master.addRow(need, highs.INFINITY, len(index), index, np.array(list(coefficients.values())))
        self.cuts += 1

    # -- the reader's best attempt ---------------------------------------------------------

    def _aim(self, model: Any, p: int, hidden: np.ndarray) -> None:
        model.changeColsBounds(self.n, self.columns, np.where(hidden, self.lo - self.a, self.shown_lo),
                               np.where(hidden, self.hi - self.a, self.shown_hi))  # fmt: skip
        objective = np.zeros(self.n)
        objective[p] = -1.0
        model.changeColsCost(self.n, self.columns, objective)

    def _still_protected(self, p: int, whole: bool, hidden: np.ndarray) -> bool:
        """True when the move that protected ``p`` last time moves only figures still
        hidden: it is still open to a reader, so no program need be solved again."""
        move = self.witnesses.get((p, whole))
        if move is None:
            return False
        open_ = hidden | ((move >= self.shown_lo - TOLERANCE) & (move <= self.shown_hi + TOLERANCE))
        return bool(np.all(open_))

    def _rise(self, p: int, hidden: np.ndarray, need: float) -> tuple[float, np.ndarray]:
        """How far figure ``p`` can rise (linear reader), and for each figure what opening
        its bounds would be worth (the bound prices times the room it would open)."""
        self._aim(self.reader, p, hidden)
        self.reader.run()
        rise = -self.reader.getInfo().objective_function_value
        solution = self.reader.getSolution()
        if rise >= need - TOLERANCE:
            move = np.array(solution.col_value)
            self.witnesses[(p, False)] = move
            whole = np.round(move)
            if np.all(np.abs(move - whole) <= TOLERANCE):  # a table's corner usually is: no integer program needed
                self.witnesses[(p, True)] = whole
        price = np.array(solution.col_dual)
        up, down = self.hi - self.a - self.shown_hi, self.shown_lo - (self.lo - self.a)
        return rise, np.maximum(-price, 0) * up + np.maximum(price, 0) * down

    def _rise_whole(self, p: int, hidden: np.ndarray, need: float, deadline: float) -> float:
        self._aim(self.whole, p, hidden)
        self.whole.setOptionValue("time_limit", max(0.1, deadline - time.perf_counter()))
        self.whole.run()
        if self.whole.getModelStatus() != highs.Status.kOptimal:
            return 0.0
        rise = -self.whole.getInfo().objective_function_value
        if rise >= need - TOLERANCE:
            self.witnesses[(p, True)] = np.array(self.whole.getSolution().col_value)
        return rise

    def _neighbours(self, p: int) -> set[int]:
        return {i for line in self.lines if p in line for i in line}

    # -- the loop ----------------------------------------------------------------------------

    def plan(self, time_limit: float) -> set[int] | None:
        """The figures to hide, or None when the time ran out."""
        deadline = time.perf_counter() + time_limit
        self._line_cuts()
        while time.perf_counter() < deadline:
            hidden = self._choose(deadline)
            if hidden is None:
                return None
            if self._add_linear_cuts(hidden) or self._add_whole_cuts(hidden, deadline):
                continue
            return {self.members[i] for i in np.flatnonzero(hidden)}
        return None

    def _add_linear_cuts(self, hidden: np.ndarray) -> bool:
        added = False
        for p, need in self.protect.items():
            if self._still_protected(p, False, hidden):
                continue
            rise, gain = self._rise(p, hidden, need)
            if rise >= need - TOLERANCE:
                continue
            short = need - rise
            closed = {i: min(g, short) for i, g in enumerate(gain)
                      if not hidden[i] and not self.fixed_shown[i] and g > TOLERANCE}  # fmt: skip
            if not closed:  # nothing left to open: hide every free figure around it
                closed = {i: short for i in range(self.n) if not hidden[i] and not self.fixed_shown[i]}
            if not closed:
                continue  # cannot be protected further; the audit will say so
            self._cut(closed, short)
            added = True
        return added

    def _add_whole_cuts(self, hidden: np.ndarray, deadline: float) -> bool:
        """The linear reader is protected against; check with whole numbers, and where a
        figure still cannot rise far enough, ask for one more hidden figure beside it."""
        added = False
        for p, need in self.protect.items():
            if self._still_protected(p, True, hidden) or self._rise_whole(p, hidden, need, deadline) >= need - TOLERANCE:
                continue
            near = [i for i in self._neighbours(p) if not hidden[i] and not self.fixed_shown[i]]
            pool = near or [i for i in range(self.n) if not hidden[i] and not self.fixed_shown[i]]
            if pool:
                self._cut({i: 1.0 for i in pool}, 1.0)
                added = True
        return added
