"""OPCC Desktop core: the workbook file, its data model and rules, reports and the CLI.

Grouped by layer, each folder using only those below it: ``commands`` › ``documents`` ›
``exchange`` › ``figures`` › ``areas`` › ``store`` (plus ``errors``, which all may use).

This package never imports Qt, pyqtgraph or the ``ui`` package (import-linter checks it),
so every command runs headless.
"""

import sys

__version__ = "0.1.0"


def _import_sqlite_utils() -> None:
    """Import sqlite-utils without pandas and numpy (0.3 s at every start): it imports them
    only to map their scalar types when inferring column types, which the core never asks of
    it. Later imports of pandas or numpy elsewhere are unaffected."""
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes their import fail fast
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


_import_sqlite_utils()
