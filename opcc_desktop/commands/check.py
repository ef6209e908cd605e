"""``opcc-desktop check``: is the file sound, and does every stored record keep the rules?

Records are re-validated with the same rules the edit actions use, so data that arrived by
an older version or a hand-edited file is caught too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..areas import goals, kpis, schemes, services, settings, workforce
from ..areas.validation import Field, choice, validate
from ..errors import ImportRefused, Problem, ValidationError, counted
from ..exchange import hr_extract
from ..store.schema import SCHEMA_VERSION
from ..store.workbook import Workbook

RULESETS: tuple[tuple[str, str, dict[str, Field]], ...] = (
    ("workforce_snapshots", "workforce snapshot", workforce.SNAPSHOT_RULES),
    ("staff", "staff row", workforce.STAFF_RULES),
    ("leave_events", "leave event", workforce.LEAVE_RULES),
    ("services", "service", services.SERVICE_RULES),
    ("service_counts", "monitoring count", services.COUNT_RULES),
    ("service_activity", "service activity", services.ACTIVITY_RULES),
    ("schemes", "scheme", schemes.SCHEME_RULES),
    ("scheme_counts", "scheme count", schemes.COUNT_RULES),
    ("scheme_measures", "scheme measure", schemes.MEASURE_RULES),
    ("kpis", "KPI", kpis.KPI_RULES),
    ("kpi_values", "KPI value", kpis.VALUE_RULES),
    ("kpi_comparators", "KPI comparator", kpis.COMPARATOR_RULES),
    ("kpi_commentary", "KPI commentary", kpis.COMMENTARY_RULES),
    ("goals", "goal", goals.GOAL_RULES),
    ("goal_updates", "goal update", goals.UPDATE_RULES),
)


@dataclass
class CheckReport:
    path: str
    integrity: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, not wrong
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.problems

    def lines(self) -> list[str]:
        out = [f"Workbook: {self.path}"]
        out.append("File integrity: " + ("ok" if not self.integrity else "DAMAGED"))
        out += [f"  {line}" for line in self.integrity]
        out += [f"Note: {line}" for line in self.notes]
        out.append("Records: " + ", ".join(counted(n, name) for name, n in self.counts.items()))
        out.append("Data rules: " + ("ok" if not self.problems else f"{len(self.problems)} problem(s)"))
        out += [f"  {line}" for line in self.problems]
        return out


def check_workbook(wb: Workbook) -> CheckReport:
    report = CheckReport(str(wb.path))
    report.integrity = wb.integrity_problems() + _foreign_key_problems(wb)
    report.notes = _version_notes(wb.file_version) + [note for note in (settings.floor_note(wb),) if note]
    levels = {"level": choice(settings.edi_levels(wb))}
    for table, what, rules in (*RULESETS, ("edi_assessments", "EDI assessment", levels)):
        for row in wb.rows(f'SELECT * FROM "{table}" ORDER BY id'):
            report.problems += _row_problems(table, what, rules, row)
    report.problems += _setting_problems(wb) + _cross_field_problems(wb)
    report.problems += _derived_with_values(wb)
    report.counts = _counts(wb)
    return report


def _version_notes(version: int) -> list[str]:
    """An older file is upgraded (after a backup) when next opened for editing; a newer one
    is checked as far as this version understands it. Neither is damage."""
    if version < SCHEMA_VERSION:
        return [f"file version {version}: it is upgraded to version {SCHEMA_VERSION}, after a backup, "
                "the next time it is opened for editing"]  # fmt: skip
    if version > SCHEMA_VERSION:
        return [f"file version {version} was saved by a newer OPCC Desktop (this one understands up to "
                f"{SCHEMA_VERSION}); it was checked as far as this version can"]  # fmt: skip
    return []


def _row_problems(table: str, what: str, rules: dict[str, Field], row: dict[str, Any]) -> list[str]:
    try:
        validate(what, rules, {name: row[name] for name in rules if name in row})
    except ValidationError as bad:
        return [f"{table} row {row['id']}: {problem}" for problem in bad.problems]
    return []


def _cross_field_problems(wb: Workbook) -> list[str]:
    """The rules the actions check across fields and tables, applied to what is stored."""
    found: list[tuple[str, int, list[Problem]]] = []
    for row in wb.rows("SELECT s.id, s.start_date, w.snapshot_date FROM staff s"
                       " JOIN workforce_snapshots w ON w.id = s.snapshot_id"
                       " WHERE s.start_date > w.snapshot_date ORDER BY s.id"):  # fmt: skip
        found.append(("staff", row["id"], workforce.start_date_problems(row, row["snapshot_date"])))
    for row in wb.rows("SELECT * FROM leave_events WHERE end_date < start_date ORDER BY id"):
        found.append(("leave_events", row["id"], workforce.leave_date_problems(row)))
    for row in wb.rows("SELECT * FROM scheme_measures ORDER BY id"):
        found.append(("scheme_measures", row["id"], schemes.measure_problems(row)))
    for row in wb.rows("SELECT v.*, k.unit FROM kpi_values v JOIN kpis k ON k.id = v.kpi_id"
                       " WHERE k.derived_kind IS NULL AND v.value IS NOT NULL ORDER BY v.id"):  # fmt: skip
        found.append(("kpi_values", row["id"], kpis.cell_problems(row["unit"], row)))
    for row in wb.rows("SELECT v.id, v.financial_year, k.name, k.retired_from FROM kpi_values v"
                       " JOIN kpis k ON k.id = v.kpi_id WHERE v.financial_year >= k.retired_from ORDER BY v.id"):  # fmt: skip
        found.append(("kpi_values", row["id"], kpis.retired_year_problems(row, row["financial_year"])))
    return [f"{table} row {row_id}: {problem}" for table, row_id, problems in found for problem in problems]


def _mapping_problems(text: str) -> list[str]:
    try:
        hr_extract.HrMapping.from_json(text)
    except ImportRefused as bad:
        return [f"settings row {hr_extract.MAPPING_KEY}: {problem}" for problem in bad.problems]
    return []


def _setting_problems(wb: Workbook) -> list[str]:
    problems = []
    for row in wb.rows("SELECT key, value FROM settings ORDER BY key"):
        if row["key"] == hr_extract.MAPPING_KEY:
            problems += _mapping_problems(row["value"])
            continue
        rule = settings.STORED_RULES.get(row["key"])
        if rule is None:
            problems.append(f"settings row {row['key']}: is not a setting")
            continue
        try:
            validate("setting", {row["key"]: rule}, {row["key"]: row["value"]})
        except ValidationError as bad:
            problems += [f"settings row {row['key']}: {p}" for p in bad.problems]
    return problems


def _foreign_key_problems(wb: Workbook) -> list[str]:
    return [f"{r['table']} row {r['rowid']} points at a missing {r['parent']} record"
            for r in wb.rows("PRAGMA foreign_key_check")]  # fmt: skip


def _derived_with_values(wb: Workbook) -> list[str]:
    rows = wb.rows(
        "SELECT k.name, count(*) AS n FROM kpi_values v JOIN kpis k ON k.id = v.kpi_id"
        " WHERE k.derived_kind IS NOT NULL GROUP BY k.id"
    )
    return [f"KPI '{r['name']}' is derived but has {r['n']} typed value(s)" for r in rows]


def _counts(wb: Workbook) -> dict[str, int]:
    tables = {"staff row": "staff", "service": "services", "scheme": "schemes",
              "KPI": "kpis", "KPI value": "kpi_values", "goal": "goals", "edit": "edits"}  # fmt: skip
    return {label: wb.scalar(f'SELECT count(*) FROM "{table}"') for label, table in tables.items()}
