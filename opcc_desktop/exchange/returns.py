"""Quarterly monitoring returns: the blank spreadsheet a funded service fills in, and its import.

The template lists the service's own categories in their display order, so a completed return
lines up with what the office already holds. The import checks the whole file, then replaces
that service-quarter's figures in one undoable edit, and only when something differs:
importing the same file twice leaves no trace in the history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from openpyxl import Workbook as Spreadsheet
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..areas.editing import ensure_category, recorded
from ..areas.services import ACTIVITY_RULES, COUNT_RULES
from ..areas.settings import settings
from ..areas.validation import collect, refuse, text
from ..areas.vocab import DIMENSION_LABELS, NOT_DISCLOSED, QUARTER_MONTHS, SERVICE_DIMENSIONS
from ..errors import ImportProblem, ImportRefused, Problem
from ..store.changes import Changes, Tx
from ..store.user_paths import atomic_output, check_output
from ..store.workbook import Workbook
from .cells import neutralise
from .result import ImportResult
from .rows import CleanRow, clean_rows, duplicate_problems
from .sources import Source, fold

KIND = "monitoring-return"
INSTRUCTIONS_SHEET = "Instructions"
RETURN_SHEET = "return"
ACTIVITY_SHEET = "activity"
RETURN_RULES = {"service": text(max_len=150), **COUNT_RULES}
ACTIVITY_SHEET_RULES = {"service": RETURN_RULES["service"], **ACTIVITY_RULES}
PERIOD_RULES = {"financial_year": COUNT_RULES["financial_year"], "quarter": COUNT_RULES["quarter"]}
UNKNOWN_SERVICE = "is not a service in this workbook"
ONE_RETURN = "one service and one quarter a file: send each quarter's return as its own file"
INPUT_FILL = PatternFill("solid", start_color="FFF2CC")  # pale yellow: the cells to type in
SHOWN_NAMES = 10


# -- the blank template ------------------------------------------------------------------------


def write_template(wb: Workbook, service: str, financial_year: str, quarter: int, out: Path) -> None:
    """Write a blank return for ``service`` and one quarter to ``out`` (.xlsx).

    Raises ValidationError listing every problem with the request (unknown service, a year
    not written like 2021/22, a quarter outside 1-4)."""
    service_id, name, year, q = _template_request(wb, service, financial_year, quarter)
    check_output(Path(out))
    book = Spreadsheet()
    _write_instructions(book.active, name, year, q, settings(wb)["office_name"])
    labels = (name, year, q)
    counts = [(*labels, dimension, category) for dimension in SERVICE_DIMENSIONS
              for category in _template_categories(wb, service_id, dimension)]  # fmt: skip
    measures = [(*labels, measure) for measure in _template_measures(wb, service_id)]
    _write_data_sheet(book.create_sheet(RETURN_SHEET), list(RETURN_RULES), counts, _count_rule())
    _write_data_sheet(book.create_sheet(ACTIVITY_SHEET), list(ACTIVITY_SHEET_RULES), measures, _value_rule())
    book.security = WorkbookProtection(lockStructure=True)  # sheets keep their names; no password
    with atomic_output(Path(out)) as temporary:
        book.save(temporary)


def _template_request(
    wb: Workbook, service: str, financial_year: str, quarter: int
) -> tuple[int, str, str, int]:
    clean, problems = collect(PERIOD_RULES, {"financial_year": financial_year, "quarter": quarter})
    found = _find_service(wb, service)
    if found is None:
        problems.insert(0, Problem("service", service, _unknown_service(wb, service), _service_names(wb)))
    refuse("the monitoring return template", problems)
    assert found is not None  # refused above otherwise
    return found[0], found[1], clean["financial_year"], clean["quarter"]


def _find_service(wb: Workbook, name: Any) -> tuple[int, str] | None:
    """(id, name as stored) of the service called ``name``, whatever its case or spacing."""
    wanted = _name_key(name)
    rows = wb.rows("SELECT id, name FROM services ORDER BY position, id")
    return next(((r["id"], r["name"]) for r in rows if _name_key(r["name"]) == wanted), None)


def _name_key(name: Any) -> str:
    return " ".join(str(name or "").split()).casefold()


def _unknown_service(wb: Workbook, name: Any) -> str:
    """The message for a service name the workbook does not hold, suggesting a near one."""
    names = {_name_key(n): n for n in _names(wb)}
    near = get_close_matches(_name_key(name), list(names), n=1)
    suggestion = f" (did you mean '{names[near[0]]}'?)" if near else ""
    return f"{UNKNOWN_SERVICE}{suggestion}"


def _names(wb: Workbook) -> list[str]:
    return [r["name"] for r in wb.rows("SELECT name FROM services ORDER BY position, id")]


def _service_names(wb: Workbook) -> str:
    names = _names(wb)
    if not names:
        return "a service added in the Services tab (there are none yet)"
    more = f", ... ({len(names) - SHOWN_NAMES} more)" if len(names) > SHOWN_NAMES else ""
    return ", ".join(repr(n) for n in names[:SHOWN_NAMES]) + more


def _template_categories(wb: Workbook, service_id: int, dimension: str) -> list[str]:
    """The service's categories for ``dimension`` in display order; for a service with none
    yet, the list other services most often use (the first such service's on a tie), and
    failing that just "Not disclosed"."""
    own = [category for dim, category in _held_categories(wb, service_id) if dim == dimension]
    if own:
        return own
    lists: dict[int, list[str]] = {}
    for row in wb.rows(
        "SELECT k.service_id, k.category FROM service_categories k JOIN services s ON s.id = k.service_id"
        " WHERE k.dimension = ? ORDER BY s.position, s.id, k.position, k.id",
        [dimension],
    ):
        lists.setdefault(row["service_id"], []).append(row["category"])
    usual = Counter(tuple(categories) for categories in lists.values()).most_common(1)
    return list(usual[0][0]) if usual else [NOT_DISCLOSED]


def _template_measures(wb: Workbook, service_id: int) -> list[str]:
    """The activity measures the service reported before, in the order first reported; for a
    service that never reported any, those other services report (most widely used first)."""
    own = wb.rows(
        "SELECT measure FROM service_activity WHERE service_id = ? GROUP BY measure ORDER BY min(id)",
        [service_id],
    )
    if own:
        return [r["measure"] for r in own]
    others = wb.rows(
        "SELECT measure FROM service_activity GROUP BY measure"
        " ORDER BY count(DISTINCT service_id) DESC, min(id)"
    )
    return [r["measure"] for r in others]


def _period_text(financial_year: str, quarter: int) -> str:
    """e.g. "Oct-Dec 2021" for 2021/22 Q3 (Q4 falls in the second calendar year)."""
    start = int(financial_year[:4])
    return f"{QUARTER_MONTHS[quarter]} {start + 1 if quarter == 4 else start}"


def _write_instructions(sheet: Worksheet, service: str, year: str, quarter: int, office: str) -> None:
    office = office or "the Office of the Police and Crime Commissioner"
    lines = [
        f"Quarterly monitoring return: {service}",
        f"For: {service}, to complete and send back.",
        f"From: {office}.",
        f"Period: {year} quarter {quarter} ({_period_text(year, quarter)}).",
        "",
        "How to fill it in",
        "1. On the 'return' sheet, type in the yellow 'count' column how many service users you"
        " supported this quarter in each category of each characteristic (age, gender, disability,"
        " ethnicity, sexual orientation, transgender status).",
        f"2. Count each person once for every characteristic. Count people who did not tell you, or"
        f" whom you did not ask, under '{NOT_DISCLOSED}'.",
        "3. Leave a cell blank if you do not collect that information. Type 0 if there were none."
        " A blank cell and a 0 mean different things.",
        "4. On the 'activity' sheet, type the activity figures (such as referrals received and"
        " clients supported) in the yellow 'value' column. Leave blank what you do not collect.",
        "5. Type numbers only: no formulas, totals, notes or colours with a meaning. A file with a"
        " formula in it is sent back.",
        "6. Do not change the service, financial_year, quarter, dimension, category or measure cells,"
        " or rename the sheets. The sheets are protected against slips, without a password. If you"
        " need a category that is not listed, unprotect the sheet (Review > Unprotect Sheet), add a"
        " row at the bottom with the same service, year and quarter, and mention it when you send"
        " the file.",
        "",
        "Sending it back",
        "Save the file as an Excel workbook (.xlsx) and email it back to the person who sent it to you."
        " Importing it replaces any figures already held for this service and quarter, so a"
        " corrected file can simply be sent again.",
    ]
    sheet.title = INSTRUCTIONS_SHEET
    sheet.column_dimensions["A"].width = 100
    for number, line in enumerate(lines, start=1):
        cell = sheet.cell(number, 1, neutralise(line))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if number == 1 or line in ("How to fill it in", "Sending it back"):
            cell.font = Font(bold=True, size=14 if number == 1 else 12)


def _count_rule() -> DataValidation:
    return DataValidation(
        type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle="Whole numbers only",
        error="Type a whole number of 0 or more, or leave the cell blank if you do not collect it.",
    )  # fmt: skip


def _value_rule() -> DataValidation:
    return DataValidation(
        type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle="Numbers only",
        error="Type a number of 0 or more, or leave the cell blank if you do not collect it.",
    )  # fmt: skip


def _write_data_sheet(
    sheet: Worksheet, columns: list[str], rows: list[tuple[Any, ...]], rule: DataValidation
) -> None:
    """Header, label rows, and an empty last column: the only unlocked cells, with ``rule``."""
    rows = [(*(neutralise(value) for value in row), None) for row in rows]
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(columns))
    for (cell,) in sheet.iter_rows(min_row=2, min_col=len(columns), max_col=len(columns)):
        cell.protection = Protection(locked=False)
        cell.fill = INPUT_FILL
    if rows:
        rule.add(f"{last}2:{last}{len(rows) + 1}")
        sheet.add_data_validation(rule)
    for position, name in enumerate(columns):
        longest = max(len(str(value or "")) for value in (name, *(row[position] for row in rows)))
        sheet.column_dimensions[get_column_letter(position + 1)].width = min(max(longest + 2, 10), 60)
    sheet.protection.sheet = True  # no password: a guard against slips, not security


# -- reading a completed return ----------------------------------------------------------------


def is_monitoring_return(source: Source) -> bool:
    """A sheet named "return" with the return's columns."""
    table = source.table(RETURN_SHEET)
    return table is not None and {fold(name) for name in RETURN_RULES} <= set(table.index())


@dataclass(frozen=True)
class _Return:
    """A checked return: one service and quarter, its figures in file order (None = blank)."""

    service_id: int
    service: str
    financial_year: str
    quarter: int
    counts: dict[tuple[str, str], int | None]  # (dimension, category) -> count
    activity: dict[tuple[str], float | None] | None  # (measure,) -> value; None: no activity sheet
    new_categories: list[tuple[str, str]]  # counted in the file, not yet recorded for the service

    @property
    def label(self) -> str:
        return f"{self.service} {self.financial_year} Q{self.quarter}"


@dataclass(frozen=True)
class _Difference:
    """How the rows held for one table must change to match the file."""

    new: list[tuple[tuple[Any, ...], Any]]  # (key, value) to insert
    changed: list[tuple[int, Any]]  # (row id, value) to update
    cleared: list[int]  # row ids to delete

    def __bool__(self) -> bool:
        return bool(self.new or self.changed or self.cleared)

    def describe(self, total: int, noun: str) -> str:
        figures = f"{total} {noun}{'' if total == 1 else 's'}"
        if not self:
            return f"{figures} (no changes)"
        return f"{figures} ({len(self.changed)} changed, {len(self.new)} new, {len(self.cleared)} cleared)"


def import_return(
    wb: Workbook, source: Source, *, dry_run: bool = False, allow_empty: bool = False
) -> ImportResult:
    """Check a completed return and replace that service-quarter's figures with it.

    All counts held for the service and quarter are replaced (a blank or missing row clears
    one); activity figures only for the measures the activity sheet lists. A return with no
    figures at all is refused unless ``allow_empty`` (it would clear the quarter). Raises
    ImportRefused listing every problem, having written nothing."""
    ret = _read_return(wb, source)
    if not allow_empty and not _filled(ret.counts) and not _filled(ret.activity or {}):
        raise ImportRefused(source.path.name, [ImportProblem(
            RETURN_SHEET, None, "", None, f"holds no figures at all: importing it would clear {ret.label}",
            "the return filled in (to clear the quarter on purpose, import it with --allow-empty)")])  # fmt: skip
    counts = _difference(_held_counts(wb, ret), ret.counts)
    activity = _difference(_held_activity(wb, ret), ret.activity) if ret.activity is not None else None
    summary = [f"{ret.label}: {counts.describe(_filled(ret.counts), 'count')}"]
    if activity is not None:
        summary.append(f"{ret.label}: {activity.describe(_filled(ret.activity or {}), 'activity figure')}")
    warnings = [f"New {DIMENSION_LABELS[dim]} category for {ret.service}: '{cat}' (check its spelling)"
                for dim, cat in ret.new_categories]  # fmt: skip
    if not _filled(ret.counts) and counts.cleared:
        warnings.append(f"The return holds no counts: importing it clears the {len(counts.cleared)} held"
                        f" for {ret.label}")  # fmt: skip
    changes = None
    if not dry_run and (counts or activity or ret.new_categories):
        changes = _write(wb, ret, counts, activity)
    return ImportResult(kind=KIND, summary=summary, changes=changes, dry_run=dry_run, warnings=warnings)


def _filled(values: Mapping[Any, Any]) -> int:
    return sum(value is not None for value in values.values())


def _read_return(wb: Workbook, source: Source) -> _Return:
    """The return in ``source``, or ImportRefused listing every problem found."""
    table = source.table(RETURN_SHEET)
    if table is None:
        raise ImportRefused(source.path.name, [ImportProblem(RETURN_SHEET, None, "", None, "sheet is missing",
                            "a monitoring return: a sheet named 'return' with columns "
                            + ", ".join(RETURN_RULES))])  # fmt: skip
    rows, problems = clean_rows(table, RETURN_RULES)
    if not table.rows:
        problems.append(ImportProblem(table.name, None, "", None, "has no rows of figures",
                                      "one row per category, as in the template"))  # fmt: skip
    activity_table, activity_rows = source.table(ACTIVITY_SHEET), []
    if activity_table is not None:
        activity_rows, more = clean_rows(activity_table, ACTIVITY_SHEET_RULES)
        problems += more
    sheets = [table.name, ACTIVITY_SHEET if activity_table is None else activity_table.name]
    service, year, quarter, more = _one_return(wb, list(zip(sheets, (rows, activity_rows), strict=True)))
    problems += more
    held = _held_categories(wb, service[0]) if service else []
    _spell_alike(rows, ("dimension", "category"), held)
    _spell_alike(activity_rows, ("measure",), _held_measures(wb))
    problems += duplicate_problems(sheets[0], rows, ("dimension", "category"), "each category once")
    problems += duplicate_problems(sheets[1], activity_rows, ("measure",), "each measure once")
    if problems:
        problems.sort(key=lambda p: (sheets.index(p.sheet) if p.sheet in sheets else -1, p.row or 0))
        raise ImportRefused(source.path.name, problems)
    assert service is not None  # _one_return reports a return without one
    counts = _figures(rows, ("dimension", "category"), "count")
    known = set(held)
    new_categories = [key for key, count in counts.items() if count is not None and key not in known]
    activity = _figures(activity_rows, ("measure",), "value") if activity_table is not None else None
    return _Return(service[0], service[1], year, quarter, counts, activity, new_categories)


def _one_return(
    wb: Workbook, sheets: Sequence[tuple[str, list[CleanRow]]]
) -> tuple[tuple[int, str] | None, Any, Any, list[ImportProblem]]:
    """The file's one service (id, name) and quarter, and a problem for each row naming
    another, or for a service the workbook does not hold."""
    name, where, problems = _same_everywhere(sheets, "service", _name_key)
    year, _, more = _same_everywhere(sheets, "financial_year")
    problems += more
    quarter, _, more = _same_everywhere(sheets, "quarter")
    problems += more
    service = _find_service(wb, name) if where is not None else None
    if where is not None and service is None:
        sheet, row = where
        message = _unknown_service(wb, name)
        problems.append(ImportProblem(sheet, row, "service", name, message, _service_names(wb)))
    return service, year, quarter, problems


def _same_everywhere(
    sheets: Sequence[tuple[str, list[CleanRow]]], column: str, key: Callable[[Any], Any] = lambda value: value
) -> tuple[Any, tuple[str, int] | None, list[ImportProblem]]:
    """The first valid value of ``column``, where it is, and a problem for each row that differs."""
    first: tuple[Any, str, int] | None = None
    problems = []
    for sheet, rows in sheets:
        for number, row in rows:
            if column not in row:
                continue  # invalid, already reported
            if first is None:
                first = (row[column], sheet, number)
            elif key(row[column]) != key(first[0]):
                at = f"row {first[2]}" if sheet == first[1] else f"sheet '{first[1]}' row {first[2]}"
                problems.append(ImportProblem(sheet, number, column, row[column],
                                              f"differs from {at} ({first[0]!r})", ONE_RETURN))  # fmt: skip
    if first is None:
        return None, None, problems
    return first[0], (first[1], first[2]), problems


def _held_categories(wb: Workbook, service_id: int) -> list[tuple[str, str]]:
    rows = wb.rows(
        "SELECT dimension, category FROM service_categories WHERE service_id = ? ORDER BY position, id",
        [service_id],
    )
    return [(r["dimension"], r["category"]) for r in rows]


def _held_measures(wb: Workbook) -> list[tuple[str]]:
    rows = wb.rows("SELECT measure FROM service_activity GROUP BY measure ORDER BY min(id)")
    return [(r["measure"],) for r in rows]


def _spell_alike(rows: list[CleanRow], key: Sequence[str], held: Sequence[tuple[str, ...]]) -> None:
    """Write each name (the last of ``key``) as the workbook, or else the file's first use of it,
    spells it: "female" becomes "Female", and a row of each is then a repeat."""
    spelling: dict[tuple[str, ...], str] = {_spelling_key(k): k[-1] for k in held}
    for _, row in rows:
        if all(name in row for name in key):
            value = tuple(row[name] for name in key)
            row[key[-1]] = spelling.setdefault(_spelling_key(value), value[-1])


def _spelling_key(key: tuple[str, ...]) -> tuple[str, ...]:
    return (*key[:-1], _name_key(key[-1]))


def _figures(rows: list[CleanRow], key: Sequence[str], column: str) -> dict[Any, Any]:
    """{key: figure} in file order (the file is valid, so every row holds every field)."""
    return {tuple(row[name] for name in key): row[column] for _, row in rows}


# -- comparing and writing ---------------------------------------------------------------------


def _held_counts(wb: Workbook, ret: _Return) -> dict[tuple[Any, ...], tuple[int, Any]]:
    rows = wb.rows(
        "SELECT id, dimension, category, count FROM service_counts"
        " WHERE service_id = ? AND financial_year = ? AND quarter = ? ORDER BY id",
        [ret.service_id, ret.financial_year, ret.quarter],
    )
    return {(r["dimension"], r["category"]): (r["id"], r["count"]) for r in rows}


def _held_activity(wb: Workbook, ret: _Return) -> dict[tuple[Any, ...], tuple[int, Any]]:
    """Only the measures the file lists: the others stay as they are."""
    rows = wb.rows(
        "SELECT id, measure, value FROM service_activity"
        " WHERE service_id = ? AND financial_year = ? AND quarter = ? ORDER BY id",
        [ret.service_id, ret.financial_year, ret.quarter],
    )
    return {(r["measure"],): (r["id"], r["value"]) for r in rows if (r["measure"],) in (ret.activity or {})}


def _difference(held: Mapping[Hashable, tuple[int, Any]], wanted: Mapping[Any, Any]) -> _Difference:
    """Rows to add, change and clear so that ``held`` matches ``wanted`` (None: blank)."""
    return _Difference(
        new=[(key, value) for key, value in wanted.items() if value is not None and key not in held],
        changed=[(held[key][0], value) for key, value in wanted.items()
                 if value is not None and key in held and held[key][1] != value],
        cleared=[row_id for key, (row_id, _) in held.items() if wanted.get(key) is None],
    )  # fmt: skip


def _write(wb: Workbook, ret: _Return, counts: _Difference, activity: _Difference | None) -> Changes:
    description = f"Import monitoring return: {ret.label}"
    scope = {"service_id": ret.service_id, "financial_year": ret.financial_year, "quarter": ret.quarter}
    with recorded(wb, "monitoring return", description) as tx:
        for dimension, category in ret.new_categories:
            ensure_category(tx, "service_categories", {"service_id": ret.service_id}, dimension, category)
        _apply(tx, "service_counts", scope, ("dimension", "category"), "count", counts)
        if activity is not None:
            _apply(tx, "service_activity", scope, ("measure",), "value", activity)
    return tx.changes(description)


def _apply(
    tx: Tx, table: str, scope: Mapping[str, Any], key: Sequence[str], column: str, diff: _Difference
) -> None:
    if diff.cleared:
        tx.delete_many(table, diff.cleared)
    for row_id, value in diff.changed:
        tx.update(table, {"id": row_id}, {column: value})
    rows = [{**scope, **dict(zip(key, names, strict=True)), column: value} for names, value in diff.new]
    tx.insert_many(table, rows)
