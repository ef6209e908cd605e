"""The release build, step by step: the offline wheelhouse, the frozen bundle and the MSI.

``build_installer.py`` runs the steps; each module here holds one of them:

- :mod:`release.wheelhouse`: every pinned dependency as wheels for Windows x64 (CPython 3.11,
  3.12, 3.13) and for this machine, the app's own wheel, and a hash lock per platform;
- :mod:`release.bundle`: the PyInstaller one-folder bundle, built in a clean virtual
  environment installed from that lock, trimmed, with version information and an icon;
- :mod:`release.msi`: the per-machine MSI, its WiX source generated from the bundle's files;
- :mod:`release.signing`: the optional code signing, through a command IT names.

Nothing here is imported by the app; it is not in the app's wheel.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "OPCC Desktop"  # the Start-menu name, the install folder, the window's executable
CLI_NAME = "opcc-desktop"  # the console executable, as the command installed by pip is called
MANUFACTURER = "OPCC Desktop authors"


class ReleaseError(RuntimeError):
    """A step cannot go on; the message says what is missing or wrong, and what to do."""


@dataclass(frozen=True)
class Project:
    """What the release reads from pyproject.toml: one place for the version and the pins."""

    name: str
    version: str
    description: str
    dependencies: tuple[str, ...]
    release_tools: tuple[str, ...]  # the ``release`` extra: PyInstaller and what the build uses

    @classmethod
    def read(cls, root: Path = ROOT) -> Project:
        with open(root / "pyproject.toml", "rb") as handle:
            project = tomllib.load(handle)["project"]
        return cls(project["name"], project["version"], project["description"],
                   tuple(project["dependencies"]),
                   tuple(project["optional-dependencies"]["release"]))  # fmt: skip


@dataclass(frozen=True)
class Layout:
    """Where a build puts things: ``dist`` the deliverables, ``work`` everything in between
    (both ignored by git)."""

    dist: Path
    work: Path

    @property
    def wheelhouse(self) -> Path:
        return self.dist / "wheelhouse"

    @property
    def bundle(self) -> Path:
        return self.dist / APP_NAME


class Runner:
    """Runs a step's commands, or with ``dry_run`` only prints them. Every command is printed
    before it runs, so a build log reads as the commands that made it."""

    def __init__(self, dry_run: bool = False) -> None:
        self.dry_run = dry_run

    def run(self, command: Sequence[str | Path] | str, *, env: Mapping[str, str] | None = None,
            cwd: Path | None = None) -> None:  # fmt: skip
        """Run ``command`` (a list of words; or, on Windows, a command line as typed)."""
        words = command if isinstance(command, str) else [str(word) for word in command]
        prefix = (f"cd {shlex.quote(str(cwd))} && " if cwd else "") + "".join(
            f"{name}={shlex.quote(value)} " for name, value in (env or {}).items())  # fmt: skip
        print(f"$ {prefix}{words if isinstance(words, str) else shlex.join(words)}", flush=True)
        if not self.dry_run:
            subprocess.run(words, check=True, cwd=cwd, env={**os.environ, **(env or {})})

    def note(self, text: str) -> None:
        print(f"# {text}", flush=True)


def python_in(venv: Path) -> Path:
    """The interpreter of the virtual environment ``venv``."""
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())
