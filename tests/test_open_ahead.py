"""Opening a workbook on a second thread while a command loads its modules
(``commands.ahead``): what the thread raises reaches the command, the workbook is always
closed, and an export through it is the same file as one without it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE

from opcc_desktop.commands.ahead import OpenAhead
from opcc_desktop.documents.export import export_report
from opcc_desktop.documents.release import Release
from opcc_desktop.errors import OpccError, WrongPassphrase
from opcc_desktop.store import cipher
from opcc_desktop.store.workbook import Workbook
from ui.cli import main


def test_jobs_run_in_order_on_the_second_thread_before_the_workbook_is_handed_over(demo_path: Path) -> None:
    seen: list[tuple[str, str]] = []
    with OpenAhead(demo_path, DEMO_PASSPHRASE, readonly=True) as ahead:
        ahead.then(lambda wb: seen.append(("first", threading.current_thread().name)))
        ahead.then(lambda wb: seen.append(("second", threading.current_thread().name)))
        wb = ahead.workbook()
        assert seen == [("first", "open-ahead"), ("second", "open-ahead")]
        assert wb.readonly and cipher.is_open_here(demo_path)
    assert not cipher.is_open_here(demo_path)


def test_a_wrong_passphrase_is_raised_by_workbook(demo_path: Path) -> None:
    with OpenAhead(demo_path, "not the passphrase", readonly=True) as ahead:
        ahead.then(lambda wb: pytest.fail("a job ran without a workbook"))
        with pytest.raises(WrongPassphrase):
            ahead.workbook()
    assert not cipher.is_open_here(demo_path)


def test_a_failing_job_is_raised_by_workbook_and_the_workbook_still_closed(demo_path: Path) -> None:
    def refuse(wb: Workbook) -> None:
        raise OpccError("refused on the second thread")

    with OpenAhead(demo_path, DEMO_PASSPHRASE, readonly=True) as ahead:
        ahead.then(refuse)
        with pytest.raises(OpccError, match="refused on the second thread"):
            ahead.workbook()
    assert not cipher.is_open_here(demo_path)


def test_the_block_failing_before_the_handover_closes_the_workbook(demo_path: Path) -> None:
    with pytest.raises(RuntimeError, match="the command failed"):
        with OpenAhead(demo_path, DEMO_PASSPHRASE, readonly=True):
            raise RuntimeError("the command failed")
    assert not cipher.is_open_here(demo_path)


def test_the_cli_export_is_the_same_file_as_an_export_without_the_second_thread(demo_path: Path,
                                                                               tmp_path: Path) -> None:  # fmt: skip
    ahead = tmp_path / "ahead.pdf"
    done = CliRunner().invoke(main, ["report", str(demo_path), "--report", "annual-equality", "--year",
                                     "2021/22", "--published", "2022-07-14", "-o", str(ahead)],
                              env={"OPCC_PASSPHRASE": DEMO_PASSPHRASE})  # fmt: skip
    assert done.exit_code == 0, done.output
    release = Release(published="14 July 2022", next_update="the 2022/23 edition, date to be announced")
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as wb:
        plain = export_report(wb, "annual-equality", "2021/22", None, tmp_path / "plain.pdf", release=release)
    assert ahead.read_bytes() == plain.read_bytes()


def test_the_cli_says_the_passphrase_is_wrong_and_a_year_not_held(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    wrong = CliRunner().invoke(main, ["report", str(demo_path), "--report", "annual-equality", "--year",
                                      "2021/22", "-o", str(out)], env={"OPCC_PASSPHRASE": "wrong"})  # fmt: skip
    assert wrong.exit_code == 1 and wrong.output.startswith("Error: The passphrase is not correct")
    missing = CliRunner().invoke(main, ["report", str(demo_path), "--report", "annual-equality", "--year",
                                        "1999/00", "-o", str(out)], env={"OPCC_PASSPHRASE": DEMO_PASSPHRASE})  # fmt: skip
    assert missing.exit_code == 1 and "holds no figures or text for 1999/00" in missing.output
    assert not out.exists()
