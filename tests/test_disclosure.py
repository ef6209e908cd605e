"""Small-number suppression: hand-made tables, and property tests that a reader cannot work
out any hidden cell from what is published.

The oracle is independent of the module's graph audit: it writes down the reader's
equations (every published total is the sum of its line) with the hidden entries as
unknowns, and asks an integer program (scipy's HiGHS ``milp``) whether the hidden entry can
take any value other than the true one."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from opcc_desktop.figures.disclosure import (
    Decision,
    Policy,
    SuppressedTable,
    suppress_distribution,
    suppress_table,
)
from opcc_desktop.figures.formatting import CellState, round_half_up

STAR = Policy(5, "*")
SHOWN, PRIMARY, SECONDARY = Decision.SHOWN, Decision.PRIMARY, Decision.SECONDARY
NC = Decision.NOT_COLLECTED


# --- the reader's equations, and the integer-programming oracle ------------------------------


def published_system(counts: list[list[int | None]], result: SuppressedTable):
    """Entries (cells and published totals) with their true values and whether they are
    hidden, and the reader's equations as lists of (entry, coefficient) summing to 0."""
    m, n = len(counts), len(counts[0])
    entries: dict[tuple, tuple[int, bool]] = {}
    for i in range(m):
        for j in range(n):
            if counts[i][j] is not None:
                entries["cell", i, j] = (counts[i][j], result.decisions[i][j].suppressed)
    row_sums = [sum(v for v in row if v is not None) for row in counts]
    column_sums = [sum(counts[i][j] for i in range(m) if counts[i][j] is not None) for j in range(n)]
    equations = []
    if result.row_totals:
        for i in range(m):
            entries["row", i] = (row_sums[i], result.row_total_decisions[i].suppressed)
            equations.append([(("cell", i, j), 1) for j in range(n) if ("cell", i, j) in entries] + [(("row", i), -1)])
    if result.column_totals:
        for j in range(n):
            entries["col", j] = (column_sums[j], result.column_total_decisions[j].suppressed)
            equations.append([(("cell", i, j), 1) for i in range(m) if ("cell", i, j) in entries] + [(("col", j), -1)])
    if result.grand_total is not None:
        entries["grand"] = (sum(row_sums), result.grand_total_decision.suppressed)
        equations.append([(("row", i), 1) for i in range(m)] + [("grand", -1)])
        equations.append([(("col", j), 1) for j in range(n)] + [("grand", -1)])
    return entries, equations


def can_differ(entries, equations, target, lower: int) -> bool:
    """Is there a whole-number completion, hidden entries >= ``lower``, that satisfies every
    published equation and gives ``target`` a value other than its true one?"""
    np = pytest.importorskip("numpy")
    optimize = pytest.importorskip("scipy.optimize")
    unknown = [key for key, (_, hidden) in entries.items() if hidden]
    index = {key: k for k, key in enumerate(unknown)}
    rows, rhs = [], []
    for equation in equations:
        row, constant = np.zeros(len(unknown)), 0
        for key, coefficient in equation:
            value, hidden = entries[key]
            if hidden:
                row[index[key]] += coefficient
            else:
                constant -= coefficient * value
        if row.any():
            rows.append(row)
            rhs.append(constant)
        else:
            assert constant == 0  # an equation among shown entries only: must hold
    true = entries[target][0]
    for low, high in ((lower, true - 1), (true + 1, 10**6)):
        if low > high:
            continue
        bounds_low = np.full(len(unknown), float(lower))
        bounds_high = np.full(len(unknown), 1e6)
        bounds_low[index[target]], bounds_high[index[target]] = low, high
        constraints = [optimize.LinearConstraint(np.array(rows), rhs, rhs)] if rows else []
        outcome = optimize.milp(
            np.zeros(len(unknown)),
            constraints=constraints,
            integrality=np.ones(len(unknown)),
            bounds=optimize.Bounds(bounds_low, bounds_high),
        )
        if outcome.status == 0:
            return True
        assert outcome.status == 2, outcome.message  # 2: infeasible; anything else is a bug
    return False


def recoverable_entries(counts, result, lower: int) -> list[tuple]:
    entries, equations = published_system(counts, result)
    return [key for key, (_, hidden) in entries.items() if hidden and not can_differ(entries, equations, key, lower)]


def hidden_per_line(result: SuppressedTable) -> list[int]:
    """Hidden entries in each published line (its cells plus its total)."""
    d = result.decisions
    lines = []
    if result.row_totals:
        lines += [sum(x.suppressed for x in row) + result.row_total_decisions[i].suppressed for i, row in enumerate(d)]
    if result.column_totals:
        lines += [
            sum(row[j].suppressed for row in d) + result.column_total_decisions[j].suppressed for j in range(len(d[0]))
        ]
    if result.grand_total_decision is not None:
        g = result.grand_total_decision.suppressed
        lines.append(sum(x.suppressed for x in result.row_total_decisions) + g)
        lines.append(sum(x.suppressed for x in result.column_total_decisions) + g)
    return lines


