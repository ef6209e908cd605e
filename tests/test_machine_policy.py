"""The machine policy (store/policy.py): IT's settings for every user of a computer, from a real
policy file (and registry values, given as the plain mapping the ui layer reads on Windows).
Each key is honoured, neither a user's nor a workbook's setting loosens it, and a wrong policy
is reported, naming the file, the key and the fix, while its key is read at its strictest."""

from __future__ import annotations

import io
import sys
import textwrap
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from click.testing import CliRunner
from conftest import PASSPHRASE

from opcc_desktop.areas import schemes
from opcc_desktop.areas.settings import set_setting
from opcc_desktop.commands import demo
from opcc_desktop.commands.cli import main
from opcc_desktop.errors import ImportRefused, PolicyError, ValidationError
from opcc_desktop.exchange.export import export_data
from opcc_desktop.exchange.load import import_exchange
from opcc_desktop.exchange.sources import read
from opcc_desktop.store import backups, paths, policy
from opcc_desktop.store.policy import MachinePolicy, machine_policy
from opcc_desktop.store.workbook import Workbook

YEAR = "2021/22"
REGISTRY = policy.REGISTRY_KEY


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch):
    """The policy key's values, as winreg would give them on Windows; the policy then in force."""

    def with_values(values: dict[str, object]) -> MachinePolicy:
        monkeypatch.setattr(policy, "registry_values", lambda: values)
        return machine_policy()

    return with_values
ENV = {"OPCC_PASSPHRASE": PASSPHRASE}


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(main, [*args], env=ENV)


# -- reading the policy -----------------------------------------------------------------------


def test_without_a_policy_nothing_is_fixed() -> None:
    assert machine_policy() == MachinePolicy()


def test_the_file_sets_every_key(machine_policy_file: Path, tmp_path: Path) -> None:
    write(machine_policy_file, f"""\
        data_folder = '{tmp_path / "it"}'
        backups_kept = 3
        max_lock_minutes = 10
        offer_demo = false
        disclosure_threshold_floor = 10
        """)
    found = machine_policy()
    assert (found.data_folder, found.backups_kept, found.max_lock_minutes) == (tmp_path / "it", 3, 10)
    assert not found.offer_demo and found.disclosure_threshold_floor == 10
    assert not found.problems and not found.wrong
    assert found.set_by("offer_demo") == f"your IT team (offer_demo in {machine_policy_file})"


def test_a_changed_file_is_read_again(machine_policy_file: Path) -> None:
    write(machine_policy_file, "max_lock_minutes = 5\n")
    assert machine_policy().max_lock_minutes == 5
    write(machine_policy_file, "max_lock_minutes = 3\n")  # the same size, perhaps the same time
    assert machine_policy().max_lock_minutes == 3


def test_a_file_notepad_began_with_a_byte_order_mark_is_read(machine_policy_file: Path) -> None:
    machine_policy_file.write_bytes(b"\xef\xbb\xbfoffer_demo = false\r\n")
    assert machine_policy() == MachinePolicy(offer_demo=False, where={"offer_demo": str(machine_policy_file)})


def test_the_registry_wins_key_by_key(machine_policy_file: Path, registry) -> None:
    write(machine_policy_file, "max_lock_minutes = 10\ndisclosure_threshold_floor = 8\n")
    found = registry({"Max_Lock_Minutes": 3, "offer_demo": 0})  # names in any case
    assert (found.max_lock_minutes, found.offer_demo, found.disclosure_threshold_floor) == (3, False, 8)
    assert found.where == {"max_lock_minutes": REGISTRY, "offer_demo": REGISTRY,
                           "disclosure_threshold_floor": str(machine_policy_file)}  # fmt: skip
    assert registry({}).max_lock_minutes == 10


