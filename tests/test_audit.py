"""The disclosure auditor: hand-made documents with known leaks and known safe patterns, and
property tests against brute-force enumeration of every whole-number completion."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
import time
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opcc_desktop.figures.audit import (
    Figure,
    Interval,
    Report,
    Row,
    Share,
    Sum,
    _fix_printed,
    _sum_rows,
    audit,
)
from opcc_desktop.figures.audit_program import Group, Undecided

THRESHOLD = 5


def kinds(report: Report) -> set[tuple[str, str]]:
    """(kind, first figure named) of every finding."""
    return {(finding.kind, finding.figures[0]) for finding in report.findings}


def two_by_two(values: dict[str, int], hidden: set[str]) -> tuple[list[Figure], list[Sum]]:
    """Cells a b / c d with row totals r1 r2, column totals k1 k2 and grand total n."""
    a, b, c, d = (values[x] for x in "abcd")
    true = {**values, "r1": a + b, "r2": c + d, "k1": a + c, "k2": b + d, "n": a + b + c + d}
    figures = [Figure(f"T/{name}", None if name in hidden else value, true=value)
               for name, value in true.items()]
    sums = [Sum("T/r1", ("T/a", "T/b")), Sum("T/r2", ("T/c", "T/d")),
            Sum("T/k1", ("T/a", "T/c")), Sum("T/k2", ("T/b", "T/d")),
            Sum("T/n", ("T/r1", "T/r2")), Sum("T/n", ("T/k1", "T/k2"))]
    return figures, sums


def test_a_lone_hidden_primary_is_given_away_by_its_margins() -> None:
    figures, sums = two_by_two({"a": 3, "b": 10, "c": 12, "d": 20}, {"a"})
    report = audit(figures, sums, [], THRESHOLD)
    assert report.intervals == {"T/a": Interval(3, 3)}
    assert kinds(report) == {("exact", "T/a"), ("below_threshold", "T/a")}
    assert not report.ok
    assert report.summary() == ["T", "  T/a: exactly 3"]


def test_four_hidden_inner_cells_with_margins_shown_are_safe() -> None:
    figures, sums = two_by_two({"a": 3, "b": 10, "c": 12, "d": 20}, {"a", "b", "c", "d"})
    report = audit(figures, sums, [], THRESHOLD)
    assert report.ok
    # a + b = 13, c + d = 32, a + c = 15: a moves freely from 0 to 13, the rest follow it
    assert report.intervals == {"T/a": Interval(0, 13), "T/b": Interval(0, 13),
                                "T/c": Interval(2, 15), "T/d": Interval(17, 30)}
    assert all(interval.hi >= THRESHOLD for interval in report.intervals.values())
    assert report.summary()[0] == "T" and "  T/a: 0 to 13" in report.summary()


def rounds_to(numerator: int, denominator: int, printed: Decimal, decimals: int) -> bool:
    exact = Decimal(100 * numerator) / Decimal(denominator)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP) == printed


def test_a_percentage_of_a_hidden_total_narrows_it_to_what_the_rounding_allows() -> None:
    figures = [Figure("Col/Burglary", 151), Figure("Col/Total", None, true=396)]
    share = Share("Col/Burglary", "Col/Total", Decimal("38.1"))
    report = audit(figures, [], [share], THRESHOLD)
    fits = [t for t in range(1, 5000) if rounds_to(151, t, Decimal("38.1"), 1)]
    assert report.intervals["Col/Total"] == Interval(min(fits), max(fits))
    assert 396 in report.intervals["Col/Total"]
    # only 396 fits at one place (151/395 = 38.23%, 151/397 = 38.04%), so it is exact already
    assert fits == [396] and ("exact", "Col/Total") in kinds(report)


def test_two_percentages_beside_a_hidden_total_give_away_the_small_cell_in_its_column() -> None:
    figures = [Figure("Col/Burglary", 151), Figure("Col/Violence", 241),
               Figure("Col/Theft", None, lower=1, true=4), Figure("Col/Total", None, true=396)]
    sums = [Sum("Col/Total", ("Col/Burglary", "Col/Violence", "Col/Theft"))]
    shares = [Share("Col/Burglary", "Col/Total", Decimal("38.1")),
              Share("Col/Violence", "Col/Total", Decimal("60.9"))]
    report = audit(figures, sums, shares, THRESHOLD)
    assert report.intervals == {"Col/Theft": Interval(4, 4), "Col/Total": Interval(396, 396)}
    assert {("exact", "Col/Theft"), ("below_threshold", "Col/Theft"),
            ("exact", "Col/Total")} == kinds(report)


def test_the_upper_side_of_a_rounded_percentage_is_strict() -> None:
    # 1 of 8 is 12.5% exactly, which prints as 13% (half up): no count of people gives 12%
    figures = [Figure("S/n", 1, people=False), Figure("S/d", None)]
    report = audit(figures, [], [Share("S/n", "S/d", Decimal(12), 0)], THRESHOLD)
    assert [f.kind for f in report.findings] == ["inconsistent"]
    report = audit(figures, [], [Share("S/n", "S/d", Decimal(13), 0)], THRESHOLD)
    assert report.intervals["S/d"] == Interval(8, 8)


@settings(max_examples=60, deadline=None)
@given(numerator=st.integers(0, 60), denominator=st.integers(1, 150), decimals=st.integers(0, 2))
def test_a_hidden_denominator_matches_brute_force(numerator: int, denominator: int,
                                                  decimals: int) -> None:
    printed = (Decimal(100 * numerator) / denominator).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    figures = [Figure("S/n", numerator), Figure("S/d", None, upper=400, true=denominator)]
    report = audit(figures, [], [Share("S/n", "S/d", printed, decimals)], THRESHOLD)
    fits = [t for t in range(1, 401) if rounds_to(numerator, t, printed, decimals)]
    assert report.intervals["S/d"] == Interval(min(fits), max(fits))


def test_two_hidden_small_cells_whose_sum_is_known_are_both_provably_small() -> None:
    figures = [Figure("Col/Total", 30), Figure("Col/A", 14), Figure("Col/B", 12),
               Figure("Col/C", None, true=3), Figure("Col/D", None, true=1)]
    sums = [Sum("Col/Total", ("Col/A", "Col/B", "Col/C", "Col/D"))]
    report = audit(figures, sums, [], THRESHOLD)
    assert report.intervals == {"Col/C": Interval(0, 4), "Col/D": Interval(0, 4)}
    assert kinds(report) == {("below_threshold", "Col/C"), ("below_threshold", "Col/D")}


OFFENCES = ("Theft", "Public order", "Other")


def gender_table(female: dict[str, int | None], female_total_floor: int) -> list[Figure]:
    """Offence by gender: the Female column as given (None hidden, floor 0 or 1), the Male
    column and every total but the Female one printed."""
    male = {"Theft": 20, "Public order": 9, "Other": 14}
    true_female = {"Theft": 2, "Public order": 0, "Other": 0}
    figures = [Figure("Divert/Female", None, lower=female_total_floor, true=2),
               Figure("Divert/Male", sum(male.values())), Figure("Divert/All", 45)]
    for offence in OFFENCES:
        shown = female[offence]
        figures += [Figure(f"Divert/{offence}/Female", shown, lower=1 if shown is None and offence == "Theft" else 0,
                           true=true_female[offence]),
                    Figure(f"Divert/{offence}/Male", male[offence])]
    return figures


FEMALE_COLUMN = Sum("Divert/Female", tuple(f"Divert/{o}/Female" for o in OFFENCES))


def test_every_woman_provably_in_one_offence_is_a_group_attribute_finding() -> None:
    figures = gender_table({"Theft": None, "Public order": 0, "Other": 0}, female_total_floor=1)
    report = audit(figures, [FEMALE_COLUMN], [], THRESHOLD)
    group = [f for f in report.findings if f.kind == "group_attribute"]
    assert [f.figures for f in group] == [("Divert/Theft/Female", "Divert/Female")]
    assert "Divert/Theft/Female" in group[0].message and "Divert/Female" in group[0].message
    # the reader does not learn how many: both are 1 or more, unbounded
    assert report.intervals["Divert/Theft/Female"] == Interval(1, None)


def test_hiding_the_zeros_too_removes_the_group_attribute_finding() -> None:
    figures = gender_table({"Theft": None, "Public order": None, "Other": None},
                           female_total_floor=0)
    totals_row = Sum("Divert/All", ("Divert/Female", "Divert/Male"))
    report = audit(figures, [FEMALE_COLUMN, totals_row], [], THRESHOLD)
    assert not [f for f in report.findings if f.kind == "group_attribute"]
    assert report.intervals["Divert/Public order/Female"] == Interval(0, 1)
    # the Female total itself is still 45 - 43 = 2 for anyone: the auditor says so
    assert {("exact", "Divert/Female"), ("below_threshold", "Divert/Female")} <= kinds(report)


def test_a_small_printed_total_counts_with_its_printed_value() -> None:
    figures = [Figure("G/Total", 3), Figure("G/A", None, lower=1), Figure("G/B", 0)]
    report = audit(figures, [Sum("G/Total", ("G/A", "G/B"))], [], THRESHOLD)
    assert ("group_attribute", "G/A") in kinds(report)


def test_printed_figures_that_contradict_the_relations_are_a_finding_not_a_crash() -> None:
    figures = [Figure("X/Total", 10), Figure("X/A", 3), Figure("X/B", 8), Figure("X/C", None),
               Figure("Y/Total", 7), Figure("Y/A", 3), Figure("Y/B", 3)]
    sums = [Sum("X/Total", ("X/A", "X/B", "X/C")), Sum("Y/Total", ("Y/A", "Y/B"))]
    report = audit(figures, sums, [Share("Y/A", "Y/Total", Decimal("50.0"))], THRESHOLD)
    inconsistent = [f for f in report.findings if f.kind == "inconsistent"]
    assert {f.figures for f in inconsistent} == {
        ("X/C",), ("Y/Total", "Y/A", "Y/B"), ("Y/A", "Y/Total")}
    assert "X/Total = X/A + X/B + X/C" in next(f.message for f in inconsistent if f.figures == ("X/C",))
    assert report.intervals == {}
    assert report.summary() == ["X", "  X/C: not worked out (see the findings)"]


def test_a_new_edition_gives_away_the_quarter_only_increment() -> None:
    figures = [Figure("Q3/Referrals", 10), Figure("Q4/Referrals", 12),
               Figure("Q4 only/Referrals", None, true=2)]
    report = audit(figures, [Sum("Q4/Referrals", ("Q3/Referrals", "Q4 only/Referrals"))], [],
                   THRESHOLD)
    assert kinds(report) == {("exact", "Q4 only/Referrals"), ("below_threshold", "Q4 only/Referrals")}


def test_unbounded_and_unlinked_figures() -> None:
    figures = [Figure("U/Total", None, true=50), Figure("U/A", 20), Figure("U/B", None, true=30),
               Figure("U/Alone", None, lower=2, upper=2, true=2),
               Figure("U/Helper", None, lower=1, upper=1, people=False)]
    report = audit(figures, [Sum("U/Total", ("U/A", "U/B"))], [], THRESHOLD)
    assert report.intervals == {"U/Total": Interval(20, None), "U/B": Interval(0, None),
                                "U/Alone": Interval(2, 2), "U/Helper": Interval(1, 1)}
    assert kinds(report) == {("exact", "U/Alone"), ("below_threshold", "U/Alone")}
    assert "  U/Total: 20 or more" in report.summary()


def test_a_hidden_zero_is_not_reported_as_a_small_number_when_its_truth_is_known() -> None:
    figures = [Figure("Z/Total", 3, people=False), Figure("Z/A", None, true=3), Figure("Z/B", None, true=0)]
    report = audit(figures, [Sum("Z/Total", ("Z/A", "Z/B"))], [], THRESHOLD)
    assert kinds(report) == {("below_threshold", "Z/A")}
    outside = [Figure(f.name, f.printed, people=f.people) for f in figures]
    report = audit(outside, [Sum("Z/Total", ("Z/A", "Z/B"))], [], THRESHOLD)
    assert kinds(report) == {("below_threshold", "Z/A"), ("below_threshold", "Z/B")}


def test_weighted_sums() -> None:
    figures = [Figure("W/Total", 7), Figure("W/Pairs", None), Figure("W/Singles", None)]
    report = audit(figures, [Sum("W/Total", ("W/Pairs", "W/Singles"), (2, 1))], [], THRESHOLD)
    assert report.intervals == {"W/Pairs": Interval(0, 3), "W/Singles": Interval(1, 7)}


def test_malformed_input_is_an_error() -> None:
    with pytest.raises(ValueError, match="two figures"):
        audit([Figure("A", 1), Figure("A", 2)], [], [], THRESHOLD)
    with pytest.raises(ValueError, match="no figure named B"):
        audit([Figure("A", 1)], [Sum("A", ("B",))], [], THRESHOLD)
    with pytest.raises(ValueError, match="decimal places"):
        audit([Figure("A", 1), Figure("B", None)], [], [Share("A", "B", Decimal("3.14"))], THRESHOLD)


def test_a_time_limit_hit_is_undecided_never_a_pass() -> None:
    # a market split problem (whole-number 0/1 unknowns under weighted sums): notoriously
    # hard for integer programming at this size, so each solve runs into its time limit
    rng = random.Random(1)
    figures = [Figure(f"M/x{i}", None, upper=1, people=False) for i in range(30)]
    sums = []
    for k in range(3):
        weights = tuple(rng.randint(0, 99) for _ in range(30))
        figures.append(Figure(f"M/b{k}", sum(weights) // 2))
        sums.append(Sum(f"M/b{k}", tuple(f"M/x{i}" for i in range(30)), weights))
    report = audit(figures, sums, [], THRESHOLD, time_limit=0.02)
    assert not report.ok and report.intervals == {}
    assert {f.kind for f in report.findings} == {"undecided"}
    assert "ran out of time" in report.findings[0].message


def test_the_time_limit_is_for_each_solve_not_for_the_whole_group() -> None:
    # one HiGHS model answers every solve of a group; HiGHS once counted its time limit over
    # all the runs of a model, which would turn a long audit into spurious undecided findings
    figures, sums = two_by_two({"a": 3, "b": 10, "c": 12, "d": 20}, {"a", "b", "c", "d"})
    hidden = [f for f in figures if f.printed is None]
    printed = {f.name: f.printed for f in figures if f.printed is not None}
    rows = [_fix_printed(row, printed) for s in sums for row in _sum_rows(s)]
    group = Group(hidden, [row for row in rows if row.terms], time_limit=0.1)
    start, solves = time.perf_counter(), 0
    while time.perf_counter() - start < 0.4:
        group.seen.clear()  # no shortcuts: every extreme is a run
        assert group.interval(solves % 4) == [Interval(0, 13), Interval(0, 13), Interval(2, 15),
                                              Interval(17, 30)][solves % 4]
        solves += 1
    assert solves > 4


def test_an_integer_program_the_solver_refuses_is_undecided_never_a_pass() -> None:
    # 16 decimal places make coefficients beyond what HiGHS takes; a model loaded without
    # that row would prove too little, so the figure is undecided
    figures = [Figure("S/n", 1, people=False), Figure("S/d", None)]
    report = audit(figures, [], [Share("S/n", "S/d", Decimal("12.5"), 16)], THRESHOLD)
    assert [f.kind for f in report.findings] == ["undecided"] and report.intervals == {}
    assert "refused" in report.findings[0].message


def test_the_auditor_is_silent_and_imports_no_scipy() -> None:
    script = ("import sys; from opcc_desktop.figures.audit import Figure, Sum, audit; "
              "audit([Figure('T', None), Figure('A', 3), Figure('B', None)], "
              "[Sum('T', ('A', 'B'))], [], 5); assert 'scipy' not in sys.modules")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout == "" and done.stderr == ""


def test_a_completion_that_fails_the_exact_check_is_refused() -> None:
    group = Group([Figure("A", None), Figure("B", None)], [Row({"A": 2, "B": -2}, None, -1, "")], 1.0)
    assert group.holds((0, 1)) and not group.holds((1, 1)) and not group.holds((-1, 0))
    assert group._verified(np.array([0.4, 0.6])) == (0, 1)
    with pytest.raises(Undecided, match="exact whole-number check"):
        group._verified(np.array([0.6, 0.6]))


# --- against brute force ---------------------------------------------------------------------

CELLS = [(i, j) for i in range(3) for j in range(3)]


def table_3x3(cells: dict[tuple[int, int], int]) -> dict[str, int]:
    values = {f"T/{i}{j}": cells[i, j] for i, j in CELLS}
    values |= {f"T/r{i}": sum(cells[i, j] for j in range(3)) for i in range(3)}
    values |= {f"T/k{j}": sum(cells[i, j] for i in range(3)) for j in range(3)}
    values["T/n"] = sum(cells.values())
    return values


SUMS_3X3 = ([Sum(f"T/r{i}", tuple(f"T/{i}{j}" for j in range(3))) for i in range(3)]
            + [Sum(f"T/k{j}", tuple(f"T/{i}{j}" for i in range(3))) for j in range(3)]
            + [Sum("T/n", ("T/r0", "T/r1", "T/r2")), Sum("T/n", ("T/k0", "T/k1", "T/k2"))])


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.integers(0, 4), min_size=9, max_size=9),
       hidden_cells=st.sets(st.sampled_from(CELLS), max_size=6),
       hidden_margins=st.sets(st.sampled_from(["r0", "r1", "r2", "k0", "k1", "k2", "n"])))
def test_intervals_of_a_3x3_table_equal_brute_force(values: list[int], hidden_cells: set,
                                                    hidden_margins: set[str]) -> None:
    cells = dict(zip(CELLS, values))
    true = table_3x3(cells)
    hidden = {f"T/{i}{j}" for i, j in hidden_cells} | {f"T/{m}" for m in hidden_margins}
    # the reader knows every cell is 0..4 (a ceiling given a priori)
    figures = [Figure(name, None if name in hidden else value,
                      upper=4 if len(name) == 4 and name[2].isdigit() else None, true=value)
               for name, value in true.items()]
    report = audit(figures, SUMS_3X3, [], THRESHOLD)

    completions = []
    for guess in itertools.product(range(5), repeat=len(hidden_cells)):
        trial = table_3x3(cells | dict(zip(sorted(hidden_cells), guess)))
        if all(trial[name] == true[name] for name in true if name not in hidden):
            completions.append(trial)
    for name in hidden:
        seen = [trial[name] for trial in completions]
        assert true[name] in report.intervals[name]
        assert report.intervals[name] == Interval(min(seen), max(seen))


def test_a_small_count_of_people_printed_is_a_finding() -> None:
    report = audit([Figure("T/A", 3), Figure("T/B", 3, people=False)], [], [], THRESHOLD)
    assert kinds(report) == {("printed_small", "T/A")}


def test_the_same_count_under_two_names_is_no_group_split_up() -> None:
    figures = [Figure("A/Male", None, lower=1, true=3), Figure("B/Male", None, lower=1, true=3),
               Figure("A/Total", 12), Figure("A/Female", 9)]  # fmt: skip
    sums = [Sum("B/Male", ("A/Male",)), Sum("A/Total", ("A/Male", "A/Female"))]
    assert not [f for f in audit(figures, sums, [], THRESHOLD).findings if f.kind == "group_attribute"]


def test_a_relation_that_is_no_group_split_gives_no_group_attribute() -> None:
    figures = [Figure("Q4", None, lower=1, true=2), Figure("Q3", 2), Figure("added", 0)]
    linked = [Sum("Q4", ("Q3", "added"), group=False)]
    assert not [f for f in audit(figures, linked, [], THRESHOLD).findings if f.kind == "group_attribute"]
    assert [f for f in audit(figures, [Sum("Q4", ("Q3", "added"))], [], THRESHOLD).findings
            if f.kind == "group_attribute"]  # fmt: skip


def test_the_hidden_parts_of_a_printed_zero_are_no_finding() -> None:
    """Nobody in any service is 18-24 (printed 0): a tiny service's hidden 18-24 is 0 for all
    to see, and its one user's being 25-64 is true of everyone counted, not of a small group."""
    figures = [Figure("All/18-24", 0), Figure("All/25-64", None, lower=1), Figure("All/Total", None, lower=1),
               Figure("A/18-24", None), Figure("A/25-64", None), Figure("A/Total", None, true=1),
               Figure("B/18-24", 0), Figure("B/25-64", 20), Figure("B/Total", 20)]
    sums = [Sum("All/18-24", ("A/18-24", "B/18-24")), Sum("All/25-64", ("A/25-64", "B/25-64")),
            Sum("A/Total", ("A/18-24", "A/25-64")), Sum("B/Total", ("B/18-24", "B/25-64")),
            Sum("All/Total", ("All/18-24", "All/25-64")), Sum("All/Total", ("A/Total", "B/Total"))]
    report = audit(figures, sums, [], THRESHOLD)
    assert report.intervals["A/18-24"] == Interval(0, 0)
    assert report.ok, report.findings


def test_a_zero_a_reader_works_out_otherwise_still_gives_the_group_away() -> None:
    """The same small group, but its 18-24 is zero because of a printed shown total (its
    printed siblings are large), not because everyone's 18-24 is zero: still a finding."""
    figures = [Figure("All/18-24", 7), Figure("A/18-24", None), Figure("B/18-24", 7),
               Figure("A/25-64", None, lower=1), Figure("A/Total", None, true=1)]
    sums = [Sum("All/18-24", ("A/18-24", "B/18-24")), Sum("A/Total", ("A/18-24", "A/25-64"))]
    report = audit(figures, sums, [], THRESHOLD)
    assert ("group_attribute", "A/25-64") in kinds(report)
