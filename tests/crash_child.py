"""The process the crash tests kill: it edits a workbook in a loop, reporting each edit only
after it committed.

Run ``python crash_child.py serve WORKBOOK PASSPHRASE``. The server imports everything once,
then, for each command read on stdin, forks a worker (a copy of itself, so no interpreter
start-up or import is paid per kill; the server never opens a database, so the fork holds no
connection). When the test sends ``kill`` the server SIGKILLs that worker at once and reaps
it, so a pid is never signalled after it could have been reused.

Commands (one a line, each followed later by ``kill``):
  ``edit AUTO_BACKUP REOPEN_EVERY``  open the workbook and make numbered edits until killed
  ``rekey N``     open it with passphrase N (or N+1) and change to N+1, N+2... until killed
  ``create PATH`` create a new workbook at PATH, then wait

Lines written, each with a single ``os.write`` (so never torn, duplicated or left buffered):
  worker ``pid P``          it started (before opening anything)
  worker ``start N``        the workbook is open; the next edit is number N
  worker ``ack N``          edit N has committed
  worker ``reopen``         it closed and reopened the workbook (a checkpoint happened)
  worker ``key N``          (rekey) it opened the workbook with passphrase N
  worker ``rekeying N``     (rekey) it is about to change the passphrase to N
  worker ``rekeyed N``      (rekey) the passphrase is now N, committed
  worker ``created``        (create) Workbook.create returned
  worker ``error MESSAGE``  it failed (the test fails with MESSAGE)
  server ``exit P STATUS``  the worker P ended (``os.waitpid`` status)

The edit plan lives here so that the test checks exactly what the worker does.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from pathlib import Path

from opcc_desktop.areas import kpis, narrative, services, settings
from opcc_desktop.errors import WrongPassphrase
from opcc_desktop.store.workbook import Workbook

FY = "2024/25"
SERVICE = "Crash-test service"
OUTCOME = "Crash-test outcome"
GROUP = "Crash-test group"
KPI = "Crash-test KPI"
NARRATIVE = ("annual-equality", FY, "introduction")
BATCH_TEXT = "x" * 3000  # spills over pages, so a batch's commit writes many WAL frames


def category(number: int) -> str:
    return f"e{number:07d}"


def is_batch(number: int) -> bool:
    return number % 3 == 0


def batch_text(number: int) -> str:
    return f"Batch {number} {BATCH_TEXT}"


def passphrase(base: str, number: int) -> str:
    """The rekey test's passphrases: the workbook's own, then a new one per change."""
    return base if number == 0 else f"{base} #{number}"


def set_up(wb: Workbook) -> None:
    """The records every numbered edit refers to (made by the test before any worker runs)."""
    services.add_service(wb, {"name": SERVICE})
    kpis.add_outcome(wb, OUTCOME)
    outcome_id = wb.scalar("SELECT id FROM strategic_outcomes WHERE name = ?", [OUTCOME])
    kpis.add_group(wb, outcome_id, GROUP)
    group_id = wb.scalar("SELECT id FROM kpi_groups WHERE name = ?", [GROUP])
    kpis.add_kpi(wb, group_id, {"name": KPI, "unit": "count", "polarity": "higher"})


def ids(wb: Workbook) -> tuple[int, int]:
    service_id = wb.scalar("SELECT id FROM services WHERE name = ?", [SERVICE])
    kpi_id = wb.scalar("SELECT id FROM kpis WHERE name = ?", [KPI])
    return service_id, kpi_id


def last_edit(wb: Workbook, service_id: int) -> int:
    """The number of the last numbered edit in the workbook (0 before the first)."""
    top = wb.scalar(
        "SELECT max(category) FROM service_categories WHERE service_id = ? AND dimension = 'age'",
        [service_id],
    )
    return int(top[1:]) if top else 0


def make_edit(wb: Workbook, number: int, service_id: int, kpi_id: int) -> None:
    """Edit ``number``: one cell (two rows: its category and its count), or every third one a
    batch of several actions over five tables that must land all together or not at all."""
    if not is_batch(number):
        services.set_service_count(wb, service_id, FY, 1, "age", category(number), number)
        return
    with wb.batch(f"Crash-test batch {number}"):
        services.set_service_count(wb, service_id, FY, 1, "age", category(number), number)
        services.set_service_count(wb, service_id, FY, 2, "age", category(number), number)
        kpis.set_kpi_value(wb, kpi_id, FY, 1, value=number)
        settings.set_setting(wb, "office_name", f"After batch {number}")
        narrative.set_narrative(wb, *NARRATIVE, batch_text(number))


def say(line: str) -> None:
    os.write(1, (line + "\n").encode())


def edit_forever(path: Path, passphrase: str, auto_backup: bool, reopen_every: int) -> None:
    wb = Workbook.open(path, passphrase, auto_backup=auto_backup)
    service_id, kpi_id = ids(wb)
    number = last_edit(wb, service_id) + 1
    say(f"start {number}")
    while True:
        make_edit(wb, number, service_id, kpi_id)
        say(f"ack {number}")
        if reopen_every and number % reopen_every == 0:
            wb.close()
            wb = Workbook.open(path, passphrase, auto_backup=auto_backup)
            say("reopen")
        number += 1


def rekey_forever(path: Path, base: str, known: int) -> None:
    """Open with passphrase ``known`` (or the next, if the change to it was killed after it
    committed but before it was reported), then keep changing to the next passphrase."""
    try:
        wb, current = Workbook.open(path, passphrase(base, known), auto_backup=False), known
    except WrongPassphrase:
        wb, current = Workbook.open(path, passphrase(base, known + 1), auto_backup=False), known + 1
    say(f"key {current}")
    while True:
        current += 1
        say(f"rekeying {current}")
        wb.change_passphrase(passphrase(base, current))
        say(f"rekeyed {current}")


def create_and_wait(path: Path, base: str) -> None:
    Workbook.create(path, base)
    say("created")
    time.sleep(3600)


def worker(command: list[str], path: Path, base: str) -> None:
    say(f"pid {os.getpid()}")
    try:
        if command[0] == "edit":
            edit_forever(path, base, command[1] == "1", int(command[2]))
        elif command[0] == "rekey":
            rekey_forever(path, base, int(command[1]))
        elif command[0] == "create":
            create_and_wait(Path(command[1]), base)
        else:
            raise ValueError(f"unknown command {command!r}")
    except BaseException as exc:  # reported, then the test fails with it
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        say(f"error {detail}".replace("\n", " | "))
        os._exit(1)
    os._exit(0)


def serve(path: Path, base: str) -> None:
    while command := sys.stdin.readline():
        if not command.split():
            continue
        pid = os.fork()
        if pid == 0:
            worker(command.split(), path, base)  # never returns
        sys.stdin.readline()  # "kill" (or end of input: the test is gone)
        os.kill(pid, signal.SIGKILL)  # not reaped yet, so still ours even if it has ended
        _, status = os.waitpid(pid, 0)
        say(f"exit {pid} {status}")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "serve":
        sys.exit("usage: crash_child.py serve WORKBOOK PASSPHRASE")
    serve(Path(sys.argv[2]), sys.argv[3])
