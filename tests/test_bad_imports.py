"""Every malformed file in tests/data/bad/ is refused with the problem its manifest names, and
leaves the workbook exactly as it was; the control files there import. The folder is made by
tests/data/make_bad_files.py, which must reproduce it byte for byte."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import PASSPHRASE, dump

from opcc_desktop.errors import ImportProblem, ImportRefused
from opcc_desktop.exchange.export import exchange_tables
from opcc_desktop.exchange.importing import import_file
from opcc_desktop.store.workbook import Workbook

DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
SCRIPT = DATA / "make_bad_files.py"
MANIFEST: dict[str, dict[str, Any]] = json.loads((BAD / "manifest.json").read_text(encoding="utf-8"))
REFUSED = sorted(name for name, entry in MANIFEST.items() if entry["expect"] is not None)
CONTROLS = sorted(name for name, entry in MANIFEST.items() if entry["expect"] is None)


def cases(names: list[str]) -> list[Any]:
    """The names as parameters, those showing a known bug marked as expected to fail."""
    return [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=MANIFEST[name]["xfail"]))
            if "xfail" in MANIFEST[name] else name for name in names]  # fmt: skip


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed workbook holding the control file good.xlsx, so a refusal that wrote anything
    (emptied an area, say) would show."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.opcc"
    with Workbook.create(path, PASSPHRASE) as book:
        import_file(book, BAD / "good.xlsx")
    return path


@pytest.fixture
def office(seeded: Path, workbook_path: Path) -> Path:
    shutil.copy(seeded, workbook_path)
    return workbook_path


def state(book: Workbook) -> tuple[Any, ...]:
    edits = book.scalar("SELECT count(*) FROM edits")
    return exchange_tables(book), dump(book), edits


def refusal(path: Path, name: str) -> ImportRefused:
    """Import ``name`` into the workbook at ``path``: it must be refused and change nothing,
    in the data or in the file's bytes."""
    before = path.read_bytes()
    with Workbook.open(path, PASSPHRASE, auto_backup=False) as book:
        data = state(book)
        with pytest.raises(ImportRefused) as refused:
            import_file(book, BAD / name, kind=MANIFEST[name]["kind"])
        assert state(book) == data
    assert path.read_bytes() == before
    return refused.value


def listed(refused: ImportRefused, sheet: str, row: int | None, column: str, message: str) -> bool:
    where = (sheet, row, column)
    return any((p.sheet, p.row, p.column) == where and message in str(p) for p in refused.problems)


@pytest.mark.parametrize("name", cases(REFUSED))
def test_a_bad_file_is_refused_and_changes_nothing(office: Path, name: str) -> None:
    entry = MANIFEST[name]
    refused = refusal(office, name)
    assert entry["expect"] in str(refused)
    assert "Nothing was changed" in str(refused)
    if "where" in entry:
        assert listed(refused, **entry["where"], message=entry["expect"]), _shown(refused.problems)
    if "problems" in entry:
        assert_exactly(refused, entry["problems"])


@pytest.mark.parametrize("name", cases(CONTROLS))
def test_a_control_file_imports_and_again_changes_nothing(office: Path, name: str) -> None:
    entry = MANIFEST[name]
    with Workbook.open(office, PASSPHRASE, auto_backup=False) as book:
        assert import_file(book, BAD / name, kind=entry["kind"]).kind == "exchange"
        tables = exchange_tables(book)
        assert not import_file(book, BAD / name, kind=entry["kind"]).changed
    if "stores" in entry:
        wanted = entry["stores"]
        assert [row[wanted["column"]] for row in tables[wanted["sheet"]]] == wanted["values"]


def assert_exactly(refused: ImportRefused, expected: list[dict[str, Any]]) -> None:
    """Every expected problem is listed, and nothing else (no problem reported twice)."""
    for problem in expected:
        assert listed(refused, **problem), f"{problem} not in {_shown(refused.problems)}"
    assert len(refused.problems) == len(expected), _shown(refused.problems)


def test_every_problem_of_a_file_is_listed_at_once(office: Path) -> None:
    name, entry = max(MANIFEST.items(), key=lambda item: len(item[1].get("problems", [])))
    assert len(entry["problems"]) >= 5 and len({p["sheet"] for p in entry["problems"]}) >= 4
    assert_exactly(refusal(office, name), entry["problems"])


def test_the_manifest_names_every_file_and_enough_bad_ones() -> None:
    assert len(REFUSED) >= 50 and CONTROLS
    for name in MANIFEST:
        assert (BAD / name).exists(), name
    on_disk = {p.relative_to(BAD).as_posix() for p in BAD.rglob("*") if p.is_file()}
    covered = {f for f in on_disk if any(f == n or f.startswith(f"{n}/") for n in MANIFEST)}
    assert on_disk - covered == {"manifest.json"}
    assert sum(p.stat().st_size for p in BAD.rglob("*") if p.is_file()) < 2.5 * 1024 * 1024


def test_the_script_regenerates_the_folder_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "bad"
    subprocess.run([sys.executable, str(SCRIPT), str(out)], check=True, capture_output=True)
    files = {p.relative_to(out).as_posix(): p for p in out.rglob("*") if p.is_file()}
    committed = {p.relative_to(BAD).as_posix(): p for p in BAD.rglob("*") if p.is_file()}
    assert sorted(files) == sorted(committed)
    differ = [name for name, path in files.items() if path.read_bytes() != committed[name].read_bytes()]
    assert not differ, f"run {SCRIPT.name} again: these differ from what it writes: {differ}"


def _shown(problems: list[ImportProblem]) -> str:
    return "\n".join(f"{(p.sheet, p.row, p.column)}: {str(p)[:200]}" for p in problems)
