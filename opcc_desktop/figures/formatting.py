"""Number formatting and cell states for every published figure.

Why this module exists: the public documents follow fixed conventions (percentages to one
decimal place rounded half-up, "0.0%" for a true zero, "-" for not collected, thousands
separators, state markers such as "(p)" and "(r)"), and the screen and the PDF must print a
figure identically. So every printed figure goes through a :class:`Cell`, whose ``text`` is
exactly what is printed, and whose state is data rather than free text.

Which symbols a cell prints for a state is a :class:`Symbols` set the cell carries: the
house set ("-", "n/a", "(p)", "(r)"; the default) or the Government Analysis Function's
("[x]" not available, "[z]" not applicable, "[p]" provisional, "[r]" revised; "[c]"
confidential is the disclosure policy's symbol, which a suppressed cell carries itself). The
office chooses with the setting ``cells.symbols``; :meth:`Cell.using` and :func:`with_symbols`
give cells the chosen set where a document prints them.

Arithmetic is done in :class:`decimal.Decimal`. Binary floats cannot hold 2.675 or 0.35
exactly (``round(2.675, 2)`` gives 2.67), so floats are converted through ``repr`` (the
shortest decimal string that reads back as the same float: what the officer typed) before
rounding. Plain Python only: this module is imported by the report builder and the Qt views
alike and must stay cheap and Qt-free.
"""

from __future__ import annotations

import decimal
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Literal

