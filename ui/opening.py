"""Opening a workbook while the window is made.

Deriving the key from the passphrase takes SQLCipher about a tenth of a second, in C and
outside Python's lock, so when the passphrase is known before the window exists (the demo),
the workbook opens on a worker thread from the very start, while Qt starts and the window is
built. Kept apart from ``ui.app`` so it begins before that module's imports."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from opcc_desktop.store.workbook import Workbook


def begin_opening(path: Path, passphrase: str) -> Future[Workbook]:
    """The workbook at ``path``, opening; ``result()`` gives it or raises why not."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="opening")
    try:
        return pool.submit(Workbook.open, path, passphrase)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one task