def test_a_wrong_registry_value_is_strict_even_over_a_good_file(machine_policy_file: Path, registry) -> None:
    write(machine_policy_file, "max_lock_minutes = 10\n")
    found = registry({"max_lock_minutes": "15"})  # a REG_SZ, not a REG_DWORD
    assert found.max_lock_minutes == 1
    assert found.problems == (f'{REGISTRY}: the value max_lock_minutes is text "15", not a whole number. Make it '
                              "a whole number from 1 to 240: a REG_DWORD value such as 5. Until it is fixed, "
                              "workbooks lock after 1 idle minute.",)  # fmt: skip


def test_a_good_registry_value_decides_over_a_wrong_file_which_is_still_reported(machine_policy_file: Path, registry) -> None:
    write(machine_policy_file, "offer_demo = 'no'\n")
    found = registry({"offer_demo": 1})
    assert found.offer_demo and not found.wrong
    assert found.problems == (f'{machine_policy_file}: offer_demo is text "no", not true or false. Make it true '
                              "or false, written as offer_demo = false. Until it is fixed, the demo is not offered.",)  # fmt: skip


# -- a wrong policy ----------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "message", "reading"), [
    ("max_lock_minutes = '15'", 'max_lock_minutes is text "15", not a whole number. Make it a whole number from '
     "1 to 240, written as max_lock_minutes = 5. Until it is fixed, workbooks lock after 1 idle minute.",
     {"max_lock_minutes": 1}),
    ("max_lock_minutes = 500", "max_lock_minutes is 500, outside 1 to 240.", {"max_lock_minutes": 1}),
    ("max_lock_minutes = true", "max_lock_minutes is true, not a whole number.", {"max_lock_minutes": 1}),
    ("backups_kept = 0", "backups_kept is 0, outside 1 to 100. Make it a whole number from 1 to 100, written as "
     "backups_kept = 10. Until it is fixed, each workbook's own setting applies", {"backups_kept": None}),
    ("offer_demo = 'no'", 'offer_demo is text "no", not true or false.', {"offer_demo": False}),
    ("disclosure_threshold_floor = 7.5", "disclosure_threshold_floor is the number 7.5, not a whole number. Make "
     "it a whole number from 0 to 100, written as disclosure_threshold_floor = 10. Until it is fixed, public "
     "documents hide every count of people below 100.", {"disclosure_threshold_floor": 100}),
    ("data_folder = 'relative/folder'", 'data_folder ("relative/folder") is not a full path. Make it the full '
     "path of a folder, written as data_folder = 'D:\\OPCC\\%USERNAME%'", {"data_folder": None}),
    ("data_folder = '/srv/$OPCC_UNSET_FOR_TEST/data'", 'data_folder ("/srv/$OPCC_UNSET_FOR_TEST/data") names '
     "the environment variable $OPCC_UNSET_FOR_TEST, which is not set.", {"data_folder": None}),
])  # fmt: skip
def test_a_wrong_value_names_the_file_key_and_fix_and_is_read_strictly(
    machine_policy_file: Path, line: str, message: str, reading: dict
) -> None:
    write(machine_policy_file, line + "\nmax_lock_minutes = 30\n" * ("max_lock" not in line))
    found = machine_policy()
    assert len(found.problems) == 1 and found.problems[0].startswith(f"{machine_policy_file}: {message}")
    assert {key: getattr(found, key) for key in reading} == reading
    assert set(found.wrong) == set(reading)


def test_an_unknown_key_is_reported_with_the_likely_one(registry) -> None:
    found = registry({"max_lock_minute": 5})
    assert found.problems == (f"{REGISTRY}: the value max_lock_minute is not a machine policy setting (did you "
                              "mean max_lock_minutes?), so it does nothing. Correct or remove it; the settings are "
                              "data_folder, backups_kept, max_lock_minutes, offer_demo, disclosure_threshold_floor.",)  # fmt: skip
    assert found.max_lock_minutes is None


