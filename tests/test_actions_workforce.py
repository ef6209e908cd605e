"""Workforce actions (snapshots, staff rows, leave events): what each returns and writes, and
what each refuses. Real encrypted workbooks; nothing is mocked."""

from __future__ import annotations

import pytest
from action_helpers import problem, refused
from conftest import dump

from opcc_desktop.areas import workforce
from opcc_desktop.areas.vocab import NOT_DECLARED, PREFER_NOT, WORKFORCE_CHARACTERISTICS
from opcc_desktop.errors import NotFound


# -- helpers -------------------------------------------------------------------------------
def staff(ref: str = "E1001", **changes: object) -> dict[str, object]:
    """A valid staff row; keyword arguments override fields."""
    row: dict[str, object] = {
        "staff_ref": ref, "age_band": "25-34", "sex": "Female", "gender_identity_same": "Yes",
        "ethnicity": "White British", "disability": "No", "religion": "No religion",
        "sexual_orientation": "Heterosexual or straight", "pregnancy_maternity": "No",
        "role_grade": "Policy officer", "fte": 1.0, "start_date": "2019-06-01",
    }  # fmt: skip
    return {**row, **changes}


def leave(**changes: object) -> dict[str, object]:
    row = {"leave_type": "Maternity", "start_date": "2021-05-01", "end_date": "2021-12-01",
           "outcome": "Returned"}  # fmt: skip
    return {**row, **changes}


def stored(wb, table: str, row_id: int) -> dict | None:
    rows = wb.rows(f'SELECT * FROM "{table}" WHERE id = ?', [row_id])
    return rows[0] if rows else None


def snapshot(wb, date: str = "2022-03-31") -> int:
    return workforce.add_snapshot(wb, date, "End of year").rows[0].key["id"]


def snapshot_with_staff(wb) -> tuple[int, int, int]:
    """A snapshot with one staff row with one leave event: (snapshot, staff, event) ids."""
    snap = snapshot(wb)
    person = workforce.add_staff(wb, snap, staff()).rows[0].key["id"]
    event = workforce.add_leave_event(wb, person, leave()).rows[0].key["id"]
    return snap, person, event


# -- snapshots -----------------------------------------------------------------------------
def test_add_snapshot_returns_and_writes_the_row(wb) -> None:
    changes = workforce.add_snapshot(wb, "2022-03-31", "End of year")
    assert changes and changes.edit_id is not None
    assert changes.tables == {"workforce_snapshots"}
    (row,) = changes.rows
    assert row.op == "insert" and row.before is None
    assert row.after == {"id": 1, "snapshot_date": "2022-03-31", "label": "End of year"}
    assert stored(wb, "workforce_snapshots", 1) == row.after


def test_edit_snapshot_returns_before_and_after(wb) -> None:
    snap = snapshot(wb)
    changes = workforce.edit_snapshot(wb, snap, {"label": "31 March 2022"})
    (row,) = changes.rows
    assert (row.table, row.key, row.op) == ("workforce_snapshots", {"id": snap}, "update")
    assert row.before["label"] == "End of year" and row.after["label"] == "31 March 2022"
    assert stored(wb, "workforce_snapshots", snap)["label"] == "31 March 2022"


def test_delete_snapshot_removes_its_staff_and_their_leave_events(wb) -> None:
    snap, person, event = snapshot_with_staff(wb)
    changes = workforce.delete_snapshot(wb, snap)
    assert [(r.table, r.key, r.op) for r in changes.rows] == [
        ("leave_events", {"id": event}, "delete"),
        ("staff", {"id": person}, "delete"),
        ("workforce_snapshots", {"id": snap}, "delete"),
    ]
    assert all(r.after is None and r.before["id"] == r.key["id"] for r in changes.rows)
    assert wb.scalar("SELECT count(*) FROM staff") == 0
    assert wb.scalar("SELECT count(*) FROM leave_events") == 0


