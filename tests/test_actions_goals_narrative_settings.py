"""Goals and their updates, the EDI framework self-assessment, narrative sections, settings and
the logo: what each action returns and writes, and what each refuses."""

from __future__ import annotations

import pytest
from action_helpers import ops, problem, refused

from opcc_desktop.areas import goals, narrative, settings
from opcc_desktop.areas.vocab import GOAL_STATUSES, REPORT_SECTIONS
from opcc_desktop.errors import NotFound
from opcc_desktop.figures import publishable

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


# -- helpers -------------------------------------------------------------------------------


def goal(wb, title: str = "Victim Mapping", year: str = "2021/22") -> int:
    values = {"set_for_year": year, "title": title, "description": "Use the VNA.",
              "owner": "Policy officer", "status": "in progress"}  # fmt: skip
    return goals.add_goal(wb, values).rows[0].key["id"]


def area(wb, name: str = "Responsive Services") -> int:
    return goals.add_edi_area(wb, name).rows[0].key["id"]


# -- goals ---------------------------------------------------------------------------------
def test_add_goal_returns_and_writes_the_row(wb) -> None:
    changes = goals.add_goal(wb, {"set_for_year": "2021/22", "title": "Consultation",
                                  "status": "Achieved"})  # fmt: skip
    (row,) = changes.rows
    assert row.after == {"id": 1, "set_for_year": "2021/22", "title": "Consultation", "description": "",
                         "owner": "", "status": "achieved", "position": 1}  # fmt: skip
    assert goals.goals(wb) == [row.after]
    goal(wb, "Second")
    assert goals.goals(wb)[1]["position"] == 2
    assert goals.add_goal(wb, {"set_for_year": "2022/23", "title": "Next", "status": "not started"}
                          ).rows[0].after["position"] == 1  # positions count within a year


@pytest.mark.parametrize("status", GOAL_STATUSES)
def test_every_goal_status_is_allowed(wb, status: str) -> None:
    gid = goal(wb)
    changes = goals.edit_goal(wb, gid, {"status": status.upper()})
    assert goals.goals(wb)[0]["status"] == status
    assert bool(changes) == (status != "in progress")


def test_goal_refuses_bad_input_listing_every_problem(wb) -> None:
    error = refused(wb, goals.add_goal, {"set_for_year": "2021-22", "title": "",
                                         "status": "finished", "owner": "x" * 101})  # fmt: skip
    assert [p.field for p in error.problems] == ["set_for_year", "title", "owner", "status"]
    assert problem(error, "status").allowed == ", ".join(repr(s) for s in GOAL_STATUSES)
    goal(wb, "Victim Mapping")
    error = refused(wb, goals.add_goal, {"set_for_year": "2021/22", "title": "Victim Mapping",
                                         "status": "achieved"})  # fmt: skip
    assert problem(error, "set_for_year + title").value == ("2021/22", "Victim Mapping")


def test_edit_and_delete_goal_with_its_updates(wb) -> None:
    gid = goal(wb)
    changes = goals.edit_goal(wb, gid, {"status": "achieved"})
    assert (changes.rows[0].before["status"], changes.rows[0].after["status"]) == ("in progress", "achieved")
    goals.set_goal_update(wb, gid, "2021/22", "The VNA was published.", "2022-03-31")
    changes = goals.delete_goal(wb, gid)
    assert ops(changes) == [("goal_updates", "delete"), ("goals", "delete")]
    assert goals.goals(wb) == []
    with pytest.raises(NotFound):
        goals.edit_goal(wb, gid, {"status": "achieved"})
    with pytest.raises(NotFound):
        goals.delete_goal(wb, gid)


def test_goal_update_is_set_changed_and_removed(wb) -> None:
    gid = goal(wb)
    changes = goals.set_goal_update(wb, gid, "2021/22", "Published in August 2021.", "2021-08-31")
    assert changes.rows[0].after == {"id": 1, "goal_id": gid, "report_year": "2021/22",
                                     "update_date": "2021-08-31", "text": "Published in August 2021."}  # fmt: skip
    changes = goals.set_goal_update(wb, gid, "2021/22", "Published.", "2021-08-31")
    assert ops(changes) == [("goal_updates", "update")]
    assert goals.goal_updates(wb, gid)[0]["text"] == "Published."
    changes = goals.set_goal_update(wb, gid, "2021/22", "")
    assert ops(changes) == [("goal_updates", "delete")]
    error = refused(wb, goals.set_goal_update, gid, "2021/23", "x", "31 Aug")
    assert [p.field for p in error.problems] == ["report_year", "update_date"]
    with pytest.raises(NotFound):
        goals.set_goal_update(wb, 99, "2021/22", "x")