# --- policy ----------------------------------------------------------------------------------


def test_policy():
    assert [c for c in range(8) if STAR.is_small(c)] == [1, 2, 3, 4]
    assert STAR.active
    assert not Policy(0, "*").active and not Policy(0, "*").is_small(1)
    with pytest.raises(ValueError):
        Policy(-1, "*")
    with pytest.raises(ValueError):
        Policy(5, " ")


# --- tables by hand --------------------------------------------------------------------------


def test_one_small_cell_gets_one_complement_in_its_row_and_its_column():
    result = suppress_table([[2, 10, 12], [8, 9, 15]], STAR)
    assert result.decisions == ((PRIMARY, SECONDARY, SHOWN), (SECONDARY, SECONDARY, SHOWN))
    # In row 0 the smallest other cell (10, not 12) is hidden; then column 0 needs 8, and
    # row 1 and column 1 are both mended by the one cell 9.
    assert result.text_grid() == [["*", "*", "12", "24"], ["*", "*", "15", "32"], ["10", "19", "27", "56"]]
    assert result.suppressed_count == 4
    assert all(d is SHOWN for d in result.row_total_decisions + result.column_total_decisions)
    assert recoverable_entries([[2, 10, 12], [8, 9, 15]], result, lower=0) == []


def test_nothing_small_nothing_hidden():
    counts = [[0, 10, 12], [8, 0, 15]]
    result = suppress_table(counts, STAR)
    assert result.suppressed_count == 0
    assert result.text_grid() == [["0", "10", "12", "22"], ["8", "0", "15", "23"], ["8", "10", "27", "45"]]


def test_a_small_row_total_is_hidden_with_its_cells_and_a_partner_total():
    counts = [[1, 2, 0], [10, 20, 30]]
    result = suppress_table(counts, STAR)
    assert result.row_total_decisions == (PRIMARY, SECONDARY)  # the totals column needs two
    assert result.decisions[0] == (PRIMARY, PRIMARY, SHOWN)  # the zero stays a true zero
    assert result.grand_total.text == "63"
    assert result.column_totals[0].text == "11"
    assert min(hidden_per_line(result)) != 1
    assert recoverable_entries(counts, result, lower=1) == []


def test_a_small_grand_total_hides_every_non_zero_entry():
    result = suppress_table([[3, 0], [0, 0]], STAR)
    assert result.text_grid() == [["*", "0", "*"], ["0", "0", "0"], ["*", "0", "*"]]
    assert result.grand_total_decision is PRIMARY


def test_two_hidden_ones_whose_sum_is_known_are_protected_further():
    # Row 0 hides 1 and 1 (sum 2 from its total); a reader who knows hidden cells are at
    # least 1 (zeros are always shown) would know both. The line rule alone is satisfied.
    counts = [[1, 1, 20], [20, 20, 20]]
    result = suppress_table(counts, STAR)
    assert recoverable_entries(counts, result, lower=1) == []
    assert result.decisions[0][2] is SECONDARY


def test_a_cell_bridging_two_hidden_blocks_is_protected():
    # Every line holds two or more hidden cells, yet cell (1, 2) is row 0 + row 1 - column 0
    # - column 1 (hidden parts): the line rule alone would publish a recoverable cell.
    counts = [[2, 3, 20, 20], [3, 2, 4, 20], [20, 20, 2, 3], [20, 20, 3, 2]]
    result = suppress_table(counts, STAR)
    assert min(hidden_per_line(result)) != 1
    assert recoverable_entries(counts, result, lower=0) == []
    assert recoverable_entries(counts, result, lower=1) == []
    assert result.suppressed_count > 9  # more than the nine small cells


def test_not_collected_cells_print_a_dash_and_stay_out_of_the_totals():
    result = suppress_table([[None, 10], [7, 9]], STAR)
    assert result.decisions[0][0] is NC
    assert result.cells[0][0].state is CellState.NOT_COLLECTED
    assert result.text_grid() == [["-", "10", "10"], ["7", "9", "16"], ["7", "19", "26"]]


def test_without_published_totals_only_small_cells_are_hidden():
    result = suppress_table([[2, 10], [8, 9]], STAR, row_totals_shown=False, column_totals_shown=False)
    assert result.decisions == ((PRIMARY, SHOWN), (SHOWN, SHOWN))
    assert result.row_totals == () and result.column_totals == () and result.grand_total is None
    assert result.text_grid() == [["*", "10"], ["8", "9"]]


