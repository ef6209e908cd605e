"""``import`` of an exchange workbook: check every sheet, then replace the areas it covers.

All or nothing: every problem in the file is collected first; nothing is written unless there
are none. The areas the file has sheets for are then emptied and filled again in one audited
edit, which one undo takes back. A file that matches the workbook already changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from ..areas.settings import edi_levels
from ..errors import ImportProblem, ImportRefused, counted
from ..store.changes import Tx
from ..store.workbook import Workbook
from . import areas
from .areas import SCHEMES, SERVICES, Plan
from .cells import restore, restore_delimited
from .export import sheet_rows
from .layout import AREA_TABLES, AREAS, SHEETS, WORKFORCE_REPORT
from .result import ImportResult
from .rows import clean_rows, duplicate_problems
from .sources import Source

CHECKS: dict[str, Callable[[Plan], None]] = {
    "settings": areas.check_settings,
    "assets": areas.check_assets,
    "workforce": areas.check_workforce,
    "services": lambda plan: areas.check_owned(plan, SERVICES),
    "schemes": lambda plan: areas.check_owned(plan, SCHEMES),
    "kpis": areas.check_kpis,
    "goals": areas.check_goals,
    "edi": areas.check_edi,
    "narrative": areas.check_narrative,
    "publications": areas.check_publications,
}
WRITES: dict[str, Callable[[Tx, Plan], None]] = {
    "settings": areas.write_settings,
    "assets": areas.write_assets,
    "workforce": areas.write_workforce,
    "services": lambda tx, plan: areas.write_owned(tx, plan, SERVICES),
    "schemes": lambda tx, plan: areas.write_owned(tx, plan, SCHEMES),
    "kpis": areas.write_kpis,
    "goals": areas.write_goals,
    "edi": areas.write_edi,
    "narrative": areas.write_narrative,
    "publications": areas.write_publications,
}


class _Unchanged(Exception):
    """Raised inside the edit to roll it back when the file matched the workbook already."""


def is_exchange_workbook(source: Source) -> bool:
    return any(source.table(sheet.name) is not None for sheet in SHEETS)


def plan_import(wb: Workbook, source: Source) -> tuple[Plan, list[str]]:
    """Every sheet cleaned and checked; the areas the file covers, in writing order."""
    plan = Plan({}, edi_levels=edi_levels(wb), kept=areas.kept_details(wb))
    unquote = restore if source.kind == "xlsx" else restore_delimited  # as export-data wrote it
    for sheet in SHEETS:
        table = source.table(sheet.name)
        if table is None:
            continue
        rows, problems = clean_rows(table, sheet.rules, optional=sheet.optional, unquote=unquote)
        if sheet.key:
            problems += duplicate_problems(sheet.name, rows, sheet.key)
        plan.sheets[sheet.name] = rows
        plan.problems += problems
    covered = [area for area in AREAS if any(s.area == area and s.name in plan.sheets for s in SHEETS)]
    if not covered:
        names = ", ".join(sheet.name for sheet in SHEETS[:6])
        plan.problems.append(ImportProblem("", None, "", None, "has none of the exchange workbook's sheets",
                                           f"sheets named {names}... (see docs/exchange-format.md)"))  # fmt: skip
    if "publications" in covered:
        areas.keep_publications(wb, plan)
    for area in covered:
        CHECKS[area](plan)
    if "settings" in covered and "edi" not in covered:
        _check_levels_kept(wb, plan)
    return plan, covered


def _check_levels_kept(wb: Workbook, plan: Plan) -> None:
    """New EDI level names must still name the levels already assessed in the workbook."""
    used = {row["level"] for row in wb.rows("SELECT DISTINCT level FROM edi_assessments")}
    for level in sorted(used - set(plan.edi_levels)):
        plan.problems.append(ImportProblem("settings", None, "value", "|".join(plan.edi_levels),
                                           f"edi.levels drops '{level}', which assessments use",
                                           "level names that include those in use"))  # fmt: skip


def import_exchange(wb: Workbook, source: Source, *, dry_run: bool = False) -> ImportResult:
    plan, covered = plan_import(wb, source)
    if plan.problems:
        raise ImportRefused(source.path.name, plan.problems)
    summary = [f"{name}: {counted(len(rows), 'row')}" for name, rows in plan.sheets.items()]
    kept = _kept_rows(plan, covered)
    if "narratives" in kept:
        summary.append("Keeps: the workforce pack's narrative (the file has no workforce sheets)")
    if "publications" in kept:
        summary.append("Keeps: the publications (the file has no publications sheet)")
    if plan.stored_figures:
        summary.append("Keeps: what the publications still listed printed (the file has no published_figures sheet)")
    summary.append(f"Replaces: {', '.join(covered)}")
    if dry_run:
        return ImportResult("exchange", summary, dry_run=True)
    description = f"Import {source.path.name}"
    before = _snapshot(wb, covered)
    try:
        with wb.edit(description) as tx:
            for area in reversed(covered):
                for table in AREA_TABLES[area]:
                    _empty(tx, table, kept.get(table, ""))
            for area in covered:
                WRITES[area](tx, plan)
            if _snapshot(wb, covered) == before:
                raise _Unchanged
    except _Unchanged:
        return ImportResult("exchange", [*summary, "The workbook already holds exactly this data."])
    return ImportResult("exchange", summary, tx.changes(description))


def _kept_rows(plan: Plan, covered: list[str]) -> dict[str, str]:
    """Rows an import leaves in the tables of the areas it replaces (table -> SQL condition).

    The workforce pack's narrative goes with the workforce: a file without the workforce
    sheets (``export-data --without-workforce``) keeps it as it is, unless the file's own
    narrative sheet has rows for the workforce pack, which then replace it.

    A file with a published_figures sheet but no publications sheet keeps the publications
    (its figures name them); their figures are replaced by the sheet's. (A file with the
    publications sheet but no published_figures sheet replaces the publications and keeps the
    figures of those it still lists: see areas.keep_publications.)"""
    kept = {}
    if "narrative" in covered and "workforce" not in covered and not any(
        row.get("report") == WORKFORCE_REPORT for _, row in plan.rows("narrative")
    ):
        kept["narratives"] = kept["report_outlines"] = f"report = '{WORKFORCE_REPORT}'"
    if "publications" in covered and "publications" not in plan.sheets:
        kept["publications"] = "1"  # every one
    return kept


def _snapshot(wb: Workbook, covered: list[str]) -> dict[str, object]:
    return {sheet.name: sheet_rows(wb, sheet) for sheet in SHEETS if sheet.area in covered}


def _empty(tx: Tx, table: str, kept: str = "") -> None:
    """Delete every row of ``table`` but those matching the SQL condition ``kept``."""
    key = "key" if table == "settings" else ("name" if table == "assets" else "id")
    where = f" WHERE NOT ({kept})" if kept else ""
    ids = [row[0] for row in tx.conn.execute(f'SELECT "{key}" FROM "{table}"{where} ORDER BY 1')]
    if key == "id":
        tx.delete_many(table, ids)
    else:
        for value in ids:
            tx.delete(table, {key: value})
