"""Property: any sequence of edits, undone newest first, gives back the starting workbook
exactly; redone in order, it gives back the final workbook exactly.

Each step draws one of many actions (some with invalid input, which must be refused and change
nothing, some several actions in one batch) against whatever the workbook holds at that moment.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from conftest import PASSPHRASE, dump
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from opcc_desktop.areas import goals, kpis, narrative, schemes, services, workforce
from opcc_desktop.areas import settings as office_settings
from opcc_desktop.areas.vocab import (
    GOAL_STATUSES,
    LEAVE_OUTCOMES,
    LEAVE_TYPES,
    QUARTERLY_REPORTS,
    REPORT_SECTIONS,
    SCHEME_DIMENSIONS,
    SCHEME_MEASURES,
    SERVICE_DIMENSIONS,
    UNITS,
    WORKFORCE_CHARACTERISTICS,
)  # fmt: skip
from opcc_desktop.errors import ValidationError
from opcc_desktop.store.changes import Changes
from opcc_desktop.store.workbook import Workbook

YEARS = ("2020/21", "2021/22")
CATEGORIES = ("Female", "Male", "18-24", "Not disclosed")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x02" * 20


class Step:
    """What a step needs: the workbook, hypothesis' draw, and unique numbers for names."""

    def __init__(self, wb: Workbook, data: st.DataObject, serial: itertools.count) -> None:
        self.wb, self.data, self.serial = wb, data, serial

    def draw(self, strategy: st.SearchStrategy, label: str | None = None):
        return self.data.draw(strategy, label=label)

    def pick(self, sql: str) -> int | None:
        """One id from ``sql``'s results, or None when there is none."""
        ids = [r[0] for r in self.wb.conn.execute(sql).fetchall()]
        return self.draw(st.sampled_from(ids)) if ids else None

    def unique(self, prefix: str) -> str:
        return f"{prefix} {next(self.serial)}"

    def valid(self) -> bool:
        """Whether this step's input is valid (about one step in six is not)."""
        return self.draw(st.integers(0, 5), label="invalid?") > 0


def staff_row(s: Step, ref: str) -> dict[str, object]:
    row: dict[str, object] = {name: s.draw(st.sampled_from(options))
                              for name, options in WORKFORCE_CHARACTERISTICS.items()}  # fmt: skip
    row.update(staff_ref=ref, fte=s.draw(st.sampled_from([None, 0.5, 1.0])),
               start_date=s.draw(st.sampled_from([None, "2010-01-31", "2019-12-31"])))  # fmt: skip
    return row


# Each action returns the Changes of a valid edit, or a callable that must be refused.
Outcome = Changes | Callable[[], object] | None


def snapshot_action(s: Step) -> Outcome:
    kind = s.draw(st.sampled_from(["add", "edit", "delete"]))
    snap = s.pick("SELECT id FROM workforce_snapshots")
    if kind == "add" or snap is None:
        date = f"{2020 + next(s.serial)}-03-31"
        if s.valid():
            return workforce.add_snapshot(s.wb, date)
        return lambda: workforce.add_snapshot(s.wb, "2021-02-30")
    if kind == "edit":
        if s.valid():
            return workforce.edit_snapshot(s.wb, snap, {"label": s.unique("Snapshot")})
        return lambda: workforce.edit_snapshot(s.wb, snap, {"snapshot_date": "2000-01-01", "label": ["not text"]})
    return workforce.delete_snapshot(s.wb, snap)


def staff_action(s: Step) -> Outcome:
    snap = s.pick("SELECT id FROM workforce_snapshots")
    if snap is None:
        return snapshot_action(s)
    person = s.pick("SELECT id FROM staff")
    kind = s.draw(st.sampled_from(["add", "add rows", "edit", "delete"]))
    if kind == "add" or (person is None and kind != "add rows"):
        if s.valid():
            return workforce.add_staff(s.wb, snap, staff_row(s, f"E{next(s.serial)}"))
        bad = s.draw(st.sampled_from([{"staff_ref": "Jane Smith"}, {"ethnicity": "Martian"}, {"fte": 1.5},
                                      {"start_date": "2099-01-01"}, {"sex": None}]))  # fmt: skip
        return lambda: workforce.add_staff(s.wb, snap, {**staff_row(s, f"E{next(s.serial)}"), **bad})
    if kind == "add rows":
        refs = [f"E{next(s.serial)}" for _ in range(s.draw(st.integers(1, 4)))]
        if s.valid():
            return workforce.add_staff_rows(s.wb, snap, [staff_row(s, ref) for ref in refs])
        return lambda: workforce.add_staff_rows(s.wb, snap, [staff_row(s, ref) for ref in refs + refs[:1]])
    if kind == "edit":
        field = s.draw(st.sampled_from(sorted(WORKFORCE_CHARACTERISTICS)))
        if s.valid():
            value = s.draw(st.sampled_from(WORKFORCE_CHARACTERISTICS[field]))
            return workforce.edit_staff(s.wb, person, {field: value, "role_grade": s.unique("Grade")})
        return lambda: workforce.edit_staff(s.wb, person, {field: "Unknown", "fte": -1})
    return workforce.delete_staff(s.wb, person)


