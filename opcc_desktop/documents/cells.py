"""What a table cell prints, for every edition: the PDF's tables, the HTML edition's and the
tables-as-data spreadsheet read a cell the same way. Kept apart from the PDF package (which
loads reportlab) so the spreadsheet can use it without a circular import."""

from __future__ import annotations

from typing import Protocol


class _Printed(Protocol):
    @property
    def text(self) -> str: ...


CellValue = str | int | _Printed | None


def cell_text(value: CellValue) -> str:
    """What a cell prints."""
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"format {value!r} before putting it in a table (see opcc_desktop.figures.formatting)")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, str):
        return value
    text = getattr(value, "text", None)
    if not isinstance(text, str):
        raise TypeError(f"a table cell must be text, an int or a printed Cell, got {value!r}")
    return text
