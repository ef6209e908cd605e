"""The office's small-number policy (what to hide is planned by the year's disclosure plan:
tests/test_disclosure_plan.py, tests/test_disclosure_attacks.py, tests/test_audit.py)."""

from __future__ import annotations

import pytest

from opcc_desktop.figures.disclosure import Policy


def test_policy() -> None:
    star = Policy(5, "*")
    assert [c for c in range(8) if star.is_small(c)] == [1, 2, 3, 4]
    assert star.active
    assert not Policy(0, "*").active and not Policy(0, "*").is_small(1)
    with pytest.raises(ValueError):
        Policy(-1, "*")
    with pytest.raises(ValueError):
        Policy(5, " ")
    with pytest.raises(ValueError):
        Policy(True, "*")  # type: ignore[arg-type]
