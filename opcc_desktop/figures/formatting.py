"""Number formatting and cell states for every published figure.

Why this module exists: the public documents follow fixed conventions (percentages to one
decimal place rounded half-up, "0.0%" for a true zero, "-" for not collected, thousands
separators, state markers such as "(p)" and "(r)"), and the screen and the PDF must print a
figure identically. So every printed figure goes through a :class:`Cell`, whose ``text`` is
exactly what is printed, and whose state is data rather than free text.

Arithmetic is done in :class:`decimal.Decimal`. Binary floats cannot hold 2.675 or 0.35
exactly (``round(2.675, 2)`` gives 2.67), so floats are converted through ``repr`` (the
shortest decimal string that reads back as the same float: what the officer typed) before
rounding. Plain Python only: this module is imported by the report builder and the Qt views
alike and must stay cheap and Qt-free.
"""

from __future__ import annotations

import decimal
import numbers
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Literal

__all__ = [
    "Cell",
    "CellState",
    "Number",
    "UNITS",
    "Unit",
    "change_since",
    "describe_change",
    "format_count",
    "format_percent",
    "format_value",
    "percent",
    "round_half_up",
    "to_decimal",
]

Number = int | float | Decimal  # numpy/pandas scalars and Fraction are accepted too
Unit = Literal["count", "percent", "seconds", "rate_per_1000"]
UNITS: tuple[Unit, ...] = ("count", "percent", "seconds", "rate_per_1000")

# Enough digits for any count or money sum the app sees, so quantize never runs out.
_CONTEXT = decimal.Context(prec=50, rounding=ROUND_HALF_UP)


