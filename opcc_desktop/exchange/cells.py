"""Spreadsheet formula injection: text that a spreadsheet would run as a formula.

Exports put an apostrophe before text starting with = + - @ tab, CR or LF (and before text
already so quoted), which spreadsheets show as text; imports take exactly one away. The two
are inverses, so a round trip keeps every text as it was.
"""

from __future__ import annotations

import re
from typing import Any

TRIGGER = re.compile(r"^'*[=+\-@\t\r\n]")
QUOTED = re.compile(r"^'+[=+\-@\t\r\n]")


def neutralise(value: Any) -> Any:
    """Text safe to put in a spreadsheet cell."""
    if isinstance(value, str) and TRIGGER.match(value):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The text :func:`neutralise` was given."""
    if isinstance(value, str) and QUOTED.match(value):
        return value[1:]
    return value
