"""Where things live: shipped resources and the data folder (backups, the demo, export snapshots)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from .. import APP_NAME
from .policy import machine_policy

DATA_DIR_ENV = "OPCC_DATA_DIR"  # overrides the per-user data directory (portable use, tests)


def resources_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "resources"


def user_data_dir() -> Path:
    """The machine policy's data folder (IT's choice wins), else OPCC_DATA_DIR, else the
    user's own. Refused, naming the fix, while the policy's folder is wrong."""
    fixed = machine_policy().data_dir()
    if fixed is not None:
        return fixed
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))
