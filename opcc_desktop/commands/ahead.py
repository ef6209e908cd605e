"""A workbook opened, and worked on, on a second thread while a command loads its modules.

Deriving the key from the passphrase (SQLCipher's PBKDF2, about 0.1 s by design) and solving
the disclosure plan's programs (HiGHS) run in C without holding Python's interpreter lock;
importing the documents and reportlab (about 0.15 s) is Python and holds it. Side by side,
on two cores, an export is done about 0.1 s sooner.

The rules that keep it safe: a job given to the second thread imports nothing (two threads
importing modules that import each other can deadlock), so the command imports what a job
needs before handing it over; and the jobs are done before :meth:`OpenAhead.workbook` hands
the workbook to the command, so one thread at a time uses it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from ..store.workbook import Workbook

Job = Callable[[Workbook], object]


class OpenAhead:
    """``with OpenAhead(path, passphrase, readonly=True) as ahead:`` starts opening the
    workbook; :meth:`then` queues work on it; :meth:`workbook` waits for both and returns it
    (raising whatever they raised). The workbook is closed when the block ends."""

    def __init__(self, path: Path, passphrase: str, *, readonly: bool) -> None:
        self._open = lambda: Workbook.open(path, passphrase, readonly=readonly)
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._book: Workbook | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="open-ahead")

    def __enter__(self) -> OpenAhead:
        self._thread.start()
        return self

    def then(self, job: Job) -> None:
        """Run ``job(workbook)`` on the second thread, once it is open (and earlier jobs done)."""
        self._jobs.put(job)

    def workbook(self) -> Workbook:
        self._finish()
        if self._error is not None:
            raise self._error
        assert self._book is not None
        return self._book

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        self._finish()
        if self._book is not None:
            self._book.close()

    def _finish(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()

    def _run(self) -> None:
        try:
            self._book = self._open()
            while (job := self._jobs.get()) is not None:
                job(self._book)
        except BaseException as exc:  # handed to the command by workbook()
            self._error = exc
