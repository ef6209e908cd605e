"""Arguments and options shared by the ``opcc-desktop`` commands."""

from __future__ import annotations

from pathlib import Path

import click

from . import passphrase as pp

PASSPHRASE_HELP = (
    f"Read the passphrase from this file (first line). Otherwise ${pp.PASSPHRASE_ENV} is used, "
    "or you are prompted on a terminal."
)


def passphrase_option(func):  # type: ignore[no-untyped-def]
    return click.option(
        "--passphrase-file", type=click.Path(dir_okay=False, path_type=Path), help=PASSPHRASE_HELP
    )(func)


workbook_argument = click.argument("file", type=click.Path(path_type=Path))
