"""Spreadsheet formula injection: text that a spreadsheet would run as a formula.

Exports put an apostrophe before text starting with = + - @ tab, CR or LF (and before text
already so quoted), which spreadsheets show as text; imports take exactly one away. The two
are inverses, so a round trip keeps every text as it was.

Delimited text (a CSV file, cells copied as tab-separated text) needs more. A spreadsheet may
split it on another delimiter than the one it was written with: Excel opens a CSV with the
locale's list separator (``;`` in much of Europe), and a quote that does not open a field by
that separator's reckoning is an ordinary character, so ``x;=1+2`` inside a quoted
comma-separated field still becomes a cell ``=1+2``, and a line break inside it starts a new
row. So :func:`neutralise_delimited` also puts an apostrophe after every delimiter or line
break (and any spaces and quotes after it) that a trigger follows, and
:func:`restore_delimited` takes exactly one away there too: again the two are inverses.
"""

from __future__ import annotations

import re
from typing import Any

TRIGGER = re.compile(r"^'*[=+\-@\t\r\n]")
QUOTED = re.compile(r"^'+[=+\-@\t\r\n]")
# After a delimiter a spreadsheet may split on, then spaces, quotes or more delimiters.
INNER_TRIGGER = re.compile(r"([,;|\t\r\n][ \t\r\n\"]*)(?='*[=+\-@])")
INNER_QUOTED = re.compile(r"([,;|\t\r\n][ \t\r\n\"]*)'(?='*[=+\-@])")


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


def neutralise_delimited(value: Any) -> Any:
    """Text safe to put in a field of delimited text, however a spreadsheet splits it."""
    value = neutralise(value)
    return INNER_TRIGGER.sub(r"\1'", value) if isinstance(value, str) else value


def restore_delimited(value: Any) -> Any:
    """The text :func:`neutralise_delimited` was given."""
    if isinstance(value, str):
        value = INNER_QUOTED.sub(r"\1", value)
    return restore(value)
