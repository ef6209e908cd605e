"""The msi step: a per-machine Windows Installer package of the bundle.

One model (:class:`Installer`, made from the bundle's file list) is written as two WiX
sources: WiX 3 syntax for ``wixl`` (msitools, which builds MSIs off Windows) and WiX 4 syntax
for WiX 5's ``wix build`` on Windows. Both are generated on every build, so the two cannot
drift; the one the available tool reads is built.

What the package does, and only that (no custom actions, nothing from the network):
- installs the bundle into ``Program Files\\OPCC Desktop`` (64-bit, every user: ALLUSERS=1);
- a Start-menu shortcut running ``OPCC Desktop.exe gui``;
- the ``.opcc`` file type under HKLM\\Software\\Classes, opened by the app, with its icon;
- ``HKLM\\Software\\OPCC Desktop``: InstallDir and Version, for detection rules;
- major upgrades: a stable UpgradeCode, a new ProductCode per build; the older version is
  removed before the newer one is installed, and a downgrade is refused. Two builds of the
  same version are not upgrades of each other (wixl cannot write AllowSameVersionUpgrades):
  every build handed to IT carries a new version.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import Version

from . import APP_NAME, MANUFACTURER, Layout, Project, ReleaseError, Runner, signing
from .bundle import executables
from .icon import ICO

UPGRADE_CODE = "DD777A0C-35B7-4B30-BDC0-655E1A80216E"  # never change: it ties every version together
PROG_ID = "OPCC.Workbook"
EXTENSION = ".opcc"
LANGUAGE = "2057"  # English (United Kingdom)
WIX3 = "http://schemas.microsoft.com/wix/2006/wi"
WIX4 = "http://wixtoolset.org/schemas/v4/wxs"
GUI_ID, CLI_ID, ICON_FILE_ID = "OpccDesktopExe", "OpccCommandExe", "OpccIconFile"


@dataclass(frozen=True)
class Folder:
    id: str
    parent: str
    name: str


@dataclass(frozen=True)
class Payload:
    id: str  # the File's; its component is "c" + id
    folder: str
    name: str
    source: Path


@dataclass(frozen=True)
class RegistryValue:
    key: str  # under HKLM
    name: str | None  # None: the key's default value
    value: str


@dataclass
class Installer:
    """Everything the package holds, whichever WiX writes it."""

    name: str
    version: str  # the MSI's ProductVersion: major.minor.build
    description: str
    icon: Path
    folders: list[Folder] = field(default_factory=list)
    files: list[Payload] = field(default_factory=list)
    registry: list[RegistryValue] = field(default_factory=list)

    @classmethod
    def of_bundle(cls, project: Project, bundle: Path) -> Installer:
        release = Version(project.version).release
        installer = cls(APP_NAME, ".".join(str(n) for n in (*release, 0, 0)[:3]), project.description, ICO)
        ids = {bundle: "INSTALLDIR"}
        special = {executables(bundle)[0]: GUI_ID, executables(bundle)[1]: CLI_ID,
                   bundle / "_internal" / "resources" / "icons" / ICO.name: ICON_FILE_ID}  # fmt: skip
        for path in sorted(bundle.rglob("*")):
            relative = path.relative_to(bundle).as_posix()
            if path.is_symlink():  # made by PyInstaller only off Windows; Windows Installer has no links
                continue
            if path.is_dir():
                ids[path] = identifier("d", relative)
                installer.folders.append(Folder(ids[path], ids[path.parent], path.name))
            else:
                file_id = special.get(path) or identifier("f", relative)
                installer.files.append(Payload(file_id, ids[path.parent], path.name, path))
        missing = {GUI_ID, CLI_ID, ICON_FILE_ID} - {payload.id for payload in installer.files}
        if missing:
            raise ReleaseError(f"the bundle in {bundle} lacks {', '.join(sorted(missing))}: run the bundle step again")
        installer.registry = registry_values(project)
        return installer


def identifier(kind: str, relative: str) -> str:
    """A stable MSI identifier for a bundle path (the same path keeps its id, and so its
    component's GUID, from version to version)."""
    return f"{kind}{hashlib.sha1(relative.encode()).hexdigest()[:24]}"


def registry_values(project: Project) -> list[RegistryValue]:
    classes = r"Software\Classes"
    return [
        RegistryValue(rf"{classes}\{EXTENSION}", None, PROG_ID),
        RegistryValue(rf"{classes}\{PROG_ID}", None, "OPCC Desktop workbook"),
        RegistryValue(rf"{classes}\{PROG_ID}\DefaultIcon", None, f"[#{ICON_FILE_ID}]"),
        RegistryValue(rf"{classes}\{PROG_ID}\shell\open\command", None, f'"[#{GUI_ID}]" gui "%1"'),
        RegistryValue(rf"Software\{APP_NAME}", "InstallDir", "[INSTALLDIR]"),
        RegistryValue(rf"Software\{APP_NAME}", "Version", project.version),
    ]


# --- the two WiX sources ---------------------------------------------------------------------------


def wix3(installer: Installer, base: Path) -> str:
    """The package in WiX 3 syntax, as wixl reads it: its files named relative to ``base``, the
    folder wixl runs in (it looks files up only under its working folder)."""
    ET.register_namespace("", WIX3)
    root = ET.Element(f"{{{WIX3}}}Wix")
    product = sub(root, WIX3, "Product", Id="*", Name=installer.name, Language=LANGUAGE, Version=installer.version,
                  Manufacturer=MANUFACTURER, UpgradeCode=UPGRADE_CODE)  # fmt: skip
    sub(product, WIX3, "Package", InstallerVersion="500", Compressed="yes", InstallScope="perMachine",
        Description=f"{installer.name} {installer.version}", Comments=installer.description)  # fmt: skip
    package_common(product, WIX3, installer, base)
    sub(product, WIX3, "Media", Id="1", Cabinet="app.cab", EmbedCab="yes")
    target = sub(product, WIX3, "Directory", Id="TARGETDIR", Name="SourceDir")
    program_files = sub(target, WIX3, "Directory", Id="ProgramFiles64Folder")
    sub(target, WIX3, "Directory", Id="ProgramMenuFolder")
    components = payload(program_files, WIX3, installer, {"Win64": "yes"}, base)
    feature(product, WIX3, components)
    return text_of(root, "WiX 3 (wixl)")


def wix4(installer: Installer) -> str:
    """The same package in WiX 4 syntax, for WiX 5 (``wix build -arch x64``)."""
    ET.register_namespace("", WIX4)
    root = ET.Element(f"{{{WIX4}}}Wix")
    package = sub(root, WIX4, "Package", Name=installer.name, Language=LANGUAGE, Version=installer.version,
                  Manufacturer=MANUFACTURER, UpgradeCode=UPGRADE_CODE, Scope="perMachine", InstallerVersion="500",
                  Compressed="yes")  # fmt: skip
    sub(package, WIX4, "SummaryInformation", Description=f"{installer.name} {installer.version}")
    package_common(package, WIX4, installer, None)
    sub(package, WIX4, "MediaTemplate", EmbedCab="yes", CompressionLevel="high")
    program_files = sub(package, WIX4, "StandardDirectory", Id="ProgramFiles64Folder")
    sub(package, WIX4, "StandardDirectory", Id="ProgramMenuFolder")
    components = payload(program_files, WIX4, installer, {"Bitness": "always64"}, None)
    feature(package, WIX4, components)
    return text_of(root, "WiX 4 (WiX 5's wix build)")


def package_common(parent: ET.Element, ns: str, installer: Installer, base: Path | None) -> None:
    sub(parent, ns, "MajorUpgrade", DowngradeErrorMessage=f"A newer version of {installer.name} is already "
        "installed. Uninstall it first to install this one.")  # fmt: skip
    sub(parent, ns, "Icon", Id="app.ico", SourceFile=source(installer.icon, base))
    for name, value in (("ARPPRODUCTICON", "app.ico"), ("ARPNOMODIFY", "1"), ("ARPCOMMENTS", installer.description)):
        sub(parent, ns, "Property", Id=name, Value=value)


def payload(program_files: ET.Element, ns: str, installer: Installer, bitness: dict[str, str],
            base: Path | None) -> list[str]:  # fmt: skip
    """The install folder's tree, a component per file (its key path), the shortcut beside the
    window's executable and the registry values in a component of their own; returns the
    components' ids."""
    elements = {"INSTALLDIR": sub(program_files, ns, "Directory", Id="INSTALLDIR", Name=installer.name)}
    for folder in installer.folders:
        elements[folder.id] = sub(elements[folder.parent], ns, "Directory", Id=folder.id, Name=folder.name)
    components = []
    for file in installer.files:
        component = sub(elements[file.folder], ns, "Component", Id=f"c{file.id}", Guid="*", **bitness)
        sub(component, ns, "File", Id=file.id, Name=file.name, Source=source(file.source, base), KeyPath="yes")
        if file.id == GUI_ID:
            sub(component, ns, "Shortcut", Id="StartMenuShortcut", Directory="ProgramMenuFolder", Name=installer.name,
                Target=f"[#{GUI_ID}]", Arguments="gui", Icon="app.ico", Description=installer.description)  # fmt: skip
        components.append(component.get("Id"))
    registry = sub(elements["INSTALLDIR"], ns, "Component", Id="cRegistry", Guid="*", **bitness)
    for i, value in enumerate(installer.registry):
        named = {"Name": value.name} if value.name is not None else {}
        sub(registry, ns, "RegistryValue", Root="HKLM", Key=value.key, **named, Type="string", Value=value.value,
            **({"KeyPath": "yes"} if i == 0 else {}))  # fmt: skip
    return [*components, "cRegistry"]


def source(path: Path, base: Path | None) -> str:
    """``path`` as a WiX source names it: relative to ``base`` when given (and possible)."""
    if base is None:
        return str(path)
    try:
        return os.path.relpath(path, base)
    except ValueError:  # another drive, on Windows
        return str(path)


def feature(parent: ET.Element, ns: str, components: list[str]) -> None:
    everything = sub(parent, ns, "Feature", Id="Complete", Title=APP_NAME, Level="1")
    for component in components:
        sub(everything, ns, "ComponentRef", Id=component)


def sub(parent: ET.Element, ns: str, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{ns}}}{tag}", attributes)


