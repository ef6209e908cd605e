"""Shared fixtures: real encrypted workbooks in a temporary folder, backups kept out of the
user's profile."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from opcc_desktop.areas import narrative
from opcc_desktop.store.workbook import Workbook

pytest_plugins = ["ui_support"]  # the tab tests' fixtures: context, demo, failures

PASSPHRASE = "correct horse battery staple"
DEMO_PASSPHRASE = "demo workbook for the tests"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # UI tests run without a display


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Backups and other per-user files go to a temporary folder, never the real profile."""
    folder = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("OPCC_DATA_DIR", str(folder))
    monkeypatch.delenv("OPCC_PASSPHRASE", raising=False)
    monkeypatch.delenv("OPCC_NEW_PASSPHRASE", raising=False)
    return folder


@pytest.fixture(autouse=True)
def machine_policy_file(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No machine policy (not the computer's own) unless a test writes this file."""
    path = tmp_path_factory.mktemp("policy") / "policy.toml"
    monkeypatch.setenv("OPCC_POLICY_FILE", str(path))
    return path


@pytest.fixture
def empty_tmpdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$TMPDIR (and Python's tempfile) pointed at an empty folder, to see what lands there."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workbook, built once per run. Open it read-only; copy it to change it."""
    from opcc_desktop.commands.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.opcc"
    build_demo(path, DEMO_PASSPHRASE)
    return path


@pytest.fixture
def workbook_path(tmp_path: Path) -> Path:
    return tmp_path / "office.opcc"


@pytest.fixture
def wb(workbook_path: Path):
    """A fresh, empty, encrypted workbook, open for editing."""
    book = Workbook.create(workbook_path, PASSPHRASE)
    yield book
    book.close()


def dump(book: Workbook) -> dict[str, list[tuple]]:
    """Every data table's rows (not the history), for comparing whole states."""
    from opcc_desktop.store.schema import DATA_TABLES

    return {t: book.conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in DATA_TABLES}


@pytest.fixture(scope="session")
def begun(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A year (2021/22) an officer has only begun: an introduction for the annual report and
    each quarter's update, nothing else (the documents' export matrix and tagging tests)."""
    path = tmp_path_factory.mktemp("begun") / "begun.opcc"
    with Workbook.create(path, DEMO_PASSPHRASE) as wb:
        narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction", "This year's report.", 0)
        for quarter in (1, 2, 3, 4):
            narrative.set_narrative(wb, "performance-update", "2021/22", "introduction", "This quarter.", quarter)
    return path
