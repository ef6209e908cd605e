"""Importing an HR system's extract (CSV or XLSX) as a workforce snapshot.

The HR system writes its own headers ("Employee No") and codes ("A1" for White British). An
:class:`HrMapping` translates both into the workbook's staff fields and categories. The last
mapping used is kept in the workbook, so the next extract imports without it; with none, the
headers must be our field names and the values our categories.

Nothing is written unless the whole file is valid, and a dry run reports exactly what the import
would refuse. Cells are checked column by column: each distinct value once (an extract of
50,000 rows holds a few dozen distinct codes a column), and a value that is wrong in many rows
is reported once, with its count and its first rows, rather than once a row.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..areas.editing import recorded
from ..areas.validation import Field, Invalid
from ..areas.vocab import WORKFORCE_CHARACTERISTICS
from ..areas.workforce import SNAPSHOT_RULES, STAFF_COLUMNS, STAFF_REF, STAFF_RULES
from ..errors import ImportProblem, ImportRefused, counted
from ..store.changes import Changes, Tx
from ..store.user_paths import check_input
from ..store.workbook import Workbook
from .cells import restore
from .collector import paused
from .result import ImportResult
from .sources import Source, Table, fold

MAPPING_KEY = "hr_extract.mapping"  # settings row holding the last mapping used, as JSON
MAPPING_NAME = "the HR extract mapping"
FIELDS: tuple[str, ...] = STAFF_COLUMNS
CODED: tuple[str, ...] = tuple(WORKFORCE_CHARACTERISTICS)  # the fields with closed lists
MAPPING_KEYS = ("columns", "codes", "date_format")
SHAPE = '{"columns": {"their header": "our field"}, "codes": {"our field": {"their code": "our category"}}}'
SHOWN_ROWS = 5  # row numbers quoted for a value wrong in many rows
REF_WITH_DIGIT = re.compile(rf"(?=[^0-9]*[0-9]){STAFF_REF.pattern}")  # a name has no digit
SAMPLE_DATE = dt.date(2001, 2, 3)  # day, month and year all differ: a format must keep each
Cleaner = Callable[[list[Any]], tuple[list[Any], bool]]  # values -> cleaned (Invalid if bad), any bad


@dataclass(frozen=True)
class HrMapping:
    """Their header -> our field (``columns``), and per field their code -> our category
    (``codes``; the code "" stands for a blank cell). ``date_format`` reads their dates
    written as text (e.g. "%d/%m/%Y"); dates written YYYY-MM-DD and date cells always read.

    A field whose column is not mapped is looked for under its own name, and a coded field
    also takes our categories as they are. Refused with :class:`ImportRefused` when invalid.
    """

    columns: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: str = ""

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ImportRefused(MAPPING_NAME, problems)

    def problems(self) -> list[ImportProblem]:
        return [*_column_problems(self.columns), *_code_problems(self.codes),
                *_format_problems(self.date_format)]  # fmt: skip

    @classmethod
    def from_json(cls, text: str, name: str = MAPPING_NAME) -> HrMapping:
        """Read a mapping file: {"columns": {...}, "codes": {...}, "date_format": "..."}."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError) as exc:
            problem = _mapping_problem("", None, f"is not valid JSON ({exc})", SHAPE)
            raise ImportRefused(name, [problem]) from None
        _refuse_if(name, _shape_problems(data))
        codes = {ours: dict(table) for ours, table in data.get("codes", {}).items()}
        try:
            return cls(dict(data.get("columns", {})), codes, data.get("date_format", ""))
        except ImportRefused as refused:
            raise ImportRefused(name, refused.problems) from None

    def to_json(self) -> str:
        return json.dumps({"columns": self.columns, "codes": self.codes, "date_format": self.date_format},
                          ensure_ascii=False, indent=2)  # fmt: skip

    def header(self, field_name: str) -> str:
        """The header the extract has for ``field_name``: the mapped one, else the field's own."""
        return next((their for their, ours in self.columns.items() if ours == field_name), field_name)