def text_of(root: ET.Element, syntax: str) -> str:
    ET.indent(root)
    note = f"<!-- {syntax} source of the OPCC Desktop MSI, generated by build_installer.py (release/msi.py) -->"
    return f'<?xml version="1.0" encoding="utf-8"?>\n{note}\n{ET.tostring(root, encoding="unicode")}\n'


# --- the step --------------------------------------------------------------------------------------


def build(project: Project, layout: Layout, runner: Runner) -> None:
    """Generate both sources from the bundle, build the MSI with the tool at hand, sign it."""
    tool = choose_tool(runner.dry_run)
    sources = {"wix3": layout.work / "opcc-desktop.wxs", "wix4": layout.work / "opcc-desktop.v4.wxs"}
    out = layout.dist / msi_name(project)
    runner.note(f"generate {sources['wix3']} and {sources['wix4']} from the files of {layout.bundle}")
    if not runner.dry_run:
        if not executables(layout.bundle)[0].exists():
            raise ReleaseError(f"no bundle in {layout.bundle}: run the bundle step first")
        installer = Installer.of_bundle(project, layout.bundle)
        layout.work.mkdir(parents=True, exist_ok=True)
        sources["wix3"].write_text(wix3(installer, layout.work), encoding="utf-8")
        sources["wix4"].write_text(wix4(installer), encoding="utf-8")
        out.unlink(missing_ok=True)
        print(f"msi: {len(installer.files)} files in {len(installer.folders)} folders")
    if tool == "wix":
        runner.run(["wix", "build", "-arch", "x64", "-o", out, sources["wix4"]])
    else:
        runner.run(["wixl", "--arch", "x64", "--output", out, sources["wix3"].name], cwd=layout.work)
    signing.sign_files([out], runner, what="the MSI")
    if not runner.dry_run:
        print(f"msi: {out} ({out.stat().st_size / 1e6:.1f} MB)")
        if sys.platform != "win32":
            print("  (built from this machine's bundle, for checking the package's tables: not for Windows)")


def choose_tool(dry_run: bool = False) -> str:
    """WiX 5 where it is installed (Windows), else wixl; a dry run names the one it would want."""
    if sys.platform == "win32" and (shutil.which("wix") or dry_run and not shutil.which("wixl")):
        return "wix"
    if shutil.which("wixl") or dry_run:
        return "wixl"
    if sys.platform == "win32":
        raise ReleaseError("no WiX: install WiX 5 (dotnet tool install --global wix --version 5.0.2)")
    raise ReleaseError("no wixl: install msitools' wixl (Debian/Ubuntu: apt-get install wixl msitools)")


def msi_name(project: Project) -> str:
    platform = "win64" if sys.platform == "win32" else f"{sys.platform}-test"
    return f"OPCC-Desktop-{project.version}-{platform}.msi"