def test_with_row_totals_only_each_row_is_its_own_line():
    counts = [[2, 10, 12], [8, 9, 15]]
    result = suppress_table(counts, STAR, column_totals_shown=False)
    assert result.decisions == ((PRIMARY, SECONDARY, SHOWN), (SHOWN, SHOWN, SHOWN))
    assert result.text_grid() == [["*", "*", "12", "24"], ["8", "9", "15", "32"]]
    assert result.grand_total is None


def test_threshold_zero_switches_suppression_off():
    result = suppress_table([[1, 2], [0, 3]], Policy(0, "*"))
    assert result.suppressed_count == 0
    assert result.text_grid() == [["1", "2", "3"], ["0", "3", "3"], ["1", "5", "6"]]


def test_a_suppressed_cell_cannot_print_its_value():
    result = suppress_table([[2, 10, 12], [8, 9, 15]], Policy(5, "<5"))
    hidden = result.cells[0][0]
    assert hidden.text == "<5" and hidden.value is None and "2" not in repr(hidden)
    assert result.cells[0][2].value == 12


def test_bad_tables_are_refused():
    for bad in ([], [[]], [[1, 2], [3]], [[-1]], [[1.5]], [[True]]):
        with pytest.raises(ValueError):
            suppress_table(bad, STAR)


# --- distributions by hand -------------------------------------------------------------------


def test_distribution_hides_small_categories_and_one_more():
    d = suppress_distribution({"White": 40, "Asian": 3, "Black": 6, "Mixed": 0, "Not disclosed": 11}, STAR)
    assert d.decisions == (SHOWN, PRIMARY, SECONDARY, SHOWN, SHOWN)  # 6 is the smallest other
    assert [p.text for p in d.percents] == ["66.7%", "*", "*", "0.0%", "18.3%"]
    assert [c.text for c in d.counts] == ["40", "*", "*", "0", "11"]
    assert d.total.text == "60" and d.total_decision is SHOWN
    assert d.percent("Mixed").text == "0.0%" and d.decision("Asian") is PRIMARY
    assert d.rows()[0][0] == "White"


def test_distribution_two_hidden_ones_are_not_enough():
    d = suppress_distribution({"A": 1, "B": 1, "C": 38, "D": 20}, STAR)
    assert d.decisions == (PRIMARY, PRIMARY, SHOWN, SECONDARY)  # 1 + 1 = 2 would tell both
    assert [p.text for p in d.percents] == ["*", "*", "63.3%", "*"]


def test_distribution_of_a_small_group_is_hidden_whole():
    d = suppress_distribution({"Male": 3, "Female": 0, "Other": None}, STAR)
    assert [p.text for p in d.percents] == ["*", "*", "-"]  # not 100% / 0.0%
    assert d.total.text == "*" and d.total_decision is PRIMARY


def test_distribution_of_nobody_has_no_percentages():
    d = suppress_distribution({"Male": 0, "Female": 0}, STAR)
    assert [p.text for p in d.percents] == ["n/a", "n/a"]
    assert [c.text for c in d.counts] == ["0", "0"]


def test_distribution_without_suppression():
    d = suppress_distribution({"Yes": 1, "No": 7}, Policy(0, "*"))
    assert [p.text for p in d.percents] == ["12.5%", "87.5%"]


# --- property tests --------------------------------------------------------------------------

count = st.one_of(st.integers(0, 4), st.integers(0, 30), st.integers(0, 30), st.integers(1, 9))
maybe_count = st.one_of(count, count, count, count, count, count, count, count, count, st.none())
policies = st.builds(Policy, st.sampled_from([0, 2, 3, 5, 5, 5, 5, 10]), st.sampled_from(["*", "[c]"]))


@st.composite
def tables(draw):
    m, n = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    return [draw(st.lists(maybe_count, min_size=n, max_size=n)) for _ in range(m)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), policies, st.booleans(), st.booleans())
def test_no_hidden_entry_can_be_worked_out(counts, policy, rows_shown, columns_shown):
    result = suppress_table(counts, policy, row_totals_shown=rows_shown, column_totals_shown=columns_shown)
    entries, _ = published_system(counts, result)
    event(f"hidden entries: {min(6, sum(hidden for _, hidden in entries.values()))} (6 = 6 or more)")
    # What is shown is the truth; what is hidden is small or secondary, never a zero.
    for key, (value, hidden) in entries.items():
        if not hidden:
            continue
        assert value > 0
        assert policy.active
    for i, row in enumerate(counts):
        for j, value in enumerate(row):
            decision, cell = result.decisions[i][j], result.cells[i][j]
            if value is None:
                assert decision is NC and cell.text == "-"
            elif decision is SHOWN:
                assert cell.value == value and not policy.is_small(value)
            else:
                assert cell.text == policy.symbol and cell.value is None
                assert (decision is PRIMARY) == policy.is_small(value)
    assert 1 not in hidden_per_line(result)
    # The reader knows counts are whole and >= 0 (the brief's test), and also that a hidden
    # entry is >= 1 because zeros are always shown (the stronger test the module promises).
    assert recoverable_entries(counts, result, lower=1) == []
    assert recoverable_entries(counts, result, lower=0) == []