# -- the mapping's own checks ------------------------------------------------------------------
def _mapping_problem(where: str, value: Any, message: str, allowed: str = "") -> ImportProblem:
    return ImportProblem("", None, where, value, message, allowed)


def _shape_problems(data: Any) -> list[ImportProblem]:
    """The JSON has the mapping's shape: an object of objects of text."""
    if not isinstance(data, dict):
        return [_mapping_problem("", type(data).__name__, "is not a JSON object", SHAPE)]
    problems = [_mapping_problem(key, None, "is not part of a mapping", ", ".join(MAPPING_KEYS))
                for key in data if key not in MAPPING_KEYS]  # fmt: skip
    columns, codes = data.get("columns", {}), data.get("codes", {})
    if not _text_map(columns):
        problems.append(_mapping_problem("columns", None, "is not an object of texts",
                                         '{"their header": "our field", ...}'))  # fmt: skip
    if not isinstance(codes, dict) or not all(_text_map(each) for each in codes.values()):
        problems.append(_mapping_problem("codes", None, "is not an object of objects of texts",
                                         '{"ethnicity": {"A1": "White British", ...}, ...}'))  # fmt: skip
    if not isinstance(data.get("date_format", ""), str):
        problems.append(_mapping_problem("date_format", data["date_format"], "is not text", "e.g. %d/%m/%Y"))
    return problems


def _text_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _column_problems(columns: Mapping[str, str]) -> list[ImportProblem]:
    """Each header names a column of its own and maps to a field no other header maps to."""
    problems = []
    header_of: dict[str, str] = {}  # our field -> their header
    headers: dict[str, str] = {}  # folded header -> as written
    for their, ours in columns.items():
        where = f"columns: {their!r}"
        if ours not in FIELDS:
            problems.append(_mapping_problem(where, ours, "is not a staff field", ", ".join(FIELDS)))
        elif ours in header_of:
            problems.append(_mapping_problem(where, ours, f"is also mapped from {header_of[ours]!r}",
                                             "each field from one column"))  # fmt: skip
        header_of.setdefault(ours, their)
        if not fold(their):
            problems.append(_mapping_problem(where, None, "is a blank header", "the header the extract has"))
        elif fold(their) in headers:
            problems.append(_mapping_problem(where, their, f"is the same column as {headers[fold(their)]!r}",
                                             "each header once (case and spacing are ignored)"))  # fmt: skip
        headers.setdefault(fold(their), their)
    return problems


def _code_problems(codes: Mapping[str, Mapping[str, str]]) -> list[ImportProblem]:
    problems = []
    for ours, table in codes.items():
        if ours not in CODED:
            problems.append(_mapping_problem("codes", ours, "is not a field with a closed list of categories",
                                             ", ".join(CODED)))  # fmt: skip
            continue
        allowed = WORKFORCE_CHARACTERISTICS[ours]
        seen: dict[str, tuple[str, str]] = {}  # folded code -> (code, category) as first given
        for code, category in table.items():
            where = f"codes: {ours}: {code!r}"
            if category not in allowed:
                problems.append(_mapping_problem(where, category, f"is not a category of {ours}",
                                                 ", ".join(repr(c) for c in allowed)))  # fmt: skip
            first, first_category = seen.setdefault(_code_key(code), (code, category))
            if first_category != category:
                once = "one category a code (case and spacing are ignored)"
                problems.append(_mapping_problem(where, category, f"contradicts code {first!r}", once))
    return problems


def _format_problems(date_format: str) -> list[ImportProblem]:
    """A date format must read back the day, month and year it writes."""
    if not date_format:
        return []
    try:
        ok = dt.datetime.strptime(SAMPLE_DATE.strftime(date_format), date_format).date() == SAMPLE_DATE
    except ValueError:
        ok = False
    if ok:
        return []
    return [_mapping_problem("date_format", date_format, "is not a date format naming day, month and year",
                             "e.g. %d/%m/%Y for 31/03/2022, %Y-%m-%d, %d-%b-%Y for 31-Mar-2022")]  # fmt: skip


