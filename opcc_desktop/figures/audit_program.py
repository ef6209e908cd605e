"""The integer program behind the disclosure auditor (:mod:`.audit`): one HiGHS model per
group of linked hidden figures. Kept apart so that numpy and HiGHS load only when a document
is audited, not whenever the figures' modules are imported (the window's first tab never
audits)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from highspy import _core

from . import highs
from .audit import Figure, Interval, Row

_Status = _core.HighsModelStatus
_INTEGER, _CONTINUOUS = _core.HighsVarType.kInteger, _core.HighsVarType.kContinuous
_INFINITY = _core.kHighsInf


class Infeasible(Exception):
    pass


class Undecided(Exception):
    pass


class Group:
    """Hidden figures linked by relations, as one integer program: one HiGHS model per group,
    built once; each extreme only changes the objective and runs it again."""

    def __init__(self, figures: Sequence[Figure], rows: Sequence[Row], time_limit: float):
        self.figures = list(figures)
        self.rows = list(rows)
        self.index = {figure.name: i for i, figure in enumerate(self.figures)}
        self.lower = [figure.lower for figure in self.figures]
        self.upper = [figure.upper for figure in self.figures]
        self.seen: list[tuple[int, ...]] = []  # verified whole-number completions
        self.solver = _solver(time_limit)
        n = len(self.figures)
        self.columns = np.arange(n, dtype=np.int32)
        starts, indices, values = [], [], []
        for row in self.rows:
            starts.append(len(indices))
            for name, coefficient in row.terms.items():
                indices.append(self.index[name])
                values.append(coefficient)
        loaded = [
            self.solver.addVars(n, _floats(self.lower, _INFINITY), _floats(self.upper, _INFINITY)),
            self._integrality(_INTEGER),
            self.solver.addRows(len(self.rows), _floats((row.lo for row in self.rows), -_INFINITY),
                                _floats((row.hi for row in self.rows), _INFINITY), len(indices),
                                np.array(starts, dtype=np.int32),
                                np.array(indices, dtype=np.int32), _floats(values, _INFINITY)),
        ]
        # a model HiGHS took only in part could be missing rows, and so prove too little
        self.refused = any(status == _core.HighsStatus.kError for status in loaded)
        self.costed: int | None = None  # the one column with a cost, if any

    def interval(self, j: int) -> Interval:
        return Interval(self.extreme(j, maximise=False), self.extreme(j, maximise=True))

    def extreme(self, j: int, *, maximise: bool) -> int | None:
        """The smallest (largest) whole value figure ``j`` can take; None when unbounded above.
        A completion already seen at the figure's own floor or ceiling settles it unsolved."""
        if self.refused:
            raise Undecided("HiGHS refused the integer program")
        bound = self.upper[j] if maximise else self.lower[j]
        if bound is not None and any(values[j] == bound for values in self.seen):
            return bound
        costs = [(j, -1.0 if maximise else 1.0)]
        if self.costed is not None and self.costed != j:
            costs.append((self.costed, 0.0))
        if any(self.solver.changeColCost(*cost) == _core.HighsStatus.kError for cost in costs):
            raise Undecided("HiGHS refused the objective")
        self.costed = j
        status = self._run()
        if status == _Status.kOptimal:
            values = self._verified(self.solver.getSolution().col_value)
            self.seen.append(values)
            return values[j]
        if status == _Status.kTimeLimit:
            raise Undecided("the solver ran out of time")
        if status == _Status.kInfeasible and not self.seen:
            raise Infeasible
        unbounded = (_Status.kUnbounded, _Status.kUnboundedOrInfeasible)
        if maximise and status in unbounded and self._unbounded():
            return None
        raise Undecided(f"the solver gave up: {self.solver.modelStatusToString(status)}")

    def _run(self) -> _core.HighsModelStatus:
        self.solver.run()
        return self.solver.getModelStatus()

    def _unbounded(self) -> bool:
        """Whether the relaxation (fractions allowed) of the current objective is unbounded;
        with whole-number data and a whole-number completion known, the integer program is
        then unbounded too (Meyer's theorem)."""
        if not self.seen:
            return False
        self._integrality(_CONTINUOUS)
        try:
            return self._run() == _Status.kUnbounded
        finally:
            self._integrality(_INTEGER)

    def _integrality(self, kind: _core.HighsVarType) -> _core.HighsStatus:
        n = len(self.columns)
        return self.solver.changeColsIntegrality(n, self.columns,
                                                 np.full(n, int(kind), dtype=np.uint8))

    def _verified(self, x: Sequence[float]) -> tuple[int, ...]:
        values = tuple(round(v) for v in x)
        if not self.holds(values):
            raise Undecided("the solver's answer failed the exact whole-number check")
        return values

    def holds(self, values: Sequence[int]) -> bool:
        """Whether whole ``values`` (one per figure) satisfy every bound and row exactly."""
        in_bounds = all(lo <= v and (hi is None or v <= hi)
                        for v, lo, hi in zip(values, self.lower, self.upper))
        return in_bounds and all(
            row.holds(sum(c * values[self.index[name]] for name, c in row.terms.items()))
            for row in self.rows)


def _floats(numbers: Iterable[int | None], missing: float) -> np.ndarray:
    """Whole numbers as HiGHS takes them, ``missing`` (its plus or minus infinity) for None."""
    return np.array([missing if x is None else x for x in numbers], dtype=np.float64)


def _solver(time_limit: float) -> _core._Highs:
    """A silent HiGHS solver that proves optimality exactly, ``time_limit`` seconds per run."""
    solver = highs.solver(time_limit)
    solver.setOptionValue("mip_rel_gap", 0.0)
    return solver
