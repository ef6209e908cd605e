"""Where things live: shipped resources and the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "OPCC Desktop"
DATA_DIR_ENV = "OPCC_DATA_DIR"  # overrides the per-user data directory (portable use, tests)


def resources_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "resources"


def user_data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    base = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))
    return base
