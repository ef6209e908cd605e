"""The release build, checked from what it made (``python build_installer.py`` first; CI runs
both): the wheelhouse complete against its locks and installable offline, the frozen bundle
doing what the source does (same PDF bytes, the window with its charts), and the MSI's tables
read back with msiinfo.

Marked ``release`` and left out of the normal run (pyproject's addopts): ``pytest -m release
tests/installer``. The bundle on this machine stands in for the Windows one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the release package sits beside the app, not in its wheel

from release import APP_NAME, Layout, Project, Runner, folder_size, msi, python_in, signing, smoke, wheelhouse
from release.bundle import SIZE_LIMIT_MB, executables

pytestmark = pytest.mark.release
LAYOUT = Layout(Path(os.environ.get("OPCC_RELEASE_DIST", ROOT / "dist")), ROOT / "build" / "release")
PROJECT = Project.read()
DEMO_PASSPHRASE = "opcc-demo"
REPORT = ["--report", "annual-equality", "--year", "2021/22", "--published", "2022-07-14"]  # a fixed cover date


@pytest.fixture(autouse=True)
def chosen_on_purpose(request: pytest.FixtureRequest) -> None:
    """Run only when asked for by marker (-m release): a run that replaced the default
    ``-m 'not release'`` with its own, such as ``-m 'not slow'``, skips these."""
    expression = request.config.option.markexpr or ""
    if "release" not in expression or "not release" in expression:
        pytest.skip("the release build's checks run with -m release, after python build_installer.py")


@pytest.fixture(scope="module")
def user(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The app's per-user folders in a temporary place, never the real profile."""
    home = tmp_path_factory.mktemp("user")
    return {"OPCC_DATA_DIR": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
            "OPCC_PASSPHRASE": DEMO_PASSPHRASE}  # fmt: skip


def run(command: list[str | Path], env: dict[str, str], **options) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(word) for word in command], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=300, check=False, **options)  # fmt: skip
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done


def built(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing: run python build_installer.py first")
    return path


# --- the wheelhouse -----------------------------------------------------------------------------


def test_every_platform_has_a_complete_lock() -> None:
    house = built(LAYOUT.wheelhouse)
    assert wheelhouse.check(house, PROJECT) == []
    names = {target.name for target in wheelhouse.targets()}
    assert {"win_amd64-cp311", "win_amd64-cp312", "win_amd64-cp313", wheelhouse.this_machine().name} <= names
    for target in wheelhouse.targets():
        locked = wheelhouse.read_lock(house / target.lock)
        assert {"opcc-desktop", "pyside6-essentials", "sqlcipher3", "numpy"} <= locked.keys()


@pytest.mark.parametrize("python", wheelhouse.WINDOWS_PYTHONS)
def test_pip_installs_each_windows_lock_from_the_wheelhouse_alone(python: str, tmp_path: Path) -> None:
    """pip itself resolves the lock, hashes required, with no index, for Windows x64."""
    target = next(t for t in wheelhouse.targets() if t.platform and t.python == python)
    report = tmp_path / "report.json"
    run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet", "--report", report,
         "--require-hashes", "--no-index", "--find-links", built(LAYOUT.wheelhouse), "-r",
         LAYOUT.wheelhouse / target.lock, "--only-binary=:all:", *target.pip_options, "--target", tmp_path / "t"],
        {})  # fmt: skip
    installed = {canonicalize_name(item["metadata"]["name"]) for item in json.loads(report.read_text())["install"]}
    assert installed == set(wheelhouse.read_lock(LAYOUT.wheelhouse / target.lock))


def test_a_windows_only_dependency_is_locked_for_windows_alone(tmp_path: Path) -> None:
    """Markers are evaluated for the lock's platform, not the machine building it."""

    def wheel(name: str, version: str, *requires: str) -> None:
        metadata = "".join(f"Requires-Dist: {r}\n" for r in requires)
        with zipfile.ZipFile(tmp_path / f"{name}-{version}-py3-none-any.whl", "w") as archive:
            archive.writestr(f"{name}-{version}.dist-info/METADATA", f"Name: {name}\nVersion: {version}\n{metadata}")

    wheel("app", "1.0", "tool==2.0", 'winonly; sys_platform == "win32"', 'old; python_version < "3.12"')
    for name in ("tool", "winonly", "old"):
        wheel(name, "2.0")
    wheels = wheelhouse.wheels_in(tmp_path)
    windows = {t.python: t for t in wheelhouse.targets() if t.platform}
    assert set(wheelhouse.close(windows["3.11"], ["app==1.0"], wheels)[0]) == {"app", "tool", "winonly", "old"}
    assert set(wheelhouse.close(windows["3.13"], ["app==1.0"], wheels)[0]) == {"app", "tool", "winonly"}
    here = {"app", "tool"} | ({"winonly"} if sys.platform == "win32" else set()) | (
        {"old"} if sys.version_info < (3, 12) else set())  # fmt: skip
    assert set(wheelhouse.close(wheelhouse.this_machine(), ["app==1.0"], wheels)[0]) == here
    assert wheelhouse.close(windows["3.13"], ["app==1.0", "missing>=1"], wheels)[1] == ["missing>=1"]


