"""The one place that makes a HiGHS solver (the disclosure planner and auditor use it).

Why not ``highspy.Highs``: the public class switches on its callbacks when it is made, and
HiGHS then prints its banner on the standard output before any option can silence it, which
would garble the command line's output. The core class behind it, made here and silenced
first, prints nothing. highspy is pinned in pyproject.toml, and tests run both programs.
"""

from __future__ import annotations

from highspy import _core

Status = _core.HighsModelStatus
BasisStatus = _core.HighsBasisStatus
VarType = _core.HighsVarType
INFINITY = 1e30  # HiGHS treats any bound at or beyond this as infinite


def solver(time_limit: float | None = None) -> _core._Highs:
    """A silent solver; ``time_limit`` in seconds for each run."""
    made = _core._Highs()
    made.setOptionValue("output_flag", False)
    if time_limit is not None:
        made.setOptionValue("time_limit", float(time_limit))
    return made
