"""sqlite-utils, loaded only when a workbook is written to or upgraded.

The core reads through the SQLCipher connection itself; sqlite-utils gives writes their
transactions and savepoints (``Database.atomic``) and runs the schema's migrations. Loading
it costs about 50 ms, so a read-only command (export, check, pre-flight) never does.

Two adjustments are made when it loads. It is imported without pandas and numpy: it imports
them only to map their scalar types when inferring column types, which the core never asks
of it (0.3 s); later imports of either elsewhere are unaffected. And it catches the standard
library's ``sqlite3`` exceptions, which sqlcipher3's are not subclasses of, so it is pointed
at sqlcipher3's module instead, keeping its own fallbacks (e.g. ``Database.cached_counts``)
working on an encrypted file.
"""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING, Any

import sqlcipher3.dbapi2 as dbapi

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations


def database(conn: Any) -> Database:
    """sqlite-utils' view of an open connection."""
    _load()
    from sqlite_utils import Database

    return Database(conn, execute_plugins=False)  # no entry-point scan of every package


def new_migrations(name: str) -> Migrations:
    """An empty set of migrations named ``name``."""
    _load()
    from sqlite_utils.migrations import Migrations

    return Migrations(name)


@functools.cache
def _load() -> None:
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes their import fail fast
    try:
        import sqlite_utils.db
        import sqlite_utils.utils
    finally:
        for name in hidden:
            del sys.modules[name]
    for module in (sqlite_utils.db, sqlite_utils.utils):
        module.sqlite3 = dbapi  # type: ignore[attr-defined]
        module.OperationalError = dbapi.OperationalError  # type: ignore[attr-defined]
    sqlite_utils.utils.dbapi2 = dbapi  # type: ignore[attr-defined]