def test_a_fresh_environment_installs_the_app_offline_and_it_works(tmp_path: Path, user: dict[str, str]) -> None:
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    lock = built(LAYOUT.wheelhouse) / wheelhouse.this_machine().lock
    run([python_in(environment), "-m", "pip", "install", "--quiet", "--require-hashes", "--no-index",
         "--find-links", LAYOUT.wheelhouse, "-r", lock], {})  # fmt: skip
    command = environment / ("Scripts/opcc-desktop.exe" if sys.platform == "win32" else "bin/opcc-desktop")
    assert "Commands:" in run([command, "--help"], user).stdout
    run([command, "demo", tmp_path / "demo.opcc"], user)
    assert "Data rules: ok" in run([command, "check", tmp_path / "demo.opcc"], user).stdout
    run([command, "report", tmp_path / "demo.opcc", *REPORT, "-o", tmp_path / "installed.pdf"], user)
    run([sys.executable, "-m", "ui.cli", "report", tmp_path / "demo.opcc", *REPORT, "-o", tmp_path / "source.pdf"],
        user, cwd=ROOT)  # fmt: skip
    assert (tmp_path / "installed.pdf").read_bytes() == (tmp_path / "source.pdf").read_bytes()


# --- the frozen bundle ----------------------------------------------------------------------------


def test_the_bundle_is_one_folder_within_the_size_goal() -> None:
    bundle = built(LAYOUT.bundle)
    window, command = executables(bundle)
    assert window.is_file() and command.is_file() and (bundle / "_internal").is_dir()
    assert (bundle / "_internal" / "resources" / "fonts" / "LiberationSans-Regular.ttf").is_file()
    assert (bundle / "_internal" / "docs" / "guide" / "index.md").is_file()
    assert folder_size(bundle) <= SIZE_LIMIT_MB * 1e6


def test_the_frozen_commands_make_the_same_pdf_as_the_source(tmp_path: Path, user: dict[str, str]) -> None:
    _, command = executables(built(LAYOUT.bundle))
    assert "Commands:" in run([command, "--help"], user).stdout
    assert PROJECT.version in run([command, "--version"], user).stdout
    run([command, "demo", tmp_path / "demo.opcc"], user)
    assert "Data rules: ok" in run([command, "check", tmp_path / "demo.opcc"], user).stdout
    run([command, "report", tmp_path / "demo.opcc", *REPORT, "-o", tmp_path / "frozen.pdf"], user)
    run([sys.executable, "-m", "ui.cli", "report", tmp_path / "demo.opcc", *REPORT, "-o", tmp_path / "source.pdf"],
        user, cwd=ROOT)  # fmt: skip
    frozen, source = (tmp_path / "frozen.pdf").read_bytes(), (tmp_path / "source.pdf").read_bytes()
    assert frozen.startswith(b"%PDF") and frozen == source


def test_the_frozen_window_opens_offscreen_and_draws_its_charts(user: dict[str, str]) -> None:
    window, _ = executables(built(LAYOUT.bundle))
    opened = smoke.open_window([str(window)], user, chart=True)
    assert opened.problems() == []
    assert opened.window is not None, "\n".join(opened.output)
    assert opened.chart is not None, "no chart was drawn (pyqtgraph or numpy missing from the bundle?)"


# --- the MSI ----------------------------------------------------------------------------------------


def table(name: str) -> list[dict[str, str]]:
    """An MSI table's rows, read back with msiinfo (header, types, key row, then rows)."""
    package = built(LAYOUT.dist / msi.msi_name(PROJECT))
    lines = run(["msiinfo", "export", package, name], {}).stdout.splitlines()
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"), strict=False)) for line in lines[3:]]


