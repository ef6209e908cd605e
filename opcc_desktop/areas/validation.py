"""Field rules for user input. ``validate`` checks every field and reports every problem at once."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import Problem, ValidationError
from .vocab import TOTAL

FY_PATTERN = re.compile(r"^(\d{4})/(\d{2})$")
MAX_INTEGER = 2**63 - 1  # SQLite's largest integer
# Invisible, refused by spreadsheets (xlsx cannot hold them) and never typed on purpose; tab and
# new line are text. Lone surrogates cannot be written as UTF-8 at all.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


class Invalid(Exception):
    def __init__(self, message: str, allowed: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.allowed = allowed


@dataclass(frozen=True)
class Field:
    """A checker turning raw input into the stored value, or raising :class:`Invalid`."""

    check: Callable[[Any], Any]
    required: bool = True
    empty: Any = None  # what an optional field stores when left empty

    def clean(self, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise Invalid("is missing")
            return self.empty
        return self.check(value)


def text(max_len: int = 200, required: bool = True) -> Field:
    def check(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise Invalid("is not text")
        cleaned = as_text(value).replace("\r\n", "\n").replace("\r", "\n").strip()
        control = CONTROL_CHARACTER.search(cleaned)
        if control:
            raise Invalid(f"holds a control character (U+{ord(control[0]):04X}) at character {control.start() + 1}",
                          "text without control characters (tabs and new lines are fine)")  # fmt: skip
        if len(cleaned) > max_len:
            raise Invalid(f"is too long ({len(cleaned)} characters)", f"at most {max_len}")
        return cleaned

    return Field(check, required, empty="")


def category(max_len: int = 100) -> Field:
    """A category of a characteristic (or a scheme's gender column): text, but never the word
    the documents use for a table's total."""
    plain = text(max_len)

    def check(value: Any) -> str:
        cleaned = plain.check(value)
        if cleaned.casefold() == TOTAL.casefold():
            raise Invalid(f"is '{cleaned}', the name of every table's total row and column",
                          "the name of the group it counts; the total is worked out, not typed")  # fmt: skip
        return cleaned

    return Field(check, plain.required, empty="")


def as_text(value: Any) -> str:
    """Text as typed: a spreadsheet stores 12345 typed in a text column as the number 12345.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def long_text(required: bool = False) -> Field:
    return text(max_len=100_000, required=required)


def choice(options: tuple[Any, ...] | list[Any], required: bool = True, empty: Any = None) -> Field:
    def check(value: Any) -> Any:
        if value in options:
            return value
        folded = {str(o).casefold(): o for o in options}
        key = str(value).strip().casefold()
        if key in folded:
            return folded[key]
        raise Invalid("is not one of the allowed values", ", ".join(repr(o) for o in options))

    return Field(check, required, empty)


def integer(low: int | None = 0, high: int | None = None, required: bool = True) -> Field:
    def check(value: Any) -> int:
        number = _number(value)
        if not float(number).is_integer():
            raise Invalid("is not a whole number", _range_text(low, high, "a whole number"))
        if abs(number) > MAX_INTEGER:
            raise Invalid("is too large", _range_text(low, high or MAX_INTEGER, "a whole number"))
        _in_range(number, low, high, "a whole number")
        return int(number)

    return Field(check, required)


def number(low: float | None = None, high: float | None = None, required: bool = True) -> Field:
    def check(value: Any) -> float:
        result = float(_number(value))
        _in_range(result, low, high, "a number")
        return result

    return Field(check, required)


def flag() -> Field:
    def check(value: Any) -> int:
        if isinstance(value, bool) or value in (0, 1):
            return int(value)
        word = str(value).strip().casefold()
        if word in ("yes", "true", "y", "1"):
            return 1
        if word in ("no", "false", "n", "0"):
            return 0
        raise Invalid("is not yes or no", "yes, no, true, false, 1, 0")

    return Field(check, required=False, empty=0)


def date(required: bool = True) -> Field:
    def check(value: Any) -> str:
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise Invalid("is not a date", "a date written YYYY-MM-DD, e.g. 2022-03-31") from None

    return Field(check, required)


def financial_year(required: bool = True) -> Field:
    def check(value: Any) -> str:
        year = str(value).strip()
        if not is_financial_year(year):
            raise Invalid("is not a financial year", "a year written like 2021/22")
        return year

    return Field(check, required)


def is_financial_year(text_: str) -> bool:
    """``2021/22``: four digits, a slash, and the next year's last two digits."""
    match = FY_PATTERN.fullmatch(text_)
    return bool(match) and (int(match[1]) + 1) % 100 == int(match[2])


def quarter_or_year() -> Field:
    """A figure's period within its financial year: a quarter (1 to 4), or left empty (0)
    for a figure recorded for the whole year only."""

    def check(value: Any) -> int:
        number_ = _number(value)
        if number_ not in (0, 1, 2, 3, 4):
            raise Invalid("is not a quarter", "1 (Apr-Jun) to 4 (Jan-Mar), or empty for the whole year")
        return int(number_)

    return Field(check, required=False, empty=0)


def quarter() -> Field:
    def check(value: Any) -> int:
        number_ = _number(value)
        if number_ not in (1, 2, 3, 4):
            raise Invalid("is not a quarter", "1 (Apr-Jun), 2 (Jul-Sep), 3 (Oct-Dec), 4 (Jan-Mar)")
        return int(number_)

    return Field(check)


def _number(value: Any) -> float | int:
    if isinstance(value, bool):
        raise Invalid("is not a number")
    if isinstance(value, (int, float)):
        result: float | int = value
    else:
        try:
            result = float(str(value).strip().replace(",", ""))
        except ValueError:
            raise Invalid("is not a number") from None
    if isinstance(result, float) and not math.isfinite(result):
        raise Invalid("is not a finite number")
    return result


def _range_text(low: float | None, high: float | None, kind: str) -> str:
    if low is not None and high is not None:
        return f"{kind} from {low:g} to {high:g}"
    if low is not None:
        return f"{kind} of at least {low:g}"
    if high is not None:
        return f"{kind} of at most {high:g}"
    return kind


def _in_range(value: float, low: float | None, high: float | None, kind: str) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        raise Invalid("is out of range", _range_text(low, high, kind))


def validate(
    what: str, rules: Mapping[str, Field], values: Mapping[str, Any], *, partial: bool = False
) -> dict[str, Any]:
    """Clean ``values`` by ``rules``. ``partial`` checks only the fields given (an edit).

    Raises :class:`ValidationError` listing every problem; unknown fields are problems too.
    """
    cleaned, problems = collect(rules, values, partial=partial)
    refuse(what, problems)
    return cleaned


def collect(
    rules: Mapping[str, Field], values: Mapping[str, Any], *, partial: bool = False
) -> tuple[dict[str, Any], list[Problem]]:
    """Like :func:`validate`, but return the problems, so rules spanning fields can add theirs
    (checked on the fields that are valid) before one :func:`refuse` reports them all."""
    problems: list[Problem] = []
    cleaned: dict[str, Any] = {}
    for name in values:
        if name not in rules:
            problems.append(Problem(name, values[name], "is not a field here", ", ".join(rules)))
    for name, rule in rules.items():
        if partial and name not in values:
            continue
        try:
            cleaned[name] = rule.clean(values.get(name))
        except Invalid as bad:
            problems.append(Problem(name, values.get(name), bad.message, bad.allowed))
    return cleaned, problems


def refuse(what: str, problems: list[Problem]) -> None:
    """Raise one ValidationError listing ``problems``, if there are any."""
    if problems:
        raise ValidationError(what, problems)