# -- EDI framework -------------------------------------------------------------------------
def test_edi_areas_are_added_renamed_and_deleted_with_their_assessments(wb) -> None:
    changes = goals.add_edi_area(wb, "Responsive Services")
    assert changes.rows[0].after == {"id": 1, "name": "Responsive Services", "position": 1}
    changes = goals.rename_edi_area(wb, 1, "Responsive services and customer care")
    assert ops(changes) == [("edi_areas", "update")]
    goals.set_edi_assessment(wb, 1, "2022/23", "Developing", "Baseline set.")
    changes = goals.delete_edi_area(wb, 1)
    assert ops(changes) == [("edi_assessments", "delete"), ("edi_areas", "delete")]
    error = refused(wb, goals.add_edi_area, "")
    assert problem(error, "name").message == "is missing"
    area(wb, "Leadership")
    assert problem(refused(wb, goals.add_edi_area, "Leadership"), "name").value == "Leadership"


def test_edi_assessment_in_each_state(wb) -> None:
    aid = area(wb)
    changes = goals.set_edi_assessment(wb, aid, "2022/23", "achieving", "Evidence A.")
    assert changes.rows[0].after == {"id": 1, "area_id": aid, "financial_year": "2022/23",
                                     "level": "Achieving", "evidence": "Evidence A."}  # fmt: skip
    changes = goals.set_edi_assessment(wb, aid, "2022/23", "Advancing", "Evidence A.")
    assert [(r.before["level"], r.after["level"]) for r in changes.rows] == [("Achieving", "Advancing")]
    changes = goals.set_edi_assessment(wb, aid, "2022/23", None)
    assert ops(changes) == [("edi_assessments", "delete")]
    error = refused(wb, goals.set_edi_assessment, aid, "2022-23", "Excellent")
    assert [p.field for p in error.problems] == ["financial_year", "level"]
    assert problem(error, "level").allowed == "'Developing', 'Achieving', 'Advancing'"
    with pytest.raises(NotFound):
        goals.set_edi_assessment(wb, 99, "2022/23", "Developing")


def test_edi_level_labels_come_from_the_settings(wb) -> None:
    aid = area(wb)
    goals.set_edi_assessment(wb, aid, "2021/22", "Advancing")
    goals.set_edi_assessment(wb, aid, "2022/23", "Developing")
    changes = settings.set_setting(wb, "edi.levels", "Developing | Achieving | Excellent")
    # Levels already assessed are renamed by position in the same edit.
    assert ops(changes) == [("edi_assessments", "update"), ("settings", "insert")]
    assert changes.rows[0].after["level"] == "Excellent"
    assert settings.edi_levels(wb) == ("Developing", "Achieving", "Excellent")
    assert [r["level"] for r in wb.rows("SELECT level FROM edi_assessments ORDER BY id")] == [
        "Excellent", "Developing"]  # fmt: skip
    error = refused(wb, goals.set_edi_assessment, aid, "2023/24", "Advancing")
    assert problem(error, "level").allowed == "'Developing', 'Achieving', 'Excellent'"
    assert goals.set_edi_assessment(wb, aid, "2023/24", "Excellent")
    for bad in ("Low|High", "A|A|B", "A||C", "A|B|C|D"):
        error = refused(wb, settings.set_setting, "edi.levels", bad)
        assert problem(error, "edi.levels").allowed == "three different names separated by |, lowest first"


# -- narrative -----------------------------------------------------------------------------
def test_narrative_section_is_written_changed_and_removed(wb) -> None:
    text = "# Duties\n\nThe **Public Sector Equality Duty** requires:\n\n- due regard"
    changes = narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction", text)
    assert changes.rows[0].after == {"id": 1, "report": "annual-equality", "financial_year": "2021/22",
                                     "quarter": 0, "section": "introduction", "text": text}  # fmt: skip
    changes = narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction", "New text")
    assert ops(changes) == [("narratives", "update")]
    narrative.set_narrative(wb, "performance-update", "2021/22", "delivery", "£1.009M in funding", quarter=2)
    assert publishable.narrative(wb, "performance-update", "2021/22", 2) == {"delivery": "£1.009M in funding"}
    assert publishable.narrative(wb, "annual-equality", "2021/22") == {"introduction": "New text"}
    changes = narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction", None)
    assert ops(changes) == [("narratives", "delete")]
    assert not narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction", "")


