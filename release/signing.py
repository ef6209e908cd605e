"""Optional code signing, through a command the organisation names.

``OPCC_SIGN_COMMAND`` holds a command line with ``{file}`` where the file to sign goes, for
example ``signtool sign /fd SHA256 /sha1 <thumbprint> {file}`` on Windows. A tool that writes
the signed copy elsewhere also takes ``{out}``, which then replaces the file, e.g.
``osslsigncode sign -pkcs12 opcc.p12 -readpass pass.txt -h sha256 -in {file} -out {out}``.
The bundle step signs every .exe, .dll and .pyd before the MSI packs them; the MSI step signs
the MSI. Unset, nothing is signed, and the build says so.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable
from pathlib import Path

from . import ReleaseError, Runner

SIGN_ENV = "OPCC_SIGN_COMMAND"
SIGNED_SUFFIXES = (".exe", ".dll", ".pyd")  # Windows' executable files (a .pyd is a DLL)


def template() -> str | None:
    return os.environ.get(SIGN_ENV, "").strip() or None


def command(text: str, file: Path, out: Path) -> str | list[str]:
    """The command signing ``file``: on Windows a command line as typed (so signtool's quoting
    stays as written), elsewhere split as a POSIX shell would."""
    if "{file}" not in text:
        raise ReleaseError(f"{SIGN_ENV} must say where the file goes with {{file}}: {text!r}")
    if os.name == "nt":
        return text.replace("{file}", f'"{file}"').replace("{out}", f'"{out}"')
    return [word.replace("{file}", str(file)).replace("{out}", str(out)) for word in shlex.split(text)]


def sign(path: Path, runner: Runner) -> None:
    """Sign one file in place (through ``{out}`` when the command writes a copy)."""
    text = template()
    if text is None:
        return
    out = path.with_name(path.name + ".signed")
    runner.run(command(text, path, out))
    if "{out}" in text and not runner.dry_run:
        os.replace(out, path)


def sign_files(files: Iterable[Path], runner: Runner, what: str = "the bundle's .exe, .dll and .pyd files") -> None:
    text = template()
    if text is None:
        runner.note(f"unsigned: {SIGN_ENV} is not set, so nothing is signed ({what})")
        return
    files = list(files)
    if runner.dry_run:
        runner.note(f"sign {what} with: {text}")
        return
    if not files:
        runner.note(f"nothing to sign among {what}: none here (a bundle built off Windows has none)")
    for path in files:
        sign(path, runner)


def signable(folder: Path, dry_run: bool = False) -> list[Path]:
    """The Windows executables and DLLs in ``folder``."""
    if dry_run or not folder.exists():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SIGNED_SUFFIXES)
