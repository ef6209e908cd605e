r"""The machine policy: what IT fixes for every user of a computer, outside any workbook.

Read from ``policy.toml`` in the machine-wide configuration folder (``C:\ProgramData\OPCC
Desktop`` on Windows, ``/etc/xdg/OPCC Desktop`` on Linux; where there is none,
``OPCC_POLICY_FILE`` may name another, for tests) and, on Windows, from the values of the
registry key ``HKEY_LOCAL_MACHINE\Software\Policies\OPCC\OPCC Desktop``, laid over the file's.
The key is read with the standard library's winreg rather than Qt's QSettings, so that every
command honours it and a headless one still never loads Qt. The "Machine policy"
section of docs/install.md documents every key.

A policy only tightens: neither a user's own setting nor a workbook's can loosen it. A wrong
value is never passed over quietly: it is reported (where it is, which key, how to fix it)
and, until it is fixed, its key takes its strictest reading (``Rule.strictest``). A file that
cannot be read at all leaves every key at its strictest, as any of them may have been set.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from .. import APP_NAME
from ..errors import PolicyError

REGISTRY_KEY = r"HKEY_LOCAL_MACHINE\Software\Policies\OPCC\OPCC Desktop"
POLICY_ENV = "OPCC_POLICY_FILE"  # a policy file to read where the machine has none (tests)
POLICY_FILE = "policy.toml"
UNSET_VARIABLE = re.compile(r"%[^%\s]+%|\$\{?\w+")  # an environment variable left as written: not set


class Wrong(ValueError):
    """A value breaking its key's rule; the message says how ('is text "15", not a whole number')."""


@dataclass(frozen=True)
class Rule:
    check: Callable[[object], object]  # the value as used, or Wrong
    allowed: str  # "a whole number from 1 to 240"
    in_file: str  # how the file says it: "max_lock_minutes = 5"
    in_registry: str  # how the registry says it: "a REG_DWORD value such as 5"
    strictest: object  # the reading while the value is wrong
    until: str  # what that reading means, for the message