def test_snapshot_refuses_a_bad_date_and_a_repeated_date(wb) -> None:
    error = refused(wb, workforce.add_snapshot, "31/03/2022")
    assert "snapshot_date: '31/03/2022' is not a date" in str(error)
    assert "YYYY-MM-DD" in str(error)
    snapshot(wb, "2022-03-31")
    error = refused(wb, workforce.add_snapshot, "2022-03-31")
    assert problem(error, "snapshot_date").value == "2022-03-31"
    assert "already used" in str(error)


def test_snapshot_date_cannot_move_before_a_staff_start_date(wb) -> None:
    snap = snapshot(wb)
    workforce.add_staff(wb, snap, staff(start_date="2022-01-10"))
    error = refused(wb, workforce.edit_snapshot, snap, {"snapshot_date": "2021-12-31"})
    assert problem(error, "snapshot_date").allowed == "on or after 2022-01-10"
    assert workforce.edit_snapshot(wb, snap, {"snapshot_date": "2022-01-10"})


# -- staff rows ----------------------------------------------------------------------------
def test_add_staff_returns_and_writes_the_row(wb) -> None:
    snap = snapshot(wb)
    changes = workforce.add_staff(wb, snap, staff(sex="female", fte="0.6"))
    (row,) = changes.rows
    assert (row.table, row.op) == ("staff", "insert")
    assert row.after == stored(wb, "staff", row.key["id"])
    assert row.after["snapshot_id"] == snap
    assert row.after["sex"] == "Female"  # typed in any case, stored as the list spells it
    assert row.after["fte"] == 0.6


@pytest.mark.parametrize("field", sorted(WORKFORCE_CHARACTERISTICS))
def test_every_characteristic_allows_both_non_answers(wb, field: str) -> None:
    snap = snapshot(wb)
    workforce.add_staff(wb, snap, staff("E1", **{field: PREFER_NOT}))
    workforce.add_staff(wb, snap, staff("E2", **{field: NOT_DECLARED}))
    assert {r[field] for r in workforce.staff_rows(wb, snap)} == {PREFER_NOT, NOT_DECLARED}


@pytest.mark.parametrize("field", sorted(WORKFORCE_CHARACTERISTICS))
def test_every_characteristic_refuses_a_category_not_in_its_list(wb, field: str) -> None:
    snap = snapshot(wb)
    error = refused(wb, workforce.add_staff, snap, staff(**{field: "Martian"}))
    found = problem(error, field)
    assert found.value == "Martian" and found.message == "is not one of the allowed values"
    assert repr(WORKFORCE_CHARACTERISTICS[field][0]) in found.allowed
    assert f"{field}: 'Martian'" in str(error) and "Nothing was changed" in str(error)


def test_a_name_is_refused_as_a_staff_reference(wb) -> None:
    snap = snapshot(wb)
    for name in ("Jane Smith", "JSmith"):
        error = refused(wb, workforce.add_staff, snap, staff(name))
        assert "never use a name" in str(error)
        assert problem(error, "staff_ref").value == name


def test_staff_row_lists_every_problem_at_once(wb) -> None:
    snap = snapshot(wb)
    bad = staff("Jane Smith", ethnicity="Martian", fte=1.5, start_date="2023-01-01", shoe_size=9)
    del bad["sex"]
    error = refused(wb, workforce.add_staff, snap, bad)
    assert {p.field for p in error.problems} == {
        "staff_ref", "ethnicity", "fte", "start_date", "sex", "shoe_size"}  # fmt: skip
    assert problem(error, "sex").message == "is missing"
    assert problem(error, "fte").allowed == "a number from 0.01 to 1"
    assert problem(error, "start_date").allowed == "on or before 2022-03-31"
    assert problem(error, "shoe_size").message == "is not a field here"


