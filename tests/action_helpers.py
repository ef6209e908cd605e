"""Helpers shared by the action tests: run a refused action and check nothing changed."""

from __future__ import annotations

import pytest
from conftest import dump

from opcc_desktop.errors import ValidationError


def history(wb) -> tuple[int, int]:
    return wb.scalar("SELECT count(*) FROM edits"), wb.scalar("SELECT count(*) FROM audit")


def refused(wb, action, *args, **kwargs) -> ValidationError:
    """Run an action that must be refused; check it changed nothing, return the error."""
    before, past = dump(wb), history(wb)
    with pytest.raises(ValidationError) as info:
        action(wb, *args, **kwargs)
    assert dump(wb) == before
    assert history(wb) == past
    return info.value


def problem(error: ValidationError, field: str):
    found = [p for p in error.problems if p.field == field]
    assert len(found) == 1, f"expected one problem for {field}, got {error.problems}"
    return found[0]


def ops(changes) -> list[tuple[str, str]]:
    return [(r.table, r.op) for r in changes.rows]
