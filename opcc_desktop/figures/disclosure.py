"""The office's small-number policy, kept in the workbook's settings.

Publishing a count of 1 or 2 people can identify them, so the office sets a threshold
(counts 1..threshold-1 are hidden) and the symbol a hidden figure prints as. What to hide,
across every table, headline and edition of a year, is decided by the year's disclosure plan
(:mod:`.public_plan`, :mod:`.plan`, :mod:`.planner`) and checked by the independent audit
(:mod:`.audit`); docs/disclosure.md explains both.
"""

from __future__ import annotations

from dataclasses import dataclass

from .formatting import STANDARD_SYMBOLS, Symbols

__all__ = ["Policy", "rounding_sentence", "symbol_sentence"]


@dataclass(frozen=True, slots=True)
class Policy:
    """The office's small-number policy: counts from 1 to ``threshold - 1`` are hidden and
    printed as ``symbol``. 0 is a true zero and always shown; ``threshold`` 0 (or 1) turns
    suppression off. With ``round_to`` (5 or 10) every count shown is rounded half up to that
    base and percentages are worked out from the rounded counts (as some NHS statistics
    are): a reader then knows each count only to within half the base."""

    threshold: int
    symbol: str = "*"
    round_to: int = 0
    symbols: Symbols = STANDARD_SYMBOLS  # what cells print for not available, not applicable... (cells.symbols)

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int) or self.threshold < 0:
            raise ValueError(f"threshold must be a whole number >= 0, got {self.threshold!r}")
        if not self.symbol.strip():
            raise ValueError("the suppression symbol must not be blank")
        if self.round_to not in (0, 5, 10):
            raise ValueError(f"counts are rounded to 5 or 10, or not at all (0), not {self.round_to!r}")
        if self.round_to and self.threshold <= self.round_to // 2:
            raise ValueError(f"counts rounded to {self.round_to} need a threshold above {self.round_to // 2}, "
                             "or a count hidden as small could print as 0")
    @property
    def active(self) -> bool:
        return self.threshold > 1

    def could_be(self, count: int, people: bool = True) -> tuple[int, int]:
        """The true counts a reader cannot tell from ``count`` once it is printed: itself
        when counts are exact; else every count that rounds to the same, for a count of
        people at least the threshold (smaller ones are hidden), and a printed 0 is 0."""
        printed = self.shown(count)
        if not self.round_to or printed == 0:
            return count, count
        floor = self.threshold if people else 0
        return max(printed - self.round_to // 2, floor), printed + (self.round_to - 1) // 2

    def shown(self, count: int) -> int:
        """The count as printed: rounded half up to the base, or exact."""
        if not self.round_to:
            return count
        return (count + self.round_to // 2) // self.round_to * self.round_to

    def is_small(self, count: int) -> bool:
        """True when the count must be hidden on its own (primary suppression)."""
        return 0 < count < self.threshold


def rounding_sentence(policy: Policy) -> str:
    """What a document says when its counts are rounded ("" when they are exact)."""
    if not policy.round_to:
        return ""
    return (f"Counts of people are rounded to the nearest {policy.round_to} and percentages are worked out "
            "from the rounded counts, so figures may not add up exactly.")


def symbol_sentence(policy: Policy) -> str:
    """What the symbol means ("" when nothing is hidden)."""
    if not policy.active:
        return ""
    return (f'"{policy.symbol}" marks a count of fewer than {policy.threshold} people, or one hidden so that '
            "such a count cannot be worked out from the other figures.")
