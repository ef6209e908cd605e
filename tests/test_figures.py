"""Rounding, formatting and cell states, with hand-computed values and an exact-fraction
oracle for the property tests."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opcc_desktop.figures.formatting import (
    Cell,
    CellState,
    change_since,
    describe_change,
    format_count,
    format_percent,
    format_value,
    percent,
    round_half_up,
)


def half_up(exact: Fraction, places: int = 1) -> Decimal:
    """Independent oracle: round a rational half away from zero with integer arithmetic."""
    scale = 10**places
    magnitude = (abs(exact) * scale * 2 + 1) // 2  # floor(|x|*scale + 1/2)
    signed = -magnitude if exact < 0 else magnitude
    return Decimal(int(signed)).scaleb(-places) if signed else Decimal(0).scaleb(-places)


# --- round_half_up ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (3.546, 1, "3.5"),  # the brief's examples
        (11.95, 1, "12.0"),
        (0.05, 1, "0.1"),
        (2.675, 1, "2.7"),
        (2.675, 2, "2.68"),  # Python's round(2.675, 2) gives 2.67: the float is 2.67499...
        (0.35, 1, "0.4"),
        (1.45, 1, "1.5"),  # round() would give 1.4 (half to even, and a float below 1.45)
        (0.25, 1, "0.3"),
        (12.25, 1, "12.3"),
        (-4.25, 1, "-4.3"),  # halves go away from zero, like Excel's ROUND
        (-0.04, 1, "0.0"),  # never "-0.0"
        (7, 1, "7.0"),
        (2.5, 0, "3"),
        (Decimal("6.25"), 1, "6.3"),
        (Fraction(1, 8), 2, "0.13"),
    ],
)
def test_round_half_up(value, places, expected):
    result = round_half_up(value, places)
    assert isinstance(result, Decimal)
    assert str(result) == expected


def test_round_half_up_rejects_what_is_not_a_finite_number():
    with pytest.raises(ValueError):
        round_half_up(float("nan"))
    with pytest.raises(ValueError):
        round_half_up(float("inf"))
    with pytest.raises(TypeError):
        round_half_up(True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        round_half_up("3.5")  # type: ignore[arg-type]


def test_numpy_scalars_are_numbers():
    np = pytest.importorskip("numpy")
    assert round_half_up(np.int64(7)) == Decimal("7.0")
    assert round_half_up(np.float64(2.675), 2) == Decimal("2.68")
    assert round_half_up(np.float32(0.05)) == Decimal("0.1")


@given(st.integers(-10**9, 10**9), st.integers(0, 4))
def test_round_half_up_of_decimal_strings_matches_the_fraction_oracle(thousandths, places):
    value = Decimal(thousandths).scaleb(-3)
    assert round_half_up(value, places) == half_up(Fraction(thousandths, 1000), places)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_round_half_up_of_floats_rounds_what_was_typed(value):
    # repr(value) is the shortest decimal that reads back as the float: what was typed.
    assert round_half_up(value) == half_up(Fraction(repr(value)))


# --- percent ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 3, Decimal("33.3")),
        (2, 3, Decimal("66.7")),
        (1, 16, Decimal("6.3")),  # 6.25 exactly: half-up
        (1, 8, Decimal("12.5")),
        (0, 7, Decimal("0.0")),
        (7, 7, Decimal("100.0")),
        (11, 92, Decimal("12.0")),  # 11.956...
        (5.82, 8, Decimal("72.8")),  # 72.75 as typed: half-up
    ],
)
def test_percent(numerator, denominator, expected):
    assert percent(numerator, denominator) == expected


def test_percent_of_nothing_is_none():
    assert percent(3, 0) is None
    assert percent(3, None) is None
    assert percent(None, 4) is None


@given(st.integers(0, 100_000), st.integers(1, 100_000))
def test_percent_is_exact_half_up(numerator, denominator):
    assert percent(numerator, denominator) == half_up(Fraction(100 * numerator, denominator))
    assert percent(numerator, denominator) == round_half_up(100 * numerator / denominator, 1)


# --- formatting ------------------------------------------------------------------------------


def test_format_count():
    assert format_count(0) == "0"
    assert format_count(999) == "999"
    assert format_count(1234) == "1,234"
    assert format_count(22446) == "22,446"
    assert format_count(1_234_567) == "1,234,567"
    assert format_count(7500.0) == "7,500"
    with pytest.raises(ValueError):
        format_count(2.5)


def test_format_percent():
    assert format_percent(0) == "0.0%"  # a true zero is printed
    assert format_percent(Decimal("0.0")) == "0.0%"
    assert format_percent(87.2) == "87.2%"
    assert format_percent(3.546) == "3.5%"
    assert format_percent(11.95) == "12.0%"
    assert format_percent(100) == "100.0%"
    assert format_percent(1234.56) == "1,234.6%"
    assert format_percent(-4.25) == "-4.3%"
    assert format_percent(-0.01) == "0.0%"


def test_format_value_per_unit():
    assert format_value(22446, "count") == "22,446"
    assert format_value(87.2, "percent") == "87.2%"
    assert format_value(5.3, "seconds") == "5.3"
    assert format_value(116, "seconds") == "116.0"
    assert format_value(1234.56, "seconds") == "1,234.6"
    assert format_value(12.35, "rate_per_1000") == "12.4"
    assert format_value(62.75, "percent", places=2) == "62.75%"
    with pytest.raises(ValueError):
        format_value(1, "money")  # type: ignore[arg-type]


# --- cells -----------------------------------------------------------------------------------


def test_cell_text_for_every_state():
    assert Cell.number(1234).text == "1,234"
    assert Cell.number(0).text == "0"
    assert Cell.number(0, "percent").text == "0.0%"
    assert Cell.number(12.34, "percent").text == "12.3%"
    assert Cell.provisional(12.34, "percent").text == "12.3% (p)"
    assert Cell.revised(12.3, "percent").text == "12.3% (r)"
    assert Cell.provisional(1234).text == "1,234 (p)"
    assert Cell.not_collected().text == "-"
    assert Cell.not_available().text == "-"
    assert Cell.not_applicable().text == "n/a"
    assert Cell.under_development().text == "Measurement under development"
    assert Cell.not_yet_due().text == ""
    assert Cell.suppressed("*").text == "*"
    assert Cell.suppressed("<5").text == "<5"
    assert str(Cell.number(5.3, "seconds")) == "5.3"


def test_cell_states_are_data():
    assert Cell.provisional(1).state is CellState.PROVISIONAL
    assert Cell.revised(1).has_number and Cell.provisional(1).has_number and Cell.number(1).has_number
    for cell in (Cell.not_collected(), Cell.not_available(), Cell.under_development(), Cell.suppressed("*")):
        assert not cell.has_number
        assert cell.value is None
    assert Cell.number(12.34, "percent").value == Decimal("12.34")  # the value, unrounded


def test_a_suppressed_cell_holds_no_number_at_all():
    cell = Cell.suppressed("*")
    assert cell.value is None
    assert "*" in repr(cell)
    with pytest.raises(ValueError):
        Cell(CellState.SUPPRESSED, Decimal(3), symbol="*")
    with pytest.raises(ValueError):
        Cell.suppressed("")


def test_cells_are_immutable_and_checked():
    cell = Cell.number(3)
    with pytest.raises(AttributeError):
        cell.value = Decimal(4)  # type: ignore[misc]
    with pytest.raises(TypeError):
        Cell(CellState.NUMBER, None)
    with pytest.raises(ValueError):
        Cell.number(2.5)  # a count must be whole
    with pytest.raises(ValueError):
        Cell.number(3, "furlongs")  # type: ignore[arg-type]
    assert Cell.number(3) == Cell.number(3.0)


def test_cell_descriptions_read_aloud():
    assert Cell.suppressed("*").description == "suppressed to protect privacy"
    assert Cell.not_collected().description == "not collected"
    assert Cell.provisional(12.34, "percent").description == "12.3% (provisional)"
    assert Cell.number(1234).description == "1,234"
    assert Cell.under_development().description == "Measurement under development"


# --- change since the same quarter last year -------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (11, 8, Decimal("37.5")),
        (8, 5.82, Decimal("37.5")),  # 37.457...
        (24995, 22446, Decimal("11.4")),  # 999 calls, Q1 2021/22 against Q1 2020/21
        (91, 95, Decimal("-4.2")),  # -4.2105...
        (8, 8, Decimal("0.0")),
        (0, 8, Decimal("-100.0")),
        (33, 16, Decimal("106.3")),  # 106.25: half-up
        (7.7, 11.9, Decimal("-35.3")),  # -35.294...
    ],
)
def test_change_since(current, previous, expected):
    assert change_since(current, previous) == expected


def test_change_since_nothing_is_none():
    assert change_since(5, 0) is None
    assert change_since(None, 5) is None
    assert change_since(5, None) is None


def test_describe_change():
    assert describe_change(change_since(11, 8)) == "an increase of 37.5%"
    assert describe_change(change_since(91, 95)) == "a decrease of 4.2%"
    assert describe_change(change_since(8, 8)) == "no change"
    assert describe_change(Decimal("0.04")) == "no change"
    assert describe_change(Decimal("1234.5")) == "an increase of 1,234.5%"
    assert describe_change(Decimal("3.2"), points=True) == "an increase of 3.2 percentage points"
    assert describe_change(None) is None


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_change_since_is_exact_half_up(current, previous):
    assert change_since(current, previous) == half_up(Fraction(100 * (current - previous), previous))