def test_the_msi_installs_per_machine_with_a_stable_upgrade_code() -> None:
    properties = {row["Property"]: row["Value"] for row in table("Property")}
    assert properties["ALLUSERS"] == "1"
    assert properties["UpgradeCode"] == "{" + msi.UPGRADE_CODE + "}"
    assert properties["ProductVersion"] == PROJECT.version and properties["ProductName"] == APP_NAME
    assert {row["ActionProperty"] for row in table("Upgrade")} == {"WIX_UPGRADE_DETECTED", "WIX_DOWNGRADE_DETECTED"}
    directories = {row["Directory"]: row for row in table("Directory")}
    assert directories["INSTALLDIR"]["Directory_Parent"] == "ProgramFiles64Folder"
    assert all(int(row["Attributes"]) & 256 for row in table("Component")), "every component 64-bit"


def test_the_msi_has_its_shortcut_file_type_and_no_custom_action() -> None:
    (shortcut,) = table("Shortcut")
    assert shortcut["Directory_"] == "ProgramMenuFolder" and shortcut["Name"] == APP_NAME
    assert shortcut["Target"] == f"[#{msi.GUI_ID}]" and shortcut["Arguments"] == "gui"
    registry = {(row["Key"], row["Name"]): row for row in table("Registry")}
    assert all(row["Root"] == "2" for row in registry.values()), "HKLM only"
    assert registry[(r"Software\Classes\.opcc", "")]["Value"] == msi.PROG_ID
    command = registry[(r"Software\Classes\OPCC.Workbook\shell\open\command", "")]
    assert command["Value"] == f'"[#{msi.GUI_ID}]" gui "%1"'
    assert registry[(r"Software\Classes\OPCC.Workbook\DefaultIcon", "")]["Value"] == f"[#{msi.ICON_FILE_ID}]"
    assert table("CustomAction") == []


def test_the_msi_holds_every_file_of_the_bundle() -> None:
    files = [p for p in built(LAYOUT.bundle).rglob("*") if p.is_file() and not p.is_symlink()]
    rows = table("File")
    assert len(rows) == len(files)
    assert sum(int(row["FileSize"]) for row in rows) == sum(p.stat().st_size for p in files)


def test_the_wix5_source_describes_the_same_package() -> None:
    """The WiX 4-syntax source (built by WiX 5 on Windows) comes from the same model."""
    three = ET.parse(built(LAYOUT.work / "opcc-desktop.wxs")).getroot()
    four = ET.parse(built(LAYOUT.work / "opcc-desktop.v4.wxs")).getroot()
    (package,) = four.findall(f"{{{msi.WIX4}}}Package")
    assert package.get("Scope") == "perMachine" and package.get("UpgradeCode") == msi.UPGRADE_CODE
    assert len(four.findall(f".//{{{msi.WIX4}}}File")) == len(three.findall(f".//{{{msi.WIX3}}}File"))
    assert len(four.findall(f".//{{{msi.WIX4}}}RegistryValue")) == len(three.findall(f".//{{{msi.WIX3}}}RegistryValue"))
    assert not four.findall(f".//{{{msi.WIX4}}}CustomAction") and not three.findall(f".//{{{msi.WIX3}}}CustomAction")


def test_the_sign_command_signs_the_msi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OPCC_SIGN_COMMAND, here osslsigncode with a throwaway certificate, signs in place."""
    if not (shutil.which("osslsigncode") and shutil.which("openssl")):
        pytest.skip("osslsigncode and openssl are needed (.ci/run installs them)")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=OPCC test",
         "-keyout", key, "-out", cert], {})  # fmt: skip
    package = tmp_path / "copy.msi"
    shutil.copy(built(LAYOUT.dist / msi.msi_name(PROJECT)), package)
    sign = f"osslsigncode sign -certs {cert} -key {key} -h sha256 -in {{file}} -out {{out}}"
    monkeypatch.setenv(signing.SIGN_ENV, sign)
    signing.sign(package, Runner())
    verified = subprocess.run(["osslsigncode", "verify", "-CAfile", str(cert), "-in", str(package)],
                              capture_output=True, text=True, check=False)  # fmt: skip
    assert "Signature verification: ok" in verified.stdout, verified.stdout + verified.stderr


# --- the build script -------------------------------------------------------------------------------


def test_the_dry_run_prints_every_step_and_builds_nothing(tmp_path: Path) -> None:
    done = run([sys.executable, ROOT / "build_installer.py", "--dry-run", "--dist", tmp_path / "dist",
                "--work", tmp_path / "work"], {})  # fmt: skip
    for python in wheelhouse.WINDOWS_PYTHONS:
        assert f"--platform win_amd64 --python-version {python} --implementation cp" in done.stdout
    assert "pip wheel --quiet --no-deps" in done.stdout and "-m PyInstaller" in done.stdout
    assert "wixl --arch x64" in done.stdout or "wix build -arch x64" in done.stdout
    assert not (tmp_path / "dist").exists() and not (tmp_path / "work").exists()