@pytest.mark.parametrize("broken", ["syntax", "folder"])
def test_a_file_that_cannot_be_read_leaves_every_key_at_its_strictest(machine_policy_file: Path, broken: str) -> None:
    if broken == "syntax":
        write(machine_policy_file, 'data_folder = "C:\\Users\\officer"\n')  # \U in double quotes: not TOML
    else:
        machine_policy_file.mkdir()
    found = machine_policy()
    assert found.problems[0].startswith(f"{machine_policy_file} could not be read as a policy file (")
    assert "Windows paths go in single quotes" in found.problems[0]
    assert (found.offer_demo, found.max_lock_minutes, found.disclosure_threshold_floor) == (False, 1, 100)
    with pytest.raises(PolicyError, match="could not be read as a policy file"):
        paths.user_data_dir()


def test_a_wrong_data_folder_stops_what_needs_it_with_the_fix(machine_policy_file: Path, workbook_path: Path) -> None:
    Workbook.create(workbook_path, PASSPHRASE).close()
    write(machine_policy_file, "data_folder = 'relative'\n")
    with pytest.raises(PolicyError, match=r"data_folder \(\"relative\"\) is not a full path"):
        Workbook.open(workbook_path, PASSPHRASE)  # editing keeps its backups there
    Workbook.open(workbook_path, PASSPHRASE, readonly=True).close()  # reading needs no data folder


def test_every_command_warns_of_a_wrong_policy(machine_policy_file: Path, workbook_path: Path) -> None:
    Workbook.create(workbook_path, PASSPHRASE).close()
    write(machine_policy_file, "max_lock_minutes = 0\n")
    result = run("check", str(workbook_path))
    assert result.exit_code == 0
    assert f"Warning: {machine_policy_file}: max_lock_minutes is 0, outside 1 to 240." in result.stderr


def test_the_policy_command_shows_what_is_fixed_and_where(machine_policy_file: Path) -> None:
    write(machine_policy_file, "offer_demo = false\nmax_lock_minutes = 0\n")
    result = run("policy")
    assert result.exit_code == 2  # something to fix, said on stderr
    assert result.stdout == (f"Policy file: {machine_policy_file}\n"
                             "  data_folder: not set\n  backups_kept: not set\n"
                             f"  max_lock_minutes: 1 (from {machine_policy_file}, its strictest reading until it is fixed)\n"
                             f"  offer_demo: false (from {machine_policy_file})\n"
                             "  disclosure_threshold_floor: not set\n")  # fmt: skip
    machine_policy_file.unlink()
    assert run("policy").stdout.startswith(f"Policy file: {machine_policy_file} (none)\n")


# -- each key honoured, and not loosened -----------------------------------------------------------------