def leave_action(s: Step) -> Outcome:
    person = s.pick("SELECT id FROM staff")
    if person is None:
        return staff_action(s)
    event = s.pick("SELECT id FROM leave_events")
    kind = s.draw(st.sampled_from(["add", "edit", "delete"]))
    if kind == "add" or event is None:
        start = f"2021-{1 + next(s.serial) % 12:02}-{1 + next(s.serial) % 28:02}"
        values = {"leave_type": s.draw(st.sampled_from(LEAVE_TYPES)), "start_date": start,
                  "outcome": s.draw(st.sampled_from(LEAVE_OUTCOMES))}  # fmt: skip
        if s.valid():
            try:
                return workforce.add_leave_event(s.wb, person, values)
            except ValidationError as clash:  # the same leave twice (drawn dates can repeat)
                assert "already used" in str(clash)
                return None
        return lambda: workforce.add_leave_event(s.wb, person, {**values, "end_date": "2020-12-31"})
    if kind == "edit":
        if s.valid():
            return workforce.edit_leave_event(s.wb, event, {"outcome": s.draw(st.sampled_from(LEAVE_OUTCOMES))})
        return lambda: workforce.edit_leave_event(s.wb, event, {"end_date": "1999-01-01"})
    return workforce.delete_leave_event(s.wb, event)


def service_action(s: Step) -> Outcome:
    service = s.pick("SELECT id FROM services")
    kind = s.draw(st.sampled_from(["add", "edit", "delete", "count", "count", "activity"]))
    if kind == "add" or service is None:
        if s.valid():
            return services.add_service(s.wb, {"name": s.unique("Service"), "first_year": "2021/22"})
        return lambda: services.add_service(s.wb, {"name": "X", "first_year": "2021-22"})
    if kind == "edit":
        if s.valid():
            values = {"service_type": s.unique("Type"), "never_publish": s.draw(st.booleans())}
            return services.edit_service(s.wb, service, values)
        return lambda: services.edit_service(s.wb, service, {"name": ""})
    if kind == "delete":
        return services.delete_service(s.wb, service)
    year, quarter = s.draw(st.sampled_from(YEARS)), s.draw(st.integers(1, 4))
    if kind == "count":
        dimension, category = s.draw(st.sampled_from(SERVICE_DIMENSIONS)), s.draw(st.sampled_from(CATEGORIES))
        if s.valid():
            count = s.draw(st.none() | st.integers(0, 40))
            return services.set_service_count(s.wb, service, year, quarter, dimension, category, count)
        bad = s.draw(st.sampled_from([-1, 2.5, "many"]))
        return lambda: services.set_service_count(s.wb, service, year, quarter, dimension, category, bad)
    measure = s.draw(st.sampled_from(["referrals received", "clients supported"]))
    if s.valid():
        value = s.draw(st.none() | st.floats(0, 1e6, allow_nan=False))
        return services.set_service_activity(s.wb, service, year, quarter, measure, value)
    return lambda: services.set_service_activity(s.wb, service, "2021/23", quarter, measure, -5)


