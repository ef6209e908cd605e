"""KPI actions: outcomes, groups, KPIs (plain and derived), values in every cell state,
comparators and commentary. What each returns and writes, and what each refuses."""

from __future__ import annotations

import pytest
from action_helpers import ops, problem, refused

from opcc_desktop.areas import kpis
from opcc_desktop.errors import NotFound

# -- helpers -------------------------------------------------------------------------------


def new_id(changes, table: str) -> int:
    return next(r.key["id"] for r in changes.rows if r.table == table and r.op == "insert")


def group(wb) -> int:
    outcome = new_id(kpis.add_outcome(wb, "Build confidence"), "strategic_outcomes")
    return new_id(kpis.add_group(wb, outcome, "Public Access to Services"), "kpi_groups")


def kpi(wb, group_id: int, name: str, unit: str = "count", **derived) -> int:
    changes = kpis.add_kpi(wb, group_id, {"name": name, "unit": unit, "polarity": "higher"}, **derived)
    return new_id(changes, "kpis")


def cell(wb, kpi_id: int, year: str = "2021/22", quarter: int = 1) -> dict | None:
    rows = wb.rows("SELECT value, status, provisional, revised FROM kpi_values"
                   " WHERE kpi_id = ? AND financial_year = ? AND quarter = ?", [kpi_id, year, quarter])  # fmt: skip
    return rows[0] if rows else None


# -- outcomes and groups -------------------------------------------------------------------
def test_outcomes_and_groups_are_added_renamed_and_deleted(wb) -> None:
    changes = kpis.add_outcome(wb, "Build confidence")
    (row,) = changes.rows
    assert row.after == {"id": 1, "name": "Build confidence", "position": 1}
    changes = kpis.add_group(wb, 1, "Public Access")
    assert changes.rows[0].after == {"id": 1, "outcome_id": 1, "name": "Public Access", "position": 1}
    changes = kpis.rename_group(wb, 1, "Public Access to Services")
    assert (changes.rows[0].before["name"], changes.rows[0].after["name"]) == (
        "Public Access", "Public Access to Services")  # fmt: skip
    changes = kpis.rename_outcome(wb, 1, "Build confidence in policing")
    assert ops(changes) == [("strategic_outcomes", "update")]
    kpi(wb, 1, "Number of 999 calls received")
    kpis.set_commentary(wb, 1, "2021/22", 1, "Demand rose.")
    changes = kpis.delete_outcome(wb, 1)
    assert ops(changes) == [("kpis", "delete"), ("kpi_commentary", "delete"),
                            ("kpi_groups", "delete"), ("strategic_outcomes", "delete")]  # fmt: skip
    assert kpis.kpi_tree(wb) == []


def test_outcome_and_group_names_are_checked(wb) -> None:
    gid = group(wb)
    error = refused(wb, kpis.add_outcome, "Build confidence")
    assert problem(error, "name").value == "Build confidence"
    error = refused(wb, kpis.add_group, 1, "Public Access to Services")
    assert "already used" in str(error)
    error = refused(wb, kpis.add_group, 1, "   ")
    assert problem(error, "name").message == "is missing"
    with pytest.raises(NotFound):
        kpis.add_group(wb, 99, "Other")
    with pytest.raises(NotFound):
        kpis.rename_group(wb, gid + 1, "Other")


# -- KPI definitions -----------------------------------------------------------------------
def test_add_kpi_returns_and_writes_the_row(wb) -> None:
    gid = group(wb)
    changes = kpis.add_kpi(wb, gid, {"name": "% 999 calls answered within 10 seconds",
                                     "unit": "Percent", "polarity": "higher"})  # fmt: skip
    (row,) = changes.rows
    assert row.after == {"id": 1, "group_id": gid, "name": "% 999 calls answered within 10 seconds",
                         "unit": "percent", "polarity": "higher", "derived_kind": None,
                         "never_publish": 0, "position": 1, "counts_people": 0, "frequency": "quarterly",
                         "decimals": None, "retired_from": None}  # fmt: skip
    assert kpis.kpi_tree(wb)[0]["group_name"] == "Public Access to Services"


