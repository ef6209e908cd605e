"""A process killed at any moment (SIGKILL: no clean-up, no flush) never damages the workbook
and never loses an edit it reported as saved; a half-made edit is never seen.

The worker (``tests/crash_child.py``) edits a real encrypted workbook in a loop and prints
``ack N`` only after edit N committed. We kill it at random moments, then reopen the file with
the passphrase and check: integrity (``quick_check`` and ``cipher_integrity_check``), every
acknowledged edit present, nothing beyond the one edit that was in flight, and every edit
whole (a batch of several actions is all there or not at all).

The random seed is printed on failure; set CRASH_SEED to replay a run.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import crash_child as plan
import pytest
from conftest import PASSPHRASE, dump

from opcc_desktop.errors import NotAWorkbook, WrongPassphrase
from opcc_desktop.store.backups import backup_folder
from opcc_desktop.store.workbook import Workbook

pytestmark = pytest.mark.skipif(
    os.name != "posix" or not hasattr(os, "fork"), reason="POSIX only: SIGKILL and fork"
)

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parent.parent
LINE_TIMEOUT = 60.0  # seconds to wait for any one line from the worker before failing


@pytest.fixture
def seed() -> int:
    value = int(os.environ.get("CRASH_SEED") or random.SystemRandom().randrange(1 << 32))
    print(f"crash test seed: CRASH_SEED={value}")  # shown by pytest when the test fails
    return value


# -- the child process ----------------------------------------------------------------------


@dataclass
class Session:
    """What one worker reported before it was killed."""

    pid: int | None = None
    start: int | None = None
    acks: list[int] = field(default_factory=list)
    keys: list[int] = field(default_factory=list)  # rekey: passphrase opened with
    rekeying: list[int] = field(default_factory=list)  # rekey: changes begun
    rekeyed: list[int] = field(default_factory=list)  # rekey: passphrases changed to
    created: bool = False
    reopens: int = 0
    status: int | None = None
    lines: list[str] = field(default_factory=list)


class Server:
    """``crash_child.py serve``: forks one worker per command; kills it when told."""

    def __init__(self, workbook: Path, passphrase: str, log: Path) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        self.log = log
        self._stderr = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), "serve", str(workbook), passphrase],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            text=True, bufsize=1, cwd=ROOT, env=env,
        )  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put("eof")

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def next_line(self, session: Session) -> str:
        try:
            line = self.lines.get(timeout=LINE_TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"no word from the worker in {LINE_TIMEOUT} s: {session}") from None
        if line == "eof":
            raise AssertionError(f"the crash-test server ended: {self.log.read_text()[-2000:]}")
        session.lines.append(line)
        word, _, rest = line.partition(" ")
        if word == "error":
            raise AssertionError(f"the worker failed: {rest}")
        if word == "pid":
            session.pid = int(rest)
        elif word == "start":
            session.start = int(rest)
        elif word == "ack":
            session.acks.append(int(rest))
        elif word == "reopen":
            session.reopens += 1
        elif word == "key":
            session.keys.append(int(rest))
        elif word == "rekeying":
            session.rekeying.append(int(rest))
        elif word == "rekeyed":
            session.rekeyed.append(int(rest))
        elif word == "created":
            session.created = True
        elif word == "exit":
            pid, status = (int(x) for x in rest.split())
            assert pid == session.pid, line
            session.status = status
        else:
            raise AssertionError(f"unexpected line from the worker: {line!r}")
        return word

    def run_and_kill(self, command: str, rng: random.Random, *, ready: str | None, delay: float) -> Session:
        """Start a worker; kill it ``uniform(0, delay)`` s after it says ``ready`` (a point it
        announces: before, inside or after a commit), or after it starts when ``ready`` is
        None (e.g. while it opens). The tests' claims rest on the points, never on timing:
        on a loaded machine the same kills land later, at the same announced points."""
        session = Session()
        self.send(command)
        while session.pid is None:
            self.next_line(session)
        if ready is not None:
            while self.next_line(session) != ready:
                pass
        time.sleep(rng.uniform(0, delay))
        self.send("kill")
        while session.status is None:
            self.next_line(session)
        assert os.WIFSIGNALED(session.status) and os.WTERMSIG(session.status) == signal.SIGKILL, (
            f"the worker was not killed but ended by itself: {session}"
        )
        return session

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._stderr.close()


@pytest.fixture
def server_for(tmp_path: Path):
    made: list[Server] = []

    def start(workbook: Path) -> Server:
        made.append(Server(workbook, PASSPHRASE, tmp_path / f"server-{len(made)}.log"))
        return made[-1]

    yield start
    for server in made:
        server.close()


# -- checking what survived -----------------------------------------------------------------


def check_survivor(path: Path, setup_edits: int, low: int, high: int) -> int:
    """Reopen after a kill; return the number of the last edit in it, checking everything.

    ``low`` is the last edit reported saved, ``high`` the last that may have been saved (the
    one in flight when the worker died)."""
    with Workbook.open(path, PASSPHRASE, auto_backup=False) as wb:
        assert wb.integrity_problems() == []
        assert wb.rows("PRAGMA foreign_key_check") == []
        service_id, kpi_id = plan.ids(wb)
        numbers = [int(r["category"][1:]) for r in wb.rows(
            "SELECT category FROM service_categories WHERE service_id = ? AND dimension = 'age'"
            " ORDER BY category", [service_id])]  # fmt: skip
        last = numbers[-1] if numbers else 0
        assert numbers == list(range(1, last + 1)), "an edit is missing from the middle"
        assert low <= last <= high, f"saved edits end at {last}; reported {low}, at most {high}"

        def counts(quarter: int) -> dict[str, int]:
            return {r["category"]: r["count"] for r in wb.rows(
                "SELECT category, count FROM service_counts WHERE service_id = ?"
                " AND dimension = 'age' AND quarter = ?", [service_id, quarter])}  # fmt: skip

        # Each edit whole: a cell's category came with its count; a batch with all its parts.
        assert counts(1) == {plan.category(n): n for n in numbers}
        assert counts(2) == {plan.category(n): n for n in numbers if plan.is_batch(n)}
        batch = max((n for n in numbers if plan.is_batch(n)), default=None)
        kpi_value = wb.scalar(
            "SELECT value FROM kpi_values WHERE kpi_id = ? AND financial_year = ? AND quarter = 1",
            [kpi_id, plan.FY],
        )
        office = wb.scalar("SELECT value FROM settings WHERE key = 'office_name'")
        text = wb.scalar(
            "SELECT text FROM narratives WHERE report = ? AND financial_year = ? AND section = ?",
            [plan.NARRATIVE[0], plan.NARRATIVE[1], plan.NARRATIVE[2]],
        )
        if batch is None:
            assert (kpi_value, office, text) == (None, None, None)
        else:
            assert kpi_value == batch
            assert office == f"After batch {batch}"
            assert text == plan.batch_text(batch)
        # The history matches the data: one audited edit per numbered edit, none half-written.
        assert wb.scalar("SELECT count(*) FROM edits") == setup_edits + last
        assert wb.scalar("SELECT count(DISTINCT edit_id) FROM audit") == setup_edits + last
    return last


EDIT_KILL_POINTS = (None, "start", "ack", "ack")  # half the kills come after a commit
REKEY_KILL_POINTS = (None, "key", "rekeying", "rekeyed")  # opening; before, in, after a change


def crash_many_times(path: Path, server: Server, rng: random.Random, kills: int) -> dict[str, int]:
    with Workbook.create(path, PASSPHRASE) as wb:
        plan.set_up(wb)
        setup_edits = wb.scalar("SELECT count(*) FROM edits")
    low = high = 0  # edits certainly saved / possibly saved (the one in flight at the kill)
    acked: set[int] = set()
    stats = {"kills": 0, "acks": 0, "sessions_with_edits": 0, "killed_before_start": 0,
             "reopens": 0, "checks": 0, "unreported_edit_saved": 0}  # fmt: skip
    for kill in range(kills):
        auto_backup = rng.random() < 0.1  # now and then die while making the backup
        reopen_every = rng.choice((0, 0, 7, 25))  # ...or while closing (checkpoint) and reopening
        # Killed while opening, around its first commits, or after at least one; mostly short
        # lives (a few edits), some long enough for the log to fill and be checkpointed into
        # the file as it goes (every 1000 pages).
        ready = EDIT_KILL_POINTS[kill % len(EDIT_KILL_POINTS)]
        delay = 0.06 if rng.random() < 0.8 else 0.4
        session = server.run_and_kill(f"edit {int(auto_backup)} {reopen_every}", rng, ready=ready, delay=delay)
        stats["kills"] += 1
        stats["reopens"] += session.reopens
        stats["killed_before_start"] += session.start is None
        if session.start is not None:
            # The worker read the file after the last kill: all saved, nothing invented.
            assert low <= session.start - 1 <= high, (kill, session, low, high)
            assert session.acks == list(range(session.start, session.start + len(session.acks)))
            low = session.acks[-1] if session.acks else session.start - 1
            high = low + 1
            acked.update(session.acks)
            stats["acks"] += len(session.acks)
            stats["sessions_with_edits"] += bool(session.acks)
        # Usually reopen and check at once; sometimes let the next worker recover the
        # killed one's write-ahead log itself (and be killed while doing so).
        if kill == kills - 1 or rng.random() < 0.7:
            last = check_survivor(path, setup_edits, low, high)
            stats["unreported_edit_saved"] += last > low  # killed after commit, before "ack"
            low = high = last
            stats["checks"] += 1
    assert acked <= set(range(1, low + 1))
    # Backups made by killed workers: each one under its final name is whole.
    for made in sorted(backup_folder(path).glob("*.opcc")):
        with Workbook.open(made, PASSPHRASE, readonly=True) as copy:
            assert copy.integrity_problems() == []
    stats["last_edit"] = low
    return stats


@pytest.mark.parametrize("kills", [20])
def test_killed_editor_loses_nothing_saved(tmp_path: Path, server_for, seed: int, kills: int) -> None:
    started = time.monotonic()
    stats = crash_many_times(tmp_path / "crash.opcc", server_for(tmp_path / "crash.opcc"),
                             random.Random(seed), kills)  # fmt: skip
    print(f"{stats} in {time.monotonic() - started:.1f} s")
    assert stats["kills"] == kills
    assert stats["acks"] > 0 and stats["sessions_with_edits"] > 0


@pytest.mark.slow
def test_killed_editor_loses_nothing_saved_200_times(tmp_path: Path, server_for, seed: int) -> None:
    started = time.monotonic()
    stats = crash_many_times(tmp_path / "crash.opcc", server_for(tmp_path / "crash.opcc"),
                             random.Random(seed), 200)  # fmt: skip
    print(f"{stats} in {time.monotonic() - started:.1f} s")
    assert stats["kills"] == 200
    # The kills landed in many different places, not all before the first edit.
    assert stats["sessions_with_edits"] >= 100


# -- passphrase change and creation, killed part-way -----------------------------------------


def rekey_many_times(path: Path, server: Server, rng: random.Random, kills: int) -> int:
    with Workbook.create(path, PASSPHRASE) as wb:
        plan.set_up(wb)
        for number in range(1, 40):
            plan.make_edit(wb, number, *plan.ids(wb))
        expected = dump(wb)
    known = 0  # the passphrase last reported as the workbook's
    changes = 0
    for kill in range(kills):
        ready = REKEY_KILL_POINTS[kill % len(REKEY_KILL_POINTS)]
        session = server.run_and_kill(f"rekey {known}", rng, ready=ready, delay=0.3 if ready is None else 0.05)
        if session.keys:
            assert session.keys[0] in (known, known + 1)
            known = session.keys[0]
        if session.rekeyed:
            assert session.rekeyed == list(range(known + 1, known + 1 + len(session.rekeyed)))
            known = session.rekeyed[-1]
            changes += len(session.rekeyed)
        # Exactly one of the reported passphrase and the one being changed to opens it.
        opened = []
        for number in (known, known + 1):
            try:
                with Workbook.open(path, plan.passphrase(PASSPHRASE, number), auto_backup=False) as wb:
                    assert wb.integrity_problems() == []
                    assert dump(wb) == expected
                    opened.append(number)
            except WrongPassphrase:
                pass
        assert len(opened) == 1, f"passphrases {known}, {known + 1} opened: {opened}"
        known = opened[0]
    return changes


def test_killed_passphrase_change_leaves_one_working_passphrase(
    tmp_path: Path, server_for, seed: int
) -> None:
    path = tmp_path / "rekey.opcc"
    changes = rekey_many_times(path, server_for(path), random.Random(seed), 4)
    assert changes > 0  # the fourth kill waits for a change to be reported
    print(f"{changes} passphrase changes reported")


@pytest.mark.slow
def test_killed_passphrase_change_leaves_one_working_passphrase_often(
    tmp_path: Path, server_for, seed: int
) -> None:
    path = tmp_path / "rekey.opcc"
    changes = rekey_many_times(path, server_for(path), random.Random(seed), 25)
    assert changes > 0
    print(f"{changes} passphrase changes reported")


@pytest.mark.parametrize("kills", [pytest.param(4), pytest.param(16, marks=pytest.mark.slow)])
def test_killed_create_leaves_nothing_or_a_clearly_named_file(
    tmp_path: Path, server_for, seed: int, kills: int
) -> None:
    rng = random.Random(seed)
    server = server_for(tmp_path / "unused.opcc")
    outcomes: dict[str, int] = {}
    for number in range(kills):
        path = tmp_path / f"new-{number}.opcc"
        session = server.run_and_kill(f"create {path}", rng, ready=None, delay=0.25)
        if not path.exists():
            outcome = "absent"
        else:
            try:
                with Workbook.open(path, PASSPHRASE, auto_backup=False) as wb:
                    assert wb.integrity_problems() == []
                    assert wb.scalar("SELECT count(*) FROM edits") == 0
                outcome = "whole"
            except NotAWorkbook as exc:  # empty, or nothing saved in it yet
                assert not session.created
                assert "empty" in str(exc) or "unfinished" in str(exc)
                outcome = "unfinished"
        if session.created:
            assert outcome == "whole"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    print(outcomes)