def scheme_action(s: Step) -> Outcome:
    scheme = s.pick("SELECT id FROM schemes")
    kind = s.draw(st.sampled_from(["add", "edit", "delete", "count", "count", "measure"]))
    if kind == "add" or scheme is None:
        if s.valid():
            return schemes.add_scheme(s.wb, {"name": s.unique("Scheme"), "age_range": "18+"})
        return lambda: schemes.add_scheme(s.wb, {"name": "", "never_publish": "perhaps"})
    if kind == "edit":
        return schemes.edit_scheme(s.wb, scheme, {"age_range": s.draw(st.sampled_from(["10-17", "18+"]))})
    if kind == "delete":
        return schemes.delete_scheme(s.wb, scheme)
    year = s.draw(st.sampled_from(YEARS))
    if kind == "count":
        dimension, category = s.draw(st.sampled_from(SCHEME_DIMENSIONS)), s.draw(st.sampled_from(CATEGORIES))
        gender = s.draw(st.sampled_from(["All", "Female", "Male"]))
        if s.valid():
            count = s.draw(st.none() | st.integers(0, 40))
            return schemes.set_scheme_count(s.wb, scheme, year, dimension, category, count, gender=gender)
        return lambda: schemes.set_scheme_count(s.wb, scheme, year, "height", category, 3, gender=gender)
    measure = s.draw(st.sampled_from(sorted(SCHEME_MEASURES)))
    if s.valid():
        value = s.draw(st.none() | st.integers(0, 100))
        return schemes.set_scheme_measure(s.wb, scheme, year, measure, value)
    return lambda: schemes.set_scheme_measure(s.wb, scheme, year, "engagement_rate", 162.75)


def kpi_definition_action(s: Step) -> Outcome:
    group = s.pick("SELECT id FROM kpi_groups")
    plain = [r[0] for r in s.wb.conn.execute("SELECT id FROM kpis WHERE derived_kind IS NULL")]
    kind = s.draw(st.sampled_from(["outcome", "group", "kpi", "derived", "edit", "delete"]))
    if kind == "outcome" or group is None:
        outcome = s.pick("SELECT id FROM strategic_outcomes")
        if outcome is None or s.draw(st.booleans()):
            return kpis.add_outcome(s.wb, s.unique("Outcome"))
        return kpis.add_group(s.wb, outcome, s.unique("Group"))
    if kind == "group":
        return kpis.rename_group(s.wb, group, s.unique("Group"))
    values = {"name": s.unique("KPI"), "unit": s.draw(st.sampled_from(UNITS)), "polarity": "higher"}
    if kind == "kpi" or (kind == "derived" and len(plain) < 2):
        if s.valid():
            return kpis.add_kpi(s.wb, group, values)
        return lambda: kpis.add_kpi(s.wb, group, {**values, "unit": "furlongs", "polarity": "up"})
    if kind == "derived":
        derived = s.draw(st.sampled_from(["sum", "ratio"]))
        inputs = s.draw(st.lists(st.sampled_from(plain), min_size=2, max_size=2 if derived == "ratio" else 4,
                                 unique=True))  # fmt: skip
        if s.valid():
            return kpis.add_kpi(s.wb, group, values, derived, inputs)
        return lambda: kpis.add_kpi(s.wb, group, values, "ratio", inputs + inputs)
    kpi = s.pick("SELECT id FROM kpis")
    if kpi is None:
        return None
    if kind == "edit":
        return kpis.edit_kpi(s.wb, kpi, {"polarity": s.draw(st.sampled_from(["higher", "lower", "neutral"]))})
    used = s.wb.scalar("SELECT count(*) FROM kpi_inputs WHERE input_kpi_id = ?", [kpi])
    if used:
        return lambda: kpis.delete_kpi(s.wb, kpi)
    return kpis.delete_kpi(s.wb, kpi)


def kpi_value_action(s: Step) -> Outcome:
    kpi = s.pick("SELECT id FROM kpis WHERE derived_kind IS NULL")
    group = s.pick("SELECT id FROM kpi_groups")
    if kpi is None or group is None:
        return kpi_definition_action(s)
    year, quarter = s.draw(st.sampled_from(YEARS)), s.draw(st.integers(1, 4))
    kind = s.draw(st.sampled_from(["value", "value", "comparator", "commentary"]))
    if kind == "value":
        if s.valid():
            cell = s.draw(st.sampled_from([{"value": 0}, {"value": 42}, {"value": 87.0}, {"status": "not available"},
                                           {"status": "under development"}, {}]))  # fmt: skip
            return kpis.set_kpi_value(s.wb, kpi, year, quarter, **cell, provisional=s.draw(st.booleans()))
        derived = s.pick("SELECT id FROM kpis WHERE derived_kind IS NOT NULL")
        if derived is not None and s.draw(st.booleans()):
            return lambda: kpis.set_kpi_value(s.wb, derived, year, quarter, 5)
        return lambda: kpis.set_kpi_value(s.wb, kpi, year, quarter, 5, status="not available")
    if kind == "comparator":
        value = s.draw(st.none() | st.floats(-1e3, 1e3, allow_nan=False))
        return kpis.set_comparator(s.wb, kpi, s.draw(st.sampled_from(["national", "MSG"])), year, value)
    if s.valid():
        text = s.draw(st.sampled_from(["", "Demand rose.", "An increase of 37.5%."]))
        return kpis.set_commentary(s.wb, group, year, quarter, text)
    return lambda: kpis.set_commentary(s.wb, group, year, 5, "x")


