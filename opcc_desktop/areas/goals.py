"""Equality goals with their dated updates, and the EDI Quality Framework self-assessment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..store.changes import Changes
from ..store.workbook import Workbook
from .editing import delete_row, edit_row, next_position, place, recorded, set_cell
from .settings import edi_levels
from .validation import Field, choice, date, financial_year, long_text, text, validate
from .vocab import GOAL_STATUSES

GOAL_RULES: dict[str, Field] = {
    "set_for_year": financial_year(),
    "title": text(max_len=150),
    "description": long_text(),
    "owner": text(max_len=100, required=False),
    "status": choice(GOAL_STATUSES),
}
UPDATE_RULES: dict[str, Field] = {
    "report_year": financial_year(),
    "update_date": date(required=False),
    "text": long_text(),
}
AREA_RULES: dict[str, Field] = {"name": text(max_len=150)}


def add_goal(wb: Workbook, values: Mapping[str, Any]) -> Changes:
    clean = validate("goal", GOAL_RULES, values)
    with recorded(wb, "goal", "Add goal", clean) as tx:
        position = next_position(tx, "goals", {"set_for_year": clean["set_for_year"]})
        tx.insert("goals", {**clean, "position": position})
    return tx.changes("Add goal")


def edit_goal(wb: Workbook, goal_id: int, values: Mapping[str, Any]) -> Changes:
    return edit_row(wb, "goals", "goal", GOAL_RULES, goal_id, values)


def delete_goal(wb: Workbook, goal_id: int) -> Changes:
    return delete_row(wb, "goals", "goal", goal_id)


def move_goal(wb: Workbook, goal_id: int, position: int) -> Changes:
    """Put a goal at ``position`` (1 is first) among the goals set for its year."""
    with recorded(wb, "goal", "Move goal") as tx:
        goal = tx.require("goals", {"id": goal_id}, "Goal")
        place(tx, "goals", "goal", goal_id, {"set_for_year": goal["set_for_year"]}, position)
    return tx.changes("Move goal")


def set_goal_update(
    wb: Workbook, goal_id: int, report_year: str, text_: str | None, update_date: str | None = None
) -> Changes:
    """The goal's update for one year's report; empty text removes it."""
    clean = validate("goal update", UPDATE_RULES,
                     {"report_year": report_year, "update_date": update_date, "text": text_})  # fmt: skip
    description = f"Edit goal update {clean['report_year']}"
    with recorded(wb, "goal update", description) as tx:
        tx.require("goals", {"id": goal_id}, "Goal")
        cell = {"text": clean["text"], "update_date": clean["update_date"]} if clean["text"] else None
        set_cell(tx, "goal_updates", {"goal_id": goal_id, "report_year": clean["report_year"]}, cell)
    return tx.changes(description)


def add_edi_area(wb: Workbook, name: str) -> Changes:
    clean = validate("EDI framework area", AREA_RULES, {"name": name})
    with recorded(wb, "EDI framework area", "Add EDI framework area", clean) as tx:
        tx.insert("edi_areas", {**clean, "position": next_position(tx, "edi_areas")})
    return tx.changes("Add EDI framework area")


def rename_edi_area(wb: Workbook, area_id: int, name: str) -> Changes:
    return edit_row(wb, "edi_areas", "EDI framework area", AREA_RULES, area_id, {"name": name})


def delete_edi_area(wb: Workbook, area_id: int) -> Changes:
    return delete_row(wb, "edi_areas", "EDI framework area", area_id)


def move_edi_area(wb: Workbook, area_id: int, position: int) -> Changes:
    """Put an EDI framework area at ``position`` (1 is first) among the areas."""
    with recorded(wb, "EDI framework area", "Move EDI framework area") as tx:
        place(tx, "edi_areas", "EDI framework area", area_id, {}, position)
    return tx.changes("Move EDI framework area")


def set_edi_assessment(
    wb: Workbook, area_id: int, financial_year_: str, level: str | None, evidence: str = ""
) -> Changes:
    """One area's level for a year (a level label from the settings); no level removes it."""
    rules: dict[str, Field] = {
        "financial_year": financial_year(),
        "level": choice(edi_levels(wb), required=False),
        "evidence": long_text(),
    }
    clean = validate("EDI assessment", rules,
                     {"financial_year": financial_year_, "level": level, "evidence": evidence})  # fmt: skip
    description = f"Set EDI assessment {clean['financial_year']}"
    with recorded(wb, "EDI assessment", description) as tx:
        tx.require("edi_areas", {"id": area_id}, "EDI framework area")
        cell = {"level": clean["level"], "evidence": clean["evidence"]} if clean["level"] else None
        set_cell(tx, "edi_assessments", {"area_id": area_id, "financial_year": clean["financial_year"]}, cell)
    return tx.changes(description)


def goals(wb: Workbook) -> list[dict[str, Any]]:
    return wb.rows("SELECT * FROM goals ORDER BY set_for_year, position, id")


def goal_updates(wb: Workbook, goal_id: int) -> list[dict[str, Any]]:
    return wb.rows("SELECT * FROM goal_updates WHERE goal_id = ? ORDER BY report_year", [goal_id])


# -- readers for the goals screen ------------------------------------------------------------


def goals_with_update(wb: Workbook, report_year: str) -> list[dict[str, Any]]:
    """Every goal with its update for ``report_year`` (``update`` and ``update_date``, None
    when there is none)."""
    return wb.rows(
        "SELECT g.*, u.text AS \"update\", u.update_date FROM goals g"
        " LEFT JOIN goal_updates u ON u.goal_id = g.id AND u.report_year = ?"
        " ORDER BY g.set_for_year, g.position, g.id",
        [report_year],
    )


def edi_rows(wb: Workbook, financial_year: str) -> list[dict[str, Any]]:
    """Every EDI framework area with its level and evidence for the year (None when not assessed)."""
    return wb.rows(
        "SELECT a.id AS area_id, a.name AS area, e.level, e.evidence FROM edi_areas a"
        " LEFT JOIN edi_assessments e ON e.area_id = a.id AND e.financial_year = ?"
        " ORDER BY a.position, a.id",
        [financial_year],
    )


def goal_years(wb: Workbook, today: dt.date) -> list[str]:
    """The report years the screen offers, latest first: years goals were set for (a year's
    report updates its goals), updated in or assessed in, and the financial year ``today``
    is in."""
    years = {r["year"] for r in wb.rows(
        "SELECT set_for_year AS year FROM goals UNION SELECT report_year FROM goal_updates"
        " UNION SELECT financial_year FROM edi_assessments")}  # fmt: skip
    start = today.year if today.month >= 4 else today.year - 1
    years.add(f"{start}/{(start + 1) % 100:02d}")
    return sorted(years, reverse=True)


def latest_report_year(wb: Workbook) -> str | None:
    """The latest year with a goal update or an EDI assessment, else the latest year goals
    were set for; None when there are neither."""
    found = wb.scalar("SELECT max(year) FROM (SELECT report_year AS year FROM goal_updates"
                      " UNION SELECT financial_year FROM edi_assessments)")  # fmt: skip
    return found or wb.scalar("SELECT max(set_for_year) FROM goals") or None