def _refuse_if(source: str, problems: list[ImportProblem]) -> None:
    if problems:
        raise ImportRefused(source, problems)


def read_mapping(path: Path) -> HrMapping:
    """A mapping file: JSON as :meth:`HrMapping.to_json` writes it (UTF-8, with or without BOM)."""
    path = Path(path)
    check_input(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        problem = _mapping_problem("", None, f"could not be read ({why})", "a JSON file saved as UTF-8")
        raise ImportRefused(path.name, [problem]) from None
    return HrMapping.from_json(text, path.name)


# -- the saved mapping -------------------------------------------------------------------------
def saved_mapping(wb: Workbook) -> HrMapping | None:
    """The mapping the last import used, kept in the workbook (None before the first)."""
    text = wb.scalar("SELECT value FROM settings WHERE key = ?", [MAPPING_KEY])
    return None if text is None else HrMapping.from_json(text, f"{MAPPING_NAME} saved in the workbook")


def save_mapping(wb: Workbook, mapping: HrMapping) -> Changes:
    """Keep ``mapping`` for the next import, as one undoable edit (none if it is already kept)."""
    description = "Save HR extract mapping"
    with recorded(wb, "HR extract mapping", description) as tx:
        _write_mapping(tx, mapping)
    return tx.changes(description)


def _write_mapping(tx: Tx, mapping: HrMapping) -> None:
    """Written here rather than by ``settings.set_setting``: it is not a setting a person edits."""
    key = {"key": MAPPING_KEY}
    if tx.fetch("settings", key) is None:
        tx.insert("settings", {**key, "value": mapping.to_json()}, pk="key")
    else:
        tx.update("settings", key, {"value": mapping.to_json()})


# -- what a mapping is made from ----------------------------------------------------------------
MAX_CODES = 60  # a column with more distinct values holds references or dates, not codes


def extract_columns(source: Source) -> dict[str, list[str]]:
    """Each column of the extract (its largest sheet) and, for a column of codes, its distinct
    values as text, sorted (none for a column of references or dates): what a person maps."""
    tables = [t for t in source.tables.values() if t.columns]
    if not tables:
        return {}
    table = max(tables, key=lambda t: len(t.numbers))
    return {name: _codes_in(table.column(i)) for i, name in enumerate(table.columns) if name}


def _codes_in(values: list[Any]) -> list[str]:
    distinct = set(values) - {None}
    if len(distinct) > MAX_CODES:
        return []
    texts: dict[str, str] = {}
    for text in sorted(str(_as_text(restore(value))) for value in distinct):  # "F" before "f"
        texts.setdefault(_code_key(text), text)
    return sorted(texts.values(), key=str.casefold)


def proposed_category(field_name: str, code: str, mapping: HrMapping | None) -> str:
    """The category ``code`` stands for: as ``mapping`` says, else the category it spells
    (case and spacing aside), else "" (not known yet)."""
    given = _folded((mapping or HrMapping()).codes.get(field_name, {}))
    if _code_key(code) in given:
        return given[_code_key(code)]
    return next((c for c in WORKFORCE_CHARACTERISTICS[field_name] if _code_key(c) == _code_key(code)), "")


# -- finding the table -------------------------------------------------------------------------
def looks_like_hr_extract(source: Source, mapping: HrMapping | None) -> bool:
    """One table of data whose header has the (mapped) staff reference column."""
    tables = [t for t in source.tables.values() if t.columns]
    wanted = fold((mapping or HrMapping()).header("staff_ref"))
    return len(tables) == 1 and wanted in tables[0].index()


def _staff_table(source: Source, mapping: HrMapping) -> Table:
    """The table holding the staff rows: the only one with the staff reference column, or else
    the only one there is (its missing column is then reported with the rest)."""
    header = mapping.header("staff_ref")
    tables = [t for t in source.tables.values() if t.columns]
    having = [t for t in tables if fold(header) in t.index()]
    if len(having) == 1 or (not having and len(tables) == 1):
        return (having or tables)[0]
    names = ", ".join(repr(t.name) for t in (having or tables)) or "none"
    message = f"has {len(having)} sheets with a '{header}' column ({names})" if having else \
        f"has no sheet with a '{header}' column (sheets: {names})"  # fmt: skip
    problem = ImportProblem("", None, "", None, message, "one sheet of staff rows, one row a person")
    raise ImportRefused(source.path.name, [problem])


# -- checking the cells ------------------------------------------------------------------------
@dataclass
class _Column:
    """One of our fields as the extract holds it: where, and how each value is cleaned."""

    field: str
    header: str
    position: int | None
    clean: Cleaner  # every value of the column at once
    codes: dict[str, str]  # their code (folded) -> our category
    missing: bool  # a column the extract must have but has not


def _columns(
    table: Table, mapping: HrMapping, snapshot_date: str | None
) -> tuple[list[_Column], list[ImportProblem]]:
    """Our fields' columns in ``table``, and the problems with its header."""
    index = table.index()
    columns, problems = [], []
    for name in FIELDS:
        header = mapping.header(name)
        position = index.get(fold(header))
        mapped = header != name
        missing = position is None and (STAFF_RULES[name].required or mapped)
        if missing:
            allowed = f"a header cell reading '{header}'" + (f" (mapped to {name})" if mapped else "")
            problems.append(ImportProblem(table.name, 1, header, None, "column is missing", allowed))
        shown = table.columns[position] if position is not None else header
        check, codes = _checker(name, mapping, snapshot_date)
        columns.append(_Column(name, shown, position, _cleaner(name, check, snapshot_date), codes, missing))
    problems += _repeated_headers(table, [c.position for c in columns if c.position is not None])
    return columns, problems


def _repeated_headers(table: Table, used: list[int]) -> list[ImportProblem]:
    folded = [fold(name) for name in table.columns]
    return [ImportProblem(table.name, 1, table.columns[p], None, "column appears twice", "each column once")
            for p in used if folded.count(folded[p]) > 1]  # fmt: skip


def _checker(
    name: str, mapping: HrMapping, snapshot_date: str | None
) -> tuple[Callable[[Any], Any], dict[str, str]]:
    """How a cell of field ``name`` is cleaned (raising Invalid), and the codes it translates."""
    rule = STAFF_RULES[name]
    if name in CODED:
        given = mapping.codes.get(name, {})
        return _coded(rule, given, WORKFORCE_CHARACTERISTICS[name]), _folded(given)
    if name == "start_date":
        return _dated(mapping.date_format, snapshot_date), {}
    if name == "fte":
        return rule.clean, {}
    return lambda value: rule.clean(_as_text(value)), {}  # staff_ref, role_grade: numbers as text


def _cleaner(name: str, check: Callable[[Any], Any], snapshot_date: str | None) -> Cleaner:
    """How a whole column of field ``name`` is cleaned: staff references and start dates have
    ways at C speed for the usual extract; every column falls back to ``check`` a value at a time."""
    if name == "staff_ref":
        return partial(_clean_refs, check=check)
    if name == "start_date":
        return partial(_clean_dates, check=check, latest=snapshot_date)
    return partial(_clean_column, check=check)


def _folded(codes: Mapping[str, str]) -> dict[str, str]:
    return {_code_key(code): category for code, category in codes.items()}


def _coded(rule: Field, given: Mapping[str, str], categories: tuple[str, ...]) -> Callable[[Any], Any]:
    """Their code's category, else the value if it is one of ours."""
    codes = _folded(given)
    shown = ", ".join(code for code in given if code) + (", or a blank cell" if "" in given else "")

    def check(value: Any) -> Any:
        key = _code_key(value)
        if key in codes:
            return codes[key]
        try:
            return rule.clean(value)
        except Invalid:
            if not codes:
                raise
            if value is None:
                raise Invalid("is missing", "a code; to read blank cells as, say, 'Not declared', map the"
                                            " code \"\" to it") from None  # fmt: skip
            raise Invalid("is not a code in the mapping",
                          f"its codes ({shown}) or a category ({', '.join(repr(c) for c in categories)});"
                          " add a new code to the mapping") from None  # fmt: skip

    return check


def _dated(date_format: str, snapshot_date: str | None) -> Callable[[Any], Any]:
    rule = STAFF_RULES["start_date"]
    written = f"a date written {SAMPLE_DATE.strftime(date_format)!r} ({date_format}) or YYYY-MM-DD" \
        if date_format else "a date written YYYY-MM-DD, e.g. 2022-03-31, or a date cell"  # fmt: skip

    def check(value: Any) -> Any:
        if date_format and isinstance(value, str):
            try:
                value = dt.datetime.strptime(value.strip(), date_format).date()
            except ValueError:
                pass  # perhaps YYYY-MM-DD
        try:
            clean = rule.clean(value)
        except Invalid as bad:
            raise Invalid(bad.message, written) from None
        if clean and snapshot_date and clean > snapshot_date:
            raise Invalid("is after the snapshot date", f"on or before {snapshot_date}")
        return clean

    return check


def _texts(values: list[Any]) -> list[Any]:
    """:func:`_as_text` of each value; at C speed for a column all text or all whole numbers."""
    if set(map(type, values)) == {str}:
        return values
    if _whole_numbers(values):
        return list(map(str, map(int, values)))
    return list(map(_as_text, values))


def _whole_numbers(values: list[Any]) -> bool:
    """Whether every value is a float holding a whole number (a number cell of a spreadsheet)."""
    try:
        return all(map(float.is_integer, values))
    except TypeError:  # not all floats
        return False


def _as_text(value: Any) -> Any:
    """Numbers as the HR system shows them: 100234.0 from a spreadsheet cell is '100234'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _code_key(value: Any) -> str:
    """Codes match whatever their case or spacing, numbers as written (1.0 is '1')."""
    return "" if value is None else " ".join(str(_as_text(value)).split()).casefold()


def _clean_refs(raw: list[Any], check: Callable[[Any], Any]) -> tuple[list[Any], bool]:
    """Staff references, all checked at C speed when all are valid (nearly always) by the rule
    of ``workforce._staff_ref_check``, which the slow path applies to find the bad ones. Whole
    numbers below 10**30 (an employee number cell) always meet it."""
    if raw and _whole_numbers(raw) and 0 <= min(raw) <= max(raw) < 1e30:
        return list(map(str, map(int, raw))), False
    refs = _texts(raw)
    if set(map(type, refs)) == {str} and all(map(REF_WITH_DIGIT.fullmatch, refs)):
        return refs, False
    return _clean_column(refs, check)


def _clean_dates(raw: list[Any], check: Callable[[Any], Any], latest: str | None) -> tuple[list[Any], bool]:
    """Start dates: date cells (the usual extract), none after ``latest``, written YYYY-MM-DD at
    C speed; anything else checked a value at a time."""
    distinct = set(raw)
    if set(map(type, distinct)) == {dt.date} and (not latest or max(distinct).isoformat() <= latest):
        written = dict(zip(distinct, map(dt.date.isoformat, distinct)))
        return list(map(written.__getitem__, raw)), False
    return _clean_column(raw, check)


def _clean_column(values: Sequence[Any], check: Callable[[Any], Any]) -> tuple[list[Any], bool]:
    """Each value cleaned (an Invalid in place of a bad one), each distinct value checked once;
    and whether any was bad. True and 1.0 are one key to a dict, so a column holding booleans
    is keyed by type too."""
    distinct = set(values)
    if any(isinstance(value, (int, float)) for value in distinct) and bool in set(map(type, values)):
        keys: Sequence[Any] = list(zip(map(type, values), values))
        outcome = {key: _outcome(check, key[1]) for key in set(keys)}
    else:
        keys = values
        outcome = {value: _outcome(check, value) for value in distinct}
    bad = any(isinstance(result, Invalid) for result in outcome.values())
    return list(map(outcome.__getitem__, keys)), bad


def _outcome(check: Callable[[Any], Any], value: Any) -> Any:
    try:
        return check(restore(value))
    except Invalid as bad:
        return bad


def _cell_problems(sheet: str, column: _Column, raw: Sequence[Any], cleaned: list[Any],
                   numbers: list[int]) -> list[ImportProblem]:  # fmt: skip
    """One problem per bad value: at its first row, with how many rows hold it and where."""
    rows: dict[int, list[int]] = {}
    for i, result in enumerate(cleaned):
        if isinstance(result, Invalid):
            rows.setdefault(id(result), []).append(i)
    problems = []
    for found in rows.values():
        bad: Invalid = cleaned[found[0]]
        where = [numbers[i] for i in found]
        message = bad.message if len(where) == 1 else f"{bad.message} ({_rows_text(where)})"
        problems.append(ImportProblem(sheet, where[0], column.header, raw[found[0]], message, bad.allowed))
    return problems


def _rows_text(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:SHOWN_ROWS])
    return f"in {len(numbers):,} rows: {shown}{', ...' if len(numbers) > SHOWN_ROWS else ''}"


def _duplicate_problems(
    sheet: str, column: _Column, refs: list[Any], numbers: list[int]
) -> list[ImportProblem]:
    """Staff references that repeat an earlier row's (set-checked first: nearly always none; a
    bad value's rows share one Invalid, so they too take the slow path, which leaves them out)."""
    if len(set(refs)) == len(refs):
        return []
    first: dict[str, int] = {}
    problems = []
    for number, ref in zip(numbers, refs):
        if isinstance(ref, Invalid):
            continue
        if ref in first:
            problems.append(ImportProblem(sheet, number, column.header, ref, f"repeats row {first[ref]}",
                                          "each staff reference once"))  # fmt: skip
        else:
            first.setdefault(ref, number)
    return problems


# -- the import --------------------------------------------------------------------------------
@dataclass
class _Plan:
    """What an import would write, once everything is known to be valid."""

    snapshot_date: str
    snapshot_id: int | None  # an existing snapshot without staff rows, or None to create one
    values: dict[str, list[Any]]  # field -> its cleaned values, one a row
    summary: list[str]
    warnings: list[str]


@paused()  # 50,000 rows checked and written: see collector
def import_hr_extract(
    wb: Workbook, source: Source, snapshot_date: str, mapping: HrMapping | None = None, *,
    label: str = "", dry_run: bool = False,
) -> ImportResult:  # fmt: skip
    """Import ``source`` as the staff rows of the snapshot at ``snapshot_date``, as one edit.

    Uses the mapping given (kept in the workbook for next time), else the one kept, else none.
    The snapshot is created, or an existing one without staff rows is used. Refuses with an
    :class:`ImportRefused` listing every problem, on a dry run too; a dry run writes nothing.
    """
    saved = saved_mapping(wb)
    given, mapping = mapping, mapping or saved or HrMapping()
    plan = _plan(wb, source, snapshot_date, mapping)
    if dry_run:
        return ImportResult("hr-extract", plan.summary, dry_run=True, warnings=plan.warnings)
    count = len(plan.values["staff_ref"])
    description = f"Import HR extract {source.path.name} ({count:,} staff rows for {plan.snapshot_date})"
    with recorded(wb, "HR extract", description) as tx:
        snapshot_id = plan.snapshot_id
        if snapshot_id is None:
            new = {"snapshot_date": plan.snapshot_date, "label": label.strip()}
            snapshot_id = tx.insert("workforce_snapshots", new)["id"]
        elif label.strip():
            tx.update("workforce_snapshots", {"id": snapshot_id}, {"label": label.strip()})
        if given is not None and given != saved:
            _write_mapping(tx, given)
        tx.insert_columns("staff", {"snapshot_id": [snapshot_id] * count, **plan.values})
    return ImportResult("hr-extract", plan.summary, tx.changes(description), warnings=plan.warnings)


def _plan(wb: Workbook, source: Source, snapshot_date: str, mapping: HrMapping) -> _Plan:
    """Every check, before anything is written; refuse with every problem found."""
    table = _staff_table(source, mapping)
    problems, clean_date = _snapshot_date_problems(snapshot_date)
    snapshot_id, found = _snapshot(wb, clean_date) if clean_date else (None, [])
    columns, header_problems = _columns(table, mapping, clean_date)
    problems = [*table.problems, *problems, *found, *header_problems]
    if not table.numbers:
        problems.append(ImportProblem(table.name, None, "", None, "has no staff rows", "one row a person"))
    values, cell_problems, mapped = _cells(table, columns)
    _refuse_if(source.path.name, problems + cell_problems)
    summary = _summary(len(table.numbers), clean_date, snapshot_id, mapped)
    return _Plan(clean_date, snapshot_id, values, summary, _warnings(table, columns))


def _cells(
    table: Table, columns: list[_Column]
) -> tuple[dict[str, list[Any]], list[ImportProblem], dict[str, int]]:
    """Each field's cleaned values, every problem with them (by row, then column), and how
    many of each field's codes the extract uses."""
    numbers = table.numbers
    values: dict[str, list[Any]] = {}
    problems: list[ImportProblem] = []
    mapped: dict[str, int] = {}
    for column in columns:
        if column.missing:
            continue  # reported once, as a missing column
        raw = [None] * len(numbers) if column.position is None else table.column(column.position)
        values[column.field], bad = column.clean(raw)
        if bad:
            problems += _cell_problems(table.name, column, raw, values[column.field], numbers)
        if column.codes:
            mapped[column.field] = len(column.codes.keys() & {_code_key(value) for value in set(raw)})
    refs = next(c for c in columns if c.field == "staff_ref")
    problems += _duplicate_problems(table.name, refs, values.get("staff_ref", []), numbers)
    order = {c.header: i for i, c in enumerate(columns)}
    problems.sort(key=lambda p: (p.row or 0, order.get(p.column, 0)))
    return values, problems, mapped


def _snapshot_date_problems(snapshot_date: str) -> tuple[list[ImportProblem], str]:
    try:
        return [], SNAPSHOT_RULES["snapshot_date"].clean(snapshot_date)
    except Invalid as bad:
        return [ImportProblem("", None, "snapshot date", snapshot_date, bad.message, bad.allowed)], ""


def _snapshot(wb: Workbook, snapshot_date: str) -> tuple[int | None, list[ImportProblem]]:
    """The existing snapshot at this date, usable only while it has no staff rows."""
    found = wb.rows(
        "SELECT s.id, count(f.id) AS staff FROM workforce_snapshots s LEFT JOIN staff f"
        " ON f.snapshot_id = s.id WHERE s.snapshot_date = ? GROUP BY s.id", [snapshot_date]
    )
    if not found:
        return None, []
    if found[0]["staff"]:
        message = f"already has a workforce snapshot with {counted(found[0]['staff'], 'staff row')}"
        allowed = "a date with no snapshot yet, or a snapshot without staff rows"
        return None, [ImportProblem("", None, "snapshot date", snapshot_date, message, allowed)]
    return found[0]["id"], []


def _summary(count: int, snapshot_date: str, snapshot_id: int | None, mapped: dict[str, int]) -> list[str]:
    """What a person reads: the rows and the snapshot, and how many of each field's codes are used."""
    where = "the existing snapshot" if snapshot_id is not None else "snapshot"
    codes = [f"{name}: {counted(used, 'code')} mapped" for name, used in mapped.items()]
    return [f"{count:,} staff rows for {where} {snapshot_date}", *codes]


def _warnings(table: Table, columns: list[_Column]) -> list[str]:
    """Columns of the extract that are not imported: nothing of them is kept."""
    used = {c.position for c in columns}
    unused = [name for i, name in enumerate(table.columns) if i not in used and name]
    return [f"Columns not imported: {', '.join(unused)}"] if unused else []