def goal_action(s: Step) -> Outcome:
    goal = s.pick("SELECT id FROM goals")
    area = s.pick("SELECT id FROM edi_areas")
    kind = s.draw(st.sampled_from(["add", "edit", "delete", "update", "area", "assess", "levels"]))
    if kind == "add" or (goal is None and kind in ("edit", "delete", "update")):
        values = {"set_for_year": s.draw(st.sampled_from(YEARS)), "title": s.unique("Goal"),
                  "status": s.draw(st.sampled_from(GOAL_STATUSES))}  # fmt: skip
        if s.valid():
            return goals.add_goal(s.wb, values)
        return lambda: goals.add_goal(s.wb, {**values, "status": "finished", "set_for_year": "2021/23"})
    if kind == "edit":
        return goals.edit_goal(s.wb, goal, {"status": s.draw(st.sampled_from(GOAL_STATUSES))})
    if kind == "delete":
        return goals.delete_goal(s.wb, goal)
    if kind == "update":
        return goals.set_goal_update(s.wb, goal, s.draw(st.sampled_from(YEARS)),
                                     s.draw(st.sampled_from(["", "On track.", "Done."])))  # fmt: skip
    if kind == "area" or area is None:
        return goals.add_edi_area(s.wb, s.unique("Area"))
    if kind == "assess":
        if s.valid():
            level = s.draw(st.sampled_from([None, *office_settings.edi_levels(s.wb)]))
            return goals.set_edi_assessment(s.wb, area, s.draw(st.sampled_from(YEARS)), level, "Notes.")
        return lambda: goals.set_edi_assessment(s.wb, area, "2021/22", "Outstanding")
    labels = s.draw(st.sampled_from(["Developing|Achieving|Advancing", "Developing|Achieving|Excellent",
                                     "Low|Middle|High"]))  # fmt: skip
    return office_settings.set_setting(s.wb, "edi.levels", labels)


def text_and_settings_action(s: Step) -> Outcome:
    kind = s.draw(st.sampled_from(["narrative", "setting", "logo"]))
    if kind == "narrative":
        report = s.draw(st.sampled_from(sorted(REPORT_SECTIONS)))
        section = s.draw(st.sampled_from(REPORT_SECTIONS[report]))
        quarter = s.draw(st.integers(1, 4)) if report in QUARTERLY_REPORTS else 0
        if s.valid():
            text = s.draw(st.sampled_from(["", "# Heading\n\n**Bold** text", "- a bullet"]))
            return narrative.set_narrative(s.wb, report, "2021/22", section, text, quarter=quarter)
        return lambda: narrative.set_narrative(s.wb, report, "2021-22", "foreword", "x", quarter=quarter)
    if kind == "setting":
        if s.valid():
            key, value = s.draw(st.sampled_from([("office_name", "OPCC"), ("office_name", ""),
                                                 ("disclosure.threshold", 3), ("disclosure.symbol", "<5"),
                                                 ("nondisclosure.warn_percent", 42.5), ("backups.keep", 5)]))  # fmt: skip
            return office_settings.set_setting(s.wb, key, value)
        key, value = s.draw(st.sampled_from([("theme", "dark"), ("disclosure.threshold", -1),
                                             ("edi.levels", "A|B")]))  # fmt: skip
        return lambda: office_settings.set_setting(s.wb, key, value)
    if s.valid():
        return office_settings.set_logo(s.wb, s.draw(st.sampled_from([PNG, JPEG, None])))
    return lambda: office_settings.set_logo(s.wb, b"GIF89a")


ACTIONS = (snapshot_action, staff_action, leave_action, service_action, scheme_action,
           kpi_definition_action, kpi_value_action, goal_action, text_and_settings_action)  # fmt: skip


