"""A document's outline as its builder prints it: the sections in the order the officers gave
them (see :mod:`opcc_desktop.areas.outline`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..areas.outline import Part
from ..figures.equality_tables import strip_title_heading

__all__ = ["print_outline"]


def print_outline(doc: Any, parts: Sequence[Part], generated: Mapping[str, Callable[[str], None]],
                  written: Callable[[str, str], str]) -> None:  # fmt: skip
    """The outline's sections in the officers' order: a part worked out from the figures by
    its function in ``generated`` (given its title), any other as a section holding the text
    ``written`` gives it (a section with nothing to print is left out)."""
    for part in parts:
        if part.key in generated:
            generated[part.key](part.title)
        elif body := written(part.key, part.title):
            doc.section(part.title)
            doc.paragraphs(strip_title_heading(body, part.title))