def test_the_data_folder_holds_backups_and_the_demo_whatever_opcc_data_dir_says(
    machine_policy_file: Path, workbook_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPCC_TEST_OFFICER", "officer")
    write(machine_policy_file, f"data_folder = '{tmp_path}/it/$OPCC_TEST_OFFICER'\n")  # OPCC_DATA_DIR is set too
    folder = tmp_path / "it" / "officer"
    assert paths.user_data_dir() == folder and demo.demo_path().is_relative_to(folder)
    Workbook.create(workbook_path, PASSPHRASE).close()
    with Workbook.open(workbook_path, PASSPHRASE) as wb:
        set_setting(wb, "office_name", "An office")  # the first edit of an open is backed up
        assert wb.backup_folder.is_relative_to(folder / "backups")
        assert len(backups.backups_in(wb.backup_folder)) == 1


@pytest.mark.parametrize("own", [1, 20])
def test_the_policy_fixes_the_latest_backups_kept(machine_policy_file: Path, wb: Workbook, own: int) -> None:
    for key, value in (("backups.keep", own), ("backups.days", 0), ("backups.weeks", 0)):
        set_setting(wb, key, value)
    write(machine_policy_file, "backups_kept = 3\n")
    for _ in range(5):
        wb.backup_rotating("auto")
    assert len(backups.backups_in(wb.backup_folder, "auto")) == 3


def test_lock_minutes_may_be_fewer_but_never_more() -> None:
    capped = MachinePolicy(max_lock_minutes=10)
    assert (capped.lock_minutes(30), capped.lock_minutes(3), MachinePolicy().lock_minutes(30)) == (10, 3, 30)


def test_the_demo_command_refuses_when_it_turned_off(machine_policy_file: Path, tmp_path: Path) -> None:
    write(machine_policy_file, "offer_demo = false\n")
    result = run("demo", str(tmp_path / "demo.opcc"))
    assert result.exit_code == 1 and not (tmp_path / "demo.opcc").exists()
    assert (f"Error: The demo is turned off on this computer by your IT team (offer_demo in {machine_policy_file}). "
            "Open or create a workbook instead.") in result.stderr  # fmt: skip
    with pytest.raises(PolicyError, match="turned off"):
        demo.ensure_demo(demo.demo_path(), PASSPHRASE)
    assert not demo.demo_path().exists()


# -- the disclosure threshold floor --------------------------------------------------------


def test_a_threshold_below_the_floor_cannot_be_set(machine_policy_file: Path, wb: Workbook) -> None:
    write(machine_policy_file, "disclosure_threshold_floor = 10\n")
    with pytest.raises(ValidationError) as refused:
        set_setting(wb, "disclosure.threshold", 9)
    assert str(refused.value) == (
        "Cannot save setting: disclosure.threshold: 9 is below this computer's disclosure threshold floor of 10, "
        f"set by your IT team (disclosure_threshold_floor in {machine_policy_file}) (allowed: 10 to 100). "
        "Nothing was changed.")  # fmt: skip
    set_setting(wb, "disclosure.threshold", 12)


def test_an_imported_threshold_below_the_floor_is_refused(machine_policy_file: Path, wb: Workbook, tmp_path: Path) -> None:
    set_setting(wb, "disclosure.threshold", 3)
    export_data(wb, tmp_path / "data.xlsx")
    write(machine_policy_file, "disclosure_threshold_floor = 4\n")
    with Workbook.create(tmp_path / "other.opcc", PASSPHRASE) as other:
        with pytest.raises(ImportRefused) as refused:
            import_exchange(other, read(tmp_path / "data.xlsx"))
    [problem] = refused.value.problems
    assert (problem.sheet, problem.column, problem.value) == ("settings", "value", "3")
    assert "below this computer's disclosure threshold floor of 4" in problem.message


def _scheme_workbook(path: Path) -> Path:
    """A scheme of 97 people, 7 of them from an ethnic group other than White: above the
    workbook's threshold of 5, below a floor of 10."""
    with Workbook.create(path, PASSPHRASE) as wb:
        scheme = schemes.add_scheme(wb, {"name": "Youth Triage", "age_range": "10-17"}).rows[0].key["id"]
        for dimension, category, count in (("age", "10-13", 40), ("age", "14-17", 57),
                                           ("ethnicity", "White", 90), ("ethnicity", "Other", 7)):  # fmt: skip
            schemes.set_scheme_count(wb, scheme, YEAR, dimension, category, count, "All")
        schemes.set_scheme_measure(wb, scheme, YEAR, "referrals_accepted", 97)
    return path


def _exported_text(book: Path, out: Path) -> str:
    result = run("report", str(book), "--report", "annual-equality", "--year", YEAR, "--draft", "-o", str(out))
    assert result.exit_code == 0, result.output
    with pdfplumber.open(io.BytesIO(out.read_bytes())) as pdf:
        return " ".join(" ".join(page.extract_text() or "" for page in pdf.pages).split())


def test_public_documents_hide_counts_below_the_floor_whatever_the_workbook_says(
    machine_policy_file: Path, tmp_path: Path
) -> None:
    book = _scheme_workbook(tmp_path / "old.opcc")
    before = _exported_text(book, tmp_path / "before.pdf")
    assert "Ethnicity: Other 7.2%" in before and '"*" marks a count of fewer than 5 people' in before
    write(machine_policy_file, "disclosure_threshold_floor = 10\n")
    after = _exported_text(book, tmp_path / "after.pdf")
    assert "Ethnicity: Other *" in after and "7.2%" not in after
    assert '"*" marks a count of fewer than 10 people' in after  # the document states the policy it used


def test_preflight_and_check_say_the_floor_applies(machine_policy_file: Path, tmp_path: Path) -> None:
    book = _scheme_workbook(tmp_path / "old.opcc")
    write(machine_policy_file, "disclosure_threshold_floor = 10\n")
    said = (f"your IT team (disclosure_threshold_floor in {machine_policy_file}) set this computer's disclosure "
            "threshold floor to 10, above this workbook's threshold of 5: public documents exported here hide "
            "counts of people below 10")  # fmt: skip
    preflight = run("preflight", str(book), "--report", "annual-equality", "--year", YEAR)
    assert f"  - Disclosure: {said}\n" in preflight.stderr
    check = run("check", str(book))
    assert check.exit_code == 0 and f"Note: {said}\n" in check.stdout  # the file itself is sound


def test_a_wrong_floor_hides_everything_below_100_and_preflight_says_why(machine_policy_file: Path, tmp_path: Path) -> None:
    book = _scheme_workbook(tmp_path / "old.opcc")
    write(machine_policy_file, "disclosure_threshold_floor = -1\n")
    preflight = run("preflight", str(book), "--report", "annual-equality", "--year", YEAR)
    assert preflight.stderr.startswith(f"Warning: {machine_policy_file}: disclosure_threshold_floor is -1, outside "
                                       "0 to 100. Make it a whole number from 0 to 100")  # fmt: skip
    assert (f"Disclosure: your IT team (disclosure_threshold_floor in {machine_policy_file}, wrong, so read at its "
            "strictest until it is fixed) set this computer's disclosure threshold floor to 100") in preflight.stderr  # fmt: skip


def test_exported_data_keeps_the_workbooks_own_threshold(machine_policy_file: Path, wb: Workbook, tmp_path: Path) -> None:
    """The floor is this computer's: the file and its exchange export keep the office's setting."""
    set_setting(wb, "disclosure.threshold", 6)
    write(machine_policy_file, "disclosure_threshold_floor = 10\n")
    export_data(wb, tmp_path / "data.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "data.xlsx")["settings"].values)
    assert ("disclosure.threshold", "6") in [tuple(row[:2]) for row in rows]


def test_the_variable_naming_a_policy_file_cannot_escape_the_machines(tmp_path, monkeypatch) -> None:
    """OPCC_POLICY_FILE is for a computer with no policy of its own: where the machine has one,
    it is read whatever the variable says."""
    machine = tmp_path / "site" / "OPCC Desktop" / "policy.toml"
    machine.parent.mkdir(parents=True)
    monkeypatch.setattr(policy.platformdirs, "site_config_dir", lambda *_: str(machine.parent))
    escape = tmp_path / "mine.toml"
    escape.write_text("max_lock_minutes = 240\n")
    monkeypatch.setenv(policy.POLICY_ENV, str(escape))
    assert policy.policy_file() == escape  # no machine policy: the variable's file
    machine.write_text("max_lock_minutes = 5\n")
    assert policy.policy_file() == machine and policy.machine_policy().max_lock_minutes == 5


def test_a_less_than_symbol_names_the_threshold_the_document_used(machine_policy_file: Path, tmp_path: Path) -> None:
    """A workbook printing hidden counts as "<5" must not tell readers a count is under 5 when
    this computer's floor hid it for being under 10."""
    book = _scheme_workbook(tmp_path / "old.opcc")
    with Workbook.open(book, PASSPHRASE) as wb:
        set_setting(wb, "disclosure.symbol", "<5")
    write(machine_policy_file, "disclosure_threshold_floor = 10\n")
    text = _exported_text(book, tmp_path / "after.pdf")
    assert "Ethnicity: Other <10" in text and "<5" not in text


def test_without_windows_there_is_no_registry_and_only_the_file_applies(machine_policy_file: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("Windows has a registry")
    write(machine_policy_file, "max_lock_minutes = 10\n")
    assert policy.registry_values() == {}
    assert machine_policy().where == {"max_lock_minutes": str(machine_policy_file)}