def batch_action(s: Step) -> Outcome:
    """Several valid actions as one edit (a refused one inside is caught, so it is undone alone)."""
    with s.wb.batch("Several changes") as tx:
        for _ in range(s.draw(st.integers(2, 4))):
            outcome = s.draw(st.sampled_from(ACTIONS))(s)
            if callable(outcome):
                with pytest.raises(ValidationError):
                    outcome()
    return tx.changes("Several changes")


def same_cell_twice_action(s: Step) -> Outcome:
    """One cell set twice in one batch: undo must go back past both values."""
    kpi = s.pick("SELECT id FROM kpis WHERE derived_kind IS NULL")
    if kpi is None:
        return kpi_definition_action(s)
    year, quarter = s.draw(st.sampled_from(YEARS)), s.draw(st.integers(1, 4))
    with s.wb.batch("Same cell twice") as tx:
        for value in s.draw(st.lists(st.integers(0, 100), min_size=2, max_size=3)):
            kpis.set_kpi_value(s.wb, kpi, year, quarter, value)
    return tx.changes("Same cell twice")


def history(wb: Workbook) -> tuple[int, int]:
    return wb.scalar("SELECT count(*) FROM edits"), wb.scalar("SELECT count(*) FROM audit")


def seed(wb: Workbook) -> None:
    """A starting state with something of every kind, so first steps can edit and delete."""
    snap = workforce.add_snapshot(wb, "2020-03-31").rows[0].key["id"]
    person = workforce.add_staff(wb, snap, {"staff_ref": "S1", **{k: v[0] for k, v in
                                 WORKFORCE_CHARACTERISTICS.items()}}).rows[0].key["id"]  # fmt: skip
    workforce.add_leave_event(wb, person, {"leave_type": "Adoption", "start_date": "2018-05-01",
                                           "outcome": "Returned"})  # fmt: skip
    service = services.add_service(wb, {"name": "Seed service"}).rows[0].key["id"]
    services.set_service_count(wb, service, "2021/22", 1, "gender", "Female", 3)
    scheme = schemes.add_scheme(wb, {"name": "Seed scheme"}).rows[0].key["id"]
    schemes.set_scheme_count(wb, scheme, "2021/22", "gender", "Male", 4)
    group = kpis.add_group(wb, kpis.add_outcome(wb, "Seed outcome").rows[0].key["id"], "Seed group").rows[0].key["id"]
    a = kpis.add_kpi(wb, group, {"name": "Seed a", "unit": "count", "polarity": "higher"}).rows[0].key["id"]
    b = kpis.add_kpi(wb, group, {"name": "Seed b", "unit": "count", "polarity": "higher"}).rows[0].key["id"]
    kpis.add_kpi(wb, group, {"name": "Seed sum", "unit": "count", "polarity": "higher"}, "sum", [a, b])
    kpis.set_kpi_value(wb, a, "2021/22", 1, 10)
    goals.add_goal(wb, {"set_for_year": "2021/22", "title": "Seed goal", "status": "in progress"})
    area = goals.add_edi_area(wb, "Seed area").rows[0].key["id"]
    goals.set_edi_assessment(wb, area, "2021/22", "Achieving")
    office_settings.set_logo(wb, PNG)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_undo_all_then_redo_all_restores_each_state_exactly(tmp_path_factory, data) -> None:
    wb = Workbook.create(tmp_path_factory.mktemp("property") / "office.opcc", PASSPHRASE)
    try:
        seed(wb)
        initial = dump(wb)
        step = Step(wb, data, itertools.count(1))
        made: list[int] = []
        for _ in range(data.draw(st.integers(1, 15), label="steps")):
            action = data.draw(st.sampled_from((*ACTIONS, batch_action, same_cell_twice_action)), label="action")
            before, past = dump(wb), history(wb)
            outcome = action(step)
            event(f"{action.__name__}: " + ("refused" if callable(outcome) else "edit" if outcome else "no change"))
            if callable(outcome):  # invalid input: refused, nothing changed
                with pytest.raises(ValidationError):
                    outcome()
                assert dump(wb) == before and history(wb) == past
            elif outcome:
                assert outcome.edit_id == wb.scalar("SELECT max(id) FROM edits")
                made.append(outcome.edit_id)
            else:  # a valid edit that changed nothing leaves no history
                assert dump(wb) == before and history(wb) == past
        final = dump(wb)

        undone = [wb.revert(edit_id).edit_id for edit_id in reversed(made)]
        assert dump(wb) == initial
        for undo_id in reversed(undone):
            wb.revert(undo_id)
        assert dump(wb) == final
    finally:
        wb.close()