def test_a_derived_sum_records_its_parts_in_order(wb) -> None:
    gid = group(wb)
    parts = [kpi(wb, gid, f"Allegations: category {c}") for c in "ABCD"]
    changes = kpis.add_kpi(wb, gid, {"name": "Complaint allegations", "unit": "count",
                                     "polarity": "neutral"}, derived_kind="sum", inputs=parts[::-1])  # fmt: skip
    assert ops(changes) == [("kpis", "insert")] + [("kpi_inputs", "insert")] * 4
    total = new_id(changes, "kpis")
    assert changes.rows[0].after["derived_kind"] == "sum"
    assert kpis.kpi_inputs(wb, total) == parts[::-1]
    assert [r.after["position"] for r in changes.rows[1:]] == [1, 2, 3, 4]


def test_a_derived_ratio_is_numerator_over_denominator(wb) -> None:
    gid = group(wb)
    positive = kpi(wb, gid, "Stop and searches with a positive outcome")
    carried_out = kpi(wb, gid, "Stop and searches carried out")
    rate = kpi(wb, gid, "% positive outcome", "percent", derived_kind="ratio", inputs=[positive, carried_out])
    assert kpis.kpi_inputs(wb, rate) == [positive, carried_out]


def test_derivations_are_checked(wb) -> None:
    gid = group(wb)
    a, b, c = (kpi(wb, gid, name) for name in "abc")
    values = {"name": "derived", "unit": "count", "polarity": "higher"}
    cases = [
        ({"derived_kind": "average", "inputs": [a, b]}, "derived_kind", "sum, ratio"),
        ({"derived_kind": "ratio", "inputs": [a, b, c]}, "inputs", "exactly two KPIs"),
        ({"derived_kind": "sum", "inputs": [a]}, "inputs", "two or more KPIs"),
        ({"inputs": [a, b]}, "inputs", "no inputs, or a derived kind"),
    ]
    for derivation, field, allowed in cases:
        error = refused(wb, kpis.add_kpi, gid, values, **derivation)
        assert problem(error, field).allowed == allowed
    error = refused(wb, kpis.add_kpi, gid, values, derived_kind="sum", inputs=[a, a])
    assert "more than once" in problem(error, "inputs").message
    with pytest.raises(NotFound):
        kpis.add_kpi(wb, gid, values, derived_kind="sum", inputs=[a, 99])


def test_kpi_definition_lists_every_problem(wb) -> None:
    gid = group(wb)
    kpi(wb, gid, "Taken")
    error = refused(wb, kpis.add_kpi, gid, {"name": "", "unit": "furlongs", "polarity": "up"},
                    derived_kind="ratio", inputs=[1])  # fmt: skip
    assert [p.field for p in error.problems] == ["name", "unit", "polarity", "inputs"]
    assert problem(error, "unit").allowed == "'count', 'percent', 'seconds', 'rate_per_1000'"
    assert problem(error, "polarity").allowed == "'higher', 'lower', 'neutral'"
    error = refused(wb, kpis.add_kpi, gid, {"name": "Taken", "unit": "count", "polarity": "higher"})
    assert problem(error, "name").value == "Taken"


def test_edit_kpi_and_a_unit_that_no_longer_fits_its_values(wb) -> None:
    gid = group(wb)
    calls = kpi(wb, gid, "Number of 999 calls received")
    kpis.set_kpi_value(wb, calls, "2020/21", 1, 22446)
    changes = kpis.edit_kpi(wb, calls, {"polarity": "neutral"})
    assert ops(changes) == [("kpis", "update")]
    assert changes.rows[0].after["polarity"] == "neutral"
    error = refused(wb, kpis.edit_kpi, calls, {"unit": "percent"})
    assert "22446 in 2020/21 Q1" in problem(error, "unit").message
    assert kpis.edit_kpi(wb, calls, {"unit": "seconds"})
    with pytest.raises(NotFound):
        kpis.edit_kpi(wb, 99, {"polarity": "lower"})