def to_decimal(value: Number) -> Decimal:
    """The exact decimal a number stands for: floats go through ``repr`` (see module doc).

    Raises ValueError for NaN and infinities, and TypeError for bool (a True that reached a
    figure is a bug upstream, not the number 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, numbers.Integral):  # int, and numpy/pandas integers
        result = Decimal(int(value))
    elif isinstance(value, float):  # float, and numpy.float64
        result = Decimal(repr(float(value)))
    elif isinstance(value, numbers.Rational):  # fractions.Fraction: exact, to 50 digits
        result = _CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))
    else:  # numpy.float32 and the like print their shortest form with str
        result = Decimal(str(value))
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def round_half_up(value: Number, places: int = 1) -> Decimal:
    """Round to ``places`` decimal places, halves away from zero (3.546 -> 3.5,
    11.95 -> 12.0, 0.05 -> 0.1, 2.675 -> 2.7 at one place; -4.25 -> -4.3).

    This is the convention of the published documents (and of Excel's ROUND), not Python's
    ``round``, which rounds halves to even and works on the binary float. A result of zero is
    always +0 so it never prints as "-0.0"."""
    if places < 0:
        raise ValueError("places must be 0 or more")
    exponent = Decimal(1).scaleb(-places)
    result = to_decimal(value).quantize(exponent, rounding=ROUND_HALF_UP, context=_CONTEXT)
    return abs(result) if result == 0 else result


def percent(numerator: Number | None, denominator: Number | None, places: int = 1) -> Decimal | None:
    """``100 * numerator / denominator`` rounded half-up to ``places`` (one by default), as
    the documents print it; None when either is missing or the denominator is 0 (a
    percentage of nobody is not 0%, it does not exist).

    The division is exact decimal arithmetic on the operands' decimal values, so a tie such
    as 1/16 = 6.25% rounds up to 6.3, never down through a float error."""
    if numerator is None or denominator is None:
        return None
    den = to_decimal(denominator)
    if den == 0:
        return None
    exact = _CONTEXT.divide(_CONTEXT.multiply(to_decimal(numerator), Decimal(100)), den)
    return round_half_up(exact, places)


def _grouped(value: Decimal, places: int) -> str:
    """Thousands separators and a fixed number of places: 1234.5 -> "1,234.5"."""
    return f"{round_half_up(value, places):,.{places}f}"


def format_count(value: Number) -> str:
    """A count with thousands separators: 1234 -> "1,234", 0 -> "0".

    Counts are whole numbers; a fraction here means the wrong unit was chosen, so it raises
    ValueError rather than silently rounding people."""
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"a count must be a whole number, got {value!r}")
    return f"{int(number):,}"


def format_percent(value: Number, places: int = 1) -> str:
    """A percentage (already multiplied by 100) to one place, half-up: 12.345 -> "12.3%",
    0 -> "0.0%" (a true zero is printed, not dropped), 1234.5 -> "1,234.5%"."""
    return f"{_grouped(to_decimal(value), places)}%"


_PLACES: dict[str, int] = {"count": 0, "percent": 1, "seconds": 1, "rate_per_1000": 1}


def format_value(value: Number, unit: Unit, places: int | None = None) -> str:
    """A KPI value in its unit: count "1,234"; percent "87.2%"; seconds "5.3" and
    rate per 1,000 "12.4" (one place, half-up; the unit is in the KPI's name, as in the
    published tables). ``places`` overrides the unit's default number of places."""
    if unit not in _PLACES:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")
    if unit == "count" and places is None:
        return format_count(value)
    digits = _PLACES[unit] if places is None else places
    if unit == "percent":
        return format_percent(value, digits)
    return _grouped(to_decimal(value), digits)


class CellState(StrEnum):
    """What a published cell holds. States are data, so reports, charts and the screen can
    treat "not collected" differently from "suppressed" without parsing text."""

    NUMBER = "number"
    PROVISIONAL = "provisional"  # a number that may still change: "12.3% (p)"
    REVISED = "revised"  # a past number changed after publication: "12.3% (r)"
    NOT_COLLECTED = "not collected"  # "-"
    NOT_AVAILABLE = "not available"  # "-" (the KPI tables' convention)
    NOT_APPLICABLE = "not applicable"  # "n/a", e.g. a percentage of nobody
    UNDER_DEVELOPMENT = "under development"  # "Measurement under development"
    NOT_YET_DUE = "not yet due"  # blank: a future quarter
    SUPPRESSED = "suppressed"  # the disclosure policy's symbol, e.g. "*" or "<5"


_NUMERIC_STATES = frozenset({CellState.NUMBER, CellState.PROVISIONAL, CellState.REVISED})
_MARKERS = {CellState.PROVISIONAL: " (p)", CellState.REVISED: " (r)"}
_FIXED_TEXT = {
    CellState.NOT_COLLECTED: "-",
    CellState.NOT_AVAILABLE: "-",
    CellState.NOT_APPLICABLE: "n/a",
    CellState.UNDER_DEVELOPMENT: "Measurement under development",
    CellState.NOT_YET_DUE: "",
}


@dataclass(frozen=True, slots=True)
class Cell:
    """One published figure and its state. ``text`` is exactly what is printed.

    A suppressed cell is built without its number, so nothing downstream (a table, a chart,
    a text alternative, a ``repr`` in a log) can print the hidden value by mistake: its
    ``value`` is None and only the policy's symbol is kept. Build cells with the class
    methods rather than the constructor."""

    state: CellState
    value: Decimal | None = None
    unit: Unit = "count"
    places: int | None = None  # None: the unit's default
    symbol: str = ""  # only for SUPPRESSED

    def __post_init__(self) -> None:
        if self.state in _NUMERIC_STATES:
            if not isinstance(self.value, Decimal):
                raise TypeError("a numeric cell holds a Decimal (use Cell.number)")
            format_value(self.value, self.unit, self.places)  # fails early on a bad unit/count
        elif self.value is not None:
            raise ValueError(f"a {self.state} cell has no value")
        if self.state is CellState.SUPPRESSED and not self.symbol:
            raise ValueError("a suppressed cell needs the policy's symbol")

    @classmethod
    def number(cls, value: Number, unit: Unit = "count", places: int | None = None) -> Cell:
        return cls(CellState.NUMBER, to_decimal(value), unit, places)

    @classmethod
    def provisional(cls, value: Number, unit: Unit = "count", places: int | None = None) -> Cell:
        return cls(CellState.PROVISIONAL, to_decimal(value), unit, places)

    @classmethod
    def revised(cls, value: Number, unit: Unit = "count", places: int | None = None) -> Cell:
        return cls(CellState.REVISED, to_decimal(value), unit, places)

    @classmethod
    def suppressed(cls, symbol: str, unit: Unit = "count") -> Cell:
        return cls(CellState.SUPPRESSED, None, unit, symbol=symbol)

    @classmethod
    def not_collected(cls, unit: Unit = "count") -> Cell:
        return cls(CellState.NOT_COLLECTED, unit=unit)

    @classmethod
    def not_available(cls, unit: Unit = "count") -> Cell:
        return cls(CellState.NOT_AVAILABLE, unit=unit)

    @classmethod
    def not_applicable(cls, unit: Unit = "count") -> Cell:
        return cls(CellState.NOT_APPLICABLE, unit=unit)

    @classmethod
    def under_development(cls, unit: Unit = "count") -> Cell:
        return cls(CellState.UNDER_DEVELOPMENT, unit=unit)

    @classmethod
    def not_yet_due(cls, unit: Unit = "count") -> Cell:
        return cls(CellState.NOT_YET_DUE, unit=unit)

    @property
    def has_number(self) -> bool:
        """True when the cell prints a number (plain, provisional or revised)."""
        return self.state in _NUMERIC_STATES

    @property
    def text(self) -> str:
        """Exactly what the document prints: "1,234", "12.3%", "0.0%", "-", "*",
        "12.3% (p)", "Measurement under development", or "" for not yet due."""
        if self.state is CellState.SUPPRESSED:
            return self.symbol
        if self.value is None:
            return _FIXED_TEXT[self.state]
        return format_value(self.value, self.unit, self.places) + _MARKERS.get(self.state, "")

    @property
    def description(self) -> str:
        """Words for a text alternative or a screen reader, which would read "*" as "star"
        and "-" as nothing: "12.3% (provisional)", "suppressed to protect privacy"."""
        if self.state is CellState.SUPPRESSED:
            return "suppressed to protect privacy"
        if self.value is None:
            return str(self.state) if self.state is not CellState.UNDER_DEVELOPMENT else _FIXED_TEXT[self.state]
        number = format_value(self.value, self.unit, self.places)
        return number if self.state is CellState.NUMBER else f"{number} ({self.state})"

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Cell({self.state.value}: {self.text!r})"


def change_since(current: Number | None, previous: Number | None, places: int = 1) -> Decimal | None:
    """Percentage change from ``previous`` (the same quarter last year) to ``current``,
    rounded half-up: 11 against 8 -> 37.5; 8 against 5.82 -> 37.5. None when either figure
    is missing or the previous one is 0 (a change from nothing has no percentage).

    Computed exactly in decimal from the figures as typed, then rounded once."""
    if current is None or previous is None:
        return None
    before = to_decimal(previous)
    if before == 0:
        return None
    ratio = _CONTEXT.divide(_CONTEXT.subtract(to_decimal(current), before), abs(before))
    return round_half_up(_CONTEXT.multiply(ratio, Decimal(100)), places)


def describe_change(change: Number | None, *, points: bool = False) -> str | None:
    """Officers' wording for a change: "an increase of 37.5%", "a decrease of 4.2%",
    "no change" (also when it rounds to 0.0). With ``points`` the change is a difference
    of two percentages: "an increase of 3.2 percentage points". None passes through, so the
    caller decides what to say when there is nothing to compare."""
    if change is None:
        return None
    rounded = round_half_up(change, 1)
    if rounded == 0:
        return "no change"
    size = f"{abs(rounded):,.1f}" + (" percentage points" if points else "%")
    return f"an increase of {size}" if rounded > 0 else f"a decrease of {size}"