def test_narrative_refuses_bad_input_listing_every_problem(wb) -> None:
    error = refused(wb, narrative.set_narrative, "annual-equality", "2021-22", "epilogue", "x", quarter=2)
    assert [p.field for p in error.problems] == ["financial_year", "section", "quarter"]
    assert problem(error, "section").allowed == ", ".join(REPORT_SECTIONS["annual-equality"])
    error = refused(wb, narrative.set_narrative, "performance-update", "2021/22", "delivery", "x")
    assert problem(error, "quarter").allowed == "1, 2, 3 or 4"
    error = refused(wb, narrative.set_narrative, "annual-report", "2021/22", "introduction", "x")
    assert "'annual-equality'" in problem(error, "report").allowed


# -- settings and logo ---------------------------------------------------------------------
@pytest.mark.parametrize(("key", "typed", "stored"), [
    ("office_name", " Office of the PCC ", "Office of the PCC"),
    ("disclosure.threshold", "10", "10"),
    ("disclosure.symbol", "<5", "<5"),
    ("disclosure.rounding", "half-up", None),  # the default: nothing to store
    ("nondisclosure.warn_percent", 27.5, "27.5"),
    ("edi.levels", "Developing|Achieving|Excellent", "Developing|Achieving|Excellent"),
    ("backups.keep", 3, "3"),
])  # fmt: skip
def test_each_setting_is_stored(wb, key: str, typed: object, stored: str | None) -> None:
    changes = settings.set_setting(wb, key, typed)
    if stored is None:
        assert not changes and changes.edit_id is None
        assert wb.scalar("SELECT count(*) FROM settings") == 0
        return
    assert [(r.table, r.key, r.op, r.after) for r in changes.rows] == [
        ("settings", {"key": key}, "insert", {"key": key, "value": stored})]  # fmt: skip
    assert settings.settings(wb)[key] == stored
    changes = settings.set_setting(wb, key, settings.DEFAULTS[key])  # back to the default
    assert [(r.before["value"], r.after["value"]) for r in changes.rows] == [(stored, settings.DEFAULTS[key])]


@pytest.mark.parametrize(("key", "bad", "allowed"), [
    ("disclosure.threshold", -1, "a whole number from 0 to 100"),
    ("disclosure.threshold", 2.5, "a whole number from 0 to 100"),
    ("disclosure.symbol", "#", "'*', '<5', '[c]', 'x', '~'"),
    ("disclosure.rounding", "banker's", "'half-up'"),
    ("nondisclosure.warn_percent", 130, "a number from 0 to 100"),
    ("backups.keep", 0, "a whole number from 1 to 100"),
    ("office_name", "x" * 151, "at most 150"),
])  # fmt: skip
def test_settings_refuse_bad_values(wb, key: str, bad: object, allowed: str) -> None:
    found = problem(refused(wb, settings.set_setting, key, bad), key)
    assert found.value == bad and found.allowed == allowed


def test_an_unknown_setting_key_is_refused(wb) -> None:
    error = refused(wb, settings.set_setting, "theme", "dark")
    found = problem(error, "key")
    assert found.value == "theme" and "disclosure.threshold" in found.allowed


def test_logo_is_set_replaced_and_removed(wb) -> None:
    changes = settings.set_logo(wb, PNG)
    assert [(r.table, r.key, r.op) for r in changes.rows] == [("assets", {"name": "logo"}, "insert")]
    assert changes.rows[0].after == {"name": "logo", "media_type": "image/png", "data": PNG}
    assert settings.logo(wb) == PNG
    changes = settings.set_logo(wb, JPEG)
    assert changes.rows[0].after["media_type"] == "image/jpeg"
    assert not settings.set_logo(wb, JPEG)
    changes = settings.set_logo(wb, None)
    assert ops(changes) == [("assets", "delete")]
    assert settings.logo(wb) is None
    assert not settings.set_logo(wb, None)


@pytest.mark.parametrize("data", [b"GIF89a" + b"\x00" * 10, b"", b"<svg></svg>", "logo.png"])
def test_a_logo_that_is_not_png_or_jpeg_is_refused(wb, data: object) -> None:
    error = refused(wb, settings.set_logo, data)
    assert "PNG or JPEG" in str(error)


def test_a_logo_too_large_and_of_the_wrong_kind_reports_both(wb) -> None:
    error = refused(wb, settings.set_logo, b"GIF89a" + b"\x00" * settings.MAX_LOGO_BYTES)
    assert [p.message for p in error.problems] == ["is too large", "is not a PNG or JPEG image"]