@pytest.mark.parametrize("fte", [0, -0.5, 1.2, "full", float("nan")])
def test_fte_must_be_a_fraction_up_to_one(wb, fte: object) -> None:
    error = refused(wb, workforce.add_staff, snapshot(wb), staff(fte=fte))
    assert problem(error, "fte").value is fte


def test_start_date_after_the_snapshot_date_is_refused(wb) -> None:
    snap = snapshot(wb)
    error = refused(wb, workforce.add_staff, snap, staff(start_date="2022-04-01"))
    assert "start_date: '2022-04-01' is after the snapshot date" in str(error)
    assert workforce.add_staff(wb, snap, staff(start_date="2022-03-31"))  # the same day is fine


def test_the_same_staff_ref_twice_in_a_snapshot_is_refused(wb) -> None:
    snap = snapshot(wb)
    workforce.add_staff(wb, snap, staff("E1001"))
    error = refused(wb, workforce.add_staff, snap, staff("E1001"))
    assert problem(error, "staff_ref").value == "E1001"
    assert "already used" in str(error)
    # Another snapshot may hold the same person.
    assert workforce.add_staff(wb, snapshot(wb, "2023-03-31"), staff("E1001"))


def test_edit_staff_returns_only_the_changed_fields_and_checks_them(wb) -> None:
    snap = snapshot(wb)
    person = workforce.add_staff(wb, snap, staff("E1")).rows[0].key["id"]
    workforce.add_staff(wb, snap, staff("E2"))
    changes = workforce.edit_staff(wb, person, {"ethnicity": "Asian or Asian British", "sex": "Female"})
    (row,) = changes.rows
    assert (row.table, row.key, row.op) == ("staff", {"id": person}, "update")
    assert row.before["ethnicity"] == "White British"
    assert row.after["ethnicity"] == "Asian or Asian British"
    assert wb.scalar("SELECT count(*) FROM audit WHERE edit_id = ?", [changes.edit_id]) == 1
    error = refused(wb, workforce.edit_staff, person, {"staff_ref": "E2", "disability": "Maybe"})
    assert {p.field for p in error.problems} == {"disability"}  # field rules first...
    error = refused(wb, workforce.edit_staff, person, {"staff_ref": "E2"})
    assert problem(error, "staff_ref").value == "E2"  # ...then the clash with another row
    error = refused(wb, workforce.edit_staff, person, {"start_date": "2030-01-01"})
    assert problem(error, "start_date").allowed == "on or before 2022-03-31"


def test_add_staff_rows_is_one_edit(wb) -> None:
    snap = snapshot(wb)
    changes = workforce.add_staff_rows(wb, snap, [staff(f"E{n}") for n in range(1, 26)])
    assert len(changes.rows) == 25 and changes.tables == {"staff"}
    assert {r.op for r in changes.rows} == {"insert"}
    assert wb.scalar("SELECT count(DISTINCT edit_id) FROM audit") == 2
    assert [stored(wb, "staff", r.key["id"]) for r in changes.rows] == [r.after for r in changes.rows]
    assert len(workforce.staff_rows(wb, snap)) == 25


def test_add_staff_rows_names_every_bad_row_and_repeated_reference(wb) -> None:
    snap = snapshot(wb)
    workforce.add_staff(wb, snap, staff("E9"))
    rows = [staff("E1"), staff("E2", sex="?"), staff("E1"), staff("E9"), staff("Jo Bloggs", fte=0)]
    error = refused(wb, workforce.add_staff_rows, snap, rows)
    assert [(p.field, p.value) for p in error.problems] == [
        ("row 2 sex", "?"),
        ("row 3 staff_ref", "E1"),
        ("row 4 staff_ref", "E9"),
        ("row 5 staff_ref", "Jo Bloggs"),
        ("row 5 fte", 0),
    ]
    assert "repeats row 1" in str(error) and "already in this snapshot" in str(error)