def test_delete_kpi_removes_its_values_comparators_and_inputs(wb) -> None:
    gid = group(wb)
    a, b = kpi(wb, gid, "a"), kpi(wb, gid, "b")
    total = kpi(wb, gid, "total", derived_kind="sum", inputs=[a, b])
    kpis.set_kpi_value(wb, a, "2021/22", 1, 5)
    kpis.set_comparator(wb, total, "national", "2021/22", 12)
    changes = kpis.delete_kpi(wb, total)
    assert sorted(ops(changes)) == sorted([("kpi_comparators", "delete"), ("kpi_inputs", "delete"),
                                           ("kpi_inputs", "delete"), ("kpis", "delete")])  # fmt: skip
    assert changes.rows[-1].table == "kpis"
    changes = kpis.delete_kpi(wb, a)
    assert ops(changes) == [("kpi_values", "delete"), ("kpis", "delete")]
    assert [k["name"] for k in kpis.kpi_tree(wb)] == ["b"]


def test_a_kpi_a_derived_kpi_uses_cannot_be_deleted(wb) -> None:
    gid = group(wb)
    positive, carried_out = kpi(wb, gid, "positive"), kpi(wb, gid, "carried out")
    kpi(wb, gid, "rate", "percent", derived_kind="ratio", inputs=[positive, carried_out])
    error = refused(wb, kpis.delete_kpi, carried_out)
    found = problem(error, "KPI")
    assert found.value == "carried out" and "'rate'" in found.message
    assert "delete that derived KPI" in found.allowed
    # Nor can its group or outcome, when the derived KPI sits elsewhere...
    other = new_id(kpis.add_group(wb, 1, "Elsewhere"), "kpi_groups")
    kpi(wb, other, "elsewhere", derived_kind="sum", inputs=[positive, carried_out])
    error = refused(wb, kpis.delete_group, gid)
    assert [p.value for p in error.problems] == ["positive", "carried out"]  # in input order
    # ...but a group whose derived KPIs use only its own KPIs can go.
    assert kpis.delete_group(wb, other)
    assert kpis.delete_outcome(wb, 1)
    assert kpis.kpi_tree(wb) == []


# -- values --------------------------------------------------------------------------------
def test_a_value_cell_in_each_state(wb) -> None:
    calls = kpi(wb, group(wb), "PCSO headcount")
    changes = kpis.set_kpi_value(wb, calls, "2020/21", 2, 92)
    assert ops(changes) == [("kpi_values", "insert")]
    assert changes.rows[0].after == {"id": 1, "kpi_id": calls, "financial_year": "2020/21", "quarter": 2,
                                     "value": 92.0, "status": "", "provisional": 0, "revised": 0,
                                     "period": ""}  # fmt: skip
    # A number becomes "not available": the value goes, the status comes.
    changes = kpis.set_kpi_value(wb, calls, "2020/21", 2, status="Not available")
    (row,) = changes.rows
    assert (row.op, row.before["value"], row.after["value"], row.after["status"]) == (
        "update", 92.0, None, "not available")  # fmt: skip
    changes = kpis.set_kpi_value(wb, calls, "2020/21", 2, status="under development")
    assert cell(wb, calls, "2020/21", 2)["status"] == "under development"
    # Neither a number nor a status: the cell is blank (not yet due), so the row goes.
    changes = kpis.set_kpi_value(wb, calls, "2020/21", 2)
    assert ops(changes) == [("kpi_values", "delete")]
    assert cell(wb, calls, "2020/21", 2) is None
    assert not kpis.set_kpi_value(wb, calls, "2020/21", 2)  # already blank: no edit
    changes = kpis.set_kpi_value(wb, calls, "2020/21", 2, 95, provisional=True)
    changes = kpis.set_kpi_value(wb, calls, "2020/21", 2, 96, revised="yes")
    assert cell(wb, calls, "2020/21", 2) == {"value": 96.0, "status": "", "provisional": 0, "revised": 1}
    assert kpis.kpi_values(wb, calls)[0]["value"] == 96.0


def test_a_value_and_a_status_in_one_cell_is_refused(wb) -> None:
    calls = kpi(wb, group(wb), "calls")
    error = refused(wb, kpis.set_kpi_value, calls, "2021/22", 1, 5, status="not available")
    found = problem(error, "status")
    assert found.value == "not available" and found.allowed == "either a number or a status"


