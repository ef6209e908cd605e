"""Workforce analysis on hand-made rows, every figure computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opcc_desktop.areas.vocab import WORKFORCE_CHARACTERISTICS
from opcc_desktop.figures import workforce_analysis as wa


def person(ref: str, **values: object) -> dict[str, object]:
    row: dict[str, object] = {name: "Not declared" for name in WORKFORCE_CHARACTERISTICS}
    row.update({"staff_ref": ref, "fte": 1.0})
    row.update(values)
    return row


# 8 people: sex 5 Female, 2 Male, 1 Prefer not to say; disability 1 Yes, 4 No, 3 undeclared.
NOW = [
    person("A1", sex="Female", disability="Yes", fte=0.5),
    person("A2", sex="Female", disability="No"),
    person("A3", sex="Female", disability="No", fte=0.8),
    person("A4", sex="Female", disability="Prefer not to say"),
    person("A5", sex="Female", disability="No"),
    person("A6", sex="Male", disability="No"),
    person("A7", sex="Male", disability="Not declared"),
    person("A8", sex="Prefer not to say", disability="Not declared"),
]
# 6 people: A1-A5 and B9 (A6, A7, A8 joined since; B9 left).
BEFORE = [
    person("A1", sex="Female", disability="Prefer not to say"),
    person("A2", sex="Female", disability="No"),
    person("A3", sex="Female", disability="No"),
    person("A4", sex="Female", disability="Prefer not to say"),
    person("A5", sex="Female", disability="No"),
    person("B9", sex="Male", disability="Yes"),
]


def test_breakdown_counts_and_percent_in_vocab_order() -> None:
    result = wa.breakdown(NOW, "sex")
    assert [c.category for c in result] == ["Female", "Male", "Prefer not to say", "Not declared"]
    assert [c.count for c in result] == [5, 2, 1, 0]
    # 5/8 = 62.5%, 2/8 = 25.0%, 1/8 = 12.5%, a true zero is 0.0
    assert [c.percent for c in result] == [Decimal("62.5"), Decimal("25.0"), Decimal("12.5"), Decimal("0.0")]


def test_breakdown_lists_every_category_even_at_zero() -> None:
    result = wa.breakdown(NOW, "religion")
    assert [c.category for c in result] == list(WORKFORCE_CHARACTERISTICS["religion"])
    assert sum(c.count for c in result) == len(NOW)
    assert {c.category: c.count for c in result}["Not declared"] == 8


def test_breakdown_rounds_half_up() -> None:
    rows = [person(f"X{i}", sex="Female" if i == 0 else "Male") for i in range(16)]
    # 1/16 = 6.25% -> 6.3 (half-up), 15/16 = 93.75% -> 93.8
    counts = {c.category: c.percent for c in wa.breakdown(rows, "sex")}
    assert counts["Female"] == Decimal("6.3")
    assert counts["Male"] == Decimal("93.8")


def test_unexpected_value_and_blank_are_kept() -> None:
    rows = [person("X1", sex="Female"), person("X2", sex="Intersex"), person("X3", sex=None)]
    result = {c.category: c.count for c in wa.breakdown(rows, "sex")}
    assert result["Intersex"] == 1
    assert result["Not declared"] == 1
    assert list(result)[-1] == "Intersex"


def test_breakdown_of_empty_snapshot_has_no_percentages() -> None:
    result = wa.breakdown([], "sex")
    assert all(c.count == 0 and c.percent is None for c in result)


def test_unknown_characteristic_is_refused() -> None:
    with pytest.raises(KeyError):
        wa.breakdown(NOW, "shoe_size")


def test_declaration_rate() -> None:
    sex = wa.declaration_rate(NOW, "sex")
    assert (sex.declared, sex.headcount, sex.rate) == (7, 8, Decimal("87.5"))
    disability = wa.declaration_rate(NOW, "disability")
    assert (disability.declared, disability.rate) == (5, Decimal("62.5"))  # 1 Yes + 4 No
    before = wa.declaration_rate(BEFORE, "disability")
    assert (before.declared, before.rate) == (4, Decimal("66.7"))  # 4/6 = 66.66..
    assert wa.declaration_rates(NOW)["religion"].rate == Decimal("0.0")
    assert wa.declaration_rate([], "sex").rate is None


def test_change_between_snapshots() -> None:
    changes = {c.category: (c.previous, c.current, c.difference) for c in wa.change_between(BEFORE, NOW, "sex")}
    assert changes == {
        "Female": (5, 5, 0),
        "Male": (1, 2, 1),
        "Prefer not to say": (0, 1, 1),
        "Not declared": (0, 0, 0),
    }
    disability = {c.category: c.difference for c in wa.change_between(BEFORE, NOW, "disability")}
    assert disability == {"Yes": 0, "No": 1, "Prefer not to say": -1, "Not declared": 2}


def test_turnover_by_staff_ref() -> None:
    result = wa.turnover(BEFORE, NOW)
    assert result.joiners == {"A6", "A7", "A8"}
    assert result.leavers == {"B9"}
    assert result.stayers == {"A1", "A2", "A3", "A4", "A5"}
    assert len(NOW) == len(BEFORE) + len(result.joiners) - len(result.leavers)


def test_total_fte() -> None:
    # 0.5 + 0.8 + 6 x 1.0 = 7.3; a missing FTE counts as full time
    assert wa.total_fte(NOW) == Decimal("7.30")
    assert wa.total_fte([person("Z1", fte=None), person("Z2", fte=0.1), person("Z3", fte=0.2)]) == Decimal("1.30")


def test_leave_summary() -> None:
    events = [
        {"leave_type": "Maternity", "outcome": "Returned"},
        {"leave_type": "Maternity", "outcome": "Returned"},
        {"leave_type": "Maternity", "outcome": "Still on leave"},
        {"leave_type": "Paternity", "outcome": "Returned"},
        {"leave_type": "Adoption", "outcome": "Did not return"},
    ]
    summary = wa.leave_summary(events)
    assert summary.leave_types[:4] == ("Maternity", "Paternity", "Adoption", "Shared parental")
    assert summary.outcomes == ("Returned", "Did not return", "Still on leave")
    assert summary.count("Maternity", "Returned") == 2
    assert summary.count("Shared parental", "Returned") == 0
    assert summary.type_total("Maternity") == 3
    assert summary.outcome_total("Returned") == 3
    assert summary.total == 5
    assert wa.leave_summary([]).total == 0


ANSWERS = {name: st.sampled_from([*values, "", None, "Unexpected"]) for name, values in WORKFORCE_CHARACTERISTICS.items()}
STAFF = st.fixed_dictionaries({
    "staff_ref": st.sampled_from([f"S{i}" for i in range(12)]),
    **ANSWERS,
    "fte": st.sampled_from([None, 1.0, 0.8, 0.5, 0.01]),
})  # fmt: skip


def _figures(tally: wa.Tally, previous: wa.Tally) -> tuple[object, ...]:
    return (tally.headcount, {n: tally.breakdown(n) for n in WORKFORCE_CHARACTERISTICS}, tally.declaration_rates(),
            tally.total_fte(), tally.turnover_since(previous), tally.change_since(previous, "ethnicity"))


@settings(max_examples=150, deadline=None)
@given(st.lists(STAFF, max_size=25), st.lists(STAFF, max_size=25), st.data())
def test_a_tally_kept_up_to_date_row_by_row_matches_one_counted_afresh(rows, previous, data) -> None:
    """The window updates its figures row by row as staff are edited; they must be exactly
    what counting the rows afresh gives, and what the pack's functions give."""
    tally, before = wa.Tally.of(rows), wa.Tally.of(previous)
    edited = list(rows)
    for _ in range(data.draw(st.integers(0, 6))):
        at = data.draw(st.integers(0, len(edited))) if edited else 0
        new = data.draw(STAFF)
        if edited and at < len(edited):
            tally.remove([edited[at]])
            edited[at] = new
        else:
            edited.append(new)
        tally.add([new])
    assert _figures(tally, before) == _figures(wa.Tally.of(edited), before)
    assert tally.total_fte() == wa.total_fte(edited) and tally.turnover_since(before) == wa.turnover(previous, edited)
    assert tally.breakdown("sex") == wa.breakdown(edited, "sex")
