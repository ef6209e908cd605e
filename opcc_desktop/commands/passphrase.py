"""Where a headless command gets its passphrase: never from the command line itself, where
other users can read it in the process list and it lands in shell history."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from ..errors import PassphraseError
from ..store.user_paths import check_input

PASSPHRASE_ENV = "OPCC_PASSPHRASE"
NEW_PASSPHRASE_ENV = "OPCC_NEW_PASSPHRASE"


def from_file(path: Path) -> str:
    check_input(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PassphraseError(f"Cannot read the passphrase file {path}: {exc.strerror}.") from None
    passphrase = text.splitlines()[0] if text else ""
    if not passphrase:
        raise PassphraseError(f"The passphrase file {path} is empty: its first line is the passphrase.")
    return passphrase


def resolve(
    passphrase_file: Path | None, *, env: str = PASSPHRASE_ENV, prompt: str = "Passphrase: ",
    confirm: bool = False, default: str | None = None, option: str = "--passphrase-file",
) -> str:
    """The passphrase from the file, else the environment, else a prompt on a terminal
    (Enter alone takes ``default``), else ``default``; otherwise explain how to give one."""
    if passphrase_file is not None:
        return from_file(passphrase_file)
    if os.environ.get(env):
        return os.environ[env]
    if sys.stdin.isatty():
        return _prompt(prompt, confirm) or _require(default)
    if default is not None:
        return default
    raise PassphraseError(
        f"No passphrase given. Set the {env} environment variable or use {option} FILE "
        "(passphrases are never taken as command-line arguments)."
    )


def _require(default: str | None) -> str:
    if default is None:
        raise PassphraseError("The passphrase is empty.")
    return default


def _prompt(prompt: str, confirm: bool) -> str:
    """What was typed; empty when the user just pressed Enter."""
    first = getpass.getpass(prompt)
    if first and confirm and getpass.getpass("Repeat it: ") != first:
        raise PassphraseError("The two passphrases differ; nothing was changed.")
    return first