def test_delete_staff_removes_their_leave_events(wb) -> None:
    _, person, event = snapshot_with_staff(wb)
    changes = workforce.delete_staff(wb, person)
    assert [(r.table, r.key) for r in changes.rows] == [
        ("leave_events", {"id": event}), ("staff", {"id": person})]  # fmt: skip
    assert stored(wb, "staff", person) is None


def test_staff_actions_on_missing_rows_raise_not_found(wb) -> None:
    snap = snapshot(wb)
    before = dump(wb)
    with pytest.raises(NotFound):
        workforce.add_staff(wb, snap + 1, staff())
    with pytest.raises(NotFound):
        workforce.add_staff_rows(wb, snap + 1, [staff()])
    with pytest.raises(NotFound):
        workforce.edit_staff(wb, 99, {"sex": "Male"})
    with pytest.raises(NotFound):
        workforce.delete_staff(wb, 99)
    with pytest.raises(NotFound):
        workforce.edit_snapshot(wb, 99, {"label": "x"})
    with pytest.raises(NotFound):
        workforce.delete_snapshot(wb, 99)
    assert dump(wb) == before


# -- leave events --------------------------------------------------------------------------
def test_add_leave_event_returns_and_writes_the_row(wb) -> None:
    snap = snapshot(wb)
    person = workforce.add_staff(wb, snap, staff()).rows[0].key["id"]
    changes = workforce.add_leave_event(wb, person, leave(outcome="still on leave", end_date=""))
    (row,) = changes.rows
    assert (row.table, row.op) == ("leave_events", "insert")
    assert row.after == {"id": 1, "staff_id": person, "leave_type": "Maternity",
                         "start_date": "2021-05-01", "end_date": None, "outcome": "Still on leave"}  # fmt: skip
    assert stored(wb, "leave_events", 1) == row.after


def test_leave_end_before_start_is_refused_on_add_and_on_edit(wb) -> None:
    _, person, event = snapshot_with_staff(wb)
    error = refused(wb, workforce.add_leave_event, person,
                    leave(start_date="2021-06-01", end_date="2021-05-31", outcome="Left"))  # fmt: skip
    assert {p.field for p in error.problems} == {"end_date", "outcome"}
    assert "end_date: '2021-05-31' is before the start date (allowed: on or after 2021-06-01)" in str(error)
    # An edit is checked against the dates already stored.
    error = refused(wb, workforce.edit_leave_event, event, {"end_date": "2021-04-30"})
    assert problem(error, "end_date").allowed == "on or after 2021-05-01"
    error = refused(wb, workforce.edit_leave_event, event, {"start_date": "2022-01-01"})
    assert problem(error, "end_date").value == "2021-12-01"


def test_leave_refuses_unknown_types_and_repeats(wb) -> None:
    _, person, _ = snapshot_with_staff(wb)
    error = refused(wb, workforce.add_leave_event, person, leave(leave_type="Sabbatical"))
    assert "'Maternity', 'Paternity', 'Adoption', 'Shared parental'" in problem(error, "leave_type").allowed
    error = refused(wb, workforce.add_leave_event, person, leave())
    assert problem(error, "leave_type + start_date").value == ("Maternity", "2021-05-01")


def test_edit_and_delete_leave_event(wb) -> None:
    _, _, event = snapshot_with_staff(wb)
    changes = workforce.edit_leave_event(wb, event, {"outcome": "Did not return"})
    (row,) = changes.rows
    assert (row.before["outcome"], row.after["outcome"]) == ("Returned", "Did not return")
    changes = workforce.delete_leave_event(wb, event)
    assert [(r.table, r.op) for r in changes.rows] == [("leave_events", "delete")]
    assert stored(wb, "leave_events", event) is None
    with pytest.raises(NotFound):
        workforce.edit_leave_event(wb, event, {"outcome": "Returned"})
    with pytest.raises(NotFound):
        workforce.add_leave_event(wb, 99, leave())
