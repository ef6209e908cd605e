"""Audit and undo: every action writes audit rows matching what it changed, in its own
transaction; ``wb.revert`` restores the exact prior state, and reverting the revert redoes it.
Also ``check``: stored records are re-validated with the actions' rules."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from conftest import dump

from opcc_desktop.areas import goals, kpis, narrative, schemes, services, settings, workforce
from opcc_desktop.commands import check
from opcc_desktop.errors import ConflictError, NotFound, ValidationError
from opcc_desktop.store.changes import Changes, decode, encode
from opcc_desktop.store.workbook import os_user

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(255, -1, -1))


# -- a workbook with one of everything ---------------------------------------------------------
def staff(ref: str, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "staff_ref": ref, "age_band": "35-44", "sex": "Male", "gender_identity_same": "Yes",
        "ethnicity": "White other", "disability": "Prefer not to say", "religion": "Christian",
        "sexual_orientation": "Not declared", "pregnancy_maternity": "No", "fte": 0.8,
        "start_date": "2015-09-01",
    }  # fmt: skip
    return {**row, **changes}


def populate(wb) -> dict[str, int]:
    """One record of every kind (and a few more), returning the ids tests need."""
    def made(changes: Changes, table: str) -> int:
        return next(r.key["id"] for r in changes.rows if r.table == table and r.op == "insert")

    ids: dict[str, int] = {}
    ids["snapshot"] = made(workforce.add_snapshot(wb, "2022-03-31", "End of year"), "workforce_snapshots")
    ids["staff"] = made(workforce.add_staff(wb, ids["snapshot"], staff("E100")), "staff")
    ids["staff2"] = made(workforce.add_staff(wb, ids["snapshot"], staff("E101", sex="Female")), "staff")
    ids["leave"] = made(workforce.add_leave_event(wb, ids["staff2"], {
        "leave_type": "Maternity", "start_date": "2021-04-01", "end_date": "2021-12-01",
        "outcome": "Returned"}), "leave_events")  # fmt: skip
    ids["service"] = made(services.add_service(wb, {"name": "Halo", "first_year": "2020/21"}), "services")
    services.set_service_count(wb, ids["service"], "2021/22", 1, "gender", "Female", 12)
    services.set_service_count(wb, ids["service"], "2021/22", 1, "gender", "Not disclosed", 4)
    services.set_service_activity(wb, ids["service"], "2021/22", 1, "referrals received", 40)
    ids["scheme"] = made(schemes.add_scheme(wb, {"name": "Divert", "age_range": "18+"}), "schemes")
    schemes.set_scheme_count(wb, ids["scheme"], "2021/22", "gender", "Male", 31)
    schemes.set_scheme_measure(wb, ids["scheme"], "2021/22", "reoffending_rate", 5.85)
    ids["outcome"] = made(kpis.add_outcome(wb, "Build confidence"), "strategic_outcomes")
    ids["group"] = made(kpis.add_group(wb, ids["outcome"], "Stop and search"), "kpi_groups")
    kpi = {"unit": "count", "polarity": "neutral"}
    ids["kpi"] = made(kpis.add_kpi(wb, ids["group"], {"name": "Positive outcomes", **kpi}), "kpis")
    ids["kpi2"] = made(kpis.add_kpi(wb, ids["group"], {"name": "Carried out", **kpi}), "kpis")
    ids["ratio"] = made(kpis.add_kpi(wb, ids["group"], {"name": "% positive", "unit": "percent",
                        "polarity": "higher"}, "ratio", [ids["kpi"], ids["kpi2"]]), "kpis")  # fmt: skip
    kpis.set_kpi_value(wb, ids["kpi"], "2021/22", 1, 120)
    kpis.set_kpi_value(wb, ids["kpi2"], "2021/22", 1, status="not available")
    kpis.set_comparator(wb, ids["kpi"], "national", "2021/22", 0.1)
    kpis.set_commentary(wb, ids["group"], "2021/22", 1, "Searches fell.")
    ids["goal"] = made(goals.add_goal(wb, {"set_for_year": "2021/22", "title": "Consultation",
                                           "status": "in progress"}), "goals")  # fmt: skip
    goals.set_goal_update(wb, ids["goal"], "2021/22", "Strategy published.", "2022-01-31")
    ids["area"] = made(goals.add_edi_area(wb, "Responsive Services"), "edi_areas")
    goals.set_edi_assessment(wb, ids["area"], "2022/23", "Developing", "Baseline.")
    narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction", "Our duties.")
    settings.set_setting(wb, "office_name", "OPCC")
    settings.set_logo(wb, PNG)
    return ids


ACTIONS: dict[str, Callable[[object, dict[str, int]], Changes]] = {
    "add snapshot": lambda wb, i: workforce.add_snapshot(wb, "2023-03-31"),
    "edit snapshot": lambda wb, i: workforce.edit_snapshot(wb, i["snapshot"], {"snapshot_date": "2022-04-01"}),
    "delete snapshot": lambda wb, i: workforce.delete_snapshot(wb, i["snapshot"]),
    "add staff": lambda wb, i: workforce.add_staff(wb, i["snapshot"], staff("E200")),
    "add staff rows": lambda wb, i: workforce.add_staff_rows(
        wb, i["snapshot"], [staff(f"E3{n:02}") for n in range(30)]),
    "edit staff": lambda wb, i: workforce.edit_staff(wb, i["staff"], {"fte": 0.5, "religion": "Sikh"}),
    "delete staff": lambda wb, i: workforce.delete_staff(wb, i["staff2"]),
    "add leave event": lambda wb, i: workforce.add_leave_event(wb, i["staff"], {
        "leave_type": "Paternity", "start_date": "2021-06-01", "outcome": "Still on leave"}),
    "edit leave event": lambda wb, i: workforce.edit_leave_event(wb, i["leave"], {"end_date": None}),
    "delete leave event": lambda wb, i: workforce.delete_leave_event(wb, i["leave"]),
    "add service": lambda wb, i: services.add_service(wb, {"name": "Restorative Justice"}),
    "edit service": lambda wb, i: services.edit_service(wb, i["service"], {"contract_end": "2025-03-31"}),
    "delete service": lambda wb, i: services.delete_service(wb, i["service"]),
    "add service count": lambda wb, i: services.set_service_count(
        wb, i["service"], "2021/22", 2, "age", "18-24", 3),
    "change service count": lambda wb, i: services.set_service_count(
        wb, i["service"], "2021/22", 1, "gender", "Female", 13),
    "clear service count": lambda wb, i: services.set_service_count(
        wb, i["service"], "2021/22", 1, "gender", "Female", None),
    "set service activity": lambda wb, i: services.set_service_activity(
        wb, i["service"], "2021/22", 1, "referrals received", 41.5),
    "add scheme": lambda wb, i: schemes.add_scheme(wb, {"name": "Youth Triage", "never_publish": 1}),
    "edit scheme": lambda wb, i: schemes.edit_scheme(wb, i["scheme"], {"name": "Divert (adult)"}),
    "delete scheme": lambda wb, i: schemes.delete_scheme(wb, i["scheme"]),
    "set scheme count": lambda wb, i: schemes.set_scheme_count(
        wb, i["scheme"], "2021/22", "age", "18-24", 9, gender="Female"),
    "set scheme measure": lambda wb, i: schemes.set_scheme_measure(
        wb, i["scheme"], "2021/22", "reoffending_rate", 33.2),
    "add outcome": lambda wb, i: kpis.add_outcome(wb, "Reduce reoffending"),
    "rename outcome": lambda wb, i: kpis.rename_outcome(wb, i["outcome"], "Build trust"),
    "delete outcome": lambda wb, i: kpis.delete_outcome(wb, i["outcome"]),
    "add group": lambda wb, i: kpis.add_group(wb, i["outcome"], "Complaints"),
    "rename group": lambda wb, i: kpis.rename_group(wb, i["group"], "Stop & search"),
    "delete group": lambda wb, i: kpis.delete_group(wb, i["group"]),
    "add kpi": lambda wb, i: kpis.add_kpi(wb, i["group"], {"name": "New", "unit": "seconds",
                                                           "polarity": "lower"}),  # fmt: skip
    "add derived sum": lambda wb, i: kpis.add_kpi(wb, i["group"], {"name": "Total", "unit": "count",
                                                  "polarity": "neutral"}, "sum", [i["kpi"], i["kpi2"]]),  # fmt: skip
    "edit kpi": lambda wb, i: kpis.edit_kpi(wb, i["kpi"], {"never_publish": True, "polarity": "higher"}),
    "delete kpi": lambda wb, i: kpis.delete_kpi(wb, i["ratio"]),
    "set kpi number": lambda wb, i: kpis.set_kpi_value(wb, i["kpi2"], "2021/22", 1, 300),
    "set kpi not available": lambda wb, i: kpis.set_kpi_value(wb, i["kpi"], "2021/22", 1, status="not available"),
    "set kpi under development": lambda wb, i: kpis.set_kpi_value(
        wb, i["kpi"], "2021/22", 2, status="under development"),
    "blank kpi cell": lambda wb, i: kpis.set_kpi_value(wb, i["kpi"], "2021/22", 1),
    "set comparator": lambda wb, i: kpis.set_comparator(wb, i["kpi"], "national", "2021/22", 0.30000000000000004),
    "set commentary": lambda wb, i: kpis.set_commentary(wb, i["group"], "2021/22", 1, "Searches rose."),
    "add goal": lambda wb, i: goals.add_goal(wb, {"set_for_year": "2022/23", "title": "Data",
                                                  "status": "not started"}),  # fmt: skip
    "edit goal": lambda wb, i: goals.edit_goal(wb, i["goal"], {"status": "achieved", "owner": "Chief Executive"}),
    "delete goal": lambda wb, i: goals.delete_goal(wb, i["goal"]),
    "set goal update": lambda wb, i: goals.set_goal_update(wb, i["goal"], "2022/23", "Rolled over."),
    "add edi area": lambda wb, i: goals.add_edi_area(wb, "Leadership"),
    "rename edi area": lambda wb, i: goals.rename_edi_area(wb, i["area"], "Responsive services"),
    "delete edi area": lambda wb, i: goals.delete_edi_area(wb, i["area"]),
    "set edi assessment": lambda wb, i: goals.set_edi_assessment(wb, i["area"], "2022/23", "Achieving", "More."),
    "set narrative": lambda wb, i: narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction",
                                                           "# Duties\n- **PSED**"),  # fmt: skip
    "remove narrative": lambda wb, i: narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction", ""),
    "set setting": lambda wb, i: settings.set_setting(wb, "disclosure.threshold", 10),
    "change setting": lambda wb, i: settings.set_setting(wb, "office_name", "Office of the PCC"),
    "set edi levels": lambda wb, i: settings.set_setting(wb, "edi.levels", "Developing|Achieving|Excellent"),
    "replace logo": lambda wb, i: settings.set_logo(wb, JPEG),
    "remove logo": lambda wb, i: settings.set_logo(wb, None),
}  # fmt: skip


@pytest.fixture
def full(wb):
    """The workbook with one of everything, and its ids."""
    return wb, populate(wb)


def history(wb) -> tuple[int, int]:
    return wb.scalar("SELECT count(*) FROM edits"), wb.scalar("SELECT count(*) FROM audit")


def audit_rows(wb, edit_id: int) -> list[dict]:
    return wb.rows("SELECT * FROM audit WHERE edit_id = ? ORDER BY id", [edit_id])


def expected_audit(changes: Changes) -> list[tuple]:
    """The audit rows a Changes implies: the whole row (field ``*``) for an insert or a
    delete, each changed field for an update; values JSON-encoded."""
    out = []
    for row in changes.rows:
        if row.op != "update":
            whole = encode(row.before or row.after)
            out.append((row.table, row.key, row.op, "*", *((whole, None) if row.after is None else (None, whole))))
            continue
        for name in row.after:
            old, new = encode(row.before[name]), encode(row.after[name])
            if old != new:
                out.append((row.table, row.key, row.op, name, old, new))
    return out


def assert_audited(wb, changes: Changes, started: dt.datetime) -> None:
    (edit,) = wb.rows("SELECT * FROM edits WHERE id = ?", [changes.edit_id])
    assert edit["description"] == changes.description and edit["os_user"] == os_user()
    at = dt.datetime.fromisoformat(edit["at"])
    assert at.tzinfo is not None and started - dt.timedelta(seconds=1) <= at <= dt.datetime.now(dt.UTC)
    rows = audit_rows(wb, changes.edit_id)
    assert {(r["at"], r["os_user"]) for r in rows} == {(edit["at"], edit["os_user"])}
    got = [(r["table_name"], json.loads(r["row_key"]), r["op"], r["field"], r["old_value"], r["new_value"])
           for r in rows]  # fmt: skip
    assert got == expected_audit(changes)
    last = {(row.table, json.dumps(row.key)): row for row in changes.rows}
    for row in last.values():  # and each row's final state is what the table now holds
        where = " AND ".join(f'"{k}" = ?' for k in row.key)
        current = wb.rows(f'SELECT * FROM "{row.table}" WHERE {where}', list(row.key.values()))
        assert current == ([] if row.after is None else [row.after])


# -- every action: audited, undone exactly, redone exactly ---------------------------------------
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_each_action_is_audited_and_undone_exactly(full, action: str) -> None:
    wb, ids = full
    before, past = dump(wb), history(wb)
    started = dt.datetime.now(dt.UTC)
    changes = ACTIONS[action](wb, ids)
    assert changes and changes.edit_id is not None
    after = dump(wb)
    assert after != before
    assert_audited(wb, changes, started)
    changed_tables = {t for t in before if before[t] != after[t]}
    assert changes.tables == changed_tables

    undo = wb.revert(changes.edit_id)
    assert dump(wb) == before
    assert wb.scalar("SELECT reverts FROM edits WHERE id = ?", [undo.edit_id]) == changes.edit_id
    assert_audited(wb, undo, started)
    assert len(undo.rows) == len(changes.rows)
    assert history(wb)[0] == past[0] + 2

    redo = wb.revert(undo.edit_id)
    assert dump(wb) == after
    assert_audited(wb, redo, started)


def test_an_edit_that_changes_nothing_writes_no_history(full) -> None:
    wb, ids = full
    before, past = dump(wb), history(wb)
    for changes in (
        workforce.edit_staff(wb, ids["staff"], {"sex": "male", "fte": "0.8"}),
        services.set_service_count(wb, ids["service"], "2021/22", 1, "gender", "Female", 12),
        kpis.set_kpi_value(wb, ids["kpi"], "2021/22", 3),  # blank stays blank
        kpis.set_kpi_value(wb, ids["kpi2"], "2021/22", 1, status="not available"),
        settings.set_setting(wb, "office_name", " OPCC "),
        settings.set_setting(wb, "backups.keep", 10),  # the default, never stored
        settings.set_logo(wb, PNG),
        goals.edit_goal(wb, ids["goal"], {}),
        narrative.set_narrative(wb, "annual-equality", "2022/23", "conclusion", "  "),
    ):
        assert not changes and changes.edit_id is None and changes.rows == ()
    assert dump(wb) == before and history(wb) == past


def test_a_refused_action_writes_no_history(full) -> None:
    wb, ids = full
    before, past = dump(wb), history(wb)
    with pytest.raises(ValidationError):
        services.add_service(wb, {"name": "Halo"})  # refused by the database, inside the edit
    with pytest.raises(ValidationError):
        kpis.delete_kpi(wb, ids["kpi"])
    assert dump(wb) == before and history(wb) == past


def test_values_come_back_exactly(full) -> None:
    """Floats, NULLs and bytes survive the JSON audit log bit for bit."""
    wb, ids = full
    assert decode(encode(PNG)) == PNG and decode(encode(0.1 + 0.2)) == 0.1 + 0.2
    before = dump(wb)
    edits = [
        kpis.set_comparator(wb, ids["kpi"], "national", "2021/22", 1 / 3),
        settings.set_logo(wb, JPEG),
        workforce.edit_staff(wb, ids["staff"], {"start_date": None, "fte": 2 / 3}),
    ]
    for changes in reversed(edits):
        wb.revert(changes.edit_id)
    assert dump(wb) == before
    assert settings.logo(wb) == PNG


# -- cascading deletes ------------------------------------------------------------------------
def test_undoing_a_snapshot_delete_puts_every_row_back_under_its_old_id(full) -> None:
    wb, ids = full
    before = dump(wb)
    changes = workforce.delete_snapshot(wb, ids["snapshot"])
    assert changes.tables == {"workforce_snapshots", "staff", "leave_events"}
    assert wb.scalar("SELECT count(*) FROM staff") == 0
    wb.revert(changes.edit_id)
    assert dump(wb) == before
    assert [r["id"] for r in wb.rows("SELECT id FROM staff ORDER BY id")] == [ids["staff"], ids["staff2"]]
    assert wb.scalar("SELECT staff_id FROM leave_events") == ids["staff2"]
    # New rows after the undo still get fresh ids.
    new = workforce.add_staff(wb, ids["snapshot"], staff("E999")).rows[0].key["id"]
    assert new > ids["staff2"]


def test_undoing_a_service_delete_restores_counts_activity_and_categories(full) -> None:
    wb, ids = full
    before = dump(wb)
    changes = services.delete_service(wb, ids["service"])
    assert changes.tables == {"services", "service_counts", "service_activity", "service_categories"}
    wb.revert(changes.edit_id)
    assert dump(wb) == before
    assert [r["category"] for r in services.service_counts(wb, ids["service"])] == ["Female", "Not disclosed"]


# -- conflicts -------------------------------------------------------------------------------
def assert_conflict(wb, edit_id: int) -> None:
    before, past = dump(wb), history(wb)
    with pytest.raises(ConflictError, match="Undo the later changes first"):
        wb.revert(edit_id)
    assert dump(wb) == before and history(wb) == past


def test_undoing_an_edit_whose_row_changed_since_is_refused(full) -> None:
    wb, ids = full
    first = workforce.edit_staff(wb, ids["staff"], {"ethnicity": "Other ethnic group"})
    second = workforce.edit_staff(wb, ids["staff"], {"ethnicity": "White British"})
    assert_conflict(wb, first.edit_id)
    wb.revert(second.edit_id)
    wb.revert(first.edit_id)  # in order, both undo
    assert wb.scalar("SELECT ethnicity FROM staff WHERE id = ?", [ids["staff"]]) == "White other"


def test_undoing_twice_is_refused(full) -> None:
    wb, ids = full
    changes = goals.edit_goal(wb, ids["goal"], {"status": "achieved"})
    wb.revert(changes.edit_id)
    assert_conflict(wb, changes.edit_id)
    with pytest.raises(NotFound):
        wb.revert(10_000)


def test_undoing_an_add_after_rows_were_added_to_it_is_refused(full) -> None:
    wb, ids = full
    added = workforce.add_snapshot(wb, "2023-03-31")
    workforce.add_staff(wb, added.rows[0].key["id"], staff("E500"))
    assert_conflict(wb, added.edit_id)
    kpi = kpis.add_kpi(wb, ids["group"], {"name": "Part", "unit": "count", "polarity": "neutral"})
    kpis.add_kpi(wb, ids["group"], {"name": "Sum", "unit": "count", "polarity": "neutral"},
                 "sum", [kpi.rows[0].key["id"], ids["kpi"]])  # fmt: skip
    assert_conflict(wb, kpi.edit_id)


def test_undoing_a_delete_whose_parent_was_deleted_since_is_refused(full) -> None:
    wb, ids = full
    gone = workforce.delete_staff(wb, ids["staff"])
    workforce.delete_snapshot(wb, ids["snapshot"])
    assert_conflict(wb, gone.edit_id)


def test_undoing_a_delete_whose_name_was_taken_since_is_refused(full) -> None:
    wb, ids = full
    gone = services.delete_service(wb, ids["service"])
    services.add_service(wb, {"name": "Halo"})
    assert_conflict(wb, gone.edit_id)


# -- batches ---------------------------------------------------------------------------------
def test_a_batch_is_one_edit_undone_in_one_step(full) -> None:
    wb, ids = full
    before, (edits, _) = dump(wb), history(wb)
    with wb.batch("Import monitoring return") as tx:
        first = services.set_service_count(wb, ids["service"], "2021/22", 2, "age", "18-24", 7)
        second = services.set_service_count(wb, ids["service"], "2021/22", 2, "age", "25-34", 9)
        third = services.set_service_activity(wb, ids["service"], "2021/22", 2, "clients supported", 30)
    whole = tx.changes("Import monitoring return")
    assert history(wb)[0] == edits + 1
    assert first.edit_id == second.edit_id == third.edit_id == whole.edit_id
    # Each action's Changes holds its own rows only; the batch's holds them all.
    assert [r.table for r in first.rows] == ["service_categories", "service_counts"]
    assert [r.after["category"] for r in second.rows] == ["25-34", "25-34"]
    assert [r.table for r in third.rows] == ["service_activity"]
    assert whole.rows == first.rows + second.rows + third.rows
    assert len(audit_rows(wb, whole.edit_id)) == len(expected_audit(whole))
    after = dump(wb)
    wb.revert(whole.edit_id)
    assert dump(wb) == before
    wb.revert(whole.edit_id + 1)
    assert dump(wb) == after


def test_a_batch_setting_one_cell_twice_is_undone_to_the_first_value(full) -> None:
    wb, ids = full
    before = dump(wb)
    with wb.batch("Correct a figure twice") as tx:
        kpis.set_kpi_value(wb, ids["kpi"], "2021/22", 1, 130)
        kpis.set_kpi_value(wb, ids["kpi"], "2021/22", 1, 140)
        kpis.set_kpi_value(wb, ids["kpi"], "2021/22", 1, status="not available")
    after = dump(wb)
    undo = wb.revert(tx.changes("").edit_id)
    assert dump(wb) == before  # 120, not 130 or 140
    wb.revert(undo.edit_id)
    assert dump(wb) == after


def test_a_failure_caught_inside_a_batch_undoes_only_that_action(full) -> None:
    wb, ids = full
    before = dump(wb)
    with wb.batch("Add services") as tx:
        services.add_service(wb, {"name": "First"})
        with pytest.raises(ValidationError):
            services.add_service(wb, {"name": "Halo"})  # clash: its savepoint is rolled back
        with pytest.raises(ValidationError):
            kpis.set_kpi_value(wb, ids["ratio"], "2021/22", 1, 5)
        services.add_service(wb, {"name": "Second"})
    whole = tx.changes("Add services")
    assert [r.after["name"] for r in whole.rows] == ["First", "Second"]
    assert [s["name"] for s in services.services(wb)] == ["Halo", "First", "Second"]
    wb.revert(whole.edit_id)
    assert dump(wb) == before


def test_a_failure_leaving_a_batch_changes_nothing(full) -> None:
    wb, ids = full
    before, past = dump(wb), history(wb)
    with pytest.raises(ValidationError):
        with wb.batch("Add services"):
            services.add_service(wb, {"name": "First"})
            workforce.delete_staff(wb, ids["staff"])
            services.add_service(wb, {"name": "Halo"})
    assert dump(wb) == before and history(wb) == past
    with pytest.raises(NotFound):
        with wb.batch("Edit"):
            goals.edit_goal(wb, ids["goal"], {"status": "achieved"})
            goals.edit_goal(wb, 999, {"status": "achieved"})
    assert dump(wb) == before and history(wb) == past


# -- check ------------------------------------------------------------------------------------
def test_check_passes_valid_data(full) -> None:
    wb, _ = full
    report = check.check_workbook(wb)
    assert report.ok, report.lines()
    assert report.counts["staff row"] == 2 and report.counts["KPI"] == 3


@pytest.mark.parametrize(("table", "field", "bad"), [
    ("staff", "ethnicity", "Martian"),
    ("staff", "staff_ref", "Jane Smith"),
    ("leave_events", "outcome", "Unknown"),
    ("services", "first_year", "2021-22"),
    ("service_counts", "quarter", 5),
    ("service_activity", "financial_year", "2021/23"),
    ("scheme_counts", "dimension", "height"),
    ("scheme_measures", "measure", "happiness"),
    ("kpis", "unit", "furlongs"),
    ("kpi_values", "status", "suppressed"),
    ("kpi_comparators", "period", ""),
    ("kpi_commentary", "quarter", 0),
    ("goals", "status", "finished"),
    ("goal_updates", "update_date", "soon"),
    ("edi_assessments", "level", "Excellent"),
    ("workforce_snapshots", "snapshot_date", "31/03/2022"),
])  # fmt: skip
def test_check_reports_a_corrupted_row_with_table_id_and_field(full, table: str, field: str, bad) -> None:
    wb, _ = full
    row_id = wb.scalar(f'SELECT max(id) FROM "{table}"')
    wb.conn.execute(f'UPDATE "{table}" SET "{field}" = ? WHERE id = ?', [bad, row_id])
    report = check.check_workbook(wb)
    assert not report.ok
    assert len(report.problems) == 1
    assert report.problems[0].startswith(f"{table} row {row_id}: {field}")
    assert repr(bad) in report.problems[0]


def test_check_applies_the_rules_that_span_fields_and_tables(full) -> None:
    wb, ids = full
    corrupt = [
        ("UPDATE staff SET start_date = '2023-01-01' WHERE id = ?", ids["staff"]),
        ("UPDATE leave_events SET end_date = '2021-03-01' WHERE id = ?", ids["leave"]),
        ("UPDATE scheme_measures SET value = 150 WHERE scheme_id = ?", ids["scheme"]),
        ("UPDATE kpi_values SET value = 2.5 WHERE kpi_id = ?", ids["kpi"]),
        ("UPDATE kpi_values SET value = 7 WHERE kpi_id = ?", ids["kpi2"]),  # beside its status
    ]
    for sql, row_id in corrupt:
        wb.conn.execute(sql, [row_id])
    assert check.check_workbook(wb).problems == [
        f"staff row {ids['staff']}: start_date: '2023-01-01' is after the snapshot date "
        "(allowed: on or before 2022-03-31)",
        f"leave_events row {ids['leave']}: end_date: '2021-03-01' is before the start date "
        "(allowed: on or after 2021-04-01)",
        "scheme_measures row 1: value: 150.0 is out of range for reoffending_rate (allowed: a number from 0 to 100)",
        "kpi_values row 1: value: 2.5 is not a whole number for a count KPI (allowed: a whole number of at least 0)",
        "kpi_values row 2: status: 'not available' cannot be set together with a number "
        "(allowed: either a number or a status)",
    ]


def test_check_reports_a_bad_setting_and_typed_values_of_a_derived_kpi(full) -> None:
    wb, ids = full
    wb.conn.execute("INSERT INTO settings (key, value) VALUES ('disclosure.threshold', 'five')")
    wb.conn.execute("INSERT INTO kpi_values (kpi_id, financial_year, quarter, value) VALUES (?, '2021/22', 1, 3)",
                    [ids["ratio"]])  # fmt: skip
    assert check.check_workbook(wb).problems == [
        "settings row disclosure.threshold: disclosure.threshold: 'five' is not a number",
        "KPI '% positive' is derived but has 1 typed value(s)",
    ]
