"""Errors the user sees. Each carries one clear line: what went wrong, where, how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless one, for messages: "1 row", "4,080 rows"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class OpccError(Exception):
    """A problem explained to the user in plain words; never shown as a traceback."""


class WorkbookError(OpccError):
    """The workbook file cannot be opened or used as asked."""


class WorkbookMissing(WorkbookError):
    pass


class NotAWorkbook(WorkbookError):
    pass


class WrongPassphrase(WorkbookError):
    pass


class DamagedWorkbook(WorkbookError):
    pass


class NewerWorkbook(WorkbookError):
    pass


class WorkbookLocked(WorkbookError):
    pass


class WorkbookExists(WorkbookError):
    pass


class StorageError(WorkbookError):
    """The disk refused a write (full, disconnected, read-only); the edit was rolled back."""


class UnsafePath(OpccError):
    """A file the user named that must not be read or written: a workbook, a folder..."""


class PassphraseError(OpccError):
    """No usable passphrase was supplied."""


class ConflictError(OpccError):
    """An undo cannot be applied because the data changed since."""


class NotFound(OpccError):
    """The record an action names does not exist."""


class PolicyError(OpccError):
    """The machine policy IT set forbids this, or is wrong where this needs it (see
    ``store/policy.py``)."""


@dataclass(frozen=True)
class Problem:
    """One invalid field: which field, the bad value, what is wrong and what is allowed."""

    field: str
    value: Any
    message: str
    allowed: str = ""

    def __str__(self) -> str:
        text = f"{self.field} {self.message}" if self.value is None else f"{self.field}: {self.value!r} {self.message}"
        return f"{text} (allowed: {self.allowed})" if self.allowed else text


@dataclass
class ValidationError(OpccError):
    """Input that breaks the data model's rules; lists every problem, not just the first."""

    what: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        details = "; ".join(str(p) for p in self.problems)
        return f"Cannot save {self.what}: {details}. Nothing was changed."


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an imported file: where (sheet, row, column), the bad value, what
    is wrong and what is allowed. ``row`` is the row number the spreadsheet shows."""

    sheet: str
    row: int | None
    column: str
    value: Any
    message: str
    allowed: str = ""

    def __str__(self) -> str:
        where = ", ".join(part for part in (
            f"sheet '{self.sheet}'" if self.sheet else "",
            f"row {self.row}" if self.row else "",
            f"column '{self.column}'" if self.column else "",
        ) if part)  # fmt: skip
        value = "" if self.value is None or self.value == "" else f"{_short(self.value)!r} "
        text = f"{where}: {value}{self.message}" if where else f"{value}{self.message}"
        return f"{text} (allowed: {self.allowed})" if self.allowed else text


SHOWN_PROBLEMS = 25
SHOWN_VALUE = 60  # characters of a bad value quoted in a message


def _short(value: Any) -> Any:
    return value[:SHOWN_VALUE] + "…" if isinstance(value, str) and len(value) > SHOWN_VALUE else value


@dataclass
class ImportRefused(OpccError):
    """A file that cannot be imported; lists every problem found. Nothing was written."""

    source: str
    problems: list[ImportProblem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        lines = [f"Cannot import {self.source}: {count} problem{'s' if count != 1 else ''}."
                 " Nothing was changed."]  # fmt: skip
        lines += [f"  - {problem}" for problem in self.problems[:SHOWN_PROBLEMS]]
        if count > SHOWN_PROBLEMS:
            lines.append(f"  ... and {count - SHOWN_PROBLEMS} more.")
        return "\n".join(lines)