distributions = st.dictionaries(
    st.sampled_from(["A", "B", "C", "D", "E", "F", "G", "H"]), maybe_count, min_size=1, max_size=8
)


def half_up_percent(numerator: int, denominator: int) -> Decimal:
    exact = Fraction(1000 * numerator, denominator)  # tenths of a percent
    return Decimal(int((exact * 2 + 1) // 2)).scaleb(-1)


@settings(max_examples=300, deadline=None)
@given(distributions, policies, st.booleans())
def test_distribution_never_leaves_one_hidden_category(counts, policy, total_shown):
    d = suppress_distribution(counts, policy, total_shown=total_shown)
    collected = {k: v for k, v in counts.items() if v is not None}
    total = sum(collected.values())
    hidden = {k: v for k, v in collected.items() if d.decision(k).suppressed}
    # Shares always add up to a known 100%, so one hidden category alone would be known
    # (unless it is the only category: then its share is 100% by definition, its count hidden).
    assert len(hidden) != 1 or len(collected) == 1
    if hidden and not d.total_decision.suppressed:
        # With the total known and hidden categories >= 1, each hidden one must be able to
        # move: there is another hidden one, and the hidden sum is not just 1 + 1 + ... .
        assert sum(hidden.values()) > len(hidden)
    if d.total_decision is PRIMARY:  # a small group is hidden whole, zeros included
        assert policy.is_small(total)
        assert set(hidden) == set(collected)
    elif d.total_decision is SECONDARY:  # hidden last, once every other non-zero entry is
        assert all(v == 0 for k, v in collected.items() if k not in hidden)
    for name, value in counts.items():
        share = d.percent(name)
        if value is None:
            assert share.text == "-"
        elif d.decision(name).suppressed:
            assert share.text == policy.symbol and share.value is None
            assert d.count(name).value is None
        else:
            assert not policy.is_small(value)
            assert d.count(name).value == value


@settings(max_examples=300, deadline=None)
@given(distributions, policies)
def test_every_shown_percentage_is_rounded_half_up(counts, policy):
    d = suppress_distribution(counts, policy)
    total = sum(v for v in counts.values() if v is not None)
    for name, value in counts.items():
        share = d.percent(name)
        if value is None or d.decision(name).suppressed:
            continue
        if total == 0:
            assert share.text == "n/a"
            continue
        assert share.value == half_up_percent(value, total)  # exact oracle
        assert share.value == round_half_up(100 * value / total, 1)  # the brief's formula
        assert share.text == f"{half_up_percent(value, total):,.1f}%"


def test_the_oracle_catches_what_is_recoverable():
    """The oracle is not vacuous: primary suppression alone, and the line rule alone, leave
    cells a reader can work out, and the oracle says so."""
    from dataclasses import replace

    counts = [[2, 10, 12], [8, 9, 15]]
    shown = suppress_table(counts, Policy(0, "*"))
    primary_only = replace(shown, decisions=((PRIMARY, SHOWN, SHOWN), (SHOWN, SHOWN, SHOWN)))
    assert recoverable_entries(counts, primary_only, lower=0) == [("cell", 0, 0)]

    counts = [[2, 3, 20, 20], [3, 2, 4, 20], [20, 20, 2, 3], [20, 20, 3, 2]]
    small = tuple(tuple(PRIMARY if STAR.is_small(v) else SHOWN for v in row) for row in counts)
    line_rule_only = replace(suppress_table(counts, Policy(0, "*")), decisions=small)
    assert min(hidden_per_line(line_rule_only)) != 1
    assert recoverable_entries(counts, line_rule_only, lower=0) == [("cell", 1, 2)]

    counts = [[1, 1, 20], [20, 20, 20]]
    square = ((PRIMARY, PRIMARY, SHOWN), (SECONDARY, SECONDARY, SHOWN))
    line_rule_only = replace(suppress_table(counts, Policy(0, "*")), decisions=square)
    assert recoverable_entries(counts, line_rule_only, lower=0) == []
    assert len(recoverable_entries(counts, line_rule_only, lower=1)) == 4  # 1 + 1 = 2
