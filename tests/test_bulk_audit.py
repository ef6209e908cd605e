"""Bulk inserts: a run of rows is audited as one row naming the run, and undone, redone and
refused exactly as rows audited one by one are."""

from __future__ import annotations

import json

import pytest
from conftest import dump

from opcc_desktop.areas import workforce
from opcc_desktop.errors import ConflictError
from opcc_desktop.store.changes import DELETED_RUN, RUN, RUN_ROW, RUN_ROWS, DeletedRun, InsertedRun, recorded_changes
from opcc_desktop.store.history import edit_details

SNAPSHOT = "2022-03-31"
COUNT = RUN_ROWS + 100


def staff(ref: str) -> dict[str, object]:
    return {"staff_ref": ref, "age_band": "35-44", "sex": "Female", "gender_identity_same": "Yes",
            "ethnicity": "White British", "disability": "No", "religion": "No religion",
            "sexual_orientation": "Bisexual", "pregnancy_maternity": "No", "role_grade": "SO1",
            "fte": 0.6, "start_date": "2015-09-01"}  # fmt: skip


@pytest.fixture
def imported(wb):
    """A snapshot, then COUNT staff rows added as one edit; (workbook before, the edit)."""
    snapshot = workforce.add_snapshot(wb, SNAPSHOT).rows[0].key["id"]
    before = dump(wb)
    return before, workforce.add_staff_rows(wb, snapshot, [staff(f"E{n}") for n in range(COUNT)])


def staff_ids(wb) -> list[int]:
    return [r[0] for r in wb.conn.execute("SELECT id FROM staff ORDER BY id")]


def test_a_run_is_one_audit_row_and_its_changes_list_every_row(wb, imported) -> None:
    _, changes = imported
    ids = staff_ids(wb)
    audit = wb.rows("SELECT row_key, op, field, old_value, new_value FROM audit WHERE edit_id = ?",
                    [changes.edit_id])  # fmt: skip
    assert len(audit) == 1 and audit[0]["field"] == RUN and audit[0]["op"] == "insert"
    assert json.loads(audit[0]["row_key"]) == {"id": [ids[0], ids[-1]]} and audit[0]["old_value"] is None
    (run,) = recorded_changes(wb.conn, changes.edit_id)
    assert run == InsertedRun("staff", range(ids[0], ids[-1] + 1), tuple(json.loads(audit[0]["new_value"])))
    assert changes.count == COUNT == len(changes.rows) and changes.tables == {"staff"}
    assert [r.key["id"] for r in changes.rows] == ids
    stored = wb.rows("SELECT * FROM staff ORDER BY id")
    assert [{**r.after} for r in changes.rows] == stored


def test_undo_redo_undo_of_a_run_is_exact(wb, imported) -> None:
    before, changes = imported
    after = dump(wb)
    undo = wb.revert(changes.edit_id)
    assert dump(wb) == before and undo.count == COUNT
    redo = wb.revert(undo.edit_id)
    assert dump(wb) == after
    assert [type(p) for p in recorded_changes(wb.conn, redo.edit_id)] == [InsertedRun]  # back as one run
    wb.revert(redo.edit_id)
    assert dump(wb) == before


def test_undoing_a_run_twice_is_refused(wb, imported) -> None:
    _, changes = imported
    wb.revert(changes.edit_id)
    unchanged = dump(wb)
    with pytest.raises(ConflictError, match=f"the {COUNT:,} staff rows it added .* have been changed since"):
        wb.revert(changes.edit_id)
    assert dump(wb) == unchanged


def test_a_later_change_to_one_row_blocks_undo_until_it_is_undone(wb, imported) -> None:
    _, changes = imported
    person = staff_ids(wb)[7]
    edit = workforce.edit_staff(wb, person, {"role_grade": "SO2"})
    with pytest.raises(ConflictError, match="have been changed since. Undo the later changes first"):
        wb.revert(changes.edit_id)
    undone = wb.revert(edit.edit_id)
    redone = wb.revert(undone.edit_id)  # the change stands again
    with pytest.raises(ConflictError, match="changed since"):
        wb.revert(changes.edit_id)
    wb.revert(redone.edit_id)
    wb.revert(changes.edit_id)
    assert staff_ids(wb) == []


def test_a_later_delete_blocks_undo_until_it_is_undone(wb, imported) -> None:
    _, changes = imported
    deleted = workforce.delete_staff(wb, staff_ids(wb)[0])
    with pytest.raises(ConflictError, match="some have been deleted"):
        wb.revert(changes.edit_id)
    wb.revert(deleted.edit_id)
    wb.revert(changes.edit_id)
    assert staff_ids(wb) == []


