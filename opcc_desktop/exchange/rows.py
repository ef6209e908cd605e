"""Checking a table's rows against field rules, reporting every problem with sheet, row and column.

Each column's distinct values are checked once and remembered: an HR extract of 50,000 rows
holds a few dozen distinct ethnicity codes, so validation costs a dictionary lookup a cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..areas.validation import Field, Invalid
from ..errors import ImportProblem
from .cells import restore
from .sources import Table, fold

CleanRow = tuple[int, dict[str, Any]]  # (spreadsheet row number, cleaned values)


def header_problems(table: Table, required: Iterable[str]) -> list[ImportProblem]:
    """Required columns that are missing, and columns named twice."""
    index = table.index()
    problems = [ImportProblem(table.name, 1, name, None, "column is missing",
                              f"a header cell reading '{name}'")
                for name in required if fold(name) not in index]  # fmt: skip
    seen: set[str] = set()
    for name in table.columns:
        key = fold(name)
        if key and key in seen:
            problems.append(ImportProblem(table.name, 1, name, None, "column appears twice", "each column once"))
        seen.add(key)
    return problems


def clean_rows(
    table: Table, rules: Mapping[str, Field], *, optional: Sequence[str] = (),
    unquote: Callable[[Any], Any] = restore,
) -> tuple[list[CleanRow], list[ImportProblem]]:
    """Every row of ``table`` cleaned by ``rules`` (columns in ``optional`` may be absent:
    their rule then sees a blank), and every problem found, including the table's own.
    ``unquote`` undoes the export's formula neutralising (see cells.py)."""
    problems = list(table.problems) + header_problems(table, [n for n in rules if n not in optional])
    index = table.index()
    positions = [(name, index.get(fold(name)), rule, {}) for name, rule in rules.items()]
    cleaned: list[CleanRow] = []
    for number, values in table.rows:
        row: dict[str, Any] = {}
        for name, position, rule, memo in positions:
            raw = unquote(values[position]) if position is not None else None
            key = (type(raw), raw)
            outcome = memo.get(key)
            if outcome is None:
                outcome = memo[key] = _check(rule, raw)
            if isinstance(outcome, Invalid):
                problems.append(ImportProblem(table.name, number, name, raw, outcome.message, outcome.allowed))
            else:
                row[name] = outcome[0]
        cleaned.append((number, row))
    return cleaned, problems


def _check(rule: Field, raw: Any) -> tuple[Any] | Invalid:
    try:
        return (rule.clean(raw),)
    except Invalid as bad:
        return bad


def duplicate_problems(
    sheet: str, rows: Iterable[CleanRow], key: Sequence[str], allowed: str = "each once"
) -> list[ImportProblem]:
    """Rows whose ``key`` columns repeat an earlier row's."""
    first: dict[tuple[Any, ...], int] = {}
    problems = []
    for number, row in rows:
        if any(name not in row for name in key):
            continue  # already reported as invalid
        value = tuple(row[name] for name in key)
        if value in first:
            shown = value[0] if len(value) == 1 else " / ".join(str(v) for v in value)
            problems.append(ImportProblem(sheet, number, " + ".join(key), shown,
                                          f"repeats row {first[value]}", allowed))  # fmt: skip
        else:
            first[value] = number
    return problems
