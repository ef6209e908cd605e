"""Python's cycle collector paused while a large file is read or imported.

Reading and checking allocate a container or two a row, and as they mount up the collector
walks every container alive, the rows read so far among them, though nothing here forms a
cycle (reference counting frees what is dropped). On 50,000 rows that walking cost about as
much as building the table.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block, then as it was (on, unless someone had turned it off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
