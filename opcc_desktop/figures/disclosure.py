"""The office's small-number policy, kept in the workbook's settings.

Publishing a count of 1 or 2 people can identify them, so the office sets a threshold
(counts 1..threshold-1 are hidden) and the symbol a hidden figure prints as. What to hide,
across every table, headline and edition of a year, is decided by the year's disclosure plan
(:mod:`.public_plan`, :mod:`.plan`, :mod:`.planner`) and checked by the independent audit
(:mod:`.audit`); docs/disclosure.md explains both.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Policy"]


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