def test_a_row_given_rows_of_its_own_blocks_undo(wb, imported) -> None:
    _, changes = imported
    workforce.add_leave_event(wb, staff_ids(wb)[-1], {"leave_type": "Maternity", "start_date": "2021-05-01",
                                                       "outcome": "Returned"})  # fmt: skip
    unchanged = dump(wb)
    with pytest.raises(ConflictError, match="leave_events rows have been added to them"):
        wb.revert(changes.edit_id)
    assert dump(wb) == unchanged


def test_fewer_rows_than_a_run_are_audited_one_by_one(wb) -> None:
    snapshot = workforce.add_snapshot(wb, SNAPSHOT).rows[0].key["id"]
    changes = workforce.add_staff_rows(wb, snapshot, [staff(f"E{n}") for n in range(RUN_ROWS - 1)])
    assert wb.scalar("SELECT count(*) FROM audit WHERE edit_id = ?", [changes.edit_id]) == RUN_ROWS - 1
    assert recorded_changes(wb.conn, changes.edit_id) == list(changes.rows)


def test_a_redone_change_to_a_redone_run_blocks_its_undo(wb, imported) -> None:
    """Undo a change, undo the run, redo the run, redo the change: the change stands again,
    though it was made before the run's redo, so undoing the redo is refused."""
    _, changes = imported
    edit = workforce.edit_staff(wb, staff_ids(wb)[5], {"role_grade": "SO2"})
    undo_edit = wb.revert(edit.edit_id)
    undo_run = wb.revert(changes.edit_id)
    redo_run = wb.revert(undo_run.edit_id)
    wb.revert(undo_edit.edit_id)  # the grade is SO2 again
    with pytest.raises(ConflictError, match="changed since"):
        wb.revert(redo_run.edit_id)
    assert wb.scalar("SELECT count(*) FROM staff WHERE role_grade = 'SO2'") == 1


def test_undoing_a_run_deletes_it_as_a_run_whose_rows_sqlite_keeps_and_puts_back(wb, imported) -> None:
    before, changes = imported
    after = dump(wb)
    ids = staff_ids(wb)
    undo = wb.revert(changes.edit_id)
    (part,) = undo.parts
    assert part == DeletedRun("staff", range(ids[0], ids[-1] + 1), part.names) and "fte" in part.names
    kept = wb.rows("SELECT field, count(*) AS n FROM audit WHERE edit_id = ? GROUP BY field", [undo.edit_id])
    assert {r["field"]: r["n"] for r in kept} == {DELETED_RUN: 1, RUN_ROW: COUNT}
    assert recorded_changes(wb.conn, undo.edit_id) == [part]  # the rows are read by SQLite, not listed
    assert [(f.old, f.new) for f in edit_details(wb, undo.edit_id)[0]] == [(f"{COUNT:,} rows removed", "")]
    assert dump(wb) == before
    wb.revert(undo.edit_id)
    assert dump(wb) == after  # every value back exactly, REAL and text alike


def test_a_deleted_run_is_not_put_back_over_rows_that_took_its_ids_or_without_its_snapshot(wb, imported) -> None:
    _, changes = imported
    first = staff_ids(wb)[0]
    undo = wb.revert(changes.edit_id)
    snapshot = workforce.snapshots(wb)[0]["id"]
    taken = {**staff("TAKEN"), "id": first, "snapshot_id": snapshot}
    wb.conn.execute(f"INSERT INTO staff ({', '.join(taken)}) VALUES ({', '.join('?' * len(taken))})", list(taken.values()))
    unchanged = dump(wb)
    with pytest.raises(ConflictError, match=rf"the {COUNT:,} staff rows it removed .* \(rows with their ids"):
        wb.revert(undo.edit_id)
    assert dump(wb) == unchanged
    wb.conn.execute("DELETE FROM staff WHERE staff_ref = 'TAKEN'")
    wb.conn.execute("PRAGMA foreign_keys = OFF")  # as an older file could be: the snapshot gone
    wb.conn.execute("DELETE FROM workforce_snapshots")
    wb.conn.execute("PRAGMA foreign_keys = ON")
    unchanged = dump(wb)
    with pytest.raises(ConflictError, match="the workforce_snapshots record they belong to has been deleted"):
        wb.revert(undo.edit_id)
    assert dump(wb) == unchanged