def _described(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'text "{value}"'
    if isinstance(value, int | float):
        return f"the number {value}"
    return {list: "a list", dict: "a table"}.get(type(value), f"a {type(value).__name__}")


def _whole(low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Wrong(f"is {_described(value)}, not a whole number")
        if not low <= value <= high:
            raise Wrong(f"is {value}, outside {low} to {high}")
        return value

    return check


def _switch(value: object) -> bool:
    """true or false; the registry, which has no such type, says 1 or 0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise Wrong(f"is {_described(value)}, not true or false")


def _folder(value: object) -> Path:
    """A full path, after expanding environment variables (%USERNAME%, $HOME) and ~, so that
    one policy can give each user a folder of their own."""
    if not isinstance(value, str) or not value.strip():
        raise Wrong(f"is {_described(value)}, not the path of a folder")
    expanded = os.path.expanduser(os.path.expandvars(value.strip()))
    if unset := UNSET_VARIABLE.search(expanded):
        raise Wrong(f'("{value}") names the environment variable {unset[0]}, which is not set')
    if not Path(expanded).is_absolute():
        raise Wrong(f'("{value}") is not a full path')
    return Path(expanded)


RULES: dict[str, Rule] = {
    "data_folder": Rule(
        _folder, "the full path of a folder", r"data_folder = 'D:\OPCC\%USERNAME%' (single quotes keep backslashes)",
        r"a REG_SZ or REG_EXPAND_SZ value such as D:\OPCC\%USERNAME%", None,
        "the window does not start, and nothing else that keeps files in the data folder runs: backups (so "
        "no workbook opens for editing) and the demo",
    ),
    "backups_kept": Rule(
        _whole(1, 100), "a whole number from 1 to 100", "backups_kept = 10", "a REG_DWORD value such as 10",
        None, "each workbook's own setting applies (no number of backups is safer than another)",
    ),
    "max_lock_minutes": Rule(
        _whole(1, 240), "a whole number from 1 to 240", "max_lock_minutes = 5", "a REG_DWORD value such as 5",
        1, "workbooks lock after 1 idle minute",
    ),
    "offer_demo": Rule(
        _switch, "true or false", "offer_demo = false", "a REG_DWORD value, 1 (true) or 0 (false)",
        False, "the demo is not offered",
    ),
    "disclosure_threshold_floor": Rule(
        _whole(0, 100), "a whole number from 0 to 100", "disclosure_threshold_floor = 10",
        "a REG_DWORD value such as 10", 100, "public documents hide every count of people below 100",
    ),
}


@dataclass(frozen=True)
class Reading:
    """What one source (the file, the registry key) says: the values it sets well, and for
    each key it sets wrongly, the message saying so."""

    values: Mapping[str, object] = field(default_factory=dict)
    wrong: Mapping[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()  # every message, unknown keys' too
    where: str = ""


@dataclass(frozen=True)
class MachinePolicy:
    """What this computer's policy fixes; the defaults fix nothing."""

    data_folder: Path | None = None  # backups, the demo, export snapshots; None: the user's own
    backups_kept: int | None = None  # the latest backups each workbook keeps; None: its own setting
    max_lock_minutes: int | None = None  # the longest idle time before a workbook locks
    offer_demo: bool = True
    disclosure_threshold_floor: int = 0  # public documents hide counts of people below at least this
    where: Mapping[str, str] = field(default_factory=dict)  # key -> the file or registry key deciding it
    problems: tuple[str, ...] = ()  # what is wrong with the policy, each saying how to fix it
    wrong: Mapping[str, str] = field(default_factory=dict)  # keys at their strictest -> why

    def set_by(self, key: str) -> str:
        """Who set ``key``, for a message: "your IT team (offer_demo in C:\\...\\policy.toml)",
        saying when a wrong value is read at its strictest."""
        wrong = ", wrong, so read at its strictest until it is fixed" if key in self.wrong else ""
        return f"your IT team ({key} in {self.where[key]}{wrong})"

    def data_dir(self) -> Path | None:
        """The folder the policy fixes (None: it does not); refused while its value is wrong."""
        if "data_folder" in self.wrong:
            raise PolicyError(self.wrong["data_folder"])
        return self.data_folder

    def lock_minutes(self, chosen: float) -> float:
        """The user's idle minutes, never more than the policy allows."""
        return chosen if self.max_lock_minutes is None else min(chosen, self.max_lock_minutes)


def policy_file() -> Path:
    """policy.toml in the machine-wide configuration folder, named as the user's data folder
    is (store/paths.py). Only where the machine has none may OPCC_POLICY_FILE name another
    (tests, or IT trying a policy out): a user cannot set it to escape the machine's."""
    machine = Path(platformdirs.site_config_dir(APP_NAME, False)) / POLICY_FILE
    named = os.environ.get(POLICY_ENV)
    return Path(named) if named and not machine.exists() else machine


def machine_policy() -> MachinePolicy:
    """This computer's policy: the file (parsed once per content), under the registry's values."""
    return resolve(read_file(policy_file()), checked(registry_values(), REGISTRY_KEY, registry=True))


def registry_values() -> dict[str, object]:
    """The values of the policy key, by name (a REG_DWORD as a number, a REG_SZ as text, a
    REG_EXPAND_SZ expanded); none where there is no key, or no registry (not Windows)."""
    if sys.platform != "win32":
        return {}
    import winreg

    try:
        key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, REGISTRY_KEY.removeprefix("HKEY_LOCAL_MACHINE\\"))
    except OSError:  # no policy key
        return {}
    values: dict[str, object] = {}
    with key:
        for index in range(winreg.QueryInfoKey(key)[1]):
            name, value, kind = winreg.EnumValue(key, index)
            values[name] = winreg.ExpandEnvironmentStrings(value) if kind == winreg.REG_EXPAND_SZ else value
    return values


def read_file(path: Path) -> Reading:
    """The policy file at ``path``; nothing when there is none."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Reading()
    except OSError as exc:
        return _unreadable(str(path), exc.strerror or str(exc))
    return _parsed(str(path), data)


@functools.lru_cache(maxsize=8)
def _parsed(where: str, data: bytes) -> Reading:
    import tomllib  # here: a computer without a policy never loads it

    try:
        table = tomllib.loads(data.decode("utf-8-sig"))  # Notepad may begin the file with a BOM
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return _unreadable(where, str(exc))
    return checked(table, where, registry=False)


def checked(values: Mapping[str, object], where: str, *, registry: bool) -> Reading:
    """Each value of one source checked by its key's rule."""
    good: dict[str, object] = {}
    wrong: dict[str, str] = {}
    problems = []
    for name, value in values.items():
        key = name.casefold() if registry else name
        rule = RULES.get(key)
        if rule is None:
            problems.append(_unknown(where, name, registry))
            continue
        try:
            good[key] = rule.check(value)
        except Wrong as exc:
            wrong[key] = _wrong(where, key, str(exc), rule, registry)
            problems.append(wrong[key])
    return Reading(good, wrong, tuple(problems), where)


def resolve(*readings: Reading) -> MachinePolicy:
    """The policy the readings give, each over those before it, key by key: the last reading
    to set a key decides it, and a wrong value there leaves the key at its strictest."""
    values: dict[str, object] = {}
    where: dict[str, str] = {}
    wrong: dict[str, str] = {}
    for reading in readings:
        for key, rule in RULES.items():
            if key in reading.wrong:
                values[key], wrong[key] = rule.strictest, reading.wrong[key]
            elif key in reading.values:
                values[key] = reading.values[key]
                wrong.pop(key, None)
            else:
                continue
            where[key] = reading.where
    chosen = {key: value for key, value in values.items() if value is not None}
    problems = tuple(problem for reading in readings for problem in reading.problems)
    return MachinePolicy(**chosen, where=where, problems=problems, wrong=wrong)  # type: ignore[arg-type]


def _wrong(where: str, key: str, wrong: str, rule: Rule, registry: bool) -> str:
    how = f": {rule.in_registry}" if registry else f", written as {rule.in_file}"
    return (f"{where}: {_named(key, registry)} {wrong}. Make it {rule.allowed}{how}. Until it is fixed, "
            f"{rule.until}.")  # fmt: skip


def _unknown(where: str, name: str, registry: bool) -> str:
    import difflib  # here: only a policy naming an unknown key pays for it

    close = difflib.get_close_matches(name.casefold(), RULES, n=1)
    guess = f" (did you mean {close[0]}?)" if close else ""
    return (f"{where}: {_named(name, registry)} is not a machine policy setting{guess}, so it does nothing. "
            f"Correct or remove it; the settings are {', '.join(RULES)}.")  # fmt: skip


def _unreadable(where: str, reason: str) -> Reading:
    """A file that cannot be read: any key may have been set in it, so every one is at its strictest."""
    message = (f"{where} could not be read as a policy file ({reason}). Correct it (it is TOML: see "
               "'Machine policy' in the installation guide; Windows paths go in single quotes) or remove it. "
               f"Until then every setting it could fix is at its strictest: {'; '.join(r.until for r in RULES.values())}.")  # fmt: skip
    return Reading(wrong=dict.fromkeys(RULES, message), problems=(message,), where=where)


def _named(key: str, registry: bool) -> str:
    return f"the value {key}" if registry else key