def test_value_cell_lists_every_problem(wb) -> None:
    calls = kpi(wb, group(wb), "calls")
    error = refused(wb, kpis.set_kpi_value, calls, "2021-22", 0, 5, status="suppressed", provisional="maybe")
    assert [p.field for p in error.problems] == ["financial_year", "quarter", "status", "provisional"]
    assert problem(error, "status").allowed == "'not available', 'under development'"
    error = refused(wb, kpis.set_kpi_value, calls, "2021/22", 5, 2.5, status="not available")
    assert [p.field for p in error.problems] == ["quarter", "status", "value"]


@pytest.mark.parametrize(("unit", "bad", "allowed"), [
    ("count", -1, "a whole number of at least 0"),
    ("count", 2.5, "a whole number of at least 0"),
    ("percent", 100.5, "a number from 0 to 100"),
    ("percent", -3, "a number from 0 to 100"),
    ("seconds", -0.1, "a number of at least 0"),
    ("rate_per_1000", -2, "a number of at least 0"),
])  # fmt: skip
def test_values_must_fit_the_unit(wb, unit: str, bad: float, allowed: str) -> None:
    kpi_id = kpi(wb, group(wb), "measure", unit)
    error = refused(wb, kpis.set_kpi_value, kpi_id, "2021/22", 1, bad)
    found = problem(error, "value")
    assert found.value == bad and found.allowed == allowed and unit in found.message


def test_a_derived_kpi_cannot_be_typed_into(wb) -> None:
    gid = group(wb)
    a, b = kpi(wb, gid, "a"), kpi(wb, gid, "b")
    total = kpi(wb, gid, "total", derived_kind="sum", inputs=[a, b])
    error = refused(wb, kpis.set_kpi_value, total, "2021/22", 1, 10)
    assert "'total' is computed from other KPIs" in str(error)
    refused(wb, kpis.set_kpi_value, total, "2021/22", 1, status="not available")
    with pytest.raises(NotFound):
        kpis.set_kpi_value(wb, 99, "2021/22", 1, 10)


# -- comparators and commentary ------------------------------------------------------------
def test_set_change_and_clear_a_comparator(wb) -> None:
    calls = kpi(wb, group(wb), "calls", "percent")
    changes = kpis.set_comparator(wb, calls, "Most similar group", "2021/22", 81.5)
    assert changes.rows[0].after == {"id": 1, "kpi_id": calls, "comparator": "Most similar group",
                                     "period": "2021/22", "value": 81.5, "financial_year": "", "quarter": 0}  # fmt: skip
    changes = kpis.set_comparator(wb, calls, "Most similar group", "2021/22", 82)
    assert (changes.rows[0].before["value"], changes.rows[0].after["value"]) == (81.5, 82.0)
    changes = kpis.set_comparator(wb, calls, "Most similar group", "2021/22", None)
    assert ops(changes) == [("kpi_comparators", "delete")]
    error = refused(wb, kpis.set_comparator, calls, "", "", "high")
    assert [p.field for p in error.problems] == ["comparator", "period", "value"]
    with pytest.raises(NotFound):
        kpis.set_comparator(wb, 99, "national", "2021/22", 1)


def test_set_change_and_clear_commentary(wb) -> None:
    gid = group(wb)
    changes = kpis.set_commentary(wb, gid, "2021/22", 3, "Calls rose by 37.5%.")
    assert changes.rows[0].after == {"id": 1, "group_id": gid, "financial_year": "2021/22",
                                     "quarter": 3, "text": "Calls rose by 37.5%."}  # fmt: skip
    changes = kpis.set_commentary(wb, gid, "2021/22", 3, "Calls rose.")
    assert ops(changes) == [("kpi_commentary", "update")]
    changes = kpis.set_commentary(wb, gid, "2021/22", 3, "")
    assert ops(changes) == [("kpi_commentary", "delete")]
    error = refused(wb, kpis.set_commentary, gid, "2021/23", 9, "x")
    assert [p.field for p in error.problems] == ["financial_year", "quarter"]
    with pytest.raises(NotFound):
        kpis.set_commentary(wb, 99, "2021/22", 1, "x")