__all__ = [
    "ANALYSIS_FUNCTION_SYMBOLS",
    "STANDARD_SYMBOLS",
    "SYMBOL_SETS",
    "UNITS",
    "Cell",
    "CellState",
    "Number",
    "Symbols",
    "Unit",
    "change_since",
    "decimal_places",
    "describe_change",
    "format_count",
    "format_percent",
    "format_value",
    "percent",
    "round_half_up",
    "symbols_named",
    "to_decimal",
    "with_symbols",
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


MAX_ENTERED_PLACES = 3  # a typed value's places beyond this are float noise, not what was typed


def decimal_places(value: Number) -> int:
    """The decimal places a value was entered with, trailing zeros dropped: 153 and 153.0 ->
    0, 69.4 -> 1, 62.75 -> 2 (a float keeps no trailing zeros, so 75.0 typed is 75), at most
    :data:`MAX_ENTERED_PLACES`."""
    exponent = to_decimal(value).normalize(_CONTEXT).as_tuple().exponent
    assert isinstance(exponent, int)  # a finite number (to_decimal refuses the others)
    return min(max(0, -exponent), MAX_ENTERED_PLACES)


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
    MISSING = "missing"  # "-": a quarter that is due (or past) with no figure recorded
    SUPPRESSED = "suppressed"  # the disclosure policy's symbol, e.g. "*" or "<5"


_NUMERIC_STATES = frozenset({CellState.NUMBER, CellState.PROVISIONAL, CellState.REVISED})
_NOT_AVAILABLE = frozenset({CellState.NOT_COLLECTED, CellState.NOT_AVAILABLE, CellState.MISSING})
_FIXED_TEXT = {
    CellState.UNDER_DEVELOPMENT: "Measurement under development",
    CellState.NOT_YET_DUE: "",
}
_WORDS = {CellState.MISSING: "not available (no figure recorded)"}


@dataclass(frozen=True, slots=True)
class Symbols:
    """What a cell prints for each state that is not a plain number: a set of symbols a
    document uses throughout (see the module doc). ``provisional`` and ``revised`` follow
    the number after a space."""

    name: str
    not_available: str
    not_applicable: str
    provisional: str
    revised: str

    def marker(self, state: CellState) -> str:
        if state is CellState.PROVISIONAL:
            return f" {self.provisional}"
        if state is CellState.REVISED:
            return f" {self.revised}"
        return ""

    def fixed(self, state: CellState) -> str:
        """The text of a cell holding no number (suppressed cells print the policy's symbol)."""
        if state in _NOT_AVAILABLE:
            return self.not_available
        if state is CellState.NOT_APPLICABLE:
            return self.not_applicable
        return _FIXED_TEXT[state]


STANDARD_SYMBOLS = Symbols("standard", "-", "n/a", "(p)", "(r)")
ANALYSIS_FUNCTION_SYMBOLS = Symbols("analysis-function", "[x]", "[z]", "[p]", "[r]")
SYMBOL_SETS: dict[str, Symbols] = {s.name: s for s in (STANDARD_SYMBOLS, ANALYSIS_FUNCTION_SYMBOLS)}


def symbols_named(name: str | None) -> Symbols:
    """The set the setting ``cells.symbols`` names (the standard set for none or an unknown name)."""
    return SYMBOL_SETS.get(name or "", STANDARD_SYMBOLS)


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
    symbols: Symbols = STANDARD_SYMBOLS  # what the states print as

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
    def number(cls, value: Number, unit: Unit = "count", places: int | None = None,
               symbols: Symbols = STANDARD_SYMBOLS) -> Cell:  # fmt: skip
        return cls(CellState.NUMBER, to_decimal(value), unit, places, symbols=symbols)

    @classmethod
    def provisional(cls, value: Number, unit: Unit = "count", places: int | None = None,
               symbols: Symbols = STANDARD_SYMBOLS) -> Cell:  # fmt: skip
        return cls(CellState.PROVISIONAL, to_decimal(value), unit, places, symbols=symbols)

    @classmethod
    def revised(cls, value: Number, unit: Unit = "count", places: int | None = None,
               symbols: Symbols = STANDARD_SYMBOLS) -> Cell:  # fmt: skip
        return cls(CellState.REVISED, to_decimal(value), unit, places, symbols=symbols)

    @classmethod
    def suppressed(cls, symbol: str, unit: Unit = "count") -> Cell:
        return cls(CellState.SUPPRESSED, None, unit, symbol=symbol)

    @classmethod
    def not_collected(cls, unit: Unit = "count", symbols: Symbols = STANDARD_SYMBOLS) -> Cell:
        return cls(CellState.NOT_COLLECTED, unit=unit, symbols=symbols)

    @classmethod
    def not_available(cls, unit: Unit = "count", symbols: Symbols = STANDARD_SYMBOLS) -> Cell:
        return cls(CellState.NOT_AVAILABLE, unit=unit, symbols=symbols)

    @classmethod
    def not_applicable(cls, unit: Unit = "count", symbols: Symbols = STANDARD_SYMBOLS) -> Cell:
        return cls(CellState.NOT_APPLICABLE, unit=unit, symbols=symbols)

    @classmethod
    def under_development(cls, unit: Unit = "count", symbols: Symbols = STANDARD_SYMBOLS) -> Cell:
        return cls(CellState.UNDER_DEVELOPMENT, unit=unit, symbols=symbols)

    @classmethod
    def not_yet_due(cls, unit: Unit = "count", symbols: Symbols = STANDARD_SYMBOLS) -> Cell:
        return cls(CellState.NOT_YET_DUE, unit=unit, symbols=symbols)

    @classmethod
    def missing(cls, unit: Unit = "count", symbols: Symbols = STANDARD_SYMBOLS) -> Cell:
        """A quarter that is due, or past, with no figure recorded: printed as not available."""
        return cls(CellState.MISSING, unit=unit, symbols=symbols)

    def using(self, symbols: Symbols) -> Cell:
        """The same cell printing with ``symbols``."""
        return self if symbols is self.symbols else replace(self, symbols=symbols)

    @property
    def has_number(self) -> bool:
        """True when the cell prints a number (plain, provisional or revised)."""
        return self.state in _NUMERIC_STATES

    @property
    def text(self) -> str:
        """Exactly what the document prints: "1,234", "12.3%", "0.0%", "-", "*",
        "12.3% (p)", "Measurement under development", or "" for not yet due (with the
        Analysis Function's symbols: "[x]", "12.3% [p]"...)."""
        if self.state is CellState.SUPPRESSED:
            return self.symbol
        if self.value is None:
            return self.symbols.fixed(self.state)
        return format_value(self.value, self.unit, self.places) + self.symbols.marker(self.state)

    @property
    def description(self) -> str:
        """Words for a text alternative or a screen reader, which would read "*" as "star"
        and "-" as nothing: "12.3% (provisional)", "suppressed to protect privacy"."""
        if self.state is CellState.SUPPRESSED:
            return "suppressed to protect privacy"
        if self.value is None:
            if self.state is CellState.UNDER_DEVELOPMENT:
                return _FIXED_TEXT[self.state]
            return _WORDS.get(self.state, str(self.state))
        number = format_value(self.value, self.unit, self.places)
        return number if self.state is CellState.NUMBER else f"{number} ({self.state})"

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Cell({self.state.value}: {self.text!r})"


def with_symbols(rows: Sequence[Sequence[Any]], symbols: Symbols) -> list[list[Any]]:
    """Table rows with every :class:`Cell` in them printing with ``symbols`` (other values
    as they are): one call where a document prints a table."""
    return [[v.using(symbols) if isinstance(v, Cell) else v for v in row] for row in rows]


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


ChangeKind = Literal["percent", "points", "difference"]


def describe_change(
    change: Number | None, *, points: bool = False, kind: ChangeKind | None = None, places: int = 1
) -> str | None:
    """Officers' wording for a change: "an increase of 37.5%", "a decrease of 4.2%",
    "no change" (also when it rounds to 0.0). ``kind`` "points" (or ``points``) is a
    difference of two percentages: "an increase of 3.2 percentage points"; "difference" a
    plain difference: "an increase of 2". A percentage change is given to one place; points
    and differences to ``places``. None passes through, so the caller decides what to say
    when there is nothing to compare."""
    if change is None:
        return None
    kind = kind or ("points" if points else "percent")
    digits = 1 if kind == "percent" else places
    rounded = round_half_up(change, digits)
    if rounded == 0:
        return "no change"
    size = f"{abs(rounded):,.{digits}f}"
    if kind == "percent":
        size += "%"
    elif kind == "points":
        size += " percentage point" + ("" if abs(rounded) == 1 else "s")
    return f"an increase of {size}" if rounded > 0 else f"a decrease of {size}"
